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

Spreadsheet programs in many locales split CSV at ``;``, not at ``,``, and a field holding
``;`` is not quoted by RFC 4180 rules for a comma-separated file: ``a;=cmd|…`` would open as two
cells, the second a formula. So in CSV each ``;``-separated part of a text cell that starts like
a formula gets the quote too (``a;'=cmd|…``).

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


def _risky(column: pd.Series, parts: bool = False) -> npt.NDArray[np.bool_]:
    """Cells that start like a formula; with ``parts``, also cells one of whose ``;``-separated
    parts does (what a spreadsheet in a ``;`` locale reads as a cell of its own)."""
    values = column.to_numpy(dtype=object)
    test = _any_part_formula_like if parts else is_formula_like
    return np.fromiter((test(v) for v in values), dtype=bool, count=len(values))


def _any_part_formula_like(value: object) -> bool:
    return isinstance(value, str) and any(is_formula_like(p) for p in value.split(";"))


def _csv_text(value: str) -> str:
    """``value`` with a single quote before each ``;``-separated part that starts like a formula."""
    return ";".join("'" + p if is_formula_like(p) else p for p in value.split(";"))


def csv_escaped(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell (and column name) that starts like a formula given a
    single quote in front, and likewise each of its ``;``-separated parts; the frame itself
    when none does."""
    out: pd.DataFrame | None = None
    for j in _text_columns(frame):
        risky = _risky(frame.iloc[:, j], parts=True)
        if risky.any():
            if out is None:
                out = frame.copy()
            column = out.iloc[:, j].to_numpy(dtype=object).copy()
            column[risky] = [_csv_text(v) for v in column[risky]]
            out.isetitem(j, column)
    if not isinstance(frame.columns, pd.MultiIndex) and any(_any_part_formula_like(c) for c in frame.columns):
        out = (out if out is not None else frame.copy())
        out.columns = [_csv_text(c) if isinstance(c, str) else c for c in out.columns]
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
