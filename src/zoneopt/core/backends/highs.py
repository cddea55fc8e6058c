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
    """The model as a ``highspy.HighsLp`` (row-wise matrix, arrays copied once). Refuses a
    quadratic objective (an LP has no room for it: :func:`pass_model` passes both)."""
    import highspy

    if model.is_quadratic:
        raise UnsupportedModelError(f"model {model.name!r} has a quadratic objective (on "
                                    f"{', '.join(model.quadratic_blocks())}); this HiGHS path takes LPs and MIPs only")

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


def to_highs_hessian(model: Model) -> Any:
    """The model's Hessian as a ``highspy.HighsHessian`` (its lower triangle, column-wise)."""
    import highspy
    import scipy.sparse as sp

    assert model.hessian is not None
    lower = sp.csc_matrix(sp.tril(model.hessian))
    lower.sort_indices()
    hess = highspy.HighsHessian()
    hess.dim_ = model.num_vars
    hess.format_ = highspy.HessianFormat.kTriangular
    hess.start_ = lower.indptr.astype(np.int32)
    hess.index_ = lower.indices.astype(np.int32)
    hess.value_ = lower.data.astype(np.float64)
    return hess


def pass_model(h: Any, model: Model) -> None:
    """Pass ``model`` to ``h``: the LP arrays, and the Hessian of a quadratic objective."""
    import highspy

    if not model.is_quadratic:
        status = h.passModel(to_highs_lp(model))
    else:
        full = highspy.HighsModel()
        full.lp_ = to_highs_lp(replace(model, hessian=None))
        full.hessian_ = to_highs_hessian(model)
        status = h.passModel(full)
    if status == highspy.HighsStatus.kError:
        raise ModelError(f"HiGHS refused model {model.name!r}")


@dataclass(frozen=True, eq=False)
class NativeSemi:
    """A model with its declared semi-continuous columns made native: the reduced ``model``
    (switch columns and their two rows dropped), which columns and rows of the original it
    keeps, the native columns (indices in the reduced model) with their lot and cap, and the
    dropped switches (original indices) with the column each switches."""

    model: Model
    columns: npt.NDArray[np.int64]
    rows: npt.NDArray[np.int64]
    native: npt.NDArray[np.int64]
    lot: npt.NDArray[np.float64]
    cap: npt.NDArray[np.float64]
    switch: npt.NDArray[np.int64]
    switched: npt.NDArray[np.int64]

    def expand(self, x: npt.NDArray[np.float64], n: int) -> npt.NDArray[np.float64]:
        """A point of the reduced model as a point of the original: each switch 1 where its
        column is at least half its lot, else 0."""
        full = np.zeros(n)
        full[self.columns] = x
        full[self.switch] = (full[self.switched] >= 0.5 * self.lot).astype(float)
        return full


def native_semicontinuous(model: Model) -> NativeSemi | None:
    """The declared semi-continuous columns of ``model`` that can be solved natively, with the
    model reduced to suit (None when there are none). A declaration is used only when the model
    states exactly that: the switch is binary, costs nothing and sits in exactly two rows, x −
    lot·y >= 0 and x − cap·y <= 0, with nothing else in them; the column's own lower bound is 0
    and lot > 0, cap finite; a column switched twice is native once. Any other declaration
    stays as binary and rows, which are the same set of points."""
    sc = model.semicontinuous
    if sc is None or not sc.size:
        return None
    col, sw, lot, cap = sc.column, sc.switch, sc.lot, sc.cap
    ok = model.integer[sw] & (model.lb[sw] == 0) & (model.ub[sw] == 1) & (model.c[sw] == 0) \
        & (model.lb[col] == 0) & (lot > 0) & np.isfinite(cap) & (cap >= lot)
    if model.hessian is not None:
        ok &= np.asarray(abs(model.hessian).sum(axis=0)).ravel()[sw] == 0
    A = model.A.tocsc()
    count = np.diff(A.indptr)[sw]
    ok &= count == 2
    rows_of = np.full((sw.size, 2), -1, dtype=np.int64)
    vals_of = np.zeros((sw.size, 2))
    two = np.flatnonzero(ok)
    starts = A.indptr[sw[two]]
    rows_of[two] = np.stack([A.indices[starts], A.indices[starts + 1]], axis=1)
    vals_of[two] = np.stack([A.data[starts], A.data[starts + 1]], axis=1)
    row_nnz = np.diff(model.A.indptr)
    # each row: two entries, coefficient 1 on the column; the lot row −lot, >= 0; the open row −cap, <= 0
    on_col = np.zeros((sw.size, 2))
    if two.size:
        on_col[two] = np.stack([np.asarray(model.A[rows_of[two, k], col[two]]).ravel() for k in (0, 1)], axis=1)
    lot_row = (np.isclose(vals_of, -lot[:, None], rtol=1e-12, atol=0) & (model.row_lb[rows_of] == 0)
               & np.isposinf(model.row_ub[rows_of]))
    open_row = (np.isclose(vals_of, -cap[:, None], rtol=1e-12, atol=0) & (model.row_ub[rows_of] == 0)
                & np.isneginf(model.row_lb[rows_of]))
    ok &= (row_nnz[rows_of] == 2).all(axis=1) & (on_col == 1).all(axis=1)
    ok &= (lot_row[:, 0] & open_row[:, 1]) | (lot_row[:, 1] & open_row[:, 0])
    ok &= _first(col, ok)
    if not ok.any():
        return None
    keep_col = np.ones(model.num_vars, dtype=bool)
    keep_col[sw[ok]] = False
    keep_row = np.ones(model.num_rows, dtype=bool)
    keep_row[rows_of[ok].ravel()] = False
    columns, rows = np.flatnonzero(keep_col), np.flatnonzero(keep_row)
    new_index = np.cumsum(keep_col) - 1
    ub = model.ub.copy()
    ub[col[ok]] = np.minimum(ub[col[ok]], cap[ok])
    reduced = Model(c=model.c[columns], A=model.A[rows][:, columns], row_lb=model.row_lb[rows],
                    row_ub=model.row_ub[rows], lb=model.lb[columns], ub=ub[columns], integer=model.integer[columns],
                    sense=model.sense, c0=model.c0, name=model.name,
                    hessian=None if model.hessian is None else model.hessian[columns][:, columns])
    return NativeSemi(reduced, columns, rows, new_index[col[ok]], lot[ok], cap[ok], sw[ok], col[ok])


