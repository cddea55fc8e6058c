"""``python -m zoneopt diagnose PATH``: which of an instance's rules conflict, and the least
change of each that lets the plan hold — for every resource the instance configures."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from zoneopt.cli.common import add_certify_option, add_lang_option, add_time_limit_option, add_verb, is_model_file
from zoneopt.errors import InvalidInputError

EPILOG_DIAGNOSE = """Each configured resource is diagnosed on its own model, in its natural unit: land in
mu, emission allowances in t (a row's label names its pollutant, e.g. "a (SO2)"), funds in
the money unit; the joint project portfolio with each relaxation in the unit of the rows it
moves (mu, t, money, or zones for a count target); the designation model (new provincial zones,
recommendations, conversions) in zones, a count floor more than the qualifying candidates allow
named from the data.

exit codes: 0 feasible (every resource prints "feasible: no conflict");
3 infeasible, for some resource (the conflicting rules and their relaxations are printed to
stdout; a portfolio count target no choice of projects can meet is named);
2 invalid input; 4 a solve ended without deciding (time limit, solver failure);
1 internal error"""


def add_parser(sub: Any) -> None:
    d = add_verb(sub, "diagnose", "name the rules that conflict and how to relax them",
                 "Diagnose an instance JSON: for each resource it configures (land, emission allowances, "
                 "funds, or the project portfolio) whose plan is infeasible, print an irreducible set of "
                 "conflicting rules (drop any one and the others can hold), with their policy sources, and "
                 "for each rule the least change of its bounds, in the resource's unit, that restores "
                 "feasibility. One conflict per resource is reported; relax it and run again to find the "
                 "next. See models/diagnosis.md.", epilog=EPILOG_DIAGNOSE)
    d.add_argument("path", type=Path, help="instance .json or .xlsx")
    from zoneopt.core.solve import backend_names

    d.add_argument("--backend", default="highs", choices=backend_names(),
                   help="solver backend for the diagnosis' solves (default: highs; it needs one "
                        "that takes continuous variables, and integers for a parcel, tranche or "
                        "portfolio model)")
    add_time_limit_option(d, "seconds for all the diagnoses' solves, from the first solve's start")
    add_certify_option(d)
    add_lang_option(d)


def run(args: argparse.Namespace, out: TextIO) -> int:
    if is_model_file(args.path):
        raise InvalidInputError(f"{args.path}: diagnose takes an instance JSON (a model file has no rule ids)")
    from zoneopt.analysis.diagnose import diagnose_resource
    from zoneopt.errors import InfeasibleError, InstanceError
    from zoneopt.instance import load
    from zoneopt.models.outcome import ResourceModel
    from zoneopt.plans.display import Display
    from zoneopt.plans.wording import diagnosis_report
    from zoneopt.resources import build_resource_model, configured

    instance = load(args.path)
    resources = configured(instance)
    if instance.designation is not None:
        resources = (*resources, "designation")
    if not resources:
        raise InvalidInputError(f"{args.path}: pools: nothing to diagnose (the instance has no land, emission or "
                                "fund pool, no projects and no designation)")
    # Build every model before printing, so invalid input leaves stdout empty (exit 2).
    built: dict[str, ResourceModel | InfeasibleError] = {}
    for resource in resources:  # a loop over the (few) configured resources
        try:
            built[resource] = build_resource_model(instance, resource) if resource != "designation" \
                else _designation_model(instance)
        except InstanceError as exc:
            raise InstanceError(exc.issues, f"{args.path}, {exc.source}" if exc.source else str(args.path)) from None
        except InfeasibleError as exc:  # a portfolio count target no choice can meet
            built[resource] = exc
    display = Display.of(instance, args.lang)
    print(display.t("diag.banner", name=instance.name)
          + (f" · {display.t('term.synthetic')}" if instance.metadata.synthetic else ""), file=out)
    verdicts: dict[str, str] = {}
    for resource, rm in built.items():
        if len(built) > 1:
            print("", file=out)
        if isinstance(rm, InfeasibleError):
            print(display.t("diag.not_built", resource=_name(resource, display)), file=out)
            print(display.t("diag.infeasible", text=str(rm)), file=out)
            verdicts[resource] = "infeasible"
            continue
        d = diagnose_resource(rm, backend=args.backend, time_limit=args.time_limit)
        print(_headline(rm, d.rules_checked if d else 0, d.backend if d else args.backend, d.solves if d else 0,
                        display), file=out)
        if d is None:
            print(display.t("diag.nothing", note=display.clean(rm.note)), file=out)
            verdicts[resource] = "no rules"
        elif d.feasible:
            print(display.t("diag.feasible"), file=out)
            verdicts[resource] = "feasible"
        else:
            print(display.t("diag.infeasible", text=diagnosis_report(d, display)), file=out)
            verdicts[resource] = "infeasible"
    if len(built) > 1:
        print("\n" + display.t("diag.summary", verdicts=" · ".join(
            f"{_name(r, display)} {display.t(f'diag.verdict.{v}')}" for r, v in verdicts.items())), file=out)
    return 3 if "infeasible" in verdicts.values() else 0


def _designation_model(instance: Any) -> Any:
    """The designation model; a count floor the data alone rule out is named before any solve
    (:func:`zoneopt.models.designation.quick_conflicts`), as an infeasible model not built."""
    from zoneopt.errors import InfeasibleError
    from zoneopt.models.designation import designation_resource_model, quick_conflicts

    rm = designation_resource_model(instance)
    quick = quick_conflicts(rm.built)
    if quick:
        raise InfeasibleError(f"designation of {instance.name!r}: {quick}")
    return rm


def _name(resource: str, display: Any) -> str:
    """A resource as the diagnosis names it: its id in English, its short name in Chinese."""
    return display.term(f"short.{resource}", resource) if display.zh else resource


def _headline(rm: Any, rules: int, backend: str, solves: int, display: Any) -> str:
    """``land model: 4 variables × 7 rows (LP), 4 rules (land unit 100 mu) · backend highs · 2 solves``."""
    if rm.model is None:
        return display.t("diag.no_model", resource=_name(rm.resource, display))
    m = rm.model
    return display.t("diag.headline", resource=_name(rm.resource, display), vars=f"{m.num_vars:,}",
                     rows=f"{m.num_rows:,}", kind=display.term("method.mip" if m.is_mip else "method.lp"),
                     rules=rules, note=display.clean(rm.note), backend=backend, solves=solves)
