"""``explain_zone`` / ``python -m zoneopt explain`` beyond land: a section per pollutant and for
funds with prices in the plan's units (checked by hand and by re-solves), and for a portfolio
the zone's totals and its projects with why each is in or out. The instances are those of
tests/test_resources_verbs.py, computed by hand there."""

from __future__ import annotations

import copy
import io
import json
import math
from pathlib import Path

import pytest
from test_resources_verbs import EMISSIONS, FUNDS, PORTFOLIO, emissions4, five, funds4

from zoneopt import Instance, load
from zoneopt.analysis.explain import ZoneExplanation, explain_zone, round_step
from zoneopt.cli import main
from zoneopt.errors import InvalidInputError
from zoneopt.models.emissions import solve_emissions
from zoneopt.models.funds import solve_funds
from zoneopt.models.portfolio import solve_portfolio


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def em() -> dict[str, ZoneExplanation]:
    inst = Instance.from_dict(emissions4())
    return {z: explain_zone(inst, z) for z in "abcd"}


# -- emission allowances --------------------------------------------------------------------------

def test_emission_sections_allocations_and_prices(em: dict[str, ZoneExplanation]) -> None:
    """emissions4 by hand (see its docstring): a gets 30 t SO2 and 10 t NOx (its requests); the
    SO2 pool is worth 0.1 and NOx's 10/60 objective units per t; a's SO2 request cap 0.4, b's
    0.2; a's NOx cap (50 − 10)/60."""
    a = em["a"]
    assert [r.resource for r in a.resources] == ["emissions:SO2", "emissions:NOx"]
    so2, nox = a.resource("emissions:SO2"), a.resource("emissions:NOx")
    assert (so2.allocation, nox.allocation) == pytest.approx((30.0, 10.0))
    assert so2.request == pytest.approx(30.0) and so2.fulfilment == pytest.approx(1.0) and so2.unit == "t"
    assert so2.pool_price == pytest.approx(0.1) and nox.pool_price == pytest.approx(10 / 60)
    assert so2.price_unit == "tce/yr × pool share per t" and so2.method == "lp"
    (req,) = [r for r in so2.binding if r.rule == "req"]
    assert req.shadow_price == pytest.approx(0.4) and req.bound == pytest.approx(30.0) and req.source == "2017 §六(一)"
    (req_nox,) = [r for r in nox.binding if r.rule == "req"]
    assert req_nox.shadow_price == pytest.approx(40 / 60)
    (req_b,) = [r for r in em["b"].resource("emissions:SO2").binding if r.rule == "req"]
    assert req_b.shadow_price == pytest.approx(0.2)
    assert so2.objective == pytest.approx(60.0)
    plan = solve_emissions(Instance.from_dict(emissions4()))
    for z in "abcd":
        for p in ("SO2", "NOx"):
            assert em[z].resource(f"emissions:{p}").allocation == pytest.approx(plan.allocation(f"{p}_t")[z])


def test_emission_steps_agree_with_prices(em: dict[str, ZoneExplanation]) -> None:
    """Step 1 t (1 % of the 100 t SO2 pool). a's SO2 cap +1 t: a +1, c −1 (c is the marginal
    zone): objective +0.4 = price × step; the pool +1 t goes to c: +0.1."""
    so2 = em["a"].resource("emissions:SO2")
    assert so2.step == 1.0 == round_step(100.0)
    up = next(s for s in so2.steps if s.rule == "req" and s.delta > 0)
    assert (up.change, up.objective_change, up.predicted) == pytest.approx((1.0, 0.4, 0.4))
    pool_c = next(s for s in em["c"].resource("emissions:SO2").steps if s.rule == "emissions-total:SO2" and s.delta > 0)
    assert (pool_c.change, pool_c.objective_change, pool_c.predicted) == pytest.approx((1.0, 0.1, 0.1))
    for s in so2.steps:  # every first-order prediction inside the ranges holds
        assert s.status == "optimal" and s.objective_change == pytest.approx(s.predicted, abs=1e-9)


