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
    from zoneopt.instance import load
    from zoneopt.models.land_quota import build_land_model

    instance = load(args.path)
    parts = [f"{len(instance.zones)} zones", f"{len(instance.rules)} rules"]
    if instance.pools.land is not None:
        lm = build_land_model(instance)  # also checks the data each rule and the objective need
        parts.append(f"land model {lm.model.num_vars} variables × {lm.model.num_rows} rows"
                     + (" (MIP)" if lm.model.is_mip else " (LP)"))
    synthetic = " · synthetic data" if instance.metadata.synthetic else ""
    print(f"ok: {args.path}: " + ", ".join(parts) + synthetic, file=out)
    return 0


