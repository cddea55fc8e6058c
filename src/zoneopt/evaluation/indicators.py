"""Per-zone indicators computed from an instance, by name, as numpy arrays.

The allocation models take their weights, scores and baselines through :func:`indicator`, so a
rule or objective can name any of them. The evaluation module (indices, grading, DEA) builds on
the same names.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import numpy.typing as npt
import pandas as pd

from zoneopt.data.zones import EMISSIONS_PREFIX, ZoneTable
from zoneopt.errors import InstanceError, Issue
from zoneopt.instance import Instance

FloatArray = npt.NDArray[np.float64]

GRADE_RANK = {"A": 4.0, "B": 3.0, "C": 2.0, "D": 1.0}


def _column(name: str) -> Callable[[pd.DataFrame], FloatArray]:
    return lambda f: f[name].to_numpy(dtype=float)


def ratio(numerator: FloatArray, denominator: FloatArray) -> FloatArray:
    """numerator / denominator, NaN where the denominator is not positive (a ratio to zero
    land, energy or staff is missing data, not infinity)."""
    out = np.full(numerator.shape, np.nan)
    ok = denominator > 0
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


def _evaluation_of(instance: Instance, name: str) -> tuple[str, str] | None:
    """(evaluation id, "score" or "grade") when ``name`` names an evaluation result."""
    ids = {ev.id for ev in instance.evaluations}
    if name in ids:
        return name, "score"
    base, _, part = name.rpartition(".")
    if base in ids and part in ("score", "grade"):
        return base, part
    return None


def indicator_names(instance: Instance) -> list[str]:
    """Every name :func:`indicator` accepts for ``instance``: built-ins and evaluation results."""
    return [*INDICATORS, *(f"{ev.id}{part}" for ev in instance.evaluations for part in ("", ".grade"))]


def indicator_unit(name: str, instance: Instance) -> str:
    from zoneopt.instance import MONEY_LABEL

    found = _evaluation_of(instance, name)
    if found is not None:
        from zoneopt.evaluation.run import score_unit
        return "rank" if found[1] == "grade" else score_unit(instance, found[0])
    return INDICATORS[name][2].format(money=MONEY_LABEL[instance.units.money])


def indicator(instance: Instance, name: str, field: str = "indicator",
              among: npt.NDArray[np.bool_] | None = None, table: ZoneTable | None = None) -> FloatArray:
    """The indicator ``name`` for every zone, in zone order: a built-in (:data:`INDICATORS`), or
    an evaluation's result by its id (``"<id>"`` or ``"<id>.score"`` the score, ``"<id>.grade"``
    the grade as A=4 … D=1), evaluated on first use. Raises :class:`InstanceError` naming
    ``field`` for an unknown name, and each zone lacking the data it needs (only zones in the
    mask ``among`` need it when given; others without it get NaN). Pass the instance's
    ``table`` when you have it, to skip re-reading the zones."""
    found = _evaluation_of(instance, name)
    frame = (table if table is not None else ZoneTable.of(instance)).frame
    if found is not None:
        from zoneopt.evaluation.run import evaluated

        result = evaluated(instance, found[0])
        values = (result.zone_scores if found[1] == "score"
                  else pd.Series(result.zone_grades).map(GRADE_RANK).to_numpy(dtype=float))
        need = f"a {found[1]} from evaluation {found[0]!r} (missing data or unscored)"
    elif name in INDICATORS:
        values = INDICATORS[name][0](frame)
        need = NEEDS.get(name, name)
    else:
        raise InstanceError([Issue(field, f"unknown indicator {name!r}; choose one of "
                                          f"{', '.join(indicator_names(instance))}")])
    missing = np.isnan(values) if among is None else np.isnan(values) & among
    if missing.any():
        ids = frame["zone"].to_numpy()
        path = need if found is None else "id"
        raise InstanceError([Issue(f"zones[{k}].{path}", f"zone {ids[k]!r} has no {need}, needed by {field} = {name!r}")
                             for k in np.flatnonzero(missing)])
    return values


def objective_unit(name: str, instance: Instance) -> str:
    """Unit of Σ w_i x_i for weights ``name`` and x in mu."""
    unit = indicator_unit(name, instance)
    return unit.replace("/mu/yr", "/yr") if unit.endswith("/mu/yr") else f"{unit}·mu"
