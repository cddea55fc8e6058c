"""Level, share and count targets of the plan over years on any zone figure, soft targets'
shortfalls, and each target's status in the solved plan (``models/targets.md``).

A zone figure in plan year t is affine in the allocations: the base-year figure grown at its
organic rate plus what each track's allocations of the years up to t − ℓ add (the effects of
:mod:`zoneopt.models.year_links`),

    F_{i,t}(x) = V_i (1 + g)^k + Σ_r Σ_{s ≤ t−ℓ_r} e_{r,i} x_{r,i,s},   k = t − base year,

so a level target on F (per zone, in total, or on average) is a linear row, a share target on a
ratio N/D is linear once multiplied out (N − s·D ≥ 0 per zone or in total; on average only when
no allocation moves D), and a count target takes a binary z_i per zone: F_i − θ·D_i ≥
L_i (1 − z_i), Σ z_i ≥ N, L_i a lower bound of F_i − θ·D_i.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp

from zoneopt.core.model import ModelBuilder, VarBlock
from zoneopt.data.zones import ZoneTable
from zoneopt.errors import InstanceError, Issue
from zoneopt.evaluation.indicators import indicator_unit
from zoneopt.instance import (
    MONEY_LABEL,
    ClusterTarget,
    DesignationTarget,
    Instance,
    LevelTarget,
    Periods,
    UnmodelledTarget,
    ZoneCountTarget,
)
from zoneopt.models.rules import RuleInfo
from zoneopt.models.tracks import Track
from zoneopt.models.year_links import COMBINED, effect_values, organic_rate
from zoneopt.models.year_models import RowScales, year_suffix
from zoneopt.models.zone_years import ZoneYears
from zoneopt.plans.glossary import GLOSSARY, Amount, Phrase, Term, spoken

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

SHORT_PREFIX = "short:"
"""The name of a soft target's shortfall block: ``short:<rule>@<year>``."""


@dataclass(frozen=True)
class Figure:
    """A zone figure over the selected zones in one year: F(x) = A @ x + organic (natural
    units, one row per selected zone), its base-year value and the tracks that move it."""

    A: sp.csr_matrix
    organic: FloatArray
    base: FloatArray
    drivers: tuple[str, ...]
    owner: str

    def at(self, x: FloatArray) -> FloatArray:
        return np.asarray(self.A @ x[:self.A.shape[1]], dtype=float) + self.organic



def largest_allocation(tracks: Sequence[Track]) -> float:
    """A bound on any allocation column, model units: no zone gets more in a year than every
    pool and addition of the plan together."""
    return max((sum(tr.available(t) for t in tr.years) / float(tr.units.min()) for tr in tracks), default=0.0)


def base_year(periods: Periods) -> int:
    return periods.base_year if periods.base_year is not None else periods.years[0] - 1


def figure(metric: str, tracks: Sequence[Track], periods: Periods, instance: Instance, zt: ZoneTable,
           zones: IntArray, year: int, where: str, ncols: int) -> Figure:
    """The figure ``metric`` of ``zones`` in ``year`` as an affine function of the stacked
    model's columns. Raises :class:`InstanceError` naming each zone without the figure."""
    if metric not in zt.frame.columns:
        raise InstanceError([Issue(where, f"unknown metric {metric!r}")])
    V = zt.frame[metric].to_numpy(dtype=float)[zones]
    if np.isnan(V).any():
        raise InstanceError([Issue(f"zones[{zones[j]}].metrics", f"zone {zt.ids[zones[j]]!r} has no {metric}, "
                                                                 f"needed by {where}")
                             for j in np.flatnonzero(np.isnan(V))])
    mask = np.zeros(zt.size, dtype=bool)
    mask[zones] = True
    k = year - base_year(periods)
    vals: list[FloatArray] = []
    cols: list[IntArray] = []
    used: list[Track] = []
    for tr in tracks:  # a loop over tracks and their years
        found = effect_values(tr, metric, instance, zt, mask, where)
        if found is None:
            continue
        e, lag = found
        ez = e[zones]
        eligible = [j for j, s in enumerate(tr.years) if s + lag <= year]
        if not eligible or not np.any(ez != 0):
            continue
        vals += [ez * tr.units[j] for j in eligible]
        cols += [tr.columns(j, zones) for j in eligible]
        used.append(tr)
    rows = np.arange(zones.size)
    A = (sp.csr_matrix((np.concatenate(vals), (np.tile(rows, len(vals)), np.concatenate(cols))),
                       shape=(zones.size, ncols)) if vals else sp.csr_matrix((zones.size, ncols)))
    A.eliminate_zeros()
    owners = {tr.resource for tr in used}
    owner = owners.pop() if len(owners) == 1 else (COMBINED if owners else "")
    organic = V * (1.0 + organic_rate(periods, metric)) ** k
    return Figure(A, organic, V, tuple(tr.key for tr in used), owner)


