"""Numbers and tables as the plan speaks them: the display layer over the plans' data columns.

A plan's tables keep English data columns (``allocation_mu``, ``fulfilment`` as a fraction,
money in the instance's unit at full precision): the JSON output, the library and the tests
read them. What people read goes through :class:`Display`: column labels from the glossary in
the chosen language with their unit (``新增建设用地指标（亩）``), money in the instance's display
unit (``units.money_display``: 亿元 for a province's plan; rates per mu or per t stay in
``units.money``), mu to 0.1, tonnes to 0.001, percentages as %, never scientific notation, and a
合计 (total) row. :func:`display_table` gives the printed form (strings), :func:`export_table`
the exported form (numbers, rounded, localised headers, with Excel number formats), and
:func:`write_excel` writes sheets with column widths and number formats.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from zoneopt.files import atomic_write
from zoneopt.plans.glossary import DEFAULT_LANGUAGE, check_language, said_again, term, text
from zoneopt.plans.spreadsheets import write_frame

if TYPE_CHECKING:
    from zoneopt.instance import Instance

YUAN_PER: dict[str, float] = {"yuan": 1.0, "wan_yuan": 1e4, "yi_yuan": 1e8}
"""Yuan per unit of each money unit."""
MONEY_DECIMALS: dict[str, int] = {"yuan": 0, "wan_yuan": 1, "yi_yuan": 2}
"""Decimals a money amount is shown with, per unit (0.01 亿元 = 100 万元)."""


# -- numbers without scientific notation -----------------------------------------------------

def _missing(v: Any) -> bool:
    return v is None or (isinstance(v, (float, np.floating)) and math.isnan(float(v)))


def fixed(v: Any, decimals: int) -> str:
    """``v`` with thousands separators and ``decimals`` decimals; ``-`` when missing; never
    scientific notation, never ``-0.0``."""
    if _missing(v):
        return "-"
    f = float(v)
    if math.isinf(f):
        return "∞" if f > 0 else "-∞"
    s = f"{f:,.{decimals}f}"
    return s[1:] if s.startswith("-") and float(s[1:].replace(",", "")) == 0 else s


def significant(v: Any, digits: int = 4, max_decimals: int = 6) -> str:
    """``v`` to about ``digits`` significant digits in fixed notation (at most ``max_decimals``
    decimals: what is smaller shows as 0); thousands separators; trailing zeros dropped."""
    if _missing(v):
        return "-"
    f = float(v)
    if math.isinf(f):
        return "∞" if f > 0 else "-∞"
    if f == 0:
        return "0"
    decimals = max(0, min(max_decimals, digits - 1 - math.floor(math.log10(abs(f)))))
    s = fixed(f, decimals)
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def percent(v: Any, decimals: int = 1) -> str:
    """A share as a percentage: 0.2 → ``20.0%``."""
    return "-" if _missing(v) else fixed(100.0 * float(v), decimals) + "%"


def width(s: str) -> int:
    """Columns ``s`` takes on a terminal or in a spreadsheet: CJK characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in s)


