"""Solving an instance's land plan once and keeping what the land explanation and the report
read (:class:`LandSolve`: the model, both stages' solutions, the plan and the rule prices)."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from zoneopt.analysis.sensitivity import rule_prices
from zoneopt.core.solution import Solution, SolveOptions
from zoneopt.core.solve import DEFAULT_BACKEND
from zoneopt.core.solve import solve as core_solve
from zoneopt.instance import Instance
from zoneopt.models.land_plan import plan_from_solution, raise_for_status
from zoneopt.models.land_quota import LandModel, build_land_model, efficiency_stage
from zoneopt.plans import Plan


@dataclass(frozen=True, eq=False)
class LandSolve:
    """One solve of an instance's land plan with everything an explanation or a report reads:
    the built model, the first-stage solution (its duals are the prices), the final solution
    (the allocation; the efficiency tie-break for an equity objective), the :class:`Plan`
    (with presolve warnings, as :func:`~zoneopt.models.land_quota.solve_land` returns it) and
    :func:`~zoneopt.analysis.sensitivity.rule_prices` of the solve."""

    lm: LandModel
    first: Solution
    final: Solution
    plan: Plan
    prices: pd.DataFrame
    backend: str
    options: SolveOptions


def solve_land_detail(instance: Instance, backend: str = DEFAULT_BACKEND, *,
                      options: SolveOptions | None = None, ranging: bool | None = None) -> LandSolve:
    """Build and solve the land plan of ``instance`` as :func:`zoneopt.solve_land` does (both
    stages of an equity objective, presolve warnings in the summary) and keep the model, the
    solutions and the rule prices (``ranging`` as in :func:`~zoneopt.analysis.sensitivity.rule_prices`).

    Raises :class:`~zoneopt.errors.InfeasibleError` (with the diagnosis) /
    :class:`~zoneopt.errors.UnboundedError` (exit code 3), :class:`~zoneopt.errors.NoSolutionError`
    (4) and :class:`~zoneopt.errors.InstanceError` (2), as ``solve_land`` does."""
    from zoneopt.models.allocation import run_priority
    from zoneopt.models.presolve import presolve_checks

    lm = build_land_model(instance)
    warnings = [f.message for f in presolve_checks(instance, lm) if f.severity == "warning"]
    opts = options if options is not None else SolveOptions()
    # A lexicographic objective's priority zones are held where the plan serves them.
    lm = replace(lm, model=run_priority(lm.model, lm.allocation, backend, opts, instance.name).model)
    first = core_solve(lm.model, backend, options=opts)
    raise_for_status(first, lm)
    final, secondary = first, None
    if lm.equity is not None and instance.objective.kind == "equity":
        assert first.x is not None
        final = core_solve(efficiency_stage(lm, float(first.x[lm.equity.start])), backend, options=opts)
        raise_for_status(final, lm)
        assert final.objective is not None
        secondary = final.objective * lm.tie_break_scale
    plan = plan_from_solution(lm, final, primary=first, secondary=secondary)
    plan.summary = plan.summary.model_copy(update={"warnings": warnings})
    prices = rule_prices(lm, final, ranging, primary=first)
    return LandSolve(lm, first, final, plan, prices, backend, opts)
