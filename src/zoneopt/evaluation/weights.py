"""Criterion weights: objective (entropy, CRITIC, standard deviation) from an indicator matrix X
(units × criteria), subjective (fixed values, AHP pairwise comparisons), and a blend of the two.

Every function returns a float64 array of one weight per criterion, each >= 0, summing to 1.

Variants, stated exactly because the literature has several:

* **Entropy** (Shannon entropy weights; Hwang & Yoon 1981, Zeleny 1982). Shares
  ``p_ij = z_ij / Σ_i z_ij``, entropy ``e_j = -(1/ln m) Σ_i p_ij ln p_ij`` with ``0 ln 0 = 0``,
  divergence ``d_j = 1 - e_j``, weight ``w_j = d_j / Σ_k d_k``. With ``normalisation="sum"`` (the
  default) ``z = x``, the raw values (they must be >= 0) — the classic form, which reproduces
  the published examples of Xu (2004), Zavadskas & Podvezko (2016), Lee & Chang (2018),
  Elsayed et al. (2017) and Ersoy (2021) (see tests/evaluation/test_weights.py); the direction
  of a criterion does not enter. With ``normalisation="minmax"`` ``z`` is the min-max
  normalised, oriented matrix (the usual Chinese 熵权法 form; works with negative data, e.g.
  growth rates, and is unchanged by a shift of origin); the worst unit then has ``z = 0``.
* **CRITIC** (Diakoulaki, Mavrotas & Papayannakis 1995): on the min-max normalised, oriented
  matrix, ``C_j = σ_j Σ_k (1 - r_jk)`` with σ the standard deviation and r Pearson's
  correlation, ``w = C / ΣC``. The ddof of σ cancels in the ratio.
* **Standard deviation** (the "SD method" Diakoulaki et al. 1995 compare CRITIC with):
  ``w_j = σ_j / Σ_k σ_k`` of the min-max normalised matrix (``normalisation="none"``: of the raw
  values, which only makes sense when all criteria share one unit).

A **constant criterion** (the same value for every unit) carries no information: it gets weight
0 in every objective method and is left out of CRITIC's correlation sums (so adding one changes
no other weight). If every criterion is constant the weights are undefined and an
:class:`~zoneopt.errors.InvalidInputError` is raised.

**AHP** (Saaty 1980): weights are the principal (Perron) eigenvector of the pairwise comparison
matrix, ``CI = (λmax - n)/(n - 1)``, ``CR = CI / RI(n)``; CR > 0.1 raises
:class:`~zoneopt.errors.InconsistentJudgementError`. Random index tables: see
:data:`RANDOM_INDEX`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from zoneopt.errors import InconsistentJudgementError, InvalidInputError
from zoneopt.evaluation.normalise import FloatArray, _benefit, _label, _matrix, _minmax, _names

#: Random consistency index tables RI(n), n = 1..15: the mean CI of random reciprocal matrices
#: on Saaty's 1–9 scale, as estimated by different authors (the CR of one matrix depends on the
#: table, so a report names it).
#:
#: ``saaty1980`` (the default) — Saaty, *The Analytic Hierarchy Process* (McGraw-Hill, 1980), the
#: table most textbooks print, extended to n = 15 (as reproduced e.g. in pyDecision's ``ahp.py``,
#: Valdecy/pyDecision); note RI(12) = 1.48 < RI(11) = 1.51 in that table, kept as published.
#: ``saaty2005`` — Saaty, *Theory and Applications of the Analytic Network Process* (RWS, 2005),
#: p. 31 (as used by AHPy's ``random_index='saaty'`` and by the R package FuzzyAHP).
#: ``alonso-lamata2006`` — Alonso & Lamata, "Consistency in the analytic hierarchy process: a new
#: approach", *Int. J. Uncertainty, Fuzziness and Knowledge-Based Systems* 14(4), 2006, 445–459:
#: 100,000 random matrices per n, entries drawn uniformly from the 17 values 1/9 … 9 (for n = 3
#: the exact mean over all 17³ matrices is 0.52446; tests/evaluation/test_weights.py recomputes
#: it and checks n = 4..6 by simulation).
#: ``donegan-dodd1991`` — Donegan & Dodd, "A note on Saaty's random indexes", *Mathematical and
#: Computer Modelling* 15(10), 1991, 135–137 (as used by AHPy's default ``random_index='dd'``).
RANDOM_INDEX: dict[str, tuple[float, ...]] = {
    "saaty1980": (0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59),
    "saaty2005": (0.0, 0.0, 0.52, 0.89, 1.11, 1.25, 1.35, 1.40, 1.45, 1.49, 1.52, 1.54, 1.56, 1.58, 1.59),
    "alonso-lamata2006": (0.0, 0.0, 0.5245, 0.8815, 1.1086, 1.2479, 1.3417, 1.4056, 1.4499, 1.4854, 1.5141,
                          1.5365, 1.5551, 1.5713, 1.5838),
    "donegan-dodd1991": (0.0, 0.0, 0.4914, 0.8286, 1.0591, 1.1797, 1.2519, 1.3171, 1.3733, 1.4055, 1.4213,
                         1.4497, 1.4643, 1.4822, 1.4969),
}

RandomIndex = Literal["saaty1980", "saaty2005", "alonso-lamata2006", "donegan-dodd1991"]
"""The names of :data:`RANDOM_INDEX`'s tables."""

