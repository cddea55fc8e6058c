"""Data envelopment analysis (DEA): radial CCR/BCC efficiency with slacks and super-efficiency,
and the slacks-based measure (SBM) with undesirable outputs, for many units at once.

Zones and enterprises are units ("DMUs") that turn inputs (land in mu, energy, capital, labour)
into outputs (tax, value added) and, optionally, undesirable outputs (emissions). The scores
feed the 2017 §六(一) evaluation system and the 2022 ch.8 §3 yearly ranking.

Models (unit ``o``; ``X`` units × inputs, ``Y`` units × outputs; ``λ ≥ 0``)
-----------------------------------------------------------------------------

CCR (Charnes, Cooper & Rhodes 1978), input orientation, envelopment form::

    θ* = min θ   s.t.   Σ_j λ_j x_j ≤ θ x_o,   Σ_j λ_j y_j ≥ y_o            (BCC: Σ_j λ_j = 1)

output orientation: ``φ* = max φ s.t. Σ λ_j x_j ≤ x_o, Σ λ_j y_j ≥ φ y_o``; the score reported
is the efficiency ``1/φ*`` in (0, 1] (``phi`` keeps φ*). BCC (Banker, Charnes & Cooper 1984)
adds the convexity row. The second phase (``slacks=True``) fixes θ (φ) at its optimum and
maximises the plain sum of slacks ``Σ s⁻ + Σ s⁺`` in the data's own units (Cooper, Seiford &
Tone 2007, "Data Envelopment Analysis", 2nd ed., §3.3, model (3.11)); a unit is *efficient*
(Pareto–Koopmans) when its score is 1 and every slack is 0, *weakly efficient* when its score
is 1. The slack sum mixes units of measure, so which of several maximal slack vectors is
reported depends on them; whether a unit is efficient does not.

Super-efficiency (Andersen & Petersen 1993): the same first phase with unit ``o`` left out of
its own reference set (λ_o = 0). Scores of efficient units may exceed 1. Under BCC (and, with
zeros in the data, under CCR) the LP can be infeasible: such a unit gets ``super_scores = NaN``
and ``super_infeasible = True`` (an output-oriented LP whose optimum is φ* = 0 gives ``inf``).

SBM with undesirable outputs (Tone 2001, EJOR 130:498–509; Tone 2004 and Cooper, Seiford &
Tone 2007, 2nd ed., ch. 13 "Undesirable outputs models"), non-oriented, desirable outputs
``Y^g`` and undesirable outputs ``Y^b`` (``B``)::

    ρ* = min [1 − (1/m) Σ_i s⁻_i / x_io] / [1 + (1/(s1+s2)) (Σ_r s^g_r / y^g_ro + Σ_r s^b_r / y^b_ro)]
    s.t. x_o = Xλ + s⁻,  y^g_o = Y^g λ − s^g,  y^b_o = Y^b λ + s^b,  λ, s⁻, s^g, s^b ≥ 0 (VRS: Σλ = 1)

solved as the LP of the Charnes–Cooper transformation (t > 0, Λ = tλ, S = ts)::

    min τ = t − (1/m) Σ_i S⁻_i / x_io
    s.t. 1 = t + (1/(s1+s2)) (Σ_r S^g_r / y^g_ro + Σ_r S^b_r / y^b_ro)
         t x_o = XΛ + S⁻,  t y^g_o = Y^g Λ − S^g,  t y^b_o = Y^b Λ + S^b,  Λ, S ≥ 0  (VRS: ΣΛ = t)

with ρ* = τ*, λ = Λ/t, s = S/t. A zero input ``x_io`` (or undesirable output ``y^b_ro``) forces
its slack to 0, so its term is dropped (it would be 0/0); desirable outputs of SBM must be
positive. SBM super-efficiency (Tone 2002) is not implemented.

How it is solved
----------------

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

Every answer is checked before it is returned, for all units at once in numpy, on the scaled
data the LPs see (each input and output column divided by its largest value): primal
feasibility of (θ or φ, λ) and of the slacks against ``X`` and ``Y``; and, where the solver gave
duals (always on the batch path), an optimality certificate — the duals are feasible for the
*full* LP, every unit's column included, and the duality gap is below ``tol``. Failing
units raise :class:`~zoneopt.errors.SolutionCheckError`. An infeasible super-efficiency LP is
re-solved with every unit in the LP and accepted as infeasible only with a Farkas certificate
from the dual ray, verified in numpy (:func:`zoneopt.core.batch.farkas_certificate`). On the
per-unit path every LP answer has also passed the core checker inside :func:`zoneopt.core.solve`;
there an infeasible status is the backend's word, and the optimality certificate needs a
backend that returns duals (all LP backends but SCIP do).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from zoneopt.errors import InstanceError, InvalidInputError, Issue, NoSolutionError, SolutionCheckError

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]

Orientation = Literal["input", "output"]
DEAModelName = Literal["ccr", "bcc"]
Method = Literal["auto", "batch", "per-unit"]
RTS = Literal["crs", "vrs"]

DEFAULT_TOL = 1e-6
_PRICE_TOL = 1e-9  # a column joins the LP when its reduced cost is below -_PRICE_TOL
_CHUNK = 512  # units solved between column-generation rounds
_PRICE_BLOCK = 512  # units priced per matrix product (memory: block × units floats)


# -- results ------------------------------------------------------------------------------------

def _reference_sets(lambdas: sp.csr_matrix, ids: tuple[str, ...], tol: float) -> list[tuple[str, ...]]:
    lam = sp.csr_matrix(lambdas)
    n = lam.shape[0]
    rows = np.repeat(np.arange(n), np.diff(lam.indptr))
    keep = lam.data > tol
    counts = np.bincount(rows[keep], minlength=n)
    names = np.asarray(ids, dtype=object)[lam.indices[keep]]
    return [tuple(part) for part in np.split(names, np.cumsum(counts)[:-1])]


@dataclass(frozen=True, eq=False)
class DEAResult:
    """Radial DEA scores of every unit. Arrays are indexed like the input rows.

    ``scores``: efficiency in (0, 1] (θ* for input orientation, 1/φ* for output).
    ``phi``: φ* (output orientation only). ``lambdas``: units × units, row ``o`` the
    reference-set weights of unit ``o`` (from the slack phase when ``slacks``).
    ``slack_in`` / ``slack_out``: max-slack second phase, in the data's units (``None``
    without ``slacks``). ``efficient``: score 1 and every slack 0 within ``tol``, relative to
    each column's largest value (``None`` without ``slacks``). ``weakly_efficient``: score 1
    within ``tol``. ``weights_in`` / ``weights_out`` / ``weight_free``: the multiplier form's
    weights (v, u and, for BCC, u₀ — or v₀ in output orientation), from the first phase's
    duals, per unit of each input/output (``None`` on a backend without duals).
    ``super_scores``: Andersen–Petersen super-efficiency (``None`` unless asked; NaN where the
    LP is infeasible, flagged in ``super_infeasible``). ``stats``: LPs solved, rounds,
    candidate columns, simplex iterations and seconds per phase.
    """

    ids: tuple[str, ...]
    names_in: tuple[str, ...]
    names_out: tuple[str, ...]
    model: DEAModelName
    orientation: Orientation
    backend: str
    method: str
    scores: FloatArray
    phi: FloatArray | None
    lambdas: sp.csr_matrix
    slack_in: FloatArray | None
    slack_out: FloatArray | None
    efficient: BoolArray | None
    weakly_efficient: BoolArray
    weights_in: FloatArray | None
    weights_out: FloatArray | None
    weight_free: FloatArray | None
    super_scores: FloatArray | None
    super_infeasible: BoolArray | None
    tol: float
    stats: dict[str, Any] = field(default_factory=dict)

    def reference_sets(self) -> list[tuple[str, ...]]:
        """For each unit, the ids of the units with λ > ``tol`` in its reference set."""
        return _reference_sets(self.lambdas, self.ids, self.tol)

    def to_frame(self) -> Any:
        """A ``pandas.DataFrame`` indexed by unit id: score, flags, slacks, super-efficiency."""
        import pandas as pd

        cols: dict[str, Any] = {"score": self.scores}
        if self.phi is not None:
            cols["phi"] = self.phi
        cols["weakly_efficient"] = self.weakly_efficient
        if self.efficient is not None:
            cols["efficient"] = self.efficient
        if self.slack_in is not None and self.slack_out is not None:
            cols |= {f"slack_{n}": self.slack_in[:, i] for i, n in enumerate(self.names_in)}
            cols |= {f"slack_{n}": self.slack_out[:, r] for r, n in enumerate(self.names_out)}
        if self.super_scores is not None:
            cols["super_score"] = self.super_scores
            cols["super_infeasible"] = self.super_infeasible
        cols["reference_set"] = [" ".join(r) for r in self.reference_sets()]
        return pd.DataFrame(cols, index=pd.Index(self.ids, name="unit"))


@dataclass(frozen=True, eq=False)
class SBMResult:
    """Slacks-based measure of every unit (see the module docstring for the model).

    ``scores``: ρ* in (0, 1]. ``efficient``: ρ* = 1 within ``tol`` (SBM-efficient units are
    exactly the Pareto-efficient ones). ``slack_in``, ``slack_out`` (desirable outputs),
    ``slack_bad`` (undesirable outputs; ``None`` without ``B``) in the data's units.
    ``lambdas``: units × units reference weights.
    """

    ids: tuple[str, ...]
    names_in: tuple[str, ...]
    names_out: tuple[str, ...]
    names_bad: tuple[str, ...]
    rts: RTS
    backend: str
    method: str
    scores: FloatArray
    lambdas: sp.csr_matrix
    slack_in: FloatArray
    slack_out: FloatArray
    slack_bad: FloatArray | None
    efficient: BoolArray
    tol: float
    stats: dict[str, Any] = field(default_factory=dict)

    def reference_sets(self) -> list[tuple[str, ...]]:
        """For each unit, the ids of the units with λ > ``tol`` in its reference set."""
        return _reference_sets(self.lambdas, self.ids, self.tol)

    def to_frame(self) -> Any:
        """A ``pandas.DataFrame`` indexed by unit id: score, efficient flag, slacks."""
        import pandas as pd

        cols: dict[str, Any] = {"score": self.scores, "efficient": self.efficient}
        cols |= {f"slack_{n}": self.slack_in[:, i] for i, n in enumerate(self.names_in)}
        cols |= {f"slack_{n}": self.slack_out[:, r] for r, n in enumerate(self.names_out)}
        if self.slack_bad is not None:
            cols |= {f"slack_{n}": self.slack_bad[:, k] for k, n in enumerate(self.names_bad)}
        cols["reference_set"] = [" ".join(r) for r in self.reference_sets()]
        return pd.DataFrame(cols, index=pd.Index(self.ids, name="unit"))


# -- input validation ---------------------------------------------------------------------------

def _table(data: Any, what: str, names: Sequence[str] | None, prefix: str
           ) -> tuple[FloatArray, tuple[str, ...], tuple[str, ...] | None]:
    """An array (units × columns), its column names and, for a DataFrame, its index as ids."""
    index: tuple[str, ...] | None = None
    try:
        import pandas as pd

        if isinstance(data, pd.Series):
            data = data.to_frame()
        if isinstance(data, pd.DataFrame):
            if names is None:
                names = [str(c) for c in data.columns]
            index = tuple(str(i) for i in data.index)
            data = data.to_numpy()
    except ImportError:  # pragma: no cover - pandas is a dependency
        pass
    try:
        arr = np.asarray(data, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InvalidInputError(f"{what}: not numeric ({exc})") from None
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise InvalidInputError(f"{what}: expected a 2-D table (units × columns), got {arr.ndim} dimensions")
    if arr.shape[1] == 0:
        raise InvalidInputError(f"{what}: no columns")
    if names is None:
        names = [f"{prefix}{k + 1}" for k in range(arr.shape[1])]
    names_t = tuple(str(n) for n in names)
    if len(names_t) != arr.shape[1]:
        raise InvalidInputError(f"{what}: {len(names_t)} names for {arr.shape[1]} columns")
    if len(set(names_t)) != len(names_t):
        raise InvalidInputError(f"{what}: column names repeat: {names_t}")
    return arr, names_t, index


def _prepare(tables: list[tuple[Any, str, str, Sequence[str] | None, str]], ids: Sequence[str] | None,
             positive: set[str]) -> tuple[list[FloatArray], list[tuple[str, ...]], tuple[str, ...]]:
    """Validate the data tables (``(data, key, label, names, prefix)``; ``key`` is the name the
    error paths use, e.g. ``X``); returns arrays, column names and unit ids. Raises
    :class:`InstanceError` listing every problem with the unit id and the column."""
    arrays, names, index = [], [], None
    for data, key, label, nm, prefix in tables:
        arr, cols, idx = _table(data, f"{key} ({label})", nm, prefix)
        arrays.append(arr)
        names.append(cols)
        index = index or idx
    n = arrays[0].shape[0]
    for (_, key, label, _, _), arr in zip(tables, arrays):
        if arr.shape[0] != n:
            raise InvalidInputError(f"shape mismatch: {tables[0][1]} has {n} units but {key} ({label}) has "
                                    f"{arr.shape[0]}")
    if n == 0:
        raise InvalidInputError("no units to evaluate")
    if ids is None:
        ids = index if index is not None else tuple(str(k) for k in range(n))
    ids_t = tuple(str(i) for i in ids)
    if len(ids_t) != n:
        raise InvalidInputError(f"{len(ids_t)} ids for {n} units")
    if len(set(ids_t)) != n:
        seen: set[str] = set()
        dup = next(i for i in ids_t if i in seen or seen.add(i))  # type: ignore[func-returns-value]
        raise InvalidInputError(f"unit id {dup!r} appears more than once")
    issues: list[Issue] = []
    for (_, key, label, _, _), arr, cols in zip(tables, arrays, names):
        bad_nan = ~np.isfinite(arr)
        for o, k in zip(*np.nonzero(bad_nan)):
            issues.append(Issue(f"{key}[{ids_t[o]!r}].{cols[k]}", f"{label} is {arr[o, k]} (must be a finite number)"))
        with np.errstate(invalid="ignore"):
            neg = arr < 0
            for o, k in zip(*np.nonzero(neg)):
                issues.append(Issue(f"{key}[{ids_t[o]!r}].{cols[k]}", f"{label} is negative ({arr[o, k]:g})"))
            if key in positive:
                for o, k in zip(*np.nonzero(arr == 0)):
                    issues.append(Issue(f"{key}[{ids_t[o]!r}].{cols[k]}",
                                        f"{label} is 0; this model divides by it (must be > 0)"))
            if key in ("X", "Y"):
                zero = np.all(arr == 0, axis=1)
                for o in np.flatnonzero(zero):
                    issues.append(Issue(f"{key}[{ids_t[o]!r}]", f"every {label} is 0 ({', '.join(cols)}): "
                                        f"a unit needs at least one positive {label}"))
    if issues:
        raise InstanceError(issues, source="DEA data")
    return arrays, names, ids_t


def _scale(arr: FloatArray) -> FloatArray:
    """Each column's largest value (1 for an all-zero column): the LPs see data in [0, 1]."""
    top = arr.max(axis=0)
    return np.where(top > 0, top, 1.0)


