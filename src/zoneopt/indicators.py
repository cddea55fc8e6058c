"""Per-zone indicators computed from an instance, by name, as numpy arrays.

The allocation models take their weights, scores and baselines through :func:`indicator`, so a
rule or objective can name any of them. The evaluation module (indices, grading, DEA) builds on
the same names.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt
import pandas as pd

from zoneopt.errors import InstanceError, Issue
from zoneopt.instance import Instance
from zoneopt.zones import ZoneTable

FloatArray = npt.NDArray[np.float64]

GRADE_RANK = {"A": 4.0, "B": 3.0, "C": 2.0, "D": 1.0}


def _column(name: str) -> Callable[[pd.DataFrame], FloatArray]:
    return lambda f: f[name].to_numpy(dtype=float)


def _per_area(name: str) -> Callable[[pd.DataFrame], FloatArray]:
    return lambda f: f[name].to_numpy(dtype=float) / f["land_area_mu"].to_numpy()


def _grade(f: pd.DataFrame) -> FloatArray:
    return f["grade"].map(GRADE_RANK).to_numpy(dtype=float)


INDICATORS: dict[str, tuple[Callable[[pd.DataFrame], FloatArray], str, str]] = {
    # name: (function of the zone table, what it is, unit; {money} is the instance's money unit)
    "tax_per_mu": (_per_area("tax"), "亩均税收: tax / existing land", "{money}/mu/yr"),
    "value_added_per_mu": (_per_area("value_added"), "亩均增加值: value added / existing land", "{money}/mu/yr"),
    "revenue_per_mu": (_per_area("revenue"), "亩均营业收入: revenue / existing land", "{money}/mu/yr"),
    "score": (_column("score"), "evaluation score", "points"),
    "grade": (_grade, "grade A=4 … D=1", "rank"),
    "land_area_mu": (_column("land_area_mu"), "existing land area", "mu"),
    "tax": (_column("tax"), "tax per year", "{money}/yr"),
    "value_added": (_column("value_added"), "value added per year", "{money}/yr"),
    "revenue": (_column("revenue"), "revenue per year", "{money}/yr"),
    "score_x_area": (lambda f: f["score"].to_numpy(dtype=float) * f["land_area_mu"].to_numpy(),
                     "score × existing land", "points·mu"),
}


# The instance field each indicator reads, for error messages.
NEEDS = {"tax_per_mu": "metrics.tax", "value_added_per_mu": "metrics.value_added",
         "revenue_per_mu": "metrics.revenue", "score_x_area": "score", "tax": "metrics.tax",
         "value_added": "metrics.value_added", "revenue": "metrics.revenue"}


def indicator_unit(name: str, instance: Instance) -> str:
    from zoneopt.instance import MONEY_LABEL
    return INDICATORS[name][2].format(money=MONEY_LABEL[instance.units.money])


def indicator(instance: Instance, name: str, field: str = "indicator",
              among: npt.NDArray[np.bool_] | None = None, table: ZoneTable | None = None) -> FloatArray:
    """The indicator ``name`` for every zone, in zone order. Raises :class:`InstanceError`
    naming ``field`` for an unknown name, and each zone lacking the data it needs (only zones
    in the mask ``among`` need it when given; others without it get NaN). Pass the instance's
    ``table`` when you have it, to skip re-reading the zones."""
    if name not in INDICATORS:
        raise InstanceError([Issue(field, f"unknown indicator {name!r}; choose one of {', '.join(INDICATORS)}")])
    frame = (table if table is not None else ZoneTable.of(instance)).frame
    values = INDICATORS[name][0](frame)
    missing = np.isnan(values) if among is None else np.isnan(values) & among
    if missing.any():
        need = NEEDS.get(name, name)
        ids = frame["zone"].to_numpy()
        raise InstanceError([Issue(f"zones[{k}].{need}", f"zone {ids[k]!r} has no {need}, needed by {field} = {name!r}")
                             for k in np.flatnonzero(missing)])
    return values


def objective_unit(name: str, instance: Instance) -> str:
    """Unit of Σ w_i x_i for weights ``name`` and x in mu."""
    unit = indicator_unit(name, instance)
    return unit.replace("/mu/yr", "/yr") if unit.endswith("/mu/yr") else f"{unit}·mu"
