"""Minimum lots on HiGHS: native semi-continuous columns against a binary and two rows per zone.

    python benchmarks/semicontinuous.py                     # the bundled example + synthetic 200, 500, 1000
    python benchmarks/semicontinuous.py --sizes 500 --repeats 1 --no-write

Each instance's land model is built once (``build_land_model``); its minimum-lot rule states
each zone as a binary y and two rows (x − L·y >= 0, x − U·y <= 0) and declares x
semi-continuous (``Model.semicontinuous``). The same model is solved the way ``solve_land``
solves it on HiGHS (``models.land_form.solve_in_form``: the solve form, the answer checked on
the rule rows) twice per repeat, in alternating order:

* ``native``: HiGHS drops the switch columns and their rows and marks x semi-continuous in [L, U];
* ``binary``: the declaration removed (``dataclasses.replace(model, semicontinuous=None)``), so
  HiGHS branches on the binaries, as every other MIP backend does.

Reported per instance: the model's size, each variant's median wall time over the repeats
(the solve, translation and independent check), and both objectives (they must agree within
the MIP gap). Instances: ``instances/henan-etdz-45.json`` (the bundled example: tiered target,
diminishing returns, minimum lot of 30 mu, strict tilt) and
``zoneopt.examples.zones.synthetic_instance(n, seed=7, rules="defensible")`` per size. The
machine, load average before and after, and the commit are recorded; the machine is shared by
several engineers, so times are indicative only. Written to
``benchmarks/results/semicontinuous-<date>.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(HERE))

from land_quota import commit, load_average  # noqa: E402  (what every benchmark notes of its run)

from zoneopt.core.backends.highs import native_semicontinuous  # noqa: E402
from zoneopt.core.solution import SolveOptions  # noqa: E402
from zoneopt.instance import Instance, load  # noqa: E402
from zoneopt.models.land_form import solve_in_form  # noqa: E402
from zoneopt.models.land_quota import build_land_model  # noqa: E402

DEFAULT_SIZES = (200, 500, 1_000)


def _run(cmd: list[str]) -> str:
    try:
        return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def measure(name: str, inst: Instance, repeats: int, time_limit: float) -> str:
    """One table row: sizes, the native and binary times (median) and objectives."""
    lm = build_land_model(inst)
    model = lm.model
    native = native_semicontinuous(model)
    lots = 0 if native is None else int(native.switch.size)
    variants = {"native": model, "binary": replace(model, semicontinuous=None)}
    times: dict[str, list[float]] = {k: [] for k in variants}
    objective: dict[str, float] = {}
    status: dict[str, str] = {}
    opts = SolveOptions(time_limit=time_limit)
    for r in range(repeats):  # alternate the order, so neither variant always runs first
        order = list(variants) if r % 2 == 0 else list(reversed(variants))
        for key in order:
            t0 = time.perf_counter()
            sol, _ = solve_in_form(variants[key], lm.tilts, "highs", opts)
            times[key].append(time.perf_counter() - t0)
            objective[key] = float(sol.objective) * model.objective_scale if sol.objective is not None else float("nan")
            status[key] = sol.status.value
    med = {k: statistics.median(v) for k, v in times.items()}
    agree = abs(objective["native"] - objective["binary"]) <= 1e-6 * max(1.0, abs(objective["binary"]))
    return (f"| {name} | {inst.zones.__len__():,} | {model.num_vars:,} × {model.num_rows:,} | {lots:,} | "
            f"{med['native']:.3f} ({status['native']}) | {med['binary']:.3f} ({status['binary']}) | "
            f"{med['binary'] / med['native']:.2f} | {objective['native']:,.6f} | {objective['binary']:,.6f} | "
            f"{'yes' if agree else 'NO'} |")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", nargs="*", type=int, default=list(DEFAULT_SIZES))
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--time-limit", type=float, default=300.0)
    p.add_argument("--no-write", action="store_true")
    a = p.parse_args(argv)
    from zoneopt.examples.zones import synthetic_instance

    measured = commit()  # the code measured: the commit at the start
    dirty = _run(["git", "status", "--porcelain", "--untracked-files=no"])
    before = load_average()
    t0 = time.perf_counter()
    rows = [measure("instances/henan-etdz-45.json", load(ROOT / "instances" / "henan-etdz-45.json"),
                    a.repeats, a.time_limit)]
    print(rows[-1], flush=True)  # each row as it is measured: the large sizes take minutes
    for n in a.sizes:
        rows.append(measure(f"synthetic {n} (seed 7, defensible)", synthetic_instance(n, seed=7, rules="defensible"),
                            a.repeats, a.time_limit))
        print(rows[-1], flush=True)
    total = time.perf_counter() - t0
    after = load_average()
    from importlib.metadata import version

    import highspy  # noqa: F401  (its version for the record)

    today = dt.date.today().isoformat()
    cmd = "python benchmarks/semicontinuous.py" + (
        f" --sizes {' '.join(map(str, a.sizes))}" if list(a.sizes) != list(DEFAULT_SIZES) else "") + (
        f" --repeats {a.repeats}" if a.repeats != 3 else "")
    report = [
        f"# Minimum lots on HiGHS: semi-continuous columns against binaries, {today}", "", f"`{cmd}`", "",
        "## Machine", "",
        f"- platform: {platform.platform()}; nproc {os.cpu_count()} (shared by several engineers: timings "
        "are indicative only)",
        f"- Python {platform.python_version()}, highspy {version('highspy')}",
        f"- commit {measured}" + (" (with uncommitted changes)" if dirty not in ("", "unknown") else ""),
        f"- load average before {before}, after {after}; {total:.1f} s in all", "",
        "## Results", "",
        f"Median wall seconds of {a.repeats} solve(s) each (solve form, HiGHS, the check on the rule rows "
        "included); objectives in the plan's units.", "",
        "| instance | zones | model (columns × rows) | lots native | native s | binary s | binary / native | "
        "objective native | objective binary | same optimum |",
        "|---|---|---|---|---|---|---|---|---|---|",
        *rows,
    ]
    text = "\n".join(report) + "\n"
    print(text)
    if not a.no_write:
        RESULTS.mkdir(exist_ok=True)
        out = RESULTS / f"semicontinuous-{today}.md"
        out.write_text(text, encoding="utf-8")
        print(f"written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
