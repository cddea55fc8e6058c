"""Scenarios (what-ifs): apply an instance's named scenario, and solve several instances side by
side.

A scenario (:class:`~zoneopt.instance.Scenario`) overrides parts of its instance: each pool it
gives replaces the base pool; each of its rules replaces the base rule with the same id (in the
base rule's place) or is added at the end; ``drop_rules`` leaves base rules out; ``objective``
replaces the objective. :func:`apply_scenario` returns the result as a new, validated
:class:`~zoneopt.instance.Instance` (same name, no scenarios of its own).

:func:`compare` solves a list of ``(label, instance)`` pairs — typically an instance and its
scenarios (:func:`scenario_items`) — and returns a :class:`Comparison`: allocations per zone side
by side (one column per label) with differences against the first column, per-city totals, and
status, objective and totals per column. A column that is infeasible, unbounded or unsolved in
time stays in the comparison with that status and the error's text (which carries the
infeasibility diagnosis); its allocations are missing (NaN).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import ValidationError

from zoneopt.core.solve import DEFAULT_BACKEND
from zoneopt.errors import (
    InfeasibleError,
    InstanceError,
    InvalidInputError,
    Issue,
    NoSolutionError,
    UnboundedError,
)
from zoneopt.evaluation.run import evaluated_table
from zoneopt.files import atomic_write, atomic_write_text
from zoneopt.instance import Instance, Pools, Scenario, issues_from_validation
from zoneopt.models.outcome import pool_columns
from zoneopt.plans import Plan, ResourcePlan, ResourceSummary, records, write_csv, write_frame
from zoneopt.resources import REGISTRY, configured

BASE = "base"
"""The label of an instance's own (unmodified) column in :func:`scenario_items`."""
DELTA_PREFIX = "delta:"
"""Difference columns are named ``delta:<label>`` (the column minus the first column)."""
ZONE_COLUMNS = ("zone", "name", "city")
CHANGE_TOLERANCE_MU = 1e-6
"""Allocations closer than this (mu) count as unchanged in :meth:`Comparison.biggest_changes`."""


# -- applying a scenario ---------------------------------------------------------------------

def scenario_ids(instance: Instance) -> list[str]:
    """The ids of ``instance``'s scenarios, in order."""
    return [sc.id for sc in instance.scenarios]


def _find(instance: Instance, scenario_id: str) -> tuple[int, Scenario]:
    for k, sc in enumerate(instance.scenarios):
        if sc.id == scenario_id:
            return k, sc
    have = ", ".join(repr(i) for i in scenario_ids(instance)) or "none"
    raise InvalidInputError(f"instance {instance.name!r} has no scenario {scenario_id!r}; its scenarios: {have}")


def apply_scenario(instance: Instance, scenario_id: str, *, source: str | None = None) -> Instance:
    """The instance with scenario ``scenario_id`` applied (see the module docstring), validated
    like any instance: its name is the base's, it has no scenarios of its own.

    Raises :class:`~zoneopt.errors.InvalidInputError` for an unknown id (listing the ids there
    are), and :class:`~zoneopt.errors.InstanceError` when the result is invalid, each issue
    naming the scenario's path, e.g. ``scenarios[1].rules[0].select.cities[0]: no zone has city
    'X'`` (``source``, e.g. the file, prefixes the message)."""
    k, scenario = _find(instance, scenario_id)
    where = f"scenarios[{k}]"
    drop = set(scenario.drop_rules)
    replacing: dict[str, int] = {}
    for j, rule in enumerate(scenario.rules):
        replacing.setdefault(rule.id, j)  # a second rule with that id is added, and reported
    rules: list[Any] = []
    origin: list[str] = []  # where each rule of the result comes from, for error paths
    used: set[int] = set()
    for i, rule in enumerate(instance.rules):  # a loop over rules
        if rule.id in drop:
            continue
        hit = replacing.get(rule.id)
        if hit is not None:
            rules.append(scenario.rules[hit])
            origin.append(f"{where}.rules[{hit}]")
            used.add(hit)
        else:
            rules.append(rule)
            origin.append(f"rules[{i}]")
    for j, rule in enumerate(scenario.rules):
        if j not in used:
            rules.append(rule)
            origin.append(f"{where}.rules[{j}]")
    pools = instance.pools
    if scenario.pools is not None:
        given = {name: value for name in Pools.model_fields if (value := getattr(scenario.pools, name)) is not None}
        pools = pools.model_copy(update=given)
    fields = {name: getattr(instance, name) for name in Instance.model_fields}
    fields.update(pools=pools, rules=tuple(rules), scenarios=(),
                  objective=scenario.objective if scenario.objective is not None else instance.objective)
    try:
        # Zones, rules and pools are validated models already: pydantic takes them as they
        # are, and the instance-level checks (rule ids, selectors against the zones) run again.
        return Instance.model_validate(fields)
    except ValidationError as exc:
        issues = issues_from_validation(exc)
    except InstanceError as exc:
        issues = list(exc.issues)
    overridden = {"pools": scenario.pools is not None, "objective": scenario.objective is not None}
    raise InstanceError([_remap(issue, origin, where, overridden) for issue in issues], source) from None


