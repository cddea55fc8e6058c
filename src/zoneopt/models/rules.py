"""The rule builders every allocation model shares: a pool row, the zone rules (zone and group
bounds, request caps, exclusions, tilts, locks) over any resource's zone totals, the scaling of
a resource into model units, the maps between model columns and zones, and the tables of
binding rules a plan reports. The land, emission, fund, portfolio and multi-year models build
their rows through these; all of them work on whole arrays (selector masks, sparse group
membership), never one Python object per zone. Each rule's mathematics and clause is in
``models/land-quota.md``."""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp

from zoneopt.core.model import Model, ModelBuilder, VarBlock
from zoneopt.data.zones import ZoneTable
from zoneopt.evaluation.indicators import indicator
from zoneopt.instance import (
    ExcludeRule,
    GroupBounds,
    GroupBoundsRule,
    Instance,
    Lock,
    LockRule,
    MinLot,
    MinLotRule,
    RequestCapRule,
    RequestFloorRule,
    TiltRule,
    ZoneBounds,
    ZoneBoundsRule,
)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class RuleInfo:
    id: str
    type: str
    source: str | None
    note: str | None = None


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
        with np.errstate(over="ignore"):  # two requests near 1e308 average to inf: the pool's share wins
            typical = min(typical, float(np.median(asked)))
    floor = 1.0 if total >= 1.0 else total
    # at least 1e-12 of the largest request: requests in model units stay finite under a pool
    # of 5e-324 (which then counts as nothing)
    largest = float(asked.max()) if asked.size else 0.0
    magnitude = max(typical, floor, 1e-6 * total, 1e-12 * largest)
    if not (magnitude > 0 and math.isfinite(magnitude)):  # a zero pool: any unit will do
        return 1.0
    unit = float(10.0 ** math.floor(math.log10(magnitude)))
    return unit if unit > 0 else magnitude  # below the smallest power of ten a float holds (5e-324)


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
                   zt: ZoneTable, info: dict[str, RuleInfo] | None = None,
                   tilts: list[TiltChain] | None = None) -> npt.NDArray[np.bool_]:
    """Add the rows of the zone rules among ``rules`` (``(JSON path, rule)`` pairs) on
    ``totals``, each block tagged with its rule id and source; other rule types are left to
    the caller. ``info`` collects a :class:`RuleInfo` per rule; ``tilts`` (when given) a
    :class:`TiltChain` per tilt that made rows. Returns the mask of zones an ``exclude`` rule
    covers (tilts leave them out of the ordering)."""
    n, ids = zt.size, zt.ids
    E, sigma, request, sfx = totals.E, totals.unit, totals.request, totals.suffix
    excluded = np.zeros(n, dtype=bool)
    for _, rule in rules:
        if isinstance(rule, ExcludeRule):
            excluded |= zt.select(rule.select)
    area = zt.frame["land_area_mu"].to_numpy()
    for where, rule in rules:
        if info is not None:
            info[rule.id] = RuleInfo(rule.id, rule.type, rule.cited, rule.note)
        name = rule.id + sfx
        if isinstance(rule, (ZoneBoundsRule, ZoneBounds)):
            mask = zt.select(rule.select)
            lo, hi = zone_bound_values(rule, totals)
            b.add_rows(name, E[np.flatnonzero(mask)], lb=lo, ub=hi, rule=rule.id,
                       source=rule.cited, labels=ids[mask].tolist())
        elif isinstance(rule, RequestCapRule):
            mask = zt.select(rule.select)
            if rule.missing == "unlimited":
                mask &= ~np.isnan(request)
            cap = np.nan_to_num(request, nan=0.0)[mask] * rule.share / sigma
            b.add_rows(name, E[np.flatnonzero(mask)], ub=cap, rule=rule.id, source=rule.cited,
                       labels=ids[mask].tolist())
        elif isinstance(rule, ExcludeRule):
            mask = zt.select(rule.select)
            b.add_rows(name, E[np.flatnonzero(mask)], ub=0.0, rule=rule.id, source=rule.cited,
                       labels=ids[mask].tolist())
        elif isinstance(rule, (LockRule, Lock)):
            idx, val = lock_values(rule, totals, ids)
            b.add_rows(name, E[idx], lb=val, ub=val, rule=rule.id, source=rule.cited, labels=ids[idx].tolist())
        elif isinstance(rule, (GroupBoundsRule, GroupBounds)):
            _group_rows(b, rule, zt, totals)
        elif isinstance(rule, TiltRule) and rule.strict:
            _strict_tilt_rows(b, rule, instance, zt, totals, excluded, area, where)
        elif isinstance(rule, TiltRule):
            chain = _tilt_rows(b, rule, instance, zt, totals, excluded, area, where)
            if chain is not None and tilts is not None:
                tilts.append(chain)
        elif isinstance(rule, RequestFloorRule):
            _request_floor_rows(b, rule, zt, totals)
        elif isinstance(rule, (MinLotRule, MinLot)):
            _min_lot_rows(b, rule, zt, totals, rules)
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
                   source=rule.cited, labels=[g for g, h in zip(names, has, strict=True) if h])
    if floor is not None:
        has = ~np.isnan(floor)
        b.add_rows(f"{head}:floor{'_mu' if land else ''}", M[np.flatnonzero(has)], lb=floor[has], rule=rule.id,
                   source=rule.cited, labels=[g for g, h in zip(names, has, strict=True) if h])
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
        b.add_rows(f"{head}:{side}_share", A, rule=rule.id, source=rule.cited, labels=names, **bounds)


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


