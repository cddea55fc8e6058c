"""The fund-disbursement model (基金投放) on a hand-computed instance (the arithmetic in the
docstrings) for each objective, as an LP on every LP backend and in whole tranches (a MIP) on
HiGHS, CBC, SCIP and CP-SAT; errors; hypothesis properties."""

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
from zoneopt.data.requests import EMERGING_FIELDS_2017, is_emerging, sector_priority
from zoneopt.errors import InfeasibleError
from zoneopt.models.funds import build_fund_model, solve_funds

LP_BACKENDS = [b for b in backend_names() if get_backend(b).continuous]
MIP_BACKENDS = ["highs", "pulp-cbc", "ortools-scip", "ortools-cpsat"]


def fz(zid: str, city: str, amount: float, investment: float, tax: float, score: float, **extra: Any) -> dict[str, Any]:
    z: dict[str, Any] = {"id": zid, "city": city, "land_area_mu": 1000.0, "score": score,
                         "requests": {"funds": {"amount": amount, "investment": investment, "expected_tax": tax}}}
    z.update(extra)
    return z


def funds4(kind: str = "leverage", tranche: float | None = None) -> dict[str, Any]:
    """Budget 1,000 万元. Requests (amount, investment, expected tax; score): a (400, 4000,
    200; 80), b (500, 2500, 300; 60), c (300, 3000, 90; 90), d (200, 1000, 100; 70), d in
    biomedicine, one of the ten emerging fields, priority 1.2. Rules: request caps; leverage
    fund ≤ 0.15 × investment (a ≤ 600, b ≤ 375, c ≤ 450, d ≤ 150); city R (b alone) gets at
    least 300 (a regional floor).

    Weights per 万元 × priority — leverage I/R: a 10, b 5, c 10, d 5·1.2 = 6; tax T/R: a 0.5,
    b 0.6, c 0.3, d 0.6; score: a 80, b 60, c 90, d 84.

    LP. leverage: b takes its floor 300; the other 700 go by weight: a 400, c 300, d nothing:
    400·10 + 300·5 + 300·10 = 8,500. tax: b 375 and d 150 (0.6, both at their leverage
    caps), a 400 (0.5), c the remaining 75: 225 + 90 + 200 + 22.5 = 537.5. score: b 300
    (floor), c 300, d 150, a the remaining 250: 18,000 + 27,000 + 12,600 + 20,000 = 77,600.

    Tranches of 150 (a MIP): a ∈ {0, 150, 300}, b = 300 (floor 300, cap 375), c ∈ {0, 150,
    300}, d ∈ {0, 150}; 700 left after b. leverage: a 300, c 300 (d's 150 does not fit):
    3,000 + 1,500 + 3,000 = 7,500. tax: d 150, a 300, c 150: 180 + 90 + 150 + 45 = 465.
    score: c 300, d 150, a 150: 18,000 + 27,000 + 12,600 + 12,000 = 69,600."""
    pool: dict[str, Any] = {"budget": 1000, "emerging_priority": 1.2, "objective": {"kind": kind}, "rules": [
        {"id": "req", "type": "request_cap", "source": "2017 §十(三)"},
        {"id": "leverage", "type": "leverage_cap", "alpha": 0.15, "source": "2022 第三章 专栏二"},
        {"id": "floor-r", "type": "group_bounds", "by": "city", "floor": {"R": 300}, "source": "2022 第三章"}]}
    if tranche is not None:
        pool["tranche"] = tranche
    return {"name": "funds4", "zones": [fz("a", "P", 400, 4000, 200, 80), fz("b", "R", 500, 2500, 300, 60),
                                        fz("c", "Q", 300, 3000, 90, 90),
                                        fz("d", "Q", 200, 1000, 100, 70, tags=["biomedicine"])],
            "pools": {"funds": pool}}


LP_CASES = {"leverage": (8500.0, {"a": 400, "b": 300, "c": 300, "d": 0}),
            "tax": (537.5, {"a": 400, "b": 375, "c": 75, "d": 150}),
            "score": (77600.0, {"a": 250, "b": 300, "c": 300, "d": 150})}
MIP_CASES = {"leverage": (7500.0, {"a": 300, "b": 300, "c": 300, "d": 0}),
             "tax": (465.0, {"a": 300, "b": 300, "c": 150, "d": 150}),
             "score": (69600.0, {"a": 150, "b": 300, "c": 300, "d": 150})}


@pytest.mark.parametrize("backend", LP_BACKENDS)
@pytest.mark.parametrize("kind", list(LP_CASES))
def test_lp_optimum_on_every_lp_backend(kind: str, backend: str) -> None:
    objective, alloc = LP_CASES[kind]
    plan = solve_funds(Instance.from_dict(funds4(kind)), backend, time_limit=30)
    assert plan.status == "optimal" and plan.summary.method == "lp"
    tol = 1e-5 if backend == "ortools-pdlp" else 1e-7
    assert plan.objective == pytest.approx(objective, rel=tol)
    assert plan.allocation("funds").to_dict() == pytest.approx(alloc, rel=tol, abs=1e-4)


