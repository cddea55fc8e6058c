"""Infeasibility diagnosis (zoneopt.analysis.diagnose): deliberately conflicting land instances whose
conflicts and least relaxations are worked out by hand in each docstring; the reported set is
checked to be exactly the conflicting rules and irreducible by solves made here, independently
of the module, and each reported relaxation is applied and re-solved."""

from __future__ import annotations

import copy
import pickle
from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from land_cases import small4, zone

from zoneopt import InfeasibleError, Instance, Model, ModelBuilder, NoSolutionError, build_land_model, solve_land
from zoneopt.analysis.diagnose import diagnose_land
from zoneopt.core import solve
from zoneopt.core.diagnose import Diagnosis, Relaxation, diagnose, fmt_amount
from zoneopt.models.land_plan import plan_from_solution
from zoneopt.models.land_quota import LandModel

# -- independent checks ------------------------------------------------------------------------

def feasible_with(model: Model, rules: set[str]) -> bool:
    """Is ``model`` feasible with only the rows of ``rules`` (and every row without a rule)?"""
    lb, ub = model.row_lb.copy(), model.row_ub.copy()
    for b in model.row_blocks:
        if b.rule is not None and b.rule not in rules:
            lb[b.slice], ub[b.slice] = -np.inf, np.inf
    sol = solve(replace(model, c=np.zeros(model.num_vars), row_lb=lb, row_ub=ub))
    return sol.status.has_solution


def assert_irreducible(model: Model, ids: tuple[str, ...]) -> None:
    assert ids, "an infeasible model's conflict is never empty here"
    assert not feasible_with(model, set(ids)), f"{ids} hold together"
    for r in ids:
        assert feasible_with(model, set(ids) - {r}), f"{ids} minus {r!r} is still infeasible"


def assert_relaxations_restore(lm: LandModel, d: Diagnosis, *, least: bool = True) -> None:
    """Each relaxation that claims to restore the model does (re-solved with the plan's own
    objective, read back as a plan); 1% less of it does not (so it is the least)."""
    for r in d.relaxations:
        if not r.restores_feasibility:
            continue
        relaxed = r.apply(lm.model)
        sol = solve(relaxed)
        assert sol.status.has_solution, f"relaxing {r.rule!r} by {r.total} did not restore feasibility"
        plan = plan_from_solution(replace(lm, model=relaxed), sol)
        assert plan.allocations["allocation_mu"].sum() == pytest.approx(plan.summary.allocated_mu)
        if least:
            short = replace(r, lower_by=0.99 * r.lower_by, raise_by=0.99 * r.raise_by)
            assert not solve(short.apply(lm.model)).status.has_solution, f"{r.rule!r}: 99% also restores"


def land(data: dict[str, Any]) -> tuple[LandModel, Diagnosis]:
    lm = build_land_model(Instance.from_dict(data))
    return lm, diagnose_land(lm)


def three(rules: list[dict[str, Any]], **pool: Any) -> dict[str, Any]:
    """Zones a, b in city P and c in city R; a pool of 1,000 mu."""
    return {"name": "three", "zones": [zone("a", "P", 100, 3000, request=600), zone("b", "P", 100, 2000, request=600),
                                       zone("c", "R", 100, 1000, request=600)],
            "pools": {"land": {"total_mu": 1000, **pool}}, "rules": rules}


# -- the conflicts -----------------------------------------------------------------------------

def test_pool_against_floors() -> None:
    """Three floors of 400 mu need 1,200 mu from a pool of 1,000: short by 200 mu, fixed by
    raising the pool by 200 or by lowering the floors by 200 in all."""
    lm, d = land(three([{"id": "floor-all", "type": "zone_bounds", "floor_mu": 400, "source": "test"}]))
    assert not d.feasible and d.rule_ids == ("land-total", "floor-all")
    assert [c.type for c in d.conflict] == ["pool", "zone_bounds"]
    assert d.conflict[0].source == "2017 §六(一)" and d.conflict[1].source == "test"
    assert d.shortfall == pytest.approx(200)
    pool, floor = d.relaxation("land-total"), d.relaxation("floor-all")
    assert pool.direction == "raise cap" and pool.total == pytest.approx(200) and pool.labels == ("total",)
    assert floor.direction == "lower floor" and floor.total == pytest.approx(200)
    assert floor.lower_by.sum() == pytest.approx(200) and not floor.raise_by.any()
    assert set(floor.labels) <= {"a", "b", "c"}
    assert not d.more_conflicts
    assert_irreducible(lm.model, d.rule_ids)
    assert_relaxations_restore(lm, d)
    # The same change made in the instance: a pool of 1,200 mu holds.
    fixed = three([{"id": "floor-all", "type": "zone_bounds", "floor_mu": 400}], total_mu=1000 + pool.total)
    assert solve_land(Instance.from_dict(fixed)).summary.allocated_mu == pytest.approx(1200)


