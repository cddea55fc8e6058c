"""Designation model (新增省级经开区; 推荐晋升国家级; 向城市综合功能区转型): which candidate parks
become provincial zones in which plan year, which provincial zones are recommended for national
status, and which zones in a central urban area convert to urban functional areas — under the
plan's criteria, counts and one zone per county. The mathematics and each rule's clause are in
``models/designation.md``; the settings are ``instance.designation``
(:class:`~zoneopt.instance.Designation`).

Variables, one per zone of a part and plan year (zone-major: column ``start + a·T + t``):
``establish`` (candidate a designated in year t), ``upgrade`` (zone recommended in year t),
``convert`` (zone converted in year t); all binary. What the rules imply:

* a hard criterion a zone fails, and a county already at its cap with no zone that may
  convert, fix that zone's variables to 0 **by bounds** (no row): the plan names the criterion
  or the county;
* once: Σ_t x_{a,t} ≤ 1 per zone and part (= 1 for a required conversion), rule
  ``designation-once``;
* one zone per county (2017 §二(一)), rule ``designation.county.id``: **one row per county**,
  Σ_{a∈c,t} e_{a,t} ≤ cap_c − n_c (n_c the zones the county has), when no zone of the county
  may convert; when one may, one row per county and year, Σ_{a∈c, s≤t} e_{a,s} − Σ_{k∈c, s≤t}
  v_{k,s} ≤ cap_c − n_c (a candidate takes the place a conversion frees, not before);
* counts: Σ over all of a part's columns in [total_min, total_max], and per year in
  [per_year_min, per_year_max], rule ``count.id``;
* designation targets of ``periods.targets`` (``type: "designation"``), rule ``target.id``:
  one row each, Σ_{a, t ≤ due} x_{a,t} (+ s) ≥ N − E, E the zones that count already
  (``existing``); a soft target's shortfall s ≥ 0 is minimised first (relative to N − E), then
  held while the measure is maximised (:func:`target_limits` says what caps it);
* the measure (maximised): Σ weight · score_a · Y_t x_{a,t}, Y_t = T − t (years as a zone,
  ``timing: "years"``) or 1 (``"once"``); a conversion counts ``value`` · Y_t. With
  ``tie_break`` a second solve keeps the measure at its optimum and maximises
  Σ (n − rank_a + 1) · (T − t) x_{a,t}, rank by score then id: higher-ranked parks and earlier
  years first, whatever the backend; a conversion worth nothing itself enters the tie-break
  with the opposite sign, scaled so all of them weigh less than 1 (as few and as late as the
  designations allow, never at a designation's expense).

Statuses (``designation.statuses``: 国际合作园区, 开放创新联动区) are parts of their own, built
by :mod:`zoneopt.models.designation_status`: a binary per zone and year, once and named rows,
a count, status targets (``"part": "status"``) and their terms of the measure and tie-break.

Every row block carries its rule id and clause, so an infeasible plan is diagnosed in rule
terms (:func:`zoneopt.models.outcome.raise_for_status`); a count floor that more parks than
qualify would need is named first from the data alone (:func:`quick_conflicts`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from zoneopt.core.model import Model, ModelBuilder, RowBlock, VarBlock
from zoneopt.data.zones import ZoneTable
from zoneopt.errors import InstanceError, Issue
from zoneopt.evaluation.indicators import indicator
from zoneopt.evaluation.run import evaluated_table
from zoneopt.instance import (
    PLAN_YEARS,
    Designation,
    DesignationTarget,
    Instance,
)
from zoneopt.models.designation_parts import (
    Part,
    count_rows,
    criteria_values,
    criterion_text,
    failed_ids,
    figure,
)
from zoneopt.models.designation_status import (
    StatusPart,
    build_statuses,
    status_conflicts,
    status_limits,
    status_objective,
)
from zoneopt.models.outcome import ResourceModel
from zoneopt.models.rules import RuleInfo
from zoneopt.plans.glossary import Phrase, Term, spoken

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

ONCE_RULE = "designation-once"
MEASURE_BLOCK = "designation-measure"
PARTS = ("establish", "upgrade", "convert")



@dataclass(frozen=True, eq=False)
class TargetRow:
    """A designation target as built: its part, the index of its due year, the zones that
    count already (``existing``), what the decisions must add (``need`` = at_least −
    existing, at least 0), its row (None when ``need`` is 0) and a soft target's shortfall."""

    target: DesignationTarget
    due: int
    existing: int
    need: int
    row: RowBlock | None
    short: VarBlock | None


