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
module builds on :mod:`zoneopt.analysis.sensitivity`. The result, :class:`ZoneExplanation`, is a frozen
dataclass with the pieces and a :meth:`~ZoneExplanation.text` rendering that
``python -m zoneopt explain PATH ZONE`` prints. Resources are sections
(:class:`ResourceExplanation`): ``land``, ``emissions:<pollutant>``, ``funds``, ``portfolio``
(with :class:`ProjectDecision` s: for a rejected project the pools, rules and targets adding it
would break and by how much; for a chosen one the count targets the zone reaches only with it;
re-solves with it forced in or out).
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from zoneopt.core.model import Model
from zoneopt.core.solution import Solution, SolveOptions
from zoneopt.core.solve import DEFAULT_BACKEND
from zoneopt.core.solve import solve as core_solve
from zoneopt.errors import InvalidInputError, ZoneoptError
from zoneopt.evaluation.indicators import indicator, indicator_unit
from zoneopt.instance import MONEY_LABEL, ExcludeRule, Instance, TiltRule
from zoneopt.instance.indicators import INDICATORS
from zoneopt.models.land_quota import (
    TOTAL_RULE,
    LandModel,
    build_land_model,
    efficiency_stage,
    plan_from_solution,
    raise_for_status,
)
from zoneopt.plans import Plan
from zoneopt.analysis.sensitivity import POOL, _solve_point, rule_prices, what_if
from zoneopt.data.zones import ZoneTable

FloatArray = npt.NDArray[np.float64]

# A zone with less than this share of a land unit is "at 0".
_ZERO = 1e-7
# Weight rise past the reduced-cost threshold used to check that the zone then gets land.
_CHECK_MARGIN = 0.01
RESOLVE_PRECISION = 0.01
"""Relative precision of the weight rise found by re-solves (:class:`WeightThreshold`)."""
_MAX_DOUBLINGS = 20
PROJECT_RESOLVES = 12
"""At most this many re-solves of a portfolio per explained zone (one project forced in or out each)."""


# -- solving once, keeping what the explanations need ------------------------------------------

@dataclass(frozen=True, eq=False)
class LandSolve:
    """One solve of an instance's land plan with everything an explanation or a report reads:
    the built model, the first-stage solution (its duals are the prices), the final solution
    (the allocation; the efficiency tie-break for an equity objective), the :class:`Plan`
    (with presolve warnings, as :func:`~zoneopt.models.land_quota.solve_land` returns it) and
    :func:`~zoneopt.analysis.sensitivity.rule_prices` of the solve."""

    lm: LandModel
    first: Solution
    final: Solution
    plan: Plan
    prices: pd.DataFrame
    backend: str
    options: SolveOptions


def solve_land_detail(instance: Instance, backend: str = DEFAULT_BACKEND, *,
                      options: SolveOptions | None = None, ranging: bool | None = None) -> LandSolve:
    """Build and solve the land plan of ``instance`` as :func:`zoneopt.solve_land` does (both
    stages of an equity objective, presolve warnings in the summary) and keep the model, the
    solutions and the rule prices (``ranging`` as in :func:`~zoneopt.analysis.sensitivity.rule_prices`).

    Raises :class:`~zoneopt.errors.InfeasibleError` (with the diagnosis) /
    :class:`~zoneopt.errors.UnboundedError` (exit code 3), :class:`~zoneopt.errors.NoSolutionError`
    (4) and :class:`~zoneopt.errors.InstanceError` (2), as ``solve_land`` does."""
    from zoneopt.models.presolve import presolve_checks

    lm = build_land_model(instance)
    warnings = [f.message for f in presolve_checks(instance, lm) if f.severity == "warning"]
    opts = options if options is not None else SolveOptions()
    first = core_solve(lm.model, backend, options=opts)
    raise_for_status(first, lm)
    final, secondary = first, None
    if lm.equity is not None and instance.objective.kind == "equity":
        assert first.x is not None
        final = core_solve(efficiency_stage(lm, float(first.x[lm.equity.start])), backend, options=opts)
        raise_for_status(final, lm)
        assert final.objective is not None
        secondary = final.objective * lm.tie_break_scale
    plan = plan_from_solution(lm, final, primary=first, secondary=secondary)
    plan.summary = plan.summary.model_copy(update={"warnings": warnings})
    prices = rule_prices(lm, final, ranging, primary=first)
    return LandSolve(lm, first, final, plan, prices, backend, opts)


# -- the pieces of an explanation ----------------------------------------------------------------

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
        """The rule rows at their bound for this zone (the pool included)."""
        return tuple(r for r in self.rules if r.binding)

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


@dataclass(frozen=True)
class ZoneExplanation:
    """Why a zone got what it got (:func:`explain_zone`). Print :meth:`text`; the pieces are
    fields: the zone's attributes, its ``score`` and ``grade`` as the plan used them (with the
    evaluation that assigned each, ``None`` when given in the instance), its result in every
    evaluation the instance carries, and a :class:`ResourceExplanation` per resource."""

    instance: str
    synthetic: bool
    zone: str
    name: str
    city: str
    county: str | None
    level: str
    kind: str
    land_area_mu: float
    score: float | None
    grade: str | None
    score_from: str | None
    grade_from: str | None
    evaluations: tuple[EvaluationLine, ...]
    resources: tuple[ResourceExplanation, ...]
    backend: str
    warnings: tuple[str, ...] = field(default=())

    def resource(self, name: str) -> ResourceExplanation:
        """The section of resource ``name`` (``"land"``); :class:`InvalidInputError` if absent."""
        for r in self.resources:
            if r.resource == name:
                return r
        raise InvalidInputError(f"explanation of zone {self.zone!r} has no resource {name!r}; it has "
                                f"{', '.join(r.resource for r in self.resources) or 'none'}")

    def to_dict(self) -> dict[str, Any]:
        """Every field as plain Python (for JSON)."""
        return _plain(asdict(self))

    def text(self) -> str:
        """The explanation as readable text (what ``python -m zoneopt explain`` prints)."""
        return "\n".join(_text(self))