_RULE_PATH = re.compile(r"\brules\[(\d+)\]")


def _remap(issue: Issue, origin: list[str], where: str, overridden: dict[str, bool]) -> Issue:
    """An issue of the applied instance, with paths pointing into the scenario it came from."""
    def sub(text: str) -> str:
        return _RULE_PATH.sub(lambda m: origin[int(m.group(1))] if int(m.group(1)) < len(origin) else m.group(0),
                              text)

    path = issue.path
    head = path.split(".", 1)[0].split("[", 1)[0]
    if head == "rules":
        path = sub(path)
    elif overridden.get(head):
        path = f"{where}.{path}"
    return Issue(path, sub(issue.message))


def scenario_items(instance: Instance, ids: Sequence[str] | None = None, *, prefix: str = "",
                   source: str | None = None) -> list[tuple[str, Instance]]:
    """``instance`` and its scenarios as ``(label, instance)`` pairs for :func:`compare`: the
    base first (label ``prefix + "base"``, or ``prefix`` without its last character when it
    ends in ``:``), then each scenario in ``ids`` (default: every scenario, in order), labelled
    ``prefix + id``. Raises as :func:`apply_scenario`."""
    base = prefix[:-1] if prefix.endswith(":") else prefix + BASE
    chosen = scenario_ids(instance) if ids is None else list(ids)
    return [(base, instance)] + [(prefix + sid, apply_scenario(instance, sid, source=source)) for sid in chosen]


