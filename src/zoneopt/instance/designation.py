"""Settings of the designation model (models/designation.md): which candidate parks become
provincial development zones in which plan year (2022 plan 第二章第四节 and 专栏一: 新增省级经开区
35 个以上; 专栏四: 引导产业基础好、外向度高、管理规范的其他园区积极申报省级经开区; 2017 opinion §二(一)
and §三(二): 支持经济综合实力强、产业特色明显、发展潜力较大的产业集聚区…认定为省级开发区), which provincial
zones to recommend for national status (2022 专栏四 and 第八章第三节: 推荐优秀省级经开区晋升国家级经开区,
对排名靠前的省级经开区优先推荐), and which zones in a central urban area with a low industrial share
turn into urban functional areas (2017 §二(一): 向城市综合功能区转型), under one zone per county
(2017 §二(一): 原则上每个县（区、市）设立1家产业集聚区或开发区).

Every criterion, count and cap is a rule (an id, its ``source`` clause, ``assumption: true``
when its number is not in that clause), so a plan says which rule keeps a candidate out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from pydantic import Field, model_validator

from zoneopt.errors import Issue
from zoneopt.instance.common import Array, Ident, Int, NonNeg, _Rule, _Strict
from zoneopt.instance.zones import Selector

PARTS = ("establish", "upgrade", "convert", "county")
"""The names of the section's parts: no rule (nor status) may take one as its id."""


class DesignationCriterion(_Rule):
    """A hard criterion: a park (or zone) qualifies only if its ``indicator`` is at least
    ``min``, at most ``max``, and ranks within the first ``top`` among the parks the criterion
    applies to (rank 1 = the highest value; ties share the better rank). ``indicator`` names
    a figure of ``designation.figures`` or an indicator of the catalogue (``revenue``,
    ``tax_per_mu``, ``score``, an evaluation's id, …); with ``over`` the criterion is on the
    ratio ``indicator`` / ``over`` (e.g. ``trade`` / ``revenue``: 外向度). A park without the
    figure (or with a denominator that is not positive) fails it (the plan says so). One
    that fails is fixed to 0 by its variables' bounds."""

    indicator: Ident
    over: Ident | None = Field(None, description="denominator: the criterion is on indicator / over (e.g. trade / "
                                                 "revenue: 外向度)")
    min: float | None = None
    max: float | None = None
    top: Int | None = Field(None, ge=1, description="rank within the first `top` on the indicator (排名靠前)")

    @model_validator(mode="after")
    def _bound_given(self) -> DesignationCriterion:
        if self.min is None and self.max is None and self.top is None:
            raise ValueError("give min, max or top")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min:g} exceeds max {self.max:g}")
        return self


class DesignationCount(_Rule):
    """How many decisions of one kind: in all the plan years (``total_min`` … ``total_max``)
    and in each year (``per_year_min`` … ``per_year_max``). A floor is a hard target
    (新增省级经开区 35 个以上): when no plan reaches it the model is infeasible, and the
    diagnosis names this rule and what it conflicts with."""

    total_min: Int | None = Field(None, ge=0)
    total_max: Int | None = Field(None, ge=0)
    per_year_min: Int | None = Field(None, ge=0)
    per_year_max: Int | None = Field(None, ge=0)

    @model_validator(mode="after")
    def _consistent(self) -> DesignationCount:
        for lo, hi in (("total_min", "total_max"), ("per_year_min", "per_year_max")):
            a, b = getattr(self, lo), getattr(self, hi)
            if a is not None and b is not None and a > b:
                raise ValueError(f"{lo} {a} exceeds {hi} {b}")
        if all(getattr(self, f) is None for f in ("total_min", "total_max", "per_year_min", "per_year_max")):
            raise ValueError("give total_min, total_max, per_year_min or per_year_max")
        return self


class DesignationCounty(_Rule):
    """At most ``cap`` zones per county (原则上每个县（区、市）设立1家, 2017 §二(一)), counting the
    zones a county has (every zone that is not a candidate), less those converted, plus those
    designated; ``exceptions`` give a county its own cap. A county already at its cap with no
    zone that may convert takes no new zone (its candidates are fixed to 0 by bounds)."""

    id: Ident = "designation-county"
    source: str | None = "2017 §二(一)"
    cap: Int = Field(1, ge=0)
    exceptions: dict[Ident, Int] = Field(default_factory=dict)


