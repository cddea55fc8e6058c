"""The defensible rule set and objective of the synthetic land examples (``rules="defensible"``
in :func:`zoneopt.examples.zones.synthetic_instance`; the bundled ``instances/henan-etdz-45.json``).

It asks for a tilt, not a winner-take-all (models/land-quota.md):

* objective: a blend of the tiered target (分档配置, weight 1: new land per existing mu by
  grade, A 1 · B 0.6 · C 0.3 · D 0, scaled to the pool within each zone's request) and the
  expected tax with diminishing returns (weight 0.25: quarters of a request worth 1, 0.75,
  0.5, 0.25 of the zone's 亩均税收), so the target decides and the tax breaks ties;
* ``request-cap`` (2017 §十(二)), ``exclude-grade-d`` (2017 §十(四));
* ``tilt-grade`` (2017 §六(一)): every zone of a grade gets at least 1.25 × what any zone of the
  next grade down gets per existing mu (the margin forbids the flat split);
* ``min-lot`` (2022 第七章第四节, 标准地): nothing or at least 30 mu;
* ``national-floor`` (2017 §二(一)) and ``city-cap`` (2017 §二(二)) as shares of the pool, so
  they scale with it; ``corridor-cap`` (2017 §六(二), a share of the pool per zone in the ten
  corridor cities) only when asked for (the clause sets no land cap; the example carries it as
  the what-if ``with-corridor-cap``);
* ``lock-key-project`` (45 zones): a fixed amount in mu for the best-scored zone's key project.

The multipliers, margin, lot, shares, lock and weights are this tool's assumptions (the texts
give none): every rule with such a number says ``"assumption": true``.

Why it is feasible, at the pool and at ×0.8 and ×1.2 of it
-----------------------------------------------------------
A *witness* plan with one level ℓ (land per existing mu of grade B) gives grade A zones
max(1.25·ℓ·a_i, L), grade B zones ℓ·a_i and grade C zones ℓ·a_i/1.25 (0 where that is below the
lot L), the locked zone its lock v; it meets the strict tilt (A ≥ 1.25·ℓ ≥ B per mu ≥ 1.25 × C)
and the lot as long as every grade B zone gets at least L (ℓ ≥ L / min a over B) and the lock
holds its grade (v ≥ 1.25·ℓ·a_k). ℓ is the largest level within every request and the budget
Q − v. The generator builds the witness at the pool × 0.8, × 1 and × 1.2 and sets each share
from its policy target clamped by all three witnesses (floors down to the smallest national
share, caps up to the largest city and corridor-zone shares), so the rule set holds at each;
:func:`check_witness` re-verifies every witness on every call. If no level lets every grade B
zone reach the lot, the lot is left out.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

MARGIN = 0.25
"""Strict tilt by grade: A ≥ (1 + MARGIN) × B ≥ (1 + MARGIN)² × C per existing mu (assumption)."""
LOT_MU = 30.0
"""Minimum lot, mu (assumption: no plot smaller than 30 mu, 2 ha, is handed out)."""
MULTIPLIERS: dict[str, float] = {"A": 1.0, "B": 0.6, "C": 0.3, "D": 0.0}
"""Tier multipliers by grade on existing land (assumption; models/land-quota.md)."""
EFFICIENCY_WEIGHT = 0.25
"""Weight of expected tax (with diminishing returns) in the blend, against 1 for the tiered target."""
LOCK_REQUEST_SHARE, LOCK_POOL_SHARE = 0.25, 0.15
"""The key project's lock: this share of the zone's request, at most this share of the pool."""
POOL_FACTORS: tuple[float, ...] = (0.8, 1.0, 1.2)
"""Pools the rule set is made feasible at (× the pool)."""
NATIONAL_FLOOR_TARGET, CITY_CAP_TARGET, CORRIDOR_CAP_TARGET = 0.35, 0.15, 0.10
"""Policy targets (shares of the pool) before the witnesses clamp them."""

OBJECTIVE: dict[str, Any] = {
    "kind": "blend",
    "blend": {"tiered": 1.0, "efficiency": EFFICIENCY_WEIGHT},
    "weight": "tax_per_mu",
    "tiers": {"by": "grade", "base": "land_area", "multipliers": dict(MULTIPLIERS)},
    "diminishing": {"breakpoints": [0.25, 0.5, 0.75], "factors": [1.0, 0.75, 0.5, 0.25]},
}
"""The objective of the defensible examples."""

_RANK = {"A": 0, "B": 1, "C": 2}


def _witness(z: dict[str, Any], Q: float, lock: tuple[int, float] | None, lot: float) -> FloatArray | None:
    """The witness plan at pool ``Q`` (see the module docstring), or None when no level lets
    every grade B zone reach the lot."""
    area, request, grade = z["area"], z["request"], z["grade"]
    rank = np.array([_RANK.get(g, -1) for g in grade.tolist()])
    factor = np.where(rank == 0, 1.0 + MARGIN, np.where(rank == 2, 1.0 / (1.0 + MARGIN), 1.0))
    elig = rank >= 0
    free = elig.copy()
    if lock is not None:
        free[lock[0]] = False

    def plan(level: float) -> FloatArray:
        x = np.where(free, factor * level * area, 0.0)
        x = np.minimum(np.where(free & (rank == 0), np.maximum(x, lot), x), request)
        x = np.where(free & (rank == 2) & (x < lot), 0.0, x)
        if lock is not None:
            x[lock[0]] = lock[1]
        return x

    # The largest level within every request (grades A and B are held at their level) and the lock.
    top = float(np.min((request / (factor * area))[free & (rank <= 1)], initial=np.inf))
    if lock is not None:
        top = min(top, lock[1] / (factor[lock[0]] * area[lock[0]]))
    low = lot / float(area[rank == 1].min()) if (rank == 1).any() and lot > 0 else 0.0
    if plan(low).sum() > Q or low > top:
        return None
    hi = top if np.isfinite(top) else Q / float(area[elig].min())
    if plan(hi).sum() <= Q:
        return plan(hi)
    lo = low
    for _ in range(100):  # bisection on the level: the plan's total grows with it
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if plan(mid).sum() <= Q else (lo, mid)
    return plan(lo)


def _round_down(value: float, step: float) -> float:
    return round(math.floor(value / step + 1e-9) * step, 10)


def _round_up(value: float, step: float) -> float:
    return round(math.ceil(value / step - 1e-9) * step, 10)


def base_rules(all_eligible: bool) -> list[dict[str, Any]]:
    """The rules both bundled rule sets start from: no zone gets more than it asked for, and
    grade D gets nothing (when some zone is grade D)."""
    out: list[dict[str, Any]] = [
        {"id": "request-cap", "type": "request_cap", "source": "2017 §十(二)",
         "note": "各开发区所得不超过其申请：依法依规实施滚动开发"},
    ]
    if not all_eligible:
        out.append({"id": "exclude-grade-d", "type": "exclude", "select": {"grades": ["D"]},
                    "source": "2017 §十(四)",
                    "note": "有升有退：D 级开发区（资源要素利用率低…）不安排新增建设用地指标"})
    return out


def defensible_rules(z: dict[str, Any], Q: float, named: bool, city_code: npt.NDArray[np.int64],
                     with_corridor_cap: bool = False) -> list[dict[str, Any]]:
    """The defensible rule set for the zones ``z`` (the generator's arrays) and pool ``Q``,
    feasible at the pool × :data:`POOL_FACTORS` (see the module docstring); with
    ``with_corridor_cap`` a per-zone cap in the corridor cities as a share of the pool (an
    assumption: 2017 §六(二) sets no land cap)."""
    request, score, grade = z["request"], z["score"], z["grade"]
    eligible = grade != "D"
    national, corridor = z["national"], z["corridor"]
    lock: tuple[int, float] | None = None
    if named and eligible.any():
        idx = np.flatnonzero(eligible)
        k = int(idx[np.argmax(score[idx])])
        v = _round_down(min(LOCK_REQUEST_SHARE * request[k], LOCK_POOL_SHARE * min(POOL_FACTORS) * Q), 50.0)
        if v >= LOT_MU:
            lock = (k, v)
    lot = LOT_MU
    witnesses = [_witness(z, f * Q, lock, lot) for f in POOL_FACTORS]
    if any(w is None for w in witnesses):
        lot = 0.0
        witnesses = [_witness(z, f * Q, lock, 0.0) for f in POOL_FACTORS]
    ws = [w for w in witnesses if w is not None]
    if len(ws) != len(POOL_FACTORS):
        raise RuntimeError("defensible witness failed without a lot; please report this seed")
    totals = [f * Q for f in POOL_FACTORS]
    n_cities = int(city_code.max()) + 1
    has_nat = bool((national & eligible).any())
    floor = min([NATIONAL_FLOOR_TARGET] + [_round_down(float(w[national].sum()) / t, 0.01)
                                           for w, t in zip(ws, totals, strict=True)]) if has_nat else 0.0
    city_cap = min(1.0, max([CITY_CAP_TARGET] + [_round_up(float(np.bincount(city_code, weights=w,
                                                                              minlength=n_cities).max()) / t, 0.01)
                                                 for w, t in zip(ws, totals, strict=True)]))
    corridor_cap = min(1.0, max([CORRIDOR_CAP_TARGET] + [_round_up(float(w[corridor].max(initial=0.0)) / t, 0.01)
                                                         for w, t in zip(ws, totals, strict=True)]))
    out = base_rules(bool(eligible.all()))
    out.append({"id": "tilt-grade", "type": "tilt", "by": "grade", "margin": MARGIN, "source": "2017 §六(一)",
                "assumption": True,
                "note": "将新增建设用地指标向节约集约用地好的产业集聚区倾斜：按现有每亩计，每一等级的开发区不少于"
                        f"下一等级任一开发区的 {1 + MARGIN:g} 倍（倍数为假设，"
                        "用以排除平均分配）"})
    if lot > 0:
        out.append({"id": "min-lot", "type": "min_lot", "lot_mu": lot, "source": "2022 第七章第四节",
                    "assumption": True,
                    "note": f"“标准地”：按成片可用地块供地，开发区所得为零或不少于 {lot:g} "
                            "亩（地块规模为假设）"})
    if has_nat and floor >= 0.01:
        out.append({"id": "national-floor", "type": "group_bounds", "by": "level", "groups": ["national"],
                    "floor_share": floor, "source": "2017 §二(一)", "assumption": True,
                    "note": f"鼓励以国家级开发区…为主体：国家级开发区合计不少于指标总量的 {floor:.0%}"})
    out.append({"id": "city-cap", "type": "group_bounds", "by": "city", "cap_share": city_cap,
                "source": "2017 §二(二)", "assumption": True,
                "note": f"促进协调发展：任一城市不超过指标总量的 {city_cap:.0%}"})
    if with_corridor_cap and corridor.any():
        out.append(corridor_cap_rule({"cap_share": corridor_cap}, f"指标总量的 {corridor_cap:.0%}"))
    if lock is not None:
        k, v = lock
        out.append({"id": "lock-key-project", "type": "lock", "values_mu": {str(z["id"][k]): v},
                    "source": "2022 第二章第二节", "assumption": True,
                    "note": f"坚持项目为王：{z['name'][k]}的一个省重点项目（示意）"
                            f"安排 {v:g} 亩，不参与竞争性分配"})
    for w, t in zip(ws, totals, strict=True):
        check_witness(w, z, t, out, city_code)
    return out


def corridor_cap_rule(bound: dict[str, float], what: str) -> dict[str, Any]:
    """The optional per-zone land cap in the corridor cities (``corridor_cap=True``): 2017 §六(二)
    names the ten cities for its air-pollution work but sets no land cap, so the cap is an
    assumption and says so."""
    return {"id": "corridor-cap", "type": "zone_bounds", "select": {"tags": ["corridor"]}, **bound,
            "source": "2017 §六(二)", "assumption": True,
            "note": "京津冀大气污染传输通道 7 个省辖市"
                    "和洛阳、平顶山、三门峡：每个开发区"
                    f"新增建设用地不超过{what}（假设：该条款未设用地上限）"}


def check_witness(w: FloatArray, z: dict[str, Any], Q: float, rules: list[dict[str, Any]],
                  city_code: npt.NDArray[np.int64]) -> None:
    """Verify a witness against every rule of the defensible set at pool ``Q`` (the
    feasibility proof, re-checked numerically)."""
    tol = 1e-7 * max(1.0, Q)
    bad: list[str] = []
    if w.sum() > Q + tol or (w < -tol).any():
        bad.append("pool")
    grade, area = z["grade"], z["area"]
    for r in rules:
        kind = r["type"]
        if kind == "request_cap" and (w > z["request"] + tol).any():
            bad.append(r["id"])
        elif kind == "exclude" and (w[grade == "D"] > tol).any():
            bad.append(r["id"])
        elif kind == "tilt":
            per = w / area
            for hi_g, lo_g in (("A", "B"), ("B", "C")):
                up, down = per[grade == hi_g], per[grade == lo_g]
                if up.size and down.size and up.min() < (1 + r["margin"]) * down.max() - 1e-12:
                    bad.append(r["id"])
        elif kind == "min_lot" and ((w > tol) & (w < r["lot_mu"] - tol)).any():
            bad.append(r["id"])
        elif kind == "group_bounds" and r["by"] == "level" and w[z["national"]].sum() < r["floor_share"] * Q - tol:
            bad.append(r["id"])
        elif kind == "group_bounds" and r["by"] == "city" and \
                np.bincount(city_code, weights=w).max() > r["cap_share"] * Q + tol:
            bad.append(r["id"])
        elif kind == "zone_bounds" and (w[z["corridor"]] > r["cap_share"] * Q + tol).any():
            bad.append(r["id"])
        elif kind == "lock":
            pos = {zid: k for k, zid in enumerate(z["id"].tolist())}
            if any(abs(w[pos[k]] - v) > tol for k, v in r["values_mu"].items()):
                bad.append(r["id"])
    if bad:  # a bug in this module, never a property of the data
        raise RuntimeError(f"defensible witness violates {bad} at pool {Q:g}; please report this seed")


def defensible_scenarios(pool: dict[str, Any], rules: list[dict[str, Any]],
                         corridor_cap: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """What-ifs of the defensible 45-zone example: the pool 10 % larger and 20 % smaller (the
    rules scale with it), no corridor cap (if the rules have one) or with it (``corridor_cap``:
    the rule, an assumption the clause does not set), the equity objective, and the pure linear
    efficiency objective (the winner-take-all the defaults avoid). Each is feasible: the pool
    factors are those of the witnesses, the corridor cap is checked against the same witnesses,
    the others relax a rule or change only the objective."""
    ids = {r["id"] for r in rules}
    total = float(pool["total_mu"])
    out: list[dict[str, Any]] = []
    for sid, f, what in (("quota-plus-10", 1.1, "增加 10%"), ("quota-minus-20", 0.8, "减少 20%")):
        new = round(total * f, 6)
        out.append({"id": sid, "description": f"用地指标{what}（{total:,.0f} → {new:,.0f} 亩），约束不变"
                                              "（按总量份额的约束随之缩放）：指标流向哪里",
                    "pools": {"land": dict(pool, total_mu=new)}})
    if "corridor-cap" in ids:
        out.append({"id": "no-corridor-cap",
                    "description": "取消传输通道城市每个开发区的用地上限（2017 §六(二)）："
                                   "该约束的代价，以及用地改由谁获得",
                    "drop_rules": ["corridor-cap"]})
    elif corridor_cap:
        out.append({"id": "with-corridor-cap",
                    "description": "对 2017 §六(二) 所列 10 个大气污染防治重点城市的每个开发区设用地上限"
                                   "（假设：该条款未设用地上限）：这一上限的代价，以及"
                                   "用地改由谁获得",
                    "rules": list(corridor_cap)})
    out.append({"id": "equity",
                "description": "以各开发区所得占申请比例的最小值最大为目标（同值按预期税收排序），"
                               "代替分档配置：均衡分配的代价",
                "objective": {"kind": "equity"}})
    out.append({"id": "efficiency",
                "description": "约束不变，改用纯线性效率目标（预期税收，亩均税收，无边际递减）："
                               "分档配置所避免的赢家通吃",
                "objective": {"kind": "efficiency"}})
    return out


__all__ = ["base_rules", "defensible_rules", "corridor_cap_rule", "defensible_scenarios", "check_witness",
           "OBJECTIVE", "MARGIN", "LOT_MU", "MULTIPLIERS", "EFFICIENCY_WEIGHT", "POOL_FACTORS"]
