"""Benchmark of the land-quota model: generate, build, solve on every LP backend, per size.

    python benchmarks/land_quota.py                                  # 1k, 10k, 100k; all LP backends
    python benchmarks/land_quota.py --sizes 1000 --backends highs pulp-cbc --no-write

For each size the instance is ``zoneopt.examples.zones.synthetic_instance(n, seed=...)``: the
standard rule set (pool, request caps, grade-D exclusion, the score tilt chain, national floor,
city caps, corridor caps) and the efficiency objective. Each backend × size runs in a fresh
subprocess of this script (``--one``) so its peak RSS is its own; a run times
``build_land_model`` (build s) and ``zoneopt.core.solve`` (solve s: translation to the solver,
the solve, and zoneopt's independent check of the answer; a one-variable warm-up solve first,
so solver imports are not timed).

``--solve-form`` solves the land model as ``solve_land`` does (``zoneopt.models.land_form``): on
HiGHS its solve form (rows as bounds, the tilt's implied bounds, lifted back onto the rule rows),
on other backends the rule rows themselves.

HiGHS runs twice, with simplex (``SolveOptions(algorithm="simplex")``, the default) and with
the interior point method (``algorithm="ipm"``); the report names the faster one per size.

"The ordinary PuLP way" is a comparator written here, not part of zoneopt: the same model built
with one ``pulp.LpVariable`` per zone and ``lpSum`` expressions (the tilt chain with one level
variable per score boundary, like zoneopt's). Its build is timed at every size; it is solved
with CBC up to ``--naive-solve-max`` zones to show it is the same model (its objective must
match HiGHS's).

Backends that are too slow at some size are capped (``--cap BACKEND=N``; defaults in
``DEFAULT_CAPS``) and a run that exceeds ``--timeout`` seconds of solver time is stopped; the
table lists every skipped or stopped combination rather than leaving it out. The table is
printed and written to ``benchmarks/results/land_quota-<date>.md`` with the machine and the
package versions.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata as md
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"

DEFAULT_SIZES = (1_000, 10_000, 100_000)
DEFAULT_CAPS: dict[str, int] = {
    # PDLP is a first-order method: at the 1e-6 accuracy the checker asks for it needs very many
    # iterations; it is run to 10k zones only.
    "ortools-pdlp": 10_000,
}
DEFAULT_TIMEOUT = 300.0
HIGHS_ALGORITHMS = ("simplex", "ipm")
NAIVE = "naive-pulp"


# -- one run (in a fresh process) --------------------------------------------------------------

def _rss_mib() -> float:
    """Peak resident set size of this process so far, MiB (Linux: ru_maxrss is KiB)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024.0 * 1024.0) if sys.platform == "darwin" else peak / 1024.0


def run_one(size: int, backend: str, algorithm: str, seed: int, timeout: float,
            naive_solve: bool, drop_rules: list[str] | None = None, form: bool = False) -> dict[str, Any]:
    from zoneopt.examples.zones import synthetic_instance

    out: dict[str, Any] = {"size": size, "backend": backend, "algorithm": algorithm, "seed": seed,
                           "rss_base_mib": _rss_mib()}
    t = time.perf_counter()
    inst = synthetic_instance(size, seed=seed)
    if drop_rules:  # measure what one rule costs: the same instance without it
        inst = inst.model_copy(update={"rules": tuple(r for r in inst.rules if r.id not in drop_rules)})
    out["gen_s"] = time.perf_counter() - t
    out["rss_instance_mib"] = _rss_mib()
    if backend == NAIVE:
        return out | naive_pulp(inst, solve=naive_solve, timeout=timeout)

    from zoneopt.core import SolveOptions
    from zoneopt.core import solve as core_solve
    from zoneopt.models.land_quota import build_land_model

    t = time.perf_counter()
    lm = build_land_model(inst)
    out["build_s"] = time.perf_counter() - t
    m = lm.model
    out |= {"vars": m.num_vars, "rows": m.num_rows, "nnz": int(m.A.nnz), "rss_build_mib": _rss_mib()}
    options = SolveOptions(time_limit=timeout, algorithm=algorithm)
    _warm_up(backend, options)
    t = time.perf_counter()
    if form:  # the solve form (zoneopt.models.land_form), lifted back onto the rule rows
        from zoneopt.models.land_form import solve_in_form

        sol, _ = solve_in_form(m, lm.tilts, backend, options)
    else:
        sol = core_solve(m, backend, options=options)
    out["solve_s"] = time.perf_counter() - t
    out["solver_s"] = sol.runtime
    out["status"] = sol.status.value
    out["message"] = sol.message
    out["objective"] = None if sol.objective is None else sol.objective * lm.obj_scale
    out["objective_unit"] = lm.objective_unit
    out["peak_rss_mib"] = _rss_mib()
    return out


