"""``python -m zoneopt validate PATH``: check an instance (or read a model file) without solving."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from zoneopt.cli.common import add_verb, is_model_file


def add_parser(sub: Any) -> None:
    from pathlib import Path

    v = add_verb(sub, "validate", "check an instance and report every problem",
                 "Validate an instance JSON (or read a model file) without solving.")
    v.add_argument("path", type=Path)


def run(args: argparse.Namespace, out: TextIO) -> int:
    if is_model_file(args.path):
        from zoneopt.core import read_mps
        model = read_mps(args.path)
        print(f"ok: {args.path}: model with {model.num_vars} variables, {model.num_rows} rows", file=out)
        return 0
    from zoneopt.errors import InstanceError
    from zoneopt.instance import load
    from zoneopt.models.land_quota import build_land_model
    from zoneopt.presolve import Finding, presolve_checks
    from zoneopt.scenarios import apply_scenario

    instance = load(args.path)
    parts = [f"{len(instance.zones)} zones", f"{len(instance.rules)} rules"]
    lm = None
    if instance.pools.land is not None:
        lm = build_land_model(instance)  # also checks the data each rule and the objective need
        parts.append(f"land model {lm.model.num_vars} variables × {lm.model.num_rows} rows"
                     + (" (MIP)" if lm.model.is_mip else " (LP)"))
    findings: list[tuple[str | None, Finding]] = [(None, f) for f in presolve_checks(instance, lm)]
    seen = {f.message for _, f in findings}
    for sc in instance.scenarios:  # each scenario is checked as the instance it makes
        variant = apply_scenario(instance, sc.id, source=str(args.path))
        slm = None
        if variant.pools.land is not None:
            try:
                slm = build_land_model(variant)
            except InstanceError as exc:
                raise InstanceError(exc.issues, f"{args.path}, scenario {sc.id!r}") from None
        findings += [(sc.id, f) for f in presolve_checks(variant, slm) if f.message not in seen]
    if instance.scenarios:
        parts.append(f"{len(instance.scenarios)} scenarios")
    synthetic = " · synthetic data" if instance.metadata.synthetic else ""
    print(f"ok: {args.path}: " + ", ".join(parts) + synthetic, file=out)
    for where, f in findings:  # presolve findings: warnings first, then the rest
        if f.severity == "warning":
            print(f"warning: {f'[scenario {where}] ' if where else ''}{f.message}", file=out)
    for where, f in findings:
        if f.severity != "warning":
            print(f"{f.severity}: {f'[scenario {where}] ' if where else ''}{f.message}", file=out)
    return 0
