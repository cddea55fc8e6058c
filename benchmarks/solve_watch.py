"""Benchmark of what watching a solve costs: every solver call now runs in a worker thread under
:func:`zoneopt.core.limits.run_stoppable` (HiGHS with interrupt callbacks subscribed), so that a
signal or the run's deadline can stop it; before, HiGHS ran in the calling thread without
callbacks. This measures the difference on the workloads where it could show:

* many tiny LPs (one thread per solve): ``--tiny`` solves of a 3-row LP;
* a large LP (a callback per simplex iteration): the land model of a ``--zones`` synthetic
  instance (``zoneopt.examples.zones.synthetic_instance``), tens of thousands of iterations;
* a MIP (callbacks per node): the bundled ``instances/henan-etdz-45-portfolio.json``.

Each workload is solved ``--runs`` times both ways, the two ways taking turns: "watched" is
``HighsBackend().solve`` (the backend as it is: thread, callbacks, time-limit watch), "bare" the
same HiGHS calls in this thread with no callbacks (``Highs.run()`` directly, as before this
change). Only the solver call and what the backend does around it are timed, not the model
build. The report gives min and median per workload and the median ratio, notes the machine
and the load average (the machine is shared: compare runs made at similar loads), and is
written to ``benchmarks/results/solve-watch-<date>.md``.

    python benchmarks/solve_watch.py                       # defaults below; writes results/
    python benchmarks/solve_watch.py --runs 3 --no-write
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(HERE))

from land_quota import commit, load_average  # noqa: E402  (what every benchmark notes of its run)

from zoneopt.core import Model, ModelBuilder, SolveOptions  # noqa: E402
from zoneopt.core.backends.highs import HighsBackend, classify, new_highs, to_highs_lp  # noqa: E402


def bare(model: Model) -> Callable[[], Any]:
    """HiGHS as before the change: built the same way, ``run()`` in this thread, no callbacks."""
    def go() -> Any:
        h = new_highs(SolveOptions())
        h.passModel(to_highs_lp(model))
        h.run()
        return classify(h)[0]
    return go


def watched(model: Model) -> Callable[[], Any]:
    def go() -> Any:
        return HighsBackend().solve(model, SolveOptions()).status
    return go


def tiny() -> Model:
    b = ModelBuilder("tiny", sense="max")
    b.add_vars("x", 3, ub=[4, 6, 5], obj=[3, 2, 4])
    b.add_rows("cap", [[1, 1, 1]], ub=10)
    b.add_rows("mix", [[1, -1, 0]], ub=1)
    return b.build()


def land(zones: int) -> Model:
    from zoneopt.examples.zones import synthetic_instance
    from zoneopt.models.land_quota import build_land_model

    return build_land_model(synthetic_instance(zones, seed=1)).model


def portfolio() -> Model:
    from zoneopt.instance import load
    from zoneopt.resources import build_resource_model

    return build_resource_model(load(ROOT / "instances" / "henan-etdz-45-portfolio.json"), "portfolio").model


def timed(fn: Callable[[], Any], repeat: int) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        fn()
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--tiny", type=int, default=300, help="tiny LP solves per run")
    ap.add_argument("--zones", type=int, default=10_000)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()

    workloads = [(f"{args.tiny} tiny LPs (3 variables, 2 rows)", tiny(), args.tiny),
                 (f"land LP, {args.zones:,} zones", land(args.zones), 1),
                 ("portfolio MIP, henan-etdz-45-portfolio", portfolio(), 1)]
    before = load_average()
    rows = []
    for name, model, repeat in workloads:
        timed(watched(model), 1)  # warm-up: imports, caches
        times: dict[str, list[float]] = {"bare": [], "watched": []}
        for _ in range(args.runs):
            times["bare"].append(timed(bare(model), repeat))
            times["watched"].append(timed(watched(model), repeat))
        med = {k: statistics.median(v) for k, v in times.items()}
        rows.append((name, model, min(times["bare"]), med["bare"], min(times["watched"]), med["watched"],
                     med["watched"] / med["bare"]))
    after = load_average()

    lines = [f"# Watching a solve: cost, {dt.date.today().isoformat()}", "",
             f"`python benchmarks/solve_watch.py --runs {args.runs} --tiny {args.tiny} --zones {args.zones}`", "",
             "## Machine", "",
             f"- platform: {platform.platform()}",
             f"- CPU: {platform.processor() or platform.machine()}; {os.cpu_count()} logical cores",
             f"- Python {platform.python_version()} ({platform.python_implementation()})",
             f"- zoneopt commit: {commit()}",
             f"- load average (1/5/15 min) before: {before}",
             f"- load average (1/5/15 min) after: {after}",
             "- the machine is shared with other work: compare medians, and runs made at similar loads", "",
             "## Results", "",
             "| workload | size | bare min s | bare median s | watched min s | watched median s | watched / bare |",
             "|---|---|---:|---:|---:|---:|---:|"]
    for name, model, bmin, bmed, wmin, wmed, ratio in rows:
        size = f"{model.num_vars:,} × {model.num_rows:,}" + (" MIP" if model.is_mip else "")
        lines.append(f"| {name} | {size} | {bmin:.3f} | {bmed:.3f} | {wmin:.3f} | {wmed:.3f} | {ratio:.2f} |")
    lines += ["", "bare: HiGHS `run()` in the calling thread, no callbacks (as before). watched: "
              "`HighsBackend().solve` — the run in a worker thread under `run_stoppable`, interrupt "
              "callbacks subscribed, the calling thread waiting in 50 ms slices. Times include reading "
              "the answer back (watched) or the status (bare), not building the model.", ""]
    report = "\n".join(lines)
    print(report)
    if not args.no_write:
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / f"solve-watch-{dt.date.today().isoformat()}.md").write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
