"""Why did a zone get what it got, and what would change it?

:func:`explain_zone` answers an analyst's first question about a plan for one zone: its
allocation per configured resource (land; emission allowances per pollutant; funds; or, with
projects, the portfolio's zone totals and the zone's projects, chosen and rejected, with why)
against its request, its evaluation score and grade (and which evaluation set them), the
rules that bind for it with their shadow prices in plan units (objective unit per mu, t or
money), the pool's price, and what would change its allocation (for land below; emission
allowances and funds get the same re-solves of their pool and binding bounds and the weight a
zone at 0 needs, from the reduced cost):

* for each rule row that binds on the zone (its request cap, a zone cap or lock, its city's
  cap, the pool ...): the plan re-solved with that row's bound moved by one step each way,
  with the zone's new allocation, the objective's change, the first-order prediction (price ×
  step) and, from HiGHS ranging, the interval of the bound over which the price holds;
* for a zone held at 0: how much its objective weight (亩均税收 under the default efficiency
  objective) would have to rise before it can get land, from the LP reduced cost (exact for
  the current optimal basis: below it the plan stays optimal with the zone at 0), with the
  rules that hold it at 0 whatever its weight (an exclusion, a zero request) named; a re-solve
  with the weight raised just past that amount says whether it then gets land;
* for a ``tilt`` rule (land per existing mu non-decreasing in score): the zone's place in the
  score order and which neighbour holds it down (or up).

The mathematics behind prices, ranges and re-solves is in ``models/sensitivity.md``; this
package builds on :mod:`zoneopt.analysis.sensitivity`. The result, :class:`ZoneExplanation`, is a
frozen dataclass with the pieces and a :meth:`~ZoneExplanation.text` rendering that
``python -m zoneopt explain PATH ZONE`` prints. Resources are sections
(:class:`ResourceExplanation`): ``land``, ``emissions:<pollutant>``, ``funds``, ``portfolio``
(with :class:`ProjectDecision` s: for a rejected project the pools, rules and targets adding it
would break and by how much; for a chosen one the count targets the zone reaches only with it;
re-solves with it forced in or out).

The package, one module per concern: ``results`` (the records of a section), ``explanation``
(the whole answer, :class:`ZoneExplanation`) and ``render`` (text); ``resolve`` (the re-solve
engine every section shares) and ``section`` (a resource modelled with one column per zone); a
module per resource (``land`` with ``land_solve``, ``emissions``, ``funds``, ``portfolio``),
each with one section function of the signature in ``context``; ``generic``, the section of a
resource without one of its own (from what its model declares); and ``zone``, where
:func:`explain_zone` looks each configured resource up in one table,
:data:`~zoneopt.analysis.explain.zone.SECTIONS`. A new resource needs nothing here: it gets
the generic section until it adds a section module and a row there.
"""

from zoneopt.analysis.explain.explanation import ZoneExplanation
from zoneopt.analysis.explain.land import default_step
from zoneopt.analysis.explain.land_solve import LandSolve, solve_land_detail
from zoneopt.analysis.explain.portfolio import PROJECT_RESOLVES
from zoneopt.analysis.explain.resolve import round_step
from zoneopt.analysis.explain.results import (
    Blocker,
    EvaluationLine,
    Neighbour,
    ProjectDecision,
    ResourceExplanation,
    Step,
    TiltPosition,
    WeightThreshold,
    ZoneRule,
)
from zoneopt.analysis.explain.zone import explain_zone, find_zone

__all__ = [
    "explain_zone", "find_zone", "solve_land_detail", "default_step", "round_step", "LandSolve", "ZoneExplanation",
    "ProjectDecision", "Blocker", "PROJECT_RESOLVES",
    "ResourceExplanation", "ZoneRule", "Step", "WeightThreshold", "TiltPosition", "Neighbour", "EvaluationLine",
]
