"""The instance: zones, resource pools, the plan's rules and the objective, as pydantic v2 models.

Units are fixed per quantity and stated in :class:`Units`: land in mu (亩), energy in tonnes of
standard coal equivalent (tce), emissions in tonnes, money in the one unit the instance declares
(``units.money``: yuan, 万元 or 亿元; default 万元). Every flow (tax, value added, revenue, R&D,
energy, emissions) is per year.

Unknown fields are rejected everywhere, NaN and infinity are rejected, quantities are
non-negative and land areas positive. :func:`load`, :meth:`Instance.from_dict` and
:meth:`Instance.from_frames` always raise :class:`~zoneopt.errors.InstanceError` whose issues
name the JSON path at fault, e.g. ``zones[12].land_area_mu: must be > 0``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator, model_validator

from zoneopt.errors import InstanceError, Issue

Level = Literal["national", "provincial", "other"]
Kind = Literal["etdz", "hitech", "cluster", "bonded", "other"]
Grade = Literal["A", "B", "C", "D"]
GroupBy = Literal["city", "county", "level", "kind", "tag"]
MoneyUnit = Literal["yuan", "wan_yuan", "yi_yuan"]

NonNeg = Annotated[float, Field(ge=0)]
Positive = Annotated[float, Field(gt=0)]
Share = Annotated[float, Field(ge=0, le=1)]
Ident = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^\S(.*\S)?$")]

MONEY_LABEL: dict[str, str] = {"yuan": "yuan", "wan_yuan": "万元 (1e4 yuan)", "yi_yuan": "亿元 (1e8 yuan)"}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True,
                              str_strip_whitespace=False, validate_default=True)


class Units(_Strict):
    """Units of the instance. Land is always mu, energy tce, emissions tonnes; money is one
    stated unit for every money field (tax, value added, revenue, R&D spending)."""

    land: Literal["mu"] = "mu"
    money: MoneyUnit = "wan_yuan"
    energy: Literal["tce"] = "tce"
    emissions: Literal["t"] = "t"


class Metadata(_Strict):
    """Where the instance comes from. ``synthetic`` must be true for made-up data."""

    description: str = ""
    synthetic: bool = False
    source: str = ""
    region: str = ""
    year: int | None = None
    notes: str = ""


class Metrics(_Strict):
    """A zone's yearly figures. Optional: a model asks only for what it uses, and says which
    zone lacks it."""

    tax: NonNeg | None = Field(None, description="tax revenue per year, money unit")
    value_added: NonNeg | None = Field(None, description="value added (增加值) per year, money unit")
    revenue: NonNeg | None = Field(None, description="operating revenue (营业收入) per year, money unit")
    rd_spending: NonNeg | None = Field(None, description="R&D spending per year, money unit")
    energy_tce: NonNeg | None = Field(None, description="energy use per year, tce")
    employees: NonNeg | None = Field(None, description="employees (persons)")
    emissions_t: dict[Ident, NonNeg] = Field(default_factory=dict,
                                             description="emissions per pollutant per year, tonnes")
    energy_reduction_tce: NonNeg | None = Field(
        None, description="energy-stock reduction (能源消费存量削减量) achieved, tce per year (2017 §六(一))")


class FundRequest(_Strict):
    """A zone's request to the fund: the amount, the investment it would co-finance and the
    yearly tax that investment is expected to bring (all in the money unit)."""

    amount: NonNeg
    investment: NonNeg | None = Field(None, description="investment the fund would co-finance, money unit")
    expected_tax: NonNeg | None = Field(None, description="expected tax per year from that investment, money unit")


class Requests(_Strict):
    """What a zone asks for, per resource."""

    land_mu: NonNeg | None = Field(None, description="new construction land requested, mu")
    emissions_t: dict[Ident, NonNeg] = Field(default_factory=dict,
                                             description="emission allowances requested per pollutant, t/yr")
    funds: FundRequest | None = None


EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius (IUGG R1), km: great-circle distances between longitude/latitude points."""


class Location(_Strict):
    """Where a zone lies, for the consolidation model's distances (models/consolidation.md):
    longitude and latitude in degrees (WGS 84; the distance is the great-circle distance on a
    sphere of radius :data:`EARTH_RADIUS_KM`) or planar coordinates in km on a projected map
    (Euclidean distance). One or the other; every located zone of an instance uses the same."""

    lon: float | None = Field(None, ge=-180, le=180, description="longitude, degrees east")
    lat: float | None = Field(None, ge=-90, le=90, description="latitude, degrees north")
    x_km: float | None = Field(None, description="planar easting, km")
    y_km: float | None = Field(None, description="planar northing, km")

    @model_validator(mode="after")
    def _one_pair(self) -> Location:
        geo = (self.lon is not None) + (self.lat is not None)
        xy = (self.x_km is not None) + (self.y_km is not None)
        if geo and xy:
            raise ValueError("give lon/lat or x_km/y_km, not both")
        if geo == 1 or xy == 1 or geo + xy == 0:
            raise ValueError("give both lon and lat (degrees), or both x_km and y_km")
        return self

    @property
    def kind(self) -> Literal["lonlat", "xy"]:
        return "lonlat" if self.lon is not None else "xy"


class Zone(_Strict):
    """A development zone (开发区 / 产业集聚区)."""

    id: Ident
    name: str = ""
    city: Ident
    county: Ident | None = None
    level: Level = "provincial"
    kind: Kind = "etdz"
    tags: tuple[Ident, ...] = ()
    land_area_mu: Positive = Field(description="existing (built) land area, mu")
    metrics: Metrics = Field(default_factory=Metrics)
    grade: Grade | None = None
    score: float | None = Field(None, description="evaluation score, higher is better")
    requests: Requests = Field(default_factory=Requests)
    meets_env_standards: bool | None = Field(
        None, description="环保达标: meets the environmental standards (None: not assessed)")
    location: Location | None = Field(None, description="where the zone lies (consolidation distances)")


class LandPool(_Strict):
    """The new construction-land quota (新增建设用地指标) to split, in mu."""

    total_mu: Positive
    exact: bool = Field(False, description="allocate exactly total_mu (else at most)")
    parcel_mu: Positive | None = Field(None, description="allocate in whole multiples of this (a MIP)")
    source: str | None = "2017 §六(一)"


class Pools(_Strict):
    land: LandPool | None = None
    emissions: EmissionPools | None = None
    funds: FundPool | None = None


class Selector(_Strict):
    """Which zones a rule covers: those matching every given criterion (an empty selector
    matches every zone)."""

    zones: tuple[Ident, ...] | None = None
    cities: tuple[Ident, ...] | None = None
    counties: tuple[Ident, ...] | None = None
    levels: tuple[Level, ...] | None = None
    kinds: tuple[Kind, ...] | None = None
    tags: tuple[Ident, ...] | None = None
    grades: tuple[Grade, ...] | None = None
    meets_env_standards: bool | None = None


class _Rule(_Strict):
    id: Ident
    source: str | None = Field(None, description="the policy clause, e.g. '2017 §六(一)'")
    note: str | None = None


class ZoneBoundsRule(_Rule):
    """Per-zone floor and/or cap on the land allocated, in mu."""

    type: Literal["zone_bounds"]
    select: Selector = Field(default_factory=Selector)
    floor_mu: NonNeg | None = None
    cap_mu: NonNeg | None = None

    @model_validator(mode="after")
    def _one_bound(self) -> ZoneBoundsRule:
        if self.floor_mu is None and self.cap_mu is None:
            raise ValueError("give floor_mu, cap_mu or both")
        if self.floor_mu is not None and self.cap_mu is not None and self.floor_mu > self.cap_mu:
            raise ValueError(f"floor_mu {self.floor_mu:g} exceeds cap_mu {self.cap_mu:g}")
        return self


class RequestCapRule(_Rule):
    """No zone gets more than ``share`` × its land request. A selected zone with no request
    gets nothing under this rule (``missing: "zero"``) or is left uncapped (``"unlimited"``)."""

    type: Literal["request_cap"]
    select: Selector = Field(default_factory=Selector)
    share: Positive = 1.0
    missing: Literal["zero", "unlimited"] = "zero"


class GroupBoundsRule(_Rule):
    """Caps and floors on the land going to a group of zones (by city, county, level, kind or
    tag), in mu or as a share. ``groups`` lists which group values are bounded (default: every
    value present); with ``combined`` the listed groups are bounded together, else each one.
    Shares are of the pool total (``share_of: "pool"``) or of the land actually allocated
    (``"allocated"``). Amounts may be one number or a mapping group value → number."""

    type: Literal["group_bounds"]
    by: GroupBy
    groups: tuple[Ident, ...] | None = None
    combined: bool = False
    cap_mu: NonNeg | dict[Ident, NonNeg] | None = None
    floor_mu: NonNeg | dict[Ident, NonNeg] | None = None
    cap_share: Share | None = None
    floor_share: Share | None = None
    share_of: Literal["pool", "allocated"] = "pool"

    @model_validator(mode="after")
    def _some_bound(self) -> GroupBoundsRule:
        _check_group_bounds(self.cap_mu, self.floor_mu, self.cap_share, self.floor_share, self.combined, "_mu")
        return self


