"""Solving a DEA LP family (:mod:`~zoneopt.evaluation.dea_family`) for many units, on either
path, and checking the answers (:mod:`~zoneopt.evaluation.dea_check`).

``method="batch"`` (the default with ``backend="highs"``): per model, one LP is built once and
kept in a :class:`~zoneopt.core.batch.BatchLP`; for each unit only the efficiency column, the
right-hand side and the unit's own column change, and HiGHS re-solves from the previous basis.
Only units on the frontier can carry weight in an optimal reference set, so the LP holds a
*candidate set* of units, not all of them (column generation): after each unit is solved, the
reduced cost of every unit's column is priced against its duals in one matrix product, and
columns that would improve it are added and the unit re-solved, until no column prices out.
Units are processed in chunks, so the candidate set converges to the frame early. The result
is the full LP's optimum (``column_generation=False`` keeps every unit in the LP; the tests
check both agree). ``method="per-unit"`` builds one core :class:`~zoneopt.core.model.Model`
per unit and solves it with :func:`zoneopt.core.solve` on any backend (slow; for checking
backends against each other).

An infeasible LP (super-efficiency) is re-solved with every unit in the LP and accepted as
infeasible only with a Farkas certificate from the dual ray, verified in numpy
(:func:`zoneopt.core.batch.farkas_certificate`); on the per-unit path an infeasible status is
the backend's word.
"""

from __future__ import annotations

import time
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from zoneopt.core.progress import open_counter, track
from zoneopt.errors import InvalidInputError, NoSolutionError
from zoneopt.evaluation.dea_check import _certify
from zoneopt.evaluation.dea_family import _PRICE_BLOCK, _Answers, _Family

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]

Method = Literal["auto", "batch", "per-unit"]

DEFAULT_TOL = 1e-6
_PRICE_TOL = 1e-9  # a column joins the LP when its reduced cost is below -_PRICE_TOL
_CHUNK = 512  # units solved between column-generation rounds


def _varying(arr: FloatArray) -> BoolArray:
    """Which trailing entries of ``arr`` (units first) differ between units."""
    return np.any(arr != arr[:1], axis=0)


