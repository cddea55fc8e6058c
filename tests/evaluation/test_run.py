"""Evaluations run on instances: presets, missing-data policies, enterprises summed up to zones,
and the wiring of scores and grades into the allocation models."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zoneopt import solve_land
from zoneopt.errors import InconsistentJudgementError, InstanceError, InvalidInputError
from zoneopt.evaluation.indicators import indicator
from zoneopt.evaluation.run import evaluate, evaluated, evaluated_table, zone_metrics_from_enterprises
from zoneopt.instance import Instance

HUANGYAN = {"tax": 24.097, "va_land": 136.16, "va_energy": 2.694, "va_emis": 4929.81, "va_staff": 18.14,
            "rd": 0.0302}


def _zone(zid: str, city: str, area: float, tax: float, va: float, revenue: float, rd: float, energy: float,
          staff: float, so2: float | None = 1.0, **extra: Any) -> dict[str, Any]:
    metrics: dict[str, Any] = {"tax": tax, "value_added": va, "revenue": revenue, "rd_spending": rd,
                               "energy_tce": energy, "employees": staff}
    if so2 is not None:
        metrics["emissions_t"] = {"SO2": so2}
    z = {"id": zid, "city": city, "land_area_mu": area, "metrics": metrics}
    z.update(extra)
    return z


def _zones() -> list[dict[str, Any]]:
    return [
        _zone("a", "P", 100, 2409.7, 13616, 100000, 3020, 5054.2, 750.6, 2.762),
        _zone("b", "P", 200, 2409.7, 13616, 100000, 1510, 10108.4, 1501.2, 5.524),
        _zone("c", "Q", 50, 200, 1000, 50000, 500, 1000, 100, None),
        _zone("d", "Q", 80, 100, 500, 40000, 100, 2000, 200, 1.0),
    ]


def _instance(evaluations: list[dict[str, Any]], zones: list[dict[str, Any]] | None = None,
              money: str = "wan_yuan", **extra: Any) -> Instance:
    data: dict[str, Any] = {"name": "eval", "units": {"money": money}, "zones": zones or _zones(),
                            "evaluations": evaluations}
    data.update(extra)
    return Instance.from_dict(data)


def test_huangyan_preset_is_the_published_formula() -> None:
    """Zone a sits exactly at every 2022 Huangyan benchmark: 亩均税收 2409.7/100 = 24.097,
    亩均增加值 13616/100 = 136.16, 单位能耗增加值 13616/5054.2 = 2.694, 单位排放增加值 13616/2.762
    = 4929.8 (≈ 4929.81), 全员劳动生产率 13616/750.6 = 18.14, R&D 3020/100000 = 0.0302: score
    30+20+20+10+10+10 = 100 (to the rounding of 单位排放增加值). Zone b has twice a's land, energy,
    staff and emissions and half its R&D: 30/2 + 20/2 + 20/2 + 10/2 + 10/2 + 10/2 = 50.
    Zone c reports no emissions: the preset's published rule gives it the mean of that item over
    the units that have it (policy "mean")."""
    inst = _instance([{"id": "hy", "preset": "huangyan-2022"}])
    r = evaluate(inst)
    s = dict(zip(r.table["unit"], r.table["score"], strict=True))
    assert s["a"] == pytest.approx(100.0, abs=1e-3)
    assert s["b"] == pytest.approx(50.0, abs=1e-3)
    emis = r.table.set_index("unit")["单位排放增加值"]
    assert np.isnan(emis["c"])  # the raw value stays missing in the table ...
    assert list(r.missing["unit"]) == ["c"] and "mean" in r.missing["action"].iloc[0]
    mean_item = np.mean([13616 / 2.762, 13616 / 5.524, 500 / 1.0]) / HUANGYAN["va_emis"] * 10
    rest = (200 / 50 / HUANGYAN["tax"] * 30 + 1000 / 50 / HUANGYAN["va_land"] * 20 + 1.0 / HUANGYAN["va_energy"] * 20
            + 10 / HUANGYAN["va_staff"] * 10 + 0.01 / HUANGYAN["rd"] * 10)
    assert s["c"] == pytest.approx(rest + mean_item, rel=1e-9)  # ... and is imputed in the score
    assert r.weights["weight"].sum() == pytest.approx(1.0)


def test_preset_converts_money_to_wan_yuan() -> None:
    """The same zones in yuan (every money figure × 1e4) score the same: the benchmarks are 万元."""
    zones = _zones()
    in_yuan = copy.deepcopy(zones)
    for z in in_yuan:
        for k in ("tax", "value_added", "revenue", "rd_spending"):
            z["metrics"][k] *= 1e4
    a = evaluate(_instance([{"id": "hy", "preset": "huangyan-2022"}], zones)).table["score"]
    b = evaluate(_instance([{"id": "hy", "preset": "huangyan-2022"}], in_yuan, money="yuan")).table["score"]
    np.testing.assert_allclose(a, b, rtol=1e-12)


@pytest.mark.parametrize("policy", ["exclude", "median", "mean", "worst"])
def test_missing_data_policies(policy: str) -> None:
    """Zone c lacks emissions. exclude: c unscored and ungraded, reported; median / mean: the
    median / mean of a, b, d's 单位排放增加值; worst: the smallest (a benefit criterion)."""
    ev = {"id": "e", "criteria": [{"name": "va_per_emission", "of": "value_added", "per": "emissions"},
                                  {"name": "tax_per_mu", "of": "tax_per_mu"}],
          "weighting": {"method": "fixed"}, "missing": policy}
    ev["criteria"][0]["weight"] = 1
    ev["criteria"][1]["weight"] = 1
    r = evaluate(_instance([ev]))
    t = r.table.set_index("unit")
    assert list(r.missing["unit"]) == ["c"] and list(r.missing["criterion"]) == ["va_per_emission"]
    others = np.array([13616 / 2.762, 13616 / 5.524, 500 / 1.0])
    if policy == "exclude":
        assert np.isnan(t.loc["c", "score"]) and pd.isna(t.loc["c", "grade"])
        assert pd.isna(r.zones.set_index("zone").loc["c", "grade"])
        assert t.drop(index="c")["score"].notna().all()
        return
    fill = {"median": np.median(others), "mean": others.mean(), "worst": others.min()}[policy]
    # min-max normalisation: c's imputed value sits where fill sits among a, b, d
    z = (fill - others.min()) / (others.max() - others.min())
    tpm = np.array([24.097, 12.0485, 4.0, 1.25])
    zt = (tpm[2] - tpm.min()) / (tpm.max() - tpm.min())
    assert t.loc["c", "score"] == pytest.approx(100 * (0.5 * z + 0.5 * zt), rel=1e-9)


