"""Smoothing of the plan over years (models/multi-period.md, "Smoothing"): the L1 penalty on
year-to-year change, hand-checked on two zones and two years, its default on the bundled
example (no zone's allocation swings; the total variation falls), the objective reported
without the penalty, and on random instances the smoothed plan never moves more (in its
penalty's terms) than the unsmoothed one, nor gives up more objective than the unsmoothed
plan's penalty."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from land_cases import zone
from test_multi_period_properties import scale, zones_and_rules

from zoneopt import Instance
from zoneopt.instance import SMOOTHING_DEFAULT
from zoneopt.models.multi_period import build_multi_period, solve_multi_period, total_variation
from zoneopt.models.tracks import with_smoothing

EXAMPLE = Path(__file__).resolve().parents[1] / "instances" / "henan-etdz-45-years.json"


def two_years(penalty: float | None) -> Instance:
    """a earns 10/mu and asks 100 mu a year, b 5/mu and asks 1,000; pools 300 mu in 2021, 50 in
    2022, nothing carried over."""
    data: dict[str, Any] = {
        "name": "two-years",
        "zones": [zone("a", "P", 100, 1000, request=100), zone("b", "Q", 100, 500, request=1000)],
        "pools": {"land": {"total_mu": 100}},
        "rules": [{"id": "req", "type": "request_cap"}],
        "periods": {"years": [2021, 2022], "total_mu": 350, "split": [6 / 7, 1 / 7]},
    }
    if penalty is not None:
        data["periods"]["smoothing"] = {"penalty": penalty, "source": "test"}
    return Instance.from_dict(data)


@pytest.mark.parametrize("penalty, a, b, objective, tv", [
    (0.0, [100, 50], [200, 0], 2500.0, 250.0),
    (0.3, [100, 50], [200, 0], 2500.0, 250.0),
    (0.6, [100, 50], [0, 0], 1500.0, 50.0),
])
def test_two_zones_two_years(penalty: float, a: list[float], b: list[float], objective: float, tv: float) -> None:
    """Unsmoothed: 2021 a 100, b 200; 2022 a 50 (10·100 + 5·200 + 10·50 = 2,500); a moves 50
    mu, b 200: total variation 250. κ = 10 (a's 亩均税收, the most a mu earns), so a mu of change
    costs 10λ. Giving b y mu less in 2021 loses 5y and saves 10λ·y: worth it iff λ > 0.5 —
    at 0.3 the plan stays (penalty 0.3·10·250 = 750), at 0.6 b gets nothing (1,500, variation 50,
    penalty 0.6·10·50 = 300: 1,200 net against 2,500 − 1,500 = 1,000). Giving a less in 2021
    would cost 10 a mu and save at most 10λ: never at λ < 1. The objective reported is the
    tax alone; the penalty is reported apart."""
    p = solve_multi_period(two_years(penalty))
    t = p.table("land").set_index("zone")
    assert t.loc["a", ["2021", "2022"]].tolist() == pytest.approx(a, abs=1e-6)
    assert t.loc["b", ["2021", "2022"]].tolist() == pytest.approx(b, abs=1e-6)
    assert t["change"].sum() == pytest.approx(tv, abs=1e-6)
    assert p.objective == pytest.approx(objective, rel=1e-9)
    pool = p.pool("land")
    assert pool.total_variation == pytest.approx(tv, abs=1e-6)
    assert pool.smoothing_penalty == penalty and not pool.smoothing_default
    assert pool.change_cost == pytest.approx(10 * penalty)
    assert pool.smoothing_cost == pytest.approx(10 * penalty * tv, abs=1e-6)
    assert p.summary.objectives[0].smoothing_cost == pytest.approx(pool.smoothing_cost)


def test_default_is_stated_and_off_adds_nothing() -> None:
    """Without a smoothing section the default λ holds and the summary says so; λ = 0 builds
    no change variables (the model of the plan before smoothing)."""
    p = solve_multi_period(two_years(None))
    assert p.pool("land").smoothing_default and p.pool("land").smoothing_penalty == SMOOTHING_DEFAULT
    on, off = build_multi_period(two_years(None)), build_multi_period(two_years(0.0))
    assert off.model.num_vars == 2 * 2 + 2 and on.model.num_vars == off.model.num_vars + 2
    assert off.tracks[0].change is None and on.tracks[0].change is not None


def test_total_variation() -> None:
    alloc = np.array([[0.0, 5.0], [153.7, 5.0], [0.0, 7.0], [0.0, 7.0]])
    assert total_variation(alloc).tolist() == pytest.approx([307.4, 2.0])


def _against_the_total(a: np.ndarray, tol: float = 0.05) -> int:
    """Zones (rows of ``a``, zones × years) whose allocation moves, in some year, against the
    year's total: down while the total rises or up while it falls."""
    d, dt = np.diff(a, axis=1), np.diff(a.sum(axis=0))
    return int(((np.abs(d) > tol) & (np.sign(d) != np.sign(dt)[None, :])).any(axis=1).sum())


def test_bundled_example_no_longer_swings() -> None:
    """The bundled plan over years. Unsmoothed, some zones' allocations move against their
    year's total (an allowance handed from one zone to another and back). With the default
    penalty no zone in any track does, and each track's total variation is the least the
    yearly totals force (Σ_t |total_t − total_{t−1}|: every change follows the pool's own), no
    more than unsmoothed; the land objective gives up under 1 %."""
    inst = Instance.from_dict(json.loads(EXAMPLE.read_text(encoding="utf-8")))
    smooth, rough = solve_multi_period(inst), solve_multi_period(with_smoothing(inst, 0.0))
    years = [str(y) for y in smooth.summary.years]
    assert sum(_against_the_total(rough.table(t)[years].to_numpy()) for t in rough.tracks) >= 2
    for track in smooth.tracks:
        a = smooth.table(track)[years].to_numpy()
        assert _against_the_total(a) == 0, track
        forced = float(np.abs(np.diff(a.sum(axis=0))).sum())
        assert smooth.pool(track).total_variation == pytest.approx(forced, rel=1e-6, abs=1e-6), track
        assert smooth.pool(track).total_variation <= rough.pool(track).total_variation + 1e-6
    assert smooth.pool("land").total_variation < rough.pool("land").total_variation
    assert smooth.pool("land").smoothing_default
    land_s, land_r = smooth.resource_objective("land"), rough.resource_objective("land")
    assert land_r * 0.99 < land_s <= land_r * (1 + 1e-9)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(zones_and_rules(floors=False), st.integers(2, 4), st.floats(0.0, 1.0),
       st.lists(st.integers(0, 4), min_size=4, max_size=4), st.sampled_from([0.01, 0.15, 0.6, 2.0]),
       st.sampled_from(["efficiency", "baseline"]))
def test_smoothing_never_moves_more_nor_costs_more_than_its_penalty(
        data: dict[str, Any], T: int, carry: float, weights: list[int], penalty: float, kind: str) -> None:
    """x₀ an unsmoothed optimum, x_λ the smoothed one, P = λκ·TV the penalty: F(x_λ) − P(x_λ) ≥
    F(x₀) − P(x₀) and F(x₀) ≥ F(x_λ) (maximising; mirrored for the baseline's minimum) give
    TV(x_λ) ≤ TV(x₀) and F(x₀) − F(x_λ) ≤ P(x₀): smoothing never makes the plan move more, and
    never costs more objective than the unsmoothed plan's movement is charged."""
    w = np.array(weights[:T], dtype=float) + 1.0
    data["objective"] = {"kind": kind, "baseline_basis": "land_area_mu"}
    data["periods"] = {"years": list(range(2021, 2021 + T)), "total_mu": data["pools"]["land"]["total_mu"] * T,
                       "split": list(w / w.sum()), "carry_over": carry}
    inst = Instance.from_dict(data)
    rough, smooth = solve_multi_period(with_smoothing(inst, 0.0)), solve_multi_period(with_smoothing(inst, penalty))
    tv0, tv1 = rough.pool("land").total_variation, smooth.pool("land").total_variation
    cost = smooth.pool("land").change_cost
    s = scale(data, kind) * T
    assert cost * tv1 <= cost * tv0 + 1e-6 * s
    assert rough.objective is not None and smooth.objective is not None
    sign = 1.0 if kind == "efficiency" else -1.0
    assert sign * (rough.objective - smooth.objective) <= cost * tv0 + 1e-6 * s
    assert sign * (smooth.objective - rough.objective) <= 1e-6 * s  # smoothing never improves the objective
