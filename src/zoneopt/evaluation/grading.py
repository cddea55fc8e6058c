"""Grading units A/B/C/D from their scores (2017 §六(一): resources are given differentially by
grade), either by quantile shares (the best 20 % get A, ...) or by fixed score thresholds.

Both functions return a numpy array of grade labels (str), one per unit in input order. A unit
whose score is NaN (e.g. missing data) gets no grade: the empty string ``""``
(:data:`UNGRADED`), and is left out of the counts.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from zoneopt.errors import InvalidInputError
from zoneopt.evaluation.normalise import FloatArray

#: Default quantile shares, best grade first.
DEFAULT_SHARES: Mapping[str, float] = {"A": 0.2, "B": 0.4, "C": 0.35, "D": 0.05}
#: How far the shares may sum from 1.
SHARE_SUM_TOL = 1e-9
#: The label of a unit with a NaN score.
UNGRADED = ""


def _py(x: Any) -> Any:
    """A numpy scalar as the Python value, for readable messages."""
    return x.item() if isinstance(x, np.generic) else x


def _scores(scores: npt.ArrayLike) -> FloatArray:
    try:
        s = np.array(scores, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InvalidInputError(f"scores must be numbers, one per unit: {exc}") from None
    if s.ndim != 1:
        raise InvalidInputError(f"scores must be 1-D (one per unit), got shape {s.shape}")
    inf = np.isinf(s)
    if inf.any():
        i = int(np.flatnonzero(inf)[0])
        raise InvalidInputError(f"scores[{i}] is {float(s[i])!r}; scores must be finite (or NaN for no grade)")
    return s


def _labels(labels: list[str], field: str) -> npt.NDArray[np.str_]:
    for label in labels:
        if not isinstance(label, str) or not label:
            raise InvalidInputError(f"{field} keys must be non-empty grade labels (str), got {label!r}")
    width = max(len(label) for label in labels)
    return np.array(labels, dtype=f"<U{width}")


def _codes(values: npt.ArrayLike, m: int, field: str, sort: bool) -> tuple[npt.NDArray[np.intp], int]:
    """Integer codes of unit labels (ascending order of the labels when ``sort``)."""
    arr = np.asarray(values)
    if arr.ndim != 1 or arr.shape[0] != m:
        raise InvalidInputError(f"{field} has shape {arr.shape} but there are {m} scores")
    try:
        codes, uniques = pd.factorize(arr, sort=sort)
    except TypeError as exc:
        raise InvalidInputError(f"{field} must be of one comparable type (all str or all int): {exc}") from None
    missing = codes < 0
    if missing.any():
        i = int(np.flatnonzero(missing)[0])
        raise InvalidInputError(f"{field}[{i}] is missing ({_py(arr[i])!r})")
    return np.asarray(codes, dtype=np.intp), len(uniques)


def grade_by_quantile(scores: npt.ArrayLike, ids: npt.ArrayLike, shares: Mapping[str, float] = DEFAULT_SHARES,
                      groups: npt.ArrayLike | None = None) -> npt.NDArray[np.str_]:
    """Grade units by their rank: with ``shares = {"A": 0.2, "B": 0.4, "C": 0.35, "D": 0.05}``
    (best grade first; the default) the best 20 % get A, the next 40 % B, and so on.

    The rule, deterministic and independent of the order units are given in:

    1. Units with a NaN score get :data:`UNGRADED` and are not counted. The n graded units are
       ordered by score, highest first, ties by ``ids`` ascending (ids must be unique).
    2. Cut positions are the cumulative shares times n, rounded half up:
       ``K_k = floor(n · (s_1 + … + s_k) + 1/2)``, so the counts ``K_k − K_{k−1}`` add up to n.
       The units at positions ``K_{k−1} … K_k − 1`` (0-based) get grade k.
    3. **Units with equal scores always get the same grade**: a block of tied units that
       straddles a cut takes the grade of its best-placed member (the grade its first unit in
       the order would get), so that grade may hold a few more units than its share.

    ``groups`` (one label per unit, e.g. the city) grades each group separately, each against
    its own count. Returns an array of grade labels, one per unit in input order.

    Raises :class:`~zoneopt.errors.InvalidInputError` for infinite scores, ``ids``/``groups`` of
    the wrong length, missing or duplicate ids, a missing group, shares that are negative, NaN or
    do not sum to 1 (± :data:`SHARE_SUM_TOL`); messages name the field.
    """
    s = _scores(scores)
    m = s.shape[0]
    if not isinstance(shares, Mapping) or not shares:
        raise InvalidInputError("shares must be a non-empty mapping of grade label to share, best grade first")
    labels = _labels(list(shares), "shares")
    share = np.empty(len(labels))
    for k, (label, value) in enumerate(shares.items()):
        try:
            share[k] = float(value)
        except (TypeError, ValueError):
            raise InvalidInputError(f"shares[{label!r}] = {value!r} is not a number") from None
        if not (math.isfinite(share[k]) and share[k] >= 0):
            raise InvalidInputError(f"shares[{label!r}] = {value!r}; a share must be a finite number >= 0")
    total = math.fsum(share)
    if abs(total - 1.0) > SHARE_SUM_TOL:
        raise InvalidInputError(f"shares sum to {total!r}, not 1 (±{SHARE_SUM_TOL:g})")

    id_rank, n_ids = _codes(ids, m, "ids", sort=True)
    if n_ids < m:
        dup = pd.Index(np.asarray(ids)).duplicated(keep="first")
        i = int(np.flatnonzero(dup)[0])
        first = int(np.flatnonzero(id_rank == id_rank[i])[0])
        raise InvalidInputError(f"ids has {_py(np.asarray(ids)[i])!r} twice (units {first} and {i}); "
                                f"ids must be unique")
    if groups is None:
        group, n_groups = np.zeros(m, dtype=np.intp), 1
    else:
        group, n_groups = _codes(groups, m, "groups", sort=False)

    out = np.full(m, UNGRADED, dtype=labels.dtype)
    valid = np.flatnonzero(~np.isnan(s))
    if valid.size == 0:
        return out
    order = valid[np.lexsort((id_rank[valid], -s[valid], group[valid]))]
    g, ss = group[order], s[order]
    pos = np.arange(order.size)
    new_group = np.r_[True, g[1:] != g[:-1]]
    group_start = np.maximum.accumulate(np.where(new_group, pos, 0))
    new_block = new_group | np.r_[True, ss[1:] != ss[:-1]]
    block_start = np.maximum.accumulate(np.where(new_block, pos, 0))
    tie_rank = block_start - group_start  # position of the block's best-placed member in its group

    sizes = np.bincount(g, minlength=n_groups)
    cumulative = np.cumsum(share)
    # half up; the 1e-9 keeps e.g. 0.95 × 10 = 9.499999999999998 on the right side of .5
    cuts = np.floor(np.outer(sizes, cumulative) + 0.5 + 1e-9).astype(np.intp)
    cuts[:, -1] = sizes
    grade = (cuts[g] <= tie_rank[:, None]).sum(axis=1)
    out[order] = labels[grade]
    return out


def grade_by_threshold(scores: npt.ArrayLike, thresholds: Mapping[str, float], *,
                       below: str = "D") -> npt.NDArray[np.str_]:
    """Grade units by fixed score thresholds, best grade first: with
    ``thresholds = {"A": a, "B": b, "C": c}`` a score >= a gets A, else >= b gets B, else >= c
    gets C, else ``below`` ("D"). Thresholds must not increase (a >= b >= c); a NaN score gets
    :data:`UNGRADED`. Returns one label per unit in input order.

    Raises :class:`~zoneopt.errors.InvalidInputError` for infinite scores, an empty mapping, a
    threshold that is not a finite number or is above the one before it, or ``below`` equal to
    one of the labels; messages name the field.
    """
    s = _scores(scores)
    if not isinstance(thresholds, Mapping) or not thresholds:
        raise InvalidInputError("thresholds must be a non-empty mapping of grade label to minimum score")
    items: list[tuple[Any, Any]] = list(thresholds.items())
    t = np.empty(len(items))
    for k, (label, value) in enumerate(items):
        try:
            t[k] = float(value)
        except (TypeError, ValueError):
            raise InvalidInputError(f"thresholds[{label!r}] = {value!r} is not a number") from None
        if not math.isfinite(t[k]):
            raise InvalidInputError(f"thresholds[{label!r}] = {value!r}; a threshold must be a finite number")
        if k and t[k] > t[k - 1]:
            prev = items[k - 1][0]
            raise InvalidInputError(f"thresholds[{label!r}] = {value!r} is above thresholds[{prev!r}] = "
                                    f"{items[k - 1][1]!r}; thresholds must decrease from the best grade")
    names = [label for label, _ in items]
    if below in names:
        raise InvalidInputError(f"below = {below!r} is also a key of thresholds; the grade below the last "
                                f"threshold needs its own label")
    labels = _labels([*names, below], "thresholds")
    grade = (s[:, None] < t[None, :]).sum(axis=1)
    out = labels[grade]
    out[np.isnan(s)] = UNGRADED
    return out


__all__ = ["grade_by_quantile", "grade_by_threshold", "DEFAULT_SHARES", "SHARE_SUM_TOL", "UNGRADED"]
