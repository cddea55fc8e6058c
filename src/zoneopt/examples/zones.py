"""Synthetic instances of Henan's economic and technological development zones (经开区).

One deterministic generator serves the bundled example (``instances/henan-etdz-45.json``), the
tests and the benchmarks::

    from zoneopt.examples.zones import synthetic_instance
    inst = synthetic_instance(45, seed=2022)          # the example: real zone names
    big = synthetic_instance(100_000, seed=1)         # benchmark size

    python -m zoneopt.examples.zones --zones 45 --seed 2022 --out instances/henan-etdz-45.json

Every figure is drawn from a :class:`numpy.random.Generator` (PCG64) seeded with ``seed``; the
same arguments give the same instance, and the same JSON text from :func:`to_json_text`, on
the same NumPy major version. Instances carry ``metadata.synthetic = true``.

Magnitudes (money in 万元, land in mu, per year)
------------------------------------------------
* existing land area: lognormal, median 8,000 mu (provincial) / 22,000 mu (national), clipped
  to 3,000–60,000, rounded to 10 mu;
* 亩均税收 (tax per mu): lognormal, median 11 / 22 万元/mu, clipped to 5–60; tax = that × area;
* value added 5–10 × tax, revenue 4–8 × value added, R&D 1–3 % of revenue;
* energy: 0.05–2 tce per 万元 of value added (lognormal, median 0.45); employees: revenue per
  person lognormal, median 180 万元; emissions (t): SO2 and NOx in proportion to energy, COD
  to value added, NH3-N 8–15 % of COD;
* score 40–100 (one decimal), correlation about 0.85 with log 亩均税收; grades by score rank:
  top 20 % A, next 40 % B, next 35 % C, bottom 5 % D;
* land request 5–25 % of existing area (rounded up to 10 mu); pool 8–12 % of all requests.

Cities are Henan's 17 prefecture cities and 济源; zones in the ten cities 2017 §六(二) names for
its air-pollution work (the seven on the 京津冀大气污染传输通道: 郑州 开封 安阳 鹤壁 新乡 焦作 濮阳, and
洛阳 平顶山 三门峡) carry the tag ``corridor``; every zone carries one or two sector tags
(:data:`SECTORS`). National zones sit in the nine cities that have a national 经开区. Counties are
synthetic (``"郑州-县3"``), except in the 45-zone table.

With ``n_zones == 45`` the zones are Henan's 45 经开区 of 2020 (2022 plan, 第一章: 9 national,
36 provincial): the nine national names are real; the provincial names are real or
illustrative (:data:`HENAN_ETDZ_45`). Their figures are synthetic all the same, shaped to agree
with what the two texts state about the named zones (:mod:`zoneopt.examples.facts`).

The standard rule set, and why it is always feasible
----------------------------------------------------
``rules="standard"`` gives, each with the policy clause in ``source``:

* ``request-cap`` — no zone gets more than its request;
* ``exclude-grade-d`` (2017 §十(四)) — grade D zones get nothing;
* ``tilt-score`` (2017 §六(一)) — new land per existing mu non-decreasing in the score;
* ``national-floor`` (2017 §二(一)) — national zones together get at least a share of the pool;
* ``city-cap`` (2017 §二(二)) — no city gets more than a share of the pool;
* ``lock-key-project`` (45 zones only) — a key project's land fixed in the best-scored zone;
* ``corridor-cap`` (2017 §六(二)), only with ``corridor_cap=True`` — a per-zone cap in mu for
  corridor-city zones (the clause sets no land cap).

The shares, the lock and the cap are numbers no clause states: those rules say
``"assumption": true``.

Caps alone are always satisfiable (give nothing); only the floor and the lock can conflict with
them. So the generator first builds an explicit *witness plan* ``w`` that meets the pool, the
request caps, the exclusion, the tilt and the lock, and then sets each remaining number from a
policy target clamped by the witness: the national floor share is
``min(target, national share of w)`` rounded down, the city cap share
``max(target, largest city share of w)`` rounded up, the corridor cap
``max(target, largest corridor-zone amount in w)`` rounded up. The witness therefore satisfies
every rule, and the instance is feasible by construction (:func:`_check_witness` re-verifies it
on every call). The witness is

* continuous pools: the key project (if any) gets ``v``, every other eligible zone the same
  land per existing mu ``t = min(min r_i/a_i, (Q − v)/Σa_i, v/a_k)`` — equal ratios satisfy
  the tilt, and nobody is above the top-scored zone ``k``;
* whole parcels (``parcel_mu``): equal ratios are not whole parcels, so zones are walked in
  falling score order (the locked zone first) and each gets the most whole parcels whose ratio
  does not exceed the one before it (a running minimum), within its request, the corridor cap,
  its city's cap and what is left of the pool. The caps and the lock are thus those of the
  continuous instance; the start ratio is tried at a few multiples of ``t`` until the national
  zones reach the floor, and the floor is lowered to the witness only if none does. So the
  parcel instance has the same rules as the continuous one whenever that is possible (it is
  for the bundled 45-zone example). Such a sequence keeps only a few dozen zones above zero
  (each step may lose up to one parcel over the zone's area): a property of an exact tilt in
  whole parcels, which the solver's plans show too.

Building 100,000 zones takes about 0.7 s of CPU for the data and 1.7 s for pydantic validation
of the :class:`~zoneopt.instance.Instance` (of which 0.3 s is its cross-field check); the cyclic
garbage collector is paused meanwhile, which otherwise doubles the time.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from zoneopt.examples.defensible import OBJECTIVE as DEFENSIBLE_OBJECTIVE
from zoneopt.examples.defensible import base_rules, corridor_cap_rule, defensible_rules, defensible_scenarios
from zoneopt.examples.facts import check_facts, honour_facts
from zoneopt.instance import Instance

GENERATOR_VERSION = 4  # 2: the 45-zone example's scores and grades come from its evaluation; 3: rules "defensible";
# 4: the 45 zones honour the texts' facts (zoneopt.examples.facts), ten corridor cities, no corridor cap by default
# The name the generator signs its output with (its module path before the examples moved
# to zoneopt.examples): kept, so the bundled examples regenerate byte for byte.
SIGNATURE = "zoneopt.synthetic"

CITIES: tuple[str, ...] = ("郑州", "开封", "洛阳", "平顶山", "安阳", "鹤壁", "新乡", "焦作", "濮阳", "许昌",
                           "漯河", "三门峡", "南阳", "商丘", "信阳", "周口", "驻马店", "济源")
"""Henan's 17 prefecture-level cities and 济源 (示范区)."""

