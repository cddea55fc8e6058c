"""Solving an LP with some of its rows held back until a solution violates them (row generation),
on HiGHS, which adds rows to a solved model and re-solves from its last basis.

Exact: each round solves a relaxation of the model (a subset of its rows); the point of the last
round satisfies every row, so it is feasible for the whole model and optimal for a relaxation,
hence optimal for the model. Its duals are those of the rows it holds, 0 for the rows never
added (those are satisfied, so c = Aᵀy + d still holds on the whole model). The answer is checked
against the whole model like every other (:func:`zoneopt.core.checker.check_solution`).

Worth it when many rows are implied at the optimum, as the land model's tilt rows are once its
bounds are stated (``models/land-quota.md``, "Solving at scale").
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
import numpy.typing as npt

from zoneopt.core.checker import DEFAULT_TOLERANCE, check_solution
from zoneopt.core.model import Model
from zoneopt.core.solution import Solution, SolveOptions, Status
from zoneopt.errors import SolutionCheckError, UnsupportedModelError

VIOLATED = 1e-9
"""A held-back row is added when the point misses it by more than this (relative to its bound)."""


def solve_lazy(model: Model, held: npt.NDArray[np.bool_], options: SolveOptions | None = None) -> Solution:
    """Solve the LP ``model`` on HiGHS holding back the rows ``held`` until a round's point
    violates them; return the checked solution of the whole model (rounds and rows added in
    its message). An infeasible relaxation means an infeasible model; an unbounded one, or a
    round that ends otherwise than optimal, is solved whole instead."""
    from zoneopt.core import limits
    from zoneopt.core.backends.highs import _left, classify, new_highs, run_highs, to_highs_lp
    from zoneopt.core.certify import certify, needs_second_solve, second_backend
    from zoneopt.core.solve import solve

    if model.is_mip:
        raise UnsupportedModelError(f"row generation is for LPs; model {model.name!r} has integer variables")
    options = options if options is not None else SolveOptions()
    limits.raise_if_stopped()
    left = limits.time_left()
    if left is not None:  # within a run's deadline, as zoneopt.core.solve does
        if left <= 0:
            return Solution(Status.NO_SOLUTION, "highs", message="not started: the time limit of the run was used up")
        options = replace(options, time_limit=left if options.time_limit is None else min(options.time_limit, left))
    start = time.perf_counter()
    held = np.asarray(held, dtype=bool)
    order = np.flatnonzero(~held)  # model rows in HiGHS's row order (an array: a million rows, no list)
    waiting = np.flatnonzero(held)
    first = replace(model, A=model.A[order], row_lb=model.row_lb[order], row_ub=model.row_ub[order],
                    row_blocks=(), row_names=None)
    h = new_highs(options)
    h.passModel(to_highs_lp(first))
    rounds = 0
    while True:
        try:
            with limits.solving():
                run_highs(h, _left(options.time_limit, start))
            status, message, _ = classify(h, _left(options.time_limit, start))
        except limits.NotFinished as exc:
            return Solution(Status.NO_SOLUTION, "highs", runtime=time.perf_counter() - start, message=str(exc))
        rounds += 1
        if status is Status.INFEASIBLE:
            return Solution(status, "highs", runtime=time.perf_counter() - start,
                            message=f"{message} (a relaxation, round {rounds})")
        if status is not Status.OPTIMAL:
            if status is Status.UNBOUNDED:  # the held rows may bound it: solve it whole
                return solve(model, "highs", options=options)
            return Solution(Status.NO_SOLUTION if status is Status.FEASIBLE else status, "highs",
                            runtime=time.perf_counter() - start,
                            message=f"{message} in round {rounds} of row generation")
        x = np.asarray(h.getSolution().col_value, dtype=np.float64)
        act = (model.A @ x)[waiting]  # not model.A[waiting] @ x: that copies the held rows every round
        lo, hi = model.row_lb[waiting], model.row_ub[waiting]
        with np.errstate(invalid="ignore"):
            miss = np.maximum(np.where(np.isfinite(lo), lo - act, 0.0), np.where(np.isfinite(hi), act - hi, 0.0))
        scale = np.maximum(1.0, np.abs(np.where(np.isfinite(hi), hi, np.where(np.isfinite(lo), lo, 0.0))))
        add = miss > VIOLATED * scale
        if not add.any():
            break
        rows = waiting[add]
        waiting = waiting[~add]
        R = model.A[rows]
        h.addRows(rows.size, model.row_lb[rows], model.row_ub[rows], R.nnz, R.indptr[:-1].astype(np.int32),
                  R.indices.astype(np.int32), R.data)
        order = np.concatenate([order, rows])
    sol = h.getSolution()
    info = h.getInfo()
    import highspy

    duals = reduced = None
    if info.dual_solution_status == highspy.kSolutionStatusFeasible:
        duals = np.zeros(model.num_rows)
        duals[order] = np.asarray(sol.row_dual, dtype=np.float64)
        reduced = np.asarray(sol.col_dual, dtype=np.float64)
    objective = float(info.objective_function_value)
    report = check_solution(model, x, objective, tolerance=max(options.tolerance, DEFAULT_TOLERANCE),
                            row_duals=duals)
    if not report.passed:
        raise SolutionCheckError(f"row generation on {model.name!r} ended at a point that fails the independent "
                                 f"check ({report.worst}; row {report.max_row_violation:.3g})")
    added = len(order) - int((~held).sum())
    solution = Solution(Status.OPTIMAL, "highs", objective=objective, x=x, row_duals=duals, reduced_costs=reduced,
                        runtime=time.perf_counter() - start, check=report,
                        message=f"optimal after {rounds} rounds of row generation ({added:,} of "
                                f"{int(held.sum()):,} held rows added)")
    certifier = second_backend("highs", model, options)  # a second backend confirms it, as for any solve
    if certifier is not None and needs_second_solve(model, solution):
        solution = replace(certify(model, solution, certifier, options, solve), certified_by=certifier)
    return solution
