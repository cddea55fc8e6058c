"""The land LP's Lagrangian path (:mod:`zoneopt.models.land_lagrange`, ``models/land-lagrange.md``):
the sweep that solves its subproblem against a hand computation and against HiGHS on random
chains with ties, zero slopes and tight bounds; the whole path against HiGHS on generated
instances with tied scores, caps, floors, locks, exclusions and group rows — the same optimum,
and an honest certificate (dual bound ≥ optimum ≥ the plan's value); the fallback on shapes it
does not cover; the path chosen by size or by name."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from zoneopt import Instance, solve_land
from zoneopt.core import ModelBuilder, SolveOptions, Status
from zoneopt.core import solve as core_solve
from zoneopt.errors import ModelError
from zoneopt.models import land_form, land_lagrange
from zoneopt.models.land_form import solve_form, solve_in_form
from zoneopt.models.land_lagrange import coverage, evaluate, solve_lagrange
from zoneopt.models.land_quota import build_land_model
from zoneopt.models.land_sweep import levels, members_at, prepare

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LAGRANGE = SolveOptions(extra={"land_path": "lagrange"})


# -- the sweep ------------------------------------------------------------------------------------

def sweep_value(tier: np.ndarray, w: np.ndarray, lb: np.ndarray, ub: np.ndarray, g: np.ndarray) -> float | None:
    """The sweep's optimum of Σ g_i·x_i/w_i over the chain (None: no feasible point)."""
    K = int(tier.max()) + 1
    sw = prepare(np.arange(tier.size), tier, w, lb, ub, np.zeros(K - 1), np.full(K - 1, np.inf))
    if isinstance(sw, str):
        return None
    u = levels(sw, g)
    x = members_at(sw, g, u)
    y = x / w
    # the point is in X: bounds, and every member between its levels
    assert np.all(x >= lb - 1e-9) and np.all(x <= ub + 1e-9)
    up, down = np.r_[np.inf, u][tier], np.r_[u, -np.inf][tier]
    assert np.all(y <= up + 1e-9) and np.all(y >= down - 1e-9) and np.all(np.diff(u) <= 1e-12)
    return float(g @ y)


def lp_value(tier: np.ndarray, w: np.ndarray, lb: np.ndarray, ub: np.ndarray, g: np.ndarray) -> float | None:
    """The same optimum from HiGHS, with the tilt as the land model states it (levels, 2n rows)."""
    K = int(tier.max()) + 1
    n = tier.size
    b = ModelBuilder("chain", "max")
    x = b.add_vars("x", n, lb=lb, ub=ub, obj=g / w)
    u = b.add_vars("u", K - 1, lb=0.0)
    rows = []
    for i in range(n):  # a test: one row per member is fine
        if tier[i] <= K - 2:
            r = np.zeros(b.num_vars)
            r[x.start + i], r[u.start + tier[i]] = 1.0, -w[i]
            rows.append((r, 0.0, np.inf))
        if tier[i] >= 1:
            r = np.zeros(b.num_vars)
            r[x.start + i], r[u.start + tier[i] - 1] = 1.0, -w[i]
            rows.append((r, -np.inf, 0.0))
    b.add_rows("tilt", np.array([r for r, _, _ in rows]), lb=[lo for _, lo, _ in rows], ub=[hi for _, _, hi in rows])
    sol = core_solve(b.build())
    if sol.status is Status.INFEASIBLE:
        return None
    assert sol.status is Status.OPTIMAL and sol.objective is not None
    return sol.objective


def test_sweep_hand_case() -> None:
    """Tier 0: a (w 1, cap 10, slope −1); tier 1: b (w 1, cap 20, slope +2). b rises to the
    level, a must stay above it: −u + 2u = u, largest at a's cap: u = 10, value 10. With b's
    slope +0.5 instead, −u + 0.5u < 0: the level drops to 0 and so do both."""
    tier, w = np.array([0, 1]), np.array([1.0, 1.0])
    lb, ub = np.zeros(2), np.array([10.0, 20.0])
    assert sweep_value(tier, w, lb, ub, np.array([-1.0, 2.0])) == pytest.approx(10.0)
    assert sweep_value(tier, w, lb, ub, np.array([-1.0, 0.5])) == pytest.approx(0.0)
    # a floor of 4 on b holds the level, and with it a, at 4 at least: −4 + 0.5·4 = −2
    assert sweep_value(tier, w, np.array([0.0, 4.0]), ub, np.array([-1.0, 0.5])) == pytest.approx(-2.0)


