"""A robust land plan from a Monte Carlo sweep: the allocation that maximises the conditional
value at risk (CVaR) of the efficiency objective over the draws — the mean of its worst α share
— or, with α = 0, its worst case, as one LP over the whole scenario set.

The plan obeys the rules as the instance states them (grades, scores and tilts from the figures
as reported: the rules are applied to the official evaluation); what is uncertain is what the
plan is worth, Σ_i w_i x_i, because the weights w (亩均税收 ...) rest on figures with known error.
Draw k of the sweep gives w^k (the ``weight`` column). With z_k(x) = Σ_i w^k_i x_i (Rockafellar
and Uryasev 2000, the lower tail of a reward):

    CVaR_α(x) = max_η  η − 1/(α K) Σ_k max(0, η − z_k(x))

so maximising it over the plans is the LP

    max  η − 1/(α K) Σ_k s_k   s.t.  s_k ≥ η − z_k(x),  s_k ≥ 0,  x in the land model's rows

(α = 1: the mean over draws; α ≤ 1/K: the worst draw; α = 0 is solved as max η s.t. η ≤ z_k(x)).
``models/sweeps.md`` has the derivation and what the plan answers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp

from zoneopt.core.model import ModelBuilder
from zoneopt.core.solution import Solution, SolveOptions
from zoneopt.core.solve import DEFAULT_BACKEND
from zoneopt.core.solve import solve as core_solve
from zoneopt.core.stack import add_model
from zoneopt.errors import InvalidInputError
from zoneopt.instance import Instance
from zoneopt.models.land_plan import raise_for_status
from zoneopt.models.land_quota import LandModel, build_land_model

FloatArray = npt.NDArray[np.float64]


def cvar(z: npt.ArrayLike, alpha: float) -> float:
    """The lower-tail CVaR of equally likely values ``z``: the mean of the worst α share (the
    boundary value weighted by the fraction it contributes); α = 0 is the minimum."""
    v = np.sort(np.asarray(z, dtype=float))
    k = v.size
    if k == 0:
        return math.nan
    if alpha <= 0 or alpha * k <= 1:
        return float(v[0])
    alpha = min(alpha, 1.0)
    m = int(math.floor(alpha * k))
    tail = float(v[:m].sum()) + (alpha * k - m) * (float(v[m]) if m < k else 0.0)
    return tail / (alpha * k)


@dataclass(frozen=True, eq=False)
class RobustPlan:
    """A robust land plan and the nominal one (the optimum for the figures as reported).

    ``allocations``: ``zone``, ``nominal_mu``, ``robust_mu``, ``change_mu``; ``draws``:
    ``variant`` and each plan's objective under that draw's figures; ``summary``: one row per
    plan with ``reported`` (its objective on the reported figures), ``mean``, ``p5``,
    ``worst`` and ``cvar`` over the draws, in ``objective_unit``. ``alpha`` = 0 is the
    worst case."""

    alpha: float
    allocations: pd.DataFrame
    draws: pd.DataFrame
    summary: pd.DataFrame
    objective_unit: str
    backend: str
    optimum: float
    """The LP's optimum: the robust plan's CVaR (or worst case), natural units."""


def _weights(table: pd.DataFrame, zones: list[str]) -> tuple[npt.NDArray[np.int64], FloatArray]:
    draws = table[table["kind"] == "draw"]
    if draws.empty:
        raise InvalidInputError("a robust plan needs the sweep's Monte Carlo draws (--draws)")
    w = draws.pivot(index="variant", columns="zone", values="weight").reindex(columns=zones).sort_index()
    w = w[w.notna().all(axis=1)]  # a draw the model could not take has no weights
    if w.empty:
        raise InvalidInputError("no draw of the sweep has objective weights (is the objective 'efficiency'?)")
    return w.index.to_numpy(dtype=np.int64), w.to_numpy(dtype=float)


def _allocation(lm: LandModel, sol: Solution) -> FloatArray:
    assert sol.x is not None
    x = sol.x[lm.x.slice]
    return np.round(x) * lm.land_unit if lm.pool.parcel_mu is not None else np.maximum(x, 0.0) * lm.land_unit


def robust_plan(instance: Instance, table: pd.DataFrame, alpha: float = 0.05, backend: str = DEFAULT_BACKEND, *,
                options: SolveOptions | None = None) -> RobustPlan:
    """The land plan of ``instance`` that maximises the CVaR at level ``alpha`` (0: the worst
    case) of its efficiency objective over the draws of the sweep ``table`` (a sweep of this
    instance with Monte Carlo draws; see the module docstring). Raises
    :class:`InvalidInputError` for an objective other than ``efficiency``, an ``alpha`` outside
    [0, 1], or a table without draws or of other zones, and what the land solve raises."""
    if not (0.0 <= alpha <= 1.0):
        raise InvalidInputError(f"robust plan: alpha must be in [0, 1], got {alpha!r}")
    if instance.objective.kind != "efficiency":
        raise InvalidInputError(f"a robust plan is defined for the efficiency objective; this instance's is "
                                f"{instance.objective.kind!r}")
    zones = instance.zone_ids
    if list(dict.fromkeys(table["zone"].tolist())) != zones:
        raise InvalidInputError("the sweep table is not of this instance's zones")
    variants, W = _weights(table, zones)
    lm = build_land_model(instance)
    opts = options if options is not None else SolveOptions()
    nominal = core_solve(lm.model, backend, options=opts)
    raise_for_status(nominal, lm, time_limit=opts.time_limit)
    K, n = W.shape
    b = ModelBuilder(f"robust:{instance.name}", "max")
    add_model(b, lm.model, "", weight=0.0)
    b.add_vars("cvar:eta", 1, lb=-np.inf, obj=1.0)
    # z_k in model units: Σ_i w^k_i σ x_i / obj_scale (the land model's own scaling)
    C = sp.csr_matrix(W * (lm.land_unit / lm.obj_scale))
    cols = [sp.csr_matrix((K, lm.x.start)), C, sp.csr_matrix((K, b.num_vars - lm.x.start - n - 1)),
            sp.csr_matrix(-np.ones((K, 1)))]
    if alpha > 0:  # the shortfalls s_k; without them (α = 0) the rows read η <= z_k
        b.add_vars("cvar:shortfall", K, lb=0.0, obj=-1.0 / (alpha * K))
        cols.append(sp.identity(K, format="csr"))
    b.add_rows("cvar:tail", sp.hstack(cols, format="csr"), lb=0.0, rule="cvar", labels=[str(v) for v in variants])
    sol = core_solve(b.build(), backend, options=opts)
    raise_for_status(sol, lm, time_limit=opts.time_limit)
    assert sol.objective is not None
    x_nom, x_rob = _allocation(lm, nominal), _allocation(lm, sol)
    z_nom, z_rob = W @ x_nom, W @ x_rob
    reported = lm.weights if lm.weights is not None else np.full(n, np.nan)
    summary = pd.DataFrame([
        {"plan": name, "reported": float(reported @ x), "mean": float(z.mean()), "p5": float(np.percentile(z, 5)),
         "worst": float(z.min()), "cvar": cvar(z, alpha)}
        for name, x, z in (("nominal", x_nom, z_nom), ("robust", x_rob, z_rob))])
    return RobustPlan(
        alpha=alpha,
        allocations=pd.DataFrame({"zone": zones, "nominal_mu": x_nom, "robust_mu": x_rob, "change_mu": x_rob - x_nom}),
        draws=pd.DataFrame({"variant": variants, "nominal": z_nom, "robust": z_rob}),
        summary=summary, objective_unit=lm.objective_unit, backend=backend, optimum=sol.objective * lm.obj_scale)


__all__ = ["RobustPlan", "robust_plan", "cvar"]
