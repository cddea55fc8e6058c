"""Zones as a table: the large-instance path. An instance's ``zones`` may be a table instead of
a list of zone objects — a pandas frame, or a Parquet or CSV file the instance names
(``"zones": "zones.parquet"``, relative to the instance file) — validated a column at a time,
so no Python object is made per zone. Every issue names the table, the row (counted from 0
after the header, as ``zones[i]`` counts them) and the column at fault, e.g.
``zones.parquet row 734211, land_area_mu: must be > 0, got -3``.

Columns (as :meth:`Instance.from_frames` takes them): ``id``, ``city``, ``land_area_mu``
(required); ``name``, ``county``, ``level``, ``kind``, ``grade``, ``score``, ``tags`` (a list or
a comma-separated string), ``meets_env_standards``; the metrics ``tax``, ``value_added``,
``revenue``, ``rd_spending``, ``energy_tce``, ``employees``, ``energy_reduction_tce`` and
``emissions_<pollutant>_t``; ``request_land_mu``; ``metric_<name>`` a named metric (declared in
the instance's ``metrics``, as ``metrics.named.<name>`` of a zone object; any finite number). An
empty cell is a missing value. A zone's
emission and fund requests and its location have no column: an instance that needs them lists
its zones in JSON.

A :class:`TabularZones` is still a sequence of :class:`Zone`: code that reads zone objects gets
them, made one at a time on demand; the allocation models read the columns directly
(:class:`zoneopt.data.zones.ZoneTable`)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Generic, TypeAlias, TypeVar, get_args, overload

import numpy as np
import numpy.typing as npt
import pandas as pd
from pydantic import (
    BaseModel,
    SerializerFunctionWrapHandler,
    ValidatorFunctionWrapHandler,
    WrapSerializer,
    WrapValidator,
)

from zoneopt.errors import InstanceError, Issue
from zoneopt.instance.common import Array, Grade, Kind, Level
from zoneopt.instance.zones import Zone

BoolArray = npt.NDArray[np.bool_]

TEXT = ("id", "name", "city", "county")
CHOICES: dict[str, tuple[str, ...]] = {"level": get_args(Level), "kind": get_args(Kind), "grade": get_args(Grade)}
DEFAULTS = {"name": "", "level": "provincial", "kind": "etdz"}
METRICS = ("tax", "value_added", "revenue", "rd_spending", "energy_tce", "employees", "energy_reduction_tce")
NON_NEGATIVE = (*METRICS, "request_land_mu")
REQUIRED = ("id", "city", "land_area_mu")
NAMED_PREFIX = "metric_"
"""A named metric's column: ``metric_<name>`` (as in the workbook's zone sheet)."""
SHOWN = 5
"""Issues listed per column; more bad rows in a column are counted in one more issue."""


T = TypeVar("T", bound=BaseModel)


class TabularRows(Sequence[T], Generic[T]):
    """Validated columns of one kind of record (``columns``: one value per row, numbers as
    float arrays with NaN for missing, text as series with NA for missing) and the rows' tags
    as pairs (row ``tag_row[k]`` carries tag ``tag_values[tag_code[k]]``); a sequence of
    ``ITEM`` objects made from the rows only when code that reads objects first asks.
    Subclasses (zones, enterprises, projects) state the kind and how a row reads as a record."""

    ITEM: ClassVar[type[BaseModel]]
    WHAT: ClassVar[str]

    def __init__(self, columns: dict[str, Any], tag_row: npt.NDArray[np.int64], tag_code: npt.NDArray[np.int64],
                 tag_values: list[str], label: str) -> None:
        self.columns = columns
        self.tag_row = tag_row
        self.tag_code = tag_code
        self.tag_values = tag_values
        self.label = label

    @cached_property
    def frame(self) -> pd.DataFrame:
        """The columns as one frame (made on first use)."""
        return pd.DataFrame(self.columns)

    def _row_tags(self) -> list[list[str]]:
        tags: list[list[str]] = [[] for _ in range(len(self))]
        for r, t in zip(self.tag_row.tolist(), self.tag_code.tolist(), strict=True):
            tags[r].append(self.tag_values[t])
        return tags

    def records(self) -> list[dict[str, Any]]:
        """The rows as JSON-ready dicts (the form a JSON instance lists them in)."""
        raise NotImplementedError

    # -- a sequence of objects (made on demand) ----------------------------------------------
    def __len__(self) -> int:
        return len(self.columns["id"])

    @overload
    def __getitem__(self, i: int) -> T: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[T]: ...

    def __getitem__(self, i: int | slice) -> T | Sequence[T]:
        return self._items[i]

    def __iter__(self) -> Iterator[T]:
        return iter(self._items)

    @cached_property
    def _items(self) -> tuple[T, ...]:
        """The rows as objects, made once when code that reads objects first asks."""
        item: Any = self.ITEM
        return tuple(item.model_validate(r) for r in self.records())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, type(self)):
            return (self.frame.equals(other.frame) and np.array_equal(self.tag_row, other.tag_row)
                    and np.array_equal(np.asarray(self.tag_values, dtype=object)[self.tag_code],
                                       np.asarray(other.tag_values, dtype=object)[other.tag_code]))
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.label, len(self)))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.label!r}, {len(self):,} {self.WHAT}s)"


class TabularZones(TabularRows[Zone]):
    """An instance's zones as validated columns (the columns of the module docstring) and
    their tags (zone ``tag_zone[k]`` carries tag ``tag_values[tag_code[k]]``). Build one with
    :meth:`from_frame` or :meth:`read`."""

    ITEM = Zone
    WHAT = "zone"

    @property
    def tag_zone(self) -> npt.NDArray[np.int64]:
        """The zone of each tag pair (``tag_row`` under its zone name)."""
        return self.tag_row

    # -- construction ------------------------------------------------------------------------
    @classmethod
    def read(cls, path: str | Path, label: str | None = None) -> TabularZones:
        """The zone table in a Parquet (``.parquet``, ``.pq``) or CSV file; issues name the
        file by ``label`` (default: its name)."""
        p = Path(path)
        try:
            return cls.from_frame(read_frame(p, label or p.name, "zone", TEXT), label or p.name)
        finally:
            release_arrow_memory()

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, label: str = "zones") -> TabularZones:
        """Validate ``frame`` (one row per zone) column by column; raise
        :class:`~zoneopt.errors.InstanceError` naming ``label``, row and column of each
        problem."""
        issues: list[Issue] = []
        n = len(frame)
        if n == 0:
            raise InstanceError([Issue(label, "the zone table is empty: give at least one zone")])
        known = set(TEXT) | set(CHOICES) | set(NON_NEGATIVE) | {"land_area_mu", "score", "tags", "meets_env_standards"}
        check_columns(frame, known, REQUIRED, label, named=True)
        out: dict[str, Any] = {}
        distinct: dict[str, int] = {}
        for col in TEXT:
            out[col], distinct[col] = _text(frame, col, label, issues, required=col in REQUIRED)
        for col, choices in CHOICES.items():
            out[col] = _choice(frame, col, choices, label, issues)
        out["land_area_mu"] = _number(frame, "land_area_mu", label, issues, positive=True)
        out["score"] = _number(frame, "score", label, issues)
        for col in NON_NEGATIVE:
            out[col] = _number(frame, col, label, issues, nonneg=True)
        for col in sorted(str(c) for c in frame.columns if _is_emissions(str(c))):
            out[col] = _number(frame, col, label, issues, nonneg=True)
        for col in sorted(str(c) for c in frame.columns if _is_named(str(c))):
            out[col] = _number(frame, col, label, issues)
        out["meets_env_standards"] = _flag(frame, "meets_env_standards", label, issues)
        tag_zone, tag_code, tag_values = _tags(frame, label, issues)
        if distinct["id"] < out["id"].notna().sum():  # a repeated id
            _unique_ids(out["id"], label, issues)
        if issues:
            raise InstanceError(issues)
        for col, default in DEFAULTS.items():
            out[col] = out[col].fillna(default)
        return cls(out, tag_zone, tag_code, tag_values, label)

    # -- the columns -------------------------------------------------------------------------
    @property
    def ids(self) -> npt.NDArray[np.object_]:
        return np.asarray(self.columns["id"].to_numpy(dtype=object))

    def values(self, column: str) -> set[Any]:
        """The distinct values of ``column`` (missing ones left out)."""
        return set(pd.unique(self.columns[column].dropna()).tolist())

    @property
    def tags(self) -> set[str]:
        return set(np.asarray(self.tag_values, dtype=object)[np.unique(self.tag_code)].tolist())

    def emissions(self) -> list[str]:
        """The pollutants the table has a column for."""
        return [c[len("emissions_"):-2] for c in self.columns if _is_emissions(c)]

    def named(self) -> list[str]:
        """The named metrics the table has a column (``metric_<name>``) for."""
        return [c[len(NAMED_PREFIX):] for c in self.columns if _is_named(c)]

    def records(self) -> list[dict[str, Any]]:
        """The zones as JSON-ready dicts (the form a JSON instance lists them in)."""
        f = self.frame
        tags = self._row_tags()
        pollutants = self.emissions()
        names = self.named()
        out = []
        for k, row in enumerate(f.to_dict("records")):
            zone: dict[str, Any] = {key: row[key] for key in ("id", "name", "city", "level", "kind")}
            for key in ("county", "grade"):
                if not pd.isna(row[key]):
                    zone[key] = row[key]
            zone["land_area_mu"] = row["land_area_mu"]
            if tags[k]:
                zone["tags"] = tags[k]
            metrics = {m: row[m] for m in METRICS if not np.isnan(row[m])}
            emissions = {p: row[f"emissions_{p}_t"] for p in pollutants if not np.isnan(row[f"emissions_{p}_t"])}
            if emissions:
                metrics["emissions_t"] = emissions
            named = {m: row[NAMED_PREFIX + m] for m in names if not np.isnan(row[NAMED_PREFIX + m])}
            if named:
                metrics["named"] = named
            if metrics:
                zone["metrics"] = metrics
            if not np.isnan(row["score"]):
                zone["score"] = row["score"]
            if not np.isnan(row["request_land_mu"]):
                zone["requests"] = {"land_mu": row["request_land_mu"]}
            if not pd.isna(row["meets_env_standards"]):
                zone["meets_env_standards"] = bool(row["meets_env_standards"])
            out.append(zone)
        return out


MAX_TABLE_BYTES = 2 * 1024**3
"""The largest table file an instance may name (2 GiB: some 20 million zones in CSV, more in
Parquet); a larger one is refused before it is read, as a JSON instance over its limit is."""


def read_frame(p: Path, label: str, what: str, text: Sequence[str], max_bytes: int | None = None) -> pd.DataFrame:
    """The table in the Parquet (``.parquet``, ``.pq``) or CSV file ``p`` as a frame, the
    columns ``text`` of a CSV file read as text; a file that cannot be read, or is larger than
    ``max_bytes`` (default :data:`MAX_TABLE_BYTES`), is an :class:`~zoneopt.errors.InstanceError`
    naming ``label`` (a ``what`` table: zone, ...)."""
    limit = MAX_TABLE_BYTES if max_bytes is None else max_bytes
    try:
        size = p.stat().st_size
        if size > limit:
            raise InstanceError([Issue(label, f"the {what} table {p.name} has {size:,} bytes, more than the "
                                              f"{limit:,} a table file may have")])
        if p.suffix.lower() in (".parquet", ".pq"):
            try:
                import pyarrow.parquet as pq
            except ImportError:
                raise InstanceError([Issue(label, "reading Parquet needs pyarrow "
                                                  "(pip install 'zoneopt[tabular]')")]) from None
            table = pq.read_table(p)
            # Column by column, each Arrow buffer freed once converted: the file is never held
            # twice (once in Arrow, once in pandas) at its full size.
            return table.to_pandas(self_destruct=True, split_blocks=True)
        if p.suffix.lower() == ".csv":
            return pd.read_csv(p, dtype={c: object for c in text}, keep_default_na=True)
        raise InstanceError([Issue(label, f"a {what} table is a .parquet or .csv file, got {p.suffix or p.name!r}")])
    except FileNotFoundError:
        raise InstanceError([Issue(label, f"no such file: {p}")]) from None
    except (OSError, ValueError) as exc:
        raise InstanceError([Issue(label, f"cannot read the {what} table: {exc}")]) from None


def release_arrow_memory() -> None:
    """Hand the memory Arrow's allocator keeps for reuse back to the system: reading a table
    and checking its text columns leave hundreds of MiB there at a million rows, which nothing
    but Arrow would reuse (the model and the solver allocate with malloc)."""
    try:
        import pyarrow as pa
    except ImportError:
        return
    pa.default_memory_pool().release_unused()


def _table_or_list(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    return value if isinstance(value, TabularZones) else handler(value)


def _listed(value: Any, handler: SerializerFunctionWrapHandler) -> Any:
    return value.records() if isinstance(value, TabularZones) else handler(value)


if TYPE_CHECKING:
    Zones: TypeAlias = TabularZones | tuple[Zone, ...]
else:  # a table passes as it is; a list is validated zone by zone (errors at zones[i]...)
    Zones = Annotated[Array[Zone], WrapValidator(_table_or_list), WrapSerializer(_listed)]
"""An instance's ``zones``: a :class:`TabularZones`, or the zones one by one."""


