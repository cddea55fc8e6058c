"""A preset whose data is missing: ``preset_weights`` drops a criterion (0) or re-weights one,
by hand on two zones; the error for a criterion no unit has says how to drop it."""

from __future__ import annotations

from typing import Any

import pytest

from zoneopt import Instance, InstanceError, InvalidInputError
from zoneopt.evaluation.run import evaluate


def _zone(zid: str, tax_ratio: float) -> dict[str, Any]:
    """A zone of 100 mu at every Huangyan benchmark but 亩均税收, which is ``tax_ratio`` × its
    benchmark (24.097 万元/亩); no emission data."""
    va = 136.16 * 100
    return {"id": zid, "city": "P", "land_area_mu": 100,
            "metrics": {"tax": 24.097 * 100 * tax_ratio, "value_added": va, "energy_tce": va / 2.694,
                        "employees": va / 18.14, "revenue": 100_000, "rd_spending": 0.0302 * 100_000}}


def _instance(**evaluation: Any) -> Instance:
    return Instance.from_dict({"name": "t", "zones": [_zone("a", 1.0), _zone("b", 0.5)],
                               "evaluations": [{"id": "muju", "preset": "huangyan-2022", **evaluation}]})


def test_preset_without_emission_data_says_how_to_drop_the_criterion() -> None:
    with pytest.raises(InvalidInputError, match=r"criterion '单位排放增加值' of preset huangyan-2022: no unit has "
                                                r"data for it; .*\"preset_weights\": \{\"单位排放增加值\": 0\} "
                                                r"\(evaluations\[0\]\)"):
        evaluate(_instance(), "muju")


def test_dropping_a_criterion_renormalises_the_others() -> None:
    """Points 30/20/20/10/10 left (90): a at every benchmark scores 100; b at half the 亩均税收
    benchmark scores 100 × (30 × 0.5 + 60) / 90 = 83.33."""
    result = evaluate(_instance(preset_weights={"单位排放增加值": 0}), "muju")
    assert result.zone_scores == pytest.approx([100.0, 100 * 75 / 90])
    assert "单位排放增加值" not in set(result.weights["criterion"])
    assert any("单位排放增加值 dropped" in n for n in result.notes)


def test_reweighting_a_criterion() -> None:
    """亩均税收 at 60 points (120 in all): b scores 100 × (60 × 0.5 + 60) / 120 = 75."""
    result = evaluate(_instance(preset_weights={"单位排放增加值": 0, "亩均税收": 60}), "muju")
    assert result.zone_scores == pytest.approx([100.0, 75.0])
    assert dict(zip(result.weights["criterion"], result.weights["weight"], strict=True))["亩均税收"] == \
        pytest.approx(0.5)


def test_unknown_criterion_is_named() -> None:
    with pytest.raises(InstanceError, match=r"evaluations\[0\] \(muju\).preset_weights.单位排放: not a criterion of "
                                            r"preset huangyan-2022; its criteria: 亩均税收"):
        evaluate(_instance(preset_weights={"单位排放": 0}), "muju")


def test_dropping_every_criterion_is_refused() -> None:
    names = ["亩均税收", "亩均增加值", "单位能耗增加值", "单位排放增加值", "全员劳动生产率",
             "R&D经费占主营业务收入比重"]
    with pytest.raises(InstanceError, match=r"evaluations\[0\] \(muju\).preset_weights: drops every criterion"):
        evaluate(_instance(preset_weights=dict.fromkeys(names, 0)), "muju")


def test_preset_weights_need_a_preset() -> None:
    with pytest.raises(InstanceError, match=r"evaluations\[0\] \(e\): preset_weights re-weights a preset's criteria"):
        Instance.from_dict({"name": "t", "zones": [_zone("a", 1.0)],
                            "evaluations": [{"id": "e", "criteria": [{"name": "t", "of": "tax"}],
                                             "preset_weights": {"t": 1}}]})
