"""Consolidation model (整合提升, 一区多园): which parks stay zones and host others as blocks,
which merge into a nearby related host, and which are revoked.

2017 Henan opinion §二(一): about one zone per county (原则上每个县（区、市）设立1家), small and
scattered parks cleaned up, merged or revoked (逐步清理、整合、撤销小而散的各类园区); national
zones and high-level zones as the main body that merges or takes in trust nearby related parks
(以国家级开发区和…发展水平较高的产业集聚区、开发区为主体 … 整合或托管区域邻近、产业关联的各类园区);
"一区多园" with, as a rule, at most three blocks (区块数一般不超过3块).

The parks are the instance's zones; the settings are ``instance.consolidation``
(:class:`~zoneopt.instance.Consolidation`). The mathematics, each rule's clause and the
objective's weights are in ``models/consolidation.md``. Variables exist only for allowed
choices: a host variable per park that may host, an assignment variable per *candidate pair*
(park → host within the distance limit and related enough), a revocation variable per park
that may be revoked. Candidate pairs come from a KD-tree over the parks' coordinates
(``scipy.spatial.cKDTree.query_pairs``; longitude/latitude are mapped to 3-D points so that a
chord radius is exactly the great-circle limit), never from a dense n × n distance matrix.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp
from pydantic import BaseModel, ConfigDict, Field
from scipy.spatial import cKDTree

from zoneopt.core.model import Model, ModelBuilder, RowBlock, VarBlock
from zoneopt.core.solution import Solution, SolveOptions, Status
from zoneopt.core.solve import DEFAULT_BACKEND
from zoneopt.core.solve import solve as core_solve
from zoneopt.data.zones import ZoneTable
from zoneopt.errors import InfeasibleError, InstanceError, Issue
from zoneopt.evaluation.indicators import indicator
from zoneopt.evaluation.run import evaluated_table
from zoneopt.instance import EARTH_RADIUS_KM, Consolidation, Instance
from zoneopt.models.outcome import max_violation, raise_for_status
from zoneopt.models.rules import RuleInfo, binding_tables, columns_to_zones
from zoneopt.plans import Binding, PlanOutput, clean_value, records, write_csv, write_sheets
from zoneopt.plans.glossary import spoken

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

FATE_RULE = "consolidation-fate"
OPEN_HOST_BLOCK = "consolidation-open-host"
BLOCKS_RULE = "consolidation-blocks"
COUNTY_RULE = "consolidation-county"
COUNTY_FLOOR_RULE = "consolidation-county-floor"
KEEP_RULE = "consolidation-keep"
MAX_ZONES_RULE = "consolidation-max-zones"
DISTANCE_RULE = "consolidation-distance"
RELATEDNESS_RULE = "consolidation-relatedness"
HOSTS_RULE = "consolidation-hosts"
REVOCABLE_RULE = "consolidation-revocable"
ZONE_COUNT_BLOCK = "zone-count"
REPORTED_RULES = (BLOCKS_RULE, COUNTY_RULE, COUNTY_FLOOR_RULE, KEEP_RULE, MAX_ZONES_RULE)
"""Rules whose binding rows a plan lists (the fate rows always hold with equality)."""
LAND_RETURN_NOTE = ("freed land can return to the construction-land pool (盘活低效用地, 2017 §六(三)): "
                    "add it to pools.land.total_mu to plan with it")
REL_TOL = 1e-12


# -- candidate pairs ------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class Pairs:
    """Candidate merges ``park[k] → host[k]`` (zone indices), with their distance (km) and
    relatedness; only pairs within the distance limit, related enough, and with a host that
    may host. ``source`` says where distances came from."""

    park: IntArray
    host: IntArray
    km: FloatArray
    relatedness: FloatArray
    source: str


def locations(instance: Instance) -> tuple[str, FloatArray]:
    """The zones' coordinates: ``("lonlat", [lon, lat] degrees)`` or ``("xy", [x, y] km)``, an
    n × 2 array (one pass over the zones). Raises :class:`InstanceError` naming each zone
    without a location."""
    locs = [z.location for z in instance.zones]
    missing = [k for k, loc in enumerate(locs) if loc is None]
    if missing:
        raise InstanceError([Issue(f"zones[{k}].location",
                                   f"zone {instance.zones[k].id!r} has no location (the consolidation model needs "
                                   "lon/lat or x_km/y_km, or consolidation.distances)")
                             for k in missing])
    present = [loc for loc in locs if loc is not None]  # all of them, one kind (instance cross-check)
    kind: str = present[0].kind
    first, second = ("lon", "lat") if kind == "lonlat" else ("x_km", "y_km")
    xy = np.column_stack([np.array([getattr(loc, first) for loc in present], dtype=np.float64),
                          np.array([getattr(loc, second) for loc in present], dtype=np.float64)])
    return kind, xy


def great_circle_km(lon1: FloatArray, lat1: FloatArray, lon2: FloatArray, lat2: FloatArray) -> FloatArray:
    """Great-circle distance, km, on a sphere of radius :data:`EARTH_RADIUS_KM` (haversine
    formula; arrays broadcast; degrees in)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2 - lon1)
    h = np.sin(dp / 2.0) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2.0) ** 2
    return np.asarray(2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0))), dtype=float)


def pair_distances(kind: str, xy: FloatArray, i: IntArray, j: IntArray) -> FloatArray:
    """Distance (km) between zones ``i`` and ``j`` (index arrays) from :func:`locations`."""
    if kind == "lonlat":
        return great_circle_km(xy[i, 0], xy[i, 1], xy[j, 0], xy[j, 1])
    return np.asarray(np.hypot(xy[i, 0] - xy[j, 0], xy[i, 1] - xy[j, 1]), dtype=float)