@pytest.mark.parametrize("backend", MIP_BACKENDS)
@pytest.mark.parametrize("kind", list(MIP_CASES))
def test_tranche_optimum_agrees_on_every_mip_backend(kind: str, backend: str) -> None:
    objective, alloc = MIP_CASES[kind]
    plan = solve_funds(Instance.from_dict(funds4(kind, tranche=150)), backend, time_limit=30)
    assert plan.status == "optimal" and plan.summary.method == "mip"
    assert plan.objective == pytest.approx(objective, rel=1e-9)
    assert plan.allocation("funds").to_dict() == pytest.approx(alloc, abs=1e-6)
    assert plan.allocation("tranches").to_dict() == {k: round(v / 150) for k, v in alloc.items()}


def test_leverage_prices_and_leverage_column() -> None:
    """The budget's price is the best weight left unserved, d's 6 万元 of investment per 万元;
    a's and c's request caps are worth 10 − 6 = 4; raising R's floor costs 6 − 5 = 1."""
    plan = solve_funds(Instance.from_dict(funds4()))
    b = plan.bindings.set_index("row")
    assert b.loc["funds-total[total]", "shadow_price"] == pytest.approx(6)
    assert b.loc["req[a]", "shadow_price"] == pytest.approx(4)
    assert b.loc["floor-r:floor[R]", "shadow_price"] == pytest.approx(-1)
    assert b.loc["floor-r:floor[R]", "source"] == "2022 第三章"
    lev = plan.allocation("leverage")
    assert lev["a"] == pytest.approx(0.1) and lev["b"] == pytest.approx(0.12)
    assert plan.summary.pools[0].allocated == pytest.approx(1000)
    assert "sector-priority" in plan.summary.objective_unit


def test_exact_budget_and_lock() -> None:
    """Lock a at 200: c 300 and d 150 (weights 10 and 6, at their caps), b the remaining 350
    (≥ its floor 300, ≤ its leverage cap 375): 200·10 + 350·5 + 300·10 + 150·6 = 7,650. Lock a
    at 100 with the budget to be spent exactly: at most 100 + 375 + 300 + 150 = 925 can go
    out, short by 75 万元; the diagnosis names the budget, a's lock and the caps."""
    data = funds4()
    data["pools"]["funds"]["exact"] = True
    data["pools"]["funds"]["rules"].append({"id": "lock-a", "type": "lock", "values": {"a": 200}})
    plan = solve_funds(Instance.from_dict(data))
    assert plan.allocation("funds").to_dict() == pytest.approx({"a": 200, "b": 350, "c": 300, "d": 150})
    assert plan.objective == pytest.approx(7650)
    data["pools"]["funds"]["rules"][-1]["values"] = {"a": 100}
    with pytest.raises(InfeasibleError) as err:
        solve_funds(Instance.from_dict(data))
    message = str(err.value)
    assert "short by 75 万元" in message and "`lock-a`" in message and "`funds-total` (2017 §十(三))" in message


def test_project_leverage_cap_is_noted_not_applied() -> None:
    data = funds4()
    data["pools"]["funds"]["rules"].append({"id": "lev-p", "type": "leverage_cap", "alpha": 0.01, "per": "project"})
    plan = solve_funds(Instance.from_dict(data))
    assert plan.objective == pytest.approx(8500)
    assert any("lev-p" in n and "portfolio" in n for n in plan.summary.notes)


def test_missing_investment_is_named_unless_excluded() -> None:
    data = funds4()
    del data["zones"][2]["requests"]["funds"]["investment"]
    with pytest.raises(InstanceError) as err:
        build_fund_model(Instance.from_dict(data))
    assert "zones[2].requests.funds.investment" in str(err.value)
    data["pools"]["funds"]["rules"].append({"id": "no-c", "type": "exclude", "select": {"zones": ["c"]}})
    build_fund_model(Instance.from_dict(data))
    data = funds4()
    del data["pools"]["funds"]
    with pytest.raises(InstanceError, match="pools.funds"):
        build_fund_model(Instance.from_dict(data))


def test_floor_against_leverage_cap_in_tranches_is_infeasible_and_named() -> None:
    """Tranches of 250: R's floor of 300 needs two tranches (500) for b, but b's leverage cap
    allows 375: exit code 3, and the message names both rules."""
    with pytest.raises(InfeasibleError) as err:
        solve_funds(Instance.from_dict(funds4(tranche=250)))
    assert err.value.exit_code == 3
    assert "`floor-r` (2022 第三章)" in str(err.value) and "`leverage`" in str(err.value)


def test_sector_priority_and_emerging_fields() -> None:
    """The ten fields of 2017 §四(二), matched by id or Chinese name; the largest priority of
    a unit's sectors counts, 1 when none is listed."""
    assert len(EMERGING_FIELDS_2017) == 10 and "生物医药" in EMERGING_FIELDS_2017.values()
    assert is_emerging(["biomedicine", "节能环保", "textiles", None]).tolist() == [True, True, False, False]
    pool = Instance.from_dict(funds4()).pools.funds
    assert pool is not None
    pool = pool.model_copy(update={"sector_priority": {"textiles": 0.5, "chemicals": 2.0}})
    got = sector_priority(pool, [("biomedicine",), ("textiles",), ("textiles", "chemicals"), (), ("food",)])
    assert got.tolist() == [1.2, 0.5, 2.0, 1.0, 1.0]


