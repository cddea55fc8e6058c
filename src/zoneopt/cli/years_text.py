"""The plan over years as ``plan-years`` prints it, in the chosen language (:class:`Display`):
the headline, per track its pools, its smoothing and its zones × years table with a 合计 row,
the pool balance per track and year, each resource's objective per year, the growth targets,
the objectives (the smoothing penalty apart), status, notes and warnings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from zoneopt.plans.display import Display

SHOWN_ZONES = 40
"""Zones printed per track without ``--all`` (the 合计 row sums them all)."""
_KIND = {"land": "mu", "emissions": "t", "funds": "money"}


def _title(display: Display, resource: str) -> str:
    from zoneopt.resources import TITLES

    return display.term(f"resource.{resource}", TITLES.get(resource, resource))


def years_lines(plan: Any, display: Display, show_all: bool) -> list[str]:
    """Every line ``plan-years`` prints."""
    from zoneopt.cli.plan_text import status_line

    s = plan.summary
    names = "、".join(_title(display, r) for r in s.resources) if display.zh else ", ".join(s.resources)
    lines = [display.t("years.banner", name=s.instance) + (f" · {display.t('term.synthetic')}" if s.synthetic else ""),
             display.t("years.head", resources=names, first=s.years[0], last=s.years[-1])
             + (display.t("years.managed") if s.management_applied else "")
             + (display.t("years.coupled") if s.coupled else "")]
    for pool in s.pools:  # a loop over tracks (land, each pollutant, funds)
        lines += [""] + track_lines(plan, pool, display, show_all)
    lines += ["", display.t("years.balance"), _text(_balance(plan, display), display, total=False,
                                                     labels={"pool": display.term("col.total")})]
    lines += ["", display.t("years.objectives"), _text(_objectives(plan, display), display, total=False)]
    if not plan.targets.empty:
        lines += ["", display.t("years.targets", money=display.money_unit),
                  _text(_targets(plan.targets, display), display, total=False,
                        kinds={"required": "money", "achieved": "money", "slack": "money"})]
    lines += target_status_lines(plan, display)
    lines.append("")
    lines += [objective_line(o, s, display) for o in s.objectives]
    if s.secondary_objective is not None:
        lines.append(display.t("years.tie_break", value=display.money_amount(s.secondary_objective, per_year=True)))
    lines.append(display.t("years.units", money=display.money_unit))
    lines.append(status_line(s, display))
    lines += [display.t("verb.note", text=n) for n in notes(plan, display)]
    lines += [display.t("verb.warning", text=display.clean(w)) for w in s.warnings]
    return lines


def _text(frame: pd.DataFrame, display: Display, *, total: bool = True, over: pd.DataFrame | None = None,
          kinds: dict[str, str] | None = None, labels: dict[str, str] | None = None) -> str:
    from zoneopt.plans.display import display_table, to_text

    return to_text(display_table(frame, display, total=total, total_over=over, kinds=kinds, labels=labels))


def _unit_words(display: Display, unit: str) -> str:
    return display.quantity_parts(0.0, unit)[1]


def track_lines(plan: Any, pool: Any, display: Display, show_all: bool) -> list[str]:
    """One track: its headline (pools, returned or added amounts, carry-over, allocated), its
    smoothing and its zones × years table."""
    unit = _unit_words(display, pool.unit)

    def q(v: float) -> str:
        return display.quantity_parts(v, pool.unit)[0]

    extra = ""
    if pool.additions:
        extra = display.t("years.returned" if pool.resource == "land" else "years.added", amount=q(pool.additions))
    lines = [display.t("years.track", title=_title(display, pool.resource), track=display.track_name(pool.track),
                       unit=unit,
                       pools=q(pool.pool_total), additions=extra, carry=f"{pool.carry_over:g}",
                       allocated=q(pool.allocated))]
    lines.append(smoothing_line(pool, display))
    # "total" and "change" renamed: columns the glossary does not know are summed in the 合计 row
    table = plan.table(pool.track).rename(columns={"total": "zone_total", "change": "zone_change"})
    shown = table if show_all else table.head(SHOWN_ZONES)
    years = [str(y) for y in plan.summary.years]
    kind = _KIND.get(pool.resource, "ratio")
    kinds = {c: kind for c in [*years, "zone_total", "zone_change"]}
    labels = {**{y: y for y in years}, "zone_total": display.term("term.total"),
              "zone_change": display.term("col.change")}
    lines.append(_text(shown, display, over=table, kinds=kinds, labels=labels))
    if len(table) > len(shown):
        lines.append(display.t("term.more_zones", n=len(table) - len(shown)))
    return lines


def smoothing_line(pool: Any, display: Display) -> str:
    """The track's smoothing: λ (and whether it is the default), what a unit of change costs,
    the total variation and the penalty charged, apart from the objective."""
    unit = _unit_words(display, pool.unit)
    tv = display.quantity_parts(pool.total_variation, pool.unit)[0]
    if pool.smoothing_penalty <= 0:
        return display.t("years.smoothing_off", tv=tv, unit=unit)
    cost_unit = pool.change_cost_unit.rsplit(" per ", 1)[0]
    return display.t("years.smoothing", penalty=f"{pool.smoothing_penalty:g}",
                     default=display.t("years.default") if pool.smoothing_default else "", unit=unit,
                     cost=_rate_amount(pool.change_cost, cost_unit, display), tv=tv,
                     charged=_objective_amount(pool.smoothing_cost, cost_unit, display))


def _rate_amount(v: float, unit: str, display: Display) -> str:
    """A small amount per unit (what a mu of change costs): money in the instance's own unit
    (万元, as rates per mu are), anything else as :func:`_objective_amount` says it."""
    from zoneopt.plans.display import significant

    base = unit[:-3] if unit.endswith("/yr") else unit
    if base.split(" ")[0] in ("yuan", "万元", "亿元"):
        words = display.t("unit.per_year", unit=display.rate_money_unit) if unit.endswith("/yr") \
            else display.rate_money_unit
        return f"{significant(v, 4)} {words}"
    return _objective_amount(v, unit, display)


def _objective_amount(v: float, unit: str, display: Display) -> str:
    """An amount in an objective's unit (money per year, or an emission priority's tce/yr ×
    share of the mean yearly pool) as the display says it."""
    from zoneopt.plans.wording import unit_words

    share = " × share of the mean yearly pool"
    if unit.endswith(share):
        base = unit[:-len(share)]
        value, words = display.quantity_parts(v, base)
        words = unit_words(words, display) if words == base else words
        return f"{value} {display.t('years.share_of_pool', unit=words)}"
    value, words = display.quantity_parts(v, unit)
    return f"{value} {unit_words(words, display) if words == unit else words}"


def objective_line(o: Any, s: Any, display: Display) -> str:
    """A resource's objective over the years, its unit as the display says it; the smoothing
    penalty charged on its tracks apart."""
    from zoneopt.plans.display import significant

    base = o.unit.split(", summed over")[0]
    discount = display.t("years.discount", rate=significant(s.discount_rate, 4)) if s.discount_rate else ""
    penalty = display.t("years.penalty", value=_objective_amount(o.smoothing_cost, base, display)) \
        if o.smoothing_cost else ""
    return display.t("years.objective", resource=_title(display, o.resource) if display.zh else o.resource,
                     kind=display.term(f"objective.kind.{o.kind}", o.kind),
                     value=_objective_amount(o.value, base, display), years=len(s.years), discount=discount,
                     penalty=penalty)


def _balance(plan: Any, display: Display) -> pd.DataFrame:
    """Per track and year: pool, additions, carried in, allocated, unused, lapsed, each in the
    track's unit as the display says it (money in its display unit)."""
    import pandas as pd

    y = plan.years
    values = ["pool", "additions", "carried_in", "allocated", "unused", "lapsed"]
    out = pd.DataFrame({"track": [display.track_name(t) for t in y["track"]], "year": y["year"].astype(str),
                        "unit": [_unit_words(display, u) for u in y["unit"]]})
    for c in values:
        out[c] = [display.quantity_parts(float(v), u)[0] for v, u in zip(y[c], y["unit"], strict=True)]
    return out


