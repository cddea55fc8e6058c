"""The bundled instances agree with every fact the two policy texts state about Henan's 经开区.

The facts are a table, ``tests/data/policy_facts.csv``: one row per fact, with the clause it
comes from, the words of the text, the bundled instances it applies to (``all``: every
45-zone instance) and a check from the small vocabulary below. Each row is checked against
each instance it names; a row whose check is unknown fails, so the table cannot hold a fact
nothing checks. The figures stay synthetic: every instance says so.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from zoneopt.evaluation.run import WAN_YUAN_PER_UNIT, evaluated_table
from zoneopt.instance import Instance, load
from zoneopt.instance.common import every_rule

ROOT = Path(__file__).resolve().parents[1]
INSTANCES = ROOT / "instances"
FACTS = Path(__file__).resolve().parent / "data" / "policy_facts.csv"
ALL_45 = sorted(p.name for p in INSTANCES.glob("henan-etdz-45*.json"))
PLAN_GROWTH, PLAN_YEARS_FROM_BASE = 0.075, 5  # 2022 专栏一: 生产总值年均增速 7.5 %, 2020 → 2025
APPROVED_TAG = "approved-2020"


def _rows() -> list[dict[str, str]]:
    with FACTS.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _cases() -> list[tuple[str, str]]:
    out = []
    for row in _rows():
        names = ALL_45 if row["instances"] == "all" else row["instances"].split()
        out += [(row["id"], name) for name in names]
    return out


@cache
def _instance(name: str) -> Instance:
    return load(INSTANCES / name)


@cache
def _zones(name: str) -> pd.DataFrame:
    """The instance's development zones (national and provincial; not candidate parks) with
    their evaluated score (the 亩均 evaluation muju-2022), tags and money figures in 亿元."""
    inst = _instance(name)
    frame = evaluated_table(inst).frame.copy()
    to_yi = WAN_YUAN_PER_UNIT[inst.units.money] / 1e4
    frame["revenue_yi"] = [(z.metrics.revenue or 0.0) * to_yi for z in inst.zones]
    frame["value_added_yi"] = [(z.metrics.value_added or 0.0) * to_yi for z in inst.zones]
    frame["tag_set"] = [set(z.tags) for z in inst.zones]
    frame["zone_name"] = [z.name for z in inst.zones]
    frame["level_"] = [z.level for z in inst.zones]
    frame = frame.set_index(pd.Index([z.id for z in inst.zones]))
    # The 经开区 the texts speak of; an instance may also hold candidate parks (level "other")
    # that a designation could make zones (the 2022 targets instance).
    return frame[frame["level_"].isin(["national", "provincial"])]


def _by_name(name: str, zone_name: str) -> pd.Series:
    zones = _zones(name)
    hit = zones[zones["zone_name"] == zone_name]
    assert len(hit) == 1, f"{zone_name} is not one zone of {name}"
    return hit.iloc[0]


def _zones_check(name: str, row: dict[str, str]) -> None:
    zones = _zones(name)
    n = len(zones) if row["subject"] == "all" else int((zones["level_"] == row["subject"]).sum())
    assert n == int(row["value"])


def _approved(name: str, row: dict[str, str]) -> None:
    zones = _zones(name)
    approved = zones[[APPROVED_TAG in t for t in zones["tag_set"]]]
    if row["subject"] == "count":
        assert len(approved) == int(row["value"])
    elif row["subject"] == "provincial":
        assert (approved["level_"] == "provincial").all()
    else:
        assert row["subject"] in set(approved["zone_name"])


def _unscored_before(name: str, row: dict[str, str]) -> None:
    from zoneopt.models.dynamic import manage

    inst = _instance(name)
    assert inst.management is not None
    year = int(row["subject"])
    history = inst.management.history
    approved = {z.id for z in inst.zones if APPROVED_TAG in z.tags}
    assert approved
    for zid in approved:
        before = [s for y, s in zip(history.years, history.scores[zid], strict=True) if y < year]
        assert before and all(s is None for s in before), zid
        after = [s for y, s in zip(history.years, history.scores[zid], strict=True) if y >= year]
        assert all(s is not None for s in after), zid
    decisions = manage(inst).decisions
    early = decisions[(decisions["year"] < year) & decisions["zone"].isin(approved)]
    assert not early["warned"].astype(bool).any() and early["rank"].isna().all()


def _first_on_score(name: str, row: dict[str, str]) -> None:
    zones = _zones(name)
    best = zones["score"].max()
    assert list(zones.loc[zones["score"] == best, "zone_name"]) == [row["subject"]]


def _metric_over(name: str, row: dict[str, str]) -> None:
    zone_name, metric = row["subject"].split(":")
    assert _by_name(name, zone_name)[f"{metric}_yi"] > float(row["value"])


def _sector(name: str, row: dict[str, str]) -> None:
    assert set(row["value"].split()) <= _by_name(name, row["subject"])["tag_set"]


def _zone_named(name: str, row: dict[str, str]) -> None:
    _by_name(name, row["subject"])


def _revenue_counts(name: str, row: dict[str, str]) -> tuple[int, int]:
    """(zones above the threshold at the base year, zones above it by 2025 at the plan's growth)."""
    revenue = _zones(name)["revenue_yi"].to_numpy()
    threshold = float(row["subject"])
    grown = revenue * (1 + PLAN_GROWTH) ** PLAN_YEARS_FROM_BASE
    return int((revenue >= threshold).sum()), int((grown >= threshold).sum())


def _revenue_count_below(name: str, row: dict[str, str]) -> None:
    assert _revenue_counts(name, row)[0] < int(row["value"])


def _revenue_count_reachable(name: str, row: dict[str, str]) -> None:
    assert _revenue_counts(name, row)[1] >= int(row["value"])


def _rule(name: str, rule_id: str) -> object:
    rules = {r.id: r for _, r in every_rule(_instance(name), skip=("zones", "projects"))}
    assert rule_id in rules, f"{name} has no rule {rule_id}"
    return rules[rule_id]


def _count_target(name: str, row: dict[str, str]) -> None:
    rule = _rule(name, row["subject"])
    assert rule.at_least == int(row["value"])  # type: ignore[attr-defined]
    assert rule.source == "2022 专栏一" and not rule.assumption  # type: ignore[attr-defined]


def _growth_target(name: str, row: dict[str, str]) -> None:
    rule = _rule(name, row["subject"])
    assert rule.rate == pytest.approx(float(row["value"]))  # type: ignore[attr-defined]


def _corridor_cities(name: str, row: dict[str, str]) -> None:
    inst = _instance(name)
    cities = set(row["value"].split())
    assert len(cities) == 10
    assert {z.id for z in inst.zones if row["subject"] in z.tags} == {z.id for z in inst.zones if z.city in cities}


def _no_land_rule_on_tag(name: str, row: dict[str, str]) -> None:
    inst = _instance(name)
    on_tag = [r.id for r in inst.rules
              if (sel := getattr(r, "select", None)) is not None and row["subject"] in (sel.tags or ())]
    assert on_tag == []
    for scenario in inst.scenarios:  # a what-if may add one, marked as the assumption it is
        for r in scenario.rules:
            if row["subject"] in (getattr(getattr(r, "select", None), "tags", None) or ()):
                assert r.assumption and (r.cited or "").endswith("(assumption)"), (scenario.id, r.id)


def _count_target_rule(name: str, rule_id: str) -> object:
    inst = _instance(name)
    assert inst.periods is not None
    return next(t for t in inst.periods.targets or () if t.id == rule_id)


def _count_within_reach(name: str, row: dict[str, str]) -> None:
    """A revenue count target (``subject``) is ambitious but within reach of the plan: fewer
    zones than it asks for reach its threshold at the base year and by organic growth alone (the
    instance's stated organic growth of revenue, base year → the target's year), more by organic
    growth than at the base, and at least as many as it asks for when each zone also gets its
    whole land request in every plan year whose land counts by then (new land yields the zone's
    revenue per mu: the instance's revenue effect) — a reading: the text states the target only."""
    inst = _instance(name)
    t = _count_target_rule(name, row["subject"])
    assert inst.periods is not None and t.metric == "revenue"  # type: ignore[attr-defined]
    effect = next(e for e in inst.periods.effects or () if e.metric == "revenue")
    year = t.year or inst.periods.years[-1]  # type: ignore[attr-defined]
    base_year = inst.periods.base_year or inst.periods.years[0] - 1
    zones = [z for z in inst.zones if z.level in ("national", "provincial")]
    revenue = np.array([z.metrics.revenue or 0.0 for z in zones])
    asked = np.array([(z.requests.land_mu or 0.0) / z.land_area_mu for z in zones])
    organic = revenue * (1 + (effect.organic_growth or 0.0)) ** (year - base_year)
    counted = sum(s + effect.lag <= year for s in inst.periods.years)
    need, theta = int(row["value"]), t.threshold  # type: ignore[attr-defined]
    assert t.at_least == need  # type: ignore[attr-defined]
    reach = organic * (1 + counted * asked)
    assert (revenue >= theta).sum() < (organic >= theta).sum() < need <= (reach >= theta).sum()


def _national_reachable(name: str, row: dict[str, str]) -> None:
    """Fewer national zones than the target at the base year, and the target within the plan's
    recommendations (at most ``per_year_max`` a year over the plan years)."""
    inst = _instance(name)
    assert inst.periods is not None and inst.designation is not None and inst.designation.upgrade is not None
    national = sum(z.level == "national" for z in inst.zones)
    count = inst.designation.upgrade.count
    assert count is not None and count.per_year_max is not None
    assert national < int(row["value"]) <= national + count.per_year_max * len(inst.periods.years)


def _candidates_smaller(name: str, row: dict[str, str]) -> None:
    """The candidate parks (level other) are on the whole smaller than the provincial zones:
    their average revenue is below the provincial zones' (a reading of 其他园区…申报省级经开区)."""
    inst = _instance(name)
    revenue = {lv: [z.metrics.revenue or 0.0 for z in inst.zones if z.level == lv] for lv in ("other", "provincial")}
    assert revenue["other"] and revenue[row["subject"]]
    assert np.mean(revenue["other"]) < np.mean(revenue[row["subject"]])


CHECKS: dict[str, Callable[[str, dict[str, str]], None]] = {
    "zones": _zones_check, "approved_2020": _approved, "unscored_before": _unscored_before,
    "first_on_score": _first_on_score, "metric_over": _metric_over, "sector": _sector, "zone_named": _zone_named,
    "revenue_count_below": _revenue_count_below, "revenue_count_reachable": _revenue_count_reachable,
    "count_target": _count_target, "growth_target": _growth_target, "corridor_cities": _corridor_cities,
    "no_land_rule_on_tag": _no_land_rule_on_tag, "count_within_reach": _count_within_reach,
    "national_reachable": _national_reachable, "candidates_smaller": _candidates_smaller,
}


def test_the_table_is_well_formed() -> None:
    rows = _rows()
    assert len({r["id"] for r in rows}) == len(rows)
    policy = (ROOT.parent / "shared" / "policy")
    texts = re.sub(r"\s", "", "".join(p.read_text(encoding="utf-8") for p in policy.glob("*.txt"))) \
        if policy.is_dir() else ""
    for r in rows:
        assert r["check"] in CHECKS, f"{r['id']}: unknown check {r['check']!r}"
        assert r["clause"].startswith(("2017 §", "2022 第")), r["id"]
        assert r["instances"] == "all" or all((INSTANCES / n).is_file() for n in r["instances"].split()), r["id"]
        if texts:  # the quoted words are the text's (the quote may elide with ……)
            for part in r["text"].replace("；", "……").split("……"):
                found = re.sub(r"\s", "", part) in texts
                assert found, f"{r['id']}: {part!r} is not in the texts"


@pytest.mark.parametrize(("fact", "name"), _cases())
def test_fact_holds(fact: str, name: str) -> None:
    row = next(r for r in _rows() if r["id"] == fact)
    CHECKS[row["check"]](name, row)


@pytest.mark.parametrize("name", ALL_45)
def test_the_figures_say_they_are_synthetic(name: str) -> None:
    inst = _instance(name)
    assert inst.metadata.synthetic and inst.metadata.description.startswith("SYNTHETIC data")


def test_every_45_zone_instance_has_the_same_zones() -> None:
    """The facts are checked per instance, but the zones (and their figures) are one table."""
    first = _zones(ALL_45[0])
    for name in ALL_45[1:]:
        other = _zones(name)
        assert list(other.index) == list(first.index)
        assert np.allclose(other["revenue_yi"], first["revenue_yi"])
