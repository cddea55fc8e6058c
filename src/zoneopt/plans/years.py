"""The plan over years as solved (:class:`MultiPeriodPlan`): per track (land, a pollutant's
allowances, the funds), zone and year its allocation, per track and year its pool balance, per
resource and year its objective, the growth targets' levels and the binding rules; its
summary and JSON form (:class:`MultiPeriodRecord`), written as JSON, CSV or Excel.
:func:`zoneopt.models.multi_period.plan_from_solution` makes it from a solution."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from zoneopt.plans.management import ManagementResult
from zoneopt.plans.output import Binding, PlanOutput, clean_value, records, write_sheets
from zoneopt.plans.spreadsheets import write_csv


class TrackSummary(BaseModel):
    """One pool over the years (land, a pollutant's allowances, the funds), in ``unit``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    track: str
    resource: str
    unit: str
    pool_total: float
    """Σ_t Q_t, the stated pools."""
    additions: float
    """Σ_t a_t, what joined the pools (land returned by dynamic management, stated additions)."""
    allocated: float
    unused_end: float
    """what is left unused after the last year."""
    lapsed: float
    """unused amounts not carried over (the share 1 − carry_over of each year's unused pool before the last)."""
    carry_over: float
    carry_over_source: str | None = None
    model_unit: float
    """natural units per model unit of the track's linking rows."""
    exact: bool
    empty_years: list[int] = Field(default_factory=list)
    smoothing_penalty: float = 0.0
    """λ: the L1 penalty on year-to-year change, as a share of κ (models/multi-period.md, Smoothing)."""
    smoothing_default: bool = False
    """whether λ is the default (the instance states none)."""
    smoothing_source: str | None = None
    change_cost: float = 0.0
    """λκ: what one unit of year-to-year change costs the resource's objective (``change_cost_unit``)."""
    change_cost_unit: str = ""
    total_variation: float = 0.0
    """Σ_i Σ_{t>t₁} |x_{i,t} − x_{i,t−1}|, the track's unit: how much the allocations move."""
    smoothing_cost: float = 0.0
    """λκ × ``total_variation``: the penalty charged, in the resource's objective unit; not in its ``value``."""


class ResourceObjective(BaseModel):
    """One resource's objective over the years (natural units, discounted), its weight ω and
    normaliser N in the stacked objective Σ_r ±ω_r F_r / N_r."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    resource: str
    kind: str
    value: float
    unit: str
    weight: float
    normaliser: float
    smoothing_cost: float = 0.0
    """the smoothing penalty charged on the resource's tracks (objective unit): the plan
    maximised ``value`` − this (minimised ``value`` + this); ``value`` is the objective alone."""


class MultiPeriodSummary(BaseModel):
    """The headline of a multi-period plan. ``objective`` is the planned resource's objective
    when there is one resource, else None (``objectives`` has each); ``pools`` one entry per
    track; ``money_unit`` the instance's money unit."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    instance: str
    resource: str = "multi-period"
    resources: list[str]
    synthetic: bool
    status: str
    objective: float | None
    objective_kind: str
    objective_unit: str
    objectives: list[ResourceObjective]
    pools: list[TrackSummary]
    coupled: bool
    """whether a growth target draws on several resources (their objectives then trade by ω/N)."""
    backend: str
    runtime_s: float
    mip_gap: float | None
    years: list[int]
    zones: int
    discount_rate: float
    money_unit: str
    management_applied: bool
    secondary_objective: float | None = None
    secondary_objective_unit: str | None = None
    check_max_violation: float | None = None
    notes: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)


