"""The variants of a sweep, each a small delta on the base instance (never a copied instance):
the base itself, a named scenario, a point of a grid over pools and rule bounds, a Monte Carlo
draw of the zones' figures, a zone forced out of the plan or forced to its request, and the
instance without some rules.

A delta is a frozen dataclass with a ``kind``, a ``label`` (unique within a sweep), a
``describe()`` (JSON-ready, what the sweep's fingerprint is made of) and ``apply(base)``, which
returns the variant as an :class:`~zoneopt.instance.Instance`. ``apply`` runs where the variant
is solved (a worker process, a Dask worker), so what travels is the delta: a draw is its number,
its seed and the noise specification (a few bytes), and its factors are drawn where it is
applied (:mod:`zoneopt.analysis.sweeps.noise`).

The generators (:func:`scenario_variants`, :func:`grid_variants`, :func:`draw_variants`,
:func:`zone_variants`, and :func:`standard_variants` for the usual mix) check what they can
against the base instance, so a typo fails before any solve.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from zoneopt.analysis.scenarios import apply_scenario, scenario_ids
from zoneopt.analysis.sweeps.noise import MetricNoise, draw_factors, perturbed, pollutants
from zoneopt.errors import InstanceError, InvalidInputError, Issue
from zoneopt.instance import (
    ExcludeRule,
    Instance,
    Objective,
    RequestFloorRule,
    Selector,
    ZoneBoundsRule,
    issues_from_validation,
)

OUT_RULE = "sweep:out"
"""The id of the ``exclude`` rule a zone forced out of the plan gets."""
IN_RULE = "sweep:in"
"""The id of the ``zone_bounds`` floor (its land request) a zone forced in gets."""
FRONTIER_RULE = "frontier:min_fulfilment"
"""The id of the ``request_floor`` rule a frontier point adds."""
POOL = "pool"
"""Grid shorthand for ``pools.land.total_mu``."""

Force = Literal["out", "in"]


@dataclass(frozen=True)
class Base:
    """The base instance as it is."""

    kind = "base"

    @property
    def label(self) -> str:
        return "base"

    def describe(self) -> dict[str, Any]:
        return {"kind": self.kind}

    def apply(self, base: Instance) -> Instance:
        return base


@dataclass(frozen=True)
class ScenarioDelta:
    """One of the instance's named scenarios, applied (:func:`~zoneopt.analysis.scenarios.apply_scenario`)."""

    scenario: str
    kind = "scenario"

    @property
    def label(self) -> str:
        return self.scenario

    def describe(self) -> dict[str, Any]:
        return {"kind": self.kind, "scenario": self.scenario}

    def apply(self, base: Instance) -> Instance:
        return apply_scenario(base, self.scenario)


@dataclass(frozen=True)
class SetDelta:
    """A grid point: each ``(path, value)`` sets one number of the instance (:func:`set_value`)."""

    settings: tuple[tuple[str, float], ...]
    kind = "grid"

    @property
    def label(self) -> str:
        return ",".join(f"{path}={value:g}" for path, value in self.settings)

    def describe(self) -> dict[str, Any]:
        return {"kind": self.kind, "settings": [[p, v] for p, v in self.settings]}

    def apply(self, base: Instance) -> Instance:
        out = base
        for path, value in self.settings:
            out = set_value(out, path, value)
        return out


@dataclass(frozen=True)
class DrawDelta:
    """Monte Carlo draw ``draw`` of the zones' reported figures under ``noise``, from the
    sweep's ``seed`` (:func:`~zoneopt.analysis.sweeps.noise.draw_factors`)."""

    draw: int
    seed: int
    noise: tuple[MetricNoise, ...]
    kind = "draw"

    @property
    def label(self) -> str:
        return f"draw {self.draw}"

    def describe(self) -> dict[str, Any]:
        return {"kind": self.kind, "draw": self.draw, "seed": self.seed}

    def apply(self, base: Instance) -> Instance:
        factors = draw_factors(self.noise, self.seed, self.draw, len(base.zones), pollutants(base))
        return perturbed(base, factors)


