"""A designation decision's reason (:mod:`zoneopt.models.designation_plan` writes it per
candidate in English, vectorised) said in a display's language from the glossary: each of the
model's few reason templates is matched and said again with its fields (county, score,
indicator, the zones that take a place) kept as written."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from zoneopt.plans.display import is_money_amount

# (pattern of the model's English reason, glossary key); the groups fill {0}, {1}, …
_REASONS: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), k) for p, k in (
    (r"^meets every criterion; score (.+)$", "dr.score"),
    (r"^selected; score (.+)$", "dr.selected_score"),
    (r"^meets every criterion; frees county (.+)'s place, taken by (.+)$", "dr.frees"),
    (r"^meets every criterion, but frees no place a qualifying candidate needs \(worth 0 itself\)$", "dr.frees_none"),
    (r"^adds nothing to the measure \(its value is 0\)$", "dr.nothing"),
    (r"^must convert to an urban functional area \(convert\.required\): not recommended$", "dr.must_convert"),
    (r"^county (.+) has (\d+) zone\(s\), its cap is (\d+), and none of its zones may convert$", "dr.county_full"),
    (r"^county (.+) has (\d+) zone\(s\), its cap is (\d+) and no conversion frees a place$", "dr.county_no_conversion"),
    (r"^county (.+)'s place goes to (.+)$", "dr.county_taken"),
    (r"^the count's places go to parks that score higher \(lowest chosen (.+)\)$", "dr.count"),
    (r"^named by its clause; meets every criterion; score (.+)$", "dr.named"),
    (r"^named by its clause; meets every criterion$", "dr.named_plain"),
    (r"^holds it already \(its targets count it\)$", "dr.held"),
    (r"^excluded by rule `(.+)`$", "dr.excluded"),
    (r"^must convert to an urban functional area \(convert\.required\): not awarded$", "dr.status_must_convert"),
    (r"^converts to an urban functional area: a converted zone is awarded no status$", "dr.status_converts"),
    (r"^not needed: the named zones and the targets are met without it$", "dr.not_needed"),
    (r"^(meets every criterion|selected|chosen)$", "dr.plain"),
))
_FAIL = re.compile(r"^(\S+) = (\S+) \(needs (.+)\)$")
_TOP = re.compile(r"^within the first (\d+)$")


_BOUND = re.compile(r"^([≥≤]) (\S+)$")
def _figure(display: Any, v: str, money: bool) -> str:
    """A criterion's figure (the zone's value or a bound) as the display says it."""
    if not money:
        return v
    try:
        return display.money_words(float(v.replace(",", "")))
    except ValueError:
        return v


def _need(display: Any, need: str, money: bool) -> str:
    parts = []
    for p in need.split(" and "):
        top = _TOP.match(p)
        bound = _BOUND.match(p)
        parts.append(display.t("dr.top", n=top.group(1)) if top else
                     f"{bound.group(1)} {_figure(display, bound.group(2), money)}" if bound else p)
    return display.t("dr.and").join(parts)


def _fails(display: Any, text: str, units: Mapping[str, str]) -> str:
    parts = []
    for p in text.split("; "):
        m = _FAIL.match(p)
        if m is None:
            parts.append(p)
            continue
        ind, value, need = m.groups()
        money = is_money_amount(units.get(ind))
        parts.append(display.t("dr.fail_part", indicator=display.indicator(ind),
                               value=display.t("dr.missing") if value == "missing" else _figure(display, value, money),
                               need=_need(display, need, money)))
    return display.t("dr.fails", parts=display.join(parts))


def reason_words(reason: str, display: Any, units: Mapping[str, str] | None = None) -> str:
    """``reason`` (a decision's or a rejection's, as the model writes it) in the display's
    language; a reason of no known template as it is. ``units``: each criterion indicator's
    unit (:func:`~zoneopt.evaluation.indicators.indicator_unit`): a failed criterion on an
    amount of money is said in the display's money unit (营业收入 = 20.38 亿元（需 ≥ 100 亿元）), in
    either language."""
    if not reason:
        return reason
    if reason.startswith("fails "):
        return _fails(display, reason[len("fails "):], units or {})
    if not display.zh:
        return reason
    for pattern, key in _REASONS:
        m = pattern.match(reason)
        if m is not None:
            groups = m.groups()
            if key == "dr.plain":
                return display.t(f"dr.word.{groups[0].replace(' ', '_')}")
            return display.t(key, **{f"g{k}": g for k, g in enumerate(groups)})
    return reason


__all__ = ["reason_words"]
