"""File output that never leaves a half-written file behind, nor, for long, a temporary one;
and the text cells of spreadsheets that must stay text.

A write goes to a temporary file beside the target, then is renamed over it. The temporary
file's name carries the writer's host and process id (``.plan.json.zoneopt-host-4242-x1y2.tmp``):
a writer killed mid-write (``kill -9``) leaves it behind, and the next write into that
directory from the same host removes every such file whose process is gone.

A text cell that starts like a formula (:data:`FORMULA_START`) is kept as text by every
spreadsheet zoneopt writes (:func:`keep_as_text`; tables: :mod:`zoneopt.plans.spreadsheets`).
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _read_umask() -> int:
    # There is no getter: set and restore, once, at import (not per write: threads would race).
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _read_umask()
_HOST = re.sub(r"[^A-Za-z0-9]", "", os.uname().nodename if hasattr(os, "uname") else
               os.environ.get("COMPUTERNAME", ""))[:24] or "host"
_TEMP = re.compile(r"^\..*\.zoneopt-(?P<host>[A-Za-z0-9]+)-(?P<pid>\d+)-[A-Za-z0-9_]+\.tmp$")


def _alive(pid: int) -> bool:
    """Whether process ``pid`` runs (on this host). Unsure (Windows, where signal 0 is not a
    probe; or no permission) counts as alive: a live writer's file is never taken."""
    if os.name != "posix":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def remove_stale_temporaries(directory: str | Path) -> list[Path]:
    """Remove the temporary files that writers on this host left in ``directory`` when they
    were killed mid-write (their process is gone); return those removed. Files of live
    writers, of other hosts and of other programs are left alone."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return removed
    me = os.getpid()
    for entry in entries:
        m = _TEMP.match(entry.name)
        if m is None or m["host"] != _HOST or int(m["pid"]) == me or _alive(int(m["pid"])):
            continue
        try:
            os.unlink(entry.path)
        except OSError:
            continue  # another writer removed it first, or it is not ours to remove
        removed.append(Path(entry.path))
    return removed


def atomic_write(path: str | Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp)`` on a temporary file beside ``path``, then rename it over ``path``.

    If ``write`` raises, the temporary file is removed and any earlier ``path`` is untouched.
    The rename is atomic on POSIX and Windows (same directory, ``os.replace``). Temporary files
    that killed writers left in the directory are removed first (on POSIX).
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(target.parent)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.zoneopt-{_HOST}-{os.getpid()}-", suffix=".tmp",
                                    dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        # mkstemp makes the file 0600; give it the mode a plain open() would (0666 less umask).
        os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""The first characters that make a spreadsheet program read a text cell as a formula (OWASP
"CSV Injection")."""


def is_formula_like(value: Any) -> bool:
    """Whether ``value`` is text a spreadsheet program would take for a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_START)


def keep_as_text(cell: Any) -> None:
    """Store an openpyxl cell's text as text: a string (openpyxl makes text starting with ``=``
    a formula), with Excel's quote prefix so it stays text when edited."""
    cell.data_type = "s"
    cell.quotePrefix = True


def atomic_write_text(path: str | Path, text: str) -> Path:
    def write(p: Path) -> None:
        p.write_text(text, encoding="utf-8")

    return atomic_write(path, write)