# -- an LP family: one LP per unit sharing the units' columns ------------------------------------

@dataclass(eq=False)
class _Family:
    """One LP per unit ``o`` (all minimisation)::

        min  cF[o] @ z + cost @ λ
        s.t. lo[o] <= F[o] @ z + [D; const] @ λ <= hi[o],  loF[o] <= z <= hiF[o],  λ >= 0

    ``z`` are the unit's own columns (θ, slacks); ``λ_j`` the units' columns ``[D[:, j]; const]``
    (data rows, then constant rows such as convexity). With ``exclude_self`` λ_o is fixed at 0.
    """

    name: str
    D: FloatArray  # data rows × n
    const: FloatArray  # constant rows of every unit column
    cost: FloatArray  # n
    F: FloatArray  # n × R × k
    cF: FloatArray  # n × k
    loF: FloatArray  # n × k
    hiF: FloatArray  # n × k
    lo: FloatArray  # n × R
    hi: FloatArray  # n × R
    exclude_self: bool = False

    @property
    def n(self) -> int:
        return int(self.D.shape[1])

    @property
    def R(self) -> int:
        return int(self.lo.shape[1])

    @property
    def k(self) -> int:
        return int(self.cF.shape[1])

    def unit_columns(self, cols: IntArray) -> sp.csc_matrix:
        A = np.vstack([self.D[:, cols], np.repeat(self.const[:, None], cols.size, axis=1)])
        return sp.csc_matrix(A)

    def reduced_costs(self, pi: FloatArray, units: IntArray | None = None) -> FloatArray:
        """``cost_j - a_j @ π`` for every unit column ``j`` (rows: the units whose duals ``pi``
        holds). With ``exclude_self`` and ``units`` given, column ``o`` of unit ``o`` is +inf."""
        d = self.D.shape[0]
        red = self.cost[None, :] - pi[:, :d] @ self.D - (pi[:, d:] @ self.const)[:, None]
        if self.exclude_self and units is not None:
            red[np.arange(units.size), units] = np.inf
        return red


