"""Solve the designation model and read the solution back as a
:class:`~zoneopt.plans.designation.DesignationPlan`: who is designated, recommended or
converted in which year, and for every other zone the criterion it fails or the rule that binds
(models/designation.md, "Why not")."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import numpy.typing as npt
import pandas as pd

from zoneopt.core.solution import Solution, SolveOptions
from zoneopt.core.solve import DEFAULT_BACKEND
from zoneopt.core.solve import solve as core_solve
from zoneopt.errors import InfeasibleError
from zoneopt.instance import Instance
from zoneopt.models.designation import (
    ONCE_RULE,
    DesignationModel,
    Part,
    build_designation_model,
    quick_conflicts,
    target_limits,
    tie_break_model,
)
from zoneopt.models.designation_parts import count_tight, fail_text, first_failed
from zoneopt.models.designation_status_plan import status_table
from zoneopt.models.outcome import max_violation, raise_for_status
from zoneopt.models.rules import binding_tables, columns_to_zones
from zoneopt.models.year_targets import STATUS_COLUMNS
from zoneopt.plans.designation import DECISION, DesignationPlan, DesignationSummary
from zoneopt.plans.glossary import Phrase, Term, spoken

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
ObjArray = npt.NDArray[np.object_]


def solve_designation(instance: Instance, backend: str = DEFAULT_BACKEND, *, time_limit: float | None = None,
                      mip_gap: float | None = None, options: SolveOptions | None = None) -> DesignationPlan:
    """Build and solve the designation model of ``instance`` (its ``designation`` section);
    return the checked plan. With ``objective.tie_break`` (default) a second solve keeps the
    measure's optimum and breaks ties by rank and year. Raises :class:`InfeasibleError` (exit
    code 3) naming the rules in conflict — from the data first (a count floor more than the
    qualifying candidates allow, with the criteria that thin them), else by the rule-level
    diagnosis —, :class:`NoSolutionError` (4) and :class:`InstanceError` (2)."""
    dm = build_designation_model(instance)
    what = f"designation of {instance.name!r}"
    quick = quick_conflicts(dm)
    if quick:
        raise InfeasibleError(f"{what} is infeasible: {quick}")
    opts = SolveOptions.merged(options, time_limit=time_limit, mip_gap=mip_gap)
    dm = least_shortfall(dm, backend, opts)
    first = core_solve(dm.model, backend, options=opts)
    raise_for_status(first, dm.model, what, unit="zones", rules=dm.rules,
                     time_limit=max(30.0, 10.0 * first.runtime))
    final = first
    if dm.settings.objective.tie_break:
        assert first.objective is not None
        second = core_solve(tie_break_model(dm, first.objective), backend, options=opts)
        if second.status.has_solution:
            final = second
    return plan_from_solution(dm, final, first)


def least_shortfall(dm: DesignationModel, backend: str = DEFAULT_BACKEND,
                    options: SolveOptions | None = None) -> DesignationModel:
    """The soft designation targets' first stage: minimise Σ_k s_k / need_k under every rule,
    then return ``dm`` with each shortfall held at its value there (so the measure is
    maximised only among the plans that come that close to every soft target); ``dm`` itself
    without a soft target."""
    cols = dm.shortfalls
    if not cols.size:
        return dm
    m = dm.model
    c = np.zeros(m.num_vars)
    for r in dm.targets:  # a loop over targets
        if r.short is not None:
            c[r.short.start] = 1.0 / r.need
    stage = replace(m, c=c, c0=0.0, sense="min", name=m.name + ":least-shortfall", objective_unit="share short")
    sol = core_solve(stage, backend, options=options)
    raise_for_status(sol, stage, f"designation of {dm.instance.name!r} (soft targets' first stage)", unit="zones",
                     rules=dm.rules)
    assert sol.x is not None
    ub = m.ub.copy()
    ub[cols] = np.round(np.maximum(sol.x[cols], 0.0)) + 1e-7
    return replace(dm, model=replace(m, ub=ub))


# -- reading a solution --------------------------------------------------------------------------

def _grid(dm: DesignationModel, p: Part, x: FloatArray) -> tuple[BoolArray, npt.NDArray[np.int64]]:
    """Whether each zone of the part is chosen, and the year index (-1: not chosen)."""
    T = len(dm.years)
    X = x[p.var.slice].reshape(p.zones.size, T) > 0.5
    chosen = np.asarray(X.any(axis=1), dtype=bool)
    return chosen, np.where(chosen, X.argmax(axis=1), -1).astype(np.int64)


def _why_not(dm: DesignationModel, p: Part, chosen: BoolArray, act: FloatArray,
             designated_in: dict[int, list[str]]) -> tuple[ObjArray, ObjArray, ObjArray]:
    """Reason, rule and source for each zone of the part: chosen ones meet every criterion;
    the others fail one, have no room in their county, lose their county's place or the
    count's places to better-scored parks, or add nothing to the measure."""
    s = dm.settings
    n = p.zones.size
    reason = np.full(n, "", dtype=object)
    rule, source = first_failed(p)
    fails = fail_text(p)
    failed = np.array([bool(f) for f in p.failed], dtype=bool) if n else np.zeros(0, dtype=bool)
    reason[failed] = "fails " + fails[failed]
    score = p.score
    if chosen.any():
        reason[chosen] = ("meets every criterion" if p.criteria else "selected") + (
            "; score " + pd.Series(score[chosen]).map(lambda a: f"{a:.6g}").to_numpy(dtype=object)
            if p.name != "convert" else "")
    rest = ~chosen & ~failed
    if p.name == "upgrade":  # qualifies on its criteria but must convert (convert.required)
        blocked = rest & ~p.ok
        reason[blocked] = "must convert to an urban functional area (convert.required): not recommended"
        rule[blocked], source[blocked] = ONCE_RULE, s.source
        rest &= ~blocked
    if p.name == "establish" and rest.any():
        cz = dm.county_of[p.zones]
        names = np.array(dm.counties + [""], dtype=object)[np.where(cz >= 0, cz, len(dm.counties))]
        full = rest & (cz >= 0) & dm.full[np.maximum(cz, 0)]
        room_txt = (" has " + pd.Series(dm.existing[np.maximum(cz, 0)]).astype(str).to_numpy(dtype=object)
                    + " zone(s), its cap is " + pd.Series(dm.cap[np.maximum(cz, 0)]).astype(str).to_numpy(dtype=object))
        reason[full] = "county " + names[full] + room_txt[full] + ", and none of its zones may convert"
        rule[full], source[full] = s.county.id, s.county.cited
        tight = _county_tight(dm, act)
        lost = rest & ~full & (cz >= 0) & tight[np.maximum(cz, 0)]
        taker = np.array([", ".join(designated_in.get(int(c), [])) for c in cz[lost].tolist()], dtype=object)
        reason[lost] = np.where(taker != "", "county " + names[lost] + "'s place goes to " + taker,
                                "county " + names[lost] + room_txt[lost] + " and no conversion frees a place")
        rule[lost], source[lost] = s.county.id, s.county.cited
        rest &= ~full & ~lost
    if rest.any() and count_tight(dm.model, dm.count_rows.get(p.name, (None, None)), act) and p.count is not None:
        low = float(np.nanmin(score[chosen])) if chosen.any() else float("nan")
        reason[rest] = f"the count's places go to parks that score higher (lowest chosen {low:.6g})"
        rule[rest], source[rest] = p.count.id, p.count.cited
        rest[:] = False
    if rest.any():
        worth = np.nan_to_num(p.score[rest]) * (p.weight if p.name != "convert" else 1.0)
        reason[rest] = np.where(worth <= 0, "adds nothing to the measure (its value is 0)",
                                "not chosen: the county and count rules together (see bindings)")
    if p.name == "convert":
        _conversion_text(dm, p, chosen, reason, designated_in)
    reason[chosen & (reason == "")] = "chosen"
    return reason, rule, source


