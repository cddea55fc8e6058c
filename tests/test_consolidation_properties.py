"""Hypothesis properties of the consolidation model on random small instances (planar km,
random counties, sectors, scores, grades, limits and weights; every park may be revoked, so
every instance is feasible):

* no host exceeds its blocks (3 by default) and no merge breaks the distance or relatedness
  rule — checked from the instance data by ``recheck`` (plain Python/numpy, not the model),
  which also recomputes the objective from the plan;
* the MIP optimum equals a brute-force enumeration of every plan (up to 4 parks), for both
  objectives;
* HiGHS, CBC and SCIP reach the same optimum;
* the min-zones tie-break equals the relatedness optimum capped at that many zones;
* KD-tree candidate pairs equal the brute-force pairs, planar and on the sphere."""

from __future__ import annotations

import math
from itertools import product
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_consolidation import _km, _rel, recheck

from zoneopt.instance import Instance
from zoneopt.models.consolidation import great_circle_km, near_pairs, solve_consolidation

SECTORS = ("auto", "food", "chem", "tech")
FAST = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def instances(draw: st.DrawFn, min_parks: int = 2, max_parks: int = 9) -> dict[str, Any]:
    n = draw(st.integers(min_parks, max_parks))
    n_counties = draw(st.integers(1, 3))
    zones = []
    for k in range(n):  # a loop over a handful of parks, building test data
        tags = draw(st.lists(st.sampled_from(SECTORS), min_size=0, max_size=2, unique=True))
        zones.append({
            "id": f"p{k}", "city": "X", "county": f"c{draw(st.integers(0, n_counties - 1))}", "tags": tags,
            "score": draw(st.floats(40, 100, allow_nan=False).map(lambda v: round(v, 1))),
            "grade": draw(st.sampled_from(["A", "B", "C", "D"])),
            "level": draw(st.sampled_from(["national", "provincial"])),
            "land_area_mu": draw(st.floats(100, 5000).map(lambda v: round(v, 0))),
            "location": {"x_km": draw(st.floats(0, 60).map(lambda v: round(v, 2))),
                         "y_km": draw(st.floats(0, 60).map(lambda v: round(v, 2)))},
        })
    counties = sorted({z["county"] for z in zones})
    by_matrix = draw(st.booleans())
    relatedness: dict[str, Any] = {"by": "tags"}
    present = sorted({t for z in zones for t in z["tags"]})
    if by_matrix and len(present) >= 2:
        relatedness = {"by": "matrix", "min_relatedness": draw(st.sampled_from([0.3, 0.5, 0.7])),
                       "matrix": {present[0]: {present[1]: draw(st.sampled_from([0.4, 0.6, 0.9]))}}}
    objective = {
        "kind": draw(st.sampled_from(["relatedness", "relatedness", "min_zones"])),
        "relatedness_weight": draw(st.sampled_from([0.0, 1.0, 2.0])),
        "score_weight": draw(st.sampled_from([0.0, 1.0])),
        "distance_weight": draw(st.sampled_from([0.0, 0.5, 1.0])),
        "host_weight": draw(st.sampled_from([-0.5, 0.0, 0.3])),
        "revoke_weight": draw(st.sampled_from([-2.0, -0.5, 0.0])),
    }
    cons: dict[str, Any] = {
        "max_distance_km": draw(st.sampled_from([10.0, 25.0, 60.0])),
        "max_blocks": draw(st.sampled_from([1, 2, 3, 3])),
        "relatedness": relatedness,
        "county_floor": draw(st.booleans()),
        "county_exceptions": {c: 2 for c in counties if draw(st.booleans())},
        "revocable": [{}],
        "objective": objective,
    }
    return {"name": "prop", "zones": zones, "consolidation": cons}


def _solve(data: dict[str, Any], backend: str = "highs") -> tuple[Instance, Any]:
    inst = Instance.from_dict(data)
    return inst, solve_consolidation(inst, backend, time_limit=30)


@FAST
@given(instances())
def test_plans_keep_every_rule_and_their_objective(data: dict[str, Any]) -> None:
    inst, plan = _solve(data)
    assert plan.status == "optimal"
    c = inst.consolidation
    assert c is not None
    # No host exceeds its blocks (itself included) ...
    blocks = plan.parks[plan.parks["fate"] != "revoked"].groupby("host").size()
    assert blocks.max() <= c.max_blocks if len(blocks) else True
    assert (plan.hosts["blocks"] <= c.max_blocks).all()
    # ... and no merge breaks the distance or the relatedness rule.
    zones = {z.id: z for z in inst.zones}
    merged = plan.parks[plan.parks["fate"] == "merged"]
    for p, h in zip(merged["zone"], merged["host"], strict=True):
        assert _km(zones[p].location, zones[h].location) <= c.max_distance_km + 1e-9
        assert _rel(inst, zones[p], zones[h]) >= c.relatedness.min_relatedness - 1e-12
    value = recheck(inst, plan)  # every rule again, and the objective from the plan
    if c.objective.kind == "relatedness":
        assert value == pytest.approx(plan.objective, rel=1e-7, abs=1e-7)
    else:
        assert plan.objective == plan.summary.hosts
        assert value == pytest.approx(plan.summary.secondary_objective, rel=1e-7, abs=1e-7)


