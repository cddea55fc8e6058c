"""The land plan over years (default 2021–2025, the 14th five-year plan, 2022 第二章第四节): one
land-quota model per year, stacked block-diagonally, linked by the pool balance with carry-over
of unused quota, ramp limits, cumulative rules over the years and growth targets on zone
figures driven by the land (2022 专栏一: 生产总值年均增速 7.5%).

The mathematics, each constraint and its clause are in ``models/multi-period.md``. In short,
with x_{i,t} the land (mu) zone i gets in year t and u_t the pool left unused:

* each year holds the single-year model of :mod:`zoneopt.models.land_quota` (its rules, on the
  year's pool Q_t + a_t), built by :func:`~zoneopt.models.land_quota.build_land_model` and
  stacked with :func:`zoneopt.core.stack.stack` (block names and rule ids get ``@<year>``);
* pool balance (rule ``land-total@t``): Σ_i x_{i,t} + u_t = Q_t + a_t + c · u_{t−1} (a_t land
  returned that year, c the carry-over share; u_t = 0 for an exact pool);
* ramps (rule ``<id>@t``): |x_{i,t} − x_{i,t−1}| ≤ s · B_i + p;
* cumulative rules (their own ids): the land rules on Σ_t x_{i,t};
* growth targets (rule ``<id>@t``): Σ_{i∈S} [V_i (1+g)^k + e_i Σ_{s ≤ t−lag} x_{i,s}] ≥
  (1+r)^k Σ_{i∈S} V_i, k = t − base year;
* objective: Σ_t (1+ρ)^{−(t−t_1)} × the year's objective (equity: lexicographic, each year's
  minimum fulfilment first, then expected tax).

Dynamic management (:mod:`zoneopt.models.dynamic`) feeds the plan: land it frees joins a_t and
revoked zones are excluded from then on (an ``exclude`` rule named after the revocation rule).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp
from pydantic import BaseModel, ConfigDict, Field

from zoneopt.core.model import Model, ModelBuilder, VarBlock
from zoneopt.core.solution import Solution, SolveOptions, Status
from zoneopt.core.solve import DEFAULT_BACKEND
from zoneopt.core.solve import solve as core_solve
from zoneopt.core.stack import stack
from zoneopt.errors import InfeasibleError, InstanceError, Issue
from zoneopt.indicators import indicator
from zoneopt.instance import (
    MONEY_LABEL,
    Effect,
    ExcludeRule,
    GrowthMetric,
    GrowthTarget,
    Instance,
    LandPool,
    Periods,
    Ramp,
    Rule,
    Selector,
)
from zoneopt.io import atomic_write, atomic_write_text
from zoneopt.models.dynamic import ManagementResult, manage
from zoneopt.models.land_quota import (
    TOTAL_RULE,
    LandModel,
    RuleInfo,
    ZoneTotals,
    add_zone_rules,
    binding_tables,
    build_land_model,
)
from zoneopt.plan import Binding, _clean
from zoneopt.resources import raise_for_status
from zoneopt.zones import ZoneTable

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]

CUMULATIVE_SUFFIX = "@all"


def year_suffix(year: int) -> str:
    """The suffix of a year's blocks and rule ids, e.g. ``@2021``."""
    return f"@{year}"


@dataclass(frozen=True, eq=False)
class YearModel:
    """One plan year inside the stacked model."""

    year: int
    instance: Instance
    """the year's instance: the pool Q_t + a_t and the year's rules."""
    lm: LandModel
    offset: int
    """column offset of the year's model in the stacked model."""
    pool_mu: float
    """the year's stated pool Q_t."""
    additions_mu: float
    """land returned to the pool this year, a_t (2017 §六(三))."""
    discount: float
    """(1 + ρ)^−(t − t_1)."""

    @property
    def x(self) -> slice:
        """The year's allocation columns in the stacked model."""
        s = self.offset + self.lm.x.start
        return slice(s, s + self.lm.x.size)


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
    """the figure in year t without new land, per row."""
    required: FloatArray
    """(1 + r)^k × base, per row."""
    scale: float
    """money per model unit of the rows."""


@dataclass(frozen=True, eq=False)
class MultiPeriodModel:
    """A built multi-period land model: the stacked core model and what is needed to read a
    solution back."""

    instance: Instance
    periods: Periods
    zones: ZoneTable
    model: Model
    years: tuple[YearModel, ...]
    unused: VarBlock
    """u_t, the pool left unused in year t (model units of ``unit`` mu)."""
    unit: float
    """mu per model unit of the linking rows and of u."""
    obj_scale: float
    """natural objective = model objective × obj_scale."""
    objective_unit: str
    row_scale: FloatArray
    """natural units (mu, or money for growth rows) per model unit of each row."""
    row_unit: npt.NDArray[np.object_]
    """the natural unit of each row (``mu`` or the money unit)."""
    growth: tuple[GrowthRow, ...] = ()
    rules: dict[str, RuleInfo] = field(default_factory=dict)
    management: ManagementResult | None = None
    notes: tuple[str, ...] = ()
    empty_years: tuple[int, ...] = ()
    """years whose pool and additions are 0 (their land comes by carry-over only)."""

    @property
    def carry_over(self) -> float:
        return self.periods.carry_over

    @property
    def pool(self) -> LandPool:
        assert self.instance.pools.land is not None
        return self.instance.pools.land


# -- building -----------------------------------------------------------------------------------

