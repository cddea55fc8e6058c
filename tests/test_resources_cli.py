"""``python -m zoneopt solve`` on instances with emission pools, a fund budget or projects: every
configured resource is printed, the plan set is written, infeasible count targets exit 3 with
a message naming the target."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cli_runner import run

ROOT = Path(__file__).resolve().parents[1]
EMISSIONS = ROOT / "instances" / "henan-etdz-45-emissions.json"
FUNDS = ROOT / "instances" / "henan-etdz-45-funds.json"
PORTFOLIO = ROOT / "instances" / "henan-etdz-45-portfolio.json"


def test_emission_example_prints_land_and_emissions() -> None:
    code, out, err = run("solve", str(EMISSIONS), "--lang", "en")
    assert code == 0, err
    assert "SYNTHETIC" in out and "resources: new construction land quota, emission allowances" in out
    assert "resource: land (new construction land quota)" in out
    assert "resource: emissions (emission allowances) · LP" in out
    assert "pools: SO2 " in out and " t/yr · NOx " in out and "SO2 (t/yr)" in out
    assert "objective (lexicographic):" in out and "note: served first, in order of energy-stock reduction:" in out
    assert out.count("status: optimal") == 2
    # every pollutant's shape: no allowance lapses while an eligible request is unmet
    assert out.count("shape: ") == 7 and "unused" not in out
    code, out, err = run("solve", str(EMISSIONS))  # the Henan examples speak Chinese by default
    assert "资源：排污指标" in out and "SO2（吨/年）" in out and out.count("合计") == 2


def test_fund_example_prints_land_and_funds() -> None:
    code, out, err = run("solve", str(FUNDS), "--lang", "en")
    assert code == 0, err
    assert "resource: funds (fund disbursement) · MIP" in out and "pools: funds " in out
    assert "objective (leverage):" in out and "note: tranche 500 wan yuan" in out


def test_portfolio_example_prints_pools_targets_and_zones(tmp_path: Path) -> None:
    target = tmp_path / "plan.json"
    code, out, err = run("solve", str(PORTFOLIO), "--out", str(target), "--lang", "en")
    assert code == 0, err
    assert "resources: project portfolio" in out and "of 300 projects chosen" in out
    assert "pools: land " in out and " mu · SO2 " in out and "funds " in out
    assert "target rev-1000yi (2022 专栏一): zones with revenue ≥ 1,000 yi yuan/yr" in out  # the clause's unit
    assert "target leading-70 (2022 专栏一): share of investment" in out and "NOT met" not in out
    code, out, err = run("solve", str(PORTFOLIO))
    assert "目标 rev-1000yi（2022 专栏一）：营业收入 ≥ 1,000 亿元/年 的开发区数" in out
    doc = json.loads(target.read_text(encoding="utf-8"))
    assert doc["status"] == "optimal" and list(doc["plans"]) == ["portfolio"]
    assert len(doc["plans"]["portfolio"]["projects"]) == 300


def _portfolio_with(at_least: int) -> dict[str, Any]:
    data = json.loads(PORTFOLIO.read_text(encoding="utf-8"))
    data = copy.deepcopy(data)
    for rule in data["portfolio"]["rules"]:
        if rule["id"] == "rev-1000yi":
            rule["at_least"] = at_least
    return data


def test_count_target_no_plan_can_meet_exits_3_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "inst.json"
    path.write_text(json.dumps(_portfolio_with(40), ensure_ascii=False), encoding="utf-8")
    code, out, err = run("solve", str(path))
    assert code == 3 and out == ""
    assert "count target `rev-1000yi` (2022 专栏一) needs 40 zones" in err
    assert "revenue ≥ 10,000,000 万元" in err


def test_infeasible_count_target_through_python_dash_m(tmp_path: Path) -> None:
    path = tmp_path / "inst.json"
    path.write_text(json.dumps(_portfolio_with(44), ensure_ascii=False), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "zoneopt", "solve", str(path)], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    assert proc.returncode == 3 and "rev-1000yi" in proc.stderr


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_plan_set_out_files(tmp_path: Path, suffix: str) -> None:
    target = tmp_path / f"plan{suffix}"
    code, _, err = run("solve", str(EMISSIONS), "--out", str(target))
    assert code == 0 and target.exists(), err
