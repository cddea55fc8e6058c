"""Small instances for the allocation rules and objectives of issue 11 (tiered target,
diminishing returns, minimum lot, request floor, strict tilt, shares of the pool,
lexicographic priority), each with its optimum worked out by hand in the comment above it."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from land_cases import zone


@dataclass(frozen=True)
class Case:
    name: str
    data: dict[str, Any]
    objective: float
    allocation: dict[str, float] | None
    mip: bool = False


def graded4(pool: float) -> dict[str, Any]:
    """Four zones of grades A-D with requests 300, 500, 400, 200 (tax per mu 50, 30, 20, 5)."""
    return {"name": "graded-4", "zones": [
        zone("a", "P", 1000, 50000, score=90, request=300, grade="A"),
        zone("b", "P", 2000, 60000, score=70, request=500, grade="B"),
        zone("c", "Q", 500, 10000, score=60, request=400, grade="C"),
        zone("d", "Q", 800, 4000, score=40, request=200, grade="D")],
        "pools": {"land": {"total_mu": pool}},
        "rules": [{"id": "req", "type": "request_cap", "source": "2017 §十(二)"}]}


def _with(data: dict[str, Any], **changes: Any) -> dict[str, Any]:
    out = copy.deepcopy(data)
    out.update(changes)
    return out


def cases() -> list[Case]:
    out: list[Case] = []
    # Tiered target on the request, A 1 · B 0.6 · C 0.3 · D 0: weights 300, 300, 120, 0 split the
    # pool of 600 as 600/720 of each: 250, 250, 100, 0, all within the requests, so the plan is
    # the target: deviation 0, objective 1.5 × 600 − 0 = 900 mu.
    out.append(Case("tiered", _with(graded4(600), objective={"kind": "tiered"}), 900.0,
                    {"a": 250, "b": 250, "c": 100, "d": 0}))
    # Pool 1000: λ = 1000/720 would give a 416.7 > 300, so a is capped at 300; the other 700
    # split 300:120 reach b = 500 (its request) and c = 200. Objective 1.5 × 1000 = 1500.
    out.append(Case("tiered-capped", _with(graded4(1000), objective={"kind": "tiered"}), 1500.0,
                    {"a": 300, "b": 500, "c": 200, "d": 0}))
    # Pool 600 with city Q (c, d) at least 300: the target gives Q 100, so 200 more go to c or d
    # (+200 deviation) and a and b give up 200 (−200 from target): deviation 400, 900 − 400 = 500.
    forced = _with(graded4(600), objective={"kind": "tiered"})
    forced["rules"] = forced["rules"] + [{"id": "q-floor", "type": "group_bounds", "by": "city", "groups": ["Q"],
                                          "floor_mu": 300}]
    out.append(Case("tiered-forced", forced, 500.0, None))
    # Tiers on existing land: weights 1000, 1200, 150, 0 (per mu A 1, B 0.6, C 0.3); pool 470
    # splits as λ = 470/2350 = 0.2: 200, 240, 30, 0. Objective 1.5 × 470 = 705.
    out.append(Case("tiered-area", _with(graded4(470), objective={"kind": "tiered", "tiers": {"base": "land_area"}}),
                    705.0, {"a": 200, "b": 240, "c": 30, "d": 0}))
    # Diminishing returns: a (30/mu) and b (20/mu) ask 400 each, pool 400, steps at half the
    # request (factors 1, 0.5): a's first 200 worth 30, b's first 200 worth 20, a's second 200
    # only 15. So a 200, b 200: 6,000 + 4,000 = 10,000 (pure efficiency: a 400, 12,000).
    dim = {"name": "dim-2", "zones": [zone("a", "P", 100, 3000, request=400), zone("b", "P", 100, 2000, request=400)],
           "pools": {"land": {"total_mu": 400}}, "rules": [{"id": "req", "type": "request_cap"}],
           "objective": {"kind": "efficiency", "diminishing": {"breakpoints": [0.5], "factors": [1.0, 0.5]}}}
    out.append(Case("diminishing", dim, 10000.0, {"a": 200, "b": 200}))
    # Minimum lot 60: a (30/mu, asks 100), b (20/mu), c (10/mu) ask 500; pool 150. Each zone 0 or
    # ≥ 60; a 100 + b 50 is out, a 90 + b 60 = 2,700 + 1,200 = 3,900 beats a 100 alone (3,000).
    lot = {"name": "lot-3", "zones": [zone("a", "P", 100, 3000, request=100), zone("b", "P", 100, 2000, request=500),
                                      zone("c", "P", 100, 1000, request=500)],
           "pools": {"land": {"total_mu": 150}},
           "rules": [{"id": "req", "type": "request_cap"}, {"id": "lot", "type": "min_lot", "lot_mu": 60}]}
    out.append(Case("min-lot", lot, 3900.0, {"a": 90, "b": 60, "c": 0}, mip=True))
    # Per-zone lots: a 0 or ≥ 95, b 0 or ≥ 60, c any. a and b together need ≥ 155 > 150, so at
    # most one of them: a 100 + c 50 = 3,000 + 500 = 3,500 beats b 150 (3,000).
    per = copy.deepcopy(lot)
    per["rules"] = [{"id": "req", "type": "request_cap"}, {"id": "lot", "type": "min_lot",
                                                           "lot_mu": {"a": 95, "b": 60}}]
    out.append(Case("min-lot-per-zone", per, 3500.0, {"a": 100, "b": 0, "c": 50}, mip=True))
    # Floor as a share of the request: b (10/mu, asks 200) at least half of it; a (30/mu, asks
    # 100); pool 150: b 100, a 50: 1,500 + 1,000 = 2,500.
    floor = {"name": "floor-2", "zones": [zone("a", "P", 100, 3000, request=100),
                                          zone("b", "P", 100, 1000, request=200)],
             "pools": {"land": {"total_mu": 150}},
             "rules": [{"id": "req", "type": "request_cap"},
                       {"id": "b-half", "type": "request_floor", "share": 0.5, "select": {"zones": ["b"]}}]}
    out.append(Case("request-floor", floor, 2500.0, {"a": 50, "b": 100}))
    # Strict tilt by grade, margin 0.5: a (grade A, 10/mu) ≥ 1.5 × b (grade B, 30/mu) per mu,
    # equal areas, pool 100: x_a = 1.5 x_b, 2.5 x_b = 100: b 40, a 60; 600 + 1,200 = 1,800
    # (the plain tilt would allow 50/50: 2,000).
    strict = {"name": "strict-2", "zones": [zone("a", "P", 100, 1000, request=100, grade="A"),
                                            zone("b", "P", 100, 3000, request=100, grade="B")],
              "pools": {"land": {"total_mu": 100}},
              "rules": [{"id": "st", "type": "tilt", "by": "grade", "margin": 0.5}]}
    out.append(Case("strict-tilt", strict, 1800.0, {"a": 60, "b": 40}))
    # Caps and locks as shares of the pool (1000): every zone ≤ 30 %, c locked at 20 %: a 300,
    # b 300, c 200 (200 left: the caps hold a and b): 9,000 + 6,000 + 2,000 = 17,000.
    share = {"name": "share-3", "zones": [zone("a", "P", 100, 3000), zone("b", "P", 100, 2000),
                                          zone("c", "R", 100, 1000)],
             "pools": {"land": {"total_mu": 1000}},
             "rules": [{"id": "cap30", "type": "zone_bounds", "cap_share": 0.3},
                       {"id": "lock-c", "type": "lock", "shares": {"c": 0.2}}]}
    out.append(Case("shares", share, 17000.0, {"a": 300, "b": 300, "c": 200}))
    # The same rules scale with a pool of 2000: a 600, b 600, c 400: 18,000 + 12,000 + 4,000.
    out.append(Case("shares-scaled", _with(share, pools={"land": {"total_mu": 2000}}), 34000.0,
                    {"a": 600, "b": 600, "c": 400}))
    # Lexicographic priority by score above 65 (a 90, b 70), city P (a, b) capped at 600: a
    # first takes its request 300, then b 300 (the cap); the 400 left go to the rest by the
    # tiered target by score: c (d is excluded): c its request 400. Objective 1.5 × 1000 = 1500.
    lex = _with(graded4(1000), objective={"kind": "lexicographic", "priority": {"measure": "score", "above": 65},
                                          "tiers": {"by": "score"}})
    lex["rules"] = lex["rules"] + [{"id": "no-d", "type": "exclude", "select": {"grades": ["D"]}},
                                   {"id": "p-cap", "type": "group_bounds", "by": "city", "groups": ["P"],
                                    "cap_mu": 600}]
    out.append(Case("lexicographic", lex, 1500.0, {"a": 300, "b": 300, "c": 400, "d": 0}))
    return out


def emission_case(city_cap: float | None = None, kind: str = "lexicographic") -> dict[str, Any]:
    """Three zones asking 10 t of SO2 each, energy-stock reductions 100, 50 and 0 tce, scores
    90, 60, 80; a pool of 25 t. Lexicographic: a 10, b 10 (in order of reduction), then c the
    5 t left (by score × request). Weighted priority: a 10, b 10, c nothing (weight 0): 5 t
    lapse. With ``city_cap`` on c's city R, c gets at most that: the rest lapses, blocked."""
    zones = [zone("a", "P", 1000, 5000, score=90, energy_reduction=100.0),
             zone("b", "P", 1000, 5000, score=60, energy_reduction=50.0),
             zone("c", "R", 1000, 5000, score=80, energy_reduction=0.0)]
    for z in zones:
        z["metrics"]["energy_reduction_tce"] = z.pop("energy_reduction")
        z["requests"] = {"emissions_t": {"SO2": 10.0}}
    rules: list[dict[str, Any]] = [{"id": "em-req", "type": "request_cap"}]
    if city_cap is not None:
        rules.append({"id": "r-capacity", "type": "group_bounds", "by": "city", "groups": ["R"], "cap": city_cap})
    objective: dict[str, Any] = {"kind": kind}
    if kind == "lexicographic":
        objective["tiers"] = {"by": "score"}
    return {"name": "em-3", "zones": zones,
            "pools": {"emissions": {"pollutants": {"SO2": {"total_t": 25.0}}, "rules": rules, "objective": objective}}}


