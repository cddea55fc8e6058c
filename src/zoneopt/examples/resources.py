"""Synthetic emission, fund and project data on top of :mod:`zoneopt.examples.zones`'s zones: the
example instances of the emission, fund and portfolio models, and the portfolio benchmark::

    python -m zoneopt.examples.resources emissions --out instances/henan-etdz-45-emissions.json
    python -m zoneopt.examples.resources funds --out instances/henan-etdz-45-funds.json
    python -m zoneopt.examples.resources portfolio --projects 300 --out instances/henan-etdz-45-portfolio.json

    from zoneopt.examples.resources import portfolio_instance
    big = portfolio_instance(200, 10_000, seed=1)        # benchmark size

The zones (with their land pool, land rules and, for 45 zones, evaluations) are
``zoneopt.examples.zones.synthetic_data(n_zones, seed)``; everything added here is drawn from a
separate NumPy PCG64 stream seeded with ``seed``, so the same arguments give the same instance
and the same JSON text. Instances say ``synthetic: true`` and what is made up.

Magnitudes (money in 万元, per year)
-----------------------------------
* energy-stock reduction: 0-8 % of the zone's energy use (a fifth of zones 0), tce;
* environmental standards: 8 % of zones fail, 5 % not assessed;
* VOCs and particulates (PM): in proportion to value added and energy; emission requests:
  10-40 % of current emissions, for 85 % of zones;
* fund requests (80 % of zones): 2,000-30,000; the investment behind them 3-12 × the request;
  expected tax 2-8 % of that investment;
* projects: zones drawn by existing land; investment lognormal, median 80,000, 5,000-800,000;
  land at an investment intensity of 150-500 万元/mu; fund request 3-40 % of the investment;
  yearly revenue 0.5-1.6 × the investment, tax 3-8 % of revenue; emissions in proportion to
  investment; 70 % in one of the zone's own sectors (leading industry, 主导产业); logistics is
  not industrial.

Why each instance is feasible
-----------------------------
The emission and fund examples have caps, exclusions and (funds) a regional floor set to at
most 80 % of what the region's zones can take under their caps in whole tranches: giving
nothing, or the floor's zones their caps, is feasible. The portfolio example is built around
an explicit *witness* choice of projects: for each revenue target it lifts the zones closest
below the threshold with their largest choosable projects, then adds leading-industry projects
until the 70 % share holds; every pool, cap and target is then set from its policy value
clamped by the witness (pools at least what the witness uses, caps at least its largest use,
the regional fund floor at most its funds there, the count targets at most what it reaches).
:func:`_check_witness` re-checks the witness against the built model on every call.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from zoneopt.data.requests import EMERGING_FIELDS_2017
from zoneopt.evaluation.run import evaluated_table
from zoneopt.examples.zones import SECTOR_NAMES, SECTORS, synthetic_data, to_json_text
from zoneopt.instance import POLLUTANTS, Instance

GENERATOR_VERSION = 2  # 2: the emission and fund examples take the defensible setup (rules="defensible")
# The name the generator signs its output with (its module path before the examples moved
# to zoneopt.examples): kept, so the bundled examples regenerate byte for byte.
SIGNATURE = "zoneopt.synthetic_resources"
FloatArray = npt.NDArray[np.float64]
Kind = Literal["emissions", "funds", "portfolio"]

SOUTH_CITIES: tuple[str, ...] = ("南阳", "信阳", "驻马店", "周口")
"""豫南: the regional floor of the fund example (2017 §二(二) 促进协调发展)."""
AIR_POLLUTANTS: tuple[str, ...] = ("SO2", "NOx", "VOCs", "PM")
"""The pollutants the corridor-city share caps cover (2017 §六(二): 大气污染传输通道)."""
CORRIDOR_SHARE = 0.55
"""The ten corridor cities together: at most this share of an air pollutant's allowances (an
assumption: 2017 §六(二) makes them the focus of air-pollution work and states no share; their
zones are 27 of the 45, and at 55 % no allowance of the example lapses)."""
REVENUE_TARGETS: tuple[tuple[str, float, int, int], ...] = (("rev-1000yi", 1e7, 6, 2), ("rev-500yi", 5e6, 15, 3))
"""(rule id, revenue threshold in 万元/yr, the plan's count, how many more zones than today) for
2022 专栏一: 营业收入超千亿元经开区 6 个以上, 超 500 亿元 15 个以上. The 45-zone example asks for the
plan's counts (its base year has 4 and 12: :mod:`zoneopt.examples.facts`); other sizes ask for
that many more zones than today, as far as the witness reaches."""
PROJECT_LEVERAGE = 0.3
"""Per project, the fund gives at most this share of the investment (2022 专栏二)."""


def _rng(seed: int, part: int) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64([seed, 7_011, part]))


def _col(zones: Sequence[dict[str, Any]], *path: str, default: float = np.nan) -> FloatArray:
    """A numeric field of every zone dict (``path`` into the dict), NaN where absent."""
    out = []
    for z in zones:
        v: Any = z
        for key in path:
            v = v.get(key) if isinstance(v, dict) else None
        out.append(default if v is None else v)
    return np.array(out, dtype=float)


def _grades(data: dict[str, Any]) -> npt.NDArray[np.object_]:
    """The zones' grades as a solve sees them (the 45-zone example's come from its evaluation)."""

    return evaluated_table(Instance.from_dict(data)).frame["grade"].to_numpy(dtype=object)


def _add_zone_resources(data: dict[str, Any], rng: np.random.Generator) -> None:
    """Energy-stock reduction, environmental status, VOCs and PM, emission and fund requests."""
    zones = data["zones"]
    n = len(zones)
    energy = _col(zones, "metrics", "energy_tce")
    va = _col(zones, "metrics", "value_added")
    reduction = np.round(energy * rng.uniform(0.0, 0.08, n), 1)
    reduction[rng.random(n) < 0.2] = 0.0
    u = rng.random(n)
    env = np.where(u < 0.08, False, True).astype(object)
    env[(u >= 0.08) & (u < 0.13)] = None
    vocs = np.round(va * rng.uniform(0.5, 1.5, n) / 1e4, 2)
    pm = np.round(energy * rng.uniform(0.1, 0.3, n) / 1e3, 2)
    asks = rng.random(n) < 0.85
    share = rng.uniform(0.1, 0.4, (n, len(POLLUTANTS)))
    fund_asks = rng.random(n) < 0.8
    amount = np.round(rng.uniform(2_000, 30_000, n), -2)
    invest = np.round(amount * rng.uniform(3.0, 12.0, n), -2)
    etax = np.round(invest * rng.uniform(0.02, 0.08, n), 0)
    for i, z in enumerate(zones):  # the generator, not a model's build path
        m = z["metrics"]
        m["energy_reduction_tce"] = float(reduction[i])
        m["emissions_t"] = dict(m["emissions_t"], VOCs=float(vocs[i]), PM=float(pm[i]))
        if env[i] is not None:
            z["meets_env_standards"] = bool(env[i])
        req = z.setdefault("requests", {})
        if asks[i]:
            req["emissions_t"] = {k: round(float(m["emissions_t"][k] * share[i, j]), 3)
                                  for j, k in enumerate(POLLUTANTS)}
        if fund_asks[i]:
            req["funds"] = {"amount": float(amount[i]), "investment": float(invest[i]),
                            "expected_tax": float(etax[i])}


def _common_emission_rules() -> list[dict[str, Any]]:
    return [
        {"id": "em-request-cap", "type": "request_cap", "source": "2017 §六(一)",
         "note": "各开发区所得排污指标不超过其申请"},
        {"id": "em-env-standards", "type": "exclude", "select": {"meets_env_standards": False},
         "source": "2017 §十(四)", "note": "环保不达标：不安排新增排污指标"},
        {"id": "em-grade-d", "type": "exclude", "select": {"grades": ["D"]}, "source": "2017 §十(四)",
         "note": "D 级（有升有退）：不安排新增排污指标"},
    ]


EMISSION_OBJECTIVE: dict[str, Any] = {
    "kind": "lexicographic", "priority": {"measure": "energy_reduction_tce", "above": 0.0},
    "tiers": {"by": "score", "base": "request"}}
"""The defensible emission objective: the zones that cut energy stock served first, largest cut
first (2017 §六(一) 优先分配), the rest split in proportion to score × request."""
FUND_LOT = 1_000.0
"""The defensible fund example's minimum lot, 万元 (two tranches; an assumption)."""


