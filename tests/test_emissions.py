"""The emission-allowance model (排污指标) on hand-computed instances (the arithmetic in each
docstring), on every backend that takes it; the zero-sum-gains DEA reallocation; errors; and
hypothesis properties (no pool exceeded, requests and exclusions hold, backends agree)."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zoneopt import Instance, InstanceError
from zoneopt.core import get_backend
from zoneopt.core.solve import backend_names
from zoneopt.errors import InfeasibleError
from zoneopt.models.emissions import build_emission_model, solve_emissions, zsg_reallocate

LP_BACKENDS = [b for b in backend_names() if get_backend(b).continuous]


def ez(zid: str, city: str, reduction: float, so2: float | None = None, nox: float | None = None,
       **extra: Any) -> dict[str, Any]:
    z: dict[str, Any] = {"id": zid, "city": city, "land_area_mu": 1000.0,
                         "metrics": {"energy_reduction_tce": reduction}}
    req = {k: v for k, v in (("SO2", so2), ("NOx", nox)) if v is not None}
    if req:
        z["requests"] = {"emissions_t": req}
    z.update(extra)
    return z


def priority4() -> dict[str, Any]:
    """Four zones, energy-stock reductions (tce/yr) a 50, b 30, c 10, d 80; d fails the
    environmental standards and is excluded; every zone capped at its request.

    SO2 (pool 100 t, requests 30/40/50/50): greedy by reduction among a, b, c: a 30, b 40,
    c the remaining 30. NOx (pool 60 t, requests 10/40/50/50): a 10, b 40, c 10.
    Objective Σ_k Σ_i w_i x_ik / Q_k = (50·30 + 30·40 + 10·30)/100 + (50·10 + 30·40 + 10·10)/60
    = 30 + 30 = 60. Shadow prices (objective per t): each pool c's weight over the pool,
    SO2 10/100 = 0.1, NOx 10/60; a's SO2 request cap (50 − 10)/100 = 0.4; d's exclusion
    (80 − 10)/100 = 0.7 for SO2."""
    return {"name": "priority4", "zones": [
        ez("a", "P", 50, 30, 10), ez("b", "P", 30, 40, 40), ez("c", "Q", 10, 50, 50, meets_env_standards=True),
        ez("d", "Q", 80, 50, 50, meets_env_standards=False)],
        "pools": {"emissions": {
            "pollutants": {"SO2": {"total_t": 100}, "NOx": {"total_t": 60}},
            "rules": [{"id": "req", "type": "request_cap", "source": "2017 §六(一)"},
                      {"id": "env", "type": "exclude", "select": {"meets_env_standards": False},
                       "source": "2017 §十(四)"}]}}}


def city_corridor() -> dict[str, Any]:
    """Five zones; reductions a 100, b 80, c 60, d 40 (grade D, excluded), e 20; a and b in
    city P, tagged corridor. Rules for both pollutants: request caps, no grade D, city P's
    environmental capacity 70 t. SO2 only: the corridor zones together ≤ 30 % of the pool.
    NOx only: e locked at 20 t.

    SO2 (pool 150, requests 60 each): corridor ≤ 45, so a 45 (the larger reduction), b 0;
    c 60 (request); e the remaining 45. Objective (100·45 + 60·60 + 20·45)/150 = 60.
    NOx (pool 100, requests 50 each): e locked at 20, 80 left: a 50 (request), b 20 (city P
    capacity 70), c 10. Objective (100·50 + 80·20 + 60·10 + 20·20)/100 = 76. Total 136.
    Prices: SO2 pool 20/150 (e is between bounds), the corridor cap (100 − 20)/150 per t;
    NOx pool 60/100 (c), city P cap (80 − 60)/100, e's lock (20 − 60)/100 = −0.4."""
    return {"name": "city-corridor", "zones": [
        ez("a", "P", 100, 60, 50, tags=["corridor"]), ez("b", "P", 80, 60, 50, tags=["corridor"]),
        ez("c", "Q", 60, 60, 50), ez("d", "Q", 40, 60, 50, grade="D"), ez("e", "R", 20, 60, 50)],
        "pools": {"emissions": {
            "pollutants": {
                "SO2": {"total_t": 150, "rules": [
                    {"id": "corridor-share", "type": "group_bounds", "by": "tag", "groups": ["corridor"],
                     "cap_share": 0.3, "source": "2017 §六(二)"}]},
                "NOx": {"total_t": 100, "rules": [{"id": "lock-e", "type": "lock", "values": {"e": 20}}]}},
            "rules": [{"id": "req", "type": "request_cap"},
                      {"id": "no-d", "type": "exclude", "select": {"grades": ["D"]}, "source": "2017 §十(四)"},
                      {"id": "city-capacity", "type": "group_bounds", "by": "city", "cap": {"P": 70},
                       "source": "2017 §六(一)"}]}}}