def test_group_median_imputation_uses_the_group() -> None:
    """impute_within city: c (city Q) gets the median of city Q's units that report, i.e. d's."""
    ev = {"id": "e", "criteria": [{"name": "emis", "of": "value_added", "per": "emissions", "weight": 1}],
          "weighting": {"method": "fixed"}, "missing": "median", "impute_within": "city",
          "normalise": "benchmark"}
    ev["criteria"][0]["benchmark"] = 100.0
    r = evaluate(_instance([ev]))
    t = r.table.set_index("unit")
    assert t.loc["c", "score"] == pytest.approx(100 * (500 / 1.0) / 100.0)


def _firms() -> list[dict[str, Any]]:
    return [
        {"id": "f1", "zone": "a", "land_area_mu": 30, "metrics": {"tax": 300, "revenue": 1000}},
        {"id": "f2", "zone": "a", "land_area_mu": 10, "metrics": {"tax": 50, "revenue": 3000}},
        {"id": "f3", "zone": "b", "land_area_mu": 20, "metrics": {"tax": 100, "revenue": 500}},
        {"id": "f4", "zone": "d", "land_area_mu": 5, "metrics": {"revenue": 100}},
    ]


@pytest.mark.parametrize("zone_score", ["land", "revenue"])
def test_enterprise_scores_sum_up_to_zones(zone_score: str) -> None:
    """Enterprise score = 100 × 亩均税收 / 10 (benchmark 10, weight 1): f1 100, f2 50, f3 50,
    f4 unscored (no tax, policy exclude). Zone a, land-weighted: (30·100 + 10·50)/40 = 87.5;
    revenue-weighted: (1000·100 + 3000·50)/4000 = 62.5. Zone b: 50. Zones c (no firm) and d (its
    only firm unscored) get no score and no grade."""
    ev = {"id": "firms", "units": "enterprises", "zone_score": zone_score, "normalise": "benchmark",
          "criteria": [{"name": "亩均税收", "of": "tax_per_mu", "benchmark": 10, "weight": 1}],
          "weighting": {"method": "fixed"}}
    r = evaluate(_instance([ev], enterprises=_firms()))
    firms = r.table.set_index("unit")["score"]
    assert firms["f1"] == pytest.approx(100) and firms["f2"] == pytest.approx(50) and np.isnan(firms["f4"])
    z = r.zones.set_index("zone")
    assert z.loc["a", "score"] == pytest.approx(87.5 if zone_score == "land" else 62.5)
    assert z.loc["b", "score"] == pytest.approx(50)
    assert np.isnan(z.loc["c", "score"]) and np.isnan(z.loc["d", "score"])
    assert pd.isna(z.loc["c", "grade"]) and z.loc["a", "enterprises"] == 2 and z.loc["d", "scored_enterprises"] == 0
    assert z.loc["a", "rank"] == 1


