"""Tables of cells and the instance document they make: a table's columns (:class:`Layout`:
named flat columns such as ``tax`` for ``metrics.tax``, patterns such as ``emissions_SO2_t``,
otherwise dotted paths), the table as read (:class:`Table`, which can name its cells), the
document being assembled from tables (:class:`Assembly`), the :class:`Locator` that puts a
validation error's JSON path back in the table's terms (``zones!D8 (land_area_mu)``), and a
record flattened into one row of cells (:func:`flatten`). Which table holds which part of an
instance is :mod:`zoneopt.instance.sheets`."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from zoneopt.errors import Issue
from zoneopt.instance.fields import Kind, Part, cell_text, cell_value, kind_at
from zoneopt.instance.issues import json_path, plain_json_path

Path = tuple[Part, ...]


# -- columns ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Layout:
    """A table's columns: named ones (header → path in the row's record), patterns
    ``prefix<name>suffix`` → ``base + (name,)``, and otherwise a dotted path. ``routing``
    columns say where a row goes, not what it holds."""

    named: Mapping[str, Path] = field(default_factory=dict)
    patterns: tuple[tuple[str, str, Path], ...] = ()
    routing: tuple[str, ...] = ()

    def path(self, header: str) -> Path | None:
        """The path a column holds (None for a routing column)."""
        if header in self.routing:
            return None
        if header in self.named:
            return self.named[header]
        for prefix, suffix, base in self.patterns:
            if header.startswith(prefix) and header.endswith(suffix) and len(header) > len(prefix) + len(suffix):
                return (*base, header[len(prefix):len(header) - len(suffix)])
        return tuple(header.split("."))

    def header(self, path: Path) -> str:
        """The column that holds ``path``."""
        for name, p in self.named.items():
            if p == path:
                return name
        for prefix, suffix, base in self.patterns:
            if len(path) == len(base) + 1 and path[:-1] == base:
                return f"{prefix}{path[-1]}{suffix}"
        return ".".join(str(p) for p in path)

    def opens(self, path: Path) -> bool:
        """Whether a pattern spreads the mapping at ``path`` over columns of its own."""
        return any(base == path for _, _, base in self.patterns)


# -- tables as read --------------------------------------------------------------------------------

@dataclass
class Table:
    """A table as read: its name, column headers, rows of cell values, and how messages name
    a cell (``where_cell(row, column, detail)``; row -1 is the header), a row and the table.
    A table that can name its cells (a sheet) is *located*: validation errors are put in its
    terms, and a header that is no column of it is reported (``check_headers``)."""

    name: str
    headers: list[str]
    rows: list[list[Any]]
    where_cell: Callable[[int, int, str], str] | None = None
    where_row: Callable[[int], str] | None = None
    where_table: str | None = None
    check_headers: bool = False

    def cell(self, i: int, j: int, detail: str = "") -> str:
        if self.where_cell is not None:
            return self.where_cell(i, j, detail)
        return f"{self.name} table, column {self.headers[j]!r}" if i < 0 else \
            f"{self.name} table, row {i}, column {self.headers[j]!r}{detail}"

    def row(self, i: int) -> str:
        return self.where_row(i) if self.where_row is not None else f"{self.name} table, row {i}"

    def column(self, header: str) -> int | None:
        return self.headers.index(header) if header in self.headers else None

    def text(self, i: int, header: str) -> str | None:
        """The text of a routing cell (a number as its text; None when blank or no column)."""
        j = self.column(header)
        if j is None:
            return None
        v = cell_value(self.rows[i][j], Kind(text=True))
        return v if isinstance(v, str) else None

    @property
    def located(self) -> bool:
        return self.where_cell is not None


def records_table(name: str, records: Iterable[Mapping[str, Any]]) -> Table:
    """Rows of mappings (JSON-shaped values, or cell values) as a table."""
    rows = list(records)
    headers: list[str] = list(dict.fromkeys(str(k) for r in rows for k in r))
    return Table(name, headers, [[r.get(h) for h in headers] for r in rows])


# -- where each value came from ------------------------------------------------------------------

@dataclass(frozen=True)
class _Row:
    table: Table
    index: int
    anchor: Path
    columns: tuple[tuple[int, Path], ...]  # (column index, path in the document after ``prefix``)
    prefix: Path = ()


def _starts(path: str, prefix: str) -> bool:
    return path == prefix or (path.startswith(prefix) and (not prefix or path[len(prefix)] in ".["))


@dataclass
class Locator:
    """Puts a JSON path (``zones[6].land_area_mu``) in the terms of the tables that gave it
    (``zones!D8 (land_area_mu)``): the cell whose value holds the path (with what is left of
    the path, for a list or JSON cell), else the row (with the columns under the path, or the
    missing field), else the table."""

    rows: dict[str, _Row] = field(default_factory=dict)
    tables: dict[str, str] = field(default_factory=dict)  # top-level field → where its table is

    def place(self, path: str) -> str | None:
        """Where ``path`` is in the tables, or None when no located table gave it."""
        for cut in sorted({len(path), *(i for i, ch in enumerate(path) if ch in ".[")}, reverse=True):
            row = self.rows.get(path[:cut])
            if row is not None:
                return _in_row(row, path)
        return self.tables.get(path.split(".")[0].split("[")[0])

    def translate(self, issues: Iterable[Issue]) -> list[Issue]:
        """The issues with their JSON paths put in the tables' terms where a table gave them."""
        return [Issue(self.place(plain_json_path(i.path)) or i.path, i.message) if i.path else i for i in issues]


