"""A solved plan: per-zone allocations, binding rules with shadow prices, a summary, and
JSON / CSV / Excel output (written atomically).

The JSON document follows :class:`PlanRecord` (``python -m zoneopt schema --plan`` prints its
JSON Schema) and always carries ``status`` and ``objective``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from zoneopt.errors import InvalidInputError
from zoneopt.files import atomic_write, atomic_write_text


class PlanSummary(BaseModel):
    """The headline of a plan. Land is in mu; ``objective_unit`` names the objective's unit
    and ``money_unit`` the instance's money unit."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    instance: str
    resource: str
    synthetic: bool
    status: str
    objective: float | None
    objective_kind: str
    objective_unit: str
    backend: str
    runtime_s: float
    mip_gap: float | None
    pool_total_mu: float
    allocated_mu: float
    zones: int
    zones_allocated: int
    land_unit_mu: float
    money_unit: str
    secondary_objective: float | None = None
    secondary_objective_unit: str | None = None
    check_max_violation: float | None = None
    warnings: list[str] = Field(default_factory=list)
    """Presolve warnings (:func:`zoneopt.models.presolve.presolve_checks`): implausible numbers, rules
    that never bind, bounds that cannot all hold."""


class ZoneAllocation(BaseModel):
    """One zone's line of the plan."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    zone: str
    name: str
    city: str
    level: str
    kind: str
    grade: str | None
    score: float | None
    land_area_mu: float
    request_mu: float | None
    allocation_mu: float
    fulfilment: float | None
    allocation_per_mu: float
    weight: float | None
    baseline_mu: float | None
    binding_rules: list[str]
    shadow_prices: dict[str, float]
    """Shadow price of each binding rule for this zone, in the plan's objective unit per mu
    (LPs only; empty for a MIP)."""


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


class PlanRecord(BaseModel):
    """The JSON form of a plan."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    status: str
    objective: float | None
    summary: PlanSummary
    allocations: list[ZoneAllocation]
    bindings: list[Binding]


def clean_value(v: Any) -> Any:
    """A table cell as JSON takes it: numpy scalars as Python values, NaN and ±inf as None."""
    if hasattr(v, "item"):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


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

    def write(self, path: str | Path) -> Path:
        """Write by suffix: ``.json``, ``.csv`` or ``.xlsx``."""
        return write_by_suffix(path, self.to_json, self.to_csv, self.to_excel)


class _Headline(PlanOutput):
    """A plan with one allocation table (a row per zone), written as its CSV."""

    summary: PlanSummary | ResourceSummary
    allocations: pd.DataFrame

    def to_csv(self, path: str | Path) -> Path:
        """The allocation table as CSV (UTF-8 with BOM so Excel shows Chinese names)."""
        return atomic_write(path, lambda p: self.allocations.to_csv(p, index=False, encoding="utf-8-sig"))


class Plan(_Headline):
    """A solved plan. ``allocations`` has a row per zone (see :class:`ZoneAllocation` for the
    columns; in the table ``binding_rules`` is a ``;``-joined string and ``shadow_prices``
    ``rule=value`` pairs joined by ``;``); ``bindings`` a row per binding rule row; ``summary``
    the headline."""

    summary: PlanSummary

    def __init__(self, summary: PlanSummary, allocations: pd.DataFrame, bindings: pd.DataFrame) -> None:
        self.summary = summary
        self.allocations = allocations
        self.bindings = bindings

    def allocation(self) -> pd.Series:
        """Allocation in mu, indexed by zone id."""
        return self.allocations.set_index("zone")["allocation_mu"]

    def to_record(self) -> PlanRecord:
        rows = []
        for rec in self.allocations.to_dict("records"):
            rec = {k: clean_value(v) for k, v in rec.items()}
            rec["binding_rules"] = [r for r in (rec.get("binding_rules") or "").split(";") if r]
            rec["shadow_prices"] = {k: float(v) for k, v in
                                    (t.split("=", 1) for t in (rec.get("shadow_prices") or "").split(";") if t)}
            rows.append(ZoneAllocation(**rec))
        bindings = [Binding(**{k: clean_value(v) for k, v in r.items()}) for r in self.bindings.to_dict("records")]
        return PlanRecord(status=self.summary.status, objective=self.summary.objective,
                          summary=self.summary, allocations=rows, bindings=bindings)

    def to_excel(self, path: str | Path) -> Path:
        """A workbook with sheets ``summary``, ``allocations`` and ``bindings``."""
        def write(p: Path) -> None:
            with pd.ExcelWriter(p, engine="openpyxl") as xl:
                fields = [(k, "\n".join(v) if isinstance(v, list) else v) for k, v in self.summary.model_dump().items()]
                pd.DataFrame(fields, columns=["field", "value"]).to_excel(xl, sheet_name="summary", index=False)
                self.allocations.to_excel(xl, sheet_name="allocations", index=False)
                self.bindings.to_excel(xl, sheet_name="bindings", index=False)
        return atomic_write(path, write)

    def __repr__(self) -> str:
        s = self.summary
        return (f"Plan({s.instance!r}, status={s.status}, objective={s.objective} {s.objective_unit}, "
                f"allocated={s.allocated_mu:g}/{s.pool_total_mu:g} mu)")


