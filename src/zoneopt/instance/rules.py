"""The rules of a plan: the land rules (``rules``) and their union :data:`Rule`, and the rule
types of the other resources (emission allowances, funds), whose unions
:data:`ResourceRule` and :data:`FundRule` reuse the land rules that fit them."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from zoneopt.instance.common import Array, GroupBy, Ident, NonNeg, Positive, Share, _Rule
from zoneopt.instance.zones import Selector


class ZoneBoundsRule(_Rule):
    """Per-zone floor and/or cap on the land allocated, in mu, or as a share of the pool
    (``floor_share``, ``cap_share``: the bound scales with the pool)."""

    type: Literal["zone_bounds"]
    select: Selector = Field(default_factory=Selector)
    floor_mu: NonNeg | None = None
    cap_mu: NonNeg | None = None
    floor_share: Share | None = None
    cap_share: Share | None = None

    @model_validator(mode="after")
    def _one_bound(self) -> ZoneBoundsRule:
        _check_zone_bounds(self.floor_mu, self.cap_mu, self.floor_share, self.cap_share, "_mu")
        return self


def _check_zone_bounds(floor: float | None, cap: float | None, floor_share: float | None,
                       cap_share: float | None, suffix: str) -> None:
    """A zone rule gives some bound, and no floor above its cap of the same kind."""
    if floor is None and cap is None and floor_share is None and cap_share is None:
        raise ValueError(f"give floor{suffix}, cap{suffix}, floor_share or cap_share")
    if floor is not None and cap is not None and floor > cap:
        raise ValueError(f"floor{suffix} {floor:g} exceeds cap{suffix} {cap:g}")
    if floor_share is not None and cap_share is not None and floor_share > cap_share:
        raise ValueError(f"floor_share {floor_share:g} exceeds cap_share {cap_share:g}")


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
    groups: Array[Ident] | None = None
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


class RequestFloorRule(_Rule):
    """Each selected zone gets at least ``share`` × its request (e.g. grade A at least 30 % of
    what it asks for); a zone without a request has no floor under this rule."""

    type: Literal["request_floor"]
    select: Selector = Field(default_factory=Selector)
    share: Annotated[float, Field(gt=0, le=1)]


class MinLotRule(_Rule):
    """Minimum lot: each selected zone gets nothing or at least ``lot_mu`` (one amount, or a
    mapping zone id → mu), so no plan hands out slivers. A MIP (one binary per zone, or a
    semi-continuous variable where the backend has them); models/land-quota.md."""

    type: Literal["min_lot"]
    select: Selector = Field(default_factory=Selector)
    lot_mu: Positive | dict[Ident, Positive]


class MinLot(_Rule):
    """Minimum lot of an emission allowance (t/yr, every pollutant the rule covers) or of the
    funds (money unit): each selected zone gets nothing or at least ``lot`` (one amount, or a
    mapping zone id → amount)."""

    type: Literal["min_lot"]
    select: Selector = Field(default_factory=Selector)
    lot: Positive | dict[Ident, Positive]


class TiltRule(_Rule):
    """Allocation per mu of existing land is non-decreasing in ``by`` (2017 §六(一): 向节约集约
    用地好的倾斜): a zone with a higher score never gets less new land per existing mu than a zone
    with a lower one. Zones with equal scores are not ordered among themselves. ``by`` is
    ``"score"``, ``"grade"`` (A > B > C > D) or an indicator name (see
    :data:`zoneopt.instance.indicators.INDICATORS`). Zones excluded by an ``exclude`` rule are left out
    of the ordering unless ``include_excluded``."""

    type: Literal["tilt"]
    by: str = "score"
    select: Selector = Field(default_factory=Selector)
    per: Literal["land_area", "zone"] = "land_area"
    include_excluded: bool = False
    margin: NonNeg | None = None
    """Strict tilt (by grade only): every zone of a grade gets at least (1 + margin) × what any
    zone of the next grade down gets per existing mu; margin > 0 forbids the flat split (every
    grade the same per mu). Zones without a request are left out of a strict ordering. None
    (the default) is 0: the plain tilt."""

    @property
    def strict(self) -> bool:
        return bool(self.margin)

    @model_validator(mode="after")
    def _strict_by_grade(self) -> TiltRule:
        if self.strict and not (self.by == "grade" or self.by.endswith(".grade")):
            raise ValueError(f"a strict tilt (margin > 0) orders grades; by is {self.by!r}, give by 'grade'")
        return self


class LockRule(_Rule):
    """Fix zones' allocations to given values, mu (``values_mu``), or to shares of the pool
    (``shares``: the lock scales with the pool)."""

    type: Literal["lock"]
    values_mu: dict[Ident, NonNeg] = Field(default_factory=dict)
    shares: dict[Ident, Share] | None = None

    @model_validator(mode="after")
    def _some_value(self) -> LockRule:
        _check_lock(self.values_mu, self.shares, "values_mu")
        return self


def _check_lock(values: dict[str, float], shares: dict[str, float] | None, field: str) -> None:
    shares = shares or {}
    if not values and not shares:
        raise ValueError(f"give {field} or shares (zone id → value)")
    both = sorted(set(values) & set(shares))
    if both:
        raise ValueError(f"zone(s) {', '.join(map(repr, both))} locked both in {field} and in shares")
    if sum(shares.values()) > 1 + 1e-12:
        raise ValueError(f"the shares add up to {sum(shares.values()):g}, more than the whole pool")


Rule = Annotated[
    ZoneBoundsRule | RequestCapRule | GroupBoundsRule | ExcludeRule | TiltRule | LockRule | RequestFloorRule
    | MinLotRule,
    Field(discriminator="type"),
]


# -- emission allowances and funds -------------------------------------------------------------
# Their rules live with their pool (``pools.emissions.rules`` for every pollutant,
# ``pools.emissions.pollutants.<k>.rules`` for one, ``pools.funds.rules``), as the portfolio's
# targets live with it (``portfolio.rules``), so ``rules`` stays the land rules. Amounts are in the resource's unit:
# t/yr for emission allowances, the money unit for funds. The mathematics and clauses are in
# models/emissions.md, models/funds.md and models/portfolio.md.


class ZoneBounds(_Rule):
    """Per-zone floor and/or cap on an emission allowance (t/yr) or on funds (money unit), or
    as a share of the pool (``floor_share``, ``cap_share``)."""

    type: Literal["zone_bounds"]
    select: Selector = Field(default_factory=Selector)
    floor: NonNeg | None = None
    cap: NonNeg | None = None
    floor_share: Share | None = None
    cap_share: Share | None = None

    @model_validator(mode="after")
    def _one_bound(self) -> ZoneBounds:
        _check_zone_bounds(self.floor, self.cap, self.floor_share, self.cap_share, "")
        return self


class GroupBounds(_Rule):
    """Caps and floors on what a group of zones gets of an emission allowance (t/yr) or of the
    funds (money unit), as for land (:class:`GroupBoundsRule`): e.g. a city's environmental
    capacity for a pollutant (``by: "city"``, ``cap`` a mapping city → t), a share cap for the
    air-pollution corridor cities (``by: "tag"``, ``groups: ["corridor"]``, ``cap_share``), a
    regional floor of the funds."""

    type: Literal["group_bounds"]
    by: GroupBy
    groups: Array[Ident] | None = None
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
    """Fix zones' allocations (t/yr or money unit; or ``shares`` of the pool): a decision
    already taken."""

    type: Literal["lock"]
    values: dict[Ident, NonNeg] = Field(default_factory=dict)
    shares: dict[Ident, Share] | None = None

    @model_validator(mode="after")
    def _some_value(self) -> Lock:
        _check_lock(self.values, self.shares, "values")
        return self


class LeverageCap(_Rule):
    """Fund ≤ ``alpha`` × the investment it co-finances (2022 第三章 专栏二: 发挥政府性资金的引导和杠杆
    作用): per zone (the investment of its fund request) or per project (the project's
    investment; applies in the portfolio)."""

    type: Literal["leverage_cap"]
    alpha: Positive
    per: Literal["zone", "project"] = "zone"
    select: Selector = Field(default_factory=Selector)


ResourceRule = Annotated[
    ZoneBounds | RequestCapRule | GroupBounds | ExcludeRule | TiltRule | Lock | RequestFloorRule | MinLot,
    Field(discriminator="type"),
]
FundRule = Annotated[
    ZoneBounds | RequestCapRule | GroupBounds | ExcludeRule | TiltRule | Lock | LeverageCap | RequestFloorRule
    | MinLot,
    Field(discriminator="type"),
]
