"""HiGHS through highspy: the default backend. The model's arrays are passed to HiGHS directly
(one ``passModel`` call, no per-variable objects)."""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, replace
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt

from zoneopt.core.backends.base import solver_log
from zoneopt.core.limits import NotFinished
from zoneopt.core.model import Model
from zoneopt.core.solution import Solution, SolveOptions, Status
from zoneopt.errors import ModelError, NoSolutionError, UnsupportedModelError


def to_highs_lp(model: Model) -> Any:
    """The model as a ``highspy.HighsLp`` (row-wise matrix, arrays copied once)."""
    import highspy

    lp = highspy.HighsLp()
    lp.num_col_ = model.num_vars
    lp.num_row_ = model.num_rows
    lp.col_cost_ = model.c
    lp.col_lower_ = model.lb
    lp.col_upper_ = model.ub
    lp.row_lower_ = model.row_lb
    lp.row_upper_ = model.row_ub
    lp.offset_ = model.c0
    lp.sense_ = highspy.ObjSense.kMaximize if model.sense == "max" else highspy.ObjSense.kMinimize
    A = model.A
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_ = model.num_vars
    lp.a_matrix_.num_row_ = model.num_rows
    lp.a_matrix_.start_ = A.indptr.astype(np.int32)
    lp.a_matrix_.index_ = A.indices.astype(np.int32)
    lp.a_matrix_.value_ = A.data
    if model.is_mip:
        lp.integrality_ = [highspy.HighsVarType.kInteger if v else highspy.HighsVarType.kContinuous
                           for v in model.integer.tolist()]
    return lp


def new_highs(options: SolveOptions) -> Any:
    """A silent ``highspy.Highs`` with the shared options applied (the time limit is set by
    :func:`run_highs` for each run)."""
    import highspy

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", float(options.mip_gap))
    if options.threads is not None:
        h.setOptionValue("threads", int(options.threads))
    configure_highs(h, options, "highs")
    return h


def configure_highs(h: Any, options: SolveOptions, backend: str) -> None:
    """Options every HiGHS-based backend shares: the log goes to the ``zoneopt.solver`` logger
    (never the console) when ``options.verbose``, the LP algorithm, and raw ``extra`` options,
    each checked."""
    import highspy

    if options.verbose:
        h.setOptionValue("output_flag", True)
        h.setOptionValue("log_to_console", False)
        h.cbLogging.subscribe(lambda event: solver_log.info("%s", event.message.rstrip()))
    if options.algorithm not in ("simplex", "ipm", "pdlp", "choose"):
        raise ModelError(f"{backend}: unknown algorithm {options.algorithm!r} (simplex, ipm, pdlp, choose)")
    h.setOptionValue("solver", options.algorithm)
    for key, value in options.extra.items():
        if h.setOptionValue(key, value) != highspy.HighsStatus.kOk:
            raise ModelError(f"{backend}: option {key}={value!r} was refused")


class Interrupter:
    """Stops one ``highspy.Highs`` run from another thread: HiGHS calls back between simplex
    iterations, IPM iterations and MIP nodes, and each call back asks whether to stop. Closed
    after the run, so a later run of the same ``Highs`` in the main thread (``BatchLP``) calls
    no Python code a signal handler could raise in."""

    def __init__(self, h: Any) -> None:
        self.wanted = threading.Event()
        self.events = (h.cbSimplexInterrupt, h.cbIpmInterrupt, h.cbMipInterrupt)
        for event in self.events:
            event.subscribe(self._poll)

    def _poll(self, e: Any) -> None:
        if self.wanted.is_set():
            e.interrupt()

    def stop(self) -> None:
        self.wanted.set()

    def close(self) -> None:
        for event in self.events:
            event.unsubscribe(self._poll)


