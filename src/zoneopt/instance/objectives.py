"""The parts of an allocation objective every resource shares (land, emission allowances,
funds): the tiered target (分档配置, :class:`Tiers`), diminishing returns on the efficiency
weight (:class:`Diminishing`) and the priority order of a lexicographic objective
(:class:`Priority`). The mathematics and the clauses are in ``models/land-quota.md``."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from zoneopt.instance.common import Array, Grade, NonNeg, Share, _Strict
from zoneopt.instance.zones import Selector

DEFAULT_TIER_MULTIPLIERS: dict[Grade, float] = {"A": 1.0, "B": 0.6, "C": 0.3, "D": 0.0}
"""Grade multipliers of the tiered target when an instance gives none: A secured, B served,
C restrained, D refused (亩均 practice, e.g. Zhejiang's A/B/C/D classes). The numbers are an
assumption of this tool, not a figure of the Henan texts."""

DEFAULT_BREAKPOINTS: tuple[float, ...] = (0.25, 0.5, 0.75)
"""Where a zone's value per unit steps down, as shares of its request (an assumption)."""
DEFAULT_FACTORS: tuple[float, ...] = (1.0, 0.75, 0.5, 0.25)
"""The factor on the weight below the first breakpoint, between each pair, above the last
(an assumption: each quarter of a request is worth a quarter less than the one before)."""


class Band(_Strict):
    """One band of a tiered target by an indicator: zones whose indicator is at least
    ``at_least`` (and below the band above) get ``multiplier``."""

    at_least: float
    multiplier: NonNeg


class Tiers(_Strict):
    """The tiered target (分档配置, 2017 §六(一): 根据评价结果配套实施差别化的资源要素配置政策): each
    zone's share of the pool is a multiplier × a base, scaled to the pool, within what the
    zone rules let each zone have (models/land-quota.md).

    * ``by: "grade"``: the multiplier of the zone's grade (``multipliers``, default
      :data:`DEFAULT_TIER_MULTIPLIERS`);
    * ``by`` an indicator with ``bands``: the multiplier of the band its value falls in (below
      the lowest band: 0);
    * ``by`` an indicator without ``bands``: the indicator's value itself (e.g. the score).

    ``base``: ``"request"`` (the zone's request of the resource), ``"land_area"`` (existing
    land, so the target is an amount per existing mu by grade) or any indicator name.
    ``select`` restricts the zones that share the target (the others' target is 0).
    ``norm``: how the distance to the target is counted, ``"l1"`` (the default: Σ|x − t|, an
    LP, any backend) or ``"l2"`` (least squares, Σ(x − t)²/(2·pool): a QP, solved by the
    backends that take a quadratic objective — HiGHS, OR-Tools PDLP and SCIP — and refused with
    a typed error by the others; in whole parcels or tranches a MIQP, SCIP only)."""

    by: str = "grade"
    multipliers: dict[Grade, NonNeg] = Field(default_factory=lambda: dict(DEFAULT_TIER_MULTIPLIERS))
    bands: Array[Band] = ()
    base: str = "request"
    select: Selector = Field(default_factory=Selector)
    norm: Literal["l1", "l2"] = "l1"

    @model_validator(mode="after")
    def _bands_sorted(self) -> Tiers:
        if self.bands and self.by == "grade":
            raise ValueError("bands go with an indicator (by), not with by 'grade' (use multipliers)")
        levels = [b.at_least for b in self.bands]
        if levels != sorted(levels, reverse=True) or len(set(levels)) != len(levels):
            raise ValueError("bands must be listed from the highest at_least down, each once")
        return self


class Diminishing(_Strict):
    """Diminishing returns: a zone's value per unit is its weight × ``factors[k]`` for the part
    of its allocation between ``breakpoints[k-1]`` and ``breakpoints[k]`` × its request, so the
    efficiency objective spreads the pool instead of piling it on the best zone. A zone without
    a request values all it gets at ``factors[0]``. Defaults :data:`DEFAULT_BREAKPOINTS`,
    :data:`DEFAULT_FACTORS` (an assumption; the texts give no curve)."""

    breakpoints: Array[Share] = DEFAULT_BREAKPOINTS
    factors: Array[NonNeg] = DEFAULT_FACTORS

    @model_validator(mode="after")
    def _steps(self) -> Diminishing:
        b, f = self.breakpoints, self.factors
        if len(f) != len(b) + 1:
            raise ValueError(f"give one factor more than breakpoints ({len(b)} breakpoints, {len(f)} factors)")
        if any(not 0 < v < 1 for v in b) or any(y <= x for x, y in zip(b, b[1:])):
            raise ValueError("breakpoints must increase strictly, each between 0 and 1 (shares of the request)")
        if f[0] <= 0 or any(y > x for x, y in zip(f, f[1:])):
            raise ValueError("factors must be positive at first and never increase (returns diminish)")
        return self


class Priority(_Strict):
    """The priority order of a lexicographic objective (2017 §六(一): 排污指标优先分配给能源消费存量
    削减量大的产业集聚区): the zones whose ``measure`` (an indicator) exceeds ``above`` (and that
    ``select`` picks) are served first, one after the other from the largest measure down, each
    as much as the rules allow; what is left is then split among the other zones by the
    objective's tiered target (``tiers``)."""

    measure: str = "energy_reduction_tce"
    above: NonNeg = 0.0
    select: Selector = Field(default_factory=Selector)


class Fairness(_Strict):
    """Proportional fairness: maximise Σ_i ω_i·log(x_i / h_i) over the zones the rules let have
    something (h_i their cap under the per-zone rules), ω the indicator ``weight`` (default 1
    each), by an outer piecewise-linear approximation of the logarithm: tangents at shares
    ``min_share`` … 1 spaced so that the approximation overestimates log by at most
    ``accuracy`` per zone between them (models/land-quota.md)."""

    weight: str | None = None
    accuracy: float = Field(1e-3, gt=0, le=0.1)
    min_share: float = Field(1e-4, gt=0, lt=1)


FILL_VALUE: float = 1.5
"""What one more unit allocated is worth in a tiered objective, in units of deviation from the
target: above 1, so the pool is used up whenever some zone can take more (a unit given to a
zone at or above its target costs 1 unit of deviation), below 2, so a unit never moves from a
zone at its target to another at its target (that costs 2). See models/land-quota.md."""

