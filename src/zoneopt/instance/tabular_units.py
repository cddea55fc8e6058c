"""Enterprises and projects as tables: the large-instance path beside the zone table
(:mod:`zoneopt.instance.tabular`). An instance's ``enterprises`` or ``projects`` may be a table
instead of a list of objects — a pandas frame, or a Parquet or CSV file the instance names
(``"enterprises": "firms.parquet"``, relative to the instance file) — validated a column at a
time, so no Python object is made per enterprise or project. Every issue names the table, the
row (counted from 0 after the header, as ``enterprises[i]`` counts them) and the column at
fault, e.g. ``firms.parquet row 734211, land_area_mu: must be > 0, got -3.0``; a row naming a
zone the instance does not have is named the same way (``firms.parquet row 12, zone: unknown
zone 'Z9'``, by the instance's cross-checks).

Enterprise columns (the flat layout of :meth:`Instance.from_frames`): ``id``, ``zone``,
``land_area_mu`` (required); ``name``, ``sector``; the metrics ``tax``, ``value_added``,
``revenue``, ``rd_spending``, ``energy_tce``, ``employees``, ``energy_reduction_tce`` and
``emissions_<pollutant>_t``.

Project columns: ``id``, ``zone`` (required); ``name``, ``sector``, ``tags`` (a list or a
comma-separated string), ``land_mu``, ``fund``, ``investment``, ``tax``, ``revenue`` (empty: 0),
``emissions_<pollutant>_t`` (empty: none), ``leading`` (empty: false), ``industrial`` (empty:
true). A project that adds to a named zone figure (``metrics``) is listed in JSON: the table has
no column for it.

Like :class:`~zoneopt.instance.tabular.TabularZones`, each table is still a sequence of its
objects (:class:`Enterprise`, :class:`Project`), made on demand for code that reads objects; the
evaluation and the portfolio model read the columns (:meth:`TabularEnterprises.metric_columns`,
:attr:`TabularRecords.columns`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, TypeAlias, TypeVar

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
from zoneopt.instance.common import Array
from zoneopt.instance.portfolio import Project
from zoneopt.instance.tabular import (
    METRICS,
    TabularRows,
    _flag,
    _is_emissions,
    _number,
    _report,
    _tags,
    _text,
    _unique_ids,
    check_columns,
    read_frame,
    release_arrow_memory,
)
from zoneopt.instance.zones import Enterprise

T = TypeVar("T", bound=BaseModel)
"""The kind of record a table holds (its rows as objects)."""

PROJECT_NUMBERS = ("land_mu", "fund", "investment", "tax", "revenue")


class TabularRecords(TabularRows[T]):
    """Enterprises or projects as validated columns (:class:`~zoneopt.instance.tabular.TabularRows`):
    subclasses state the kind, its columns and its records."""

    TEXT: ClassVar[tuple[str, ...]] = ("id", "name", "zone", "sector")

    # -- construction ------------------------------------------------------------------------
    @classmethod
    def read(cls, path: str | Path, label: str | None = None) -> Any:
        """The table in a Parquet (``.parquet``, ``.pq``) or CSV file; issues name the file by
        ``label`` (default: its name)."""
        p = Path(path)
        try:
            return cls.from_frame(read_frame(p, label or p.name, cls.WHAT, cls.TEXT), label or p.name)
        finally:
            release_arrow_memory()

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, label: str | None = None) -> Any:
        """Validate ``frame`` (one row per record) column by column; raise
        :class:`~zoneopt.errors.InstanceError` naming ``label``, row and column of each
        problem."""
        label = label or f"{cls.WHAT}s"
        issues: list[Issue] = []
        check_columns(frame, set(cls._known()), ("id", "zone", *cls._required_numbers()), label)
        out: dict[str, Any] = {}
        distinct: dict[str, int] = {}
        for col in ("id", "zone"):
            out[col], distinct[col] = _text(frame, col, label, issues, required=True)
        out["name"], _ = _text(frame, "name", label, issues, required=False)
        out["sector"], _ = _text(frame, "sector", label, issues, required=False, identifier=cls._sector_ident())
        tag_row, tag_code, tag_values = cls._more(frame, label, issues, out)
        for col in sorted(str(c) for c in frame.columns if _is_emissions(str(c))):
            out[col] = _number(frame, col, label, issues, nonneg=True)
        if distinct["id"] < out["id"].notna().sum():  # a repeated id
            _unique_ids(out["id"], label, issues, cls.WHAT)
        if issues:
            raise InstanceError(issues)
        out["name"] = out["name"].fillna("")
        return cls(out, tag_row, tag_code, tag_values, label)

    @classmethod
    def _known(cls) -> tuple[str, ...]:
        raise NotImplementedError

    @classmethod
    def _required_numbers(cls) -> tuple[str, ...]:
        return ()

    @classmethod
    def _sector_ident(cls) -> bool:
        return False

    @classmethod
    def _more(cls, frame: pd.DataFrame, label: str, issues: list[Issue], out: dict[str, Any]
              ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], list[str]]:
        """The kind's own columns into ``out``; its tags as pairs (none by default)."""
        raise NotImplementedError

    # -- the columns -------------------------------------------------------------------------
    @property
    def ids(self) -> npt.NDArray[np.object_]:
        return np.asarray(self.columns["id"].to_numpy(dtype=object))

    @property
    def zones(self) -> npt.NDArray[np.object_]:
        """The zone id of each row."""
        return np.asarray(self.columns["zone"].to_numpy(dtype=object))

    def emissions(self) -> list[str]:
        """The pollutants the table has a column for."""
        return [c[len("emissions_"):-2] for c in self.columns if _is_emissions(c)]

    def unknown_zones(self, known: Any) -> list[Issue]:
        """Issues naming each row whose zone is not among ``known`` (a set or index of zone
        ids), as the cross-checks report them."""
        zone = self.columns["zone"]
        issues: list[Issue] = []
        values = zone.to_numpy(dtype=object)
        _report(~zone.isin(known).to_numpy(dtype=bool), values, "zone", self.label, "unknown zone", issues)
        return issues


