"""The plan over years (default 2021–2025, the 14th five-year plan, 2022 第二章第四节) for every
pooled resource: new construction land, emission allowances per pollutant and fund
disbursement. One model per resource and year, stacked block-diagonally, linked by each pool's
balance with carry-over of unused amounts, ramp limits, cumulative rules over the years and
growth targets on zone figures driven by the allocations (2022 专栏一: 生产总值年均增速 7.5%).

The mathematics, each constraint and its clause are in ``models/multi-period.md``. In short,
for each *track* r — land, one pollutant's allowances, or the funds — with x_{r,i,t} what zone
i gets in year t and u_{r,t} the pool left unused:

* each year holds the single-year model of the resource (:func:`build_land_model`,
  :func:`build_emission_model`, :func:`build_fund_model`: its rules, on the year's pool
  Q_{r,t} + a_{r,t}), stacked with :func:`zoneopt.core.stack.add_model`; block names and rule
  ids get the resource and the year (``city-cap@2021`` for land, ``city-cap:SO2@2021`` for a
  pollutant, ``lev:funds@2021`` for the funds);
* pool balance (rule ``<pool rule>@t``, e.g. ``land-total@2021``, ``emissions-total:SO2@2021``,
  ``funds-total@2021``): Σ_i x_{r,i,t} + u_{r,t} = Q_{r,t} + a_{r,t} + c_r · u_{r,t−1};
* ramps (rule ``<id><tag>@t``): |x_{r,i,t} − x_{r,i,t−1}| ≤ s · B_i + p;
* cumulative rules (rule ``<id>``, ``<id><tag>``): the resource's rules on Σ_t x_{r,i,t};
* growth targets (rule ``<id>@t``): Σ_{i∈S} [V_i (1+g)^k + Σ_r e_{r,i} Σ_{s ≤ t−ℓ_r} x_{r,i,s}] ≥
  (1+r)^k Σ_{i∈S} V_i, k = t − base year;
* objective: each resource's own, Σ_t (1+ρ)^{−(t−t_1)} × the year's objective; resources are
  independent unless a growth target draws on several, in which case each counts by the share
  of its own optimum it reaches (× ``periods.weights``). Land's equity objective is
  lexicographic as in one year.

Dynamic management (:mod:`zoneopt.models.dynamic`) feeds the plan: land it frees joins a_t of
the land pool; revoked zones get no land, allowances or funds from then on (an ``exclude``
rule named after the revocation rule). A designation (:mod:`zoneopt.models.designation`) feeds
it the same way: a candidate park is a zone only from its designation year and a converted
zone until its conversion — no allocation before (an ``exclude`` rule ``designation`` of each
year), and growth targets count it only in those years (models/designation.md).

This module builds the stacked model (:func:`build_multi_period`), solves it
(:func:`solve_multi_period`) and reads the plan back (:func:`plan_from_solution`, a
:class:`~zoneopt.plans.years.MultiPeriodPlan`). The tracks and their settings are in
:mod:`zoneopt.models.tracks`, each year's model and its stacking in
:mod:`zoneopt.models.year_models`, the rows linking the years in :mod:`zoneopt.models.year_links`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp

from zoneopt.core.model import Model, ModelBuilder, Sense
from zoneopt.core.solution import Solution, SolveOptions, Status
from zoneopt.core.solve import DEFAULT_BACKEND
from zoneopt.core.solve import solve as core_solve
from zoneopt.data.zones import ZoneTable
from zoneopt.errors import InfeasibleError, InstanceError, Issue
from zoneopt.evaluation.run import evaluated_table
from zoneopt.instance import MONEY_LABEL, Instance, Periods
from zoneopt.models.cluster_targets import add_cluster_targets
from zoneopt.models.designation_plan import solve_designation
from zoneopt.models.dynamic import manage
from zoneopt.models.land_form import solve_in_form
from zoneopt.models.land_quota import LandModel
from zoneopt.models.outcome import raise_for_status
from zoneopt.models.rules import RuleInfo, binding_tables, pool_wide_rules
from zoneopt.models.tracks import RESOURCE_ORDER, Track, planned_resources, track_settings
from zoneopt.models.year_links import (
    COMBINED,
    GrowthRow,
    add_cumulative_rules,
    add_growth_targets,
    add_ramps,
    add_smoothing,
    pool_balance,
)
from zoneopt.models.year_models import (
    RowScales,
    YearModel,
    build_year_models,
    objective_units,
    stack_year_models,
    stacked_tilts,
    stacked_tracks,
)
from zoneopt.models.year_targets import SHORT_PREFIX, BuiltTarget, add_year_targets, target_status
from zoneopt.models.zone_years import zone_years
from zoneopt.plans import ManagementResult, MultiPeriodPlan, MultiPeriodSummary, ResourceObjective, TrackSummary
from zoneopt.plans.designation import DesignationPlan
from zoneopt.plans.glossary import Term, spoken

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class MultiPeriodModel:
    """A built multi-period model: the stacked core model and what is needed to read a
    solution back."""

    instance: Instance
    periods: Periods
    zones: ZoneTable
    model: Model
    parts: tuple[YearModel, ...]
    """every resource's model of every year, in stacking order."""
    tracks: tuple[Track, ...]
    sense: Sense
    norms: dict[str, float]
    """N_r: each resource's objective is counted as ω_r × F_r / N_r (sign for its sense)."""
    weights: dict[str, float]
    """ω_r."""
    objective_units: dict[str, str]
    row_scale: FloatArray
    """natural units (mu, t, money) per model unit of each row."""
    row_unit: npt.NDArray[np.object_]
    row_owner: npt.NDArray[np.object_]
    """the resource whose objective a row's dual speaks of (or :data:`COMBINED`)."""
    growth: tuple[GrowthRow, ...] = ()
    rules: dict[str, RuleInfo] = field(default_factory=dict)
    rule_units: dict[str, str] = field(default_factory=dict)
    management: ManagementResult | None = None
    notes: tuple[str, ...] = ()
    targets: tuple[BuiltTarget, ...] = ()
    """the level, share, count and cluster targets as built (models/targets.md)."""
    designation: DesignationPlan | None = None
    """the designation plan the zones of each year follow (its targets are reported with the others)."""

    @property
    def shortfalls(self) -> npt.NDArray[np.int64]:
        """The columns of the soft targets' shortfalls."""
        blocks = [v for v in self.model.var_blocks if v.name.startswith(SHORT_PREFIX)]
        return (np.concatenate([np.arange(v.start, v.start + v.size) for v in blocks]) if blocks
                else np.zeros(0, dtype=np.int64))

    @property
    def combined_rules(self) -> set[str]:
        """The growth and level/count targets that draw on several resources."""
        return ({g.rule for g in self.growth if g.owner == COMBINED}
                | {r.rule for r in self.targets
                   if COMBINED in (r.num.owner, r.den.owner if r.den is not None else "")
                   or len({f.owner for f in (r.num, r.den) if f is not None and f.owner}) > 1})

    change_cost: dict[str, float] = field(default_factory=dict)
    """per smoothed track: λ·κ, what one natural unit of year-to-year change costs its
    resource's objective (natural units, undiscounted; :func:`change_costs`)."""

    @property
    def resources(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p.resource for p in self.parts))

    @property
    def years(self) -> tuple[int, ...]:
        return self.periods.years

    @property
    def coupled(self) -> bool:
        """Whether a growth or other target draws on several resources (their objectives then trade)."""
        return bool(self.combined_rules)

    def parts_of(self, resource: str) -> tuple[YearModel, ...]:
        return tuple(p for p in self.parts if p.resource == resource)

    def track(self, key: str) -> Track:
        for t in self.tracks:
            if t.key == key:
                return t
        raise KeyError(f"no track {key!r} ({', '.join(t.key for t in self.tracks)})")


