"""Presolve checks: a cheap look at an instance before solving, for numbers that look wrong and
rules that cannot matter or cannot all hold.

:func:`presolve_checks` returns :class:`Finding` s; it never raises for a finding and never
solves anything. Severity ``"warning"`` is something an analyst should look at (a figure in
the wrong unit, a rule that does nothing, floors the pool cannot meet); ``"info"`` is worth
knowing but usually intended (grade D zones get nothing because a rule excludes them).
:func:`zoneopt.solve_land` puts the warnings into ``PlanSummary.warnings``; ``python -m
zoneopt validate`` prints every finding.

The checks (each a few vectorised passes over the zones; loops run over rules and groups):

* ``land-out-of-range`` — a land figure above :data:`LAND_MAX_MU` (areas, requests, rule
  amounts) or :data:`POOL_MAX_MU` (the pool), or an existing area below :data:`AREA_MIN_MU`;
* ``money-per-mu-implausible`` — tax, value added or revenue per mu of existing land outside
  :data:`MONEY_PER_MU_YUAN` once converted to yuan (the usual sign of a wrong ``units.money``);
* ``land-span`` / ``weight-span`` — the land amounts the model's rows use (requests, the pool,
  rule amounts), or the efficiency weights, span more than six orders of magnitude; the message
  says what the model scales them to (``land_unit``, ``obj_scale`` of the built model);
* ``rule-never-binds`` (whole rule) / ``rule-part-never-binds`` (one bound of it) — a zone cap
  at or above the pool, a request cap where every request exceeds the pool, a group cap at or
  above the pool or a share cap of 1, a floor of 0, a tilt over zones of one score;
  ``rule-selects-nothing`` — a rule that matches no zone;
* ``zones-get-nothing`` — zones held at 0 mu, naming the rule (excluded, cap 0, zero or missing
  request under a request cap, locked at 0, group cap 0); ``no-zone-can-get-land`` when that
  is every zone;
* ``floor-above-cap``, ``floors-exceed-pool``, ``group-floor-above-caps``,
  ``caps-below-exact-pool`` — bounds that cannot all hold (the plan is infeasible), with the
  shortfall in mu;
* ``rule-without-source`` — a rule of any resource (or a target, ramp or management step)
  that cites no policy clause (no ``source``): a warning, not an error; a rule whose number
  is not in its clause says ``"assumption": true`` and every output marks it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from zoneopt.data.zones import ZoneTable
from zoneopt.errors import InstanceError
from zoneopt.evaluation.run import evaluated_table
from zoneopt.instance import (
    MONEY_LABEL,
    ExcludeRule,
    GroupBoundsRule,
    Instance,
    LockRule,
    MinLotRule,
    RequestCapRule,
    RequestFloorRule,
    Rule,
    TiltRule,
    ZoneBoundsRule,
)
from zoneopt.instance.common import every_rule
from zoneopt.models.land_quota import LandModel, build_land_model
from zoneopt.plans.glossary import Phrase, Term, spoken

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
Severity = Literal["warning", "info"]

LAND_MAX_MU = 1e7
"""Above this many mu (about 6,700 km²) a zone's area or request, or a rule's amount, is taken
for a unit slip."""
POOL_MAX_MU = 1e8
"""Above this many mu a land pool is taken for a unit slip (China's yearly new construction
land plan is of the order of 1e7 mu)."""
AREA_MIN_MU = 1.0
"""A zone's existing land below this many mu is taken for a unit slip (万亩, km², ...)."""
MONEY_PER_MU_YUAN: dict[str, tuple[float, float]] = {
    "tax": (1e2, 1e7), "value_added": (1e3, 1e8), "revenue": (1e3, 1e9),
}
"""Plausible yearly money per mu of existing land, in yuan (亩均税收 of real zones runs from about
1e4 to a few 1e6 yuan/mu); a figure outside is reported with the instance's money unit."""
YUAN_PER_UNIT: dict[str, float] = {"yuan": 1.0, "wan_yuan": 1e4, "yi_yuan": 1e8}
_MONEY_SHORT: dict[str, str] = {"yuan": "yuan", "wan_yuan": "万元", "yi_yuan": "亿元"}
SPAN_MAX = 1e6
"""Largest ratio of the largest to the smallest positive land amount (or weight) not reported."""
SOLVER_TOLERANCE = 1e-6
"""The solver's feasibility and optimality tolerance, about, in model units."""
DIAGNOSE_HINT = "the plan is infeasible; run `python -m zoneopt diagnose PATH` for the rules at fault"
_REL = 1e-9  # relative slack when comparing amounts that may be equal up to rounding


@dataclass(frozen=True)
class Finding:
    """One presolve finding. ``code`` is stable (see the module docstring); ``message`` is a
    sentence for people naming the rule, zone and field; ``rule``, ``zone`` (the first zone
    concerned) and ``field`` (a JSON path) are set where they apply."""

    code: str
    severity: Severity
    message: str
    rule: str | None = None
    zone: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        return self.message


