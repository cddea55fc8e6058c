"""Fund-disbursement model (基金投放): split the year's budget of the zone investment funds
(产业集聚区投资发展基金, 2017 §十(三); 产业发展引导基金, 2022 第三章 专栏二) across the zones, as
equity that co-finances each zone's declared investment.

The mathematics, each rule's clause and the units are in ``models/funds.md``. One variable per
zone (money, scaled; whole tranches make it a MIP); the zone rules are the land model's
builders (:func:`~zoneopt.models.land_quota.add_zone_rules`), plus the leverage cap
fund ≤ α × investment.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from zoneopt.core.model import Model, ModelBuilder, VarBlock
from zoneopt.core.solution import Solution, SolveOptions
from zoneopt.core.solve import DEFAULT_BACKEND
from zoneopt.core.solve import solve as core_solve
from zoneopt.data.requests import fund_requests, sector_priority, zone_tags
from zoneopt.data.zones import ZoneTable
from zoneopt.errors import InstanceError, Issue
from zoneopt.evaluation.indicators import indicator, indicator_unit
from zoneopt.evaluation.run import evaluated_table
from zoneopt.instance import MONEY_LABEL, FundPool, Instance, LeverageCap
from zoneopt.models.allocation import (
    FAIRNESS_UNIT,
    TIERED_UNIT,
    Allocation,
    binding_by_zone,
    block_objective,
    pool_shape,
    priority_order,
    run_priority,
)
from zoneopt.models.outcome import ResourceModel, ZoneColumns, max_violation, model_note, raise_for_status, zone_frame
from zoneopt.models.rules import (
    RuleInfo,
    ZoneTotals,
    add_pool_row,
    add_zone_rules,
    binding_tables,
    columns_to_zones,
    identity_block,
    model_unit,
    pool_wide_rules,
)
from zoneopt.plans import PoolUse, ResourcePlan, ResourceSummary
from zoneopt.plans.glossary import spoken

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
TOTAL_RULE = "funds-total"


@dataclass(frozen=True, eq=False)
class FundModel:
    """A built fund model: the core model and what is needed to read a solution back."""

    instance: Instance
    zones: ZoneTable
    model: Model
    f: VarBlock
    unit: float
    """money per model unit (the tranche, when there is one)."""
    obj_scale: float
    """natural objective = model objective × obj_scale."""
    objective_unit: str
    weights: FloatArray
    """objective weight per unit of money, sector priority included."""
    priority: FloatArray
    request: FloatArray
    investment: FloatArray
    expected_tax: FloatArray
    rules: dict[str, RuleInfo] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    allocation: Allocation = field(default_factory=Allocation)
    """the tiered target, diminishing returns and priority order (models/allocation.py)."""
    totals: ZoneTotals | None = None
    zone_rules: tuple[tuple[str, Any], ...] = ()

    @property
    def pool(self) -> FundPool:
        assert self.instance.pools.funds is not None
        return self.instance.pools.funds


def fund_pool(instance: Instance) -> FundPool:
    """The instance's fund pool; :class:`InstanceError` when it has none."""
    pool = instance.pools.funds
    if pool is None:
        raise InstanceError([Issue("pools.funds", "the fund model needs a fund budget (pools.funds.budget)")])
    return pool


def leverage_rows(b: ModelBuilder, rule: LeverageCap, E: sp.csr_matrix, investment: FloatArray, mask: BoolArray,
                  sigma: float, labels: list[str]) -> None:
    """Fund ≤ α × investment for each unit in ``mask`` (``E`` its fund rows in model units of
    ``sigma``); a unit without an investment figure gets nothing under the rule."""
    idx = np.flatnonzero(mask)
    cap = rule.alpha * np.nan_to_num(investment[idx], nan=0.0) / sigma
    b.add_rows(rule.id, E[idx], ub=cap, rule=rule.id, source=rule.cited, labels=[labels[i] for i in idx])


