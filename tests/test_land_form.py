"""The land model's solve form (:mod:`zoneopt.models.land_form`) against its reference form (the
rule rows as :func:`build_land_model` states them): the same status and optimum on generated
instances with ties, caps, floors, locks, exclusions, groups and tilts; the lifted point
feasible for the reference model; the lifted duals a dual certificate of the reference model
(c = Aᵀy + d, signs, complementary slackness, equal objectives); a hand-computed case whose
prices run through the tilt's chain; the algorithm chosen by shape."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from land_cases import ROOT

from zoneopt import Instance, InstanceError, load, solve_land
from zoneopt.core import Model, SolveOptions, Status
from zoneopt.core import solve as core_solve
from zoneopt.core.checker import check_solution
from zoneopt.core.solution import Solution
from zoneopt.models.land_form import PRESOLVE_OFF_FROM, choose_strategy, solve_form, solve_in_form
from zoneopt.models.land_plan import plan_from_solution
from zoneopt.models.land_quota import build_land_model, efficiency_stage

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def certificate(m: Model, sol: Solution, tol: float = 1e-7) -> None:
    """``sol``'s duals prove its point optimal for ``m``: c = Aᵀy + d, each price on a row or
    column bound that holds at the point and with the sign the sense asks, and the dual
    objective equal to the primal one."""
    x, y, d = sol.x, sol.row_duals, sol.reduced_costs
    assert x is not None and y is not None and d is not None
    scale = max(1.0, float(np.abs(m.c).max()))
    assert np.abs(m.c - m.A.T @ y - d).max() <= tol * scale
    act = m.A @ x
    mx = m.sense == "max"

    def at(value: Any, bound: Any) -> Any:
        return np.isfinite(bound) & (np.abs(value - bound) <= 1e-6 * np.maximum(1.0, np.abs(bound)))

    small = 1e-9 * scale
    up_row, lo_row = (y > small, y < -small) if mx else (y < -small, y > small)
    assert np.all(at(act, m.row_ub)[up_row]) and np.all(at(act, m.row_lb)[lo_row])
    up_col, lo_col = (d > small, d < -small) if mx else (d < -small, d > small)
    assert np.all(at(x, m.ub)[up_col]) and np.all(at(x, m.lb)[lo_col])
    dual = float(np.sum(y[up_row] * m.row_ub[up_row]) + np.sum(y[lo_row] * m.row_lb[lo_row])
                 + np.sum(d[up_col] * m.ub[up_col]) + np.sum(d[lo_col] * m.lb[lo_col])) + m.c0
    assert dual == pytest.approx(m.objective_value(x), rel=1e-7, abs=1e-7 * scale)


@st.composite
def instances(draw: st.DrawFn, max_zones: int = 14) -> dict[str, Any]:
    """Random land instances, feasible or not: scores with ties (few values), requests (some
    missing or zero), per-zone caps and floors on tagged zones, a lock, grade-D exclusion,
    group caps and floors (amounts, shares of the pool or of what is allocated), one or two
    tilts (per mu or per zone, excluded zones in or out), every objective, sometimes parcels."""
    n = draw(st.integers(2, max_zones))
    zones = []
    for k in range(n):
        zone: dict[str, Any] = {
            "id": f"z{k}", "city": draw(st.sampled_from(["P", "Q", "R"])),
            "land_area_mu": draw(st.sampled_from([10.0, 50.0, 100.0, 250.0, 1000.0])),
            "metrics": {"tax": draw(st.floats(1.0, 1e4)), "value_added": draw(st.floats(1.0, 1e4))},
            "score": draw(st.integers(0, 4)) * 10.0, "grade": draw(st.sampled_from("ABCD")),
            "tags": ["t"] if draw(st.booleans()) else [],
        }
        request = draw(st.one_of(st.none(), st.just(0.0), st.floats(1.0, 500.0)))
        if request is not None:
            zone["requests"] = {"land_mu": request}
        zones.append(zone)
    total = draw(st.floats(10.0, 3000.0))
    rules: list[dict[str, Any]] = [{"id": "req", "type": "request_cap", "share": draw(st.sampled_from([1.0, 0.8])),
                                    "missing": draw(st.sampled_from(["zero", "unlimited"]))}]
    if draw(st.booleans()):
        rules.append({"id": "tag-cap", "type": "zone_bounds", "select": {"tags": ["t"]},
                      "cap_mu": draw(st.floats(0.0, 300.0))})
    if draw(st.booleans()):
        select = draw(st.sampled_from([{"zones": [f"z{draw(st.integers(0, n - 1))}"]}, {"tags": ["t"]}]))
        rules.append({"id": "floor", "type": "zone_bounds", "select": select, "floor_mu": draw(st.floats(0.0, 50.0))})
    if draw(st.booleans()):
        rules.append({"id": "lock", "type": "lock", "values_mu": {f"z{draw(st.integers(0, n - 1))}":
                                                                   draw(st.floats(0.0, 100.0))}})
    if draw(st.booleans()):
        rules.append({"id": "no-d", "type": "exclude", "select": {"grades": ["D"]}})
    group = draw(st.sampled_from(["none", "cap-share", "cap-allocated", "floor-amount"]))
    if group == "cap-share":
        rules.append({"id": "city-cap", "type": "group_bounds", "by": "city", "cap_share": draw(st.floats(0.2, 1.0))})
    elif group == "cap-allocated":
        rules.append({"id": "city-cap", "type": "group_bounds", "by": "city", "cap_share": draw(st.floats(0.4, 1.0)),
                      "share_of": "allocated"})
    elif group == "floor-amount":
        rules.append({"id": "p-floor", "type": "group_bounds", "by": "city", "groups": ["P"],
                      "floor_mu": draw(st.floats(0.0, 100.0))})
    for k in range(draw(st.integers(0, 2))):
        rules.append({"id": f"tilt{k}", "type": "tilt", "by": ["score", "grade"][k],
                      "per": draw(st.sampled_from(["land_area", "zone"])),
                      "include_excluded": draw(st.booleans()),
                      "select": draw(st.sampled_from([{}, {"tags": ["t"]}]))})
    kind = draw(st.sampled_from(["efficiency", "efficiency", "equity", "baseline", "blend"]))
    objective: dict[str, Any] = {"kind": kind, "baseline_basis": draw(st.sampled_from(["land_area_mu", "tax"]))}
    if kind == "blend":
        objective["blend"] = {"efficiency": 1.0, "baseline": 0.5}
    pool: dict[str, Any] = {"total_mu": total}
    if draw(st.integers(0, 5)) == 0:
        pool["parcel_mu"] = draw(st.sampled_from([5.0, 25.0]))
    return {"name": "random-form", "zones": zones, "pools": {"land": pool}, "rules": rules, "objective": objective}


def _both(model: Model, tilts: Any) -> tuple[Solution, Solution]:
    reference = core_solve(model)
    fast, _ = solve_in_form(model, tilts, "highs", SolveOptions())
    return reference, fast


@SETTINGS
@given(instances())
def test_solve_form_has_the_reference_optimum_and_a_certificate(data: dict[str, Any]) -> None:
    try:
        lm = build_land_model(Instance.from_dict(data))
    except InstanceError:  # data an objective needs but the draw left out (equity without requests)
        assume(False)
        return
    reference, fast = _both(lm.model, lm.tilts)
    assert fast.status == reference.status
    if not reference.status.has_solution:
        return
    assert reference.objective is not None and fast.objective is not None and fast.x is not None
    scale = max(1.0, float(np.abs(lm.model.c).max()) * max(1.0, float(np.abs(fast.x).max())))
    assert fast.objective == pytest.approx(reference.objective, rel=1e-7, abs=1e-7 * scale)
    assert check_solution(lm.model, fast.x, fast.objective).passed  # a plan of the rule rows
    if not lm.model.is_mip:
        certificate(lm.model, fast)
        if lm.tilts:  # the tilt rows generated as needed (what large models do on HiGHS)
            lazy, _ = solve_in_form(lm.model, lm.tilts, "highs", SolveOptions(), lazy_tilt=True)
            assert lazy.status == reference.status
            assert lazy.objective == pytest.approx(reference.objective, rel=1e-7, abs=1e-7 * scale)
            certificate(lm.model, lazy)
    if lm.equity is not None and data["objective"]["kind"] == "equity":
        assert reference.x is not None
        stage2 = efficiency_stage(lm, float(reference.x[lm.equity.start]))
        ref2, fast2 = _both(stage2, lm.tilts)
        assert fast2.status == ref2.status == Status.OPTIMAL
        assert fast2.objective == pytest.approx(ref2.objective, rel=1e-7, abs=1e-7 * scale)
        if not stage2.is_mip:
            certificate(stage2, fast2)


@st.composite
def floors_under_a_tilt(draw: st.DrawFn) -> dict[str, Any]:
    """Tilted zones with floors and low weights next to an untilted zone that pays more for
    the pool: the floors, passed up the tiers, hold the tilted zones down at the optimum, so
    their prices run through the tilt's chain (the lower side of the solve form)."""
    n = draw(st.integers(2, 8))
    zones = [{"id": f"z{k}", "city": "P", "land_area_mu": draw(st.sampled_from([50.0, 100.0, 200.0])),
              "metrics": {"tax": draw(st.floats(10.0, 1e3))}, "score": draw(st.integers(0, 3)) * 10.0,
              "requests": {"land_mu": 1e4}, "tags": ["t"]} for k in range(n)]
    zones.append({"id": "sink", "city": "P", "land_area_mu": 1.0, "metrics": {"tax": 1e4}, "score": 0.0,
                  "requests": {"land_mu": 1e5}})
    floors = [{"id": f"floor{k}", "type": "zone_bounds", "select": {"zones": [f"z{k}"]},
               "floor_mu": draw(st.floats(0.0, 40.0))} for k in range(n) if draw(st.booleans())]
    return {"name": "floors-tilt", "zones": zones, "pools": {"land": {"total_mu": 1e4}},
            "rules": [{"id": "req", "type": "request_cap"}, *floors,
                      {"id": "tilt", "type": "tilt", "by": "score", "select": {"tags": ["t"]},
                       "per": draw(st.sampled_from(["land_area", "zone"]))}]}