def _present(value: Any) -> bool:
    return not pd.isna(value)


class TabularEnterprises(TabularRecords[Enterprise]):
    """An instance's enterprises as validated columns (see the module docstring)."""

    ITEM = Enterprise
    WHAT = "enterprise"

    @classmethod
    def _known(cls) -> tuple[str, ...]:
        return (*cls.TEXT, "land_area_mu", *METRICS)

    @classmethod
    def _required_numbers(cls) -> tuple[str, ...]:
        return ("land_area_mu",)

    @classmethod
    def _more(cls, frame: pd.DataFrame, label: str, issues: list[Issue], out: dict[str, Any]
              ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], list[str]]:
        out["land_area_mu"] = _number(frame, "land_area_mu", label, issues, positive=True)
        for col in METRICS:
            out[col] = _number(frame, col, label, issues, nonneg=True)
        return np.zeros(0, np.int64), np.zeros(0, np.int64), []

    def metric_columns(self) -> dict[str, npt.NDArray[np.float64]]:
        """Land and metric columns as :func:`zoneopt.data.zones.metric_columns` gives them for
        enterprise objects: one float array per field, ``emissions.<pollutant>`` per pollutant."""
        out = {"land_area_mu": self.columns["land_area_mu"], **{m: self.columns[m] for m in METRICS}}
        for p in sorted(self.emissions()):
            out["emissions." + p] = self.columns[f"emissions_{p}_t"]
        return out

    def records(self) -> list[dict[str, Any]]:
        pollutants = self.emissions()
        out = []
        for row in self.frame.to_dict("records"):
            firm: dict[str, Any] = {"id": row["id"], "name": row["name"], "zone": row["zone"]}
            if _present(row["sector"]):
                firm["sector"] = row["sector"]
            firm["land_area_mu"] = row["land_area_mu"]
            metrics = {m: row[m] for m in METRICS if _present(row[m])}
            emissions = {p: row[f"emissions_{p}_t"] for p in pollutants if _present(row[f"emissions_{p}_t"])}
            if emissions:
                metrics["emissions_t"] = emissions
            if metrics:
                firm["metrics"] = metrics
            out.append(firm)
        return out