def presolve_checks(instance: Instance, lm: LandModel | None = None) -> list[Finding]:
    """Check ``instance`` for implausible numbers, rules that never bind, zones that can never
    get land and bounds that cannot all hold (see the module docstring for the list).

    ``lm`` is the instance's built land model, if there is one already (its ``land_unit`` and
    ``obj_scale`` are quoted); without it the model is built here, and if the instance cannot
    be built (an :class:`~zoneopt.errors.InstanceError`) the checks that need it are skipped —
    building or solving reports that error. Land in mu; money in ``units.money``. Never raises
    for what it finds."""
    zt = evaluated_table(instance)
    out = _money_ranges(instance, zt)
    pool = instance.pools.land
    if pool is None:
        return out + _unsourced(instance)
    if lm is None:
        try:
            lm = build_land_model(instance)
        except InstanceError:
            lm = None
    ctx = _Context(instance, zt, float(pool.total_mu))
    out += _land_ranges(ctx)
    out += _spans(ctx, lm)
    out += _never_binding(ctx)
    out += _zero_zones(ctx)
    out += _lots_above_caps(ctx)
    out += _bounds_that_cannot_hold(ctx)
    out += _lock_cap_collisions(ctx)
    return out + _unsourced(instance)


# -- helpers ---------------------------------------------------------------------------------

class _Context:
    """What every check reads: the zone columns, the pool and the rules with their paths."""

    def __init__(self, instance: Instance, zt: ZoneTable, Q: float) -> None:
        self.instance = instance
        self.zt = zt
        self.Q = Q
        self.n = zt.size
        self.ids = zt.ids
        self.request = zt.frame["request_land_mu"].to_numpy(dtype=float)
        self.rules: list[tuple[str, Rule]] = [(f"rules[{r}]", rule) for r, rule in enumerate(instance.rules)]
        self._groups: dict[str, tuple[list[str], sp.csr_matrix]] = {}

    def groups(self, rule: GroupBoundsRule) -> tuple[list[str], sp.csr_matrix]:
        """:func:`_rule_groups`, computed once per rule (factorising 100k names takes a while)."""
        if rule.id not in self._groups:
            self._groups[rule.id] = _rule_groups(self.zt, rule)
        return self._groups[rule.id]


def _ref(rule: Rule) -> str:
    return f"rule {rule.id!r}" + (f" ({rule.cited})" if rule.cited else "")


def _quoted(rule: Rule) -> str:
    """A rule as a finding names it in either language: ``'city-cap' (2017 §二(二))``."""
    return f"{rule.id!r}" + (f" ({rule.cited})" if rule.cited else "")


def _mu(v: float) -> str:
    return f"{v:,.6g} mu"


def _zone_list(ids: npt.NDArray[np.object_], idx: npt.NDArray[np.int64], shown: int = 3) -> str:
    """``'a', 'b', 'c' and 12 more`` for the zones at ``idx``."""
    names = ", ".join(repr(str(z)) for z in ids[idx[:shown]].tolist())
    return names + (f" and {idx.size - shown} more" if idx.size > shown else "")


def _rule_groups(zt: ZoneTable, rule: GroupBoundsRule) -> tuple[list[str], sp.csr_matrix]:
    """The groups a group rule bounds and their membership (groups × zones), as the model
    builds them (listed groups only; one union row with ``combined``)."""
    names, member = zt.groups(rule.by)
    if rule.groups is not None:
        keep = np.flatnonzero(np.isin(np.array(names, dtype=object), np.array(rule.groups, dtype=object)))
        names = [names[k] for k in keep.tolist()]
        member = member[keep]
    if rule.combined and names:
        member = sp.csr_matrix((np.asarray(member.sum(axis=0)) > 0).astype(float))
        names = ["+".join(names)]
    return names, sp.csr_matrix(member)


def _group_amounts(rule: GroupBoundsRule, names: list[str], Q: float, side: Literal["cap", "floor"]) -> FloatArray:
    """The bound in mu on each group's total (NaN where the rule sets none on that side);
    shares of the pool are turned into mu, shares of what is allocated are left out."""
    amount = rule.cap_mu if side == "cap" else rule.floor_mu
    share = rule.cap_share if side == "cap" else rule.floor_share
    out = np.full(len(names), np.nan)
    if isinstance(amount, dict):
        out = np.array([amount.get(g, np.nan) for g in names], dtype=float)
    elif amount is not None:
        out[:] = amount
    if share is not None and rule.share_of == "pool":
        out = np.fmin(out, share * Q) if side == "cap" else np.fmax(out, share * Q)
    return out


# -- sources ---------------------------------------------------------------------------------

def _unsourced(instance: Instance) -> list[Finding]:
    """A rule that cites no clause: the plan cannot say where it comes from. A scenario's
    rules are checked in the instance the scenario makes."""
    out = []
    for path, rule in every_rule(instance, skip=("zones", "enterprises", "projects", "scenarios")):
        if rule.source is None:
            what = "is an assumption that cites no clause" if rule.assumption else "cites no source"
            out.append(Finding("rule-without-source", "warning",
                               f"rule {rule.id!r} {what}: give the policy clause it carries (\"source\"), and "
                               f"\"assumption\": true if its number is not in that clause",
                               rule=rule.id, field=f"{path}.source"))
    return out


