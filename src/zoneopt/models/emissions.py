"""Emission-allowance model (排污指标): split each pollutant's pool of allowances freed by regional
reduction across the zones, first to the zones that cut the most energy consumption
(2017 §六(一)); or reallocate a fixed total by zero-sum-gains DEA so that every zone ends on the
efficient frontier.

The mathematics, each rule's policy clause and the units are in ``models/emissions.md``. One
variable block per pollutant (t/yr, scaled); the zone rules are the land model's builders
(:func:`~zoneopt.models.land_quota.add_zone_rules`) on each pollutant's block, every row block
tagged with its rule id (and ``:<pollutant>`` in the block name).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp

from zoneopt.core.model import Model, ModelBuilder, VarBlock
from zoneopt.core.solution import Solution, SolveOptions, Status
from zoneopt.core.solve import DEFAULT_BACKEND
from zoneopt.core.solve import solve as core_solve
from zoneopt.data.requests import emission_requests
from zoneopt.data.zones import ZoneTable
from zoneopt.errors import InstanceError, Issue, NoSolutionError
from zoneopt.evaluation.indicators import indicator, indicator_unit
from zoneopt.evaluation.run import evaluated_table
from zoneopt.instance import MONEY_LABEL, EmissionPools, Fairness, Instance, Priority, Tiers
from zoneopt.instance.indicators import EMISSIONS_PREFIX
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
    row_units,
)
from zoneopt.plans import PoolUse, ResourcePlan, ResourceSummary
from zoneopt.plans.glossary import Phrase, Term, spoken

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


def total_rule(pollutant: str) -> str:
    """The id of a pollutant's pool rule, e.g. ``emissions-total:SO2``."""
    return f"emissions-total:{pollutant}"


@dataclass(frozen=True, eq=False)
class EmissionModel:
    """A built emission model: the core model and what is needed to read a solution back."""

    instance: Instance
    zones: ZoneTable
    model: Model
    pollutants: tuple[str, ...]
    x: tuple[VarBlock, ...]
    """one block per pollutant (zones in order)."""
    units: tuple[float, ...]
    """t per model unit, per pollutant."""
    obj_scale: float
    """natural objective = model objective × obj_scale."""
    objective_unit: str
    weights: FloatArray
    requests: dict[str, FloatArray]
    rules: dict[str, RuleInfo] = field(default_factory=dict)
    allocation: Allocation = field(default_factory=Allocation)
    """the tiered targets, diminishing returns and priority order (models/allocation.py)."""
    totals: tuple[ZoneTotals, ...] = ()
    """each pollutant's zone totals (t per model unit, pool, requests)."""
    zone_rules: tuple[tuple[tuple[str, Any], ...], ...] = ()
    """each pollutant's zone rules (the common ones and its own), with their JSON paths."""

    @property
    def pools(self) -> EmissionPools:
        assert self.instance.pools.emissions is not None
        return self.instance.pools.emissions


def _pools(instance: Instance) -> EmissionPools:
    pools = instance.pools.emissions
    if pools is None:
        raise InstanceError([Issue("pools.emissions", "the emission model needs emission pools "
                                   "(pools.emissions.pollutants.<name>.total_t)")])
    return pools