# -- building -----------------------------------------------------------------------------------

STACKED_FORM_FROM = 50_000
"""Columns from which the stacked model is solved through the land solve form (:func:`solve_stacked`):
the bundled plans (up to ~14k columns) keep the vertex they had where the optimum is not unique;
10k zones × 5 years (52k columns) takes the form."""


def build_multi_period(instance: Instance, management: ManagementResult | None = None,
                       designation: DesignationPlan | None = None) -> MultiPeriodModel:
    """Build the multi-period model of ``instance``: every resource it pools (or
    ``periods.resources``) over the plan years (its ``periods`` section, or the defaults:
    2021–2025, every year the single-year pools, carry-over by resource as
    :data:`~zoneopt.instance.CARRY_OVER_DEFAULT`). With ``management``
    (:func:`zoneopt.models.dynamic.manage`), the land it frees joins the land pools and revoked
    zones get nothing more. Raises :class:`InstanceError` without any pool, for an emission
    objective that is not an optimisation (``zsg_dea``), or for data a rule, objective, effect
    or growth target lacks; :class:`InfeasibleError` for a growth target no allocation can move
    (e.g. in its first year, when allocations take effect a year later). With
    ``designation`` (its plan), a designated park is ``provincial`` from its designation year
    in every year's models and in the targets' selections (:mod:`zoneopt.models.zone_years`),
    and the plan's designation targets are reported with the others."""
    resources = _planned(instance)
    periods = instance.periods if instance.periods is not None else Periods()
    zt = evaluated_table(instance)
    years = periods.years
    settings = track_settings(instance, periods, resources, management)
    notes = _notes(instance, management, resources, years)
    zy = zone_years(instance, zt, years, designation, designation_inactive(management, zt))
    for t in years:  # the year instances' evaluations, once each, before their copies share them
        zy.table(t)
    built = build_year_models(instance, periods, settings, resources, management, zy.instance)
    senses = {bm.model.sense for *_, bm in built}
    sense: Sense = "min" if senses == {"min"} else "max"
    b = ModelBuilder(f"years:{instance.name}", sense)
    parts, scales, rules = stack_year_models(b, built, settings, periods)

    tracks = stacked_tracks(settings, parts, zt, years)
    tracks = tuple(replace(tr, unused=pool_balance(b, tr, scales, rules), change=add_smoothing(b, tr, zt, scales))
                   for tr in tracks)
    by_rule: RowScales = {}
    for tr in tracks:  # a loop over tracks
        add_ramps(b, tr, zt, scales, rules)
        add_cumulative_rules(b, tr, instance, zt, by_rule, rules)
    money = MONEY_LABEL[instance.units.money]
    growth = add_growth_targets(b, tracks, periods, instance, zt, scales, rules, money, in_year=zy)
    targets = (add_year_targets(b, tracks, periods, instance, zt, scales, rules, in_year=zy)
               + add_cluster_targets(b, tracks, periods, instance, zt, scales, rules, in_year=zy))

    model = b.build()
    row_scale, row_unit, row_owner, rule_units = _row_scales(model, scales, by_rule)
    weights: dict[str, float] = {r: float(periods.weights.get(r, 1.0)) for r in RESOURCE_ORDER if r in resources}
    units = {r: objective_units(instance, next(p.built for p in parts if p.resource == r)) for r in resources}
    mm = MultiPeriodModel(instance, periods, zt, model, tuple(parts), tracks, sense, {}, weights, units,
                          row_scale, row_unit, row_owner, growth, rules, rule_units, management, tuple(notes), targets,
                          designation)
    mm = replace(mm, change_cost=change_costs(mm))
    return with_norms(mm, {r: _scale(mm, r) for r in resources})