class TabularProjects(TabularRecords[Project]):
    """An instance's projects as validated columns (see the module docstring): the numbers
    with 0 for an empty cell, ``leading`` and ``industrial`` as boolean arrays."""

    ITEM = Project
    WHAT = "project"

    @classmethod
    def _known(cls) -> tuple[str, ...]:
        return (*cls.TEXT, "tags", *PROJECT_NUMBERS, "leading", "industrial")

    @classmethod
    def _sector_ident(cls) -> bool:
        return True

    @classmethod
    def _more(cls, frame: pd.DataFrame, label: str, issues: list[Issue], out: dict[str, Any]
              ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], list[str]]:
        for col in PROJECT_NUMBERS:
            out[col] = np.nan_to_num(_number(frame, col, label, issues, nonneg=True), nan=0.0, posinf=np.inf)
        for col, default in (("leading", False), ("industrial", True)):
            out[col] = _flag(frame, col, label, issues).fillna(default).to_numpy(dtype=bool)
        return _tags(frame, label, issues)

    def records(self) -> list[dict[str, Any]]:
        pollutants = self.emissions()
        tags = self._row_tags()
        out = []
        for k, row in enumerate(self.frame.to_dict("records")):
            project: dict[str, Any] = {"id": row["id"], "name": row["name"], "zone": row["zone"]}
            if _present(row["sector"]):
                project["sector"] = row["sector"]
            if tags[k]:
                project["tags"] = tags[k]
            project.update({c: row[c] for c in PROJECT_NUMBERS})
            emissions = {p: row[f"emissions_{p}_t"] for p in pollutants if _present(row[f"emissions_{p}_t"])}
            if emissions:
                project["emissions_t"] = emissions
            project["leading"], project["industrial"] = bool(row["leading"]), bool(row["industrial"])
            out.append(project)
        return out


def _kind_validator(kind: type[TabularRecords[Any]]) -> Any:
    def validate(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        return value if isinstance(value, kind) else handler(value)
    return WrapValidator(validate)


def _listed(value: Any, handler: SerializerFunctionWrapHandler) -> Any:
    return value.records() if isinstance(value, TabularRecords) else handler(value)


if TYPE_CHECKING:
    Enterprises: TypeAlias = TabularEnterprises | tuple[Enterprise, ...]
    Projects: TypeAlias = TabularProjects | tuple[Project, ...]
else:  # a table passes as it is; a list is validated one by one (errors at enterprises[i]...)
    Enterprises = Annotated[Array[Enterprise], _kind_validator(TabularEnterprises), WrapSerializer(_listed)]
    Projects = Annotated[Array[Project], _kind_validator(TabularProjects), WrapSerializer(_listed)]

TABLE_KINDS: dict[str, type[TabularRecords[Any]]] = {"enterprises": TabularEnterprises, "projects": TabularProjects}
"""The instance fields besides ``zones`` that may be given as a table, and their kind."""


def table_source(field: str, value: Any, base: Path | None = None) -> Any:
    """An instance's ``enterprises`` or ``projects`` as given, with a file name read (relative
    to ``base``) and a frame validated into its table; a list is returned as it is."""
    kind = TABLE_KINDS[field]
    if isinstance(value, pd.DataFrame):
        return kind.from_frame(value, field)
    if isinstance(value, (str, Path)):
        path = Path(value)
        return kind.read(path if path.is_absolute() or base is None else base / path, label=str(value))
    return value
