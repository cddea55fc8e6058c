"""``python -m zoneopt validate PATH``: check an instance (or read a model file) without solving."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from zoneopt.cli.common import add_verb, is_model_file

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


def run(args: argparse.Namespace, out: TextIO) -> int:
    if is_model_file(args.path):
        from zoneopt.core import read_mps
        model = read_mps(args.path)
        print(f"ok: {args.path}: model with {model.num_vars} variables, {model.num_rows} rows", file=out)
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
    parts = [f"{len(instance.zones)} zones", f"{len(instance.rules)} land rules"]
    if instance.projects:
        parts.append(f"{len(instance.projects)} projects")
    if instance.scenarios:
        parts.append(f"{len(instance.scenarios)} scenarios")
    parts.append("resources: " + ", ".join(built))
    synthetic = " · synthetic data" if instance.metadata.synthetic else ""
    print(f"ok: {args.path}: " + ", ".join(parts) + synthetic, file=out)
    for rm in built.values():
        rules = f", {len(rm.rules)} rules incl. pools" if rm.model is not None else ""
        print(f"  {rm.describe()}{rules}", file=out)
    for where, f in findings:  # presolve findings: warnings first, then the rest
        if f.severity == "warning":
            print(f"warning: {f'[scenario {where}] ' if where else ''}{f.message}", file=out)
    for where, f in findings:
        if f.severity != "warning":
            print(f"{f.severity}: {f'[scenario {where}] ' if where else ''}{f.message}", file=out)
    return 0