@SETTINGS
@given(st.data())
def test_sweep_matches_highs(data: st.DataObject) -> None:
    n = data.draw(st.integers(2, 40))
    K = data.draw(st.integers(2, 6))
    tier = np.array(data.draw(st.lists(st.integers(0, K - 1), min_size=n, max_size=n)))
    assume(np.unique(tier).size >= 2)
    tier = np.unique(tier, return_inverse=True)[1]  # tiers 0 … K'−1, none empty
    w = np.array(data.draw(st.lists(st.sampled_from([0.5, 1.0, 2.0, 4.0]), min_size=n, max_size=n)))
    ub = np.array(data.draw(st.lists(st.sampled_from([0.0, 1.0, 2.0, 3.0, 5.0, 8.0]), min_size=n, max_size=n)))
    lb = np.minimum(ub, np.array(data.draw(st.lists(st.sampled_from([0.0, 0.0, 0.5, 1.0]), min_size=n,
                                                    max_size=n))))
    g = np.array(data.draw(st.lists(st.sampled_from([-3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0]), min_size=n,
                                    max_size=n)))
    expected = lp_value(tier, w, lb, ub, g)
    got = sweep_value(tier, w, lb, ub, g)
    if expected is None:
        assert got is None
    else:
        assert got is not None and got == pytest.approx(expected, rel=1e-9, abs=1e-9)


def test_sweep_large_chain_matches_highs() -> None:
    """Enough events for many chunks (the boundary matrix and the loop over chunks where m*
    changes both work), ties in tiers and in bounds."""
    rng = np.random.default_rng(7)
    n, K = 3000, 40
    tier = np.sort(rng.integers(0, K, n))
    tier = np.unique(tier, return_inverse=True)[1]
    w = rng.choice([0.5, 1.0, 3.0], n)
    ub = rng.choice([1.0, 2.0, 4.0, 10.0], n) * w
    lb = np.where(rng.random(n) < 0.05, 0.5 * w, 0.0)  # floors per mu below every cap per mu
    g = rng.normal(size=n) - 0.2 * tier / K
    expected, got = lp_value(tier, w, lb, ub, g), sweep_value(tier, w, lb, ub, g)
    assert expected is not None and got == pytest.approx(expected, rel=1e-9)


# -- the path against HiGHS ------------------------------------------------------------------------

@st.composite
def instances(draw: st.DrawFn, max_zones: int = 16) -> dict[str, Any]:
    """Random land LPs of the covered shape: tied scores, requests, caps and floors, a lock,
    exclusions, group caps and floors (amounts, shares of the pool or of what is allocated),
    at most one tilt, the efficiency objective."""
    n = draw(st.integers(3, max_zones))
    zones = []
    for k in range(n):
        zone: dict[str, Any] = {
            "id": f"z{k}", "city": "P" if k == 0 else draw(st.sampled_from(["P", "Q", "R"])),
            "level": "national" if k == 0 else draw(st.sampled_from(["national", "provincial"])),
            "land_area_mu": draw(st.sampled_from([10.0, 50.0, 100.0, 250.0])),
            "metrics": {"tax": draw(st.sampled_from([100.0, 500.0, 1000.0, 2500.0]))},
            "score": draw(st.integers(0, 3)) * 10.0, "grade": draw(st.sampled_from("ABCD")),
            "tags": ["t"] if draw(st.booleans()) else [],
            "requests": {"land_mu": draw(st.sampled_from([0.0, 20.0, 50.0, 100.0, 300.0]))},
        }
        zones.append(zone)
    rules: list[dict[str, Any]] = [{"id": "req", "type": "request_cap"}]
    if draw(st.booleans()):
        rules.append({"id": "tag-cap", "type": "zone_bounds", "select": {"tags": ["t"]},
                      "cap_mu": draw(st.sampled_from([10.0, 40.0, 80.0]))})
    if draw(st.booleans()):
        rules.append({"id": "floor", "type": "zone_bounds", "select": {"zones": [f"z{draw(st.integers(0, n - 1))}"]},
                      "floor_mu": draw(st.sampled_from([0.0, 5.0, 15.0]))})
    if draw(st.booleans()):
        rules.append({"id": "lock", "type": "lock", "values_mu": {f"z{draw(st.integers(0, n - 1))}": 10.0}})
    if draw(st.booleans()):
        rules.append({"id": "no-d", "type": "exclude", "select": {"grades": ["D"]}})
    group = draw(st.sampled_from(["none", "cap-share", "cap-allocated", "floor-amount", "national-floor"]))
    if group == "cap-share":
        rules.append({"id": "city-cap", "type": "group_bounds", "by": "city", "cap_share": draw(st.floats(0.2, 1.0))})
    elif group == "cap-allocated":
        rules.append({"id": "city-cap", "type": "group_bounds", "by": "city", "cap_share": draw(st.floats(0.4, 1.0)),
                      "share_of": "allocated"})
    elif group == "floor-amount":
        rules.append({"id": "p-floor", "type": "group_bounds", "by": "city", "groups": ["P"],
                      "floor_mu": draw(st.sampled_from([0.0, 30.0, 100.0]))})
    elif group == "national-floor":
        rules.append({"id": "nat", "type": "group_bounds", "by": "level", "groups": ["national"],
                      "floor_share": draw(st.sampled_from([0.1, 0.3, 0.5]))})
    if draw(st.booleans()):
        rules.append({"id": "tilt", "type": "tilt", "by": "score", "per": draw(st.sampled_from(["land_area", "zone"])),
                      "include_excluded": draw(st.booleans())})
    total = draw(st.sampled_from([50.0, 200.0, 600.0, 5000.0]))
    return {"name": "random-lagrange", "zones": zones, "pools": {"land": {"total_mu": total}}, "rules": rules,
            "objective": {"kind": "efficiency"}}