def zone_table_source(value: Any, base: Path | None = None) -> Any:
    """An instance's ``zones`` as given, with a file name read (relative to ``base``) and a
    frame validated into :class:`TabularZones`; a list of zones is returned as it is."""
    if isinstance(value, pd.DataFrame):
        return TabularZones.from_frame(value)
    if isinstance(value, (str, Path)):
        path = Path(value)
        return TabularZones.read(path if path.is_absolute() or base is None else base / path, label=str(value))
    return value


# -- vectorised checks, each naming the row and column at fault ----------------------------------

def check_columns(frame: pd.DataFrame, known: set[str], required: Sequence[str], label: str,
                  named: bool = False) -> None:
    """Raise :class:`InstanceError` naming each column of ``frame`` that is not ``known`` (nor
    an emissions column, nor with ``named`` a named metric's) and each ``required`` one it lacks."""
    issues = [Issue(f"{label}, column {col}", "unknown column (a typo?)")
              for col in frame.columns if str(col) not in known and not _is_emissions(str(col))
              and not (named and _is_named(str(col)))]
    issues += [Issue(f"{label}, column {col}", "required column is missing") for col in required
               if col not in frame.columns]
    if issues:
        raise InstanceError(issues)


def _report(bad: BoolArray, values: Any, col: str, label: str, message: str, issues: list[Issue]) -> None:
    rows = np.flatnonzero(bad)
    for r in rows[:SHOWN].tolist():
        v = values[r]
        v = v.item() if isinstance(v, np.generic) else v
        got = f", got {v!r}" if v is not None else ""
        issues.append(Issue(f"{label} row {r}, {col}", message + got))
    if rows.size > SHOWN:
        issues.append(Issue(f"{label}, column {col}", f"{rows.size - SHOWN:,} more rows: {message}"))