def _first(values: npt.NDArray[np.int64], mask: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """``mask`` kept only at the first masked occurrence of each value."""
    out = np.zeros(mask.size, dtype=bool)
    idx = np.flatnonzero(mask)
    _, first = np.unique(values[idx], return_index=True)
    out[idx[first]] = True
    return out


def pass_native(h: Any, model: Model, native: NativeSemi) -> None:
    """Pass the reduced model of ``native`` with its semi-continuous columns marked (lower bound
    the lot; semi-integer where the column is integer)."""
    import highspy

    reduced = native.model
    lp = to_highs_lp(replace(reduced, hessian=None))
    lb = reduced.lb.copy()
    lb[native.native] = native.lot
    lp.col_lower_ = lb
    kinds = np.where(reduced.integer, int(highspy.HighsVarType.kInteger), int(highspy.HighsVarType.kContinuous))
    kinds[native.native] = np.where(reduced.integer[native.native], int(highspy.HighsVarType.kSemiInteger),
                                    int(highspy.HighsVarType.kSemiContinuous))
    lp.integrality_ = [highspy.HighsVarType(int(k)) for k in kinds.tolist()]
    if reduced.is_quadratic:
        full = highspy.HighsModel()
        full.lp_ = lp
        full.hessian_ = to_highs_hessian(reduced)
        status = h.passModel(full)
    else:
        status = h.passModel(lp)
    if status == highspy.HighsStatus.kError:
        raise ModelError(f"HiGHS refused model {model.name!r} with semi-continuous columns")


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


QP_REGULARIZATION = 1e-10
"""The regularisation HiGHS's QP solver adds (its default 1e-7 perturbs the duals it returns)."""


class HighsBackend:
    name: ClassVar[str] = "highs"
    integer: ClassVar[bool] = True
    continuous: ClassVar[bool] = True
    duals: ClassVar[bool] = True
    quadratic: ClassVar[str] = "convex"
    quadratic_integer: ClassVar[bool] = False
    semicontinuous: ClassVar[bool] = True

    def solve(self, model: Model, options: SolveOptions) -> Solution:
        import highspy

        h = new_highs(options)
        start = time.perf_counter()
        if model.is_quadratic and "qp_regularization_value" not in options.extra:
            # HiGHS's QP solver regularises by 1e-7 × x, which shows in its duals (a pool of 10
            # gave a dual of 1e-6 where 0 is exact); 1e-10 keeps them within the check.
            h.setOptionValue("qp_regularization_value", QP_REGULARIZATION)
        native = native_semicontinuous(model)
        if native is None:
            pass_model(h, model)
        else:
            pass_native(h, model, native)
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
        if native is not None:
            x = native.expand(x, model.num_vars)
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
    if model.is_quadratic:
        raise UnsupportedModelError(f"ranging needs an LP; model {model.name!r} has a quadratic objective")
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
