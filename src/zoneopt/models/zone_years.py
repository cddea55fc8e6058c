"""The zones as they stand in each plan year after a designation (models/designation.md,
"After the designation"): which zones are not zones that year (a candidate before its
designation year, a converted zone from its conversion), and which level each zone has — a
designated park is ``provincial`` from its designation year (认定为省级开发区: the province's own
decision, 2017 §二(一); 新增省级经开区, 2022 专栏一), so rules, growth and level or count targets
that select by level see it as one. A recommendation for national status changes no level:
the upgrade is the State Council's to approve, not the plan's (推荐…晋升国家级经开区, 2022 专栏四).

The plan over years builds each year's models on :meth:`ZoneYears.instance` (the instance with
that year's levels: a copy sharing every zone object but the designated ones) and selects a
target's zones of year t with :meth:`ZoneYears.select`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd

from zoneopt.data.zones import ZoneTable
from zoneopt.evaluation.run import evaluated_table
from zoneopt.instance import Instance, Selector, TabularZones
from zoneopt.plans.designation import DESIGNATED_LEVEL, DesignationPlan

BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class ZoneYears:
    """Per plan year: the instance whose zones carry that year's levels, its zone table, and
    the zones that are not zones that year (``inactive``, None: every zone every year)."""

    base: Instance
    zt: ZoneTable
    instances: dict[int, Instance] = field(default_factory=dict)
    inactive: Callable[[int], BoolArray] | None = None

    def instance(self, year: int) -> Instance:
        """The instance of ``year`` (the base instance when no level changes by then)."""
        return self.instances.get(year, self.base)

    def table(self, year: int) -> ZoneTable:
        """The evaluated zone table of ``year``'s instance."""
        inst = self.instance(year)
        return self.zt if inst is self.base else evaluated_table(inst)

    def select(self, selector: Selector, year: int) -> BoolArray:
        """The zones ``selector`` picks in ``year``: by that year's levels, less those that are
        not zones that year."""
        mask = self.table(year).select(selector)
        return mask & ~self.inactive(year) if self.inactive is not None else mask

    def selected_any(self, selector: Selector, years: Sequence[int]) -> BoolArray:
        """The zones ``selector`` picks in any of ``years`` (before the inactive ones are left out)."""
        out = self.zt.select(selector)
        for y in years:  # a loop over years
            if self.instance(y) is not self.base:
                out = out | self.table(y).select(selector)
        return out


def zone_years(instance: Instance, zt: ZoneTable, years: Sequence[int], plan: DesignationPlan | None,
               inactive: Callable[[int], BoolArray] | None) -> ZoneYears:
    """The zones of each plan year under ``plan`` (none: the base instance every year). Years
    with the same designated parks share one instance (evaluations run once per instance)."""
    if plan is None:
        return ZoneYears(instance, zt, {}, inactive)
    chosen = plan.designated()
    index = pd.Index(zt.ids)
    rows = index.get_indexer(chosen.index)
    keep = rows >= 0
    rows, since = rows[keep], chosen.to_numpy()[keep]
    made: dict[tuple[int, ...], Instance] = {}
    out: dict[int, Instance] = {}
    for y in years:  # a loop over years
        now = tuple(sorted(rows[since <= y].tolist()))
        if not now:
            continue
        if now not in made:
            made[now] = with_levels(instance, np.asarray(now, dtype=np.int64), DESIGNATED_LEVEL)
        out[y] = made[now]
    return ZoneYears(instance, zt, out, inactive)


def with_levels(instance: Instance, rows: npt.NDArray[np.int64], level: str) -> Instance:
    """``instance`` with the zones at ``rows`` given ``level`` (the other zone objects shared)."""
    zones = instance.zones
    if isinstance(zones, TabularZones):
        cols = dict(zones.columns)
        lv = pd.Series(cols["level"], copy=True).astype(object)
        lv.iloc[rows] = level
        new: object = TabularZones(cols | {"level": lv}, zones.tag_zone, zones.tag_code, zones.tag_values,
                                   zones.label)
    else:
        changed = list(zones)
        for k in rows.tolist():  # a loop over the designated parks only
            changed[k] = changed[k].model_copy(update={"level": level})
        new = tuple(changed) if isinstance(zones, tuple) else changed
    return instance.model_copy(update={"zones": new})


__all__ = ["ZoneYears", "zone_years", "with_levels"]
