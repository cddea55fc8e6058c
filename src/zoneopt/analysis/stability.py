"""Stability as a number: how far a plan moves when one zone's reported figures move a little.

:func:`stability` sweeps each zone's 亩均 inputs (by default its tax, the numerator of 亩均税收)
from ×(1 − k) to ×(1 + k) in steps of ``step`` (1 %), re-evaluates (scores and grades follow
the figures, as the instance's evaluations assign them) and re-solves the resource at every
step, and reports the largest move of the plan between two neighbouring steps, in the
resource's unit and as a share of its pool: overall, and among the steps that change no zone's
grade (a plan may follow a change of grade; it should not jump on a rounding error).

A step's *move* is the L1 distance between the two plans, Σ_i |x_i' − x_i|: land that changes
hands counts where it leaves and where it arrives (so 1,411 mu handed from some zones to others
is a move of 2,822 mu, 34 % of an 8,200-mu pool).
:func:`pool_range` re-solves with the pool scaled (e.g. ×0.8 and ×1.2) and says whether the
plan stays feasible. The CLI is ``python -m zoneopt stability PATH``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from zoneopt.core.solution import SolveOptions
from zoneopt.core.solve import DEFAULT_BACKEND
from zoneopt.errors import InstanceError, InvalidInputError, Issue, ZoneoptError
from zoneopt.evaluation.run import evaluated_table
from zoneopt.instance import Instance
from zoneopt.plans import Plan, PlanShape, ResourcePlan
from zoneopt.plans.display import Display
from zoneopt.resources import REGISTRY, resource

FloatArray = npt.NDArray[np.float64]

INPUTS: tuple[str, ...] = ("tax", "value_added", "revenue", "rd_spending", "energy_tce", "employees")
"""The zone figures a sweep may scale: the numerators and denominators of the 亩均 indicators
(亩均税收, 亩均增加值, 亩均营业收入, R&D 占比, 单位能耗增加值, 全员劳动生产率)."""
DEFAULT_INPUTS: tuple[str, ...] = ("tax",)


@dataclass(frozen=True)
class PlanVector:
    """A solved plan reduced to what a sweep compares: the allocation per zone of each pool
    column (zones × columns, natural units), the pools' totals, the grades and the shape."""

    columns: tuple[str, ...]
    values: FloatArray
    pool: FloatArray
    zones: tuple[str, ...]
    grades: tuple[str, ...]
    shapes: tuple[PlanShape, ...]


def _pool_columns(plan: Plan | ResourcePlan) -> tuple[tuple[str, ...], FloatArray]:
    """The allocation columns of a plan and each pool's total (land: ``allocation_mu``)."""
    if isinstance(plan, Plan):
        return ("allocation_mu",), np.array([plan.summary.pool_total_mu])
    pools = plan.summary.pools
    names = tuple(("funds" if p.pool == "funds" else f"{p.pool}_t") for p in pools)
    return names, np.array([p.total for p in pools], dtype=float)


def plan_vector(plan: Plan | ResourcePlan, instance: Instance) -> PlanVector:
    """A plan as a :class:`PlanVector`."""
    cols, pool = _pool_columns(plan)
    values = plan.allocations[list(cols)].to_numpy(dtype=float)
    frame = evaluated_table(instance).frame
    grades = tuple(str(g) for g in frame["grade"].tolist())
    shapes = (plan.summary.shape,) if isinstance(plan, Plan) and plan.summary.shape is not None else \
        tuple(getattr(plan.summary, "shapes", ()))
    return PlanVector(cols, values, pool, tuple(frame["zone"].astype(str).tolist()), grades, shapes)


def moved(a: FloatArray, b: FloatArray) -> FloatArray:
    """Per column, how far the plan moves between allocations ``a`` and ``b`` (zones ×
    columns): Σ_i |b_i − a_i|, land that changes hands counted where it leaves and where it
    arrives."""
    return np.abs(b - a).sum(axis=0)


def scaled(instance: Instance, zone: int, metric: str, factor: float) -> Instance:
    """``instance`` with one zone's ``metric`` (a :data:`INPUTS` figure) × ``factor``."""
    z = instance.zones[zone]
    value = getattr(z.metrics, metric)
    if value is None:
        return instance
    zones = list(instance.zones)
    zones[zone] = z.model_copy(update={"metrics": z.metrics.model_copy(update={metric: value * factor})})
    return instance.model_copy(update={"zones": tuple(zones)})


