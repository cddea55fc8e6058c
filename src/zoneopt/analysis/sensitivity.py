"""Sensitivity analysis of the land-quota plan: what each rule is worth, what happens when a
rule or the pool moves, and what equity costs in efficiency.

* :func:`rule_prices` — each rule's shadow price (objective units per mu of its bound), its
  imputed value, and (HiGHS) the range of the bound over which the price holds;
  :func:`rank_rules` orders the rules by what they cost to first order, :func:`rule_costs`
  exactly (a re-solve without each rule).
* :func:`what_if` — re-solve with the pool or one rule's bound set to a list of values
  (a parametric curve, :class:`WhatIfCurve`).
* :func:`frontier` — the efficiency–equity trade-off by the ε-constraint method.

The mathematics and the policy question each answers are in ``models/sensitivity.md``. Land is
in mu; objectives are in the plan's natural units (``LandModel.objective_unit``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from zoneopt.core.backends.highs import RowRanging, row_ranging
from zoneopt.core.model import Model
from zoneopt.core.progress import track
from zoneopt.core.solution import Solution, SolveOptions, Status
from zoneopt.core.solve import DEFAULT_BACKEND
from zoneopt.core.solve import solve as core_solve
from zoneopt.errors import InstanceError, InvalidInputError, Issue
from zoneopt.evaluation.indicators import objective_unit
from zoneopt.instance import (
    GroupBoundsRule,
    Instance,
    LockRule,
    Objective,
    RequestCapRule,
    ZoneBoundsRule,
)
from zoneopt.models.land_plan import raise_for_status
from zoneopt.models.land_quota import TOTAL_RULE, LandModel, build_land_model, efficiency_stage
from zoneopt.models.rules import BINDING_TOLERANCE
from zoneopt.plans.glossary import spoken

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]
ObjectArray = npt.NDArray[np.object_]

POOL = "pool"
"""The :func:`what_if` target naming the land pool total (rule ``land-total``)."""

PRICE_COLUMNS = ("rule", "type", "source", "block", "row", "label", "side", "bound", "activity", "slack",
                 "binding", "shadow_price", "value", "range_lower", "range_upper", "range_note", "unit")
"""Columns of :func:`rule_prices`, in order."""

# Duals from two solves of one LP agree to this (relative to the largest dual) when they
# describe the same vertex; PDLP's are within ~1e-5 of HiGHS's (ortools_backend.py).
_DUAL_AGREEMENT = 1e-5


# -- rule prices --------------------------------------------------------------------------------

def _row_state(m: Model, x: FloatArray) -> tuple[FloatArray, BoolArray, BoolArray]:
    """Row activity and which rows sit at their upper / lower bound (the plan's test:
    ``BINDING_TOLERANCE`` × max(1, |bound|), model units)."""
    act = m.A @ x
    tol = BINDING_TOLERANCE * np.maximum(1.0, np.abs(np.where(np.isfinite(m.row_ub), m.row_ub, m.row_lb)))
    at_ub = np.isfinite(m.row_ub) & (np.abs(act - m.row_ub) <= tol)
    at_lb = np.isfinite(m.row_lb) & (np.abs(act - m.row_lb) <= tol) & ~at_ub
    return act, at_ub, at_lb


def rule_prices(lm: LandModel, solution: Solution, ranging: RowRanging | bool | None = None, *,
                primary: Solution | None = None) -> pd.DataFrame:
    """Every rule of the land model with its shadow price, in plan units.

    ``solution`` is a checked solution of ``lm.model``; as in
    :func:`~zoneopt.models.land_quota.plan_from_solution`, ``primary`` (default ``solution``)
    is the first stage of a lexicographic (equity) solve, whose duals are the prices, while
    activities and binding rows are read from ``solution``.

    One line per row of the rule that binds (at its bound, or with a non-zero dual); a rule
    with a single row (the pool ``land-total``, a combined group) always has its line; a
    multi-row rule none of whose rows binds gets one line, its row closest to binding. Columns
    (:data:`PRICE_COLUMNS`):

    * ``rule``, ``type`` (``pool`` for ``land-total``), ``source``, ``block`` (the row block,
      e.g. ``city-cap:cap_share``), ``row`` (``block[label]``), ``label`` (the zone or group the
      row is about, ``total`` for the pool);
    * ``side`` (``upper``, ``lower`` or ``equal``: the bound that binds, or the nearer one),
      ``bound``, ``activity``, ``slack`` = |bound − activity| (mu), ``binding`` (bool);
    * ``shadow_price``: d objective / d bound, in ``unit`` = "<objective unit> per mu"
      (:mod:`zoneopt.core.solution`'s sign convention: a binding cap on a maximisation is
      worth ≥ 0, a binding floor costs ≤ 0). For ``land-total`` under the efficiency objective
      this is the expected yearly tax (money/yr) per extra mu of quota. NaN for a MIP;
    * ``value`` = shadow_price × bound: the part of the optimum imputed to the rule's bound (by
      LP duality the values of all rows, plus active variable bounds, add up to the objective;
      for the efficiency objective the rule rows alone do);
    * ``range_lower``, ``range_upper`` (mu): the interval over which the bound may move with
      the price unchanged (the optimal basis stays optimal), from HiGHS ranging; NaN with the
      reason in ``range_note`` otherwise.

    ``ranging``: ``None`` ranges the model with HiGHS when the prices come from the ``highs``
    backend (one more simplex solve); ``True`` does so whatever the backend (the ranges are
    kept only if HiGHS finds the same duals); ``False`` skips ranging; a
    :class:`~zoneopt.core.backends.highs.RowRanging` of ``lm.model`` is used as given.

    ``attrs`` carry ``objective`` (natural units), ``objective_unit``, ``price_unit``,
    ``objective_kind``, ``backend``, ``land_unit_mu`` and ``ranging_note``. Raises
    :class:`InvalidInputError` when the solution has no point or does not fit the model.
    """
    primary = primary if primary is not None else solution
    m, sigma = lm.model, lm.land_unit
    for name, s in (("solution", solution), ("primary", primary)):
        if s.x is None or s.x.shape != (m.num_vars,):
            raise InvalidInputError(f"rule_prices: {name} ({s.status.value}, {s.backend}) has no point of model "
                                    f"{m.name!r} ({m.num_vars} variables)")
    assert solution.x is not None
    act, at_ub, at_lb = _row_state(m, solution.x)
    binding = at_ub | at_lb
    ub_fin, lb_fin = np.isfinite(m.row_ub), np.isfinite(m.row_lb)
    nearer_ub = ub_fin & (~lb_fin | (np.abs(m.row_ub - act) <= np.abs(act - m.row_lb)))
    on_ub = at_ub | (~at_lb & nearer_ub)
    bound = np.where(on_ub, m.row_ub, m.row_lb)
    slack = np.where(np.isfinite(bound), np.abs(bound - act), np.inf)

    scale = lm.obj_scale / sigma
    y = primary.row_duals
    price = y * scale if y is not None else np.full(m.num_rows, np.nan)
    # a dual off a bound is solver noise (complementary slackness), but list it rather than hide it
    nonzero = np.abs(np.nan_to_num(price)) > 1e-7 * max(1.0, float(np.nanmax(np.abs(price), initial=0.0)))

    keep = np.zeros(m.num_rows, dtype=bool)
    for b in m.row_blocks:  # a loop over rule blocks; rows within a block are arrays
        if not b.rule or b.size == 0:
            continue
        sl = b.slice
        if b.size == 1:
            keep[sl] = True
            continue
        hit = binding[sl] | nonzero[sl]
        if hit.any():
            keep[sl] = hit
        else:
            keep[b.start + int(np.argmin(slack[sl]))] = True
    rows = np.flatnonzero(keep)

    lo, hi, note = _ranges(lm, primary, ranging)
    block_of = m.row_block_index()[rows]
    blocks = m.row_blocks
    rule_ids = np.array([b.rule or "" for b in blocks], dtype=object)[block_of]
    block_types = np.array([lm.rules[b.rule].type if b.rule in lm.rules else "" for b in blocks], dtype=object)
    labels = np.empty(rows.size, dtype=object)
    for k in np.unique(block_of):  # per block, not per row
        b = blocks[k]
        sel = block_of == k
        off = rows[sel] - b.start
        labels[sel] = np.asarray(b.labels, dtype=object)[off] if b.labels else off.astype(str)
    block_names = np.array([b.name for b in blocks], dtype=object)[block_of]
    side = np.where(on_ub[rows], np.where(m.row_lb[rows] == m.row_ub[rows], "equal", "upper"), "lower")
    p = price[rows]
    unit = f"{lm.objective_unit} per mu"
    frame = pd.DataFrame({
        "rule": rule_ids.astype(str),
        "type": block_types[block_of],
        "source": np.array([b.source for b in blocks], dtype=object)[block_of],
        "block": block_names,
        "row": block_names + "[" + labels.astype(str) + "]",
        "label": labels,
        "side": side,
        "bound": bound[rows] * sigma,
        "activity": act[rows] * sigma,
        "slack": slack[rows] * sigma,
        "binding": binding[rows],
        "shadow_price": p,
        "value": np.where(p == 0.0, 0.0, p * bound[rows] * sigma),
        "range_lower": lo[rows],
        "range_upper": hi[rows],
        "range_note": note,
        "unit": unit,
    }, columns=list(PRICE_COLUMNS))
    assert primary.objective is not None
    frame.attrs.update({
        "objective": primary.objective * lm.obj_scale, "objective_unit": lm.objective_unit, "price_unit": unit,
        "objective_kind": lm.instance.objective.kind, "backend": primary.backend, "land_unit_mu": sigma,
        "ranging_note": note,
    })
    return frame


def _ranges(lm: LandModel, primary: Solution, ranging: RowRanging | bool | None) -> tuple[FloatArray, FloatArray, str]:
    """Per-row price ranges in mu (NaN where unknown) and the reason when there are none."""
    m = lm.model
    nan = np.full(m.num_rows, np.nan)
    if primary.row_duals is None:
        return nan, nan, (spoken("reason.mip_parcels") if m.is_mip
                          else spoken("reason.no_duals", backend=primary.backend))
    if ranging is False:
        return nan, nan, spoken("reason.no_ranging")
    if m.is_quadratic:
        return nan, nan, spoken("reason.quadratic")
    if isinstance(ranging, RowRanging):
        rr = ranging
    elif ranging is True or primary.backend == "highs":
        rr = row_ranging(m)
    else:
        return nan, nan, (f"ranging comes from the HiGHS simplex basis; these prices are from "
                          f"{primary.backend} (pass ranging=True to range with HiGHS)")
    if rr.lower.shape != (m.num_rows,):
        raise InvalidInputError(f"rule_prices: the ranging has {rr.lower.size} rows, model {m.name!r} "
                                f"has {m.num_rows}")
    y = primary.row_duals
    if np.abs(rr.row_duals - y).max(initial=0.0) > _DUAL_AGREEMENT * max(1.0, float(np.abs(y).max(initial=0.0))):
        return nan, nan, ("HiGHS's optimal basis has other duals than these prices (the LP is degenerate and "
                          "has several); no ranges")
    return rr.lower * lm.land_unit, rr.upper * lm.land_unit, ""


def solve_rule_prices(instance: Instance, backend: str = DEFAULT_BACKEND, *,
                      ranging: RowRanging | bool | None = None,
                      options: SolveOptions | None = None) -> pd.DataFrame:
    """Build and solve the land model of ``instance`` as
    :func:`~zoneopt.models.land_quota.solve_land` does (both stages of an equity objective)
    and return :func:`rule_prices` of that solve: activities from the plan's allocation,
    prices from the first stage. Raises as ``solve_land`` does (InfeasibleError,
    NoSolutionError, InstanceError ...)."""
    lm = build_land_model(instance)
    opts = options if options is not None else SolveOptions()
    first = core_solve(lm.model, backend, options=opts)
    raise_for_status(first, lm)
    final = first
    if lm.equity is not None and instance.objective.kind == "equity":
        assert first.x is not None
        final = core_solve(efficiency_stage(lm, float(first.x[lm.equity.start])), backend, options=opts)
        raise_for_status(final, lm)
    return rule_prices(lm, final, ranging, primary=first)


def rank_rules(prices: pd.DataFrame) -> pd.DataFrame:
    """Which rule costs us the most: one line per rule of a :func:`rule_prices` table, ordered
    by ``impact`` (largest first).

    ``impact`` = Σ |shadow_price| × 1 mu over the rule's rows: the first-order change of the
    objective if every row of the rule were loosened by one mu — its cap raised, its floor
    lowered, the pool enlarged — in objective units (for a per-zone cap: one more mu for each
    zone it holds back). It is defined for every rule type (tilt and exclusion rows have bound
    0, so a price × bound measure would call them free) and is comparable across rules because
    every row is stated in mu. Also: ``binding_rows``, ``value`` (Σ shadow_price × bound, the
    imputed value), ``top_price`` (the price of largest magnitude) and ``top_row``. Ties (e.g.
    a MIP, whose prices are NaN) keep the model's rule order."""
    if prices.empty:
        return pd.DataFrame(columns=["rule", "type", "source", "binding_rows", "impact", "value",
                                     "top_price", "top_row", "unit"])
    absprice = prices["shadow_price"].abs()
    top = absprice.fillna(-1.0).groupby(prices["rule"], sort=False).idxmax()
    g = prices.assign(absprice=absprice).groupby("rule", sort=False)
    out = pd.DataFrame({
        "rule": list(g.groups),
        "type": g["type"].first().to_numpy(),
        "source": g["source"].first().to_numpy(),
        "binding_rows": g["binding"].sum().to_numpy().astype(int),
        "impact": g["absprice"].sum(min_count=1).to_numpy(),
        "value": g["value"].sum(min_count=1).to_numpy(),
        "top_price": prices.loc[top.to_numpy(), "shadow_price"].to_numpy(),
        "top_row": prices.loc[top.to_numpy(), "row"].to_numpy(),
        "unit": g["unit"].first().to_numpy(),
    })
    order = np.argsort(-out["impact"].fillna(-np.inf).to_numpy(), kind="stable")
    return out.iloc[order].reset_index(drop=True)