def _arrow(s: pd.Series) -> Any:
    """``s`` as a pyarrow string array (text as text, anything else null), or None without
    pyarrow."""
    try:
        import pyarrow as pa
    except ImportError:
        return None
    if pd.api.types.is_string_dtype(s.dtype) and s.dtype != object:
        arr = pa.array(s, type=pa.string(), from_pandas=True)
    else:
        arr = pa.array([v if isinstance(v, str) else None for v in s.tolist()], type=pa.string())
    return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr


def _text(frame: pd.DataFrame, col: str, label: str, issues: list[Issue], *, required: bool,
          identifier: bool | None = None) -> tuple[pd.Series, int]:
    """A text column, kept as a (string) series, and how many distinct values it has: ids and
    names a spreadsheet stored as numbers become text; an identifier column (by default all
    but ``name``) must not be empty or start or end with white space (checked once per
    distinct value)."""
    n = len(frame)
    if col not in frame.columns:
        return pd.Series([None] * n, dtype="str" if col != "county" else object), 0
    s = frame[col].reset_index(drop=True)
    missing = s.isna().to_numpy()
    if required:
        _report(missing, [None] * n, col, label, "required value is missing", issues)
    if not (pd.api.types.is_string_dtype(s.dtype) and s.dtype != object):
        values = np.array(s.to_numpy(dtype=object, na_value=None), dtype=object)
        kind = np.fromiter((0 if isinstance(v, str) else 1 if isinstance(v, (int, float)) and not isinstance(v, bool)
                            else 2 for v in values), np.int8, n)
        number = (kind == 1) & ~missing
        values[number] = [f"{v:g}" if isinstance(v, float) else str(v) for v in values[number]]
        _report((kind == 2) & ~missing, values, col, label, "must be text", issues)
        values[(kind == 2) | missing] = None
        s = pd.Series(values, dtype="str")
    distinct = pd.unique(s.dropna())
    if identifier if identifier is not None else col != "name":
        ok = _identifiers(pd.Series(distinct, dtype="str"))
        if not ok.all():
            bad = s.isin(distinct[~ok]).to_numpy() & ~missing
            _report(bad, s.to_numpy(dtype=object), col, label, "must not be empty or start or end with white space",
                    issues)
    return s, len(distinct)