def _warm_up(backend: str, options: Any) -> None:
    """Solve a one-variable model first, so solver imports and first-call set-up are not timed."""
    import numpy as np

    from zoneopt.core import ModelBuilder
    from zoneopt.core import solve as core_solve

    b = ModelBuilder("warm-up", "max")
    b.add_vars("x", 1, ub=1.0, obj=1.0)
    b.add_rows("r", np.ones((1, 1)), ub=1.0)
    core_solve(b.build(), backend, options=options)


# -- the ordinary PuLP way (a naive comparator) -------------------------------------------------

def _matches(select: Any, z: Any) -> bool:
    if select.zones is not None and z.id not in select.zones:
        return False
    if select.cities is not None and z.city not in select.cities:
        return False
    if select.counties is not None and z.county not in select.counties:
        return False
    if select.levels is not None and z.level not in select.levels:
        return False
    if select.kinds is not None and z.kind not in select.kinds:
        return False
    if select.grades is not None and z.grade not in select.grades:
        return False
    if select.tags is not None and not any(t in select.tags for t in z.tags):
        return False
    return True


def naive_build(inst: Any) -> tuple[Any, dict[str, Any]]:
    """The land model the way one writes it with PuLP by hand: a variable per zone, a
    constraint per zone and rule, ``lpSum`` for totals. Land in mu, objective in 万元/yr."""
    import pulp

    from zoneopt.instance import ExcludeRule, GroupBoundsRule, LockRule, RequestCapRule, TiltRule, ZoneBoundsRule

    pool = inst.pools.land
    Q = pool.total_mu
    zones = list(inst.zones)
    prob = pulp.LpProblem("land_naive", pulp.LpMaximize)
    x = {z.id: pulp.LpVariable(f"x_{k}", lowBound=0) for k, z in enumerate(zones)}
    prob += pulp.lpSum((z.metrics.tax / z.land_area_mu) * x[z.id] for z in zones)
    prob += pulp.lpSum(x.values()) <= Q, "total"
    excluded = set()
    for rule in inst.rules:
        if isinstance(rule, ExcludeRule):
            excluded |= {z.id for z in zones if _matches(rule.select, z)}
    for r, rule in enumerate(inst.rules):
        if isinstance(rule, RequestCapRule):
            for z in zones:
                if _matches(rule.select, z):
                    prob += x[z.id] <= rule.share * (z.requests.land_mu or 0.0), f"req_{r}_{z.id}"
        elif isinstance(rule, ExcludeRule):
            for zid in sorted(excluded):
                prob += x[zid] <= 0, f"excl_{r}_{zid}"
        elif isinstance(rule, ZoneBoundsRule):
            for z in zones:
                if _matches(rule.select, z):
                    if rule.cap_mu is not None:
                        prob += x[z.id] <= rule.cap_mu, f"cap_{r}_{z.id}"
                    if rule.floor_mu is not None:
                        prob += x[z.id] >= rule.floor_mu, f"floor_{r}_{z.id}"
        elif isinstance(rule, LockRule):
            for zid, v in rule.values_mu.items():
                prob += x[zid] == v, f"lock_{r}_{zid}"
        elif isinstance(rule, GroupBoundsRule):
            groups: dict[str, list[str]] = {}
            for z in zones:
                keys = z.tags if rule.by == "tag" else [getattr(z, rule.by)]
                for g in keys:
                    if g is not None and (rule.groups is None or g in rule.groups):
                        groups.setdefault(str(g), []).append(z.id)
            for g, members in groups.items():
                total = pulp.lpSum(x[zid] for zid in members)
                if rule.cap_share is not None:
                    prob += total <= rule.cap_share * Q, f"gcap_{r}_{g}"
                if rule.floor_share is not None:
                    prob += total >= rule.floor_share * Q, f"gfloor_{r}_{g}"
        elif isinstance(rule, TiltRule):
            elig = [z for z in zones if _matches(rule.select, z) and z.id not in excluded]
            scores = sorted({z.score for z in elig}, reverse=True)
            tier = {s: k for k, s in enumerate(scores)}
            level = [pulp.LpVariable(f"u_{r}_{k}", lowBound=0) for k in range(len(scores) - 1)]
            for z in elig:
                k = tier[z.score]
                if k < len(scores) - 1:
                    prob += x[z.id] * (1.0 / z.land_area_mu) >= level[k], f"above_{r}_{z.id}"
                if k > 0:
                    prob += x[z.id] * (1.0 / z.land_area_mu) <= level[k - 1], f"below_{r}_{z.id}"
    return prob, {"vars": len(prob.variables()), "rows": len(prob.constraints)}


