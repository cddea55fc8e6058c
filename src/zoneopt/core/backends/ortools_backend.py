"""OR-Tools backends: GLOP, PDLP, SCIP and CP-SAT through OR-Tools' model builder.

Each backend fills one ``model_builder_helper.ModelBuilderHelper`` from the model's arrays with
a single ``fill_model_from_sparse_data`` call (CSR matrix, ``numpy.inf`` for missing bounds),
marks the integer columns (the helper has no vectorised setter for integrality, so this is one
cheap C++ call per *integer* column, ~0.4 microseconds each) and solves it with
``ModelSolverHelper("glop" | "pdlp" | "scip" | "sat")``. OR-Tools is imported inside
``solve`` only.

Conventions found per solver (OR-Tools 9.15, checked against the HiGHS backend):

* ``objective_value()`` includes the objective offset for every solver, in the model's sense.
* GLOP and PDLP duals and reduced costs are already d(objective)/d(active bound) for both
  ``min`` and ``max`` (they equal HiGHS's exactly), so they are passed through unchanged.
  PDLP's reduced costs are ``c - A.T @ y`` by construction.
* SCIP through OR-Tools returns no duals at all (the SCIP proto solver treats every model as a
  MIP), so ``ortools-scip`` has ``duals = False``. CP-SAT has no duals either.
* GLOP reports ``INFEASIBLE`` when its presolve only knows "infeasible or unbounded"; SCIP
  reports ``INFEASIBLE`` for ``SCIP_STATUS_INFORUNBD``; CP-SAT reports an unknown status with
  "infeasible or unbounded" in its message; PDLP terminates with ``DUAL_INFEASIBLE``. Each of
  these is settled by one more solve of the same model with a zero objective (which cannot be
  unbounded): feasible means UNBOUNDED, infeasible means INFEASIBLE, and if that solve cannot
  tell (time out) the answer is UNBOUNDED, the core convention for "could not tell".

PDLP accuracy: PDLP is a first-order method whose default termination (relative KKT error 1e-6
in the L2 norm) leaves row violations of ~1e-4 on a 200x100 LP, far outside the 1e-6 check.
The backend therefore asks for ``OPTIMALITY_NORM_L_INF_COMPONENTWISE`` termination with
``eps_optimal_absolute = eps_optimal_relative = tolerance / 100`` (1e-8 by default). The
componentwise norm bounds every row residual by ``eps * (1 + |bound|)``, the same scaling as
zoneopt's checker. Measured on seeded random LPs of 200x100 and 2000x1000 in both senses: row
violations <= 6e-8 and objectives within 1e-10 relative of HiGHS (all pass the 1e-6 check);
duals within ~1e-5 absolute of HiGHS's on those (dual-degenerate) LPs and within 1e-7 on small
non-degenerate ones. The price is time: PDLP needs 6-30 s on the 2000x1000 LPs where HiGHS
needs well under a second. If PDLP stops on a limit, its last iterate is reported as FEASIBLE
only if it passes the checker, otherwise NO_SOLUTION.

CP-SAT and fractional data: CP-SAT needs integer coefficients. OR-Tools' MPModel -> CP-SAT
conversion scales each row and the objective by a power of two chosen so that the worst-case
activity error stays below ``mip_wanted_precision`` (1e-6; for the objective the larger of that
and ``absolute_gap_limit``, 1e-4 by default) without exceeding 2**53
(``mip_max_activity_exponent``). Decimal data such as 123.456 is never exact under a power of
two, and since unbounded variables are boxed to +-``mip_max_bound`` (1e7) the achievable
precision shrinks as models grow (on a 300-column parcel model CP-SAT's own log reports a
worst-case objective error of 2.9e-7 and row activity error of 2.3e-7). So before handing the
model over, this backend rescales it exactly, vectorised over the CSR arrays (after which the
same log reports 0 for both):

* the objective by the smallest ``10**k`` (k <= 9) that makes every coefficient integral
  (within 1e-9 relative), so CP-SAT optimises an exactly integral objective; the reported
  objective is recomputed as ``c @ x + c0`` from the original ``c`` and the bound divided back;
* each row by its own smallest ``10**k`` and then by the gcd of its integer coefficients; its
  bounds are rounded inwards (``ceil``/``floor``), exact because every variable is integer.
  A row whose rounded bounds cross has no integer solution: INFEASIBLE without calling the
  solver (CP-SAT itself rejects such a row as MODEL_INVALID, e.g. ``2x - 2y == 1``).

Data that is not decimal to 9 places is left to OR-Tools' own scaling, with
``mip_wanted_precision`` tightened to 1e-9. ``mip_max_bound`` is raised to the largest finite
variable bound so finite bounds are never truncated. If a variable with an infinite bound ends
at that artificial box, the optimum was cut off by it: the LP relaxation is then solved with
GLOP, and unbounded (or infeasible-or-unbounded, impossible with an integer point in hand)
means UNBOUNDED; otherwise the point is returned as FEASIBLE, optimality unproved.

Statuses: OPTIMAL (for a MIP it becomes FEASIBLE when the HiGHS-style gap
``|obj - bound| / |obj|`` exceeds ``mip_gap`` and the absolute gap exceeds 1e-6, HiGHS's
default ``mip_abs_gap``), FEASIBLE on a limit with an incumbent, NO_SOLUTION on a limit without
one, INFEASIBLE, UNBOUNDED (see above), ERROR for ABNORMAL / MODEL_INVALID / solver failures.
For MIPs ``best_bound`` is the solver's best bound (None when SCIP has none) and the
objective is ``c @ x + c0`` of the returned point (OR-Tools rounds integer columns of SCIP's
point after the solve; CP-SAT's own objective is in rescaled units).

Options: ``time_limit`` -> the helper's time limit; ``mip_gap`` -> SCIP ``limits/gap``,
CP-SAT ``relative_gap_limit``; ``threads`` -> CP-SAT ``num_workers`` (default: usable cores,
at most 8) and PDLP ``num_threads`` (default 1), ignored by GLOP and SCIP; ``tolerance`` ->
PDLP termination as above; ``extra`` entries are appended to the solver-specific parameter
text in the solver's own format (``key: value`` protobuf text for GLOP, PDLP and CP-SAT,
``key = value`` lines for SCIP), after ours, so they override ours. A parameter string the
solver refuses raises :class:`~zoneopt.errors.ModelError`.

A worker process: OR-Tools 9.15 ships a ``libhighs.so.1`` that cannot share a process with
highspy >= 1.15 (or-tools #5246), so every OR-Tools call runs in a worker process
(:mod:`zoneopt.core.backends.ortools_worker`, kept warm between solves by
:mod:`zoneopt.core.backends.worker`) and this process never imports OR-Tools. The model's arrays
(bounds, objective, the CSR matrix) travel to it as raw buffers and the answer's arrays come
back the same way; the status mapping, the re-solves, CP-SAT's rescaling and the check stay
here. A worker that dies during a solve (a crash in a solver) gives status ERROR naming how it
ended; this process carries on.

Stopping: every solver call runs under :func:`zoneopt.core.limits.run_stoppable`, so a stop
request, the time limit or the run's deadline (including the time a worker took to start)
ends it: the worker is told to stop, and tells CP-SAT and GLOP through OR-Tools' interrupt
(CP-SAT's own SIGINT handler is switched off, ``catch_sigint_signal: false``), SCIP by sending
itself SIGINT (SCIP's own Ctrl-C handler, installed while it solves, returns its incumbent).
PDLP ignores the interrupt in this release: its worker is killed after the grace and the solve
reports no solution. A worker that does not answer within the grace is killed, never reused.

Logging: OR-Tools 9.15's ``ModelSolverHelper.set_log_callback`` cannot be called from Python
(its binding lacks pybind11's std::function caster, so every callable is rejected), and the
solvers write their logs to file descriptor 1. With ``verbose`` the worker points its fd 1 at a
temporary file for the duration of the solve and sends the lines back; they are forwarded to
the ``zoneopt.solver`` logger. This process's stdout is never touched. Without ``verbose`` the
solvers are silent; OR-Tools may still write occasional warnings to stderr through absl logging
(the worker shares this process's stderr).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, replace
from typing import ClassVar

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from zoneopt.core import limits
from zoneopt.core.backends import worker as workers
from zoneopt.core.backends.base import require_support, solver_log
from zoneopt.core.backends.ortools_worker import KIND, Request
from zoneopt.core.backends.ortools_worker import Run as _Run
from zoneopt.core.checker import check_solution
from zoneopt.core.model import Model
from zoneopt.core.solution import Solution, SolveOptions, Status
from zoneopt.errors import ModelError

FloatArray = npt.NDArray[np.float64]

_MAX_DECIMALS = 9
_INTEGRAL_RTOL = 1e-9
_EXACT_INT = 2.0 ** 53
_CPSAT_DEFAULT_MAX_BOUND = 1e7
# HiGHS's default mip_abs_gap: a proved optimum whose bound differs from the objective by
# float noise alone stays OPTIMAL even when the relative gap formula blows up near zero.
_ABS_GAP = 1e-6

# -- solver plumbing -------------------------------------------------------------------------

@dataclass(frozen=True)
class _Arrays:
    """The arrays one solver call is built from (the model's own, or CP-SAT's rescaled copy)."""

    c: FloatArray
    A: sp.csr_matrix
    row_lb: FloatArray
    row_ub: FloatArray
    c0: float


def _format_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _run_solver(worker: workers.Worker, solver_id: str, model: Model, arrays: _Arrays, params: str,
                options: SolveOptions, time_limit: float | None, *, integer: bool = True) -> _Run:
    """Solve ``arrays`` (with ``model``'s bounds, integrality and sense) with ``solver_id`` in
    ``worker``, under :func:`zoneopt.core.limits.run_stoppable` with ``time_limit`` cut to what
    the run's deadline leaves."""
    time_limit = limits.effective_time_limit(time_limit)
    A = arrays.A
    request = Request(
        solver_id=solver_id, lb=model.lb, ub=model.ub,
        integer=np.flatnonzero(model.integer) if integer else np.zeros(0, dtype=np.int64),
        maximize=model.sense == "max", c=arrays.c, c0=float(arrays.c0),
        indptr=A.indptr, indices=A.indices, data=A.data, row_lb=arrays.row_lb, row_ub=arrays.row_ub,
        params=params, time_limit=time_limit, verbose=bool(options.verbose), quadratic=_quadratic(model))
    run: _Run = workers.call(worker, request, time_limit, what=solver_id)
    for line in run.log:
        solver_log.info("%s", line)
    if run.status == "INVALID_SOLVER_PARAMETERS":
        raise ModelError(f"{solver_id}: solver parameters refused ({run.message}); "
                         f"parameters were: {params!r}")
    return run


def _quadratic(model: Model) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], FloatArray] | None:
    """The model's quadratic objective ½xᵀHx as OR-Tools states one, Σ q·x_i·x_j over pairs
    i <= j: ½·H_ii on the diagonal, H_ij once per pair above it; None for a linear objective."""
    if not model.is_quadratic:
        return None
    assert model.hessian is not None
    upper = sp.triu(model.hessian).tocoo()
    coef = np.where(upper.row == upper.col, 0.5 * upper.data, upper.data)
    return upper.row.astype(np.int64), upper.col.astype(np.int64), coef.astype(np.float64)


