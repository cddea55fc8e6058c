"""The registry of resources is the one place a resource must be added: a fifth resource
registered there alone (``water``, the fund model under another name, on the hand-computed
instance of ``test_funds``: leverage weights a 10, b 5, c 10, d 6 per 万元, budget 1,000, so
a 400, b 300 (its city's floor), c 300, d 0) is solved, validated, diagnosed, compared,
explained and reported by every verb, with the generic explain and report sections; and every
registered resource has a section, its own for the four built in."""

from __future__ import annotations

import copy
import functools
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from cli_runner import run, write
from test_emissions import priority4
from test_funds import funds4

import zoneopt
from zoneopt import Instance
from zoneopt.analysis.diagnose import diagnose_resource
from zoneopt.analysis.explain import explain_zone
from zoneopt.analysis.explain.generic import generic_sections
from zoneopt.analysis.explain.zone import SECTIONS, section_of
from zoneopt.analysis.scenarios import compare
from zoneopt.models.emissions import emission_resource_model, solve_emissions
from zoneopt.models.funds import fund_resource_model, solve_funds
from zoneopt.models.outcome import ResourceModel
from zoneopt.plans import Plan, PlanSet, ResourcePlan
from zoneopt.report import RESOURCE_SECTIONS, build_report
from zoneopt.report.build import section_builder
from zoneopt.report.plan_sections import generic_section
from zoneopt.resources import REGISTRY, Resource, build_resource_models, configured, solve_all

WATER = {"a": 400.0, "b": 300.0, "c": 300.0, "d": 0.0}
"""The hand-computed allocation (test_funds.LP_CASES["leverage"]), in the water plan's ``funds`` column."""


def _water_plan(plan: Plan | ResourcePlan) -> ResourcePlan:
    """A fund plan relabelled as the water resource's."""
    assert isinstance(plan, ResourcePlan)
    return ResourcePlan(plan.summary.model_copy(update={"resource": "water"}), plan.allocations, plan.bindings)


def _water_model(instance: Instance, *, zone_columns: bool = True) -> ResourceModel:
    rm = fund_resource_model(instance)
    read = rm.plan_from_solution
    assert read is not None
    return replace(rm, resource="water", zone_columns=rm.zone_columns if zone_columns else (),
                   plan_from_solution=lambda solution: _water_plan(read(solution)))


def _solve_water(*args: Any, **kwargs: Any) -> ResourcePlan:
    return _water_plan(solve_funds(*args, **kwargs))


def _register(monkeypatch: pytest.MonkeyPatch, *, zone_columns: bool = True) -> None:
    """Register ``water`` in the registry alone (no explain or report section of its own)."""
    build = functools.partial(_water_model, zone_columns=zone_columns)
    monkeypatch.setitem(REGISTRY, "water", Resource(
        "water", "用水指标", lambda i: i.pools.funds is not None, build, _solve_water, ResourcePlan,
        lambda columns: [c for c in ("funds", "request_funds") if c in columns]))


@pytest.fixture
def water(monkeypatch: pytest.MonkeyPatch) -> Instance:
    _register(monkeypatch)
    return Instance.from_dict(funds4())


def _infeasible() -> Instance:
    """City R's floor of 600 is more than b (R's only zone) may get: its request of 500, its
    leverage cap of 375."""
    data = funds4()
    data["pools"]["funds"]["rules"][2]["floor"] = {"R": 600}
    return Instance.from_dict(data)


def test_solve_has_the_water_plan(water: Instance) -> None:
    assert configured(water) == ("funds", "water")
    plans = zoneopt.solve(water)
    assert isinstance(plans, PlanSet) and list(plans.plans) == ["funds", "water"]
    plan = plans["water"]
    assert isinstance(plan, ResourcePlan) and plan.summary.resource == "water"
    assert plan.allocation("funds").to_dict() == pytest.approx(WATER, abs=1e-6)
    assert plan.objective == pytest.approx(8500)
    assert list(solve_all(water).plans) == ["funds", "water"]
    assert "water" in plans.to_record().plans


def test_build_and_diagnose_water(water: Instance) -> None:
    built = build_resource_models(water)
    assert list(built) == ["funds", "water"]
    assert built["water"].describe().startswith("water model 4 variables")
    d = diagnose_resource(water, "water")
    assert d is not None and d.feasible
    bad = diagnose_resource(_infeasible(), "water")
    assert bad is not None and not bad.feasible
    assert "floor-r" in {c.rule for c in bad.conflict}


def test_compare_solves_water(water: Instance) -> None:
    data = funds4()
    data["pools"]["funds"]["budget"] = 1200
    result = compare([("base", water), ("more", Instance.from_dict(data)), ("bad", _infeasible())])
    assert all("water" in c.statuses for c in result.columns)
    plan = result.columns[0].plans["water"]
    assert isinstance(plan, ResourcePlan)
    assert plan.allocation("funds").to_dict() == pytest.approx(WATER, abs=1e-6)
    rows = result.resources[result.resources["resource"] == "water"]
    assert rows["label"].tolist() == ["base", "more", "bad"]
    assert rows["status"].tolist() == ["optimal", "optimal", "infeasible"]
    assert "cannot both hold" in result.columns[2].messages["water"]


