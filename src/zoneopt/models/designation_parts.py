"""What the parts of the designation model share (models/designation.md): a part's zones,
criteria and variables (:class:`Part`), a per-zone figure by name (:func:`figure`), the
criteria's values and verdicts, and a part's count rows — used by the establish / upgrade /
convert parts (:mod:`zoneopt.models.designation`) and by the statuses
(:mod:`zoneopt.models.designation_status`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp

from zoneopt.core.model import Model, ModelBuilder, RowBlock, VarBlock
from zoneopt.data.zones import ZoneTable
from zoneopt.evaluation.indicators import indicator
from zoneopt.instance import Designation, DesignationCount, DesignationCriterion, Instance
from zoneopt.models.rules import RuleInfo

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
TOL = 1e-9


@dataclass(frozen=True, eq=False)
class Part:
    """One kind of decision: the zones it may apply to (``zones``, zone indices), each
    criterion's value and verdict per zone, whether the zone qualifies (``ok``: meets every
    criterion; for ``establish`` also its county has room), the failing criteria
    (``failed``, ``;``-joined ids), the score the measure weighs, the variable block."""

    name: str
    zones: IntArray
    criteria: tuple[DesignationCriterion, ...]
    values: dict[str, FloatArray]
    passed: dict[str, BoolArray]
    ok: BoolArray
    failed: npt.NDArray[np.object_]
    score: FloatArray
    count: DesignationCount | None
    var: VarBlock
    weight: float

    def column(self, a: IntArray, t: IntArray, T: int) -> IntArray:
        return self.var.start + a * T + t


def figure(instance: Instance, s: Designation, zt: ZoneTable, name: str, where: str) -> FloatArray:
    """A per-zone figure by name: ``designation.figures[name]`` (NaN for a zone not listed),
    else an indicator of the catalogue (NaN where a zone lacks its data)."""
    if name in s.figures:
        return pd.Series(s.figures[name], dtype=float).reindex(zt.ids).to_numpy(dtype=float)
    return indicator(instance, name, field=where, among=np.zeros(zt.size, dtype=bool), table=zt)


def criteria_values(instance: Instance, s: Designation, zt: ZoneTable, part: str, zones: IntArray,
                    criteria: tuple[DesignationCriterion, ...]) -> tuple[dict[str, FloatArray], dict[str, BoolArray]]:
    """Each criterion's value (``indicator`` / ``over`` for a ratio: NaN where the denominator
    is not positive) and verdict on the part's zones (a loop over criteria)."""
    values: dict[str, FloatArray] = {}
    passed: dict[str, BoolArray] = {}
    for j, c in enumerate(criteria):
        v = figure(instance, s, zt, c.indicator, f"designation.{part}.criteria[{j}].indicator")[zones]
        if c.over is not None:
            den = figure(instance, s, zt, c.over, f"designation.{part}.criteria[{j}].over")[zones]
            v = np.divide(v, den, out=np.full(v.size, np.nan), where=den > 0)
        ok = ~np.isnan(v)
        if c.min is not None:
            ok &= v >= c.min - TOL * max(1.0, abs(c.min))
        if c.max is not None:
            ok &= v <= c.max + TOL * max(1.0, abs(c.max))
        if c.top is not None:
            rank = pd.Series(v).rank(ascending=False, method="min").to_numpy(dtype=float)
            ok &= rank <= c.top
        values[c.id], passed[c.id] = v, ok
    return values, passed


def failed_ids(criteria: tuple[DesignationCriterion, ...], passed: dict[str, BoolArray], size: int
               ) -> npt.NDArray[np.object_]:
    """Per zone, the ids of the criteria it fails, ``;``-joined."""
    out = np.full(size, "", dtype=object)
    for c in criteria:
        out[~passed[c.id]] += c.id + ";"
    return pd.Series(out, dtype=object).str.removesuffix(";").to_numpy(dtype=object)