def rule_costs(instance: Instance, backend: str = DEFAULT_BACKEND, *, rules: Sequence[str] | None = None,
               options: SolveOptions | None = None, workers: int | None = None, client: Any = None) -> pd.DataFrame:
    """What each rule costs exactly: the plan re-solved without it (one build and solve per
    rule; the pool total cannot be dropped). The exact counterpart of :func:`rank_rules`'
    first-order ``impact``, for any backend and for MIPs.

    Columns: ``rule``, ``type``, ``source``, ``status`` (of the solve without the rule),
    ``objective`` (without it, natural units; for equity the minimum fulfilment), ``cost`` =
    the objective's improvement when the rule is dropped (without − with for a maximisation,
    with − without for ``baseline``), ``unit``; ordered by ``cost``, largest first. A cost is
    >= 0 up to solver tolerance, except for an ``exclude`` rule under a ``tilt``: the excluded
    zones are also left out of the tilt's ordering, so dropping the exclusion adds them to it.
    ``rules`` limits the rules tried (default: all). ``attrs["objective"]`` is the optimum
    with every rule. Raises what :func:`~zoneopt.models.land_quota.solve_land` raises for the
    instance itself, and :class:`InvalidInputError` for an unknown rule id.

    ``workers`` or ``client`` run the re-solves on a sweep's engine
    (:func:`zoneopt.analysis.sweeps.solve_variants`: a pool of ``workers`` processes, or a Dask
    ``client`` or scheduler address) instead of one after the other here; the numbers are the
    same."""
    from zoneopt.models.land_plan import solve_land

    base = solve_land(instance, backend, options=options)
    assert base.objective is not None
    known = [r.id for r in instance.rules]
    chosen = list(known if rules is None else rules)
    unknown = [r for r in chosen if r not in known]
    if unknown:
        raise InvalidInputError(f"rule_costs: no rule {unknown[0]!r}; rule ids: {', '.join(known) or 'none'}")
    sign = -1.0 if instance.objective.kind == "baseline" else 1.0
    tried = [rule for rule in instance.rules if rule.id in chosen]
    if workers is not None or client is not None:
        outcomes = _rule_costs_on_engine(instance, tried, backend, options, workers, client)
    else:
        outcomes = []
        for rule in track(tried, "rule costs", unit="rule"):  # a loop over rules, each one solve
            without = instance.model_copy(update={"rules": tuple(r for r in instance.rules if r.id != rule.id)})
            point = _solve_point(build_land_model(without), backend, options if options is not None else SolveOptions())
            outcomes.append((point.status.value, point.objective))
    lines = [{"rule": rule.id, "type": rule.type, "source": rule.cited, "status": status, "objective": objective,
              "cost": sign * (objective - base.objective), "unit": base.summary.objective_unit}
             for rule, (status, objective) in zip(tried, outcomes, strict=True)]
    out = pd.DataFrame(lines, columns=["rule", "type", "source", "status", "objective", "cost", "unit"])
    order = np.argsort(-out["cost"].fillna(-np.inf).to_numpy(), kind="stable")
    out = out.iloc[order].reset_index(drop=True)
    out.attrs.update({"objective": base.objective, "objective_unit": base.summary.objective_unit})
    return out


