"""The data of a DEA model, checked and scaled before any LP is built: each table (inputs,
outputs, undesirable outputs; arrays or DataFrames) becomes a float array with column names,
the units get ids, and every bad value is reported at once, naming the unit and the column.
The LPs see each column divided by its largest value, so their numbers lie in [0, 1].
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from zoneopt.errors import InstanceError, InvalidInputError, Issue

FloatArray = npt.NDArray[np.float64]


def _table(data: Any, what: str, names: Sequence[str] | None, prefix: str
           ) -> tuple[FloatArray, tuple[str, ...], tuple[str, ...] | None]:
    """An array (units × columns), its column names and, for a DataFrame, its index as ids."""
    index: tuple[str, ...] | None = None
    try:
        import pandas as pd

        if isinstance(data, pd.Series):
            data = data.to_frame()
        if isinstance(data, pd.DataFrame):
            if names is None:
                names = [str(c) for c in data.columns]
            index = tuple(str(i) for i in data.index)
            data = data.to_numpy()
    except ImportError:  # pragma: no cover - pandas is a dependency
        pass
    try:
        arr = np.asarray(data, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InvalidInputError(f"{what}: not numeric ({exc})") from None
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise InvalidInputError(f"{what}: expected a 2-D table (units × columns), got {arr.ndim} dimensions")
    if arr.shape[1] == 0:
        raise InvalidInputError(f"{what}: no columns")
    if names is None:
        names = [f"{prefix}{k + 1}" for k in range(arr.shape[1])]
    names_t = tuple(str(n) for n in names)
    if len(names_t) != arr.shape[1]:
        raise InvalidInputError(f"{what}: {len(names_t)} names for {arr.shape[1]} columns")
    if len(set(names_t)) != len(names_t):
        raise InvalidInputError(f"{what}: column names repeat: {names_t}")
    return arr, names_t, index


def _prepare(tables: list[tuple[Any, str, str, Sequence[str] | None, str]], ids: Sequence[str] | None,
             positive: set[str]) -> tuple[list[FloatArray], list[tuple[str, ...]], tuple[str, ...]]:
    """Validate the data tables (``(data, key, label, names, prefix)``; ``key`` is the name the
    error paths use, e.g. ``X``); returns arrays, column names and unit ids. Raises
    :class:`InstanceError` listing every problem with the unit id and the column."""
    arrays, names, index = [], [], None
    for data, key, label, nm, prefix in tables:
        arr, cols, idx = _table(data, f"{key} ({label})", nm, prefix)
        arrays.append(arr)
        names.append(cols)
        index = index or idx
    n = arrays[0].shape[0]
    for (_, key, label, _, _), arr in zip(tables, arrays):
        if arr.shape[0] != n:
            raise InvalidInputError(f"shape mismatch: {tables[0][1]} has {n} units but {key} ({label}) has "
                                    f"{arr.shape[0]}")
    if n == 0:
        raise InvalidInputError("no units to evaluate")
    if ids is None:
        ids = index if index is not None else tuple(str(k) for k in range(n))
    ids_t = tuple(str(i) for i in ids)
    if len(ids_t) != n:
        raise InvalidInputError(f"{len(ids_t)} ids for {n} units")
    if len(set(ids_t)) != n:
        seen: set[str] = set()
        dup = next(i for i in ids_t if i in seen or seen.add(i))  # type: ignore[func-returns-value]
        raise InvalidInputError(f"unit id {dup!r} appears more than once")
    issues: list[Issue] = []
    for (_, key, label, _, _), arr, cols in zip(tables, arrays, names):
        bad_nan = ~np.isfinite(arr)
        for o, k in zip(*np.nonzero(bad_nan)):
            issues.append(Issue(f"{key}[{ids_t[o]!r}].{cols[k]}", f"{label} is {arr[o, k]} (must be a finite number)"))
        with np.errstate(invalid="ignore"):
            neg = arr < 0
            for o, k in zip(*np.nonzero(neg)):
                issues.append(Issue(f"{key}[{ids_t[o]!r}].{cols[k]}", f"{label} is negative ({arr[o, k]:g})"))
            if key in positive:
                for o, k in zip(*np.nonzero(arr == 0)):
                    issues.append(Issue(f"{key}[{ids_t[o]!r}].{cols[k]}",
                                        f"{label} is 0; this model divides by it (must be > 0)"))
            if key in ("X", "Y"):
                zero = np.all(arr == 0, axis=1)
                for o in np.flatnonzero(zero):
                    issues.append(Issue(f"{key}[{ids_t[o]!r}]", f"every {label} is 0 ({', '.join(cols)}): "
                                        f"a unit needs at least one positive {label}"))
    if issues:
        raise InstanceError(issues, source="DEA data")
    return arrays, names, ids_t


def _scale(arr: FloatArray) -> FloatArray:
    """Each column's largest value (1 for an all-zero column): the LPs see data in [0, 1]."""
    top = arr.max(axis=0)
    return np.where(top > 0, top, 1.0)
