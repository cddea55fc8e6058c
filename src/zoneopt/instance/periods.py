"""The plan over years (2021–2025): each year's pools and rules, ramps, effects and growth
targets, for land and for each pollutant's allowances and the funds (models/multi-period.md)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import Field, field_validator, model_validator

from zoneopt.instance.common import Array, Ident, Int, NonNeg, Positive, Share, _consecutive, _Rule, _Strict
from zoneopt.instance.rules import FundRule, Rule
from zoneopt.instance.targets import Industries, PeriodTarget, TargetScope
from zoneopt.instance.zones import Selector

PLAN_YEARS: tuple[int, ...] = (2021, 2022, 2023, 2024, 2025)
"""The 14th five-year plan's years (2022 plan 第二章第四节: 到 2025 年末)."""

GrowthMetric = Ident
"""A zone figure a growth target or effect names: a built-in metric (value_added, tax, revenue,
rd_spending, …, land_area_mu) or one declared in the instance's ``metrics``."""


class Ramp(_Rule):
    """Year to year, a zone's land allocation changes by at most ``share`` × a base plus
    ``plus_mu``: |x_{i,t} − x_{i,t−1}| ≤ share · B_i + plus_mu, B_i the zone's allocation the
    year before (``of: "previous"``: then x_{i,t} lies within (1 ∓ share) · x_{i,t−1} ± plus_mu,
    so a zone at zero stays at zero unless ``plus_mu`` > 0), its land request (``"request"``) or
    its existing land (``"land_area"``). ``direction`` limits rises, falls or both.
    ``previous_mu`` gives allocations of the year before the first plan year, so those zones'
    first year is limited too."""

    type: Literal["ramp"] = "ramp"
    share: NonNeg
    of: Literal["previous", "request", "land_area"] = "previous"
    plus_mu: NonNeg = 0.0
    direction: Literal["both", "up", "down"] = "both"
    select: Selector = Field(default_factory=Selector)
    previous_mu: dict[Ident, NonNeg] = Field(default_factory=dict)


SMOOTHING_DEFAULT = 0.15
"""The smoothing penalty a track gets when its section states none (models/multi-period.md,
"Smoothing"): each unit of year-to-year change of a zone's allocation costs 15 % of the most one
unit of the resource earns the objective in a year. An assumption, chosen on the bundled
example (``henan-etdz-45-years``, ``benchmarks/smoothing.py``): at 0.05 eighteen zones' land
still rises and falls from year to year, at 0.1 eight, at 0.15 no zone's allocation of any
resource does; the land objective gives up 0.9 %, the allowances' 0.15 %, the funds' nothing."""


class Smoothing(_Strict):
    """An L1 penalty on year-to-year change: the plan's objective is charged
    ``penalty`` × κ × Σ_i Σ_{t>t₁} |x_{i,t} − x_{i,t−1}|, κ the most one unit of the resource
    (mu, t, money unit) earns the objective in one year (its largest objective coefficient per
    unit); 0 turns it off. Default :data:`SMOOTHING_DEFAULT` (an assumption). The penalty is
    reported apart: the plan's objective is the resource's own. A hard limit on change is a
    :class:`Ramp` (``ramps``)."""

    penalty: NonNeg = SMOOTHING_DEFAULT
    source: str | None = None
    note: str | None = None


class Effect(_Strict):
    """How a zone figure responds to new land: each mu allocated in year s adds ``per_mu``
    (money unit per mu per year) to the zone's ``metric`` from year s + ``lag`` on; the figure
    the zone has now grows by ``organic_growth`` a year without new land. ``per_mu`` is a
    number, or an indicator name (default ``"<metric>_per_mu"``: new land yields what the
    zone's existing land yields per mu)."""

    metric: GrowthMetric
    per_mu: NonNeg | str | None = None
    lag: Int = Field(1, ge=0, le=50)
    organic_growth: float = Field(0.0, ge=-1)
    source: str | None = None


class GrowthTarget(_Rule):
    """The selected zones' ``metric`` grows by at least ``rate`` a year on average (2022 专栏一:
    生产总值年均增速 7.5%): its level in the last plan year is at least (1 + rate)^k times its
    level in the base year, k years later; with ``each_year`` in every plan year. ``per``:
    the selected zones together (``"total"``) or each one (``"zone"``). Levels follow the
    figures' :class:`Effect`. ``per: "mean"``: the selected zones' growth factors on average
    (Σ_i level_i / base_i ≥ n (1 + rate)^k). ``year``: the year it is due (default the last);
    ``hard: false`` makes it soft (models/targets.md)."""

    type: Literal["growth"] = "growth"
    metric: GrowthMetric = "value_added"
    rate: float = Field(ge=-1)
    select: Selector = Field(default_factory=Selector)
    per: TargetScope = "total"
    each_year: bool = False
    year: Int | None = Field(None, description="the plan year it is due (default the last)")
    hard: bool | None = Field(None, description="false: soft, reported met or short (default true)")

    @property
    def is_hard(self) -> bool:
        return self.hard is not False


