"""The pieces of an explanation, as frozen records: one :class:`ResourceExplanation` per
resource section, with the rule rows on the zone (:class:`ZoneRule`), the re-solves
(:class:`Step`), the weight a zone at 0 needs (:class:`WeightThreshold`), its place in a tilt
(:class:`TiltPosition`), the portfolio's projects (:class:`ProjectDecision`, :class:`Blocker`),
and the zone's line in each evaluation (:class:`EvaluationLine`). The whole answer,
:class:`~zoneopt.analysis.explain.explanation.ZoneExplanation`, sits above the text
rendering in ``explanation.py``."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import pandas as pd


@dataclass(frozen=True)
class EvaluationLine:
    """The zone's result in one of the instance's evaluations: ``score`` (in ``score_unit``),
    ``rank`` (1 = best, of ``ranked`` zones with a score), ``grade``, and which of score and
    grade the evaluation ``assigns`` to the zones (so the allocation rules read them).
    ``error`` is the reason when the evaluation could not run."""

    evaluation: str
    method: str
    source: str | None
    score: float | None
    score_unit: str
    rank: float | None
    ranked: int
    grade: str | None
    assigns: tuple[str, ...] = ()
    error: str | None = None


@dataclass(frozen=True)
class ZoneRule:
    """One rule row that constrains the zone's allocation (the zone's own row, or a group,
    tilt or pool row it is part of). Amounts in the resource's unit; ``shadow_price`` in
    ``price_unit`` (d objective / d bound, :mod:`zoneopt.core.solution`'s sign convention; 0 for
    a row not at its bound, NaN for a MIP); ``range_lower``/``range_upper`` the interval of the
    bound over which the price holds (HiGHS ranging; NaN where unknown)."""

    rule: str
    type: str
    source: str | None
    note: str | None
    row: str
    label: str
    side: str
    bound: float
    activity: float
    slack: float
    binding: bool
    shadow_price: float
    range_lower: float
    range_upper: float
    price_unit: str
    for_zone: bool = False
    """The row binds *for this zone* (:func:`zoneopt.models.rules.binds_for_zone`, the one
    decision ``solve``'s ``binding_rules`` also comes from): at its bound, the zone's own row,
    not a pool-wide rule. A row at its bound that is not for the zone is shared (the pool, a
    city's cap, the tilt) and said once for the plan."""


@dataclass(frozen=True)
class Step:
    """The plan re-solved with one bound moved by ``delta`` (the row's active bound; both sides
    of an equality; for the pool, the pool total and the rules stated as shares of it):
    ``status`` of that solve, the zone's ``allocation`` there and its ``change``, the
    ``objective`` there and its ``objective_change``, and the first-order ``predicted``
    objective change (shadow price × delta; NaN without a price)."""

    rule: str
    row: str
    side: str
    bound: float
    delta: float
    status: str
    allocation: float
    change: float
    objective: float
    objective_change: float
    predicted: float


@dataclass(frozen=True)
class WeightThreshold:
    """For a zone held at 0: how far its objective weight must rise before it can get land.

    ``rise`` (in ``unit``, NaN when the LP gives no reduced cost, e.g. a MIP) is the reduced
    cost of the zone's allocation with the rows in ``blocked_by`` (rules that hold it at 0
    whatever its weight: an exclusion, a zero request or cap, a lock at 0) set aside: below
    ``value + rise`` the current plan stays optimal, so the rise is necessary. At a degenerate
    optimum (a tilt binding at 0 with price 0, say) it may not be enough: the zone's allocation
    is non-decreasing in its weight, so for the efficiency objective without a blocking rule
    the plan is re-solved with the weight raised just past ``rise``, and if the zone still gets
    nothing, by doubling and bisection (to :data:`RESOLVE_PRECISION`) until it does.
    ``resolved_rise`` is the rise at which a re-solve gives it land (NaN when not searched or
    not found within ``value`` × 2**20) and ``resolved_allocation`` what it then gets."""

    objective_kind: str
    indicator: str | None
    description: str
    unit: str
    value: float
    rise: float
    blocked_by: tuple[str, ...]
    resolved_rise: float = math.nan
    resolved_allocation: float = math.nan
    solves: int = 0
    note: str = ""


@dataclass(frozen=True)
class Neighbour:
    """A zone next to the explained one in a tilt's score order."""

    zone: str
    name: str
    score: float
    per_mu: float


@dataclass(frozen=True)
class TiltPosition:
    """The zone's place in a ``tilt`` rule's order: ``score`` (the tilt's indicator ``by``),
    ``rank`` (1 = highest) of ``members``, ``per_mu`` its allocation per mu of existing land
    (per zone when the tilt is ``per: zone``), the nearest higher-scored ``above`` and
    lower-scored ``below`` neighbours (the one whose level bounds the zone's), and ``held``:
    ``down`` (its row "no more per mu than the tier above" binds with a positive ``price``: it
    is held down to the ``above`` neighbour's level), ``up`` (its row "at least as much per mu
    as the tier below" binds with a negative price: it is tied to the ``below`` neighbour, who
    may get no more than it), ``tied`` (level with a neighbour at price 0) or ``free``.
    ``run`` counts the zones in score order with the same level as this zone, from
    ``run_top`` to ``run_bottom``."""

    rule: str
    source: str | None
    by: str
    score: float
    rank: int
    members: int
    per_mu: float
    per: str
    above: Neighbour | None
    below: Neighbour | None
    held: str
    price: float
    run: int
    run_top: Neighbour | None
    run_bottom: Neighbour | None


@dataclass(frozen=True)
class Blocker:
    """A rule row that adding a rejected project would break: its ``activity`` in the plan
    and the ``bound`` it would pass by ``over`` (natural units, ``unit``)."""

    rule: str
    type: str
    source: str | None
    row: str
    side: str
    bound: float
    activity: float
    over: float
    unit: str


@dataclass(frozen=True)
class ProjectDecision:
    """One project of the zone in a portfolio plan, and why it is in or out.

    ``blocked_by`` (a rejected project): the pools, zone rules and targets that adding it
    alone to the plan would break, each by how much. ``needed_for`` (a chosen project): the
    count targets the zone reaches only with it. ``forced_*``: the plan re-solved with the
    project forced in (rejected) or out (chosen): that solve's status, the objective's change
    (``objective_unit``) and the other projects whose choice changes (``+id`` chosen,
    ``-id`` dropped); ``forced_status`` is ``""`` when not re-solved (beyond the limit).
    ``reason`` says it in one line."""

    project: str
    name: str
    sector: str | None
    chosen: bool
    objective_term: float
    objective_unit: str
    land_mu: float
    emissions_t: dict[str, float]
    fund: float
    fund_given: float
    investment: float
    tax: float
    revenue: float
    blocked_by: tuple[Blocker, ...]
    needed_for: tuple[str, ...]
    forced_status: str
    forced_objective_change: float
    forced_changes: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class ResourceExplanation:
    """One resource's part of an explanation (``land``, ``emissions:<pollutant>``, ``funds``,
    ``portfolio``): the zone's ``allocation`` and
    ``request`` in ``unit``, ``fulfilment`` (share of the request), the pool and its price
    (``pool_price`` in ``price_unit``, valid for pool totals in [``pool_range_lower``,
    ``pool_range_upper``]), the rule rows on the zone (:class:`ZoneRule`), the re-solves
    (:class:`Step`, ``step`` units each way), the weight threshold for a zone at 0, the tilt
    positions, and ``notes``."""

    resource: str
    unit: str
    allocation: float
    request: float | None
    fulfilment: float | None
    pool_total: float
    pool_allocated: float
    pool_rule: str
    pool_source: str | None
    pool_price: float
    pool_range_lower: float
    pool_range_upper: float
    price_unit: str
    objective_kind: str
    objective: float
    objective_unit: str
    rules: tuple[ZoneRule, ...]
    step: float
    steps: tuple[Step, ...]
    weight: WeightThreshold | None
    tilts: tuple[TiltPosition, ...]
    notes: tuple[str, ...] = ()
    projects: tuple[ProjectDecision, ...] = ()
    """The zone's projects, chosen and rejected, with why (the ``portfolio`` section only)."""
    method: str = "lp"
    """``lp``, ``mip`` (no shadow prices) or ``zsg-dea`` (a formula: no rules)."""

    @property
    def binding(self) -> tuple[ZoneRule, ...]:
        """The rule rows on this zone at their bound (the pool and shared rows included)."""
        return tuple(r for r in self.rules if r.binding)

    @property
    def for_zone(self) -> tuple[ZoneRule, ...]:
        """The rule rows that bind for this zone (:attr:`ZoneRule.for_zone`): the rules of these
        rows are those of the plan's ``binding_rules`` for the zone."""
        return tuple(r for r in self.rules if r.for_zone)

    @property
    def shared(self) -> tuple[ZoneRule, ...]:
        """Rows at their bound on this zone that bind for the plan, not for the zone alone
        (a city's cap, a share of the pool; the pool and the tilt are said apart)."""
        return tuple(r for r in self.rules if r.binding and not r.for_zone and r.rule != self.pool_rule
                     and r.type != "tilt")

    def rules_frame(self) -> pd.DataFrame:
        """:attr:`rules` as a table, one row per rule row."""
        return pd.DataFrame([asdict(r) for r in self.rules], columns=list(ZoneRule.__dataclass_fields__))

    def steps_frame(self) -> pd.DataFrame:
        """:attr:`steps` as a table, one row per re-solve."""
        return pd.DataFrame([asdict(s) for s in self.steps], columns=list(Step.__dataclass_fields__))

    def projects_frame(self) -> pd.DataFrame:
        """:attr:`projects` as a table, one row per project (blockers ``;``-joined)."""
        rows = []
        for d in self.projects:
            rec = asdict(d)
            rec["blocked_by"] = "; ".join(f"{b['row']} +{b['over']:.6g} {b['unit']}" for b in rec["blocked_by"])
            rec["needed_for"] = "; ".join(rec["needed_for"])
            rec["forced_changes"] = "; ".join(rec["forced_changes"])
            rec["emissions_t"] = "; ".join(f"{k}={v:g}" for k, v in rec["emissions_t"].items())
            rows.append(rec)
        return pd.DataFrame(rows, columns=list(ProjectDecision.__dataclass_fields__))
