"""``python -m zoneopt evaluate PATH``: run the instance's evaluations and print, per unit, the
indicators, score, rank and grade, with the weights used (λmax, CI and CR for AHP)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from zoneopt.cli.common import add_verb, check_out, fmt
from zoneopt.errors import InvalidInputError

# The names of zoneopt.evaluation.run.PRESETS, for --preset without importing the evaluation
# (pandas); tests/test_cli_evaluate.py checks that the two agree.
PRESET_NAMES = ("huangyan-2022",)


def add_parser(sub: Any) -> None:
    from zoneopt.core.solve import backend_names

    e = add_verb(sub, "evaluate", "evaluate zones (or enterprises): indicators, weights, score, rank, grade",
                 "Run the evaluations an instance carries (or a published preset) and print the "
                 "indicator table, the weights used, and score, rank and grade per unit.",
                 epilog="exit codes: 0 done; 2 invalid input (also: an AHP matrix whose consistency "
                        "ratio exceeds 0.1); 1 internal error")
    e.add_argument("path", type=Path, help="instance .json or .xlsx")
    e.add_argument("--id", dest="evaluation", default=None, metavar="ID",
                   help="run only the evaluation with this id")
    e.add_argument("--preset", choices=PRESET_NAMES, default=None,
                   help="evaluate the zones with a published formula instead of the instance's evaluations")
    e.add_argument("--backend", default="highs", choices=backend_names(), help="solver for DEA (default: highs)")
    e.add_argument("--out", type=Path, default=None, metavar="FILE",
                   help="write the result to FILE.csv, .xlsx or .json (atomically; one evaluation)")
    e.add_argument("--all", action="store_true", help="print every unit, not only the first 60")


def run(args: argparse.Namespace, out: TextIO) -> int:
    if args.out is not None:
        check_out(args.out)  # before any work
    from zoneopt.evaluation.run import EvaluationResult, evaluate
    from zoneopt.instance import Evaluation, load

    instance = load(args.path)
    if args.preset is not None:
        chosen = [Evaluation(id=args.preset, preset=args.preset)]
    elif args.evaluation is not None:
        chosen = [ev for ev in instance.evaluations if ev.id == args.evaluation]
        if not chosen:
            ids = ", ".join(ev.id for ev in instance.evaluations) or "none"
            raise InvalidInputError(f"--id {args.evaluation}: no such evaluation in {args.path} (it has: {ids})")
    else:
        chosen = list(instance.evaluations)
        if not chosen:
            raise InvalidInputError(f"{args.path} carries no evaluation: add one under 'evaluations' "
                                    "(see models/evaluation.md) or pass --preset huangyan-2022")
    if args.out is not None and len(chosen) > 1:
        ids = ", ".join(ev.id for ev in chosen)
        raise InvalidInputError(f"--out writes one evaluation; choose one with --id ({ids})")
    results: list[EvaluationResult] = [evaluate(instance, ev, backend=args.backend) for ev in chosen]
    synthetic = " · SYNTHETIC data" if instance.metadata.synthetic else ""
    print(f"zoneopt · {instance.name}{synthetic}", file=out)
    for result in results:
        _print_result(result, args.all, out)
    if args.out is not None:
        results[0].write(args.out)
        print(f"wrote {args.out}", file=out)
    return 0


def _print_result(result: Any, show_all: bool, out: TextIO) -> None:
    import numpy as np
    import pandas as pd

    ev = result.evaluation
    how = ev.method if ev.method != "dea" else f"DEA {ev.dea.model.upper()}"
    source = f" · {ev.source}" if ev.source else ""
    print(f"\nevaluation {ev.id}: {ev.units}, {how}{' · preset ' + ev.preset if ev.preset else ''}{source}",
          file=out)
    for note in result.notes:
        print(f"  note: {note}", file=out)
    w = result.weights.copy()
    w["weight"] = w["weight"].map(lambda v: "-" if pd.isna(v) else f"{v:.4f}")
    with pd.option_context("display.unicode.east_asian_width", True, "display.width", 200,
                           "display.max_colwidth", 40):
        print("weights:", file=out)
        print(w.fillna("-").to_string(index=False), file=out)
    if result.ahp is not None:
        a = result.ahp
        verdict = "consistent" if a.consistent else "INCONSISTENT (accepted: allow_inconsistent)"
        print(f"AHP: λmax {a.lambda_max:.4f} · CI {a.ci:.4f} · RI {a.ri:.2f} · CR {a.cr:.4f} ({verdict})", file=out)
    table = result.table
    shown = table if show_all else table.head(60)
    view = shown.copy()
    for col in view.columns:
        if col not in ("unit", "name", "zone", "city", "grade", "rank") and pd.api.types.is_float_dtype(view[col]):
            view[col] = view[col].map(lambda v: fmt(v, 5))
    view["rank"] = shown["rank"].map(lambda v: "-" if np.isnan(v) else f"{int(v)}")
    view["grade"] = shown["grade"].map(lambda g: "-" if pd.isna(g) else g)
    if ev.units == "zones":
        view = view.drop(columns="zone")
    with pd.option_context("display.unicode.east_asian_width", True, "display.width", 250,
                           "display.max_columns", 30, "display.max_colwidth", 30):
        print(f"units (score in {result.score_unit}):", file=out)
        print(view.to_string(index=False), file=out)
    if len(table) > len(shown):
        print(f"... {len(table) - len(shown)} more units (use --all or --out)", file=out)
    if ev.units == "enterprises":
        z = result.zones
        zview = z.assign(score=z["score"].map(lambda v: fmt(v, 5)),
                         rank=z["rank"].map(lambda v: "-" if np.isnan(v) else f"{int(v)}"),
                         grade=z["grade"].map(lambda g: "-" if pd.isna(g) else g))
        print(f"zones (enterprise scores weighted by {ev.zone_score}):", file=out)
        with pd.option_context("display.unicode.east_asian_width", True, "display.width", 200):
            print(zview.to_string(index=False), file=out)
    counts = result.zones["grade"].value_counts().reindex(["A", "B", "C", "D"], fill_value=0)
    ungraded = int(result.zones["grade"].isna().sum())
    print("zone grades: " + " · ".join(f"{g} {n}" for g, n in counts.items())
          + (f" · ungraded {ungraded}" if ungraded else ""), file=out)
    if len(result.missing):
        print(f"missing data ({len(result.missing)} values, policy {ev.missing}):", file=out)
        with pd.option_context("display.unicode.east_asian_width", True, "display.width", 200):
            print(result.missing.head(20).to_string(index=False), file=out)
