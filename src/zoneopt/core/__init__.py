"""The solver core: array models, backends, one ``solve`` entry point, the independent checker
and MPS input/output.

The solution types and ``solve`` are imported here directly (they import neither numpy nor a
solver, and ``zoneopt.core.solve`` must stay the function, not the module of that name); the
array model, the checker and MPS input/output need scipy and load on first use (PEP 562).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from zoneopt.core.solution import CheckReport, Solution, SolveOptions, Status
from zoneopt.core.solve import DEFAULT_BACKEND, backend_names, get_backend, solve
from zoneopt.lazy import lazy_exports

_EXPORTS: dict[str, str] = {
    "Model": "zoneopt.core.model",
    "ModelBuilder": "zoneopt.core.model",
    "VarBlock": "zoneopt.core.model",
    "RowBlock": "zoneopt.core.model",
    "check_solution": "zoneopt.core.checker",
    "read_mps": "zoneopt.core.mps",
    "write_mps": "zoneopt.core.mps",
}

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:  # what __getattr__ returns, for type checkers
    from zoneopt.core.checker import check_solution
    from zoneopt.core.model import Model, ModelBuilder, RowBlock, VarBlock
    from zoneopt.core.mps import read_mps, write_mps

__all__ = [
    "Model", "ModelBuilder", "VarBlock", "RowBlock",
    "Solution", "SolveOptions", "Status", "CheckReport",
    "solve", "backend_names", "get_backend", "DEFAULT_BACKEND",
    "check_solution", "read_mps", "write_mps",
]