# -- plans of the other resources, and of several at once --------------------------------------

class PoolUse(BaseModel):
    """One pool of a plan (a pollutant's allowances, the fund budget, the land quota): its
    total and what the plan allocates of it, in ``unit``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    pool: str
    rule: str
    unit: str
    total: float
    allocated: float


class TargetResult(BaseModel):
    """A count or share target of a portfolio: what it requires, what the plan achieves."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: str
    source: str | None
    kind: str
    required: float
    achieved: float
    met: bool
    unit: str


class ResourceSummary(BaseModel):
    """The headline of an emission, fund or portfolio plan. ``pools`` lists every pool with
    its unit; ``objective_unit`` names the objective's unit and ``money_unit`` the instance's."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    instance: str
    resource: str
    method: str
    synthetic: bool
    status: str
    objective: float | None
    objective_kind: str
    objective_unit: str
    backend: str
    runtime_s: float
    mip_gap: float | None
    zones: int
    zones_allocated: int
    pools: list[PoolUse]
    money_unit: str
    projects: int | None = None
    projects_chosen: int | None = None
    targets: list[TargetResult] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    check_max_violation: float | None = None
    warnings: list[str] = Field(default_factory=list)


class ResourcePlanRecord(BaseModel):
    """The JSON form of an emission, fund or portfolio plan. ``allocations`` has one object per
    zone whose keys are the columns of :attr:`ResourcePlan.allocations`; ``projects`` one per
    project (portfolio only)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    status: str
    objective: float | None
    summary: ResourceSummary
    allocations: list[dict[str, Any]]
    bindings: list[Binding]
    projects: list[dict[str, Any]] = Field(default_factory=list)


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


class ResourcePlan(_Headline):
    """A solved emission, fund or portfolio plan: ``allocations`` a row per zone (a column per
    pool, named with its unit, e.g. ``SO2_t``, ``funds``, ``land_mu``; requests; binding rules
    and shadow prices as in :class:`Plan`), ``bindings`` a row per binding rule row,
    ``projects`` a row per project (portfolio), ``summary`` the headline."""

    summary: ResourceSummary

    def __init__(self, summary: ResourceSummary, allocations: pd.DataFrame, bindings: pd.DataFrame,
                 projects: pd.DataFrame | None = None) -> None:
        self.summary = summary
        self.allocations = allocations
        self.bindings = bindings
        self.projects = projects

    def allocation(self, column: str) -> pd.Series:
        """One allocation column (e.g. ``"SO2_t"``, ``"funds"``), indexed by zone id."""
        return self.allocations.set_index("zone")[column]

    def to_record(self) -> ResourcePlanRecord:
        bindings = [Binding(**{k: clean_value(v) for k, v in r.items()}) for r in self.bindings.to_dict("records")]
        return ResourcePlanRecord(status=self.summary.status, objective=self.summary.objective,
                                  summary=self.summary, allocations=records(self.allocations), bindings=bindings,
                                  projects=records(self.projects) if self.projects is not None else [])

    def sheets(self, prefix: str = "") -> dict[str, pd.DataFrame]:
        """The plan's tables by Excel sheet name."""
        s = self.summary.model_dump()
        head = [(k, v) for k, v in s.items() if k not in ("pools", "targets", "notes", "warnings")]
        head += [("notes", "\n".join(s["notes"])), ("warnings", "\n".join(s["warnings"]))]
        out = {f"{prefix}summary": pd.DataFrame(head, columns=["field", "value"]),
               f"{prefix}pools": pd.DataFrame(s["pools"], columns=list(PoolUse.model_fields)),
               f"{prefix}allocations": self.allocations, f"{prefix}bindings": self.bindings}
        if self.summary.targets:
            out[f"{prefix}targets"] = pd.DataFrame(s["targets"])
        if self.projects is not None:
            out[f"{prefix}projects"] = self.projects
        return out

    def to_excel(self, path: str | Path) -> Path:
        """A workbook with sheets ``summary``, ``pools``, ``allocations``, ``bindings`` (and
        ``targets``, ``projects`` for a portfolio)."""
        return write_sheets(path, self.sheets())

    def __repr__(self) -> str:
        s = self.summary
        pools = ", ".join(f"{p.pool} {p.allocated:g}/{p.total:g} {p.unit}" for p in s.pools)
        return (f"ResourcePlan({s.instance!r}, {s.resource}, status={s.status}, "
                f"objective={s.objective} {s.objective_unit}, {pools})")


