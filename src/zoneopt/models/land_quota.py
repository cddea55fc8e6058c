"""Land-quota model (新增建设用地指标): split the land pool across zones.

The mathematics, each rule's policy clause and the units are in ``models/land-quota.md``.
Every row block carries the id of the rule that made it; all blocks are built from arrays
(selector masks, sparse group membership), never one Python object per zone.

Scaling: the solver sees land in units of ``land_unit`` mu (the parcel size for a parcel
model, else a power of ten no larger than the mean share of the pool or the median request)
and an objective divided by
``obj_scale`` so its largest coefficient is about 1. Plans report mu and natural units.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp

from zoneopt.core.model import Model, ModelBuilder, Sense, VarBlock
from zoneopt.core.solution import Solution, SolveOptions, Status
from zoneopt.core.solve import DEFAULT_BACKEND
from zoneopt.core.solve import solve as core_solve
from zoneopt.core.diagnose import Diagnosis, diagnose
from zoneopt.errors import InfeasibleError, InstanceError, Issue, NoSolutionError, UnboundedError, ZoneoptError
from zoneopt.evaluation.indicators import indicator, objective_unit
from zoneopt.instance import (
    MONEY_LABEL,
    ExcludeRule,
    GroupBounds,
    GroupBoundsRule,
    Instance,
    LandPool,
    Lock,
    LockRule,
    RequestCapRule,
    TiltRule,
    ZoneBounds,
    ZoneBoundsRule,
)
from zoneopt.plans import Plan, PlanSummary
from zoneopt.data.zones import ZoneTable

FloatArray = npt.NDArray[np.float64]
TOTAL_RULE = "land-total"


@dataclass(frozen=True)
class RuleInfo:
    id: str
    type: str
    source: str | None
    note: str | None = None


@dataclass(frozen=True, eq=False)
class LandModel:
    """A built land model: the core model plus what is needed to read a solution back."""

    instance: Instance
    zones: ZoneTable
    model: Model
    x: VarBlock
    land_unit: float
    """mu per model unit of land."""
    obj_scale: float
    """natural objective = model objective × obj_scale."""
    objective_unit: str
    weights: FloatArray | None = None
    baseline_mu: FloatArray | None = None
    equity: VarBlock | None = None
    rules: dict[str, RuleInfo] = field(default_factory=dict)

    @property
    def tie_break_scale(self) -> float:
        """natural secondary objective (equity tie-break) = stage-2 objective × this."""
        wmax = float(self.weights.max()) if self.weights is not None else 1.0
        return (wmax or 1.0) * self.land_unit

    @property
    def pool(self) -> LandPool:
        assert self.instance.pools.land is not None
        return self.instance.pools.land


def _land_unit(pool: LandPool, requests: FloatArray) -> float:
    """mu per model unit (see :func:`model_unit`)."""
    return model_unit(pool.total_mu, requests, pool.parcel_mu)


def model_unit(total: float, requests: FloatArray, step: float | None = None) -> float:
    """Natural units (mu, t, money) per model unit of a resource: the whole-step size (parcel,
    tranche) when there is one, else a power of ten no larger than the mean share of the pool
    or the median request (at least 1e-6 of the pool), so typical allocations are 1..100 model
    units and small requests are not lost in the solver's tolerances."""
    if step is not None:
        return float(step)
    typical = total / max(requests.size, 1)
    asked = requests[np.isfinite(requests) & (requests > 0)]
    if asked.size:
        typical = min(typical, float(np.median(asked)))
    floor = 1.0 if total >= 1.0 else total
    return float(10.0 ** math.floor(math.log10(max(typical, floor, 1e-6 * total))))


def build_land_model(instance: Instance) -> LandModel:
    """Build the land-quota model of ``instance``. Raises :class:`InstanceError` when the
    instance has no land pool or lacks data an objective or rule needs."""
    pool = instance.pools.land
    if pool is None:
        raise InstanceError([Issue("pools.land", "the land model needs a land pool (pools.land.total_mu)")])
    zt = ZoneTable.of(instance)
    n = zt.size
    ids = zt.ids
    request = zt.frame["request_land_mu"].to_numpy()
    sigma = _land_unit(pool, request)
    Q = pool.total_mu / sigma
    obj = instance.objective
    sense: Sense = "min" if obj.kind == "baseline" else "max"
    b = ModelBuilder(f"land:{instance.name}", sense)
    x = b.add_vars("x", n, lb=0.0, ub=np.inf, integer=pool.parcel_mu is not None, labels=ids.tolist())
    rules: dict[str, RuleInfo] = {}
    totals = ZoneTotals(sp.identity(n, format="csr"), sigma, Q, request)
    add_pool_row(b, TOTAL_RULE, totals, exact=pool.exact, source=pool.source, info=rules, note="land pool total")
    excluded = add_zone_rules(b, [(f"rules[{r}]", rule) for r, rule in enumerate(instance.rules)], totals,
                              instance, zt, rules)

    return _with_objective(instance, zt, b, x, sigma, rules, request, excluded, Q)


