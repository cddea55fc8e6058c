"""Normalisation of an indicator matrix X (units × criteria) so that criteria of different units
(yuan per mu, tonnes of coal per 10k yuan, percent) can be weighted and added.

Every method returns a matrix of the same shape, **oriented so that larger is always better**:
a cost criterion (``benefit[j] = False``, e.g. energy use per unit of value added) is turned
round. Methods, for a column x of criterion j (m units):

``minmax``
    benefit ``(x - min) / (max - min)``, cost ``(max - x) / (max - min)``; values in [0, 1],
    the best unit gets 1 and the worst 0. A constant column (max = min) carries no information
    and maps to **1.0** for every unit (nobody is worse than anybody), without dividing by zero.
    Unchanged by x → a·x + b for any a > 0 (a change of unit or of origin).
``vector``
    benefit ``x / ‖x‖₂``, cost ``1 - x / ‖x‖₂`` (the cost form keeps the spread of the benefit
    form and turns it round). An all-zero column (‖x‖ = 0) maps to 0 (benefit) or 1 (cost).
    Unchanged by x → a·x, a > 0; *not* by a shift x → x + b.
``zscore``
    ``(x - mean) / std`` with ``std`` taken with ``ddof`` (default 0, the population standard
    deviation), negated for cost. A constant column maps to 0.0. Unchanged by x → a·x + b, a > 0.
``benchmark``
    against a reference level per criterion (e.g. the provincial average 亩均税收): benefit
    ``x / benchmark``, cost ``benchmark / x``; 1.0 means "at the benchmark". ``cap`` (a number or
    one per criterion, > 0) bounds the result from above, so one outlier cannot dominate a
    weighted sum. On a cost criterion a unit with x = 0 (e.g. zero emissions) is as good as it
    gets: it scores ``cap``; without a cap that is an error (the ratio would be infinite), as is
    x < 0 on a cost criterion (the ratio would turn the order round). Unchanged when a column and
    its benchmark are scaled together (a change of unit); not by scaling x alone.

Errors are :class:`~zoneopt.errors.InvalidInputError` and name the criterion (by index, and by
name when ``names`` is given) and, for bad values, the first unit row at fault.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import numpy.typing as npt

from zoneopt.errors import InvalidInputError

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

NormaliseMethod = Literal["minmax", "vector", "zscore", "benchmark"]
METHODS: tuple[str, ...] = ("minmax", "vector", "zscore", "benchmark")


def _label(j: int, names: Sequence[str] | None) -> str:
    """``criterion 2 ('tax_per_mu')`` or ``criterion 2`` — how errors name a criterion."""
    return f"criterion {j} ({names[j]!r})" if names is not None else f"criterion {j}"


def _names(names: Sequence[str] | None, n: int, what: str = "X") -> Sequence[str] | None:
    if names is None:
        return None
    if isinstance(names, str):
        raise InvalidInputError(f"names must be a sequence of {n} criterion names, not one string")
    names = list(names)
    if len(names) != n:
        raise InvalidInputError(f"names has {len(names)} entries but {what} has {n} criteria")
    return names


def _matrix(X: npt.ArrayLike, names: Sequence[str] | None, what: str = "X",
            min_units: int = 1) -> tuple[FloatArray, Sequence[str] | None]:
    """X as a 2-D float64 array (units × criteria) with only finite values, and the checked names.
    Raises InvalidInputError naming the criterion and the first unit row at fault."""
    try:
        A = np.array(X, dtype=np.float64)  # a copy: callers may write into it
    except (TypeError, ValueError) as exc:
        raise InvalidInputError(f"{what} must be a numeric matrix (units × criteria): {exc}") from None
    if A.ndim != 2:
        raise InvalidInputError(f"{what} must be 2-D (units × criteria), got {A.ndim}-D of shape {A.shape}")
    m, n = A.shape
    if n == 0:
        raise InvalidInputError(f"{what} has no criteria (shape {A.shape})")
    if m < min_units:
        raise InvalidInputError(f"{what} has {m} unit(s); at least {min_units} needed")
    names = _names(names, n, what)
    bad = ~np.isfinite(A)
    if bad.any():
        j = int(np.flatnonzero(bad.any(axis=0))[0])
        i = int(np.flatnonzero(bad[:, j])[0])
        kind = "NaN" if np.isnan(A[i, j]) else "an infinite value"
        count = int(bad[:, j].sum())
        raise InvalidInputError(f"{what} has {kind} in {_label(j, names)} at unit row {i}"
                                f" ({count} bad value(s) in that criterion)")
    return A, names


def _benefit(benefit: npt.ArrayLike | None, n: int, names: Sequence[str] | None) -> BoolArray:
    """``benefit`` as a bool array of length n (None: every criterion is a benefit)."""
    if benefit is None:
        return np.ones(n, dtype=bool)
    b = np.asarray(benefit)
    if b.ndim == 0:
        raise InvalidInputError(f"benefit must list one True/False per criterion ({n}), not a single value")
    if b.ndim != 1 or b.shape[0] != n:
        raise InvalidInputError(f"benefit has shape {b.shape} but X has {n} criteria")
    if b.dtype != np.bool_:
        raise InvalidInputError(f"benefit must be booleans (True: larger is better, False: smaller is "
                                f"better), got dtype {b.dtype}")
    return b.astype(bool, copy=True)


def _per_criterion(value: npt.ArrayLike, n: int, field: str) -> FloatArray:
    """A scalar or one value per criterion, as a float array of length n."""
    try:
        v = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InvalidInputError(f"{field} must be numeric: {exc}") from None
    if v.ndim == 0:
        return np.full(n, float(v))
    if v.shape != (n,):
        raise InvalidInputError(f"{field} has shape {v.shape}; give one value or one per criterion ({n})")
    return v


def _colscale(A: FloatArray) -> FloatArray:
    """A with each column divided by the power of two just above its largest magnitude
    (exact in floating point; all-zero columns left alone), so squares neither underflow nor
    overflow and max − min stays finite; the normalisations below are unchanged by it."""
    _, exponent = np.frexp(np.abs(A).max(axis=0))
    scaled: FloatArray = np.ldexp(A, -exponent)
    return scaled


def _minmax(A: FloatArray, b: BoolArray) -> FloatArray:
    A = _colscale(A)  # so max − min cannot overflow
    lo = A.min(axis=0)
    hi = A.max(axis=0)
    span = hi - lo
    const = span == 0
    safe = np.where(const, 1.0, span)
    Z = np.where(b, (A - lo) / safe, (hi - A) / safe)
    Z[:, const] = 1.0
    return Z


def _vector(A: FloatArray, b: BoolArray) -> FloatArray:
    A = _colscale(A)
    norm = np.sqrt((A * A).sum(axis=0))
    R = A / np.where(norm == 0, 1.0, norm)  # an all-zero column stays 0
    return np.where(b, R, 1.0 - R)


def _zscore(A: FloatArray, b: BoolArray, ddof: int) -> FloatArray:
    m = A.shape[0]
    if isinstance(ddof, bool) or not isinstance(ddof, int | np.integer) or ddof < 0:
        raise InvalidInputError(f"ddof must be a whole number >= 0, got {ddof!r}")
    if m - ddof <= 0:
        raise InvalidInputError(f"zscore with ddof={ddof} needs more than {ddof} unit(s); X has {m}")
    # constant by its values, not by std == 0: the mean of equal values may be off by an ulp
    const = A.max(axis=0) == A.min(axis=0)
    A = _colscale(A)
    mean = A.mean(axis=0)
    std = A.std(axis=0, ddof=ddof)
    Z = (A - mean) / np.where(const, 1.0, std)
    Z[:, const] = 0.0
    return np.where(b, Z, -Z)


def _benchmark(A: FloatArray, b: BoolArray, benchmark: npt.ArrayLike | None, cap: npt.ArrayLike | None,
               names: Sequence[str] | None) -> FloatArray:
    m, n = A.shape
    if benchmark is None:
        raise InvalidInputError("method 'benchmark' needs benchmark= (one reference level per criterion)")
    ref = _per_criterion(benchmark, n, "benchmark")
    bad = ~(np.isfinite(ref) & (ref > 0))
    if bad.any():
        j = int(np.flatnonzero(bad)[0])
        raise InvalidInputError(f"benchmark for {_label(j, names)} is {float(ref[j])!r}; "
                                f"it must be a finite number > 0")
    caps: FloatArray | None = None
    if cap is not None:
        caps = _per_criterion(cap, n, "cap")
        bad = np.isnan(caps) | ~(caps > 0)
        if bad.any():
            j = int(np.flatnonzero(bad)[0])
            raise InvalidInputError(f"cap for {_label(j, names)} is {float(caps[j])!r}; it must be > 0 (inf: no cap)")
    cost = ~b
    nonpos = cost & (A <= 0).any(axis=0)
    if nonpos.any():
        j = int(np.flatnonzero(nonpos)[0])
        i = int(np.flatnonzero(A[:, j] <= 0)[0])
        if (A[:, j] < 0).any():
            i = int(np.flatnonzero(A[:, j] < 0)[0])
            raise InvalidInputError(f"{_label(j, names)} is a cost criterion and unit row {i} has a negative "
                                    f"value {float(A[i, j])!r}; benchmark / x would turn the order round")
        if caps is None or not np.isfinite(caps[j]):
            raise InvalidInputError(f"{_label(j, names)} is a cost criterion and unit row {i} has value 0, so "
                                    f"benchmark / x is infinite; pass a finite cap= to score it at the cap")
    with np.errstate(divide="ignore"):
        Z = np.where(b, A / ref, ref / np.where(A == 0, 0.0, A))
    if caps is not None:
        # zero on a cost criterion: as good as it gets, i.e. at the cap
        Z = np.where(cost & (A == 0), caps, Z)
        Z = np.minimum(Z, caps)
    return Z


def normalise(X: npt.ArrayLike, method: NormaliseMethod, benefit: npt.ArrayLike | None = None,
              benchmark: npt.ArrayLike | None = None, cap: float | npt.ArrayLike | None = None, *,
              names: Sequence[str] | None = None, ddof: int = 0) -> FloatArray:
    """Normalise the indicator matrix ``X`` (units × criteria) column by column so that larger
    is better on every criterion; see the module docstring for each ``method``'s formula and its
    edge cases (constant columns, zeros on cost criteria).

    ``benefit`` — one bool per criterion: True if larger is better (亩均税收), False for a cost
    criterion (单位能耗); None means all benefit. ``benchmark`` and ``cap`` — only for
    ``method="benchmark"``: the reference level per criterion (> 0, in the criterion's unit) and
    an optional upper bound on the ratio (one number or one per criterion). ``names`` — criterion
    names used in error messages. ``ddof`` — degrees of freedom of the ``zscore`` standard
    deviation (0: population).

    Returns a new float64 array of X's shape (dimensionless). Raises
    :class:`~zoneopt.errors.InvalidInputError` for an unknown method, a matrix that is not 2-D,
    NaN or infinite entries, a ``benefit`` of the wrong length, non-positive benchmarks or caps,
    zeros or negatives on a cost criterion with ``benchmark`` (see above), or
    ``benchmark``/``cap`` given with another method; messages name the criterion.
    """
    if method not in METHODS:
        raise InvalidInputError(f"unknown normalisation method {method!r}; choose one of {', '.join(METHODS)}")
    if method != "benchmark" and (benchmark is not None or cap is not None):
        raise InvalidInputError(f"benchmark= and cap= apply only to method 'benchmark', not {method!r}")
    A, names = _matrix(X, names)
    b = _benefit(benefit, A.shape[1], names)
    if method == "minmax":
        return _minmax(A, b)
    if method == "vector":
        return _vector(A, b)
    if method == "zscore":
        return _zscore(A, b, ddof)
    return _benchmark(A, b, benchmark, cap, names)


__all__ = ["normalise", "NormaliseMethod", "METHODS"]
