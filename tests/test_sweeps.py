"""Sweeps in this process: the draws (seeded per draw), the deltas, the Parquet store and
resuming, the per-zone analyses, hand-checked replacement costs and a hand-checked robust plan,
and invariants over random instances. The engines (process pool, Dask) are in
test_sweeps_engines.py, the command line and a real kill in test_sweeps_cli.py."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from land_cases import EXAMPLE, small4, standard_example, zone

from zoneopt import Instance, load, solve_land
from zoneopt.analysis.sweeps import (
    Base,
    DrawDelta,
    MetricNoise,
    Sweep,
    ZoneDelta,
    allocation_bands,
    draw_factors,
    draw_variants,
    grade_stability,
    grid_variants,
    noise_spec,
    perturbed,
    read_sweep,
    replacement_costs,
    robust_plan,
    run_sweep,
    set_value,
    standard_variants,
    status_counts,
    zone_variants,
)
from zoneopt.analysis.sweeps.robust import cvar
from zoneopt.analysis.sweeps.runner import Layout, Payload, VariantRunner
from zoneopt.analysis.sweeps.store import to_table
from zoneopt.core.solution import SolveOptions
from zoneopt.errors import InstanceError, InvalidInputError

ROOT = Path(__file__).resolve().parents[1]
EMISSIONS = ROOT / "instances" / "henan-etdz-45-emissions.json"


def sweep_table(instance: Instance, variants: list[Any]) -> pd.DataFrame:
    """The table a sweep of ``variants`` makes, without a file: the runner, then the store's
    Arrow conversion (what run_sweep writes), as pandas."""
    runner = VariantRunner(Payload("test", instance.model_dump_json().encode(), "highs", SolveOptions()))
    rows = [runner.run(k, v) for k, v in enumerate(variants)]
    frame: pd.DataFrame = to_table(rows, Layout.of(instance)).to_pandas()
    frame.attrs["sweep"] = {"sense": "min" if instance.objective.kind == "baseline" else "max"}
    return frame


# -- draws -----------------------------------------------------------------------------------

def test_draw_k_is_the_same_whatever_came_before() -> None:
    noise = noise_spec(0.05)
    alone = draw_factors(noise, 7, 12, 45, ("COD", "SO2"))
    for k in (3, 40, 0):  # other draws in between change nothing
        draw_factors(noise, 7, k, 45, ("COD", "SO2"))
    again = draw_factors(noise, 7, 12, 45, ("COD", "SO2"))
    assert list(alone) == list(again) and all(np.array_equal(alone[m], again[m]) for m in alone)
    assert "emissions.COD" in alone and "emissions.SO2" in alone and "emissions" not in alone
    other = draw_factors(noise, 7, 13, 45, ("COD", "SO2"))
    assert not np.array_equal(alone["tax"], other["tax"])
    assert not np.array_equal(alone["tax"], draw_factors(noise, 8, 12, 45, ("COD", "SO2"))["tax"])


@settings(max_examples=30, deadline=None)
@given(error=st.floats(0.0, 3.0), dist=st.sampled_from(["normal", "lognormal", "uniform"]),
       seed=st.integers(0, 2**32), k=st.integers(0, 10**6))
def test_factors_are_non_negative_and_zero_error_is_one(error: float, dist: Any, seed: int, k: int) -> None:
    f = draw_factors((MetricNoise("tax", error, dist),), seed, k, 50)["tax"]
    assert f.shape == (50,) and (f >= 0).all() and np.isfinite(f).all()
    zero = draw_factors((MetricNoise("tax", 0.0, dist),), seed, k, 50)["tax"]
    assert np.array_equal(zero, np.ones(50))


def test_factors_have_the_stated_spread() -> None:
    """Over many zones, the factors' mean is 1 and their spread the stated error (a normal
    factor's standard deviation; a uniform one's half-width)."""
    n = 200_000
    normal = draw_factors((MetricNoise("tax", 0.05),), 1, 0, n)["tax"]
    assert normal.mean() == pytest.approx(1.0, abs=1e-3) and normal.std() == pytest.approx(0.05, rel=0.02)
    logn = draw_factors((MetricNoise("tax", 0.2, "lognormal"),), 1, 0, n)["tax"]
    assert logn.mean() == pytest.approx(1.0, abs=2e-3) and np.log(logn).std() == pytest.approx(0.2, rel=0.02)
    uni = draw_factors((MetricNoise("tax", 0.1, "uniform"),), 1, 0, n)["tax"]
    assert uni.min() >= 0.9 and uni.max() <= 1.1 and uni.mean() == pytest.approx(1.0, abs=1e-3)


def test_perturbed_multiplies_reported_figures_and_keeps_missing_ones() -> None:
    data = small4()
    data["zones"][0]["metrics"]["emissions_t"] = {"SO2": 10.0}
    inst = Instance.from_dict(data)
    factors = {"tax": np.array([2.0, 0.5, 1.0, 0.0]), "energy_tce": np.full(4, 3.0), "emissions.SO2": np.full(4, 1.5)}
    out = perturbed(inst, factors)
    assert [z.metrics.tax for z in out.zones] == [100000.0, 30000.0, 10000.0, 0.0]
    assert all(z.metrics.energy_tce is None for z in out.zones)  # not reported: stays missing
    assert out.zones[0].metrics.emissions_t == {"SO2": 15.0} and out.zones[1].metrics.emissions_t == {}
    assert [z.metrics.tax for z in inst.zones] == [50000, 60000, 10000, 4000]  # the base is untouched
    assert out.rules is inst.rules and out.pools is inst.pools  # a delta, not a copied instance


def test_noise_spec_rejects_what_it_cannot_draw() -> None:
    with pytest.raises(InvalidInputError, match="unknown metric 'taxes'"):
        noise_spec(metrics={"taxes": 0.1})
    with pytest.raises(InvalidInputError, match="unknown distribution"):
        noise_spec(metrics={"tax": ("cauchy", 0.1)})
    with pytest.raises(InvalidInputError, match=">= 0"):
        noise_spec(-0.1)
    with pytest.raises(InvalidInputError, match="give a relative error"):
        noise_spec()
    spec = noise_spec(0.05, {"tax": ("lognormal", 0.2)})
    assert MetricNoise("tax", 0.2, "lognormal") in spec and MetricNoise("value_added", 0.05) in spec


# -- deltas ----------------------------------------------------------------------------------

def test_set_value_changes_one_number_and_validates() -> None:
    inst = load(EXAMPLE)
    more = set_value(inst, "pool", 9000)
    assert more.pools.land.total_mu == 9000 and inst.pools.land.total_mu == 8200
    cap = set_value(inst, "rules.city-cap.cap_share", 0.4)
    assert next(r for r in cap.rules if r.id == "city-cap").cap_share == 0.4
    assert [r.id for r in cap.rules] == [r.id for r in inst.rules]
    locked = set_value(inst, "rules.lock-key-project.values_mu.puyang", 1000)
    assert next(r for r in locked.rules if r.id == "lock-key-project").values_mu == {"puyang": 1000}
    with pytest.raises(InstanceError, match=r"rules.city-cap.cap_share: must be <= 1, got 1.5"):
        set_value(inst, "rules.city-cap.cap_share", 1.5)
    with pytest.raises(InvalidInputError, match="no 'no-such-rule' here"):
        set_value(inst, "rules.no-such-rule.cap_mu", 1)
    with pytest.raises(InvalidInputError, match="not a number"):
        set_value(inst, "rules.city-cap.by", 1)
    assert len(grid_variants(inst, {"pool": [7000, 8200], "rules.city-cap.cap_share": [0.3, 0.33, 0.4]})) == 6
    with pytest.raises(InvalidInputError, match="has no field"):
        grid_variants(inst, {"pools.land.size": [1]})


def test_zone_deltas_exclude_on_every_resource_or_floor_at_the_request() -> None:
    inst = load(EMISSIONS)
    out = ZoneDelta("zhengzhou", "out").apply(inst)
    assert out.rules[-1].type == "exclude" and out.rules[-1].select.zones == ("zhengzhou",)
    assert out.pools.emissions.rules[-1].type == "exclude"
    assert out.zones is inst.zones  # the zone table and evaluations are shared, not re-made
    forced = ZoneDelta("zhengzhou", "in").apply(load(EXAMPLE))
    assert forced.rules[-1].floor_mu == 6920.0
    with pytest.raises(InstanceError, match="no zone 'nowhere'"):
        ZoneDelta("nowhere", "out").apply(inst)
    with pytest.raises(InvalidInputError, match="no zone 'nowhere'"):
        zone_variants(inst, ["nowhere"])


def test_standard_variants_and_their_labels() -> None:
    inst = load(EXAMPLE)
    v = standard_variants(inst, draws=3, noise=noise_spec(0.05), seed=2, importance=True, scenarios=True,
                          grid={"pool": [8000, 9000]})
    labels = [d.label for d in v]
    scenarios = [s.id for s in inst.scenarios]
    k = 1 + len(scenarios)
    assert labels[:k + 2] == ["base", *scenarios, "pool=8000", "pool=9000"]
    assert labels[k + 2:k + 5] == ["draw 0", "draw 1", "draw 2"] and labels[k + 5] == "out:zhengzhou"
    assert len(v) == k + 5 + 2 * 45
    with pytest.raises(InvalidInputError, match="given twice"):
        Sweep(inst, (Base(), Base()))


# -- hand-checked replacement costs ------------------------------------------------------------

def test_replacement_costs_on_small4_are_differences_of_hand_solved_optima() -> None:
    """small-4 (tests/land_cases.py): optimum 34,000 with a 300, b 500, c 200.

    Out: a → b 500, c 400: 15,000 + 8,000 = 23,000, cost 11,000; b → a 300, c 400: 23,000,
    cost 11,000; c → city Q's floor of 100 has only c (d is grade D): infeasible, cost inf;
    d (gets nothing) → 0. In: a and b are at their requests (0); c to 400: a 300, c 400, b the
    remaining 300: 15,000 + 9,000 + 8,000 = 32,000, cost 2,000; d is excluded: inf."""
    inst = Instance.from_dict(small4())
    table = sweep_table(inst, [Base(), *zone_variants(inst)])
    costs = replacement_costs(table).set_index("zone")
    assert costs.loc["a", "objective_out"] == pytest.approx(23000.0) and costs.loc["c", "status_out"] == "infeasible"
    assert costs["replacement_cost"].to_dict() == pytest.approx({"a": 11000.0, "b": 11000.0, "c": np.inf, "d": 0.0})
    assert costs["forcing_cost"].to_dict() == pytest.approx({"a": 0.0, "b": 0.0, "c": 2000.0, "d": np.inf})
    assert costs.loc["c", "rank"] == 1 and costs.loc["d", "rank"] == 4
    assert costs.loc["a", "share"] == pytest.approx(11000 / 34000)
    # the same difference from two independent solves of the library
    without_a = copy.deepcopy(small4())
    without_a["rules"].append({"id": "no-a", "type": "exclude", "select": {"zones": ["a"]}})
    assert 34000.0 - solve_land(Instance.from_dict(without_a)).objective == pytest.approx(11000.0)
    message = table[table["label"] == "out:c"]["message"].iloc[0]
    assert "q-floor" in message and "sweep:out" in message  # the diagnosis names the conflict


def test_replacement_cost_of_a_minimisation_is_the_increase() -> None:
    """Baseline objective (minimise total deviation) of small-4: 200 mu. Forcing a out: a's
    baseline of 346.15 is all deviation (it had 46.15), the others keep theirs: 500 mu."""
    data = small4()
    data["objective"] = {"kind": "baseline"}
    inst = Instance.from_dict(data)
    costs = replacement_costs(sweep_table(inst, [Base(), ZoneDelta("a", "out")])).set_index("zone")
    assert costs.loc["a", "replacement_cost"] == pytest.approx(300.0)
    with pytest.raises(InvalidInputError, match="zone variants"):
        replacement_costs(sweep_table(inst, [Base()]))


# -- the store: streaming, resuming, one file ------------------------------------------------------

def small_sweep(draws: int = 12) -> Sweep:
    inst = load(EXAMPLE)
    return Sweep(inst, tuple(standard_variants(inst, draws=draws, noise=noise_spec(0.05), seed=5)))


def test_a_sweep_stopped_halfway_resumes_and_ends_with_the_same_file(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    sweep = small_sweep()
    whole = run_sweep(sweep, tmp_path / "whole.parquet", workers=1)
    assert whole.solved == 13 and whole.engine == "serial"
    real = VariantRunner.run
    calls = {"n": 0}

    def stop_at_eight(self: VariantRunner, index: int, delta: Any) -> Any:
        calls["n"] += 1
        if index == 8:
            raise KeyboardInterrupt  # as a Ctrl-C halfway
        return real(self, index, delta)

    monkeypatch.setattr(VariantRunner, "run", stop_at_eight)
    out = tmp_path / "stopped.parquet"
    with pytest.raises(KeyboardInterrupt):
        run_sweep(sweep, out, workers=1, chunk=1, flush_seconds=0.0)
    parts = sorted(p.name for p in (tmp_path / "stopped.parquet.parts").glob("part-*"))
    assert parts and parts[-1].endswith("-0000000008.parquet") and not out.exists()
    monkeypatch.setattr(VariantRunner, "run", real)
    resumed = run_sweep(sweep, out, workers=1)
    assert (resumed.resumed_from, resumed.solved) == (8, 5)
    assert out.read_bytes() == whole.path.read_bytes()
    assert not (tmp_path / "stopped.parquet.parts").exists()
    again = run_sweep(sweep, out, workers=1)  # finished: nothing to do
    assert (again.solved, again.engine) == (0, "none")


def test_progress_bar_on_request(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import zoneopt.core.progress

    monkeypatch.setattr(zoneopt.core.progress, "DELAY", 0.0)  # the bar shows at once, not after 0.5 s
    run_sweep(small_sweep(2), tmp_path / "s.parquet", workers=1, progress=True)
    err = capsys.readouterr().err
    assert "sweep:" in err and "/3 [" in err and "variant" in err  # tqdm redraws at most every 0.1 s
    run_sweep(small_sweep(2), tmp_path / "t.parquet", workers=1)
    assert capsys.readouterr().err == ""  # the library is silent unless asked


def test_parts_of_another_sweep_are_refused(tmp_path: Path) -> None:
    out = tmp_path / "s.parquet"
    parts = tmp_path / "s.parquet.parts"
    parts.mkdir()
    (parts / "manifest.json").write_text('{"fingerprint": "another"}')
    with pytest.raises(InvalidInputError, match="another sweep"):
        run_sweep(small_sweep(2), out, workers=1)
    done = run_sweep(small_sweep(2), out, workers=1, fresh=True)
    assert done.solved == 3 and not parts.exists()


def test_sweep_table_columns_and_metadata(tmp_path: Path) -> None:
    table = read_sweep(run_sweep(small_sweep(4), tmp_path / "s.parquet", workers=1).path)
    assert list(table.columns) == ["variant", "kind", "label", "status", "message", "objective", "objective_land",
                                   "status_land", "zone", "score", "grade", "alloc_land", "weight"]
    assert len(table) == 5 * 45 and table["variant"].is_monotonic_increasing
    base = table[table["kind"] == "base"]
    plan = solve_land(load(EXAMPLE))
    assert np.array_equal(base["alloc_land"].to_numpy(), plan.allocations["allocation_mu"].to_numpy())
    assert base["objective"].iloc[0] == plan.summary.objective
    assert np.array_equal(base["weight"].to_numpy(), plan.allocations["weight"].to_numpy())
    meta = table.attrs["sweep"]
    assert meta["kinds"] == {"base": 1, "draw": 4} and meta["seed"] == 5 and meta["sense"] == "max"
    assert meta["noise"][0] == {"metric": "tax", "error": 0.05, "distribution": "normal"}
    draws = table[table["kind"] == "draw"]
    assert not np.array_equal(draws["score"].to_numpy()[:45], base["score"].to_numpy())  # re-evaluated


def test_every_resource_is_swept(tmp_path: Path) -> None:
    inst = load(EMISSIONS)
    table = sweep_table(inst, [Base(), ZoneDelta("zhengzhou", "out")])
    lay = Layout.of(inst)
    assert lay.resources == ("land", "emissions") and "alloc_SO2" in table.columns
    out = table[table["label"] == "out:zhengzhou"]
    z = out[out["zone"] == "zhengzhou"]
    assert z["alloc_land"].iloc[0] == 0.0 and z["alloc_SO2"].iloc[0] == pytest.approx(0.0, abs=1e-9)
    assert (out["status_emissions"] == "optimal").all()


def test_a_zone_forced_out_of_the_portfolio_gets_nothing_of_anything() -> None:
    inst = load(ROOT / "instances" / "henan-etdz-45-portfolio.json")
    table = sweep_table(inst, [Base(), ZoneDelta("zhengzhou", "out")])
    alloc = [c for c in table.columns if c.startswith("alloc_")]
    assert {"alloc_land", "alloc_SO2", "alloc_funds", "alloc_projects"} <= set(alloc)
    base = table[(table["kind"] == "base") & (table["zone"] == "zhengzhou")]
    out = table[(table["label"] == "out:zhengzhou") & (table["zone"] == "zhengzhou")]
    assert base["alloc_projects"].iloc[0] > 0 and (out[alloc].to_numpy() == 0).all()
    assert out["status"].iloc[0] == "optimal" and out["objective"].iloc[0] < base["objective"].iloc[0]


# -- analyses --------------------------------------------------------------------------------

def hand_table() -> pd.DataFrame:
    """Two zones, a base and four draws: z1 gets 0, 10, 20, 30 mu; z2 always 5; one more draw
    is infeasible (left out of the bands)."""
    rows = []
    for v, (kind, status, a1, g1) in enumerate([("base", "optimal", 15.0, "A"), ("draw", "optimal", 0.0, "A"),
                                               ("draw", "optimal", 10.0, "B"), ("draw", "optimal", 20.0, "A"),
                                               ("draw", "optimal", 30.0, "A"), ("draw", "infeasible", np.nan, None)]):
        rows += [{"variant": v, "kind": kind, "status": status, "zone": "z1", "alloc_land": a1, "grade": g1,
                  "score": 10.0 + v},
                 {"variant": v, "kind": kind, "status": status, "zone": "z2", "alloc_land": 5.0 if a1 == a1 else
                  np.nan, "grade": None, "score": np.nan}]
    return pd.DataFrame(rows)


def test_bands_on_a_hand_table() -> None:
    bands = allocation_bands(hand_table()).set_index("zone")
    assert bands.loc["z1", "variants"] == 4 and bands.loc["z1", "base"] == 15.0
    # type-7 quantiles of 0, 10, 20, 30: P5 = 1.5, P50 = 15, P95 = 28.5
    assert bands.loc["z1", ["p5", "p50", "p95"]].tolist() == pytest.approx([1.5, 15.0, 28.5])
    assert bands.loc["z1", "p_receive"] == 0.75 and bands.loc["z2", "p_receive"] == 1.0
    assert bands.loc["z1", "mean"] == 15.0 and bands.loc["z2", "p5"] == 5.0
    with pytest.raises(InvalidInputError, match="no 'SO2'"):
        allocation_bands(hand_table(), "SO2")
    grades = grade_stability(hand_table()).set_index("zone")
    assert grades.loc["z1", "base_grade"] == "A" and grades.loc["z1", "modal_grade"] == "A"
    assert grades.loc["z1", "p_A"] == 0.6 and grades.loc["z1", "p_B"] == 0.2 and grades.loc["z1", "p_ungraded"] == 0.2
    assert grades.loc["z1", "p_base"] == 0.6 and grades.loc["z2", "modal_grade"] == "ungraded"
    counts = status_counts(hand_table())
    assert counts.to_dict("records") == [{"kind": "base", "status": "optimal", "variants": 1},
                                         {"kind": "draw", "status": "optimal", "variants": 4},
                                         {"kind": "draw", "status": "infeasible", "variants": 1}]


# -- the robust plan -------------------------------------------------------------------------

def two_zone() -> Instance:
    return Instance.from_dict({"name": "two", "zones": [zone("a", "P", 100, 1000, request=100),
                                                        zone("b", "P", 100, 950, request=100)],
                               "pools": {"land": {"total_mu": 100}}, "rules": [{"id": "req", "type": "request_cap"}]})


def weight_table(weights: list[tuple[float, float]]) -> pd.DataFrame:
    rows = []
    for k, (wa, wb) in enumerate(weights):
        rows += [{"variant": k + 1, "kind": "draw", "zone": "a", "weight": wa},
                 {"variant": k + 1, "kind": "draw", "zone": "b", "weight": wb}]
    return pd.DataFrame(rows)


def test_robust_plan_by_hand() -> None:
    """Reported 亩均税收: a 10, b 9.5: the nominal plan gives a all 100 mu. Two equally likely
    draws: (12, 8) and (6, 10). Worst case of a plan (x, 100 − x): min(800 + 4x, 1000 − 4x),
    largest at x = 25: 900 in both draws. CVaR at 1 is the mean (9, 9 per mu): every split
    gives 900, and the nominal plan too."""
    inst = two_zone()
    table = weight_table([(12.0, 8.0), (6.0, 10.0)])
    rp = robust_plan(inst, table, alpha=0.0)
    alloc = rp.allocations.set_index("zone")
    assert alloc.loc["a", "nominal_mu"] == pytest.approx(100.0)
    assert alloc["robust_mu"].to_dict() == pytest.approx({"a": 25.0, "b": 75.0})
    assert rp.optimum == pytest.approx(900.0)
    summary = rp.summary.set_index("plan")
    assert summary.loc["nominal", "worst"] == pytest.approx(600.0)
    assert summary.loc["robust", "worst"] == pytest.approx(900.0)
    assert summary.loc["nominal", "reported"] == pytest.approx(1000.0)
    assert robust_plan(inst, table, alpha=0.5).optimum == pytest.approx(900.0)  # the worse of two
    assert robust_plan(inst, table, alpha=1.0).optimum == pytest.approx(900.0)
    with pytest.raises(InvalidInputError, match="alpha"):
        robust_plan(inst, table, alpha=1.5)


def test_cvar_of_equally_likely_values() -> None:
    z = [5.0, 1.0, 3.0, 2.0]
    assert cvar(z, 0.0) == 1.0 and cvar(z, 0.25) == 1.0 and cvar(z, 0.5) == 1.5 and cvar(z, 1.0) == 2.75
    assert cvar(z, 0.375) == pytest.approx((1.0 + 0.5 * 2.0) / 1.5)


def test_robust_plan_on_a_sweep_is_at_least_as_good_in_the_tail() -> None:
    """On draws of the example: the LP's optimum is the CVaR of its own plan over the draws, and
    no worse than the nominal plan's (which is feasible for the same LP)."""
    inst = standard_example()  # the example's zones under the efficiency objective
    table = sweep_table(inst, [Base(), *draw_variants(15, noise_spec(0.2), seed=3)])
    for alpha in (0.0, 0.1, 1.0):
        rp = robust_plan(inst, table, alpha)
        s = rp.summary.set_index("plan")
        assert rp.optimum == pytest.approx(s.loc["robust", "cvar"], rel=1e-7)
        assert s.loc["robust", "cvar"] >= s.loc["nominal", "cvar"] - 1e-6 * abs(s.loc["nominal", "cvar"])
    with pytest.raises(InvalidInputError, match="efficiency objective"):
        robust_plan(inst.model_copy(update={"objective": inst.objective.model_copy(update={"kind": "equity"})}),
                    table)


