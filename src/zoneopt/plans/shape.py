"""The shape of a plan, as figures an analyst can defend or question (:class:`PlanShape`, one
per pool: the land quota, each pollutant, the fund budget): how many zones get something and
how many eligible zones get nothing with the rule that holds each at 0, the smallest nonzero
allocation, the Gini coefficient of allocation per existing mu, the share going to national
zones, and what is left of the pool and why (:class:`PoolLapse`). :func:`plan_shape` computes
it from a plan's columns; :func:`summary_rows` flattens a summary for a spreadsheet."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field

FloatArray = npt.NDArray[np.float64]

ZERO = 1e-6
"""An allocation at or below this share of the pool counts as nothing (solver noise)."""

RULE_PRECEDENCE: tuple[str, ...] = ("exclude", "lock", "zone_bounds", "request_cap", "leverage_cap", "min_lot",
                                    "tilt", "group_bounds", "request_floor", "pool")
"""Which binding rule is named as holding a zone at 0 when several bind: the most specific
first (an exclusion or a cap of 0 holds it whatever the others do; the pool binds for all)."""

OBJECTIVE = "objective"
"""The reason given for a zone at 0 (or an unmet request) that no rule holds: the objective
prefers other zones. A zone at 0 that only the pool holds is named with the pool's rule (the
pool is used up)."""


class ZeroZone(BaseModel):
    """An eligible zone that gets nothing, and the rule that holds it at 0."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    zone: str
    rule: str


class PoolLapse(BaseModel):
    """What is left of a pool and why: ``unused`` (the pool's unit); ``reason`` ``none``
    (nothing is left), ``no eligible request left`` (every eligible zone has what it asked
    for), or ``blocked`` (zones with unmet requests, each held by the rules in ``blocked_by``:
    rule id → how many such zones it holds; ``objective`` when only the pool binds)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    unused: float
    reason: str
    unmet_zones: int = 0
    blocked_by: dict[str, int] = Field(default_factory=dict)


class PlanShape(BaseModel):
    """The shape figures of one pool of a plan. ``eligible``: zones the per-zone rules let get
    something (not excluded, a positive cap and request); ``zones_given``: zones that get more
    than nothing; ``at_zero``: eligible zones that get nothing, with the rule holding each;
    ``smallest``/``smallest_zone``: the smallest nonzero allocation; ``gini_per_mu``: the Gini
    coefficient of allocation per existing mu over the eligible zones (0 = the same per mu
    everywhere, → 1 = all to one zone); ``national_share``: the share of what is allocated
    that goes to national zones; ``lapse``: what is left of the pool and why."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    pool: str
    unit: str
    eligible: int
    zones_given: int
    at_zero: list[ZeroZone] = Field(default_factory=list)
    smallest: float | None = None
    smallest_zone: str | None = None
    gini_per_mu: float | None = None
    national_share: float | None = None
    lapse: PoolLapse

    def at_zero_by_rule(self) -> dict[str, int]:
        """How many eligible zones at 0 each rule holds."""
        out: dict[str, int] = {}
        for z in self.at_zero:
            out[z.rule] = out.get(z.rule, 0) + 1
        return out

    def line(self) -> str:
        """One line for a summary print-out."""
        held = ", ".join(f"{r} {k}" for r, k in self.at_zero_by_rule().items())
        parts = [f"{self.pool}: {self.zones_given} of {self.eligible} eligible zones get some"
                 + (f" (at 0: {held})" if held else "")]
        if self.smallest is not None:
            parts.append(f"smallest {self.smallest:,.4g} {self.unit} ({self.smallest_zone})")
        if self.gini_per_mu is not None:
            parts.append(f"Gini per existing mu {self.gini_per_mu:.3f}")
        if self.national_share is not None:
            parts.append(f"national {self.national_share:.1%}")
        lapse = self.lapse
        if lapse.reason != "none":
            why = lapse.reason if lapse.reason != "blocked" else "held by " + ", ".join(
                f"{r} ({k})" for r, k in lapse.blocked_by.items())
            parts.append(f"unused {lapse.unused:,.4g} {self.unit}: {why}")
        return " · ".join(parts)


def gini(values: FloatArray) -> float | None:
    """The Gini coefficient of non-negative ``values`` (None for none or an all-zero set)."""
    v = np.sort(np.asarray(values, dtype=float))
    n = v.size
    if n == 0 or v.sum() <= 0:
        return None
    k = np.arange(1, n + 1)
    return float((2.0 * (k * v).sum()) / (n * v.sum()) - (n + 1.0) / n)


