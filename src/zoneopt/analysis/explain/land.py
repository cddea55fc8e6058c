"""The land section: the zone's allocation in mu against its request, the rule rows on it with
their prices and ranges (:func:`~zoneopt.analysis.sensitivity.rule_prices` of the plan), the
pool's and each binding row's bound moved a step each way and re-solved, for a zone at 0 how
far its objective weight must rise (the reduced cost, checked by re-solves), and its place in
each ``tilt`` rule's score order."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from zoneopt.analysis.explain.context import ExplainContext, Sections
from zoneopt.analysis.explain.land_solve import LandSolve, solve_land_detail
from zoneopt.analysis.explain.render import num
from zoneopt.analysis.explain.resolve import ZERO, moved_bound_steps, round_step
from zoneopt.analysis.explain.results import (
    Neighbour,
    ResourceExplanation,
    Step,
    TiltPosition,
    WeightThreshold,
    ZoneRule,
)
from zoneopt.analysis.sensitivity import POOL, _marginal, _resolve, _solve_point, what_if
from zoneopt.core.solution import SolveOptions
from zoneopt.evaluation.indicators import indicator, indicator_unit
from zoneopt.instance import ExcludeRule, Instance, TiltRule
from zoneopt.instance.indicators import INDICATORS
from zoneopt.models.land_plan import land_zone_map
from zoneopt.models.land_quota import TOTAL_RULE, LandModel
from zoneopt.models.rules import binds_for_zone, pool_wide_rules
from zoneopt.plans.glossary import Term, spoken

FloatArray = npt.NDArray[np.float64]

# Weight rise past the reduced-cost threshold used to check that the zone then gets land.
_CHECK_MARGIN = 0.01
RESOLVE_PRECISION = 0.01
"""Relative precision of the weight rise found by re-solves (:class:`WeightThreshold`)."""
_MAX_DOUBLINGS = 20


def land_sections(ctx: ExplainContext) -> Sections:
    """The land section (solving the land plan unless the context carries it solved)."""
    ls = ctx.land_solve
    if ls is None:
        ls = solve_land_detail(ctx.instance, ctx.backend, options=ctx.options)
    return Sections((land_section(ctx.instance, ls, ctx.j, ctx.step),), ls.backend, tuple(ls.plan.summary.warnings))


def default_step(lm: LandModel) -> float:
    """The re-solve step for a land plan, mu: the parcel for a parcel model, else about 1 % of
    the pool, rounded down to 1, 2 or 5 × a power of ten."""
    if lm.pool.parcel_mu is not None:
        return float(lm.pool.parcel_mu)
    return round_step(lm.pool.total_mu)


def land_section(instance: Instance, ls: LandSolve, j: int, step: float | None) -> ResourceExplanation:
    """The land section of zone ``j`` in the solved land plan ``ls``, re-solving with bounds moved
    by ``step`` mu (``None``: :func:`default_step`)."""
    lm, m = ls.lm, ls.lm.model
    sigma = lm.land_unit
    alloc = ls.plan.allocations
    allocation = float(alloc["allocation_mu"].iloc[j])
    request = alloc["request_mu"].iloc[j]
    fulfil = alloc["fulfilment"].iloc[j]
    price_unit = f"{lm.objective_unit} per mu"

    rules, rows = _rules_on_zone(ls, j, price_unit)
    pool = next(r for r in rules if r.rule == TOTAL_RULE)
    step_mu = float(step) if step is not None else default_step(lm)
    opts = ls.options
    base_obj = ls.plan.summary.objective
    assert base_obj is not None
    notes: list[str] = []

    steps = _pool_steps(instance, ls, j, pool, step_mu, allocation, base_obj)
    for r, row_index in zip(rules, rows.tolist(), strict=True):  # the zone's binding rows
        if not r.binding or r.rule == TOTAL_RULE or r.type == "tilt":
            continue
        steps += _row_steps(ls, j, r, row_index, step_mu, allocation, base_obj, opts)

    weight = None
    if allocation <= ZERO * sigma:
        weight = _weight_threshold(instance, ls, j, rules, rows, opts)
    tilts = _tilts(instance, ls, j, rules)
    if m.is_mip:
        notes.append(spoken("xnote.mip", what=Term("xnote.parcels")))
    elif ls.prices.attrs.get("ranging_note"):
        notes.append(f"ranges: {ls.prices.attrs['ranging_note']}")
    if lm.instance.objective.kind == "equity":
        notes.append(spoken("xnote.equity"))
    return ResourceExplanation(
        resource="land", unit="mu", allocation=allocation,
        request=None if pd.isna(request) else float(request), fulfilment=None if pd.isna(fulfil) else float(fulfil),
        pool_total=lm.pool.total_mu, pool_allocated=ls.plan.summary.allocated_mu, pool_rule=TOTAL_RULE,
        pool_source=lm.pool.source, pool_price=pool.shadow_price, pool_range_lower=pool.range_lower,
        pool_range_upper=pool.range_upper, price_unit=price_unit, objective_kind=instance.objective.kind,
        objective=base_obj, objective_unit=lm.objective_unit, rules=tuple(rules), step=step_mu,
        steps=tuple(steps), weight=weight, tilts=tilts, notes=tuple(notes))


def _rules_on_zone(ls: LandSolve, j: int, price_unit: str) -> tuple[list[ZoneRule], npt.NDArray[np.int64]]:
    """The rule rows on zone ``j`` (rows with a coefficient on its column, tagged with a rule)
    with their prices from ``ls.prices``, each marked whether it binds for the zone (the plan's
    own decision, :func:`~zoneopt.models.rules.binds_for_zone`), and their row indices."""
    lm, m = ls.lm, ls.lm.model
    sigma = lm.land_unit
    col = lm.x.start + j
    x = ls.final.x
    assert x is not None
    column = m.A[:, [col]].tocoo()
    rows = np.sort(column.row.astype(np.int64))
    block_of = m.row_block_index()[rows]
    tagged = np.array([m.row_blocks[k].rule is not None for k in block_of.tolist()], dtype=bool)
    rows = rows[tagged]
    names = list(lm.model.block_row_names(rows))
    act = (m.A[rows] @ x) * sigma
    lo, hi = m.row_lb[rows] * sigma, m.row_ub[rows] * sigma
    prices = ls.prices.set_index("row")
    owner = binds_for_zone(m, x, rows, land_zone_map(lm), pool_wide_rules(lm.rules))
    rules: list[ZoneRule] = []
    zone_blocks = block_of[tagged]
    for k, name in enumerate(names):  # the zone's few rows
        b = m.row_blocks[int(zone_blocks[k])]
        info = lm.rules.get(b.rule or "")
        label = name[name.index("[") + 1:-1]
        if name in prices.index:
            p = prices.loc[name]
            side, bound, binding = str(p["side"]), float(p["bound"]), bool(p["binding"])
            price, rlo, rhi = float(p["shadow_price"]), float(p["range_lower"]), float(p["range_upper"])
        else:  # a row of a multi-row rule that neither binds nor has a price
            near_hi = np.isfinite(hi[k]) and (not np.isfinite(lo[k]) or hi[k] - act[k] <= act[k] - lo[k])
            side, bound = ("upper", float(hi[k])) if near_hi else ("lower", float(lo[k]))
            binding, price = False, 0.0 if not m.is_mip else math.nan
            rlo = rhi = math.nan
        rules.append(ZoneRule(rule=b.rule or "", type=info.type if info else "", source=b.source,
                              note=info.note if info else None, row=name, label=label, side=side, bound=bound,
                              activity=float(act[k]), slack=abs(bound - float(act[k])), binding=binding,
                              shadow_price=price, range_lower=rlo, range_upper=rhi, price_unit=price_unit,
                              for_zone=bool(owner[k] == j)))
    return rules, rows


def _pool_steps(instance: Instance, ls: LandSolve, j: int, pool: ZoneRule, step: float, allocation: float,
                base_obj: float) -> list[Step]:
    """The pool one step larger and smaller (:func:`~zoneopt.analysis.sensitivity.what_if` on ``pool``)."""
    Q = ls.lm.pool.total_mu
    deltas = [step] + ([-step] if Q - step > 0 else [])
    curve = what_if(instance, POOL, [Q + d for d in deltas], relative=False, backend=ls.backend, options=ls.options)
    # The first-order change: the pool's price, plus that of every bound that is a share of the
    # pool (a city cap of 18 % of the pool moves with it), where the duals give the derivative.
    slope = pool.shadow_price
    target = _resolve(ls.lm, POOL)
    if ls.first.row_duals is not None and ls.first.x is not None and target.rebuild is None:
        slope = _marginal(ls.lm, ls.first, target)
    out = []
    for k, d in enumerate(deltas):
        pt = curve.points.iloc[k]
        a = float(curve.allocations.iloc[j, k])
        out.append(Step(rule=TOTAL_RULE, row=pool.row, side=pool.side, bound=Q, delta=d, status=str(pt["status"]),
                        allocation=a, change=a - allocation, objective=float(pt["objective"]),
                        objective_change=float(pt["objective"]) - base_obj,
                        predicted=slope * d))
    return out


def _row_steps(ls: LandSolve, j: int, r: ZoneRule, row: int, step: float, allocation: float, base_obj: float,
               opts: SolveOptions) -> list[Step]:
    """Re-solves of the land model with one binding row's active bound moved by ±step mu."""
    lm, m = ls.lm, ls.lm.model

    def solve_at(row_lb: FloatArray, row_ub: FloatArray, tag: str) -> tuple[str, float, float]:
        model = replace(m, row_lb=row_lb, row_ub=row_ub, name=f"{m.name}:explain[{tag}]")
        pt = _solve_point(replace(lm, model=model), ls.backend, opts)
        return pt.status.value, (float(pt.alloc[j]) if pt.alloc is not None else math.nan), pt.objective

    return moved_bound_steps(m, r, row, step, lm.land_unit, allocation, base_obj, solve_at)