def fund_case() -> dict[str, Any]:
    """Tiered funds: three zones asking 1,000 each (grades A, B, C), budget 1,500, tranches of
    100, lot 300. Targets by grade on the request: 1,500 × (1, 0.6, 0.3)/1.9 = 789.5, 473.7,
    236.8. In whole tranches with c 0 or ≥ 300, the budget spent: a 800, b 400, c 300
    (deviation 10.5 + 73.7 + 63.2 = 147.4) beats a 700, b 500, c 300 (179.0) and every split
    with c 0 (c's 236.8 alone); 1,300 spent without c loses 300 in fill. Objective
    1.5 × 1,500 − 147.37 = 2,102.63."""
    zones = [zone(k, "P", 1000, 5000, score=s, grade=g) for k, s, g in (("a", 90, "A"), ("b", 70, "B"), ("c", 50, "C"))]
    for z in zones:
        z["requests"] = {"funds": {"amount": 1000.0, "investment": 5000.0, "expected_tax": 200.0}}
    return {"name": "funds-3", "zones": zones,
            "pools": {"funds": {"budget": 1500.0, "tranche": 100.0, "objective": {"kind": "tiered"},
                                "rules": [{"id": "f-req", "type": "request_cap"},
                                          {"id": "f-lot", "type": "min_lot", "lot": 300.0}]}}}
