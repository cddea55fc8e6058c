"""Per-zone indicators computed from an instance, by name, as numpy arrays.

The allocation models take their weights, scores and baselines through :func:`indicator`, so a
rule or objective can name any of them. The evaluation module (indices, grading, DEA) builds on
the same names.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from zoneopt.data.zones import ZoneTable
from zoneopt.errors import InstanceError, Issue
from zoneopt.evaluation.run import evaluated_table
from zoneopt.instance import MONEY_LABEL, Instance
from zoneopt.instance.indicators import BASE_METRICS, GRADE_RANK, INDICATORS, NEEDS, ratio

FloatArray = npt.NDArray[np.float64]


def _evaluation_of(instance: Instance, name: str) -> tuple[str, str] | None:
    """(evaluation id, "score" or "grade") when ``name`` names an evaluation result."""
    ids = {ev.id for ev in instance.evaluations}
    if name in ids:
        return name, "score"
    base, _, part = name.rpartition(".")
    if base in ids and part in ("score", "grade"):
        return base, part
    return None


def _named(instance: Instance, name: str) -> tuple[str, bool] | None:
    """(declared metric, per mu?) when ``name`` is a metric the instance declares, or
    ``<metric>_per_mu``."""
    declared = instance.metrics or {}
    if name in declared:
        return name, False
    base = name[:-len("_per_mu")]
    if name.endswith("_per_mu") and (base in declared or (base in BASE_METRICS and name not in INDICATORS)):
        return base, True
    return None


def indicator_names(instance: Instance) -> list[str]:
    """Every name :func:`indicator` accepts for ``instance``: built-ins, the declared metrics
    (and each per existing mu, ``<metric>_per_mu``) and evaluation results."""
    return [*INDICATORS, *(f"{m}{part}" for m in instance.metrics or {} for part in ("", "_per_mu")),
            *(f"{ev.id}{part}" for ev in instance.evaluations for part in ("", ".grade"))]


def indicator_unit(name: str, instance: Instance) -> str:
    found = _evaluation_of(instance, name)
    if found is not None:
        from zoneopt.evaluation.run import score_unit
        return "rank" if found[1] == "grade" else score_unit(instance, found[0])
    named = _named(instance, name)
    if named is not None:
        unit = ((instance.metrics or {})[named[0]].unit if named[0] in (instance.metrics or {})
                else INDICATORS[named[0]][2].format(money=MONEY_LABEL[instance.units.money]))
        return f"{unit}/mu" if named[1] else unit
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
    frame = (table if table is not None else evaluated_table(instance)).frame
    if found is not None:
        from zoneopt.evaluation.run import evaluated

        result = evaluated(instance, found[0])
        values = (result.zone_scores if found[1] == "score"
                  else pd.Series(result.zone_grades).map(GRADE_RANK).to_numpy(dtype=float))
        need = f"a {found[1]} from evaluation {found[0]!r} (missing data or unscored)"
    elif (named := _named(instance, name)) is not None:
        values = frame[named[0]].to_numpy(dtype=float)
        if named[1]:
            values = ratio(values, frame["land_area_mu"].to_numpy(dtype=float))
        need = f"metrics.named.{named[0]}" if named[0] in (instance.metrics or {}) else NEEDS.get(named[0], named[0])
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
