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
models/sensitivity.md. With a 'designation' section: whether the zone is designated a provincial
zone, recommended for national status or converted, in which year, and otherwise the criterion it
fails or the rule that binds (models/designation.md); an instance with only that section gets
only this.

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
    from zoneopt.resources import configured

    designation = _designation_text(instance, args, options) if instance.designation is not None else None
    if designation is not None and not configured(instance):  # a designation-only instance
        if args.json:
            print(json.dumps({"zone": designation[0], "designation": designation[1]}, ensure_ascii=False, indent=2),
                  file=out)
        else:
            print(designation[1], file=out)
        return 0
    e = explain_zone(instance, args.zone, args.backend, step=args.step, options=options, **extra)
    if args.json:
        record = e.to_dict()
        if designation is not None:
            record["designation"] = designation[1]
        print(json.dumps(record, ensure_ascii=False, indent=2), file=out)
    else:
        from zoneopt.plans.display import Display

        print(e.text(Display.of(instance, args.lang)), file=out)
        if designation is not None:
            print("\n" + designation[1], file=out)
    return 0


def _designation_text(instance: Any, args: argparse.Namespace, options: Any) -> tuple[str, str]:
    """The zone (by id, or its exact name) and why the designation plan designates,
    recommends or converts it or not (models/designation.md); a zone the designation does
    not consider says so. An unknown zone is invalid input, with close matches."""
    import difflib

    from zoneopt.models.designation_plan import solve_designation

    ids = instance.zone_ids
    names = {z.name: z.id for z in instance.zones if z.name} if not hasattr(instance.zones, "ids") else {}
    zone = args.zone if args.zone in ids else names.get(args.zone)
    if zone is None:
        close = difflib.get_close_matches(args.zone, [*ids, *names], n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise InvalidInputError(f"unknown zone {args.zone!r}{hint}")
    from zoneopt.cli.designate import criterion_units
    from zoneopt.plans.display import Display

    plan = solve_designation(instance, args.backend, options=options)
    d = Display.of(instance, args.lang)
    text = plan.explain(zone, d, criterion_units(instance)) or d.t("dx.none", zone=zone)
    return zone, d.t("dx.head") + "\n  " + text.replace("\n", "\n  ")
