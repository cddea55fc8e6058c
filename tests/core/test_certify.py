"""Certified answers. An LP answered with duals is proved optimal by the checker itself (dual
feasibility and a zero duality gap, in the plan's units); a MIP gets its gap recomputed from the
solver's bound; ``certify=True`` / ``--certify`` re-solves on a second backend and fails loudly
(CertificationError, exit 4, both values) when the optima disagree. The regression: HiGHS 1.14's
MIP presolve calls a worse point optimal in the diagnosis' elastic model of the ``five``
portfolio (tests/test_portfolio.py) with the land pool at 90 mu; CBC and SCIP find the optimum.
HiGHS 1.15 finds it too: the regression tests check whichever highspy is installed."""

from __future__ import annotations

import copy
import dataclasses
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp
from cli_runner import run, write
from hypothesis import given, settings
from hypothesis import strategies as st
from test_checker import small_lp, small_mip
from test_portfolio import five

from zoneopt import Instance
from zoneopt.core import Model, ModelBuilder, Solution, SolveOptions, Status, backend_names, check_solution, solve
from zoneopt.core.certify import SECOND, certifying, disagreement
from zoneopt.core.diagnose import diagnose
from zoneopt.errors import CertificationError, SolutionCheckError
from zoneopt.resources import build_resource_model

DUAL_BACKENDS = ["highs", "pulp-cbc", "pulp-highs", "ortools-glop", "ortools-pdlp"]
# HiGHS 1.15 fixed the MIP presolve that called a worse point optimal (the regression below).
HIGHS_PRESOLVE_FIXED = tuple(int(p) for p in version("highspy").split(".")[:2]) >= (1, 15)


# -- LP optimality from the duals ------------------------------------------------------------------
@pytest.mark.parametrize("backend", DUAL_BACKENDS)
def test_every_dual_backend_answer_is_certified_by_its_duals(backend: str) -> None:
    """small_lp's optimum 33 (tests/core/test_checker.py): dual objective 33, no gap, and the
    answer says the duals certified it."""
    s = solve(small_lp(), backend)
    assert s.status is Status.OPTIMAL and s.certified_by == "duals"
    assert s.check is not None and s.check.dual_objective == pytest.approx(33, abs=1e-6)
    assert s.check.duality_gap is not None and s.check.duality_gap <= 1e-6
    assert s.check.dual_infeasibility is not None and s.check.dual_infeasibility <= 1e-7


def test_a_suboptimal_point_with_its_duals_shows_the_lost_objective_as_gap() -> None:
    """Weak duality: with the optimal duals (dual objective 33) a feasible point worth 31 has a
    gap of exactly 2, and fails the check; the gap is reported in the plan's units."""
    m = dataclasses.replace(small_lp(), objective_scale=10.0, objective_unit="万元")
    s = solve(m, "highs")
    x = np.array(s.x, dtype=float)
    x[0] -= 1.0  # a1 from 3 to 2: still feasible, objective 33 - 3 = 30
    report = check_solution(m, x, m.objective_value(x), row_duals=s.row_duals)
    assert report.max_row_violation == 0 and report.max_bound_violation == 0
    assert not report.passed and report.worst == "duality gap (30 万元)"
    assert report.duality_gap == pytest.approx(30.0) and report.dual_objective == pytest.approx(330.0)


def test_wrong_duals_are_caught_and_solve_refuses_them(monkeypatch: pytest.MonkeyPatch) -> None:
    """Duals of the wrong sign on a one-sided row are dual infeasible: a backend that returns
    them has not proved its point optimal, and solve raises."""
    m = small_lp()
    s = solve(m, "highs")
    bad = -np.asarray(s.row_duals)
    report = check_solution(m, s.x, s.objective, row_duals=bad)
    assert not report.passed and report.dual_infeasibility == pytest.approx(2.5)  # e.g. cap[total]'s 2
    assert report.worst == "duality gap (47.5 objective units)"  # the larger of the two, scaled
    from zoneopt.core.backends.highs import HighsBackend

    real = HighsBackend.solve
    monkeypatch.setattr(HighsBackend, "solve", lambda self, model, options: dataclasses.replace(
        real(self, model, options), row_duals=bad))
    with pytest.raises(SolutionCheckError, match="fails the independent check \\(duality gap"):
        solve(m, "highs")