# -- the columns -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    """How one data column is shown: its glossary ``key`` (with ``fields``), its ``kind``
    (text, enum, mu, money, rate, t, pct, score, ratio, count, bool, rules) and how its total is
    made (``sum``; ``count``: the trues; ``ratio:<num>/<den>``: Σ num / Σ den; None: blank)."""

    key: str
    kind: str
    total: str | None = None
    fields: tuple[tuple[str, str], ...] = ()
    enum: str = ""


COLUMNS: dict[str, Column] = {
    "zone": Column("col.zone", "text"), "name": Column("col.name", "text"), "city": Column("col.city", "text"),
    "county": Column("col.county", "text"), "level": Column("col.level", "enum", enum="level"),
    "kind": Column("col.kind", "enum", enum="kind"), "grade": Column("col.grade", "text"),
    "score": Column("col.score", "score"), "land_area_mu": Column("col.land_area_mu", "mu", "sum"),
    "existing_mu": Column("col.existing_mu", "mu", "sum"),
    "request_mu": Column("col.request_mu", "mu", "sum"), "allocation_mu": Column("col.allocation_mu", "mu", "sum"),
    "fulfilment": Column("col.fulfilment", "pct", "ratio:allocation_mu/request_mu"),
    "allocation_per_mu": Column("col.allocation_per_mu", "ratio", "ratio:allocation_mu/land_area_mu"),
    "per_existing_mu": Column("col.per_existing_mu", "ratio", "ratio:allocation_mu/existing_mu"),
    "weight": Column("col.weight", "ratio"), "baseline_mu": Column("col.baseline_mu", "mu", "sum"),
    "binding_rules": Column("col.binding_rules", "rules"), "shadow_prices": Column("col.shadow_prices", "rules"),
    "request_funds": Column("col.request_funds", "money", "sum"),
    "investment": Column("col.investment", "money", "sum"),
    "expected_tax": Column("col.expected_tax", "money_yr", "sum"), "priority": Column("col.priority", "ratio"),
    "funds": Column("col.funds", "money", "sum"), "tranches": Column("col.tranches", "count", "sum"),
    "leverage": Column("col.leverage", "pct", "ratio:funds/investment"),
    "projects_chosen": Column("col.projects_chosen", "count", "sum"), "land_mu": Column("col.land_mu", "mu", "sum"),
    "revenue_after": Column("col.revenue_after", "money_yr", "sum"),
    "tax_after": Column("col.tax_after", "money_yr", "sum"),
    "total_share": Column("col.total_share", "pct"),
    "rule": Column("col.rule", "text"), "type": Column("col.type", "text"), "source": Column("col.source", "text"),
    "row": Column("col.row", "text"), "label": Column("col.label", "text"),
    "side": Column("col.side", "enum", enum="side"), "unit": Column("col.unit", "text"),
    "pool": Column("col.pool", "text"), "share_used": Column("col.share_used", "pct"),
    "zones": Column("col.zones", "count", "sum"), "zones_allocated": Column("col.zones_allocated", "count", "sum"),
    "share_of_pool": Column("col.share_of_pool", "pct", "sum"), "status": Column("col.status", "enum", enum="status"),
    "diagnosis": Column("col.diagnosis", "text"),
    "met": Column("col.met", "bool"), "chosen": Column("col.chosen", "bool"), "sector": Column("col.sector", "text"),
    "project": Column("col.project", "text"), "description": Column("col.description", "text"),
    "warning": Column("col.warning", "text"),
    "field": Column("col.field", "text"), "value_text": Column("col.value_text", "text"),
    "quantity": Column("col.quantity", "text"), "evaluation": Column("col.evaluation", "text"),
    "method": Column("col.method", "text"), "units": Column("col.units", "text"),
    "assigns": Column("col.assigns", "text"), "score_unit": Column("col.score_unit", "text"),
    "note": Column("col.note", "text"), "applies_to": Column("col.applies_to", "text"),
    "factor": Column("col.factor", "ratio"), "pool_mu": Column("col.pool_mu", "mu"),
    "marginal": Column("col.marginal", "ratio"), "secondary": Column("col.secondary", "ratio"),
    "epsilon": Column("col.epsilon", "pct"), "min_fulfilment": Column("col.min_fulfilment", "pct"),
    "efficiency": Column("col.efficiency", "ratio"), "binding_rows": Column("col.binding_rows", "count"),
    "impact": Column("col.impact", "ratio"), "top_price": Column("col.top_price", "ratio"),
    "top_row": Column("col.top_row", "text"), "status_without": Column("col.status_without", "enum", enum="status"),
    "objective_without": Column("col.objective_without", "ratio"), "cost": Column("col.cost", "ratio"),
    "objective": Column("col.objective", "ratio"), "objective_delta": Column("col.objective_delta", "ratio"),
    "objective_unit": Column("col.objective_unit", "text"), "allocated_mu": Column("col.allocated", "mu", "sum"),
    "allocated_delta": Column("col.allocated_delta", "mu"), "message": Column("col.message", "text"),
    "largest_change": Column("col.largest_change", "ratio"), "largest_change_mu": Column("col.largest_change", "mu"),
    "resource": Column("col.resource", "text"), "pools": Column("col.pools", "text"),
    "fund": Column("col.fund", "money", "sum"), "fund_request": Column("col.fund_request", "money", "sum"),
    "tax": Column("col.tax", "money_yr", "sum"), "revenue": Column("col.revenue", "money_yr", "sum"),
    "leading": Column("col.leading", "bool", "count"), "industrial": Column("col.industrial", "bool", "count"),
    "objective_term": Column("col.objective_term", "ratio", "sum"), "total": Column("col.total", "ratio"),
    "allocated": Column("col.allocated", "ratio"), "required": Column("col.required", "ratio"),
    "achieved": Column("col.achieved", "ratio"), "activity": Column("col.activity", "ratio"),
    "bound": Column("col.bound", "ratio"), "shadow_price": Column("col.shadow_price", "ratio"),
    "value": Column("col.value", "ratio"), "range_lower": Column("col.range_lower", "ratio"),
    "range_upper": Column("col.range_upper", "ratio"),
    # the verbs beyond solve, compare and explain (plan-years, evaluate, manage, consolidate, sweep)
    "year": Column("col.year", "text"), "track": Column("col.track", "text"), "change": Column("col.change", "ratio"),
    "rank": Column("col.rank", "text"), "actions": Column("col.actions", "text"),
    "freed_mu": Column("col.freed_mu", "mu", "sum"), "available": Column("col.available", "ratio"),
    "additions": Column("col.additions", "ratio"), "carried_in": Column("col.carried_in", "ratio"),
    "unused": Column("col.unused", "ratio"), "lapsed": Column("col.lapsed", "ratio"),
    "scope": Column("col.scope", "text"), "slack": Column("col.slack", "ratio"), "rate": Column("col.rate", "pct"),
    "target_rate": Column("col.target_rate", "pct"), "driven_by": Column("col.driven_by", "text"),
    "host": Column("col.host", "text"), "blocks": Column("col.blocks", "count", "sum"),
    "members": Column("col.members", "text"), "farthest_km": Column("col.farthest_km", "ratio"),
    "land_freed_mu": Column("col.land_freed_mu", "mu", "sum"), "parks": Column("col.parks", "count", "sum"),
    "hosts": Column("col.hosts", "count", "sum"), "host_cap": Column("col.host_cap", "count"),
    "merged": Column("col.merged", "count", "sum"), "merged_elsewhere": Column("col.merged_elsewhere", "count", "sum"),
    "revoked": Column("col.revoked", "count", "sum"), "evaluated": Column("col.evaluated", "count"),
    "decisions": Column("col.decisions", "count", "sum"), "reductions": Column("col.reductions", "count", "sum"),
    "revocations": Column("col.revocations", "count", "sum"), "warnings": Column("col.warnings_n", "count", "sum"),
    "indicator": Column("col.indicator", "text"), "criterion": Column("col.criterion", "text"),
    "direction": Column("col.direction", "enum", enum="direction"), "base_plan": Column("col.base", "ratio"),
    "p5": Column("col.p5", "ratio"), "p50": Column("col.p50", "ratio"), "p95": Column("col.p95", "ratio"),
    "p_receive": Column("col.p_receive", "pct"), "grade_stability": Column("col.grade_stability", "text"),
    "replacement_cost": Column("col.replacement_cost", "ratio"), "forcing_cost": Column("col.forcing_cost", "ratio"),
    "variants": Column("col.variants", "count", "sum"), "reported": Column("col.reported", "ratio"),
    "mean": Column("col.mean", "ratio"), "worst": Column("col.worst", "ratio"), "cvar": Column("col.cvar", "ratio"),
    "nominal_mu": Column("col.nominal_mu", "mu", "sum"), "robust_mu": Column("col.robust_mu", "mu", "sum"),
    "change_mu": Column("col.change_mu", "mu"), "of": Column("col.of", "text"), "per": Column("col.per", "text"),
    "benchmark": Column("col.benchmark", "ratio"), "action": Column("col.action", "text"),
    "upgrades": Column("col.upgrades", "count", "sum"), "returns_in": Column("col.returns_in", "text"),
    "p25": Column("col.p25", "ratio"), "p75": Column("col.p75", "ratio"),
    "base_grade": Column("col.base_grade", "text"), "p_base": Column("col.p_base", "pct"),
    "modal_grade": Column("col.modal_grade", "text"), "p_ungraded": Column("col.p_ungraded", "pct"),
    "status_out": Column("col.status_out", "text"), "status_in": Column("col.status_in", "text"),
    "plan": Column("col.plan", "text"), "role": Column("col.role", "enum", enum="role"),
    "peers": Column("col.peers", "text"),
    "energy_tce": Column("indicator.energy_tce", "ratio", "sum"),
    "employees": Column("indicator.employees", "count", "sum"),
    "value_added": Column("indicator.value_added", "money_yr", "sum"),
    "efficient": Column("col.efficient", "bool", "count"),
    "weakly_efficient": Column("col.weakly_efficient", "bool", "count"),
}
"""The plans' data columns and how each is shown; patterns (``SO2_t``, ``reaches:<target>``)
are read by :func:`column`."""

_PATTERNS: tuple[tuple[re.Pattern[str], str, str, str | None], ...] = (
    (re.compile(r"^request_(?P<p>.+)_t$"), "col.request_pollutant_t", "t", "sum"),
    (re.compile(r"^start_(?P<p>.+)_t$"), "col.start_pollutant_t", "t", "sum"),
    (re.compile(r"^efficiency_start_(?P<p>.+)$"), "col.efficiency_start_pollutant", "ratio", None),
    (re.compile(r"^efficiency_(?P<p>.+)$"), "col.efficiency_pollutant", "ratio", None),
    (re.compile(r"^(?P<p>.+)_t$"), "col.pollutant_t", "t", "sum"),
    (re.compile(r"^reaches:(?P<target>.+)$"), "col.reaches", "bool", "count"),
    (re.compile(r"^(?P<id>.+) score$"), "col.eval_score", "ratio", None),
    (re.compile(r"^(?P<id>.+) rank$"), "col.eval_rank", "count", None),
    (re.compile(r"^(?P<id>.+) grade$"), "col.eval_grade", "text", None),
    (re.compile(r"^delta:(?P<label>.+)$"), "col.delta", "ratio", "sum"),
    (re.compile(r"^slack_(?P<what>.+)$"), "col.slack_of", "ratio", None),
    (re.compile(r"^p_(?P<g>[A-D])$"), "col.p_grade", "pct", None),
    (re.compile(r"^score_(?P<q>p\d+)$"), "col.score_q", "score", None),
)


def column_specs(columns: Iterable[str], kinds: Mapping[str, str] | None = None) -> dict[str, Column | None]:
    """:func:`column` of each of ``columns``, with ``kinds`` overriding the kind of some (a
    table's objective in money, a frontier's ε as a percentage)."""
    out: dict[str, Column | None] = {}
    for c in columns:
        col = column(c)
        if kinds and c in kinds:
            additive = "sum" if kinds[c] in ("mu", "money", "money_yr", "t", "count") else None
            col = replace(col, kind=kinds[c]) if col is not None else Column("", kinds[c], additive)
        out[c] = col
    return out


def per_row_units(frame: pd.DataFrame, display: Display, unit_column: str, values: Iterable[str]) -> pd.DataFrame:
    """``frame`` whose ``values`` columns are each in its row's unit (``unit_column``: ``mu``,
    ``t/yr``, a money label): money rows converted to the display's money unit, and the unit
    column as the display says it."""
    out = frame.copy()
    units = frame[unit_column].astype(str).tolist()
    for c in values:
        if c in out:
            out[c] = [v if _missing(v) else float(v) * display.money_factor if _is_money(u)
                      else 100.0 * float(v) if u.startswith("min fulfilment") else v
                      for v, u in zip(frame[c].tolist(), units, strict=True)]
    out[unit_column] = [f"{display.term('col.min_fulfilment')} (%)" if u.startswith("min fulfilment")
                        else display.quantity_parts(0.0, u)[1] for u in units]
    return out


def _is_money(unit: str) -> bool:
    return unit.split(" ")[0].split("/")[0] in ("yuan", "万元", "亿元")


def is_money_amount(unit: str | None) -> bool:
    """Whether ``unit`` is an amount of money (or money a year), said in the display's money
    unit; money per mu or per t is a rate, kept in the instance's own unit."""
    if not unit:
        return False
    base, _, per = unit.partition("/")
    return base.split(" ")[0] in ("yuan", "万元", "亿元") and per in ("", "yr")