def near_pairs(kind: str, xy: FloatArray, limit_km: float) -> tuple[IntArray, IntArray, FloatArray]:
    """Unordered pairs (i < j) of zones at most ``limit_km`` apart, with their distance:
    a KD-tree on planar points, or on 3-D points on the sphere for lon/lat, whose chord
    radius 2R·sin(d/2R) is exactly the great-circle limit d."""
    if kind == "lonlat":
        lon, lat = np.radians(xy[:, 0]), np.radians(xy[:, 1])
        pts = EARTH_RADIUS_KM * np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])
        radius = 2.0 * EARTH_RADIUS_KM * math.sin(min(limit_km / (2.0 * EARTH_RADIUS_KM), math.pi / 2))
    else:
        pts, radius = xy, limit_km
    found = cKDTree(pts).query_pairs(radius * (1.0 + 1e-9), output_type="ndarray")
    i, j = found[:, 0].astype(np.int64), found[:, 1].astype(np.int64)
    km = pair_distances(kind, xy, i, j)
    keep = km <= limit_km * (1.0 + REL_TOL)
    return i[keep], j[keep], km[keep]


def sector_matrix(settings: Consolidation, zt: ZoneTable) -> tuple[list[str], npt.NDArray[np.bool_], FloatArray]:
    """The sectors, the zones × sectors incidence (bool) and the sectors × sectors relatedness
    (1 on the diagonal unless the matrix says otherwise; symmetric, the larger of two given
    directions; 0 where not given; with ``by: "tags"`` the identity)."""
    rel = settings.relatedness
    sectors = list(rel.sectors) if rel.sectors is not None else sorted(zt.tags)
    n = zt.size
    T = np.column_stack([zt.tags.get(s, np.zeros(n, dtype=bool)) for s in sectors]) if sectors \
        else np.zeros((n, 0), dtype=bool)
    S = len(sectors)
    R = np.eye(S)
    if rel.by == "matrix":
        pos = {s: k for k, s in enumerate(sectors)}
        given = np.zeros((S, S), dtype=bool)
        explicit = np.zeros((S, S))
        for s, row in rel.matrix.items():  # a loop over sectors, not parks
            for t, v in row.items():
                a, b = pos[s], pos[t]
                for u, w in ((a, b), (b, a)):
                    explicit[u, w] = max(explicit[u, w], v) if given[u, w] else v
                    given[u, w] = True
        R = np.where(given, explicit, R)
    return sectors, T, R


def pair_relatedness(T: npt.NDArray[np.bool_], R: FloatArray, p: IntArray, h: IntArray, chunk: int = 200_000
                     ) -> FloatArray:
    """max over sectors s of park p and t of park h of R[s, t], per pair (0 when either has no
    sector); computed in chunks of pairs, a loop over sectors inside."""
    out = np.zeros(p.size)
    S = T.shape[1]
    for lo in range(0, p.size, chunk):
        sl = slice(lo, lo + chunk)
        Tp, Th = T[p[sl]], T[h[sl]].astype(float)
        best = np.zeros(Tp.shape[0])
        for s in range(S):
            with_s = Tp[:, s]
            if with_s.any():
                best = np.where(with_s, np.maximum(best, (Th * R[s]).max(axis=1)), best)
        out[sl] = best
    return out


def candidate_pairs(instance: Instance, settings: Consolidation, zt: ZoneTable, may_host: BoolArray) -> Pairs:
    """Every allowed merge park → host: the host may host, the two are at most
    ``max_distance_km`` apart (coordinates, or the ``distances`` table alone when given) and
    their relatedness is at least ``min_relatedness``."""
    limit = settings.max_distance_km
    ids = pd.Index(zt.ids)
    if settings.distances is not None:
        table = settings.distances
        a = ids.get_indexer([e.a for e in table]).astype(np.int64)
        b = ids.get_indexer([e.b for e in table]).astype(np.int64)
        d = np.array([e.km for e in table], dtype=float)
        near = d <= limit * (1.0 + REL_TOL)
        i, j, km = a[near], b[near], d[near]
        source = "consolidation.distances table"
    else:
        kind, xy = locations(instance)
        i, j, km = near_pairs(kind, xy, limit)
        source = "great-circle, lon/lat" if kind == "lonlat" else "Euclidean, x_km/y_km"
    park = np.concatenate([i, j])
    host = np.concatenate([j, i])
    dist = np.concatenate([km, km])
    ok = may_host[host]
    park, host, dist = park[ok], host[ok], dist[ok]
    _, T, R = sector_matrix(settings, zt)
    rel = pair_relatedness(T, R, park, host)
    ok = rel >= settings.relatedness.min_relatedness - REL_TOL
    order = np.lexsort((host[ok], park[ok]))  # by park, then host: a stable model order
    return Pairs(park[ok][order], host[ok][order], dist[ok][order], rel[ok][order], source)


# -- the model ------------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class ConsolidationModel:
    """A built consolidation model: the core model and what is needed to read a solution back.

    Variables: ``host`` (one per park that may host, ``host_park`` its zone index), ``assign``
    (one per candidate pair, ``pairs``), ``revoke`` (one per park that may be revoked,
    ``revoke_park``). ``value_c`` is the relatedness objective over all columns (points), the
    objective of a ``relatedness`` model and the second stage of ``min_zones``."""

    instance: Instance
    settings: Consolidation
    zones: ZoneTable
    model: Model
    host: VarBlock
    assign: VarBlock
    revoke: VarBlock
    host_park: IntArray
    revoke_park: IntArray
    pairs: Pairs
    may_host: BoolArray
    must_host: BoolArray
    revocable: BoolArray
    score: FloatArray
    pair_value: FloatArray
    host_value: FloatArray
    value_c: FloatArray
    county_cap: dict[str, int]
    objective_unit: str
    rules: dict[str, RuleInfo] = field(default_factory=dict)
    zone_count: RowBlock | None = None