def build_emission_model(instance: Instance) -> EmissionModel:
    """Build the emission-allowance model (objective ``priority``). Raises
    :class:`InstanceError` without emission pools, or when a zone lacks data a rule or the
    objective needs (e.g. ``metrics.energy_reduction_tce``)."""
    pools = _pools(instance)
    zt = evaluated_table(instance)
    n, ids = zt.size, zt.ids
    pollutants = tuple(pools.pollutants)
    b = ModelBuilder(f"emissions:{instance.name}", "max")
    info: dict[str, RuleInfo] = {}
    blocks: list[VarBlock] = []
    units: list[float] = []
    requests: dict[str, FloatArray] = {}
    excluded_all = np.ones(n, dtype=bool)
    common = [(f"pools.emissions.rules[{r}]", rule) for r, rule in enumerate(pools.rules)]
    all_totals, all_rules, all_excluded = [], [], []
    for p in pollutants:  # a loop over pollutants, not zones
        pool = pools.pollutants[p]
        request = emission_requests(instance, p)
        sigma = model_unit(pool.total_t, request)
        Q = pool.total_t / sigma
        x = b.add_vars(f"x:{p}", n, lb=0.0, labels=ids.tolist())
        totals = ZoneTotals(identity_block(n, x.start), sigma, Q, request, f":{p}")
        add_pool_row(b, total_rule(p), totals, exact=pool.exact, source=pool.source, info=info,
                     note=f"{p} allowances freed by regional reduction")
        own = [(f"pools.emissions.pollutants.{p}.rules[{r}]", rl) for r, rl in enumerate(pool.rules)]
        excluded = add_zone_rules(b, common + own, totals, instance, zt, info)
        excluded_all &= excluded
        blocks.append(x)
        units.append(sigma)
        requests[p] = request
        all_totals.append(totals)
        all_rules.append(tuple(common + own))
        all_excluded.append(excluded)

    obj = pools.objective
    where = "pools.emissions.objective.weight"
    if obj.kind == "priority":
        weights = indicator(instance, obj.weight, field=where, among=~excluded_all, table=zt)
        weights = np.where(excluded_all, np.nan_to_num(weights, nan=0.0), weights)
        if (weights < 0).any():
            raise InstanceError([Issue(where, f"indicator {obj.weight!r} has negative values")])
        unit = f"{indicator_unit(obj.weight, instance)} × pool share"
    else:
        weights = np.zeros(n)
        unit = FAIRNESS_UNIT if obj.kind == "fairness" else f"pool share {TIERED_UNIT}"
    # Natural objective Σ_k π_k Σ_i w_i x_ik / Q_k; per model unit of x_k: π_k w_i σ_k / Q_k.
    per_unit = [obj.pollutant_weights.get(p, 1.0) * weights * units[k] / pools.pollutants[p].total_t
                for k, p in enumerate(pollutants)]
    scale = (max(float(c.max(initial=0.0)) for c in per_unit) or 1.0) if obj.kind == "priority" else 1.0
    alloc = _allocation(b, instance, zt, blocks, per_unit, scale, all_totals, all_rules, all_excluded, excluded_all)
    if obj.kind == "lexicographic" and alloc.order is not None:
        weights = indicator(instance, (obj.priority or Priority()).measure,
                            field="pools.emissions.objective.priority.measure",
                            among=np.zeros(n, dtype=bool), table=zt)
    model = b.build(objective_scale=scale, objective_unit=unit)  # the checker reports in plan units
    return EmissionModel(instance, zt, model, pollutants, tuple(blocks), tuple(units), scale, unit,
                         weights, requests, info, alloc, tuple(all_totals), tuple(all_rules))


def _allocation(b: ModelBuilder, instance: Instance, zt: ZoneTable, blocks: list[VarBlock],
                per_unit: list[FloatArray], scale: float, totals: list[ZoneTotals], rules: list[tuple[Any, ...]],
                excluded: list[BoolArray], excluded_all: BoolArray) -> Allocation:
    """Each pollutant's objective on its block: the priority weights (with diminishing
    returns), or the tiered target (weight π_k/Q_k, so each pollutant counts by its pool
    share) after the priority zones (models/allocation.py)."""
    pools = instance.pools.emissions
    assert pools is not None
    obj = pools.objective
    order = None
    if obj.kind == "lexicographic":
        order = priority_order(instance, zt, obj.priority, ~excluded_all, "pools.emissions.objective")
    terms, caps, segments = [], [], []
    for k, (x, p) in enumerate(zip(blocks, pools.pollutants, strict=True)):  # a loop over pollutants
        tiered = obj.kind in ("tiered", "lexicographic")
        weight = obj.pollutant_weights.get(p, 1.0) / totals[k].pool if tiered else 0.0
        bo = block_objective(b, instance, zt, x, totals[k], rules[k], excluded[k], per_unit[k] / scale,
                             tiered_weight=weight, tiers=obj.tiers,
                             diminishing=obj.diminishing if obj.kind == "priority" else None,
                             priority_zones=order, where="pools.emissions.objective", fairness=obj.fairness,
                             fairness_weight=obj.pollutant_weights.get(p, 1.0) if obj.kind == "fairness" else 0.0)
        b.set_obj(x, bo.coef)
        terms += [bo.term] if bo.term is not None else []
        segments += [bo.segments] if bo.segments is not None else []
        caps.append(bo.cap)
    cap = np.column_stack(caps)[order] if order is not None else None
    return Allocation(tuple(blocks), tuple(terms), order, cap, tuple(segments))