def column(name: str) -> Column | None:
    """How data column ``name`` is shown, or None for a column the layer does not know (it is
    shown under its own name, its numbers without scientific notation)."""
    known = COLUMNS.get(name)
    if known is not None:
        return known
    for pattern, key, kind, total in _PATTERNS:
        m = pattern.match(name)
        if m:
            return Column(key, kind, total, tuple(m.groupdict().items()))
    return None


# -- the display -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Display:
    """How to show a plan: the language (``zh`` or ``en``), the instance's money unit and the
    unit money amounts are shown in. :meth:`of` reads both from an instance (``--lang``
    overrides its ``metadata.language``)."""

    lang: str = DEFAULT_LANGUAGE
    money: str = "wan_yuan"
    money_shown: str = "wan_yuan"
    instance: Instance | None = field(default=None, compare=False, repr=False)
    """The instance shown, when known: its objective's weights and targets name what the
    objective sentence and the targets say (:mod:`zoneopt.plans.wording`)."""

    @classmethod
    def of(cls, instance: Instance | None, lang: str | None = None) -> Display:
        """The display of ``instance``: ``lang`` if given, else its ``metadata.language``, else
        English; money shown in its ``units.money_display`` (default its ``units.money``)."""
        if instance is None:
            return cls(check_language(lang) if lang else DEFAULT_LANGUAGE)
        chosen = lang or instance.metadata.language or DEFAULT_LANGUAGE
        money = instance.units.money
        return cls(check_language(chosen), money, instance.units.money_display or money, instance)

    # words
    def clean(self, words: str) -> str:
        """A model's note or warning in this display's language when the model wrote it from the
        glossary (:func:`~zoneopt.plans.glossary.spoken`), with money labels as the display says
        them (``万元``, not ``万元 (1e4 yuan)``)."""
        words = said_again(words, self.lang, money=lambda v, per_year: self.money_words(v, per_year))
        if self.zh:  # a clause the instance marks as an assumption (zoneopt.instance.common)
            words = words.replace(" (assumption)", "（假设）")
        for unit, label in (("wan_yuan", "万元 (1e4 yuan)"), ("yi_yuan", "亿元 (1e8 yuan)")):
            words = words.replace(label, self.term(f"unit.{unit}"))
        return words

    def model_unit(self, unit: str) -> str:
        """A model's unit string in this display's words: ``万元 (1e4 yuan)/yr per mu`` → ``万元/年/亩``,
        the tiered objective's ``pool share (1.5 × allocated − …)`` → ``总量份额（1.5 × 分配量 − …）``."""
        out = self.clean(unit)
        if not self.zh:
            return out
        for key in ("unit.tiered", "unit.fairness", "unit.pool_share", "unit.of_tax", "unit.of_investment",
                    "unit.priority_weighted"):  # the objectives' units (zoneopt.models)
            out = out.replace(text(key, "en"), text(key, "zh"))
        for a, b in (("tce", "吨标准煤"), (" per mu", "/亩"), (" per t", "/吨"), ("/yr", "/年"), (" per ", "/"),
                     ("projects", "个项目"), ("mu", "亩"), (" （", "（")):
            out = out.replace(a, b)
        return out.replace("t/", "吨/", 1) if out.startswith("t/") else ("吨" if out == "t" else out)

    def t(self, key: str, **fields: object) -> str:
        """The glossary entry ``key`` in this display's language."""
        return text(key, self.lang, **fields)

    def term(self, key: str, default: str | None = None) -> str:
        return term(key, self.lang, default)

    def method(self, name: str) -> str:
        """An evaluation's method (``weighted_sum``, ``topsis``, ``dea``) in this display's words."""
        return self.term(f"eval.how.{name}", name)

    def figures(self, names: Iterable[str]) -> str:
        """Zone figures an evaluation assigns (``score, grade``): in Chinese their words
        (评价得分、评价等级), in English their ids."""
        return "、".join(map(self.indicator, names)) if self.zh else ", ".join(names)

    def rule_type(self, kind: str) -> str:
        """A rule's type (``request_cap``, ``group_bounds``) in this display's words."""
        return self.term(f"ruletype.{kind}", kind)

    def track_name(self, track: str) -> str:
        """A track of the plan over years as this display names it: land and funds in words
        (土地, 资金), a pollutant by its formula."""
        return self.term(f"short.{track}", track) if track in ("land", "funds") else track

    def indicator(self, name: str) -> str:
        """A zone figure (a metric or indicator; a ratio as ``num/den``) as this display names
        it: the glossary's word, else the label the instance declares the metric with, else its
        name."""
        declared = self.instance.metrics or {} if self.instance is not None else {}
        return "/".join(self.term(f"indicator.{m}", declared[m].label if m in declared and declared[m].label else m)
                        for m in name.split("/"))

    @property
    def zh(self) -> bool:
        return self.lang == "zh"

    def paren(self, inner: str) -> str:
        """``（inner）`` in Chinese, `` (inner)`` in English."""
        return f"（{inner}）" if self.zh else f" ({inner})"

    def join(self, parts: Iterable[str]) -> str:
        return ("；" if self.zh else "; ").join(parts)

    # units
    @property
    def money_unit(self) -> str:
        """The unit money amounts are shown in (亿元)."""
        return self.term(f"unit.{self.money_shown}")

    @property
    def rate_money_unit(self) -> str:
        """The unit of money in rates per mu or per t: the instance's own (万元)."""
        return self.term(f"unit.{self.money}")

    @property
    def money_factor(self) -> float:
        """Shown money per unit of the instance's money."""
        return YUAN_PER[self.money] / YUAN_PER[self.money_shown]

    def unit_of(self, kind: str) -> str:
        return {"mu": self.term("unit.mu"), "money": self.money_unit, "t": self.term("unit.t"),
                "money_yr": self.t("unit.per_year", unit=self.money_unit)}.get(kind, "")

    # numbers
    def mu(self, v: Any) -> str:
        return fixed(v, 1)

    def money_amount(self, v: Any, per_year: bool = False) -> str:
        """``v`` (instance money) in the shown unit with its unit: ``22.86 亿元/年``."""
        if _missing(v):
            return "-"
        unit = self.t("unit.per_year", unit=self.money_unit) if per_year else self.money_unit
        return f"{self.money_value(v)} {unit}"

    def money_value(self, v: Any) -> str:
        return fixed(float(v) * self.money_factor, MONEY_DECIMALS[self.money_shown]) if not _missing(v) else "-"

    def money_words(self, v: Any, per_year: bool = False) -> str:
        """A money amount in a sentence (a threshold, a pool): trailing zeros dropped,
        ``1,000 亿元``."""
        if _missing(v):
            return "-"
        unit = self.t("unit.per_year", unit=self.money_unit) if per_year else self.money_unit
        return f"{significant(float(v) * self.money_factor, 12, MONEY_DECIMALS[self.money_shown])} {unit}"

    def quantity_parts(self, v: Any, unit: str) -> tuple[str, str]:
        """``v`` in a plan's unit string (``mu``, ``t/yr``, ``t``, the money label such as
        ``万元 (1e4 yuan)``, optionally ``/yr``) as the display says it: (value, unit)."""
        if unit == "mu":
            return self.mu(v), self.term("unit.mu")
        if unit in ("t/yr", "t"):
            return self.tonnes(v), self.term("unit.t" if unit == "t/yr" else "unit.tonnes")
        if unit.startswith("min fulfilment"):  # the equity objective: a share of the request
            return percent(v), self.term("col.min_fulfilment")
        base, per_year = (unit[:-3], True) if unit.endswith("/yr") else (unit, "/yr" in unit)
        money, _, per = base.partition("/")
        if money.split(" ")[0] in ("yuan", "万元", "亿元"):
            if per:  # money per mu (亩均税收) or per t: a rate, in the instance's own unit
                words = self.term("unit.tonnes") if per == "t" else self.term(f"unit.{per}", per)
                return self.number(v), f"{self.rate_money_unit}/{words}"
            return self.money_value(v), (self.t("unit.per_year", unit=self.money_unit) if per_year
                                         else self.money_unit)
        return self.number(v), self.model_unit(unit)

    def quantity(self, v: Any, unit: str) -> str:
        """:meth:`quantity_parts` as one string, ``1,234.5 亩``."""
        value, words = self.quantity_parts(v, unit)
        return f"{value} {words}"

    def tonnes(self, v: Any) -> str:
        return fixed(v, 3)

    def number(self, v: Any) -> str:
        """Any other number: whole numbers as such, else about 4 significant digits."""
        if isinstance(v, (bool, np.bool_)):
            return self.term("term.yes") if v else self.term("term.no")
        if _missing(v):
            return "-"
        f = float(v)
        if math.isfinite(f) and abs(f - round(f)) <= 1e-9 * max(1.0, abs(f)) and abs(f) < 1e15:
            return fixed(round(f), 0)
        return significant(f, 4)

    def cell(self, v: Any, col: Column | None) -> str:
        """One table cell as text."""
        kind = col.kind if col is not None else ""
        if kind == "rules":  # rule ids, a space after each ; so a narrow cell can wrap between them
            return "" if _missing(v) else "; ".join(r for r in str(v).split(";") if r)
        if kind == "text":
            return "" if _missing(v) else self.clean(str(v))
        if kind == "enum":
            return "" if _missing(v) else self.term(f"{col.enum}.{v}", str(v))  # type: ignore[union-attr]
        if kind == "bool":
            return "" if _missing(v) else self.term("term.yes") if bool(v) else self.term("term.no")
        if isinstance(v, str):
            return v
        if kind == "mu":
            return self.mu(v)
        if kind in ("money", "money_yr"):
            return self.money_value(v)
        if kind == "t":
            return self.tonnes(v)
        if kind == "pct":
            return percent(v)
        if kind == "score":
            return fixed(v, 2)
        if kind == "count":
            return fixed(v, 0)
        if kind == "ratio":
            return significant(v, 4)
        if isinstance(v, (int, float, np.integer, np.floating, bool, np.bool_)) or v is None:
            return self.number(v)
        return str(v)

    def label(self, name: str, percent_sign: bool = False, col: Column | None = None) -> str:
        """The header of data column ``name``: its glossary label and unit (``percent_sign``:
        a percentage column's ``%``, for exports that write percentages as numbers); ``col``
        overrides how the column is shown (:func:`column`)."""
        col = col if col is not None else column(name)
        if col is None:
            return name
        fields = dict(col.fields)
        if "what" in fields:  # a DEA slack's indicator (slack_energy_tce) by its word
            fields["what"] = self.indicator(str(fields["what"]))
        words = name if not col.key else self.t(col.key, **fields) if fields else self.t(col.key)
        unit = self.unit_of(col.kind)
        if col.kind == "pct" and percent_sign:
            unit = "%"
        return words + self.paren(unit) if unit else words