def _usable_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _mip_gap(objective: float, bound: float) -> float:
    """Relative gap as HiGHS reports it: |obj - bound| / |obj| (guarded at zero)."""
    return abs(objective - bound) / max(abs(objective), 1e-10)


# -- the backends ----------------------------------------------------------------------------

class _OrtoolsBackend:
    """Shared solve flow; subclasses set the solver, the parameter text and any rescaling."""

    name: ClassVar[str]
    integer: ClassVar[bool]
    continuous: ClassVar[bool]
    duals: ClassVar[bool]
    quadratic: ClassVar[str] = "none"
    quadratic_integer: ClassVar[bool] = False
    semicontinuous: ClassVar[bool] = False
    solver_id: ClassVar[str]
    scip_params: ClassVar[bool] = False
    """Parameter text in SCIP's ``key = value`` format instead of protobuf text."""
    confirm_params: ClassVar[str] = ""
    """Extra parameter text for a second solve that must agree before INFEASIBLE is reported."""

    # -- hooks ----------------------------------------------------------------------------
    def _params(self, model: Model, options: SolveOptions) -> list[tuple[str, str]]:
        """Solver-specific parameters as (key, value) pairs, before ``options.extra``."""
        return []

    def _arrays(self, model: Model) -> tuple[_Arrays, float] | Solution:
        """The arrays to solve and the objective scale, or a finished Solution."""
        return _Arrays(model.c, model.A, model.row_lb, model.row_ub, model.c0), 1.0

    def _ambiguous(self, run: _Run) -> bool:
        """True when the run's 'no solution' answer may mean infeasible or unbounded."""
        return False

    # -- the flow -------------------------------------------------------------------------
    def _param_text(self, model: Model, options: SolveOptions) -> str:
        pairs = self._params(model, options)
        pairs += [(k, _format_value(v)) for k, v in options.extra.items()]
        sep = " = " if self.scip_params else ": "
        return "\n".join(f"{k}{sep}{v}" for k, v in pairs)

    def solve(self, model: Model, options: SolveOptions) -> Solution:
        require_support(type(self), model)
        start = time.perf_counter()
        prepared = self._arrays(model)
        if isinstance(prepared, Solution):  # settled while preparing (CP-SAT row scaling)
            return replace(prepared, runtime=time.perf_counter() - start)
        try:
            worker = workers.POOL.take(KIND)
        except limits.NotFinished as exc:
            return Solution(Status.NO_SOLUTION, self.name, runtime=time.perf_counter() - start, message=str(exc))
        except workers.WorkerDied as exc:
            return Solution(Status.ERROR, self.name, runtime=time.perf_counter() - start, message=str(exc))
        try:
            return self._solve(worker, model, options, prepared, start)
        finally:
            workers.POOL.give_back(KIND, worker)

    def _solve(self, worker: workers.Worker, model: Model, options: SolveOptions,
               prepared: tuple[_Arrays, float], start: float) -> Solution:
        arrays, obj_scale = prepared
        params = self._param_text(model, options)
        try:
            run = _run_solver(worker, self.solver_id, model, arrays, params, options, options.time_limit)
            status, message = self._status(run, model, options)
            if status is Status.INFEASIBLE and self.confirm_params and not limits.stop_requested():
                run, status, message = self._confirm_infeasible(worker, model, arrays, params, options,
                                                                start, run, message)
            if status is Status.UNBOUNDED and self._ambiguous(run):
                status, message = self._settle_infeasible_or_unbounded(worker, model, arrays, params,
                                                                        options, start, message)
            if not status.has_solution:
                return Solution(status, self.name, runtime=time.perf_counter() - start, message=message)
            return self._solution(worker, model, options, run, status, message, obj_scale, start)
        except limits.NotFinished as exc:
            return Solution(Status.NO_SOLUTION, self.name, runtime=time.perf_counter() - start, message=str(exc))
        except workers.WorkerDied as exc:
            return Solution(Status.ERROR, self.name, runtime=time.perf_counter() - start,
                            message=f"{self.solver_id}: {exc}")

    def _status(self, run: _Run, model: Model, options: SolveOptions) -> tuple[Status, str]:
        """Map an OR-Tools status to ours. Ambiguous 'infeasible or unbounded' answers map to
        UNBOUNDED here and are settled by the caller when ``_ambiguous`` says so."""
        message = f"{self.solver_id}: {run.status}" + (f" ({run.message})" if run.message else "")
        if self._ambiguous(run):
            return Status.UNBOUNDED, message
        if run.status == "OPTIMAL":
            return (Status.OPTIMAL if run.x is not None else Status.ERROR), message
        if run.status == "FEASIBLE":
            return (Status.FEASIBLE if run.has_solution and run.x is not None
                    else Status.NO_SOLUTION), message
        if run.status == "INFEASIBLE":
            return Status.INFEASIBLE, message
        if run.status == "UNBOUNDED":
            return Status.UNBOUNDED, message
        if run.status in ("NOT_SOLVED", "UNKNOWN_STATUS", "CANCELLED_BY_USER"):
            # Stopped by a limit (or never started): a point only if the solver has one.
            return (Status.FEASIBLE if run.has_solution and run.x is not None
                    else Status.NO_SOLUTION), message
        return Status.ERROR, message  # ABNORMAL, MODEL_INVALID, SOLVER_TYPE_UNAVAILABLE, ...

    def _confirm_infeasible(self, worker: workers.Worker, model: Model, arrays: _Arrays, params: str,
                            options: SolveOptions, start: float, run: _Run,
                            message: str) -> tuple[_Run, Status, str]:
        """Re-solve with ``confirm_params`` (e.g. SCIP without presolve) before calling a model
        infeasible; if that run finds a point, it is the answer."""
        remaining = None
        if options.time_limit is not None:
            remaining = options.time_limit - (time.perf_counter() - start)
            if remaining <= 0:
                return run, Status.INFEASIBLE, message
        again = _run_solver(worker, self.solver_id, model, arrays, params + "\n" + self.confirm_params,
                            options, remaining)
        status, second = self._status(again, model, options)
        if not status.has_solution:  # only a point overturns the verdict
            return run, Status.INFEASIBLE, message + f"; without presolve: {again.status}"
        return again, status, f"{second} (the first solve reported {run.status}; re-solved without presolve)"

    def _settle_infeasible_or_unbounded(self, worker: workers.Worker, model: Model, arrays: _Arrays, params: str,
                                        options: SolveOptions, start: float,
                                        message: str) -> tuple[Status, str]:
        """Solve once more with a zero objective: that problem cannot be unbounded, so its
        answer says whether the model is infeasible or (being feasible) unbounded."""
        remaining = None
        if options.time_limit is not None:
            remaining = options.time_limit - (time.perf_counter() - start)
            if remaining <= 0:
                return Status.UNBOUNDED, message + "; infeasible or unbounded, no time left to tell"
        zero = _Arrays(np.zeros_like(arrays.c), arrays.A, arrays.row_lb, arrays.row_ub, 0.0)
        check = _run_solver(worker, self.solver_id, model, zero, params, options, remaining)
        if check.status == "INFEASIBLE" or check.pdlp_reason == "TERMINATION_REASON_PRIMAL_INFEASIBLE":
            return Status.INFEASIBLE, message + "; a zero-objective solve proved it infeasible"
        if check.status in ("OPTIMAL", "FEASIBLE") and check.x is not None:
            return Status.UNBOUNDED, message + "; feasible (zero-objective solve), so unbounded"
        return Status.UNBOUNDED, message + f"; infeasible or unbounded (zero-objective solve: {check.status})"

    def _solution(self, worker: workers.Worker, model: Model, options: SolveOptions, run: _Run,
                  status: Status, message: str, obj_scale: float, start: float) -> Solution:
        assert run.x is not None and run.objective is not None
        x = run.x
        objective = run.objective
        duals = reduced = None
        gap = best_bound = None
        if model.is_mip or model.is_quadratic or status is not Status.OPTIMAL:
            # OR-Tools rounds integer columns after the solve, CP-SAT's own objective is in
            # rescaled units, PDLP's at a limit belongs to its iterate and SCIP's of a QP is
            # its auxiliary objective variable: report the objective of the point we return.
            objective = model.objective_value(x)
        if model.is_mip:
            # SCIP reports its infinity (1e20) when it has no bound.
            if run.bound is not None and abs(run.bound) < 1e20:
                best_bound = float(run.bound) / obj_scale
                gap = _mip_gap(objective, best_bound)
                if (status is Status.OPTIMAL and gap > options.mip_gap + 1e-12
                        and abs(objective - best_bound) > _ABS_GAP):
                    status = Status.FEASIBLE
        elif status is Status.OPTIMAL and self.duals and run.duals is not None:
            # GLOP and PDLP already use d(objective)/d(active bound) in both senses.
            duals, reduced = run.duals, run.reduced
        return Solution(status, self.name, objective=objective, x=x, row_duals=duals,
                        reduced_costs=reduced, runtime=time.perf_counter() - start,
                        mip_gap=gap, best_bound=best_bound, message=message)


