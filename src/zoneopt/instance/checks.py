"""Checks that span fields of an instance: ids unique across rule lists, and every rule,
selector, project, evaluation, plan-year and consolidation setting naming zones, cities,
counties, tags, rules and pools that exist. :class:`~zoneopt.instance.model.Instance` runs
them when it is validated; each problem is an :class:`~zoneopt.errors.Issue` at its JSON path."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Protocol

import numpy as np

from zoneopt.errors import Issue
from zoneopt.instance.common import every_rule
from zoneopt.instance.consolidation import Consolidation
from zoneopt.instance.designation import Designation, check_designation, check_designation_targets
from zoneopt.instance.evaluation import Evaluation
from zoneopt.instance.indicators import BASE_METRICS, INDICATORS
from zoneopt.instance.management import Management
from zoneopt.instance.periods import Periods, ResourcePeriods
from zoneopt.instance.pools import Pools
from zoneopt.instance.portfolio import Portfolio, Project, ProjectSelector, ShareTarget
from zoneopt.instance.rules import GroupBounds, GroupBoundsRule, LeverageCap, Rule
from zoneopt.instance.scenarios import Scenario
from zoneopt.instance.tabular import TabularZones
from zoneopt.instance.tabular_units import TabularEnterprises, TabularProjects
from zoneopt.instance.targets import check_clusters
from zoneopt.instance.zones import Enterprise, MetricDef, Selector, Zone


class CheckedInstance(Protocol):
    """The fields of an instance that the checks read: :class:`~zoneopt.instance.model.Instance`
    has them (and calls :func:`cross_check` from its validator, so this module does not import it)."""

    @property
    def zones(self) -> TabularZones | tuple[Zone, ...]: ...
    @property
    def rules(self) -> tuple[Rule, ...]: ...
    @property
    def pools(self) -> Pools: ...
    @property
    def portfolio(self) -> Portfolio: ...
    @property
    def projects(self) -> TabularProjects | tuple[Project, ...]: ...
    @property
    def enterprises(self) -> TabularEnterprises | tuple[Enterprise, ...]: ...
    @property
    def evaluations(self) -> tuple[Evaluation, ...]: ...
    @property
    def scenarios(self) -> tuple[Scenario, ...]: ...
    @property
    def periods(self) -> Periods | None: ...
    @property
    def management(self) -> Management | None: ...
    @property
    def consolidation(self) -> Consolidation | None: ...
    @property
    def designation(self) -> Designation | None: ...
    @property
    def metrics(self) -> dict[str, MetricDef] | None: ...


def _id_index(ids: Iterable[str], field: str, what: str, issues: list[Issue]) -> dict[str, int]:
    """First position of each id in ``field`` (e.g. ``zones``); a repeated id is an issue."""
    first: dict[str, int] = {}
    for k, ident in enumerate(ids):
        if ident in first:
            issues.append(Issue(f"{field}[{k}].id", f"duplicate {what} id {ident!r} (also {field}[{first[ident]}])"))
        else:
            first[ident] = k
    return first


def cross_check(inst: CheckedInstance) -> list[Issue]:
    """Checks that span fields: duplicate zone and rule ids, and rules naming zones, cities,
    counties, tags or group values that no zone has."""
    issues: list[Issue] = []
    zones = inst.zones
    if isinstance(zones, TabularZones):  # a zone table: its own checks found duplicates
        seen = dict(zip(zones.ids.tolist(), range(len(zones)), strict=True))
        known = {"zones": set(seen), "cities": zones.values("city"), "counties": zones.values("county"),
                 "tags": zones.tags}
    else:
        seen = _id_index((z.id for z in zones), "zones", "zone", issues)
        known = {
            "zones": set(seen), "cities": {z.city for z in zones},
            "counties": {z.county for z in zones if z.county is not None},
            "tags": {t for z in zones for t in z.tags},
        }
    rule_ids = _id_index((r.id for r in inst.rules), "rules", "rule", issues)
    for r, rule in enumerate(inst.rules):
        _check_rule(f"rules[{r}]", rule, inst, known, issues)
    issues.extend(_check_resources(inst, known, rule_ids))
    issues.extend(_check_evaluations(inst, seen))
    issues.extend(_check_periods(inst, known, rule_ids))
    issues.extend(_check_consolidation(inst, known))
    if inst.designation is not None:
        issues.extend(check_designation(inst.designation, known))
    if inst.periods is not None:
        issues.extend(check_designation_targets(inst.designation, inst.periods.targets or (), known))
        issues.extend(check_clusters(inst.periods.industries, inst.periods.targets or (),
                                     {**known, "zone_tags": _zone_tag_pairs(zones)}
                                     if inst.periods.industries is not None and inst.periods.industries.shares
                                     else known))
    issues.extend(_check_metrics(inst))
    _id_index((sc.id for sc in inst.scenarios), "scenarios", "scenario", issues)
    for k, scenario in enumerate(inst.scenarios):
        for j, rid in enumerate(scenario.drop_rules):
            if rid not in rule_ids:
                issues.append(Issue(f"scenarios[{k}].drop_rules[{j}]", f"no base rule has id {rid!r}"))
    return issues


def _zone_tag_pairs(zones: Any) -> set[tuple[str, str]]:
    """Every (zone id, tag) pair of the zones (a zone list or a zone table)."""
    if isinstance(zones, TabularZones):
        ids = np.asarray(zones.ids, dtype=object)[zones.tag_zone]
        return set(zip(ids.tolist(), np.asarray(zones.tag_values, dtype=object)[zones.tag_code].tolist(),
                       strict=True))
    return {(z.id, t) for z in zones for t in z.tags}


_GROUP_KEYS: dict[str, str | None] = {"city": "cities", "county": "counties", "tag": "tags", "level": None,
                                      "kind": None}


def _check_rule(where: str, rule: Any, inst: CheckedInstance, known: Mapping[str, set[Any]],
                issues: list[Issue]) -> None:
    """A rule's selector, locked zones and group values name zones, cities, counties and tags
    that exist (land rules and the zone rules of the other resources alike)."""
    select = getattr(rule, "select", None)
    if isinstance(select, Selector):
        # Grades are checked against A-D by the schema; a valid grade no zone has this year
        # is not an error (an "exclude grade D" rule stays in a template instance).
        for key in ("zones", "cities", "counties", "tags"):
            for j, value in enumerate(getattr(select, key) or ()):
                if value not in known[key]:
                    issues.append(Issue(f"{where}.select.{key}[{j}]",
                                        f"no zone has {key[:-1] if key != 'cities' else 'city'} {value!r}"
                                        if key != "zones" else f"unknown zone {value!r}"))
    for field in ("values_mu", "values", "shares", "lot_mu", "lot"):
        named = getattr(rule, field, None)
        for zid in named if isinstance(named, dict) else {}:
            if zid not in known["zones"]:
                issues.append(Issue(f"{where}.{field}.{zid}", f"unknown zone {zid!r}"))
    if isinstance(rule, (GroupBoundsRule, GroupBounds)):
        known_key = _GROUP_KEYS[rule.by]
        values = known[known_key] if known_key else (inst.zones.values(rule.by) if isinstance(inst.zones, TabularZones)
                                                     else {getattr(z, rule.by) for z in inst.zones})
        for field in ("cap_mu", "floor_mu", "cap", "floor"):
            amount = getattr(rule, field, None)
            if isinstance(amount, dict):
                for g in amount:
                    if g not in values:
                        issues.append(Issue(f"{where}.{field}.{g}", f"no zone has {rule.by} {g!r}"))
        for j, g in enumerate(rule.groups or ()):
            if g not in values:
                issues.append(Issue(f"{where}.groups[{j}]", f"no zone has {rule.by} {g!r}"))


def _pool_rule_lists(inst: CheckedInstance) -> list[tuple[str, Sequence[Any]]]:
    """The rule lists of every pool but land's (land's rules are the instance's ``rules``), each
    with its JSON path: a pool's ``rules``, then those of each of its parts (a pollutant's).
    Read off the pools' fields, so a new resource's pool is checked without a line here."""
    lists: list[tuple[str, Sequence[Any]]] = []
    for name in type(inst.pools).model_fields:  # a loop over the (few) kinds of pool
        pool = getattr(inst.pools, name)
        if name == "land" or pool is None or not hasattr(pool, "rules"):
            continue
        lists.append((f"pools.{name}.rules", pool.rules))
        for field in type(pool).model_fields:
            parts = getattr(pool, field)
            if isinstance(parts, Mapping) and all(hasattr(v, "rules") for v in parts.values()):
                lists += [(f"pools.{name}.{field}.{k}.rules", v.rules) for k, v in parts.items()]
    return lists


def _check_resources(inst: CheckedInstance, known: Mapping[str, set[Any]],
                     land_rule_ids: Mapping[str, int]) -> list[Issue]:
    """Rules of the emission, fund and portfolio models: ids unique across every rule list
    (land rules included) and references that exist; projects: unique ids in known zones."""
    issues: list[Issue] = []
    lists = _pool_rule_lists(inst) + [("portfolio.rules", inst.portfolio.rules)]
    first = {rid: f"rules[{k}]" for rid, k in land_rule_ids.items()}
    for field, rules in lists:
        for r, rule in enumerate(rules):
            where = f"{field}[{r}]"
            if rule.id in first:
                issues.append(Issue(f"{where}.id", f"duplicate rule id {rule.id!r} (also {first[rule.id]})"))
            first.setdefault(rule.id, where)
            _check_rule(where, rule, inst, known, issues)
    projects = inst.projects
    if isinstance(projects, TabularProjects):  # a table: its own checks found duplicates
        project_ids: Any = set(projects.ids.tolist())
        issues.extend(projects.unknown_zones(known["zones"]))
    else:
        project_ids = _id_index((p.id for p in projects), "projects", "project", issues)
        for k, project in enumerate(projects):
            if project.zone not in known["zones"]:
                issues.append(Issue(f"projects[{k}].zone", f"unknown zone {project.zone!r}"))
    for r, rule in enumerate(inst.portfolio.rules):
        if not isinstance(rule, ShareTarget):
            continue
        for side in ("numerator", "denominator"):
            sel: ProjectSelector = getattr(rule, side)
            for j, pid in enumerate(sel.projects or ()):
                if pid not in project_ids:
                    issues.append(Issue(f"portfolio.rules[{r}].{side}.projects[{j}]", f"unknown project {pid!r}"))
            for j, zid in enumerate(sel.zones or ()):
                if zid not in known["zones"]:
                    issues.append(Issue(f"portfolio.rules[{r}].{side}.zones[{j}]", f"unknown zone {zid!r}"))
    return issues


def _check_evaluations(inst: CheckedInstance, zone_ids: Mapping[str, int]) -> list[Issue]:
    """Enterprise ids unique and in known zones; evaluation ids unique, not shadowing an
    indicator name; at most one evaluation assigns the zones' score, one their grade; weights
    and pairwise comparisons that can be used (:func:`_check_weighting`)."""
    issues: list[Issue] = []
    firms = inst.enterprises
    if isinstance(firms, TabularEnterprises):  # a table: its own checks found duplicates
        issues.extend(firms.unknown_zones(zone_ids.keys()))
    else:
        _id_index((e.id for e in firms), "enterprises", "enterprise", issues)
        for k, e in enumerate(firms):
            if e.zone not in zone_ids:
                issues.append(Issue(f"enterprises[{k}].zone", f"unknown zone {e.zone!r}"))
    _id_index((ev.id for ev in inst.evaluations), "evaluations", "evaluation", issues)
    assigned: dict[str, int] = {}
    for k, ev in enumerate(inst.evaluations):
        where = f"evaluations[{k}]"
        if ev.id in INDICATORS:
            issues.append(Issue(f"{where}.id", f"{ev.id!r} is the name of a built-in indicator; choose another id"))
        if ev.units == "enterprises" and not inst.enterprises:
            issues.append(Issue(f"{where}.units", "evaluates enterprises, but the instance has no enterprises"))
        issues.extend(_check_weighting(where, ev))
        for field in ev.assign:
            if field in assigned:
                issues.append(Issue(f"{where}.assign",
                                    f"evaluations[{assigned[field]}] already assigns the zones' {field}"))
            assigned.setdefault(field, k)
    return issues


RECIPROCAL_TOL = 1e-3
"""How far a_ij · a_ji of an AHP matrix may be from 1 (as :func:`zoneopt.evaluation.weights.ahp`
takes it by default), and a diagonal entry from 1."""


def _check_weighting(where: str, ev: Evaluation) -> list[Issue]:
    """What an evaluation's weighting needs of its input, checked before anything is evaluated:
    fixed weights not all zero; an AHP matrix with one row and column per criterion, ones on
    the diagonal and reciprocal pairs. (Its consistency ratio is the evaluation's to judge.)"""
    w = ev.weighting
    if ev.preset is not None:  # a preset's weights are its own
        return []
    uses_fixed = w.method == "fixed" or (w.method == "combined" and w.subjective == "fixed")
    given = [c.weight for c in ev.criteria]
    if uses_fixed and given and all(v is not None for v in given) and not any(given):
        return [Issue(f"{where}.criteria", "every criterion's weight is 0: give at least one a positive weight")]
    uses_ahp = w.method == "ahp" or (w.method == "combined" and w.subjective == "ahp")
    if not uses_ahp or w.pairwise is None:
        return []
    at = f"{where}.weighting.pairwise"
    A, n = w.pairwise, len(ev.criteria)
    for i, row in enumerate(A):
        if len(row) != len(A):
            return [Issue(f"{at}[{i}]", f"has {len(row)} entries in a {len(A)}-row matrix: it must be square, "
                                        "one row and one column per criterion")]
    if len(A) != n:
        return [Issue(at, f"a {len(A)}×{len(A)} matrix for {n} criteria: give one row and one column per "
                          "criterion, in the order of 'criteria'")]
    for i in range(n):
        if abs(A[i][i] - 1.0) > RECIPROCAL_TOL:
            return [Issue(f"{at}[{i}][{i}]", f"is {A[i][i]:g}: a criterion compared with itself must be 1")]
    for i in range(n):
        for j in range(i + 1, n):
            if abs(A[i][j] * A[j][i] - 1.0) > RECIPROCAL_TOL:
                return [Issue(f"{at}[{i}][{j}]", f"is {A[i][j]:g} and pairwise[{j}][{i}] is {A[j][i]:g} "
                                                 f"({ev.criteria[i].name!r} vs {ev.criteria[j].name!r}): they must "
                                                 f"be reciprocal, their product 1 (±{RECIPROCAL_TOL:g}), "
                                                 f"not {A[i][j] * A[j][i]:.6g}")]
    return []


def _check_consolidation(inst: CheckedInstance, known: Mapping[str, set[Any]]) -> list[Issue]:
    """Zone locations all of one kind (lon/lat or x/y km); the consolidation settings name
    zones, cities, counties and tags that exist, and the distance table distinct known zones,
    each pair once."""
    issues: list[Issue] = []
    kinds = [] if isinstance(inst.zones, TabularZones) else [  # a zone table has no locations
        (k, z.location.kind) for k, z in enumerate(inst.zones) if z.location is not None]
    if kinds:
        first_kind = kinds[0][1]
        other = next(((k, kind) for k, kind in kinds if kind != first_kind), None)
        if other is not None:
            names = {"lonlat": "lon/lat", "xy": "x_km/y_km"}
            issues.append(Issue(f"zones[{other[0]}].location",
                                f"uses {names[other[1]]} but zones[{kinds[0][0]}] uses {names[first_kind]}: "
                                "give every zone the same kind"))
    c = inst.consolidation
    if c is None:
        return issues
    selectors = [("consolidation.hosts", c.hosts), ("consolidation.keep_hosts", c.keep_hosts)]
    selectors += [(f"consolidation.revocable[{j}]", s) for j, s in enumerate(c.revocable)]
    for where, select in selectors:
        if select is None:
            continue
        for key in ("zones", "cities", "counties", "tags"):
            for j, value in enumerate(getattr(select, key) or ()):
                if value not in known[key]:
                    issues.append(Issue(f"{where}.{key}[{j}]", f"unknown zone {value!r}" if key == "zones" else
                                        f"no zone has {key[:-1] if key != 'cities' else 'city'} {value!r}"))
    for county in c.county_exceptions:
        if county not in known["counties"]:
            issues.append(Issue(f"consolidation.county_exceptions.{county}", f"no zone has county {county!r}"))
    seen_pairs: dict[tuple[str, str], int] = {}
    for j, entry in enumerate(c.distances or ()):
        for end in ("a", "b"):
            if getattr(entry, end) not in known["zones"]:
                issues.append(Issue(f"consolidation.distances[{j}].{end}", f"unknown zone {getattr(entry, end)!r}"))
        if entry.a == entry.b:
            issues.append(Issue(f"consolidation.distances[{j}]", f"a park's distance to itself ({entry.a!r})"))
        pair = (min(entry.a, entry.b), max(entry.a, entry.b))
        if pair in seen_pairs:
            issues.append(Issue(f"consolidation.distances[{j}]",
                                f"pair {entry.a!r}-{entry.b!r} given twice (also distances[{seen_pairs[pair]}])"))
        seen_pairs.setdefault(pair, j)
    rel = c.relatedness
    for j, sector in enumerate(rel.sectors or ()):
        if sector not in known["tags"]:
            issues.append(Issue(f"consolidation.relatedness.sectors[{j}]", f"no zone has tag {sector!r}"))
    sectors = set(rel.sectors) if rel.sectors is not None else known["tags"]
    for s, row in rel.matrix.items():
        for t in (s, *row):
            if t not in sectors:
                where = "consolidation.relatedness.matrix." + (s if t == s else f"{s}.{t}")
                issues.append(Issue(where, f"{t!r} is not a sector (a tag some zone has"
                                           + (", listed in relatedness.sectors)" if rel.sectors is not None else ")")))
    return issues


def _check_metrics(inst: CheckedInstance) -> list[Issue]:
    """Named metrics: each zone's ``metrics.named`` figure is declared in ``metrics``; a
    declared name is not a built-in one; every metric a target, effect or condition names is
    built in (:data:`~zoneopt.instance.indicators.BASE_METRICS`; a condition takes any
    indicator) or declared."""
    declared = dict(inst.metrics or {})
    issues = [Issue(f"metrics.{name}", f"{name!r} is a built-in metric: declare only other figures")
              for name in declared if name in INDICATORS]
    if isinstance(inst.zones, TabularZones):
        issues += [Issue(f"{inst.zones.label}, column metric_{name}",
                         f"metric {name!r} is not declared in metrics (its unit, once)")
                   for name in inst.zones.named() if name not in declared]
    else:
        for k, z in enumerate(inst.zones):
            for name in z.metrics.named or {}:
                if name not in declared:
                    issues.append(Issue(f"zones[{k}].metrics.named.{name}",
                                        f"metric {name!r} is not declared in metrics (its unit, once)"))
    levels = set(BASE_METRICS) | set(declared)
    conditions = levels | set(INDICATORS) | {ev.id for ev in inst.evaluations}

    def need(where: str, name: str | None, known: set[str]) -> None:
        if name is not None and name not in known:
            issues.append(Issue(where, f"unknown metric {name!r}: a built-in one ({', '.join(BASE_METRICS)}) "
                                       "or one declared in metrics"))

    p = inst.periods
    if p is not None:
        for field, targets in (("growth", p.growth), ("targets", p.targets or ())):
            for j, t in enumerate(targets):
                if t.type == "not_modelled" or t.type == "designation":
                    continue
                need(f"periods.{field}[{j}].metric", t.metric, levels)
                need(f"periods.{field}[{j}].over", getattr(t, "over", None), levels)
        sections: list[tuple[str, Sequence[Any]]] = [("periods.effects", p.effects)]
        sections += [(f"periods.emissions.{k}.effects", v.effects) for k, v in p.emissions.items()]
        if p.funds is not None:
            sections.append(("periods.funds.effects", p.funds.effects))
        for where, effects in sections:
            for j, e in enumerate(effects):
                need(f"{where}[{j}].metric", e.metric, levels)
    listed = () if isinstance(inst.projects, TabularProjects) else inst.projects  # a table names no figure
    for k, proj in enumerate(listed):
        for name in proj.metrics or {}:
            if name not in declared:
                issues.append(Issue(f"projects[{k}].metrics.{name}",
                                    f"metric {name!r} is not declared in metrics (its unit, once)"))
    for r, target in enumerate(inst.portfolio.rules):
        if target.type == "count_target":
            need(f"portfolio.rules[{r}].metric", target.metric, levels)
    for where, rule in every_rule(inst, skip=("zones",)):  # type: ignore[arg-type]  # an Instance is a BaseModel
        select = getattr(rule, "select", None)
        for j, c in enumerate(getattr(select, "where", None) or ()):
            need(f"{where}.select.where[{j}].metric", c.metric, conditions)
            need(f"{where}.select.where[{j}].over", c.over, conditions)
    return issues


def _check_periods(inst: CheckedInstance, known: Mapping[str, set[Any]],
                   land_rule_ids: Mapping[str, int]) -> list[Issue]:
    """The plan over years and dynamic management: rules name zones, cities, counties and tags
    that exist; ids of cumulative rules, ramps, growth targets and management rules unique
    and distinct from the base rules' (a year's own rules may reuse a base id: they replace
    that rule in that year); dropped rules exist; score histories name known zones."""
    issues: list[Issue] = []
    first = {rid: f"rules[{k}]" for rid, k in land_rule_ids.items()}
    # The emission and fund rules' ids too: rules of the plan over years may not take them.
    for field, rules in _pool_rule_lists(inst):
        for r, rule in enumerate(rules):
            first.setdefault(rule.id, f"{field}[{r}]")

    def unique(where: str, rule: Any) -> None:
        if rule.id in first:
            issues.append(Issue(f"{where}.id", f"duplicate rule id {rule.id!r} (also {first[rule.id]})"))
        first.setdefault(rule.id, where)

    # Management rule ids first: a year's own rules may not take them either.
    m = inst.management
    if m is not None:
        for name in ("upgrade", "warning", "reduction", "revocation"):
            rule = getattr(m, name)
            if rule is not None:
                unique(f"management.{name}", rule)
                _check_rule(f"management.{name}", rule, inst, known, issues)
        for field in ("scores", "grades"):
            for zid in getattr(m.history, field):
                if zid not in known["zones"]:
                    issues.append(Issue(f"management.history.{field}.{zid}", f"unknown zone {zid!r}"))
    p = inst.periods
    if p is not None:
        _check_track(inst, "periods", p.ramps, "previous_mu", p.cumulative_rules, p.by_year, land_rule_ids, known,
                     first, unique, issues, extra=[("periods.growth", p.growth), ("periods.targets", p.targets or ())])
        issues.extend(_check_resource_periods(inst, p, known, first, unique))
    return issues


def _check_track(inst: CheckedInstance, where: str, ramps: Sequence[Any], previous: str, cumulative: Sequence[Any],
                 by_year: Sequence[Any], base_ids: Mapping[str, Any], known: Mapping[str, set[Any]],
                 first: Mapping[str, str], unique: Callable[[str, Any], None], issues: list[Issue],
                 extra: Sequence[tuple[str, Sequence[Any]]] = ()) -> None:
    """One resource's settings over the years (land: ``periods``; a pollutant's or the funds'
    section): cumulative rules, ramps (and ``extra`` lists) have ids of their own and name
    what exists, ramps' ``previous`` zones exist; a year's rules may reuse only the ids of the
    resource's base rules (``base_ids``: they replace them that year) and drop only those."""
    lists = [(f"{where}.cumulative_rules", cumulative), (f"{where}.ramps", ramps), *extra]
    for field, rules in lists:
        for r, rule in enumerate(rules):
            unique(f"{field}[{r}]", rule)
            _check_rule(f"{field}[{r}]", rule, inst, known, issues)
    for r, ramp in enumerate(ramps):
        for zid in getattr(ramp, previous):
            if zid not in known["zones"]:
                issues.append(Issue(f"{where}.ramps[{r}].{previous}.{zid}", f"unknown zone {zid!r}"))
    for k, year in enumerate(by_year):
        own: set[str] = set()
        for r, rule in enumerate(year.rules):
            at = f"{where}.by_year[{k}].rules[{r}]"
            if rule.id in own:
                issues.append(Issue(f"{at}.id", f"duplicate rule id {rule.id!r} in year {year.year}"))
            elif rule.id in first and rule.id not in base_ids:
                issues.append(Issue(f"{at}.id", f"rule id {rule.id!r} is taken by {first[rule.id]}"))
            own.add(rule.id)
            _check_rule(at, rule, inst, known, issues)
        for j, rid in enumerate(year.drop_rules):
            if rid not in base_ids:
                issues.append(Issue(f"{where}.by_year[{k}].drop_rules[{j}]", f"no base rule has id {rid!r}"))


def _check_resource_periods(inst: CheckedInstance, p: Periods, known: Mapping[str, set[Any]], first: dict[str, str],
                            unique: Callable[[str, Any], None]) -> list[Issue]:
    """The emission and fund sections of ``periods``: they (and ``resources``) name pools the
    instance has; their ramps and cumulative rules have ids of their own; a year's rules may
    reuse only the ids of that resource's base rules, and drop only those; leverage caps are
    for the funds, per zone; selectors and zones exist."""
    issues: list[Issue] = []
    pools = inst.pools
    for j, resource in enumerate(p.resources or ()):
        if getattr(pools, resource) is None:
            issues.append(Issue(f"periods.resources[{j}]",
                                f"plans {resource}, but the instance has no pools.{resource}"))
    sections: list[tuple[str, ResourcePeriods, dict[str, str], bool]] = []
    for k, rp in p.emissions.items():
        if pools.emissions is None or k not in pools.emissions.pollutants:
            issues.append(Issue(f"periods.emissions.{k}", f"no emission pool for pollutant {k!r} "
                                                          "(pools.emissions.pollutants)"))
            continue
        base = [("pools.emissions.rules", pools.emissions.rules),
                (f"pools.emissions.pollutants.{k}.rules", pools.emissions.pollutants[k].rules)]
        sections.append((f"periods.emissions.{k}", rp, {r.id: f"{f}[{j}]" for f, rules in base
                                                         for j, r in enumerate(rules)}, False))
    if p.funds is not None:
        if pools.funds is None:
            issues.append(Issue("periods.funds", "no fund pool (pools.funds) to plan over the years"))
        else:
            sections.append(("periods.funds", p.funds, {r.id: f"pools.funds.rules[{j}]"
                                                        for j, r in enumerate(pools.funds.rules)}, True))
    for where, rp, base_ids, funds in sections:
        _check_track(inst, where, rp.ramps, "previous", rp.cumulative_rules, rp.by_year, base_ids, known, first,
                     unique, issues)
        year_rules = [(f"{where}.by_year[{k}].rules[{r}]", rule)
                      for k, year in enumerate(rp.by_year) for r, rule in enumerate(year.rules)]
        cumulative = [(f"{where}.cumulative_rules[{r}]", rule) for r, rule in enumerate(rp.cumulative_rules)]
        for at, rule in cumulative + year_rules:
            if isinstance(rule, LeverageCap) and not funds:
                issues.append(Issue(f"{at}.type", "a leverage cap bounds funds: it has no place among emission rules"))
            elif isinstance(rule, LeverageCap) and rule.per == "project" and at in dict(cumulative):
                issues.append(Issue(f"{at}.per", "the plan over years has no projects: a cumulative leverage cap "
                                                 "is per zone"))
    return issues