def test_city_cap_against_zone_floors_in_that_city() -> None:
    """City P (a, b) is capped at 500 mu; a and b each have a floor of 300: 100 mu apart. The
    pool (1,000) and c's cap are irrelevant and not reported."""
    lm, d = land(three([
        {"id": "floor-p", "type": "zone_bounds", "select": {"cities": ["P"]}, "floor_mu": 300},
        {"id": "cap-c", "type": "zone_bounds", "select": {"zones": ["c"]}, "cap_mu": 200},
        {"id": "p-cap", "type": "group_bounds", "by": "city", "groups": ["P"], "cap_mu": 500,
         "source": "2017 §二(二)"}]))
    assert d.rule_ids == ("floor-p", "p-cap")
    assert d.shortfall == pytest.approx(100)
    cap = d.relaxation("p-cap")
    assert cap.direction == "raise cap" and cap.total == pytest.approx(100) and cap.labels == ("P",)
    assert cap.changes()[["bound", "new_bound"]].iloc[0].tolist() == pytest.approx([500, 600])
    assert d.relaxation("floor-p").total == pytest.approx(100)
    assert_irreducible(lm.model, d.rule_ids)
    assert_relaxations_restore(lm, d)


def test_lock_against_exclude() -> None:
    """a is locked at 100 mu but city P is excluded: the lock must drop by 100 (its lower
    side) or the exclusion let 100 mu through."""
    lm, d = land(three([{"id": "lock-a", "type": "lock", "values_mu": {"a": 100}},
                        {"id": "no-p", "type": "exclude", "select": {"cities": ["P"]}}]))
    assert d.rule_ids == ("lock-a", "no-p")
    lock, excl = d.relaxation("lock-a"), d.relaxation("no-p")
    assert lock.direction == "lower floor" and lock.total == pytest.approx(100) and lock.labels == ("a",)
    assert excl.direction == "raise cap" and excl.total == pytest.approx(100) and excl.labels == ("a",)
    assert_irreducible(lm.model, d.rule_ids)
    assert_relaxations_restore(lm, d)


def test_request_cap_against_floor() -> None:
    """a asks for 600 mu (the request cap) but has a floor of 650: 50 mu apart."""
    lm, d = land(three([{"id": "req", "type": "request_cap"},
                        {"id": "floor-a", "type": "zone_bounds", "select": {"zones": ["a"]}, "floor_mu": 650}]))
    assert d.rule_ids == ("req", "floor-a")
    assert d.relaxation("req").total == pytest.approx(50) and d.relaxation("req").labels == ("a",)
    assert d.relaxation("floor-a").total == pytest.approx(50)
    assert d.shortfall == pytest.approx(50)
    assert_irreducible(lm.model, d.rule_ids)
    assert_relaxations_restore(lm, d)


def test_conflict_among_irrelevant_rules_is_reported_alone() -> None:
    """small-4 (request caps, grade D excluded, city Q floor 100) plus a tilt by score, a city
    cap on P and a lock of b at 550 mu, above its request of 500. Only `req` and `lock-b`
    conflict: with b at 550 the tilt asks a >= 275 (≤ its request 300), c between the Q floor
    100 and 137.5, and 300 + 550 + 137.5 > 1,000 leaves room for c = 100 to 150 — so every other
    rule can hold, and the least relaxation is 50 mu."""
    data = small4()
    data["rules"] += [{"id": "tilt", "type": "tilt", "by": "score", "source": "2017 §六(一)"},
                      {"id": "p-cap", "type": "group_bounds", "by": "city", "groups": ["P"], "cap_mu": 900},
                      {"id": "lock-b", "type": "lock", "values_mu": {"b": 550}, "source": "key project"}]
    lm, d = land(data)
    assert d.rule_ids == ("req", "lock-b")
    assert {r.rule: round(r.total, 6) for r in d.relaxations} == {"req": 50, "lock-b": 50}
    assert all(r.restores_feasibility for r in d.relaxations) and not d.more_conflicts
    assert_irreducible(lm.model, d.rule_ids)
    assert_relaxations_restore(lm, d)