def _in_row(row: _Row, path: str) -> str:
    best: tuple[int, int] | None = None  # (length of the cell's path, column)
    under: list[int] = []
    for j, p in row.columns:
        cell = json_path((*row.prefix, *p))
        if _starts(path, cell):
            if best is None or len(cell) > best[0]:
                best = (len(cell), j)
        elif _starts(cell, path):
            under.append(j)
    if best is not None:
        return row.table.cell(row.index, best[1], path[best[0]:])
    where = row.table.row(row.index)
    anchor = json_path(row.anchor)
    if path == anchor or not _starts(path, anchor):
        return where  # the row as a whole (a rule without any bound)
    if under:  # a part of the row several columns give (a location)
        return f"{where} ({', '.join(row.table.headers[j] for j in under)})"
    return f"{where} ({path[len(anchor):].lstrip('.')})"  # a field no column gives


# -- assembling a document -------------------------------------------------------------------------

def put(node: Any, path: Path, value: Any) -> None:
    """Set ``node[path[0]][path[1]]… = value``, making mappings on the way (a list index
    steps into a list that is there)."""
    for p in path[:-1]:
        nxt = node[p] if isinstance(node, list) and isinstance(p, int) else node.get(p)
        if not isinstance(nxt, (dict, list)):
            nxt = {}
            node[p] = nxt
        node = nxt
    node[path[-1]] = value


def get(node: Any, path: Path) -> Any:
    """``node[path[0]][path[1]]…``, or None where the path leads nowhere."""
    for p in path:
        if isinstance(node, dict) and p in node:
            node = node[p]
        elif isinstance(node, (list, tuple)) and isinstance(p, int) and p < len(node):
            node = node[p]
        else:
            return None
    return node


