"""Every target of a plan over years with its figure at the base year, by organic growth alone
and with the plan — how ambitious each target is and how far the plan's allocations carry it.

    PYTHONPATH=src python benchmarks/targets_table.py instances/henan-parks-180-targets-2017.json
    PYTHONPATH=src python benchmarks/targets_table.py instances/henan-etdz-45-targets-2022.json

One Markdown row per target and due year: what it needs, the figure at the base year
(every zone's own figure, no growth), by organic growth alone (the plan's allocations all zero:
the effects' ``organic_growth`` only), with the plan (``plan-years``'s figure) and its status.
Count targets give the number of zones (groups) reaching the threshold, level and share targets
the total (or ratio), growth targets the average rate a year (no base-year column); a designation target's base is
the zones already there, and it has no organic column (only the plan designates). The plan is
the one ``python -m zoneopt plan-years`` solves (designation first, then the plan over years);
the organic and base columns are evaluated on that plan's model, so the zones a count selects
in the due year are the same (a designated park counts from its designation year).
"""

from __future__ import annotations

import sys
from dataclasses import replace

import numpy as np

from zoneopt.instance import load
from zoneopt.models.designation_plan import solve_designation
from zoneopt.models.dynamic import manage
from zoneopt.models.multi_period import build_multi_period, solve_multi_period


def _figure_at(rec: object, which: str, zt: object) -> str:
    """The record's achieved figure with its zone figures at their ``which`` ("base" or
    "organic") values and no allocation."""
    num = rec.num  # type: ignore[attr-defined]
    den = getattr(rec, "den", None)
    if which == "base":
        num = replace(num, organic=num.base)
        den = replace(den, organic=den.base) if den is not None else None
    shown = replace(rec, num=num, den=den)  # type: ignore[type-var]
    return str(shown.status_row(np.zeros(num.A.shape[1]), zt)["achieved"])


def table(path: str) -> str:
    inst = load(path)
    plan = solve_multi_period(inst)
    dplan = solve_designation(inst) if inst.designation is not None else None
    reclaim = inst.periods.reclaim if inst.periods is not None else True
    mres = manage(inst, designation=dplan or False) if inst.management is not None and reclaim else None
    if dplan is not None:
        mres = dplan.feed(mres, inst.name)
    mm = build_multi_period(inst, mres, dplan)
    status = plan.target_status.set_index("rule")
    rows = ["| target | clause | needs | base year | organic alone | with the plan | status |",
            "|---|---|---|---|---|---|---|"]
    built = {r.rule: r for r in mm.targets}  # rule@year
    growth = plan.targets.groupby("rule").agg(base=("base", "sum"), organic=("organic", "sum"),
                                              k=("years_since_base", "max"))
    for rule, st in status.iterrows():  # a loop over targets
        base = organic = ""
        if rule in built:
            base, organic = (_figure_at(built[rule], w, mm.zones) for w in ("base", "organic"))
        elif rule in growth.index:
            g = growth.loc[rule]
            base, organic = "—", f"{(g['organic'] / g['base']) ** (1 / g['k']) - 1:.2%}/yr"
        elif st["type"] == "designation":
            base = str(st["achieved"]).split(" + ")[0] if " + " in str(st["achieved"]) else "0"
        rows.append(f"| {rule} | {st['source']} | {st['required']} | {base} | {organic} | {st['achieved']} | "
                    f"{st['status']} |")
    return "\n".join(rows)


if __name__ == "__main__":
    for p in sys.argv[1:]:
        sys.stdout.write(f"{p}\n\n{table(p)}\n\n")