def test_two_independent_conflicts_one_at_a_time() -> None:
    """lock-a vs no-p (zone a) and floor-c 900 vs cap-c 500 (zone c) are independent: the
    diagnosis reports one of them (nothing from the other), says another remains, and its
    relaxations resolve that conflict only. Applying one and diagnosing again finds the other;
    applying that one too makes the model feasible."""
    lm, d = land(three([{"id": "lock-a", "type": "lock", "values_mu": {"a": 100}},
                        {"id": "no-p", "type": "exclude", "select": {"cities": ["P"]}},
                        {"id": "floor-c", "type": "zone_bounds", "select": {"zones": ["c"]}, "floor_mu": 900},
                        {"id": "cap-c", "type": "zone_bounds", "select": {"zones": ["c"]}, "cap_mu": 500}]))
    first, second = frozenset({"lock-a", "no-p"}), frozenset({"floor-c", "cap-c"})
    assert set(d.rule_ids) in (first, second)
    assert d.more_conflicts and not any(r.restores_feasibility for r in d.relaxations)
    assert "another conflict remains" in d.message()
    assert_irreducible(lm.model, d.rule_ids)
    relaxed = d.relaxations[0].apply(lm.model)
    assert not solve(relaxed).status.has_solution
    d2 = diagnose(relaxed, row_scale=lm.land_unit, unit="mu", rules=lm.rules)
    assert {frozenset(d.rule_ids), frozenset(d2.rule_ids)} == {first, second}
    assert not d2.more_conflicts
    assert solve(d2.relaxations[0].apply(relaxed)).status.has_solution


def test_whole_parcels_conflict_the_lp_does_not_see() -> None:
    """Parcels of 150 mu, pool 1,000, floors of 310 on three zones: as an LP 930 mu fit, but
    each zone needs 3 parcels (450 mu), 1,350 in all. Least relaxations: the pool by 350 mu (9
    parcels), or the floors by 10 mu each (30 in all) so 2 parcels each (900 mu) fit."""
    lm, d = land(three([{"id": "floor-all", "type": "zone_bounds", "floor_mu": 310}], parcel_mu=150))
    assert lm.model.is_mip
    assert solve(replace(lm.model, integer=np.zeros(lm.model.num_vars, dtype=bool))).status.has_solution
    assert d.rule_ids == ("land-total", "floor-all")
    floor, pool = d.relaxation("floor-all"), d.relaxation("land-total")
    assert floor.total == pytest.approx(30) and floor.lower_by == pytest.approx([10, 10, 10])
    assert pool.total == pytest.approx(350)
    assert d.relaxations[0] is floor and d.shortfall == pytest.approx(30)
    assert "lowering `floor-all` by 30 mu (a −10, b −10, c −10) restores feasibility" in d.message()
    assert_irreducible(lm.model, d.rule_ids)
    assert_relaxations_restore(lm, d)


def test_one_rule_that_cannot_hold_in_whole_parcels() -> None:
    """a between 100 and 140 mu, parcels of 150: no whole number of parcels fits. The rule alone
    is the conflict; the least change raises its cap by 10 mu (lowering its floor would take 100)."""
    lm, d = land(three([{"id": "a-band", "type": "zone_bounds", "select": {"zones": ["a"]},
                         "floor_mu": 100, "cap_mu": 140}], parcel_mu=150))
    assert d.rule_ids == ("a-band",)
    r = d.relaxations[0]
    assert r.direction == "raise cap" and r.total == pytest.approx(10)
    assert d.message().startswith("rule `a-band` cannot hold: short by 10 mu; raising `a-band` by 10 mu")
    assert_irreducible(lm.model, d.rule_ids)
    assert_relaxations_restore(lm, d)