@SETTINGS
@given(floors_under_a_tilt())
def test_floor_prices_come_back_through_the_tilt(data: dict[str, Any]) -> None:
    lm = build_land_model(Instance.from_dict(data))
    reference, fast = _both(lm.model, lm.tilts)
    assert reference.status == fast.status == Status.OPTIMAL
    assert fast.objective == pytest.approx(reference.objective, rel=1e-9)
    certificate(lm.model, fast)


def three_tiers() -> dict[str, Any]:
    """Zones a, b, c (100 mu each) score 90, 80, 70 and earn 1, 2, 3 万元/mu; a asked for 10 mu,
    b and c for 50; pool 100 mu; new land per mu non-increasing in the score.

    The tilt caps b and c at a's 10 mu (x_c ≤ u_1 ≤ x_b ≤ u_0 ≤ x_a ≤ 10): the solve form
    states x_b, x_c ≤ 10 as bounds. Optimum a = b = c = 10 mu, 10·(1 + 2 + 3) = 60 万元/yr; the
    pool (30 of 100 mu used) is slack. One more mu of a's request gives one more mu to each:
    a's request cap is worth 1 + 2 + 3 = 6 万元/yr per mu (the only optimal dual: the basis is
    not degenerate)."""
    zones = [{"id": zid, "city": "P", "land_area_mu": 100.0, "metrics": {"tax": 100.0 * w}, "score": s,
              "requests": {"land_mu": r}}
             for zid, w, s, r in (("a", 1.0, 90.0, 10.0), ("b", 2.0, 80.0, 50.0), ("c", 3.0, 70.0, 50.0))]
    return {"name": "three-tiers", "zones": zones, "pools": {"land": {"total_mu": 100.0}},
            "rules": [{"id": "req", "type": "request_cap"}, {"id": "tilt", "type": "tilt", "by": "score"}]}