@dataclass(frozen=True)
class ZoneTotals:
    """What the zone rules (zone and group bounds, request caps, exclusions, tilts, locks)
    constrain: each zone's total of one resource, as the rows ``E @ v`` over the model's
    columns, in model units of ``unit`` natural units (mu, t or money) each. The land model's
    totals are its variables (E = I); the emission model's one block per pollutant; the
    portfolio's the sums of the chosen projects' needs. ``suffix`` is appended to the
    row-block names, so one rule can make rows for several resources (every pollutant)."""

    E: sp.csr_matrix
    """zones × model columns (columns beyond its width are zero)."""
    unit: float
    """natural units per model unit."""
    pool: float
    """the pool total, model units."""
    request: FloatArray
    """each zone's request, natural units (NaN: none)."""
    suffix: str = ""


def pad_columns(A: sp.csr_matrix, ncols: int) -> sp.csr_matrix:
    """``A`` widened to ``ncols`` columns (the new ones zero)."""
    A = sp.csr_matrix(A)
    return sp.csr_matrix((A.data, A.indices, A.indptr), shape=(A.shape[0], ncols))


def _amount(rule: Any, name: str) -> Any:
    """A rule's ``floor`` or ``cap`` in natural units: ``<name>_mu`` on a land rule."""
    return getattr(rule, f"{name}_mu") if hasattr(rule, f"{name}_mu") else getattr(rule, name, None)


def add_pool_row(b: ModelBuilder, rule: str, totals: ZoneTotals, *, exact: bool, source: str | None,
                 info: dict[str, RuleInfo], note: str) -> None:
    """The pool rule of a resource: Σ_i total_i ≤ pool (= pool when ``exact``), one row named
    and tagged ``rule``; its :class:`RuleInfo` goes into ``info``."""
    info[rule] = RuleInfo(rule, "pool", source, note)
    b.add_rows(rule, sp.csr_matrix(totals.E.sum(axis=0)), lb=totals.pool if exact else -np.inf, ub=totals.pool,
               rule=rule, source=source, labels=["total"])


def add_zone_rules(b: ModelBuilder, rules: Sequence[tuple[str, Any]], totals: ZoneTotals, instance: Instance,
                   zt: ZoneTable, info: dict[str, RuleInfo] | None = None) -> npt.NDArray[np.bool_]:
    """Add the rows of the zone rules among ``rules`` (``(JSON path, rule)`` pairs) on
    ``totals``, each block tagged with its rule id and source; other rule types are left to
    the caller. ``info`` collects a :class:`RuleInfo` per rule. Returns the mask of zones an
    ``exclude`` rule covers (tilts leave them out of the ordering)."""
    n, ids = zt.size, zt.ids
    E, sigma, request, sfx = totals.E, totals.unit, totals.request, totals.suffix
    excluded = np.zeros(n, dtype=bool)
    for _, rule in rules:
        if isinstance(rule, ExcludeRule):
            excluded |= zt.select(rule.select)
    area = zt.frame["land_area_mu"].to_numpy()
    for where, rule in rules:
        if info is not None:
            info[rule.id] = RuleInfo(rule.id, rule.type, rule.source, rule.note)
        name = rule.id + sfx
        if isinstance(rule, (ZoneBoundsRule, ZoneBounds)):
            mask = zt.select(rule.select)
            floor, cap = _amount(rule, "floor"), _amount(rule, "cap")
            lo = -np.inf if floor is None else floor / sigma
            hi = np.inf if cap is None else cap / sigma
            b.add_rows(name, E[np.flatnonzero(mask)], lb=lo, ub=hi, rule=rule.id,
                       source=rule.source, labels=ids[mask].tolist())
        elif isinstance(rule, RequestCapRule):
            mask = zt.select(rule.select)
            if rule.missing == "unlimited":
                mask &= ~np.isnan(request)
            cap = np.nan_to_num(request, nan=0.0)[mask] * rule.share / sigma
            b.add_rows(name, E[np.flatnonzero(mask)], ub=cap, rule=rule.id, source=rule.source,
                       labels=ids[mask].tolist())
        elif isinstance(rule, ExcludeRule):
            mask = zt.select(rule.select)
            b.add_rows(name, E[np.flatnonzero(mask)], ub=0.0, rule=rule.id, source=rule.source,
                       labels=ids[mask].tolist())
        elif isinstance(rule, (LockRule, Lock)):
            values = rule.values_mu if isinstance(rule, LockRule) else rule.values
            idx = pd.Index(ids).get_indexer(list(values)).astype(np.int64)
            val = np.array(list(values.values()), dtype=float) / sigma
            b.add_rows(name, E[idx], lb=val, ub=val, rule=rule.id, source=rule.source, labels=list(values))
        elif isinstance(rule, (GroupBoundsRule, GroupBounds)):
            _group_rows(b, rule, zt, totals)
        elif isinstance(rule, TiltRule):
            _tilt_rows(b, rule, instance, zt, totals, excluded, area, where)
    return excluded