class _BatchFamily:
    """A :class:`~zoneopt.evaluation.dea_family._Family` in one
    :class:`~zoneopt.core.batch.BatchLP`: the unit's own columns first, then its self column (a
    copy of the unit's column, so the LP is feasible whatever the candidates), then the
    candidate units' columns."""

    def __init__(self, fam: _Family, candidates: IntArray, options: Any) -> None:
        from zoneopt.core.batch import BatchLP
        from zoneopt.core.model import Model

        self.fam = fam
        k = fam.k
        o = 0
        A0 = np.hstack([fam.F[o], np.concatenate([fam.D[:, o], fam.const])[:, None]])
        base = Model(c=np.concatenate([fam.cF[o], [fam.cost[o]]]), A=sp.csr_matrix(A0), row_lb=fam.lo[o],
                     row_ub=fam.hi[o], lb=np.concatenate([fam.loF[o], [0.0]]),
                     ub=np.concatenate([fam.hiF[o], [0.0 if fam.exclude_self else np.inf]]),
                     integer=np.zeros(k + 1, dtype=np.bool_), name=f"dea-{fam.name}")
        self.lp = BatchLP(base, options)
        self.self_col = k
        self.pos = np.full(fam.n, -1, dtype=np.int64)  # unit -> LP column
        self.cand: list[int] = []
        # what changes between units: set only that per unit
        vF = _varying(fam.F)
        self.f_rows, self.f_cols = np.nonzero(vF)
        self.cf_cols = np.flatnonzero(_varying(fam.cF))
        self.bf_cols = np.flatnonzero(_varying(fam.loF) | _varying(fam.hiF))
        self.r_rows = np.flatnonzero(_varying(fam.lo) | _varying(fam.hi))
        d = fam.D.shape[0]
        # coefficients set per unit: the varying entries of its own columns, then its self column
        self.c_rows = np.concatenate([self.f_rows, np.arange(d)]).astype(np.int32)
        self.c_cols = np.concatenate([self.f_cols, np.full(d, self.self_col)]).astype(np.int32)
        self.cost_varies = bool(np.any(fam.cost != fam.cost[0]))
        self.add(candidates)

    def add(self, units: IntArray) -> int:
        units = np.unique(units[self.pos[units] < 0])
        if units.size == 0:
            return 0
        cols = self.lp.add_cols(self.fam.unit_columns(units), cost=self.fam.cost[units])
        self.pos[units] = cols
        self.cand.extend(units.tolist())
        return int(units.size)

    def setup(self, o: int) -> None:
        """Make the LP unit ``o``'s: one call per kind of change."""
        fam, lp = self.fam, self.lp
        lp.set_coeffs(self.c_rows, self.c_cols, np.concatenate([fam.F[o][self.f_rows, self.f_cols], fam.D[:, o]]))
        if self.cf_cols.size:
            lp.set_costs(self.cf_cols, fam.cF[o][self.cf_cols])
        if self.cost_varies:
            lp.set_costs([self.self_col], [fam.cost[o]])
        if self.bf_cols.size:
            lp.set_col_bounds(self.bf_cols, fam.loF[o][self.bf_cols], fam.hiF[o][self.bf_cols])
        if self.r_rows.size:
            lp.set_row_bounds(self.r_rows, fam.lo[o][self.r_rows], fam.hi[o][self.r_rows])

    def solve(self, o: int, ans: _Answers) -> Any:
        """Solve unit ``o``'s LP and store the answer; returns the BatchSolution."""
        self.setup(o)
        own = int(self.pos[o])
        if self.fam.exclude_self and own >= 0:
            self.lp.set_col_bounds([own], [0.0], [0.0])
        sol = self.lp.solve()
        if self.fam.exclude_self and own >= 0:
            self.lp.set_col_bounds([own], [0.0], [np.inf])
        ans.lps += 1
        ans.iterations += sol.iterations
        ans.status[o] = sol.status.value
        if sol.x is None:
            return sol
        k = self.fam.k
        ans.objective[o] = sol.objective
        ans.z[o] = sol.x[:k]
        lam = sol.x[k + 1:]
        nz = np.flatnonzero(lam > 0)
        cols = np.asarray(self.cand, dtype=np.int64)[nz]
        vals = lam[nz]
        if sol.x[k] > 0:  # the self column is unit o's own column
            cols = np.append(cols, o)
            vals = np.append(vals, sol.x[k])
        ans.lam_rows[o], ans.lam_vals[o] = cols, vals
        if ans.pi is not None:
            ans.pi[o] = sol.row_duals if sol.row_duals is not None else np.nan
        return sol


def _initial_candidates(D_in: FloatArray, D_out: FloatArray, count: int = 48) -> IntArray:
    """Units likely on the frontier: for random positive weights, the best ratio and the best
    difference of weighted outputs to weighted inputs, and per input/output pair the best
    ratio. Deterministic (fixed seed)."""
    n = D_in.shape[1]
    rng = np.random.default_rng(20261121)
    v = rng.uniform(0.05, 1.0, (count, D_in.shape[0]))
    u = rng.uniform(0.05, 1.0, (count, D_out.shape[0]))
    vin, uout = v @ D_in, u @ D_out
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(vin > 0, uout / np.where(vin > 0, vin, 1.0), np.inf)
        pair = [np.where(D_in[i] > 0, D_out[r] / np.where(D_in[i] > 0, D_in[i], 1.0), np.inf)
                for i in range(D_in.shape[0]) for r in range(D_out.shape[0])]
    picks = [np.argmax(ratio, axis=1), np.argmax(uout - vin, axis=1), [int(np.argmax(p)) for p in pair]]
    return np.unique(np.concatenate([np.asarray(p, dtype=np.int64) for p in picks]))[: max(1, min(n, 4 * count))]


