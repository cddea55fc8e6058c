"""Property-based tests of the multi-period plan on random feasible instances: with carry-over
what is allocated over the years never exceeds the pools, per resource (land, each pollutant,
the funds; and each year's balance holds); a plan whose years are identical, without ramps, is
the single-year plan repeated, per resource."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zoneopt import Instance, solve_emissions, solve_funds, solve_land
from zoneopt.models.multi_period import solve_multi_period

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def zones_and_rules(draw: st.DrawFn, max_zones: int = 8, floors: bool = True) -> dict[str, Any]:
    """Zones with random 亩均税收, scores and requests; request caps, per-zone caps, an optional
    city cap share and tilt; floors only without a tilt or city cap and at most the pool's
    share (so every year is feasible on its own pool)."""
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
    # A share cap on what is allocated with floors may not hold (all zones in one city).
    if floor == 0.0 and draw(st.booleans()):
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


# -- every resource ---------------------------------------------------------------------------------

@st.composite
def with_resources(draw: st.DrawFn, max_zones: int = 6, tranche: bool = False) -> dict[str, Any]:
    """The land instance of :func:`zones_and_rules` (no floors) with two pollutants' allowances
    (priority on a random energy-stock reduction; request caps, maybe a tilt and a city share
    cap of what is allocated) and a fund budget (leverage objective; request caps, maybe a
    leverage cap; whole tranches when ``tranche``). Giving nothing is always feasible."""
    data = draw(zones_and_rules(max_zones=max_zones, floors=False))
    for k, z in enumerate(data["zones"]):
        z["metrics"]["energy_reduction_tce"] = draw(st.floats(0.0, 1e3))
        z["requests"]["emissions_t"] = {"SO2": draw(st.floats(0.1, 500.0)), "NOx": draw(st.floats(0.01, 50.0))}
        if k == 0 or draw(st.booleans()):
            amount = draw(st.floats(10.0, 1e4))
            z["requests"]["funds"] = {"amount": amount, "investment": amount * draw(st.floats(1.0, 10.0))}
    emission_rules: list[dict[str, Any]] = [{"id": "req-e", "type": "request_cap"}]
    if draw(st.booleans()):
        emission_rules.append({"id": "tilt-e", "type": "tilt", "by": "energy_reduction_tce", "per": "zone"})
    if draw(st.booleans()):
        emission_rules.append({"id": "city-e", "type": "group_bounds", "by": "city", "cap_share": 0.7,
                               "share_of": "allocated"})
    data["pools"]["emissions"] = {"pollutants": {"SO2": {"total_t": draw(st.floats(1.0, 2000.0))},
                                                 "NOx": {"total_t": draw(st.floats(0.1, 100.0))}},
                                  "rules": emission_rules}
    fund_rules: list[dict[str, Any]] = [{"id": "req-f", "type": "request_cap"}]
    if draw(st.booleans()):
        fund_rules.append({"id": "lev", "type": "leverage_cap", "alpha": draw(st.floats(0.05, 1.0))})
    budget = draw(st.floats(100.0, 1e5))
    data["pools"]["funds"] = {"budget": budget, "rules": fund_rules}
    if tranche:
        data["pools"]["funds"]["tranche"] = float(draw(st.sampled_from([0.05, 0.2]))) * budget
    return data


def _split(draw: st.DrawFn, T: int) -> list[float]:
    """Random yearly shares, the first year never empty."""
    w = np.array(draw(st.lists(st.integers(0, 4), min_size=T, max_size=T)), dtype=float) + (np.arange(T) == 0)
    return list(w / w.sum())


@SETTINGS
@given(with_resources(), st.integers(2, 4), st.data())
def test_carry_over_never_allocates_more_than_the_pools_per_resource(data: dict[str, Any], T: int,
                                                                     draw: st.DataObject) -> None:
    """Random yearly pools per pollutant and for the funds (some years empty), amounts added in
    some years, a carry-over share per resource and maybe ramps: for every track Σ_t allocated
    ≤ Σ_t (pool_t + additions_t), every year allocated_t + unused_t = pool_t + additions_t +
    carry × unused_{t−1}, and every zone's request caps what it gets each year."""
    years = list(range(2021, 2021 + T))
    periods: dict[str, Any] = {"years": years, "carry_over": draw.draw(st.floats(0.0, 1.0)), "emissions": {}}

    def section(pool: float, unit_plus: float) -> dict[str, Any]:
        adds = draw.draw(st.lists(st.sampled_from([0.0, 0.1, 0.5]), min_size=T, max_size=T))
        out: dict[str, Any] = {"total": pool * T, "split": _split(draw.draw, T),
                               "carry_over": draw.draw(st.floats(0.0, 1.0)),
                               "by_year": [{"year": y, "additions": a * pool} for y, a in zip(years, adds, strict=True)
                                           if a]}
        if draw.draw(st.booleans()):
            out["ramps"] = [{"id": f"ramp-{unit_plus:g}", "share": 0.5, "plus": unit_plus}]
        return out

    pools = data["pools"]
    periods["emissions"]["SO2"] = section(pools["emissions"]["pollutants"]["SO2"]["total_t"], 5.0)
    periods["emissions"]["NOx"] = section(pools["emissions"]["pollutants"]["NOx"]["total_t"], 0.5)
    periods["funds"] = section(pools["funds"]["budget"], 50.0)
    data["periods"] = periods
    p = solve_multi_period(Instance.from_dict(data))
    assert p.status == "optimal" and p.tracks == ["land", "SO2", "NOx", "funds"]
    for track, y in p.years.groupby("track", sort=False):
        available = float((y["pool"] + y["additions"]).sum())
        tol = 1e-6 * max(1.0, available)
        assert p.pool(str(track)).allocated <= available + tol
        assert float(y["allocated"].sum()) == pytest.approx(p.pool(str(track)).allocated)
        balance = y["allocated"] + y["unused"] - (y["pool"] + y["additions"] + y["carried_in"])
        assert np.abs(balance.to_numpy()).max() <= tol
        carry = p.pool(str(track)).carry_over
        assert y["carried_in"].iloc[1:].to_numpy() == pytest.approx(carry * y["unused"].iloc[:-1].to_numpy(), abs=tol)
    cells = p.cells
    assert (cells["allocation"] >= -1e-9).all()
    req = np.nan_to_num(cells["request"].to_numpy(), nan=0.0)
    assert np.all(cells["allocation"].to_numpy() <= req + 1e-6 * np.maximum(1.0, req))