def _conversion_text(dm: DesignationModel, p: Part, chosen: BoolArray, reason: ObjArray,
                     designated_in: dict[int, list[str]]) -> None:
    """A conversion's reason: the place it frees and who takes it; one not made that is
    worth nothing itself frees no place a qualifying candidate needs."""
    cz = dm.county_of[p.zones]
    names = np.array(dm.counties + [""], dtype=object)[np.where(cz >= 0, cz, len(dm.counties))]
    taker = np.array([", ".join(designated_in.get(int(c), [])) for c in cz.tolist()], dtype=object)
    made = chosen & (taker != "")
    reason[made] = "meets every criterion; frees county " + names[made] + "'s place, taken by " + taker[made]
    idle = ~chosen & (reason == "adds nothing to the measure (its value is 0)")
    reason[idle] = "meets every criterion, but frees no place a qualifying candidate needs (worth 0 itself)"


def _county_tight(dm: DesignationModel, act: FloatArray) -> BoolArray:
    """Per county: its row of the last year holds with equality (no place left)."""
    out = np.zeros(len(dm.counties), dtype=bool)
    block = dm.county_rows
    if block is None:
        return out
    m = dm.model
    last = dm.county_row_year[:, 1] == len(dm.years) - 1
    rows = np.arange(block.start, block.start + block.size)[last]
    tight = act[rows] >= m.row_ub[rows] - 0.5
    out[dm.county_row_year[last, 0][tight]] = True
    return out


