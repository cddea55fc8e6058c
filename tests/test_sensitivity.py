"""Sensitivity analysis (zoneopt.analysis.sensitivity): rule prices checked against finite differences on
every LP backend, HiGHS ranging checked by re-solving inside and outside the reported range,
what-if curves and the efficiency–equity frontier checked against hand-computed values
(tests/land_cases.py gives the arithmetic for small-4) and against the pure optima."""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

import numpy as np
import pandas as pd
import pytest
from land_cases import EXAMPLE, cases, small4, standard_example, zone

from zoneopt import Instance, InstanceError, InvalidInputError, load, solve_land
from zoneopt.analysis.sensitivity import (
    FRONTIER_COLUMNS,
    PRICE_COLUMNS,
    frontier,
    frontier_allocations,
    rank_rules,
    rule_costs,
    rule_prices,
    solve_rule_prices,
    what_if,
    what_if_targets,
)
from zoneopt.core import Model, Solution, Status, backend_names, get_backend, solve
from zoneopt.core.backends.highs import row_ranging
from zoneopt.instance import GroupBoundsRule, ZoneBoundsRule
from zoneopt.models.land_quota import LandModel, build_land_model

CASES = {c.name: c for c in cases()}
LP_CASES = [name for name, c in CASES.items() if not c.mip]
LP_BACKENDS = [b for b in backend_names() if get_backend(b).duals and get_backend(b).continuous]
# Finite-difference step (model units of land) and allowed noise (model objective units per
# model unit of land), as in tests/core/test_duals.py: vertex methods are exact to ~1e-12, so a
# step of 1e-4 resolves the slope to 1e-6; PDLP stops at componentwise relative KKT error 1e-8
# (ortools_backend.py), so it needs a step of 1e-2 and 1e-4 noise.
FD_STEP = {"ortools-pdlp": 1e-2}
FD_NOISE = {"ortools-pdlp": 1e-4}
MONEY = "万元 (1e4 yuan)/yr"


def land_model(name: str) -> LandModel:
    return build_land_model(Instance.from_dict(CASES[name].data))


def moved(model: Model, row: int, side: str, delta: float) -> Model:
    """``model`` with the bound of ``row`` on ``side`` (both for ``equal``) moved by ``delta``."""
    lb, ub = model.row_lb.copy(), model.row_ub.copy()
    if side in ("upper", "equal"):
        ub[row] += delta
    if side in ("lower", "equal"):
        lb[row] += delta
    return dataclasses.replace(model, row_lb=lb, row_ub=ub)


def optimum(lm: LandModel, model: Model, backend: str) -> float:
    """Optimal value in natural units; ∓inf (max / min) when the moved bound leaves no plan."""
    s = solve(model, backend)
    if s.status is Status.INFEASIBLE:
        return -np.inf if model.sense == "max" else np.inf
    assert s.status is Status.OPTIMAL, (backend, s.status, s.message)
    assert s.objective is not None
    return s.objective * lm.obj_scale


def one_sided(lm: LandModel, row: int, side: str, backend: str, h: float, base: float) -> tuple[float, float]:
    """(left, right) derivatives of the optimum per mu of the bound, by steps of ``h`` model units."""
    mu = h * lm.land_unit
    up = optimum(lm, moved(lm.model, row, side, +h), backend)
    down = optimum(lm, moved(lm.model, row, side, -h), backend)
    with np.errstate(invalid="ignore"):
        return (base - down) / mu, (up - base) / mu