def test_feasible_instance() -> None:
    d = diagnose_land(Instance.from_dict(small4()))
    assert d.feasible and d.conflict == () and d.relaxations == () and d.solves == 1
    assert d.message() == "feasible: no conflict"


def test_message_in_plan_terms_with_thousands_separators() -> None:
    """Two floors of 5,620 mu against a pool of 10,000: short by 1,240 mu."""
    data = three([{"id": "floor-all", "type": "zone_bounds", "select": {"cities": ["P"]}, "floor_mu": 5620,
                   "source": "2017 §二(二)"}], total_mu=10000)
    msg = land(data)[1].message()
    assert msg.startswith("rules `land-total` (2017 §六(一)) and `floor-all` (2017 §二(二)) cannot both hold: "
                          "short by 1,240 mu; raising `land-total` by 1,240 mu restores feasibility "
                          "(or: lowering `floor-all` by 1,240 mu (")


def test_the_filter_without_the_elastic_shortlist_finds_an_iis_too() -> None:
    data = small4()
    data["rules"] += [{"id": "floor-all", "type": "zone_bounds", "floor_mu": 260}]
    lm = build_land_model(Instance.from_dict(data))
    for shortlist in (True, False):
        d = diagnose_land(lm, shortlist=shortlist)
        assert "floor-all" in d.rule_ids
        assert_irreducible(lm.model, d.rule_ids)


@pytest.mark.parametrize("backend", ["ortools-glop", "pulp-highs"])
def test_other_backends_give_the_same_diagnosis(backend: str) -> None:
    lm = build_land_model(Instance.from_dict(three([{"id": "floor-all", "type": "zone_bounds", "floor_mu": 400}])))
    d = diagnose_land(lm, backend)
    assert d.rule_ids == ("land-total", "floor-all") and d.backend == backend
    assert d.shortfall == pytest.approx(200, rel=1e-6)


# -- the generic core ------------------------------------------------------------------------------

def test_generic_model_rows_in_natural_units() -> None:
    """x + y <= 4 (rule `cap`), x >= 3 and y >= 3 (rule `floors`), rows in units of 2 kg:
    short by 2 model units = 4 kg."""
    b = ModelBuilder("generic")
    b.add_vars("v", 2, labels=["x", "y"])
    b.add_rows("cap", np.ones((1, 2)), ub=4.0, rule="cap", source="§1", labels=["sum"])
    b.add_rows("floors", np.eye(2), lb=3.0, rule="floors", labels=["x", "y"])
    b.add_rows("free", np.ones((1, 2)), lb=0.0, rule="unrelated")
    d = diagnose(b.build(), row_scale=2.0, unit="kg")
    assert d.rule_ids == ("cap", "floors")
    assert [c.type for c in d.conflict] == ["rule", "rule"] and d.conflict[0].source == "§1"
    assert d.shortfall == pytest.approx(4) and d.relaxation("cap").total == pytest.approx(4)
    assert d.relaxation("cap").changes()["new_bound"].tolist() == pytest.approx([12])


def test_structural_infeasibility_is_not_blamed_on_a_rule() -> None:
    """x in [0, 1] and a row x >= 2 without a rule id: no rule can be dropped to fix it."""
    b = ModelBuilder("structural")
    b.add_vars("x", 1, ub=1.0)
    b.add_rows("def", np.ones((1, 1)), lb=2.0)
    b.add_rows("cap", np.ones((1, 1)), ub=5.0, rule="cap")
    for shortlist in (True, False):
        d = diagnose(b.build(), shortlist=shortlist)
        assert not d.feasible and d.structural and d.conflict == ()
        assert "every rule dropped" in d.message()


def test_bad_row_scale_and_time_limit() -> None:
    from zoneopt import ModelError
    lm = build_land_model(Instance.from_dict(three([{"id": "f", "type": "zone_bounds", "floor_mu": 400}])))
    with pytest.raises(ModelError, match="row_scale"):
        diagnose(lm.model, row_scale=-1.0)
    with pytest.raises(NoSolutionError, match="time limit"):
        diagnose(lm.model, time_limit=0.0)


