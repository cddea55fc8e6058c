"""The instance as tables in Python: ``Instance.from_frames`` takes every field (frames from a
bundled instance's JSON give the same instance and the same plan), ``to_frames`` gives them
back, the immutable edits (``with_pool``, ``with_rule``, ``without_rule``,
``with_zone_metrics``) validate and name the field at fault, and cells read back what was
written (hypothesis)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from land_cases import ROOT, small4
from test_workbook import assert_same_plans
from workbook_cases import all_tables

import zoneopt
from zoneopt import Instance, InstanceError
from zoneopt.instance.fields import cell_text, cell_value, kind_at
from zoneopt.instance.pools import LandPool
from zoneopt.instance.rules import ZoneBoundsRule
from zoneopt.resources import solve_instance

BUNDLED = sorted((ROOT / "instances").glob("*.json"))


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_frames_of_a_bundled_instance_give_it_back_and_the_same_plan(path: Path) -> None:
    inst = zoneopt.load(path)
    frames = inst.to_frames()
    assert isinstance(frames["zones"], pd.DataFrame) and len(frames["zones"]) == len(inst.zones)
    back = Instance.from_frames(**frames)
    assert back == inst
    assert_same_plans(solve_instance(back), solve_instance(inst))


def test_zones_alone_from_a_frame_give_the_same_plan() -> None:
    """The zone table of an instance with everything else as JSON: the old way still works."""
    inst = zoneopt.load(ROOT / "instances" / "henan-etdz-45-emissions.json")
    doc = inst.model_dump(mode="json", exclude_unset=True)
    zones = inst.to_frames()["zones"]
    back = Instance.from_frames(zones, name=doc["name"], pools=doc["pools"], rules=doc["rules"],
                                objective=doc.get("objective"), metadata=doc["metadata"], units=doc["units"],
                                evaluations=doc["evaluations"], scenarios=doc["scenarios"],
                                projects=doc.get("projects", ()), portfolio=doc.get("portfolio"))
    assert back == inst
    assert_same_plans(solve_instance(back), solve_instance(inst))


def test_every_zone_field_has_a_column() -> None:
    """What from_frames used to refuse: energy_reduction_tce, emission and fund requests,
    locations; and evaluations, scenarios, periods."""
    zones = pd.DataFrame({
        "id": ["a", "b"], "city": ["P", "Q"], "county": [101, None], "land_area_mu": [100.0, 50.0],
        "tags": ["x, y", None], "level": ["national", None], "meets_env_standards": [True, None],
        "tax": [5.0, 1.0], "energy_reduction_tce": [3.0, None], "emissions_SO2_t": [1.0, 2.0],
        "emissions_NH3-N_t": [None, 0.5], "request_land_mu": [10.0, 20.0], "request_SO2_t": [0.5, None],
        "request_funds": [80.0, None], "request_funds_investment": [400.0, None],
        "request_funds_expected_tax": [20.0, None], "lon": [113.6, 114.0], "lat": [34.7, 34.9],
    })
    inst = Instance.from_frames(
        zones, name="t", pools={"land": {"total_mu": 10}},
        evaluations=[{"id": "e", "weighting": {"method": "fixed"}}],
        criteria=pd.DataFrame({"evaluation": ["e"], "name": ["税"], "of": ["tax"], "weight": [1.0]}),
        scenarios=pd.DataFrame({"id": ["s"], "pools.land.total_mu": [5.0]}),
        periods={"years": [2021, 2022]})
    a, b = inst.zones
    assert a.county == "101" and b.county is None and a.tags == ("x", "y") and a.level == "national"
    assert a.metrics.energy_reduction_tce == 3.0 and a.metrics.emissions_t == {"SO2": 1.0}
    assert b.metrics.emissions_t == {"SO2": 2.0, "NH3-N": 0.5}
    assert a.requests.emissions_t == {"SO2": 0.5} and a.requests.funds is not None
    assert (a.requests.funds.amount, a.requests.funds.investment, a.requests.funds.expected_tax) == (80, 400, 20)
    assert a.location is not None and (a.location.lon, a.location.lat) == (113.6, 34.7)
    assert inst.evaluations[0].criteria[0].name == "税" and inst.scenarios[0].pools is not None
    assert inst.periods is not None and inst.periods.years == (2021, 2022)


def test_tables_of_rules_for_every_resource_and_scenario() -> None:
    rules = pd.DataFrame([
        {"id": "cap", "type": "zone_bounds", "cap": 300, "select.cities": "P, Q"},
        {"id": "so2", "type": "zone_bounds", "resource": "SO2", "cap": 5},
        {"id": "lev", "type": "leverage_cap", "resource": "funds", "alpha": 0.2},
        {"id": "grp", "type": "group_bounds", "resource": "emissions", "by": "city", "cap": "P=3, Q=4"},
        {"id": "only-s", "type": "lock", "scenario": "s", "values": "a=10"},
    ])
    pools = pd.DataFrame([{"resource": "land", "total": 100}, {"resource": "SO2", "total": 9},
                          {"resource": "funds", "total": 50, "objective.kind": "tax"}])
    zones = pd.DataFrame({"id": ["a", "b"], "city": ["P", "Q"], "land_area_mu": [1.0, 2.0]})
    inst = Instance.from_frames(zones, name="t", pools=pools, rules=rules, scenarios=[{"id": "s"}])
    assert [r.id for r in inst.rules] == ["cap"] and inst.rules[0].select.cities == ("P", "Q")
    assert inst.pools.emissions is not None and inst.pools.emissions.pollutants["SO2"].rules[0].id == "so2"
    assert inst.pools.emissions.rules[0].cap == {"P": 3.0, "Q": 4.0}
    assert inst.pools.funds is not None and inst.pools.funds.objective.kind == "tax"
    assert inst.pools.funds.rules[0].id == "lev"
    assert inst.scenarios[0].rules[0].values_mu == {"a": 10.0}


def test_a_frame_error_names_the_table_row_and_column() -> None:
    zones = pd.DataFrame({"id": ["a"], "city": ["P"], "land_area_mu": [1.0]})
    rules = pd.DataFrame([{"id": "x", "type": "zone_bounds", "cap": 1, "resource": "water"}])
    with pytest.raises(InstanceError, match=r"rules table, row 0, column 'resource': unknown resource 'water'"):
        Instance.from_frames(zones, name="t", pools={"land": {"total_mu": 1}}, rules=rules)
    with pytest.raises(InstanceError, match=r"zones\[0\].land_area_mu: must be > 0"):
        Instance.from_frames(zones.assign(land_area_mu=[0.0]), name="t")


# -- immutable edits -------------------------------------------------------------------------

@pytest.fixture
def inst() -> Instance:
    return Instance.from_dict(all_tables())


def test_with_pool_changes_a_field_or_replaces_the_pool(inst: Instance) -> None:
    bigger = inst.with_pool("land", total_mu=1500)
    assert bigger.pools.land is not None and bigger.pools.land.total_mu == 1500
    assert bigger.pools.land.source == "2017 §六(一)"  # the rest of the pool stays
    assert inst.pools.land is not None and inst.pools.land.total_mu == 1000  # the original is untouched
    assert inst.with_pool("land", LandPool(total_mu=700, parcel_mu=50)).pools.land == LandPool(total_mu=700,
                                                                                               parcel_mu=50)
    so2 = inst.with_pool("SO2", total_t=55)
    assert so2.pools.emissions is not None and so2.pools.emissions.pollutants["SO2"].total_t == 55
    assert inst.with_pool("funds", {"budget": 10}).pools.funds.budget == 10  # type: ignore[union-attr]
    with pytest.raises(InstanceError, match=r"pools.land.total_mu: must be > 0"):
        inst.with_pool("land", total_mu=-1)
    with pytest.raises(InstanceError, match=r"pools.land.totl_mu: unknown field"):
        inst.with_pool("land", totl_mu=5)


def test_with_rule_replaces_by_id_or_adds(inst: Instance) -> None:
    tighter = inst.with_rule({"id": "q-floor", "type": "group_bounds", "by": "city", "groups": ["Q"],
                              "floor_mu": 300, "source": "2017 §二(二)"})
    assert [r.id for r in tighter.rules] == [r.id for r in inst.rules]
    assert tighter.rules[2].floor_mu == 300  # type: ignore[union-attr]
    added = inst.with_rule(ZoneBoundsRule(id="b-cap", type="zone_bounds", cap_mu=100, source="2017 §六(一)"))
    assert added.rules[-1].id == "b-cap" and len(added.rules) == len(inst.rules) + 1
    so2 = inst.with_rule({"id": "so2-b", "type": "zone_bounds", "select": {"zones": ["b"]}, "cap": 1}, resource="SO2")
    assert so2.pools.emissions.pollutants["SO2"].rules[-1].id == "so2-b"  # type: ignore[union-attr]
    with pytest.raises(InstanceError, match=r"rules\[4\].select.zones\[0\]: unknown zone 'zz'"):
        inst.with_rule({"id": "x", "type": "exclude", "select": {"zones": ["zz"]}})
    with pytest.raises(InstanceError, match=r"duplicate rule id 'fund-req'"):
        inst.with_rule({"id": "fund-req", "type": "exclude", "select": {"zones": ["a"]}})


def test_without_rule_finds_it_wherever_it_is(inst: Instance) -> None:
    assert [r.id for r in inst.without_rule("no-d").rules] == ["req", "q-floor", "city-caps"]
    assert inst.without_rule("nox-cap").pools.emissions.pollutants["NOx"].rules == ()  # type: ignore[union-attr]
    assert [r.id for r in inst.without_rule("fund-lev").pools.funds.rules] == ["fund-req"]  # type: ignore[union-attr]
    with pytest.raises(InstanceError, match=r"no rule 'nope'; the rules are: req, no-d"):
        inst.without_rule("nope")
    with pytest.raises(InstanceError, match=r"pools.funds.rules: no rule 'req'"):
        inst.without_rule("req", resource="funds")
    with pytest.raises(InstanceError, match=r"scenarios\[0\].drop_rules\[0\]"):
        inst.without_rule("q-floor")  # the scenario still drops it: the error names where


def test_with_zone_metrics_updates_the_named_zones_only(inst: Instance) -> None:
    table = pd.DataFrame({"tax": [55000.0, None], "energy_reduction_tce": [301.0, 99.0],
                          "emissions_SO2_t": [41.0, None]},
                         index=pd.Index(["a", "c"], name="zone"))
    new = inst.with_zone_metrics(table)
    a, b, c = new.zones[:3]
    assert (a.metrics.tax, a.metrics.energy_reduction_tce) == (55000, 301)
    assert a.metrics.emissions_t == {"SO2": 41, "NOx": 60}
    assert a.metrics.value_added == inst.zones[0].metrics.value_added  # the other figures stay
    assert b == inst.zones[1]
    assert (c.metrics.tax, c.metrics.energy_reduction_tce) == (10000, 99)  # a blank cell keeps the figure
    assert inst.zones[0].metrics.tax == 50000
    with pytest.raises(InstanceError, match=r"zones\[1\].metrics.tax: must be >= 0"):
        inst.with_zone_metrics(pd.DataFrame({"id": ["b"], "tax": [-1.0]}))
    with pytest.raises(InstanceError, match=r"no zone 'zz' in the instance"):
        inst.with_zone_metrics(pd.DataFrame({"id": ["zz"], "tax": [1.0]}))


def test_edits_keep_what_was_left_unstated() -> None:
    """A preset evaluation without "missing" keeps the preset's own policy after an edit."""
    data = small4()
    data["evaluations"] = [{"id": "e", "preset": "huangyan-2022"}]
    inst = Instance.from_dict(data)
    assert "missing" not in inst.with_pool("land", total_mu=900).evaluations[0].model_fields_set