def check_prices_by_finite_differences(lm: LandModel, prices: pd.DataFrame, backend: str) -> int:
    """Every listed price lies within [left, right] derivative (an LP's optimum is piecewise
    linear in a bound; at a breakpoint every optimal dual lies between the one-sided slopes).
    Returns the number of rows checked."""
    names = {n: i for i, n in enumerate(lm.model.constraint_names())}
    h = FD_STEP.get(backend, 1e-4)
    base = optimum(lm, lm.model, backend)
    for rec in prices.itertuples():
        left, right = one_sided(lm, names[rec.row], rec.side, backend, h, base)
        tol = FD_NOISE.get(backend, 1e-6) * lm.obj_scale / lm.land_unit * max(1.0, abs(rec.shadow_price))
        lo, hi = min(left, right), max(left, right)
        assert lo - tol <= rec.shadow_price <= hi + tol, (backend, rec.row, rec.shadow_price, left, right)
    return len(prices)


# -- rule prices ---------------------------------------------------------------------------------

def test_small4_prices_ranges_and_values_by_hand() -> None:
    """small-4 (tests/land_cases.py): pool price 20 万元/yr per mu (c's weight; c sits strictly
    inside its bounds), a's and b's request caps 50 − 20 = 30 and 30 − 20 = 10.

    Ranges by hand: c = Q − 800 absorbs any change of the pool while 100 (the Q floor) <= c <= 400
    (its request): Q in [900, 1200]. Raising a's cap by d takes d from c: c = 200 − d in
    [100, 400] gives a's cap in [100, 400]; likewise b's cap in [300, 600]. Imputed values
    20·1000 + 30·300 + 10·500 = 34,000, the optimum (LP duality)."""
    table = solve_rule_prices(load(EXAMPLE.parent / "small-4.json"))
    assert list(table.columns) == list(PRICE_COLUMNS)
    prices = table.set_index("row")
    expect = {"land-total[total]": (20.0, 900.0, 1200.0), "req[a]": (30.0, 100.0, 400.0),
              "req[b]": (10.0, 300.0, 600.0)}
    for row, (price, lo, hi) in expect.items():
        assert prices.loc[row, "shadow_price"] == pytest.approx(price, rel=1e-9)
        assert (prices.loc[row, "range_lower"], prices.loc[row, "range_upper"]) == pytest.approx((lo, hi), rel=1e-9)
        assert prices.loc[row, "binding"] and prices.loc[row, "side"] == "upper"
    assert prices["value"].sum() == pytest.approx(34000.0, rel=1e-9)
    assert prices.attrs["objective"] == pytest.approx(34000.0)
    assert prices.loc["land-total[total]", "type"] == "pool" and prices.loc["land-total[total]", "label"] == "total"
    assert prices.loc["req[a]", "unit"] == f"{MONEY} per mu" and prices.loc["req[a]", "source"] == "2017 §六(一)"
    # d is excluded (binding at 0, worth nothing: d earns 5 < 20); c's request cap is slack and
    # not listed; the Q floor binds nowhere, so its one row is shown with its slack of 100 mu.
    assert prices.loc["no-d[d]", "binding"] and prices.loc["no-d[d]", "shadow_price"] == 0.0
    assert "req[c]" not in prices.index
    q = prices.loc["q-floor:floor_mu[Q]"]
    assert (q["binding"], q["side"], q["bound"], q["activity"], q["slack"]) == (False, "lower", 100.0, 200.0, 100.0)
    assert q["range_lower"] == -np.inf and q["range_upper"] == pytest.approx(200.0)


def test_rank_rules_orders_by_impact() -> None:
    """Loosening both binding request caps by a mu is worth 30 + 10 = 40, the pool 20: the
    request caps cost the most; rules with no price follow in model order."""
    ranked = rank_rules(solve_rule_prices(Instance.from_dict(small4())))
    assert ranked["rule"].tolist() == ["req", "land-total", "no-d", "q-floor"]
    assert ranked["impact"].tolist()[:2] == pytest.approx([40.0, 20.0])
    assert ranked.set_index("rule").loc["req", "top_row"] == "req[a]"
    assert ranked.set_index("rule").loc["req", "binding_rows"] == 2
    assert ranked.set_index("rule").loc["req", "value"] == pytest.approx(14000.0)