class DesignationEstablish(_Strict):
    """New provincial zones (新增省级经开区): which parks are ``candidates`` (default: the zones
    of level ``other``, parks that are not yet development zones: 其他园区), the hard
    ``criteria`` they must meet, and how many to designate (``count``)."""

    candidates: Selector = Field(default_factory=lambda: Selector(levels=("other",)))
    criteria: Array[DesignationCriterion] = ()
    count: DesignationCount | None = None
    weight: NonNeg = Field(1.0, description="weight of a designation's score in the measure")


class DesignationUpgrade(_Strict):
    """Recommendations for national status (推荐优秀省级经开区晋升国家级经开区, 2022 专栏四;
    排名靠前的省级经开区优先推荐, 2022 第八章第三节; 2017 §三(二)): which zones may be recommended
    (``select``, default provincial ETDZs), the hard ``criteria`` (e.g. ``top`` on the score),
    how many (``count``)."""

    select: Selector = Field(default_factory=lambda: Selector(levels=("provincial",), kinds=("etdz",)))
    criteria: Array[DesignationCriterion] = ()
    count: DesignationCount | None = None
    weight: NonNeg = 1.0


class DesignationConvert(_Strict):
    """Zones that turn into urban functional areas (对位于中心城区、工业比重低的产业集聚区和开发区，
    积极推动向城市综合功能区转型, 2017 §二(一)): which zones (``select``: those in a central urban
    area, e.g. by a tag) and the ``criteria`` (e.g. an industrial share below a threshold). A
    converted zone stops being a zone from its year on and frees its county's place. With
    ``required`` every qualifying zone converts within the plan years (积极推动), else a
    conversion is a choice worth ``value`` points a year."""

    select: Selector
    criteria: Array[DesignationCriterion] = ()
    required: bool = False
    value: float = 0.0
    count: DesignationCount | None = None
    source: str | None = "2017 §二(一)"


class DesignationNamed(_Rule):
    """Zones a clause names for a status (2022 专栏四: 推动中欧（洛阳）…、中德（许昌）…国际合作产业园等建设;
    推动洛阳、新乡、漯河、驻马店等经开区…申报自贸试验区开放创新联动区): each is awarded the status
    within the plan years — a hard row per zone, so a named zone that fails a criterion (or is
    excluded) is an infeasibility named with both rules. A named zone that holds the status
    already needs nothing."""

    zones: Array[Ident] = Field(min_length=1)


class DesignationExclusion(_Rule):
    """Zones a status never applies to (``select``), e.g. zones inside a free-trade-zone area
    cannot be its linkage area. A rule: the plan names it for each zone it keeps out."""

    select: Selector


class DesignationStatus(_Rule):
    """A status a zone may be awarded in a plan year, independent of establish / upgrade /
    convert (a zone may be recommended for national status and build an international
    cooperation park): 2022 专栏一 建设国际合作园区 5 个以上, 创建自由贸易试验区开放创新联动区 7 个以上.
    Which zones it applies to (``select``, default national and provincial ETDZs; candidates
    never), which have it already (``held``: not chosen again, counted by its targets), the
    hard ``criteria``, zones a clause ``named`` (each awarded within the years), zones it never
    applies to (``exclude``), how many (``count``), and the measure's ``weight`` on its score
    (``score`` / ``score_over``, default the section's ``score``). With ``weight`` 0 the plan
    awards it only where a named zone or a target needs it (the fewest, then the best by
    score, earliest first): a zone left out is "not needed". Each zone is awarded it at most
    once (Σ_t ≤ 1): for a count of parks that is an assumption (a zone may host several);
    a zone that must convert (``convert.required``) or converts is awarded none.

    The decision is the province's backing (推动…建设, 推动…申报): an 开放创新联动区 is approved by
    the free trade zone, as an upgrade by the State Council."""

    label: str = Field("", description="what the status is called, in the instance's language")
    select: Selector = Field(default_factory=lambda: Selector(levels=("national", "provincial"), kinds=("etdz",)))
    held: Selector | None = Field(None, description="zones that have the status already")
    criteria: Array[DesignationCriterion] = ()
    named: DesignationNamed | None = None
    exclude: DesignationExclusion | None = None
    count: DesignationCount | None = None
    weight: NonNeg = Field(0.0, description="weight of an award's score in the measure (0: only as needed)")
    score: Ident | None = Field(None, description="the indicator the measure and the tie-break rank by "
                                                  "(default the section's score)")
    score_over: Ident | None = Field(None, description="denominator of the score (score / score_over)")