def _decision_table(dm: DesignationModel, x: FloatArray, act: FloatArray) -> pd.DataFrame:
    f = dm.zones.frame
    years = np.asarray(dm.years)
    T = years.size
    est = dm.parts["establish"]
    ch_e, yi_e = _grid(dm, est, x)
    cz = dm.county_of[est.zones]
    designated_in: dict[int, list[str]] = {}
    for c, z, y in zip(cz[ch_e].tolist(), dm.zones.ids[est.zones[ch_e]].tolist(), years[yi_e[ch_e]].tolist(),
                       strict=True):  # a loop over designated parks only
        designated_in.setdefault(c, []).append(f"{z} ({y})")
    frames = []
    for name, p in dm.parts.items():  # a loop over parts
        chosen, yi = _grid(dm, p, x)
        reason, rule, source = _why_not(dm, p, chosen, act, designated_in)
        c = dm.model.c[p.var.slice].reshape(p.zones.size, T)
        value = np.where(chosen, c[np.arange(p.zones.size), np.maximum(yi, 0)], 0.0)
        base = {col: f[col].to_numpy()[p.zones] for col in ("zone", "name", "city", "county", "level", "kind")}
        frame = pd.DataFrame({"part": name, **base, "score": p.score if name != "convert" else np.nan,
                              "qualifies": p.ok, "failed": p.failed,
                              "decision": np.where(chosen, DECISION[name], ""),
                              "year": pd.array(np.where(chosen, years[np.maximum(yi, 0)], 0), dtype="Int64"),
                              "value": value, "reason": reason, "rule": rule, "source": source})
        frame.loc[~chosen, "year"] = pd.NA
        for crit in p.criteria:  # one column per criterion
            frame[crit.id] = p.values[crit.id]
        frames.append(frame)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _tables(dm: DesignationModel, decisions: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    years = list(dm.years)
    before = dm.zones.size - int(dm.parts["establish"].zones.size)  # every zone that is not a candidate
    chosen = decisions[decisions["decision"] != ""]
    per = chosen.groupby(["year", "part"]).size().unstack(fill_value=0).reindex(years, fill_value=0)
    col = {k: per[k].to_numpy() if k in per else np.zeros(len(years), dtype=np.int64) for k in DECISION}
    zones = before + np.cumsum(col["establish"]) - np.cumsum(col["convert"])
    year_tab = pd.DataFrame({"year": years, "designated": col["establish"], "recommended": col["upgrade"],
                             "converted": col["convert"], "zones": zones})
    est = decisions[decisions["part"] == "establish"]
    conv = chosen[chosen["part"] == "convert"]
    g = est.groupby("county")
    counties = pd.DataFrame({"county": dm.counties, "zones_before": dm.existing, "cap": dm.cap,
                             "convertible": dm.convertible, "full": dm.full}).set_index("county")
    counties["candidates"] = g.size().reindex(counties.index, fill_value=0)
    counties["qualifying"] = g["qualifies"].sum().reindex(counties.index, fill_value=0).astype(int)
    counties["designated"] = est[est["decision"] != ""].groupby("county").size().reindex(counties.index,
                                                                                         fill_value=0)
    counties["converted"] = conv.groupby("county").size().reindex(counties.index, fill_value=0)
    counties["zones_after"] = counties["zones_before"] + counties["designated"] - counties["converted"]
    crit_rows = []
    for where, rules in dm.settings.rules_by_part().items():  # a loop over the section's rules
        for r in rules:
            p = dm.parts.get(where) or dm.statuses.get(where)
            failing = int((~p.passed[r.id]).sum()) if p is not None and r.id in p.passed else None
            info = dm.rules.get(r.id)
            crit_rows.append({"id": r.id, "part": where, "type": info.type if info else "", "asks": info.note
                              if info else "", "source": r.source, "assumption": bool(r.assumption),
                              "failing": failing})
    criteria = pd.DataFrame(crit_rows, columns=["id", "part", "type", "asks", "source", "assumption", "failing"])
    return year_tab, counties.reset_index(), criteria


def target_table(dm: DesignationModel, x: FloatArray) -> pd.DataFrame:
    """One row per designation target (the columns of the plan over years' target status):
    what it requires, the zones counted already plus the part's decisions up to its due year,
    ``met`` or ``short``, and when short what caps it (:func:`target_limits`)."""
    rows = []
    T = len(dm.years)
    for r in dm.targets:  # a loop over targets
        t = r.target
        p = dm.part_of(t)
        made = int(round(float(x[p.var.slice].reshape(p.zones.size, T)[:, :r.due + 1].sum())))
        achieved = r.existing + made
        met = achieved >= t.at_least
        why = ""
        if not met:
            most, limits = target_limits(dm, r)
            why = spoken("tq.d.short", gap=t.at_least - achieved, limits="; ".join(limits),
                         allow="" if most < r.need else Phrase.of("tq.d.allow", most=most, year=dm.years[r.due]))
        shown = t.existing is not None or (t.part == "status" and r.existing > 0)
        counted = Phrase.of("tq.d.counted", k=r.existing) if shown else ""
        decision: object = (Phrase.of("tq.d.status", label=getattr(p, "label", t.status)) if t.part == "status"
                            else Term(f"tq.d.{t.part}"))
        rows.append({"rule": t.id, "type": "designation", "source": t.cited, "year": dm.years[r.due],
                     "scope": spoken("tq.d.scope_candidates" if t.part == "establish" else "tq.scope.zones",
                                     n=p.zones.size),
                     "metric": DECISION.get(t.part, str(t.status)), "unit": "zones",
                     "required": spoken("tq.d.required", n=t.at_least, counted=counted,
                                        decision=decision, year=dm.years[r.due]),
                     "achieved": f"{r.existing} + {made}" if shown else f"{made}",
                     "status": "met" if met else "short", "diagnosis": why})
    return pd.DataFrame(rows, columns=STATUS_COLUMNS)


def plan_from_solution(dm: DesignationModel, solution: Solution, primary: Solution | None = None) -> DesignationPlan:
    """Turn a checked solution into a :class:`DesignationPlan`. ``primary`` is the first
    stage (its objective is the measure); ``solution`` the tie-break's."""
    primary = primary if primary is not None else solution
    assert solution.x is not None
    x = solution.x
    act = dm.model.A @ x
    decisions = _decision_table(dm, x, act)
    years, counties, criteria = _tables(dm, decisions)
    T = len(dm.years)
    blocks = [(p.var.start, np.repeat(p.zones, T)) for p in dm.parts.values()]
    z = columns_to_zones(dm.model.num_vars, blocks, dm.zones.size)
    table, _, _ = binding_tables(dm.model, x, None, 1.0, "zones", z)
    counted = {dm.settings.county.id} | {p.count.id for p in (*dm.parts.values(), *dm.statuses.values())
                                         if p.count is not None}
    counted |= {p.status.named.id for p in dm.statuses.values() if p.status.named is not None}
    bindings = table[table["rule"].isin(counted)].reset_index(drop=True)
    parts = dm.parts
    chosen = decisions[decisions["decision"] != ""]
    n_chosen = chosen["part"].value_counts()
    notes = []
    no_county = int((dm.county_of[parts["establish"].zones] < 0).sum())
    if no_county:
        notes.append(f"{no_county} candidate(s) without a county: the county rule does not apply to them")
    measure = float(dm.model.c @ x)
    summary = DesignationSummary(
        instance=dm.instance.name, synthetic=dm.instance.metadata.synthetic, status=primary.status.value,
        objective=measure, objective_unit="score·years" if dm.settings.objective.timing == "years" else "score",
        tie_break_objective=float(solution.objective) if solution is not primary and solution.objective is not None
        else None, backend=solution.backend, runtime_s=solution.runtime + (primary.runtime if primary is not solution
                                                                           else 0.0),
        mip_gap=primary.mip_gap, years=list(dm.years), source=dm.settings.source,
        candidates=int(parts["establish"].zones.size), qualifying=int(parts["establish"].ok.sum()),
        designated=int(n_chosen.get("establish", 0)),
        upgrade_candidates=int(parts["upgrade"].zones.size) if "upgrade" in parts else 0,
        recommended=int(n_chosen.get("upgrade", 0)),
        conversion_candidates=int(parts["convert"].zones.size) if "convert" in parts else 0,
        converted=int(n_chosen.get("convert", 0)), zones_before=int(years["zones"].iloc[0] - years["designated"].iloc[0]
                                                                     + years["converted"].iloc[0]),
        zones_after=int(years["zones"].iloc[-1]), check_max_violation=max_violation(solution), notes=notes,
        awarded={k: int((x[p.var.slice] > 0.5).sum()) for k, p in dm.statuses.items()})
    return DesignationPlan(summary, decisions, years, counties, criteria, bindings, target_table(dm, x),
                           status_table(dm, x, act))


__all__ = ["solve_designation", "plan_from_solution"]
