"""The one result type every backend returns, and the options every backend takes.

Sign convention for duals, the same on every backend and for both senses:

* ``row_duals[i]`` is the rate at which the optimal objective changes per unit increase of the
  bound of row ``i`` that is active (``row_ub`` for a row at its upper bound, ``row_lb`` at its
  lower bound; both at once for an equality). A binding upper bound on a maximisation therefore
  has a non-negative dual: one more unit of the resource is worth ``row_duals[i]`` objective
  units. A row not at a bound has dual 0.
* ``reduced_costs[j]`` is the same rate for the active bound of variable ``j``.

With this convention ``c == A.T @ row_duals + reduced_costs`` at an optimum of an LP, whatever
the sense. Duals exist only for LPs (models without integer variables).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # annotations only: the command line imports these types without numpy
    import numpy as np
    import numpy.typing as npt


class Status(StrEnum):
    """What a solve ended with."""

    OPTIMAL = "optimal"
    """Proved optimal (for a MIP: within the requested relative gap)."""
    FEASIBLE = "feasible"
    """A feasible solution, optimality not proved (time limit reached with an incumbent)."""
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    """Unbounded, or infeasible-or-unbounded where the solver could not tell which."""
    NO_SOLUTION = "no_solution"
    """Stopped (time or iteration limit) without any feasible solution."""
    ERROR = "error"
    """The solver failed."""

    @property
    def has_solution(self) -> bool:
        return self in (Status.OPTIMAL, Status.FEASIBLE)


@dataclass(frozen=True)
class SolveOptions:
    """Options understood by every backend.

    ``time_limit`` is wall-clock seconds; ``mip_gap`` the relative MIP gap at which a MIP is
    accepted as optimal; ``verbose`` routes the solver's own log to the ``zoneopt.solver``
    logger (never to stdout); ``algorithm`` picks the HiGHS LP method (``"simplex"``,
    ``"ipm"``, ``"pdlp"`` or ``"choose"``) and is ignored elsewhere; ``threads`` caps solver
    threads where a backend honours it; ``extra`` passes raw backend options through.
    ``certify`` re-solves on a second backend and raises
    :class:`~zoneopt.errors.CertificationError` when the answers disagree (``True``: the
    second backend :mod:`zoneopt.core.certify` picks; a name: that backend).
    """

    time_limit: float | None = None
    mip_gap: float = 1e-6
    verbose: bool = False
    algorithm: str = "simplex"
    threads: int | None = None
    tolerance: float = 1e-6
    extra: dict[str, Any] = field(default_factory=dict)
    certify: bool | str = False

    @classmethod
    def merged(cls, options: SolveOptions | None = None, *, time_limit: float | None = None,
               mip_gap: float | None = None) -> SolveOptions:
        """The one merge rule for a solve's options: ``options`` (or the defaults), with an
        explicit ``time_limit`` or ``mip_gap`` winning over the value ``options`` carries. Every
        ``solve_*`` takes the three and merges them here once, then passes one value on."""
        opts = options if options is not None else cls()
        if time_limit is not None:
            opts = replace(opts, time_limit=time_limit)
        if mip_gap is not None:
            opts = replace(opts, mip_gap=mip_gap)
        return opts


@dataclass(frozen=True, eq=False)
class CheckReport:
    """What the independent checker measured. Violations are absolute; ``passed`` compares
    them to ``tolerance`` scaled by ``max(1, |bound|)``.

    For an LP answered with duals the report also certifies optimality: ``dual_infeasibility``
    is the largest dual of the wrong sign for a bound that does not exist (objective units per
    unit of the row or variable), ``dual_objective`` the objective of the dual solution and
    ``duality_gap`` its distance to the primal objective; both are in the objective's units
    times ``Model.objective_scale`` (the plan's units when the model says so, ``objective_unit``
    names them). For a MIP with a solver bound, ``best_bound`` is that bound and ``mip_gap``
    the relative gap recomputed from it and the checked objective. None where not measured."""

    passed: bool
    tolerance: float
    max_bound_violation: float
    max_row_violation: float
    max_integrality_violation: float
    objective_error: float
    worst: str | None = None
    """Where the largest scaled violation is, e.g. ``row cap-zone[z07]``."""
    dual_infeasibility: float | None = None
    dual_objective: float | None = None
    duality_gap: float | None = None
    best_bound: float | None = None
    mip_gap: float | None = None
    objective_unit: str = ""

    @property
    def optimality_certified(self) -> bool:
        """Whether duals proved the LP optimum (dual feasible, no duality gap, within tolerance)."""
        return self.passed and self.duality_gap is not None


@dataclass(frozen=True, eq=False)
class Solution:
    """The result of one solve, from any backend."""

    status: Status
    backend: str
    objective: float | None = None
    x: npt.NDArray[np.float64] | None = None
    row_duals: npt.NDArray[np.float64] | None = None
    reduced_costs: npt.NDArray[np.float64] | None = None
    runtime: float = 0.0
    mip_gap: float | None = None
    best_bound: float | None = None
    message: str = ""
    check: CheckReport | None = None
    certified_by: str | None = None
    """What certified the answer beyond the check: ``"duals"`` (an LP optimum proved by its
    duals, see :mod:`zoneopt.core.checker`) or the second backend that confirmed it
    (:mod:`zoneopt.core.certify`); None when nothing did."""

    def with_check(self, check: CheckReport) -> Solution:
        return replace(self, check=check,
                       certified_by="duals" if check.optimality_certified else self.certified_by)
