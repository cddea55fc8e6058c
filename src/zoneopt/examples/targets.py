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
target that needs a model the tool does not have (designations, industrial clusters) is listed
as ``not_modelled`` with what it needs. Everything is synthetic (``metadata.synthetic``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from zoneopt.examples.parks import synthetic_parks_data
from zoneopt.examples.years import synthetic_years_data
from zoneopt.examples.zones import to_json_text
from zoneopt.instance import Instance

TARGETS_VERSION = 1
SIGNATURE = "zoneopt.examples.targets"
YI = {"yuan": 1e8, "wan_yuan": 1e4, "yi_yuan": 1.0}
"""Money units per 亿元."""
DESIGNATION = "a designation model (which parks become provincial zones, which zones are put forward as national)"
CLUSTERS = "a model of industrial clusters (产业集群 span zones and firms; zones carry no cluster figures)"

# name: (unit, label, base figure as a share of a zone column (column, low, high), organic growth/yr)
DERIVED_2022: dict[str, tuple[str, str, tuple[str, float, float], float]] = {
    "fixed_asset_investment": ("万元/yr", "固定资产投资", ("value_added", 0.5, 0.8), 0.08),
    "industrial_land_mu": ("mu", "产业用地面积", ("land_area_mu", 0.50, 0.68), 0.0),
    "industrial_investment": ("万元/yr", "工业投资", ("value_added", 0.35, 0.55), 0.08),
    "leading_investment": ("万元/yr", "主导产业投资", ("value_added", 0.22, 0.40), 0.10),
    "region_industrial_investment": ("万元/yr", "所在地区工业投资", ("value_added", 0.45, 0.75), 0.06),
    "high_tech_firms": ("firms", "高新技术企业数", ("revenue", 2e-6, 6e-6), 0.08),
    "fdi": ("万元/yr", "实际吸收外资", ("revenue", 0.004, 0.012), 0.03),
    "out_of_province_capital": ("万元/yr", "实际引进省外资金", ("revenue", 0.04, 0.10), 0.03),
    "trade": ("万元/yr", "货物进出口总额", ("revenue", 0.05, 0.20), 0.07),
}
"""The 45 zones' derived figures: a uniform share of a generated column (an assumption each),
and the assumed organic growth a year."""

DERIVED_2017: dict[str, tuple[str, str, tuple[str, float, float], float]] = {
    "leading_revenue": ("万元/yr", "主导产业主营业务收入", ("revenue", 0.30, 0.70), 0.09),
    "innovation_leaders": ("firms", "创新引领型龙头企业", ("revenue", 0.1e-6, 0.4e-6), 0.10),
    "rd_institutes": ("institutes", "省级新型研发机构", ("revenue", 0.1e-6, 0.3e-6), 0.15),
    "innovation_teams": ("teams", "引进创新引领型团队 (累计)", ("revenue", 0.2e-6, 0.6e-6), 0.20),
    "pipe_gallery_km": ("km", "新建道路配套地下综合管廊", ("land_area_mu", 0.0, 0.0006), 0.0),
    "new_road_km": ("km", "新建道路", ("land_area_mu", 0.0008, 0.0015), 0.0),
}
"""The 180 parks' derived figures (as :data:`DERIVED_2022`)."""

COUNTED = ("high_tech_firms", "innovation_leaders", "rd_institutes", "innovation_teams")
"""Figures that are counts: rounded to whole numbers."""


def _derive(data: dict[str, Any], table: dict[str, tuple[str, str, tuple[str, float, float], float]], seed: int,
            part: int) -> None:
    """Add the derived figures to each zone's ``metrics.named`` and declare them."""
    rng = np.random.Generator(np.random.PCG64([seed, 12, part]))
    zones = data["zones"]
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
                                 "source": f"synthetic: {lo:g}–{hi:g} × the zone's {col} (uniform)"}
    if "leading_investment" in columns:  # a part of industrial investment, which is a part of the region's
        columns["leading_investment"] = np.minimum(columns["leading_investment"], columns["industrial_investment"])
        columns["region_industrial_investment"] = np.maximum(columns["region_industrial_investment"],
                                                             columns["industrial_investment"])
    for k, z in enumerate(zones):  # a loop over zones: the JSON objects
        z["metrics"]["named"] = {name: float(v[k]) for name, v in columns.items()}


