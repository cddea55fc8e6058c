"""The land model's solve form: the same LP/MIP as the rule rows of
:func:`~zoneopt.models.land_quota.build_land_model` (the *reference* form every analysis reads),
stated so the solver sees its structure, and the map of a solution back onto the rule rows.

Three exact steps, each a consequence of the reference rows (so the feasible set, and with it
the optimum, is the reference's):

1. A row with one entry (request caps, exclusions, per-zone floors and caps, locks, a group
   of one zone) is a bound on its column: the tightest per side is kept, with the row it came
   from.
2. A tilt with per-zone caps implies a running minimum: for zone j in tier t (tier 0 the
   highest score), x_j/w_j ≤ u_{t−1} ≤ … ≤ x_i/w_i ≤ cap_i/w_i for every zone i of a higher
   tier, so x_j ≤ w_j · min over tiers < t of min_i cap_i/w_i, and the level u_k ≤ the same
   minimum over tiers ≤ k. Floors imply the mirror image (a running maximum from the lowest
   tier up). Zones of equal score share a tier and bound nothing among themselves; zones a
   tilt leaves out (excluded ones, by default) are not in its tiers.
3. Rows that no point within the bounds can violate are dropped.

The reference model never states step 2, so the dual simplex discovers it one pivot at a time
(benchmarks/land_quota.py and ``models/land-quota.md``, "Solving at scale").

Every bound of the solve form comes from rows of the reference model with known multipliers,
so a solution maps back exactly: the primal point is the same vector, and the reduced cost of a
column at a bound that came from rows is handed to those rows (:meth:`SolveForm.lift`). The
lifted duals satisfy c = Aᵀy + d on the reference model with every row that gets a price
binding, so bindings and shadow prices are still reported per rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from zoneopt.core.checker import DEFAULT_TOLERANCE, check_solution
from zoneopt.core.memory import LARGE, release_freed_memory
from zoneopt.core.model import Model, RowBlock, flush_tiny
from zoneopt.core.rowgen import solve_lazy
from zoneopt.core.solution import Solution, SolveOptions
from zoneopt.core.solve import solve as core_solve
from zoneopt.errors import ModelError, SolutionCheckError
from zoneopt.models.land_lagrange import LAGRANGE_FROM, PATH_OPTION, PATHS, coverage, solve_lagrange
from zoneopt.models.rules import TiltChain

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

PRESOLVE_OFF_FROM = 10_000
"""Columns from which the LP is solved without HiGHS's presolve (see :func:`choose_strategy`)."""
TIGHTER = 1e-12
"""A tilt-implied bound replaces a row's bound only when tighter by more than this (relative):
equal bounds keep the row as their source."""
INTEGRAL = 1e-9
"""An integer column's bound within this (relative) of a whole number is that number."""


@dataclass(frozen=True)
class Strategy:
    """How the solve form is solved, and why (recorded with the form, reported by
    ``models/land-quota.md``). ``lazy_tilt``: on HiGHS, the tilt rows are held back until a
    solution violates them (:func:`zoneopt.core.rowgen.solve_lazy`)."""

    algorithm: str
    presolve: bool
    reason: str
    lazy_tilt: bool = False

    def options(self, backend: str, options: SolveOptions) -> SolveOptions:
        """``options`` with this strategy applied where the caller left the choice open: the
        HiGHS presolve switch, only for the HiGHS backend and only when ``options.extra``
        does not set it."""
        if backend != "highs" or self.presolve or "presolve" in options.extra:
            return options
        return replace(options, extra={**options.extra, "presolve": "off"})


def choose_strategy(model: Model, tilts: int) -> Strategy:
    """The algorithm for a solve form of this shape, with the reason.

    Dual simplex in every case: the model has few coupling rows and, with the tilt, columns of
    levels dense in ~2n/K entries that stall the interior point method's normal equations. The
    LP presolve is turned off from :data:`PRESOLVE_OFF_FROM` columns: once rows are bounds the
    model is wide with few rows of its own, which HiGHS's presolve reduces slowly and barely —
    in 1.14 and, measured again, in 1.15 (100k zones without a tilt, 100,000 × 19: 38.0 s CPU
    with it against 4.3 s without on 1.14, 32.3 s against 3.7 s on 1.15, 6 iterations either
    way; with the tilt, its rows generated as needed: 21.2 s against 9.6 s on 1.14, 21.4 s
    against 9.0 s on 1.15; at 10k zones the two are level; benchmarks/highs_versions.py,
    models/land-quota.md); a MIP keeps it (branch and bound needs it)."""
    if model.is_mip:
        return Strategy("simplex", True, "a MIP (parcels): branch and bound with HiGHS's MIP presolve")
    shape = f"{model.num_vars:,} columns, {model.num_rows:,} rows" + (f", {tilts} tilt(s)" if tilts else "")
    if model.num_vars >= PRESOLVE_OFF_FROM:
        return Strategy("simplex", False, f"{shape}: dual simplex without presolve (wide, few-row shape: "
                        "HiGHS's presolve costs more than it removes; interior point stalls on dense level columns)"
                        + ("; on HiGHS the tilt rows wait until a solution violates them (about half are ever "
                           "needed)" if tilts else ""), lazy_tilt=bool(tilts))
    return Strategy("simplex", True, f"{shape}: dual simplex with presolve (small: either is fast)")