def _check_group_bounds(cap: Any, floor: Any, cap_share: float | None, floor_share: float | None,
                        combined: bool, suffix: str) -> None:
    """A group rule gives some bound, and a combined group one amount (``suffix``: ``_mu`` for
    land, empty for the other resources)."""
    if all(v is None for v in (cap, floor, cap_share, floor_share)):
        raise ValueError(f"give at least one of cap{suffix}, floor{suffix}, cap_share, floor_share")
    if combined and (isinstance(cap, dict) or isinstance(floor, dict)):
        raise ValueError("a combined group takes one amount, not a mapping")


class ExcludeRule(_Rule):
    """The selected zones get nothing (e.g. grade D; zones failing environmental standards)."""

    type: Literal["exclude"]
    select: Selector


class TiltRule(_Rule):
    """Allocation per mu of existing land is non-decreasing in ``by`` (2017 §六(一): 向节约集约
    用地好的倾斜): a zone with a higher score never gets less new land per existing mu than a zone
    with a lower one. Zones with equal scores are not ordered among themselves. ``by`` is
    ``"score"``, ``"grade"`` (A > B > C > D) or an indicator name (see
    :data:`zoneopt.evaluation.indicators.INDICATORS`). Zones excluded by an ``exclude`` rule are left out
    of the ordering unless ``include_excluded``."""

    type: Literal["tilt"]
    by: str = "score"
    select: Selector = Field(default_factory=Selector)
    per: Literal["land_area", "zone"] = "land_area"
    include_excluded: bool = False


class LockRule(_Rule):
    """Fix zones' allocations to given values, mu."""

    type: Literal["lock"]
    values_mu: dict[Ident, NonNeg] = Field(min_length=1)


Rule = Annotated[
    ZoneBoundsRule | RequestCapRule | GroupBoundsRule | ExcludeRule | TiltRule | LockRule,
    Field(discriminator="type"),
]


# -- emission allowances, funds and projects ---------------------------------------------------
# Their rules live with their pool (``pools.emissions.rules`` for every pollutant,
# ``pools.emissions.pollutants.<k>.rules`` for one, ``pools.funds.rules``) or with the portfolio
# (``portfolio.rules``), so ``rules`` stays the land rules. Amounts are in the resource's unit:
# t/yr for emission allowances, the money unit for funds. The mathematics and clauses are in
# models/emissions.md, models/funds.md and models/portfolio.md.

POLLUTANTS: tuple[str, ...] = ("SO2", "NOx", "COD", "NH3-N", "VOCs", "PM")
"""The usual pollutants (二氧化硫, 氮氧化物, 化学需氧量, 氨氮, 挥发性有机物, 颗粒物); the list is not closed:
an instance's pools name the pollutants it allocates."""


class ZoneBounds(_Rule):
    """Per-zone floor and/or cap on an emission allowance (t/yr) or on funds (money unit)."""

    type: Literal["zone_bounds"]
    select: Selector = Field(default_factory=Selector)
    floor: NonNeg | None = None
    cap: NonNeg | None = None

    @model_validator(mode="after")
    def _one_bound(self) -> ZoneBounds:
        if self.floor is None and self.cap is None:
            raise ValueError("give floor, cap or both")
        if self.floor is not None and self.cap is not None and self.floor > self.cap:
            raise ValueError(f"floor {self.floor:g} exceeds cap {self.cap:g}")
        return self


class GroupBounds(_Rule):
    """Caps and floors on what a group of zones gets of an emission allowance (t/yr) or of the
    funds (money unit), as for land (:class:`GroupBoundsRule`): e.g. a city's environmental
    capacity for a pollutant (``by: "city"``, ``cap`` a mapping city → t), a share cap for the
    air-pollution corridor cities (``by: "tag"``, ``groups: ["corridor"]``, ``cap_share``), a
    regional floor of the funds."""

    type: Literal["group_bounds"]
    by: GroupBy
    groups: tuple[Ident, ...] | None = None
    combined: bool = False
    cap: NonNeg | dict[Ident, NonNeg] | None = None
    floor: NonNeg | dict[Ident, NonNeg] | None = None
    cap_share: Share | None = None
    floor_share: Share | None = None
    share_of: Literal["pool", "allocated"] = "pool"

    @model_validator(mode="after")
    def _some_bound(self) -> GroupBounds:
        _check_group_bounds(self.cap, self.floor, self.cap_share, self.floor_share, self.combined, "")
        return self


class Lock(_Rule):
    """Fix zones' allocations (t/yr or money unit): a decision already taken."""

    type: Literal["lock"]
    values: dict[Ident, NonNeg] = Field(min_length=1)


class LeverageCap(_Rule):
    """Fund ≤ ``alpha`` × the investment it co-finances (2022 第三章 专栏二: 发挥政府性资金的引导和杠杆
    作用): per zone (the investment of its fund request) or per project (the project's
    investment; applies in the portfolio)."""

    type: Literal["leverage_cap"]
    alpha: Positive
    per: Literal["zone", "project"] = "zone"
    select: Selector = Field(default_factory=Selector)


ResourceRule = Annotated[
    ZoneBounds | RequestCapRule | GroupBounds | ExcludeRule | TiltRule | Lock,
    Field(discriminator="type"),
]
FundRule = Annotated[
    ZoneBounds | RequestCapRule | GroupBounds | ExcludeRule | TiltRule | Lock | LeverageCap,
    Field(discriminator="type"),
]


class PollutantPool(_Strict):
    """One pollutant's allowances freed by regional reduction (区域减排腾出的排污指标), t/yr, and
    the rules for this pollutant only."""

    total_t: Positive
    exact: bool = Field(False, description="allocate exactly total_t (else at most)")
    rules: tuple[ResourceRule, ...] = ()
    source: str | None = "2017 §六(一)"


class EmissionObjective(_Strict):
    """How emission allowances are split (models/emissions.md).

    * ``priority``: maximise Σ_k π_k Σ_i w_i x_ik / Q_k, w = indicator ``weight`` (default the
      energy-stock reduction, 2017 §六(一): 优先分配给能源消费存量削减量大的产业集聚区), π_k the
      ``pollutant_weights`` (default 1), Q_k the pool.
    * ``zsg_dea``: the zero-sum-gains DEA reallocation (Lins et al. 2003; Gomes & Lins 2008):
      a fixed total of each pollutant (the pool, shared in proportion to current emissions, or
      the current emissions themselves: ``dea_start``) is moved between zones until every zone
      is on the DEA frontier of ``dea_inputs`` + the allowance → ``dea_outputs``. Rules do not
      apply to this formula.
    """

    kind: Literal["priority", "zsg_dea"] = "priority"
    weight: str = "energy_reduction_tce"
    pollutant_weights: dict[Ident, NonNeg] = Field(default_factory=dict)
    dea_inputs: tuple[str, ...] = ("land_area_mu", "energy_tce")
    dea_outputs: tuple[str, ...] = Field(("value_added",), min_length=1)
    dea_start: Literal["pool", "current"] = "pool"
    max_iterations: int = Field(200, ge=1, le=100_000)


class EmissionPools(_Strict):
    """Emission allowances per pollutant (``pollutants``: name → pool; any names, usually
    those of :data:`POLLUTANTS`), the rules for every pollutant, and the objective."""

    pollutants: dict[Ident, PollutantPool] = Field(min_length=1)
    rules: tuple[ResourceRule, ...] = ()
    objective: EmissionObjective = Field(default_factory=EmissionObjective)


class FundObjective(_Strict):
    """What the fund maximises (models/funds.md), each term × the sector priority:

    * ``leverage``: investment co-financed, Σ f_i · I_i / R_i (request R, its investment I);
    * ``tax``: expected tax, Σ f_i · T_i / R_i (T the request's expected tax);
    * ``score``: score-weighted funds, Σ s_i f_i, s = indicator ``weight``.
    """

    kind: Literal["leverage", "tax", "score"] = "leverage"
    weight: str = "score"


class FundPool(_Strict):
    """The year's fund budget to disburse (产业集聚区投资发展基金, 产业发展引导基金: 2017 §十(三),
    2022 第三章 专栏二), money unit; whole ``tranche`` multiples make a MIP. ``sector_priority``
    weights the objective by sector (a zone's sector tags, a project's sector; default 1);
    ``emerging_priority`` gives that weight to each of the ten emerging manufacturing fields
    of 2017 §四(二) not listed in ``sector_priority``."""

    budget: Positive
    exact: bool = Field(False, description="disburse exactly the budget (else at most)")
    tranche: Positive | None = Field(None, description="disburse in whole multiples of this (a MIP)")
    sector_priority: dict[Ident, NonNeg] = Field(default_factory=dict)
    emerging_priority: NonNeg | None = None
    rules: tuple[FundRule, ...] = ()
    objective: FundObjective = Field(default_factory=FundObjective)
    source: str | None = "2017 §十(三)"


