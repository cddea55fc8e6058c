"""The consolidation model (整合提升, 一区多园): a hand-computed instance (the arithmetic in the
docstrings) on HiGHS, CBC, SCIP and CP-SAT; min-zones with its tie-break; the distance table,
the relatedness matrix, great-circle distances against a published value; infeasibility
named in rule terms; settings errors; plan output; the command line; the bundled example.

Every plan is re-checked by :func:`recheck`, written here in plain numpy and Python from the
instance data (not the model): one fate per park, blocks, distances, relatedness, county
rules, revocation, and the objective recomputed from the plan."""

from __future__ import annotations

import copy
import json
import math
from itertools import product
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
import pytest
from cli_runner import run as _run
from cli_runner import write as write_file

from zoneopt.errors import InfeasibleError, InstanceError
from zoneopt.examples.parks import main as parks_main
from zoneopt.examples.parks import synthetic_parks
from zoneopt.examples.zones import to_json_text
from zoneopt.instance import EARTH_RADIUS_KM, Instance, load
from zoneopt.models.consolidation import (
    BLOCKS_RULE,
    COUNTY_RULE,
    FATE_RULE,
    ConsolidationPlan,
    build_consolidation_model,
    check_plan,
    great_circle_km,
    near_pairs,
    solve_consolidation,
)

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "instances" / "henan-parks-180.json"
MIP_BACKENDS = ["highs", "pulp-cbc", "ortools-scip", "ortools-cpsat"]


# -- an independent re-check --------------------------------------------------------------------

def _km(a: Any, b: Any) -> float:
    """Distance between two zone locations, written out here (haversine or Euclid)."""
    if a.lon is not None:
        p1, p2 = math.radians(a.lat), math.radians(b.lat)
        h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b.lon - a.lon) / 2) ** 2
        return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, h)))
    return math.hypot(a.x_km - b.x_km, a.y_km - b.y_km)


def _rel(inst: Instance, p: Any, h: Any) -> float:
    rel = inst.consolidation.relatedness if inst.consolidation else None
    sectors = set(rel.sectors) if rel is not None and rel.sectors is not None else None
    sp_, sh = ({t for t in z.tags if sectors is None or t in sectors} for z in (p, h))
    if rel is None or rel.by == "tags":
        return 1.0 if sp_ & sh else 0.0
    given: dict[tuple[str, str], float] = {}
    for s, row in rel.matrix.items():
        for t, v in row.items():
            for key in ((s, t), (t, s)):
                given[key] = max(given.get(key, v), v)
    return max((given.get((s, t), 1.0 if s == t else 0.0) for s in sp_ for t in sh), default=0.0)


def recheck(inst: Instance, plan: ConsolidationPlan) -> float:
    """Assert every rule from the instance data and return the relatedness objective
    recomputed from the plan (points)."""
    c = inst.consolidation
    assert c is not None
    zones = {z.id: z for z in inst.zones}
    parks = plan.parks.set_index("zone")
    assert sorted(parks.index) == sorted(zones)
    fate, host = parks["fate"].to_dict(), parks["host"].to_dict()
    hosts = [p for p, f in fate.items() if f == "host"]
    table = {}
    for e in c.distances or ():
        table[(e.a, e.b)] = table[(e.b, e.a)] = e.km
    scores = np.array([z.score if z.score is not None else np.nan for z in inst.zones], dtype=float)
    srange = float(np.nanmax(scores) - np.nanmin(scores)) if np.isfinite(scores).any() else 0.0
    srange = srange if srange > 0 else 1.0
    o = c.objective
    total = 0.0
    blocks = dict.fromkeys(hosts, 1)
    for p, f in fate.items():
        z = zones[p]
        assert f in ("host", "merged", "revoked")
        if f == "host":
            assert host[p] == p
            total += o.host_weight + o.level_bonus.get(z.level, 0.0) \
                + (o.grade_bonus.get(z.grade, 0.0) if z.grade is not None else 0.0)
        elif f == "revoked":
            assert host[p] is None or (isinstance(host[p], float) and math.isnan(host[p]))
            total += o.revoke_weight
        else:
            h = zones[host[p]]
            assert fate[h.id] == "host", f"{p} merged into {h.id}, which does not host"
            d = table.get((p, h.id), math.inf) if c.distances is not None else _km(z.location, h.location)
            assert d <= c.max_distance_km * (1 + 1e-9), f"{p}→{h.id} is {d} km"
            r = _rel(inst, z, h)
            assert r >= c.relatedness.min_relatedness - 1e-12, f"{p}→{h.id} relatedness {r}"
            assert parks.loc[p, "distance_km"] == pytest.approx(d, rel=1e-9, abs=1e-9)
            blocks[h.id] += 1
            gain = (h.score - z.score) / srange if o.score_weight > 0 else 0.0
            total += o.relatedness_weight * r + o.score_weight * gain - o.distance_weight * d / c.max_distance_km
    assert max(blocks.values(), default=0) <= c.max_blocks
    counties = {z.county for z in inst.zones if z.county is not None}
    for county in counties:
        inc = [z for z in inst.zones if z.county == county]
        kept = sum(fate[z.id] == "host" for z in inc)
        assert kept <= c.county_exceptions.get(county, c.county_cap), county
        if c.county_floor and c.hosts is None:  # every park may host: a zone unless all revoked
            assert kept >= 1 or all(fate[z.id] == "revoked" for z in inc), county
    if c.max_zones is not None:
        assert len(hosts) <= c.max_zones
    assert plan.summary.hosts == len(hosts)
    assert plan.summary.land_freed_mu == pytest.approx(sum(zones[p].land_area_mu for p, f in fate.items()
                                                           if f == "revoked"))
    assert check_plan(inst, plan) == []
    return total


