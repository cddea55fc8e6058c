"""The land quota's section of the report: the allocation per zone and per city, the binding
rules with their sources and shadow prices, the rules ranked by what they cost (first order and
exact), the what-if curve over the pool with the diagnosis of each infeasible point, the
efficiency–equity frontier, the scenario comparison, and their charts."""

from __future__ import annotations

import numpy as np
import pandas as pd

from zoneopt.analysis.explain import LandSolve, solve_land_detail
from zoneopt.errors import ZoneoptError
from zoneopt.instance import Instance
from zoneopt.report.charts import (
    allocation_chart,
    chart_or_note,
    city_chart,
    frontier_chart,
    score_chart,
    what_if_chart,
)
from zoneopt.report.context import ReportContext
from zoneopt.report.document import Block, ChartNote, Section, Table, Text
from zoneopt.report.scenarios import land_scenario_blocks
from zoneopt.report.writers import num


def land_section(ctx: ReportContext) -> tuple[Section, LandSolve | None]:
    """The land section and the land solve it shows (for the summary)."""
    from zoneopt.analysis.sensitivity import frontier, rank_rules, rule_costs, what_if

    inst, backend, opts = ctx.instance, ctx.backend, ctx.options
    ls = solve_land_detail(inst, backend, options=opts)
    plan, prices = ls.plan, ls.prices
    s = plan.summary
    unit = s.objective_unit
    price_unit = f"{unit} per mu"
    blocks: list[Block] = []
    blocks.append(Text(
        f"The land pool of {num(s.pool_total_mu)} mu (rule `land-total`"
        + (f", {ls.lm.pool.source}" if ls.lm.pool.source else "") + f") goes to {s.zones_allocated} of {s.zones} "
        f"zones; {num(s.allocated_mu)} mu are allocated. Objective ({s.objective_kind}): "
        f"**{num(s.objective)} {unit}**. Shadow prices are in {price_unit}: the change of the objective "
        "per mu of a rule's bound (a cap raised, a floor raised, the pool enlarged)."))

    # allocation
    a = plan.allocations
    alloc = pd.DataFrame({
        "zone": a["zone"], "name": a["name"], "city": a["city"], "level": a["level"], "grade": a["grade"],
        "score": a["score"], "existing_mu": a["land_area_mu"], "request_mu": a["request_mu"],
        "allocation_mu": a["allocation_mu"], "fulfilment": a["fulfilment"], "per_existing_mu": a["allocation_per_mu"],
        "binding_rules": a["binding_rules"]})
    alloc = alloc.sort_values("allocation_mu", ascending=False, kind="stable").reset_index(drop=True)
    blocks.append(chart_or_note(ctx.charts, "land-allocation", "Allocation per zone", allocation_chart, a, s))
    blocks.append(Table("land-allocations", "Allocation per zone", alloc, percent=("fulfilment",),
                        caption="Sorted by allocation; `per_existing_mu` is new land per mu of existing land "
                                "(what a tilt rule orders by score)."))
    blocks.append(chart_or_note(ctx.charts, "land-score-vs-allocation", "Score against allocation per existing mu",
                                 score_chart, a))

    cities = (a.groupby("city", sort=False)
              .agg(zones=("zone", "size"), zones_allocated=("allocation_mu", lambda v: int((v > 1e-9).sum())),
                   request_mu=("request_mu", "sum"), allocation_mu=("allocation_mu", "sum"))
              .reset_index())
    cities["share_of_pool"] = cities["allocation_mu"] / s.pool_total_mu
    cities = cities.sort_values("allocation_mu", ascending=False, kind="stable").reset_index(drop=True)
    blocks.append(chart_or_note(ctx.charts, "land-cities", "Allocation per city", city_chart, cities))
    blocks.append(Table("land-cities", "Allocation per city", cities, percent=("share_of_pool",)))

    # binding rules and their prices
    bind = prices[prices["binding"]].copy()
    bind = bind.iloc[np.argsort(-bind["shadow_price"].abs().fillna(0.0).to_numpy(), kind="stable")]
    bind = bind[["rule", "type", "source", "row", "label", "side", "bound", "activity", "shadow_price", "value",
                 "range_lower", "range_upper"]].reset_index(drop=True)
    note = prices.attrs.get("ranging_note") or ""
    blocks.append(Table("land-bindings", "Binding rules and shadow prices", bind,
                        caption=f"Rule rows at their bound, the largest prices first. `shadow_price` in "
                                f"{price_unit}; `value` = price × bound; the price holds while the bound stays in "
                                f"[`range_lower`, `range_upper`] (HiGHS ranging){'; ' + note if note else ''}."))

    # rules ranked by cost
    ranked = rank_rules(prices)[["rule", "type", "source", "binding_rows", "impact", "top_price", "top_row"]]
    caption = (f"`impact`: Σ |shadow price| over the rule's rows, {price_unit}: what loosening every row of the "
               "rule by one mu would gain, to first order.")
    if ctx.rule_costs:
        costs = rule_costs(inst, backend, options=opts)[["rule", "status", "objective", "cost"]]
        ranked = ranked.merge(costs.rename(columns={"objective": "objective_without", "status": "status_without"}),
                              on="rule", how="left")
        ranked = ranked.sort_values("cost", ascending=False, kind="stable", na_position="last").reset_index(drop=True)
        caption += (f" `cost`: the objective's gain when the rule is dropped and the plan re-solved ({unit}); "
                    "the table is ordered by it. The pool `land-total` cannot be dropped.")
    blocks.append(Table("land-rule-ranking", "Rules ranked by what they cost", ranked, caption=caption))

    # what-if over the pool
    curve = what_if(inst, "pool", list(ctx.what_if_factors), relative=True, backend=backend, options=opts)
    pts = curve.points.rename(columns={"value": "pool_mu"}).drop(columns=["point"])
    pts["note"] = _infeasible_reasons(inst, pts, backend)
    if pts["secondary"].isna().all():
        pts = pts.drop(columns=["secondary"])
    blocks.append(chart_or_note(ctx.charts, "land-what-if", "What if the pool were larger or smaller",
                                 what_if_chart, pts, unit))
    blocks.append(Table("land-what-if", "What if the pool were larger or smaller", pts,
                        caption=f"The plan re-solved with the pool (and the rules stated as shares of it) scaled; "
                                f"`objective` in {unit}; `marginal` = d objective / d pool at that point "
                                f"({price_unit})."))
    wa = curve.allocations.copy()
    wa.columns = [f"pool ×{f:g}" for f in ctx.what_if_factors]
    blocks.append(Table("land-what-if-zones", "What-if allocations per zone", wa.reset_index(), markdown=False))

    # frontier
    try:
        front = frontier(inst, ctx.frontier_points, backend, options=opts)
    except ZoneoptError as exc:
        blocks.append(ChartNote("land-frontier", "Efficiency–equity frontier", f"not computed: {exc}"))
    else:
        eff_unit = front.attrs["efficiency_unit"]
        blocks.append(chart_or_note(ctx.charts, "land-frontier", "Efficiency–equity frontier", frontier_chart, front,
                                     eff_unit))
        blocks.append(Table("land-frontier", "Efficiency–equity frontier", front.drop(columns=["point"]),
                            percent=("epsilon", "min_fulfilment"),
                            caption=f"Maximum efficiency ({eff_unit}) when every zone that asked for land (and is "
                                    "not excluded) must get at least `epsilon` of its request (ε-constraint); "
                                    "the first row is the efficiency optimum, the last the equity optimum."))
        from zoneopt.analysis.sensitivity import frontier_allocations

        fa = frontier_allocations(front)
        fa.columns = [f"ε={e:.4g}" for e in front["epsilon"]]
        blocks.append(Table("land-frontier-zones", "Frontier allocations per zone", fa.reset_index(),
                            markdown=False))

    # scenarios
    if ctx.scenarios and inst.scenarios:
        blocks += land_scenario_blocks(inst, backend, opts)
    return Section("land", "Land quota (新增建设用地指标)", tuple(blocks)), ls


def _infeasible_reasons(instance: Instance, points: pd.DataFrame, backend: str) -> list[str]:
    """For each infeasible what-if point, the diagnosis in rule terms (one line)."""
    from zoneopt.analysis.diagnose import diagnose_land

    out = [""] * len(points)
    pools = instance.pools
    assert pools.land is not None
    for k in np.flatnonzero(points["status"].to_numpy() == "infeasible").tolist():  # the few infeasible points
        land = pools.land.model_copy(update={"total_mu": float(points["pool_mu"].iloc[k])})
        variant = instance.model_copy(update={"pools": pools.model_copy(update={"land": land})})
        try:
            out[k] = diagnose_land(variant, backend, time_limit=30.0).message()
        except ZoneoptError as exc:
            out[k] = f"no diagnosis: {exc}"
    return out


