"""``solve(model, backend=...)``: one entry point over every backend, with the independent check
applied to every answer before it is returned.

Importing this module is cheap (no numpy, scipy or solver library): ``zoneopt.core`` imports it
directly and the command line lists :func:`backend_names` for ``--backend``. A backend's module
is imported when the backend is first asked for, the checker (numpy, scipy) at the first solve.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from zoneopt.core.backends import BACKEND_NAMES, BACKENDS
from zoneopt.core.backends.base import Backend, require_support
from zoneopt.core.solution import Solution, SolveOptions, Status
from zoneopt.errors import SolutionCheckError, UnknownBackendError

if TYPE_CHECKING:
    from zoneopt.core.model import Model

log = logging.getLogger("zoneopt.core")

DEFAULT_BACKEND = "highs"


def backend_names() -> list[str]:
    """Names ``solve`` accepts, the default first."""
    return list(BACKEND_NAMES)


def get_backend(name: str) -> type[Backend]:
    """The backend class called ``name``; its module is imported on the first request."""
    try:
        module, cls = BACKENDS[name]
    except KeyError:
        raise UnknownBackendError(
            f"unknown backend {name!r}; choose one of: {', '.join(BACKEND_NAMES)}") from None
    backend: type[Backend] = getattr(importlib.import_module(module), cls)
    return backend


def solve(model: Model, backend: str = DEFAULT_BACKEND, *, time_limit: float | None = None,
          mip_gap: float | None = None, options: SolveOptions | None = None, **extra: Any) -> Solution:
    """Solve ``model`` with ``backend`` and check the answer independently.

    Returns a :class:`Solution` whatever the status (infeasible and unbounded are statuses, not
    exceptions). Raises :class:`~zoneopt.errors.UnsupportedModelError` when the backend cannot
    take the model, :class:`~zoneopt.errors.UnknownBackendError` for an unknown name, and
    :class:`~zoneopt.errors.SolutionCheckError` when the solver's point fails the check (for an
    LP with duals: also when the duals do not prove it optimal).
    Keyword arguments beyond ``time_limit`` and ``mip_gap`` are :class:`SolveOptions` fields;
    ``certify=True`` confirms the answer on a second backend (:mod:`zoneopt.core.certify`,
    :class:`~zoneopt.errors.CertificationError` when they disagree).

    Inside :func:`zoneopt.core.limits.deadline` the time limit is cut to what the deadline
    leaves (half of it when a second backend will certify the answer), and a solve asked for
    with no time left returns NO_SOLUTION without starting; after a stop request
    (:mod:`zoneopt.core.limits`) it raises :class:`~zoneopt.errors.Interrupted` instead.
    """
    from zoneopt.core import limits
    from zoneopt.core.certify import certify, needs_second_solve, second_backend
    from zoneopt.core.checker import DEFAULT_TOLERANCE, check_solution

    options = SolveOptions.merged(options, time_limit=time_limit, mip_gap=mip_gap)
    if extra:
        options = replace(options, **extra)
    cls = get_backend(backend)
    require_support(cls, model)
    limits.raise_if_stopped()
    certifier = second_backend(backend, model, options)
    left = limits.time_left()
    if left is not None:
        if left <= 0:
            return Solution(Status.NO_SOLUTION, backend, message=(
                f"not started: the time limit of the run ({limits.deadline_seconds():g} s) was used up"))
        share = left / 2 if certifier is not None and model.is_mip else left
        options = replace(options, time_limit=share if options.time_limit is None else min(options.time_limit, share))
    if model.num_vars == 0:  # solvers disagree on empty models ("Empty", error, optimal)
        return _solve_empty(model, backend)
    with limits.solving():
        solution = cls().solve(model, options)
        log.debug("%s on %s: %s in %.3fs", backend, model.name, solution.status, solution.runtime)
        if solution.status.has_solution:
            assert solution.x is not None
            report = check_solution(model, solution.x, solution.objective,
                                    tolerance=max(options.tolerance, DEFAULT_TOLERANCE),
                                    row_duals=solution.row_duals, best_bound=solution.best_bound)
            if not report.passed:
                raise SolutionCheckError(
                    f"backend {backend!r} returned a point for model {model.name!r} that fails the "
                    f"independent check ({report.worst}; bound {report.max_bound_violation:.3g}, row "
                    f"{report.max_row_violation:.3g}, integrality {report.max_integrality_violation:.3g}, "
                    f"objective {report.objective_error:.3g}; tolerance {report.tolerance:g}); "
                    f"solver said {solution.status.value}: {solution.message}")
            solution = solution.with_check(report)
    if certifier is not None and needs_second_solve(model, solution):
        solution = replace(certify(model, solution, certifier, options, solve), certified_by=certifier)
    return solution


def _solve_empty(model: Model, backend: str) -> Solution:
    """A model without variables: feasible iff every row admits activity 0."""
    import numpy as np

    from zoneopt.core.checker import check_solution

    ok = bool(np.all(model.row_lb <= 0.0) and np.all(model.row_ub >= 0.0))
    if not ok:
        return Solution(Status.INFEASIBLE, backend, message="empty model, a row excludes 0")
    x = np.zeros(0)
    return Solution(Status.OPTIMAL, backend, objective=model.c0, x=x,
                    row_duals=None if model.is_mip else np.zeros(model.num_rows),
                    reduced_costs=None if model.is_mip else x, message="empty model",
                    check=check_solution(model, x, model.c0))


__all__ = ["solve", "backend_names", "get_backend", "DEFAULT_BACKEND", "Status"]