@SETTINGS
@given(instances())
def test_path_matches_highs_with_an_honest_certificate(doc: dict[str, Any]) -> None:
    lm = build_land_model(Instance.from_dict(doc))
    reference = core_solve(lm.model)
    assume(reference.status is Status.OPTIMAL)
    assert reference.objective is not None
    form = solve_form(lm.model, lm.tilts)
    held = np.zeros(lm.model.num_rows, dtype=bool)
    for t in lm.tilts:
        held[t.above[t.above >= 0]] = held[t.below[t.below >= 0]] = True
    d = coverage(form.model, lm.tilts, held[form.kept])
    assert not isinstance(d, str), d  # every generated shape is covered
    solution, cert = solve_lagrange(form.model, d, lm.model)
    opt = reference.objective
    tol = 1e-7 * max(1.0, abs(opt))
    # honest: the dual bound is above the optimum, the plan's value (when there is a plan) below
    assert cert.dual_bound >= opt - tol
    # every random instance is certified, and then the plan is optimal within its gap
    assert solution is not None, cert.summary()
    assert solution.x is not None and solution.check is not None and solution.check.passed
    assert opt >= cert.primal - tol
    assert cert.primal == pytest.approx(opt, rel=2e-6, abs=1e-6)
    assert cert.gap <= land_lagrange.GAP_TOLERANCE
    # the sweep's bound at the multipliers found is the Lagrangian value at them
    assert evaluate(d, cert.multipliers).value <= cert.dual_bound + tol


def test_solve_land_by_name_and_strategy_recorded() -> None:
    from zoneopt.examples.zones import synthetic_data

    inst = Instance.from_dict(synthetic_data(400, seed=3))
    by_path = solve_land(inst, options=LAGRANGE)
    by_highs = solve_land(inst, options=SolveOptions(extra={"land_path": "highs"}))
    assert by_path.summary.objective == pytest.approx(by_highs.summary.objective, rel=1e-6)
    np.testing.assert_allclose(by_path.allocations["allocation_mu"].sum(),
                               by_highs.allocations["allocation_mu"].sum(), rtol=1e-6)
    lm = build_land_model(inst)
    sol, form = solve_in_form(lm.model, lm.tilts, "highs", LAGRANGE)
    assert form is not None and form.strategy.algorithm == "lagrange"
    assert "certified" not in form.strategy.reason and "relative gap" in form.strategy.reason
    assert sol.row_duals is None and sol.best_bound is not None and sol.best_bound >= sol.objective - 1e-9


def test_auto_takes_the_path_from_its_size(monkeypatch: pytest.MonkeyPatch) -> None:
    from zoneopt.examples.zones import synthetic_data

    lm = build_land_model(Instance.from_dict(synthetic_data(200, seed=2)))
    _, form = solve_in_form(lm.model, lm.tilts, "highs", SolveOptions())
    assert form is not None and form.strategy.algorithm == "simplex"  # small: HiGHS
    monkeypatch.setattr(land_form, "LAGRANGE_FROM", 100)
    _, form = solve_in_form(lm.model, lm.tilts, "highs", SolveOptions())
    assert form is not None and form.strategy.algorithm == "lagrange"


BASE = {"name": "fallback", "pools": {"land": {"total_mu": 300.0}},
        "zones": [{"id": f"z{k}", "city": "P", "land_area_mu": 100.0, "score": float(k % 3), "grade": "ABC"[k % 3],
                   "metrics": {"tax": 100.0 + 10 * k}, "requests": {"land_mu": 8.0}} for k in range(80)],
        "rules": [{"id": "req", "type": "request_cap"}, {"id": "tilt", "type": "tilt", "by": "score"}]}