def year_pools(instance: Instance, periods: Periods) -> dict[int, float]:
    """Each plan year's stated land pool Q_t, mu: its ``by_year`` total, else ``total_mu`` ×
    its ``split`` share (even by default), else ``pools.land.total_mu``."""
    assert instance.pools.land is not None
    own = {y.year: y.total_mu for y in periods.by_year if y.total_mu is not None}
    T = len(periods.years)
    split = periods.split if periods.split is not None else (1.0 / T,) * T
    out = {}
    for k, t in enumerate(periods.years):
        if t in own:
            out[t] = float(own[t])
        elif periods.total_mu is not None:
            out[t] = float(periods.total_mu) * float(split[k])
        else:
            out[t] = float(instance.pools.land.total_mu)
    return out


def _year_rules(instance: Instance, periods: Periods, year: int,
                management: ManagementResult | None) -> tuple[Rule, ...]:
    """The base rules with the year's own rules (replacing same ids) and drops, and the
    management exclusions in force that year."""
    own = next((y for y in periods.by_year if y.year == year), None)
    rules = list(instance.rules)
    if own is not None:
        replaced = {r.id for r in own.rules}
        rules = [r for r in rules if r.id not in replaced and r.id not in set(own.drop_rules)] + list(own.rules)
    if management is not None:
        for e in management.exclusions_in(year):
            rules.append(ExcludeRule(type="exclude", id=e.rule, source=e.source, note=e.note,
                                     select=Selector(zones=e.zones)))
    return tuple(rules)


def build_multi_period(instance: Instance, management: ManagementResult | None = None) -> MultiPeriodModel:
    """Build the multi-period land model of ``instance`` (its ``periods`` section, or the
    defaults: 2021–2025, every year the pool of ``pools.land``, no carry-over). With
    ``management`` (:func:`zoneopt.models.dynamic.manage`), the land it frees joins the pools
    and revoked zones get nothing. Raises :class:`InstanceError` without a land pool or for
    data a rule, objective or growth target lacks; :class:`InfeasibleError` for a growth target
    no allocation can move (e.g. its first year, when land takes effect a year later)."""
    pool = instance.pools.land
    if pool is None:
        raise InstanceError([Issue("pools.land", "the multi-period plan needs a land pool (pools.land: its parcel "
                                                 "size, exact flag and source hold every year)")])
    periods = instance.periods if instance.periods is not None else Periods()
    zt = ZoneTable.of(instance)
    years = periods.years
    Q = year_pools(instance, periods)
    own_add = {y.year: y.additions_mu for y in periods.by_year}
    mgmt_add = management.pool_additions if management is not None else {}
    notes: list[str] = []
    outside = {y: v for y, v in mgmt_add.items() if y not in years and v > 0}
    if outside:
        notes.append("land freed by dynamic management outside the plan years is not in any pool: "
                     + ", ".join(f"{y}: {v:,.6g} mu" for y, v in sorted(outside.items())))

    # One land model per year, on the year's instance (the same zone objects: the zone table
    # and evaluations are shared, not rebuilt).
    adds = {t: float(own_add.get(t, 0.0)) + float(mgmt_add.get(t, 0.0)) for t in years}
    positive = [Q[t] + adds[t] for t in years if Q[t] + adds[t] > 0]
    if not positive:
        raise InstanceError([Issue("periods", "every plan year's land pool is 0 mu: nothing to allocate")])
    built: list[tuple[int, Instance, LandModel, float, float]] = []
    nominal: list[int] = []
    for t in years:  # a loop over years
        rules_t = _year_rules(instance, periods, t, management)
        total = Q[t] + adds[t]
        if total <= 0:
            # An empty year (land only by carry-over): its model is built on a nominal pool,
            # which sets only the land unit, unless some rule or objective reads the pool.
            _refuse_empty_year(instance, rules_t, t)
            total = min(positive)
            nominal.append(t)
        land_t = pool.model_copy(update={"total_mu": total})
        inst_t = instance.model_copy(update={"pools": instance.pools.model_copy(update={"land": land_t}),
                                             "rules": rules_t})
        built.append((t, inst_t, build_land_model(inst_t), Q[t], adds[t]))
    lms = [b[2] for b in built]
    sense = lms[0].model.sense
    t1 = years[0]
    discount = [(1.0 + periods.discount_rate) ** -(t - t1) for t in years]
    natural = [d * lm.obj_scale for d, lm in zip(discount, lms, strict=True)]
    S = max(natural) or 1.0
    b, offsets = stack([lm.model for lm in lms], [year_suffix(t) for t in years], name=f"land-years:{instance.name}",
                       sense=sense, weights=[w / S for w in natural], keep_rows=lambda r: r.name != TOTAL_RULE)
    ys = tuple(YearModel(t, inst_t, lm, off, q, a, d)
               for (t, inst_t, lm, q, a), off, d in zip(built, offsets, discount, strict=True))

    sigma = min(lm.land_unit for lm in lms)
    scales: dict[str, tuple[float, str]] = {}
    for y in ys:  # the year's rows are in its own land unit
        for blk in y.lm.model.row_blocks:
            scales[blk.name + year_suffix(y.year)] = (y.lm.land_unit, "mu")
    rules: dict[str, RuleInfo] = {}
    for y in ys:
        for rid, info in y.lm.rules.items():
            sid = rid + year_suffix(y.year)
            rules[sid] = RuleInfo(sid, info.type, info.source, f"{info.note or rid} ({y.year})")

    unused = _pool_balance(b, ys, pool, periods, sigma, scales, rules)
    _ramps(b, ys, periods, zt, sigma, scales, rules)
    _cumulative(b, ys, periods, instance, zt, sigma, rules)
    money = MONEY_LABEL[instance.units.money]
    growth = _growth(b, ys, periods, instance, zt, scales, rules, money)

    model = b.build()
    row_scale = np.ones(model.num_rows)
    row_unit = np.full(model.num_rows, "mu", dtype=object)
    for blk in model.row_blocks:  # a loop over row blocks
        scale, unit = scales.get(blk.name, (sigma, "mu"))
        row_scale[blk.slice] = scale
        row_unit[blk.slice] = unit
    unit_name = lms[0].objective_unit
    T = len(years)
    objective_unit = f"{unit_name}, summed over {T} year{'s' if T > 1 else ''}" + (
        f" discounted at {periods.discount_rate:.4g}/yr" if periods.discount_rate else "")
    return MultiPeriodModel(instance, periods, zt, model, ys, unused, sigma, S, objective_unit, row_scale, row_unit,
                            growth, rules, management, tuple(notes), tuple(nominal))


