"""Workbooks for the Excel tests: a small instance touching every table (zones with metrics,
emission and fund requests, locations and tags; every pool; rules of every resource, with
assumptions; an evaluation with criteria; a scenario with a rule of its own), the rows an
analyst types into the blank template for it, and openpyxl helpers to fill and spoil sheets."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import openpyxl

_ALL: dict[str, Any] = {
    "name": "small-4-all",
    "metadata": {"synthetic": True, "source": "made up for testing"},
    "units": {"money": "wan_yuan"},
    "zones": [
        {"id": "a", "name": "Zone A", "city": "P", "county": "P1", "level": "national", "tags": ["corridor", "auto"],
         "land_area_mu": 1000, "score": 90,
         "metrics": {"tax": 50000, "value_added": 200000, "energy_tce": 9000, "energy_reduction_tce": 300,
                     "emissions_t": {"SO2": 40, "NOx": 60}},
         "requests": {"land_mu": 300, "emissions_t": {"SO2": 20, "NOx": 30},
                      "funds": {"amount": 800, "investment": 8000, "expected_tax": 400}},
         "location": {"lon": 113.6, "lat": 34.7}},
        {"id": "b", "name": "Zone B", "city": "P", "county": "P2", "land_area_mu": 2000, "score": 70,
         "metrics": {"tax": 60000, "value_added": 150000, "energy_tce": 20000, "energy_reduction_tce": 100,
                     "emissions_t": {"SO2": 80, "NOx": 90}},
         "requests": {"land_mu": 500, "emissions_t": {"SO2": 25}, "funds": {"amount": 500, "investment": 2500}},
         "location": {"lon": 113.9, "lat": 34.6}},
        {"id": "c", "name": "Zone C", "city": "Q", "county": "Q1", "tags": ["corridor"], "land_area_mu": 500,
         "score": 60,
         "metrics": {"tax": 10000, "value_added": 40000, "energy_tce": 3000, "energy_reduction_tce": 250,
                     "emissions_t": {"SO2": 10, "NOx": 12}},
         "requests": {"land_mu": 400, "emissions_t": {"SO2": 15, "NOx": 10},
                      "funds": {"amount": 300, "investment": 900}},
         "location": {"lon": 114.3, "lat": 35.0}},
        {"id": "d", "name": "Zone D", "city": "Q", "county": "Q2", "land_area_mu": 800, "meets_env_standards": False,
         "score": 40, "grade": "D",
         "metrics": {"tax": 4000, "value_added": 9000, "energy_tce": 5000, "energy_reduction_tce": 20},
         "requests": {"land_mu": 200, "emissions_t": {"NOx": 8}, "funds": {"amount": 100, "investment": 150}},
         "location": {"lon": 114.35, "lat": 35.05}},
    ],
    "pools": {
        "land": {"total_mu": 1000, "source": "2017 §六(一)"},
        "emissions": {
            "pollutants": {"SO2": {"total_t": 40},
                           "NOx": {"total_t": 30, "rules": [{"id": "nox-cap", "type": "zone_bounds", "cap": 12,
                                                             "source": "2017 §六(一)", "assumption": True}]}},
            "rules": [{"id": "em-req", "type": "request_cap", "source": "2017 §六(一)"},
                      {"id": "em-no-d", "type": "exclude", "select": {"meets_env_standards": False},
                       "source": "2017 §六(一)"}]},
        "funds": {"budget": 1000, "rules": [{"id": "fund-lev", "type": "leverage_cap", "alpha": 0.2,
                                             "source": "2022 第三章 专栏二"},
                                            {"id": "fund-req", "type": "request_cap", "source": "2017 §十(三)"}]},
    },
    "rules": [
        {"id": "req", "type": "request_cap", "source": "2017 §六(一)", "note": "no zone gets more than it asked for"},
        {"id": "no-d", "type": "exclude", "select": {"grades": ["D"]}, "source": "2017 §十(四)"},
        {"id": "q-floor", "type": "group_bounds", "by": "city", "groups": ["Q"], "floor_mu": 100,
         "source": "2017 §二(二)", "assumption": True},
        {"id": "city-caps", "type": "group_bounds", "by": "city", "cap_mu": {"P": 700, "Q": 600},
         "source": "2017 §六(二)", "assumption": True},
    ],
    "objective": {"kind": "efficiency", "weight": "tax_per_mu"},
    "evaluations": [{"id": "muju", "weighting": {"method": "fixed"}, "assign": ["score"],
                     "criteria": [{"name": "亩均税收", "of": "tax", "per": "land_area_mu", "weight": 1},
                                  {"name": "亩均增加值", "of": "value_added", "per": "land_area_mu", "weight": 2}]}],
    "scenarios": [{"id": "tight", "description": "a smaller pool", "pools": {"land": {"total_mu": 800}},
                   "drop_rules": ["q-floor"],
                   "rules": [{"id": "a-cap", "type": "zone_bounds", "select": {"zones": ["a"]}, "cap_mu": 200,
                              "source": "2017 §六(一)"}]}],
}


def all_tables() -> dict[str, Any]:
    """The instance touching every table, as JSON."""
    return copy.deepcopy(_ALL)


# What an analyst types into the blank template for that instance: sheet → rows (header → cell).
TYPED: dict[str, list[dict[str, Any]]] = {
    "settings": [{"key": "name", "value": "small-4-all"}, {"key": "metadata.synthetic", "value": True},
                 {"key": "metadata.source", "value": "made up for testing"}],
    "zones": [
        {"id": "a", "name": "Zone A", "city": "P", "county": "P1", "level": "national", "tags": "corridor、auto",
         "land_area_mu": 1000, "tax": 50000, "value_added": 200000, "energy_tce": 9000, "energy_reduction_tce": 300,
         "emissions_SO2_t": 40, "emissions_NOx_t": 60, "score": 90, "request_land_mu": 300, "request_SO2_t": 20,
         "request_NOx_t": 30, "request_funds": 800, "request_funds_investment": 8000,
         "request_funds_expected_tax": 400, "lon": 113.6, "lat": 34.7},
        {"id": "b", "name": "Zone B", "city": "P", "county": "P2", "land_area_mu": 2000, "tax": 60000,
         "value_added": 150000, "energy_tce": 20000, "energy_reduction_tce": 100, "emissions_SO2_t": 80,
         "emissions_NOx_t": 90, "score": 70, "request_land_mu": 500, "request_SO2_t": 25, "request_funds": 500,
         "request_funds_investment": 2500, "lon": 113.9, "lat": 34.6},
        {"id": "c", "name": "Zone C", "city": "Q", "county": "Q1", "tags": "corridor", "land_area_mu": 500,
         "tax": 10000, "value_added": 40000, "energy_tce": 3000, "energy_reduction_tce": 250, "emissions_SO2_t": 10,
         "emissions_NOx_t": 12, "score": 60, "request_land_mu": 400, "request_SO2_t": 15, "request_NOx_t": 10,
         "request_funds": 300, "request_funds_investment": 900, "lon": 114.3, "lat": 35.0},
        {"id": "d", "name": "Zone D", "city": "Q", "county": "Q2", "land_area_mu": 800, "tax": 4000,
         "value_added": 9000, "energy_tce": 5000, "energy_reduction_tce": 20, "grade": "D", "score": 40,
         "request_land_mu": 200, "request_NOx_t": 8, "request_funds": 100, "request_funds_investment": 150,
         "meets_env_standards": "否", "lon": 114.35, "lat": 35.05},
    ],
    "pools": [{"resource": "land", "total": 1000, "source": "2017 §六(一)", "objective.kind": "efficiency",
               "objective.weight": "tax_per_mu"},
              {"resource": "SO2", "total": 40}, {"resource": "NOx", "total": 30}, {"resource": "funds", "total": 1000}],
    "rules": [
        {"id": "req", "type": "request_cap", "source": "2017 §六(一)", "note": "no zone gets more than it asked for"},
        {"id": "no-d", "type": "exclude", "source": "2017 §十(四)", "select.grades": "D"},
        {"id": "q-floor", "type": "group_bounds", "source": "2017 §二(二)", "assumption": True, "floor": 100,
         "by": "city", "groups": "Q"},
        {"id": "city-caps", "type": "group_bounds", "source": "2017 §六(二)", "assumption": "TRUE",
         "cap": "P=700, Q=600", "by": "city"},
        {"scenario": "tight", "id": "a-cap", "type": "zone_bounds", "source": "2017 §六(一)", "select.zones": "a",
         "cap": 200},
        {"resource": "emissions", "id": "em-req", "type": "request_cap", "source": "2017 §六(一)"},
        {"resource": "emissions", "id": "em-no-d", "type": "exclude", "source": "2017 §六(一)",
         "select.meets_env_standards": False},
        {"resource": "NOx", "id": "nox-cap", "type": "zone_bounds", "source": "2017 §六(一)", "assumption": True,
         "cap": 12},
        {"resource": "funds", "id": "fund-lev", "type": "leverage_cap", "source": "2022 第三章 专栏二", "alpha": 0.2},
        {"resource": "funds", "id": "fund-req", "type": "request_cap", "source": "2017 §十(三)"},
    ],
    "evaluations": [{"id": "muju", "weighting.method": "fixed", "assign": "score"}],
    "criteria": [{"evaluation": "muju", "name": "亩均税收", "of": "tax", "per": "land_area_mu", "weight": 1},
                 {"evaluation": "muju", "name": "亩均增加值", "of": "value_added", "per": "land_area_mu", "weight": 2}],
    "scenarios": [{"id": "tight", "description": "a smaller pool", "drop_rules": "q-floor",
                   "pools.land.total_mu": 800}],
}


def columns(ws: Any) -> dict[str, int]:
    """A sheet's header keys → column number (1-based)."""
    return {str(c.value).split()[0]: c.column for c in ws[1] if c.value is not None}


