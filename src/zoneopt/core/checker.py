"""Independent check of a solution against its model, in numpy only (no solver code).

Every solution that :func:`zoneopt.core.solve` reports has passed :func:`check_solution`:
variable bounds, every row, integrality and the reported objective, each to ``tolerance``
scaled by ``max(1, |bound|)`` (integrality absolutely).

Where an LP comes with row duals, the check also certifies optimality (weak duality: a feasible
primal point and a feasible dual point with equal objectives are both optimal). The reduced
costs are recomputed here as ``d = c - A.T @ y`` (the solver's own are not trusted); every dual
must have the sign of a bound that exists (a row or variable at its lower bound in a
minimisation has a non-negative dual, see :mod:`zoneopt.core.solution`), and the dual objective

    c0 + sum_i y_i * (the bound of row i its sign points at) + sum_j d_j * (the same for x_j)

must equal the primal objective. ``dual_infeasibility`` is the largest wrong-signed dual
(scaled by ``max(1, |c|)``, the row's or column's objective magnitude, for the test) and
``duality_gap`` the distance between the two objectives (scaled by ``max(1, |objective|)``,
for a QP ``max(1, |objective|, |xᵀHx|)``, for the test), each reported in the plan's units (``Model.objective_scale``).

For a quadratic objective (``Model.hessian``) the objective is c @ x + c0 + ½ xᵀ H x and the
certificate is the same with c replaced by the gradient g = c + H x and c0 by c0 − ½ xᵀ H x
(the Wolfe dual of a convex QP): d = g − A.T @ y, and a zero gap is complementary slackness.

Declared semi-continuous columns (``Model.semicontinuous``) need no check of their own: the
declaration restates rows the model has (x − lot·y >= 0, x − cap·y <= 0, y binary), and those
rows and y's integrality are checked; a backend that solved them natively returns y with x.

Where a MIP comes with the solver's best bound, the relative gap is recomputed from the checked
objective, and a bound on the wrong side of the objective (a "bound" the solver's own point
beats) fails the check.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from zoneopt.core.model import Model
from zoneopt.core.solution import CheckReport

DEFAULT_TOLERANCE = 1e-6

FloatArray = npt.NDArray[np.float64]


def _scaled_excess(value: FloatArray, lo: FloatArray, hi: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Absolute violation of ``lo <= value <= hi`` and the same divided by max(1, |bound|)."""
    with np.errstate(invalid="ignore"):
        below = np.where(np.isfinite(lo), lo - value, -np.inf)
        above = np.where(np.isfinite(hi), value - hi, -np.inf)
    absolute = np.maximum(np.maximum(below, above), 0.0)
    bound = np.where(below >= above, np.abs(lo), np.abs(hi))
    bound = np.where(np.isfinite(bound), bound, 0.0)
    return absolute, absolute / np.maximum(1.0, bound)


def mip_gap(objective: float, bound: float) -> float:
    """The relative MIP gap as HiGHS reports it: |objective - bound| / |objective| (guarded at 0)."""
    return abs(objective - bound) / max(abs(objective), 1e-10)


def _signed_bound_terms(dual: FloatArray, lo: FloatArray, hi: FloatArray) -> tuple[FloatArray, FloatArray]:
    """For duals in minimisation form: each dual times the bound its sign points at (positive:
    lower, negative: upper), 0 where that bound is infinite, and the wrong-signed part there."""
    bound = np.where(dual > 0, lo, hi)
    finite = np.isfinite(bound)
    terms = np.where(finite & (dual != 0), dual * np.where(finite, bound, 0.0), 0.0)
    wrong = np.where(finite | (dual == 0), 0.0, np.abs(dual))
    return terms, wrong


def dual_certificate(model: Model, x: FloatArray, row_duals: npt.ArrayLike
                     ) -> tuple[float, float, float, float, float]:
    """Weak-duality certificate of an LP point ``x`` with row duals ``row_duals`` (zoneopt's sign
    convention). Returns (dual infeasibility, the same scaled, dual objective, duality gap, the
    same scaled), in the model's objective units."""
    y = np.asarray(row_duals, dtype=np.float64)
    sign = 1.0 if model.sense == "min" else -1.0
    ym = sign * y  # minimisation form: the dual of min (sign * c) @ x
    grad = model.objective_gradient(x)
    cm = sign * grad
    # A QP's dual objective has −½ xᵀ H x in its constant (0 for an LP).
    c0 = model.c0 - (0.5 * float(x @ (model.hessian @ x)) if model.hessian is not None else 0.0)
    dm = cm - model.A.T @ ym
    row_terms, row_wrong = _signed_bound_terms(ym, model.row_lb, model.row_ub)
    col_terms, col_wrong = _signed_bound_terms(dm, model.lb, model.ub)
    c_scale = max(1.0, float(np.abs(grad).max(initial=0.0)))
    col_scale = np.maximum(np.maximum(1.0, np.abs(grad)), abs(model.A).T @ np.abs(ym))
    infeasibility = float(max(row_wrong.max(initial=0.0), col_wrong.max(initial=0.0)))
    infeasibility_scaled = float(max(row_wrong.max(initial=0.0) / c_scale,
                                     (col_wrong / col_scale).max(initial=0.0)))
    dual_objective = sign * (sign * c0 + float(row_terms.sum()) + float(col_terms.sum()))
    primal = model.objective_value(x)
    gap = abs(primal - dual_objective)
    # A QP's two objectives are sums of parts (c0, ½ xᵀHx, the bound terms) larger than the
    # objective itself; the solver's accuracy is relative to them (an LP: to the objective).
    quad = abs(float(x @ (model.hessian @ x))) if model.hessian is not None else 0.0
    gap_scaled = gap / max(1.0, abs(primal), quad)
    return infeasibility, infeasibility_scaled, dual_objective, gap, gap_scaled


