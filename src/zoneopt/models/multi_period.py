"""The plan over years (default 2021–2025, the 14th five-year plan, 2022 第二章第四节) for every
pooled resource: new construction land, emission allowances per pollutant and fund
disbursement. One model per resource and year, stacked block-diagonally, linked by each pool's
balance with carry-over of unused amounts, ramp limits, cumulative rules over the years and
growth targets on zone figures driven by the allocations (2022 专栏一: 生产总值年均增速 7.5%).

The mathematics, each constraint and its clause are in ``models/multi-period.md``. In short,
for each *track* r — land, one pollutant's allowances, or the funds — with x_{r,i,t} what zone
i gets in year t and u_{r,t} the pool left unused:

* each year holds the single-year model of the resource (:func:`build_land_model`,
  :func:`build_emission_model`, :func:`build_fund_model`: its rules, on the year's pool
  Q_{r,t} + a_{r,t}), stacked with :func:`zoneopt.core.stack.add_model`; block names and rule
  ids get the resource and the year (``city-cap@2021`` for land, ``city-cap:SO2@2021`` for a
  pollutant, ``lev:funds@2021`` for the funds);
* pool balance (rule ``<pool rule>@t``, e.g. ``land-total@2021``, ``emissions-total:SO2@2021``,
  ``funds-total@2021``): Σ_i x_{r,i,t} + u_{r,t} = Q_{r,t} + a_{r,t} + c_r · u_{r,t−1};
* ramps (rule ``<id><tag>@t``): |x_{r,i,t} − x_{r,i,t−1}| ≤ s · B_i + p;
* cumulative rules (rule ``<id>``, ``<id><tag>``): the resource's rules on Σ_t x_{r,i,t};
* growth targets (rule ``<id>@t``): Σ_{i∈S} [V_i (1+g)^k + Σ_r e_{r,i} Σ_{s ≤ t−ℓ_r} x_{r,i,s}] ≥
  (1+r)^k Σ_{i∈S} V_i, k = t − base year;
* objective: each resource's own, Σ_t (1+ρ)^{−(t−t_1)} × the year's objective; resources are
  independent unless a growth target draws on several, in which case each counts by the share
  of its own optimum it reaches (× ``periods.weights``). Land's equity objective is
  lexicographic as in one year.

Dynamic management (:mod:`zoneopt.models.dynamic`) feeds the plan: land it frees joins a_t of
the land pool; revoked zones get no land, allowances or funds from then on (an ``exclude``
rule named after the revocation rule).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp
from pydantic import BaseModel, ConfigDict, Field

from zoneopt.core.model import Model, ModelBuilder, RowBlock, Sense, VarBlock
from zoneopt.core.solution import Solution, SolveOptions, Status
from zoneopt.core.solve import DEFAULT_BACKEND
from zoneopt.core.solve import solve as core_solve
from zoneopt.core.stack import add_model
from zoneopt.errors import InfeasibleError, InstanceError, Issue
from zoneopt.evaluation.indicators import indicator, indicator_unit
from zoneopt.instance import (
    CARRY_OVER_DEFAULT,
    MONEY_LABEL,
    Effect,
    ExcludeRule,
    GroupBounds,
    GroupBoundsRule,
    GrowthMetric,
    GrowthTarget,
    Instance,
    LeverageCap,
    Periods,
    PlannedResource,
    ResourcePeriods,
    Rule,
    Selector,
)
from zoneopt.files import atomic_write
from zoneopt.models.dynamic import manage
from zoneopt.plans import ManagementResult
from zoneopt.models.emissions import EmissionModel, build_emission_model, total_rule
from zoneopt.models.funds import TOTAL_RULE as FUNDS_TOTAL_RULE
from zoneopt.models.funds import FundModel, build_fund_model, leverage_rows
from zoneopt.models.land_quota import (
    TOTAL_RULE,
    LandModel,
    RuleInfo,
    ZoneTotals,
    add_zone_rules,
    binding_tables,
    build_land_model,
)
from zoneopt.plans import Binding, PlanOutput, clean_value, records, write_sheets
from zoneopt.resources import fund_requests, raise_for_status, row_units
from zoneopt.data.zones import ZoneTable

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]
Built = LandModel | EmissionModel | FundModel

CUMULATIVE_SUFFIX = "@all"
RESOURCE_ORDER: tuple[PlannedResource, ...] = ("land", "emissions", "funds")
COMBINED = "combined"
"""The owner of a growth-target row that draws on several resources."""


def year_suffix(year: int) -> str:
    """The suffix of a year's blocks and rule ids, e.g. ``@2021``."""
    return f"@{year}"


@dataclass(frozen=True, eq=False)
class YearModel:
    """One resource's model of one plan year inside the stacked model."""

    resource: str
    year: int
    instance: Instance
    """the year's instance: the year's pools and rules."""
    built: Built
    offset: int
    """column offset of the year's model in the stacked model."""
    discount: float
    """(1 + ρ)^−(t − t_1)."""
    c_nat: FloatArray
    """the year's objective in natural units per model unit of each of its columns (its own sense)."""
    c0_nat: float

    @property
    def model(self) -> Model:
        return self.built.model

    @property
    def cols(self) -> slice:
        """The year model's columns in the stacked model."""
        return slice(self.offset, self.offset + self.model.num_vars)

    @property
    def weights(self) -> FloatArray | None:
        """The objective's weight per zone (natural objective per natural unit), if any."""
        return self.built.weights


@dataclass(frozen=True)
class RampSpec:
    """A ramp of any resource, in the resource's natural unit."""

    id: str
    source: str | None
    note: str | None
    share: float
    of: str
    plus: float
    direction: str
    select: Selector
    previous: Mapping[str, float]


@dataclass(frozen=True)
class EffectSpec:
    """How a unit of a resource moves a zone figure: ``per`` (a number, an indicator name, or
    None for the resource's default) from ``lag`` years after its year; ``where`` its field."""

    metric: str
    per: float | str | None
    lag: int
    where: str


@dataclass(frozen=True)
class TrackSettings:
    """A track's settings over the years (land: ``periods``; a pollutant: ``periods.emissions.<k>``;
    the funds: ``periods.funds``), before its models are built; pools and additions per year in
    the track's unit."""

    key: str
    resource: str
    unit: str
    tag: str
    pool_rule: str
    where: str
    pools: dict[int, float]
    additions: dict[int, float]
    carry_over: float
    carry_over_source: str | None
    pool_source: str | None
    exact: bool
    integer: bool
    ramps: tuple[RampSpec, ...]
    cumulative: tuple[tuple[str, Any], ...]
    effects: tuple[EffectSpec, ...]
    year_rules: dict[int, tuple[tuple[Any, ...], tuple[str, ...]]]

    def available(self, year: int) -> float:
        return self.pools[year] + self.additions[year]


@dataclass(frozen=True, eq=False)
class Track(TrackSettings):
    """One pooled quantity over the years — land, one pollutant's allowances, or the funds —
    as built: its settings and where its allocations sit in the stacked model."""

    years: tuple[int, ...] = ()
    x_start: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    """per year, the first allocation column in the stacked model."""
    units: FloatArray = field(default_factory=lambda: np.zeros(0))
    """per year, natural units per model unit of the allocation columns."""
    request: FloatArray = field(default_factory=lambda: np.zeros(0))
    """each zone's request, natural units (NaN: none)."""
    empty_years: tuple[int, ...] = ()
    """years whose pool and additions are 0 (they get the resource by carry-over only)."""
    unused: VarBlock | None = None
    """u_t, in model units of :attr:`sigma`."""

    @property
    def sigma(self) -> float:
        """Natural units per model unit of the track's linking rows and of u."""
        return float(self.units.min())

    def columns(self, k: int, zones: IntArray) -> IntArray:
        """The stacked columns of ``zones`` in the ``k``-th year."""
        return np.asarray(self.x_start[k] + zones, dtype=np.int64)

    def per_year(self, values: Mapping[int, float]) -> FloatArray:
        """A per-year mapping (pools, additions) as an array over the plan years."""
        return np.array([values[t] for t in self.years], dtype=float)