@dataclass(frozen=True)
class ZoneDelta:
    """Zone ``zone`` forced out of the plan (``out``: an ``exclude`` rule on every resource's
    rules, so it gets nothing and leaves any tilt's ordering, as a grade-D zone does) or forced
    to its land request (``in``: a ``zone_bounds`` floor of ``requests.land_mu``)."""

    zone: str
    force: Force
    kind = "zone"

    @property
    def label(self) -> str:
        return f"{self.force}:{self.zone}"

    def describe(self) -> dict[str, Any]:
        return {"kind": self.kind, "zone": self.zone, "force": self.force}

    def apply(self, base: Instance) -> Instance:
        found = [z for z in base.zones if z.id == self.zone]  # a loop over zones, once per variant
        if not found:
            raise InstanceError([Issue("zones", f"no zone {self.zone!r} to force {self.force}")])
        if self.force == "out":
            rule = ExcludeRule(id=OUT_RULE, type="exclude", select=Selector(zones=(self.zone,)),
                               note="forced out by a sweep")
            return _with_rule_everywhere(base, rule)
        request = found[0].requests.land_mu or 0.0
        floor = ZoneBoundsRule(id=IN_RULE, type="zone_bounds", select=Selector(zones=(self.zone,)),
                               floor_mu=request, note="forced to its land request by a sweep")
        return base.model_copy(update={"rules": (*base.rules, floor)})


@dataclass(frozen=True)
class DropRulesDelta:
    """The instance without the land rules ``rules`` (their ids): what a rule costs is the
    objective gained without it (:func:`~zoneopt.analysis.sensitivity.rule_costs`)."""

    rules: tuple[str, ...]
    kind = "drop-rules"

    @property
    def label(self) -> str:
        return "without:" + ",".join(self.rules)

    def describe(self) -> dict[str, Any]:
        return {"kind": self.kind, "rules": list(self.rules)}

    def apply(self, base: Instance) -> Instance:
        unknown = set(self.rules) - {r.id for r in base.rules}
        if unknown:
            raise InstanceError([Issue("rules", f"no rule {sorted(unknown)[0]!r} to drop")])
        return base.model_copy(update={"rules": tuple(r for r in base.rules if r.id not in self.rules)})


@dataclass(frozen=True)
class FulfilmentDelta:
    """A point of the efficiency–equity frontier: the efficiency objective (on the base's
    ``objective.weight``) with each of ``zones`` given at least ``share`` of its land request
    (a ``request_floor`` rule, id :data:`FRONTIER_RULE`; none when ``share`` is 0) — the
    ε-constraint of :func:`~zoneopt.analysis.sensitivity.frontier` as an instance."""

    share: float
    zones: tuple[str, ...]
    kind = "fulfilment"

    @property
    def label(self) -> str:
        return f"min_fulfilment={self.share:.12g}"

    def describe(self) -> dict[str, Any]:
        return {"kind": self.kind, "share": self.share, "zones": list(self.zones)}

    def apply(self, base: Instance) -> Instance:
        obj = base.objective  # the frontier's efficiency: the weight alone, as in its first stage
        objective = Objective(kind="efficiency", weight=obj.weight, baseline_basis=obj.baseline_basis)
        rules = base.rules
        if self.share > 0:
            floor = RequestFloorRule(id=FRONTIER_RULE, type="request_floor", share=min(self.share, 1.0),
                                     select=Selector(zones=self.zones))
            rules = (*rules, floor)
        return base.model_copy(update={"objective": objective, "rules": rules})


Delta = Base | ScenarioDelta | SetDelta | DrawDelta | ZoneDelta | DropRulesDelta | FulfilmentDelta


def _with_rule_everywhere(base: Instance, rule: ExcludeRule) -> Instance:
    """``base`` with ``rule`` added to the land rules and to each other pool's rules (there with
    the pool's name after its id: the portfolio builds every list into one model)."""
    pools = base.pools
    update: dict[str, Any] = {}
    for name in ("emissions", "funds"):
        pool = getattr(pools, name)
        if pool is not None:
            own = rule.model_copy(update={"id": f"{rule.id}:{name}"})
            update[name] = pool.model_copy(update={"rules": (*pool.rules, own)})
    return base.model_copy(update={"rules": (*base.rules, rule),
                                   **({"pools": pools.model_copy(update=update)} if update else {})})


