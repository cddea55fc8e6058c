"""Each resource's single-year model of each plan year, and how they stack: the year's
instance (its pool, its own rules and drops, the management exclusions in force), the year's
model (:func:`build_land_model`, :func:`build_emission_model`, :func:`build_fund_model`), its
rule ids and row scales in the stacked model, its objective in natural units, and where each
track's allocation columns sit."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from zoneopt.core.model import Model, ModelBuilder, RowBlock, VarBlock
from zoneopt.core.progress import track
from zoneopt.core.stack import add_model
from zoneopt.data.zones import ZoneTable
from zoneopt.errors import InstanceError, Issue
from zoneopt.evaluation.indicators import indicator_unit
from zoneopt.instance import ExcludeRule, GroupBounds, GroupBoundsRule, Instance, Periods, Rule, Selector
from zoneopt.models.emissions import EmissionModel, build_emission_model
from zoneopt.models.funds import FundModel, build_fund_model
from zoneopt.models.land_quota import LandModel, build_land_model
from zoneopt.models.rules import RuleInfo, TiltChain, row_units
from zoneopt.models.tracks import Track, TrackSettings
from zoneopt.plans import ManagementResult

FloatArray = npt.NDArray[np.float64]
Built = LandModel | EmissionModel | FundModel
RowScales = dict[str, tuple[float | FloatArray, str, str]]
"""Row block name → natural units per model unit of its rows, their unit, and the resource
whose objective their duals speak of."""


def year_suffix(year: int) -> str:
    """The suffix of a year's blocks and rule ids, e.g. ``@2021``."""
    return f"@{year}"


@dataclass(frozen=True, eq=False)
class YearModel:
    """One resource's model of one plan year inside the stacked model."""

    resource: str
    year: int
    instance: Instance
    """the year's instance: the year's pools and rules."""
    built: Built
    offset: int
    """column offset of the year's model in the stacked model."""
    discount: float
    """(1 + ρ)^−(t − t_1)."""
    c_nat: FloatArray
    """the year's objective in natural units per model unit of each of its columns (its own sense)."""
    c0_nat: float

    @property
    def model(self) -> Model:
        return self.built.model

    @property
    def cols(self) -> slice:
        """The year model's columns in the stacked model."""
        return slice(self.offset, self.offset + self.model.num_vars)

    @property
    def weights(self) -> FloatArray | None:
        """The objective's weight per zone (natural objective per natural unit), if any."""
        return self.built.weights


# -- each year's instance ----------------------------------------------------------------------

def _apply_year(base: Sequence[Any], own: Sequence[Any], drops: Sequence[str]) -> list[Any]:
    """A year's rules: the base rules less those the year replaces (same id) or drops, then the
    year's own."""
    replaced = {r.id for r in own} | set(drops)
    return [r for r in base if r.id not in replaced] + list(own)


def _exclusions(management: ManagementResult | None, year: int, land: bool) -> list[ExcludeRule]:
    """The management decisions that hold in ``year`` as ``exclude`` rules: every exclusion for
    land; revocations and a designation's exclusions for allowances and funds (a reduction's
    ``no_new_land`` is about land)."""
    if management is None:
        return []
    return [ExcludeRule(type="exclude", id=e.rule, source=e.source, note=e.note, select=Selector(zones=e.zones))
            for e in management.exclusions_in(year) if land or e.kind != "reduction"]


def _year_rules(instance: Instance, periods: Periods, year: int,
                management: ManagementResult | None) -> tuple[Rule, ...]:
    """The base land rules with the year's own rules (replacing same ids) and drops, and the
    management exclusions in force that year."""
    own = next((y for y in periods.by_year if y.year == year), None)
    rules = _apply_year(instance.rules, own.rules if own is not None else (), own.drop_rules if own else ())
    return tuple(rules + _exclusions(management, year, land=True))


def _refuse_empty_year(s: TrackSettings, rules: Sequence[Any], year: int, objective_kind: str | None = None) -> None:
    """An empty year's rules (and land objective) must not read its pool (share-of-pool group
    rules, the baseline or blend objective): there is no pool to take a share of."""
    what = f"the {s.key if s.resource != 'land' else 'land'} pool of {year} is 0 {s.unit}"
    if objective_kind in ("baseline", "blend", "tiered"):
        raise InstanceError([Issue(s.where, f"{what}, and the {objective_kind} objective is defined on the year's "
                                            "pool: give that year a pool")])
    for r in rules:
        if (isinstance(r, (GroupBoundsRule, GroupBounds)) and r.share_of == "pool" and (
                r.cap_share is not None or r.floor_share is not None)) or _pool_share(r):
            raise InstanceError([Issue(s.where, f"{what}, and rule {r.id!r} takes a share of the pool: give that "
                                                "year a pool, or the rule share_of 'allocated'")])


