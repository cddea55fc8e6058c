"""Cluster targets of the plan over years (``models/targets.md``, "Cluster targets"): at least
N industrial clusters — groups (province | city | county) × industry — whose figure reaches a
threshold in a plan year (2017 §四(二): 10 个左右千亿级新兴产业集群; §四(四): 市域千亿级产业集群
25 个左右, 县域百亿级产业集群 160 个左右).

A zone's figure in industry k is its figure times its share in k (``periods.industries``: a
table, or by default an equal split among the zone's industry tags), so with S the groups ×
zones matrix of those shares (S_{g,i} the share of zone i in the industry of group g when zone
i lies in the group's place, else 0) the group figure in year t is

    G_{g,t}(x) = Σ_i S_{g,i} F_{i,t}(x),

F the affine zone figure of :func:`zoneopt.models.year_targets.figure`. A binary z_g per group
with the count target's big-M rows (:func:`zoneopt.models.year_targets.reach_rows`):
G_g − θ ≥ L_g (1 − z_g), L_g a lower bound of G_g − θ, and Σ_g z_g ≥ N (soft: + N·s). Built from
sparse matrices (groups × zones): no loop over zones or groups.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp

from zoneopt.core.model import ModelBuilder, VarBlock
from zoneopt.data.zones import ZoneTable
from zoneopt.errors import InstanceError, Issue
from zoneopt.instance import ClusterTarget, Industries, Instance, Periods
from zoneopt.models.rules import RuleInfo
from zoneopt.models.tracks import Track
from zoneopt.models.year_models import RowScales, year_suffix
from zoneopt.models.year_targets import (
    Figure,
    due_years,
    figure,
    metric_names,
    metric_said,
    metric_unit,
    reach_rows,
    said,
)
from zoneopt.models.zone_years import ZoneYears
from zoneopt.plans.glossary import Phrase, Term, spoken

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

NEAREST = 3
"""The groups short of the threshold a diagnosis names, nearest first."""


@dataclass(frozen=True)
class Groups:
    """The groups of a cluster target over its selected zones: ``S`` (groups × selected
    zones) the share of each zone's figure in the group, each group's ``place`` and
    ``industry``, and how many zones split their figure equally by default (``equal``)."""

    S: sp.csr_matrix
    place: npt.NDArray[np.object_]
    industry: npt.NDArray[np.object_]
    equal: int

    @property
    def size(self) -> int:
        return int(self.S.shape[0])

    def names(self) -> list[str]:
        """Each group as ``place·industry`` (variable and row labels)."""
        return (self.place.astype(str) + "·" + self.industry.astype(str)).tolist()


def share_matrix(industries: Industries, zt: ZoneTable, zones: IntArray) -> tuple[sp.csr_matrix, IntArray]:
    """The zones × declared industries matrix of each selected zone's share of its figure in
    each industry (the table's row for a zone it lists, else an equal split among the zone's
    industry tags), and the zones on the equal split (positions among ``zones``)."""
    tags = list(industries.tags)
    n = zones.size
    rows, cols = [], []
    for k, tag in enumerate(tags):  # a loop over industries, not zones
        has = np.flatnonzero(zt.tags[tag][zones]) if tag in zt.tags else np.zeros(0, dtype=np.int64)
        rows.append(has)
        cols.append(np.full(has.size, k))
    r, c = np.concatenate(rows), np.concatenate(cols)
    count = np.bincount(r, minlength=n).astype(float)
    listed = np.zeros(n, dtype=bool)
    vals = 1.0 / np.maximum(count[r], 1.0)
    if industries.shares:
        table = pd.DataFrame.from_dict(dict(industries.shares), orient="index").reindex(columns=tags)
        pos = pd.Index(zt.ids[zones]).get_indexer(table.index)
        listed[pos[pos >= 0]] = True
        keep = ~listed[r]
        cells = table.to_numpy(dtype=float)[pos >= 0]
        tr, tc = np.nonzero(np.nan_to_num(cells, nan=0.0) > 0)
        r = np.concatenate([r[keep], pos[pos >= 0][tr]])
        c = np.concatenate([c[keep], tc])
        vals = np.concatenate([vals[keep], cells[tr, tc]])
    W = sp.csr_matrix((vals, (r, c)), shape=(n, len(tags)))
    return W, np.flatnonzero(~listed & (count > 0))


def _places(by: str, zt: ZoneTable, zones: IntArray, where: str) -> tuple[IntArray, npt.NDArray[np.object_]]:
    """Each selected zone's place (a code) and the places' names: the province, its city or its
    county. Raises :class:`InstanceError` naming each zone without a county when grouped by county."""
    if by == "province":
        return np.zeros(zones.size, dtype=np.int64), np.array([""], dtype=object)
    values = zt.frame[by].to_numpy(dtype=object)[zones]
    missing = pd.isna(values)
    if missing.any():
        raise InstanceError([Issue(f"zones[{zones[j]}].{by}", f"zone {zt.ids[zones[j]]!r} has no {by}, needed by "
                                                              f"the cluster target at {where}")
                             for j in np.flatnonzero(missing)])
    codes, names = pd.factorize(pd.Series(values, dtype=object))
    return codes.astype(np.int64), np.asarray(names, dtype=object)


def cluster_groups(t: ClusterTarget, industries: Industries, zt: ZoneTable, zones: IntArray, where: str) -> Groups:
    """The groups (place × industry) of ``t`` over the selected ``zones``: those where some
    zone has a positive share in the industry."""
    W, equal = share_matrix(industries, zt, zones)
    tags = list(industries.tags)
    counted = list(t.industries or tags)
    W = sp.csr_matrix(W[:, [tags.index(k) for k in counted]]).tocoo()
    place, place_names = _places(t.by, zt, zones, where)
    K = len(counted)
    positive = W.data > 0
    keys = place[W.row[positive]] * K + W.col[positive]
    uniq, g = np.unique(keys, return_inverse=True)
    S = sp.csr_matrix((W.data[positive], (g, W.row[positive])), shape=(uniq.size, zones.size))
    # the equal split counts only for zones with a share in a counted industry
    equal_counted = int(np.intersect1d(equal, np.unique(W.row[positive])).size)
    return Groups(S, place_names[uniq // K], np.asarray(counted, dtype=object)[uniq % K], equal_counted)


def required_groups(t: ClusterTarget, n: int) -> float:
    return float(t.at_least) if t.at_least is not None else float(np.ceil((t.at_least_share or 0.0) * n - 1e-9))


@dataclass(frozen=True)
class ClusterRecord:
    """A cluster target in one year as built: its groups, their figure G (one row per group:
    ``num``; ``den`` None), its shortfall block and the industries' names."""

    rule: str
    target: ClusterTarget
    year: int
    zones: IntArray
    groups: Groups
    num: Figure
    short: VarBlock | None
    unit: str
    labels: dict[str, str]
    den: Figure | None = None
    names: dict[str, str] = field(default_factory=dict)
    """The labels the instance declares its metrics with."""

    def _group(self, j: int) -> Phrase:
        industry = str(self.groups.industry[j])
        place = str(self.groups.place[j])
        return Phrase.of("tq.cl.group", place=Term("tq.cl.province") if not place else place,
                         industry=self.labels.get(industry, industry))

    def status_row(self, x: FloatArray, zt: ZoneTable) -> dict[str, object]:
        """Its row of :func:`~zoneopt.models.year_targets.target_status`: how many groups reach
        the threshold; when short, how many organic growth alone brings there, the nearest groups
        and their gaps, and whether any allocation moves the figure."""
        t = self.target
        tol = 1e-6
        value = self.num.at(x)
        line = t.threshold * (1 - tol) - tol
        reached = value >= line
        required = required_groups(t, self.groups.size)
        achieved = int(reached.sum())
        met = achieved >= required - 1e-9
        by = Term(f"tq.cl.by.{t.by}")
        what = metric_said(t.metric, None, self.names)
        threshold = said(t.threshold, self.unit, False)
        why = ""
        if not met:
            gap = t.threshold - value
            near = np.flatnonzero(~reached)
            near = near[np.argsort(np.round(gap[near], 6), kind="stable")][:NEAREST]  # ties in group order
            items = [Phrase.of("tq.cl.gap", group=self._group(int(j)), gap=said(float(gap[j]), self.unit))
                     for j in near.tolist()]
            listed: object = ""
            for item in reversed(items):  # a loop over at most NEAREST groups
                listed = item if listed == "" else Phrase.of("tq.cl.list", a=item, b=listed)
            driven = bool(self.num.drivers) and self.num.A.nnz > 0
            why = spoken(
                "tq.cl.short", achieved=achieved, groups=self.groups.size, by=by, metric=what, threshold=threshold,
                required=f"{required:g}", gap=f"{required - achieved:g}",
                organic=int((self.num.organic >= line).sum()),
                nearest=Phrase.of("tq.cl.nearest", groups=listed) if items else "",
                no_effect="" if driven else Phrase.of("tq.no_effect", metric=metric_said(t.metric, None, self.names)),
                least="" if t.is_hard or not driven else Phrase.of("tq.least"))
        split = Phrase.of("tq.cl.split", k=self.groups.equal) if self.groups.equal else ""
        return {"rule": self.rule, "type": t.type, "source": t.cited, "year": self.year,
                "scope": spoken("tq.cl.scope", n=self.groups.size, by=by), "metric": t.metric, "unit": self.unit,
                "required": spoken("tq.cl.req", n=f"{required:g}", by=by, metric=what, threshold=threshold,
                                   split=split),
                "achieved": spoken("tq.cl.n", n=achieved), "status": "met" if met else "short", "diagnosis": why}


