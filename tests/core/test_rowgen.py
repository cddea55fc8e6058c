"""Row generation (:func:`zoneopt.core.rowgen.solve_lazy`): the optimum of the whole LP, duals
that certify it on the whole LP, an infeasible relaxation reported infeasible, an unbounded one
solved whole, MIPs refused."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from zoneopt.core import Model, ModelBuilder, Status, solve
from zoneopt.core.rowgen import solve_lazy
from zoneopt.errors import UnsupportedModelError


def chain(n: int = 30, seed: int = 0) -> tuple[Model, np.ndarray]:
    """max Σ c_i x_i, Σ x ≤ n/3, 0 ≤ x ≤ 1, x_i ≥ x_{i+1} (the held rows): the chain makes the
    greedy choice of the relaxation wrong, so rows must be added."""
    rng = np.random.default_rng(seed)
    b = ModelBuilder("chain", "max")
    b.add_vars("x", n, ub=1.0, obj=rng.uniform(0.1, 1.0, n))
    b.add_rows("pool", np.ones((1, n)), ub=n / 3)
    A = sp.csr_matrix((np.r_[np.ones(n - 1), -np.ones(n - 1)], (np.r_[np.arange(n - 1), np.arange(n - 1)],
                                                                  np.r_[np.arange(n - 1), np.arange(1, n)])))
    b.add_rows("order", A, lb=0.0)
    m = b.build()
    held = np.zeros(m.num_rows, dtype=bool)
    held[1:] = True
    return m, held


@pytest.mark.parametrize("seed", range(5))
def test_row_generation_reaches_the_whole_optimum_with_its_duals(seed: int) -> None:
    m, held = chain(seed=seed)
    whole = solve(m)
    lazy = solve_lazy(m, held)
    assert lazy.status is Status.OPTIMAL and lazy.check is not None and lazy.check.passed
    assert lazy.objective == pytest.approx(whole.objective, rel=1e-9)
    assert "rounds of row generation" in lazy.message
    assert lazy.row_duals is not None and lazy.reduced_costs is not None
    assert np.abs(m.c - m.A.T @ lazy.row_duals - lazy.reduced_costs).max() < 1e-9
    assert lazy.objective == pytest.approx(float(lazy.row_duals[0] * m.row_ub[0] + lazy.reduced_costs @ np.where(
        lazy.reduced_costs > 0, m.ub, m.lb)), rel=1e-9)  # strong duality: the pool and x ≤ 1 carry it


def test_an_infeasible_relaxation_is_an_infeasible_model() -> None:
    m, held = chain()
    # Σ x ≥ n + 1 with every x ≤ 1: the rows kept from the start already cannot hold
    m = Model(c=m.c, A=m.A, row_lb=np.r_[m.num_vars + 1.0, m.row_lb[1:]], row_ub=np.r_[np.inf, m.row_ub[1:]],
              lb=m.lb, ub=m.ub, integer=m.integer, sense="max")
    assert solve_lazy(m, held).status is Status.INFEASIBLE


def test_an_unbounded_relaxation_is_solved_whole() -> None:
    b = ModelBuilder("bounded-by-a-held-row", "max")
    b.add_vars("x", 2, ub=np.inf, obj=[1.0, 1.0])
    b.add_rows("cap", np.ones((1, 2)), ub=3.0)
    m = b.build()
    sol = solve_lazy(m, np.array([True]))
    assert sol.status is Status.OPTIMAL and sol.objective == pytest.approx(3.0)


def test_a_mip_is_refused() -> None:
    b = ModelBuilder("mip", "max")
    b.add_vars("x", 1, ub=2.0, obj=1.0, integer=True)
    b.add_rows("r", np.ones((1, 1)), ub=1.5)
    with pytest.raises(UnsupportedModelError):
        solve_lazy(b.build(), np.array([True]))
