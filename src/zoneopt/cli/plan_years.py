"""``python -m zoneopt plan-years PATH``: the plan over the years (default 2021–2025) of every pooled
resource (land, emission allowances per pollutant, funds), with carry-over, ramps, cumulative
rules, growth targets and the land dynamic management frees."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from zoneopt.cli.common import (
    INSTANCE_SUFFIXES,
    add_backend_options,
    add_lang_option,
    add_verb,
    check_out,
    require_optimal,
)
from zoneopt.errors import InvalidInputError

EPILOG_PLAN_YEARS = """exit codes: 0 solved (optimal, or feasible within the MIP gap);
2 invalid input (instance, option, a rule or growth target lacking data; an instance with projects,
  which the plan over years cannot plan, without --without-projects);
3 infeasible (the conflicting rules are named with their year, e.g. `city-cap@2023`) or unbounded;
4 no solution (time limit, solver failure); 1 internal error"""


def add_parser(sub: Any) -> None:
    p = add_verb(sub, "plan-years", "solve the plan of land, emission allowances and funds over several years",
                 "Solve the multi-period plan of an instance JSON: for each resource it pools (land, emission "
                 "allowances per pollutant, funds; or periods.resources) one model per plan year "
                 "(periods.years, default 2021–2025), linked by each pool's balance with carry-over of "
                 "unused amounts, ramp limits, cumulative rules and growth targets (periods section; "
                 "without one, every year repeats the single-year pools). When the instance has a "
                 "management section, dynamic management runs first: land it frees joins the next year's "
                 "pool and revoked zones get nothing more. Prints the zones × years table of every pool, "
                 "the pool balance per pool and year, each resource's objective and the growth targets. "
                 "See models/multi-period.md.", epilog=EPILOG_PLAN_YEARS)
    p.add_argument("path", type=Path, help="instance .json or .xlsx")
    add_backend_options(p)
    p.add_argument("--no-management", action="store_true",
                   help="ignore the management section (no returned land, no revocations)")
    p.add_argument("--out", type=Path, default=None, metavar="FILE",
                   help="write the plan to FILE.json, .csv (zones × years of every pool) or .xlsx (atomically)")
    p.add_argument("--all", action="store_true", help="print every zone, not only the first 40")
    p.add_argument("--smoothing", type=float, default=None, metavar="λ",
                   help="the smoothing penalty on year-to-year change on every track, as a share of the most a "
                        "unit earns in a year (0: off; default: the instance's periods.smoothing, else 0.15; "
                        "models/multi-period.md, Smoothing)")
    p.add_argument("--diagnose-targets", action="store_true",
                   help="for each soft target the plan falls short of, name the rules that hold it back (one "
                        "rule-level diagnosis each: slower)")
    p.add_argument("--without-projects", action="store_true",
                   help="plan the pools over the years although the instance has projects (the project "
                        "portfolio is a single-year model: its projects and targets are left out); without it "
                        "an instance with projects exits 2")
    add_lang_option(p)


def run(args: argparse.Namespace, out: TextIO) -> int:
    if args.path.suffix.lower() not in INSTANCE_SUFFIXES:
        raise InvalidInputError(f"{args.path}: plan-years takes an instance (.json or .xlsx)")
    if args.out is not None:
        check_out(args.out)  # before any solve
    from zoneopt.cli.years_text import years_lines
    from zoneopt.instance import load
    from zoneopt.models.multi_period import solve_multi_period
    from zoneopt.plans.display import Display

    instance = load(args.path)
    if instance.projects and not args.without_projects:
        targets = ", ".join(r.id for r in instance.portfolio.rules) or "none"
        raise InvalidInputError(
            f"{args.path}: plan-years cannot plan projects over the years: the project portfolio is a single-year "
            f"model, so its {len(instance.projects)} projects and its targets ({targets}) would be dropped; solve "
            "them with `solve`, or pass --without-projects to plan the pools alone")
    if args.smoothing is not None:
        if not args.smoothing >= 0:
            raise InvalidInputError(f"--smoothing {args.smoothing:g}: give a share ≥ 0")
        from zoneopt.models.tracks import with_smoothing

        instance = with_smoothing(instance, args.smoothing, source="plan-years --smoothing")
    display = Display.of(instance, args.lang)
    plan = solve_multi_period(instance, args.backend, time_limit=args.time_limit, mip_gap=args.mip_gap,
                              management=False if args.no_management else None,
                              diagnose_short=args.diagnose_targets)
    print("\n".join(years_lines(plan, display, args.all)), file=out)
    if args.out is not None:
        plan.write(args.out)
        print(display.t("verb.wrote", path=args.out), file=out)
    require_optimal(plan.summary.status, plan.summary.mip_gap, args)
    return 0