def solve_emissions(instance: Instance, backend: str = DEFAULT_BACKEND, *, time_limit: float | None = None,
                    mip_gap: float | None = None, options: SolveOptions | None = None) -> ResourcePlan:
    """Split the emission pools of ``instance`` (objective ``priority``), or reallocate them by
    zero-sum-gains DEA (``zsg_dea``); return the checked plan, allocations in t/yr.

    Raises :class:`~zoneopt.errors.InfeasibleError` (exit code 3) naming the conflicting
    rules, :class:`~zoneopt.errors.NoSolutionError` (4) when the solver stops without a
    solution, :class:`InstanceError` (2) for missing data."""
    opts = SolveOptions.merged(options, time_limit=time_limit, mip_gap=mip_gap)
    if _pools(instance).objective.kind == "zsg_dea":
        return solve_zsg_dea(instance, backend, options=opts)
    em = build_emission_model(instance)
    served = run_priority(em.model, em.allocation, backend, opts, f"emission plan for {instance.name!r}")
    solution = core_solve(served.model, backend, options=opts)
    solution = replace(solution, runtime=solution.runtime + served.runtime_s)
    starts = [x.start for x in em.x]
    raise_for_status(solution, em.model, f"emission plan for {instance.name!r}",
                     row_scale=row_units(em.model, starts, em.units), unit="t", rules=em.rules,
                     time_limit=opts.time_limit)
    return plan_from_solution(em, solution)


def emission_zone_map(em: EmissionModel) -> sp.csr_matrix:
    """Model columns × zones: each pollutant's allowance of zone i counts for zone i (what the
    plan's and explain's binding rules per zone read)."""
    n = em.zones.size
    return columns_to_zones(em.model.num_vars, [(x.start, np.arange(n)) for x in em.x], n)


def plan_from_solution(em: EmissionModel, solution: Solution) -> ResourcePlan:
    """The checked solution as a plan: t/yr per zone and pollutant, binding rules, shadow
    prices in objective units per t (LP)."""
    assert solution.x is not None and solution.objective is not None
    m, zt, n = em.model, em.zones, em.zones.size
    table = zone_frame(zt)
    table["weight"] = em.weights
    pools = []
    for x, sigma, p in zip(em.x, em.units, em.pollutants, strict=True):
        alloc = np.maximum(solution.x[x.slice], 0.0) * sigma
        table[f"{p}_t"] = alloc
        table[f"request_{p}_t"] = em.requests[p]
        pools.append(PoolUse(pool=p, rule=total_rule(p), unit="t/yr", total=em.pools.pollutants[p].total_t,
                             allocated=float(alloc.sum())))
    unit_of_row = row_units(m, [x.start for x in em.x], em.units)
    duals = solution.row_duals * em.obj_scale / unit_of_row if solution.row_duals is not None else None
    zone_map = emission_zone_map(em)
    bindings, table["binding_rules"], table["shadow_prices"] = binding_tables(
        m, solution.x, duals, unit_of_row, f"{em.objective_unit} per t", zone_map, pool_wide_rules(em.rules))
    shapes = []
    for k, p in enumerate(em.pollutants):  # each pollutant's rules that hold its zones, zone by zone
        own = columns_to_zones(m.num_vars, [(em.x[k].start, np.arange(n))], n)
        shapes.append(pool_shape(p, "t/yr", zt, table[f"{p}_t"].to_numpy(), em.totals[k], em.zone_rules[k],
                                 binding_by_zone(m, solution.x, own), em.rules))
    allocated = table[[f"{p}_t" for p in em.pollutants]].to_numpy().sum(axis=1)
    summary = ResourceSummary(
        instance=em.instance.name, resource="emissions", method="lp", synthetic=em.instance.metadata.synthetic,
        status=solution.status.value, objective=solution.objective * em.obj_scale,
        objective_kind=em.pools.objective.kind,
        objective_unit=em.objective_unit, backend=solution.backend, runtime_s=solution.runtime,
        mip_gap=solution.mip_gap, zones=n, zones_allocated=int((allocated > 1e-9).sum()), pools=pools,
        money_unit=MONEY_LABEL[em.instance.units.money], check_max_violation=max_violation(solution),
        notes=_notes(em), shapes=shapes,
    )
    return ResourcePlan(summary, table, bindings)


def _said(name: str) -> Term:
    """An indicator as a :func:`spoken` field: the glossary's word, else its name."""
    return Term(f"indicator.{name}", name)


def unit_said(unit: str) -> Term:
    """An indicator's unit as a :func:`spoken` field: the glossary's word for the few it has
    (``tce/yr``: 吨标准煤/年), else as written."""
    return Term({"tce/yr": "unit.tce", "t/yr": "unit.t", "mu": "unit.mu"}.get(unit, ""), unit)