def _solve_batch(fam: _Family, units: IntArray, candidates: IntArray | None, options: Any,
                 full: _BatchFamily | None = None) -> tuple[_Answers, _BatchFamily]:
    """Solve ``fam`` for ``units`` in one warm-started LP, with column generation unless
    ``candidates`` is None (then every unit's column is in the LP)."""
    start = time.perf_counter()
    ans = _Answers.empty(fam.n, fam.R, fam.k)
    cg = candidates is not None
    bf = _BatchFamily(fam, candidates if candidates is not None else np.arange(fam.n), options)
    order = units
    step = open_counter(f"DEA {fam.name}", total=int(order.size), unit="unit")
    for c0 in range(0, order.size, _CHUNK):
        pending = order[c0:c0 + _CHUNK]
        step(int(pending.size))  # the chunk's units, solved below (rounds of column generation)
        while pending.size:
            ans.rounds += 1
            for o in pending.tolist():
                bf.solve(o, ans)
            if not cg:
                break
            ok = pending[np.asarray([ans.status[o] == "optimal" for o in pending.tolist()], dtype=bool)]
            assert ans.pi is not None
            again: list[IntArray] = []
            new: list[IntArray] = []
            for b0 in range(0, ok.size, _PRICE_BLOCK):
                blk = ok[b0:b0 + _PRICE_BLOCK]
                red = fam.reduced_costs(ans.pi[blk], blk)
                red[:, bf.pos >= 0] = np.inf  # columns in the LP are the solver's business
                viol = red < -_PRICE_TOL
                rows = np.flatnonzero(viol.any(axis=1))
                if rows.size == 0:
                    continue
                again.append(blk[rows])
                # the two most attractive columns of each unit that improves
                sub = red[rows]
                top = np.argpartition(sub, 1, axis=1)[:, :2] if sub.shape[1] > 2 else np.argsort(sub, axis=1)
                picked = top[np.take_along_axis(sub, top, axis=1) < -_PRICE_TOL]
                new.append(picked.astype(np.int64))
            added = bf.add(np.concatenate(new)) if new else 0
            pending = np.concatenate(again) if again and added else np.zeros(0, dtype=np.int64)
    ans.candidates = len(bf.cand)
    ans.seconds = time.perf_counter() - start
    return ans, bf


def _solve_per_unit(fam: _Family, units: IntArray, backend: str, options: Any) -> _Answers:
    """Each unit's full LP as a core Model through ``zoneopt.core.solve`` (any backend; the
    core checks each answer)."""
    from zoneopt.core import ModelBuilder, solve

    start = time.perf_counter()
    ans = _Answers.empty(fam.n, fam.R, fam.k)
    U = np.vstack([fam.D, np.repeat(fam.const[:, None], fam.n, axis=1)])
    for o in track(units.tolist(), f"DEA {fam.name}", total=int(units.size), unit="unit"):
        b = ModelBuilder(f"dea-{fam.name}-{o}", "min")
        zb = b.add_vars("own", fam.k, lb=fam.loF[o], ub=fam.hiF[o], obj=fam.cF[o])
        ub = np.full(fam.n, np.inf)
        if fam.exclude_self:
            ub[o] = 0.0
        b.add_vars("lambda", fam.n, ub=ub, obj=fam.cost)
        b.add_rows("rows", np.hstack([fam.F[o], U]), lb=fam.lo[o], ub=fam.hi[o])
        model = b.build()
        sol = solve(model, backend, options=options)
        ans.lps += 1
        ans.status[o] = sol.status.value
        if sol.x is None:
            continue
        ans.objective[o] = model.objective_value(sol.x)
        ans.z[o] = sol.x[zb.slice]
        lam = sol.x[fam.k:]
        nz = np.flatnonzero(lam > 0)
        ans.lam_rows[o], ans.lam_vals[o] = nz.astype(np.int64), lam[nz]
        if ans.pi is not None:
            ans.pi[o] = sol.row_duals if sol.row_duals is not None else np.nan
    ans.rounds = 1
    ans.candidates = fam.n
    ans.seconds = time.perf_counter() - start
    return ans