def _group_rows(b: ModelBuilder, rule: GroupBoundsRule | GroupBounds, zt: ZoneTable, totals: ZoneTotals) -> None:
    names, member = zt.groups(rule.by)
    keep = np.array([g in rule.groups for g in names], dtype=bool) if rule.groups is not None \
        else np.ones(len(names), dtype=bool)
    names = [g for g, k in zip(names, keep, strict=True) if k]
    member = member[np.flatnonzero(keep)]
    if rule.combined:
        member = sp.csr_matrix((member.sum(axis=0) > 0).astype(float))
        names = ["+".join(names)]
    M = sp.csr_matrix(member @ totals.E)  # each group's total, over the model's columns
    sigma, Q, head = totals.unit, totals.pool, rule.id + totals.suffix

    def amounts(value: float | dict[str, float] | None) -> FloatArray | None:
        if value is None:
            return None
        if isinstance(value, dict):
            return np.array([value.get(g, np.nan) for g in names], dtype=float) / sigma
        return np.full(len(names), value / sigma)

    land = isinstance(rule, GroupBoundsRule)
    cap, floor = amounts(_amount(rule, "cap")), amounts(_amount(rule, "floor"))
    if cap is not None:
        has = ~np.isnan(cap)
        b.add_rows(f"{head}:cap{'_mu' if land else ''}", M[np.flatnonzero(has)], ub=cap[has], rule=rule.id,
                   source=rule.source, labels=[g for g, h in zip(names, has, strict=True) if h])
    if floor is not None:
        has = ~np.isnan(floor)
        b.add_rows(f"{head}:floor{'_mu' if land else ''}", M[np.flatnonzero(has)], lb=floor[has], rule=rule.id,
                   source=rule.source, labels=[g for g, h in zip(names, has, strict=True) if h])
    for share, side in ((rule.cap_share, "cap"), (rule.floor_share, "floor")):
        if share is None:
            continue
        if rule.share_of == "pool":
            A, rhs = M, np.full(len(names), share * Q)
        else:  # share of what is allocated: Σ_G x − s·T (≤ or ≥) 0, T = Σ x (sparse rows)
            T = _allocated_total(b, totals)
            k = len(names)
            A = pad_columns(M, T.start + 1) + sp.csr_matrix((np.full(k, -share), (np.arange(k), np.full(k, T.start))),
                                                     shape=(k, T.start + 1))
            rhs = np.zeros(k)
        bounds = {"ub": rhs} if side == "cap" else {"lb": rhs}
        b.add_rows(f"{head}:{side}_share", A, rule=rule.id, source=rule.source, labels=names, **bounds)


def _allocated_total(b: ModelBuilder, totals: ZoneTotals) -> VarBlock:
    """The variable T = Σ of the zone totals (added once per resource), so share-of-allocated
    rows stay sparse."""
    name = "allocated_total" + totals.suffix
    try:
        return next(v for v in b.var_blocks if v.name == name)
    except StopIteration:
        T = b.add_vars(name, 1, lb=0.0)
        A = pad_columns(sp.csr_matrix(totals.E.sum(axis=0)), T.start + 1) \
            + sp.csr_matrix(([-1.0], ([0], [T.start])), shape=(1, T.start + 1))
        b.add_rows(f"{name}:def", A, lb=0.0, ub=0.0, labels=["total"])
        return T


