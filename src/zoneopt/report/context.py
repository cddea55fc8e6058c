"""What every section builder of the report gets (:class:`ReportContext`) and the shape of a
resource's section builder (:data:`SectionBuilder`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from zoneopt.analysis.explain import LandSolve
from zoneopt.core.solution import SolveOptions
from zoneopt.instance import Instance
from zoneopt.plans import ResourcePlan
from zoneopt.plans.display import Display
from zoneopt.report.charts import ChartRenderer
from zoneopt.report.document import Section


@dataclass(frozen=True, eq=False)
class ReportContext:
    """What a section builder gets: the instance, the backend and options, the settings of
    :func:`build_report`, and the chart renderer (None when charts are off)."""

    instance: Instance
    backend: str
    options: SolveOptions
    what_if_factors: tuple[float, ...]
    frontier_points: int
    rule_costs: bool
    scenarios: bool
    charts: ChartRenderer | None
    display: Display = field(default_factory=Display)
    """The report's language and money units (:mod:`zoneopt.plans.display`)."""


SectionBuilder = Callable[[ReportContext], tuple[Section, "LandSolve | ResourcePlan | None"]]
"""A resource's section builder: its :class:`Section` and what it solved (the land solve, or
the emission, fund or portfolio plan) for the summary."""