# -- setting one number of an instance -------------------------------------------------------

def _split(path: str) -> list[str]:
    path = "pools.land.total_mu" if path == POOL else path
    parts = path.split(".")
    if not path or any(not p for p in parts):
        raise InvalidInputError(f"grid path {path!r}: give dotted names such as pools.land.total_mu or "
                                "rules.<rule id>.<field>")
    return parts


def _child(node: Any, parts: list[str], path: str) -> tuple[Any, Any, int]:
    """(key, child, segments used) of ``node`` at the head of ``parts``: an attribute of a
    model, a key of a mapping, or the item of a rule list with that id (ids and keys may hold
    dots: the shortest match wins)."""
    if isinstance(node, BaseModel):
        if parts[0] not in type(node).model_fields:
            raise InvalidInputError(f"grid path {path!r}: {type(node).__name__} has no field {parts[0]!r}")
        return parts[0], getattr(node, parts[0]), 1
    for used in range(1, len(parts) + 1):
        key = ".".join(parts[:used])
        if isinstance(node, Mapping) and key in node:
            return key, node[key], used
        if isinstance(node, tuple):
            for j, item in enumerate(node):  # a loop over rules
                if getattr(item, "id", None) == key:
                    return j, item, used
    have = list(node) if isinstance(node, Mapping) else [getattr(i, "id", "?") for i in node] \
        if isinstance(node, tuple) else []
    raise InvalidInputError(f"grid path {path!r}: no {parts[0]!r} here; there are: "
                            f"{', '.join(map(str, have)) or 'none'}")


def _set(node: Any, parts: list[str], value: float, path: str) -> Any:
    if not parts:
        if isinstance(node, bool) or not isinstance(node, (int, float)):
            raise InvalidInputError(f"grid path {path!r} names {type(node).__name__} {node!r}, not a number")
        return value
    key, child, used = _child(node, parts, path)
    new = _set(child, parts[used:], value, path)
    if isinstance(node, BaseModel):
        data = node.model_dump(exclude_unset=False, round_trip=True) | {key: new}
        try:  # validate the changed model (a floor above its cap, a share above 1)
            return type(node).model_validate(data) if not isinstance(node, Instance) \
                else node.model_copy(update={key: new})
        except ValidationError as exc:
            raise InstanceError([Issue(f"{path}", i.message) for i in issues_from_validation(exc)]) from None
    if isinstance(node, Mapping):
        return {**node, key: new}
    return tuple(new if j == key else item for j, item in enumerate(node))


def set_value(instance: Instance, path: str, value: float) -> Instance:
    """``instance`` with the number at ``path`` set to ``value``: ``pool`` (the land pool
    total), ``pools.land.total_mu``, ``pools.funds.budget``,
    ``pools.emissions.pollutants.<p>.total_t``, ``rules.<rule id>.<field>`` (``cap_mu``,
    ``floor_share``, ``share`` ...), ``rules.<rule id>.cap_mu.<group>`` for a per-group amount,
    and likewise under ``pools.emissions.rules`` and ``pools.funds.rules``. The changed rule or
    pool is validated, then the instance's cross-checks run. Raises
    :class:`InvalidInputError` for a path that names no number, :class:`InstanceError` for a
    value the instance cannot take."""
    if not math.isfinite(value):
        raise InvalidInputError(f"grid path {path!r}: value {value!r} is not finite")
    changed = _set(instance, _split(path), float(value), path)
    try:  # the instance-level checks, on the changed parts (they are validated models already)
        Instance.model_validate({name: getattr(changed, name) for name in Instance.model_fields})
    except ValidationError as exc:
        raise InstanceError(issues_from_validation(exc)) from None
    return changed  # a copy of ``instance``: it shares the zone table and evaluations


# -- generators ------------------------------------------------------------------------------