@dataclass(frozen=True, eq=False)
class _Side:
    """Where one side (upper or lower) of each column's bound came from: a row (its index and
    coefficient on the column), a tilt (its index in the form's tilts), or neither (-1 both:
    the column's own bound)."""

    row: IntArray
    coef: FloatArray
    tilt: IntArray


@dataclass(frozen=True, eq=False)
class _Chain:
    """A tilt's running bounds, for lifting duals: per level k (boundary between tier k and
    k+1), whether its bound is set by its own tier (``own``) or passed on from the next level
    towards the source (``via``: a member of the tier the step crosses), and the member whose
    bound is the source (``source``, for own levels)."""

    tilt: TiltChain
    ub_own: BoolArray
    ub_source: IntArray
    lb_own: BoolArray
    lb_source: IntArray
    via: IntArray
    """per tier, a member of it (tiers 1..K−2 have both rows), -1 where unused."""


@dataclass(frozen=True, eq=False)
class SolveForm:
    """The solve form of a reference model: ``model`` (rows kept, bounds tightened), which
    reference rows it keeps, where each bound came from, and the strategy to solve it."""

    reference: Model
    model: Model
    kept: IntArray
    """reference row of each row of ``model``."""
    upper: _Side
    lower: _Side
    base_upper: _Side
    """the bounds' sources before the tilts: single-entry rows or the column's own bound."""
    base_lower: _Side
    chains: tuple[_Chain, ...]
    strategy: Strategy

    @property
    def rows_as_bounds(self) -> int:
        """Reference rows that became column bounds or were dropped as redundant."""
        return self.reference.num_rows - self.kept.size

    def lift(self, solution: Solution) -> Solution:
        """``solution`` of :attr:`model` as a solution of :attr:`reference`: the same point
        and objective; each row kept gets its dual, and the price of a column bound that came
        from rows goes to those rows (through the tilt's chain for an implied bound), so
        c = Aᵀy + d holds on the reference with the reference's own column bounds priced in
        d. A solution without duals (a MIP) keeps none."""
        if solution.row_duals is None or solution.reduced_costs is None:
            return solution
        ref = self.reference
        y = np.zeros(ref.num_rows)
        y[self.kept] = solution.row_duals
        d = np.asarray(solution.reduced_costs, dtype=float)
        at_upper = (d > 0) if ref.sense == "max" else (d < 0)
        d_ref = np.zeros(ref.num_vars)
        for side, on in ((self.upper, at_upper), (self.lower, ~at_upper & (d != 0))):
            dd = np.where(on, d, 0.0)
            from_row = on & (side.row >= 0)
            np.add.at(y, side.row[from_row], dd[from_row] / side.coef[from_row])
            own = on & (side.row < 0) & (side.tilt < 0)
            d_ref[own] += d[own]
            for c, chain in enumerate(self.chains):
                mine = on & (side.tilt == c)
                if mine.any():
                    _lift_chain(chain, side is self.upper, np.where(mine, d, 0.0), y, d_ref,
                                self.base_upper if side is self.upper else self.base_lower)
        return replace(solution, row_duals=y, reduced_costs=d_ref)