def count_rows(b: ModelBuilder, p: Part, T: int, years: tuple[int, ...], rules: dict[str, RuleInfo]
               ) -> tuple[RowBlock | None, RowBlock | None]:
    """The part's count: one row over all its columns (total), one per year (per year)."""
    c = p.count
    if c is None or p.zones.size == 0 and not (c.total_min or c.per_year_min):
        return None, None
    n = p.zones.size
    total = per_year = None
    desc = []
    if c.total_min is not None or c.total_max is not None:
        A = sp.csr_matrix((np.ones(n * T), (np.zeros(n * T, dtype=np.int64), p.var.start + np.arange(n * T))),
                          shape=(1, b.num_vars))
        total = b.add_rows(f"{c.id}:total", A, lb=float(c.total_min or 0), ub=_inf(c.total_max), rule=c.id,
                           source=c.cited, labels=["total"])
        desc.append(f"{c.total_min or 0}–{c.total_max if c.total_max is not None else '∞'} in all")
    if c.per_year_min is not None or c.per_year_max is not None:
        t = np.tile(np.arange(T), n)
        A = sp.csr_matrix((np.ones(n * T), (t, p.var.start + np.arange(n * T))), shape=(T, b.num_vars))
        per_year = b.add_rows(f"{c.id}:per-year", A, lb=float(c.per_year_min or 0), ub=_inf(c.per_year_max),
                              rule=c.id, source=c.cited, labels=[str(y) for y in years])
        desc.append(f"{c.per_year_min or 0}–{c.per_year_max if c.per_year_max is not None else '∞'} a year")
    rules[c.id] = RuleInfo(c.id, "count", c.cited, c.note or f"{p.name}: " + ", ".join(desc))
    return total, per_year


def count_tight(m: Model, blocks: tuple[RowBlock | None, RowBlock | None], act: FloatArray) -> bool:
    """Whether a count (its ``total`` and ``per-year`` row blocks) caps every decision in the
    solved plan (row activities ``act``): its total at its maximum, or every year at its
    per-year maximum."""
    for block, every in zip(blocks, (False, True), strict=True):
        if block is None:
            continue
        ub = m.row_ub[block.slice]
        tight = np.isfinite(ub) & (act[block.slice] >= ub - 0.5)
        if tight.all() if every else tight.any():
            return True
    return False


def _inf(v: int | None) -> float:
    return float(v) if v is not None else np.inf


def criterion_text(c: DesignationCriterion) -> str:
    """What a criterion asks, in words (``revenue ≥ 1e+06``, ``trade/revenue ≥ 0.1``)."""
    name = c.indicator if c.over is None else f"{c.indicator}/{c.over}"
    parts = []
    if c.min is not None:
        parts.append(f"{name} ≥ {c.min:g}")
    if c.max is not None:
        parts.append(f"{name} ≤ {c.max:g}")
    if c.top is not None:
        parts.append(f"{name} within the first {c.top}")
    return " and ".join(parts)


def fail_text(p: Part) -> npt.NDArray[np.object_]:
    """Per zone, the failed criteria in words (``;``-joined)."""
    out = np.full(p.zones.size, "", dtype=object)
    for c in p.criteria:  # a loop over criteria
        v = p.values[c.id]
        bad = ~p.passed[c.id]
        if not bad.any():
            continue
        need = " and ".join(([f"≥ {c.min:,.12g}"] if c.min is not None else [])
                            + ([f"≤ {c.max:,.12g}"] if c.max is not None else [])
                            + ([f"within the first {c.top}"] if c.top is not None else []))
        shown = pd.Series(v).map(lambda a: "missing" if np.isnan(a) else f"{a:.6g}").to_numpy(dtype=object)
        name = c.indicator if c.over is None else f"{c.indicator}/{c.over}"
        out[bad] += f"{name} = " + shown[bad] + f" (needs {need}); "
    return pd.Series(out, dtype=object).str.removesuffix("; ").to_numpy(dtype=object)


def first_failed(p: Part) -> tuple[npt.NDArray[np.object_], npt.NDArray[np.object_]]:
    """Per zone, the first criterion it fails (id and source; empty where it fails none)."""
    rule = np.full(p.zones.size, "", dtype=object)
    source = np.full(p.zones.size, None, dtype=object)
    for c in reversed(p.criteria):  # the first failing criterion wins
        bad = ~p.passed[c.id]
        rule[bad], source[bad] = c.id, c.cited
    return rule, source


__all__ = ["count_tight", "fail_text", "first_failed", "Part", "figure", "criteria_values", "failed_ids", "count_rows",
           "criterion_text", "TOL"]
