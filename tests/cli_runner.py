"""Running the CLI in-process for tests: its exit code, stdout and stderr; and instance files."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from zoneopt.cli import main


def run(*argv: str) -> tuple[int, str, str]:
    """``python -m zoneopt ARGV...`` in this process: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def write(tmp_path: Path, data: Any, name: str = "inst.json") -> Path:
    """``data`` as a UTF-8 JSON file ``tmp_path/name``."""
    p = tmp_path / name
    p.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return p