def test_rule_costs_by_hand() -> None:
    """small-4 without request caps: a takes all but the 100 mu the Q floor keeps for c,
    900·50 + 100·20 = 47,000, so the caps cost 13,000 万元/yr; the exclusion (d earns least)
    and the slack Q floor cost nothing. tilt-2 without its tilt gives all 100 mu to b: 2,000
    instead of 1,500 (tests/land_cases.py)."""
    costs = rule_costs(Instance.from_dict(small4()))
    assert costs["rule"].tolist()[0] == "req" and costs.attrs["objective"] == pytest.approx(34000)
    assert costs.set_index("rule")["cost"].to_dict() == pytest.approx({"req": 13000, "no-d": 0, "q-floor": 0})
    assert costs.set_index("rule").loc["req", "objective"] == pytest.approx(47000)
    assert rule_costs(Instance.from_dict(CASES["tilt"].data))["cost"].tolist() == pytest.approx([500])
    # baseline (a minimisation): dropping the request caps lets a reach its baseline 346.2,
    # saving its 46.2 mu of deviation
    base = rule_costs(Instance.from_dict(CASES["baseline"].data), rules=["req"])
    assert base["cost"].tolist() == pytest.approx([90000 / 260 - 300])
    with pytest.raises(InvalidInputError, match="no rule 'nope'"):
        rule_costs(Instance.from_dict(small4()), rules=["nope"])


def test_rules_without_a_binding_row_cost_nothing() -> None:
    """On the 45-zone example the request caps and the national floor bind nowhere: dropping
    them leaves the optimum; the rules with a positive first-order impact cost something."""
    inst = standard_example()
    costs = rule_costs(inst).set_index("rule")
    ranked = rank_rules(solve_rule_prices(inst)).set_index("rule")
    for rule in ranked.index.drop("land-total"):
        if ranked.loc[rule, "binding_rows"] == 0:
            assert costs.loc[rule, "cost"] == pytest.approx(0.0, abs=1e-6 * costs.attrs["objective"]), rule
        if ranked.loc[rule, "impact"] > 1e-6:
            assert costs.loc[rule, "cost"] > 0, rule


@pytest.mark.parametrize("backend", LP_BACKENDS)
@pytest.mark.parametrize("name", LP_CASES)
def test_prices_match_finite_differences(name: str, backend: str) -> None:
    lm = land_model(name)
    sol = solve(lm.model, backend)
    assert sol.status is Status.OPTIMAL
    prices = rule_prices(lm, sol)
    assert prices["shadow_price"].notna().all()
    assert prices["binding"].any()
    assert check_prices_by_finite_differences(lm, prices, backend) == len(prices)
    if backend == "highs":
        assert prices["range_note"].eq("").all() and prices["range_lower"].notna().all()
    else:
        assert prices["range_lower"].isna().all() and prices["range_upper"].isna().all()
        assert prices["range_note"].str.contains(f"from {backend}").all()


def test_prices_match_finite_differences_on_the_45_zone_example() -> None:
    """The example is degenerate (tilt rows bind at 0 in bulk, hebi is both locked and capped):
    each price must still lie between the one-sided slopes."""
    inst = standard_example()
    lm = build_land_model(inst)
    prices = solve_rule_prices(inst)
    assert prices["binding"].sum() >= 5
    check_prices_by_finite_differences(lm, prices, "highs")
    # the pool's price is the tax per extra mu of quota, and agrees with the plan's bindings
    plan = solve_land(inst).bindings.set_index("row")
    total = prices.set_index("row").loc["land-total[total]", "shadow_price"]
    assert total == pytest.approx(plan.loc["land-total[total]", "shadow_price"], rel=1e-12) and total > 0