# -- tables ------------------------------------------------------------------------------------

def _total(frame: pd.DataFrame, name: str, col: Column | None) -> Any:
    """The 合计 of one column over ``frame`` (None: left blank)."""
    if col is None or col.total is None or name not in frame:
        return None
    values = frame[name]
    if col.total == "sum":
        return float(pd.to_numeric(values, errors="coerce").fillna(0.0).sum())
    if col.total == "count":
        return int(values.fillna(False).astype(bool).sum())
    num, den = col.total[len("ratio:"):].split("/")
    if num not in frame or den not in frame:
        return None
    n = pd.to_numeric(frame[num], errors="coerce").to_numpy(dtype=float)
    d = pd.to_numeric(frame[den], errors="coerce").to_numpy(dtype=float)
    ok = np.isfinite(n) & np.isfinite(d) & (d > 0)
    return float(n[ok].sum() / d[ok].sum()) if ok.any() and d[ok].sum() > 0 else None


def totals(frame: pd.DataFrame, specs: Mapping[str, Column | None] | None = None) -> dict[str, Any]:
    """Each column's total over ``frame`` (sums, counts of trues, ratios of sums; None where a
    total means nothing: names, scores, weights); ``specs`` as :func:`column_specs` gives them."""
    return {str(c): _total(frame, str(c), specs[str(c)] if specs and str(c) in specs else column(str(c)))
            for c in frame.columns}


