"""The tiered target in L2 (least squares, ``"tiers": {"norm": "l2"}``): a QP on the backends that
take a quadratic objective (HiGHS, OR-Tools PDLP, SCIP), refused by name elsewhere.

Hand-checked: ``tiered-forced`` (tests/allocation_cases.py) in L2. Targets a 250, b 250, c 100,
d 0 over a pool of 600; city Q (c, d) must get at least 300, so Q gains 200 and P loses 200.
L1 is indifferent to how (every split costs 400); L2 spreads each side evenly: c and d +100
each, a and b −100 each — a 150, b 150, c 200, d 100, Σe² = 4 × 100² = 40,000 and the
objective 1.5 × 600 − 40,000 / (2 × 600) = 866.67 mu.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest
from allocation_cases import cases, fund_case, graded4
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from land_cases import zone

from zoneopt import Instance, InstanceError, UnsupportedModelError, backend_names, build_land_model, solve_land
from zoneopt.instance import Tiers

QP = ["highs", "ortools-pdlp", "ortools-scip"]
CASES = {c.name: c for c in cases()}


def l2(data: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(data)
    out["objective"]["tiers"] = {**out["objective"].get("tiers", {}), "norm": "l2"}
    return out


def targets(inst: Instance) -> np.ndarray:
    """The tiered target per zone (mu), as the built model states it."""
    lm = build_land_model(inst)
    rows = lm.model.row_block("tiered:deviation").slice
    return lm.model.row_lb[rows] * lm.land_unit


def test_l1_is_the_default_and_has_no_quadratic_part() -> None:
    assert Tiers().norm == "l1"
    assert build_land_model(Instance.from_dict(CASES["tiered-forced"].data)).model.hessian is None
    m = build_land_model(Instance.from_dict(l2(CASES["tiered-forced"].data))).model
    assert m.is_quadratic and m.hessian is not None and m.hessian.nnz == 4  # one deviation per zone


@pytest.mark.parametrize("backend", backend_names())
def test_hand_checked_l2_on_every_backend_that_takes_a_qp(backend: str) -> None:
    inst = Instance.from_dict(l2(CASES["tiered-forced"].data))
    if backend not in QP:
        with pytest.raises(UnsupportedModelError, match=rf"backend '{backend}'.*quadratic.*tiered:deviation"):
            solve_land(inst, backend)
        return
    plan = solve_land(inst, backend)
    assert plan.status == "optimal"
    assert plan.objective == pytest.approx(900 - 40_000 / 1200, rel=1e-7)
    # SCIP solves a QP to a gap on its objective, so its point is as close as that gap's square root
    atol = 0.5 if backend == "ortools-scip" else 1e-4
    assert plan.allocation().to_dict() == pytest.approx({"a": 150, "b": 150, "c": 200, "d": 100}, abs=atol)


def test_with_only_the_pool_row_the_plan_is_the_target_and_with_a_cap_its_projection() -> None:
    """graded4 without its request caps: the target (250, 250, 100, 0) is the projection itself.
    With city P (a, b) capped at 400, the 100 mu P gives up go evenly to c and d (the closed
    form of the projection onto Σ x = 600, x_a + x_b <= 400): a 200, b 200, c 150, d 50."""
    data = graded4(600)
    data["rules"] = []
    data["objective"] = {"kind": "tiered", "tiers": {"norm": "l2"}}
    inst = Instance.from_dict(data)
    plan = solve_land(inst)
    assert plan.allocation().to_numpy() == pytest.approx(targets(inst), abs=1e-6)
    data["rules"] = [{"id": "p-cap", "type": "group_bounds", "by": "city", "groups": ["P"], "cap_mu": 400}]
    plan = solve_land(Instance.from_dict(data))
    assert plan.allocation().to_dict() == pytest.approx({"a": 200, "b": 200, "c": 150, "d": 50}, abs=1e-4)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from("ABCD"), st.sampled_from("PQ"), st.integers(20, 600)),
                min_size=2, max_size=6),
       st.integers(100, 2_000), st.floats(0.0, 1.0))
def test_l2_uses_the_pool_and_is_no_farther_from_the_target_than_l1(
        zones: list[tuple[str, str, int]], pool: int, cap_share: float) -> None:
    """Request caps and a cap on city P: the most the rules let be allocated is
    min(pool, min(cap_P, Σ requests in P) + Σ requests in Q); the L2 plan allocates it, as the
    L1 plan does, and is no farther from the target in L2."""
    data: dict[str, Any] = {"name": "l2-random", "zones": [
        zone(f"z{k}", city, 1000, 20_000, score=50, request=req, grade=g) for k, (g, city, req) in enumerate(zones)],
        "pools": {"land": {"total_mu": pool}}, "objective": {"kind": "tiered"}}
    req = np.array([z[2] for z in zones], dtype=float)
    in_p = np.array([z[1] == "P" for z in zones])
    cap_p = cap_share * pool
    data["rules"] = [{"id": "req", "type": "request_cap"},
                     {"id": "p-cap", "type": "group_bounds", "by": "city", "groups": ["P"], "cap_mu": cap_p}] \
        if in_p.any() else [{"id": "req", "type": "request_cap"}]
    most = min(pool, min(cap_p, req[in_p].sum()) + req[~in_p].sum())
    one = Instance.from_dict(data)
    two = Instance.from_dict(l2(data))
    x1 = solve_land(one).allocation().to_numpy()
    x2 = solve_land(two).allocation().to_numpy()
    t = targets(two)
    assert targets(one) == pytest.approx(t)
    assert x2.sum() == pytest.approx(most, rel=1e-6, abs=1e-5)
    assert x1.sum() == pytest.approx(most, rel=1e-6, abs=1e-5)
    assert np.linalg.norm(x2 - t) <= np.linalg.norm(x1 - t) + 1e-6 * pool


def test_funds_in_whole_tranches_make_a_miqp_only_scip_takes() -> None:
    """fund_case in L2: a 800, b 400, c 300 is still the best split in tranches with c's lot
    (Σe² = 10.53² + 73.68² + 63.16² = 9,529; next best a 700, b 500, c 300 with 12,687)."""
    from zoneopt import solve_funds

    data = fund_case()
    data["pools"]["funds"]["objective"]["tiers"] = {"norm": "l2"}
    inst = Instance.from_dict(data)
    with pytest.raises(UnsupportedModelError, match="highs.*MIQP.*ortools-scip"):
        solve_funds(inst, "highs")
    plan = solve_funds(inst, "ortools-scip")
    t = np.array([1500, 900, 450]) / 1.9
    x = np.array([800.0, 400.0, 300.0])
    assert plan.allocation("funds").to_dict() == pytest.approx({"a": 800.0, "b": 400.0, "c": 300.0})
    assert plan.objective == pytest.approx(1.5 * 1500 - ((x - t) ** 2).sum() / 3000, rel=1e-6)


def test_emissions_follow_the_target_in_l2() -> None:
    from allocation_cases import emission_case

    from zoneopt import solve_emissions

    data = emission_case(kind="tiered")
    data["pools"]["emissions"]["objective"]["tiers"] = {"by": "score", "norm": "l2"}
    data["pools"]["emissions"]["rules"].append({"id": "r-cap", "type": "group_bounds", "by": "city",
                                                "groups": ["R"], "cap": 5.0})
    # Targets by score × request 90:60:80 of 25 t, capped at the requests of 10 t: a 9.78, b 6.52,
    # c 8.70; c's city is capped at 5 t: the 3.70 t it gives up go evenly to a and b — but a can
    # take only 0.22 more, so a 10, b 10 (b takes the rest).
    plan = solve_emissions(Instance.from_dict(data))
    got = plan.allocation("SO2_t")
    assert got.to_dict() == pytest.approx({"a": 10.0, "b": 10.0, "c": 5.0}, abs=1e-5)


def test_the_plan_over_years_refuses_l2_by_its_path() -> None:
    from zoneopt.models.multi_period import build_multi_period

    data = l2(CASES["tiered-forced"].data)
    data["periods"] = {"years": [2024, 2025]}
    with pytest.raises(InstanceError, match=r"objective\.tiers\.norm.*norm 'l1'"):
        build_multi_period(Instance.from_dict(data))
