"""The plan over years in the report (an instance with ``periods``): what each track gives in
each year, and every target of the plan — growth, level, share, count, designation — met with
its value or short with why, as ``plan-years`` says it (models/targets.md)."""

from __future__ import annotations

import pandas as pd

from zoneopt.errors import InfeasibleError, InvalidInputError, UnboundedError
from zoneopt.report.context import ReportContext
from zoneopt.report.document import Block, Section, Table, Text

TARGET_COLUMNS = ["rule", "source", "year", "indicator", "required", "achieved", "status", "diagnosis"]
"""The targets table's columns: the model's sentences in the report's language."""


def years_section(ctx: ReportContext) -> Section:
    """Solve the plan over years (with its designation, when the instance has one) and show per
    track and year the pool, what is allocated and what is left, then each target's status; a
    plan over years that cannot be made (invalid for it, infeasible, unbounded) is said in one
    paragraph with the reason."""
    from zoneopt.models.multi_period import solve_multi_period

    d = ctx.display
    try:
        plan = solve_multi_period(ctx.instance, ctx.backend, options=ctx.options)
    except (InvalidInputError, InfeasibleError, UnboundedError) as exc:
        # The year's plans stand on their own: a plan over years that cannot be made (an
        # objective it does not take, rules of the years in conflict) is said, not fatal.
        return Section("years", d.t("report.section.years"), (Text(d.t("report.years.none", why=d.clean(str(exc)))),))
    s = plan.summary
    y = plan.years
    totals = pd.DataFrame({"track": [d.track_name(t) for t in y["track"]],
                           "year": y["year"].astype(str), "unit": y["unit"],
                           **{c: y[c] for c in ("pool", "additions", "carried_in", "allocated", "unused", "lapsed")}})
    blocks: list[Block] = [
        Text(d.t("report.years.intro", first=s.years[0], last=s.years[-1], n=len(s.resources))),
        Table("years", d.t("report.t.years"), totals, caption=d.t("report.c.years"), unit_column="unit",
              labels=(("pool", "col.total"),),
              per_row=("pool", "additions", "carried_in", "allocated", "unused", "lapsed")),
    ]
    st = plan.target_status
    if not st.empty:
        counts = st["status"].value_counts()
        said = "、".join(f"{d.term(f'tstatus.{k}', k)} {counts[k]}" for k in ("met", "short", "not modelled")
                        if counts.get(k, 0)) if d.zh else ", ".join(
            f"{counts[k]} {k}" for k in ("met", "short", "not modelled") if counts.get(k, 0))
        shown = pd.DataFrame({
            "rule": st["rule"], "source": st["source"].map(lambda v: d.clean(str(v)) if v else ""),
            "year": st["year"].astype(str),
            "indicator": [d.indicator(str(m)) if t in ("growth", "level") else ""
                          for m, t in zip(st["metric"], st["type"], strict=True)],
            "required": st["required"].map(lambda v: d.clean(str(v))),
            "achieved": st["achieved"].map(lambda v: d.clean(str(v))),
            "status": st["status"].map(lambda v: d.term(f"tstatus.{v}", str(v))),
            "diagnosis": st["diagnosis"].map(lambda v: d.clean(str(v)) if v else "")})[TARGET_COLUMNS]
        blocks += [Text(d.t("report.years.targets", counts=said)),
                   Table("year-targets", d.t("report.t.year_targets"), shown,
                         caption=d.t("report.c.year_targets"))]
    return Section("years", d.t("report.section.years"), tuple(blocks))


__all__ = ["years_section", "TARGET_COLUMNS"]
