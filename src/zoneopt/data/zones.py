"""Zone attributes as arrays, and rule selectors and groupings evaluated on them vectorised."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import chain

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp

from zoneopt.instance import (
    Enterprise,
    GroupBy,
    Instance,
    MetricCondition,
    Selector,
    TabularEnterprises,
    TabularZones,
    Zone,
)
from zoneopt.instance.indicators import EMISSIONS_PREFIX, INDICATORS, ratio
from zoneopt.instance.tabular import NAMED_PREFIX

BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]


COLUMNS = ("zone", "name", "city", "county", "level", "kind", "grade", "score", "land_area_mu",
           "request_land_mu", "tax", "value_added", "revenue", "rd_spending", "energy_tce", "employees",
           "energy_reduction_tce", "meets_env_standards")
NUMERIC = ("score", "land_area_mu", "request_land_mu", "tax", "value_added", "revenue", "rd_spending",
           "energy_tce", "employees", "energy_reduction_tce")
METRICS = ("tax", "value_added", "revenue", "rd_spending", "energy_tce", "employees", "energy_reduction_tce")


def metric_columns(units: Sequence[Zone | Enterprise]) -> dict[str, FloatArray]:
    """Land and metric columns of zones or enterprises, one array per field (NaN = missing),
    with a column ``emissions.<pollutant>`` per pollutant any unit reports (NaN for a unit
    that does not report it). Read a column at a time: lists of floats only, because a list of
    per-unit tuples would allocate 100k GC-tracked containers; an enterprise table's columns
    as they are."""
    if isinstance(units, TabularEnterprises):
        return units.metric_columns()
    metrics = [u.metrics for u in units]
    out = {"land_area_mu": np.array([u.land_area_mu for u in units], dtype=float)}
    for name in METRICS:
        out[name] = np.array([getattr(m, name) for m in metrics], dtype=float)  # None → NaN
    pollutants = sorted({p for m in metrics if m.emissions_t for p in m.emissions_t})
    for p in pollutants:  # a loop over pollutants, not units
        out[EMISSIONS_PREFIX + p] = np.array([m.emissions_t.get(p, np.nan) for m in metrics], dtype=float)
    return out


def unit_text(units: Sequence[Enterprise], field: str) -> npt.NDArray[np.object_]:
    """A text field (``id``, ``name``, ``zone``, ``sector``) of enterprises, one value per
    enterprise (None where missing): an enterprise table's column, or read off the objects."""
    if isinstance(units, TabularEnterprises):
        column = units.columns[field]
        return np.asarray(column.astype(object).where(column.notna(), None).to_numpy(dtype=object))
    return np.array([getattr(u, field) for u in units], dtype=object)


