"""What the two policy texts state about Henan's 45 经开区, and how the synthetic 45-zone example
honours it (:func:`honour_facts`, called by :func:`zoneopt.examples.zones.synthetic_data` for
the named 45 zones only).

The figures stay synthetic: random draws of plausible magnitude. What this module fixes is
their *shape*, so that no figure contradicts a fact either text states (the table of those
facts, each with its clause, is ``tests/data/policy_facts.csv``; ``tests/test_facts.py`` checks
every row against the bundled instances):

* 2022 第一章第一节: 郑州经开区 ranked first in the 2020 evaluation (排名第1): its per-mu and
  per-input ratios are set to the best of the 45 (so the 亩均 score of ``muju-2022`` ranks it
  first), and its value added (生产总值) is above 1,000 亿元 (生产总值突破千亿元);
* 2022 第一章第一节: 郑州经开区's three leading clusters (汽车及零部件, 装备制造, 现代物流, each
  千亿级) are its sector tags and its revenue is above 3,000 亿元; 漯河经开区's 千亿级 food
  cluster: tag ``food``, revenue above 1,000 亿元; the other zones the text names for an
  industry carry its tag (许昌 and 长垣: equipment; 武陟: equipment and biomedicine; 长葛:
  new materials);
* 2022 第一章第一节: 16 provincial zones, 郑州二七 among them, were approved in 2020 (tag
  ``approved-2020``: their history has no score before 2020); the other 29 (原29个经开区)
  existed before. The text names no other zone of the sixteen: which fifteen join 郑州二七 is
  illustrative;
* 2022 专栏一 (2025: 营业收入超千亿元经开区 6 个以上, 超 500 亿元 15 个以上): base-year (2020)
  revenue follows :data:`REVENUE_PROFILE_YI` by rank, so 4 zones are above 1,000 亿元 and 12
  above 500 亿元 (the targets are ambitious), while 8 and 17 zones would pass the thresholds
  by 2025 at the plan's 7.5 % a year (生产总值年均增速; they are reachable).

How: the draws of :func:`zoneopt.examples.zones._zone_arrays` give every zone its ratios
(亩均税收, value added per tax, revenue per value added, energy and emissions per value added,
revenue per employee, R&D per revenue, request per existing mu). Revenue is set from the
profile by the rank of the drawn revenue (郑州 first, 漯河 within the top four); revenue per
value added is mapped from the drawn 4–8 onto 2.8–5 (a value-added rate of 20–36 %, a
manufacturing zone's); existing land then follows from revenue and the ratios, and every
other figure from land and the ratios. The score, a function of the ratios only, is
unchanged by the land; the grades come from the evaluation as before.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

YI = 1e4
"""万元 per 亿元."""

APPROVED_2020: tuple[str, ...] = (
    "zhengzhou-erqi", "xinzheng", "xingyang", "lankao", "mengjin", "wugang", "tangyin", "xunxian", "weihui",
    "mengzhou", "fanxian", "yuzhou", "lingbao", "xinye", "minquan", "suiping")
"""The 16 provincial zones approved in 2020 (2022 第一章第一节: 省政府批准增设了郑州二七等16个省级经开区);
郑州二七 is named by the text, the other fifteen are illustrative."""
APPROVED_TAG = "approved-2020"
"""The tag the zones of :data:`APPROVED_2020` carry (selectable: ``{"tags": ["approved-2020"]}``)."""

SECTOR_FACTS: dict[str, tuple[str, ...]] = {
    "zhengzhou": ("automotive", "equipment", "logistics"),  # 汽车及零部件、装备制造和现代物流三大千亿级主导产业集群
    "luohe": ("food",),            # 千亿级食品产业集群
    "xuchang": ("equipment",),     # 电梯生产基地
    "changyuan": ("equipment",),   # 起重机械
    "wuzhi": ("biomedicine", "equipment"),  # 工业制动器; 水针剂
    "changge": ("new-materials",),  # 超硬材料
}
"""Sector tags the 2022 plan (第一章第一节) states for named zones; a zone with one stated sector
keeps a second drawn one."""

REVENUE_PROFILE_YI: tuple[float, ...] = (
    3300.0, 1450.0, 1180.0, 1040.0, 965.0, 905.0, 790.0, 720.0, 640.0, 590.0, 545.0, 510.0, 488.0, 472.0, 452.0,
    385.0, 356.0, *[round(330.0 * (60.0 / 330.0) ** (k / 27.0), 1) for k in range(28)])
"""Base-year (2020) revenue, 亿元, of the zones by rank (45 values): 4 above 1,000, 12 above
500; 8 above 1,000/1.075⁵ = 696.6 and 17 above 500/1.075⁵ = 348.3 (see the module docstring)."""

ZHENGZHOU_REVENUE_PER_VA = 3.0
"""郑州经开区: revenue per value added, so its value added (3,300/3.0 = 1,100 亿元) passes 1,000 亿元."""
BEST_MARGIN = 1.02
"""郑州经开区's ratios: 2 % better than the best other zone's."""
AREA_FLOOR, AREA_CAP = 3_500.0, 60_000.0
"""Existing land of the 45 zones, mu (the profile fixes revenue; land follows): a zone whose
land would be smaller gets 3,500–5,500 mu (by its drawn request share), its revenue rising
with it."""


def honour_facts(z: dict[str, Any]) -> None:
    """Reshape the drawn 45-zone arrays ``z`` in place so they honour the facts above (the
    ratios of every zone but 郑州 are kept; see the module docstring)."""
    ids = z["id"].tolist()
    pos = {zid: k for k, zid in enumerate(ids)}
    zz, lh = pos["zhengzhou"], pos["luohe"]
    area = z["area"]
    tpm = z["tax"] / area
    va_per_tax = z["value_added"] / z["tax"]
    rev_per_va = 2.8 + (z["revenue"] / z["value_added"] - 4.0) * (2.2 / 4.0)
    energy_per_va = z["energy"] / z["value_added"]
    va_per_staff = z["value_added"] / np.maximum(z["employees"], 1.0)  # 全员劳动生产率
    rd_share = z["rd"] / z["revenue"]
    em_per_energy = [e / np.maximum(z["energy"], 1e-9) for e in z["emissions"][:2]]
    em_per_va = [e / z["value_added"] for e in z["emissions"][2:]]
    request_share = z["request"] / area

    others = np.arange(len(ids)) != zz
    tpm[zz] = min(60.0, BEST_MARGIN * float(tpm[others].max()))
    va_per_tax[zz] = BEST_MARGIN * float(va_per_tax[others].max())
    rev_per_va[zz] = ZHENGZHOU_REVENUE_PER_VA
    energy_per_va[zz] = float(energy_per_va[others].min()) / BEST_MARGIN
    rd_share[zz] = BEST_MARGIN * float(rd_share[others].max())
    for e in (*em_per_energy, *em_per_va):
        e[zz] = float(e[others].min()) / BEST_MARGIN
    va_per_staff[zz] = BEST_MARGIN * float(va_per_staff[others].max())

    # Revenue by rank of the drawn revenue, 郑州 first and 漯河 within the top four.
    drawn = [int(k) for k in np.argsort(-z["revenue"], kind="stable")]
    order = [zz] + [k for k in drawn if k not in (zz, lh)]
    order.insert(min(3, max(1, drawn.index(lh))), lh)
    revenue = np.empty(len(ids))
    revenue[np.array(order)] = np.array(REVENUE_PROFILE_YI) * YI

    value_added = revenue / rev_per_va
    tax = value_added / va_per_tax
    floor = AREA_FLOOR + 10_000.0 * (request_share - 0.05)
    area[:] = np.round(np.clip(np.maximum(tax / tpm, floor), None, AREA_CAP), -1)
    z["tax"] = np.round(tpm * area, 1)
    z["value_added"] = np.round(z["tax"] * va_per_tax, 1)
    z["revenue"] = np.round(z["value_added"] * rev_per_va, 1)
    z["rd"] = np.round(z["revenue"] * rd_share, 1)
    z["energy"] = np.round(z["value_added"] * energy_per_va, 1)
    z["employees"] = np.round(z["value_added"] / va_per_staff)
    so2, nox = (np.round(z["energy"] * e, 2) for e in em_per_energy)
    cod, nh3n = (np.round(z["value_added"] * e, 2) for e in em_per_va)
    z["emissions"] = (so2, nox, cod, nh3n)
    z["request"] = np.ceil(area * request_share / 10.0) * 10.0

    # Sectors the text states, and the zones approved in 2020.
    tags: list[tuple[str, ...]] = []
    for k, zid in enumerate(ids):  # 45 zones
        drawn = z["sector_names"][k]
        stated = SECTOR_FACTS.get(zid)
        if stated is None:
            own = drawn
        elif len(stated) == 1:
            extra = [s for s in drawn if s != stated[0]][:1]
            own = tuple(sorted((stated[0], *extra)))
        else:
            own = tuple(sorted(stated))
        tags.append(own + ((APPROVED_TAG,) if zid in APPROVED_2020 else ()))
    z["sector_tags"] = tags


def check_facts(z: dict[str, Any], score: FloatArray) -> None:
    """Re-verify the facts the generator controls (a bug here, never a property of the data)."""
    ids = z["id"].tolist()
    pos = {zid: k for k, zid in enumerate(ids)}
    rev = z["revenue"] / YI
    bad = []
    if int(np.argmax(score)) != pos["zhengzhou"] or (score == score.max()).sum() != 1:
        bad.append("郑州经开区 is not first on the 亩均 score")
    if z["value_added"][pos["zhengzhou"]] / YI <= 1000 or rev[pos["zhengzhou"]] <= 3000:
        bad.append("郑州经开区 below 1,000 亿元 value added or 3,000 亿元 revenue")
    if rev[pos["luohe"]] <= 1000:
        bad.append("漯河经开区 below 1,000 亿元")
    growth = 1.075 ** 5
    counts = ((rev > 1000).sum(), (rev > 500).sum(), (rev * growth > 1000).sum(), (rev * growth > 500).sum())
    if counts[0] >= 6 or counts[1] >= 15 or counts[2] < 6 or counts[3] < 15:
        bad.append(f"revenue counts {counts}")
    if bad:
        raise RuntimeError(f"the 45-zone example contradicts the texts: {bad}; please report this seed")


__all__ = ["honour_facts", "check_facts", "APPROVED_2020", "APPROVED_TAG", "SECTOR_FACTS", "REVENUE_PROFILE_YI"]
