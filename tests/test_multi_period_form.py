"""The plan over years solved through the land solve form (:func:`zoneopt.models.year_models.
stacked_tilts` maps each year's tilt into the stacked model): the same optimum as the stacked
rule rows solved as they are, a dual certificate on those rows, and every year's tilt found."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zoneopt import Instance
from zoneopt.core import SolveOptions, solve
from zoneopt.core.checker import check_solution
from zoneopt.examples.zones import synthetic_data
from zoneopt.models.land_form import solve_in_form
from zoneopt.models.multi_period import build_multi_period, plan_from_solution, solve_multi_period
from zoneopt.models.year_models import stacked_tilts

YEARS_EXAMPLE = Path(__file__).resolve().parents[1] / "instances" / "henan-etdz-45-years.json"


def years_instance(n: int, seed: int, carry: float = 0.5, plus_mu: float = 400.0) -> Instance:
    data: dict[str, Any] = synthetic_data(n, seed=seed)
    data.pop("scenarios", None)
    pool = float(data["pools"]["land"]["total_mu"])
    data["periods"] = {"years": [2021, 2022, 2023], "total_mu": pool * 3.3, "split": [0.32, 0.33, 0.35],
                       "carry_over": carry,
                       "ramps": [{"id": "smooth", "type": "ramp", "share": 0.5, "of": "previous",
                                  "plus_mu": plus_mu}]}
    return Instance.from_dict(data)


def same_optimum(inst: Instance) -> None:
    mm = build_multi_period(inst)
    tilts = stacked_tilts(mm.parts, mm.model)
    assert len(tilts) == sum(len(p.built.tilts) for p in mm.parts_of("land"))
    for t in tilts:  # each mapped row is the tilt's row of its year: the member's column and its level
        for rows, shift in ((t.above, 0), (t.below, -1)):
            has = rows >= 0
            A = mm.model.A[rows[has]]
            assert np.array_equal(A[np.arange(has.sum()), t.columns[has]].A1, np.ones(has.sum()))
            level = t.level.start + t.tier[has] + shift
            assert np.allclose(A[np.arange(has.sum()), level].A1, -t.weight[has])
    ref = solve(mm.model, "highs")
    for lazy in (False, True):
        got, form = solve_in_form(mm.model, tilts, "highs", SolveOptions(), lazy_tilt=lazy)
        assert form is not None and len(form.chains) == len(tilts)
        assert got.objective == pytest.approx(ref.objective, rel=1e-9, abs=1e-9)
        report = check_solution(mm.model, got.x, got.objective, row_duals=got.row_duals)
        assert report.passed, report.worst


def test_the_bundled_years_example_solves_to_the_same_optimum() -> None:
    inst = Instance.from_dict(json.loads(YEARS_EXAMPLE.read_text(encoding="utf-8")))
    same_optimum(inst)


@settings(max_examples=6, deadline=None)
@given(n=st.integers(30, 150), seed=st.integers(0, 10_000), carry=st.sampled_from([0.0, 0.5, 1.0]),
       plus_mu=st.sampled_from([0.0, 50.0, 400.0]))
def test_generated_plans_over_years_solve_to_the_same_optimum(n: int, seed: int, carry: float,
                                                               plus_mu: float) -> None:
    same_optimum(years_instance(n, seed, carry, plus_mu))


def test_the_plan_is_the_reference_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    """solve_multi_period through the solve form (from 0 columns here; by default from 50,000)
    gives the reference plan's objective."""
    import zoneopt.models.multi_period as mp

    monkeypatch.setattr(mp, "STACKED_FORM_FROM", 0)
    inst = years_instance(120, 3)
    mm = build_multi_period(inst)
    plan = solve_multi_period(inst)
    ref = plan_from_solution(mm, solve(mm.model, "highs"))
    assert plan.summary.objective == pytest.approx(ref.summary.objective, rel=1e-9)