# -- the hand-computed instance --------------------------------------------------------------------

def park(zid: str, x: float, y: float, county: str, tags: list[str], score: float, grade: str,
         level: str = "provincial", **extra: Any) -> dict[str, Any]:
    z: dict[str, Any] = {"id": zid, "city": "X", "county": county, "tags": tags, "score": score, "grade": grade,
                         "level": level, "land_area_mu": 1000.0, "location": {"x_km": x, "y_km": y}}
    z.update(extra)
    return z


def six(**settings: Any) -> dict[str, Any]:
    """Six parks on a plane (km), limit 30 km, 3 blocks, one zone per county, grade D may be
    revoked; default weights (relatedness 1, score 1, distance 1; national +0.5, A +0.3, B +0.1).

    ====  ========  ======  ==========  =====  =====  =========
    park  (x, y)    county  sectors     score  grade  level
    ====  ========  ======  ==========  =====  =====  =========
    A     (0, 0)    c1      auto        90     A      national
    B     (10, 0)   c1      auto        60     C
    C     (0, 20)   c1      auto, food  70     B
    D     (25, 0)   c1      auto        50     D      (revocable)
    E     (40, 0)   c2      food        80     B
    F     (45, 5)   c2      auto, food  65     C
    ====  ========  ======  ==========  =====  =====  =========

    Score range 90 − 50 = 40. Pairs within 30 km sharing a sector: A–B 10, A–C 20, A–D 25,
    B–C 22.36, B–D 15, D–F 20.62, E–F 7.07 (C–D 32.0 and C–E 44.7 too far; D–E 15 unrelated).
    Merge values 1 + (s_h − s_p)/40 − d/30: B→A 1 + 0.75 − 0.3333 = 1.4167, C→A 1 + 0.5 −
    0.6667 = 0.8333, D→A 1 + 1 − 0.8333 = 1.1667, F→E 1 + 0.375 − 0.2357 = 1.1393, E→F 1 −
    0.375 − 0.2357 = 0.3893, D→F 1 + 0.375 − 0.6874 = 0.6878 (others lower).

    County c1 keeps one zone. C's only hosts are A and B; hosting C itself would leave A, B and
    D to merge into C (C–D too far): so A hosts (0.8 bonus) and takes C (forced) plus the better
    of B (1.4167) and D (1.1667): B; D goes (revoked, 0) — D→F would need F to host, and then E
    (0.3893) + D (0.6878) + F's bonus 0 = 1.0771 < E hosting (0.1) + F→E (1.1393) = 1.2393.
    Optimum 0.8 + 1.4167 + 0.8333 + 0.1 + 1.1393 = 4.28930 (4.289297739604…)."""
    data: dict[str, Any] = {"name": "six", "zones": [
        park("A", 0, 0, "c1", ["auto"], 90, "A", "national"), park("B", 10, 0, "c1", ["auto"], 60, "C"),
        park("C", 0, 20, "c1", ["auto", "food"], 70, "B"), park("D", 25, 0, "c1", ["auto"], 50, "D"),
        park("E", 40, 0, "c2", ["food"], 80, "B"), park("F", 45, 5, "c2", ["auto", "food"], 65, "C")],
        "consolidation": {"revocable": [{"grades": ["D"]}]}}
    data["consolidation"].update(settings)
    return data


