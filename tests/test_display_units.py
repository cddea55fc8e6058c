"""Quantities as a display says them: an amount of money in the display's unit (亿元), a rate of
money per mu or per t in the instance's own unit with its denominator kept."""

from __future__ import annotations

import pytest

from zoneopt.instance import Instance
from zoneopt.plans.display import Display


def display(lang: str) -> Display:
    inst = Instance.from_dict({"name": "u", "units": {"money": "wan_yuan", "money_display": "yi_yuan"},
                               "zones": [{"id": "a", "city": "c", "land_area_mu": 1.0}]})
    return Display.of(inst, lang)


@pytest.mark.parametrize("lang,unit,expected", [
    ("zh", "万元 (1e4 yuan)/yr", ("1.25", "亿元/年")),
    ("zh", "万元 (1e4 yuan)", ("1.25", "亿元")),
    ("zh", "万元 (1e4 yuan)/mu/yr", ("12,500", "万元/亩")),
    ("zh", "万元 (1e4 yuan)/t", ("12,500", "万元/吨")),
    ("en", "万元 (1e4 yuan)/mu", ("12,500", "wan yuan/mu")),
    ("en", "mu", ("12,500.0", "mu")),
])
def test_money_and_rates(lang: str, unit: str, expected: tuple[str, str]) -> None:
    """12,500 万元 is 1.25 亿元; 12,500 万元 per mu stays 12,500 万元/亩 (not 1.25 亿元 a year)."""
    assert display(lang).quantity_parts(12_500.0, unit) == expected
