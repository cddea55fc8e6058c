"""``python -m zoneopt explain PATH ZONE``: why a zone got what it got, and what would change it."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, TextIO

from zoneopt.cli.common import add_backend_options, add_verb, is_model_file
from zoneopt.errors import InvalidInputError

EPILOG = """The zone's allocation, request and fulfilment; its score and grade and the evaluation
that set them (and its result in every evaluation the instance carries); the rules that bind
for it with their shadow prices (objective unit per mu) and the range over which each holds;
the pool's price; what a step of each binding bound (and of the pool) does to its allocation
(re-solves); for a zone at 0, how far its weight (亩均税收 by default) must rise before it gets
land; and its place in a tilt's score order. See models/sensitivity.md.

exit codes: 0 explained; 2 invalid input (an unknown zone: close matches are named; the
instance; an option); 3 the plan is infeasible or unbounded (the diagnosis is printed);
4 no solution (time limit, solver failure); 1 internal error"""


def add_parser(sub: Any) -> None:
    e = add_verb(sub, "explain", "explain one zone's allocation: binding rules, prices, what would change it",
                 "Solve an instance's land plan and explain the allocation of one zone.", epilog=EPILOG)
    e.add_argument("path", type=Path, help="instance .json")
    e.add_argument("zone", help="zone id (or its exact name)")
    add_backend_options(e)
    e.add_argument("--step", type=float, default=None, metavar="MU",
                   help="bound move of the re-solves, mu (default: about 1%% of the pool; the parcel for a "
                        "parcel model)")
    e.add_argument("--json", action="store_true", help="print the explanation as JSON instead of text")


def run(args: argparse.Namespace, out: TextIO) -> int:
    if is_model_file(args.path):
        raise InvalidInputError(f"{args.path}: explain takes an instance JSON (a model file has no zones)")
    from zoneopt.core.solution import SolveOptions
    from zoneopt.explain import explain_zone
    from zoneopt.instance import load

    instance = load(args.path)
    options = SolveOptions(time_limit=args.time_limit, mip_gap=args.mip_gap)
    e = explain_zone(instance, args.zone, args.backend, step=args.step, options=options)
    if args.json:
        print(json.dumps(e.to_dict(), ensure_ascii=False, indent=2), file=out)
    else:
        print(e.text(), file=out)
    return 0
