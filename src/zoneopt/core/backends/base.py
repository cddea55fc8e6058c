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
    quadratic: ClassVar[str]
    """Which quadratic objectives it takes (:data:`QUADRATIC`): ``"none"``, ``"diagonal"`` (a
    diagonal Hessian) or ``"convex"`` (any convex one); read with :func:`capability`."""
    quadratic_integer: ClassVar[bool]
    """Takes a quadratic objective together with integer variables (a MIQP)."""
    semicontinuous: ClassVar[bool]
    """Solves a model's declared semi-continuous columns natively (dropping their switches)."""

    def solve(self, model: Model, options: SolveOptions) -> Solution: ...


QUADRATIC: dict[str, str] = {"none": "no quadratic objective", "diagonal": "a quadratic objective with a diagonal "
                              "Hessian", "convex": "any convex quadratic objective"}
"""What each value of ``Backend.quadratic`` means."""

QP_BACKENDS = "highs (continuous), ortools-pdlp (diagonal, continuous) or ortools-scip (also with integers)"
"""The backends that take a quadratic objective, for messages."""


def capability(backend: type[Backend] | Backend, name: str) -> object:
    """A backend's capability flag ``name``, with the default a backend that does not declare it
    has (no quadratic objective, no native semi-continuous columns)."""
    defaults: dict[str, object] = {"quadratic": "none", "quadratic_integer": False, "semicontinuous": False}
    return getattr(backend, name, defaults[name])


def require_support(backend: type[Backend] | Backend, model: Model) -> None:
    """Raise :class:`UnsupportedModelError` when ``backend`` cannot take ``model``."""
    if model.is_quadratic:
        _require_quadratic(backend, model)
    if model.is_mip and not backend.integer:
        raise UnsupportedModelError(
            f"backend {backend.name!r} solves LPs only; model {model.name!r} has "
            f"{int(model.integer.sum())} integer variables (use highs, pulp-cbc, pulp-highs, "
            "ortools-scip or ortools-cpsat)")
    if not backend.continuous and not bool(model.integer.all()):
        raise UnsupportedModelError(
            f"backend {backend.name!r} needs every variable integer; model {model.name!r} has "
            f"{int((~model.integer).sum())} continuous variables")


def _require_quadratic(backend: type[Backend] | Backend, model: Model) -> None:
    """Refuse a quadratic objective ``backend`` cannot take, naming the backend and the
    objective (the variable blocks its quadratic part is on)."""
    assert model.hessian is not None
    kind = str(capability(backend, "quadratic"))
    what = (f"model {model.name!r} has a quadratic objective (on {', '.join(model.quadratic_blocks())}, "
            f"{model.hessian.nnz} Hessian entries)")
    if kind == "none":
        raise UnsupportedModelError(f"backend {backend.name!r} takes no quadratic objective; {what}: "
                                    f"use {QP_BACKENDS}, or a linear objective (e.g. the tiered target in L1)")
    if kind == "diagonal" and (model.hessian - _diag(model.hessian)).count_nonzero():
        raise UnsupportedModelError(f"backend {backend.name!r} takes only a diagonal quadratic objective; {what} "
                                    "with off-diagonal entries: use highs or ortools-scip")
    if model.is_mip and not capability(backend, "quadratic_integer"):
        raise UnsupportedModelError(f"backend {backend.name!r} takes a quadratic objective on continuous variables "
                                    f"only; {what} and {int(model.integer.sum())} integer variables (a MIQP): "
                                    "use ortools-scip, or a linear objective (e.g. the tiered target in L1)")


def _diag(H: object) -> object:
    import scipy.sparse as sp

    return sp.diags(H.diagonal())  # type: ignore[attr-defined]