def _held_by(binding: str, types: Mapping[str, str]) -> str:
    """The rule named as holding a zone: the first binding rule by :data:`RULE_PRECEDENCE`."""
    rules = [r for r in binding.split(";") if r]
    ranked = sorted(rules, key=lambda r: RULE_PRECEDENCE.index(types[r]) if types.get(r) in RULE_PRECEDENCE
                    else len(RULE_PRECEDENCE))
    named = [r for r in ranked if types.get(r) != "pool"] or ranked  # the pool, used up, holds it
    return named[0] if named else OBJECTIVE


def plan_shape(pool: str, unit: str, total: float, zones: npt.NDArray[np.object_], alloc: FloatArray,
               area: FloatArray, national: npt.NDArray[np.bool_], request: FloatArray, cap: FloatArray,
               binding: npt.NDArray[np.object_], types: Mapping[str, str]) -> PlanShape:
    """The shape of one pool of a plan from its columns (one value per zone): allocations,
    existing area, national or not, request (NaN: none), the cap under the per-zone rules
    (natural units; ≤ 0 is ineligible), each zone's binding rules (``;``-joined) and the type
    of every rule id (the pool's rule has type ``pool``)."""
    tiny = ZERO * max(total, 1e-300)
    asked = np.where(np.isfinite(request), request > tiny, True)
    eligible = (cap > tiny) & asked
    given = alloc > tiny
    zero = np.flatnonzero(eligible & ~given)
    at_zero = [ZeroZone(zone=str(zones[i]), rule=_held_by(str(binding[i]), types)) for i in zero.tolist()]
    smallest = smallest_zone = None
    if given.any():
        idx = np.flatnonzero(given)
        low = float(alloc[idx].min())
        # The first zone (zone order) within solver tolerance of the smallest: equal allocations
        # (several zones at a minimum lot) name the same zone whichever way the LP was solved.
        k = int(idx[np.flatnonzero(alloc[idx] <= low + 1e-6 * max(low, 1.0))[0]])
        smallest, smallest_zone = low, str(zones[k])
    allocated = float(alloc.sum())
    g = gini(alloc[eligible] / area[eligible]) if eligible.any() else None
    national_share = float(alloc[national].sum() / allocated) if allocated > tiny else None
    unused = max(0.0, total - allocated)
    if unused <= 1e-6 * max(total, 1.0):
        lapse = PoolLapse(unused=unused, reason="none")
    else:
        has = np.isfinite(request)
        want = np.where(has, request, 0.0)
        unmet = np.flatnonzero(eligible & (~has | (alloc < want - 1e-6 * np.maximum(1.0, want))))
        if not unmet.size:
            lapse = PoolLapse(unused=unused, reason="no eligible request left")
        else:
            counts: dict[str, int] = {}
            for i in unmet.tolist():  # the zones with unmet requests (a plan's few dozen)
                held = [r for r in str(binding[i]).split(";") if r and types.get(r) != "pool"] or [OBJECTIVE]
                for r in held:
                    counts[r] = counts.get(r, 0) + 1
            lapse = PoolLapse(unused=unused, reason="blocked", unmet_zones=int(unmet.size), blocked_by=counts)
    return PlanShape(pool=pool, unit=unit, eligible=int(eligible.sum()), zones_given=int(given.sum()),
                     at_zero=at_zero, smallest=smallest, smallest_zone=smallest_zone, gini_per_mu=g,
                     national_share=national_share, lapse=lapse)


def summary_rows(summary: BaseModel) -> list[tuple[str, Any]]:
    """A summary as (field, value) rows for a spreadsheet: lists joined by line breaks, the
    shape figures flattened (``shape.<field>``, or ``shape.<pool>.<field>`` per pool)."""
    rows: list[tuple[str, Any]] = []
    for key, value in summary.model_dump().items():
        if key in ("shape", "shapes"):
            shapes = [value] if isinstance(value, dict) else (value or [])
            for s in shapes:
                head = "shape." + (f"{s['pool']}." if key == "shapes" else "")
                for k, v in s.items():
                    if k == "at_zero":
                        v = "\n".join(f"{z['zone']}: {z['rule']}" for z in v)
                    elif k == "lapse":
                        v = f"{v['unused']:g} ({v['reason']}" + (
                            "; " + ", ".join(f"{r} {c}" for r, c in v["blocked_by"].items()) if v["blocked_by"] else ""
                        ) + ")"
                    rows.append((head + k, v))
        else:
            rows.append((key, "\n".join(map(str, value)) if isinstance(value, list) else value))
    return rows


__all__ = ["PlanShape", "PoolLapse", "ZeroZone", "plan_shape", "gini", "summary_rows", "RULE_PRECEDENCE"]