def _emission_pools(data: dict[str, Any], rng: np.random.Generator, setup: str = "standard") -> dict[str, Any]:
    """Per pollutant: 35-55 % of all requests freed by regional reduction; each city's
    environmental capacity 12-30 % of the pool; corridor cities ≤ :data:`CORRIDOR_SHARE` of an air
    pollutant.
    ``setup="defensible"``: the lexicographic objective :data:`EMISSION_OBJECTIVE`."""
    zones = data["zones"]
    cities = sorted({z["city"] for z in zones})
    pollutants: dict[str, Any] = {}
    for k in POLLUTANTS:  # a loop over pollutants
        asked = float(np.nansum(_col(zones, "requests", "emissions_t", k)))
        total = max(0.1, round(asked * float(rng.uniform(0.35, 0.55)), 1))
        caps = np.round(total * rng.uniform(0.12, 0.3, len(cities)), 1)
        rules: list[dict[str, Any]] = [
            {"id": f"{k}-city-capacity", "type": "group_bounds", "by": "city",
             "cap": {c: float(v) for c, v in zip(cities, caps, strict=True)}, "source": "2017 §六(一)",
             "assumption": True, "note": f"各城市 {k} 环境容量（合成数据）"}]
        if k in AIR_POLLUTANTS and any("corridor" in z["tags"] for z in zones):
            rules.append({"id": f"{k}-corridor-share", "type": "group_bounds", "by": "tag", "groups": ["corridor"],
                          "cap_share": CORRIDOR_SHARE, "source": "2017 §六(二)", "assumption": True,
                          "note": "2017 §六(二) 所列 10 个大气污染防治重点城市"
                                  "（京津冀大气污染传输通道 7 个省辖市"
                                  "和洛阳、平顶山、三门峡）"
                                  f"合计 ≤ {CORRIDOR_SHARE:.0%}（比例为假设）"})
        pollutants[k] = {"total_t": total, "source": "2017 §六(一)", "rules": rules}
    objective = dict(EMISSION_OBJECTIVE) if setup == "defensible" else {"kind": "priority",
                                                                          "weight": "energy_reduction_tce"}
    return {"pollutants": pollutants, "rules": _common_emission_rules(), "objective": objective}


