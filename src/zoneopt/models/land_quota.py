"""Land-quota model (新增建设用地指标): split the land pool across zones.

The mathematics, each rule's policy clause and the units are in ``models/land-quota.md``.
Every row block carries the id of the rule that made it; all blocks are built from arrays
(selector masks, sparse group membership), never one Python object per zone.

Scaling: the solver sees land in units of ``land_unit`` mu (the parcel size for a parcel
model, else a power of ten no larger than the mean share of the pool or the median request)
and an objective divided by
``obj_scale`` so its largest coefficient is about 1. Plans report mu and natural units.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from zoneopt.core.model import Model, ModelBuilder, Sense, VarBlock
from zoneopt.data.zones import ZoneTable
from zoneopt.errors import InstanceError, Issue
from zoneopt.evaluation.indicators import indicator, objective_unit
from zoneopt.evaluation.run import evaluated_table
from zoneopt.instance import (
    Instance,
    LandPool,
)
from zoneopt.models.allocation import FAIRNESS_UNIT, TIERED_UNIT, Allocation, block_objective, priority_order
from zoneopt.models.outcome import ResourceModel
from zoneopt.models.rules import RuleInfo, TiltChain, ZoneTotals, add_pool_row, add_zone_rules, model_unit

FloatArray = npt.NDArray[np.float64]
TOTAL_RULE = "land-total"




@dataclass(frozen=True, eq=False)
class LandModel:
    """A built land model: the core model plus what is needed to read a solution back."""

    instance: Instance
    zones: ZoneTable
    model: Model
    x: VarBlock
    land_unit: float
    """mu per model unit of land."""
    obj_scale: float
    """natural objective = model objective × obj_scale."""
    objective_unit: str
    weights: FloatArray | None = None
    baseline_mu: FloatArray | None = None
    equity: VarBlock | None = None
    rules: dict[str, RuleInfo] = field(default_factory=dict)
    tilts: tuple[TiltChain, ...] = ()
    """what each tilt rule built: the solve form (:mod:`zoneopt.models.land_form`) reads it."""
    allocation: Allocation = field(default_factory=Allocation)
    """the tiered target, diminishing returns and priority order (models/allocation.py)."""

    @property
    def tie_break_scale(self) -> float:
        """natural secondary objective (equity tie-break) = stage-2 objective × this."""
        wmax = float(self.weights.max()) if self.weights is not None else 1.0
        return (wmax or 1.0) * self.land_unit

    @property
    def pool(self) -> LandPool:
        assert self.instance.pools.land is not None
        return self.instance.pools.land


def _land_unit(pool: LandPool, requests: FloatArray) -> float:
    """mu per model unit (see :func:`model_unit`)."""
    return model_unit(pool.total_mu, requests, pool.parcel_mu)




def build_land_model(instance: Instance) -> LandModel:
    """Build the land-quota model of ``instance``. Raises :class:`InstanceError` when the
    instance has no land pool or lacks data an objective or rule needs."""
    pool = instance.pools.land
    if pool is None:
        raise InstanceError([Issue("pools.land", "the land model needs a land pool (pools.land.total_mu)")])
    zt = evaluated_table(instance)
    n = zt.size
    ids = zt.ids
    request = zt.frame["request_land_mu"].to_numpy()
    sigma = _land_unit(pool, request)
    Q = pool.total_mu / sigma
    obj = instance.objective
    sense: Sense = "min" if obj.kind == "baseline" else "max"
    b = ModelBuilder(f"land:{instance.name}", sense)
    x = b.add_vars("x", n, lb=0.0, ub=np.inf, integer=pool.parcel_mu is not None, labels=ids.tolist())
    rules: dict[str, RuleInfo] = {}
    totals = ZoneTotals(sp.identity(n, format="csr"), sigma, Q, request)
    add_pool_row(b, TOTAL_RULE, totals, exact=pool.exact, source=pool.source, info=rules, note="land pool total")
    tilts: list[TiltChain] = []
    excluded = add_zone_rules(b, [(f"rules[{r}]", rule) for r, rule in enumerate(instance.rules)], totals,
                              instance, zt, rules, tilts)
    lm = _with_objective(instance, zt, b, x, sigma, rules, request, excluded, Q)
    return replace(lm, tilts=tuple(tilts))


















def _with_objective(inst: Instance, zt: ZoneTable, b: ModelBuilder, x: VarBlock, sigma: float,
                    rules: dict[str, RuleInfo], request: FloatArray, excluded: npt.NDArray[np.bool_],
                    Q: float) -> LandModel:
    """Add the objective's variables, rows and coefficients, then build."""
    obj = inst.objective
    n = zt.size
    assert inst.pools.land is not None
    parts = {obj.kind: 1.0} if obj.kind != "blend" else dict(obj.blend or {})
    weights = baseline = None
    equity_block = None
    c_x = np.zeros(n)
    obj_scale, unit = 1.0, "score (blend of normalised terms)"

    if obj.kind == "equity":
        try:  # the tie-break prefers efficient zones when the data are there
            weights = indicator(inst, obj.weight, field="objective.weight", table=zt)
        except InstanceError:
            weights = None
    if parts.get("efficiency"):
        weights = indicator(inst, obj.weight, field="objective.weight", table=zt)
        if (weights < 0).any():
            raise InstanceError([Issue("objective.weight", f"indicator {obj.weight!r} has negative values")])
        if np.isinf(weights).any():
            k = int(np.flatnonzero(np.isinf(weights))[0])
            raise InstanceError([Issue(f"zones[{k}]", f"indicator {obj.weight!r} is beyond the largest number "
                                                      f"(1.8e308) at zone {str(zt.ids[k])!r}: check its figures")])
        wmax = float(weights.max()) or 1.0
        if obj.kind == "efficiency":
            obj_scale = wmax * sigma
            unit = objective_unit(obj.weight, inst)
            c_x = weights * sigma / obj_scale
        elif obj.kind == "blend":
            c_x = c_x + parts["efficiency"] * weights / (wmax * Q)
    if parts.get("equity"):
        # Requests below a billionth of the land unit are zero for the solver (a 1e-16 mu
        # request would put a 1e-16 coefficient in the matrix and break simplex codes).
        eligible = ~excluded & (np.nan_to_num(request, nan=0.0) > 1e-9 * sigma)
        if not eligible.any():
            raise InstanceError([Issue("objective.kind",
                                       "equity needs a zone that is not excluded and has requests.land_mu > 0")])
        equity_block = b.add_vars("min_fulfilment", 1, lb=0.0, ub=1.0, obj=parts["equity"])
        idx = np.flatnonzero(eligible)
        m = idx.size
        A = sp.csr_matrix((np.concatenate([np.ones(m), -request[idx] / sigma]),
                           (np.concatenate([np.arange(m)] * 2), np.concatenate([idx, np.full(m, equity_block.start)]))),
                          shape=(m, b.num_vars))
        b.add_rows("equity:fulfilment", A, lb=0.0, labels=zt.ids[idx].tolist())
        if obj.kind == "equity":
            unit = "min fulfilment (share of request)"
    if parts.get("baseline"):
        basis = indicator(inst, obj.baseline_basis, field="objective.baseline_basis", table=zt)
        if (basis < 0).any() or basis.sum() <= 0:
            raise InstanceError([Issue("objective.baseline_basis",
                                       f"indicator {obj.baseline_basis!r} must be >= 0 with a positive total")])
        baseline = inst.pools.land.total_mu * basis / basis.sum()
        weight = 1.0 if obj.kind == "baseline" else -parts["baseline"] / Q
        dev = b.add_vars("deviation", 2 * n, lb=0.0, obj=weight)
        # x_i − d⁺_i + d⁻_i = b_i, so d⁺ + d⁻ >= |x − b| and equals it at an optimum
        rows = np.tile(np.arange(n), 3)
        cols = np.concatenate([np.arange(n), dev.start + np.arange(n), dev.start + n + np.arange(n)])
        vals = np.concatenate([np.ones(n), -np.ones(n), np.ones(n)])
        A = sp.csr_matrix((vals, (rows, cols)), shape=(n, b.num_vars))
        b.add_rows("baseline:deviation", A, lb=baseline / sigma, ub=baseline / sigma,
                   labels=zt.ids.tolist())
        if obj.kind == "baseline":
            obj_scale, unit = sigma, "mu (total |allocation − baseline|)"
    c_x, alloc = _allocation_terms(inst, zt, b, x, sigma, Q, request, excluded, parts, c_x)
    if obj.kind in ("tiered", "lexicographic"):
        obj_scale, unit = sigma, f"mu {TIERED_UNIT}"
    elif obj.kind == "fairness":
        obj_scale, unit = 1.0, FAIRNESS_UNIT
    if obj.kind in ("efficiency", "blend", "tiered", "lexicographic", "fairness"):
        b.set_obj(x, c_x)
    model = b.build(objective_scale=obj_scale, objective_unit=unit)  # the checker reports in plan units
    return LandModel(inst, zt, model, x, sigma, obj_scale, unit, weights=weights,
                     baseline_mu=baseline, equity=equity_block, rules=rules, allocation=alloc)


