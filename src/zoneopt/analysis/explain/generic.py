"""The section of a resource without a section of its own (no row in
:data:`~zoneopt.analysis.explain.zone.SECTIONS`), so that a new resource is explained from its
registry row alone.

When its model declares one column per zone and pool
(:attr:`~zoneopt.models.outcome.ResourceModel.zone_columns`, and how to read a solution back
as the plan), each such pool gets the column section the fund section gives
(:func:`~zoneopt.analysis.explain.section.column_section`): the zone's rule rows with prices
and ranges, re-solves of the pool and of each binding bound, and for a zone at 0 the rise of
its objective coefficient the reduced cost asks for. Otherwise the section says so in its
notes and gives the zone's row of the plan and the plan's binding rules that touch the zone.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from zoneopt.analysis.explain.context import ExplainContext, Sections
from zoneopt.analysis.explain.render import num
from zoneopt.analysis.explain.resolve import round_step, solved
from zoneopt.analysis.explain.results import ResourceExplanation, ZoneRule
from zoneopt.analysis.explain.section import Weight, column_section, float_or_none
from zoneopt.core.solve import solve as core_solve
from zoneopt.models.rules import columns_to_zones, pool_wide_rules
from zoneopt.plans import ResourcePlan

if TYPE_CHECKING:
    from zoneopt.models.rules import columns_to_zones, pool_wide_rules
from zoneopt.models.outcome import ResourceModel

PLAN_ROW_SKIPPED = ("zone", "name", "city", "level", "kind", "grade", "score", "binding_rules", "shadow_prices")
"""Columns of the plan's zone row that the fallback section does not repeat in its notes (the
explanation's header gives the zone; its rules are listed)."""


def generic_sections(ctx: ExplainContext, resource: str) -> Sections:
    """The sections of ``resource`` for the context's zone: one column section per pool its
    model splits with one column per zone (named ``resource``, or ``resource:<pool>`` for
    several pools), else one section from the plan."""
    from zoneopt.resources import build_resource_model

    rm = build_resource_model(ctx.instance, resource)
    if rm.model is not None and rm.zone_columns and rm.plan_from_solution is not None:
        return _column_sections(ctx, resource, rm)
    return _plan_section(ctx, resource, rm)


def _column_sections(ctx: ExplainContext, resource: str, rm: ResourceModel) -> Sections:
    """Solve the model once; a column section per declared pool."""
    from zoneopt.models.outcome import raise_for_status

    assert rm.model is not None and rm.plan_from_solution is not None
    m, opts = rm.model, ctx.options
    solution = core_solve(m, ctx.backend, options=opts)
    raise_for_status(solution, m, f"{resource} plan for {ctx.instance.name!r}", row_scale=rm.row_scale,
                     unit=rm.unit, rules=rm.rules, time_limit=opts.time_limit)
    plan = rm.plan_from_solution(solution)
    s = plan.summary
    assert solution.x is not None and s.objective is not None
    n = len(ctx.instance.zones)
    zone_map = columns_to_zones(m.num_vars, [(zc.start, np.arange(n)) for zc in rm.zone_columns], n)
    sv = solved(m, solution, rm.row_scale, rm.obj_scale, rm.rules, ctx.backend, opts, zone_map,
                pool_wide_rules(rm.rules))
    several = len(rm.zone_columns) > 1
    out = []
    for zc in rm.zone_columns:  # a loop over pools, not zones
        col = zc.start + ctx.j
        raw = solution.x[zc.start:zc.start + s.zones]
        allocated = float(((np.round(raw) if zc.integral else np.maximum(raw, 0.0)) * zc.unit).sum())
        # The zone's objective coefficient per natural unit, the weight a zone at 0 would need raised.
        w = Weight(None, f"objective coefficient per {rm.unit}", f"{s.objective_unit} per {rm.unit}",
                   float(m.c[col]) * rm.obj_scale / zc.unit, 1.0)
        notes = list(s.notes)
        if several:
            notes.append(f"the objective sums every pool; a price is per {rm.unit} of {zc.pool}")
        request = float_or_none(float(zc.request[ctx.j])) if zc.request is not None else None
        out.append(column_section(
            sv, resource=f"{resource}:{zc.pool}" if several else resource, unit=rm.unit, col=col, zone=ctx.j,
                sigma=zc.unit,
            integral=zc.integral, pool_rule=zc.rule, pool_total=zc.total, pool_allocated=allocated,
            pool_source=zc.source, request=request, objective_kind=s.objective_kind, objective=s.objective,
            objective_unit=s.objective_unit, step=zc.unit if zc.integral else round_step(zc.total), weight=w,
            notes=notes))
    return Sections(tuple(out), ctx.backend, tuple(s.warnings))