SIX_OPTIMUM = 0.8 + (1 + 30 / 40 - 10 / 30) + (1 + 20 / 40 - 20 / 30) + 0.1 + (1 + 15 / 40 - math.hypot(5, 5) / 30)


@pytest.mark.parametrize("backend", MIP_BACKENDS)
def test_hand_instance_on_every_mip_backend(backend: str) -> None:
    inst = Instance.from_dict(six())
    plan = solve_consolidation(inst, backend, time_limit=30)
    assert plan.status == "optimal"
    assert plan.objective == pytest.approx(SIX_OPTIMUM, rel=1e-7)
    assert SIX_OPTIMUM == pytest.approx(4.289297739604, rel=1e-11)
    assert plan.fate().to_dict() == {"A": "host", "B": "merged", "C": "merged", "D": "revoked", "E": "host",
                                     "F": "merged"}
    assert plan.host_of().to_dict() == {"A": "A", "B": "A", "C": "A", "D": None, "E": "E", "F": "E"}
    assert recheck(inst, plan) == pytest.approx(SIX_OPTIMUM, rel=1e-7)


def test_hand_instance_plan_tables() -> None:
    plan = solve_consolidation(Instance.from_dict(six()))
    hosts = plan.hosts.set_index("host")
    assert hosts.loc["A", "blocks"] == 3 and hosts.loc["A", "members"] == "B;C"  # nearest first
    assert hosts.loc["A", "land_area_mu"] == 3000 and hosts.loc["A", "farthest_block_km"] == pytest.approx(20)
    assert hosts.loc["E", "members"] == "F" and hosts.loc["E", "farthest_block_km"] == pytest.approx(50 ** 0.5)
    assert plan.revoked["zone"].tolist() == ["D"] and plan.revoked["land_freed_mu"].tolist() == [1000.0]
    assert "construction-land pool" in plan.revoked["returns_to"].iloc[0]
    s = plan.summary
    assert (s.parks, s.hosts, s.merged, s.revoked, s.multi_block_hosts) == (6, 2, 3, 1, 2)
    assert s.land_freed_mu == 1000 and any("2017 §六(三)" in n for n in s.notes)
    counties = plan.counties.set_index("county")
    assert counties.loc["c1"].to_dict() == {"parks": 4, "hosts": 1, "merged": 2, "merged_elsewhere": 0,
                                            "revoked": 1, "land_freed_mu": 1000.0, "host_cap": 1}
    # A holds 3 blocks (full) and each county has its one zone: those rows bind.
    rows = set(plan.bindings["row"])
    assert f"{BLOCKS_RULE}[A]" in rows and f"{COUNTY_RULE}[c1]" in rows and f"{COUNTY_RULE}[c2]" in rows
    assert not any(r.startswith(f"{BLOCKS_RULE}[B]") for r in rows)  # B does not host
    parks = plan.parks.set_index("zone")
    assert parks.loc["B", "value"] == pytest.approx(1 + 0.75 - 1 / 3)
    assert parks["value"].sum() == pytest.approx(SIX_OPTIMUM)


def test_min_zones_and_its_tie_break() -> None:
    """min_zones: each county needs a zone (floor) and c1 cannot keep two (cap 1): 2 zones.
    Among 2-zone plans the tie-break finds the relatedness optimum above (it has 2 zones)."""
    for backend in ("highs", "pulp-cbc", "ortools-scip"):
        plan = solve_consolidation(Instance.from_dict(six(objective={"kind": "min_zones"})), backend, time_limit=30)
        assert plan.objective == pytest.approx(2.0) and plan.summary.hosts == 2
        assert plan.summary.secondary_objective == pytest.approx(SIX_OPTIMUM, rel=1e-7)
    plain = solve_consolidation(Instance.from_dict(six(objective={"kind": "min_zones", "tie_break": False})))
    assert plain.objective == pytest.approx(2.0) and plain.summary.secondary_objective is None


