"""Plans of the other resources and of several at once: an emission, fund or portfolio plan
(:class:`ResourcePlan`: its pools, targets and per-zone allocations) and the plans of every
resource an instance configures (:class:`PlanSet`), with their JSON forms."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from zoneopt.plans.land import Plan, PlanRecord
from zoneopt.plans.output import AllocationsOutput, Binding, PlanOutput, clean_value, records, write_sheets
from zoneopt.plans.spreadsheets import write_csv

if TYPE_CHECKING:
    from zoneopt.plans.display import Display


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


class ResourcePlan(AllocationsOutput):
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

    def display_tables(self, display: Display, prefix: str = "") -> dict[str, pd.DataFrame]:
        """:meth:`sheets` for people: the summary in words, the other tables as they are (the
        display layer labels and formats them)."""
        from zoneopt.plans.wording import summary_frame

        out = self.sheets(prefix)
        out[f"{prefix}summary"] = summary_frame(self, display)
        return out

    def __repr__(self) -> str:
        s = self.summary
        pools = ", ".join(f"{p.pool} {p.allocated:g}/{p.total:g} {p.unit}" for p in s.pools)
        return (f"ResourcePlan({s.instance!r}, {s.resource}, status={s.status}, "
                f"objective={s.objective} {s.objective_unit}, {pools})")


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
        return write_csv(path, self.zone_table())

    def display_tables(self, display: Display) -> dict[str, pd.DataFrame]:
        """``zones`` (:meth:`zone_table`), then each plan's tables for people, prefixed with its
        resource."""
        out: dict[str, pd.DataFrame] = {"zones": self.zone_table()}
        for resource, p in self.plans.items():
            tables = p.display_tables(display) if isinstance(p, Plan) else p.display_tables(display, f"{resource}-")
            out.update({(f"{resource}-{k}" if isinstance(p, Plan) else k): v for k, v in tables.items()})
        return out

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
