"""Loading an instance from a JSON file (or, by its suffix, an Excel workbook:
:mod:`zoneopt.instance.workbook`), within limits: a file of at most :data:`MAX_FILE_BYTES`,
nested at most :data:`MAX_DEPTH` levels, every key of an object given once."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from zoneopt.errors import InstanceError, Issue
from zoneopt.instance.issues import json_path
from zoneopt.instance.model import Instance

MAX_FILE_BYTES = 256 * 1024 * 1024
"""The largest instance file read, bytes (256 MiB; a 100,000-zone instance is about 45 MB)."""

MAX_DEPTH = 64
"""The deepest nesting of JSON arrays and objects taken (an instance needs about 10 levels)."""


def load(path: str | Path, *, max_bytes: int | None = None, max_depth: int | None = None) -> Instance:
    """Load an instance from a JSON file, or from an Excel workbook (``.xlsx``, the layout of
    ``python -m zoneopt template``). Raises :class:`InstanceError` for a missing file, a file
    over ``max_bytes`` (default :data:`MAX_FILE_BYTES`), non-JSON text, a key given twice in one
    object, nesting deeper than ``max_depth`` (default :data:`MAX_DEPTH`), or any invalid field
    (each issue names its JSON path; in a workbook, its sheet, cell and column). A JSON
    instance's ``zones`` may name a Parquet or CSV zone table, relative to the JSON file
    (:mod:`zoneopt.instance.tabular`)."""
    p = Path(path)
    limit = MAX_FILE_BYTES if max_bytes is None else max_bytes
    if p.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        from zoneopt.instance.workbook import read_workbook

        if p.is_file() and p.stat().st_size > limit:
            raise InstanceError([Issue("", f"the file is larger than the {_size(limit)} an instance may have")],
                                str(p))
        return read_workbook(p)
    depth = MAX_DEPTH if max_depth is None else max_depth
    data = read_json(p, limit, depth)
    try:
        if not isinstance(data, dict):
            raise InstanceError([Issue("", f"an instance is a JSON object, got {type(data).__name__}")], str(p))
        return Instance.from_dict(data, source=str(p), base=p.parent)
    except InstanceError:
        # The schema nests about 10 levels, so a document nested deeper than the limit never
        # validates: its depth is measured only then, and named instead of the type errors
        # (a valid file costs no walk; validation does not descend into a value of the wrong type).
        too_deep = nesting_issues(data, depth)
        if too_deep:
            raise InstanceError(too_deep, str(p)) from None
        raise


def read_json(p: Path, max_bytes: int, max_depth: int) -> Any:
    """A JSON file's value, or :class:`InstanceError` naming the file and what is wrong: too
    large, not UTF-8, not JSON, a key given twice, or too deep for the parser (Python's
    recursion limit, about 1,000 levels; :func:`nesting_issues` measures the depth itself)."""
    try:
        with p.open("rb") as f:
            raw = f.read(max_bytes + 1)  # a bounded read: a device or a pipe has no size to ask
    except FileNotFoundError:
        raise InstanceError([Issue("", "no such file")], str(p)) from None
    except OSError as exc:
        raise InstanceError([Issue("", f"cannot read: {exc.strerror or exc}")], str(p)) from None
    if len(raw) > max_bytes:
        raise InstanceError([Issue("", f"the file is larger than the {_size(max_bytes)} an instance may have")],
                            str(p))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InstanceError([Issue("", f"cannot read: not UTF-8 text (byte {exc.start})")], str(p)) from None
    repeated: dict[int, list[str]] = {}

    def pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(pairs)
        if len(obj) != len(pairs):  # a key given twice: JSON readers keep one, silently
            count: dict[str, int] = {}
            for key, _ in pairs:
                count[key] = count.get(key, 0) + 1
            repeated[id(obj)] = [key for key, n in count.items() if n > 1]
        return obj

    try:
        data = json.loads(text, object_pairs_hook=pairs_hook)
    except json.JSONDecodeError as exc:
        raise InstanceError([Issue("", f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}")],
                            str(p)) from None
    except RecursionError:
        raise InstanceError([Issue("", f"nested deeper than {max_depth} levels of arrays and objects")],
                            str(p)) from None
    if repeated:
        raise InstanceError(_repeated_keys(data, repeated), str(p))
    return data


def _size(n: int) -> str:
    return f"{n / 2**20:g} MiB" if n >= 2**20 else f"{n:,} bytes"


def _walk(data: Any) -> Iterator[tuple[Any, tuple[int | str, ...]]]:
    """Every array and object of a document with its location, in document order, without
    recursion."""
    stack: list[tuple[Any, tuple[int | str, ...]]] = [(data, ())]
    while stack:
        node, loc = stack.pop()
        yield node, loc
        items: Any = node.items() if type(node) is dict else enumerate(node)
        stack += [(value, (*loc, key)) for key, value in reversed(list(items)) if isinstance(value, (dict, list))]


def _repeated_keys(data: Any, repeated: dict[int, list[str]]) -> list[Issue]:
    """An issue for each key given twice in the objects ``repeated`` names (by id)."""
    return [Issue(json_path((*loc, key)), "key given more than once in one object (only the last would count): "
                                          "give it once")
            for node, loc in _walk(data) if type(node) is dict for key in repeated.get(id(node), ())]


def nesting_issues(data: Any, max_depth: int) -> list[Issue]:
    """An issue at the first place nested deeper than ``max_depth`` levels of arrays and objects,
    or none."""
    for _, loc in _walk(data):
        if len(loc) >= max_depth:
            where = json_path(loc)
            where = where if len(where) <= 60 else where[:60] + "…"
            return [Issue(where, f"nested deeper than {max_depth} levels of arrays and objects")]
    return []
