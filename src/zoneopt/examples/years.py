"""A synthetic 2021–2025 plan of land, emission allowances and funds with a score history for
dynamic management, on Henan's 45 经开区 (the zones and figures of
``instances/henan-etdz-45.json``, with the emission and fund pools of
``instances/henan-etdz-45-emissions.json`` and ``-funds.json``, all in their *standard* setup:
the exact score tilt and caps in mu of rule set ``"standard"``, emission allowances weighted by
the energy-stock reduction; the single-year examples take the defensible setup)::

    python -m zoneopt.examples.years --out instances/henan-etdz-45-years.json

The file adds to the 45-zone resource examples (:func:`zoneopt.examples.resources.emissions_data`
and :func:`~zoneopt.examples.resources.funds_data`, seed 2022: the same zones; their
single-year scenarios are left out):

* ``periods`` — years 2021–2025; 5.5 times the example's yearly pool of 5,900 mu (32,450
  mu), split rising by half a percentage point a year (19 % … 21 %: 6,166 mu in 2021, so every
  year's pool is at least the example's and its share rules stay feasible); the key project's
  lock holds in 2021 only; half of each year's unused quota carried to the next; a ramp (no
  zone's land changes by more than half of the year before, plus 400 mu); the 2022 plan's
  value-added target (专栏一: 生产总值年均增速 7.5 %) on all zones, with each new mu yielding the
  zone's 亩均增加值 from the next year and the existing figures growing by an assumed 6 % a year
  (the plan meets it with some slack);
* ``periods.emissions`` — the SO2 allowances freed over the five years (5 times the yearly
  pool) front-loaded, 30 % … 10 % a year (the reductions that free them come early in the
  plan), NOx's allowances per zone changing by at most half of the zone's request a year; no
  carry-over (the emission default: a year's freed tonnage is not banked);
* ``periods.funds`` — the yearly budget every year, in tranches, unspent money carried over (the
  fund default), and no zone's funds changing by more than half of its request from one year to
  the next (a ramp);
* ``management`` — synthetic evaluation scores 2019–2024 (each zone's 亩均 score of the
  example, ``muju-2022``, plus a persistent random walk: AR(1) with coefficient 0.6 and
  yearly shocks of standard deviation 3 points, rounded to 0.1; none before 2020 for the 16
  zones approved in 2020, tag ``approved-2020``), and the rules: warn the bottom
  three each year; reduce the land of a zone warned two years running by 10 % (half of the cut
  land returns to the quota); revoke a zone warned three years running (20 % of its land
  returns); recommend provincial zones in the top ten with a score of at least 70 three years
  running for upgrade, at most two a year and one per city.

Every figure is synthetic (``metadata.synthetic``); the parameters above are illustrative
choices, not policy. The generator is deterministic: the same arguments write the same bytes
(:func:`zoneopt.examples.zones.to_json_text`), which ``tests/test_multi_period.py`` checks.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from zoneopt.evaluation.run import evaluated_table
from zoneopt.examples.facts import APPROVED_TAG
from zoneopt.examples.resources import GENERATOR_VERSION as RESOURCES_VERSION
from zoneopt.examples.resources import SIGNATURE as RESOURCES_SIGNATURE
from zoneopt.examples.resources import emissions_data, funds_data
from zoneopt.examples.zones import GENERATOR_VERSION, to_json_text
from zoneopt.examples.zones import SIGNATURE as ZONES_SIGNATURE
from zoneopt.instance import PLAN_YEARS, Instance

YEARS_GENERATOR_VERSION = 4  # 3: says it takes the standard setup (the single-year examples are defensible);
# 4: no score before 2020 for the zones approved in 2020; the rules' assumed numbers say so
# The name the generator signs its output with (its module path before the examples moved
# to zoneopt.examples): kept, so the bundled examples regenerate byte for byte.
SIGNATURE = "zoneopt.synthetic_years"
HISTORY_YEARS: tuple[int, ...] = (2019, 2020, 2021, 2022, 2023, 2024)
"""Evaluations whose decisions return land in 2020–2025 (those of 2020–2024 feed the plan)."""
POOL_FACTOR = 1.1
SPLIT: tuple[float, ...] = (0.19, 0.195, 0.20, 0.205, 0.21)
CARRY_OVER = 0.5
RAMP_SHARE, RAMP_PLUS_MU = 0.5, 400.0
GROWTH_RATE, ORGANIC_GROWTH = 0.075, 0.06
AR_COEF, SHOCK_SD = 0.6, 3.0
SO2_SPLIT: tuple[float, ...] = (0.30, 0.25, 0.20, 0.15, 0.10)
RESOURCE_RAMP_SHARE = 0.5


def synthetic_years_data(seed: int = 2022) -> dict[str, Any]:
    """The 2021–2025 instance as a JSON-ready dict (see the module docstring); ``seed`` seeds the
    45-zone example, its emission and fund pools and the score history."""
    data = emissions_data(45, seed=seed, setup="standard")
    funds = funds_data(45, seed=seed, setup="standard")
    assert funds["zones"] == data["zones"]  # the resource examples share their zones
    data["pools"]["funds"] = funds["pools"]["funds"]
    data.pop("scenarios", None)
    base = Instance.from_dict(data, source="zoneopt.examples.years")

    zt = evaluated_table(base)  # the zones' 亩均 scores (the evaluation muju-2022)
    ids = zt.ids.tolist()
    score0 = zt.frame["score"].to_numpy(dtype=float)
    rng = np.random.Generator(np.random.PCG64([seed, 2021]))
    n, T = len(ids), len(HISTORY_YEARS)
    dev = np.zeros(n)
    history = np.empty((n, T))
    for t in range(T):  # a loop over years
        dev = AR_COEF * dev + rng.normal(0.0, SHOCK_SD, n)
        history[:, t] = np.clip(np.round(score0 + dev, 1), 0.0, 100.0)
    # A zone approved in 2020 (2022 第一章第一节: 郑州二七等16个) was not evaluated before.
    first = {z["id"]: 2020 for z in data["zones"] if APPROVED_TAG in z["tags"]}
    pool = float(data["pools"]["land"]["total_mu"])
    data["name"] = "henan-etdz-45-years"
    data["periods"] = {
        "years": list(PLAN_YEARS),
        "total_mu": round(pool * len(PLAN_YEARS) * POOL_FACTOR, 6),
        "split": list(SPLIT),
        # The key project's land is a one-off: locked in 2021 only.
        "by_year": [{"year": y, "drop_rules": ["lock-key-project"]} for y in PLAN_YEARS[1:]],
        "carry_over": CARRY_OVER,
        "carry_over_source": "示意：当年未用指标的一半留至次年使用",
        "ramps": [{"id": "smooth", "type": "ramp", "share": RAMP_SHARE, "of": "previous", "plus_mu": RAMP_PLUS_MU,
                   "source": "2022 第八章第二节", "assumption": True,
                   "note": "年度计划与本规划的衔接：各开发区新增用地逐年变化不超过上年的一半"
                           "再加 400 亩"}],
        "effects": [{"metric": "value_added", "per_mu": "value_added_per_mu", "lag": 1,
                     "organic_growth": ORGANIC_GROWTH,
                     "source": "假设：每新增一亩自次年起带来该开发区的亩均增加值；现有"
                               "土地的增加值每年增长 6%"}],
        "growth": [{"id": "va-growth", "type": "growth", "metric": "value_added", "rate": GROWTH_RATE,
                    "source": "2022 专栏一", "note": "全省经开区生产总值年均增速 7.5%"
                                                          "（全部 45 个开发区，2020 → 2025）"}],
        "source": "2022 第二章第四节",
        "emissions": {
            "SO2": {"total": data["pools"]["emissions"]["pollutants"]["SO2"]["total_t"] * len(PLAN_YEARS),
                    "split": list(SO2_SPLIT),
                    "carry_over_source": "排污指标默认：当年腾出的排放量不结转（总量控制）"},
            "NOx": {"ramps": [{"id": "nox-smooth", "type": "ramp", "share": RESOURCE_RAMP_SHARE, "of": "request",
                               "source": "2022 第八章第二节", "assumption": True,
                               "note": "各开发区 NOx 指标每年变化不超过其申请的一半"}]},
        },
        "funds": {
            "carry_over_source": "基金默认：未投放的资金留在基金中（2017 §十(三)）",
            "ramps": [{"id": "fund-smooth", "type": "ramp", "share": RESOURCE_RAMP_SHARE, "of": "request",
                       "source": "2022 第八章第二节", "assumption": True,
                       "note": "各开发区基金逐年变化不超过其申请的一半"}],
        },
    }
    data["management"] = {
        "history": {"years": list(HISTORY_YEARS),
                    "scores": {zid: [float(v) if y >= first.get(zid, y) else None
                                     for y, v in zip(HISTORY_YEARS, row, strict=True)]
                               for zid, row in zip(ids, history.tolist(), strict=True)},
                    "source": "合成：muju-2022 的亩均评价得分加 AR(1) 随机游走"},
        "warning": {"id": "warn-bottom-3", "type": "warning", "bottom_rank": 3, "source": "2022 第八章第三节",
                    "assumption": True,
                    "note": "对排名靠后的经开区进行约谈督导：每年排名最后 3 个"},
        "reduction": {"id": "reduce-area", "type": "reduction", "after_years": 2, "share": 0.1,
                      "returned_share": 0.5, "source": "2017 §十(四); 2017 §六(三)",
                      "assumption": True,
                      "note": "核减面积：连续两年被约谈的开发区核减其土地的 10%，其中一半返还指标"},
        "revocation": {"id": "revoke", "type": "revocation", "after_years": 3, "freed_share": 0.2,
                       "source": "2017 §十(四); 2017 §六(三)", "assumption": True,
                       "note": "直至撤销：连续三年被约谈；其土地的 20% 返还指标"},
        "upgrade": {"id": "recommend-upgrade", "type": "upgrade", "select": {"levels": ["provincial"]},
                    "top_rank": 10, "min_score": 70.0, "years": 3, "per_year": 2, "group_by": "city", "per_group": 1,
                    "source": "2022 第八章第三节", "assumption": True,
                    "note": "对排名靠前的省级经开区优先推荐晋升国家级经开区"},
    }
    meta = data["metadata"]
    meta["description"] = (
        "SYNTHETIC data（合成数据）：河南 45 个经开区 2021–2025 年用地、排污指标和基金规划及 2019–2024 年评价得分"
        f"历史，由 {SIGNATURE}.synthetic_years_data(seed={seed}) 生成（版本 "
        f"{YEARS_GENERATOR_VERSION}，基于 {ZONES_SIGNATURE} v{GENERATOR_VERSION} 和 {RESOURCES_SIGNATURE} "
        f"v{RESOURCES_VERSION}）。开发区及数据同 henan-etdz-45，采用标准约束集（按得分"
        "倾斜，上限按亩计），排污和基金总量同 henan-etdz-45-emissions 和 -funds 的"
        "标准设置（按存量能耗削减加权优先，无最小额度）；年度总量、"
        "结转、平滑、增长假设、得分和动态管理规则均为示意。"
        + meta["description"])
    meta["source"] = f"{SIGNATURE} v{YEARS_GENERATOR_VERSION}"
    return data


def synthetic_years_instance(seed: int = 2022) -> Instance:
    """The validated instance of :func:`synthetic_years_data`."""
    return Instance.from_dict(synthetic_years_data(seed), source="zoneopt.examples.years")


def write_example(path: str | Path, seed: int = 2022) -> Path:
    """Write the instance atomically as JSON (the same bytes for the same ``seed``)."""
    from zoneopt.files import atomic_write_text

    return atomic_write_text(path, to_json_text(synthetic_years_instance(seed)))


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m zoneopt.examples.years",
                                description="Write the synthetic 2021–2025 plan of land, emission allowances and "
                                            "funds with a score history as JSON.")
    p.add_argument("--seed", type=int, default=2022)
    p.add_argument("--out", type=Path, help="output file (default: standard output)")
    a = p.parse_args(argv)
    if a.out is None:
        sys.stdout.write(to_json_text(synthetic_years_instance(a.seed)))
    else:
        write_example(a.out, a.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


__all__ = ["synthetic_years_data", "synthetic_years_instance", "write_example", "main", "HISTORY_YEARS"]