TRANSMISSION_CITIES: tuple[str, ...] = ("郑州", "开封", "安阳", "鹤壁", "新乡", "焦作", "濮阳")
"""The seven Henan cities on the 京津冀 air-pollution transmission corridor (京津冀大气污染传输通道)."""
CORRIDOR_CITIES: tuple[str, ...] = TRANSMISSION_CITIES + ("洛阳", "平顶山", "三门峡")
"""The ten cities 2017 §六(二) names for its air-pollution work (以京津冀大气污染传输通道7个省辖市和洛阳、
平顶山、三门峡等3个省辖市的产业集聚区为重点): the zones in them carry the tag ``corridor``."""

NATIONAL_CITIES: tuple[str, ...] = ("郑州", "洛阳", "新乡", "鹤壁", "许昌", "漯河", "开封", "安阳", "濮阳")
"""Cities with a national 经开区 (安阳's is 红旗渠经开区 in 林州)."""

# Approximate number of county-level divisions per city: the weight of a city for provincial
# zones and the range of its synthetic county names.
_COUNTIES: dict[str, int] = {"郑州": 12, "开封": 9, "洛阳": 15, "平顶山": 10, "安阳": 9, "鹤壁": 5,
                             "新乡": 12, "焦作": 10, "濮阳": 6, "许昌": 6, "漯河": 5, "三门峡": 6,
                             "南阳": 13, "商丘": 9, "信阳": 10, "周口": 10, "驻马店": 10, "济源": 1}

_CITY_INDEX = {c: k for k, c in enumerate(CITIES)}

SECTORS: tuple[str, ...] = ("equipment", "automotive", "food", "electronics", "new-materials",
                            "biomedicine", "chemicals", "textiles", "logistics")
"""Sector tags: 装备制造, 汽车及零部件, 食品, 电子信息, 新材料, 生物医药, 化工, 纺织服装, 现代物流."""
SECTOR_NAMES: dict[str, str] = {
    "equipment": "装备制造", "automotive": "汽车及零部件", "food": "食品", "electronics": "电子信息",
    "new-materials": "新材料", "biomedicine": "生物医药", "chemicals": "化工", "textiles": "纺织服装",
    "logistics": "现代物流",
}
"""Each sector tag's name (the examples' 主导产业)."""

POLLUTANTS: tuple[str, ...] = ("SO2", "NOx", "COD", "NH3-N")

HENAN_ETDZ_45: tuple[tuple[str, str, str, str, str], ...] = (
    # (id, name, city, county, level). National names are real (2022 plan 第一章); provincial
    # names are real (e.g. 郑州二七, approved 2020) or illustrative; counties are illustrative.
    ("zhengzhou", "郑州经开区", "郑州", "郑州市区", "national"),
    ("luoyang", "洛阳经开区", "洛阳", "洛阳市区", "national"),
    ("xinxiang", "新乡经开区", "新乡", "新乡市区", "national"),
    ("hebi", "鹤壁经开区", "鹤壁", "鹤壁市区", "national"),
    ("xuchang", "许昌经开区", "许昌", "许昌市区", "national"),
    ("luohe", "漯河经开区", "漯河", "漯河市区", "national"),
    ("kaifeng", "开封经开区", "开封", "开封市区", "national"),
    ("hongqiqu", "红旗渠经开区", "安阳", "林州市", "national"),
    ("puyang", "濮阳经开区", "濮阳", "濮阳市区", "national"),
    ("zhengzhou-erqi", "郑州二七经开区", "郑州", "二七区", "provincial"),
    ("xinzheng", "新郑经开区", "郑州", "新郑市", "provincial"),
    ("xingyang", "荥阳经开区", "郑州", "荥阳市", "provincial"),
    ("lankao", "兰考经开区", "开封", "兰考县", "provincial"),
    ("yanshi", "偃师经开区", "洛阳", "偃师区", "provincial"),
    ("mengjin", "孟津经开区", "洛阳", "孟津区", "provincial"),
    ("pingdingshan", "平顶山经开区", "平顶山", "平顶山市区", "provincial"),
    ("wugang", "舞钢经开区", "平顶山", "舞钢市", "provincial"),
    ("ruzhou", "汝州经开区", "平顶山", "汝州市", "provincial"),
    ("anyang", "安阳经开区", "安阳", "安阳市区", "provincial"),
    ("tangyin", "汤阴经开区", "安阳", "汤阴县", "provincial"),
    ("xunxian", "浚县经开区", "鹤壁", "浚县", "provincial"),
    ("changyuan", "长垣经开区", "新乡", "长垣市", "provincial"),
    ("weihui", "卫辉经开区", "新乡", "卫辉市", "provincial"),
    ("jiaozuo", "焦作经开区", "焦作", "焦作市区", "provincial"),
    ("mengzhou", "孟州经开区", "焦作", "孟州市", "provincial"),
    ("wuzhi", "武陟经开区", "焦作", "武陟县", "provincial"),
    ("fanxian", "范县经开区", "濮阳", "范县", "provincial"),
    ("changge", "长葛经开区", "许昌", "长葛市", "provincial"),
    ("yuzhou", "禹州经开区", "许昌", "禹州市", "provincial"),
    ("linying", "临颍经开区", "漯河", "临颍县", "provincial"),
    ("sanmenxia", "三门峡经开区", "三门峡", "三门峡市区", "provincial"),
    ("lingbao", "灵宝经开区", "三门峡", "灵宝市", "provincial"),
    ("nanyang", "南阳经开区", "南阳", "南阳市区", "provincial"),
    ("dengzhou", "邓州经开区", "南阳", "邓州市", "provincial"),
    ("xinye", "新野经开区", "南阳", "新野县", "provincial"),
    ("shangqiu", "商丘经开区", "商丘", "商丘市区", "provincial"),
    ("yongcheng", "永城经开区", "商丘", "永城市", "provincial"),
    ("minquan", "民权经开区", "商丘", "民权县", "provincial"),
    ("xinyang", "信阳经开区", "信阳", "信阳市区", "provincial"),
    ("huangchuan", "潢川经开区", "信阳", "潢川县", "provincial"),
    ("zhoukou", "周口经开区", "周口", "周口市区", "provincial"),
    ("xiangcheng", "项城经开区", "周口", "项城市", "provincial"),
    ("zhumadian", "驻马店经开区", "驻马店", "驻马店市区", "provincial"),
    ("suiping", "遂平经开区", "驻马店", "遂平县", "provincial"),
    ("jiyuan-huling", "济源虎岭经开区", "济源", "济源市", "provincial"),
)
"""Henan's 45 经开区 (2022 plan 第一章: 9 national, 36 provincial), used when ``n_zones == 45``."""