@dataclass(frozen=True)
class GrowthRow:
    """The rows of one growth target in one year, to report what they require and achieve."""

    rule: str
    target: GrowthTarget
    year: int
    k: int
    """years since the base year."""
    block: str
    zones: IntArray
    """the zones each row covers: one row per zone (``per: zone``) or one row for all."""
    base: FloatArray
    """the figure in the base year, per row (money unit)."""
    organic: FloatArray
    """the figure in year t without new allocations, per row."""
    required: FloatArray
    """(1 + r)^k × base, per row."""
    scale: float
    """money per model unit of the rows."""
    drivers: tuple[str, ...] = ()
    """the tracks whose allocations move the rows."""
    owner: str = ""
    """the resource they draw on, :data:`COMBINED` for several, "" for none."""


@dataclass(frozen=True, eq=False)
class MultiPeriodModel:
    """A built multi-period model: the stacked core model and what is needed to read a
    solution back."""

    instance: Instance
    periods: Periods
    zones: ZoneTable
    model: Model
    parts: tuple[YearModel, ...]
    """every resource's model of every year, in stacking order."""
    tracks: tuple[Track, ...]
    sense: Sense
    norms: dict[str, float]
    """N_r: each resource's objective is counted as ω_r × F_r / N_r (sign for its sense)."""
    weights: dict[str, float]
    """ω_r."""
    objective_units: dict[str, str]
    row_scale: FloatArray
    """natural units (mu, t, money) per model unit of each row."""
    row_unit: npt.NDArray[np.object_]
    row_owner: npt.NDArray[np.object_]
    """the resource whose objective a row's dual speaks of (or :data:`COMBINED`)."""
    growth: tuple[GrowthRow, ...] = ()
    rules: dict[str, RuleInfo] = field(default_factory=dict)
    rule_units: dict[str, str] = field(default_factory=dict)
    management: ManagementResult | None = None
    notes: tuple[str, ...] = ()

    @property
    def resources(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p.resource for p in self.parts))

    @property
    def years(self) -> tuple[int, ...]:
        return self.periods.years

    @property
    def coupled(self) -> bool:
        """Whether a growth target draws on several resources (their objectives then trade)."""
        return any(g.owner == COMBINED for g in self.growth)

    def parts_of(self, resource: str) -> tuple[YearModel, ...]:
        return tuple(p for p in self.parts if p.resource == resource)

    def track(self, key: str) -> Track:
        for t in self.tracks:
            if t.key == key:
                return t
        raise KeyError(f"no track {key!r} ({', '.join(t.key for t in self.tracks)})")


# -- the settings of each track -------------------------------------------------------------------

def _yearly(years: Sequence[int], own: Mapping[int, float], total: float | None, split: Sequence[float] | None,
            default: float) -> dict[int, float]:
    """Each year's pool: its own figure, else ``total`` × its ``split`` share (even by default),
    else ``default`` (the single-year pool)."""
    T = len(years)
    shares = split if split is not None else (1.0 / T,) * T
    return {t: float(own[t]) if t in own else (float(total) * float(shares[k]) if total is not None else float(default))
            for k, t in enumerate(years)}


def year_pools(instance: Instance, periods: Periods) -> dict[int, float]:
    """Each plan year's stated land pool Q_t, mu: its ``by_year`` total, else ``total_mu`` ×
    its ``split`` share (even by default), else ``pools.land.total_mu``."""
    assert instance.pools.land is not None
    return _yearly(periods.years, {y.year: y.total_mu for y in periods.by_year if y.total_mu is not None},
                   periods.total_mu, periods.split, instance.pools.land.total_mu)


def resource_pools(periods: Periods, rp: ResourcePeriods, default: float) -> dict[int, float]:
    """Each plan year's stated pool of a pollutant or of the funds (``periods.emissions.<k>``,
    ``periods.funds``): its ``by_year`` total, else ``total`` × ``split``, else ``default``."""
    return _yearly(periods.years, {y.year: y.total for y in rp.by_year if y.total is not None}, rp.total, rp.split,
                   default)


def planned_resources(instance: Instance) -> tuple[PlannedResource, ...]:
    """The resources the plan over years covers: ``periods.resources``, else every resource
    the instance pools (land, emissions, funds). The project portfolio is a single-year model
    and is not planned over years."""
    periods = instance.periods
    if periods is not None and periods.resources is not None:
        return tuple(r for r in RESOURCE_ORDER if r in periods.resources)
    return tuple(r for r in RESOURCE_ORDER if getattr(instance.pools, r) is not None)


def _resource_settings(key: str, resource: str, unit: str, tag: str, pool_rule: str, where: str,
                       rp: ResourcePeriods, periods: Periods, default_pool: float, *, exact: bool, integer: bool,
                       source: str | None) -> TrackSettings:
    """The settings of a pollutant's allowances or of the funds (:class:`ResourcePeriods`)."""
    return TrackSettings(
        key, resource, unit, tag, pool_rule, where, resource_pools(periods, rp, default_pool),
        {t: sum(y.additions for y in rp.by_year if y.year == t) for t in periods.years},
        rp.carry_over if rp.carry_over is not None else CARRY_OVER_DEFAULT[resource], rp.carry_over_source,
        source, exact, integer,
        tuple(RampSpec(r.id, r.source, r.note, r.share, r.of, r.plus, r.direction, r.select, r.previous)
              for r in rp.ramps),
        tuple((f"{where}.cumulative_rules[{j}]", rule) for j, rule in enumerate(rp.cumulative_rules)),
        tuple(EffectSpec(e.metric, e.per_unit, e.lag, f"{where}.effects[{j}].per_unit")
              for j, e in enumerate(rp.effects)),
        {y.year: (tuple(y.rules), tuple(y.drop_rules)) for y in rp.by_year})


def _settings(instance: Instance, periods: Periods, resources: Sequence[str],
              management: ManagementResult | None) -> list[TrackSettings]:
    """Every track's settings: land (``periods`` itself), each pollutant
    (``periods.emissions.<k>``) and the funds (``periods.funds``)."""
    pools = instance.pools
    money = MONEY_LABEL[instance.units.money]
    out: list[TrackSettings] = []
    if "land" in resources:
        land = pools.land
        assert land is not None
        own_add = {y.year: y.additions_mu for y in periods.by_year}
        mgmt_add = management.pool_additions if management is not None else {}
        out.append(TrackSettings(
            "land", "land", "mu", "", TOTAL_RULE, "periods", year_pools(instance, periods),
            {t: float(own_add.get(t, 0.0)) + float(mgmt_add.get(t, 0.0)) for t in periods.years},
            periods.carry_over, periods.carry_over_source, land.source, land.exact, land.parcel_mu is not None,
            tuple(RampSpec(r.id, r.source, r.note, r.share, r.of, r.plus_mu, r.direction, r.select, r.previous_mu)
                  for r in periods.ramps),
            tuple((f"periods.cumulative_rules[{j}]", rule) for j, rule in enumerate(periods.cumulative_rules)),
            tuple(EffectSpec(e.metric, e.per_mu, e.lag, f"periods.effects[{j}].per_mu")
                  for j, e in enumerate(periods.effects)),
            {y.year: (tuple(y.rules), tuple(y.drop_rules)) for y in periods.by_year}))
    if "emissions" in resources:
        assert pools.emissions is not None
        for k, pool in pools.emissions.pollutants.items():  # a loop over pollutants
            out.append(_resource_settings(
                k, "emissions", "t", f":{k}", total_rule(k), f"periods.emissions.{k}",
                periods.emissions.get(k, ResourcePeriods()), periods, pool.total_t, exact=pool.exact, integer=False,
                source=pool.source))
    if "funds" in resources:
        fp = pools.funds
        assert fp is not None
        out.append(_resource_settings(
            "funds", "funds", money, ":funds", FUNDS_TOTAL_RULE, "periods.funds",
            periods.funds if periods.funds is not None else ResourcePeriods(), periods, fp.budget,
            exact=fp.exact, integer=fp.tranche is not None, source=fp.source))
    return out


# -- each year's models ---------------------------------------------------------------------------

def _apply_year(base: Sequence[Any], own: Sequence[Any], drops: Sequence[str]) -> list[Any]:
    """A year's rules: the base rules less those the year replaces (same id) or drops, then the
    year's own."""
    replaced = {r.id for r in own} | set(drops)
    return [r for r in base if r.id not in replaced] + list(own)


def _exclusions(management: ManagementResult | None, year: int, land: bool) -> list[ExcludeRule]:
    """The management decisions that hold in ``year`` as ``exclude`` rules: every exclusion for
    land; only revocations for allowances and funds (a reduction's ``no_new_land`` is about land)."""
    if management is None:
        return []
    return [ExcludeRule(type="exclude", id=e.rule, source=e.source, note=e.note, select=Selector(zones=e.zones))
            for e in management.exclusions_in(year) if land or e.kind == "revocation"]


