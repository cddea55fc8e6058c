"""Tables as pandas DataFrames (or lists of mappings): the cells of a frame as a
:class:`~zoneopt.instance.tables.Table`. Which table holds what
is :mod:`zoneopt.instance.sheets`; :meth:`Instance.from_frames` and :meth:`Instance.to_frames`
put them together."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any, TypeAlias

import pandas as pd

from zoneopt.instance.tables import Table, records_table

TableLike: TypeAlias = pd.DataFrame | Iterable[Mapping[str, Any]]
"""A table: a DataFrame (one row per record) or rows as mappings."""


def is_missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA or v is pd.NaT


def _cell(v: Any) -> Any:
    if is_missing(v):
        return None
    if hasattr(v, "item") and not isinstance(v, (list, tuple, dict, str)):  # numpy scalar -> Python scalar
        v = v.item()
        return None if is_missing(v) else v
    return v


def frame_table(name: str, data: TableLike) -> Table:
    """A DataFrame's cells (or rows of mappings) as a table: missing values (None, NaN, NA)
    are blank cells, numpy scalars Python ones."""
    if isinstance(data, pd.DataFrame):
        headers = [str(c) for c in data.columns]
        rows = [[_cell(v) for v in row] for row in data.itertuples(index=False, name=None)]
        return Table(name, headers, rows)
    table = records_table(name, data)
    table.rows = [[_cell(v) for v in row] for row in table.rows]
    return table