def write_sheets(path: str | Path, sheets: dict[str, pd.DataFrame]) -> Path:
    def write(p: Path) -> None:
        with pd.ExcelWriter(p, engine="openpyxl") as xl:
            for name, frame in sheets.items():
                frame.to_excel(xl, sheet_name=name[:31], index=False)
    return atomic_write(path, write)


class PlanSetRecord(BaseModel):
    """The JSON form of the plans of an instance's resources: the overall ``status`` (the
    worst of the plans'), each plan's ``objective`` by resource, and the plans."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    status: str
    objective: dict[str, float | None]
    plans: dict[str, PlanRecord | ResourcePlanRecord]


class PlanSet(PlanOutput):
    """The plans of every resource an instance configures (``land``, ``emissions``,
    ``funds``; or ``portfolio`` when it has projects), in that order."""

    def __init__(self, instance: str, plans: dict[str, Plan | ResourcePlan]) -> None:
        self.instance = instance
        self.plans = plans

    @property
    def status(self) -> str:
        """``optimal`` when every plan is; else the first plan's status that is not."""
        for p in self.plans.values():
            if p.status != "optimal":
                return p.status
        return "optimal"

    @property
    def objective(self) -> dict[str, float | None]:  # type: ignore[override]  # one per plan
        return {k: p.objective for k, p in self.plans.items()}

    def __getitem__(self, resource: str) -> Plan | ResourcePlan:
        return self.plans[resource]

    def zone_table(self) -> pd.DataFrame:
        """One row per zone, the allocation columns of every plan side by side (land as
        ``land_mu``)."""
        out: pd.DataFrame | None = None
        for resource, p in self.plans.items():
            if isinstance(p, Plan):
                cols = p.allocations[["zone", "name", "city", "allocation_mu"]].rename(
                    columns={"allocation_mu": "land_mu"})
            else:
                keep = [c for c in p.allocations.columns
                        if c not in ("binding_rules", "shadow_prices") and (out is None or c not in out.columns)]
                cols = p.allocations[["zone", *[c for c in keep if c != "zone"]]]
            out = cols if out is None else out.merge(cols, on="zone", how="outer", suffixes=("", f"_{resource}"))
        return out if out is not None else pd.DataFrame()

    def to_record(self) -> PlanSetRecord:
        return PlanSetRecord(status=self.status, objective=self.objective,
                             plans={k: p.to_record() for k, p in self.plans.items()})

    def to_csv(self, path: str | Path) -> Path:
        """:meth:`zone_table` as CSV (UTF-8 with BOM)."""
        return atomic_write(path, lambda p: self.zone_table().to_csv(p, index=False, encoding="utf-8-sig"))

    def to_excel(self, path: str | Path) -> Path:
        """One workbook: a ``zones`` sheet (:meth:`zone_table`), then each plan's sheets
        prefixed with its resource (``land-summary``, ``emissions-allocations`` ...)."""
        sheets: dict[str, pd.DataFrame] = {"zones": self.zone_table()}
        for resource, p in self.plans.items():
            if isinstance(p, Plan):
                fields = [(k, "\n".join(v) if isinstance(v, list) else v) for k, v in p.summary.model_dump().items()]
                sheets.update({f"{resource}-summary": pd.DataFrame(fields, columns=["field", "value"]),
                               f"{resource}-allocations": p.allocations, f"{resource}-bindings": p.bindings})
            else:
                sheets.update(p.sheets(f"{resource}-"))
        return write_sheets(path, sheets)

    def __repr__(self) -> str:
        return f"PlanSet({self.instance!r}, status={self.status}, plans={list(self.plans)})"
