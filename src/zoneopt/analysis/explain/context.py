"""What a resource's section function receives (:class:`ExplainContext`: the instance, the
zone, how to solve) and returns (:class:`Sections`): the one signature, :data:`SectionFn`,
that every row of :data:`~zoneopt.analysis.explain.zone.SECTIONS` shares."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from zoneopt.analysis.explain.land_solve import LandSolve
from zoneopt.analysis.explain.results import ResourceExplanation
from zoneopt.core.solution import SolveOptions
from zoneopt.instance import Instance


@dataclass(frozen=True, eq=False)
class ExplainContext:
    """One :func:`~zoneopt.analysis.explain.zone.explain_zone` call, as every section reads it:
    the zone's position ``j`` among the instance's zones, the backend and options to solve
    with, and the knobs of single resources (each section reads its own and ignores the rest):
    ``step`` and a given ``land_solve`` for land, ``project_resolves`` for the portfolio."""

    instance: Instance
    j: int
    backend: str
    options: SolveOptions
    step: float | None = None
    """The land re-solves' bound move, mu (``None``: :func:`~zoneopt.analysis.explain.land.default_step`)."""
    land_solve: LandSolve | None = None
    """The land plan, solved already (:func:`~zoneopt.analysis.explain.land_solve.solve_land_detail`)."""
    project_resolves: int = 0
    """At most this many portfolio re-solves with one project forced in or out."""


@dataclass(frozen=True)
class Sections:
    """What one resource adds to an explanation: its ``sections`` (one, or one per pollutant,
    or the portfolio's zone totals and projects), the ``backend`` its plan was solved on (the
    requested one, unless the plan was given solved) and the plan's presolve ``warnings``."""

    sections: tuple[ResourceExplanation, ...]
    backend: str
    warnings: tuple[str, ...] = ()


SectionFn = Callable[[ExplainContext], Sections]
"""A resource's section function: the explanation of the context's zone for that resource."""
