"""Zone attributes as arrays, and rule selectors and groupings evaluated on them vectorised."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp

from zoneopt.instance import GroupBy, Instance, Selector

BoolArray = npt.NDArray[np.bool_]


COLUMNS = ("zone", "name", "city", "county", "level", "kind", "grade", "score", "land_area_mu",
           "request_land_mu", "tax", "value_added", "revenue")
NUMERIC = ("score", "land_area_mu", "request_land_mu", "tax", "value_added", "revenue")


@dataclass(frozen=True)
class ZoneTable:
    """The instance's zones as columns (one pass over the zone objects, then numpy only)."""

    frame: pd.DataFrame
    tags: dict[str, BoolArray]

    @classmethod
    def of(cls, instance: Instance) -> ZoneTable:
        """The table of ``instance``'s zones, made once per instance and then reused."""
        cached = instance._zone_table
        # Keyed by the zones tuple itself: a model_copy with other zones must not reuse it.
        if cached is not None and cached[0] is instance.zones:
            return cached[1]
        table = cls._read(instance)
        instance._zone_table = (instance.zones, table)  # a benign race: equal tables
        return table

    @classmethod
    def _read(cls, instance: Instance) -> ZoneTable:
        zones = instance.zones
        # A column at a time: lists of str/float only. A list of per-zone tuples would allocate
        # 100k GC-tracked containers and set off full collections over every zone object.
        metrics = [z.metrics for z in zones]
        columns = {
            "zone": [z.id for z in zones], "name": [z.name for z in zones], "city": [z.city for z in zones],
            "county": [z.county for z in zones], "level": [z.level for z in zones],
            "kind": [z.kind for z in zones], "grade": [z.grade for z in zones],
            "score": [z.score for z in zones], "land_area_mu": [z.land_area_mu for z in zones],
            "request_land_mu": [z.requests.land_mu for z in zones],
            "tax": [m.tax for m in metrics], "value_added": [m.value_added for m in metrics],
            "revenue": [m.revenue for m in metrics],
        }
        frame = pd.DataFrame({c: (np.array(columns[c], dtype=float) if c in NUMERIC else columns[c])
                              for c in COLUMNS})  # None → NaN in the numeric columns
        n = len(zones)
        tag_lists = [z.tags for z in zones]
        owner = np.repeat(np.arange(n), [len(t) for t in tag_lists])  # zone of each (zone, tag)
        codes, names = pd.factorize(pd.Series(list(chain.from_iterable(tag_lists)), dtype=object))
        tags: dict[str, BoolArray] = {}
        for g, t in enumerate(names.tolist()):  # a loop over distinct tags, not zones
            tags[t] = np.zeros(n, dtype=bool)
            tags[t][owner[codes == g]] = True
        return cls(frame, tags)

    @property
    def ids(self) -> npt.NDArray[np.object_]:
        """Zone ids in zone order."""
        return self.frame["zone"].to_numpy()

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
        if selector.tags is not None:
            any_tag = np.zeros(self.size, dtype=bool)
            for t in selector.tags:
                any_tag |= self.tags.get(t, np.zeros(self.size, dtype=bool))
            mask &= any_tag
        return mask

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