@dataclass(frozen=True, eq=False)
class TiltChain:
    """What one tilt rule built, for a formulation that exploits its structure
    (:mod:`zoneopt.models.land_form`): the zones it orders (``members``, zone indices), the
    tier of each (0 = highest score), the weight w of each in its rows (x_i − w_i·u_k), the
    level variables u_0 … u_{K−2} (``level``), and the model row of each member's ``above``
    row (x_i − w_i·u_{tier} ≥ 0) and ``below`` row (x_i − w_i·u_{tier−1} ≤ 0), −1 where the
    member has none (tier 0 has no ``below`` row, the last tier no ``above`` row).
    ``columns`` is the model column of each member's total when that total is one column
    with coefficient 1 (the land model), else None."""

    rule: str
    members: IntArray
    tier: IntArray
    weight: FloatArray
    level: VarBlock
    above: IntArray
    below: IntArray
    columns: IntArray | None


# -- amounts that scale with the pool, request floors, minimum lots, strict tilts -------------

def zone_bound_values(rule: ZoneBoundsRule | ZoneBounds, totals: ZoneTotals) -> tuple[float, float]:
    """A zone-bounds rule's floor and cap in model units: the amounts, or shares of the pool
    (the tighter of the two where both are given)."""
    floor, cap = _amount(rule, "floor"), _amount(rule, "cap")
    lo = -np.inf if floor is None else floor / totals.unit
    hi = np.inf if cap is None else cap / totals.unit
    if rule.floor_share is not None:
        lo = max(lo, rule.floor_share * totals.pool)
    if rule.cap_share is not None:
        hi = min(hi, rule.cap_share * totals.pool)
    return lo, hi


def lock_values(rule: LockRule | Lock, totals: ZoneTotals, ids: npt.NDArray[np.object_]
                ) -> tuple[npt.NDArray[np.int64], FloatArray]:
    """The zones a lock fixes (indices) and their values in model units: amounts, or shares
    of the pool."""
    values = rule.values_mu if isinstance(rule, LockRule) else rule.values
    shares = rule.shares or {}
    zones = list(values) + list(shares)
    idx = pd.Index(ids).get_indexer(zones).astype(np.int64)
    val = np.concatenate([np.array(list(values.values()), dtype=float) / totals.unit,
                          np.array(list(shares.values()), dtype=float) * totals.pool])
    return idx, val


