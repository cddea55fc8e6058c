"""zoneopt: allocate planning resources across development zones with LP and MIP.

Quick use::

    import zoneopt
    instance = zoneopt.load("instances/henan-etdz-45.json")
    plan = zoneopt.solve(instance)              # HiGHS by default
    plan.allocations                            # a pandas DataFrame, one row per zone
    plan.to_excel("plan.xlsx")

Everything listed in ``__all__`` is the stable public API. The library never prints; it
logs to the ``zoneopt`` logger and raises the exceptions in :mod:`zoneopt.errors`.

Importing zoneopt is cheap: each public name's module (and with it pandas, scipy, pydantic, a
solver or matplotlib) is imported when the name is first used (:data:`_EXPORTS`, PEP 562), so
``python -m zoneopt --help`` and a program that only catches zoneopt's errors pay for nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

# The errors import nothing heavy, and code that only catches them should not pay for more.
from zoneopt.errors import (
    CertificationError,
    InconsistentJudgementError,
    InfeasibleError,
    InstanceError,
    Interrupted,
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
from zoneopt.lazy import lazy_exports

__version__ = "0.1.0"

# Every other public name → the module defining it ("module:attribute" where the name differs).
# Keep in step with the TYPE_CHECKING imports below (tests/test_embedding.py checks both).
_EXPORTS: dict[str, str] = {
    # instances and plans
    "Instance": "zoneopt.instance",
    "Zone": "zoneopt.instance",
    "load": "zoneopt.instance",
    "Plan": "zoneopt.plans",
    "PlanRecord": "zoneopt.plans",
    "PlanSummary": "zoneopt.plans",
    "PlanSet": "zoneopt.plans",
    "ResourcePlan": "zoneopt.plans",
    # solving
    "solve_land": "zoneopt.models.land_plan",
    "build_land_model": "zoneopt.models.land_quota",
    "LandModel": "zoneopt.models.land_quota",
    "solve_all": "zoneopt.resources",
    "solve_emissions": "zoneopt.models.emissions",
    "solve_funds": "zoneopt.models.funds",
    "solve_portfolio": "zoneopt.models.portfolio",
    "solve_consolidation": "zoneopt.models.consolidation",
    "solve_multi_period": "zoneopt.models.multi_period",
    "manage": "zoneopt.models.dynamic",
    # evaluation, checks and explanations
    "evaluate": "zoneopt.evaluation.run",
    "evaluate_all": "zoneopt.evaluation.run",
    "EvaluationResult": "zoneopt.evaluation.run",
    "presolve_checks": "zoneopt.models.presolve",
    "diagnose_model": "zoneopt.core.diagnose:diagnose",  # the name 'diagnose' is the module
    "diagnose_land": "zoneopt.analysis.diagnose",
    "Diagnosis": "zoneopt.core.diagnose",
    "solve_rule_prices": "zoneopt.analysis.sensitivity",
    "rule_costs": "zoneopt.analysis.sensitivity",
    "what_if": "zoneopt.analysis.sensitivity",
    "frontier": "zoneopt.analysis.sensitivity",
    "explain_zone": "zoneopt.analysis.explain",
    "stability": "zoneopt.analysis.stability",
    "pool_range": "zoneopt.analysis.stability",
    "PlanShape": "zoneopt.plans",
    "apply_scenario": "zoneopt.analysis.scenarios",
    "compare": "zoneopt.analysis.scenarios",
    "build_report": "zoneopt.report",
    # the core
    "Model": "zoneopt.core.model",
    "ModelBuilder": "zoneopt.core.model",
    "Solution": "zoneopt.core.solution",
    "SolveOptions": "zoneopt.core.solution",
    "Status": "zoneopt.core.solution",
    "CheckReport": "zoneopt.core.solution",
    "solve_model": "zoneopt.core.solve:solve",
    "backend_names": "zoneopt.core.solve",
    "check_solution": "zoneopt.core.checker",
    "read_mps": "zoneopt.core.mps",
    "write_mps": "zoneopt.core.mps",
}

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:  # what __getattr__ returns, for type checkers
    from zoneopt.analysis.diagnose import diagnose_land
    from zoneopt.analysis.explain import explain_zone
    from zoneopt.analysis.scenarios import apply_scenario, compare
    from zoneopt.analysis.sensitivity import frontier, rule_costs, solve_rule_prices, what_if
    from zoneopt.analysis.stability import pool_range, stability
    from zoneopt.core.checker import check_solution
    from zoneopt.core.diagnose import Diagnosis
    from zoneopt.core.diagnose import diagnose as diagnose_model
    from zoneopt.core.model import Model, ModelBuilder
    from zoneopt.core.mps import read_mps, write_mps
    from zoneopt.core.solution import CheckReport, Solution, SolveOptions, Status
    from zoneopt.core.solve import backend_names
    from zoneopt.core.solve import solve as solve_model
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
    from zoneopt.plans import Plan, PlanRecord, PlanSet, PlanShape, PlanSummary, ResourcePlan
    from zoneopt.report import build_report
    from zoneopt.resources import solve_all


def solve(instance: Instance, backend: str = "highs", *, time_limit: float | None = None,
          mip_gap: float | None = None, options: SolveOptions | None = None) -> Plan | PlanSet:
    """Solve every resource the instance configures and return the checked plan(s): the land
    :class:`Plan` when the instance gives only a land pool (see :func:`zoneopt.solve_land`);
    otherwise a :class:`PlanSet` with a plan per resource (land, emissions, funds), or the
    joint project portfolio when the instance has projects (:func:`zoneopt.solve_all`).
    """
    from zoneopt.resources import solve_instance

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
    "Diagnosis", "solve_rule_prices", "rule_costs", "what_if", "frontier", "explain_zone", "stability",
    "pool_range", "PlanShape",
    "apply_scenario", "compare", "build_report",
    # the core
    "Model", "ModelBuilder", "Solution", "SolveOptions", "Status", "CheckReport",
    "solve_model", "backend_names", "check_solution", "read_mps", "write_mps",
    # errors
    "ZoneoptError", "InvalidInputError", "InstanceError", "Issue", "ModelError",
    "UnsupportedModelError", "UnknownBackendError", "InfeasibleError", "UnboundedError",
    "NoSolutionError", "SolutionCheckError", "CertificationError", "InconsistentJudgementError", "Interrupted",
]
