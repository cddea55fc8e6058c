"""Property-based tests of the multi-period plan on random feasible instances: with carry-over
the land allocated over the years never exceeds the pools (and each year's balance holds);
a plan whose years are identical, without ramps, is the single-year plan repeated."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zoneopt import Instance, solve_land
from zoneopt.models.multi_period import solve_multi_period

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def zones_and_rules(draw: st.DrawFn, max_zones: int = 8, floors: bool = True) -> dict[str, Any]:
    """Zones with random 亩均税收, scores and requests; request caps, per-zone caps, an optional
    city cap share and tilt; floors only without a tilt and at most the pool's share (so every
    year is feasible on its own pool)."""
    n = draw(st.integers(2, max_zones))
    zones = []
    for k in range(n):
        area = draw(st.floats(10.0, 1e4))
        zones.append({"id": f"z{k}", "city": draw(st.sampled_from(["P", "Q", "R"])), "land_area_mu": area,
                      "metrics": {"tax": area * draw(st.floats(1.0, 100.0))}, "score": draw(st.integers(0, 5)) * 10.0,
                      "requests": {"land_mu": draw(st.floats(1.0, 5e3))}})
    total = draw(st.floats(10.0, 2e4))
    requests = np.array([z["requests"]["land_mu"] for z in zones])
    tilt = draw(st.booleans())
    floor = 0.0 if tilt or not floors else draw(st.floats(0.0, 1.0)) * min(float(requests.min()), total / n)
    rules: list[dict[str, Any]] = [{"id": "req", "type": "request_cap"},
                                   {"id": "bounds", "type": "zone_bounds", "floor_mu": floor,
                                    "cap_mu": draw(st.floats(floor + 1.0, 1e4))}]
    if tilt:
        rules.append({"id": "tilt", "type": "tilt", "by": "score"})
    if draw(st.booleans()):
        rules.append({"id": "city-cap", "type": "group_bounds", "by": "city", "cap_share": 0.6,
                      "share_of": "allocated"})
    return {"name": "random-years", "zones": zones, "pools": {"land": {"total_mu": total}}, "rules": rules}


def scale(data: dict[str, Any], kind: str) -> float:
    """The objective's scale per year (solvers resolve it to about 1e-7 of this)."""
    pool = data["pools"]["land"]["total_mu"]
    top = max(z["metrics"]["tax"] / z["land_area_mu"] for z in data["zones"])
    return {"efficiency": top * pool, "equity": 1.0, "baseline": pool}[kind]


@SETTINGS
@given(zones_and_rules(floors=False), st.integers(2, 5), st.floats(0.0, 1.0),
       st.lists(st.integers(0, 4), min_size=5, max_size=5), st.lists(st.integers(0, 500), min_size=5, max_size=5),
       st.booleans(), st.sampled_from(["efficiency", "equity"]))
def test_carry_over_never_allocates_more_than_the_pools(data: dict[str, Any], T: int, carry: float,
                                                        weights: list[int], additions: list[int], ramp: bool,
                                                        kind: str) -> None:
    """Random yearly pools (some years possibly empty), land returned in some years, a carry-over
    share and maybe a ramp: Σ_t allocated ≤ Σ_t (pool_t + additions_t), and every year
    allocated_t + unused_t = pool_t + additions_t + carry × unused_{t−1}."""
    w = np.array(weights[:T], dtype=float) + (np.arange(T) == 0)  # the first year is never empty
    years = list(range(2021, 2021 + T))
    total = data["pools"]["land"]["total_mu"] * T
    data["objective"] = {"kind": kind}
    data["periods"] = {"years": years, "total_mu": total, "split": list(w / w.sum()), "carry_over": carry,
                       "by_year": [{"year": y, "additions_mu": a} for y, a in zip(years, additions, strict=False) if a]}
    if ramp:
        data["periods"]["ramps"] = [{"id": "ramp", "share": 0.5, "of": "previous", "plus_mu": 50.0}]
    p = solve_multi_period(Instance.from_dict(data))
    assert p.status == "optimal"
    y = p.years
    pools = float((y["pool"] + y["additions"]).sum())
    tol = 1e-6 * max(1.0, pools)
    assert p.pool("land").allocated <= pools + tol
    assert float(y["allocated"].sum()) == pytest.approx(p.pool("land").allocated)
    balance = y["allocated"] + y["unused"] - (y["pool"] + y["additions"] + y["carried_in"])
    assert np.abs(balance.to_numpy()).max() <= tol
    assert (y["unused"] >= 0).all() and (p.cells["allocation"] >= -1e-9).all()
    assert y["carried_in"].iloc[1:].to_numpy() == pytest.approx(carry * y["unused"].iloc[:-1].to_numpy(),
                                                                   abs=tol)
    # Each zone's request caps its land every year.
    req = p.cells["request"].to_numpy()
    assert np.all(p.cells["allocation"].to_numpy() <= req + 1e-6 * np.maximum(1.0, req))


@SETTINGS
@given(zones_and_rules(), st.integers(1, 4), st.sampled_from([0.0, 0.5, 1.0]),
       st.sampled_from(["efficiency", "equity", "baseline"]))
def test_identical_years_equal_the_single_year_plan_repeated(data: dict[str, Any], T: int, carry: float,
                                                             kind: str) -> None:
    """Every year the same pool and rules, no ramps: the optimum is T times the single-year
    optimum, with or without carry-over (the single-year value is concave in the pool for a
    maximisation, convex for the baseline's minimisation, so moving land between years never
    helps); without carry-over every year's own objective is the single-year optimum."""
    data["objective"] = {"kind": kind, "baseline_basis": "land_area_mu"}
    single = solve_land(Instance.from_dict(data))
    data["periods"] = {"years": list(range(2021, 2021 + T)), "carry_over": carry}
    p = solve_multi_period(Instance.from_dict(data))
    assert single.objective is not None and p.objective is not None
    s = scale(data, kind)
    assert p.objective == pytest.approx(T * single.objective, rel=1e-6, abs=1e-6 * T * s)
    if carry == 0.0:
        assert p.objectives["objective"].to_numpy() == pytest.approx(np.full(T, single.objective), rel=1e-6,
                                                                     abs=1e-6 * s)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(zones_and_rules(max_zones=6), st.integers(2, 3), st.sampled_from([25.0, 100.0]))
def test_identical_years_in_parcels_repeat_the_single_year_mip(data: dict[str, Any], T: int, parcel: float) -> None:
    """In whole parcels (a MIP) and without carry-over the years do not interact: T times the
    single-year MIP optimum."""
    data["pools"]["land"]["parcel_mu"] = parcel
    bounds = next(r for r in data["rules"] if r["id"] == "bounds")
    bounds["floor_mu"] = 0.0  # a floor between parcels could make a year infeasible
    data["objective"] = {"kind": "efficiency"}
    single = solve_land(Instance.from_dict(data))
    data["periods"] = {"years": list(range(2021, 2021 + T))}
    p = solve_multi_period(Instance.from_dict(data))
    assert single.objective is not None and p.objective is not None
    assert p.objective == pytest.approx(T * single.objective, rel=1e-6, abs=1e-6 * T * scale(data, "efficiency"))
