"""Synthetic parks of a Henan-sized province for the consolidation model (整合提升, 一区多园).

One deterministic generator serves the bundled example (``instances/henan-parks-180.json``),
the tests and the benchmark (``benchmarks/consolidation.py``)::

    from zoneopt.examples.parks import synthetic_parks
    inst = synthetic_parks(180, seed=2017)        # the example
    big = synthetic_parks(2000, seed=1)           # benchmark size

    python -m zoneopt.examples.parks --parks 180 --seed 2017 --out instances/henan-parks-180.json

Every figure is drawn from a :class:`numpy.random.Generator` (PCG64) seeded with ``seed``; the
same arguments give the same JSON text (:func:`zoneopt.examples.zones.to_json_text`) on the same
NumPy major version. Instances carry ``metadata.synthetic = true``. Henan had 180 产业集聚区
when the 2017 opinion was issued; the parks here are made up: ids ``P001``…, names such as
``"南阳-县4产业集聚区"``, counties ``"<city>-县<k>"``.

What is drawn
-------------
* counties: about ``n / parks_per_county`` (default 1.8 parks per county), shared among Henan's
  17 prefecture cities and 济源 in proportion to their real number of county-level divisions;
  every county has at least one park, the others fall on counties with gamma-distributed
  weights (so some counties hold 3–6 parks);
* locations: longitude/latitude. City centres are the real city seats (to about 0.05°);
  county centres lie in a disc of radius 0.8·√(K·1,050 km²/π) around their city (K the city's
  real county count; 1,050 km² is Henan's area per county); parks lie around their county
  centre, normal with σ = 0.25·√(167,000 km² / counties); everything is clipped to Henan's
  bounding box (110.4–116.6° E, 31.4–36.3° N);
* level and kind: about 9 % national (``etdz`` or ``hitech``, at most one per county, as
  Henan's 9 national 经开区 and 7 national 高新区 among its 180 集聚区); provincial parks are
  ``cluster`` (产业集聚区, 75 %), ``etdz`` (10 %), ``hitech`` (5 %) or ``other`` (small
  specialised parks, 专业园区, 10 %);
* existing land (mu): lognormal, median 25,000 national, 12,000 provincial etdz/hitech,
  10,000 clusters, 2,500 small parks, clipped to 500–80,000, rounded to 10 mu;
* 亩均税收 (tax per mu, 万元): lognormal, median 22 national, 11 others, 7 small parks, clipped
  to 3–60; tax follows, then value added (3.5–5.5 × tax: taxes of 18–29 % of value added, VAT
  and income tax on manufacturing) and revenue (3–5 × value added: a value-added rate of
  20–33 %, a manufacturing park's), uniform draws and assumptions of the example
  (:data:`VALUE_ADDED_PER_TAX`, :data:`REVENUE_PER_VALUE_ADDED`). The 180 parks of seed 2017
  then hold about 5.7 万亿元 of revenue, a park's median about 200 亿元, 12 parks above
  1,000 亿元 (generator version 1 drew 5–10 × tax and 4–8 × value added: 14 万亿元, 40 parks);
* score 40–100 (one decimal), correlated about 0.85 with log 亩均税收; grades by score rank
  (top 20 % A, next 40 % B, next 35 % C, bottom 5 % D);
* sectors (tags, :data:`zoneopt.examples.zones.SECTORS`): each city has two chain sectors
  (市域产业链); each county has a leading sector (主导产业), one of its city's two with
  probability :data:`CHAIN_COUNTIES` (0.6), else a random one; a park carries its county's with
  probability 0.7, else a random one, and a second random sector with probability 0.4
  (version 1 drew the counties' leading sectors at random);
* a land request of 5–25 % of existing land and a land pool of 10 % of all requests, with a
  request cap: so ``python -m zoneopt solve`` also works on the example.

The consolidation settings (``consolidation``)
-----------------------------------------------
30 km limit (区域邻近), at most 3 blocks per host, relatedness from the sector matrix
:data:`SECTOR_RELATEDNESS` (at least 0.5; same sector 1), small parks (``other``) may not
host, national parks must stay zones, one zone per county, a county keeps a zone unless all
its parks are revoked, small parks, grade D parks and parks scoring below 50 may be revoked;
the relatedness objective with its default weights.

The stated exceptions to "one zone per county" (``county_exceptions``) are those a feasible
plan needs: the generator builds a *witness* — national parks host; each county's best
eligible park hosts; every other park, in falling score order, merges into the nearest host
with room that it may merge into, else is revoked if it may be, else hosts itself — and every
county where the witness keeps more than one zone is listed with that number (as a planner
names the districts that keep two zones). The witness is checked against the built model
(:func:`zoneopt.core.check_solution`), so the instance is feasible by construction.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from zoneopt.examples.zones import _COUNTIES, CITIES, SECTORS, score_and_grade, to_json_text
from zoneopt.instance import Instance

GENERATOR_VERSION = 2
# The name the generator signs its output with (its module path before the examples moved
# to zoneopt.examples): kept, so the bundled examples regenerate byte for byte.
SIGNATURE = "zoneopt.synthetic_parks"

CITY_SEATS: dict[str, tuple[float, float]] = {
    "郑州": (113.63, 34.75), "开封": (114.31, 34.80), "洛阳": (112.45, 34.62), "平顶山": (113.19, 33.77),
    "安阳": (114.39, 36.10), "鹤壁": (114.30, 35.75), "新乡": (113.93, 35.30), "焦作": (113.24, 35.22),
    "濮阳": (115.03, 35.76), "许昌": (113.85, 34.04), "漯河": (114.02, 33.58), "三门峡": (111.20, 34.77),
    "南阳": (112.53, 33.00), "商丘": (115.65, 34.41), "信阳": (114.09, 32.15), "周口": (114.70, 33.63),
    "驻马店": (114.02, 32.98), "济源": (112.60, 35.07),
}
"""Approximate longitude and latitude (degrees) of the city seats."""

HENAN_BOX = (110.4, 116.6, 31.4, 36.3)
"""Longitude min, max and latitude min, max (degrees) of Henan's bounding box, rounded inwards."""
HENAN_AREA_KM2 = 167_000.0
KM_PER_DEG = 111.195  # km per degree of latitude on the sphere of EARTH_RADIUS_KM

