"""One story across verbs (issue 15): the rules ``solve`` lists as binding for a zone are the
rules ``explain`` finds binding for it, on every zone of every bundled instance and every
resource, because both ask one function (:func:`zoneopt.models.rules.binds_for_zone`). A rule
that binds on the pool or on several zones (the pool, the tilt, a city's cap, a share of the
pool, a per-project rule) is said once for the plan, never on every row."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from land_cases import ROOT

from zoneopt.analysis.explain import explain_zone
from zoneopt.analysis.explain.land import _rules_on_zone
from zoneopt.analysis.explain.land_solve import solve_land_detail
from zoneopt.analysis.explain.resolve import rows_on, solved, zone_rules
from zoneopt.core.solution import SolveOptions
from zoneopt.core.solve import solve as core_solve
from zoneopt.instance import load
from zoneopt.resources import REGISTRY, configured

INSTANCES = sorted((ROOT / "instances").glob("*.json"))


def _plan_lists(instance, resource: str) -> list[set[str]]:  # type: ignore[no-untyped-def]
    plan = REGISTRY[resource].solve(instance)
    return [set(filter(None, str(v).split(";"))) for v in plan.allocations["binding_rules"].fillna("")]


def _explain_lists(instance, resource: str) -> list[set[str]]:  # type: ignore[no-untyped-def]
    """For every zone, the rules explain's section of ``resource`` marks as binding for it, read
    with the functions ``explain_zone`` builds its sections with (no re-solves)."""
    n = len(instance.zones)
    if resource == "land":
        ls = solve_land_detail(instance)
        return [{r.rule for r in _rules_on_zone(ls, j, "")[0] if r.for_zone} for j in range(n)]
    if resource == "emissions":
        from zoneopt.models.emissions import build_emission_model, emission_zone_map
        from zoneopt.models.rules import pool_wide_rules, row_units

        em = build_emission_model(instance)
        sol = core_solve(em.model)
        sv = solved(em.model, sol, row_units(em.model, [x.start for x in em.x], em.units), em.obj_scale, em.rules,
                    "highs", SolveOptions(), emission_zone_map(em), pool_wide_rules(em.rules))
        assert sol.x is not None
        return [{r.rule for x in em.x for r in zone_rules(sv, rows_on(em.model, np.array([x.start + j])), sol.x, "",
                                                          zone=j) if r.for_zone} for j in range(n)]
    if resource == "funds":
        from zoneopt.models.funds import build_fund_model, fund_zone_map
        from zoneopt.models.rules import pool_wide_rules

        fm = build_fund_model(instance)
        sol = core_solve(fm.model)
        sv = solved(fm.model, sol, fm.unit, fm.obj_scale, fm.rules, "highs", SolveOptions(), fund_zone_map(fm),
                    pool_wide_rules(fm.rules))
        assert sol.x is not None
        return [{r.rule for r in zone_rules(sv, rows_on(fm.model, np.array([fm.f.start + j])), sol.x, "", zone=j)
                 if r.for_zone} for j in range(n)]
    assert resource == "portfolio"
    from dataclasses import replace

    from zoneopt.analysis.explain.context import ExplainContext
    from zoneopt.analysis.explain.portfolio import _solve, _total_sections, _zone_rows
    from zoneopt.instance import MONEY_LABEL

    zp = _solve(ExplainContext(instance, 0, "highs", SolveOptions()))  # one MIP solve, read for each zone
    out = []
    for j in range(n):
        mine = np.flatnonzero(zp.pm.projects.zone == j)
        rows, key, per_project = _zone_rows(zp.pm, j, mine, MONEY_LABEL[instance.units.money])
        zj = replace(zp, j=j, mine=mine, rows=rows, key=key, per_project=per_project)
        out.append({r.rule for s in _total_sections(instance, zj) for r in s.rules if r.for_zone})
    return out


@pytest.mark.parametrize("path", INSTANCES, ids=[p.stem for p in INSTANCES])
def test_solve_and_explain_bind_the_same_rules_on_every_zone(path: Path) -> None:
    instance = load(path)
    for resource in configured(instance):
        plan = _plan_lists(instance, resource)
        explained = _explain_lists(instance, resource)
        for j, got in enumerate(explained):
            assert got == plan[j], (path.stem, resource, instance.zones[j].id)


@pytest.mark.parametrize("path", INSTANCES, ids=[p.stem for p in INSTANCES])
def test_pool_wide_rules_are_not_on_every_row(path: Path) -> None:
    """No rule is listed on (nearly) every zone's row; the pool and the tilt never are."""
    instance = load(path)
    for resource in configured(instance):
        lists = _plan_lists(instance, resource)
        counts: dict[str, int] = {}
        for rules in lists:
            for r in rules:
                counts[r] = counts.get(r, 0) + 1
        assert "land-total" not in counts and "tilt-score" not in counts
        for rule in counts:  # a zone rule may bind on many zones (a request cap met), never a pool-wide one
            assert not rule.startswith(("emissions-total", "funds-total")), rule


def test_explain_names_the_plans_rules_for_sampled_zones() -> None:
    """The whole ``explain_zone`` path on a few zones of the 45-zone example and the portfolio."""
    inst = load(ROOT / "instances" / "henan-etdz-45.json")
    ls = solve_land_detail(inst)
    table = ls.plan.allocations.set_index("zone")["binding_rules"]
    for zone in ("xinxiang", "puyang", "minquan", "zhengzhou"):
        land = explain_zone(inst, zone, solved=ls).resource("land")
        assert {r.rule for r in land.for_zone} == set(filter(None, table[zone].split(";")))
    pf = load(ROOT / "instances" / "henan-etdz-45-portfolio.json")
    plan = REGISTRY["portfolio"].solve(pf)
    e = explain_zone(pf, "zhengzhou", project_resolves=0)
    rules = {r.rule for s in e.resources for r in s.for_zone}
    assert rules == set(filter(None, plan.allocations.set_index("zone").loc["zhengzhou", "binding_rules"].split(";")))
    assert "fund-leverage-project" not in rules  # a per-project rule: the projects' business
