"""Reading an instance from an Excel workbook (``.xlsx``), the fill-in template's layout
(:mod:`zoneopt.instance.template` writes it; :mod:`zoneopt.instance.sheets` says which sheet
holds what).

Every problem names the sheet, cell and column: ``zones!D7 (land_area_mu): must be > 0, got
0``. How a sheet is read:

* row 1 holds the headers; a header's first word is the column's key (``land_area_mu``),
  the rest (a second line such as ``现有土地面积（亩）``) is for people. A column whose header
  starts with ``_`` or ``#`` holds notes and is not read; so is a sheet whose name starts
  with ``_`` or ``#``, and the ``README`` sheet. Any other sheet or column is an error (a
  typo would otherwise drop data silently);
* the data start in row 2 and run without blank rows: a blank row followed by more data is an
  error (rows below it would otherwise be read as part of the table, or the table would end
  early); blank rows at the end are ignored;
* merged cells are an error: a merged range holds one value, every row needs its own;
* a formula is read as the value Excel saved with it (its cached value); a formula with no
  saved value (a workbook written by a program and never opened in Excel) and an Excel error
  value (``#DIV/0!``) are errors;
* ``zones`` is the one sheet that must be there; the instance's name is the ``settings``
  sheet's ``name``, else the file name.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from zoneopt.errors import InstanceError, Issue
from zoneopt.instance.model import Instance
from zoneopt.instance.sheets import TABLES, assemble
from zoneopt.instance.tables import Table

SUFFIXES = (".xlsx", ".xlsm")
IGNORED_SHEETS = ("README",)


def _is_note(name: str) -> bool:
    return name.startswith(("_", "#"))


def read_workbook(path: str | Path) -> Instance:
    """The instance a workbook holds. Raises :class:`InstanceError` for a file that is not a
    workbook, a sheet that cannot be read, and any invalid value, each issue naming its sheet,
    cell and column."""
    p = Path(path)
    tables = read_tables(p)
    asm = assemble(Instance, tables, {"name": p.stem})
    if asm.issues:
        raise InstanceError(asm.issues, str(p))
    try:
        return Instance.from_dict(asm.doc)
    except InstanceError as exc:
        raise InstanceError(asm.locator.translate(exc.issues), str(p)) from None


def locate_issues(path: str | Path, issues: tuple[Issue, ...] | list[Issue]) -> list[Issue]:
    """Issues found later (a model's data check, a scenario) with their JSON paths put in the
    workbook's terms, where the workbook gave the value; the issues unchanged if it cannot be
    read."""
    try:
        asm = assemble(Instance, read_tables(Path(path)), {"name": Path(path).stem})
    except InstanceError:
        return list(issues)
    return asm.locator.translate(issues)


def read_tables(path: Path) -> dict[str, Table]:
    """The workbook's sheets as tables, each cell named ``sheet!A1 (header)``."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    if path.suffix.lower() == ".xls":
        raise InstanceError([Issue("", "an Excel 97-2003 workbook (.xls): save it as .xlsx")], str(path))
    try:
        book = openpyxl.load_workbook(path, data_only=False)
    except FileNotFoundError:
        raise InstanceError([Issue("", "no such file")], str(path)) from None
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise InstanceError([Issue("", f"cannot read as an Excel workbook (.xlsx): {exc}")], str(path)) from None
    issues: list[Issue] = []
    names = [ws.title for ws in book.worksheets]
    for name in names:
        if name not in TABLES and name not in IGNORED_SHEETS and not _is_note(name):
            issues.append(Issue(f"sheet {name}", "unknown sheet (a typo?); the sheets read are "
                                                 f"{', '.join(TABLES)}; name a sheet of notes _{name}"))
    if "zones" not in names:
        issues.append(Issue("sheet zones", "missing: the zones sheet (one row per zone) is required"))
    cached: list[Any] = []  # the workbook's saved formula values, read once when needed

    def saved(sheet: str, coordinate: str) -> Any:
        if not cached:
            cached.append(openpyxl.load_workbook(path, data_only=True))
        return cached[0][sheet][coordinate].value

    tables = {}
    for name in names:
        if name in TABLES:
            table = _read_sheet(book[name], saved, issues)
            if table is not None:
                tables[name] = table
    if issues:
        raise InstanceError(issues, str(path))
    return tables


def _read_sheet(ws: Any, saved: Any, issues: list[Issue]) -> Table | None:
    from openpyxl.utils import get_column_letter

    sheet = ws.title
    for merged in ws.merged_cells.ranges:
        issues.append(Issue(f"{sheet}!{merged.coord}",
                            "merged cells: unmerge them (each row needs a value of its own)"))
    if ws.merged_cells.ranges:
        return None
    rows = list(ws.iter_rows())
    if not rows:
        return Table(sheet, [], [], where_table=f"sheet {sheet}")
    headers: list[str] = []
    columns: list[int] = []  # sheet column (0-based) of each read header
    seen: dict[str, str] = {}
    for j, c in enumerate(rows[0]):
        if c.value is None or (isinstance(c.value, str) and not c.value.strip()):
            continue
        key = str(c.value).split()[0]
        if _is_note(key):
            continue
        if key in seen:
            issues.append(Issue(f"{sheet}!{c.coordinate} ({key})",
                                f"a second column {key!r} (the first is {seen[key]})"))
            continue
        seen[key] = c.coordinate
        headers.append(key)
        columns.append(j)
    named = set(columns) | {j for j, c in enumerate(rows[0]) if c.value is not None}
    data: list[list[Any]] = []
    numbers: list[int] = []
    blank: int | None = None
    for r in rows[1:]:
        values = [_value(r[j], sheet, headers[k], saved, issues) if j < len(r) else None
                  for k, j in enumerate(columns)]
        strays = [c for j, c in enumerate(r) if j not in named and _value(c, sheet, "", saved, []) is not None]
        for c in strays:
            issues.append(Issue(f"{sheet}!{c.coordinate}", "a value in a column without a header"))
        if all(v is None for v in values) and not strays:
            blank = blank if blank is not None else r[0].row
            continue
        if blank is not None:
            issues.append(Issue(f"{sheet}!{blank}:{blank}", "a blank row inside the table: delete it (the rows "
                                                            "after it belong to the same table)"))
            blank = None
        data.append(values)
        numbers.append(r[0].row)
    letters = [get_column_letter(j + 1) for j in columns]

    def where_cell(i: int, j: int, detail: str) -> str:
        return f"{sheet}!{letters[j]}{1 if i < 0 else numbers[i]} ({headers[j]}{detail})"

    def where_row(i: int) -> str:
        return f"{sheet}!{numbers[i]}:{numbers[i]}"

    return Table(sheet, headers, data, where_cell=where_cell, where_row=where_row, where_table=f"sheet {sheet}",
                 check_headers=True)


def _value(c: Any, sheet: str, header: str, saved: Any, issues: list[Issue]) -> Any:
    """A cell's value: its saved value for a formula; text stripped (blank text is None)."""
    value = c.value
    where = f"{sheet}!{c.coordinate}" + (f" ({header})" if header else "")
    if c.data_type == "f":
        value = saved(sheet, c.coordinate)
        if value is None:
            issues.append(Issue(where, "a formula with no saved value (the workbook was never calculated and "
                                       "saved in Excel): open and save it in Excel, or type the value"))
            return None
    if c.data_type == "e" or (isinstance(value, str) and value in _ERRORS):
        issues.append(Issue(where, f"an Excel error value {value}: correct the formula or type the value"))
        return None
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


_ERRORS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"})
