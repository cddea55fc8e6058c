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
Stages: load (reading and validating: for ``after``, ``zoneopt.load`` of the instance file, which
reads its Parquet zone table and checks it a column at a time; for the JSON variants
``json.loads`` and ``Instance.from_dict``: the schema and cross-checks), build
(``build_land_model`` and the presolve checks), solve (translation, the solve, the solver-side
independent check; for the solve form also the form and the lift), check (``check_solution`` of
the plan's point against the reference model, the rule rows), plan (``plan_from_solution``:
allocations, bindings, prices), write (the plan as CSV).

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
STAGES = ("load", "build", "solve", "check", "plan", "write")
METRICS = ("tax", "value_added", "revenue", "rd_spending", "energy_tce", "employees", "energy_reduction_tce")


def _rss_mib() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


class _RssSampler:
    """The resident set size sampled every ``every`` seconds on a thread (``/proc/self/statm``):
    the peak within each stage (:meth:`mark` closes one) and the RSS the stage ends at, so the
    stage that sets the process's peak, and what it keeps, can be named."""

    def __init__(self, every: float = 0.01) -> None:
        import threading

        self.page = os.sysconf("SC_PAGE_SIZE") / 2**20
        self.every = every
        self.high = self._now()
        self.peaks: dict[str, float] = {}
        self.ends: dict[str, float] = {}
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _now(self) -> float:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * self.page

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            now = self._now()
            with self._lock:
                self.high = max(self.high, now)

    def mark(self, stage: str) -> None:
        now = self._now()
        with self._lock:
            self.peaks[stage] = max(self.high, now)
            self.ends[stage] = now
            self.high = now

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


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
    from zoneopt import Instance, load
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
    rss = _RssSampler()
    clock = _Clock(times, cpu, rss)

    def done(result: dict[str, Any]) -> dict[str, Any]:
        rss.stop()
        return result | {"times": times, "cpu": cpu, "peak_rss_mib": _rss_mib(),
                         "stage_peak_mib": {k: v for k, v in rss.peaks.items() if k in STAGES},
                         "stage_end_mib": {k: v for k, v in rss.ends.items() if k in STAGES}}

    clock.start()
    if variant == "after":  # the instance file names its zone table: zoneopt.load reads and checks both
        inst = load(paths["table"])
    else:
        t = time.perf_counter()
        doc = json.loads(Path(paths["json"]).read_text(encoding="utf-8"))
        out["read_s"] = time.perf_counter() - t
        inst = Instance.from_dict(doc, source=paths["json"])
        del doc
    clock.stop("load")

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
        del form
    clock.stop("solve")
    out |= {"solver_s": sol.runtime, "status": sol.status.value, "message": sol.message[:300]}
    if sol.x is None:
        return done(out)
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
    return done(out)


class _Clock:
    """Wall and CPU time (this process, every thread) of each stage: on a shared machine the
    wall clock counts the waits for a core, the CPU time does not."""

    def __init__(self, wall: dict[str, float], cpu: dict[str, float], rss: _RssSampler | None = None) -> None:
        self.wall, self.cpu, self.rss = wall, cpu, rss
        self.t = self.c = 0.0

    def start(self) -> None:
        if self.rss is not None:
            self.rss.mark("(between stages)")
        self.t, self.c = time.perf_counter(), time.process_time()

    def stop(self, stage: str) -> None:
        self.wall[stage] = time.perf_counter() - self.t
        self.cpu[stage] = time.process_time() - self.c
        if self.rss is not None:
            self.rss.mark(stage)


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


def memory_table(results: list[dict[str, Any]]) -> str:
    """Per stage: the peak RSS within it / the RSS it ends at (MiB), sampled every 10 ms."""
    rows = ["| zones | variant | " + " | ".join(f"{s} peak / end" for s in STAGES) + " | process peak |",
            "|---:|---|" + "---:|" * (len(STAGES) + 1)]
    for r in results:
        peak, end = r.get("stage_peak_mib", {}), r.get("stage_end_mib", {})
        if not peak:
            continue
        top = max(peak, key=peak.get)
        cells = [("**" if s == top else "") + f"{fmt(peak.get(s), '.0f')} / {fmt(end.get(s), '.0f')}"
                 + ("**" if s == top else "") for s in STAGES]
        rows.append(f"| {r['size']:,} | {r['variant']} | " + " | ".join(cells)
                    + f" | {fmt(r.get('peak_rss_mib'), '.0f')} |")
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
        "## Memory per stage (MiB)", "", memory_table(results), "",
        "RSS sampled every 10 ms on a thread: the highest sample within the stage / the RSS when it ends; the "
        "stage that sets the peak in bold. The process peak is the kernel's (ru_maxrss), imports included.", "",
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