def settings_of(instance: Instance) -> Consolidation:
    """The instance's consolidation settings, or the defaults when it has none."""
    return instance.consolidation if instance.consolidation is not None else Consolidation()


def _masks(instance: Instance, s: Consolidation, zt: ZoneTable) -> tuple[BoolArray, BoolArray, BoolArray, FloatArray]:
    """may host, must host, may be revoked (zone masks) and the score (NaN where unused)."""
    n = zt.size
    must = zt.select(s.keep_hosts) if s.keep_hosts is not None else np.zeros(n, dtype=bool)
    may = (zt.select(s.hosts) if s.hosts is not None else np.ones(n, dtype=bool)) | must
    obj = s.objective
    uses_score = obj.score_weight > 0 and (obj.kind == "relatedness" or obj.tie_break)
    score = np.full(n, np.nan)
    if uses_score or s.revoke_score_below is not None:
        score = indicator(instance, s.score, field="consolidation.score", table=zt)
    revocable = np.zeros(n, dtype=bool)
    for sel in s.revocable:  # a loop over selectors
        revocable |= zt.select(sel)
    if s.revoke_score_below is not None:
        revocable |= score < s.revoke_score_below
    return may, must, revocable, score


def _values(s: Consolidation, zt: ZoneTable, score: FloatArray, pairs: Pairs,
            host_park: IntArray) -> tuple[FloatArray, FloatArray]:
    """The objective's values (points) per merge (relatedness, score gain over the score range,
    distance over the limit) and per host (the host weight with its level and grade bonuses);
    a revocation is worth ``revoke_weight``."""
    obj = s.objective
    srange = float(np.nanmax(score) - np.nanmin(score)) if np.isfinite(score).any() else 0.0
    gain = (score[pairs.host] - score[pairs.park]) / (srange if srange > 0 else 1.0) if obj.score_weight > 0 \
        else np.zeros(pairs.park.size)
    pair_value = (obj.relatedness_weight * pairs.relatedness + obj.score_weight * gain
                  - obj.distance_weight * pairs.km / s.max_distance_km)
    level = zt.frame["level"].map(obj.level_bonus).fillna(0.0).to_numpy(dtype=float)
    grade = zt.frame["grade"].map(obj.grade_bonus).fillna(0.0).to_numpy(dtype=float)
    host_value = obj.host_weight + level[host_park] + grade[host_park]
    return pair_value, host_value


def _county_rows(b: ModelBuilder, s: Consolidation, zt: ZoneTable, host_park: IntArray, revoke_park: IntArray,
                 h: VarBlock, r: VarBlock, rules: dict[str, RuleInfo]) -> dict[str, int]:
    """About one zone per county: hosts per county ≤ cap (stated exceptions), and with
    ``county_floor`` a floor. Returns each county's cap."""
    src, N = s.source, b.num_vars
    names, member = zt.groups("county")
    county_cap = {c: s.county_exceptions.get(c, s.county_cap) for c in names}
    if not names:
        return county_cap
    Mh = sp.csr_matrix(member[:, host_park])  # counties × host columns
    eligible = np.asarray(Mh.sum(axis=1)).ravel() > 0
    rows_c = np.flatnonzero(eligible)
    cap = np.array([county_cap[names[c]] for c in rows_c], dtype=float)
    Hc = sp.csr_matrix((Mh[rows_c].data, Mh[rows_c].indices + h.start, Mh[rows_c].indptr),
                       shape=(rows_c.size, N))
    labels_c = [names[c] for c in rows_c]
    b.add_rows(COUNTY_RULE, Hc, ub=cap, rule=COUNTY_RULE, source=src, labels=labels_c)
    rules[COUNTY_RULE] = RuleInfo(COUNTY_RULE, "county_cap", src,
                                  f"原则上每个县设立1家: at most {s.county_cap} zone(s) per county"
                                  + (f", exceptions {dict(s.county_exceptions)}" if s.county_exceptions else ""))
    if s.county_floor and rows_c.size:
        size = np.asarray(member[rows_c].sum(axis=1)).ravel()
        n_rev = np.asarray(member[rows_c][:, revoke_park].sum(axis=1)).ravel() if revoke_park.size \
            else np.zeros(rows_c.size)
        # Σ host ≥ 1, unless every park of the county may be revoked: then
        # |c|·Σ host + Σ revoke ≥ |c| (a county keeps a host unless all its parks go).
        all_rev = n_rev >= size
        coef_h = np.where(all_rev, size, 1.0)
        Hf = sp.diags(coef_h) @ Hc
        Mr = sp.csr_matrix(sp.diags(all_rev.astype(float)) @ member[rows_c][:, revoke_park])
        Rf = sp.csr_matrix((Mr.data, Mr.indices + r.start, Mr.indptr), shape=(rows_c.size, N))
        b.add_rows(COUNTY_FLOOR_RULE, sp.csr_matrix(Hf + Rf), lb=coef_h, rule=COUNTY_FLOOR_RULE, source=src,
                   labels=labels_c)
        rules[COUNTY_FLOOR_RULE] = RuleInfo(COUNTY_FLOOR_RULE, "county_floor", src,
                                            "每个县设立1家: a county keeps a zone unless all its parks are revoked")
    return county_cap