def _fund_pool(data: dict[str, Any], rng: np.random.Generator, setup: str = "standard") -> dict[str, Any]:
    """A budget of 30-40 % of all requests in tranches of 500; leverage ≤ 20 % per zone;
    豫南 together at least min(15 % of the budget, 80 % of what its zones can take).
    ``setup="defensible"``: diminishing returns on the leverage objective and a minimum lot of
    :data:`FUND_LOT` (zones whose cap is below it can take nothing towards the floor)."""
    zones = data["zones"]
    amount = _col(zones, "requests", "funds", "amount")
    invest = _col(zones, "requests", "funds", "investment")
    tranche, alpha = 500.0, 0.2
    budget = float(max(tranche, round(float(np.nansum(amount)) * float(rng.uniform(0.3, 0.4)), -3)))
    grades = _grades(data)
    cap = np.nan_to_num(np.minimum(amount, alpha * invest), nan=0.0)
    cap = np.floor(cap / tranche) * tranche * (grades != "D")
    if setup == "defensible":
        cap = np.where(cap >= FUND_LOT, cap, 0.0)
    south = np.array([z["city"] in SOUTH_CITIES for z in zones])
    floor = math.floor(min(0.15 * budget, 0.8 * float(cap[south].sum())) / tranche) * tranche
    rules: list[dict[str, Any]] = [
        {"id": "fund-request-cap", "type": "request_cap", "source": "2017 §十(三)",
         "note": "各开发区所得不超过其申请"},
        {"id": "fund-leverage", "type": "leverage_cap", "alpha": alpha, "per": "zone", "source": "2022 第三章 专栏二",
         "assumption": True,
         "note": "基金不超过其参与投资额的 20%"
                 "（引导和杠杆作用；比例为假设）"},
        {"id": "fund-grade-d", "type": "exclude", "select": {"grades": ["D"]}, "source": "2017 §十(四)"},
    ]
    if floor > 0:
        rules.append({"id": "fund-south-floor", "type": "group_bounds", "by": "city",
                      "groups": [c for c in SOUTH_CITIES if south.any() and c in {z["city"] for z in zones}],
                      "combined": True, "floor": float(floor), "source": "2017 §二(二)", "assumption": True,
                      "note": "豫南（南阳、信阳、驻马店、周口）合计设区域下限（促进协调发展；金额为"
                              "假设）"})
    objective: dict[str, Any] = {"kind": "leverage"}
    if setup == "defensible":
        objective["diminishing"] = {"breakpoints": [0.25, 0.5, 0.75], "factors": [1.0, 0.75, 0.5, 0.25]}
        rules.append({"id": "fund-min-lot", "type": "min_lot", "lot": FUND_LOT, "source": "2017 §十(三)",
                      "assumption": True,
                      "note": f"不安排零星资金：为零或不少于 {FUND_LOT:,.0f} 万元（两个批次；"
                              "下限为假设）"})
    return {"budget": budget, "tranche": tranche, "emerging_priority": 1.5,
            "sector_priority": {"electronics": 1.3, "new-materials": 1.3}, "source": "2017 §十(三)",
            "rules": rules, "objective": objective}


