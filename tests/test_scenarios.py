"""Scenarios: overrides land where they should, errors name the scenario's paths, and a
comparison's differences and totals are those of its columns; a bigger pool never lowers the
efficiency optimum; scenarios over emission and fund pools (and a portfolio's) show in the
comparison per resource and per quantity."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from land_cases import EXAMPLE, small4
from test_land_properties import instances, objective_scale

from zoneopt import Instance, InstanceError, InvalidInputError, load, solve_land
from zoneopt.analysis.scenarios import DELTA_PREFIX, apply_scenario, compare, scenario_ids, scenario_items


def with_scenarios(*scenarios: dict[str, Any], data: dict[str, Any] | None = None) -> Instance:
    d = copy.deepcopy(data if data is not None else small4())
    d["scenarios"] = list(scenarios)
    return Instance.from_dict(d)


# -- apply -----------------------------------------------------------------------------------

def test_pool_override_replaces_the_pool_only() -> None:
    inst = with_scenarios({"id": "more", "pools": {"land": {"total_mu": 1500, "exact": True}}})
    got = apply_scenario(inst, "more")
    assert got.pools.land is not None and got.pools.land.total_mu == 1500 and got.pools.land.exact
    assert got.rules == inst.rules and got.objective == inst.objective and got.zones == inst.zones
    assert got.name == inst.name and got.scenarios == ()
    assert inst.pools.land is not None and inst.pools.land.total_mu == 1000  # the base is untouched


def test_rules_replace_in_place_add_at_the_end_and_drop() -> None:
    inst = with_scenarios({
        "id": "s",
        "rules": [{"id": "new-cap", "type": "zone_bounds", "cap_mu": 250},
                  {"id": "q-floor", "type": "group_bounds", "by": "city", "groups": ["Q"], "floor_mu": 200}],
        "drop_rules": ["req"],
    })
    got = apply_scenario(inst, "s")
    assert [r.id for r in got.rules] == ["no-d", "q-floor", "new-cap"]
    assert got.rules[1].floor_mu == 200  # type: ignore[union-attr]
    plan = solve_land(got)
    alloc = plan.allocation()
    assert (alloc <= 250 + 1e-6).all() and alloc[["c", "d"]].sum() >= 200 - 1e-6


def test_objective_override() -> None:
    inst = with_scenarios({"id": "eq", "objective": {"kind": "equity"}})
    got = apply_scenario(inst, "eq")
    assert got.objective.kind == "equity" and inst.objective.kind == "efficiency"
    assert solve_land(got).objective == pytest.approx(5 / 6)  # the hand-worked equity optimum of small-4


def test_unknown_scenario_lists_the_ids() -> None:
    inst = with_scenarios({"id": "a"}, {"id": "b"})
    with pytest.raises(InvalidInputError, match="no scenario 'c'; its scenarios: 'a', 'b'"):
        apply_scenario(inst, "c")
    with pytest.raises(InvalidInputError, match="its scenarios: none"):
        apply_scenario(Instance.from_dict(small4()), "a")


@pytest.mark.parametrize(("scenario", "path"), [
    ({"id": "s", "rules": [{"id": "x", "type": "exclude", "select": {"cities": ["Nowhere"]}}]},
     "scenarios[1].rules[0].select.cities[0]: no zone has city 'Nowhere'"),
    ({"id": "s", "rules": [{"id": "req", "type": "lock", "values_mu": {"zz": 1}}]},
     "scenarios[1].rules[0].values_mu.zz: unknown zone 'zz'"),
    ({"id": "s", "rules": [{"id": "x", "type": "exclude", "select": {"zones": ["a"]}},
                           {"id": "x", "type": "exclude", "select": {"zones": ["b"]}}]},
     "scenarios[1].rules[1].id: duplicate rule id 'x' (also scenarios[1].rules[0])"),
    ({"id": "s", "rules": [{"id": "g", "type": "group_bounds", "by": "city", "cap_mu": {"Z": 1}}]},
     "scenarios[1].rules[0].cap_mu.Z: no zone has city 'Z'"),
])
def test_errors_name_the_scenario_path(scenario: dict[str, Any], path: str) -> None:
    inst = with_scenarios({"id": "fine"}, scenario)
    with pytest.raises(InstanceError) as info:
        apply_scenario(inst, "s", source="inst.json")
    assert any(str(i) == path for i in info.value.issues), [str(i) for i in info.value.issues]
    assert str(info.value).startswith("inst.json: ")
    apply_scenario(inst, "fine")  # the other scenario is fine


def test_invalid_scenario_fields_are_caught_when_loading() -> None:
    with pytest.raises(InstanceError, match=r"scenarios\[0\].drop_rules\[0\]: no base rule has id 'nope'"):
        with_scenarios({"id": "s", "drop_rules": ["nope"]})
    with pytest.raises(InstanceError, match=r"scenarios\[0\].pools.land.total_mu: must be > 0"):
        with_scenarios({"id": "s", "pools": {"land": {"total_mu": 0}}})


def test_bundled_example_scenarios() -> None:
    inst = load(EXAMPLE)
    assert scenario_ids(inst) == ["quota-plus-10", "quota-minus-20", "with-corridor-cap", "equity", "efficiency"]
    assert inst.pools.land is not None
    for sid, factor in (("quota-plus-10", 1.1), ("quota-minus-20", 0.8)):
        changed = apply_scenario(inst, sid)
        assert changed.pools.land is not None
        assert changed.pools.land.total_mu == pytest.approx(factor * inst.pools.land.total_mu)
    assert "corridor-cap" not in {r.id for r in inst.rules}  # 2017 §六(二) sets no land cap: only a what-if
    capped = {r.id: r for r in apply_scenario(inst, "with-corridor-cap").rules}["corridor-cap"]
    assert capped.assumption and capped.cited == "2017 §六(二) (assumption)"
    assert apply_scenario(inst, "equity").objective.kind == "equity"
    assert apply_scenario(inst, "efficiency").objective.kind == "efficiency"


# -- compare ---------------------------------------------------------------------------------

def test_scenario_items_labels() -> None:
    inst = with_scenarios({"id": "a"}, {"id": "b"})
    assert [label for label, _ in scenario_items(inst)] == ["base", "a", "b"]
    assert [label for label, _ in scenario_items(inst, ["b"], prefix="f:")] == ["f", "f:b"]


def test_deltas_and_totals_are_those_of_the_columns() -> None:
    inst = with_scenarios({"id": "more", "pools": {"land": {"total_mu": 1500}}},
                          {"id": "noreq", "drop_rules": ["req"]},
                          {"id": "eq", "objective": {"kind": "equity"}})
    c = compare(scenario_items(inst))
    assert c.labels == ["base", "more", "noreq", "eq"] and c.all_solved and not c.any_infeasible
    a = c.allocations
    for label in c.labels[1:]:
        assert np.allclose(a[DELTA_PREFIX + label], a[label] - a["base"])
        assert np.allclose(c.cities[DELTA_PREFIX + label], c.cities[label] - c.cities["base"])
    for col in c.columns:
        assert col.plan is not None
        assert np.allclose(a.set_index("zone")[col.label], col.plan.allocation())
        row = c.summary.set_index("label").loc[col.label]
        assert row["allocated_mu"] == pytest.approx(a[col.label].sum())
        assert row["objective"] == pytest.approx(col.plan.objective)
    # per city: the sums of the zone columns
    assert np.allclose(c.cities.loc[["P", "Q"], c.labels].to_numpy(),
                       a.groupby("city")[c.labels].sum().loc[["P", "Q"]].to_numpy())
    s = c.summary.set_index("label")
    assert s.loc["more", "objective_delta"] == pytest.approx(s.loc["more", "objective"] - 34000)
    assert np.isnan(s.loc["eq", "objective_delta"])  # another kind of objective: no difference
    assert s.loc["eq", "secondary_objective"] == pytest.approx(c.column("eq").plan.summary.secondary_objective)  # type: ignore[union-attr]
    top = c.biggest_changes(2)
    assert len(top) == 2
    biggest = np.nanmax(np.abs(a[[DELTA_PREFIX + x for x in c.labels[1:]]].to_numpy()), axis=1).max()
    assert abs(top["largest_change_mu"].iloc[0]) == pytest.approx(biggest)


def test_infeasible_column_stays_with_its_status_and_diagnosis() -> None:
    inst = with_scenarios({"id": "floor-all", "rules": [{"id": "floor-all", "type": "zone_bounds", "floor_mu": 300}]})
    c = compare(scenario_items(inst))
    assert [col.status for col in c.columns] == ["optimal", "infeasible"]
    assert c.any_infeasible and not c.all_solved
    bad = c.column("floor-all")
    assert bad.plan is None and "infeasible" in bad.message and "floor-all" in bad.message
    assert c.allocations["floor-all"].isna().all() and c.allocations["delta:floor-all"].isna().all()
    assert c.allocations["base"].sum() == pytest.approx(1000)
    record = c.to_record()
    assert record["columns"][1]["status"] == "infeasible" and record["columns"][1]["objective"] is None


def test_columns_with_different_zones_are_aligned_by_zone_id() -> None:
    two = {"name": "two", "zones": [{"id": "b", "city": "P", "land_area_mu": 10, "metrics": {"tax": 1}},
                                    {"id": "z", "city": "R", "land_area_mu": 10, "metrics": {"tax": 1}}],
           "pools": {"land": {"total_mu": 5}}}
    c = compare([("s4", Instance.from_dict(small4())), ("two", Instance.from_dict(two))])
    a = c.allocations.set_index("zone")
    assert list(a.index) == ["a", "b", "c", "d", "z"]
    assert np.isnan(a.loc["a", "two"]) and np.isnan(a.loc["z", "s4"])
    assert a.loc["b", "delta:two"] == pytest.approx(a.loc["b", "two"] - 500)


@pytest.mark.parametrize(("labels", "message"), [
    (["x", "x"], "given twice"), (["zone", "b"], "clashes"), (["a", "delta:b"], "clashes")])
def test_bad_labels(labels: list[str], message: str) -> None:
    inst = Instance.from_dict(small4())
    with pytest.raises(InvalidInputError, match=message):
        compare([(label, inst) for label in labels])
    with pytest.raises(InvalidInputError):
        compare([])


def test_instance_error_names_the_column() -> None:
    data = small4()
    data["zones"][0]["metrics"] = {}  # efficiency needs the tax of every zone
    with pytest.raises(InstanceError, match=r"^broken: zones\[0\]"):
        compare([("ok", Instance.from_dict(small4())), ("broken", Instance.from_dict(data))])


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(max_zones=8), st.floats(1.0, 3.0))
def test_bigger_pool_never_lowers_efficiency(data: dict[str, Any], factor: float) -> None:
    """Caps in mu and as shares of the pool only loosen, floors stay: every plan of the base
    is a plan of the bigger pool, so the efficiency optimum cannot fall."""
    data = dict(data, objective={"kind": "efficiency"})
    total = data["pools"]["land"]["total_mu"]
    inst = Instance.from_dict(dict(data, scenarios=[{"id": "more", "pools": {"land": {"total_mu": total * factor}}}]))
    c = compare(scenario_items(inst))
    assert c.all_solved
    base, more = c.summary["objective"].to_numpy()
    assert c.column("base").plan is not None
    tol = 1e-6 * objective_scale(data, c.column("base").plan) * factor
    assert more >= base - tol
    assert c.summary["objective_delta"].iloc[1] == pytest.approx(more - base)
    assert isinstance(c.allocations, pd.DataFrame) and len(c.allocations) == len(data["zones"])


# -- scenarios over emission and fund pools ----------------------------------------------------

def _example(path: str, scenarios: list[dict[str, Any]]) -> Instance:
    import json
    from pathlib import Path

    data = json.loads((Path(__file__).resolve().parents[1] / "instances" / path).read_text(encoding="utf-8"))
    data["scenarios"] = scenarios
    return Instance.from_dict(data)


def test_emission_pool_scenario_on_the_bundled_example() -> None:
    """The emission example with SO2's pool 20 % larger: the land plan is untouched, every
    other pollutant too; the SO2 column is the emission plan of the scenario's instance, and
    it allocates at least as much SO2 as the base (a larger pool loosens only that row)."""
    base = load(EXAMPLE.with_name("henan-etdz-45-emissions.json"))
    assert base.pools.emissions is not None
    pools = base.pools.emissions.model_dump(mode="json")
    pools["pollutants"]["SO2"]["total_t"] *= 1.2
    inst = _example("henan-etdz-45-emissions.json", [{"id": "so2+20", "pools": {"emissions": pools}}])
    c = compare(scenario_items(inst))
    assert c.all_solved and c.multi_resource and c.main == "land"
    assert list(c.quantities) == ["land", "SO2", "NOx", "COD", "NH3-N", "VOCs", "PM"]
    assert c.units["SO2"] == "t/yr" and c.units["land"] == "mu"
    assert np.allclose(c.allocations["delta:so2+20"], 0.0, atol=1e-6)
    # Another pollutant's pool is untouched: its zones served first get the same, its total is
    # the same; the rest is split by the tiered target in L1, whose optimum may be one of several
    # (the solver may return another when SO2 changes).
    first = {z.id for z in inst.zones if (z.metrics.energy_reduction_tce or 0.0) > 0}
    for q in ("NOx", "COD", "NH3-N", "VOCs", "PM"):
        moved = c.quantities[q].set_index("zone")["delta:so2+20"]
        assert abs(moved.sum()) < 1e-6 and np.allclose(moved.reindex(sorted(first)), 0.0, atol=1e-6), q
    from zoneopt.models.emissions import solve_emissions

    variant = solve_emissions(apply_scenario(inst, "so2+20"))
    so2 = c.quantities["SO2"].set_index("zone")
    assert np.allclose(so2["so2+20"], variant.allocation("SO2_t").reindex(so2.index), atol=1e-6)
    assert so2["so2+20"].sum() >= so2["base"].sum() - 1e-6
    assert so2["so2+20"].sum() <= pools["pollutants"]["SO2"]["total_t"] + 1e-6
    r = c.resources.set_index(["label", "resource"])
    assert r.loc[("so2+20", "emissions"), "objective_delta"] == pytest.approx(
        variant.objective - r.loc[("base", "emissions"), "objective"])
    assert "/741.72 t/yr" in r.loc[("so2+20", "emissions"), "pools"]  # 618.1 × 1.2
    top = c.biggest_changes(5, "SO2")
    assert not top.empty and (top["largest_change_mu"].abs() > 1e-6).all()


def test_fund_budget_scenario_on_the_bundled_example() -> None:
    """The fund example with the budget cut by 20 %: the fund column is the fund plan of the
    scenario's instance and disburses at most the smaller budget; land is untouched."""
    base = load(EXAMPLE.with_name("henan-etdz-45-funds.json"))
    assert base.pools.funds is not None
    pool = base.pools.funds.model_dump(mode="json")
    pool["budget"] *= 0.8
    inst = _example("henan-etdz-45-funds.json", [{"id": "budget-20", "pools": {"funds": pool}}])
    c = compare(scenario_items(inst))
    assert c.all_solved and list(c.quantities) == ["land", "funds"]
    from zoneopt.models.funds import solve_funds

    variant = solve_funds(apply_scenario(inst, "budget-20"))
    funds = c.quantities["funds"].set_index("zone")
    assert np.allclose(funds["budget-20"], variant.allocation("funds").reindex(funds.index))
    assert funds["budget-20"].sum() <= pool["budget"] + 1e-6 < funds["base"].sum()
    assert (funds["budget-20"] % 500 == 0).all()  # whole tranches
    cities = c.city_totals("funds")
    assert cities["delta:budget-20"].sum() == pytest.approx(funds["budget-20"].sum() - funds["base"].sum())
    assert np.allclose(c.allocations["delta:budget-20"], 0.0, atol=1e-6)