class GlopBackend(_OrtoolsBackend):
    """GLOP, OR-Tools' primal/dual simplex: LPs, with duals."""

    name: ClassVar[str] = "ortools-glop"
    integer: ClassVar[bool] = False
    continuous: ClassVar[bool] = True
    duals: ClassVar[bool] = True
    solver_id: ClassVar[str] = "glop"

    def _ambiguous(self, run: _Run) -> bool:
        # GLOP maps its presolve's INFEASIBLE_OR_UNBOUNDED to INFEASIBLE.
        return run.status == "INFEASIBLE"


class PdlpBackend(_OrtoolsBackend):
    """PDLP, a first-order primal-dual LP method; run to tight componentwise tolerances."""

    name: ClassVar[str] = "ortools-pdlp"
    quadratic: ClassVar[str] = "diagonal"
    integer: ClassVar[bool] = False
    continuous: ClassVar[bool] = True
    duals: ClassVar[bool] = True
    solver_id: ClassVar[str] = "pdlp"

    def _params(self, model: Model, options: SolveOptions) -> list[tuple[str, str]]:
        eps = float(np.clip(options.tolerance / 100.0, 1e-12, 1e-4))
        threads = options.threads if options.threads is not None else 1
        return [
            ("num_threads", str(int(threads))),
            ("termination_criteria",
             "{ optimality_norm: OPTIMALITY_NORM_L_INF_COMPONENTWISE "
             f"simple_optimality_criteria {{ eps_optimal_absolute: {eps!r} "
             f"eps_optimal_relative: {eps!r} }} }}"),
        ]

    def _ambiguous(self, run: _Run) -> bool:
        return run.pdlp_reason in ("TERMINATION_REASON_DUAL_INFEASIBLE",
                                   "TERMINATION_REASON_PRIMAL_OR_DUAL_INFEASIBLE")

    def _status(self, run: _Run, model: Model, options: SolveOptions) -> tuple[Status, str]:
        status, message = super()._status(run, model, options)
        reason = run.pdlp_reason or ""
        if reason:
            message += f" [{reason}]"
        if reason == "TERMINATION_REASON_PRIMAL_INFEASIBLE":
            return Status.INFEASIBLE, message
        if reason in ("TERMINATION_REASON_NUMERICAL_ERROR", "TERMINATION_REASON_INVALID_PROBLEM",
                      "TERMINATION_REASON_INVALID_PARAMETER", "TERMINATION_REASON_OTHER"):
            return Status.ERROR, message
        if status is not Status.OPTIMAL and run.x is not None and not self._ambiguous(run):
            # A limit: PDLP's last iterate is approximate; report it only if it is feasible.
            report = check_solution(model, run.x, None, tolerance=max(options.tolerance, 1e-6))
            return (Status.FEASIBLE if report.passed else Status.NO_SOLUTION), message
        return status, message


