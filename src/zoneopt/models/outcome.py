"""What every allocation model does with a solve's outcome: status → typed errors, with an
infeasible model diagnosed in rule terms and natural units (:class:`ResourceModel` carries a
built model with its units, and, for a model with one column per zone, where those columns
are (:class:`ZoneColumns`); :func:`diagnose_resource_model` runs the generic diagnosis of
:mod:`zoneopt.core.diagnose` on it), and the columns every resource plan starts with
(:func:`zone_frame`) and allocates (:func:`pool_columns`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from zoneopt.core.diagnose import Diagnosis, diagnose
from zoneopt.core.model import Model
from zoneopt.core.solution import Solution, Status
from zoneopt.core.solve import DEFAULT_BACKEND
from zoneopt.data.zones import ZoneTable
from zoneopt.errors import InfeasibleError, NoSolutionError, UnboundedError, ZoneoptError
from zoneopt.plans import ResourcePlan
from zoneopt.plans.glossary import spoken

FloatArray = npt.NDArray[np.float64]


def zone_frame(zt: ZoneTable) -> pd.DataFrame:
    """The columns every resource plan starts with: zone, name, city, level, kind, grade, score."""
    f = zt.frame
    return pd.DataFrame({c: f[c].to_numpy() for c in ("zone", "name", "city", "level", "kind", "grade", "score")})


def pool_columns(plan: ResourcePlan) -> list[str]:
    """The plan's allocation columns, in table order: by convention each is named after its
    pool, alone or with its unit (``funds``, ``SO2_t``, ``land_mu``); requests and starting
    points put a prefix in front, so ``request_SO2_t`` is not one."""
    pools = [p.pool for p in plan.summary.pools]
    return [c for c in plan.allocations.columns if any(c == p or c.startswith(p + "_") for p in pools)]


def max_violation(solution: Solution) -> float | None:
    """The checker's largest violation (bounds, rows, integrality), model units."""
    c = solution.check
    return max(c.max_bound_violation, c.max_row_violation, c.max_integrality_violation) if c else None


def raise_for_status(solution: Solution, model: Model, what: str, *, row_scale: float | FloatArray = 1.0,
                     unit: str = "", rules: Mapping[str, Any] | None = None, hint: str = "",
                     time_limit: float | None = None) -> None:
    """Raise the error a solve's status calls for (nothing when it has a solution). ``what``
    names the plan (e.g. "emission plan for 'henan'"). An infeasible model is diagnosed in rule
    terms (:func:`zoneopt.core.diagnose.diagnose` on HiGHS, ``time_limit`` per solve; ``row_scale``
    natural units per model unit of each row): the :class:`InfeasibleError` (exit code 3)
    names conflicting rules and the least change that restores feasibility; ``hint`` is a
    cheaper explanation used when the diagnosis cannot finish."""
    if solution.status is Status.INFEASIBLE:
        try:
            diagnosis = diagnose(model, backend=DEFAULT_BACKEND, row_scale=row_scale, unit=unit, rules=rules,
                                 time_limit=time_limit)
        except ZoneoptError as exc:
            raise InfeasibleError(f"{what} is infeasible: the rules cannot all hold"
                                  + (f"; {hint}" if hint else "") + f" (no full diagnosis: {exc})") from exc
        if diagnosis.feasible:
            raise InfeasibleError(f"{what}: {solution.backend} reports it infeasible, but {diagnosis.backend} "
                                  "finds the rules can all hold (a solver tolerance issue; try another backend)")
        raise InfeasibleError(f"{what} is infeasible: {diagnosis.message()}", diagnosis=diagnosis)
    if solution.status is Status.UNBOUNDED:
        raise UnboundedError(f"{what} is unbounded: the objective can grow without limit (a pool is missing?)")
    if not solution.status.has_solution:
        raise NoSolutionError(f"{what}: {solution.backend} found no solution "
                              f"({solution.status.value}: {solution.message})")


