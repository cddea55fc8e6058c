"""The rows that link a track's years in the stacked model (``models/multi-period.md``): the
pool balance with carry-over of unused amounts, ramp limits, the change variables smoothing
charges, the resource's rules on each
zone's total over the years, and growth targets on zone figures driven by the allocations of
one or several tracks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp

from zoneopt.core.model import ModelBuilder, VarBlock
from zoneopt.data.requests import fund_requests
from zoneopt.data.zones import ZoneTable
from zoneopt.errors import InfeasibleError, InstanceError, Issue
from zoneopt.evaluation.indicators import indicator
from zoneopt.instance import MONEY_LABEL, Effect, GrowthMetric, GrowthTarget, Instance, LeverageCap, Periods
from zoneopt.models.funds import leverage_rows
from zoneopt.models.rules import RuleInfo, ZoneTotals, add_zone_rules
from zoneopt.models.tracks import EffectSpec, RampSpec, Track
from zoneopt.models.year_models import RowScales, year_suffix
from zoneopt.models.zone_years import ZoneYears

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]

CUMULATIVE_SUFFIX = "@all"
"""The end of a cumulative rule's block names (``<id><tag>@all``)."""


def _x_matrix(starts: Sequence[int], coefs: Sequence[float] | FloatArray, zones: IntArray, ncols: int,
              row_of_zone: IntArray | None = None) -> sp.csr_matrix:
    """Rows over the allocation columns of several years (``starts``: each year's first
    column): entry (row of zone i, x_{i,t}) = coefs[t]. ``row_of_zone`` gives each zone's row
    (default: one row per zone)."""
    rows_z = np.arange(zones.size) if row_of_zone is None else row_of_zone
    nrows = int(rows_z.max()) + 1 if rows_z.size else 0
    if not len(starts):
        return sp.csr_matrix((nrows, ncols))
    r = np.tile(rows_z, len(starts))
    c = np.concatenate([s + zones for s in starts])
    v = np.repeat(np.asarray(coefs, dtype=float), zones.size)
    return sp.csr_matrix((v, (r, c)), shape=(nrows, ncols))


# -- pool balance, ramps and cumulative rules ----------------------------------------------------

def pool_balance(b: ModelBuilder, tr: Track, scales: RowScales, rules: dict[str, RuleInfo]) -> VarBlock:
    """u_t ≥ 0 and, per year, Σ_i x_{i,t} + u_t − c·u_{t−1} = Q_t + a_t (model units of σ)."""
    T, sigma, c = len(tr.years), tr.sigma, tr.carry_over
    name = "unused" + tr.tag
    u = b.add_vars(name, T, lb=0.0, ub=0.0 if tr.exact else np.inf, labels=[str(t) for t in tr.years])
    n = tr.request.size
    source = tr.pool_source if c == 0 else "; ".join(s for s in (tr.pool_source, tr.carry_over_source) if s)
    what = {"land": "land pool", "emissions": f"{tr.key} allowances", "funds": "fund budget"}[tr.resource]
    for k, t in enumerate(tr.years):  # a loop over years
        A = _x_matrix([int(tr.x_start[k])], [tr.units[k] / sigma], np.arange(n), b.num_vars,
                      np.zeros(n, dtype=np.int64))
        extra = [(u.start + k, 1.0)] + ([(u.start + k - 1, -c)] if k > 0 and c > 0 else [])
        A = A + sp.csr_matrix(([v for _, v in extra], ([0] * len(extra), [j for j, _ in extra])), shape=A.shape)
        rhs = tr.available(t) / sigma
        rid = tr.pool_rule + year_suffix(t)
        b.add_rows(rid, A, lb=rhs, ub=rhs, rule=rid, source=source or None, labels=["total"])
        scales[rid] = (sigma, tr.unit, tr.resource)
        note = f"{what} {t}: {tr.pools[t]:,.6g} {tr.unit}" + (
            f" + {tr.additions[t]:,.6g} {tr.unit} " + ("returned" if tr.resource == "land" else "added")
            if tr.additions[t] else "") + (f" + {c:g} × unused of {tr.years[k - 1]}" if k > 0 and c > 0 else "")
        rules[rid] = RuleInfo(rid, "pool", source or None, note)
    return u