# Policy targets of the standard rule set; the witness clamps them (see the module docstring).
NATIONAL_FLOOR_TARGET = 0.35
"""National zones together: at least this share of the pool (2017 §二(一))."""
CITY_CAP_TARGET = 0.15
"""Any one city: at most this share of the pool (2017 §二(二))."""
CORRIDOR_CAP_FACTOR = 1.5
"""Corridor-city zones: at most this multiple of the pool's mean per eligible zone, in mu."""
KEY_PROJECT_SHARE = 0.5
"""The key project's lock: this share of the top zone's request (45 zones)."""

RuleSet = Literal["standard", "defensible", "none"]
FloatArray = npt.NDArray[np.float64]


def synthetic_instance(n_zones: int, *, seed: int = 0, name: str | None = None,
                       national_share: float = 0.2, parcel_mu: float | None = None,
                       objective: dict[str, Any] | None = None,
                       rules: RuleSet = "standard", corridor_cap: bool = False) -> Instance:
    """A validated synthetic :class:`~zoneopt.instance.Instance` of ``n_zones`` Henan 经开区.

    ``seed`` fixes every draw; ``national_share`` is the share of national zones (rounded; from
    two zones up at least one national zone if the share is > 0 and one provincial zone if it is
    < 1; 45 zones always follow :data:`HENAN_ETDZ_45`, 9 national); ``parcel_mu`` makes the
    land pool whole parcels (a MIP); ``objective`` is the instance's objective (default: the
    schema's efficiency objective, weight 亩均税收); ``rules`` is ``"standard"`` (see the
    module docstring; always feasible), ``"defensible"`` (:mod:`zoneopt.examples.defensible`) or
    ``"none"`` (the pool alone); ``corridor_cap`` adds a per-zone land cap in the ten corridor
    cities (``corridor-cap``, an assumption: 2017 §六(二) sets no land cap).
    """
    with _gc_paused():  # ~10 objects per zone: the cyclic GC would rescan them again and again
        data = synthetic_data(n_zones, seed=seed, name=name, national_share=national_share,
                              parcel_mu=parcel_mu, objective=objective, rules=rules, corridor_cap=corridor_cap)
        return Instance.from_dict(data, source="zoneopt.examples.zones")


