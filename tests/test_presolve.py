"""Presolve checks: each fires on an instance crafted for it, names the rule / zone / field, and
stays quiet on clean instances; the bundled examples give only justified findings; the
warnings reach the plan summary and the command line."""

from __future__ import annotations

import copy
import io
from pathlib import Path
from typing import Any

import pytest
from land_cases import ROOT, small4

from zoneopt import Instance, load, solve_land
from zoneopt.cli import main
from zoneopt.examples.zones import synthetic_instance
from zoneopt.models.presolve import Finding, presolve_checks


def clean() -> dict[str, Any]:
    """small-4 without its exclusion: nothing to report at all."""
    data = small4()
    data["rules"] = [r for r in data["rules"] if r["id"] != "no-d"]
    return data


def findings(data: dict[str, Any]) -> list[Finding]:
    return presolve_checks(Instance.from_dict(data))


def only(data: dict[str, Any], code: str) -> Finding:
    """The one finding with ``code`` (asserting there is exactly one)."""
    hits = [f for f in findings(data) if f.code == code]
    assert len(hits) == 1, [str(f) for f in findings(data)]
    return hits[0]


def with_rules(*rules: dict[str, Any], base: dict[str, Any] | None = None) -> dict[str, Any]:
    """The base with ``rules`` added, each citing a source unless it gives its own (a rule
    without one draws its own warning: test_rule_without_source_is_a_warning)."""
    data = copy.deepcopy(base if base is not None else clean())
    data["rules"] = data["rules"] + [{"source": "test", **r} for r in rules]
    return data


def test_clean_instance_has_no_findings() -> None:
    assert findings(clean()) == []


@pytest.mark.parametrize("path", sorted((ROOT / "instances").glob("*.json")), ids=lambda p: p.stem)
def test_bundled_examples_give_no_warnings(path: Path) -> None:
    """The examples' findings are the intended ones: grade D zones and candidate parks are excluded (info), and
    the pool cut at which the key project's lock meets a share cap. The standard rule set's
    1,500-mu lock and 29 % city cap collide at ×0.88 of the pool (a warning: within ±20 %); the
    defensible set's smaller lock only below ×0.8 (info)."""
    inst = load(path)
    got = presolve_checks(inst)
    warnings = [f for f in got if f.severity == "warning"]
    if path.stem in ("henan-etdz-45-parcels", "henan-etdz-45-years", "henan-etdz-45-targets-2022"):
        assert [(f.code, f.rule) for f in warnings] == [("lock-cap-collision", "lock-key-project")]
        factor = "×0.877"  # 5,172 mu of 5,900
        assert factor in warnings[0].message and "'city-cap'" in warnings[0].message
    else:
        assert warnings == []
    assert {f.code for f in got} <= {"zones-get-nothing", "lock-cap-collision"}
    for f in got:  # zones-only: the 2022 target instance's candidate parks (level other) get no land in one year
        assert f.rule in {"exclude-grade-d", "no-d", "lock-key-project", "zones-only"}
    assert solve_land(inst).summary.warnings == [f.message for f in warnings]


def test_synthetic_benchmark_instances_are_clean() -> None:
    got = presolve_checks(synthetic_instance(2000, seed=4))
    assert [str(f) for f in got if f.severity == "warning"] == []


# -- magnitudes ------------------------------------------------------------------------------

def test_money_in_yuan_declared_as_wan_yuan_is_flagged() -> None:
    data = clean()
    data["zones"][1]["metrics"]["tax"] *= 1e4  # 30 万元/mu entered in yuan
    f = only(data, "money-per-mu-implausible")
    assert f.severity == "warning" and f.zone == "b" and f.field == "zones[1].metrics.tax"
    assert "above" in f.message and "万元" in f.message and "units.money" in f.message


def test_money_in_yi_yuan_declared_as_wan_yuan_is_flagged() -> None:
    data = clean()
    for z in data["zones"]:
        z["metrics"]["tax"] /= 1e4  # 亿元 figures under the 万元 default
    f = only(data, "money-per-mu-implausible")
    assert "below" in f.message and "4 zone(s)" in f.message
    # the same figures are plausible once the unit is declared
    data["units"] = {"money": "yi_yuan"}
    assert [x for x in findings(data) if x.code == "money-per-mu-implausible"] == []


@pytest.mark.parametrize(("where", "field"), [
    (lambda d: d["zones"][2].update(land_area_mu=2e7), "zones[2].land_area_mu"),
    (lambda d: d["zones"][2].update(land_area_mu=0.5), "zones[2].land_area_mu"),
    (lambda d: d["zones"][3]["requests"].update(land_mu=3e7), "zones[3].requests.land_mu"),
    (lambda d: d["pools"]["land"].update(total_mu=5e8), "pools.land.total_mu"),
])
def test_land_out_of_range(where: Any, field: str) -> None:
    data = clean()
    where(data)
    hits = [f for f in findings(data) if f.code == "land-out-of-range"]
    assert [f.field for f in hits] == [field]
    assert "mu" in hits[0].message


