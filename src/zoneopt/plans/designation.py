"""The designation plan (:func:`zoneopt.models.designation_plan.solve_designation` makes it):
who is designated a provincial zone in which year, who is recommended for national status,
which zones convert to urban functional areas, and why each other candidate is not chosen (the
criterion it fails or the rule that binds). Written as JSON, CSV or Excel like every plan.

How it feeds the rest (models/designation.md, "After the designation"):

* the plan over years: :meth:`DesignationPlan.exclusions` are ``exclude`` rules of each plan
  year for every candidate not designated by that year and every zone converted in or before
  it — a designated park gets land, allowances and funds from its year on, and a converted
  zone none from its year; :meth:`DesignationPlan.feed` adds them to dynamic management's
  exclusions (the plan over years reads both through
  :meth:`~zoneopt.plans.management.ManagementResult.exclusions_in`);
* dynamic management: :meth:`DesignationPlan.inactive` says which zones are not zones in
  which history year (not evaluated, ranked, warned or upgraded then).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from zoneopt.plans.management import Exclusion, ManagementResult
from zoneopt.plans.output import Binding, PlanOutput, clean_value, records, write_sheets
from zoneopt.plans.spreadsheets import write_csv

DECISION = {"establish": "designated", "upgrade": "recommended", "convert": "converted"}
"""The decision a chosen zone of each part gets in the ``decision`` column."""
DESIGNATION_RULE = "designation"
DESIGNATED_LEVEL = "provincial"
"""The level a designated park has from its designation year in the plan over years
(认定为省级开发区, 2017 §二(一); 新增省级经开区, 2022 专栏一). A recommendation changes no level."""


class DesignationSummary(BaseModel):
    """The headline of a designation plan: counts per part and per year, the measure and the
    solve."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    instance: str
    synthetic: bool
    status: str
    objective: float | None
    objective_unit: str
    tie_break_objective: float | None = None
    backend: str
    runtime_s: float
    mip_gap: float | None
    years: list[int]
    source: str | None = None
    candidates: int
    qualifying: int
    designated: int
    upgrade_candidates: int = 0
    recommended: int = 0
    conversion_candidates: int = 0
    converted: int = 0
    zones_before: int
    """zones (not candidates) before any decision."""
    zones_after: int
    """zones after the last plan year: before + designated − converted."""
    check_max_violation: float | None = None
    notes: list[str] = Field(default_factory=list)
    awarded: dict[str, int] = Field(default_factory=dict)
    """zones awarded each status (by its id) over the plan years."""