def _base(n_zones: int, seed: int, name: str, kind: str, setup: str = "standard") -> dict[str, Any]:
    data = synthetic_data(n_zones, seed=seed, rules=setup)  # type: ignore[arg-type]
    _add_zone_resources(data, _rng(seed, 1))
    data["name"] = name
    meta = data["metadata"]
    meta["description"] = (
        f"SYNTHETIC data（合成数据）：{kind}模型的数据，由 {SIGNATURE} 生成（生成器版本 "
        f"{GENERATOR_VERSION}，numpy PCG64，种子 {seed}），所用开发区："
        + meta["description"][len("SYNTHETIC data（合成数据）："):]
        + "存量能耗削减、环保达标情况、排污和基金申请、指标总量"
        + ("、项目和目标" if kind == "项目组合" else "") + "同样为随机抽样。")
    meta["source"] = f"{SIGNATURE} v{GENERATOR_VERSION} on {meta['source']}"
    meta["notes"] = ("金额单位万元（wan_yuan），土地单位亩，能耗单位吨标准煤（tce），排放单位吨（t）；流量均按年计。"
                     "数据为合成：用于试用本工具，不用于评判开发区。")
    return data


Setup = Literal["standard", "defensible"]


def emissions_data(n_zones: int = 45, seed: int = 2022, name: str | None = None,
                   setup: Setup = "defensible") -> dict[str, Any]:
    """The emission example as a JSON-ready dict: the zones and land plan of
    ``synthetic_data`` (its ``rules=setup``), plus the emission pools (six pollutants) and
    their rules; ``setup="defensible"`` (the bundled example) serves the zones that cut energy
    stock first (:data:`EMISSION_OBJECTIVE`), ``"standard"`` weighs them by their cut."""
    data = _base(n_zones, seed, name or f"henan-etdz-{n_zones}-emissions", "排污指标", setup)
    data["pools"]["emissions"] = _emission_pools(data, _rng(seed, 2), setup)
    return data