@contextmanager
def _gc_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def synthetic_data(n_zones: int, *, seed: int = 0, name: str | None = None,
                   national_share: float = 0.2, parcel_mu: float | None = None,
                   objective: dict[str, Any] | None = None,
                   rules: RuleSet = "standard", corridor_cap: bool = False) -> dict[str, Any]:
    """The instance of :func:`synthetic_instance` as a plain JSON-ready dict (not validated)."""
    n = int(n_zones)
    if n < 1:
        raise ValueError(f"n_zones must be >= 1, got {n_zones!r}")
    if not 0.0 <= national_share <= 1.0:
        raise ValueError(f"national_share must be within [0, 1], got {national_share!r}")
    if parcel_mu is not None and not parcel_mu > 0:
        raise ValueError(f"parcel_mu must be > 0, got {parcel_mu!r}")
    if rules not in ("standard", "defensible", "none"):
        raise ValueError(f"rules must be 'standard', 'defensible' or 'none', got {rules!r}")
    if rules == "defensible" and parcel_mu is not None:
        raise ValueError("rules 'defensible' allocates land in mu; give no parcel_mu")
    rng = np.random.Generator(np.random.PCG64(seed))
    named = n == 45
    z = _zone_arrays(rng, n, national_share, named)
    evaluations = _example_evaluations() if named else []
    if evaluations:
        # The zones' score and grade are the 亩均 evaluation's (it assigns them when solving);
        # the rules below are built on the same values, so they stay feasible by construction.
        z["score"], z["grade"] = _evaluated(z, evaluations[0])
        check_facts(z, z["score"])

    # The pool: 8-12 % of all requests, rounded to 100 mu (and to whole parcels).
    request = z["request"]
    step = 100.0 if parcel_mu is None else parcel_mu * max(1.0, math.ceil(100.0 / parcel_mu))
    Q = float(max(step, step * round(float(rng.uniform(0.08, 0.12)) * float(request.sum()) / step)))
    pool: dict[str, Any] = {"total_mu": Q, "exact": False, "source": "2017 §六(一)"}
    if parcel_mu is not None:
        pool["parcel_mu"] = float(parcel_mu)

    if rules == "defensible":
        rule_list = defensible_rules(z, Q, named, z["city_code"], with_corridor_cap=corridor_cap)
        objective = dict(DEFENSIBLE_OBJECTIVE) if objective is None else objective
    else:
        rule_list = _standard_rules(z, Q, parcel_mu, named, corridor_cap) if rules == "standard" else []
    zones = _zone_dicts(z)
    if evaluations:
        for zone in zones:  # 45 zones: score and grade come from the evaluation
            del zone["score"], zone["grade"]
    label = name or ("henan-etdz-45" if named else f"synthetic-henan-{n}-s{seed}")
    args = f"n_zones={n}, seed={seed}" + (f", national_share={national_share}" if national_share != 0.2 else "") \
        + (f", parcel_mu={parcel_mu:g}" if parcel_mu is not None else "") \
        + (f", rules={rules!r}" if rules != "standard" else "") + (", corridor_cap=True" if corridor_cap else "")
    names_note = ("开发区名称：9 个国家级经开区名称真实（河南省“十四五”经开区发展规划第一章：45 个经开区，"
                  "国家级 9 个、省级 36 个）；省级名称真实或为示意，区县"
                  "为示意。抽样经调整，与两份文件对所列开发区的表述"
                  "一致（zoneopt.examples.facts；tests/data/policy_facts.csv）：郑州经开区亩均评价"
                  "得分第一、增加值超 1,000 亿元，基准年营业收入超 1,000 亿元的 4 个、超"
                  "500 亿元的 12 个，规划点名的产业，2020 年新批的 16 个（标签 "
                  "approved-2020），2017 §六(二) 所列 10 个城市（标签 corridor）。" if named
                  else "开发区编号、区县和产业均为合成。")
    description = (
        f"SYNTHETIC data（合成数据）：{n} 个河南开发区（经开区），数据为虚构，由 "
        f"{SIGNATURE}.synthetic_instance({args}) 生成（生成器版本 {GENERATOR_VERSION}，"
        "numpy PCG64）。现有土地、亩均税收、增加值、营业收入、研发投入、能耗、从业人员、排放、"
        + ("用地申请和指标总量均为量级合理的随机抽样，不是任何真实开发区的"
           "统计数据；得分和等级由评价 'muju-2022'（黄岩 2022 亩均评价公式）"
           "按这些数据算出。" if evaluations else
           "得分、等级、用地申请和指标总量均为量级合理的随机抽样，不是"
           "任何真实开发区的统计数据。") + names_note
        + (f"约束集（{rules}）依据 2017 年河南省开发区意见和 2022 年经开区规划，"
           "按构造可行" + ("：指标总量及其 0.8 倍、1.2 倍下均可行；其中倍数、间距、"
                                             "地块规模和权重为假设。" if rules == "defensible" else "。")
           if rule_list else "除指标总量外无其他约束。")
    )
    data: dict[str, Any] = {
        "version": 1,
        "name": label,
        "metadata": {
            "description": description,
            "synthetic": True,
            "source": f"{SIGNATURE} v{GENERATOR_VERSION}",
            "region": "河南",
            "notes": "金额单位万元（wan_yuan），土地单位亩，能耗单位吨标准煤（tce），排放单位吨（t）；流量均按年计。",
            "language": "zh",
        },
        "units": {"land": "mu", "money": "wan_yuan", "money_display": "yi_yuan", "energy": "tce", "emissions": "t"},
        "zones": zones,
        "pools": {"land": pool},
        "rules": rule_list,
    }
    if objective is not None:
        data["objective"] = dict(objective)
    if evaluations:
        data["evaluations"] = evaluations
    if named and rule_list and rules == "defensible":
        # The corridor cap the clause does not set, as a what-if: the same witnesses hold it.
        with_cap = defensible_rules(z, Q, named, z["city_code"], with_corridor_cap=True)
        capped = [] if corridor_cap else [r for r in with_cap if r["id"] == "corridor-cap"]
        data["scenarios"] = defensible_scenarios(pool, rule_list, capped)
    elif named and rule_list:
        data["scenarios"] = _example_scenarios(pool, rule_list, objective)
    return data


def _example_evaluations() -> list[dict[str, Any]]:
    """Evaluations of the 45-zone example (``python -m zoneopt evaluate``): the 亩均 score that
    sets the zones' score and grade, DEA efficiency and TOPSIS with AHP + entropy weights."""
    return [
        {"id": "muju-2022", "source": "2017 §六(一)", "preset": "huangyan-2022", "assign": ["score", "grade"],
         "note": "亩均效益综合评价（亩均税收、亩均增加值、单位能耗增加值、单位排放增加值、全员劳动生产率、研发投入）："
                 "确定各开发区得分和等级（A 20%、B 40%、C 35%、D 5%）"},
        {"id": "dea-ccr", "source": "2022 第八章第三节", "method": "dea",
         "note": "按效率综合排名：投入为土地、能耗和从业人员，产出为增加值和税收（CCR，"
                 "投入导向；有效的开发区按超效率排序）",
         "dea": {"model": "ccr", "orientation": "input", "inputs": ["land_area_mu", "energy_tce", "employees"],
                 "outputs": ["value_added", "tax"]}},
        {"id": "topsis-ahp", "source": "2017 §六(一)", "method": "topsis",
         "note": "亩均税收、研发投入等指标：层次分析法（AHP）权重与熵权各占一半",
         "criteria": [{"name": "亩均税收", "of": "tax_per_mu"}, {"name": "亩均增加值", "of": "value_added_per_mu"},
                      {"name": "单位能耗增加值", "of": "value_added_per_energy"},
                      {"name": "R&D占比", "of": "rd_intensity"}],
         "weighting": {"method": "combined", "subjective": "ahp", "objective": "entropy", "alpha": 0.5,
                       "pairwise": [[1, 3, 3, 5], [1 / 3, 1, 1, 3], [1 / 3, 1, 1, 3], [1 / 5, 1 / 3, 1 / 3, 1]]}},
    ]