def zone_limits(rules: Sequence[tuple[str, Any]], totals: ZoneTotals, zt: ZoneTable) -> tuple[FloatArray, FloatArray]:
    """The tightest floor and cap each zone's total has under the per-zone rules among
    ``rules`` (zone bounds, request caps and floors, exclusions, locks), model units; the
    pool caps every zone. Group rules, tilts and minimum lots are left out."""
    n, sigma = zt.size, totals.unit
    lo, hi = np.zeros(n), np.full(n, totals.pool)
    request = np.nan_to_num(totals.request, nan=0.0) / sigma
    for _, rule in rules:  # a loop over rules, each vectorised over zones
        if isinstance(rule, (ZoneBoundsRule, ZoneBounds)):
            mask = zt.select(rule.select)
            floor, cap = zone_bound_values(rule, totals)
            lo[mask] = np.maximum(lo[mask], floor)
            hi[mask] = np.minimum(hi[mask], cap)
        elif isinstance(rule, RequestCapRule):
            mask = zt.select(rule.select)
            if rule.missing == "unlimited":
                mask &= ~np.isnan(totals.request)
            hi[mask] = np.minimum(hi[mask], rule.share * request[mask])
        elif isinstance(rule, RequestFloorRule):
            mask = zt.select(rule.select)
            lo[mask] = np.maximum(lo[mask], rule.share * request[mask])
        elif isinstance(rule, ExcludeRule):
            hi[zt.select(rule.select)] = 0.0
        elif isinstance(rule, (LockRule, Lock)):
            idx, val = lock_values(rule, totals, zt.ids)
            lo[idx] = np.maximum(lo[idx], val)
            hi[idx] = np.minimum(hi[idx], val)
    return lo, hi


def _request_floor_rows(b: ModelBuilder, rule: RequestFloorRule, zt: ZoneTable, totals: ZoneTotals) -> None:
    """total_i >= share × request_i for each selected zone with a request."""
    mask = zt.select(rule.select) & (np.nan_to_num(totals.request, nan=0.0) > 0)
    floor = rule.share * totals.request[mask] / totals.unit
    b.add_rows(rule.id + totals.suffix, totals.E[np.flatnonzero(mask)], lb=floor, rule=rule.id,
               source=rule.cited, labels=zt.ids[mask].tolist())


def _min_lot_rows(b: ModelBuilder, rule: MinLotRule | MinLot, zt: ZoneTable, totals: ZoneTotals,
                  rules: Sequence[tuple[str, Any]]) -> None:
    """Nothing or at least L_i: a binary y_i per selected zone (open or not) with
    L_i·y_i <= total_i <= U_i·y_i, U_i the zone's cap under the per-zone rules (at most the
    pool). A zone whose cap is below its lot can only get nothing (y_i fixed at 0). A total
    that is one column is also declared semi-continuous in [L_i, U_i]
    (:class:`~zoneopt.core.model.SemiContinuous`): HiGHS solves it natively, without y_i and
    the two rows; every other backend, and every analysis, reads y_i and the rows."""
    lot = _amount(rule, "lot")
    mask = zt.select(rule.select)
    if isinstance(lot, dict):
        mask &= np.isin(zt.ids, np.array(list(lot), dtype=object))
    idx = np.flatnonzero(mask)
    if not idx.size:
        return
    L = (np.array([lot[z] for z in zt.ids[idx].tolist()], dtype=float) if isinstance(lot, dict)
         else np.full(idx.size, float(lot))) / totals.unit
    U = zone_limits(rules, totals, zt)[1][idx]
    head = rule.id + totals.suffix
    y = b.add_vars(f"{head}:open", idx.size, lb=0.0, ub=(U >= L * (1 - 1e-12)).astype(float), integer=True,
                   labels=zt.ids[idx].tolist())
    width = b.num_vars
    rows = np.arange(idx.size)
    E = pad_columns(totals.E[idx], width)
    labels = zt.ids[idx].tolist()
    b.add_rows(f"{head}:lot", E + sp.csr_matrix((-L, (rows, y.start + rows)), shape=(idx.size, width)), lb=0.0,
               rule=rule.id, source=rule.cited, labels=labels)
    b.add_rows(f"{head}:open", E + sp.csr_matrix((-np.maximum(U, L), (rows, y.start + rows)),
                                                  shape=(idx.size, width)), ub=0.0,
               rule=rule.id, source=rule.cited, labels=labels)
    # Where a zone's total is one column (land, each pollutant, funds), the column is
    # semi-continuous: solved natively where the backend can (HiGHS), by y and the rows elsewhere.
    Ez = totals.E[idx]
    one = (np.diff(Ez.indptr) == 1)
    one[one] = Ez.data[Ez.indptr[:-1][one]] == 1.0
    if one.any():
        b.declare_semicontinuous(Ez.indices[Ez.indptr[:-1][one]], y.start + rows[one], L[one],
                                 np.maximum(U, L)[one])


