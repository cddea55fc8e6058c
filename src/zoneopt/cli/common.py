"""What every verb shares: the exit-code epilog, the sub-parser factory and number formatting.

Building the parser (``--help``) imports this module and every verb's, so they import only the
standard library and light zoneopt modules at their top; each verb imports the library in
``run``."""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import Any

EPILOG = """exit codes: 0 done (solved: optimal, or feasible within the MIP gap);
2 invalid input; 3 infeasible or unbounded; 4 no solution (time limit, solver failure);
1 internal error"""

MODEL_SUFFIXES = (".mps", ".lp", ".mps.gz", ".lp.gz", ".mps.bz2", ".sif")
INSTANCE_SUFFIXES = (".json", ".xlsx", ".xlsm")
"""An instance: JSON, or the fill-in workbook (``python -m zoneopt template``)."""


def add_verb(sub: Any, name: str, help: str, description: str | None = None,
             epilog: str = EPILOG) -> argparse.ArgumentParser:
    """A verb's sub-parser with the shared exit-code epilog (a verb may prepend its own lines)."""
    parser: argparse.ArgumentParser = sub.add_parser(
        name, help=help, description=description or help, epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    return parser


def add_backend_options(parser: argparse.ArgumentParser) -> None:
    """``--backend``, ``--time-limit`` and ``--mip-gap``, the same for every verb that solves."""
    from zoneopt.core.solve import backend_names

    parser.add_argument("--backend", default="highs", choices=backend_names(),
                        help="solver backend (default: highs)")
    parser.add_argument("--time-limit", type=float, default=None, metavar="S", help="seconds per solve")
    parser.add_argument("--mip-gap", type=float, default=1e-6, metavar="G",
                        help="relative MIP gap (default 1e-6)")


def add_lang_option(parser: argparse.ArgumentParser) -> None:
    """``--lang zh|en``: the language of printed tables, exports and reports (default: the
    instance's ``metadata.language``, else English)."""
    parser.add_argument("--lang", choices=("zh", "en"), default=None,
                        help="language of tables, exports and reports (default: the instance's metadata.language, "
                             "else en)")


def is_model_file(path: Path) -> bool:
    name = path.name.lower()
    return any(name.endswith(s) for s in MODEL_SUFFIXES)


def fmt(v: float | None, digits: int = 6) -> str:
    """A number for people: thousands separators, ``-`` for missing."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "-"
    return f"{v:,.{digits}g}"


def solver_log_to_stderr(args: argparse.Namespace) -> None:
    """With ``--verbose``, the ``zoneopt.solver`` log (the solvers' own output) goes to stderr."""
    if getattr(args, "verbose", False):
        import logging
        import sys

        logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(name)s: %(message)s")


def require_optimal(status: str, gap: float | None, args: argparse.Namespace, what: str = "plan") -> None:
    """A checked incumbent is printed and written (its JSON says "feasible"), but a run that
    stopped above the requested gap has not answered the question asked: exit code 4."""
    if status != "optimal":
        from zoneopt.errors import NoSolutionError

        raise NoSolutionError(f"stopped with a feasible {what} at gap {fmt(gap, 3)}, above the "
                              f"requested {args.mip_gap:g} (raise --time-limit or --mip-gap)")