def _refuse_empty_year(instance: Instance, rules: Sequence[Rule], year: int) -> None:
    """An empty year's rules and objective must not read its pool (share-of-pool group rules,
    the baseline or blend objective): there is no pool to take a share of."""
    from zoneopt.instance import GroupBoundsRule

    kind = instance.objective.kind
    if kind in ("baseline", "blend"):
        raise InstanceError([Issue("periods", f"the land pool of {year} is 0 mu, and the {kind} objective is "
                                              "defined on the year's pool: give that year a pool")])
    for r in rules:
        if isinstance(r, GroupBoundsRule) and r.share_of == "pool" and (r.cap_share is not None
                                                                        or r.floor_share is not None):
            raise InstanceError([Issue("periods", f"the land pool of {year} is 0 mu, and rule {r.id!r} takes a "
                                                  "share of the pool: give that year a pool, or the rule "
                                                  "share_of 'allocated'")])


def _x_matrix(ys: Sequence[YearModel], year_coef: Sequence[float], zones: IntArray, ncols: int,
              row_of_zone: IntArray | None = None) -> sp.csr_matrix:
    """Rows over the allocation columns of several years: entry (row of zone i, x_{i,t}) =
    year_coef[t]. ``row_of_zone`` gives each zone's row (default: one row per zone)."""
    rows_z = np.arange(zones.size) if row_of_zone is None else row_of_zone
    nrows = int(rows_z.max()) + 1 if rows_z.size else 0
    r = np.concatenate([rows_z for _ in ys]) if ys else np.zeros(0, np.int64)
    c = np.concatenate([y.offset + y.lm.x.start + zones for y in ys]) if ys else np.zeros(0, np.int64)
    v = np.concatenate([np.full(zones.size, k) for k in year_coef]) if ys else np.zeros(0)
    return sp.csr_matrix((v, (r, c)), shape=(nrows, ncols))


def _pool_balance(b: ModelBuilder, ys: Sequence[YearModel], pool: LandPool, periods: Periods, sigma: float,
                  scales: dict[str, tuple[float, str]], rules: dict[str, RuleInfo]) -> VarBlock:
    """u_t ≥ 0 and, per year, Σ_i x_{i,t} + u_t − c·u_{t−1} = Q_t + a_t (model units of sigma)."""
    T = len(ys)
    u = b.add_vars("unused", T, lb=0.0, ub=0.0 if pool.exact else np.inf, labels=[str(y.year) for y in ys])
    c = periods.carry_over
    for k, y in enumerate(ys):  # a loop over years
        n = y.lm.x.size
        cols = np.concatenate([y.offset + y.lm.x.start + np.arange(n), [u.start + k]])
        vals = np.concatenate([np.full(n, y.lm.land_unit / sigma), [1.0]])
        if k > 0 and c > 0:
            cols = np.append(cols, u.start + k - 1)
            vals = np.append(vals, -c)
        A = sp.csr_matrix((vals, (np.zeros(cols.size, dtype=np.int64), cols)), shape=(1, b.num_vars))
        rhs = (y.pool_mu + y.additions_mu) / sigma
        rid = TOTAL_RULE + year_suffix(y.year)
        source = pool.source if c == 0 else "; ".join(s for s in (pool.source, periods.carry_over_source) if s)
        b.add_rows(rid, A, lb=rhs, ub=rhs, rule=rid, source=source or None, labels=["total"])
        scales[rid] = (sigma, "mu")
        note = f"land pool {y.year}: {y.pool_mu:,.6g} mu" + (
            f" + {y.additions_mu:,.6g} mu returned" if y.additions_mu else "") + (
            f" + {c:g} × unused of {ys[k - 1].year}" if k > 0 and c > 0 else "")
        rules[rid] = RuleInfo(rid, "pool", source or None, note)
    return u


def _ramp_base(ramp: Ramp, zt: ZoneTable) -> FloatArray:
    f = zt.frame
    if ramp.of == "request":
        return np.nan_to_num(f["request_land_mu"].to_numpy(dtype=float), nan=0.0)
    if ramp.of == "land_area":
        return f["land_area_mu"].to_numpy(dtype=float)
    return np.zeros(zt.size)