def check_solution(model: Model, x: npt.ArrayLike, objective: float | None = None,
                   tolerance: float = DEFAULT_TOLERANCE, *, row_duals: npt.ArrayLike | None = None,
                   best_bound: float | None = None) -> CheckReport:
    """Measure how far ``x`` is from feasible for ``model`` and whether ``objective`` matches
    ``c @ x + c0``; with ``row_duals`` (an LP), whether they prove ``x`` optimal; with
    ``best_bound`` (a MIP), the gap it leaves. Returns a report; never raises for a bad point."""
    xv = np.asarray(x, dtype=np.float64)
    if xv.shape != (model.num_vars,) or not np.all(np.isfinite(xv)):
        return CheckReport(False, tolerance, np.inf, np.inf, np.inf, np.inf,
                           worst=f"solution vector has shape {xv.shape} or non-finite values")
    bound_abs, bound_rel = _scaled_excess(xv, model.lb, model.ub)
    activity = model.A @ xv
    row_abs, row_rel = _scaled_excess(activity, model.row_lb, model.row_ub)
    if model.is_mip:
        frac = np.abs(xv - np.round(xv))
        int_abs = np.where(model.integer, frac, 0.0)
    else:
        int_abs = np.zeros(0)
    true_obj = model.objective_value(xv)
    obj_err = 0.0 if objective is None else abs(objective - true_obj) / max(1.0, abs(true_obj))

    candidates: list[tuple[float, str]] = []
    if bound_rel.size:
        j = int(np.argmax(bound_rel))
        candidates.append((float(bound_rel[j]), f"bound of variable {model.column_names()[j]}"
                           if bound_rel[j] > tolerance else ""))
    if row_rel.size:
        i = int(np.argmax(row_rel))
        candidates.append((float(row_rel[i]), f"row {model.constraint_names()[i]}"
                           if row_rel[i] > tolerance else ""))
    if int_abs.size:
        j = int(np.argmax(int_abs))
        candidates.append((float(int_abs[j]), f"integrality of {model.column_names()[j]}"
                           if int_abs[j] > tolerance else ""))
    candidates.append((obj_err, "reported objective" if obj_err > tolerance else ""))

    scale = model.objective_scale
    optimality: dict[str, float | None] = {}
    if row_duals is not None and not model.is_mip and np.shape(row_duals) == (model.num_rows,):
        infeas, infeas_scaled, dual_obj, gap, gap_scaled = dual_certificate(model, xv, row_duals)
        candidates.append((infeas_scaled, "dual feasibility (a dual of the wrong sign)"
                           if infeas_scaled > tolerance else ""))
        candidates.append((gap_scaled, f"duality gap ({gap * scale:.6g}{_unit(model)})"
                           if gap_scaled > tolerance else ""))
        optimality = {"dual_infeasibility": infeas * scale, "dual_objective": dual_obj * scale,
                      "duality_gap": gap * scale}
    if best_bound is not None and model.is_mip and np.isfinite(best_bound):
        # A bound must not be beaten by the solver's own point.
        beaten = (best_bound - true_obj) if model.sense == "min" else (true_obj - best_bound)
        beaten_scaled = max(beaten, 0.0) / max(1.0, abs(true_obj))
        candidates.append((beaten_scaled, f"best bound {best_bound:.10g} (beaten by the objective "
                                          f"{true_obj:.10g})" if beaten_scaled > tolerance else ""))
        optimality = {"best_bound": float(best_bound), "mip_gap": mip_gap(true_obj, float(best_bound))}

    worst_value, worst = max(candidates, key=lambda t: t[0])
    passed = worst_value <= tolerance
    return CheckReport(
        passed=passed,
        tolerance=tolerance,
        max_bound_violation=float(bound_abs.max(initial=0.0)),
        max_row_violation=float(row_abs.max(initial=0.0)),
        max_integrality_violation=float(int_abs.max(initial=0.0)),
        objective_error=float(obj_err),
        worst=None if passed else worst,
        objective_unit=model.objective_unit,
        **optimality,
    )


def _unit(model: Model) -> str:
    return f" {model.objective_unit}" if model.objective_unit else " objective units"