def _plain(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if isinstance(v, float) and not math.isfinite(v):
        return None if math.isnan(v) else ("inf" if v > 0 else "-inf")
    if hasattr(v, "item"):
        return _plain(v.item())
    return v


# -- finding the zone -----------------------------------------------------------------------------

def find_zone(instance: Instance, zone: str) -> int:
    """The position of ``zone`` (an id, or a zone's exact name if no id matches and one zone
    has that name) among the instance's zones. Raises :class:`InvalidInputError` naming the
    closest ids and names for an unknown zone."""
    frame = ZoneTable.of(instance, evaluated=False).frame
    ids = frame["zone"].to_numpy(dtype=object)
    hit = np.flatnonzero(ids == zone)
    if hit.size:
        return int(hit[0])
    names = frame["name"].to_numpy(dtype=object)
    hit = np.flatnonzero(names == zone)
    if hit.size == 1:
        return int(hit[0])
    # an error path: the closest ids and names (difflib, case-insensitive) and substrings
    low = zone.lower()
    by_text: dict[str, str] = {}
    for i, n in zip(ids.tolist(), names.tolist(), strict=True):  # once, on the error path
        by_text.setdefault(str(i).lower(), i)
        if n:
            by_text.setdefault(str(n).lower(), i)
    close = [by_text[m] for m in difflib.get_close_matches(low, list(by_text), n=5, cutoff=0.5)]
    close += [i for text, i in by_text.items() if low in text][:5]
    close = list(dict.fromkeys(close))[:6]
    name_of = dict(zip(ids.tolist(), names.tolist(), strict=True))
    shown = ", ".join(f"{i!r} ({name_of[i]})" if name_of[i] else repr(i) for i in close)
    hint = f"; did you mean {shown}?" if close else (
        f"; zone ids: {', '.join(map(repr, ids[:10].tolist()))}{' ...' if ids.size > 10 else ''}")
    raise InvalidInputError(f"no zone {zone!r} in instance {instance.name!r} ({ids.size} zones){hint}")


# -- explain -------------------------------------------------------------------------------------

def default_step(lm: LandModel) -> float:
    """The re-solve step for a land plan, mu: the parcel for a parcel model, else about 1 % of
    the pool, rounded down to 1, 2 or 5 × a power of ten."""
    if lm.pool.parcel_mu is not None:
        return float(lm.pool.parcel_mu)
    return round_step(lm.pool.total_mu)


def explain_zone(instance: Instance, zone: str, backend: str = DEFAULT_BACKEND, *, step: float | None = None,
                 options: SolveOptions | None = None, solved: LandSolve | None = None,
                 project_resolves: int = PROJECT_RESOLVES) -> ZoneExplanation:
    """Explain the plan for one zone of ``instance`` (see the module docstring), one
    :class:`ResourceExplanation` per configured resource
    (:func:`zoneopt.resources.configured`): ``land``; ``emissions:<pollutant>`` for each
    pollutant; ``funds``; or, with projects, the portfolio's zone totals (``land``,
    ``emissions:<pollutant>``, ``funds``) and a ``portfolio`` section with the zone's projects,
    chosen and rejected, and why (:class:`ProjectDecision`).

    ``zone`` is a zone id (or a zone's exact name). Each plan is solved on ``backend`` (the
    land plan may be given as ``solved``, a :func:`solve_land_detail` of this instance);
    ``step`` is the bound move of the land re-solves in mu (default :func:`default_step`:
    about 1 % of the pool); the other resources step by about 1 % of their pool (a whole
    tranche for a tranche model). Shadow prices are in each plan's objective unit per unit
    of the resource (mu, t, money); for an equity land objective they are those of the first
    stage. A MIP (parcels, tranches, the portfolio) has no prices; ``project_resolves`` bounds
    the portfolio's re-solves with one project forced in or out (0: none).

    Raises :class:`InvalidInputError` for an unknown zone (naming close matches), a
    non-positive ``step`` or an instance without a resource; :class:`~zoneopt.errors.InfeasibleError`
    (exit code 3, carrying the diagnosis) when a plan's rules cannot all hold; and what the
    solvers raise otherwise (InstanceError, NoSolutionError).
    """
    from zoneopt.resources import configured

    j = find_zone(instance, zone)
    if step is not None and not (math.isfinite(step) and step > 0):
        raise InvalidInputError(f"explain: step must be a positive number of mu, got {step!r}")
    resources = configured(instance)
    if not resources:
        raise InvalidInputError(f"instance {instance.name!r}: pools: explain needs a resource to explain (a land, "
                                "emission or fund pool, or projects)")
    opts = options if options is not None else SolveOptions()
    sections: list[ResourceExplanation] = []
    warnings: tuple[str, ...] = ()
    ls = None
    for resource in resources:  # at most four
        if resource == "land":
            ls = solved if solved is not None else solve_land_detail(instance, backend, options=opts)
            sections.append(_land(instance, ls, j, step))
            warnings = tuple(ls.plan.summary.warnings)
        elif resource == "emissions":
            sections += _emission_sections(instance, j, backend, opts)
        elif resource == "funds":
            sections.append(_fund_section(instance, j, backend, opts))
        else:
            sections += _portfolio_sections(instance, j, backend, opts, project_resolves)
    zt = ls.lm.zones.frame if ls is not None else ZoneTable.of(instance).frame
    row = zt.iloc[j]
    evaluations, score_from, grade_from = _evaluations(instance, j, ls.backend if ls is not None else backend)
    score = float(row["score"]) if pd.notna(row["score"]) else None
    grade = str(row["grade"]) if isinstance(row["grade"], str) else None
    county = row["county"] if isinstance(row["county"], str) else None
    return ZoneExplanation(
        instance=instance.name, synthetic=instance.metadata.synthetic, zone=str(row["zone"]),
        name=str(row["name"] or ""), city=str(row["city"]), county=county, level=str(row["level"]),
        kind=str(row["kind"]), land_area_mu=float(row["land_area_mu"]), score=score, grade=grade,
        score_from=score_from, grade_from=grade_from, evaluations=evaluations, resources=tuple(sections),
        backend=ls.backend if ls is not None else backend, warnings=warnings)


def _evaluations(instance: Instance, j: int, backend: str
                 ) -> tuple[tuple[EvaluationLine, ...], str | None, str | None]:
    """The zone's line in every evaluation, and which evaluation assigned score and grade (the
    last one that assigns each, as the zone table applies them in order)."""
    from zoneopt.evaluation.run import evaluated, score_unit

    lines = []
    score_from = grade_from = None
    for ev in instance.evaluations:  # a loop over evaluations
        if "score" in ev.assign:
            score_from = ev.id
        if "grade" in ev.assign:
            grade_from = ev.id
        try:
            result = evaluated(instance, ev.id, backend=backend)
        except ZoneoptError as exc:
            lines.append(EvaluationLine(ev.id, ev.method, ev.source, None, score_unit(instance, ev.id), None, 0,
                                        None, tuple(ev.assign), str(exc)))
            continue
        z = result.zones
        scores = z["score"].to_numpy(dtype=float)
        s, r, g = scores[j], z["rank"].to_numpy(dtype=float)[j], z["grade"].to_numpy(dtype=object)[j]
        lines.append(EvaluationLine(ev.id, ev.method, ev.source, None if np.isnan(s) else float(s),
                                    result.score_unit, None if np.isnan(r) else float(r),
                                    int(np.count_nonzero(~np.isnan(scores))), g if isinstance(g, str) else None,
                                    tuple(ev.assign)))
    return tuple(lines), score_from, grade_from


def _land(instance: Instance, ls: LandSolve, j: int, step: float | None) -> ResourceExplanation:
    lm, m = ls.lm, ls.lm.model
    sigma = lm.land_unit
    col = lm.x.start + j
    x = ls.final.x
    assert x is not None
    alloc = ls.plan.allocations
    allocation = float(alloc["allocation_mu"].iloc[j])
    request = alloc["request_mu"].iloc[j]
    fulfil = alloc["fulfilment"].iloc[j]
    price_unit = f"{lm.objective_unit} per mu"

    # The rule rows on the zone: rows with a coefficient on its column, tagged with a rule.
    column = m.A[:, [col]].tocoo()
    rows = np.sort(column.row.astype(np.int64))
    block_of = m.row_block_index()[rows]
    tagged = np.array([m.row_blocks[k].rule is not None for k in block_of.tolist()], dtype=bool)
    rows = rows[tagged]
    names = list(lm.model.block_row_names(rows))
    act = (m.A[rows] @ x) * sigma
    lo, hi = m.row_lb[rows] * sigma, m.row_ub[rows] * sigma
    prices = ls.prices.set_index("row")
    rules: list[ZoneRule] = []
    zone_blocks = block_of[tagged]
    for k, name in enumerate(names):  # the zone's few rows
        b = m.row_blocks[int(zone_blocks[k])]
        info = lm.rules.get(b.rule or "")
        label = name[name.index("[") + 1:-1]
        if name in prices.index:
            p = prices.loc[name]
            side, bound, binding = str(p["side"]), float(p["bound"]), bool(p["binding"])
            price, rlo, rhi = float(p["shadow_price"]), float(p["range_lower"]), float(p["range_upper"])
        else:  # a row of a multi-row rule that neither binds nor has a price
            near_hi = np.isfinite(hi[k]) and (not np.isfinite(lo[k]) or hi[k] - act[k] <= act[k] - lo[k])
            side, bound = ("upper", float(hi[k])) if near_hi else ("lower", float(lo[k]))
            binding, price = False, 0.0 if not m.is_mip else math.nan
            rlo = rhi = math.nan
        rules.append(ZoneRule(rule=b.rule or "", type=info.type if info else "", source=b.source,
                              note=info.note if info else None, row=name, label=label, side=side, bound=bound,
                              activity=float(act[k]), slack=abs(bound - float(act[k])), binding=binding,
                              shadow_price=price, range_lower=rlo, range_upper=rhi, price_unit=price_unit))

    pool = next(r for r in rules if r.rule == TOTAL_RULE)
    step_mu = float(step) if step is not None else default_step(lm)
    opts = ls.options
    base_obj = ls.plan.summary.objective
    assert base_obj is not None
    notes: list[str] = []

    steps = _pool_steps(instance, ls, j, pool, step_mu, allocation, base_obj)
    for r, row_index in zip(rules, rows.tolist(), strict=True):  # the zone's binding rows
        if not r.binding or r.rule == TOTAL_RULE or r.type == "tilt":
            continue
        steps += _row_steps(ls, j, r, row_index, step_mu, allocation, base_obj, opts)

    weight = None
    if allocation <= _ZERO * sigma:
        weight = _weight_threshold(instance, ls, j, rules, rows, opts)
    tilts = _tilts(instance, ls, j, rules)
    if m.is_mip:
        notes.append("a MIP (whole parcels) has no shadow prices, ranges or reduced costs; the re-solves "
                     "still show what a step of each bound does")
    elif ls.prices.attrs.get("ranging_note"):
        notes.append(f"ranges: {ls.prices.attrs['ranging_note']}")
    if lm.instance.objective.kind == "equity":
        notes.append("equity objective: prices are those of the minimum fulfilment (share of request per mu); "
                     "allocations are the efficiency tie-break's")
    return ResourceExplanation(
        resource="land", unit="mu", allocation=allocation,
        request=None if pd.isna(request) else float(request), fulfilment=None if pd.isna(fulfil) else float(fulfil),
        pool_total=lm.pool.total_mu, pool_allocated=ls.plan.summary.allocated_mu, pool_rule=TOTAL_RULE,
        pool_source=lm.pool.source, pool_price=pool.shadow_price, pool_range_lower=pool.range_lower,
        pool_range_upper=pool.range_upper, price_unit=price_unit, objective_kind=instance.objective.kind,
        objective=base_obj, objective_unit=lm.objective_unit, rules=tuple(rules), step=step_mu,
        steps=tuple(steps), weight=weight, tilts=tilts, notes=tuple(notes))


def _pool_steps(instance: Instance, ls: LandSolve, j: int, pool: ZoneRule, step: float, allocation: float,
                base_obj: float) -> list[Step]:
    """The pool one step larger and smaller (:func:`~zoneopt.analysis.sensitivity.what_if` on ``pool``)."""
    Q = ls.lm.pool.total_mu
    deltas = [step] + ([-step] if Q - step > 0 else [])
    curve = what_if(instance, POOL, [Q + d for d in deltas], relative=False, backend=ls.backend, options=ls.options)
    out = []
    for k, d in enumerate(deltas):
        pt = curve.points.iloc[k]
        a = float(curve.allocations.iloc[j, k])
        out.append(Step(rule=TOTAL_RULE, row=pool.row, side=pool.side, bound=Q, delta=d, status=str(pt["status"]),
                        allocation=a, change=a - allocation, objective=float(pt["objective"]),
                        objective_change=float(pt["objective"]) - base_obj,
                        predicted=pool.shadow_price * d))
    return out


def _row_steps(ls: LandSolve, j: int, r: ZoneRule, row: int, step: float, allocation: float, base_obj: float,
               opts: SolveOptions) -> list[Step]:
    """Re-solves of the land model with one binding row's active bound moved by ±step mu."""
    lm, m = ls.lm, ls.lm.model

    def solve_at(row_lb: FloatArray, row_ub: FloatArray, tag: str) -> tuple[str, float, float]:
        model = replace(m, row_lb=row_lb, row_ub=row_ub, name=f"{m.name}:explain[{tag}]")
        pt = _solve_point(replace(lm, model=model), ls.backend, opts)
        return pt.status.value, (float(pt.alloc[j]) if pt.alloc is not None else math.nan), pt.objective

    return _moved_bound_steps(m, r, row, step, lm.land_unit, allocation, base_obj, solve_at)


def _moved_bound_steps(m: Model, r: ZoneRule, row: int, step: float, scale: float, allocation: float,
                       base_obj: float, solve_at: Any, predicted: bool = True) -> list[Step]:
    """Re-solves with one row's active bound moved by ±step natural units (loosening first;
    both bounds of an equality), ``scale`` natural units per model unit of the row.
    ``solve_at(row_lb, row_ub, tag)`` returns (status, the zone's allocation, objective)."""
    loosen = -1.0 if r.side == "lower" else 1.0
    coef = m.A[row].data
    out = []
    for d in (loosen * step, -loosen * step):
        new = r.bound + d
        if new < 0 <= r.bound and (coef >= 0).all():  # a bound of a non-negative total below 0
            continue
        row_lb, row_ub = m.row_lb.copy(), m.row_ub.copy()
        if r.side in ("upper", "equal"):
            row_ub[row] = new / scale
        if r.side in ("lower", "equal"):
            row_lb[row] = new / scale
        if row_lb[row] > row_ub[row]:
            status, a, obj = "infeasible", math.nan, math.nan
        else:
            status, a, obj = solve_at(row_lb, row_ub, f"{r.row}{d:+g}")
        out.append(Step(rule=r.rule, row=r.row, side=r.side, bound=r.bound, delta=d, status=status, allocation=a,
                        change=a - allocation, objective=obj, objective_change=obj - base_obj,
                        predicted=r.shadow_price * d if predicted else math.nan))
    return out


def _weight_threshold(instance: Instance, ls: LandSolve, j: int, rules: list[ZoneRule],
                      rows: npt.NDArray[np.int64], opts: SolveOptions) -> WeightThreshold:
    """How far the zone's objective weight must rise before it can get land (zone at 0)."""
    lm, m = ls.lm, ls.lm.model
    obj = instance.objective
    sigma = lm.land_unit
    col = lm.x.start + j
    # Rows that hold the zone at 0 whatever its weight: its own rows (one entry) capped at 0.
    nnz = np.diff(m.A.indptr)[rows]
    blocking = [(r, k) for k, (r, row) in enumerate(zip(rules, rows.tolist(), strict=True))
                if nnz[k] == 1 and r.binding and r.side in ("upper", "equal") and r.bound <= _ZERO * sigma]
    blocked_by = tuple(dict.fromkeys(r.rule for r, _ in blocking))
    weighted = obj.kind in ("efficiency", "equity") and lm.weights is not None
    name = obj.weight if weighted else None
    if weighted:
        desc = INDICATORS[obj.weight][1] if obj.weight in INDICATORS else f"evaluation result {obj.weight!r}"
        wunit = indicator_unit(obj.weight, instance)
        value = float(lm.weights[j])  # type: ignore[index]
    else:
        desc, wunit, value = f"the {obj.kind} objective's coefficient", f"{lm.objective_unit} per mu", math.nan
    # The solution whose objective the weight enters: efficiency's only stage, equity's tie-break.
    sol = ls.final
    scale = (lm.tie_break_scale if obj.kind == "equity" else lm.obj_scale) / sigma
    if sol.reduced_costs is None or sol.row_duals is None:
        return WeightThreshold(obj.kind, name, desc, wunit, value, math.nan, blocked_by,
                               note="no reduced costs (a MIP, or the backend returned none)")
    d = float(sol.reduced_costs[col])
    for _, k in blocking:  # set the blocking rows aside: their duals no longer count
        row = int(rows[k])
        d += float(m.A[row, col]) * float(sol.row_duals[row])
    sign = -1.0 if m.sense == "max" else 1.0
    rise = max(0.0, sign * d * scale)
    if not weighted:
        return WeightThreshold(obj.kind, None, desc, wunit, value, rise, blocked_by,
                               note="each mu forced into this zone would worsen the objective by this much")
    if blocked_by or obj.kind != "efficiency":
        return WeightThreshold(obj.kind, name, desc, wunit, value, rise, blocked_by)
    # Re-solve with the weight raised a little past the threshold; search on if that is not enough
    # (x_j is non-decreasing in its own objective coefficient, so doubling and bisection work).
    solves = 0

    def gets(extra: float) -> float:
        nonlocal solves
        solves += 1
        c = m.c.copy()
        c[col] += extra * sigma / lm.obj_scale
        pt = _solve_point(replace(lm, model=replace(m, c=c, name=f"{m.name}:explain[weight+{extra:g}]")),
                          ls.backend, opts)
        return float(pt.alloc[j]) if pt.alloc is not None else math.nan

    scale_w = max(abs(value), float(np.max(lm.weights)) * 1e-6, 1e-12)  # type: ignore[arg-type]
    lo = rise
    hi = rise * (1 + _CHECK_MARGIN) + _CHECK_MARGIN * scale_w
    got = gets(hi)
    note = ""
    if not got > _ZERO * sigma:
        for _ in range(_MAX_DOUBLINGS):  # a few solves, not a loop over zones
            lo, hi = hi, 2.0 * hi + scale_w
            got = gets(hi)
            if got > _ZERO * sigma:
                break
        if not got > _ZERO * sigma:
            return WeightThreshold(obj.kind, name, desc, wunit, value, rise, blocked_by, math.nan, math.nan, solves,
                                   f"re-solves with the weight raised by up to {_n(hi)} still give it nothing")
        while hi - lo > RESOLVE_PRECISION * (value + hi):
            mid = 0.5 * (lo + hi)
            got_mid = gets(mid)
            if got_mid > _ZERO * sigma:
                hi, got = mid, got_mid
            else:
                lo = mid
        note = ("the optimum is degenerate here (rules binding at price 0): the reduced cost is necessary "
                "but not enough")
    return WeightThreshold(obj.kind, name, desc, wunit, value, rise, blocked_by, hi, got, solves, note)


def _tilts(instance: Instance, ls: LandSolve, j: int, rules: list[ZoneRule]) -> tuple[TiltPosition, ...]:
    """The zone's place in each tilt rule it belongs to."""
    lm = ls.lm
    zt = lm.zones
    frame = zt.frame
    alloc = ls.plan.allocations["allocation_mu"].to_numpy(dtype=float)
    area = frame["land_area_mu"].to_numpy(dtype=float)
    excluded = np.zeros(zt.size, dtype=bool)
    for rule in instance.rules:
        if isinstance(rule, ExcludeRule):
            excluded |= zt.select(rule.select)
    out = []
    for k, rule in enumerate(instance.rules):  # a loop over rules
        if not isinstance(rule, TiltRule):
            continue
        mask = zt.select(rule.select)
        if not rule.include_excluded:
            mask &= ~excluded
        if not mask[j]:
            continue
        score = indicator(instance, rule.by, field=f"rules[{k}].by", among=mask, table=zt)
        per = alloc / area if rule.per == "land_area" else alloc
        idx = np.flatnonzero(mask)
        s, v = score[j], per[j]
        higher = idx[score[idx] > s]
        lower = idx[score[idx] < s]
        above = below = None
        if higher.size:
            tier = higher[score[higher] == score[higher].min()]
            above = _neighbour(frame, tier[np.argmin(per[tier])], score, per)
        if lower.size:
            tier = lower[score[lower] == score[lower].max()]
            below = _neighbour(frame, tier[np.argmax(per[tier])], score, per)
        own = [r for r in rules if r.rule == rule.id]
        tol = 1e-9 * max(1.0, abs(float(np.nanmax(np.abs(ls.prices["shadow_price"]), initial=0.0))))
        below_row = next((r for r in own if ":below[" in r.row), None)
        above_row = next((r for r in own if ":above[" in r.row), None)
        if below_row is not None and below_row.binding and below_row.shadow_price > tol:
            held, price = "down", below_row.shadow_price
        elif above_row is not None and above_row.binding and above_row.shadow_price < -tol:
            held, price = "up", above_row.shadow_price
        elif any(r.binding for r in own):
            held, price = "tied", 0.0
        else:
            held, price = "free", 0.0
        # The run of zones, in score order, at the same level as this one.
        order = idx[np.argsort(-score[idx], kind="stable")]
        level = per[order]
        same = np.abs(level - v) <= 1e-6 * max(1.0, abs(v)) + 1e-9
        pos = int(np.flatnonzero(order == j)[0])
        top = pos
        while top > 0 and same[top - 1]:  # walks the run only
            top -= 1
        bottom = pos
        while bottom < order.size - 1 and same[bottom + 1]:
            bottom += 1
        out.append(TiltPosition(
            rule=rule.id, source=rule.source, by=rule.by, score=float(s), rank=int(1 + np.sum(score[idx] > s)),
            members=int(idx.size), per_mu=float(v), per=rule.per, above=above, below=below, held=held,
            price=float(price), run=bottom - top + 1,
            run_top=_neighbour(frame, order[top], score, per) if bottom > top else None,
            run_bottom=_neighbour(frame, order[bottom], score, per) if bottom > top else None))
    return tuple(out)


def _neighbour(frame: pd.DataFrame, i: int | np.integer[Any], score: FloatArray, per: FloatArray) -> Neighbour:
    return Neighbour(zone=str(frame["zone"].iloc[int(i)]), name=str(frame["name"].iloc[int(i)] or ""),
                     score=float(score[int(i)]), per_mu=float(per[int(i)]))


# -- emission allowances, funds and the portfolio ----------------------------------------------

def round_step(total: float) -> float:
    """About 1 % of ``total``, rounded down to 1, 2 or 5 × a power of ten (the re-solve step
    of a pool of that size)."""
    target = 0.01 * total
    e = 10.0 ** math.floor(math.log10(target))
    return next(f * e for f in (5.0, 2.0, 1.0) if f * e <= target * (1 + 1e-12))


@dataclass(frozen=True, eq=False)
class _Solved:
    """One solved resource model (not land) and how to read it in natural units."""

    model: Model
    solution: Solution
    scale: FloatArray
    """natural units per model unit of each row."""
    obj_scale: float
    rules: Mapping[str, Any]
    backend: str
    options: SolveOptions
    ranges: tuple[FloatArray, FloatArray, str]
    """per-row price ranges (natural units; NaN where unknown) and why there are none."""


def _solved(model: Model, solution: Solution, scale: float | FloatArray, obj_scale: float, rules: Mapping[str, Any],
            backend: str, options: SolveOptions) -> _Solved:
    rows = np.broadcast_to(np.asarray(scale, dtype=float), (model.num_rows,)).copy()
    nan = np.full(model.num_rows, np.nan)
    note = ""
    lo = hi = nan
    if model.is_mip or solution.row_duals is None:
        note = "a MIP has no shadow prices or ranging" if model.is_mip else f"{backend} returned no duals"
    elif backend != "highs":
        note = f"ranging comes from the HiGHS simplex basis; these prices are from {backend}"
    else:
        from zoneopt.core.backends.highs import row_ranging

        try:
            rr = row_ranging(model, options)
        except ZoneoptError as exc:
            note = f"no ranging: {exc}"
        else:
            y = solution.row_duals
            if np.abs(rr.row_duals - y).max(initial=0.0) > 1e-5 * max(1.0, float(np.abs(y).max(initial=0.0))):
                note = "HiGHS's optimal basis has other duals than these prices (a degenerate LP); no ranges"
            else:
                lo, hi = rr.lower * rows, rr.upper * rows
    return _Solved(model, solution, rows, obj_scale, rules, backend, options, (lo, hi, note))


def _rule_of_rows(m: Model) -> npt.NDArray[np.object_]:
    """The rule id of each row (``""`` for structural rows), a loop over blocks."""
    out = np.full(m.num_rows, "", dtype=object)
    for b in m.row_blocks:
        if b.rule:
            out[b.slice] = b.rule
    return out


def _rows_on(m: Model, cols: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """The rule rows with a coefficient on any of ``cols`` (sorted)."""
    if cols.size == 0:
        return np.zeros(0, np.int64)
    rows = np.unique(m.A[:, cols].tocoo().row).astype(np.int64)
    return rows[_rule_of_rows(m)[rows] != ""]


def _zone_rules(sv: _Solved, rows: npt.NDArray[np.int64], x: FloatArray, price_unit: str) -> list[ZoneRule]:
    """The rule rows ``rows`` as :class:`ZoneRule` s in natural units, with prices (LP)."""
    from zoneopt.models.land_quota import BINDING_TOLERANCE

    m = sv.model
    if rows.size == 0:
        return []
    act_m = m.A[rows] @ x
    lo_m, hi_m = m.row_lb[rows], m.row_ub[rows]
    tol = BINDING_TOLERANCE * np.maximum(1.0, np.abs(np.where(np.isfinite(hi_m), hi_m, lo_m)))
    at_ub = np.isfinite(hi_m) & (np.abs(act_m - hi_m) <= tol)
    at_lb = np.isfinite(lo_m) & (np.abs(act_m - lo_m) <= tol) & ~at_ub
    nearer_ub = np.isfinite(hi_m) & (~np.isfinite(lo_m) | (np.abs(hi_m - act_m) <= np.abs(act_m - lo_m)))
    on_ub = at_ub | (~at_lb & nearer_ub)
    scale = sv.scale[rows]
    bound = np.where(on_ub, hi_m, lo_m) * scale
    act = act_m * scale
    y = sv.solution.row_duals
    price = y[rows] * sv.obj_scale / scale if y is not None and not m.is_mip else np.full(rows.size, np.nan)
    lo_r, hi_r, _ = sv.ranges
    names = list(m.block_row_names(rows))
    block_of = m.row_block_index()[rows]
    out = []
    for k, name in enumerate(names):  # the zone's few rows
        b = m.row_blocks[int(block_of[k])]
        info = sv.rules.get(b.rule or "")
        side = ("equal" if lo_m[k] == hi_m[k] else "upper") if on_ub[k] else "lower"
        binding = bool(at_ub[k] or at_lb[k])
        p = float(price[k]) if binding or m.is_mip else (0.0 if y is not None else math.nan)
        out.append(ZoneRule(rule=b.rule or "", type=getattr(info, "type", ""), source=b.source,
                            note=getattr(info, "note", None), row=name, label=name[name.index("[") + 1:-1],
                            side=side, bound=float(bound[k]), activity=float(act[k]),
                            slack=abs(float(bound[k]) - float(act[k])), binding=binding, shadow_price=p,
                            range_lower=float(lo_r[rows[k]]), range_upper=float(hi_r[rows[k]]), price_unit=price_unit))
    return out


def _resolve(sv: _Solved, row_lb: FloatArray | None = None, row_ub: FloatArray | None = None,
             lb: FloatArray | None = None, ub: FloatArray | None = None, tag: str = "") -> Solution:
    m = sv.model
    model = replace(m, row_lb=m.row_lb if row_lb is None else row_lb, row_ub=m.row_ub if row_ub is None else row_ub,
                    lb=m.lb if lb is None else lb, ub=m.ub if ub is None else ub, name=f"{m.name}:explain[{tag}]")
    return core_solve(model, sv.backend, options=sv.options)


def _bound_steps(sv: _Solved, r: ZoneRule, row: int, step: float, allocation: float, base_obj: float,
                 alloc_of: Any, pool: bool = False) -> list[Step]:
    """Re-solves of a resource model with one row's active bound moved by ±step natural units."""

    def solve_at(row_lb: FloatArray, row_ub: FloatArray, tag: str) -> tuple[str, float, float]:
        sol = _resolve(sv, row_lb, row_ub, tag=tag)
        ok = sol.status.has_solution and sol.x is not None and sol.objective is not None
        a = float(alloc_of(sol.x)) if ok else math.nan
        obj = float(sol.objective) * sv.obj_scale if ok and sol.objective is not None else math.nan
        return sol.status.value, a, obj

    return _moved_bound_steps(sv.model, r, row, step, float(sv.scale[row]), allocation, base_obj, solve_at,
                              predicted=not pool or not math.isnan(r.shadow_price))


@dataclass(frozen=True)
class _Weight:
    """How a zone's objective weight enters the model: its name, description and unit, its
    value, and the natural objective coefficient per unit of the resource per unit of weight."""

    indicator: str | None
    description: str
    unit: str
    value: float
    per_weight: float


def _generic_weight(sv: _Solved, col: int, sigma: float, rules: list[ZoneRule], rows: npt.NDArray[np.int64],
                    kind: str, w: _Weight, unit: str) -> WeightThreshold:
    """The reduced-cost threshold of a zone at 0 (see :class:`WeightThreshold`; no re-solve search)."""
    m, sol = sv.model, sv.solution
    nnz = np.diff(m.A.indptr)[rows]
    blocking = [(r, k) for k, r in enumerate(rules)
                if nnz[k] == 1 and r.binding and r.side in ("upper", "equal") and r.bound <= _ZERO * sigma]
    blocked_by = tuple(dict.fromkeys(r.rule for r, _ in blocking))
    if sol.reduced_costs is None or sol.row_duals is None:
        return WeightThreshold(kind, w.indicator, w.description, w.unit, w.value, math.nan, blocked_by,
                               note="no reduced costs (a MIP, or the backend returned none)")
    d = float(sol.reduced_costs[col])
    for _, k in blocking:  # set the blocking rows aside: their duals no longer count
        row = int(rows[k])
        d += float(m.A[row, col]) * float(sol.row_duals[row])
    sign = -1.0 if m.sense == "max" else 1.0
    rise = max(0.0, sign * d * sv.obj_scale / sigma) / (w.per_weight if w.per_weight > 0 else 1.0)
    note = ("the reduced cost is necessary; at a degenerate optimum (rules binding at price 0) it may not be enough"
            if not blocked_by else "")
    return WeightThreshold(kind, w.indicator, w.description, w.unit, w.value, rise, blocked_by, note=note)


def _section(sv: _Solved, *, resource: str, unit: str, col: int, sigma: float, integral: bool, pool_rule: str,
             pool_total: float, pool_allocated: float, pool_source: str | None, request: float | None,
             objective_kind: str, objective: float, objective_unit: str, step: float, weight: _Weight | None,
             notes: list[str]) -> ResourceExplanation:
    """One LP or MIP resource block with one column per zone (a pollutant's allowances, the
    funds): the zone's rows with prices, the pool's, re-solves, the weight threshold."""
    m, sol = sv.model, sv.solution
    assert sol.x is not None
    x = sol.x

    def alloc_of(v: FloatArray) -> float:
        raw = float(v[col])
        return (round(raw) if integral else max(raw, 0.0)) * sigma

    allocation = alloc_of(x)
    price_unit = f"{objective_unit} per {unit}"
    rows = _rows_on(m, np.array([col], dtype=np.int64))
    rules = _zone_rules(sv, rows, x, price_unit)
    pool = next((r for r in rules if r.rule == pool_rule), None)
    steps: list[Step] = []
    if pool is not None:
        steps += _bound_steps(sv, pool, int(rows[rules.index(pool)]), step, allocation, objective, alloc_of, pool=True)
    for r, row in zip(rules, rows.tolist(), strict=True):  # the zone's binding rows
        if r.binding and r.rule != pool_rule and r.type != "tilt":
            steps += _bound_steps(sv, r, row, step, allocation, objective, alloc_of)
    wt = None
    if allocation <= _ZERO * sigma and weight is not None:
        wt = _generic_weight(sv, col, sigma, rules, rows, objective_kind, weight, unit)
    if m.is_mip:
        notes = [*notes, "a MIP (whole tranches) has no shadow prices, ranges or reduced costs; the re-solves still "
                         "show what a step of each bound does"]
    elif sv.ranges[2]:
        notes = [*notes, f"ranges: {sv.ranges[2]}"]
    if any(r.type == "tilt" for r in rules):
        notes = [*notes, "tilt rows are listed with the rules; the tilt's score order is explained for land only"]
    fulfil = allocation / request if request is not None and request > 0 else None
    return ResourceExplanation(
        resource=resource, unit=unit, allocation=allocation, request=request, fulfilment=fulfil,
        pool_total=pool_total, pool_allocated=pool_allocated, pool_rule=pool_rule, pool_source=pool_source,
        pool_price=pool.shadow_price if pool is not None else math.nan,
        pool_range_lower=pool.range_lower if pool is not None else math.nan,
        pool_range_upper=pool.range_upper if pool is not None else math.nan, price_unit=price_unit,
        objective_kind=objective_kind, objective=objective, objective_unit=objective_unit, rules=tuple(rules),
        step=step, steps=tuple(steps), weight=wt, tilts=(), notes=tuple(notes), method="mip" if m.is_mip else "lp")


def _nan_none(v: Any) -> float | None:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)


def _emission_sections(instance: Instance, j: int, backend: str, opts: SolveOptions) -> list[ResourceExplanation]:
    """One section per pollutant (``emissions:<pollutant>``), allocations in t/yr."""
    from zoneopt.models.emissions import build_emission_model, solve_zsg_dea, total_rule
    from zoneopt.models.emissions import plan_from_solution as emission_plan
    from zoneopt.resources import raise_for_status as raise_resource
    from zoneopt.resources import row_units

    pools = instance.pools.emissions
    assert pools is not None
    if pools.objective.kind == "zsg_dea":
        plan = solve_zsg_dea(instance, backend, options=opts)
        a = plan.allocations.iloc[j]
        out = []
        for pu in plan.summary.pools:  # a loop over pollutants
            notes = [n for n in plan.summary.notes if n.startswith(pu.pool + ":") or "rule(s) not applied" in n]
            notes.append(f"DEA efficiency {a.get('efficiency_start_' + pu.pool, math.nan):.4g} before, "
                         f"{a.get('efficiency_' + pu.pool, math.nan):.4g} after; it started from "
                         f"{a.get('start_' + pu.pool + '_t', math.nan):,.6g} t")
            out.append(ResourceExplanation(
                resource=f"emissions:{pu.pool}", unit="t", allocation=float(a[f"{pu.pool}_t"]), request=None,
                fulfilment=None, pool_total=pu.total, pool_allocated=pu.allocated, pool_rule=pu.rule,
                pool_source=pools.pollutants[pu.pool].source, pool_price=math.nan, pool_range_lower=math.nan,
                pool_range_upper=math.nan, price_unit="", objective_kind="zsg_dea",
                objective=float(plan.summary.objective or math.nan), objective_unit=plan.summary.objective_unit,
                rules=(), step=math.nan, steps=(), weight=None, tilts=(), notes=tuple(notes), method="zsg-dea"))
        return out
    em = build_emission_model(instance)
    solution = core_solve(em.model, backend, options=opts)
    scale = row_units(em.model, [x.start for x in em.x], em.units)
    raise_resource(solution, em.model, f"emission plan for {instance.name!r}", row_scale=scale, unit="t",
                   rules=em.rules, time_limit=opts.time_limit)
    plan = emission_plan(em, solution)
    assert plan.objective is not None
    sv = _solved(em.model, solution, scale, em.obj_scale, em.rules, backend, opts)
    obj = pools.objective
    desc = INDICATORS[obj.weight][1] if obj.weight in INDICATORS else f"evaluation result {obj.weight!r}"
    wunit = indicator_unit(obj.weight, instance)
    out = []
    for k, p in enumerate(em.pollutants):  # a loop over pollutants
        pool = pools.pollutants[p]
        pu = plan.summary.pools[k]
        w = _Weight(obj.weight, desc, wunit, float(em.weights[j]), obj.pollutant_weights.get(p, 1.0) / pool.total_t)
        out.append(_section(
            sv, resource=f"emissions:{p}", unit="t", col=em.x[k].start + j, sigma=em.units[k], integral=False,
            pool_rule=total_rule(p), pool_total=pool.total_t, pool_allocated=pu.allocated, pool_source=pool.source,
            request=_nan_none(em.requests[p][j]), objective_kind="priority", objective=plan.objective,
            objective_unit=em.objective_unit, step=round_step(pool.total_t), weight=w,
            notes=[f"the objective sums every pollutant (weight {obj.weight}, {wunit}); a price is per t of {p}",
                   "the pool re-solves move the pool row alone (rules stated as shares of the pool keep their "
                   "amounts)"]))
    return out


def _fund_section(instance: Instance, j: int, backend: str, opts: SolveOptions) -> ResourceExplanation:
    """The zone's funds (money unit)."""
    from zoneopt.models.funds import TOTAL_RULE as FUNDS_TOTAL
    from zoneopt.models.funds import build_fund_model
    from zoneopt.models.funds import plan_from_solution as fund_plan
    from zoneopt.resources import raise_for_status as raise_resource

    fm = build_fund_model(instance)
    money = MONEY_LABEL[instance.units.money]
    solution = core_solve(fm.model, backend, options=opts)
    raise_resource(solution, fm.model, f"fund plan for {instance.name!r}", row_scale=fm.unit, unit=money,
                   rules=fm.rules, time_limit=opts.time_limit)
    plan = fund_plan(fm, solution)
    assert plan.objective is not None
    sv = _solved(fm.model, solution, fm.unit, fm.obj_scale, fm.rules, backend, opts)
    kind = fm.pool.objective.kind
    priority = float(fm.priority[j])
    w = _Weight(f"{kind} weight", "objective weight per unit of money" + (f" (× sector priority {priority:g})"
                                                                          if priority != 1 else ""),
                f"{fm.objective_unit} per {money}", float(fm.weights[j]), 1.0)
    notes = list(fm.notes)
    if np.isfinite(fm.investment[j]) and fm.investment[j] > 0:
        notes.append(f"it co-finances an investment of {fm.investment[j]:,.6g} {money}")
    step = float(fm.pool.tranche) if fm.pool.tranche is not None else round_step(fm.pool.budget)
    return _section(sv, resource="funds", unit=money, col=fm.f.start + j, sigma=fm.unit,
                    integral=fm.pool.tranche is not None, pool_rule=FUNDS_TOTAL, pool_total=fm.pool.budget,
                    pool_allocated=plan.summary.pools[0].allocated, pool_source=fm.pool.source,
                    request=_nan_none(fm.request[j]), objective_kind=kind, objective=plan.objective,
                    objective_unit=fm.objective_unit, step=step, weight=w, notes=notes)


def _portfolio_sections(instance: Instance, j: int, backend: str, opts: SolveOptions,
                        resolves: int) -> list[ResourceExplanation]:
    """The portfolio's zone totals per resource (``land``, ``emissions:<p>``, ``funds``) and a
    ``portfolio`` section with the zone's projects and why each is in or out."""
    from zoneopt.models.portfolio import TARGET_TOLERANCE, build_portfolio_model, chosen_projects
    from zoneopt.models.portfolio import plan_from_solution as portfolio_plan
    from zoneopt.resources import emission_requests
    from zoneopt.resources import raise_for_status as raise_resource

    pm = build_portfolio_model(instance)
    m = pm.model
    solution = core_solve(m, backend, options=opts)
    raise_resource(solution, m, f"portfolio for {instance.name!r}", row_scale=pm.row_scale, rules=pm.rules,
                   time_limit=opts.time_limit if opts.time_limit is not None else 60.0)
    plan = portfolio_plan(pm, solution)
    assert solution.x is not None and plan.objective is not None
    x = solution.x
    sv = _solved(m, solution, pm.row_scale, pm.obj_scale, pm.rules, backend, opts)
    pt, zt = pm.projects, pm.zones
    money = MONEY_LABEL[instance.units.money]
    mine = np.flatnonzero(pt.zone == j)
    cols = [pm.y.start + mine]
    if pm.fund is not None:
        cols.append(pm.fund.start + mine)
    for c in pm.counts:  # the zone's indicator of each count target it is a candidate for
        if c.z is not None and j in c.candidates:
            cols.append(np.array([c.z.start + int(np.flatnonzero(c.candidates == j)[0])], dtype=np.int64))
    rows = _rows_on(m, np.concatenate(cols))
    rule_type = np.array([getattr(pm.rules.get(r), "type", "") for r in _rule_of_rows(m)[rows]], dtype=object)
    block_names = np.array([b.name for b in m.row_blocks], dtype=object)[m.row_block_index()[rows]]
    units = pm.row_unit[rows]
    target = np.isin(rule_type, ["count_target", "share_target"])

    def pollutant_of(block: str, rule: str) -> str:
        rest = block[len(rule):].split(":")
        return rest[1] if len(rest) > 1 else rule.split(":")[-1]

    rules_of_rows = _rule_of_rows(m)[rows]
    key = np.array([("portfolio" if target[k] else "land" if units[k] == "mu" else "funds" if units[k] == money
                     else f"emissions:{pollutant_of(block_names[k], rules_of_rows[k])}" if units[k] == "t"
                     else "portfolio") for k in range(rows.size)], dtype=object)  # the zone's few rows
    a = plan.allocations.iloc[j]
    pools = {pu.pool: pu for pu in plan.summary.pools}
    note = "the zone's total over its chosen projects; a MIP has no shadow prices"
    out: list[ResourceExplanation] = []
    sections: list[tuple[str, str, str, float, float | None]] = []
    if "land" in pools:
        req = a.get("request_land_mu") if "request_land_mu" in a else zt.frame["request_land_mu"].iloc[j]
        sections.append(("land", "mu", "land", float(a["land_mu"]), _nan_none(req)))
    for p in (instance.pools.emissions.pollutants if instance.pools.emissions is not None else {}):
        col = f"{p}_t"
        sections.append((f"emissions:{p}", "t", p, float(a[col]) if col in a else 0.0,
                         _nan_none(emission_requests(instance, p)[j])))
    if "funds" in pools:
        sections.append(("funds", money, "funds", float(a["funds"]), None))  # projects carry the fund requests
    # Rows about single projects (a per-project leverage cap, a minimum fund share) are the
    # projects' business: they show as blockers of the projects below, not as zone rules.
    per_project = np.isin(np.array([n[n.index("[") + 1:-1] for n in m.block_row_names(rows)], dtype=object),
                          pt.ids[mine])
    for resource, unit, pool_name, allocation, request in sections:  # at most a few resources
        pu = pools[pool_name]
        mask = (key == resource) & ~per_project
        rules = _zone_rules(sv, rows[mask], x, f"{pm.objective_unit} per {unit}")
        out.append(ResourceExplanation(
            resource=resource, unit=unit, allocation=allocation, request=request,
            fulfilment=allocation / request if request else None, pool_total=pu.total, pool_allocated=pu.allocated,
            pool_rule=pu.rule, pool_source=next((r.source for r in rules if r.rule == pu.rule), None),
            pool_price=math.nan, pool_range_lower=math.nan, pool_range_upper=math.nan,
            price_unit=f"{pm.objective_unit} per {unit}", objective_kind=plan.summary.objective_kind,
            objective=plan.objective, objective_unit=pm.objective_unit, rules=tuple(rules), step=math.nan, steps=(),
            weight=None, tilts=(), notes=(note,), method="mip"))

    # The projects: why each is in or out.
    chosen, fund = chosen_projects(pm, solution)
    act = m.A @ x
    rule_row = _rule_of_rows(m) != ""
    base_obj = plan.objective
    decisions = []
    n_resolved = 0
    order = mine[np.argsort(-pm.contribution[mine], kind="stable")]  # the most valuable first
    for p in order.tolist():  # the zone's projects (a few)
        col = pm.y.start + p
        blockers: list[Blocker] = []
        needed: list[str] = []
        if not chosen[p]:
            delta = np.asarray(m.A[:, [col]].todense()).ravel()
            if pm.fund is not None:  # a partly funded project gets at least its minimum share
                fcol = pm.fund.start + p
                delta = delta + np.asarray(m.A[:, [fcol]].todense()).ravel() * (
                    pm.settings.min_fund_share * pt.fund[p] / pm.units["funds"])
            new = act + delta
            tol = 1e-7 * np.maximum(1.0, np.abs(np.where(np.isfinite(m.row_ub), m.row_ub, m.row_lb)))
            over_ub = rule_row & (new > m.row_ub + tol) & (delta > 0)
            under_lb = rule_row & (new < m.row_lb - tol) & (delta < 0)
            hit = np.flatnonzero(over_ub | under_lb)
            names = list(m.block_row_names(hit))
            block_of = m.row_block_index()[hit]
            for k, r in enumerate(hit.tolist()):  # the rows it would break (a few)
                b = m.row_blocks[int(block_of[k])]
                info = pm.rules.get(b.rule or "")
                up = bool(over_ub[r])
                limit = m.row_ub[r] if up else m.row_lb[r]
                bnd = limit * pm.row_scale[r]
                blockers.append(Blocker(rule=b.rule or "", type=getattr(info, "type", ""), source=b.source,
                                        row=names[k], side="upper" if up else "lower", bound=float(bnd),
                                        activity=float(act[r] * pm.row_scale[r]),
                                        over=float(abs(new[r] - limit) * pm.row_scale[r]),
                                        unit=str(pm.row_unit[r])))
        else:
            for c in pm.counts:  # a loop over count targets
                if not c.selected[j]:
                    continue
                gain = pt.revenue if c.rule.metric == "revenue" else pt.tax
                total = c.base[j] + float(gain[mine][chosen[mine]].sum())
                theta = c.rule.threshold * (1 - TARGET_TOLERANCE)
                if total >= theta and total - gain[p] < theta:
                    needed.append(c.rule.id)
        status, change = "", math.nan
        changes: tuple[str, ...] = ()
        if n_resolved < resolves:
            n_resolved += 1
            lb, ub = m.lb.copy(), m.ub.copy()
            if chosen[p]:
                ub[col] = 0.0
            else:
                lb[col] = 1.0
            sol = _resolve(sv, lb=lb, ub=ub, tag=f"{'out' if chosen[p] else 'in'}:{pt.ids[p]}")
            status = sol.status.value
            if sol.status.has_solution and sol.x is not None and sol.objective is not None:
                change = float(sol.objective) * pm.obj_scale - base_obj
                now = np.round(sol.x[pm.y.slice]) > 0.5
                moved = np.flatnonzero(now != chosen)
                moved = moved[moved != p]
                changes = tuple(("+" if now[q] else "-") + str(pt.ids[q]) for q in moved[:8].tolist())
        decisions.append(ProjectDecision(
            project=str(pt.ids[p]), name=str(pt.names[p] or ""), sector=pt.sector[p] if pt.sector[p] else None,
            chosen=bool(chosen[p]), objective_term=float(pm.contribution[p]), objective_unit=pm.objective_unit,
            land_mu=float(pt.land[p]), emissions_t={k: float(v[p]) for k, v in pt.emissions.items() if v[p]},
            fund=float(pt.fund[p]), fund_given=float(fund[p]), investment=float(pt.investment[p]),
            tax=float(pt.tax[p]), revenue=float(pt.revenue[p]), blocked_by=tuple(blockers), needed_for=tuple(needed),
            forced_status=status, forced_objective_change=change, forced_changes=changes,
            reason=_project_reason(bool(chosen[p]), blockers, needed, status, change, pm.objective_unit)))
    count = int(chosen[mine].sum())
    trules = _zone_rules(sv, rows[key == "portfolio"], x, "")
    notes = [f"{count} of its {mine.size} projects chosen; {int(chosen.sum())} of {pt.size} in all"]
    if mine.size > resolves:
        notes.append(f"re-solves with a project forced in or out: the {resolves} most valuable projects only")
    out.append(ResourceExplanation(
        resource="portfolio", unit="projects", allocation=float(count), request=float(mine.size),
        fulfilment=count / mine.size if mine.size else None, pool_total=float(pt.size),
        pool_allocated=float(chosen.sum()), pool_rule="", pool_source=None, pool_price=math.nan,
        pool_range_lower=math.nan, pool_range_upper=math.nan, price_unit="",
        objective_kind=plan.summary.objective_kind, objective=base_obj, objective_unit=pm.objective_unit,
        rules=tuple(trules), step=math.nan, steps=(), weight=None, tilts=(), notes=tuple(notes),
        projects=tuple(decisions), method="mip"))
    return out


def _project_reason(chosen: bool, blockers: list[Blocker], needed: list[str], status: str, change: float,
                    unit: str) -> str:
    """One line: why a project is in or out."""
    if chosen:
        text = "chosen"
        if needed:
            text += f"; the zone reaches {', '.join(f'`{t}`' for t in needed)} only with it"
        if status in ("optimal", "feasible") and not math.isnan(change):
            text += (f"; dropping it costs {_n(-change)} {unit}" if change < 0 else
                     f"; dropping it: {_signed(change)} (another choice is as good)")
        elif status == "infeasible":
            text += "; without it the rules cannot all hold"
        return text
    if blockers:
        parts = [f"`{b.rule}` by {_n(b.over)} {b.unit}".rstrip() for b in blockers[:6]]
        text = "left out: adding it alone would break " + ", ".join(parts)
        if len(blockers) > 6:
            text += f" and {len(blockers) - 6} more"
    else:
        text = "left out: it fits, but adds nothing the objective counts (or only within the MIP gap)"
    if status in ("optimal", "feasible") and not math.isnan(change):
        text += f"; forcing it in costs {_n(-change)} {unit}" if change < 0 else f"; forcing it in: {_signed(change)}"
    elif status == "infeasible":
        text += "; no plan can include it"
    return text


# -- text ------------------------------------------------------------------------------------------

def _n(v: float | None, digits: int = 6) -> str:
    """A number for people: thousands separators, up to ``digits`` significant digits."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "-"
    if isinstance(v, float) and math.isinf(v):
        return "∞" if v > 0 else "-∞"
    if abs(v) < 1e-9:
        return "0"
    return f"{v:,.{digits}g}"


def _signed(v: float, digits: int = 6) -> str:
    if math.isnan(v):
        return "-"
    if abs(v) < 1e-9:
        return "±0"
    return ("+" if v > 0 else "") + _n(v, digits)


def _who(n: Neighbour) -> str:
    return f"{n.name} ({n.zone})" if n.name else n.zone


def _range(lo: float, hi: float) -> str:
    if math.isnan(lo) and math.isnan(hi):
        return ""
    return f", holds for the bound in [{_n(lo)}, {_n(hi)}]"


def _text(e: ZoneExplanation) -> list[str]:
    lines = [f"zoneopt explain · {e.instance}" + (" · SYNTHETIC data" if e.synthetic else "")]
    where = f"city {e.city}" + (f", county {e.county}" if e.county else "")
    lines.append(f"zone {e.zone} · {e.name or '(no name)'} · {where} · {e.level} {e.kind} · "
                 f"existing land {_n(e.land_area_mu)} mu")
    score = "-" if e.score is None else _n(e.score)
    lines.append(f"score {score}" + (f" (from evaluation {e.score_from})" if e.score_from else
                                     " (as given in the instance)" if e.score is not None else "")
                 + f" · grade {e.grade or '-'}" + (f" (from evaluation {e.grade_from})" if e.grade_from else
                                                   " (as given in the instance)" if e.grade else ""))
    if e.evaluations:
        lines.append("evaluations:")
        for ev in e.evaluations:
            tag = f" [assigns {', '.join(ev.assigns)}]" if ev.assigns else ""
            if ev.error:
                lines.append(f"  {ev.evaluation} ({ev.method}){tag}: could not run: {ev.error}")
                continue
            rank = f", rank {_n(ev.rank)} of {ev.ranked}" if ev.rank is not None else ", unranked"
            lines.append(f"  {ev.evaluation} ({ev.method}{', ' + ev.source if ev.source else ''}){tag}: "
                         f"score {_n(ev.score, 4)} {ev.score_unit}{rank}, grade {ev.grade or '-'}")
    for r in e.resources:
        lines += _resource_text(r)
    for w in e.warnings:
        lines.append(f"warning: {w}")
    return lines


def _resource_text(r: ResourceExplanation) -> list[str]:
    u = r.unit
    out = [f"{r.resource} ({u}):"]
    if r.resource == "portfolio":
        return out + _portfolio_text(r)
    req = "no request" if r.request is None else f"request {_n(r.request)} {u}"
    ful = f" ({r.fulfilment:.1%} fulfilled)" if r.fulfilment is not None else ""
    out.append(f"  allocation {_n(r.allocation)} {u} · {req}{ful} · pool {_n(r.pool_total)} {u}, "
               f"{_n(r.pool_allocated)} allocated")
    out.append(f"  objective ({r.objective_kind}): {_n(r.objective, 10)} {r.objective_unit}")
    if r.method == "zsg-dea":
        out += [f"  note: {note}" for note in r.notes]
        return out
    src = f", {r.pool_source}" if r.pool_source else ""
    held = ""
    if not (math.isnan(r.pool_range_lower) and math.isnan(r.pool_range_upper)):
        held = f", holds for a pool of {_n(r.pool_range_lower)} to {_n(r.pool_range_upper)} {u}"
    price = f"{_n(r.pool_price)} {r.price_unit}" if not math.isnan(r.pool_price) else "none (a MIP has no duals)"
    out.append(f"  pool price (rule {r.pool_rule}{src}): {price}{held}")
    binding = [x for x in r.binding if x.rule != r.pool_rule and x.type != "tilt"]
    if binding:
        what = f"objective change per {u} of the bound" if r.method == "lp" else "none in a MIP"
        out.append(f"  rules binding for this zone (shadow price: {what}):")
        for x in binding:
            src = f" ({x.source})" if x.source else ""
            price = f", price {_n(x.shadow_price)} {x.price_unit}" if not math.isnan(x.shadow_price) else ""
            out.append(f"    {x.rule}{src} {x.type} {x.row}: {x.side} bound {_n(x.bound)} {u}{price}"
                       f"{_range(x.range_lower, x.range_upper)}")
    else:
        out.append("  no rule binds for this zone besides the pool" + (" and the tilt" if r.tilts else ""))
    slack = [x for x in r.rules if not x.binding and x.rule != r.pool_rule and x.type != "tilt"]
    if slack:
        out.append("  rules on this zone with room: " + "; ".join(
            f"{x.rule} {x.side} {_n(x.bound)} {u} ({_n(x.slack)} {u} away)" for x in slack))
    if r.steps:
        out.append(f"  what would change its allocation (re-solves with one bound moved by {_n(r.step)} {u}):")
    for s in r.steps:
        what = "pool" if s.rule == r.pool_rule else f"{s.rule} {s.row}"
        moved = f"{what} {_n(s.bound)} → {_n(s.bound + s.delta)} {u}"
        if s.status not in ("optimal", "feasible"):
            out.append(f"    {moved}: {s.status}")
            continue
        pred = ""
        if not math.isnan(s.predicted):
            pred = f" (price × step: {_signed(s.predicted)}"
            if abs(s.predicted - s.objective_change) > 1e-6 * max(1.0, abs(r.objective)):
                pred += "; differs: the price is one of several at this degenerate optimum, or the step crosses a kink"
            pred += ")"
        out.append(f"    {moved}: allocation {_signed(s.change)} {u} (→ {_n(s.allocation)}), objective "
                   f"{_signed(s.objective_change)}{pred}")
    if r.weight is not None:
        out += _weight_text(r, r.weight)
    for t in r.tilts:
        out += _tilt_text(r, t)
    for note in r.notes:
        out.append(f"  note: {note}")
    return out


def _portfolio_text(r: ResourceExplanation) -> list[str]:
    out = [f"  {_n(r.allocation)} of its {_n(r.request)} projects chosen · {_n(r.pool_allocated)} of "
           f"{_n(r.pool_total)} in all · objective ({r.objective_kind}): {_n(r.objective, 10)} {r.objective_unit}"]
    for x in r.rules:
        src = f" ({x.source})" if x.source else ""
        state = "binds" if x.binding else f"{_n(x.slack)} away"
        out.append(f"  target {x.rule}{src} {x.row}: {x.side} bound {_n(x.bound)}, at {_n(x.activity)} ({state})")
    if r.projects:
        out.append(f"  projects (the most valuable first; worth: the objective term when chosen, {r.objective_unit}):")
    for d in r.projects:
        name = f"{d.name} ({d.project})" if d.name else d.project
        needs = [f"land {_n(d.land_mu)} mu"] + [f"{k} {_n(v)} t" for k, v in d.emissions_t.items()]
        needs.append(f"fund {_n(d.fund)}")
        out.append(f"    {'✓' if d.chosen else '✗'} {name}{' · ' + d.sector if d.sector else ''}: worth "
                   f"{_n(d.objective_term)} · needs {', '.join(needs)} · revenue {_n(d.revenue)}")
        out.append(f"      {d.reason}")
        if d.forced_changes:
            out.append(f"      {'without' if d.chosen else 'with'} it the plan also changes: "
                       f"{', '.join(d.forced_changes)}")
    for note in r.notes:
        out.append(f"  note: {note}")
    return out


def _weight_text(r: ResourceExplanation, w: WeightThreshold) -> list[str]:
    out = []
    if w.blocked_by:
        out.append(f"  it gets nothing whatever its weight while {', '.join(w.blocked_by)} "
                   f"{'holds' if len(w.blocked_by) == 1 else 'hold'} it at 0")
    if math.isnan(w.rise):
        out.append(f"  weight threshold: {w.note}")
        return out
    if w.indicator is None:
        out.append(f"  reduced cost: each {r.unit} forced into it would worsen the objective by "
                   f"{_n(w.rise)} {w.unit}")
        return out
    lead = "without that, its" if w.blocked_by else "its"
    stage = " (the efficiency tie-break)" if w.objective_kind == "equity" else ""
    what = "land" if r.resource == "land" else "any"
    out.append(f"  {lead} weight {w.indicator} ({w.description}) = {_n(w.value)} {w.unit} would have to rise "
               f"by at least {_n(w.rise)} to {_n(w.value + w.rise)} before it gets {what}{stage} (reduced cost)")
    if w.note:
        out.append(f"    {w.note}")
    if not math.isnan(w.resolved_allocation):
        out.append(f"    re-solves: it gets land ({_n(w.resolved_allocation)} {r.unit}) once the weight rises by "
                   f"about {_n(w.resolved_rise, 4)} to {_n(w.value + w.resolved_rise, 4)} ({w.solves} solves)")
    return out


def _tilt_text(r: ResourceExplanation, t: TiltPosition) -> list[str]:
    per = f"{r.unit} per existing mu" if t.per == "land_area" else f"{r.unit}"
    src = f" ({t.source})" if t.source else ""
    out = [f"  tilt {t.rule}{src}: {t.by} {_n(t.score, 5)}, rank {t.rank} of {t.members}; it gets "
           f"{_n(t.per_mu, 4)} {per}"]
    if t.held == "down" and t.above is not None:
        out.append(f"    held down to the level of {_who(t.above)} (higher score {_n(t.above.score, 5)}, "
                   f"{_n(t.above.per_mu, 4)} {per}): it may get no more per mu than that zone; each mu of "
                   f"slack here would be worth {_n(t.price)} {r.price_unit}")
    elif t.held == "up" and t.below is not None:
        out.append(f"    tied to {_who(t.below)} (lower score {_n(t.below.score, 5)}, {_n(t.below.per_mu, 4)} {per}): "
                   f"it must get at least as much per mu as that zone, so that zone gets no more than it; each "
                   f"mu of slack here would be worth {_n(-t.price)} {r.price_unit}")
    elif t.held == "tied":
        out.append("    level with its neighbours in the score order, at no cost (the tilt binds with price 0)")
    else:
        out.append("    strictly between its neighbours: the tilt does not bind for it")
    for label, n in (("next higher", t.above), ("next lower", t.below)):
        if n is not None:
            out.append(f"    {label}: {_who(n)}, score {_n(n.score, 5)}, {_n(n.per_mu, 4)} {per}")
    if t.run > 1 and t.run_top is not None and t.run_bottom is not None:
        out.append(f"    {t.run} zones in score order share this level, from {_who(t.run_top)} "
                   f"(score {_n(t.run_top.score, 5)}) to {_who(t.run_bottom)} (score {_n(t.run_bottom.score, 5)})")
    return out


__all__ = [
    "explain_zone", "find_zone", "solve_land_detail", "default_step", "round_step", "LandSolve", "ZoneExplanation",
    "ProjectDecision", "Blocker", "PROJECT_RESOLVES",
    "ResourceExplanation", "ZoneRule", "Step", "WeightThreshold", "TiltPosition", "Neighbour", "EvaluationLine",
]