@dataclass(frozen=True, eq=False)
class DesignationModel:
    """A built designation model: the core model, the parts, the years, the county data
    (``existing``: zones per county before any decision; ``cap``; ``full``: counties whose
    candidates are fixed to 0), the rules by id, the targets' rows and the statuses
    (:mod:`zoneopt.models.designation_status`) by id."""

    instance: Instance
    settings: Designation
    zones: ZoneTable
    model: Model
    years: tuple[int, ...]
    parts: dict[str, Part]
    counties: list[str]
    county_of: IntArray
    existing: IntArray
    cap: IntArray
    convertible: IntArray
    full: BoolArray
    county_rows: RowBlock | None
    county_row_year: IntArray
    count_rows: dict[str, tuple[RowBlock | None, RowBlock | None]]
    measure_row: RowBlock
    tie_c: FloatArray
    rules: dict[str, RuleInfo] = field(default_factory=dict)
    targets: tuple[TargetRow, ...] = ()
    statuses: dict[str, StatusPart] = field(default_factory=dict)

    def part_of(self, t: DesignationTarget) -> Part:
        """The part a designation target counts: ``establish``, ``upgrade``, ``convert``, or
        its status."""
        return self.statuses[str(t.status)] if t.part == "status" else self.parts[t.part]

    @property
    def shortfalls(self) -> IntArray:
        """The columns of the soft targets' shortfalls."""
        cols = [np.arange(r.short.start, r.short.start + r.short.size) for r in self.targets if r.short is not None]
        return np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)


def settings_of(instance: Instance) -> Designation:
    """The instance's designation settings, or the defaults."""
    return instance.designation if instance.designation is not None else Designation()


def plan_years(instance: Instance, s: Designation) -> tuple[int, ...]:
    """The designation's years: its own, else the plan's (``periods.years``), else 2021–2025."""
    if s.years is not None:
        return tuple(s.years)
    if instance.periods is not None:
        return tuple(instance.periods.years)
    return PLAN_YEARS



def _selection(s: Designation, zt: ZoneTable) -> dict[str, BoolArray]:
    """Which zones each part applies to. Candidates are never upgraded or converted in the
    same plan (a park designated now is not yet a provincial zone with a record)."""
    cand = zt.select(s.establish.candidates)
    out = {"establish": cand}
    if s.upgrade is not None:
        out["upgrade"] = zt.select(s.upgrade.select) & ~cand
    if s.convert is not None:
        out["convert"] = zt.select(s.convert.select) & ~cand
    return out


def _county_data(s: Designation, zt: ZoneTable, cand: BoolArray, convertible: BoolArray
                 ) -> tuple[list[str], IntArray, IntArray, IntArray, IntArray]:
    """Counties, each zone's county (-1: none), zones per county before any decision (every
    zone that is not a candidate), each county's cap, and its zones that may convert."""
    names, member = zt.groups("county")
    county_of = np.full(zt.size, -1, dtype=np.int64)
    coo = member.tocoo()
    county_of[coo.col] = coo.row
    existing = np.asarray(member @ (~cand).astype(float)).ravel().astype(np.int64)
    cap = np.array([s.county.exceptions.get(c, s.county.cap) for c in names], dtype=np.int64)
    conv = np.asarray(member @ convertible.astype(float)).ravel().astype(np.int64)
    return names, county_of, existing, cap, conv