SECTOR_RELATEDNESS: dict[str, dict[str, float]] = {
    "equipment": {"automotive": 0.8, "electronics": 0.6, "new-materials": 0.5},
    "automotive": {"electronics": 0.6, "new-materials": 0.5},
    "electronics": {"new-materials": 0.6},
    "chemicals": {"new-materials": 0.7, "biomedicine": 0.6, "textiles": 0.5},
    "food": {"logistics": 0.5, "biomedicine": 0.5},
    "textiles": {"logistics": 0.5},
}
"""Relatedness of sector pairs (产业关联; illustrative, not from a published table): upstream
and downstream links such as equipment–automotive, chemicals–new materials, food–logistics."""

VALUE_ADDED_PER_TAX = (3.5, 5.5)
"""Value added per yuan of tax (uniform): taxes are 18–29 % of value added (an assumption)."""
REVENUE_PER_VALUE_ADDED = (3.0, 5.0)
"""Revenue per yuan of value added (uniform): a value-added rate of 20–33 %, a manufacturing
park's (an assumption)."""

CHAIN_COUNTIES = 0.75
"""The probability that a county's leading sector is one of its city's two chain sectors
(2017 §四(四): 引导各县（市、区）围绕…省辖市域产业链; an assumption)."""

CHAIN_SECOND = 0.5
"""The probability that a park's second sector, when it has one, is its city's other chain sector
(an assumption)."""

KIND_LABEL = {"cluster": "产业集聚区", "etdz": "经开区", "hitech": "高新区", "other": "专业园区"}
FloatArray = npt.NDArray[np.float64]


def synthetic_parks(n_parks: int = 180, *, seed: int = 2017, parks_per_county: float = 1.8,
                    name: str | None = None) -> Instance:
    """A validated synthetic consolidation instance of ``n_parks`` parks (see the module
    docstring), feasible by construction. Raises ``ValueError`` for bad arguments."""
    data = synthetic_parks_data(n_parks, seed=seed, parks_per_county=parks_per_county, name=name)
    return Instance.from_dict(data, source="zoneopt.examples.parks")


