"""The land plan over years: stacking core models, hand-checked small plans (carry-over, ramps,
growth targets, cumulative rules, discounting, land returned by dynamic management),
agreement across MIP backends, infeasibility in rule terms, output files and the CLI."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from cli_runner import run as run_cli
from land_cases import SMALL, small4, zone

from zoneopt import Instance, solve_land
from zoneopt.core import ModelBuilder, solve
from zoneopt.core.stack import stack
from zoneopt.errors import InfeasibleError, InstanceError, ModelError
from zoneopt.models.multi_period import build_multi_period, solve_multi_period
from zoneopt.models.tracks import with_smoothing, year_pools

MIP_BACKENDS = ("highs", "pulp-cbc", "ortools-scip")


def unsmoothed(data: dict[str, Any] | Instance) -> Instance:
    """The instance without the default smoothing penalty: the hand-checked cases below are of
    the other rules (smoothing has its own, in test_smoothing.py)."""
    return with_smoothing(data if isinstance(data, Instance) else Instance.from_dict(data), 0.0)


def plan(data: dict[str, Any], backend: str = "highs", **kw: Any) -> Any:
    return solve_multi_period(unsmoothed(data), backend, **kw)


def two_zone(weights: tuple[float, float], requests: tuple[float, float], years: list[int],
             **periods: Any) -> dict[str, Any]:
    """Zones a, b of 100 mu each, tax = weight × 100 (so 亩均税收 = weight), request caps."""
    return {
        "name": "two-zone",
        "zones": [zone("a", "P", 100, weights[0] * 100, request=requests[0]),
                  zone("b", "Q", 100, weights[1] * 100, request=requests[1])],
        "pools": {"land": {"total_mu": 100}},
        "rules": [{"id": "req", "type": "request_cap", "source": "2017 §六(一)"}],
        "periods": {"years": years, **periods},
    }


# -- stacking ---------------------------------------------------------------------------------

def _tiny(name: str, cap: float, price: float, sense: str = "max") -> Any:
    b = ModelBuilder(name, sense)  # type: ignore[arg-type]
    b.add_vars("x", 2, ub=10.0, obj=[price, 1.0], labels=["p", "q"])
    b.add_rows("cap", sp.csr_matrix(np.ones((1, 2))), ub=cap, rule="cap", source="§1", labels=["total"])
    return b.build()


def test_stack_renames_blocks_and_sums_objectives() -> None:
    m1, m2 = _tiny("one", 4.0, 3.0), _tiny("two", 6.0, 2.0)
    b, offsets = stack([m1, m2], ["@1", "@2"], name="both", weights=[1.0, 0.5])
    m = b.build()
    assert offsets == [0, 2]
    assert [v.name for v in m.var_blocks] == ["x@1", "x@2"] and m.var_blocks[1].labels == ("p", "q")
    assert [(r.name, r.rule, r.source) for r in m.row_blocks] == [("cap@1", "cap@1", "§1"), ("cap@2", "cap@2", "§1")]
    sol = solve(m)
    # Each part on its own: 4·3 = 12 and 6·2 = 12; weighted 12 + 0.5·12 = 18.
    assert sol.objective == pytest.approx(18.0)
    assert sol.x is not None and sol.x.tolist() == pytest.approx([4, 0, 6, 0])
    # A model of the other sense enters with its objective negated: min −3p + q (p + q ≤ 4) has
    # its optimum −12 at p = 4, which counts +12 in the max; rule ids stay without rule_suffix.
    b2, _ = stack([m1, _tiny("min", 4.0, -3.0, "min")], ["@a", "@b"], rule_suffix=False)
    m2s = b2.build()
    assert [r.rule for r in m2s.row_blocks] == ["cap", "cap"]
    assert solve(m2s).objective == pytest.approx(12.0 + 12.0)
    b3, _ = stack([m1, m2], ["@1", "@2"], keep_rows=lambda r: r.name != "cap")
    m3 = b3.build()
    assert m3.num_rows == 0 and solve(m3).objective == pytest.approx(30 + 10 + 20 + 10)
    with pytest.raises(ModelError, match="suffixes must differ"):
        stack([m1, m2], ["@1", "@1"])


# -- identical years ---------------------------------------------------------------------------

@pytest.mark.parametrize("kind, single", [("efficiency", 34000.0), ("equity", 5 / 6), ("baseline", 200.0)])
def test_identical_years_repeat_the_single_year_plan(kind: str, single: float) -> None:
    """small-4 (tests/land_cases.py: efficiency 34,000 万元/yr, equity 5/6, baseline 200 mu) with
    the default periods (2021–2025, the same pool every year, no carry-over): five times the
    single-year optimum, and the single-year allocation every year."""
    data = small4()
    data["objective"] = {"kind": kind}
    p = plan(data)
    assert p.summary.years == [2021, 2022, 2023, 2024, 2025]
    assert p.objective == pytest.approx(5 * single, rel=1e-7)
    one = solve_land(Instance.from_dict(data)).allocation()
    for year in p.summary.years:
        assert p.allocation(year).to_numpy() == pytest.approx(one.to_numpy(), abs=1e-6)
    if kind == "equity":  # the tie-break: the single-year expected tax, five times
        tie = solve_land(Instance.from_dict(data)).summary.secondary_objective
        assert tie is not None and p.summary.secondary_objective == pytest.approx(5 * tie, rel=1e-7)


def test_discounting() -> None:
    """Identical years, discount 10 %/yr: 34,000 × Σ_{k<5} 1.1^−k."""
    data = small4()
    data["periods"] = {"discount_rate": 0.1}
    p = plan(data)
    assert p.objective == pytest.approx(34000 * sum(1.1 ** -k for k in range(5)))
    assert p.objectives["objective"].tolist() == pytest.approx([34000.0] * 5)


# -- carry-over -------------------------------------------------------------------------------

@pytest.mark.parametrize("carry, objective", [(0.0, 2500.0), (0.5, 2500.0), (0.6, 2500 + 250 / 3), (1.0, 2750.0)])
def test_carry_over(carry: float, objective: float) -> None:
    """a earns 10/mu, b 5/mu; a asks 100 mu a year, b 1,000. Pools 300 and 50 mu.

    No carry-over: 2021 a 100, b 200; 2022 a 50: 1,000 + 1,000 + 500 = 2,500.
    Carry share c: keeping u mu unused in 2021 costs 5u (b's land) and gives c·u in 2022 to a,
    worth 10·c·u, up to a's 50 missing mu. Worth it iff 10c > 5: c = 1 carries 50 (2,750);
    c = 0.6 carries 50/0.6 = 83.3 (2,500 − 416.7 + 500 = 2,583.3); c = 0.5 is a tie (2,500).
    """
    data = two_zone((10, 5), (100, 1000), [2021, 2022], total_mu=350, split=[6 / 7, 1 / 7], carry_over=carry)
    p = plan(data)
    assert p.objective == pytest.approx(objective, rel=1e-7)
    y = p.years.set_index("year")
    assert y["pool"].tolist() == pytest.approx([300, 50])
    assert p.pool("land").allocated <= 350 + 1e-6
    if carry in (0.6, 1.0):
        u = 50 / carry
        assert y.loc[2021, "unused"] == pytest.approx(u)
        assert y.loc[2022, "carried_in"] == pytest.approx(50)
        assert y.loc[2021, "lapsed"] == pytest.approx((1 - carry) * u)
        assert p.allocation(2022)["a"] == pytest.approx(100)


def test_year_pools_and_per_year_rules() -> None:
    """Pools from by_year, a split total, or pools.land; a year's own rule replaces the base
    rule of that id and a dropped rule is gone that year: in 2022 a's request cap is lifted and
    a cap of 30 mu on a holds instead, so a gets 30 and b 70 (10·30 + 5·70 = 650); 2021 and
    2023 repeat the base plan (a 20, b 80: 200 + 400 = 600)."""
    data = two_zone((10, 5), (20, 1000), [2021, 2022, 2023],
                    by_year=[{"year": 2022, "rules": [{"id": "cap-a", "type": "zone_bounds",
                                                      "select": {"zones": ["a"]}, "cap_mu": 30}],
                              "drop_rules": ["req"]}])
    inst = Instance.from_dict(data)
    assert inst.periods is not None
    assert year_pools(inst, inst.periods) == {2021: 100.0, 2022: 100.0, 2023: 100.0}
    p = solve_multi_period(unsmoothed(inst))
    assert p.objectives["objective"].tolist() == pytest.approx([600, 650, 600])
    assert p.allocation(2022).to_dict() == pytest.approx({"a": 30, "b": 70})
    data2 = copy.deepcopy(data)
    data2["periods"].update(total_mu=300, split=[0.2, 0.3, 0.5],
                            by_year=[{"year": 2023, "total_mu": 10, "additions_mu": 5}])
    inst2 = Instance.from_dict(data2)
    assert inst2.periods is not None
    assert year_pools(inst2, inst2.periods) == pytest.approx({2021: 60.0, 2022: 90.0, 2023: 10.0})
    p2 = solve_multi_period(unsmoothed(inst2))
    assert p2.years["available"].tolist() == pytest.approx([60, 90, 15])
    assert p2.pool("land").additions == pytest.approx(5)


# -- ramps ------------------------------------------------------------------------------------

def test_ramp_on_previous_allocation() -> None:
    """a earns 10/mu, b 1/mu, both ask 1,000 mu; pools 100, 400, 400. a's land may change by at
    most 50 % a year and was 100 mu the year before the plan: a ≤ 150, then ≤ 1.5 × a's previous
    year. 2021: a 100 (the pool); 2022: a 150, b 250; 2023: a 225, b 175. Objective 10·475 +
    1·425 = 5,175 万元."""
    data = two_zone((10, 1), (1000, 1000), [2021, 2022, 2023], total_mu=900, split=[1 / 9, 4 / 9, 4 / 9],
                    ramps=[{"id": "smooth", "share": 0.5, "select": {"zones": ["a"]}, "previous_mu": {"a": 100},
                            "source": "2022 第八章第二节"}])
    p = plan(data)
    assert p.objective == pytest.approx(5175.0, rel=1e-7)
    t = p.table().set_index("zone")
    assert t.loc["a", ["2021", "2022", "2023"]].tolist() == pytest.approx([100, 150, 225])
    bound = p.bindings[p.bindings["rule"] == "smooth@2023"]
    assert len(bound) == 1 and bound["side"].iloc[0] == "upper"
    # Each extra mu on a's 2023 ramp is worth 10 − 1 = 9 万元 (it displaces b's land).
    assert bound["shadow_price"].iloc[0] == pytest.approx(9.0)


def test_ramp_of_request_both_ways() -> None:
    """A ramp of 10 % of the request on both zones (each asks 1,000: ±100 mu a year) with pools
    500 then 0 (an empty year: nothing is carried over, so nothing can be allocated in 2022).
    x_2021 ≤ x_2022 + 100 = 100 for each zone: a 100, b 100, 300 mu unused: 1,000 + 500 = 1,500."""
    data = two_zone((10, 5), (1000, 1000), [2021, 2022], total_mu=500, split=[1.0, 0.0],
                    ramps=[{"id": "r", "share": 0.1, "of": "request"}])
    p = plan(data)
    assert p.objective == pytest.approx(1500.0, rel=1e-7)
    assert p.allocation(2021).to_dict() == pytest.approx({"a": 100, "b": 100})
    assert p.years["unused"].tolist() == pytest.approx([300, 0]) and p.pool("land").lapsed == pytest.approx(300)
    # Without the ramp's fall limit the whole 500 mu go in 2021: a 500 (it asks 1,000).
    data["periods"]["ramps"][0]["direction"] = "up"
    assert plan(data).objective == pytest.approx(5000.0)


# -- growth targets ---------------------------------------------------------------------------

def growth_case(**target: Any) -> dict[str, Any]:
    """a: value added 1,000, 亩均税收 10; b: 亩均税收 90; pools 100 mu in 2021 and 2022 (base
    year 2020). Each mu a gets adds 20 to its value added from the next year (lag 1)."""
    data = two_zone((10, 90), (1000, 1000), [2021, 2022],
                    effects=[{"metric": "value_added", "per_mu": 20, "lag": target.pop("lag", 1),
                              "organic_growth": target.pop("organic", 0.0)}],
                    growth=[{"id": "va-a", "metric": "value_added", "rate": 0.1, "select": {"zones": ["a"]},
                             "source": "2022 专栏一", **target}])
    data["zones"][0]["metrics"]["value_added"] = 1000.0
    return data


@pytest.mark.parametrize("organic, need", [(0.0, 210.0), (0.05, 1210 - 1102.5)])
def test_growth_target_forces_land(organic: float, need: float) -> None:
    """a's value added must grow 10 %/yr on average: 1,000 × 1.1² = 1,210 in 2022; organic
    growth g gives 1,000 (1+g)² without land, and only 2021 land counts by 2022 (lag 1):
    20 x_{a,2021} ≥ 1,210 − 1,000 (1+g)². The rest goes to b (90/mu):
    90 × (200 − x) + 10 x."""
    p = plan(growth_case(organic=organic))
    x = need / 20
    assert p.allocation(2021)["a"] == pytest.approx(x)
    assert p.allocation(2022)["a"] == pytest.approx(0, abs=1e-7)
    assert p.objective == pytest.approx(90 * (200 - x) + 10 * x, rel=1e-7)
    (t,) = p.targets.itertuples()
    assert t.rule == "va-a@2022" and t.required == pytest.approx(1210) and t.slack == pytest.approx(0, abs=1e-6)
    assert t.achieved_rate == pytest.approx(0.1)
    binding = p.bindings.set_index("rule").loc["va-a@2022"]
    # One more 万元 of required value added costs 80/20 = 4 万元 of tax: a price of −4.
    assert binding["shadow_price"] == pytest.approx(-4.0)


def test_growth_each_year_and_lag() -> None:
    """With every year's level bounded and lag 0: 2021 needs 20 x_{a,21} ≥ 100, 2022
    20 (x_{a,21} + x_{a,22}) ≥ 210; the same land in all, 10.5 mu. With lag 1 the 2021 level
    cannot move: the target is refused with its id and year."""
    p = plan(growth_case(each_year=True, lag=0))
    assert p.allocation(2021)["a"] + p.allocation(2022)["a"] == pytest.approx(10.5)
    assert p.allocation(2021)["a"] >= 5 - 1e-7
    assert len(p.targets) == 2
    with pytest.raises(InfeasibleError, match=r"growth target `va-a@2021` \(2022 专栏一\) cannot hold"):
        plan(growth_case(each_year=True, lag=1))


def test_growth_per_zone_and_missing_metric() -> None:
    data = growth_case(per="zone", select={})
    with pytest.raises(InstanceError, match=r"zones\[1\]\.metrics\.value_added: zone 'b' has no value_added"):
        plan(data)
    data["zones"][1]["metrics"]["value_added"] = 500.0
    p = plan(data)  # b needs 105 more by 2022: 5.25 mu in 2021 (b earns more anyway)
    assert list(p.targets["scope"]) == ["a", "b"]
    assert p.allocation(2021)["a"] == pytest.approx(10.5)


# -- cumulative rules -------------------------------------------------------------------------

def test_cumulative_cap_and_floor() -> None:
    """a 10/mu (asks 50 a year), b 5/mu, c 1/mu; 100 mu a year for two years. b gets at most 60
    mu over both years (a cumulative cap): a 100, b 60, c 40: 1,000 + 300 + 40 = 1,340. Add a
    cumulative floor of 150 mu for c: 50 mu are left, for a: 500 + 150 = 650."""
    zones = [zone("a", "P", 100, 1000, request=50), zone("b", "P", 100, 500), zone("c", "Q", 100, 100)]
    data = {"name": "cum", "zones": zones, "pools": {"land": {"total_mu": 100}},
            "rules": [{"id": "req", "type": "request_cap", "missing": "unlimited"}],
            "periods": {"years": [2021, 2022],
                        "cumulative_rules": [{"id": "b-5yr", "type": "zone_bounds", "select": {"zones": ["b"]},
                                              "cap_mu": 60, "source": "2022 第二章第四节"}]}}
    p = plan(data)
    assert p.objective == pytest.approx(1340.0)
    assert p.table().set_index("zone")["total"].to_dict() == pytest.approx({"a": 100, "b": 60, "c": 40})
    assert "b-5yr" in set(p.bindings["rule"])
    data["periods"]["cumulative_rules"].append({"id": "c-floor", "type": "zone_bounds", "select": {"zones": ["c"]},
                                                "floor_mu": 150})
    assert plan(data).objective == pytest.approx(650.0)


# -- management feeds the plan ----------------------------------------------------------------

def test_management_returns_land_and_excludes_revoked_zones() -> None:
    """Zone d earns most per mu (50) but was warned in 2019–2021: reduced after 2020 (20 % of its
    1,000 mu: 200 mu back in 2021), revoked after 2021 (half of 800: 400 mu back in 2022).
    The plan (2021–2022, pools 100 mu, a 10/mu with no cap) gives d all of 2021's 300 mu
    (100 + 200 returned) and nothing from 2022; a takes 2022's 500 mu:
    50·300 + 10·500 = 20,000. Without management: d takes 100 a year (10,000)."""
    data = {
        "name": "managed",
        "zones": [zone("a", "P", 100, 1000), zone("d", "Q", 1000, 50000)],
        "pools": {"land": {"total_mu": 100}},
        "periods": {"years": [2021, 2022]},
        "management": {"history": {"years": [2019, 2020, 2021], "scores": {"a": [90, 90, 90], "d": [10, 10, 10]}},
                       "warning": {"id": "warn", "bottom_rank": 1},
                       "reduction": {"id": "shrink", "after_years": 2, "share": 0.2},
                       "revocation": {"id": "revoke", "after_years": 3, "freed_share": 0.5}},
    }
    p = plan(data)
    assert p.summary.management_applied
    assert p.years["additions"].tolist() == pytest.approx([200, 400])
    assert p.allocation(2021).to_dict() == pytest.approx({"a": 0, "d": 300})
    assert p.allocation(2022).to_dict() == pytest.approx({"a": 500, "d": 0})
    assert p.objective == pytest.approx(20000.0)
    assert "revoke@2022" in set(p.bindings["rule"])
    assert plan(data, management=False).objective == pytest.approx(10000.0)
    data["periods"]["reclaim"] = False
    assert not plan(data).summary.management_applied
    # A lock on the revoked zone conflicts with the revocation: named with its year.
    data["periods"]["reclaim"] = True
    data["rules"] = [{"id": "lock-d", "type": "lock", "values_mu": {"d": 50}, "source": "2022 第二章"}]
    with pytest.raises(InfeasibleError, match=r"lock-d@2022.*revoke@2022|revoke@2022.*lock-d@2022"):
        plan(data)


# -- infeasibility, MIPs, output, CLI ---------------------------------------------------------

def test_infeasible_cumulative_floor_names_rules() -> None:
    data = two_zone((10, 5), (1000, 1000), [2021, 2022],
                    cumulative_rules=[{"id": "b-floor", "type": "zone_bounds", "select": {"zones": ["b"]},
                                       "floor_mu": 250, "source": "test"}])
    with pytest.raises(InfeasibleError, match=r"b-floor.*short by 50 mu") as exc:
        plan(data)
    assert "land-total@2021" in str(exc.value) and "land-total@2022" in str(exc.value)


@pytest.mark.parametrize("backend", MIP_BACKENDS)
def test_parcels_over_years_agree_across_mip_backends(backend: str) -> None:
    """small-4 in parcels of 150 mu (single year 31,500: tests/land_cases.py), pools 1,000 a year
    with full carry-over over three years: 3,000 mu hold 20 parcels; a takes 2 a year, b 3,
    and c 1, 2, 2 — the fourth parcel of c uses the 50 mu left each year, carried: 3 × 31,500 +
    2 × 150 × 20 = 100,500 (900, 1,050 and 1,050 mu a year). HiGHS, CBC and SCIP agree."""
    data = small4()
    data["pools"] = {"land": {"total_mu": 1000, "parcel_mu": 150}}
    data["periods"] = {"years": [2021, 2022, 2023], "carry_over": 1.0}
    p = plan(data, backend)
    assert p.objective == pytest.approx(100500.0, rel=1e-9)
    assert p.pool("land").allocated == pytest.approx(3000.0) and p.pool("land").unused_end == pytest.approx(0.0)
    assert p.years["allocated"].tolist() == pytest.approx([900, 1050, 1050])
    assert p.table().set_index("zone")["total"].to_dict()["c"] == pytest.approx(750.0)


def test_growth_and_ramp_mip_agree() -> None:
    data = growth_case()
    data["pools"]["land"]["parcel_mu"] = 1.0
    data["periods"]["ramps"] = [{"id": "r", "share": 0.5, "of": "request", "plus_mu": 5}]
    values = [plan(data, b).objective for b in MIP_BACKENDS]
    assert values == pytest.approx([values[0]] * 3, rel=1e-9)
    # Whole mu: a needs ceil(10.5) = 11 mu in 2021.
    assert values[0] == pytest.approx(90 * (200 - 11) + 10 * 11)


@pytest.mark.parametrize("suffix", [".json", ".csv", ".xlsx"])
def test_output_files(tmp_path: Path, suffix: str) -> None:
    p = plan(growth_case())
    target = tmp_path / f"years{suffix}"
    p.write(target)
    assert target.exists() and not list(tmp_path.glob(".*.tmp"))
    if suffix == ".json":
        rec = json.loads(target.read_text(encoding="utf-8"))
        assert rec["status"] == "optimal" and rec["objective"] == pytest.approx(p.objective)
        assert rec["allocations"][0]["2021"] == pytest.approx(10.5) and len(rec["cells"]) == 4
        assert rec["targets"][0]["rule"] == "va-a@2022"
    elif suffix == ".csv":
        frame = pd.read_csv(target, encoding="utf-8-sig")
        assert list(frame.columns) == ["track", "unit", "zone", "name", "city", "2021", "2022", "total", "change"]
        assert frame["track"].tolist() == ["land", "land"] and frame["2021"].tolist() == pytest.approx([10.5, 89.5])


def test_no_land_pool_and_model_size() -> None:
    with pytest.raises(InstanceError, match="pools.land"):
        build_multi_period(Instance.from_dict({"name": "x", "zones": [zone("a", "P", 1, 1)]}))
    mm = build_multi_period(Instance.from_dict(small4()))
    single = solve_land(Instance.from_dict(small4()))
    assert mm.model.num_vars == 5 * 4 + 5 + 4 * 4  # x per year, u_t, and the change d after the first year
    assert build_multi_period(unsmoothed(small4())).model.num_vars == 5 * 4 + 5
    assert {r.rule for r in mm.model.row_blocks} >= {"req@2021", "land-total@2025", "q-floor@2023"}
    assert single.objective == pytest.approx(34000)


def test_cli_plan_years(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli("plan-years", str(SMALL), "--out", str(tmp_path / "p.xlsx"))
    assert code == 0, err
    assert "SYNTHETIC" in out and "objective land (efficiency): 170,000.0 wan yuan/yr" in out and "2021–2025" in out
    assert "smoothing: penalty on year-to-year change λ = 0.15 (the default" in out
    assert (tmp_path / "p.xlsx").exists()
    bad = tmp_path / "bad.json"
    data = two_zone((10, 5), (1000, 1000), [2021, 2022],
                    cumulative_rules=[{"id": "b-floor", "type": "zone_bounds", "select": {"zones": ["b"]},
                                       "floor_mu": 250}])
    bad.write_text(json.dumps(data), encoding="utf-8")
    code, _, err = run_cli("plan-years", str(bad))
    assert code == 3 and "b-floor" in err
    code, _, err = run_cli("plan-years", str(tmp_path / "missing.json"))
    assert code == 2
    code, _, _ = run_cli("plan-years", "--help")  # argparse prints help to sys.stdout
    assert code == 0 and "3 infeasible" in capsys.readouterr().out


def test_cli_manage(tmp_path: Path) -> None:
    from test_dynamic import history_case

    path = tmp_path / "h.json"
    path.write_text(json.dumps(history_case()), encoding="utf-8")
    code, out, err = run_cli("manage", str(path), "--out", str(tmp_path / "d.json"))
    assert code == 0, err
    assert "warning; revocation" in out and "2022: 400.0 mu" in out
    assert json.loads((tmp_path / "d.json").read_text(encoding="utf-8"))["status"] == "decided"
    code, _, err = run_cli("manage", str(SMALL))
    assert code == 2 and "management" in err


# -- emission allowances and funds over the years ------------------------------------------------

def ez(zid: str, reduction: float, so2: float | None = None, nox: float | None = None, **extra: Any) -> dict[str, Any]:
    """A zone whose emission priority weight is its energy-stock reduction (tce/yr)."""
    z = zone(zid, "P", 100, 100, **extra)
    z["metrics"]["energy_reduction_tce"] = reduction
    asked = {k: v for k, v in (("SO2", so2), ("NOx", nox)) if v is not None}
    if asked:
        z.setdefault("requests", {})["emissions_t"] = asked
    return z


def emission_case(years: list[int], **periods: Any) -> dict[str, Any]:
    """a cuts 10 tce/yr of energy, b 5 (the priority weights); a asks 100 t of SO2, b 1,000;
    SO2 pool 100 t/yr, every request capped."""
    return {"name": "so2-years", "zones": [ez("a", 10, so2=100), ez("b", 5, so2=1000)],
            "pools": {"emissions": {"pollutants": {"SO2": {"total_t": 100}},
                                    "rules": [{"id": "req", "type": "request_cap", "source": "2017 §六(一)"}]}},
            "periods": {"years": years, **periods}}


@pytest.mark.parametrize("carry, objective", [(None, 2500 / 175), (0.0, 2500 / 175), (0.5, 2500 / 175),
                                              (1.0, 2750 / 175)])
def test_emission_carry_over(carry: float | None, objective: float) -> None:
    """SO2 pools 300 t in 2021 and 50 t in 2022 (a total of 350 split 6/7, 1/7; mean 175 t).
    The priority objective counts each tonne by its zone's reduction over the mean yearly pool.
    Without carry-over (the emission default): 2021 a 100, b 200; 2022 a 50:
    (1,000 + 1,000 + 500) / 175. Carrying a share c of 2021's unused allowances: each tonne
    kept costs 5 (b's weight) and brings c tonnes to a in 2022 (10 each), up to a's 50 missing
    tonnes: worth it iff 10c > 5; c = 1 carries 50 ((1,000 + 750 + 1,000) / 175), c = 0.5 ties."""
    so2: dict[str, Any] = {"total": 350, "split": [6 / 7, 1 / 7]}
    if carry is not None:
        so2["carry_over"] = carry
    p = plan(emission_case([2021, 2022], emissions={"SO2": so2}))
    assert p.summary.resources == ["emissions"] and p.tracks == ["SO2"]
    assert p.objective == pytest.approx(objective, rel=1e-7)
    pool = p.pool("SO2")
    assert pool.unit == "t" and pool.carry_over == (carry if carry is not None else 0.0)
    assert pool.allocated <= 350 + 1e-6
    y = p.years.set_index("year")
    assert y["pool"].tolist() == pytest.approx([300, 50])
    if carry == 1.0:
        assert y.loc[2021, "unused"] == pytest.approx(50) and y.loc[2022, "carried_in"] == pytest.approx(50)
        assert p.allocation(2022, "SO2").to_dict() == pytest.approx({"a": 100, "b": 0})
    else:
        assert p.allocation(2021, "SO2").to_dict() == pytest.approx({"a": 100, "b": 200}) or carry == 0.5


def test_emission_ramp_and_pollutant_rule_ids() -> None:
    """Two pollutants. SO2: 100 t a year, a (weight 10) takes its 100. NOx: 100 t a year, both
    ask 1,000; a's NOx may change by at most 50 % a year and was 20 t the year before the plan:
    a 30, 45, 67.5 and b the rest. Objective over the three years (each pollutant over its mean
    pool, 100 t): SO2 3 × 1,000 / 100 = 30; NOx (10·30 + 5·70 + 10·45 + 5·55 + 10·67.5 + 5·32.5)
    / 100 = 22.125. The ramp's 2023 row binds: one more tonne for a is worth (10 − 5) / 100."""
    data = emission_case([2021, 2022, 2023], emissions={"NOx": {"ramps": [
        {"id": "smooth", "share": 0.5, "select": {"zones": ["a"]}, "previous": {"a": 20},
         "source": "2022 第八章第二节"}]}})
    data["zones"] = [ez("a", 10, so2=100, nox=1000), ez("b", 5, so2=1000, nox=1000)]
    data["pools"]["emissions"]["pollutants"]["NOx"] = {"total_t": 100}
    p = plan(data)
    assert p.tracks == ["SO2", "NOx"]
    assert p.objective == pytest.approx(30 + 22.125, rel=1e-7)
    nox = p.table("NOx").set_index("zone")
    assert nox.loc["a", ["2021", "2022", "2023"]].tolist() == pytest.approx([30, 45, 67.5])
    assert p.objectives["objective"].tolist() == pytest.approx([10 + 6.5, 10 + 7.25, 10 + 8.375])
    bound = p.bindings.set_index("rule").loc["smooth:NOx@2023"]
    assert bound["side"] == "upper" and bound["shadow_price"] == pytest.approx(0.05)
    rules = {r.rule for r in build_multi_period(unsmoothed(data)).model.row_blocks}
    assert {"req:SO2@2021", "req:NOx@2023", "emissions-total:NOx@2022", "smooth:NOx@2021"} <= rules
    assert not any(r.startswith("smooth:SO2") for r in rules)


def test_emission_year_rules_cumulative_floor_and_diagnosis() -> None:
    """A 2022-only rule for SO2 excludes a (it goes to b); a cumulative floor of 250 t for b
    over two years of 100 t cannot hold: short by 50 t, naming both years' pools."""
    data = emission_case([2021, 2022], emissions={"SO2": {"by_year": [
        {"year": 2022, "rules": [{"id": "no-a", "type": "exclude", "select": {"zones": ["a"]}}]}]}})
    p = plan(data)
    assert p.allocation(2022, "SO2").to_dict() == pytest.approx({"a": 0, "b": 100})
    assert p.allocation(2021, "SO2").to_dict() == pytest.approx({"a": 100, "b": 0})
    assert "no-a:SO2@2022" in set(p.bindings["rule"])
    data["periods"]["emissions"]["SO2"]["cumulative_rules"] = [
        {"id": "b-floor", "type": "zone_bounds", "select": {"zones": ["b"]}, "floor": 250}]
    with pytest.raises(InfeasibleError, match=r"b-floor.*short by 50 t") as exc:
        plan(data)
    assert "emissions-total:SO2@2021" in str(exc.value) and "emissions-total:SO2@2022" in str(exc.value)


def test_growth_target_driven_by_allowances() -> None:
    """b cuts more energy (10 against a's 5) and asks 1,000 t: without a target it takes the
    100 t of SO2 each year. Each tonne a gets adds 2 万元 of value added from the next year; a's
    value added (1,000) must grow 5 %/yr: 1,102.5 in 2022, so a gets 51.25 t in 2021:
    (5 · 51.25 + 10 · 48.75) / 100 + 10 · 100 / 100 = 17.4375. An effect without per_unit is
    refused for a pollutant (it has no default)."""
    data = emission_case([2021, 2022], emissions={"SO2": {"effects": [
        {"metric": "value_added", "per_unit": 2, "source": "assumption"}]}},
        growth=[{"id": "va-a", "metric": "value_added", "rate": 0.05, "select": {"zones": ["a"]}}])
    data["zones"] = [ez("a", 5, so2=1000), ez("b", 10, so2=1000)]
    data["zones"][0]["metrics"]["value_added"] = 1000.0
    p = plan(data)
    assert p.allocation(2021, "SO2")["a"] == pytest.approx(51.25)
    assert p.objective == pytest.approx(17.4375, rel=1e-7)
    (t,) = p.targets.itertuples()
    assert t.driven_by == "SO2" and t.achieved == pytest.approx(1102.5)
    del data["periods"]["emissions"]["SO2"]["effects"][0]["per_unit"]
    with pytest.raises(InstanceError, match=r"periods\.emissions\.SO2\.effects\[0\]\.per_unit: give per_unit"):
        plan(data)


def fund_zone(zid: str, amount: float, investment: float, tax: float | None = None, **extra: Any) -> dict[str, Any]:
    z = zone(zid, "P", 100, 100, **extra)
    z.setdefault("requests", {})["funds"] = {"amount": amount, "investment": investment,
                                             **({"expected_tax": tax} if tax is not None else {})}
    return z


def fund_case(years: list[int], tranche: float | None = None, **periods: Any) -> dict[str, Any]:
    """Leverage objective: a co-finances 10 万元 of investment per 万元 (asks 100), b 5 (asks
    1,000); each zone capped at its request; fund budget 100 a year."""
    pool: dict[str, Any] = {"budget": 100, "rules": [{"id": "req", "type": "request_cap"}]}
    if tranche is not None:
        pool["tranche"] = tranche
    return {"name": "funds-years", "zones": [fund_zone("a", 100, 1000), fund_zone("b", 1000, 5000)],
            "pools": {"funds": pool}, "periods": {"years": years, **periods}}


@pytest.mark.parametrize("backend", MIP_BACKENDS)
@pytest.mark.parametrize("carry, objective", [(0.0, 2200.0), (0.25, 2200.0), (0.5, 2400.0), (None, 2400.0)])
def test_fund_tranches_and_carry_over_agree_across_mip_backends(backend: str, carry: float | None,
                                                                objective: float) -> None:
    """Budgets 300 then 50 万元 in tranches of 40 (a MIP); a takes at most 2 tranches a year
    (its 100), worth 400 each; b's are worth 200. Without carry-over: 2021 a 2, b 5 (280);
    2022 a 1: 800 + 1,000 + 400 = 2,200. Carrying the share c of 2021's unused money: a's
    second 2022 tranche needs 80 − 50 = 30 carried, so 30/c unused in 2021 at the cost of b's
    tranches: c = 0.5 leaves 60 (a 2, b 4) and a gets 2 tranches in 2022: 1,600 + 800 = 2,400;
    c = 0.25 would leave 120 and lose 3 of b's tranches for one of a's: 2,200 stays best.
    Funds carry over by default (c = 1: 2,400). HiGHS, CBC and SCIP agree."""
    funds: dict[str, Any] = {"total": 350, "split": [6 / 7, 1 / 7]}
    if carry is not None:
        funds["carry_over"] = carry
    p = plan(fund_case([2021, 2022], tranche=40, funds=funds), backend)
    assert p.objective == pytest.approx(objective, rel=1e-9)
    assert p.pool("funds").carry_over == (carry if carry is not None else 1.0)
    cells = p.cells
    assert np.allclose(cells["allocation"] / 40, np.round(cells["allocation"] / 40))
    assert p.pool("funds").allocated <= 350 + 1e-6
    if objective == 2400.0:
        assert p.table("funds").set_index("zone")["total"].to_dict() == pytest.approx({"a": 160, "b": 160})


def test_fund_ramp_cumulative_leverage_and_rule_ids() -> None:
    """LP, budgets 100, 400, 400; both zones ask 1,000. a's funds change by at most 50 % a year
    from 100 the year before: a 100, 150, 225, b the rest: 10·475 + 5·425 = 6,875 万元 of
    investment co-financed; the ramp's 2023 row is worth 10 − 5 per 万元. With a cumulative
    leverage cap (a's funds over the years at most 0.2 × its 1,000 investment = 200): a 100,
    100, 0 or any split of 200 — 10·200 + 5·700 = 5,500."""
    data = fund_case([2021, 2022, 2023], funds={"total": 900, "split": [1 / 9, 4 / 9, 4 / 9], "ramps": [
        {"id": "smooth", "share": 0.5, "select": {"zones": ["a"]}, "previous": {"a": 100}}]})
    data["zones"] = [fund_zone("a", 1000, 10000), fund_zone("b", 1000, 5000)]
    p = plan(data)
    assert p.objective == pytest.approx(6875.0, rel=1e-7)
    assert p.table("funds").set_index("zone").loc["a", ["2021", "2022", "2023"]].tolist() == pytest.approx(
        [100, 150, 225])
    bound = p.bindings.set_index("rule").loc["smooth:funds@2023"]
    assert bound["shadow_price"] == pytest.approx(5.0)
    assert "万元 (1e4 yuan) of investment co-financed per 万元" in bound["unit"]
    data["periods"]["funds"]["cumulative_rules"] = [
        {"id": "lev-5yr", "type": "leverage_cap", "alpha": 0.02, "select": {"zones": ["a"]}}]
    p2 = plan(data)
    assert p2.objective == pytest.approx(10 * 200 + 5 * 700, rel=1e-7)
    assert p2.table("funds").set_index("zone").loc["a", "total"] == pytest.approx(200)
    assert "lev-5yr" in set(p2.bindings["rule"])
    rules = {r.rule for r in build_multi_period(Instance.from_dict(data)).model.row_blocks}
    assert {"req:funds@2021", "funds-total@2023", "smooth:funds@2022", "lev-5yr"} <= rules


def test_fund_growth_target_with_the_default_tax_effect() -> None:
    """a's tax (1,000 万元) must grow 2 %/yr: 1,040.4 in 2022. Each 万元 of funds a gets brings
    its request's expected tax per 万元 (50 / 100 = 0.5) from the next year: 0.5 f_{a,2021} ≥
    40.4, f = 80.8. b co-finances 12 per 万元, a 10: 2021 a 80.8, b 19.2; 2022 b 100:
    808 + 230.4 + 1,200 = 2,238.4. One more 万元 of required tax costs 2 × (12 − 10)."""
    data = {"name": "fund-growth", "zones": [fund_zone("a", 100, 1000, tax=50), fund_zone("b", 100, 1200, tax=10)],
            "pools": {"funds": {"budget": 100, "rules": [{"id": "req", "type": "request_cap"}]}},
            "periods": {"years": [2021, 2022], "funds": {"carry_over": 0, "effects": [{"metric": "tax"}]},
                        "growth": [{"id": "tax-a", "metric": "tax", "rate": 0.02, "select": {"zones": ["a"]},
                                    "source": "2022 专栏一"}]}}
    data["zones"][0]["metrics"]["tax"] = 1000.0
    p = plan(data)
    assert p.allocation(2021, "funds").to_dict() == pytest.approx({"a": 80.8, "b": 19.2})
    assert p.objective == pytest.approx(2238.4, rel=1e-7)
    (t,) = p.targets.itertuples()
    assert t.rule == "tax-a@2022" and t.driven_by == "funds" and t.achieved == pytest.approx(1040.4)
    assert p.bindings.set_index("rule").loc["tax-a@2022", "shadow_price"] == pytest.approx(-4.0)
    data["periods"]["funds"]["effects"] = [{"metric": "value_added"}]
    data["periods"]["growth"][0]["metric"] = "value_added"
    data["zones"][0]["metrics"]["value_added"] = 1000.0
    with pytest.raises(InstanceError, match=r"periods\.funds\.effects\[0\]\.per_unit: give per_unit"):
        plan(data)


def coupled_case(per_unit: float, **periods: Any) -> dict[str, Any]:
    """Land (growth_case: a 10, b 90 万元 of tax per mu, 100 mu a year, 20 of value added per mu
    for a) and funds (a co-finances 10 per 万元, b 12; 100 万元 a year, no carry-over) both able
    to lift a's value added, from 1,000 to 1,210 by 2022."""
    data = growth_case()
    data["zones"][0]["requests"]["funds"] = {"amount": 1000, "investment": 10000}
    data["zones"][1]["requests"]["funds"] = {"amount": 1000, "investment": 12000}
    data["pools"]["funds"] = {"budget": 100, "rules": [{"id": "req-f", "type": "request_cap"}]}
    data["periods"]["funds"] = {"carry_over": 0, "effects": [{"metric": "value_added", "per_unit": per_unit}]}
    data["periods"].update(periods)
    return data


@pytest.mark.parametrize("per_unit, weights, land_a, funds_a", [
    (1.0, {}, 10.5, 0.0), (5.0, {}, 0.0, 42.0), (1.0, {"land": 5}, 5.5, 100.0)])
def test_growth_target_on_land_and_funds_trades_by_each_resource_optimum(
        per_unit: float, weights: dict[str, float], land_a: float, funds_a: float) -> None:
    """Each resource alone: land 2 × 100 × 90 = 18,000, funds 2 × 100 × 12 = 2,400. The 210 of
    value added a needs by 2022 (2021 allocations count) cost 80/20 = 4 of tax per unit by land
    (4/18,000 of land's optimum) and 2/e by funds (e of value added per 万元: 2/2,400 for e = 1,
    0.4/2,400 for e = 5). e = 1: all by land (10.5 mu); e = 5: all by funds (42 万元). With
    land's weight 5, land's share costs 20/18,000 > 2/2,400: funds first, up to 2021's 100 万元
    (100 of value added), the remaining 110 by land (5.5 mu)."""
    p = plan(coupled_case(per_unit, weights=weights))
    assert p.summary.coupled and p.summary.resources == ["land", "funds"] and p.objective is None
    assert p.allocation(2021, "land")["a"] == pytest.approx(land_a, abs=1e-6)
    assert p.allocation(2021, "funds")["a"] == pytest.approx(funds_a, abs=1e-6)
    norms = {o.resource: o.normaliser for o in p.summary.objectives}
    assert norms == pytest.approx({"land": 18000.0, "funds": 2400.0})
    assert p.resource_objective("land") == pytest.approx(18000 - 80 * land_a)
    assert p.resource_objective("funds") == pytest.approx(2400 - 2 * funds_a)
    (t,) = p.targets.itertuples()
    assert t.driven_by == "land+funds" and t.slack == pytest.approx(0, abs=1e-6)
    assert any("own optimum" in n for n in p.summary.notes)


def test_revoked_zones_get_no_funds_and_resources_select() -> None:
    """The management case of land, with a fund pool: d, revoked with effect in 2022, gets no
    funds from 2022 (rule `revoke:funds@2022`); `periods.resources` plans the funds alone."""
    data = {
        "name": "managed-funds",
        "zones": [fund_zone("a", 100, 500), fund_zone("d", 1000, 50000, land_area_mu=1000)],
        "pools": {"land": {"total_mu": 100}, "funds": {"budget": 100, "rules": [{"id": "req", "type": "request_cap"}]}},
        "periods": {"years": [2021, 2022], "funds": {"carry_over": 0}},
        "management": {"history": {"years": [2019, 2020, 2021], "scores": {"a": [90, 90, 90], "d": [10, 10, 10]}},
                       "warning": {"id": "warn", "bottom_rank": 1},
                       "revocation": {"id": "revoke", "after_years": 3, "freed_share": 0.5}},
    }
    p = plan(data)
    assert p.tracks == ["land", "funds"]
    assert p.allocation(2021, "funds").to_dict() == pytest.approx({"a": 0, "d": 100})
    assert p.allocation(2022, "funds").to_dict() == pytest.approx({"a": 100, "d": 0})
    assert "revoke:funds@2022" in set(p.bindings["rule"]) and "revoke@2022" in set(p.bindings["rule"])
    data["periods"]["resources"] = ["funds"]
    p2 = plan(data)
    assert p2.tracks == ["funds"] and p2.objective == pytest.approx(100 * 50 + 100 * 5)
    assert any("land is not planned" in n for n in p2.summary.notes)


def test_resource_settings_are_checked() -> None:
    base = emission_case([2021, 2022])
    bad: list[tuple[dict[str, Any], str]] = [
        ({"emissions": {"NOx": {}}}, r"periods\.emissions\.NOx: no emission pool for pollutant 'NOx'"),
        ({"funds": {"carry_over": 1}}, r"periods\.funds: no fund pool"),
        ({"resources": ["land"]}, r"periods\.resources\[0\]: plans land, but the instance has no pools\.land"),
        ({"emissions": {"SO2": {"total": 10, "split": [1.0]}}}, r"emissions\.SO2: split has 1 shares for 2 years"),
        ({"emissions": {"SO2": {"cumulative_rules": [{"id": "lev", "type": "leverage_cap", "alpha": 1}]}}},
         r"cumulative_rules\[0\]\.type: a leverage cap bounds funds"),
        ({"emissions": {"SO2": {"by_year": [{"year": 2022, "drop_rules": ["nope"]}]}}},
         r"drop_rules\[0\]: no base rule has id 'nope'"),
        ({"emissions": {"SO2": {"ramps": [{"id": "req", "share": 0.1}]}}},
         r"ramps\[0\]\.id: duplicate rule id 'req' \(also pools\.emissions\.rules\[0\]\)"),
    ]
    for periods, message in bad:
        data = copy.deepcopy(base)
        data["periods"].update(periods)
        with pytest.raises(InstanceError, match=message):
            Instance.from_dict(data)
    # A year's rule may replace the resource's own rule of that id.
    data = copy.deepcopy(base)
    data["periods"]["emissions"] = {"SO2": {"by_year": [{"year": 2022, "rules": [
        {"id": "req", "type": "request_cap", "share": 0.5}]}]}}
    p = plan(data)
    assert p.allocation(2022, "SO2").to_dict() == pytest.approx({"a": 50, "b": 50})
    data["pools"]["emissions"]["objective"] = {"kind": "zsg_dea"}
    with pytest.raises(InstanceError, match=r"pools\.emissions\.objective\.kind: the zero-sum-gains DEA"):
        plan(data)


def test_empty_fund_year_is_served_by_carry_over() -> None:
    """The whole budget of 200 in 2021 (split 1, 0), funds carried by default: a takes 100 a
    year (2,000), b none; without carry-over 2022 gets nothing: a 100, b 100 in 2021 (1,500)."""
    data = fund_case([2021, 2022], funds={"total": 200, "split": [1.0, 0.0]})
    p = plan(data)
    assert p.pool("funds").empty_years == [2022]
    assert p.objective == pytest.approx(2000.0)
    data["periods"]["funds"]["carry_over"] = 0
    assert plan(data).objective == pytest.approx(1500.0)


def test_cli_prints_every_resource(tmp_path: Path) -> None:
    path = tmp_path / "both.json"
    data = coupled_case(1.0)
    path.write_text(json.dumps(data), encoding="utf-8")
    code, out, err = run_cli("plan-years", str(path), "--out", str(tmp_path / "p.json"))
    assert code == 0, err
    assert "new construction land quota · land (mu)" in out and "fund disbursement · funds (wan yuan)" in out
    assert "objective land (efficiency)" in out and "objective funds (leverage)" in out
    assert "growth targets draw on several resources" in out
    rec = json.loads((tmp_path / "p.json").read_text(encoding="utf-8"))
    assert {a["track"] for a in rec["allocations"]} == {"land", "funds"}
    assert {(y["track"], y["year"]) for y in rec["years"]} == {(t, y) for t in ("land", "funds") for y in (2021, 2022)}
    assert {o["resource"] for o in rec["objectives"]} == {"land", "funds"}


# -- the bundled example ----------------------------------------------------------------------

EXAMPLE_YEARS = SMALL.parent / "henan-etdz-45-years.json"


def test_example_regenerates_byte_for_byte(tmp_path: Path) -> None:
    """instances/henan-etdz-45-years.json is what `python -m zoneopt.examples.years --out ...`
    writes (instances/README.md)."""
    from zoneopt.examples.years import main as generate

    out = tmp_path / "years.json"
    assert generate(["--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == EXAMPLE_YEARS.read_text(encoding="utf-8")
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["metadata"]["synthetic"] is True and data["metadata"]["description"].startswith("SYNTHETIC")


def test_example_plan_solves_with_management() -> None:
    """The example: management returns land in 2021–2025 and revokes zones; the plan allocates
    every year's available land (the pools and the returned land), meets the 7.5 %/yr value-added
    target, and gives revoked zones nothing after their revocation — no land, allowances or
    funds. Allowances and funds: every pollutant's pool and the fund budget are planned, SO2's
    front-loaded split and no carry-over, the funds carried over in whole tranches, the NOx and
    fund ramps hold."""
    inst = Instance.from_dict(json.loads(EXAMPLE_YEARS.read_text(encoding="utf-8")))
    p = solve_multi_period(unsmoothed(inst))
    assert p.status == "optimal" and p.summary.management_applied
    assert p.management is not None
    assert p.tracks == ["land", "SO2", "NOx", "COD", "NH3-N", "VOCs", "PM", "funds"]
    land = p.years[p.years["track"] == "land"]
    expected = {y: v for y, v in p.management.pool_additions.items() if 2021 <= y <= 2025}
    assert dict(zip(land["year"], land["additions"], strict=True)) == pytest.approx(
        {y: expected.get(y, 0.0) for y in range(2021, 2026)})
    assert p.pool("land").allocated == pytest.approx(p.pool("land").pool_total + p.pool("land").additions)
    for track in p.tracks:
        pool = p.pool(track)
        assert pool.allocated <= (pool.pool_total + pool.additions) * (1 + 1e-9)
    so2 = p.years[p.years["track"] == "SO2"]
    assert so2["pool"].tolist() == pytest.approx(np.array([0.3, 0.25, 0.2, 0.15, 0.1]) * so2["pool"].sum())
    assert p.pool("SO2").carry_over == 0.0 and p.pool("funds").carry_over == 1.0
    funds = p.cells[p.cells["track"] == "funds"]
    assert np.allclose(funds["allocation"] / 500, np.round(funds["allocation"] / 500))
    for track in ("NOx", "funds"):  # the ramps: |x_t − x_{t−1}| ≤ half the request
        wide = p.table(track).set_index("zone")[[str(y) for y in range(2021, 2026)]].to_numpy()
        req = p.cells[(p.cells["track"] == track) & (p.cells["year"] == 2021)]["request"].fillna(0).to_numpy()
        assert (np.abs(np.diff(wide, axis=1)) <= 0.5 * req[:, None] + 1e-6).all()
    (t,) = p.targets.itertuples()
    assert t.achieved >= t.required * (1 - 1e-9) and t.achieved_rate >= 0.075 - 1e-9
    for year in range(2022, 2026):
        for ex in p.management.exclusions_in(year):  # a reduction's no_new_land: land only
            got = p.cells[(p.cells["year"] == year) & p.cells["zone"].isin(list(ex.zones))]
            if ex.kind != "revocation":
                got = got[got["track"] == "land"]
            assert got["allocation"].abs().max() <= 1e-6
            assert ex.kind != "revocation" or set(got["track"]) == set(p.tracks)