def _single(data: dict[str, Any]) -> dict[str, float]:
    inst = Instance.from_dict(data)
    out = {"land": solve_land(inst).objective, "emissions": solve_emissions(inst).objective,
           "funds": solve_funds(inst).objective}
    assert all(v is not None for v in out.values())
    return {k: float(v) for k, v in out.items() if v is not None}


def _scales(data: dict[str, Any]) -> dict[str, float]:
    """Each resource's objective scale per year (solvers resolve it to about 1e-7 of this)."""
    zones = data["zones"]
    funds = [z["requests"]["funds"] for z in zones if "funds" in z["requests"]]
    return {"land": scale(data, "efficiency"),
            "emissions": 2.0 * max(1.0, max(z["metrics"]["energy_reduction_tce"] for z in zones)),
            "funds": data["pools"]["funds"]["budget"] * max(f["investment"] / f["amount"] for f in funds)}


@SETTINGS
@given(with_resources(), st.integers(1, 4), st.sampled_from([0.0, 0.5, 1.0]), st.sampled_from([0.0, 0.5, 1.0]))
def test_identical_years_repeat_the_single_year_plan_per_resource(data: dict[str, Any], T: int, carry_e: float,
                                                                  carry_f: float) -> None:
    """Every year the same pools and rules, no ramps: each resource's optimum is T times its
    single-year optimum (land, emissions, funds), with or without carry-over (each
    single-year value is concave in the pool); without it each year's own objective is the
    single-year optimum."""
    data["objective"] = {"kind": "efficiency"}
    single = _single(data)
    data["periods"] = {"years": list(range(2021, 2021 + T)),
                       "emissions": {k: {"carry_over": carry_e} for k in ("SO2", "NOx")},
                       "funds": {"carry_over": carry_f}}
    p = solve_multi_period(Instance.from_dict(data))
    s = _scales(data)
    for resource, value in single.items():
        assert p.resource_objective(resource) == pytest.approx(T * value, rel=1e-6, abs=1e-6 * T * s[resource])
        carry = {"land": 0.0, "emissions": carry_e, "funds": carry_f}[resource]
        if carry == 0.0:
            own = p.objectives[p.objectives["resource"] == resource]["objective"].to_numpy()
            assert own == pytest.approx(np.full(T, value), rel=1e-6, abs=1e-6 * s[resource])


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(with_resources(max_zones=5, tranche=True), st.integers(2, 3))
def test_identical_years_in_tranches_repeat_the_single_year_mip(data: dict[str, Any], T: int) -> None:
    """Funds in whole tranches (a MIP), land and allowances as LPs, no carry-over: the years do
    not interact, each resource's optimum is T times its single-year optimum."""
    single = _single(data)
    data["periods"] = {"years": list(range(2021, 2021 + T)), "funds": {"carry_over": 0}}
    p = solve_multi_period(Instance.from_dict(data))
    s = _scales(data)
    for resource, value in single.items():
        assert p.resource_objective(resource) == pytest.approx(T * value, rel=1e-6, abs=1e-6 * T * s[resource])