def solve_form(model: Model, tilts: Sequence[TiltChain] = ()) -> SolveForm:
    """The solve form of ``model`` (a land model built with the rule rows; ``tilts`` as
    :func:`~zoneopt.models.rules.add_zone_rules` recorded them). See the module docstring."""
    A = model.A
    n = model.num_vars
    single = np.flatnonzero(np.diff(A.indptr) == 1)
    col = A.indices[A.indptr[single]].astype(np.int64)
    a = A.data[A.indptr[single]]
    with np.errstate(divide="ignore", invalid="ignore"):
        hi = np.where(a > 0, model.row_ub[single], model.row_lb[single]) / a
        lo = np.where(a > 0, model.row_lb[single], model.row_ub[single]) / a
    upper = _Side(np.full(n, -1, np.int64), np.ones(n), np.full(n, -1, np.int64))
    lower = _Side(np.full(n, -1, np.int64), np.ones(n), np.full(n, -1, np.int64))
    ub = model.ub.copy()
    lb = model.lb.copy()
    _tightest(ub, upper, single, col, a, hi, np.less)
    _tightest(lb, lower, single, col, a, lo, np.greater)
    base_ub, base_lb = ub.copy(), lb.copy()
    base_upper, base_lower = _copy(upper), _copy(lower)
    chains = []
    usable = [t for t in tilts if t.columns is not None and t.level.size > 0]
    for c, tilt in enumerate(usable):
        chains.append(_implied(tilt, c, base_ub, base_lb, ub, lb, upper, lower))
    # Bounds derived here may be tiny (a tiny cap passed down a tilt): 0 to every solver, and
    # written as 0 as the model builder writes its own (zoneopt.core.model.flush_tiny).
    lb, ub = flush_tiny(lb), flush_tiny(ub)
    if model.is_mip:  # whole numbers between fractional bounds (HiGHS 1.14 finds [0, 0.04] infeasible)
        z = model.integer
        ub[z] = np.floor(ub[z] + INTEGRAL * np.maximum(1.0, np.abs(ub[z])))
        lb[z] = np.ceil(lb[z] - INTEGRAL * np.maximum(1.0, np.abs(lb[z])))
    keep = np.ones(model.num_rows, dtype=bool)
    keep[single] = False
    keep &= ~_redundant(A, model.row_lb, model.row_ub, lb, ub)
    kept = np.flatnonzero(keep)
    form = replace(model, A=A[kept], row_lb=model.row_lb[kept], row_ub=model.row_ub[kept], lb=lb, ub=ub,
                   row_blocks=_kept_blocks(model.row_blocks, keep), row_names=None,
                   name=model.name + ":solve-form")
    return SolveForm(model, form, kept, upper, lower, base_upper, base_lower, tuple(chains),
                     choose_strategy(form, len(chains)))


def land_path(options: SolveOptions) -> tuple[str, SolveOptions]:
    """The land solve path ``options`` asks for (``extra["land_path"]``: ``auto``, ``lagrange`` or
    ``highs``; default ``auto``) and the options without that key (it is not a HiGHS option)."""
    path = str(options.extra.get(PATH_OPTION, "auto"))
    if path not in PATHS:
        raise ModelError(f"unknown land path {path!r} in SolveOptions.extra[{PATH_OPTION!r}] "
                         f"(choose one of: {', '.join(PATHS)})")
    if PATH_OPTION not in options.extra:
        return path, options
    return path, replace(options, extra={k: v for k, v in options.extra.items() if k != PATH_OPTION})


def _try_lagrange(model: Model, form: SolveForm, tilts: Sequence[TiltChain], path: str,
                  options: SolveOptions) -> tuple[Solution | None, SolveForm]:
    """The Lagrangian path (:mod:`zoneopt.models.land_lagrange`) where ``path`` asks for it
    (``lagrange``) or allows it (``auto``, an LP of :data:`LAGRANGE_FROM` columns or more): its
    certified solution of ``model``, or None and the form with the reason HiGHS solves it."""
    if path == "highs" or (path == "auto" and (form.model.is_mip or form.model.num_vars < LAGRANGE_FROM)):
        return None, form
    held = np.zeros(model.num_rows, dtype=bool)
    for t in tilts:
        held[t.above[t.above >= 0]] = True
        held[t.below[t.below >= 0]] = True
    d = coverage(form.model, tilts, held[form.kept])
    if isinstance(d, str):
        why = f"Lagrangian path not taken: the model has {d}"
    else:
        solution, cert = solve_lagrange(form.model, d, model, options)
        if solution is not None:
            strategy = Strategy("lagrange", False, f"{form.model.num_vars:,} columns, {d.A.shape[0]} coupling "
                                f"row(s): Lagrangian relaxation of the coupling rows, the tilt by a sorted sweep "
                                f"({cert.summary()})")
            return solution, replace(form, strategy=strategy)
        why = f"Lagrangian path not certified, HiGHS solves it ({cert.summary()})"
    s = form.strategy
    return None, replace(form, strategy=replace(s, reason=f"{why}; {s.reason}"))