#: Saaty's acceptable consistency ratio: CR above this means the judgements need revising.
CR_THRESHOLD = 0.1


def _freeze(a: FloatArray) -> FloatArray:
    a.setflags(write=False)
    return a


def _constant(A: FloatArray) -> npt.NDArray[np.bool_]:
    """Columns with the same value for every unit."""
    flat: npt.NDArray[np.bool_] = A.max(axis=0) == A.min(axis=0)
    return flat


def _normalised(d: FloatArray, what: str) -> FloatArray:
    total = float(d.sum())
    if not total > 0:
        raise InvalidInputError(f"{what} weights are undefined: every criterion is constant across the units "
                                f"(no criterion tells the units apart)")
    return d / total


def entropy_weights(X: npt.ArrayLike, benefit: npt.ArrayLike | None = None, names: Sequence[str] | None = None,
                    *, normalisation: Literal["sum", "minmax"] = "sum") -> FloatArray:
    """Shannon entropy weights of the criteria of ``X`` (units × criteria, at least 2 units):
    criteria whose values are spread unevenly across units weigh more. See the module docstring
    for the exact formula of each ``normalisation``; ``benefit`` (one bool per criterion, None:
    all benefit) orients ``"minmax"`` and is not used by ``"sum"``. An all-zero column under
    ``"sum"`` counts as constant (weight 0).

    Returns dimensionless weights >= 0 summing to 1. Raises
    :class:`~zoneopt.errors.InvalidInputError` for NaN/inf, fewer than 2 units, negative values
    with ``"sum"``, an unknown ``normalisation``, or every criterion constant; messages name the
    criterion (by ``names`` when given).
    """
    A, names = _matrix(X, names, min_units=2)
    m, n = A.shape
    b = _benefit(benefit, n, names)
    if normalisation == "sum":
        neg = (A < 0).any(axis=0)
        if neg.any():
            j = int(np.flatnonzero(neg)[0])
            i = int(np.flatnonzero(A[:, j] < 0)[0])
            raise InvalidInputError(f"entropy weights with normalisation='sum' need values >= 0, but {_label(j, names)}"
                                    f" is {float(A[i, j])!r} at unit row {i}; use normalisation='minmax' for such data")
        Z = A
    elif normalisation == "minmax":
        Z = _minmax(A, b)
    else:
        raise InvalidInputError(f"unknown entropy normalisation {normalisation!r}; choose 'sum' or 'minmax'")
    flat = _constant(Z)
    total = Z.sum(axis=0)
    P = Z / np.where(total == 0, 1.0, total)
    PlnP = P * np.log(np.where(P > 0, P, 1.0))  # 0 ln 0 = 0
    e = -PlnP.sum(axis=0) / math.log(m)
    d = np.clip(1.0 - e, 0.0, None)
    d[flat] = 0.0  # uniform shares: e = 1 exactly, whatever rounding says
    return _normalised(d, "entropy")