def _allocation_terms(inst: Instance, zt: ZoneTable, b: ModelBuilder, x: VarBlock, sigma: float, Q: float,
                      request: FloatArray, excluded: npt.NDArray[np.bool_], parts: Mapping[Any, float],
                      c_x: FloatArray) -> tuple[FloatArray, Allocation]:
    """Diminishing returns on the efficiency coefficients ``c_x``, the tiered target (the
    ``tiered`` and ``lexicographic`` objectives, the ``tiered`` term of a blend, weighted by
    1/Q there) and the priority order (models/allocation.py)."""
    obj = inst.objective
    lexicographic = obj.kind == "lexicographic"
    tiered = 1.0 if obj.kind in ("tiered", "lexicographic") else parts.get("tiered", 0.0) / Q
    fair = 1.0 if obj.kind == "fairness" else 0.0
    if obj.diminishing is None and not tiered and not fair:
        return c_x, Allocation()
    rules = [(f"rules[{r}]", rule) for r, rule in enumerate(inst.rules)]
    totals = ZoneTotals(sp.identity(zt.size, format="csr"), sigma, Q, request)
    order = None
    if lexicographic:
        assert obj.priority is not None
        order = priority_order(inst, zt, obj.priority, ~excluded, "objective")
    dim = obj.diminishing if parts.get("efficiency") else None
    bo = block_objective(b, inst, zt, x, totals, rules, excluded, c_x, tiered_weight=tiered, tiers=obj.tiers,
                         diminishing=dim, priority_zones=order, where="objective",
                         integer=inst.pools.land is not None and inst.pools.land.parcel_mu is not None,
                         fairness=obj.fairness, fairness_weight=fair)
    cap = bo.cap[order][:, None] if order is not None else None
    return bo.coef, Allocation((x,), (bo.term,) if bo.term else (), order, cap,
                               (bo.segments,) if bo.segments else ())


def efficiency_stage(lm: LandModel, min_fulfilment: float) -> Model:
    """The equity model's second stage: keep the minimum fulfilment at its optimum and
    maximise efficiency among those plans (a lexicographic tie-break)."""
    assert lm.equity is not None
    m = lm.model
    c = np.zeros(m.num_vars)
    w = lm.weights if lm.weights is not None else np.ones(lm.x.size)
    c[lm.x.slice] = w * lm.land_unit / lm.tie_break_scale
    lb = m.lb.copy()
    lb[lm.equity.start] = max(0.0, min_fulfilment - 1e-9)
    return replace(m, c=c, lb=lb, name=m.name + ":tie-break", objective_scale=1.0, objective_unit="")


# -- solving and reading the answer back ------------------------------------------------------


def land_resource_model(instance: Instance) -> ResourceModel:
    """The land model of ``instance`` with its units (mu), for validation, diagnosis and
    explanation."""
    lm = build_land_model(instance)
    return ResourceModel("land", lm, lm.model, lm.land_unit, "mu", None, lm.rules,
                         "mip" if lm.model.is_mip else "lp", f"land unit {lm.land_unit:g} mu")