def test_explain_water_with_the_generic_column_section(water: Instance) -> None:
    """The generic section reads the model's zone columns: the zone's allocation, rules,
    prices and re-solves are the fund section's (the same model), its weight the reduced cost
    of the objective coefficient."""
    plan = solve_funds(water)
    for zone in ("a", "d"):
        e = explain_zone(water, zone)
        w, f = e.resource("water"), e.resource("funds")
        assert w.allocation == pytest.approx(plan.allocation("funds")[zone], abs=1e-9)
        assert w.allocation == pytest.approx(WATER[zone], abs=1e-6)
        assert (w.request, w.pool_total, w.pool_allocated, w.pool_rule, w.pool_source) == (
            f.request, f.pool_total, f.pool_allocated, f.pool_rule, f.pool_source)
        assert w.pool_price == pytest.approx(6) and w.pool_price == f.pool_price
        assert w.rules == f.rules and w.steps == f.steps and w.method == f.method == "lp"
        assert (w.objective_kind, w.objective, w.objective_unit) == (f.objective_kind, f.objective, f.objective_unit)
    # d, at 0: its objective coefficient, 6 per 万元, is the pool's price: a reduced cost of 0.
    assert w.weight is not None and f.weight is not None
    assert w.weight.indicator is None and w.weight.value == pytest.approx(f.weight.value)
    assert w.weight.rise == pytest.approx(f.weight.rise) and w.weight.rise == pytest.approx(0, abs=1e-9)
    assert "water (wan yuan):" in e.text()


def test_explain_water_without_zone_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    """A model that declares no zone columns: the section says so and gives the zone's row of
    the plan and its binding rules (a's request cap, the pool)."""
    _register(monkeypatch, zone_columns=False)
    e = explain_zone(Instance.from_dict(funds4()), "a")
    w = e.resource("water")
    assert w.allocation == pytest.approx(400) and w.request == pytest.approx(400)
    assert w.pool_total == 1000 and w.pool_rule == "funds-total" and w.pool_price == pytest.approx(6)
    assert any("declares no columns per zone" in n for n in w.notes)
    assert any(n.startswith("its row of the plan: ") and "leverage 0.1" in n for n in w.notes)
    rows = {(r.rule, r.row) for r in w.rules}
    assert rows == {("req", "req[a]"), ("funds-total", "funds-total[total]")}
    assert w.steps == () and "water (wan yuan):" in e.text()


def test_explain_several_pools_with_the_generic_section(monkeypatch: pytest.MonkeyPatch) -> None:
    """A model of several pools (the emission model of test_emissions.priority4 as ``water``):
    a section per pool, ``water:<pool>``, each as the emission section gives it."""
    def build(instance: Instance) -> ResourceModel:
        rm = emission_resource_model(instance)
        read = rm.plan_from_solution
        assert read is not None
        return replace(rm, resource="water", plan_from_solution=lambda solution: _water_plan(read(solution)))

    monkeypatch.setitem(REGISTRY, "water", Resource(
        "water", "用水指标", lambda i: i.pools.emissions is not None, build,
        lambda *a, **k: _water_plan(solve_emissions(*a, **k)), ResourcePlan))
    e = explain_zone(Instance.from_dict(priority4()), "a")
    assert [r.resource for r in e.resources] == ["emissions:SO2", "emissions:NOx", "water:SO2", "water:NOx"]
    for pollutant, allocation in (("SO2", 30), ("NOx", 10)):
        w, em = e.resource(f"water:{pollutant}"), e.resource(f"emissions:{pollutant}")
        assert w.allocation == pytest.approx(allocation) and w.allocation == em.allocation
        assert (w.pool_rule, w.pool_total, w.pool_price, w.request) == (em.pool_rule, em.pool_total, em.pool_price,
                                                                         em.request)
        assert w.rules == em.rules and w.steps == em.steps
        assert f"a price is per t of {pollutant}" in w.notes[-1]


def test_report_has_the_water_tables(water: Instance) -> None:
    r = build_report(water, charts=False)
    assert [s.key for s in r.sections] == ["summary", "evaluations", "funds", "water"]
    assert list(r.plans) == ["funds", "water"]
    assert {"water-pools", "water-allocations", "water-cities", "water-bindings"} <= set(r.tables)
    a = r.tables["water-allocations"].set_index("zone")
    assert a["funds"].to_dict() == pytest.approx(WATER, abs=1e-6)
    assert r.tables["water-pools"]["total"].tolist() == [1000]
    assert "funds-total" in r.tables["water-bindings"]["rule"].tolist()
    summary = r.tables["summary"].set_index("field")["value_text"]
    assert summary["water: resource"] == "water (用水指标), LP"
    assert "## water (用水指标)" in r.markdown()


def test_every_verb_on_the_cli(water: Instance, tmp_path: Path) -> None:
    data = funds4()
    more = copy.deepcopy(data["pools"]["funds"])
    more["budget"] = 1200
    data["scenarios"] = [{"id": "more", "pools": {"funds": more}}]
    path = str(write(tmp_path, data))
    for argv, shown in ((("solve", path), "resource: water (用水指标)"), (("validate", path), "water"),
                        (("diagnose", path), "water"), (("compare", path), "water"),
                        (("explain", path, "a"), "water (wan yuan):")):
        code, out, err = run(*argv)
        assert code == 0, (argv, err)
        assert shown in out, argv


def test_every_resource_has_a_section(monkeypatch: pytest.MonkeyPatch) -> None:
    """The four built-in resources use their own sections; any other gets the generic ones."""
    for name in ("land", "emissions", "funds", "portfolio"):
        assert section_of(name) is SECTIONS[name]
        assert section_builder(name) is RESOURCE_SECTIONS[name]
    _register(monkeypatch)
    for name in REGISTRY:
        assert callable(section_of(name)) and callable(section_builder(name))
    explain, report = section_of("water"), section_builder("water")
    assert isinstance(explain, functools.partial) and explain.func is generic_sections
    assert isinstance(report, functools.partial) and report.func is generic_section
    assert "water" not in SECTIONS and "water" not in RESOURCE_SECTIONS