@dataclass(frozen=True)
class ZoneTable:
    """The instance's zones as columns (one pass over the zone objects, then numpy only):
    :data:`COLUMNS`, plus ``emissions.<pollutant>`` columns."""

    frame: pd.DataFrame
    tags: dict[str, BoolArray]

    @classmethod
    def of(cls, instance: Instance) -> ZoneTable:
        """The table of ``instance``'s zones, score and grade as the instance gives them, made
        once per instance and then reused. The table with the scores and grades that
        evaluations assign is :func:`zoneopt.evaluation.run.evaluated_table`."""
        return instance.derived("zone_table", lambda: cls._read(instance))

    @classmethod
    def _read(cls, instance: Instance) -> ZoneTable:
        zones = instance.zones
        if isinstance(zones, TabularZones):
            table = cls.from_columns(zones)
            for name in instance.metrics or {}:  # a loop over declared metrics, not zones
                column = zones.columns.get(NAMED_PREFIX + name)
                table.frame[name] = column if column is not None else np.nan
            return table
        columns: dict[str, object] = {
            "zone": [z.id for z in zones], "name": [z.name for z in zones], "city": [z.city for z in zones],
            "county": [z.county for z in zones], "level": [z.level for z in zones],
            "kind": [z.kind for z in zones], "grade": [z.grade for z in zones],
            "score": np.array([z.score for z in zones], dtype=float),
            "request_land_mu": np.array([z.requests.land_mu for z in zones], dtype=float),
            "meets_env_standards": [z.meets_env_standards for z in zones],  # True / False / None
        }
        columns.update(metric_columns(zones))
        named = [z.metrics.named or {} for z in zones]
        for name in instance.metrics or {}:  # a loop over declared metrics, not zones
            columns[name] = np.array([m.get(name, np.nan) for m in named], dtype=float)
        order = (list(COLUMNS) + sorted(c for c in columns if c.startswith(EMISSIONS_PREFIX))
                 + list(instance.metrics or {}))
        frame = pd.DataFrame({c: columns[c] for c in order})
        n = len(zones)
        tag_lists = [z.tags for z in zones]
        owner = np.repeat(np.arange(n), [len(t) for t in tag_lists])  # zone of each (zone, tag)
        codes, names = pd.factorize(pd.Series(list(chain.from_iterable(tag_lists)), dtype=object))
        tags: dict[str, BoolArray] = {}
        for g, t in enumerate(names.tolist()):  # a loop over distinct tags, not zones
            tags[t] = np.zeros(n, dtype=bool)
            tags[t][owner[codes == g]] = True
        return cls(frame, tags)

    @classmethod
    def from_columns(cls, zones: TabularZones) -> ZoneTable:
        """The table of a zone table (:class:`~zoneopt.instance.TabularZones`), straight from
        its validated columns: no object per zone."""
        f = zones.columns
        n = len(zones)
        columns: dict[str, object] = {"zone": f["id"], **{c: f[c] for c in COLUMNS if c != "zone"}}
        for c in ("county", "grade"):  # as from zone objects: a column no zone fills holds None
            if f[c].isna().all():
                columns[c] = np.full(n, None, dtype=object)
        for p in zones.emissions():
            columns[EMISSIONS_PREFIX + p] = f[f"emissions_{p}_t"]
        order = list(COLUMNS) + sorted(c for c in columns if c.startswith(EMISSIONS_PREFIX))
        # The table's own arrays, not copies (pandas would otherwise copy every float column
        # into one block: 15 columns × 8 MB per million zones).
        frame = pd.DataFrame({c: columns[c] for c in order}, copy=False)
        tags: dict[str, BoolArray] = {}
        for g, t in enumerate(zones.tag_values):  # a loop over distinct tags, not zones
            tags[t] = np.zeros(n, dtype=bool)
            tags[t][zones.tag_zone[zones.tag_code == g]] = True
        return cls(frame, tags)

    @cached_property
    def ids(self) -> npt.NDArray[np.object_]:
        """Zone ids in zone order: one array, made once, so every row label that names a zone
        shares its string (a text column would make new strings at every read)."""
        ids = self.frame["zone"].to_numpy(dtype=object)
        ids.flags.writeable = False
        return ids

    @property
    def size(self) -> int:
        return len(self.frame)

    def select(self, selector: Selector) -> BoolArray:
        """Zones matching every criterion of ``selector``."""
        mask = np.ones(self.size, dtype=bool)
        for key, column in (("zones", "zone"), ("cities", "city"), ("counties", "county"),
                            ("levels", "level"), ("kinds", "kind"), ("grades", "grade")):
            values = getattr(selector, key)
            if values is not None:
                mask &= self.frame[column].isin(values).to_numpy()
        if selector.meets_env_standards is not None:  # a zone not assessed (None) matches neither
            mask &= (self.frame["meets_env_standards"] == selector.meets_env_standards).to_numpy(dtype=bool)
        for c in selector.where or ():  # a loop over conditions
            mask &= self.condition(c)
        if selector.tags is not None:
            any_tag = np.zeros(self.size, dtype=bool)
            for t in selector.tags:
                any_tag |= self.tags.get(t, np.zeros(self.size, dtype=bool))
            mask &= any_tag
        return mask

    def figure(self, name: str, over: str | None = None) -> FloatArray:
        """A zone figure by name — a column (built-in or declared metric, ``score``) or an
        indicator of the catalogue — or the ratio ``name`` / ``over`` (NaN where the
        denominator is not positive)."""
        def one(n: str) -> FloatArray:
            if n in self.frame.columns and n not in ("zone", "name", "city", "county", "level", "kind", "grade"):
                return self.frame[n].to_numpy(dtype=float)
            return INDICATORS[n][0](self.frame)
        values = one(name)
        return values if over is None else ratio(values, one(over))

    def condition(self, c: MetricCondition) -> BoolArray:
        """Zones whose figure meets every bound of ``c`` (a zone without the figure: none)."""
        v = self.figure(c.metric, c.over)
        ok = ~np.isnan(v)
        for bound, test in ((c.lt, np.less), (c.le, np.less_equal), (c.gt, np.greater), (c.ge, np.greater_equal)):
            if bound is not None:
                ok &= test(np.nan_to_num(v), bound)
        return ok

    def groups(self, by: GroupBy) -> tuple[list[str], sp.csr_matrix]:
        """Group values and a sparse 0/1 membership matrix (groups × zones). A zone belongs
        to one group per attribute, but to every tag it carries."""
        if by == "tag":
            names = sorted(self.tags)
            rows = [np.full(int(self.tags[t].sum()), g) for g, t in enumerate(names)]
            cols = [np.flatnonzero(self.tags[t]) for t in names]
        else:
            column = self.frame[by]
            codes, uniques = pd.factorize(column, sort=True)
            present = codes >= 0  # a zone without a county is in no county group
            names = [str(u) for u in uniques]
            rows, cols = [codes[present]], [np.flatnonzero(present)]
        r = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
        c = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
        member = sp.csr_matrix((np.ones(r.size), (r, c)), shape=(len(names), self.size))
        return names, member