def _rule_costs_on_engine(instance: Instance, tried: Sequence[Any], backend: str, options: SolveOptions | None,
                          workers: int | None, client: Any) -> list[tuple[str, float]]:
    """(status, objective) of the land plan without each rule of ``tried``, solved on a sweep's
    engine (the same solve as :func:`_solve_point`: both stages of an equity objective)."""
    from zoneopt.analysis.sweeps import DropRulesDelta

    rows = _on_engine(instance, [DropRulesDelta((rule.id,)) for rule in tried], backend, options, workers, client)
    out = []
    for r in rows:  # a loop over rules
        if r.status == "invalid":
            raise InstanceError([Issue("rules", r.message)])
        out.append((_status(r.status), r.objective))
    return out


def _on_engine(instance: Instance, deltas: Sequence[Any], backend: str, options: SolveOptions | None,
               workers: int | None, client: Any) -> list[Any]:
    """The land plan of each variant ``deltas`` makes of ``instance``, solved on a sweep's
    engine (:func:`zoneopt.analysis.sweeps.solve_variants`), in order."""
    from zoneopt.analysis.sweeps import Sweep, solve_variants

    sweep = Sweep(instance, tuple(deltas), backend, options if options is not None else SolveOptions(),
                  resources=("land",))
    return solve_variants(sweep, workers=workers, client=client)