def build_consolidation_model(instance: Instance) -> ConsolidationModel:
    """Build the consolidation MIP of ``instance`` (settings ``instance.consolidation``, or
    the defaults). Raises :class:`InstanceError` for a park without a location (and no
    distance table) or a score the settings need but a park lacks."""
    s = settings_of(instance)
    zt = evaluated_table(instance)
    n, ids = zt.size, zt.ids
    may, must, revocable, score = _masks(instance, s, zt)
    pairs = candidate_pairs(instance, s, zt, may)
    obj = s.objective
    src = s.source

    host_park = np.flatnonzero(may)
    revoke_park = np.flatnonzero(revocable)
    m = pairs.park.size

    pair_value, host_value = _values(s, zt, score, pairs, host_park)  # points per merge, per host

    min_zones = obj.kind == "min_zones"
    b = ModelBuilder(f"consolidation:{instance.name}", "min" if min_zones else "max")
    h = b.add_vars("host", host_park.size, lb=0.0, ub=1.0, integer=True, labels=ids[host_park].tolist())
    a = b.add_vars("assign", m, lb=0.0, ub=1.0, integer=True,
                   labels=(ids[pairs.park] + "→" + ids[pairs.host]).tolist())
    r = b.add_vars("revoke", revoke_park.size, lb=0.0, ub=1.0, integer=True, labels=ids[revoke_park].tolist())
    N = b.num_vars
    hvar = np.full(n, -1, dtype=np.int64)  # zone → its host column (-1: may not host)
    hvar[host_park] = h.start + np.arange(host_park.size)

    rules: dict[str, RuleInfo] = {
        FATE_RULE: RuleInfo(FATE_RULE, "fate", src, "each park hosts, merges into one host, or is revoked"),
        DISTANCE_RULE: RuleInfo(DISTANCE_RULE, "pairs", src,
                                f"merges only within {s.max_distance_km:g} km (区域邻近): no variable otherwise"),
        RELATEDNESS_RULE: RuleInfo(RELATEDNESS_RULE, "pairs", src,
                                   f"merges only with relatedness >= {s.relatedness.min_relatedness:g} (产业关联)"),
        HOSTS_RULE: RuleInfo(HOSTS_RULE, "variables", src, "only the selected parks may host"),
        REVOCABLE_RULE: RuleInfo(REVOCABLE_RULE, "variables", "2017 §十(四)", "only the selected parks may be revoked"),
    }

    # Each park: host itself + merge into one host + revoke = 1.
    rows = np.concatenate([host_park, pairs.park, revoke_park])
    cols = np.concatenate([h.start + np.arange(h.size), a.start + np.arange(m), r.start + np.arange(r.size)])
    F = sp.csr_matrix((np.ones(rows.size), (rows, cols)), shape=(n, N))
    b.add_rows(FATE_RULE, F, lb=1.0, ub=1.0, rule=FATE_RULE, source=src, labels=ids.tolist())

    # A merge only into a park that stays a zone (a host): assign ≤ host, per pair.
    k = np.arange(m)
    O = sp.csr_matrix((np.concatenate([np.ones(m), -np.ones(m)]),
                       (np.concatenate([k, k]), np.concatenate([a.start + k, hvar[pairs.host]]))), shape=(m, N))
    b.add_rows(OPEN_HOST_BLOCK, O, ub=0.0, labels=a.labels)

    # 一区多园: blocks per host (itself included) ≤ max_blocks: Σ assign − (B − 1)·host ≤ 0.
    hosts_with = np.unique(pairs.host)
    if hosts_with.size:
        row_of = np.full(n, -1, dtype=np.int64)
        row_of[hosts_with] = np.arange(hosts_with.size)
        q = hosts_with.size
        Bk = sp.csr_matrix((np.concatenate([np.ones(m), np.full(q, -(s.max_blocks - 1.0))]),
                            (np.concatenate([row_of[pairs.host], np.arange(q)]),
                             np.concatenate([a.start + k, hvar[hosts_with]]))), shape=(q, N))
        b.add_rows(BLOCKS_RULE, Bk, ub=0.0, rule=BLOCKS_RULE, source=src, labels=ids[hosts_with].tolist())
        rules[BLOCKS_RULE] = RuleInfo(BLOCKS_RULE, "max_blocks", src,
                                      f"一区多园: at most {s.max_blocks} blocks per host, itself included")

    county_cap = _county_rows(b, s, zt, host_park, revoke_park, h, r, rules)

    # Parks that must stay zones (e.g. national ones: 以国家级开发区…为主体).
    keep = np.flatnonzero(must)
    if keep.size:
        K = sp.csr_matrix((np.ones(keep.size), (np.arange(keep.size), hvar[keep])), shape=(keep.size, N))
        b.add_rows(KEEP_RULE, K, lb=1.0, rule=KEEP_RULE, source=src, labels=ids[keep].tolist())
        rules[KEEP_RULE] = RuleInfo(KEEP_RULE, "keep_hosts", src, "these parks stay zones (hosts)")

    ones_h = sp.csr_matrix((np.ones(h.size), (np.zeros(h.size, dtype=np.int64), h.start + np.arange(h.size))),
                           shape=(1, N))
    if s.max_zones is not None:
        b.add_rows(MAX_ZONES_RULE, ones_h, ub=float(s.max_zones), rule=MAX_ZONES_RULE, source=src, labels=["total"])
        rules[MAX_ZONES_RULE] = RuleInfo(MAX_ZONES_RULE, "max_zones", src,
                                         f"使数量达到合理规模: at most {s.max_zones} zones")
    zone_count = None
    if min_zones:  # the second stage caps the count at the first stage's optimum
        zone_count = b.add_rows(ZONE_COUNT_BLOCK, ones_h, labels=["total"])

    value_c = np.zeros(N)
    value_c[h.slice] = host_value
    value_c[a.slice] = pair_value
    value_c[r.slice] = obj.revoke_weight
    if min_zones:
        b.set_obj(h, 1.0)
        unit = spoken("cons.unit.zones")
    else:
        b.set_obj(h, host_value)
        b.set_obj(a, pair_value)
        b.set_obj(r, obj.revoke_weight)
        unit = spoken("cons.unit.points")
    return ConsolidationModel(instance, s, zt, b.build(), h, a, r, host_park, revoke_park, pairs, may, must,
                              revocable, score, pair_value, host_value, value_c, county_cap, unit, rules,
                              zone_count)