def _strict_tilt_rows(b: ModelBuilder, rule: TiltRule, instance: Instance, zt: ZoneTable, totals: ZoneTotals,
                      excluded: npt.NDArray[np.bool_], area: FloatArray, where: str) -> None:
    """A tilt with a margin δ: grades in tiers (highest first) and one level u_k between tier
    k and the next present tier: x_i >= (1+δ)·(a_i/ā)·u_k for i in tier k, x_j <= (a_j/ā)·u_k
    for j in tier k+1. So min over tier k of x/a >= (1+δ) × max over tier k+1. Zones without
    a request of the resource (when it has requests) are left out: they could only hold
    every lower grade at 0."""
    mask = zt.select(rule.select)
    if not rule.include_excluded:
        mask &= ~excluded
    if np.isfinite(totals.request).any():
        mask &= np.nan_to_num(totals.request, nan=0.0) > 0
    idx = np.flatnonzero(mask)
    if idx.size < 2:
        return
    grade = indicator(instance, rule.by, field=f"{where}.by", among=mask, table=zt)[idx]
    levels, tier = np.unique(-grade, return_inverse=True)  # tier 0 = highest grade
    K = levels.size
    if K < 2:
        return
    if rule.per == "land_area":
        weight = area[idx] / float(np.exp(np.mean(np.log(area[idx]))))
    else:
        weight = np.ones(idx.size)
    head = rule.id + totals.suffix
    u = b.add_vars(f"{head}:level", K - 1, lb=0.0)
    width = b.num_vars
    for name, members, boundary, factor, side in (
            ("above", np.flatnonzero(tier < K - 1), None, 1.0 + (rule.margin or 0.0), "lb"),
            ("below", np.flatnonzero(tier > 0), -1, 1.0, "ub")):
        k = tier[members] if boundary is None else tier[members] + boundary
        m = members.size
        A = pad_columns(totals.E[idx[members]], width) + sp.csr_matrix(
            (-factor * weight[members], (np.arange(m), u.start + k)), shape=(m, width))
        b.add_rows(f"{head}:{name}", A, rule=rule.id, source=rule.cited, labels=zt.ids[idx[members]].tolist(),
                   **{side: 0.0})


def _tilt_rows(b: ModelBuilder, rule: TiltRule, instance: Instance, zt: ZoneTable, totals: ZoneTotals,
               excluded: npt.NDArray[np.bool_], area: FloatArray, where: str) -> TiltChain | None:
    """Tiers of equal score; one auxiliary level u_k between tier k and k+1 (higher score
    first): x_i/a_i >= u_k for i in tier k, x_j/a_j <= u_k for j in tier k+1 (rows multiplied
    through by a_i). 2n rows, no O(n²) pairs, and equal scores stay unordered. Returns what
    was built (None when the rule orders fewer than two tiers and makes no rows)."""
    mask = zt.select(rule.select)
    if not rule.include_excluded:
        mask &= ~excluded
    idx = np.flatnonzero(mask)
    if idx.size < 2:
        return None
    score = indicator(instance, rule.by, field=f"{where}.by", among=mask, table=zt)[idx]
    levels, tier = np.unique(-score, return_inverse=True)  # tier 0 = highest score
    K = levels.size
    if K < 2:
        return None
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
    above = b.add_rows(f"{head}:above", block(rows_hi, tier[rows_hi]), lb=0.0, rule=rule.id,
                       source=rule.cited, labels=list(labels[idx[rows_hi]]))
    below = b.add_rows(f"{head}:below", block(rows_lo, tier[rows_lo] - 1), ub=0.0, rule=rule.id,
                       source=rule.cited, labels=list(labels[idx[rows_lo]]))
    above_row = np.full(idx.size, -1, dtype=np.int64)
    above_row[rows_hi] = above.start + np.arange(rows_hi.size)
    below_row = np.full(idx.size, -1, dtype=np.int64)
    below_row[rows_lo] = below.start + np.arange(rows_lo.size)
    E = sp.csr_matrix(totals.E[idx])
    unit_rows = bool(np.all(np.diff(E.indptr) == 1) and np.all(E.data == 1.0))
    return TiltChain(head, idx.astype(np.int64), tier.astype(np.int64), weight, u, above_row, below_row,
                     E.indices.astype(np.int64) if unit_rows else None)