def _part(b: ModelBuilder, instance: Instance, s: Designation, zt: ZoneTable, name: str, mask: BoolArray,
          T: int, years: tuple[int, ...], extra_ok: BoolArray | None = None) -> Part:
    cfg = getattr(s, name)
    zones = np.flatnonzero(mask)
    criteria = tuple(cfg.criteria)
    values, passed = criteria_values(instance, s, zt, name, zones, criteria)
    ok = np.ones(zones.size, dtype=bool)
    for c in criteria:
        ok &= passed[c.id]
    if extra_ok is not None:
        ok &= extra_ok
    if name == "convert":
        score = np.full(zones.size, float(cfg.value))
    else:
        among = np.zeros(zt.size, dtype=bool)
        among[zones[ok]] = True
        score = indicator(instance, s.score, field="designation.score", among=among, table=zt)[zones]
    labels = [f"{z}@{y}" for z in zt.ids[zones].tolist() for y in years]
    var = b.add_vars(name, zones.size * T, lb=0.0, ub=np.repeat(ok, T).astype(float), integer=True, labels=labels)
    weight = float(getattr(cfg, "weight", 1.0))
    return Part(name, zones, criteria, values, passed, ok, failed_ids(criteria, passed, zones.size), score,
                cfg.count, var, weight)


def _once_rows(b: ModelBuilder, parts: dict[str, Part], s: Designation, ids: npt.NDArray[np.object_],
               T: int) -> None:
    """One row per zone over all its columns: Σ_parts Σ_t x_{a,t} ≤ 1 — a park is designated
    once, and a zone is recommended or converted, not both (= 1 for a required conversion of
    a qualifying zone)."""
    zone_parts = [np.repeat(p.zones, T) for p in parts.values()]
    col_parts = [p.var.start + np.arange(p.zones.size * T) for p in parts.values()]
    zones = np.concatenate(zone_parts) if zone_parts else np.zeros(0, dtype=np.int64)
    if zones.size == 0:
        return
    uniq, row = np.unique(zones, return_inverse=True)
    A = sp.csr_matrix((np.ones(zones.size), (row, np.concatenate(col_parts))), shape=(uniq.size, b.num_vars))
    lb = np.zeros(uniq.size)
    conv = parts.get("convert")
    if conv is not None and s.convert is not None and s.convert.required:
        lb[np.searchsorted(uniq, conv.zones[conv.ok])] = 1.0
    b.add_rows(ONCE_RULE, A, lb=lb, ub=1.0, rule=ONCE_RULE, source=s.source, labels=ids[uniq].tolist())