def value_stage(cm: ConsolidationModel, zones: int) -> Model:
    """The ``min_zones`` second stage: at most ``zones`` hosts, maximise the relatedness
    objective (a lexicographic tie-break)."""
    assert cm.zone_count is not None
    m = cm.model
    row_ub = m.row_ub.copy()
    row_ub[cm.zone_count.start] = float(zones)
    return replace(m, c=cm.value_c.copy(), sense="max", row_ub=row_ub, name=m.name + ":tie-break")


# -- quick explanations of infeasibility -------------------------------------------------------------

def quick_conflicts(cm: ConsolidationModel) -> str:
    """Cheap first explanations, from the data alone: parks with no possible fate (may not
    host, no candidate host, may not be revoked) and counties with more parks that must stay
    zones than their cap. Empty when neither applies."""
    ids = cm.zones.ids
    has_pair = np.zeros(cm.zones.size, dtype=bool)
    has_pair[cm.pairs.park] = True
    stuck = np.flatnonzero(~cm.may_host & ~has_pair & ~cm.revocable)
    parts = []
    s = cm.settings
    if stuck.size:
        shown = ", ".join(repr(z) for z in ids[stuck[:5]].tolist())
        more = f" and {stuck.size - 5} more" if stuck.size > 5 else ""
        parts.append(f"park(s) {shown}{more} may not host (consolidation.hosts), have no related park that may "
                     f"host within {s.max_distance_km:g} km, and may not be revoked: rule `{FATE_RULE}` "
                     f"({s.source}) cannot hold for them")
    county = cm.zones.frame["county"].to_numpy(dtype=object)
    kept = pd.Series(county[cm.must_host]).value_counts()
    over = [(c, int(v)) for c, v in kept.items() if c is not None and v > cm.county_cap.get(str(c), s.county_cap)]
    if over:
        c, v = over[0]
        parts.append(f"county {c!r} has {v} parks that must stay zones (`{KEEP_RULE}`) but `{COUNTY_RULE}` allows "
                     f"{cm.county_cap.get(str(c), s.county_cap)} (add it to consolidation.county_exceptions)"
                     + (f"; {len(over) - 1} more such counties" if len(over) > 1 else ""))
    return "; ".join(parts)


# -- the plan -------------------------------------------------------------------------------------

class ConsolidationSummary(BaseModel):
    """The headline of a consolidation plan: how many parks, hosts (zones left), merged and
    revoked parks, the land the revoked parks free (mu), the objective and the solve."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    instance: str
    synthetic: bool
    status: str
    objective: float | None
    objective_kind: str
    objective_unit: str
    secondary_objective: float | None = None
    secondary_objective_unit: str | None = None
    backend: str
    runtime_s: float
    mip_gap: float | None
    parks: int
    hosts: int
    """zones left: parks that host (themselves, and any merged blocks)."""
    multi_block_hosts: int
    merged: int
    revoked: int
    candidate_pairs: int
    max_blocks: int
    max_distance_km: float
    distance_source: str
    land_area_mu: float
    land_freed_mu: float
    """existing land of the revoked parks, mu."""
    check_max_violation: float | None = None
    notes: list[str] = Field(default_factory=list)


class ConsolidationRecord(BaseModel):
    """The JSON form of a consolidation plan: one object per host (its blocks), per park (its
    fate), per revoked park (the land it frees), per county, and the binding rule rows."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    status: str
    objective: float | None
    summary: ConsolidationSummary
    hosts: list[dict[str, Any]]
    parks: list[dict[str, Any]]
    revoked: list[dict[str, Any]]
    counties: list[dict[str, Any]]
    bindings: list[Binding]