def funds_data(n_zones: int = 45, seed: int = 2022, name: str | None = None,
               setup: Setup = "defensible") -> dict[str, Any]:
    """The fund example as a JSON-ready dict: the zones and land plan, plus the fund budget in
    tranches with its rules; ``setup="defensible"`` (the bundled example) adds diminishing
    returns and a minimum lot (:data:`FUND_LOT`)."""
    data = _base(n_zones, seed, name or f"henan-etdz-{n_zones}-funds", "基金投放", setup)
    data["pools"]["funds"] = _fund_pool(data, _rng(seed, 3), setup)
    return data


# -- projects ---------------------------------------------------------------------------------

def _project_arrays(zones: Sequence[dict[str, Any]], n_projects: int, rng: np.random.Generator) -> dict[str, Any]:
    n, P = len(zones), n_projects
    area = _col(zones, "land_area_mu")
    zone = rng.choice(n, size=P, p=area / area.sum())
    # A zone's leading sectors are its sector tags (not corridor, approved-2020 or other markers).
    own = [[t for t in z["tags"] if t in SECTORS] or [SECTORS[0]] for z in zones]
    first = np.array([o[0] for o in own], dtype=object)
    second = np.array([o[-1] for o in own], dtype=object)
    pool = np.array(sorted(set(SECTORS) | set(EMERGING_FIELDS_2017)), dtype=object)
    other = pool[rng.integers(0, pool.size, P)]
    pick_second = rng.random(P) < 0.5
    sector = np.where(rng.random(P) < 0.7, np.where(pick_second, second[zone], first[zone]), other)
    leading = (sector == first[zone]) | (sector == second[zone])
    invest = np.round(np.clip(80_000 * np.exp(0.9 * rng.standard_normal(P)), 5_000, 800_000), -2)
    land = np.maximum(5.0, np.round(invest / rng.uniform(150, 500, P)))
    fund = np.maximum(100.0, np.round(invest * rng.uniform(0.03, 0.4, P), -2))
    revenue = np.round(invest * rng.uniform(0.5, 1.6, P), -1)
    tax = np.round(revenue * rng.uniform(0.03, 0.08, P))
    per = {"SO2": 3e-5, "NOx": 5e-5, "COD": 2e-5, "NH3-N": 3e-6, "VOCs": 4e-5, "PM": 2e-5}
    emissions = {k: np.round(invest * rng.uniform(0.0, per[k], P), 3) for k in POLLUTANTS}
    return {"zone": zone, "sector": sector, "leading": leading, "industrial": sector != "logistics",
            "investment": invest, "land": land, "fund": fund, "revenue": revenue, "tax": tax,
            "emissions": emissions}


def _project_dicts(pa: dict[str, Any], zone_ids: Sequence[str]) -> list[dict[str, Any]]:
    P = pa["zone"].size
    width = len(str(P))
    zid = np.array(zone_ids, dtype=object)[pa["zone"]].tolist()
    ems = {k: v.tolist() for k, v in pa["emissions"].items()}
    cols = zip(range(P), zid, pa["sector"].tolist(), pa["land"].tolist(), pa["fund"].tolist(),
               pa["investment"].tolist(), pa["tax"].tolist(), pa["revenue"].tolist(), pa["leading"].tolist(),
               pa["industrial"].tolist(), strict=True)
    names = {**SECTOR_NAMES, **EMERGING_FIELDS_2017}
    return [{"id": f"P{k + 1:0{width}d}", "name": f"{names.get(s, s)}项目 {k + 1}", "zone": z, "sector": s,
             "land_mu": a,
             "emissions_t": {p: ems[p][k] for p in POLLUTANTS}, "fund": f, "investment": i, "tax": t,
             "revenue": r, "leading": ld, "industrial": ind}
            for k, z, s, a, f, i, t, r, ld, ind in cols]


