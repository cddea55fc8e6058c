"""``explain_zone`` and ``python -m zoneopt explain``: a zone's allocation, score and grade,
binding rules with prices, the re-solves that show what would change its allocation, the
weight a zone at 0 needs, its place in a tilt; unknown zones (exit 2) and infeasible plans
(exit 3)."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from cli_runner import run, write
from land_cases import EXAMPLE, SMALL, cases, small4

from zoneopt import Instance, load, solve_land
from zoneopt.analysis.explain import ZoneExplanation, explain_zone, solve_land_detail
from zoneopt.analysis.sensitivity import solve_rule_prices
from zoneopt.errors import InfeasibleError, InvalidInputError


def case(name: str) -> Instance:
    return Instance.from_dict(next(c for c in cases() if c.name == name).data)


@pytest.fixture(scope="module")
def small() -> dict[str, ZoneExplanation]:
    inst = load(SMALL)
    solved = solve_land_detail(inst)
    return {z: explain_zone(inst, z, solved=solved) for z in "abcd"}


# -- small-4, by hand ---------------------------------------------------------------------------

def test_small4_allocation_prices_and_steps(small: dict[str, ZoneExplanation]) -> None:
    """small-4 by hand (tests/land_cases.py ``small4``): 亩均税收 a 50, b 30, c 20, d 5 万元/mu;
    a and b at their requests (300, 500), c takes the remaining 200, d is grade D and excluded.
    Efficiency 34,000 万元/yr; the pool's price is c's weight, 20; a's request cap is worth
    50 − 20 = 30 per mu, b's 30 − 20 = 10. A 10 mu step of a's cap (inside its range
    [100, 400]: c absorbs it) moves 10 mu from c to a: +300; of the pool, 10 mu more to c: +200."""
    a, b, c = (small[z].resource("land") for z in "abc")
    assert a.objective == pytest.approx(34000.0)
    assert (a.allocation, b.allocation, c.allocation) == pytest.approx((300.0, 500.0, 200.0))
    assert a.fulfilment == pytest.approx(1.0) and c.fulfilment == pytest.approx(0.5)
    for r in (a, b, c):
        assert r.pool_price == pytest.approx(20.0)
        assert (r.pool_range_lower, r.pool_range_upper) == pytest.approx((900.0, 1200.0))
    (req_a,) = [r for r in a.binding if r.rule == "req"]
    (req_b,) = [r for r in b.binding if r.rule == "req"]
    assert req_a.shadow_price == pytest.approx(30.0) and req_b.shadow_price == pytest.approx(10.0)
    assert req_a.source == "2017 §六(一)" and req_a.bound == pytest.approx(300.0)
    assert [r.rule for r in c.binding] == ["land-total"]  # c sits strictly inside its bounds
    assert a.step == 10.0
    up = next(s for s in a.steps if s.rule == "req" and s.delta > 0)
    assert (up.change, up.objective_change, up.predicted) == pytest.approx((10.0, 300.0, 300.0))
    down = next(s for s in a.steps if s.rule == "req" and s.delta < 0)
    assert (down.change, down.objective_change) == pytest.approx((-10.0, -300.0))
    pool_up = next(s for s in c.steps if s.rule == "land-total" and s.delta > 0)
    assert (pool_up.change, pool_up.objective_change) == pytest.approx((10.0, 200.0))
    assert all(s.change == pytest.approx(0.0) for s in a.steps if s.rule == "land-total")


def test_small4_excluded_zone(small: dict[str, ZoneExplanation]) -> None:
    """d (grade D, 亩均税收 4000/800 = 5) is held at 0 by rule no-d (2017 §十(四)); without it
    its weight would have to reach the pool's price 20 (c is the marginal zone): a rise of 15."""
    d = small["d"]
    land = d.resource("land")
    assert d.grade == "D" and d.grade_from is None and d.evaluations == ()
    assert land.allocation == 0.0
    assert [(r.rule, r.type, r.source) for r in land.binding if r.rule != "land-total"] == \
        [("no-d", "exclude", "2017 §十(四)")]
    w = land.weight
    assert w is not None
    assert w.blocked_by == ("no-d",)
    assert w.indicator == "tax_per_mu" and w.value == pytest.approx(5.0)
    assert w.rise == pytest.approx(15.0)
    assert math.isnan(w.resolved_rise)  # blocked: no re-solve would give it land
    text = d.text()
    assert "whatever its weight while no-d" in text and "rise by at least 15 to 20" in text