# -- magnitudes ------------------------------------------------------------------------------

def _money_ranges(instance: Instance, zt: ZoneTable) -> list[Finding]:
    out: list[Finding] = []
    money = instance.units.money
    label = _MONEY_SHORT[money]
    to_yuan = YUAN_PER_UNIT[money]
    area = zt.frame["land_area_mu"].to_numpy(dtype=float)
    for metric, (lo, hi) in MONEY_PER_MU_YUAN.items():  # a loop over three metrics
        if metric not in zt.frame:
            continue
        with np.errstate(over="ignore"):  # a figure near 1e308 is reported as inf yuan, not warned twice
            per_mu = zt.frame[metric].to_numpy(dtype=float) / area  # in units.money per mu; NaN = missing
            yuan = per_mu * to_yuan
        for side, bad in (("above", yuan > hi), ("below", (yuan > 0) & (yuan < lo))):
            idx = np.flatnonzero(bad)
            if not idx.size:
                continue
            k = int(idx[np.argmax(yuan[idx])] if side == "above" else idx[np.argmin(yuan[idx])])
            limit = hi if side == "above" else lo
            out.append(Finding(
                "money-per-mu-implausible", "warning",
                f"{metric} per mu of existing land is {per_mu[k]:,.4g} {label}/mu/yr ({yuan[k]:,.4g} yuan) at "
                f"zone {str(zt.ids[k])!r}, {side} the plausible {limit / to_yuan:,.4g} {label}/mu/yr "
                f"({limit:,.4g} yuan): are the figures in {MONEY_LABEL[money]} (units.money)? "
                f"{idx.size} zone(s) {side} it: {_zone_list(zt.ids, idx)}",
                zone=str(zt.ids[k]), field=f"zones[{k}].metrics.{metric}"))
    return out


def _land_ranges(ctx: _Context) -> list[Finding]:
    out: list[Finding] = []
    area = ctx.zt.frame["land_area_mu"].to_numpy(dtype=float)
    for field, values, bad, what in (
        ("land_area_mu", area, area > LAND_MAX_MU, f"above {_mu(LAND_MAX_MU)}"),
        ("land_area_mu", area, area < AREA_MIN_MU, f"below {_mu(AREA_MIN_MU)}"),
        ("requests.land_mu", ctx.request, ctx.request > LAND_MAX_MU, f"above {_mu(LAND_MAX_MU)}"),
    ):
        idx = np.flatnonzero(bad)
        if idx.size:
            k = int(idx[0])
            out.append(Finding(
                "land-out-of-range", "warning",
                f"zones[{k}].{field} is {_mu(values[k])}, {what}: is it in mu (亩)? "
                f"{idx.size} zone(s): {_zone_list(ctx.ids, idx)}",
                zone=str(ctx.ids[k]), field=f"zones[{k}].{field}"))
    if ctx.Q > POOL_MAX_MU:
        out.append(Finding("land-out-of-range", "warning",
                           f"pools.land.total_mu is {_mu(ctx.Q)}, above {_mu(POOL_MAX_MU)}: is it in mu (亩)?",
                           field="pools.land.total_mu"))
    for _, rule, amount_path, value in _rule_amounts(ctx):
        if value > LAND_MAX_MU:
            out.append(Finding("land-out-of-range", "warning",
                               f"{amount_path} of {_ref(rule)} is {_mu(value)}, above {_mu(LAND_MAX_MU)}: "
                               "is it in mu (亩)?", rule=rule.id, field=amount_path))
    return out


def _rule_amounts(ctx: _Context) -> list[tuple[str, Rule, str, float]]:
    """Every land amount a rule states: (rule path, rule, JSON path of the amount, mu)."""
    out: list[tuple[str, Rule, str, float]] = []
    for path, rule in ctx.rules:
        if isinstance(rule, (ZoneBoundsRule, GroupBoundsRule)):
            for field in ("floor_mu", "cap_mu"):
                amount = getattr(rule, field)
                if isinstance(amount, dict):
                    out += [(path, rule, f"{path}.{field}.{g}", float(v)) for g, v in amount.items()]
                elif amount is not None:
                    out.append((path, rule, f"{path}.{field}", float(amount)))
        elif isinstance(rule, LockRule):
            out += [(path, rule, f"{path}.values_mu.{z}", float(v)) for z, v in rule.values_mu.items()]
    return out