def naive_pulp(inst: Any, *, solve: bool, timeout: float) -> dict[str, Any]:
    import pulp

    t = time.perf_counter()
    prob, size = naive_build(inst)
    out: dict[str, Any] = {"build_s": time.perf_counter() - t, **size, "rss_build_mib": _rss_mib()}
    if solve:
        t = time.perf_counter()
        prob.solve(pulp.PULP_CBC_CMD(msg=False, timeLimit=timeout))
        out["solve_s"] = time.perf_counter() - t
        out["status"] = pulp.LpStatus[prob.status].lower()
        out["objective"] = pulp.value(prob.objective)
    else:
        out["status"] = "build only"
    out["peak_rss_mib"] = _rss_mib()
    return out


# -- the driver ---------------------------------------------------------------------------------

def lp_backends() -> list[str]:
    from zoneopt.core import backend_names, get_backend

    return [b for b in backend_names() if get_backend(b).continuous]


def spawn(size: int, backend: str, algorithm: str, args: argparse.Namespace) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--one", "--size", str(size), "--backend", backend,
           "--algorithm", algorithm, "--seed", str(args.seed), "--timeout", str(args.timeout)]
    if backend == NAIVE and size <= args.naive_solve_max:
        cmd.append("--naive-solve")
    for rule in args.drop_rule:
        cmd += ["--drop-rule", rule]
    if args.solve_form:
        cmd.append("--solve-form")
    base = {"size": size, "backend": backend, "algorithm": algorithm}
    hard = 2 * args.timeout + 300  # generation, build, translation and the check come on top
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=hard, check=False)
    except subprocess.TimeoutExpired:
        return base | {"status": f"killed after {hard:.0f} s", "skipped": True}
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        err = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return base | {"status": f"error: {err[:160]}"}
    return json.loads(lines[-1])


def label(r: dict[str, Any]) -> str:
    if r["backend"] == "highs":
        return f"highs ({r['algorithm']})"
    if r["backend"] == NAIVE:
        return "naive PuLP + CBC" if r.get("solve_s") is not None else "naive PuLP (build only)"
    return str(r["backend"])


def fmt(v: Any, spec: str) -> str:
    return "–" if v is None else format(v, spec)


def table(results: list[dict[str, Any]]) -> str:
    head = ("| size | backend | build s | solve s | peak RSS MiB | status | objective (万元/yr) | "
            "rel. diff to HiGHS |\n|---:|---|---:|---:|---:|---|---:|---:|")
    ref = {r["size"]: r.get("objective") for r in results
           if r["backend"] == "highs" and r["algorithm"] == "simplex" and r.get("status") == "optimal"}
    rows = [head]
    for r in results:
        obj, base = r.get("objective"), ref.get(r["size"])
        diff = None if obj is None or base is None else abs(obj - base) / max(1.0, abs(base))
        rows.append(f"| {r['size']:,} | {label(r)} | {fmt(r.get('build_s'), '.3f')} | "
                    f"{fmt(r.get('solve_s'), '.3f')} | {fmt(r.get('peak_rss_mib'), '.0f')} | "
                    f"{r.get('status', '?')} | {fmt(obj, ',.1f')} | {fmt(diff, '.1e')} |")
    return "\n".join(rows)


