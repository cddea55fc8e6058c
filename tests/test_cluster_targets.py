"""Cluster targets of the plan over years (models/targets.md, "Cluster targets"): a hand-checked
small case on every MIP backend plan-years takes, invariants under hypothesis, the
cross-checks, and the 2017 instance's three cluster targets (2017 §四(二), §四(四))."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zoneopt.errors import InfeasibleError, InstanceError
from zoneopt.instance import Instance, load
from zoneopt.models.multi_period import solve_multi_period

ROOT = Path(__file__).resolve().parents[1]
MIP_BACKENDS = ["highs", "pulp-cbc", "pulp-highs", "ortools-scip"]
"""The backends plan-years solves a MIP on (CP-SAT takes only all-integer models)."""

CITY = ("A", "A", "B", "B")
TAGS = (["food"], ["chem", "food"], ["chem"], ["food"])
REVENUE = (1000.0, 2000.0, 1500.0, 500.0)


def _four(targets: list[dict[str, Any]], shares: dict[str, dict[str, float]] | None = None,
          tags: tuple[list[str], ...] = TAGS, revenue: tuple[float, ...] = REVENUE,
          pool: float = 100.0) -> dict[str, Any]:
    """Four zones of 100 mu in two cities (A: z0, z1; B: z2, z3), industries food and chem;
    100 mu a year for two years, each zone at most 100 mu a year; a new mu adds 10 of revenue
    the same year; z3 earns the most tax per mu (90 against 10), so the efficiency objective
    gives it every mu it may take."""
    zones = [{"id": f"z{i}", "city": CITY[i], "county": f"{CITY[i]}-{i % 2}", "tags": tags[i],
              "land_area_mu": 100.0, "metrics": {"tax": 90.0 if i == 3 else 10.0, "revenue": revenue[i]},
              "requests": {"land_mu": 100.0}} for i in range(4)]
    present = [t for t in ("food", "chem") if any(t in z["tags"] for z in zones)]  # tags some zone has
    industries: dict[str, Any] = {"tags": present, "labels": {t: {"food": "食品", "chem": "化工"}[t] for t in present}}
    if shares is not None:
        industries["shares"] = shares
    return {"name": "clusters", "zones": zones, "pools": {"land": {"total_mu": pool}},
            "rules": [{"id": "cap", "type": "request_cap"}],
            "periods": {"years": [2021, 2022], "effects": [{"metric": "revenue", "per_mu": 10.0, "lag": 0}],
                        "industries": industries, "targets": targets}}


def _cluster(at_least: int, hard: bool = True, by: str = "city", threshold: float = 2500.0,
             **extra: Any) -> dict[str, Any]:
    return {"id": "cl", "type": "cluster", "metric": "revenue", "by": by, "threshold": threshold,
            "at_least": at_least, "hard": hard, "source": "2017 §四(四)", **extra}


def _status(plan: Any, rule: str = "cl@2022") -> dict[str, Any]:
    return plan.target_status.set_index("rule").loc[rule].to_dict()


def _land(plan: Any) -> dict[str, float]:
    return {k: round(float(v), 6) for k, v in plan.table("land").set_index("zone")["total"].items()}


@pytest.mark.parametrize("backend", MIP_BACKENDS)
def test_hand_checked_city_clusters(backend: str) -> None:
    """Revenue split equally among a zone's industries: the city groups are A·food 1000 + 1000
    (z1's half) = 2000, A·chem 1000, B·chem 1500, B·food 500. Without a target z3 takes all
    200 mu (B·food reaches 2500: one group). Two groups of ≥ 2500 need A·food + 500 (z0: 50 mu,
    z1 would need 100 at 5 a mu) and B·chem + 1000 (z2: 100 mu): 150 mu, the other 50 to z3;
    B·food (z3: 200 mu) with A·food would take 250. Three are out of reach: soft, short by 1,
    the nearest groups A·chem and B·food 1,500 short each."""
    plan = solve_multi_period(Instance.from_dict(_four([_cluster(0)])), backend, time_limit=30)
    assert _land(plan) == {"z0": 0.0, "z1": 0.0, "z2": 0.0, "z3": 200.0}
    assert _status(plan)["achieved"] == "1 clusters"
    plan = solve_multi_period(Instance.from_dict(_four([_cluster(2)])), backend, time_limit=30)
    assert _land(plan) == pytest.approx({"z0": 50.0, "z1": 0.0, "z2": 100.0, "z3": 50.0}, abs=1e-5)
    s = _status(plan)
    assert (s["status"], s["achieved"], s["scope"]) == ("met", "2 clusters", "4 groups (city × industry)")
    assert "4 zones' figure split equally" in s["required"]
    with pytest.raises(InfeasibleError, match="cl@2022"):
        solve_multi_period(Instance.from_dict(_four([_cluster(3)])), backend, time_limit=30)
    s = _status(solve_multi_period(Instance.from_dict(_four([_cluster(3, hard=False)])), backend, time_limit=30))
    assert s["status"] == "short"
    assert s["diagnosis"] == (
        "2 of 4 city clusters (the zones' part) reach revenue ≥ 2,500 万元 (1e4 yuan), 3 needed: short by 1; 0 reach "
        "it by organic growth alone; nearest: A 化工 (short by 1,500 万元 (1e4 yuan)), B 食品 (short by 1,500 万元 "
        "(1e4 yuan)); the least shortfall the hard rules allow")


@pytest.mark.parametrize("backend", MIP_BACKENDS)
def test_share_table_changes_the_plan(backend: str) -> None:
    """With z1's revenue 80 % food (the table), A·food is 1000 + 1600 = 2600 already: one more
    group is cheapest as B·food on z3 (200 mu, worth 180 in tax against 100 for z2 + z3), so
    every mu goes to z3 and two groups reach 2500; no zone is on the equal split but z0, z2, z3."""
    shares = {"z1": {"food": 0.8, "chem": 0.2}}
    plan = solve_multi_period(Instance.from_dict(_four([_cluster(2)], shares=shares)), backend, time_limit=30)
    assert _land(plan) == pytest.approx({"z0": 0.0, "z1": 0.0, "z2": 0.0, "z3": 200.0}, abs=1e-5)
    s = _status(plan)
    assert (s["status"], s["achieved"]) == ("met", "2 clusters")
    assert "3 zones' figure split equally" in s["required"]


def test_diagnose_short_names_the_pools() -> None:
    # A third group needs 150 more mu than the 200 of the two years: the land pools hold it back.
    plan = solve_multi_period(Instance.from_dict(_four([_cluster(3, hard=False)])), diagnose_short=True)
    assert _status(plan)["diagnosis"].endswith("held back by `land-total@2021`, `land-total@2022`")


def test_province_and_county_groups() -> None:
    """By province, food is 1000 + 1000 + 500 = 2500 and chem 1000 + 1500 = 2500: both reach
    2500 with no land. By county each zone is its own (A-0, A-1, B-0, B-1); counting chem only,
    the groups are z1's half (1000) and z2 (1500): both reach 1000."""
    plan = solve_multi_period(Instance.from_dict(_four([_cluster(2, by="province")])))
    s = _status(plan)
    assert (s["status"], s["achieved"], s["scope"]) == ("met", "2 clusters", "2 groups (province × industry)")
    plan = solve_multi_period(Instance.from_dict(_four([_cluster(1, by="county", threshold=1000.0,
                                                                 industries=["chem"])])))
    s = _status(plan)  # chem: z1 1000, z2 (B-0) 1500
    assert (s["achieved"], s["scope"]) == ("2 clusters", "2 groups (county × industry)")


def test_the_status_speaks_chinese(tmp_path: Path) -> None:
    import json

    from zoneopt.cli import main

    path = tmp_path / "clusters.json"
    path.write_text(json.dumps(_four([_cluster(3, hard=False)]), ensure_ascii=False), encoding="utf-8")
    out = io.StringIO()
    assert main(["plan-years", str(path), "--lang", "zh"], out=out) == 0
    text = out.getvalue()
    assert "目标：达标 0 · 未达标 1 · 未建模 0" in text
    assert "[未达标] cl@2022（2017 §四(四)）： 营业收入 ≥ 2,500 万元 的市域产业集群 ≥ 3 个" in text
    assert "4 个市域产业集群（开发区内的部分）中有 2 个的营业收入达到 2,500 万元，需要 3 个：差 1 个" in text
    assert "最接近的：A化工（差 1,500 万元）、B食品（差 1,500 万元）" in text


# -- invariants ---------------------------------------------------------------------------------

def _recomputed(plan: Any, data: dict[str, Any], by: str, threshold: float) -> int:
    """The groups reaching the threshold, from the plan's allocations and the instance's shares
    alone (pandas, not the model)."""
    x = plan.table("land").set_index("zone")["total"]
    shares = data["periods"]["industries"].get("shares", {})
    rows = []
    for z in data["zones"]:
        figure = z["metrics"]["revenue"] + 10.0 * float(x[z["id"]])
        split = shares.get(z["id"]) or {t: 1.0 / len(z["tags"]) for t in z["tags"]}
        place = {"province": "", "city": z["city"], "county": z["county"]}[by]
        rows += [(place, k, v * figure) for k, v in split.items() if v > 0]
    groups = pd.DataFrame(rows, columns=["place", "industry", "v"]).groupby(["place", "industry"])["v"].sum()
    return int((groups >= threshold * (1 - 1e-6) - 1e-6).sum())


tag_sets = st.sampled_from([["food"], ["chem"], ["chem", "food"]])


@settings(max_examples=30, deadline=None)
@given(tags=st.tuples(tag_sets, tag_sets, tag_sets, tag_sets),
       revenue=st.tuples(*[st.floats(100.0, 3000.0) for _ in range(4)]),
       threshold=st.floats(500.0, 4000.0), at_least=st.integers(0, 4), hard=st.booleans(),
       by=st.sampled_from(["province", "city", "county"]), food=st.one_of(st.none(), st.floats(0.0, 1.0)))
def test_reported_count_is_the_recomputed_one(tags: tuple[list[str], ...], revenue: tuple[float, ...],
                                              threshold: float, at_least: int, hard: bool, by: str,
                                              food: float | None) -> None:
    """The reported count is the number of groups whose figure, recomputed from the allocations,
    reaches the threshold; a hard target met means at least N groups reach it (infeasible only
    when the groups are fewer than N or the pool cannot push enough over); soft, met exactly
    when the count reaches N."""
    shares = None
    if food is not None and "food" in tags[1] and "chem" in tags[1]:  # z1 split by the table
        shares = {"z1": {"food": round(food, 3), "chem": round((1 - food) * 0.9, 3)}}
    data = _four([_cluster(at_least, hard=hard, by=by, threshold=threshold)], shares=shares, tags=tags,
                 revenue=revenue)
    try:
        plan = solve_multi_period(Instance.from_dict(data))
    except InfeasibleError:
        assert hard
        return
    s = _status(plan)
    reached = _recomputed(plan, data, by, threshold)
    assert s["achieved"] == f"{reached} clusters"
    assert s["status"] == ("met" if reached >= at_least else "short")
    if hard:
        assert reached >= at_least


@settings(max_examples=40, deadline=None)
@given(tags=st.tuples(tag_sets, tag_sets, tag_sets, tag_sets),
       table=st.dictionaries(st.sampled_from(["z0", "z1", "z2", "z3"]), st.floats(0.0, 1.0), max_size=4))
def test_shares_split_a_figure_without_creating_any(tags: tuple[list[str], ...], table: dict[str, float]) -> None:
    """S (groups × zones) takes from each zone at most its whole figure: a column sums to the
    zone's table shares (≤ 1), to 1 on the equal split; by province over every industry the
    groups hold exactly Σ_i (Σ_k share_ik) figure_i."""
    from zoneopt.data.zones import ZoneTable
    from zoneopt.instance import ClusterTarget
    from zoneopt.models.cluster_targets import cluster_groups

    shares = {}
    for zid, first in table.items():  # each listed zone: a share in its first tag, 0.9 − it in a second
        zt_tags = tags[int(zid[1])]
        row = {zt_tags[0]: round(first, 3)}
        if len(zt_tags) > 1:
            row[zt_tags[1]] = round(max(0.0, 0.9 - first), 3)
        shares[zid] = row
    inst = Instance.from_dict(_four([_cluster(1, by="province")], shares=shares or None, tags=tags))
    assert inst.periods is not None and inst.periods.industries is not None
    zt = ZoneTable.of(inst)
    target = inst.periods.targets[0]  # type: ignore[index]
    assert isinstance(target, ClusterTarget)
    groups = cluster_groups(target, inst.periods.industries, zt, np.arange(4), "t")
    column = np.asarray(groups.S.sum(axis=0)).ravel()
    expected = np.array([sum(shares[f"z{i}"].values()) if f"z{i}" in shares else 1.0 for i in range(4)])
    assert column == pytest.approx(expected)
    assert (column <= 1.0 + 1e-12).all()
    figure = np.asarray(REVENUE)
    assert float((groups.S @ figure).sum()) == pytest.approx(float(expected @ figure))


# -- cross-checks -------------------------------------------------------------------------------

@pytest.mark.parametrize("edit,where,message", [
    (lambda d: d["periods"]["industries"].update(tags=["food", "steel"]), r"periods\.industries\.tags\[1\]",
     "no zone has tag 'steel'"),
    (lambda d: d["periods"]["industries"].update(shares={"z9": {"food": 1.0}}), r"periods\.industries\.shares\.z9",
     "unknown zone 'z9'"),
    (lambda d: d["periods"]["industries"].update(shares={"z1": {"food": 0.7, "chem": 0.5}}),
     r"periods\.industries\.shares\.z1", "sum to 1.2 > 1"),
    (lambda d: d["periods"]["industries"].update(shares={"z0": {"chem": 0.5}}),
     r"periods\.industries\.shares\.z0\.chem", "zone 'z0' has no tag 'chem'"),
    (lambda d: d["periods"]["industries"].update(tags=["food"], labels={"chem": "化工"}),
     r"periods\.industries\.labels\.chem", "not a declared industry"),
    (lambda d: d["periods"]["targets"][0].update(industries=["steel"]), r"periods\.targets\[0\]\.industries\[0\]",
     "'steel' is not a declared industry"),
    (lambda d: d["periods"].pop("industries"), r"periods\.targets\[0\]", "needs periods.industries"),
])
def test_cross_checks_name_the_json_path(edit: Any, where: str, message: str) -> None:
    d = _four([_cluster(1)])
    edit(d)
    with pytest.raises(InstanceError, match=f"{where}.*{message}"):
        Instance.from_dict(d)


def test_schema_refuses_a_bad_target() -> None:
    with pytest.raises(InstanceError, match="at_least"):
        Instance.from_dict(_four([{**_cluster(1), "at_least_share": 0.5}]))
    with pytest.raises(InstanceError, match="by"):
        Instance.from_dict(_four([_cluster(1, by="district")]))


# -- the 2017 instance ----------------------------------------------------------------------------

CLAUSES = {  # rule: (clause, by, threshold in 亿元, at least)
    "emerging-clusters": ("2017 §四(二)", "province", 1000, 10),
    "city-clusters": ("2017 §四(四)", "city", 1000, 25),
    "county-clusters": ("2017 §四(四)", "county", 100, 160),
}


def test_2017_clusters_carried_and_reported() -> None:
    """The three cluster clauses are cluster targets with the clauses' numbers (万元 in the
    instance), the emerging one over the 10 fields §四(二) names; plan-years reports each met
    with its count, or short with a diagnosis, and no target of the instance is not modelled."""
    from zoneopt.cli import main

    path = ROOT / "instances" / "henan-parks-180-targets-2017.json"
    inst = load(path)
    assert inst.periods is not None and inst.periods.industries is not None
    targets = {t.id: t for t in inst.periods.targets or ()}
    for rule, (clause, by, yi, n) in CLAUSES.items():
        t = targets[rule]
        assert (t.type, t.source, t.by, t.threshold, t.at_least) == ("cluster", clause, by, yi * 1e4, n)  # type: ignore[union-attr]
    emerging = targets["emerging-clusters"].industries  # type: ignore[union-attr]
    assert [inst.periods.industries.labels[k] for k in emerging or ()] == [
        "新一代智能终端", "电子核心基础部件", "智能制造装备", "新能源汽车及智能汽车", "智能电力及新能源装备",
        "生物医药", "尼龙及化工新材料", "高端合金材料", "智能传感器及物联网", "节能环保"]
    plan = solve_multi_period(inst)
    st_ = plan.target_status.set_index("rule")
    assert not (st_["status"] == "not modelled").any()
    for rule in CLAUSES:
        row = st_.loc[f"{rule}@2020"]
        count = int(str(row["achieved"]).split()[0])
        assert row["status"] == ("met" if count >= CLAUSES[rule][3] else "short")
        if row["status"] == "short":
            assert "short by" in row["diagnosis"] and "nearest:" in row["diagnosis"]
    out = io.StringIO()
    assert main(["plan-years", str(path), "--lang", "zh"], out=out) == 0
    text = out.getvalue()
    assert "未建模 0" in text and "[未建模]" not in text
    for rule, (clause, *_rest) in CLAUSES.items():
        assert f"] {rule}@2020（{clause}）" in text