def _evaluated(z: dict[str, Any], evaluation: dict[str, Any]) -> tuple[FloatArray, npt.NDArray[np.object_]]:
    """Score and grade per zone from ``evaluation`` run on the generated zone figures."""
    from zoneopt.evaluation.run import evaluate

    probe = Instance.from_dict({"name": "probe", "zones": _zone_dicts(z), "evaluations": [evaluation]})
    result = evaluate(probe)
    return result.zone_scores, result.zone_grades


def _example_scenarios(pool: dict[str, Any], rules: Sequence[dict[str, Any]],
                       objective: dict[str, Any] | None) -> list[dict[str, Any]]:
    """What-ifs of the 45-zone example (``python -m zoneopt compare``): a pool 10 % larger, no
    corridor cap (what the air-pollution rule costs), and the equity objective. Only relaxations
    or another objective of a feasible instance, so every scenario is feasible too."""
    ids = {r["id"] for r in rules}
    more = round(float(pool["total_mu"]) * 1.1, 6)
    out: list[dict[str, Any]] = [
        {"id": "quota-plus-10",
         "description": f"用地指标增加 10%（{pool['total_mu']:,.0f} → {more:,.0f} 亩），约束不变："
                        "新增的指标流向哪里",
         "pools": {"land": dict(pool, total_mu=more)}},
    ]
    if "corridor-cap" in ids:
        out.append({"id": "no-corridor-cap",
                    "description": "取消传输通道城市每个开发区的用地上限（2017 §六(二)）："
                                   "该约束在预期税收上的代价，以及用地改由谁获得",
                    "drop_rules": ["corridor-cap"]})
    if (objective or {}).get("kind", "efficiency") != "equity":
        out.append({"id": "equity",
                    "description": "以各开发区所得占申请比例的最小值最大为目标（同值按"
                                   "预期税收排序），代替预期税收：均衡分配的代价",
                    "objective": {"kind": "equity"}})
    return out


# -- zone data ---------------------------------------------------------------------------------

def _zone_arrays(rng: np.random.Generator, n: int, national_share: float, named: bool) -> dict[str, Any]:
    """Every per-zone column as a numpy array (one draw per column, no per-zone Python work)."""
    if named:
        table = HENAN_ETDZ_45
        ids = np.array([t[0] for t in table], dtype=object)
        names = np.array([t[1] for t in table], dtype=object)
        city = np.array([t[2] for t in table], dtype=object)
        county = np.array([t[3] for t in table], dtype=object)
        national = np.array([t[4] == "national" for t in table])
    else:
        n_nat = int(round(national_share * n))
        if n >= 2 and national_share > 0:
            n_nat = min(max(n_nat, 1), n - 1 if national_share < 1 else n)
        national = np.zeros(n, dtype=bool)
        national[rng.permutation(n)[:n_nat]] = True
        width = len(str(n))
        ids = np.array([f"Z{k:0{width}d}" for k in range(1, n + 1)], dtype=object)
        cities = np.array(CITIES, dtype=object)
        weights = np.array([_COUNTIES[c] for c in CITIES], dtype=float)
        city = cities[rng.choice(len(CITIES), size=n, p=weights / weights.sum())]
        nat_cities = np.array(NATIONAL_CITIES, dtype=object)
        city[national] = nat_cities[rng.integers(0, len(NATIONAL_CITIES), size=int(national.sum()))]
        corridor = np.isin(city, np.array(CORRIDOR_CITIES, dtype=object))
        if n >= 2 and not corridor.any():
            city[0] = "郑州"  # at least one corridor zone ...
        elif n >= 2 and corridor.all():
            city[np.flatnonzero(~national)[-1] if (~national).any() else n - 1] = "洛阳"  # ... and one other
        k_county = np.array([_COUNTIES[c] for c in city])
        county_no = 1 + np.floor(rng.random(n) * k_county).astype(int)
        county = np.array([f"{c}-县{k}" for c, k in zip(city.tolist(), county_no.tolist(), strict=True)],
                          dtype=object)
        names = np.array([f"{c}{i}经开区" for c, i in zip(city.tolist(), ids.tolist(), strict=True)], dtype=object)

    city_code = np.array([_CITY_INDEX[c] for c in city.tolist()], dtype=np.int64)
    corridor = np.isin(city_code, [_CITY_INDEX[c] for c in CORRIDOR_CITIES])

    # Existing land (mu): lognormal, national larger.
    med_area = np.where(national, 22_000.0, 8_000.0)
    area = np.clip(med_area * np.exp(0.6 * rng.standard_normal(n)), 3_000.0, 60_000.0)
    area = np.round(area, -1)
    # 亩均税收 (万元/mu/yr): lognormal, national higher.
    med_tpm = np.where(national, 22.0, 11.0)
    log_tpm = np.log(med_tpm) + 0.45 * rng.standard_normal(n)
    tpm = np.clip(np.exp(log_tpm), 5.0, 60.0)
    tax = np.round(tpm * area, 1)
    value_added = np.round(tax * rng.uniform(5.0, 10.0, n), 1)
    revenue = np.round(value_added * rng.uniform(4.0, 8.0, n), 1)
    rd = np.round(revenue * rng.uniform(0.01, 0.03, n), 1)
    energy = np.round(value_added * np.clip(0.45 * np.exp(0.5 * rng.standard_normal(n)), 0.05, 2.0), 1)
    employees = np.round(revenue / (180.0 * np.exp(0.35 * rng.standard_normal(n))))
    so2 = np.round(energy * rng.uniform(0.2, 0.6, n) / 1000.0, 2)
    nox = np.round(energy * rng.uniform(0.4, 1.0, n) / 1000.0, 2)
    cod = np.round(value_added * rng.uniform(1.0, 3.0, n) / 1e4, 2)
    nh3n = np.round(cod * rng.uniform(0.08, 0.15, n), 2)
    score, grade = score_and_grade(rng, tax, area)
    # Requests: 5-25 % of existing land, rounded up to 10 mu.
    request = np.ceil(area * rng.uniform(0.05, 0.25, n) / 10.0) * 10.0
    # Tags: corridor, and one or two sectors.
    s1 = rng.integers(0, len(SECTORS), n)
    s2 = (s1 + rng.integers(1, len(SECTORS), n)) % len(SECTORS)
    two = rng.random(n) < 0.5
    z = {
        "n": n, "id": ids, "name": names, "city": city, "county": county, "national": national,
        "area": area, "tax": tax, "value_added": value_added, "revenue": revenue, "rd": rd,
        "energy": energy, "employees": employees, "emissions": (so2, nox, cod, nh3n),
        "score": score, "grade": grade, "request": request,
        "city_code": city_code, "corridor": corridor, "sector1": s1, "sector2": np.where(two, s2, -1),
    }
    if named:  # the 45 经开区: the figures honour what the texts state (zoneopt.examples.facts)
        sectors = np.array(SECTORS + ("",), dtype=object)
        z["sector_names"] = [tuple(sorted(t for t in (a, b) if t))
                             for a, b in zip(sectors[s1].tolist(), sectors[z["sector2"]].tolist(), strict=True)]
        honour_facts(z)
    return z


