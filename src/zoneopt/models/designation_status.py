"""Statuses in the designation model (models/designation.md, "Statuses"): a status a zone may
be awarded in a plan year — 2022 专栏一 建设国际合作园区 5 个以上, 创建自由贸易试验区开放创新联动区
7 个以上 — independent of establish / upgrade / convert. Per status k (settings
:class:`~zoneopt.instance.DesignationStatus`), zones S_k (its ``select``, candidates never):

* a binary w_{a,t} per zone of S_k and plan year (zone-major, block named after the status);
  fixed to 0 **by bounds** for a zone that fails a criterion, holds the status already
  (``held``), is excluded (``exclude``) or must convert (``convert.required``);
* once (rule: the status's id): Σ_t w_{a,t} + Σ_t v_{a,t} ≤ 1 per qualifying zone, v the
  zone's conversion columns when it may convert (a converted zone is not a zone: it is awarded
  no status) — one award per zone: for a count of parks an assumption, a zone may host several;
* named (rule ``named.id``): Σ_t w_{a,t} ≥ 1 for each zone the clause names that does not hold
  it already — a hard row: a named zone that fails a criterion is infeasible, and
  :func:`status_conflicts` names both rules before any solve;
* count (rule ``count.id``): as a part's count, total and per year;
* the measure: weight · score_a · Y_t per column; the tie-break: by rank on the score (then id)
  and earlier years, and with ``weight`` 0 each award first costs more than every rank point
  together — the fewest awards the named zones and the targets need, then the best, earliest.

Every loop here is over statuses and their criteria, never over zones."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import scipy.sparse as sp

from zoneopt.core.model import ModelBuilder, RowBlock
from zoneopt.data.zones import ZoneTable
from zoneopt.errors import InstanceError, Issue
from zoneopt.instance import Designation, DesignationStatus, Instance
from zoneopt.models.designation_parts import (
    BoolArray,
    FloatArray,
    IntArray,
    Part,
    count_rows,
    criteria_values,
    criterion_text,
    failed_ids,
    figure,
)
from zoneopt.models.rules import RuleInfo


@dataclass(frozen=True, eq=False)
class StatusPart(Part):
    """A status as built: a :class:`Part` (``name`` the status's id, ``ok``: may be awarded)
    with, per zone of the part, whether it holds the status already (``held``), is excluded
    (``excluded``), must convert (``must_convert``), is named and still to be awarded
    (``named``); the zones holding it in all (``held_total``: what its targets count already),
    each zone's rank on the score, and the once and named rows."""

    status: DesignationStatus
    held: BoolArray
    excluded: BoolArray
    must_convert: BoolArray
    named: BoolArray
    held_total: int
    rank: IntArray
    once: RowBlock | None
    named_row: RowBlock | None
    counts: tuple[RowBlock | None, RowBlock | None]

    @property
    def label(self) -> str:
        return self.status.label or self.status.id


def _score(instance: Instance, s: Designation, zt: ZoneTable, st: DesignationStatus, k: int) -> FloatArray:
    """The status's score per zone: ``score`` / ``score_over`` (default the section's score)."""
    where = f"designation.statuses[{k}]"
    v = figure(instance, s, zt, st.score or s.score, f"{where}.score")
    if st.score_over is not None:
        den = figure(instance, s, zt, st.score_over, f"{where}.score_over")
        v = np.divide(v, den, out=np.full(v.size, np.nan), where=den > 0)
    return v


def _status(b: ModelBuilder, instance: Instance, s: Designation, zt: ZoneTable, st: DesignationStatus, k: int,
            cand: BoolArray, must: BoolArray, years: tuple[int, ...]) -> StatusPart:
    """A status's zones, verdicts and variables (no rows yet)."""
    T = len(years)
    zones = np.flatnonzero(zt.select(st.select) & ~cand)
    criteria = tuple(st.criteria)
    values, passed = criteria_values(instance, s, zt, f"statuses[{k}]", zones, criteria)
    held_all = zt.select(st.held) if st.held is not None else np.zeros(zt.size, dtype=bool)
    excluded = zt.select(st.exclude.select)[zones] if st.exclude is not None else np.zeros(zones.size, dtype=bool)
    meets = np.ones(zones.size, dtype=bool)
    for c in criteria:  # a loop over criteria
        meets &= passed[c.id]
    held = held_all[zones]
    ok = meets & ~held & ~excluded & ~must[zones]
    named_all = zt.frame["zone"].isin(list(st.named.zones) if st.named is not None else []).to_numpy(dtype=bool)
    score = _score(instance, s, zt, st, k)[zones]
    missing = ok & np.isnan(score)
    if st.weight > 0 and missing.any():
        raise InstanceError([Issue(f"designation.statuses[{k}].score", f"zone {z!r} has no {st.score or s.score!r} "
                                   f"(status {st.id!r} weighs it)") for z in zt.ids[zones[missing]].tolist()])
    order = np.lexsort((zt.ids[zones].astype(str), -np.nan_to_num(score, nan=-np.inf)))
    rank = np.empty(zones.size, dtype=np.int64)
    rank[order] = np.arange(1, zones.size + 1)
    labels = [f"{z}@{y}" for z in zt.ids[zones].tolist() for y in years]
    var = b.add_vars(st.id, zones.size * T, lb=0.0, ub=np.repeat(ok, T).astype(float), integer=True, labels=labels)
    return StatusPart(st.id, zones, criteria, values, passed, ok, failed_ids(criteria, passed, zones.size), score,
                      st.count, var, float(st.weight), st, held, excluded, must[zones], named_all[zones] & ~held,
                      int(held_all.sum()), rank, None, None, (None, None))


def _rows(b: ModelBuilder, p: StatusPart, conv: Part | None, zt: ZoneTable, years: tuple[int, ...]
          ) -> tuple[RowBlock | None, RowBlock | None]:
    """The once rows (one per qualifying zone, with its conversion columns) and the named rows
    (one per named zone still to be awarded)."""
    T = len(years)
    st = p.status
    once = named = None
    a = np.flatnonzero(p.ok)
    if a.size:
        rows, cols = [np.repeat(np.arange(a.size), T)], [p.column(np.repeat(a, T), np.tile(np.arange(T), a.size), T)]
        if conv is not None:
            at = np.full(zt.size, -1, dtype=np.int64)
            at[conv.zones[conv.ok]] = np.flatnonzero(conv.ok)
            k = at[p.zones[a]]
            has = np.flatnonzero(k >= 0)
            rows.append(np.repeat(has, T))
            cols.append(conv.column(np.repeat(k[has], T), np.tile(np.arange(T), has.size), T))
        r, c = np.concatenate(rows), np.concatenate(cols)
        A = sp.csr_matrix((np.ones(r.size), (r, c)), shape=(a.size, b.num_vars))
        once = b.add_rows(f"{st.id}:once", A, ub=1.0, rule=st.id, source=st.cited,
                          labels=zt.ids[p.zones[a]].tolist())
    n = np.flatnonzero(p.named)
    if n.size and st.named is not None:
        A = sp.csr_matrix((np.ones(n.size * T), (np.repeat(np.arange(n.size), T),
                                                 p.column(np.repeat(n, T), np.tile(np.arange(T), n.size), T))),
                          shape=(n.size, b.num_vars))
        named = b.add_rows(st.named.id, A, lb=1.0, rule=st.named.id, source=st.named.cited,
                           labels=zt.ids[p.zones[n]].tolist())
    return once, named


def build_statuses(b: ModelBuilder, instance: Instance, s: Designation, zt: ZoneTable, years: tuple[int, ...],
                   cand: BoolArray, must: BoolArray, conv: Part | None, rules: dict[str, RuleInfo]
                   ) -> dict[str, StatusPart]:
    """Every status of ``s``: variables, once, named and count rows, and its rules' entries in
    ``rules`` (``cand``: the candidates, never awarded a status; ``must``: zones that must
    convert; ``conv``: the convert part, whose columns join the once rows). A loop over
    statuses."""
    out: dict[str, StatusPart] = {}
    for k, st in enumerate(s.statuses or ()):
        p = _status(b, instance, s, zt, st, k, cand, must, years)
        once, named = _rows(b, p, conv, zt, years)
        counts = count_rows(b, p, len(years), years, rules)
        label = st.label or st.id
        rules[st.id] = RuleInfo(st.id, "status", st.cited, st.note or (
            f"{label}: awarded at most once per zone (an assumption where the clause counts parks), "
            "never to a zone that converts"))
        for c in st.criteria:  # a loop over criteria
            rules[c.id] = RuleInfo(c.id, "criterion", c.cited, c.note or criterion_text(c) + " (by bounds)")
        if st.named is not None:
            rules[st.named.id] = RuleInfo(st.named.id, "named", st.named.cited, st.named.note or (
                f"{label}: {', '.join(st.named.zones)} awarded within the plan years"))
        if st.exclude is not None:
            rules[st.exclude.id] = RuleInfo(st.exclude.id, "exclusion", st.exclude.cited,
                                            st.exclude.note or f"{label}: never these zones (by bounds)")
        out[st.id] = replace(p, once=once, named_row=named, counts=counts)
    return out


def status_objective(statuses: dict[str, StatusPart], timing: str, T: int, c: FloatArray, tie: FloatArray
                     ) -> None:
    """Each status's measure (weight · score · Y_t on the columns that may be awarded) and
    tie-break (rank points on the score, earlier years first; with weight 0 an award first
    costs more than all its rank points: the fewest awards, then the best) into ``c`` and
    ``tie``. A loop over statuses."""
    Y = (T - np.arange(T)).astype(float) if timing == "years" else np.ones(T)
    earlier = (T - np.arange(T)).astype(float)
    for p in statuses.values():
        n = p.zones.size
        worth = np.where(p.ok, np.nan_to_num(p.score), 0.0) * p.weight
        c[p.var.slice] = np.repeat(worth, T) * np.tile(Y, n)
        w = np.repeat((n - p.rank + 1).astype(float), T) * np.tile(earlier, n)
        tie[p.var.slice] = w if p.weight > 0 else w - (float(w.sum()) + 1.0)


def status_limits(p: StatusPart, due: int, years: tuple[int, ...]) -> list[tuple[int, str]]:
    """What caps a status's awards by the due year (index ``due``), each with its words: the
    zones that may be awarded it (with those failing each criterion, holding it, excluded),
    the count's total and yearly maxima."""
    st = p.status
    fails = [f"`{c.id}` {int((~p.passed[c.id]).sum())}" for c in p.criteria if (~p.passed[c.id]).any()]
    if p.held.any():
        fails.append(f"held already {int(p.held.sum())}")
    if p.excluded.any() and st.exclude is not None:
        fails.append(f"`{st.exclude.id}` {int(p.excluded.sum())}")
    if p.must_convert.any():
        fails.append(f"must convert {int(p.must_convert.sum())}")
    q = int(p.ok.sum())
    out = [(q, f"{q} of {p.zones.size} zones may be awarded {p.label}" + (f" (not: {', '.join(fails)})"
                                                                           if fails else ""))]
    c = p.count
    if c is not None and c.total_max is not None:
        out.append((int(c.total_max), f"count `{c.id}` allows at most {c.total_max} in all"))
    if c is not None and c.per_year_max is not None:
        n = int(c.per_year_max) * (due + 1)
        out.append((n, f"count `{c.id}` allows at most {c.per_year_max} a year: {n} by {years[due]}"))
    return out


def _fails_of(p: StatusPart, j: int) -> str:
    """The criteria zone ``j`` of the part fails, each with its value and what it asks."""
    out = []
    for c in p.criteria:  # a loop over criteria
        if not p.passed[c.id][j]:
            v = p.values[c.id][j]
            out.append(f"criterion `{c.id}`" + (f" ({c.cited})" if c.cited else "")
                       + f": {'missing' if np.isnan(v) else f'{v:.6g}'}, needs {criterion_text(c)}")
    return "; ".join(out)


def status_conflicts(p: StatusPart, zt: ZoneTable, T: int) -> list[str]:
    """What rules out a status's plan from the data alone, in rule terms: a named zone the
    status does not apply to, or that fails a criterion, is excluded or must convert; a count
    floor more than the zones that may be awarded it; more named zones than the count allows.
    A loop over the named zones of one status (a handful)."""
    st = p.status
    out: list[str] = []
    if st.named is not None:
        rule = f"rule `{st.named.id}`" + (f" ({st.named.cited})" if st.named.cited else "")
        ids = pd.Index(zt.ids[p.zones])
        held = set(zt.ids[p.zones[p.held]].tolist())
        for z in st.named.zones:
            j = int(ids.get_indexer([z])[0])
            if j < 0:
                out.append(f"{rule} names {z} for {p.label}, but status `{st.id}` does not apply to it "
                           "(not selected, or a candidate)")
            elif z in held or p.ok[j]:
                continue
            elif p.excluded[j] and st.exclude is not None:
                out.append(f"{rule} names {z} for {p.label}, but rule `{st.exclude.id}`"
                           + (f" ({st.exclude.cited})" if st.exclude.cited else "") + " excludes it")
            elif p.must_convert[j]:
                out.append(f"{rule} names {z} for {p.label}, but it must convert (convert.required)")
            else:
                out.append(f"{rule} names {z} for {p.label}, but it fails " + _fails_of(p, j))
    c = p.count
    if c is not None:
        named = int(p.named.sum())
        most = int(p.ok.sum())
        need = max(c.total_min or 0, (c.per_year_min or 0) * T)
        cite = f"rule `{c.id}`" + (f" ({c.cited})" if c.cited else "")
        if need > most:
            out.append(f"{cite} asks for {need} award(s) of {p.label}, but at most {most} of {p.zones.size} zones "
                       "may be awarded it")
        cap = min(c.total_max if c.total_max is not None else named,
                  c.per_year_max * T if c.per_year_max is not None else named)
        if named > cap and st.named is not None:
            out.append(f"rule `{st.named.id}` names {named} zone(s) for {p.label}, but {cite} allows at most {cap}")
    return out


__all__ = ["StatusPart", "build_statuses", "status_objective", "status_limits", "status_conflicts"]