def solve_in_form(model: Model, tilts: Sequence[TiltChain], backend: str, options: SolveOptions,
                  lazy_tilt: bool | None = None) -> tuple[Solution, SolveForm | None]:
    """Solve ``model`` (a land model in its reference form) with ``backend``: on HiGHS through
    its solve form (large, with the tilt rows generated as needed: :class:`Strategy`), the
    solution lifted onto ``model`` — its point checked against ``model`` itself, so a plan is
    feasible for the rule rows — and returned with the form; other backends solve ``model`` as
    it is (form None): GLOP, whose tolerances are about 1e-7, called a solve form unbounded whose
    tilt passed a cap of 6e-8 mu down the ranking. ``lazy_tilt`` overrides the strategy's choice
    of generating the tilt rows (LPs only).

    On HiGHS an LP may instead be solved by Lagrangian relaxation of its coupling rows
    (:mod:`zoneopt.models.land_lagrange`, ``models/land-lagrange.md``): chosen for an LP of
    :data:`~zoneopt.models.land_lagrange.LAGRANGE_FROM` columns or more of a covered shape, or
    asked for with ``SolveOptions(extra={"land_path": "lagrange"})`` (``"highs"`` never takes it).
    Its answer has a certified gap of at most 1e-6 (else HiGHS solves the form) and no duals (a
    plan without shadow prices); ``form.strategy`` records the path and why. Raises
    :class:`~zoneopt.errors.SolutionCheckError` when the point fails that check, and
    :class:`~zoneopt.errors.ModelError` for an unknown ``land_path``."""
    path, options = land_path(options)
    if backend != "highs":
        return core_solve(model, backend, options=options), None
    form = solve_form(model, tilts)
    if model.num_vars >= LARGE:  # the form's temporaries back to the system before the solver's own memory
        release_freed_memory()
    solution, form = _try_lagrange(model, form, tilts, path, options)
    if solution is not None:
        return solution, form
    opts = form.strategy.options(backend, options)
    lazy = form.strategy.lazy_tilt if lazy_tilt is None else lazy_tilt
    if lazy and not form.model.is_mip and not form.model.is_quadratic and form.chains:  # row generation: LPs
        held = np.zeros(model.num_rows, dtype=bool)
        for chain in form.chains:
            t = chain.tilt
            held[t.above[t.above >= 0]] = True
            held[t.below[t.below >= 0]] = True
        solution = solve_lazy(form.model, held[form.kept], opts)
    else:
        solution = core_solve(form.model, backend, options=opts)
    if not solution.status.has_solution:
        return solution, form
    assert solution.x is not None
    report = check_solution(model, solution.x, solution.objective,
                            tolerance=max(options.tolerance, DEFAULT_TOLERANCE))
    if not report.passed:
        raise SolutionCheckError(
            f"backend {backend!r} solved the solve form of {model.name!r} to a point that fails the "
            f"check on its rule rows ({report.worst}; row {report.max_row_violation:.3g}, bound "
            f"{report.max_bound_violation:.3g}); solver said {solution.status.value}: {solution.message}")
    return form.lift(solution).with_check(report), form


def _copy(side: _Side) -> _Side:
    return _Side(side.row.copy(), side.coef.copy(), side.tilt.copy())


def _tightest(bound: FloatArray, side: _Side, rows: IntArray, col: IntArray, coef: FloatArray,
              value: FloatArray, better: np.ufunc) -> None:
    """Tighten ``bound`` with the single-entry ``rows`` (their bound ``value`` on column
    ``col``), recording in ``side`` the row that gives each column its tightest bound (the
    first such row on a tie)."""
    if not rows.size:
        return
    key = value if better is np.less else -value
    order = np.lexsort((key, col))  # per column, tightest first; stable, so the first row on ties
    first = order[np.r_[True, col[order][1:] != col[order][:-1]]]
    j, v = col[first], value[first]
    take = better(v, bound[j])
    j, first = j[take], first[take]
    bound[j] = value[first]
    side.row[j] = rows[first]
    side.coef[j] = coef[first]


