"""``python -m zoneopt template --out 规划.xlsx``: write the fill-in workbook (blank, or an
instance in its layout)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from zoneopt.cli.common import add_verb, check_out

EPILOG = """The workbook has a sheet per part of an instance (settings, zones, pools, rules,
evaluations, criteria, scenarios, projects, enterprises) and a README sheet saying how to fill
it. Headers: the column's key on the first line (what zoneopt reads), its Chinese name and unit
on the second; each header's comment says what it takes; data validation offers the choices and
refuses negative quantities where the schema does. Every verb reads the filled workbook as it
reads an instance JSON (`python -m zoneopt validate 规划.xlsx`), and names the sheet, cell and
column of every problem (`zones!H7 (land_area_mu): must be > 0, got 0`). With --from the
workbook is written filled with that instance, which it reads back unchanged.

exit codes: 0 written; 2 invalid input (--from an invalid instance, an --out that is not
.xlsx); 1 internal error"""


def add_parser(sub: Any) -> None:
    t = add_verb(sub, "template", "write the fill-in Excel workbook (or an instance as one)",
                 "Write the fill-in workbook an analyst fills and every verb reads.", epilog=EPILOG)
    t.add_argument("--out", type=Path, required=True, metavar="FILE.xlsx", help="the workbook to write (atomically)")
    t.add_argument("--from", dest="source", type=Path, default=None, metavar="INSTANCE",
                   help="write this instance (.json or .xlsx) into the workbook")
    t.add_argument("--money", choices=("yuan", "wan_yuan", "yi_yuan"), default=None,
                   help="the money unit the headers state (default: the instance's, else wan_yuan)")


def run(args: argparse.Namespace, out: TextIO) -> int:
    from zoneopt.errors import InvalidInputError
    from zoneopt.instance import load
    from zoneopt.instance.template import write_template

    if args.out.suffix.lower() != ".xlsx" and not args.out.is_dir():
        raise InvalidInputError(f"--out {args.out}: the template is an Excel workbook: name it FILE.xlsx")
    check_out(args.out, (".xlsx",))  # before any work
    instance = load(args.source) if args.source is not None else None
    if instance is not None and args.money is not None and args.money != instance.units.money:
        raise InvalidInputError(f"--money {args.money}: the instance's money unit is {instance.units.money}")
    path = write_template(args.out, instance, money=args.money)
    what = f"{instance.name}: {len(instance.zones)} zones, {len(instance.rules)} land rules" if instance else "blank"
    print(f"wrote {path} ({what}); fill it, then: python -m zoneopt validate {path}", file=out)
    return 0