def test_weight_threshold_matches_a_resolve_of_the_instance() -> None:
    """small-4 without the exclusion: d (weight 5) stays at 0 until its 亩均税收 passes c's 20;
    checked on the instance itself (d's tax set just below and just above 20 × 800 mu)."""
    data = small4()
    data["rules"] = [r for r in data["rules"] if r["id"] != "no-d"]
    land = explain_zone(Instance.from_dict(data), "d").resource("land")
    w = land.weight
    assert w is not None and w.blocked_by == ()
    assert w.rise == pytest.approx(15.0)
    assert w.resolved_allocation > 0 and w.rise <= w.resolved_rise <= w.rise * 1.05
    for factor, gets in ((0.98, False), (1.02, True)):
        variant = copy.deepcopy(data)
        d = next(z for z in variant["zones"] if z["id"] == "d")
        d["metrics"]["tax"] = (w.value + factor * w.rise) * d["land_area_mu"]
        got = solve_land(Instance.from_dict(variant)).allocation()["d"]
        assert bool(got > 1e-6) is gets


def test_tilt_neighbours() -> None:
    """tilt-2 (land_cases): a (score 90, 10 万元/mu) and b (score 50, 20 万元/mu), 100 mu each
    of existing land, a pool of 100 mu. The tilt forces x_a ≥ x_b, so 50/50 (1,500). Letting b
    exceed a's level by δ gives b (100+δ)/2 and a (100−δ)/2: +5 per mu, so b is held down by a
    at a price of 5 and a is tied to b (−5); one more mu of pool is split 0.5/0.5: 15."""
    inst = case("tilt")
    a, b = (explain_zone(inst, z).resource("land") for z in "ab")
    assert a.pool_price == pytest.approx(15.0)
    (ta,), (tb,) = a.tilts, b.tilts
    assert (tb.held, tb.above.zone if tb.above else None, tb.rank, tb.members) == ("down", "a", 2, 2)
    assert tb.price == pytest.approx(5.0) and tb.per_mu == pytest.approx(0.5)
    assert (ta.held, ta.below.zone if ta.below else None, ta.rank) == ("up", "b", 1)
    assert ta.price == pytest.approx(-5.0)
    assert ta.run == 2
    pool_up = next(s for s in a.steps if s.delta > 0)
    assert pool_up.change == pytest.approx(0.5 * pool_up.delta)


def test_equity_prices_are_the_first_stage() -> None:
    """small-4 under equity (land_cases ``equity``): everyone gets 1000/1200 = 5/6 of its
    request, so the pool's price is 1/1,200 of fulfilment per mu and a gets 250 mu."""
    a = explain_zone(case("equity"), "a").resource("land")
    assert a.objective == pytest.approx(5 / 6)
    assert a.allocation == pytest.approx(250.0)
    assert a.pool_price == pytest.approx(1 / 1200)
    assert any("equity objective" in n for n in a.notes)


def test_parcels_have_no_prices_but_resolves() -> None:
    """small-4 in 150 mu parcels (land_cases ``parcels``, a MIP): c gets one parcel of 150;
    prices are NaN; the re-solves move the pool by one parcel."""
    c = explain_zone(case("parcels"), "c").resource("land")
    assert c.allocation == pytest.approx(150.0)
    assert math.isnan(c.pool_price) and c.step == 150.0
    assert any("MIP" in n for n in c.notes)
    up = next(s for s in c.steps if s.rule == "land-total" and s.delta > 0)
    assert up.status == "optimal" and math.isnan(up.predicted)


# -- the 45-zone example -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def example() -> tuple[Instance, Any]:
    inst = load(EXAMPLE)
    return inst, solve_land_detail(inst)


def test_example_agrees_with_the_plan_and_prices(example: tuple[Instance, Any]) -> None:
    inst, solved = example
    plan = solve_land(inst)
    prices = solve_rule_prices(inst)
    pool_price = float(prices.loc[prices["rule"] == "land-total", "shadow_price"].iloc[0])
    table = plan.allocations.set_index("zone")
    top = str(table["allocation_mu"].idxmax())
    zero = str(table.index[(table["allocation_mu"] == 0) & ~table["binding_rules"].str.contains("exclude")][0])
    for zone in (top, zero):
        e = explain_zone(inst, zone, solved=solved)
        land = e.resource("land")
        assert land.allocation == pytest.approx(table.loc[zone, "allocation_mu"], abs=1e-6)
        assert land.objective == pytest.approx(plan.objective)
        assert land.pool_price == pytest.approx(pool_price)
        assert e.score == pytest.approx(table.loc[zone, "score"]) and e.grade == table.loc[zone, "grade"]
        # the rules the plan lists as binding for the zone are the ones explain finds binding
        assert {r.rule for r in land.for_zone} == set(filter(None, table.loc[zone, "binding_rules"].split(";")))
        # every evaluation the instance carries has a line; the assigning one is named
        assert [ev.evaluation for ev in e.evaluations] == [ev.id for ev in inst.evaluations]
        assert e.score_from == "muju-2022" and e.grade_from == "muju-2022"
        assert "郑州" in e.text() or e.name in e.text()


