"""Independent check of a solution against its model, in numpy only (no solver code).

Every solution that :func:`zoneopt.core.solve` reports has passed :func:`check_solution`:
variable bounds, every row, integrality and the reported objective, each to ``tolerance``
scaled by ``max(1, |bound|)`` (integrality absolutely).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from zoneopt.core.model import Model
from zoneopt.core.solution import CheckReport

DEFAULT_TOLERANCE = 1e-6


def _scaled_excess(value: npt.NDArray[np.float64], lo: npt.NDArray[np.float64],
                   hi: npt.NDArray[np.float64]) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Absolute violation of ``lo <= value <= hi`` and the same divided by max(1, |bound|)."""
    with np.errstate(invalid="ignore"):
        below = np.where(np.isfinite(lo), lo - value, -np.inf)
        above = np.where(np.isfinite(hi), value - hi, -np.inf)
    absolute = np.maximum(np.maximum(below, above), 0.0)
    bound = np.where(below >= above, np.abs(lo), np.abs(hi))
    bound = np.where(np.isfinite(bound), bound, 0.0)
    return absolute, absolute / np.maximum(1.0, bound)


def check_solution(model: Model, x: npt.ArrayLike, objective: float | None = None,
                   tolerance: float = DEFAULT_TOLERANCE) -> CheckReport:
    """Measure how far ``x`` is from feasible for ``model`` and whether ``objective`` matches
    ``c @ x + c0``. Returns a report; never raises for an infeasible point."""
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
    )
