"""Every quantified target of the two texts as targets of a plan over years (models/targets.md):

* ``plan_2022_data`` — 2021–2025 on the 45 经开区 of :func:`zoneopt.examples.years.synthetic_years_data`
  (its zones, land, allowances, funds and management as they are), with each line of the 2022
  plan's 专栏一 as a target citing it;
* ``plan_2017_data`` — 2018–2020 (base year 2017) on the 180 parks of
  :func:`zoneopt.examples.parks.synthetic_parks_data`, with the 2017 opinion's quantified
  targets (§一(三), §四(一), §四(二), §四(四), §五(一)–(三), §六(二), §八(二)).

::

    python -m zoneopt.examples.targets --plan 2022 --out instances/henan-etdz-45-targets-2022.json
    python -m zoneopt.examples.targets --plan 2017 --out instances/henan-parks-180-targets-2017.json

The zones' figures are those the two generators give (nothing is copied here: regenerate after
they change); the figures the texts count but the generators do not draw — 产业用地, 固定资产投资,
工业投资 and its leading-industry part, the region's industrial investment, 高新技术企业,
实际吸收外资, 省外资金, 货物进出口, 主导产业收入, 创新引领型企业 / 研发机构 / 团队, 循环化改造, 管廊 —
are derived from each zone's revenue, value added and land with seeded random factors
(:data:`DERIVED_2022`, :data:`DERIVED_2017`), declared once with their unit in ``metrics``. How
new land moves each figure (its ``effects``) and how it grows without new land are assumptions,
stated in the instance. Every target is soft (``"hard": false``): the plan comes as close to each
as the hard rules allow and ``plan-years`` reports it met or short. A target whose number is in
its clause cites the clause; the reading of "左右" (about) as "at least" is said in its note; a
target that needs a model the tool does not have is listed as ``not_modelled`` with what it
needs (none is left). The 2017 industrial-cluster targets count groups (province, city or county ×
industry) of the parks' 主导产业主营业务收入, split among each park's industries by a seeded share
table (:func:`industries_2017`); 国际合作园区 and 开放创新联动区 are statuses of the designation
(:func:`statuses_2022`). Everything is synthetic (``metadata.synthetic``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from zoneopt.examples.designation import settings as designation_settings
from zoneopt.examples.designation import synthetic_designation_data
from zoneopt.examples.parks import synthetic_parks_data
from zoneopt.examples.years import synthetic_years_data
from zoneopt.examples.zones import CORRIDOR_CITIES, SECTOR_NAMES, to_json_text
from zoneopt.instance import Instance
from zoneopt.plans.glossary import term

TARGETS_VERSION = 1
SIGNATURE = "zoneopt.examples.targets"
YI = {"yuan": 1e8, "wan_yuan": 1e4, "yi_yuan": 1.0}
"""Money units per 亿元."""
CANDIDATE_SEED = 2021
"""The designation generator's seed whose candidate parks join the 45 zones (its bundled example's)."""
CANDIDATE_SIZE = 0.65
"""The candidate parks' size figures — land, land request, tax, value added, revenue — are the
parks generator's times this (their per-mu figures kept): 其他园区 applying to become provincial
经开区 are on the whole smaller than the provincial zones (an assumption of the example)."""
CANDIDATE_FIGURES: dict[str, tuple[float, float]] = {
    "rd_spending": (0.005, 0.025),
    "energy_tce": (1.5, 4.0),
    "employees": (10.0, 30.0),
}
"""A candidate park's R&D as a share of its revenue, its value added per tce and per employee
(万元): uniform draws, assumptions of the synthetic example."""
# What each unmodelled target needs, in the instances' language (Chinese); instances/README.md
# gives the reasons in English.

# name: (unit, label, base figure as a share of a zone column (column, low, high), organic growth/yr)
DERIVED_2022: dict[str, tuple[str, str, tuple[str, float, float], float]] = {
    "fixed_asset_investment": ("万元/yr", "固定资产投资", ("value_added", 0.5, 0.8), 0.08),
    "industrial_land_mu": ("mu", "产业用地面积", ("land_area_mu", 0.50, 0.68), 0.0),
    "industrial_investment": ("万元/yr", "工业投资", ("value_added", 0.35, 0.55), 0.08),
    "leading_investment": ("万元/yr", "主导产业投资", ("value_added", 0.22, 0.40), 0.10),
    "region_industrial_investment": ("万元/yr", "所在地区工业投资", ("value_added", 0.45, 0.75), 0.06),
    "high_tech_firms": ("firms", "高新技术企业数", ("revenue", 3.8e-6, 10.5e-6), 0.08),
    "fdi": ("万元/yr", "实际吸收外资", ("revenue", 0.004, 0.012), 0.03),
    "out_of_province_capital": ("万元/yr", "实际引进省外资金", ("revenue", 0.04, 0.10), 0.03),
    "trade": ("万元/yr", "货物进出口总额", ("revenue", 0.05, 0.20), 0.07),
    "manufacturing_firms": ("firms", "规模以上制造业企业", ("revenue", 2.0e-5, 4.0e-5), 0.03),
}
"""The 45 zones' derived figures: a uniform share of a generated column (an assumption each),
and the assumed organic growth a year."""

DERIVED_2017: dict[str, tuple[str, str, tuple[str, float, float], float]] = {
    "leading_revenue": ("万元/yr", "主导产业主营业务收入", ("revenue", 0.35, 0.80), 0.09),
    "innovation_leaders": ("firms", "创新引领型龙头企业", ("revenue", 0.055e-6, 0.25e-6), 0.10),
    "rd_institutes": ("institutes", "省级新型研发机构", ("revenue", 0.075e-6, 0.21e-6), 0.15),
    "innovation_teams": ("teams", "引进创新引领型团队 (累计)", ("revenue", 0.11e-6, 0.34e-6), 0.20),
    "pipe_gallery_km": ("km", "新建道路配套地下综合管廊", ("land_area_mu", 0.0, 0.0006), 0.0),
    "new_road_km": ("km", "新建道路", ("land_area_mu", 0.0008, 0.0015), 0.0),
    "large_medium_firms": ("firms", "大中型工业企业", ("revenue", 1.0e-5, 2.0e-5), 0.02),
}
"""The 180 parks' derived figures (as :data:`DERIVED_2022`). The factors per 万元 of revenue put
each 2017 target ambitious but within reach at the base year 2017: 创新引领型龙头企业 about 70
(target 100 by 2020 at 10 %/yr), 省级新型研发机构 about 60 (100; 15 %/yr), 创新引领型团队 about
110 (200; 20 %/yr, cumulative), 主导产业 above half of revenue in about 130 parks (150);
大中型工业企业 one per 0.5–1 亿元 of revenue."""
COVERAGE: dict[str, tuple[str, str, str, tuple[float, float], float]] = {
    "2017": ("rd_institute_firms", "有省级以上研发机构的大中型工业企业", "large_medium_firms", (0.70, 0.85), 0.08),
    "2022": ("rd_active_firms", "开展研发活动的规模以上制造业企业", "manufacturing_firms", (0.62, 0.72), 0.10),
}
"""The firms a coverage target counts (name, label, the firms it is a share of, that share at
the base year (uniform), its organic growth a year): a share of each zone's firms, an
assumption each (the texts state the 2020 / 2025 goal, not the base)."""
DERIVED_LABEL = {name: label for table in (DERIVED_2022, DERIVED_2017) for name, (_, label, *_) in table.items()}
"""Each derived figure's Chinese name (the texts' word), for the sentences the instances carry."""

EMERGING: dict[str, str] = {
    "smart-terminals": "新一代智能终端", "electronic-components": "电子核心基础部件",
    "smart-manufacturing": "智能制造装备", "new-energy-vehicles": "新能源汽车及智能汽车",
    "smart-power": "智能电力及新能源装备", "biomedicine": "生物医药", "nylon-materials": "尼龙及化工新材料",
    "advanced-alloys": "高端合金材料", "sensors-iot": "智能传感器及物联网", "energy-saving": "节能环保",
}
"""The 10 emerging manufacturing fields of 2017 §四(二), as industry tags (生物医药 is also one of
the parks' sector tags)."""
SECTOR_LABELS: dict[str, str] = dict(SECTOR_NAMES)
"""The parks' sector tags (:data:`zoneopt.examples.zones.SECTORS`) as industries (their 主导产业)."""
EMERGING_FROM: dict[str, tuple[str, ...]] = {
    "equipment": ("smart-manufacturing", "smart-power", "energy-saving"),
    "automotive": ("new-energy-vehicles", "sensors-iot"),
    "electronics": ("smart-terminals", "electronic-components", "sensors-iot"),
    "new-materials": ("advanced-alloys", "nylon-materials"),
    "chemicals": ("nylon-materials", "energy-saving"),
}
"""The emerging fields a park of a sector grows into most often (illustrative)."""
RELATED = 0.5
"""The probability that a park's emerging field is one its first sector grows into (an assumption)."""
EMERGING_PARKS = 0.7
"""The probability that a park carries an emerging field besides its sectors (an assumption)."""
EMERGING_SHARE = (0.20, 0.50)
"""The share of a park's leading-industry revenue in its emerging field: uniform (an assumption)."""
CITY_FIELD = 0.8
"""The probability that a park's emerging field is its city's (an assumption: 2017 §四(二) builds
the emerging clusters in the parks 基础较好、优势突出; a city grows one field)."""
CITY_CHAINS = 2
"""A city's main industries (its 产业链): the sectors carrying most of its parks' leading revenue."""
CITY_FOCUS = (0.6, 0.9)
"""The share of a two-sector park's leading revenue (outside its emerging field) in its city's
main industry when it carries it: uniform (an assumption, after 2017 §四(四)'s 市域产业链)."""

COUNTED = ("high_tech_firms", "innovation_leaders", "rd_institutes", "innovation_teams", "large_medium_firms",
           "manufacturing_firms")
"""Figures that are counts: rounded to whole numbers."""


def _derive(data: dict[str, Any], table: dict[str, tuple[str, str, tuple[str, float, float], float]], seed: int,
            part: int, zones: list[dict[str, Any]] | None = None) -> None:
    """Add the derived figures to each zone's ``metrics.named`` (of ``zones``, default every
    zone of ``data``; each list draws from its own stream ``part``) and declare them."""
    rng = np.random.Generator(np.random.PCG64([seed, 12, part]))
    zones = data["zones"] if zones is None else zones
    n = len(zones)
    data["metrics"] = {}
    columns: dict[str, np.ndarray] = {}
    for name, (unit, label, (col, lo, hi), _) in table.items():  # a loop over figures, not zones
        base = np.array([z["land_area_mu"] if col == "land_area_mu" else z["metrics"][col] for z in zones],
                        dtype=float)
        v = base * rng.uniform(lo, hi, n)
        v = np.round(v) if name in COUNTED else np.round(v, 1)
        columns[name] = v
        data["metrics"][name] = {"unit": unit, "label": label,
                                 "source": f"合成：{term(f'indicator.{col}', 'zh', col)}的 {lo:g}–{hi:g} 倍"
                                           "（均匀分布）"}
    if "leading_investment" in columns:  # a part of industrial investment, which is a part of the region's
        columns["leading_investment"] = np.minimum(columns["leading_investment"], columns["industrial_investment"])
        columns["region_industrial_investment"] = np.maximum(columns["region_industrial_investment"],
                                                             columns["industrial_investment"])
    for k, z in enumerate(zones):  # a loop over zones: the JSON objects
        z["metrics"]["named"] = {name: float(v[k]) for name, v in columns.items()}


def _coverage(data: dict[str, Any], plan: str, seed: int, zones: list[dict[str, Any]], part: int) -> None:
    """Add the firms a coverage target counts (:data:`COVERAGE`) to each zone of ``zones`` as a
    seeded share of its firms, and declare them."""
    name, label, of, (lo, hi), _ = COVERAGE[plan]
    rng = np.random.Generator(np.random.PCG64([seed, 12, part]))
    share = rng.uniform(lo, hi, len(zones))
    for z, f in zip(zones, share.tolist(), strict=True):  # a loop over zones: the JSON objects
        z["metrics"]["named"][name] = float(round(z["metrics"]["named"][of] * f))
    data["metrics"][name] = {"unit": "firms", "label": label,
                             "source": f"合成：{label}为{DERIVED_LABEL[of]}的 {lo:g}–{hi:g} 倍（均匀分布）"}


def _coverage_effect(plan: str, assumption: str) -> dict[str, Any]:
    """The effect of the firms a coverage target counts: the zone's own per existing mu from the
    next year, and their organic growth (faster than the firms': the programme's push)."""
    name, _, of, _, g = COVERAGE[plan]
    return {"metric": name, "lag": 1, "organic_growth": g,
            "source": assumption + f"无新增用地时每年增长 {g:.0%}（快于{DERIVED_LABEL[of]}）；每新增一亩带来"
                                   "该开发区现有每亩企业数"}


def _effects(table: dict[str, tuple[str, str, tuple[str, float, float], float]], own: list[dict[str, Any]],
             source: str) -> list[dict[str, Any]]:
    """Each derived figure's land effect: the zone's own figure per existing mu from the next
    year (the default) and its organic growth, unless ``own`` states it."""
    stated = {e["metric"] for e in own}
    return own + [{"metric": name, "lag": 1, "organic_growth": g, "source": source}
                  for name, (*_, g) in table.items() if name not in stated]


def _growth(tid: str, metric: str, rate: float, what: str) -> dict[str, Any]:
    return {"id": tid, "type": "growth", "metric": metric, "rate": rate, "hard": False, "source": "2022 专栏一",
            "note": f"{what}年均增速 {rate:.1%}（全部开发区，基准年 → 2025）"}


def _candidate_parks(data: dict[str, Any], seed: int) -> tuple[list[dict[str, Any]], dict[str, dict[str, float]]]:
    """The candidate parks of the designation generator (:func:`synthetic_designation_data`,
    seed :data:`CANDIDATE_SEED`: parks of the parks generator that are not development zones,
    level ``other``) as zones of the 45-zone plan, their size figures scaled by
    :data:`CANDIDATE_SIZE` (per-mu figures kept), with the figures that plan's models and
    evaluation read and the parks generator does not draw — R&D, energy, staff, emissions — as
    seeded shares of their own figures (each an assumption, :data:`CANDIDATE_FIGURES`), the
    emission intensity per pollutant the median of the 45 zones', and the corridor tag where
    their city is a corridor city; and their designation figures (leading share, export share)."""
    parks = synthetic_designation_data(seed=CANDIDATE_SEED)
    cands = [z for z in parks["zones"] if z["level"] == "other"]
    ids = [z["id"] for z in cands]
    n = len(cands)
    rng = np.random.Generator(np.random.PCG64([seed, 12, 4]))
    size = CANDIDATE_SIZE
    va = np.round(np.array([z["metrics"]["value_added"] for z in cands], dtype=float) * size, 1)
    rev = np.round(np.array([z["metrics"]["revenue"] for z in cands], dtype=float) * size, 1)
    drawn = {name: rng.uniform(lo, hi, n) for name, (lo, hi) in CANDIDATE_FIGURES.items()}
    zva = np.array([z["metrics"]["value_added"] for z in data["zones"]], dtype=float)
    pollutants = sorted({p for z in data["zones"] for p in z["metrics"].get("emissions_t") or {}})
    intensity = {p: float(np.median([(z["metrics"].get("emissions_t") or {}).get(p, np.nan) for z in data["zones"]]
                                    / zva)) for p in pollutants}
    spread = rng.uniform(0.6, 1.6, n)
    figures = {
        "rd_spending": np.round(rev * drawn["rd_spending"], 1),
        "energy_tce": np.round(va / drawn["energy_tce"], 1),
        "employees": np.round(va / drawn["employees"]),
    }
    out = []
    for k, z in enumerate(cands):  # a loop over the candidate parks: the JSON objects
        m = z["metrics"]
        tags = sorted({*z["tags"], *(("corridor",) if z["city"] in CORRIDOR_CITIES else ())})
        out.append({
            "id": z["id"], "name": z["name"], "city": z["city"], "county": z["county"], "level": "other",
            "kind": z["kind"], "tags": tags, "land_area_mu": round(z["land_area_mu"] * size, -1),
            "metrics": {"tax": round(m["tax"] * size, 1), "value_added": float(va[k]), "revenue": float(rev[k]),
                        **{name: float(v[k]) for name, v in figures.items()},
                        "emissions_t": {p: round(float(intensity[p] * va[k] * spread[k]), 2) for p in pollutants},
                        "energy_reduction_tce": 0.0},
            "requests": {"land_mu": float(np.ceil(z["requests"]["land_mu"] * size / 10.0) * 10.0)},
            "meets_env_standards": True,
            "location": z["location"]})
    des = parks["designation"]["figures"]
    return out, {f: {i: des[f][i] for i in ids} for f in ("leading_share", "export_share")}


def _designation_2022(figures: dict[str, dict[str, float]]) -> dict[str, Any]:
    """The designation section of the 2022 instance: the designation example's criteria and
    recommendations (:func:`zoneopt.examples.designation.settings`), its count without the
    floor (the 35 is the soft target ``new-provincial-zones``, reported met or short), no
    conversions (no zone of the 45 is in a central urban district here)."""
    d = designation_settings()
    count = d["establish"]["count"]
    count.pop("total_min")
    count["note"] = "总数不超过 40 个、每年不超过 10 个为假设（“严格控制新设”未规定数量）；35 个为" \
                    "目标 new-provincial-zones"
    d.pop("convert")
    d["figures"] = figures
    d["statuses"] = statuses_2022()
    return d


def statuses_2022() -> list[dict[str, Any]]:
    """The two statuses of 2022 专栏一 a zone may be awarded (models/designation.md,
    "Statuses"): an international cooperation park (专栏四 建设国际合作园区: 以区内现有外资企业为基础，
    以优势主导产业为重点 — the four parks it names, 中欧（洛阳）、中德（许昌）、中新（新乡）、漯河国际食品,
    in their zones) and an FTZ linkage area (专栏四 创建自贸试验区开放创新联动区: 推动洛阳、新乡、漯河、
    驻马店等经开区…申报 — the four zones it names; the others by 外向度). Weight 0: the plan backs as
    many as the named zones and the targets need, the best by the score first. The thresholds,
    the pace and the FTZ-area exclusion are assumptions: the clauses state none."""
    pace = "每年不超过 2 个：条款未规定进度（假设）"
    return [
        {"id": "international-park", "label": "国际合作园区", "source": "2022 专栏一; 专栏四 (建设国际合作园区)",
         "note": "每个开发区计一个园区为假设（条款按园区计数，一个开发区可有多个）；"
                 "决策为省里支持建设（推动…建设）",
         "score": "fdi", "criteria": [
             {"id": "intl-foreign-firms", "indicator": "fdi", "min": 40_000.0, "assumption": True,
              "source": "2022 专栏四 (以区内现有外资企业为基础)",
              "note": "实际吸收外资每年 ≥ 4 亿元（40,000 万元）：条款只提基础，未给数字"},
             {"id": "intl-leading-industry", "indicator": "leading_investment", "over": "industrial_investment",
              "min": 0.55, "assumption": True, "source": "2022 专栏四 (以优势主导产业为重点)",
              "note": "主导产业投资占工业投资 ≥ 55%：条款只提主导产业，未给比例"}],
         "named": {"id": "intl-named", "zones": ["luoyang", "xuchang", "xinxiang", "luohe"],
                   "source": "2022 专栏四 (推动中欧（洛阳）、中德（许昌）、中新（新乡）、"
                             "漯河国际食品加工产业园等建设)"},
         "count": {"id": "intl-pace", "per_year_max": 2, "assumption": True, "source": "2022 专栏一", "note": pace}},
        {"id": "ftz-linkage-area", "label": "自贸试验区开放创新联动区",
         "source": "2022 专栏一; 专栏四 (创建自贸试验区开放创新联动区)",
         "note": "决策为省里支持申报（推动…申报）：联动区由自贸试验区批准，"
                 "如同晋升国家级由国务院批准",
         "score": "trade", "score_over": "revenue", "criteria": [
             {"id": "ftz-openness", "indicator": "trade", "over": "revenue", "min": 0.07, "assumption": True,
              "source": "2022 专栏四 (外向度高)", "note": "货物进出口 ≥ 营业收入的 7%：“外向度高”未给数字"},
             {"id": "ftz-foreign-firms", "indicator": "fdi", "min": 5_000.0, "assumption": True,
              "source": "2022 专栏四 (开放创新)", "note": "实际吸收外资每年 ≥ 0.5 亿元（5,000 万元）"}],
         "named": {"id": "ftz-named", "zones": ["luoyang", "xinxiang", "luohe", "zhumadian"],
                   "source": "2022 专栏四 (推动洛阳、新乡、漯河、驻马店等经开区积极创造条件，申报…联动区)"},
         "exclude": {"id": "ftz-areas", "select": {"zones": ["zhengzhou"]}, "assumption": True,
                     "source": "2022 第一章 (郑州经开综保区…与河南自贸试验区…叠加)",
                     "note": "视郑州经开区位于自贸试验区郑州片区内，不能作为联动区；"
                             "文件未列出位于自贸试验区片区内的开发区（开封经开区保留）"},
         "count": {"id": "ftz-pace", "per_year_max": 2, "assumption": True, "source": "2022 专栏一", "note": pace}},
    ]


def plan_2022_data(seed: int = 2022) -> dict[str, Any]:
    """The 2021–2025 instance carrying every line of 2022 专栏一 (module docstring)."""
    data = synthetic_years_data(seed)
    candidates, figures = _candidate_parks(data, seed)
    _derive(data, DERIVED_2022, seed, 1)
    _coverage(data, "2022", seed, data["zones"], 7)
    declared = data["metrics"]
    _derive(data, DERIVED_2022, seed, 5, zones=candidates)
    _coverage(data, "2022", seed, candidates, 8)
    data["metrics"] = declared
    data["zones"] = data["zones"] + candidates
    data["designation"] = _designation_2022(figures)
    data["rules"] = data["rules"] + [{
        "id": "zones-only", "type": "exclude", "select": {"levels": ["other"]},
        "source": "2022 专栏四 (其他园区…申报省级经开区)",
        "note": "非开发区的园区（级别“其他”：候选园区）不安排新增用地；园区获认定后"
                "自认定年起为省级（plan-years），本约束不再适用"}]
    yi = YI[data["units"]["money"]]
    assumption = "假设（合成示例）："
    land_src = assumption + "开发区新增建设用地为产业用地，自次年起计入"
    own = [
        {"metric": "value_added", "per_mu": "value_added_per_mu", "lag": 1, "organic_growth": 0.06,
         "source": assumption + "每新增一亩自次年起带来该开发区的亩均增加值；现有土地的增加值每年增长 6%"},
        {"metric": "revenue", "lag": 1, "organic_growth": 0.06,
         "source": assumption + "每新增一亩带来该开发区的亩均营业收入；现有部分每年增长 6%"},
        {"metric": "rd_spending", "lag": 1, "organic_growth": 0.15,
         "source": assumption + "研发投入不靠新增用地每年增长 15%；每新增一亩带来该开发区的亩均研发投入"},
        {"metric": "industrial_land_mu", "per_mu": 1.0, "lag": 1, "source": land_src},
        {"metric": "land_area_mu", "per_mu": 1.0, "lag": 1, "source": land_src},
        {"metric": "leading_investment", "per_mu": "industrial_investment_per_mu", "lag": 1, "organic_growth": 0.10,
         "source": assumption + "每新增一亩带来的工业投资计入该开发区主导产业"},
        {"metric": "region_industrial_investment", "per_mu": "industrial_investment_per_mu", "lag": 1,
         "organic_growth": 0.06, "source": assumption + "开发区新增的工业投资计入所在地区工业投资"},
        _coverage_effect("2022", assumption),
    ]
    periods = data["periods"]
    periods["effects"] = _effects(DERIVED_2022, own, assumption + "自次年起按该开发区现有每亩数值计；"
                                                                  "每年按所设自然增长")
    periods["growth"] = [
        _growth("gdp-growth", "value_added", 0.075, "生产总值"),
        _growth("fai-growth", "fixed_asset_investment", 0.10, "固定资产投资"),
        _growth("rd-growth", "rd_spending", 0.19, "研发经费投入"),
        _growth("fdi-growth", "fdi", 0.04, "实际吸收外资"),
        _growth("capital-growth", "out_of_province_capital", 0.04, "实际引进省外资金"),
        _growth("trade-growth", "trade", 0.084, "货物进出口总额"),
    ]
    periods["targets"] = [
        {"id": "revenue-1000", "type": "count", "metric": "revenue", "threshold": 1000 * yi, "at_least": 6,
         "hard": False, "source": "2022 专栏一", "note": "营业收入超千亿元经开区数 6 个 (2025)"},
        {"id": "revenue-500", "type": "count", "metric": "revenue", "threshold": 500 * yi, "at_least": 15,
         "hard": False, "source": "2022 专栏一", "note": "营业收入超 500 亿元经开区数 15 个 (2025)"},
        {"id": "industrial-land-share", "type": "level", "metric": "industrial_land_mu", "over": "land_area_mu",
         "at_least": 0.6, "per": "total", "hard": False, "source": "2022 专栏一",
         "note": "产业用地占比 60% 以上（2025；全部开发区产业用地占其土地面积）"},
        {"id": "leading-investment-share", "type": "level", "metric": "leading_investment",
         "over": "industrial_investment", "at_least": 0.7, "per": "total", "hard": False, "source": "2022 专栏一",
         "note": "主导产业投资占工业投资比重 70% 以上 (2025)"},
        {"id": "industrial-investment-share", "type": "level", "metric": "industrial_investment",
         "over": "region_industrial_investment", "at_least": 0.8, "per": "total", "hard": False,
         "source": "2022 专栏一", "note": "工业投资占本地区工业投资比重 80% 以上 (2025)"},
        {"id": "high-tech-firms", "type": "level", "metric": "high_tech_firms", "at_least": 3000, "per": "total",
         "hard": False, "source": "2022 专栏一", "note": "高新技术企业数 3000 家 (2025)"},
        {"id": "rd-activity-coverage", "type": "level", "metric": "rd_active_firms", "over": "manufacturing_firms",
         "at_least": 0.95, "per": "total", "hard": False, "assumption": True, "source": "2022 第二章第四节 (发展目标)",
         "note": "规模以上制造业企业研发活动全覆盖（2025）：“全覆盖”按开发区内企业的 95% 以上计（假设）"},
        {"id": "new-provincial-zones", "type": "designation", "part": "establish", "at_least": 35, "hard": False,
         "source": "2022 专栏一", "note": "新增省级经开区数量 35 个（十四五时期：2021–2025 年认定的候选园区）"},
        {"id": "international-parks", "type": "designation", "part": "status", "status": "international-park",
         "at_least": 5, "hard": False, "source": "2022 专栏一",
         "note": "建设国际合作园区 5 个以上（2025）：省里支持建设的开发区（每区一个：假设）"},
        {"id": "ftz-linkage", "type": "designation", "part": "status", "status": "ftz-linkage-area", "at_least": 7,
         "hard": False, "source": "2022 专栏一",
         "note": "创建自由贸易试验区开放创新联动区 7 个以上（2025）：省里支持申报的开发区（由自贸"
                 "试验区批准）"},
    ]
    data["name"] = "henan-etdz-45-targets-2022"
    meta = data["metadata"]
    meta["description"] = (
        f"SYNTHETIC data（合成数据）：2022 年规划专栏一的每一项量化指标作为 2021–2025 年规划的目标，由 "
        f"{SIGNATURE}.plan_2022_data(seed={seed}) 生成（版本 {TARGETS_VERSION}），基于 45 个开发区的多年规划。"
        "派生数据（产业用地、投资、企业数、外资、进出口）为各开发区生成数据的合成"
        "比例；新增用地的作用和自然增长为假设。" + meta["description"])
    meta["source"] = f"{SIGNATURE} v{TARGETS_VERSION}"
    return data


def plan_2017_data(seed: int = 2017) -> dict[str, Any]:
    """The 2018–2020 instance carrying the 2017 opinion's quantified targets (module docstring)."""
    data = synthetic_parks_data(180, seed=seed)
    for key in ("projects", "portfolio", "consolidation", "scenarios"):  # single-year settings
        data.pop(key, None)
    _derive(data, DERIVED_2017, seed, 2)
    _coverage(data, "2017", seed, data["zones"], 7)
    industries = industries_2017(data, seed)
    rng = np.random.Generator(np.random.PCG64([seed, 12, 3]))
    national = np.array([z["level"] == "national" for z in data["zones"]])
    retrofit = (rng.uniform(size=national.size) < np.where(national, 0.9, 0.7)).astype(float)
    data["metrics"]["circular_retrofit"] = {"unit": "done (1) or not (0)", "label": "循环化改造完成",
                                            "source": "合成：国家级以概率 0.9 完成，其他以概率 0.7 完成"}
    for z, v in zip(data["zones"], retrofit.tolist(), strict=True):  # a loop over zones: the JSON objects
        z["metrics"]["named"]["circular_retrofit"] = v
    yi = YI[data["units"]["money"]]
    assumption = "假设（合成示例）："
    own = [{"metric": "revenue", "lag": 1, "organic_growth": 0.07,
            "source": assumption + "每新增一亩自次年起带来该园区的亩均营业收入；现有部分每年增长 "
                                   "7%"},
           {"metric": "leading_revenue", "per_mu": "revenue_per_mu", "lag": 1, "organic_growth": 0.09,
            "source": assumption + "每新增一亩带来的营业收入计入该园区主导产业"},
           *({"metric": m, "per_mu": 0.0, "organic_growth": g, "source": assumption + "新增用地不影响该数值"}
             for m, (*_, g) in DERIVED_2017.items() if m in ("pipe_gallery_km", "new_road_km")),
           _coverage_effect("2017", assumption)]
    data["periods"] = {
        "years": [2018, 2019, 2020], "base_year": 2017, "source": "2017 §一(三) (到2020年)",
        "effects": _effects(DERIVED_2017, own, assumption + "自次年起按该园区现有每亩数值计；"
                                                            "每年按所设自然增长"),
        "targets": [
            {"id": "revenue-1000-parks", "type": "count", "metric": "revenue", "threshold": 1000 * yi, "at_least": 20,
             "hard": False, "source": "2017 §一(三)",
             "note": "主营业务收入超千亿元产业集聚区达到 20 个左右（2020；“左右”按不少于 20 个计）"},
            {"id": "national-zones", "type": "designation", "part": "upgrade", "at_least": 30,
             "existing": {"levels": ["national"]}, "hard": False, "source": "2017 §一(三)",
             "note": "国家级开发区达到 30 个以上（2020）：现有国家级园区加上省里到 2020 年"
                     "推荐的园区（晋升由国务院批准，推荐由本规划决定）"},
            {"id": "leading-revenue-share", "type": "count", "metric": "leading_revenue", "over": "revenue",
             "threshold": 0.5, "at_least": 150, "hard": False, "source": "2017 §四(一)",
             "note": "主导产业主营业务收入占比超过 50% 的产业集聚区达到 150 个左右"
                     "（2020；按不少于 150 个计，恰为 50% 也计入）"},
            {"id": "emerging-clusters", "type": "cluster", "metric": "leading_revenue", "by": "province",
             "industries": list(EMERGING), "threshold": 1000 * yi, "at_least": 10, "hard": False,
             "source": "2017 §四(二)",
             "note": "全省形成 10 个左右千亿级新兴产业集群（2020；“左右”按不少于 10 个计：10 个新兴"
                     "产业各为一个全省集群，≥ 1,000 亿元，只计园区内部分）"},
            {"id": "city-clusters", "type": "cluster", "metric": "leading_revenue", "by": "city",
             "threshold": 1000 * yi, "at_least": 25, "hard": False, "source": "2017 §四(四)",
             "note": "市域千亿级产业集群达到 25 个左右（2020；“左右”按不少于 25 个计：城市 × 产业"
                     "≥ 1,000 亿元，只计园区内部分）"},
            {"id": "county-clusters", "type": "cluster", "metric": "leading_revenue", "by": "county",
             "threshold": 100 * yi, "at_least": 160, "hard": False, "source": "2017 §四(四)",
             "note": "县域百亿级产业集群达到 160 个左右（2020；“左右”按不少于 160 个计：区县 × 产业"
                     "≥ 100 亿元，只计园区内部分）"},
            {"id": "innovation-leaders", "type": "level", "metric": "innovation_leaders", "at_least": 100,
             "hard": False, "source": "2017 §五(一)",
             "note": "创新引领型龙头企业达到 100 家以上（2020；按园区内计，条款为全省）"},
            {"id": "rd-institutes", "type": "level", "metric": "rd_institutes", "at_least": 100, "hard": False,
             "source": "2017 §五(二)", "note": "省级新型研发机构达到 100 家（2020；按园区内计）"},
            {"id": "rd-institute-coverage", "type": "level", "metric": "rd_institute_firms",
             "over": "large_medium_firms", "at_least": 0.95, "per": "total", "hard": False, "assumption": True,
             "source": "2017 §五(二)",
             "note": "基本实现产业集聚区大中型工业企业省级以上研发机构全覆盖（2020）：“基本实现全覆盖”按园区内"
                     "大中型工业企业的 95% 以上计（假设）"},
            {"id": "innovation-teams", "type": "level", "metric": "innovation_teams", "at_least": 200, "hard": False,
             "source": "2017 §五(三)", "note": "累计引进创新引领型团队 200 个以上（2020；按园区内计）"},
            {"id": "circular-national", "type": "count", "metric": "circular_retrofit", "threshold": 1,
             "at_least_share": 1.0, "select": {"levels": ["national"]}, "hard": False, "source": "2017 §六(二)",
             "note": "完成所有国家级开发区循环化改造 (2020)"},
            {"id": "circular-provincial", "type": "count", "metric": "circular_retrofit", "threshold": 1,
             "at_least_share": 0.8, "select": {"levels": ["provincial"]}, "hard": False, "source": "2017 §六(二)",
             "note": "80% 以上的省定产业集聚区循环化改造 (2020)"},
            {"id": "pipe-gallery", "type": "level", "metric": "pipe_gallery_km", "over": "new_road_km",
             "at_least": 0.3, "per": "zone", "hard": False, "source": "2017 §八(二)",
             "note": "新建道路配套建设地下综合管廊不少于道路长度的 30%（每个园区）"},
        ],
    }
    data["periods"]["industries"] = industries
    data["designation"] = designation_2017()
    data["name"] = "henan-parks-180-targets-2017"
    meta = data["metadata"]
    meta["description"] = (
        f"SYNTHETIC data（合成数据）：2017 年意见的量化目标作为 2018–2020 年规划的目标，由 "
        f"{SIGNATURE}.plan_2017_data(seed={seed}) 生成（版本 {TARGETS_VERSION}），基于 180 个合成园区。派生"
        "数据为各园区生成数据的合成比例；新增用地的作用和自然增长为"
        "假设。" + meta["description"])
    meta["source"] = f"{SIGNATURE} v{TARGETS_VERSION}"
    return data


def industries_2017(data: dict[str, Any], seed: int) -> dict[str, Any]:
    """The industries of the 2017 instance (``periods.industries``) and each park's share of its
    主导产业主营业务收入 (``leading_revenue``) in them: a park's sector tags are its traditional
    industries; with probability :data:`EMERGING_PARKS` it carries one of the 10 emerging fields
    too, at a share drawn from :data:`EMERGING_SHARE`: its city's field (each city builds one
    emerging field, the fields dealt to the cities in a seeded order) with probability
    :data:`CITY_FIELD`, else a field its first sector grows into (:data:`EMERGING_FROM`) with
    probability :data:`RELATED`, else any. The rest is split between its sectors when it has
    two: a share drawn from :data:`CITY_FOCUS` in its city's main industry (the sector carrying
    most of the city's leading revenue) when it carries it — the county parks build on their
    city's chain (2017 §四(四): 以省辖市为主体…引导各县（市、区）围绕…省辖市域产业链) — else a
    uniform 0.3–0.7 for the first (in tag order). The tag is added to the park.
    Why ``leading_revenue`` and not ``revenue``: the clusters of §四(四) are 主导产业集群 and the
    industries here are the parks' leading ones, so their revenue outside the leading industries
    belongs to no cluster counted."""
    rng = np.random.Generator(np.random.PCG64([seed, 12, 6]))
    zones = data["zones"]
    n = len(zones)
    fields = list(EMERGING)
    has = rng.uniform(size=n) < EMERGING_PARKS
    related = rng.uniform(size=n) < RELATED
    pick = rng.uniform(size=n)
    share = np.round(rng.uniform(*EMERGING_SHARE, n), 3)
    first = np.round(rng.uniform(0.3, 0.7, n), 3)
    cities = sorted({z["city"] for z in zones})
    dealt = rng.permutation(len(fields))
    city_field = {c: fields[int(dealt[k % len(fields)])] for k, c in enumerate(rng.permutation(cities).tolist())}
    own_city = rng.uniform(size=n) < CITY_FIELD
    focus = np.round(rng.uniform(*CITY_FOCUS, n), 3)
    weight: dict[tuple[str, str], float] = {}
    for z in zones:  # a loop over zones: each city's leading revenue by sector
        for t in z["tags"]:
            key = (z["city"], t)
            weight[key] = weight.get(key, 0.0) + z["metrics"]["named"]["leading_revenue"] / len(z["tags"])
    ranked = sorted(weight.items(), key=lambda kv: (-kv[1], kv[0]))
    chains = {c: [t for (cc, t), _ in ranked if cc == c][:CITY_CHAINS] for c in cities}
    shares: dict[str, dict[str, float]] = {}
    for k, z in enumerate(zones):  # a loop over zones: the JSON objects
        sectors = list(z["tags"])
        pool = (city_field[z["city"]],) if own_city[k] else EMERGING_FROM.get(sectors[0], ()) if related[k] else ()
        choices = [f for f in (pool or fields) if f not in sectors] or [f for f in fields if f not in sectors]
        row: dict[str, float] = {}
        rest = 1.0
        if has[k] and choices:
            field = choices[int(pick[k] * len(choices))]
            z["tags"] = sorted({*sectors, field})
            row[field] = float(share[k])
            rest = round(1.0 - float(share[k]), 3)
        if len(sectors) == 1:
            row[sectors[0]] = rest
        else:
            on = [t for t in chains[z["city"]] if t in sectors]
            lead = sectors.index(on[0]) if on else 0
            part = float(focus[k]) if on else float(first[k])
            row[sectors[lead]] = round(rest * part, 3)
            row[sectors[1 - lead]] = round(rest - row[sectors[lead]], 3)
        shares[z["id"]] = dict(sorted(row.items()))
    present = {t for z in zones for t in z["tags"]}
    tags = [t for t in (*SECTOR_LABELS, *EMERGING) if t in present]
    return {
        "tags": list(dict.fromkeys(tags)), "labels": {t: {**SECTOR_LABELS, **EMERGING}[t] for t in dict.fromkeys(tags)},
        "shares": shares, "source": "2017 §四(二), §四(四)",
        "note": "合成：各园区主导产业主营业务收入在其产业间分配（产业标签；另以概率 "
                f"{EMERGING_PARKS:g} 抽取一个新兴产业，占比 {EMERGING_SHARE[0]:g}–{EMERGING_SHARE[1]:g}；以概率 "
                f"{CITY_FIELD:g} 取其所在城市的新兴产业；园区具有所在城市主导产业时，其余部分的 "
                f"{CITY_FOCUS[0]:g}–{CITY_FOCUS[1]:g} 计入该产业）；产业集群只计园区内部分（园区外企业"
                "不在本实例中）：假设"}


def designation_2017() -> dict[str, Any]:
    """The designation section of the 2017 instance: which provincial parks (产业集聚区, 经开区,
    高新区) the province recommends for national status over 2018–2020 (2017 §二(一): 支持经济综合
    实力强、产业特色明显、发展潜力较大的产业集聚区…升级为国家级开发区; §三(二): 支持符合条件的省级经济技术开发区
    创建国家级经济技术开发区; §十(四): 对考核结果好的…优先考虑…升级). Every park is already a 省定 park:
    no candidates to establish. The thresholds are assumptions: the clauses state none."""
    return {
        "source": "2017 §二(一), §三(二), §十(四)",
        "establish": {"candidates": {"levels": ["other"]}},
        "upgrade": {
            "select": {"levels": ["provincial"], "kinds": ["cluster", "etdz", "hitech"]},
            "criteria": [
                {"id": "scale-revenue", "indicator": "revenue", "min": 1_000_000.0, "assumption": True,
                 "source": "2017 §二(一) (经济综合实力强)",
                 "note": "主营业务收入 ≥ 100 亿元：条款未给数字"},
                {"id": "muju-tax", "indicator": "tax_per_mu", "min": 15.0, "assumption": True,
                 "source": "2017 §三(二) (发展质量高); §六(一) (亩均税收)",
                 "note": "亩均税收 ≥ 15 万元/亩：条款只提指标，未给数字"},
                {"id": "top-ranked", "indicator": "score", "top": 30, "assumption": True,
                 "source": "2017 §十(四) (对考核结果好的…优先考虑…升级)", "note": "得分前 30 名"},
            ],
            "count": {"id": "national-recommendations", "per_year_max": 5, "assumption": True,
                      "source": "2017 §二(一) (按规定程序…升级为国家级开发区)",
                      "note": "每年不超过 5 个：条款未给数量"},
        },
        "county": {"id": "one-zone-per-county", "cap": 1,
                   "source": "2017 §二(一) (原则上每个县（区、市）设立1家产业集聚区或开发区)"},
    }


PLANS = {"2022": plan_2022_data, "2017": plan_2017_data}


def plan_instance(plan: str, seed: int | None = None) -> Instance:
    """The validated instance of ``plan`` ("2022" or "2017")."""
    make = PLANS[plan]
    data = make() if seed is None else make(seed)
    return Instance.from_dict(data, source=SIGNATURE)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m zoneopt.examples.targets",
                                description="Write the instance carrying every quantified target of the 2022 plan "
                                            "(2021–2025) or of the 2017 opinion (2018–2020) as JSON.")
    p.add_argument("--plan", choices=sorted(PLANS), required=True)
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--out", type=Path, help="output file (default: standard output)")
    a = p.parse_args(argv)
    text = to_json_text(plan_instance(a.plan, a.seed))
    if a.out is None:
        sys.stdout.write(text)
    else:
        from zoneopt.files import atomic_write_text

        atomic_write_text(a.out, text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


__all__ = ["statuses_2022", "plan_2022_data", "plan_2017_data", "plan_instance", "main", "DERIVED_2022",
           "DERIVED_2017", "PLANS"]