def test_min_zones_tie_break_out_of_time_keeps_the_first_stage(monkeypatch: pytest.MonkeyPatch) -> None:
    """When the tie-break finds nothing in time, the plan is the first stage's (fewest zones),
    saying so in a note, not an error."""
    import zoneopt.models.consolidation as cons
    from zoneopt.core.solution import Solution, Status

    real = cons.core_solve

    def slow_tie_break(model: Any, backend: str, **kw: Any) -> Any:
        if model.name.endswith(":tie-break"):
            return Solution(Status.NO_SOLUTION, backend, message="time limit")
        return real(model, backend, **kw)

    monkeypatch.setattr(cons, "core_solve", slow_tie_break)
    plan = solve_consolidation(Instance.from_dict(six(objective={"kind": "min_zones"})))
    assert plan.objective == pytest.approx(2.0) and plan.summary.secondary_objective is None
    assert any("tie-break" in n and "no plan in time" in n for n in plan.summary.notes)
    assert check_plan(Instance.from_dict(six(objective={"kind": "min_zones"})), plan) == []


def test_min_zones_without_county_floor() -> None:
    """Without the floor (and c1 allowed 2 zones) the fewest zones is still 2: C can only stay
    or join A or B (in c1), E only stay or join F (in c2). So a cap of one zone in all
    (max_zones = 1) is infeasible, and the diagnosis names that rule."""
    plan = solve_consolidation(Instance.from_dict(six(objective={"kind": "min_zones"}, county_floor=False,
                                                      county_exceptions={"c1": 2})))
    assert plan.objective == pytest.approx(2.0)
    with pytest.raises(InfeasibleError, match="consolidation-max-zones"):
        solve_consolidation(Instance.from_dict(six(max_zones=1, county_floor=False)))


def test_revoke_weight_and_keep_hosts() -> None:
    """A revocation worth 5 points beats any merge (< 3): D (the only revocable park) is
    revoked as before; making every park revocable revokes all but the kept national A."""
    plan = solve_consolidation(Instance.from_dict(six(revocable=[{}], objective={"revoke_weight": 5.0},
                                                      keep_hosts={"levels": ["national"]})))
    assert plan.fate().to_dict() == {"A": "host", "B": "revoked", "C": "revoked", "D": "revoked",
                                     "E": "revoked", "F": "revoked"}
    assert plan.objective == pytest.approx(0.8 + 5 * 5)
    assert plan.summary.land_freed_mu == 5000


def test_max_blocks_one_means_no_merges() -> None:
    """B = 1: no park may take a block; c1 keeps one zone, so B, C, D must go — only D may:
    infeasible, and the diagnosis names the blocks and county rules (or the fate of a park)."""
    with pytest.raises(InfeasibleError) as err:
        solve_consolidation(Instance.from_dict(six(max_blocks=1)))
    msg = str(err.value)
    assert "consolidation-blocks" in msg or "consolidation-county" in msg
    ok = solve_consolidation(Instance.from_dict(six(max_blocks=1, revocable=[{}], county_exceptions={"c1": 4})))
    assert set(ok.parks["fate"]) <= {"host", "revoked"} and ok.summary.merged == 0


# -- infeasibility in rule terms ----------------------------------------------------------------

def test_park_without_any_fate_is_named_before_solving() -> None:
    """F in textiles only (related to no neighbour), may not host, may not be revoked."""
    data = six(hosts={"zones": ["A", "B", "C", "D", "E"]})
    data["zones"][5]["tags"] = ["textiles"]
    with pytest.raises(InfeasibleError, match=r"'F' may not host .* `consolidation-fate`"):
        solve_consolidation(Instance.from_dict(data))


def test_two_kept_parks_in_one_county_are_named() -> None:
    with pytest.raises(InfeasibleError, match=r"county 'c1' has 2 parks that must stay zones"):
        solve_consolidation(Instance.from_dict(six(keep_hosts={"zones": ["A", "B"]})))
    ok = solve_consolidation(Instance.from_dict(six(keep_hosts={"zones": ["A", "B"]}, county_exceptions={"c1": 2})))
    assert ok.fate()["B"] == "host" and ok.fate()["A"] == "host"