def _implied(tilt: TiltChain, c: int, base_ub: FloatArray, base_lb: FloatArray, ub: FloatArray, lb: FloatArray,
             upper: _Side, lower: _Side) -> _Chain:
    """The running bounds tilt ``c`` implies from the row bounds ``base_ub``/``base_lb``:
    tightens ``ub``/``lb`` of its members and levels, records the tilt as their source, and
    returns what lifting needs."""
    assert tilt.columns is not None
    cols, w, tier = tilt.columns, tilt.weight, tilt.tier
    K = tilt.level.size + 1
    levels = tilt.level.start + np.arange(K - 1)
    via = np.full(K, -1, np.int64)
    via[tier[::-1]] = np.arange(tier.size)[::-1]  # the first member of each tier

    # Upper: U_k = min over tiers <= k of min cap/w; x_j <= w_j U_{t_j - 1}; u_k <= U_k.
    best, arg = _per_tier(base_ub[cols] / w, tier, K, np.less)
    run = np.minimum.accumulate(best)
    ub_own = np.r_[True, best[1:] < run[:-1]]
    ub_source = arg[np.maximum.accumulate(np.where(ub_own, np.arange(K), 0))]
    _apply(ub, upper, c, levels, run[:-1], np.less)
    has = tier > 0
    _apply(ub, upper, c, cols[has], w[has] * run[tier[has] - 1], np.less)

    # Lower: L_k = max over tiers >= k+1 of max floor/w; x_j >= w_j L_{t_j}; u_k >= L_k.
    best, arg = _per_tier(base_lb[cols] / w, tier, K, np.greater)
    run_rev = np.maximum.accumulate(best[::-1])[::-1]  # max over tiers >= t
    lb_own_t = np.r_[best[:-1] > run_rev[1:], True]  # tier t sets the max for tiers >= t
    lb_source_t = arg[(K - 1) - np.maximum.accumulate(np.where(lb_own_t[::-1], np.arange(K), 0))[::-1]]
    # level k is bounded by tiers >= k+1
    _apply(lb, lower, c, levels, run_rev[1:], np.greater)
    has = tier < K - 1
    _apply(lb, lower, c, cols[has], w[has] * run_rev[tier[has] + 1], np.greater)
    return _Chain(tilt, ub_own[:-1], ub_source[:-1], lb_own_t[1:], lb_source_t[1:], via)


def _per_tier(ratio: FloatArray, tier: IntArray, K: int, better: np.ufunc) -> tuple[FloatArray, IntArray]:
    """Per tier, the best ratio (least for ``np.less``, greatest for ``np.greater``) and the
    member that has it."""
    key = ratio if better is np.less else -ratio
    order = np.lexsort((key, tier))
    first = order[np.r_[True, tier[order][1:] != tier[order][:-1]]]
    best = np.full(K, np.inf if better is np.less else -np.inf)
    arg = np.full(K, -1, np.int64)
    best[tier[first]] = ratio[first]
    arg[tier[first]] = first
    return best, arg


def _apply(bound: FloatArray, side: _Side, c: int, cols: IntArray, value: FloatArray, better: np.ufunc) -> None:
    """Tighten ``bound`` at ``cols`` to ``value`` where clearly tighter; tilt ``c`` is then
    the source."""
    with np.errstate(invalid="ignore"):
        slack = TIGHTER * np.maximum(1.0, np.abs(value))
        take = np.isfinite(value) & (better(value + slack, bound[cols]) if better is np.less
                                     else better(value - slack, bound[cols]))
    j = cols[take]
    bound[j] = value[take]
    side.row[j] = -1
    side.tilt[j] = c


def _redundant(A: sp.csr_matrix, row_lb: FloatArray, row_ub: FloatArray, lb: FloatArray, ub: FloatArray) -> BoolArray:
    """Rows every point within the column bounds satisfies (exactly, no tolerance). Each
    entry's least and greatest term a·x over the column's bounds, summed per row: arrays of the
    matrix's entries, not copies of the matrix (at a million zones its parts split by sign cost
    a few hundred MiB just before the solver starts)."""
    data, cols = A.data, A.indices
    up = data > 0
    with np.errstate(invalid="ignore"):
        lo = _row_sums(A, data, np.where(up, lb[cols], ub[cols]))
        hi = _row_sums(A, data, np.where(up, ub[cols], lb[cols]))
    return (np.diff(A.indptr) > 0) & (lo >= row_lb) & (hi <= row_ub)


