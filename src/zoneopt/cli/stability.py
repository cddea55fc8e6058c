"""``python -m zoneopt stability PATH``: how far the plan moves when one zone's reported figures
move by 1 % — each zone's 亩均 inputs swept ±k %, the largest move per step in the resource's
unit and as a share of the pool, and whether the plan stays feasible with the pool ×0.8 and
×1.2."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from zoneopt.cli.common import add_backend_options, add_lang_option, add_verb

EPILOG_STABILITY = """A step's move is the L1 distance between the plans on either side of it (Σ over zones of
|change|, land that changes hands counted where it leaves and where it arrives); steps at
which some zone's grade changes are reported apart (a plan may follow a change of grade).
See analysis/stability.py and models/land-quota.md.

exit codes: 0 done; 2 invalid input; 3 the base plan is infeasible or unbounded;
4 no solution; 1 internal error"""


def add_parser(sub: Any) -> None:
    p = add_verb(sub, "stability", "sweep each zone's figures ±k %% and report how far the plan moves",
                 "Sweep each zone's 亩均 inputs (default its tax) from ×(1−k) to ×(1+k) in steps of 1 %, "
                 "re-evaluating and re-solving at every step; print the largest move of the plan per step "
                 "(in the resource's unit and as a share of its pool), among the steps that change no grade "
                 "and overall, the plan's shape figures, and the plan with the pool ×0.8 and ×1.2.",
                 epilog=EPILOG_STABILITY)
    p.add_argument("path", type=Path, help="instance .json")
    p.add_argument("--resource", default="land", choices=("land", "emissions", "funds"),
                   help="the resource to sweep (default: land)")
    p.add_argument("--inputs", default="tax", metavar="LIST",
                   help="comma-separated zone figures to sweep: tax, value_added, revenue, rd_spending, "
                        "energy_tce, employees (default: tax)")
    p.add_argument("--k", type=float, default=0.10, help="sweep ±k (default 0.10: ×0.90 … ×1.10)")
    p.add_argument("--step", type=float, default=0.01, help="step (default 0.01)")
    p.add_argument("--zones", metavar="LIST", help="comma-separated zone ids (default: every zone)")
    p.add_argument("--pool-factors", default="0.8,1.2", metavar="LIST",
                   help="pool factors to re-solve at (default 0.8,1.2; empty for none)")
    p.add_argument("--out", type=Path, help="write every step as .csv or .xlsx")
    add_backend_options(p)
    add_lang_option(p)


def run(args: argparse.Namespace, out: TextIO) -> int:
    from zoneopt.analysis.stability import pool_range, stability
    from zoneopt.cli.plan_text import shape_line
    from zoneopt.core.solution import SolveOptions
    from zoneopt.errors import InvalidInputError
    from zoneopt.files import atomic_write
    from zoneopt.instance import load
    from zoneopt.plans.display import Display
    from zoneopt.plans.wording import diagnosis_message

    if args.out is not None and args.out.suffix.lower() not in (".csv", ".xlsx"):
        raise InvalidInputError(f"--out {args.out}: use .csv or .xlsx")
    instance = load(args.path)
    options = SolveOptions(time_limit=args.time_limit, mip_gap=args.mip_gap)
    zones = [z.strip() for z in args.zones.split(",") if z.strip()] if args.zones else None
    inputs = [m.strip() for m in args.inputs.split(",") if m.strip()]
    try:
        factors = [float(f) for f in args.pool_factors.split(",") if f.strip()]
    except ValueError:
        raise InvalidInputError(f"--pool-factors {args.pool_factors!r}: give numbers, e.g. 0.8,1.2") from None
    result = stability(instance, resource_name=args.resource, inputs=inputs, k=args.k, step=args.step, zones=zones,
                       backend=args.backend, options=options)
    d = Display.of(instance, args.lang)
    print(d.t("stab.banner", name=instance.name) + (f" · {d.term('term.synthetic')}" if instance.metadata.synthetic
                                                    else ""), file=out)
    print(d.t("stab.head", resource=d.term(f"short.{args.resource}", args.resource) if d.zh else args.resource,
              inputs=d.figures(inputs), n=len(zones) if zones else len(instance.zones), lo=f"{1 - args.k:.2f}",
              hi=f"{1 + args.k:.2f}", step=f"{args.step:g}", solves=result.solves,
              runtime=f"{result.runtime_s:.1f}", backend=args.backend), file=out)
    for line in result.summary_lines(d):
        print(line, file=out)
    for shape in result.base:
        print(shape_line(shape, d), file=out)
    for check in pool_range(instance, factors, resource_name=args.resource, backend=args.backend, options=options):
        status, rest = d.term(f"status.{check.status}", check.status), f" ({check.message})" if check.message else ""
        if check.diagnosis is not None:  # an infeasible pool: its conflict in the display's words
            status, rest = d.term("status.infeasible"), ("：" if d.zh else ": ") + diagnosis_message(check.diagnosis, d)
        print(d.t("stab.pool", f=f"{check.factor:g}", status=status, rest=rest), file=out)
        for s in check.shapes:
            print("  " + shape_line(s, d), file=out)
    if args.out is not None:
        suffix = args.out.suffix.lower()
        if suffix == ".csv":
            atomic_write(args.out, lambda p: result.steps.to_csv(p, index=False, encoding="utf-8-sig"))
        else:
            from zoneopt.plans import write_sheets

            write_sheets(args.out, {"steps": result.steps, "per_zone": result.per_zone()})
        print(d.t("verb.wrote", path=args.out), file=out)
    return 0

