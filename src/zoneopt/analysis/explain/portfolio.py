"""The portfolio sections: with projects, one MIP takes every pool and zone rule, so a zone's
explanation is its totals per resource over its chosen projects (``land``,
``emissions:<pollutant>``, ``funds``: the zone's rule rows, no prices) and a ``portfolio``
section with its projects, chosen and rejected, and why: the rows a rejected project alone
would break, the count targets the zone reaches only with a chosen one, and re-solves with
one project forced in or out."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from zoneopt.analysis.explain.context import ExplainContext, Sections
from zoneopt.analysis.explain.render import num, signed
from zoneopt.analysis.explain.resolve import Solved, resolve, rows_on, rule_of_rows, solved, zone_rules
from zoneopt.analysis.explain.results import Blocker, ProjectDecision, ResourceExplanation
from zoneopt.analysis.explain.section import float_or_none
from zoneopt.core.solution import Solution
from zoneopt.core.solve import solve as core_solve
from zoneopt.instance import MONEY_LABEL, Instance
from zoneopt.plans import ResourcePlan
from zoneopt.plans.glossary import Phrase, Term, spoken

if TYPE_CHECKING:
    from zoneopt.models.portfolio import PortfolioModel

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

PROJECT_RESOLVES = 12
"""At most this many re-solves of a portfolio per explained zone (one project forced in or out each)."""


@dataclass(frozen=True, eq=False)
class _ZonePortfolio:
    """The solved portfolio, read for zone ``j``: its projects ``mine`` and the rule rows on
    them (``rows``), each with the section it belongs to (``key``: ``land``,
    ``emissions:<pollutant>``, ``funds``, or ``portfolio`` for targets) and whether it is about a
    single project (``per_project``: a per-project leverage cap, a minimum fund share)."""

    pm: PortfolioModel
    solution: Solution
    x: FloatArray
    plan: ResourcePlan
    objective: float
    sv: Solved
    j: int
    mine: IntArray
    rows: IntArray
    key: npt.NDArray[np.object_]
    per_project: BoolArray


def portfolio_sections(ctx: ExplainContext) -> Sections:
    """The portfolio's zone totals per resource (``land``, ``emissions:<p>``, ``funds``) and a
    ``portfolio`` section with the zone's projects and why each is in or out."""
    zp = _solve(ctx)
    return Sections((*_total_sections(ctx.instance, zp), _project_section(zp, ctx.project_resolves)), ctx.backend)


def _solve(ctx: ExplainContext) -> _ZonePortfolio:
    """Solve the portfolio (checked as ``solve_portfolio`` checks it) and find the zone's rows."""
    from zoneopt.models.outcome import raise_for_status as raise_resource
    from zoneopt.models.portfolio import build_portfolio_model, portfolio_pool_wide, portfolio_zone_map
    from zoneopt.models.portfolio import plan_from_solution as portfolio_plan

    instance, opts = ctx.instance, ctx.options
    pm = build_portfolio_model(instance)
    m = pm.model
    solution = core_solve(m, ctx.backend, options=opts)
    raise_resource(solution, m, f"portfolio for {instance.name!r}", row_scale=pm.row_scale, rules=pm.rules,
                   time_limit=opts.time_limit if opts.time_limit is not None else 60.0)
    plan = portfolio_plan(pm, solution)
    assert solution.x is not None and plan.objective is not None
    sv = solved(m, solution, pm.row_scale, pm.obj_scale, pm.rules, ctx.backend, opts, portfolio_zone_map(pm),
                portfolio_pool_wide(pm))
    mine = np.flatnonzero(pm.projects.zone == ctx.j)
    rows, key, per_project = _zone_rows(pm, ctx.j, mine, MONEY_LABEL[instance.units.money])
    return _ZonePortfolio(pm, solution, solution.x, plan, plan.objective, sv, ctx.j, mine, rows, key, per_project)