def _status(sweep_status: str) -> str:
    """A sweep row's status as the solver's :class:`Status` value (a variant the instance
    cannot take is a point whose rules cannot all hold, as a cap moved below a floor is)."""
    return {"no solution": Status.NO_SOLUTION.value, "invalid": Status.INFEASIBLE.value}.get(sweep_status, sweep_status)


# -- what-if curves -----------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class _Target:
    """What one what-if target moves: ``rows`` of the model whose bound is θ × ``per_unit``
    (upper bound where ``moves_ub``, lower where ``moves_lb``), θ the scalar in its own unit
    (``base`` in the instance; a factor where the rule has no single scalar)."""

    target: str
    rule: str
    field: str
    unit: str
    base: float
    scalar: bool
    rows: IntArray
    per_unit: FloatArray
    moves_ub: BoolArray
    moves_lb: BoolArray
    rebuild: str | None
    """Why the model must be rebuilt per point (the value enters more than row bounds)."""


_VARIABLE_TYPES = "'pool', or a rule of type zone_bounds, request_cap, group_bounds or lock"


def _rows_of(m: Model, picks: Sequence[tuple[str | None, str, str]]) -> tuple[IntArray, BoolArray, BoolArray]:
    """Rows of the blocks each ``(rule, part, side)`` picks — the blocks rule ``rule`` made
    whose name ends with ``part`` (``rule`` None: the block named ``part``) — and which bound
    of each row moves (``side``: ``ub``, ``lb`` or ``both``). Blocks are found by their rule
    tag, not their full name, so a resource suffix on the names does not matter."""
    idx, ub, lb = [], [], []
    for b in m.row_blocks:  # a loop over row blocks
        for rule, part, side in picks:
            if b.size and ((b.rule == rule and b.name.endswith(part)) if rule is not None else b.name == part):
                idx.append(np.arange(b.start, b.start + b.size))
                ub.append(np.full(b.size, side in ("ub", "both")))
                lb.append(np.full(b.size, side in ("lb", "both")))
                break
    if not idx:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool), np.zeros(0, dtype=bool)
    return np.concatenate(idx).astype(np.int64), np.concatenate(ub), np.concatenate(lb)


def _current_rhs(m: Model, rows: IntArray, ub: BoolArray) -> FloatArray:
    return np.where(ub, m.row_ub[rows], m.row_lb[rows])


def _resolve(lm: LandModel, target: str) -> _Target:
    """The scalar a target varies and the rows it moves. Raises InvalidInputError naming the
    rule for an unknown id or a rule type without a scalar bound."""
    inst, m, sigma = lm.instance, lm.model, lm.land_unit
    rule_by_id = {r.id: r for r in inst.rules}
    if target in (POOL, TOTAL_RULE) and target not in rule_by_id:
        pool = lm.pool
        picks: list[tuple[str | None, str, str]] = [(TOTAL_RULE, "", "both" if pool.exact else "ub")]
        for r in inst.rules:
            if isinstance(r, GroupBoundsRule) and r.share_of == "pool":
                picks += [(r.id, ":cap_share", "ub"), (r.id, ":floor_share", "lb")]
        if inst.objective.kind == "baseline":
            picks.append((None, "baseline:deviation", "both"))
        rows, ub, lb = _rows_of(m, picks)
        per_unit = _current_rhs(m, rows, ub) / pool.total_mu  # every such bound ∝ the pool
        shares = any(getattr(r, "cap_share", None) is not None or getattr(r, "floor_share", None) is not None
                     or getattr(r, "shares", None) for r in inst.rules if not isinstance(r, GroupBoundsRule))
        rebuild = ("the blend objective is normalised by the pool total" if inst.objective.kind == "blend"
                   else _tiered(inst) or ("a zone bound or lock is a share of the pool" if shares else None))
        return _Target(target, TOTAL_RULE, "total_mu", "mu", pool.total_mu, True, rows, per_unit, ub, lb, rebuild)

    rule_id, _, field = target.rpartition(":") if target not in rule_by_id and ":" in target else (target, "", "")
    rule = rule_by_id.get(rule_id)
    if rule is None:
        raise InvalidInputError(f"what_if target {target!r}: no such rule; give {_VARIABLE_TYPES} "
                                f"(rule ids: {', '.join(rule_by_id) or 'none'})")
    where = f"what_if target {target!r}: rule {rule.id!r} ({rule.type})"
    fields: dict[str, tuple[str, str, str]]  # field -> (block name ending, side, unit)
    if isinstance(rule, ZoneBoundsRule):
        fields = {"cap_mu": ("", "ub", "mu"), "floor_mu": ("", "lb", "mu"),
                  "cap_share": ("", "ub", "share of pool"), "floor_share": ("", "lb", "share of pool")}
    elif isinstance(rule, RequestCapRule):
        fields = {"share": ("", "ub", "share of request")}
    elif isinstance(rule, GroupBoundsRule):
        of = "share of pool" if rule.share_of == "pool" else "share of allocated land"
        fields = {"cap_mu": (":cap_mu", "ub", "mu"), "floor_mu": (":floor_mu", "lb", "mu"),
                  "cap_share": (":cap_share", "ub", of), "floor_share": (":floor_share", "lb", of)}
    elif isinstance(rule, LockRule):
        fields = {"values_mu": ("", "both", "mu")}
    else:  # exclude, tilt
        raise InvalidInputError(f"{where} has no scalar bound to vary; give {_VARIABLE_TYPES}")
    present = [f for f in fields if getattr(rule, f) not in (None, {})]  # a share-only lock has no values_mu
    if not present:
        raise InvalidInputError(f"{where} has no scalar bound to vary (its shares scale with the pool: vary 'pool')")
    if not field:
        field = present[0]
    elif field not in present:
        raise InvalidInputError(f"{where} has no {field!r} to vary; it has {', '.join(present)}")
    part, side, unit = fields[field]
    rows, ub, lb = _rows_of(m, [(rule.id, part, side)])
    stated = getattr(rule, field)
    rebuild = _tiered(inst)  # the tiered target is computed from every zone's limits
    if isinstance(rule, GroupBoundsRule) and field.endswith("share") and rule.share_of == "allocated":
        rebuild = "a share of allocated land is a coefficient of the constraint matrix"
    if isinstance(stated, dict) or (isinstance(rule, LockRule) and len(rule.values_mu) > 1):
        # several stated amounts: vary them together by a factor
        return _Target(target, rule.id, field, "factor (× the stated amounts)", 1.0, False, rows,
                       _current_rhs(m, rows, ub), ub, lb, rebuild)
    base = float(next(iter(rule.values_mu.values()))) if isinstance(rule, LockRule) else float(stated)
    if unit == "mu":
        per_unit = np.full(rows.size, 1.0 / sigma)  # every such row has coefficient 1 on land
    elif field == "share":
        per_unit = _current_rhs(m, rows, ub) / base  # share > 0 by the schema
    else:
        per_unit = np.full(rows.size, lm.pool.total_mu / sigma)
    return _Target(target, rule.id, field, unit, base, True, rows, per_unit, ub, lb, rebuild)


