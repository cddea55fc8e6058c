"""The report's plan over years: each year's pools and allocations and every target of the plan
met or short, as plan-years says it, in the report's language."""

from __future__ import annotations

from pathlib import Path

import pytest

from zoneopt.instance import load
from zoneopt.models.multi_period import solve_multi_period
from zoneopt.report import build_report

TARGETS_2022 = Path(__file__).parents[1] / "instances" / "henan-etdz-45-targets-2022.json"


@pytest.fixture(scope="module")
def instance():  # type: ignore[no-untyped-def]
    return load(TARGETS_2022)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_report_lists_every_target_with_its_status(instance, lang: str) -> None:  # type: ignore[no-untyped-def]
    report = build_report(instance, rule_costs=False, scenarios=False, charts=False, lang=lang)
    plan = solve_multi_period(instance)
    section = next(s for s in report.sections if s.key == "years")
    targets = report.tables["year-targets"]
    assert targets["rule"].tolist() == plan.target_status["rule"].tolist()
    words = {"met": "达标", "short": "未达标", "not modelled": "未建模"} if lang == "zh" else {}
    assert targets["status"].tolist() == [words.get(v, v) for v in plan.target_status["status"]]
    short = targets["status"] == (words.get("short", "short"))
    assert short.any() and (targets.loc[short, "diagnosis"].str.len() > 0).all()  # a short one says why
    years = report.tables["years"]
    assert sorted(set(years["year"])) == [str(y) for y in range(2021, 2026)]
    land = plan.years[plan.years["track"] == "land"]
    assert years.loc[years["unit"] == "mu", "allocated"].tolist() == pytest.approx(land["allocated"].tolist())
    md = report.markdown()
    assert section.title in md and ("未达标" in md) == (lang == "zh")
    if lang == "zh":  # the model's sentences said again in Chinese
        assert "short by" not in md.split(section.title)[1]


def test_no_years_leaves_the_section_out(instance) -> None:  # type: ignore[no-untyped-def]
    report = build_report(instance, rule_costs=False, scenarios=False, charts=False, years=False)
    assert "years" not in [s.key for s in report.sections] and "year-targets" not in report.tables


def test_a_plan_over_years_that_cannot_be_made_is_said_not_fatal(instance) -> None:  # type: ignore[no-untyped-def]
    """An objective the plan over years does not take (lexicographic priority) leaves the year's
    sections as they are and says why in the years section."""
    data = instance.model_dump(mode="json", exclude_none=True)
    data["objective"] = {"kind": "lexicographic", "priority": {"measure": "score", "above": 65}}
    from zoneopt.errors import InvalidInputError
    from zoneopt.instance import Instance

    inst = Instance.from_dict(data)
    with pytest.raises(InvalidInputError) as err:
        solve_multi_period(inst)
    report = build_report(inst, rule_costs=False, scenarios=False, charts=False, lang="en")
    section = next(s for s in report.sections if s.key == "years")
    assert "land" in [s.key for s in report.sections]
    assert section.blocks[0].markdown == f"No plan over years could be made: {err.value}"  # type: ignore[union-attr]