def _zone_rows(pm: PortfolioModel, j: int, mine: IntArray, money: str
               ) -> tuple[IntArray, npt.NDArray[np.object_], BoolArray]:
    """The rule rows on the zone's projects (and on its count-target indicators), the section
    each belongs to (by its unit; targets to ``portfolio``) and which are about single projects."""
    m = pm.model
    cols = [pm.y.start + mine]
    if pm.fund is not None:
        cols.append(pm.fund.start + mine)
    for c in pm.counts:  # the zone's indicator of each count target it is a candidate for
        if c.z is not None and j in c.candidates:
            cols.append(np.array([c.z.start + int(np.flatnonzero(c.candidates == j)[0])], dtype=np.int64))
    rows = rows_on(m, np.concatenate(cols))
    rules_of_rows = rule_of_rows(m)[rows]
    rule_type = np.array([getattr(pm.rules.get(r), "type", "") for r in rules_of_rows], dtype=object)
    block_names = np.array([b.name for b in m.row_blocks], dtype=object)[m.row_block_index()[rows]]
    units = pm.row_unit[rows]
    target = np.isin(rule_type, ["count_target", "share_target"])

    def pollutant_of(block: str, rule: str) -> str:
        rest = block[len(rule):].split(":")
        return rest[1] if len(rest) > 1 else rule.split(":")[-1]

    key = np.array([("portfolio" if target[k] else "land" if units[k] == "mu" else "funds" if units[k] == money
                     else f"emissions:{pollutant_of(block_names[k], rules_of_rows[k])}" if units[k] == "t"
                     else "portfolio") for k in range(rows.size)], dtype=object)  # the zone's few rows
    # Rows about single projects (a per-project leverage cap, a minimum fund share) are the
    # projects' business: they show as blockers of the projects, not as zone rules.
    per_project = np.isin(np.array([n[n.index("[") + 1:-1] for n in m.block_row_names(rows)], dtype=object),
                          pm.projects.ids[mine])
    return rows, key, per_project


def _total_sections(instance: Instance, zp: _ZonePortfolio) -> list[ResourceExplanation]:
    """The zone's total of each resource the portfolio plans, over its chosen projects."""
    from zoneopt.data.requests import emission_requests

    pm, plan, j = zp.pm, zp.plan, zp.j
    money = MONEY_LABEL[instance.units.money]
    a = plan.allocations.iloc[j]
    pools = {pu.pool: pu for pu in plan.summary.pools}
    note = spoken("xnote.portfolio_total")
    sections: list[tuple[str, str, str, float, float | None]] = []
    if "land" in pools:
        req = a.get("request_land_mu") if "request_land_mu" in a else pm.zones.frame["request_land_mu"].iloc[j]
        sections.append(("land", "mu", "land", float(a["land_mu"]), float_or_none(req)))
    for p in (instance.pools.emissions.pollutants if instance.pools.emissions is not None else {}):
        col = f"{p}_t"
        sections.append((f"emissions:{p}", "t", p, float(a[col]) if col in a else 0.0,
                         float_or_none(emission_requests(instance, p)[j])))
    if "funds" in pools:
        sections.append(("funds", money, "funds", float(a["funds"]), None))  # projects carry the fund requests
    out = []
    for resource, unit, pool_name, allocation, request in sections:  # at most a few resources
        pu = pools[pool_name]
        mask = (zp.key == resource) & ~zp.per_project
        rules = zone_rules(zp.sv, zp.rows[mask], zp.x, f"{pm.objective_unit} per {unit}", zone=j)
        out.append(ResourceExplanation(
            resource=resource, unit=unit, allocation=allocation, request=request,
            fulfilment=allocation / request if request else None, pool_total=pu.total, pool_allocated=pu.allocated,
            pool_rule=pu.rule, pool_source=next((r.source for r in rules if r.rule == pu.rule), None),
            pool_price=math.nan, pool_range_lower=math.nan, pool_range_upper=math.nan,
            price_unit=f"{pm.objective_unit} per {unit}", objective_kind=plan.summary.objective_kind,
            objective=zp.objective, objective_unit=pm.objective_unit, rules=tuple(rules), step=math.nan, steps=(),
            weight=None, tilts=(), notes=(note,), method="mip"))
    return out