# -- invariants on random instances ------------------------------------------------------------

@st.composite
def instances(draw: st.DrawFn) -> dict[str, Any]:
    """Random feasible instances without a tilt (so forcing a zone out only removes plans)."""
    n = draw(st.integers(2, 6))
    zones = [zone(f"z{k}", draw(st.sampled_from(["P", "Q"])), draw(st.floats(10.0, 1e4)),
                  draw(st.floats(1.0, 1e5)), request=draw(st.floats(0.0, 5e3))) for k in range(n)]
    cap = draw(st.floats(1.0, 5e3))
    rules = [{"id": "req", "type": "request_cap"}, {"id": "cap", "type": "zone_bounds", "cap_mu": cap}]
    if draw(st.booleans()):
        rules.append({"id": "city-cap", "type": "group_bounds", "by": "city", "cap_share": 0.6})
    return {"name": "random", "zones": zones, "pools": {"land": {"total_mu": draw(st.floats(1.0, 2e4))}},
            "rules": rules}


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=instances())
def test_forcing_a_zone_out_never_helps_without_a_tilt(data: dict[str, Any]) -> None:
    """Forcing a zone out adds a restriction: the objective cannot rise (cost >= 0, up to the
    solver's tolerance), and a zone the plan gives nothing costs nothing."""
    inst = Instance.from_dict(data)
    table = sweep_table(inst, [Base(), *zone_variants(inst, force=("out",))])
    costs = replacement_costs(table).set_index("zone")
    base = table[table["kind"] == "base"].set_index("zone")["alloc_land"]
    scale = max(1.0, abs(costs["objective_base"].iloc[0]))
    assert (costs["replacement_cost"] >= -1e-6 * scale).all()
    idle = base[base <= 1e-9].index
    assert (costs.loc[idle, "replacement_cost"].abs() <= 1e-6 * scale).all()


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**31), error=st.floats(0.0, 0.5))
def test_bands_are_ordered_and_a_draw_does_not_depend_on_its_neighbours(seed: int, error: float) -> None:
    inst = Instance.from_dict(small4())
    noise = noise_spec(error)
    table = sweep_table(inst, draw_variants(6, noise, seed))
    bands = allocation_bands(table)
    assert (bands["min"] <= bands["p5"] + 1e-9).all() and (bands["p5"] <= bands["p50"] + 1e-9).all()
    assert (bands["p50"] <= bands["p95"] + 1e-9).all() and (bands["p95"] <= bands["max"] + 1e-9).all()
    alone = sweep_table(inst, [DrawDelta(4, seed, noise)])
    fifth = table[table["variant"] == 4].reset_index(drop=True)
    cols = ["objective", "alloc_land", "score", "weight"]
    assert fifth[cols].equals(alone[cols])