def sizes_table(results: list[dict[str, Any]]) -> str:
    rows = ["| size | variables | rows | nonzeros | generate + validate s | our build s | naive PuLP build s | "
            "naive / ours |", "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for size in sorted({r["size"] for r in results}):
        ours = next((r for r in results if r["size"] == size and r["backend"] == "highs" and "build_s" in r), None)
        naive = next((r for r in results if r["size"] == size and r["backend"] == NAIVE and "build_s" in r), None)
        if ours is None:
            continue
        ratio = naive["build_s"] / ours["build_s"] if naive else None
        rows.append(f"| {size:,} | {ours['vars']:,} | {ours['rows']:,} | {ours['nnz']:,} | {ours['gen_s']:.2f} | "
                    f"{ours['build_s']:.3f} | {fmt(naive and naive['build_s'], '.2f')} | {fmt(ratio, '.0f')}× |")
    return "\n".join(rows)


def fastest_highs(results: list[dict[str, Any]]) -> list[str]:
    """Per size, which HiGHS algorithm solved fastest (a run that did not finish loses)."""
    lines = []
    for size in sorted({r["size"] for r in results}):
        runs = [r for r in results if r["size"] == size and r["backend"] == "highs" and r.get("solve_s") is not None]
        done = sorted((r for r in runs if r.get("status") == "optimal"), key=lambda r: r["solve_s"])
        if not done:
            continue
        best = done[0]
        others = [f"{r['algorithm']} {r['solve_s']:.3f} s ({r['solve_s'] / best['solve_s']:.1f}×)" for r in done[1:]]
        others += [f"{r['algorithm']} stopped after {r['solve_s']:.0f} s ({r.get('status')})"
                   for r in runs if r.get("status") != "optimal"]
        lines.append(f"- {size:,} zones: **{best['algorithm']}** {best['solve_s']:.3f} s"
                     + (f"; {', '.join(others)}" if others else ""))
    return lines


def machine() -> list[str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        import psutil
        ram = f"{psutil.virtual_memory().total / 2**30:.1f} GiB"
    except ImportError:
        ram = "unknown"
    versions = []
    for pkg in ("zoneopt", "numpy", "scipy", "pandas", "pydantic", "highspy", "pulp", "ortools", "psutil"):
        try:
            versions.append(f"{pkg} {md.version(pkg)}")
        except md.PackageNotFoundError:
            versions.append(f"{pkg} (not installed)")
    return [
        f"- platform: {platform.platform()}",
        f"- CPU: {cpu}; {os.cpu_count()} logical cores; RAM {ram}",
        f"- Python {platform.python_version()} ({platform.python_implementation()})",
        f"- packages: {', '.join(versions)}",
        f"- zoneopt commit: {commit()}",
        f"- load average at start (1/5/15 min): {load_average()}",
    ]


def load_average() -> str:
    """The 1/5/15-minute load averages, as every benchmark's result notes them."""
    try:
        return ", ".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError:
        return "n/a"


def commit() -> str:
    """The commit measured (short hash), or "unknown" outside a git checkout."""
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              cwd=HERE, check=False).stdout.strip() or "unknown"
    except OSError:
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES), help="numbers of zones")
    p.add_argument("--backends", nargs="+", help="default: every backend that takes continuous variables")
    p.add_argument("--highs-algorithms", nargs="+", default=list(HIGHS_ALGORITHMS),
                   help="HiGHS LP methods to compare (simplex, ipm, pdlp, choose)")
    p.add_argument("--cap", action="append", default=[], metavar="BACKEND=N",
                   help=f"run BACKEND only up to N zones (defaults: {DEFAULT_CAPS}); N=0 lifts a cap")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                   help="solver time limit per run, s (a backend that hits it is not run at larger sizes)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--no-naive", action="store_true", help="skip the ordinary-PuLP comparator")
    p.add_argument("--naive-solve-max", type=int, default=1_000,
                   help="solve the naive PuLP model with CBC up to this many zones (default 1000)")
    p.add_argument("--out", type=Path, help="write the report here (default benchmarks/results/land_quota-<date>.md)")
    p.add_argument("--no-write", action="store_true", help="print only")
    # one run, in a subprocess
    p.add_argument("--drop-rule", action="append", default=[], metavar="ID",
                   help="solve without this rule of the standard set (repeatable), e.g. tilt-score")
    p.add_argument("--solve-form", action="store_true",
                   help="solve the land model's solve form (zoneopt.models.land_form) instead of its rule rows")
    p.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--size", type=int, help=argparse.SUPPRESS)
    p.add_argument("--backend", help=argparse.SUPPRESS)
    p.add_argument("--algorithm", default="simplex", help=argparse.SUPPRESS)
    p.add_argument("--naive-solve", action="store_true", help=argparse.SUPPRESS)
    a = p.parse_args(argv)

    if a.one:
        print(json.dumps(run_one(a.size, a.backend, a.algorithm, a.seed, a.timeout, a.naive_solve,
                                  a.drop_rule, a.solve_form)), flush=True)
        return 0

    caps = dict(DEFAULT_CAPS)
    for item in a.cap:
        name, _, value = item.partition("=")
        caps[name] = int(value)
    backends = a.backends or lp_backends()
    variants = [(b, alg) for b in backends for alg in (a.highs_algorithms if b == "highs" else ["simplex"])]
    if not a.no_naive:
        variants.append((NAIVE, "simplex"))
    started = dt.datetime.now()
    head = machine()
    results: list[dict[str, Any]] = []
    stopped: dict[tuple[str, str], str] = {}
    for size in sorted(a.sizes):
        for backend, alg in variants:
            cap = caps.get(backend, 0)
            base = {"size": size, "backend": backend, "algorithm": alg}
            if cap and size > cap:
                results.append(base | {"status": f"skipped (capped at {cap:,} zones)", "skipped": True})
            elif (backend, alg) in stopped:
                results.append(base | {"status": f"skipped ({stopped[(backend, alg)]})", "skipped": True})
            else:
                print(f"[{dt.datetime.now():%H:%M:%S}] {size:>7,} zones  {backend} {alg} ...", file=sys.stderr,
                      flush=True)
                r = spawn(size, backend, alg, a)
                results.append(r)
                hit_limit = r.get("solver_s") is not None and r["solver_s"] >= a.timeout * 0.99
                if r.get("skipped") or hit_limit or str(r.get("status", "")).startswith(("error", "killed")):
                    stopped[(backend, alg)] = f"stopped at {size:,} zones: {r.get('status')}"
            print(table([results[-1]]).splitlines()[-1], file=sys.stderr, flush=True)

    report = render(results, head, started, a, caps, backends)
    print(report)
    if not a.no_write:
        out = a.out or RESULTS / f"land_quota-{started:%Y-%m-%d}.md"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(report, encoding="utf-8")
        print(f"written to {out}", file=sys.stderr)
    return 0


