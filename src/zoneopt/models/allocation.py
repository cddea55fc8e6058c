"""The allocation objectives every resource shares (land, emission allowances, funds): the
tiered target (分档配置) followed in L1 with the pool used up, diminishing returns on an
efficiency weight, and the lexicographic priority order (serve the priority zones one after
the other, then split what is left by the tiered target).

Each builder adds its variables and rows to a :class:`~zoneopt.core.model.ModelBuilder` on a
resource's zone totals (:class:`~zoneopt.models.rules.ZoneTotals`, whose rows here are one
column per zone); :func:`serve_in_order` runs the priority stages on a built model before the
caller's final solve. The mathematics and clauses are in ``models/land-quota.md``."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp

from zoneopt.core.model import Model, ModelBuilder, VarBlock
from zoneopt.core.solution import SolveOptions
from zoneopt.core.solve import solve as core_solve
from zoneopt.data.zones import ZoneTable
from zoneopt.errors import InstanceError, Issue, NoSolutionError
from zoneopt.evaluation.indicators import indicator
from zoneopt.instance import FILL_VALUE, Diminishing, Fairness, Instance, Priority, Tiers
from zoneopt.instance.indicators import GRADE_RANK
from zoneopt.models.rules import RuleInfo, ZoneTotals, at_bound, zone_limits
from zoneopt.plans.glossary import text
from zoneopt.plans.shape import PlanShape, plan_shape

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]

TIERED_UNIT = text("unit.tiered", "en")
"""What the tiered objective counts, in the resource's unit (see :data:`FILL_VALUE`); in L2 the
deviation is Σ(x − t)²/(2 × pool)."""


# -- the tiered target ------------------------------------------------------------------------

def tier_values(instance: Instance, zt: ZoneTable, tiers: Tiers | None, request: FloatArray, where: str,
                among: BoolArray) -> FloatArray:
    """v_i = multiplier_i × base_i for every zone (0 outside ``tiers.select`` and ``among``):
    the weights the pool is split by. Raises :class:`InstanceError` naming ``where`` for an
    unknown indicator or missing data of a zone in ``among``."""
    tiers = tiers or Tiers()
    mask = among & zt.select(tiers.select)
    if tiers.by == "grade":
        grade = zt.frame["grade"].to_numpy(dtype=object)
        missing = mask & np.array([g not in GRADE_RANK for g in grade.tolist()], dtype=bool)
        if missing.any():
            raise InstanceError([Issue(f"zones[{k}].grade", f"zone {zt.ids[k]!r} has no grade, needed by "
                                       f"{where}.tiers (by grade)") for k in np.flatnonzero(missing)])
        mult = np.array([tiers.multipliers.get(g, 0.0) if g in GRADE_RANK else 0.0 for g in grade.tolist()])
    else:
        value = indicator(instance, tiers.by, field=f"{where}.tiers.by", among=mask, table=zt)
        if tiers.bands:
            mult = np.zeros(zt.size)
            placed = np.zeros(zt.size, dtype=bool)
            for band in tiers.bands:  # a loop over the few bands, highest first
                here = ~placed & (value >= band.at_least)
                mult[here] = band.multiplier
                placed |= here
        else:
            mult = value
    if tiers.base == "request":
        base = np.nan_to_num(request, nan=0.0)
    else:
        name = "land_area_mu" if tiers.base == "land_area" else tiers.base
        base = indicator(instance, name, field=f"{where}.tiers.base", among=mask, table=zt)
    v = np.where(mask, np.nan_to_num(mult, nan=0.0) * np.nan_to_num(base, nan=0.0), 0.0)
    if (v < 0).any():
        k = int(np.flatnonzero(v < 0)[0])
        raise InstanceError([Issue(f"{where}.tiers", f"the tiered weight of zone {zt.ids[k]!r} is negative "
                                   f"({v[k]:g}): multipliers and base must be >= 0")])
    return v


def tier_targets(value: FloatArray, lo: FloatArray, hi: FloatArray, pool: float) -> FloatArray:
    """The tiered target t_i = clip(λ·v_i, lo_i, hi_i) with λ such that Σ t = ``pool`` (the
    capped proportional split, water-filling): every zone its multiplier × base scaled to the
    pool, within its floor and cap. If the caps add up to less than the pool, t = hi; if the
    floors add up to more, t = lo. Found by bisection on λ (Σ t is non-decreasing in λ)."""
    lo = np.minimum(lo, hi)
    if lo.sum() >= pool:
        return lo.copy()
    if hi.sum() <= pool:
        return hi.copy()
    pos = value > 0
    if not pos.any():
        return lo.copy()
    value = value / float(value.max())  # λ on a scale where the largest weight is 1

    def total(lam: float) -> float:
        return float(np.clip(lam * value, lo, hi).sum())

    lam_hi = max(float(hi.max(initial=0.0)), 1.0)
    while total(lam_hi) < pool and lam_hi < 1e300:  # doubles at most ~1000 times
        lam_hi *= 2.0
    lam_lo = 0.0
    for _ in range(200):  # bisection to machine precision
        mid = 0.5 * (lam_lo + lam_hi)
        if mid <= lam_lo or mid >= lam_hi:
            break
        if total(mid) < pool:
            lam_lo = mid
        else:
            lam_hi = mid
    t = np.clip(lam_hi * value, lo, hi)
    # Spread the last rounding error over the zones strictly inside their limits.
    free = (t > lo) & (t < hi)
    if free.any():
        t[free] += (pool - t.sum()) * value[free] / value[free].sum()
    return t


@dataclass(frozen=True)
class TierTerm:
    """A tiered target added to a model on one resource block: the deviation rows
    ``x_i − d⁺_i + d⁻_i = t_i`` (one per zone in ``zones``) and what is needed to recompute t
    after priority stages."""

    rows: str
    """the name of the deviation row block."""
    zones: IntArray
    columns: IntArray
    """the allocation column of each zone in ``zones``."""
    value: FloatArray
    lo: FloatArray
    hi: FloatArray
    pool: float
    """model units."""
    target: FloatArray
    """model units, per zone in ``zones``."""
    deviation: VarBlock
    norm: str = "l1"
    """``"l1"`` (d⁺, d⁻ ≥ 0 per zone) or ``"l2"`` (one free deviation per zone, squared)."""


def add_tier_term(b: ModelBuilder, x: VarBlock, totals: ZoneTotals, value: FloatArray, lo: FloatArray,
                  hi: FloatArray, weight: float, zones: IntArray | None = None, pool: float | None = None,
                  name: str = "tiered", norm: str = "l1") -> tuple[TierTerm, FloatArray]:
    """Add the deviation of ``x`` (one column per zone) from the tiered target over ``zones``
    (default every zone) splitting ``pool`` (default the whole pool; model units), in a
    maximised model. ``norm`` ``"l1"``: rows x_i − d⁺_i + d⁻_i = t_i, d ≥ 0 with objective
    −``weight`` each. ``"l2"``: rows x_i − e_i = t_i, e free, objective −``weight``·e_i²/(2·S)
    with S the whole pool (so the marginal cost of a deviation, weight·|e|/S, is at most
    ``weight``: one more unit allocated still pays, as in L1). Returns the term and the
    coefficient ``FILL_VALUE × weight`` to add on every column of ``x`` (one more unit
    allocated is worth 1.5 units of deviation; models/land-quota.md)."""
    zones = np.arange(x.size) if zones is None else np.asarray(zones, dtype=np.int64)
    m = zones.size
    target = tier_targets(value[zones], lo[zones], hi[zones], totals.pool if pool is None else pool)
    name = name + totals.suffix
    cols = x.start + zones
    if norm == "l2":
        d = b.add_vars(f"{name}:deviation", m, lb=-np.inf)
        b.add_quadratic(d.start + np.arange(m), -weight / max(totals.pool, L2_SCALE_FLOOR))
        rows = np.tile(np.arange(m), 2)
        entries = (np.concatenate([np.ones(m), -np.ones(m)]), (rows, np.concatenate([cols, d.start + np.arange(m)])))
    else:
        d = b.add_vars(f"{name}:deviation", 2 * m, lb=0.0, obj=-weight)
        rows = np.tile(np.arange(m), 3)
        entries = (np.concatenate([np.ones(m), -np.ones(m), np.ones(m)]),
                   (rows, np.concatenate([cols, d.start + np.arange(m), d.start + m + np.arange(m)])))
    A = sp.csr_matrix(entries, shape=(m, b.num_vars))
    b.add_rows(f"{name}:deviation", A, lb=target, ub=target, labels=[str(x.labels[k]) for k in zones]
               if x.labels else None)
    fill = np.full(x.size, FILL_VALUE * weight)
    return TierTerm(f"{name}:deviation", zones, cols, value[zones], lo[zones], hi[zones], totals.pool, target, d,
                    norm), fill


L2_SCALE_FLOOR = 1e-9
"""The least S in the L2 term's −e²/(2·S) (a pool of 0 model units leaves nothing to split)."""


