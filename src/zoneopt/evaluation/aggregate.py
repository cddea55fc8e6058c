"""Aggregation of criteria into one score per unit: a weighted sum of a normalised matrix, and
TOPSIS (Hwang & Yoon 1981).

Weights passed here must already be a weight vector: one per criterion, each >= 0, summing to 1
(within 1e-9) — use :func:`~zoneopt.evaluation.weights.fixed_weights` to scale raw values.
Both functions treat each unit (row) on its own terms apart from the column statistics TOPSIS
takes (norms, ideal, anti-ideal), so permuting the units permutes the result the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from zoneopt.errors import InvalidInputError
from zoneopt.evaluation.normalise import METHODS, FloatArray, NormaliseMethod, _benefit, _label, _matrix
from zoneopt.evaluation.normalise import normalise as normalise_matrix

WEIGHT_SUM_TOL = 1e-9


def _weight_vector(w: npt.ArrayLike, n: int, names: Sequence[str] | None, field: str = "w") -> FloatArray:
    try:
        v = np.array(w, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InvalidInputError(f"{field} must be numbers, one weight per criterion: {exc}") from None
    if v.shape != (n,):
        raise InvalidInputError(f"{field} has shape {v.shape} but the matrix has {n} criteria")
    bad = ~np.isfinite(v) | (v < 0)
    if bad.any():
        j = int(np.flatnonzero(bad)[0])
        raise InvalidInputError(f"{field} for {_label(j, names)} is {float(v[j])!r}; weights must be finite and >= 0")
    total = float(v.sum())
    if abs(total - 1.0) > WEIGHT_SUM_TOL:
        raise InvalidInputError(f"{field} sums to {total!r}, not 1; scale it with fixed_weights() first")
    return v


def weighted_sum(Z: npt.ArrayLike, w: npt.ArrayLike, *, names: Sequence[str] | None = None) -> FloatArray:
    """Score of each unit: ``Σ_j w_j Z_ij`` for a normalised matrix ``Z`` (units × criteria,
    larger better — see :func:`~zoneopt.evaluation.normalise.normalise`) and weights ``w``
    (>= 0, sum 1). The score is in Z's unit (e.g. [0, 1] for min-max). Zero units give an empty
    array.

    Raises :class:`~zoneopt.errors.InvalidInputError` for NaN/inf in Z, or weights of the wrong
    length, negative, or not summing to 1; messages name the criterion.
    """
    A, names = _matrix(Z, names, what="Z", min_units=0)
    v = _weight_vector(w, A.shape[1], names)
    # a row-wise sum (not a BLAS product) so each unit's score depends only on its own row
    scores: FloatArray = (A * v).sum(axis=1)
    return scores


@dataclass(frozen=True, eq=False)
class TopsisResult:
    """The outcome of :func:`topsis`, all arrays read-only.

    ``closeness`` (per unit, in [0, 1], larger better) = d_worst / (d_best + d_worst);
    ``d_best`` / ``d_worst`` (per unit) — Euclidean distances to the ideal and anti-ideal point;
    ``ideal`` / ``anti_ideal`` (per criterion) — in the weighted normalised space, per direction:
    the largest value of a benefit criterion and the smallest of a cost criterion, and the
    reverse for the anti-ideal.
    """

    closeness: FloatArray
    d_best: FloatArray
    d_worst: FloatArray
    ideal: FloatArray
    anti_ideal: FloatArray


def _frozen(a: FloatArray) -> FloatArray:
    a.setflags(write=False)
    return a


def topsis(X: npt.ArrayLike, w: npt.ArrayLike, benefit: npt.ArrayLike | None = None,
           normalise: NormaliseMethod = "vector", *, benchmark: npt.ArrayLike | None = None,
           cap: float | npt.ArrayLike | None = None, names: Sequence[str] | None = None,
           ddof: int = 0) -> TopsisResult:
    """TOPSIS as in Hwang & Yoon (1981): normalise each column of ``X`` (units × criteria, raw
    values), weight it ``v = w·r`` (``w`` >= 0 summing to 1), take the ideal and anti-ideal point
    per direction (``benefit``: one bool per criterion, None: all benefit; for a cost criterion
    the ideal is the smallest value), the Euclidean distances ``d_best``, ``d_worst`` of each
    unit to them, and the relative closeness ``C = d_worst / (d_best + d_worst)``.

    ``normalise`` is any method of :func:`~zoneopt.evaluation.normalise.normalise`, each taken in
    its benefit form — an increasing linear map of the column, so the direction enters only
    through the ideal point: ``"vector"`` ``r = x/‖x‖₂`` (the classic), ``"minmax"``
    ``r = (x − min)/(max − min)`` (a constant column gives r = 1; the linear normalisation of
    e.g. Opricovic & Tzeng 2004), ``"zscore"`` ``r = (x − mean)/std`` (``ddof``; a constant
    column gives 0) or ``"benchmark"`` ``r = x/benchmark`` (``benchmark`` > 0 per criterion;
    ``cap`` bounds r, so one outlier cannot set the ideal or anti-ideal point alone). A linear
    normalisation turned round for a cost criterion (``1 − r``, ``max − x``) is a reflection, so
    the distances — and the closeness — are the same either way.

    When every unit has the same values on all weighted criteria (including a single unit)
    ideal and anti-ideal coincide, both distances are 0 and the closeness is defined as **0.5**
    for every unit: none is better or worse than another.

    Raises :class:`~zoneopt.errors.InvalidInputError` for NaN/inf, an empty matrix, a
    ``benefit`` or ``w`` of the wrong length, invalid weights, an unknown ``normalise``, or
    ``benchmark``/``cap`` that do not fit it (as :func:`~zoneopt.evaluation.normalise.normalise`).
    """
    if normalise not in METHODS:
        raise InvalidInputError(f"unknown TOPSIS normalisation {normalise!r}; choose one of {', '.join(METHODS)}")
    A, names = _matrix(X, names)
    n = A.shape[1]
    b = _benefit(benefit, n, names)
    v = _weight_vector(w, n, names)
    R = normalise_matrix(A, normalise, None, benchmark=benchmark, cap=cap, names=names, ddof=ddof)
    V = R * v
    hi, low = V.max(axis=0), V.min(axis=0)
    ideal = np.where(b, hi, low)
    anti = np.where(b, low, hi)
    d_best = np.sqrt(((V - ideal) ** 2).sum(axis=1))
    d_worst = np.sqrt(((V - anti) ** 2).sum(axis=1))
    total = d_best + d_worst
    closeness = np.where(total > 0, d_worst / np.where(total > 0, total, 1.0), 0.5)
    np.clip(closeness, 0.0, 1.0, out=closeness)
    return TopsisResult(closeness=_frozen(closeness), d_best=_frozen(d_best), d_worst=_frozen(d_worst),
                        ideal=_frozen(ideal), anti_ideal=_frozen(anti))


__all__ = ["weighted_sum", "topsis", "TopsisResult", "WEIGHT_SUM_TOL"]