def test_imputed_values_add_up_to_the_efficiency_optimum() -> None:
    """LP duality: Σ dual × active bound = optimum (the land model's variable bounds are 0 at
    the optimum or carry no reduced cost), so the rules' values decompose the objective."""
    for data in (CASES["group-cap-share"].data, CASES["bounds-lock"].data, standard_example()):
        inst = data if isinstance(data, Instance) else Instance.from_dict(data)
        prices = solve_rule_prices(inst)
        assert prices["value"].sum() == pytest.approx(prices.attrs["objective"], rel=1e-7)


def test_equity_prices_come_from_the_first_stage() -> None:
    """Equity on small-4: t = pool / 1,200 while the pool binds, so the pool is worth 1/1,200
    of fulfilment per mu; activities are the plan's (the tie-break stage)."""
    inst = Instance.from_dict(CASES["equity"].data)
    prices = solve_rule_prices(inst).set_index("row")
    assert prices.loc["land-total[total]", "shadow_price"] == pytest.approx(1 / 1200, rel=1e-9)
    assert prices.attrs["objective"] == pytest.approx(5 / 6)
    assert prices.loc["land-total[total]", "unit"] == "min fulfilment (share of request) per mu"
    assert prices.loc["land-total[total]", "range_note"] == ""


def test_no_prices_for_a_mip_or_a_backend_without_duals() -> None:
    lm = land_model("parcels")
    prices = rule_prices(lm, solve(lm.model, "highs"))
    assert prices["shadow_price"].isna().all() and prices["range_lower"].isna().all()
    assert prices["range_note"].str.contains("MIP").all()
    assert prices["binding"].any()  # binding rows are still reported
    assert rank_rules(prices)["rule"].tolist()[0] == "land-total"  # no price: model order
    lm = land_model("efficiency")
    prices = rule_prices(lm, solve(lm.model, "ortools-scip"))
    assert prices["shadow_price"].isna().all() and prices["range_note"].str.contains("no duals").all()


def test_ranging_on_request_with_another_backend_and_bad_input() -> None:
    lm = land_model("efficiency")
    sol = solve(lm.model, "ortools-glop")
    prices = rule_prices(lm, sol, ranging=True).set_index("row")
    assert prices.loc["land-total[total]", "range_lower"] == pytest.approx(900.0)
    assert rule_prices(lm, solve(lm.model, "highs"), ranging=False)["range_note"].eq("ranging not requested").all()
    # a ranging whose duals are not the solution's is not used
    rr = row_ranging(lm.model)
    other = dataclasses.replace(rr, row_duals=rr.row_duals + 1.0)
    assert rule_prices(lm, sol, ranging=other)["range_lower"].isna().all()
    with pytest.raises(InvalidInputError, match="no point"):
        rule_prices(lm, Solution(Status.INFEASIBLE, "highs"))


# -- ranging ------------------------------------------------------------------------------------

def slope(lm: LandModel, row: int, side: str, a: float, b: float) -> float:
    """(V(b) − V(a)) / (b − a) for the bound of ``row`` set to a and b (mu), HiGHS."""
    model = lm.model
    current = (model.row_ub if side != "lower" else model.row_lb)[row]
    va = optimum(lm, moved(model, row, side, a / lm.land_unit - current), "highs")
    vb = optimum(lm, moved(model, row, side, b / lm.land_unit - current), "highs")
    return (vb - va) / (b - a)


@pytest.mark.parametrize("name", [*LP_CASES, "example"])
def test_price_holds_inside_the_reported_range(name: str) -> None:
    """Half-way to each end of the range (or 1 land unit beyond the bound when the range is
    open), the optimum still moves at exactly the price."""
    inst = standard_example() if name == "example" else Instance.from_dict(CASES[name].data)
    lm = build_land_model(inst)
    prices = solve_rule_prices(inst)
    names = {n: i for i, n in enumerate(lm.model.constraint_names())}
    checked = 0
    for rec in prices.itertuples():
        for end in (rec.range_lower, rec.range_upper):
            if end == rec.bound:
                continue
            inside = rec.bound + (0.5 * (end - rec.bound) if np.isfinite(end) else np.sign(end) * lm.land_unit)
            got = slope(lm, names[rec.row], rec.side, rec.bound, inside)
            tol = 1e-6 * lm.obj_scale / lm.land_unit * max(1.0, abs(rec.shadow_price))
            assert got == pytest.approx(rec.shadow_price, abs=tol), (rec.row, rec.bound, inside)
            checked += 1
    assert checked >= 2


