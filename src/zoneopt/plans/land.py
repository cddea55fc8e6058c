"""The land plan: per-zone allocations of new construction land, binding rules with shadow
prices and a summary (:class:`Plan`), and its JSON form (:class:`PlanRecord`, which
``python -m zoneopt schema --plan`` prints as JSON Schema and which always carries ``status``
and ``objective``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from zoneopt.files import atomic_write
from zoneopt.plans.output import AllocationsOutput, Binding, clean_value
from zoneopt.plans.spreadsheets import write_frame

if TYPE_CHECKING:
    from zoneopt.plans.display import Display


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


class PlanRecord(BaseModel):
    """The JSON form of a plan."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    status: str
    objective: float | None
    summary: PlanSummary
    allocations: list[ZoneAllocation]
    bindings: list[Binding]


class Plan(AllocationsOutput):
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
                write_frame(xl, pd.DataFrame(fields, columns=["field", "value"]), "summary")
                write_frame(xl, self.allocations, "allocations")
                write_frame(xl, self.bindings, "bindings")
        return atomic_write(path, write)

    def display_tables(self, display: Display) -> dict[str, pd.DataFrame]:
        """``summary`` (the headline in words), ``allocations`` and ``bindings``, for people."""
        from zoneopt.plans.wording import summary_frame

        return {"summary": summary_frame(self, display), "allocations": self.allocations, "bindings": self.bindings}

    def __repr__(self) -> str:
        s = self.summary
        return (f"Plan({s.instance!r}, status={s.status}, objective={s.objective} {s.objective_unit}, "
                f"allocated={s.allocated_mu:g}/{s.pool_total_mu:g} mu)")