# -- cells read back what was written ----------------------------------------------------------

_ident = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zs", "Zl", "Zp")),
                 min_size=1, max_size=8)
_amount = st.floats(min_value=0, max_value=1e12, allow_nan=False)


@settings(max_examples=150)
@given(values=st.lists(_ident, min_size=1, max_size=5))
def test_a_list_cell_reads_back(values: list[str]) -> None:
    kind = kind_at(Instance, ("rules", 0, "select", "cities"))
    assert cell_value(cell_text(values, kind), kind) == values


@settings(max_examples=150)
@given(values=st.dictionaries(_ident, _amount, min_size=1, max_size=5))
def test_a_mapping_cell_reads_back(values: dict[str, float]) -> None:
    kind = kind_at(Instance, ("rules", 0, "cap_mu"))
    assert cell_value(cell_text(values, kind), kind) == values


@settings(max_examples=40, deadline=None)
@given(rows=st.lists(st.fixed_dictionaries(
    {"land_area_mu": st.floats(min_value=0.5, max_value=1e6), "city": _ident},
    optional={"tax": _amount, "emissions_SO2_t": _amount, "request_land_mu": _amount,
              "tags": st.lists(_ident, min_size=1, max_size=3), "name": _ident}),
    min_size=1, max_size=6))
def test_zone_frames_read_back(rows: list[dict[str, Any]]) -> None:
    zones = [{"id": f"z{k}", "city": r["city"], "land_area_mu": r["land_area_mu"],
              **({"name": r["name"]} if "name" in r else {}), **({"tags": r["tags"]} if "tags" in r else {}),
              "metrics": {**({"tax": r["tax"]} if "tax" in r else {}),
                          **({"emissions_t": {"SO2": r["emissions_SO2_t"]}} if "emissions_SO2_t" in r else {})},
              "requests": {"land_mu": r["request_land_mu"]} if "request_land_mu" in r else {}}
             for k, r in enumerate(rows)]
    inst = Instance.from_dict({"name": "t", "zones": zones})
    assert Instance.from_frames(**inst.to_frames()) == inst