def _tiered(instance: Instance) -> str | None:
    """Why a target of a tiered objective needs a rebuild (None for another objective)."""
    obj = instance.objective
    if obj.kind in ("tiered", "lexicographic") or (obj.kind == "blend" and (obj.blend or {}).get("tiered")):
        return "the tiered target is a split of the pool within every zone's limits"
    return None


def _apply(instance: Instance, t: _Target, theta: float) -> Instance:
    """``instance`` with the target's scalar set to ``theta`` (the rebuild path)."""
    if t.rule == TOTAL_RULE:
        pools = instance.pools
        assert pools.land is not None
        land = pools.land.model_copy(update={"total_mu": theta})
        return instance.model_copy(update={"pools": pools.model_copy(update={"land": land})})
    rules = list(instance.rules)
    k = next(i for i, r in enumerate(rules) if r.id == t.rule)
    rule = rules[k]
    stated = getattr(rule, t.field)
    if isinstance(stated, dict):
        value: object = {key: v * theta for key, v in stated.items()}
    elif t.scalar and isinstance(rule, LockRule):
        value = {key: theta for key in stated}
    else:
        value = theta
    rules[k] = rule.model_copy(update={t.field: value})
    return instance.model_copy(update={"rules": tuple(rules)})


@dataclass(frozen=True, eq=False)
class WhatIfCurve:
    """A parametric re-solve of the land plan (see :func:`what_if`).

    ``points``: one row per value, columns ``point`` (0, 1, …), ``value`` (the scalar, in
    ``unit``), ``factor`` (value / base value), ``status``, ``objective`` (natural units,
    NaN without a solution), ``secondary`` (the efficiency tie-break of an equity objective,
    else NaN), ``marginal`` (d objective / d value from the duals at that point: the slope of
    the curve there; NaN for a MIP, a rebuilt model or a point solved on an engine) and ``allocated_mu``.
    ``allocations``: zones (index ``zone``) × points (columns = ``point``), mu; NaN where a
    point has no solution."""

    target: str
    rule: str
    field: str
    unit: str
    base_value: float
    """The scalar's value in the instance (1 for a factor)."""
    objective_kind: str
    objective_unit: str
    method: str
    """``"bounds"`` (one build, row bounds changed per point), ``"rebuild"``, or ``"engine"``
    (each point solved on a sweep's engine as the instance with the value set)."""
    points: pd.DataFrame
    allocations: pd.DataFrame