def _project_section(zp: _ZonePortfolio, resolves: int) -> ResourceExplanation:
    """The ``portfolio`` section: the zone's targets and its projects, the most valuable first,
    each with why it is in or out (at most ``resolves`` of them re-solved)."""
    from zoneopt.models.portfolio import chosen_projects

    pm, mine = zp.pm, zp.mine
    pt = pm.projects
    chosen, fund = chosen_projects(pm, zp.solution)
    act = pm.model.A @ zp.x
    rule_row = rule_of_rows(pm.model) != ""
    decisions = []
    order = mine[np.argsort(-pm.contribution[mine], kind="stable")]  # the most valuable first
    for n, p in enumerate(order.tolist()):  # the zone's projects (a few)
        blockers = [] if chosen[p] else _blockers(zp, act, rule_row, p)
        needed = _needed_for(zp, chosen, p) if chosen[p] else []
        status, change, changes = _forced(zp, chosen, p) if n < resolves else ("", math.nan, ())
        decisions.append(ProjectDecision(
            project=str(pt.ids[p]), name=str(pt.names[p] or ""), sector=pt.sector[p] if pt.sector[p] else None,
            chosen=bool(chosen[p]), objective_term=float(pm.contribution[p]), objective_unit=pm.objective_unit,
            land_mu=float(pt.land[p]), emissions_t={k: float(v[p]) for k, v in pt.emissions.items() if v[p]},
            fund=float(pt.fund[p]), fund_given=float(fund[p]), investment=float(pt.investment[p]),
            tax=float(pt.tax[p]), revenue=float(pt.revenue[p]), blocked_by=tuple(blockers), needed_for=tuple(needed),
            forced_status=status, forced_objective_change=change, forced_changes=changes,
            reason=_project_reason(bool(chosen[p]), blockers, needed, status, change, pm.objective_unit)))
    count = int(chosen[mine].sum())
    trules = zone_rules(zp.sv, zp.rows[zp.key == "portfolio"], zp.x, "")
    notes = [spoken("xnote.p.count", k=count, n=mine.size, all_k=int(chosen.sum()), all_n=pt.size)]
    if mine.size > resolves:
        notes.append(spoken("xnote.p.resolves", n=resolves))
    return ResourceExplanation(
        resource="portfolio", unit="projects", allocation=float(count), request=float(mine.size),
        fulfilment=count / mine.size if mine.size else None, pool_total=float(pt.size),
        pool_allocated=float(chosen.sum()), pool_rule="", pool_source=None, pool_price=math.nan,
        pool_range_lower=math.nan, pool_range_upper=math.nan, price_unit="",
        objective_kind=zp.plan.summary.objective_kind, objective=zp.objective, objective_unit=pm.objective_unit,
        rules=tuple(trules), step=math.nan, steps=(), weight=None, tilts=(), notes=tuple(notes),
        projects=tuple(decisions), method="mip")


def _blockers(zp: _ZonePortfolio, act: FloatArray, rule_row: BoolArray, p: int) -> list[Blocker]:
    """The rule rows (``rule_row``, with activity ``act`` in the plan, model units) that adding
    rejected project ``p`` alone to the plan would break."""
    pm = zp.pm
    m = pm.model
    delta = np.asarray(m.A[:, [pm.y.start + p]].todense()).ravel()
    if pm.fund is not None:  # a partly funded project gets at least its minimum share
        fcol = pm.fund.start + p
        delta = delta + np.asarray(m.A[:, [fcol]].todense()).ravel() * (
            pm.settings.min_fund_share * pm.projects.fund[p] / pm.units["funds"])
    new = act + delta
    tol = 1e-7 * np.maximum(1.0, np.abs(np.where(np.isfinite(m.row_ub), m.row_ub, m.row_lb)))
    over_ub = rule_row & (new > m.row_ub + tol) & (delta > 0)
    under_lb = rule_row & (new < m.row_lb - tol) & (delta < 0)
    hit = np.flatnonzero(over_ub | under_lb)
    names = list(m.block_row_names(hit))
    block_of = m.row_block_index()[hit]
    blockers = []
    for k, r in enumerate(hit.tolist()):  # the rows it would break (a few)
        b = m.row_blocks[int(block_of[k])]
        info = pm.rules.get(b.rule or "")
        up = bool(over_ub[r])
        limit = m.row_ub[r] if up else m.row_lb[r]
        bnd = limit * pm.row_scale[r]
        blockers.append(Blocker(rule=b.rule or "", type=getattr(info, "type", ""), source=b.source,
                                row=names[k], side="upper" if up else "lower", bound=float(bnd),
                                activity=float(act[r] * pm.row_scale[r]),
                                over=float(abs(new[r] - limit) * pm.row_scale[r]),
                                unit=str(pm.row_unit[r])))
    return blockers