@dataclass(frozen=True, eq=False)
class StabilityResult:
    """The outcome of :func:`stability`.

    ``steps``: one row per step of a sweep: ``zone``, ``input``, ``from``/``to`` (the factors),
    ``pool`` (the pool column: ``land``, a pollutant, ``funds``), ``moved`` (natural units),
    ``share`` (of the pool), ``grade_change`` (whether any zone's grade differs between the two
    steps), ``grades`` (which zones' grades changed, ``zone:A→B``), ``status`` (``ok``, or the
    error of a step that could not be solved). ``base``: the unperturbed plan's shape figures."""

    instance: str
    resource: str
    inputs: tuple[str, ...]
    k: float
    step: float
    steps: pd.DataFrame
    base: tuple[PlanShape, ...] = ()
    backend: str = DEFAULT_BACKEND
    solves: int = 0
    runtime_s: float = 0.0
    notes: tuple[str, ...] = field(default_factory=tuple)

    def worst(self, without_grade_change: bool = True) -> pd.Series | None:
        """The step that moves the largest share of its pool (among the steps that change no
        grade, by default); None when there is none."""
        s = self.steps[self.steps["status"] == "ok"]
        if without_grade_change:
            s = s[~s["grade_change"]]
        if s.empty:
            return None
        return s.loc[s["share"].idxmax()]

    def per_zone(self) -> pd.DataFrame:
        """Per zone and input: the largest move (mu, share) among steps without a grade change,
        and among all steps."""
        ok = self.steps[self.steps["status"] == "ok"]
        calm = ok[~ok["grade_change"]].groupby(["zone", "input"])[["moved", "share"]].max()
        every = ok.groupby(["zone", "input"])[["moved", "share"]].max()
        out = calm.join(every, lsuffix="_no_grade_change", rsuffix="_any", how="outer")
        return out.reset_index()

    def summary_lines(self, display: Display | None = None) -> list[str]:
        """The headline as lines of text in the display's language (default English): the
        largest move among the steps that change no grade and among all steps, and the steps
        that could not be solved."""
        d = display if display is not None else Display()
        lines = []
        for label, calm in ((d.t("stab.calm"), True), (d.t("stab.all"), False)):
            w = self.worst(calm)
            if w is None:
                lines.append(d.t("stab.none", label=label))
            elif w["moved"] <= 0:
                lines.append(d.t("stab.zero", label=label))
            else:
                lines.append(d.t("stab.move", label=label, moved=f"{w['moved']:,.4g}", share=f"{w['share']:.2%}",
                                 pool=d.term(f"pool.{w['pool']}", w["pool"]) if d.zh else w["pool"], zone=w["zone"],
                                 input=d.indicator(w["input"]) if d.zh else w["input"], a=f"{w['from']:.2f}",
                                 b=f"{w['to']:.2f}", grades=d.t("stab.grades", g=w["grades"]) if w["grades"] else ""))
        failed = int((self.steps["status"] != "ok").sum())
        if failed:
            lines.append(d.t("stab.failed", n=failed))
        return lines


def _factors(k: float, step: float) -> FloatArray:
    n = int(round(k / step))
    if n < 1 or not 0 < k < 1:
        raise InvalidInputError(f"stability: k must be in (0, 1) and at least one step ({step:g}); got k={k:g}")
    return np.round(1.0 + step * np.arange(-n, n + 1), 12)


def stability(instance: Instance, *, resource_name: str = "land", inputs: Sequence[str] = DEFAULT_INPUTS,
              k: float = 0.10, step: float = 0.01, zones: Sequence[str] | None = None,
              backend: str = DEFAULT_BACKEND, options: SolveOptions | None = None,
              progress: Callable[[int, int], None] | None = None) -> StabilityResult:
    """Sweep each zone's ``inputs`` (see :data:`INPUTS`) from ×(1 − ``k``) to ×(1 + ``k``) in
    steps of ``step``, solving ``resource_name`` at every step; return the moves between
    neighbouring steps (:class:`StabilityResult`). ``zones`` limits the sweep to those zone ids
    (default every zone). A step whose plan cannot be solved is kept with its error as status
    (its moves are NaN). Raises :class:`InvalidInputError` for an unknown resource, input or
    zone, and :class:`InstanceError` when the base instance does not configure the resource.
    ``progress(done, total)`` is called after each solve."""
    row = resource(resource_name)
    if not row.configures(instance):
        raise InstanceError([Issue("pools", f"stability: the instance does not configure {resource_name}")])
    bad = [m for m in inputs if m not in INPUTS]
    if bad:
        raise InvalidInputError(f"stability: unknown input(s) {', '.join(bad)}; choose from {', '.join(INPUTS)}")
    ids = instance.zone_ids
    chosen = list(range(len(ids))) if zones is None else [_zone_index(ids, z) for z in zones]
    factors = _factors(k, step)
    opts = options or SolveOptions()
    base_plan = row.solve(instance, backend, options=opts)
    base = plan_vector(base_plan, instance)
    rows: list[dict[str, object]] = []
    total = len(chosen) * len(inputs) * (factors.size - 1)
    solves, runtime = 1, float(base_plan.summary.runtime_s)
    for i in chosen:  # a sweep per zone and input: each step is a solve
        for metric in inputs:
            prev: PlanVector | None = None
            prev_f = None
            for f in factors.tolist():
                vec, err = _solve_at(row.solve, instance, i, metric, f, base, backend, opts)
                if f != 1.0:
                    solves += 1
                    runtime += 0.0 if vec is None else vec[1]
                    if progress is not None:
                        progress(solves - 1, total)
                cur = vec[0] if vec is not None else None
                if prev_f is not None:
                    rows += _step_rows(ids[i], metric, prev_f, f, prev, cur, err)
                prev, prev_f = cur, f
    steps = pd.DataFrame(rows, columns=["zone", "input", "from", "to", "pool", "moved", "share", "grade_change",
                                        "grades", "status"])
    return StabilityResult(instance.name, resource_name, tuple(inputs), k, step, steps, base.shapes, backend,
                           solves, runtime)