def critic_weights(X: npt.ArrayLike, benefit: npt.ArrayLike | None = None,
                   names: Sequence[str] | None = None) -> FloatArray:
    """CRITIC weights (Diakoulaki, Mavrotas & Papayannakis 1995) of the criteria of ``X``
    (units × criteria, at least 2 units): ``C_j = σ_j Σ_k (1 - r_jk)`` on the min-max
    normalised matrix oriented by ``benefit`` (None: all benefit), ``w = C / ΣC``. A criterion
    weighs more when it varies a lot and conflicts with (is little correlated to) the others.

    Constant criteria get weight 0 and take no part in the correlations. If no informative
    criterion conflicts with another (only one varies, or all that vary are perfectly
    correlated) every C is 0; the weights then fall back to the standard-deviation weights of the
    varying criteria (see :func:`stdev_weights`).

    Returns dimensionless weights >= 0 summing to 1. Raises
    :class:`~zoneopt.errors.InvalidInputError` for NaN/inf, fewer than 2 units, a ``benefit`` of
    the wrong length, or every criterion constant.
    """
    A, names = _matrix(X, names, min_units=2)
    m, n = A.shape
    b = _benefit(benefit, n, names)
    Z = _minmax(A, b)
    live = ~_constant(Z)
    if not live.any():
        return _normalised(np.zeros(n), "CRITIC")
    Z = Z[:, live]
    centred = Z - Z.mean(axis=0)
    sd = np.sqrt((centred * centred).mean(axis=0))
    R = (centred.T @ centred) / m / np.outer(sd, sd)
    np.clip(R, -1.0, 1.0, out=R)
    C = sd * (1.0 - R).sum(axis=0)
    w = np.zeros(n)
    # all-zero conflict up to rounding: CRITIC says nothing, fall back to the SD method
    w[live] = C if C.sum() > 1e-12 * sd.sum() else sd
    return _normalised(w, "CRITIC")


def stdev_weights(X: npt.ArrayLike, benefit: npt.ArrayLike | None = None, names: Sequence[str] | None = None,
                  *, normalisation: Literal["minmax", "none"] = "minmax") -> FloatArray:
    """Standard-deviation weights of the criteria of ``X`` (units × criteria, at least 2
    units): ``w_j = σ_j / Σ σ_k`` of the min-max normalised matrix (``normalisation="none"``: of
    the raw values — only meaningful when every criterion has the same unit and scale).
    ``benefit`` is accepted for a uniform call signature; turning a criterion round does not
    change its spread.

    Returns dimensionless weights >= 0 summing to 1. Raises
    :class:`~zoneopt.errors.InvalidInputError` for NaN/inf, fewer than 2 units, an unknown
    ``normalisation``, or every criterion constant.
    """
    A, names = _matrix(X, names, min_units=2)
    b = _benefit(benefit, A.shape[1], names)
    if normalisation == "minmax":
        Z = _minmax(A, b)
    elif normalisation == "none":
        Z = A
    else:
        raise InvalidInputError(f"unknown stdev normalisation {normalisation!r}; choose 'minmax' or 'none'")
    _, exponent = np.frexp(np.abs(Z).max(axis=0))
    # scaled by a power of two first so tiny or huge values neither underflow nor overflow
    sd = np.ldexp(np.ldexp(Z, -exponent).std(axis=0), exponent)
    sd[_constant(Z)] = 0.0
    return _normalised(sd, "standard-deviation")