def _total_label_column(frame: pd.DataFrame) -> str | None:
    for c in ("zone", "name", "city", "pool", "rule", "project"):
        if c in frame.columns:
            return c
    return str(frame.columns[0]) if len(frame.columns) else None


def _total_cell(v: Any, col: Column | None, display: Display) -> str:
    if v is None:
        return ""
    if col is not None and col.total == "count":  # a count of trues is a number, not a yes
        return fixed(v, 0)
    return display.cell(v, col)


def display_table(frame: pd.DataFrame, display: Display, *, total_over: pd.DataFrame | None = None,
                  total: bool = True, labels: Mapping[str, str] | None = None,
                  kinds: Mapping[str, str] | None = None) -> pd.DataFrame:
    """``frame`` as text to print: every cell formatted (no scientific notation), headers from
    the glossary with units, and with ``total`` a 合计 row summing ``total_over`` (default
    ``frame``: pass the whole table when ``frame`` shows its first rows only). ``labels``
    overrides headers by data column, ``kinds`` how columns are shown (:func:`column_specs`)."""
    cols = [str(c) for c in frame.columns]
    specs = column_specs(cols, kinds)
    out = pd.DataFrame({c: [display.cell(v, specs[c]) for v in frame[c].tolist()] for c in cols}, columns=cols)
    if total and len(frame):
        over = total_over if total_over is not None else frame
        sums = totals(over, specs)
        sums = {c: sums.get(c) for c in cols}
        row = {c: _total_cell(sums[c], specs[c], display) for c in cols}
        first = _total_label_column(frame)
        if first is not None:
            n = len(over)
            row[first] = display.term("term.total") + ("" if over is frame or n == len(frame) else
                                                       display.paren(display.t("term.all_zones", n=n)))
        if any(row[c] for c in cols if c != first):
            out = pd.concat([out, pd.DataFrame([row], columns=cols)], ignore_index=True)
    header = {c: (labels or {}).get(c) or display.label(c, col=specs[c]) for c in cols}
    return out.rename(columns=header)