def what_if(instance: Instance, target: str, values: Sequence[float] | npt.ArrayLike, *, relative: bool = True,
            backend: str = DEFAULT_BACKEND, options: SolveOptions | None = None,
            rebuild: bool = False, workers: int | None = None, client: Any = None) -> WhatIfCurve:
    """Re-solve the land plan with one scalar of the instance set to each of ``values``.

    ``target`` is ``"pool"`` (the pool total ``pools.land.total_mu``; also the rules stated as
    shares of the pool and a baseline formula follow it) or a rule id, optionally with the
    field to vary as ``"<rule id>:<field>"``. The natural scalar per rule type:

    ==============  =====================================================  =================
    rule type       scalar (default first)                                 unit
    ==============  =====================================================  =================
    zone_bounds     ``cap_mu``, else ``floor_mu`` (every selected zone)    mu
    request_cap     ``share`` (of each zone's request)                     share
    group_bounds    ``cap_mu``, ``floor_mu``, ``cap_share``,               mu / share
                    ``floor_share`` (the first the rule states)
    lock            the locked value (one zone); several zones: a factor   mu / factor
    ==============  =====================================================  =================

    Per-group amounts (a mapping) and multi-zone locks have no single scalar: their values
    are factors on the stated amounts and ``relative`` must be true. ``exclude`` and ``tilt``
    rules have no scalar bound: :class:`InvalidInputError` naming the rule.

    ``values`` are factors on the instance's value when ``relative`` (0.8, 1.0, 1.2 for ±20 %),
    else absolute values in the scalar's unit; they must be finite and >= 0. Points whose rules
    cannot all hold are recorded with status ``infeasible`` (no exception); so are other
    solver outcomes (``no_solution`` on a time limit ...).

    The model is built once and only the affected row bounds change per point, unless the
    value also enters the objective or the matrix (the pool under a blend objective, a share
    of allocated land) or ``rebuild`` is true: then the instance is changed and rebuilt per
    point. An equity objective is solved lexicographically at every point, as
    :func:`~zoneopt.models.land_quota.solve_land` does. Raises :class:`InvalidInputError` for a
    bad target or value, and what building the model raises (InstanceError).

    ``workers`` or ``client`` solve the points on a sweep's engine (a pool of ``workers``
    processes, or a Dask ``client`` or scheduler address: :func:`zoneopt.analysis.sweeps.solve_variants`),
    each point as the instance with the value set (method ``engine``): the same objectives and
    allocations up to solver tolerance, and ``marginal`` is NaN (the engine returns plans, not
    the duals of the target's rows).
    """
    lm = build_land_model(instance)
    t = _resolve(lm, target)
    vals = np.atleast_1d(np.asarray(values, dtype=float)).ravel()
    if vals.size == 0:
        raise InvalidInputError(f"what_if target {target!r}: no values given")
    if not np.all(np.isfinite(vals)) or (vals < 0).any():
        raise InvalidInputError(f"what_if target {target!r}: values must be finite and >= 0, got "
                                f"{vals[~np.isfinite(vals) | (vals < 0)][:3].tolist()}")
    if not relative and not t.scalar:
        raise InvalidInputError(f"what_if target {target!r}: rule {t.rule!r} states several {t.field} amounts, "
                                "so only factors can vary them: use relative=True")
    if relative and t.base == 0.0:
        raise InvalidInputError(f"what_if target {target!r}: rule {t.rule!r} has {t.field} = 0, which factors "
                                "leave at 0: give absolute values (relative=False)")
    theta = vals * t.base if relative else vals
    factor = vals if relative else (vals / t.base if t.base else np.full(vals.size, np.nan))
    method = "rebuild" if (rebuild or t.rebuild) else "bounds"
    opts = options if options is not None else SolveOptions()

    n = lm.x.size
    alloc = np.full((n, vals.size), np.nan)
    status = np.empty(vals.size, dtype=object)
    objective = np.full(vals.size, np.nan)
    secondary = np.full(vals.size, np.nan)
    marginal = np.full(vals.size, np.nan)
    on_engine = workers is not None or client is not None
    if on_engine:
        method = "engine"
        _what_if_on_engine(instance, t, theta, backend, opts, workers, client, (status, objective, secondary, alloc))
    here = [] if on_engine else theta.tolist()
    for k, th in enumerate(track(here, "what-if", unit="solve")):  # the few points of the curve
        if method == "rebuild":
            lm_k = build_land_model(_apply(instance, t, th))
        else:
            lm_k = _with_bounds(lm, t, th)
        if (lm_k.model.row_lb > lm_k.model.row_ub).any():  # e.g. a cap moved below a floor
            status[k] = Status.INFEASIBLE.value
            continue
        point = _solve_point(lm_k, backend, opts)
        status[k] = point.status.value
        if point.alloc is None:
            continue
        alloc[:, k], objective[k], secondary[k] = point.alloc, point.objective, point.secondary
        if method == "bounds" and point.primary.row_duals is not None:
            marginal[k] = _marginal(lm_k, point.primary, t)

    ids = list(lm.x.labels or [str(j) for j in range(n)])
    points = pd.DataFrame({"point": np.arange(vals.size), "value": theta if t.scalar else vals, "factor": factor,
                           "status": status.astype(str), "objective": objective, "secondary": secondary,
                           "marginal": marginal, "allocated_mu": alloc.sum(axis=0)})
    allocations = pd.DataFrame(alloc, index=pd.Index(ids, name="zone"),
                               columns=pd.RangeIndex(vals.size, name="point"))
    return WhatIfCurve(target=target, rule=t.rule, field=t.field, unit=t.unit, base_value=t.base,
                       objective_kind=instance.objective.kind, objective_unit=lm.objective_unit, method=method,
                       points=points, allocations=allocations)


def _settings(instance: Instance, t: _Target, theta: float) -> tuple[tuple[str, float], ...]:
    """The numbers of ``instance`` :func:`_apply` sets for ``theta``, as sweep paths
    (:func:`zoneopt.analysis.sweeps.set_value`)."""
    if t.rule == TOTAL_RULE:
        return (("pools.land.total_mu", float(theta)),)
    rule = next(r for r in instance.rules if r.id == t.rule)
    stated = getattr(rule, t.field)
    head = f"rules.{rule.id}.{t.field}"
    if isinstance(stated, dict):
        # a one-zone lock is set to θ; several stated amounts are scaled by the factor θ
        return tuple((f"{head}.{key}", float(theta if t.scalar else v * theta)) for key, v in stated.items())
    return ((head, float(theta)),)


def _what_if_on_engine(instance: Instance, t: _Target, theta: FloatArray, backend: str, options: SolveOptions,
                       workers: int | None, client: Any,
                       out: tuple[ObjectArray, FloatArray, FloatArray, FloatArray]) -> None:
    """Solve the what-if points on a sweep's engine and fill ``out`` (status, objective,
    secondary, allocations): one variant per distinct value, so a value given twice is solved once."""
    from zoneopt.analysis.sweeps import SetDelta

    status, objective, secondary, alloc = out
    distinct, where = np.unique(theta, return_inverse=True)
    rows = _on_engine(instance, [SetDelta(_settings(instance, t, float(th))) for th in distinct],
                      backend, options, workers, client)
    for k, j in enumerate(where.tolist()):  # the curve's few points
        r = rows[j]
        status[k] = _status(r.status)
        if r.status in ("optimal", "feasible"):
            objective[k], secondary[k], alloc[:, k] = r.objective, r.secondary, r.allocations[0]


