"""A catalogue of bad workbooks, one test per case: each is answered with exit code 2 and a
message naming the sheet, the cell and the column (or the row, or the sheet), never a JSON
path the analyst never saw."""

from __future__ import annotations

import functools
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from cli_runner import run
from workbook_cases import all_tables, columns, letter, spoil

from zoneopt import Instance, InstanceError, load
from zoneopt.instance.template import write_template


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A good workbook (the instance of workbook_cases, zones a, b, c, d in rows 2-5), written once."""
    path = tmp_path_factory.mktemp("good") / "规划.xlsx"
    write_template(path, Instance.from_dict(all_tables()))
    return path


@pytest.fixture
def book(good: Path, tmp_path: Path) -> Path:
    """A copy of the good workbook, for a test to spoil."""
    return Path(shutil.copy(good, tmp_path / good.name))


@functools.cache
def _sheet(path: Path, sheet: str) -> Any:
    return openpyxl.load_workbook(path)[sheet]


def cell(good: Path, sheet: str, key: str, row: int) -> str:
    """The reference of column ``key``, row ``row`` of a sheet of the good workbook, e.g. ``H3``."""
    return f"{letter(_sheet(good, sheet), key)}{row}"


def row_of(good: Path, sheet: str, key: str, value: str) -> int:
    """The row of the good workbook's sheet holding ``value`` in column ``key``."""
    ws = _sheet(good, sheet)
    col = columns(ws)[key]
    return next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=col).value == value)


def refused(path: Path, *expected: str, verb: str = "validate") -> str:
    """Exit 2 from ``verb``, and every ``expected`` text in the one-line error."""
    code, _, err = run(verb, str(path))
    assert code == 2, err
    assert err.startswith(f"zoneopt: error: {path}"), err
    for text in expected:
        assert text in err, err
    assert len(err.strip().splitlines()) == 1
    return err


def test_the_good_workbook_is_accepted(book: Path) -> None:
    assert run("validate", str(book))[0] == 0


# -- values ------------------------------------------------------------------------------------

def test_zero_land_area(book: Path, good: Path) -> None:
    ref = cell(good, "zones", "land_area_mu", 3)
    spoil(book, "zones", {ref: 0})
    refused(book, f"zones!{ref} (land_area_mu): must be > 0, got 0")


def test_wrong_type_text_for_a_number(book: Path, good: Path) -> None:
    ref = cell(good, "zones", "tax", 4)
    spoil(book, "zones", {ref: "五万"})
    refused(book, f'zones!{ref} (tax): must be a number, got the string "五万"')


def test_negative_request(book: Path, good: Path) -> None:
    ref = cell(good, "zones", "request_SO2_t", 2)
    spoil(book, "zones", {ref: -5})
    refused(book, f"zones!{ref} (request_SO2_t): must be >= 0 (no negative quantities), got -5")


def test_value_not_among_the_choices(book: Path, good: Path) -> None:
    ref = cell(good, "zones", "level", 3)
    spoil(book, "zones", {ref: "county"})
    refused(book, f"zones!{ref} (level): 'county' is not one of")


def test_required_cell_left_blank(book: Path, good: Path) -> None:
    ref = cell(good, "zones", "city", 5)
    spoil(book, "zones", {ref: None})
    refused(book, f"zones!{ref} (city): required field is missing")


def test_duplicate_zone_id(book: Path, good: Path) -> None:
    ref = cell(good, "zones", "id", 4)
    spoil(book, "zones", {ref: "a"})
    refused(book, f"zones!{ref} (id): duplicate zone id 'a' (also zones[0])")


def test_half_a_location(book: Path, good: Path) -> None:
    spoil(book, "zones", {cell(good, "zones", "lat", 2): None})
    refused(book, "zones!2:2 (lon, lat, x_km, y_km): give both lon and lat")


def test_rule_naming_an_unknown_zone(book: Path, good: Path) -> None:
    r = row_of(good, "rules", "id", "a-cap")
    ref = cell(good, "rules", "select.zones", r)
    spoil(book, "rules", {ref: "a, zz"})
    refused(book, f"rules!{ref} (select.zones[1]): unknown zone 'zz'")