def test_implied_bounds_are_the_running_minimum_of_the_caps() -> None:
    lm = build_land_model(Instance.from_dict(three_tiers()))
    form = solve_form(lm.model, lm.tilts)
    x = lm.x.slice
    assert form.model.ub[x] * lm.land_unit == pytest.approx([10.0, 10.0, 10.0])
    assert form.model.num_rows < lm.model.num_rows  # the request caps are bounds now
    assert form.upper.tilt[lm.x.start + 1] == 0 and form.upper.tilt[lm.x.start + 2] == 0  # b, c: the tilt


def test_prices_of_implied_bounds_reach_the_rule_that_made_them() -> None:
    inst = Instance.from_dict(three_tiers())
    plan = solve_land(inst)
    assert plan.objective == pytest.approx(60.0)
    assert plan.allocations["allocation_mu"].tolist() == pytest.approx([10.0, 10.0, 10.0])
    b = plan.bindings.set_index("row")
    assert b.loc["req[a]", "shadow_price"] == pytest.approx(6.0)
    assert set(b["rule"]) == {"req", "tilt"}  # the pool is slack; b's and c's requests too
    lm = build_land_model(inst)
    reference = core_solve(lm.model)
    fast, _ = solve_in_form(lm.model, lm.tilts, "highs", SolveOptions())
    assert fast.row_duals == pytest.approx(reference.row_duals, abs=1e-9)  # unique duals: the same
    certificate(lm.model, fast)