def retarget(m: Model, term: TierTerm, left: float) -> Model:
    """``m`` with the term's targets recomputed to split ``left`` (model units): what is left
    of the pool once the priority zones are served."""
    rows = m.row_block(term.rows).slice
    target = tier_targets(term.value, term.lo, term.hi, max(0.0, left))
    row_lb, row_ub = m.row_lb.copy(), m.row_ub.copy()
    row_lb[rows] = row_ub[rows] = target
    return replace(m, row_lb=row_lb, row_ub=row_ub)


# -- diminishing returns -------------------------------------------------------------------

def add_diminishing(b: ModelBuilder, x: VarBlock, coef: FloatArray, request: FloatArray, unit: float,
                    spec: Diminishing, name: str = "diminishing", integer: bool = False) -> VarBlock:
    """Move the objective coefficients ``coef`` of ``x`` onto segments: x_i = Σ_k y_ik,
    0 ≤ y_ik ≤ (b_k − b_{k−1})·r_i (the last segment unbounded), y_ik worth f_k·coef_i (a
    stepwise concave value, so the optimum fills segments in order). A zone without a request
    has one segment worth coef_i. With ``integer`` (x in whole parcels or tranches) the
    breakpoints are rounded down to whole units and the segments are integer too, so an
    all-integer model stays all-integer. The caller sets the coefficient of ``x`` itself to 0."""
    n, K = x.size, len(spec.factors)
    r = np.nan_to_num(request, nan=0.0) / unit
    has = r > 0
    cut = np.asarray(spec.breakpoints, dtype=float)[None, :] * r[:, None]  # n × (K−1) breakpoints
    if integer:
        cut = np.floor(cut + 1e-9)
    edges = np.hstack([np.zeros((n, 1)), cut, np.full((n, 1), np.inf)])
    with np.errstate(invalid="ignore"):  # inf − inf never arises: the last edge only
        width = np.diff(edges, axis=1)
    ub = np.where(has[:, None], width, np.where(np.arange(K)[None, :] == 0, np.inf, 0.0))
    obj = coef[:, None] * np.asarray(spec.factors, dtype=float)[None, :]
    y = b.add_vars(f"{name}:segment", n * K, lb=0.0, ub=ub.reshape(-1), obj=obj.reshape(-1), integer=integer)
    rows = np.concatenate([np.arange(n), np.repeat(np.arange(n), K)])
    cols = np.concatenate([x.start + np.arange(n), y.start + np.arange(n * K)])
    vals = np.concatenate([np.ones(n), -np.ones(n * K)])
    b.add_rows(f"{name}:segments", sp.csr_matrix((vals, (rows, cols)), shape=(n, b.num_vars)), lb=0.0, ub=0.0,
               labels=list(x.labels) if x.labels else None)
    return y


