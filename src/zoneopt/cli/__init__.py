"""The command line: ``python -m zoneopt VERB ...``.

One module per verb; each has ``add_parser(subparsers)`` and ``run(args, out) -> int``, and is
listed in :data:`VERBS`. Exit codes (the same for every verb):

0  done (solved: optimal, or feasible within the MIP gap)
1  an unexpected internal error (a bug: please report it with ``--debug`` output)
2  invalid input: the instance, a rule, an option, or a model the backend cannot take
3  the plan is infeasible or unbounded
4  no solution: time limit without a solution, or solver failure
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import TextIO

from zoneopt.cli.common import EPILOG
from zoneopt.errors import ZoneoptError

# In the order `--help` lists them.
VERBS = (
    "solve",
    "evaluate",
    "validate",
    "schema",
    "compare",
    "diagnose",
    "plan-years",
    "manage",
    "explain",
    "stability",
    "consolidate",
    "report",
    "template",
)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m zoneopt",
        description="Allocate planning resources across development zones with LP/MIP.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--debug", action="store_true", help="show tracebacks for internal errors")
    sub = p.add_subparsers(dest="verb", required=True, metavar="VERB")
    for verb in VERBS:
        importlib.import_module(f"zoneopt.cli.{verb.replace('-', '_')}").add_parser(sub)
    return p


def _is_terminal(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # a closed or unusual stream
        return False


def main(argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run the CLI; return the exit code (never calls ``sys.exit`` itself)."""
    out = out if out is not None else sys.stdout
    err = err if err is not None else sys.stderr
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors; keep that code
        return int(exc.code or 0)
    try:
        from zoneopt.core.progress import progress_bars

        # Long runs show progress bars on stderr when a person watches it; pipes and tests stay quiet.
        with progress_bars(enabled=_is_terminal(err), stream=err):
            code: int = importlib.import_module(f"zoneopt.cli.{args.verb.replace('-', '_')}").run(args, out)
        return code
    except ZoneoptError as exc:
        print(f"zoneopt: error: {_in_workbook(exc, args)}", file=err)
        return exc.exit_code
    except BrokenPipeError:
        # The reader closed the pipe (``... | head``): it has what it wanted. Point stdout at
        # devnull so the interpreter's final flush does not raise again.
        if out is sys.stdout:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # a bug: one line, code 1, traceback only on request
        if args.debug:
            raise
        print(f"zoneopt: internal error: {type(exc).__name__}: {exc} (rerun with --debug)", file=err)
        return 1


def _in_workbook(exc: ZoneoptError, args: argparse.Namespace) -> ZoneoptError:
    """An instance error raised after a workbook was read (a model's data check, a scenario)
    names the workbook's sheet and cell too, as errors found while reading it do."""
    from zoneopt.errors import InstanceError

    path = getattr(args, "path", None)
    if not isinstance(exc, InstanceError) or path is None or not str(path).lower().endswith((".xlsx", ".xlsm")):
        return exc
    from zoneopt.instance.workbook import locate_issues
    source = exc.source if exc.source and str(path) in exc.source else \
        f"{path}, {exc.source}" if exc.source else str(path)
    return InstanceError(locate_issues(path, exc.issues), source)