def change_costs(mm: MultiPeriodModel) -> dict[str, float]:
    """Per smoothed track, λ·κ: κ the most one natural unit of the track earns its resource's
    objective in one year (the largest |objective coefficient| per natural unit over the years,
    undiscounted); for an objective that puts no value on the units themselves (land equity),
    the resource's objective scale per natural unit."""
    out: dict[str, float] = {}
    n = mm.zones.size
    for tr in mm.tracks:  # a loop over tracks
        if tr.change is None:
            continue
        worth = 0.0
        for k, p in enumerate(mm.parts_of(tr.resource)):  # a loop over years
            local = int(tr.x_start[k]) - p.offset
            worth = max(worth, float(np.abs(p.c_nat[local:local + n]).max(initial=0.0)) / float(tr.units[k]))
        if worth <= 0.0:
            worth = _scale(mm, tr.resource) / float(tr.units.max())
        out[tr.key] = tr.penalty * worth
    return out



def designation_inactive(management: ManagementResult | None, zt: ZoneTable) -> Callable[[int], BoolArray] | None:
    """Year → the zones a designation's exclusions (kind ``designation``) say are not zones that
    year, as a mask in zone order; None without such exclusions."""
    found = [e for e in (management.exclusions if management is not None else ()) if e.kind == "designation"]
    if not found:
        return None
    index = pd.Index(zt.ids)
    masks: dict[int, BoolArray] = {}
    for e in found:  # one exclusion per year
        mask = masks.setdefault(e.year, np.zeros(zt.size, dtype=bool))
        rows = index.get_indexer(list(e.zones))
        mask[rows[rows >= 0]] = True
    empty = np.zeros(zt.size, dtype=bool)
    return lambda year: masks.get(year, empty)


def _planned(instance: Instance) -> tuple[str, ...]:
    """The resources to plan (:func:`planned_resources`). Raises :class:`InstanceError` when
    there are none, or for an emission objective that is not an optimisation."""
    resources: tuple[str, ...] = planned_resources(instance)
    if not resources:
        raise InstanceError([Issue("pools", "the multi-period plan needs a pool: pools.land, pools.emissions or "
                                            "pools.funds (their single-year settings hold every year)")])
    if "emissions" in resources:
        assert instance.pools.emissions is not None
        if instance.pools.emissions.objective.kind == "zsg_dea":
            raise InstanceError([Issue("pools.emissions.objective.kind",
                                       "the zero-sum-gains DEA reallocation is a formula, not a model to plan over "
                                       "years: use the priority objective, or leave emissions out "
                                       "(periods.resources)")])
    kinds = {"land": instance.objective.kind,
             "funds": instance.pools.funds.objective.kind if instance.pools.funds is not None else None,
             "emissions": instance.pools.emissions.objective.kind if instance.pools.emissions is not None else None}
    for resource, kind in kinds.items():
        if resource in resources and kind == "lexicographic":
            where = "objective.kind" if resource == "land" else f"pools.{resource}.objective.kind"
            raise InstanceError([Issue(where, "a lexicographic objective serves its priority zones in stages, one "
                                              "solve each: it has no one model to plan over years; use 'tiered'")])
    _refuse_l2(instance, resources)
    return resources


def _refuse_l2(instance: Instance, resources: Sequence[str]) -> None:
    """The tiered target in L2 (a quadratic objective) is not planned over years: the stacked
    objective is one linear sum over resources and years (models/multi-period.md)."""
    tiers = {"land": ("objective.tiers.norm", instance.objective.tiers),
             "funds": ("pools.funds.objective.tiers.norm",
                       instance.pools.funds.objective.tiers if instance.pools.funds is not None else None),
             "emissions": ("pools.emissions.objective.tiers.norm",
                           instance.pools.emissions.objective.tiers if instance.pools.emissions is not None else None)}
    for resource, (where, spec) in tiers.items():
        if resource in resources and spec is not None and spec.norm == "l2":
            raise InstanceError([Issue(where, "the plan over years states one linear objective over every year "
                                              "(models/multi-period.md); the tiered target in L2 is quadratic: use "
                                              "norm 'l1' for the plan over years")])


def _notes(instance: Instance, management: ManagementResult | None, resources: Sequence[str],
           years: Sequence[int]) -> list[str]:
    """What the plan leaves out: land freed by management that joins no planned pool, and the
    project portfolio (from the glossary: :func:`~zoneopt.plans.glossary.spoken`)."""
    notes: list[str] = []
    if management is not None:
        outside = {y: v for y, v in management.pool_additions.items() if v > 0 and (y not in years or
                                                                                    "land" not in resources)}
        if outside:
            notes.append(spoken("note.years.outside", where=Term("note.years.outside_years" if "land" in resources
                                                                 else "note.years.no_land"),
                                amounts=", ".join(f"{y}: {v:,.6g} mu" for y, v in sorted(outside.items()))))
    if instance.projects:
        notes.append(spoken("note.years.projects"))
    return notes


def _row_scales(model: Model, scales: RowScales, by_rule: RowScales) -> tuple[
        FloatArray, npt.NDArray[np.object_], npt.NDArray[np.object_], dict[str, str]]:
    """Per row of the stacked model: natural units per model unit, unit and owner (from its
    block, or for a cumulative rule's rows from its rule; a cumulative rule's auxiliary rows,
    with no rule, count for none); and each rule's unit."""
    row_scale = np.ones(model.num_rows)
    row_unit = np.full(model.num_rows, "", dtype=object)
    row_owner = np.full(model.num_rows, "", dtype=object)
    rule_units: dict[str, str] = {}
    for blk in model.row_blocks:  # a loop over row blocks
        scale, unit, owner = scales.get(blk.name) or by_rule.get(blk.rule or "", (1.0, "", ""))
        row_scale[blk.slice] = scale
        row_unit[blk.slice] = unit
        row_owner[blk.slice] = owner
        if blk.rule is not None:
            rule_units.setdefault(blk.rule, unit)
    return row_scale, row_unit, row_owner, rule_units