class ScipBackend(_OrtoolsBackend):
    """SCIP through OR-Tools: MIPs and LPs. OR-Tools' SCIP wrapper returns no duals."""

    name: ClassVar[str] = "ortools-scip"
    integer: ClassVar[bool] = True
    continuous: ClassVar[bool] = True
    duals: ClassVar[bool] = False
    quadratic: ClassVar[str] = "convex"
    quadratic_integer: ClassVar[bool] = True
    solver_id: ClassVar[str] = "scip"
    scip_params: ClassVar[bool] = True
    # SCIP's presolve (default feastol 1e-6) has called feasible LPs infeasible when bounds span
    # about six orders of magnitude (a 0.008-mu request beside a 7,800-mu baseline): an
    # infeasible verdict is confirmed by a solve without presolve.
    confirm_params: ClassVar[str] = "presolving/maxrounds = 0"

    def _params(self, model: Model, options: SolveOptions) -> list[tuple[str, str]]:
        return [("limits/gap", repr(float(options.mip_gap)))]

    def _ambiguous(self, run: _Run) -> bool:
        # OR-Tools reports SCIP_STATUS_INFORUNBD as INFEASIBLE with this message.
        return run.status == "INFEASIBLE" and "INFORUNBD" in run.message


class CpSatBackend(_OrtoolsBackend):
    """CP-SAT: pure integer models only, rescaled to exact integer data first (see module
    docstring)."""

    name: ClassVar[str] = "ortools-cpsat"
    integer: ClassVar[bool] = True
    continuous: ClassVar[bool] = False
    duals: ClassVar[bool] = False
    solver_id: ClassVar[str] = "sat"

    def _params(self, model: Model, options: SolveOptions) -> list[tuple[str, str]]:
        workers = options.threads if options.threads is not None else min(8, _usable_cores())
        return [
            ("num_workers", str(int(workers))),
            ("relative_gap_limit", repr(float(options.mip_gap))),
            ("absolute_gap_limit", "0"),
            ("mip_wanted_precision", "1e-09"),
            ("mip_max_bound", repr(_cpsat_max_bound(model))),
            ("log_to_stdout", "true"),
            # SIGINT is zoneopt's to handle (it stops CP-SAT through OR-Tools' interrupt)
            ("catch_sigint_signal", "false"),
        ]

    def _arrays(self, model: Model) -> tuple[_Arrays, float] | Solution:
        return _integer_arrays(model, self.name)

    def _ambiguous(self, run: _Run) -> bool:
        return run.status in ("UNKNOWN_STATUS", "NOT_SOLVED") and "infeasible or unbounded" in run.message

    def _solution(self, worker: workers.Worker, model: Model, options: SolveOptions, run: _Run,
                  status: Status, message: str, obj_scale: float, start: float) -> Solution:
        assert run.x is not None
        boxed = _at_artificial_box(model, run.x)
        if boxed.size:
            names = model.column_names()
            where = ", ".join(names[j] for j in boxed[:3].tolist())
            relaxation = _run_solver(worker, "glop", model, _Arrays(model.c, model.A, model.row_lb,
                                     model.row_ub, model.c0), "use_preprocessing: false",
                                     SolveOptions(verbose=options.verbose), None, integer=False)
            if relaxation.status != "OPTIMAL":
                # An integer point exists, so the relaxation is feasible: it is unbounded.
                return Solution(Status.UNBOUNDED, self.name, runtime=time.perf_counter() - start,
                                message=f"{message}; {where} reached CP-SAT's artificial bound "
                                        f"{_cpsat_max_bound(model):g} and the LP relaxation is "
                                        f"{relaxation.status}: unbounded")
            status = Status.FEASIBLE
            message += (f"; {where} reached CP-SAT's artificial bound "
                        f"{_cpsat_max_bound(model):g}, so optimality is not proved")
        return super()._solution(worker, model, options, run, status, message, obj_scale, start)