class Project(_Strict):
    """A project (项目为王, 2022 第二章) in a zone: what it needs (land, emission allowances per
    pollutant, funds) and what it brings (investment, yearly tax and revenue), money unit."""

    id: Ident
    name: str = ""
    zone: Ident
    sector: Ident | None = None
    tags: tuple[Ident, ...] = ()
    land_mu: NonNeg = 0.0
    emissions_t: dict[Ident, NonNeg] = Field(default_factory=dict)
    fund: NonNeg = Field(0.0, description="fund requested, money unit")
    investment: NonNeg = Field(0.0, description="total investment, money unit")
    tax: NonNeg = Field(0.0, description="expected tax per year once running, money unit")
    revenue: NonNeg = Field(0.0, description="expected revenue (营业收入) per year once running, money unit")
    leading: bool = Field(False, description="in the zone's leading industry (主导产业)")
    industrial: bool = Field(True, description="an industrial project (counts in 工业投资)")


class ProjectSelector(_Strict):
    """Which projects: those matching every given criterion (empty: every project).
    ``emerging``: the sector is one of the ten emerging fields of 2017 §四(二)."""

    projects: tuple[Ident, ...] | None = None
    zones: tuple[Ident, ...] | None = None
    sectors: tuple[Ident, ...] | None = None
    tags: tuple[Ident, ...] | None = None
    leading: bool | None = None
    industrial: bool | None = None
    emerging: bool | None = None


class CountTarget(_Rule):
    """At least ``at_least`` of the selected zones have ``metric`` ≥ ``threshold`` (money unit
    per year) once the chosen projects run: the zone's current figure plus its chosen projects'
    (2022 专栏一: 营业收入超千亿元经开区 6 个以上, 超 500 亿元 15 个以上)."""

    type: Literal["count_target"]
    metric: Literal["revenue", "tax"] = "revenue"
    threshold: Positive
    at_least: int = Field(ge=0)
    select: Selector = Field(default_factory=Selector)


class ShareTarget(_Rule):
    """``quantity`` of the chosen ``numerator`` projects (+ ``base_numerator``) is at least
    ``min_share`` (at most ``max_share``) of that of the chosen ``denominator`` projects
    (+ ``base_denominator``), e.g. 2022 专栏一: 主导产业投资占工业投资比重 70% 以上."""

    type: Literal["share_target"]
    quantity: Literal["investment", "fund", "land_mu", "tax", "revenue"] = "investment"
    numerator: ProjectSelector
    denominator: ProjectSelector = Field(default_factory=ProjectSelector)
    min_share: Share | None = None
    max_share: Share | None = None
    base_numerator: NonNeg = 0.0
    base_denominator: NonNeg = 0.0

    @model_validator(mode="after")
    def _some_share(self) -> ShareTarget:
        if self.min_share is None and self.max_share is None:
            raise ValueError("give min_share, max_share or both")
        if self.min_share is not None and self.max_share is not None and self.min_share > self.max_share:
            raise ValueError(f"min_share {self.min_share:g} exceeds max_share {self.max_share:g}")
        return self


PortfolioRule = Annotated[CountTarget | ShareTarget, Field(discriminator="type")]
PortfolioTerm = Literal["tax", "investment", "score"]


class PortfolioObjective(_Strict):
    """What the portfolio maximises (models/portfolio.md): ``tax`` Σ tax_p y_p,
    ``investment`` Σ I_p y_p, ``score`` Σ s_z(p) I_p y_p (s = indicator ``weight`` of the
    project's zone), or ``blend``: Σ_t α_t · term_t / N_t with N_t from ``normalisers`` (default:
    the term with every project chosen); each project's term × its sector priority
    (``pools.funds.sector_priority``)."""

    kind: Literal["tax", "investment", "score", "blend"] = "tax"
    weight: str = "score"
    blend: dict[PortfolioTerm, NonNeg] | None = None
    normalisers: dict[PortfolioTerm, Positive] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _blend_weights(self) -> PortfolioObjective:
        if self.kind == "blend" and (not self.blend or sum(self.blend.values()) <= 0):
            raise ValueError("kind 'blend' needs blend weights, e.g. {\"tax\": 1, \"investment\": 1}")
        return self


class Portfolio(_Strict):
    """How projects are chosen: binary (all or nothing), or with ``partial_funding`` a chosen
    project may get from ``min_fund_share`` to all of its fund request; the count and share
    targets; the objective."""

    partial_funding: bool = False
    min_fund_share: Share = 0.5
    rules: tuple[PortfolioRule, ...] = ()
    objective: PortfolioObjective = Field(default_factory=PortfolioObjective)


Pools.model_rebuild()


class Objective(_Strict):
    """What the land plan optimises.

    * ``efficiency``: maximise Σ w_i x_i, w_i = indicator ``weight`` (default 亩均税收, tax per
      mu of existing land): expected yearly money from the new land.
    * ``equity``: maximise the smallest fulfilment x_i / request_i over zones that requested
      land and are not excluded; ties are then broken by efficiency (lexicographic).
    * ``baseline``: minimise Σ |x_i − b_i|, b_i = total × s_i / Σ s (the spreadsheet formula,
      s = indicator ``baseline_basis``, default the evaluation score).
    * ``blend``: maximise the weighted sum of the three, each normalised to about [0, 1]
      (efficiency / (max w · total), min fulfilment, −deviation / total); ``blend`` gives the
      weights.
    """

    kind: Literal["efficiency", "equity", "baseline", "blend"] = "efficiency"
    weight: str = "tax_per_mu"
    baseline_basis: str = "score"
    blend: dict[Literal["efficiency", "equity", "baseline"], NonNeg] | None = None

    @model_validator(mode="after")
    def _blend_weights(self) -> Objective:
        if self.kind == "blend" and (not self.blend or sum(self.blend.values()) <= 0):
            raise ValueError("kind 'blend' needs blend weights, e.g. {\"efficiency\": 1, \"equity\": 1}")
        return self


class Enterprise(_Strict):
    """An enterprise (企业) in a zone, for enterprise-level evaluation (亩均效益评价 is done per
    firm in county practice, then summed up to zones)."""

    id: Ident
    name: str = ""
    zone: Ident = Field(description="id of the zone the enterprise is in")
    sector: str | None = None
    land_area_mu: Positive = Field(description="land the enterprise uses, mu")
    metrics: Metrics = Field(default_factory=Metrics)


GroupField = Literal["city", "county", "level", "kind"]
DEFAULT_GRADE_SHARES: dict[Grade, float] = {"A": 0.2, "B": 0.4, "C": 0.35, "D": 0.05}


class Criterion(_Strict):
    """One criterion of an evaluation: an indicator by name (``of``: a name of
    :data:`zoneopt.evaluation.indicators.INDICATORS`, or a metric), or a user-defined ratio of two metrics
    (``of`` / ``per``), e.g. ``{"name": "亩均税收", "of": "tax", "per": "land_area_mu"}``.
    Metrics: ``land_area_mu, tax, value_added, revenue, rd_spending, energy_tce, employees,
    emissions`` (pollutant-weighted total, tonnes) and ``emissions.<pollutant>``."""

    name: Ident
    of: str
    per: str | None = None
    direction: Literal["benefit", "cost"] = "benefit"
    benchmark: Positive | None = Field(None, description="for benchmark normalisation: value / benchmark")
    cap: Positive | None = Field(None, description="cap on value / benchmark (benchmark normalisation)")
    weight: NonNeg | None = Field(None, description="fixed weight or points (weighting.method fixed)")


class Weighting(_Strict):
    """How criteria are weighted: ``fixed`` (each criterion's ``weight``), ``entropy``,
    ``critic``, ``stdev``, ``ahp`` (from ``pairwise``, criteria order; refused when the
    consistency ratio exceeds 0.1 unless ``allow_inconsistent``), or ``combined``: α ×
    subjective (fixed or AHP) + (1 − α) × objective (entropy, CRITIC or stdev)."""

    method: Literal["fixed", "entropy", "critic", "stdev", "ahp", "combined"] = "entropy"
    pairwise: tuple[tuple[Positive, ...], ...] | None = None
    allow_inconsistent: bool = False
    subjective: Literal["fixed", "ahp"] = "ahp"
    objective: Literal["entropy", "critic", "stdev"] = "entropy"
    alpha: Share = 0.5

    @model_validator(mode="after")
    def _needs_matrix(self) -> Weighting:
        uses_ahp = self.method == "ahp" or (self.method == "combined" and self.subjective == "ahp")
        if uses_ahp and self.pairwise is None:
            raise ValueError("AHP weights need the pairwise comparison matrix 'pairwise'")
        return self


class DEASettings(_Strict):
    """DEA efficiency as the score: inputs and outputs are metric names (as in
    :class:`Criterion`); ``bad_outputs`` (undesirable outputs such as emissions) need
    ``model: "sbm"``. Efficient units are ranked by super-efficiency when asked."""

    model: Literal["ccr", "bcc", "sbm"] = "ccr"
    orientation: Literal["input", "output"] = "input"
    returns: Literal["constant", "variable"] = Field("constant", description="returns to scale, for sbm")
    inputs: tuple[str, ...] = Field(min_length=1)
    outputs: tuple[str, ...] = Field(min_length=1)
    bad_outputs: tuple[str, ...] = ()
    super_efficiency: bool = True

    @model_validator(mode="after")
    def _bad_needs_sbm(self) -> DEASettings:
        if self.bad_outputs and self.model != "sbm":
            raise ValueError("bad_outputs (undesirable outputs) need model 'sbm'")
        return self