def test_zone_metrics_from_enterprises_are_sums() -> None:
    inst = _instance([], enterprises=_firms())
    m = zone_metrics_from_enterprises(inst).set_index("zone")
    assert m.loc["a", "tax"] == 350 and m.loc["a", "land_area_mu"] == 40 and m.loc["d", "revenue"] == 100
    assert np.isnan(m.loc["d", "tax"]) and np.isnan(m.loc["c", "land_area_mu"]) and m.loc["c", "enterprises"] == 0


def test_ahp_inconsistent_matrix_is_refused_unless_allowed() -> None:
    crit = [{"name": "t", "of": "tax_per_mu"}, {"name": "v", "of": "value_added_per_mu"},
            {"name": "e", "of": "value_added_per_energy"}]
    bad = [[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]]  # a cycle: t ≫ v ≫ e ≫ t
    ev = {"id": "ahp", "criteria": crit, "weighting": {"method": "ahp", "pairwise": bad}}
    with pytest.raises(InconsistentJudgementError, match="CR"):
        evaluate(_instance([ev]))
    ev["weighting"]["allow_inconsistent"] = True
    r = evaluate(_instance([ev]))
    assert r.ahp is not None and not r.ahp.consistent and r.ahp.cr > 0.1


def test_unknown_metric_names_the_field() -> None:
    ev = {"id": "e", "criteria": [{"name": "x", "of": "profit"}]}
    with pytest.raises(InstanceError, match=r"evaluations\[0\] \(e\)\.criteria\[0\]\.of"):
        evaluate(_instance([ev]))


def test_schema_refuses_bad_evaluations() -> None:
    with pytest.raises(InstanceError, match="give criteria, or a preset"):
        _instance([{"id": "e"}])
    with pytest.raises(InstanceError, match="tax_per_mu.*built-in indicator"):
        _instance([{"id": "tax_per_mu", "preset": "huangyan-2022"}])
    with pytest.raises(InstanceError, match="already assigns"):
        _instance([{"id": "e1", "preset": "huangyan-2022", "assign": ["grade"]},
                   {"id": "e2", "preset": "huangyan-2022", "assign": ["grade"]}])
    with pytest.raises(InstanceError, match="no enterprises"):
        _instance([{"id": "e1", "preset": "huangyan-2022", "units": "enterprises"}])
    with pytest.raises(InstanceError, match="shares must add up to 1"):
        _instance([{"id": "e1", "preset": "huangyan-2022", "grading": {"shares": {"A": 0.5, "B": 0.4}}}])


def _land(evaluations: list[dict[str, Any]], rules: list[dict[str, Any]], objective: dict[str, Any] | None = None,
          zones: list[dict[str, Any]] | None = None) -> Instance:
    zs = zones or _zones()
    for z in zs:
        z["requests"] = {"land_mu": 100}
    return _instance(evaluations, zs, pools={"land": {"total_mu": 150}}, rules=rules,
                     objective=objective or {"kind": "efficiency"})


