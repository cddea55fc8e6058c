"""The synthetic instance generator: deterministic, marked synthetic, valid, plausible, and its
standard rule set always feasible."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zoneopt.evaluation.indicators import indicator
from zoneopt.examples.zones import (
    CORRIDOR_CITIES,
    HENAN_ETDZ_45,
    main,
    synthetic_data,
    synthetic_instance,
    to_json_text,
)
from zoneopt.instance import Instance, load
from zoneopt.models.land_plan import solve_land
from zoneopt.models.land_quota import build_land_model

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "instances" / "henan-etdz-45.json"
EXAMPLE_PARCELS = ROOT / "instances" / "henan-etdz-45-parcels.json"

STANDARD = {"request-cap", "tilt-score", "national-floor", "city-cap"}
DEFENSIBLE = {"request-cap", "exclude-grade-d", "tilt-grade", "min-lot", "national-floor", "city-cap",
              "lock-key-project"}
ASSUMED = {"tilt-grade", "min-lot", "national-floor", "city-cap", "corridor-cap", "lock-key-project"}
"""Rules whose number the cited clause does not state (2017 §二(一), §二(二), §六(一), §六(二), 2022
第二章第二节 and 第七章第四节 state no share, cap, margin, lot or amount)."""


def test_same_seed_same_json_and_other_seed_differs() -> None:
    a = to_json_text(synthetic_instance(200, seed=7))
    b = to_json_text(synthetic_instance(200, seed=7))
    assert a == b
    assert a != to_json_text(synthetic_instance(200, seed=8))


def test_committed_examples_regenerate_byte_for_byte() -> None:
    assert EXAMPLE.read_text(encoding="utf-8") == to_json_text(synthetic_instance(45, seed=2022, rules="defensible"))
    assert EXAMPLE_PARCELS.read_text(encoding="utf-8") == to_json_text(
        synthetic_instance(45, seed=2022, parcel_mu=50, name="henan-etdz-45-parcels"))


def test_command_line_writes_the_same_bytes(tmp_path: Path) -> None:
    out = tmp_path / "x.json"
    assert main(["--zones", "45", "--seed", "2022", "--rules", "defensible", "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == EXAMPLE.read_text(encoding="utf-8")


@pytest.mark.parametrize("n", [1, 2, 45, 500])
def test_valid_and_marked_synthetic(n: int) -> None:
    inst = synthetic_instance(n, seed=3)
    assert isinstance(inst, Instance)
    assert len(inst.zones) == n
    assert inst.metadata.synthetic is True
    assert "SYNTHETIC" in inst.metadata.description and "synthetic_instance(" in inst.metadata.description
    # round trip through the JSON text validates again to the same instance
    assert Instance.model_validate_json(to_json_text(inst)) == inst
    assert all(r.source for r in inst.rules)


def test_bundled_example_is_henans_45_zones() -> None:
    inst = load(EXAMPLE)
    assert [z.id for z in inst.zones] == [row[0] for row in HENAN_ETDZ_45]
    national = [z.name for z in inst.zones if z.level == "national"]
    assert len(national) == 9 and len(inst.zones) - len(national) == 36
    assert {"郑州经开区", "洛阳经开区", "新乡经开区", "鹤壁经开区", "许昌经开区", "漯河经开区", "开封经开区",
            "红旗渠经开区", "濮阳经开区"} == set(national)
    assert inst.metadata.synthetic and "省级名称真实或为示意" in inst.metadata.description
    parcels = load(EXAMPLE_PARCELS)  # the same zones, the standard rule set in whole parcels
    assert parcels.pools.land is not None and parcels.pools.land.parcel_mu == 50
    assert parcels.rules == synthetic_instance(45, seed=2022).rules and parcels.zones == inst.zones
    assert {r.id for r in inst.rules} == DEFENSIBLE


def test_example_solves_with_several_binding_rules() -> None:
    plan = solve_land(load(EXAMPLE))
    assert plan.status == "optimal"
    bound = set(plan.bindings["rule"])
    # The shares are clamped by the witnesses (see zoneopt.examples.defensible) and need not bind.
    assert {"land-total", "tilt-grade", "min-lot", "lock-key-project", "exclude-grade-d"} <= bound
    mip = solve_land(load(EXAMPLE_PARCELS))
    assert mip.status == "optimal"
    assert np.allclose(mip.allocations["allocation_mu"] % 50, 0)


@pytest.mark.parametrize("n", [45, 500])
def test_standard_rules_present_with_sources(n: int) -> None:
    inst = synthetic_instance(n, seed=11)
    rules = {r.id: r for r in inst.rules}
    assert STANDARD | {"exclude-grade-d"} <= set(rules)
    assert rules["national-floor"].source == "2017 §二(一)"
    assert rules["city-cap"].source == "2017 §二(二)"
    assert "corridor-cap" not in rules  # 2017 §六(二) sets no land cap
    assert rules["tilt-score"].source == "2017 §六(一)"
    assert rules["exclude-grade-d"].source == "2017 §十(四)"
    assert all(r.note for r in inst.rules)
    assert ("lock-key-project" in rules) == (n == 45)
    corridor = {z.id for z in inst.zones if "corridor" in z.tags}
    assert corridor == {z.id for z in inst.zones if z.city in CORRIDOR_CITIES} != set()


def test_no_rules() -> None:
    inst = synthetic_instance(30, seed=1, rules="none")
    assert inst.rules == () and inst.pools.land is not None


def test_plausible_magnitudes() -> None:
    inst = synthetic_instance(2000, seed=5)
    area = np.array([z.land_area_mu for z in inst.zones])
    tpm = indicator(inst, "tax_per_mu")
    request = np.array([z.requests.land_mu for z in inst.zones])
    national = np.array([z.level == "national" for z in inst.zones])
    assert area.min() >= 3000 and area.max() <= 60000
    assert tpm.min() >= 4.99 and tpm.max() <= 60.01
    assert np.median(area[national]) > 2 * np.median(area[~national])
    assert np.median(tpm[national]) > np.median(tpm[~national])
    assert (request >= 0.05 * area).all() and (request <= 0.25 * area + 10).all()
    score = np.array([z.score for z in inst.zones])
    assert score.min() >= 40 and score.max() <= 100
    assert np.corrcoef(score, np.log(tpm))[0, 1] > 0.7
    grades = [z.grade for z in inst.zones]
    assert [grades.count(g) for g in "ABCD"] == [400, 800, 700, 100]
    assert national.sum() == 400
    assert inst.pools.land is not None
    assert 0.079 <= inst.pools.land.total_mu / request.sum() <= 0.121
    for z in inst.zones[:50]:
        m = z.metrics
        assert m.tax and m.value_added and m.revenue and m.rd_spending
        assert 5 * m.tax * 0.999 <= m.value_added <= 10 * m.tax * 1.001
        assert 4 * m.value_added * 0.999 <= m.revenue <= 8 * m.value_added * 1.001
        assert set(m.emissions_t) == {"SO2", "NOx", "COD", "NH3-N"}


def test_bad_arguments() -> None:
    with pytest.raises(ValueError):
        synthetic_data(0)
    with pytest.raises(ValueError):
        synthetic_data(10, national_share=1.5)
    with pytest.raises(ValueError):
        synthetic_data(10, parcel_mu=0)
    with pytest.raises(ValueError):
        synthetic_data(10, rules="strict")  # type: ignore[arg-type]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(1, 80), seed=st.integers(0, 2**32 - 1),
       parcel=st.sampled_from([None, None, 50.0, 30.0]), share=st.sampled_from([0.2, 0.0, 0.5, 1.0]))
def test_standard_rules_always_feasible(n: int, seed: int, parcel: float | None, share: float) -> None:
    inst = synthetic_instance(n, seed=seed, parcel_mu=parcel, national_share=share)
    plan = solve_land(inst, "highs")
    assert plan.status == "optimal"
    assert plan.summary.allocated_mu <= inst.pools.land.total_mu + 1e-6  # type: ignore[union-attr]
    ids = {r.id for r in inst.rules}
    has_nat = any(z.level == "national" and z.grade != "D" for z in inst.zones)
    assert ("national-floor" in ids) <= has_nat
    if n >= 2:
        assert "city-cap" in ids and "corridor-cap" not in ids


def test_benchmark_sizes_build_quickly() -> None:
    inst = synthetic_instance(5000, seed=1)
    lm = build_land_model(inst)
    assert lm.x.size == 5000 and lm.model.num_rows > 10000


@pytest.mark.parametrize("rules", ["standard", "defensible"])
@pytest.mark.parametrize("n", [45, 300])
def test_every_assumed_number_says_so(rules: str, n: int) -> None:
    """A rule whose number is not in its cited clause says ``"assumption": true`` (and its
    source shows it); a rule whose clause states it (or that has no number) does not."""
    inst = synthetic_instance(n, seed=5, rules=rules, corridor_cap=True)  # type: ignore[arg-type]
    assert "corridor-cap" in {r.id for r in inst.rules}
    for r in inst.rules:
        assert bool(r.assumption) == (r.id in ASSUMED), r.id
        assert r.source and (r.cited or "").endswith("(assumption)") == (r.id in ASSUMED)
    corridor = next(r for r in inst.rules if r.id == "corridor-cap")
    assert "该条款未设用地上限" in (corridor.note or "")


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(2, 60), seed=st.integers(0, 2**32 - 1), parcel=st.sampled_from([None, 50.0]))
def test_the_optional_corridor_cap_stays_feasible(n: int, seed: int, parcel: float | None) -> None:
    inst = synthetic_instance(n, seed=seed, parcel_mu=parcel, corridor_cap=True)
    assert solve_land(inst, "highs").status == "optimal"
    if any("corridor" in z.tags for z in inst.zones):
        assert "corridor-cap" in {r.id for r in inst.rules}
