"""``python -m zoneopt compare``: the side-by-side output, --scenario, --out files and the exit
codes (0 solved, 3 a column infeasible, 2 invalid input)."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
import pytest
from cli_runner import run, write
from land_cases import EXAMPLE, SMALL, small4

from zoneopt import load, solve_land
from zoneopt.analysis.scenarios import apply_scenario


def width(line: str) -> int:
    """Display width on a terminal: East Asian wide and full-width characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def block(out: str, header: str) -> list[str]:
    """The lines of the table that follows the line starting with ``header``."""
    lines = out.splitlines()
    start = next(k for k, line in enumerate(lines) if line.startswith(header)) + 1
    end = next((k for k in range(start, len(lines)) if not lines[k].strip()), len(lines))
    return lines[start:end]


@pytest.fixture(scope="module")
def example_output() -> tuple[int, str, str]:
    return run("compare", str(EXAMPLE), "--lang", "en")


def test_bundled_example_side_by_side(example_output: tuple[int, str, str]) -> None:
    code, out, err = example_output
    assert code == 0, err
    assert err == ""
    assert out.startswith("zoneopt compare · 6 plans from 1 instance(s) · SYNTHETIC data")
    summary = block(out, "zoneopt compare")
    assert summary[0].split()[:3] == ["column", "status", "objective"]
    assert [line.split()[0] for line in summary[1:]] == ["base", "quota-plus-10", "quota-minus-20",
                                                         "with-corridor-cap", "equity", "efficiency"]
    assert all(line.split()[1] == "optimal" for line in summary[1:])
    # each objective in its own unit, money in the instance's display unit (亿元), as solve says it;
    # the base's blend is unitless, the pure efficiency scenario in 亿元/年
    assert " 1.61 " in summary[1] and " 18.44 yi yuan/yr " in summary[6]
    assert f"{100 * solve_land(apply_scenario(load(EXAMPLE), 'equity')).objective:.1f}%" in summary[5]
    table = block(out, "new construction land quota (mu)")
    assert table[0].split()[:4] == ["zone", "name", "city", "base"] and "Δ quota-plus-10" in table[0]
    assert len(table) == 1 + 45 + 1 and table[-1].split()[:2] == ["total", "5,900.0"]
    assert any("郑州经开区" in line for line in table)
    # Chinese names are padded by display width: every row of each table is equally wide
    for header in ("new construction land quota (mu)", "zones whose new construction", "per city"):
        rows = block(out, header)
        ends = {width(re.match(r"\s*(\S+\s+){3}\S+", line).group(0)) for line in rows[1:-1]}  # type: ignore[union-attr]
        assert len(ends) == 1, header  # the 4th column's right edge is one place on every row
    assert len(block(out, "zones whose new construction land quota (mu) differs most")) == 1 + 10
    assert len(block(out, "per city")) == 1 + 18 + 1  # Henan's 17 prefecture cities and 济源, and the total
    code, out, _ = run("compare", str(EXAMPLE))  # the Henan examples speak Chinese by default
    assert "合计" in out and "目标值" in out and "18.44 亿元/年" in out


def test_scenario_option_selects_columns(tmp_path: Path) -> None:
    code, out, _ = run("compare", str(EXAMPLE), "--scenario", "efficiency", "--lang", "en")
    assert code == 0
    summary = block(out, "zoneopt compare")
    assert [line.split()[0] for line in summary[1:]] == ["base", "efficiency"]
    # the largest change printed is the largest difference between the two plans
    inst = load(EXAMPLE)
    base = solve_land(inst).allocation()
    other = solve_land(apply_scenario(inst, "efficiency")).allocation()
    diff = (other - base).to_numpy()
    largest = diff[np.argmax(np.abs(diff))]
    changes = block(out, "zones whose new construction land quota (mu) differs most")
    assert changes[1].split()[-1] == f"{largest:+,.1f}"


def test_unknown_scenario_exits_2_listing_the_ids() -> None:
    code, out, err = run("compare", str(EXAMPLE), "--scenario", "nope")
    assert code == 2 and out == ""
    assert "'nope'" in err and "'quota-plus-10'" in err and "'equity'" in err


