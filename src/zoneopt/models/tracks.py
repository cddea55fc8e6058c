"""The tracks of the plan over years — land, each pollutant's allowances, the funds — and
their settings from the instance's ``periods`` section (``periods`` itself for land,
``periods.emissions.<k>`` for a pollutant, ``periods.funds`` for the funds): the pool and
additions of each year, carry-over, ramps, cumulative rules, effects on zone figures and each
year's own rules, smoothing. :class:`Track` adds where a track's allocations sit in the stacked model."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from zoneopt.core.model import VarBlock
from zoneopt.instance import (
    CARRY_OVER_DEFAULT,
    MONEY_LABEL,
    SMOOTHING_DEFAULT,
    Instance,
    Periods,
    PlannedResource,
    ResourcePeriods,
    Selector,
    Smoothing,
)
from zoneopt.models.emissions import total_rule
from zoneopt.models.funds import TOTAL_RULE as FUNDS_TOTAL_RULE
from zoneopt.models.land_quota import TOTAL_RULE
from zoneopt.plans import ManagementResult

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

RESOURCE_ORDER: tuple[PlannedResource, ...] = ("land", "emissions", "funds")
"""The resources the plan over years covers, in the order they are stacked."""


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
    smoothing: Smoothing | None = None
    """the section's smoothing as stated (None: the default penalty, :data:`SMOOTHING_DEFAULT`)."""

    @property
    def penalty(self) -> float:
        """The smoothing penalty share λ (:class:`~zoneopt.instance.Smoothing`)."""
        return self.smoothing.penalty if self.smoothing is not None else SMOOTHING_DEFAULT

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
    change: VarBlock | None = None
    """d_{i,t} ≥ |x_{i,t} − x_{i,t−1}| for the years after the first (zone-major within a
    year), in model units of :attr:`sigma`; None when the track is not smoothed."""

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
        tuple(RampSpec(r.id, r.cited, r.note, r.share, r.of, r.plus, r.direction, r.select, r.previous)
              for r in rp.ramps),
        tuple((f"{where}.cumulative_rules[{j}]", rule) for j, rule in enumerate(rp.cumulative_rules)),
        tuple(EffectSpec(e.metric, e.per_unit, e.lag, f"{where}.effects[{j}].per_unit")
              for j, e in enumerate(rp.effects)),
        {y.year: (tuple(y.rules), tuple(y.drop_rules)) for y in rp.by_year}, rp.smoothing)


def with_smoothing(instance: Instance, penalty: float, *, source: str | None = None) -> Instance:
    """``instance`` with the smoothing penalty ``penalty`` (:class:`~zoneopt.instance.Smoothing`;
    0 turns smoothing off) on every track the plan over years can plan: land, each pollutant
    of ``pools.emissions``, the funds. Raises pydantic's ``ValidationError`` for a negative
    penalty."""
    periods = instance.periods if instance.periods is not None else Periods()
    sm = Smoothing(penalty=penalty, source=source)
    emissions = {k: v.model_copy(update={"smoothing": sm}) for k, v in periods.emissions.items()}
    if instance.pools.emissions is not None:
        for k in instance.pools.emissions.pollutants:  # a loop over pollutants
            emissions.setdefault(k, ResourcePeriods(smoothing=sm))
    funds = (periods.funds if periods.funds is not None else ResourcePeriods()).model_copy(update={"smoothing": sm})
    new = periods.model_copy(update={"smoothing": sm, "emissions": emissions, "funds": funds})
    return instance.model_copy(update={"periods": new})


def track_settings(instance: Instance, periods: Periods, resources: Sequence[str],
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
            tuple(RampSpec(r.id, r.cited, r.note, r.share, r.of, r.plus_mu, r.direction, r.select, r.previous_mu)
                  for r in periods.ramps),
            tuple((f"periods.cumulative_rules[{j}]", rule) for j, rule in enumerate(periods.cumulative_rules)),
            tuple(EffectSpec(e.metric, e.per_mu, e.lag, f"periods.effects[{j}].per_mu")
                  for j, e in enumerate(periods.effects)),
            {y.year: (tuple(y.rules), tuple(y.drop_rules)) for y in periods.by_year}, periods.smoothing))
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


__all__ = ["TrackSettings", "Track", "with_smoothing", "RampSpec", "EffectSpec", "RESOURCE_ORDER",
           "track_settings", "planned_resources",
           "year_pools", "resource_pools"]
