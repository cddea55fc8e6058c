"""The records the DEA models return: :class:`DEAResult` (radial CCR/BCC,
:func:`~zoneopt.evaluation.dea_radial.dea`) and :class:`SBMResult` (slacks-based measure,
:func:`~zoneopt.evaluation.dea_sbm.sbm`), each with its units' reference sets and a
``pandas.DataFrame`` view, and the names of the models' options.

Arrays are indexed like the rows of the data given; slacks are in the data's own units.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

Orientation = Literal["input", "output"]
DEAModelName = Literal["ccr", "bcc"]
RTS = Literal["crs", "vrs"]


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
    """Slacks-based measure of every unit (see :mod:`~zoneopt.evaluation.dea_sbm` for the model).

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


__all__ = ["DEAResult", "SBMResult"]