def test_infeasible_scenario_exits_3_and_still_prints(tmp_path: Path) -> None:
    data = small4()
    data["scenarios"] = [{"id": "floor-all", "description": "every zone at least 300 mu",
                          "rules": [{"id": "floor-all", "type": "zone_bounds", "floor_mu": 300}]},
                         {"id": "more", "pools": {"land": {"total_mu": 1200}}}]
    target = tmp_path / "cmp.json"
    code, out, err = run("compare", str(write(tmp_path, data)), "--out", str(target))
    assert code == 3, err
    summary = block(out, "zoneopt compare")
    assert [line.split()[:2] for line in summary[1:]] == [["base", "optimal"], ["floor-all", "infeasible"],
                                                          ["more", "optimal"]]
    assert "infeasible: floor-all: land plan for 'small-4' is infeasible" in out
    doc = json.loads(target.read_text(encoding="utf-8"))
    assert [c["status"] for c in doc["columns"]] == ["optimal", "infeasible", "optimal"]
    by_zone = {r["zone"]: r for r in doc["allocations"]}
    assert by_zone["a"]["floor-all"] is None and by_zone["c"]["delta:more"] == pytest.approx(200)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_out_files(tmp_path: Path, suffix: str) -> None:
    data = small4()
    data["scenarios"] = [{"id": "more", "pools": {"land": {"total_mu": 1200}}}]
    target = tmp_path / f"cmp{suffix}"
    code, out, _ = run("compare", str(write(tmp_path, data)), "--out", str(target))
    assert code == 0 and f"wrote {target}" in out
    if suffix == ".csv":
        frame = pd.read_csv(target, encoding="utf-8-sig")
        assert list(frame.columns) == ["zone", "name", "city", "base", "more", "delta:more"]
        assert frame["delta:more"].sum() == pytest.approx(200)
    else:
        assert openpyxl.load_workbook(target).sheetnames == ["summary", "allocations", "cities"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["inst.json", target.name])


def test_bad_out_suffix_exits_2_before_solving(tmp_path: Path) -> None:
    code, out, err = run("compare", str(SMALL), "--out", str(tmp_path / "cmp.txt"))
    assert code == 2 and out == "" and "use .json, .csv or .xlsx" in err


def test_invalid_scenario_exits_2_with_its_path(tmp_path: Path) -> None:
    data = small4()
    data["scenarios"] = [{"id": "bad", "rules": [{"id": "x", "type": "exclude", "select": {"cities": ["Nowhere"]}}]}]
    code, out, err = run("compare", str(write(tmp_path, data)))
    assert code == 2 and out == ""
    assert "scenarios[0].rules[0].select.cities[0]: no zone has city 'Nowhere'" in err


def test_two_files_are_labelled_by_stem(tmp_path: Path) -> None:
    other = small4()
    other["pools"]["land"]["total_mu"] = 800
    code, out, _ = run("compare", str(SMALL), str(write(tmp_path, other, "tight.json")))
    assert code == 0
    summary = block(out, "zoneopt compare")
    assert [line.split()[0] for line in summary[1:]] == ["small-4", "tight"]
    assert "-200" in summary[2]  # 200 mu less allocated


def test_help_documents_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = run("compare", "--help")  # argparse prints help to sys.stdout
    out = capsys.readouterr().out
    assert code == 0
    assert "exit codes: 0 every column solved" in out and "3 some column is infeasible" in out
    assert "2 invalid input" in out and "--scenario ID" in out


# -- scenarios over emission and fund pools --------------------------------------------------------

def _resource_example(tmp_path: Path, name: str, pool: str, change: Any) -> Path:
    data = json.loads((EXAMPLE.parent / f"henan-etdz-45-{name}.json").read_text(encoding="utf-8"))
    override = json.loads(json.dumps(data["pools"][pool]))
    change(override)
    data["scenarios"] = [{"id": "changed", "description": f"{pool} changed", "pools": {pool: override}}]
    return write(tmp_path, data)


