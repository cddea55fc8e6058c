"""``python -m zoneopt schema [--plan]``: the JSON Schema of instances or plans."""

from __future__ import annotations

import argparse
import json
from typing import Any, TextIO

from zoneopt.cli.common import add_verb


def add_parser(sub: Any) -> None:
    sc = add_verb(sub, "schema", "print the JSON Schema of instances (or of plans)")
    sc.add_argument("--plan", action="store_true", help="the schema of the plan JSON written by --out")


def run(args: argparse.Namespace, out: TextIO) -> int:
    if args.plan:
        from zoneopt.plan import PlanRecord
        schema = PlanRecord.model_json_schema()
    else:
        from zoneopt.instance import Instance
        schema = Instance.model_json_schema()
    print(json.dumps(schema, indent=2, ensure_ascii=False), file=out)
    return 0


