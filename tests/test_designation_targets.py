"""Designation targets (models/designation.md, "Targets"): at least N zones counting those
already there plus the designation's decisions by a year — a row of the designation model,
reported met or short with what caps it, in the designation plan and in the plan over years —
and a designated park provincial from its year in the plan over years. Hand-checked on the
designation's small case (examples/designation.small_case: qualifying candidates P2, P3, P5,
P6 in counties B, C, D, D; at most one designation a year over 2021–2023; so at most three,
P2 needing Z2 converted)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zoneopt.errors import InfeasibleError, InstanceError
from zoneopt.examples.designation import small_case
from zoneopt.instance import Instance
from zoneopt.models.designation_plan import solve_designation
from zoneopt.models.multi_period import solve_multi_period


def _case(targets: list[dict[str, Any]], land: bool = True, rules: list[dict[str, Any]] | None = None,
          **changes: Any) -> Instance:
    d = small_case(land=land, **changes)
    d.setdefault("periods", {"years": [2021, 2022, 2023]})["targets"] = targets
    if rules:
        d["rules"] = d.get("rules", []) + rules
    return Instance.from_dict(d)


def _target(at_least: int, **kw: Any) -> dict[str, Any]:
    return {"id": "new-zones-target", "type": "designation", "at_least": at_least, "source": "2022 专栏一", **kw}


def _row(table: Any, rule: str) -> dict[str, Any]:
    return table.set_index("rule").loc[rule].to_dict()


def test_establish_target_met_hand_checked() -> None:
    """Three designations by 2023 (P2 2021, P3 2022, P6 2023): a target of 3 is met with 3."""
    plan = solve_designation(_case([_target(3, hard=False)]))
    assert plan.designated().to_dict() == {"P2": 2021, "P3": 2022, "P6": 2023}
    row = _row(plan.targets, "new-zones-target")
    assert (row["status"], row["achieved"], row["year"], row["diagnosis"]) == ("met", "3", 2023, "")
    assert row["required"] == "≥ 3 zones (designated by 2023)"


def test_establish_target_short_names_the_rules_that_cap_it() -> None:
    """Four asked: four candidates qualify, but one zone per county leaves three places and
    one a year three by 2023: short by 1, the soft target's plan is the best one still."""
    plan = solve_designation(_case([_target(4, hard=False)]))
    assert len(plan.designated()) == 3
    row = _row(plan.targets, "new-zones-target")
    assert (row["status"], row["achieved"]) == ("short", "3")
    assert row["diagnosis"] == (
        "short by 1: 4 of 6 candidates qualify (failing: `scale` 1); one zone per county (`designation-county`, "
        "2017 §二(一)) allows at most 3; count `new-zones` allows at most 1 a year: 3 by 2023")


@pytest.mark.parametrize("backend", ["highs", "pulp-cbc", "pulp-highs", "ortools-scip", "ortools-cpsat"])
def test_targets_agree_on_every_mip_backend(backend: str) -> None:
    """A soft target short (4) and one met (national 2): the same plan and rows on every backend."""
    inst = _case([_target(4, hard=False), _target(2, part="upgrade", existing={"levels": ["national"]},
                                                  hard=False, id="national")])
    plan = solve_designation(inst, backend)
    assert plan.designated().to_dict() == {"P2": 2021, "P3": 2022, "P6": 2023}
    assert plan.targets[["rule", "status", "achieved"]].values.tolist() == [
        ["new-zones-target", "short", "3"], ["national", "met", "1 + 1"]]


def test_target_by_an_earlier_year() -> None:
    """Three by 2022: one a year gives two by then (P2 2021, P3 2022)."""
    plan = solve_designation(_case([_target(3, year=2022, hard=False)]))
    row = _row(plan.targets, "new-zones-target")
    assert (row["status"], row["achieved"], row["year"]) == ("short", "2", 2022)
    assert "count `new-zones` allows at most 1 a year: 2 by 2022" in row["diagnosis"]


def test_hard_target_out_of_reach_is_named_before_any_solve() -> None:
    with pytest.raises(InfeasibleError, match=r"target `new-zones-target` \(2022 专栏一\) asks for 4 by 2023 "
                                              r"\(0 counted already\), 4 establish decision\(s\), but at most 3"):
        solve_designation(_case([_target(4)]))


