"""The independent checker: it accepts a solver's untampered answer, rejects a tampered one with
``worst`` naming the variable or row at fault, and ``solve`` refuses (SolutionCheckError) to
report a backend's point that fails it."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import scipy.sparse as sp

from zoneopt.core import Model, ModelBuilder, Solution, Status, backend_names, check_solution, get_backend, solve
from zoneopt.errors import SolutionCheckError, UnsupportedModelError

BACKENDS = backend_names()


def small_lp() -> Model:
    """max 3 a1 + 2 a2 + 4 a3 - s; optimum a = (3, 2, 5), s = 0, objective 33.

    a3 sits at its upper bound 5, row ``cap[total]`` binds at 10, ``mix[z1]`` binds at 1,
    ``floor[z2]`` has slack 1; ``spare`` is in no row."""
    b = ModelBuilder("small-lp", sense="max")
    b.add_vars("area", 3, ub=[4, 6, 5], obj=[3, 2, 4], labels=["z1", "z2", "z3"])
    b.add_vars("spare", 1, ub=2, obj=-1)
    b.add_rows("cap", [[1, 1, 1, 0]], ub=10, labels=["total"])
    b.add_rows("mix", [[1, -1, 0, 0]], ub=1, labels=["z1"])
    b.add_rows("floor", [[0, 1, 0, 0]], lb=1, labels=["z2"])
    return b.build()


def small_mip() -> Model:
    """max 5 u1 + 4 u2 + 3 y, all integer; optimum u = (4, 0), y = 2, objective 26."""
    b = ModelBuilder("small-mip", sense="max")
    b.add_vars("units", 2, ub=10, obj=[5, 4], integer=True)
    b.add_vars("y", 1, ub=2, obj=3, integer=True)
    b.add_rows("cap", [[6, 4, 0]], ub=24, labels=["steel"])
    b.add_rows("labour", [[1, 2, 0]], ub=6)
    b.add_rows("link", [[1, 0, 1]], ub=10)
    return b.build()


@pytest.fixture(scope="module")
def lp_solution() -> tuple[Model, Solution]:
    m = small_lp()
    return m, solve(m, "highs")


@pytest.fixture(scope="module")
def mip_solution() -> tuple[Model, Solution]:
    m = small_mip()
    return m, solve(m, "highs")


def test_highs_answers_are_the_known_optima(lp_solution, mip_solution):
    m, s = lp_solution
    np.testing.assert_allclose(s.x, [3, 2, 5, 0], atol=1e-9)
    assert s.objective == pytest.approx(33)
    m, s = mip_solution
    np.testing.assert_allclose(s.x, [4, 0, 2], atol=1e-9)
    assert s.objective == pytest.approx(26)


@pytest.mark.parametrize("which", ["lp", "mip"])
def test_untampered_solution_passes(which, lp_solution, mip_solution):
    m, s = lp_solution if which == "lp" else mip_solution
    report = check_solution(m, s.x, s.objective)
    assert report.passed and report.worst is None
    assert report.max_bound_violation <= 1e-9
    assert report.max_row_violation <= 1e-9
    assert report.max_integrality_violation <= 1e-9
    assert report.objective_error <= 1e-9
    assert s.check is not None and s.check.passed   # solve attached the same check


def _tampered(x: np.ndarray, changes: dict[int, float]) -> np.ndarray:
    y = np.array(x, dtype=float)
    for j, delta in changes.items():
        y[j] += delta
    return y


@pytest.mark.parametrize("changes, worst, field, amount", [
    # a3 over its upper bound 5 (a1 lowered to keep cap[total] at 10: no row is touched)
    ({2: 0.3, 0: -0.3}, "bound of variable area[z3]", "max_bound_violation", 0.3),
    # spare below its lower bound 0 (it is in no row)
    ({3: -0.5}, "bound of variable spare[0]", "max_bound_violation", 0.5),
    # a2 up by 0.5: within its bounds, cap[total] goes to 10.5
    ({1: 0.5}, "row cap[total]", "max_row_violation", 0.5),
    # a1 up by 0.5, a3 down by 0.5: cap unchanged, mix[z1] = a1 - a2 goes to 1.5
    ({0: 0.5, 2: -0.5}, "row mix[z1]", "max_row_violation", 0.5),
    # a2 down by 1.5 and a1 down by 1.5: floor[z2] (a2 >= 1) goes to 0.5
    ({1: -1.5, 0: -1.5}, "row floor[z2]", "max_row_violation", 0.5),
])
def test_lp_tampering_is_caught_and_located(lp_solution, changes, worst, field, amount):
    m, s = lp_solution
    x = _tampered(s.x, changes)
    report = check_solution(m, x, m.objective_value(x))   # objective consistent: not the fault
    assert not report.passed
    assert report.worst == worst
    assert getattr(report, field) == pytest.approx(amount, abs=1e-9)


def test_fractional_integer_is_caught_and_located(mip_solution):
    m, s = mip_solution
    x = _tampered(s.x, {0: -0.5})   # u1 = 3.5: every row still holds
    report = check_solution(m, x, m.objective_value(x))
    assert not report.passed
    assert report.worst == "integrality of units[0]"
    assert report.max_integrality_violation == pytest.approx(0.5)
    assert report.max_row_violation == 0.0 and report.max_bound_violation == 0.0


@pytest.mark.parametrize("which", ["lp", "mip"])
def test_misreported_objective_is_caught(which, lp_solution, mip_solution):
    m, s = lp_solution if which == "lp" else mip_solution
    report = check_solution(m, s.x, s.objective + 1.0)
    assert not report.passed
    assert report.worst == "reported objective"
    assert report.objective_error == pytest.approx(1.0 / abs(s.objective), rel=1e-6)
    # a difference inside the tolerance is not a fault
    assert check_solution(m, s.x, s.objective * (1 + 1e-9)).passed


def test_objective_not_given_is_not_checked(lp_solution):
    m, s = lp_solution
    report = check_solution(m, s.x)
    assert report.passed and report.objective_error == 0.0


@pytest.mark.parametrize("x", [np.array([3.0, 2.0, 5.0]), np.array([3.0, np.nan, 5.0, 0.0]),
                               np.array([3.0, 2.0, np.inf, 0.0])])
def test_wrong_length_or_nonfinite_vector_fails(lp_solution, x):
    m, _ = lp_solution
    report = check_solution(m, x)
    assert not report.passed
    assert "shape" in report.worst or "non-finite" in report.worst


def test_tolerance_is_scaled_by_the_bound():
    # a row bound of 1e6 violated by 0.5 is 5e-7 relative: inside 1e-6; by 5 it is not
    b = ModelBuilder("scaled")
    b.add_vars("x", 1, ub=2e6)
    b.add_rows("big", [[1.0]], ub=1e6)
    m = b.build()
    assert check_solution(m, np.array([1e6 + 0.5])).passed
    report = check_solution(m, np.array([1e6 + 5]))
    assert not report.passed and report.worst == "row big[0]"
    # near zero the tolerance is absolute
    assert not check_solution(m, np.array([-2e-6])).passed
    assert check_solution(m, np.array([-5e-7])).passed


def test_worst_is_the_largest_scaled_violation():
    b = ModelBuilder("two")
    b.add_vars("x", 2, ub=[1, 100])
    b.add_rows("r", sp.csr_matrix([[1.0, 0.0]]), ub=0.5)
    m = b.build()
    # x0 = 1.2: bound excess 0.2 (scaled 0.2), row excess 0.7 (scaled 0.7); x1 = 110: 10/100 = 0.1
    report = check_solution(m, np.array([1.2, 110.0]))
    assert report.worst == "row r[0]"
    assert report.max_bound_violation == pytest.approx(10.0)   # absolute, not scaled


# -- solve() refuses a bad point from any backend -------------------------------------------------
def _model_for(cls) -> Model:
    """The small LP for a backend that takes continuous variables, else the all-integer MIP."""
    return small_lp() if cls.continuous else small_mip()


def _tamper_solution(kind: str, model: Model, sol: Solution) -> Solution:
    x = np.array(sol.x, dtype=float)
    if kind == "bound":
        j = int(np.flatnonzero(np.isfinite(model.ub))[0])
        x[j] = model.ub[j] + 0.5
        return dataclasses.replace(sol, x=x, objective=model.objective_value(x))
    if kind == "objective":
        return dataclasses.replace(sol, objective=sol.objective + 10.0)
    if kind == "feasible-status":
        x[0] += 0.5
        return dataclasses.replace(sol, x=x, status=Status.FEASIBLE,
                                   objective=model.objective_value(x))
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["bound", "objective", "feasible-status"])
@pytest.mark.parametrize("backend", BACKENDS)
def test_solve_raises_when_backend_returns_a_bad_point(backend, kind, monkeypatch):
    cls = get_backend(backend)
    model = _model_for(cls)
    if (model.is_mip and not cls.integer) or (not cls.continuous and not model.integer.all()):
        with pytest.raises(UnsupportedModelError):
            solve(model, backend)
        return
    honest = solve(model, backend, mip_gap=1e-9)
    assert honest.status is Status.OPTIMAL and honest.check.passed

    original = cls.solve
    returned: list[Solution] = []

    def lying_solve(self, m, options):
        returned.append(_tamper_solution(kind, m, original(self, m, options)))
        return returned[-1]

    monkeypatch.setattr(cls, "solve", lying_solve)
    with pytest.raises(SolutionCheckError) as info:
        solve(model, backend)
    text = str(info.value)
    assert repr(backend) in text and repr(model.name) in text and "independent check" in text
    worst = check_solution(model, returned[-1].x, returned[-1].objective).worst
    assert worst and f"({worst};" in text
    if kind == "objective":
        assert worst == "reported objective"
    assert info.value.exit_code == 4


@pytest.mark.parametrize("backend", BACKENDS)
def test_backend_that_cannot_take_a_model_says_so(backend):
    """Every backend either solves both small models or raises UnsupportedModelError."""
    cls = get_backend(backend)
    for model in (small_lp(), small_mip()):
        fits = (cls.integer or not model.is_mip) and (cls.continuous or bool(model.integer.all()))
        if fits:
            s = solve(model, backend, mip_gap=1e-9)
            assert s.status is Status.OPTIMAL, (backend, model.name, s.message)
            assert s.objective == pytest.approx(26 if model.is_mip else 33, rel=1e-6)
        else:
            with pytest.raises(UnsupportedModelError, match=backend):
                solve(model, backend)


def test_statuses_without_a_point_are_not_checked(monkeypatch):
    cls = get_backend("highs")
    model = small_lp()
    monkeypatch.setattr(cls, "solve", lambda self, m, o: Solution(
        Status.INFEASIBLE, "highs", x=np.full(m.num_vars, np.nan), message="said so"))
    s = solve(model, "highs")
    assert s.status is Status.INFEASIBLE and s.check is None