def _tilt_rows(b: ModelBuilder, rule: TiltRule, instance: Instance, zt: ZoneTable, totals: ZoneTotals,
               excluded: npt.NDArray[np.bool_], area: FloatArray, where: str) -> None:
    """Tiers of equal score; one auxiliary level u_k between tier k and k+1 (higher score
    first): x_i/a_i >= u_k for i in tier k, x_j/a_j <= u_k for j in tier k+1 (rows multiplied
    through by a_i). 2n rows, no O(n²) pairs, and equal scores stay unordered."""
    mask = zt.select(rule.select)
    if not rule.include_excluded:
        mask &= ~excluded
    idx = np.flatnonzero(mask)
    if idx.size < 2:
        return
    score = indicator(instance, rule.by, field=f"{where}.by", among=mask, table=zt)[idx]
    levels, tier = np.unique(-score, return_inverse=True)  # tier 0 = highest score
    K = levels.size
    if K < 2:
        return
    # x_i - (a_i/a_ref)·u_k >= 0 keeps coefficient 1 on x, so the solver's row tolerance is a
    # tolerance on land itself, whatever the spread of areas (a_ref: geometric mean area).
    if rule.per == "land_area":
        weight = area[idx] / float(np.exp(np.mean(np.log(area[idx]))))
    else:
        weight = np.ones(idx.size)
    head = rule.id + totals.suffix
    u = b.add_vars(f"{head}:level", K - 1, lb=0.0, ub=np.inf)
    n_all = b.num_vars
    upper = tier < K - 1  # zones of tiers 0..K-2 sit above boundary tier[i]
    lower = tier > 0      # zones of tiers 1..K-1 sit below boundary tier[i]-1
    rows_hi = np.flatnonzero(upper)
    rows_lo = np.flatnonzero(lower)

    def block(members: npt.NDArray[np.int64], boundary: npt.NDArray[np.int64]) -> sp.csr_matrix:
        m = members.size
        levels_part = sp.csr_matrix((-weight[members], (np.arange(m), u.start + boundary)), shape=(m, n_all))
        return sp.csr_matrix(pad_columns(totals.E[idx[members]], n_all) + levels_part)

    labels = zt.ids
    b.add_rows(f"{head}:above", block(rows_hi, tier[rows_hi]), lb=0.0, rule=rule.id,
               source=rule.source, labels=list(labels[idx[rows_hi]]))
    b.add_rows(f"{head}:below", block(rows_lo, tier[rows_lo] - 1), ub=0.0, rule=rule.id,
               source=rule.source, labels=list(labels[idx[rows_lo]]))


