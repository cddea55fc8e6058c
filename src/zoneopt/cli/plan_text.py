"""A solved plan as the command line prints it, in the chosen language (:class:`Display`): the
headline, the zone table with a 合计 row (no scientific notation), the objective in one
sentence, the rules that bind for the plan as a whole (said once, not on every row), the
status, notes and warnings. ``solve`` prints every plan of an instance through
:func:`plan_lines`."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zoneopt.instance import Instance
    from zoneopt.plans import Plan, ResourcePlan
    from zoneopt.plans.display import Display

SHOWN_ZONES = 60
"""Zones printed without ``--all`` (the 合计 row sums them all)."""
LAND_COLUMNS = ("zone", "name", "city", "allocation_mu", "request_mu", "fulfilment", "binding_rules")


def banner(name: str, synthetic: bool, display: Display, extra: str = "") -> str:
    """``zoneopt · <instance> · 合成数据 …``."""
    return display.t("solve.banner", name=name) + (f" · {display.t('term.synthetic')}" if synthetic else "") + extra


def plan_lines(plan: Plan | ResourcePlan, display: Display, instance: Instance | None, show_all: bool) -> list[str]:
    """Every line ``solve`` prints for one plan."""
    from zoneopt.plans import Plan

    if isinstance(plan, Plan):
        return land_lines(plan, display, instance, show_all)
    return resource_lines(plan, display, instance, show_all)


def _table(frame: Any, display: Display, show_all: bool, over: Any = None) -> list[str]:
    from zoneopt.plans.display import display_table, to_text

    shown = frame if show_all else frame.head(SHOWN_ZONES)
    lines = [to_text(display_table(shown, display, total_over=over if over is not None else frame))]
    if len(frame) > len(shown):
        lines.append(display.t("term.more_zones", n=len(frame) - len(shown)))
    return lines


def land_lines(plan: Plan, display: Display, instance: Instance | None, show_all: bool) -> list[str]:
    """The land plan: pool, zone table with totals, objective, pool-wide rules, status, warnings."""
    from zoneopt.plans.wording import objective_sentence

    s = plan.summary
    lines = [display.t("solve.land_head", title=display.term("resource.land"), pool=display.mu(s.pool_total_mu),
                       allocated=display.mu(s.allocated_mu), got=s.zones_allocated, zones=s.zones)]
    lines += _table(plan.allocations[list(LAND_COLUMNS)], display, show_all)
    lines.append(objective_sentence(s, display, instance, allocations=plan.allocations))
    lines.append(shared_line(plan.allocations, plan.bindings, display))
    lines.append(display.t("solve.units", money=display.money_unit, rate_money=display.rate_money_unit))
    lines.append(status_line(s, display))
    lines += [display.t("solve.warning", text=display.clean(w)) for w in s.warnings]
    if s.shape is not None:
        lines.append(shape_line(s.shape, display))
    return lines


def shape_line(shape: Any, display: Display) -> str:
    """The plan's shape for one pool (:class:`~zoneopt.plans.shape.PlanShape`) in one line:
    zones given some, zones at 0 by the rule holding them, the smallest nonzero allocation, the
    Gini coefficient per existing mu, the national share, and what is left of the pool and why."""
    from zoneopt.plans.display import percent, significant

    sep = " · "
    pool = display.term(f"pool.{shape.pool}", shape.pool) if shape.pool != "land" else display.term("resource.land")
    line = display.t("solve.shape", pool=pool, given=shape.zones_given, eligible=shape.eligible)
    held = shape.at_zero_by_rule()
    if held:
        line += display.t("solve.shape.at_zero", held=display.join([f"{r} {k}" for r, k in held.items()]))
    if shape.smallest is not None:
        amount, unit = display.quantity_parts(shape.smallest, shape.unit)
        line += sep + display.t("solve.shape.smallest", amount=f"{amount} {unit}", zone=shape.smallest_zone)
    if shape.gini_per_mu is not None:
        line += sep + display.t("solve.shape.gini", g=significant(shape.gini_per_mu, 3))
    if shape.national_share is not None:
        line += sep + display.t("solve.shape.national", share=percent(shape.national_share))
    lapse = shape.lapse
    if lapse.reason != "none":
        amount, unit = display.quantity_parts(lapse.unused, shape.unit)
        why = display.t("solve.shape.no_request") if lapse.reason == "no eligible request left" else display.t(
            "solve.shape.held", rules=display.join([f"{r} ({k})" for r, k in lapse.blocked_by.items()]))
        line += sep + display.t("solve.shape.unused", amount=f"{amount} {unit}", why=why)
    return line


def resource_lines(plan: ResourcePlan, display: Display, instance: Instance | None, show_all: bool) -> list[str]:
    """An emission, fund or portfolio plan: pools, targets, zone table with totals, objective,
    pool-wide rules, status, notes and warnings."""
    from zoneopt.plans.wording import objective_sentence
    from zoneopt.resources import REGISTRY

    s = plan.summary
    row = REGISTRY[s.resource]
    title = display.term(f"resource.{s.resource}", row.title)
    head = display.t("solve.resource_head", resource=s.resource, title=title,
                     method=display.term(f"method.{s.method}", s.method), got=s.zones_allocated, zones=s.zones)
    if s.projects is not None:
        head += " · " + display.t("solve.projects", chosen=s.projects_chosen, total=s.projects)
    lines = [head]
    lines.append(display.t("solve.pools", pools=" · ".join(pool_use(p, display) for p in s.pools)))
    lines += [target_line(t, display, instance) for t in s.targets]
    columns = ["zone", "name", "city", *row.glance(list(plan.allocations.columns)), "binding_rules"]
    lines += _table(plan.allocations[columns], display, show_all, plan.allocations)
    lines.append(objective_sentence(s, display, instance, allocations=plan.allocations, projects=plan.projects))
    lines.append(shared_line(plan.allocations, plan.bindings, display))
    lines.append(display.t("solve.units", money=display.money_unit, rate_money=display.rate_money_unit))
    lines.append(status_line(s, display))
    lines += [display.t("solve.note", text=display.clean(n)) for n in s.notes]
    lines += [display.t("solve.warning", text=display.clean(w)) for w in s.warnings]
    lines += [shape_line(shape, display) for shape in s.shapes]
    return lines


def pool_use(p: Any, display: Display) -> str:
    """``SO2 已分配 179.760 / 222.000 吨/年``."""
    allocated, _ = display.quantity_parts(p.allocated, p.unit)
    total, unit = display.quantity_parts(p.total, p.unit)
    return display.t("solve.pool_use", pool=display.term(f"pool.{p.pool}", p.pool), allocated=allocated,
                     total=total, unit=unit)


def target_line(t: Any, display: Display, instance: Instance | None) -> str:
    """A portfolio target: what it asks in the unit of its clause (营业收入 ≥ 1,000 亿元/年), what
    the plan achieves."""
    from zoneopt.plans.display import percent

    rule = next((r for r in (instance.portfolio.rules if instance is not None else ()) if r.id == t.rule), None)
    src = display.paren(t.source) if t.source else ""
    if t.kind == "count":
        if rule is not None and rule.type == "count_target":
            what = display.t("solve.target.count", metric=display.term(f"indicator.{rule.metric}", rule.metric),
                             threshold=display.money_words(rule.threshold, per_year=True))
        else:
            what = t.unit
        achieved, required = f"{t.achieved:,.0f}", f"≥ {t.required:,.0f}"
    else:
        quantity = getattr(rule, "quantity", None)
        what = display.t("solve.target.share", quantity=display.term(f"quantity.{quantity}", str(quantity))) \
            if quantity is not None else t.unit
        achieved, required = percent(t.achieved), f"≥ {percent(t.required)}"
    met = display.t("solve.target.met") if t.met else display.t("solve.target.not_met")
    return display.t("solve.target", rule=t.rule, source=src, what=what, achieved=achieved, required=required, met=met)


def shared_line(allocations: Any, bindings: Any, display: Display) -> str:
    """The rules that bind on the pool or on several zones, once for the plan."""
    from zoneopt.plans.display import shared_bindings

    shared = shared_bindings(allocations, bindings)
    if not shared:
        return display.t("solve.no_shared")
    parts = [display.t("solve.shared_rule", rule=rule, source=display.paren(display.clean(src)) if src else "",
                       rows=display.t("solve.shared_rows", n=n) if n != 1 else display.t("solve.shared_row"))
             for rule, src, n in shared]
    return display.t("solve.shared", rules=display.join(parts))


def status_line(s: Any, display: Display) -> str:
    """Status, backend, time, MIP gap and the independent check, without scientific notation."""
    from zoneopt.plans.display import fixed, significant

    gap = display.t("solve.gap", gap=significant(s.mip_gap, 3, 9)) if s.mip_gap is not None else ""
    v = s.check_max_violation
    if v is None or (isinstance(v, float) and math.isnan(v)) or abs(v) < 1e-9:
        violation = display.t("solve.violation_tiny")
    else:
        violation = display.t("solve.violation", v=significant(v, 3, 9))
    return display.t("solve.status", status=display.term(f"status.{s.status}", s.status), backend=s.backend,
                     seconds=fixed(s.runtime_s, 3), gap=gap, violation=violation)
