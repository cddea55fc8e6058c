"""The command line: ``python -m zoneopt VERB ...``.

One module per verb; each has ``add_parser(subparsers)`` and ``run(args, out) -> int``, and is
listed in :data:`VERBS`. Exit codes (the same for every verb):

0    done (solved: optimal, or feasible within the MIP gap)
1    an unexpected internal error (a bug: please report it with ``--debug`` output)
2    invalid input: the instance, a rule, an option, or a model the backend cannot take
3    the plan is infeasible or unbounded
4    no solution: time limit without a solution, solver failure, or (``--certify``) two
     backends whose answers disagree
130  interrupted: SIGINT (Ctrl-C) or SIGTERM

:func:`main` runs a verb inside :func:`zoneopt.core.limits.handle_signals` (a signal stops the
running solve, which keeps its best point: a verb prints and writes it as usual, then the run
ends with one line on stderr and code 130), :func:`zoneopt.core.limits.deadline` (``--time-limit``
is one budget for all the solving a command does) and, with ``--certify``,
:func:`zoneopt.core.certify.certifying`.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import TextIO

from zoneopt.cli.common import EPILOG, error_text
from zoneopt.errors import ZoneoptError

# In the order `--help` lists them.
VERBS = (
    "solve",
    "evaluate",
    "validate",
    "schema",
    "compare",
    "sweep",
    "diagnose",
    "plan-years",
    "manage",
    "explain",
    "stability",
    "consolidate",
    "designate",
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
    """Run the CLI; return the exit code (never calls ``sys.exit`` itself). Run as the program
    (``argv`` None), it ends the process with ``os._exit`` when a solver that did not stop in
    time is still running, since a solver thread can abort an interpreter shutting down."""
    from zoneopt.core import limits

    out = out if out is not None else sys.stdout
    err = err if err is not None else sys.stderr
    with limits.handle_signals():
        try:
            code = _main(argv, out, err)
        except KeyboardInterrupt as exc:  # a signal while parsing or reporting
            code = _interrupted(err, getattr(exc, "signal", "SIGINT"))
    if argv is None and not _solvers_finished():
        for stream in (out, err):
            stream.flush()
        os._exit(code)
    return code


def _main(argv: Sequence[str] | None, out: TextIO, err: TextIO) -> int:
    from zoneopt.core import limits
    from zoneopt.core.certify import certifying
    from zoneopt.errors import CertificationError, Interrupted, NoSolutionError

    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors; keep that code
        return int(exc.code or 0)
    failures: list[CertificationError] = []
    try:
        from zoneopt.core.progress import progress_bars

        # Long runs show progress bars on stderr when a person watches it; pipes and tests stay quiet.
        with (progress_bars(enabled=_is_terminal(err), stream=err),
              limits.deadline(getattr(args, "time_limit", None)),
              certifying(getattr(args, "certify", False)) as failures):
            code: int = importlib.import_module(f"zoneopt.cli.{args.verb.replace('-', '_')}").run(args, out)
    except Interrupted as exc:
        return _interrupted(err, exc.signal)
    except ZoneoptError as exc:
        if limits.stop_requested():  # "no solution" is what a stop means; anything else is news
            return _interrupted(err, limits.stop_reason(), "" if isinstance(exc, NoSolutionError) else str(exc))
        if failures and not isinstance(exc, CertificationError):
            exc = failures[0]  # caught on the way (a diagnosis without a result): still the answer
        print(f"zoneopt: error: {error_text(_in_workbook(exc, args), args)}", file=err)
        return exc.exit_code
    except BrokenPipeError:
        # The reader closed the pipe (``... | head``): it has what it wanted. Point stdout at
        # devnull so the interpreter's final flush does not raise again.
        if out is sys.stdout:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # a bug: one line, code 1, traceback only on request
        if limits.stop_requested():
            return _interrupted(err, limits.stop_reason(), f"{type(exc).__name__}: {exc}")
        if args.debug:
            raise
        print(f"zoneopt: internal error: {type(exc).__name__}: {exc} (rerun with --debug)", file=err)
        return 1
    if limits.stop_requested():
        return _interrupted(err, limits.stop_reason())
    if failures:
        print(f"zoneopt: error: {failures[0]}", file=err)
        return failures[0].exit_code
    return code


def _interrupted(err: TextIO, signal: str, detail: str = "") -> int:
    """The one line an interrupted run ends with, and its exit code (130)."""
    from zoneopt.errors import Interrupted

    print(f"zoneopt: interrupted by {signal or 'a stop request'}" + (f"; {detail}" if detail else ""), file=err)
    return Interrupted.exit_code


def _solvers_finished(wait: float = 0.1) -> bool:
    """Whether every solver thread abandoned after a stop has ended (waiting ``wait`` s)."""
    import time

    from zoneopt.core import limits

    until = time.monotonic() + wait
    for thread in limits.abandoned():
        thread.join(max(until - time.monotonic(), 0.0))
    return not limits.abandoned()


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