def _year_rules(instance: Instance, periods: Periods, year: int,
                management: ManagementResult | None) -> tuple[Rule, ...]:
    """The base land rules with the year's own rules (replacing same ids) and drops, and the
    management exclusions in force that year."""
    own = next((y for y in periods.by_year if y.year == year), None)
    rules = _apply_year(instance.rules, own.rules if own is not None else (), own.drop_rules if own else ())
    return tuple(rules + _exclusions(management, year, land=True))


def _refuse_empty_year(s: TrackSettings, rules: Sequence[Any], year: int, objective_kind: str | None = None) -> None:
    """An empty year's rules (and land objective) must not read its pool (share-of-pool group
    rules, the baseline or blend objective): there is no pool to take a share of."""
    what = f"the {s.key if s.resource != 'land' else 'land'} pool of {year} is 0 {s.unit}"
    if objective_kind in ("baseline", "blend"):
        raise InstanceError([Issue(s.where, f"{what}, and the {objective_kind} objective is defined on the year's "
                                            "pool: give that year a pool")])
    for r in rules:
        if isinstance(r, (GroupBoundsRule, GroupBounds)) and r.share_of == "pool" and (
                r.cap_share is not None or r.floor_share is not None):
            raise InstanceError([Issue(s.where, f"{what}, and rule {r.id!r} takes a share of the pool: give that "
                                                "year a pool, or the rule share_of 'allocated'")])


def _pool_of(s: TrackSettings, year: int, rules: Sequence[Any], nominal: dict[str, float],
             objective_kind: str | None = None) -> float:
    """The pool a year's model is built on: Q_t + a_t, or for an empty year a nominal pool
    (which sets only the model's unit) after checking no rule reads it."""
    total = s.available(year)
    if total > 0:
        return total
    _refuse_empty_year(s, rules, year, objective_kind)
    return nominal[s.key]


def _land_year(instance: Instance, periods: Periods, s: TrackSettings, year: int, management: ManagementResult | None,
               nominal: dict[str, float]) -> Instance:
    rules = _year_rules(instance, periods, year, management)
    assert instance.pools.land is not None
    total = _pool_of(s, year, rules, nominal, instance.objective.kind)
    land = instance.pools.land.model_copy(update={"total_mu": total})
    return instance.model_copy(update={"pools": instance.pools.model_copy(update={"land": land}), "rules": rules})


def _emission_year(instance: Instance, settings: Mapping[str, TrackSettings], year: int,
                   management: ManagementResult | None, nominal: dict[str, float]) -> Instance:
    """The year's emission instance: each pollutant's pool of the year, and its rules (the
    common ones and its own, with the year's own rules and drops, and revocations) in its own
    list."""
    pools = instance.pools.emissions
    assert pools is not None
    excluded = _exclusions(management, year, land=False)
    new = {}
    for k, pool in pools.pollutants.items():  # a loop over pollutants
        s = settings[k]
        own, drops = s.year_rules.get(year, ((), ()))
        rules = _apply_year([*pools.rules, *pool.rules], own, drops) + excluded
        new[k] = pool.model_copy(update={"total_t": _pool_of(s, year, rules, nominal), "rules": tuple(rules)})
    em = pools.model_copy(update={"pollutants": new, "rules": ()})
    return instance.model_copy(update={"pools": instance.pools.model_copy(update={"emissions": em})})


def _fund_year(instance: Instance, s: TrackSettings, year: int, management: ManagementResult | None,
               nominal: dict[str, float]) -> Instance:
    pool = instance.pools.funds
    assert pool is not None
    own, drops = s.year_rules.get(year, ((), ()))
    rules = _apply_year(pool.rules, own, drops) + _exclusions(management, year, land=False)
    fp = pool.model_copy(update={"budget": _pool_of(s, year, rules, nominal), "rules": tuple(rules)})
    return instance.model_copy(update={"pools": instance.pools.model_copy(update={"funds": fp})})


def _pollutant_of(block: RowBlock, pollutants: Sequence[str]) -> str:
    """The pollutant of an emission model's rule row block: its name is ``<rule>:<pollutant>``
    or starts with ``<rule>:<pollutant>:`` (the longest match wins)."""
    head = f"{block.rule}:"
    found = [p for p in pollutants if block.name == head + p or block.name.startswith(head + p + ":")]
    return max(found, key=len) if found else ""


def _rule_namer(built: Built, year: int) -> Callable[[RowBlock], str]:
    """Rule ids in the stacked model: ``<id>@t`` (land), ``<id>:<pollutant>@t``, ``<id>:funds@t``."""
    suffix = year_suffix(year)
    if isinstance(built, EmissionModel):
        pollutants = built.pollutants
        return lambda blk: f"{blk.rule}:{_pollutant_of(blk, pollutants)}{suffix}"
    if isinstance(built, FundModel):
        return lambda blk: f"{blk.rule}:funds{suffix}"
    return lambda blk: f"{blk.rule}{suffix}"


def _objective_units(instance: Instance, built: Built) -> str:
    if isinstance(built, EmissionModel):
        assert instance.pools.emissions is not None
        w = instance.pools.emissions.objective.weight
        return f"{indicator_unit(w, instance)} × share of the mean yearly pool"
    return built.objective_unit


def _natural_objective(built: Built, pool_factor: Mapping[str, float]) -> tuple[FloatArray, float]:
    """The model's objective in natural units per model unit of each column, and its constant.
    An emission model's pollutant columns are rescaled by ``pool_factor`` (the year's pool over
    the mean yearly pool), so a tonne is worth the same in every year."""
    c = built.model.c * built.obj_scale
    if isinstance(built, EmissionModel):
        c = c.copy()
        for p, xb in zip(built.pollutants, built.x, strict=True):  # a loop over pollutants
            c[xb.slice] *= pool_factor.get(p, 1.0)
    return c, float(built.model.c0 * built.obj_scale)


# -- building -----------------------------------------------------------------------------------

