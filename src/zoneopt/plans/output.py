"""What every plan-like output shares: the :class:`PlanOutput` base (status, objective, JSON
of its record, writing by suffix), the :class:`Binding` row of a binding rule, JSON-ready table
rows (:func:`clean_value`, :func:`records`) and atomic writing of JSON, CSV and Excel
(:func:`write_by_suffix`, :func:`write_sheets`; cells safe from formula injection, see
:mod:`zoneopt.plans.spreadsheets`). Land, resource, consolidation, evaluation and multi-year
outputs all write through these."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from pydantic import BaseModel, ConfigDict

from zoneopt.errors import InvalidInputError
from zoneopt.files import atomic_write, atomic_write_text
from zoneopt.plans.spreadsheets import write_csv, write_frame

if TYPE_CHECKING:
    from zoneopt.plans.display import Display


def clean_value(v: Any) -> Any:
    """A table cell as JSON takes it: numpy scalars as Python values, NaN and ±inf as None."""
    if hasattr(v, "item"):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts (:func:`clean_value`), for every plan-like output; the columns
    ``binding_rules`` and ``shadow_prices``, where present, as a list and a mapping, as in
    :class:`ZoneAllocation`."""
    out = []
    for rec in frame.to_dict("records"):
        rec = {str(k): clean_value(v) for k, v in rec.items()}
        if "binding_rules" in rec:
            rec["binding_rules"] = [r for r in (rec.get("binding_rules") or "").split(";") if r]
        if "shadow_prices" in rec:
            rec["shadow_prices"] = {k: float(v) for k, v in
                                    (t.split("=", 1) for t in (rec.get("shadow_prices") or "").split(";") if t)}
        out.append(rec)
    return out


def write_by_suffix(path: str | Path, json_text: Callable[[], str], csv: Callable[[Path], Path],
                    excel: Callable[[Path], Path]) -> Path:
    """Write ``path`` by its suffix (``.json``, ``.csv``, ``.xlsx``), atomically; other suffixes
    raise :class:`InvalidInputError`."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".json":
        atomic_write_text(p, json_text() + "\n")
        return p
    if suffix == ".csv":
        return csv(p)
    if suffix == ".xlsx":
        return excel(p)
    raise InvalidInputError(f"--out {p}: unknown output type {suffix!r}; use .json, .csv or .xlsx")


def write_sheets(path: str | Path, sheets: dict[str, pd.DataFrame]) -> Path:
    """One workbook, a sheet per table (names cut to Excel's 31 characters), written atomically."""
    def write(p: Path) -> None:
        with pd.ExcelWriter(p, engine="openpyxl") as xl:
            for name, frame in sheets.items():
                write_frame(xl, frame, name[:31])
    return atomic_write(path, write)


class Binding(BaseModel):
    """A rule row that holds with equality at the optimum, and its shadow price: the change in
    the objective per unit increase of the binding bound (LPs only)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: str
    source: str | None
    row: str
    side: str
    bound: float
    shadow_price: float | None
    unit: str


class PlanOutput:
    """What every solved plan shares (land, resource, consolidation, over years): its summary's
    status and objective, JSON of its record, and writing by suffix. A plan gives
    :meth:`to_record`, :meth:`to_csv` and :meth:`to_excel`."""

    summary: Any  # a pydantic summary with ``status`` and ``objective``

    @property
    def status(self) -> str:
        status: str = self.summary.status
        return status

    @property
    def objective(self) -> float | None:
        objective: float | None = self.summary.objective
        return objective

    def to_record(self) -> BaseModel:
        raise NotImplementedError

    def to_csv(self, path: str | Path) -> Path:
        raise NotImplementedError

    def to_excel(self, path: str | Path) -> Path:
        raise NotImplementedError

    def to_json(self, path: str | Path | None = None, indent: int = 2) -> str:
        """The plan as JSON (its record, e.g. a :class:`PlanRecord`); written atomically to
        ``path`` if given."""
        text = json.dumps(self.to_record().model_dump(mode="json"), ensure_ascii=False, indent=indent)
        if path is not None:
            atomic_write_text(path, text + "\n")
        return text

    def display_tables(self, display: Display) -> dict[str, pd.DataFrame] | None:
        """The plan's tables by sheet name for people to read (:meth:`write` with a display);
        None: this output has no display form, :meth:`write` writes its data form."""
        return None

    def write(self, path: str | Path, display: Display | None = None) -> Path:
        """Write by suffix: ``.json``, ``.csv`` or ``.xlsx``. Without ``display`` the data form
        (English data columns, full precision: what programs read); with one, CSV and Excel in
        the display's language and units (:mod:`zoneopt.plans.display`: localised headers,
        money in the display unit, rounded, percentages, a 合计 row; Excel with column widths
        and number formats) — the first table is the CSV. JSON is always the data form."""
        tables = self.display_tables(display) if display is not None else None
        if display is None or tables is None:
            return write_by_suffix(path, self.to_json, self.to_csv, self.to_excel)
        from zoneopt.plans.display import export_table, frame_writer

        first = tables.get("allocations", tables.get("zones", next(iter(tables.values()))))

        def csv(p: Path) -> Path:
            table, _ = export_table(first, display)
            return write_csv(p, table)

        return write_by_suffix(path, self.to_json, csv, frame_writer(lambda: tables, display))


class AllocationsOutput(PlanOutput):
    """A plan with one allocation table (a row per zone), written as its CSV: the land plan
    and the emission, fund and portfolio plans."""

    allocations: pd.DataFrame

    def to_csv(self, path: str | Path) -> Path:
        """The allocation table as CSV (UTF-8 with BOM so Excel shows Chinese names)."""
        return write_csv(path, self.allocations)