@st.composite
def bounded_lps(draw: Any) -> Model:
    n = draw(st.integers(2, 6))
    m = draw(st.integers(1, 5))
    ints = st.integers(-5, 5)
    A = np.array(draw(st.lists(st.lists(ints, min_size=n, max_size=n), min_size=m, max_size=m)), dtype=float)
    c = np.array(draw(st.lists(ints, min_size=n, max_size=n)), dtype=float)
    x0 = np.array(draw(st.lists(st.integers(0, 4), min_size=n, max_size=n)), dtype=float)
    act = A @ x0  # x0 is feasible: every row holds at it, loosely or tightly
    lo = act - np.array(draw(st.lists(st.sampled_from([0.0, 1.0, np.inf]), min_size=m, max_size=m)))
    hi = act + np.array(draw(st.lists(st.sampled_from([0.0, 2.0, np.inf]), min_size=m, max_size=m)))
    return Model(c=c, A=sp.csr_matrix(A), row_lb=lo, row_ub=hi, lb=np.zeros(n), ub=np.full(n, 5.0),
                 integer=np.zeros(n, dtype=bool), sense=draw(st.sampled_from(["min", "max"])), name="random")


@settings(max_examples=60, deadline=None)
@given(bounded_lps(), st.sampled_from(["highs", "pulp-cbc", "ortools-glop"]))
def test_duals_certify_every_optimum_and_measure_any_other_point(model: Model, backend: str) -> None:
    """On random feasible, bounded LPs every dual backend's optimum is certified; and for any
    other feasible point (the midpoint with the corner x = 0 moved into the box), the measured
    duality gap is exactly how much objective it gives away."""
    s = solve(model, backend)
    assert s.status is Status.OPTIMAL and s.certified_by == "duals", s.check
    assert s.check is not None and s.check.dual_objective == pytest.approx(s.objective, abs=1e-6)
    other = solve(dataclasses.replace(model, c=np.zeros(model.num_vars)), backend)  # another feasible point
    assert other.x is not None
    mid = (np.asarray(s.x) + np.asarray(other.x)) / 2
    report = check_solution(model, mid, row_duals=s.row_duals)
    assert report.duality_gap == pytest.approx(abs(model.objective_value(mid) - s.objective), abs=1e-6)


# -- MIP gap from the solver's bound -----------------------------------------------------------------
def test_the_mip_gap_is_recomputed_from_the_bound_and_a_beaten_bound_fails() -> None:
    m = small_mip()  # max, optimum 26
    x = np.array([4.0, 0.0, 2.0])
    report = check_solution(m, x, 26.0, best_bound=26.5)
    assert report.passed and report.best_bound == 26.5 and report.mip_gap == pytest.approx(0.5 / 26)
    beaten = check_solution(m, x, 26.0, best_bound=25.0)  # a bound below the solver's own point
    assert not beaten.passed and beaten.worst == "best bound 25 (beaten by the objective 26)"
    s = solve(m, "highs")
    assert s.check is not None and s.check.mip_gap is not None and s.check.mip_gap <= 1e-6


# -- a second backend ----------------------------------------------------------------------------------
@pytest.mark.parametrize("backend", ["highs", "pulp-cbc", "ortools-scip", "ortools-cpsat"])
def test_agreeing_backends_certify_a_mip(backend: str) -> None:
    s = solve(small_mip(), backend, certify=True)
    assert s.status is Status.OPTIMAL and s.objective == pytest.approx(26)
    assert s.certified_by == SECOND[backend] != backend


