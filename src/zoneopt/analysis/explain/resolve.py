"""The re-solve engine every section shares: a solved model read in natural units
(:class:`Solved`: row scales, prices, HiGHS ranges), the rule rows on a zone as
:class:`~zoneopt.analysis.explain.results.ZoneRule` s (:func:`zone_rules`), and re-solves of
the model with one row's active bound moved by ±step (:func:`moved_bound_steps`,
:func:`bound_steps`) or with other variable bounds (:func:`resolve`); :func:`round_step`
picks the step for a pool."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from zoneopt.analysis.explain.results import Step, ZoneRule
from zoneopt.core.model import Model
from zoneopt.core.solution import Solution, SolveOptions
from zoneopt.core.solve import solve as core_solve
from zoneopt.errors import ZoneoptError
from zoneopt.plans.glossary import spoken

FloatArray = npt.NDArray[np.float64]

ZERO = 1e-7
"""A zone with less than this share of a resource's unit is "at 0"."""


def round_step(total: float) -> float:
    """About 1 % of ``total``, rounded down to 1, 2 or 5 × a power of ten (the re-solve step
    of a pool of that size)."""
    target = 0.01 * total
    e = 10.0 ** math.floor(math.log10(target))
    return next(f * e for f in (5.0, 2.0, 1.0) if f * e <= target * (1 + 1e-12))


@dataclass(frozen=True, eq=False)
class Solved:
    """One solved resource model (not land) and how to read it in natural units."""

    model: Model
    solution: Solution
    scale: FloatArray
    """natural units per model unit of each row."""
    obj_scale: float
    rules: Mapping[str, Any]
    backend: str
    options: SolveOptions
    ranges: tuple[FloatArray, FloatArray, str]
    """per-row price ranges (natural units; NaN where unknown) and why there are none."""
    zone_map: sp.csr_matrix | None = None
    """model columns × zones, as the plan reads them (which zone each column counts for)."""
    pool_wide: frozenset[str] = frozenset()
    """rules said once for the plan (:func:`zoneopt.models.rules.pool_wide_rules`)."""


def solved(model: Model, solution: Solution, scale: float | FloatArray, obj_scale: float, rules: Mapping[str, Any],
           backend: str, options: SolveOptions, zone_map: sp.csr_matrix | None = None,
           pool_wide: frozenset[str] = frozenset()) -> Solved:
    """``solution`` of ``model`` with ``scale`` natural units per model unit of each row (one
    number or one per row) and ``obj_scale`` natural objective units per model unit, and the
    price ranges of its rows from HiGHS (an LP solved on HiGHS only; else why there are none).
    ``zone_map`` and ``pool_wide`` are what the plan decides binding rules per zone with."""
    rows = np.broadcast_to(np.asarray(scale, dtype=float), (model.num_rows,)).copy()
    nan = np.full(model.num_rows, np.nan)
    note = ""
    lo = hi = nan
    if model.is_mip or solution.row_duals is None:
        note = spoken("reason.mip") if model.is_mip else spoken("reason.no_duals", backend=backend)
    elif model.is_quadratic:
        note = spoken("reason.quadratic")
    elif backend != "highs":
        note = f"ranging comes from the HiGHS simplex basis; these prices are from {backend}"
    else:
        from zoneopt.core.backends.highs import row_ranging

        try:
            rr = row_ranging(model, options)
        except ZoneoptError as exc:
            note = f"no ranging: {exc}"
        else:
            y = solution.row_duals
            if np.abs(rr.row_duals - y).max(initial=0.0) > 1e-5 * max(1.0, float(np.abs(y).max(initial=0.0))):
                note = "HiGHS's optimal basis has other duals than these prices (a degenerate LP); no ranges"
            else:
                lo, hi = rr.lower * rows, rr.upper * rows
    return Solved(model, solution, rows, obj_scale, rules, backend, options, (lo, hi, note), zone_map, pool_wide)


def rule_of_rows(m: Model) -> npt.NDArray[np.object_]:
    """The rule id of each row (``""`` for structural rows), a loop over blocks."""
    out = np.full(m.num_rows, "", dtype=object)
    for b in m.row_blocks:
        if b.rule:
            out[b.slice] = b.rule
    return out