class DesignationObjective(_Strict):
    """The measure the designation maximises (models/designation.md): Σ weight × score ×
    years as a zone, over designations and recommendations, plus conversions' value × years.
    ``timing: "years"`` counts a decision of year t for each plan year from t on (so, the
    count and county rules permitting, the best come first); ``"once"`` counts it once
    whatever its year. With ``tie_break`` a second solve keeps the measure's optimum and
    prefers higher-ranked parks (by score, then id) and earlier years: the plan does not
    depend on the backend."""

    timing: Literal["years", "once"] = "years"
    tie_break: bool = True


class Designation(_Strict):
    """The designation settings (see the module docstring). ``years`` default to the plan's
    (``periods.years``, else 2021–2025); ``score`` names the indicator the measure weighs
    (default the zones' ``score``; an evaluation's id works); ``figures`` holds per-park
    figures the zone schema has no field for (e.g. ``leading_share``: 主导产业营业收入占比,
    ``export_share``: 外向度, ``industrial_share``: 工业比重), by name, then zone id."""

    source: str | None = "2022 第二章第四节, 专栏一, 专栏四; 2017 §二(一), §三(二)"
    years: Array[Int] | None = Field(None, min_length=1, max_length=50)
    score: Ident = "score"
    figures: dict[Ident, dict[Ident, float]] = Field(default_factory=dict)
    establish: DesignationEstablish = Field(default_factory=DesignationEstablish)
    upgrade: DesignationUpgrade | None = None
    convert: DesignationConvert | None = None
    statuses: Array[DesignationStatus] | None = Field(None, description="statuses a zone may be awarded (国际合作园区, "
                                                                          "开放创新联动区): DesignationStatus")
    county: DesignationCounty = Field(default_factory=DesignationCounty)
    objective: DesignationObjective = Field(default_factory=DesignationObjective)

    @model_validator(mode="after")
    def _consistent(self) -> Designation:
        if self.years is not None and any(b != a + 1 for a, b in zip(self.years, self.years[1:], strict=False)):
            raise ValueError(f"years must be consecutive and increasing, got {list(self.years)}")
        ids: dict[str, str] = {}
        for where, rules in self.rules_by_part().items():
            for rule in rules:
                if rule.id in PARTS:
                    raise ValueError(f"rule id {rule.id!r} ({where}) is the name of a part")
                if rule.id in ids:
                    raise ValueError(f"rule id {rule.id!r} is used twice ({ids[rule.id]} and {where})")
                ids[rule.id] = where
        return self

    def rules_by_part(self) -> dict[str, list[_Rule]]:
        """Every rule of the section by its part (``establish``, ``upgrade``, ``convert``, each
        status by its id, ``county``): criteria, then the count (a status: itself, its criteria,
        its named zones, its exclusion, its count)."""
        out: dict[str, list[_Rule]] = {}
        for name, part in (("establish", self.establish), ("upgrade", self.upgrade), ("convert", self.convert)):
            if part is not None:
                out[name] = [*part.criteria, *((part.count,) if part.count is not None else ())]
        for st in self.statuses or ():
            out[st.id] = [st, *st.criteria, *(r for r in (st.named, st.exclude, st.count) if r is not None)]
        out["county"] = [self.county]
        return out

    def status(self, sid: str) -> DesignationStatus | None:
        """The status ``sid`` (None when the section has none of that id)."""
        return next((st for st in self.statuses or () if st.id == sid), None)


