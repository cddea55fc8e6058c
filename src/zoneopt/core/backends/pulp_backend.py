"""PuLP backends (placeholder until implemented)."""
from __future__ import annotations

PULP_BACKENDS: tuple[type, ...] = ()