def test_floors_propagate_up_the_tiers_and_their_price_comes_back() -> None:
    """a (score 90) and c (score 70) are tilted, e (not tilted) is not; 100 mu each, weights 1,
    1.5 and 2 万元/mu, requests 100 mu, pool 100 mu, c's floor 20 mu.

    The tilt lifts a to c's floor (x_a ≥ u ≥ x_c ≥ 20): the solve form states x_a ≥ 20. Both
    earn less than e, which takes the rest of the pool (60 mu, strictly inside its bounds): the
    pool is worth 2 per mu, a and c sit at 20. One more mu of c's floor moves a mu of the pool
    from e to a and one to c: −(2 − 1) − (2 − 1.5) = −1.5 per mu, the floor's price."""
    def zone(zid: str, score: float, weight: float) -> dict[str, Any]:
        return {"id": zid, "city": "P", "land_area_mu": 100.0, "metrics": {"tax": 100.0 * weight}, "score": score,
                "requests": {"land_mu": 100.0}, "tags": [] if zid == "e" else ["t"]}

    data = {"name": "floor-up", "zones": [zone("a", 90, 1.0), zone("c", 70, 1.5), zone("e", 50, 2.0)],
            "pools": {"land": {"total_mu": 100.0}},
            "rules": [{"id": "req", "type": "request_cap"},
                      {"id": "c-floor", "type": "zone_bounds", "select": {"zones": ["c"]}, "floor_mu": 20.0},
                      {"id": "tilt", "type": "tilt", "by": "score", "select": {"tags": ["t"]}}]}
    inst = Instance.from_dict(data)
    lm = build_land_model(inst)
    form = solve_form(lm.model, lm.tilts)
    assert form.model.lb[lm.x.slice] * lm.land_unit == pytest.approx([20.0, 20.0, 0.0])
    assert form.lower.tilt[lm.x.start] == 0  # a's floor: the tilt's
    plan = solve_land(inst)
    assert plan.allocations["allocation_mu"].tolist() == pytest.approx([20.0, 20.0, 60.0])
    prices = plan.bindings.set_index("row")["shadow_price"]
    assert prices["c-floor[c]"] == pytest.approx(-1.5)
    assert prices["land-total[total]"] == pytest.approx(2.0)
    fast, _ = solve_in_form(lm.model, lm.tilts, "highs", SolveOptions())
    certificate(lm.model, fast)