@dataclass(frozen=True)
class TargetRecord:
    """A level or count target in one year as built: its figures (numerator and, for a
    ratio, denominator) over the selected zones, for the report."""

    rule: str
    target: LevelTarget | ZoneCountTarget
    year: int
    zones: IntArray
    num: Figure
    den: Figure | None
    short: VarBlock | None
    unit: str
    names: dict[str, str] = field(default_factory=dict)
    """The labels the instance declares its metrics with (:func:`metric_names`)."""

    def status_row(self, x: FloatArray, zt: ZoneTable) -> dict[str, object]:
        """Its row of :func:`target_status` in the plan ``x``."""
        t = self.target
        return {"rule": self.rule, "type": t.type, "source": t.cited, "year": self.year,
                "scope": spoken("tq.scope.each") if getattr(t, "per", "") == "zone"
                else spoken("tq.scope.zones", n=self.zones.size),
                "metric": t.metric if t.over is None else f"{t.metric}/{t.over}", "unit": self.unit,
                **_record_status(self, x, zt)}


class BuiltTarget(Protocol):
    """A target of the plan over years as built (a :class:`TargetRecord`, or a cluster target's
    :class:`~zoneopt.models.cluster_targets.ClusterRecord`): its rule id, the figures it is on
    (their owners say which resources it draws on) and its row of :func:`target_status`."""

    @property
    def rule(self) -> str: ...
    @property
    def num(self) -> Figure: ...
    @property
    def den(self) -> Figure | None: ...

    def status_row(self, x: FloatArray, zt: ZoneTable) -> dict[str, object]: ...


def due_years(t: LevelTarget | ZoneCountTarget | ClusterTarget, periods: Periods) -> tuple[int, ...]:
    if t.each_year:
        return periods.years
    return (t.year if t.year is not None else periods.years[-1],)


def _unit(instance: Instance, t: LevelTarget | ZoneCountTarget) -> str:
    return "share" if t.over is not None else metric_unit(instance, t.metric)


def metric_unit(instance: Instance, metric: str) -> str:
    """A target's unit for ``metric``: a declared metric's own, a built-in one's without /yr."""
    if metric in (instance.metrics or {}):
        return indicator_unit(metric, instance)
    return _builtin_unit(instance, metric)


def _builtin_unit(instance: Instance, name: str) -> str:
    return indicator_unit(name, instance).replace("/yr", "")


def _add_short(b: ModelBuilder, rid: str, n: int, hard: bool) -> VarBlock | None:
    return None if hard else b.add_vars(SHORT_PREFIX + rid, n, lb=0.0, ub=np.inf)


def _with_short(A: sp.csr_matrix, short: VarBlock | None, weight: FloatArray, sign: float, ncols: int) -> sp.csr_matrix:
    """A with the shortfall columns (one per row, coefficient sign × weight) added."""
    A = sp.csr_matrix(A, shape=(A.shape[0], ncols)) if A.shape[1] != ncols else A
    if short is None:
        return A
    n = A.shape[0]
    S = sp.csr_matrix((sign * weight, (np.arange(n), short.start + np.arange(n))), shape=(n, ncols))
    return sp.csr_matrix(A + S)