def check_designation(d: Designation, known: Mapping[str, set[object]]) -> list[Issue]:
    """Cross-checks against the zones: figures and selectors name known zones, cities,
    counties and tags; county exceptions name known counties."""
    issues: list[Issue] = []
    for name, values in d.figures.items():
        for zid in values:
            if zid not in known["zones"]:
                issues.append(Issue(f"designation.figures.{name}.{zid}", f"unknown zone {zid!r}"))
    for part in ("establish", "upgrade", "convert"):
        obj = getattr(d, part)
        if obj is None:
            continue
        field = "candidates" if part == "establish" else "select"
        issues.extend(_selector_issues(f"designation.{part}.{field}", getattr(obj, field), known))
    for k, st in enumerate(d.statuses or ()):
        where = f"designation.statuses[{k}]"
        sels: list[tuple[str, Selector | None]] = [("select", st.select), ("held", st.held),
                                                   ("exclude.select", st.exclude.select if st.exclude else None)]
        for name, sel in sels:
            issues.extend(_selector_issues(f"{where}.{name}", sel, known))
        for j, zid in enumerate(st.named.zones if st.named is not None else ()):
            if zid not in known["zones"]:
                issues.append(Issue(f"{where}.named.zones[{j}]", f"unknown zone {zid!r}"))
    for county in d.county.exceptions:
        if county not in known["counties"]:
            issues.append(Issue(f"designation.county.exceptions.{county}", f"no zone has county {county!r}"))
    return issues


def _selector_issues(where: str, sel: Selector | None, known: Mapping[str, set[object]]) -> list[Issue]:
    """A selector's zones, cities, counties and tags that no zone has."""
    out = []
    for key in ("zones", "cities", "counties", "tags"):
        for j, value in enumerate(getattr(sel, key, None) or ()):
            if value not in known[key]:
                out.append(Issue(f"{where}.{key}[{j}]", f"unknown zone {value!r}" if key == "zones" else
                                 f"no zone has {key[:-1] if key != 'cities' else 'city'} {value!r}"))
    return out


def check_designation_targets(d: Designation | None, targets: Sequence[Any], known: Mapping[str, set[object]]
                              ) -> list[Issue]:
    """Each designation target of ``periods.targets`` needs the ``designation`` section with its
    part, a due year among the designation's years, and an ``existing`` selector naming known
    zones, cities, counties and tags."""
    issues: list[Issue] = []
    for j, t in enumerate(targets):
        if getattr(t, "type", None) != "designation":
            continue
        where = f"periods.targets[{j}]"
        if d is None:
            issues.append(Issue(where, f"designation target {t.id!r} needs the instance's 'designation' section "
                                       "(models/designation.md)"))
            continue
        if t.part == "status":
            if d.status(str(t.status)) is None:
                issues.append(Issue(f"{where}.status", f"designation target {t.id!r} counts status {t.status!r}, but "
                                                       "the designation section has no such status (its statuses: "
                                                       f"{', '.join(st.id for st in d.statuses or ()) or 'none'})"))
        elif t.part != "establish" and getattr(d, t.part) is None:
            issues.append(Issue(f"{where}.part", f"designation target {t.id!r} counts {t.part!r} decisions, but the "
                                                 f"designation section has no {t.part!r} part"))
        if t.year is not None and d.years is not None and t.year not in d.years:
            issues.append(Issue(f"{where}.year", f"year {t.year} is not a designation year {list(d.years)}"))
        for key in ("zones", "cities", "counties", "tags"):
            for k, value in enumerate(getattr(t.existing, key, None) or ()):
                if value not in known[key]:
                    issues.append(Issue(f"{where}.existing.{key}[{k}]", f"no zone has {key} {value!r}"))
    return issues


__all__ = ["check_designation_targets", "DesignationStatus", "DesignationNamed", "DesignationExclusion",
           "DesignationCriterion", "DesignationCount", "DesignationCounty", "DesignationEstablish",
           "DesignationUpgrade", "DesignationConvert", "DesignationObjective", "Designation", "check_designation"]