def brute_force(inst: Instance) -> tuple[float, int]:
    """Best relatedness objective and fewest zones over every plan, by enumeration: each
    park hosts, is revoked, or merges into another park (a loop over ≤ 5^4 plans)."""
    c = inst.consolidation
    assert c is not None
    o = c.objective
    zones = list(inst.zones)
    n = len(zones)
    scores = [z.score for z in zones]
    srange = (max(scores) - min(scores)) or 1.0
    km = [[_km(a.location, b.location) for b in zones] for a in zones]
    rel = [[_rel(inst, a, b) for b in zones] for a in zones]
    best, fewest = -math.inf, n + 1
    for choice in product(range(-2, n), repeat=n):  # -2 host, -1 revoke, j merge into j
        hosts = [p for p in range(n) if choice[p] == -2]
        ok = True
        value = 0.0
        blocks = dict.fromkeys(hosts, 1)
        for p, ch in enumerate(choice):
            z = zones[p]
            if ch == -2:
                value += o.host_weight + o.level_bonus.get(z.level, 0.0) + o.grade_bonus.get(z.grade, 0.0)
            elif ch == -1:
                value += o.revoke_weight
            else:
                if ch == p or ch not in blocks or km[p][ch] > c.max_distance_km + 1e-9 \
                        or rel[p][ch] < c.relatedness.min_relatedness - 1e-12:
                    ok = False
                    break
                blocks[ch] += 1
                gain = (zones[ch].score - z.score) / srange if o.score_weight > 0 else 0.0
                value += o.relatedness_weight * rel[p][ch] + o.score_weight * gain \
                    - o.distance_weight * km[p][ch] / c.max_distance_km
        if not ok or max(blocks.values(), default=0) > c.max_blocks:
            continue
        for county in {z.county for z in zones}:
            inc = [p for p in range(n) if zones[p].county == county]
            kept = sum(choice[p] == -2 for p in inc)
            if kept > c.county_exceptions.get(county, c.county_cap):
                ok = False
            if c.county_floor and kept == 0 and not all(choice[p] == -1 for p in inc):
                ok = False
        if ok:
            best = max(best, value)
            fewest = min(fewest, len(hosts))
    return best, fewest


@FAST
@given(instances(max_parks=4))
def test_optimum_equals_brute_force(data: dict[str, Any]) -> None:
    data["consolidation"]["objective"]["kind"] = "relatedness"
    inst, plan = _solve(data)
    best, fewest = brute_force(inst)
    assert plan.objective == pytest.approx(best, rel=1e-7, abs=1e-7)
    data["consolidation"]["objective"]["kind"] = "min_zones"
    _, plan = _solve(data)
    assert plan.objective == fewest


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(min_parks=5, max_parks=9))
def test_highs_cbc_and_scip_agree(data: dict[str, Any]) -> None:
    _, ref = _solve(data)
    for backend in ("pulp-cbc", "ortools-scip"):
        inst, got = _solve(data, backend)
        assert got.objective == pytest.approx(ref.objective, rel=1e-6, abs=1e-6), backend
        if ref.summary.secondary_objective is not None:
            assert got.summary.secondary_objective == pytest.approx(ref.summary.secondary_objective,
                                                                    rel=1e-6, abs=1e-6)
        recheck(inst, got)


@FAST
@given(instances(min_parks=3))
def test_min_zones_tie_break_is_the_capped_relatedness_optimum(data: dict[str, Any]) -> None:
    data["consolidation"]["objective"]["kind"] = "min_zones"
    _, first = _solve(data)
    data["consolidation"]["objective"]["kind"] = "relatedness"
    data["consolidation"]["max_zones"] = int(first.objective)
    _, capped = _solve(data)
    assert capped.summary.hosts == first.summary.hosts
    assert capped.objective == pytest.approx(first.summary.secondary_objective, rel=1e-7, abs=1e-7)


@settings(max_examples=30, deadline=None)
@given(st.integers(2, 120), st.floats(1.0, 200.0), st.booleans(), st.integers(0, 2**32 - 1))
def test_candidate_pairs_equal_brute_force(n: int, limit: float, sphere: bool, seed: int) -> None:
    rng = np.random.default_rng(seed)
    if sphere:
        xy = np.column_stack([rng.uniform(110.4, 116.6, n), rng.uniform(31.4, 36.3, n)])
        D = great_circle_km(xy[:, None, 0], xy[:, None, 1], xy[None, :, 0], xy[None, :, 1])
    else:
        xy = rng.uniform(0, 500, (n, 2))
        D = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
    i, j, km = near_pairs("lonlat" if sphere else "xy", xy, limit)
    # Pairs within a hair of the limit may fall either way in floating point: compare the rest.
    sure_in = np.triu(D <= limit * (1 - 1e-9), k=1)
    maybe = np.triu(np.abs(D - limit) <= limit * 1e-9, k=1)
    found = np.zeros((n, n), dtype=bool)
    found[i, j] = True
    assert (i < j).all()
    assert not (sure_in & ~found).any() and not (found & ~(sure_in | maybe)).any()
    assert np.allclose(km, D[i, j], rtol=1e-12, atol=1e-9)
