"""Scenarios: named what-if variants of an instance."""

from __future__ import annotations

from pydantic import Field

from zoneopt.instance.common import Array, Ident, _Strict
from zoneopt.instance.pools import Objective, Pools
from zoneopt.instance.rules import Rule


class Scenario(_Strict):
    """A named variant of the instance (what-if): the base with some pools, rules or the
    objective overridden. Applied by :func:`zoneopt.analysis.scenarios.apply_scenario`; an applied
    scenario is validated like any instance, so its errors name ``scenarios[k]...``."""

    id: Ident
    description: str = ""
    pools: Pools | None = Field(None, description="replaces each pool it gives (the others stay)")
    rules: Array[Rule] = Field((), description="added, or replacing the base rule with the same id")
    drop_rules: Array[Ident] = Field((), description="ids of base rules left out")
    objective: Objective | None = Field(None, description="replaces the objective")
