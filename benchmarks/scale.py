"""End-to-end benchmark of the land plan at scale: load → validate → build → solve → check →
plan → write, time per stage and peak RSS, before and after side by side in one run.

    python benchmarks/scale.py                              # 1k, 10k, 100k zones
    python benchmarks/scale.py --sizes 1000000 --variants after --timeout 1800

Variants (each size × variant runs in a fresh subprocess, so its peak RSS is its own):

* ``before`` — the path as it was: the instance as JSON (one pydantic object per zone) and the
  land LP in its reference form (the rule rows as ``build_land_model`` states them) solved as
  it is (``zoneopt.core.solve``, HiGHS dual simplex with presolve).
* ``after-json`` — the same JSON instance, the LP in its solve form
  (``zoneopt.models.land_form``: rows as bounds, the tilt's implied bounds, the algorithm by
  shape), the answer lifted back onto the rule rows.
* ``after`` — the zones as a Parquet table the instance names (``zoneopt.instance.tabular``) and
  the solve form.

Instances: ``zoneopt.examples.zones.synthetic_data(n, seed)`` — the standard rule set (pool,
request caps, grade-D exclusion, the score tilt, national floor, city caps, corridor caps) and the
efficiency objective — written once per size to ``--data`` (JSON, and the zones as Parquet).
Stages: read (the JSON text, and the Parquet table), validate (``Instance.from_dict``: the schema
and cross-checks), build (``build_land_model`` and the presolve checks), solve (translation, the
solve, the solver-side independent check; for the solve form also the form and the lift), check
(``check_solution`` of the plan's point against the reference model, the rule rows), plan
(``plan_from_solution``: allocations, bindings, prices), write (the plan as CSV).

The report is printed and written to ``benchmarks/results/scale-<date>.md`` with the machine and
its load: this is a shared 2-core machine, so timings move with what else runs on it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from land_quota import machine  # noqa: E402  (the machine description every benchmark shares)

RESULTS = HERE / "results"
DEFAULT_SIZES = (1_000, 10_000, 100_000)
VARIANTS = ("before", "after-json", "after")
STAGES = ("read", "validate", "build", "solve", "check", "plan", "write")
METRICS = ("tax", "value_added", "revenue", "rd_spending", "energy_tce", "employees", "energy_reduction_tce")


def _rss_mib() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


# -- instances on disk ------------------------------------------------------------------------

def prepare(n: int, seed: int, data: Path, json_zones: bool) -> dict[str, Path]:
    """Write the instance of ``n`` zones once: ``inst-<n>.json`` (zones listed, when
    ``json_zones``) and ``table-<n>.json`` naming ``zones-<n>.parquet``."""
    import pandas as pd

    from zoneopt.examples.zones import synthetic_data

    paths = {"json": data / f"inst-{n}-s{seed}.json", "table": data / f"table-{n}-s{seed}.json",
             "parquet": data / f"zones-{n}-s{seed}.parquet"}
    if paths["table"].exists() and paths["parquet"].exists() and (paths["json"].exists() or not json_zones):
        return paths
    data.mkdir(parents=True, exist_ok=True)
    doc = synthetic_data(n, seed=seed)
    if json_zones:
        paths["json"].write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    zones = doc.pop("zones")
    cols: dict[str, Any] = {k: [z.get(k) for z in zones] for k in
                            ("id", "name", "city", "county", "level", "kind", "grade", "score", "land_area_mu")}
    cols["tags"] = [",".join(z.get("tags", ())) for z in zones]
    cols["request_land_mu"] = [z.get("requests", {}).get("land_mu") for z in zones]
    for m in METRICS:
        cols[m] = [z.get("metrics", {}).get(m) for z in zones]
    for p in sorted({p for z in zones for p in z.get("metrics", {}).get("emissions_t", {})}):
        cols[f"emissions_{p}_t"] = [z.get("metrics", {}).get("emissions_t", {}).get(p) for z in zones]
    pd.DataFrame(cols).to_parquet(paths["parquet"])
    paths["table"].write_text(json.dumps({**doc, "zones": paths["parquet"].name}, ensure_ascii=False), encoding="utf-8")
    return paths


# -- one run (in a fresh process) ---------------------------------------------------------------

def run_one(variant: str, paths: dict[str, str], timeout: float) -> dict[str, Any]:
    from zoneopt import Instance
    from zoneopt.core import SolveOptions
    from zoneopt.core import solve as core_solve
    from zoneopt.core.checker import check_solution
    from zoneopt.models.land_form import solve_in_form
    from zoneopt.models.land_plan import plan_from_solution
    from zoneopt.models.land_quota import build_land_model
    from zoneopt.models.presolve import presolve_checks

    out: dict[str, Any] = {"variant": variant, "rss_start_mib": _rss_mib()}
    times: dict[str, float] = {}
    cpu: dict[str, float] = {}
    clock = _Clock(times, cpu)
    clock.start()
    if variant == "after":
        import pyarrow.parquet as pq

        doc = json.loads(Path(paths["table"]).read_text(encoding="utf-8"))
        doc["zones"] = pq.read_table(paths["parquet"]).to_pandas()
    else:
        doc = json.loads(Path(paths["json"]).read_text(encoding="utf-8"))
    clock.stop("read")
    clock.start()
    inst = Instance.from_dict(doc, source=paths["table" if variant == "after" else "json"])
    del doc
    clock.stop("validate")
    out["rss_instance_mib"] = _rss_mib()

    clock.start()
    lm = build_land_model(inst)
    presolve_checks(inst, lm)
    clock.stop("build")
    m = lm.model
    out |= {"vars": m.num_vars, "rows": m.num_rows, "nnz": int(m.A.nnz)}
    options = SolveOptions(time_limit=timeout)
    _warm_up()
    clock.start()
    if variant == "before":
        sol = core_solve(m, "highs", options=options)
    else:
        sol, form = solve_in_form(m, lm.tilts, "highs", options)
        assert form is not None  # HiGHS solves the solve form
        out |= {"form_rows": form.model.num_rows, "strategy": form.strategy.reason}
    clock.stop("solve")
    out |= {"solver_s": sol.runtime, "status": sol.status.value}
    out["rss_solve_mib"] = _rss_mib()
    if sol.x is None:
        return out | {"times": times, "cpu": cpu, "peak_rss_mib": _rss_mib()}
    out["objective"] = None if sol.objective is None else sol.objective * lm.obj_scale
    clock.start()
    report = check_solution(m, sol.x, sol.objective)
    clock.stop("check")
    out["check_passed"] = report.passed
    clock.start()
    plan = plan_from_solution(lm, sol.with_check(report))
    clock.stop("plan")
    out["bindings"] = len(plan.bindings)
    with tempfile.TemporaryDirectory() as tmp:
        clock.start()
        plan.write(Path(tmp) / "plan.csv")
        clock.stop("write")
    return out | {"times": times, "cpu": cpu, "peak_rss_mib": _rss_mib()}


class _Clock:
    """Wall and CPU time (this process, every thread) of each stage: on a shared machine the
    wall clock counts the waits for a core, the CPU time does not."""

    def __init__(self, wall: dict[str, float], cpu: dict[str, float]) -> None:
        self.wall, self.cpu = wall, cpu
        self.t = self.c = 0.0

    def start(self) -> None:
        self.t, self.c = time.perf_counter(), time.process_time()

    def stop(self, stage: str) -> None:
        self.wall[stage] = time.perf_counter() - self.t
        self.cpu[stage] = time.process_time() - self.c


def _warm_up() -> None:
    """A one-variable solve first, so solver imports are not timed."""
    import numpy as np

    from zoneopt.core import ModelBuilder
    from zoneopt.core import solve as core_solve

    b = ModelBuilder("warm-up", "max")
    b.add_vars("x", 1, ub=1.0, obj=1.0)
    b.add_rows("r", np.ones((1, 1)), ub=1.0)
    core_solve(b.build())


# -- the driver ---------------------------------------------------------------------------------

def spawn(size: int, variant: str, paths: dict[str, Path], timeout: float) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--one", variant, "--paths",
           json.dumps({k: str(v) for k, v in paths.items()}), "--timeout", str(timeout)]
    base = {"size": size, "variant": variant}
    started = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=2 * timeout + 600, check=False)
    except subprocess.TimeoutExpired:
        return base | {"status": "killed (over the hard limit)", "wall_s": time.perf_counter() - started}
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        err = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return base | {"status": f"error: {err[:200]}"}
    return base | json.loads(lines[-1]) | {"wall_s": time.perf_counter() - started}


def fmt(v: Any, spec: str) -> str:
    return "–" if v is None else format(v, spec)


def table(results: list[dict[str, Any]]) -> str:
    rows = ["| zones | variant | " + " | ".join(f"{s} s" for s in STAGES) + " | end to end s | end to end CPU s "
            "| solve CPU s | peak RSS MiB | status | objective (万元/yr) | solve: before / this (wall; CPU) |",
            "|---:|---|" + "---:|" * (len(STAGES) + 4) + "---|---:|---:|"]
    before = {r["size"]: r for r in results
              if r["variant"] == "before" and r.get("status") == "optimal" and "times" in r}
    for r in results:
        t, c = r.get("times", {}), r.get("cpu", {})
        ratio = "–"
        b = before.get(r["size"])
        if b is not None and r["variant"] != "before" and "solve" in t:
            ratio = f"{b['times']['solve'] / t['solve']:.1f}×; {b['cpu']['solve'] / c['solve']:.1f}×"
        rows.append(f"| {r['size']:,} | {r['variant']} | " + " | ".join(fmt(t.get(s), ".2f") for s in STAGES)
                    + f" | {fmt(sum(t.values()) if t else None, '.2f')} | {fmt(sum(c.values()) if c else None, '.2f')} "
                    f"| {fmt(c.get('solve'), '.2f')} | {fmt(r.get('peak_rss_mib'), '.0f')} | {r.get('status', '?')} | "
                    f"{fmt(r.get('objective'), ',.1f')} | {ratio} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    p.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=VARIANTS)
    p.add_argument("--before-max", type=int, default=100_000,
                   help="run the JSON variants up to this many zones (default 100k)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--timeout", type=float, default=900.0, help="solver time limit per run, s")
    p.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "zoneopt-bench")
    p.add_argument("--out", type=Path)
    p.add_argument("--no-write", action="store_true")
    p.add_argument("--one", help=argparse.SUPPRESS)
    p.add_argument("--paths", help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    if a.one:
        print(json.dumps(run_one(a.one, json.loads(a.paths), a.timeout)), flush=True)
        return 0
    started = dt.datetime.now()
    head = machine()
    results: list[dict[str, Any]] = []
    for size in sorted(a.sizes):
        variants = [v for v in a.variants if v == "after" or size <= a.before_max]
        t = time.perf_counter()
        paths = prepare(size, a.seed, a.data, json_zones=any(v != "after" for v in variants))
        print(f"[{dt.datetime.now():%H:%M:%S}] {size:,} zones: instance files ready "
              f"({time.perf_counter() - t:.1f} s)", file=sys.stderr, flush=True)
        for v in variants:
            print(f"[{dt.datetime.now():%H:%M:%S}] {size:,} zones, {v} ...", file=sys.stderr, flush=True)
            results.append(spawn(size, v, paths, a.timeout))
            print(table([results[-1]]).splitlines()[-1], file=sys.stderr, flush=True)
        skipped = [v for v in a.variants if v not in variants]
        results += [{"size": size, "variant": v, "status": f"not run (JSON zones only up to {a.before_max:,})"}
                    for v in skipped]
    load = os.getloadavg()
    strategies = sorted({(r["size"], r["strategy"]) for r in results if r.get("strategy")})
    report = "\n".join([
        f"# Land plan end to end at scale, {started:%Y-%m-%d}", "",
        f"`python benchmarks/scale.py --sizes {' '.join(map(str, a.sizes))} --variants {' '.join(a.variants)} "
        f"--seed {a.seed} --timeout {a.timeout:g}`", "",
        "Instances: `zoneopt.examples.zones.synthetic_data(n, seed)`, the standard rule set and the efficiency "
        "objective. Variants and stages: see the docstring of `benchmarks/scale.py`. **A shared 2-core machine**: "
        "several engineers run tests and benchmarks on it at the same time, so every time here is wall clock "
        "under that load (the load averages below), not an idle machine's.", "",
        "## Machine", "", *head,
        f"- load average at end (1/5/15 min): {', '.join(f'{v:.2f}' for v in load)}", "",
        "## Results", "", table(results), "",
        "Stage columns are wall clock. end to end — the sum of the stages (files prepared beforehand are not "
        "counted); end to end CPU and solve CPU — the process's CPU time (all threads) over the same stages: "
        "on this shared machine the wall clock also counts waiting for a core. solve: before / this — the "
        "reference formulation's solve time divided by this variant's, same size, same run, wall and CPU. "
        "peak RSS — the whole run in its own process.", "",
        "## Solve form strategy chosen", "", *(f"- {n:,} zones: {s}" for n, s in strategies), "",
    ])
    print(report)
    if not a.no_write:
        out = a.out or RESULTS / f"scale-{started:%Y-%m-%d}.md"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(report, encoding="utf-8")
        print(f"written to {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
