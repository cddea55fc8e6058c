"""A plan in words: every objective's value with its unit and what it means, in one sentence
(for a blend, each term in its own unit beside the normalised total), and the weights' names
and units in the chosen language. ``solve``, ``compare`` and the report say the objective
through :func:`objective_sentence`, so the three read the same."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from zoneopt.plans.display import Display, percent, significant

if TYPE_CHECKING:
    from zoneopt.instance import Instance

# The indicator units of zoneopt.instance.indicators, word by word ({money} is filled in first).
_UNIT_WORDS_ZH = (("/mu/yr", "/亩/年"), ("/person/yr", "/人/年"), ("/yr", "/年"), ("/mu", "/亩"), ("/tce", "/吨标准煤"),
                  ("tce", "吨标准煤"), ("/t", "/吨"), ("points·mu", "分·亩"), ("points", "分"), ("persons", "人"),
                  ("share", "份额"), ("rank", "等级"), ("mu", "亩"))


def unit_words(unit: str, display: Display) -> str:
    """An indicator's unit (``{money}/mu/yr``) in the display's words: ``万元/亩/年``."""
    out = unit.replace("{money}", display.rate_money_unit)
    if display.zh:
        for a, b in _UNIT_WORDS_ZH:
            out = out.replace(a, b)
    return out


def weight_words(name: str, display: Display, instance: Instance | None = None) -> tuple[str, str]:
    """The name and unit of indicator ``name`` (an objective's weight) in the display's words;
    an evaluation's result is named as such (its score is in points)."""
    from zoneopt.instance.indicators import INDICATORS

    if name in INDICATORS:
        return display.term(f"indicator.{name}"), unit_words(INDICATORS[name][2], display)
    base = name.rsplit(".", 1)[0] if name.endswith((".score", ".grade")) else name
    return display.t("indicator.evaluation", id=base), display.term("unit.points")


def is_money_rate(name: str) -> bool:
    """Whether indicator ``name`` is money per mu per year (亩均税收): a land objective weighted
    by it is money per year."""
    from zoneopt.instance.indicators import INDICATORS

    return name in INDICATORS and INDICATORS[name][2].startswith("{money}/mu")


def _amount(display: Display, v: float | None, unit: str) -> str:
    """A value of an objective in ``unit`` without scientific notation."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "-"
    return f"{significant(v, 6, 4)} {unit}".rstrip()


def objective_value(summary: Any, display: Display, instance: Instance | None = None) -> str:
    """The objective's value with its unit, money in the display unit: ``22.86 亿元/年``."""
    kind, v, resource = summary.objective_kind, summary.objective, getattr(summary, "resource", "land")
    if v is None:
        return "-"
    if resource == "land":
        if kind == "efficiency":
            weight = instance.objective.weight if instance is not None else "tax_per_mu"
            if is_money_rate(weight):
                return display.money_amount(v, per_year=True)
            name, unit = weight_words(weight, display, instance)
            return _amount(display, v, f"{unit}·{display.term('unit.mu')}")
        if kind == "equity":
            return percent(v)
        if kind in ("baseline", "tiered", "lexicographic"):
            return f"{display.mu(v)} {display.term('unit.mu')}"
        return significant(v, 4)
    if resource == "emissions":
        if kind == "priority":
            pools = instance.pools.emissions if instance is not None else None
            weight = pools.objective.weight if pools is not None else "energy_reduction_tce"
            return _amount(display, v, weight_words(weight, display, instance)[1])
        return significant(v, 4)
    if kind in ("leverage", "investment") or (resource == "funds" and kind in ("tiered", "lexicographic")):
        return display.money_amount(v)
    if kind == "tax":
        return display.money_amount(v, per_year=True)
    return significant(v, 6, 4)



def objective_sentence(summary: Any, display: Display, instance: Instance | None = None,
                       allocations: Any = None, projects: Any = None) -> str:
    """``目标（效率）：22.86 亿元/年 —— <what it is>``: the objective's kind, its value in its unit
    and its meaning. For a blend, each term in its own unit from ``allocations`` (land) or
    ``projects`` (the portfolio) beside the normalised total; without an ``instance`` the
    plan's own unit string is used."""
    instance = instance if instance is not None else display.instance
    kind = summary.objective_kind
    resource = getattr(summary, "resource", "land")
    head = display.t("objective.head", kind=display.term(f"objective.kind.{kind}", kind),
                     value=objective_value(summary, display, instance))
    meaning = _meaning(summary, display, instance, allocations, projects)
    if meaning is None:
        meaning = summary.objective_unit
    dash = " —— " if display.zh else " — "
    line = head + dash + meaning
    secondary = getattr(summary, "secondary_objective", None)
    if resource == "land" and secondary is not None:
        tie = display.money_amount(secondary, per_year=True) if instance is None or is_money_rate(
            instance.objective.weight) else significant(secondary, 6, 4)
        line += ("；" if display.zh else "; ") + display.t("objective.tie_break", value=tie)
    return line


def _meaning(summary: Any, display: Display, instance: Instance | None, allocations: Any,
             projects: Any) -> str | None:
    kind = summary.objective_kind
    resource = getattr(summary, "resource", "land")
    if instance is None:
        return None
    if resource == "land":
        obj = instance.objective
        if kind == "efficiency":
            name, unit = weight_words(obj.weight, display, instance)
            return display.t("objective.land.efficiency", weight=name, weight_unit=unit)
        if kind == "equity":
            return display.t("objective.land.equity")
        if kind == "baseline":
            return display.t("objective.land.baseline", basis=weight_words(obj.baseline_basis, display, instance)[0])
        if kind == "blend" and allocations is not None:
            return display.t("objective.land.blend", terms=display.join(_land_terms(display, instance, allocations)))
        if kind in ("tiered", "lexicographic", "fairness"):
            return _allocation_meaning(f"objective.land.{kind}", obj, display, instance)
        return None
    if resource == "emissions":
        pools = instance.pools.emissions
        if pools is None:
            return None
        if kind == "priority":
            name, unit = weight_words(pools.objective.weight, display, instance)
            return display.t("objective.emissions.priority", weight=name, weight_unit=unit, n=len(pools.pollutants))
        if kind in ("tiered", "lexicographic", "fairness"):
            return _allocation_meaning(f"objective.emissions.{kind}", pools.objective, display, instance,
                                       n=len(pools.pollutants))
        return display.t("objective.emissions.zsg_dea")
    if resource == "funds":
        weight = instance.pools.funds.objective.weight if instance.pools.funds is not None else "score"
        text = display.t(f"objective.funds.{kind}", weight=weight_words(weight, display, instance)[0])
        tiers = instance.pools.funds.objective.tiers if instance.pools.funds is not None else None
        if kind in ("tiered", "lexicographic") and tiers is not None and tiers.norm == "l2":
            text += display.t("objective.tiered.l2")
        return text
    if resource == "portfolio":
        po = instance.portfolio.objective
        if kind == "blend":
            if projects is None:
                return None
            return display.t("objective.portfolio.blend", terms=display.join(_portfolio_terms(display, po, projects)))
        return display.t(f"objective.portfolio.{kind}", weight=weight_words(po.weight, display, instance)[0])
    return None


def _allocation_meaning(key: str, obj: Any, display: Display, instance: Instance, **fields: Any) -> str:
    """The sentence of a tiered, lexicographic or fairness objective (``key``) with its tiers,
    priority measure and accuracy filled in."""
    from zoneopt.instance import Fairness, Priority, Tiers

    tiers = obj.tiers or Tiers()
    measure = (obj.priority or Priority()).measure
    text = display.t(key, by=weight_words(tiers.by, display, instance)[0] if tiers.by != "grade" else
                     display.term("col.grade", "grade"), base=tiers.base, measure=weight_words(measure, display,
                                                                                             instance)[0],
                     accuracy=significant((obj.fairness or Fairness()).accuracy, 3), **fields)
    if tiers.norm == "l2" and not key.endswith(".fairness"):
        text += display.t("objective.tiered.l2")
    return text


def _land_terms(display: Display, instance: Instance, a: Any) -> list[str]:
    """The land blend's terms, each in its own unit: efficiency (Σ weight × allocation), the
    lowest fulfilment of a zone that asked and is not excluded, the deviation from the baseline."""
    from zoneopt.data.zones import ZoneTable
    from zoneopt.instance import ExcludeRule

    blend = instance.objective.blend or {}
    alloc = a["allocation_mu"].to_numpy(dtype=float)
    out = []
    if blend.get("efficiency"):
        eff = float(np.nansum(a["weight"].to_numpy(dtype=float) * alloc))
        value = display.money_amount(eff, per_year=True) if is_money_rate(instance.objective.weight) \
            else significant(eff, 6, 4)
        out.append(display.t("objective.term.efficiency", value=value, w=significant(blend["efficiency"], 4)))
    if blend.get("equity"):
        zt = ZoneTable.of(instance)
        excluded = np.zeros(zt.size, dtype=bool)
        for rule in instance.rules:
            if isinstance(rule, ExcludeRule):
                excluded |= zt.select(rule.select)
        req = a["request_mu"].to_numpy(dtype=float)
        ok = ~excluded & (np.nan_to_num(req) > 0)
        low = float(np.min(alloc[ok] / req[ok])) if ok.any() else math.nan
        out.append(display.t("objective.term.equity", value=percent(low), w=significant(blend["equity"], 4)))
    if blend.get("baseline"):
        dev = float(np.nansum(np.abs(alloc - a["baseline_mu"].to_numpy(dtype=float))))
        out.append(display.t("objective.term.baseline", value=f"{display.mu(dev)} {display.term('unit.mu')}",
                             w=significant(blend["baseline"], 4)))
    if blend.get("tiered"):
        out.append(display.t("objective.term.tiered", w=significant(blend["tiered"], 4)))
    return out


def _portfolio_terms(display: Display, po: Any, projects: Any) -> list[str]:
    """The portfolio blend's terms over the chosen projects, each in its own unit (before
    sector priorities)."""
    chosen = projects[projects["chosen"].astype(bool)]
    out = []
    for t, w in (po.blend or {}).items():
        if not w:
            continue
        if t == "tax":
            value = display.money_amount(float(chosen["tax"].sum()), per_year=True)
        elif t == "investment":
            value = display.money_amount(float(chosen["investment"].sum()))
        else:
            value = significant(float(chosen["objective_term"].sum()), 6, 4)
        out.append(display.t(f"objective.term.{t}", value=value, w=significant(w, 4)))
    return out




def summary_frame(plan: Any, display: Display) -> Any:
    """A land, emission, fund or portfolio plan's headline as a two-column table (what, value)
    in the display's words: the summary sheet of an export."""
    import pandas as pd

    from zoneopt.plans.display import fixed

    s = plan.summary
    resource = getattr(s, "resource", "land")
    rows: list[tuple[str, str]] = [
        (display.t("field.instance"), s.instance),
        (display.t("field.resource"), display.term(f"resource.{resource}", resource)),
        (display.t("field.synthetic"), display.term("term.yes") if s.synthetic else display.term("term.no")),
        (display.t("field.status"), display.term(f"status.{s.status}", s.status)),
        (display.t("field.objective"), objective_sentence(s, display, allocations=plan.allocations,
                                                          projects=getattr(plan, "projects", None))),
    ]
    if resource == "land":
        rows += [(display.t("field.pool"), f"{display.mu(s.pool_total_mu)} {display.term('unit.mu')}"),
                 (display.t("field.allocated"), f"{display.mu(s.allocated_mu)} {display.term('unit.mu')}")]
    else:
        rows += [(display.t("field.pool") + f" · {display.term(f'pool.{p.pool}', p.pool)}",
                  f"{display.quantity(p.allocated, p.unit)} / {display.quantity(p.total, p.unit)}") for p in s.pools]
    rows += [(display.t("field.zones_allocated"), f"{s.zones_allocated} / {s.zones}"),
             (display.t("field.backend"), f"{s.backend}, {fixed(s.runtime_s, 3)} {display.term('unit.seconds')}")]
    rows += [(display.t("field.note"), n) for n in getattr(s, "notes", [])]
    rows += [(display.t("field.warning"), w) for w in s.warnings]
    return pd.DataFrame(rows, columns=[display.t("col.field"), display.t("col.value_text")])


# -- a diagnosis in words (zoneopt.core.diagnose.Diagnosis) ------------------------------------

def _diag_value(display: Display, v: float, unit: str) -> str:
    """A number of a diagnosis as the display shows it: money converted to the shown unit, other
    amounts to six significant digits (as the diagnosis itself writes them)."""
    from zoneopt.core.diagnose import fmt_amount

    if not unit or not math.isfinite(v) or unit in ("mu", "t", "t/yr"):
        return fmt_amount(v)
    value, words = display.quantity_parts(v, unit)
    return value if words != unit else fmt_amount(v)


def _diag_amount(display: Display, v: float, unit: str) -> str:
    """An amount of a diagnosis with its unit as the display says it."""
    if not unit:
        return _diag_value(display, v, unit)
    return f"{_diag_value(display, v, unit)} {display.quantity_parts(0.0, unit)[1]}"


def _phrase(r: Any, display: Display) -> str:
    """``lowering `rule` by 1,240 mu`` (将 `rule` 的下限降低 1,240 亩), with the moved rows when few."""
    key = {"lower floor": "diag.lower floor", "raise cap": "diag.raise cap"}.get(r.direction, "diag.relax")
    out = display.t(key, rule=r.rule, amount=_diag_amount(display, r.total, r.unit))
    moved = np.flatnonzero((r.lower_by > 0) | (r.raise_by > 0))
    if 0 < moved.size <= 3 and r.rule_rows > 1:
        parts = []
        for k in moved:
            v = float(r.raise_by[k] - r.lower_by[k])
            parts.append(f"{r.labels[k]} {'+' if v > 0 else '−'}{_diag_value(display, abs(v), r.unit)}")
        out += display.t("diag.rows_few", parts=", ".join(parts))
    elif moved.size > 3:
        out += display.t("diag.rows_many", n=moved.size)
    return out


def diagnosis_message(d: Any, display: Display) -> str:
    """A diagnosis in one sentence in the display's language: the conflicting rules, the
    shortfall, the least relaxation that restores feasibility and its alternatives (the words
    of :meth:`zoneopt.core.diagnose.Diagnosis.message`, from the glossary)."""
    if d.feasible:
        return display.t("diag.feasible")
    if d.structural:
        return display.t("diag.structural")
    refs = [display.clean(c.ref()) for c in d.conflict]  # an assumed clause marked （假设） in Chinese
    sep = "、" if display.zh else ", "
    if len(refs) == 1:
        head = display.t("diag.one", refs=refs[0])
    else:
        head = display.t("diag.both" if len(refs) == 2 else "diag.all", refs=sep.join(refs[:-1]), last=refs[-1])
    if d.shortfall is not None and d.shortfall > 0:
        head += display.t("diag.short", amount=_diag_amount(display, d.shortfall, d.unit))
    if not d.relaxations:
        return head
    first, *others = d.relaxations
    effect = display.t("diag.restores" if first.restores_feasibility else "diag.resolves",
                       phrase=_phrase(first, display))
    text = head + ("；" if display.zh else "; ") + effect
    text += "".join(display.t("diag.or", phrase=_phrase(r, display)) for r in others
                    if r.restores_feasibility == first.restores_feasibility)
    if d.more_conflicts:
        text += display.t("diag.more")
    return text


def diagnosis_report(d: Any, display: Display) -> str:
    """Several lines in the display's language: :func:`diagnosis_message`, the conflicting
    rules with their sources and notes, and each relaxation with the rows it moves."""
    if d.feasible or d.structural:
        return diagnosis_message(d, display)
    lines = [diagnosis_message(d, display), "", display.t("diag.conflict_head")]
    width = max(len(c.rule) for c in d.conflict)
    twidth = max(len(c.type) for c in d.conflict)
    for c in d.conflict:
        extra = "  ".join(s for s in (c.source or "", c.note or "") if s)
        lines.append(f"  {c.rule:<{width}}  {c.type:<{twidth}}  {extra}".rstrip())
    lines += ["", display.t("diag.relax_head")]
    for r in d.relaxations:
        note = "" if r.restores_feasibility else display.t("diag.partial")
        if not r.optimal:
            note += display.t("diag.time_limit")
        lines.append(display.t("diag.relax_line", direction=display.t(f"diag.dir.{r.direction}"), rule=r.rule,
                               amount=_diag_amount(display, r.total, r.unit), note=note))
        ch = r.changes()
        unit = f" {display.quantity_parts(0.0, r.unit)[1]}" if r.unit else ""
        for row in ch.head(10).itertuples(index=False):
            lines.append(display.t("diag.row", label=row.label, side=display.term(f"side.{row.side}", row.side),
                                   bound=_diag_value(display, float(row.bound), r.unit),
                                   new=_diag_value(display, float(row.new_bound), r.unit) + unit))
        if len(ch) > 10:
            lines.append(display.t("diag.more_rows", n=len(ch) - 10))
    return "\n".join(lines)