def _with_objective(inst: Instance, zt: ZoneTable, b: ModelBuilder, x: VarBlock, sigma: float,
                    rules: dict[str, RuleInfo], request: FloatArray, excluded: npt.NDArray[np.bool_],
                    Q: float) -> LandModel:
    """Add the objective's variables, rows and coefficients, then build."""
    obj = inst.objective
    n = zt.size
    assert inst.pools.land is not None
    parts = {obj.kind: 1.0} if obj.kind != "blend" else dict(obj.blend or {})
    weights = baseline = None
    equity_block = None
    c_x = np.zeros(n)
    obj_scale, unit = 1.0, "score (blend of normalised terms)"

    if obj.kind == "equity":
        try:  # the tie-break prefers efficient zones when the data are there
            weights = indicator(inst, obj.weight, field="objective.weight", table=zt)
        except InstanceError:
            weights = None
    if parts.get("efficiency"):
        weights = indicator(inst, obj.weight, field="objective.weight", table=zt)
        if (weights < 0).any():
            raise InstanceError([Issue("objective.weight", f"indicator {obj.weight!r} has negative values")])
        wmax = float(weights.max()) or 1.0
        if obj.kind == "efficiency":
            obj_scale = wmax * sigma
            unit = objective_unit(obj.weight, inst)
            c_x = weights * sigma / obj_scale
        elif obj.kind == "blend":
            c_x = c_x + parts["efficiency"] * weights / (wmax * Q)
    if parts.get("equity"):
        # Requests below a billionth of the land unit are zero for the solver (a 1e-16 mu
        # request would put a 1e-16 coefficient in the matrix and break simplex codes).
        eligible = ~excluded & (np.nan_to_num(request, nan=0.0) > 1e-9 * sigma)
        if not eligible.any():
            raise InstanceError([Issue("objective.kind",
                                       "equity needs a zone that is not excluded and has requests.land_mu > 0")])
        equity_block = b.add_vars("min_fulfilment", 1, lb=0.0, ub=1.0, obj=parts["equity"])
        idx = np.flatnonzero(eligible)
        m = idx.size
        A = sp.csr_matrix((np.concatenate([np.ones(m), -request[idx] / sigma]),
                           (np.concatenate([np.arange(m)] * 2), np.concatenate([idx, np.full(m, equity_block.start)]))),
                          shape=(m, b.num_vars))
        b.add_rows("equity:fulfilment", A, lb=0.0, labels=zt.ids[idx].tolist())
        if obj.kind == "equity":
            unit = "min fulfilment (share of request)"
    if parts.get("baseline"):
        basis = indicator(inst, obj.baseline_basis, field="objective.baseline_basis", table=zt)
        if (basis < 0).any() or basis.sum() <= 0:
            raise InstanceError([Issue("objective.baseline_basis",
                                       f"indicator {obj.baseline_basis!r} must be >= 0 with a positive total")])
        baseline = inst.pools.land.total_mu * basis / basis.sum()
        weight = 1.0 if obj.kind == "baseline" else -parts["baseline"] / Q
        dev = b.add_vars("deviation", 2 * n, lb=0.0, obj=weight)
        # x_i − d⁺_i + d⁻_i = b_i, so d⁺ + d⁻ >= |x − b| and equals it at an optimum
        rows = np.tile(np.arange(n), 3)
        cols = np.concatenate([np.arange(n), dev.start + np.arange(n), dev.start + n + np.arange(n)])
        vals = np.concatenate([np.ones(n), -np.ones(n), np.ones(n)])
        A = sp.csr_matrix((vals, (rows, cols)), shape=(n, b.num_vars))
        b.add_rows("baseline:deviation", A, lb=baseline / sigma, ub=baseline / sigma,
                   labels=zt.ids.tolist())
        if obj.kind == "baseline":
            obj_scale, unit = sigma, "mu (total |allocation − baseline|)"
    if obj.kind in ("efficiency", "blend"):
        b.set_obj(x, c_x)
    return LandModel(inst, zt, b.build(), x, sigma, obj_scale, unit, weights=weights,
                     baseline_mu=baseline, equity=equity_block, rules=rules)


def efficiency_stage(lm: LandModel, min_fulfilment: float) -> Model:
    """The equity model's second stage: keep the minimum fulfilment at its optimum and
    maximise efficiency among those plans (a lexicographic tie-break)."""
    assert lm.equity is not None
    m = lm.model
    c = np.zeros(m.num_vars)
    w = lm.weights if lm.weights is not None else np.ones(lm.x.size)
    c[lm.x.slice] = w * lm.land_unit / lm.tie_break_scale
    lb = m.lb.copy()
    lb[lm.equity.start] = max(0.0, min_fulfilment - 1e-9)
    return replace(m, c=c, lb=lb, name=m.name + ":tie-break")


# -- solving and reading the answer back ------------------------------------------------------

BINDING_TOLERANCE = 1e-6