def _scale(mm: MultiPeriodModel, resource: str) -> float:
    """A resource's objective scale: its largest discounted coefficient (so the stacked
    objective's coefficients are at most 1)."""
    top = max(float(p.discount * np.abs(p.c_nat).max(initial=0.0)) for p in mm.parts_of(resource))
    return top or 1.0


def stacked_objective(mm: MultiPeriodModel, norms: Mapping[str, float]) -> tuple[FloatArray, float]:
    """The stacked model's objective: Σ_r ±ω_r Σ_t d_t (c_{r,t} x_{r,t} + c0_{r,t}) / N_r,
    negated for a resource whose sense is not the stacked model's, less (a minimisation: plus)
    each smoothed track's penalty ω_r λκ Σ_{i,t} |Δx_{i,t}| / N_r."""
    c = np.zeros(mm.model.num_vars)
    c0 = 0.0
    for p in mm.parts:  # a loop over resources and years
        sign = 1.0 if p.model.sense == mm.sense else -1.0
        f = sign * mm.weights[p.resource] * p.discount / norms[p.resource]
        c[p.cols] = f * p.c_nat
        c0 += f * p.c0_nat
    worse = -1.0 if mm.sense == "max" else 1.0
    for tr in mm.tracks:  # a loop over tracks: the smoothing penalty always counts against
        if tr.change is not None:
            cost = mm.weights[tr.resource] * mm.change_cost[tr.key] * tr.sigma / norms[tr.resource]
            c[tr.change.slice] = worse * cost
    return c, c0


def with_norms(mm: MultiPeriodModel, norms: Mapping[str, float]) -> MultiPeriodModel:
    """``mm`` with the objective normalisers ``norms`` (N_r) and the stacked objective they give."""
    c, c0 = stacked_objective(mm, norms)
    return replace(mm, model=replace(mm.model, c=c, c0=c0), norms=dict(norms))


def resource_objectives(mm: MultiPeriodModel, x: FloatArray) -> dict[str, FloatArray]:
    """Each resource's own objective per year at ``x``, natural units, undiscounted."""
    out: dict[str, list[float]] = {}
    for p in mm.parts:  # a loop over resources and years
        out.setdefault(p.resource, []).append(float(p.c_nat @ x[p.cols] + p.c0_nat))
    return {r: np.asarray(v) for r, v in out.items()}


def discounted(mm: MultiPeriodModel, per_year: Mapping[str, FloatArray]) -> dict[str, float]:
    """Σ_t d_t f_{r,t} per resource."""
    d = np.array([(1.0 + mm.periods.discount_rate) ** -(t - mm.years[0]) for t in mm.years])
    return {r: float(d @ v) for r, v in per_year.items()}


# -- solving ------------------------------------------------------------------------------------

def solve_multi_period(instance: Instance, backend: str = DEFAULT_BACKEND, *, time_limit: float | None = None,
                       mip_gap: float | None = None, options: SolveOptions | None = None,
                       management: ManagementResult | bool | None = None,
                       designation: DesignationPlan | bool | None = None,
                       diagnose_short: bool = False) -> MultiPeriodPlan:
    """Build and solve the multi-period plan of every planned resource; return the checked
    :class:`MultiPeriodPlan`.

    ``management``: a :class:`ManagementResult` to feed the plan; ``None`` (default) runs
    :func:`~zoneopt.models.dynamic.manage` when the instance has a ``management`` section and
    ``periods.reclaim`` is true; ``False`` ignores it. ``designation``: a
    :class:`~zoneopt.plans.designation.DesignationPlan` whose candidates get nothing before
    their designation year and whose converted zones nothing from theirs (``exclude`` rules of
    each year, models/designation.md); ``None`` (default) solves the instance's ``designation``
    section when it has one; ``False`` ignores it. When a growth target draws on several
    resources, each resource's own optimum (the plan without those targets) is solved first
    and sets its normaliser. Raises :class:`InfeasibleError` / :class:`UnboundedError` (exit
    code 3, naming the rules and years in conflict), :class:`NoSolutionError` (4) and
    :class:`InstanceError` (2) as :func:`solve_land` does. With soft targets
    (models/targets.md) the plan first comes as close to each as the hard rules allow
    (:func:`least_shortfall`); ``diagnose_short`` adds to each short one the rules that hold it
    back (:func:`short_conflicts`: one diagnosis each)."""
    dplan = designation if isinstance(designation, DesignationPlan) else (
        solve_designation(instance, backend, time_limit=time_limit, mip_gap=mip_gap)
        if designation is None and instance.designation is not None else None)
    mres: ManagementResult | None = None
    if isinstance(management, ManagementResult):
        mres = management
    elif management is None:
        reclaim = instance.periods.reclaim if instance.periods is not None else True
        if instance.management is not None and reclaim:
            mres = manage(instance, backend=backend, time_limit=time_limit, designation=dplan or False)
    if dplan is not None:
        mres = dplan.feed(mres, instance.name)
    mm = build_multi_period(instance, mres, dplan)
    opts = SolveOptions.merged(options, time_limit=time_limit, mip_gap=mip_gap)
    extra = 0.0
    if mm.coupled:
        mm, ideal = ideal_norms(mm, backend, opts)
        extra = ideal.runtime
    if mm.shortfalls.size:
        mm, stage = least_shortfall(mm, backend, opts)
        extra += stage.runtime
    first = solve_stacked(mm, backend, opts)
    _raise(first, mm, opts.time_limit)
    final, secondary = first, None
    land = mm.parts_of("land")
    if land and instance.objective.kind == "equity" and all(
            isinstance(p.built, LandModel) and p.built.equity is not None for p in land):
        stage2, scale2 = efficiency_stage(mm, first)
        final = core_solve(stage2, backend, options=opts)
        _raise(final, mm, opts.time_limit)
        assert final.objective is not None and final.x is not None
        penalty = sum(float(stage2.c[t.change.slice] @ final.x[t.change.slice]) for t in mm.tracks
                      if t.change is not None)
        secondary = (final.objective - penalty) * scale2  # the tax alone: the smoothing penalty apart
    plan = plan_from_solution(mm, final, primary=first, secondary=secondary, warnings=_warnings(mm),
                              extra_runtime=extra)
    if diagnose_short and (plan.target_status["status"] == "short").any():
        plan.target_status = short_conflicts(mm, plan.target_status, backend, opts.time_limit)
    return plan