class ConsolidationPlan(PlanOutput):
    """A solved consolidation (一区多园).

    * ``parks``: one row per park — ``fate`` (``host``, ``merged`` or ``revoked``), ``host``
      (itself for a host, the host's id for a merged park, empty for a revoked one),
      ``distance_km`` and ``relatedness`` to the host, ``blocks`` of that host, ``value``
      (the park's term of the relatedness objective, points);
    * ``hosts``: one row per zone left — its ``blocks`` (itself included), ``members`` (the
      merged parks' ids, ``;``-joined, nearest first), the land of all its blocks, the
      farthest block;
    * ``revoked``: one row per revoked park and the land it frees (mu);
    * ``counties``: per county, parks, hosts, merged and revoked parks, the cap on hosts;
    * ``bindings``: the binding rows of the counted rules (blocks, county caps and floors,
      keep, max zones).
    """

    def __init__(self, summary: ConsolidationSummary, parks: pd.DataFrame, hosts: pd.DataFrame,
                 revoked: pd.DataFrame, counties: pd.DataFrame, bindings: pd.DataFrame) -> None:
        self.summary = summary
        self.parks = parks
        self.hosts = hosts
        self.revoked = revoked
        self.counties = counties
        self.bindings = bindings

    def host_of(self) -> pd.Series:
        """Each park's host id (itself for a host; None for a revoked park), by park id."""
        host = self.parks.set_index("zone")["host"].astype(object)
        return host.where(host.notna(), None)

    def fate(self) -> pd.Series:
        """Each park's fate (host / merged / revoked), by park id."""
        return self.parks.set_index("zone")["fate"]

    def to_record(self) -> ConsolidationRecord:
        bindings = [Binding(**{k: clean_value(v) for k, v in rec.items()}) for rec in self.bindings.to_dict("records")]
        return ConsolidationRecord(status=self.status, objective=self.objective, summary=self.summary,
                                   hosts=records(self.hosts), parks=records(self.parks),
                                   revoked=records(self.revoked), counties=records(self.counties),
                                   bindings=bindings)

    def to_csv(self, path: str | Path) -> Path:
        """The park table as CSV (UTF-8 with BOM, so Excel shows Chinese names); the other
        tables are in the JSON and Excel output."""
        return write_csv(path, self.parks)

    def sheets(self) -> dict[str, pd.DataFrame]:
        """The plan's tables by Excel sheet name."""
        head = [(k, "\n".join(v) if isinstance(v, list) else v) for k, v in self.summary.model_dump().items()]
        return {"summary": pd.DataFrame(head, columns=["field", "value"]), "hosts": self.hosts, "parks": self.parks,
                "revoked": self.revoked, "counties": self.counties, "bindings": self.bindings}

    def to_excel(self, path: str | Path) -> Path:
        """A workbook with sheets summary, hosts, parks, revoked, counties and bindings (atomic)."""
        return write_sheets(path, self.sheets())

    def __repr__(self) -> str:
        s = self.summary
        return (f"ConsolidationPlan({s.instance!r}, status={s.status}, {s.parks} parks → {s.hosts} zones "
                f"({s.multi_block_hosts} with several blocks), {s.merged} merged, {s.revoked} revoked, "
                f"{s.land_freed_mu:g} mu freed)")




def decisions(cm: ConsolidationModel, x: FloatArray) -> tuple[IntArray, BoolArray, BoolArray]:
    """From a solution vector: each park's host (zone index; itself for a host, -1 for a
    revoked park), the host mask and the revoked mask."""
    n = cm.zones.size
    hosting = np.zeros(n, dtype=bool)
    hosting[cm.host_park] = x[cm.host.slice] > 0.5
    revoked = np.zeros(n, dtype=bool)
    revoked[cm.revoke_park] = x[cm.revoke.slice] > 0.5
    host_of = np.full(n, -1, dtype=np.int64)
    host_of[hosting] = np.flatnonzero(hosting)
    chosen = np.flatnonzero(x[cm.assign.slice] > 0.5)
    host_of[cm.pairs.park[chosen]] = cm.pairs.host[chosen]
    return host_of, hosting, revoked


def plan_from_solution(cm: ConsolidationModel, solution: Solution, *, primary: Solution | None = None,
                       secondary: float | None = None) -> ConsolidationPlan:
    """Turn a checked core solution into a :class:`ConsolidationPlan`. ``primary`` is the
    first stage of a ``min_zones`` solve (its objective is reported); ``secondary`` the
    tie-break's objective (points)."""
    primary = primary if primary is not None else solution
    assert solution.x is not None and primary.objective is not None
    x = solution.x
    zt, s = cm.zones, cm.settings
    f = zt.frame
    n, ids = zt.size, zt.ids
    host_of, hosting, revoked = decisions(cm, x)
    merged = ~hosting & ~revoked
    area = f["land_area_mu"].to_numpy(dtype=float)

    chosen = np.flatnonzero(x[cm.assign.slice] > 0.5)
    dist = np.where(hosting, 0.0, np.nan)
    rel = np.where(hosting, 1.0, np.nan)
    value = np.zeros(n)
    dist[cm.pairs.park[chosen]] = cm.pairs.km[chosen]
    rel[cm.pairs.park[chosen]] = cm.pairs.relatedness[chosen]
    value[cm.pairs.park[chosen]] = cm.pair_value[chosen]
    hv = np.zeros(n)
    hv[cm.host_park] = cm.host_value
    value[hosting] = hv[hosting]
    value[revoked] = s.objective.revoke_weight
    blocks_of = np.bincount(host_of[host_of >= 0], minlength=n)  # blocks per host, itself included

    fate = np.where(hosting, "host", np.where(revoked, "revoked", "merged")).astype(object)
    host_id = ids[np.maximum(host_of, 0)].copy()
    host_id[host_of < 0] = None
    base = {c: f[c].to_numpy() for c in ("zone", "name", "city", "county", "level", "kind", "grade", "score")}
    parks = pd.DataFrame({**base, "land_area_mu": area, "fate": fate, "host": host_id, "distance_km": dist,
                          "relatedness": rel,
                          "blocks": np.where(host_of >= 0, blocks_of[np.maximum(host_of, 0)], 0),
                          "value": value})

    # Hosts: members nearest first, the land of all blocks, the farthest block.
    mem = pd.DataFrame({"host": host_of[merged], "zone": ids[merged], "km": dist[merged], "area": area[merged]})
    mem = mem.sort_values(["host", "km", "zone"], kind="stable")
    agg = mem.groupby("host").agg(members=("zone", ";".join), area=("area", "sum"), farthest=("km", "max"))
    hidx = np.flatnonzero(hosting)
    agg = agg.reindex(hidx)
    hosts = pd.DataFrame({
        "host": ids[hidx], "name": f["name"].to_numpy()[hidx], "city": f["city"].to_numpy()[hidx],
        "county": f["county"].to_numpy()[hidx], "level": f["level"].to_numpy()[hidx],
        "grade": f["grade"].to_numpy()[hidx], "score": f["score"].to_numpy()[hidx],
        "blocks": blocks_of[hidx], "members": agg["members"].fillna("").to_numpy(),
        "land_area_mu": area[hidx] + agg["area"].fillna(0.0).to_numpy(),
        "farthest_block_km": agg["farthest"].fillna(0.0).to_numpy(),
    })

    ridx = np.flatnonzero(revoked)
    revoked_tab = pd.DataFrame({
        "zone": ids[ridx], "name": f["name"].to_numpy()[ridx], "city": f["city"].to_numpy()[ridx],
        "county": f["county"].to_numpy()[ridx], "grade": f["grade"].to_numpy()[ridx],
        "score": f["score"].to_numpy()[ridx], "land_freed_mu": area[ridx],
        "returns_to": "construction-land pool (盘活低效用地, 2017 §六(三))",
    })

    counties = _county_table(cm, host_of, hosting, revoked, area)
    bindings = _bindings(cm, x, hosting)
    freed = float(area[revoked].sum())
    notes = [spoken("cons.note.freed", mu=f"{freed:,.6g}", k=int(revoked.sum()))] if revoked.any() else []
    no_county = int(f["county"].isna().sum())
    if no_county:
        notes.append(spoken("cons.note.no_county", k=no_county))
    obj = s.objective
    summary = ConsolidationSummary(
        instance=cm.instance.name, synthetic=cm.instance.metadata.synthetic,
        status=solution.status.value if primary.status is Status.OPTIMAL else primary.status.value,
        objective=float(primary.objective), objective_kind=obj.kind, objective_unit=cm.objective_unit,
        secondary_objective=secondary,
        secondary_objective_unit=spoken("cons.unit.tie_break") if secondary is not None else None,
        backend=solution.backend,
        runtime_s=solution.runtime + (primary.runtime if primary is not solution else 0.0),
        mip_gap=primary.mip_gap,
        parks=n, hosts=int(hosting.sum()), multi_block_hosts=int((blocks_of[hidx] > 1).sum()),
        merged=int(merged.sum()), revoked=int(revoked.sum()), candidate_pairs=int(cm.pairs.park.size),
        max_blocks=s.max_blocks, max_distance_km=s.max_distance_km, distance_source=cm.pairs.source,
        land_area_mu=float(area.sum()), land_freed_mu=freed, check_max_violation=max_violation(solution),
        notes=notes)
    return ConsolidationPlan(summary, parks, hosts, revoked_tab, counties, bindings)