def _ramps(b: ModelBuilder, ys: Sequence[YearModel], periods: Periods, zt: ZoneTable, sigma: float,
           scales: dict[str, tuple[float, str]], rules: dict[str, RuleInfo]) -> None:
    """Per ramp and year t: σ_t x_t − (1+s) σ_{t−1} x_{t−1} ≤ p and ≥ ... (``of: previous``), or
    σ_t x_t − σ_{t−1} x_{t−1} within ±(s·B + p); the first year against ``previous_mu``."""
    for ramp in periods.ramps:  # a loop over ramp rules and years
        mask = zt.select(ramp.select)
        base = _ramp_base(ramp, zt)
        prev_given = np.full(zt.size, np.nan)
        if ramp.previous_mu:
            idx = pd.Index(zt.ids).get_indexer(list(ramp.previous_mu))
            prev_given[idx] = np.array(list(ramp.previous_mu.values()), dtype=float)
        for k, y in enumerate(ys):
            if k == 0:
                zones = np.flatnonzero(mask & ~np.isnan(prev_given))
                if zones.size == 0:
                    continue
                A = _x_matrix([y], [y.lm.land_unit / sigma], zones, b.num_vars)
                prev = prev_given[zones]
                lag_coef = None
            else:
                zones = np.flatnonzero(mask)
                if zones.size == 0:
                    continue
                prev = None
                lag_coef = ys[k - 1].lm.land_unit / sigma
                A = _x_matrix([y], [y.lm.land_unit / sigma], zones, b.num_vars)
            slack = (ramp.share * base[zones] + ramp.plus_mu) / sigma
            up_rhs = slack.copy()
            down_rhs = -slack
            if ramp.of == "previous":
                up_mult, down_mult = 1.0 + ramp.share, 1.0 - ramp.share
                up_rhs = np.full(zones.size, ramp.plus_mu / sigma)
                down_rhs = -up_rhs
            else:
                up_mult = down_mult = 1.0
            rid = ramp.id + year_suffix(y.year)
            labels = zt.ids[zones].tolist()
            for side, mult, bounds in (("up", up_mult, {"ub": up_rhs}), ("down", down_mult, {"lb": down_rhs})):
                if ramp.direction not in ("both", side):
                    continue
                if lag_coef is not None:
                    rows = A - mult * _x_matrix([ys[k - 1]], [lag_coef], zones, b.num_vars)
                    rhs = bounds
                else:  # the first year: the previous allocation is a constant
                    assert prev is not None
                    shift = mult * prev / sigma
                    rows = A
                    rhs = {key: val + shift for key, val in bounds.items()}
                name = f"{ramp.id}:{side}{year_suffix(y.year)}"
                b.add_rows(name, rows, rule=rid, source=ramp.source, labels=labels, **rhs)
                scales[name] = (sigma, "mu")
            prev_year = ys[k - 1].year if k > 0 else "the year before"
            rules[rid] = RuleInfo(rid, "ramp", ramp.source,
                                  ramp.note or f"change from {prev_year} to {y.year} at most "
                                               f"{ramp.share:g} × {ramp.of} + {ramp.plus_mu:g} mu")


def _cumulative(b: ModelBuilder, ys: Sequence[YearModel], periods: Periods, instance: Instance, zt: ZoneTable,
                sigma: float, rules: dict[str, RuleInfo]) -> None:
    """The land rules on each zone's total over the years (the pool: every year's pool and
    additions; a zone's request: its yearly request × the number of years)."""
    if not periods.cumulative_rules:
        return
    n = zt.size
    E = _x_matrix(ys, [y.lm.land_unit / sigma for y in ys], np.arange(n), b.num_vars)
    total = sum(y.pool_mu + y.additions_mu for y in ys) / sigma
    request = zt.frame["request_land_mu"].to_numpy(dtype=float) * len(ys)
    # Their rows are in model units of sigma mu: the default scale of build_multi_period.
    add_zone_rules(b, [(f"periods.cumulative_rules[{r}]", rule) for r, rule in enumerate(periods.cumulative_rules)],
                   ZoneTotals(E, sigma, total, request, CUMULATIVE_SUFFIX), instance, zt, rules)


def _effect(periods: Periods, metric: GrowthMetric) -> Effect:
    found = next((e for e in periods.effects if e.metric == metric), None)
    return found if found is not None else Effect(metric=metric)


def _growth(b: ModelBuilder, ys: Sequence[YearModel], periods: Periods, instance: Instance, zt: ZoneTable,
            scales: dict[str, tuple[float, str]], rules: dict[str, RuleInfo], money: str) -> tuple[GrowthRow, ...]:
    """Rows Σ_{s ≤ t−lag} Σ_{i∈S} e_i x_{i,s} ≥ Σ_{i∈S} V_i ((1+r)^k − (1+g)^k), per target and
    year (the last year, or every year with ``each_year``), per zone or for all selected."""
    out: list[GrowthRow] = []
    base_year = periods.base_year if periods.base_year is not None else ys[0].year - 1
    for g, target in enumerate(periods.growth):  # a loop over targets and years
        where = f"periods.growth[{g}]"
        mask = zt.select(target.select)
        zones = np.flatnonzero(mask)
        if zones.size == 0:
            raise InstanceError([Issue(f"{where}.select", f"growth target {target.id!r} selects no zone")])
        eff = _effect(periods, target.metric)
        e_where = f"periods.effects[{[e.metric for e in periods.effects].index(target.metric)}].per_mu" \
            if eff in periods.effects else f"{where} (default effect {target.metric}_per_mu)"
        if isinstance(eff.per_mu, (int, float)):
            e = np.full(zt.size, float(eff.per_mu))
        else:
            e = indicator(instance, eff.per_mu or f"{target.metric}_per_mu", field=e_where, among=mask, table=zt)
        V = zt.frame[target.metric].to_numpy(dtype=float)
        missing = mask & np.isnan(V)
        if missing.any():
            ids = zt.ids
            raise InstanceError([Issue(f"zones[{k}].metrics.{target.metric}",
                                       f"zone {ids[k]!r} has no {target.metric}, needed by growth target {target.id!r}")
                                 for k in np.flatnonzero(missing)])
        chosen = list(ys) if target.each_year else [ys[-1]]
        for y in chosen:
            k = y.year - base_year
            eligible = [s for s in ys if s.year + eff.lag <= y.year]
            per_zone = target.per == "zone"
            row_of = np.arange(zones.size) if per_zone else np.zeros(zones.size, dtype=np.int64)
            nrows = zones.size if per_zone else 1
            if eligible:  # entry e_i σ_s on x_{i,s}
                vals = np.concatenate([e[zones] * s.lm.land_unit for s in eligible])
                r = np.concatenate([row_of for _ in eligible])
                cols = np.concatenate([s.offset + s.lm.x.start + zones for s in eligible])
                A = sp.csr_matrix((vals, (r, cols)), shape=(nrows, b.num_vars))
            else:
                A = sp.csr_matrix((nrows, b.num_vars))
            base = np.bincount(row_of, weights=V[zones], minlength=nrows).astype(np.float64)
            organic = np.asarray(base * (1.0 + eff.organic_growth) ** k, dtype=np.float64)
            required = np.asarray(base * (1.0 + target.rate) ** k, dtype=np.float64)
            need = required - organic
            scale = float(np.abs(A.data).max()) if A.nnz else 1.0
            scale = scale if scale > 0 else 1.0
            empty = (np.diff(A.indptr) == 0) & (need > 1e-9 * np.maximum(1.0, np.abs(required)))
            rid = target.id + year_suffix(y.year)
            if empty.any():
                who = "the selected zones" if not per_zone else ", ".join(repr(z) for z in zt.ids[zones[empty]][:5])
                raise InfeasibleError(
                    f"growth target `{rid}`" + (f" ({target.source})" if target.source else "")
                    + f" cannot hold: {who} need {need[empty].sum():,.6g} {money} more {target.metric} in {y.year} "
                    f"than organic growth gives, but no land can add to it by then (land of year s counts from "
                    f"s + {eff.lag}; or zero effect per mu)")
            name = rid
            b.add_rows(name, A / scale, lb=need / scale, rule=rid, source=target.source,
                       labels=zt.ids[zones].tolist() if per_zone else ["total"])
            scales[name] = (scale, money)
            rules[rid] = RuleInfo(rid, "growth", target.source, target.note or (
                f"{target.metric} of the selected zones {'each ' if per_zone else ''}≥ (1 + {target.rate:g})^{k} × "
                f"{base_year} level in {y.year}"))
            out.append(GrowthRow(rid, target, y.year, k, name, zones if per_zone else zones[:0], base, organic,
                                 required, scale))
    return tuple(out)