CASES = {"priority4": (priority4, 60.0), "city-corridor": (city_corridor, 136.0)}


@pytest.mark.parametrize("backend", LP_BACKENDS)
@pytest.mark.parametrize("name", list(CASES))
def test_hand_computed_optimum_on_every_lp_backend(name: str, backend: str) -> None:
    make, objective = CASES[name]
    plan = solve_emissions(Instance.from_dict(make()), backend, time_limit=30)
    assert plan.status == "optimal"
    tol = 1e-5 if backend == "ortools-pdlp" else 1e-7
    assert plan.objective == pytest.approx(objective, rel=tol)


def test_priority_allocation_and_prices() -> None:
    plan = solve_emissions(Instance.from_dict(priority4()))
    so2, nox = plan.allocation("SO2_t"), plan.allocation("NOx_t")
    assert so2.to_dict() == pytest.approx({"a": 30, "b": 40, "c": 30, "d": 0}, abs=1e-7)
    assert nox.to_dict() == pytest.approx({"a": 10, "b": 40, "c": 10, "d": 0}, abs=1e-7)
    b = plan.bindings.set_index("row")
    assert b.loc["emissions-total:SO2[total]", "shadow_price"] == pytest.approx(0.1)
    assert b.loc["emissions-total:NOx[total]", "shadow_price"] == pytest.approx(10 / 60)
    assert b.loc["req:SO2[a]", "shadow_price"] == pytest.approx(0.4)
    assert b.loc["env:SO2[d]", "shadow_price"] == pytest.approx(0.7)
    assert b.loc["env:SO2[d]", "source"] == "2017 §十(四)"
    assert b.loc["req:SO2[a]", "unit"].endswith("per t")
    pools = {p.pool: (p.total, p.allocated) for p in plan.summary.pools}
    assert pools == {"SO2": pytest.approx((100, 100)), "NOx": pytest.approx((60, 60))}
    rules = plan.allocations.set_index("zone")["binding_rules"]
    assert "env" in rules["d"].split(";") and "env" not in rules["a"].split(";")


def test_city_capacity_corridor_share_and_lock() -> None:
    plan = solve_emissions(Instance.from_dict(city_corridor()))
    so2, nox = plan.allocation("SO2_t"), plan.allocation("NOx_t")
    assert so2.to_dict() == pytest.approx({"a": 45, "b": 0, "c": 60, "d": 0, "e": 45}, abs=1e-7)
    assert nox.to_dict() == pytest.approx({"a": 50, "b": 20, "c": 10, "d": 0, "e": 20}, abs=1e-7)
    b = plan.bindings.set_index("row")
    assert b.loc["corridor-share:SO2:cap_share[corridor]", "shadow_price"] == pytest.approx(80 / 150)
    assert b.loc["city-capacity:NOx:cap[P]", "shadow_price"] == pytest.approx(0.2)
    assert b.loc["lock-e:NOx[e]", "shadow_price"] == pytest.approx(-0.4)
    assert "city-capacity:SO2:cap[P]" not in b.index  # 45 t of SO2 in P: slack


def test_tilt_by_energy_reduction_binds() -> None:
    """Reductions 3, 2, 1; a asks for 10 t, the others for 100; pool 90. Without the tilt b
    would get 80. A tilt per zone (allocation non-decreasing in the reduction) caps b and c
    at a's 10 t: 10 each, 30 of 90 t allocated, objective (3 + 2 + 1)·10/90 = 2/3."""
    data = {"name": "tilt", "zones": [ez("a", "P", 3, 10), ez("b", "P", 2, 100), ez("c", "P", 1, 100)],
            "pools": {"emissions": {"pollutants": {"SO2": {"total_t": 90}},
                                    "rules": [{"id": "req", "type": "request_cap"},
                                              {"id": "tilt", "type": "tilt", "by": "energy_reduction_tce",
                                               "per": "zone", "source": "2017 §六(一)"}]}}}
    plan = solve_emissions(Instance.from_dict(data))
    assert plan.allocation("SO2_t").to_numpy() == pytest.approx([10, 10, 10], abs=1e-7)
    assert plan.objective == pytest.approx(2 / 3)
    untilted = copy.deepcopy(data)
    untilted["pools"]["emissions"]["rules"].pop()
    assert solve_emissions(Instance.from_dict(untilted)).allocation("SO2_t")["b"] == pytest.approx(80)