def _ramp_base(ramp: RampSpec, tr: Track, zt: ZoneTable) -> FloatArray:
    if ramp.of == "request":
        return np.nan_to_num(tr.request, nan=0.0)
    if ramp.of == "land_area":
        return zt.frame["land_area_mu"].to_numpy(dtype=float)
    return np.zeros(zt.size)


def add_ramps(b: ModelBuilder, tr: Track, zt: ZoneTable, scales: RowScales, rules: dict[str, RuleInfo]) -> None:
    """Per ramp and year t: σ_t x_t − (1±s) σ_{t−1} x_{t−1} within ±p (``of: previous``), or
    σ_t x_t − σ_{t−1} x_{t−1} within ±(s·B + p); the first year against ``previous``."""
    sigma = tr.sigma
    for ramp in tr.ramps:  # a loop over ramp rules and years
        mask = zt.select(ramp.select)
        base = _ramp_base(ramp, tr, zt)
        prev_given = np.full(zt.size, np.nan)
        if ramp.previous:
            idx = pd.Index(zt.ids).get_indexer(list(ramp.previous))
            prev_given[idx] = np.array(list(ramp.previous.values()), dtype=float)
        for k, t in enumerate(tr.years):
            zones = np.flatnonzero(mask & ~np.isnan(prev_given)) if k == 0 else np.flatnonzero(mask)
            if zones.size == 0:
                continue
            A = _x_matrix([int(tr.x_start[k])], [tr.units[k] / sigma], zones, b.num_vars)
            if ramp.of == "previous":
                up_mult, down_mult = 1.0 + ramp.share, 1.0 - ramp.share
                up_rhs = np.full(zones.size, ramp.plus / sigma)
            else:
                up_mult = down_mult = 1.0
                up_rhs = (ramp.share * base[zones] + ramp.plus) / sigma
            rid = ramp.id + tr.tag + year_suffix(t)
            labels = zt.ids[zones].tolist()
            for side, mult, bounds in (("up", up_mult, {"ub": up_rhs}), ("down", down_mult, {"lb": -up_rhs})):
                if ramp.direction not in ("both", side):
                    continue
                if k > 0:
                    rows = A - mult * _x_matrix([int(tr.x_start[k - 1])], [tr.units[k - 1] / sigma], zones,
                                                b.num_vars)
                    rhs = bounds
                else:  # the first year: the previous allocation is a constant
                    rows = A
                    rhs = {key: val + mult * prev_given[zones] / sigma for key, val in bounds.items()}
                name = f"{ramp.id}{tr.tag}:{side}{year_suffix(t)}"
                b.add_rows(name, rows, rule=rid, source=ramp.source, labels=labels, **rhs)
                scales[name] = (sigma, tr.unit, tr.resource)
            prev_year = tr.years[k - 1] if k > 0 else "the year before"
            rules[rid] = RuleInfo(rid, "ramp", ramp.source,
                                  ramp.note or f"change of {tr.key} from {prev_year} to {t} at most "
                                               f"{ramp.share:g} × {ramp.of} + {ramp.plus:g} {tr.unit}")


def add_smoothing(b: ModelBuilder, tr: Track, zt: ZoneTable, scales: RowScales) -> VarBlock | None:
    """The change variables of a smoothed track (penalty λ > 0, more than one year): per zone
    and year t after the first, d_{i,t} ≥ 0 with d_{i,t} ≥ ±(σ_t x_{i,t} − σ_{t−1} x_{i,t−1}) / σ,
    so d_{i,t} = |x_{i,t} − x_{i,t−1}| (model units of σ) wherever the objective charges it. Its
    rows carry no rule (they are the objective's, not a limit): block ``change<tag>:up`` and
    ``:down``. Returns the block of d, year-major; None when the track is not smoothed."""
    T, n = len(tr.years), zt.size
    if tr.penalty <= 0 or T < 2 or n == 0:
        return None
    sigma = tr.sigma
    labels = [f"{z}{year_suffix(t)}" for t in tr.years[1:] for z in zt.ids.tolist()]
    d = b.add_vars("change" + tr.tag, n * (T - 1), lb=0.0, labels=labels)
    zones = np.arange(n)
    delta = sp.vstack([_x_matrix([int(tr.x_start[k]), int(tr.x_start[k - 1])],
                                 [tr.units[k] / sigma, -tr.units[k - 1] / sigma], zones, b.num_vars)
                       for k in range(1, T)], format="csr")  # a loop over years
    eye = sp.csr_matrix((np.ones(d.size), (np.arange(d.size), d.start + np.arange(d.size))),
                        shape=(d.size, b.num_vars))
    for side, sign in (("up", -1.0), ("down", 1.0)):
        name = f"change{tr.tag}:{side}"
        b.add_rows(name, eye + sign * delta, lb=0.0, labels=labels)
        scales[name] = (sigma, tr.unit, tr.resource)
    return d


