"""A DEA model as an LP *family*: one LP per unit, all sharing the units' columns (λ), each
unit changing only its own columns (θ or φ, slacks), their costs and bounds, and the
right-hand sides. :class:`_Family` states the LPs in arrays for every unit at once;
:class:`_Answers` holds what was found for each unit (status, objective, own columns, λ,
duals). The models (:mod:`~zoneopt.evaluation.dea_radial`, :mod:`~zoneopt.evaluation.dea_sbm`)
write families; :mod:`~zoneopt.evaluation.dea_solve` solves them and
:mod:`~zoneopt.evaluation.dea_check` checks the answers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

_PRICE_BLOCK = 512  # units priced per matrix product (memory: block × units floats)


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
