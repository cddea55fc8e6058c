"""BatchLP: variants of one LP solved warm-started in one HiGHS instance must give what a fresh
solve of the same variant gives, pass the independent checker, and prove infeasibility with a
Farkas certificate that numpy verifies."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from zoneopt.core import ModelBuilder, Status, solve
from zoneopt.core.batch import BatchLP, farkas_certificate
from zoneopt.errors import ModelError, UnsupportedModelError


def _diet(seed: int = 0, n: int = 6, m: int = 4):
    """min c x s.t. A x >= b, 0 <= x <= 10: feasible, bounded."""
    rng = np.random.default_rng(seed)
    b = ModelBuilder("diet", "min")
    b.add_vars("x", n, ub=10.0, obj=rng.uniform(1, 5, n))
    b.add_rows("need", rng.uniform(0.5, 3, (m, n)), lb=rng.uniform(1, 4, m))
    return b.build()


def test_variants_match_fresh_solves_and_pass_the_checker() -> None:
    model = _diet()
    lp = BatchLP(model)
    rng = np.random.default_rng(1)
    for _ in range(12):
        lp.set_row_bounds([0, 2], rng.uniform(1, 6, 2), [np.inf, np.inf])
        lp.set_costs([1, 3], rng.uniform(0.5, 6, 2))
        lp.set_coeffs([1, 3], [0, 5], rng.uniform(0.5, 3, 2))
        lp.set_col_bounds([4], [0.0], [rng.uniform(0.5, 10)])
        got = lp.solve()
        fresh = solve(lp.model(), "highs")
        assert got.status is Status.OPTIMAL and fresh.status is Status.OPTIMAL
        assert got.objective == pytest.approx(fresh.objective, rel=1e-9, abs=1e-9)
        assert lp.check(got).passed
        # the duals follow the core convention: c == A.T @ y + d
        assert got.row_duals is not None and got.reduced_costs is not None
        A = lp.matrix()
        np.testing.assert_allclose(A.T @ got.row_duals + got.reduced_costs, lp.model().c, atol=1e-9)
    assert lp.solves == 12


def test_warm_start_needs_fewer_iterations_than_cold() -> None:
    """Re-solving after a small change starts from the last basis: the second solve of an
    unchanged LP takes no simplex iterations."""
    lp = BatchLP(_diet(seed=3, n=30, m=12))
    first = lp.solve()
    again = lp.solve()
    assert first.iterations > 0
    assert again.iterations == 0 and again.objective == pytest.approx(first.objective)


def test_added_columns_enter_the_model() -> None:
    model = _diet(seed=2)
    lp = BatchLP(model)
    before = lp.solve().objective
    # a cheap column that covers every need: the optimum must fall
    new = lp.add_cols(sp.csc_matrix(np.full((model.num_rows, 1), 3.0)), cost=0.1, ub=10.0)
    assert new.tolist() == [model.num_vars]
    after = lp.solve()
    fresh = solve(lp.model(), "highs")
    assert after.objective is not None and before is not None
    assert after.objective < before
    assert after.objective == pytest.approx(fresh.objective, rel=1e-9)
    assert lp.check(after).passed


def test_infeasible_variant_is_proved_by_its_dual_ray() -> None:
    model = _diet(seed=4)
    lp = BatchLP(model)
    lp.set_row_bounds([0], [1e6], [np.inf])  # more than 10 per variable can give
    sol = lp.solve()
    assert sol.status is Status.INFEASIBLE
    assert sol.dual_ray is not None
    assert lp.farkas(sol.dual_ray)
    # the same ray does not prove the feasible variant infeasible
    lp.set_row_bounds([0], [1.0], [np.inf])
    assert lp.solve().status is Status.OPTIMAL
    assert not lp.farkas(sol.dual_ray)


def test_farkas_certificate_by_hand() -> None:
    """x1 + x2 >= 3 with 0 <= x <= 1 is infeasible: the ray y = 1 gives r >= 3 > max(x1 + x2) = 2."""
    A = sp.csr_matrix(np.array([[1.0, 1.0]]))
    args = (A, np.array([3.0]), np.array([np.inf]), np.zeros(2), np.ones(2))
    assert farkas_certificate(*args, np.array([1.0]))
    assert farkas_certificate(*args, np.array([-2.0]))  # either sign
    assert not farkas_certificate(A, np.array([2.0]), np.array([np.inf]), np.zeros(2), np.ones(2), np.array([1.0]))
    assert not farkas_certificate(*args, np.array([np.nan]))


def test_bad_calls_are_refused() -> None:
    lp = BatchLP(_diet())
    with pytest.raises(ModelError, match="out of range"):
        lp.set_row_bounds([99], [0.0], [1.0])
    with pytest.raises(ModelError, match="NaN or infinite"):
        lp.set_coeffs([0], [0], [np.nan])
    with pytest.raises(ModelError, match="rows"):
        lp.add_cols(np.ones((1, 1)))
    b = ModelBuilder("mip")
    b.add_vars("x", 1, ub=1.0, integer=True)
    with pytest.raises(UnsupportedModelError, match="LPs only"):
        BatchLP(b.build())