def _spans(ctx: _Context, lm: LandModel | None) -> list[Finding]:
    out: list[Finding] = []
    # The land amounts the model's rows and bounds use, each with where it comes from.
    lows: list[tuple[float, str]] = []
    highs: list[tuple[float, str]] = []
    req = ctx.request
    pos = np.flatnonzero(np.isfinite(req) & (req > 0))
    if pos.size:
        lo_k, hi_k = int(pos[np.argmin(req[pos])]), int(pos[np.argmax(req[pos])])
        lows.append((float(req[lo_k]), f"zones[{lo_k}].requests.land_mu"))
        highs.append((float(req[hi_k]), f"zones[{hi_k}].requests.land_mu"))
    lows.append((ctx.Q, "pools.land.total_mu"))
    highs.append((ctx.Q, "pools.land.total_mu"))
    for _, _, amount_path, value in _rule_amounts(ctx):
        if value > 0:
            lows.append((value, amount_path))
            highs.append((value, amount_path))
    small, small_at = min(lows)
    big, big_at = max(highs)
    if big / small > SPAN_MAX:
        unit = lm.land_unit if lm is not None else None
        scaled = (f"; the model counts land in units of {_mu(unit)} (land_unit), so they run from "
                  f"{small / unit:.3g} to {big / unit:.3g} model units, and amounts within "
                  f"{_mu(SOLVER_TOLERANCE * unit)} of each other are equal to the solver") if unit else ""
        out.append(Finding(
            "land-span", "warning",
            f"land amounts span {math.log10(big / small):.1f} orders of magnitude, from {_mu(small)} "
            f"({small_at}) to {_mu(big)} ({big_at}){scaled}; check the small ones are in mu",
            field=small_at))
    if lm is not None and lm.weights is not None and ctx.instance.objective.kind in ("efficiency", "blend"):
        w = lm.weights
        posw = np.flatnonzero(np.isfinite(w) & (w > 0))
        if posw.size:
            k_lo, k_hi = int(posw[np.argmin(w[posw])]), int(posw[np.argmax(w[posw])])
            ratio = float(w[k_hi] / w[k_lo])
            if ratio > SPAN_MAX:
                obj = ctx.instance.objective
                scale = (f"; the model divides the objective by obj_scale = {lm.obj_scale:.4g} "
                         "(largest weight × land_unit)") if obj.kind == "efficiency" else ""
                out.append(Finding(
                    "weight-span", "warning",
                    f"efficiency weights ({obj.weight}) span {math.log10(ratio):.1f} orders of magnitude, from "
                    f"{w[k_lo]:.4g} (zone {str(ctx.ids[k_lo])!r}) to {w[k_hi]:.4g} (zone "
                    f"{str(ctx.ids[k_hi])!r}){scale}, so the smallest counts {1 / ratio:.2g} of the largest, "
                    f"below the solver's optimality tolerance (about {SOLVER_TOLERANCE:g}): the plan may "
                    "treat such zones as worth nothing", zone=str(ctx.ids[k_lo]), field="objective.weight"))
    return out


# -- rules that never bind -------------------------------------------------------------------

def _never_binding(ctx: _Context) -> list[Finding]:
    out: list[Finding] = []
    Q, zt = ctx.Q, ctx.zt
    excluded = np.zeros(ctx.n, dtype=bool)
    for _, rule in ctx.rules:
        if isinstance(rule, ExcludeRule):
            excluded |= zt.select(rule.select)
    pool_txt = f"the pool ({_mu(Q)})"
    for path, rule in ctx.rules:
        # parts: (field, never binds?, why)
        parts: list[tuple[str, bool, str]] = []
        if isinstance(rule, (ZoneBoundsRule, RequestCapRule, ExcludeRule)):
            mask = zt.select(rule.select)
            if isinstance(rule, RequestCapRule) and rule.missing == "unlimited":
                mask &= ~np.isnan(ctx.request)
            if not mask.any():
                out.append(Finding("rule-selects-nothing", "info",
                                   f"{_ref(rule)} selects no zone, so it does nothing", rule=rule.id,
                                   field=f"{path}.select"))
                continue
            if isinstance(rule, ZoneBoundsRule):
                if rule.floor_mu is not None:
                    parts.append(("floor_mu", rule.floor_mu <= 0, "a floor of 0 mu (allocations are never negative)"))
                if rule.cap_mu is not None:
                    parts.append(("cap_mu", rule.cap_mu >= Q,
                                  f"a cap of {_mu(rule.cap_mu)}, at or above {pool_txt}"))
            elif isinstance(rule, RequestCapRule):
                cap = rule.share * np.nan_to_num(ctx.request, nan=0.0)
                parts.append(("share", bool((cap[mask] >= Q).all()),
                              f"every zone it covers may have {rule.share:g} × its request, at or above {pool_txt}"))
        elif isinstance(rule, GroupBoundsRule):
            names, member = ctx.groups(rule)
            if not names:
                out.append(Finding("rule-selects-nothing", "info", f"{_ref(rule)} bounds no group, so it does nothing",
                                   rule=rule.id, field=f"{path}.groups"))
                continue
            for field, side in (("cap_mu", "cap"), ("floor_mu", "floor")):
                amount = getattr(rule, field)
                if amount is None:
                    continue
                values = np.array(list(amount.values()) if isinstance(amount, dict) else [amount], dtype=float)
                if side == "cap":
                    parts.append((field, bool((values >= Q).all()), f"a cap at or above {pool_txt}"))
                else:
                    parts.append((field, bool((values <= 0).all()), "a floor of 0 mu"))
            if rule.cap_share is not None:
                parts.append(("cap_share", rule.cap_share >= 1.0,
                              "a share cap of 1 (the whole pool)" if rule.share_of == "pool"
                              else "a share cap of 1 (everything allocated)"))
            if rule.floor_share is not None:
                parts.append(("floor_share", rule.floor_share <= 0.0, "a share floor of 0"))
        elif isinstance(rule, TiltRule):
            why = _tilt_orders_nothing(ctx, rule, path, excluded)
            if why:
                out.append(Finding("rule-never-binds", "warning", f"{_ref(rule)} can never bind: {why}",
                                   rule=rule.id, field=f"{path}.by"))
            continue
        else:
            continue
        idle = [p for p in parts if p[1]]
        if parts and len(idle) == len(parts):
            out.append(Finding("rule-never-binds", "warning",
                               f"{_ref(rule)} can never bind: " + "; ".join(p[2] for p in idle),
                               rule=rule.id, field=f"{path}.{idle[0][0]}"))
        else:
            out += [Finding("rule-part-never-binds", "info", f"{_ref(rule)}: {field} never binds: {why}",
                            rule=rule.id, field=f"{path}.{field}") for field, _, why in idle]
    return out