# -- proportional fairness -------------------------------------------------------------------

FAIRNESS_UNIT = text("unit.fairness", "en")


def tangent_ratio(accuracy: float) -> float:
    """The ratio ρ of neighbouring tangent points p, ρp at which the envelope of the tangents of
    log overestimates it by at most ``accuracy``: the gap is largest where the two tangents
    meet, at f = c·p with c = ρ ln ρ / (ρ − 1), and equals c − 1 − ln c (independent of p)."""
    def gap(rho: float) -> float:
        c = rho * math.log(rho) / (rho - 1.0)
        return c - 1.0 - math.log(c)

    lo, hi = 1.0 + 1e-9, 2.0
    while gap(hi) < accuracy:
        hi *= 2.0
    for _ in range(200):  # the gap grows with ρ
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if gap(mid) <= accuracy else (lo, mid)
    return lo


def tangent_points(accuracy: float, min_share: float) -> FloatArray:
    """Tangent points from ``min_share`` up to 1, geometric with :func:`tangent_ratio`."""
    rho = tangent_ratio(accuracy)
    k = int(math.ceil(math.log(1.0 / min_share) / math.log(rho)))
    return np.minimum(min_share * rho ** np.arange(k + 1), 1.0)


def add_log_utility(b: ModelBuilder, x: VarBlock, zones: IntArray, cap: FloatArray, omega: FloatArray,
                    spec: Fairness, weight: float, name: str = "fairness") -> VarBlock:
    """Proportional fairness on ``x`` over ``zones``: z_i ≤ log p_k + f_i/p_k − 1 for every
    tangent point p_k (f_i = x_i / cap_i, the share of what the rules let zone i have), objective
    ``weight``·ω_i on z_i. The tangents bound log from above, so the model's optimum is at least
    the exact one and, where every share is at least ``min_share``, at most ``accuracy``·Σω
    above it (models/land-quota.md)."""
    p = tangent_points(spec.accuracy, spec.min_share)
    m, K = zones.size, p.size
    z = b.add_vars(f"{name}:log", m, lb=float(np.log(p[0]) - 1.0), ub=0.0, obj=weight * omega[zones],
                   labels=[str(x.labels[i]) for i in zones] if x.labels else None)
    rows = np.arange(m * K)
    zone_of = np.repeat(np.arange(m), K)
    pk = np.tile(p, m)
    A = sp.csr_matrix((np.concatenate([np.ones(m * K), -1.0 / (pk * cap[zones][zone_of])]),
                       (np.concatenate([rows, rows]), np.concatenate([z.start + zone_of, x.start + zones[zone_of]]))),
                      shape=(m * K, b.num_vars))
    b.add_rows(f"{name}:tangents", A, ub=np.log(pk) - 1.0)
    return z


