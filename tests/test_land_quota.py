"""The land-quota model on hand-computed instances (see tests/land_cases.py for the arithmetic),
on every backend that takes each model."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from land_cases import Case, cases, small4, zone

from zoneopt import (
    InfeasibleError,
    Instance,
    InstanceError,
    UnsupportedModelError,
    backend_names,
    build_land_model,
    solve_land,
)
from zoneopt.core import get_backend

CASES = {c.name: c for c in cases()}


def accepts(backend: str, case: Case) -> bool:
    cls = get_backend(backend)
    model = build_land_model(Instance.from_dict(case.data)).model
    if model.is_mip and not cls.integer:
        return False
    return cls.continuous or bool(model.integer.all())


@pytest.mark.parametrize("name", list(CASES))
def test_hand_computed_optimum_on_highs(name: str) -> None:
    case = CASES[name]
    plan = solve_land(Instance.from_dict(case.data))
    assert plan.status == "optimal"
    assert plan.objective == pytest.approx(case.objective, rel=1e-7)
    if case.allocation is not None:
        got = plan.allocation()
        for zid, mu in case.allocation.items():
            assert got[zid] == pytest.approx(mu, rel=1e-6, abs=1e-6), zid


@pytest.mark.parametrize("backend", backend_names())
@pytest.mark.parametrize("name", list(CASES))
def test_every_backend_reaches_the_same_optimum(name: str, backend: str) -> None:
    case = CASES[name]
    inst = Instance.from_dict(case.data)
    if not accepts(backend, case):
        with pytest.raises(UnsupportedModelError):
            solve_land(inst, backend)
        return
    plan = solve_land(inst, backend)
    assert plan.summary.backend == backend
    assert plan.objective == pytest.approx(case.objective, rel=1e-6)


def test_shadow_prices_in_plan_units_and_agree_across_lp_backends() -> None:
    """small-4 is non-degenerate: c sits strictly inside its bounds, so the pool's shadow
    price is c's weight, 20 万元/yr per mu, and the request caps of a and b are worth 30 and 10."""
    inst = Instance.from_dict(small4())
    for backend in backend_names():
        cls = get_backend(backend)
        if not (cls.duals and cls.continuous):
            continue
        b = solve_land(inst, backend).bindings.set_index("row")
        tol = 1e-4 if backend == "ortools-pdlp" else 1e-6
        assert b.loc["land-total[total]", "shadow_price"] == pytest.approx(20.0, rel=tol), backend
        assert b.loc["req[a]", "shadow_price"] == pytest.approx(30.0, rel=tol), backend
        assert b.loc["req[b]", "shadow_price"] == pytest.approx(10.0, rel=tol), backend
        assert b.loc["req[a]", "unit"].startswith("万元")


def test_binding_rules_per_zone() -> None:
    plan = solve_land(Instance.from_dict(small4()))
    rules = plan.allocations.set_index("zone")["binding_rules"]
    # the rules that bind for each zone on its own rows; the pool binds for the plan (its bindings)
    assert rules["a"] == "req"
    assert rules["c"] == ""
    assert "no-d" in rules["d"].split(";")
    assert "q-floor" not in ";".join(rules)  # 200 mu to Q against a floor of 100: slack
    assert "land-total" in set(plan.bindings["rule"])
    prices = {z.zone: z.shadow_prices for z in plan.to_record().allocations}
    assert prices["a"] == pytest.approx({"req": 30.0})
    assert prices["c"] == {}


def test_parcel_plan_is_whole_parcels() -> None:
    plan = solve_land(Instance.from_dict(CASES["parcels"].data))
    alloc = plan.allocation().to_numpy()
    assert np.allclose(alloc / 150, np.round(alloc / 150))
    assert plan.summary.mip_gap is not None and plan.summary.land_unit_mu == 150


def test_equity_reports_the_efficiency_tie_break() -> None:
    plan = solve_land(Instance.from_dict(CASES["equity"].data))
    # With the min fulfilment held at 5/6 the plan is unique: 250·50 + 416.7·30 + 333.3·20.
    assert plan.summary.secondary_objective == pytest.approx(250 * 50 + 1250 / 3 * 30 + 1000 / 3 * 20, rel=1e-6)


def test_blend_end_points_equal_the_pure_objectives() -> None:
    """A blend with weight only on efficiency picks the efficiency plan, and only on equity
    picks a plan with the equity optimum's minimum fulfilment."""
    base = small4()
    eff = solve_land(Instance.from_dict(base)).allocation()
    only_eff = copy.deepcopy(base)
    only_eff["objective"] = {"kind": "blend", "blend": {"efficiency": 1.0}}
    assert np.allclose(solve_land(Instance.from_dict(only_eff)).allocation(), eff)
    only_eq = copy.deepcopy(base)
    only_eq["objective"] = {"kind": "blend", "blend": {"equity": 1.0, "efficiency": 1e-6}}
    plan = solve_land(Instance.from_dict(only_eq))
    f = plan.allocations.set_index("zone")["fulfilment"][["a", "b", "c"]]
    assert f.min() == pytest.approx(5 / 6, rel=1e-6)


