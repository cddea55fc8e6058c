"""zoneopt: allocate planning resources across development zones with LP and MIP.

Quick use::

    import zoneopt
    instance = zoneopt.load("instances/henan-etdz-45.json")
    plan = zoneopt.solve(instance)              # HiGHS by default
    plan.allocations                            # a pandas DataFrame, one row per zone
    plan.to_excel("plan.xlsx")

Everything listed in ``__all__`` is the stable public API. The library never prints; it
logs to the ``zoneopt`` logger and raises the exceptions in :mod:`zoneopt.errors`.
"""

from __future__ import annotations

from zoneopt.analysis.diagnose import diagnose_land
from zoneopt.analysis.explain import explain_zone
from zoneopt.analysis.scenarios import apply_scenario, compare
from zoneopt.analysis.sensitivity import frontier, rule_costs, solve_rule_prices, what_if
from zoneopt.core import (
    CheckReport,
    Model,
    ModelBuilder,
    Solution,
    SolveOptions,
    Status,
    backend_names,
    check_solution,
    read_mps,
    write_mps,
)
from zoneopt.core import solve as solve_model
from zoneopt.core.diagnose import Diagnosis
from zoneopt.core.diagnose import diagnose as diagnose_model  # the name 'diagnose' is the module
from zoneopt.errors import (
    InfeasibleError,
    InstanceError,
    InvalidInputError,
    Issue,
    ModelError,
    NoSolutionError,
    SolutionCheckError,
    UnboundedError,
    UnknownBackendError,
    UnsupportedModelError,
    ZoneoptError,
)
from zoneopt.evaluation.run import EvaluationResult, evaluate, evaluate_all
from zoneopt.instance import Instance, Zone, load
from zoneopt.models.consolidation import solve_consolidation
from zoneopt.models.dynamic import manage
from zoneopt.models.emissions import solve_emissions
from zoneopt.models.funds import solve_funds
from zoneopt.models.land_plan import solve_land
from zoneopt.models.land_quota import LandModel, build_land_model
from zoneopt.models.multi_period import solve_multi_period
from zoneopt.models.portfolio import solve_portfolio
from zoneopt.models.presolve import presolve_checks
from zoneopt.plans import Plan, PlanRecord, PlanSet, PlanSummary, ResourcePlan
from zoneopt.report import build_report
from zoneopt.resources import solve_all, solve_instance

__version__ = "0.1.0"


def solve(instance: Instance, backend: str = "highs", *, time_limit: float | None = None,
          mip_gap: float | None = None, options: SolveOptions | None = None) -> Plan | PlanSet:
    """Solve every resource the instance configures and return the checked plan(s): the land
    :class:`Plan` when the instance gives only a land pool (see :func:`zoneopt.solve_land`);
    otherwise a :class:`PlanSet` with a plan per resource (land, emissions, funds), or the
    joint project portfolio when the instance has projects (:func:`zoneopt.solve_all`).
    """
    return solve_instance(instance, backend, time_limit=time_limit, mip_gap=mip_gap, options=options)


__all__ = [
    "__version__",
    # instances and plans
    "Instance", "Zone", "load", "Plan", "PlanRecord", "PlanSummary", "PlanSet", "ResourcePlan",
    # solving
    "solve", "solve_land", "build_land_model", "LandModel", "solve_all", "solve_emissions", "solve_funds",
    "solve_portfolio", "solve_consolidation", "solve_multi_period", "manage",
    # evaluation, checks and explanations
    "evaluate", "evaluate_all", "EvaluationResult", "presolve_checks", "diagnose_model", "diagnose_land",
    "Diagnosis", "solve_rule_prices", "rule_costs", "what_if", "frontier", "explain_zone",
    "apply_scenario", "compare", "build_report",
    # the core
    "Model", "ModelBuilder", "Solution", "SolveOptions", "Status", "CheckReport",
    "solve_model", "backend_names", "check_solution", "read_mps", "write_mps",
    # errors
    "ZoneoptError", "InvalidInputError", "InstanceError", "Issue", "ModelError",
    "UnsupportedModelError", "UnknownBackendError", "InfeasibleError", "UnboundedError",
    "NoSolutionError", "SolutionCheckError",
]
