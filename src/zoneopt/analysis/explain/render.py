"""Text for people: numbers (:func:`num`, :func:`signed`), a zone's line in each evaluation
(:func:`evaluation_lines`) and one resource section (:func:`resource_text`: its allocation,
pool price, binding rules, re-solves, weight threshold, tilt positions, or the portfolio's
projects). :meth:`~zoneopt.analysis.explain.explanation.ZoneExplanation.text` puts them under
the zone's header."""

from __future__ import annotations

import math

from zoneopt.analysis.explain.results import (
    EvaluationLine,
    Neighbour,
    ResourceExplanation,
    TiltPosition,
    WeightThreshold,
)


def num(v: float | None, digits: int = 6) -> str:
    """A number for people: thousands separators, up to ``digits`` significant digits."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "-"
    if isinstance(v, float) and math.isinf(v):
        return "∞" if v > 0 else "-∞"
    if abs(v) < 1e-9:
        return "0"
    return f"{v:,.{digits}g}"


def signed(v: float, digits: int = 6) -> str:
    """A change for people: ``+`` or ``-`` in front, ``±0`` for none."""
    if math.isnan(v):
        return "-"
    if abs(v) < 1e-9:
        return "±0"
    return ("+" if v > 0 else "") + num(v, digits)


def _who(n: Neighbour) -> str:
    return f"{n.name} ({n.zone})" if n.name else n.zone


def _range(lo: float, hi: float) -> str:
    if math.isnan(lo) and math.isnan(hi):
        return ""
    return f", holds for the bound in [{num(lo)}, {num(hi)}]"


def evaluation_lines(evaluations: tuple[EvaluationLine, ...]) -> list[str]:
    """The zone's result in each evaluation (no lines without evaluations)."""
    if not evaluations:
        return []
    lines = ["evaluations:"]
    for ev in evaluations:
        tag = f" [assigns {', '.join(ev.assigns)}]" if ev.assigns else ""
        if ev.error:
            lines.append(f"  {ev.evaluation} ({ev.method}){tag}: could not run: {ev.error}")
            continue
        rank = f", rank {num(ev.rank)} of {ev.ranked}" if ev.rank is not None else ", unranked"
        lines.append(f"  {ev.evaluation} ({ev.method}{', ' + ev.source if ev.source else ''}){tag}: "
                     f"score {num(ev.score, 4)} {ev.score_unit}{rank}, grade {ev.grade or '-'}")
    return lines


def resource_text(r: ResourceExplanation) -> list[str]:
    """One resource section as lines of text."""
    u = r.unit
    out = [f"{r.resource} ({u}):"]
    if r.resource == "portfolio":
        return out + _portfolio_text(r)
    req = "no request" if r.request is None else f"request {num(r.request)} {u}"
    ful = f" ({r.fulfilment:.1%} fulfilled)" if r.fulfilment is not None else ""
    out.append(f"  allocation {num(r.allocation)} {u} · {req}{ful} · pool {num(r.pool_total)} {u}, "
               f"{num(r.pool_allocated)} allocated")
    out.append(f"  objective ({r.objective_kind}): {num(r.objective, 10)} {r.objective_unit}")
    if r.method == "zsg-dea":
        out += [f"  note: {note}" for note in r.notes]
        return out
    if r.pool_rule:  # a generic section of several pools without zone columns names none
        out.append(_pool_price_line(r))
    binding = [x for x in r.binding if x.rule != r.pool_rule and x.type != "tilt"]
    if binding:
        what = f"objective change per {u} of the bound" if r.method == "lp" else "none in a MIP"
        out.append(f"  rules binding for this zone (shadow price: {what}):")
        for x in binding:
            src = f" ({x.source})" if x.source else ""
            price = f", price {num(x.shadow_price)} {x.price_unit}" if not math.isnan(x.shadow_price) else ""
            out.append(f"    {x.rule}{src} {x.type} {x.row}: {x.side} bound {num(x.bound)} {u}{price}"
                       f"{_range(x.range_lower, x.range_upper)}")
    else:
        out.append("  no rule binds for this zone besides the pool" + (" and the tilt" if r.tilts else ""))
    slack = [x for x in r.rules if not x.binding and x.rule != r.pool_rule and x.type != "tilt"]
    if slack:
        out.append("  rules on this zone with room: " + "; ".join(
            f"{x.rule} {x.side} {num(x.bound)} {u} ({num(x.slack)} {u} away)" for x in slack))
    if r.steps:
        out.append(f"  what would change its allocation (re-solves with one bound moved by {num(r.step)} {u}):")
    for s in r.steps:
        what = "pool" if s.rule == r.pool_rule else f"{s.rule} {s.row}"
        moved = f"{what} {num(s.bound)} → {num(s.bound + s.delta)} {u}"
        if s.status not in ("optimal", "feasible"):
            out.append(f"    {moved}: {s.status}")
            continue
        pred = ""
        if not math.isnan(s.predicted):
            pred = f" (price × step: {signed(s.predicted)}"
            if abs(s.predicted - s.objective_change) > 1e-6 * max(1.0, abs(r.objective)):
                pred += "; differs: the price is one of several at this degenerate optimum, or the step crosses a kink"
            pred += ")"
        out.append(f"    {moved}: allocation {signed(s.change)} {u} (→ {num(s.allocation)}), objective "
                   f"{signed(s.objective_change)}{pred}")
    if r.weight is not None:
        out += _weight_text(r, r.weight)
    for t in r.tilts:
        out += _tilt_text(r, t)
    for note in r.notes:
        out.append(f"  note: {note}")
    return out