def add_cumulative_rules(b: ModelBuilder, tr: Track, instance: Instance, zt: ZoneTable, by_rule: RowScales,
                         rules: dict[str, RuleInfo]) -> None:
    """The resource's rules on each zone's total over the years (the pool: every year's pool
    and additions; a zone's request: its yearly request × the number of years). The rules keep
    their own ids (each is stated for one track); their blocks end in ``<tag>@all``; ``by_rule``
    gets each rule's row unit."""
    if not tr.cumulative:
        return
    n, sigma = zt.size, tr.sigma
    E = _x_matrix([int(s) for s in tr.x_start], tr.units / sigma, np.arange(n), b.num_vars)
    total = sum(tr.available(t) for t in tr.years) / sigma
    request = tr.request * len(tr.years)
    add_zone_rules(b, tr.cumulative, ZoneTotals(E, sigma, total, request, tr.tag + CUMULATIVE_SUFFIX), instance, zt,
                   rules)
    investment = fund_requests(instance)[1]
    for _, rule in tr.cumulative:  # a loop over rules; fund leverage caps are per zone (the schema says so)
        by_rule[rule.id] = (sigma, tr.unit, tr.resource)
        if isinstance(rule, LeverageCap):
            rules[rule.id] = RuleInfo(rule.id, rule.type, rule.cited, rule.note)
            leverage_rows(b, rule, E, investment, zt.select(rule.select), sigma, zt.ids.tolist())


# -- growth targets ------------------------------------------------------------------------------

COMBINED = "combined"
"""The owner of a growth-target row that draws on several resources."""


@dataclass(frozen=True)
class GrowthRow:
    """The rows of one growth target in one year, to report what they require and achieve."""

    rule: str
    target: GrowthTarget
    year: int
    k: int
    """years since the base year."""
    block: str
    zones: IntArray
    """the zones each row covers: one row per zone (``per: zone``) or one row for all."""
    base: FloatArray
    """the figure in the base year, per row (money unit)."""
    organic: FloatArray
    """the figure in year t without new allocations, per row."""
    required: FloatArray
    """(1 + r)^k × base, per row."""
    scale: float
    """money per model unit of the rows."""
    drivers: tuple[str, ...] = ()
    """the tracks whose allocations move the rows."""
    owner: str = ""
    """the resource they draw on, :data:`COMBINED` for several, "" for none."""
    short: VarBlock | None = None
    """a soft target's shortfalls (relative to what is required), one per row."""


def _effect(periods: Periods, metric: GrowthMetric) -> Effect:
    found = next((e for e in periods.effects if e.metric == metric), None)
    return found if found is not None else Effect(metric=metric)


def organic_rate(periods: Periods, metric: GrowthMetric) -> float:
    """The yearly rate at which a zone figure grows without new allocations (its land effect's
    ``organic_growth``; 0 without one)."""
    return _effect(periods, metric).organic_growth