def test_unrelated_park_conflict_is_diagnosed() -> None:
    """F in auto only: E (food) cannot take it and only D (in full c1) could; c2 keeps one
    zone: the diagnosis names the fate and county rules and the park or county to relax."""
    data = six()
    data["zones"][5]["tags"] = ["auto"]
    with pytest.raises(InfeasibleError) as err:
        solve_consolidation(Instance.from_dict(data))
    msg = str(err.value)
    assert FATE_RULE in msg and COUNTY_RULE in msg and "2017 §二(一)" in msg
    assert err.value.exit_code == 3


# -- distances and relatedness -------------------------------------------------------------------

def test_great_circle_against_a_published_value() -> None:
    """Rosetta Code, task "Haversine formula" (rosettacode.org/wiki/Haversine_formula):
    Nashville BNA (36.12° N, 86.67° W) to Los Angeles LAX (33.94° N, 118.40° W) is
    2887.25995060711033944886… km on a sphere of R = 6372.8 km (2886.44444283798329974715… km
    for R = 6371.0), as the task page states. Our radius is 6371.0088 km, so our distance ×
    6372.8 / 6371.0088 (and × 6371.0 / 6371.0088) must equal them."""
    d = float(great_circle_km(np.array(-86.67), np.array(36.12), np.array(-118.40), np.array(33.94)))
    assert d * 6372.8 / EARTH_RADIUS_KM == pytest.approx(2887.25995060711033944886, rel=1e-12)
    assert d * 6371.0 / EARTH_RADIUS_KM == pytest.approx(2886.44444283798329974715, rel=1e-12)
    # one degree of a meridian is πR/180
    assert float(great_circle_km(np.array(113.0), np.array(34.0), np.array(113.0), np.array(35.0))) == \
        pytest.approx(math.pi * EARTH_RADIUS_KM / 180, rel=1e-12)


@pytest.mark.parametrize("kind", ["xy", "lonlat"])
def test_kd_tree_pairs_equal_brute_force(kind: str) -> None:
    rng = np.random.default_rng(5)
    n = 400
    xy = np.column_stack([rng.uniform(111, 116, n), rng.uniform(32, 36, n)]) if kind == "lonlat" \
        else rng.uniform(0, 300, (n, 2))
    limit = 25.0
    i, j, km = near_pairs(kind, xy, limit)
    if kind == "lonlat":
        D = great_circle_km(xy[:, None, 0], xy[:, None, 1], xy[None, :, 0], xy[None, :, 1])
    else:
        D = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
    bi, bj = np.nonzero(np.triu(D <= limit, k=1))
    assert sorted(zip(i.tolist(), j.tolist(), strict=True)) == sorted(zip(bi.tolist(), bj.tolist(), strict=True))
    assert np.allclose(km, D[i, j]) and i.size > 50


def test_distance_table_replaces_coordinates() -> None:
    """A table: A–B 12 km, B–C 40 km (beyond 30: not a pair), C–A 5 km; no locations.
    Merges B→A (1 + 0 − 0.4 = 0.6) and C→A (1 − 5/30 = 0.8333): one zone, A, 3 blocks."""
    zones = [{"id": z, "city": "X", "county": "c", "tags": ["s"], "score": 50.0, "land_area_mu": 100.0}
             for z in "ABC"]
    data = {"name": "table", "zones": zones, "consolidation": {
        "distances": [{"a": "A", "b": "B", "km": 12}, {"a": "B", "b": "C", "km": 40}, {"a": "C", "b": "A", "km": 5}],
        "keep_hosts": {"zones": ["A"]}, "objective": {"grade_bonus": {}}}}
    inst = Instance.from_dict(data)
    cm = build_consolidation_model(inst)
    assert cm.pairs.park.size == 4 and "distances" in cm.pairs.source  # A↔B, A↔C
    plan = solve_consolidation(inst)
    assert plan.host_of().to_dict() == {"A": "A", "B": "A", "C": "A"}
    assert plan.objective == pytest.approx(0.6 + (1 - 5 / 30))
    assert recheck(inst, plan) == pytest.approx(plan.objective)