@pytest.mark.parametrize(("change", "reason"), [
    ({"pools": {"land": {"total_mu": 300.0, "parcel_mu": 5.0}}}, "integer columns"),
    ({"objective": {"kind": "equity"}}, "coupling rows"),
    ({"objective": {"kind": "efficiency", "diminishing": {"breakpoints": [0.5], "factors": [1.0, 0.5]}}},
     "coupling rows"),
    ({"objective": {"kind": "tiered"}}, "coupling rows"),
    ({"objective": {"kind": "lexicographic", "priority": {"measure": "tax", "above": 800.0}}}, "coupling rows"),
    ({"rules": BASE["rules"] + [{"id": "tilt2", "type": "tilt", "by": "grade"}]}, "2 tilts"),
    ({"rules": [BASE["rules"][0], {"id": "strict", "type": "tilt", "by": "grade", "margin": 0.2}]}, "coupling rows"),
])
def test_fallback_on_shapes_not_covered(change: dict[str, Any], reason: str) -> None:
    inst = Instance.from_dict({**BASE, **change})
    lm = build_land_model(inst)
    sol, form = solve_in_form(lm.model, lm.tilts, "highs", LAGRANGE)
    assert form is not None and form.strategy.algorithm != "lagrange"
    assert "Lagrangian path not taken" in form.strategy.reason and reason in form.strategy.reason
    reference = core_solve(lm.model)
    assert sol.status is Status.OPTIMAL and sol.objective == pytest.approx(reference.objective, rel=1e-6)
    plan = solve_land(inst, options=LAGRANGE)  # the plan is HiGHS's, whatever the objective's stages
    assert plan.summary.status == "optimal"


def test_fallback_when_not_certified(monkeypatch: pytest.MonkeyPatch) -> None:
    """A gap the path cannot reach (a tolerance of 0 with a positive rounding allowance) hands
    the model to HiGHS, with the path's figures in the reason."""
    monkeypatch.setattr(land_lagrange, "GAP_TOLERANCE", -1.0)
    monkeypatch.setattr(land_lagrange, "MAX_ITERATIONS", 3)
    lm = build_land_model(Instance.from_dict(BASE))
    sol, form = solve_in_form(lm.model, lm.tilts, "highs", LAGRANGE)
    assert form is not None and "not certified" in form.strategy.reason
    assert sol.status is Status.OPTIMAL and sol.row_duals is not None


def test_unknown_path_is_refused() -> None:
    lm = build_land_model(Instance.from_dict(BASE))
    with pytest.raises(ModelError, match="unknown land path"):
        solve_in_form(lm.model, lm.tilts, "highs", SolveOptions(extra={"land_path": "fast"}))


def _tightened(n: int, city_cap: float, national_floor: float) -> Instance:
    from zoneopt.examples.zones import synthetic_data

    doc = synthetic_data(n, seed=5)
    for rule in doc["rules"]:
        if rule["id"] == "city-cap":
            rule["cap_share"] = city_cap
        if rule["id"] == "national-floor":
            rule["floor_share"] = national_floor
    return Instance.from_dict(doc)


@pytest.mark.parametrize(("city_cap", "national_floor"), [(0.065, 0.3), (0.04, 0.2)])
def test_several_binding_group_rows(city_cap: float, national_floor: float) -> None:
    """Tight city caps and the national floor: several multipliers at once (the cutting planes,
    not the pool's bisection, find them); the same optimum as HiGHS."""
    lm = build_land_model(_tightened(3000, city_cap, national_floor))
    reference = core_solve(lm.model)
    sol, form = solve_in_form(lm.model, lm.tilts, "highs", LAGRANGE)
    assert form is not None and form.strategy.algorithm == "lagrange", form.strategy.reason
    assert sol.objective == pytest.approx(reference.objective, rel=1e-6)
    assert sol.best_bound is not None and sol.best_bound >= reference.objective - 1e-9 * abs(reference.objective)
    assert reference.objective >= sol.objective - 1e-9 * abs(reference.objective)
    binding = np.flatnonzero(np.abs(reference.row_duals) > 1e-9)
    assert np.unique(lm.model.row_block_index()[binding]).size >= 2  # more than the pool binds


def test_infeasible_coupling_rows_go_to_highs() -> None:
    """A city cap and a national floor that cannot both hold (the national zones sit in 9
    cities: 9 × 2 % of the pool < 40 %): the dual bound falls below every point of X, the path
    stops early and HiGHS reports the model infeasible."""
    lm = build_land_model(_tightened(3000, 0.02, 0.4))
    sol, form = solve_in_form(lm.model, lm.tilts, "highs", LAGRANGE)
    assert sol.status is Status.INFEASIBLE
    assert form is not None and "infeasible" in form.strategy.reason and "after" in form.strategy.reason
