"""Benchmark of the test suite's wall time, serial and on pytest-xdist workers (``-n 2``), to
decide what ``.ci/run`` runs (CI's budget: 8 minutes on 2 cores).

    python benchmarks/suite_time.py                 # one run each way; writes results/
    python benchmarks/suite_time.py --runs 2 --workers 2 4 --no-write

Each configuration runs ``python -m pytest -q -p no:cacheprovider`` (plus ``-n W``) from the
repository root with ``CI=1`` (hypothesis derandomised, as CI runs it) and this tree's ``src``
first on ``PYTHONPATH``; configurations take turns, so a change of machine load touches them
alike. The report gives the wall time, the pytest summary line and the load average before and
after each run: on a machine shared with other work the load, not the code, decides most of
the time, so only runs at similar loads compare.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
sys.path.insert(0, str(HERE))

from land_quota import commit, load_average  # noqa: E402  (what every benchmark notes of its run)


def run_suite(workers: int) -> tuple[float, str]:
    env = {**os.environ, "CI": "1",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")]))}
    args = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"] + (["-n", str(workers)] if workers else [])
    start = time.perf_counter()
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    summary = next((line for line in reversed(done.stdout.splitlines()) if " in " in line and "passed" in line),
                   f"exit {done.returncode}")
    return wall, summary.strip("= ")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--workers", type=int, nargs="+", default=[2], help="xdist worker counts to try besides serial")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    rows = []
    for _ in range(args.runs):
        for workers in [0, *args.workers]:
            before = load_average()
            wall, summary = run_suite(workers)
            rows.append((workers, wall, summary, before, load_average()))
    lines = [f"# Test suite wall time, {dt.date.today().isoformat()}", "",
             f"`python benchmarks/suite_time.py --runs {args.runs} --workers {' '.join(map(str, args.workers))}`", "",
             f"- platform: {platform.platform()}; {os.cpu_count()} logical cores; Python {platform.python_version()}",
             f"- zoneopt commit: {commit()}",
             "- the machine is shared with other work: the load average is noted per run", "",
             "| configuration | wall s | pytest | load before | load after |", "|---|---:|---|---|---|"]
    for workers, wall, summary, before, after in rows:
        name = f"`-n {workers}`" if workers else "serial"
        lines.append(f"| {name} | {wall:.0f} | {summary} | {before} | {after} |")
    report = "\n".join(lines) + "\n"
    print(report)
    if not args.no_write:
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / f"suite-time-{dt.date.today().isoformat()}.md").write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
