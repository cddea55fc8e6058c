"""``python -m zoneopt evaluate``: the printed tables, AHP consistency, files and exit codes."""

from __future__ import annotations

import json

import openpyxl
import pandas as pd
import pytest
from cli_runner import run, write
from land_cases import EXAMPLE

_AHP = {"id": "ahp", "method": "topsis",
        "criteria": [{"name": "亩均税收", "of": "tax_per_mu"}, {"name": "亩均增加值", "of": "value_added_per_mu"},
                     {"name": "单位能耗增加值", "of": "value_added_per_energy"}],
        "weighting": {"method": "ahp", "pairwise": [[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]]}}


def _with(evaluations: list[dict[str, object]]) -> dict[str, object]:
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["evaluations"] = evaluations
    return data


def test_preset_choices_are_the_presets() -> None:
    """``--preset`` lists the presets without importing the evaluation."""
    from zoneopt.cli.evaluate import PRESET_NAMES
    from zoneopt.evaluation.run import PRESETS

    assert PRESET_NAMES == tuple(sorted(PRESETS))


def test_preset_on_the_bundled_example() -> None:
    code, out, err = run("evaluate", str(EXAMPLE), "--preset", "huangyan-2022", "--lang", "en")
    assert code == 0, err
    assert "亩均税收" in out and "单位排放增加值" in out and "zone grades: A 9 · B 18 · C 16 · D 2" in out
    assert "郑州经开区" in out and "万元" in out


def test_ahp_weights_print_lambda_ci_cr(tmp_path) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run("evaluate", str(write(tmp_path, _with([_AHP]))), "--lang", "en")
    assert code == 0, err
    line = next(ln for ln in out.splitlines() if ln.startswith("AHP:"))
    assert "λmax" in line and "CI" in line and "CR" in line and "(consistent)" in line
    assert "closeness" in out


def test_inconsistent_ahp_exits_2_naming_the_ratio(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = dict(_AHP, weighting={"method": "ahp", "pairwise": [[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]]})
    code, out, err = run("evaluate", str(write(tmp_path, _with([bad]))))
    assert code == 2 and "CR" in err and err.count("\n") == 1


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".json"])
def test_out_writes_every_unit(tmp_path, suffix: str) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / f"scores{suffix}"
    code, out, err = run("evaluate", str(EXAMPLE), "--preset", "huangyan-2022", "--out", str(target))
    assert code == 0, err
    if suffix == ".csv":
        table = pd.read_csv(target)
    elif suffix == ".xlsx":
        assert {"units", "weights", "missing"} <= set(openpyxl.load_workbook(target).sheetnames)
        table = pd.read_excel(target, sheet_name="units")
    else:
        table = pd.DataFrame(json.loads(target.read_text(encoding="utf-8"))["units"])
    assert len(table) == 45 and {"score", "rank", "grade"} <= set(table.columns)
    assert table["rank"].min() == 1


def test_no_evaluation_is_invalid_input_with_a_hint() -> None:
    code, out, err = run("evaluate", str(EXAMPLE), "--id", "nope")
    assert code == 2 and "nope" in err


def test_several_evaluations_and_out_need_an_id(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, _with([_AHP, {"id": "hy", "preset": "huangyan-2022"}]))
    code, out, err = run("evaluate", str(path), "--out", str(tmp_path / "x.csv"))
    assert code == 2 and "--id" in err
    code, out, err = run("evaluate", str(path), "--id", "hy", "--out", str(tmp_path / "x.csv"))
    assert code == 0 and (tmp_path / "x.csv").exists()
    code, out, err = run("evaluate", str(path), "--lang", "en")
    assert code == 0 and "evaluation ahp" in out and "evaluation hy" in out


def test_an_instance_without_evaluations_gets_a_hint() -> None:
    from land_cases import SMALL
    code, out, err = run("evaluate", str(SMALL))
    assert code == 2 and "carries no evaluation" in err and "--preset" in err