def _tilt_orders_nothing(ctx: _Context, rule: TiltRule, path: str, excluded: BoolArray) -> str:
    """Why a tilt rule orders no pair of zones, or "" if it orders some."""
    from zoneopt.evaluation.indicators import indicator

    mask = ctx.zt.select(rule.select)
    if not rule.include_excluded:
        mask &= ~excluded
    if mask.sum() < 2:
        return f"it covers {int(mask.sum())} zone(s) (after exclusions), so there is nothing to order"
    try:
        score = indicator(ctx.instance, rule.by, field=f"{path}.by", among=mask, table=ctx.zt)[mask]
    except (InstanceError, TypeError):  # missing data: building the model reports it
        return ""
    if np.unique(score).size < 2:
        return f"the {int(mask.sum())} zones it covers all have the same {rule.by} ({score[0]:g})"
    return ""


# -- zones that can never get land -----------------------------------------------------------

def _zero_zones(ctx: _Context) -> list[Finding]:
    out: list[Finding] = []
    zt, ids = ctx.zt, ctx.ids
    nothing = np.zeros(ctx.n, dtype=bool)
    for path, rule in ctx.rules:
        severity: Severity = "info"
        field = path
        if isinstance(rule, ExcludeRule):
            mask = zt.select(rule.select)
            what, field = "excludes {k} zone(s)", f"{path}.select"
        elif isinstance(rule, ZoneBoundsRule) and (rule.cap_mu == 0 or rule.cap_share == 0):
            mask = zt.select(rule.select)
            what, field = "caps {k} zone(s) at 0 mu", f"{path}.{'cap_mu' if rule.cap_mu == 0 else 'cap_share'}"
        elif isinstance(rule, RequestCapRule):
            mask = zt.select(rule.select)
            missing = np.isnan(ctx.request)
            if rule.missing == "unlimited":
                mask &= ~missing
            mask &= np.nan_to_num(ctx.request, nan=0.0) <= 0
            n_missing = int((mask & missing).sum())
            parts = []
            if n_missing:
                severity = "warning"  # a data gap silently zeroes the zone
                parts.append(f"{n_missing} without requests.land_mu, which missing: \"zero\" treats as 0")
                field = f"zones[{int(np.flatnonzero(mask & missing)[0])}].requests.land_mu"
            if mask.sum() > n_missing:
                parts.append(f"{int(mask.sum()) - n_missing} requesting 0 mu")
            what = "caps {k} zone(s) at their land request, 0 mu (" + "; ".join(parts) + ")"
        elif isinstance(rule, LockRule):
            zero_ids = [z for z, v in rule.values_mu.items() if v == 0]
            mask = np.isin(ids, np.array(zero_ids, dtype=object)) if zero_ids else np.zeros(ctx.n, dtype=bool)
            what, field = "locks {k} zone(s) at 0 mu", f"{path}.values_mu"
        elif isinstance(rule, GroupBoundsRule):
            names, member = ctx.groups(rule)
            caps = _group_amounts(rule, names, ctx.Q, "cap")
            if rule.cap_share == 0:  # a share of what is allocated: nothing either
                caps[:] = 0.0
            zero_groups = np.flatnonzero(caps <= 0)
            mask = np.asarray(member[zero_groups].sum(axis=0)).ravel() > 0
            shown = ", ".join(repr(names[g]) for g in zero_groups[:3].tolist())
            what = f"caps {rule.by} group(s) {shown} at 0 mu, so {{k}} zone(s)"
        else:
            continue
        idx = np.flatnonzero(mask)
        if not idx.size:
            continue
        nothing |= mask
        what = what.replace("{k}", str(idx.size))
        listed = _zone_list(ids, idx)
        shown = ", ".join(repr(str(z)) for z in ids[idx[:3]].tolist())
        said = Phrase.of("presolve.zones_more", names=shown, n=idx.size - 3) if idx.size > 3 else shown
        sentence = spoken("presolve.excluded", rule=_quoted(rule), k=idx.size, zones=said) \
            if isinstance(rule, ExcludeRule) else f"{_ref(rule)} {what}, which can never get land: {listed}"
        out.append(Finding("zones-get-nothing", severity, sentence,
                           rule=rule.id, zone=str(ids[idx[0]]), field=field))
    if ctx.n and nothing.all():
        out.append(Finding("no-zone-can-get-land", "warning",
                           f"every one of the {ctx.n} zones is held at 0 mu by the rules above: the plan allocates "
                           "nothing" + (" and the exact pool cannot be met" if _exact(ctx) else "")))
    return out