def solve_stacked(mm: MultiPeriodModel, backend: str, options: SolveOptions) -> Solution:
    """Solve the stacked model ``mm.model``. From :data:`STACKED_FORM_FROM` columns, on HiGHS,
    through the land solve form: each year's tilt with its caps states the bounds it implies
    (``models/land-quota.md``, "Solving at scale"), the answer lifted back onto the stacked rows
    and checked on them — the same optimum, found 16× faster at 10k zones × 5 years. Every tilt
    row is there from the start: the ramps tie the years, and generating tilt rows as needed
    took 308 rounds there (10.8 s CPU against 0.56 s with every row;
    ``benchmarks/plan_years.py``). Smaller models, and other backends, are solved as they are:
    fast either way, and a plan whose optimum is not unique keeps the vertex it had."""
    if mm.model.num_vars < STACKED_FORM_FROM:
        return core_solve(mm.model, backend, options=options)
    solution, _ = solve_in_form(mm.model, stacked_tilts(mm.parts, mm.model), backend, options, lazy_tilt=False)
    return solution


def ideal_norms(mm: MultiPeriodModel, backend: str = DEFAULT_BACKEND,
                options: SolveOptions | None = None) -> tuple[MultiPeriodModel, Solution]:
    """Solve the plan without the growth targets that draw on several resources (each
    resource then reaches its own optimum F_r*: the model is separable) and return ``mm``
    with N_r = |F_r*| (its scale where F_r* is 0), and the solution. Raises as
    :func:`solve_multi_period` when even that plan has no solution."""
    lb, ub = mm.model.row_lb.copy(), mm.model.row_ub.copy()
    combined = mm.combined_rules
    for blk in mm.model.row_blocks:  # a loop over row blocks: the combined targets' rows
        if blk.rule in combined:
            lb[blk.slice], ub[blk.slice] = -np.inf, np.inf
    relaxed = replace(mm, model=replace(mm.model, row_lb=lb, row_ub=ub, name=mm.model.name + ":own-optima"))
    sol = core_solve(relaxed.model, backend, options=options)
    _raise(sol, relaxed, options.time_limit if options is not None else None)
    assert sol.x is not None
    best = discounted(mm, resource_objectives(mm, sol.x))
    norms = {r: abs(best[r]) if abs(best[r]) > 1e-9 * mm.norms[r] else mm.norms[r] for r in mm.resources}
    return with_norms(mm, norms), sol


def least_shortfall(mm: MultiPeriodModel, backend: str = DEFAULT_BACKEND,
                    options: SolveOptions | None = None) -> tuple[MultiPeriodModel, Solution]:
    """The soft targets' first stage: minimise Σ of their relative shortfalls under every hard
    rule, then return ``mm`` with each shortfall held at most at its value there (so the
    objective is optimised only among the plans that come that close to every soft target),
    and the stage's solution."""
    m = mm.model
    cols = mm.shortfalls
    c = np.zeros(m.num_vars)
    c[cols] = 1.0
    stage = replace(m, c=c, c0=0.0, sense="min", name=m.name + ":least-shortfall")
    sol = core_solve(stage, backend, options=options)
    _raise(sol, mm, options.time_limit if options is not None else None)
    assert sol.x is not None
    ub = m.ub.copy()
    ub[cols] = np.maximum(sol.x[cols], 0.0) * (1.0 + 1e-6) + 1e-7
    return replace(mm, model=replace(m, ub=ub)), sol


def short_conflicts(mm: MultiPeriodModel, status: pd.DataFrame, backend: str = DEFAULT_BACKEND,
                    time_limit: float | None = None) -> pd.DataFrame:
    """``status`` with, for each soft target short in the plan whose figure an allocation
    moves, the rules that keep it short: the plan with that target hard (its shortfall 0, the
    other soft targets free) is infeasible, and the rule-level diagnosis
    (:func:`zoneopt.core.diagnose.diagnose`) names an irreducible set of conflicting rules and
    the least change of each that lets the target hold."""
    from zoneopt.core.diagnose import diagnose
    from zoneopt.errors import ZoneoptError

    out = status.copy()
    m = mm.model
    for k, row in out.iterrows():  # a loop over short targets
        if row["status"] != "short" or "no allocation moves" in str(row["diagnosis"]):
            continue
        own = [v for v in m.var_blocks if v.name.startswith(SHORT_PREFIX + str(row["rule"]))]
        if not own:
            continue
        ub = m.ub.copy()
        ub[mm.shortfalls] = np.inf
        for v in own:
            ub[v.slice] = 0.0
        hard = replace(m, ub=ub, c=np.zeros(m.num_vars), c0=0.0, name=f"{m.name}:{row['rule']}-hard")
        try:
            d = diagnose(hard, backend=backend, row_scale=mm.row_scale, row_unit=mm.row_unit, rules=mm.rules,
                         time_limit=time_limit)
        except (ImportError, ZoneoptError) as exc:
            out.at[k, "diagnosis"] = f"{row['diagnosis']}; no rule-level diagnosis ({exc})"
            continue
        if d.feasible or not d.conflict:
            continue
        held = [c.rule for c in d.conflict if c.rule != row["rule"]]
        out.at[k, "diagnosis"] = f"{row['diagnosis']}; " + (
            "held back by " + ", ".join(f"`{r}`" for r in held[:8]) + (f" and {len(held) - 8} more" if len(held) > 8
                                                                       else "")
            if held else "no plan reaches it whatever the other rules (its own rows conflict)")
    return out