def test_example_steps_follow_the_price_inside_its_range(example: tuple[Instance, Any]) -> None:
    """Within a row's ranging interval the optimum is linear in the bound with slope = price, so
    every re-solve whose moved bound stays inside the interval changes the objective by exactly
    price × step; outside it, concavity (a maximisation) bounds the change by price × step."""
    inst, solved = example
    checked = 0
    for zone in ("xinxiang", "xinzheng", "luoyang", "puyang", "zhengzhou-erqi"):
        land = explain_zone(inst, zone, solved=solved).resource("land")
        ranges = {r.row: (r.range_lower, r.range_upper) for r in land.rules}
        for s in land.steps:
            if s.status != "optimal":
                continue
            lo, hi = ranges[s.row]
            scale = max(1.0, abs(land.objective)) * 1e-7
            assert s.objective_change <= s.predicted + scale  # concave in each bound
            if lo - 1e-9 <= s.bound + s.delta <= hi + 1e-9:
                assert s.objective_change == pytest.approx(s.predicted, abs=scale)
                checked += 1
    assert checked >= 4


def test_example_zone_at_zero_needs_more_weight(example: tuple[Instance, Any]) -> None:
    """A zone at 0 that no rule excludes: the reduced cost is a lower bound on the weight rise,
    and the re-solves find the rise at which it does get land."""
    inst, solved = example
    table = solved.plan.allocations
    zone = str(table.loc[(table["allocation_mu"] == 0) & ~table["binding_rules"].str.contains("exclude"),
                         "zone"].iloc[0])
    w = explain_zone(inst, zone, solved=solved).resource("land").weight
    assert w is not None and w.blocked_by == ()
    assert w.rise >= 0
    assert w.resolved_rise >= w.rise and w.resolved_allocation > 0


def test_find_zone_by_name(example: tuple[Instance, Any]) -> None:
    inst, solved = example
    by_name = explain_zone(inst, "新乡经开区", solved=solved)
    assert by_name.zone == "xinxiang"


def test_unknown_zone_names_close_matches() -> None:
    with pytest.raises(InvalidInputError, match=r"no zone 'xinxang'.*did you mean 'xinxiang' \(新乡经开区\)"):
        explain_zone(load(EXAMPLE), "xinxang")


# -- the command line ----------------------------------------------------------------------------

def test_cli_explain_small4() -> None:
    code, out, err = run("explain", str(SMALL), "a")
    assert code == 0, err
    assert out.startswith("zoneopt explain · small-4 · SYNTHETIC data")
    assert "req (2017 §六(一)) request_cap req[a]: upper bound 300 mu, price 30" in out
    assert "pool price (rule land-total, 2017 §六(一)): 20 " in out


def test_cli_explain_json() -> None:
    code, out, err = run("explain", str(SMALL), "c", "--json")
    assert code == 0, err
    data = json.loads(out)
    land = data["resources"][0]
    assert land["resource"] == "land" and land["allocation"] == pytest.approx(200.0)
    assert land["pool_price"] == pytest.approx(20.0)


def test_cli_unknown_zone_exit_2() -> None:
    code, out, err = run("explain", str(EXAMPLE), "郑州")
    assert code == 2 and out == ""
    assert "did you mean 'zhengzhou' (郑州经开区)" in err


def test_cli_infeasible_exit_3_with_diagnosis(tmp_path: Path) -> None:
    data = small4()
    data["rules"] = [r if r["id"] != "q-floor" else {**r, "floor_mu": 1200} for r in data["rules"]]
    code, out, err = run("explain", str(write(tmp_path, data)), "a")
    assert code == 3
    assert "infeasible" in err and "q-floor" in err
    with pytest.raises(InfeasibleError) as info:
        explain_zone(Instance.from_dict(data), "a")
    assert info.value.diagnosis is not None and "q-floor" in info.value.diagnosis.rule_ids


def test_cli_explain_help_documents_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = run("explain", "--help")
    assert code == 0
    text = capsys.readouterr().out
    assert "exit codes:" in text
    for fragment in ("0 explained", "2 invalid input", "3 the plan is infeasible", "4 no solution"):
        assert fragment in text


def test_bad_step() -> None:
    with pytest.raises(InvalidInputError, match="step"):
        explain_zone(load(SMALL), "a", step=0.0)
    assert np.isfinite(explain_zone(load(SMALL), "a", step=5.0).resource("land").steps[0].objective)