# -- one resource block's objective ---------------------------------------------------------

@dataclass(frozen=True)
class BlockObjective:
    """What :func:`block_objective` added on one resource block: the coefficients to set on
    its allocation columns, the tiered term (if any), each zone's cap under the per-zone rules
    (model units) and the diminishing-returns segments (if any)."""

    coef: FloatArray
    term: TierTerm | None
    cap: FloatArray
    segments: VarBlock | None
    fairness: VarBlock | None = None


def block_objective(b: ModelBuilder, instance: Instance, zt: ZoneTable, x: VarBlock, totals: ZoneTotals,
                    rules: Sequence[tuple[str, object]], excluded: BoolArray, coef: FloatArray, *,
                    tiered_weight: float, tiers: Tiers | None, diminishing: Diminishing | None,
                    priority_zones: IntArray | None, where: str, integer: bool = False,
                    fairness: Fairness | None = None, fairness_weight: float = 0.0) -> BlockObjective:
    """The allocation objective on one block ``x`` (one column per zone, zone totals
    ``totals`` under ``rules``): ``coef`` (an efficiency weight per column) moved onto
    diminishing-returns segments when ``diminishing`` is given; the tiered target with weight
    ``tiered_weight`` (> 0) over the zones not excluded (the non-priority zones when
    ``priority_zones`` is given, splitting what the priority zones leave of the pool).
    ``integer``: the block is in whole units (parcels, tranches). ``fairness_weight`` > 0 adds
    proportional fairness (``fairness``, default :class:`Fairness`) over the zones not excluded
    that the rules let have something."""
    lo, hi = zone_limits(rules, totals, zt)
    seg = None
    if diminishing is not None and coef.any():
        seg = add_diminishing(b, x, coef, totals.request, totals.unit, diminishing,
                              name=f"diminishing{totals.suffix}", integer=integer)
        coef = np.zeros_like(coef)
    term = None
    if tiered_weight > 0:
        value = tier_values(instance, zt, tiers, totals.request, where, ~excluded & (hi > 0))
        zones, pool = None, None
        if priority_zones is not None:
            zones = np.flatnonzero(~split_priority(zt.size, priority_zones))
            pool = max(0.0, totals.pool - float(hi[priority_zones].sum()))
        term, fill = add_tier_term(b, x, totals, value, lo, hi, tiered_weight, zones, pool,
                                   norm=(tiers or Tiers()).norm)
        coef = coef + fill
    fair = None
    if fairness_weight > 0:
        spec = fairness or Fairness()
        eligible = np.flatnonzero(~excluded & (hi > 0))
        omega = np.ones(zt.size) if spec.weight is None else indicator(
            instance, spec.weight, field=f"{where}.fairness.weight", among=~excluded & (hi > 0), table=zt)
        if (omega[eligible] < 0).any():
            raise InstanceError([Issue(f"{where}.fairness.weight", f"indicator {spec.weight!r} has negative values")])
        fair = add_log_utility(b, x, eligible, hi, np.nan_to_num(omega), spec, fairness_weight,
                               name=f"fairness{totals.suffix}")
    return BlockObjective(coef, term, hi, seg, fair)


