"""``python -m zoneopt diagnose PATH``: which of an instance's rules conflict, and the least
change of each that lets the plan hold."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from zoneopt.cli.common import add_verb, fmt, is_model_file
from zoneopt.errors import InvalidInputError

EPILOG_DIAGNOSE = """exit codes: 0 feasible (prints "feasible: no conflict");
3 infeasible (the conflicting rules and their relaxations are printed to stdout);
2 invalid input; 4 a solve ended without deciding (time limit, solver failure);
1 internal error"""


def add_parser(sub: Any) -> None:
    d = add_verb(sub, "diagnose", "name the rules that conflict and how to relax them",
                 "Diagnose an instance JSON: if its land plan is infeasible, print an irreducible "
                 "set of conflicting rules (drop any one and the others can hold), with their "
                 "policy sources, and for each rule the least change of its bounds, in mu, that "
                 "restores feasibility. One conflict is reported; relax it and run again to find "
                 "the next. See models/diagnosis.md.", epilog=EPILOG_DIAGNOSE)
    d.add_argument("path", type=Path, help="instance .json")
    from zoneopt.core.solve import backend_names

    d.add_argument("--backend", default="highs", choices=backend_names(),
                   help="solver backend for the diagnosis' solves (default: highs; it needs one "
                        "that takes continuous variables, and integers for a parcel model)")
    d.add_argument("--time-limit", type=float, default=None, metavar="S", help="seconds per solve")


def run(args: argparse.Namespace, out: TextIO) -> int:
    if is_model_file(args.path):
        raise InvalidInputError(f"{args.path}: diagnose takes an instance JSON (a model file has no rule ids)")
    from zoneopt.diagnose import diagnose_land
    from zoneopt.instance import load
    from zoneopt.models.land_quota import build_land_model

    instance = load(args.path)
    if instance.pools.land is None:
        raise InvalidInputError(f"{args.path}: pools.land: nothing to diagnose (the instance has no land pool)")
    lm = build_land_model(instance)
    d = diagnose_land(lm, args.backend, time_limit=args.time_limit)
    banner = f"zoneopt diagnose · {instance.name}" + (" · SYNTHETIC data" if instance.metadata.synthetic else "")
    print(banner, file=out)
    print(f"land model: {lm.model.num_vars} variables × {lm.model.num_rows} rows"
          f"{' (MIP)' if lm.model.is_mip else ' (LP)'}, {d.rules_checked} rules "
          f"(land unit {fmt(lm.land_unit)} mu) · backend {d.backend} · {d.solves} solves", file=out)
    if d.feasible:
        print("feasible: no conflict", file=out)
        return 0
    print("infeasible: " + d.report(), file=out)
    return 3
