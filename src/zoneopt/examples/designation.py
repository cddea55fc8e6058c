"""Synthetic candidate parks for the designation model (新增省级经开区, 推荐晋升国家级, 向城市综合功能区转型).

One deterministic generator serves the bundled example (``instances/henan-designation-180.json``)
and the tests::

    from zoneopt.examples.designation import synthetic_designation
    inst = synthetic_designation(180, seed=2021)

    python -m zoneopt.examples.designation --parks 180 --seed 2021 --out instances/henan-designation-180.json

It starts from the parks of :func:`zoneopt.examples.parks.synthetic_parks_data` (locations,
counties, sectors, land, tax, value added, revenue, score, grade: see that module) and adds:

* **zones and candidates**: the national parks and the provincial 经开区 / 高新区 stay zones;
  every 产业集聚区 and small 专业园区 becomes a candidate park (level ``other``: 其他园区, not yet a
  development zone);
* **figures** the zone schema has no field for, in ``designation.figures``:
  ``leading_share`` (主导产业营业收入占比, beta(6, 5): mean 0.55) and ``export_share`` (外向度:
  exports over revenue, beta(1.5, 12): mean 0.11) for every candidate; ``industrial_share``
  (工业比重, beta(4, 3); beta(2, 5) for zones in a central urban district) for every zone;
* **central urban districts**: every city's first county (``<city>-县1``) stands for its
  central district; its zones carry the tag ``urban-core``;
* the **designation settings**: the criteria (revenue ≥ 40 亿元, 亩均税收 ≥ 8 万元/亩, leading
  share > 50 %, export share ≥ 5 %), at least 35 and at most 40 new provincial zones, at most
  10 a year, one zone per county; recommendations for national status among provincial 经开区
  in the first 3 by score with 亩均税收 ≥ 15 万元/亩, one a year, three in all; conversion of
  central-district provincial zones with an industrial share ≤ 40 %, by choice. Each rule cites its
  clause; numbers not in it say ``"assumption": true``;
* a plan over 2021–2025 (``periods``: the land pool each year) and a 2019–2020 score history
  with a warning rule (``management``), so ``plan-years`` and ``manage`` run with the
  designation's zones.

The generator checks that the count floor can be met (at most as many as the qualifying
candidates and the county rule allow) and raises otherwise. Instances carry
``metadata.synthetic = true``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from zoneopt.examples.parks import synthetic_parks_data
from zoneopt.examples.zones import to_json_text
from zoneopt.instance import Instance

GENERATOR_VERSION = 2
SIGNATURE = "zoneopt.examples.designation"
URBAN_TAG = "urban-core"
TARGET = 35
"""新增省级经开区 35 个以上 (2022 第二章第四节, 专栏一)."""


def settings(target: int = TARGET) -> dict[str, Any]:
    """The designation settings of the example (rules with their clauses)."""
    return {
        "source": "2022 第二章第四节, 专栏一, 专栏四; 2017 §二(一), §三(二)",
        "score": "score",
        "establish": {
            "candidates": {"levels": ["other"]},
            "criteria": [
                {"id": "scale-revenue", "indicator": "revenue", "min": 400_000.0,
                 "source": "2022 专栏四 (产业基础好); 2017 §二(一) (经济综合实力强)", "assumption": True,
                 "note": "营业收入 ≥ 40 亿元（400,000 万元）：条款未给数字"},
                {"id": "muju-tax", "indicator": "tax_per_mu", "min": 8.0,
                 "source": "2017 §三(二) (发展质量高); 2017 §六(一) (亩均税收)", "assumption": True,
                 "note": "亩均税收 ≥ 8 万元/亩：条款只提指标，未给数字"},
                {"id": "leading-share", "indicator": "leading_share", "min": 0.5,
                 "source": "2017 §二(一) (产业特色明显); 2017 §四(一) (主导产业…占比超过50%)",
                 "note": "50% 出自 §四(一)；将其作为准入条件是本规划的理解"},
                {"id": "export-share", "indicator": "export_share", "min": 0.05,
                 "source": "2022 专栏四 (外向度高)", "assumption": True, "note": "出口 ≥ 营业收入的 5%"},
            ],
            "count": {"id": "new-provincial-35", "total_min": target, "total_max": target + 5, "per_year_max": 10,
                      "source": "2022 第二章第四节, 专栏一 (新增省级经开区 35 个以上); 2017 §二(一) (严格控制新设)",
                      "assumption": True,
                      "note": f"不少于 {target} 个（规划数字）；总数不超过 {target + 5} 个、每年不超过 10 个为"
                              "假设（“严格控制新设”未规定数量）"},
        },
        "upgrade": {
            "select": {"levels": ["provincial"], "kinds": ["etdz"]},
            "criteria": [
                {"id": "top-ranked", "indicator": "score", "top": 3,
                 "source": "2022 第八章第三节 (对排名靠前的省级经开区优先推荐晋升国家级)", "assumption": True,
                 "note": "得分前 3 名：“排名靠前”未规定名次"},
                {"id": "national-muju", "indicator": "tax_per_mu", "min": 15.0,
                 "source": "2022 专栏四 (对标对表国家标准)", "assumption": True},
            ],
            "count": {"id": "national-recommendations", "total_max": 3, "per_year_max": 1,
                      "source": "2022 专栏四 (推荐优秀省级经开区晋升国家级经开区)", "assumption": True},
        },
        "convert": {
            "select": {"tags": [URBAN_TAG], "levels": ["provincial"]},
            "criteria": [
                {"id": "low-industry", "indicator": "industrial_share", "max": 0.4,
                 "source": "2017 §二(一) (位于中心城区、工业比重低)", "assumption": True,
                 "note": "工业比重 ≤ 40%：条款只说“工业比重低”"},
            ],
            "required": False,
            "source": "2017 §二(一) (向城市综合功能区转型)",
        },
        "county": {"id": "one-zone-per-county", "cap": 1,
                   "source": "2017 §二(一) (原则上每个县（区、市）设立1家产业集聚区或开发区)"},
        "objective": {"timing": "years", "tie_break": True},
    }


def synthetic_designation_data(n_parks: int = 180, *, seed: int = 2021, target: int = TARGET,
                               name: str | None = None) -> dict[str, Any]:
    """The instance of :func:`synthetic_designation` as a JSON-ready dict."""
    data = synthetic_parks_data(n_parks, seed=seed)
    data.pop("consolidation", None)
    rng = np.random.Generator(np.random.PCG64([seed, 2022]))
    zones = data["zones"]
    n = len(zones)
    kind = np.array([z["kind"] for z in zones], dtype=object)
    level = np.array([z["level"] for z in zones], dtype=object)
    candidate = (level != "national") & np.isin(kind, ["cluster", "other"])
    urban = np.array([z["county"].endswith("-县1") for z in zones])
    leading = rng.beta(6.0, 5.0, n)
    export = rng.beta(1.5, 12.0, n)
    industrial = np.where(urban, rng.beta(2.0, 5.0, n), rng.beta(4.0, 3.0, n))
    ids = [z["id"] for z in zones]
    for z, cand, urb in zip(zones, candidate.tolist(), urban.tolist(), strict=True):  # the generator's loop
        if cand:
            z["level"] = "other"
        if urb:
            z["tags"] = sorted({*z["tags"], URBAN_TAG})
    figures = {
        "leading_share": {i: round(float(v), 3) for i, v, c in zip(ids, leading, candidate, strict=True) if c},
        "export_share": {i: round(float(v), 3) for i, v, c in zip(ids, export, candidate, strict=True) if c},
        "industrial_share": {i: round(float(v), 3) for i, v in zip(ids, industrial, strict=True)},
    }
    label = name or ("henan-designation-180" if (n_parks, seed, target) == (180, 2021, TARGET)
                     else f"synthetic-designation-{n_parks}-s{seed}")
    data["name"] = label
    data["metadata"] = {
        **data["metadata"],
        "description": (
            f"SYNTHETIC data（合成数据）：与河南规模相当的省份中 {n} 个虚构园区，由 "
            f"{SIGNATURE}.synthetic_designation(n_parks={n_parks}, seed={seed}) 生成（生成器版本 "
            f"{GENERATOR_VERSION}），园区取自 zoneopt.synthetic_parks：{int((~candidate).sum())} 个开发区"
            f"和 {int(candidate.sum())} 个候选园区（级别“其他”），用于认定新的省级"
            "经开区（2022 专栏一：新增省级经开区 35 个）、推荐晋升国家级和向"
            "城市综合功能区转型（2017 §二(一)）。园区均非真实园区。"),
        "source": f"{SIGNATURE} v{GENERATOR_VERSION}",
    }
    data["designation"] = {**settings(target), "figures": figures}
    data["periods"] = {"years": [2021, 2022, 2023, 2024, 2025], "source": "2022 第二章第四节"}
    data["management"] = _management(rng, zones)
    return data


def _management(rng: np.random.Generator, zones: list[dict[str, Any]]) -> dict[str, Any]:
    """A 2021–2023 score history (the zones' scores with noise) and a warning rule."""
    years = [2021, 2022, 2023]
    score = np.array([z["score"] for z in zones], dtype=float)
    noise = rng.normal(0.0, 3.0, (len(zones), len(years)))
    hist = np.round(np.clip(score[:, None] + noise, 40.0, 100.0), 1)
    return {
        "history": {"years": years, "scores": {z["id"]: hist[k].tolist() for k, z in enumerate(zones)}},
        "warning": {"id": "bottom-5pct", "bottom_share": 0.05,
                    "source": "2022 第八章第三节 (对排名靠后的经开区进行约谈督导)",
                    "assumption": True, "note": "排名最后 5%：“排名靠后”未规定比例"},
    }


def small_case(*, land: bool = False, **changes: Any) -> dict[str, Any]:
    """A seven-park, five-county instance small enough to solve by hand (the arithmetic is in
    ``models/designation.md``, "A case by hand"), as a JSON-ready dict; ``changes`` update its
    ``designation`` section (e.g. ``years``). Over 2021–2023, at most one designation a year,
    at least two in all; revenue ≥ 100 (an assumption):

    ====  ======  ==========  =======  =====  =========================================
    park  county  level       revenue  score  what the rules say
    ====  ======  ==========  =======  =====  =========================================
    Z1    A       national    500      95     a zone: county A is full, nothing converts
    Z2    B       provincial  300      85     a zone in a central district, 工业比重 0.3:
                                              may convert; not first by score
    Z3    E       provincial  400      88     a zone: first by score, recommended
    P1    A       other       200      90     candidate, county A full
    P2    B       other       200      80     candidate, needs Z2 converted
    P3    C       other       150      70     candidate
    P4    C       other       50       75     candidate, fails revenue ≥ 100
    P5    D       other       120      60     candidate, county D's place goes to P6
    P6    D       other       130      65     candidate
    ====  ======  ==========  =======  =====  =========================================

    The optimum: P2 in 2021 (80 × 3), Z2 converted in 2021, P3 in 2022 (70 × 2), P6 in 2023
    (65 × 1), Z3 recommended in 2021 (88 × 3): measure 240 + 140 + 65 + 264 = 709."""
    rows = [("Z1", "A", "national", 500.0, 95.0, 0.8), ("Z2", "B", "provincial", 300.0, 85.0, 0.3),
            ("Z3", "E", "provincial", 400.0, 88.0, 0.7), ("P1", "A", "other", 200.0, 90.0, None),
            ("P2", "B", "other", 200.0, 80.0, None), ("P3", "C", "other", 150.0, 70.0, None),
            ("P4", "C", "other", 50.0, 75.0, None), ("P5", "D", "other", 120.0, 60.0, None),
            ("P6", "D", "other", 130.0, 65.0, None)]
    zones = [{"id": z, "city": "X", "county": c, "level": lv, "kind": "etdz" if lv != "other" else "cluster",
              "tags": [URBAN_TAG] if z == "Z2" else [], "land_area_mu": 10_000.0,
              "metrics": {"revenue": rev * 1e4, "tax": rev * 1e4 / 20.0}, "score": sc,
              "requests": {"land_mu": 100.0}}
             for z, c, lv, rev, sc, _ in rows]
    designation: dict[str, Any] = {
        "years": [2021, 2022, 2023],
        "figures": {"industrial_share": {z: v for z, *_, v in rows if v is not None}},
        "establish": {"criteria": [{"id": "scale", "indicator": "revenue", "min": 1e6, "assumption": True,
                                    "source": "2022 专栏四"}],
                      "count": {"id": "new-zones", "total_min": 2, "per_year_max": 1, "source": "2022 专栏一",
                                "assumption": True}},
        "upgrade": {"criteria": [{"id": "first", "indicator": "score", "top": 1, "source": "2022 第八章第三节",
                                  "assumption": True}],
                    "count": {"id": "recommend", "total_max": 1, "source": "2022 专栏四", "assumption": True}},
        "convert": {"select": {"tags": [URBAN_TAG], "levels": ["provincial"]},
                    "criteria": [{"id": "low-industry", "indicator": "industrial_share", "max": 0.4,
                                  "source": "2017 §二(一)", "assumption": True}]},
    }
    designation.update(changes)
    meta = {"synthetic": True, "description": "SYNTHETIC: the designation model's hand case"}
    data: dict[str, Any] = {"version": 1, "name": "designation-small", "metadata": meta, "zones": zones,
                            "designation": designation}
    if land:
        data["pools"] = {"land": {"total_mu": 1000.0, "exact": False}}
        data["rules"] = [{"id": "request-cap", "type": "request_cap", "source": "2017 §十(二)"}]
        data["periods"] = {"years": designation["years"]}
    return data


def synthetic_designation(n_parks: int = 180, *, seed: int = 2021, target: int = TARGET,
                          name: str | None = None) -> Instance:
    """A validated synthetic designation instance (see the module docstring). Raises
    ``ValueError`` when its count floor cannot be met (fewer qualifying candidates, one per
    county, than ``target``: ask for fewer, or more parks)."""
    from zoneopt.models.designation import build_designation_model, most_possible

    inst = Instance.from_dict(synthetic_designation_data(n_parks, seed=seed, target=target, name=name),
                              source=SIGNATURE)
    most = most_possible(build_designation_model(inst))
    if most < target:
        raise ValueError(f"synthetic_designation({n_parks}, seed={seed}): at most {most} candidates can be "
                         f"designated, fewer than target {target}")
    return inst


def write_example(path: str | Path, n_parks: int = 180, seed: int = 2021, **kwargs: Any) -> Path:
    """Generate an instance and write it atomically as JSON (the same arguments, the same bytes)."""
    from zoneopt.files import atomic_write_text

    return atomic_write_text(path, to_json_text(synthetic_designation(n_parks, seed=seed, **kwargs)))


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m zoneopt.examples.designation",
                                description="Write a synthetic designation instance (candidate parks) as JSON.")
    p.add_argument("--parks", type=int, default=180, help="number of parks (default 180)")
    p.add_argument("--seed", type=int, default=2021)
    p.add_argument("--target", type=int, default=TARGET, help="new provincial zones to designate at least")
    p.add_argument("--name", help="instance name")
    p.add_argument("--out", type=Path, help="output file (default: standard output)")
    a = p.parse_args(argv)
    kwargs: dict[str, Any] = {"target": a.target, "name": a.name}
    if a.out is None:
        sys.stdout.write(to_json_text(synthetic_designation(a.parks, seed=a.seed, **kwargs)))
    else:
        write_example(a.out, a.parks, seed=a.seed, **kwargs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


__all__ = ["synthetic_designation", "synthetic_designation_data", "small_case", "settings", "write_example", "main",
           "TARGET", "URBAN_TAG", "GENERATOR_VERSION"]