def run_highs(h: Any, time_limit: float | None, what: str = "HiGHS") -> None:
    """``h.run()`` under :func:`zoneopt.core.limits.run_stoppable`: stopped by a stop request or
    at ``time_limit`` seconds, or what the run's deadline leaves (also given to HiGHS as its
    own ``time_limit``). Raises :class:`~zoneopt.core.limits.NotFinished` when it does not
    start or return in time."""
    from zoneopt.core import limits

    time_limit = limits.effective_time_limit(time_limit)
    # At least 1 ms, as for every backend: a zero limit is not read the same way by every solver.
    h.setOptionValue("time_limit", math.inf if time_limit is None else max(float(time_limit), 1e-3))
    interrupter = Interrupter(h)
    limits.run_stoppable(h.run, interrupter.stop, time_limit, what=what)
    interrupter.close()  # not after an abandoned run: its thread may still call back


def classify(h: Any, time_left: float | None = None) -> tuple[Status, str, bool]:
    """The zoneopt status of a ``highspy.Highs`` after ``run()``, its message, and whether it
    was re-run: when presolve cannot tell infeasible from unbounded, the simplex without
    presolve can (within ``time_left`` seconds, when given). Limits map to FEASIBLE only with a
    feasible point in hand."""
    import highspy

    M = highspy.HighsModelStatus
    ms = h.getModelStatus()
    rerun = ms == M.kUnboundedOrInfeasible
    if rerun:
        h.setOptionValue("presolve", "off")
        run_highs(h, time_left)
        ms = h.getModelStatus()
    has_point = h.getInfo().primal_solution_status == highspy.kSolutionStatusFeasible
    if ms == M.kOptimal:
        status = Status.OPTIMAL
    elif ms == M.kInfeasible:
        status = Status.INFEASIBLE
    elif ms in (M.kUnbounded, M.kUnboundedOrInfeasible):
        status = Status.UNBOUNDED
    elif ms in (M.kTimeLimit, M.kIterationLimit, M.kSolutionLimit, M.kInterrupt,
                M.kObjectiveBound, M.kObjectiveTarget):
        status = Status.FEASIBLE if has_point else Status.NO_SOLUTION
    else:
        status = Status.ERROR
    return status, h.modelStatusToString(ms), rerun


def _left(time_limit: float | None, start: float) -> float | None:
    """What is left of ``time_limit`` seconds counted from ``start`` (perf_counter)."""
    return None if time_limit is None else max(time_limit - (time.perf_counter() - start), 0.0)


class HighsBackend:
    name: ClassVar[str] = "highs"
    integer: ClassVar[bool] = True
    continuous: ClassVar[bool] = True
    duals: ClassVar[bool] = True

    def solve(self, model: Model, options: SolveOptions) -> Solution:
        import highspy

        h = new_highs(options)
        start = time.perf_counter()
        h.passModel(to_highs_lp(model))
        try:
            run_highs(h, options.time_limit)
            status, message, _ = classify(h, _left(options.time_limit, start))
        except NotFinished as exc:
            return Solution(Status.NO_SOLUTION, self.name, runtime=time.perf_counter() - start, message=str(exc))
        runtime = time.perf_counter() - start
        info = h.getInfo()
        if not status.has_solution:
            return Solution(status, self.name, runtime=runtime, message=message)

        sol = h.getSolution()
        x = np.asarray(sol.col_value, dtype=np.float64)
        objective = float(info.objective_function_value)
        duals = reduced = None
        gap = best_bound = None
        if model.is_mip:
            gap = float(info.mip_gap)
            best_bound = float(info.mip_dual_bound)
            if status is Status.OPTIMAL and gap > options.mip_gap + 1e-12:
                status = Status.FEASIBLE
        elif status is Status.OPTIMAL and info.dual_solution_status == highspy.kSolutionStatusFeasible:
            # HiGHS's row_dual is d(objective)/d(active bound) for both senses: our convention.
            duals = np.asarray(sol.row_dual, dtype=np.float64)
            reduced = np.asarray(sol.col_dual, dtype=np.float64)
        return Solution(status, self.name, objective=objective, x=x, row_duals=duals,
                        reduced_costs=reduced, runtime=runtime, mip_gap=gap,
                        best_bound=best_bound, message=message)


