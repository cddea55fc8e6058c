"""The solver core: array models, backends, one ``solve`` entry point, the independent checker
and MPS input/output."""

from zoneopt.core.checker import check_solution
from zoneopt.core.model import Model, ModelBuilder, RowBlock, VarBlock
from zoneopt.core.mps import read_mps, write_mps
from zoneopt.core.solution import CheckReport, Solution, SolveOptions, Status
from zoneopt.core.solve import DEFAULT_BACKEND, backend_names, get_backend, solve

__all__ = [
    "Model", "ModelBuilder", "VarBlock", "RowBlock",
    "Solution", "SolveOptions", "Status", "CheckReport",
    "solve", "backend_names", "get_backend", "DEFAULT_BACKEND",
    "check_solution", "read_mps", "write_mps",
]