def build_multi_period(instance: Instance, management: ManagementResult | None = None) -> MultiPeriodModel:
    """Build the multi-period model of ``instance``: every resource it pools (or
    ``periods.resources``) over the plan years (its ``periods`` section, or the defaults:
    2021–2025, every year the single-year pools, carry-over by resource as
    :data:`~zoneopt.instance.CARRY_OVER_DEFAULT`). With ``management``
    (:func:`zoneopt.models.dynamic.manage`), the land it frees joins the land pools and revoked
    zones get nothing more. Raises :class:`InstanceError` without any pool, for an emission
    objective that is not an optimisation (``zsg_dea``), or for data a rule, objective, effect
    or growth target lacks; :class:`InfeasibleError` for a growth target no allocation can move
    (e.g. in its first year, when allocations take effect a year later)."""
    resources: tuple[str, ...] = planned_resources(instance)
    if not resources:
        raise InstanceError([Issue("pools", "the multi-period plan needs a pool: pools.land, pools.emissions or "
                                            "pools.funds (their single-year settings hold every year)")])
    if "emissions" in resources:
        assert instance.pools.emissions is not None
        if instance.pools.emissions.objective.kind != "priority":
            raise InstanceError([Issue("pools.emissions.objective.kind",
                                       "the zero-sum-gains DEA reallocation is a formula, not a model to plan over "
                                       "years: use the priority objective, or leave emissions out "
                                       "(periods.resources)")])
    periods = instance.periods if instance.periods is not None else Periods()
    zt = ZoneTable.of(instance)
    years = periods.years
    settings = _settings(instance, periods, resources, management)
    by_key = {s.key: s for s in settings}
    notes: list[str] = []
    if management is not None:
        outside = {y: v for y, v in management.pool_additions.items() if v > 0 and (y not in years or
                                                                                    "land" not in resources)}
        if outside:
            notes.append("land freed by dynamic management " + ("outside the plan years " if "land" in resources
                                                                 else "(land is not planned) ")
                         + "is not in any pool: " + ", ".join(f"{y}: {v:,.6g} mu" for y, v in sorted(outside.items())))
    if instance.projects:
        notes.append("the project portfolio is a single-year model: its projects are not planned over the years")

    nominal: dict[str, float] = {}
    for s in settings:  # a loop over tracks
        positive = [s.available(t) for t in years if s.available(t) > 0]
        if not positive:
            raise InstanceError([Issue(s.where, f"every plan year's {s.key} pool is 0 {s.unit}: nothing to allocate")])
        nominal[s.key] = min(positive)

    # One model per resource and year, on the year's instance (the same zone objects: the zone
    # table and evaluations are shared, not rebuilt).
    t1 = years[0]
    discount = {t: (1.0 + periods.discount_rate) ** -(t - t1) for t in years}
    emission_keys = [s.key for s in settings if s.resource == "emissions"]
    mean_pool = {k: float(np.mean([by_key[k].available(t) for t in years])) for k in emission_keys}
    built: list[tuple[str, int, Instance, Built]] = []
    for resource in resources:  # a loop over resources and years
        for t in years:
            if resource == "land":
                inst_t = _land_year(instance, periods, by_key["land"], t, management, nominal)
                built.append((resource, t, inst_t, build_land_model(inst_t)))
            elif resource == "emissions":
                inst_t = _emission_year(instance, by_key, t, management, nominal)
                built.append((resource, t, inst_t, build_emission_model(inst_t)))
            else:
                inst_t = _fund_year(instance, by_key["funds"], t, management, nominal)
                built.append((resource, t, inst_t, build_fund_model(inst_t)))

    senses = {bm.model.sense for *_, bm in built}
    sense: Sense = "min" if senses == {"min"} else "max"
    pool_rules = {s.pool_rule for s in settings}
    b = ModelBuilder(f"years:{instance.name}", sense)
    parts: list[YearModel] = []
    scales: dict[str, tuple[float | FloatArray, str, str]] = {}
    rules: dict[str, RuleInfo] = {}
    for resource, t, inst_t, bm in built:  # a loop over resources and years
        # Objectives are set once the normalisers are known (weight 0 here).
        suffix = (":funds" if resource == "funds" else "") + year_suffix(t)
        namer = _rule_namer(bm, t)
        offset = add_model(b, bm.model, suffix, weight=0.0, keep_rows=lambda r: r.rule not in pool_rules,
                           rule_name=namer)
        factor = {}
        if isinstance(bm, EmissionModel):
            factor = {p: pool.total_t / mean_pool[p] for p, pool in bm.pools.pollutants.items()}
        c_nat, c0_nat = _natural_objective(bm, factor)
        parts.append(YearModel(resource, t, inst_t, bm, offset, discount[t], c_nat, c0_nat))
        unit = by_key[resource if resource != "emissions" else emission_keys[0]].unit
        if isinstance(bm, EmissionModel):
            row_scale = row_units(bm.model, [x.start for x in bm.x], bm.units)
        else:
            row_scale = np.full(bm.model.num_rows, bm.land_unit if isinstance(bm, LandModel) else bm.unit)
        for blk in bm.model.row_blocks:  # a loop over row blocks
            if blk.rule in pool_rules:
                continue
            scales[blk.name + suffix] = (row_scale[blk.slice], unit, resource)
            if blk.rule is None:
                continue
            rid = namer(blk)
            info = bm.rules.get(blk.rule)
            what = t if resource == "land" else f"{rid.rsplit('@', 1)[0][len(blk.rule) + 1:]}, {t}"
            rules[rid] = RuleInfo(rid, info.type if info else "rule", info.source if info else blk.source,
                                  f"{(info.note if info else None) or blk.rule} ({what})")

    tracks = _tracks(settings, parts, zt, years)
    tracks = tuple(replace(tr, unused=_pool_balance(b, tr, scales, rules)) for tr in tracks)
    by_rule: dict[str, tuple[float | FloatArray, str, str]] = {}
    for tr in tracks:  # a loop over tracks
        _ramps(b, tr, zt, scales, rules)
        _cumulative(b, tr, instance, zt, by_rule, rules)
    money = MONEY_LABEL[instance.units.money]
    growth = _growth(b, tracks, periods, instance, zt, scales, rules, money)

    model = b.build()
    row_scale_all = np.ones(model.num_rows)
    row_unit = np.full(model.num_rows, "", dtype=object)
    row_owner = np.full(model.num_rows, "", dtype=object)
    rule_units: dict[str, str] = {}
    for blk in model.row_blocks:  # a loop over row blocks
        # Cumulative rules' rows by their rule; their auxiliary rows (no rule) count for none.
        scale, unit, owner = scales.get(blk.name) or by_rule.get(blk.rule or "", (1.0, "", ""))
        row_scale_all[blk.slice] = scale
        row_unit[blk.slice] = unit
        row_owner[blk.slice] = owner
        if blk.rule is not None:
            rule_units.setdefault(blk.rule, unit)
    weights: dict[str, float] = {r: float(periods.weights.get(r, 1.0)) for r in RESOURCE_ORDER if r in resources}
    objective_units = {r: _objective_units(instance, next(p.built for p in parts if p.resource == r))
                       for r in resources}
    mm = MultiPeriodModel(instance, periods, zt, model, tuple(parts), tracks, sense, {}, weights, objective_units,
                          row_scale_all, row_unit, row_owner, growth, rules, rule_units, management, tuple(notes))
    return with_norms(mm, {r: _scale(mm, r) for r in resources})


def _tracks(settings: Sequence[TrackSettings], parts: Sequence[YearModel], zt: ZoneTable,
            years: Sequence[int]) -> tuple[Track, ...]:
    """The tracks, with each year's allocation columns read off the built models."""
    out = []
    for s in settings:  # a loop over tracks
        mine = [p for p in parts if p.resource == s.resource]
        starts, units, request = [], [], np.full(zt.size, np.nan)
        for p in mine:
            bm = p.built
            if isinstance(bm, LandModel):
                xb, unit = bm.x, bm.land_unit
                request = zt.frame["request_land_mu"].to_numpy(dtype=float)
            elif isinstance(bm, EmissionModel):
                k = bm.pollutants.index(s.key)
                xb, unit = bm.x[k], bm.units[k]
                request = bm.requests[s.key]
            else:
                xb, unit = bm.f, bm.unit
                request = bm.request
            starts.append(p.offset + xb.start)
            units.append(unit)
        out.append(Track(**{f.name: getattr(s, f.name) for f in fields(TrackSettings)}, years=tuple(years),
                         x_start=np.asarray(starts, dtype=np.int64), units=np.asarray(units, dtype=float),
                         request=request, empty_years=tuple(t for t in years if s.available(t) <= 0)))
    return tuple(out)


def _scale(mm: MultiPeriodModel, resource: str) -> float:
    """A resource's objective scale: its largest discounted coefficient (so the stacked
    objective's coefficients are at most 1)."""
    top = max(float(p.discount * np.abs(p.c_nat).max(initial=0.0)) for p in mm.parts_of(resource))
    return top or 1.0


def stacked_objective(mm: MultiPeriodModel, norms: Mapping[str, float]) -> tuple[FloatArray, float]:
    """The stacked model's objective: Σ_r ±ω_r Σ_t d_t (c_{r,t} x_{r,t} + c0_{r,t}) / N_r,
    negated for a resource whose sense is not the stacked model's."""
    c = np.zeros(mm.model.num_vars)
    c0 = 0.0
    for p in mm.parts:  # a loop over resources and years
        sign = 1.0 if p.model.sense == mm.sense else -1.0
        f = sign * mm.weights[p.resource] * p.discount / norms[p.resource]
        c[p.cols] = f * p.c_nat
        c0 += f * p.c0_nat
    return c, c0


def with_norms(mm: MultiPeriodModel, norms: Mapping[str, float]) -> MultiPeriodModel:
    """``mm`` with the objective normalisers ``norms`` (N_r) and the stacked objective they give."""
    c, c0 = stacked_objective(mm, norms)
    return replace(mm, model=replace(mm.model, c=c, c0=c0), norms=dict(norms))


def resource_objectives(mm: MultiPeriodModel, x: FloatArray) -> dict[str, FloatArray]:
    """Each resource's own objective per year at ``x``, natural units, undiscounted."""
    out: dict[str, list[float]] = {}
    for p in mm.parts:  # a loop over resources and years
        out.setdefault(p.resource, []).append(float(p.c_nat @ x[p.cols] + p.c0_nat))
    return {r: np.asarray(v) for r, v in out.items()}


def discounted(mm: MultiPeriodModel, per_year: Mapping[str, FloatArray]) -> dict[str, float]:
    """Σ_t d_t f_{r,t} per resource."""
    d = np.array([(1.0 + mm.periods.discount_rate) ** -(t - mm.years[0]) for t in mm.years])
    return {r: float(d @ v) for r, v in per_year.items()}