def _cpsat_max_bound(model: Model) -> float:
    """CP-SAT boxes every variable into +-mip_max_bound; never below a finite model bound."""
    finite = np.concatenate([model.lb[np.isfinite(model.lb)], model.ub[np.isfinite(model.ub)]])
    largest = float(np.abs(finite).max(initial=0.0))
    return max(_CPSAT_DEFAULT_MAX_BOUND, float(np.ceil(largest)))


def _at_artificial_box(model: Model, x: FloatArray) -> npt.NDArray[np.int64]:
    """Columns with an infinite model bound whose value sits on CP-SAT's artificial box."""
    box = _cpsat_max_bound(model) - 0.5
    hit = (np.isposinf(model.ub) & (x >= box)) | (np.isneginf(model.lb) & (x <= -box))
    return np.flatnonzero(hit)


# -- exact integer rescaling for CP-SAT -------------------------------------------------------

def _is_integral(values: FloatArray) -> npt.NDArray[np.bool_]:
    """Integral within 1e-9 relative, and small enough to be exact as a double."""
    rounded = np.round(values)
    return (np.abs(values - rounded) <= _INTEGRAL_RTOL * np.maximum(1.0, np.abs(values))) & (
        np.abs(values) < _EXACT_INT)


def _decimal_exponent_per_segment(values: FloatArray, segment: npt.NDArray[np.int64],
                                  count: int) -> npt.NDArray[np.int64]:
    """For each of ``count`` segments, the smallest k <= 9 with ``values * 10**k`` integral
    over the whole segment (``segment[i]`` names the segment of ``values[i]``); -1 if none."""
    exponent = np.full(count, -1, dtype=np.int64)
    for k in range(_MAX_DECIMALS + 1):
        bad = ~_is_integral(values * 10.0 ** k)
        ok = np.bincount(segment[bad], minlength=count) == 0
        exponent[(exponent < 0) & ok] = k
        if (exponent >= 0).all():
            break
    return exponent


