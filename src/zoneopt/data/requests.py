"""The zones' requests of each resource and the sector priorities, read from an instance as
arrays (one pass over the zone objects per field, as :class:`~zoneopt.data.zones.ZoneTable`
does): the emission, fund and portfolio models and the plan over years build on these. The ten
emerging manufacturing fields of 2017 §四(二) are built in."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain

import numpy as np
import numpy.typing as npt
import pandas as pd

from zoneopt.instance import FundPool, Instance

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


EMERGING_FIELDS_2017: dict[str, str] = {
    "smart-terminals": "新一代智能终端",
    "electronic-components": "电子核心基础部件",
    "intelligent-equipment": "智能制造装备",
    "nev-smart-vehicles": "新能源汽车及智能汽车",
    "smart-power-equipment": "智能电力及新能源装备",
    "biomedicine": "生物医药",
    "nylon-new-materials": "尼龙及化工新材料",
    "advanced-alloys": "高端合金材料",
    "sensors-iot": "智能传感器及物联网",
    "energy-saving-environmental": "节能环保",
}
"""The ten emerging manufacturing fields of the 2017 Henan opinion, §四(二) (培育发展新兴产业): a
sector id → its name in the text. A zone tag or project sector matches by id or by name."""


def is_emerging(sectors: Sequence[str | None]) -> BoolArray:
    """For each sector (id or Chinese name), whether it is one of :data:`EMERGING_FIELDS_2017`."""
    known = set(EMERGING_FIELDS_2017) | set(EMERGING_FIELDS_2017.values())
    return pd.Series(list(sectors), dtype=object).isin(known).to_numpy(dtype=bool)


def priority_table(pool: FundPool | None) -> dict[str, float]:
    """Sector → priority weight from the fund pool: ``sector_priority``, and
    ``emerging_priority`` for each emerging field (by id and name) not listed there."""
    if pool is None:
        return {}
    table: dict[str, float] = {}
    if pool.emerging_priority is not None:
        for sid, name in EMERGING_FIELDS_2017.items():
            table[sid] = table[name] = float(pool.emerging_priority)
    table.update({k: float(v) for k, v in pool.sector_priority.items()})
    return table


def sector_priority(pool: FundPool | None, sectors: Sequence[Sequence[str]]) -> FloatArray:
    """Per unit (zone or project), the largest priority among its sectors (a zone's tags, a
    project's sector), 1 when none of them is listed."""
    n = len(sectors)
    table = priority_table(pool)
    if not table:
        return np.ones(n)
    owner = np.repeat(np.arange(n), [len(s) for s in sectors])
    values = pd.Series(list(chain.from_iterable(sectors)), dtype=object).map(table).to_numpy(dtype=float)
    out = np.full(n, np.nan)
    np.fmax.at(out, owner, values)  # NaN (unlisted) loses to any listed priority
    return np.where(np.isnan(out), 1.0, out)


def emission_requests(instance: Instance, pollutant: str) -> FloatArray:
    """Each zone's request of ``pollutant`` allowances, t/yr (NaN: none)."""
    return np.array([z.requests.emissions_t.get(pollutant, np.nan) for z in instance.zones], dtype=float)


def fund_requests(instance: Instance) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Each zone's fund request: amount, the investment it co-finances and that investment's
    expected yearly tax, money unit (NaN: none)."""
    reqs = [z.requests.funds for z in instance.zones]
    amount = np.array([r.amount if r is not None else np.nan for r in reqs], dtype=float)
    invest = np.array([r.investment if r is not None else np.nan for r in reqs], dtype=float)
    tax = np.array([r.expected_tax if r is not None else np.nan for r in reqs], dtype=float)
    return amount, invest, tax


def zone_tags(instance: Instance) -> list[tuple[str, ...]]:
    """Each zone's tags (its sectors among them)."""
    return [z.tags for z in instance.zones]