def add_cluster_targets(b: ModelBuilder, tracks: Sequence[Track], periods: Periods, instance: Instance,
                        zt: ZoneTable, scales: RowScales, rules: dict[str, RuleInfo],
                        in_year: ZoneYears | None = None) -> tuple[ClusterRecord, ...]:
    """The rows of every cluster target of ``periods.targets``, per due year: the group figure
    G = S F over the target's zones of that year (``in_year``: after a designation, as
    :func:`~zoneopt.models.year_targets.add_year_targets`), a binary per group and the count.
    Raises :class:`InstanceError` for a target that selects no zone or no group."""
    out: list[ClusterRecord] = []
    metric_labels = metric_names(instance)
    industries = periods.industries
    for j, t in enumerate(periods.targets or ()):  # a loop over targets and their years
        if not isinstance(t, ClusterTarget):
            continue
        where = f"periods.targets[{j}]"
        if industries is None:
            raise InstanceError([Issue(where, f"cluster target {t.id!r} needs periods.industries")])
        for year in due_years(t, periods):
            zones = np.flatnonzero(in_year.select(t.select, year) if in_year is not None else zt.select(t.select))
            groups = cluster_groups(t, industries, zt, zones, where)
            if groups.size == 0:
                raise InstanceError([Issue(f"{where}.select", f"cluster target {t.id!r}: no selected zone carries "
                                                              f"any of its industries in {year}")])
            rid = t.id + year_suffix(year)
            f = figure(t.metric, tracks, periods, instance, zt, zones, year, where + ".metric", b.num_vars)
            G = Figure(sp.csr_matrix(groups.S @ f.A), np.asarray(groups.S @ f.organic, dtype=float),
                       np.asarray(groups.S @ f.base, dtype=float), f.drivers, f.owner)
            G.A.eliminate_zeros()
            unit = metric_unit(instance, t.metric)
            names: list[str] = []
            short = reach_rows(b, rid, G.A, G.organic - t.threshold, tracks, groups.names(),
                               required_groups(t, groups.size), t.is_hard, t.cited, names)
            for name in names:  # the target's row blocks
                scales[name] = (1.0, unit, G.owner)
            rules[rid] = RuleInfo(rid, t.type, t.cited, t.note or f"cluster target on {t.metric} by {t.by} ({year})")
            out.append(ClusterRecord(rid, t, year, zones, groups, G, short, unit, dict(industries.labels),
                                     names=metric_labels))
    return tuple(out)


__all__ = ["Groups", "ClusterRecord", "share_matrix", "cluster_groups", "required_groups", "add_cluster_targets"]