# -- properties ------------------------------------------------------------------------------

@st.composite
def instances(draw: st.DrawFn) -> dict[str, Any]:
    """Random feasible instances: requests, leverage caps, city caps (no floors)."""
    n = draw(st.integers(2, 8))
    zones = [fz(f"z{k}", draw(st.sampled_from(["P", "Q"])), draw(st.integers(0, 50)) * 10.0,
                draw(st.integers(0, 100)) * 50.0, draw(st.integers(0, 50)) * 2.0, draw(st.integers(40, 100)),
                tags=draw(st.sampled_from([[], ["biomedicine"], ["textiles"]])))
             for k in range(n)]
    tranche = draw(st.sampled_from([None, 10.0, 50.0, 100.0]))
    pool: dict[str, Any] = {"budget": draw(st.integers(1, 200)) * 10.0, "emerging_priority": 1.5,
                            "objective": {"kind": draw(st.sampled_from(["leverage", "tax", "score"]))},
                            "rules": [{"id": "req", "type": "request_cap"},
                                      {"id": "lev", "type": "leverage_cap", "alpha": draw(st.sampled_from([0.1, 0.3]))},
                                      {"id": "city", "type": "group_bounds", "by": "city",
                                       "cap_share": draw(st.sampled_from([0.5, 0.8, 1.0]))}]}
    if tranche is not None:
        pool["tranche"] = tranche
    return {"name": "random", "zones": zones, "pools": {"funds": pool}}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_budget_requests_leverage_and_tranches_hold(data: dict[str, Any]) -> None:
    plan = solve_funds(Instance.from_dict(data), time_limit=20)
    f = plan.allocation("funds").to_numpy()
    pool = data["pools"]["funds"]
    req = np.array([z["requests"]["funds"]["amount"] for z in data["zones"]])
    inv = np.array([z["requests"]["funds"]["investment"] for z in data["zones"]])
    alpha = pool["rules"][1]["alpha"]
    assert (f >= -1e-9).all() and f.sum() <= pool["budget"] * (1 + 1e-9)
    assert (f <= req + 1e-6 * np.maximum(1, req)).all()
    assert (f <= alpha * inv + 1e-6 * np.maximum(1, alpha * inv)).all()
    if "tranche" in pool:
        assert np.allclose(f / pool["tranche"], np.round(f / pool["tranche"]))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_mip_backends_agree(data: dict[str, Any]) -> None:
    data["pools"]["funds"].setdefault("tranche", 10.0)
    inst = Instance.from_dict(data)
    ref = solve_funds(inst).objective
    assert ref is not None
    for backend in ("pulp-cbc", "ortools-scip", "ortools-cpsat"):
        got = solve_funds(inst, backend, time_limit=20).objective
        assert got == pytest.approx(ref, rel=1e-6, abs=1e-6), backend


def test_removing_the_tranche_never_lowers_the_optimum() -> None:
    """Whole tranches only restrict the LP: the LP optimum bounds every tranche optimum."""
    for kind in LP_CASES:
        assert LP_CASES[kind][0] >= MIP_CASES[kind][0]
        data = copy.deepcopy(funds4(kind, tranche=50))
        assert solve_funds(Instance.from_dict(data)).objective <= LP_CASES[kind][0] + 1e-6  # type: ignore[operator]


@pytest.mark.parametrize("unit,factor", [("yuan", 1e4), ("yi_yuan", 1e-4)])
def test_money_unit_changes_only_the_numbers(unit: str, factor: float) -> None:
    """The same plan in yuan (×10⁴) or 亿元 (×10⁻⁴): every money figure (budget, requests,
    investment, tax, floors) scales, the allocation scales with it and so does the optimum
    (money of investment); the model's own numbers stay near 1 (model_unit)."""
    data = funds4()
    data["units"] = {"money": unit}
    for z in data["zones"]:
        z["requests"]["funds"] = {k: v * factor for k, v in z["requests"]["funds"].items()}
    pool = data["pools"]["funds"]
    pool["budget"] *= factor
    pool["rules"][2]["floor"] = {"R": 300 * factor}
    plan = solve_funds(Instance.from_dict(data))
    assert plan.objective == pytest.approx(8500 * factor, rel=1e-9)
    expected = {k: v * factor for k, v in LP_CASES["leverage"][1].items()}
    assert plan.allocation("funds").to_dict() == pytest.approx(expected, rel=1e-9, abs=1e-9 * factor)
    m = build_fund_model(Instance.from_dict(data)).model
    assert 1e-3 <= np.abs(m.A.data).min() and np.abs(m.A.data).max() <= 1e3
    assert np.abs(m.row_ub[np.isfinite(m.row_ub)]).max() <= 1e4