def test_relatedness_matrix() -> None:
    """Sectors auto, parts, food: matrix auto–parts 0.8 (given one way), food with itself 0.4
    (overrides the diagonal's 1). Threshold 0.5: auto→parts allowed both ways, food→food not."""
    zones = [park("P", 0, 0, "c1", ["auto"], 50, "C"), park("Q", 5, 0, "c2", ["parts"], 50, "C"),
             park("R", 0, 5, "c3", ["food"], 50, "C"), park("S", 5, 5, "c4", ["food"], 50, "C")]
    data = {"name": "matrix", "zones": zones, "consolidation": {
        "county_floor": False,
        "relatedness": {"by": "matrix", "matrix": {"auto": {"parts": 0.8}, "food": {"food": 0.4}}}}}
    cm = build_consolidation_model(Instance.from_dict(data))
    got = {(cm.zones.ids[p], cm.zones.ids[h]): r for p, h, r in
           zip(cm.pairs.park, cm.pairs.host, cm.pairs.relatedness, strict=True)}
    assert got == {("P", "Q"): 0.8, ("Q", "P"): 0.8}
    data["consolidation"]["relatedness"]["min_relatedness"] = 0.3
    cm = build_consolidation_model(Instance.from_dict(data))
    assert len(cm.pairs.park) == 4  # R↔S at 0.4 now counts


# -- settings errors -----------------------------------------------------------------------------

@pytest.mark.parametrize(("change", "path"), [
    (lambda d: d["zones"][0]["location"].update({"lon": 113.0}), "zones[0].location"),
    (lambda d: d["zones"][1].update({"location": {"lon": 113.0, "lat": 34.0}}), "zones[1].location"),
    (lambda d: d["zones"][2].update({"location": {"lat": 34.0}}), "zones[2].location"),
    (lambda d: d["consolidation"].update({"county_exceptions": {"nowhere": 2}}), "consolidation.county_exceptions"),
    (lambda d: d["consolidation"].update({"hosts": {"tags": ["steel"]}}), "consolidation.hosts.tags[0]"),
    (lambda d: d["consolidation"].update({"distances": [{"a": "A", "b": "A", "km": 1}]}), "consolidation.distances[0]"),
    (lambda d: d["consolidation"].update({"distances": [{"a": "A", "b": "B", "km": 1}, {"a": "B", "b": "A", "km": 2}]}),
     "consolidation.distances[1]"),
    (lambda d: d["consolidation"].update({"relatedness": {"by": "matrix", "matrix": {"auto": {"steel": 1}}}}),
     "consolidation.relatedness.matrix.auto.steel"),
    (lambda d: d["consolidation"].update({"relatedness": {"by": "matrix"}}), "consolidation.relatedness"),
    (lambda d: d["consolidation"].update({"max_blocks": 0}), "consolidation.max_blocks"),
    (lambda d: d["consolidation"].update({"county_exceptions": {"c1": 0}}), "consolidation.county_exceptions.c1"),
])
def test_bad_settings_name_the_field(change: Any, path: str) -> None:
    data = copy.deepcopy(six())
    change(data)
    with pytest.raises(InstanceError) as err:
        Instance.from_dict(data)
    assert any(i.path.startswith(path) for i in err.value.issues), err.value.issues


def test_missing_location_and_score_are_input_errors() -> None:
    data = six()
    del data["zones"][3]["location"]
    with pytest.raises(InstanceError, match=r"zones\[3\]\.location: zone 'D' has no location"):
        build_consolidation_model(Instance.from_dict(data))
    data = six()
    del data["zones"][2]["score"]
    with pytest.raises(InstanceError, match=r"zones\[2\]\.score.*consolidation.score"):
        build_consolidation_model(Instance.from_dict(data))
    data["consolidation"]["objective"] = {"score_weight": 0}  # no score needed then
    assert build_consolidation_model(Instance.from_dict(data)).pairs.park.size > 0


def test_instances_without_the_section_stay_valid() -> None:
    inst = load(ROOT / "instances" / "henan-etdz-45.json")
    assert inst.consolidation is None and all(z.location is None for z in inst.zones)


# -- output and the command line ----------------------------------------------------------------

def _write(tmp_path: Path, data: Any) -> Path:
    return write_file(tmp_path, data, "parks.json")