def _witness(zones: Sequence[dict[str, Any]], pa: dict[str, Any], choosable: npt.NDArray[np.bool_],
             plan_counts: bool = False) -> tuple[npt.NDArray[np.bool_], dict[str, int]]:
    """A choice of projects that lifts, for each revenue target, the zones closest below its
    threshold (up to the target's extra count, or with ``plan_counts`` up to the plan's count),
    then keeps the leading-industry share ≥ 70 %. Returns the choice and each target's count
    of zones at or above the threshold with it."""
    n = len(zones)
    base = _col(zones, "metrics", "revenue", default=0.0)
    chosen = np.zeros(pa["zone"].size, dtype=bool)
    order = np.argsort(-pa["revenue"], kind="stable")  # largest revenue first
    reached: dict[str, int] = {}
    for rule_id, theta, plan, extra in REVENUE_TARGETS:
        after = base + np.bincount(pa["zone"], weights=pa["revenue"] * chosen, minlength=n)
        if plan_counts:
            extra = max(0, plan - int((after >= theta).sum()))
        lifted = 0
        for i in np.argsort(theta - after, kind="stable"):  # closest below first; a loop over zones
            gap = theta - after[i]
            if gap <= 0 or lifted >= extra:
                continue
            mine = order[(pa["zone"][order] == i) & choosable[order] & ~chosen[order]]
            total = np.cumsum(pa["revenue"][mine])
            if total.size and total[-1] >= gap:
                chosen[mine[: int(np.searchsorted(total, gap)) + 1]] = True
                lifted += 1
        after = base + np.bincount(pa["zone"], weights=pa["revenue"] * chosen, minlength=n)
        reached[rule_id] = int((after >= theta).sum())
    inv = pa["investment"]
    lead = pa["leading"] & pa["industrial"]
    for p in np.argsort(-inv * lead, kind="stable"):  # add leading projects until the share holds
        den = float((inv * chosen * pa["industrial"]).sum())
        if den > 0 and float((inv * chosen * lead).sum()) >= 0.7 * den:
            break
        if lead[p] and choosable[p] and not chosen[p]:
            chosen[p] = True
    return chosen, reached