def test_rule_without_a_bound(book: Path, good: Path) -> None:
    r = row_of(good, "rules", "id", "q-floor")
    spoil(book, "rules", {cell(good, "rules", "floor", r): None})
    refused(book, f"rules!{r}:{r}: give at least one of cap_mu, floor_mu, cap_share, floor_share")


def test_unknown_rule_type(book: Path, good: Path) -> None:
    r = row_of(good, "rules", "id", "req")
    ref = cell(good, "rules", "type", r)
    spoil(book, "rules", {ref: "quota"})
    refused(book, f"rules!{r}:{r}: unknown rule type 'quota'")


def test_mapping_written_wrong(book: Path, good: Path) -> None:
    r = row_of(good, "rules", "id", "city-caps")
    ref = cell(good, "rules", "cap", r)
    spoil(book, "rules", {ref: "P 700, Q 600"})
    refused(book, f"rules!{ref} (cap): write name=value pairs separated by commas")


def test_rule_for_an_unknown_resource(book: Path, good: Path) -> None:
    r = row_of(good, "rules", "id", "nox-cap")
    ref = cell(good, "rules", "resource", r)
    spoil(book, "rules", {ref: "water"})
    refused(book, f"rules!{ref} (resource): unknown resource 'water'")


def test_rule_for_an_unknown_scenario(book: Path, good: Path) -> None:
    r = row_of(good, "rules", "id", "a-cap")
    ref = cell(good, "rules", "scenario", r)
    spoil(book, "rules", {ref: "loose"})
    refused(book, f"rules!{ref} (scenario): no scenario 'loose' (the scenarios sheet has tight)")


def test_criterion_of_an_unknown_evaluation(book: Path, good: Path) -> None:
    ref = cell(good, "criteria", "evaluation", 3)
    spoil(book, "criteria", {ref: "muju-2023"})
    refused(book, f"criteria!{ref} (evaluation): no evaluation 'muju-2023'")


def test_pool_total_missing(book: Path, good: Path) -> None:
    r = row_of(good, "pools", "resource", "SO2")
    spoil(book, "pools", {cell(good, "pools", "total", r): None, cell(good, "pools", "source", r): "2017 §六(一)"})
    refused(book, f"pools!{cell(good, 'pools', 'total', r)} (total): required field is missing")


def test_pool_step_for_a_pollutant(book: Path, good: Path) -> None:
    r = row_of(good, "pools", "resource", "NOx")
    ref = cell(good, "pools", "step", r)
    spoil(book, "pools", {ref: 5})
    refused(book, f"pools!{ref} (step): a pollutant's pool has no step")


def test_setting_given_twice(book: Path, good: Path) -> None:
    wb = openpyxl.load_workbook(book)
    ws = wb["settings"]
    ws.append(["objective.kind", "equity"])
    row = ws.max_row
    wb.save(book)
    refused(book, f"pools!{cell(good, 'pools', 'objective.kind', 2)} (objective.kind): objective.kind is also "
                  f"given at settings!B{row} (value)")