def _effects(table: dict[str, tuple[str, str, tuple[str, float, float], float]], own: list[dict[str, Any]],
             source: str) -> list[dict[str, Any]]:
    """Each derived figure's land effect: the zone's own figure per existing mu from the next
    year (the default) and its organic growth, unless ``own`` states it."""
    stated = {e["metric"] for e in own}
    return own + [{"metric": name, "lag": 1, "organic_growth": g, "source": source}
                  for name, (*_, g) in table.items() if name not in stated]


def _growth(tid: str, metric: str, rate: float, what: str) -> dict[str, Any]:
    return {"id": tid, "type": "growth", "metric": metric, "rate": rate, "hard": False, "source": "2022 专栏一",
            "note": f"{what} 年均增速 {rate:.1%} (all zones, base year → 2025)"}


def plan_2022_data(seed: int = 2022) -> dict[str, Any]:
    """The 2021–2025 instance carrying every line of 2022 专栏一 (module docstring)."""
    data = synthetic_years_data(seed)
    _derive(data, DERIVED_2022, seed, 1)
    yi = YI[data["units"]["money"]]
    assumption = "assumption (synthetic example): "
    land_src = assumption + "new construction land in a zone is industrial land (产业用地), counted from the next year"
    own = [
        {"metric": "value_added", "per_mu": "value_added_per_mu", "lag": 1, "organic_growth": 0.06,
         "source": assumption + "a new mu yields the zone's 亩均增加值 from the next year; existing land grows 6 %/yr"},
        {"metric": "revenue", "lag": 1, "organic_growth": 0.06,
         "source": assumption + "a new mu yields the zone's 亩均营业收入; existing land grows 6 %/yr"},
        {"metric": "rd_spending", "lag": 1, "organic_growth": 0.15,
         "source": assumption + "R&D grows 15 %/yr without new land; a new mu brings the zone's R&D per mu"},
        {"metric": "industrial_land_mu", "per_mu": 1.0, "lag": 1, "source": land_src},
        {"metric": "land_area_mu", "per_mu": 1.0, "lag": 1, "source": land_src},
        {"metric": "leading_investment", "per_mu": "industrial_investment_per_mu", "lag": 1, "organic_growth": 0.10,
         "source": assumption + "the industrial investment a new mu brings is in the zone's leading industry"},
        {"metric": "region_industrial_investment", "per_mu": "industrial_investment_per_mu", "lag": 1,
         "organic_growth": 0.06, "source": assumption + "a zone's new industrial investment adds to its region's"},
    ]
    periods = data["periods"]
    periods["effects"] = _effects(DERIVED_2022, own, assumption + "the zone's own figure per existing mu from the "
                                                                  "next year; the stated organic growth a year")
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
         "note": "产业用地占比 60% 以上 (2025; all zones' industrial land over their land)"},
        {"id": "leading-investment-share", "type": "level", "metric": "leading_investment",
         "over": "industrial_investment", "at_least": 0.7, "per": "total", "hard": False, "source": "2022 专栏一",
         "note": "主导产业投资占工业投资比重 70% 以上 (2025)"},
        {"id": "industrial-investment-share", "type": "level", "metric": "industrial_investment",
         "over": "region_industrial_investment", "at_least": 0.8, "per": "total", "hard": False,
         "source": "2022 专栏一", "note": "工业投资占本地区工业投资比重 80% 以上 (2025)"},
        {"id": "high-tech-firms", "type": "level", "metric": "high_tech_firms", "at_least": 3000, "per": "total",
         "hard": False, "source": "2022 专栏一", "note": "高新技术企业数 3000 家 (2025)"},
        {"id": "new-provincial-zones", "type": "not_modelled", "target": "新增省级经开区数量 35 个 (十四五时期)",
         "value": 35, "unit": "zones", "needs": DESIGNATION, "source": "2022 专栏一",
         "select": {"levels": ["provincial"]}},
        {"id": "international-parks", "type": "not_modelled", "target": "国际合作园区数 5 个 (2025)", "value": 5,
         "unit": "parks", "needs": DESIGNATION + "; zones carry no 国际合作园区 designation",
         "source": "2022 专栏一"},
        {"id": "ftz-linkage", "type": "not_modelled", "target": "自贸试验区开放创新联动区数 7 个 (2025)", "value": 7,
         "unit": "zones", "needs": DESIGNATION + "; zones carry no 联动区 designation", "source": "2022 专栏一"},
    ]
    data["name"] = "henan-etdz-45-targets-2022"
    meta = data["metadata"]
    meta["description"] = (
        f"SYNTHETIC data: every quantified line of the 2022 plan's 专栏一 as a target of the 2021–2025 plan, generated "
        f"by {SIGNATURE}.plan_2022_data(seed={seed}) (version {TARGETS_VERSION}) on the 45-zone plan over years. "
        "Derived figures (产业用地, investment, firms, FDI, trade) are synthetic shares of each zone's generated "
        "figures; effects and organic growth are assumptions. " + meta["description"])
    meta["source"] = f"{SIGNATURE} v{TARGETS_VERSION}"
    return data