def _pool_price_line(r: ResourceExplanation) -> str:
    src = f", {r.pool_source}" if r.pool_source else ""
    held = ""
    if not (math.isnan(r.pool_range_lower) and math.isnan(r.pool_range_upper)):
        held = f", holds for a pool of {num(r.pool_range_lower)} to {num(r.pool_range_upper)} {r.unit}"
    price = f"{num(r.pool_price)} {r.price_unit}" if not math.isnan(r.pool_price) else "none (a MIP has no duals)"
    return f"  pool price (rule {r.pool_rule}{src}): {price}{held}"


def _portfolio_text(r: ResourceExplanation) -> list[str]:
    out = [f"  {num(r.allocation)} of its {num(r.request)} projects chosen · {num(r.pool_allocated)} of "
           f"{num(r.pool_total)} in all · objective ({r.objective_kind}): {num(r.objective, 10)} {r.objective_unit}"]
    for x in r.rules:
        src = f" ({x.source})" if x.source else ""
        state = "binds" if x.binding else f"{num(x.slack)} away"
        out.append(f"  target {x.rule}{src} {x.row}: {x.side} bound {num(x.bound)}, at {num(x.activity)} ({state})")
    if r.projects:
        out.append(f"  projects (the most valuable first; worth: the objective term when chosen, {r.objective_unit}):")
    for d in r.projects:
        name = f"{d.name} ({d.project})" if d.name else d.project
        needs = [f"land {num(d.land_mu)} mu"] + [f"{k} {num(v)} t" for k, v in d.emissions_t.items()]
        needs.append(f"fund {num(d.fund)}")
        out.append(f"    {'✓' if d.chosen else '✗'} {name}{' · ' + d.sector if d.sector else ''}: worth "
                   f"{num(d.objective_term)} · needs {', '.join(needs)} · revenue {num(d.revenue)}")
        out.append(f"      {d.reason}")
        if d.forced_changes:
            out.append(f"      {'without' if d.chosen else 'with'} it the plan also changes: "
                       f"{', '.join(d.forced_changes)}")
    for note in r.notes:
        out.append(f"  note: {note}")
    return out


def _weight_text(r: ResourceExplanation, w: WeightThreshold) -> list[str]:
    out = []
    if w.blocked_by:
        out.append(f"  it gets nothing whatever its weight while {', '.join(w.blocked_by)} "
                   f"{'holds' if len(w.blocked_by) == 1 else 'hold'} it at 0")
    if math.isnan(w.rise):
        out.append(f"  weight threshold: {w.note}")
        return out
    if w.indicator is None:
        out.append(f"  reduced cost: each {r.unit} forced into it would worsen the objective by "
                   f"{num(w.rise)} {w.unit}")
        return out
    lead = "without that, its" if w.blocked_by else "its"
    stage = " (the efficiency tie-break)" if w.objective_kind == "equity" else ""
    what = "land" if r.resource == "land" else "any"
    out.append(f"  {lead} weight {w.indicator} ({w.description}) = {num(w.value)} {w.unit} would have to rise "
               f"by at least {num(w.rise)} to {num(w.value + w.rise)} before it gets {what}{stage} (reduced cost)")
    if w.note:
        out.append(f"    {w.note}")
    if not math.isnan(w.resolved_allocation):
        out.append(f"    re-solves: it gets land ({num(w.resolved_allocation)} {r.unit}) once the weight rises by "
                   f"about {num(w.resolved_rise, 4)} to {num(w.value + w.resolved_rise, 4)} ({w.solves} solves)")
    return out


def _tilt_text(r: ResourceExplanation, t: TiltPosition) -> list[str]:
    per = f"{r.unit} per existing mu" if t.per == "land_area" else f"{r.unit}"
    src = f" ({t.source})" if t.source else ""
    out = [f"  tilt {t.rule}{src}: {t.by} {num(t.score, 5)}, rank {t.rank} of {t.members}; it gets "
           f"{num(t.per_mu, 4)} {per}"]
    if t.held == "down" and t.above is not None:
        out.append(f"    held down to the level of {_who(t.above)} (higher score {num(t.above.score, 5)}, "
                   f"{num(t.above.per_mu, 4)} {per}): it may get no more per mu than that zone; each mu of "
                   f"slack here would be worth {num(t.price)} {r.price_unit}")
    elif t.held == "up" and t.below is not None:
        out.append(f"    tied to {_who(t.below)} (lower score {num(t.below.score, 5)}, "
                   f"{num(t.below.per_mu, 4)} {per}): it must get at least as much per mu as that zone, so that "
                   f"zone gets no more than it; each mu of slack here would be worth {num(-t.price)} {r.price_unit}")
    elif t.held == "tied":
        out.append("    level with its neighbours in the score order, at no cost (the tilt binds with price 0)")
    else:
        out.append("    strictly between its neighbours: the tilt does not bind for it")
    for label, n in (("next higher", t.above), ("next lower", t.below)):
        if n is not None:
            out.append(f"    {label}: {_who(n)}, score {num(n.score, 5)}, {num(n.per_mu, 4)} {per}")
    if t.run > 1 and t.run_top is not None and t.run_bottom is not None:
        out.append(f"    {t.run} zones in score order share this level, from {_who(t.run_top)} "
                   f"(score {num(t.run_top.score, 5)}) to {_who(t.run_bottom)} (score {num(t.run_bottom.score, 5)})")
    return out

