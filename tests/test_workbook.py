"""Excel in: the blank template, filled with openpyxl as an analyst fills it, solves to the plan
of the equivalent JSON; every bundled instance written into the template reads back unchanged
and solves to the same plan; every verb reads the workbook; the template carries headers in
English and Chinese with units, comments, data validation and a README."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from cli_runner import run, write
from land_cases import ROOT
from workbook_cases import TYPED, all_tables, columns, fill

import zoneopt
from zoneopt import Instance
from zoneopt.instance.template import write_template
from zoneopt.plans import PlanSet
from zoneopt.resources import solve_instance

BUNDLED = sorted((ROOT / "instances").glob("*.json"))


def plans(result: Any) -> dict[str, Any]:
    return result.plans if isinstance(result, PlanSet) else {"land": result}


def assert_same_plans(a: Any, b: Any) -> None:
    pa, pb = plans(a), plans(b)
    assert list(pa) == list(pb)
    for key in pa:
        assert pa[key].status == pb[key].status and pa[key].objective == pytest.approx(pb[key].objective)
        pd.testing.assert_frame_equal(pa[key].allocations, pb[key].allocations)
        pd.testing.assert_frame_equal(pa[key].bindings, pb[key].bindings)


@pytest.fixture
def typed(tmp_path: Path) -> Path:
    """The blank template (written by the verb) with the rows of workbook_cases.TYPED typed in."""
    path = tmp_path / "规划.xlsx"
    assert run("template", "--out", str(path))[0] == 0
    fill(path, TYPED)
    return path


def test_template_filled_in_solves_to_the_plan_of_the_same_json(typed: Path, tmp_path: Path) -> None:
    from_book, from_json = zoneopt.load(typed), Instance.from_dict(all_tables())
    assert from_book == from_json
    assert_same_plans(solve_instance(from_book), solve_instance(from_json))
    # and on the command line, to the same plan file
    json_path = write(tmp_path, all_tables())
    code, out_book, err = run("solve", str(typed), "--out", str(tmp_path / "book.json"))
    assert code == 0, err
    code, out_json, _ = run("solve", str(json_path), "--out", str(tmp_path / "json.json"))
    assert code == 0
    assert _without_runtimes(out_book) == _without_runtimes(out_json)
    book_plan = (tmp_path / "book.json").read_text(encoding="utf-8")
    json_plan = (tmp_path / "json.json").read_text(encoding="utf-8")
    assert _without_runtimes(book_plan) == _without_runtimes(json_plan)


def _without_runtimes(text: str) -> str:
    """The text without solve times and the file written."""
    text = re.sub(r"solve [0-9.]+ s", "solve _ s", text)
    return "\n".join(line for line in text.splitlines() if '"runtime_s"' not in line and not line.startswith("wrote "))


def test_every_verb_reads_the_workbook(typed: Path, tmp_path: Path) -> None:
    code, out, err = run("validate", str(typed))
    assert code == 0, err
    assert out.startswith(f"ok: {typed}: 4 zones, 4 land rules, 1 scenarios")
    for argv in (["diagnose", str(typed)], ["evaluate", str(typed)], ["explain", str(typed), "a"],
                 ["compare", str(typed)], ["consolidate", str(typed)]):
        code, out, err = run(*argv)
        assert code in (0, 3), (argv, err)
        assert "error" not in err, (argv, err)


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_bundled_instance_through_the_template_is_unchanged(path: Path, tmp_path: Path) -> None:
    inst = zoneopt.load(path)
    book = tmp_path / f"{path.stem}.xlsx"
    code, out, err = run("template", "--from", str(path), "--out", str(book))
    assert code == 0, err
    back = zoneopt.load(book)
    assert back == inst
    # what was left unstated stays unstated (a preset's own missing-data policy, say)
    for ev, ev_back in zip(inst.evaluations, back.evaluations, strict=True):
        assert ev_back.model_fields_set == ev.model_fields_set - ({"criteria"} if not ev.criteria else set())


@pytest.mark.parametrize("name", ["small-4", "henan-etdz-45", "henan-etdz-45-emissions", "henan-etdz-45-funds"])
def test_bundled_instance_through_the_template_solves_the_same(name: str, tmp_path: Path) -> None:
    inst = zoneopt.load(ROOT / "instances" / f"{name}.json")
    write_template(tmp_path / "x.xlsx", inst)
    assert_same_plans(solve_instance(zoneopt.load(tmp_path / "x.xlsx")), solve_instance(inst))


def test_plan_years_and_manage_take_the_workbook(tmp_path: Path) -> None:
    book = tmp_path / "years.xlsx"
    write_template(book, zoneopt.load(ROOT / "instances" / "henan-etdz-45-years.json"))
    for verb in ("plan-years", "manage"):
        code, _, err = run(verb, str(book))
        assert code == 0, (verb, err)


# -- the template itself ---------------------------------------------------------------------

def test_template_headers_say_it_in_english_and_chinese_with_units(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    write_template(path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["README", "settings", "zones", "pools", "rules", "evaluations", "criteria",
                               "scenarios", "projects", "enterprises"]
    zones = book["zones"]
    cols = columns(zones)
    head = {k: zones.cell(row=1, column=c) for k, c in cols.items()}
    assert head["land_area_mu"].value == "land_area_mu\n现有土地面积（亩）"
    assert head["tax"].value == "tax\n税收（万元/年）"
    assert head["emissions_SO2_t"].value == "emissions_SO2_t\nSO2 排放量（吨/年）"
    assert head["request_funds"].value == "request_funds\n申请基金（万元）"
    assert "existing (built) land area, mu" in head["land_area_mu"].comment.text
    assert "number > 0" in head["land_area_mu"].comment.text
    for key in ("energy_reduction_tce", "request_land_mu", "request_NOx_t", "request_funds_investment",
                "request_funds_expected_tax", "lon", "lat", "x_km", "y_km", "tags", "meets_env_standards"):
        assert key in cols
    money = openpyxl.load_workbook(write_template(tmp_path / "y.xlsx", money="yi_yuan"))["zones"]
    assert money.cell(row=1, column=cols["tax"]).value == "tax\n税收（亿元/年）"


def _validation(ws: Any, key: str) -> Any:
    letter = openpyxl.utils.get_column_letter(columns(ws)[key])
    found = [dv for dv in ws.data_validations.dataValidation if str(dv.sqref).startswith(f"{letter}2:")]
    assert len(found) == 1, key
    return found[0]


def test_template_validates_choices_and_signs(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(write_template(tmp_path / "t.xlsx"))
    zones, rules = book["zones"], book["rules"]
    level = _validation(zones, "level")
    assert (level.type, level.formula1, level.showErrorMessage) == ("list", '"national,provincial,other"', True)
    assert _validation(zones, "grade").formula1 == '"A,B,C,D"'
    area = _validation(zones, "land_area_mu")
    assert (area.type, area.operator, area.formula1) == ("decimal", "greaterThan", "0")
    tax = _validation(zones, "tax")
    assert (tax.operator, tax.formula1) == ("greaterThanOrEqual", "0")
    kinds = _validation(rules, "type").formula1.strip('"').split(",")
    assert set(kinds) == {"zone_bounds", "request_cap", "group_bounds", "exclude", "tilt", "lock", "leverage_cap",
                          "request_floor", "min_lot"}
    share = _validation(rules, "cap_share")
    assert (share.operator, share.formula1, share.formula2) == ("between", "0", "1")
    assert _validation(zones, "meets_env_standards").formula1 == '"TRUE,FALSE"'
    by = _validation(rules, "by")  # a group field or any indicator: the list suggests, it does not refuse
    assert by.showErrorMessage is False


def test_readme_lists_every_column_of_every_sheet(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(write_template(tmp_path / "t.xlsx"))
    listed = {(r[0], r[1]) for r in book["README"].iter_rows(values_only=True) if r[0] and r[1]}
    for sheet in ("zones", "pools", "rules", "evaluations", "criteria", "scenarios", "projects", "enterprises"):
        for key in columns(book[sheet]):
            assert (sheet, key) in listed, (sheet, key)
    text = "\n".join(str(r[0]) for r in book["README"].iter_rows(values_only=True) if r[0])
    assert "python -m zoneopt validate" in text and "合并单元格" in text


def test_template_verb_refuses_other_suffixes_and_a_money_unit_against_the_instance(tmp_path: Path) -> None:
    code, _, err = run("template", "--out", str(tmp_path / "t.csv"))
    assert code == 2 and "FILE.xlsx" in err
    code, _, err = run("template", "--from", str(ROOT / "instances" / "small-4.json"), "--money", "yuan",
                       "--out", str(tmp_path / "t.xlsx"))
    assert code == 2 and "money unit is wan_yuan" in err


def test_notes_columns_and_sheets_are_not_read(typed: Path) -> None:
    book = openpyxl.load_workbook(typed)
    ws = book["zones"]
    ws.cell(row=1, column=ws.max_column + 1, value="_checked 已核对")
    ws.cell(row=2, column=ws.max_column, value="yes, by Li")
    book.create_sheet("_scratch")["A1"] = "anything"
    book.save(typed)
    assert zoneopt.load(typed) == Instance.from_dict(all_tables())


def test_formula_is_read_as_its_saved_value(tmp_path: Path) -> None:
    """A workbook saved by Excel keeps each formula's value beside it; that value is read."""
    import zipfile

    path = tmp_path / "f.xlsx"
    write_template(path, Instance.from_dict(all_tables()))
    book = openpyxl.load_workbook(path)
    ws = book["zones"]
    ref = f"{openpyxl.utils.get_column_letter(columns(ws)['land_area_mu'])}2"
    ws[ref] = "=500*2"
    book.save(path)
    # what Excel writes on saving: the formula and its cached value
    sheet = f"xl/worksheets/sheet{book.sheetnames.index('zones') + 1}.xml"
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    xml = parts[sheet].decode("utf-8")
    assert f'<c r="{ref}"><f>500*2</f><v></v></c>' in xml
    parts[sheet] = xml.replace(f'<c r="{ref}"><f>500*2</f><v></v></c>',
                               f'<c r="{ref}"><f>500*2</f><v>1000</v></c>').encode("utf-8")
    with zipfile.ZipFile(path, "w") as z:
        for n, data in parts.items():
            z.writestr(n, data)
    assert zoneopt.load(path) == Instance.from_dict(all_tables())


def test_workbook_instance_has_the_file_name_when_no_name_is_given(tmp_path: Path) -> None:
    path = tmp_path / "郑州规划.xlsx"
    write_template(path)
    fill(path, {"zones": [{"id": "a", "city": "P", "land_area_mu": 10}]})
    assert zoneopt.load(path).name == "郑州规划"
