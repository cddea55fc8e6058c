"""Solving a sweep's variants where they run: the base instance made once per worker from the
sweep's payload and kept, each variant's delta applied to it, every resource the instance
configures solved through the registry (:mod:`zoneopt.resources`), and the outcome reduced to
a few arrays per variant (:class:`VariantRows`).

Every engine, the in-process one included, goes through :func:`run_task` with the same payload
(the base instance as JSON), so a variant's numbers are a function of the payload and the
delta alone: the same bit for bit in this process, a worker process or a Dask worker.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from zoneopt.analysis.scenarios import LAND, quantities
from zoneopt.analysis.sweeps.variants import Delta
from zoneopt.core.solution import SolveOptions
from zoneopt.errors import InfeasibleError, InstanceError, Issue, NoSolutionError, UnboundedError
from zoneopt.evaluation.indicators import indicator
from zoneopt.evaluation.run import evaluated_table
from zoneopt.instance import Instance
from zoneopt.plans import Plan, ResourcePlan
from zoneopt.resources import REGISTRY, build_resource_model, configured

FloatArray = npt.NDArray[np.float64]
ObjectArray = npt.NDArray[np.object_]

STATUS_ORDER = ("invalid", "infeasible", "unbounded", "no solution", "feasible", "optimal")
"""Variant statuses, worst first: a variant's status is the worst of its resources'.
``invalid``: the delta makes an instance the model cannot take (its message says why)."""
SOLVED = ("optimal", "feasible")


@dataclass(frozen=True)
class Layout:
    """What every variant of a sweep reports, fixed by the base instance: the resources solved
    (registry order), the quantities allocated per zone (``land``, each pollutant with a pool,
    ``funds``, ``projects``), the zone ids in instance order, and the main resource whose
    objective is the variant's ``objective`` (land when configured)."""

    resources: tuple[str, ...]
    quantities: tuple[str, ...]
    zones: tuple[str, ...]

    @property
    def main(self) -> str:
        return "land" if "land" in self.resources else self.resources[0]

    @classmethod
    def of(cls, instance: Instance, only: Sequence[str] | None = None) -> Layout:
        """The layout of a sweep of ``instance`` (of the resources ``only``, default every one
        it configures); raises :class:`InstanceError` when it configures none of them, or a
        resource's model cannot be built from it."""
        resources = tuple(r for r in configured(instance) if only is None or r in only)
        if not resources:
            among = f" (sweeping only {', '.join(only)})" if only else ""
            raise InstanceError([Issue("pools", "nothing to sweep: give pools.land, pools.emissions, pools.funds "
                                                f"or projects{among}")])
        names = [q for r in resources for q in _quantities(instance, r)]
        return cls(resources, tuple(dict.fromkeys(names)), tuple(instance.zone_ids))


def _quantities(instance: Instance, resource: str) -> list[str]:
    """The quantities a resource's plan allocates per zone, named as
    :func:`~zoneopt.analysis.scenarios.quantities` names them: ``land`` for the land plan;
    each pool a model splits with one column per zone (``ResourceModel.zone_columns``: each
    pollutant, ``funds``, a new resource's pool); a portfolio's pools and ``projects``."""
    if REGISTRY[resource].plan_type is Plan:
        return [LAND]
    if resource == "portfolio":  # its columns are projects: its zone totals per pool, as its plan names them
        pools = instance.pools
        return ([LAND] if pools.land is not None else []) \
            + (list(pools.emissions.pollutants) if pools.emissions is not None else []) \
            + (["funds"] if pools.funds is not None else []) + ["projects"]
    return [c.pool for c in build_resource_model(instance, resource).zone_columns]


@dataclass(frozen=True, eq=False)
class VariantRows:
    """One solved (or failed) variant: its scalars, and per zone (instance order) the score and
    grade its evaluation gives, the allocation of each quantity (NaN without a plan) and the
    land objective's weight (NaN when it has none)."""

    index: int
    kind: str
    label: str
    status: str
    message: str
    objective: float
    objectives: tuple[float, ...]
    """per resource, :attr:`Layout.resources` order (NaN without a plan)."""
    statuses: tuple[str, ...]
    score: FloatArray
    grade: ObjectArray
    allocations: tuple[FloatArray, ...]
    """per quantity, :attr:`Layout.quantities` order."""
    weight: FloatArray
    secondary: float = np.nan
    """The main resource's secondary objective (an equity plan's efficiency tie-break; NaN
    without one): what :func:`~zoneopt.analysis.sensitivity.what_if` reports beside the objective."""


@dataclass(frozen=True)
class Payload:
    """What a worker needs to solve any variant of one sweep: the base instance as JSON, the
    backend and the solve options. ``key`` (the sweep's fingerprint) names it in the worker's
    cache."""

    key: str
    instance_json: bytes
    backend: str
    options: SolveOptions
    resources: tuple[str, ...] | None = None
    """The resources solved (None: every one the instance configures)."""