def _exact(ctx: _Context) -> bool:
    return bool(ctx.instance.pools.land is not None and ctx.instance.pools.land.exact)


# -- bounds that cannot all hold -------------------------------------------------------------

def _per_zone_bounds(ctx: _Context) -> tuple[FloatArray, npt.NDArray[np.int64], FloatArray, npt.NDArray[np.int64]]:
    """The tightest per-zone floor and cap (mu) and the index (into ``ctx.rules``) of the rule
    setting each (-1: none): zone bounds, request caps, exclusions and locks."""
    n = ctx.n
    lo, hi = np.zeros(n), np.full(n, np.inf)
    lo_rule, hi_rule = np.full(n, -1), np.full(n, -1)
    pos = {z: k for k, z in enumerate(ctx.ids.tolist())} if any(isinstance(r, LockRule) for _, r in ctx.rules) else {}
    for r, (_, rule) in enumerate(ctx.rules):
        floor = np.full(n, np.nan)
        cap = np.full(n, np.nan)
        if isinstance(rule, ZoneBoundsRule):
            mask = ctx.zt.select(rule.select)
            lo_r, hi_r = _zone_bounds_mu(rule, ctx.Q)
            if np.isfinite(lo_r):
                floor[mask] = lo_r
            if np.isfinite(hi_r):
                cap[mask] = hi_r
        elif isinstance(rule, RequestFloorRule):
            mask = ctx.zt.select(rule.select)
            floor[mask] = rule.share * np.nan_to_num(ctx.request[mask], nan=0.0)
        elif isinstance(rule, RequestCapRule):
            mask = ctx.zt.select(rule.select)
            if rule.missing == "unlimited":
                mask &= ~np.isnan(ctx.request)
            cap[mask] = rule.share * np.nan_to_num(ctx.request[mask], nan=0.0)
        elif isinstance(rule, ExcludeRule):
            cap[ctx.zt.select(rule.select)] = 0.0
        elif isinstance(rule, LockRule):
            locked = _lock_mu(rule, ctx.Q)
            idx = np.array([pos[z] for z in locked], dtype=np.int64)
            floor[idx] = cap[idx] = np.array(list(locked.values()), dtype=float)
        else:
            continue
        up = floor > lo  # NaN compares False
        lo[up], lo_rule[up] = floor[up], r
        down = cap < hi
        hi[down], hi_rule[down] = cap[down], r
    return lo, lo_rule, hi, hi_rule