def _county_rows(b: ModelBuilder, s: Designation, est: Part, conv: Part | None, county_of: IntArray,
                 room: IntArray, yearly: BoolArray, T: int, names: list[str], years: tuple[int, ...]
                 ) -> tuple[RowBlock | None, IntArray]:
    """One row per county (``yearly`` counties: one per county and year), over the
    qualifying candidates' columns (+1) and the convertible zones' (−1, yearly only)."""
    a = np.flatnonzero(est.ok & (county_of[est.zones] >= 0))
    if a.size == 0:
        return None, np.zeros(0, dtype=np.int64)
    used = np.unique(county_of[est.zones[a]])
    yearly_used = used[yearly[used]]
    single = used[~yearly[used]]
    # Row numbering: single counties first (one row each), then yearly counties × years.
    row_single = np.full(len(names), -1, dtype=np.int64)
    row_single[single] = np.arange(single.size)
    row_yearly = np.full(len(names), -1, dtype=np.int64)
    row_yearly[yearly_used] = single.size + np.arange(yearly_used.size) * T
    n_rows = single.size + yearly_used.size * T
    r_parts, c_parts, v_parts = [], [], []
    ca = county_of[est.zones[a]]
    s_idx = np.tile(np.arange(T), a.size)
    a_rep = np.repeat(a, T)
    c_rep = np.repeat(ca, T)
    one = ~yearly[c_rep]
    r_parts.append(row_single[c_rep[one]])
    c_parts.append(est.column(a_rep[one], s_idx[one], T))
    v_parts.append(np.ones(int(one.sum())))
    # Yearly: x_{a,s} counts in the rows of years t ≥ s.
    for sign, part, idx in ((1.0, est, a[yearly[ca]]), (-1.0, conv, None)):
        if part is None:
            continue
        if idx is None:
            kc = county_of[part.zones]
            idx = np.flatnonzero(part.ok & (kc >= 0) & (row_yearly[np.maximum(kc, 0)] >= 0))
        if idx.size == 0:
            continue
        cz = county_of[part.zones[idx]]
        ii, ss, tt = np.meshgrid(np.arange(idx.size), np.arange(T), np.arange(T), indexing="ij")
        keep = ss <= tt
        ii, ss, tt = ii[keep], ss[keep], tt[keep]
        r_parts.append(row_yearly[cz[ii]] + tt)
        c_parts.append(part.column(idx[ii], ss, T))
        v_parts.append(np.full(ii.size, sign))
    A = sp.csr_matrix((np.concatenate(v_parts), (np.concatenate(r_parts), np.concatenate(c_parts))),
                      shape=(n_rows, b.num_vars))
    rhs = np.concatenate([room[single], np.repeat(room[yearly_used], T)]).astype(float)
    labels = [names[c] for c in single.tolist()] + [f"{names[c]}@{y}" for c in yearly_used.tolist() for y in years]
    year_of_row = np.concatenate([np.full(single.size, T - 1), np.tile(np.arange(T), yearly_used.size)])
    county_row = np.concatenate([single, np.repeat(yearly_used, T)])
    block = b.add_rows(s.county.id, A, ub=rhs, rule=s.county.id, source=s.county.cited, labels=labels)
    return block, np.column_stack([county_row, year_of_row]).astype(np.int64)


def build_designation_model(instance: Instance) -> DesignationModel:
    """Build the designation MIP of ``instance`` (settings ``instance.designation``, or the
    defaults). Raises :class:`InstanceError` for an unknown criterion indicator, or a
    qualifying zone without the score the measure weighs."""
    s = settings_of(instance)
    zt = evaluated_table(instance)
    years = plan_years(instance, s)
    T = len(years)
    sel = _selection(s, zt)
    b = ModelBuilder(f"designation:{instance.name}", "max")
    rules: dict[str, RuleInfo] = {
        ONCE_RULE: RuleInfo(ONCE_RULE, "once", s.source, "a park is designated, recommended or converted once"),
    }
    # Conversions first: a county's room depends on which of its zones may convert.
    parts: dict[str, Part] = {}
    if "convert" in sel:
        parts["convert"] = _part(b, instance, s, zt, "convert", sel["convert"], T, years)
    convertible = np.zeros(zt.size, dtype=bool)
    if "convert" in parts:
        convertible[parts["convert"].zones[parts["convert"].ok]] = True
    names, county_of, existing, cap, conv_n = _county_data(s, zt, sel["establish"], convertible)
    room = cap - existing
    full = (room < 0) | ((room == 0) & (conv_n == 0))
    cz = county_of[np.flatnonzero(sel["establish"])]
    extra_ok = ~((cz >= 0) & full[np.maximum(cz, 0)])
    parts["establish"] = _part(b, instance, s, zt, "establish", sel["establish"], T, years, extra_ok)
    must = convertible if s.convert is not None and s.convert.required else np.zeros(zt.size, dtype=bool)
    if "upgrade" in sel:  # a zone that must convert is not recommended
        parts["upgrade"] = _part(b, instance, s, zt, "upgrade", sel["upgrade"], T, years,
                                 ~must[np.flatnonzero(sel["upgrade"])])
    for p in parts.values():  # a loop over parts and their criteria
        for crit in p.criteria:
            rules[crit.id] = RuleInfo(crit.id, "criterion", crit.cited,
                                      crit.note or criterion_text(crit) + " (by bounds)")

    _once_rows(b, parts, s, zt.ids, T)
    county_block, county_row_year = _county_rows(b, s, parts["establish"], parts.get("convert"), county_of,
                                                 room, conv_n > 0, T, names, years)
    rules[s.county.id] = RuleInfo(s.county.id, "county", s.county.cited, s.county.note or (
        f"原则上每个县设立1家: at most {s.county.cap} zone(s) per county"
        + (f", exceptions {dict(s.county.exceptions)}" if s.county.exceptions else "")))
    counts = {name: count_rows(b, p, T, years, rules) for name, p in parts.items()}
    statuses = build_statuses(b, instance, s, zt, years, sel["establish"], must, parts.get("convert"), rules)
    targets = _target_rows(b, instance, zt, parts, statuses, years, rules)

    c, tie = _objective(b, parts, s, zt.ids, T)
    status_objective(statuses, s.objective.timing, T, c, tie)
    for sp_ in statuses.values():  # a loop over statuses
        b.set_obj(sp_.var, c[sp_.var.slice])
    measure = b.add_rows(MEASURE_BLOCK, sp.csr_matrix(c.reshape(1, -1)), labels=["measure"])
    return DesignationModel(instance, s, zt, b.build(objective_unit="score·years"), years, parts, names, county_of,
                            existing, cap, conv_n, full, county_block, county_row_year, counts, measure,
                            tie, rules, targets, statuses)