@pytest.mark.parametrize("name", ["efficiency", "group-cap-share", "tilt", "bounds-lock"])
def test_price_changes_just_outside_the_range(name: str) -> None:
    """These cases are non-degenerate: each finite end of a binding row's range is a true
    breakpoint, so one mu beyond it the slope differs from the price (or no plan exists).
    E.g. group-cap-share: the P cap (price 20: a gains 30, c loses 10) holds up to 1,000 mu,
    where c has nothing left to give; the pool (price 10, c's weight) from 400 mu, below which
    all of it goes to a (30)."""
    lm = land_model(name)
    prices = rule_prices(lm, solve(lm.model, "highs"))
    names = {n: i for i, n in enumerate(lm.model.constraint_names())}
    checked = 0
    for rec in prices[prices["binding"] & (prices["range_lower"] < prices["range_upper"])].itertuples():
        for end, step in ((rec.range_lower, -1.0), (rec.range_upper, 1.0)):
            if not np.isfinite(end):
                continue
            got = slope(lm, names[rec.row], rec.side, end, end + step)
            assert not got == pytest.approx(rec.shadow_price, abs=1e-6), (rec.row, end)
            checked += 1
    assert checked >= 2
    if name == "group-cap-share":
        p = prices.set_index("row")
        assert (p.loc["p-cap:cap_share[P]", "shadow_price"], p.loc["land-total[total]", "shadow_price"]) == \
            pytest.approx((20.0, 10.0))
        assert p.loc["p-cap:cap_share[P]", "range_upper"] == pytest.approx(1000.0)
        assert (p.loc["land-total[total]", "range_lower"], p.loc["land-total[total]", "range_upper"]) == \
            pytest.approx((400.0, np.inf))


def test_row_ranging_refuses_a_mip() -> None:
    from zoneopt.errors import UnsupportedModelError

    with pytest.raises(UnsupportedModelError, match="integer"):
        row_ranging(land_model("parcels").model)


# -- what-if ------------------------------------------------------------------------------------

def test_what_if_pool_on_small4_by_hand() -> None:
    """Pool 50 mu cannot cover the Q floor of 100: infeasible, recorded. 800: a 300, b 400,
    c its floor 100 → 29,000; 1,000 → 34,000; 1,200: c at its request 400 → 38,000; 1,300:
    d is excluded, so 100 mu stay unused → 38,000. Slopes (the marginal column): 30 (b is the
    marginal zone), 20 (c), 0, 0."""
    curve = what_if(Instance.from_dict(small4()), "pool", [0.05, 0.8, 1.0, 1.2, 1.3])
    pts = curve.points
    assert pts["status"].tolist() == ["infeasible"] + ["optimal"] * 4
    assert pts["value"].tolist() == pytest.approx([50, 800, 1000, 1200, 1300])
    assert pts["objective"].tolist()[1:] == pytest.approx([29000, 34000, 38000, 38000])
    assert np.isnan(pts["objective"][0]) and curve.allocations[0].isna().all()
    assert pts["marginal"].tolist()[1:] == pytest.approx([30, 20, 0, 0], abs=1e-9)
    assert curve.allocations.loc[["a", "b", "c", "d"], 1].tolist() == pytest.approx([300, 400, 100, 0])
    assert pts["allocated_mu"].tolist()[1:] == pytest.approx([800, 1000, 1200, 1200])
    assert (curve.rule, curve.field, curve.unit, curve.base_value, curve.method) == \
        ("land-total", "total_mu", "mu", 1000.0, "bounds")
    assert curve.objective_unit == MONEY and list(curve.allocations.columns) == [0, 1, 2, 3, 4]