def _row_sums(A: sp.csr_matrix, coef: FloatArray, bound: FloatArray) -> FloatArray:
    """Σ coef·bound per row of ``A``'s pattern, where 0·±inf counts 0 and a sum of +inf and
    -inf is NaN (never redundant)."""
    infinite = np.isinf(bound)
    term = np.where(infinite, 0.0, coef * np.where(infinite, 0.0, bound))
    ones = np.ones(A.shape[1])
    out = sp.csr_matrix((term, A.indices, A.indptr), shape=A.shape) @ ones
    if infinite.any():
        sign = np.where(infinite, np.sign(coef) * np.sign(bound), 0.0)
        for s in (1.0, -1.0):
            hits = sp.csr_matrix(((sign == s).astype(float), A.indices, A.indptr), shape=A.shape) @ ones
            out = np.where(hits > 0, out + s * np.inf, out)
    return out


def _kept_blocks(blocks: tuple[RowBlock, ...], keep: BoolArray) -> tuple[RowBlock, ...]:
    """The reference's row blocks restricted to the kept rows (a loop over blocks)."""
    out = []
    start = 0
    for b in blocks:
        mine = keep[b.slice]
        size = int(mine.sum())
        if size:
            labels = tuple(np.asarray(b.labels, dtype=object)[mine].tolist()) if b.labels else None
            out.append(RowBlock(b.name, start, size, b.rule, b.source, labels))
        start += size
    return tuple(out)


def _lift_chain(chain: _Chain, upper_side: bool, d: FloatArray, y: FloatArray, d_ref: FloatArray,
                base: _Side) -> None:
    """Hand the prices ``d`` of bounds tilt ``chain`` implied (upper or lower) to its rows.

    Upper: x_j ≤ w_j·u_{t−1} is the member's ``below`` row (multiplier 1) plus w_j times the
    certificate of u_{t−1} ≤ U; u_k ≤ U_k is, at an own level, −(1/w_a)·above_a plus (1/w_a)
    times a's cap, and otherwise (1/w_m)(below_m − above_m) (u_k ≤ u_{k−1}, m in tier k) plus
    the certificate of u_{k−1}. Lower mirrors it. The certificate ends at the source member's
    bound from rows (``base``: the row it came from, or the column's own bound, priced in
    ``d_ref``). Each certificate is summed once per level (a segmented running sum), so the
    work is O(members + levels)."""
    t = chain.tilt
    cols, w, tier = t.columns, t.weight, t.tier
    assert cols is not None
    K1 = t.level.size
    g = d[t.level.start:t.level.start + K1].copy()  # demand on each level's certificate
    dm = d[cols]
    on = dm != 0
    if upper_side:
        y_rows, boundary = t.below, tier - 1
    else:
        y_rows, boundary = t.above, tier
    sel = on & (y_rows >= 0)
    np.add.at(y, y_rows[sel], dm[sel])
    np.add.at(g, boundary[sel], w[sel] * dm[sel])
    own = chain.ub_own if upper_side else chain.lb_own
    source = chain.ub_source if upper_side else chain.lb_source
    # Certificates chain towards the source: upper from level k to k-1, lower from k to k+1.
    order = np.arange(K1) if upper_side else np.arange(K1)[::-1]
    g_o, own_o = g[order], own[order]
    seg = np.cumsum(own_o) - 1
    total = np.cumsum(g_o[::-1])[::-1]  # sum from position p to the end
    seg_end = np.r_[np.flatnonzero(own_o[1:]), K1 - 1] if K1 else np.zeros(0, np.int64)
    after = np.r_[total, 0.0][seg_end[seg] + 1]
    G = np.empty(K1)
    G[order] = total - after  # the demand each level passes on (its own and the later ones')
    # Steps: a level that is not own passes G_k through a member of the tier it crosses.
    step = ~own & (G != 0)
    k = np.flatnonzero(step)
    m = chain.via[k] if upper_side else chain.via[k + 1]
    np.add.at(y, t.below[m], G[k] / w[m] * (1.0 if upper_side else -1.0))
    np.add.at(y, t.above[m], -G[k] / w[m] * (1.0 if upper_side else -1.0))
    # Own levels: the certificate ends at the source member's own bound.
    k = np.flatnonzero(own & (G != 0))
    a = source[k]
    if upper_side:
        np.add.at(y, t.above[a], -G[k] / w[a])
    else:
        np.add.at(y, t.below[a], -G[k] / w[a])
    value = G[k] / w[a]
    src_row, src_coef = base.row[cols[a]], base.coef[cols[a]]
    by_row = src_row >= 0
    np.add.at(y, src_row[by_row], value[by_row] / src_coef[by_row])
    np.add.at(d_ref, cols[a][~by_row], value[~by_row])