# -- the plan's shape --------------------------------------------------------------------------

def binding_by_zone(m: Model, x: FloatArray, zone_of_column: sp.csr_matrix) -> npt.NDArray[np.object_]:
    """Per zone, every rule with a row at its bound at ``x`` that touches the zone's columns
    (``zone_of_column``: model columns × zones), ``;``-joined: the rules that may hold it where
    it is, shared ones (the pool, a city's cap, a tilt) included — what the plan's shape needs to
    say why a zone gets nothing, wider than the plan's per-zone ``binding_rules``."""
    at_ub, at_lb = at_bound(m, x)
    block_of = m.row_block_index()
    rule_of_block = np.array([b.rule or "" for b in m.row_blocks] + [""], dtype=object)
    rows = np.flatnonzero((at_ub | at_lb) & (rule_of_block[block_of] != ""))
    sub = (abs(m.A[rows]) @ zone_of_column).tocoo()
    names, idx = np.unique(rule_of_block[block_of[rows[sub.row]]].astype(str), return_inverse=True)
    touched = np.zeros((zone_of_column.shape[1], names.size), dtype=bool)
    touched[sub.col, idx] = True
    out = np.full(zone_of_column.shape[1], "", dtype=object)
    for r, rule in enumerate(names.tolist()):  # a loop over the few rule ids
        out[touched[:, r]] += rule + ";"
    return pd.Series(out, dtype=object).str.rstrip(";").to_numpy()


def pool_shape(pool: str, unit: str, zt: ZoneTable, alloc: FloatArray, totals: ZoneTotals,
               rules: Sequence[tuple[str, object]], binding: npt.NDArray[np.object_],
               info: Mapping[str, RuleInfo]) -> PlanShape:
    """The shape figures of one pool (:func:`~zoneopt.plans.shape.plan_shape`): ``alloc`` in
    natural units per zone, the zone totals and per-zone rules the pool's model has, each
    zone's binding rules and the rules' types (``info``)."""
    cap = zone_limits(rules, totals, zt)[1] * totals.unit
    frame = zt.frame
    return plan_shape(pool, unit, totals.pool * totals.unit, zt.ids, alloc,
                      frame["land_area_mu"].to_numpy(dtype=float), (frame["level"] == "national").to_numpy(),
                      totals.request, cap, binding, {k: v.type for k, v in info.items()})


# -- lexicographic priority ------------------------------------------------------------------

def priority_order(instance: Instance, zt: ZoneTable, priority: Priority | None, eligible: BoolArray, where: str
                   ) -> IntArray:
    """The zones served first, largest measure first (ties by zone order): eligible, picked by
    ``priority.select`` and with a measure above ``priority.above`` (default :class:`Priority`)."""
    priority = priority or Priority()
    mask = eligible & zt.select(priority.select)
    measure = indicator(instance, priority.measure, field=f"{where}.priority.measure", among=mask, table=zt)
    chosen = np.flatnonzero(mask & (np.nan_to_num(measure, nan=-np.inf) > priority.above))
    return chosen[np.argsort(-measure[chosen], kind="stable")]


@dataclass(frozen=True)
class Stages:
    """The outcome of :func:`serve_in_order`: the model with each priority zone's columns
    held at what it was served, the solves it took and their time."""

    model: Model
    solves: int
    runtime_s: float