def portfolio_data(n_zones: int = 45, n_projects: int = 300, seed: int = 2022,
                   name: str | None = None) -> dict[str, Any]:
    """The portfolio example (or a benchmark instance) as a JSON-ready dict: zones, projects,
    land, emission and fund pools and rules, the 2022 专栏一 count and share targets; feasible
    by construction (module docstring)."""
    if n_projects < 1:
        raise ValueError(f"n_projects must be >= 1, got {n_projects!r}")
    data = _base(n_zones, seed, name or f"henan-etdz-{n_zones}-portfolio-{n_projects}", "项目组合")
    zones = data["zones"]
    n = len(zones)
    rng = _rng(seed, 4)
    pa = _project_arrays(zones, n_projects, rng)
    grades = _grades(data)
    env_ok = np.array([z.get("meets_env_standards", True) is not False for z in zones])
    choosable = (pa["fund"] <= PROJECT_LEVERAGE * pa["investment"]) & (grades != "D")[pa["zone"]] & env_ok[pa["zone"]]
    named = n_zones == 45  # the example: the plan's counts, which its witness must reach
    chosen, reached = _witness(zones, pa, choosable, plan_counts=named)
    short = [rule_id for rule_id, _, plan, _ in REVENUE_TARGETS if named and reached[rule_id] < plan]
    if short:  # a property of the generator's choices, never of the data a user gives
        raise RuntimeError(f"the portfolio witness does not reach the plan's counts {short}; please report this seed")
    inv_ind = pa["investment"] * chosen * pa["industrial"]
    lead_share = float((inv_ind * pa["leading"]).sum()) / float(inv_ind.sum()) if inv_ind.sum() > 0 else 1.0

    def used(values: FloatArray) -> FloatArray:
        return np.bincount(pa["zone"], weights=values * chosen, minlength=n).astype(float)

    land_used, fund_used = used(pa["land"]), used(pa["fund"])
    land_total = float(max(_ceil(0.4 * pa["land"].sum(), 100), _ceil(land_used.sum(), 100)))
    data["pools"]["land"] = {"total_mu": land_total, "exact": False, "source": "2017 §六(一)"}
    # Land rules that fit a portfolio: caps and exclusions, raised to what the witness uses.
    cities = np.array([z["city"] for z in zones], dtype=object)
    corridor = np.array(["corridor" in z["tags"] for z in zones])
    city_share = max((float(land_used[cities == c].sum()) for c in set(cities.tolist())), default=0.0) / land_total
    rules = []
    for rule in data["rules"]:
        if rule["id"] == "city-cap":
            rule = dict(rule, cap_share=max(0.15, _ceil(city_share, 0.01)))
        elif rule["id"] == "corridor-cap":
            rule = dict(rule, cap_mu=float(max(rule["cap_mu"], _ceil(land_used[corridor].max(initial=0.0), 10))))
        elif rule["id"] not in ("request-cap", "exclude-grade-d"):
            continue  # the tilt, national floor and key-project lock are for the land LP alone
        rules.append(rule)
    data["rules"] = rules
    for z, need in zip(zones, land_used.tolist(), strict=True):  # requests cover the witness
        req = z.setdefault("requests", {})
        if need > (req.get("land_mu") or 0.0):
            req["land_mu"] = _ceil(need, 10)
    pollutants = {}
    for k in POLLUTANTS:  # a loop over pollutants
        use = used(pa["emissions"][k])
        total = max(_ceil(0.45 * float(pa["emissions"][k].sum()), 0.1), _ceil(float(use.sum()), 0.1), 0.1)
        rules_k: list[dict[str, Any]] = []
        if k == "SO2" and corridor.any():
            share = max(CORRIDOR_SHARE, _ceil(float(use[corridor].sum()) / total, 0.01))
            rules_k.append({"id": "SO2-corridor-share", "type": "group_bounds", "by": "tag", "groups": ["corridor"],
                            "cap_share": min(1.0, share), "source": "2017 §六(二)", "assumption": True,
                            "note": "10 个大气污染防治重点城市合计（比例为假设）"})
        pollutants[k] = {"total_t": total, "source": "2017 §六(一)", "rules": rules_k}
    data["pools"]["emissions"] = {"pollutants": pollutants, "rules": [_common_emission_rules()[1]],
                                  "objective": {"kind": "priority"}}
    budget = float(max(_ceil(0.35 * pa["fund"].sum(), 1000), _ceil(fund_used.sum(), 1000)))
    south = np.isin(cities, SOUTH_CITIES)
    fund_rules: list[dict[str, Any]] = [
        {"id": "fund-leverage-project", "type": "leverage_cap", "alpha": PROJECT_LEVERAGE, "per": "project",
         "source": "2022 第三章 专栏二", "assumption": True,
         "note": "基金不超过单个项目投资的 30%（比例为假设）"}]
    floor = math.floor(min(0.1 * budget, float(fund_used[south].sum())) / 100) * 100
    if floor > 0:
        fund_rules.append({"id": "fund-south-floor", "type": "group_bounds", "by": "city",
                           "groups": sorted(set(cities[south].tolist())), "combined": True, "floor": float(floor),
                           "source": "2017 §二(二)", "assumption": True,
                           "note": "豫南合计设区域下限（促进协调发展；金额为假设）"})
    data["pools"]["funds"] = {"budget": budget, "emerging_priority": 1.2, "source": "2017 §十(三)",
                              "rules": fund_rules}
    data["projects"] = _project_dicts(pa, [z["id"] for z in zones])
    targets: list[dict[str, Any]] = [
        {"id": rule_id, "type": "count_target", "metric": "revenue", "threshold": theta,
         "at_least": plan if named else reached[rule_id], "source": "2022 专栏一",
         "note": f"营业收入 ≥ {theta / 1e4:,.0f} 亿元的开发区（2022 专栏一：超千亿元 6 个以上，超 500 亿元 15 个以上）"}
        for rule_id, theta, plan, _ in REVENUE_TARGETS]
    targets.append({"id": "leading-70", "type": "share_target", "quantity": "investment",
                    "numerator": {"leading": True, "industrial": True}, "denominator": {"industrial": True},
                    "min_share": min(0.7, math.floor(lead_share * 100) / 100), "source": "2022 专栏一",
                    "note": "主导产业投资占工业投资比重 70% 以上（按入选项目计）"})
    data["portfolio"] = {"partial_funding": False, "rules": targets, "objective": {"kind": "tax"}}
    data.pop("scenarios", None)  # the land scenarios name rules the portfolio leaves out
    _check_witness(data, chosen)
    return data