def rows_on(m: Model, cols: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """The rule rows with a coefficient on any of ``cols`` (sorted)."""
    if cols.size == 0:
        return np.zeros(0, np.int64)
    rows = np.unique(m.A[:, cols].tocoo().row).astype(np.int64)
    return rows[rule_of_rows(m)[rows] != ""]


def zone_rules(sv: Solved, rows: npt.NDArray[np.int64], x: FloatArray, price_unit: str,
               zone: int | None = None) -> list[ZoneRule]:
    """The rule rows ``rows`` as :class:`ZoneRule` s in natural units, with prices (LP); with
    ``zone``, each marked whether it binds for that zone (:func:`zoneopt.models.rules.binds_for_zone`)."""
    from zoneopt.models.rules import BINDING_TOLERANCE, binds_for_zone

    m = sv.model
    if rows.size == 0:
        return []
    owner = (binds_for_zone(m, x, rows, sv.zone_map, sv.pool_wide) if zone is not None and sv.zone_map is not None
             else np.full(rows.size, -1))
    act_m = m.A[rows] @ x
    lo_m, hi_m = m.row_lb[rows], m.row_ub[rows]
    tol = BINDING_TOLERANCE * np.maximum(1.0, np.abs(np.where(np.isfinite(hi_m), hi_m, lo_m)))
    at_ub = np.isfinite(hi_m) & (np.abs(act_m - hi_m) <= tol)
    at_lb = np.isfinite(lo_m) & (np.abs(act_m - lo_m) <= tol) & ~at_ub
    nearer_ub = np.isfinite(hi_m) & (~np.isfinite(lo_m) | (np.abs(hi_m - act_m) <= np.abs(act_m - lo_m)))
    on_ub = at_ub | (~at_lb & nearer_ub)
    scale = sv.scale[rows]
    bound = np.where(on_ub, hi_m, lo_m) * scale
    act = act_m * scale
    y = sv.solution.row_duals
    price = y[rows] * sv.obj_scale / scale if y is not None and not m.is_mip else np.full(rows.size, np.nan)
    lo_r, hi_r, _ = sv.ranges
    names = list(m.block_row_names(rows))
    block_of = m.row_block_index()[rows]
    out = []
    for k, name in enumerate(names):  # the zone's few rows
        b = m.row_blocks[int(block_of[k])]
        info = sv.rules.get(b.rule or "")
        side = ("equal" if lo_m[k] == hi_m[k] else "upper") if on_ub[k] else "lower"
        binding = bool(at_ub[k] or at_lb[k])
        p = float(price[k]) if binding or m.is_mip else (0.0 if y is not None else math.nan)
        out.append(ZoneRule(rule=b.rule or "", type=getattr(info, "type", ""), source=b.source,
                            note=getattr(info, "note", None), row=name, label=name[name.index("[") + 1:-1],
                            side=side, bound=float(bound[k]), activity=float(act[k]),
                            slack=abs(float(bound[k]) - float(act[k])), binding=binding, shadow_price=p,
                            range_lower=float(lo_r[rows[k]]), range_upper=float(hi_r[rows[k]]), price_unit=price_unit,
                            for_zone=bool(owner[k] == zone)))
    return out


def resolve(sv: Solved, row_lb: FloatArray | None = None, row_ub: FloatArray | None = None,
            lb: FloatArray | None = None, ub: FloatArray | None = None, tag: str = "") -> Solution:
    """``sv``'s model solved again with the row or variable bounds given (the others as they
    are), on the same backend and options; ``tag`` names the variant in the model's name."""
    m = sv.model
    model = replace(m, row_lb=m.row_lb if row_lb is None else row_lb, row_ub=m.row_ub if row_ub is None else row_ub,
                    lb=m.lb if lb is None else lb, ub=m.ub if ub is None else ub, name=f"{m.name}:explain[{tag}]")
    return core_solve(model, sv.backend, options=sv.options)


def bound_steps(sv: Solved, r: ZoneRule, row: int, step: float, allocation: float, base_obj: float,
                alloc_of: Any, pool: bool = False) -> list[Step]:
    """Re-solves of a resource model with one row's active bound moved by ±step natural units."""

    def solve_at(row_lb: FloatArray, row_ub: FloatArray, tag: str) -> tuple[str, float, float]:
        sol = resolve(sv, row_lb, row_ub, tag=tag)
        ok = sol.status.has_solution and sol.x is not None and sol.objective is not None
        a = float(alloc_of(sol.x)) if ok else math.nan
        obj = float(sol.objective) * sv.obj_scale if ok and sol.objective is not None else math.nan
        return sol.status.value, a, obj

    return moved_bound_steps(sv.model, r, row, step, float(sv.scale[row]), allocation, base_obj, solve_at,
                             predicted=not pool or not math.isnan(r.shadow_price))


def moved_bound_steps(m: Model, r: ZoneRule, row: int, step: float, scale: float, allocation: float,
                      base_obj: float, solve_at: Any, predicted: bool = True) -> list[Step]:
    """Re-solves with one row's active bound moved by ±step natural units (loosening first;
    both bounds of an equality), ``scale`` natural units per model unit of the row.
    ``solve_at(row_lb, row_ub, tag)`` returns (status, the zone's allocation, objective)."""
    loosen = -1.0 if r.side == "lower" else 1.0
    coef = m.A[row].data
    out = []
    for d in (loosen * step, -loosen * step):
        new = r.bound + d
        if new < 0 <= r.bound and (coef >= 0).all():  # a bound of a non-negative total below 0
            continue
        row_lb, row_ub = m.row_lb.copy(), m.row_ub.copy()
        if r.side in ("upper", "equal"):
            row_ub[row] = new / scale
        if r.side in ("lower", "equal"):
            row_lb[row] = new / scale
        if row_lb[row] > row_ub[row]:
            status, a, obj = "infeasible", math.nan, math.nan
        else:
            status, a, obj = solve_at(row_lb, row_ub, f"{r.row}{d:+g}")
        out.append(Step(rule=r.rule, row=r.row, side=r.side, bound=r.bound, delta=d, status=status, allocation=a,
                        change=a - allocation, objective=obj, objective_change=obj - base_obj,
                        predicted=r.shadow_price * d if predicted else math.nan))
    return out