def letter(ws: Any, key: str) -> str:
    from openpyxl.utils import get_column_letter
    return get_column_letter(columns(ws)[key])


def fill(path: Path, typed: dict[str, list[dict[str, Any]]]) -> None:
    """Type ``typed`` into the workbook at ``path`` as an analyst would: a pools row into the
    template's row of that resource, a setting into the row of that key, others below the last
    row."""
    book = openpyxl.load_workbook(path)
    for sheet, rows in typed.items():
        ws = book[sheet]
        cols = columns(ws)
        anchor = {"pools": "resource", "settings": "key"}.get(sheet)
        for row in rows:
            r = None
            if anchor is not None:
                r = next((c.row for c in ws.iter_cols(min_col=cols[anchor], max_col=cols[anchor], min_row=2).__next__()
                          if c.value == row[anchor]), None)
            if r is None:
                r = _last_row(ws) + 1
            for key, value in row.items():
                ws.cell(row=r, column=cols[key], value=value)
    book.save(path)


def _last_row(ws: Any) -> int:
    last = 1
    for row in ws.iter_rows(min_row=2):
        if any(c.value is not None for c in row):
            last = row[0].row
    return last


def spoil(path: Path, sheet: str, edits: dict[str, Any]) -> None:
    """Set cells (``"H3"`` → value) of one sheet and save."""
    book = openpyxl.load_workbook(path)
    ws = book[sheet]
    for ref, value in edits.items():
        ws[ref] = value
    book.save(path)
