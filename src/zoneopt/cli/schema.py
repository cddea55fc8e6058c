"""``python -m zoneopt schema [--plan | --plan-set]``: the JSON Schema of instances or plans."""

from __future__ import annotations

import argparse
import json
from typing import Any, TextIO

from zoneopt.cli.common import EPILOG, add_verb

SCHEMA_EPILOG = """Which schema describes what `solve --out FILE.json` writes:
  --plan      an instance with a land pool alone (no emission or fund pool, no projects):
              one land plan (PlanRecord: status, objective, summary, allocations, bindings);
  --plan-set  any other instance (emission allowances, funds, several resources, or the
              project portfolio): a plan set (PlanSetRecord: the overall status, each plan's
              objective by resource, and the plans by resource: "land" a PlanRecord,
              "emissions", "funds" and "portfolio" a ResourcePlanRecord with its pools,
              targets and, for the portfolio, one object per project).

""" + EPILOG


def add_parser(sub: Any) -> None:
    sc = add_verb(sub, "schema", "print the JSON Schema of instances (or of plans)", epilog=SCHEMA_EPILOG)
    which = sc.add_mutually_exclusive_group()
    which.add_argument("--plan", action="store_true",
                       help="the schema of the land plan JSON that solve --out writes for a land-only instance")
    which.add_argument("--plan-set", action="store_true",
                       help="the schema of the plan-set JSON that solve --out writes for an instance with "
                            "emission or fund pools or projects (one plan per resource)")


def run(args: argparse.Namespace, out: TextIO) -> int:
    if args.plan:
        from zoneopt.plans import PlanRecord
        schema = PlanRecord.model_json_schema()
    elif args.plan_set:
        from zoneopt.plans import PlanSetRecord
        schema = PlanSetRecord.model_json_schema()
    else:
        from zoneopt.instance import Instance
        schema = Instance.model_json_schema()
    print(json.dumps(schema, indent=2, ensure_ascii=False), file=out)
    return 0