def _objectives(plan: Any, display: Display) -> pd.DataFrame:
    """Per resource, its objective in each year (undiscounted), in its unit."""
    import pandas as pd

    o = plan.objectives
    rows = []
    for r in plan.summary.resources:  # a loop over resources
        mine = o[o["resource"] == r]
        unit = str(mine["unit"].iloc[0])
        row = {"resource": _title(display, r)}
        row.update({str(t): _objective_amount(float(v), unit, display).split(" ")[0]
                    for t, v in zip(mine["year"], mine["objective"], strict=True)})
        row["unit"] = _objective_amount(0.0, unit, display).split(" ", 1)[1]
        rows.append(row)
    return pd.DataFrame(rows)


def _targets(t: pd.DataFrame, display: Display) -> pd.DataFrame:
    import pandas as pd

    scope = [display.term("term.total") if v == "total" else v for v in t["scope"]]
    driven = ["+".join(display.track_name(k) for k in str(v).split("+") if k) for v in t["driven_by"]]
    return pd.DataFrame({"rule": t["rule"], "scope": scope, "required": t["required"],
                         "achieved": t["achieved"], "slack": t["slack"], "rate": t["achieved_rate"],
                         "target_rate": t["required_rate"], "driven_by": driven})


def target_status_lines(plan: Any, display: Display) -> list[str]:
    """Every target of the plan over years, met (with its value), short (with why) or not
    modelled (with what it needs); the statuses and heads in the display's language, each
    target's own figures as the model states them."""
    st = getattr(plan, "target_status", None)
    if st is None or st.empty:
        return []
    counts = st["status"].value_counts()
    head = " · ".join(f"{display.term(f'tstatus.{k}', k)} {counts.get(k, 0)}" if display.zh
                      else f"{counts.get(k, 0)} {k}" for k in ("met", "short", "not modelled"))
    lines = ["", display.t("years.targets_head", counts=head)]
    for r in st.to_dict("records"):  # a loop over targets
        name = str(r["metric"])
        metric = f" {display.indicator(name)}" \
            if r["type"] in ("growth", "level") else ""
        achieved = display.clean(str(r["achieved"]))
        value = f" {display.clean(str(r['required']))}" + (display.t("years.achieved", value=achieved)
                                                          if r["achieved"] else "")
        unit = r["unit"] and r["type"] == "level" and not str(r["achieved"]).endswith("zones") \
            and not _is_money(str(r["unit"]))
        word = display.term(f"tunit.{r['unit']}", display.clean(str(r["unit"]))).strip()
        source = display.clean(str(r["source"])) if r["source"] else display.t("years.no_source")
        lines.append(display.t("years.target_line", status=display.term(f"tstatus.{r['status']}", r["status"]),
                               rule=r["rule"], source=source, metric=metric)
                     + value + (f" {word}".rstrip() if unit else ""))
        if r["diagnosis"]:
            lines.append(f"      {display.clean(str(r['diagnosis']))}")
    return lines


def _is_money(unit: str) -> bool:
    """Whether a target's unit is money (its figures are said in the display's money unit)."""
    from zoneopt.instance import MONEY_LABEL

    return unit.split("/")[0] in (*MONEY_LABEL.values(), "万元", "亿元")


def notes(plan: Any, display: Display) -> list[str]:
    """The plan's notes in the display's language (the model writes them from the glossary)."""
    return [display.clean(n) for n in plan.summary.notes]