class Assembly:
    """An instance document being assembled from tables: the document, the problems found on
    the way (each naming its cell) and the :class:`Locator` of every row read."""

    def __init__(self, root: type[BaseModel], base: Mapping[str, Any] | None = None) -> None:
        self.root = root
        self.doc: dict[str, Any] = dict(base or {})
        self.issues: list[Issue] = []
        self.locator = Locator()
        self._given: dict[str, str] = {}  # a value's path → where it was given (settings, pools)
        self._plans: dict[tuple[int, int, Path], list[tuple[int, Path, Kind | None]]] = {}

    def kind(self, path: Path) -> Kind | None:
        """What the field at ``path`` takes."""
        return kind_at(self.root, path)

    def knows(self, path: Path) -> bool:
        return self.kind(path) is not None

    def value(self, table: Table, i: int, j: int, path: Path) -> Any:
        """Cell (i, j) of ``table`` as the JSON value at ``path`` (None: blank or unreadable,
        the latter an issue)."""
        try:
            return cell_value(table.rows[i][j], self.kind(path))
        except ValueError as exc:
            self.issues.append(Issue(table.cell(i, j), str(exc)))
            return None

    def append(self, table: Table, i: int, layout: Layout, at: Path) -> dict[str, Any]:
        """Row ``i`` as a record appended to the list at ``at`` (its columns by ``layout``),
        registered for locating errors."""
        node = get(self.doc, at)
        if not isinstance(node, list):
            node = list(node) if isinstance(node, tuple) else []
            put(self.doc, at, node)
        base = (*at, len(node))
        rec: dict[str, Any] = {}
        node.append(rec)
        plan = self._plan(table, layout, at)
        cells = table.rows[i]
        for j, rel, kind in plan:
            if cells[j] is None:
                continue
            try:
                v = cell_value(cells[j], kind)
            except ValueError as exc:
                self.issues.append(Issue(table.cell(i, j), str(exc)))
                continue
            if v is not None:
                put(rec, rel, v)
        self.register(table, i, (base,), tuple((j, rel) for j, rel, _ in plan), prefix=base)
        return rec

    def _plan(self, table: Table, layout: Layout, at: Path) -> list[tuple[int, Path, Kind | None]]:
        """Each column's place in a record of ``at`` and what it takes, worked out once per table."""
        key = (id(table), id(layout), at)
        if key not in self._plans:
            self._plans[key] = [(j, rel, self.kind((*at, 0, *rel))) for j, h in enumerate(table.headers)
                                if (rel := layout.path(h)) is not None]
        return self._plans[key]

    def register(self, table: Table, i: int, anchors: Iterable[Path], columns: tuple[tuple[int, Path], ...],
                 prefix: Path = ()) -> None:
        """Row ``i`` gave the values under ``anchors``, its cells those at ``prefix`` + ``columns``."""
        if table.located:
            anchors = tuple(anchors)
            row = _Row(table, i, anchors[0], columns, prefix)
            for a in anchors:
                self.locator.rows[json_path(a)] = row

    def give(self, path: Path, value: Any, where: str) -> None:
        """Put one value at ``path`` (a setting, a pool's field); a path given twice, or inside
        a section already given whole, is an issue naming both places."""
        key = json_path(path)
        for other, there in self._given.items():
            if _starts(key, other) or _starts(other, key):
                self.issues.append(Issue(where, f"{key} is also given at {there}"))
                return
        self._given[key] = where
        put(self.doc, path, value)

    def check_headers(self, table: Table, accept: Callable[[str], bool]) -> None:
        """Report every header of a located table that ``accept`` refuses."""
        if not table.check_headers:
            return
        for j, h in enumerate(table.headers):
            if not accept(h):
                self.issues.append(Issue(table.cell(-1, j), "unknown column (a typo?); the README sheet lists "
                                                            "the columns of every sheet"))


# -- records as rows -------------------------------------------------------------------------------

def flatten(record: Mapping[str, Any], layout: Layout, kind: Callable[[Path], Kind | None]) -> dict[str, Any]:
    """A JSON-shaped record as one row of cells (header → cell value) under ``layout``: a
    model's fields are opened into their own columns (dotted, or named by the layout), a
    mapping a pattern spreads (``emissions_<pollutant>_t``) likewise; lists, mappings and
    sections kept whole become list, ``key=value`` or JSON cells (:func:`cell_text`), which
    the table reads back as the same values. ``kind(path)`` is what the field at ``path``
    (in the record) takes."""
    row: dict[str, Any] = {}

    def walk(node: Any, path: Path) -> None:
        k = kind(path)
        model = k is not None and k.nested and k.values is None and k.items is None
        if isinstance(node, dict) and (model or layout.opens(path)):
            for key, v in node.items():
                walk(v, (*path, key))
        else:
            row[layout.header(path)] = cell_text(node, k)

    for key, value in record.items():
        walk(value, (key,))
    return row