@dataclass(frozen=True, eq=False)
class ZoneColumns:
    """A pool that a model splits with one column per zone: zone ``j``'s allocation is column
    ``start + j`` × ``unit`` natural units (rounded to a whole number of units first when
    ``integral``: whole tranches). ``rule`` is the pool row's rule id, ``total`` the pool and
    ``source`` its policy clause; ``request`` each zone's request in natural units (NaN: none)."""

    pool: str
    """The pool's name, as the plan's :class:`~zoneopt.plans.PoolUse` names it (``SO2``, ``funds``)."""
    start: int
    unit: float
    rule: str
    total: float
    source: str | None = None
    request: FloatArray | None = None
    integral: bool = False


def model_note(key: str, **fields: object) -> dict[str, Any]:
    """A model's note from the glossary (``mnote.*``, :func:`~zoneopt.plans.glossary.spoken`:
    English, said again in a display's language), as keyword arguments of :class:`ResourceModel`."""
    return {"note": spoken(key, **fields)}


@dataclass(frozen=True, eq=False)
class ResourceModel:
    """One configured resource's built model, with what a diagnosis or an explanation needs to
    speak in the resource's natural units.

    ``built`` is the model module's own object (:class:`~zoneopt.models.land_quota.LandModel`,
    :class:`~zoneopt.models.emissions.EmissionModel`, :class:`~zoneopt.models.funds.FundModel`
    or :class:`~zoneopt.models.portfolio.PortfolioModel`); ``model`` its core model (None for
    the ZSG-DEA emission reallocation, a formula rather than an optimisation over rules).
    ``row_scale`` is natural units per model unit of each row, ``unit`` the natural unit
    (``mu``, ``t``, the money label; ``""`` when rows differ), ``row_unit`` each row's unit name
    when they differ (the portfolio), ``rules`` the rule ids with type, source and note.
    ``zone_columns``, ``obj_scale`` and ``plan_from_solution``, when a model gives them, are
    what explains a resource without a section of its own
    (:mod:`zoneopt.analysis.explain.generic`): its prices, ranges and re-solves per zone."""

    resource: str
    built: Any
    model: Model | None
    row_scale: float | FloatArray
    unit: str
    row_unit: npt.NDArray[np.object_] | None
    rules: Mapping[str, Any]
    method: str
    """``lp``, ``mip`` or ``zsg-dea``."""
    note: str = ""
    row_weight: FloatArray | None = None
    """Each row's weight in the diagnosis' elastic objective (None: all 1)."""
    qualify_labels: bool = False
    """Whether row labels in a diagnosis name their block (a pollutant, a resource)."""
    zone_columns: tuple[ZoneColumns, ...] = ()
    """Each pool split with one column per zone (empty when not declared: land and the
    portfolio, whose columns are projects, have sections of their own): what the generic
    explanation of a resource reads to give a zone's prices, ranges and re-solves."""
    obj_scale: float = 1.0
    """The natural objective per model unit of the objective."""
    plan_from_solution: Callable[[Solution], ResourcePlan] | None = None
    """Reads a solution of ``model`` back as the resource's plan (None: not declared)."""

    def describe(self) -> str:
        """One line: ``emissions model 90 variables × 400 rows (LP), 6 pollutants``."""
        if self.model is None:
            return f"{self.resource}: {self.note}"
        m = self.model
        text = f"{self.resource} model {m.num_vars} variables × {m.num_rows} rows ({'MIP' if m.is_mip else 'LP'})"
        return text + (f", {self.note}" if self.note else "")


def diagnose_resource_model(rm: ResourceModel, backend: str = DEFAULT_BACKEND, *, time_limit: float | None = None,
                            shortlist: bool = True) -> Diagnosis | None:
    """The rule-level diagnosis (:func:`zoneopt.core.diagnose.diagnose`) of a built resource
    model in its natural units (mu, t, money; a portfolio's relaxations each in the unit of the
    rows they move). None for a model without rules (the ZSG-DEA reallocation)."""
    if rm.model is None:
        return None
    d = diagnose(rm.model, backend=backend, row_scale=rm.row_scale, unit=rm.unit, rules=rm.rules,
                 time_limit=time_limit, shortlist=shortlist, row_unit=rm.row_unit,
                 qualify_labels=rm.qualify_labels, row_weight=rm.row_weight)
    return replace(d, name=rm.built.instance.name)
