"""Per-zone indicators computed from an instance, by name, as numpy arrays.

The allocation models take their weights, scores and baselines through :func:`indicator`, so a
rule or objective can name any of them. The evaluation module (indices, grading, DEA) builds on
the same names.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from zoneopt.errors import InstanceError, Issue
from zoneopt.instance import Instance, Zone

GRADE_RANK = {"A": 4.0, "B": 3.0, "C": 2.0, "D": 1.0}


def _metric(field: str) -> Callable[[Zone], float | None]:
    return lambda z: getattr(z.metrics, field)


def _per_area(field: str) -> Callable[[Zone], float | None]:
    def value(z: Zone) -> float | None:
        v = getattr(z.metrics, field)
        return None if v is None else v / z.land_area_mu
    return value


INDICATORS: dict[str, tuple[Callable[[Zone], float | None], str, str]] = {
    # name: (function, what it is, unit template; {money} is the instance's money unit)
    "tax_per_mu": (_per_area("tax"), "亩均税收: tax / existing land", "{money}/mu/yr"),
    "value_added_per_mu": (_per_area("value_added"), "亩均增加值: value added / existing land", "{money}/mu/yr"),
    "revenue_per_mu": (_per_area("revenue"), "亩均营业收入: revenue / existing land", "{money}/mu/yr"),
    "score": (lambda z: z.score, "evaluation score", "points"),
    "grade": (lambda z: GRADE_RANK.get(z.grade) if z.grade else None, "grade A=4 … D=1", "rank"),
    "land_area_mu": (lambda z: z.land_area_mu, "existing land area", "mu"),
    "tax": (_metric("tax"), "tax per year", "{money}/yr"),
    "value_added": (_metric("value_added"), "value added per year", "{money}/yr"),
    "revenue": (_metric("revenue"), "revenue per year", "{money}/yr"),
    "score_x_area": (lambda z: None if z.score is None else z.score * z.land_area_mu,
                     "score × existing land", "points·mu"),
}


def indicator_unit(name: str, instance: Instance) -> str:
    from zoneopt.instance import MONEY_LABEL
    return INDICATORS[name][2].format(money=MONEY_LABEL[instance.units.money])


def indicator(instance: Instance, name: str, field: str = "indicator",
              among: npt.NDArray[np.bool_] | None = None) -> npt.NDArray[np.float64]:
    """The indicator ``name`` for every zone, in zone order. Raises :class:`InstanceError`
    naming ``field`` for an unknown name, and each zone lacking the data it needs (only zones
    in the mask ``among`` need it when given; others without it get NaN)."""
    if name not in INDICATORS:
        raise InstanceError([Issue(field, f"unknown indicator {name!r}; choose one of {', '.join(INDICATORS)}")])
    fn = INDICATORS[name][0]
    values = [fn(z) for z in instance.zones]
    missing = [k for k, v in enumerate(values) if v is None and (among is None or among[k])]
    if missing:
        need = {"tax_per_mu": "metrics.tax", "value_added_per_mu": "metrics.value_added",
                "revenue_per_mu": "metrics.revenue", "score_x_area": "score"}.get(name, name)
        raise InstanceError([Issue(f"zones[{k}].{need}",
                                   f"zone {instance.zones[k].id!r} has no {need}, needed by {field} = {name!r}")
                             for k in missing])
    return np.asarray([np.nan if v is None else v for v in values], dtype=np.float64)


def objective_unit(name: str, instance: Instance) -> str:
    """Unit of Σ w_i x_i for weights ``name`` and x in mu."""
    unit = indicator_unit(name, instance)
    return unit.replace("/mu/yr", "/yr") if unit.endswith("/mu/yr") else f"{unit}·mu"