# -- linking rows -------------------------------------------------------------------------------

def _x_matrix(starts: Sequence[int], coefs: Sequence[float] | FloatArray, zones: IntArray, ncols: int,
              row_of_zone: IntArray | None = None) -> sp.csr_matrix:
    """Rows over the allocation columns of several years (``starts``: each year's first
    column): entry (row of zone i, x_{i,t}) = coefs[t]. ``row_of_zone`` gives each zone's row
    (default: one row per zone)."""
    rows_z = np.arange(zones.size) if row_of_zone is None else row_of_zone
    nrows = int(rows_z.max()) + 1 if rows_z.size else 0
    if not len(starts):
        return sp.csr_matrix((nrows, ncols))
    r = np.tile(rows_z, len(starts))
    c = np.concatenate([s + zones for s in starts])
    v = np.repeat(np.asarray(coefs, dtype=float), zones.size)
    return sp.csr_matrix((v, (r, c)), shape=(nrows, ncols))


def _pool_balance(b: ModelBuilder, tr: Track, scales: dict[str, tuple[float | FloatArray, str, str]],
                  rules: dict[str, RuleInfo]) -> VarBlock:
    """u_t ≥ 0 and, per year, Σ_i x_{i,t} + u_t − c·u_{t−1} = Q_t + a_t (model units of σ)."""
    T, sigma, c = len(tr.years), tr.sigma, tr.carry_over
    name = "unused" + tr.tag
    u = b.add_vars(name, T, lb=0.0, ub=0.0 if tr.exact else np.inf, labels=[str(t) for t in tr.years])
    n = tr.request.size
    source = tr.pool_source if c == 0 else "; ".join(s for s in (tr.pool_source, tr.carry_over_source) if s)
    what = {"land": "land pool", "emissions": f"{tr.key} allowances", "funds": "fund budget"}[tr.resource]
    for k, t in enumerate(tr.years):  # a loop over years
        A = _x_matrix([int(tr.x_start[k])], [tr.units[k] / sigma], np.arange(n), b.num_vars,
                      np.zeros(n, dtype=np.int64))
        extra = [(u.start + k, 1.0)] + ([(u.start + k - 1, -c)] if k > 0 and c > 0 else [])
        A = A + sp.csr_matrix(([v for _, v in extra], ([0] * len(extra), [j for j, _ in extra])), shape=A.shape)
        rhs = tr.available(t) / sigma
        rid = tr.pool_rule + year_suffix(t)
        b.add_rows(rid, A, lb=rhs, ub=rhs, rule=rid, source=source or None, labels=["total"])
        scales[rid] = (sigma, tr.unit, tr.resource)
        note = f"{what} {t}: {tr.pools[t]:,.6g} {tr.unit}" + (
            f" + {tr.additions[t]:,.6g} {tr.unit} " + ("returned" if tr.resource == "land" else "added")
            if tr.additions[t] else "") + (f" + {c:g} × unused of {tr.years[k - 1]}" if k > 0 and c > 0 else "")
        rules[rid] = RuleInfo(rid, "pool", source or None, note)
    return u


def _ramp_base(ramp: RampSpec, tr: Track, zt: ZoneTable) -> FloatArray:
    if ramp.of == "request":
        return np.nan_to_num(tr.request, nan=0.0)
    if ramp.of == "land_area":
        return zt.frame["land_area_mu"].to_numpy(dtype=float)
    return np.zeros(zt.size)


def _ramps(b: ModelBuilder, tr: Track, zt: ZoneTable, scales: dict[str, tuple[float | FloatArray, str, str]],
           rules: dict[str, RuleInfo]) -> None:
    """Per ramp and year t: σ_t x_t − (1±s) σ_{t−1} x_{t−1} within ±p (``of: previous``), or
    σ_t x_t − σ_{t−1} x_{t−1} within ±(s·B + p); the first year against ``previous``."""
    sigma = tr.sigma
    for ramp in tr.ramps:  # a loop over ramp rules and years
        mask = zt.select(ramp.select)
        base = _ramp_base(ramp, tr, zt)
        prev_given = np.full(zt.size, np.nan)
        if ramp.previous:
            idx = pd.Index(zt.ids).get_indexer(list(ramp.previous))
            prev_given[idx] = np.array(list(ramp.previous.values()), dtype=float)
        for k, t in enumerate(tr.years):
            zones = np.flatnonzero(mask & ~np.isnan(prev_given)) if k == 0 else np.flatnonzero(mask)
            if zones.size == 0:
                continue
            A = _x_matrix([int(tr.x_start[k])], [tr.units[k] / sigma], zones, b.num_vars)
            if ramp.of == "previous":
                up_mult, down_mult = 1.0 + ramp.share, 1.0 - ramp.share
                up_rhs = np.full(zones.size, ramp.plus / sigma)
            else:
                up_mult = down_mult = 1.0
                up_rhs = (ramp.share * base[zones] + ramp.plus) / sigma
            rid = ramp.id + tr.tag + year_suffix(t)
            labels = zt.ids[zones].tolist()
            for side, mult, bounds in (("up", up_mult, {"ub": up_rhs}), ("down", down_mult, {"lb": -up_rhs})):
                if ramp.direction not in ("both", side):
                    continue
                if k > 0:
                    rows = A - mult * _x_matrix([int(tr.x_start[k - 1])], [tr.units[k - 1] / sigma], zones,
                                                b.num_vars)
                    rhs = bounds
                else:  # the first year: the previous allocation is a constant
                    rows = A
                    rhs = {key: val + mult * prev_given[zones] / sigma for key, val in bounds.items()}
                name = f"{ramp.id}{tr.tag}:{side}{year_suffix(t)}"
                b.add_rows(name, rows, rule=rid, source=ramp.source, labels=labels, **rhs)
                scales[name] = (sigma, tr.unit, tr.resource)
            prev_year = tr.years[k - 1] if k > 0 else "the year before"
            rules[rid] = RuleInfo(rid, "ramp", ramp.source,
                                  ramp.note or f"change of {tr.key} from {prev_year} to {t} at most "
                                               f"{ramp.share:g} × {ramp.of} + {ramp.plus:g} {tr.unit}")


def _cumulative(b: ModelBuilder, tr: Track, instance: Instance, zt: ZoneTable,
                by_rule: dict[str, tuple[float | FloatArray, str, str]], rules: dict[str, RuleInfo]) -> None:
    """The resource's rules on each zone's total over the years (the pool: every year's pool
    and additions; a zone's request: its yearly request × the number of years). The rules keep
    their own ids (each is stated for one track); their blocks end in ``<tag>@all``; ``by_rule``
    gets each rule's row unit."""
    if not tr.cumulative:
        return
    n, sigma = zt.size, tr.sigma
    E = _x_matrix([int(s) for s in tr.x_start], tr.units / sigma, np.arange(n), b.num_vars)
    total = sum(tr.available(t) for t in tr.years) / sigma
    request = tr.request * len(tr.years)
    add_zone_rules(b, tr.cumulative, ZoneTotals(E, sigma, total, request, tr.tag + CUMULATIVE_SUFFIX), instance, zt,
                   rules)
    investment = fund_requests(instance)[1]
    for _, rule in tr.cumulative:  # a loop over rules; fund leverage caps are per zone (the schema says so)
        by_rule[rule.id] = (sigma, tr.unit, tr.resource)
        if isinstance(rule, LeverageCap):
            rules[rule.id] = RuleInfo(rule.id, rule.type, rule.source, rule.note)
            leverage_rows(b, rule, E, investment, zt.select(rule.select), sigma, zt.ids.tolist())


def _effect(periods: Periods, metric: GrowthMetric) -> Effect:
    found = next((e for e in periods.effects if e.metric == metric), None)
    return found if found is not None else Effect(metric=metric)


