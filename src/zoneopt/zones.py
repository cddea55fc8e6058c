"""Zone attributes as arrays, and rule selectors and groupings evaluated on them vectorised."""

from __future__ import annotations

from dataclasses import dataclass

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
        zones = instance.zones
        # One pass over the zone objects; every later step works on these columns.
        records = [(z.id, z.name, z.city, z.county, z.level, z.kind, z.grade, z.score, z.land_area_mu,
                    z.requests.land_mu, z.metrics.tax, z.metrics.value_added, z.metrics.revenue)
                   for z in zones]
        frame = pd.DataFrame.from_records(records, columns=list(COLUMNS), nrows=len(records))
        for col in NUMERIC:  # None → NaN, float dtype
            frame[col] = pd.to_numeric(frame[col], errors="coerce").astype(float)
        n = len(zones)
        members: dict[str, list[int]] = {}  # positions per tag; one mask per tag at the end
        for k, z in enumerate(zones):
            for t in z.tags:
                members.setdefault(t, []).append(k)
        tags: dict[str, BoolArray] = {}
        for t, pos in members.items():
            tags[t] = np.zeros(n, dtype=bool)
            tags[t][pos] = True
        return cls(frame, tags)

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