def to_text(table: pd.DataFrame) -> str:
    """A :func:`display_table` as aligned text: text left, numbers right, padded by display
    width (CJK characters are two columns wide)."""
    cols = list(table.columns)
    cells = [[str(v) for v in table[c].tolist()] for c in cols]
    numeric = [all(_looks_numeric(v) for v in col if v not in ("", "-")) and any(v not in ("", "-") for v in col)
               for col in cells]
    widths = [max([width(str(h))] + [width(v) for v in col]) for h, col in zip(cols, cells, strict=True)]

    def pad(s: str, w: int, right: bool) -> str:
        gap = " " * (w - width(s))
        return gap + s if right else s + gap

    lines = ["  ".join(pad(str(h), w, r) for h, w, r in zip(cols, widths, numeric, strict=True)).rstrip()]
    for k in range(len(table)):
        lines.append("  ".join(pad(col[k], w, r) for col, w, r in zip(cells, widths, numeric, strict=True)).rstrip())
    return "\n".join(lines)


_NUMERIC = re.compile(r"^[-+]?[\d,]*\.?\d+%?$|^[∞-]+$")


def _looks_numeric(s: str) -> bool:
    return bool(_NUMERIC.match(s.replace(" ", "")))


# -- exports -----------------------------------------------------------------------------------