def serve_in_order(m: Model, order: Sequence[IntArray], hi: FloatArray, backend: str, options: SolveOptions,
                   what: str) -> Stages:
    """Serve zones one after the other: for each entry of ``order`` (the columns of one zone,
    e.g. one per pollutant), maximise their sum with the zones before held at what they got,
    then hold them at the optimum (lower bounds). ``hi`` is each column's cap under the
    per-zone rules: a zone whose columns already reach it in the last solution is held without
    a solve. When the first stage finds no plan, ``m`` comes back unchanged, so the caller's
    own solve reports (and diagnoses) it; a later stage starts from a plan of the rules, so
    one that finds nothing (a time limit) raises :class:`NoSolutionError`."""
    lb = m.lb.copy()
    x: FloatArray | None = None
    solves, runtime = 0, 0.0
    tol = 1e-7
    for cols in order:  # one solve per priority zone at most, in order
        cols = np.asarray(cols, dtype=np.int64)
        if x is None or (x[cols] < hi[cols] - tol * np.maximum(1.0, hi[cols])).any():
            c = np.zeros(m.num_vars)
            c[cols] = 1.0
            sol = core_solve(replace(m, c=c, c0=0.0, lb=lb, sense="max", hessian=None, name=f"{m.name}:serve"),
                             backend, options=options)
            solves += 1
            runtime += sol.runtime
            if (sol.x is None or not sol.status.has_solution) and x is None:
                return Stages(m, solves, runtime)  # the rules cannot hold: the caller's solve diagnoses it
            if sol.x is None or not sol.status.has_solution:
                raise NoSolutionError(f"{what}: serving the priority zones in order found no solution "
                                      f"({sol.status.value}: {sol.message})")
            x = sol.x
        got = x[cols]  # a feasible point of the rules, so holding it keeps the next stage feasible
        held = np.where(m.integer[cols], np.round(got), got)
        lb[cols] = np.maximum(lb[cols], np.minimum(held, m.ub[cols]))
    return Stages(replace(m, lb=lb), solves, runtime)


@dataclass(frozen=True)
class Allocation:
    """What a built model keeps of its allocation objective: the tiered terms (one per
    resource block, e.g. per pollutant) and, for a lexicographic objective, the priority
    zones in the order they are served with their caps (model units, zones × blocks)."""

    blocks: tuple[VarBlock, ...] = ()
    terms: tuple[TierTerm, ...] = ()
    order: IntArray | None = None
    cap: FloatArray | None = None
    segments: tuple[VarBlock, ...] = ()

    @property
    def lexicographic(self) -> bool:
        return self.order is not None


def run_priority(m: Model, alloc: Allocation, backend: str, options: SolveOptions, what: str) -> Stages:
    """The priority stages of a lexicographic objective on ``m`` (:func:`serve_in_order`),
    then each tiered term retargeted to split what is left of its pool among the other zones.
    Returns ``m`` itself (no solve) for any other objective."""
    if alloc.order is None or not alloc.order.size:
        return Stages(m, 0, 0.0)
    assert alloc.cap is not None
    hi = np.full(m.num_vars, np.inf)
    for j, blk in enumerate(alloc.blocks):
        hi[blk.start + alloc.order] = alloc.cap[:, j]
    cols = [np.array([blk.start + int(i) for blk in alloc.blocks], dtype=np.int64) for i in alloc.order.tolist()]
    st = serve_in_order(m, cols, hi, backend, options, what)
    model = st.model
    for term, blk in zip(alloc.terms, alloc.blocks, strict=True):
        served = float(np.maximum(model.lb[blk.start + alloc.order], 0.0).sum())
        model = retarget(model, term, term.pool - served)
    return replace(st, model=model)


def split_priority(n: int, order: IntArray) -> BoolArray:
    """The mask of the priority zones among ``n``."""
    mask = np.zeros(n, dtype=bool)
    mask[order] = True
    return mask


__all__ = ["pool_shape", "binding_by_zone", "BlockObjective", "block_objective", "TierTerm", "tier_values",
           "tier_targets",
           "add_tier_term", "retarget", "add_diminishing", "add_log_utility", "tangent_points", "tangent_ratio",
           "FAIRNESS_UNIT",
           "priority_order", "Stages", "serve_in_order", "Allocation", "run_priority", "split_priority", "TIERED_UNIT"]
