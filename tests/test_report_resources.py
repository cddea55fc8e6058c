"""``build_report`` / ``python -m zoneopt report`` beyond land: a section per configured resource
(emission allowances, funds, the project portfolio) with its tables and one chart each (two
for a portfolio with count targets), tables equal to the plans, valid PNGs with ink, no chart
without data, the summary naming every plan, and scenarios over emission and fund pools."""

from __future__ import annotations

import copy
import io
import json
import re
from io import BytesIO
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from test_resources_verbs import EMISSIONS, FUNDS, PORTFOLIO, emissions4, five, funds4

from zoneopt import Instance, load
from zoneopt.cli import main
from zoneopt.models.emissions import solve_emissions
from zoneopt.models.funds import solve_funds
from zoneopt.models.portfolio import solve_portfolio
from zoneopt.report import REPORT_MD, REPORT_XLSX, RESOURCE_SECTIONS, Report, build_report

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def ink(png: bytes) -> float:
    """The share of pixels that are not near-white."""
    from PIL import Image

    hist = Image.open(BytesIO(png)).convert("L").histogram()
    return sum(hist[:200]) / sum(hist)


def check_charts(report: Report, names: set[str], out: Path) -> None:
    assert set(report.charts) >= {f"{n}.png" for n in names}
    for n in names:
        data = (out / f"{n}.png").read_bytes()
        assert data[:8] == PNG_MAGIC and 15_000 < len(data) < 3_000_000, n
        assert ink(data) > 0.01, n
    md = (out / REPORT_MD).read_text(encoding="utf-8")
    for link in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", md):
        assert (out / link).is_file(), link


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Report, Path]]:
    """The three bundled resource examples, each reported once (no exact rule costs: the land
    section's are tested in test_report)."""
    out = {}
    for key, path in (("emissions", EMISSIONS), ("funds", FUNDS), ("portfolio", PORTFOLIO)):
        report = build_report(load(path), rule_costs=False, frontier_points=3, what_if_factors=(0.9, 1.0, 1.1),
                              lang="en",
                              scenarios=key == "emissions")
        d = tmp_path_factory.mktemp(key)
        report.write(d)
        out[key] = (report, d)
    return out


def test_every_resource_has_a_section_builder() -> None:
    assert list(RESOURCE_SECTIONS) == ["land", "emissions", "funds", "portfolio"]


def test_emission_example_report(reports: dict[str, tuple[Report, Path]]) -> None:
    report, out = reports["emissions"]
    assert [s.key for s in report.sections] == ["summary", "evaluations", "land", "emissions", "scenarios"]
    check_charts(report, {"emissions-allocation", "land-allocation"}, out)
    plan = solve_emissions(load(EMISSIONS))
    table = report.tables["emissions-allocations"].set_index("zone")
    for p in ("SO2", "NOx", "COD", "NH3-N", "VOCs", "PM"):
        assert np.allclose(table[f"{p}_t"], plan.allocation(f"{p}_t").reindex(table.index), atol=1e-6), p
    pools = report.tables["emissions-pools"].set_index("pool")
    assert pools.loc["SO2", "total"] == pytest.approx(618.1)
    assert pools.loc["SO2", "share_used"] == pytest.approx(pools.loc["SO2", "allocated"] / 618.1)
    cities = report.tables["emissions-cities"]
    assert cities["SO2_t"].sum() == pytest.approx(plan.allocation("SO2_t").sum())
    summary = dict(report.tables["summary"].itertuples(index=False, name=None))
    assert summary["emissions: status"] == "optimal" and "SO2 " in summary["emissions: pools"]
    assert "emissions" in report.plans and report.land is not None
    assert report.tables["emissions-bindings"]["unit"].str.endswith("per t").all()
    # the bundled scenarios change land only: every pollutant is listed as unchanged
    md = (out / REPORT_MD).read_text(encoding="utf-8")
    assert "No zone's SO2, NOx, COD, NH3-N, VOCs, PM changes in any scenario." in md


def test_fund_example_report(reports: dict[str, tuple[Report, Path]]) -> None:
    report, out = reports["funds"]
    assert [s.key for s in report.sections] == ["summary", "evaluations", "land", "funds"]
    check_charts(report, {"funds-allocation"}, out)
    plan = solve_funds(load(FUNDS))
    table = report.tables["funds-allocations"].set_index("zone")
    assert np.allclose(table["funds"], plan.allocation("funds").reindex(table.index))
    assert table["funds"].is_monotonic_decreasing
    assert np.allclose(table["fulfilment"].dropna(), (table["funds"] / table["request_funds"]).dropna())
    assert report.tables["funds-cities"]["funds"].sum() == pytest.approx(plan.summary.pools[0].allocated)
    book = openpyxl.load_workbook(out / REPORT_XLSX, read_only=True)
    assert {"funds-allocations", "funds-pools", "funds-cities", "funds-bindings"} <= set(book.sheetnames)