def synthetic_parks_data(n_parks: int = 180, *, seed: int = 2017, parks_per_county: float = 1.8,
                         name: str | None = None) -> dict[str, Any]:
    """The instance of :func:`synthetic_parks` as a JSON-ready dict (validated once on the
    way, to build the witness)."""
    n = int(n_parks)
    if n < 1:
        raise ValueError(f"n_parks must be >= 1, got {n_parks!r}")
    if not parks_per_county >= 1.0:
        raise ValueError(f"parks_per_county must be >= 1, got {parks_per_county!r}")
    rng = np.random.Generator(np.random.PCG64(seed))
    z = _park_arrays(rng, n, parks_per_county)
    zones = _zone_dicts(z)
    request = np.array([zd["requests"]["land_mu"] for zd in zones])
    pool = float(max(100.0, 100.0 * round(0.1 * float(request.sum()) / 100.0)))
    label = name or ("henan-parks-180" if (n, seed) == (180, 2017) else f"synthetic-parks-{n}-s{seed}")
    args = f"n_parks={n}, seed={seed}" + (f", parks_per_county={parks_per_county:g}" if parks_per_county != 1.8 else "")
    data: dict[str, Any] = {
        "version": 1,
        "name": label,
        "metadata": {
            "description": (
                f"SYNTHETIC data（合成数据）：与河南规模相当的省份中 {n} 个虚构园区（产业集聚区、经开区、高新区和"
                f"小型专业园区），由 {SIGNATURE}.synthetic_parks({args}) 生成"
                f"（生成器版本 {GENERATOR_VERSION}，numpy PCG64）。位置、区县、产业、土地、"
                "税收、得分和等级均为围绕真实市政府所在地、量级合理的随机抽样；"
                "园区均非真实园区。整合设置依据 2017 年河南省开发区意见 §二(一)；"
                "区县例外为生成器可行示例方案所需。"),
            "synthetic": True,
            "source": f"{SIGNATURE} v{GENERATOR_VERSION}",
            "region": "河南",
            "notes": "金额单位万元（wan_yuan），土地单位亩；位置为经纬度（WGS 84）。",
            "language": "zh",
        },
        "units": {"land": "mu", "money": "wan_yuan", "money_display": "yi_yuan", "energy": "tce", "emissions": "t"},
        "zones": zones,
        "pools": {"land": {"total_mu": pool, "exact": False, "source": "2017 §六(一)"}},
        "rules": [{"id": "request-cap", "type": "request_cap", "source": "2017 §十(二)",
                   "note": "各园区新增用地不超过其申请"}],
        "consolidation": _settings({t for zd in zones for t in zd["tags"]}),
    }
    data["consolidation"]["county_exceptions"] = _witness_exceptions(data)
    return data


def _settings(present: set[str]) -> dict[str, Any]:
    """The consolidation settings (county exceptions filled in by the witness); the sector
    list and matrix keep the sectors some park carries (the schema rejects others)."""
    sectors = [s for s in SECTORS if s in present]
    matrix = {s: {t: v for t, v in row.items() if t in present} for s, row in SECTOR_RELATEDNESS.items()
              if s in present}
    return {
        "source": "2017 §二(一)",
        "max_distance_km": 30.0,
        "max_blocks": 3,
        # Without a related pair among the sectors present, the matrix is the identity: "tags".
        "relatedness": {"by": "matrix" if any(matrix.values()) else "tags", "sectors": sectors,
                        "matrix": {s: r for s, r in matrix.items() if r}, "min_relatedness": 0.5},
        "hosts": {"kinds": ["etdz", "hitech", "cluster"]},
        "keep_hosts": {"levels": ["national"]},
        "county_cap": 1,
        "county_exceptions": {},
        "county_floor": True,
        "revocable": [{"kinds": ["other"]}, {"grades": ["D"]}],
        "revoke_score_below": 50.0,
        "score": "score",
        "objective": {"kind": "relatedness"},
    }


# -- the parks --------------------------------------------------------------------------------

