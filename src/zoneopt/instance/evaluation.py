"""Evaluation settings (评价): criteria, weighting, DEA and grading (models/evaluation.md). The
evaluation itself runs in :mod:`zoneopt.evaluation`."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from zoneopt.instance.common import Array, Grade, Ident, NonNeg, Positive, Share, _Strict

GroupField = Literal["city", "county", "level", "kind"]
DEFAULT_GRADE_SHARES: dict[Grade, float] = {"A": 0.2, "B": 0.4, "C": 0.35, "D": 0.05}


class Criterion(_Strict):
    """One criterion of an evaluation: an indicator by name (``of``: a name of
    :data:`zoneopt.instance.indicators.INDICATORS`, or a metric), or a user-defined ratio of two metrics
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
    pairwise: Array[Array[Positive]] | None = None
    allow_inconsistent: bool = False
    # None (Saaty 1980), not the name, by default: instances written before the field existed are
    # written byte for byte the same (dumps leave None out).
    random_index: Literal["saaty1980", "saaty2005", "alonso-lamata2006", "donegan-dodd1991"] | None = Field(
        None, description="random index table for AHP's consistency ratio (default saaty1980; see "
                          "models/evaluation.md)")
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
    inputs: Array[str] = Field(min_length=1)
    outputs: Array[str] = Field(min_length=1)
    bad_outputs: Array[str] = ()
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
    # None, not an empty mapping, by default: instances written before the field existed are
    # written byte for byte the same (dumps leave None out).
    preset_weights: dict[Ident, NonNeg] | None = Field(
        None, description="with a preset: points per criterion name replacing the preset's; 0 drops the criterion "
                          "(e.g. one whose data no unit has)")
    criteria: Array[Criterion] = ()
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
    assign: Array[Literal["score", "grade"]] = ()

    @model_validator(mode="after")
    def _complete(self) -> Evaluation:
        if self.method == "dea":
            if self.dea is None:
                raise ValueError("method 'dea' needs the 'dea' settings (inputs and outputs)")
        elif self.preset is None and not self.criteria:
            raise ValueError("give criteria, or a preset such as 'huangyan-2022'")
        if self.preset is not None and self.criteria:
            raise ValueError("a preset fixes the criteria: give one or the other (preset_weights re-weights or drops "
                             "a preset's criterion)")
        if self.preset_weights and self.preset is None:
            raise ValueError("preset_weights re-weights a preset's criteria: give the preset, or weights on criteria")
        if len(set(self.assign)) != len(self.assign):
            raise ValueError("assign lists 'score' and 'grade' at most once each")
        return self