@dataclass(eq=False)
class _Answers:
    """Per-unit answers of a family: status, objective, own columns, λ, duals."""

    n: int
    R: int
    k: int
    status: list[str] = field(default_factory=list)
    objective: FloatArray = field(default_factory=lambda: np.zeros(0))
    z: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    pi: FloatArray | None = None
    lam_rows: list[IntArray | None] = field(default_factory=list)
    lam_vals: list[FloatArray | None] = field(default_factory=list)
    lps: int = 0
    rounds: int = 0
    iterations: int = 0
    seconds: float = 0.0
    candidates: int = 0

    @classmethod
    def empty(cls, n: int, R: int, k: int, duals: bool = True) -> _Answers:
        return cls(n, R, k, ["unsolved"] * n, np.full(n, np.nan), np.full((n, k), np.nan),
                   np.full((n, R), np.nan) if duals else None, [None] * n, [None] * n)

    def lambdas(self, units: IntArray | None = None) -> sp.csr_matrix:
        units = np.arange(self.n) if units is None else units
        rows, cols, vals = [], [], []
        for o in units.tolist():
            c, v = self.lam_rows[o], self.lam_vals[o]
            if c is not None and v is not None and c.size:
                rows.append(np.full(c.size, o))
                cols.append(c)
                vals.append(v)
        if not rows:
            return sp.csr_matrix((self.n, self.n))
        lam = sp.coo_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                            shape=(self.n, self.n)).tocsr()
        lam.sum_duplicates()
        return lam

    def stats(self) -> dict[str, Any]:
        return {"lps": self.lps, "rounds": self.rounds, "candidates": self.candidates,
                "iterations": self.iterations, "seconds": round(self.seconds, 4)}