def test_emission_only_instance_by_hand() -> None:
    """emissions4 (tests/test_resources_verbs.py) with the SO2 pool at 120 t: a 30 and b 40 are
    at their requests; c, capped at its request of 50 t, now gets 50 instead of 30 (+20 t);
    20 t of the pool stay unallocated (d is excluded). Objective (50·30 + 30·40 + 10·50)/120 +
    30 (NOx unchanged) = 3,200/120 + 30 = 56.667, 3.333 below the base 60."""
    from test_resources_verbs import emissions4

    data = emissions4()
    pools = copy.deepcopy(data["pools"]["emissions"])
    pools["pollutants"]["SO2"]["total_t"] = 120
    inst = with_scenarios({"id": "so2-120", "pools": {"emissions": pools}}, data=data)
    c = compare(scenario_items(inst))
    assert c.main == "SO2" and c.allocations is c.quantities["SO2"]
    so2 = c.allocations.set_index("zone")
    assert so2["so2-120"].to_dict() == pytest.approx({"a": 30, "b": 40, "c": 50, "d": 0}, abs=1e-7)
    assert so2["delta:so2-120"].to_dict() == pytest.approx({"a": 0, "b": 0, "c": 20, "d": 0}, abs=1e-7)
    assert c.summary["objective"].tolist() == pytest.approx([60.0, 3200 / 120 + 30])
    assert c.summary["objective_delta"].iloc[1] == pytest.approx(3200 / 120 - 30)
    assert c.summary["allocated_mu"].isna().all()  # no land
    assert c.biggest_changes(5)["zone"].tolist() == ["c"]
    record = c.to_record()
    assert record["quantities"]["SO2"]["unit"] == "t/yr" and len(record["resources"]) == 2