# -- solving ------------------------------------------------------------------------------------

def solve_multi_period(instance: Instance, backend: str = DEFAULT_BACKEND, *, time_limit: float | None = None,
                       mip_gap: float = 1e-6, options: SolveOptions | None = None,
                       management: ManagementResult | bool | None = None) -> MultiPeriodPlan:
    """Build and solve the multi-period land plan; return the checked :class:`MultiPeriodPlan`.

    ``management``: a :class:`ManagementResult` to feed the plan; ``None`` (default) runs
    :func:`~zoneopt.models.dynamic.manage` when the instance has a ``management`` section and
    ``periods.reclaim`` is true; ``False`` ignores it. Raises :class:`InfeasibleError` /
    :class:`UnboundedError` (exit code 3, naming the rules and years in conflict),
    :class:`NoSolutionError` (4) and :class:`InstanceError` (2) as :func:`solve_land` does."""
    mres: ManagementResult | None
    if isinstance(management, ManagementResult):
        mres = management
    elif management is False:
        mres = None
    else:
        reclaim = instance.periods.reclaim if instance.periods is not None else True
        mres = manage(instance, backend=backend, time_limit=time_limit) \
            if instance.management is not None and reclaim else None
    mm = build_multi_period(instance, mres)
    opts = options if options is not None else SolveOptions(time_limit=time_limit, mip_gap=mip_gap)
    first = core_solve(mm.model, backend, options=opts)
    _raise(first, mm, time_limit)
    final, secondary = first, None
    equity = [y.lm.equity for y in mm.years]
    if instance.objective.kind == "equity" and all(v is not None for v in equity):
        stage2, scale2 = efficiency_stage(mm, first)
        final = core_solve(stage2, backend, options=opts)
        _raise(final, mm, time_limit)
        assert final.objective is not None
        secondary = final.objective * scale2
    return plan_from_solution(mm, final, primary=first, secondary=secondary, warnings=_warnings(mm))


def _raise(solution: Solution, mm: MultiPeriodModel, time_limit: float | None) -> None:
    """Raise the error a solve's status calls for (:func:`zoneopt.resources.raise_for_status`);
    an infeasible plan is diagnosed in rule terms, its amounts in mu, or in the money unit
    when the conflict holds a growth target (its rows are money)."""
    if solution.status is not Status.INFEASIBLE:
        raise_for_status(solution, mm.model, f"multi-period land plan for {mm.instance.name!r}",
                         row_scale=mm.row_scale, unit="mu", rules=mm.rules, time_limit=time_limit)
        return
    from zoneopt.diagnose import diagnose
    from zoneopt.errors import ZoneoptError

    what = f"multi-period land plan for {mm.instance.name!r}"
    try:
        d = diagnose(mm.model, backend=DEFAULT_BACKEND, row_scale=mm.row_scale, unit="", rules=mm.rules,
                     time_limit=time_limit)
    except (ImportError, ZoneoptError) as exc:
        raise InfeasibleError(f"{what} is infeasible: the rules cannot all hold (no full diagnosis: {exc})") from exc
    if d.feasible:
        raise InfeasibleError(f"{what}: {solution.backend} reports it infeasible, but {d.backend} finds the rules "
                              "can all hold (a solver tolerance issue; try another backend)", d)
    growth = {g.rule for g in mm.growth}
    mixed = any(c.rule in growth for c in d.conflict)
    money = MONEY_LABEL[mm.instance.units.money]
    if not mixed:
        d = replace(d, unit="mu", relaxations=tuple(replace(r, unit="mu") for r in d.relaxations))
        note = ""
    else:
        d = replace(d, relaxations=tuple(replace(r, unit=money if r.rule in growth else "mu") for r in d.relaxations))
        note = f" (the shortfall is in mixed units: mu for land rules, {money} for growth targets)"
    raise InfeasibleError(f"{what} is infeasible: {d.message()}{note}", d)