BINDING_TOLERANCE = 1e-6

POOL_WIDE_TYPES = frozenset({"pool", "tilt", "count_target", "share_target", "partial_funding", "growth", "ramp"})
"""Rule types said once for a plan, not on each zone's row: the pool, the tilt (every zone of
its order sits on a tier level; at 0 most bind with price 0), the portfolio's targets and its
per-project rows, the plan over years' growth targets and ramps."""


def pool_wide_rules(rules: Mapping[str, RuleInfo], extra: Iterable[str] = ()) -> frozenset[str]:
    """The ids among ``rules`` of :data:`POOL_WIDE_TYPES`, and ``extra`` (a portfolio's
    per-project rules)."""
    return frozenset([rid for rid, info in rules.items() if info.type in POOL_WIDE_TYPES] + list(extra))


def at_bound(m: Model, x: FloatArray) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """The rows of ``m`` at their upper and at their lower bound at ``x`` (within
    :data:`BINDING_TOLERANCE` × max(1, |bound|), model units; an equality counts as upper)."""
    act = m.A @ x
    tol = BINDING_TOLERANCE * np.maximum(1.0, np.abs(np.where(np.isfinite(m.row_ub), m.row_ub, m.row_lb)))
    at_ub = np.isfinite(m.row_ub) & (np.abs(act - m.row_ub) <= tol)
    at_lb = np.isfinite(m.row_lb) & (np.abs(act - m.row_lb) <= tol) & ~at_ub
    return at_ub, at_lb


def row_owners(m: Model, rows: npt.NDArray[np.int64], zone_of_column: sp.csr_matrix) -> npt.NDArray[np.int64]:
    """For each of ``rows``, the one zone whose columns it constrains (``zone_of_column``:
    model columns × zones), or -1 when it touches none or several (a pool, a city's cap)."""
    touched = sp.csr_matrix((abs(m.A[rows]) @ zone_of_column) != 0)
    count = np.diff(touched.indptr)
    first = touched.indices[np.minimum(touched.indptr[:-1], max(touched.nnz - 1, 0))] if touched.nnz else \
        np.zeros(rows.size, dtype=np.int64)
    return np.where(count == 1, first, -1).astype(np.int64)


def binds_for_zone(m: Model, x: FloatArray, rows: npt.NDArray[np.int64], zone_of_column: sp.csr_matrix,
                   pool_wide: Collection[str] = ()) -> npt.NDArray[np.int64]:
    """THE decision of which rules bind *for a zone* (``solve``'s ``binding_rules`` and
    ``explain``'s list both come from here): for each of ``rows``, the zone it binds for, or
    -1. A row binds for zone i when it is at its bound (:func:`at_bound`), it is zone i's own
    (its columns count for zone i alone: a zone cap, a request cap, an exclusion, a lock, a
    group cap on a group of one) and its rule is not pool-wide (``pool_wide``: the pool, the
    tilt, targets, per-project rows). Rows shared by several zones (a city's cap, a share of
    the pool) bind for the plan, not for a zone: the plan's summary says them once."""
    at_ub, at_lb = at_bound(m, x)
    owner = row_owners(m, rows, zone_of_column)
    rule_of_block = np.array([b.rule or "" for b in m.row_blocks] + [""], dtype=object)
    rule = rule_of_block[m.row_block_index()[rows]]
    shared = np.isin(rule.astype(str), np.array(sorted(pool_wide), dtype=str)) | (rule == "")
    return np.where((at_ub[rows] | at_lb[rows]) & ~shared, owner, -1)


