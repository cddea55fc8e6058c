"""A designation's reasons in the display's words: a failed criterion on an amount of money is said
in the display's money unit, in either language; money per mu and shares stay as written."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zoneopt.instance import Instance
from zoneopt.plans.designation_words import reason_words
from zoneopt.plans.display import Display

UNITS = {"revenue": "万元 (1e4 yuan)/yr", "tax_per_mu": "万元 (1e4 yuan)/mu/yr", "leading_share": ""}


def display(lang: str) -> Display:
    inst = Instance.from_dict({"name": "w", "units": {"money": "wan_yuan", "money_display": "yi_yuan"},
                               "zones": [{"id": "a", "city": "c", "land_area_mu": 1.0}]})
    return Display.of(inst, lang)


@pytest.mark.parametrize("lang,expected", [
    ("zh", "未达标：营业收入 = 20.38 亿元（需 ≥ 100 亿元）；亩均税收 = 3.34592（需 ≥ 8）"),
    ("en", "fails revenue = 20.38 yi yuan (needs ≥ 100 yi yuan); tax per mu = 3.34592 (needs ≥ 8)"),
])
def test_money_criteria_in_the_display_unit(lang: str, expected: str) -> None:
    reason = "fails revenue = 203819 (needs ≥ 1,000,000); tax_per_mu = 3.34592 (needs ≥ 8)"
    assert reason_words(reason, display(lang), UNITS) == expected


def test_without_units_the_figures_stay_as_written() -> None:
    reason = "fails revenue = 203819 (needs ≥ 1,000,000 and within the first 3)"
    assert reason_words(reason, display("zh")) == "未达标：营业收入 = 203819（需 ≥ 1,000,000 且 排名前 3）"


@given(st.floats(min_value=0, max_value=1e9, allow_nan=False), st.floats(min_value=1, max_value=1e9))
def test_a_converted_figure_is_the_value_over_ten_thousand(value: float, bound: float) -> None:
    """万元 shown as 亿元: both the zone's value and the bound are divided by 10^4 (to the display's
    rounding), whatever their size."""
    out = reason_words(f"fails revenue = {value:.6g} (needs ≥ {bound:,.6g})", display("en"), UNITS)
    shown_value = float(out.split("= ")[1].split(" yi")[0].replace(",", ""))
    shown_bound = float(out.split("≥ ")[1].split(" yi")[0].replace(",", ""))
    assert shown_value == pytest.approx(float(f"{value:.6g}") / 1e4, abs=0.006)
    assert shown_bound == pytest.approx(float(f"{bound:.6g}") / 1e4, abs=0.006)
