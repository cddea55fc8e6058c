"""Dynamic management (有升有退): hand-checked decisions on a small score history, the greedy
upgrade selection against the same selection solved as a MIP on HiGHS, CBC and SCIP, schema
checks, and the output files."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from zoneopt import Instance
from zoneopt.errors import InstanceError
from zoneopt.evaluation.run import evaluated_table
from zoneopt.models.dynamic import manage, select_upgrades, upgrade_mip

MIP_BACKENDS = ("highs", "pulp-cbc", "ortools-scip")


def zone(zid: str, city: str, area: float, level: str = "provincial") -> dict[str, Any]:
    return {"id": zid, "city": city, "land_area_mu": area, "level": level, "metrics": {"tax": area * 10}}


def history_case() -> dict[str, Any]:
    """Five zones, five years of scores (e is national, so never an upgrade candidate).

    Ranks (1 = best; e scores 99 every year):
    2019: e 99, a 95, b 90, c 80, d 50 — d bottom: warned (run 1); a, b top-3 and ≥ 85 (run 1).
    2020: e, a 96, b 91, c 85, d 45 — d warned (run 2): reduction, 20 % of 1,000 mu = 200 mu
          freed (area 800); a and b top two years running: candidates, mean scores 95.5 and
          90.5, one a year: a.
    2021: e, a 97, c 88, b 60, d 40 — d warned (run 3): revoked, half of 800 = 400 mu freed;
          a top but already upgraded; b falls to rank 4 (its run resets); c top (run 1).
    2022: d revoked (4 zones evaluated): e, a 98, b 92, c 89 — c is now the bottom: warned.
    2023: e 99 and a 99 share rank 1, b 93 rank 3, c 90 rank 4 — c warned again (run 2):
          reduction, 20 % of 500 = 100 mu; b top two years running (92, 93): upgraded.
    Land returns the next year: 2021 200 mu, 2022 400 mu, 2024 100 mu; d is excluded from new
    land from 2022.
    """
    return {
        "name": "history-5",
        "zones": [zone("a", "P", 1000), zone("b", "P", 2000), zone("c", "Q", 500), zone("d", "Q", 1000),
                  zone("e", "R", 3000, level="national")],
        "pools": {"land": {"total_mu": 1000}},
        "management": {
            "history": {"years": [2019, 2020, 2021, 2022, 2023],
                        "scores": {"a": [95, 96, 97, 98, 99], "b": [90, 91, 60, 92, 93], "c": [80, 85, 88, 89, 90],
                                   "d": [50, 45, 40, None, None], "e": [99, 99, 99, 99, 99]}},
            "upgrade": {"id": "upgrade", "top_rank": 3, "min_score": 85, "years": 2, "per_year": 1},
            "warning": {"id": "warn", "bottom_rank": 1},
            "reduction": {"id": "shrink", "after_years": 2, "share": 0.2},
            "revocation": {"id": "revoke", "after_years": 3, "freed_share": 0.5},
        },
    }


def decisions(data: dict[str, Any], **kw: Any) -> Any:
    return manage(Instance.from_dict(data), **kw)


def cell(result: Any, year: int, zid: str) -> pd.Series:
    d = result.decisions
    return d[(d["year"] == year) & (d["zone"] == zid)].iloc[0]


def test_hand_checked_history() -> None:
    r = decisions(history_case())
    acted = r.decisions[r.decisions["actions"] != ""][["year", "zone", "actions"]]
    assert [tuple(v) for v in acted.to_numpy().tolist()] == [
        (2019, "d", "warning"),
        (2020, "a", "upgrade"), (2020, "d", "warning;reduction"),
        (2021, "d", "warning;revocation"),
        (2022, "c", "warning"),
        (2023, "b", "upgrade"), (2023, "c", "warning;reduction"),
    ]
    assert r.pool_additions == pytest.approx({2021: 200.0, 2022: 400.0, 2024: 100.0})
    assert cell(r, 2021, "d")["area_mu"] == pytest.approx(800.0)
    assert cell(r, 2021, "d")["freed_mu"] == pytest.approx(400.0)
    assert cell(r, 2022, "d")["status"] == "revoked" and np.isnan(cell(r, 2022, "d")["rank"])
    assert cell(r, 2022, "c")["evaluated"] == 4 and cell(r, 2022, "c")["rank"] == 4
    assert cell(r, 2023, "a")["rank"] == 1 and cell(r, 2023, "e")["rank"] == 1  # a tie shares the best rank
    assert cell(r, 2021, "b")["top_run"] == 0 and cell(r, 2023, "b")["top_run"] == 2
    assert cell(r, 2020, "b")["candidate"] and not cell(r, 2020, "b")["upgrade"]  # one a year: a first
    assert not cell(r, 2019, "e")["candidate"]  # national zones are not selected for upgrade
    assert cell(r, 2023, "c")["sources"] == "2017 §十(四); 2022 第八章第三节 | 2017 §十(四); 2017 §六(三)"
    years = r.years.set_index("year")
    assert years.loc[2021, "revocations"] == 1 and years.loc[2022, "evaluated"] == 4
    assert years["upgrades"].sum() == 2 and years["warnings"].sum() == 5
    # d is kept from new land from 2022 on; nothing is excluded in 2021.
    assert r.exclusions_in(2021) == []
    for year in (2022, 2025):
        (ex,) = r.exclusions_in(year)
        assert ex.rule == "revoke" and ex.zones == ("d",) and ex.source == "2017 §十(四); 2017 §六(三)"


def test_greedy_and_mip_methods_give_the_same_decisions() -> None:
    data = history_case()
    data["management"]["upgrade"]["method"] = "mip"
    greedy = decisions(history_case())
    mip = decisions(data)
    pd.testing.assert_frame_equal(greedy.decisions, mip.decisions)


def test_score_grade_triggers_and_missing_years() -> None:
    """Warnings by score (< 60) or grade D, not by rank. z1 scores 50, 50, then no evaluation,
    then 50: its run is 1, 2, reset, 1, so it is reduced once (run 2) and never revoked
    (after 3). z2 is graded D in 2019 and 2020 with a good score: warned by grade, reduced in
    2020. z3 is never warned."""
    data = {
        "name": "triggers",
        "zones": [zone("z1", "P", 100), zone("z2", "P", 200), zone("z3", "Q", 300)],
        "pools": {"land": {"total_mu": 10}},
        "management": {
            "history": {"years": [2019, 2020, 2021, 2022],
                        "scores": {"z1": [50, 50, None, 50], "z2": [80, 80, 80, 80], "z3": [70, 70, 70, 70]},
                        "grades": {"z2": ["D", "D", "B", "B"]}},
            "warning": {"id": "w", "below_score": 60, "grades": ["D"]},
            "reduction": {"id": "cut", "after_years": 2, "share": 0.5, "returned_share": 0.5},
            "revocation": {"id": "rev", "after_years": 3, "freed_share": 1.0},
        },
    }
    r = decisions(data)
    d = r.decisions.set_index(["zone", "year"])
    assert d.loc["z1", "warned_run"].tolist() == [1, 2, 0, 1]
    assert d.loc["z2", "warned_run"].tolist() == [1, 2, 0, 0]
    assert not d.loc["z3", "warned"].any()
    assert not d["revocation"].any()
    # Reductions in 2020: z1 cuts 50 mu of 100 and returns half (25), z2 100 of 200, returns 50.
    assert r.pool_additions == pytest.approx({2021: 75.0})
    assert d.loc[("z1", 2021), "area_mu"] == pytest.approx(50.0)


def test_bottom_share_rounds_up_and_ties_share_ranks() -> None:
    """bottom_share 0.25 of 5 evaluated zones covers ceil(1.25) = 2 ranks from the bottom; two
    zones tied at the bottom share rank 1 from the bottom, so three zones are warned when the
    second-lowest score is tied."""
    data = {
        "name": "share",
        "zones": [zone(f"z{k}", "P", 100) for k in range(5)],
        "pools": {"land": {"total_mu": 10}},
        "management": {"history": {"years": [2020], "scores": {"z0": [10], "z1": [20], "z2": [20], "z3": [40],
                                                                 "z4": [50]}},
                       "warning": {"id": "w", "bottom_share": 0.25}},
    }
    r = decisions(data)
    assert sorted(r.decided("warned")["zone"]) == ["z0", "z1", "z2"]


def test_group_cap_on_upgrades() -> None:
    """Per city at most one upgrade a year, two a year in all: candidates a (P, 95), b (P, 94),
    c (Q, 90), d (R, 80); the greedy takes a, skips b (P is full), takes c."""
    data = {
        "name": "groups",
        "zones": [zone("a", "P", 100), zone("b", "P", 100), zone("c", "Q", 100), zone("d", "R", 100)],
        "pools": {"land": {"total_mu": 10}},
        "management": {"history": {"years": [2020], "scores": {"a": [95], "b": [94], "c": [90], "d": [80]}},
                       "upgrade": {"id": "up", "min_score": 50, "years": 1, "per_year": 2, "group_by": "city",
                                   "per_group": 1}},
    }
    assert sorted(decisions(data).decided("upgrade")["zone"]) == ["a", "c"]
    data["management"]["upgrade"]["method"] = "mip"
    assert sorted(decisions(data).decided("upgrade")["zone"]) == ["a", "c"]
    data["management"]["upgrade"]["method"] = "greedy"
    data["management"]["upgrade"]["group_by"] = "tag"
    with pytest.raises(InstanceError, match="tag groups overlap"):
        decisions(data)


@pytest.mark.parametrize("backend", MIP_BACKENDS)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_greedy_is_optimal_against_the_mip(backend: str, seed: int) -> None:
    """The greedy selection (at most K in all, at most G per group) reaches the MIP optimum of
    the total priority on HiGHS, CBC and SCIP: a laminar matroid, where greedy is exact."""
    rng = np.random.default_rng(seed)
    n = 40
    priority = np.round(rng.uniform(50, 100, n), 3)
    candidates = rng.random(n) < 0.6
    groups = rng.choice(np.array(["P", "Q", "R", "S"], dtype=object), n)
    ids = np.array([f"z{k:02d}" for k in range(n)], dtype=object)
    K, G = 7, 2
    chosen = select_upgrades(priority, priority, ids, candidates, K, groups, G)
    names = sorted(set(groups.tolist()))
    member = np.array([[g == name for g in groups] for name in names], dtype=float)
    mip, value = upgrade_mip(priority, candidates, K, member, G, backend=backend)
    assert value == pytest.approx(priority[chosen].sum(), rel=1e-9)
    assert priority[mip].sum() == pytest.approx(priority[chosen].sum(), rel=1e-9)
    assert chosen.sum() <= K and not (chosen & ~candidates).any()
    assert max(int((chosen & (groups == g)).sum()) for g in names) <= G


def test_schema_rules() -> None:
    base = history_case()
    bad = copy.deepcopy(base)
    del bad["management"]["warning"]
    with pytest.raises(InstanceError, match="give a warning rule"):
        Instance.from_dict(bad)
    bad = copy.deepcopy(base)
    bad["management"]["revocation"]["after_years"] = 2
    with pytest.raises(InstanceError, match="must exceed"):
        Instance.from_dict(bad)
    bad = copy.deepcopy(base)
    bad["management"]["history"]["scores"]["zz"] = [1, 2, 3, 4, 5]
    with pytest.raises(InstanceError, match=r"management\.history\.scores\.zz: unknown zone"):
        Instance.from_dict(bad)
    bad = copy.deepcopy(base)
    bad["management"]["history"]["scores"]["a"] = [1, 2]
    with pytest.raises(InstanceError, match="2 values for 5 years"):
        Instance.from_dict(bad)
    bad = copy.deepcopy(base)
    bad["management"]["history"]["years"] = [2019, 2021, 2022, 2023, 2024]
    with pytest.raises(InstanceError, match="consecutive"):
        Instance.from_dict(bad)
    bad = copy.deepcopy(base)
    bad["management"]["warning"]["id"] = "upgrade"
    with pytest.raises(InstanceError, match="duplicate rule id 'upgrade'"):
        Instance.from_dict(bad)
    with pytest.raises(InstanceError, match="management"):
        manage(Instance.from_dict({k: v for k, v in base.items() if k != "management"}))


def test_history_arrays_follow_zone_order() -> None:
    """Scores listed in another order than the zones land on the right rows."""
    from zoneopt.models.dynamic import history_arrays

    data = history_case()
    scores = data["management"]["history"]["scores"]
    data["management"]["history"]["scores"] = dict(reversed(list(scores.items())))
    inst = Instance.from_dict(data)
    assert inst.management is not None
    arr, _ = history_arrays(inst, inst.management, evaluated_table(inst))
    assert arr[0].tolist() == [95, 96, 97, 98, 99] and np.isnan(arr[3, 3])


@pytest.mark.parametrize("suffix", [".json", ".csv", ".xlsx"])
def test_writes_decisions(tmp_path: Path, suffix: str) -> None:
    r = decisions(history_case())
    target = tmp_path / f"decisions{suffix}"
    r.write(target)
    assert target.exists() and not list(tmp_path.glob(".*.tmp"))
    if suffix == ".json":
        rec = json.loads(target.read_text(encoding="utf-8"))
        assert rec["status"] == "decided" and rec["pool_additions_mu"] == {"2021": 200.0, "2022": 400.0, "2024": 100.0}
        assert len(rec["decisions"]) == 7 and rec["exclusions"][0]["zones"] == ["d"]
    elif suffix == ".csv":
        frame = pd.read_csv(target, encoding="utf-8-sig")
        assert len(frame) == 25 and set(frame["year"]) == {2019, 2020, 2021, 2022, 2023}


def test_no_new_land_after_a_reduction_holds_one_year() -> None:
    """With no_new_land, d (reduced after the 2020 evaluation) is kept from new land in 2021
    only; revoked after 2021, it is excluded from 2022 on under the revocation rule."""
    data = history_case()
    data["management"]["reduction"]["no_new_land"] = True
    r = decisions(data)
    assert [(e.rule, e.zones) for e in r.exclusions_in(2021)] == [("shrink", ("d",))]
    assert [(e.rule, e.zones) for e in r.exclusions_in(2022)] == [("revoke", ("d",))]
    # c is reduced after 2023: no new land in 2024, none in 2025.
    assert ("shrink", ("c",)) in [(e.rule, e.zones) for e in r.exclusions_in(2024)]
    assert all(e.rule != "shrink" for e in r.exclusions_in(2025))


def test_year_rules_may_not_take_management_ids() -> None:
    data = history_case()
    data["periods"] = {"years": [2021, 2022], "by_year": [
        {"year": 2022, "rules": [{"id": "revoke", "type": "exclude", "select": {"zones": ["a"]}}]}]}
    with pytest.raises(InstanceError, match=r"periods\.by_year\[0\]\.rules\[0\]\.id: rule id 'revoke' is taken"):
        Instance.from_dict(data)