class MultiPeriodRecord(BaseModel):
    """The JSON form of a multi-period plan: ``allocations`` one object per track and zone with
    its allocation per year and in total; ``years`` one per track and year (pool, additions,
    carry, allocated, unused); ``objectives`` one per resource and year; ``targets`` one per
    growth-target row; ``cells`` one per track, zone and year with binding rules and shadow
    prices."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    status: str
    objective: float | None
    summary: MultiPeriodSummary
    years: list[dict[str, Any]]
    objectives: list[dict[str, Any]]
    allocations: list[dict[str, Any]]
    targets: list[dict[str, Any]]
    target_status: list[dict[str, Any]] = Field(default_factory=list)
    cells: list[dict[str, Any]]
    bindings: list[Binding]


class MultiPeriodPlan(PlanOutput):
    """A solved multi-period plan.

    ``cells``: one row per track (land, a pollutant, funds), year and zone (track, resource,
    unit, year, zone, name, city, level, grade, score, land_area_mu, request, allocation,
    fulfilment, weight, binding_rules, shadow_prices: the resource's objective per unit of each
    binding rule's bound). :meth:`table`: zones × years per track. ``years``: per track and
    year the stated pool, additions, carried in, available, allocated, unused, carried out,
    lapsed. ``objectives``: per resource and year its objective (natural, undiscounted) and
    discount factor. ``targets``: per growth-target row the base, organic, required and
    achieved levels (money unit), the slack, the average growth rates and the tracks driving
    it. ``target_status``: per target (growth, level, share, count, not modelled) and year what
    it requires, what the plan achieves, ``met`` / ``short`` / ``not modelled`` and why
    (models/targets.md). ``bindings``: the binding rule rows with shadow prices (LPs)."""

    def __init__(self, summary: MultiPeriodSummary, cells: pd.DataFrame, years: pd.DataFrame,
                 objectives: pd.DataFrame, targets: pd.DataFrame, bindings: pd.DataFrame,
                 management: ManagementResult | None = None, target_status: pd.DataFrame | None = None) -> None:
        self.summary = summary
        self.cells = cells
        self.years = years
        self.objectives = objectives
        self.targets = targets
        self.bindings = bindings
        self.management = management
        self.target_status = target_status if target_status is not None else pd.DataFrame(
            columns=["rule", "type", "source", "year", "scope", "metric", "unit", "required", "achieved", "status",
                     "diagnosis"])

    @property
    def tracks(self) -> list[str]:
        """The planned pools: ``land``, each pollutant, ``funds``."""
        return [p.track for p in self.summary.pools]

    def pool(self, track: str | None = None) -> TrackSummary:
        """One track's pool over the years (default the first)."""
        key = self._track(track)
        return next(p for p in self.summary.pools if p.track == key)

    def resource_objective(self, resource: str) -> float:
        """A resource's discounted objective over the years, natural units."""
        for o in self.summary.objectives:
            if o.resource == resource:
                return o.value
        raise KeyError(f"{resource!r} is not planned ({', '.join(self.summary.resources)})")

    def _track(self, track: str | None) -> str:
        if track is None:
            return self.tracks[0]
        if track not in self.tracks:
            raise KeyError(f"no track {track!r} in the plan ({', '.join(self.tracks)})")
        return track

    def table(self, track: str | None = None) -> pd.DataFrame:
        """Zones × years: one row per zone (zone, name, city), a column per year and ``total``,
        in the track's unit; without ``track``, every track (columns ``track`` and ``unit``
        first)."""
        cells = self.cells if track is None else self.cells[self.cells["track"] == self._track(track)]
        keys = ["track", "zone"]
        wide = cells.pivot(index=keys, columns="year", values="allocation")
        order = pd.MultiIndex.from_frame(cells[keys].drop_duplicates())
        wide = wide.reindex(order)
        wide.columns = [str(c) for c in wide.columns]
        head = cells.drop_duplicates(keys).set_index(keys).reindex(order)[["unit", "name", "city"]]
        out = pd.concat([head, wide], axis=1)
        out["total"] = wide.sum(axis=1)
        out["change"] = wide.diff(axis=1).abs().sum(axis=1)
        out = out.reset_index()
        return out.drop(columns=["track", "unit"]) if track is not None else out[
            ["track", "unit", "zone", *[c for c in out.columns if c not in ("track", "unit", "zone")]]]

    def allocation(self, year: int, track: str | None = None) -> pd.Series:
        """Allocation in ``year`` of a track (default the first: land when planned), natural
        units, indexed by zone id."""
        key = self._track(track)
        sel = self.cells[(self.cells["year"] == year) & (self.cells["track"] == key)]
        if sel.empty:
            raise KeyError(f"{year} is not a plan year ({', '.join(map(str, self.summary.years))})")
        return sel.set_index("zone")["allocation"]

    def to_record(self) -> MultiPeriodRecord:
        bindings = [Binding(**{k: clean_value(v) for k, v in r.items() if k in Binding.model_fields})
                    for r in self.bindings.to_dict("records")]
        return MultiPeriodRecord(status=self.status, objective=self.objective, summary=self.summary,
                                 years=records(self.years), objectives=records(self.objectives),
                                 allocations=records(self.table()), targets=records(self.targets),
                                 target_status=records(self.target_status),
                                 cells=records(self.cells), bindings=bindings)

    def to_csv(self, path: str | Path) -> Path:
        """The zones × years table of every track as CSV (UTF-8 with BOM so Excel shows Chinese
        names)."""
        return write_csv(path, self.table())

    def sheets(self) -> dict[str, pd.DataFrame]:
        """The plan's tables by Excel sheet name: ``summary``, ``resources`` (objectives),
        ``pools`` (tracks), ``zones-years`` (:meth:`table`), ``years``, ``objectives``,
        ``targets``, ``cells``, ``bindings`` (and ``management`` when decisions fed the plan)."""
        s = self.summary.model_dump()
        head = [(k, "\n".join(map(str, v)) if isinstance(v, list) else v) for k, v in s.items()
                if k not in ("objectives", "pools")]
        out = {"summary": pd.DataFrame(head, columns=["field", "value"]),
               "resources": pd.DataFrame(s["objectives"], columns=list(ResourceObjective.model_fields)),
               "pools": pd.DataFrame(s["pools"], columns=list(TrackSummary.model_fields)),
               "zones-years": self.table(), "years": self.years, "objectives": self.objectives,
               "targets": self.targets, "target-status": self.target_status, "cells": self.cells,
               "bindings": self.bindings}
        if self.management is not None:
            out["management"] = self.management.years
        return out

    def to_excel(self, path: str | Path) -> Path:
        """A workbook of :meth:`sheets`, written atomically."""
        return write_sheets(path, self.sheets())

    def __repr__(self) -> str:
        s = self.summary
        objectives = ", ".join(f"{o.resource} {o.value:.6g} {o.unit}" for o in s.objectives)
        pools = ", ".join(f"{p.track} {p.allocated:g}/{p.pool_total + p.additions:g} {p.unit}" for p in s.pools)
        return f"MultiPeriodPlan({s.instance!r}, {s.years[0]}–{s.years[-1]}, status={s.status}, {objectives}; {pools})"


__all__ = ["MultiPeriodPlan", "MultiPeriodSummary", "MultiPeriodRecord", "TrackSummary", "ResourceObjective"]