def solve_land(instance: Instance, backend: str = DEFAULT_BACKEND, *, time_limit: float | None = None,
               mip_gap: float = 1e-6, options: SolveOptions | None = None) -> Plan:
    """Build and solve the land-quota model of ``instance``; return the checked :class:`Plan`.

    Raises :class:`InfeasibleError` / :class:`UnboundedError` (exit code 3) naming the rules,
    :class:`NoSolutionError` (4) when the solver finds nothing in time, and
    :class:`InstanceError` (2) for data a rule or objective needs but the instance lacks.
    """
    lm = build_land_model(instance)
    from zoneopt.models.presolve import presolve_checks  # the presolve module imports this one
    warnings = [f.message for f in presolve_checks(instance, lm) if f.severity == "warning"]
    opts = options if options is not None else SolveOptions(time_limit=time_limit, mip_gap=mip_gap)
    if options is not None and time_limit is not None:  # an explicit limit wins over the options'
        opts = replace(opts, time_limit=time_limit)
    first = core_solve(lm.model, backend, options=opts)
    raise_for_status(first, lm, time_limit=opts.time_limit)
    final = first
    secondary = None
    if lm.equity is not None and instance.objective.kind == "equity":
        assert first.x is not None
        stage2 = efficiency_stage(lm, float(first.x[lm.equity.start]))
        final = core_solve(stage2, backend, options=opts)
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
    when the full diagnosis (:mod:`zoneopt.analysis.diagnose`) cannot finish, e.g. at a time limit."""
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
    zone_of_column = sp.csr_matrix((np.ones(x.size), (x.start + np.arange(x.size), np.arange(x.size))),
                                   shape=(m.num_vars, x.size))
    bindings, binding_rules, shadow_prices = binding_tables(m, solution.x, duals, sigma,
                                                            f"{lm.objective_unit} per mu", zone_of_column)

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
    )
    return Plan(summary, allocations, bindings)


def binding_tables(m: Model, x: FloatArray, duals: FloatArray | None, row_unit: float | FloatArray,
                   unit: str | npt.NDArray[np.object_], zone_of_column: sp.csr_matrix
                   ) -> tuple[pd.DataFrame, npt.NDArray[np.object_], npt.NDArray[np.object_]]:
    """The rule rows of ``m`` whose finite bound holds at ``x`` (to :data:`BINDING_TOLERANCE`
    in model units), as a plan's bindings table: rule, source, row, side, the bound in natural
    units (model bound × ``row_unit``, a number or one per row), the shadow price (``duals``,
    already in plan units per natural unit; NaN without duals) and its ``unit``. Also, per
    zone, the binding rules whose rows touch it and their shadow prices (``rule=value``, a
    rule with several binding rows for a zone summed), as ``;``-joined strings;
    ``zone_of_column`` (model columns × zones) says which zone each column counts for.
    Loops run over the few rule ids, never over zones or rows."""
    act = m.A @ x
    tol = BINDING_TOLERANCE * np.maximum(1.0, np.abs(np.where(np.isfinite(m.row_ub), m.row_ub, m.row_lb)))
    at_ub = np.isfinite(m.row_ub) & (np.abs(act - m.row_ub) <= tol)
    at_lb = np.isfinite(m.row_lb) & (np.abs(act - m.row_lb) <= tol) & ~at_ub
    block_of = m.row_block_index()
    rule_of_block = np.array([b.rule or "" for b in m.row_blocks] + [""], dtype=object)
    rule_row = rule_of_block[block_of] != ""
    brows = np.flatnonzero((at_ub | at_lb) & rule_row)
    per_row = np.broadcast_to(np.asarray(row_unit, dtype=float), (m.num_rows,))
    unit_col = unit if isinstance(unit, str) else np.asarray(unit, dtype=object)[brows]
    bindings = pd.DataFrame({
        "rule": rule_of_block[block_of[brows]].astype(str),
        "source": np.array([b.source for b in m.row_blocks] + [None], dtype=object)[block_of[brows]],
        "row": m.block_row_names(brows),
        "side": np.where(at_ub[brows],
                         np.where(m.row_lb[brows] == m.row_ub[brows], "equal", "upper"), "lower"),
        "bound": np.where(at_ub[brows], m.row_ub[brows], m.row_lb[brows]) * per_row[brows],
        "shadow_price": duals[brows] if duals is not None else np.full(brows.size, np.nan),
        "unit": unit_col,
    })
    # Zones touched by each binding row, as a zones × rules table.
    n = zone_of_column.shape[1]
    sub = (abs(m.A[brows]) @ zone_of_column).tocoo()
    rule_names, rule_idx = np.unique(rule_of_block[block_of[brows[sub.row]]].astype(str), return_inverse=True)
    touched = np.zeros((n, rule_names.size), dtype=bool)
    touched[sub.col, rule_idx] = True
    price = np.zeros((n, rule_names.size))
    if duals is not None:  # a rule with several binding rows for a zone (tilt) sums them
        np.add.at(price, (sub.col, rule_idx), duals[brows[sub.row]])
    binding_rules = np.full(n, "", dtype=object)
    shadow_prices = np.full(n, "", dtype=object)
    for r, rule in enumerate(rule_names.tolist()):
        on = touched[:, r]
        binding_rules[on] += rule + ";"
        if duals is not None:
            shadow_prices[on] += rule + "=" + np.char.mod("%.6g", price[on, r]).astype(object) + ";"
    return (bindings, pd.Series(binding_rules, dtype=object).str.rstrip(";").to_numpy(),
            pd.Series(shadow_prices, dtype=object).str.rstrip(";").to_numpy())
