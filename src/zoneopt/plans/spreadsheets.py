"""Tables written so that a spreadsheet program shows text as text, never runs it as a formula
(formula or CSV injection; OWASP "CSV Injection", CWE-1236).

A zone, rule or scenario name comes from the instance, and an instance may come from anyone:
``=HYPERLINK("http://…"&A1,"click")`` as a zone name would be a live formula when the plan is
opened. A text cell is dangerous when it starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return (:data:`FORMULA_START`). In CSV such a cell is written with a single quote in
front (``'=HYPERLINK(…)``), which spreadsheet programs read as "text" and do not show; fields
holding the separator, quotes or line breaks are quoted as RFC 4180 says. In a workbook the
cell is stored as a string with Excel's quote prefix, so its text is unchanged and it stays
text when edited. Numbers are never touched (``-3`` is a number, not text).

Every CSV and Excel writer of zoneopt writes through :func:`write_csv` and :func:`write_frame`
(plans, evaluations, comparisons, consolidation, management, reports); the fill-in workbook
(:mod:`zoneopt.instance.template`), written cell by cell, through :func:`zoneopt.files.keep_as_text`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from zoneopt.files import FORMULA_START, atomic_write, is_formula_like, keep_as_text

__all__ = ["FORMULA_START", "csv_escaped", "is_formula_like", "write_csv", "write_frame"]


def _text_columns(frame: pd.DataFrame) -> list[int]:
    """The columns that may hold text: object and string columns (not numbers, not booleans)."""
    return [j for j, dtype in enumerate(frame.dtypes)
            if pd.api.types.is_object_dtype(dtype) or isinstance(dtype, pd.StringDtype)]


def _risky(column: pd.Series) -> npt.NDArray[np.bool_]:
    values = column.to_numpy(dtype=object)
    return np.fromiter((is_formula_like(v) for v in values), dtype=bool, count=len(values))


def csv_escaped(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell (and column name) that starts like a formula given a
    single quote in front; the frame itself when none does."""
    out: pd.DataFrame | None = None
    for j in _text_columns(frame):
        risky = _risky(frame.iloc[:, j])
        if risky.any():
            if out is None:
                out = frame.copy()
            column = out.iloc[:, j].to_numpy(dtype=object).copy()
            column[risky] = ["'" + v for v in column[risky]]
            out.isetitem(j, column)
    if not isinstance(frame.columns, pd.MultiIndex) and any(is_formula_like(c) for c in frame.columns):
        out = (out if out is not None else frame.copy())
        out.columns = ["'" + c if is_formula_like(c) else c for c in out.columns]
    return out if out is not None else frame


def write_csv(path: str | Path, frame: pd.DataFrame, *, bom: bool = True) -> Path:
    """``frame`` as CSV, atomically, without its index and with formula-like text escaped
    (:func:`csv_escaped`); UTF-8 with a byte-order mark by default, so Excel shows Chinese names."""
    safe = csv_escaped(frame)
    return atomic_write(path, lambda p: safe.to_csv(p, index=False, encoding="utf-8-sig" if bom else "utf-8"))


def write_frame(xl: pd.ExcelWriter, frame: pd.DataFrame, sheet: str) -> None:
    """``frame`` as sheet ``sheet`` of an openpyxl workbook being written (no index, a header
    row), every formula-like text cell stored as text with Excel's quote prefix."""
    frame.to_excel(xl, sheet_name=sheet, index=False)
    ws = xl.sheets[sheet]
    offset = frame.columns.nlevels if isinstance(frame.columns, pd.MultiIndex) else 1
    cells = []
    if offset == 1:
        cells += [ws.cell(row=1, column=j + 1) for j, c in enumerate(frame.columns) if is_formula_like(c)]
    for j in _text_columns(frame):
        cells += [ws.cell(row=int(i) + 1 + offset, column=j + 1) for i in np.flatnonzero(_risky(frame.iloc[:, j]))]
    for cell in cells:
        keep_as_text(cell)  # openpyxl made "=..." a formula ("f"): the text itself, as a string