def _pool_share(rule: Any) -> bool:
    """A zone bound or lock stated as a share of the pool (group rules are checked apart)."""
    if isinstance(rule, (GroupBoundsRule, GroupBounds)):
        return False
    return (getattr(rule, "cap_share", None) is not None or getattr(rule, "floor_share", None) is not None
            or bool(getattr(rule, "shares", None)))


def _pool_of(s: TrackSettings, year: int, rules: Sequence[Any], nominal: dict[str, float],
             objective_kind: str | None = None) -> float:
    """The pool a year's model is built on: Q_t + a_t, or for an empty year a nominal pool
    (which sets only the model's unit) after checking no rule reads it."""
    total = s.available(year)
    if total > 0:
        return total
    _refuse_empty_year(s, rules, year, objective_kind)
    return nominal[s.key]


def _land_year(instance: Instance, periods: Periods, s: TrackSettings, year: int, management: ManagementResult | None,
               nominal: dict[str, float]) -> Instance:
    rules = _year_rules(instance, periods, year, management)
    assert instance.pools.land is not None
    total = _pool_of(s, year, rules, nominal, instance.objective.kind)
    land = instance.pools.land.model_copy(update={"total_mu": total})
    return instance.model_copy(update={"pools": instance.pools.model_copy(update={"land": land}), "rules": rules})


def _emission_year(instance: Instance, settings: Mapping[str, TrackSettings], year: int,
                   management: ManagementResult | None, nominal: dict[str, float]) -> Instance:
    """The year's emission instance: each pollutant's pool of the year, and its rules (the
    common ones and its own, with the year's own rules and drops, and revocations) in its own
    list."""
    pools = instance.pools.emissions
    assert pools is not None
    excluded = _exclusions(management, year, land=False)
    new = {}
    for k, pool in pools.pollutants.items():  # a loop over pollutants
        s = settings[k]
        own, drops = s.year_rules.get(year, ((), ()))
        rules = _apply_year([*pools.rules, *pool.rules], own, drops) + excluded
        new[k] = pool.model_copy(update={"total_t": _pool_of(s, year, rules, nominal), "rules": tuple(rules)})
    em = pools.model_copy(update={"pollutants": new, "rules": ()})
    return instance.model_copy(update={"pools": instance.pools.model_copy(update={"emissions": em})})


def _fund_year(instance: Instance, s: TrackSettings, year: int, management: ManagementResult | None,
               nominal: dict[str, float]) -> Instance:
    pool = instance.pools.funds
    assert pool is not None
    own, drops = s.year_rules.get(year, ((), ()))
    rules = _apply_year(pool.rules, own, drops) + _exclusions(management, year, land=False)
    fp = pool.model_copy(update={"budget": _pool_of(s, year, rules, nominal), "rules": tuple(rules)})
    return instance.model_copy(update={"pools": instance.pools.model_copy(update={"funds": fp})})


def _pollutant_of(block: RowBlock, pollutants: Sequence[str]) -> str:
    """The pollutant of an emission model's rule row block: its name is ``<rule>:<pollutant>``
    or starts with ``<rule>:<pollutant>:`` (the longest match wins)."""
    head = f"{block.rule}:"
    found = [p for p in pollutants if block.name == head + p or block.name.startswith(head + p + ":")]
    return max(found, key=len) if found else ""


def _rule_namer(built: Built, year: int) -> Callable[[RowBlock], str]:
    """Rule ids in the stacked model: ``<id>@t`` (land), ``<id>:<pollutant>@t``, ``<id>:funds@t``."""
    suffix = year_suffix(year)
    if isinstance(built, EmissionModel):
        pollutants = built.pollutants
        return lambda blk: f"{blk.rule}:{_pollutant_of(blk, pollutants)}{suffix}"
    if isinstance(built, FundModel):
        return lambda blk: f"{blk.rule}:funds{suffix}"
    return lambda blk: f"{blk.rule}{suffix}"


def objective_units(instance: Instance, built: Built) -> str:
    """The unit of a resource's yearly objective (an emission model's is per share of the mean
    yearly pool, as :func:`_natural_objective` rescales it)."""
    if isinstance(built, EmissionModel):
        assert instance.pools.emissions is not None
        obj = instance.pools.emissions.objective
        if obj.kind != "priority":  # tiered, fairness: the model's own unit, per pool share already
            return built.objective_unit
        return f"{indicator_unit(obj.weight, instance)} × share of the mean yearly pool"
    return built.objective_unit


