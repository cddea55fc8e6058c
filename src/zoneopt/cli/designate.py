"""``python -m zoneopt designate PATH``: which candidate parks become provincial zones in which
year (新增省级经开区), which zones are recommended for national status or convert to urban
functional areas, and why each other candidate is not chosen."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from zoneopt.cli.common import (
    add_backend_options,
    add_lang_option,
    add_verb,
    check_out,
    fmt,
    require_optimal,
    solver_log_to_stderr,
)

EPILOG = """The instance's 'designation' section (models/designation.md) gives the candidates (default:
zones of level 'other'), the criteria each must meet (each a rule citing its clause), the
counts (e.g. 新增省级经开区 35 个以上, 2022 专栏一) and one zone per county (2017 §二(一)).

exit codes: 0 solved; 2 invalid input; 3 infeasible (the rules in conflict are named, e.g. a
count floor more than the qualifying candidates allow); 4 no solution in time; 1 internal error"""


def add_parser(sub: Any) -> None:
    d = add_verb(sub, "designate", "designate new provincial zones, recommend upgrades, convert zones",
                 "Solve the designation model of an instance: who is designated a provincial zone in which "
                 "plan year, recommended for national status or converted to an urban functional area, and "
                 "why each other candidate is not (the criterion it fails or the rule that binds).",
                 epilog=EPILOG)
    d.add_argument("path", type=Path, help="instance .json or .xlsx with a 'designation' section")
    add_backend_options(d)
    d.add_argument("--out", type=Path, default=None, metavar="FILE",
                   help="write the plan to FILE.json, .csv (the decision table) or .xlsx (atomically)")
    d.add_argument("--all", action="store_true", help="print every candidate not chosen, not only the first 20")
    d.add_argument("--verbose", action="store_true", help="solver log to stderr")
    add_lang_option(d)


def _ranked_by(instance: Any, sid: str, display: Any) -> tuple[str, str]:
    """The figure a status ranks zones by, as the display names it (a ratio as num/den), and
    how its values are shown (``money`` in the display's unit, else as they are)."""
    from zoneopt.evaluation.indicators import indicator_unit
    from zoneopt.plans.display import is_money_amount

    st = next(x for x in instance.designation.statuses if x.id == sid)
    name = st.score or instance.designation.score
    words = display.indicator(name if st.score_over is None else f"{name}/{st.score_over}")
    money = st.score_over is None and is_money_amount(indicator_unit(name, instance))
    return words, "money" if money else "ratio"


def criterion_units(instance: Any) -> dict[str, str]:
    """Each criterion indicator's unit (a figure of ``designation.figures`` has none)."""
    from zoneopt.errors import ZoneoptError
    from zoneopt.evaluation.indicators import indicator_unit

    d = instance.designation
    parts = [d.establish, d.upgrade, d.convert, *(d.statuses or ())]
    out: dict[str, str] = {}
    for c in (c for p in parts if p is not None for c in p.criteria):  # a loop over criteria
        if c.indicator not in d.figures and c.over is None:
            try:
                out[c.indicator] = indicator_unit(c.indicator, instance)
            except (ZoneoptError, KeyError):
                continue
    return out


def _statuses(plan: Any, instance: Any, display: Any, shown: Any, every: bool, out: TextIO) -> None:
    """Each status: who is awarded it in which year (with the figure it ranks zones by), and
    how many are not by the rule that keeps them out (with ``--all`` each of them)."""
    if plan.statuses.empty:
        return
    print("\n" + display.t("des.statuses"), file=out)
    for sid, g in plan.statuses.groupby("status", sort=False):  # a loop over statuses
        got = g[g["decision"] != ""].sort_values(["year", "zone"], kind="stable")
        print(display.t("des.status_head", label=g["label"].iloc[0], status=sid, awarded=len(got),
                        qualifying=int(g["qualifies"].sum()), zones=len(g), held=int(g["held"].sum())), file=out)
        if not got.empty:
            words, kind = _ranked_by(instance, str(sid), display)
            figure = got["score"] * display.money_factor if kind == "money" else got["score"]
            head = f"{words}（{display.money_unit}）" if kind == "money" and display.zh else \
                f"{words} ({display.money_unit})" if kind == "money" else words
            print(shown(got.assign(ranked_by=figure), ["year", "zone", "name", "county", "ranked_by", "reason"],
                        {"ranked_by": head}), file=out)
        rest = g[g["decision"] == ""]
        if not rest.empty:
            rules = rest["rule"].replace("", display.t("des.not_needed"))
            by = rest.assign(rule=rules).groupby("rule").size().sort_values(ascending=False)
            print(display.t("des.rest_status", counts=("、" if display.zh else ", ").join(
                f"{r} {n}" for r, n in by.items())), file=out)
            if every:
                print(shown(rest, ["zone", "name", "county", "rule", "reason"]), file=out)


def run(args: argparse.Namespace, out: TextIO) -> int:
    solver_log_to_stderr(args)
    if args.out is not None:
        check_out(args.out)  # before any solve
    import pandas as pd

    from zoneopt.cli.plan_text import status_line
    from zoneopt.errors import InvalidInputError
    from zoneopt.instance import load
    from zoneopt.models.designation_plan import solve_designation
    from zoneopt.plans.designation_words import reason_words
    from zoneopt.plans.display import Display

    instance = load(args.path)
    if instance.designation is None:
        raise InvalidInputError(f"{args.path}: designation: the instance has no 'designation' section "
                                "(see models/designation.md)")
    plan = solve_designation(instance, args.backend, time_limit=args.time_limit, mip_gap=args.mip_gap)
    display = Display.of(instance, args.lang)
    units = criterion_units(instance)
    s = plan.summary
    print(display.t("des.banner", name=s.instance) + (f" · {display.t('term.synthetic')}" if s.synthetic else ""),
          file=out)
    print(display.t("des.head", first=s.years[0], last=s.years[-1], designated=s.designated, candidates=s.candidates,
                    qualifying=s.qualifying, recommended=s.recommended, converted=s.converted, before=s.zones_before,
                    after=s.zones_after), file=out)
    d = plan.decisions
    chosen = d[d["decision"] != ""].sort_values(["year", "part", "zone"], kind="stable")
    cols = ["year", "part", "zone", "name", "county", "score", "reason"]

    def shown(frame: pd.DataFrame, columns: list[str], heads: dict[str, str] | None = None) -> str:
        view = frame[columns].copy()  # a table in the display's words
        if "part" in view:
            view["part"] = [display.term(f"part.{v}", v) for v in view["part"]]
        view["reason"] = [reason_words(str(v), display, units) for v in view["reason"]]
        for c in ("score", "ranked_by"):
            if c in view:
                view[c] = view[c].map(lambda v: fmt(v, 4))
        view.columns = [(heads or {}).get(c) or display.term(f"col.{c}", c) for c in columns]
        return view.to_string(index=False)

    with pd.option_context("display.unicode.east_asian_width", True, "display.max_colwidth", 90,
                           "display.width", 220):
        print("\n" + display.t("des.chosen"), file=out)
        print(shown(chosen, cols), file=out)
        rest = d[(d["decision"] == "") & (d["part"] == "establish")]
        if not rest.empty:
            by_rule = rest.groupby("rule").size().sort_values(ascending=False)
            print("\n" + display.t("des.rest", counts=("、" if display.zh else ", ").join(
                f"{r} {n}" for r, n in by_rule.items())), file=out)
            few = rest if args.all else rest.head(20)
            print(shown(few, ["zone", "name", "county", "rule", "reason"]), file=out)
            if len(rest) > len(few):
                print(display.t("verb.more", n=len(rest) - len(few)), file=out)
        _statuses(plan, instance, display, shown, args.all, out)
    print("\n" + "  ".join(display.t("des.year", year=y, a=a, b=b, c=c) for y, a, b, c in
                           plan.years[["year", "designated", "recommended", "converted"]].itertuples(index=False)),
          file=out)
    for t in plan.targets.to_dict("records"):  # the designation targets, as plan-years prints them
        print(display.t("des.target", status=display.term(f"tstatus.{t['status']}", t["status"]), rule=t["rule"],
                        source=t["source"] or display.t("years.no_source"), required=display.clean(str(t["required"])),
                        achieved=t["achieved"])
              + (f"\n    {display.clean(str(t['diagnosis']))}" if t["diagnosis"] else ""), file=out)
    unit = display.term(f"dunit.{s.objective_unit}", display.clean(s.objective_unit))
    print(display.t("des.measure", value=fmt(s.objective, 10), unit=unit)
          + (display.t("des.tie_break", value=fmt(s.tie_break_objective, 10)) if s.tie_break_objective is not None
             else ""), file=out)
    print(status_line(s, display), file=out)
    for note in s.notes:
        print(display.t("verb.note", text=display.clean(note)), file=out)
    if args.out is not None:
        plan.write(args.out)
        print(display.t("verb.wrote", path=args.out), file=out)
    require_optimal(s.status, s.mip_gap, args, "designation")
    return 0
