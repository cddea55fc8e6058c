"""The plan over years (``plan-years``, :mod:`zoneopt.models.multi_period`) at scale: land for
2021–2025 on 1k and 10k zones, the time per stage and peak RSS.

    python benchmarks/plan_years.py                     # 1k and 10k zones × 5 years
    python benchmarks/plan_years.py --sizes 1000 --no-write

Instances: ``zoneopt.examples.zones.synthetic_data(n, seed)`` (the standard rule set: request
caps, grade-D exclusion, the score tilt, national floor, city caps, corridor caps; the
efficiency objective) with a ``periods`` section shaped like the bundled 2021–2025 example's
(``zoneopt.examples.years``): 5.5 yearly pools over the five years split 19 % … 21 %, half of a
year's unused quota carried over, a ramp (no zone's land changes by more than half of the year
before plus 400 mu). Land only; no growth target (the example's 7.5 %/yr value-added target is
out of reach for these synthetic zones: the plan is infeasible with it).

Each size runs in a fresh subprocess of this script (peak RSS its own). Stages: load
(``Instance.from_dict``), build (``build_multi_period``), solve (``solve_stacked``: on HiGHS
through the land solve form, as ``solve_multi_period`` solves; before that change, the stacked
rows solved as they are by ``zoneopt.core.solve``), plan (``plan_from_solution``), write
(the plan's tables as CSV); the whole is what ``solve_multi_period`` does.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from land_quota import machine  # noqa: E402
from scale import _Clock, _rss_mib, _RssSampler  # noqa: E402

RESULTS = HERE / "results"
STAGES = ("load", "build", "solve", "plan", "write")
YEARS = (2021, 2022, 2023, 2024, 2025)


def years_data(n: int, seed: int) -> dict[str, Any]:
    """The ``n``-zone instance with its plan over 2021–2025 (see the module docstring)."""
    from zoneopt.examples.zones import synthetic_data

    data = synthetic_data(n, seed=seed)
    data.pop("scenarios", None)
    pool = float(data["pools"]["land"]["total_mu"])
    data["periods"] = {
        "years": list(YEARS), "total_mu": pool * 5.5, "split": [0.19, 0.195, 0.20, 0.205, 0.21],
        "carry_over": 0.5,
        "ramps": [{"id": "smooth", "type": "ramp", "share": 0.5, "of": "previous", "plus_mu": 400.0}],
    }
    return data


def run_one(path: str, timeout: float) -> dict[str, Any]:
    from zoneopt import Instance
    from zoneopt.core import SolveOptions
    from zoneopt.models.multi_period import build_multi_period, plan_from_solution, solve_stacked

    times: dict[str, float] = {}
    cpu: dict[str, float] = {}
    rss = _RssSampler()
    clock = _Clock(times, cpu, rss)
    clock.start()
    inst = Instance.from_dict(json.loads(Path(path).read_text(encoding="utf-8")), source=path)
    clock.stop("load")
    clock.start()
    mm = build_multi_period(inst)
    clock.stop("build")
    m = mm.model
    out: dict[str, Any] = {"vars": m.num_vars, "rows": m.num_rows, "nnz": int(m.A.nnz), "coupled": mm.coupled}
    clock.start()
    sol = solve_stacked(mm, "highs", SolveOptions(time_limit=timeout))
    clock.stop("solve")
    out |= {"status": sol.status.value, "solver_s": sol.runtime}
    if sol.x is not None:
        clock.start()
        plan = plan_from_solution(mm, sol)
        clock.stop("plan")
        out["objective"] = plan.summary.objective if hasattr(plan.summary, "objective") else None
        with tempfile.TemporaryDirectory() as tmp:
            clock.start()
            plan.write(Path(tmp) / "plan.csv")
            clock.stop("write")
    rss.stop()
    return out | {"times": times, "cpu": cpu, "peak_rss_mib": _rss_mib(), "stage_peak_mib": rss.peaks}


def spawn(n: int, path: Path, timeout: float) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--one", str(path), "--timeout", str(timeout)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=2 * timeout + 600)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        err = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return {"size": n, "status": f"error: {err[:200]}"}
    return {"size": n, **json.loads(lines[-1])}


def table(results: list[dict[str, Any]]) -> str:
    rows = ["| zones × years | columns | rows | " + " | ".join(f"{s} s" for s in STAGES)
            + " | total s | total CPU s | solve CPU s | peak RSS MiB | status |",
            "|---:|---:|---:|" + "---:|" * (len(STAGES) + 4) + "---|"]
    for r in results:
        t, c = r.get("times", {}), r.get("cpu", {})
        rows.append(f"| {r['size']:,} × {len(YEARS)} | {r.get('vars', 0):,} | {r.get('rows', 0):,} | "
                    + " | ".join(f"{t[s]:.2f}" if s in t else "–" for s in STAGES)
                    + f" | {sum(t.values()):.2f} | {sum(c.values()):.2f} | {c.get('solve', 0):.2f} | "
                    f"{r.get('peak_rss_mib', 0):.0f} | {r.get('status', '?')} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000])
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--timeout", type=float, default=900.0)
    p.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "zoneopt-bench")
    p.add_argument("--out", type=Path)
    p.add_argument("--no-write", action="store_true")
    p.add_argument("--one", help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    if a.one:
        print(json.dumps(run_one(a.one, a.timeout)), flush=True)
        return 0
    started = dt.datetime.now()
    head = machine()
    results = []
    a.data.mkdir(parents=True, exist_ok=True)
    for n in sorted(a.sizes):
        path = a.data / f"years-{n}-s{a.seed}.json"
        if not path.exists():
            path.write_text(json.dumps(years_data(n, a.seed), ensure_ascii=False), encoding="utf-8")
        print(f"[{dt.datetime.now():%H:%M:%S}] {n:,} zones × {len(YEARS)} years ...", file=sys.stderr, flush=True)
        results.append(spawn(n, path, a.timeout))
        print(table([results[-1]]).splitlines()[-1], file=sys.stderr, flush=True)
    report = "\n".join([
        f"# The plan over years at scale, {started:%Y-%m-%d}", "",
        f"`python benchmarks/plan_years.py --sizes {' '.join(map(str, a.sizes))} --seed {a.seed} "
        f"--timeout {a.timeout:g}`", "",
        "See the docstring of `benchmarks/plan_years.py`. **A shared 2-core machine**: compare CPU times.", "",
        "## Machine", "", *head,
        f"- load average at end (1/5/15 min): {', '.join(f'{v:.2f}' for v in os.getloadavg())}", "",
        "## Results", "", table(results), ""])
    print(report)
    if not a.no_write:
        out = a.out or RESULTS / f"plan-years-{started:%Y-%m-%d}.md"
        out.write_text(report, encoding="utf-8")
        print(f"written to {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