def designation_targets(instance: Instance) -> tuple[tuple[int, DesignationTarget], ...]:
    """The designation targets of ``periods.targets`` with their index."""
    targets = instance.periods.targets or () if instance.periods is not None else ()
    return tuple((j, t) for j, t in enumerate(targets) if isinstance(t, DesignationTarget))


def _target_rows(b: ModelBuilder, instance: Instance, zt: ZoneTable, parts: dict[str, Part],
                 statuses: dict[str, StatusPart], years: tuple[int, ...], rules: dict[str, RuleInfo]
                 ) -> tuple[TargetRow, ...]:
    """One row per designation target over its part's columns up to its due year (a loop
    over targets): Σ x (+ s) ≥ at_least − existing. Raises :class:`InstanceError` for a due
    year outside the designation's years or a part the section does not have."""
    out = []
    T = len(years)
    for j, t in designation_targets(instance):
        where = f"periods.targets[{j}]"
        due_year = t.year if t.year is not None else years[-1]
        if due_year not in years:
            raise InstanceError([Issue(f"{where}.year", f"target {t.id!r}: year {due_year} is not a designation "
                                                        f"year {list(years)}")])
        p = statuses.get(str(t.status)) if t.part == "status" else parts.get(t.part)
        if p is None:
            raise InstanceError([Issue(f"{where}.part", f"target {t.id!r}: the designation has no {t.part!r} part"
                                       + (f" {t.status!r}" if t.status else ""))])
        due = years.index(due_year)
        existing = (int(zt.select(t.existing).sum()) if t.existing is not None
                    else p.held_total if isinstance(p, StatusPart) else 0)
        need = max(int(t.at_least) - existing, 0)
        rules[t.id] = RuleInfo(t.id, "designation", t.cited, t.note or (
            f"at least {t.at_least} by {due_year}: {existing} counted already + {t.status or t.part} decisions"))
        if need == 0:
            out.append(TargetRow(t, due, existing, 0, None, None))
            continue
        a, yr = np.meshgrid(np.arange(p.zones.size), np.arange(due + 1), indexing="ij")
        cols = p.column(a.ravel(), yr.ravel(), T)
        short = None if t.is_hard else b.add_vars(f"short:{t.id}", 1, lb=0.0, ub=float(need), integer=True)
        if short is not None:
            cols = np.append(cols, short.start)
        A = sp.csr_matrix((np.ones(cols.size), (np.zeros(cols.size, dtype=np.int64), cols)), shape=(1, b.num_vars))
        row = b.add_rows(t.id, A, lb=float(need), rule=t.id, source=t.cited, labels=[str(due_year)])
        out.append(TargetRow(t, due, existing, need, row, short))
    return tuple(out)