def _integer_arrays(model: Model, backend: str) -> tuple[_Arrays, float] | Solution:
    """The model with each decimal row scaled to coprime integers (bounds rounded inwards) and
    the objective scaled by a power of ten to integers, when it is decimal. Every variable is
    integer here, so each row's activity is an integer and inward rounding is exact."""
    A = model.A
    m = model.num_rows
    counts = np.diff(A.indptr)
    rows = np.repeat(np.arange(m, dtype=np.int64), counts)
    k_row = _decimal_exponent_per_segment(A.data, rows, m)
    decimal = k_row >= 0
    scale = np.where(decimal, 10.0 ** np.maximum(k_row, 0), 1.0)
    data = A.data * scale[rows]
    data = np.where(decimal[rows], np.round(data), data)

    # Divide each decimal row by the gcd of its integer coefficients.
    gcd = np.ones(m)
    nonempty = counts > 0
    if nonempty.any():
        ints = np.where(decimal[rows], np.abs(data), 0.0).astype(np.int64)
        per_row = np.gcd.reduceat(ints, A.indptr[:-1][nonempty])
        gcd[nonempty] = np.where(decimal[nonempty], np.maximum(per_row, 1), 1)
    scale /= gcd
    data = np.where(decimal[rows], data / gcd[rows], data)

    lb = model.row_lb * scale
    ub = model.row_ub * scale
    tol_lb = _INTEGRAL_RTOL * np.maximum(1.0, np.abs(lb))
    tol_ub = _INTEGRAL_RTOL * np.maximum(1.0, np.abs(ub))
    lb = np.where(decimal, np.ceil(lb - np.where(np.isfinite(lb), tol_lb, 0.0)), lb)
    ub = np.where(decimal, np.floor(ub + np.where(np.isfinite(ub), tol_ub, 0.0)), ub)
    empty_bad = ~nonempty & ((model.row_lb > 1e-9) | (model.row_ub < -1e-9))
    crossed = np.flatnonzero((decimal & (lb > ub)) | empty_bad)
    if crossed.size:
        names = model.constraint_names()
        shown = ", ".join(names[i] for i in crossed[:3].tolist())
        return Solution(Status.INFEASIBLE, backend, message=(
            f"{len(crossed)} row(s) admit no integer activity within their bounds ({shown}); "
            "found while scaling rows to integers, before calling CP-SAT"))

    c = model.c
    c0 = model.c0
    obj_scale = 1.0
    nz = np.flatnonzero(c)
    if nz.size:
        k = int(_decimal_exponent_per_segment(c[nz], np.zeros(nz.size, dtype=np.int64), 1)[0])
        if k >= 0:
            obj_scale = 10.0 ** k
            c = np.round(c * obj_scale)
            c0 = c0 * obj_scale
    scaled = sp.csr_matrix((data, A.indices, A.indptr), shape=A.shape)
    return _Arrays(c, scaled, lb, ub, c0), obj_scale


ORTOOLS_BACKENDS: tuple[type[_OrtoolsBackend], ...] = (
    GlopBackend, PdlpBackend, ScipBackend, CpSatBackend)

__all__ = ["ORTOOLS_BACKENDS", "GlopBackend", "PdlpBackend", "ScipBackend", "CpSatBackend"]