_FORMATS = {"mu": "#,##0.0", "t": "#,##0.000", "pct": "0.0%", "score": "0.00", "count": "#,##0",
            "ratio": "0.0000"}


def _export_column(values: pd.Series, col: Column | None, display: Display, excel: bool) -> tuple[pd.Series, str]:
    kind = col.kind if col is not None else ""
    if kind in ("text", "rules"):
        return values, "@"
    if kind == "enum":
        return values.map(lambda v: v if _missing(v) else display.term(f"{col.enum}.{v}", str(v))), "@"  # type: ignore[union-attr]
    if kind == "bool":
        return values.map(lambda v: v if _missing(v) else display.cell(v, col)), "@"
    num = pd.to_numeric(values, errors="coerce")
    if num.isna().all() and values.notna().any():
        return values, "@"
    if kind == "mu":
        return num.round(1), _FORMATS["mu"]
    if kind in ("money", "money_yr"):
        d = MONEY_DECIMALS[display.money_shown]
        return (num * display.money_factor).round(d), "#,##0" + ("." + "0" * d if d else "")
    if kind == "t":
        return num.round(3), _FORMATS["t"]
    if kind == "pct":
        return (num.round(4), _FORMATS["pct"]) if excel else ((num * 100).round(2), "0.00")
    if kind in ("score",):
        return num.round(2), _FORMATS["score"]
    if kind == "count":
        return num.round(0), _FORMATS["count"]
    return num.map(lambda v: float(significant(v, 4).replace(",", "")) if not _missing(v) and math.isfinite(v)
                   else v), "#,##0.####"