def _notes(em: EmissionModel) -> list[str]:
    """The objective's notes, from the glossary (:func:`spoken`: said again in a display's language)."""
    obj = em.pools.objective
    if obj.kind == "priority":
        return [spoken("mnote.em.weight", weight=_said(obj.weight),
                       unit=unit_said(indicator_unit(obj.weight, em.instance)))]
    spec = obj.tiers or Tiers()
    tiers = {"by": _said(spec.by) if spec.by != "grade" else Term("col.grade"),
             "base": _said(spec.base) if spec.base != "request" else Term("mnote.em.request")}
    if obj.kind == "tiered":
        return [spoken("mnote.em.tiers", **tiers)]
    if obj.kind == "fairness":
        return [spoken("mnote.em.fairness", accuracy=f"{(obj.fairness or Fairness()).accuracy:g}")]
    order = em.allocation.order if em.allocation.order is not None else np.zeros(0, dtype=np.int64)
    served = ", ".join(em.zones.ids[order].tolist()) or Term("term.none")
    return [spoken("mnote.em.served", measure=_said((obj.priority or Priority()).measure), served=served),
            spoken("mnote.em.rest", tiers=Phrase.of("mnote.em.tiers", **tiers))]


# -- zero-sum-gains DEA ------------------------------------------------------------------------

@dataclass(frozen=True)
class ZSGResult:
    """A zero-sum-gains DEA reallocation of one input: the final allocation, the DEA
    efficiency of every unit before and after, and how many rounds it took."""

    allocation: FloatArray
    start_efficiency: FloatArray
    final_efficiency: FloatArray
    iterations: int
    converged: bool
    runtime_s: float


def dea_efficiency(e: FloatArray, X: FloatArray, Y: FloatArray, backend: str = DEFAULT_BACKEND,
                   options: SolveOptions | None = None) -> tuple[FloatArray, float]:
    """Input-oriented CCR efficiency of each unit in the input ``e`` alone (the other inputs
    ``X`` (units × m) held, outputs ``Y`` (units × s)):

        θ_o = min θ  s.t.  Σ_j λ_j e_j ≤ θ e_o,  Σ_j λ_j X_j ≤ X_o,  Σ_j λ_j Y_j ≥ Y_o,  λ ≥ 0.

    All units' LPs are one block-diagonal LP (n² λ columns, built with ``sp.kron``), solved
    once and checked. Every e must be > 0. Returns θ and the solve time (s)."""
    n = e.size
    # Each quantity over its mean, so the LP's coefficients are near 1.
    def norm(v: FloatArray) -> FloatArray:
        mean = np.abs(v).mean(axis=0)
        return v / np.where(mean > 0, mean, 1.0)
    en, Xn, Yn = norm(e), norm(X.reshape(n, -1)), norm(Y.reshape(n, -1))
    D = np.vstack([en[None, :], Xn.T, Yn.T])  # rows: e, fixed inputs, outputs; columns: units j
    q = D.shape[0]
    b = ModelBuilder("zsg-dea:efficiency", "min")
    theta = b.add_vars("theta", n, lb=0.0, obj=1.0)
    b.add_vars("lambda", n * n, lb=0.0)
    A_lam = sp.kron(sp.identity(n, format="csr"), sp.csr_matrix(D), format="csr")  # block o: rows o*q ..
    A_theta = sp.csr_matrix((-en, (np.arange(n) * q, np.arange(n))), shape=(n * q, n))
    A = sp.hstack([A_theta, A_lam], format="csr")  # columns: θ (n), then λ_o for o = 1..n
    m = Xn.shape[1]
    lo = np.full((n, q), -np.inf)
    hi = np.full((n, q), np.inf)
    hi[:, 0] = 0.0          # Σ_j λ_j e_j − θ_o e_o ≤ 0
    hi[:, 1:1 + m] = Xn     # Σ_j λ_j X_j ≤ X_o
    lo[:, 1 + m:] = Yn      # Σ_j λ_j Y_j ≥ Y_o
    b.add_rows("dea", A, lb=lo.reshape(-1), ub=hi.reshape(-1), labels=None)
    sol = core_solve(b.build(), backend, options=options)
    if sol.status is not Status.OPTIMAL or sol.x is None:
        raise NoSolutionError(f"DEA efficiency LP ended {sol.status.value} ({sol.message})")
    return np.minimum(sol.x[theta.slice], 1.0), sol.runtime