def without_shortfalls(mm: MultiPeriodModel, x: FloatArray) -> FloatArray:
    """``x`` with the soft targets' shortfalls at 0: target rows then give what the plan achieves."""
    cols = mm.shortfalls
    if not cols.size:
        return x
    out = x.copy()
    out[cols] = 0.0
    return out


def _raise(solution: Solution, mm: MultiPeriodModel, time_limit: float | None) -> None:
    """Raise the error a solve's status calls for (:func:`zoneopt.resources.raise_for_status`);
    an infeasible plan is diagnosed in rule terms, each amount in its rule's unit (mu, t, the
    money unit)."""
    what = f"multi-period plan ({', '.join(mm.resources)}) for {mm.instance.name!r}"
    if solution.status is not Status.INFEASIBLE:
        raise_for_status(solution, mm.model, what, row_scale=mm.row_scale, rules=mm.rules, time_limit=time_limit)
        return
    from zoneopt.core.diagnose import diagnose
    from zoneopt.errors import ZoneoptError

    try:
        d = diagnose(mm.model, backend=DEFAULT_BACKEND, row_scale=mm.row_scale, unit="", rules=mm.rules,
                     time_limit=time_limit)
    except (ImportError, ZoneoptError) as exc:
        raise InfeasibleError(f"{what} is infeasible: the rules cannot all hold (no full diagnosis: {exc})") from exc
    if d.feasible:
        raise InfeasibleError(f"{what}: {solution.backend} reports it infeasible, but {d.backend} finds the rules "
                              "can all hold (a solver tolerance issue; try another backend)", d)
    unit_of = {c.rule: mm.rule_units.get(c.rule, "") for c in d.conflict}
    units = sorted(set(unit_of.values()))
    d = replace(d, unit=units[0] if len(units) == 1 else "",
                relaxations=tuple(replace(r, unit=mm.rule_units.get(r.rule, "")) for r in d.relaxations))
    note = "" if len(units) <= 1 else " (the shortfall is in mixed units: " + "; ".join(
        f"{u} for {', '.join(f'`{r}`' for r, v in unit_of.items() if v == u)}" for u in units) + ")"
    raise InfeasibleError(f"{what} is infeasible: {d.message()}{note}", d)


def efficiency_stage(mm: MultiPeriodModel, first: Solution) -> tuple[Model, float]:
    """The equity plan's second stage: each year's minimum land fulfilment kept at its
    stage-one value, maximise the discounted expected tax (or land) over the years; the other
    resources keep their stage-one plan. Returns the model and the natural units per unit of
    its objective."""
    assert first.x is not None
    m = mm.model
    lb, ub = m.lb.copy(), m.ub.copy()
    c = np.zeros(m.num_vars)
    land = [(p, p.built) for p in mm.parts_of("land") if isinstance(p.built, LandModel)]
    natural = [p.discount * lm.land_unit * ((float(lm.weights.max()) if lm.weights is not None else 1.0) or 1.0)
               for p, lm in land]
    S2 = max(natural) or 1.0
    for p, lm in land:  # a loop over years
        assert lm.equity is not None
        j = p.offset + lm.equity.start
        lb[j] = max(0.0, float(first.x[j]) - 1e-9)
        w = lm.weights if lm.weights is not None else np.ones(lm.x.size)
        c[p.offset + lm.x.start:p.offset + lm.x.start + lm.x.size] = p.discount * w * lm.land_unit / S2
    land_track = next((t for t in mm.tracks if t.resource == "land"), None)
    if land_track is not None and land_track.change is not None:  # the smoothing penalty on the tax tie-break
        top = max(float(lm.weights.max()) if lm.weights is not None else 1.0 for _, lm in land) or 1.0
        c[land_track.change.slice] = -land_track.penalty * top * land_track.sigma / S2
    for p in mm.parts:  # a loop over the other resources' years: their plan stays
        if p.resource == "land":
            continue
        v = np.clip(first.x[p.cols], m.lb[p.cols], m.ub[p.cols])
        v = np.where(m.integer[p.cols], np.round(v), v)
        lb[p.cols] = ub[p.cols] = v
    return replace(m, c=c, c0=0.0, lb=lb, ub=ub, sense="max", name=m.name + ":tie-break"), S2


def _warnings(mm: MultiPeriodModel) -> list[str]:
    """Each land year's presolve warnings, once per message with the years it holds in."""
    from zoneopt.models.presolve import presolve_checks

    land = next((t for t in mm.tracks if t.resource == "land"), None)
    if land is None:
        return []
    seen: dict[str, list[int]] = {}
    for p in mm.parts_of("land"):
        if p.year in land.empty_years or not isinstance(p.built, LandModel):
            continue  # built on a nominal pool: its pool checks would mislead
        for f in presolve_checks(p.instance, p.built):
            # With carry-over a year's pool is not the bound of that year's allocation.
            if f.severity != "warning" or (land.carry_over > 0 and f.code in ("floors-exceed-pool",
                                                                               "caps-below-exact-pool")):
                continue
            seen.setdefault(f.message, []).append(p.year)
    out = []
    for msg, yrs in seen.items():
        span = f"{yrs[0]}" if len(yrs) == 1 else (f"{yrs[0]}–{yrs[-1]}" if yrs == list(range(yrs[0], yrs[-1] + 1))
                                                  else ", ".join(map(str, yrs)))
        out.append(f"{span}: {msg}")
    return out


# -- reading the plan back ------------------------------------------------------------------------