def add_year_targets(b: ModelBuilder, tracks: Sequence[Track], periods: Periods, instance: Instance, zt: ZoneTable,
                     scales: RowScales, rules: dict[str, RuleInfo], in_year: ZoneYears | None = None
                     ) -> tuple[TargetRecord, ...]:
    """The rows of every level and count target of ``periods.targets`` (targets not modelled
    are only listed: :func:`target_status`; designation targets are rows of the designation
    model). With ``in_year`` (the zones of each year after a designation) a target's zones of
    year t are those its selector picks by that year's levels that are zones in t."""
    out: list[TargetRecord] = []
    metric_labels = metric_names(instance)
    for j, t in enumerate(periods.targets or ()):  # a loop over targets and their years
        if isinstance(t, UnmodelledTarget):
            rules[t.id] = RuleInfo(t.id, t.type, t.cited, t.note or f"not modelled: {t.target} (needs {t.needs})")
            continue
        if isinstance(t, DesignationTarget):
            rules[t.id] = RuleInfo(t.id, t.type, t.cited, t.note or f"designation target: {t.at_least} zones")
            continue
        if isinstance(t, ClusterTarget):  # models/cluster_targets.py builds them
            continue
        where = f"periods.targets[{j}]"
        selected = np.flatnonzero(zt.select(t.select))
        for year in due_years(t, periods):
            zones = np.flatnonzero(in_year.select(t.select, year)) if in_year is not None else selected
            if zones.size == 0:
                raise InstanceError([Issue(f"{where}.select", f"target {t.id!r} selects no zone"
                                                              + (f" in {year}" if in_year is not None else ""))])
            rid = t.id + year_suffix(year)
            num = figure(t.metric, tracks, periods, instance, zt, zones, year, where + ".metric", b.num_vars)
            den = (figure(t.over, tracks, periods, instance, zt, zones, year, where + ".over", b.num_vars)
                   if t.over is not None else None)
            names: list[str] = []
            if isinstance(t, LevelTarget):
                short = _level_rows(b, t, rid, num, den, where, zt, zones, names)
            else:
                short = _count_rows(b, t, rid, num, den, tracks, zones, zt, names)
            owners = {f.owner for f in (num, den) if f is not None and f.owner}
            owner = owners.pop() if len(owners) == 1 else (COMBINED if owners else "")
            for name in names:  # the target's row blocks
                scales[name] = (1.0, _unit(instance, t), owner)
            rules[rid] = RuleInfo(rid, t.type, t.cited, t.note or f"{t.type} target on {t.metric} ({year})")
            out.append(TargetRecord(rid, t, year, zones, num, den, short, _unit(instance, t), metric_labels))
    return tuple(out)


def _scaled(A: sp.csr_matrix, lb: FloatArray) -> tuple[sp.csr_matrix, FloatArray, FloatArray]:
    """Rows scaled to their largest coefficient (or right-hand side): (A / s, lb / s, s)."""
    top = np.asarray(abs(A).max(axis=1).todense()).ravel() if A.nnz else np.zeros(A.shape[0])
    s = np.where(top > 0, top, np.maximum(np.abs(lb), 1.0))
    return sp.csr_matrix(sp.diags(1.0 / s) @ A), lb / s, s


def _level_rows(b: ModelBuilder, t: LevelTarget, rid: str, num: Figure, den: Figure | None, where: str,
                zt: ZoneTable, zones: IntArray, names: list[str]) -> VarBlock | None:
    """Rows of a level (or share) target: per zone, in total or on average, at least and/or
    at most its bounds; a ratio multiplied out (N − v·D), an average of ratios only when no
    allocation moves the denominator."""
    n = zones.size
    if t.per == "zone":
        agg = sp.identity(n, format="csr")
    else:
        agg = sp.csr_matrix(np.ones((1, n)))
    if t.per == "mean" and den is not None:
        if den.A.nnz:
            raise InstanceError([Issue(f"{where}.per", f"target {t.id!r}: an average of ratios is linear only "
                                                       f"when no allocation moves {t.over!r} (its effects move it): "
                                                       "use per 'total' or 'zone'")])
        d = den.organic
        if (d <= 0).any():
            raise InstanceError([Issue(f"{where}.over", f"target {t.id!r}: zone {zt.ids[zones[d <= 0][0]]!r} has "
                                                        f"{t.over} ≤ 0")])
        agg = sp.csr_matrix(agg @ sp.diags(1.0 / d))
    count = float(n) if t.per == "mean" else 1.0
    short: VarBlock | None = None
    sides = [("min", t.at_least, 1.0), ("max", t.at_most, -1.0)]
    for side, bound, sign in sides:
        if bound is None:
            continue
        if den is None or t.per == "mean":
            A = agg @ num.A
            rhs = bound * (count if t.per == "mean" else 1.0) - agg @ num.organic
        else:  # N − v·D ≥ 0 (≤ 0)
            A = agg @ (num.A - bound * den.A)
            rhs = -(agg @ (num.organic - bound * den.organic))
        A, rhs, s = _scaled(sp.csr_matrix(A * sign), np.asarray(rhs, dtype=float) * sign)
        block = _add_short(b, f"{rid}:{side}", A.shape[0], t.is_hard)
        short = short or block
        weight = np.maximum(np.abs(bound * (count if t.per == "mean" else 1.0)), 1e-9) / s if den is None or \
            t.per == "mean" else np.maximum(np.abs(np.asarray(agg @ (bound * den.organic), dtype=float)), 1e-9) / s
        A = _with_short(A, block, weight, 1.0, b.num_vars)
        name = f"{rid}:{side}" if t.at_least is not None and t.at_most is not None else rid
        b.add_rows(name, A, lb=rhs, rule=rid, source=t.cited,
                   labels=zt.ids[zones].tolist() if t.per == "zone" else [t.per])
        names.append(name)
    return short


