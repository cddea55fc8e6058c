"""The independent check of every DEA answer before it is returned.

For all units at once in numpy, on the scaled data the LPs see (each input and output column
divided by its largest value): primal feasibility of each unit's own columns (θ or φ, slacks)
and of λ against the data, and the reported objective; and, where the solver gave duals
(always on the batch path), an optimality certificate — the duals are feasible for the *full*
LP, every unit's column included, and the duality gap is below ``tol``. Failing units raise
:class:`~zoneopt.errors.SolutionCheckError`. On the per-unit path every LP answer has also
passed the core checker inside :func:`zoneopt.core.solve`; the optimality certificate there
needs a backend that returns duals (all LP backends but SCIP do).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from zoneopt.errors import SolutionCheckError
from zoneopt.evaluation.dea_family import _PRICE_BLOCK, _Answers, _Family

IntArray = npt.NDArray[np.int64]


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
