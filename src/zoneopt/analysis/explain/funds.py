"""The fund section (``funds``, in the instance's money unit): the column section of the fund
pool (prices, or for whole tranches a MIP's re-solves; the weight a zone at 0 needs, with its
sector priority), and the investment it co-finances."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from zoneopt.analysis.explain.context import ExplainContext, Sections
from zoneopt.analysis.explain.resolve import round_step, solved
from zoneopt.analysis.explain.results import ResourceExplanation
from zoneopt.analysis.explain.section import Weight, column_section, float_or_none
from zoneopt.core.solution import SolveOptions
from zoneopt.core.solve import solve as core_solve
from zoneopt.instance import MONEY_LABEL, Instance
from zoneopt.plans.glossary import Amount, spoken


def fund_sections(ctx: ExplainContext) -> Sections:
    """The fund section, one."""
    return Sections((_fund_section(ctx.instance, ctx.j, ctx.backend, ctx.options),), ctx.backend)


def _fund_section(instance: Instance, j: int, backend: str, opts: SolveOptions) -> ResourceExplanation:
    """The zone's funds (money unit)."""
    from zoneopt.models.allocation import run_priority
    from zoneopt.models.funds import TOTAL_RULE as FUNDS_TOTAL
    from zoneopt.models.funds import build_fund_model, fund_zone_map
    from zoneopt.models.funds import plan_from_solution as fund_plan
    from zoneopt.models.outcome import raise_for_status as raise_resource
    from zoneopt.models.rules import pool_wide_rules

    fm = build_fund_model(instance)
    # A lexicographic objective's priority zones are held where the plan serves them.
    fm = replace(fm, model=run_priority(fm.model, fm.allocation, backend, opts, instance.name).model)
    money = MONEY_LABEL[instance.units.money]
    solution = core_solve(fm.model, backend, options=opts)
    raise_resource(solution, fm.model, f"fund plan for {instance.name!r}", row_scale=fm.unit, unit=money,
                   rules=fm.rules, time_limit=opts.time_limit)
    plan = fund_plan(fm, solution)
    assert plan.objective is not None
    sv = solved(fm.model, solution, fm.unit, fm.obj_scale, fm.rules, backend, opts, fund_zone_map(fm),
                pool_wide_rules(fm.rules))
    kind = fm.pool.objective.kind
    priority = float(fm.priority[j])
    w = Weight(f"{kind} weight", "objective weight per unit of money" + (f" (× sector priority {priority:g})"
                                                                         if priority != 1 else ""),
               f"{fm.objective_unit} per {money}", float(fm.weights[j]), 1.0)
    notes = list(fm.notes)
    if np.isfinite(fm.investment[j]) and fm.investment[j] > 0:
        notes.append(spoken("xnote.co_finances", amount=Amount(float(fm.investment[j]), money)))
    step = float(fm.pool.tranche) if fm.pool.tranche is not None else round_step(fm.pool.budget)
    return column_section(sv, resource="funds", unit=money, col=fm.f.start + j, zone=j, sigma=fm.unit,
                          integral=fm.pool.tranche is not None, pool_rule=FUNDS_TOTAL, pool_total=fm.pool.budget,
                          pool_allocated=plan.summary.pools[0].allocated, pool_source=fm.pool.source,
                          request=float_or_none(fm.request[j]), objective_kind=kind, objective=plan.objective,
                          objective_unit=fm.objective_unit, step=step, weight=w, notes=notes)