def _run(fam: _Family, units: IntArray, *, method: str, backend: str, options: Any, cg: bool,
         candidates: IntArray, tol: float, what: str, ids: tuple[str, ...],
         allow_infeasible: bool = False) -> tuple[_Answers, BoolArray]:
    """Solve and check one family for ``units``. Returns the answers and, per unit, whether its
    LP is infeasible (only with ``allow_infeasible``; proved by a verified Farkas certificate on
    the batch path)."""
    if method == "batch":
        ans, _ = _solve_batch(fam, units, candidates if cg else None, options)
    else:
        ans = _solve_per_unit(fam, units, backend, options)
    status = np.asarray(ans.status, dtype=object)
    infeasible = np.zeros(fam.n, dtype=np.bool_)
    wrong = [o for o in units.tolist() if status[o] != "optimal"]
    if wrong and allow_infeasible:
        maybe = np.asarray([o for o in wrong if status[o] == "infeasible"], dtype=np.int64)
        if method == "batch" and maybe.size:
            # infeasible with the candidate columns: solve again with every unit in the LP
            full, bf = _solve_batch(fam, maybe, None, options)
            for o in maybe.tolist():
                ans.status[o] = full.status[o]
                if full.status[o] == "optimal":
                    ans.objective[o], ans.z[o] = full.objective[o], full.z[o]
                    ans.lam_rows[o], ans.lam_vals[o] = full.lam_rows[o], full.lam_vals[o]
                    if ans.pi is not None and full.pi is not None:
                        ans.pi[o] = full.pi[o]
            ans.lps += full.lps
            still = [o for o in maybe.tolist() if full.status[o] == "infeasible"]
            for o in still:
                bf.setup(o)
                own = int(bf.pos[o])
                bf.lp.set_col_bounds([own], [0.0], [0.0])
                sol = bf.lp.solve()
                proved = sol.dual_ray is not None and bf.lp.farkas(sol.dual_ray)
                bf.lp.set_col_bounds([own], [0.0], [np.inf])
                if not proved:
                    raise NoSolutionError(f"DEA {what}: HiGHS reports the LP of unit {ids[o]!r} infeasible "
                                          "but gave no dual ray that proves it")
                infeasible[o] = True
        else:
            infeasible[maybe] = True
        status = np.asarray(ans.status, dtype=object)
        wrong = [o for o in units.tolist() if status[o] != "optimal" and not infeasible[o]]
    if wrong:
        o = wrong[0]
        raise NoSolutionError(f"DEA {what}: the LP of unit {ids[o]!r} ended {status[o]} on backend {backend!r}"
                              + (f" ({len(wrong) - 1} more units likewise)" if len(wrong) > 1 else ""))
    solved = units[~infeasible[units]]
    _certify(fam, ans, solved, tol, what, ids)
    return ans, infeasible


def _method(method: Method, backend: str) -> str:
    from zoneopt.core import get_backend

    get_backend(backend)  # raises UnknownBackendError for a bad name
    if method == "auto":
        return "batch" if backend == "highs" else "per-unit"
    if method == "batch" and backend != "highs":
        raise InvalidInputError(f"method 'batch' runs on HiGHS only; backend {backend!r} needs method 'per-unit'")
    if method not in ("batch", "per-unit"):
        raise InvalidInputError(f"unknown method {method!r} (auto, batch, per-unit)")
    return method


def _options(time_limit: float | None) -> Any:
    from zoneopt.core import SolveOptions

    return SolveOptions(time_limit=time_limit)
