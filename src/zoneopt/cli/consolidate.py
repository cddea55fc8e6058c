"""``python -m zoneopt consolidate PATH``: consolidate parks (整合提升, 一区多园) and print each
remaining zone with its blocks, the revoked parks and the land they free."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from zoneopt.cli.common import add_backend_options, add_verb, check_out, fmt, require_optimal, solver_log_to_stderr

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


def run(args: argparse.Namespace, out: TextIO) -> int:
    solver_log_to_stderr(args)
    if args.out is not None:
        check_out(args.out)  # before any solve
    import pandas as pd

    from zoneopt.instance import load
    from zoneopt.models.consolidation import solve_consolidation

    instance = load(args.path)
    plan = solve_consolidation(instance, args.backend, time_limit=args.time_limit, mip_gap=args.mip_gap)
    s = plan.summary
    print(f"zoneopt · {s.instance}" + (" · SYNTHETIC data" if s.synthetic else ""), file=out)
    print(f"consolidation (整合提升, 一区多园): {s.parks} parks → {s.hosts} zones "
          f"({s.multi_block_hosts} with several blocks) · {s.merged} merged · {s.revoked} revoked · "
          f"{fmt(s.land_freed_mu)} mu freed", file=out)
    print(f"rules: ≤ {s.max_blocks} blocks per host · merges within {fmt(s.max_distance_km)} km "
          f"({s.distance_source}) · {s.candidate_pairs} candidate merges", file=out)
    limit = None if args.all else 40
    multi = plan.hosts[plan.hosts["blocks"] > 1]
    shown = multi if limit is None else multi.head(limit)
    name_of = dict(zip(plan.parks["zone"].tolist(), plan.parks["name"].tolist(), strict=True))

    def by_name(members: str) -> str:  # the merged parks by name (the id when a park has none)
        return "; ".join(str(name_of.get(z) or z) for z in str(members).split(";") if z)

    if len(shown):
        view = pd.DataFrame({
            "host": shown["host"], "name": shown["name"], "county": shown["county"], "level": shown["level"],
            "grade": shown["grade"].fillna("-"), "blocks": shown["blocks"],
            "members": shown["members"].fillna("").map(by_name),
            "land_mu": shown["land_area_mu"].map(lambda v: f"{v:,.0f}"),
            "farthest_km": shown["farthest_block_km"].map(lambda v: f"{v:.1f}"),
        })
        print("\nzones with several blocks (一区多园):", file=out)
        _table(view, out)
        if len(multi) > len(shown):
            print(f"... {len(multi) - len(shown)} more (use --all or --out)", file=out)
    single = int((plan.hosts["blocks"] == 1).sum())
    if single:
        print(f"{single} zone(s) stay single-block", file=out)
    if len(plan.revoked):
        rv = plan.revoked if limit is None else plan.revoked.head(limit)
        print("\nrevoked parks (their land can return to the construction-land pool, 2017 §六(三)):", file=out)
        _table(pd.DataFrame({"zone": rv["zone"], "name": rv["name"], "county": rv["county"],
                             "grade": rv["grade"].fillna("-"), "score": rv["score"].map(lambda v: fmt(v, 4)),
                             "land_freed_mu": rv["land_freed_mu"].map(lambda v: f"{v:,.0f}")}), out)
        if len(plan.revoked) > len(rv):
            print(f"... {len(plan.revoked) - len(rv)} more (use --all or --out)", file=out)
    busy = plan.counties[(plan.counties["parks"] > 1) | (plan.counties["hosts"] > 1)]
    if len(busy):
        cs = busy if limit is None else busy.head(limit)
        print("\ncounties with several parks:", file=out)
        _table(cs[["county", "parks", "hosts", "host_cap", "merged", "merged_elsewhere", "revoked"]], out)
        if len(busy) > len(cs):
            print(f"... {len(busy) - len(cs)} more (use --all or --out)", file=out)
    gap = f" · gap {s.mip_gap:.2g}" if s.mip_gap is not None else ""
    print(f"\nobjective ({s.objective_kind}): {fmt(s.objective, 10)} {s.objective_unit}", file=out)
    if s.secondary_objective is not None:
        print(f"tie-break: {fmt(s.secondary_objective, 10)} {s.secondary_objective_unit}", file=out)
    print(f"status: {s.status} · backend {s.backend} · solve {s.runtime_s:.3f} s{gap} · "
          f"checked (max violation {fmt(s.check_max_violation, 2)})", file=out)
    for note in s.notes:
        print(f"note: {note}", file=out)
    if args.out is not None:
        plan.write(args.out)
        print(f"wrote {args.out}", file=out)
    require_optimal(s.status, s.mip_gap, args, "consolidation")
    return 0


def _table(frame: pd.DataFrame, out: TextIO) -> None:
    import pandas as pd

    with pd.option_context("display.unicode.east_asian_width", True, "display.max_colwidth", 60,
                           "display.width", 200):
        print(frame.to_string(index=False), file=out)