def _zone_index(ids: list[str], zone: str) -> int:
    try:
        return ids.index(zone)
    except ValueError:
        raise InvalidInputError(f"stability: unknown zone {zone!r}") from None


def _solve_at(solve: Callable[..., Plan | ResourcePlan], instance: Instance, i: int, metric: str, f: float,
              base: PlanVector, backend: str, opts: SolveOptions) -> tuple[tuple[PlanVector, float] | None, str]:
    """The plan vector at one factor (the base plan's at ×1) and the solve time, or None and
    the error's text."""
    if f == 1.0:
        return (base, 0.0), ""
    inst = scaled(instance, i, metric, f)
    try:
        plan = solve(inst, backend, options=opts)
    except ZoneoptError as exc:
        return None, f"{type(exc).__name__}: {exc}".splitlines()[0]
    return (plan_vector(plan, inst), float(plan.summary.runtime_s)), ""


def _step_rows(zone: str, metric: str, a: float, b: float, prev: PlanVector | None, cur: PlanVector | None,
               err: str) -> list[dict[str, object]]:
    """One row per pool column for the step from factor ``a`` to ``b``."""
    if prev is None or cur is None:
        cols = (prev or cur).columns if (prev or cur) is not None else ("?",)  # type: ignore[union-attr]
        return [{"zone": zone, "input": metric, "from": a, "to": b, "pool": _pool_name(c), "moved": np.nan,
                 "share": np.nan, "grade_change": False, "grades": "", "status": err or "unsolved neighbour"}
                for c in cols]
    mv = moved(prev.values, cur.values)
    changed = [f"{z}:{g}→{h}" for z, g, h in zip(prev.zones, prev.grades, cur.grades, strict=True) if g != h]
    return [{"zone": zone, "input": metric, "from": a, "to": b, "pool": _pool_name(c), "moved": float(mv[j]),
             "share": float(mv[j] / prev.pool[j]) if prev.pool[j] > 0 else np.nan, "grade_change": bool(changed),
             "grades": ", ".join(changed), "status": "ok"} for j, c in enumerate(prev.columns)]


def _pool_name(column: str) -> str:
    return "land" if column == "allocation_mu" else column.removesuffix("_t")


@dataclass(frozen=True)
class PoolCheck:
    """One re-solve with the pool scaled: the factor, the status (``optimal`` ..., or the
    error class) and the plan's shape figures when solved; an infeasible one's diagnosis
    (:class:`~zoneopt.core.diagnose.Diagnosis`) when one was made."""

    factor: float
    status: str
    message: str = ""
    shapes: tuple[PlanShape, ...] = ()
    diagnosis: Any = None


def pool_range(instance: Instance, factors: Sequence[float] = (0.8, 1.2), *, resource_name: str = "land",
               backend: str = DEFAULT_BACKEND, options: SolveOptions | None = None) -> list[PoolCheck]:
    """Re-solve ``resource_name`` with its pool (every pollutant's, for emissions) × each factor."""
    row = REGISTRY[resource_name]
    out = []
    for f in factors:  # a handful of re-solves
        inst = scale_pool(instance, resource_name, f)
        try:
            plan = row.solve(inst, backend, options=options)
        except ZoneoptError as exc:
            out.append(PoolCheck(f, type(exc).__name__, str(exc).splitlines()[0], diagnosis=getattr(exc, "diagnosis",
                                                                                                   None)))
            continue
        out.append(PoolCheck(f, plan.summary.status, "", plan_vector(plan, inst).shapes))
    return out


def scale_pool(instance: Instance, resource_name: str, factor: float) -> Instance:
    """``instance`` with the pool of ``resource_name`` × ``factor``."""
    pools = instance.pools
    if resource_name == "land" and pools.land is not None:
        land = pools.land.model_copy(update={"total_mu": pools.land.total_mu * factor})
        new = pools.model_copy(update={"land": land})
    elif resource_name == "emissions" and pools.emissions is not None:
        em = pools.emissions
        scaled_pools = {p: v.model_copy(update={"total_t": v.total_t * factor}) for p, v in em.pollutants.items()}
        new = pools.model_copy(update={"emissions": em.model_copy(update={"pollutants": scaled_pools})})
    elif resource_name == "funds" and pools.funds is not None:
        new = pools.model_copy(update={"funds": pools.funds.model_copy(update={"budget": pools.funds.budget * factor})})
    else:
        raise InvalidInputError(f"pool_range: no {resource_name} pool to scale")
    return instance.model_copy(update={"pools": new})


__all__ = ["INPUTS", "DEFAULT_INPUTS", "StabilityResult", "PoolCheck", "stability", "pool_range", "scale_pool",
           "scaled", "moved", "plan_vector", "PlanVector"]