def test_what_if_absolute_values_and_rule_targets() -> None:
    """small-4. Request-cap share 0.5 halves every cap: a 150, b 250, c 200 (600 mu of the
    1,000, the pool is slack): 7,500 + 7,500 + 4,000 = 19,000. The Q floor: at 300 mu c gets
    300 and b the remaining 400 (33,000; each floor mu moves one mu from b to c, −10); at 500
    it cannot hold (c asks for 400 and d is excluded): infeasible."""
    inst = Instance.from_dict(small4())
    share = what_if(inst, "req", [0.5, 1.0], relative=False)
    assert share.field == "share" and share.unit == "share of request"
    assert share.points["objective"].tolist() == pytest.approx([150 * 50 + 250 * 30 + 200 * 20, 34000])
    floor = what_if(inst, "q-floor", [100.0, 300.0, 500.0], relative=False)
    assert floor.field == "floor_mu"
    assert floor.points["status"].tolist() == ["optimal", "optimal", "infeasible"]
    assert floor.points["objective"].tolist()[:2] == pytest.approx([34000, 33000])
    assert floor.points["marginal"][1] == pytest.approx(-10.0)
    assert floor.points["factor"].tolist() == pytest.approx([1.0, 3.0, 5.0])


def test_what_if_on_an_equity_objective_is_lexicographic() -> None:
    inst = Instance.from_dict(CASES["equity"].data)
    curve = what_if(inst, "pool", [1.0, 1.2])
    plan = solve_land(inst)
    assert curve.points["objective"][0] == pytest.approx(plan.objective)
    assert curve.points["secondary"][0] == pytest.approx(plan.summary.secondary_objective, rel=1e-9)
    # 1,200 mu meet every request of a, b and c in full
    assert curve.points["objective"][1] == pytest.approx(1.0)


@pytest.mark.parametrize("source", ["small4", "example", "group-cap-allocated", "bounds-lock", "baseline"])
def test_bounds_path_equals_rebuilding_the_instance(source: str) -> None:
    """Changing only the built model's row bounds gives what rebuilding the changed instance
    gives, for every target the instance has."""
    inst = {"small4": lambda: Instance.from_dict(small4()), "example": lambda: standard_example()}.get(
        source, lambda: Instance.from_dict(CASES[source].data))()
    factors = [0.6, 0.9, 1.1, 1.5]
    targets = what_if_targets(inst)
    assert len(targets) >= 2
    for target in targets["target"]:
        fast = what_if(inst, target, factors)
        slow = what_if(inst, target, factors, rebuild=True)
        assert slow.method == "rebuild"
        assert fast.points["status"].tolist() == slow.points["status"].tolist(), target
        ok = fast.points["status"] == "optimal"
        scale = max(1.0, float(np.nanmax(np.abs(slow.points["objective"]))))
        np.testing.assert_allclose(fast.points["objective"][ok], slow.points["objective"][ok],
                                   rtol=1e-7, atol=1e-7 * scale, err_msg=target)


@pytest.mark.parametrize("target", ["pool", "corridor-cap", "city-cap"])
def test_what_if_marginal_lies_between_the_secants(target: str) -> None:
    """The optimum is concave in a scalar that only moves right-hand sides, so the marginal
    from the duals at each point is at most the secant slope from the point before and at
    least the one to the point after (equal to both inside a linear piece)."""
    curve = what_if(standard_example(corridor_cap=True), target, np.linspace(0.9, 1.1, 7))
    pts = curve.points[curve.points["status"] == "optimal"]
    assert len(pts) >= 3
    v, obj, marg = pts["value"].to_numpy(), pts["objective"].to_numpy(), pts["marginal"].to_numpy()
    secant = np.diff(obj) / np.diff(v)
    tol = 1e-6 * np.abs(obj).max() / np.diff(v).min()
    assert np.all(marg[1:] <= secant + tol) and np.all(marg[:-1] >= secant - tol), (marg, secant)