def test_amounts_for_people() -> None:
    assert fmt_amount(1240.0) == "1,240"
    assert fmt_amount(199.99999999) == "200"
    assert fmt_amount(1 / 3) == "0.333333"
    assert fmt_amount(12345678.9) == "12,345,679"
    assert fmt_amount(-5.0) == "-5" and fmt_amount(0.0) == "0"


def test_infeasible_error_keeps_its_diagnosis_through_pickle() -> None:
    with pytest.raises(InfeasibleError) as err:
        solve_land(Instance.from_dict(three([{"id": "floor-all", "type": "zone_bounds", "floor_mu": 400}])))
    again = pickle.loads(pickle.dumps(err.value))
    assert str(again) == str(err.value)
    assert again.diagnosis is not None and again.diagnosis.rule_ids == ("land-total", "floor-all")
    assert isinstance(again.diagnosis.relaxations[0], Relaxation)


# -- property: a floor added to a feasible instance ---------------------------------------------

def random_feasible(seed: int) -> tuple[dict[str, Any], np.random.Generator]:
    """An instance feasible by construction: every rule is set to admit a reference plan y."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 7))
    Q = float(rng.integers(100, 2000))
    y = np.round(rng.dirichlet(np.ones(n)) * Q * rng.uniform(0.3, 1.0), 1)
    y[rng.random(n) < 0.2] = 0.0
    cities = rng.choice(["P", "Q", "R"], n)
    zones = [zone(f"z{i}", str(cities[i]), float(rng.integers(50, 500)), float(rng.integers(100, 10000)),
                  score=float(rng.integers(0, 4)), request=float(max(y[i], rng.integers(10, 400))))
             for i in range(n)]
    rules: list[dict[str, Any]] = [{"id": "req", "type": "request_cap"}]
    if (y == 0).any():
        rules.append({"id": "excl", "type": "exclude", "select": {"zones": [f"z{i}" for i in np.flatnonzero(y == 0)]}})
    for c in ("P", "Q", "R"):
        s = float(y[cities == c].sum())
        if (cities == c).any() and rng.random() < 0.6:
            rules.append({"id": f"cap-{c}", "type": "group_bounds", "by": "city", "groups": [c],
                          "cap_mu": round(s + float(rng.uniform(0, 200)), 1)})
        if (cities == c).any() and rng.random() < 0.4:
            rules.append({"id": f"floor-{c}", "type": "group_bounds", "by": "city", "groups": [c],
                          "floor_mu": float(np.floor(s * rng.uniform(0, 1)))})
    if rng.random() < 0.5:
        k = int(rng.integers(0, n))
        rules.append({"id": "lock", "type": "lock", "values_mu": {f"z{k}": float(y[k])}})
    for i in np.flatnonzero(rng.random(n) < 0.3):
        rules.append({"id": f"cap-z{i}", "type": "zone_bounds", "select": {"zones": [f"z{i}"]},
                      "cap_mu": round(float(y[i] + rng.uniform(0, 100)), 1)})
    return {"name": f"random-{seed}", "zones": zones, "pools": {"land": {"total_mu": Q}}, "rules": rules}, rng


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(st.integers(0, 2**32 - 1))
def test_an_added_floor_is_always_in_the_irreducible_set(seed: int) -> None:
    data, rng = random_feasible(seed)
    assert solve(build_land_model(Instance.from_dict(data)).model).status.has_solution
    infeasible = copy.deepcopy(data)
    picked = [z["id"] for z in data["zones"] if rng.random() < 0.6] or [data["zones"][0]["id"]]
    infeasible["rules"].append({"id": "new-floor", "type": "zone_bounds", "select": {"zones": picked},
                                "floor_mu": round(float(rng.uniform(10, 600)), 1)})
    lm = build_land_model(Instance.from_dict(infeasible))
    assume(not solve(lm.model).status.has_solution)
    d = diagnose_land(lm)
    assert "new-floor" in d.rule_ids
    assert_irreducible(lm.model, d.rule_ids)
    assert_relaxations_restore(lm, d, least=False)
    assert all(r.total > 0 for r in d.relaxations)