def _dual_factor(mm: MultiPeriodModel) -> FloatArray:
    """Per row: the resource's natural objective per unit of the stacked objective
    (N_r / (±ω_r)); 1 for a row of several resources (its dual is in the stacked objective)."""
    out = np.ones(mm.model.num_rows)
    for r in mm.resources:
        sign = 1.0 if mm.parts_of(r)[0].model.sense == mm.sense else -1.0
        out[mm.row_owner == r] = mm.norms[r] / (sign * mm.weights[r])
    return out


def _objective_kind(instance: Instance, resource: str) -> str:
    if resource == "emissions":
        assert instance.pools.emissions is not None
        return instance.pools.emissions.objective.kind
    if resource == "funds":
        assert instance.pools.funds is not None
        return instance.pools.funds.objective.kind
    return instance.objective.kind


def plan_from_solution(mm: MultiPeriodModel, solution: Solution, *, primary: Solution | None = None,
                       secondary: float | None = None, warnings: Sequence[str] = (),
                       extra_runtime: float = 0.0) -> MultiPeriodPlan:
    """Turn a checked core solution of the stacked model into a :class:`MultiPeriodPlan`
    (natural units). ``primary`` is the first stage of a lexicographic (equity) solve: its
    objective and duals are reported, the allocation is ``solution``'s. ``extra_runtime``: time
    of other solves (each resource's own optimum)."""
    primary = primary if primary is not None else solution
    assert solution.x is not None and primary.x is not None and primary.objective is not None
    x = solution.x
    m, zt = mm.model, mm.zones
    n, T = zt.size, len(mm.years)
    f = zt.frame
    zones = np.arange(n)
    # Cells in the order track, year, zone: the map columns → cells for the bindings table.
    cols = np.concatenate([tr.columns(k, zones) for tr in mm.tracks for k in range(T)])
    zone_of_column = sp.csr_matrix((np.ones(cols.size), (cols, np.arange(cols.size))), shape=(m.num_vars, cols.size))
    duals = primary.row_duals * _dual_factor(mm) / mm.row_scale if primary.row_duals is not None else None
    per = np.array([mm.objective_units.get(o, "stacked objective") for o in mm.row_owner], dtype=object)
    unit = per + " per " + mm.row_unit.astype(object)
    bindings, binding_rules, shadow_prices = binding_tables(m, x, duals, mm.row_scale, unit, zone_of_column,
                                                               pool_wide_rules(mm.rules))

    cell_parts, year_parts = [], []
    by_part = {(p.resource, p.year): p for p in mm.parts}
    track_summaries = []
    start = 0
    for tr in mm.tracks:  # a loop over tracks
        raw = x[np.concatenate([tr.columns(k, zones) for k in range(T)])].reshape(T, n)
        alloc = (np.round(raw) if tr.integer else np.maximum(raw, 0.0)) * tr.units[:, None]
        flat = alloc.reshape(-1)
        req = np.tile(tr.request, T)
        with np.errstate(divide="ignore", invalid="ignore"):
            fulfil = np.where(req > 0, flat / req, np.nan)
        weights = [by_part[(tr.resource, t)].weights for t in mm.years]
        # each year's level, grade and score as that year's model read them (a designated park is
        # provincial from its year: models/zone_years.py)
        yf = [evaluated_table(by_part[(tr.resource, t)].instance).frame for t in mm.years]
        cell_parts.append(pd.DataFrame({
            "track": tr.key, "resource": tr.resource, "unit": tr.unit,
            "year": np.repeat(np.asarray(mm.years), n), "zone": np.tile(f["zone"].to_numpy(), T),
            "name": np.tile(f["name"].to_numpy(), T), "city": np.tile(f["city"].to_numpy(), T),
            "level": np.concatenate([g["level"].to_numpy() for g in yf]),
            "grade": np.concatenate([g["grade"].to_numpy() for g in yf]),
            "score": np.concatenate([g["score"].to_numpy(dtype=float) for g in yf]),
            "land_area_mu": np.tile(f["land_area_mu"].to_numpy(), T),
            "request": req, "allocation": flat, "fulfilment": fulfil,
            "weight": np.concatenate([w if w is not None else np.full(n, np.nan) for w in weights]),
            "binding_rules": binding_rules[start:start + n * T], "shadow_prices": shadow_prices[start:start + n * T],
        }))
        start += n * T
        assert tr.unused is not None
        u = np.maximum(x[tr.unused.slice], 0.0) * tr.sigma
        c = tr.carry_over
        carried_in = np.concatenate([[0.0], c * u[:-1]])
        lapsed = np.concatenate([(1.0 - c) * u[:-1], [0.0]])
        pools, additions = tr.per_year(tr.pools), tr.per_year(tr.additions)
        year_parts.append(pd.DataFrame({
            "track": tr.key, "resource": tr.resource, "unit": tr.unit, "year": list(mm.years),
            "pool": pools, "additions": additions, "carried_in": carried_in,
            "available": pools + additions + carried_in, "allocated": alloc.sum(axis=1), "unused": u,
            "carried_out": np.concatenate([c * u[:-1], [0.0]]), "lapsed": lapsed}))
        track_summaries.append(TrackSummary(
            track=tr.key, resource=tr.resource, unit=tr.unit, pool_total=float(pools.sum()),
            additions=float(additions.sum()), allocated=float(alloc.sum()), unused_end=float(u[-1]),
            lapsed=float(lapsed.sum()), carry_over=c, carry_over_source=tr.carry_over_source, model_unit=tr.sigma,
            exact=tr.exact, empty_years=list(tr.empty_years), **_smoothing_fields(mm, tr, alloc)))

    per_year = resource_objectives(mm, primary.x)
    total = discounted(mm, per_year)
    d = [(1.0 + mm.periods.discount_rate) ** -(t - mm.years[0]) for t in mm.years]
    objectives = pd.DataFrame([{"resource": r, "year": t, "objective": float(v), "unit": mm.objective_units[r],
                                "discount": dk} for r, vals in per_year.items()
                               for t, v, dk in zip(mm.years, vals, d, strict=True)])
    T_txt = f", summed over {T} year{'s' if T > 1 else ''}" + (
        f" discounted at {mm.periods.discount_rate:.4g}/yr" if mm.periods.discount_rate else "")
    res_obj = [ResourceObjective(resource=r, kind=_objective_kind(mm.instance, r), value=total[r],
                                 unit=mm.objective_units[r] + T_txt, weight=mm.weights[r], normaliser=mm.norms[r],
                                 smoothing_cost=sum(p.smoothing_cost for p in track_summaries if p.resource == r))
               for r in mm.resources]
    one = res_obj[0] if len(res_obj) == 1 else None
    notes = list(mm.notes)
    if mm.coupled:
        notes.append(spoken("note.years.coupled", shares=", ".join(
            f"{o.resource} {o.value:,.6g} / {o.normaliser:,.6g}" for o in res_obj)))
    viol = [max(r.max_bound_violation, r.max_row_violation, r.max_integrality_violation)
            for r in (solution.check, primary.check) if r]
    summary = MultiPeriodSummary(
        instance=mm.instance.name, resource="multi-period: " + ", ".join(mm.resources), resources=list(mm.resources),
        synthetic=mm.instance.metadata.synthetic, status=solution.status.value,
        objective=one.value if one else None, objective_kind=one.kind if one else "per resource",
        objective_unit=one.unit if one else "see objectives", objectives=res_obj, pools=track_summaries,
        coupled=mm.coupled, backend=solution.backend,
        runtime_s=solution.runtime + (primary.runtime if primary is not solution else 0.0) + extra_runtime,
        mip_gap=solution.mip_gap, years=list(mm.years), zones=n, discount_rate=mm.periods.discount_rate,
        money_unit=MONEY_LABEL[mm.instance.units.money], management_applied=(
            mm.management is not None and mm.management.applied),
        secondary_objective=secondary,
        secondary_objective_unit=(f"{_tie_unit(mm)}, summed over the years" if secondary is not None else None),
        check_max_violation=max(viol) if viol else None, notes=notes, warnings=list(warnings),
    )
    growth = _target_table(mm, x)
    status = target_status(mm.targets, mm.growth, mm.periods, without_shortfalls(mm, x), zt, growth,
                           mm.designation.targets if mm.designation is not None else None, instance=mm.instance)
    return MultiPeriodPlan(summary, pd.concat(cell_parts, ignore_index=True),
                           pd.concat(year_parts, ignore_index=True), objectives, growth, bindings,
                           mm.management, target_status=status)


