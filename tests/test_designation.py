"""The designation model (新增省级经开区, 推荐晋升国家级, 向城市综合功能区转型): the hand case of
:func:`zoneopt.examples.designation.small_case` (its arithmetic in the docstring and in
models/designation.md) on every backend that takes a MIP; what the rules imply in the model
(criteria by bounds, one row per county); infeasibility named in rule terms; the plan's
outputs; the plan over years and dynamic management with the designated zones; the command
line; and, under hypothesis, one zone per county and the criteria re-checked from the instance
data on random synthetic instances."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
import pytest
from cli_runner import run as cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zoneopt.errors import InfeasibleError, InstanceError
from zoneopt.examples.designation import main as designation_main
from zoneopt.examples.designation import small_case, synthetic_designation_data
from zoneopt.instance import Instance, load
from zoneopt.models.designation import ONCE_RULE, build_designation_model
from zoneopt.models.designation_plan import solve_designation
from zoneopt.models.dynamic import manage
from zoneopt.models.multi_period import solve_multi_period
from zoneopt.plans.designation import DesignationPlan

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "instances" / "henan-designation-180.json"
MIP_BACKENDS = ["highs", "pulp-cbc", "pulp-highs", "ortools-scip", "ortools-cpsat"]


def small(**changes: Any) -> Instance:
    return Instance.from_dict(small_case(**changes))


# -- the hand case on every MIP backend ---------------------------------------------------------

@pytest.mark.parametrize("backend", MIP_BACKENDS)
def test_small_case_by_hand(backend: str) -> None:
    """P2 2021, P3 2022, P6 2023, Z2 converted 2021, Z3 recommended 2021: 709 score·years."""
    plan = solve_designation(small(), backend)
    assert plan.status == "optimal"
    assert plan.objective == pytest.approx(80 * 3 + 70 * 2 + 65 * 1 + 88 * 3)
    assert plan.designated().to_dict() == {"P2": 2021, "P3": 2022, "P6": 2023}
    assert plan.chosen("upgrade").to_dict() == {"Z3": 2021}
    assert plan.chosen("convert").to_dict() == {"Z2": 2021}
    d = plan.decisions.set_index(["part", "zone"])
    # Why each other candidate is not designated: the criterion or the rule.
    assert d.loc[("establish", "P1"), "rule"] == "designation-county"  # county A full
    assert "none of its zones may convert" in d.loc[("establish", "P1"), "reason"]
    assert d.loc[("establish", "P4"), "rule"] == "scale"
    assert "revenue = 500000" in d.loc[("establish", "P4"), "reason"]
    assert d.loc[("establish", "P5"), "rule"] == "designation-county"
    assert "P6 (2023)" in d.loc[("establish", "P5"), "reason"]
    assert d.loc[("upgrade", "Z2"), "rule"] == "first"
    assert "P2 (2021)" in d.loc[("convert", "Z2"), "reason"]
    assert plan.years["zones"].tolist() == [3 + 1 - 1, 3 + 1 - 1 + 1, 3 + 1 - 1 + 2]
    assert plan.summary.check_max_violation is not None and plan.summary.check_max_violation < 1e-6


def test_timing_once_counts_each_decision_once() -> None:
    """With timing "once" the measure is Σ score (80 + 70 + 65 + 88 = 303); the tie-break puts
    the best first in the earliest years, as with "years"."""
    plan = solve_designation(small(objective={"timing": "once"}))
    assert plan.objective == pytest.approx(80 + 70 + 65 + 88)
    assert plan.designated().to_dict() == {"P2": 2021, "P3": 2022, "P6": 2023}


def test_what_the_rules_imply_in_the_model() -> None:
    """Criteria and full counties by bounds, not rows; one county row for counties with no
    zone that may convert (C, D), one per year for county B (Z2 may convert); one once-row per
    zone; a zone is not both recommended and converted."""
    dm = build_designation_model(small())
    m = dm.model
    est = dm.parts["establish"]
    ub = m.ub[est.var.slice].reshape(est.zones.size, 3)
    ids = dm.zones.ids[est.zones].tolist()
    assert {z for z, row in zip(ids, ub, strict=True) if not row.any()} == {"P1", "P4"}
    county = m.row_block("designation-county")
    assert sorted(county.labels) == sorted(["C", "D", "B@2021", "B@2022", "B@2023"])
    once = m.row_block(ONCE_RULE)
    assert sorted(once.labels) == sorted(dm.zones.ids.tolist()[1:])  # every zone but Z1 (in no part)
    rules = {b.rule for b in m.row_blocks if b.rule}
    assert {"scale", "first", "low-industry"}.isdisjoint(rules)  # criteria are bounds


# -- infeasibility in rule terms --------------------------------------------------------------------

def test_count_floor_beyond_the_qualifying_parks_is_named_from_the_data() -> None:
    data = small_case()
    data["designation"]["establish"]["count"]["total_min"] = 4
    with pytest.raises(InfeasibleError) as exc:
        solve_designation(Instance.from_dict(data))
    text = str(exc.value)
    assert "`new-zones`" in text and "at most 3" in text and "`scale` 1" in text and "designation-county" in text


@pytest.mark.parametrize("backend", ["highs", "pulp-cbc"])
def test_conflict_between_rules_is_diagnosed(backend: str) -> None:
    """No conversion allowed, three designations asked: P2 has no place; the diagnosis names
    the county rule, the conversion count and the designation count."""
    data = small_case()
    data["designation"]["establish"]["count"]["total_min"] = 3
    data["designation"]["convert"]["count"] = {"id": "no-conversion", "total_max": 0, "source": "test"}
    with pytest.raises(InfeasibleError) as exc:
        solve_designation(Instance.from_dict(data), backend)
    for rule in ("designation-county", "no-conversion", "new-zones"):
        assert f"`{rule}`" in str(exc.value)


def test_settings_errors_name_the_path() -> None:
    data = small_case()
    data["designation"]["figures"]["industrial_share"]["nowhere"] = 0.1
    data["designation"]["county"] = {"exceptions": {"Z": 2}}
    with pytest.raises(InstanceError) as exc:
        Instance.from_dict(data)
    paths = {i.path for i in exc.value.issues}
    assert {"designation.figures.industrial_share.nowhere", "designation.county.exceptions.Z"} <= paths
    data = small_case()
    data["designation"]["establish"]["criteria"][0]["indicator"] = "no_such_figure"
    with pytest.raises(InstanceError, match="no_such_figure"):
        build_designation_model(Instance.from_dict(data))
    bad = small_case()
    bad["designation"]["establish"]["criteria"].append({"id": "first", "indicator": "score", "min": 0})
    with pytest.raises(InstanceError, match="used twice"):
        Instance.from_dict(bad)


# -- outputs ---------------------------------------------------------------------------------------

def test_plan_writes_json_csv_and_excel(tmp_path: Path) -> None:
    plan = solve_designation(small())
    rec = json.loads(plan.to_json())
    assert rec["summary"]["designated"] == 3 and rec["status"] == "optimal"
    assert {r["zone"] for r in rec["decisions"] if r["decision"] == "designated"} == {"P2", "P3", "P6"}
    assert any(c["id"] == "scale" and c["assumption"] for c in rec["criteria"])
    plan.write(tmp_path / "d.csv")
    csv = pd.read_csv(tmp_path / "d.csv", encoding="utf-8-sig")
    assert len(csv) == len(plan.decisions)
    plan.write(tmp_path / "d.xlsx")
    book = openpyxl.load_workbook(tmp_path / "d.xlsx")
    assert {"summary", "decisions", "years", "counties", "criteria", "bindings"} <= set(book.sheetnames)
    assert "P6" in plan.explain("P6") and "2023" in plan.explain("P6")
    assert plan.explain("Z1") == ""


# -- the plan over years and dynamic management -------------------------------------------------------

def test_designated_zones_get_land_from_their_year() -> None:
    """Each zone asks for 100 mu a year from a 1,000-mu pool: every zone that is a zone gets
    its 100 mu; a candidate from its designation year; a converted zone none from its year."""
    plan = solve_multi_period(Instance.from_dict(small_case(land=True)))
    land = plan.table("land").set_index("zone")[["2021", "2022", "2023"]]
    expected = {"Z1": [100] * 3, "Z2": [0] * 3, "Z3": [100] * 3, "P1": [0] * 3, "P2": [100] * 3,
                "P3": [0, 100, 100], "P4": [0] * 3, "P5": [0] * 3, "P6": [0, 0, 100]}
    for zone, row in expected.items():
        assert land.loc[zone].tolist() == pytest.approx(row), zone
    assert plan.summary.management_applied is False
    unfed = solve_multi_period(Instance.from_dict(small_case(land=True)), designation=False)
    assert unfed.table("land").set_index("zone").loc["P1", "2021"] == pytest.approx(100)


def test_manage_evaluates_designated_zones_from_their_year() -> None:
    data = small_case()
    ids = [z["id"] for z in data["zones"]]
    data["management"] = {"history": {"years": [2021, 2022, 2023], "scores": {z: [70.0, 71.0, 72.0] for z in ids}},
                          "warning": {"id": "low", "below_score": 0.0}}
    result = manage(Instance.from_dict(data))
    d = result.decisions.set_index(["zone", "year"])
    assert d.loc[("P3", 2021), "rank"] != d.loc[("P3", 2021), "rank"]  # NaN: not a zone yet
    assert d.loc[("P3", 2022), "rank"] == 1
    assert np.isnan(d.loc[("P1", 2023), "rank"]) and np.isnan(d.loc[("Z2", 2021), "rank"])
    assert result.years["evaluated"].tolist() == [3 - 1 + 1, 3 - 1 + 2, 3 - 1 + 3]
    plain = manage(Instance.from_dict(data), designation=False)
    assert plain.years["evaluated"].tolist() == [len(ids)] * 3


def test_exclusions_per_year() -> None:
    plan = solve_designation(small())
    ex = {e.year: set(e.zones) for e in plan.exclusions()}
    assert ex == {2021: {"P1", "P3", "P4", "P5", "P6", "Z2"}, 2022: {"P1", "P4", "P5", "P6", "Z2"},
                  2023: {"P1", "P4", "P5", "Z2"}}
    assert all(e.kind == "designation" for e in plan.exclusions())


# -- the bundled example and the command line ---------------------------------------------------

def test_bundled_example_regenerates_and_solves(tmp_path: Path) -> None:
    out = tmp_path / "d.json"
    assert designation_main(["--out", str(out)]) == 0
    assert out.read_bytes() == EXAMPLE.read_bytes()
    inst = load(EXAMPLE)
    assert inst.metadata.synthetic
    plan = solve_designation(inst)
    assert plan.summary.designated >= 35  # 新增省级经开区 35 个以上
    assert_rules_hold(inst, plan)


def test_cli_designate_validate_diagnose_explain(tmp_path: Path) -> None:
    path = tmp_path / "small.json"
    path.write_text(json.dumps(small_case(), ensure_ascii=False), encoding="utf-8")
    code, text, _ = cli("designate", str(path), "--out", str(tmp_path / "p.xlsx"))
    assert code == 0 and "3 of 6 candidate parks designated" in text and (tmp_path / "p.xlsx").exists()
    code, text, _ = cli("validate", str(path))
    assert code == 0 and "designation model" in text
    code, text, _ = cli("diagnose", str(path))
    assert code == 0 and "feasible: no conflict" in text
    code, text, _ = cli("explain", str(path), "P5")
    assert code == 0 and "county D's place goes to P6 (2023)" in text
    code, _, err = cli("explain", str(path), "P55")
    assert code == 2 and "P5" in err
    bad = small_case()
    bad["designation"]["establish"]["count"]["total_min"] = 4
    path.write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    code, text, _ = cli("diagnose", str(path))
    assert code == 3 and "`new-zones`" in text
    code, _, err = cli("designate", str(path))
    assert code == 3 and "`new-zones`" in err


# -- invariants under hypothesis ----------------------------------------------------------------------

def assert_rules_hold(inst: Instance, plan: DesignationPlan) -> None:
    """Re-check a plan from the instance data, not the model: each criterion of each chosen
    zone (figures recomputed here), one zone per county in every year a county takes a new
    one, the counts, and each zone decided at most once."""
    d = inst.designation
    assert d is not None
    zones = {z.id: z for z in inst.zones}
    years = plan.summary.years
    chosen = plan.decisions[plan.decisions["decision"] != ""]
    assert not chosen["zone"].duplicated().any()

    def value(zid: str, name: str, part: list[str]) -> float:
        if name in d.figures:
            return d.figures[name].get(zid, float("nan"))
        z = zones[zid]
        if name == "tax_per_mu":
            return (z.metrics.tax or float("nan")) / z.land_area_mu
        return float(getattr(z.metrics, name, None) or getattr(z, name))

    for part, cfg in (("establish", d.establish), ("upgrade", d.upgrade), ("convert", d.convert)):
        if cfg is None:
            continue
        members = plan.decisions.loc[plan.decisions["part"] == part, "zone"].tolist()
        picked = chosen.loc[chosen["part"] == part]
        for c in cfg.criteria:
            vals = {z: value(z, c.indicator, members) for z in members}
            for z in picked["zone"]:
                v = vals[z]
                assert v == v, (z, c.id)
                assert c.min is None or v >= c.min - 1e-9, (z, c.id, v)
                assert c.max is None or v <= c.max + 1e-9, (z, c.id, v)
                if c.top is not None:
                    assert sum(1 for w in vals.values() if w == w and w > v) < c.top, (z, c.id)
        if cfg.count is not None:
            per_year = picked.groupby("year").size().reindex(years, fill_value=0)
            n = cfg.count
            assert n.total_min is None or len(picked) >= n.total_min
            assert n.total_max is None or len(picked) <= n.total_max
            assert n.per_year_max is None or per_year.max() <= n.per_year_max
    candidates = set(plan.candidates())
    est = chosen[chosen["part"] == "establish"]
    conv = chosen[chosen["part"] == "convert"]
    for county in {z.county for z in inst.zones if z.county is not None}:
        have = sum(1 for z in inst.zones if z.county == county and z.id not in candidates)
        cap = d.county.exceptions.get(county, d.county.cap)
        for y in years:
            new = int(((est["county"] == county) & (est["year"] <= y)).sum())
            gone = int(((conv["county"] == county) & (conv["year"] <= y)).sum())
            if new:
                assert have - gone + new <= cap, (county, y, have, gone, new)


@cache
def _base(seed: int) -> str:
    """A synthetic instance as JSON text, made once per seed (the parks generator takes a
    second or two; hypothesis varies the rules and which parks are candidates)."""
    return json.dumps(synthetic_designation_data(40, seed=seed, target=0), ensure_ascii=False)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2), flip=st.lists(st.integers(0, 39), max_size=8), cap=st.integers(1, 2),
       revenue=st.sampled_from([0.0, 2e5, 5e5, 1e6]), muju=st.floats(0.0, 15.0), share=st.floats(0.0, 0.7),
       per_year=st.integers(1, 6), years=st.integers(1, 4), required=st.booleans())
def test_choices_respect_county_and_criteria(seed: int, flip: list[int], cap: int, revenue: float, muju: float,
                                             share: float, per_year: int, years: int, required: bool) -> None:
    data = json.loads(_base(seed))
    for k in flip:  # a zone becomes a candidate park, or a candidate a provincial zone
        z = data["zones"][k]
        z["level"] = "provincial" if z["level"] == "other" else ("other" if z["level"] == "provincial" else z["level"])
    d = data["designation"]
    d["years"] = list(range(2021, 2021 + years))
    crit = d["establish"]["criteria"]
    crit[0]["min"], crit[1]["min"], crit[2]["min"] = revenue, muju, share
    d["establish"]["count"] = {"id": "n", "per_year_max": per_year}
    d["county"]["cap"] = cap
    d["convert"]["required"] = required
    inst = Instance.from_dict(data)
    plan = solve_designation(inst)
    assert_rules_hold(inst, plan)
    qualifying = plan.decisions[(plan.decisions["part"] == "establish") & plan.decisions["qualifies"]]
    # Every qualifying candidate left out is kept out by its county or the count, by name.
    left = qualifying[qualifying["decision"] == ""]
    assert left["rule"].isin(["one-zone-per-county", "n"]).all(), left[["zone", "rule", "reason"]]
    if required:
        conv = plan.decisions[(plan.decisions["part"] == "convert") & plan.decisions["qualifies"]]
        assert (conv["decision"] == "converted").all()


def test_growth_targets_count_a_zone_from_its_year() -> None:
    """A per-zone growth target of every year: its rows of year t name the zones that are
    zones in t (a candidate from its designation year, a converted zone until the year before)."""
    from zoneopt.models.multi_period import build_multi_period

    data = small_case(land=True)
    data["periods"]["growth"] = [{"id": "tax-growth", "metric": "tax", "rate": 0.0, "per": "zone", "each_year": True}]
    inst = Instance.from_dict(data)
    plan = solve_designation(inst)
    mm = build_multi_period(inst, plan.feed(None, inst.name))
    rows = {row.year: set(mm.model.row_block(row.block).labels) for row in mm.growth}
    assert rows == {2021: {"Z1", "Z3", "P2"}, 2022: {"Z1", "Z3", "P2", "P3"}, 2023: {"Z1", "Z3", "P2", "P3", "P6"}}
    unfed = build_multi_period(inst)
    assert all(len(unfed.model.row_block(r.block).labels) == 9 for r in unfed.growth)
