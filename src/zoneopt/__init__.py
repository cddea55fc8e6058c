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
from zoneopt.instance import Instance, Zone, load
from zoneopt.models.land_quota import LandModel, build_land_model, solve_land
from zoneopt.plan import Plan, PlanRecord, PlanSummary

__version__ = "0.1.0"


def solve(instance: Instance, backend: str = "highs", *, time_limit: float | None = None,
          mip_gap: float = 1e-6, options: SolveOptions | None = None) -> Plan:
    """Solve every resource the instance configures and return the checked :class:`Plan`.

    Today that is the land quota (``pools.land``). See :func:`zoneopt.solve_land`.
    """
    return solve_land(instance, backend, time_limit=time_limit, mip_gap=mip_gap, options=options)


__all__ = [
    "__version__",
    # instances and plans
    "Instance", "Zone", "load", "Plan", "PlanRecord", "PlanSummary",
    # solving
    "solve", "solve_land", "build_land_model", "LandModel",
    # the core
    "Model", "ModelBuilder", "Solution", "SolveOptions", "Status", "CheckReport",
    "solve_model", "backend_names", "check_solution", "read_mps", "write_mps",
    # errors
    "ZoneoptError", "InvalidInputError", "InstanceError", "Issue", "ModelError",
    "UnsupportedModelError", "UnknownBackendError", "InfeasibleError", "UnboundedError",
    "NoSolutionError", "SolutionCheckError",
]