def _weight_threshold(instance: Instance, ls: LandSolve, j: int, rules: list[ZoneRule],
                      rows: npt.NDArray[np.int64], opts: SolveOptions) -> WeightThreshold:
    """How far the zone's objective weight must rise before it can get land (zone at 0)."""
    lm, m = ls.lm, ls.lm.model
    obj = instance.objective
    sigma = lm.land_unit
    col = lm.x.start + j
    # Rows that hold the zone at 0 whatever its weight: its own rows (one entry) capped at 0.
    nnz = np.diff(m.A.indptr)[rows]
    blocking = [(r, k) for k, (r, row) in enumerate(zip(rules, rows.tolist(), strict=True))
                if nnz[k] == 1 and r.binding and r.side in ("upper", "equal") and r.bound <= ZERO * sigma]
    blocked_by = tuple(dict.fromkeys(r.rule for r, _ in blocking))
    weighted = obj.kind in ("efficiency", "equity") and lm.weights is not None
    name = obj.weight if weighted else None
    if weighted:
        desc = INDICATORS[obj.weight][1] if obj.weight in INDICATORS else f"evaluation result {obj.weight!r}"
        wunit = indicator_unit(obj.weight, instance)
        value = float(lm.weights[j])  # type: ignore[index]
    else:
        desc, wunit, value = f"the {obj.kind} objective's coefficient", f"{lm.objective_unit} per mu", math.nan
    # The solution whose objective the weight enters: efficiency's only stage, equity's tie-break.
    sol = ls.final
    scale = (lm.tie_break_scale if obj.kind == "equity" else lm.obj_scale) / sigma
    if sol.reduced_costs is None or sol.row_duals is None:
        return WeightThreshold(obj.kind, name, desc, wunit, value, math.nan, blocked_by,
                               note=spoken("xnote.no_reduced_costs"))
    d = float(sol.reduced_costs[col])
    for _, k in blocking:  # set the blocking rows aside: their duals no longer count
        row = int(rows[k])
        d += float(m.A[row, col]) * float(sol.row_duals[row])
    sign = -1.0 if m.sense == "max" else 1.0
    rise = max(0.0, sign * d * scale)
    if not weighted:
        return WeightThreshold(obj.kind, None, desc, wunit, value, rise, blocked_by,
                               note=spoken("xnote.forced_mu"))
    if blocked_by or obj.kind != "efficiency":
        return WeightThreshold(obj.kind, name, desc, wunit, value, rise, blocked_by)
    # Re-solve with the weight raised a little past the threshold; search on if that is not enough
    # (x_j is non-decreasing in its own objective coefficient, so doubling and bisection work).
    solves = 0

    def gets(extra: float) -> float:
        nonlocal solves
        solves += 1
        c = m.c.copy()
        c[col] += extra * sigma / lm.obj_scale
        pt = _solve_point(replace(lm, model=replace(m, c=c, name=f"{m.name}:explain[weight+{extra:g}]")),
                          ls.backend, opts)
        return float(pt.alloc[j]) if pt.alloc is not None else math.nan

    scale_w = max(abs(value), float(np.max(lm.weights)) * 1e-6, 1e-12)  # type: ignore[arg-type]
    lo = rise
    hi = rise * (1 + _CHECK_MARGIN) + _CHECK_MARGIN * scale_w
    got = gets(hi)
    note = ""
    if not got > ZERO * sigma:
        for _ in range(_MAX_DOUBLINGS):  # a few solves, not a loop over zones
            lo, hi = hi, 2.0 * hi + scale_w
            got = gets(hi)
            if got > ZERO * sigma:
                break
        if not got > ZERO * sigma:
            return WeightThreshold(obj.kind, name, desc, wunit, value, rise, blocked_by, math.nan, math.nan, solves,
                                   spoken("xnote.raised_nothing", rise=num(hi)))
        while hi - lo > RESOLVE_PRECISION * (value + hi):
            mid = 0.5 * (lo + hi)
            got_mid = gets(mid)
            if got_mid > ZERO * sigma:
                hi, got = mid, got_mid
            else:
                lo = mid
        note = spoken("xnote.degenerate")
    return WeightThreshold(obj.kind, name, desc, wunit, value, rise, blocked_by, hi, got, solves, note)