def test_what_if_mapping_amounts_and_locks_vary_by_factor() -> None:
    data = copy.deepcopy(CASES["bounds-lock"].data)  # a 600 cap, b locked at 100, c the rest
    data["rules"].append({"id": "city-caps", "type": "group_bounds", "by": "city", "cap_mu": {"P": 700, "R": 900}})
    data["rules"][1]["values_mu"] = {"b": 100, "c": 300}
    inst = Instance.from_dict(data)
    caps = what_if(inst, "city-caps", [0.5, 1.0])
    # P capped at 350: b keeps its 100, a 250; R at 450 ≥ c's lock of 300
    assert caps.unit.startswith("factor") and caps.points["value"].tolist() == [0.5, 1.0]
    assert caps.allocations.loc["a", 0] == pytest.approx(250.0)
    lock = what_if(inst, "lock-b", [2.0])
    assert lock.allocations.loc[["b", "c"], 0].tolist() == pytest.approx([200.0, 600.0])
    with pytest.raises(InvalidInputError, match="'city-caps'.*relative=True"):
        what_if(inst, "city-caps", [500.0], relative=False)


def test_what_if_rejects_bad_targets_and_values() -> None:
    inst = standard_example()
    with pytest.raises(InvalidInputError, match=r"'tilt-score' \(tilt\) has no scalar bound"):
        what_if(inst, "tilt-score", [1.0])
    with pytest.raises(InvalidInputError, match=r"'exclude-grade-d' \(exclude\)"):
        what_if(inst, "exclude-grade-d", [1.0])
    with pytest.raises(InvalidInputError, match="no such rule.*city-cap"):
        what_if(inst, "no-such-rule", [1.0])
    with pytest.raises(InvalidInputError, match="'city-cap'.*no 'cap_mu'"):
        what_if(inst, "city-cap:cap_mu", [1.0])
    with pytest.raises(InvalidInputError, match="finite and >= 0"):
        what_if(inst, "pool", [1.0, -0.1])
    with pytest.raises(InvalidInputError, match="no values"):
        what_if(inst, "pool", [])
    zero = Instance.from_dict(dict(small4(), rules=[{"id": "f", "type": "zone_bounds", "floor_mu": 0}]))
    with pytest.raises(InvalidInputError, match="'f' has floor_mu = 0"):
        what_if(zero, "f", [2.0])


def test_what_if_targets_lists_the_scalars() -> None:
    inst = standard_example(corridor_cap=True)
    t = what_if_targets(inst).set_index("target")
    rules = {r.id: r for r in inst.rules}
    city, corridor = rules["city-cap"], rules["corridor-cap"]
    assert isinstance(city, GroupBoundsRule) and isinstance(corridor, ZoneBoundsRule)
    assert inst.pools.land is not None and t.loc["pool", "value"] == inst.pools.land.total_mu
    assert t.loc["city-cap:cap_share", "value"] == city.cap_share
    assert t.loc["city-cap:cap_share", "unit"] == "share of pool"
    assert t.loc["corridor-cap:cap_mu", "value"] == corridor.cap_mu
    assert not any(rule in ("tilt-score", "exclude-grade-d") for rule in t["rule"])
    mapping = Instance.from_dict(dict(small4(), rules=[
        {"id": "g", "type": "group_bounds", "by": "city", "cap_mu": {"P": 700, "Q": 900}}]))
    g = what_if_targets(mapping).set_index("target").loc["g:cap_mu"]
    assert g["relative_only"] and g["unit"] == "factor" and np.isnan(g["value"])


