"""Solve a family of LPs that share one constraint matrix, warm-started in one HiGHS instance.

Many analyses solve the same LP again and again with a few numbers changed: a DEA model per
unit (only the efficiency column and the right-hand side differ), a parametric sweep over one
bound, a model with columns added by column generation. Building each variant from scratch
wastes the time of the build and of the solver's start; :class:`BatchLP` keeps one
``highspy.Highs`` instance, applies the changes (coefficients, bounds, costs, new columns) and
re-solves from the previous basis.

The instance's data are mirrored in numpy, so :meth:`BatchLP.model` returns the current variant
as an ordinary core :class:`~zoneopt.core.model.Model` and :meth:`BatchLP.check` runs the
independent checker (:func:`~zoneopt.core.checker.check_solution`) on an answer. Checking every
variant that way costs a model copy each; callers that solve thousands of variants may check
their answers in bulk instead (see :mod:`zoneopt.evaluation.dea_check`), but must check them.

:func:`farkas_certificate` verifies an infeasibility claim from a dual ray in numpy, so an
"infeasible" status is never taken on the solver's word alone where a ray exists.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from zoneopt.core.backends.highs import classify, new_highs
from zoneopt.core.checker import check_solution
from zoneopt.core.model import Model
from zoneopt.core.solution import CheckReport, SolveOptions, Status
from zoneopt.errors import ModelError, UnsupportedModelError

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class BatchSolution:
    """One solve of a :class:`BatchLP` variant. Duals follow the core convention of
    :mod:`zoneopt.core.solution` (``c == A.T @ row_duals + reduced_costs`` at an LP optimum).
    ``dual_ray`` is set when the variant is infeasible and HiGHS gave a ray (see
    :func:`farkas_certificate`)."""

    status: Status
    objective: float | None
    x: FloatArray | None
    row_duals: FloatArray | None
    reduced_costs: FloatArray | None
    iterations: int
    runtime: float
    message: str = ""
    dual_ray: FloatArray | None = None


def _as_index(values: npt.ArrayLike, size: int, what: str) -> npt.NDArray[np.int32]:
    idx = np.asarray(values, dtype=np.int32).reshape(-1)
    if idx.size and (int(idx.min()) < 0 or int(idx.max()) >= size):
        raise ModelError(f"{what}: index out of range 0..{size - 1}")
    return idx


def _as_values(values: npt.ArrayLike, size: int, what: str) -> FloatArray:
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim == 0:
        return np.full(size, float(arr))
    arr = arr.reshape(-1)
    if arr.shape[0] != size:
        raise ModelError(f"{what}: expected {size} values, got shape {arr.shape}")
    return arr


class BatchLP:
    """An LP held in one HiGHS instance and re-solved, warm-started, after small changes.

    Start from a core :class:`Model` (an LP: integer variables are refused), then per variant
    call :meth:`set_coeffs`, :meth:`set_row_bounds`, :meth:`set_col_bounds`,
    :meth:`set_costs` or :meth:`add_cols`, and :meth:`solve`. Changes persist until changed
    again. Presolve is off by default (a warm start from the last basis is the point).

    Not thread-safe: use one ``BatchLP`` per thread.
    """

    def __init__(self, model: Model, options: SolveOptions | None = None, *, presolve: bool = False) -> None:
        if model.is_mip:
            raise UnsupportedModelError(
                f"BatchLP solves LPs only; model {model.name!r} has {int(model.integer.sum())} integer variables")
        import highspy

        from zoneopt.core.backends.highs import to_highs_lp

        self._options = options or SolveOptions()
        self._h: Any = new_highs(self._options)
        if not presolve:
            self._h.setOptionValue("presolve", "off")
        self._h.passModel(to_highs_lp(model))
        self._inf = float(highspy.kHighsInf)
        self.name = model.name
        self.sense = model.sense
        self.c0 = model.c0
        # numpy mirror of the current variant, for model() and check()
        self._c = model.c.copy()
        self._lb = model.lb.copy()
        self._ub = model.ub.copy()
        self._rlb = model.row_lb.copy()
        self._rub = model.row_ub.copy()
        self._A = sp.csc_matrix(model.A)
        self._extra: list[sp.csc_matrix] = []
        self._changed: dict[tuple[int, int], float] = {}
        self.solves = 0
        self.iterations = 0

    # -- sizes -------------------------------------------------------------------------------
    @property
    def num_vars(self) -> int:
        return int(self._c.shape[0])

    @property
    def num_rows(self) -> int:
        return int(self._rlb.shape[0])

    # -- changes -----------------------------------------------------------------------------
    def _hinf(self, values: FloatArray) -> FloatArray:
        # highspy's infinity is float inf today; clip in case a build uses a finite one
        return values if self._inf == np.inf else np.clip(values, -self._inf, self._inf)

    def set_coeffs(self, rows: npt.ArrayLike, cols: npt.ArrayLike, values: npt.ArrayLike) -> None:
        """Set ``A[rows[k], cols[k]] = values[k]`` (a zero removes the entry). Meant for a few
        entries per variant: each is one HiGHS call."""
        r = _as_index(rows, self.num_rows, "set_coeffs rows")
        c = _as_index(cols, self.num_vars, "set_coeffs cols")
        v = _as_values(values, r.size, "set_coeffs values")
        if c.size != r.size:
            raise ModelError(f"set_coeffs: {r.size} rows but {c.size} columns")
        if not np.isfinite(v.sum()):
            raise ModelError("set_coeffs: NaN or infinite coefficient")
        change = self._h.changeCoeff
        triples = list(zip(r.tolist(), c.tolist(), v.tolist()))
        for i, j, a in triples:
            change(i, j, a)
        self._changed.update(((i, j), a) for i, j, a in triples)

    def set_row_bounds(self, rows: npt.ArrayLike, lb: npt.ArrayLike, ub: npt.ArrayLike) -> None:
        """Set the bounds of some rows (``±inf`` for none)."""
        r = _as_index(rows, self.num_rows, "set_row_bounds rows")
        lo, hi = _as_values(lb, r.size, "row lb"), _as_values(ub, r.size, "row ub")
        self._h.changeRowsBounds(r.size, r, self._hinf(lo), self._hinf(hi))
        self._rlb[r], self._rub[r] = lo, hi

    def set_col_bounds(self, cols: npt.ArrayLike, lb: npt.ArrayLike, ub: npt.ArrayLike) -> None:
        """Set the bounds of some variables."""
        c = _as_index(cols, self.num_vars, "set_col_bounds cols")
        lo, hi = _as_values(lb, c.size, "col lb"), _as_values(ub, c.size, "col ub")
        self._h.changeColsBounds(c.size, c, self._hinf(lo), self._hinf(hi))
        self._lb[c], self._ub[c] = lo, hi

    def set_costs(self, cols: npt.ArrayLike, costs: npt.ArrayLike) -> None:
        """Set the objective coefficients of some variables."""
        c = _as_index(cols, self.num_vars, "set_costs cols")
        v = _as_values(costs, c.size, "costs")
        if not np.isfinite(v.sum()):
            raise ModelError("set_costs: NaN or infinite cost")
        self._h.changeColsCost(c.size, c, v)
        self._c[c] = v

    def add_cols(self, A: sp.spmatrix | sp.sparray | npt.ArrayLike, *, cost: npt.ArrayLike = 0.0,
                 lb: npt.ArrayLike = 0.0, ub: npt.ArrayLike = np.inf) -> IntArray:
        """Append columns (``A`` has one row per model row and one column per new variable).
        Returns the new variables' indices. The current basis is kept (new columns start
        nonbasic)."""
        cols = sp.csc_matrix(A, dtype=np.float64)
        if cols.shape[0] != self.num_rows:
            raise ModelError(f"add_cols: A has {cols.shape[0]} rows, the model {self.num_rows}")
        if not np.all(np.isfinite(cols.data)):
            raise ModelError("add_cols: NaN or infinite coefficient")
        k = cols.shape[1]
        c, lo, hi = (_as_values(cost, k, "cost"), _as_values(lb, k, "lb"), _as_values(ub, k, "ub"))
        cols.sort_indices()
        self._h.addCols(k, c, self._hinf(lo), self._hinf(hi), int(cols.nnz), cols.indptr[:-1].astype(np.int32),
                        cols.indices.astype(np.int32), cols.data)
        start = self.num_vars
        self._c = np.concatenate([self._c, c])
        self._lb = np.concatenate([self._lb, lo])
        self._ub = np.concatenate([self._ub, hi])
        self._extra.append(cols)
        return np.arange(start, start + k, dtype=np.int64)

    # -- solve -------------------------------------------------------------------------------
    def solve(self, *, duals: bool = True) -> BatchSolution:
        """Solve the current variant from the last basis. Returns the status whatever it is;
        the point and duals only with a solution. Infeasible variants carry HiGHS's dual ray
        when it has one. Each solve keeps to the run's deadline (:mod:`zoneopt.core.limits`):
        none is started once it has passed (NO_SOLUTION), nor after a stop request
        (:class:`~zoneopt.errors.Interrupted`). The variants are small, so HiGHS runs in this
        thread, without the watching :func:`~zoneopt.core.backends.highs.run_highs` does."""
        import highspy

        from zoneopt.core import limits

        limits.raise_if_stopped()
        h = self._h
        start = time.perf_counter()
        limit = limits.effective_time_limit(self._options.time_limit)
        if limit is not None and limit <= 0:
            return BatchSolution(Status.NO_SOLUTION, None, None, None, None, 0, 0.0,
                                 "not started: the time limit of the run was used up")
        h.setOptionValue("time_limit", math.inf if limit is None else max(limit, 1e-3))
        h.run()
        if h.getModelStatus() == highspy.HighsModelStatus.kOptimal:  # the common case, without classify()
            status, message = Status.OPTIMAL, "Optimal"
        else:
            try:
                status, message, _ = classify(h, limits.effective_time_limit(self._options.time_limit))
            except limits.NotFinished as exc:  # the re-run without presolve was stopped
                return BatchSolution(Status.NO_SOLUTION, None, None, None, None, 0,
                                     time.perf_counter() - start, str(exc))
        runtime = time.perf_counter() - start
        info = h.getInfo()
        its = int(info.simplex_iteration_count)
        self.solves += 1
        self.iterations += its
        if not status.has_solution:
            ray = None
            if status is Status.INFEASIBLE:
                _, has_ray, values = h.getDualRay()
                if has_ray:
                    ray = np.asarray(values, dtype=np.float64)
            return BatchSolution(status, None, None, None, None, its, runtime, message, ray)
        sol = h.getSolution()
        x = np.asarray(sol.col_value, dtype=np.float64)
        rd = rc = None
        if duals and info.dual_solution_status == highspy.kSolutionStatusFeasible:
            rd = np.asarray(sol.row_dual, dtype=np.float64)
            rc = np.asarray(sol.col_dual, dtype=np.float64)
        return BatchSolution(status, float(info.objective_function_value), x, rd, rc, its, runtime, message)

    # -- the current variant as a core model -------------------------------------------------
    def matrix(self) -> sp.csr_matrix:
        """The current constraint matrix (base, changed coefficients and added columns)."""
        A = sp.hstack([self._A, *self._extra], format="lil") if self._extra else self._A.tolil()
        for (i, j), a in self._changed.items():
            A[i, j] = a
        out = sp.csr_matrix(A)
        out.eliminate_zeros()
        return out

    def model(self) -> Model:
        """The current variant as an immutable core :class:`Model` (a copy)."""
        return Model(c=self._c.copy(), A=self.matrix(), row_lb=self._rlb.copy(), row_ub=self._rub.copy(),
                     lb=self._lb.copy(), ub=self._ub.copy(), integer=np.zeros(self.num_vars, dtype=np.bool_),
                     sense=self.sense, c0=self.c0, name=self.name)

    def check(self, solution: BatchSolution, tolerance: float | None = None) -> CheckReport:
        """The independent checker on ``solution`` against the current variant."""
        if solution.x is None:
            raise ModelError("check: the solution has no point")
        tol = self._options.tolerance if tolerance is None else tolerance
        return check_solution(self.model(), solution.x, solution.objective, tolerance=tol)

    def farkas(self, ray: FloatArray, tolerance: float = 1e-7) -> bool:
        """Whether ``ray`` proves the current variant infeasible (see :func:`farkas_certificate`)."""
        return farkas_certificate(self.matrix(), self._rlb, self._rub, self._lb, self._ub, ray, tolerance)


def _support(coef: FloatArray, lo: FloatArray, hi: FloatArray, maximise: bool) -> float:
    """max (or min) of coef @ v over lo <= v <= hi; +inf (-inf) when unbounded that way."""
    sign = 1.0 if maximise else -1.0
    # the bound each coefficient pushes towards
    pick = np.where(sign * coef > 0, hi, lo)
    active = coef != 0
    if np.any(~np.isfinite(pick[active])):
        return sign * np.inf
    return float(coef[active] @ pick[active])


def farkas_certificate(A: sp.spmatrix | sp.sparray, row_lb: FloatArray, row_ub: FloatArray, lb: FloatArray,
                       ub: FloatArray, ray: FloatArray, tolerance: float = 1e-7) -> bool:
    """Whether ``ray`` (one value per row) proves ``row_lb <= A x <= row_ub, lb <= x <= ub``
    infeasible: with ``r = A x``, ``ray @ r == (A.T @ ray) @ x``; if the largest value the right
    side can take over the variable box is below the smallest the left side can take over the
    row box (or the other way round), no ``x`` exists. Both signs of ``ray`` are tried (solvers
    differ in their convention). Entries of ``ray`` and of ``A.T @ ray`` below 1e-9 of the
    largest are taken as round-off (0), and the gap must exceed ``tolerance`` times the size
    of the terms: a certificate within tolerance, as solvers' own are. Pure numpy: no solver
    code."""
    y = np.asarray(ray, dtype=np.float64)
    if y.size == 0 or not np.all(np.isfinite(y)):
        return False
    # entries at round-off level (relative 1e-9) would make a finite side infinite: drop them,
    # then recompute A.T @ y from the cleaned ray, and drop round-off there likewise
    y = np.where(np.abs(y) <= 1e-9 * float(np.abs(y).max()), 0.0, y)
    z = sp.csr_matrix(A).T @ y
    z = np.where(np.abs(z) <= 1e-9 * max(1.0, float(np.abs(z).max(initial=0.0))), 0.0, z)
    for s in (1.0, -1.0):
        ys, zs = s * y, s * z
        x_max = _support(zs, lb, ub, maximise=True)
        r_min = _support(ys, row_lb, row_ub, maximise=False)
        if not (np.isfinite(x_max) and np.isfinite(r_min)):
            continue
        scale = max(1.0, abs(x_max), abs(r_min))
        if r_min - x_max > tolerance * scale:
            return True
    return False


__all__ = ["BatchLP", "BatchSolution", "farkas_certificate"]