def test_algorithm_is_chosen_by_shape_with_its_reason() -> None:
    def model(n: int) -> Model:
        return Model(c=np.ones(n), A=sp.csr_matrix(np.ones((1, n))), row_lb=[-np.inf], row_ub=[1.0],
                     lb=np.zeros(n), ub=np.ones(n), integer=np.zeros(n, bool))

    small, large = choose_strategy(model(10), 1), choose_strategy(model(PRESOLVE_OFF_FROM), 1)
    assert small.presolve and not large.presolve
    assert "presolve" in large.reason and "interior point" in large.reason
    opts = large.options("highs", SolveOptions())
    assert opts.extra == {"presolve": "off"}
    assert large.options("pulp-cbc", SolveOptions()).extra == {}  # HiGHS's switch only
    mine = SolveOptions(extra={"presolve": "on"})
    assert large.options("highs", mine) is mine  # the caller's choice wins


@pytest.mark.parametrize("path", sorted((ROOT / "instances").glob("*.json")), ids=lambda p: p.stem)
def test_bundled_examples_plan_the_same_through_the_solve_form(path: Path) -> None:
    """The plan of the solve form is the reference form's: the same allocation, the same binding
    rules per zone, and the same binding rows with the same prices — except tilt rows at a price
    of 0, which bind or not as the free level between two tiers happens to sit."""
    inst = load(path)
    if inst.pools.land is None:
        return
    lm = build_land_model(inst)
    reference, fast = _both(lm.model, lm.tilts)
    a, b = plan_from_solution(lm, reference), plan_from_solution(lm, fast)
    assert b.allocations["allocation_mu"].to_numpy() == pytest.approx(a.allocations["allocation_mu"].to_numpy(),
                                                                       abs=1e-6)
    if lm.model.is_mip:
        return
    assert (a.allocations["binding_rules"] == b.allocations["binding_rules"]).all()

    def priced(p: Any) -> Any:
        keep = ~p.bindings["row"].str.contains(":above\\[|:below\\[") | (p.bindings["shadow_price"].abs() > 1e-9)
        return p.bindings[keep].set_index("row")["shadow_price"]

    pa, pb = priced(a), priced(b)
    assert list(pa.index) == list(pb.index)
    assert pb.to_numpy() == pytest.approx(pa.to_numpy(), abs=1e-7 * max(1.0, float(pa.abs().max())))


def test_redundant_rows_match_the_activity_range_of_each_row() -> None:
    """A row is redundant exactly when its least and greatest activity over the column bounds
    (computed densely here, 0·inf = 0, +inf − inf never redundant) lie within its bounds."""
    import scipy.sparse as sp

    from zoneopt.models.land_form import _redundant

    rng = np.random.default_rng(7)
    for _ in range(500):
        m, n = int(rng.integers(1, 7)), int(rng.integers(1, 7))
        D = rng.choice([-2.0, -1.0, 0.0, 0.0, 0.5, 3.0], (m, n))
        lb = rng.choice([-np.inf, -1.0, 0.0, 2.0], n)
        ub = np.maximum(lb, rng.choice([-1.0, 0.0, 2.0, 5.0, np.inf], n))
        rlb = rng.choice([-np.inf, -3.0, 0.0, 1.0], m)
        rub = np.maximum(rlb, rng.choice([-3.0, 0.0, 2.0, 10.0, np.inf], m))
        with np.errstate(invalid="ignore"):
            low = np.where(D > 0, D * lb, np.where(D < 0, D * ub, 0.0))
            high = np.where(D > 0, D * ub, np.where(D < 0, D * lb, 0.0))
            lo, hi = low.sum(axis=1), high.sum(axis=1)  # +inf − inf → NaN: never redundant
        expect = (np.abs(D).sum(axis=1) > 0) & (lo >= rlb) & (hi <= rub)
        assert np.array_equal(_redundant(sp.csr_matrix(D), rlb, rub, lb, ub), expect)