def _identifiers(s: pd.Series) -> BoolArray:
    """Which texts of ``s`` are identifiers: not empty, no white space at either end, at most
    200 characters (vectorised with pyarrow when it is installed)."""
    arr = _arrow(s)
    if arr is None:
        return (s.str.match(r"^\S(.*\S)?$", na=False) & (s.str.len() <= 200)).to_numpy(dtype=bool)
    import pyarrow.compute as pc

    ok = pc.and_(pc.match_substring_regex(arr, r"^\S(.*\S)?$"), pc.less_equal(pc.utf8_length(arr), 200))
    return np.asarray(ok.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)


def _choice(frame: pd.DataFrame, col: str, choices: tuple[str, ...], label: str, issues: list[Issue]) -> pd.Series:
    n = len(frame)
    if col not in frame.columns:
        return pd.Series([None] * n, dtype="str")
    s = frame[col].reset_index(drop=True)
    missing = s.isna().to_numpy()
    bad = ~missing & ~s.isin(choices).to_numpy()
    _report(bad, s.to_numpy(dtype=object), col, label, f"must be one of {list(choices)}", issues)
    return s.astype("str") if s.dtype == object else s


def _number(frame: pd.DataFrame, col: str, label: str, issues: list[Issue], *, positive: bool = False,
            nonneg: bool = False) -> npt.NDArray[np.float64]:
    n = len(frame)
    if col not in frame.columns:
        return np.full(n, np.nan)
    s = frame[col]
    if pd.api.types.is_bool_dtype(s.dtype):
        _report(np.ones(n, bool), s.to_numpy(), col, label, "must be a number", issues)
        return np.full(n, np.nan)
    if pd.api.types.is_numeric_dtype(s.dtype):
        values = s.to_numpy(dtype=float, na_value=np.nan)
    else:
        values = pd.to_numeric(s, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        missing = s.isna().to_numpy()
        _report(np.isnan(values) & ~missing, s.to_numpy(dtype=object), col, label, "must be a number", issues)
    _report(np.isinf(values), values, col, label, "must be a finite number (NaN and infinity are not allowed)", issues)
    if col == "land_area_mu":
        _report(np.isnan(values) & s.isna().to_numpy(), [None] * n, col, label, "required value is missing", issues)
    with np.errstate(invalid="ignore"):
        if positive:
            _report(values <= 0, values, col, label, "must be > 0", issues)
        if nonneg:
            _report(values < 0, values, col, label, "must be >= 0 (no negative quantities)", issues)
    return values


def _flag(frame: pd.DataFrame, col: str, label: str, issues: list[Issue]) -> pd.Series:
    n = len(frame)
    if col not in frame.columns:
        return pd.Series([None] * n, dtype=object)
    s = frame[col].reset_index(drop=True)
    if pd.api.types.is_bool_dtype(s.dtype) and not s.isna().any():
        return s.astype(object)
    missing = s.isna().to_numpy()
    truth = {True: True, False: False, "true": True, "false": False, "1": True, "0": False, "1.0": True, "0.0": False}
    distinct = pd.unique(s.dropna())
    mapping = {v: truth.get(v if isinstance(v, bool) else str(v).strip().lower()) for v in distinct.tolist()}
    mapped = s.map(mapping)
    bad = ~missing & mapped.isna().to_numpy()
    _report(bad, s.to_numpy(dtype=object), col, label, "must be true or false", issues)
    return mapped.astype(object).where(~missing, None)


def _tags(frame: pd.DataFrame, label: str, issues: list[Issue]
          ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], list[str]]:
    """The tags as (zone, tag code) pairs and the distinct tags: a comma-separated string or a
    list per row."""
    if "tags" not in frame.columns:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), []
    s = frame["tags"].reset_index(drop=True)  # the index: row positions
    if pd.api.types.is_string_dtype(s.dtype) and s.dtype != object:
        try:
            import pyarrow.compute as pc
        except ImportError:
            pass
        else:  # split, flatten, trim and encode in Arrow: no Python string per tag
            parts = pc.split_pattern(_arrow(s), ",")
            zone = np.asarray(pc.list_parent_indices(parts).to_numpy(), dtype=np.int64)
            names = pc.utf8_trim_whitespace(pc.list_flatten(parts))
            keep = np.asarray(pc.greater(pc.utf8_length(names), 0).to_numpy(zero_copy_only=False), dtype=bool)
            encoded = pc.dictionary_encode(names)
            codes = np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
            return zone[keep], codes[keep], encoded.dictionary.to_pylist()
    long = s.map(lambda v: v.split(",") if isinstance(v, str) else v).explode()
    long = long[long.notna()]
    zone = long.index.to_numpy(dtype=np.int64)
    is_str = long.map(lambda t: isinstance(t, str)).to_numpy(dtype=bool)
    _report(np.isin(np.arange(len(frame)), zone[~is_str]), s.to_numpy(dtype=object), "tags", label,
            "each tag is a text", issues)
    names = np.array([t.strip() if isinstance(t, str) else "" for t in long.tolist()], dtype=object)
    keep = is_str & (np.array([len(t) for t in names], dtype=np.int64) > 0)  # "a, ,b" has two tags
    codes, values = pd.factorize(pd.Series(names[keep], dtype=object))
    return zone[keep], codes.astype(np.int64), [str(v) for v in values]


def _unique_ids(ids: pd.Series, label: str, issues: list[Issue], what: str = "zone") -> None:
    dup = ids.duplicated(keep="first").to_numpy() & ids.notna().to_numpy()
    first = ids.drop_duplicates(keep="first")
    where = pd.Series(first.index, index=first.to_numpy())
    values = ids.to_numpy(dtype=object)
    for r in np.flatnonzero(dup)[:SHOWN].tolist():
        issues.append(Issue(f"{label} row {r}, id",
                            f"duplicate {what} id {values[r]!r} (first in row {where[values[r]]})"))
    if dup.sum() > SHOWN:
        issues.append(Issue(f"{label}, column id", f"{int(dup.sum()) - SHOWN:,} more duplicate {what} ids"))


def _is_named(col: str) -> bool:
    name = col[len(NAMED_PREFIX):]
    return col.startswith(NAMED_PREFIX) and bool(name) and name == name.strip()


def _is_emissions(col: str) -> bool:
    return col.startswith("emissions_") and col.endswith("_t") and len(col) > len("emissions__t")
