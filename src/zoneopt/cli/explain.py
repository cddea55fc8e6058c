"""``python -m zoneopt explain PATH ZONE``: why a zone got what it got, and what would change it."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, TextIO

from zoneopt.cli.common import add_backend_options, add_lang_option, add_verb, is_model_file
from zoneopt.errors import InvalidInputError

EPILOG = """The zone's allocation per configured resource: land; emission allowances per pollutant (t);
funds (money unit); or, for an instance with projects, the portfolio's zone totals of each and
the zone's projects, chosen and rejected, with why (the pools, zone rules and targets that
adding a rejected project would break, by how much; the count targets a chosen project lets
the zone reach; and re-solves with each project forced in or out). For each resource: its
request and fulfilment, the rules that bind for the zone with their shadow prices in the
plan's objective unit per mu, t or money (LPs; a MIP has none) and the range over which each
holds; the pool's price; what a step of each binding bound (and of the pool) does to its
allocation (re-solves); for a zone at 0, how far its objective weight must rise before it gets
any; for land, its place in a tilt's score order. Also its score and grade and the evaluation
that set them (and its result in every evaluation the instance carries). See
models/sensitivity.md.

exit codes: 0 explained; 2 invalid input (an unknown zone: close matches are named; the
instance; an option); 3 the plan is infeasible or unbounded (for any resource; the diagnosis
is printed);
4 no solution (time limit, solver failure); 1 internal error"""


def add_parser(sub: Any) -> None:
    e = add_verb(sub, "explain", "explain one zone's allocation: binding rules, prices, what would change it",
                 "Solve an instance's plans (every configured resource) and explain the allocation of one "
                 "zone.", epilog=EPILOG)
    e.add_argument("path", type=Path, help="instance .json or .xlsx")
    e.add_argument("zone", help="zone id (or its exact name)")
    add_backend_options(e)
    e.add_argument("--step", type=float, default=None, metavar="MU",
                   help="bound move of the land re-solves, mu (default: about 1%% of the pool; the parcel for a "
                        "parcel model); other resources step by about 1%% of their pool or a whole tranche")
    e.add_argument("--project-resolves", type=int, default=None, metavar="N",
                   help="portfolio: re-solve with each of the zone's N most valuable projects forced in or out "
                        "(default 12; 0: none)")
    e.add_argument("--json", action="store_true", help="print the explanation as JSON instead of text")
    add_lang_option(e)


def run(args: argparse.Namespace, out: TextIO) -> int:
    if is_model_file(args.path):
        raise InvalidInputError(f"{args.path}: explain takes an instance JSON (a model file has no zones)")
    from zoneopt.analysis.explain import explain_zone
    from zoneopt.core.solution import SolveOptions
    from zoneopt.instance import load

    instance = load(args.path)
    options = SolveOptions(time_limit=args.time_limit, mip_gap=args.mip_gap)
    if args.project_resolves is not None and args.project_resolves < 0:
        raise InvalidInputError(f"--project-resolves {args.project_resolves}: give a count >= 0")
    extra = {} if args.project_resolves is None else {"project_resolves": args.project_resolves}
    e = explain_zone(instance, args.zone, args.backend, step=args.step, options=options, **extra)
    if args.json:
        print(json.dumps(e.to_dict(), ensure_ascii=False, indent=2), file=out)
    else:
        from zoneopt.plans.display import Display

        print(e.text(Display.of(instance, args.lang)), file=out)
    return 0