def _ceil(value: float, step: float) -> float:
    return round(math.ceil(value / step - 1e-9) * step, 10)


def _check_witness(data: dict[str, Any], chosen: npt.NDArray[np.bool_]) -> None:
    """The witness choice (with the count targets' indicators it reaches) satisfies every row
    of the built portfolio model, checked by the independent checker."""
    from zoneopt.core.checker import check_solution
    from zoneopt.models.portfolio import build_portfolio_model

    pm = build_portfolio_model(Instance.from_dict(data))
    x = np.zeros(pm.model.num_vars)
    x[pm.y.slice] = chosen
    revenue = np.bincount(pm.projects.zone, weights=pm.projects.revenue * chosen, minlength=pm.zones.size)
    for c in pm.counts:
        if c.z is not None:
            after = c.base + revenue
            x[c.z.slice] = after[c.candidates] >= c.rule.threshold * (1 - 1e-9)
    report = check_solution(pm.model, x)
    if not report.passed:  # a bug in this module, never a property of the data
        raise RuntimeError(f"synthetic portfolio witness fails the model ({report.worst}); please report this seed")


def emissions_instance(n_zones: int = 45, seed: int = 2022, setup: Setup = "defensible") -> Instance:
    """:func:`emissions_data`, validated."""
    return Instance.from_dict(emissions_data(n_zones, seed, setup=setup), source="zoneopt.examples.resources")


def funds_instance(n_zones: int = 45, seed: int = 2022, setup: Setup = "defensible") -> Instance:
    """:func:`funds_data`, validated."""
    return Instance.from_dict(funds_data(n_zones, seed, setup=setup), source="zoneopt.examples.resources")


def portfolio_instance(n_zones: int = 45, n_projects: int = 300, seed: int = 2022) -> Instance:
    """:func:`portfolio_data`, validated."""
    return Instance.from_dict(portfolio_data(n_zones, n_projects, seed), source="zoneopt.examples.resources")


def example_data(kind: Kind, n_zones: int = 45, seed: int = 2022, n_projects: int = 300) -> dict[str, Any]:
    """One of the examples by kind."""
    if kind == "emissions":
        return emissions_data(n_zones, seed)
    if kind == "funds":
        return funds_data(n_zones, seed)
    return portfolio_data(n_zones, n_projects, seed)


def write_example(kind: Kind, path: str | Path, n_zones: int = 45, seed: int = 2022,
                  n_projects: int = 300) -> Path:
    """Generate an example and write it atomically as JSON; the same arguments write the same bytes."""
    from zoneopt.files import atomic_write_text

    inst = Instance.from_dict(example_data(kind, n_zones, seed, n_projects), source="zoneopt.examples.resources")
    return atomic_write_text(path, to_json_text(inst))


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m zoneopt.examples.resources",
                                description="Write a synthetic emission, fund or portfolio instance as JSON.")
    p.add_argument("kind", choices=("emissions", "funds", "portfolio"))
    p.add_argument("--zones", type=int, default=45, help="number of zones (45: Henan's named 经开区)")
    p.add_argument("--projects", type=int, default=300, help="number of projects (portfolio)")
    p.add_argument("--seed", type=int, default=2022)
    p.add_argument("--out", type=Path, help="output file (default: standard output)")
    a = p.parse_args(argv)
    if a.out is None:
        inst = Instance.from_dict(example_data(a.kind, a.zones, a.seed, a.projects))
        sys.stdout.write(to_json_text(inst))
    else:
        write_example(a.kind, a.out, a.zones, a.seed, a.projects)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


__all__ = ["emissions_data", "funds_data", "portfolio_data", "emissions_instance", "funds_instance",
           "portfolio_instance", "example_data", "write_example", "main", "GENERATOR_VERSION", "SOUTH_CITIES",
           "REVENUE_TARGETS", "PROJECT_LEVERAGE"]