def test_portfolio_example_report(reports: dict[str, tuple[Report, Path]]) -> None:
    report, out = reports["portfolio"]
    assert [s.key for s in report.sections] == ["summary", "evaluations", "portfolio"]
    check_charts(report, {"portfolio-pools", "portfolio-revenue"}, out)
    assert report.land is None and list(report.plans) == ["portfolio"]
    plan = solve_portfolio(load(PORTFOLIO))
    projects = report.tables["portfolio-projects"]
    assert len(projects) == 300 and projects["chosen"].sum() == plan.summary.projects_chosen
    chosen = projects["chosen"].to_numpy(dtype=bool)
    assert chosen[:chosen.sum()].all()  # chosen first
    assert set(projects.loc[chosen, "project"]) == set(plan.projects.loc[plan.projects["chosen"], "project"])
    targets = report.tables["portfolio-targets"].set_index("rule")
    assert targets.loc["rev-1000yi", "met"] and targets.loc["leading-70", "achieved"] >= 0.7
    zones = report.tables["portfolio-zones"]
    assert zones["land_mu"].sum() == pytest.approx(plan.allocations["land_mu"].sum())
    path = out / "five.json"
    path.write_text(json.dumps(five(), ensure_ascii=False), encoding="utf-8")
    code, stdout, err = run("report", str(path), "--out", str(out / "cli"))
    assert code == 0, err
    assert "portfolio: optimal · objective (tax): 58.0 wan yuan/yr" in stdout and "portfolio-revenue.png" in stdout


def test_hand_instances(tmp_path: Path) -> None:
    """emissions4 (a 30, b 40, c 30 t of SO2; by hand in tests/test_resources_verbs.py) and
    funds4 (a 400, b 300, c 300, d 0 万元) alone: summary, evaluations and their section."""
    report = build_report(Instance.from_dict(emissions4()))
    assert [s.key for s in report.sections] == ["summary", "evaluations", "emissions"]
    so2 = report.tables["emissions-allocations"].set_index("zone")["SO2_t"]
    assert so2.to_dict() == pytest.approx({"a": 30.0, "b": 40.0, "c": 30.0, "d": 0.0}, abs=1e-7)
    report.write(tmp_path / "e")
    check_charts(report, {"emissions-allocation"}, tmp_path / "e")
    report = build_report(Instance.from_dict(funds4()))
    funds = report.tables["funds-allocations"].set_index("zone")["funds"]
    assert funds.to_dict() == pytest.approx({"a": 400.0, "b": 300.0, "c": 300.0, "d": 0.0})
    bind = report.tables["funds-bindings"].set_index("row")
    assert bind.loc["floor-r:floor[R]", "shadow_price"] == pytest.approx(-1.0)
    report = build_report(Instance.from_dict(five()))
    assert report.tables["portfolio-pools"].set_index("pool").loc["SO2", "share_used"] == pytest.approx(1.0)


def test_no_empty_resource_charts(tmp_path: Path) -> None:
    """Every zone excluded from allowances and funds: nothing is allocated, so the charts are
    notes, and no PNG is written."""
    data = emissions4()
    data["pools"]["emissions"]["rules"].append({"id": "none", "type": "exclude", "select": {}})
    fdata = funds4()
    fdata["pools"]["funds"]["rules"] = [{"id": "no-funds", "type": "exclude", "select": {}}]
    data["pools"]["funds"] = fdata["pools"]["funds"]
    data["zones"] = [{**z, "score": 50.0, "requests": {**z["requests"], "funds": f["requests"]["funds"]}}
                     for z, f in zip(data["zones"], fdata["zones"], strict=True)]
    report = build_report(Instance.from_dict(data))
    assert report.charts == {}
    notes = report.chart_notes
    assert "no zone gets allowances" in notes["emissions-allocation"]
    assert "no zone gets funds" in notes["funds-allocation"]
    report.write(tmp_path)
    assert not list(tmp_path.glob("*.png"))


def test_portfolio_with_nothing_chosen_has_no_pool_chart() -> None:
    data = five()
    data["portfolio"]["rules"] = []
    data["pools"]["land"]["total_mu"] = 10  # no project fits
    report = build_report(Instance.from_dict(data))
    assert "portfolio-pools" in report.chart_notes and "no project is chosen" in report.chart_notes["portfolio-pools"]


def test_emission_and_fund_scenarios_in_the_report(tmp_path: Path) -> None:
    """A scenario with a 20 t larger SO2 pool on emissions4: c gets 20 t more (its request
    allows 50); the scenario section lists it."""
    data = emissions4()
    pools = copy.deepcopy(data["pools"]["emissions"])
    pools["pollutants"]["SO2"]["total_t"] = 120
    data["scenarios"] = [{"id": "so2-120", "description": "20 t more SO2", "pools": {"emissions": pools}}]
    report = build_report(Instance.from_dict(data))
    assert report.sections[-1].key == "scenarios"
    res = report.tables["scenario-resources"]
    assert res["label"].tolist() == ["base", "so2-120"] and res["description"].iloc[1] == "20 t more SO2"
    change = report.tables["scenario-SO2"].set_index("zone")
    assert change.loc["c", "largest_change"] == pytest.approx(20.0) and list(change.index) == ["c"]
    every = report.tables["scenario-quantities"]
    assert set(every["quantity"]) == {"SO2", "NOx"}
    path = tmp_path / "inst.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert run("report", str(path), "--out", str(tmp_path / "o"), "--no-scenarios")[0] == 0
    assert "scenario-resources" not in openpyxl.load_workbook(tmp_path / "o" / REPORT_XLSX).sheetnames