def efficiency_stage(mm: MultiPeriodModel, first: Solution) -> tuple[Model, float]:
    """The equity plan's second stage: each year's minimum fulfilment kept at its stage-one
    value, maximise the discounted expected tax (or land) over the years. Returns the model
    and the natural units per unit of its objective."""
    assert first.x is not None
    m = mm.model
    lb = m.lb.copy()
    c = np.zeros(m.num_vars)
    natural = []
    for y in mm.years:
        w = y.lm.weights if y.lm.weights is not None else np.ones(y.lm.x.size)
        natural.append(y.discount * y.lm.land_unit * (float(w.max()) or 1.0))
    S2 = max(natural) or 1.0
    for y in mm.years:  # a loop over years
        assert y.lm.equity is not None
        j = y.offset + y.lm.equity.start
        lb[j] = max(0.0, float(first.x[j]) - 1e-9)
        w = y.lm.weights if y.lm.weights is not None else np.ones(y.lm.x.size)
        c[y.x] = y.discount * w * y.lm.land_unit / S2
    return replace(m, c=c, lb=lb, sense="max", name=m.name + ":tie-break"), S2


def _warnings(mm: MultiPeriodModel) -> list[str]:
    """Each year's presolve warnings, once per message with the years it holds in."""
    from zoneopt.presolve import presolve_checks

    seen: dict[str, list[int]] = {}
    for y in mm.years:
        if y.year in mm.empty_years:  # built on a nominal pool: its pool checks would mislead
            continue
        for f in presolve_checks(y.instance, y.lm):
            # With carry-over a year's pool is not the bound of that year's allocation.
            if f.severity != "warning" or (mm.carry_over > 0 and f.code in ("floors-exceed-pool",
                                                                             "caps-below-exact-pool")):
                continue
            seen.setdefault(f.message, []).append(y.year)
    out = []
    for msg, yrs in seen.items():
        span = f"{yrs[0]}" if len(yrs) == 1 else (f"{yrs[0]}–{yrs[-1]}" if yrs == list(range(yrs[0], yrs[-1] + 1))
                                                  else ", ".join(map(str, yrs)))
        out.append(f"{span}: {msg}")
    return out


# -- the plan -----------------------------------------------------------------------------------

class MultiPeriodSummary(BaseModel):
    """The headline of a multi-period plan; land in mu, ``objective_unit`` names the objective's
    unit, ``money_unit`` the instance's."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    instance: str
    resource: str = "land (multi-period)"
    synthetic: bool
    status: str
    objective: float | None
    objective_kind: str
    objective_unit: str
    backend: str
    runtime_s: float
    mip_gap: float | None
    years: list[int]
    zones: int
    pool_total_mu: float
    """Σ_t Q_t, the stated pools."""
    additions_mu: float
    """Σ_t a_t, land returned to the pools (dynamic management, 盘活低效用地)."""
    allocated_mu: float
    unused_end_mu: float
    """what is left unused after the last year."""
    lapsed_mu: float
    """unused land not carried over (the share 1 − carry_over of each year's unused land before the last)."""
    carry_over: float
    discount_rate: float
    land_unit_mu: float
    money_unit: str
    management_applied: bool
    secondary_objective: float | None = None
    secondary_objective_unit: str | None = None
    check_max_violation: float | None = None
    notes: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)


