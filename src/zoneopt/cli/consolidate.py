"""``python -m zoneopt consolidate PATH``: consolidate parks (整合提升, 一区多园) and print each
remaining zone with its blocks, the revoked parks and the land they free."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from zoneopt.cli.common import (
    add_backend_options,
    add_lang_option,
    add_verb,
    check_out,
    fmt,
    require_optimal,
    solver_log_to_stderr,
)

if TYPE_CHECKING:
    import pandas as pd


def add_parser(sub: Any) -> None:
    c = add_verb(sub, "consolidate", "consolidate parks: hosts with their blocks (一区多园), merges, revocations",
                 "Solve the consolidation model of an instance (its 'consolidation' section, or the defaults: "
                 "30 km, 3 blocks per host, one zone per county; models/consolidation.md) and print each "
                 "zone left with its blocks, the revoked parks and the land they free, and counts per county.")
    c.add_argument("path", type=Path, help="instance .json or .xlsx (zones with a location, or a distance table)")
    add_backend_options(c)
    c.add_argument("--out", type=Path, default=None, metavar="FILE",
                   help="write the plan to FILE.json, .csv (the park table) or .xlsx (atomically)")
    c.add_argument("--all", action="store_true", help="print every host and county, not only the first 40")
    c.add_argument("--verbose", action="store_true", help="solver log to stderr")
    add_lang_option(c)


def run(args: argparse.Namespace, out: TextIO) -> int:
    solver_log_to_stderr(args)
    if args.out is not None:
        check_out(args.out)  # before any solve
    import pandas as pd

    from zoneopt.cli.plan_text import status_line
    from zoneopt.instance import load
    from zoneopt.models.consolidation import solve_consolidation
    from zoneopt.plans.display import Display

    instance = load(args.path)
    display = Display.of(instance, args.lang)
    plan = solve_consolidation(instance, args.backend, time_limit=args.time_limit, mip_gap=args.mip_gap)
    s = plan.summary
    print(display.t("cons.banner", name=s.instance) + (f" · {display.t('term.synthetic')}" if s.synthetic else ""),
          file=out)
    print(display.t("cons.head", parks=s.parks, hosts=s.hosts, multi=s.multi_block_hosts, merged=s.merged,
                    revoked=s.revoked, freed=display.mu(s.land_freed_mu)), file=out)
    print(display.t("cons.rules", blocks=s.max_blocks, km=fmt(s.max_distance_km), source=s.distance_source,
                    pairs=s.candidate_pairs), file=out)
    limit = None if args.all else 40
    multi = plan.hosts[plan.hosts["blocks"] > 1]
    shown = multi if limit is None else multi.head(limit)
    name_of = dict(zip(plan.parks["zone"].tolist(), plan.parks["name"].tolist(), strict=True))
    sep = "、" if display.zh else "; "

    def by_name(members: str) -> str:  # the merged parks by name (the id when a park has none)
        return sep.join(str(name_of.get(z) or z) for z in str(members).split(";") if z)

    if len(shown):
        view = pd.DataFrame({
            "host": shown["host"], "name": shown["name"], "county": shown["county"], "level": shown["level"],
            "grade": shown["grade"].fillna("-"), "blocks": shown["blocks"],
            "members": shown["members"].fillna("").map(by_name), "land_area_mu": shown["land_area_mu"],
            "farthest_km": shown["farthest_block_km"].map(lambda v: f"{v:.1f}")})
        print("\n" + display.t("cons.multi"), file=out)
        _table(view, display, out, multi.rename(columns={"farthest_block_km": "farthest_km"}))
        if len(multi) > len(shown):
            print(display.t("verb.more", n=len(multi) - len(shown)), file=out)
    single = int((plan.hosts["blocks"] == 1).sum())
    if single:
        print(display.t("cons.single", n=single), file=out)
    if len(plan.revoked):
        rv = plan.revoked if limit is None else plan.revoked.head(limit)
        print("\n" + display.t("cons.revoked"), file=out)
        _table(pd.DataFrame({"zone": rv["zone"], "name": rv["name"], "county": rv["county"],
                             "grade": rv["grade"].fillna("-"), "score": rv["score"],
                             "land_freed_mu": rv["land_freed_mu"]}), display, out, plan.revoked)
        if len(plan.revoked) > len(rv):
            print(display.t("verb.more", n=len(plan.revoked) - len(rv)), file=out)
    busy = plan.counties[(plan.counties["parks"] > 1) | (plan.counties["hosts"] > 1)]
    if len(busy):
        cs = busy if limit is None else busy.head(limit)
        cols = ["county", "parks", "hosts", "host_cap", "merged", "merged_elsewhere", "revoked"]
        print("\n" + display.t("cons.counties"), file=out)
        _table(cs[cols], display, out, busy[cols])
        if len(busy) > len(cs):
            print(display.t("verb.more", n=len(busy) - len(cs)), file=out)
    print("\n" + display.t("cons.objective", kind=display.term(f"objective.kind.{s.objective_kind}", s.objective_kind),
                           value=fmt(s.objective, 10), unit=display.clean(s.objective_unit)), file=out)
    if s.secondary_objective is not None:
        print(display.t("cons.tie_break", value=fmt(s.secondary_objective, 10),
                        unit=display.clean(s.secondary_objective_unit or "")), file=out)
    print(status_line(s, display), file=out)
    for note in s.notes:
        print(display.t("verb.note", text=display.clean(note)), file=out)
    if args.out is not None:
        plan.write(args.out)
        print(display.t("verb.wrote", path=args.out), file=out)
    require_optimal(s.status, s.mip_gap, args, "consolidation")
    return 0


def _table(frame: pd.DataFrame, display: Any, out: TextIO, over: pd.DataFrame | None = None) -> None:
    from zoneopt.plans.display import display_table, to_text

    print(to_text(display_table(frame, display, total_over=over)), file=out)
