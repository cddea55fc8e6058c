"""What a sweep says, per zone: the distribution of its allocation over the draws (P5/P50/P95,
the probability of receiving any), how stable its grade is, and its replacement cost — the
objective the plan loses when the zone is forced out, and what forcing it to its request costs.

Each function takes a sweep table (:func:`~zoneopt.analysis.sweeps.store.read_sweep`: one row
per variant and zone) and returns one row per zone, zones in the order of the instance. They
are vectorised over variants and zones (a pivot to a variants × zones matrix, then numpy).
Quantiles are numpy's default (linear interpolation between order statistics, Hyndman–Fan
type 7), so they are a pure function of the table: the same table gives the same bands.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from zoneopt.analysis.sweeps.runner import SOLVED
from zoneopt.errors import InvalidInputError

FloatArray = npt.NDArray[np.float64]
GRADES = ("A", "B", "C", "D")
LAND_TOLERANCE_MU = 1e-6
"""An allocation above this (in the quantity's unit) counts as receiving some."""
ROUND_OFF = 1e-9
"""Objective differences below this share of the base objective are solver round-off: 0."""


def _zones(table: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(table["zone"].tolist()))


def _matrix(rows: pd.DataFrame, column: str, zones: list[str]) -> pd.DataFrame:
    """``column`` as a variants × zones table (variants in order, zones as given)."""
    return rows.pivot(index="variant", columns="zone", values=column).reindex(columns=zones).sort_index()


def _base(table: pd.DataFrame, column: str, zones: list[str]) -> pd.Series:
    base = table[table["kind"] == "base"]
    if base.empty:
        return pd.Series(np.nan if column != "grade" else None, index=zones, dtype=object if column == "grade"
                         else float)
    return base.drop_duplicates("zone").set_index("zone")[column].reindex(zones)


def _select(table: pd.DataFrame, kinds: Sequence[str], solved: bool) -> pd.DataFrame:
    rows = table[table["kind"].isin(list(kinds))]
    return rows[rows["status"].isin(SOLVED)] if solved else rows


def allocation_bands(table: pd.DataFrame, quantity: str = "land", *, kinds: Sequence[str] = ("draw",),
                     quantiles: Sequence[float] = (5, 50, 95), tolerance: float = LAND_TOLERANCE_MU) -> pd.DataFrame:
    """Per zone, the distribution of ``quantity`` (``land``, a pollutant, ``funds``) over the
    solved variants of ``kinds`` (default the Monte Carlo draws): ``zone``, ``variants``
    (solved ones counted), ``base`` (the base plan's), ``mean``, one column ``p<q>`` per
    quantile (percent), ``min``, ``max``, and ``p_receive``: the share of those variants in
    which the zone gets more than ``tolerance``. Raises :class:`InvalidInputError` for a
    quantity the sweep did not record."""
    column = f"alloc_{quantity}"
    if column not in table.columns:
        have = [c.removeprefix("alloc_") for c in table.columns if c.startswith("alloc_")]
        raise InvalidInputError(f"the sweep records no {quantity!r}; it has: {', '.join(have)}")
    zones = _zones(table)
    m = _matrix(_select(table, kinds, True), column, zones).to_numpy(dtype=float)
    out = pd.DataFrame({"zone": zones, "variants": np.full(len(zones), m.shape[0]),
                        "base": _base(table, column, zones).to_numpy(dtype=float)})
    if m.shape[0] == 0:
        for name in ("mean", *(f"p{q:g}" for q in quantiles), "min", "max", "p_receive"):
            out[name] = np.nan
        return out
    out["mean"] = m.mean(axis=0)
    for q, values in zip(quantiles, np.percentile(m, list(quantiles), axis=0), strict=True):
        out[f"p{q:g}"] = values
    out["min"], out["max"] = m.min(axis=0), m.max(axis=0)
    out["p_receive"] = (m > tolerance).mean(axis=0)
    return out


def grade_stability(table: pd.DataFrame, *, kinds: Sequence[str] = ("draw",)) -> pd.DataFrame:
    """Per zone, its grade over the variants of ``kinds`` (every one: a grade does not depend
    on the solve): ``zone``, ``base_grade``, ``modal_grade`` and ``p_modal`` (its share),
    ``p_base`` (the share with the base grade, ungraded counting as one), ``p_A`` … ``p_D``, ``p_ungraded``, and the
    score's ``score_p5``, ``score_p50``, ``score_p95``."""
    zones = _zones(table)
    rows = _select(table, kinds, False)
    g = _matrix(rows, "grade", zones).to_numpy(dtype=object)
    base = _base(table, "grade", zones).to_numpy(dtype=object)
    out = pd.DataFrame({"zone": zones, "base_grade": base})
    labels = [*GRADES, "ungraded"]
    if g.shape[0] == 0:
        shares = np.full((len(labels), len(zones)), np.nan)
    else:
        graded = pd.DataFrame(g).notna().to_numpy()
        shares = np.stack([(g == k).mean(axis=0) for k in GRADES] + [(~graded).mean(axis=0)])
    modal = np.argmax(np.nan_to_num(shares, nan=-1.0), axis=0)
    out["modal_grade"] = np.array(labels, dtype=object)[modal] if g.shape[0] else None
    out["p_modal"] = shares[modal, np.arange(len(zones))]
    same = pd.DataFrame(g).fillna("ungraded").to_numpy() == pd.Series(base).fillna("ungraded").to_numpy()[None, :]
    out["p_base"] = same.mean(axis=0) if g.shape[0] else np.nan
    for k, name in enumerate(labels):
        out[f"p_{name}"] = shares[k]
    s = _matrix(rows, "score", zones).to_numpy(dtype=float)
    with warnings.catch_warnings():  # a zone no evaluation scores has no score quantiles: NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        for q in (5, 50, 95):
            out[f"score_p{q}"] = np.nanpercentile(s, q, axis=0) if s.shape[0] else np.nan
    return out


def replacement_costs(table: pd.DataFrame, sense: str | None = None) -> pd.DataFrame:
    """Each zone's importance to the plan, from the base variant and the zone variants
    (:func:`~zoneopt.analysis.sweeps.variants.zone_variants`), in the main objective's units:

    * ``replacement_cost`` — the objective lost when the zone is forced out (base − forced out
      for a maximisation, forced out − base for a minimisation): what the rest of the plan
      cannot make up for. ``inf`` when the rules cannot hold without the zone (a floor only it
      can meet); negative when leaving it out frees the others (a tilt it held down);
    * ``forcing_cost`` — the objective lost when the zone is forced to its land request
      (``inf``: the rules cannot give it its request);

    with ``objective_base``, ``objective_out``, ``status_out``, ``objective_in``,
    ``status_in``, ``share`` (replacement cost / |base objective|) and ``rank`` (1 = the most
    important), ordered by rank. Differences within :data:`ROUND_OFF` of the base objective
    are 0. ``sense`` (``max`` or ``min``) defaults to the sweep's.
    NaN where a variant ended without an answer (no solution, invalid). Raises
    :class:`InvalidInputError` without a solved base variant or zone variants."""
    sense = sense or table.attrs.get("sweep", {}).get("sense", "max")
    if sense not in ("max", "min"):
        raise InvalidInputError(f"sense must be 'max' or 'min', got {sense!r}")
    per_variant = table.drop_duplicates("variant")
    base = per_variant[per_variant["kind"] == "base"]
    if base.empty or base["status"].iloc[0] not in SOLVED:
        raise InvalidInputError("replacement costs need the base variant solved (the first variant of the sweep)")
    base_obj = float(base["objective"].iloc[0])
    zones = _zones(table)
    out = pd.DataFrame({"zone": zones, "objective_base": base_obj})
    forced = per_variant[per_variant["kind"] == "zone"]
    if forced.empty:
        raise InvalidInputError("replacement costs need the zone variants (importance=True, --importance)")
    sign = 1.0 if sense == "max" else -1.0
    for force, cost in (("out", "replacement_cost"), ("in", "forcing_cost")):
        rows = forced[forced["label"].str.startswith(f"{force}:")]
        by_zone = rows.assign(zone_id=rows["label"].str.slice(len(force) + 1)).set_index("zone_id")
        status = by_zone["status"].reindex(zones)
        objective = by_zone["objective"].reindex(zones).to_numpy(dtype=float)
        value = sign * (base_obj - objective)
        value = np.where(np.abs(value) <= ROUND_OFF * max(1.0, abs(base_obj)), 0.0, value)  # solver round-off
        value = np.where(status.isin(SOLVED), value, np.where(status == "infeasible", np.inf, np.nan))
        out[f"objective_{force}"] = objective
        out[f"status_{force}"] = status.to_numpy(dtype=object)
        out[cost] = value
    with np.errstate(divide="ignore", invalid="ignore"):
        out["share"] = out["replacement_cost"] / abs(base_obj) if base_obj else np.nan
    order = np.argsort(-np.nan_to_num(out["replacement_cost"].to_numpy(dtype=float), nan=-np.inf), kind="stable")
    out = out.iloc[order].reset_index(drop=True)
    out["rank"] = np.arange(1, len(out) + 1)
    return out


def status_counts(table: pd.DataFrame) -> pd.DataFrame:
    """How many variants of each kind ended with each status: ``kind``, ``status``, ``variants``."""
    per_variant = table.drop_duplicates("variant")
    counts = per_variant.groupby(["kind", "status"], sort=False).size()
    return counts.rename("variants").reset_index()


__all__ = ["allocation_bands", "grade_stability", "replacement_costs", "status_counts", "LAND_TOLERANCE_MU"]