def score_and_grade(rng: np.random.Generator, tax: FloatArray, area: FloatArray
                    ) -> tuple[FloatArray, npt.NDArray[np.object_]]:
    """A made-up score 40-100 correlated with log 亩均税收 (one normal draw per unit), and grades
    by rank of score: top 20 % A, next 40 % B, next 35 % C, bottom 5 % D."""
    n = tax.size
    zlog = np.log(tax / area)
    sd = float(zlog.std())
    zstd = (zlog - zlog.mean()) / sd if sd > 0 else np.zeros(n)
    score = np.round(np.clip(70.0 + 11.0 * (0.85 * zstd + 0.53 * rng.standard_normal(n)), 40.0, 100.0), 1)
    order = np.argsort(-score, kind="stable")
    n_a, n_b, n_d = round(0.2 * n), round(0.4 * n), int(math.floor(0.05 * n))
    grade_by_rank = np.full(n, "C", dtype=object)
    grade_by_rank[:n_a] = "A"
    grade_by_rank[n_a:n_a + n_b] = "B"
    if n_d:
        grade_by_rank[n - n_d:] = "D"
    grade = np.empty(n, dtype=object)
    grade[order] = grade_by_rank
    return score, grade


def _zone_dicts(z: dict[str, Any]) -> list[dict[str, Any]]:
    """One list of zone dicts from the arrays (``tolist`` once per column, one zip)."""
    sectors = np.array(SECTORS + ("",), dtype=object)
    s1 = sectors[z["sector1"]].tolist()
    s2 = sectors[z["sector2"]].tolist()  # -1 -> ""
    corridor = z["corridor"].tolist()
    own = z.get("sector_tags") or [((a,) if not b else tuple(sorted((a, b)))) for a, b in zip(s1, s2, strict=True)]
    tags = [(("corridor",) if c else ()) + t for c, t in zip(corridor, own, strict=True)]
    level = np.where(z["national"], "national", "provincial").tolist()
    so2, nox, cod, nh3n = (e.tolist() for e in z["emissions"])
    cols = zip(z["id"].tolist(), z["name"].tolist(), z["city"].tolist(), z["county"].tolist(), level,
               tags, z["area"].tolist(), z["tax"].tolist(), z["value_added"].tolist(),
               z["revenue"].tolist(), z["rd"].tolist(), z["energy"].tolist(), z["employees"].tolist(),
               so2, nox, cod, nh3n, z["grade"].tolist(), z["score"].tolist(), z["request"].tolist(),
               strict=True)
    return [
        {"id": i, "name": nm, "city": c, "county": ct, "level": lv, "kind": "etdz", "tags": list(tg),
         "land_area_mu": a,
         "metrics": {"tax": tx, "value_added": va, "revenue": rv, "rd_spending": rd, "energy_tce": en,
                     "employees": em, "emissions_t": {"SO2": e1, "NOx": e2, "COD": e3, "NH3-N": e4}},
         "grade": g, "score": s, "requests": {"land_mu": r}}
        for (i, nm, c, ct, lv, tg, a, tx, va, rv, rd, en, em, e1, e2, e3, e4, g, s, r) in cols
    ]


# -- the standard rule set and its witness --------------------------------------------------

def _round_down(value: float, step: float) -> float:
    return round(math.floor(value / step + 1e-9) * step, 10)


def _round_up(value: float, step: float) -> float:
    return round(math.ceil(value / step - 1e-9) * step, 10)


def _top_city(z: dict[str, Any], x: FloatArray) -> float:
    """The largest amount any one city gets in ``x``."""
    return float(np.bincount(z["city_code"], weights=x, minlength=len(CITIES)).max())


