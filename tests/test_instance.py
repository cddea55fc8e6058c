"""Instance validation: every invalid input gets an InstanceError whose issue names the JSON
path and the reason; tables build the same instance as JSON."""

from __future__ import annotations

import json
import pickle
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from land_cases import SMALL, small4

from zoneopt import Instance, InstanceError, load
from zoneopt.instance import Criterion, Enterprise, Evaluation


def issues_of(data: Any) -> list[tuple[str, str]]:
    with pytest.raises(InstanceError) as err:
        Instance.from_dict(data)
    return [(i.path, i.message) for i in err.value.issues]


def mutate(**edits: Any) -> dict[str, Any]:
    data = small4()
    for path, value in edits.items():
        node: Any = data
        keys = path.split("__")
        for k in keys[:-1]:
            node = node[int(k)] if k.isdigit() else node[k]
        last = keys[-1]
        node[int(last) if last.isdigit() else last] = value
    return data


def test_bundled_small_instance_loads() -> None:
    inst = load(SMALL)
    assert inst.zone_ids == ["a", "b", "c", "d"]
    assert inst.metadata.synthetic is True
    assert inst.units.money == "wan_yuan"


@pytest.mark.parametrize(("edits", "path", "message"), [
    ({"zones__1__land_area_mu": 0}, "zones[1].land_area_mu", "must be > 0"),
    ({"zones__1__land_area_mu": -5}, "zones[1].land_area_mu", "must be > 0"),
    ({"zones__2__metrics__tax": -1.0}, "zones[2].metrics.tax", "no negative quantities"),
    ({"zones__2__requests__land_mu": -10}, "zones[2].requests.land_mu", "no negative quantities"),
    ({"pools__land__total_mu": -100}, "pools.land.total_mu", "must be > 0"),
    ({"zones__0__metrics__tax": float("nan")}, "zones[0].metrics.tax", "NaN and infinity are not allowed"),
    ({"zones__0__metrics__tax": float("inf")}, "zones[0].metrics.tax", "NaN and infinity are not allowed"),
    ({"zones__0__land_aera_mu": 5}, "zones[0].land_aera_mu", "unknown field (a typo?)"),
    ({"zones__0__level": "county"}, "zones[0].level", "'county' is not one of"),
    ({"zones__3__grade": "E"}, "zones[3].grade", "'E' is not one of"),
    ({"zones__1__id": "a"}, "zones[1].id", "duplicate zone id 'a' (also zones[0])"),
    ({"zones": []}, "zones", "the zone list is empty"),
    ({"rules__0__type": "quota"}, "rules[0]", "unknown rule type 'quota'"),
    ({"rules__1__select": {"zones": ["zz"]}}, "rules[1].select.zones[0]", "unknown zone 'zz'"),
    ({"rules__1__select": {"cities": ["Zhengzhou"]}}, "rules[1].select.cities[0]", "no zone has city 'Zhengzhou'"),
    ({"rules__1__select": {"grades": ["F"]}}, "rules[1].select.grades[0]", "'F' is not one of"),
    ({"rules__2__groups": ["R"]}, "rules[2].groups[0]", "no zone has city 'R'"),
    ({"rules__2__id": "req"}, "rules[2].id", "duplicate rule id 'req'"),
    ({"objective": {"kind": "fairest"}}, "objective.kind", "'fairest' is not one of"),
    ({"rules__2__floor_mu": None}, "rules[2]", "give at least one of"),
])
def test_invalid_field_is_named(edits: dict[str, Any], path: str, message: str) -> None:
    found = issues_of(mutate(**edits))
    assert any(p == path and message in m for p, m in found), found


def test_lock_of_unknown_zone() -> None:
    data = small4()
    data["rules"].append({"id": "lock", "type": "lock", "values_mu": {"q": 10}})
    assert ("rules[3].values_mu.q", "unknown zone 'q'") in issues_of(data)


def test_every_issue_is_reported_not_only_the_first() -> None:
    found = issues_of(mutate(zones__0__land_area_mu=-1, zones__1__city="", zones__2__metrics__tax=float("nan")))
    assert {p for p, _ in found} >= {"zones[0].land_area_mu", "zones[1].city", "zones[2].metrics.tax"}