def total_variation(alloc: FloatArray) -> FloatArray:
    """Per zone, Σ_{t>t₁} |x_{i,t} − x_{i,t−1}| of a years × zones allocation: how much its
    allocation moves from year to year (0 for a constant one)."""
    return np.asarray(np.abs(np.diff(alloc, axis=0)).sum(axis=0), dtype=np.float64)


def _smoothing_fields(mm: MultiPeriodModel, tr: Track, alloc: FloatArray) -> dict[str, object]:
    """A track's smoothing in its summary: λ, whether it is the default, λκ (what a unit of
    change costs the objective), the total variation and the penalty charged."""
    tv = float(total_variation(alloc).sum())
    cost = mm.change_cost.get(tr.key, 0.0)
    return {"smoothing_penalty": tr.penalty, "smoothing_default": tr.smoothing is None,
            "smoothing_source": tr.smoothing.source if tr.smoothing is not None else None,
            "change_cost": cost, "change_cost_unit": f"{mm.objective_units[tr.resource]} per {tr.unit}",
            "total_variation": tv, "smoothing_cost": cost * tv}


def _tie_unit(mm: MultiPeriodModel) -> str:
    from zoneopt.evaluation.indicators import objective_unit

    lm = mm.parts_of("land")[0].built
    return objective_unit(mm.instance.objective.weight, mm.instance) if lm.weights is not None else "mu allocated"


def _target_table(mm: MultiPeriodModel, x: FloatArray) -> pd.DataFrame:
    """Per growth-target row: base, organic, required and achieved levels, slack, rates, and
    the tracks driving it."""
    cols = ["rule", "source", "metric", "scope", "year", "years_since_base", "base", "organic", "required", "achieved",
            "slack", "required_rate", "achieved_rate", "driven_by"]
    parts: list[pd.DataFrame] = []
    x = without_shortfalls(mm, x)
    for g in mm.growth:  # a loop over target rows
        blk = mm.model.row_block(g.block)
        achieved = g.organic + (mm.model.A[blk.slice] @ x) * g.scale
        with np.errstate(divide="ignore", invalid="ignore"):
            rate = np.where(g.base > 0, (achieved / g.base) ** (1.0 / g.k) - 1.0, np.nan)
        scope = mm.zones.ids[g.zones].tolist() if g.zones.size else ["total"]
        parts.append(pd.DataFrame({
            "rule": g.rule, "source": g.target.cited, "metric": g.target.metric, "scope": scope, "year": g.year,
            "years_since_base": g.k, "base": g.base, "organic": g.organic, "required": g.required,
            "achieved": achieved, "slack": achieved - g.required, "required_rate": g.target.rate,
            "achieved_rate": rate, "driven_by": "+".join(g.drivers)}))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=cols)


__all__ = ["MultiPeriodModel", "build_multi_period", "total_variation", "change_costs",
           "solve_multi_period", "plan_from_solution", "efficiency_stage",
           "ideal_norms", "least_shortfall", "without_shortfalls", "short_conflicts",
           "stacked_objective", "with_norms", "resource_objectives", "discounted"]