def _simplex(values: npt.ArrayLike, names: Sequence[str] | None, field: str) -> FloatArray:
    try:
        v = np.array(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InvalidInputError(f"{field} must be numbers, one per criterion: {exc}") from None
    if v.ndim != 1 or v.size == 0:
        raise InvalidInputError(f"{field} must be a non-empty list of one weight per criterion, got shape {v.shape}")
    names = _names(names, v.size, field)
    bad = ~np.isfinite(v) | (v < 0)
    if bad.any():
        j = int(np.flatnonzero(bad)[0])
        raise InvalidInputError(f"{field} for {_label(j, names)} is {float(v[j])!r}; weights must be finite and >= 0")
    total = float(v.sum())
    if total <= 0:
        raise InvalidInputError(f"{field} are all zero; at least one criterion needs a positive weight")
    return v / total


def fixed_weights(values: npt.ArrayLike, names: Sequence[str] | None = None) -> FloatArray:
    """Weights given by the analyst (e.g. from the plan: 亩均税收 40%, R&D 30%, energy 30%),
    scaled to sum to 1 (so ``[4, 3, 3]`` and ``[0.4, 0.3, 0.3]`` are the same).

    Raises :class:`~zoneopt.errors.InvalidInputError` for a negative, NaN or infinite weight
    (naming the criterion), all zeros, or ``names`` of the wrong length.
    """
    return _simplex(values, names, "weights")


def combine_weights(subjective: npt.ArrayLike, objective: npt.ArrayLike, alpha: float,
                    names: Sequence[str] | None = None) -> FloatArray:
    """Blend subjective and objective weights: ``α·subjective + (1 - α)·objective``, each first
    scaled to sum 1, the result renormalised to sum 1. ``alpha`` in [0, 1] (1: subjective only).

    Raises :class:`~zoneopt.errors.InvalidInputError` for weights that are not valid (see
    :func:`fixed_weights`), of different lengths, or ``alpha`` outside [0, 1].
    """
    s = _simplex(subjective, names, "subjective weights")
    o = _simplex(objective, names, "objective weights")
    if s.shape != o.shape:
        raise InvalidInputError(f"subjective weights have {s.size} criteria but objective weights {o.size}")
    a = float(alpha)
    if not 0.0 <= a <= 1.0:
        raise InvalidInputError(f"alpha must be in [0, 1], got {alpha!r}")
    w = a * s + (1.0 - a) * o
    return w / w.sum()


@dataclass(frozen=True, eq=False)
class AHPResult:
    """The outcome of :func:`ahp`: ``weights`` (principal eigenvector, sum 1, read-only),
    ``lambda_max`` (its eigenvalue), ``ci`` = (λmax − n)/(n − 1), ``ri`` (random index used),
    ``cr`` = CI/RI (0 when n <= 2), and ``consistent`` (CR <= the threshold)."""

    weights: FloatArray
    lambda_max: float
    ci: float
    cr: float
    ri: float
    consistent: bool


def _pairwise(pairwise: npt.ArrayLike, names: Sequence[str] | None,
              tol: float) -> tuple[FloatArray, Sequence[str] | None]:
    try:
        A = np.array(pairwise, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InvalidInputError(f"pairwise must be a square numeric matrix: {exc}") from None
    if A.ndim != 2 or A.shape[0] != A.shape[1] or A.shape[0] == 0:
        raise InvalidInputError(f"pairwise must be a non-empty square matrix (criteria × criteria), "
                                f"got shape {A.shape}")
    n = A.shape[0]
    names = _names(names, n, "pairwise")

    def at(i: int, j: int) -> str:
        where = f" ({names[i]!r} vs {names[j]!r})" if names is not None else ""
        return f"pairwise[{i}][{j}] = {float(A[i, j])!r}{where}"

    bad = ~(np.isfinite(A) & (A > 0))
    if bad.any():
        i, j = (int(k) for k in np.argwhere(bad)[0])
        raise InvalidInputError(f"{at(i, j)}: every comparison must be a finite number > 0")
    diag = np.abs(np.diag(A) - 1.0) > tol
    if diag.any():
        i = int(np.flatnonzero(diag)[0])
        raise InvalidInputError(f"{at(i, i)}: a criterion compared with itself must be 1")
    off = np.triu(np.abs(A * A.T - 1.0) > tol, k=1)
    if off.any():
        i, j = (int(k) for k in np.argwhere(off)[0])
        raise InvalidInputError(f"{at(i, j)} and {at(j, i)} are not reciprocal: their product is "
                                f"{A[i, j] * A[j, i]:.6g}, it must be 1 (±{tol:g})")
    return A, names


def ahp(pairwise: npt.ArrayLike, names: Sequence[str] | None = None, allow_inconsistent: bool = False, *,
        random_index: RandomIndex = "saaty1980", max_cr: float = CR_THRESHOLD,
        reciprocal_tol: float = 1e-3) -> AHPResult:
    """Weights from an AHP pairwise comparison matrix (Saaty 1980): ``pairwise[i][j]`` says how
    much more important criterion i is than j on Saaty's 1–9 scale, ``pairwise[j][i]`` is its
    reciprocal, the diagonal is 1.

    The weights are the principal eigenvector (scaled to sum 1), ``λmax`` its eigenvalue,
    ``CI = (λmax − n)/(n − 1)`` (0 for n = 1; never below 0 — rounding can put λmax a hair under
    n for a consistent matrix), ``CR = CI / RI(n)`` with RI from :data:`RANDOM_INDEX`
    ``[random_index]`` (n <= 15); n <= 2 gives CR = 0 (such a matrix is always consistent).

    Raises :class:`~zoneopt.errors.InvalidInputError` when the matrix is not square, has an
    entry that is not a finite number > 0, a diagonal entry other than 1, or a pair with
    ``a_ij · a_ji`` further than ``reciprocal_tol`` from 1 (naming the entry), or n > 15; raises
    :class:`~zoneopt.errors.InconsistentJudgementError` (a subclass) when CR > ``max_cr``, unless
    ``allow_inconsistent`` — then the result is returned with ``consistent=False``.
    """
    if random_index not in RANDOM_INDEX:
        raise InvalidInputError(f"unknown random_index {random_index!r}; choose one of {', '.join(RANDOM_INDEX)}")
    A, names = _pairwise(pairwise, names, reciprocal_tol)
    n = A.shape[0]
    table = RANDOM_INDEX[random_index]
    if n > len(table):
        raise InvalidInputError(f"pairwise has {n} criteria; the {random_index} random index table stops at "
                                f"{len(table)} (split the criteria into a hierarchy)")
    values, vectors = np.linalg.eig(A)
    k = int(np.argmax(values.real))
    lam = float(values[k].real)
    v = np.abs(vectors[:, k].real)  # the Perron vector has one sign; eig may return it negated
    w = v / v.sum()
    ci = max(0.0, (lam - n) / (n - 1)) if n > 1 else 0.0
    ri = table[n - 1]
    cr = ci / ri if n > 2 else 0.0
    consistent = cr <= max_cr
    if not consistent and not allow_inconsistent:
        raise InconsistentJudgementError(
            f"AHP judgements are inconsistent: CR = {cr:.4f} > {max_cr:g} (λmax = {lam:.4f}, n = {n}, "
            f"CI = {ci:.4f}, RI = {ri:g} from {random_index}); revise the pairwise comparisons "
            f"or pass allow_inconsistent=True", cr)
    return AHPResult(weights=_freeze(w), lambda_max=lam, ci=ci, cr=cr, ri=ri, consistent=consistent)


__all__ = [
    "entropy_weights",
    "critic_weights",
    "stdev_weights",
    "fixed_weights",
    "combine_weights",
    "ahp",
    "AHPResult",
    "RANDOM_INDEX",
    "RandomIndex",
    "CR_THRESHOLD",
]