def objective_weights(instance: Instance, zt: ZoneTable, request: FloatArray, investment: FloatArray,
                      expected_tax: FloatArray, needs: BoolArray) -> tuple[FloatArray, str]:
    """Objective weight per unit of money of each zone (before sector priority) and the
    objective's unit: investment co-financed per yuan of fund (I/R), expected tax per yuan
    (T/R), or the score. Only zones in ``needs`` (not excluded) must have the data."""
    pool = fund_pool(instance)
    kind = pool.objective.kind
    money = MONEY_LABEL[instance.units.money]
    asked = np.nan_to_num(request, nan=0.0) > 0
    if kind == "score":
        where = "pools.funds.objective.weight"
        w = indicator(instance, pool.objective.weight, field=where, among=needs, table=zt)
        w = np.where(needs, w, np.nan_to_num(w, nan=0.0))
        if (w < 0).any():
            raise InstanceError([Issue(where, f"indicator {pool.objective.weight!r} has negative values")])
        return w, f"{indicator_unit(pool.objective.weight, instance)} × {money}"
    value, field_name, what = ((investment, "investment", f"{money} of investment co-financed") if kind == "leverage"
                               else (expected_tax, "expected_tax", f"{money}/yr of expected tax"))
    missing = needs & asked & np.isnan(value)
    if missing.any():
        raise InstanceError([Issue(f"zones[{k}].requests.funds.{field_name}",
                                   f"zone {zt.ids[k]!r} asks for funds but gives no {field_name}, needed by "
                                   f"pools.funds.objective.kind = {kind!r}") for k in np.flatnonzero(missing)])
    with np.errstate(divide="ignore", invalid="ignore"):
        w = np.where(asked, np.nan_to_num(value, nan=0.0) / np.where(asked, request, 1.0), 0.0)
    return w, what


def build_fund_model(instance: Instance) -> FundModel:
    """Build the fund-disbursement model. Raises :class:`InstanceError` without a fund pool
    or when a zone lacks data a rule or the objective needs."""
    pool = fund_pool(instance)
    zt = evaluated_table(instance)
    n, ids = zt.size, zt.ids
    request, investment, expected_tax = fund_requests(instance)
    sigma = model_unit(pool.budget, request, pool.tranche)
    B = pool.budget / sigma
    b = ModelBuilder(f"funds:{instance.name}", "max")
    f = b.add_vars("f", n, lb=0.0, integer=pool.tranche is not None, labels=ids.tolist())
    E = identity_block(n, f.start)
    totals = ZoneTotals(E, sigma, B, request)
    info: dict[str, RuleInfo] = {}
    add_pool_row(b, TOTAL_RULE, totals, exact=pool.exact, source=pool.source, info=info, note="the year's fund budget")
    rules = [(f"pools.funds.rules[{r}]", rule) for r, rule in enumerate(pool.rules)]
    excluded = add_zone_rules(b, rules, totals, instance, zt, info)
    notes = []
    for _, rule in rules:
        if isinstance(rule, LeverageCap):
            if rule.per == "zone":
                leverage_rows(b, rule, E, investment, zt.select(rule.select), sigma, ids.tolist())
            else:
                notes.append(f"rule {rule.id!r} caps funds per project: it applies in the portfolio only")

    kind = pool.objective.kind
    priority = sector_priority(pool, zone_tags(instance))
    if kind in ("tiered", "lexicographic"):
        weights, unit, scale = np.zeros(n), f"{MONEY_LABEL[instance.units.money]} {TIERED_UNIT}", sigma
    elif kind == "fairness":
        weights, unit, scale = np.zeros(n), FAIRNESS_UNIT, 1.0
    else:
        w, unit = objective_weights(instance, zt, request, investment, expected_tax, ~excluded)
        weights = w * priority
        if (priority != 1).any():
            unit += " (sector-priority weighted)"
        scale = float(weights.max(initial=0.0)) * sigma or 1.0
    order = None
    if kind == "lexicographic":
        assert pool.objective.priority is not None
        order = priority_order(instance, zt, pool.objective.priority, ~excluded, "pools.funds.objective")
    bo = block_objective(b, instance, zt, f, totals, rules, excluded, weights * sigma / scale,
                         tiered_weight=1.0 if kind in ("tiered", "lexicographic") else 0.0,
                         tiers=pool.objective.tiers, diminishing=pool.objective.diminishing,
                         priority_zones=order, where="pools.funds.objective", integer=pool.tranche is not None,
                         fairness=pool.objective.fairness, fairness_weight=1.0 if kind == "fairness" else 0.0)
    b.set_obj(f, bo.coef)
    alloc = Allocation((f,), (bo.term,) if bo.term else (), order,
                       bo.cap[order][:, None] if order is not None else None,
                       (bo.segments,) if bo.segments else ())
    model = b.build(objective_scale=scale, objective_unit=unit)  # the checker reports in plan units
    return FundModel(instance, zt, model, f, sigma, scale, unit, weights, priority, request, investment,
                     expected_tax, info, tuple(notes), alloc, totals, tuple(rules))