def _varying(arr: FloatArray) -> BoolArray:
    """Which trailing entries of ``arr`` (units first) differ between units."""
    return np.any(arr != arr[:1], axis=0)


class _BatchFamily:
    """A :class:`_Family` in one :class:`~zoneopt.core.batch.BatchLP`: the unit's own columns
    first, then its self column (a copy of the unit's column, so the LP is feasible whatever
    the candidates), then the candidate units' columns."""

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
    for c0 in range(0, order.size, _CHUNK):
        pending = order[c0:c0 + _CHUNK]
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
    for o in units.tolist():
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


# -- the independent check -----------------------------------------------------------------------

def _certify(fam: _Family, ans: _Answers, units: IntArray, tol: float, what: str, ids: tuple[str, ...],
             lam: sp.csr_matrix | None = None) -> dict[str, float]:
    """Check the answers of ``units`` in numpy: primal feasibility of (z, λ) for each unit's LP,
    the reported objective, and — where duals exist — dual feasibility over every unit column
    and a zero duality gap. Raises :class:`SolutionCheckError` naming the first unit at fault.
    Returns the largest violations."""
    if units.size == 0:
        return {"primal": 0.0, "dual": 0.0, "gap": 0.0}
    lam = (ans.lambdas(units) if lam is None else lam)[units]
    z, F = ans.z[units], fam.F[units]
    act = np.einsum("urk,uk->ur", F, z)
    d = fam.D.shape[0]
    act[:, :d] += np.asarray(lam @ fam.D.T)
    act[:, d:] += np.asarray(lam.sum(axis=1)).reshape(-1, 1) * fam.const[None, :]
    lo, hi = fam.lo[units], fam.hi[units]
    with np.errstate(invalid="ignore"):
        row_v = np.maximum(np.where(np.isfinite(lo), lo - act, 0.0), np.where(np.isfinite(hi), act - hi, 0.0))
        row_v = row_v / np.maximum(1.0, np.where(np.isfinite(lo), np.abs(lo), np.where(np.isfinite(hi), np.abs(hi), 0)))
        zlo, zhi = fam.loF[units], fam.hiF[units]
        z_v = np.maximum(zlo - z, np.where(np.isfinite(zhi), z - zhi, 0.0))
    lam_neg = -np.minimum(lam.min(axis=1).toarray().ravel(), 0.0) if lam.nnz else np.zeros(units.size)
    excl = np.zeros(units.size)
    if fam.exclude_self:
        excl = np.abs(np.asarray(lam[np.arange(units.size), units]).ravel())
    primal = np.maximum.reduce([row_v.max(axis=1), z_v.max(axis=1), lam_neg, excl])
    obj = np.einsum("uk,uk->u", fam.cF[units], z) + np.asarray(lam @ fam.cost).ravel()
    obj_err = np.abs(obj - ans.objective[units]) / np.maximum(1.0, np.abs(obj))
    report = {"primal": float(primal.max()), "objective": float(obj_err.max()), "dual": 0.0, "gap": 0.0}
    bad = np.flatnonzero((primal > tol) | (obj_err > tol))
    if bad.size:
        o = int(units[bad[0]])
        raise SolutionCheckError(
            f"DEA {what}: the answer for unit {ids[o]!r} fails the independent check (row or bound "
            f"violation {primal[bad[0]]:.3g}, objective error {obj_err[bad[0]]:.3g}; tolerance {tol:g})")
    if ans.pi is None:
        return report
    pi = ans.pi[units]
    has = np.all(np.isfinite(pi), axis=1)
    if not has.any():
        return report
    u, pi, lo, hi, z, obj = units[has], pi[has], lo[has], hi[has], z[has], obj[has]
    F, cF, zlo, zhi = F[has], fam.cF[u], fam.loF[u], fam.hiF[u]
    # dual sign: a positive dual needs a finite lower bound, a negative one a finite upper bound
    sign_v = np.maximum(np.where(np.isfinite(lo), 0.0, np.maximum(pi, 0.0)),
                        np.where(np.isfinite(hi), 0.0, np.maximum(-pi, 0.0))).max(axis=1)
    dual_obj = (np.where(pi > 0, np.where(np.isfinite(lo), lo, 0.0), np.where(np.isfinite(hi), hi, 0.0)) * pi).sum(1)
    # own columns: reduced cost >= 0 at a lower bound of 0; fixed columns add d * value
    dz = cF - np.einsum("urk,ur->uk", F, pi)
    fixed = zlo == zhi
    own_v = np.where(fixed, 0.0, np.maximum(-dz, 0.0)).max(axis=1)
    dual_obj = dual_obj + np.where(np.isfinite(zlo), dz * zlo, 0.0).sum(axis=1)  # d_j times its lower bound
    unit_v = np.zeros(u.size)
    for b0 in range(0, u.size, _PRICE_BLOCK):
        sl = slice(b0, b0 + _PRICE_BLOCK)
        red = fam.reduced_costs(pi[sl], u[sl])
        unit_v[sl] = np.maximum(-red.min(axis=1), 0.0)
    dual = np.maximum.reduce([sign_v, own_v, unit_v])
    gap = np.abs(obj - dual_obj) / np.maximum(1.0, np.abs(obj))
    report |= {"dual": float(dual.max()), "gap": float(gap.max())}
    bad = np.flatnonzero((dual > tol) | (gap > tol))
    if bad.size:
        o = int(u[bad[0]])
        raise SolutionCheckError(
            f"DEA {what}: the answer for unit {ids[o]!r} is not proved optimal (dual infeasibility "
            f"{dual[bad[0]]:.3g}, duality gap {gap[bad[0]]:.3g}; tolerance {tol:g})")
    return report


