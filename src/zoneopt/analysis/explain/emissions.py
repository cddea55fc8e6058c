"""The emission sections, one per pollutant (``emissions:<pollutant>``, t/yr): for a priority
objective the column section of each pollutant's allowances (prices, re-solves, the weight a
zone at 0 needs); for ZSG-DEA, a formula with no rules, the zone's allocation and its DEA
efficiency before and after."""

from __future__ import annotations

import math
from dataclasses import replace

from zoneopt.analysis.explain.context import ExplainContext, Sections
from zoneopt.analysis.explain.resolve import round_step, solved
from zoneopt.analysis.explain.results import ResourceExplanation
from zoneopt.analysis.explain.section import Weight, column_section, float_or_none
from zoneopt.core.solution import SolveOptions
from zoneopt.core.solve import solve as core_solve
from zoneopt.evaluation.indicators import indicator_unit
from zoneopt.instance import Instance
from zoneopt.instance.indicators import INDICATORS
from zoneopt.plans.glossary import Term, spoken


def emission_sections(ctx: ExplainContext) -> Sections:
    """One section per pollutant (``emissions:<pollutant>``), allocations in t/yr."""
    pools = ctx.instance.pools.emissions
    assert pools is not None
    explain = _zsg_dea_sections if pools.objective.kind == "zsg_dea" else _allowance_sections
    return Sections(tuple(explain(ctx.instance, ctx.j, ctx.backend, ctx.options)), ctx.backend)


def _zsg_dea_sections(instance: Instance, j: int, backend: str, opts: SolveOptions) -> list[ResourceExplanation]:
    """ZSG-DEA allowances: a formula, so no rules, prices or re-solves; its efficiencies instead."""
    from zoneopt.models.emissions import solve_zsg_dea

    pools = instance.pools.emissions
    assert pools is not None
    plan = solve_zsg_dea(instance, backend, options=opts)
    a = plan.allocations.iloc[j]
    out = []
    for pu in plan.summary.pools:  # a loop over pollutants
        notes = [n for n in plan.summary.notes if n.startswith(pu.pool + ":") or "rule(s) not applied" in n]
        notes.append(f"DEA efficiency {a.get('efficiency_start_' + pu.pool, math.nan):.4g} before, "
                     f"{a.get('efficiency_' + pu.pool, math.nan):.4g} after; it started from "
                     f"{a.get('start_' + pu.pool + '_t', math.nan):,.6g} t")
        out.append(ResourceExplanation(
            resource=f"emissions:{pu.pool}", unit="t", allocation=float(a[f"{pu.pool}_t"]), request=None,
            fulfilment=None, pool_total=pu.total, pool_allocated=pu.allocated, pool_rule=pu.rule,
            pool_source=pools.pollutants[pu.pool].source, pool_price=math.nan, pool_range_lower=math.nan,
            pool_range_upper=math.nan, price_unit="", objective_kind="zsg_dea",
            objective=float(plan.summary.objective or math.nan), objective_unit=plan.summary.objective_unit,
            rules=(), step=math.nan, steps=(), weight=None, tilts=(), notes=tuple(notes), method="zsg-dea"))
    return out


def _allowance_sections(instance: Instance, j: int, backend: str, opts: SolveOptions) -> list[ResourceExplanation]:
    """Priority-weighted allowances: the LP of every pollutant, one column section each."""
    from zoneopt.models.allocation import run_priority
    from zoneopt.models.emissions import build_emission_model, emission_zone_map, total_rule, unit_said
    from zoneopt.models.emissions import plan_from_solution as emission_plan
    from zoneopt.models.outcome import raise_for_status as raise_resource
    from zoneopt.models.rules import pool_wide_rules, row_units

    pools = instance.pools.emissions
    assert pools is not None
    em = build_emission_model(instance)
    # A lexicographic objective's priority zones are held where the plan serves them.
    em = replace(em, model=run_priority(em.model, em.allocation, backend, opts, instance.name).model)
    solution = core_solve(em.model, backend, options=opts)
    scale = row_units(em.model, [x.start for x in em.x], em.units)
    raise_resource(solution, em.model, f"emission plan for {instance.name!r}", row_scale=scale, unit="t",
                   rules=em.rules, time_limit=opts.time_limit)
    plan = emission_plan(em, solution)
    assert plan.objective is not None
    sv = solved(em.model, solution, scale, em.obj_scale, em.rules, backend, opts, emission_zone_map(em),
                pool_wide_rules(em.rules))
    obj = pools.objective
    desc = INDICATORS[obj.weight][1] if obj.weight in INDICATORS else f"evaluation result {obj.weight!r}"
    wunit = indicator_unit(obj.weight, instance)
    out = []
    for k, p in enumerate(em.pollutants):  # a loop over pollutants
        pool = pools.pollutants[p]
        pu = plan.summary.pools[k]
        w = Weight(obj.weight, desc, wunit, float(em.weights[j]), obj.pollutant_weights.get(p, 1.0) / pool.total_t)
        out.append(column_section(
            sv, resource=f"emissions:{p}", unit="t", col=em.x[k].start + j, zone=j, sigma=em.units[k],
            integral=False,
            pool_rule=total_rule(p), pool_total=pool.total_t, pool_allocated=pu.allocated, pool_source=pool.source,
            request=float_or_none(em.requests[p][j]), objective_kind="priority", objective=plan.objective,
            objective_unit=em.objective_unit, step=round_step(pool.total_t), weight=w,
            notes=[spoken("xnote.em.sums", weight=Term(f"indicator.{obj.weight}", obj.weight), unit=unit_said(wunit),
                          p=p),
                   spoken("xnote.em.pool_row")]))
    return out
