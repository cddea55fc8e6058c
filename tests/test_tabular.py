"""Zones as a table (:mod:`zoneopt.instance.tabular`): a frame, or a Parquet or CSV file an
instance names, gives the same zone table and plan as the JSON zones; bad values are named by
table, row and column; the land path makes no zone object."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from cli_runner import run
from land_cases import EXAMPLE

from zoneopt import Instance, InstanceError, load, solve_land
from zoneopt.data.zones import ZoneTable
from zoneopt.instance import TabularZones, Zone

METRICS = ("tax", "value_added", "revenue", "rd_spending", "energy_tce", "employees", "energy_reduction_tce")


def zone_frame(zones: list[dict[str, Any]]) -> pd.DataFrame:
    """JSON zones as a zone table (one column per field, tags comma-separated)."""
    rows = []
    for z in zones:
        metrics = z.get("metrics", {})
        row = {k: z.get(k) for k in ("id", "name", "city", "county", "level", "kind", "grade", "score",
                                     "land_area_mu")}
        row["tags"] = ",".join(z.get("tags", ()))
        row["request_land_mu"] = z.get("requests", {}).get("land_mu")
        row.update({m: metrics.get(m) for m in METRICS})
        row.update({f"emissions_{p}_t": v for p, v in metrics.get("emissions_t", {}).items()})
        rows.append(row)
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def example() -> dict[str, Any]:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


def test_a_frame_gives_the_json_zone_table_and_plan(example: dict[str, Any]) -> None:
    plain = Instance.from_dict(example)
    table = Instance.from_dict({**example, "zones": zone_frame(example["zones"])})
    assert isinstance(table.zones, TabularZones) and len(table.zones) == 45
    a, b = ZoneTable.of(plain), ZoneTable.of(table)
    pd.testing.assert_frame_equal(a.frame, b.frame, check_dtype=False)  # text: object or string
    assert a.tags.keys() == b.tags.keys() and all(np.array_equal(a.tags[t], b.tags[t]) for t in a.tags)
    p, q = solve_land(plain), solve_land(table)
    assert q.objective == pytest.approx(p.objective, rel=1e-12)
    pd.testing.assert_frame_equal(p.allocations, q.allocations)
    assert "_items" not in vars(table.zones)  # no zone object was made on the way


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_an_instance_names_its_zone_file(example: dict[str, Any], tmp_path: Path, suffix: str) -> None:
    pytest.importorskip("pyarrow")
    frame = zone_frame(example["zones"])
    (tmp_path / "tables").mkdir()
    if suffix == ".parquet":
        frame.to_parquet(tmp_path / "tables" / f"zones{suffix}")
    else:
        frame.to_csv(tmp_path / "tables" / f"zones{suffix}", index=False)
    path = tmp_path / "inst.json"
    path.write_text(json.dumps({**example, "zones": f"tables/zones{suffix}"}, ensure_ascii=False), encoding="utf-8")
    inst = load(path)
    plain = Instance.from_dict(example)
    assert inst.zone_ids == plain.zone_ids
    assert solve_land(inst).objective == pytest.approx(solve_land(plain).objective, rel=1e-12)
    assert isinstance(inst.zones[3], Zone) and inst.zones[3] == plain.zones[3]  # objects on demand
    again = Instance.from_dict(json.loads(inst.to_json()))  # JSON out: the zones listed
    assert again.zones == plain.zones


def test_a_zone_file_over_the_size_limit_is_refused_before_it_is_read(
        example: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import zoneopt.instance.tabular as tabular

    zone_frame(example["zones"]).to_csv(tmp_path / "zones.csv", index=False)
    size = (tmp_path / "zones.csv").stat().st_size
    path = tmp_path / "inst.json"
    path.write_text(json.dumps({**example, "zones": "zones.csv"}, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(tabular, "MAX_TABLE_BYTES", size - 1)
    monkeypatch.setattr(tabular.pd, "read_csv", lambda *a, **k: pytest.fail("read despite its size"))
    with pytest.raises(InstanceError, match=f"zones.csv has {size:,} bytes, more than the {size - 1:,}"):
        load(path)
    code, _, err = run("validate", str(path))
    assert code == 2 and "zones.csv" in err and "Traceback" not in err


def test_a_missing_zone_file_is_named(example: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "inst.json"
    path.write_text(json.dumps({**example, "zones": "nowhere.csv"}), encoding="utf-8")
    with pytest.raises(InstanceError, match="nowhere.csv: no such file"):
        load(path)


def test_a_bad_value_deep_in_a_large_table_is_named_by_row_and_column(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    n = 50_000
    frame = pd.DataFrame({"id": [f"Z{k}" for k in range(n)], "city": "郑州", "land_area_mu": np.full(n, 100.0),
                          "tax": np.ones(n), "score": np.linspace(40, 100, n)})
    frame.loc[34_211, "land_area_mu"] = -3.0
    frame.to_parquet(tmp_path / "zones.parquet")
    with pytest.raises(InstanceError) as err:
        TabularZones.read(tmp_path / "zones.parquet")
    assert [str(i) for i in err.value.issues] == ["zones.parquet row 34211, land_area_mu: must be > 0, got -3.0"]


@pytest.mark.parametrize(("column", "value", "message"), [
    ("land_area_mu", 0.0, "row 1, land_area_mu: must be > 0, got 0.0"),
    ("land_area_mu", None, "row 1, land_area_mu: required value is missing"),
    ("land_area_mu", "lots", "row 1, land_area_mu: must be a number, got 'lots'"),
    ("tax", -1.0, "row 1, tax: must be >= 0 (no negative quantities), got -1.0"),
    ("score", float("inf"), "row 1, score: must be a finite number"),
    ("level", "county", "row 1, level: must be one of ['national', 'provincial', 'other'], got 'county'"),
    ("grade", "E", "row 1, grade: must be one of ['A', 'B', 'C', 'D'], got 'E'"),
    ("id", " b", "row 1, id: must not be empty or start or end with white space, got ' b'"),
    ("id", "a", "row 1, id: duplicate zone id 'a' (first in row 0)"),
    ("city", None, "row 1, city: required value is missing"),
    ("meets_env_standards", "maybe", "row 1, meets_env_standards: must be true or false, got 'maybe'"),
    ("colour", "red", "column colour: unknown column (a typo?)"),
])
def test_each_check_names_row_and_column(column: str, value: Any, message: str) -> None:
    frame = pd.DataFrame({"id": ["a", "b", "c"], "city": ["P", "Q", "P"], "land_area_mu": [10.0, 20.0, 30.0],
                          "tax": [1.0, 2.0, 3.0], "level": "provincial", "grade": "A", "score": 1.0,
                          "meets_env_standards": True}).astype(object)
    frame.loc[1, column] = value
    with pytest.raises(InstanceError) as err:
        TabularZones.from_frame(frame, "zones.csv")
    assert any(str(i).startswith("zones.csv" + (" " if "row" in message else ", ") + message)
               for i in err.value.issues), [str(i) for i in err.value.issues]


def test_many_bad_rows_are_counted_not_listed() -> None:
    frame = pd.DataFrame({"id": [f"z{k}" for k in range(100)], "city": "P", "land_area_mu": -1.0})
    with pytest.raises(InstanceError) as err:
        TabularZones.from_frame(frame)
    assert len(err.value.issues) == 6
    assert str(err.value.issues[-1]) == "zones, column land_area_mu: 95 more rows: must be > 0"


def test_tags_numbers_as_text_and_defaults() -> None:
    frame = pd.DataFrame({"id": [1, 2], "city": ["P", "Q"], "land_area_mu": [1.0, 2.0],
                          "tags": ["corridor, auto", None], "county": [None, "Q-1"]})
    zones = TabularZones.from_frame(frame)
    assert zones.ids.tolist() == ["1", "2"]
    assert zones[0].tags == ("corridor", "auto") and zones[1].tags == ()
    assert zones[0].level == "provincial" and zones[0].kind == "etdz" and zones[0].county is None
    assert zones.tags == {"corridor", "auto"}


def test_cross_checks_read_the_columns(example: dict[str, Any]) -> None:
    data = {**example, "zones": zone_frame(example["zones"]), "scenarios": [],
            "rules": [{"id": "x", "type": "exclude", "select": {"cities": ["nowhere"]}},
                      {"id": "g", "type": "group_bounds", "by": "level", "groups": ["county"], "cap_share": 0.5}]}
    with pytest.raises(InstanceError) as err:
        Instance.from_dict(data)
    assert {i.path for i in err.value.issues} == {"rules[0].select.cities[0]", "rules[1].groups[0]"}


def test_named_metrics_come_in_as_columns_and_give_the_same_plan_over_years() -> None:
    """A named metric is a ``metric_<name>`` column: the zone table, the plan over years and each
    target's status are those of the same zones listed in JSON."""
    from zoneopt.models.multi_period import solve_multi_period

    data = json.loads((Path(__file__).parents[1] / "instances" / "henan-etdz-45-targets-2022.json")
                      .read_text(encoding="utf-8"))
    # The land plan over years: a zone table has no columns for emission or fund requests.
    data["pools"] = {"land": data["pools"]["land"]}
    data["periods"] = {k: v for k, v in data["periods"].items() if k not in ("emissions", "funds", "weights")}
    for z in data["zones"]:
        z["requests"] = {"land_mu": z["requests"]["land_mu"]}
    frame = zone_frame(data["zones"])
    for k, z in enumerate(data["zones"]):
        for name, v in z["metrics"].get("named", {}).items():
            frame.loc[k, f"metric_{name}"] = v
    assert any(c.startswith("metric_") for c in frame.columns)
    plain = Instance.from_dict(data)
    table = Instance.from_dict({**data, "zones": frame})
    assert isinstance(table.zones, TabularZones)
    a, b = ZoneTable.of(plain), ZoneTable.of(table)
    named = list(data["metrics"])
    pd.testing.assert_frame_equal(a.frame[named], b.frame[named])
    p, q = solve_multi_period(plain), solve_multi_period(table)
    assert q.objective == pytest.approx(p.objective, rel=1e-9)
    cols = ["rule", "status", "achieved"]
    assert len(p.target_status) >= 10
    pd.testing.assert_frame_equal(p.target_status[cols], q.target_status[cols])
    assert table.zones[0].metrics.named == plain.zones[0].metrics.named  # the object made on demand has them


def test_a_named_metric_column_is_checked_and_must_be_declared(example: dict[str, Any]) -> None:
    frame = zone_frame(example["zones"])
    frame["metric_fdi"] = pd.Series([1.0] * len(frame), dtype=object)
    frame.loc[7, "metric_fdi"] = "lots"
    with pytest.raises(InstanceError) as err:
        TabularZones.from_frame(frame)
    assert [(i.path, i.message) for i in err.value.issues] == [
        ("zones row 7, metric_fdi", "must be a number, got 'lots'")]
    frame["metric_fdi"] = 1.0
    with pytest.raises(InstanceError) as err:
        Instance.from_dict({**example, "zones": frame})
    assert [i.path for i in err.value.issues] == ["zones, column metric_fdi"]
    assert "not declared" in err.value.issues[0].message
    declared = {"fdi": {"unit": "万元/yr", "label": "实际吸收外资"}}
    inst = Instance.from_dict({**example, "zones": frame, "metrics": declared})
    assert np.all(ZoneTable.of(inst).frame["fdi"] == 1.0)
