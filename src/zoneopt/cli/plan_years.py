"""``python -m zoneopt plan-years PATH``: the plan over the years (default 2021–2025) of every pooled
resource (land, emission allowances per pollutant, funds), with carry-over, ramps, cumulative
rules, growth targets and the land dynamic management frees."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from zoneopt.cli.common import INSTANCE_SUFFIXES, add_backend_options, add_verb, check_out, fmt, require_optimal
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
    p.add_argument("--without-projects", action="store_true",
                   help="plan the pools over the years although the instance has projects (the project "
                        "portfolio is a single-year model: its projects and targets are left out); without it "
                        "an instance with projects exits 2")


def run(args: argparse.Namespace, out: TextIO) -> int:
    if args.path.suffix.lower() not in INSTANCE_SUFFIXES:
        raise InvalidInputError(f"{args.path}: plan-years takes an instance (.json or .xlsx)")
    if args.out is not None:
        check_out(args.out)  # before any solve
    import numpy as np
    import pandas as pd

    from zoneopt.instance import load
    from zoneopt.models.multi_period import solve_multi_period

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
    plan = solve_multi_period(instance, args.backend, time_limit=args.time_limit, mip_gap=args.mip_gap,
                              management=False if args.no_management else None)
    s = plan.summary
    print(f"zoneopt plan-years · {s.instance}" + (" · SYNTHETIC data" if s.synthetic else ""), file=out)
    print(f"{', '.join(s.resources)} over {s.years[0]}–{s.years[-1]}"
          + (" · dynamic management applied" if s.management_applied else "")
          + (" · growth targets draw on several resources" if s.coupled else ""), file=out)
    with pd.option_context("display.unicode.east_asian_width", True, "display.width", 200):
        for pool in s.pools:  # a loop over tracks (land, each pollutant, funds)
            _print_track(plan, pool, args, out)
        years = plan.years[["track", "year", "pool", "additions", "carried_in", "allocated", "unused",
                            "lapsed"]].copy()
        for col in years.columns[2:]:
            years[col] = years[col].map(lambda v: fmt(float(v), 10))
        print("\npool balance per track and year (each in its unit):", file=out)
        print(years.to_string(index=False), file=out)
        per_year = plan.objectives.pivot(index="resource", columns="year", values="objective")
        per_year = per_year.reindex(s.resources).map(lambda v: fmt(float(v), 10))
        print("\nobjective per resource and year (undiscounted):", file=out)
        print(per_year.to_string(), file=out)
        if not plan.targets.empty:
            t = plan.targets
            view_t = pd.DataFrame({"rule": t["rule"], "scope": t["scope"], "required": t["required"].map(fmt),
                                   "achieved": t["achieved"].map(fmt), "slack": t["slack"].map(fmt),
                                   "rate": t["achieved_rate"].map(lambda v: "-" if np.isnan(v) else f"{v:.2%}/yr"),
                                   "target": t["required_rate"].map(lambda v: f"{v:.2%}/yr"),
                                   "driven by": t["driven_by"]})
            print(f"\ngrowth targets ({s.money_unit}):", file=out)
            print(view_t.to_string(index=False), file=out)
    print("", file=out)
    for o in s.objectives:
        head = "objective" if len(s.objectives) == 1 else f"objective {o.resource}"
        print(f"{head} ({o.kind}): {fmt(o.value, 10)} {o.unit}", file=out)
    gap = f" · gap {s.mip_gap:.2g}" if s.mip_gap is not None else ""
    if s.secondary_objective is not None:
        print(f"tie-break (efficiency): {fmt(s.secondary_objective, 10)} {s.secondary_objective_unit}", file=out)
    print(f"status: {s.status} · backend {s.backend} · solve {s.runtime_s:.3f} s{gap} · checked (max violation "
          f"{fmt(s.check_max_violation, 2)}) · units: land mu, allowances t/yr, money {s.money_unit}", file=out)
    for note in s.notes:
        print(f"note: {note}", file=out)
    for warning in s.warnings:
        print(f"warning: {warning}", file=out)
    if args.out is not None:
        plan.write(args.out)
        print(f"wrote {args.out}", file=out)
    require_optimal(s.status, s.mip_gap, args)
    return 0


def _print_track(plan: Any, pool: Any, args: argparse.Namespace, out: TextIO) -> None:
    """One track's headline and its zones × years table (the first 40 zones unless ``--all``)."""
    from zoneopt.resources import TITLES

    print(f"\n{TITLES[pool.resource]} · {pool.track} ({pool.unit}) · pools {fmt(pool.pool_total)}"
          + (f" + {fmt(pool.additions)} " + ("returned" if pool.resource == "land" else "added") if pool.additions
             else "") + f" · carry-over {pool.carry_over:g} · allocated {fmt(pool.allocated)}", file=out)
    table = plan.table(pool.track)
    shown = table if args.all else table.head(40)
    view = shown.copy()
    for col in view.columns[3:]:
        view[col] = view[col].map(lambda v: f"{v:,.1f}")
    print(view.to_string(index=False), file=out)
    if len(table) > len(shown):
        print(f"... {len(table) - len(shown)} more zones (use --all or --out)", file=out)