def solve_funds(instance: Instance, backend: str = DEFAULT_BACKEND, *, time_limit: float | None = None,
                mip_gap: float | None = None, options: SolveOptions | None = None) -> ResourcePlan:
    """Build and solve the fund model of ``instance``; return the checked plan (money unit).

    Raises :class:`~zoneopt.errors.InfeasibleError` (exit code 3) naming the conflicting
    rules, :class:`~zoneopt.errors.NoSolutionError` (4) when the solver stops without a
    solution, :class:`InstanceError` (2) for missing data."""
    fm = build_fund_model(instance)
    opts = SolveOptions.merged(options, time_limit=time_limit, mip_gap=mip_gap)
    served = run_priority(fm.model, fm.allocation, backend, opts, f"fund plan for {instance.name!r}")
    solution = core_solve(served.model, backend, options=opts)
    solution = replace(solution, runtime=solution.runtime + served.runtime_s)
    raise_for_status(solution, fm.model, f"fund plan for {instance.name!r}", row_scale=fm.unit,
                     unit=MONEY_LABEL[instance.units.money], rules=fm.rules, time_limit=opts.time_limit)
    return plan_from_solution(fm, solution)


def fund_zone_map(fm: FundModel) -> sp.csr_matrix:
    """Model columns × zones: zone i's funds count for zone i."""
    n = fm.zones.size
    return columns_to_zones(fm.model.num_vars, [(fm.f.start, np.arange(n))], n)


def plan_from_solution(fm: FundModel, solution: Solution) -> ResourcePlan:
    """The checked solution as a plan: funds per zone (money unit), tranches, leverage (fund /
    investment), binding rules, shadow prices in objective units per unit of money (LP)."""
    assert solution.x is not None and solution.objective is not None
    m, n = fm.model, fm.zones.size
    money = MONEY_LABEL[fm.instance.units.money]
    raw = solution.x[fm.f.slice]
    alloc = (np.round(raw) if fm.pool.tranche is not None else np.maximum(raw, 0.0)) * fm.unit
    table = zone_frame(fm.zones)
    table["request_funds"] = fm.request
    table["investment"] = fm.investment
    table["expected_tax"] = fm.expected_tax
    table["priority"] = fm.priority
    table["weight"] = fm.weights
    table["funds"] = alloc
    if fm.pool.tranche is not None:
        table["tranches"] = np.round(raw).astype(int)
    with np.errstate(divide="ignore", invalid="ignore"):
        table["leverage"] = np.where(fm.investment > 0, alloc / fm.investment, np.nan)
    duals = solution.row_duals * fm.obj_scale / fm.unit if solution.row_duals is not None else None
    zone_map = fund_zone_map(fm)
    bindings, table["binding_rules"], table["shadow_prices"] = binding_tables(
        m, solution.x, duals, fm.unit, f"{fm.objective_unit} per {money}", zone_map, pool_wide_rules(fm.rules))
    assert fm.totals is not None
    shape = pool_shape("funds", money, fm.zones, alloc, fm.totals, fm.zone_rules,
                       binding_by_zone(m, solution.x, zone_map), fm.rules)
    summary = ResourceSummary(
        instance=fm.instance.name, resource="funds", method="mip" if m.is_mip else "lp",
        synthetic=fm.instance.metadata.synthetic, status=solution.status.value,
        objective=solution.objective * fm.obj_scale, objective_kind=fm.pool.objective.kind,
        objective_unit=fm.objective_unit, backend=solution.backend, runtime_s=solution.runtime,
        mip_gap=solution.mip_gap, zones=n, zones_allocated=int((alloc > 1e-9).sum()),
        pools=[PoolUse(pool="funds", rule=TOTAL_RULE, unit=money, total=fm.pool.budget, allocated=float(alloc.sum()))],
        money_unit=money, check_max_violation=max_violation(solution),
        notes=([spoken("mnote.tranche", unit=f"{fm.pool.tranche:g}", money=money)] if fm.pool.tranche is not None
               else []) + list(fm.notes),
        shapes=[shape],
    )
    return ResourcePlan(summary, table, bindings)


__all__ = ["FundModel", "build_fund_model", "solve_funds", "plan_from_solution", "fund_pool", "leverage_rows",
           "objective_weights", "TOTAL_RULE", "fund_zone_map"]


def fund_resource_model(instance: Instance) -> ResourceModel:
    """The fund model of ``instance`` with its units (the money unit, or whole tranches)."""
    fm = build_fund_model(instance)
    money = MONEY_LABEL[instance.units.money]
    note = model_note("mnote.tranche" if fm.pool.tranche is not None else "mnote.money_unit", unit=f"{fm.unit:g}",
                      money=money)
    pool = ZoneColumns("funds", fm.f.start, fm.unit, TOTAL_RULE, fm.pool.budget, fm.pool.source, fm.request,
                       integral=fm.pool.tranche is not None)
    return ResourceModel("funds", fm, fm.model, fm.unit, money, None, fm.rules,
                         "mip" if fm.model.is_mip else "lp", **note, zone_columns=(pool,), obj_scale=fm.obj_scale,
                         plan_from_solution=partial(plan_from_solution, fm))