def test_every_backend_has_a_second_of_another_family() -> None:
    def family(backend: str) -> str:
        return "highs" if "highs" in backend else backend

    assert set(SECOND) == set(backend_names())
    assert all(family(SECOND[b]) != family(b) for b in SECOND)


def _five_at_90() -> dict[str, Any]:
    data = five()
    data["pools"]["land"]["total_mu"] = 90
    return data


def test_the_highs_presolve_regression_is_caught() -> None:
    """The diagnosis of the portfolio with the land pool at 90 mu, on HiGHS with its presolve
    (what diagnose_resource_model turns off for HiGHS because of this): with HiGHS 1.14 one
    elastic model ends at 0.00714 labelled optimal where SCIP (and CBC) find 0.00476; certified,
    the diagnosis stops with both values. HiGHS 1.15 finds 0.00476 (the presolve fix of
    ERGO-Code/HiGHS#2961), so certification passes. Without presolve it certifies and names the
    right relaxation on either."""
    rm = build_resource_model(Instance.from_dict(_five_at_90()), "portfolio")

    def diagnosis(**options: Any) -> Any:
        return diagnose(rm.model, backend="highs", row_scale=rm.row_scale, unit=rm.unit, rules=rm.rules,
                        row_unit=rm.row_unit, qualify_labels=rm.qualify_labels, row_weight=rm.row_weight,
                        options=SolveOptions(certify=True, **options))

    if HIGHS_PRESOLVE_FIXED:
        d = diagnosis()
        assert d.relaxations[0].rule == "rev-1000" and d.relaxations[0].unit == "zones"
    else:
        with pytest.raises(CertificationError) as caught:
            diagnosis()
        message = str(caught.value)
        assert "model 'portfolio:five:elastic'" in message
        assert "highs found 0.007142857143 (optimal, bound 0.007142857143)" in message
        assert "ortools-scip found 0.004761904762 (optimal, bound 0.004761904762)" in message
    d = diagnosis(extra={"presolve": "off"})
    assert d.relaxations[0].rule == "rev-1000" and d.relaxations[0].unit == "zones"


def test_the_regression_through_the_command_line(tmp_path: Path) -> None:
    """``diagnose --backend pulp-highs`` reaches the same HiGHS presolve (the presolve-off
    workaround is for ``highs`` only): with HiGHS 1.14 it reports a wrong least change, and with
    ``--certify`` exits 4 with both backends' values; with 1.15 both name the right one."""
    path = write(tmp_path, _five_at_90())
    right = "lowering `rev-1000` by 1 zones (count −1)"
    code, out, err = run("diagnose", str(path), "--backend", "pulp-highs")
    if HIGHS_PRESOLVE_FIXED:
        assert code == 3 and right in out
        code, out, err = run("diagnose", str(path), "--backend", "pulp-highs", "--certify")
        assert code == 3 and right in out, err
    else:
        assert code == 3 and "by 1 share of the gap to the threshold" in out  # the wrong relaxation
        code, out, err = run("diagnose", str(path), "--backend", "pulp-highs", "--certify")
        assert code == 4 and err.count("\n") == 1
        assert ("certification failed for model 'portfolio:five:elastic': pulp-highs found 0.007142857143 "
                "(optimal, bound 0.007142857143) but ortools-scip found 0.004761904762") in err
    code, out, err = run("diagnose", str(path), "--certify")
    assert code == 3 and right in out