class PlanYear(_Strict):
    """One plan year's own settings: its land pool (``total_mu``), land returned to it
    (``additions_mu``: e.g. 盘活低效用地, 2017 §六(三)), and rules of that year only: ``rules``
    are added, or replace the base rule with the same id; ``drop_rules`` names base rules
    left out that year."""

    year: Int
    total_mu: Positive | None = None
    additions_mu: NonNeg = 0.0
    rules: Array[Rule] = ()
    drop_rules: Array[Ident] = ()


PlannedResource = Literal["land", "emissions", "funds"]

CARRY_OVER_DEFAULT: dict[str, float] = {"land": 0.0, "emissions": 0.0, "funds": 1.0}
"""The carry-over share of each resource when the instance states none (models/multi-period.md):
land 0 (a year's quota, 年度计划指标, lapses unless the plan says otherwise); emission allowances
0 (tonnes per year of a yearly total-load budget, 总量控制: tonnage freed in one year and not
given out is not banked for the next); funds 1 (a standing fund, 投资发展基金 2017 §十(三): money
not disbursed stays in the fund)."""


class ResourceYear(_Strict):
    """One plan year's own settings for one pollutant's allowances (t/yr) or the fund budget
    (money unit): its pool ``total``, what is added to it that year (``additions``), and rules
    of that year only: ``rules`` are added, or replace the resource's base rule with the same
    id; ``drop_rules`` names base rules left out that year."""

    year: Int
    total: Positive | None = None
    additions: NonNeg = 0.0
    rules: Array[FundRule] = ()
    drop_rules: Array[Ident] = ()


class ResourceRamp(_Rule):
    """Year to year, a zone's allowance of a pollutant (t/yr) or its funds (money unit) change
    by at most ``share`` × a base plus ``plus``, as a land :class:`Ramp`: the base is the zone's
    allocation the year before (``of: "previous"``) or its request (``"request"``);
    ``previous`` gives allocations of the year before the first plan year."""

    type: Literal["ramp"] = "ramp"
    share: NonNeg
    of: Literal["previous", "request"] = "previous"
    plus: NonNeg = 0.0
    direction: Literal["both", "up", "down"] = "both"
    select: Selector = Field(default_factory=Selector)
    previous: dict[Ident, NonNeg] = Field(default_factory=dict)


class ResourceEffect(_Strict):
    """How a zone figure responds to a pollutant's allowances or to funds: each unit allocated
    in year s (a t/yr of allowance, a money unit of funds) adds ``per_unit`` (money unit per
    year) to the zone's ``metric`` from year s + ``lag`` on. ``per_unit`` is a number or an
    indicator name; for funds and the metric ``tax`` it defaults to the zone's fund request's
    expected tax per unit requested (``expected_tax / amount``), otherwise it must be given.
    The figure's organic growth is the land :class:`Effect`'s (``periods.effects``)."""

    metric: GrowthMetric
    per_unit: NonNeg | str | None = None
    lag: Int = Field(1, ge=0, le=50)
    source: str | None = None


class ResourcePeriods(_Strict):
    """One pollutant's allowances (t/yr) or the fund budget (money unit) over the plan years,
    as the land fields of :class:`Periods`: each year's pool is its :class:`ResourceYear`
    ``total``, else ``total`` × that year's ``split`` share (even by default), else the pool of
    ``pools`` (``total_t`` of the pollutant, the fund ``budget``), whose ``exact`` flag,
    tranche and source hold every year. ``carry_over``: the share of a year's unused pool
    available the next year (default :data:`CARRY_OVER_DEFAULT`). ``ramps`` limit
    year-to-year changes; ``cumulative_rules`` (the resource's rule types) bound each zone's
    total over the years; ``effects`` drive the growth targets of ``periods.growth``."""

    total: Positive | None = Field(None, description="the whole period's pool, t/yr summed over the years or money")
    split: Array[Share] | None = Field(None, description="each year's share of total (default even)")
    by_year: Array[ResourceYear] = ()
    carry_over: Share | None = Field(None, description="share of unused pool carried to the next year "
                                                       "(default: funds 1, emissions 0)")
    carry_over_source: str | None = None
    ramps: Array[ResourceRamp] = ()
    cumulative_rules: Array[FundRule] = ()
    effects: Array[ResourceEffect] = ()
    smoothing: Smoothing | None = Field(None, description="L1 penalty on year-to-year change (default "
                                                          "SMOOTHING_DEFAULT)")


def _check_pool_years(years: tuple[int, ...], total: float | None, split: tuple[float, ...] | None,
                      by_year: Sequence[int], total_name: str) -> None:
    """A pool over the years is consistent: a split divides a total, one share per year adding
    up to 1; each per-year entry names a plan year once."""
    if split is not None:
        if total is None:
            raise ValueError(f"split divides {total_name}: give {total_name} too")
        if len(split) != len(years):
            raise ValueError(f"split has {len(split)} shares for {len(years)} years")
        if abs(sum(split) - 1.0) > 1e-9:
            raise ValueError(f"split shares must add up to 1, got {sum(split):g}")
    seen: set[int] = set()
    for year in by_year:
        if year not in years:
            raise ValueError(f"by_year names year {year}, not a plan year {list(years)}")
        if year in seen:
            raise ValueError(f"by_year names year {year} twice")
        seen.add(year)