class DesignationRecord(BaseModel):
    """The JSON form of a designation plan."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    status: str
    objective: float | None
    summary: DesignationSummary
    decisions: list[dict[str, Any]]
    years: list[dict[str, Any]]
    counties: list[dict[str, Any]]
    criteria: list[dict[str, Any]]
    bindings: list[Binding]
    targets: list[dict[str, Any]] = Field(default_factory=list)
    statuses: list[dict[str, Any]] = Field(default_factory=list)


class DesignationPlan(PlanOutput):
    """A solved designation.

    * ``decisions``: one row per zone of each part (``part``: ``establish``, ``upgrade``,
      ``convert``): zone, name, city, county, level, kind, score, ``qualifies`` (meets every
      criterion and, for a candidate, its county has room), ``failed`` (criterion ids,
      ``;``-joined), ``decision`` (``designated``, ``recommended``, ``converted`` or ``""``),
      ``year``, ``value`` (its term of the measure), ``reason`` (why, in words), ``rule`` and
      ``source`` (the criterion or rule that keeps it out, or that it meets), and one column
      per criterion with the zone's value;
    * ``years``: per plan year, designated, recommended, converted, and the zones there are;
    * ``counties``: per county, zones before, candidates, qualifying, designated, converted,
      zones after, the cap;
    * ``criteria``: every rule of the section: id, part, what it asks, source, assumption,
      how many zones fail it;
    * ``bindings``: the binding rows of the counted rules (county, counts);
    * ``targets``: each designation target of ``periods.targets`` (models/designation.md,
      "Targets") met, with the count, or short, with what caps it — the rows the plan over
      years puts in its ``target_status``;
    * ``statuses``: one row per status and zone it applies to (models/designation.md,
      "Statuses"): status, label, zone, name, city, county, level, kind, score, ``qualifies``,
      ``held``, ``named``, ``failed``, ``decision`` (``awarded`` or ``""``), ``year``, ``value``,
      ``reason`` (why, or why not: a failed criterion, held already, excluded, not needed …),
      ``rule``, ``source``, and one column per criterion. An award is the province's backing
      (推动…建设, 推动…申报); an 开放创新联动区 is approved by the free trade zone.
    """

    def __init__(self, summary: DesignationSummary, decisions: pd.DataFrame, years: pd.DataFrame,
                 counties: pd.DataFrame, criteria: pd.DataFrame, bindings: pd.DataFrame,
                 targets: pd.DataFrame | None = None, statuses: pd.DataFrame | None = None) -> None:
        self.targets = targets if targets is not None else pd.DataFrame()
        self.statuses = statuses if statuses is not None else pd.DataFrame()
        self.summary = summary
        self.decisions = decisions
        self.years = years
        self.counties = counties
        self.criteria = criteria
        self.bindings = bindings

    # -- views ----------------------------------------------------------------------------------
    def chosen(self, part: str = "establish") -> pd.Series:
        """The year of each chosen zone of ``part`` (designated, recommended, converted), by
        zone id, in year then zone order."""
        d = self.decisions[(self.decisions["part"] == part) & (self.decisions["decision"] != "")]
        d = d.sort_values(["year", "zone"], kind="stable")
        return pd.Series(d["year"].astype(int).to_numpy(), index=d["zone"].to_numpy(), name="year")

    def designated(self) -> pd.Series:
        """Designated candidates → their year."""
        return self.chosen("establish")

    def candidates(self) -> list[str]:
        """Every candidate park (designated or not)."""
        return self.decisions.loc[self.decisions["part"] == "establish", "zone"].tolist()

    def awarded(self, status: str) -> pd.Series:
        """The year each zone is awarded ``status`` (by zone id, in year then zone order); empty
        when none is (or the plan has no such status)."""
        if self.statuses.empty:
            return pd.Series(dtype=int, name="year")
        d = self.statuses[(self.statuses["status"] == status) & (self.statuses["decision"] != "")]
        d = d.sort_values(["year", "zone"], kind="stable")
        return pd.Series(d["year"].astype(int).to_numpy(), index=d["zone"].to_numpy(), name="year")

    def decision_of(self, zone: str) -> pd.DataFrame:
        """The rows of ``zone`` (one per part it belongs to; empty when it is in none)."""
        return self.decisions[self.decisions["zone"] == zone]

    def explain(self, zone: str, display: Any = None, units: dict[str, str] | None = None) -> str:
        """Why ``zone`` is or is not designated, recommended or converted: one line per part
        it belongs to (empty when it belongs to none); with a ``display``
        (:class:`~zoneopt.plans.display.Display`) in its language, a failed criterion on money in
        its unit (``units``: each criterion's unit)."""
        if display is not None:
            return self._explain_words(zone, display, units or {})
        lines = []
        for rec in self.decision_of(zone).to_dict("records"):
            what = rec["decision"] or f"not {DECISION[rec['part']]}"
            year = f" in {int(rec['year'])}" if rec["decision"] else ""
            cite = f" — rule `{rec['rule']}`" + (f" ({rec['source']})" if rec["source"] else "") if rec["rule"] else ""
            lines.append(f"{rec['part']}: {zone} ({rec['name']}, {rec['county']}) {what}{year}: {rec['reason']}{cite}")
        own = self.statuses[self.statuses["zone"] == zone] if not self.statuses.empty else self.statuses
        for rec in own.to_dict("records"):  # the zone's statuses (a handful)
            what = f"awarded in {int(rec['year'])}" if rec["decision"] else "not awarded"
            cite = f" — rule `{rec['rule']}`" + (f" ({rec['source']})" if rec["source"] else "") if rec["rule"] else ""
            lines.append(f"{rec['status']} ({rec['label']}): {zone} ({rec['name']}, {rec['county']}) {what}: "
                         f"{rec['reason']}{cite}")
        return "\n".join(lines)

    def _explain_words(self, zone: str, d: Any, units: dict[str, str]) -> str:
        """:meth:`explain` in the display's language, from the glossary."""
        from zoneopt.plans.designation_words import reason_words

        def cite(rec: dict[str, Any]) -> str:
            if not rec["rule"]:
                return ""
            src = d.clean(rec["source"]) if rec["source"] else ""
            return d.t("dx.cite", rule=rec["rule"], source=(f"（{src}）" if d.zh else f" ({src})") if src else "")

        lines = []
        for rec in self.decision_of(zone).to_dict("records"):
            done = d.term(f"dx.decision.{DECISION[rec['part']]}")
            what = done if rec["decision"] else d.t("dx.not", what=done)
            lines.append(d.t("dx.line", part=d.term(f"part.{rec['part']}", rec["part"]), zone=zone, name=rec["name"],
                             county=rec["county"], what=what,
                             year=d.t("dx.in", year=int(rec["year"])) if rec["decision"] else "",
                             reason=reason_words(str(rec["reason"]), d, units), cite=cite(rec)))
        own = self.statuses[self.statuses["zone"] == zone] if not self.statuses.empty else self.statuses
        for rec in own.to_dict("records"):  # the zone's statuses (a handful)
            what = d.t("dx.awarded", year=int(rec["year"])) if rec["decision"] else d.t("dx.not_awarded")
            lines.append(d.t("dx.status_line", status=rec["status"], label=rec["label"], zone=zone, name=rec["name"],
                             county=rec["county"], what=what, reason=reason_words(str(rec["reason"]), d, units),
                             cite=cite(rec)))
        return "\n".join(lines)

    # -- what the plan changes for the other models ----------------------------------------------
    def inactive(self, ids: Sequence[str], years: Sequence[int]) -> npt.NDArray[np.bool_]:
        """zones × years: True where a zone is not a zone that year — a candidate before its
        designation year (every year if never designated), a converted zone from its
        conversion year on."""
        index = pd.Index(list(ids))
        yrs = np.asarray(list(years))
        out = np.zeros((len(index), yrs.size), dtype=bool)
        est = self.decisions[self.decisions["part"] == "establish"]
        rows = index.get_indexer(est["zone"])
        ok = rows >= 0
        year = est["year"].astype("Float64").to_numpy(dtype=float, na_value=np.inf)
        start = np.where(est["decision"] != "", year, np.inf)
        out[rows[ok]] = yrs[None, :] < start[ok, None]
        conv = self.chosen("convert")
        rows = index.get_indexer(conv.index)
        ok = rows >= 0
        out[rows[ok]] |= yrs[None, :] >= conv.to_numpy()[ok, None]
        return out

    def exclusions(self, years: Sequence[int] | None = None) -> tuple[Exclusion, ...]:
        """Per plan year (default the designation's), the zones that are not zones that year
        as one exclusion of kind ``designation`` (it holds in that year only, for every
        resource): candidates not yet designated and converted zones."""
        yrs = list(years) if years is not None else list(self.summary.years)
        zones = pd.unique(pd.concat([self.decisions.loc[self.decisions["part"].isin(["establish", "convert"]),
                                                        "zone"]]))
        ids = [str(z) for z in zones]
        mask = self.inactive(ids, yrs)
        out = []
        for k, y in enumerate(yrs):  # a loop over years
            off = tuple(np.asarray(ids, dtype=object)[mask[:, k]].tolist())
            if off:
                out.append(Exclusion(DESIGNATION_RULE, self.summary.source, int(y), off,
                                     f"not a zone in {y}: candidates not yet designated, zones converted "
                                     "(城市综合功能区)", "designation"))
        return tuple(out)

    def feed(self, management: ManagementResult | None, instance: str | None = None) -> ManagementResult:
        """Dynamic management's result with this plan's :meth:`exclusions` added (a result
        with no decisions when ``management`` is None): what the plan over years reads."""
        if management is None:
            empty = pd.DataFrame(columns=["year", "evaluated", "upgrades", "warnings", "reductions", "revocations",
                                          "freed_mu", "returns_in"])
            return ManagementResult(instance or self.summary.instance, self.summary.synthetic,
                                    pd.DataFrame(columns=["year", "zone", "actions"]), empty, {},
                                    self.exclusions(), {DESIGNATION_RULE: self.summary.source}, applied=False)
        from dataclasses import replace

        return replace(management, exclusions=management.exclusions + self.exclusions(),
                       rules={**management.rules, DESIGNATION_RULE: self.summary.source})

    # -- output ---------------------------------------------------------------------------------
    def to_record(self) -> DesignationRecord:
        bindings = [Binding(**{k: clean_value(v) for k, v in rec.items()}) for rec in self.bindings.to_dict("records")]
        return DesignationRecord(status=self.status, objective=self.objective, summary=self.summary,
                                 decisions=records(self.decisions), years=records(self.years),
                                 counties=records(self.counties), criteria=records(self.criteria), bindings=bindings,
                                 targets=records(self.targets), statuses=records(self.statuses))

    def to_csv(self, path: str | Path) -> Path:
        """The decision table as CSV (UTF-8 with BOM); the other tables are in JSON and Excel."""
        return write_csv(path, self.decisions)

    def sheets(self) -> dict[str, pd.DataFrame]:
        head = [(k, "; ".join(map(str, v)) if isinstance(v, list) else
                 "; ".join(f"{a}: {b}" for a, b in v.items()) if isinstance(v, dict) else v)
                for k, v in self.summary.model_dump().items()]
        return {"summary": pd.DataFrame(head, columns=["field", "value"]), "decisions": self.decisions,
                "years": self.years, "counties": self.counties, "criteria": self.criteria, "bindings": self.bindings,
                **({"target-status": self.targets} if not self.targets.empty else {}),
                **({"statuses": self.statuses} if not self.statuses.empty else {})}

    def to_excel(self, path: str | Path) -> Path:
        """A workbook with sheets summary, decisions, years, counties, criteria, bindings (and
        target-status, statuses when the plan has them)."""
        return write_sheets(path, self.sheets())

    def __repr__(self) -> str:
        s = self.summary
        return (f"DesignationPlan({s.instance!r}, status={s.status}, {s.designated} of {s.candidates} candidates "
                f"designated, {s.recommended} recommended, {s.converted} converted"
                + "".join(f", {n} {k}" for k, n in s.awarded.items()) + f", {s.years[0]}–{s.years[-1]})")


__all__ = ["DesignationPlan", "DesignationRecord", "DesignationSummary", "DECISION", "DESIGNATION_RULE",
           "DESIGNATED_LEVEL"]