def test_load_reports_file_problems(tmp_path: Path) -> None:
    with pytest.raises(InstanceError, match="no such file"):
        load(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("zones: [1, 2]", encoding="utf-8")
    with pytest.raises(InstanceError, match=r"bad.json: not valid JSON: .* line 1 column 1"):
        load(bad)
    arr = tmp_path / "arr.json"
    arr.write_text("[]", encoding="utf-8")
    with pytest.raises(InstanceError, match="an instance is a JSON object"):
        load(arr)
    nan = tmp_path / "nan.json"
    data = small4()
    nan.write_text(json.dumps(data).replace('"tax": 50000', '"tax": NaN'), encoding="utf-8")
    with pytest.raises(InstanceError, match=r"zones\[0\].metrics.tax: must be a finite number"):
        load(nan)


def test_from_frames_builds_the_same_instance() -> None:
    data = small4()
    rows = []
    for z in data["zones"]:
        rows.append({"id": z["id"], "name": z["name"], "city": z["city"], "land_area_mu": z["land_area_mu"],
                     "tax": z["metrics"]["tax"], "score": z.get("score"), "grade": z.get("grade"),
                     "request_land_mu": z["requests"]["land_mu"]})
    frame = pd.DataFrame(rows)
    inst = Instance.from_frames(frame, name=data["name"], pools=data["pools"], rules=data["rules"],
                                metadata=data["metadata"])
    assert inst == Instance.from_dict(data)


def test_from_frames_names_row_and_column() -> None:
    frame = pd.DataFrame({"id": ["a", "b"], "city": ["P", "P"], "land_area_mu": [100.0, -3.0],
                          "tags": ["x, y", None], "emissions_SO2_t": [1.0, None]})
    with pytest.raises(InstanceError) as err:
        Instance.from_frames(frame, name="t")
    assert [i.path for i in err.value.issues] == ["zones[1].land_area_mu"]
    ok = Instance.from_frames(frame.assign(land_area_mu=[100.0, 3.0]), name="t")
    assert ok.zones[0].tags == ("x", "y") and ok.zones[0].metrics.emissions_t == {"SO2": 1.0}


def test_unknown_column_is_rejected() -> None:
    frame = pd.DataFrame({"id": ["a"], "city": ["P"], "land_area_mu": [1.0], "taxes": [3.0]})
    with pytest.raises(InstanceError, match=r"zones\[0\].taxes: unknown field"):
        Instance.from_frames(frame, name="t")


def test_instance_round_trips_through_json() -> None:
    inst = Instance.from_dict(small4())
    assert Instance.from_dict(json.loads(inst.to_json())) == inst


def test_schema_is_json_schema_with_no_extra_fields() -> None:
    schema = Instance.model_json_schema()
    assert schema["additionalProperties"] is False
    assert "Zone" in schema["$defs"] and "TiltRule" in schema["$defs"]
    zone = schema["$defs"]["Zone"]
    assert zone["additionalProperties"] is False
    assert set(zone["required"]) == {"id", "city", "land_area_mu"}
    rule_types = {d["properties"]["type"]["const"] for name, d in schema["$defs"].items() if name.endswith("Rule")}
    assert rule_types == {"zone_bounds", "request_cap", "group_bounds", "exclude", "tilt", "lock", "request_floor",
                          "min_lot"}


def test_derived_values_follow_the_fields_they_are_made_from() -> None:
    """A derived value is made once and reused; a copy shares it while it has the same zones,
    enterprises, evaluations and units, and makes its own once one differs, leaving the
    original's alone."""
    made: list[str] = []

    def probe(inst: Instance, tag: str) -> tuple[str, int]:
        return inst.derived("probe", lambda: made.append(tag) or (tag, len(inst.zones)))

    inst = Instance.from_dict(small4())
    first = probe(inst, "base")
    assert probe(inst, "again") is first and made == ["base"]
    assert probe(inst.model_copy(update={"rules": ()}), "other rules") is first
    assert probe(inst.model_copy(update={"zones": inst.zones[:2]}), "fewer") == ("fewer", 2)
    others = {
        "enterprises": (Enterprise(id="e", zone="a", land_area_mu=1.0),),
        "evaluations": (Evaluation(id="ev", criteria=(Criterion(name="t", of="tax"),)),),
        "units": inst.units.model_copy(update={"money": "yuan"}),
    }
    for field, value in others.items():
        assert probe(inst.model_copy(update={field: value}), field) == (field, 4)
    assert probe(inst, "base again") is first
    assert made == ["base", "fewer", *others]


def test_derived_values_are_no_part_of_the_instance_value() -> None:
    """Equality, pickling and deep copies see the fields, not what was derived from them."""
    inst = Instance.from_dict(small4())
    inst.derived("probe", lambda: "made")
    assert inst == Instance.from_dict(small4())
    again = pickle.loads(pickle.dumps(inst))
    assert again == inst and again.derived("probe", lambda: "new") == "made"
    assert inst.model_copy(deep=True).derived("probe", lambda: "new") == "made"