def test_compare_emission_scenario_on_the_bundled_example(tmp_path: Path) -> None:
    """SO2 pool ×1.2 on the emission example: land and the other pollutants do not move; the
    SO2 table shows the zones that gain, and the per-resource table both objectives."""
    def more_so2(p: dict[str, Any]) -> None:
        p["pollutants"]["SO2"]["total_t"] *= 1.2

    target = tmp_path / "cmp.json"
    code, out, err = run("compare", str(_resource_example(tmp_path, "emissions", "emissions", more_so2)),
                         "--out", str(target), "--lang", "en")
    assert code == 0, err
    per = block(out, "per resource:")
    assert [line.split()[:3] for line in per[1:]] == [["base", "land", "optimal"], ["base", "emissions", "optimal"],
                                                      ["changed", "land", "optimal"],
                                                      ["changed", "emissions", "optimal"]]
    # the lexicographic objective uses up the pool while eligible requests are unmet
    assert "SO2 618.100 of 618.100 t/yr" in per[2] and "741.720 of 741.720 t/yr" in per[4]
    assert "no zone's new construction land quota (mu) differs from 'base'" in out
    so2 = block(out, "zones whose SO2 (t/yr) differs most from 'base':")
    assert len(so2) >= 2 and so2[0].split()[-1] == "Δ"
    gains = [float(line.split()[-1].replace(",", "")) for line in so2[1:]]
    doc = json.loads(target.read_text(encoding="utf-8"))
    zones = doc["quantities"]["SO2"]["zones"]
    total = sum(z["delta:changed"] for z in zones)
    assert sum(gains) == pytest.approx(total, abs=0.05 * len(gains))  # the table rounds to 0.1 t
    # the other pollutants: the zones served first get the same and the totals hold; the rest is an
    # L1 split by the tiered target, whose optimum may be one of several
    first = {z.id for z in load(EXAMPLE.with_name("henan-etdz-45-emissions.json")).zones
             if (z.metrics.energy_reduction_tce or 0.0) > 0}
    for q in ("NOx", "COD", "NH3-N", "VOCs", "PM"):
        moved = {z["zone"]: z["delta:changed"] for z in doc["quantities"][q]["zones"]}
        assert abs(sum(moved.values())) < 1e-6 and all(abs(moved[z]) < 1e-6 for z in first), q
    assert [r["resource"] for r in doc["resources"]] == ["land", "emissions", "land", "emissions"]


def test_compare_fund_scenario_xlsx(tmp_path: Path) -> None:
    def smaller(p: dict[str, Any]) -> None:
        p["budget"] *= 0.8

    target = tmp_path / "cmp.xlsx"
    code, out, err = run("compare", str(_resource_example(tmp_path, "funds", "funds", smaller)), "--out",
                         str(target), "--lang", "en")
    assert code == 0, err
    assert "zones whose funds (yi yuan) differs most from 'base':" in out
    cities = block(out, "per city, funds (yi yuan):")
    assert cities[0].split() == ["city", "base", "changed", "Δ", "changed"]
    book = openpyxl.load_workbook(target)
    assert {"summary", "allocations", "cities", "resources", "q-funds"} <= set(book.sheetnames)
    frame = pd.read_excel(target, sheet_name="q-funds")
    assert frame["changed"].sum() <= 0.8 * 211000 + 1e-6 and frame["base"].sum() == pytest.approx(211000)


def test_compare_infeasible_emission_scenario_exits_3(tmp_path: Path) -> None:
    def floor(p: dict[str, Any]) -> None:
        p["pollutants"]["NOx"]["rules"].append({"id": "nox-floor", "type": "zone_bounds", "floor": 40.0})

    code, out, err = run("compare", str(_resource_example(tmp_path, "emissions", "emissions", floor)), "--lang", "en")
    assert code == 3, err
    per = block(out, "per resource:")
    assert per[4].split()[:3] == ["changed", "emissions", "infeasible"]
    assert "infeasible: changed: emissions: emission plan for" in out and "`nox-floor`" in out
