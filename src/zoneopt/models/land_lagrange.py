"""The land LP by Lagrangian relaxation of its few coupling rows (``models/land-lagrange.md``).

The solve form of a land LP (:mod:`zoneopt.models.land_form`: single-entry rows as bounds, a
tilt's implied bounds) has three kinds of rows: the tilt's rows, about 2n of them, and a few
*coupling* rows (the pool, group caps and floors, shares of the pool or of what is allocated).
Relaxing the coupling rows with multipliers λ leaves a problem over X = {bounds, the tilt} with a
linear objective, solved exactly by one sorted sweep (:mod:`zoneopt.models.land_sweep`); its
value L(λ) is an upper bound on the optimum for every λ of the right signs. The multipliers are
found by a bisection on the pool's alone, then by a cutting-plane method stabilised by a box
around the best λ (boxstep); the plan is the convex combination of the sweeps' points that the
cutting-plane model's LP weighs (Dantzig–Wolfe), which satisfies the coupling rows. The answer
comes with a certified gap: dual bound (the least L(λ) found, plus a rounding allowance) minus the
plan's value; the plan's point is checked on the rule rows by :func:`zoneopt.core.checker.check_solution`.

:func:`coverage` says which models the path covers, or why not (then HiGHS solves the solve form).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from zoneopt.core import limits
from zoneopt.core.checker import DEFAULT_TOLERANCE, check_solution
from zoneopt.core.model import Model, ModelBuilder
from zoneopt.core.solution import Solution, SolveOptions, Status
from zoneopt.core.solve import solve as core_solve
from zoneopt.models.land_sweep import Sweep, levels, members_at, prepare, rounding_allowance
from zoneopt.models.rules import TiltChain

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

PATH_OPTION = "land_path"
"""``SolveOptions.extra`` key choosing the land solve path: ``"auto"`` (default), ``"lagrange"``
(this path whenever the model is covered) or ``"highs"`` (never this path)."""
PATHS = ("auto", "lagrange", "highs")
LAGRANGE_FROM = 100_000
"""Columns from which ``auto`` takes this path for a covered LP."""
MAX_COUPLING = 64
"""The most coupling rows the path relaxes (the cutting-plane master has one variable each)."""
GAP_TOLERANCE = 1e-6
"""The certified relative gap the answer must reach, else HiGHS solves the model."""
MAX_ITERATIONS = 300
BISECTION_STEPS = 6
BOX = 1e6
"""Multipliers are searched within [0, BOX·max|c|] (a bound reached at the end is reported)."""


@dataclass(frozen=True, eq=False)
class Decomposed:
    """A covered land LP, in maximisation form: objective ``c`` (sign-flipped for a minimum),
    column bounds ``lb``/``ub`` (the solve form's, tightened by what the coupling rows imply),
    the coupling rows ``A`` with bounds, the tilt's sweep (or None), its level columns, and the
    free columns (every column neither a tilt member nor a level)."""

    c: FloatArray
    lb: FloatArray
    ub: FloatArray
    A: sp.csr_matrix
    row_lb: FloatArray
    row_ub: FloatArray
    coupling: IntArray
    """rows of the solve form that are coupling rows."""
    sweep: Sweep | None
    level_cols: IntArray
    free: IntArray
    sign: float
    """+1 for a maximisation, −1 for a minimisation (c = sign · model.c)."""


@dataclass(frozen=True, eq=False)
class Point:
    """One sweep: the point x of X, its levels, the coupling rows' activity, c·x."""

    lam: FloatArray
    value: float
    x: FloatArray | None
    """None once the cut is made (the point is recomputed from λ when the plan needs it)."""
    activity: FloatArray
    cx: float
    allowance: float


@dataclass
class Certificate:
    """What the path found: the dual bound and primal value (the model's own objective and
    units), the relative gap, iterations, sweeps and the time, and why it stopped."""

    dual_bound: float = np.inf
    primal: float = -np.inf
    gap: float = np.inf
    iterations: int = 0
    sweeps: int = 0
    seconds: float = 0.0
    reason: str = ""
    multipliers: FloatArray = field(default_factory=lambda: np.zeros(0))

    @property
    def certified(self) -> bool:
        return self.gap <= GAP_TOLERANCE

    def summary(self) -> str:
        return (f"Lagrangian path: primal {self.primal:.12g}, dual bound {self.dual_bound:.12g}, "
                f"relative gap {self.gap:.2e} after {self.iterations} iterations ({self.sweeps} sweeps, "
                f"{self.seconds:.2f} s)" + (f"; {self.reason}" if self.reason else ""))


def coverage(model: Model, tilts: Sequence[TiltChain], tilt_rows: npt.NDArray[np.bool_]) -> Decomposed | str:
    """``model`` (a land solve form) split for the path, or the reason it is not covered:
    integer columns, more than one tilt, a tilt over totals that are not columns, more than
    :data:`MAX_COUPLING` coupling rows (an objective or rule with a row per zone: equity,
    baseline, the tiered target, diminishing returns, fairness, a strict tilt), a coupling row
    on a tilt level, an objective on a level, a column without finite bounds after what the rows
    imply, or bounds no point meets."""
    if model.is_mip:
        return "integer columns (parcels or minimum lots): a MIP"
    if len(tilts) > 1:
        return f"{len(tilts)} tilts (the sweep takes one)"
    if tilts and tilts[0].columns is None:
        return "a tilt over totals that are not single columns"
    coupling = np.flatnonzero(~tilt_rows)
    if coupling.size > MAX_COUPLING:
        return (f"{coupling.size:,} coupling rows (more than {MAX_COUPLING}): an objective or rule with a row "
                "per zone (equity, baseline, tiered target, diminishing returns, fairness, a strict tilt)")
    sign = 1.0 if model.sense == "max" else -1.0
    c = sign * model.c
    A = sp.csr_matrix(model.A[coupling])
    level_cols = np.zeros(0, np.int64)
    member_cols = np.zeros(0, np.int64)
    if tilts:
        t = tilts[0]
        assert t.columns is not None
        level_cols = t.level.start + np.arange(t.level.size)
        member_cols = t.columns
        if np.abs(A[:, level_cols]).sum() > 0:
            return "a coupling row uses a tilt level"
        if np.any(c[level_cols] != 0):
            return "an objective on a tilt level"
    lb, ub = _implied_bounds(A, model.row_lb[coupling], model.row_ub[coupling], model.lb.copy(), model.ub.copy())
    is_free = np.ones(model.num_vars, dtype=bool)
    is_free[level_cols] = is_free[member_cols] = False
    free = np.flatnonzero(is_free)
    if not (np.all(np.isfinite(lb[free])) and np.all(np.isfinite(ub[free]))):
        return "a column without finite bounds (no row caps it)"
    if (lb > ub).any():
        return "a column whose bounds leave no value"
    sweep = None
    if tilts:
        t = tilts[0]
        prepared = prepare(member_cols, t.tier, t.weight, lb[member_cols], ub[member_cols],
                           lb[level_cols], ub[level_cols])
        if isinstance(prepared, str):
            return prepared
        sweep = prepared
    return Decomposed(c, lb, ub, A, model.row_lb[coupling], model.row_ub[coupling], coupling, sweep,
                      level_cols, free, sign)


def _implied_bounds(A: sp.csr_matrix, rlb: FloatArray, rub: FloatArray, lb: FloatArray, ub: FloatArray,
                    passes: int = 2) -> tuple[FloatArray, FloatArray]:
    """Column bounds the coupling rows imply (activity bounds: a_j·x_j ≤ ub_r − the least the
    row's other terms can be), in ``passes`` rounds (a loop over the few rows): the pool caps
    every zone, then a share-of-allocated total by its definition. Valid consequences of the
    rows, so X stays a relaxation."""
    for _ in range(passes):
        for r in range(A.shape[0]):
            cols = A.indices[A.indptr[r]:A.indptr[r + 1]]
            a = A.data[A.indptr[r]:A.indptr[r + 1]]
            for side, bound in ((1.0, rub[r]), (-1.0, rlb[r])):
                if not np.isfinite(bound):
                    continue
                sa = side * a  # sa·x ≤ side·bound
                least = np.where(sa > 0, sa * lb[cols], sa * ub[cols])
                least = np.where(np.isnan(least), 0.0, least)
                infinite = ~np.isfinite(least)
                n_inf = int(infinite.sum())
                total = float(least[~infinite].sum())
                rest = total - np.where(infinite, 0.0, least)
                ok = (n_inf - infinite) == 0
                with np.errstate(divide="ignore", invalid="ignore"):
                    val = (side * bound - rest) / sa
                up, down = ok & (sa > 0), ok & (sa < 0)
                ub[cols[up]] = np.minimum(ub[cols[up]], val[up])
                lb[cols[down]] = np.maximum(lb[cols[down]], val[down])
    return lb, ub


# -- the Lagrangian function ----------------------------------------------------------------------

def _beta(d: Decomposed, lam: FloatArray) -> float:
    """Σ_r λ_r·(the bound its sign prices): ub for λ > 0, lb for λ < 0."""
    bound = np.where(lam > 0, d.row_ub, np.where(lam < 0, d.row_lb, 0.0))
    return float(np.sum(np.where(lam != 0, lam * bound, 0.0)))


def evaluate(d: Decomposed, lam: FloatArray, keep: bool = False, c: FloatArray | None = None) -> Point:
    """L(λ) = max over X of (c − Aᵀλ)·x + β(λ), exactly (the sweep), with its maximiser (``c``:
    another objective than the model's)."""
    r = (d.c if c is None else c) - d.A.T @ lam
    x = np.where(r > 0, d.ub, d.lb)
    allowance = 0.0
    if d.sweep is not None:
        sw = d.sweep
        g = r[sw.cols] * sw.weight
        u = levels(sw, g)
        x[sw.cols] = members_at(sw, g, u)
        x[d.level_cols] = u
        allowance = rounding_allowance(sw, g)
    activity = d.A @ x
    # (a product and a sum, not a BLAS dot: on a busy machine its threads cost more than the sum)
    value = float(np.sum(r * x)) + _beta(d, lam)
    return Point(lam, value, x if keep else None, activity, float(np.sum(d.c * x)), allowance)


def _pool_row(d: Decomposed) -> int:
    """The coupling row with the most entries, all positive, with a finite upper bound (the
    pool), or -1."""
    nnz = np.diff(d.A.indptr)
    best = -1
    for r in np.argsort(-nnz, kind="stable"):
        a = d.A.data[d.A.indptr[r]:d.A.indptr[r + 1]]
        if np.isfinite(d.row_ub[r]) and a.size and (a > 0).all():
            best = int(r)
            break
    return best


def _bisect_pool(d: Decomposed, points: list[Point], scale: float) -> FloatArray:
    """λ with the pool's multiplier alone, by bisection on the sign of its subgradient."""
    m = d.A.shape[0]
    lam = np.zeros(m)
    points.append(evaluate(d, lam))
    k = _pool_row(d)
    if k < 0 or points[-1].activity[k] <= d.row_ub[k]:
        return lam
    lo, hi = 0.0, scale
    for _ in range(BISECTION_STEPS):
        mid = 0.5 * (lo + hi)
        lam = np.zeros(m)
        lam[k] = mid
        p = evaluate(d, lam)
        points.append(p)
        if p.activity[k] > d.row_ub[k]:
            lo = mid
        else:
            hi = mid
    lam = np.zeros(m)
    lam[k] = hi
    return lam


def _master(d: Decomposed, points: Sequence[Point], lo: FloatArray, hi: FloatArray
            ) -> tuple[FloatArray, float, FloatArray, bool] | None:
    """The cutting-plane model min η s.t. η ≥ c·x_j + Σ_r (ub_r − s_rj)·λ⁺_r + (s_rj − lb_r)·λ⁻_r for
    every sweep j, λ = λ⁺ − λ⁻ within [lo, hi]: (λ, η, the cuts' weights α, whether a box bound
    holds at λ), or None when the LP fails."""
    m = d.A.shape[0]
    has_up, has_down = np.isfinite(d.row_ub), np.isfinite(d.row_lb)
    b = ModelBuilder("lagrange:master", "min")
    eta = b.add_vars("eta", 1, lb=-np.inf, ub=np.inf, obj=1.0)
    plus = b.add_vars("plus", m, lb=np.where(has_up, np.maximum(lo, 0.0), 0.0),
                      ub=np.where(has_up, np.maximum(hi, 0.0), 0.0))
    minus = b.add_vars("minus", m, lb=np.where(has_down, np.maximum(-hi, 0.0), 0.0),
                       ub=np.where(has_down, np.maximum(-lo, 0.0), 0.0))
    S = np.array([p.activity for p in points])
    up = np.where(has_up, np.nan_to_num(d.row_ub, posinf=0.0) - S, 0.0)
    down = np.where(has_down, S - np.nan_to_num(d.row_lb, neginf=0.0), 0.0)
    J = len(points)
    A = np.hstack([np.ones((J, 1)), -up, -down])
    b.add_rows("cuts", A, lb=np.array([p.cx for p in points]))
    sol = core_solve(b.build(), "highs")
    if not sol.status.has_solution or sol.x is None or sol.row_duals is None:
        return None
    lam = sol.x[plus.slice] - sol.x[minus.slice]
    tol = 1e-9 * np.maximum(1.0, np.abs(hi))
    # a box bound holds: one that is not a sign restriction (0) of the multiplier
    at_box = bool((((np.abs(lam - hi) <= tol) & (hi != 0)) | ((np.abs(lam - lo) <= tol) & (lo != 0))).any())
    return lam, float(sol.x[eta.start]), np.maximum(sol.row_duals, 0.0), at_box


def solve_lagrange(model: Model, d: Decomposed, reference: Model, options: SolveOptions | None = None
                   ) -> tuple[Solution | None, Certificate]:
    """Solve the covered LP ``d`` (of the solve form ``model``): a checked solution of
    ``reference`` (the rule rows) with its certificate, or None with the certificate saying why
    not (gap above :data:`GAP_TOLERANCE`, a failed check, the time limit)."""
    start = time.perf_counter()
    options = options if options is not None else SolveOptions()
    limit = limits.effective_time_limit(options.time_limit)
    cert = Certificate()
    cmax = float(np.abs(d.c).max(initial=0.0)) or 1.0
    scale = cmax * 2.0
    points: list[Point] = []
    lowest = -evaluate(d, np.zeros(d.A.shape[0]), c=-d.c).value  # min of c·x over X
    _bisect_pool(d, points, scale)
    best = min(points, key=lambda p: p.value + p.allowance)
    center = best.lam
    big = BOX * cmax
    glo = np.where(np.isfinite(d.row_lb), -big, 0.0)
    ghi = np.where(np.isfinite(d.row_ub), big, 0.0)
    delta = max(float(np.abs(center).max(initial=0.0)), 0.1 * cmax)
    it = 0
    primal: tuple[FloatArray, float] | None = None
    while True:
        it += 1
        limits.raise_if_stopped()
        bound = best.value + best.allowance
        if bound < lowest - 1e-9 * max(1.0, abs(lowest)):
            cert.reason = ("the dual bound is below every point of X: the coupling rows cannot all hold "
                           "(infeasible)")
            break
        glob = _master(d, points, glo, ghi)
        if glob is not None:
            _, eta_g, alpha, at_box = glob
            if not at_box and bound - eta_g <= 0.25 * GAP_TOLERANCE * max(1.0, abs(bound)):
                primal = _combine(d, points, alpha)
                break
        if it > MAX_ITERATIONS or (limit is not None and time.perf_counter() - start > limit):
            cert.reason = "iteration or time limit before the gap closed"
            if glob is not None and not glob[3]:
                primal = _combine(d, points, glob[2])
            break
        local = _master(d, points, np.maximum(center - delta, glo), np.minimum(center + delta, ghi))
        if local is None:
            cert.reason = "the cutting-plane LP failed"
            break
        lam, eta, _, at_box = local
        p = evaluate(d, lam)
        points.append(p)
        if p.value + p.allowance < bound - 0.1 * (bound - eta):  # a serious step: the box moves
            center, best = lam, p
            if at_box:
                delta *= 2.0
        else:  # a null step: the cut stays, the box around the best point shrinks
            if p.value + p.allowance < bound:
                center, best = lam, p
            delta = max(delta * 0.5, 1e-12 * cmax)
    cert.iterations, cert.sweeps = it, len(points)
    cert.multipliers = best.lam
    cert.dual_bound = d.sign * (best.value + best.allowance) + reference.c0
    solution = None
    if primal is not None:
        x, _ = primal
        report = check_solution(reference, x, tolerance=max(options.tolerance, DEFAULT_TOLERANCE))
        value = reference.objective_value(x)
        cert.primal = value
        cert.gap = d.sign * (cert.dual_bound - value) / max(1.0, abs(value))
        if not report.passed:
            cert.reason = f"the combined point fails the check ({report.worst})"
        elif cert.certified:
            solution = Solution(Status.OPTIMAL, "highs", value, x, check=report)
        elif not cert.reason:
            cert.reason = f"gap {cert.gap:.2e} above {GAP_TOLERANCE:g}"
    cert.seconds = time.perf_counter() - start
    if solution is not None:
        solution = Solution(solution.status, solution.backend, solution.objective, solution.x,
                            runtime=cert.seconds, best_bound=cert.dual_bound, message=cert.summary(),
                            check=solution.check)
    return solution, cert


def _combine(d: Decomposed, points: Sequence[Point], alpha: FloatArray) -> tuple[FloatArray, float]:
    """Σ_j α_j x_j over the sweeps with a positive weight (α normalised to sum 1)."""
    w = np.where(alpha > 1e-14, alpha, 0.0)
    w = w / w.sum() if w.sum() > 0 else w
    x = np.zeros(d.c.size)
    for j in np.flatnonzero(w):  # a loop over the few weighted sweeps
        x += w[j] * evaluate(d, points[int(j)].lam, keep=True).x  # the same sweep, recomputed
    x = np.clip(x, d.lb, d.ub)
    return x, float(np.sum(d.c * x))

