"""``python -m zoneopt designate PATH``: which candidate parks become provincial zones in which
year (新增省级经开区), which zones are recommended for national status or convert to urban
functional areas, and why each other candidate is not chosen."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from zoneopt.cli.common import add_backend_options, add_verb, check_out, fmt, require_optimal, solver_log_to_stderr

EPILOG = """The instance's 'designation' section (models/designation.md) gives the candidates (default:
zones of level 'other'), the criteria each must meet (each a rule citing its clause), the
counts (e.g. 新增省级经开区 35 个以上, 2022 专栏一) and one zone per county (2017 §二(一)).

exit codes: 0 solved; 2 invalid input; 3 infeasible (the rules in conflict are named, e.g. a
count floor more than the qualifying candidates allow); 4 no solution in time; 1 internal error"""


def add_parser(sub: Any) -> None:
    d = add_verb(sub, "designate", "designate new provincial zones, recommend upgrades, convert zones",
                 "Solve the designation model of an instance: who is designated a provincial zone in which "
                 "plan year, recommended for national status or converted to an urban functional area, and "
                 "why each other candidate is not (the criterion it fails or the rule that binds).",
                 epilog=EPILOG)
    d.add_argument("path", type=Path, help="instance .json or .xlsx with a 'designation' section")
    add_backend_options(d)
    d.add_argument("--out", type=Path, default=None, metavar="FILE",
                   help="write the plan to FILE.json, .csv (the decision table) or .xlsx (atomically)")
    d.add_argument("--all", action="store_true", help="print every candidate not chosen, not only the first 20")
    d.add_argument("--verbose", action="store_true", help="solver log to stderr")


def run(args: argparse.Namespace, out: TextIO) -> int:
    solver_log_to_stderr(args)
    if args.out is not None:
        check_out(args.out)  # before any solve
    import pandas as pd

    from zoneopt.errors import InvalidInputError
    from zoneopt.instance import load
    from zoneopt.models.designation_plan import solve_designation

    instance = load(args.path)
    if instance.designation is None:
        raise InvalidInputError(f"{args.path}: designation: the instance has no 'designation' section "
                                "(see models/designation.md)")
    plan = solve_designation(instance, args.backend, time_limit=args.time_limit, mip_gap=args.mip_gap)
    s = plan.summary
    print(f"zoneopt · {s.instance}" + (" · SYNTHETIC data" if s.synthetic else ""), file=out)
    print(f"designation {s.years[0]}–{s.years[-1]}: {s.designated} of {s.candidates} candidate parks designated "
          f"({s.qualifying} qualify) · {s.recommended} recommended for national status · {s.converted} converted "
          f"· zones {s.zones_before} → {s.zones_after}", file=out)
    d = plan.decisions
    chosen = d[d["decision"] != ""].sort_values(["year", "part", "zone"], kind="stable")
    cols = ["year", "part", "zone", "name", "county", "score", "reason"]
    with pd.option_context("display.unicode.east_asian_width", True, "display.max_colwidth", 90,
                           "display.width", 220):
        print("\nchosen:", file=out)
        print(chosen[cols].assign(score=chosen["score"].map(lambda v: fmt(v, 4))).to_string(index=False), file=out)
        rest = d[(d["decision"] == "") & (d["part"] == "establish")]
        if not rest.empty:
            by_rule = rest.groupby("rule").size().sort_values(ascending=False)
            print("\ncandidates not designated, by the rule that keeps them out: "
                  + ", ".join(f"{r} {n}" for r, n in by_rule.items()), file=out)
            shown = rest if args.all else rest.head(20)
            print(shown[["zone", "name", "county", "rule", "reason"]].to_string(index=False), file=out)
            if len(rest) > len(shown):
                print(f"... {len(rest) - len(shown)} more (use --all or --out)", file=out)
    print("\n" + "  ".join(f"{y}: +{a} ↑{b} →{c}" for y, a, b, c in
                           plan.years[["year", "designated", "recommended", "converted"]].itertuples(index=False)),
          file=out)
    for t in plan.targets.to_dict("records"):  # the designation targets, as plan-years prints them
        print(f"[{t['status']}] {t['rule']} ({t['source'] or 'no source'}): {t['required']}, achieved {t['achieved']}"
              + (f"\n    {t['diagnosis']}" if t["diagnosis"] else ""), file=out)
    gap = f" · gap {s.mip_gap:.2g}" if s.mip_gap is not None else ""
    print(f"measure: {fmt(s.objective, 10)} {s.objective_unit}"
          + (f" · tie-break {fmt(s.tie_break_objective, 10)} rank points" if s.tie_break_objective is not None
             else ""), file=out)
    print(f"status: {s.status} · backend {s.backend} · solve {s.runtime_s:.3f} s{gap} · "
          f"checked (max violation {fmt(s.check_max_violation, 2)})", file=out)
    for note in s.notes:
        print(f"note: {note}", file=out)
    if args.out is not None:
        plan.write(args.out)
        print(f"wrote {args.out}", file=out)
    require_optimal(s.status, s.mip_gap, args, "designation")
    return 0