def _county_table(cm: ConsolidationModel, host_of: IntArray, hosting: BoolArray, revoked: BoolArray,
                  area: FloatArray) -> pd.DataFrame:
    county = cm.zones.frame["county"]
    merged = ~hosting & ~revoked
    host_county = np.where(host_of >= 0, county.to_numpy(dtype=object)[np.maximum(host_of, 0)], None)
    frame = pd.DataFrame({"county": county.to_numpy(dtype=object), "host": hosting, "merged": merged,
                          "revoked": revoked, "freed": np.where(revoked, area, 0.0),
                          "elsewhere": merged & (host_county != county.to_numpy(dtype=object))})
    frame = frame[frame["county"].notna()]
    g = frame.groupby("county", sort=True)
    out = pd.DataFrame({"parks": g.size(), "hosts": g["host"].sum(), "merged": g["merged"].sum(),
                        "merged_elsewhere": g["elsewhere"].sum(), "revoked": g["revoked"].sum(),
                        "land_freed_mu": g["freed"].sum()})
    out["host_cap"] = [cm.county_cap.get(str(c), cm.settings.county_cap) for c in out.index]
    return out.reset_index().astype({"parks": int, "hosts": int, "merged": int, "merged_elsewhere": int,
                                     "revoked": int, "host_cap": int})


def _bindings(cm: ConsolidationModel, x: FloatArray, hosting: BoolArray) -> pd.DataFrame:
    """Binding rows of the counted rules (no duals: a MIP), counts of parks. A park that
    does not host meets its blocks row at 0 = 0: only full hosts are listed."""
    m = cm.model
    blocks = [(cm.host.start, cm.host_park), (cm.assign.start, cm.pairs.park), (cm.revoke.start, cm.revoke_park)]
    z = columns_to_zones(m.num_vars, blocks, cm.zones.size)
    table, _, _ = binding_tables(m, x, None, 1.0, "parks", z)
    closed = {f"{BLOCKS_RULE}[{zid}]" for zid in cm.zones.ids[~hosting].tolist()}
    keep = table["rule"].isin(REPORTED_RULES) & ~table["row"].isin(closed)
    return table[keep].reset_index(drop=True)


# -- solving ----------------------------------------------------------------------------------

def solve_consolidation(instance: Instance, backend: str = DEFAULT_BACKEND, *, time_limit: float | None = None,
                        mip_gap: float | None = None, options: SolveOptions | None = None) -> ConsolidationPlan:
    """Build and solve the consolidation model of ``instance``; return the checked plan.

    ``min_zones`` with ``tie_break`` solves twice (the fewest zones, then the best
    relatedness objective with that many), each solve with ``time_limit``. Raises
    :class:`InfeasibleError` (exit code 3) naming the conflicting rules — first from the data
    alone (:func:`quick_conflicts`), else by the rule-level diagnosis —,
    :class:`NoSolutionError` (4) when the solver finds nothing in time, and
    :class:`InstanceError` (2) for missing locations or scores.
    """
    cm = build_consolidation_model(instance)
    quick = quick_conflicts(cm)
    what = f"consolidation of {instance.name!r}"
    if quick:
        raise InfeasibleError(f"{what} is infeasible: {quick}")
    opts = SolveOptions.merged(options, time_limit=time_limit, mip_gap=mip_gap)
    first = core_solve(cm.model, backend, options=opts)
    raise_for_status(first, cm.model, what, unit="", rules=cm.rules,
                     time_limit=max(30.0, 10.0 * first.runtime))
    obj = cm.settings.objective
    if obj.kind == "min_zones" and obj.tie_break:
        assert first.x is not None
        zones = int(round(float(first.x[cm.host.slice].sum())))
        final = core_solve(value_stage(cm, zones), backend, options=opts)
        if not final.status.has_solution:  # the first stage's plan is feasible for it: a time limit
            plan = plan_from_solution(cm, first)
            note = (f"tie-break ({final.backend}: {final.status.value}) found no plan in time: the plan is "
                    "the first stage's, fewest zones without the relatedness tie-break")
            plan.summary = plan.summary.model_copy(update={"notes": [*plan.summary.notes, note]})
            return plan
        assert final.objective is not None
        return plan_from_solution(cm, final, primary=first, secondary=float(final.objective))
    return plan_from_solution(cm, first)


