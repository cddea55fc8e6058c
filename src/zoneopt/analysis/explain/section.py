"""The section of a resource whose model has one column per zone (a pollutant's allowances,
the funds), LP or MIP: the zone's rule rows with prices and ranges, the pool's and each
binding row's bound moved a step each way and re-solved, and for a zone at 0 the weight
rise its reduced cost asks for (no re-solve search, unlike land)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from zoneopt.analysis.explain.resolve import ZERO, Solved, bound_steps, rows_on, zone_rules
from zoneopt.analysis.explain.results import ResourceExplanation, Step, WeightThreshold, ZoneRule
from zoneopt.plans.glossary import Term, spoken

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Weight:
    """How a zone's objective weight enters the model: its name, description and unit, its
    value, and the natural objective coefficient per unit of the resource per unit of weight."""

    indicator: str | None
    description: str
    unit: str
    value: float
    per_weight: float


def _weight_threshold(sv: Solved, col: int, sigma: float, rules: list[ZoneRule], rows: npt.NDArray[np.int64],
                      kind: str, w: Weight, unit: str) -> WeightThreshold:
    """The reduced-cost threshold of a zone at 0 (see :class:`WeightThreshold`; no re-solve search)."""
    m, sol = sv.model, sv.solution
    nnz = np.diff(m.A.indptr)[rows]
    blocking = [(r, k) for k, r in enumerate(rules)
                if nnz[k] == 1 and r.binding and r.side in ("upper", "equal") and r.bound <= ZERO * sigma]
    blocked_by = tuple(dict.fromkeys(r.rule for r, _ in blocking))
    if sol.reduced_costs is None or sol.row_duals is None:
        return WeightThreshold(kind, w.indicator, w.description, w.unit, w.value, math.nan, blocked_by,
                               note=spoken("xnote.no_reduced_costs"))
    d = float(sol.reduced_costs[col])
    for _, k in blocking:  # set the blocking rows aside: their duals no longer count
        row = int(rows[k])
        d += float(m.A[row, col]) * float(sol.row_duals[row])
    sign = -1.0 if m.sense == "max" else 1.0
    rise = max(0.0, sign * d * sv.obj_scale / sigma) / (w.per_weight if w.per_weight > 0 else 1.0)
    note = spoken("xnote.reduced_cost_necessary") if not blocked_by else ""
    return WeightThreshold(kind, w.indicator, w.description, w.unit, w.value, rise, blocked_by, note=note)


def column_section(sv: Solved, *, resource: str, unit: str, col: int, zone: int, sigma: float, integral: bool,
                   pool_rule: str, pool_total: float, pool_allocated: float, pool_source: str | None,
                   request: float | None, objective_kind: str, objective: float, objective_unit: str, step: float,
                   weight: Weight | None, notes: list[str]) -> ResourceExplanation:
    """One LP or MIP resource block with one column per zone (a pollutant's allowances, the
    funds): the zone's (``zone``, its column ``col``) rows with prices, the pool's, re-solves,
    the weight threshold."""
    m, sol = sv.model, sv.solution
    assert sol.x is not None
    x = sol.x

    def alloc_of(v: FloatArray) -> float:
        raw = float(v[col])
        return (round(raw) if integral else max(raw, 0.0)) * sigma

    allocation = alloc_of(x)
    price_unit = f"{objective_unit} per {unit}"
    rows = rows_on(m, np.array([col], dtype=np.int64))
    rules = zone_rules(sv, rows, x, price_unit, zone=zone)
    pool = next((r for r in rules if r.rule == pool_rule), None)
    steps: list[Step] = []
    if pool is not None:
        steps += bound_steps(sv, pool, int(rows[rules.index(pool)]), step, allocation, objective, alloc_of, pool=True)
    for r, row in zip(rules, rows.tolist(), strict=True):  # the zone's binding rows
        if r.binding and r.rule != pool_rule and r.type != "tilt":
            steps += bound_steps(sv, r, row, step, allocation, objective, alloc_of)
    wt = None
    if allocation <= ZERO * sigma and weight is not None:
        wt = _weight_threshold(sv, col, sigma, rules, rows, objective_kind, weight, unit)
    if m.is_mip:
        notes = [*notes, spoken("xnote.mip", what=Term("xnote.tranches"))]
    elif sv.ranges[2]:
        notes = [*notes, f"ranges: {sv.ranges[2]}"]
    if any(r.type == "tilt" for r in rules):
        notes = [*notes, spoken("xnote.tilt_rows")]
    fulfil = allocation / request if request is not None and request > 0 else None
    return ResourceExplanation(
        resource=resource, unit=unit, allocation=allocation, request=request, fulfilment=fulfil,
        pool_total=pool_total, pool_allocated=pool_allocated, pool_rule=pool_rule, pool_source=pool_source,
        pool_price=pool.shadow_price if pool is not None else math.nan,
        pool_range_lower=pool.range_lower if pool is not None else math.nan,
        pool_range_upper=pool.range_upper if pool is not None else math.nan, price_unit=price_unit,
        objective_kind=objective_kind, objective=objective, objective_unit=objective_unit, rules=tuple(rules),
        step=step, steps=tuple(steps), weight=wt, tilts=(), notes=tuple(notes), method="mip" if m.is_mip else "lp")


def float_or_none(v: Any) -> float | None:
    """``v`` as a float, ``None`` for a missing value (``None`` or NaN: no request)."""
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)