def _bounds_that_cannot_hold(ctx: _Context) -> list[Finding]:
    out: list[Finding] = []
    Q, ids, rules = ctx.Q, ctx.ids, ctx.rules
    lo, lo_rule, hi, hi_rule = _per_zone_bounds(ctx)

    clash = np.flatnonzero(lo > hi + _REL * np.maximum(1.0, hi))
    if clash.size:
        k = int(clash[0])
        a, b = rules[lo_rule[k]][1], rules[hi_rule[k]][1]
        out.append(Finding(
            "floor-above-cap", "warning",
            f"zone {str(ids[k])!r}: {_ref(a)} asks for at least {_mu(lo[k])} but {_ref(b)} allows at most "
            f"{_mu(hi[k])}" + (f" (and {clash.size - 1} more zones: {_zone_list(ids, clash[1:])})"
                                if clash.size > 1 else "") + f": {DIAGNOSE_HINT}",
            rule=a.id, zone=str(ids[k]), field=rules[lo_rule[k]][0]))

    # What the floors need at least: per-zone floors and locks, and each group rule's floors
    # over disjoint groups (a group needs the larger of its floor and its zones' floors).
    zone_floor_rules = sorted({int(r) for r in np.unique(lo_rule[lo > 0])})
    need, need_rules = float(lo.sum()), [rules[r][1] for r in zone_floor_rules]
    supply, supply_rules = float(hi.sum()), sorted({int(r) for r in np.unique(hi_rule[np.isfinite(hi)])})
    supply_named = [rules[r][1] for r in supply_rules]
    for path, rule in rules:
        if not isinstance(rule, GroupBoundsRule):
            continue
        names, member = ctx.groups(rule)
        if not names:
            continue
        floor_g = _group_amounts(rule, names, Q, "floor")
        cap_g = _group_amounts(rule, names, Q, "cap")
        zone_hi = member @ hi  # inf where a member is uncapped
        short = np.flatnonzero(floor_g > zone_hi + _REL * np.maximum(1.0, floor_g))
        if short.size:
            g = int(short[0])
            capped_by = sorted({rules[int(r)][1].id for r in np.unique(hi_rule[member[g].indices]) if r >= 0})
            out.append(Finding(
                "group-floor-above-caps", "warning",
                f"{_ref(rule)} asks for at least {_mu(floor_g[g])} for {rule.by} {names[g]!r}, but its zones may "
                f"get at most {_mu(zone_hi[g])} under rule(s) {', '.join(map(repr, capped_by))}: short by "
                f"{_mu(floor_g[g] - zone_hi[g])}; {DIAGNOSE_HINT}", rule=rule.id, field=path))
        disjoint = rule.by != "tag" or len(names) == 1
        if not disjoint:
            continue
        covered = np.asarray(member.sum(axis=0)).ravel() > 0
        if not np.isnan(floor_g).all():
            total = float(np.fmax(floor_g, member @ lo).sum() + lo[~covered].sum())
            if total > need:
                need, need_rules = total, [rules[r][1] for r in zone_floor_rules] + [rule]
        if not np.isnan(cap_g).all():
            total = float(np.fmin(cap_g, zone_hi).sum() + hi[~covered].sum())
            if total < supply:
                supply, supply_named = total, [rules[r][1] for r in supply_rules] + [rule]

    if need > Q * (1 + _REL) + _REL:
        out.append(Finding(
            "floors-exceed-pool", "warning",
            f"the floors and locks ({', '.join(_ref(r) for r in need_rules)}) need at least {_mu(need)}, more "
            f"than the land pool ({_mu(Q)}): short by {_mu(need - Q)}; {DIAGNOSE_HINT}",
            rule=need_rules[-1].id if need_rules else None, field="pools.land.total_mu"))
    if _exact(ctx) and supply < Q * (1 - _REL) - _REL:
        out.append(Finding(
            "caps-below-exact-pool", "warning",
            f"the pool must be allocated exactly (pools.land.exact) but the caps "
            f"({', '.join(_ref(r) for r in supply_named)}) allow at most {_mu(supply)} of its {_mu(Q)}: "
            f"short by {_mu(Q - supply)}; {DIAGNOSE_HINT}",
            rule=supply_named[-1].id if supply_named else None, field="pools.land.exact"))
    return out


# -- amounts that scale with the pool, minimum lots -------------------------------------------

POOL_REVISION = 0.2
"""How far a pool is commonly revised (±20 %, an assumption): a lock and a cap that collide
within this range of the pool are a warning, further out (down to half or up to twice the
pool) an info."""


def _zone_bounds_mu(rule: ZoneBoundsRule, Q: float) -> tuple[float, float]:
    """A zone-bounds rule's floor and cap in mu at pool ``Q`` (amounts, or shares of it)."""
    lo = max(rule.floor_mu if rule.floor_mu is not None else -np.inf,
             rule.floor_share * Q if rule.floor_share is not None else -np.inf)
    hi = min(rule.cap_mu if rule.cap_mu is not None else np.inf,
             rule.cap_share * Q if rule.cap_share is not None else np.inf)
    return lo, hi


def _lock_mu(rule: LockRule, Q: float) -> dict[str, float]:
    """A lock's values in mu at pool ``Q`` (amounts, and shares of it)."""
    return {**rule.values_mu, **{z: s * Q for z, s in (rule.shares or {}).items()}}


def _lots_above_caps(ctx: _Context) -> list[Finding]:
    """Zones a minimum lot leaves only 0 to: their cap under the per-zone rules is below
    the lot (info: the lot holds them at 0)."""
    out: list[Finding] = []
    _, _, hi, hi_rule = _per_zone_bounds(ctx)
    for path, rule in ctx.rules:
        if not isinstance(rule, MinLotRule):
            continue
        mask = ctx.zt.select(rule.select)
        lot = np.full(ctx.n, np.nan)
        if isinstance(rule.lot_mu, dict):
            pos = {z: k for k, z in enumerate(ctx.ids.tolist())}
            idx = np.array([pos[z] for z in rule.lot_mu], dtype=np.int64)
            lot[idx] = np.array(list(rule.lot_mu.values()), dtype=float)
        else:
            lot[:] = rule.lot_mu
        below = np.flatnonzero(mask & (hi > 0) & (hi < lot * (1 - _REL)))
        if below.size:
            k = int(below[0])
            capped = _rules_named(ctx, hi_rule[below])
            out.append(Finding(
                "zones-get-nothing", "info",
                f"{_ref(rule)} asks for at least {_mu(lot[k])} or nothing, but {below.size} zone(s) may get less "
                f"than that under {capped}, so they get nothing: {_zone_list(ctx.ids, below)}",
                rule=rule.id, zone=str(ctx.ids[k]), field=f"{path}.lot_mu"))
    return out


