"""Dynamic management (有升有退, 2017 §十(四), 2022 第八章第三节): from a history of yearly evaluation
scores, decide each year and for each zone an upgrade recommendation, a warning, an area
reduction (核减面积) or a revocation (撤销), by rules that cite their clauses; land freed by
reductions and revocations returns to the land pool (盘活低效用地, 2017 §六(三)) and the
multi-period plan (:mod:`zoneopt.models.multi_period`) adds it to the next year's pool.

The rules and their mathematics are in ``models/dynamic-management.md``. In short, for each
history year t (in order; the state carries over):

* the evaluated zones (a score that year, not revoked) are ranked, 1 = best, ties sharing a rank;
* **warning**: a selected zone in the bottom ``bottom_rank`` / ``bottom_share``, below
  ``below_score``, or with one of ``grades`` — any one suffices; ``run`` counts consecutive
  warned years (a year without a warning, or without an evaluation, resets it);
* **revocation** when ``run ≥ revocation.after_years``; else **reduction** when
  ``run ≥ reduction.after_years``: the zone's land shrinks by ``share`` (compounding);
* **upgrade**: selected zones top-ranked (``top_rank`` / ``top_share``) with a score ≥
  ``min_score``, unwarned, in each of the last ``years`` evaluations are candidates; at most
  ``per_year`` (and ``per_group`` per group) are recommended, the best mean score over those
  years first.

The upgrade selection is *exact and rule-based*: choosing at most K candidates, at most G per
group of a partition (city, county, level or kind), to maximise the total priority is a
maximum-weight basis problem on a laminar matroid, which the greedy rule (best first, skip a
candidate whose group is full) solves optimally; it is also the rule an evaluation office
applies and can explain. ``method: "mip"`` solves the same selection as a binary program with
the core solver (needed for tag groups, which overlap); the tests check the two agree on HiGHS,
CBC and SCIP. Every step is vectorised over zones; loops run over the history years.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from zoneopt.core.model import ModelBuilder
from zoneopt.core.solution import SolveOptions
from zoneopt.core.solve import DEFAULT_BACKEND
from zoneopt.core.solve import solve as core_solve
from zoneopt.data.zones import ZoneTable
from zoneopt.errors import InstanceError, Issue, NoSolutionError
from zoneopt.evaluation.run import evaluated_table
from zoneopt.instance import Instance, Management, ManagementUpgrade
from zoneopt.plans import Exclusion, ManagementResult
from zoneopt.plans.designation import DesignationPlan

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]


def history_arrays(instance: Instance, management: Management,
                   zt: ZoneTable) -> tuple[FloatArray, npt.NDArray[np.object_]]:
    """The score history as a zones × years array (NaN: not evaluated or not listed) and the
    grades as a zones × years object array (None where not given), in zone order."""
    h = management.history
    n, T = zt.size, len(h.years)
    index = pd.Index(zt.ids)
    scores = np.full((n, T), np.nan)
    if h.scores:
        rows = index.get_indexer(list(h.scores))
        scores[rows] = np.array(list(h.scores.values()), dtype=float)  # None → NaN
    grades = np.full((n, T), None, dtype=object)
    if h.grades:
        rows = index.get_indexer(list(h.grades))
        grades[rows] = np.array(list(h.grades.values()), dtype=object)
    return scores, grades


def _count(k: int | None, share: float | None, n_eval: int) -> int:
    """How many ranks a top/bottom criterion covers: the rank limit, the share of the
    evaluated zones rounded up (at least one when the share is positive), or the larger."""
    out = 0
    if k is not None:
        out = max(out, k)
    if share is not None and share > 0:
        out = max(out, max(1, math.ceil(share * n_eval - 1e-9)))
    return out


def _ranks(values: FloatArray, mask: BoolArray, ascending: bool) -> FloatArray:
    """Ranks among ``mask`` (1 = first; ties share the best rank); NaN outside."""
    out = np.full(values.shape, np.nan)
    if mask.any():
        out[mask] = pd.Series(values[mask]).rank(ascending=ascending, method="min").to_numpy(dtype=float)
    return out


def select_upgrades(priority: FloatArray, latest: FloatArray, ids: npt.NDArray[np.object_], candidates: BoolArray,
                    per_year: int, groups: npt.NDArray[np.object_] | None = None,
                    per_group: int | None = None) -> BoolArray:
    """The greedy selection: candidates by priority (then latest score, then id), skipping one
    whose group already has ``per_group``, until ``per_year`` are chosen. Optimal for the
    total priority (a laminar matroid); ``groups`` is one value per zone (a partition)."""
    chosen = np.zeros(priority.size, dtype=bool)
    idx = np.flatnonzero(candidates)
    if idx.size == 0 or per_year <= 0:
        return chosen
    order = idx[np.lexsort((ids[idx].astype(str), -latest[idx], -priority[idx]))]
    if groups is not None and per_group is not None:
        within = pd.Series(groups[order].astype(str)).groupby(groups[order].astype(str)).cumcount().to_numpy()
        order = order[within < per_group]
    chosen[order[:per_year]] = True
    return chosen


def upgrade_mip(priority: FloatArray, candidates: BoolArray, per_year: int, member: Any = None,
                per_group: int | None = None, *, backend: str = DEFAULT_BACKEND, rule: str = "upgrade",
                source: str | None = None, time_limit: float | None = None) -> tuple[BoolArray, float]:
    """The upgrade selection as a binary program: maximise Σ priority_i y_i over candidates,
    Σ y ≤ ``per_year`` and, with ``member`` (groups × zones, sparse 0/1), each group's Σ y ≤
    ``per_group``. Returns the chosen mask and the total priority. Raises
    :class:`NoSolutionError` when the solver finds no optimum."""
    import scipy.sparse as sp

    chosen = np.zeros(priority.size, dtype=bool)
    idx = np.flatnonzero(candidates)
    if idx.size == 0 or per_year <= 0:
        return chosen, 0.0
    b = ModelBuilder(f"{rule}:selection", "max")
    y = b.add_vars("y", idx.size, lb=0.0, ub=1.0, integer=True, obj=priority[idx])
    b.add_rows(f"{rule}:per_year", sp.csr_matrix(np.ones((1, idx.size))), ub=float(per_year), rule=rule,
               source=source, labels=["per_year"])
    if member is not None and per_group is not None:
        M = sp.csr_matrix(member)[:, idx]
        keep = np.flatnonzero(np.diff(M.indptr) > 0)
        b.add_rows(f"{rule}:per_group", M[keep], ub=float(per_group), rule=rule, source=source)
    sol = core_solve(b.build(), backend, options=SolveOptions(time_limit=time_limit, mip_gap=0.0))
    if sol.x is None or sol.objective is None or sol.status.value != "optimal":
        raise NoSolutionError(f"upgrade selection ({rule}): {sol.backend} found no optimum "
                              f"({sol.status.value}: {sol.message})")
    chosen[idx] = sol.x[y.slice] > 0.5
    return chosen, float(sol.objective)


def manage(instance: Instance, *, backend: str = DEFAULT_BACKEND, time_limit: float | None = None,
           designation: DesignationPlan | bool | None = None) -> ManagementResult:
    """Run dynamic management on ``instance.management`` (see the module docstring). ``backend``
    and ``time_limit`` serve the upgrade MIP (``method: "mip"``) and the designation.
    ``designation``: a :class:`~zoneopt.plans.designation.DesignationPlan` whose zones are zones
    only from their year (a candidate is not evaluated before its designation year, nor ever
    when not designated; a converted zone not from its conversion year on); ``None`` (default)
    solves the instance's ``designation`` section when it has one; ``False`` ignores it. Raises
    :class:`InstanceError` when the instance has no ``management`` section, or an upgrade
    rule groups by tag with the greedy method; :class:`NoSolutionError` when the MIP fails."""
    m = instance.management
    if m is None:
        raise InstanceError([Issue("management", "dynamic management needs a 'management' section "
                                                 "(a score history and rules)")])
    up, warn, red, rev = m.upgrade, m.warning, m.reduction, m.revocation
    if up is not None and up.group_by == "tag" and up.method == "greedy":
        raise InstanceError([Issue("management.upgrade.group_by",
                                   "tag groups overlap, so the greedy selection is not exact: use method 'mip'")])
    zt = evaluated_table(instance)
    n, ids = zt.size, zt.ids
    years = list(m.history.years)
    scores, grades = history_arrays(instance, m, zt)
    dplan = _designation(instance, designation, backend, time_limit)
    if dplan is not None:  # not a zone that year: not evaluated
        off = dplan.inactive(ids.tolist(), years)
        scores[off] = np.nan
        grades[off] = None
    frame = zt.frame
    sel_warn = zt.select(warn.select) if warn is not None else np.zeros(n, dtype=bool)
    sel_up = zt.select(up.select) if up is not None else np.zeros(n, dtype=bool)
    group_values, member = _upgrade_groups(up, zt)

    area = frame["land_area_mu"].to_numpy(dtype=float).copy()
    revoked = np.zeros(n, dtype=bool)
    upgraded = np.zeros(n, dtype=bool)
    run = np.zeros(n, dtype=np.int64)
    top_run = np.zeros(n, dtype=np.int64)
    rows: list[pd.DataFrame] = []
    summary: list[dict[str, Any]] = []
    exclusions: list[Exclusion] = []
    additions: dict[int, float] = {}
    lag = m.return_lag
    for j, year in enumerate(years):  # a loop over history years; every step is vectorised over zones
        s = scores[:, j]
        g = grades[:, j]
        was_revoked = revoked.copy()
        evaluated = ~revoked & ~np.isnan(s)
        n_eval = int(evaluated.sum())
        rank = _ranks(s, evaluated, ascending=False)
        warned = np.zeros(n, dtype=bool)
        if warn is not None:
            rank_low = _ranks(s, evaluated, ascending=True)
            k = _count(warn.bottom_rank, warn.bottom_share, n_eval)
            hit = rank_low <= k if k > 0 else np.zeros(n, dtype=bool)
            if warn.below_score is not None:
                hit |= s < warn.below_score
            if warn.grades:
                hit |= pd.Series(g).isin(list(warn.grades)).to_numpy(dtype=bool)
            warned = hit & evaluated & sel_warn
        run = np.where(warned, run + 1, 0)
        revoke = (warned & (run >= rev.after_years)) if rev is not None else np.zeros(n, dtype=bool)
        reduce = (warned & (run >= red.after_years) & ~revoke) if red is not None else np.zeros(n, dtype=bool)
        area_before = np.where(was_revoked, np.nan, area)
        freed = np.zeros(n)
        if red is not None:
            freed += np.where(reduce, area * red.share * red.returned_share, 0.0)
            area = np.where(reduce, area * (1.0 - red.share), area)
        if rev is not None:
            freed += np.where(revoke, area * rev.freed_share, 0.0)
        revoked |= revoke

        candidate = np.zeros(n, dtype=bool)
        upgrade = np.zeros(n, dtype=bool)
        if up is not None:
            top = evaluated & sel_up & ~warned
            k = _count(up.top_rank, up.top_share, n_eval)
            if up.top_rank is not None or up.top_share is not None:
                top &= rank <= k
            if up.min_score is not None:
                top &= s >= up.min_score
            top_run = np.where(top, top_run + 1, 0)
            candidate = (top_run >= up.years) & ~revoked
            if up.once:
                candidate &= ~upgraded
            window = scores[:, max(0, j - up.years + 1):j + 1]
            priority = np.nanmean(np.where(candidate[:, None], window, 0.0), axis=1)
            upgrade = _select(up, priority, s, ids, candidate, group_values, member, backend, time_limit)
            upgraded |= upgrade

        rows.append(_year_rows(year, frame, s, rank, n_eval, g, warned, run, top_run, candidate, upgrade, reduce,
                               revoke, revoked, area_before, freed, m))
        freed_total = float(freed.sum())
        effect_year = year + lag
        if freed_total > 0:
            additions[effect_year] = additions.get(effect_year, 0.0) + freed_total
        summary.append({"year": year, "evaluated": n_eval, "upgrades": int(upgrade.sum()),
                        "warnings": int(warned.sum()), "reductions": int(reduce.sum()),
                        "revocations": int(revoke.sum()), "freed_mu": freed_total, "returns_in": effect_year})
        if revoke.any():
            assert rev is not None
            exclusions.append(Exclusion(rev.id, rev.cited, effect_year, tuple(ids[revoke].tolist()),
                                        f"revoked after the {year} evaluation"))
        if red is not None and red.no_new_land and reduce.any():
            exclusions.append(Exclusion(red.id, red.cited, effect_year, tuple(ids[reduce].tolist()),
                                        f"area reduced after the {year} evaluation: no new land in {effect_year}",
                                        "reduction"))

    used = {r.id: r.cited for r in (up, warn, red, rev) if r is not None}
    return ManagementResult(instance.name, instance.metadata.synthetic, pd.concat(rows, ignore_index=True),
                            pd.DataFrame(summary, columns=["year", "evaluated", "upgrades", "warnings", "reductions",
                                                           "revocations", "freed_mu", "returns_in"]),
                            additions, tuple(exclusions), used)


def _designation(instance: Instance, designation: DesignationPlan | bool | None, backend: str,
                 time_limit: float | None) -> DesignationPlan | None:
    if isinstance(designation, DesignationPlan):
        return designation
    if designation is None and instance.designation is not None:
        from zoneopt.models.designation_plan import solve_designation

        return solve_designation(instance, backend, time_limit=time_limit)
    return None


def _upgrade_groups(up: ManagementUpgrade | None, zt: ZoneTable) -> tuple[npt.NDArray[np.object_] | None, Any]:
    if up is None or up.group_by is None:
        return None, None
    names, member = zt.groups(up.group_by)
    if up.group_by == "tag":
        return None, member
    values = zt.frame[up.group_by].to_numpy(dtype=object)
    return np.where(pd.isna(values), "", values).astype(object), member


def _select(up: ManagementUpgrade, priority: FloatArray, latest: FloatArray, ids: npt.NDArray[np.object_],
            candidate: BoolArray, groups: npt.NDArray[np.object_] | None, member: Any, backend: str,
            time_limit: float | None) -> BoolArray:
    if up.method == "mip":
        chosen, _ = upgrade_mip(priority, candidate, up.per_year, member, up.per_group, backend=backend,
                                rule=up.id, source=up.cited, time_limit=time_limit)
        return chosen
    return select_upgrades(priority, np.nan_to_num(latest, nan=-np.inf), ids, candidate, up.per_year, groups,
                           up.per_group)


def _year_rows(year: int, frame: pd.DataFrame, s: FloatArray, rank: FloatArray, n_eval: int,
               g: npt.NDArray[np.object_], warned: BoolArray, run: IntArray, top_run: IntArray, candidate: BoolArray,
               upgrade: BoolArray, reduce: BoolArray, revoke: BoolArray, revoked: BoolArray, area: FloatArray,
               freed: FloatArray, m: Management) -> pd.DataFrame:
    """One history year's rows of the decision table (vectorised string joins)."""
    n = s.size
    actions = np.full(n, "", dtype=object)
    rules = np.full(n, "", dtype=object)
    sources = np.full(n, "", dtype=object)
    for flag, name, rule in ((upgrade, "upgrade", m.upgrade), (warned, "warning", m.warning),
                             (reduce, "reduction", m.reduction), (revoke, "revocation", m.revocation)):
        if rule is None or not flag.any():
            continue
        actions[flag] += name + ";"
        rules[flag] += rule.id + ";"
        sources[flag] += (rule.cited or "-") + " | "

    def strip(v: npt.NDArray[np.object_], tail: str = ";") -> npt.NDArray[np.object_]:
        return pd.Series(v, dtype=object).str.removesuffix(tail).to_numpy(dtype=object)

    return pd.DataFrame({
        "year": np.full(n, year), "zone": frame["zone"].to_numpy(), "name": frame["name"].to_numpy(),
        "city": frame["city"].to_numpy(), "level": frame["level"].to_numpy(), "score": s, "rank": rank,
        "evaluated": np.full(n, n_eval), "grade": g, "warned": warned, "warned_run": run, "top_run": top_run,
        "candidate": candidate, "upgrade": upgrade, "reduction": reduce, "revocation": revoke,
        "status": np.where(revoked, "revoked", "active"), "area_mu": area, "freed_mu": freed,
        "actions": strip(actions), "rules": strip(rules), "sources": strip(sources, " | "),
    })


__all__ = ["manage", "select_upgrades", "upgrade_mip", "history_arrays"]