def test_portfolio_scenarios_fund_budget_and_infeasible_emission_pool() -> None:
    """five (tests/test_resources_verbs.py): a budget of 200 changes nothing (the SO2 pool
    binds: p1 + p3 + p4 use all 12 t); an SO2 pool of 4 t leaves no project that lets a or b
    reach 1,000 (p1 needs 5 t, p3 6 t): that column is infeasible with the diagnosis naming
    the pool and the count target."""
    from test_resources_verbs import five

    inst = with_scenarios({"id": "budget-200", "pools": {"funds": {"budget": 200}}},
                          {"id": "so2-4", "pools": {"emissions": {"pollutants": {"SO2": {"total_t": 4}}}}},
                          data=five())
    c = compare(scenario_items(inst))
    assert [col.status for col in c.columns] == ["optimal", "optimal", "infeasible"]
    assert c.any_infeasible and list(c.quantities) == ["land", "SO2", "funds", "projects"]
    assert c.quantities["projects"].set_index("zone")["budget-200"].to_dict() == {"a": 1, "b": 2, "c": 0}
    assert c.summary["objective"].iloc[:2].tolist() == pytest.approx([58, 58])
    bad = c.column("so2-4")
    assert bad.plans == {} and bad.statuses == {"portfolio": "infeasible"}
    assert "emissions-total:SO2" in bad.message and "rev-1000" in bad.message
    assert c.quantities["SO2"]["so2-4"].isna().all()
    r = c.resources.set_index("label")
    assert r.loc["budget-200", "pools"].endswith("funds 130/200 万元 (1e4 yuan)")


def test_column_status_is_the_worst_of_its_resources() -> None:
    """The emission example with a scenario flooring every zone at 40 t of NOx (45 × 40 =
    1,800 t, more than the 1,575 t pool): land
    solves, emissions do not; the column is infeasible and keeps its land plan."""
    base = load(EXAMPLE.with_name("henan-etdz-45-emissions.json"))
    assert base.pools.emissions is not None
    pools = base.pools.emissions.model_dump(mode="json")
    pools["pollutants"]["NOx"]["rules"].append({"id": "nox-floor", "type": "zone_bounds", "floor": 40.0})
    inst = _example("henan-etdz-45-emissions.json", [{"id": "nox-floor", "pools": {"emissions": pools}}])
    c = compare(scenario_items(inst))
    col = c.column("nox-floor")
    assert col.status == "infeasible" and col.statuses == {"land": "optimal", "emissions": "infeasible"}
    assert col.plan is not None and "nox-floor" in col.message and col.message.startswith("emissions: ")
    assert c.allocations["nox-floor"].notna().all() and c.quantities["NOx"]["nox-floor"].isna().all()
