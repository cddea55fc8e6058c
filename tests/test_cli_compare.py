"""``python -m zoneopt compare``: the side-by-side output, --scenario, --out files and the exit
codes (0 solved, 3 a column infeasible, 2 invalid input)."""

from __future__ import annotations

import io
import json
import unicodedata
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
import pytest
from land_cases import EXAMPLE, SMALL, small4

from zoneopt import load, solve_land
from zoneopt.cli import main
from zoneopt.cli.common import fmt
from zoneopt.scenarios import apply_scenario


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def write(tmp_path: Path, data: Any, name: str = "inst.json") -> Path:
    p = tmp_path / name
    p.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return p


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
    return run("compare", str(EXAMPLE))


def test_bundled_example_side_by_side(example_output: tuple[int, str, str]) -> None:
    code, out, err = example_output
    assert code == 0, err
    assert err == ""
    assert out.startswith("zoneopt compare · 4 plans from 1 instance(s) · SYNTHETIC data")
    summary = block(out, "zoneopt compare")
    assert summary[0].split()[:3] == ["column", "status", "objective"]
    assert [line.split()[0] for line in summary[1:]] == ["base", "quota-plus-10", "no-corridor-cap", "equity"]
    assert all(line.split()[1] == "optimal" for line in summary[1:])
    assert "efficiency: 万元 (1e4 yuan)/yr" in out and "equity: min fulfilment" in out
    # the base column is the plan `solve` finds, printed to 8 significant digits
    assert fmt(solve_land(load(EXAMPLE)).objective, 8) in summary[1]
    table = block(out, "allocation (mu)")
    assert table[0].split()[:4] == ["zone", "name", "city", "base"] and "Δ quota-plus-10" in table[0]
    assert len(table) == 1 + 45
    assert any("郑州经开区" in line for line in table)
    # Chinese names are padded by display width: every row of each table is equally wide
    for header in ("allocation (mu)", "zones whose allocation differs most", "per city"):
        rows = block(out, header)
        assert len({width(line) for line in rows}) == 1, header
    assert len(block(out, "zones whose allocation differs most")) == 1 + 10
    assert len(block(out, "per city")) == 1 + 18  # Henan's 17 prefecture cities and 济源


def test_scenario_option_selects_columns(tmp_path: Path) -> None:
    code, out, _ = run("compare", str(EXAMPLE), "--scenario", "no-corridor-cap")
    assert code == 0
    summary = block(out, "zoneopt compare")
    assert [line.split()[0] for line in summary[1:]] == ["base", "no-corridor-cap"]
    # the largest change printed is the largest difference between the two plans
    inst = load(EXAMPLE)
    base = solve_land(inst).allocation()
    other = solve_land(apply_scenario(inst, "no-corridor-cap")).allocation()
    diff = (other - base).to_numpy()
    largest = diff[np.argmax(np.abs(diff))]
    changes = block(out, "zones whose allocation differs most")
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
