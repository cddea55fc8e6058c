"""The indicator catalogue: per-unit figures by name (亩均税收, 单位能耗增加值, ...), each a pure
function of a zone table's frame (:class:`zoneopt.data.zones.ZoneTable`: one row per zone,
NaN for missing data) with what it is, its unit and the instance fields it reads.

Rules and objectives name these indicators; :func:`zoneopt.evaluation.indicators.indicator`
computes them for an instance, together with the evaluations' results.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import numpy.typing as npt
import pandas as pd

FloatArray = npt.NDArray[np.float64]

EMISSIONS_PREFIX = "emissions."
"""A zone table's column of one pollutant's emissions (tonnes per year) is this plus its name."""

GRADE_RANK = {"A": 4.0, "B": 3.0, "C": 2.0, "D": 1.0}


def _column(name: str) -> Callable[[pd.DataFrame], FloatArray]:
    return lambda f: f[name].to_numpy(dtype=float)


def ratio(numerator: FloatArray, denominator: FloatArray) -> FloatArray:
    """numerator / denominator, NaN where the denominator is not positive (a ratio to zero
    land, energy or staff is missing data, not infinity)."""
    out = np.full(numerator.shape, np.nan)
    ok = denominator > 0
    with np.errstate(over="ignore"):  # a ratio beyond 1e308 is inf; the model's checks name it
        np.divide(numerator, denominator, out=out, where=ok)
    return out


def _ratio(num: str, den: str) -> Callable[[pd.DataFrame], FloatArray]:
    return lambda f: ratio(metric(f, num), metric(f, den))


def _grade(f: pd.DataFrame) -> FloatArray:
    return f["grade"].map(GRADE_RANK).to_numpy(dtype=float)


def weighted_emissions(frame: pd.DataFrame, weights: Mapping[str, float] | None = None) -> FloatArray:
    """Σ_k w_k × emissions_k (tonnes) over pollutants k, w_k = 1 unless ``weights`` says
    otherwise (a pollutant not in a non-empty ``weights`` counts 0). A unit reporting none of
    the weighted pollutants gets NaN; an unreported pollutant counts as 0 otherwise."""
    cols = [c for c in frame.columns if c.startswith(EMISSIONS_PREFIX)]
    if weights:
        cols = [c for c in cols if weights.get(c[len(EMISSIONS_PREFIX):], 0.0) > 0]
    if not cols:
        return np.full(len(frame), np.nan)
    w = np.array([weights[c[len(EMISSIONS_PREFIX):]] if weights else 1.0 for c in cols])
    values = frame[cols].to_numpy(dtype=float)
    reported = ~np.isnan(values)
    total = np.nan_to_num(values) @ w
    return np.where(reported.any(axis=1), total, np.nan)


def metric(frame: pd.DataFrame, name: str) -> FloatArray:
    """A metric column by name: a column of the frame, or ``emissions`` (all pollutants)."""
    if name == "emissions":
        return weighted_emissions(frame)
    return frame[name].to_numpy(dtype=float)


INDICATORS: dict[str, tuple[Callable[[pd.DataFrame], FloatArray], str, str]] = {
    # name: (function of the zone table, what it is, unit; {money} is the instance's money unit)
    "tax_per_mu": (_ratio("tax", "land_area_mu"), "亩均税收: tax / existing land", "{money}/mu/yr"),
    "value_added_per_mu": (_ratio("value_added", "land_area_mu"), "亩均增加值: value added / existing land",
                           "{money}/mu/yr"),
    "revenue_per_mu": (_ratio("revenue", "land_area_mu"), "亩均营业收入: revenue / existing land", "{money}/mu/yr"),
    "labour_productivity": (_ratio("value_added", "employees"), "全员劳动生产率: value added / employees",
                            "{money}/person/yr"),
    "value_added_per_energy": (_ratio("value_added", "energy_tce"), "单位能耗增加值: value added / energy use",
                               "{money}/tce"),
    "value_added_per_emission": (_ratio("value_added", "emissions"),
                                 "单位排放增加值: value added / emissions (all pollutants, tonnes)", "{money}/t"),
    "rd_intensity": (_ratio("rd_spending", "revenue"), "R&D占比: R&D spending / revenue", "share"),
    "score": (_column("score"), "evaluation score", "points"),
    "grade": (_grade, "grade A=4 … D=1", "rank"),
    "land_area_mu": (_column("land_area_mu"), "existing land area", "mu"),
    "tax": (_column("tax"), "tax per year", "{money}/yr"),
    "value_added": (_column("value_added"), "value added per year", "{money}/yr"),
    "revenue": (_column("revenue"), "revenue per year", "{money}/yr"),
    "rd_spending": (_column("rd_spending"), "R&D spending per year", "{money}/yr"),
    "energy_tce": (_column("energy_tce"), "energy use per year", "tce/yr"),
    "employees": (_column("employees"), "employees", "persons"),
    "energy_reduction_tce": (_column("energy_reduction_tce"), "能源消费存量削减量: energy-stock reduction",
                             "tce/yr"),
    "emissions": (lambda f: weighted_emissions(f), "emissions, all pollutants", "t/yr"),
    "score_x_area": (lambda f: f["score"].to_numpy(dtype=float) * f["land_area_mu"].to_numpy(),
                     "score × existing land", "points·mu"),
}


# The instance fields each indicator reads, for error messages.
NEEDS = {"tax_per_mu": "metrics.tax", "value_added_per_mu": "metrics.value_added",
         "revenue_per_mu": "metrics.revenue", "score_x_area": "score", "tax": "metrics.tax",
         "value_added": "metrics.value_added", "revenue": "metrics.revenue",
         "labour_productivity": "metrics.value_added and metrics.employees (> 0)",
         "value_added_per_energy": "metrics.value_added and metrics.energy_tce (> 0)",
         "value_added_per_emission": "metrics.value_added and metrics.emissions_t (> 0)",
         "rd_intensity": "metrics.rd_spending and metrics.revenue (> 0)", "rd_spending": "metrics.rd_spending",
         "energy_tce": "metrics.energy_tce", "employees": "metrics.employees",
         "energy_reduction_tce": "metrics.energy_reduction_tce", "emissions": "metrics.emissions_t"}
