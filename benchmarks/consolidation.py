"""Benchmark of the consolidation MIP (整合提升, 一区多园): generate, build, solve, re-check, per
size, backend and objective; solve time and MIP gap.

    python benchmarks/consolidation.py                      # 180 and 2,000 parks; HiGHS, CBC, SCIP; both objectives
    python benchmarks/consolidation.py --sizes 180 --backends highs --no-write

For each size the instance is ``zoneopt.examples.parks.synthetic_parks(n, seed=...)`` (with
the default seed 2017 the 180-park instance is the bundled ``instances/henan-parks-180.json``):
lon/lat parks of a Henan-sized province, 30 km limit, relatedness matrix, 3 blocks per host,
one zone per county with the generator's exceptions and the county floor, national parks kept,
small and grade-D parks revocable. Each objective (``relatedness``; ``min_zones`` with its
tie-break, two solves) is solved on each backend in a fresh subprocess of this script
(``--one``), so its peak RSS is its own. A run times the generator (gen s),
``build_consolidation_model`` (build s: the KD-tree candidate pairs, relatedness and the rows),
and ``zoneopt.core.solve`` (solve s: translation, the solve and zoneopt's independent check; a
one-variable warm-up solve first so imports are not timed), records status, objective, the
solver's MIP gap and bound, and re-checks the plan against the rules from the data
(``consolidation.check_plan``). Each solve gets ``--time-limit`` seconds (default 300); a
backend that reaches it at some size is still run at the next (the gap is what is measured).
The report goes to ``benchmarks/results/consolidation-<date>.md`` with the machine and the
package versions.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
sys.path.insert(0, str(HERE))

from land_quota import _rss_mib, fmt, machine  # noqa: E402  (the land benchmark's probes and format)

DEFAULT_SIZES = (180, 2_000)
DEFAULT_BACKENDS = ("highs", "pulp-cbc", "ortools-scip")
OBJECTIVES = ("relatedness", "min_zones")



def _warm_up(backend: str) -> None:
    import numpy as np

    from zoneopt.core import ModelBuilder
    from zoneopt.core import solve as core_solve

    b = ModelBuilder("warm-up", "max")
    b.add_vars("x", 1, ub=1.0, obj=1.0, integer=True)
    b.add_rows("r", np.ones((1, 1)), ub=1.0)
    core_solve(b.build(), backend)


def run_one(size: int, backend: str, objective: str, seed: int, time_limit: float) -> dict[str, Any]:
    from zoneopt.core import SolveOptions
    from zoneopt.core import solve as core_solve
    from zoneopt.examples.parks import synthetic_parks
    from zoneopt.models.consolidation import build_consolidation_model, check_plan, plan_from_solution, value_stage

    out: dict[str, Any] = {"size": size, "backend": backend, "objective_kind": objective, "seed": seed}
    t = time.perf_counter()
    inst = synthetic_parks(size, seed=seed)
    if objective != "relatedness":
        cons = inst.consolidation.model_copy(update={  # type: ignore[union-attr]
            "objective": inst.consolidation.objective.model_copy(update={"kind": objective})})  # type: ignore[union-attr]
        inst = inst.model_copy(update={"consolidation": cons})
    out["gen_s"] = time.perf_counter() - t
    t = time.perf_counter()
    cm = build_consolidation_model(inst)
    out["build_s"] = time.perf_counter() - t
    m = cm.model
    out |= {"pairs": int(cm.pairs.park.size), "vars": m.num_vars, "rows": m.num_rows, "nnz": int(m.A.nnz),
            "counties": len(cm.county_cap), "exceptions": len(cm.settings.county_exceptions)}
    opts = SolveOptions(time_limit=time_limit, mip_gap=1e-6)
    _warm_up(backend)
    t = time.perf_counter()
    first = core_solve(m, backend, options=opts)
    out["solve_s"] = time.perf_counter() - t
    out |= {"status": first.status.value, "objective": first.objective, "mip_gap": first.mip_gap,
            "best_bound": first.best_bound, "solver_s": first.runtime}
    if not first.status.has_solution:
        out["peak_rss_mib"] = _rss_mib()
        return out
    final, secondary = first, None
    if objective == "min_zones":
        assert first.x is not None
        t = time.perf_counter()
        final = core_solve(value_stage(cm, int(round(float(first.x[cm.host.slice].sum())))), backend, options=opts)
        out["solve2_s"] = time.perf_counter() - t
        out |= {"status2": final.status.value, "mip_gap2": final.mip_gap}
        if not final.status.has_solution:
            out["peak_rss_mib"] = _rss_mib()
            return out
        secondary = final.objective
    plan = plan_from_solution(cm, final, primary=first, secondary=secondary)
    s = plan.summary
    out |= {"secondary": secondary, "hosts": s.hosts, "multi_block_hosts": s.multi_block_hosts, "merged": s.merged,
            "revoked": s.revoked, "land_freed_mu": s.land_freed_mu, "check_max_violation": s.check_max_violation,
            "rule_violations": len(check_plan(inst, plan))}
    out["peak_rss_mib"] = _rss_mib()
    return out


def spawn(size: int, backend: str, objective: str, a: argparse.Namespace) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--one", "--size", str(size), "--backend", backend,
           "--objective", objective, "--seed", str(a.seed), "--time-limit", str(a.time_limit)]
    base = {"size": size, "backend": backend, "objective_kind": objective}
    hard = 3 * a.time_limit + 300
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=hard, check=False)
    except subprocess.TimeoutExpired:
        return base | {"status": f"killed after {hard:.0f} s"}
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        err = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return base | {"status": f"error: {err[:160]}"}
    return dict(json.loads(lines[-1]))



def table(results: list[dict[str, Any]]) -> str:
    ref = {(r["size"], r["objective_kind"]): r for r in results if r["backend"] == "highs"
           and r.get("objective") is not None}
    rows = ["| parks | objective | backend | build s | solve s | MIP gap | status | objective value | "
            "rel. diff to HiGHS | zones left (multi-block) | merged | revoked | rule check | peak RSS MiB |",
            "|---:|---|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---|---:|"]
    for r in results:
        h = ref.get((r["size"], r["objective_kind"]))
        diff = None
        if h is not None and r.get("objective") is not None:
            diff = abs(r["objective"] - h["objective"]) / max(1.0, abs(h["objective"]))
        solve = r.get("solve_s")
        if solve is not None and r.get("solve2_s") is not None:
            solve_txt = f"{solve:.2f} + {r['solve2_s']:.2f}"
        else:
            solve_txt = fmt(solve, ".2f")
        gap = fmt(r.get("mip_gap"), ".1e") + (f" / {r['mip_gap2']:.1e}" if r.get("mip_gap2") is not None else "")
        value = fmt(r.get("objective"), ",.4f") + (f" ({r['secondary']:,.4f})" if r.get("secondary") is not None
                                                   else "")
        status = r.get("status", "?") + (f" / {r['status2']}" if r.get("status2") else "")
        check = "–" if r.get("rule_violations") is None else ("ok" if r["rule_violations"] == 0
                                                              else f"{r['rule_violations']} violations")
        zones = "–" if r.get("hosts") is None else f"{r['hosts']:,} ({r['multi_block_hosts']:,})"
        rows.append(f"| {r['size']:,} | {r['objective_kind']} | {r['backend']} | {fmt(r.get('build_s'), '.3f')} | "
                    f"{solve_txt} | {gap} | {status} | {value} | {fmt(diff, '.1e')} | {zones} | "
                    f"{fmt(r.get('merged'), ',')} | {fmt(r.get('revoked'), ',')} | {check} | "
                    f"{fmt(r.get('peak_rss_mib'), '.0f')} |")
    return "\n".join(rows)


def sizes_table(results: list[dict[str, Any]]) -> str:
    seen: dict[int, dict[str, Any]] = {}
    for r in results:
        if r.get("vars") is not None and r["objective_kind"] == "relatedness":
            seen.setdefault(r["size"], r)
    rows = ["| parks | counties (exceptions) | candidate pairs | variables | rows | non-zeros | gen s | build s |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for size, r in sorted(seen.items()):
        rows.append(f"| {size:,} | {r['counties']:,} ({r['exceptions']}) | {r['pairs']:,} | {r['vars']:,} | "
                    f"{r['rows']:,} | {r['nnz']:,} | {r['gen_s']:.2f} | {r['build_s']:.3f} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES), help="numbers of parks")
    p.add_argument("--backends", nargs="+", default=list(DEFAULT_BACKENDS))
    p.add_argument("--objectives", nargs="+", choices=OBJECTIVES, default=list(OBJECTIVES))
    p.add_argument("--time-limit", type=float, default=300.0, help="seconds per solve (default 300)")
    p.add_argument("--seed", type=int, default=2017, help="generator seed (2017: the bundled 180-park example)")
    p.add_argument("--out", type=Path, help="report file (default benchmarks/results/consolidation-<date>.md)")
    p.add_argument("--no-write", action="store_true", help="print only")
    p.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--size", type=int, help=argparse.SUPPRESS)
    p.add_argument("--backend", help=argparse.SUPPRESS)
    p.add_argument("--objective", default="relatedness", help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    if a.one:
        print(json.dumps(run_one(a.size, a.backend, a.objective, a.seed, a.time_limit)), flush=True)
        return 0

    started = dt.datetime.now()
    head = machine()
    results: list[dict[str, Any]] = []
    for size in sorted(a.sizes):
        for objective in a.objectives:
            for backend in a.backends:
                print(f"[{dt.datetime.now():%H:%M:%S}] {size:>6,} parks  {objective}  {backend} ...",
                      file=sys.stderr, flush=True)
                results.append(spawn(size, backend, objective, a))
                print(table(results[-1:]).splitlines()[-1], file=sys.stderr, flush=True)
    report = render(results, head, started, a)
    print(report)
    if not a.no_write:
        out = a.out or RESULTS / f"consolidation-{started:%Y-%m-%d}.md"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(report, encoding="utf-8")
        print(f"written to {out}", file=sys.stderr)
    return 0


def render(results: list[dict[str, Any]], head: list[str], started: dt.datetime, a: argparse.Namespace) -> str:
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return "\n".join([
        f"# Consolidation benchmark (run {started:%Y-%m-%d %H:%M})",
        "",
        f"`python benchmarks/consolidation.py --sizes {' '.join(map(str, a.sizes))} --backends "
        f"{' '.join(a.backends)} --objectives {' '.join(a.objectives)} --seed {a.seed} --time-limit {a.time_limit:g}`",
        "",
        "Instances: `zoneopt.examples.parks.synthetic_parks(n, seed)` — synthetic parks of a Henan-sized "
        "province (lon/lat, great-circle km), 30 km limit, sector relatedness ≥ 0.5, ≤ 3 blocks per host, one "
        "zone per county (the generator's witness exceptions) with the county floor, national parks kept, "
        "small and grade-D parks (and scores below 50) revocable. With seed 2017, 180 parks is "
        "`instances/henan-parks-180.json`.",
        "",
        "## Machine",
        "",
        *head,
        f"- load average at end: {', '.join(f'{v:.2f}' for v in load) if load else 'n/a'}",
        "",
        "## Results",
        "",
        table(results),
        "",
        "solve s: `zoneopt.core.solve` wall clock (translation, the solve, the independent check), after a "
        "warm-up solve; for `min_zones` the two solves (fewest zones, then the tie-break). MIP gap: as the "
        "solver reports it (relative; `min_zones`: first / second solve). objective value: points "
        "(relatedness) or zones left (min_zones, with the tie-break's points in brackets). rel. diff: "
        "|objective − HiGHS| / max(1, |HiGHS|). rule check: `consolidation.check_plan` re-checks the plan "
        "against the rules from the data (distances recomputed per merge). peak RSS: the whole run in its "
        "own process.",
        "",
        "## Model size and build",
        "",
        sizes_table(results),
        "",
        "Candidate pairs are both directions of every pair within the limit that is related enough and "
        "whose host may host (KD-tree, no n × n matrix). Variables: a host per park that may host, an "
        "assignment per candidate pair, a revocation per revocable park.",
        "",
    ])


if __name__ == "__main__":
    raise SystemExit(main())
