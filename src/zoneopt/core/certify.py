"""Certified answers: a second backend confirms what the first one claims.

A MIP solver's "optimal" is its word: HiGHS 1.14's MIP presolve once returned a worse point
labelled optimal (the ``five`` portfolio with the land pool at 90 mu, in the diagnosis' elastic
model; CBC and SCIP found the true optimum, tests/core/test_certify.py keeps it). The
independent checker proves the point feasible, not optimal. An LP with duals is certified by
the checker itself (weak duality, :mod:`zoneopt.core.checker`); a MIP, an infeasibility claim
on a MIP, and an LP answered without duals are certified here by solving again on a second
backend of another family (:data:`SECOND`) and comparing:

* both optimal: each solver's bound brackets the optimum, so the two answers disagree when one
  solver's point is better than the other's bound by more than the tolerance
  (``tolerance * max(1, |objective|)``) — a wrong point or a wrong bound, either way not an
  optimum to report;
* the first optimal, the second with no such proof (infeasible, unbounded, stopped): the
  second solver contradicts the first, or could not confirm it;
* the first infeasible (a MIP): the second must not find a point.

A disagreement raises :class:`~zoneopt.errors.CertificationError` (exit code 4) with both
backends' values. Certification is asked for per solve (``SolveOptions.certify``, ``certify=True``
to :func:`zoneopt.core.solve`) or for every solve of a run (``with certifying(True):``, what
``--certify`` does); :func:`certifying` also collects the failures, so a caller that catches
errors along the way (a diagnosis that reports "no full diagnosis") cannot hide one.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING

from zoneopt.core.solution import Solution, SolveOptions, Status
from zoneopt.errors import CertificationError, UnknownBackendError

if TYPE_CHECKING:
    from zoneopt.core.model import Model

SECOND: dict[str, str] = {
    "highs": "ortools-scip",
    "pulp-highs": "ortools-scip",
    "pulp-cbc": "highs",
    "ortools-scip": "highs",
    "ortools-cpsat": "highs",
    "ortools-glop": "highs",
    "ortools-pdlp": "highs",
}
"""The backend that certifies each backend's answers: another solver, not the same one reached
another way (HiGHS is certified by SCIP, everything else by HiGHS)."""

_SETTING: contextvars.ContextVar[bool | str] = contextvars.ContextVar("zoneopt_certify", default=False)
_FAILURES: contextvars.ContextVar[list[CertificationError] | None] = contextvars.ContextVar(
    "zoneopt_certify_failures", default=None)


@contextmanager
def certifying(setting: bool | str = True) -> Iterator[list[CertificationError]]:
    """Certify every solve inside (``True``, or the name of the certifying backend); yields the
    list of failures raised inside, caught or not."""
    failures: list[CertificationError] = []
    token = _SETTING.set(setting)
    ftoken = _FAILURES.set(failures)
    try:
        yield failures
    finally:
        _SETTING.reset(token)
        _FAILURES.reset(ftoken)


def second_backend(backend: str, model: Model, options: SolveOptions) -> str | None:
    """The backend that certifies ``backend``'s answers on ``model``, or None when no
    certification is asked for (``options.certify`` or an enclosing :func:`certifying`)."""
    setting = options.certify or _SETTING.get()
    if not setting:
        return None
    if isinstance(setting, str):
        from zoneopt.core.backends import BACKENDS

        if setting not in BACKENDS:
            raise UnknownBackendError(f"unknown certifying backend {setting!r}; choose one of: "
                                      f"{', '.join(BACKENDS)}")
        return setting
    return SECOND.get(backend, "highs")


def needs_second_solve(model: Model, solution: Solution) -> bool:
    """Whether ``solution`` is a claim a second backend must confirm: a MIP's optimum or
    infeasibility, or an LP optimum without the duals that would certify it."""
    if model.is_mip:
        return solution.status in (Status.OPTIMAL, Status.INFEASIBLE)
    return solution.status is Status.OPTIMAL and solution.check is not None \
        and not solution.check.optimality_certified


def certify(model: Model, first: Solution, backend: str, options: SolveOptions,
            solve: Callable[..., Solution]) -> Solution:
    """Solve ``model`` again with ``backend`` (through ``solve``, i.e. :func:`zoneopt.core.solve`)
    and return ``first`` when the answers agree; raise :class:`CertificationError` when they
    do not or the second solve cannot confirm the first."""
    # The second backend takes the same limits and tolerance; raw options belong to the first.
    token = _SETTING.set(False)  # the second answer is not certified in turn
    try:
        second = solve(model, backend, options=replace(options, certify=False, extra={}))
    finally:
        _SETTING.reset(token)
    problem = disagreement(model, first, second, max(options.tolerance, options.mip_gap, 1e-6))
    if problem is None:
        return first
    error = CertificationError(
        f"certification failed for model {model.name!r}: {describe(model, first)} but "
        f"{describe(model, second)}: {problem}")
    failures = _FAILURES.get()
    if failures is not None:
        failures.append(error)
    raise error


def disagreement(model: Model, first: Solution, second: Solution, tolerance: float) -> str | None:
    """Why ``second`` does not confirm ``first`` (None when it does)."""
    if first.status is Status.INFEASIBLE:
        if second.status is Status.INFEASIBLE:
            return None
        if second.status.has_solution:
            return f"{second.backend} found a point that passes the independent check"
        return f"{second.backend} could not confirm the infeasibility ({second.status.value})"
    if second.status is not Status.OPTIMAL:
        if second.status.has_solution and _beats(model, second.objective, _bound(first), tolerance):
            return f"{second.backend}'s point beats {first.backend}'s bound"
        return f"{second.backend} could not confirm the optimum ({second.status.value}: {second.message})"
    if _beats(model, second.objective, _bound(first), tolerance):
        return f"{second.backend}'s point beats {first.backend}'s bound: {first.backend}'s optimum is not one"
    if _beats(model, first.objective, _bound(second), tolerance):
        return f"{first.backend}'s point beats {second.backend}'s bound: {second.backend}'s optimum is not one"
    return None


def _bound(s: Solution) -> float | None:
    """What a solver claims no point can beat: its bound, or for an LP its objective."""
    return s.best_bound if s.best_bound is not None else s.objective


def _beats(model: Model, objective: float | None, bound: float | None, tolerance: float) -> bool:
    if objective is None or bound is None:
        return False
    slack = tolerance * max(1.0, abs(objective), abs(bound))
    return objective < bound - slack if model.sense == "min" else objective > bound + slack


def describe(model: Model, s: Solution) -> str:
    """``highs found 0.007142857143 (optimal, bound 0.007142857143)`` in the plan's units."""
    if not s.status.has_solution or s.objective is None:
        return f"{s.backend} says {s.status.value}"
    scale = model.objective_scale
    unit = f" {model.objective_unit}" if model.objective_unit else ""
    text = f"{s.backend} found {s.objective * scale:.10g}{unit} ({s.status.value}"
    if s.best_bound is not None:
        text += f", bound {s.best_bound * scale:.10g}"
    return text + ")"


__all__ = ["SECOND", "certifying", "second_backend", "needs_second_solve", "certify", "disagreement", "describe"]