# -- ranging (sensitivity of the row duals) ---------------------------------------------------

@dataclass(frozen=True, eq=False)
class RowRanging:
    """HiGHS's bound ranging for every row of an LP, in the model's own units.

    For a row that is nonbasic (at a bound) in the optimal basis, ``lower``..``upper`` is the
    interval over which its active bound (both bounds, for an equality) may move while that
    basis stays optimal: the row's dual ``row_duals[i]`` is the slope of the optimal value over
    the whole interval. For a basic row (its dual is 0) the interval is the one over which the
    basis stays primal feasible: from the row's activity outwards on the side of its bound
    (``[activity, +inf)`` for an upper bound, ``(-inf, activity]`` for a lower bound, the
    point itself for an equality). ``nonbasic`` says which rows HiGHS ranged."""

    lower: npt.NDArray[np.float64]
    upper: npt.NDArray[np.float64]
    nonbasic: npt.NDArray[np.bool_]
    row_duals: npt.NDArray[np.float64]
    objective: float


def row_ranging(model: Model, options: SolveOptions | None = None) -> RowRanging:
    """Solve the LP ``model`` with the HiGHS simplex and return its row ranging
    (``Highs.getRanging``). Raises :class:`UnsupportedModelError` for a MIP (ranging needs an
    LP basis) and :class:`NoSolutionError` when the LP has no optimal basis to range."""
    import highspy

    from zoneopt.core import limits

    limits.raise_if_stopped()
    if model.is_mip:
        raise UnsupportedModelError(f"ranging needs an LP; model {model.name!r} has "
                                    f"{int(model.integer.sum())} integer variables")
    opts = replace(options if options is not None else SolveOptions(), algorithm="simplex")
    h = new_highs(opts)
    h.passModel(to_highs_lp(model))
    try:
        run_highs(h, opts.time_limit)
        status, message, _ = classify(h)
    except NotFinished as exc:
        raise NoSolutionError(f"ranging of model {model.name!r}: {exc}") from None
    if status is not Status.OPTIMAL:
        raise NoSolutionError(f"ranging of model {model.name!r}: HiGHS ended {status.value} ({message})")
    rstatus, rng = h.getRanging()
    if rstatus != highspy.HighsStatus.kOk or not rng.valid:
        raise NoSolutionError(f"ranging of model {model.name!r}: HiGHS gave no valid ranging")
    sol = h.getSolution()
    # getBasicVariables lists the basis as an array: column j as j, row i as -1 - i.
    bstatus, basic_vars = h.getBasicVariables()
    if bstatus != highspy.HighsStatus.kOk:
        raise NoSolutionError(f"ranging of model {model.name!r}: HiGHS gave no basis")
    basic_vars = np.asarray(basic_vars, dtype=np.int64)
    basic = np.zeros(model.num_rows, dtype=bool)
    basic[-1 - basic_vars[basic_vars < 0]] = True
    act = np.asarray(sol.row_value, dtype=np.float64)
    lower = np.asarray(rng.row_bound_dn.value_, dtype=np.float64).copy()
    upper = np.asarray(rng.row_bound_up.value_, dtype=np.float64).copy()
    # Basic rows: HiGHS ranges the basic value itself; what a caller needs is where the bound
    # may go with the dual staying 0, i.e. anywhere the basis stays primal feasible.
    eq = model.row_lb == model.row_ub
    on_ub = np.isfinite(model.row_ub) & (~np.isfinite(model.row_lb)
                                         | (np.abs(model.row_ub - act) <= np.abs(act - model.row_lb)))
    lower[basic] = np.where(on_ub | eq, act, -np.inf)[basic]
    upper[basic] = np.where(on_ub & ~eq, np.inf, act)[basic]
    return RowRanging(lower=lower, upper=upper, nonbasic=~basic,
                      row_duals=np.asarray(sol.row_dual, dtype=np.float64),
                      objective=float(h.getInfo().objective_function_value))