class Periods(_Strict):
    """The plan over several years (default 2021–2025, the 14th five-year plan): land, and the
    emission allowances (per pollutant) and funds the instance pools (``resources`` chooses).
    Each year's land pool: its :class:`PlanYear` ``total_mu``, else ``total_mu`` × that year's
    ``split`` share (even by default), else ``pools.land.total_mu`` (whose parcel size,
    ``exact`` flag and source hold every year). Unused land is carried to the next year in the
    share ``carry_over`` (0 none, 1 all). The base ``rules`` hold every year;
    ``cumulative_rules`` (the same rule types) bound each zone's total over the years; ``ramps``
    limit year-to-year changes and ``smoothing`` charges them (:class:`Smoothing`); ``growth``
    targets bound zone figures driven by the land through ``effects`` (and by allowances and
    funds through their own effects). Emission allowances (``emissions``, per pollutant) and
    funds (``funds``) have the same settings in a :class:`ResourcePeriods` each. The
    objective is each resource's, summed over the years and discounted at ``discount_rate``;
    when a growth target draws on several resources, each resource's objective counts by the
    share of its own optimum it reaches, times ``weights`` (default 1). With ``reclaim``, the
    land that dynamic management (``management``) frees joins the next year's pool and revoked
    zones get no more land, allowances or funds."""

    years: Array[Int] = Field(PLAN_YEARS, min_length=1, max_length=50)
    base_year: Int | None = Field(None, description="the year the zones' figures describe (default: the year "
                                                    "before the first plan year)")
    total_mu: Positive | None = Field(None, description="the whole period's land pool, mu")
    split: Array[Share] | None = Field(None, description="each year's share of total_mu (default even)")
    by_year: Array[PlanYear] = ()
    carry_over: Share = 0.0
    carry_over_source: str | None = None
    discount_rate: NonNeg = 0.0
    ramps: Array[Ramp] = ()
    smoothing: Smoothing | None = Field(None, description="land: L1 penalty on year-to-year change (default "
                                                          "SMOOTHING_DEFAULT)")
    cumulative_rules: Array[Rule] = ()
    effects: Array[Effect] = ()
    growth: Array[GrowthTarget] = ()
    targets: Array[PeriodTarget] | None = Field(
        None, description="level, share and count targets on any zone figure, and targets not modelled yet")
    industries: Industries | None = Field(None, description="the zone tags that are industries and each zone's "
                                                            "share in them, for cluster targets")
    reclaim: bool = True
    source: str | None = "2022 第二章第四节"
    resources: Array[PlannedResource] | None = Field(
        None, min_length=1, description="the resources to plan (default: every one pools gives)")
    emissions: dict[Ident, ResourcePeriods] = Field(default_factory=dict,
                                                    description="per pollutant: its allowances over the years")
    funds: ResourcePeriods | None = None
    weights: dict[PlannedResource, Positive] = Field(
        default_factory=dict, description="objective weight per resource when growth targets couple them (default 1)")

    @field_validator("years")
    @classmethod
    def _years(cls, v: tuple[int, ...]) -> tuple[int, ...]:
        return _consecutive(v)

    @model_validator(mode="after")
    def _consistent(self) -> Periods:
        _check_pool_years(self.years, self.total_mu, self.split, [y.year for y in self.by_year], "total_mu")
        if self.base_year is not None and self.base_year >= self.years[0]:
            raise ValueError(f"base_year {self.base_year} must come before the first plan year {self.years[0]}")
        sections: list[tuple[str, Sequence[Effect | ResourceEffect]]] = [("", self.effects)]
        for name, rp in [*((f"emissions.{k}.", v) for k, v in self.emissions.items()),
                         *((("funds.", self.funds),) if self.funds is not None else ())]:
            try:
                _check_pool_years(self.years, rp.total, rp.split, [y.year for y in rp.by_year], "total")
            except ValueError as exc:
                raise ValueError(f"{name[:-1]}: {exc}") from None
            sections.append((name, rp.effects))
        for name, effects in sections:
            metrics = [e.metric for e in effects]
            if len(set(metrics)) != len(metrics):
                raise ValueError(f"{name}effects: one effect per metric")
        for t in (*self.growth, *(t for t in self.targets or () if t.type != "not_modelled")):
            if t.year is not None and t.year not in self.years:
                raise ValueError(f"target {t.id!r}: year {t.year} is not a plan year {list(self.years)}")
        if self.resources is not None and len(set(self.resources)) != len(self.resources):
            raise ValueError("resources: name each resource once")
        return self