def _with_bounds(lm: LandModel, t: _Target, theta: float) -> LandModel:
    m = lm.model
    new = theta * t.per_unit
    row_ub, row_lb = m.row_ub.copy(), m.row_lb.copy()
    row_ub[t.rows[t.moves_ub]] = new[t.moves_ub]
    row_lb[t.rows[t.moves_lb]] = new[t.moves_lb]
    model = replace(m, row_lb=row_lb, row_ub=row_ub, name=f"{m.name}:what-if[{t.target}={theta:g}]")
    return replace(lm, model=model)


def _marginal(lm: LandModel, primary: Solution, t: _Target) -> float:
    """d objective / d θ = Σ y_i ∂b_i/∂θ over the moved rows whose moved bound is the active one."""
    assert primary.x is not None and primary.row_duals is not None
    _, at_ub, at_lb = _row_state(lm.model, primary.x)
    r = t.rows
    active = (t.moves_ub & at_ub[r]) | (t.moves_lb & at_lb[r])
    return float(np.sum(primary.row_duals[r] * t.per_unit * active) * lm.obj_scale)


@dataclass(frozen=True, eq=False)
class _Point:
    status: Status
    primary: Solution
    alloc: FloatArray | None = None
    objective: float = math.nan
    secondary: float = math.nan


def _allocation(lm: LandModel, sol: Solution) -> FloatArray:
    """Allocation in mu as the plan reports it (whole parcels rounded)."""
    assert sol.x is not None
    x = sol.x[lm.x.slice]
    if lm.pool.parcel_mu is not None:
        return np.round(x) * lm.land_unit
    return np.maximum(x, 0.0) * lm.land_unit


def _solve_point(lm: LandModel, backend: str, options: SolveOptions) -> _Point:
    """Solve a (possibly lexicographic) land model; a status, never an exception, for a point
    without a solution."""
    first = core_solve(lm.model, backend, options=options)
    if not first.status.has_solution:
        return _Point(first.status, first)
    assert first.x is not None and first.objective is not None
    final, secondary = first, math.nan
    if lm.equity is not None and lm.instance.objective.kind == "equity":
        final = core_solve(efficiency_stage(lm, float(first.x[lm.equity.start])), backend, options=options)
        if not final.status.has_solution:
            return _Point(final.status, first)
        assert final.objective is not None
        secondary = final.objective * lm.tie_break_scale
    return _Point(final.status if final is not first else first.status, first, _allocation(lm, final),
                  first.objective * lm.obj_scale, secondary)


def what_if_targets(instance: Instance) -> pd.DataFrame:
    """What :func:`what_if` can vary in ``instance``: one line per target and field, with
    ``target`` (what to pass), ``rule``, ``type``, ``source``, ``field``, ``value`` (the stated
    scalar; NaN for several amounts), ``unit`` and ``relative_only``."""
    lines = [{"target": POOL, "rule": TOTAL_RULE, "type": "pool",
              "source": instance.pools.land.source if instance.pools.land else None, "field": "total_mu",
              "value": instance.pools.land.total_mu if instance.pools.land else math.nan, "unit": "mu",
              "relative_only": False}]
    for rule in instance.rules:  # a loop over rules
        fields: tuple[str, ...] = {"zone_bounds": ("cap_mu", "floor_mu", "cap_share", "floor_share"),
                                   "request_cap": ("share",),
                                   "group_bounds": ("cap_mu", "floor_mu", "cap_share", "floor_share"),
                                   "lock": ("values_mu",)}.get(rule.type, ())
        for f in fields:
            stated = getattr(rule, f)
            if stated is None or stated == {}:
                continue
            several = isinstance(stated, dict) and (f != "values_mu" or len(stated) > 1)
            value = (math.nan if several else float(next(iter(stated.values())))) if isinstance(stated, dict) \
                else float(stated)
            unit = "mu" if f.endswith("_mu") else (
                "share of request" if f == "share" else
                f"share of {'pool' if getattr(rule, 'share_of', 'pool') == 'pool' else 'allocated land'}")
            lines.append({"target": f"{rule.id}:{f}", "rule": rule.id, "type": rule.type, "source": rule.cited,
                          "field": f, "value": value, "unit": "factor" if several else unit,
                          "relative_only": several})
    return pd.DataFrame(lines)


# -- efficiency–equity frontier -----------------------------------------------------------------

FRONTIER_COLUMNS = ("point", "epsilon", "efficiency", "min_fulfilment", "status", "allocated_mu")