def test_rule_amount_out_of_range() -> None:
    f = only(with_rules({"id": "big", "type": "zone_bounds", "floor_mu": 0.1, "cap_mu": 2e7}), "land-out-of-range")
    assert f.rule == "big" and f.field == "rules[2].cap_mu"


def test_land_span_names_both_ends_and_the_model_scale() -> None:
    data = clean()
    data["zones"][1]["requests"]["land_mu"] = 1e-4  # 7 orders below the pool
    f = only(data, "land-span")
    assert "zones[1].requests.land_mu" in f.message and "pools.land.total_mu" in f.message
    assert "7.0 orders" in f.message and "land_unit" in f.message
    data["zones"][1]["requests"]["land_mu"] = 1e-2  # 5 orders: fine
    assert [x for x in findings(data) if x.code == "land-span"] == []


def test_weight_span_quotes_obj_scale() -> None:
    data = clean()
    data["zones"][3]["metrics"]["tax"] = 1e-5  # 亩均 1.25e-8 万元 against 50 for zone a
    hits = {f.code: f for f in findings(data)}
    f = hits["weight-span"]
    assert f.zone == "d" and "obj_scale" in f.message and "tax_per_mu" in f.message
    # equity does not weigh zones by it
    data["objective"] = {"kind": "equity"}
    assert "weight-span" not in {x.code for x in findings(data)}


# -- rules that never bind -------------------------------------------------------------------

@pytest.mark.parametrize(("rule", "field"), [
    ({"id": "r", "type": "zone_bounds", "cap_mu": 1000}, "rules[2].cap_mu"),          # cap = pool
    ({"id": "r", "type": "zone_bounds", "floor_mu": 0}, "rules[2].floor_mu"),
    ({"id": "r", "type": "group_bounds", "by": "city", "cap_share": 1.0}, "rules[2].cap_share"),
    ({"id": "r", "type": "group_bounds", "by": "city", "cap_mu": {"P": 1200, "Q": 1000}}, "rules[2].cap_mu"),
    ({"id": "r", "type": "group_bounds", "by": "level", "floor_share": 0.0}, "rules[2].floor_share"),
    ({"id": "r", "type": "request_cap", "share": 5.0}, "rules[2].share"),           # 5 × 200 >= 1000
])
def test_rule_that_can_never_bind(rule: dict[str, Any], field: str) -> None:
    f = only(with_rules(rule), "rule-never-binds")
    assert f.rule == "r" and f.field == field and f.severity == "warning"
    assert "can never bind" in f.message and "'r'" in f.message


def test_request_cap_binding_for_some_zone_is_not_reported() -> None:
    assert findings(with_rules({"id": "r", "type": "request_cap", "share": 4.0})) == []  # 4 × 200 < 1000


def test_one_idle_bound_of_a_rule_is_info() -> None:
    f = only(with_rules({"id": "r", "type": "zone_bounds", "floor_mu": 0, "cap_mu": 400}), "rule-part-never-binds")
    assert f.severity == "info" and f.field == "rules[2].floor_mu"


def test_tilt_over_one_score_never_binds() -> None:
    data = clean()
    for z in data["zones"]:
        z["score"] = 70
    data["rules"].append({"id": "tilt", "type": "tilt", "by": "score", "source": "2017 §六(一)"})
    f = only(data, "rule-never-binds")
    assert f.rule == "tilt" and "same score" in f.message and "2017 §六(一)" in f.message


def test_rule_selecting_no_zone_is_info() -> None:
    f = only(with_rules({"id": "r", "type": "exclude", "select": {"grades": ["C"]}}), "rule-selects-nothing")
    assert f.severity == "info" and f.rule == "r"


# -- zones that get nothing ------------------------------------------------------------------

@pytest.mark.parametrize(("mutate", "rule", "zone", "severity"), [
    (lambda d: d["rules"].append({"id": "x", "type": "exclude", "select": {"zones": ["b"]}}), "x", "b", "info"),
    (lambda d: d["rules"].append({"id": "x", "type": "zone_bounds", "select": {"zones": ["c"]}, "cap_mu": 0}),
     "x", "c", "info"),
    (lambda d: d["rules"].append({"id": "x", "type": "lock", "values_mu": {"a": 0}}), "x", "a", "info"),
    (lambda d: d["rules"].append({"id": "x", "type": "group_bounds", "by": "city", "groups": ["Q"], "cap_mu": 0}),
     "x", "c", "info"),
    (lambda d: d["zones"][1]["requests"].update(land_mu=0), "req", "b", "info"),
    (lambda d: d["zones"][1].pop("requests"), "req", "b", "warning"),  # a data gap zeroes it silently
])
def test_zone_that_can_never_get_land_names_the_rule(mutate: Any, rule: str, zone: str, severity: str) -> None:
    data = clean()
    mutate(data)
    f = only(data, "zones-get-nothing")
    assert (f.rule, f.zone, f.severity) == (rule, zone, severity)
    assert f"'{zone}'" in f.message and f"'{rule}'" in f.message