def effect_values(tr: Track, metric: GrowthMetric, instance: Instance, zt: ZoneTable, mask: BoolArray,
                   where: str) -> tuple[FloatArray, int] | None:
    """A track's effect on ``metric`` per natural unit, per zone, and its lag; None when the
    track has no effect on it. Land's default is the zone's own 亩均 figure (on the existing
    land, ``land_area_mu``: 1, a new mu adds a mu; a metric the instance declares has none:
    it moves only by the effects stated); the funds' default on tax the expected tax per unit
    of fund requested; a pollutant has no default."""
    spec = next((e for e in tr.effects if e.metric == metric), None)
    if spec is None:
        if tr.resource != "land" or metric in (instance.metrics or {}):
            return None  # a named metric moves only by the effects stated
        if metric == "land_area_mu":
            return np.ones(zt.size), 1
        spec = EffectSpec(metric, None, 1, f"{where} (default effect {metric}_per_mu)")
    if isinstance(spec.per, (int, float)):
        return np.full(zt.size, float(spec.per)), spec.lag
    if spec.per is not None or tr.resource == "land":
        name = spec.per if spec.per is not None else f"{metric}_per_mu"
        return indicator(instance, name, field=spec.where, among=mask, table=zt), spec.lag
    if tr.resource == "funds" and metric == "tax":
        amount, _, tax = fund_requests(instance)
        asked = np.nan_to_num(amount, nan=0.0) > 0
        missing = mask & asked & np.isnan(tax)
        if missing.any():
            raise InstanceError([Issue(f"zones[{k}].requests.funds.expected_tax",
                                       f"zone {zt.ids[k]!r} asks for funds but gives no expected_tax, needed by the "
                                       f"default tax effect of the funds ({spec.where})")
                                 for k in np.flatnonzero(missing)])
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(asked, np.nan_to_num(tax, nan=0.0) / np.where(asked, amount, 1.0), 0.0), spec.lag
    raise InstanceError([Issue(spec.where, f"give per_unit: the {metric} each unit of {tr.key} adds "
                                           f"({MONEY_LABEL[instance.units.money]} per {tr.unit} per year)")])