def _effect_values(tr: Track, metric: GrowthMetric, instance: Instance, zt: ZoneTable, mask: BoolArray,
                   where: str) -> tuple[FloatArray, int] | None:
    """A track's effect on ``metric`` per natural unit, per zone, and its lag; None when the
    track has no effect on it. Land's default is the zone's own 亩均 figure; the funds'
    default on tax the expected tax per unit of fund requested; a pollutant has no default."""
    spec = next((e for e in tr.effects if e.metric == metric), None)
    if spec is None:
        if tr.resource != "land":
            return None
        spec = EffectSpec(metric, None, 1, f"{where} (default effect {metric}_per_mu)")
    if isinstance(spec.per, (int, float)):
        return np.full(zt.size, float(spec.per)), spec.lag
    if spec.per is not None or tr.resource == "land":
        name = spec.per if spec.per is not None else f"{metric}_per_mu"
        return indicator(instance, name, field=spec.where, among=mask, table=zt), spec.lag
    if tr.resource == "funds" and metric == "tax":
        amount, _, tax = fund_requests(instance)
        asked = np.nan_to_num(amount, nan=0.0) > 0
        missing = mask & asked & np.isnan(tax)
        if missing.any():
            raise InstanceError([Issue(f"zones[{k}].requests.funds.expected_tax",
                                       f"zone {zt.ids[k]!r} asks for funds but gives no expected_tax, needed by the "
                                       f"default tax effect of the funds ({spec.where})")
                                 for k in np.flatnonzero(missing)])
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(asked, np.nan_to_num(tax, nan=0.0) / np.where(asked, amount, 1.0), 0.0), spec.lag
    raise InstanceError([Issue(spec.where, f"give per_unit: the {metric} each unit of {tr.key} adds "
                                           f"({MONEY_LABEL[instance.units.money]} per {tr.unit} per year)")])


def _growth(b: ModelBuilder, tracks: Sequence[Track], periods: Periods, instance: Instance, zt: ZoneTable,
            scales: dict[str, tuple[float | FloatArray, str, str]], rules: dict[str, RuleInfo],
            money: str) -> tuple[GrowthRow, ...]:
    """Rows Σ_r Σ_{s ≤ t−ℓ_r} Σ_{i∈S} e_{r,i} x_{r,i,s} ≥ Σ_{i∈S} V_i ((1+r)^k − (1+g)^k), per
    target and year (the last year, or every year with ``each_year``), per zone or for all
    selected; r runs over the tracks with an effect on the target's metric."""
    out: list[GrowthRow] = []
    base_year = periods.base_year if periods.base_year is not None else periods.years[0] - 1
    for g, target in enumerate(periods.growth):  # a loop over targets and years
        where = f"periods.growth[{g}]"
        mask = zt.select(target.select)
        zones = np.flatnonzero(mask)
        if zones.size == 0:
            raise InstanceError([Issue(f"{where}.select", f"growth target {target.id!r} selects no zone")])
        organic_growth = _effect(periods, target.metric).organic_growth
        drivers = []
        for tr in tracks:
            found = _effect_values(tr, target.metric, instance, zt, mask, where)
            if found is not None:
                drivers.append((tr, found[0], found[1]))
        V = zt.frame[target.metric].to_numpy(dtype=float)
        missing = mask & np.isnan(V)
        if missing.any():
            raise InstanceError([Issue(f"zones[{k}].metrics.{target.metric}",
                                       f"zone {zt.ids[k]!r} has no {target.metric}, needed by growth target "
                                       f"{target.id!r}") for k in np.flatnonzero(missing)])
        per_zone = target.per == "zone"
        row_of = np.arange(zones.size) if per_zone else np.zeros(zones.size, dtype=np.int64)
        nrows = zones.size if per_zone else 1
        for t in (periods.years if target.each_year else periods.years[-1:]):
            k = t - base_year
            vals: list[FloatArray] = []
            cols: list[IntArray] = []
            used: list[Track] = []
            for tr, e, lag in drivers:  # entry e_i σ_s on x_{i,s}, s + lag ≤ t
                ez = e[zones]
                eligible = [j for j, s in enumerate(tr.years) if s + lag <= t]
                if not eligible or not np.any(ez != 0):
                    continue
                vals += [ez * tr.units[j] for j in eligible]
                cols += [tr.columns(j, zones) for j in eligible]
                used.append(tr)
            A = sp.csr_matrix((np.concatenate(vals), (np.tile(row_of, len(vals)), np.concatenate(cols))),
                              shape=(nrows, b.num_vars)) if vals else sp.csr_matrix((nrows, b.num_vars))
            A.eliminate_zeros()  # a zone with no effect does not make its row movable
            base = np.bincount(row_of, weights=V[zones], minlength=nrows).astype(np.float64)
            organic = np.asarray(base * (1.0 + organic_growth) ** k, dtype=np.float64)
            required = np.asarray(base * (1.0 + target.rate) ** k, dtype=np.float64)
            need = required - organic
            scale = float(np.abs(A.data).max()) if A.nnz else 1.0
            scale = scale if scale > 0 else 1.0
            empty = (np.diff(A.indptr) == 0) & (need > 1e-9 * np.maximum(1.0, np.abs(required)))
            rid = target.id + year_suffix(t)
            if empty.any():
                who = "the selected zones" if not per_zone else ", ".join(repr(z) for z in zt.ids[zones[empty]][:5])
                lag_txt = "/".join(str(v) for v in sorted({lag for *_, lag in drivers})) or "ℓ"
                raise InfeasibleError(
                    f"growth target `{rid}`" + (f" ({target.source})" if target.source else "")
                    + f" cannot hold: {who} need {need[empty].sum():,.6g} {money} more {target.metric} in {t} than "
                    f"organic growth gives, but no allocation can add to it by then (an allocation of year s counts "
                    f"from s + {lag_txt}; or no effect on {target.metric})")
            owners = {tr.resource for tr in used}
            owner = owners.pop() if len(owners) == 1 else (COMBINED if owners else "")
            b.add_rows(rid, A / scale, lb=need / scale, rule=rid, source=target.source,
                       labels=zt.ids[zones].tolist() if per_zone else ["total"])
            scales[rid] = (scale, money, owner)
            rules[rid] = RuleInfo(rid, "growth", target.source, target.note or (
                f"{target.metric} of the selected zones {'each ' if per_zone else ''}≥ (1 + {target.rate:g})^{k} × "
                f"{base_year} level in {t}"))
            out.append(GrowthRow(rid, target, t, k, rid, zones if per_zone else zones[:0], base, organic, required,
                                 scale, tuple(tr.key for tr in used), owner))
    return tuple(out)


# -- solving ------------------------------------------------------------------------------------

def solve_multi_period(instance: Instance, backend: str = DEFAULT_BACKEND, *, time_limit: float | None = None,
                       mip_gap: float = 1e-6, options: SolveOptions | None = None,
                       management: ManagementResult | bool | None = None) -> MultiPeriodPlan:
    """Build and solve the multi-period plan of every planned resource; return the checked
    :class:`MultiPeriodPlan`.

    ``management``: a :class:`ManagementResult` to feed the plan; ``None`` (default) runs
    :func:`~zoneopt.models.dynamic.manage` when the instance has a ``management`` section and
    ``periods.reclaim`` is true; ``False`` ignores it. When a growth target draws on several
    resources, each resource's own optimum (the plan without those targets) is solved first
    and sets its normaliser. Raises :class:`InfeasibleError` / :class:`UnboundedError` (exit
    code 3, naming the rules and years in conflict), :class:`NoSolutionError` (4) and
    :class:`InstanceError` (2) as :func:`solve_land` does."""
    mres: ManagementResult | None
    if isinstance(management, ManagementResult):
        mres = management
    elif management is False:
        mres = None
    else:
        reclaim = instance.periods.reclaim if instance.periods is not None else True
        mres = manage(instance, backend=backend, time_limit=time_limit) \
            if instance.management is not None and reclaim else None
    mm = build_multi_period(instance, mres)
    opts = options if options is not None else SolveOptions(time_limit=time_limit, mip_gap=mip_gap)
    extra = 0.0
    if mm.coupled:
        mm, ideal = ideal_norms(mm, backend, opts)
        extra = ideal.runtime
    first = core_solve(mm.model, backend, options=opts)
    _raise(first, mm, opts.time_limit)
    final, secondary = first, None
    land = mm.parts_of("land")
    if land and instance.objective.kind == "equity" and all(
            isinstance(p.built, LandModel) and p.built.equity is not None for p in land):
        stage2, scale2 = efficiency_stage(mm, first)
        final = core_solve(stage2, backend, options=opts)
        _raise(final, mm, opts.time_limit)
        assert final.objective is not None
        secondary = final.objective * scale2
    return plan_from_solution(mm, final, primary=first, secondary=secondary, warnings=_warnings(mm),
                              extra_runtime=extra)


