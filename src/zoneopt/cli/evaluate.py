"""``python -m zoneopt evaluate PATH``: run the instance's evaluations and print, per unit, the
indicators, score, rank and grade, with the weights used (λmax, CI and CR for AHP)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from zoneopt.cli.common import add_lang_option, add_verb, check_out
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
    add_lang_option(e)


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
    from zoneopt.plans.display import Display

    display = Display.of(instance, args.lang)
    results: list[EvaluationResult] = [evaluate(instance, ev, backend=args.backend) for ev in chosen]
    print(display.t("solve.banner", name=instance.name)
          + (f" · {display.t('term.synthetic')}" if instance.metadata.synthetic else ""), file=out)
    for result in results:
        print("\n".join(["", *result_lines(result, display, args.all)]), file=out)
    if args.out is not None:
        results[0].write(args.out)
        print(display.t("verb.wrote", path=args.out), file=out)
    return 0


_MONEY_FIGURES = ("tax", "value_added", "revenue", "rd_spending")


def _kinds(result: Any) -> dict[str, str]:
    """How each criterion column is shown: a share of money in money (R&D over revenue) as a
    percentage, any other ratio to about four significant digits."""
    w = result.weights
    if "of" not in w or "per" not in w:
        return {}
    return {str(c): "pct" if o in _MONEY_FIGURES and p in _MONEY_FIGURES else "ratio"
            for c, o, p in zip(w["criterion"], w["of"], w["per"], strict=True)}


def _text(frame: Any, display: Any, **kw: Any) -> str:
    from zoneopt.plans.display import display_table, to_text

    return to_text(display_table(frame, display, total=False, **kw))


def result_lines(result: Any, display: Any, show_all: bool) -> list[str]:
    """One evaluation as ``evaluate`` prints it: its method and source, notes, the weights (and
    AHP's consistency), the unit table, the zones (for enterprises), the grades, missing data."""
    import pandas as pd

    from zoneopt.plans.display import fixed

    ev = result.evaluation
    how = display.term(f"eval.how.{ev.method}", ev.method) if ev.method != "dea" else f"DEA {ev.dea.model.upper()}"
    lines = [display.t("eval.head", id=ev.id, units=display.t(f"eval.units.{ev.units}"), how=how,
                       preset=display.t("eval.preset", p=ev.preset) if ev.preset else "",
                       source=f" · {ev.source}" if ev.source else "")]
    lines += [display.t("eval.note", text=display.clean(n)) for n in result.notes]
    weights = result.weights.copy()
    weights["criterion"] = [display.term(f"indicator.{v}", v) for v in weights["criterion"]]
    for c in ("of", "per"):
        if c in weights:
            weights[c] = [display.term(f"indicator.{v}", v) for v in weights[c]]
    if "method" in weights:
        weights["method"] = [display.term(f"eval.weights.{v}", v) for v in weights["method"]]
    lines += [display.t("eval.weights"), _text(weights, display, kinds={"weight": "ratio", "benchmark": "ratio"},
                                               labels={"weight": display.term("col.criterion_weight")})]
    if result.ahp is not None:
        a = result.ahp
        lines.append(display.t("eval.ahp", lmax=fixed(a.lambda_max, 4), ci=fixed(a.ci, 4), ri=fixed(a.ri, 2),
                               cr=fixed(a.cr, 4),
                               verdict=display.t("eval.consistent" if a.consistent else "eval.inconsistent")))
    table = result.table
    shown = table if show_all else table.head(60)
    view = shown.drop(columns="zone") if ev.units == "zones" else shown
    view = view.assign(rank=shown["rank"].map(lambda v: "-" if pd.isna(v) else f"{int(v)}"),
                       grade=shown["grade"].map(lambda g: "-" if pd.isna(g) else g))
    kinds = {**_kinds(result), "score": "ratio"}
    unit = display.term(f"eval.unit.{result.score_unit}", result.score_unit)
    labels = {"unit": display.term("col.zone" if ev.units == "zones" else "col.project"),
              "zone": display.term("col.zone")}
    lines += [display.t("eval.units_head", unit=unit), _text(view, display, kinds=kinds, labels=labels)]
    if len(table) > len(shown):
        lines.append(display.t("verb.more", n=len(table) - len(shown)))
    if ev.units == "enterprises":
        z = result.zones
        zview = z.assign(rank=z["rank"].map(lambda v: "-" if pd.isna(v) else f"{int(v)}"),
                         grade=z["grade"].map(lambda g: "-" if pd.isna(g) else g))
        lines += [display.t("eval.zones_head", by=ev.zone_score), _text(zview, display, kinds=kinds)]
    counts = result.zones["grade"].value_counts().reindex(["A", "B", "C", "D"], fill_value=0)
    ungraded = int(result.zones["grade"].isna().sum())
    lines.append(display.t("eval.grades", counts=" · ".join(f"{g} {n}" for g, n in counts.items()),
                           ungraded=display.t("eval.ungraded", n=ungraded) if ungraded else ""))
    if len(result.missing):
        lines += [display.t("eval.missing", n=len(result.missing), policy=ev.missing),
                  _text(result.missing.head(20), display)]
    return lines
