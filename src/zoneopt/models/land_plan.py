"""Solving the land-quota model into a checked :class:`~zoneopt.plans.Plan`: both stages of an
equity objective, the presolve warnings in the plan's summary, the solver status turned into
typed errors (an infeasible model diagnosed in rule terms, in mu), and the plan's tables
(allocation per zone, binding rules with their shadow prices in natural units).

The formulation itself is in :mod:`zoneopt.models.land_quota`; its mathematics and each rule's
clause in ``models/land-quota.md``."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import scipy.sparse as sp

from zoneopt.core import limits
from zoneopt.core.diagnose import Diagnosis, diagnose
from zoneopt.core.solution import Solution, SolveOptions, Status
from zoneopt.core.solve import DEFAULT_BACKEND
from zoneopt.core.solve import solve as core_solve
from zoneopt.errors import InfeasibleError, NoSolutionError, UnboundedError, ZoneoptError
from zoneopt.evaluation.indicators import objective_unit
from zoneopt.instance import MONEY_LABEL, Instance
from zoneopt.models.allocation import binding_by_zone, pool_shape, run_priority
from zoneopt.models.land_form import solve_in_form
from zoneopt.models.land_quota import TOTAL_RULE, LandModel, build_land_model, efficiency_stage
from zoneopt.models.presolve import presolve_checks
from zoneopt.models.rules import ZoneTotals, binding_tables, pool_wide_rules
from zoneopt.plans import Plan, PlanShape, PlanSummary


def solve_land(instance: Instance, backend: str = DEFAULT_BACKEND, *, time_limit: float | None = None,
               mip_gap: float | None = None, options: SolveOptions | None = None) -> Plan:
    """Build and solve the land-quota model of ``instance``; return the checked :class:`Plan`.

    Raises :class:`InfeasibleError` / :class:`UnboundedError` (exit code 3) naming the rules,
    :class:`NoSolutionError` (4) when the solver finds nothing in time, and
    :class:`InstanceError` (2) for data a rule or objective needs but the instance lacks.
    """
    lm = build_land_model(instance)
    warnings = [f.message for f in presolve_checks(instance, lm) if f.severity == "warning"]
    opts = SolveOptions.merged(options, time_limit=time_limit, mip_gap=mip_gap)
    served = run_priority(lm.model, lm.allocation, backend, opts, f"land plan for {instance.name!r}")
    if served.model is lm.model:
        # On HiGHS solved in the solve form (rows that are bounds as bounds, the tilt's implied bounds),
        # lifted back onto the rule rows: same optimum, prices per rule (models/land_form.py).
        first, _ = solve_in_form(lm.model, lm.tilts, backend, opts)
    else:  # a lexicographic objective's last stage, after the priority zones were served
        first = core_solve(served.model, backend, options=opts)
    raise_for_status(first, lm, time_limit=opts.time_limit)
    first = replace(first, runtime=first.runtime + served.runtime_s)
    final = first
    secondary = None
    stopped = limits.stop_requested()  # the first stage returned what it had: keep it, start nothing
    if stopped and lm.equity is not None and instance.objective.kind == "equity":
        warnings.append("stopped before the efficiency tie-break among the equity optima: the plan is the "
                        "first stage's (its smallest fulfilment holds; its efficiency is not maximised)")
    if lm.equity is not None and instance.objective.kind == "equity" and not stopped:
        assert first.x is not None
        stage2 = efficiency_stage(lm, float(first.x[lm.equity.start]))
        final, _ = solve_in_form(stage2, lm.tilts, backend, opts)
        raise_for_status(final, lm, time_limit=opts.time_limit)
        assert final.objective is not None
        secondary = final.objective * lm.tie_break_scale
    plan = plan_from_solution(lm, final, primary=first, secondary=secondary)
    plan.summary = plan.summary.model_copy(update={"warnings": warnings})
    return plan


def diagnose_land_model(lm: LandModel, backend: str = DEFAULT_BACKEND, *, time_limit: float | None = None,
                        shortlist: bool = True) -> Diagnosis:
    """The rule-level diagnosis (:func:`zoneopt.core.diagnose.diagnose`) of a built land model in
    plan units: slacks weighed and reported in mu (model units × ``land_unit``), rules with the
    type, source and note the instance gives them."""
    d = diagnose(lm.model, backend=backend, row_scale=lm.land_unit, unit="mu", rules=lm.rules,
                 time_limit=time_limit, shortlist=shortlist)
    return replace(d, name=lm.instance.name)


def raise_for_status(solution: Solution, lm: LandModel, *, time_limit: float | None = None) -> None:
    """Raise the error a solve's status calls for (nothing for a solution). An infeasible
    model is diagnosed (:func:`diagnose_land_model` on HiGHS, within ``time_limit``
    seconds, by default 60 times the solve's own time, at least 30 s and at most 300 s): the
    :class:`InfeasibleError` names an irreducible set of conflicting rules and the least
    change of each that restores feasibility, and carries the diagnosis. When the diagnosis
    cannot finish, the message falls back on :func:`quick_conflicts`."""
    name = lm.instance.name
    if solution.status is Status.INFEASIBLE:
        # A diagnosis takes some 20 solves, several of them larger elastic models.
        budget = time_limit if time_limit is not None else min(300.0, max(30.0, 60.0 * solution.runtime))
        try:
            diagnosis = diagnose_land_model(lm, DEFAULT_BACKEND, time_limit=budget)
        except ZoneoptError as exc:
            hint = quick_conflicts(lm)
            raise InfeasibleError(f"land plan for {name!r} is infeasible: the rules cannot all hold"
                                  + (f"; {hint}" if hint else "") + f" (no full diagnosis: {exc}; "
                                  "run `python -m zoneopt diagnose` with a longer --time-limit)") from exc
        if diagnosis.feasible:  # the solve's backend and HiGHS disagree: say so, not a conflict
            raise InfeasibleError(f"land plan for {name!r}: {solution.backend} reports it infeasible, "
                                  f"but {diagnosis.backend} finds the rules can all hold (a solver "
                                  "tolerance issue; try another backend)", diagnosis)
        raise InfeasibleError(f"land plan for {name!r} is infeasible: {diagnosis.message()}", diagnosis)
    if solution.status is Status.UNBOUNDED:
        raise UnboundedError(f"land plan for {name!r} is unbounded: the objective can grow without "
                             "limit (is the land pool total missing from the model?)")
    if not solution.status.has_solution:
        raise NoSolutionError(f"land plan for {name!r}: {solution.backend} found no solution "
                              f"({solution.status.value}: {solution.message})")


def quick_conflicts(lm: LandModel) -> str:
    """A cheap first explanation of infeasibility from the per-zone rows alone: zones whose
    floor or lock exceeds their cap, or floors that add up to more than the pool. Used only
    when the full diagnosis (:mod:`zoneopt.core.diagnose`) cannot finish, e.g. at a time limit."""
    m, x = lm.model, lm.x
    A = m.A
    # Rows with one entry, on an allocation variable: per-zone floors, caps, locks, exclusions.
    rows = np.flatnonzero(np.diff(A.indptr) == 1)
    cols = A.indices[A.indptr[rows]]
    coef = A.data[A.indptr[rows]]
    on_x = (cols >= x.start) & (cols < x.start + x.size)
    rows, cols, coef = rows[on_x], cols[on_x] - x.start, coef[on_x]
    block = m.row_block_index()[rows]
    n = x.size
    lo, hi = np.zeros(n), np.full(n, np.inf)
    lo_rule = np.full(n, -1)
    hi_rule = np.full(n, -1)
    for k in np.unique(block):  # loop over rule blocks, not zones
        sel = block == k
        r, j, a = rows[sel], cols[sel], coef[sel]
        rlo = np.where(a > 0, m.row_lb[r] / a, m.row_ub[r] / a)
        rhi = np.where(a > 0, m.row_ub[r] / a, m.row_lb[r] / a)
        better_lo = rlo > lo[j]
        lo[j[better_lo]], lo_rule[j[better_lo]] = rlo[better_lo], k
        better_hi = rhi < hi[j]
        hi[j[better_hi]], hi_rule[j[better_hi]] = rhi[better_hi], k
    blocks = m.row_blocks
    sigma = lm.land_unit
    clash = np.flatnonzero(lo > hi + 1e-9)
    if clash.size:
        j = clash[0]
        zone = x.labels[j] if x.labels else str(j)
        more = f" (and {clash.size - 1} more zones)" if clash.size > 1 else ""
        return (f"for zone {zone!r}, rule {_rule_ref(lm, blocks[lo_rule[j]].rule)} asks for at least "
                f"{lo[j] * sigma:,.6g} mu but rule {_rule_ref(lm, blocks[hi_rule[j]].rule)} allows at most "
                f"{hi[j] * sigma:,.6g} mu{more}")
    total = lm.pool.total_mu
    if lo.sum() * sigma > total * (1 + 1e-9):
        used = sorted({blocks[k].rule for k in lo_rule[lo > 0] if k >= 0 and blocks[k].rule})
        return (f"the per-zone floors and locks ({', '.join(_rule_ref(lm, r) for r in used)}) add up to "
                f"{lo.sum() * sigma:,.6g} mu, more than rule {_rule_ref(lm, TOTAL_RULE)} allows "
                f"({total:,.6g} mu): short by {lo.sum() * sigma - total:,.6g} mu")
    return ""


def _rule_ref(lm: LandModel, rule: str | None) -> str:
    info = lm.rules.get(rule or "")
    if info is None:
        return repr(rule)
    return f"{info.id!r}" + (f" ({info.source})" if info.source else "")


def land_zone_map(lm: LandModel) -> sp.csr_matrix:
    """Model columns × zones: zone i's allocation counts for zone i (what the plan's and
    explain's binding rules per zone read)."""
    x = lm.x
    return sp.csr_matrix((np.ones(x.size), (x.start + np.arange(x.size), np.arange(x.size))),
                         shape=(lm.model.num_vars, x.size))


def plan_from_solution(lm: LandModel, solution: Solution, *, primary: Solution | None = None,
                       secondary: float | None = None) -> Plan:
    """Turn a checked core solution into a :class:`Plan` in mu and natural units.

    ``primary`` is the first stage of a lexicographic solve (equity): its objective and duals
    are reported, the allocation is ``solution``'s; ``secondary`` is the tie-break's objective
    in natural units."""
    primary = primary if primary is not None else solution
    m, x, sigma = lm.model, lm.x, lm.land_unit
    assert solution.x is not None
    zt = lm.zones.frame
    alloc = np.maximum(solution.x[x.slice], 0.0) * sigma  # x >= 0; drop -0.0 and -1e-12 noise
    if lm.instance.pools.land is not None and lm.instance.pools.land.parcel_mu is not None:
        alloc = np.round(solution.x[x.slice]) * sigma
    request = zt["request_land_mu"].to_numpy()
    area = zt["land_area_mu"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        fulfil = np.where(request > 0, alloc / request, np.nan)

    scale = lm.obj_scale / sigma
    duals = primary.row_duals * scale if primary.row_duals is not None else None
    zone_of_column = land_zone_map(lm)
    bindings, binding_rules, shadow_prices = binding_tables(m, solution.x, duals, sigma,
                                                            f"{lm.objective_unit} per mu", zone_of_column,
                                                            pool_wide_rules(lm.rules))

    allocations = pd.DataFrame({
        "zone": zt["zone"], "name": zt["name"], "city": zt["city"], "level": zt["level"],
        "kind": zt["kind"], "grade": zt["grade"], "score": zt["score"],
        "land_area_mu": area, "request_mu": request, "allocation_mu": alloc, "fulfilment": fulfil,
        "allocation_per_mu": alloc / area,
        "weight": lm.weights if lm.weights is not None else np.full(x.size, np.nan),
        "baseline_mu": lm.baseline_mu if lm.baseline_mu is not None else np.full(x.size, np.nan),
        "binding_rules": binding_rules,
        "shadow_prices": shadow_prices,
    })
    assert primary.objective is not None
    objective = primary.objective * lm.obj_scale
    check = solution.check
    secondary_unit = None
    if secondary is not None:
        secondary_unit = objective_unit(lm.instance.objective.weight, lm.instance) \
            if lm.weights is not None else "mu allocated"
    summary = PlanSummary(
        instance=lm.instance.name, resource="land", synthetic=lm.instance.metadata.synthetic,
        status=solution.status.value, objective=objective, objective_kind=lm.instance.objective.kind,
        objective_unit=lm.objective_unit, backend=solution.backend,
        runtime_s=solution.runtime + (primary.runtime if primary is not solution else 0.0),
        mip_gap=solution.mip_gap, pool_total_mu=lm.pool.total_mu, allocated_mu=float(alloc.sum()),
        zones=x.size, zones_allocated=int((alloc > 1e-9).sum()), land_unit_mu=sigma,
        money_unit=MONEY_LABEL[lm.instance.units.money],
        secondary_objective=secondary,
        secondary_objective_unit=secondary_unit,
        check_max_violation=max(check.max_bound_violation, check.max_row_violation,
                                check.max_integrality_violation) if check else None,
        shape=land_shape(lm, alloc, binding_by_zone(m, solution.x, zone_of_column)),
    )
    return Plan(summary, allocations, bindings)


def land_shape(lm: LandModel, alloc: np.ndarray, binding: np.ndarray) -> PlanShape:
    """The land plan's shape figures (:class:`~zoneopt.plans.shape.PlanShape`); ``binding``:
    per zone, the binding rules that touch it (:func:`~zoneopt.models.allocation.binding_by_zone`)."""
    zt = lm.zones
    totals = ZoneTotals(sp.identity(zt.size, format="csr"), lm.land_unit, lm.pool.total_mu / lm.land_unit,
                        zt.frame["request_land_mu"].to_numpy(dtype=float))
    rules = [(f"rules[{r}]", rule) for r, rule in enumerate(lm.instance.rules)]
    return pool_shape("land", "mu", zt, alloc, totals, rules, binding, lm.rules)

