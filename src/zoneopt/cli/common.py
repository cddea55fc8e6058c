"""What every verb shares: the exit-code epilog, the sub-parser factory, number formatting, the
check of an output path before any work, and the naming of the input file in input errors.

Building the parser (``--help``) imports this module and every verb's, so they import only the
standard library and light zoneopt modules at their top; each verb imports the library in
``run``."""

from __future__ import annotations

import argparse
import math
import os
from pathlib import Path
from typing import Any

from zoneopt.errors import InstanceError, InvalidInputError, ZoneoptError

EPILOG = """exit codes: 0 done (solved: optimal, or feasible within the MIP gap);
2 invalid input; 3 infeasible or unbounded; 4 no solution (time limit, solver failure,
--certify disagreement); 130 interrupted (SIGINT, SIGTERM); 1 internal error"""

MODEL_SUFFIXES = (".mps", ".lp", ".mps.gz", ".lp.gz", ".mps.bz2", ".sif")
TABLE_SUFFIXES = (".json", ".csv", ".xlsx")
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
    add_time_limit_option(parser)
    parser.add_argument("--mip-gap", type=float, default=1e-6, metavar="G",
                        help="relative MIP gap (default 1e-6)")
    add_certify_option(parser)


TIME_LIMIT_HELP = ("seconds for all the solving the command does (every solve, a diagnosis, --certify's "
                   "second solve), from the first solve's start; it stops within 10 %% + 1 s of it")


def add_time_limit_option(parser: argparse.ArgumentParser, help: str = TIME_LIMIT_HELP) -> None:
    """``--time-limit S``: one deadline for the whole command (:func:`zoneopt.cli.main` applies it)."""
    parser.add_argument("--time-limit", type=float, default=None, metavar="S", help=help)


def add_certify_option(parser: argparse.ArgumentParser) -> None:
    """``--certify``: every MIP answer (and an LP answer without duals) is confirmed on a second
    backend; a disagreement exits 4 with both values (:func:`zoneopt.cli.main` applies it)."""
    parser.add_argument("--certify", action="store_true",
                        help="confirm every MIP optimum or infeasibility on a second backend (HiGHS by "
                             "SCIP, the others by HiGHS); exit 4 with both values when they disagree")


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


def check_out(path: Path, suffixes: tuple[str, ...] = TABLE_SUFFIXES, *, directory: bool = False) -> None:
    """Refuse an ``--out`` that cannot be written, before any work (a long solve's result is
    not lost at the end): a suffix not in ``suffixes``; an existing directory where a file
    goes (or a file where a directory goes); a place under a file; a place where nothing can
    be created (the nearest existing folder is tried with a file made and removed at once).
    A missing parent folder is fine: the writer makes it. Raises :class:`InvalidInputError`."""
    what = "directory" if directory else "file"
    if path.is_dir() and not directory:
        example = path / f"out{suffixes[0]}"
        raise InvalidInputError(f"--out {path}: is a directory; give a {what} name, e.g. {example}")
    if not directory and path.suffix.lower() not in suffixes:
        kind = f"unknown output type {path.suffix.lower()!r}" if path.suffix else "no file type"
        raise InvalidInputError(f"--out {path}: {kind}; use {', '.join(suffixes[:-1])} or {suffixes[-1]}"
                                if len(suffixes) > 1 else f"--out {path}: {kind}; use {suffixes[0]}")
    if path.exists() and directory and not path.is_dir():
        raise InvalidInputError(f"--out {path}: exists and is not a directory")
    folder = path if directory else path.parent
    while not folder.exists() and not folder.is_symlink() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise InvalidInputError(f"--out {path}: cannot be made: {folder} is a file, not a directory")
    try:  # the one sure test of writability (permissions, read-only mounts, ACLs)
        import tempfile

        fd, probe = tempfile.mkstemp(prefix=".zoneopt-check.", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise InvalidInputError(f"--out {path}: cannot write in {folder}: {exc.strerror or exc}") from None


def error_text(exc: ZoneoptError, args: argparse.Namespace) -> str:
    """The one line an error prints. An input error names the input file when it does not
    already (a model built from the instance, an evaluation, an unknown zone): the verb's
    ``path``, or its only one of ``paths``. Option errors (``--out ...``) stay as they are."""
    text = str(exc)
    paths = getattr(args, "paths", None)
    path = getattr(args, "path", None) or (paths[0] if paths and len(paths) == 1 else None)
    if path is None or not isinstance(exc, InvalidInputError) or text.startswith("--"):
        return text
    name = str(path)
    if isinstance(exc, InstanceError):
        if exc.source is None:
            return str(InstanceError(exc.issues, name))
        return text if name in exc.source else str(InstanceError(exc.issues, f"{name}, {exc.source}"))
    return text if name in text else f"{name}: {text}"
