"""``python -m zoneopt manage PATH``: dynamic management (有升有退) from a score history —
upgrade recommendations, warnings, area reductions and revocations, and the land they free."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from zoneopt.cli.common import INSTANCE_SUFFIXES, add_verb, check_out, fmt
from zoneopt.errors import InvalidInputError

EPILOG_MANAGE = """exit codes: 0 decided; 2 invalid input (no management section, unknown zone in the
history, an option); 4 the upgrade MIP found no optimum (method "mip"); 1 internal error"""


def add_parser(sub: Any) -> None:
    p = add_verb(sub, "manage", "decide upgrades, warnings, reductions and revocations (有升有退)",
                 "Run dynamic management on an instance JSON's management section: for each year of "
                 "the score history, warn zones ranked at the bottom (or scoring or graded low), reduce "
                 "the area of zones warned several years running (核减面积) and revoke those warned longer "
                 "(撤销), and recommend the best zones for upgrade (at most a few a year). Prints each "
                 "year's decisions with the rules and clauses that made them, and the land returned to "
                 "the pool (2017 §六(三)). See models/dynamic-management.md.", epilog=EPILOG_MANAGE)
    p.add_argument("path", type=Path, help="instance .json or .xlsx")
    from zoneopt.core.solve import backend_names

    p.add_argument("--backend", default="highs", choices=backend_names(),
                   help="solver for an upgrade rule with method 'mip' (default: highs)")
    p.add_argument("--out", type=Path, default=None, metavar="FILE",
                   help="write the decisions to FILE.json, .csv (every zone-year) or .xlsx (atomically)")
    p.add_argument("--all", action="store_true", help="print every decision, not only the first 60")


def run(args: argparse.Namespace, out: TextIO) -> int:
    if args.path.suffix.lower() not in INSTANCE_SUFFIXES:
        raise InvalidInputError(f"{args.path}: manage takes an instance (.json or .xlsx)")
    if args.out is not None:
        check_out(args.out)  # before any work
    import pandas as pd

    from zoneopt.instance import load
    from zoneopt.models.dynamic import manage

    instance = load(args.path)
    result = manage(instance, backend=args.backend)
    print(f"zoneopt manage · {instance.name}" + (" · SYNTHETIC data" if instance.metadata.synthetic else ""),
          file=out)
    y = result.years
    print(f"history {y['year'].iloc[0]}–{y['year'].iloc[-1]} · rules: "
          + ", ".join(f"{rid} ({src})" if src else rid for rid, src in result.rules.items()), file=out)
    acted = result.decisions[result.decisions["actions"] != ""]
    shown = acted if args.all else acted.head(60)
    with pd.option_context("display.unicode.east_asian_width", True, "display.width", 200,
                           "display.max_colwidth", 50):
        if shown.empty:
            print("no decisions: no zone met a rule", file=out)
        else:
            view = pd.DataFrame({"year": shown["year"], "zone": shown["zone"], "name": shown["name"],
                                 "score": shown["score"].map(fmt),
                                 "rank": [f"{fmt(r)}/{e}" if r == r else "-"
                                          for r, e in zip(shown["rank"], shown["evaluated"], strict=True)],
                                 "actions": shown["actions"], "freed_mu": shown["freed_mu"].map(fmt)})
            print(view.to_string(index=False), file=out)
            if len(acted) > len(shown):
                print(f"... {len(acted) - len(shown)} more decisions (use --all or --out)", file=out)
        years = y.copy()
        years["freed_mu"] = years["freed_mu"].map(fmt)
        print("\nper year:", file=out)
        print(years.to_string(index=False), file=out)
    if result.pool_additions:
        print("land returned to the pool: " + ", ".join(f"{k}: {fmt(v)} mu"
                                                        for k, v in sorted(result.pool_additions.items())), file=out)
    if args.out is not None:
        result.write(args.out)
        print(f"wrote {args.out}", file=out)
    return 0