class VariantRunner:
    """The base instance of one sweep, made once, and the solve of any of its variants."""

    def __init__(self, payload: Payload) -> None:
        self.base = Instance.model_validate_json(payload.instance_json)
        self.backend = payload.backend
        self.options = payload.options
        self.layout = Layout.of(self.base, payload.resources)

    def run(self, index: int, delta: Delta) -> VariantRows:
        """Apply ``delta`` and solve every configured resource. Outcomes that are answers
        (infeasible, unbounded, no solution, an invalid variant) are statuses, not errors."""
        lay = self.layout
        n = len(lay.zones)
        try:
            inst = delta.apply(self.base)
        except InstanceError as exc:
            return self._failed(index, delta, "invalid", str(exc))
        score, grade, weight = self._zones(inst)
        objectives, statuses, messages = [], [], []
        secondary = np.nan
        allocs = {q: np.full(n, np.nan) for q in lay.quantities}
        for resource in lay.resources:  # at most four
            status, message, plan = self._solve(inst, resource)
            statuses.append(status)
            objectives.append(float(plan.summary.objective) if plan is not None and
                              plan.summary.objective is not None else np.nan)
            if resource == lay.main and plan is not None:
                secondary = _secondary(plan)
            if message:
                messages.append(message if len(lay.resources) == 1 else f"{resource}: {message}")
            if plan is not None:
                for q, (values, _) in quantities(plan).items():
                    if q in allocs:
                        allocs[q] = values.to_numpy(dtype=float)
        status = min(statuses, key=STATUS_ORDER.index)
        main = objectives[lay.resources.index(lay.main)]
        return VariantRows(index, delta.kind, delta.label, status, "; ".join(messages), main, tuple(objectives),
                           tuple(statuses), score, grade, tuple(allocs[q] for q in lay.quantities), weight,
                           secondary)

    def _solve(self, inst: Instance, resource: str) -> tuple[str, str, Plan | ResourcePlan | None]:
        try:
            plan = REGISTRY[resource].solve(inst, self.backend, options=self.options)
        except InfeasibleError as exc:
            return "infeasible", str(exc), None
        except UnboundedError as exc:
            return "unbounded", str(exc), None
        except NoSolutionError as exc:
            return "no solution", str(exc), None
        except InstanceError as exc:
            return "invalid", str(exc), None
        gap = "" if plan.status == "optimal" else f"stopped at gap {plan.summary.mip_gap}"
        return plan.status, gap, plan

    def _zones(self, inst: Instance) -> tuple[FloatArray, ObjectArray, FloatArray]:
        """Score and grade as the variant's evaluations give them; the land objective's weight."""
        n = len(self.layout.zones)
        try:
            frame = evaluated_table(inst).frame
        except InstanceError:
            return np.full(n, np.nan), np.full(n, None, dtype=object), np.full(n, np.nan)
        score = frame["score"].to_numpy(dtype=float)
        grade = np.array([g if isinstance(g, str) else None for g in frame["grade"].tolist()], dtype=object)
        weight = np.full(n, np.nan)
        if inst.pools.land is not None and inst.objective.kind in ("efficiency", "blend", "equity"):
            try:
                weight = indicator(inst, inst.objective.weight, field="objective.weight")
            except InstanceError:
                pass  # an objective without its weight's data: the solve says so, per resource
        return score, grade, weight

    def _failed(self, index: int, delta: Delta, status: str, message: str) -> VariantRows:
        lay = self.layout
        n, k = len(lay.zones), len(lay.resources)
        nan = np.full(n, np.nan)
        return VariantRows(index, delta.kind, delta.label, status, message, np.nan, (np.nan,) * k, (status,) * k,
                           nan, np.full(n, None, dtype=object), tuple(nan for _ in lay.quantities), nan)


def _secondary(plan: Plan | ResourcePlan) -> float:
    value = getattr(plan.summary, "secondary_objective", None)
    return float(value) if value is not None else np.nan


# The runners this process holds, by sweep fingerprint: the base instance is made once per
# worker (not once per variant). Two are kept, so a worker serving one sweep after another
# does not grow.
_RUNNERS: OrderedDict[str, VariantRunner] = OrderedDict()
_LOCK = threading.Lock()
_KEEP = 2


def runner_for(payload: Payload) -> VariantRunner:
    """This process's runner for ``payload``'s sweep, made on first use."""
    with _LOCK:
        runner = _RUNNERS.get(payload.key)
        if runner is None:
            runner = VariantRunner(payload)
            _RUNNERS[payload.key] = runner
            while len(_RUNNERS) > _KEEP:
                _RUNNERS.popitem(last=False)
        else:
            _RUNNERS.move_to_end(payload.key)
        return runner


def run_task(payload: Payload, task: Sequence[tuple[int, Delta]]) -> list[VariantRows]:
    """Solve a batch of ``(index, delta)`` variants of ``payload``'s sweep, in order."""
    runner = runner_for(payload)
    return [runner.run(index, delta) for index, delta in task]


__all__ = ["Layout", "VariantRows", "Payload", "VariantRunner", "runner_for", "run_task", "STATUS_ORDER", "SOLVED"]