def binding_tables(m: Model, x: FloatArray, duals: FloatArray | None, row_unit: float | FloatArray,
                   unit: str | npt.NDArray[np.object_], zone_of_column: sp.csr_matrix,
                   pool_wide: Collection[str] = ()
                   ) -> tuple[pd.DataFrame, npt.NDArray[np.object_], npt.NDArray[np.object_]]:
    """The rule rows of ``m`` whose finite bound holds at ``x`` (to :data:`BINDING_TOLERANCE`
    in model units), as a plan's bindings table: rule, source, row, side, the bound in natural
    units (model bound × ``row_unit``, a number or one per row), the shadow price (``duals``,
    already in plan units per natural unit; NaN without duals) and its ``unit``. Also, per
    zone, the rules that bind for it (:func:`binds_for_zone`: its own rows, pool-wide rules
    left out) and their shadow prices (``rule=value``, a rule with several binding rows for a
    zone summed), as ``;``-joined strings; ``zone_of_column`` (model columns × zones) says which
    zone each column counts for. Loops run over the few rule ids, never over zones or rows."""
    at_ub, at_lb = at_bound(m, x)
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
    # Each binding row's zone, as a zones × rules table.
    n = zone_of_column.shape[1]
    owner = binds_for_zone(m, x, brows, zone_of_column, pool_wide)
    own = owner >= 0
    rule_names, rule_idx = np.unique(rule_of_block[block_of[brows[own]]].astype(str), return_inverse=True)
    touched = np.zeros((n, rule_names.size), dtype=bool)
    touched[owner[own], rule_idx] = True
    price = np.zeros((n, rule_names.size))
    if duals is not None:  # a rule with several binding rows for a zone sums them
        np.add.at(price, (owner[own], rule_idx), duals[brows[own]])
    binding_rules = np.full(n, "", dtype=object)
    shadow_prices = np.full(n, "", dtype=object)
    for r, rule in enumerate(rule_names.tolist()):
        on = touched[:, r]
        binding_rules[on] += rule + ";"
        if duals is not None:
            shadow_prices[on] += rule + "=" + np.char.mod("%.6g", price[on, r]).astype(object) + ";"
    return (bindings, pd.Series(binding_rules, dtype=object).str.rstrip(";").to_numpy(),
            pd.Series(shadow_prices, dtype=object).str.rstrip(";").to_numpy())


# -- model columns and zones ----------------------------------------------------------------

def identity_block(n: int, start: int) -> sp.csr_matrix:
    """The zones × columns matrix whose row i is column ``start + i``: a variable block of one
    value per zone, as :class:`~zoneopt.models.land_quota.ZoneTotals` reads it."""
    return sp.csr_matrix((np.ones(n), (np.arange(n), start + np.arange(n))), shape=(n, start + n))


def columns_to_zones(num_vars: int, blocks: Sequence[tuple[int, npt.NDArray[np.int64]]], n_zones: int) -> sp.csr_matrix:
    """The columns × zones 0/1 map: ``blocks`` lists (first column, zone of each column) for
    the variable blocks that count for a zone; other columns count for none."""
    rows = np.concatenate([start + np.arange(z.size) for start, z in blocks]) if blocks else np.zeros(0, np.int64)
    cols = np.concatenate([z for _, z in blocks]) if blocks else np.zeros(0, np.int64)
    return sp.csr_matrix((np.ones(rows.size), (rows, cols)), shape=(num_vars, n_zones))


def row_units(model: Model, starts: Sequence[int], units: Sequence[float]) -> FloatArray:
    """Natural units per model unit of each row, from the first column it uses: columns from
    ``starts[k]`` on (up to the next start) are in ``units[k]``. Rows of one resource use
    that resource's columns first (its auxiliary variables come after them)."""
    A = model.A
    first = np.where(np.diff(A.indptr) > 0, A.indices[np.minimum(A.indptr[:-1], max(A.nnz - 1, 0))], 0)
    k = np.searchsorted(np.asarray(starts), first, side="right") - 1
    return np.asarray(units, dtype=float)[np.clip(k, 0, len(units) - 1)]
