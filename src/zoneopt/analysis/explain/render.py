"""Text for people, in the display's language (:class:`~zoneopt.plans.display.Display`, from
the glossary): numbers (:func:`num`, :func:`signed`, never in scientific notation), a zone's
line in each evaluation (:func:`evaluation_lines`) and one resource section
(:func:`resource_text`: its allocation, pool price, the rules binding for the zone and those it
shares, re-solves, weight threshold, tilt positions, or the portfolio's projects). Amounts of
money are in the display's money unit; prices per mu or per t in the instance's.
:meth:`~zoneopt.analysis.explain.explanation.ZoneExplanation.text` puts them under the zone's
header. A project's one-line reason is the model's own words (English)."""

from __future__ import annotations

import math
from types import SimpleNamespace

from zoneopt.analysis.explain.results import (
    EvaluationLine,
    Neighbour,
    ResourceExplanation,
    TiltPosition,
    WeightThreshold,
    ZoneRule,
)
from zoneopt.plans.display import Display, percent, significant

_EN = Display()


def num(v: float | None, digits: int = 6) -> str:
    """A number for people: thousands separators, up to ``digits`` significant digits, never
    scientific notation."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "-"
    if isinstance(v, float) and math.isinf(v):
        return "∞" if v > 0 else "-∞"
    if abs(v) < 1e-9:
        return "0"
    return significant(v, digits, 6)


def signed(v: float, digits: int = 6) -> str:
    """A change for people: ``+`` or ``-`` in front, ``±0`` for none."""
    if math.isnan(v):
        return "-"
    if abs(v) < 1e-9:
        return "±0"
    return ("+" if v > 0 else "") + num(v, digits)


def _unit(unit: str, d: Display) -> str:
    """A model's unit string in the display's words: ``万元 (1e4 yuan)/yr per mu`` → ``万元/年/亩``."""
    return d.model_unit(unit)


def _source(source: str | None, d: Display) -> str:
    """A rule's clause in brackets, an assumption marked the display's way (（假设）)."""
    return f" ({d.clean(source)})" if source else ""


def _is_money(unit: str) -> bool:
    return unit.split(" ")[0].split("/")[0] in ("yuan", "万元", "亿元")


def _amount(v: float, unit: str, d: Display, sign: bool = False) -> str:
    """An amount of a resource in its unit (money in the display's money unit)."""
    if _is_money(unit):
        text = signed(v * d.money_factor, 6) if sign else num(v * d.money_factor)
        return f"{text} {d.money_unit}"
    return f"{signed(v) if sign else num(v)} {_unit(unit, d)}"


def _objective(r: ResourceExplanation, v: float, d: Display, sign: bool = False) -> str:
    """The objective (or a change of it) in its unit, as ``solve`` says it."""
    from zoneopt.plans.wording import objective_value

    if math.isnan(v):
        return "-"
    summary = SimpleNamespace(objective_kind=r.objective_kind, objective=abs(v) if sign else v,
                              resource=r.resource.split(":")[0], objective_unit=r.objective_unit)
    text = objective_value(summary, d)
    if text == "-" or " " not in text and not text.endswith("%"):
        text = f"{num(abs(v) if sign else v)} {_unit(r.objective_unit, d)}"
    elif sign and d.money_unit in text:  # a change: significant digits, not the unit's two decimals
        text = f"{significant(abs(v) * d.money_factor, 4, 6)} {text.split(' ', 1)[1]}"
    if not sign:
        return text
    return "±0" if abs(v) < 1e-9 else ("+" if v > 0 else "-") + text


def _who(n: Neighbour) -> str:
    return f"{n.name} ({n.zone})" if n.name else n.zone


def evaluation_lines(evaluations: tuple[EvaluationLine, ...], d: Display = _EN) -> list[str]:
    """The zone's result in each evaluation (no lines without evaluations)."""
    if not evaluations:
        return []
    lines = [d.t("explain.evaluations")]
    for ev in evaluations:
        tag = d.t("explain.assigns", what=d.figures(ev.assigns)) if ev.assigns else ""
        if ev.error:
            lines.append(d.t("explain.eval_failed", id=ev.evaluation, method=d.method(ev.method), tag=tag,
                             error=ev.error))
            continue
        rank = d.t("explain.rank", rank=num(ev.rank), of=ev.ranked) if ev.rank is not None else d.t("explain.unranked")
        lines.append(d.t("explain.eval_line", id=ev.evaluation, method=d.method(ev.method),
                         source=("，" if d.zh else ", ") + d.clean(ev.source) if ev.source else "", tag=tag,
                         score=num(ev.score, 4),
                         unit=d.term(f"eval.unit.{ev.score_unit}", ev.score_unit), rank=rank, grade=ev.grade or "-"))
    return lines


def _title(r: ResourceExplanation, d: Display) -> str:
    """The section's name: the resource's key in English (``emissions:SO2``), its title in Chinese."""
    if not d.zh:
        return r.resource
    base, _, pollutant = r.resource.partition(":")
    words = d.term(f"resource.{base}", base)
    return f"{words} {pollutant}" if pollutant else words


def resource_text(r: ResourceExplanation, d: Display = _EN) -> list[str]:
    """One resource section as lines of text."""
    u = r.unit
    shown_unit = d.money_unit if _is_money(u) else _unit(u, d)
    out = [d.t("explain.section", title=_title(r, d), unit=shown_unit)]
    if r.resource == "portfolio":
        return out + _portfolio_text(r, d)
    req = d.t("explain.no_request") if r.request is None else d.t("explain.request", request=_amount(r.request, u, d))
    ful = d.t("explain.fulfilled", p=percent(r.fulfilment)) if r.fulfilment is not None else ""
    out.append(d.t("explain.allocation", allocation=_amount(r.allocation, u, d), request=req, fulfilled=ful,
                   pool=_amount(r.pool_total, u, d), allocated=_amount(r.pool_allocated, u, d)))
    out.append("  " + _objective_line(r, d))
    if r.method == "zsg-dea":
        return out + [d.t("explain.note", text=d.clean(note)) for note in r.notes]
    if r.pool_rule:  # a generic section of several pools without zone columns names none
        src = f", {d.clean(r.pool_source)}" if r.pool_source else ""
        held = ""
        if not (math.isnan(r.pool_range_lower) and math.isnan(r.pool_range_upper)):
            held = d.t("explain.pool_holds", lo=_amount(r.pool_range_lower, u, d), hi=_amount(r.pool_range_upper, u, d))
        price = f"{num(r.pool_price)} {_unit(r.price_unit, d)}" if not math.isnan(r.pool_price) \
            else d.t("explain.no_duals")
        out.append(d.t("explain.pool_price", rule=r.pool_rule, source=src, price=price, held=held))
    what = d.t("explain.price_what_lp") if r.method == "lp" else d.t("explain.price_what_mip")
    if r.for_zone:
        out.append(d.t("explain.binding", what=what))
        out += [_rule_line(x, u, d) for x in r.for_zone]
    else:
        out.append(d.t("explain.no_binding", tilt=d.t("explain.and_tilt") if r.tilts else ""))
    if r.shared:
        out.append(d.t("explain.shared", what=what))
        out += [_rule_line(x, u, d) for x in r.shared]
    slack = [x for x in r.rules if not x.binding and x.rule != r.pool_rule and x.type != "tilt"]
    if slack:
        out.append(d.t("explain.room", rules=d.join(
            d.t("explain.room_rule", rule=x.rule, side=d.term(f"side.{x.side}", x.side),
                bound=_amount(x.bound, u, d), slack=_amount(x.slack, u, d)) for x in slack)))
    out += _steps_text(r, d)
    if r.weight is not None:
        out += _weight_text(r, r.weight, d)
    for t in r.tilts:
        out += _tilt_text(r, t, d)
    out += [d.t("explain.note", text=d.clean(note)) for note in r.notes]
    return out


def _objective_line(r: ResourceExplanation, d: Display) -> str:
    return d.t("objective.head", kind=d.term(f"objective.kind.{r.objective_kind}", r.objective_kind),
               value=_objective(r, r.objective, d))


def _steps_text(r: ResourceExplanation, d: Display) -> list[str]:
    u = r.unit
    out = [d.t("explain.steps", step=_amount(r.step, u, d))] if r.steps else []
    for s in r.steps:
        what = d.t("explain.step_pool") if s.rule == r.pool_rule else f"{s.rule} {s.row}"
        moved = f"{what} {_amount(s.bound, u, d)} → {_amount(s.bound + s.delta, u, d)}"
        if s.status not in ("optimal", "feasible"):
            out.append(d.t("explain.step_failed", moved=moved, status=d.term(f"status.{s.status}", s.status)))
            continue
        pred = ""
        if not math.isnan(s.predicted):
            differs = abs(s.predicted - s.objective_change) > 1e-6 * max(1.0, abs(r.objective))
            pred = d.t("explain.predicted", p=_objective(r, s.predicted, d, sign=True),
                       differs=d.t("explain.differs") if differs else "")
        out.append(d.t("explain.step", moved=moved, change=_amount(s.change, u, d, sign=True),
                       allocation=_amount(s.allocation, u, d), objective=_objective(r, s.objective_change, d, True),
                       predicted=pred))
    return out


def _rule_line(x: ZoneRule, u: str, d: Display) -> str:
    src = _source(x.source, d)
    price = d.t("explain.price", price=f"{num(x.shadow_price)} {_unit(x.price_unit, d)}") \
        if not math.isnan(x.shadow_price) else ""
    rng = "" if math.isnan(x.range_lower) and math.isnan(x.range_upper) else \
        d.t("explain.range", lo=num(x.range_lower), hi=num(x.range_upper))
    return d.t("explain.rule_line", rule=x.rule, source=src, type=d.rule_type(x.type), row=x.row,
               side=d.term(f"side.{x.side}", x.side), bound=_amount(x.bound, u, d), price=price, range=rng)


def _portfolio_text(r: ResourceExplanation, d: Display) -> list[str]:
    out = [d.t("explain.portfolio", chosen=num(r.allocation), total=num(r.request), all_chosen=num(r.pool_allocated),
               all_total=num(r.pool_total), objective=_objective_line(r, d))]
    for x in r.rules:
        src = _source(x.source, d)
        state = d.t("explain.binds") if x.binding else d.t("explain.away", slack=num(x.slack))
        out.append(d.t("explain.target", rule=x.rule, source=src, row=x.row, side=d.term(f"side.{x.side}", x.side),
                       bound=num(x.bound), activity=num(x.activity), state=state))
    if r.projects:
        out.append(d.t("explain.projects"))
    for p in r.projects:
        name = f"{p.name} ({p.project})" if p.name else p.project
        needs = [f"{d.term('pool.land')} {num(p.land_mu)} {d.term('unit.mu')}"]
        needs += [f"{k} {num(v)} {d.term('unit.tonnes')}" for k, v in p.emissions_t.items()]
        needs.append(f"{d.term('pool.funds')} {d.money_words(p.fund)}")
        out.append(d.t("explain.project", mark="✓" if p.chosen else "✗", name=name,
                       sector=f" · {p.sector}" if p.sector else "", worth=num(p.objective_term),
                       needs=", ".join(needs), revenue=d.money_words(p.revenue, per_year=True)))
        out.append(f"      {d.clean(p.reason).replace(d.clean(p.objective_unit), _unit(p.objective_unit, d))}")
        if p.forced_changes:
            out.append(d.t("explain.forced", how=d.t("explain.without") if p.chosen else d.t("explain.with"),
                           changes=", ".join(p.forced_changes)))
    out += [d.t("explain.note", text=d.clean(note)) for note in r.notes]
    return out


def _weight_text(r: ResourceExplanation, w: WeightThreshold, d: Display) -> list[str]:
    out = []
    if w.blocked_by:
        out.append(d.t("explain.blocked" if len(w.blocked_by) == 1 else "explain.blocked_many",
                       rules=", ".join(w.blocked_by)))
    if math.isnan(w.rise):
        return out + [d.t("explain.threshold_note", note=d.clean(w.note))]
    unit = _unit(w.unit, d)
    if w.indicator is None:
        return out + [d.t("explain.reduced_cost", unit=d.money_unit if _is_money(r.unit) else _unit(r.unit, d),
                          rise=f"{num(w.rise)} {unit}")]
    lead = d.t("explain.weight_lead_blocked") if w.blocked_by else d.t("explain.weight_lead")
    desc = d.term(f"indicator.{w.indicator}", w.description) if d.zh else w.description  # 亩均税收, not its formula
    out.append(d.t("explain.weight", lead=lead, indicator=w.indicator, desc=desc,
                   value=f"{num(w.value)} {unit}", rise=num(w.rise), target=num(w.value + w.rise),
                   what=d.t("explain.what_land") if r.resource == "land" else d.t("explain.what_any"),
                   stage=d.t("explain.stage") if w.objective_kind == "equity" else ""))
    if w.note:
        out.append(f"    {d.clean(w.note)}")
    if not math.isnan(w.resolved_allocation):
        out.append(d.t("explain.resolved", allocation=_amount(w.resolved_allocation, r.unit, d),
                       rise=num(w.resolved_rise, 4), target=num(w.value + w.resolved_rise, 4), solves=w.solves))
    return out


def _tilt_text(r: ResourceExplanation, t: TiltPosition, d: Display) -> list[str]:
    unit = _unit(r.unit, d)
    per = d.t("explain.per_existing_mu", unit=unit) if t.per == "land_area" else unit
    src = _source(t.source, d)
    price_unit = _unit(r.price_unit, d)
    out = [d.t("explain.tilt", rule=t.rule, source=src, by=d.indicator(t.by), score=num(t.score, 5), rank=t.rank,
               members=t.members, per_mu=num(t.per_mu, 4), per=per)]
    if t.held == "down" and t.above is not None:
        out.append(d.t("explain.held_down", who=_who(t.above), score=num(t.above.score, 5),
                       per_mu=num(t.above.per_mu, 4), per=per, price=f"{num(t.price)} {price_unit}"))
    elif t.held == "up" and t.below is not None:
        out.append(d.t("explain.held_up", who=_who(t.below), score=num(t.below.score, 5),
                       per_mu=num(t.below.per_mu, 4), per=per, price=f"{num(-t.price)} {price_unit}"))
    elif t.held == "tied":
        out.append(d.t("explain.tied"))
    else:
        out.append(d.t("explain.free"))
    for key, n in (("explain.next_higher", t.above), ("explain.next_lower", t.below)):
        if n is not None:
            out.append(d.t("explain.neighbour", label=d.t(key), who=_who(n), score=num(n.score, 5),
                           per_mu=num(n.per_mu, 4), per=per))
    if t.run > 1 and t.run_top is not None and t.run_bottom is not None:
        out.append(d.t("explain.run", n=t.run, top=_who(t.run_top), top_score=num(t.run_top.score, 5),
                       bottom=_who(t.run_bottom), bottom_score=num(t.run_bottom.score, 5)))
    return out