def plan_2017_data(seed: int = 2017) -> dict[str, Any]:
    """The 2018–2020 instance carrying the 2017 opinion's quantified targets (module docstring)."""
    data = synthetic_parks_data(180, seed=seed)
    for key in ("projects", "portfolio", "consolidation", "scenarios"):  # single-year settings
        data.pop(key, None)
    _derive(data, DERIVED_2017, seed, 2)
    rng = np.random.Generator(np.random.PCG64([seed, 12, 3]))
    national = np.array([z["level"] == "national" for z in data["zones"]])
    retrofit = (rng.uniform(size=national.size) < np.where(national, 0.9, 0.7)).astype(float)
    data["metrics"]["circular_retrofit"] = {"unit": "done (1) or not (0)", "label": "循环化改造完成",
                                            "source": "synthetic: done with probability 0.9 national, 0.7 others"}
    for z, v in zip(data["zones"], retrofit.tolist(), strict=True):  # a loop over zones: the JSON objects
        z["metrics"]["named"]["circular_retrofit"] = v
    yi = YI[data["units"]["money"]]
    assumption = "assumption (synthetic example): "
    own = [{"metric": "revenue", "lag": 1, "organic_growth": 0.07,
            "source": assumption + "a new mu yields the park's 亩均营业收入 from the next year; existing land grows "
                                   "7 %/yr"},
           {"metric": "leading_revenue", "per_mu": "revenue_per_mu", "lag": 1, "organic_growth": 0.09,
            "source": assumption + "the revenue a new mu brings is in the park's leading industry (主导产业)"},
           *({"metric": m, "per_mu": 0.0, "organic_growth": g, "source": assumption + "new land does not move it"}
             for m, (*_, g) in DERIVED_2017.items() if m in ("pipe_gallery_km", "new_road_km"))]
    data["periods"] = {
        "years": [2018, 2019, 2020], "base_year": 2017, "source": "2017 §一(三) (到2020年)",
        "effects": _effects(DERIVED_2017, own, assumption + "the park's own figure per existing mu from the next "
                                                            "year; the stated organic growth a year"),
        "targets": [
            {"id": "revenue-1000-parks", "type": "count", "metric": "revenue", "threshold": 1000 * yi, "at_least": 20,
             "hard": False, "source": "2017 §一(三)",
             "note": "主营业务收入超千亿元产业集聚区达到 20 个左右 (2020; 左右 read as at least 20)"},
            {"id": "national-zones", "type": "not_modelled", "target": "国家级开发区达到 30 个以上 (2020)",
             "value": 30, "unit": "zones", "needs": DESIGNATION, "source": "2017 §一(三)",
             "select": {"levels": ["national"]}},
            {"id": "leading-revenue-share", "type": "count", "metric": "leading_revenue", "over": "revenue",
             "threshold": 0.5, "at_least": 150, "hard": False, "source": "2017 §四(一)",
             "note": "主导产业主营业务收入占比超过 50% 的产业集聚区达到 150 个左右 (2020; at least 150, 50 % counts)"},
            {"id": "emerging-clusters", "type": "not_modelled",
             "target": "千亿级新兴产业集群 10 个左右 (2020)", "value": 10, "unit": "clusters", "needs": CLUSTERS,
             "source": "2017 §四(二)"},
            {"id": "city-clusters", "type": "not_modelled", "target": "市域千亿级产业集群 25 个左右 (2020)",
             "value": 25, "unit": "clusters", "needs": CLUSTERS, "source": "2017 §四(四)"},
            {"id": "county-clusters", "type": "not_modelled", "target": "县域百亿级产业集群 160 个左右 (2020)",
             "value": 160, "unit": "clusters", "needs": CLUSTERS, "source": "2017 §四(四)"},
            {"id": "innovation-leaders", "type": "level", "metric": "innovation_leaders", "at_least": 100,
             "hard": False, "source": "2017 §五(一)",
             "note": "创新引领型龙头企业达到 100 家以上 (2020; counted in the parks: the clause says 全省)"},
            {"id": "rd-institutes", "type": "level", "metric": "rd_institutes", "at_least": 100, "hard": False,
             "source": "2017 §五(二)", "note": "省级新型研发机构达到 100 家 (2020; counted in the parks)"},
            {"id": "innovation-teams", "type": "level", "metric": "innovation_teams", "at_least": 200, "hard": False,
             "source": "2017 §五(三)", "note": "累计引进创新引领型团队 200 个以上 (2020; counted in the parks)"},
            {"id": "circular-national", "type": "count", "metric": "circular_retrofit", "threshold": 1,
             "at_least_share": 1.0, "select": {"levels": ["national"]}, "hard": False, "source": "2017 §六(二)",
             "note": "完成所有国家级开发区循环化改造 (2020)"},
            {"id": "circular-provincial", "type": "count", "metric": "circular_retrofit", "threshold": 1,
             "at_least_share": 0.8, "select": {"levels": ["provincial"]}, "hard": False, "source": "2017 §六(二)",
             "note": "80% 以上的省定产业集聚区循环化改造 (2020)"},
            {"id": "pipe-gallery", "type": "level", "metric": "pipe_gallery_km", "over": "new_road_km",
             "at_least": 0.3, "per": "zone", "hard": False, "source": "2017 §八(二)",
             "note": "新建道路配套建设地下综合管廊不少于道路长度的 30% (each park)"},
        ],
    }
    data["name"] = "henan-parks-180-targets-2017"
    meta = data["metadata"]
    meta["description"] = (
        f"SYNTHETIC data: the 2017 opinion's quantified targets as targets of a 2018–2020 plan, generated by "
        f"{SIGNATURE}.plan_2017_data(seed={seed}) (version {TARGETS_VERSION}) on the 180 synthetic parks. Derived "
        "figures are synthetic shares of each park's generated figures; effects and organic growth are "
        "assumptions. " + meta["description"])
    meta["source"] = f"{SIGNATURE} v{TARGETS_VERSION}"
    return data


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


__all__ = ["plan_2022_data", "plan_2017_data", "plan_instance", "main", "DERIVED_2022", "DERIVED_2017", "PLANS"]