# -- frontier -----------------------------------------------------------------------------------

def small4_frontier_by_hand(eps: float) -> float:
    """small-4, maximise 50a + 30b + 20c with a, b, c >= ε × (300, 500, 400). The efficiency
    optimum (300, 500, 200) has min fulfilment 1/2. For ε in [1/2, 7/9]: c = 400ε, a = 300,
    b = 700 − 400ε → 36,000 − 4,000ε; for ε in [7/9, 5/6]: b = 500ε too, a = 1,000 − 900ε →
    50,000 − 22,000ε (at 5/6: 31,666.7, the equity tie-break)."""
    return 36000 - 4000 * eps if eps <= 7 / 9 else 50000 - 22000 * eps


def test_frontier_small4_by_hand() -> None:
    front = frontier(Instance.from_dict(small4()), points=7)
    assert list(front.columns) == list(FRONTIER_COLUMNS)
    assert front["status"].eq("optimal").all()
    assert front["epsilon"].iloc[0] == pytest.approx(0.5) and front["epsilon"].iloc[-1] == pytest.approx(5 / 6)
    expected = [small4_frontier_by_hand(e) for e in front["epsilon"]]
    assert front["efficiency"].tolist() == pytest.approx(expected, rel=1e-7)
    assert (front["min_fulfilment"] >= front["epsilon"] - 1e-7).all()
    assert front.attrs["equity_optimum"] == pytest.approx(5 / 6)
    assert front.attrs["efficiency_unit"] == MONEY
    table = frontier_allocations(front)
    assert table.shape == (4, 7) and table.loc["d"].eq(0).all()
    assert table[6].tolist() == pytest.approx([250, 1250 / 3, 1000 / 3, 0], rel=1e-6)


@pytest.mark.parametrize("source", ["small4", "example", "parcels"])
def test_frontier_ends_are_the_pure_optima(source: str) -> None:
    """First point: the efficiency objective's optimum; last: the equity objective's optimum
    (minimum fulfilment) and its efficiency tie-break, exactly as solve_land reports them."""
    data: dict[str, Any] = (small4() if source == "small4" else CASES["parcels"].data if source == "parcels"
                            else load(EXAMPLE).model_dump(mode="json"))
    eff = solve_land(Instance.from_dict(dict(data, objective={"kind": "efficiency"})))
    eq = solve_land(Instance.from_dict(dict(data, objective={"kind": "equity"})))
    front = frontier(Instance.from_dict(data), points=5)
    assert front["efficiency"].iloc[0] == pytest.approx(eff.objective, rel=1e-9)
    assert front["efficiency"].iloc[-1] == pytest.approx(eq.summary.secondary_objective, rel=1e-9)
    assert front["min_fulfilment"].iloc[-1] == pytest.approx(eq.objective, rel=1e-7, abs=1e-9)
    assert front.attrs["efficiency_optimum"] == pytest.approx(eff.objective, rel=1e-9)
    assert (np.diff(front["efficiency"]) <= 1e-7 * abs(eff.objective)).all()
    np.testing.assert_allclose(frontier_allocations(front)[len(front) - 1].to_numpy(),
                               eq.allocation().to_numpy(), rtol=1e-6, atol=1e-6)


def test_frontier_needs_points_weights_and_requests() -> None:
    inst = Instance.from_dict(small4())
    with pytest.raises(InvalidInputError, match="points"):
        frontier(inst, points=1)
    data = small4()
    del data["zones"][1]["metrics"]["tax"]
    with pytest.raises(InstanceError, match=r"zones\[1\]"):
        frontier(Instance.from_dict(data))
    no_requests = {"name": "none", "zones": [zone("a", "P", 100, 1000), zone("b", "P", 100, 2000)],
                   "pools": {"land": {"total_mu": 100}}}
    with pytest.raises(InstanceError, match="requests"):
        frontier(Instance.from_dict(no_requests))