def _count_rows(b: ModelBuilder, t: ZoneCountTarget, rid: str, num: Figure, den: Figure | None,
                tracks: Sequence[Track], zones: IntArray, zt: ZoneTable, names: list[str]) -> VarBlock | None:
    """z_i ∈ {0, 1} per selected zone, F_i − θ D_i ≥ L_i (1 − z_i) with L_i ≤ min F_i − θ D_i
    (no row where the zone reaches θ whatever the plan), Σ z_i ≥ N."""
    theta = t.threshold
    A = num.A - theta * den.A if den is not None else num.A
    c = num.organic - theta * (den.organic if den is not None else 1.0)
    return reach_rows(b, rid, A, c, tracks, zt.ids[zones].tolist(), required_count(t, zones.size), t.is_hard,
                      t.cited, names, bound_always=den is not None)


def reach_rows(b: ModelBuilder, rid: str, A: sp.csr_matrix, c: FloatArray, tracks: Sequence[Track],
               labels: list[str], required: float, hard: bool, source: str | None, names: list[str],
               bound_always: bool = False) -> VarBlock | None:
    """The rows of a count over the rows of the affine figure A x + c (c its value with no
    allocation, less the threshold): z_j ∈ {0, 1} per row (block ``reach:<rid>``), A_j x + c_j ≥
    L_j (1 − z_j) with L_j a lower bound of A_j x + c_j (no row where c_j ≥ 0 and nothing can
    lower it: reached whatever the plan), and Σ z_j ≥ ``required`` (less N·s when soft). L_j is c_j
    less what the allocations could take off at most — every coefficient at the largest
    allocation (:func:`largest_allocation`) — when some coefficient is negative (or
    ``bound_always``), else c_j itself. Returns the shortfall block of a soft count."""
    n = A.shape[0]
    low = c
    if bound_always or (A.data < 0).any():
        low = c - np.asarray(abs(A).sum(axis=1)).ravel() * largest_allocation(tracks)
    z = b.add_vars("reach:" + rid, n, lb=0.0, ub=1.0, integer=True, labels=labels)
    rows = np.flatnonzero(low < 0)
    if rows.size:
        Z = sp.csr_matrix((low[rows], (np.arange(rows.size), z.start + rows)), shape=(rows.size, b.num_vars))
        M = sp.csr_matrix(A[rows], shape=(rows.size, b.num_vars)) + Z
        Ms, rhs, _ = _scaled(sp.csr_matrix(M), low[rows] - c[rows])
        b.add_rows(f"{rid}:reach", Ms, lb=rhs, rule=rid, source=source,
                   labels=np.asarray(labels, dtype=object)[rows].tolist())
        names.append(f"{rid}:reach")
    short = _add_short(b, rid, 1, hard)
    S = sp.csr_matrix((np.ones(n), (np.zeros(n, dtype=np.int64), z.start + np.arange(n))), shape=(1, b.num_vars))
    S = _with_short(S, short, np.array([max(required, 1.0)]), 1.0, b.num_vars)
    b.add_rows(rid, S, lb=required, rule=rid, source=source, labels=["count"])
    names.append(rid)
    return short


def required_count(t: ZoneCountTarget, n: int) -> float:
    return float(t.at_least) if t.at_least is not None else float(np.ceil((t.at_least_share or 0.0) * n - 1e-9))


# -- status in the solved plan -----------------------------------------------------------------

STATUS_COLUMNS = ["rule", "type", "source", "year", "scope", "metric", "unit", "required", "achieved", "status",
                  "diagnosis"]


def _fmt(v: float) -> str:
    return f"{v:,.4g}" if abs(v) < 1e5 else f"{v:,.0f}"


_MONEY = tuple(MONEY_LABEL.values()) + ("万元", "亿元")