class MultiPeriodRecord(BaseModel):
    """The JSON form of a multi-period plan: ``allocations`` one object per zone with its land
    per year and in total; ``years`` one per year (pool, additions, carry, allocated, unused,
    the year's objective); ``targets`` one per growth-target row; ``cells`` one per zone and
    year with binding rules and shadow prices."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    status: str
    objective: float | None
    summary: MultiPeriodSummary
    years: list[dict[str, Any]]
    allocations: list[dict[str, Any]]
    targets: list[dict[str, Any]]
    cells: list[dict[str, Any]]
    bindings: list[Binding]


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for rec in frame.to_dict("records"):
        rec = {str(k): _clean(v) for k, v in rec.items()}
        if "binding_rules" in rec:
            rec["binding_rules"] = [r for r in (rec.get("binding_rules") or "").split(";") if r]
        if "shadow_prices" in rec:
            rec["shadow_prices"] = {k: float(v) for k, v in
                                    (t.split("=", 1) for t in (rec.get("shadow_prices") or "").split(";") if t)}
        out.append(rec)
    return out


class MultiPeriodPlan:
    """A solved multi-period plan.

    ``cells``: one row per zone and year (year, zone, name, city, level, grade, score,
    land_area_mu, request_mu, allocation_mu, fulfilment, weight, binding_rules, shadow_prices:
    the natural objective per mu of each binding rule's bound). :meth:`table`: zones × years.
    ``years``: per year the stated pool, land returned (additions), carried in, available,
    allocated, unused, carried out, lapsed, the year's objective (natural, undiscounted) and
    its discount factor. ``targets``: per growth-target row the base, organic, required and
    achieved levels (money unit), the slack and the average growth rates. ``bindings``: the
    binding rule rows with shadow prices (LPs)."""

    def __init__(self, summary: MultiPeriodSummary, cells: pd.DataFrame, years: pd.DataFrame, targets: pd.DataFrame,
                 bindings: pd.DataFrame, management: ManagementResult | None = None) -> None:
        self.summary = summary
        self.cells = cells
        self.years = years
        self.targets = targets
        self.bindings = bindings
        self.management = management

    @property
    def status(self) -> str:
        return self.summary.status

    @property
    def objective(self) -> float | None:
        return self.summary.objective

    def table(self) -> pd.DataFrame:
        """One row per zone (zone, name, city), a column per year (mu) and ``total_mu``."""
        wide = self.cells.pivot(index="zone", columns="year", values="allocation_mu")
        order = pd.unique(self.cells["zone"])
        wide = wide.loc[order]
        wide.columns = [str(c) for c in wide.columns]
        head = self.cells.drop_duplicates("zone").set_index("zone").loc[order, ["name", "city"]]
        out = pd.concat([head, wide], axis=1)
        out["total_mu"] = wide.sum(axis=1)
        return out.reset_index()

    def allocation(self, year: int) -> pd.Series:
        """Allocation in mu in ``year``, indexed by zone id."""
        sel = self.cells[self.cells["year"] == year]
        if sel.empty:
            raise KeyError(f"{year} is not a plan year ({', '.join(map(str, self.summary.years))})")
        return sel.set_index("zone")["allocation_mu"]

    def to_record(self) -> MultiPeriodRecord:
        bindings = [Binding(**{k: _clean(v) for k, v in r.items() if k in Binding.model_fields})
                    for r in self.bindings.to_dict("records")]
        return MultiPeriodRecord(status=self.status, objective=self.objective, summary=self.summary,
                                 years=_records(self.years), allocations=_records(self.table()),
                                 targets=_records(self.targets), cells=_records(self.cells), bindings=bindings)

    def to_json(self, path: str | Path | None = None, indent: int = 2) -> str:
        """The plan as JSON (a :class:`MultiPeriodRecord`); written atomically to ``path`` if given."""
        text = json.dumps(self.to_record().model_dump(mode="json"), ensure_ascii=False, indent=indent)
        if path is not None:
            atomic_write_text(path, text + "\n")
        return text

    def to_csv(self, path: str | Path) -> Path:
        """The zones × years table as CSV (UTF-8 with BOM so Excel shows Chinese names)."""
        return atomic_write(path, lambda p: self.table().to_csv(p, index=False, encoding="utf-8-sig"))

    def to_excel(self, path: str | Path) -> Path:
        """A workbook: ``summary``, ``zones-years`` (:meth:`table`), ``years``, ``targets``,
        ``cells`` and ``bindings`` (and ``management`` when decisions fed the plan)."""
        def write(p: Path) -> None:
            with pd.ExcelWriter(p, engine="openpyxl") as xl:
                fields = [(k, "\n".join(map(str, v)) if isinstance(v, list) else v)
                          for k, v in self.summary.model_dump().items()]
                pd.DataFrame(fields, columns=["field", "value"]).to_excel(xl, sheet_name="summary", index=False)
                self.table().to_excel(xl, sheet_name="zones-years", index=False)
                self.years.to_excel(xl, sheet_name="years", index=False)
                self.targets.to_excel(xl, sheet_name="targets", index=False)
                self.cells.to_excel(xl, sheet_name="cells", index=False)
                self.bindings.to_excel(xl, sheet_name="bindings", index=False)
                if self.management is not None:
                    self.management.years.to_excel(xl, sheet_name="management", index=False)
        return atomic_write(path, write)

    def write(self, path: str | Path) -> Path:
        """Write by suffix: ``.json``, ``.csv`` or ``.xlsx`` (atomically)."""
        from zoneopt.errors import InvalidInputError

        p = Path(path)
        suffix = p.suffix.lower()
        if suffix == ".json":
            self.to_json(p)
            return p
        if suffix == ".csv":
            return self.to_csv(p)
        if suffix == ".xlsx":
            return self.to_excel(p)
        raise InvalidInputError(f"--out {p}: unknown output type {suffix!r}; use .json, .csv or .xlsx")

    def __repr__(self) -> str:
        s = self.summary
        return (f"MultiPeriodPlan({s.instance!r}, {s.years[0]}–{s.years[-1]}, status={s.status}, "
                f"objective={s.objective} {s.objective_unit}, allocated={s.allocated_mu:g}/"
                f"{s.pool_total_mu + s.additions_mu:g} mu)")


def plan_from_solution(mm: MultiPeriodModel, solution: Solution, *, primary: Solution | None = None,
                       secondary: float | None = None, warnings: Sequence[str] = ()) -> MultiPeriodPlan:
    """Turn a checked core solution of the stacked model into a :class:`MultiPeriodPlan` (mu and
    natural units). ``primary`` is the first stage of a lexicographic (equity) solve: its
    objective and duals are reported, the allocation is ``solution``'s."""
    primary = primary if primary is not None else solution
    assert solution.x is not None and primary.objective is not None
    x = solution.x
    m, zt = mm.model, mm.zones
    n, T = zt.size, len(mm.years)
    f = zt.frame
    parcel = mm.pool.parcel_mu is not None
    alloc = np.empty((T, n))
    for k, y in enumerate(mm.years):
        v = np.round(x[y.x]) if parcel else np.maximum(x[y.x], 0.0)
        alloc[k] = v * y.lm.land_unit
    # Zone-year cells: the map columns → cells (cell = k·n + i) for the bindings table.
    cols = np.concatenate([np.arange(y.x.start, y.x.stop) for y in mm.years])
    zone_of_column = sp.csr_matrix((np.ones(cols.size), (cols, np.arange(cols.size))), shape=(m.num_vars, n * T))
    duals = primary.row_duals * mm.obj_scale / mm.row_scale if primary.row_duals is not None else None
    unit = np.array([f"{mm.objective_unit.split(',')[0]} per {u}" for u in mm.row_unit], dtype=object)
    bindings, binding_rules, shadow_prices = binding_tables(m, x, duals, mm.row_scale, unit, zone_of_column)

    request = f["request_land_mu"].to_numpy(dtype=float)
    area = f["land_area_mu"].to_numpy(dtype=float)
    flat = alloc.reshape(-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        fulfil = np.where(np.tile(request, T) > 0, flat / np.tile(request, T), np.nan)
    weights = [y.lm.weights if y.lm.weights is not None else np.full(n, np.nan) for y in mm.years]
    cells = pd.DataFrame({
        "year": np.repeat([y.year for y in mm.years], n),
        "zone": np.tile(f["zone"].to_numpy(), T), "name": np.tile(f["name"].to_numpy(), T),
        "city": np.tile(f["city"].to_numpy(), T), "level": np.tile(f["level"].to_numpy(), T),
        "grade": np.tile(f["grade"].to_numpy(), T), "score": np.tile(f["score"].to_numpy(), T),
        "land_area_mu": np.tile(area, T), "request_mu": np.tile(request, T), "allocation_mu": flat,
        "fulfilment": fulfil, "weight": np.concatenate(weights),
        "binding_rules": binding_rules, "shadow_prices": shadow_prices,
    })

    u = np.maximum(x[mm.unused.slice], 0.0) * mm.unit
    c = mm.carry_over
    carried_in = np.concatenate([[0.0], c * u[:-1]])
    carried_out = np.concatenate([c * u[:-1], [0.0]])
    lapsed = np.concatenate([(1.0 - c) * u[:-1], [0.0]])
    year_obj = []
    for y in mm.years:  # the year's own objective, natural units, undiscounted
        xm = x[y.offset:y.offset + y.lm.model.num_vars]
        year_obj.append(float(y.lm.model.c @ xm + y.lm.model.c0) * y.lm.obj_scale)
    years = pd.DataFrame({
        "year": [y.year for y in mm.years], "pool_mu": [y.pool_mu for y in mm.years],
        "additions_mu": [y.additions_mu for y in mm.years], "carried_in_mu": carried_in,
        "available_mu": [y.pool_mu + y.additions_mu for y in mm.years] + carried_in,
        "allocated_mu": alloc.sum(axis=1), "unused_mu": u, "carried_out_mu": carried_out, "lapsed_mu": lapsed,
        "objective": year_obj, "discount": [y.discount for y in mm.years],
    })
    targets = _target_table(mm, x)
    s = solution.check
    p = primary.check
    viol = [max(r.max_bound_violation, r.max_row_violation, r.max_integrality_violation) for r in (s, p) if r]
    summary = MultiPeriodSummary(
        instance=mm.instance.name, synthetic=mm.instance.metadata.synthetic, status=solution.status.value,
        objective=primary.objective * mm.obj_scale, objective_kind=mm.instance.objective.kind,
        objective_unit=mm.objective_unit, backend=solution.backend,
        runtime_s=solution.runtime + (primary.runtime if primary is not solution else 0.0),
        mip_gap=solution.mip_gap, years=[y.year for y in mm.years], zones=n,
        pool_total_mu=float(sum(y.pool_mu for y in mm.years)),
        additions_mu=float(sum(y.additions_mu for y in mm.years)), allocated_mu=float(alloc.sum()),
        unused_end_mu=float(u[-1]), lapsed_mu=float(lapsed.sum()), carry_over=c,
        discount_rate=mm.periods.discount_rate, land_unit_mu=mm.unit, money_unit=MONEY_LABEL[mm.instance.units.money],
        management_applied=mm.management is not None,
        secondary_objective=secondary,
        secondary_objective_unit=(f"{_tie_unit(mm)}, summed over the years" if secondary is not None else None),
        check_max_violation=max(viol) if viol else None, notes=list(mm.notes), warnings=list(warnings),
    )
    return MultiPeriodPlan(summary, cells, years, targets, bindings, mm.management)


def _tie_unit(mm: MultiPeriodModel) -> str:
    from zoneopt.indicators import objective_unit

    lm = mm.years[0].lm
    return objective_unit(mm.instance.objective.weight, mm.instance) if lm.weights is not None else "mu allocated"


def _target_table(mm: MultiPeriodModel, x: FloatArray) -> pd.DataFrame:
    """Per growth-target row: base, organic, required and achieved levels, slack, rates."""
    cols = ["rule", "source", "metric", "scope", "year", "years_since_base", "base", "organic", "required", "achieved",
            "slack", "required_rate", "achieved_rate"]
    parts: list[pd.DataFrame] = []
    for g in mm.growth:  # a loop over target rows
        blk = mm.model.row_block(g.block)
        act = (mm.model.A[blk.slice] @ x) * g.scale
        achieved = g.organic + act
        with np.errstate(divide="ignore", invalid="ignore"):
            rate = np.where(g.base > 0, (achieved / g.base) ** (1.0 / g.k) - 1.0, np.nan)
        scope = mm.zones.ids[g.zones].tolist() if g.zones.size else ["total"]
        parts.append(pd.DataFrame({
            "rule": g.rule, "source": g.target.source, "metric": g.target.metric, "scope": scope, "year": g.year,
            "years_since_base": g.k, "base": g.base, "organic": g.organic, "required": g.required,
            "achieved": achieved, "slack": achieved - g.required, "required_rate": g.target.rate,
            "achieved_rate": rate}))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=cols)


__all__ = ["MultiPeriodModel", "MultiPeriodPlan", "MultiPeriodSummary", "MultiPeriodRecord", "YearModel", "GrowthRow",
           "build_multi_period", "solve_multi_period", "plan_from_solution", "efficiency_stage", "year_pools",
           "year_suffix"]
