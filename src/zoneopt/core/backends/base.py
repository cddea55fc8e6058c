"""What a backend is, and the checks every backend shares before it starts.

A backend turns a :class:`~zoneopt.core.model.Model` into its solver's input, solves, and
returns a :class:`~zoneopt.core.solution.Solution` in the model's own sense with duals in the
convention of :mod:`zoneopt.core.solution`. Solver libraries are imported inside ``solve`` only,
so importing zoneopt never loads a solver it does not use.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, ClassVar, Protocol

from zoneopt.errors import UnsupportedModelError

if TYPE_CHECKING:  # annotations only: zoneopt.core.solve imports this module without numpy or scipy
    from zoneopt.core.model import Model
    from zoneopt.core.solution import Solution, SolveOptions

solver_log = logging.getLogger("zoneopt.solver")


class Backend(Protocol):
    """A solver backend. ``name`` is what ``solve(model, backend=name)`` takes."""

    name: ClassVar[str]
    integer: ClassVar[bool]
    """Accepts integer variables."""
    continuous: ClassVar[bool]
    """Accepts continuous variables."""
    duals: ClassVar[bool]
    """Returns row duals and reduced costs for LPs."""

    def solve(self, model: Model, options: SolveOptions) -> Solution: ...


def require_support(backend: type[Backend] | Backend, model: Model) -> None:
    """Raise :class:`UnsupportedModelError` when ``backend`` cannot take ``model``."""
    if model.is_mip and not backend.integer:
        raise UnsupportedModelError(
            f"backend {backend.name!r} solves LPs only; model {model.name!r} has "
            f"{int(model.integer.sum())} integer variables (use highs, pulp-cbc, pulp-highs, "
            "ortools-scip or ortools-cpsat)")
    if not backend.continuous and not bool(model.integer.all()):
        raise UnsupportedModelError(
            f"backend {backend.name!r} needs every variable integer; model {model.name!r} has "
            f"{int((~model.integer).sum())} continuous variables")
