"""A solved plan: per-zone allocations, binding rules with shadow prices, a summary, and
JSON / CSV / Excel output (written atomically).

The JSON document follows :class:`PlanRecord` (``python -m zoneopt schema --plan`` prints its
JSON Schema) and always carries ``status`` and ``objective``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from zoneopt.errors import InvalidInputError
from zoneopt.io import atomic_write, atomic_write_text


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
    """Presolve warnings (:func:`zoneopt.presolve.presolve_checks`): implausible numbers, rules
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


def _clean(v: Any) -> Any:
    if isinstance(v, float) and math.isnan(v):
        return None
    if hasattr(v, "item"):
        return _clean(v.item())
    return v


class Plan:
    """A solved plan. ``allocations`` has a row per zone (see :class:`ZoneAllocation` for the
    columns; in the table ``binding_rules`` is a ``;``-joined string and ``shadow_prices``
    ``rule=value`` pairs joined by ``;``); ``bindings`` a row per binding rule row; ``summary``
    the headline."""

    def __init__(self, summary: PlanSummary, allocations: pd.DataFrame, bindings: pd.DataFrame) -> None:
        self.summary = summary
        self.allocations = allocations
        self.bindings = bindings

    @property
    def status(self) -> str:
        return self.summary.status

    @property
    def objective(self) -> float | None:
        return self.summary.objective

    def allocation(self) -> pd.Series:
        """Allocation in mu, indexed by zone id."""
        return self.allocations.set_index("zone")["allocation_mu"]

    def to_record(self) -> PlanRecord:
        rows = []
        for rec in self.allocations.to_dict("records"):
            rec = {k: _clean(v) for k, v in rec.items()}
            rec["binding_rules"] = [r for r in (rec.get("binding_rules") or "").split(";") if r]
            rec["shadow_prices"] = {k: float(v) for k, v in
                                    (t.split("=", 1) for t in (rec.get("shadow_prices") or "").split(";") if t)}
            rows.append(ZoneAllocation(**rec))
        bindings = [Binding(**{k: _clean(v) for k, v in r.items()}) for r in self.bindings.to_dict("records")]
        return PlanRecord(status=self.summary.status, objective=self.summary.objective,
                          summary=self.summary, allocations=rows, bindings=bindings)

    def to_json(self, path: str | Path | None = None, indent: int = 2) -> str:
        """The plan as JSON (a :class:`PlanRecord`); written atomically to ``path`` if given."""
        text = json.dumps(self.to_record().model_dump(mode="json"), ensure_ascii=False, indent=indent)
        if path is not None:
            atomic_write_text(path, text + "\n")
        return text

    def to_csv(self, path: str | Path) -> Path:
        """The allocation table as CSV (UTF-8 with BOM so Excel shows Chinese names)."""
        return atomic_write(path, lambda p: self.allocations.to_csv(p, index=False, encoding="utf-8-sig"))

    def to_excel(self, path: str | Path) -> Path:
        """A workbook with sheets ``summary``, ``allocations`` and ``bindings``."""
        def write(p: Path) -> None:
            with pd.ExcelWriter(p, engine="openpyxl") as xl:
                fields = [(k, "\n".join(v) if isinstance(v, list) else v) for k, v in self.summary.model_dump().items()]
                pd.DataFrame(fields, columns=["field", "value"]).to_excel(xl, sheet_name="summary", index=False)
                self.allocations.to_excel(xl, sheet_name="allocations", index=False)
                self.bindings.to_excel(xl, sheet_name="bindings", index=False)
        return atomic_write(path, write)

    def write(self, path: str | Path) -> Path:
        """Write by suffix: ``.json``, ``.csv`` or ``.xlsx``."""
        p = Path(path)
        suffix = p.suffix.lower()
        if suffix == ".json":
            self.to_json(p)
            return p
        if suffix == ".csv":
            return self.to_csv(p)
        if suffix == ".xlsx":
            return self.to_excel(p)
        raise InvalidInputError(f"--out {p}: unknown output type {suffix!r}; use .json, .csv or .xlsx")

    def __repr__(self) -> str:
        s = self.summary
        return (f"Plan({s.instance!r}, status={s.status}, objective={s.objective} {s.objective_unit}, "
                f"allocated={s.allocated_mu:g}/{s.pool_total_mu:g} mu)")