def test_missing_request_points_at_the_zone_field() -> None:
    data = clean()
    data["zones"][2].pop("requests")
    f = only(data, "zones-get-nothing")
    assert f.field == "zones[2].requests.land_mu" and "missing" in f.message
    data["rules"][0]["missing"] = "unlimited"  # then the zone is uncapped, not zeroed
    assert findings(data) == []


def test_every_zone_held_at_zero() -> None:
    f = only(with_rules({"id": "x", "type": "exclude", "select": {}}), "no-zone-can-get-land")
    assert f.severity == "warning" and "4 zones" in f.message


# -- bounds that cannot all hold -------------------------------------------------------------

def test_floors_exceeding_the_pool_say_by_how_much_and_point_to_diagnose() -> None:
    data = with_rules({"id": "floor-all", "type": "zone_bounds", "floor_mu": 200},
                      {"id": "lock-a", "type": "lock", "values_mu": {"a": 300}})
    data["pools"]["land"]["total_mu"] = 800  # floors 300 + 200 + 200 + 200 = 900
    f = only(data, "floors-exceed-pool")
    assert "900 mu" in f.message and "short by 100 mu" in f.message
    assert "'floor-all'" in f.message and "'lock-a'" in f.message
    assert "python -m zoneopt diagnose" in f.message and f.field == "pools.land.total_mu"


def test_group_floors_over_the_pool() -> None:
    data = with_rules({"id": "g", "type": "group_bounds", "by": "city", "floor_mu": {"P": 700, "Q": 450}})
    f = only(data, "floors-exceed-pool")
    assert "short by 150 mu" in f.message and f.rule == "g"


def test_group_floor_above_the_caps_of_its_zones() -> None:
    data = with_rules({"id": "g", "type": "group_bounds", "by": "city", "groups": ["Q"], "floor_mu": 650})
    f = only(data, "group-floor-above-caps")  # c ≤ 400, d ≤ 200 by the request cap
    assert "short by 50 mu" in f.message and "'req'" in f.message and f.rule == "g"


def test_floor_above_cap_for_a_zone() -> None:
    data = with_rules({"id": "f", "type": "zone_bounds", "select": {"zones": ["d"]}, "floor_mu": 250})
    f = only(data, "floor-above-cap")
    assert f.zone == "d" and "'f'" in f.message and "'req'" in f.message and "200 mu" in f.message


def test_exact_pool_above_the_caps() -> None:
    data = clean()
    data["pools"]["land"].update(total_mu=1500, exact=True)  # requests add up to 1,400
    f = only(data, "caps-below-exact-pool")
    assert "short by 100 mu" in f.message


def test_infeasible_findings_hold_for_the_solver_too() -> None:
    """What presolve calls infeasible, the solver does too (a check of the checks)."""
    from zoneopt import InfeasibleError

    data = with_rules({"id": "g", "type": "group_bounds", "by": "city", "groups": ["Q"], "floor_mu": 650})
    with pytest.raises(InfeasibleError):
        solve_land(Instance.from_dict(data))


# -- the warnings in the output --------------------------------------------------------------

def test_warnings_reach_the_plan_and_the_command_line(tmp_path: Path) -> None:
    data = with_rules({"id": "idle", "type": "zone_bounds", "cap_mu": 5000})
    plan = solve_land(Instance.from_dict(data))
    assert len(plan.summary.warnings) == 1 and "'idle'" in plan.summary.warnings[0]
    assert plan.to_record().summary.warnings == plan.summary.warnings
    path = tmp_path / "inst.json"
    import json
    path.write_text(json.dumps(data), encoding="utf-8")
    out = io.StringIO()
    assert main(["solve", str(path), "--out", str(tmp_path / "p.xlsx")], out=out, err=io.StringIO()) == 0
    lines = out.getvalue().splitlines()
    status = next(k for k, line in enumerate(lines) if line.startswith("status:"))
    assert lines[status + 1].startswith("warning: rule 'idle' (test) can never bind")
    out = io.StringIO()
    assert main(["validate", str(path)], out=out, err=io.StringIO()) == 0
    assert "warning: rule 'idle' (test) can never bind" in out.getvalue()


def test_validate_prints_info_findings_too() -> None:
    out = io.StringIO()
    assert main(["validate", str(ROOT / "instances" / "small-4.json")], out=out, err=io.StringIO()) == 0
    assert "info: rule 'no-d' (2017 §十(四)) excludes 1 zone(s)" in out.getvalue()