def test_excluded_zone_is_blocked_whatever_its_weight(em: dict[str, ZoneExplanation]) -> None:
    """d (reduction 80, the largest) fails the environmental standards: rule ``env`` holds it
    at 0 (SO2 price (80 − 10)/100 = 0.7); without it, d would get allowances at once (rise 0)."""
    so2 = em["d"].resource("emissions:SO2")
    assert so2.allocation == 0.0
    (env,) = [r for r in so2.binding if r.rule == "env"]
    assert env.shadow_price == pytest.approx(0.7) and env.source == "2017 §十(四)"
    assert so2.weight is not None and so2.weight.blocked_by == ("env",) and so2.weight.rise == pytest.approx(0.0)
    assert "holds it at 0" in em["d"].text()


def test_weight_a_zone_at_zero_needs() -> None:
    """SO2 pool 60 t: a 30, b 30 (of its 40), c nothing. The pool's price is b's weight over
    the pool, 30/60 = 0.5 per t; c earns 10/60 per t: its energy-stock reduction must rise by
    (0.5 − 10/60) × 60 = 20, to b's 30 tce/yr, before it gets any SO2; re-solving with c's
    reduction at 31 gives it SO2."""
    data = emissions4()
    data["pools"]["emissions"]["pollutants"]["SO2"]["total_t"] = 60
    c = explain_zone(Instance.from_dict(data), "c").resource("emissions:SO2")
    assert c.allocation == 0.0 and c.weight is not None and c.weight.blocked_by == ()
    assert c.weight.indicator == "energy_reduction_tce" and c.weight.value == pytest.approx(10.0)
    assert c.weight.rise == pytest.approx(20.0) and c.weight.unit == "tce/yr"
    data["zones"][2]["metrics"]["energy_reduction_tce"] = 31.0
    assert solve_emissions(Instance.from_dict(data)).allocation("SO2_t")["c"] > 0
    text = explain_zone(Instance.from_dict(emissions4()), "c").text()
    assert "emissions:SO2 (t):" in text and "pool price (rule emissions-total:SO2" in text


# -- funds ----------------------------------------------------------------------------------------

def test_fund_section_prices_in_money() -> None:
    """funds4 by hand: b sits at city R's floor of 300 万元 (price −1 per 万元: each 万元 moved
    from b (weight 5) to d (6) gains 1); the budget is worth 6 (d's weight). Lowering R's
    floor by one step (10 万元, 1 % of the budget) moves 10 from b to d: +10."""
    inst = Instance.from_dict(funds4())
    b = explain_zone(inst, "b")
    assert [r.resource for r in b.resources] == ["funds"]
    f = b.resource("funds")
    assert f.unit == "万元 (1e4 yuan)" and f.allocation == pytest.approx(300.0) and f.request == pytest.approx(500.0)
    assert f.pool_price == pytest.approx(6.0) and f.step == 10.0
    (floor,) = [r for r in f.binding if r.rule == "floor-r"]
    assert floor.shadow_price == pytest.approx(-1.0) and floor.side == "lower" and floor.bound == pytest.approx(300.0)
    down = next(s for s in f.steps if s.rule == "floor-r" and s.delta < 0)
    assert (down.change, down.objective_change, down.predicted) == pytest.approx((-10.0, 10.0, 10.0))
    a = explain_zone(inst, "a").resource("funds")
    assert a.allocation == pytest.approx(400.0) == solve_funds(inst).allocation("funds")["a"]
    assert "leverage" in f.price_unit or "investment" in f.price_unit
    assert "per 万元 (1e4 yuan)" in f.price_unit


def test_fund_tranches_are_a_mip_without_prices() -> None:
    """Tranches of 150 (test_funds' MIP case): a 300, b 300, c 300, d 0; no duals, but the
    re-solves step by one tranche."""
    data = funds4()
    data["pools"]["funds"]["tranche"] = 150
    e = explain_zone(Instance.from_dict(data), "a").resource("funds")
    assert e.method == "mip" and math.isnan(e.pool_price) and e.step == 150.0
    assert e.allocation == pytest.approx(300.0)
    assert e.steps and all(abs(s.delta) == 150.0 for s in e.steps)
    assert any("MIP" in n for n in e.notes)


