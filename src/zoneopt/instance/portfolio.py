"""Projects (项目为王) and how they are chosen: the portfolio's count and share targets and its
objective (models/portfolio.md)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from zoneopt.instance.common import Array, Ident, Int, NonNeg, Positive, Share, _Rule, _Strict
from zoneopt.instance.zones import Selector


class Project(_Strict):
    """A project (项目为王, 2022 第二章) in a zone: what it needs (land, emission allowances per
    pollutant, funds) and what it brings (investment, yearly tax and revenue), money unit."""

    id: Ident
    name: str = ""
    zone: Ident
    sector: Ident | None = None
    tags: Array[Ident] = ()
    land_mu: NonNeg = 0.0
    emissions_t: dict[Ident, NonNeg] = Field(default_factory=dict)
    fund: NonNeg = Field(0.0, description="fund requested, money unit")
    investment: NonNeg = Field(0.0, description="total investment, money unit")
    tax: NonNeg = Field(0.0, description="expected tax per year once running, money unit")
    revenue: NonNeg = Field(0.0, description="expected revenue (营业收入) per year once running, money unit")
    metrics: dict[Ident, float] | None = Field(
        None, description="what it adds to the zone's named figures once running (declared in the instance's "
                          "metrics), e.g. {\"high_tech_firms\": 1}")
    leading: bool = Field(False, description="in the zone's leading industry (主导产业)")
    industrial: bool = Field(True, description="an industrial project (counts in 工业投资)")


class ProjectSelector(_Strict):
    """Which projects: those matching every given criterion (empty: every project).
    ``emerging``: the sector is one of the ten emerging fields of 2017 §四(二)."""

    projects: Array[Ident] | None = None
    zones: Array[Ident] | None = None
    sectors: Array[Ident] | None = None
    tags: Array[Ident] | None = None
    leading: bool | None = None
    industrial: bool | None = None
    emerging: bool | None = None


class CountTarget(_Rule):
    """At least ``at_least`` of the selected zones have ``metric`` ≥ ``threshold`` once the
    chosen projects run: the zone's current figure plus its chosen projects' (2022 专栏一:
    营业收入超千亿元经开区 6 个以上, 超 500 亿元 15 个以上). ``metric``: ``revenue`` or ``tax``
    (money unit per year; a project's ``revenue`` / ``tax``), or any metric the instance
    declares (a project adds its ``metrics`` entry)."""

    type: Literal["count_target"]
    metric: Ident = "revenue"
    threshold: Positive
    at_least: Int = Field(ge=0)
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
    rules: Array[PortfolioRule] = ()
    objective: PortfolioObjective = Field(default_factory=PortfolioObjective)