def _score_order(score: FloatArray, eligible: npt.NDArray[np.bool_], top: int | None) -> npt.NDArray[np.int64]:
    """Eligible zones by falling score (stable), with ``top`` first among its tier."""
    idx = np.flatnonzero(eligible)
    idx = idx[np.argsort(-score[idx], kind="stable")]
    if top is not None:
        idx = np.concatenate([[top], idx[idx != top]])
    return idx


def _parcel_witness(z: dict[str, Any], Q: float, P: float, order: npt.NDArray[np.int64],
                    city_of: npt.NDArray[np.int64], start_ratio: float, lock: tuple[int, float] | None,
                    city_cap_mu: float, corridor_cap_mu: float) -> FloatArray:
    """Whole parcels, ratios non-increasing in score: walking the eligible zones in ``order``
    (falling score, the locked zone first), each gets the most parcels whose ratio is at most
    the previous zone's (a running minimum), within its request, the corridor cap, its city's
    cap and what is left of the pool."""
    area, request, corridor = z["area"], z["request"], z["corridor"]
    city_left = np.full(int(city_of.max()) + 1, city_cap_mu)
    x = np.zeros(z["n"])
    ratio = start_ratio
    left = Q
    for i in order.tolist():  # stops at the first zone that gets nothing (ratio 0 after it)
        if lock is not None and i == lock[0]:
            amount = lock[1]
        else:
            most = min(ratio * area[i], request[i], left, city_left[city_of[i]],
                       corridor_cap_mu if corridor[i] else np.inf)
            amount = P * math.floor(most / P + 1e-9)
        if amount <= 0:
            break
        x[i] = amount
        left -= amount
        city_left[city_of[i]] -= amount
        ratio = min(ratio, amount / area[i])
    return x


def _standard_rules(z: dict[str, Any], Q: float, parcel_mu: float | None, named: bool,
                    with_corridor_cap: bool = False) -> list[dict[str, Any]]:
    n = z["n"]
    area, request, score = z["area"], z["request"], z["score"]
    eligible = z["grade"] != "D"
    national, corridor = z["national"], z["corridor"]
    unit = 50.0 if parcel_mu is None else float(parcel_mu) * max(1.0, math.ceil(50.0 / parcel_mu))

    # The key project (45 zones): the best-scored eligible zone gets KEY_PROJECT_SHARE of its
    # request (at most half the pool), in whole units.
    lock: tuple[int, float] | None = None
    if named:
        k = int(_score_order(score, eligible, None)[0])
        v = _round_down(min(KEY_PROJECT_SHARE * request[k], Q / 2.0), unit)
        if v > 0:
            lock = (k, v)

    # Continuous witness: the locked zone gets v, every other eligible zone the same ratio t.
    rest = eligible.copy()
    if lock is not None:
        rest[lock[0]] = False
    budget = Q - (lock[1] if lock else 0.0)
    t = min(float((request[rest] / area[rest]).min()), budget / float(area[rest].sum())) if rest.any() else 0.0
    if lock is not None:
        t = min(t, lock[1] / area[lock[0]])
    w = np.where(rest, t * area, 0.0)
    if lock is not None:
        w[lock[0]] = lock[1]

    # Policy targets clamped by the witness: floors down to it, caps up to it.
    has_nat = bool((national & eligible).any())
    floor = min(NATIONAL_FLOOR_TARGET, _round_down(float(w[national].sum()) / Q, 0.01)) if has_nat else 0.0
    city_cap = min(1.0, max(CITY_CAP_TARGET, _round_up(_top_city(z, w) / Q, 0.01)))
    corridor_cap = math.inf  # 2017 §六(二) sets no land cap: only on request, as an assumption
    if with_corridor_cap and corridor.any():
        target = _round_up(CORRIDOR_CAP_FACTOR * Q / max(1, int(eligible.sum())), unit)
        corridor_cap = max(target, _round_up(float(w[corridor].max()), unit))

    if parcel_mu is not None:
        # Whole parcels: the parcel witness keeps the caps and the lock by construction; try
        # start ratios until national zones reach the floor, else lower the floor to the best.
        best: FloatArray | None = None
        order = _score_order(score, eligible, lock[0] if lock else None)
        city_of = z["city_code"]
        for mult in (1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0, 12.0, 16.0):
            start = mult * t if t > 0 else 0.25
            wp = _parcel_witness(z, Q, float(parcel_mu), order, city_of, start, lock, city_cap * Q,
                                 corridor_cap)
            if best is None or wp[national].sum() > best[national].sum() + 1e-9:
                best = wp
            if not has_nat or wp[national].sum() >= floor * Q - 1e-9:
                best = wp
                break
        assert best is not None
        w = best
        if has_nat:
            floor = min(floor, _round_down(float(w[national].sum()) / Q, 0.01))

    out = base_rules(bool(eligible.all()))
    out.append({"id": "tilt-score", "type": "tilt", "by": "score", "source": "2017 §六(一)",
                "note": "将新增建设用地指标向节约集约用地好的产业集聚区倾斜：按现有每亩计的新增用地"
                        "随评价得分不减"})
    if has_nat and floor >= 0.01:
        out.append({"id": "national-floor", "type": "group_bounds", "by": "level", "groups": ["national"],
                    "floor_share": floor, "source": "2017 §二(一)", "assumption": True,
                    "note": "鼓励以国家级开发区…为主体：国家级开发区合计不少于指标总量的 "
                            f"{floor:.0%}（比例为假设：条款未规定）"})
    if n >= 2:
        out.append({"id": "city-cap", "type": "group_bounds", "by": "city", "cap_share": city_cap,
                    "source": "2017 §二(二)", "assumption": True,
                    "note": f"促进协调发展：任一城市不超过指标总量的 {city_cap:.0%}（比例为"
                            "假设：条款未规定）"})
    if math.isfinite(corridor_cap):
        out.append(corridor_cap_rule({"cap_mu": corridor_cap}, f"{corridor_cap:g} 亩"))
    if lock is not None:
        k, v = lock
        out.append({"id": "lock-key-project", "type": "lock", "values_mu": {str(z["id"][k]): v},
                    "source": "2022 第二章第二节", "assumption": True,
                    "note": f"坚持项目为王：{z['name'][k]}的一个省重点项目（示意）"
                            f"安排 {v:g} 亩，不参与竞争性分配（数量为假设）"})
    _check_witness(w, z, Q, out, parcel_mu)
    return out