def _tilts(instance: Instance, ls: LandSolve, j: int, rules: list[ZoneRule]) -> tuple[TiltPosition, ...]:
    """The zone's place in each tilt rule it belongs to."""
    lm = ls.lm
    zt = lm.zones
    frame = zt.frame
    alloc = ls.plan.allocations["allocation_mu"].to_numpy(dtype=float)
    area = frame["land_area_mu"].to_numpy(dtype=float)
    excluded = np.zeros(zt.size, dtype=bool)
    for rule in instance.rules:
        if isinstance(rule, ExcludeRule):
            excluded |= zt.select(rule.select)
    out = []
    for k, rule in enumerate(instance.rules):  # a loop over rules
        if not isinstance(rule, TiltRule):
            continue
        mask = zt.select(rule.select)
        if not rule.include_excluded:
            mask &= ~excluded
        if not mask[j]:
            continue
        score = indicator(instance, rule.by, field=f"rules[{k}].by", among=mask, table=zt)
        per = alloc / area if rule.per == "land_area" else alloc
        idx = np.flatnonzero(mask)
        s, v = score[j], per[j]
        higher = idx[score[idx] > s]
        lower = idx[score[idx] < s]
        above = below = None
        if higher.size:
            tier = higher[score[higher] == score[higher].min()]
            above = _neighbour(frame, tier[np.argmin(per[tier])], score, per)
        if lower.size:
            tier = lower[score[lower] == score[lower].max()]
            below = _neighbour(frame, tier[np.argmax(per[tier])], score, per)
        own = [r for r in rules if r.rule == rule.id]
        prices = np.nan_to_num(np.abs(ls.prices["shadow_price"].to_numpy(dtype=float)))  # a MIP has none (NaN)
        tol = 1e-9 * max(1.0, float(np.max(prices, initial=0.0)))
        below_row = next((r for r in own if ":below[" in r.row), None)
        above_row = next((r for r in own if ":above[" in r.row), None)
        if below_row is not None and below_row.binding and below_row.shadow_price > tol:
            held, price = "down", below_row.shadow_price
        elif above_row is not None and above_row.binding and above_row.shadow_price < -tol:
            held, price = "up", above_row.shadow_price
        elif any(r.binding for r in own):
            held, price = "tied", 0.0
        else:
            held, price = "free", 0.0
        # The run of zones, in score order, at the same level as this one.
        order = idx[np.argsort(-score[idx], kind="stable")]
        level = per[order]
        same = np.abs(level - v) <= 1e-6 * max(1.0, abs(v)) + 1e-9
        pos = int(np.flatnonzero(order == j)[0])
        top = pos
        while top > 0 and same[top - 1]:  # walks the run only
            top -= 1
        bottom = pos
        while bottom < order.size - 1 and same[bottom + 1]:
            bottom += 1
        out.append(TiltPosition(
            rule=rule.id, source=rule.cited, by=rule.by, score=float(s), rank=int(1 + np.sum(score[idx] > s)),
            members=int(idx.size), per_mu=float(v), per=rule.per, above=above, below=below, held=held,
            price=float(price), run=bottom - top + 1,
            run_top=_neighbour(frame, order[top], score, per) if bottom > top else None,
            run_bottom=_neighbour(frame, order[bottom], score, per) if bottom > top else None))
    return tuple(out)


def _neighbour(frame: pd.DataFrame, i: int | np.integer[Any], score: FloatArray, per: FloatArray) -> Neighbour:
    return Neighbour(zone=str(frame["zone"].iloc[int(i)]), name=str(frame["name"].iloc[int(i)] or ""),
                     score=float(score[int(i)]), per_mu=float(per[int(i)]))

