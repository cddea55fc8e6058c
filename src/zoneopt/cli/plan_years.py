"""``python -m zoneopt plan-years PATH``: the land plan over the plan years (default 2021–2025),
with carry-over, ramps, cumulative rules, growth targets and the land dynamic management frees."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import pandas as pd

from zoneopt.cli.common import add_backend_options, add_verb, fmt
from zoneopt.errors import InvalidInputError, NoSolutionError

EPILOG_PLAN_YEARS = """exit codes: 0 solved (optimal, or feasible within the MIP gap);
2 invalid input (instance, option, a rule or growth target lacking data);
3 infeasible (the conflicting rules are named with their year, e.g. `city-cap@2023`) or unbounded;
4 no solution (time limit, solver failure); 1 internal error"""


def add_parser(sub: Any) -> None:
    p = add_verb(sub, "plan-years", "solve the land plan over several years (2021–2025)",
                 "Solve the multi-period land plan of an instance JSON: one land model per plan year "
                 "(periods.years, default 2021–2025), linked by the pool balance with carry-over of "
                 "unused quota, ramp limits, cumulative rules and growth targets (periods section; "
                 "without one, every year repeats pools.land). When the instance has a management "
                 "section, dynamic management runs first: land it frees joins the next year's pool and "
                 "revoked zones get no more land. Prints the zones × years table, the per-year pool "
                 "balance and the growth targets. See models/multi-period.md.", epilog=EPILOG_PLAN_YEARS)
    p.add_argument("path", type=Path, help="instance .json")
    add_backend_options(p)
    p.add_argument("--no-management", action="store_true",
                   help="ignore the management section (no returned land, no revocations)")
    p.add_argument("--out", type=Path, default=None, metavar="FILE",
                   help="write the plan to FILE.json, .csv (zones × years) or .xlsx (atomically)")
    p.add_argument("--all", action="store_true", help="print every zone, not only the first 40")


def run(args: argparse.Namespace, out: TextIO) -> int:
    if args.path.suffix.lower() != ".json":
        raise InvalidInputError(f"{args.path}: plan-years takes an instance JSON")
    from zoneopt.instance import load
    from zoneopt.models.multi_period import solve_multi_period

    instance = load(args.path)
    plan = solve_multi_period(instance, args.backend, time_limit=args.time_limit, mip_gap=args.mip_gap,
                              management=False if args.no_management else None)
    s = plan.summary
    print(f"zoneopt plan-years · {s.instance}" + (" · SYNTHETIC data" if s.synthetic else ""), file=out)
    print(f"land over {s.years[0]}–{s.years[-1]} · pools {fmt(s.pool_total_mu)} mu"
          + (f" + {fmt(s.additions_mu)} mu returned" if s.additions_mu else "")
          + f" · carry-over {s.carry_over:g} · allocated {fmt(s.allocated_mu)} mu to {s.zones} zones"
          + (" · dynamic management applied" if s.management_applied else ""), file=out)
    table = plan.table()
    shown = table if args.all else table.head(40)
    view = shown.copy()
    for col in view.columns[3:]:
        view[col] = view[col].map(lambda v: f"{v:,.1f}")
    with pd.option_context("display.unicode.east_asian_width", True, "display.width", 200):
        print(view.to_string(index=False), file=out)
        if len(table) > len(shown):
            print(f"... {len(table) - len(shown)} more zones (use --all or --out)", file=out)
        years = plan.years[["year", "pool_mu", "additions_mu", "carried_in_mu", "allocated_mu", "unused_mu",
                            "lapsed_mu", "objective"]].copy()
        for col in years.columns[1:]:
            years[col] = years[col].map(lambda v: fmt(float(v)))
        print("\npool balance per year (mu; objective per year, undiscounted):", file=out)
        print(years.to_string(index=False), file=out)
        if not plan.targets.empty:
            t = plan.targets
            view_t = pd.DataFrame({"rule": t["rule"], "scope": t["scope"], "required": t["required"].map(fmt),
                                   "achieved": t["achieved"].map(fmt), "slack": t["slack"].map(fmt),
                                   "rate": t["achieved_rate"].map(lambda v: "-" if np.isnan(v) else f"{v:.2%}/yr"),
                                   "target": t["required_rate"].map(lambda v: f"{v:.2%}/yr")})
            print(f"\ngrowth targets ({s.money_unit}):", file=out)
            print(view_t.to_string(index=False), file=out)
    gap = f" · gap {s.mip_gap:.2g}" if s.mip_gap is not None else ""
    print(f"\nobjective ({s.objective_kind}): {fmt(s.objective, 10)} {s.objective_unit}", file=out)
    if s.secondary_objective is not None:
        print(f"tie-break (efficiency): {fmt(s.secondary_objective, 10)} {s.secondary_objective_unit}", file=out)
    print(f"status: {s.status} · backend {s.backend} · solve {s.runtime_s:.3f} s{gap} · checked (max violation "
          f"{fmt(s.check_max_violation, 2)}) · units: land mu, money {s.money_unit}", file=out)
    for note in s.notes:
        print(f"note: {note}", file=out)
    for warning in s.warnings:
        print(f"warning: {warning}", file=out)
    if args.out is not None:
        plan.write(args.out)
        print(f"wrote {args.out}", file=out)
    if s.status != "optimal":
        raise NoSolutionError(f"stopped with a feasible plan at gap {fmt(s.mip_gap, 3)}, above the "
                              f"requested {args.mip_gap:g} (raise --time-limit or --mip-gap)")
    return 0