def _largest_remainder(total: int, weights: FloatArray) -> npt.NDArray[np.int64]:
    """``total`` split in proportion to ``weights``, at least one each when total allows."""
    k = len(weights)
    base = np.ones(k, dtype=np.int64) if total >= k else np.zeros(k, dtype=np.int64)
    rest = total - int(base.sum())
    share = weights / weights.sum() * rest
    out = base + np.floor(share).astype(np.int64)
    left = total - int(out.sum())
    out[np.argsort(-(share - np.floor(share)), kind="stable")[:left]] += 1
    return out


def _park_arrays(rng: np.random.Generator, n: int, per_county: float) -> dict[str, Any]:
    """Every per-park column as an array (one draw per column)."""
    n_counties = max(1, min(n, int(round(n / per_county))))
    real = np.array([_COUNTIES[c] for c in CITIES], dtype=float)
    counties_per_city = _largest_remainder(n_counties, real)
    county_city = np.repeat(np.arange(len(CITIES)), counties_per_city)
    county_no = np.concatenate([np.arange(1, k + 1) for k in counties_per_city])
    seats = np.array([CITY_SEATS[c] for c in CITIES])
    # County centres: a disc around the city seat (km → degrees at the seat's latitude).
    radius = 0.8 * np.sqrt(real * HENAN_AREA_KM2 / real.sum() / math.pi)[county_city]
    rr = radius * np.sqrt(rng.random(n_counties))
    theta = 2 * math.pi * rng.random(n_counties)
    c_lat = seats[county_city, 1] + rr * np.sin(theta) / KM_PER_DEG
    c_lon = seats[county_city, 0] + rr * np.cos(theta) / (KM_PER_DEG * np.cos(np.radians(seats[county_city, 1])))
    # Parks → counties: one each first, the rest by gamma weights.
    weights = rng.gamma(1.0, 1.0, n_counties)
    extra = rng.choice(n_counties, size=n - n_counties, p=weights / weights.sum())
    county = np.sort(np.concatenate([np.arange(n_counties), extra]))
    sigma = 0.25 * math.sqrt(HENAN_AREA_KM2 / n_counties)
    lat = np.clip(c_lat[county] + sigma * rng.standard_normal(n) / KM_PER_DEG, HENAN_BOX[2], HENAN_BOX[3])
    lon = np.clip(c_lon[county] + sigma * rng.standard_normal(n) / (KM_PER_DEG * np.cos(np.radians(c_lat[county]))),
                  HENAN_BOX[0], HENAN_BOX[1])
    # Level: about 9 % national, at most one per county.
    n_nat = min(int(round(0.09 * n)), n_counties)
    nat_counties = rng.choice(n_counties, size=n_nat, replace=False)
    first_park = np.searchsorted(county, np.arange(n_counties))
    national = np.zeros(n, dtype=bool)
    national[first_park[nat_counties]] = True
    kinds = np.array(["cluster", "etdz", "hitech", "other"], dtype=object)
    kind = kinds[rng.choice(4, size=n, p=[0.75, 0.10, 0.05, 0.10])]
    kind[national] = np.where(rng.random(int(national.sum())) < 0.5, "etdz", "hitech")
    small = kind == "other"
    # Land (mu) and 亩均税收 (万元/mu/yr).
    med_area = np.where(national, 25_000.0, np.where(small, 2_500.0, np.where(kind == "cluster", 10_000.0, 12_000.0)))
    area = np.round(np.clip(med_area * np.exp(0.5 * rng.standard_normal(n)), 500.0, 80_000.0), -1)
    med_tpm = np.where(national, 22.0, np.where(small, 7.0, 11.0))
    tpm = np.clip(np.exp(np.log(med_tpm) + 0.45 * rng.standard_normal(n)), 3.0, 60.0)
    tax = np.round(tpm * area, 1)
    value_added = np.round(tax * rng.uniform(*VALUE_ADDED_PER_TAX, n), 1)
    revenue = np.round(value_added * rng.uniform(*REVENUE_PER_VALUE_ADDED, n), 1)
    score, grade = score_and_grade(rng, tax, area)
    request = np.ceil(area * rng.uniform(0.05, 0.25, n) / 10.0) * 10.0
    # Sectors: the county's leading sector with probability 0.7, and maybe a second one.
    S = len(SECTORS)
    leading = rng.integers(0, S, n_counties)
    carries, other = rng.random(n) < 0.7, rng.integers(0, S, n)
    offset, two = rng.integers(1, S, n), rng.random(n) < 0.4
    # The cities' industrial chains (drawn last, so the draws above stay those of version 1):
    # two sectors a city; a county leads with one of them with probability CHAIN_COUNTIES.
    n_cities = len(CITIES)
    chain1 = rng.integers(0, S, n_cities)
    chains = np.stack([chain1, (chain1 + rng.integers(1, S, n_cities)) % S], axis=1)
    on_chain = rng.random(n_counties) < CHAIN_COUNTIES
    leading = np.where(on_chain, chains[county_city, rng.integers(0, 2, n_counties)], leading)
    s1 = np.where(carries, leading[county], other)
    second = rng.random(n) < CHAIN_SECOND
    other_chain = np.where(chains[county_city[county], 0] == s1, chains[county_city[county], 1],
                           chains[county_city[county], 0])
    s2 = np.where(two, np.where(second & (other_chain != s1), other_chain, (s1 + offset) % S), -1)
    city = np.array(CITIES, dtype=object)[county_city[county]]
    county_name = np.array([f"{c}-县{k}" for c, k in zip(np.array(CITIES, dtype=object)[county_city].tolist(),
                                                        county_no.tolist(), strict=True)], dtype=object)[county]
    nth = pd.Series(county).groupby(county).cumcount().to_numpy() + 1
    return {"n": n, "city": city, "county": county_name, "national": national, "kind": kind, "lon": lon,
            "lat": lat, "area": area, "tax": tax, "value_added": value_added, "revenue": revenue,
            "score": score, "grade": grade, "request": request, "s1": s1, "s2": s2, "nth": nth}