def test_unknown_setting(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    wb["settings"].append(["metadata.yaer", 2022])
    row = wb["settings"].max_row
    wb.save(book)
    refused(book, f"settings!A{row} (key): unknown setting 'metadata.yaer'")


def test_bad_json_in_a_setting(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    ws = wb["settings"]
    r = next(c.row for c in ws["A"] if c.value == "periods")
    ws[f"B{r}"] = '{"years": [2021, 2022'
    wb.save(book)
    refused(book, f"settings!B{r} (value): not valid JSON")


def test_error_inside_a_json_setting_names_the_cell_and_the_field(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    ws = wb["settings"]
    r = next(c.row for c in ws["A"] if c.value == "periods")
    ws[f"B{r}"] = '{"years": [2021, 2023]}'
    wb.save(book)
    refused(book, f"settings!B{r} (value.years): years must be consecutive")


# -- the shape of the sheets -------------------------------------------------------------------

def test_missing_zones_sheet(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    del wb["zones"]
    wb.save(book)
    refused(book, "sheet zones: missing: the zones sheet (one row per zone) is required")


def test_empty_zones_sheet(tmp_path: Path) -> None:
    path = write_template(tmp_path / "blank.xlsx")
    refused(path, "sheet zones: the zone list is empty")


def test_unknown_sheet(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    wb["rules"].title = "rule"
    wb.save(book)
    refused(book, "sheet rule: unknown sheet (a typo?)")


def test_unknown_column(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    ws = wb["zones"]
    col = ws.max_column + 1
    ws.cell(row=1, column=col, value="taxes\n税收")
    ws.cell(row=2, column=col, value=5)
    wb.save(book)
    ref = f"{openpyxl.utils.get_column_letter(col)}1"
    refused(book, f"zones!{ref} (taxes): unknown column (a typo?)")


def test_second_column_of_the_same_key(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    ws = wb["zones"]
    col = ws.max_column + 1
    ws.cell(row=1, column=col, value="tax")
    wb.save(book)
    refused(book, f"zones!{openpyxl.utils.get_column_letter(col)}1 (tax): a second column 'tax'")


def test_value_in_a_column_without_a_header(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    ws = wb["zones"]
    ref = f"{openpyxl.utils.get_column_letter(ws.max_column + 2)}3"
    ws[ref] = 42
    wb.save(book)
    refused(book, f"zones!{ref}: a value in a column without a header")


def test_merged_cells(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    c = letter(wb["zones"], "city")
    wb["zones"].merge_cells(f"{c}2:{c}3")
    wb.save(book)
    refused(book, f"zones!{c}2:{c}3: merged cells")


def test_blank_row_inside_the_table(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    wb["zones"].insert_rows(4)
    wb.save(book)
    refused(book, "zones!4:4: a blank row inside the table")


def test_blank_rows_at_the_end_are_fine(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    wb["zones"]["A40"] = "   "
    wb.save(book)
    assert load(book) == Instance.from_dict(all_tables())


def test_formula_never_calculated(book: Path, good: Path) -> None:
    ref = cell(good, "zones", "land_area_mu", 2)
    spoil(book, "zones", {ref: "=400+600"})
    refused(book, f"zones!{ref} (land_area_mu): a formula with no saved value")


def test_excel_error_value(book: Path, good: Path) -> None:
    ref = cell(good, "zones", "tax", 2)
    spoil(book, "zones", {ref: "#DIV/0!"})
    refused(book, f"zones!{ref} (tax): an Excel error value #DIV/0!")


def test_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    path.write_text("id,city\na,P\n", encoding="utf-8")
    refused(path, "cannot read as an Excel workbook")


def test_old_excel_format(tmp_path: Path) -> None:
    path = tmp_path / "plan.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    refused(path, "save it as .xlsx")


def test_missing_file(tmp_path: Path) -> None:
    refused(tmp_path / "none.xlsx", "no such file")


# -- problems found after reading: a model's data, a scenario -------------------------------------

def test_a_models_data_check_names_the_cell(book: Path, good: Path) -> None:
    """The land objective needs each zone's tax: a blank one is found when the model is built,
    and named in the workbook's terms by every verb."""
    ref = cell(good, "zones", "tax", 3)
    spoil(book, "zones", {ref: None})
    for verb in ("solve", "validate"):
        refused(book, f"zones!{ref} (tax): zone 'b' has no metrics.tax, needed by objective.weight", verb=verb)


def test_a_scenario_error_names_the_cell(book: Path, good: Path) -> None:
    r = row_of(good, "scenarios", "id", "tight")
    ref = cell(good, "scenarios", "drop_rules", r)
    spoil(book, "scenarios", {ref: "q-floor, nope"})
    refused(book, f"scenarios!{ref} (drop_rules[1]): ")


def test_a_criterion_weight_missing_names_the_cell(book: Path, good: Path) -> None:
    ref = cell(good, "criteria", "weight", 2)
    spoil(book, "criteria", {ref: None})
    refused(book, f"criteria!{ref} (weight): fixed weights need a weight on every criterion", verb="evaluate")


def test_library_errors_carry_every_issue(book: Path, good: Path) -> None:
    spoil(book, "zones", {cell(good, "zones", "land_area_mu", 2): -1, cell(good, "zones", "tax", 5): "x"})
    with pytest.raises(InstanceError) as err:
        load(book)
    places = [i.path for i in err.value.issues]
    assert places == [f"zones!{cell(good, 'zones', 'land_area_mu', 2)} (land_area_mu)",
                      f"zones!{cell(good, 'zones', 'tax', 5)} (tax)"]
    assert err.value.source == str(book)
