"""OR-Tools backends (placeholder until implemented)."""
from __future__ import annotations

ORTOOLS_BACKENDS: tuple[type, ...] = ()