def _zone_dicts(z: dict[str, Any]) -> list[dict[str, Any]]:
    """One list of zone dicts from the arrays (``tolist`` once per column, one zip)."""
    n = z["n"]
    width = max(3, len(str(n)))
    ids = [f"P{k:0{width}d}" for k in range(1, n + 1)]
    sectors = np.array(SECTORS + ("",), dtype=object)
    s1, s2 = sectors[z["s1"]].tolist(), sectors[z["s2"]].tolist()
    tags = [[a] if not b else sorted((a, b)) for a, b in zip(s1, s2, strict=True)]
    names = [f"{c}{KIND_LABEL[k]}" + (str(j) if j > 1 else "")
             for c, k, j in zip(z["county"].tolist(), z["kind"].tolist(), z["nth"].tolist(), strict=True)]
    level = np.where(z["national"], "national", "provincial").tolist()
    lon, lat = np.round(z["lon"], 4).tolist(), np.round(z["lat"], 4).tolist()
    cols = zip(ids, names, z["city"].tolist(), z["county"].tolist(), level, z["kind"].tolist(), tags,
               z["area"].tolist(), z["tax"].tolist(), z["value_added"].tolist(), z["revenue"].tolist(),
               z["grade"].tolist(), z["score"].tolist(), z["request"].tolist(), lon, lat, strict=True)
    return [
        {"id": i, "name": nm, "city": c, "county": ct, "level": lv, "kind": kd, "tags": tg, "land_area_mu": a,
         "metrics": {"tax": tx, "value_added": va, "revenue": rv}, "grade": g, "score": s,
         "requests": {"land_mu": r}, "location": {"lon": lo, "lat": la}}
        for (i, nm, c, ct, lv, kd, tg, a, tx, va, rv, g, s, r, lo, la) in cols
    ]


# -- the witness -----------------------------------------------------------------------------

def _witness_exceptions(data: dict[str, Any]) -> dict[str, int]:
    """The county exceptions a feasible plan needs (see the module docstring); the witness
    plan is checked against the built model with them."""
    from zoneopt.core.checker import check_solution
    from zoneopt.models.consolidation import build_consolidation_model

    cm = build_consolidation_model(Instance.from_dict(data, source="zoneopt.examples.parks"))
    host_of, hosting, revoked = _witness(cm)
    county = cm.zones.frame["county"].to_numpy(dtype=object)
    counts = pd.Series(county[hosting]).value_counts()
    exceptions = {str(c): int(v) for c, v in sorted(counts.items()) if v > 1}
    data["consolidation"]["county_exceptions"] = exceptions
    final = build_consolidation_model(Instance.from_dict(data, source="zoneopt.examples.parks"))
    x = _witness_vector(final, host_of, hosting, revoked)
    report = check_solution(final.model, x)
    if not report.passed:  # a bug in the generator, not bad input
        raise AssertionError(f"synthetic_parks: the witness plan fails the model ({report.worst})")
    return exceptions