@pytest.mark.parametrize("suffix", [".json", ".csv", ".xlsx"])
def test_cli_prints_and_writes_the_plan(tmp_path: Path, suffix: str) -> None:
    target = tmp_path / f"plan{suffix}"
    code, out, err = _run("consolidate", str(_write(tmp_path, six())), "--backend", "pulp-cbc", "--out", str(target))
    assert code == 0, err
    assert "6 parks → 2 zones (2 with several blocks) · 3 merged · 1 revoked · 1,000.0 mu freed" in out
    assert "B; C" in out and "status: optimal · backend pulp-cbc" in out and "2017 §六(三)" in out  # by name, or id
    assert target.exists() and not list(tmp_path.glob(".*tmp"))
    if suffix == ".json":
        doc = json.loads(target.read_text(encoding="utf-8"))
        assert doc["status"] == "optimal" and doc["objective"] == pytest.approx(SIX_OPTIMUM)
        assert {h["host"]: h["members"] for h in doc["hosts"]} == {"A": "B;C", "E": "F"}
        assert doc["revoked"][0]["zone"] == "D" and doc["summary"]["land_freed_mu"] == 1000
        assert {p["zone"]: p["fate"] for p in doc["parks"]}["D"] == "revoked"
    elif suffix == ".csv":
        frame = pd.read_csv(target, encoding="utf-8-sig")
        assert frame.set_index("zone")["host"].to_dict()["F"] == "E"
    else:
        wb = openpyxl.load_workbook(target)
        assert wb.sheetnames == ["summary", "hosts", "parks", "revoked", "counties", "bindings"]


def test_cli_exit_codes(tmp_path: Path) -> None:
    data = six()
    data["zones"][5]["tags"] = ["auto"]
    code, _, err = _run("consolidate", str(_write(tmp_path, data)))
    assert code == 3 and "infeasible" in err and "consolidation-fate" in err
    code, _, err = _run("consolidate", str(ROOT / "instances" / "henan-etdz-45.json"))
    assert code == 2 and "has no location" in err
    code, _, err = _run("consolidate", str(tmp_path / "nothing.json"))
    assert code == 2
    code, _, err = _run("consolidate", str(_write(tmp_path, six())), "--out", str(tmp_path / "plan.txt"))
    assert code == 2 and "unknown output type" in err


# -- the bundled example ----------------------------------------------------------------------------

def test_example_regenerates_byte_for_byte(tmp_path: Path) -> None:
    assert EXAMPLE.read_text(encoding="utf-8") == to_json_text(synthetic_parks(180, seed=2017))
    out = tmp_path / "x.json"
    assert parks_main(["--parks", "180", "--seed", "2017", "--out", str(out)]) == 0
    assert out.read_bytes() == EXAMPLE.read_bytes()


def test_example_is_a_marked_synthetic_province() -> None:
    inst = load(EXAMPLE)
    assert inst.metadata.synthetic and inst.metadata.description.startswith("SYNTHETIC")
    assert len(inst.zones) == 180 and inst.consolidation is not None
    lon = np.array([z.location.lon for z in inst.zones])  # type: ignore[union-attr]
    lat = np.array([z.location.lat for z in inst.zones])  # type: ignore[union-attr]
    assert lon.min() >= 110.4 and lon.max() <= 116.6 and lat.min() >= 31.4 and lat.max() <= 36.3
    levels = pd.Series([z.level for z in inst.zones]).value_counts()
    assert 10 <= levels["national"] <= 25
    per_county = pd.Series([z.county for z in inst.zones]).value_counts()
    assert per_county.max() >= 4 and (per_county == 1).sum() >= 20  # some counties to consolidate


def test_example_solves_and_backends_agree() -> None:
    inst = load(EXAMPLE)
    ref = solve_consolidation(inst, time_limit=60)
    assert ref.status == "optimal"
    assert ref.summary.multi_block_hosts >= 20 and ref.summary.hosts < 180
    assert recheck(inst, ref) == pytest.approx(ref.objective, rel=1e-9)
    for backend in ("pulp-cbc", "ortools-scip"):
        got = solve_consolidation(inst, backend, time_limit=60)
        assert got.objective == pytest.approx(ref.objective, rel=1e-6), backend
        assert recheck(inst, got) == pytest.approx(got.objective, rel=1e-9)


def test_generator_is_feasible_by_construction() -> None:
    for n, seed in product((1, 7, 60), (0, 3)):
        inst = synthetic_parks(n, seed=seed)
        assert len(inst.zones) == n
        plan = solve_consolidation(inst, time_limit=30)
        assert plan.status == "optimal" and check_plan(inst, plan) == []
    with pytest.raises(ValueError):
        synthetic_parks(0)