class Grading(_Strict):
    """A/B/C/D grades: by quantile ``shares`` of the units (default top 20% A, next 40% B, next
    35% C, bottom 5% D) or by score ``thresholds`` (lowest score for A, B and C); within each
    group (``within`` city, county, level or kind) when given. Equal scores share a grade."""

    method: Literal["quantile", "threshold"] = "quantile"
    shares: dict[Grade, Share] = Field(default_factory=lambda: dict(DEFAULT_GRADE_SHARES))
    thresholds: dict[Literal["A", "B", "C"], float] | None = None
    within: GroupField | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Grading:
        if self.method == "quantile" and abs(sum(self.shares.values()) - 1.0) > 1e-9:
            raise ValueError(f"grade shares must add up to 1, got {sum(self.shares.values()):g}")
        if self.method == "threshold" and (self.thresholds is None or set(self.thresholds) != {"A", "B", "C"}):
            raise ValueError("threshold grading needs thresholds for A, B and C")
        return self


class Evaluation(_Strict):
    """An evaluation (评价) of the zones, or of the enterprises summed up to zones: criteria,
    normalisation, weights and aggregation (``weighted_sum`` or ``topsis``), or DEA efficiency
    (``method: "dea"``); then grades. ``assign`` writes the result into the zones' ``score``
    and/or ``grade`` before any model is built, so every rule and objective that reads them
    uses this evaluation; any rule or objective can also name the result directly
    (``"<id>"`` for the score, ``"<id>.grade"`` for the grade rank). Formulas and sources:
    ``models/evaluation.md``."""

    id: Ident
    source: str | None = "2017 §六(一)"
    note: str | None = None
    units: Literal["zones", "enterprises"] = "zones"
    preset: Literal["huangyan-2022"] | None = Field(
        None, description="a published formula: criteria, benchmarks and points fixed (see models/evaluation.md)")
    criteria: tuple[Criterion, ...] = ()
    normalise: Literal["minmax", "vector", "zscore", "benchmark"] = "minmax"
    weighting: Weighting = Field(default_factory=Weighting)
    method: Literal["weighted_sum", "topsis", "dea"] = "weighted_sum"
    dea: DEASettings | None = None
    pollutant_weights: dict[Ident, NonNeg] = Field(
        default_factory=dict, description="weights of pollutants in the 'emissions' metric (default 1 each)")
    missing: Literal["exclude", "median", "mean", "worst"] = Field(
        "exclude", description="a unit lacking a criterion: left unscored, given the (group) median or mean "
                               "of the units that have it, or the worst value")
    impute_within: GroupField | None = Field(None, description="group for median/mean imputation (default all units)")
    zone_score: Literal["land", "revenue"] = Field(
        "land", description="enterprise scores to zone scores: weighted by land or by revenue")
    grading: Grading = Field(default_factory=Grading)
    assign: tuple[Literal["score", "grade"], ...] = ()

    @model_validator(mode="after")
    def _complete(self) -> Evaluation:
        if self.method == "dea":
            if self.dea is None:
                raise ValueError("method 'dea' needs the 'dea' settings (inputs and outputs)")
        elif self.preset is None and not self.criteria:
            raise ValueError("give criteria, or a preset such as 'huangyan-2022'")
        if self.preset is not None and self.criteria:
            raise ValueError("a preset fixes the criteria: give one or the other")
        if len(set(self.assign)) != len(self.assign):
            raise ValueError("assign lists 'score' and 'grade' at most once each")
        return self


# -- consolidation (整合提升, 一区多园) ----------------------------------------------------------
# Settings of the consolidation model (models/consolidation.md): the zones are the parks to
# consolidate; each hosts (itself a zone), merges into a host as one of its blocks, or is revoked.


class Relatedness(_Strict):
    """When two parks' industries are related (产业关联, 2017 §二(一)), from their sector tags.

    * ``by: "tags"``: relatedness 1 when the two parks share a sector tag, else 0.
    * ``by: "matrix"``: the largest ``matrix[s][t]`` over a sector s of one park and t of the
      other; a sector with itself 1 unless the matrix says otherwise; a pair given once counts
      both ways (given both ways, the larger); a pair not given 0.

    ``sectors`` says which tags are sectors (default: every tag; list them when zones carry
    other tags such as ``corridor``). A merge needs relatedness ≥ ``min_relatedness``."""

    by: Literal["tags", "matrix"] = "tags"
    sectors: tuple[Ident, ...] | None = None
    matrix: dict[Ident, dict[Ident, Share]] = Field(default_factory=dict)
    min_relatedness: float = Field(0.5, gt=0, le=1, description="a merge needs at least this relatedness")

    @model_validator(mode="after")
    def _matrix_given(self) -> Relatedness:
        if self.by == "matrix" and not self.matrix:
            raise ValueError("by 'matrix' needs the sector relatedness matrix 'matrix'")
        return self


class DistanceEntry(_Strict):
    """The distance between two parks, km (either direction)."""

    a: Ident
    b: Ident
    km: NonNeg


DEFAULT_LEVEL_BONUS: dict[Level, float] = {"national": 0.5}
DEFAULT_GRADE_BONUS: dict[Grade, float] = {"A": 0.3, "B": 0.1}


class ConsolidationObjective(_Strict):
    """What the consolidation optimises (models/consolidation.md).

    * ``relatedness``: maximise, in points, Σ over merges p→h of
      ``relatedness_weight`` · rel(p, h) + ``score_weight`` · (s_h − s_p) / (s_max − s_min)
      − ``distance_weight`` · d(p, h) / ``max_distance_km``, plus for each host h
      ``host_weight`` + ``level_bonus[level_h]`` + ``grade_bonus[grade_h]`` (national and
      high-grade zones preferred as hosts, 2017 §二(一)), plus ``revoke_weight`` per revoked park.
    * ``min_zones``: minimise the number of zones left (hosts); with ``tie_break`` a second
      solve maximises the relatedness objective among the plans with that fewest number.
    """

    kind: Literal["relatedness", "min_zones"] = "relatedness"
    relatedness_weight: NonNeg = 1.0
    score_weight: NonNeg = 1.0
    distance_weight: NonNeg = 1.0
    level_bonus: dict[Level, float] = Field(default_factory=lambda: dict(DEFAULT_LEVEL_BONUS))
    grade_bonus: dict[Grade, float] = Field(default_factory=lambda: dict(DEFAULT_GRADE_BONUS))
    host_weight: float = 0.0
    revoke_weight: float = 0.0
    tie_break: bool = True


class Consolidation(_Strict):
    """Settings of the consolidation model (整合提升, 2017 §二(一)): which park may host, merge
    into which, or be revoked. Distances come from the zones' ``location`` or, when
    ``distances`` is given, from that table alone (a pair not listed is not near)."""

    source: str | None = "2017 §二(一)"
    max_distance_km: Positive = Field(30.0, description="merges only within this distance (区域邻近), km")
    distances: tuple[DistanceEntry, ...] | None = None
    max_blocks: int = Field(3, ge=1, description="blocks per host, itself included (一区多园 一般不超过3块)")
    relatedness: Relatedness = Field(default_factory=Relatedness)
    hosts: Selector | None = Field(None, description="parks that may host (default: any)")
    keep_hosts: Selector | None = Field(None, description="parks that must stay zones (hosts), e.g. national")
    county_cap: int = Field(1, ge=1, description="hosts per county (原则上每个县设立1家)")
    county_exceptions: dict[Ident, Annotated[int, Field(ge=1)]] = Field(
        default_factory=dict, description="county → its own cap on hosts (the stated exceptions)")
    county_floor: bool = Field(True, description="a county keeps a host of its own unless all its parks "
                                                 "are revoked (counties where no park may host excepted)")
    revocable: tuple[Selector, ...] = Field((), description="a park matching any of these may be revoked")
    revoke_score_below: float | None = Field(None, description="a park scoring below this may be revoked")
    score: str = Field("score", description="indicator for the score gained and the revocation threshold")
    max_zones: int | None = Field(None, ge=0, description="at most this many zones (hosts) in all")
    objective: ConsolidationObjective = Field(default_factory=ConsolidationObjective)


class Scenario(_Strict):
    """A named variant of the instance (what-if): the base with some pools, rules or the
    objective overridden. Applied by :func:`zoneopt.analysis.scenarios.apply_scenario`; an applied
    scenario is validated like any instance, so its errors name ``scenarios[k]...``."""

    id: Ident
    description: str = ""
    pools: Pools | None = Field(None, description="replaces each pool it gives (the others stay)")
    rules: tuple[Rule, ...] = Field((), description="added, or replacing the base rule with the same id")
    drop_rules: tuple[Ident, ...] = Field((), description="ids of base rules left out")
    objective: Objective | None = Field(None, description="replaces the objective")


# -- the plan over years (2021–2025) and dynamic management (有升有退) ---------------------------
# The mathematics and the clauses are in models/multi-period.md and models/dynamic-management.md.

PLAN_YEARS: tuple[int, ...] = (2021, 2022, 2023, 2024, 2025)
"""The 14th five-year plan's years (2022 plan 第二章第四节: 到 2025 年末)."""