def _witness(cm: Any) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Greedy feasible plan: national parks and each county's best eligible park host; the
    others, best score first, merge into the nearest host with room they may merge into,
    else are revoked if they may be, else host. A loop over parks: the generator's, not a
    model's path."""
    n = cm.zones.size
    score = cm.zones.frame["score"].to_numpy(dtype=float)
    county = cm.zones.frame["county"].to_numpy(dtype=object)
    hosting = cm.must_host.copy()
    for c in pd.unique(county):  # a loop over counties
        inc = (county == c) & cm.may_host
        if inc.any() and not hosting[county == c].any():
            idx = np.flatnonzero(inc)
            hosting[idx[np.argmax(score[idx])]] = True
    room = np.where(hosting, cm.settings.max_blocks - 1, 0)
    host_of = np.where(hosting, np.arange(n), -1)
    revoked = np.zeros(n, dtype=bool)
    pairs = cm.pairs
    start = np.searchsorted(pairs.park, np.arange(n + 1))
    for p in np.argsort(-score, kind="stable"):
        if hosting[p]:
            continue
        cand = np.arange(start[p], start[p + 1])
        cand = cand[hosting[pairs.host[cand]] & (room[pairs.host[cand]] > 0)]
        if cand.size:
            k = cand[np.argmin(pairs.km[cand])]
            host_of[p] = pairs.host[k]
            room[pairs.host[k]] -= 1
        elif cm.revocable[p]:
            revoked[p] = True
        else:  # may host (every park that may not host may be revoked here)
            hosting[p] = True
            host_of[p] = p
            room[p] = cm.settings.max_blocks - 1
    return host_of, hosting, revoked


def _witness_vector(cm: Any, host_of: npt.NDArray[np.int64], hosting: npt.NDArray[np.bool_],
                    revoked: npt.NDArray[np.bool_]) -> FloatArray:
    x = np.zeros(cm.model.num_vars)
    x[cm.host.slice] = hosting[cm.host_park]
    x[cm.revoke.slice] = revoked[cm.revoke_park]
    merged = ~hosting & ~revoked
    x[cm.assign.slice] = merged[cm.pairs.park] & (host_of[cm.pairs.park] == cm.pairs.host)
    return x


# -- output -------------------------------------------------------------------------------------

def write_example(path: str | Path, n_parks: int = 180, seed: int = 2017, **kwargs: Any) -> Path:
    """Generate an instance and write it atomically as JSON; the same arguments always write
    the same bytes. Keyword arguments are those of :func:`synthetic_parks`."""
    from zoneopt.files import atomic_write_text

    return atomic_write_text(path, to_json_text(synthetic_parks(n_parks, seed=seed, **kwargs)))


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m zoneopt.examples.parks",
                                description="Write a synthetic consolidation instance (parks of a Henan-sized "
                                            "province) as JSON.")
    p.add_argument("--parks", type=int, default=180, help="number of parks (default 180)")
    p.add_argument("--seed", type=int, default=2017)
    p.add_argument("--parks-per-county", type=float, default=1.8)
    p.add_argument("--name", help="instance name")
    p.add_argument("--out", type=Path, help="output file (default: standard output)")
    a = p.parse_args(argv)
    kwargs: dict[str, Any] = {"parks_per_county": a.parks_per_county, "name": a.name}
    if a.out is None:
        sys.stdout.write(to_json_text(synthetic_parks(a.parks, seed=a.seed, **kwargs)))
    else:
        write_example(a.out, a.parks, seed=a.seed, **kwargs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


__all__ = ["synthetic_parks", "synthetic_parks_data", "write_example", "main", "CITY_SEATS", "HENAN_BOX",
           "SECTOR_RELATEDNESS", "GENERATOR_VERSION"]