# -- running a family on either path -------------------------------------------------------------

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


# -- radial DEA ---------------------------------------------------------------------------------

def _dea_family(Xs: FloatArray, Ys: FloatArray, model: str, orientation: str, *, phase2_t: FloatArray | None = None,
                slack_cost: FloatArray | None = None, exclude_self: bool = False, name: str = "") -> _Family:
    n, m = Xs.shape
    s = Ys.shape[1]
    conv = model == "bcc"
    R = m + s + (1 if conv else 0)
    F = np.zeros((n, R, 1))
    lo = np.zeros((n, R))
    hi = np.zeros((n, R))
    if orientation == "input":
        F[:, :m, 0] = -Xs
        lo[:, :m], hi[:, :m] = -np.inf, 0.0
        lo[:, m:m + s], hi[:, m:m + s] = Ys, np.inf
        c_t = 1.0
    else:
        F[:, m:m + s, 0] = -Ys
        lo[:, :m], hi[:, :m] = -np.inf, Xs
        lo[:, m:m + s], hi[:, m:m + s] = 0.0, np.inf
        c_t = -1.0
    if conv:
        lo[:, -1] = hi[:, -1] = 1.0
    if phase2_t is None:
        cF = np.full((n, 1), c_t)
        loF, hiF = np.zeros((n, 1)), np.full((n, 1), np.inf)
        cost = np.zeros(n)
    else:
        cF = np.zeros((n, 1))
        loF = hiF = phase2_t.reshape(-1, 1).copy()
        cost = np.zeros(n) if slack_cost is None else slack_cost
    return _Family(name or f"{model}-{orientation}", np.vstack([Xs.T, Ys.T]), np.ones(1) if conv else np.zeros(0),
                   cost, F, cF, loF, hiF, lo, hi, exclude_self)


