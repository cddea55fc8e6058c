"""The registry of resources: the one table of what the plan allocates. Each row names a
resource, the policy's title for it, whether an instance configures it, how its model is built
(with its natural units, for validation, diagnosis and explanation), how it is solved, and the
plan type the solve returns. Every verb that works per resource (solve, validate, diagnose,
compare, explain, report) loops over this table instead of branching on resource names.

Adding a resource (say water quotas) is one row here, its schema in :mod:`zoneopt.instance`
and its model in :mod:`zoneopt.models` (``ARCHITECTURE.md`` lists the files). Explain and the
report give it their generic sections (from the
:class:`~zoneopt.models.outcome.ResourceModel` it builds: its columns per zone, and its plan)
until it adds sections of its own to :mod:`zoneopt.analysis.explain` and :mod:`zoneopt.report`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from zoneopt.core.solution import SolveOptions
from zoneopt.core.solve import DEFAULT_BACKEND
from zoneopt.errors import InstanceError, InvalidInputError, Issue
from zoneopt.instance import Instance
from zoneopt.models.emissions import emission_resource_model, solve_emissions
from zoneopt.models.funds import fund_resource_model, solve_funds
from zoneopt.models.land_plan import solve_land
from zoneopt.models.land_quota import land_resource_model
from zoneopt.models.outcome import ResourceModel
from zoneopt.models.portfolio import portfolio_resource_model, solve_portfolio
from zoneopt.plans import Plan, PlanSet, ResourcePlan


@dataclass(frozen=True)
class Resource:
    """One row of the registry."""

    name: str
    title: str
    """The policy's name for it (新增建设用地指标 ...)."""
    configures: Callable[[Instance], bool]
    """Whether an instance gives what this resource needs (a pool, projects)."""
    build: Callable[[Instance], ResourceModel]
    """The built model with its natural units."""
    solve: Callable[..., Plan | ResourcePlan]
    """``solve(instance, backend, *, time_limit=, mip_gap=, options=)`` → the checked plan."""
    plan_type: type[Plan] | type[ResourcePlan]
    glance: Callable[[list[str]], list[str]] = lambda columns: []
    """The allocation columns worth a glance in a printed plan, from the plan's columns."""
    takes_all: bool = False
    """When configured, it is solved alone: it takes every pool and zone rule (the portfolio)."""


def _emission_columns(cols: list[str]) -> list[str]:
    return [c for c in cols if c.endswith("_t") and not c.startswith(("request_", "start_"))]


def _fund_columns(cols: list[str]) -> list[str]:
    return [c for c in ("funds", "request_funds", "leverage") if c in cols]


def _portfolio_columns(cols: list[str]) -> list[str]:
    return ["projects_chosen", "land_mu", *[c for c in cols if c.endswith("_t")], "funds", "revenue_after",
            *[c for c in cols if c.startswith("reaches:")]]


REGISTRY: dict[str, Resource] = {r.name: r for r in (
    Resource("land", "新增建设用地指标", lambda i: i.pools.land is not None, land_resource_model, solve_land, Plan),
    Resource("emissions", "排污指标", lambda i: i.pools.emissions is not None, emission_resource_model,
             solve_emissions, ResourcePlan, _emission_columns),
    Resource("funds", "基金投放", lambda i: i.pools.funds is not None, fund_resource_model, solve_funds,
             ResourcePlan, _fund_columns),
    Resource("portfolio", "项目为王", lambda i: bool(i.projects), portfolio_resource_model, solve_portfolio,
             ResourcePlan, _portfolio_columns, takes_all=True),
)}

RESOURCES: tuple[str, ...] = tuple(REGISTRY)
TITLES: dict[str, str] = {name: r.title for name, r in REGISTRY.items()}


def configured(instance: Instance) -> tuple[str, ...]:
    """The plans :func:`solve_all` makes for ``instance``, in registry order: a resource that
    takes all (the portfolio, when there are projects) alone, else every resource whose pool
    the instance gives."""
    given = [r for r in REGISTRY.values() if r.configures(instance)]
    alone = [r.name for r in given if r.takes_all]
    return tuple(alone[:1]) if alone else tuple(r.name for r in given)


def resource(name: str) -> Resource:
    """The registry row of ``name``; :class:`InvalidInputError` for an unknown one."""
    if name not in REGISTRY:
        raise InvalidInputError(f"unknown resource {name!r}; resources: {', '.join(RESOURCES)}")
    return REGISTRY[name]


def _configured_or_raise(instance: Instance) -> tuple[str, ...]:
    resources = configured(instance)
    if not resources:
        raise InstanceError([Issue("pools", "nothing to solve: give pools.land, pools.emissions, pools.funds "
                                            "or projects")])
    return resources


def solve_all(instance: Instance, backend: str = DEFAULT_BACKEND, *, time_limit: float | None = None,
              mip_gap: float | None = None, options: SolveOptions | None = None) -> PlanSet:
    """Solve every resource ``instance`` configures (:func:`configured`): each resource model
    on its own, or the joint portfolio when there are projects. Each plan is checked; the
    first error (infeasible rules, a count target no choice can meet: exit code 3; no
    solution: 4; missing data: 2) is raised as it comes. Raises :class:`InstanceError` when
    the instance configures no resource at all."""
    plans = {name: REGISTRY[name].solve(instance, backend, time_limit=time_limit, mip_gap=mip_gap, options=options)
             for name in _configured_or_raise(instance)}  # one per registered resource at most
    return PlanSet(instance.name, plans)


def solve_instance(instance: Instance, backend: str = DEFAULT_BACKEND, *, time_limit: float | None = None,
                   mip_gap: float | None = None, options: SolveOptions | None = None) -> Plan | PlanSet:
    """The land :class:`Plan` when ``instance`` gives only a land pool (as it always was);
    otherwise :func:`solve_all`'s :class:`PlanSet`."""
    if configured(instance) in ((), ("land",)):
        plan = REGISTRY["land"].solve(instance, backend, time_limit=time_limit, mip_gap=mip_gap, options=options)
        assert isinstance(plan, Plan)
        return plan
    return solve_all(instance, backend, time_limit=time_limit, mip_gap=mip_gap, options=options)


def build_resource_model(instance: Instance, name: str) -> ResourceModel:
    """Build the model of one resource of ``instance`` (a name in :data:`REGISTRY`: ``land``,
    ``emissions``, ``funds``, ``portfolio`` ...), checking the data its rules and objective need.

    Raises :class:`InstanceError` whose source names the resource (e.g. ``emissions model:
    zones[3].metrics.energy_reduction_tce: ...``) for missing or bad data,
    :class:`~zoneopt.errors.InfeasibleError` (exit code 3) for a portfolio count target no
    choice of projects can meet, and :class:`InvalidInputError` for an unknown resource."""
    row = resource(name)
    try:
        return row.build(instance)
    except InstanceError as exc:
        raise InstanceError(exc.issues, f"{name} model" + (f" ({exc.source})" if exc.source else "")) from None


def build_resource_models(instance: Instance) -> dict[str, ResourceModel]:
    """:func:`build_resource_model` of every resource :func:`configured` for ``instance``, in
    order. Raises :class:`InstanceError` when it configures none (and as
    :func:`build_resource_model`)."""
    return {name: build_resource_model(instance, name) for name in _configured_or_raise(instance)}


__all__ = ["Resource", "REGISTRY", "RESOURCES", "TITLES", "configured", "resource", "solve_all", "solve_instance",
           "build_resource_model", "build_resource_models"]