# -- an independent check of a plan in rule terms --------------------------------------------------

def check_plan(instance: Instance, plan: ConsolidationPlan) -> list[str]:
    """Re-check a plan against the rules from the instance data, not the model: each park
    has one fate; a merged park's host hosts, may host, lies within the distance limit
    (recomputed for that pair from the coordinates or the table) and is related enough
    (recomputed from the sectors); hosts hold at most ``max_blocks`` blocks; revoked parks
    may be revoked; county caps and floors, kept hosts and the zone cap hold. Returns the
    violations found (empty: none)."""
    s = settings_of(instance)
    zt = evaluated_table(instance)
    ids = pd.Index(zt.ids)
    parks = plan.parks.set_index("zone").reindex(zt.ids)
    out: list[str] = []
    if parks["fate"].isna().any() or not parks["fate"].isin(["host", "merged", "revoked"]).all():
        out.append("a park has no fate or an unknown one")
        return out
    fate = parks["fate"].to_numpy(dtype=object)
    hosting, revoked, merged = fate == "host", fate == "revoked", fate == "merged"
    may, must, revocable, _ = _masks(instance, s, zt)
    host_idx = ids.get_indexer(parks["host"].where(merged | hosting, None).to_numpy(dtype=object))
    if (host_idx[hosting] != np.flatnonzero(hosting)).any():
        out.append("a host is not its own host")
    if (host_idx[merged] < 0).any():
        out.append("a merged park has no known host")
        return out
    p, h = np.flatnonzero(merged), host_idx[merged]
    if not hosting[h].all():
        out.append(f"merged into a park that is not a host: {zt.ids[p[~hosting[h]]][:5].tolist()}")
    for mask, what in ((~may[hosting], "hosts that may not host"), (~revocable[revoked], "revoked parks not revocable"),
                       (~hosting[must], "parks to keep that are not hosts")):
        if mask.any():
            out.append(f"{what}: {int(mask.sum())}")
    if s.distances is not None:
        a, b = [e.a for e in s.distances], [e.b for e in s.distances]
        d = [e.km for e in s.distances]
        table = pd.DataFrame({"p": a + b, "h": b + a, "km": d + d})
        got = pd.DataFrame({"p": zt.ids[p], "h": zt.ids[h]}).merge(table, on=["p", "h"], how="left")
        km = got["km"].fillna(np.inf).to_numpy(dtype=float)
    else:
        kind, xy = locations(instance)
        km = pair_distances(kind, xy, p, h)
    far = km > s.max_distance_km * (1 + 1e-9)
    if far.any():
        out.append(f"merges beyond {s.max_distance_km:g} km: {int(far.sum())} (max {float(km.max()):.6g} km)")
    _, T, R = sector_matrix(s, zt)
    both = T[p][:, :, None] & T[h][:, None, :]  # merges × sectors × sectors, dense (a check, not the model)
    rel = np.where(both, R[None, :, :], 0.0).max(axis=(1, 2), initial=0.0)
    weak = rel < s.relatedness.min_relatedness - 1e-12
    if weak.any():
        out.append(f"merges below relatedness {s.relatedness.min_relatedness:g}: {int(weak.sum())}")
    blocks = np.bincount(np.concatenate([np.flatnonzero(hosting), h]), minlength=zt.size)
    if blocks.max(initial=0) > s.max_blocks:
        out.append(f"a host holds {int(blocks.max())} blocks (> {s.max_blocks})")
    county = zt.frame["county"].to_numpy(dtype=object)
    for c in pd.unique(county[pd.notna(county)]):  # a loop over counties
        inc = county == c
        cap = s.county_exceptions.get(str(c), s.county_cap)
        if hosting[inc].sum() > cap:
            out.append(f"county {c!r} keeps {int(hosting[inc].sum())} zones (cap {cap})")
        if s.county_floor and may[inc].any() and not hosting[inc].any() and not revoked[inc].all():
            out.append(f"county {c!r} keeps no zone")
    if s.max_zones is not None and hosting.sum() > s.max_zones:
        out.append(f"{int(hosting.sum())} zones left (max {s.max_zones})")
    return out


__all__ = [
    "ConsolidationModel", "ConsolidationPlan", "ConsolidationSummary", "ConsolidationRecord", "Pairs",
    "build_consolidation_model", "solve_consolidation", "plan_from_solution", "value_stage", "candidate_pairs",
    "near_pairs", "great_circle_km", "pair_distances", "locations", "sector_matrix", "pair_relatedness",
    "quick_conflicts", "decisions", "check_plan", "settings_of",
    "FATE_RULE", "BLOCKS_RULE", "COUNTY_RULE", "COUNTY_FLOOR_RULE", "KEEP_RULE", "MAX_ZONES_RULE",
    "DISTANCE_RULE", "RELATEDNESS_RULE",
]
