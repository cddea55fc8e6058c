"""The project portfolio (项目为王) on a hand-computed instance (the arithmetic in the docstrings):
count and share targets, zone rules on the chosen projects' totals, leverage caps, partial
funding, the objectives; HiGHS, CBC, SCIP and CP-SAT agree; infeasible targets exit 3 naming
the target. Property tests are in tests/test_portfolio_properties.py."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from zoneopt import Instance, InstanceError
from zoneopt.errors import InfeasibleError
from zoneopt.models.portfolio import build_portfolio_model, check_plan, solve_portfolio

MIP_BACKENDS = ["highs", "pulp-cbc", "ortools-scip", "ortools-cpsat"]


def pz(zid: str, city: str, revenue: float, tax: float, score: float, **extra: Any) -> dict[str, Any]:
    z: dict[str, Any] = {"id": zid, "city": city, "land_area_mu": 1000.0, "score": score,
                         "metrics": {"revenue": revenue, "tax": tax}}
    z.update(extra)
    return z


def pj(pid: str, zone: str, land: float, so2: float, fund: float, investment: float, tax: float, revenue: float,
       **extra: Any) -> dict[str, Any]:
    p: dict[str, Any] = {"id": pid, "zone": zone, "land_mu": land, "emissions_t": {"SO2": so2}, "fund": fund,
                         "investment": investment, "tax": tax, "revenue": revenue}
    p.update(extra)
    return p


def five() -> dict[str, Any]:
    """Three zones with revenue (万元/yr) a 900, b 500, c 1,200 and five projects (land mu,
    SO2 t, fund, investment, tax, revenue): p1 in a (100, 5, 50, 500, 20, 150, leading),
    p2 in a (80, 2, 40, 300, 15, 80), p3 in b (120, 6, 60, 600, 30, 600, leading), p4 in b
    (50, 1, 20, 200, 8, 100), p5 in c (150, 8, 70, 700, 40, 300, leading). Pools: land 300 mu,
    SO2 12 t, funds 150. Objective: expected tax.

    Count target: at least 2 zones with revenue ≥ 1,000. c is already there; a needs +100
    (p1), b +500 (p3). Share target: leading-industry investment ≥ 70 % of industrial
    investment (every project is industrial).

    Without targets the best is p5 + p2 + p4 (land 280, SO2 11, fund 130): tax 63; but then
    only c reaches 1,000, and the leading share is 700/1,200 = 58 %. With p3 (b reaches
    500 + 600 = 1,100): land 180, SO2 6, funds 90 remain; p5 needs 8 t (no), p1 fits
    (SO2 11), then p4 (SO2 12, land 270, fund 130): p1 + p3 + p4, tax 20 + 30 + 8 = 58,
    leading share 1,100/1,300 = 85 %. Without p3, a via p1: p1 + p5 needs 13 t (no); p1 + p2 +
    p4 has tax 43 and a 50 % share. So the optimum is 58: p1, p3, p4; a, b and c reach 1,000."""
    return {"name": "five", "zones": [pz("a", "P", 900, 50, 80), pz("b", "P", 500, 30, 60), pz("c", "Q", 1200, 80, 90)],
            "projects": [pj("p1", "a", 100, 5, 50, 500, 20, 150, leading=True, sector="biomedicine"),
                         pj("p2", "a", 80, 2, 40, 300, 15, 80),
                         pj("p3", "b", 120, 6, 60, 600, 30, 600, leading=True),
                         pj("p4", "b", 50, 1, 20, 200, 8, 100),
                         pj("p5", "c", 150, 8, 70, 700, 40, 300, leading=True)],
            "pools": {"land": {"total_mu": 300}, "emissions": {"pollutants": {"SO2": {"total_t": 12}}},
                      "funds": {"budget": 150}},
            "portfolio": {"rules": [
                {"id": "rev-1000", "type": "count_target", "metric": "revenue", "threshold": 1000, "at_least": 2,
                 "source": "2022 专栏一"},
                {"id": "leading-70", "type": "share_target", "quantity": "investment", "numerator": {"leading": True},
                 "denominator": {"industrial": True}, "min_share": 0.7, "source": "2022 专栏一"}]}}


def chosen(plan: Any) -> list[str]:
    return sorted(plan.projects.loc[plan.projects["chosen"], "project"])


@pytest.mark.parametrize("backend", MIP_BACKENDS)
def test_hand_computed_optimum_agrees_on_every_mip_backend(backend: str) -> None:
    inst = Instance.from_dict(five())
    plan = solve_portfolio(inst, backend, time_limit=30)
    assert plan.status == "optimal" and plan.summary.method == "mip"
    assert plan.objective == pytest.approx(58)
    assert chosen(plan) == ["p1", "p3", "p4"]
    assert check_plan(inst, plan) == []
    t = {r.rule: r for r in plan.summary.targets}
    assert t["rev-1000"].achieved == 3 and t["rev-1000"].met
    assert t["leading-70"].achieved == pytest.approx(1100 / 1300) and t["leading-70"].met


def test_zone_totals_pools_and_reached_zones() -> None:
    plan = solve_portfolio(Instance.from_dict(five()))
    z = plan.allocations.set_index("zone")
    assert z.loc["b", "land_mu"] == 170 and z.loc["b", "SO2_t"] == 7 and z.loc["b", "funds"] == 80
    assert z.loc["a", "revenue_after"] == 1050 and z.loc["b", "revenue_after"] == 1200
    assert z["reaches:rev-1000"].tolist() == [True, True, True]
    pools = {p.pool: (p.total, p.allocated, p.unit) for p in plan.summary.pools}
    assert pools["land"] == (300, 270, "mu") and pools["SO2"] == (12, 12, "t/yr") and pools["funds"][:2] == (150, 130)
    b = plan.bindings.set_index("row")
    assert b.loc["emissions-total:SO2[total]", "bound"] == 12 and b.loc["emissions-total:SO2[total]", "unit"] == "t"
    assert plan.summary.projects == 5 and plan.summary.projects_chosen == 3


def test_without_targets_the_best_tax_is_63() -> None:
    data = five()
    data["portfolio"]["rules"] = []
    plan = solve_portfolio(Instance.from_dict(data))
    assert plan.objective == pytest.approx(63) and chosen(plan) == ["p2", "p4", "p5"]


def test_share_target_binds_at_90_percent() -> None:
    """At 90 % p1 + p3 + p4 (85 %) fails; p1 + p3 (100 %, tax 50) is best (adding p2 needs
    13 t of SO2)."""
    data = five()
    data["portfolio"]["rules"][1]["min_share"] = 0.9
    plan = solve_portfolio(Instance.from_dict(data))
    assert plan.objective == pytest.approx(50) and chosen(plan) == ["p1", "p3"]


@pytest.mark.parametrize("kind,objective", [("investment", 1300.0), ("score", 500 * 80 + 600 * 60 + 200 * 60)])
def test_investment_and_score_objectives(kind: str, objective: float) -> None:
    """Under the same pools and targets p1 + p3 + p4 also has the most investment (1,300) and
    the most score-weighted investment (500·80 + 600·60 + 200·60; p5 cannot join)."""
    data = five()
    data["portfolio"]["objective"] = {"kind": kind}
    plan = solve_portfolio(Instance.from_dict(data))
    assert plan.objective == pytest.approx(objective) and chosen(plan) == ["p1", "p3", "p4"]


def test_blend_of_one_term_is_that_term_normalised() -> None:
    data = five()
    data["portfolio"]["objective"] = {"kind": "blend", "blend": {"tax": 2.0}, "normalisers": {"tax": 100.0}}
    assert solve_portfolio(Instance.from_dict(data)).objective == pytest.approx(2 * 58 / 100)


def test_sector_priority_weights_the_objective() -> None:
    """p1 is in biomedicine; with the emerging fields at priority 2 its tax counts 40: 78."""
    data = five()
    data["pools"]["funds"]["emerging_priority"] = 2.0
    plan = solve_portfolio(Instance.from_dict(data))
    assert plan.objective == pytest.approx(78) and "sector-priority" in plan.summary.objective_unit


def test_land_request_cap_applies_to_the_zone_total() -> None:
    """b asks for 150 mu: p3 + p4 (170 mu) no longer fit. Best: p1 + p3 (tax 50); p1 + p4
    (28) and p2 + p3 + p5 (SO2 16) are worse or infeasible."""
    data = five()
    data["zones"][1]["requests"] = {"land_mu": 150}
    data["rules"] = [{"id": "land-req", "type": "request_cap", "select": {"zones": ["b"]}, "source": "2017 §六(一)"}]
    plan = solve_portfolio(Instance.from_dict(data))
    assert plan.objective == pytest.approx(50) and chosen(plan) == ["p1", "p3"]


def test_leverage_cap_per_project() -> None:
    """α = 0.1 lets p1 (50 ≤ 50), p3, p4 and p5 through but not p2 (40 > 30): the optimum
    stays 58. α = 0.095 rules out p1 and p3, so no second zone can reach 1,000 and the plan
    is infeasible; the message names the count target and the leverage rule."""
    data = five()
    data["pools"]["funds"]["rules"] = [{"id": "leverage", "type": "leverage_cap", "alpha": 0.1, "per": "project",
                                        "source": "2022 第三章 专栏二"}]
    assert solve_portfolio(Instance.from_dict(data)).objective == pytest.approx(58)
    data["pools"]["funds"]["rules"][0]["alpha"] = 0.095
    with pytest.raises(InfeasibleError) as err:
        solve_portfolio(Instance.from_dict(data), time_limit=20)
    assert err.value.exit_code == 3
    assert "`rev-1000` (2022 专栏一)" in str(err.value) and "`leverage`" in str(err.value)


def test_partial_funding() -> None:
    """Budget 100, no land or SO2 limits, no targets. All or nothing (funds 50, 40, 60, 20,
    70; tax 20, 15, 30, 8, 40) it is a knapsack: p5 + p4 (90) → 48 beats p3 + p2 (100) → 45
    and p3 + p4 → 38. With partial funding down to half, a chosen project needs at least
    25, 20, 30, 10, 35: all five need 120 > 100; without p2 exactly 100 → tax 98 (without p1:
    95 → 93; without p4 or p5 more than 100 or less tax)."""
    data = five()
    data["pools"] = {"funds": {"budget": 100}}
    data["portfolio"] = {}
    assert solve_portfolio(Instance.from_dict(data)).objective == pytest.approx(48)
    data["portfolio"] = {"partial_funding": True, "min_fund_share": 0.5}
    inst = Instance.from_dict(data)
    plan = solve_portfolio(inst)
    assert plan.objective == pytest.approx(98) and chosen(plan) == ["p1", "p3", "p4", "p5"]
    f = plan.projects.set_index("project")["fund"]
    assert f.to_dict() == pytest.approx({"p1": 25, "p2": 0, "p3": 30, "p4": 10, "p5": 35}, abs=1e-6)
    assert check_plan(inst, plan) == []


def test_count_target_no_choice_can_meet_exits_3_naming_it() -> None:
    """Four zones of revenue ≥ 1,000 among three zones: infeasible before any solve."""
    data = five()
    data["portfolio"]["rules"][0]["at_least"] = 4
    with pytest.raises(InfeasibleError) as err:
        build_portfolio_model(Instance.from_dict(data))
    assert err.value.exit_code == 3
    msg = str(err.value)
    assert "count target `rev-1000` (2022 专栏一) needs 4 zones" in msg and "only 3" in msg


def test_count_target_against_a_pool_is_diagnosed() -> None:
    """All three zones at 1,000 need p1 and p3 (11 t of SO2); with 10 t the solver finds no
    plan and the diagnosis names the target and the SO2 pool."""
    data = five()
    data["portfolio"]["rules"][0]["at_least"] = 3
    data["pools"]["emissions"]["pollutants"]["SO2"]["total_t"] = 10
    with pytest.raises(InfeasibleError) as err:
        solve_portfolio(Instance.from_dict(data), time_limit=20)
    msg = str(err.value)
    assert err.value.exit_code == 3 and "`rev-1000` (2022 专栏一)" in msg and "`emissions-total:SO2`" in msg


def test_errors_name_the_field() -> None:
    data = five()
    data["projects"][0]["zone"] = "nowhere"
    with pytest.raises(InstanceError, match=r"projects\[0\].zone: unknown zone 'nowhere'"):
        Instance.from_dict(data)
    data = five()
    del data["zones"][1]["metrics"]["revenue"]
    with pytest.raises(InstanceError, match=r"zones\[1\].metrics.revenue"):
        build_portfolio_model(Instance.from_dict(data))
    data = five()
    data["projects"] = []
    with pytest.raises(InstanceError, match="projects"):
        build_portfolio_model(Instance.from_dict(data))
    data = copy.deepcopy(five())
    data["portfolio"]["rules"][1]["numerator"] = {"projects": ["p9"]}
    with pytest.raises(InstanceError, match=r"portfolio.rules\[1\].numerator.projects\[0\]"):
        Instance.from_dict(data)


@pytest.mark.parametrize("unit,factor", [("yuan", 1e4), ("yi_yuan", 1e-4)])
def test_money_unit_changes_only_the_numbers(unit: str, factor: float) -> None:
    """Every money figure ×factor (zone revenue and tax, project fund, investment, tax,
    revenue, the budget, the revenue threshold): the same projects are chosen, the optimum
    (tax) scales, and the budget row stays near 1 in model units."""
    data = five()
    data["units"] = {"money": unit}
    for z in data["zones"]:
        z["metrics"] = {k: v * factor for k, v in z["metrics"].items()}
    for p in data["projects"]:
        for k in ("fund", "investment", "tax", "revenue"):
            p[k] *= factor
    data["pools"]["funds"]["budget"] *= factor
    data["portfolio"]["rules"][0]["threshold"] *= factor
    plan = solve_portfolio(Instance.from_dict(data))
    assert plan.objective == pytest.approx(58 * factor, rel=1e-9) and chosen(plan) == ["p1", "p3", "p4"]
    m = build_portfolio_model(Instance.from_dict(data)).model
    budget = m.row_block("funds-total")
    assert 0.1 <= m.row_ub[budget.start] <= 1e3
