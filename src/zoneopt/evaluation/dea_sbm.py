"""The slacks-based measure (SBM) of DEA with undesirable outputs, for many units at once.
Radial CCR/BCC efficiency is in :mod:`~zoneopt.evaluation.dea_radial`; the LPs are solved and
checked as there (:mod:`~zoneopt.evaluation.dea_solve`, :mod:`~zoneopt.evaluation.dea_check`).

SBM with undesirable outputs (Tone 2001, EJOR 130:498–509; Tone 2004 and Cooper, Seiford &
Tone 2007, 2nd ed., ch. 13 "Undesirable outputs models"), non-oriented; unit ``o``, inputs
``X``, desirable outputs ``Y^g`` and undesirable outputs ``Y^b`` (``B``)::

    ρ* = min [1 − (1/m) Σ_i s⁻_i / x_io] / [1 + (1/(s1+s2)) (Σ_r s^g_r / y^g_ro + Σ_r s^b_r / y^b_ro)]
    s.t. x_o = Xλ + s⁻,  y^g_o = Y^g λ − s^g,  y^b_o = Y^b λ + s^b,  λ, s⁻, s^g, s^b ≥ 0 (VRS: Σλ = 1)

solved as the LP of the Charnes–Cooper transformation (t > 0, Λ = tλ, S = ts)::

    min τ = t − (1/m) Σ_i S⁻_i / x_io
    s.t. 1 = t + (1/(s1+s2)) (Σ_r S^g_r / y^g_ro + Σ_r S^b_r / y^b_ro)
         t x_o = XΛ + S⁻,  t y^g_o = Y^g Λ − S^g,  t y^b_o = Y^b Λ + S^b,  Λ, S ≥ 0  (VRS: ΣΛ = t)

with ρ* = τ*, λ = Λ/t, s = S/t. A zero input ``x_io`` (or undesirable output ``y^b_ro``) forces
its slack to 0, so its term is dropped (it would be 0/0); desirable outputs of SBM must be
positive. SBM super-efficiency (Tone 2002) is not implemented.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from zoneopt.errors import InvalidInputError, SolutionCheckError
from zoneopt.evaluation.dea_data import _prepare, _scale
from zoneopt.evaluation.dea_family import _Family
from zoneopt.evaluation.dea_results import RTS, SBMResult
from zoneopt.evaluation.dea_solve import DEFAULT_TOL, Method, _initial_candidates, _method, _options, _run

FloatArray = npt.NDArray[np.float64]


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
    are those of :func:`~zoneopt.evaluation.dea_radial.dea`. Super-efficiency SBM is not
    implemented.

    Returns an :class:`SBMResult`. Raises :class:`~zoneopt.errors.InvalidInputError` (bad data,
    naming the unit and the column; shape mismatches), :class:`~zoneopt.errors.NoSolutionError`
    and :class:`~zoneopt.errors.SolutionCheckError` as
    :func:`~zoneopt.evaluation.dea_radial.dea` does.
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


__all__ = ["sbm"]