def test_pollutant_weights_and_zones_not_assessed() -> None:
    """A zone whose environmental status is not assessed (None) is not excluded by a rule on
    failing zones; a pollutant weight of 2 doubles that pollutant's term (NOx: 2·30)."""
    data = priority4()
    data["zones"][2].pop("meets_env_standards")
    data["pools"]["emissions"]["objective"] = {"pollutant_weights": {"NOx": 2}}
    plan = solve_emissions(Instance.from_dict(data))
    assert plan.allocation("SO2_t")["c"] == pytest.approx(30)
    assert plan.objective == pytest.approx(30 + 2 * 30)


def test_missing_energy_reduction_is_named() -> None:
    data = priority4()
    del data["zones"][1]["metrics"]["energy_reduction_tce"]
    with pytest.raises(InstanceError) as err:
        build_emission_model(Instance.from_dict(data))
    assert "zones[1].metrics.energy_reduction_tce" in str(err.value)
    data["zones"][1]["meets_env_standards"] = False  # excluded: its reduction is not needed
    build_emission_model(Instance.from_dict(data))


def test_no_emission_pool_and_bad_rules_are_input_errors() -> None:
    data = priority4()
    del data["pools"]["emissions"]
    with pytest.raises(InstanceError, match="pools.emissions"):
        build_emission_model(Instance.from_dict(data))
    data = priority4()
    data["pools"]["emissions"]["pollutants"]["SO2"]["rules"] = [{"id": "req", "type": "lock", "values": {"zz": 1}}]
    with pytest.raises(InstanceError) as err:
        Instance.from_dict(data)
    paths = {i.path for i in err.value.issues}
    assert {"pools.emissions.pollutants.SO2.rules[0].id", "pools.emissions.pollutants.SO2.rules[0].values.zz"} <= paths
    data = priority4()
    data["pools"]["emissions"]["rules"].append({"id": "cap", "type": "zone_bounds", "cap_mu": 5})
    with pytest.raises(InstanceError, match=r"pools.emissions.rules\[2\].*cap_mu"):
        Instance.from_dict(data)


def test_infeasible_floors_exit_3_and_name_the_rule() -> None:
    """Every zone is to get at least 40 t of SO2: four zones, a pool of 100 t, short by 60 t."""
    data = priority4()
    del data["pools"]["emissions"]["pollutants"]["NOx"]
    data["pools"]["emissions"]["rules"] = [{"id": "floor-all", "type": "zone_bounds", "floor": 40,
                                            "source": "test"}]
    with pytest.raises(InfeasibleError) as err:
        solve_emissions(Instance.from_dict(data))
    assert err.value.exit_code == 3
    message = str(err.value)
    assert "`floor-all` (test)" in message and "`emissions-total:SO2` (2017 §六(一))" in message
    assert "short by 60 t" in message


# -- zero-sum-gains DEA ----------------------------------------------------------------------

def test_zsg_one_input_one_output_ends_proportional_to_output() -> None:
    """With one reallocated input e and one output y (CRS), a unit is efficient iff its y/e
    equals the best ratio, so all are efficient iff e ∝ y: a total of 30 over outputs 10, 20,
    30 ends at 5, 10, 15. Start efficiencies are (y/e) / max(y/e) = 1/3, 2/3, 1."""
    r = zsg_reallocate(np.array([10.0, 10.0, 10.0]), np.zeros((3, 0)), np.array([[10.0], [20.0], [30.0]]))
    assert r.converged
    assert r.allocation == pytest.approx([5, 10, 15])
    assert r.start_efficiency == pytest.approx([1 / 3, 2 / 3, 1])
    assert r.final_efficiency == pytest.approx([1, 1, 1])


def test_zsg_keeps_the_total_and_makes_every_zone_efficient() -> None:
    rng = np.random.default_rng(7)
    X = rng.uniform(1, 10, (12, 2))
    Y = rng.uniform(1, 10, (12, 1))
    start = rng.uniform(1, 10, 12)
    r = zsg_reallocate(start, X, Y)
    assert r.converged and r.final_efficiency.min() >= 1 - 1e-6
    assert r.allocation.sum() == pytest.approx(start.sum(), rel=1e-12)
    assert (r.allocation > 0).all()