def _plan_section(ctx: ExplainContext, resource: str, rm: ResourceModel) -> Sections:
    """The zone's row of the plan and the plan's binding rules that touch the zone."""
    from zoneopt.models.outcome import pool_columns
    from zoneopt.resources import REGISTRY

    plan = REGISTRY[resource].solve(ctx.instance, ctx.backend, options=ctx.options)
    assert isinstance(plan, ResourcePlan), f"{resource}: the generic section reads a ResourcePlan"
    s = plan.summary
    row = plan.allocations.iloc[ctx.j]
    pool = s.pools[0] if len(s.pools) == 1 else None
    unit = rm.unit or (pool.unit if pool is not None else "")
    rules = _binding_rules(plan, row, rm, pool.rule if pool is not None else None)
    why = "has no rule model" + (f" ({rm.note})" if rm.note else "") if rm.model is None else (
        "declares no columns per zone (ResourceModel.zone_columns)")
    notes = [f"{resource}'s model {why}: no prices, ranges or re-solves for the zone, only its row of the plan "
             "and the plan's binding rules that touch it"]
    shown = [c for c in plan.allocations.columns if c not in PLAN_ROW_SKIPPED]
    if shown:
        notes.append("its row of the plan: " + "; ".join(f"{c} {_value(row[c])}" for c in shown))
    if pool is None:
        notes += [f"pool {p.pool} (rule {p.rule}): {num(p.allocated)} of {num(p.total)} {p.unit} allocated"
                  for p in s.pools]
    columns = pool_columns(plan) if pool is not None else []  # the one pool's allocation column, by its name
    allocation = float(row[columns[0]]) if len(columns) == 1 else math.nan
    asked = f"request_{columns[0]}" if len(columns) == 1 else ""
    request = float_or_none(float(row[asked])) if asked in row else None
    pool_row = next((r for r in rules if pool is not None and r.rule == pool.rule), None)
    price = pool_row.shadow_price if pool_row is not None else (0.0 if s.method == "lp" else math.nan)
    info = rm.rules.get(pool.rule) if pool is not None else None
    section = ResourceExplanation(
        resource=resource, unit=unit, allocation=allocation, request=request,
        fulfilment=allocation / request if request is not None and request > 0 and not math.isnan(allocation)
        else None,
        pool_total=pool.total if pool is not None else math.nan,
        pool_allocated=pool.allocated if pool is not None else math.nan,
        pool_rule=pool.rule if pool is not None else "", pool_source=getattr(info, "source", None),
        pool_price=price, pool_range_lower=math.nan, pool_range_upper=math.nan,
        price_unit=f"{s.objective_unit} per {unit}", objective_kind=s.objective_kind,
        objective=float(s.objective) if s.objective is not None else math.nan, objective_unit=s.objective_unit,
        rules=tuple(rules), step=math.nan, steps=(), weight=None, tilts=(), notes=tuple(notes), method=s.method)
    return Sections((section,), ctx.backend, tuple(s.warnings))


def _binding_rules(plan: ResourcePlan, row: pd.Series, rm: ResourceModel, pool_rule: str | None) -> list[ZoneRule]:
    """The plan's binding rows of the rules that bind for the zone (its zone table's
    ``binding_rules``: a rule's row labelled with the zone when it has one, else all its binding
    rows) and of the pool's rule (shared by every zone, so not in that list)."""
    b = plan.bindings
    own_rules = [r for r in str(row.get("binding_rules", "") or "").split(";") if r]
    touching = own_rules + ([pool_rule] if pool_rule else [])
    if b.empty or not touching:
        return []
    label = b["row"].astype(str).str.extract(r"\[(.*)\]$", expand=False).fillna("")
    own = label == str(row["zone"])
    has_own = own.groupby(b["rule"]).transform("any")
    keep = b["rule"].isin(touching) & (own | ~has_own)
    out = []
    for k in np.flatnonzero(keep.to_numpy()):  # the zone's few binding rows
        r = b.iloc[k]
        info = rm.rules.get(str(r["rule"]))
        bound = float(r["bound"])
        out.append(ZoneRule(rule=str(r["rule"]), type=getattr(info, "type", ""), source=r["source"],
                            note=getattr(info, "note", None), row=str(r["row"]), label=str(label.iloc[k]),
                            side=str(r["side"]), bound=bound, activity=bound, slack=0.0, binding=True,
                            shadow_price=float(r["shadow_price"]), range_lower=math.nan, range_upper=math.nan,
                            price_unit=str(r["unit"]), for_zone=str(r["rule"]) in own_rules))
    return out


def _value(v: object) -> str:
    """A value of the plan's zone row for people (numbers by :func:`num`, ``-`` for none)."""
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    if isinstance(v, (int, float, np.integer, np.floating)):
        return num(float(v))
    return "-" if v is None or v == "" else str(v)