def said(v: float, unit: str, with_unit: bool = True) -> object:
    """A target's figure as a :func:`spoken` field: money an :class:`Amount` (a display says it
    in the unit it shows money in), other figures as written, with their unit's word."""
    if unit.split("/")[0] in _MONEY:
        return Amount(float(v), unit.split("/")[0])
    if not with_unit or not unit:
        return _fmt(v)
    return Phrase.of("tq.amount", v=_fmt(v), unit=Term(f"tunit.{unit}") if f"tunit.{unit}" in GLOSSARY else unit)


def metric_names(instance: Instance) -> dict[str, str]:
    """The labels the instance declares its metrics with (创新引领型龙头企业 for
    ``innovation_leaders``), by metric."""
    return {name: m.label for name, m in (instance.metrics or {}).items() if m.label}


def metric_said(metric: str, over: str | None = None, names: dict[str, str] | None = None) -> object:
    """A target's figure as a :func:`spoken` field: the glossary's word, else the label the
    instance declares it with (``names``), else its name; a ratio as num/den."""
    def one(m: str) -> object:
        return Term(f"indicator.{m}") if f"indicator.{m}" in GLOSSARY else (names or {}).get(m, m)
    return one(metric) if over is None else Phrase.of("tq.ratio", num=one(metric), den=one(over))


def _bound(lo: float, hi: float, unit: str) -> object:
    parts = ([Phrase.of("tq.ge", v=said(lo, unit, False))] if np.isfinite(lo) else []) + (
        [Phrase.of("tq.le", v=said(hi, unit, False))] if np.isfinite(hi) else [])
    return Phrase.of("tq.between", lo=parts[0], hi=parts[1]) if len(parts) == 2 else parts[0] if parts else ""


def _record_status(r: TargetRecord, x: FloatArray, zt: ZoneTable) -> dict[str, object]:
    t = r.target
    num = r.num.at(x)
    den = r.den.at(x) if r.den is not None else None
    with np.errstate(divide="ignore", invalid="ignore"):
        per_zone = num / den if den is not None else num
    tol = 1e-6
    if isinstance(t, ZoneCountTarget):
        reached = per_zone >= t.threshold * (1 - tol) - tol
        required = required_count(t, r.zones.size)
        achieved = float(reached.sum())
        met = achieved >= required - 1e-9
        organic_n = int(((r.num.organic / r.den.organic if r.den is not None else r.num.organic)
                         >= t.threshold * (1 - tol) - tol).sum())
        what = metric_said(t.metric, t.over, r.names)
        threshold = said(t.threshold, r.unit, False)
        why = "" if met else spoken(
            "tq.count_short", achieved=f"{achieved:g}", zones=r.zones.size, metric=what, threshold=threshold,
            required=f"{required:g}", gap=f"{required - achieved:g}", organic=organic_n,
            no_effect="" if r.num.drivers else Phrase.of("tq.no_effect", metric=metric_said(t.metric, None, r.names)))
        return {"required": spoken("tq.count_req", n=f"{required:g}", metric=what, threshold=threshold),
                "achieved": f"{achieved:g}", "status": "met" if met else "short", "diagnosis": why}
    if t.per == "zone":
        value = per_zone
    elif t.per == "mean":
        value = np.array([float(np.mean(per_zone))])
    else:
        value = np.array([num.sum() / den.sum() if den is not None else num.sum()])
    lo = t.at_least if t.at_least is not None else -np.inf
    hi = t.at_most if t.at_most is not None else np.inf
    bad = (value < lo - tol * max(1.0, abs(lo))) | (value > hi + tol * max(1.0, abs(hi)))
    shown = _fmt(float(value.min() if np.isfinite(lo) else value.max())) if t.per != "zone" else (
        spoken("tq.zones_of", k=int((~bad).sum()), n=value.size))
    why = ""
    if bad.any():
        organic = (r.num.organic.sum() / r.den.organic.sum() if r.den is not None else r.num.organic.sum()) \
            if t.per == "total" else None
        gap = float(np.max(np.maximum(lo - value, value - hi)))
        driven = bool(r.num.drivers or (r.den is not None and r.den.drivers))
        why = spoken(
            "tq.level_short", upto=Phrase.of("tq.up_to") if t.per == "zone" else "", gap=said(gap, r.unit),
            organic=Phrase.of("tq.organic_alone", v=said(organic, r.unit, False)) if organic is not None else "",
            zones=Phrase.of("tq.zones_short", ids=", ".join(zt.ids[r.zones[bad]][:8].tolist()))
            if t.per == "zone" else "",
            no_effect="" if driven else Phrase.of("tq.no_effect", metric=metric_said(t.metric, t.over, r.names)),
            least="" if t.is_hard or not driven else Phrase.of("tq.least"))
    return {"required": spoken("tq.level_req", per=Term(f"tq.per.{t.per}"), bound=_bound(lo, hi, r.unit)),
            "achieved": shown, "status": "short" if bad.any() else "met", "diagnosis": why}