def add_growth_targets(b: ModelBuilder, tracks: Sequence[Track], periods: Periods, instance: Instance, zt: ZoneTable,
                       scales: RowScales, rules: dict[str, RuleInfo], money: str,
                       in_year: ZoneYears | None = None) -> tuple[GrowthRow, ...]:
    """Rows Σ_r Σ_{s ≤ t−ℓ_r} Σ_{i∈S} e_{r,i} x_{r,i,s} ≥ Σ_{i∈S} V_i ((1+r)^k − (1+g)^k), per
    target and year (the last year, or every year with ``each_year``), per zone or for all
    selected; r runs over the tracks with an effect on the target's metric. ``in_year``
    (the zones of each year after a designation: :class:`~zoneopt.models.zone_years.ZoneYears`)
    makes S of year t the zones selected by that year's levels that are zones in t (a
    designation's candidates from their year, its converted zones until theirs)."""
    out: list[GrowthRow] = []
    base_year = periods.base_year if periods.base_year is not None else periods.years[0] - 1
    for g, target in enumerate(periods.growth):  # a loop over targets and years
        where = f"periods.growth[{g}]"
        due = periods.years if target.each_year else ((target.year,) if target.year is not None else periods.years[-1:])
        mask = zt.select(target.select) if in_year is None else in_year.selected_any(target.select, due)
        zones = np.flatnonzero(mask)
        if zones.size == 0:
            raise InstanceError([Issue(f"{where}.select", f"growth target {target.id!r} selects no zone")])
        organic_growth = _effect(periods, target.metric).organic_growth
        drivers = []
        for tr in tracks:
            found = effect_values(tr, target.metric, instance, zt, mask, where)
            if found is not None:
                drivers.append((tr, found[0], found[1]))
        V = zt.frame[target.metric].to_numpy(dtype=float)
        missing = mask & np.isnan(V)
        if missing.any():
            raise InstanceError([Issue(f"zones[{k}].metrics.{target.metric}",
                                       f"zone {zt.ids[k]!r} has no {target.metric}, needed by growth target "
                                       f"{target.id!r}") for k in np.flatnonzero(missing)])
        per_zone = target.per == "zone"
        mean = target.per == "mean"
        if mean and (V[zones] <= 0).any():
            bad = zt.ids[zones[V[zones] <= 0][0]]
            raise InstanceError([Issue(f"{where}.per", f"growth target {target.id!r} on average needs each zone's "
                                                       f"{target.metric} > 0 (zone {bad!r})")])
        selected = zones
        for t in due:
            zones = selected[in_year.select(target.select, t)[selected]] if in_year is not None else selected
            if zones.size == 0:
                continue
            coef = 1.0 / V[zones] if mean else np.ones(zones.size)  # on average: growth factors level_i / V_i
            row_of = np.arange(zones.size) if per_zone else np.zeros(zones.size, dtype=np.int64)
            nrows = zones.size if per_zone else 1
            k = t - base_year
            rid = target.id + year_suffix(t)
            short = None if target.is_hard else b.add_vars("short:" + rid, nrows, lb=0.0)
            vals: list[FloatArray] = []
            cols: list[IntArray] = []
            used: list[Track] = []
            for tr, e, lag in drivers:  # entry e_i σ_s on x_{i,s}, s + lag ≤ t
                ez = e[zones] * coef
                eligible = [j for j, s in enumerate(tr.years) if s + lag <= t]
                if not eligible or not np.any(ez != 0):
                    continue
                vals += [ez * tr.units[j] for j in eligible]
                cols += [tr.columns(j, zones) for j in eligible]
                used.append(tr)
            A = sp.csr_matrix((np.concatenate(vals), (np.tile(row_of, len(vals)), np.concatenate(cols))),
                              shape=(nrows, b.num_vars)) if vals else sp.csr_matrix((nrows, b.num_vars))
            A.eliminate_zeros()  # a zone with no effect does not make its row movable
            base = np.bincount(row_of, weights=V[zones] * coef, minlength=nrows).astype(np.float64)
            organic = np.asarray(base * (1.0 + organic_growth) ** k, dtype=np.float64)
            required = np.asarray(base * (1.0 + target.rate) ** k, dtype=np.float64)
            need = required - organic
            scale = float(np.abs(A.data).max()) if A.nnz else 1.0
            scale = scale if scale > 0 else 1.0
            empty = (np.diff(A.indptr) == 0) & (need > 1e-9 * np.maximum(1.0, np.abs(required)))
            if empty.any() and target.is_hard:
                who = "the selected zones" if not per_zone else ", ".join(repr(z) for z in zt.ids[zones[empty]][:5])
                lag_txt = "/".join(str(v) for v in sorted({lag for *_, lag in drivers})) or "ℓ"
                raise InfeasibleError(
                    f"growth target `{rid}`" + (f" ({target.cited})" if target.cited else "")
                    + f" cannot hold: {who} need {need[empty].sum():,.6g} {money} more {target.metric} in {t} than "
                    f"organic growth gives, but no allocation can add to it by then (an allocation of year s counts "
                    f"from s + {lag_txt}; or no effect on {target.metric})")
            owners = {tr.resource for tr in used}
            owner = owners.pop() if len(owners) == 1 else (COMBINED if owners else "")
            if short is not None:  # a soft target: + |required| × shortfall (a share of what is required)
                A = sp.csr_matrix(A + sp.csr_matrix((np.maximum(np.abs(required), 1e-9), (
                    np.arange(nrows), short.start + np.arange(nrows))), shape=A.shape))
            b.add_rows(rid, A / scale, lb=need / scale, rule=rid, source=target.cited,
                       labels=zt.ids[zones].tolist() if per_zone else [target.per])
            scales[rid] = (scale, money, owner)
            rules[rid] = RuleInfo(rid, "growth", target.cited, target.note or (
                f"{target.metric} of the selected zones {'each ' if per_zone else ''}"
                f"{'on average ' if mean else ''}≥ (1 + {target.rate:g})^{k} × {base_year} level in {t}"))
            out.append(GrowthRow(rid, target, t, k, rid, zones if per_zone else zones[:0], base, organic, required,
                                 scale, tuple(tr.key for tr in used), owner, short))
    return tuple(out)


__all__ = ["GrowthRow", "COMBINED", "CUMULATIVE_SUFFIX", "pool_balance", "add_ramps", "add_smoothing",
           "add_cumulative_rules", "add_growth_targets"]