def _natural_objective(built: Built, pool_factor: Mapping[str, float]) -> tuple[FloatArray, float]:
    """The model's objective in natural units per model unit of each column, and its constant.
    An emission model's pollutant columns are rescaled by ``pool_factor`` (the year's pool over
    the mean yearly pool), so a tonne is worth the same in every year."""
    c = built.model.c * built.obj_scale
    if isinstance(built, EmissionModel):
        c = c.copy()
        for p, xb in zip(built.pollutants, built.x, strict=True):  # a loop over pollutants
            c[xb.slice] *= pool_factor.get(p, 1.0)
    return c, float(built.model.c0 * built.obj_scale)


# -- building and stacking -----------------------------------------------------------------------

def _nominal_pools(settings: Sequence[TrackSettings], years: Sequence[int]) -> dict[str, float]:
    """Each track's smallest positive yearly pool: what an empty year's model is built on (it
    sets only the model's unit). Raises :class:`InstanceError` for a track with no pool in any
    year."""
    nominal: dict[str, float] = {}
    for s in settings:  # a loop over tracks
        positive = [s.available(t) for t in years if s.available(t) > 0]
        if not positive:
            raise InstanceError([Issue(s.where, f"every plan year's {s.key} pool is 0 {s.unit}: nothing to allocate")])
        nominal[s.key] = min(positive)
    return nominal


def build_year_models(instance: Instance, periods: Periods, settings: Sequence[TrackSettings],
                      resources: Sequence[str], management: ManagementResult | None,
                      instance_of: Callable[[int], Instance] | None = None) -> list[tuple[str, int, Instance, Built]]:
    """One model per resource and year, on the year's instance (the same zone objects: the
    zone table and evaluations are shared, not rebuilt), in stacking order. ``instance_of(t)``
    gives the instance a year's models start from (a designation's levels of year t:
    :mod:`zoneopt.models.zone_years`); default ``instance``."""
    by_key = {s.key: s for s in settings}
    nominal = _nominal_pools(settings, periods.years)
    built: list[tuple[str, int, Instance, Built]] = []
    pairs = [(resource, t) for resource in resources for t in periods.years]
    base = instance
    for resource, t in track(pairs, "plan-years: build", unit="model"):  # a loop over resources and years
        instance = instance_of(t) if instance_of is not None else base
        if resource == "land":
            inst_t = _land_year(instance, periods, by_key["land"], t, management, nominal)
            built.append((resource, t, inst_t, build_land_model(inst_t)))
        elif resource == "emissions":
            inst_t = _emission_year(instance, by_key, t, management, nominal)
            built.append((resource, t, inst_t, build_emission_model(inst_t)))
        else:
            inst_t = _fund_year(instance, by_key["funds"], t, management, nominal)
            built.append((resource, t, inst_t, build_fund_model(inst_t)))
    return built


def stack_year_models(b: ModelBuilder, built: Sequence[tuple[str, int, Instance, Built]],
                      settings: Sequence[TrackSettings],
                      periods: Periods) -> tuple[list[YearModel], RowScales, dict[str, RuleInfo]]:
    """Add each year's model to ``b`` without its pool rows (the pool balance links the years
    instead) and with its objective at weight 0 (set once the normalisers are known). Returns
    the year models, the scale, unit and owner of every row block added, and the rules by
    their id in the stacked model."""
    years = periods.years
    discount = {t: (1.0 + periods.discount_rate) ** -(t - years[0]) for t in years}
    by_key = {s.key: s for s in settings}
    emission_keys = [s.key for s in settings if s.resource == "emissions"]
    mean_pool = {k: float(np.mean([by_key[k].available(t) for t in years])) for k in emission_keys}
    pool_rules = {s.pool_rule for s in settings}
    parts: list[YearModel] = []
    scales: RowScales = {}
    rules: dict[str, RuleInfo] = {}
    for resource, t, inst_t, bm in built:  # a loop over resources and years
        suffix = (":funds" if resource == "funds" else "") + year_suffix(t)
        namer = _rule_namer(bm, t)
        offset = add_model(b, bm.model, suffix, weight=0.0, keep_rows=lambda r: r.rule not in pool_rules,
                           rule_name=namer)
        factor = {}
        if isinstance(bm, EmissionModel):
            factor = {p: pool.total_t / mean_pool[p] for p, pool in bm.pools.pollutants.items()}
        c_nat, c0_nat = _natural_objective(bm, factor)
        parts.append(YearModel(resource, t, inst_t, bm, offset, discount[t], c_nat, c0_nat))
        unit = by_key[resource if resource != "emissions" else emission_keys[0]].unit
        if isinstance(bm, EmissionModel):
            row_scale = row_units(bm.model, [x.start for x in bm.x], bm.units)
        else:
            row_scale = np.full(bm.model.num_rows, bm.land_unit if isinstance(bm, LandModel) else bm.unit)
        for blk in bm.model.row_blocks:  # a loop over row blocks
            if blk.rule in pool_rules:
                continue
            scales[blk.name + suffix] = (row_scale[blk.slice], unit, resource)
            if blk.rule is None:
                continue
            rid = namer(blk)
            info = bm.rules.get(blk.rule)
            what = t if resource == "land" else f"{rid.rsplit('@', 1)[0][len(blk.rule) + 1:]}, {t}"
            rules[rid] = RuleInfo(rid, info.type if info else "rule", info.source if info else blk.source,
                                  f"{(info.note if info else None) or blk.rule} ({what})")
    return parts, scales, rules


