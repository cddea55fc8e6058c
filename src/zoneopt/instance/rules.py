"""The rules of a plan: the land rules (``rules``) and their union :data:`Rule`, and the rule
types of the other resources (emission allowances, funds), whose unions
:data:`ResourceRule` and :data:`FundRule` reuse the land rules that fit them."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from zoneopt.instance.common import Array, GroupBy, Ident, NonNeg, Positive, Share, _Rule
from zoneopt.instance.zones import Selector


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


class LockRule(_Rule):
    """Fix zones' allocations to given values, mu."""

    type: Literal["lock"]
    values_mu: dict[Ident, NonNeg] = Field(min_length=1)


Rule = Annotated[
    ZoneBoundsRule | RequestCapRule | GroupBoundsRule | ExcludeRule | TiltRule | LockRule,
    Field(discriminator="type"),
]


# -- emission allowances and funds -------------------------------------------------------------
# Their rules live with their pool (``pools.emissions.rules`` for every pollutant,
# ``pools.emissions.pollutants.<k>.rules`` for one, ``pools.funds.rules``), as the portfolio's
# targets live with it (``portfolio.rules``), so ``rules`` stays the land rules. Amounts are in the resource's unit:
# t/yr for emission allowances, the money unit for funds. The mathematics and clauses are in
# models/emissions.md, models/funds.md and models/portfolio.md.


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