def target_limits(dm: DesignationModel, r: TargetRow) -> tuple[int, list[str]]:
    """The most decisions of the target's part its rules allow by its due year, from the data
    alone, and each limit in words: the qualifying zones (with how many fail each criterion),
    one zone per county (designations), the count's total and yearly maxima."""
    p = dm.part_of(r.target)
    if isinstance(p, StatusPart):
        limits = status_limits(p, r.due, dm.years)
        most = min(v for v, _ in limits)
        return most, [text for v, text in limits if v == most or v == limits[0][0]]
    c = p.count
    qualifying = int(p.ok.sum())
    fails = ", ".join(f"`{cr.id}` {int((~p.passed[cr.id]).sum())}" for cr in p.criteria
                      if (~p.passed[cr.id]).any())
    what = {"establish": "candidates", "upgrade": "zones that may be recommended",
            "convert": "zones that may convert"}[p.name]
    limits = [(qualifying, f"{qualifying} of {p.zones.size} {what} qualify"
               + (f" (failing: {fails})" if fails else ""))]
    if p.name == "establish":
        county = dm.settings.county
        limits.append((most_possible(dm), f"one zone per county (`{county.id}`, {county.cited or 'no source'}) "
                                          f"allows at most {most_possible(dm)}"))
    if c is not None and c.total_max is not None:
        limits.append((int(c.total_max), f"count `{c.id}` allows at most {c.total_max} in all"))
    if c is not None and c.per_year_max is not None:
        n = int(c.per_year_max) * (r.due + 1)
        limits.append((n, f"count `{c.id}` allows at most {c.per_year_max} a year: {n} by {dm.years[r.due]}"))
    most = min(v for v, _ in limits)
    return most, [text for v, text in limits if v == most or v == qualifying]


def _objective(b: ModelBuilder, parts: dict[str, Part], s: Designation, ids: npt.NDArray[np.object_],
               T: int) -> tuple[FloatArray, FloatArray]:
    """The measure's coefficients (set on the builder) and the tie-break's (see the module
    docstring)."""
    Y = (T - np.arange(T)).astype(float) if s.objective.timing == "years" else np.ones(T)
    earlier = (T - np.arange(T)).astype(float)
    c = np.zeros(b.num_vars)
    tie = np.zeros(b.num_vars)
    for p in parts.values():  # a loop over parts
        n = p.zones.size
        worth = np.where(p.ok, np.nan_to_num(p.score), 0.0) * (p.weight if p.name != "convert" else 1.0)
        c[p.var.slice] = np.repeat(worth, T) * np.tile(Y, n)
        order = np.lexsort((ids[p.zones].astype(str), -worth))
        rank = np.empty(n, dtype=np.int64)
        rank[order] = np.arange(1, n + 1)
        w = np.repeat((n - rank + 1).astype(float), T) * np.tile(earlier, n)
        tie[p.var.slice] = w
        if p.name == "convert" and not (s.convert is not None and (s.convert.required or s.convert.value > 0)):
            # A conversion worth nothing itself: among equal plans, as few and as late as can be;
            # scaled so all of them weigh less than 1: they never outweigh a designation's tie.
            tie[p.var.slice] = -w / (float(w.sum()) + 1.0)
        b.set_obj(p.var, c[p.var.slice])
    return c, tie



