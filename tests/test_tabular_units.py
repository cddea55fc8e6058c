"""Enterprises and projects as tables (:mod:`zoneopt.instance.tabular_units`): a frame, or a
Parquet or CSV file an instance names, gives the same evaluation and portfolio as the JSON
lists; bad values and unknown zones are named by table, row and column; the evaluation and the
portfolio make no enterprise or project object. And the 1M-zone zone table: a bad value in row
734,211 is named by row and column."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from zoneopt import Instance, InstanceError, load
from zoneopt.evaluation.run import evaluate, zone_metrics_from_enterprises
from zoneopt.examples.resources import portfolio_data
from zoneopt.examples.zones import synthetic_data
from zoneopt.instance import Enterprise, Project, TabularEnterprises, TabularProjects
from zoneopt.models.portfolio import build_portfolio_model, solve_portfolio

METRICS = ("tax", "value_added", "revenue", "rd_spending", "energy_tce", "employees", "energy_reduction_tce")
NUMBERS = ("land_mu", "fund", "investment", "tax", "revenue")


def firm_dicts(zone_ids: list[str], n: int, seed: int = 7) -> list[dict[str, Any]]:
    """``n`` enterprises over the zones, some metrics missing, some emissions reported."""
    rng = np.random.default_rng(seed)
    out = []
    for k in range(n):
        metrics: dict[str, Any] = {m: round(float(rng.uniform(1, 500)), 3) for m in METRICS if rng.random() > 0.15}
        if rng.random() > 0.5:
            metrics["emissions_t"] = {"SO2": round(float(rng.uniform(0, 5)), 3)}
        firm: dict[str, Any] = {"id": f"e{k}", "name": f"企业{k}", "zone": zone_ids[k % len(zone_ids)],
                                "land_area_mu": round(float(rng.uniform(5, 300)), 2), "metrics": metrics}
        if k % 3:
            firm["sector"] = ["机械", "电子 信息", "食品"][k % 3]
        out.append(firm)
    return out


def firm_frame(firms: list[dict[str, Any]]) -> pd.DataFrame:
    rows = []
    for f in firms:
        m = f.get("metrics", {})
        row = {k: f.get(k) for k in ("id", "name", "zone", "sector", "land_area_mu")}
        row.update({k: m.get(k) for k in METRICS})
        row["emissions_SO2_t"] = m.get("emissions_t", {}).get("SO2")
        rows.append(row)
    return pd.DataFrame(rows)


def project_frame(projects: list[dict[str, Any]]) -> pd.DataFrame:
    rows = []
    for p in projects:
        row = {k: p.get(k) for k in ("id", "name", "zone", "sector", *NUMBERS, "leading", "industrial")}
        row["tags"] = ",".join(p.get("tags", ()))
        row.update({f"emissions_{q}_t": v for q, v in p.get("emissions_t", {}).items()})
        rows.append(row)
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def firms_doc() -> dict[str, Any]:
    doc = synthetic_data(45, seed=3)
    ids = [z["id"] for z in doc["zones"]]
    doc["enterprises"] = firm_dicts(ids, 400)
    doc["evaluations"] = [{"id": "firms", "units": "enterprises", "method": "topsis",
                           "criteria": [{"name": "亩均税收", "of": "tax_per_mu"},
                                        {"name": "亩均增加值", "of": "value_added_per_mu"},
                                        {"name": "单位能耗增加值", "of": "value_added_per_energy"}],
                           "weighting": {"method": "entropy"}}]
    doc.pop("scenarios", None)
    return doc


def test_an_enterprise_frame_gives_the_json_evaluation(firms_doc: dict[str, Any]) -> None:
    plain = Instance.from_dict(firms_doc)
    table = Instance.from_dict({**firms_doc, "enterprises": firm_frame(firms_doc["enterprises"])})
    assert isinstance(table.enterprises, TabularEnterprises) and len(table.enterprises) == 400
    a, b = evaluate(plain), evaluate(table)
    pd.testing.assert_frame_equal(a.table, b.table, check_dtype=False)  # text: object or string
    pd.testing.assert_frame_equal(a.zones, b.zones, check_dtype=False)
    pd.testing.assert_frame_equal(zone_metrics_from_enterprises(plain), zone_metrics_from_enterprises(table))
    assert "_items" not in vars(table.enterprises)  # no enterprise object was made on the way
    assert isinstance(table.enterprises[5], Enterprise) and table.enterprises[5] == plain.enterprises[5]
    again = Instance.from_dict(json.loads(table.to_json()))  # JSON out: the enterprises listed
    assert again.enterprises == plain.enterprises


def test_a_project_frame_gives_the_json_portfolio() -> None:
    doc = portfolio_data(30, n_projects=120, seed=5)
    plain = Instance.from_dict(doc)
    table = Instance.from_dict({**doc, "projects": project_frame(doc["projects"])})
    assert isinstance(table.projects, TabularProjects) and len(table.projects) == 120
    a, b = build_portfolio_model(plain), build_portfolio_model(table)
    assert (a.model.A != b.model.A).nnz == 0 and np.array_equal(a.model.c, b.model.c)
    assert np.array_equal(a.model.row_lb, b.model.row_lb) and np.array_equal(a.model.row_ub, b.model.row_ub)
    p, q = solve_portfolio(plain), solve_portfolio(table)
    assert q.summary.objective == pytest.approx(p.summary.objective, rel=1e-9)
    pd.testing.assert_frame_equal(p.allocations, q.allocations)
    assert "_items" not in vars(table.projects)  # no project object was made on the way
    assert list(table.projects) == list(plain.projects)


def test_a_selector_by_tag_reads_the_tag_pairs() -> None:
    doc = portfolio_data(30, n_projects=120, seed=5)
    doc["projects"][0]["tags"] = ["hub", "x"]
    doc["projects"][7]["tags"] = ["hub"]
    doc["portfolio"]["rules"] = [*doc["portfolio"]["rules"],
                                 {"id": "hubs", "type": "share_target", "quantity": "investment",
                                  "numerator": {"tags": ["hub"]}, "max_share": 0.5}]
    plain = Instance.from_dict(doc)
    table = Instance.from_dict({**doc, "projects": project_frame(doc["projects"])})
    a, b = build_portfolio_model(plain), build_portfolio_model(table)
    assert b.projects.tag_names.tolist() == ["hub", "x", "hub"] and b.projects.tag_owner.tolist() == [0, 0, 7]
    assert (a.model.A != b.model.A).nnz == 0


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_an_instance_names_its_enterprise_and_project_files(firms_doc: dict[str, Any], tmp_path: Path,
                                                             suffix: str) -> None:
    pytest.importorskip("pyarrow")
    doc = portfolio_data(30, n_projects=60, seed=5)
    ids = [z["id"] for z in doc["zones"]]
    doc["enterprises"] = firm_dicts(ids, 50)
    for name, frame in (("firms", firm_frame(doc["enterprises"])), ("projects", project_frame(doc["projects"]))):
        if suffix == ".parquet":
            frame.to_parquet(tmp_path / f"{name}{suffix}")
        else:
            frame.to_csv(tmp_path / f"{name}{suffix}", index=False)
    path = tmp_path / "inst.json"
    path.write_text(json.dumps({**doc, "enterprises": f"firms{suffix}", "projects": f"projects{suffix}"},
                               ensure_ascii=False), encoding="utf-8")
    inst = load(path)
    plain = Instance.from_dict(doc)
    assert isinstance(inst.projects, TabularProjects) and isinstance(inst.enterprises, TabularEnterprises)
    assert list(inst.enterprises) == list(plain.enterprises)
    assert list(inst.projects) == list(plain.projects)
    assert isinstance(inst.projects[3], Project)


@pytest.mark.parametrize(("kind", "column", "value", "message"), [
    ("enterprises", "land_area_mu", 0.0, "row 1, land_area_mu: must be > 0, got 0.0"),
    ("enterprises", "land_area_mu", None, "row 1, land_area_mu: required value is missing"),
    ("enterprises", "tax", -1.0, "row 1, tax: must be >= 0 (no negative quantities), got -1.0"),
    ("enterprises", "emissions_SO2_t", "x", "row 1, emissions_SO2_t: must be a number, got 'x'"),
    ("enterprises", "id", "a", "row 1, id: duplicate enterprise id 'a' (first in row 0)"),
    ("enterprises", "zone", None, "row 1, zone: required value is missing"),
    ("enterprises", "colour", "red", "column colour: unknown column (a typo?)"),
    ("projects", "fund", -2.0, "row 1, fund: must be >= 0 (no negative quantities), got -2.0"),
    ("projects", "leading", "maybe", "row 1, leading: must be true or false, got 'maybe'"),
    ("projects", "sector", " x", "row 1, sector: must not be empty or start or end with white space, got ' x'"),
    ("projects", "id", "a", "row 1, id: duplicate project id 'a' (first in row 0)"),
])
def test_each_check_names_row_and_column(kind: str, column: str, value: Any, message: str) -> None:
    if kind == "enterprises":
        frame = pd.DataFrame({"id": ["a", "b", "c"], "zone": "z", "land_area_mu": [1.0, 2.0, 3.0], "tax": 1.0,
                              "emissions_SO2_t": 0.5}).astype(object)
        make: Any = TabularEnterprises
    else:
        frame = pd.DataFrame({"id": ["a", "b", "c"], "zone": "z", "fund": 1.0, "leading": True,
                              "sector": "s"}).astype(object)
        make = TabularProjects
    frame.loc[1, column] = value
    with pytest.raises(InstanceError) as err:
        make.from_frame(frame, f"{kind}.csv")
    assert any(str(i).startswith(f"{kind}.csv" + (" " if "row" in message else ", ") + message)
               for i in err.value.issues), [str(i) for i in err.value.issues]


def test_unknown_zones_are_named_by_row(firms_doc: dict[str, Any]) -> None:
    firms = firm_frame(firms_doc["enterprises"])
    firms.loc[123, "zone"] = "nowhere"
    projects = project_frame(portfolio_data(45)["projects"])
    projects.loc[4, "zone"] = "elsewhere"
    with pytest.raises(InstanceError) as err:
        Instance.from_dict({**firms_doc, "enterprises": firms, "projects": projects})
    assert sorted(str(i) for i in err.value.issues) == [
        "enterprises row 123, zone: unknown zone, got 'nowhere'",
        "projects row 4, zone: unknown zone, got 'elsewhere'"]


def test_defaults_of_an_empty_project_cell() -> None:
    frame = pd.DataFrame({"id": ["p", "q"], "zone": ["z", "z"], "fund": [None, 3.0], "leading": [None, True],
                          "industrial": [None, False], "tags": ["a, b", None]})
    ps = TabularProjects.from_frame(frame)
    assert ps[0] == Project(id="p", zone="z", tags=("a", "b"))
    assert ps[1] == Project(id="q", zone="z", fund=3.0, leading=True, industrial=False)


def test_a_bad_value_in_row_734211_of_a_million_zones_is_named(tmp_path: Path) -> None:
    """Loading and validating a 1M-zone instance whose zones are a Parquet table: the one bad
    cell is named by file, row and column (the load's time is measured by benchmarks/scale.py,
    not here)."""
    pq = pytest.importorskip("pyarrow.parquet")
    pa = pytest.importorskip("pyarrow")
    n = 1_000_000
    land = np.full(n, 100.0)
    land[734_211] = -3.0
    ids = pa.compute.binary_join_element_wise("Z", pa.array(np.arange(n)).cast(pa.string()), "")
    pq.write_table(pa.table({"id": ids, "city": pa.array(np.array(["郑州", "洛阳"], dtype=object)[np.arange(n) % 2]),
                             "land_area_mu": land, "tax": np.ones(n)}), tmp_path / "zones.parquet")
    path = tmp_path / "inst.json"
    path.write_text(json.dumps({"name": "million", "zones": "zones.parquet", "pools": {"land": {"total_mu": 1e6}}}),
                    encoding="utf-8")
    with pytest.raises(InstanceError) as err:
        load(path)
    assert [str(i) for i in err.value.issues] == ["zones.parquet row 734211, land_area_mu: must be > 0, got -3.0"]