def dea(
    X: Any,
    Y: Any,
    *,
    model: DEAModelName = "ccr",
    orientation: Orientation = "input",
    slacks: bool = True,
    super_efficiency: bool = False,
    ids: Sequence[str] | None = None,
    backend: str = "highs",
    names_in: Sequence[str] | None = None,
    names_out: Sequence[str] | None = None,
    method: Method = "auto",
    column_generation: bool = True,
    tol: float = DEFAULT_TOL,
    time_limit: float | None = None,
) -> DEAResult:
    """Radial DEA efficiency of every unit: CCR or BCC, input or output orientation, with the
    max-slack second phase and optional Andersen–Petersen super-efficiency.

    ``X`` (units × inputs) and ``Y`` (units × outputs) are non-negative arrays or DataFrames
    (a DataFrame's index gives the ids and its columns the names, unless ``ids`` /
    ``names_in`` / ``names_out`` are given); units of measure are free (scores do not depend
    on them). ``backend="highs"`` with ``method="auto"`` uses the batched, warm-started,
    column-generation path; any other backend (or ``method="per-unit"``) builds one core model
    per unit. ``column_generation=False`` keeps every unit's column in the batched LP.
    ``tol`` is the tolerance of the checks and of the efficiency flags; ``time_limit`` (s)
    applies to each LP.

    Returns a :class:`DEAResult`. Raises :class:`~zoneopt.errors.InvalidInputError` (its
    subclass ``InstanceError`` for bad data: NaN or infinite values, negative values, a unit
    whose inputs or outputs are all 0 — each issue naming the unit id and the column — or
    shape mismatches), :class:`~zoneopt.errors.UnknownBackendError`,
    :class:`~zoneopt.errors.NoSolutionError` if an LP does not solve, and
    :class:`~zoneopt.errors.SolutionCheckError` if an answer fails the independent check.
    """
    if model not in ("ccr", "bcc"):
        raise InvalidInputError(f"unknown DEA model {model!r} (ccr, bcc)")
    if orientation not in ("input", "output"):
        raise InvalidInputError(f"unknown orientation {orientation!r} (input, output)")
    if not (0 < tol < 1e-2):
        raise InvalidInputError(f"tol must be in (0, 0.01), got {tol!r}")
    how = _method(method, backend)
    (Xa, Ya), (n_in, n_out), ids_t = _prepare(
        [(X, "X", "input", names_in, "x"), (Y, "Y", "output", names_out, "y")], ids, positive=set())
    sx, sy = _scale(Xa), _scale(Ya)
    Xs, Ys = Xa / sx, Ya / sy
    n, m = Xs.shape
    s = Ys.shape[1]
    opts = _options(time_limit)
    cand = _initial_candidates(Xs.T, Ys.T)
    units = np.arange(n, dtype=np.int64)
    what = f"{model.upper()} {orientation}"
    common = dict(method=how, backend=backend, options=opts, cg=column_generation, tol=tol, ids=ids_t)

    fam1 = _dea_family(Xs, Ys, model, orientation)
    a1, _ = _run(fam1, units, candidates=cand, what=f"{what}, first phase", **common)
    t = a1.z[:, 0].copy()
    stats: dict[str, Any] = {"first_phase": a1.stats()}

    lam = a1.lambdas()
    slack_in = slack_out = None
    if slacks:
        # maximise the plain slack sum: min Σ_j (Σ_i x_ij - Σ_r y_rj) λ_j, rescaled for the solver
        raw = Xa.sum(axis=1) - Ya.sum(axis=1)
        top = float(np.abs(raw).max())
        fam2 = _dea_family(Xs, Ys, model, orientation, phase2_t=t, slack_cost=raw / (top if top > 0 else 1.0),
                           name=f"{model}-{orientation}-slacks")
        a2, _ = _run(fam2, units, candidates=np.asarray(sorted(set(cand.tolist()) | set(_used(a1))), dtype=np.int64),
                     what=f"{what}, slack phase", **common)
        stats["slack_phase"] = a2.stats()
        lam = a2.lambdas()
        act_x, act_y = np.asarray(lam @ Xs), np.asarray(lam @ Ys)
        if orientation == "input":
            s_in, s_out = t[:, None] * Xs - act_x, act_y - Ys
        else:
            s_in, s_out = Xs - act_x, act_y - t[:, None] * Ys
        # within the checked tolerance a slack is 0; a tiny negative is round-off
        s_in = np.where(s_in > tol, s_in, 0.0)
        s_out = np.where(s_out > tol, s_out, 0.0)
        slack_in, slack_out = s_in * sx, s_out * sy

    if orientation == "input":
        score, phi = np.minimum(t, 1.0), None
    else:
        phi = np.maximum(t, 1.0)
        score = 1.0 / phi
    weak = np.abs(score - 1.0) <= tol
    eff = None
    if slack_in is not None and slack_out is not None:
        eff = weak & np.all(slack_in / sx <= tol, axis=1) & np.all(slack_out / sy <= tol, axis=1)

    w_in = w_out = w_free = None
    if a1.pi is not None and np.all(np.isfinite(a1.pi)):
        w_in = np.maximum(-a1.pi[:, :m], 0.0) / sx
        w_out = np.maximum(a1.pi[:, m:m + s], 0.0) / sy
        if model == "bcc":
            w_free = a1.pi[:, -1].copy() if orientation == "input" else -a1.pi[:, -1]

    sup = sup_inf = None
    if super_efficiency:
        fam_s = _dea_family(Xs, Ys, model, orientation, exclude_self=True, name=f"{model}-{orientation}-super")
        a3, infeasible = _run(fam_s, units, candidates=np.asarray(_used(a1), dtype=np.int64),
                              what=f"{what}, super-efficiency", allow_infeasible=True, **common)
        stats["super_efficiency"] = a3.stats()
        ts = a3.z[:, 0]
        with np.errstate(divide="ignore"):
            sup = ts.copy() if orientation == "input" else np.where(ts > 0, 1.0 / np.where(ts > 0, ts, 1.0), np.inf)
        sup[infeasible] = np.nan
        sup_inf = infeasible

    return DEAResult(ids=ids_t, names_in=n_in, names_out=n_out, model=model, orientation=orientation, backend=backend,
                     method=how, scores=score, phi=phi, lambdas=lam, slack_in=slack_in, slack_out=slack_out,
                     efficient=eff, weakly_efficient=weak, weights_in=w_in, weights_out=w_out, weight_free=w_free,
                     super_scores=sup, super_infeasible=sup_inf, tol=tol, stats=stats)


