"""Oscillation of the plan over years, before and after smoothing: per smoothing penalty λ
(``periods.smoothing.penalty`` and each pollutant's and the funds', ``models/multi-period.md``,
"Smoothing"), each track's total variation Σ_i Σ_{t>t₁} |x_{i,t} − x_{i,t−1}|, the zones whose
allocation reverses direction (rises then falls, or falls then rises: a swing), each resource's
objective and what it gives up against λ = 0, and the penalty charged.

    python benchmarks/smoothing.py                       # the bundled years example; writes results/
    python benchmarks/smoothing.py --penalties 0 0.05 --no-write

The report is printed and written to ``benchmarks/results/smoothing-<date>.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

import numpy as np
from land_quota import machine  # (the land benchmark's machine description; imports no zoneopt)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
sys.path.insert(0, str(ROOT / "src"))


def swings(table) -> int:  # type: ignore[no-untyped-def]
    """Zones whose allocation reverses direction between years (beyond 0.05 units)."""
    years = [c for c in table.columns if c.isdigit()]
    d = np.diff(table[years].to_numpy(dtype=float), axis=1)
    s = np.where(d > 0.05, 1, np.where(d < -0.05, -1, 0))
    out = 0
    for row in s:  # a loop over zones (a benchmark's report, not a model)
        nz = row[row != 0]
        out += int(np.any(nz[1:] != nz[:-1]))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--instance", type=Path, default=ROOT / "instances" / "henan-etdz-45-years.json")
    ap.add_argument("--penalties", type=float, nargs="+", default=[0.0, 0.001, 0.01, 0.05, 0.1, 0.2, 0.5])
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    from zoneopt.instance import SMOOTHING_DEFAULT, load
    from zoneopt.models.multi_period import solve_multi_period
    from zoneopt.models.tracks import with_smoothing

    base = load(args.instance)
    load_before = os.getloadavg()
    rows, ref = [], {}
    for lam in args.penalties:
        plan = solve_multi_period(with_smoothing(base, lam))
        for p in plan.summary.pools:
            t = plan.table(p.track)
            o = next(o for o in plan.summary.objectives if o.resource == p.resource)
            ref.setdefault(p.track, (p.total_variation, o.value))
            tv0, v0 = ref[p.track]
            rows.append((lam, p.track, p.unit, p.total_variation, tv0, swings(t), o.value, v0, p.smoothing_cost))
    lines = [f"# Smoothing of the plan over years ({dt.date.today()})", "",
             f"instance `{args.instance.relative_to(ROOT)}`; default λ = {SMOOTHING_DEFAULT:g}; load average "
             f"before {load_before[0]:.2f}, after {os.getloadavg()[0]:.2f}", "", *machine(), "",
             "Objective given up: the resource's own objective against λ = 0 (the allowances share one objective "
             "over their pollutants); zones that swing: the zone's yearly allocation rises and falls (or falls and "
             "rises) by more than 0.05 units.", "",
             "| λ | track | total variation | vs λ=0 | zones that swing | objective of its resource | "
             "given up vs λ=0 | penalty charged |", "|---|---|---|---|---|---|---|---|"]
    for lam, track, unit, tv, tv0, sw, v, v0, cost in rows:
        loss = (v0 - v) / abs(v0) if v0 else 0.0
        lines.append(f"| {lam:g} | {track} | {tv:,.1f} {unit} | {tv / tv0 if tv0 else 1:.0%} | {sw} | {v:,.1f} | "
                     f"{loss:.3%} | {cost:,.1f} |")
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.no_write:
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / f"smoothing-{dt.date.today()}.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
