"""Dynamic management (有升有退): score histories and the upgrade, warning, reduction and
revocation rules (models/dynamic-management.md)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from zoneopt.instance.common import Array, Grade, GroupBy, Ident, Int, Share, _consecutive, _Rule, _Strict
from zoneopt.instance.zones import Selector


class ScoreHistory(_Strict):
    """Evaluation results of past years (2022 第八章第三节: 按年度开展经开区综合考核评价): per zone, one
    score per year of ``years`` (null: not evaluated that year), optionally one grade."""

    years: Array[Int] = Field(min_length=1, max_length=100)
    scores: dict[Ident, Array[float | None]]
    grades: dict[Ident, Array[Grade | None]] = Field(default_factory=dict)
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
    top_rank: Int | None = Field(None, ge=1)
    top_share: Share | None = None
    min_score: float | None = None
    years: Int = Field(3, ge=1)
    per_year: Int = Field(2, ge=0)
    group_by: GroupBy | None = None
    per_group: Int | None = Field(None, ge=0)
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
    bottom_rank: Int | None = Field(None, ge=1)
    bottom_share: Share | None = None
    below_score: float | None = None
    grades: Array[Grade] = ()
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
    after_years: Int = Field(2, ge=1)
    share: Share
    returned_share: Share = 1.0
    no_new_land: bool = False
    source: str | None = "2017 §十(四); 2017 §六(三)"


class ManagementRevocation(_Rule):
    """Revoke (撤销, 2017 §十(四)) a zone warned in ``after_years`` consecutive years: it gets
    no decision and no land from then on, and ``freed_share`` of its land returns to the land
    pool (2017 §六(三))."""

    type: Literal["revocation"] = "revocation"
    after_years: Int = Field(3, ge=1)
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
    return_lag: Int = Field(1, ge=0, le=10)

    @model_validator(mode="after")
    def _ladder(self) -> Management:
        if (self.reduction is not None or self.revocation is not None) and self.warning is None:
            raise ValueError("reduction and revocation count warned years: give a warning rule")
        if (self.reduction is not None and self.revocation is not None
                and self.revocation.after_years <= self.reduction.after_years):
            raise ValueError(f"revocation.after_years ({self.revocation.after_years}) must exceed "
                             f"reduction.after_years ({self.reduction.after_years}): 核减面积直至撤销")
        return self