def test_tilt_ignores_equal_scores_and_excluded_zones() -> None:
    """a and b tie on score, so they are not ordered among themselves: all land per mu may go
    to b (the better earner). c has the top score but is excluded: left out of the ordering,
    it does not force the others to zero."""
    data = {"name": "tilt-ties", "zones": [zone("a", "P", 100, 1000, score=70), zone("b", "P", 100, 2000, score=70),
                                           zone("c", "P", 100, 9000, score=95, grade="D")],
            "pools": {"land": {"total_mu": 100}},
            "rules": [{"id": "no-d", "type": "exclude", "select": {"grades": ["D"]}},
                      {"id": "tilt", "type": "tilt", "by": "score"}]}
    plan = solve_land(Instance.from_dict(data))
    assert plan.allocation()["b"] == pytest.approx(100)
    assert plan.objective == pytest.approx(2000)


def test_tilt_by_grade_orders_tiers() -> None:
    """Grade A zone a earns 10/mu, grade B zone b 20/mu; tilt by grade makes a's land per mu at
    least b's: x_a = x_b = 50 on equal areas, 1,500."""
    data = {"name": "tilt-grade", "zones": [zone("a", "P", 100, 1000, grade="A"), zone("b", "P", 100, 2000, grade="B")],
            "pools": {"land": {"total_mu": 100}}, "rules": [{"id": "t", "type": "tilt", "by": "grade"}]}
    assert solve_land(Instance.from_dict(data)).objective == pytest.approx(1500)


def test_infeasible_plan_names_the_conflicting_rules() -> None:
    """Three zones each with a floor of 400 mu cannot fit a pool of 1,000: short by 200."""
    data = copy.deepcopy(CASES["group-cap-share"].data)
    data["rules"] = [{"id": "floor-all", "type": "zone_bounds", "floor_mu": 400, "source": "test"}]
    with pytest.raises(InfeasibleError) as err:
        solve_land(Instance.from_dict(data))
    msg = str(err.value)
    assert "rules `land-total` (2017 §六(一)) and `floor-all` (test) cannot both hold" in msg
    assert "short by 200 mu" in msg and "raising `land-total` by 200 mu restores feasibility" in msg
    assert "lowering `floor-all` by 200 mu" in msg
    assert err.value.exit_code == 3
    assert err.value.diagnosis is not None and err.value.diagnosis.rule_ids == ("land-total", "floor-all")


def test_infeasible_zone_names_floor_and_cap() -> None:
    """Zone a's floor of 300 mu against city P's per-zone cap of 200: 100 mu apart."""
    data = copy.deepcopy(CASES["group-cap-share"].data)
    data["rules"] = [{"id": "floor-a", "type": "zone_bounds", "select": {"zones": ["a"]}, "floor_mu": 300},
                     {"id": "cap-p", "type": "zone_bounds", "select": {"cities": ["P"]}, "cap_mu": 200}]
    with pytest.raises(InfeasibleError, match=r"rules `floor-a` and `cap-p` cannot both hold: short by 100 mu; "
                       r"lowering `floor-a` by 100 mu restores feasibility "
                       r"\(or: raising `cap-p` by 100 mu \(a \+100\)\)"):
        solve_land(Instance.from_dict(data))


def test_infeasible_falls_back_on_the_quick_check_when_the_diagnosis_cannot_finish(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """When the diagnosis stops (here: made to raise), the per-zone quick check still names
    the rules, and the error says the diagnosis is missing."""
    import zoneopt.models.land_plan
    from zoneopt.errors import NoSolutionError

    def stop(*args: object, **kwargs: object) -> None:
        raise NoSolutionError("time limit")

    monkeypatch.setattr(zoneopt.models.land_plan, "diagnose_land_model", stop)
    data = copy.deepcopy(CASES["group-cap-share"].data)
    data["rules"] = [{"id": "floor-all", "type": "zone_bounds", "floor_mu": 400, "source": "test"}]
    with pytest.raises(InfeasibleError) as err:
        solve_land(Instance.from_dict(data))
    assert "'floor-all' (test)" in str(err.value) and "short by 200 mu" in str(err.value)
    assert "no full diagnosis: time limit" in str(err.value) and err.value.diagnosis is None


def test_missing_tax_is_named_by_zone() -> None:
    data = small4()
    del data["zones"][2]["metrics"]["tax"]
    with pytest.raises(InstanceError) as err:
        build_land_model(Instance.from_dict(data))
    assert err.value.issues[0].path == "zones[2].metrics.tax"
    assert "'c'" in err.value.issues[0].message


def test_unknown_weight_indicator_is_named() -> None:
    data = small4()
    data["objective"] = {"weight": "tax_per_hectare"}
    with pytest.raises(InstanceError, match=r"objective.weight: unknown indicator 'tax_per_hectare'"):
        build_land_model(Instance.from_dict(data))


def test_no_land_pool_is_an_instance_error() -> None:
    data = small4()
    del data["pools"]
    with pytest.raises(InstanceError, match=r"pools.land"):
        build_land_model(Instance.from_dict(data))


def test_model_is_labelled_by_rule() -> None:
    lm = build_land_model(Instance.from_dict(small4()))
    rules = {b.rule for b in lm.model.row_blocks}
    assert {"land-total", "req", "no-d", "q-floor"} <= rules
    assert lm.model.row_block("q-floor:floor_mu").labels == ("Q",)


def test_zone_table_cache_follows_the_zones() -> None:
    """The zone columns are read once per instance; a copy with other zones reads its own."""
    inst = Instance.from_dict(small4())
    assert build_land_model(inst).model.num_vars == 4
    fewer = inst.model_copy(update={"zones": inst.zones[:2], "rules": ()})
    lm = build_land_model(fewer)
    assert lm.x.labels == ("a", "b") and lm.model.num_vars == 2
