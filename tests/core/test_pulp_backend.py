"""The PuLP backends (``pulp-cbc``, ``pulp-highs``) against hand-solved models and the HiGHS
reference backend, always through ``zoneopt.core.solve`` so the independent checker runs."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from zoneopt.core import Model, ModelBuilder, Solution, Status, solve
from zoneopt.core.backends import pulp_backend
from zoneopt.errors import NoSolutionError

PULP = ["pulp-cbc", "pulp-highs"]


def _close(a: float | None, b: float | None, rel: float = 1e-6) -> bool:
    assert a is not None and b is not None
    return abs(a - b) <= rel * max(1.0, abs(a), abs(b))


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point every temporary-file default (Python's and PuLP's) at an empty directory, so a
    file left behind by a solve is visible."""
    root = tmp_path / "tmp"
    root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(root))
    for var in ("TMPDIR", "TMP", "TEMP"):
        monkeypatch.setenv(var, str(root))
    return root


def _leftovers(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


# -- models --------------------------------------------------------------------------------------
def lp_min() -> Model:
    """min 2x + 3y + z  s.t.  r0: x + y >= 4,  r1: x - y <= 2,  0<=x<=10, y>=0, 1<=z<=5.

    By hand: z sits at its lower bound 1; x is cheaper than y, so r1 binds: x - y = 2 and
    x + y = 4 give x = 3, y = 1; objective 6 + 3 + 1 = 10. Duals from the basic columns x, y:
    2 = u0 + u1, 3 = u0 - u1 -> u0 = 2.5 (one more unit of demand costs 2.5), u1 = -0.5
    (relaxing r1 saves 0.5); reduced costs d = c - A.T u = (0, 0, 1). Non-degenerate: x, y > 0
    basic, both rows binding, z strictly at a bound with d_z != 0.
    """
    b = ModelBuilder("lp min", "min")
    b.add_vars("x", 2, lb=0, ub=[10, np.inf], obj=[2, 3])
    b.add_vars("z", 1, lb=1, ub=5, obj=1)
    b.add_rows("r", sp.csr_matrix([[1, 1, 0], [1, -1, 0]]), lb=[4, -np.inf], ub=[np.inf, 2])
    return b.build()


def lp_max() -> Model:
    """max 3x + 2y + 5  s.t.  r0: x + y <= 4,  r1: x + 3y <= 9,  0<=x<=3, y>=0.

    By hand: x is worth more per unit of r0, so x = 3 (its bound) and y = 4 - 3 = 1; r1 has
    3 + 3 = 6 < 9, slack. Objective 9 + 2 + 5 = 16. Duals: y basic -> 2 = u0, u1 = 0; x at its
    upper bound -> d_x = 3 - u0 = 1 (one more unit of x's bound is worth 1), d_y = 0.
    Non-degenerate: y and r1's slack basic and positive.
    """
    b = ModelBuilder("lp max", "max")
    b.add_vars("x", 2, lb=0, ub=[3, np.inf], obj=[3, 2])
    b.add_rows("r", sp.csr_matrix([[1, 1], [1, 3]]), ub=[4, 9])
    b.c0 = 5.0
    return b.build()


HAND_LP = {
    "min": (lp_min, 10.0, [3, 1, 1], [2.5, -0.5], [0, 0, 1]),
    "max": (lp_max, 16.0, [3, 1], [2.0, 0.0], [1, 0]),
}


def ranged_lp(sense: str) -> Model:
    """Rows: r0: x + y + z == 10 (equality), r1: 2 <= x - y <= 4 (ranged), r2: x + z free.

    min x + 2y + 3z: fill r0 with x as far as r1 allows -> r1 at its upper bound: x - y = 4,
    x + y = 10 -> (7, 3, 0), objective 7 + 6 = 13. Duals: 1 = u0 + u1, 2 = u0 - u1 ->
    u0 = 1.5, u1 = -0.5; d_z = 3 - 1.5 = 1.5; free row dual 0.

    max x + 3y: push y up until r1 reaches its lower bound: x - y = 2, x + y = 10 -> (6, 4, 0),
    objective 6 + 12 = 18. Duals: 1 = u0 + u1, 3 = u0 - u1 -> u0 = 2, u1 = -1 (raising r1's
    lower bound by one costs 1); d_z = 0 - 2 = -2.
    """
    b = ModelBuilder(f"ranged {sense}", sense)  # type: ignore[arg-type]
    b.add_vars("v", 3, lb=0, obj=[1, 2, 3] if sense == "min" else [1, 3, 0])
    b.add_rows("r", sp.csr_matrix([[1, 1, 1], [1, -1, 0], [1, 0, 1]]),
               lb=[10, 2, -np.inf], ub=[10, 4, np.inf])
    return b.build()


HAND_RANGED = {
    "min": (13.0, [7, 3, 0], [1.5, -0.5, 0.0], [0, 0, 1.5]),
    "max": (18.0, [6, 4, 0], [2.0, -1.0, 0.0], [0, 0, -2]),
}


def knapsack() -> Model:
    """0-1 knapsack: values (10, 13, 7, 8), weights (5, 7, 4, 3), capacity 10.

    By hand: any three items weigh at least 3 + 4 + 5 = 12 > 10, so at most two; the feasible
    pairs are {0,2} 17, {0,3} 18, {1,3} 21, {2,3} 15 ({0,1} and {1,2} weigh 12 and 11).
    Optimum 21 with items 1 and 3.
    """
    b = ModelBuilder("knapsack", "max")
    b.add_vars("take", 4, ub=1, obj=[10, 13, 7, 8], integer=True)
    b.add_rows("cap", np.array([[5, 7, 4, 3]]), ub=10)
    return b.build()


def multi_knapsack(seed: int, n: int = 60, k: int = 5) -> Model:
    """A random 60-item, 5-constraint 0-1 knapsack, each capacity half the row's total weight:
    HiGHS needs seconds to prove optimality, so a 0.01 s limit stops every solver early."""
    rng = np.random.default_rng(seed)
    w = rng.integers(20, 100, size=(k, n))
    v = rng.integers(20, 100, size=n) + w.sum(axis=0) // k
    b = ModelBuilder(f"mknap{seed}", "max")
    b.add_vars("x", n, ub=1, obj=v, integer=True)
    b.add_rows("cap", w, ub=w.sum(axis=1) // 2)
    return b.build()


def _check_dual_identity(model: Model, sol: Solution) -> None:
    assert sol.row_duals is not None and sol.reduced_costs is not None
    np.testing.assert_allclose(model.c, model.A.T @ sol.row_duals + sol.reduced_costs, atol=1e-7)


# -- LPs -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("backend", PULP)
@pytest.mark.parametrize("sense", ["min", "max"])
def test_lp_optimum_and_duals_match_highs(backend: str, sense: str) -> None:
    """Objective, point, row duals and reduced costs equal the hand values (see the model
    docstrings) and the HiGHS backend's, in the model's own sense, and c == A.T@y + d."""
    make, obj, x, y, d = HAND_LP[sense]
    model = make()
    ref = solve(model, "highs")
    sol = solve(model, backend)
    assert sol.status is Status.OPTIMAL and sol.backend == backend
    assert sol.check is not None and sol.check.passed
    assert _close(sol.objective, ref.objective) and _close(sol.objective, obj)
    np.testing.assert_allclose(sol.x, x, atol=1e-7)
    np.testing.assert_allclose(sol.row_duals, ref.row_duals, atol=1e-7)
    np.testing.assert_allclose(sol.reduced_costs, ref.reduced_costs, atol=1e-7)
    np.testing.assert_allclose(sol.row_duals, y, atol=1e-7)
    np.testing.assert_allclose(sol.reduced_costs, d, atol=1e-7)
    _check_dual_identity(model, sol)
    assert sol.runtime > 0


@pytest.mark.parametrize("backend", PULP)
@pytest.mark.parametrize("sense", ["min", "max"])
def test_ranged_and_equality_rows(backend: str, sense: str) -> None:
    """A ranged row (sent to PuLP as two constraints, duals summed back), an equality row and a
    free row: values and duals as in :func:`ranged_lp`'s docstring and as HiGHS's."""
    model = ranged_lp(sense)
    obj, x, y, d = HAND_RANGED[sense]
    ref = solve(model, "highs")
    sol = solve(model, backend)
    assert sol.status is Status.OPTIMAL
    assert _close(sol.objective, obj) and _close(sol.objective, ref.objective)
    np.testing.assert_allclose(sol.x, x, atol=1e-7)
    np.testing.assert_allclose(sol.row_duals, y, atol=1e-7)
    np.testing.assert_allclose(sol.row_duals, ref.row_duals, atol=1e-7)
    np.testing.assert_allclose(sol.reduced_costs, d, atol=1e-7)
    _check_dual_identity(model, sol)


def test_translation_maps_rows() -> None:
    """The PuLP problem has unique safe names and the row map of :func:`ranged_lp`: the
    equality and the one-sided row one constraint each, the ranged row two, the free row none."""
    import pulp

    pm = pulp_backend.to_pulp(ranged_lp("min"))
    assert [v.name for v in pm.variables] == ["x0", "x1", "x2"]
    assert [c.name for c in pm.constraints] == ["r0", "r1_lo", "r1_up"]
    assert pm.owner.tolist() == [0, 1, 1]
    assert [c.sense for c in pm.constraints] == [pulp.LpConstraintEQ, pulp.LpConstraintGE,
                                                 pulp.LpConstraintLE]


# -- MIPs and statuses ---------------------------------------------------------------------------
@pytest.mark.parametrize("backend", PULP)
def test_knapsack_optimum(backend: str) -> None:
    """The 4-item knapsack of :func:`knapsack`: optimum 21 taking items 1 and 3; no duals."""
    sol = solve(knapsack(), backend)
    assert sol.status is Status.OPTIMAL
    assert sol.objective == pytest.approx(21.0)
    np.testing.assert_allclose(sol.x, [0, 1, 0, 1], atol=1e-9)
    assert sol.row_duals is None and sol.reduced_costs is None
    assert sol.best_bound == pytest.approx(21.0, abs=1e-6)


@pytest.mark.parametrize("backend", PULP)
@pytest.mark.parametrize("integer", [False, True])
def test_infeasible(backend: str, integer: bool, private_tmp: Path) -> None:
    """x <= 1 by bound and x >= 2 by row: infeasible as an LP and as a MIP; CBC's temporary
    files are gone afterwards."""
    b = ModelBuilder("infeasible")
    b.add_vars("x", 1, lb=0, ub=1, obj=1, integer=integer)
    b.add_rows("need", np.array([[1.0]]), lb=2)
    sol = solve(b.build(), backend)
    assert sol.status is Status.INFEASIBLE and sol.x is None
    assert _leftovers(private_tmp) == []


@pytest.mark.parametrize("backend", PULP)
def test_integer_infeasible(backend: str) -> None:
    """2x == 3 with x integer: the LP relaxation is feasible (x = 1.5), the MIP is not."""
    b = ModelBuilder("odd")
    b.add_vars("x", 1, ub=10, obj=1, integer=True)
    b.add_rows("even", np.array([[2.0]]), lb=3, ub=3)
    assert solve(b.build(), backend).status is Status.INFEASIBLE


@pytest.mark.parametrize("backend", PULP)
@pytest.mark.parametrize("integer", [False, True])
def test_unbounded(backend: str, integer: bool) -> None:
    """max x + y with x - y <= 2, x, y >= 0: (t, t) is feasible for every t, so unbounded."""
    b = ModelBuilder("unbounded", "max")
    b.add_vars("v", 2, obj=1, integer=[integer, False])
    b.add_rows("r", np.array([[1.0, -1.0]]), ub=2)
    assert solve(b.build(), backend).status is Status.UNBOUNDED


def test_crossed_variable_bounds_cbc() -> None:
    """lb 2 > ub 1: CBC would refuse the file; the backend reports infeasible as HiGHS does."""
    b = ModelBuilder("crossed")
    b.add_vars("x", 1, lb=2, ub=1, obj=1)
    model = b.build()
    assert solve(model, "highs").status is Status.INFEASIBLE
    assert solve(model, "pulp-cbc").status is Status.INFEASIBLE


@pytest.mark.parametrize("backend", PULP)
@pytest.mark.parametrize("seed,time_limit", [(0, 0.001), (0, 0.01), (3, 0.01)])
def test_time_limit_never_claims_optimal(backend: str, seed: int, time_limit: float,
                                         private_tmp: Path) -> None:
    """A tiny time limit on :func:`multi_knapsack`: FEASIBLE (a checked point, no better than
    the LP bound) or NO_SOLUTION; OPTIMAL only if the objective really is HiGHS's optimum; never
    INFEASIBLE (CBC 2.10 cut short in preprocessing says "Integer infeasible" for this feasible
    model, and PuLP calls "Stopped on time" optimal). No temporary file remains."""
    model = multi_knapsack(seed)
    sol = solve(model, backend, time_limit=time_limit)
    assert sol.status in (Status.FEASIBLE, Status.NO_SOLUTION, Status.OPTIMAL), sol.message
    if sol.status is Status.OPTIMAL:
        ref = solve(model, "highs")
        assert _close(sol.objective, ref.objective)
    if sol.status is Status.FEASIBLE:
        assert sol.check is not None and sol.check.passed
        relaxed = Model(**{**vars(model), "integer": np.zeros(model.num_vars, dtype=bool)})
        assert sol.objective is not None
        assert sol.objective <= solve(relaxed, "highs").objective + 1e-6
    else:
        assert sol.x is None or sol.status is Status.OPTIMAL
    assert _leftovers(private_tmp) == []


# -- temporary files, logging, failures ----------------------------------------------------------
def test_cbc_files_removed_on_success(private_tmp: Path) -> None:
    """Solving leaves the temporary directory exactly as it was (empty)."""
    before = _leftovers(private_tmp)
    assert solve(knapsack(), "pulp-cbc").status is Status.OPTIMAL
    assert _leftovers(private_tmp) == before == []


def test_cbc_files_removed_when_pulp_fails(private_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A PuLP solver error after CBC ran (its MPS, solution and log files written) surfaces as
    NoSolutionError, and an unexpected exception propagates; either way no file remains."""
    import pulp

    cls = pulp_backend._cbc_class()

    def broken(self: object, filename: str) -> object:
        raise pulp.PulpSolverError("unreadable solution")

    monkeypatch.setattr(cls, "get_status", broken)
    with pytest.raises(NoSolutionError, match="unreadable solution"):
        solve(knapsack(), "pulp-cbc")
    assert _leftovers(private_tmp) == []

    def crash(self: object, filename: str) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr(cls, "get_status", crash)
    with pytest.raises(KeyboardInterrupt):
        solve(knapsack(), "pulp-cbc")
    assert _leftovers(private_tmp) == []


@pytest.mark.parametrize("backend", PULP)
def test_quiet_by_default_and_verbose_goes_to_logger(
        backend: str, capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture) -> None:
    """Nothing reaches stdout/stderr, verbose or not; with verbose the solver's log lines are
    records of the ``zoneopt.solver`` logger."""
    solve(knapsack(), backend)
    out, err = capfd.readouterr()
    assert out == "" and err == ""
    with caplog.at_level(logging.INFO, logger="zoneopt.solver"):
        solve(knapsack(), backend, verbose=True)
    out, err = capfd.readouterr()
    assert out == "" and err == ""
    text = "\n".join(r.getMessage() for r in caplog.records if r.name == "zoneopt.solver")
    assert ("CBC" in text) if backend == "pulp-cbc" else ("HiGHS" in text)


@pytest.mark.parametrize("backend", PULP)
@pytest.mark.parametrize("integer", [False, True])
def test_full_precision_values(backend: str, integer: bool) -> None:
    """A balance row over values in the thousands: r0: t - a - b == 0 with a == 1000.123456789
    and b == 234.444444444 (rows r1, r2), min t (+ -z with z integer <= 3.5 for the MIP).

    By hand t = 1234.567901233 (and z = 3). CBC's text solution has 8 significant digits
    (1234.5679 - 1000.1235 - 234.44444 = -4.4e-5 on a row with bound 0, far outside the
    checker's 1e-6), so the values must come from CBC's binary solution."""
    b = ModelBuilder("balance")
    b.add_vars("v", 3, obj=[1, 0, 0])
    b.add_vars("z", 1, ub=3.5, obj=-1, integer=integer)
    b.add_rows("r", np.array([[1, -1, -1, 0], [0, 1, 0, 0], [0, 0, 1, 0]], dtype=float),
               lb=[0, 1000.123456789, 234.444444444], ub=[0, 1000.123456789, 234.444444444])
    sol = solve(b.build(), backend)
    assert sol.status is Status.OPTIMAL and sol.check is not None and sol.check.passed
    assert sol.x is not None
    assert sol.x[0] == pytest.approx(1234.567901233, abs=1e-9)
    assert sol.x[3] == pytest.approx(3.0 if integer else 3.5, abs=1e-9)
    assert sol.objective == pytest.approx(1234.567901233 - sol.x[3], abs=1e-9)
    if not integer:
        # t's cost 1 is paid through r0 and passed on to r1 and r2: duals (1, 1, 1), d_z = -1.
        np.testing.assert_allclose(sol.row_duals, [1, 1, 1], atol=1e-9)
        np.testing.assert_allclose(sol.reduced_costs, [0, 0, 0, -1], atol=1e-9)