def _growth_unit(instance: Instance | None, metric: str) -> str:
    if instance is None:
        return ""
    try:
        return _builtin_unit(instance, metric)
    except InstanceError:
        return ""


def target_status(records: Sequence[BuiltTarget], growth: Sequence[object], periods: Periods, x: FloatArray,
                  zt: ZoneTable, growth_achieved: pd.DataFrame, designation: pd.DataFrame | None = None,
                  instance: Instance | None = None) -> pd.DataFrame:
    """One row per target and year — growth, level, share, count, designation and not
    modelled — with what it requires, what the plan achieves, ``met`` / ``short`` / ``not
    modelled`` and, when short or not modelled, why. ``designation``: the designation plan's
    target rows (:attr:`~zoneopt.plans.designation.DesignationPlan.targets`); a designation
    target without one (the designation not solved) is reported not modelled. The sentences
    are :func:`~zoneopt.plans.glossary.spoken` (a display says them in its language, money from
    ``instance``'s metrics in the unit it shows)."""
    rows: list[dict[str, object]] = []
    if not growth_achieved.empty:
        for rule, g in growth_achieved.groupby("rule", sort=False):  # a loop over growth rows
            first = g.iloc[0]
            short = g["slack"] < -1e-6 * np.maximum(1.0, g["required"].abs())
            unit = _growth_unit(instance, str(first["metric"]))
            rows.append({
                "rule": rule, "type": "growth", "source": first["source"], "year": int(first["year"]),
                "scope": "total" if len(g) == 1 else spoken("tq.scope.zones", n=len(g)),
                "metric": first["metric"], "unit": "rate/yr",
                "required": spoken("tq.rate_req", rate=f"{first['required_rate']:.2%}"),
                "achieved": spoken("tq.rate", rate=f"{g['achieved_rate'].min():.2%}"),
                "status": "short" if short.any() else "met",
                "diagnosis": "" if not short.any() else spoken(
                    "tq.growth_short", gap=said(float(-g["slack"].min()), unit, False),
                    organic=said(float(g["organic"].sum()), unit, False),
                    added=said(float((g["achieved"] - g["organic"]).sum()), unit, False),
                    required=said(float(g["required"].sum()), unit, False),
                    no_effect="" if g["driven_by"].iloc[0] else Phrase.of("tq.no_effect_it"))})
    rows += [r.status_row(x, zt) for r in records]  # the level, count and cluster targets
    solved = designation.set_index("rule") if designation is not None and not designation.empty else None
    for d in periods.targets or ():  # the designation targets: rows of the designation plan
        if not isinstance(d, DesignationTarget):
            continue
        if solved is not None and d.id in solved.index:
            rows.append({"rule": d.id, **solved.loc[d.id].to_dict()})
        else:
            rows.append({"rule": d.id, "type": d.type, "source": d.cited, "year": d.year or periods.years[-1],
                         "scope": "", "metric": d.part, "unit": "zones",
                         "required": spoken("tq.at_least_zones", n=d.at_least),
                         "achieved": "", "status": "not modelled", "diagnosis": spoken("tq.designation_unsolved")})
    for u in periods.targets or ():  # the targets no model here decides
        if not isinstance(u, UnmodelledTarget):
            continue
        now = Phrase.of("tq.match_now", k=int(zt.select(u.select).sum())) if u.select is not None else ""
        rows.append({"rule": u.id, "type": u.type, "source": u.cited, "year": periods.years[-1], "scope": "",
                     "metric": "", "unit": u.unit, "required": f"{u.target}" + (
                         f" ({u.value:g} {u.unit})" if u.value is not None else ""), "achieved": "",
                     "status": "not modelled", "diagnosis": spoken("tq.needs", needs=u.needs, now=now)})
    return pd.DataFrame(rows, columns=STATUS_COLUMNS)


__all__ = ["Figure", "TargetRecord", "BuiltTarget", "figure", "reach_rows", "due_years", "said", "metric_said",
           "metric_names",
           "metric_unit", "largest_allocation", "add_year_targets", "target_status", "SHORT_PREFIX",
           "required_count", "STATUS_COLUMNS"]
