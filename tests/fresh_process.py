"""Running Python code in a fresh interpreter, to see what an import loads (this process has
imported everything long ago)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"

# Libraries that make an import slow: each costs 0.1–1 s on an idle 2-core machine.
HEAVY = ("pandas", "scipy", "highspy", "ortools", "pulp", "matplotlib")


def modules_after(code: str) -> set[str]:
    """Every name in ``sys.modules`` after running ``code`` in a fresh interpreter that imports
    zoneopt from this tree."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")]))}
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    loaded: list[str] = json.loads(done.stdout.splitlines()[-1])
    return set(loaded)


def heavy_after(code: str, heavy: tuple[str, ...] = HEAVY) -> list[str]:
    """The ``heavy`` libraries that running ``code`` in a fresh interpreter imports."""
    return sorted({m.split(".")[0] for m in modules_after(code)} & set(heavy))