def test_a_failure_caught_along_the_way_still_exits_4(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``solve`` diagnoses an infeasible portfolio and, when that diagnosis fails, falls back on
    a cheaper message (exit 3); a certification failure inside it is still the run's answer.
    The failure: the certifying backend (SCIP) cannot confirm the diagnosis' elastic model
    (made to answer "no solution" for it), as HiGHS 1.14's presolve once made it disagree."""
    from zoneopt.core.backends.ortools_backend import ScipBackend

    real = ScipBackend.solve

    def unconfirmed(self: ScipBackend, model: Model, options: SolveOptions) -> Solution:
        if model.name.endswith(":elastic"):
            return Solution(Status.NO_SOLUTION, self.name, message="stopped (test)")
        return real(self, model, options)

    monkeypatch.setattr(ScipBackend, "solve", unconfirmed)
    code, _, err = run("solve", str(write(tmp_path, _five_at_90())), "--certify")
    assert code == 4 and "certification failed" in err and "could not confirm the optimum (no_solution" in err


@pytest.mark.parametrize(("first", "second", "expected"), [
    (Status.OPTIMAL, Status.OPTIMAL, None),
    (Status.INFEASIBLE, Status.INFEASIBLE, None),
    (Status.INFEASIBLE, Status.OPTIMAL, "found a point that passes the independent check"),
    (Status.OPTIMAL, Status.INFEASIBLE, "could not confirm the optimum (infeasible"),
    (Status.OPTIMAL, Status.NO_SOLUTION, "could not confirm the optimum (no_solution"),
    (Status.INFEASIBLE, Status.NO_SOLUTION, "could not confirm the infeasibility"),
])
def test_what_counts_as_disagreement(first: Status, second: Status, expected: str | None) -> None:
    m = small_mip()
    point = {"objective": 26.0, "best_bound": 26.0, "x": np.array([4.0, 0.0, 2.0])}
    a = Solution(first, "highs", **(point if first.has_solution else {}))
    b = Solution(second, "ortools-scip", **(point if second.has_solution else {}))
    found = disagreement(m, a, b, 1e-6)
    assert (found is None) if expected is None else (expected in found)


def test_a_better_point_than_the_bound_is_a_disagreement_either_way() -> None:
    m = small_mip()  # max
    first = Solution(Status.OPTIMAL, "highs", objective=25.0, best_bound=25.0)
    second = Solution(Status.FEASIBLE, "pulp-cbc", objective=26.0, best_bound=30.0)
    assert disagreement(m, first, second, 1e-6) == "pulp-cbc's point beats highs's bound"
    first = Solution(Status.OPTIMAL, "highs", objective=27.0, best_bound=27.0)
    second = Solution(Status.OPTIMAL, "pulp-cbc", objective=26.0, best_bound=26.0)
    assert disagreement(m, first, second, 1e-6) == ("highs's point beats pulp-cbc's bound: "
                                                    "pulp-cbc's optimum is not one")


def test_certifying_collects_failures_and_nests_no_certification() -> None:
    b = ModelBuilder("tiny", sense="max")
    b.add_vars("y", 2, ub=3, obj=[1, 2], integer=True)
    b.add_rows("cap", [[1, 1]], ub=4)
    m = b.build()
    with certifying(True) as failures:
        s = solve(m, "highs")
    assert s.certified_by == "ortools-scip" and failures == []
    with certifying("pulp-cbc"):
        assert solve(m, "highs").certified_by == "pulp-cbc"
    assert solve(copy.copy(m), "highs").certified_by is None


def test_the_land_example_is_certified_in_the_plans_units() -> None:
    """The models say what their objective's unit is: the land example's dual objective is the
    plan's objective in 万元/yr, and its duality gap is measured in the same unit (its zones
    under the standard rules: an LP, so it has duals)."""
    from land_cases import standard_example

    from zoneopt import solve_land
    from zoneopt.models.land_quota import build_land_model

    inst = standard_example()
    lm = build_land_model(inst)
    s = solve(lm.model, "highs")
    plan = solve_land(inst)
    assert s.certified_by == "duals" and s.check is not None
    assert s.check.objective_unit == plan.summary.objective_unit == lm.objective_unit
    assert s.check.dual_objective == pytest.approx(plan.summary.objective, rel=1e-9)
    assert s.check.duality_gap is not None and s.check.duality_gap <= 1e-6 * plan.summary.objective