def ideal_norms(mm: MultiPeriodModel, backend: str = DEFAULT_BACKEND,
                options: SolveOptions | None = None) -> tuple[MultiPeriodModel, Solution]:
    """Solve the plan without the growth targets that draw on several resources (each
    resource then reaches its own optimum F_r*: the model is separable) and return ``mm``
    with N_r = |F_r*| (its scale where F_r* is 0), and the solution. Raises as
    :func:`solve_multi_period` when even that plan has no solution."""
    lb, ub = mm.model.row_lb.copy(), mm.model.row_ub.copy()
    for g in mm.growth:  # a loop over target rows
        if g.owner == COMBINED:
            blk = mm.model.row_block(g.block)
            lb[blk.slice], ub[blk.slice] = -np.inf, np.inf
    relaxed = replace(mm, model=replace(mm.model, row_lb=lb, row_ub=ub, name=mm.model.name + ":own-optima"))
    sol = core_solve(relaxed.model, backend, options=options)
    _raise(sol, relaxed, options.time_limit if options is not None else None)
    assert sol.x is not None
    best = discounted(mm, resource_objectives(mm, sol.x))
    norms = {r: abs(best[r]) if abs(best[r]) > 1e-9 * mm.norms[r] else mm.norms[r] for r in mm.resources}
    return with_norms(mm, norms), sol


def _raise(solution: Solution, mm: MultiPeriodModel, time_limit: float | None) -> None:
    """Raise the error a solve's status calls for (:func:`zoneopt.resources.raise_for_status`);
    an infeasible plan is diagnosed in rule terms, each amount in its rule's unit (mu, t, the
    money unit)."""
    what = f"multi-period plan ({', '.join(mm.resources)}) for {mm.instance.name!r}"
    if solution.status is not Status.INFEASIBLE:
        raise_for_status(solution, mm.model, what, row_scale=mm.row_scale, rules=mm.rules, time_limit=time_limit)
        return
    from zoneopt.core.diagnose import diagnose
    from zoneopt.errors import ZoneoptError

    try:
        d = diagnose(mm.model, backend=DEFAULT_BACKEND, row_scale=mm.row_scale, unit="", rules=mm.rules,
                     time_limit=time_limit)
    except (ImportError, ZoneoptError) as exc:
        raise InfeasibleError(f"{what} is infeasible: the rules cannot all hold (no full diagnosis: {exc})") from exc
    if d.feasible:
        raise InfeasibleError(f"{what}: {solution.backend} reports it infeasible, but {d.backend} finds the rules "
                              "can all hold (a solver tolerance issue; try another backend)", d)
    unit_of = {c.rule: mm.rule_units.get(c.rule, "") for c in d.conflict}
    units = sorted(set(unit_of.values()))
    d = replace(d, unit=units[0] if len(units) == 1 else "",
                relaxations=tuple(replace(r, unit=mm.rule_units.get(r.rule, "")) for r in d.relaxations))
    note = "" if len(units) <= 1 else " (the shortfall is in mixed units: " + "; ".join(
        f"{u} for {', '.join(f'`{r}`' for r, v in unit_of.items() if v == u)}" for u in units) + ")"
    raise InfeasibleError(f"{what} is infeasible: {d.message()}{note}", d)


def efficiency_stage(mm: MultiPeriodModel, first: Solution) -> tuple[Model, float]:
    """The equity plan's second stage: each year's minimum land fulfilment kept at its
    stage-one value, maximise the discounted expected tax (or land) over the years; the other
    resources keep their stage-one plan. Returns the model and the natural units per unit of
    its objective."""
    assert first.x is not None
    m = mm.model
    lb, ub = m.lb.copy(), m.ub.copy()
    c = np.zeros(m.num_vars)
    land = [(p, p.built) for p in mm.parts_of("land") if isinstance(p.built, LandModel)]
    natural = [p.discount * lm.land_unit * ((float(lm.weights.max()) if lm.weights is not None else 1.0) or 1.0)
               for p, lm in land]
    S2 = max(natural) or 1.0
    for p, lm in land:  # a loop over years
        assert lm.equity is not None
        j = p.offset + lm.equity.start
        lb[j] = max(0.0, float(first.x[j]) - 1e-9)
        w = lm.weights if lm.weights is not None else np.ones(lm.x.size)
        c[p.offset + lm.x.start:p.offset + lm.x.start + lm.x.size] = p.discount * w * lm.land_unit / S2
    for p in mm.parts:  # a loop over the other resources' years: their plan stays
        if p.resource == "land":
            continue
        v = np.clip(first.x[p.cols], m.lb[p.cols], m.ub[p.cols])
        v = np.where(m.integer[p.cols], np.round(v), v)
        lb[p.cols] = ub[p.cols] = v
    return replace(m, c=c, c0=0.0, lb=lb, ub=ub, sense="max", name=m.name + ":tie-break"), S2


def _warnings(mm: MultiPeriodModel) -> list[str]:
    """Each land year's presolve warnings, once per message with the years it holds in."""
    from zoneopt.models.presolve import presolve_checks

    land = next((t for t in mm.tracks if t.resource == "land"), None)
    if land is None:
        return []
    seen: dict[str, list[int]] = {}
    for p in mm.parts_of("land"):
        if p.year in land.empty_years or not isinstance(p.built, LandModel):
            continue  # built on a nominal pool: its pool checks would mislead
        for f in presolve_checks(p.instance, p.built):
            # With carry-over a year's pool is not the bound of that year's allocation.
            if f.severity != "warning" or (land.carry_over > 0 and f.code in ("floors-exceed-pool",
                                                                               "caps-below-exact-pool")):
                continue
            seen.setdefault(f.message, []).append(p.year)
    out = []
    for msg, yrs in seen.items():
        span = f"{yrs[0]}" if len(yrs) == 1 else (f"{yrs[0]}–{yrs[-1]}" if yrs == list(range(yrs[0], yrs[-1] + 1))
                                                  else ", ".join(map(str, yrs)))
        out.append(f"{span}: {msg}")
    return out