def test_assigned_grades_feed_exclusion_rules() -> None:
    """The zones carry no grades; the evaluation grades by 亩均税收 with thresholds A ≥ 20,
    B ≥ 10, C ≥ 5: a 24.1 → A, b 12.0 → B, c 4 → D, d 1.25 → D. The exclude-grade-D rule then
    keeps c and d at 0; efficiency (亩均税收) gives a its request 100 and b the other 50."""
    ev = {"id": "muju", "criteria": [{"name": "亩均税收", "of": "tax_per_mu", "weight": 1, "benchmark": 1}],
          "normalise": "benchmark", "weighting": {"method": "fixed"}, "assign": ["grade", "score"],
          "grading": {"method": "threshold", "thresholds": {"A": 2000, "B": 1000, "C": 500}}}
    rules = [{"id": "no-d", "type": "exclude", "select": {"grades": ["D"]}},
             {"id": "cap", "type": "request_cap"}]
    plan = solve_land(_land([ev], rules))
    alloc = plan.allocations.set_index("zone")["allocation_mu"]
    assert alloc.to_dict() == pytest.approx({"a": 100, "b": 50, "c": 0, "d": 0})
    assert list(plan.allocations.set_index("zone").loc[["a", "b", "c", "d"], "grade"]) == ["A", "B", "D", "D"]


def test_a_copy_with_other_evaluations_reads_its_own_assigned_grades() -> None:
    """The evaluated zone table and the evaluation results are made once per instance; a copy
    with the same zones but other evaluations gets its own (grades A, B, D, D above; none when
    no evaluation assigns them), and the original keeps its own."""
    ev = {"id": "muju", "criteria": [{"name": "亩均税收", "of": "tax_per_mu", "weight": 1, "benchmark": 1}],
          "normalise": "benchmark", "weighting": {"method": "fixed"}, "assign": ["grade"],
          "grading": {"method": "threshold", "thresholds": {"A": 2000, "B": 1000, "C": 500}}}
    inst = _instance([ev])
    assert list(evaluated_table(inst).frame["grade"]) == ["A", "B", "D", "D"]
    assert evaluated(inst, "muju") is evaluated(inst, "muju")
    plain = inst.model_copy(update={"evaluations": ()})
    assert plain.zones is inst.zones
    assert list(evaluated_table(plain).frame["grade"]) == [None] * 4
    ungraded = inst.model_copy(update={"evaluations": (inst.evaluations[0].model_copy(update={"assign": ()}),)})
    assert list(evaluated_table(ungraded).frame["grade"]) == [None] * 4
    assert list(evaluated_table(inst).frame["grade"]) == ["A", "B", "D", "D"]


def test_objective_weight_can_name_an_evaluation() -> None:
    """Weight = the evaluation's score (100 × R&D intensity / 0.0302): a 100, b 50, c 33.1,
    d 8.3. With caps of 100 per zone and 150 mu: a 100, b 50. By 亩均税收 the same here, so
    also check the weights themselves and their unit."""
    ev = {"id": "rd", "criteria": [{"name": "rd", "of": "rd_intensity", "benchmark": 0.0302, "weight": 1}],
          "normalise": "benchmark", "weighting": {"method": "fixed"}}
    inst = _land([ev], [{"id": "cap", "type": "request_cap"}], {"kind": "efficiency", "weight": "rd"})
    w = indicator(inst, "rd", field="objective.weight")
    np.testing.assert_allclose(w, 100 * np.array([0.0302, 0.0151, 0.01, 0.0025]) / 0.0302)
    plan = solve_land(inst)
    assert plan.summary.objective == pytest.approx(100 * 100 + 50 * 50)
    assert "points" in plan.summary.objective_unit
    g = indicator(inst, "rd.grade")
    assert set(np.unique(g)) <= {1.0, 2.0, 3.0, 4.0}


def test_unknown_evaluation_name_lists_the_choices() -> None:
    inst = _land([{"id": "hy", "preset": "huangyan-2022"}], [], {"kind": "efficiency", "weight": "hx"})
    with pytest.raises(InstanceError, match=r"objective\.weight.*hy\.grade"):
        solve_land(inst)


def test_evaluation_runs_once_per_instance() -> None:
    inst = _instance([{"id": "hy", "preset": "huangyan-2022"}])
    assert evaluated(inst, "hy") is evaluated(inst, "hy")


def test_several_evaluations_need_a_name() -> None:
    inst = _instance([{"id": "a1", "preset": "huangyan-2022"}, {"id": "a2", "preset": "huangyan-2022"}])
    with pytest.raises(InvalidInputError, match="a1, a2"):
        evaluate(inst)


@settings(max_examples=25, deadline=None)
@given(perm=st.permutations(range(4)),
       method=st.sampled_from(["weighted_sum", "topsis"]),
       weighting=st.sampled_from(["entropy", "critic", "stdev"]))
