"""Radial data envelopment analysis (DEA): CCR/BCC efficiency with slacks and
super-efficiency, for many units at once. The slacks-based measure is in
:mod:`~zoneopt.evaluation.dea_sbm`; how the LPs are solved and checked in
:mod:`~zoneopt.evaluation.dea_solve` and :mod:`~zoneopt.evaluation.dea_check`.

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
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from zoneopt.errors import InvalidInputError
from zoneopt.evaluation.dea_data import _prepare, _scale
from zoneopt.evaluation.dea_family import _Answers, _Family
from zoneopt.evaluation.dea_results import DEAModelName, DEAResult, Orientation
from zoneopt.evaluation.dea_solve import DEFAULT_TOL, Method, _initial_candidates, _method, _options, _run

FloatArray = npt.NDArray[np.float64]


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


__all__ = ["dea"]