def _used(ans: _Answers) -> list[int]:
    """Units with weight in some reference set (the frame found so far)."""
    used: set[int] = set()
    for c in ans.lam_rows:
        if c is not None:
            used.update(c.tolist())
    return sorted(used)


# -- SBM ----------------------------------------------------------------------------------------

def _sbm_family(Xs: FloatArray, Gs: FloatArray, Bs: FloatArray, rts: str) -> _Family:
    n, m = Xs.shape
    s1, s2 = Gs.shape[1], Bs.shape[1]
    vrs = rts == "vrs"
    d = m + s1 + s2
    R = d + 1 + (1 if vrs else 0)
    k = 1 + d
    F = np.zeros((n, R, k))
    F[:, :m, 0], F[:, m:m + s1, 0], F[:, m + s1:d, 0] = -Xs, -Gs, -Bs
    F[:, d, 0] = 1.0
    if vrs:
        F[:, d + 1, 0] = -1.0
    eye_in, eye_g, eye_b = np.arange(m), np.arange(s1), np.arange(s2)
    F[:, eye_in, 1 + eye_in] = 1.0
    F[:, m + eye_g, 1 + m + eye_g] = -1.0
    F[:, m + s1 + eye_b, 1 + m + s1 + eye_b] = 1.0
    with np.errstate(divide="ignore"):
        F[:, d, 1 + m:1 + m + s1] = 1.0 / ((s1 + s2) * Gs)
        F[:, d, 1 + m + s1:k] = np.where(Bs > 0, 1.0 / ((s1 + s2) * np.where(Bs > 0, Bs, 1.0)), 0.0)
        cF = np.zeros((n, k))
        cF[:, 0] = 1.0
        cF[:, 1:1 + m] = np.where(Xs > 0, -1.0 / (m * np.where(Xs > 0, Xs, 1.0)), 0.0)
    lo = np.zeros((n, R))
    hi = np.zeros((n, R))
    lo[:, d] = hi[:, d] = 1.0
    const = np.concatenate([[0.0], [1.0] if vrs else []])
    return _Family(f"sbm-{rts}", np.vstack([Xs.T, Gs.T, Bs.T]), const, np.zeros(n), F, cF,
                   np.zeros((n, k)), np.full((n, k), np.inf), lo, hi)