def export_table(frame: pd.DataFrame, display: Display, *, excel: bool = False, total: bool = True,
                 kinds: Mapping[str, str] | None = None, labels: Mapping[str, str] | None = None
                 ) -> tuple[pd.DataFrame, list[str]]:
    """``frame`` as people export it: money converted to the shown unit, rounded to what the
    plan can tell (mu 0.1, t 0.001, money 0.01 亿元), percentages as % (Excel: the share with
    a ``0.0%`` format; CSV: the percentage as a number under a ``(%)`` header), headers from the
    glossary with units, cell values translated (级别, 状态), and with ``total`` a 合计 row.
    ``kinds`` overrides how columns are shown (:func:`column_specs`), ``labels`` their headers.
    Returns the table and each column's Excel number format."""
    cols = [str(c) for c in frame.columns]
    specs = column_specs(cols, kinds)
    data: dict[str, pd.Series] = {}
    formats = []
    src = frame.reset_index(drop=True)
    if total and len(src):
        sums = totals(src, specs)
        first = _total_label_column(src)
        if any(v is not None for c, v in sums.items() if c != first):
            row = {c: sums[c] for c in cols}
            for c in cols:  # a count of trues is a number, not a yes
                spec = specs[c]
                if spec is not None and spec.total == "count" and row[c] is not None:
                    row[c] = str(row[c])
            if first is not None:
                row[first] = display.term("term.total")
            src = pd.concat([src.astype(object), pd.DataFrame([row], columns=cols).astype(object)], ignore_index=True)
    for c in cols:
        series, fmt = _export_column(src[c], specs[c], display, excel)
        data[(labels or {}).get(c) or display.label(c, percent_sign=not excel, col=specs[c])] = series
        formats.append(fmt)
    return pd.DataFrame(data), formats


def write_excel(path: str | Path, sheets: Mapping[str, tuple[pd.DataFrame, list[str] | None]]) -> Path:
    """One workbook, a sheet per table (names cut to Excel's 31 characters, repeats numbered),
    each with column widths that fit its text (CJK counted double) and the given number
    formats; written atomically."""
    from openpyxl.utils import get_column_letter

    def write(p: Path) -> None:
        used: set[str] = set()
        with pd.ExcelWriter(p, engine="openpyxl") as xl:
            for name, (frame, formats) in sheets.items():  # a loop over sheets
                sheet = sheet_name(name, used)
                write_frame(xl, frame, sheet)  # formula-like text kept as text
                ws = xl.sheets[sheet]
                ws.freeze_panes = "A2"
                for j, col in enumerate(frame.columns):  # a loop over columns
                    letter = get_column_letter(j + 1)
                    fmt = formats[j] if formats else None
                    sample = frame.iloc[:200, j].tolist()
                    shown = [_excel_text(v, fmt) for v in sample]
                    ws.column_dimensions[letter].width = min(60, max(8, max([width(str(col))] + [
                        width(s) for s in shown]) + 2))
                    if fmt and fmt != "@":
                        for cell in ws[letter][1:]:
                            cell.number_format = fmt
    return atomic_write(path, write)


_BAD_SHEET = str.maketrans({c: "-" for c in "[]:*?/\\"})


def sheet_name(name: str, used: set[str]) -> str:
    """An Excel sheet name for ``name`` (forbidden characters replaced, cut to 31), unique
    within ``used`` (which it joins)."""
    base = name.translate(_BAD_SHEET)[:31]
    sheet, k = base, 2
    while sheet in used:
        sheet = f"{base[:28]}-{k}"
        k += 1
    used.add(sheet)
    return sheet


def _excel_text(v: Any, fmt: str | None) -> str:
    if _missing(v):
        return ""
    if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_)):
        if fmt == "0.0%":
            return percent(v)
        decimals = fmt.split(".")[1].count("0") if fmt and "." in fmt else 0
        return fixed(v, decimals) if fmt and fmt != "@" else significant(v, 6)
    return str(v)


def frame_writer(frames: Callable[[], Mapping[str, pd.DataFrame]], display: Display
                 ) -> Callable[[Path], Path]:
    """An Excel writer of ``frames()`` in ``display``'s form (:func:`export_table` per sheet)."""
    def write(path: Path) -> Path:
        return write_excel(path, {name: export_table(f, display, excel=True, total=_totals_sheet(name))
                                  for name, f in frames().items()})
    return write


def _totals_sheet(name: str) -> bool:
    """Sheets of zones, cities and pools get a 合计 row; summaries, bindings and projects do not."""
    return any(name.endswith(s) for s in ("allocations", "zones", "cities", "pools"))


# -- rules bound on the pool or on several zones -------------------------------------------------

def shared_bindings(allocations: pd.DataFrame, bindings: pd.DataFrame) -> list[tuple[str, str | None, int]]:
    """The rules at their bound that no zone's ``binding_rules`` lists (the pool, tilts, caps on
    a city or on a share of the pool, per-project rules): ``(rule, source, rows at bound)`` in
    the order of the bindings table. They are said once for the plan, not on every row."""
    if bindings is None or bindings.empty:
        return []
    listed = {r for cell in allocations.get("binding_rules", pd.Series(dtype=object)).fillna("")
              for r in str(cell).split(";") if r}
    out: dict[str, tuple[str | None, int]] = {}
    for rule, source in zip(bindings["rule"].tolist(), bindings["source"].tolist(), strict=True):
        if rule in listed:
            continue
        src, n = out.get(rule, (source if isinstance(source, str) else None, 0))
        out[rule] = (src, n + 1)
    return [(rule, src, n) for rule, (src, n) in out.items()]
