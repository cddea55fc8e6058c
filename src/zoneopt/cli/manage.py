"""``python -m zoneopt manage PATH``: dynamic management (有升有退) from a score history —
upgrade recommendations, warnings, area reductions and revocations, and the land they free."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from zoneopt.cli.common import INSTANCE_SUFFIXES, add_lang_option, add_verb, check_out
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
    add_lang_option(p)


def run(args: argparse.Namespace, out: TextIO) -> int:
    if args.path.suffix.lower() not in INSTANCE_SUFFIXES:
        raise InvalidInputError(f"{args.path}: manage takes an instance (.json or .xlsx)")
    if args.out is not None:
        check_out(args.out)  # before any work
    import pandas as pd

    from zoneopt.instance import load
    from zoneopt.models.dynamic import manage
    from zoneopt.plans.display import Display, display_table, to_text

    instance = load(args.path)
    display = Display.of(instance, args.lang)
    result = manage(instance, backend=args.backend)
    print(display.t("manage.banner", name=instance.name)
          + (f" · {display.t('term.synthetic')}" if instance.metadata.synthetic else ""), file=out)
    y = result.years
    print(display.t("manage.history", first=y["year"].iloc[0], last=y["year"].iloc[-1],
                    rules=("、" if display.zh else ", ").join(rid + display.paren(display.clean(src)) if src else rid
                                                              for rid, src in result.rules.items())), file=out)
    acted = result.decisions[result.decisions["actions"] != ""]
    shown = acted if args.all else acted.head(60)
    if shown.empty:
        print(display.t("manage.none"), file=out)
    else:
        actions = ["、".join(display.term(f"action.{a}", a) for a in str(v).split(";") if a) if display.zh else
                   "; ".join(a for a in str(v).split(";") if a) for v in shown["actions"]]
        view = pd.DataFrame({"year": shown["year"].astype(str), "zone": shown["zone"], "name": shown["name"],
                             "score": shown["score"],
                             "rank": [f"{int(r)}/{e}" if r == r else "-"
                                      for r, e in zip(shown["rank"], shown["evaluated"], strict=True)],
                             "actions": actions, "freed_mu": shown["freed_mu"]})
        print(to_text(display_table(view, display, total_over=acted.assign(year="", rank=""))), file=out)
        if len(acted) > len(shown):
            print(display.t("verb.more", n=len(acted) - len(shown)), file=out)
    years = y.assign(year=y["year"].astype(str), returns_in=y["returns_in"].astype(str))
    print("\n" + display.t("manage.per_year"), file=out)
    print(to_text(display_table(years, display)), file=out)
    if result.pool_additions:
        mu = display.term("unit.mu")
        print(display.t("manage.returned", amounts=", ".join(f"{k}: {display.mu(v)} {mu}"
                                                            for k, v in sorted(result.pool_additions.items()))),
              file=out)
    if args.out is not None:
        result.write(args.out)
        print(display.t("verb.wrote", path=args.out), file=out)
    return 0
