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
    from zoneopt.core.backends.highs import classify, new_highs, to_highs_lp
    from zoneopt.core.solve import solve

    if model.is_mip:
        raise UnsupportedModelError(f"row generation is for LPs; model {model.name!r} has integer variables")
    options = options if options is not None else SolveOptions()
    start = time.perf_counter()
    held = np.asarray(held, dtype=bool)
    order = list(np.flatnonzero(~held))  # model rows in HiGHS's row order
    waiting = np.flatnonzero(held)
    first = replace(model, A=model.A[order], row_lb=model.row_lb[order], row_ub=model.row_ub[order],
                    row_blocks=(), row_names=None)
    h = new_highs(options)
    h.passModel(to_highs_lp(first))
    rounds = 0
    while True:
        if options.time_limit is not None:
            h.setOptionValue("time_limit", max(0.0, options.time_limit - (time.perf_counter() - start)))
        h.run()
        rounds += 1
        status, message, _ = classify(h)
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
        act = model.A[waiting] @ x
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
        order += rows.tolist()
    sol = h.getSolution()
    info = h.getInfo()
    import highspy

    duals = reduced = None
    if info.dual_solution_status == highspy.kSolutionStatusFeasible:
        duals = np.zeros(model.num_rows)
        duals[np.asarray(order, dtype=np.int64)] = np.asarray(sol.row_dual, dtype=np.float64)
        reduced = np.asarray(sol.col_dual, dtype=np.float64)
    objective = float(info.objective_function_value)
    report = check_solution(model, x, objective, tolerance=max(options.tolerance, DEFAULT_TOLERANCE))
    if not report.passed:
        raise SolutionCheckError(f"row generation on {model.name!r} ended at a point that fails the independent "
                                 f"check ({report.worst}; row {report.max_row_violation:.3g})")
    added = len(order) - int((~held).sum())
    return Solution(Status.OPTIMAL, "highs", objective=objective, x=x, row_duals=duals, reduced_costs=reduced,
                    runtime=time.perf_counter() - start,
                    message=f"optimal after {rounds} rounds of row generation ({added:,} of {int(held.sum()):,} "
                            "held rows added)", check=report)