def _needed_for(zp: _ZonePortfolio, chosen: BoolArray, p: int) -> list[str]:
    """The count targets the zone reaches only with chosen project ``p``."""
    from zoneopt.models.portfolio import TARGET_TOLERANCE

    pt, j, mine = zp.pm.projects, zp.j, zp.mine
    needed = []
    for c in zp.pm.counts:  # a loop over count targets
        if not c.selected[j]:
            continue
        gain = pt.gain(c.rule.metric)
        total = c.base[j] + float(gain[mine][chosen[mine]].sum())
        theta = c.rule.threshold * (1 - TARGET_TOLERANCE)
        if total >= theta and total - gain[p] < theta:
            needed.append(c.rule.id)
    return needed


def _forced(zp: _ZonePortfolio, chosen: BoolArray, p: int) -> tuple[str, float, tuple[str, ...]]:
    """The portfolio re-solved with project ``p`` forced out (chosen) or in (rejected): that
    solve's status, the objective's change and the other projects whose choice changes."""
    pm = zp.pm
    m, pt = pm.model, pm.projects
    col = pm.y.start + p
    lb, ub = m.lb.copy(), m.ub.copy()
    if chosen[p]:
        ub[col] = 0.0
    else:
        lb[col] = 1.0
    sol = resolve(zp.sv, lb=lb, ub=ub, tag=f"{'out' if chosen[p] else 'in'}:{pt.ids[p]}")
    change = math.nan
    changes: tuple[str, ...] = ()
    if sol.status.has_solution and sol.x is not None and sol.objective is not None:
        change = float(sol.objective) * pm.obj_scale - zp.objective
        now = np.round(sol.x[pm.y.slice]) > 0.5
        moved = np.flatnonzero(now != chosen)
        moved = moved[moved != p]
        changes = tuple(("+" if now[q] else "-") + str(pt.ids[q]) for q in moved[:8].tolist())
    return sol.status.value, change, changes


_UNIT_TERMS = {"mu": "unit.mu", "t": "unit.tonnes"}


def _project_reason(chosen: bool, blockers: list[Blocker], needed: list[str], status: str, change: float,
                    unit: str) -> str:
    """One line: why a project is in or out (from the glossary: :func:`spoken`)."""
    solved = status in ("optimal", "feasible") and not math.isnan(change)
    cost: object = ""
    if chosen:
        head: object = Term("xnote.p.chosen")
        reach = Phrase.of("xnote.p.needed", targets=tuple(f"`{t}`" for t in needed)) if needed else ""
        if solved:
            cost = (Phrase.of("xnote.p.drop_costs", cost=f"{num(-change)} {unit}") if change < 0 else
                    Phrase.of("xnote.p.drop_same", change=signed(change)))
        elif status == "infeasible":
            cost = Term("xnote.p.needed_all")
        return spoken("xnote.p.reason", head=head, a=reach, b=cost)
    if blockers:
        parts = tuple(Phrase.of("xnote.p.by", rule=b.rule, v=num(b.over), unit=Phrase.of(
            "xnote.p.unit", unit=Term(_UNIT_TERMS.get(b.unit, ""), b.unit)) if b.unit else "") for b in blockers[:6])
        more = Phrase.of("xnote.p.more", n=len(blockers) - 6) if len(blockers) > 6 else ""
        head = Phrase.of("xnote.p.blocked", parts=parts, more=more)
    else:
        head = Term("xnote.p.fits")
    if solved:
        cost = (Phrase.of("xnote.p.force_costs", cost=f"{num(-change)} {unit}") if change < 0 else
                Phrase.of("xnote.p.force", change=signed(change)))
    elif status == "infeasible":
        cost = Term("xnote.p.never")
    return spoken("xnote.p.reason", head=head, a="", b=cost)