def zsg_reallocate(start: FloatArray, X: FloatArray, Y: FloatArray, backend: str = DEFAULT_BACKEND, *,
                   max_iterations: int = 200, tolerance: float = 1e-6,
                   options: SolveOptions | None = None) -> ZSGResult:
    """Reallocate a fixed total of the input ``start`` (one value per unit, > 0) so that every
    unit is DEA-efficient, with the zero-sum-gains proportional strategy (Lins, Gomes, Soares
    de Mello & Soares de Mello 2003; Gomes & Lins 2008): in each round a unit with efficiency
    θ_o < 1 gives up (1 − θ_o)·e_o, shared among the others in proportion to what they hold,

        e'_j = θ_j e_j + e_j · Σ_{o≠j} (1 − θ_o) e_o / (E − e_o),   E = Σ_j e_j,

    which keeps Σ e' = E; rounds repeat until every θ ≥ 1 − ``tolerance`` (models/emissions.md)."""
    e = np.asarray(start, dtype=float).copy()
    E = float(e.sum())
    first = None
    runtime = 0.0
    for it in range(1, max_iterations + 1):
        theta, t = dea_efficiency(e, X, Y, backend, options)
        runtime += t
        if first is None:
            first = theta
        if float((1.0 - theta).max()) <= tolerance:
            return ZSGResult(e, first, theta, it - 1, True, runtime)
        d = (1.0 - theta) * e / np.maximum(E - e, 1e-300)
        e = theta * e + e * (d.sum() - d)
        e *= E / e.sum()  # round-off only: the update keeps the total
    theta, t = dea_efficiency(e, X, Y, backend, options)
    assert first is not None
    return ZSGResult(e, first, theta, max_iterations, bool((1.0 - theta).max() <= tolerance), runtime + t)


def solve_zsg_dea(instance: Instance, backend: str = DEFAULT_BACKEND, *,
                  options: SolveOptions | None = None) -> ResourcePlan:
    """The zero-sum-gains DEA reallocation of each pollutant (``objective.kind: zsg_dea``):
    the total (the pool shared in proportion to current emissions, or the current emissions)
    moves between zones until each is efficient with ``dea_inputs`` + its allowance as inputs
    and ``dea_outputs`` as outputs. Zones emitting nothing of a pollutant keep nothing. Rules
    are not applied (the plan notes how many there are). Status ``feasible`` when a pollutant
    did not converge within ``max_iterations``."""
    pools = _pools(instance)
    obj = pools.objective
    zt = evaluated_table(instance)
    n = zt.size
    X = np.column_stack([indicator(instance, name, field=f"pools.emissions.objective.dea_inputs[{j}]", table=zt)
                         for j, name in enumerate(obj.dea_inputs)]) if obj.dea_inputs else np.zeros((n, 0))
    Y = np.column_stack([indicator(instance, name, field=f"pools.emissions.objective.dea_outputs[{j}]", table=zt)
                         for j, name in enumerate(obj.dea_outputs)])
    table = zone_frame(zt)
    pools_used, notes = [], []
    converged, runtime, lowest = True, 0.0, 1.0
    for p, pool in pools.pollutants.items():  # a loop over pollutants
        column = EMISSIONS_PREFIX + p
        current = zt.frame[column].to_numpy(dtype=float) if column in zt.frame else np.full(n, np.nan)
        if np.isnan(current).any():
            raise InstanceError([Issue(f"zones[{k}].metrics.emissions_t.{p}",
                                       f"zone {zt.ids[k]!r} reports no {p} emissions, needed by the ZSG-DEA "
                                       "reallocation (pools.emissions.objective.kind = 'zsg_dea')")
                                 for k in np.flatnonzero(np.isnan(current))])
        if current.sum() <= 0:
            raise InstanceError([Issue(f"pools.emissions.pollutants.{p}",
                                       f"no zone emits any {p}: nothing to reallocate")])
        start = current if obj.dea_start == "current" else pool.total_t * current / current.sum()
        active = start > 0
        res = zsg_reallocate(start[active], X[active], Y[active], backend, max_iterations=obj.max_iterations,
                             options=options)
        alloc = np.zeros(n)
        alloc[active] = res.allocation
        for name, values in ((f"start_{p}_t", start), (f"{p}_t", alloc)):
            table[name] = values
        for name, values in ((f"efficiency_start_{p}", res.start_efficiency),
                             (f"efficiency_{p}", res.final_efficiency)):
            col = np.full(n, np.nan)
            col[active] = values
            table[name] = col
        pools_used.append(PoolUse(pool=p, rule=total_rule(p), unit="t/yr", total=float(start.sum()),
                                  allocated=float(alloc.sum())))
        notes.append(f"{p}: {res.iterations} rounds, efficiency {res.start_efficiency.min():.4g} → "
                     f"{res.final_efficiency.min():.6g} (lowest zone)" + ("" if res.converged else ", NOT converged"))
        converged &= res.converged
        runtime += res.runtime_s
        lowest = min(lowest, float(res.final_efficiency.min()))
    n_rules = len(pools.rules) + sum(len(pp.rules) for pp in pools.pollutants.values())
    if n_rules:
        notes.append(f"{n_rules} emission rule(s) not applied: the ZSG-DEA reallocation is a formula, not an "
                     "optimisation over the rules")
    table["binding_rules"] = ""
    allocated = table[[f"{p}_t" for p in pools.pollutants]].to_numpy().sum(axis=1)
    summary = ResourceSummary(
        instance=instance.name, resource="emissions", method="zsg-dea", synthetic=instance.metadata.synthetic,
        status="optimal" if converged else "feasible", objective=lowest, objective_kind="zsg_dea",
        objective_unit="lowest DEA efficiency after reallocation", backend=backend, runtime_s=runtime,
        mip_gap=None, zones=n, zones_allocated=int((allocated > 1e-9).sum()), pools=pools_used,
        money_unit=MONEY_LABEL[instance.units.money], notes=notes,
    )
    bindings = pd.DataFrame(columns=["rule", "source", "row", "side", "bound", "shadow_price", "unit"])
    return ResourcePlan(summary, table, bindings)


