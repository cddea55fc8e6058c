"""Targets of the plan over years on any zone figure (models/targets.md): a level or share
(``level``: a metric, or a ratio of metrics, at least / at most a value — per zone, on average
or in total), a count of zones (``count``: at least N zones, or a share of the selected zones,
whose metric or ratio reaches a threshold), a count of industrial clusters (``cluster``: at
least N groups — province, city or county × industry — whose figure summed over their zones,
each zone's figure split among its industries by :class:`Industries`, reaches a threshold:
models/targets.md, "Cluster targets"), a count of designation decisions (``designation``:
at least N candidates designated, or zones recommended or converted, by a year, plus the zones
that already count: models/designation.md) and targets the tool states but cannot model yet
(``not_modelled``: listed and reported, with what they need). Growth targets are
:class:`~zoneopt.instance.periods.GrowthTarget`.

A target is hard by default (a constraint: the plan is infeasible when it cannot hold, and the
diagnosis names it); ``"hard": false`` makes it soft: the plan first comes as close to every
soft target as the hard rules allow (least total relative shortfall), then optimises its
objective, and ``plan-years`` reports each target met, with its value, or short, with the
shortfall and what holds it back."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from zoneopt.errors import Issue
from zoneopt.instance.common import Array, Ident, Int, Share, _Rule, _Strict
from zoneopt.instance.zones import Selector

TargetScope = Literal["total", "zone", "mean"]
"""``total``: the selected zones together (Σ numerator / Σ denominator for a ratio); ``zone``:
each selected zone; ``mean``: the average over the selected zones (of the ratio, for a ratio)."""


class _YearTarget(_Rule):
    """What every target of the plan over years shares: the figure (``metric``, or the ratio
    ``metric`` / ``over``), the zones (``select``), the year it is due (``year``, default the
    last plan year; ``each_year``: every plan year) and whether it is hard."""

    metric: Ident
    over: Ident | None = Field(None, description="denominator metric: the target is on metric / over")
    select: Selector = Field(default_factory=Selector)
    year: Int | None = Field(None, description="the plan year it is due (default the last)")
    each_year: bool | None = Field(None, description="due in every plan year")
    hard: bool | None = Field(None, description="false: soft, reported met or short (default true)")

    @property
    def is_hard(self) -> bool:
        return self.hard is not False


class LevelTarget(_YearTarget):
    """The figure is at least ``at_least`` (at most ``at_most``) in its year: per zone, on
    average, or in total (2022 专栏一: 产业用地占比 60% 以上 — the ratio industrial land / land,
    in total; 高新技术企业数 3000 家 — the count of firms, in total)."""

    type: Literal["level"]
    at_least: float | None = None
    at_most: float | None = None
    per: TargetScope = "total"

    @model_validator(mode="after")
    def _some_bound(self) -> LevelTarget:
        if self.at_least is None and self.at_most is None:
            raise ValueError("give at_least, at_most or both")
        if self.at_least is not None and self.at_most is not None and self.at_least > self.at_most:
            raise ValueError(f"at_least {self.at_least:g} exceeds at_most {self.at_most:g}")
        return self


class ZoneCountTarget(_YearTarget):
    """At least ``at_least`` of the selected zones (or the share ``at_least_share`` of them)
    have the figure ≥ ``threshold`` in its year (2022 专栏一: 营业收入超千亿元经开区 6 个;
    2017 §四(一): 主导产业收入占比超过 50% 的产业集聚区 150 个左右). A linear model cannot
    tell "above" from "at least": the threshold counts as reached."""

    type: Literal["count"]
    threshold: float
    at_least: Int | None = Field(None, ge=0)
    at_least_share: Share | None = None

    @model_validator(mode="after")
    def _one_count(self) -> ZoneCountTarget:
        if (self.at_least is None) == (self.at_least_share is None):
            raise ValueError("give at_least (zones) or at_least_share (of the selected zones), one of them")
        return self


class UnmodelledTarget(_Rule):
    """A quantified target the plan states but no model here decides yet (2022 专栏一:
    新增省级经开区 35 个 needs a model of which parks become zones): ``target`` what the clause
    asks, ``value`` and ``unit`` its number, ``needs`` what would model it. With ``select``,
    the report gives how many zones match it now."""

    type: Literal["not_modelled"]
    target: str = Field(min_length=1)
    value: float | None = None
    unit: str = ""
    needs: str = Field(min_length=1)
    select: Selector | None = None


class DesignationTarget(_Rule):
    """At least ``at_least`` zones by the end of ``year`` (default the designation's last
    year) counting the zones that match ``existing`` now plus the designation's decisions of
    ``part`` up to that year (2022 专栏一: 新增省级经开区 35 个 — ``establish``, no ``existing``;
    2017 §一(三): 国家级开发区达到 30 个以上 — ``upgrade`` with ``existing: {"levels":
    ["national"]}``: the national zones there are plus those recommended; 2022 专栏一: 建设国际合作
    园区 5 个以上 — ``status`` with ``status: "international-park"``, counting the zones that hold
    it plus those awarded it). A row of the
    designation model (models/designation.md, "Targets"): hard by default (the designation is
    infeasible when no plan reaches it, and says which criteria and rules stand in the way);
    ``"hard": false`` makes it soft (the designation first comes as close as its rules allow).
    The instance needs a ``designation`` section with the part."""

    type: Literal["designation"]
    part: Literal["establish", "upgrade", "convert", "status"] = "establish"
    status: Ident | None = Field(None, description="with part 'status': the id of the status counted")
    at_least: Int = Field(ge=0)
    existing: Selector | None = Field(None, description="zones that count already (e.g. the national ones; for a "
                                                        "status, default those that hold it)")
    year: Int | None = Field(None, description="the year it is due, a designation year (default the last)")
    hard: bool | None = Field(None, description="false: soft, reported met or short (default true)")

    @model_validator(mode="after")
    def _status_given(self) -> DesignationTarget:
        if (self.part == "status") != (self.status is not None):
            raise ValueError("give status (a status id) exactly when part is 'status'")
        return self

    @property
    def is_hard(self) -> bool:
        return self.hard is not False


ClusterScope = Literal["province", "city", "county"]
"""Where a cluster lies: the whole province, a city (市域) or a county (县域)."""


class Industries(_Strict):
    """The zone tags that are industries (产业), declared once for the cluster targets
    (``periods.industries``): ``tags`` the industry tags (each a tag some zone has), ``labels``
    their names as outputs show them, and ``shares`` the share of a zone's figure in each of
    its industries (zone id → industry → share, summing to at most 1 per zone: the rest is in
    no declared industry). A zone the table does not list splits its figure equally among its
    industry tags (an assumption, and outputs say so); a listed zone names only industries it
    carries as tags."""

    tags: Array[Ident] = Field(min_length=1, description="the zone tags that are industries")
    labels: dict[Ident, str] = Field(default_factory=dict, description="industry tag → its name in outputs")
    shares: dict[Ident, dict[Ident, Share]] = Field(
        default_factory=dict, description="zone id → industry tag → share of the zone's figure (default: equal "
                                          "split among the zone's industry tags)")
    source: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _distinct(self) -> Industries:
        if len(set(self.tags)) != len(self.tags):
            raise ValueError("tags: name each industry once")
        return self


class ClusterTarget(_Rule):
    """At least ``at_least`` groups (or the share ``at_least_share`` of them) — the selected
    zones grouped ``by`` province, city or county × industry — whose figure reaches
    ``threshold`` in its year, a group's figure being the sum over its zones of each zone's
    ``metric`` times its share in the industry (:class:`Industries`; 2017 §四(二): 10 个左右
    千亿级新兴产业集群, by province over the 10 emerging fields; §四(四): 市域千亿级产业集群 25
    个左右, 县域百亿级产业集群 160 个左右). ``industries``: the declared industries it counts
    (default every one). Only the zones' part of a cluster is counted (firms outside the zones
    are not in the instance): an assumption the instance states. As a count target, the
    threshold counts as reached."""

    type: Literal["cluster"]
    metric: Ident
    by: ClusterScope = "province"
    industries: Array[Ident] | None = Field(None, min_length=1, description="the declared industries counted "
                                                                            "(default all)")
    threshold: float
    at_least: Int | None = Field(None, ge=0)
    at_least_share: Share | None = None
    select: Selector = Field(default_factory=Selector)
    year: Int | None = Field(None, description="the plan year it is due (default the last)")
    each_year: bool | None = Field(None, description="due in every plan year")
    hard: bool | None = Field(None, description="false: soft, reported met or short (default true)")

    @property
    def is_hard(self) -> bool:
        return self.hard is not False

    @model_validator(mode="after")
    def _one_count(self) -> ClusterTarget:
        if (self.at_least is None) == (self.at_least_share is None):
            raise ValueError("give at_least (groups) or at_least_share (of the groups), one of them")
        return self


def check_clusters(industries: Industries | None, targets: Sequence[Any], known: Mapping[str, set[Any]]
                   ) -> list[Issue]:
    """The industries are tags some zone has; the share table names known zones, declared
    industries the zone carries, and sums to at most 1 per zone; a cluster target needs the
    declaration and names declared industries. ``known``: the zones' ids (``zones``), tags
    (``tags``) and, when the table lists zones, the (zone id, tag) pairs (``zone_tags``)."""
    issues: list[Issue] = []
    where = "periods.industries"
    if industries is not None:
        declared = set(industries.tags)
        issues += [Issue(f"{where}.tags[{k}]", f"no zone has tag {t!r}")
                   for k, t in enumerate(industries.tags) if t not in known["tags"]]
        issues += [Issue(f"{where}.labels.{t}", f"{t!r} is not a declared industry")
                   for t in industries.labels if t not in declared]
        pairs = known.get("zone_tags", set())
        for zid, row in industries.shares.items():  # a loop over the table's zones: input checking
            if zid not in known["zones"]:
                issues.append(Issue(f"{where}.shares.{zid}", f"unknown zone {zid!r}"))
                continue
            for tag in row:
                if tag not in declared:
                    issues.append(Issue(f"{where}.shares.{zid}.{tag}", f"{tag!r} is not a declared industry"))
                elif (zid, tag) not in pairs:
                    issues.append(Issue(f"{where}.shares.{zid}.{tag}", f"zone {zid!r} has no tag {tag!r}"))
            total = sum(row.values())
            if total > 1.0 + 1e-9:
                issues.append(Issue(f"{where}.shares.{zid}", f"the shares of zone {zid!r} sum to {total:g} > 1"))
    for j, t in enumerate(targets):
        if getattr(t, "type", None) != "cluster":
            continue
        if industries is None:
            issues.append(Issue(f"periods.targets[{j}]", f"cluster target {t.id!r} needs periods.industries "
                                                         "(the zone tags that are industries)"))
            continue
        issues += [Issue(f"periods.targets[{j}].industries[{k}]", f"{tag!r} is not a declared industry")
                   for k, tag in enumerate(t.industries or ()) if tag not in industries.tags]
    return issues


PeriodTarget = Annotated[LevelTarget | ZoneCountTarget | ClusterTarget | DesignationTarget | UnmodelledTarget,
                         Field(discriminator="type")]

__all__ = ["TargetScope", "LevelTarget", "ZoneCountTarget", "ClusterScope", "ClusterTarget", "Industries",
           "check_clusters", "DesignationTarget", "UnmodelledTarget", "PeriodTarget"]