def test_scores_and_grades_follow_the_zones_not_their_order(perm: list[int], method: str, weighting: str) -> None:
    ev = {"id": "e", "method": method, "weighting": {"method": weighting},
          "criteria": [{"name": "t", "of": "tax_per_mu"}, {"name": "v", "of": "value_added_per_energy"},
                       {"name": "s", "of": "employees", "direction": "cost"}]}
    zones = _zones()
    a = evaluate(_instance([ev], zones)).table.set_index("unit")
    b = evaluate(_instance([ev], [zones[k] for k in perm])).table.set_index("unit")
    np.testing.assert_allclose(a["score"], b.loc[a.index, "score"], rtol=1e-12)
    assert list(a["grade"]) == list(b.loc[a.index, "grade"])


@settings(max_examples=20, deadline=None)
@given(method=st.sampled_from(["weighted_sum", "topsis"]), weighting=st.sampled_from(["entropy", "critic", "stdev"]))
def test_money_unit_does_not_change_scale_free_scores(method: str, weighting: str) -> None:
    """Min-max and vector normalisation and the objective weights are scale free: stating every
    money figure in yuan instead of 万元 leaves scores unchanged."""
    ev = {"id": "e", "method": method, "weighting": {"method": weighting},
          "criteria": [{"name": "t", "of": "tax_per_mu"}, {"name": "v", "of": "value_added_per_energy"}]}
    zones = _zones()
    in_yuan = copy.deepcopy(zones)
    for z in in_yuan:
        for k in ("tax", "value_added", "revenue", "rd_spending"):
            z["metrics"][k] *= 1e4
    a = evaluate(_instance([ev], zones)).table["score"]
    b = evaluate(_instance([ev], in_yuan, money="yuan")).table["score"]
    np.testing.assert_allclose(a, b, rtol=1e-9)


def test_grade_shares_apply_best_grade_first_whatever_their_order() -> None:
    """Shares listed D first still give A to the best quarter: 亩均税收 a 24.1 > b 12.0 > c 4 > d 1.25."""
    ev = {"id": "e", "criteria": [{"name": "t", "of": "tax_per_mu", "weight": 1}], "weighting": {"method": "fixed"},
          "grading": {"shares": {"D": 0.25, "C": 0.25, "B": 0.25, "A": 0.25}}}
    r = evaluate(_instance([ev]))
    assert list(r.table["grade"]) == ["A", "B", "C", "D"]


def test_dea_evaluation_is_the_ratio_to_the_best_with_one_input_and_output() -> None:
    """One input (land) and one output (tax): CCR efficiency is 亩均税收 over the best 亩均税收
    (a 24.097 is best; b 12.0485 → 0.5; c 4 → 0.166; d 1.25 → 0.0519). a's super-efficiency is
    its ratio to the best of the others, 24.097 / 12.0485 = 2, and it ranks first; the peers
    of every other zone are {a} (a's own reference set is itself)."""
    ev = {"id": "dea", "method": "dea", "dea": {"inputs": ["land_area_mu"], "outputs": ["tax"]}}
    r = evaluate(_instance([ev]))
    t = r.table.set_index("unit")
    np.testing.assert_allclose(t["efficiency"], [1.0, 0.5, 4 / 24.097, 1.25 / 24.097], rtol=1e-7)
    assert t.loc["a", "score"] == pytest.approx(2.0, rel=1e-7) and t.loc["a", "rank"] == 1
    assert list(t["peers"]) == ["a", "a", "a", "a"]
    # 4 units, default shares: cuts at round(0.8) = 1, round(2.4) = 2, round(3.8) = 4 → A B C C
    assert list(t["grade"]) == ["A", "B", "C", "C"]
    inst = _land([ev], [{"id": "cap", "type": "request_cap"}], {"kind": "efficiency", "weight": "dea"})
    plan = solve_land(inst)
    assert plan.allocations.set_index("zone").loc["a", "allocation_mu"] == pytest.approx(100)
    assert "efficiency" in plan.summary.objective_unit


