"""Minimum lots as semi-continuous columns: native on HiGHS (the switch and its two rows dropped),
a binary and two rows on every other MIP backend; the same optimum everywhere.

The hand-checked optima are those of tests/allocation_cases.py (``min-lot``: a 90, b 60, c 0,
3,900; ``min-lot-per-zone``: a 100, b 0, c 50, 3,500) and ``fund_case`` (a 800, b 400, c 300 in
whole tranches, a semi-integer column on HiGHS).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from allocation_cases import cases, fund_case
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from land_cases import zone

from zoneopt import Instance, build_land_model, solve_funds, solve_land
from zoneopt.core import solve
from zoneopt.core.backends.highs import native_semicontinuous
from zoneopt.models.funds import build_fund_model

MIP_BACKENDS = ["highs", "pulp-cbc", "pulp-highs", "ortools-scip"]
CASES = {c.name: c for c in cases()}


@pytest.mark.parametrize("name", ["min-lot", "min-lot-per-zone"])
def test_every_lot_is_native_on_highs(name: str) -> None:
    m = build_land_model(Instance.from_dict(CASES[name].data)).model
    native = native_semicontinuous(m)
    assert m.semicontinuous is not None and native is not None
    lots = m.semicontinuous.size
    assert native.switch.size == lots  # every declared lot
    assert native.model.num_vars == m.num_vars - lots and native.model.num_rows == m.num_rows - 2 * lots
    assert not native.model.integer.any()  # no binary is left: x is semi-continuous


@pytest.mark.parametrize("backend", MIP_BACKENDS)
@pytest.mark.parametrize("name", ["min-lot", "min-lot-per-zone"])
def test_same_optimum_on_every_mip_backend(name: str, backend: str) -> None:
    case = CASES[name]
    plan = solve_land(Instance.from_dict(case.data), backend)
    assert plan.objective == pytest.approx(case.objective, rel=1e-7)
    assert case.allocation is not None
    assert plan.allocation().to_dict() == pytest.approx(case.allocation, abs=1e-6)


@pytest.mark.parametrize("backend", MIP_BACKENDS)
def test_semi_integer_funds_agree(backend: str) -> None:
    inst = Instance.from_dict(fund_case())
    fm = build_fund_model(inst)
    native = native_semicontinuous(fm.model)
    assert native is not None and fm.model.integer[native.switched].all()  # whole tranches: semi-integer
    assert solve_funds(inst, backend).allocation("funds").to_dict() == \
        pytest.approx({"a": 800.0, "b": 400.0, "c": 300.0})


def test_a_zone_whose_cap_is_below_its_lot_stays_binary_and_gets_nothing() -> None:
    """b asks 50 < the lot 60: its switch is fixed at 0 (ub 0), so it is not made native, and
    the plan gives it nothing on HiGHS as on CBC."""
    data = CASES["min-lot"].data
    data = {**data, "zones": [dict(z) for z in data["zones"]]}
    data["zones"][1] = zone("b", "P", 100, 2000, request=50)
    inst = Instance.from_dict(data)
    native = native_semicontinuous(build_land_model(inst).model)
    assert native is not None and native.switch.size == 2
    for backend in ("highs", "pulp-cbc"):
        assert solve_land(inst, backend).allocation()["b"] == pytest.approx(0.0)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(5, 60), st.integers(0, 400)), min_size=2, max_size=7),
       st.integers(50, 1_000), st.integers(10, 200), st.sampled_from(["efficiency", "tiered"]))
def test_native_and_binary_lots_give_the_same_optimum(zones: list[tuple[int, int]], pool: int, lot: int,
                                                     kind: str) -> None:
    data = {"name": "lots", "zones": [zone(f"z{k}", "P" if k % 2 else "Q", 100, 100 * tax, score=50 + k,
                                           request=req, grade="ABC"[k % 3]) for k, (tax, req) in enumerate(zones)],
            "pools": {"land": {"total_mu": pool}}, "objective": {"kind": kind},
            "rules": [{"id": "req", "type": "request_cap"}, {"id": "lot", "type": "min_lot", "lot_mu": lot}]}
    m = build_land_model(Instance.from_dict(data)).model
    native = solve(m, "highs")
    binary = solve(replace(m, semicontinuous=None), "highs")
    cbc = solve(m, "pulp-cbc")
    assert native.status.value == binary.status.value == cbc.status.value == "optimal"
    for other in (binary, cbc):
        assert native.objective == pytest.approx(other.objective, rel=1e-6, abs=1e-6)
    assert native.x is not None and native.check is not None and native.check.passed
    assert m.semicontinuous is not None
    x = native.x[m.semicontinuous.column]
    assert np.all((np.abs(x) <= 1e-6) | (x >= m.semicontinuous.lot - 1e-6))
