"""``python -m zoneopt validate PATH``: check an instance (or read a model file) without solving."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from zoneopt.cli.common import add_lang_option, add_verb, is_model_file

EPILOG = """Loads the instance, builds the model of every resource it configures (land, emission
allowances per pollutant, funds; or the joint project portfolio when it has projects), checking
the data each rule and objective needs, and prints one line per model (variables × rows, LP or
MIP) — and the designation model when the instance has a 'designation' section; then the
presolve findings (warnings first). Each scenario is checked as the instance it
makes. An error names the resource (e.g. "emissions model: zones[3].metrics...").

exit codes: 0 valid (warnings may be printed); 2 invalid input (every problem found is named by
its JSON path); 3 a portfolio count target that no choice of projects can meet; 1 internal error"""


def add_parser(sub: Any) -> None:
    from pathlib import Path

    v = add_verb(sub, "validate", "check an instance and report every problem",
                 "Validate an instance JSON (or read a model file) without solving.", epilog=EPILOG)
    v.add_argument("path", type=Path)
    add_lang_option(v)


def run(args: argparse.Namespace, out: TextIO) -> int:
    from zoneopt.plans.display import Display

    if is_model_file(args.path):
        from zoneopt.core import read_mps
        model = read_mps(args.path)
        display = Display.of(None, args.lang)
        print(display.t("validate.model_file", path=args.path, vars=f"{model.num_vars:,}", rows=f"{model.num_rows:,}"),
              file=out)
        return 0
    from zoneopt.analysis.scenarios import apply_scenario
    from zoneopt.errors import InstanceError
    from zoneopt.instance import Instance, load
    from zoneopt.models.outcome import ResourceModel
    from zoneopt.models.presolve import Finding, presolve_checks
    from zoneopt.resources import build_resource_models, configured

    def models(inst: Instance, where: str) -> dict[str, ResourceModel]:
        if inst.designation is not None and not configured(inst):
            return {}  # a designation-only instance: no resource to build
        try:
            return build_resource_models(inst)
        except InstanceError as exc:
            raise InstanceError(exc.issues, where + (f", {exc.source}" if exc.source else "")) from None

    instance = load(args.path)
    built = models(instance, str(args.path))
    if instance.designation is not None:  # the designation model, checked as the others
        from zoneopt.models.designation import designation_resource_model

        try:
            built["designation"] = designation_resource_model(instance)
        except InstanceError as exc:
            raise InstanceError(exc.issues, str(args.path) + (f", {exc.source}" if exc.source else "")) from None
    lm = built["land"].built if "land" in built else None
    findings: list[tuple[str | None, Finding]] = [(None, f) for f in presolve_checks(instance, lm)]
    seen = {f.message for _, f in findings}
    for sc in instance.scenarios:  # each scenario is checked as the instance it makes
        variant = apply_scenario(instance, sc.id, source=str(args.path))
        vbuilt = models(variant, f"{args.path}, scenario {sc.id!r}")
        slm = vbuilt["land"].built if "land" in vbuilt else None
        findings += [(sc.id, f) for f in presolve_checks(variant, slm) if f.message not in seen]
    d = Display.of(instance, args.lang)
    parts = [d.t("validate.zones", n=len(instance.zones)), d.t("validate.rules", n=len(instance.rules))]
    if instance.projects:
        parts.append(d.t("validate.projects", n=len(instance.projects)))
    if instance.scenarios:
        parts.append(d.t("validate.scenarios", n=len(instance.scenarios)))
    sep = "，" if d.zh else ", "
    names = [d.term(f"short.{r}", r) if d.zh else r for r in built]
    parts.append(d.t("validate.resources", names=("、" if d.zh else ", ").join(names)))
    synthetic = d.t("validate.synthetic") if instance.metadata.synthetic else ""
    print(d.t("validate.ok", path=args.path, parts=sep.join(parts), synthetic=synthetic), file=out)
    for rm in built.values():
        resource = d.term(f"short.{rm.resource}", rm.resource) if d.zh else rm.resource
        if rm.model is None:
            print(d.t("validate.no_model", resource=resource, note=d.clean(rm.note)), file=out)
            continue
        m = rm.model
        rules = d.t("validate.rules_n", n=len(rm.rules))
        note = (sep + d.clean(rm.note)) if rm.note else ""
        print(d.t("validate.model", resource=resource, vars=f"{m.num_vars:,}", rows=f"{m.num_rows:,}",
                  kind=d.term("method.mip" if m.is_mip else "method.lp"), rules=note + rules), file=out)
    ordered = [x for x in findings if x[1].severity == "warning"] + [x for x in findings if x[1].severity != "warning"]
    for where, f in ordered:  # presolve findings: warnings first, then the rest
        scenario = d.t("validate.scenario", id=where) if where else ""
        print(d.t("validate.finding", severity=d.term(f"severity.{f.severity}", f.severity), scenario=scenario,
                  text=d.clean(f.message)), file=out)
    return 0
