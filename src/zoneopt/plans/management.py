"""The decisions of dynamic management (有升有退; :func:`zoneopt.models.dynamic.manage` makes
them): per zone and history year the upgrades, warnings, reductions and revocations, the land
they return to the pool, and the zones kept from new land in each plan year; written as JSON,
CSV or Excel. The plan over years carries them (:class:`~zoneopt.plans.years.MultiPeriodPlan`)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from zoneopt.errors import InvalidInputError
from zoneopt.files import atomic_write, atomic_write_text
from zoneopt.plans.output import records
from zoneopt.plans.spreadsheets import write_csv, write_frame


@dataclass(frozen=True)
class Exclusion:
    """Zones a management decision keeps from new land in one plan ``year``: revoked zones
    (every year from the decision's effect on) and reduced zones under ``no_new_land`` (the
    year after the reduction)."""

    rule: str
    source: str | None
    year: int
    zones: tuple[str, ...]
    note: str
    kind: str = "revocation"
    """``"revocation"`` (holds from ``year`` on), ``"reduction"`` (holds in ``year`` only, for
    land) or ``"designation"`` (holds in ``year`` only, for every resource: zones that are not
    zones that year, :meth:`zoneopt.plans.designation.DesignationPlan.exclusions`)."""


@dataclass(frozen=True, eq=False)
class ManagementResult:
    """The decisions of dynamic management.

    ``decisions``: one row per zone and history year: year, zone, name, city, level, score,
    rank (1 = best among the zones evaluated that year; NaN when not evaluated), evaluated
    (how many were), grade, warned, warned_run (consecutive warned years), top_run, candidate
    (for upgrade), upgrade, reduction, revocation, status (``active``, ``revoked`` in the year
    of revocation and after), area_mu (the zone's land before the decision), freed_mu (land
    returned to the pool), actions and rules (``;``-joined), sources (`` | ``-joined, one per
    rule: a source may itself hold a ``;``).
    ``years``: one row per history year: evaluated, upgrades, warnings, reductions,
    revocations, freed_mu and the year the freed land joins the pool (``returns_in``).
    ``pool_additions``: year → mu joining that year's land pool. ``exclusions``: zones kept
    from new land, per plan year."""

    instance: str
    synthetic: bool
    decisions: pd.DataFrame
    years: pd.DataFrame
    pool_additions: dict[int, float]
    exclusions: tuple[Exclusion, ...] = ()
    rules: dict[str, str | None] = field(default_factory=dict)
    """rule id → source, for every rule that decided something."""
    applied: bool = True
    """False for a result that carries only a designation's exclusions (no management ran)."""

    def exclusions_in(self, year: int) -> list[Exclusion]:
        """The exclusions that hold in plan ``year``: every zone revoked with effect in or
        before ``year`` (one exclusion), reductions with ``no_new_land`` taking effect in
        ``year``, and a designation's zones that are not zones in ``year``."""
        out: list[Exclusion] = []
        revs = sorted((e for e in self.exclusions if e.kind == "revocation" and e.year <= year), key=lambda e: e.year)
        if revs:
            zones = pd.unique(np.concatenate([np.asarray(e.zones, dtype=object) for e in revs]))
            out.append(Exclusion(revs[0].rule, revs[0].source, year, tuple(str(z) for z in zones),
                                 f"revoked (有升有退) with effect in {revs[0].year}–{revs[-1].year}: no new land",
                                 "revocation"))
        out += [e for e in self.exclusions if e.kind in ("reduction", "designation") and e.year == year]
        return out

    def decided(self, action: str) -> pd.DataFrame:
        """The rows where ``action`` (``"upgrade"``, ``"warned"``, ``"reduction"``,
        ``"revocation"``) was decided."""
        return self.decisions[self.decisions[action].to_numpy(dtype=bool)]

    def to_record(self) -> dict[str, Any]:
        """A JSON-ready dict: status, summary, years, the decisions (zone-years with an action)
        and the pool additions."""
        acted = self.decisions[self.decisions["actions"] != ""]
        return {
            "status": "decided", "instance": self.instance, "synthetic": self.synthetic,
            "rules": self.rules,
            "pool_additions_mu": {str(k): v for k, v in sorted(self.pool_additions.items())},
            "years": records(self.years),
            "decisions": records(acted),
            "exclusions": [{"rule": e.rule, "source": e.source, "kind": e.kind, "year": e.year,
                            "zones": list(e.zones), "note": e.note} for e in self.exclusions],
        }

    def to_json(self, path: str | Path | None = None) -> str:
        """The record as JSON; written atomically to ``path`` if given."""
        text = json.dumps(self.to_record(), ensure_ascii=False, indent=2)
        if path is not None:
            atomic_write_text(path, text + "\n")
        return text

    def write(self, path: str | Path) -> Path:
        """Write by suffix, atomically: ``.json`` (the record), ``.csv`` (every zone-year row,
        UTF-8 with BOM) or ``.xlsx`` (sheets ``years``, ``decisions``, ``exclusions``)."""
        p = Path(path)
        suffix = p.suffix.lower()
        if suffix == ".json":
            self.to_json(p)
            return p
        if suffix == ".csv":
            return write_csv(p, self.decisions)
        if suffix == ".xlsx":
            def excel(t: Path) -> None:
                with pd.ExcelWriter(t, engine="openpyxl") as xl:
                    write_frame(xl, self.years, "years")
                    write_frame(xl, self.decisions, "decisions")
                    exclusions = pd.DataFrame([{"rule": e.rule, "source": e.source, "kind": e.kind, "year": e.year,
                                                "zones": ";".join(e.zones), "note": e.note} for e in self.exclusions],
                                              columns=["rule", "source", "kind", "year", "zones", "note"])
                    write_frame(xl, exclusions, "exclusions")
            return atomic_write(p, excel)
        raise InvalidInputError(f"--out {p}: unknown output type {suffix!r}; use .json, .csv or .xlsx")

    def __repr__(self) -> str:
        y = self.years
        return (f"ManagementResult({self.instance!r}, years={y['year'].tolist()}, upgrades={int(y['upgrades'].sum())}, "
                f"warnings={int(y['warnings'].sum())}, reductions={int(y['reductions'].sum())}, "
                f"revocations={int(y['revocations'].sum())}, freed={float(y['freed_mu'].sum()):g} mu)")