def test_zsg_plan_shares_the_pool_by_current_emissions_first() -> None:
    """Zones emit SO2 10, 10, 10 t now and produce value added 10, 20, 30; the pool is 60 t.
    Start: 20 each (proportional to current emissions); ZSG with value added as the only
    output (no other input) ends proportional to value added: 10, 20, 30."""
    zones = [{"id": k, "city": "P", "land_area_mu": 100.0, "metrics": {"value_added": va, "emissions_t": {"SO2": 10.0}}}
             for k, va in (("a", 10), ("b", 20), ("c", 30))]
    data = {"name": "zsg", "zones": zones, "pools": {"emissions": {
        "pollutants": {"SO2": {"total_t": 60}}, "rules": [{"id": "r", "type": "request_cap"}],
        "objective": {"kind": "zsg_dea", "dea_inputs": [], "dea_outputs": ["value_added"]}}}}
    plan = solve_emissions(Instance.from_dict(data))
    assert plan.status == "optimal" and plan.summary.method == "zsg-dea"
    assert plan.allocation("start_SO2_t").to_numpy() == pytest.approx([20, 20, 20])
    assert plan.allocation("SO2_t").to_numpy() == pytest.approx([10, 20, 30])
    assert any("not applied" in note for note in plan.summary.notes)
    del zones[1]["metrics"]["emissions_t"]
    with pytest.raises(InstanceError, match=r"zones\[1\].metrics.emissions_t.SO2"):
        solve_emissions(Instance.from_dict(data))


# -- properties ------------------------------------------------------------------------------

SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def instances(draw: st.DrawFn) -> dict[str, Any]:
    """Random instances without floors or locks (so always feasible): requests, caps by city,
    a corridor share cap, an exclusion by environmental status, sometimes a tilt."""
    n = draw(st.integers(2, 9))
    zones = []
    for k in range(n):
        zones.append(ez(f"z{k}", draw(st.sampled_from(["P", "Q", "R"])), draw(st.floats(0, 1e5)),
                        draw(st.floats(0, 500)), draw(st.floats(0, 500)),
                        tags=["corridor"] if draw(st.booleans()) else [],
                        meets_env_standards=draw(st.sampled_from([True, False, None]))))
    rules: list[dict[str, Any]] = [{"id": "req", "type": "request_cap"},
                                   {"id": "env", "type": "exclude", "select": {"meets_env_standards": False}},
                                   {"id": "city", "type": "group_bounds", "by": "city", "cap": draw(st.floats(0, 400))}]
    if any("corridor" in z["tags"] for z in zones):
        rules.append({"id": "corridor", "type": "group_bounds", "by": "tag", "groups": ["corridor"],
                      "cap_share": draw(st.floats(0, 1))})
    if draw(st.booleans()):
        rules.append({"id": "tilt", "type": "tilt", "by": "energy_reduction_tce", "per": "zone"})
    return {"name": "random", "zones": zones, "rules": [],
            "pools": {"emissions": {"pollutants": {"SO2": {"total_t": draw(st.floats(1, 2000))},
                                                   "NOx": {"total_t": draw(st.floats(1, 2000))}},
                                    "rules": rules}}}


def _tol(x: Any) -> Any:
    return 1e-6 * np.maximum(1.0, np.abs(x))


@SETTINGS
@given(instances())
def test_no_pool_exceeded_and_rules_hold(data: dict[str, Any]) -> None:
    plan = solve_emissions(Instance.from_dict(data))
    assert plan.status == "optimal"
    alloc = plan.allocations.set_index("zone")
    for p, pool in data["pools"]["emissions"]["pollutants"].items():
        x = alloc[f"{p}_t"].to_numpy()
        assert (x >= -1e-9).all()
        assert x.sum() <= pool["total_t"] + _tol(pool["total_t"])
        req = np.array([z["requests"]["emissions_t"][p] for z in data["zones"]])
        assert (x <= req + _tol(req)).all()
        failing = np.array([z["meets_env_standards"] is False for z in data["zones"]])
        assert (x[failing] <= 1e-6).all()
        by_city: dict[str, float] = {}
        for z, v in zip(data["zones"], x, strict=True):
            by_city[z["city"]] = by_city.get(z["city"], 0.0) + v
        cap = next(r for r in data["pools"]["emissions"]["rules"] if r["id"] == "city")["cap"]
        assert max(by_city.values()) <= cap + _tol(cap) * len(data["zones"])


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_backends_agree_on_random_instances(data: dict[str, Any]) -> None:
    inst = Instance.from_dict(data)
    ref = solve_emissions(inst).objective
    assert ref is not None
    scale = max(1.0, max(z["metrics"]["energy_reduction_tce"] for z in data["zones"]) * 2)
    for backend in ("pulp-cbc", "ortools-glop", "ortools-scip"):
        got = solve_emissions(inst, backend).objective
        assert got == pytest.approx(ref, rel=1e-6, abs=1e-6 * scale), backend