# -- the portfolio --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pf() -> dict[str, ZoneExplanation]:
    inst = Instance.from_dict(five())
    return {z: explain_zone(inst, z) for z in "abc"}


def test_portfolio_zone_totals_per_resource(pf: dict[str, ZoneExplanation]) -> None:
    """p1, p3, p4 chosen: a uses 100 mu, 5 t SO2, 50 万元; b 170 mu, 7 t, 80 万元; c nothing."""
    a = pf["a"]
    assert [r.resource for r in a.resources] == ["land", "emissions:SO2", "funds", "portfolio"]
    assert (a.resource("land").allocation, a.resource("emissions:SO2").allocation,
            a.resource("funds").allocation) == pytest.approx((100.0, 5.0, 50.0))
    b = pf["b"]
    assert (b.resource("land").allocation, b.resource("emissions:SO2").allocation,
            b.resource("funds").allocation) == pytest.approx((170.0, 7.0, 80.0))
    so2 = a.resource("emissions:SO2")
    assert so2.pool_total == 12 and so2.pool_allocated == pytest.approx(12) and so2.method == "mip"
    assert math.isnan(so2.pool_price)
    port = a.resource("portfolio")
    assert (port.allocation, port.request, port.pool_total, port.pool_allocated) == (1.0, 2.0, 5.0, 3.0)
    assert port.objective == pytest.approx(58.0)


def test_portfolio_rejected_project_and_what_blocks_it(pf: dict[str, ZoneExplanation]) -> None:
    """p2 (a's other project) is left out: adding it to p1 + p3 + p4 would pass the land pool
    by 50 mu (350 > 300), the SO2 pool by 2 t (14 > 12), the budget by 20 (170 > 150), and the
    leading-industry share: leading investment 1,100 of 1,600 industrial is 68.75 % < 70 %,
    short by 0.7 × 1,600 − 1,100 = 20 万元 of leading investment."""
    d = {p.project: p for p in pf["a"].resource("portfolio").projects}
    assert set(d) == {"p1", "p2"} and d["p1"].chosen and not d["p2"].chosen
    over = {b.rule: (b.over, b.unit) for b in d["p2"].blocked_by}
    assert set(over) == {"land-total", "emissions-total:SO2", "funds-total", "leading-70"}
    assert over["land-total"] == (pytest.approx(50.0), "mu")
    assert over["emissions-total:SO2"] == (pytest.approx(2.0), "t")
    assert over["funds-total"] == (pytest.approx(20.0), "万元 (1e4 yuan)")
    assert over["leading-70"][0] == pytest.approx(20.0)
    assert d["p2"].reason.startswith("left out: adding it alone would break")


def test_portfolio_chosen_project_needed_for_a_target(pf: dict[str, ZoneExplanation]) -> None:
    """p1 lifts a from 900 to 1,050 ≥ 1,000: a reaches ``rev-1000`` only with it. Forced out,
    the best plan is p3 + p4 (b and c reach 1,000; p3 + p2 fails the 70 % share, p5 needs
    8 t with 6 left): tax 38, 20 less."""
    d = {p.project: p for p in pf["a"].resource("portfolio").projects}
    p1 = d["p1"]
    assert p1.needed_for == ("rev-1000",) and p1.fund_given == pytest.approx(50.0)
    assert p1.forced_status == "optimal" and p1.forced_objective_change == pytest.approx(-20.0)
    assert p1.forced_changes == ()  # p3 and p4 stay; p1 itself is not listed
    assert "dropping it costs 20" in p1.reason
    data = five()
    data["projects"] = [p for p in data["projects"] if p["id"] != "p1"]
    assert solve_portfolio(Instance.from_dict(data)).objective == pytest.approx(38.0)


def test_portfolio_project_no_plan_can_include(pf: dict[str, ZoneExplanation]) -> None:
    """p5 (c's project) needs 8 t of SO2: with it only 4 t remain and neither a (p1: 5 t) nor b
    (p3: 6 t) can reach 1,000, so the count target fails: forced in, infeasible."""
    (p5,) = pf["c"].resource("portfolio").projects
    assert not p5.chosen and p5.forced_status == "infeasible" and "no plan can include it" in p5.reason
    over = {b.rule: b.over for b in p5.blocked_by}
    assert over["emissions-total:SO2"] == pytest.approx(8.0) and over["land-total"] == pytest.approx(120.0)
    text = pf["c"].text()
    assert "portfolio (projects):" in text and "✗ 项目p5 (p5)" in text and "`emissions-total:SO2` by 8 t" in text