def scenario_variants(instance: Instance, ids: Sequence[str] | None = None) -> list[ScenarioDelta]:
    """The instance's scenarios (``ids``, default every one, in order)."""
    have = scenario_ids(instance)
    chosen = have if ids is None else list(ids)
    unknown = [s for s in chosen if s not in have]
    if unknown:
        raise InvalidInputError(f"no scenario {unknown[0]!r} in {instance.name!r}; its scenarios: "
                                f"{', '.join(have) or 'none'}")
    return [ScenarioDelta(s) for s in chosen]


def grid_variants(instance: Instance, axes: Mapping[str, Sequence[float]]) -> list[SetDelta]:
    """Every combination of the values given per path (:func:`set_value`), the first path
    varying slowest. Each path is checked on the base instance."""
    if not axes:
        raise InvalidInputError("grid: give at least one path and its values")
    for path, values in axes.items():
        if len(values) == 0:
            raise InvalidInputError(f"grid path {path!r}: no values")
        node: Any = instance
        parts = _split(path)
        while parts:
            _, node, used = _child(node, parts, path)
            parts = parts[used:]
        if isinstance(node, bool) or not isinstance(node, (int, float)):
            raise InvalidInputError(f"grid path {path!r} names {type(node).__name__} {node!r}, not a number")
    paths = list(axes)
    return [SetDelta(tuple(zip(paths, (float(v) for v in point), strict=True)))
            for point in itertools.product(*(axes[p] for p in paths))]


def draw_variants(draws: int, noise: Sequence[MetricNoise], seed: int = 0, start: int = 0) -> list[DrawDelta]:
    """Draws ``start .. start + draws - 1`` under ``noise`` from ``seed``."""
    if draws < 0 or start < 0 or seed < 0:
        raise InvalidInputError(f"draws {draws}, start {start}, seed {seed}: each must be >= 0")
    spec = tuple(noise)
    return [DrawDelta(k, seed, spec) for k in range(start, start + draws)]


def zone_variants(instance: Instance, zones: Sequence[str] | None = None,
                  force: Sequence[Force] = ("out", "in")) -> list[ZoneDelta]:
    """Each zone (``zones``, default every one) forced out and forced in: the variants the
    replacement cost of each zone is made of (:func:`~zoneopt.analysis.sweeps.analyses.replacement_costs`).
    Forcing in needs land (a land pool or projects)."""
    ids = instance.zone_ids
    chosen = ids if zones is None else list(zones)
    unknown = [z for z in chosen if z not in set(ids)]
    if unknown:
        raise InvalidInputError(f"no zone {unknown[0]!r} in {instance.name!r}")
    taken = {r.id for r in instance.rules} & {OUT_RULE, IN_RULE}
    if taken:
        raise InvalidInputError(f"the instance has a rule {sorted(taken)[0]!r}, the id a sweep gives its forcing rules")
    if "in" in force and instance.pools.land is None and not instance.projects:
        raise InvalidInputError("forcing a zone to its land request needs land: the instance has no land pool")
    return [ZoneDelta(z, f) for f in force for z in chosen]


def standard_variants(instance: Instance, *, draws: int = 0, noise: Sequence[MetricNoise] = (), seed: int = 0,
                      importance: bool = False, scenarios: bool | Sequence[str] = False,
                      grid: Mapping[str, Sequence[float]] | None = None) -> list[Delta]:
    """The base first, then the instance's scenarios (all when ``True``, or those named), the
    grid points, ``draws`` Monte Carlo draws and, with ``importance``, every zone forced out
    and in."""
    out: list[Delta] = [Base()]
    if scenarios:
        out += scenario_variants(instance, None if scenarios is True else list(scenarios))
    if grid:
        out += grid_variants(instance, grid)
    if draws:
        if not noise:
            raise InvalidInputError("draws need a noise specification (a relative error)")
        out += draw_variants(draws, noise, seed)
    if importance:
        out += zone_variants(instance)
    return out


__all__ = ["Base", "ScenarioDelta", "SetDelta", "DrawDelta", "ZoneDelta", "DropRulesDelta", "Delta", "OUT_RULE",
           "IN_RULE", "POOL", "set_value", "scenario_variants", "grid_variants", "draw_variants", "zone_variants",
           "standard_variants"]