def tie_break_model(dm: DesignationModel, measure: float) -> Model:
    """The second stage: the measure at least its optimum (less a relative 1e-6), maximise
    the rank-weighted tie-break."""
    m = dm.model
    row_lb = m.row_lb.copy()
    row_lb[dm.measure_row.start] = measure - 1e-6 * max(1.0, abs(measure))
    return replace(m, c=dm.tie_c.copy(), row_lb=row_lb, name=m.name + ":tie-break", objective_unit="rank points")


# -- quick explanations of infeasibility -------------------------------------------------------

def most_possible(dm: DesignationModel) -> int:
    """An upper bound on how many candidates can be designated, from the data alone: per
    county, the fewer of its qualifying candidates and its room (cap − zones + zones that may
    convert); candidates without a county all."""
    est = dm.parts["establish"]
    cz = dm.county_of[est.zones[est.ok]]
    free = int((cz < 0).sum())
    per = np.bincount(cz[cz >= 0], minlength=len(dm.counties))
    room = np.maximum(dm.cap - dm.existing + dm.convertible, 0)
    return free + int(np.minimum(per, room).sum())


def quick_conflicts(dm: DesignationModel) -> str:
    """A count floor more than the qualifying candidates can meet, named with the criteria
    and the county rule that thin them out; empty when there is none."""
    out = []
    T = len(dm.years)
    for name, p in dm.parts.items():  # a loop over parts
        c = p.count
        if c is None:
            continue
        most = most_possible(dm) if name == "establish" else int(p.ok.sum())
        need = max(c.total_min or 0, (c.per_year_min or 0) * T)
        if need > most:
            fails = {cr.id: int((~p.passed[cr.id]).sum()) for cr in p.criteria}
            text = ", ".join(f"`{k}` {v}" for k, v in fails.items() if v)
            out.append(f"rule `{c.id}`" + (f" ({c.cited})" if c.cited else "")
                       + f" asks for {need} {name} decision(s), but at most {most} of {p.zones.size} can be made"
                       + (f": parks failing each criterion: {text}" if text else "")
                       + (f"; rule `{dm.settings.county.id}` ({dm.settings.county.cited}) leaves "
                          f"{int(dm.full.sum())} county(ies) no room" if name == "establish" else ""))
    for sp_ in dm.statuses.values():  # a loop over statuses
        out.extend(status_conflicts(sp_, dm.zones, T))
    for r in dm.targets:  # a loop over hard designation targets
        most, why = target_limits(dm, r)
        if r.target.is_hard and r.need > most:
            t = r.target
            out.append(f"target `{t.id}`" + (f" ({t.cited})" if t.cited else "")
                       + f" asks for {t.at_least} by {dm.years[r.due]} ({r.existing} counted already), "
                       f"{r.need} {t.status or t.part} decision(s), but at most {most} can be made: "
                       + "; ".join(why))
    return "; ".join(out)


# -- diagnosis -------------------------------------------------------------------------------

def designation_resource_model(instance: Instance) -> ResourceModel:
    """The designation model as a :class:`ResourceModel` (counts of zones), for the
    rule-level diagnosis (``diagnose``) and ``validate``."""
    dm = build_designation_model(instance)
    n = {k: int(p.zones.size) for k, p in {**dm.parts, **dm.statuses}.items()}
    note = spoken("mnote.designation", parts=tuple(Phrase.of("mnote.designation.part", n=v, part=Term(f"part.{k}", k))
                                                   for k, v in n.items()), first=dm.years[0], last=dm.years[-1])
    return ResourceModel("designation", dm, dm.model, 1.0, "zones", None, dm.rules, "mip", note=note)


__all__ = ["DesignationModel", "Part", "StatusPart", "build_designation_model", "tie_break_model", "quick_conflicts",
           "most_possible", "designation_resource_model", "TargetRow", "target_limits", "designation_targets",
           "settings_of", "plan_years", "figure", "ONCE_RULE", "MEASURE_BLOCK"]