def test_portfolio_resolves_limit(pf: dict[str, ZoneExplanation]) -> None:
    e = explain_zone(Instance.from_dict(five()), "a", project_resolves=0).resource("portfolio")
    assert all(p.forced_status == "" for p in e.projects)
    assert [p.blocked_by for p in e.projects] == [p.blocked_by for p in pf["a"].resource("portfolio").projects]


# -- the bundled examples and the command line ---------------------------------------------------

def test_cli_emission_example(tmp_path: Path) -> None:
    code, out, err = run("explain", str(EMISSIONS), "lankao", "--lang", "en")
    assert code == 0, err
    for section in ("land (mu):", "emissions:SO2 (t):", "emissions:NOx (t):", "emissions:PM (t):"):
        assert f"\n{section}\n" in out
    code, out, err = run("explain", str(EMISSIONS), "lankao")  # the Henan examples: Chinese
    assert "\n排污指标 SO2（吨）：\n" in out and "\n新增建设用地指标（亩）：\n" in out
    inst = load(EMISSIONS)
    plan = solve_emissions(inst)
    code, out, err = run("explain", str(EMISSIONS), "lankao", "--json")
    doc = json.loads(out)
    got = {r["resource"]: r["allocation"] for r in doc["resources"]}
    for p in ("SO2", "NOx", "COD", "NH3-N", "VOCs", "PM"):
        assert got[f"emissions:{p}"] == pytest.approx(plan.allocation(f"{p}_t")["lankao"], abs=1e-6)


def test_cli_fund_example() -> None:
    code, out, err = run("explain", str(FUNDS), "lankao", "--lang", "en")
    assert code == 0, err
    assert "\nfunds (yi yuan):\n" in out and "pool price (rule funds-total, 2017 §十(三)): none" in out
    assert "re-solves with one bound moved by 0.05 yi yuan" in out  # a tranche of 500 万元, in 亿元


def test_cli_portfolio_example_json() -> None:
    code, out, err = run("explain", str(PORTFOLIO), "lankao", "--json", "--project-resolves", "1")
    assert code == 0, err
    doc = json.loads(out)
    port = next(r for r in doc["resources"] if r["resource"] == "portfolio")
    plan = solve_portfolio(load(PORTFOLIO))
    mine = plan.projects[plan.projects["zone"] == "lankao"]
    assert {p["project"] for p in port["projects"]} == set(mine["project"])
    assert {p["project"] for p in port["projects"] if p["chosen"]} == set(mine.loc[mine["chosen"], "project"])
    assert sum(p["forced_status"] != "" for p in port["projects"]) == 1
    for p in port["projects"]:
        assert p["chosen"] or p["blocked_by"] or "fits" in p["reason"]
    assert run("explain", str(PORTFOLIO), "lankao", "--project-resolves", "-1")[0] == 2


def test_instance_without_resources_and_zsg() -> None:
    data = emissions4()
    data["pools"] = {}
    with pytest.raises(InvalidInputError, match="explain needs a resource"):
        explain_zone(Instance.from_dict(data), "a")
    data = emissions4()
    for z in data["zones"]:
        z["metrics"].update(energy_tce=100.0, value_added=1000.0 if z["id"] != "a" else 500.0,
                            emissions_t={"SO2": 10.0, "NOx": 5.0})
    data["pools"]["emissions"]["objective"] = {"kind": "zsg_dea"}
    e = explain_zone(Instance.from_dict(copy.deepcopy(data)), "a")
    so2 = e.resource("emissions:SO2")
    assert so2.method == "zsg-dea" and so2.rules == () and "DEA efficiency" in " ".join(so2.notes)
    assert so2.allocation == pytest.approx(solve_emissions(Instance.from_dict(data)).allocation("SO2_t")["a"])