def test_sbm_with_emissions_as_bad_outputs_runs_through_an_instance() -> None:
    """SBM with SO2 as an undesirable output (zone c reports none: unscored under exclude):
    scores in (0, 1], at least one efficient zone, and a zone with a better ratio on every
    dimension is efficient."""
    ev = {"id": "sbm", "method": "dea", "dea": {"model": "sbm", "inputs": ["land_area_mu", "energy_tce"],
                                                "outputs": ["value_added"], "bad_outputs": ["emissions.SO2"]}}
    r = evaluate(_instance([ev]))
    t = r.table.set_index("unit")
    assert np.isnan(t.loc["c", "score"]) and list(r.missing["unit"]) == ["c"]
    s = t["score"].drop(index="c")
    assert ((s > 0) & (s <= 1 + 1e-9)).all() and (s > 1 - 1e-7).any()


@pytest.mark.parametrize("how", ["minmax", "vector", "zscore"])
def test_topsis_in_an_instance_honours_normalise(how: str) -> None:
    """The instance's ``normalise`` is the one TOPSIS uses: the scores are topsis() of the same
    matrix with that normalisation, and each normalisation scales the columns differently, so
    each gives other scores (they were all vector-normalised before)."""
    from zoneopt.evaluation.aggregate import topsis

    crit = [{"name": "tax_per_mu", "of": "tax", "per": "land_area_mu"},
            {"name": "energy_per_va", "of": "energy_tce", "per": "value_added", "direction": "cost"}]

    def result(normalise: str) -> Any:
        ev = {"id": "t", "method": "topsis", "normalise": normalise, "weighting": {"method": "fixed"},
              "criteria": [dict(c, weight=w) for c, w in zip(crit, (0.7, 0.3), strict=True)]}
        return evaluate(_instance([ev])).table

    def scores(normalise: str) -> np.ndarray:
        return result(normalise)["score"].to_numpy()

    table = result(how)
    X = table[["tax_per_mu", "energy_per_va"]].to_numpy()  # the criteria as the evaluation read them
    np.testing.assert_allclose(table["score"], topsis(X, [0.7, 0.3], np.array([True, False]), how).closeness,
                               rtol=1e-12)
    distinct = [scores(m)[1] for m in ("minmax", "vector", "zscore")]
    assert len({round(v, 6) for v in distinct}) == 3


def test_ahp_random_index_is_a_setting() -> None:
    ev = {"id": "a", "method": "weighted_sum", "criteria": [{"name": "t", "of": "tax"}, {"name": "r", "of": "revenue"},
                                                            {"name": "v", "of": "value_added"}],
          "weighting": {"method": "ahp", "pairwise": [[1, 3, 5], [1 / 3, 1, 2], [1 / 5, 1 / 2, 1]]}}
    assert evaluate(_instance([ev])).ahp.ri == 0.58  # Saaty 1980 unless told otherwise
    ev["weighting"]["random_index"] = "alonso-lamata2006"
    assert evaluate(_instance([ev])).ahp.ri == 0.5245
    ev["weighting"]["random_index"] = "tummala-ling"
    with pytest.raises(InstanceError, match="random_index"):
        _instance([ev])


def test_instance_and_library_name_the_same_random_index_tables() -> None:
    from typing import get_args

    from zoneopt.evaluation.weights import RANDOM_INDEX, RandomIndex
    from zoneopt.instance.evaluation import Weighting

    assert set(get_args(RandomIndex)) == set(RANDOM_INDEX)
    annotation = Weighting.model_fields["random_index"].annotation  # Literal[...] | None
    assert {name for arg in get_args(annotation) for name in get_args(arg)} == set(RANDOM_INDEX)


def test_the_package_exports_its_dea_api_without_loading_it() -> None:
    """``from zoneopt.evaluation import dea, sbm, DEAResult, SBMResult`` works; importing the
    package does not load the LP machinery (scipy, the solvers) until one is used."""
    from fresh_process import heavy_after

    import zoneopt.evaluation as ev
    from zoneopt.evaluation.dea_radial import dea
    from zoneopt.evaluation.dea_results import DEAResult, SBMResult
    from zoneopt.evaluation.dea_sbm import sbm

    assert (ev.dea, ev.sbm, ev.DEAResult, ev.SBMResult) == (dea, sbm, DEAResult, SBMResult)
    assert {"dea", "sbm", "DEAResult", "SBMResult"} <= set(ev.__all__)
    assert heavy_after("import zoneopt.evaluation", ("scipy", "highspy", "ortools", "pulp")) == []
    r = ev.dea(np.array([[1.0], [2.0]]), np.array([[1.0], [1.0]]))
    assert isinstance(r, ev.DEAResult)
