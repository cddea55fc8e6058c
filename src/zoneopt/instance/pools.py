"""The resource pools (the land quota, emission allowances per pollutant, the fund) with their
objectives, and the land plan's objective."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from zoneopt.instance.common import Array, Ident, Int, NonNeg, Positive, _Strict
from zoneopt.instance.rules import FundRule, ResourceRule


class LandPool(_Strict):
    """The new construction-land quota (新增建设用地指标) to split, in mu."""

    total_mu: Positive
    exact: bool = Field(False, description="allocate exactly total_mu (else at most)")
    parcel_mu: Positive | None = Field(None, description="allocate in whole multiples of this (a MIP)")
    source: str | None = "2017 §六(一)"


POLLUTANTS: tuple[str, ...] = ("SO2", "NOx", "COD", "NH3-N", "VOCs", "PM")
"""The usual pollutants (二氧化硫, 氮氧化物, 化学需氧量, 氨氮, 挥发性有机物, 颗粒物); the list is not closed:
an instance's pools name the pollutants it allocates."""


class PollutantPool(_Strict):
    """One pollutant's allowances freed by regional reduction (区域减排腾出的排污指标), t/yr, and
    the rules for this pollutant only."""

    total_t: Positive
    exact: bool = Field(False, description="allocate exactly total_t (else at most)")
    rules: Array[ResourceRule] = ()
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
    dea_inputs: Array[str] = ("land_area_mu", "energy_tce")
    dea_outputs: Array[str] = Field(("value_added",), min_length=1)
    dea_start: Literal["pool", "current"] = "pool"
    max_iterations: Int = Field(200, ge=1, le=100_000)


class EmissionPools(_Strict):
    """Emission allowances per pollutant (``pollutants``: name → pool; any names, usually
    those of :data:`POLLUTANTS`), the rules for every pollutant, and the objective."""

    pollutants: dict[Ident, PollutantPool] = Field(min_length=1)
    rules: Array[ResourceRule] = ()
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
    rules: Array[FundRule] = ()
    objective: FundObjective = Field(default_factory=FundObjective)
    source: str | None = "2017 §十(三)"


class Pools(_Strict):
    land: LandPool | None = None
    emissions: EmissionPools | None = None
    funds: FundPool | None = None


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