def _rules_named(ctx: _Context, which: npt.NDArray[np.int64]) -> str:
    """The rules at the indices ``which`` of ``ctx.rules``, named once each."""
    return ", ".join(_ref(ctx.rules[int(r)][1]) for r in np.unique(which[which >= 0]).tolist()) or "the pool"


def _lock_cap_collisions(ctx: _Context) -> list[Finding]:
    """A lock in mu under a cap that is a share of the pool (a zone's ``cap_share``, its
    group's ``cap_share`` of the pool) holds only while the pool is at least lock / share: the
    pool cut at which they collide. Likewise a lock as a share of the pool under a cap in mu
    (or a request cap) holds only while the pool is at most cap / share."""
    out: list[Finding] = []
    Q, zt = ctx.Q, ctx.zt
    locks = [(path, r) for path, r in ctx.rules if isinstance(r, LockRule)]
    if not locks:
        return out
    pos = {z: k for k, z in enumerate(ctx.ids.tolist())}
    fixed, share = np.zeros(ctx.n), np.zeros(ctx.n)
    lock_of = np.full(ctx.n, -1)
    for j, (_, r) in enumerate(locks):
        for z, v in r.values_mu.items():
            fixed[pos[z]], lock_of[pos[z]] = v, j
        for z, v in (r.shares or {}).items():
            share[pos[z]], lock_of[pos[z]] = v, j
    ids = ctx.ids
    for path, rule in ctx.rules:  # a loop over the cap rules, each vectorised over zones or groups
        # (where, a locked zone there, fixed lock mu, lock share, cap share, cap mu)
        pairs: list[tuple[tuple[str, str], int, float, float, float | None, float | None]]
        if isinstance(rule, ZoneBoundsRule):
            mask = zt.select(rule.select) & (lock_of >= 0)
            pairs = [(("group.zone", repr(str(ids[k]))), int(k), float(fixed[k]), float(share[k]), rule.cap_share,
                      rule.cap_mu) for k in np.flatnonzero(mask)]
        elif isinstance(rule, RequestCapRule):
            mask = zt.select(rule.select) & (share > 0)
            pairs = [(("group.zone", repr(str(ids[k]))), int(k), 0.0, float(share[k]), None,
                      rule.share * float(np.nan_to_num(ctx.request[k], nan=0.0))) for k in np.flatnonzero(mask)]
        elif isinstance(rule, GroupBoundsRule) and rule.share_of == "pool" and (rule.cap_share is not None):
            names, member = ctx.groups(rule)
            V, S = member @ fixed, member @ share
            pairs = []
            for g in np.flatnonzero(V + S > 0):  # the groups with a locked zone
                zones = member[g].indices
                first = int(zones[lock_of[zones] >= 0][0])
                pairs.append(((f"group.{rule.by}", repr(names[g])), first, float(V[g]), float(S[g]), rule.cap_share,
                              None))
        else:
            continue
        for where, zone, v, s_lock, s_cap, c_mu in pairs:  # the locked zones or groups, a handful
            found = _collision(v, s_lock, s_cap, c_mu, Q)
            if found is None:
                continue
            level, side = found
            lock = locks[int(lock_of[zone])][1]
            factor = level / Q
            severity: Severity = "warning" if abs(factor - 1.0) <= POOL_REVISION + _REL else "info"
            if factor < 0.5 or factor > 2.0:
                continue
            out.append(Finding(
                "lock-cap-collision", severity,
                spoken("presolve.lock-cap-collision", lock=_quoted(lock), cap=_quoted(rule), where=Term(where[0]),
                       name=where[1], side=Term(f"presolve.side.{side}"), level=f"{level:,.6g}",
                       factor=f"{factor:.3g}", pool=f"{Q:,.6g}"),
                rule=lock.id, zone=str(ids[zone]), field=path))
    return out


def _collision(fixed: float, share: float, cap_share: float | None, cap_mu: float | None,
               Q: float) -> tuple[float, str] | None:
    """The pool at which a lock (``fixed`` mu + ``share`` × pool) meets a cap (``cap_share`` ×
    pool, or ``cap_mu``), and whether the lock breaks it below or above that pool."""
    if cap_share is not None and fixed > 0 and share < cap_share:
        return fixed / (cap_share - share), "cut below"
    if cap_mu is not None and share > 0 and cap_mu > fixed:
        return (cap_mu - fixed) / share, "raised above"
    return None


__all__ = ["Finding", "presolve_checks", "POOL_REVISION", "LAND_MAX_MU", "POOL_MAX_MU", "AREA_MIN_MU",
           "MONEY_PER_MU_YUAN", "SPAN_MAX"]