def stacked_tilts(parts: Sequence[YearModel], model: Model) -> tuple[TiltChain, ...]:
    """The land tilts of every year, in the stacked ``model``'s columns and rows (each year's
    columns start at its offset; its rows sit in its blocks, renamed with the year's suffix):
    what the solve form (:func:`zoneopt.models.land_form.solve_in_form`) reads to state the
    bounds a tilt with caps implies, year by year. A loop over years and tilts, not zones."""
    stacked = {blk.name: blk for blk in model.row_blocks}
    out = []
    for p in parts:
        bm = p.built
        if not isinstance(bm, LandModel):
            continue
        suffix = year_suffix(p.year)
        own = bm.model.row_blocks
        starts = np.array([blk.start for blk in own], dtype=np.int64)
        ends = np.array([blk.start + blk.size for blk in own], dtype=np.int64)
        there = np.array([blk.name + suffix in stacked for blk in own], dtype=bool)
        moved = np.array([stacked[blk.name + suffix].start - blk.start if blk.name + suffix in stacked else 0
                          for blk in own], dtype=np.int64)
        for tilt in bm.tilts:
            if tilt.columns is None or not own:
                continue
            rows = []
            for r in (tilt.above, tilt.below):
                k = np.maximum(np.searchsorted(starts, r, side="right") - 1, 0)
                if np.any((r >= 0) & ~((r < ends[k]) & there[k])):  # a tilt row the stack left out: no bounds
                    break
                rows.append(np.where(r >= 0, r + moved[k], -1))
            else:
                level = VarBlock(tilt.level.name + suffix, tilt.level.start + p.offset, tilt.level.size,
                                 tilt.level.labels)
                out.append(replace(tilt, rule=tilt.rule + suffix, level=level, above=rows[0], below=rows[1],
                                   columns=tilt.columns + p.offset))
    return tuple(out)


def stacked_tracks(settings: Sequence[TrackSettings], parts: Sequence[YearModel], zt: ZoneTable,
                   years: Sequence[int]) -> tuple[Track, ...]:
    """The tracks, with each year's allocation columns read off the built models."""
    out = []
    for s in settings:  # a loop over tracks
        mine = [p for p in parts if p.resource == s.resource]
        starts, units, request = [], [], np.full(zt.size, np.nan)
        for p in mine:
            bm = p.built
            if isinstance(bm, LandModel):
                xb, unit = bm.x, bm.land_unit
                request = zt.frame["request_land_mu"].to_numpy(dtype=float)
            elif isinstance(bm, EmissionModel):
                k = bm.pollutants.index(s.key)
                xb, unit = bm.x[k], bm.units[k]
                request = bm.requests[s.key]
            else:
                xb, unit = bm.f, bm.unit
                request = bm.request
            starts.append(p.offset + xb.start)
            units.append(unit)
        out.append(Track(**{f.name: getattr(s, f.name) for f in fields(TrackSettings)}, years=tuple(years),
                         x_start=np.asarray(starts, dtype=np.int64), units=np.asarray(units, dtype=float),
                         request=request, empty_years=tuple(t for t in years if s.available(t) <= 0)))
    return tuple(out)


__all__ = ["YearModel", "Built", "RowScales", "year_suffix", "build_year_models", "stack_year_models",
           "stacked_tracks", "objective_units"]
