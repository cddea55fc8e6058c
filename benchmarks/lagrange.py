"""The land LP by its Lagrangian path against HiGHS, side by side in one run (issue 14, item 2).

    python benchmarks/lagrange.py                                  # 10k, 100k, 1M zones
    python benchmarks/lagrange.py --sizes 10000 --highs-max 10000

Instances: ``zoneopt.examples.zones.synthetic_data(n, seed)`` with the standard rule set (pool,
request caps, grade-D exclusion, the score tilt, national floor, city caps, corridor caps) and
the efficiency objective, the zones as a Parquet table (``benchmarks/scale.py``'s ``prepare``,
files shared with it under ``--data``). Each size × path runs in a fresh subprocess, so its peak
RSS is its own. Paths: ``highs`` — the solve form on HiGHS (``SolveOptions(extra={"land_path":
"highs"})``, as ``solve_land`` does today); ``lagrange`` — the Lagrangian path
(``{"land_path": "lagrange"}``, ``zoneopt.models.land_lagrange``), HiGHS only if it cannot
certify. Stages: load (read the table and validate the instance), build (``build_land_model``),
solve (``solve_in_form``: the solve form, then the path; its own check on the rule rows
included), check (``check_solution`` of the point against the rule rows, again, timed on its
own). Gap: the Lagrangian path's certified relative gap (dual bound − plan value) / |value|.

The report is printed and written to ``benchmarks/results/lagrange-<date>.md`` with the machine and
its load (a shared 2-core machine: timings move with what else runs on it).
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
from land_quota import machine  # noqa: E402
from scale import _Clock, _rss_mib, _warm_up, prepare  # noqa: E402

RESULTS = HERE / "results"
SIZES = (10_000, 100_000, 1_000_000)
PATHS = ("highs", "lagrange")
STAGES = ("load", "build", "solve", "check")


def run_one(path: str, paths: dict[str, str], timeout: float) -> dict[str, Any]:
    import pyarrow.parquet as pq

    from zoneopt import Instance
    from zoneopt.core import SolveOptions
    from zoneopt.core.checker import check_solution
    from zoneopt.models.land_form import solve_in_form
    from zoneopt.models.land_quota import build_land_model

    times: dict[str, float] = {}
    cpu: dict[str, float] = {}
    clock = _Clock(times, cpu)
    clock.start()
    doc = json.loads(Path(paths["table"]).read_text(encoding="utf-8"))
    doc["zones"] = pq.read_table(paths["parquet"]).to_pandas()
    inst = Instance.from_dict(doc, source=paths["table"])
    del doc
    clock.stop("load")
    clock.start()
    lm = build_land_model(inst)
    clock.stop("build")
    m = lm.model
    out: dict[str, Any] = {"path": path, "vars": m.num_vars, "rows": m.num_rows}
    _warm_up()
    clock.start()
    sol, form = solve_in_form(m, lm.tilts, "highs", SolveOptions(time_limit=timeout, extra={"land_path": path}))
    clock.stop("solve")
    assert form is not None
    out |= {"status": sol.status.value, "algorithm": form.strategy.algorithm, "reason": form.strategy.reason}
    if sol.x is None:
        return out | {"times": times, "cpu": cpu, "peak_rss_mib": _rss_mib()}
    out["objective"] = None if sol.objective is None else sol.objective * lm.obj_scale
    if sol.best_bound is not None and sol.objective is not None:
        out["dual_bound"] = sol.best_bound * lm.obj_scale
        out["gap"] = (sol.best_bound - sol.objective) / max(1.0, abs(sol.objective))
    clock.start()
    report = check_solution(m, sol.x, sol.objective)
    clock.stop("check")
    out |= {"check_passed": report.passed, "max_violation": max(report.max_row_violation, report.max_bound_violation)}
    return out | {"times": times, "cpu": cpu, "peak_rss_mib": _rss_mib()}


def spawn(size: int, path: str, paths: dict[str, Path], timeout: float) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--one", path, "--paths",
           json.dumps({k: str(v) for k, v in paths.items()}), "--timeout", str(timeout)]
    base = {"size": size, "path": path}
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=2 * timeout + 900, check=False)
    except subprocess.TimeoutExpired:
        return base | {"status": "killed (over the hard limit)"}
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    err = (proc.stderr.strip().splitlines() or ["no output"])[-1]
    if not lines:
        return base | {"status": f"error: {err[:200]}"}
    out = base | json.loads(lines[-1])
    if proc.returncode != 0:  # e.g. a solver thread abandoned at its time limit aborts the exit
        out["exit"] = f"exit code {proc.returncode} after the result: {err[:120]}"
    return out


def fmt(v: Any, spec: str) -> str:
    return "–" if v is None else format(v, spec)


def table(results: list[dict[str, Any]]) -> str:
    rows = ["| zones | path | " + " | ".join(f"{s} s" for s in STAGES) + " | solve CPU s | peak RSS MiB | status "
            "| objective (万元/yr) | certified gap | check | solve: HiGHS / this (wall; CPU) |",
            "|---:|---|" + "---:|" * (len(STAGES) + 2) + "---|---:|---:|---|---:|"]
    highs = {r["size"]: r for r in results if r["path"] == "highs" and r.get("status") == "optimal"}
    for r in results:
        t, c = r.get("times", {}), r.get("cpu", {})
        h = highs.get(r["size"])
        ratio = "–"
        if h is not None and r["path"] != "highs" and "solve" in t:
            ratio = f"{h['times']['solve'] / t['solve']:.1f}×; {h['cpu']['solve'] / c['solve']:.1f}×"
        check = "–" if "check_passed" not in r else ("passed" if r["check_passed"] else "FAILED") \
            + f" ({r['max_violation']:.1e})"
        rows.append(f"| {r['size']:,} | {r['path']} ({r.get('algorithm', '?')}) | "
                    + " | ".join(fmt(t.get(s), ".2f") for s in STAGES)
                    + f" | {fmt(c.get('solve'), '.2f')} | {fmt(r.get('peak_rss_mib'), '.0f')} | {r.get('status', '?')} "
                    f"| {fmt(r.get('objective'), ',.3f')} | {fmt(r.get('gap'), '.1e')} | {check} | {ratio} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    p.add_argument("--highs-max", type=int, default=1_000_000, help="run the HiGHS path up to this many zones")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--timeout", type=float, default=600.0, help="time limit per solve, s")
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
        paths = prepare(size, a.seed, a.data, json_zones=False)
        for path in PATHS:
            if path == "highs" and size > a.highs_max:
                results.append({"size": size, "path": path, "status": f"not run (HiGHS up to {a.highs_max:,})"})
                continue
            print(f"[{dt.datetime.now():%H:%M:%S}] {size:,} zones, {path} ...", file=sys.stderr, flush=True)
            t = time.perf_counter()
            results.append(spawn(size, path, paths, a.timeout))
            print(table([results[-1]]).splitlines()[-1] + f"  ({time.perf_counter() - t:.0f} s)",
                  file=sys.stderr, flush=True)
    load = os.getloadavg()
    reasons = [f"- {r['size']:,} zones, {r['path']}: {r['reason']}" + (f" ({r['exit']})" if r.get("exit") else "")
               for r in results if r.get("reason")]
    report = "\n".join([
        f"# Land LP: the Lagrangian path against HiGHS, {started:%Y-%m-%d}", "",
        f"`python benchmarks/lagrange.py --sizes {' '.join(map(str, a.sizes))} --highs-max {a.highs_max} "
        f"--seed {a.seed} --timeout {a.timeout:g}`", "",
        "Instances, paths and stages: see the docstring of `benchmarks/lagrange.py`. **A shared 2-core machine**: "
        "several engineers run tests and benchmarks on it at the same time, so wall-clock times here are under "
        "that load (the load averages below); the CPU column is this process's own.", "",
        "## Machine", "", *head,
        f"- load average at end (1/5/15 min): {', '.join(f'{v:.2f}' for v in load)}", "",
        "## Results", "", table(results), "",
        "Stage columns are wall clock; solve CPU is the process's CPU time over the solve (all threads). "
        "certified gap — (dual bound − plan value) / max(1, |plan value|), the Lagrangian path's certificate. "
        "check — the point against the rule rows (`check_solution`), largest violation in model units. "
        "solve: HiGHS / this — the HiGHS path's solve time over this one's, same size, same run.", "",
        "## Path and reason recorded", "", *reasons, "",
    ])
    print(report)
    if not a.no_write:
        out = a.out or RESULTS / f"lagrange-{started:%Y-%m-%d}.md"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(report, encoding="utf-8")
        print(f"written to {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
