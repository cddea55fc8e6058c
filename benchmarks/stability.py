"""The done-when figures of issue 11 on the bundled example: how far the land plan moves when one
zone's tax moves by 1 %, its shape, and whether it stays feasible with the pool cut and raised.

    python benchmarks/stability.py                         # instances/henan-etdz-45.json; writes results/
    python benchmarks/stability.py --no-write --zones hebi zhengzhou
    python benchmarks/stability.py --objective efficiency  # the same rules, pure linear efficiency
    python benchmarks/stability.py --standard              # the example before issue 11 (standard rules)
    python benchmarks/stability.py --label facts           # results/stability-<date>-facts.md

What one run does:

1. solves the instance and records the plan's shape figures (``plan.summary.shape``): zones given
   land, the smallest nonzero allocation, the Gini coefficient per existing mu, the national share;
2. sweeps every zone's tax from ×0.90 to ×1.10 in 1 % steps (``zoneopt.analysis.stability``:
   re-evaluating, so scores and grades follow, and re-solving at each step) and records the
   largest move of the plan per step (Σ |Δ allocation|, mu, and as a share of the pool), apart
   for the steps at which some zone's grade changes;
3. re-solves with the pool ×0.8 and ×1.2 (``pool_range``).

The done-when checks of issue 11 are printed with a verdict each: no step that changes no
grade moves more than 2 % of the pool; no eligible zone gets a nonzero allocation under 30 mu;
at least half the eligible zones get land; feasible with the pool ×0.8 and ×1.2. The report
(machine, load average before and after, the time it took — several engineers share this
machine, so timings are indicative only) is printed and written to
``benchmarks/results/stability-<date>.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(HERE))

from land_quota import commit, load_average  # noqa: E402  (what every benchmark notes of its run)

from zoneopt.analysis.stability import pool_range, stability  # noqa: E402
from zoneopt.instance import Instance, load  # noqa: E402
from zoneopt.models.land_plan import solve_land  # noqa: E402

MOVE_LIMIT, LOT_MU = 0.02, 30.0


def measure(inst: Instance, zones: list[str] | None, k: float) -> tuple[list[str], list[tuple[str, bool]]]:
    """The report's lines and the done-when checks (text, passed)."""
    plan = solve_land(inst)
    shape = plan.summary.shape
    assert shape is not None
    t0 = time.perf_counter()
    result = stability(inst, zones=zones, k=k)
    sweep_s = time.perf_counter() - t0
    ranges = pool_range(inst, (0.8, 1.2))
    steps = result.steps
    calm = steps[(steps["status"] == "ok") & ~steps["grade_change"]]
    worst_calm = result.worst(True)
    worst_all = result.worst(False)
    lines = [
        f"- objective: {plan.summary.objective_kind}; status {plan.summary.status}",
        f"- plan: {shape.line()}",
        f"- sweep: tax of {len(zones) if zones else len(inst.zones)} zone(s) ×{1 - k:.2f} … ×{1 + k:.2f} in 1 % "
        f"steps: {result.solves} solves, {len(steps)} steps ({int(steps['grade_change'].sum())} change some "
        f"grade, {int((steps['status'] != 'ok').sum())} unsolved), {sweep_s:.1f} s wall",
    ]
    lines += [f"- {line}" for line in result.summary_lines()]
    per_zone = result.per_zone().sort_values("share_no_grade_change", ascending=False).head(5)
    lines.append("- largest moves by zone (no grade change): " + ", ".join(
        f"{r.zone} {r.moved_no_grade_change:,.1f} mu ({r.share_no_grade_change:.2%})" for r in per_zone.itertuples()))
    for c in ranges:
        lines.append(f"- pool ×{c.factor:g}: {c.status}" + (f": {c.shapes[0].line()}" if c.shapes else
                                                           f" ({c.message})"))
    largest = float(calm["share"].max()) if len(calm) else 0.0
    checks = [
        (f"no step that changes no grade moves more than {MOVE_LIMIT:.0%} of the pool (largest "
         f"{largest:.2%}" + (f", {worst_calm['zone']} ×{worst_calm['from']:.2f} → ×{worst_calm['to']:.2f}"
                             if worst_calm is not None and largest > 0 else "") + ")", largest <= MOVE_LIMIT),
        (f"no eligible zone gets a nonzero allocation under {LOT_MU:g} mu (smallest {shape.smallest:,.4g} mu, "
         f"{shape.smallest_zone})", shape.smallest is None or shape.smallest >= LOT_MU - 1e-6),
        (f"at least half the eligible zones get land ({shape.zones_given} of {shape.eligible})",
         shape.zones_given >= shape.eligible / 2),
        ("feasible with the pool ×0.8 and ×1.2 (" + ", ".join(f"×{c.factor:g} {c.status}" for c in ranges) + ")",
         all(c.status == "optimal" for c in ranges)),
    ]
    if worst_all is not None:
        lines.append(f"- (all steps, grade changes included: largest {worst_all['share']:.2%} of the pool)")
    return lines, checks


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("path", nargs="?", type=Path, default=ROOT / "instances" / "henan-etdz-45.json")
    p.add_argument("--zones", nargs="*", help="zone ids to sweep (default: every zone)")
    p.add_argument("--k", type=float, default=0.10)
    p.add_argument("--objective", help="replace the objective's kind (e.g. efficiency) to compare")
    p.add_argument("--standard", action="store_true",
                   help="the example's zones with the standard rule set and objective (the example before issue 11: "
                        "synthetic_instance(45, seed=2022)), for comparison")
    p.add_argument("--no-write", action="store_true")
    p.add_argument("--label", help="added to the result's file name (stability-<date>-<label>.md)")
    a = p.parse_args(argv)
    if a.standard:
        from zoneopt.examples.zones import synthetic_instance

        inst = synthetic_instance(45, seed=2022)
    else:
        inst = load(a.path)
    if a.objective:
        inst = Instance.from_dict(dict(inst.model_dump(mode="json"), objective={"kind": a.objective}))
    before = load_average()
    t0 = time.perf_counter()
    lines, checks = measure(inst, a.zones, a.k)
    total = time.perf_counter() - t0
    after = load_average()
    cmd = "python benchmarks/stability.py" + (f" {a.path.relative_to(ROOT)}" if a.path.is_relative_to(ROOT) and
                                              a.path != ROOT / "instances" / "henan-etdz-45.json" else "") \
        + (f" --zones {' '.join(a.zones)}" if a.zones else "") + (f" --k {a.k:g}" if a.k != 0.10 else "") \
        + (f" --objective {a.objective}" if a.objective else "") + (" --standard" if a.standard else "")
    today = dt.date.today().isoformat()
    report = [f"# Stability of the land plan, {today}", "", f"`{cmd}`", "", "## Machine", "",
              f"- platform: {platform.platform()}; nproc {os.cpu_count()} (shared by several engineers: timings "
              "are indicative only)",
              f"- Python {platform.python_version()}; zoneopt commit {commit()}",
              f"- load average (1/5/15 min) before: {before}; after: {after}",
              f"- total wall time: {total:.1f} s", "", f"## {inst.name}", "", *lines, "",
              "## Done when (issue 11)", "",
              *[f"- [{'x' if ok else ' '}] {text}" for text, ok in checks], ""]
    text = "\n".join(report)
    print(text)
    if not a.no_write:
        RESULTS.mkdir(exist_ok=True)
        suffix = (("-standard" if a.standard else "") + (f"-{a.objective}" if a.objective else "")
                  + (f"-{a.label}" if a.label else ""))
        (RESULTS / f"stability-{today}{suffix}.md").write_text(text, encoding="utf-8")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    raise SystemExit(main())