# -- the plan -----------------------------------------------------------------------------------

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
    it. ``bindings``: the binding rule rows with shadow prices (LPs)."""

    def __init__(self, summary: MultiPeriodSummary, cells: pd.DataFrame, years: pd.DataFrame,
                 objectives: pd.DataFrame, targets: pd.DataFrame, bindings: pd.DataFrame,
                 management: ManagementResult | None = None) -> None:
        self.summary = summary
        self.cells = cells
        self.years = years
        self.objectives = objectives
        self.targets = targets
        self.bindings = bindings
        self.management = management

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
                                 cells=records(self.cells), bindings=bindings)

    def to_csv(self, path: str | Path) -> Path:
        """The zones × years table of every track as CSV (UTF-8 with BOM so Excel shows Chinese
        names)."""
        return atomic_write(path, lambda p: self.table().to_csv(p, index=False, encoding="utf-8-sig"))

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
               "targets": self.targets, "cells": self.cells, "bindings": self.bindings}
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


def _dual_factor(mm: MultiPeriodModel) -> FloatArray:
    """Per row: the resource's natural objective per unit of the stacked objective
    (N_r / (±ω_r)); 1 for a row of several resources (its dual is in the stacked objective)."""
    out = np.ones(mm.model.num_rows)
    for r in mm.resources:
        sign = 1.0 if mm.parts_of(r)[0].model.sense == mm.sense else -1.0
        out[mm.row_owner == r] = mm.norms[r] / (sign * mm.weights[r])
    return out


def _objective_kind(instance: Instance, resource: str) -> str:
    if resource == "emissions":
        assert instance.pools.emissions is not None
        return instance.pools.emissions.objective.kind
    if resource == "funds":
        assert instance.pools.funds is not None
        return instance.pools.funds.objective.kind
    return instance.objective.kind


def plan_from_solution(mm: MultiPeriodModel, solution: Solution, *, primary: Solution | None = None,
                       secondary: float | None = None, warnings: Sequence[str] = (),
                       extra_runtime: float = 0.0) -> MultiPeriodPlan:
    """Turn a checked core solution of the stacked model into a :class:`MultiPeriodPlan`
    (natural units). ``primary`` is the first stage of a lexicographic (equity) solve: its
    objective and duals are reported, the allocation is ``solution``'s. ``extra_runtime``: time
    of other solves (each resource's own optimum)."""
    primary = primary if primary is not None else solution
    assert solution.x is not None and primary.x is not None and primary.objective is not None
    x = solution.x
    m, zt = mm.model, mm.zones
    n, T = zt.size, len(mm.years)
    f = zt.frame
    zones = np.arange(n)
    # Cells in the order track, year, zone: the map columns → cells for the bindings table.
    cols = np.concatenate([tr.columns(k, zones) for tr in mm.tracks for k in range(T)])
    zone_of_column = sp.csr_matrix((np.ones(cols.size), (cols, np.arange(cols.size))), shape=(m.num_vars, cols.size))
    duals = primary.row_duals * _dual_factor(mm) / mm.row_scale if primary.row_duals is not None else None
    per = np.array([mm.objective_units.get(o, "stacked objective") for o in mm.row_owner], dtype=object)
    unit = per + " per " + mm.row_unit.astype(object)
    bindings, binding_rules, shadow_prices = binding_tables(m, x, duals, mm.row_scale, unit, zone_of_column)

    cell_parts, year_parts = [], []
    by_part = {(p.resource, p.year): p for p in mm.parts}
    track_summaries = []
    start = 0
    for tr in mm.tracks:  # a loop over tracks
        raw = x[np.concatenate([tr.columns(k, zones) for k in range(T)])].reshape(T, n)
        alloc = (np.round(raw) if tr.integer else np.maximum(raw, 0.0)) * tr.units[:, None]
        flat = alloc.reshape(-1)
        req = np.tile(tr.request, T)
        with np.errstate(divide="ignore", invalid="ignore"):
            fulfil = np.where(req > 0, flat / req, np.nan)
        weights = [by_part[(tr.resource, t)].weights for t in mm.years]
        cell_parts.append(pd.DataFrame({
            "track": tr.key, "resource": tr.resource, "unit": tr.unit,
            "year": np.repeat(np.asarray(mm.years), n), "zone": np.tile(f["zone"].to_numpy(), T),
            "name": np.tile(f["name"].to_numpy(), T), "city": np.tile(f["city"].to_numpy(), T),
            "level": np.tile(f["level"].to_numpy(), T), "grade": np.tile(f["grade"].to_numpy(), T),
            "score": np.tile(f["score"].to_numpy(), T), "land_area_mu": np.tile(f["land_area_mu"].to_numpy(), T),
            "request": req, "allocation": flat, "fulfilment": fulfil,
            "weight": np.concatenate([w if w is not None else np.full(n, np.nan) for w in weights]),
            "binding_rules": binding_rules[start:start + n * T], "shadow_prices": shadow_prices[start:start + n * T],
        }))
        start += n * T
        assert tr.unused is not None
        u = np.maximum(x[tr.unused.slice], 0.0) * tr.sigma
        c = tr.carry_over
        carried_in = np.concatenate([[0.0], c * u[:-1]])
        lapsed = np.concatenate([(1.0 - c) * u[:-1], [0.0]])
        pools, additions = tr.per_year(tr.pools), tr.per_year(tr.additions)
        year_parts.append(pd.DataFrame({
            "track": tr.key, "resource": tr.resource, "unit": tr.unit, "year": list(mm.years),
            "pool": pools, "additions": additions, "carried_in": carried_in,
            "available": pools + additions + carried_in, "allocated": alloc.sum(axis=1), "unused": u,
            "carried_out": np.concatenate([c * u[:-1], [0.0]]), "lapsed": lapsed}))
        track_summaries.append(TrackSummary(
            track=tr.key, resource=tr.resource, unit=tr.unit, pool_total=float(pools.sum()),
            additions=float(additions.sum()), allocated=float(alloc.sum()), unused_end=float(u[-1]),
            lapsed=float(lapsed.sum()), carry_over=c, carry_over_source=tr.carry_over_source, model_unit=tr.sigma,
            exact=tr.exact, empty_years=list(tr.empty_years)))

    per_year = resource_objectives(mm, primary.x)
    total = discounted(mm, per_year)
    d = [(1.0 + mm.periods.discount_rate) ** -(t - mm.years[0]) for t in mm.years]
    objectives = pd.DataFrame([{"resource": r, "year": t, "objective": float(v), "unit": mm.objective_units[r],
                                "discount": dk} for r, vals in per_year.items()
                               for t, v, dk in zip(mm.years, vals, d, strict=True)])
    T_txt = f", summed over {T} year{'s' if T > 1 else ''}" + (
        f" discounted at {mm.periods.discount_rate:.4g}/yr" if mm.periods.discount_rate else "")
    res_obj = [ResourceObjective(resource=r, kind=_objective_kind(mm.instance, r), value=total[r],
                                 unit=mm.objective_units[r] + T_txt, weight=mm.weights[r], normaliser=mm.norms[r])
               for r in mm.resources]
    one = res_obj[0] if len(res_obj) == 1 else None
    notes = list(mm.notes)
    if mm.coupled:
        notes.append("growth targets draw on several resources: each resource's objective counts by the share of "
                     "its own optimum it reaches (" + ", ".join(f"{o.resource} {o.value:,.6g} of {o.normaliser:,.6g}"
                                                                 for o in res_obj) + ")")
    viol = [max(r.max_bound_violation, r.max_row_violation, r.max_integrality_violation)
            for r in (solution.check, primary.check) if r]
    summary = MultiPeriodSummary(
        instance=mm.instance.name, resource="multi-period: " + ", ".join(mm.resources), resources=list(mm.resources),
        synthetic=mm.instance.metadata.synthetic, status=solution.status.value,
        objective=one.value if one else None, objective_kind=one.kind if one else "per resource",
        objective_unit=one.unit if one else "see objectives", objectives=res_obj, pools=track_summaries,
        coupled=mm.coupled, backend=solution.backend,
        runtime_s=solution.runtime + (primary.runtime if primary is not solution else 0.0) + extra_runtime,
        mip_gap=solution.mip_gap, years=list(mm.years), zones=n, discount_rate=mm.periods.discount_rate,
        money_unit=MONEY_LABEL[mm.instance.units.money], management_applied=mm.management is not None,
        secondary_objective=secondary,
        secondary_objective_unit=(f"{_tie_unit(mm)}, summed over the years" if secondary is not None else None),
        check_max_violation=max(viol) if viol else None, notes=notes, warnings=list(warnings),
    )
    return MultiPeriodPlan(summary, pd.concat(cell_parts, ignore_index=True),
                           pd.concat(year_parts, ignore_index=True), objectives, _target_table(mm, x), bindings,
                           mm.management)


def _tie_unit(mm: MultiPeriodModel) -> str:
    from zoneopt.evaluation.indicators import objective_unit

    lm = mm.parts_of("land")[0].built
    return objective_unit(mm.instance.objective.weight, mm.instance) if lm.weights is not None else "mu allocated"


def _target_table(mm: MultiPeriodModel, x: FloatArray) -> pd.DataFrame:
    """Per growth-target row: base, organic, required and achieved levels, slack, rates, and
    the tracks driving it."""
    cols = ["rule", "source", "metric", "scope", "year", "years_since_base", "base", "organic", "required", "achieved",
            "slack", "required_rate", "achieved_rate", "driven_by"]
    parts: list[pd.DataFrame] = []
    for g in mm.growth:  # a loop over target rows
        blk = mm.model.row_block(g.block)
        achieved = g.organic + (mm.model.A[blk.slice] @ x) * g.scale
        with np.errstate(divide="ignore", invalid="ignore"):
            rate = np.where(g.base > 0, (achieved / g.base) ** (1.0 / g.k) - 1.0, np.nan)
        scope = mm.zones.ids[g.zones].tolist() if g.zones.size else ["total"]
        parts.append(pd.DataFrame({
            "rule": g.rule, "source": g.target.source, "metric": g.target.metric, "scope": scope, "year": g.year,
            "years_since_base": g.k, "base": g.base, "organic": g.organic, "required": g.required,
            "achieved": achieved, "slack": achieved - g.required, "required_rate": g.target.rate,
            "achieved_rate": rate, "driven_by": "+".join(g.drivers)}))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=cols)


__all__ = ["MultiPeriodModel", "MultiPeriodPlan", "MultiPeriodSummary", "MultiPeriodRecord", "TrackSummary",
           "ResourceObjective", "YearModel", "Track", "TrackSettings", "GrowthRow", "RampSpec", "EffectSpec",
           "build_multi_period", "solve_multi_period", "plan_from_solution", "efficiency_stage", "ideal_norms",
           "stacked_objective", "with_norms", "resource_objectives", "discounted", "planned_resources", "year_pools",
           "resource_pools", "year_suffix", "COMBINED"]
