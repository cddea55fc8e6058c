"""Loading an instance from a JSON file (or, by its suffix, an Excel workbook:
:mod:`zoneopt.instance.workbook`)."""

from __future__ import annotations

import json
from pathlib import Path

from zoneopt.errors import InstanceError, Issue
from zoneopt.instance.model import Instance


def load(path: str | Path) -> Instance:
    """Load an instance from a JSON file, or from an Excel workbook (``.xlsx``, the layout of
    ``python -m zoneopt template``). Raises :class:`InstanceError` for a missing file,
    non-JSON text, or any invalid field (each issue names its JSON path; in a workbook, its
    sheet, cell and column)."""
    p = Path(path)
    if p.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        from zoneopt.instance.workbook import read_workbook
        return read_workbook(p)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InstanceError([Issue("", "no such file")], str(p)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InstanceError([Issue("", f"cannot read: {exc}")], str(p)) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InstanceError([Issue("", f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}")],
                            str(p)) from None
    if not isinstance(data, dict):
        raise InstanceError([Issue("", f"an instance is a JSON object, got {type(data).__name__}")], str(p))
    return Instance.from_dict(data, source=str(p))