def frontier(instance: Instance, points: int = 11, backend: str = DEFAULT_BACKEND, *,
             options: SolveOptions | None = None, workers: int | None = None, client: Any = None) -> pd.DataFrame:
    """The efficiency–equity trade-off by the ε-constraint method.

    For each ε on an even grid from the minimum fulfilment of the efficiency optimum up to the
    equity optimum t* (the largest achievable smallest fulfilment x_i / r_i over zones that
    asked for land and are not excluded), maximise efficiency Σ w_i x_i subject to every such
    zone getting at least ε of its request, under all of the instance's rules. The objective
    of ``instance`` is ignored apart from its ``weight`` (the efficiency indicator). Built on
    the land model's own equity block and :func:`~zoneopt.models.land_quota.efficiency_stage`,
    so the first point is the pure-efficiency optimum and the last one the equity optimum's
    efficiency tie-break (what :func:`~zoneopt.models.land_quota.solve_land` reports as its
    ``secondary_objective``).

    Columns (:data:`FRONTIER_COLUMNS`): ``point``, ``epsilon`` (required minimum fulfilment),
    ``efficiency`` (natural units, ``attrs["efficiency_unit"]``), ``min_fulfilment`` (achieved),
    ``status``, ``allocated_mu``. ``attrs``: ``efficiency_unit``, ``equity_optimum`` (t*),
    ``efficiency_optimum``, ``backend`` and ``allocations``, a mapping zone id → list of mu per
    point (:func:`frontier_allocations` makes it a zones × points table).

    Raises :class:`InvalidInputError` for ``points`` < 2, :class:`InstanceError` when the
    instance lacks the efficiency weight or a zone that asked for land, and
    :class:`~zoneopt.errors.InfeasibleError` when the rules cannot all hold.

    ``workers`` or ``client`` solve the points after the first on a sweep's engine (a pool of
    ``workers`` processes, or a Dask ``client`` or scheduler address), each as the instance
    with the efficiency objective and a ``request_floor`` rule of share ε on those zones
    (:class:`~zoneopt.analysis.sweeps.FulfilmentDelta`): the same frontier up to solver
    tolerance. The equity optimum and the first point, which fix the grid, are solved here.
    """
    if int(points) != points or points < 2:
        raise InvalidInputError(f"frontier: points must be an integer >= 2, got {points!r}")
    objective = instance.objective
    eq_obj = Objective(kind="equity", weight=objective.weight, baseline_basis=objective.baseline_basis)
    eq_inst = instance.model_copy(update={"objective": eq_obj})
    lm = build_land_model(eq_inst)
    if lm.weights is None:  # efficiency data missing: let the efficiency model name the field
        build_land_model(instance.model_copy(update={"objective": eq_obj.model_copy(update={"kind": "efficiency"})}))
        raise InstanceError([Issue("objective.weight", f"indicator {objective.weight!r} is not available")])
    assert lm.equity is not None
    opts = options if options is not None else SolveOptions()
    first = core_solve(lm.model, backend, options=opts)
    raise_for_status(first, lm)
    assert first.x is not None
    t_star = float(first.x[lm.equity.start])

    fb = lm.model.row_block("equity:fulfilment")
    zone_pos = pd.Index(list(lm.x.labels or ())).get_indexer(list(fb.labels or ()))
    request = lm.zones.frame["request_land_mu"].to_numpy()[zone_pos]

    def run(eps: float) -> tuple[str, float, float, FloatArray | None]:
        sol = core_solve(efficiency_stage(lm, eps), backend, options=opts)
        if not sol.status.has_solution:
            return sol.status.value, math.nan, math.nan, None
        assert sol.objective is not None
        alloc = _allocation(lm, sol)
        return sol.status.value, sol.objective * lm.tie_break_scale, float(np.min(alloc[zone_pos] / request)), alloc

    # The efficiency optimum: no fulfilment required (t >= 0 is no constraint).
    status0, eff0, fulfil0, alloc0 = run(0.0)
    if alloc0 is None:
        raise_for_status(core_solve(efficiency_stage(lm, 0.0), backend, options=opts), lm)
    grid = np.linspace(min(max(fulfil0, 0.0), t_star), t_star, int(points))
    n = lm.x.size
    alloc = np.full((n, grid.size), np.nan)
    rows = []
    if workers is not None or client is not None:
        on_engine = _frontier_on_engine(instance, grid[1:], list(lm.x.labels or ()), zone_pos, request,
                                        backend, opts, workers, client)
        run = lambda eps: on_engine[float(eps)]  # noqa: E731 - the points solved above, by ε
    for k, eps in enumerate(track(grid.tolist(), "frontier", unit="point")):  # the few frontier points
        if k == 0:  # ε at or below the efficiency optimum's own fulfilment: that optimum
            st, eff, ful, a = status0, eff0, fulfil0, alloc0
        else:
            st, eff, ful, a = run(eps)
        if a is not None:
            alloc[:, k] = a
        rows.append((k, eps, eff, ful, st, float(np.nansum(alloc[:, k])) if a is not None else math.nan))
    out = pd.DataFrame(rows, columns=list(FRONTIER_COLUMNS))
    ids = list(lm.x.labels or [str(j) for j in range(n)])
    out.attrs.update({
        "efficiency_unit": objective_unit(objective.weight, instance), "equity_optimum": t_star,
        "efficiency_optimum": eff0, "backend": backend,
        "allocations": dict(zip(ids, alloc.tolist(), strict=True)),
    })
    return out


def _frontier_on_engine(instance: Instance, grid: FloatArray, ids: list[str], counted: IntArray,
                        request: FloatArray, backend: str, options: SolveOptions, workers: int | None,
                        client: Any) -> dict[float, tuple[str, float, float, FloatArray | None]]:
    """(status, efficiency, achieved minimum fulfilment, allocations in the order of ``ids``)
    at each ε of ``grid``, solved on a sweep's engine; ``counted`` are the positions in ``ids``
    of the zones whose fulfilment counts, ``request`` their requests."""
    from zoneopt.analysis.sweeps import FulfilmentDelta

    eps = sorted(set(grid.tolist()))
    zones = tuple(ids[i] for i in counted.tolist())
    # ε − 1e-9, as the in-process stage relaxes its bound: ε = t* must stay feasible
    rows = _on_engine(instance, [FulfilmentDelta(max(e - 1e-9, 0.0), zones) for e in eps],
                      backend, options, workers, client)
    order = pd.Index(list(instance.zone_ids)).get_indexer(ids)  # the engine's zones are in instance order
    out: dict[float, tuple[str, float, float, FloatArray | None]] = {}
    for e, r in zip(eps, rows, strict=True):  # the few frontier points
        if r.status not in ("optimal", "feasible"):
            out[e] = (_status(r.status), math.nan, math.nan, None)
            continue
        alloc = r.allocations[0][order]
        out[e] = (_status(r.status), r.objective, float(np.min(alloc[counted] / request)), alloc)
    return out


def frontier_allocations(front: pd.DataFrame) -> pd.DataFrame:
    """The allocations of a :func:`frontier` as zones (index ``zone``) × points (columns =
    ``point``), mu."""
    table = pd.DataFrame(front.attrs["allocations"], index=pd.RangeIndex(len(front), name="point")).T
    table.index.name = "zone"
    return table


__all__ = [
    "POOL", "PRICE_COLUMNS", "FRONTIER_COLUMNS", "rule_prices", "solve_rule_prices", "rank_rules", "rule_costs",
    "WhatIfCurve", "what_if", "what_if_targets", "frontier", "frontier_allocations", "RowRanging",
]