def render(results: list[dict[str, Any]], head: list[str], started: dt.datetime, a: argparse.Namespace,
           caps: dict[str, int], backends: list[str]) -> str:
    from zoneopt.core import backend_names

    not_lp = [b for b in backend_names() if b not in lp_backends()]
    fast = fastest_highs(results)
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    parts = [
        f"# Land-quota benchmark, {started:%Y-%m-%d}",
        "",
        f"`python benchmarks/land_quota.py --sizes {' '.join(map(str, a.sizes))} --seed {a.seed} "
        f"--timeout {a.timeout:g}`" + (f" `--backends {' '.join(backends)}`" if a.backends else "")
        + (" `--solve-form`" if a.solve_form else ""),
        "",
        "Instances: `zoneopt.examples.zones.synthetic_instance(n, seed)` — synthetic Henan 经开区 data, the "
        "standard rule set (pool, request caps, grade-D exclusion, the score tilt chain, national floor, "
        "city caps, corridor caps), efficiency objective (maximise Σ 亩均税收 × new land, 万元/yr).",
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
        "build s: `build_land_model` (instance → core model). solve s: `zoneopt.core.solve` — translation "
        "to the solver, the solve, and zoneopt's independent check of the answer (wall clock, after a warm-up solve "
        "of a one-variable model so solver imports are not counted). peak RSS: "
        "the whole run in its own process (interpreter, instance, model, solver). rel. diff: |objective − "
        "HiGHS simplex| / max(1, |HiGHS simplex|). The naive PuLP rows build the same model the ordinary "
        "way (a `LpVariable` per zone, `lpSum`); it is solved with CBC only up to "
        f"{a.naive_solve_max:,} zones, to check it is the same model.",
        "",
        "## Model size and build",
        "",
        sizes_table(results),
        "",
        "## HiGHS: simplex or interior point",
        "",
        *(fast or ["- not enough optimal HiGHS runs to compare"]),
        "",
        "## Skipped and stopped runs",
        "",
        f"- per-backend size caps: {', '.join(f'{k} ≤ {v:,}' for k, v in caps.items() if v) or 'none'}; "
        f"solver time limit {a.timeout:g} s per run (a backend that reaches it, or fails, is not run at "
        "larger sizes)",
        *(f"- {r['size']:,} zones, {label(r)}: {r['status']}" for r in results
          if r.get("skipped") or not str(r.get("status", "")).startswith(("optimal", "build only"))),
        *([f"- not LP backends (integer variables only), not run: {', '.join(not_lp)}"] if not_lp else []),
        "",
    ]
    return "\n".join(parts)


if __name__ == "__main__":
    raise SystemExit(main())