def test_upgrade_target_counts_the_zones_already_there() -> None:
    """National zones: Z1 is one, Z3 is recommended (first by score): 1 + 1 = 2 met; 3 asked
    is short, only one zone may be recommended (Z2 fails `first`) and the count allows one."""
    two = _target(2, part="upgrade", existing={"levels": ["national"]}, hard=False, id="national")
    three = {**two, "at_least": 3, "id": "national-3"}
    plan = solve_designation(_case([two, three]))
    assert _row(plan.targets, "national")["achieved"] == "1 + 1"
    assert _row(plan.targets, "national")["status"] == "met"
    row = _row(plan.targets, "national-3")
    assert row["status"] == "short"
    assert row["required"] == "≥ 3 zones (1 counted already + recommended by 2023)"
    assert row["diagnosis"].startswith("short by 1: 1 of 2 zones that may be recommended qualify (failing: `first` 1)")
    assert "count `recommend` allows at most 1 in all" in row["diagnosis"]


def test_designation_target_needs_its_section_and_part() -> None:
    d = small_case(land=True)
    d["periods"]["targets"] = [_target(1)]
    d.pop("designation")
    with pytest.raises(InstanceError, match=r"periods.targets\[0\].*needs the instance's 'designation' section"):
        Instance.from_dict(d)
    d = small_case(land=True)
    d["designation"].pop("upgrade")
    d["periods"]["targets"] = [_target(1, part="upgrade")]
    with pytest.raises(InstanceError, match=r"periods.targets\[0\].part.*no 'upgrade' part"):
        Instance.from_dict(d)


def test_plan_years_reports_the_designation_target_with_the_others() -> None:
    inst = _case([_target(4, hard=False)])
    plan = solve_multi_period(inst)
    row = _row(plan.target_status, "new-zones-target")
    assert (row["type"], row["status"], row["achieved"], row["unit"]) == ("designation", "short", "3", "zones")
    plain = solve_multi_period(inst, designation=False)
    assert _row(plain.target_status, "new-zones-target")["status"] == "not modelled"


def test_a_designated_park_is_provincial_from_its_year() -> None:
    """A rule excluding level `other` keeps every candidate out — unless designated: P2
    (2021), P3 (2022), P6 (2023) are provincial, and get their 100 mu, from their year; a
    count target over provincial zones counts, in 2021, Z3 and P2 (Z2 converts in 2021), in
    2022 also P3, in 2023 also P6. A recommendation (Z3) changes no level: Z3 is not national."""
    exclude = [{"id": "not-zones", "type": "exclude", "select": {"levels": ["other"]}, "source": "2017 §二(一)"}]
    count = {"id": "provincial", "type": "count", "metric": "revenue", "threshold": 0.0, "at_least": 1,
             "select": {"levels": ["provincial"]}, "each_year": True, "hard": False, "source": "2017 §二(一)"}
    national = {**count, "id": "national", "select": {"levels": ["national"]}}
    plan = solve_multi_period(_case([count, national], rules=exclude))
    land = plan.table("land").set_index("zone")
    for zone, since in {"P2": 2021, "P3": 2022, "P6": 2023}.items():
        got = np.array([land.loc[zone, str(y)] for y in (2021, 2022, 2023)])
        assert got.tolist() == [100.0 if y >= since else 0.0 for y in (2021, 2022, 2023)], zone
    cells = plan.cells.set_index(["zone", "year"])
    assert [cells.loc[("P3", y), "level"] for y in (2021, 2022, 2023)] == ["other", "provincial", "provincial"]
    assert cells.loc[("Z3", 2023), "level"] == "provincial"
    st_ = plan.target_status.set_index("rule")
    assert [st_.loc[f"provincial@{y}", "scope"] for y in (2021, 2022, 2023)] == ["2 zones", "3 zones", "4 zones"]
    assert [st_.loc[f"national@{y}", "scope"] for y in (2021, 2022, 2023)] == ["1 zones"] * 3


@settings(max_examples=20, deadline=None)
@given(at_least=st.integers(0, 5), due=st.sampled_from([2021, 2022, 2023]), per_year=st.integers(1, 3),
       hard=st.booleans())
def test_target_met_exactly_when_the_rules_allow(at_least: int, due: int, per_year: int, hard: bool) -> None:
    """By its due year at most min(3 counties, per_year × years) designations can be made:
    the target is met exactly when it asks no more; a soft one short gets that many, a hard
    one out of reach is infeasible."""
    est = small_case()["designation"]["establish"]
    est["count"] = {**est["count"], "per_year_max": per_year, "total_min": 0}
    most = min(3, per_year * (due - 2020))
    inst = _case([_target(at_least, year=due, hard=hard)], land=False, establish=est)
    if hard and at_least > most:
        with pytest.raises(InfeasibleError, match="new-zones-target"):
            solve_designation(inst)
        return
    plan = solve_designation(inst)
    made = int((plan.designated() <= due).sum())
    row = _row(plan.targets, "new-zones-target")
    assert row["status"] == ("met" if at_least <= most else "short")
    assert made == int(row["achieved"]) == most