__all__ = ["EmissionModel", "build_emission_model", "solve_emissions", "plan_from_solution", "total_rule",
           "ZSGResult", "dea_efficiency", "zsg_reallocate", "solve_zsg_dea", "emission_zone_map"]


def emission_resource_model(instance: Instance) -> ResourceModel:
    """The emission model of ``instance`` with its units (t; row labels name the pollutant), or,
    for the ZSG-DEA reallocation (a formula over DEA efficiency LPs, no rule model), its data
    checked without solving."""
    pools = instance.pools.emissions
    if pools is not None and pools.objective.kind == "zsg_dea":
        return ResourceModel("emissions", None, None, 1.0, "t", None, {}, "zsg-dea", _zsg_data(instance))
    em = build_emission_model(instance)
    scale = row_units(em.model, [x.start for x in em.x], em.units)
    columns = tuple(ZoneColumns(p, x.start, sigma, total_rule(p), em.pools.pollutants[p].total_t,
                                em.pools.pollutants[p].source, em.requests[p])
                    for p, x, sigma in zip(em.pollutants, em.x, em.units, strict=True))
    return ResourceModel("emissions", em, em.model, scale, "t", None, em.rules, "lp",
                         **model_note("mnote.pollutants", n=len(em.pollutants), names=", ".join(em.pollutants)),
                         qualify_labels=True,
                         zone_columns=columns, obj_scale=em.obj_scale,
                         plan_from_solution=partial(plan_from_solution, em))


def _zsg_data(instance: Instance) -> str:
    """Check the data the ZSG-DEA reallocation reads (its inputs, outputs and each pollutant's
    current emissions) without solving; raise :class:`InstanceError` naming what is missing."""
    pools = instance.pools.emissions
    assert pools is not None
    obj = pools.objective
    zt = evaluated_table(instance)
    for kind, names in (("dea_inputs", obj.dea_inputs), ("dea_outputs", obj.dea_outputs)):
        for j, name in enumerate(names):  # a loop over the DEA's few inputs and outputs
            indicator(instance, name, field=f"pools.emissions.objective.{kind}[{j}]", table=zt)
    issues = []
    for p in pools.pollutants:  # a loop over pollutants
        column = EMISSIONS_PREFIX + p
        current = zt.frame[column].to_numpy(dtype=float) if column in zt.frame else np.full(zt.size, np.nan)
        issues += [Issue(f"zones[{k}].metrics.emissions_t.{p}",
                         f"zone {zt.ids[k]!r} reports no {p} emissions, needed by the ZSG-DEA reallocation "
                         "(pools.emissions.objective.kind = 'zsg_dea')") for k in np.flatnonzero(np.isnan(current))]
    if issues:
        raise InstanceError(issues)
    return (f"ZSG-DEA reallocation of {len(pools.pollutants)} pollutant(s): a formula over DEA efficiency LPs, "
            "no rule model")