GrowthMetric = Literal["value_added", "tax", "revenue"]


def _consecutive(years: tuple[int, ...]) -> tuple[int, ...]:
    if any(b != a + 1 for a, b in zip(years, years[1:], strict=False)):
        raise ValueError(f"years must be consecutive and increasing, got {list(years)}")
    return years


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


class Effect(_Strict):
    """How a zone figure responds to new land: each mu allocated in year s adds ``per_mu``
    (money unit per mu per year) to the zone's ``metric`` from year s + ``lag`` on; the figure
    the zone has now grows by ``organic_growth`` a year without new land. ``per_mu`` is a
    number, or an indicator name (default ``"<metric>_per_mu"``: new land yields what the
    zone's existing land yields per mu)."""

    metric: GrowthMetric
    per_mu: NonNeg | str | None = None
    lag: int = Field(1, ge=0, le=50)
    organic_growth: float = Field(0.0, ge=-1)
    source: str | None = None


class GrowthTarget(_Rule):
    """The selected zones' ``metric`` grows by at least ``rate`` a year on average (2022 专栏一:
    生产总值年均增速 7.5%): its level in the last plan year is at least (1 + rate)^k times its
    level in the base year, k years later; with ``each_year`` in every plan year. ``per``:
    the selected zones together (``"total"``) or each one (``"zone"``). Levels follow the
    figures' :class:`Effect`."""

    type: Literal["growth"] = "growth"
    metric: GrowthMetric = "value_added"
    rate: float = Field(ge=-1)
    select: Selector = Field(default_factory=Selector)
    per: Literal["total", "zone"] = "total"
    each_year: bool = False