# -- comparing -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    """One solved (or not) column of a comparison. ``status`` is the plan's status
    (``optimal``, ``feasible``) or ``infeasible``, ``unbounded``, ``no solution``; ``message``
    the error's text for the latter (with the infeasibility diagnosis). ``plan`` is the land
    plan (None without a land pool, or when it failed); ``plans`` every resource's plan that
    was solved (``land``, ``emissions``, ``funds``, or ``portfolio``), ``statuses`` and
    ``messages`` each configured resource's status and error text. With several resources,
    ``status`` is the worst of theirs (infeasible, unbounded, no solution, feasible,
    optimal)."""

    label: str
    instance: Instance
    plan: Plan | None
    status: str
    message: str = ""
    plans: dict[str, Plan | ResourcePlan] = field(default_factory=dict)
    statuses: dict[str, str] = field(default_factory=dict)
    messages: dict[str, str] = field(default_factory=dict)

    @property
    def solved(self) -> bool:
        """Solved to the requested gap (``optimal``)."""
        return self.status == "optimal"


LAND = "land"
"""The quantity of the land allocation (mu) in :attr:`Comparison.quantities`."""
_WORST = ("infeasible", "unbounded", "no solution", "feasible")


def quantities(plan: Plan | ResourcePlan) -> dict[str, tuple[pd.Series, str]]:
    """The zone quantities a plan allocates, by name, each as (values by zone id, unit): for
    the land plan ``land`` (mu); for a resource plan each of its pools (a pollutant in t/yr,
    ``funds`` in money, a portfolio's ``land`` in mu …, read from the allocation column named
    after the pool), and for a portfolio ``projects`` (chosen projects per zone)."""
    a = plan.allocations
    zones = a["zone"].to_numpy()

    def col(name: str) -> pd.Series:
        return pd.Series(a[name].to_numpy(dtype=float), index=zones)

    if isinstance(plan, Plan):
        return {LAND: (col("allocation_mu"), "mu")}
    columns = pool_columns(plan)
    out: dict[str, tuple[pd.Series, str]] = {}
    for pool in plan.summary.pools:  # a loop over pools
        column = next((c for c in columns if c == pool.pool or c.startswith(pool.pool + "_")), None)
        if column is not None:
            out[pool.pool] = (col(column), pool.unit)
    if "projects_chosen" in a:
        out["projects"] = (col("projects_chosen"), "projects")
    return out


class Comparison:
    """Plans side by side. Land in mu, allowances in t/yr, funds in the money unit;
    objectives in each column's own unit.

    * ``summary`` — one row per column: ``label, instance, status, objective, objective_kind,
      objective_unit, objective_delta`` (against the first column, when both have the same kind
      of objective), ``secondary_objective`` (the equity tie-break's efficiency),
      ``pool_total_mu, allocated_mu, allocated_delta, zones_allocated, backend, warnings``
      (``; ``-joined presolve warnings) and ``message``. The objective is the land plan's, or,
      without land, the column's first resource's;
    * ``resources`` — one row per column and configured resource: ``label, resource, status,
      objective, objective_kind, objective_unit, objective_delta`` (against the first
      column's plan of that resource), ``pools`` (``SO2 100/100 t/yr; ...``), ``message``;
    * ``quantities`` — by quantity (``land``, each pollutant, ``funds``, ``projects``; see
      :func:`quantities`), a table with one row per zone (every zone of any column,
      first-seen order): ``zone, name, city``, one column per label, then ``delta:<label>``
      for every label after the first (NaN where either side has no plan or no such zone);
      ``units`` the unit of each;
    * ``allocations`` — the land table (mu) when some column has land, else the first
      quantity's; ``cities`` — the same per city (sums), indexed by city.
    """

    def __init__(self, columns: Sequence[Column]) -> None:
        self.columns: tuple[Column, ...] = tuple(columns)
        self.labels: list[str] = [c.label for c in self.columns]
        self.units: dict[str, str] = {}
        self.quantities = self._quantities()
        self.main = LAND if LAND in self.quantities else next(iter(self.quantities), LAND)
        self.allocations: pd.DataFrame = self.quantities[self.main] if self.quantities else self._table({})
        self.cities = self.city_totals(self.main)
        self.summary = self._summary()
        self.resources = self._resources()

    # -- tables ----------------------------------------------------------------------------
    def _zones(self) -> pd.DataFrame:
        info = []
        for col in self.columns:  # a loop over columns, not zones
            plan = next(iter(col.plans.values()), None)
            info.append(plan.allocations[list(ZONE_COLUMNS)] if plan is not None else _zone_frame(col.instance))
        return pd.concat(info, ignore_index=True).drop_duplicates("zone", keep="first").reset_index(drop=True)

    def _table(self, values: dict[str, pd.Series]) -> pd.DataFrame:
        frame = self._zones()
        for label in self.labels:
            v = values.get(label)
            frame[label] = v.reindex(frame["zone"]).to_numpy(dtype=float) if v is not None else np.nan
        first = self.labels[0]
        for label in self.labels[1:]:
            frame[DELTA_PREFIX + label] = frame[label] - frame[first]
        return frame

    def _quantities(self) -> dict[str, pd.DataFrame]:
        found: dict[str, dict[str, pd.Series]] = {}
        for col in self.columns:  # a loop over columns and their (few) resources
            for plan in col.plans.values():
                for name, (values, unit) in quantities(plan).items():
                    found.setdefault(name, {})[col.label] = values
                    self.units.setdefault(name, unit)
        order = sorted(found, key=lambda q: (q != LAND, q in ("funds", "projects"), q == "projects"))
        return {q: self._table(found[q]) for q in order}

    def city_totals(self, quantity: str) -> pd.DataFrame:
        """The table of ``quantity`` summed per city (indexed by city), with its deltas."""
        table = self.quantities.get(quantity, self.allocations)
        sums = table.groupby("city", sort=False)[self.labels].sum(min_count=1)
        first = self.labels[0]
        for label in self.labels[1:]:
            sums[DELTA_PREFIX + label] = sums[label] - sums[first]
        return sums

    def _summary(self) -> pd.DataFrame:
        rows = []
        for col in self.columns:
            plan = col.plan if col.plan is not None else next(iter(col.plans.values()), None)
            land = col.plan.summary if col.plan is not None else None
            s = plan.summary if plan is not None else None
            pool = col.instance.pools.land
            warnings = [w for p in col.plans.values() for w in p.summary.warnings]
            rows.append({
                "label": col.label, "instance": col.instance.name, "status": col.status,
                "objective": s.objective if s else np.nan,
                "objective_kind": s.objective_kind if s else col.instance.objective.kind if LAND in col.statuses
                else "",
                "objective_unit": s.objective_unit if s else "",
                "secondary_objective": land.secondary_objective if land and land.secondary_objective is not None
                else np.nan,
                "pool_total_mu": pool.total_mu if pool is not None else np.nan,
                "allocated_mu": land.allocated_mu if land else np.nan,
                "zones_allocated": s.zones_allocated if s else np.nan,
                "backend": s.backend if s else "",
                "warnings": "; ".join(warnings),
                "message": col.message,
            })
        frame = pd.DataFrame(rows)
        first = frame.iloc[0]
        same = (frame["objective_kind"] == first["objective_kind"]) \
            & (frame["objective_unit"] == first["objective_unit"])
        frame.insert(frame.columns.get_loc("objective_kind"), "objective_delta",
                     np.where(same, frame["objective"] - first["objective"], np.nan))
        frame.insert(frame.columns.get_loc("zones_allocated"), "allocated_delta",
                     frame["allocated_mu"] - first["allocated_mu"])
        frame["zones_allocated"] = frame["zones_allocated"].astype("Int64")
        return frame

    def _resources(self) -> pd.DataFrame:
        rows = []
        for col in self.columns:  # a loop over columns and their resources
            for resource, status in col.statuses.items():
                plan = col.plans.get(resource)
                s = plan.summary if plan is not None else None
                pools = ""
                if isinstance(s, ResourceSummary):
                    pools = "; ".join(f"{p.pool} {p.allocated:,.6g}/{p.total:,.6g} {p.unit}" for p in s.pools)
                elif s is not None:
                    pools = f"land {s.allocated_mu:,.6g}/{s.pool_total_mu:,.6g} mu"
                rows.append({"label": col.label, "resource": resource, "status": status,
                             "objective": s.objective if s is not None and s.objective is not None else np.nan,
                             "objective_kind": s.objective_kind if s is not None else "",
                             "objective_unit": s.objective_unit if s is not None else "",
                             "pools": pools, "message": col.messages.get(resource, "")})
        columns = ["label", "resource", "status", "objective", "objective_kind", "objective_unit", "pools",
                   "message"]
        frame = pd.DataFrame(rows, columns=columns)
        first = frame[frame["label"] == self.labels[0]].set_index("resource")
        base = frame["resource"].map(first["objective"]) if len(first) else np.nan
        kind = frame["resource"].map(first["objective_kind"]) if len(first) else ""
        unit = frame["resource"].map(first["objective_unit"]) if len(first) else ""
        same = (frame["objective_kind"] == kind) & (frame["objective_unit"] == unit)
        frame.insert(frame.columns.get_loc("objective_kind"), "objective_delta",
                     np.where(same, frame["objective"] - base, np.nan))
        return frame

    # -- questions -------------------------------------------------------------------------
    @property
    def all_solved(self) -> bool:
        """Every column solved to optimality."""
        return all(c.solved for c in self.columns)

    @property
    def any_infeasible(self) -> bool:
        """Some column is infeasible or unbounded."""
        return any(c.status in ("infeasible", "unbounded") for c in self.columns)

    @property
    def multi_resource(self) -> bool:
        """Some column has a resource other than land."""
        return any(set(c.statuses) - {LAND} for c in self.columns)

    def column(self, label: str) -> Column:
        for c in self.columns:
            if c.label == label:
                return c
        raise InvalidInputError(f"no column {label!r}; columns: {', '.join(self.labels)}")

    def biggest_changes(self, k: int = 10, quantity: str | None = None) -> pd.DataFrame:
        """The ``k`` zones whose allocation (of ``quantity``, default the land or first
        quantity: :attr:`allocations`) differs most from the first column (largest absolute
        difference over the other columns, changes below :data:`CHANGE_TOLERANCE_MU` left
        out): ``zone, name, city``, the allocations, the differences, and
        ``largest_change_mu`` (signed, in the quantity's unit)."""
        table = self.allocations if quantity is None else self.quantities[quantity]
        deltas = table[[DELTA_PREFIX + label for label in self.labels[1:]]].to_numpy(dtype=float)
        if deltas.shape[1] == 0:
            return table.iloc[0:0].assign(largest_change_mu=pd.Series(dtype=float))
        size = np.nan_to_num(np.abs(deltas), nan=-1.0)
        at = size.argmax(axis=1)
        biggest = deltas[np.arange(deltas.shape[0]), at]
        magnitude = size.max(axis=1)
        frame = table.assign(largest_change_mu=biggest)
        keep = np.flatnonzero(magnitude > CHANGE_TOLERANCE_MU)
        order = keep[np.argsort(-magnitude[keep], kind="stable")][:k]
        return frame.iloc[order].reset_index(drop=True)

    # -- output ----------------------------------------------------------------------------
    def to_record(self) -> dict[str, Any]:
        """A JSON-ready dict: ``columns`` (the summary rows, ``warnings`` as a list),
        ``allocations`` and ``cities`` (records; NaN as null); with resources beyond land also
        ``resources`` (per column and resource) and ``quantities`` (each quantity's unit and
        zone records)."""
        columns = records(self.summary)
        for rec, col in zip(columns, self.columns, strict=True):
            rec["warnings"] = [w for p in col.plans.values() for w in p.summary.warnings]
        out: dict[str, Any] = {"columns": columns, "allocations": records(self.allocations),
                               "cities": records(self.cities.reset_index())}
        if self.multi_resource:
            out["resources"] = records(self.resources)
            out["quantities"] = {q: {"unit": self.units[q], "zones": records(t)} for q, t in self.quantities.items()}
        return out

    def to_json(self, path: str | Path | None = None, indent: int = 2) -> str:
        """The comparison as JSON (:meth:`to_record`); written atomically to ``path`` if given."""
        text = json.dumps(self.to_record(), ensure_ascii=False, indent=indent)
        if path is not None:
            atomic_write_text(path, text + "\n")
        return text

    def write(self, path: str | Path) -> Path:
        """Write atomically by suffix: ``.json`` (everything), ``.xlsx`` (sheets ``summary``,
        ``allocations``, ``cities``; with resources beyond land also ``resources`` and a sheet
        per other quantity) or ``.csv`` (the allocations table only, UTF-8 with BOM so Excel
        shows Chinese names). Raises :class:`InvalidInputError` for another suffix."""
        p = Path(path)
        suffix = check_output_suffix(p)
        if suffix == ".json":
            self.to_json(p)
            return p
        if suffix == ".csv":
            return write_csv(p, self.allocations)

        def write_xlsx(t: Path) -> None:
            with pd.ExcelWriter(t, engine="openpyxl") as xl:
                write_frame(xl, self.summary, "summary")
                write_frame(xl, self.allocations, "allocations")
                write_frame(xl, self.cities.reset_index(), "cities")
                if self.multi_resource:
                    write_frame(xl, self.resources, "resources")
                    for q, table in self.quantities.items():  # a loop over quantities
                        if q != self.main:
                            write_frame(xl, table, re.sub(r"[\[\]:*?/\\]", "-", f"q-{q}")[:31])
        return atomic_write(p, write_xlsx)

    def __repr__(self) -> str:
        cols = ", ".join(f"{c.label}={c.status}" for c in self.columns)
        return f"Comparison({cols})"


OUTPUT_SUFFIXES = (".json", ".csv", ".xlsx")


def check_output_suffix(path: Path) -> str:
    """The output suffix of ``path`` if :meth:`Comparison.write` takes it, else raise
    :class:`InvalidInputError` (check before solving, so a typo costs nothing)."""
    suffix = path.suffix.lower()
    if suffix not in OUTPUT_SUFFIXES:
        raise InvalidInputError(f"--out {path}: unknown output type {suffix!r}; use .json, .csv or .xlsx")
    return suffix


def _zone_frame(instance: Instance) -> pd.DataFrame:

    frame = evaluated_table(instance).frame
    return frame[list(ZONE_COLUMNS)]


def compare(items: Sequence[tuple[str, Instance]], backend: str = DEFAULT_BACKEND, *,
            time_limit: float | None = None, mip_gap: float | None = None) -> Comparison:
    """Solve each ``(label, instance)`` and put the plans side by side (:class:`Comparison`;
    differences are against the first item). Each instance's configured resources are solved
    (:func:`zoneopt.resources.configured`: the land plan, as :func:`zoneopt.solve_land`
    makes it, each emission pool, the fund budget, or the joint portfolio), so a scenario that
    overrides an emission or fund pool shows in the comparison.

    An infeasible or unbounded resource gets status ``infeasible`` / ``unbounded`` and the error
    text (with its diagnosis); one the solver stops without a solution, ``no solution``; the
    column's status is the worst of its resources'.
    Raises :class:`InvalidInputError` for no items, a repeated label, or a label that clashes
    with a table column (``zone``, ``name``, ``city``, ``delta:...``), and
    :class:`InstanceError` (its source naming the label) for an instance the model cannot be
    built from or that configures no resource."""
    if not items:
        raise InvalidInputError("compare needs at least one instance")
    labels = [label for label, _ in items]
    seen: set[str] = set()
    for label in labels:
        if label in seen:
            raise InvalidInputError(f"compare: label {label!r} given twice; labels must be unique")
        if label in ZONE_COLUMNS or label.startswith(DELTA_PREFIX):
            raise InvalidInputError(f"compare: label {label!r} clashes with a column of the table; rename it")
        seen.add(label)
    columns = []
    for label, instance in items:  # a loop over scenarios
        resources = configured(instance)
        if not resources:
            raise InstanceError([Issue("pools", "nothing to solve: give pools.land, pools.emissions, pools.funds "
                                                "or projects")], label)
        plans: dict[str, Plan | ResourcePlan] = {}
        statuses: dict[str, str] = {}
        messages: dict[str, str] = {}
        for resource in resources:  # a loop over the (few) configured resources
            try:
                plan = REGISTRY[resource].solve(instance, backend, time_limit=time_limit, mip_gap=mip_gap)
            except InstanceError as exc:
                where = f"{label}" + (f" ({exc.source})" if exc.source else "")
                raise InstanceError(exc.issues, where if len(resources) == 1 else f"{where}, {resource}") from None
            except (InfeasibleError, UnboundedError) as exc:
                statuses[resource] = "infeasible" if isinstance(exc, InfeasibleError) else "unbounded"
                messages[resource] = str(exc)
                continue
            except NoSolutionError as exc:
                statuses[resource], messages[resource] = "no solution", str(exc)
                continue
            plans[resource] = plan
            statuses[resource] = plan.status
            messages[resource] = "" if plan.status == "optimal" else f"stopped at gap {plan.summary.mip_gap}"
        status = next((w for w in _WORST if w in statuses.values()), "optimal")
        message = "; ".join(m if len(resources) == 1 else f"{r}: {m}" for r, m in messages.items() if m)
        land = plans.get("land")
        columns.append(Column(label, instance, land if isinstance(land, Plan) else None, status, message,
                              plans, statuses, messages))
    return Comparison(columns)


__all__ = ["apply_scenario", "scenario_ids", "scenario_items", "compare", "Comparison", "Column",
           "check_output_suffix", "quantities", "BASE", "DELTA_PREFIX", "LAND"]
