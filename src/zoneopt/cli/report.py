"""``python -m zoneopt report PATH --out DIR``: a Markdown report, an Excel workbook and PNG charts."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from zoneopt.cli.common import add_backend_options, add_lang_option, add_verb, check_out, is_model_file
from zoneopt.errors import InvalidInputError

EPILOG = """Writes into DIR (created if needed; each file atomically) what --format asks: report.md
and PNG charts, embedded in the Markdown by relative path (md); report.xlsx, a sheet per table
(xlsx); report.docx, a Word document with a title page, the tables and the charts (docx). In the
instance's language (metadata.language; --lang zh|en overrides), money in its display unit.
The report has a summary (units, every plan's headline, every rule with its policy clause,
warnings), the evaluations, and a section per configured resource:
  land: the allocation table, binding rules with sources and shadow prices, rules ranked by
    cost, the what-if table over the pool, the efficiency-equity frontier, the scenario
    comparison; charts of the allocation per zone, score against allocation per existing mu,
    totals per city, the what-if curve and the frontier;
  emission allowances: pools, allowances per zone and pollutant (a chart with a panel per
    pollutant), per city, binding rules with prices per t;
  funds: the budget, funds per zone against requests (a chart, with leverage), per city,
    binding rules with prices per unit of money;
  project portfolio: pool use (a chart), the targets, revenue before and after against the
    count targets' thresholds (a chart), zone totals, every project, binding rules;
and, when the instance has scenarios, the scenarios per resource and per quantity; when it has
periods, the plan over years (each year's pools and allocations, every target met or short,
as plan-years says it; --no-years leaves it out); with --sweep,
a sweep\'s section (a fan chart of each zone\'s allocation over the draws, the probability of
land, grade stability, replacement costs ranked). Charts need
the report extra: pip install "zoneopt[report]" (matplotlib, the Noto Sans CJK font and
python-docx).

exit codes: 0 written; 2 invalid input (the instance, an option, DIR not a directory, or the
report extra not installed); 3 the plan is infeasible or unbounded (the diagnosis is printed;
nothing is written); 4 no solution (time limit, solver failure); 1 internal error"""


def add_parser(sub: Any) -> None:
    r = add_verb(sub, "report", "write a Markdown/Excel report with charts of an instance's plan",
                 "Solve an instance's plans (every configured resource) and write a report: Markdown, an "
                 "Excel workbook and PNG charts.", epilog=EPILOG)
    r.add_argument("path", type=Path, help="instance .json or .xlsx")
    r.add_argument("--out", type=Path, required=True, metavar="DIR", help="directory to write the report into")
    add_backend_options(r)
    r.add_argument("--factors", default="0.8,0.9,1,1.1,1.2", metavar="F,F,...",
                   help="pool factors of the what-if curve (default 0.8,0.9,1,1.1,1.2)")
    r.add_argument("--points", type=int, default=11, metavar="N",
                   help="points of the efficiency-equity frontier (default 11)")
    r.add_argument("--no-rule-costs", action="store_true",
                   help="skip the exact rule costs (one re-solve per rule); keep the first-order ranking")
    r.add_argument("--no-scenarios", action="store_true", help="leave the scenario comparison out")
    r.add_argument("--no-years", action="store_true", help="leave the plan over years and its targets out")
    r.add_argument("--format", default="md,xlsx", metavar="F,F,...",
                   help="what to write: md (report.md and PNG charts), xlsx (report.xlsx), docx (report.docx, a "
                        "Word document with the charts inside); default md,xlsx")
    r.add_argument("--sweep", type=Path, default=None, metavar="FILE.parquet",
                   help="add the section of a sweep of this instance (python -m zoneopt sweep): allocation bands "
                        "(a fan chart), probability of land, grade stability, replacement costs")
    add_lang_option(r)


def _formats(text: str) -> list[str]:
    from zoneopt.report import REPORT_FORMATS

    values = [v.strip() for v in text.split(",") if v.strip()]
    bad = [v for v in values if v not in REPORT_FORMATS]
    if bad or not values:
        raise InvalidInputError(f"--format {text!r}: give one or more of {', '.join(REPORT_FORMATS)}, separated by "
                                "commas")
    return list(dict.fromkeys(values))


def _factors(text: str) -> list[float]:
    try:
        values = [float(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise InvalidInputError(f"--factors {text!r}: give numbers separated by commas, e.g. 0.8,1,1.2") from None
    if not values:
        raise InvalidInputError("--factors: give at least one factor")
    return values


def run(args: argparse.Namespace, out: TextIO) -> int:
    if is_model_file(args.path):
        raise InvalidInputError(f"{args.path}: report takes an instance JSON (a model file has no zones or rules)")
    check_out(args.out, directory=True)  # before any solve
    from zoneopt.core.solution import SolveOptions
    from zoneopt.instance import load
    from zoneopt.plans.wording import objective_sentence
    from zoneopt.report import build_report, require_chart_packages, require_docx

    formats = _formats(args.format)
    require_chart_packages()  # the report extra is there, before anything is solved
    if "docx" in formats:
        require_docx()
    factors = _factors(args.factors)
    instance = load(args.path)
    options = SolveOptions(time_limit=args.time_limit, mip_gap=args.mip_gap)
    report = build_report(instance, args.backend, options=options, what_if_factors=factors,
                          frontier_points=args.points, rule_costs=not args.no_rule_costs,
                          scenarios=not args.no_scenarios, sweep=args.sweep, lang=args.lang,
                          years=not args.no_years)
    written = report.write(args.out, formats)
    d = report.display
    print(d.t("cli.report.banner", name=instance.name) + (f" · {d.t('term.synthetic')}" if instance.metadata.synthetic
                                                          else ""), file=out)
    if report.land is not None:
        s = report.land.plan.summary
        print(f"{d.term('short.land')}: {d.term(f'status.{s.status}', s.status)} · "
              f"{objective_sentence(s, d, allocations=report.land.plan.allocations)}", file=out)
    for key, plan in report.plans.items():
        r = plan.summary
        print(f"{d.term(f'short.{key}', key)}: {d.term(f'status.{r.status}', r.status)} · "
              f"{objective_sentence(r, d, allocations=plan.allocations, projects=plan.projects)}", file=out)
    for name, note in report.chart_notes.items():
        print(d.t("cli.report.not_drawn", name=name, note=note), file=out)
    print(d.t("cli.report.wrote", n=len(written), out=args.out), file=out)
    for p in written:
        print(f"  {p.name}", file=out)
    return 0
