"""Property-based tests of zoneopt.analysis.sensitivity on the random feasible land instances of
tests/test_land_properties.py: the frontier is non-increasing in ε and ends at the two pure
optima; more pool never lowers the efficiency optimum; the pool's shadow price is bracketed by
the secant slopes of the optimum and holds over its reported range; imputed values add up to
the optimum."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from test_land_properties import instances, objective_scale

from zoneopt import Instance, solve_land
from zoneopt.analysis.sensitivity import frontier, solve_rule_prices, what_if
from zoneopt.core import Model, Status, solve
from zoneopt.models.land_quota import LandModel, build_land_model

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def with_objective(data: dict[str, Any], kind: str) -> Instance:
    return Instance.from_dict(dict(data, objective={"kind": kind}))


def has_requests(data: dict[str, Any]) -> bool:
    """Equity needs a zone with a request above a billionth of the land unit (else an
    InstanceError, tested elsewhere); the land unit is at most the pool."""
    return max(z["requests"]["land_mu"] for z in data["zones"]) > 1e-6 * data["pools"]["land"]["total_mu"]


@SETTINGS
@given(instances(max_zones=8))
def test_frontier_is_monotone_and_ends_at_the_pure_optima(data: dict[str, Any]) -> None:
    assume(has_requests(data))
    eff = solve_land(with_objective(data, "efficiency"))
    eq = solve_land(with_objective(data, "equity"))
    scale = objective_scale(dict(data, objective={"kind": "efficiency"}), eff)
    front = frontier(Instance.from_dict(data), points=5)
    assert front["status"].eq("optimal").all()
    e = front["efficiency"].to_numpy()
    assert np.all(np.diff(e) <= 1e-6 * scale), e
    assert np.all(np.diff(front["epsilon"]) >= 0)
    assert e[0] == pytest.approx(eff.objective, rel=1e-6, abs=1e-6 * scale)
    assert e[-1] == pytest.approx(eq.summary.secondary_objective, rel=1e-6, abs=1e-6 * scale)
    assert front.attrs["equity_optimum"] == pytest.approx(eq.objective, abs=1e-9)
    # every point meets its ε, up to the solver's row tolerance (1e-6 of the land unit) divided
    # by the smallest request it applies to
    unit = eff.summary.land_unit_mu
    requests = np.array([z["requests"]["land_mu"] for z in data["zones"]])
    smallest = requests[requests > 1e-9 * unit].min()
    assert np.all(front["min_fulfilment"] >= front["epsilon"] - 2e-6 * unit / smallest - 1e-9)


@SETTINGS
@given(instances(max_zones=8))
def test_more_pool_never_lowers_the_efficiency_optimum(data: dict[str, Any]) -> None:
    """The pool is "at most" (not exact), so a larger pool only adds plans: the optimum is
    non-decreasing, and once a pool value is feasible every larger one is."""
    inst = with_objective(data, "efficiency")
    curve = what_if(inst, "pool", [0.1, 0.5, 1.0, 1.7, 4.0])
    pts = curve.points
    feasible = (pts["status"] == "optimal").to_numpy()
    assert feasible[2]  # the generated instance itself is feasible
    assert np.all(np.diff(feasible.astype(int)) >= 0), pts["status"].tolist()
    obj = pts["objective"].to_numpy()[feasible]
    scale = objective_scale(dict(data, objective={"kind": "efficiency"}), solve_land(inst)) * 4.0
    assert np.all(np.diff(obj) >= -1e-6 * scale), obj


def optimum(lm: LandModel, model: Model) -> float:
    s = solve(model, "highs")
    if s.status is Status.INFEASIBLE:
        return -np.inf
    assert s.status is Status.OPTIMAL and s.objective is not None
    return s.objective * lm.obj_scale


def with_pool(model: Model, row: int, value: float) -> Model:
    ub = model.row_ub.copy()
    ub[row] = value
    return dataclasses.replace(model, row_ub=ub)


@SETTINGS
@given(instances(max_zones=8))
def test_pool_price_lies_between_secants_and_holds_over_its_range(data: dict[str, Any]) -> None:
    """The efficiency optimum V(Q) is concave in the pool, so its price y satisfies
    (V(Q+h) − V(Q))/h <= y <= (V(Q) − V(Q−h))/h for any step h (here one land unit). Inside
    the range HiGHS reports, V is linear with slope y."""
    inst = with_objective(data, "efficiency")
    lm = build_land_model(inst)
    prices = solve_rule_prices(inst)
    scale = objective_scale(dict(data, objective={"kind": "efficiency"}), solve_land(inst))
    row = prices.set_index("row").loc["land-total[total]"]
    y, sigma = float(row["shadow_price"]), lm.land_unit
    Q = lm.model.row_ub[0]
    base = optimum(lm, lm.model)
    up, down = optimum(lm, with_pool(lm.model, 0, Q + 1.0)), optimum(lm, with_pool(lm.model, 0, Q - 1.0))
    tol = 1e-6 * scale / sigma
    assert (up - base) / sigma - tol <= y <= (base - down) / sigma + tol, (y, up, base, down)
    for end in (row["range_lower"], row["range_upper"]):
        if np.isfinite(end) and abs(end - row["bound"]) > 1e-6 * sigma:
            mid = 0.5 * (end + row["bound"])
            got = (optimum(lm, with_pool(lm.model, 0, mid / sigma)) - base) / (mid - row["bound"])
            assert got == pytest.approx(y, abs=1e-6 * scale / abs(mid - row["bound"]) + 1e-9 * abs(y)), (end, mid)
    # LP duality: the rules' imputed values add up to the optimum
    assert prices["value"].sum() == pytest.approx(prices.attrs["objective"], rel=1e-6, abs=1e-6 * scale)