def sbm(
    X: Any,
    Y: Any,
    B: Any = None,
    *,
    rts: RTS = "crs",
    ids: Sequence[str] | None = None,
    backend: str = "highs",
    names_in: Sequence[str] | None = None,
    names_out: Sequence[str] | None = None,
    names_bad: Sequence[str] | None = None,
    method: Method = "auto",
    column_generation: bool = True,
    tol: float = DEFAULT_TOL,
    time_limit: float | None = None,
) -> SBMResult:
    """Tone's slacks-based measure (non-oriented SBM, Tone 2001) with optional undesirable
    outputs ``B`` (Tone 2004; Cooper, Seiford & Tone 2007, 2nd ed., ch. 13), under constant
    (``rts="crs"``) or variable (``"vrs"``) returns to scale, solved as the LP of the
    Charnes–Cooper transformation; the exact model is in the module docstring.

    ``X`` inputs (≥ 0), ``Y`` desirable outputs (> 0: the measure divides by them), ``B``
    undesirable outputs (≥ 0), each units × columns, arrays or DataFrames. The paths and checks
    are those of :func:`dea`. Super-efficiency SBM is not implemented.

    Returns an :class:`SBMResult`. Raises :class:`~zoneopt.errors.InvalidInputError` (bad data,
    naming the unit and the column; shape mismatches), :class:`~zoneopt.errors.NoSolutionError`
    and :class:`~zoneopt.errors.SolutionCheckError` as :func:`dea` does.
    """
    if rts not in ("crs", "vrs"):
        raise InvalidInputError(f"unknown returns to scale {rts!r} (crs, vrs)")
    if not (0 < tol < 1e-2):
        raise InvalidInputError(f"tol must be in (0, 0.01), got {tol!r}")
    how = _method(method, backend)
    tables: list[tuple[Any, str, str, Sequence[str] | None, str]] = [
        (X, "X", "input", names_in, "x"), (Y, "Y", "desirable output", names_out, "y")]
    if B is not None:
        tables.append((B, "B", "undesirable output", names_bad, "b"))
    arrays, names, ids_t = _prepare(tables, ids, positive={"Y"})
    Xa, Ga = arrays[0], arrays[1]
    Ba = arrays[2] if B is not None else np.zeros((Xa.shape[0], 0))
    sx, sg = _scale(Xa), _scale(Ga)
    sb = _scale(Ba) if Ba.shape[1] else np.ones(0)
    Xs, Gs, Bs = Xa / sx, Ga / sg, Ba / sb if Ba.shape[1] else Ba
    n, m = Xs.shape
    s1, s2 = Gs.shape[1], Bs.shape[1]
    fam = _sbm_family(Xs, Gs, Bs, rts)
    units = np.arange(n, dtype=np.int64)
    cand = _initial_candidates(np.vstack([Xs.T, Bs.T]), Gs.T)
    ans, _ = _run(fam, units, method=how, backend=backend, options=_options(time_limit), cg=column_generation,
                  candidates=cand, tol=tol, what=f"SBM {rts}", ids=ids_t)
    t = ans.z[:, 0]
    if np.any(t <= 0):
        o = int(np.flatnonzero(t <= 0)[0])
        raise SolutionCheckError(f"SBM {rts}: the answer for unit {ids_t[o]!r} has t = {t[o]:g} (must be > 0)")
    lam = sp.diags(1.0 / t) @ ans.lambdas()
    S = ans.z[:, 1:] / t[:, None]
    S = np.where(S > tol, S, 0.0)
    s_in, s_g, s_b = S[:, :m] * sx, S[:, m:m + s1] * sg, S[:, m + s1:] * (sb if s2 else 1.0)
    rho = np.minimum(ans.objective, 1.0)
    # the ratio of the slacks must give the LP's value back (a check of the back-transformation)
    with np.errstate(divide="ignore", invalid="ignore"):
        num = 1.0 - np.where(Xs > 0, S[:, :m] / np.where(Xs > 0, Xs, 1.0), 0.0).sum(axis=1) / m
        den = 1.0 + (S[:, m:m + s1] / Gs).sum(axis=1) / (s1 + s2)
        if s2:
            den += np.where(Bs > 0, S[:, m + s1:] / np.where(Bs > 0, Bs, 1.0), 0.0).sum(axis=1) / (s1 + s2)
    err = np.abs(num / den - ans.objective)
    if np.any(err > 10 * tol):
        o = int(np.argmax(err))
        raise SolutionCheckError(f"SBM {rts}: for unit {ids_t[o]!r} the slacks give ρ = {num[o] / den[o]:.9g} but "
                                 f"the LP value is {ans.objective[o]:.9g}")
    return SBMResult(ids=ids_t, names_in=names[0], names_out=names[1], names_bad=names[2] if B is not None else (),
                     rts=rts, backend=backend, method=how, scores=rho, lambdas=sp.csr_matrix(lam),
                     slack_in=s_in, slack_out=s_g, slack_bad=s_b if B is not None else None,
                     efficient=np.abs(rho - 1.0) <= tol, tol=tol, stats={"lp": ans.stats()})


__all__ = ["dea", "sbm", "DEAResult", "SBMResult"]
