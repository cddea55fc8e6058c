"""Small land instances whose optimum is computed by hand (the reasoning is in each docstring),
shared by the land-model tests, the backend-agreement tests and the CLI tests."""

from __future__ import annotations

import copy
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zoneopt.examples.zones import synthetic_instance
from zoneopt.instance import Instance

ROOT = Path(__file__).resolve().parents[1]
SMALL = ROOT / "instances" / "small-4.json"
EXAMPLE = ROOT / "instances" / "henan-etdz-45.json"


@functools.cache
def standard_example(corridor_cap: bool = False) -> Instance:
    """The 45 zones of the bundled example with the *standard* rule set and the efficiency
    objective (``synthetic_instance(45, seed=2022)``): an LP, for the tests of shadow prices,
    ranges and what-ifs (the bundled example's defensible setup is a MIP: no duals).
    ``corridor_cap`` adds the optional per-zone cap in mu (an assumption), a zone bound to vary."""
    return synthetic_instance(45, seed=2022, corridor_cap=corridor_cap)


def zone(zid: str, city: str, area: float, tax: float, score: float | None = None,
         request: float | None = None, **extra: Any) -> dict[str, Any]:
    z: dict[str, Any] = {"id": zid, "city": city, "land_area_mu": area, "metrics": {"tax": tax}}
    if score is not None:
        z["score"] = score
    if request is not None:
        z["requests"] = {"land_mu": request}
    z.update(extra)
    return z


def small4() -> dict[str, Any]:
    """The bundled 4-zone instance, efficiency objective.

    亩均税收 (万元/mu): a 50000/1000 = 50, b 60000/2000 = 30, c 10000/500 = 20, d 4000/800 = 5.
    Pool 1000 mu; each zone capped at its request (300, 500, 400, 200); d is grade D and
    excluded; city Q (c, d) gets at least 100 mu. Greedy by weight: a 300, b 500, c the
    remaining 200 (>= 100, so the Q floor is slack). Objective 300·50 + 500·30 + 200·20 =
    34,000 万元/yr. Shadow prices: pool 20 (c's weight, c is strictly inside its bounds); a's
    request cap 50 − 20 = 30, b's 30 − 20 = 10.
    """
    import json
    return json.loads(SMALL.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Case:
    name: str
    data: dict[str, Any]
    objective: float
    allocation: dict[str, float] | None
    mip: bool = False


def _with(data: dict[str, Any], **changes: Any) -> dict[str, Any]:
    out = copy.deepcopy(data)
    for key, value in changes.items():
        out[key] = value
    return out


def cases() -> list[Case]:
    s4 = small4()
    out = [
        Case("efficiency", s4, 34000.0, {"a": 300, "b": 500, "c": 200, "d": 0}),
        # Equity: eligible a, b, c (d excluded) request 1200 in all; the pool of 1000 gives each
        # 1000/1200 = 5/6 of its request (c's 333.3 also meets the Q floor of 100).
        Case("equity", _with(s4, objective={"kind": "equity"}), 5 / 6,
             {"a": 250, "b": 1250 / 3, "c": 1000 / 3, "d": 0}),
        # Baseline: b_i = 1000·s_i/Σs, scores 90, 70, 60, 40 (Σ 260): a 346.15 > its request
        # 300 (deviation 46.15), d excluded (deviation 153.85); b, c on their baselines.
        # Minimum total deviation 200 mu; the pool is "at most", so 800 mu are used.
        Case("baseline", _with(s4, objective={"kind": "baseline"}), 200.0,
             {"a": 300, "b": 70000 / 260, "c": 60000 / 260, "d": 0}),
        # Parcels of 150 mu: a ≤ 300 → 2 parcels, b ≤ 500 → 3 (450), c ≤ 400 → 2; the pool of
        # 1000 holds 6 parcels: a 2, b 3, then c 1 (900 mu). 300·50 + 450·30 + 150·20 = 31,500.
        Case("parcels", _with(s4, pools={"land": {"total_mu": 1000, "parcel_mu": 150}}), 31500.0,
             {"a": 300, "b": 450, "c": 150, "d": 0}, mip=True),
    ]
    # Tilt: a scores higher but earns less per mu than b; both 100 mu of land. Untilted, all
    # 100 mu go to b (2,000). Tilted, x_a/100 >= x_b/100, so x_a = x_b = 50: 500 + 1,000 = 1,500.
    tilt = {"name": "tilt-2", "zones": [zone("a", "P", 100, 1000, score=90), zone("b", "P", 100, 2000, score=50)],
            "pools": {"land": {"total_mu": 100}},
            "rules": [{"id": "tilt", "type": "tilt", "by": "score", "source": "2017 §六(一)"}]}
    out.append(Case("tilt", tilt, 1500.0, {"a": 50, "b": 50}))
    # Group cap: three zones, weights 30, 20, 10 per mu; city P (a, b) gets at most 40% of the
    # 1,000 mu pool, so a takes 400, b nothing, c the remaining 600: 12,000 + 6,000 = 18,000.
    group = {"name": "group-3", "zones": [zone("a", "P", 100, 3000), zone("b", "P", 100, 2000),
                                          zone("c", "R", 100, 1000)],
             "pools": {"land": {"total_mu": 1000}},
             "rules": [{"id": "p-cap", "type": "group_bounds", "by": "city", "groups": ["P"], "cap_share": 0.4}]}
    out.append(Case("group-cap-share", group, 18000.0, {"a": 400, "b": 0, "c": 600}))
    # The same cap as a share of what is allocated, with c capped at 300: a + b <= 0.4·(a+b+c)
    # ⇔ a + b <= (2/3)·c <= 200; so a 200, c 300, 500 of the pool used: 6,000 + 3,000 = 9,000.
    g2 = copy.deepcopy(group)
    g2["rules"] = [{"id": "p-cap", "type": "group_bounds", "by": "city", "groups": ["P"], "cap_share": 0.4,
                    "share_of": "allocated"},
                   {"id": "c-cap", "type": "zone_bounds", "select": {"zones": ["c"]}, "cap_mu": 300}]
    out.append(Case("group-cap-allocated", g2, 9000.0, {"a": 200, "b": 0, "c": 300}))
    # Floors, caps and locks: b locked at 100, every zone at least 50 and at most 600: a 600,
    # b 100, c the remaining 300: 18,000 + 2,000 + 3,000 = 23,000.
    g3 = copy.deepcopy(group)
    g3["rules"] = [{"id": "bounds", "type": "zone_bounds", "floor_mu": 50, "cap_mu": 600},
                   {"id": "lock-b", "type": "lock", "values_mu": {"b": 100}}]
    out.append(Case("bounds-lock", g3, 23000.0, {"a": 600, "b": 100, "c": 300}))
    return out
