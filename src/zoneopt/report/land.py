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
from zoneopt.plans.display import Display, shared_bindings, significant
from zoneopt.plans.wording import is_money_rate, objective_sentence
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


def land_section(ctx: ReportContext) -> tuple[Section, LandSolve | None]:
    """The land section and the land solve it shows (for the summary)."""
    from zoneopt.analysis.sensitivity import frontier, rank_rules, rule_costs, what_if

    inst, backend, opts, d = ctx.instance, ctx.backend, ctx.options, ctx.display
    ls = solve_land_detail(inst, backend, options=opts)
    plan, prices = ls.plan, ls.prices
    s = plan.summary
    money = s.objective_kind == "efficiency" and is_money_rate(inst.objective.weight)
    obj_kind = "money_yr" if money else "ratio"
    unit = d.t("unit.per_year", unit=d.money_unit) if money else d.clean(s.objective_unit)
    price_unit = d.t("unit.per_mu", unit=d.t("unit.per_year", unit=d.rate_money_unit)) if money \
        else d.t("unit.per_mu", unit=d.clean(s.objective_unit))
    blocks: list[Block] = [Text(d.t(
        "report.land.intro", pool=d.mu(s.pool_total_mu),
        source=("，" if d.zh else ", ") + ls.lm.pool.source if ls.lm.pool.source else "",
        got=s.zones_allocated, zones=s.zones, allocated=d.mu(s.allocated_mu),
        objective=objective_sentence(s, d, inst, allocations=plan.allocations), price_unit=price_unit))]
    shared = shared_bindings(plan.allocations, plan.bindings)
    if shared:
        blocks.append(Text(d.t("report.land.shared", rules=d.join(
            f"`{r}`" + (d.paren(d.clean(src)) if src else "") for r, src, _ in shared))))

    # allocation
    a = plan.allocations
    alloc = pd.DataFrame({
        "zone": a["zone"], "name": a["name"], "city": a["city"], "level": a["level"], "grade": a["grade"],
        "score": a["score"], "existing_mu": a["land_area_mu"], "request_mu": a["request_mu"],
        "allocation_mu": a["allocation_mu"], "fulfilment": a["fulfilment"], "per_existing_mu": a["allocation_per_mu"],
        "binding_rules": a["binding_rules"]})
    alloc = alloc.sort_values("allocation_mu", ascending=False, kind="stable").reset_index(drop=True)
    blocks.append(chart_or_note(ctx.charts, "land-allocation", d.t("report.t.allocation"), allocation_chart, a, s, d))
    blocks.append(Table("land-allocations", d.t("report.t.allocation"), alloc, percent=("fulfilment",),
                        caption=d.t("report.c.allocation"), total=True))
    blocks.append(chart_or_note(ctx.charts, "land-score-vs-allocation", d.t("report.t.score_chart"), score_chart, a,
                                d))

    cities = (a.groupby("city", sort=False)
              .agg(zones=("zone", "size"), zones_allocated=("allocation_mu", lambda v: int((v > 1e-9).sum())),
                   request_mu=("request_mu", "sum"), allocation_mu=("allocation_mu", "sum"))
              .reset_index())
    cities["share_of_pool"] = cities["allocation_mu"] / s.pool_total_mu
    cities = cities.sort_values("allocation_mu", ascending=False, kind="stable").reset_index(drop=True)
    blocks.append(chart_or_note(ctx.charts, "land-cities", d.t("report.t.cities"), city_chart, cities, d))
    blocks.append(Table("land-cities", d.t("report.t.cities"), cities, percent=("share_of_pool",), total=True))

    # binding rules and their prices
    bind = prices[prices["binding"]].copy()
    bind = bind.iloc[np.argsort(-bind["shadow_price"].abs().fillna(0.0).to_numpy(), kind="stable")]
    bind = bind[["rule", "type", "source", "row", "label", "side", "bound", "activity", "shadow_price", "value",
                 "range_lower", "range_upper"]].reset_index(drop=True)
    bind["type"] = bind["type"].map(d.rule_type)
    note = prices.attrs.get("ranging_note") or ""
    blocks.append(Table("land-bindings", d.t("report.t.bindings"), bind,
                        caption=d.t("report.c.bindings", price_unit=price_unit,
                                    note=("；" if d.zh else "; ") + d.clean(note) if note else ""),
                        kinds=(("bound", "mu"), ("activity", "mu"), ("range_lower", "mu"), ("range_upper", "mu"))))

    # rules ranked by cost
    ranked = rank_rules(prices)[["rule", "type", "source", "binding_rows", "impact", "top_price", "top_row"]]
    ranked["type"] = ranked["type"].map(d.rule_type)
    caption = d.t("report.c.ranking", price_unit=price_unit)
    if ctx.rule_costs:
        costs = rule_costs(inst, backend, options=opts)[["rule", "status", "objective", "cost"]]
        ranked = ranked.merge(costs.rename(columns={"objective": "objective_without", "status": "status_without"}),
                              on="rule", how="left")
        ranked = ranked.sort_values("cost", ascending=False, kind="stable", na_position="last").reset_index(drop=True)
        caption += " " + d.t("report.c.ranking_cost", unit=unit)
    blocks.append(Table("land-rule-ranking", d.t("report.t.ranking"), ranked, caption=caption,
                        kinds=(("objective_without", obj_kind), ("cost", obj_kind), ("binding_rows", "count"))))

    # what-if over the pool
    curve = what_if(inst, "pool", list(ctx.what_if_factors), relative=True, backend=backend, options=opts)
    pts = curve.points.rename(columns={"value": "pool_mu"}).drop(columns=["point"])
    pts["note"] = _infeasible_reasons(inst, pts, backend, d)
    if pts["secondary"].isna().all():
        pts = pts.drop(columns=["secondary"])
    blocks.append(chart_or_note(ctx.charts, "land-what-if", d.t("report.t.what_if"), what_if_chart, pts, unit, d))
    blocks.append(Table("land-what-if", d.t("report.t.what_if"), pts,
                        caption=d.t("report.c.what_if", unit=unit, price_unit=price_unit),
                        kinds=(("pool_mu", "mu"), ("objective", obj_kind), ("secondary", "money_yr"),
                               ("allocated_mu", "mu"), ("factor", "ratio"))))
    wa = curve.allocations.copy()
    wa.columns = [f"{d.t('col.pool_mu')} ×{f:g}" for f in ctx.what_if_factors]
    blocks.append(Table("land-what-if-zones", d.t("report.t.what_if_zones"), wa.reset_index(), markdown=False,
                        kinds=tuple((c, "mu") for c in wa.columns), total=True))

    # frontier
    try:
        front = frontier(inst, ctx.frontier_points, backend, options=opts)
    except ZoneoptError as exc:
        blocks.append(ChartNote("land-frontier", d.t("report.t.frontier"), d.t("report.frontier_failed", error=exc)))
    else:
        eff_kind = "money_yr" if is_money_rate(inst.objective.weight) else "ratio"
        eff_unit = d.t("unit.per_year", unit=d.money_unit) if eff_kind == "money_yr" \
            else d.clean(front.attrs["efficiency_unit"])
        blocks.append(chart_or_note(ctx.charts, "land-frontier", d.t("report.t.frontier"), frontier_chart, front,
                                    eff_unit, d))
        blocks.append(Table("land-frontier", d.t("report.t.frontier"), front.drop(columns=["point"]),
                            percent=("epsilon", "min_fulfilment"), caption=d.t("report.c.frontier", unit=eff_unit),
                            kinds=(("efficiency", eff_kind), ("allocated_mu", "mu"))))
        from zoneopt.analysis.sensitivity import frontier_allocations

        fa = frontier_allocations(front)
        fa.columns = [f"ε{k + 1}={significant(100 * e, 3)}%" for k, e in enumerate(front["epsilon"])]
        blocks.append(Table("land-frontier-zones", d.t("report.t.frontier_zones"), fa.reset_index(), markdown=False,
                            kinds=tuple((c, "mu") for c in fa.columns), total=True))

    # scenarios
    if ctx.scenarios and inst.scenarios:
        blocks += land_scenario_blocks(inst, backend, opts, d)
    return Section("land", d.t("report.section.land"), tuple(blocks)), ls


def _infeasible_reasons(instance: Instance, points: pd.DataFrame, backend: str, d: Display) -> list[str]:
    """For each infeasible what-if point, the diagnosis in rule terms (one line, in the display's language)."""
    from zoneopt.analysis.diagnose import diagnose_land
    from zoneopt.plans.wording import diagnosis_message

    out = [""] * len(points)
    pools = instance.pools
    assert pools.land is not None
    for k in np.flatnonzero(points["status"].to_numpy() == "infeasible").tolist():  # the few infeasible points
        land = pools.land.model_copy(update={"total_mu": float(points["pool_mu"].iloc[k])})
        variant = instance.model_copy(update={"pools": pools.model_copy(update={"land": land})})
        try:
            out[k] = diagnosis_message(diagnose_land(variant, backend, time_limit=30.0), d)
        except ZoneoptError as exc:
            out[k] = f"no diagnosis: {exc}"
    return out