class PlanYear(_Strict):
    """One plan year's own settings: its land pool (``total_mu``), land returned to it
    (``additions_mu``: e.g. 盘活低效用地, 2017 §六(三)), and rules of that year only: ``rules``
    are added, or replace the base rule with the same id; ``drop_rules`` names base rules
    left out that year."""

    year: int
    total_mu: Positive | None = None
    additions_mu: NonNeg = 0.0
    rules: tuple[Rule, ...] = ()
    drop_rules: tuple[Ident, ...] = ()


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

    year: int
    total: Positive | None = None
    additions: NonNeg = 0.0
    rules: tuple[FundRule, ...] = ()
    drop_rules: tuple[Ident, ...] = ()


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
    lag: int = Field(1, ge=0, le=50)
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
    split: tuple[Share, ...] | None = Field(None, description="each year's share of total (default even)")
    by_year: tuple[ResourceYear, ...] = ()
    carry_over: Share | None = Field(None, description="share of unused pool carried to the next year "
                                                       "(default: funds 1, emissions 0)")
    carry_over_source: str | None = None
    ramps: tuple[ResourceRamp, ...] = ()
    cumulative_rules: tuple[FundRule, ...] = ()
    effects: tuple[ResourceEffect, ...] = ()


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
    limit year-to-year changes; ``growth`` targets bound zone figures driven by the land
    through ``effects`` (and by allowances and funds through their own effects). Emission
    allowances (``emissions``, per pollutant) and funds (``funds``) have the same settings in a
    :class:`ResourcePeriods` each. The objective is each resource's, summed over the years and
    discounted at ``discount_rate``; when a growth target draws on several resources, each
    resource's objective counts by the share of its own optimum it reaches, times ``weights``
    (default 1). With ``reclaim``, the land that dynamic management (``management``) frees
    joins the next year's pool and revoked zones get no more land, allowances or funds."""

    years: tuple[int, ...] = Field(PLAN_YEARS, min_length=1, max_length=50)
    base_year: int | None = Field(None, description="the year the zones' figures describe (default: the year "
                                                    "before the first plan year)")
    total_mu: Positive | None = Field(None, description="the whole period's land pool, mu")
    split: tuple[Share, ...] | None = Field(None, description="each year's share of total_mu (default even)")
    by_year: tuple[PlanYear, ...] = ()
    carry_over: Share = 0.0
    carry_over_source: str | None = None
    discount_rate: NonNeg = 0.0
    ramps: tuple[Ramp, ...] = ()
    cumulative_rules: tuple[Rule, ...] = ()
    effects: tuple[Effect, ...] = ()
    growth: tuple[GrowthTarget, ...] = ()
    reclaim: bool = True
    source: str | None = "2022 第二章第四节"
    resources: tuple[PlannedResource, ...] | None = Field(
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
        if self.resources is not None and len(set(self.resources)) != len(self.resources):
            raise ValueError("resources: name each resource once")
        return self


class ScoreHistory(_Strict):
    """Evaluation results of past years (2022 第八章第三节: 按年度开展经开区综合考核评价): per zone, one
    score per year of ``years`` (null: not evaluated that year), optionally one grade."""

    years: tuple[int, ...] = Field(min_length=1, max_length=100)
    scores: dict[Ident, tuple[float | None, ...]]
    grades: dict[Ident, tuple[Grade | None, ...]] = Field(default_factory=dict)
    source: str | None = "2022 第八章第三节"

    @field_validator("years")
    @classmethod
    def _years(cls, v: tuple[int, ...]) -> tuple[int, ...]:
        return _consecutive(v)

    @model_validator(mode="after")
    def _lengths(self) -> ScoreHistory:
        n = len(self.years)
        for field, table in (("scores", self.scores), ("grades", self.grades)):
            for zid, values in table.items():
                if len(values) != n:
                    raise ValueError(f"{field}.{zid}: {len(values)} values for {n} years")
        return self


class ManagementUpgrade(_Rule):
    """Recommend upgrades (2017 §十(四): 对考核结果好的…优先考虑扩区、升级; 2022 第八章第三节: 对排名
    靠前的省级经开区优先推荐晋升国家级经开区): a selected zone that, in each of the last ``years``
    evaluations, ranked in the top ``top_rank`` (or top ``top_share``) and scored at least
    ``min_score``, and was never warned in them; at most ``per_year`` a year (and
    ``per_group`` per ``group_by`` value), the best mean score first. ``method``: the exact
    greedy selection, or the same selection as a MIP (the two agree)."""

    type: Literal["upgrade"] = "upgrade"
    select: Selector = Field(default_factory=lambda: Selector(levels=("provincial",)))
    top_rank: int | None = Field(None, ge=1)
    top_share: Share | None = None
    min_score: float | None = None
    years: int = Field(3, ge=1)
    per_year: int = Field(2, ge=0)
    group_by: GroupBy | None = None
    per_group: int | None = Field(None, ge=0)
    once: bool = True
    method: Literal["greedy", "mip"] = "greedy"
    source: str | None = "2017 §十(四); 2022 第八章第三节"

    @model_validator(mode="after")
    def _criterion(self) -> ManagementUpgrade:
        if self.top_rank is None and self.top_share is None and self.min_score is None:
            raise ValueError("give top_rank, top_share or min_score")
        if (self.group_by is None) != (self.per_group is None):
            raise ValueError("group_by and per_group go together")
        return self


class ManagementWarning(_Rule):
    """Warn (警告、通报、限期整改, 2017 §十(四); 约谈督导, 2022 第八章第三节) a selected zone whose year's
    evaluation ranks it in the bottom ``bottom_rank`` (or bottom ``bottom_share``), scores below
    ``below_score``, or grades it one of ``grades``: any one suffices."""

    type: Literal["warning"] = "warning"
    select: Selector = Field(default_factory=Selector)
    bottom_rank: int | None = Field(None, ge=1)
    bottom_share: Share | None = None
    below_score: float | None = None
    grades: tuple[Grade, ...] = ()
    source: str | None = "2017 §十(四); 2022 第八章第三节"

    @model_validator(mode="after")
    def _criterion(self) -> ManagementWarning:
        if self.bottom_rank is None and self.bottom_share is None and self.below_score is None and not self.grades:
            raise ValueError("give bottom_rank, bottom_share, below_score or grades")
        return self


class ManagementReduction(_Rule):
    """Reduce the area (核减面积, 2017 §十(四)) of a zone warned in ``after_years`` consecutive
    years: ``share`` of its land is cut, and ``returned_share`` of the cut land returns to the
    land pool (盘活低效用地, 2017 §六(三)). With ``no_new_land`` the zone gets no new land the
    next plan year (不支持其扩区)."""

    type: Literal["reduction"] = "reduction"
    after_years: int = Field(2, ge=1)
    share: Share
    returned_share: Share = 1.0
    no_new_land: bool = False
    source: str | None = "2017 §十(四); 2017 §六(三)"


class ManagementRevocation(_Rule):
    """Revoke (撤销, 2017 §十(四)) a zone warned in ``after_years`` consecutive years: it gets
    no decision and no land from then on, and ``freed_share`` of its land returns to the land
    pool (2017 §六(三))."""

    type: Literal["revocation"] = "revocation"
    after_years: int = Field(3, ge=1)
    freed_share: Share
    source: str | None = "2017 §十(四); 2017 §六(三)"


class Management(_Strict):
    """Dynamic management (有升有退, 2017 §十(四), 2022 第八章第三节): from the ``history`` of
    evaluation scores, decide each year which zones to recommend for upgrade, warn, shrink or
    revoke. Freed land returns to the land pool ``return_lag`` years after the decision (the
    next year by default); the multi-period plan adds it (``periods.reclaim``)."""

    history: ScoreHistory
    upgrade: ManagementUpgrade | None = None
    warning: ManagementWarning | None = None
    reduction: ManagementReduction | None = None
    revocation: ManagementRevocation | None = None
    return_lag: int = Field(1, ge=0, le=10)

    @model_validator(mode="after")
    def _ladder(self) -> Management:
        if (self.reduction is not None or self.revocation is not None) and self.warning is None:
            raise ValueError("reduction and revocation count warned years: give a warning rule")
        if (self.reduction is not None and self.revocation is not None
                and self.revocation.after_years <= self.reduction.after_years):
            raise ValueError(f"revocation.after_years ({self.revocation.after_years}) must exceed "
                             f"reduction.after_years ({self.reduction.after_years}): 核减面积直至撤销")
        return self


class Instance(_Strict):
    """A zoneopt instance. Build one with :func:`load`, :meth:`from_dict` or
    :meth:`from_frames`, which report every problem by JSON path."""

    version: Literal[1] = 1
    name: Ident
    metadata: Metadata = Field(default_factory=Metadata)
    units: Units = Field(default_factory=Units)
    zones: tuple[Zone, ...]
    pools: Pools = Field(default_factory=Pools)
    rules: tuple[Rule, ...] = ()
    objective: Objective = Field(default_factory=Objective)
    enterprises: tuple[Enterprise, ...] = ()
    evaluations: tuple[Evaluation, ...] = ()
    scenarios: tuple[Scenario, ...] = ()
    projects: tuple[Project, ...] = ()
    portfolio: Portfolio = Field(default_factory=Portfolio)
    periods: Periods | None = None
    management: Management | None = None
    consolidation: Consolidation | None = None
    # The zones as columns (zoneopt.data.zones.ZoneTable), made on first use: an instance is
    # immutable, so every model built from it reads the zone objects once.
    _zone_table: Any = PrivateAttr(default=None)
    # Evaluation results (zoneopt.evaluation.run), made on first use for the same reason.
    _evaluated: Any = PrivateAttr(default=None)

    @field_validator("zones", mode="before")
    @classmethod
    def _not_empty(cls, v: Any) -> Any:
        if isinstance(v, (list, tuple)) and len(v) == 0:
            raise ValueError("the zone list is empty: give at least one zone")
        return v

    @model_validator(mode="after")
    def _cross_check(self) -> Instance:
        issues = cross_check(self)
        if issues:
            # Not a ValueError: pydantic would fold it into one message at the root.
            raise InstanceError(issues)
        return self

    # -- construction ------------------------------------------------------------------------
    @classmethod
    def from_dict(cls, data: Any, source: str | None = None) -> Instance:
        """Validate a parsed JSON document; raise :class:`InstanceError` with JSON paths."""
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise InstanceError(issues_from_validation(exc), source) from None
        except InstanceError as exc:
            raise InstanceError(exc.issues, source) from None

    @classmethod
    def from_frames(cls, zones: pd.DataFrame, *, name: str, pools: Mapping[str, Any] | None = None,
                    rules: Sequence[Mapping[str, Any]] | pd.DataFrame = (),
                    objective: Mapping[str, Any] | None = None,
                    metadata: Mapping[str, Any] | None = None,
                    units: Mapping[str, Any] | None = None) -> Instance:
        """Build an instance from a zone table (one row per zone).

        Columns: ``id, city, land_area_mu`` (required); ``name, county, level, kind, grade,
        score``; ``tags`` (a list or a comma-separated string); metrics ``tax, value_added,
        revenue, rd_spending, energy_tce, employees``; ``emissions_<pollutant>_t`` for each
        pollutant; ``request_land_mu``. Empty cells are missing values. Unknown columns are
        rejected. Errors name ``zones[<row>].<field>``.
        """
        data: dict[str, Any] = {"name": name, "zones": zones_from_frame(zones)}
        if pools is not None:
            data["pools"] = dict(pools)
        if isinstance(rules, pd.DataFrame):
            rules = [{k: v for k, v in r.items() if not _is_missing(v)} for r in rules.to_dict("records")]
        data["rules"] = list(rules)
        for key, value in (("objective", objective), ("metadata", metadata), ("units", units)):
            if value is not None:
                data[key] = dict(value)
        return cls.from_dict(data, source="tables")

    # -- lookups -----------------------------------------------------------------------------
    @property
    def zone_ids(self) -> list[str]:
        return [z.id for z in self.zones]

    def to_json(self, indent: int | None = 2) -> str:
        return self.model_dump_json(indent=indent, exclude_defaults=False)


_ZONE_FIELDS = {"id", "name", "city", "county", "level", "kind", "tags", "land_area_mu", "grade", "score"}
_METRIC_FIELDS = {"tax", "value_added", "revenue", "rd_spending", "energy_tce", "employees"}


def _is_missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA or v is pd.NaT


def zones_from_frame(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of a zone table as zone dicts (see :meth:`Instance.from_frames`). Unknown columns
    are passed through so that validation names them."""
    out: list[dict[str, Any]] = []
    for record in frame.to_dict("records"):
        zone: dict[str, Any] = {}
        metrics: dict[str, Any] = {}
        emissions: dict[str, Any] = {}
        for col, value in record.items():
            key = str(col)
            if _is_missing(value) or (isinstance(value, str) and not value.strip() and key != "name"):
                continue
            if hasattr(value, "item"):  # numpy scalar -> Python scalar
                value = value.item()
            if key in _METRIC_FIELDS:
                metrics[key] = value
            elif key.startswith("emissions_") and key.endswith("_t"):
                emissions[key[len("emissions_"):-2]] = value
            elif key == "request_land_mu":
                zone["requests"] = {"land_mu": value}
            elif key == "tags" and isinstance(value, str):
                zone["tags"] = [t.strip() for t in value.split(",") if t.strip()]
            elif key in ("id", "city", "county") and isinstance(value, (int, float)):
                zone[key] = str(value)
            else:
                zone[key] = value
        if emissions:
            metrics["emissions_t"] = emissions
        if metrics:
            zone["metrics"] = metrics
        out.append(zone)
    return out


def load(path: str | Path) -> Instance:
    """Load an instance from a JSON file. Raises :class:`InstanceError` for a missing file,
    non-JSON text, or any invalid field (each issue names its JSON path)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InstanceError([Issue("", "no such file")], str(p)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InstanceError([Issue("", f"cannot read: {exc}")], str(p)) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InstanceError([Issue("", f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}")],
                            str(p)) from None
    if not isinstance(data, dict):
        raise InstanceError([Issue("", f"an instance is a JSON object, got {type(data).__name__}")], str(p))
    return Instance.from_dict(data, source=str(p))


# -- error messages --------------------------------------------------------------------------

def json_path(loc: Iterable[int | str]) -> str:
    """``("zones", 12, "land_area_mu")`` → ``zones[12].land_area_mu``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _num(v: Any) -> str:
    return f"{v:g}" if isinstance(v, (int, float)) else str(v)


def _describe(err: Mapping[str, Any]) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    value = err.get("input")
    if kind == "greater_than":
        return f"must be > {_num(ctx.get('gt'))}, got {value!r}"
    if kind == "greater_than_equal":
        return f"must be >= {_num(ctx.get('ge'))} (no negative quantities), got {value!r}"
    if kind == "less_than_equal":
        return f"must be <= {_num(ctx.get('le'))}, got {value!r}"
    if kind == "finite_number":
        return "must be a finite number (NaN and infinity are not allowed)"
    if kind == "extra_forbidden":
        return "unknown field (a typo?)"
    if kind == "missing":
        return "required field is missing"
    if kind == "literal_error":
        return f"{value!r} is not one of {ctx.get('expected')}"
    if kind == "union_tag_invalid":
        return f"unknown rule type {ctx.get('tag')!r}; expected one of {ctx.get('expected_tags')}"
    if kind == "union_tag_not_found":
        return "a rule needs a 'type' field"
    if kind == "too_short" and value == []:
        return "must not be empty"
    if kind == "string_pattern_mismatch":
        return f"{value!r} must not be empty or start or end with white space"
    msg = str(err.get("msg", kind))
    return msg[len("Value error, "):] if msg.startswith("Value error, ") else msg


def issues_from_validation(exc: ValidationError) -> list[Issue]:
    issues = []
    for err in exc.errors():
        loc = [p for p in err["loc"] if not (isinstance(p, str) and p in _UNION_TAGS)]
        issues.append(Issue(json_path(loc), _describe(err)))
    return issues


_UNION_TAGS = {"zone_bounds", "request_cap", "group_bounds", "exclude", "tilt", "lock",
               "leverage_cap", "count_target", "share_target"}


# -- cross-field checks ----------------------------------------------------------------------

def _id_index(ids: Iterable[str], field: str, what: str, issues: list[Issue]) -> dict[str, int]:
    """First position of each id in ``field`` (e.g. ``zones``); a repeated id is an issue."""
    first: dict[str, int] = {}
    for k, ident in enumerate(ids):
        if ident in first:
            issues.append(Issue(f"{field}[{k}].id", f"duplicate {what} id {ident!r} (also {field}[{first[ident]}])"))
        else:
            first[ident] = k
    return first


def cross_check(inst: Instance) -> list[Issue]:
    """Checks that span fields: duplicate zone and rule ids, and rules naming zones, cities,
    counties, tags or group values that no zone has."""
    issues: list[Issue] = []
    seen = _id_index((z.id for z in inst.zones), "zones", "zone", issues)
    known = {
        "zones": set(seen), "cities": {z.city for z in inst.zones},
        "counties": {z.county for z in inst.zones if z.county is not None},
        "tags": {t for z in inst.zones for t in z.tags},
    }
    rule_ids = _id_index((r.id for r in inst.rules), "rules", "rule", issues)
    for r, rule in enumerate(inst.rules):
        _check_rule(f"rules[{r}]", rule, inst, known, issues)
    issues.extend(_check_resources(inst, known, rule_ids))
    issues.extend(_check_evaluations(inst, seen))
    issues.extend(_check_periods(inst, known, rule_ids))
    issues.extend(_check_consolidation(inst, known))
    _id_index((sc.id for sc in inst.scenarios), "scenarios", "scenario", issues)
    for k, scenario in enumerate(inst.scenarios):
        for j, rid in enumerate(scenario.drop_rules):
            if rid not in rule_ids:
                issues.append(Issue(f"scenarios[{k}].drop_rules[{j}]", f"no base rule has id {rid!r}"))
    return issues


_GROUP_KEYS: dict[str, str | None] = {"city": "cities", "county": "counties", "tag": "tags", "level": None,
                                      "kind": None}


def _check_rule(where: str, rule: Any, inst: Instance, known: Mapping[str, set[Any]], issues: list[Issue]) -> None:
    """A rule's selector, locked zones and group values name zones, cities, counties and tags
    that exist (land rules and the zone rules of the other resources alike)."""
    select = getattr(rule, "select", None)
    if isinstance(select, Selector):
        # Grades are checked against A-D by the schema; a valid grade no zone has this year
        # is not an error (an "exclude grade D" rule stays in a template instance).
        for key in ("zones", "cities", "counties", "tags"):
            for j, value in enumerate(getattr(select, key) or ()):
                if value not in known[key]:
                    issues.append(Issue(f"{where}.select.{key}[{j}]",
                                        f"no zone has {key[:-1] if key != 'cities' else 'city'} {value!r}"
                                        if key != "zones" else f"unknown zone {value!r}"))
    for field in ("values_mu", "values"):
        for zid in getattr(rule, field, None) or {}:
            if zid not in known["zones"]:
                issues.append(Issue(f"{where}.{field}.{zid}", f"unknown zone {zid!r}"))
    if isinstance(rule, (GroupBoundsRule, GroupBounds)):
        known_key = _GROUP_KEYS[rule.by]
        values = known[known_key] if known_key else {getattr(z, rule.by) for z in inst.zones}
        for field in ("cap_mu", "floor_mu", "cap", "floor"):
            amount = getattr(rule, field, None)
            if isinstance(amount, dict):
                for g in amount:
                    if g not in values:
                        issues.append(Issue(f"{where}.{field}.{g}", f"no zone has {rule.by} {g!r}"))
        for j, g in enumerate(rule.groups or ()):
            if g not in values:
                issues.append(Issue(f"{where}.groups[{j}]", f"no zone has {rule.by} {g!r}"))


def _pool_rule_lists(inst: Instance) -> list[tuple[str, Sequence[Any]]]:
    """The rule lists of the emission and fund pools, each with its JSON path."""
    lists: list[tuple[str, Sequence[Any]]] = []
    if inst.pools.emissions is not None:
        lists.append(("pools.emissions.rules", inst.pools.emissions.rules))
        lists += [(f"pools.emissions.pollutants.{k}.rules", pool.rules)
                  for k, pool in inst.pools.emissions.pollutants.items()]
    if inst.pools.funds is not None:
        lists.append(("pools.funds.rules", inst.pools.funds.rules))
    return lists


def _check_resources(inst: Instance, known: Mapping[str, set[Any]], land_rule_ids: Mapping[str, int]) -> list[Issue]:
    """Rules of the emission, fund and portfolio models: ids unique across every rule list
    (land rules included) and references that exist; projects: unique ids in known zones."""
    issues: list[Issue] = []
    lists = _pool_rule_lists(inst) + [("portfolio.rules", inst.portfolio.rules)]
    first = {rid: f"rules[{k}]" for rid, k in land_rule_ids.items()}
    for field, rules in lists:
        for r, rule in enumerate(rules):
            where = f"{field}[{r}]"
            if rule.id in first:
                issues.append(Issue(f"{where}.id", f"duplicate rule id {rule.id!r} (also {first[rule.id]})"))
            first.setdefault(rule.id, where)
            _check_rule(where, rule, inst, known, issues)
    project_ids = _id_index((p.id for p in inst.projects), "projects", "project", issues)
    for k, project in enumerate(inst.projects):
        if project.zone not in known["zones"]:
            issues.append(Issue(f"projects[{k}].zone", f"unknown zone {project.zone!r}"))
    for r, rule in enumerate(inst.portfolio.rules):
        if not isinstance(rule, ShareTarget):
            continue
        for side in ("numerator", "denominator"):
            sel: ProjectSelector = getattr(rule, side)
            for j, pid in enumerate(sel.projects or ()):
                if pid not in project_ids:
                    issues.append(Issue(f"portfolio.rules[{r}].{side}.projects[{j}]", f"unknown project {pid!r}"))
            for j, zid in enumerate(sel.zones or ()):
                if zid not in known["zones"]:
                    issues.append(Issue(f"portfolio.rules[{r}].{side}.zones[{j}]", f"unknown zone {zid!r}"))
    return issues


def _check_evaluations(inst: Instance, zone_ids: Mapping[str, int]) -> list[Issue]:
    """Enterprise ids unique and in known zones; evaluation ids unique, not shadowing an
    indicator name; at most one evaluation assigns the zones' score, one their grade."""
    from zoneopt.evaluation.indicators import INDICATORS

    issues: list[Issue] = []
    _id_index((e.id for e in inst.enterprises), "enterprises", "enterprise", issues)
    for k, e in enumerate(inst.enterprises):
        if e.zone not in zone_ids:
            issues.append(Issue(f"enterprises[{k}].zone", f"unknown zone {e.zone!r}"))
    _id_index((ev.id for ev in inst.evaluations), "evaluations", "evaluation", issues)
    assigned: dict[str, int] = {}
    for k, ev in enumerate(inst.evaluations):
        where = f"evaluations[{k}]"
        if ev.id in INDICATORS:
            issues.append(Issue(f"{where}.id", f"{ev.id!r} is the name of a built-in indicator; choose another id"))
        if ev.units == "enterprises" and not inst.enterprises:
            issues.append(Issue(f"{where}.units", "evaluates enterprises, but the instance has no enterprises"))
        for field in ev.assign:
            if field in assigned:
                issues.append(Issue(f"{where}.assign",
                                    f"evaluations[{assigned[field]}] already assigns the zones' {field}"))
            assigned.setdefault(field, k)
    return issues


def _check_consolidation(inst: Instance, known: Mapping[str, set[Any]]) -> list[Issue]:
    """Zone locations all of one kind (lon/lat or x/y km); the consolidation settings name
    zones, cities, counties and tags that exist, and the distance table distinct known zones,
    each pair once."""
    issues: list[Issue] = []
    kinds = [(k, z.location.kind) for k, z in enumerate(inst.zones) if z.location is not None]
    if kinds:
        first_kind = kinds[0][1]
        other = next(((k, kind) for k, kind in kinds if kind != first_kind), None)
        if other is not None:
            names = {"lonlat": "lon/lat", "xy": "x_km/y_km"}
            issues.append(Issue(f"zones[{other[0]}].location",
                                f"uses {names[other[1]]} but zones[{kinds[0][0]}] uses {names[first_kind]}: "
                                "give every zone the same kind"))
    c = inst.consolidation
    if c is None:
        return issues
    selectors = [("consolidation.hosts", c.hosts), ("consolidation.keep_hosts", c.keep_hosts)]
    selectors += [(f"consolidation.revocable[{j}]", s) for j, s in enumerate(c.revocable)]
    for where, select in selectors:
        if select is None:
            continue
        for key in ("zones", "cities", "counties", "tags"):
            for j, value in enumerate(getattr(select, key) or ()):
                if value not in known[key]:
                    issues.append(Issue(f"{where}.{key}[{j}]", f"unknown zone {value!r}" if key == "zones" else
                                        f"no zone has {key[:-1] if key != 'cities' else 'city'} {value!r}"))
    for county in c.county_exceptions:
        if county not in known["counties"]:
            issues.append(Issue(f"consolidation.county_exceptions.{county}", f"no zone has county {county!r}"))
    seen_pairs: dict[tuple[str, str], int] = {}
    for j, entry in enumerate(c.distances or ()):
        for end in ("a", "b"):
            if getattr(entry, end) not in known["zones"]:
                issues.append(Issue(f"consolidation.distances[{j}].{end}", f"unknown zone {getattr(entry, end)!r}"))
        if entry.a == entry.b:
            issues.append(Issue(f"consolidation.distances[{j}]", f"a park's distance to itself ({entry.a!r})"))
        pair = (min(entry.a, entry.b), max(entry.a, entry.b))
        if pair in seen_pairs:
            issues.append(Issue(f"consolidation.distances[{j}]",
                                f"pair {entry.a!r}-{entry.b!r} given twice (also distances[{seen_pairs[pair]}])"))
        seen_pairs.setdefault(pair, j)
    rel = c.relatedness
    for j, sector in enumerate(rel.sectors or ()):
        if sector not in known["tags"]:
            issues.append(Issue(f"consolidation.relatedness.sectors[{j}]", f"no zone has tag {sector!r}"))
    sectors = set(rel.sectors) if rel.sectors is not None else known["tags"]
    for s, row in rel.matrix.items():
        for t in (s, *row):
            if t not in sectors:
                where = "consolidation.relatedness.matrix." + (s if t == s else f"{s}.{t}")
                issues.append(Issue(where, f"{t!r} is not a sector (a tag some zone has"
                                           + (", listed in relatedness.sectors)" if rel.sectors is not None else ")")))
    return issues

def _check_periods(inst: Instance, known: Mapping[str, set[Any]], land_rule_ids: Mapping[str, int]) -> list[Issue]:
    """The plan over years and dynamic management: rules name zones, cities, counties and tags
    that exist; ids of cumulative rules, ramps, growth targets and management rules unique
    and distinct from the base rules' (a year's own rules may reuse a base id: they replace
    that rule in that year); dropped rules exist; score histories name known zones."""
    issues: list[Issue] = []
    first = {rid: f"rules[{k}]" for rid, k in land_rule_ids.items()}
    # The emission and fund rules' ids too: rules of the plan over years may not take them.
    for field, rules in _pool_rule_lists(inst):
        for r, rule in enumerate(rules):
            first.setdefault(rule.id, f"{field}[{r}]")

    def unique(where: str, rule: Any) -> None:
        if rule.id in first:
            issues.append(Issue(f"{where}.id", f"duplicate rule id {rule.id!r} (also {first[rule.id]})"))
        first.setdefault(rule.id, where)

    # Management rule ids first: a year's own rules may not take them either.
    m = inst.management
    if m is not None:
        for name in ("upgrade", "warning", "reduction", "revocation"):
            rule = getattr(m, name)
            if rule is not None:
                unique(f"management.{name}", rule)
                _check_rule(f"management.{name}", rule, inst, known, issues)
        for field in ("scores", "grades"):
            for zid in getattr(m.history, field):
                if zid not in known["zones"]:
                    issues.append(Issue(f"management.history.{field}.{zid}", f"unknown zone {zid!r}"))
    p = inst.periods
    if p is not None:
        _check_track(inst, "periods", p.ramps, "previous_mu", p.cumulative_rules, p.by_year, land_rule_ids, known,
                     first, unique, issues, extra=[("periods.growth", p.growth)])
        issues.extend(_check_resource_periods(inst, p, known, first, unique))
    return issues


def _check_track(inst: Instance, where: str, ramps: Sequence[Any], previous: str, cumulative: Sequence[Any],
                 by_year: Sequence[Any], base_ids: Mapping[str, Any], known: Mapping[str, set[Any]],
                 first: Mapping[str, str], unique: Callable[[str, Any], None], issues: list[Issue],
                 extra: Sequence[tuple[str, Sequence[Any]]] = ()) -> None:
    """One resource's settings over the years (land: ``periods``; a pollutant's or the funds'
    section): cumulative rules, ramps (and ``extra`` lists) have ids of their own and name
    what exists, ramps' ``previous`` zones exist; a year's rules may reuse only the ids of the
    resource's base rules (``base_ids``: they replace them that year) and drop only those."""
    lists = [(f"{where}.cumulative_rules", cumulative), (f"{where}.ramps", ramps), *extra]
    for field, rules in lists:
        for r, rule in enumerate(rules):
            unique(f"{field}[{r}]", rule)
            _check_rule(f"{field}[{r}]", rule, inst, known, issues)
    for r, ramp in enumerate(ramps):
        for zid in getattr(ramp, previous):
            if zid not in known["zones"]:
                issues.append(Issue(f"{where}.ramps[{r}].{previous}.{zid}", f"unknown zone {zid!r}"))
    for k, year in enumerate(by_year):
        own: set[str] = set()
        for r, rule in enumerate(year.rules):
            at = f"{where}.by_year[{k}].rules[{r}]"
            if rule.id in own:
                issues.append(Issue(f"{at}.id", f"duplicate rule id {rule.id!r} in year {year.year}"))
            elif rule.id in first and rule.id not in base_ids:
                issues.append(Issue(f"{at}.id", f"rule id {rule.id!r} is taken by {first[rule.id]}"))
            own.add(rule.id)
            _check_rule(at, rule, inst, known, issues)
        for j, rid in enumerate(year.drop_rules):
            if rid not in base_ids:
                issues.append(Issue(f"{where}.by_year[{k}].drop_rules[{j}]", f"no base rule has id {rid!r}"))


def _check_resource_periods(inst: Instance, p: Periods, known: Mapping[str, set[Any]], first: dict[str, str],
                            unique: Callable[[str, Any], None]) -> list[Issue]:
    """The emission and fund sections of ``periods``: they (and ``resources``) name pools the
    instance has; their ramps and cumulative rules have ids of their own; a year's rules may
    reuse only the ids of that resource's base rules, and drop only those; leverage caps are
    for the funds, per zone; selectors and zones exist."""
    issues: list[Issue] = []
    pools = inst.pools
    for j, resource in enumerate(p.resources or ()):
        if getattr(pools, resource) is None:
            issues.append(Issue(f"periods.resources[{j}]",
                                f"plans {resource}, but the instance has no pools.{resource}"))
    sections: list[tuple[str, ResourcePeriods, dict[str, str], bool]] = []
    for k, rp in p.emissions.items():
        if pools.emissions is None or k not in pools.emissions.pollutants:
            issues.append(Issue(f"periods.emissions.{k}", f"no emission pool for pollutant {k!r} "
                                                          "(pools.emissions.pollutants)"))
            continue
        base = [("pools.emissions.rules", pools.emissions.rules),
                (f"pools.emissions.pollutants.{k}.rules", pools.emissions.pollutants[k].rules)]
        sections.append((f"periods.emissions.{k}", rp, {r.id: f"{f}[{j}]" for f, rules in base
                                                         for j, r in enumerate(rules)}, False))
    if p.funds is not None:
        if pools.funds is None:
            issues.append(Issue("periods.funds", "no fund pool (pools.funds) to plan over the years"))
        else:
            sections.append(("periods.funds", p.funds, {r.id: f"pools.funds.rules[{j}]"
                                                        for j, r in enumerate(pools.funds.rules)}, True))
    for where, rp, base_ids, funds in sections:
        _check_track(inst, where, rp.ramps, "previous", rp.cumulative_rules, rp.by_year, base_ids, known, first,
                     unique, issues)
        year_rules = [(f"{where}.by_year[{k}].rules[{r}]", rule)
                      for k, year in enumerate(rp.by_year) for r, rule in enumerate(year.rules)]
        cumulative = [(f"{where}.cumulative_rules[{r}]", rule) for r, rule in enumerate(rp.cumulative_rules)]
        for at, rule in cumulative + year_rules:
            if isinstance(rule, LeverageCap) and not funds:
                issues.append(Issue(f"{at}.type", "a leverage cap bounds funds: it has no place among emission rules"))
            elif isinstance(rule, LeverageCap) and rule.per == "project" and at in dict(cumulative):
                issues.append(Issue(f"{at}.per", "the plan over years has no projects: a cumulative leverage cap "
                                                 "is per zone"))
    return issues


__all__ = [
    "Instance", "Zone", "Metrics", "Requests", "Units", "Metadata", "Pools", "LandPool",
    "Selector", "Rule", "ZoneBoundsRule", "RequestCapRule", "GroupBoundsRule", "ExcludeRule",
    "TiltRule", "LockRule", "Objective", "Scenario", "Enterprise", "Criterion", "Weighting", "DEASettings", "Grading",
    "Evaluation", "load", "json_path", "MONEY_LABEL",
    "POLLUTANTS", "FundRequest", "ZoneBounds", "GroupBounds", "Lock", "LeverageCap", "ResourceRule", "FundRule",
    "PollutantPool", "EmissionObjective", "EmissionPools", "FundObjective", "FundPool", "Project",
    "ProjectSelector", "CountTarget", "ShareTarget", "PortfolioRule", "PortfolioObjective", "Portfolio",
    "EARTH_RADIUS_KM", "Location", "Relatedness", "DistanceEntry", "ConsolidationObjective", "Consolidation",
    "PLAN_YEARS", "Ramp", "Effect", "GrowthTarget", "PlanYear", "Periods", "ScoreHistory", "ManagementUpgrade",
    "PlannedResource", "CARRY_OVER_DEFAULT", "ResourceYear", "ResourceRamp", "ResourceEffect", "ResourcePeriods",
    "ManagementWarning", "ManagementReduction", "ManagementRevocation", "Management",
]