def _check_witness(w: FloatArray, z: dict[str, Any], Q: float, rules: Sequence[dict[str, Any]],
                   parcel_mu: float | None) -> None:
    """Verify the witness against every rule (the feasibility proof, re-checked numerically)."""
    tol = 1e-7 * max(1.0, Q)
    bad: list[str] = []
    if w.sum() > Q + tol or (w < -tol).any():
        bad.append("pool")
    if parcel_mu is not None and np.abs(w / parcel_mu - np.round(w / parcel_mu)).max(initial=0.0) > 1e-9:
        bad.append("parcels")
    for r in rules:
        kind = r["type"]
        if kind == "request_cap" and (w > z["request"] + tol).any():
            bad.append(r["id"])
        elif kind == "exclude" and (w[z["grade"] == "D"] > tol).any():
            bad.append(r["id"])
        elif kind == "tilt":
            elig = z["grade"] != "D"
            idx = np.flatnonzero(elig)
            ratio, s = w[idx] / z["area"][idx], z["score"][idx]
            order = np.argsort(-s, kind="stable")
            ratio, s = ratio[order], s[order]
            # the smallest ratio of each tier must be >= the largest ratio of every lower tier
            _, first = np.unique(-s, return_index=True)
            tier_min = np.minimum.reduceat(ratio, first) if idx.size else ratio
            tier_max = np.maximum.reduceat(ratio, first) if idx.size else ratio
            if tier_max.size > 1 and (np.minimum.accumulate(tier_min)[:-1] < tier_max[1:] - 1e-12).any():
                bad.append(r["id"])
        elif kind == "group_bounds" and r["by"] == "level":
            if w[z["national"]].sum() < r["floor_share"] * Q - tol:
                bad.append(r["id"])
        elif kind == "group_bounds" and r["by"] == "city":
            if _top_city(z, w) > r["cap_share"] * Q + tol:
                bad.append(r["id"])
        elif kind == "zone_bounds" and (w[z["corridor"]] > r["cap_mu"] + tol).any():
            bad.append(r["id"])
        elif kind == "lock":
            pos = {zid: k for k, zid in enumerate(z["id"].tolist())}
            if any(abs(w[pos[k]] - v) > tol for k, v in r["values_mu"].items()):
                bad.append(r["id"])
    if bad:  # a bug in this module, never a property of the data
        raise RuntimeError(f"synthetic witness violates {bad}; please report this seed")


# -- output ------------------------------------------------------------------------------------

def to_json_text(instance: Instance) -> str:
    """The instance as stable, readable JSON (UTF-8 text, ``null`` fields and empty optional
    sections left out)."""
    data = instance.model_dump(mode="json", exclude_none=True)
    for section in ("enterprises", "evaluations", "scenarios"):
        if not data.get(section):
            data.pop(section, None)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def write_example(path: str | Path, n_zones: int = 45, seed: int = 2022, **kwargs: Any) -> Path:
    """Generate an instance and write it atomically as JSON; the same arguments always write
    the same bytes. Keyword arguments are those of :func:`synthetic_instance`."""
    from zoneopt.files import atomic_write_text

    return atomic_write_text(path, to_json_text(synthetic_instance(n_zones, seed=seed, **kwargs)))


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m zoneopt.examples.zones",
                                description="Write a synthetic Henan 经开区 instance as JSON.")
    p.add_argument("--zones", type=int, default=45, help="number of zones (45: Henan's named 经开区)")
    p.add_argument("--seed", type=int, default=2022)
    p.add_argument("--out", type=Path, help="output file (default: standard output)")
    p.add_argument("--name", help="instance name")
    p.add_argument("--national-share", type=float, default=0.2)
    p.add_argument("--parcel-mu", type=float, help="allocate in whole parcels of this many mu (a MIP)")
    p.add_argument("--corridor-cap", action="store_true",
                   help="add a per-zone land cap in the ten corridor cities (an assumption: 2017 §六(二) sets none)")
    p.add_argument("--objective", choices=("efficiency", "equity", "baseline"), help="objective kind")
    p.add_argument("--rules", choices=("standard", "defensible", "none"), default="standard",
                   help="the rule set: standard (exact score tilt, fixed caps), defensible (tiered target, strict "
                        "grade tilt, minimum lot, shares of the pool; the bundled example), none")
    a = p.parse_args(argv)
    kwargs: dict[str, Any] = {"seed": a.seed, "name": a.name, "national_share": a.national_share,
                              "parcel_mu": a.parcel_mu, "rules": a.rules, "corridor_cap": a.corridor_cap}
    if a.objective:
        kwargs["objective"] = {"kind": a.objective}
    if a.out is None:
        sys.stdout.write(to_json_text(synthetic_instance(a.zones, **kwargs)))
    else:
        write_example(a.out, a.zones, **kwargs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


__all__ = ["synthetic_instance", "synthetic_data", "write_example", "to_json_text", "main",
           "HENAN_ETDZ_45", "CITIES", "CORRIDOR_CITIES", "NATIONAL_CITIES", "SECTORS", "SECTOR_NAMES",
           "GENERATOR_VERSION"]
