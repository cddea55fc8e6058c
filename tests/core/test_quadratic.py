"""Quadratic objectives and native semi-continuous columns in the core model.

* A convex QP (½ xᵀ H x) is solved by the backends that take one (HiGHS, PDLP with a diagonal
  H, SCIP also with integers), checked with the QP's dual certificate, and refused by the
  others with UnsupportedModelError naming the backend and the objective.
* The hand-checked case: the Euclidean projection of t onto {x >= 0, Σ x = Q} is
  x_i = max(t_i − τ, 0) with τ such that Σ x = Q (the simplex projection, sort-based).
* Semi-continuous columns declared with switches (x − L·y >= 0, x − U·y <= 0) are native on
  HiGHS (the switch and its rows dropped) and binaries elsewhere; the optimum is the same.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from zoneopt.core import Model, ModelBuilder, Status, check_solution, solve
from zoneopt.core.backends.highs import native_semicontinuous
from zoneopt.core.mps import read_mps, write_mps
from zoneopt.errors import ModelError, UnsupportedModelError

QP_BACKENDS = ["highs", "ortools-pdlp", "ortools-scip"]
NO_QP = ["pulp-cbc", "pulp-highs", "ortools-glop", "ortools-cpsat"]
MIP_BACKENDS = ["highs", "pulp-cbc", "pulp-highs", "ortools-scip"]


def simplex_projection(t: np.ndarray, total: float) -> np.ndarray:
    """The closed form: argmin ‖x − t‖² over x >= 0, Σ x = total (Held, Wolfe & Crowder)."""
    u = np.sort(t)[::-1]
    css = np.cumsum(u) - total
    k = np.arange(1, t.size + 1)
    rho = int(np.flatnonzero(u - css / k > 0)[-1])
    tau = css[rho] / (rho + 1)
    return np.maximum(t - tau, 0.0)


def projection_model(t: np.ndarray, total: float, sense: str = "min") -> Model:
    """min ½‖x − t‖² = ½ xᵀx − tᵀx + ½ tᵀt over Σ x = total, x >= 0 (or its negation, maximised)."""
    n = t.size
    s = 1.0 if sense == "min" else -1.0
    b = ModelBuilder("projection", sense=sense)  # type: ignore[arg-type]
    x = b.add_vars("x", n, lb=0.0, obj=-s * t)
    b.add_quadratic(np.arange(x.start, x.start + n), s * 1.0)
    b.c0 = s * 0.5 * float(t @ t)
    b.add_rows("pool", np.ones((1, n)), lb=total, ub=total, rule="pool")
    return b.build()


@pytest.mark.parametrize("backend", QP_BACKENDS)
@pytest.mark.parametrize("sense", ["min", "max"])
def test_projection_onto_the_simplex_matches_the_closed_form(backend: str, sense: str) -> None:
    t = np.array([5.0, 3.0, 1.0, 0.5, -1.0])
    total = 6.0
    expected = simplex_projection(t, total)  # τ = 1: [4, 2, 0, 0, 0]
    assert np.allclose(expected, [4.0, 2.0, 0.0, 0.0, 0.0])
    m = projection_model(t, total, sense)
    s = solve(m, backend)
    assert s.status is Status.OPTIMAL
    assert s.x is not None
    # SCIP solves a QP as a nonlinear program to a gap on the objective (1e-6): near the optimum
    # the objective is flat to second order, so its point is only as close as the square root.
    assert np.allclose(s.x, expected, atol=1e-3 if backend == "ortools-scip" else 1e-5)
    distance = 0.5 * float(((expected - t) ** 2).sum())  # ½(1+1+1+0.25+1) = 2.125
    assert s.objective == pytest.approx(distance if sense == "min" else -distance, abs=1e-5)
    if backend != "ortools-scip":  # SCIP returns no duals
        assert s.row_duals is not None and s.certified_by == "duals"
        # the pool row's dual is the marginal value of one more unit: −τ (min) = −1
        assert s.row_duals[0] == pytest.approx(-1.0 if sense == "min" else 1.0, abs=1e-5)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(-10, 10, allow_nan=False), min_size=2, max_size=8),
       st.floats(0.5, 30.0))
def test_highs_projection_property(t: list[float], total: float) -> None:
    arr = np.array(t)
    s = solve(projection_model(arr, total), "highs")
    assert s.status is Status.OPTIMAL and s.x is not None
    assert np.allclose(s.x, simplex_projection(arr, total), atol=1e-5 * max(1.0, total))


@pytest.mark.parametrize("backend", NO_QP)
def test_backends_without_a_quadratic_objective_refuse_it_by_name(backend: str) -> None:
    with pytest.raises(UnsupportedModelError, match=rf"backend '{backend}' takes no quadratic objective.*on x"):
        solve(projection_model(np.array([1.0, 2.0]), 1.0), backend)


def test_pdlp_refuses_an_off_diagonal_hessian_and_highs_a_miqp_while_scip_solves_it() -> None:
    H = sp.csr_matrix(np.array([[2.0, 1.0], [1.0, 2.0]]))
    m = Model(c=np.array([-3.0, -3.0]), A=sp.csr_matrix((0, 2)), row_lb=np.zeros(0), row_ub=np.zeros(0),
              lb=np.zeros(2), ub=np.full(2, 10.0), integer=np.zeros(2, dtype=bool), hessian=H)
    with pytest.raises(UnsupportedModelError, match="ortools-pdlp.*diagonal"):
        solve(m, "ortools-pdlp")
    s = solve(m, "highs")  # min x² + xy + y² − 3x − 3y: x = y = 1
    assert s.x is not None and np.allclose(s.x, [1.0, 1.0], atol=1e-6)
    mi = Model(c=np.array([-3.0, 0.0]), A=sp.csr_matrix((0, 2)), row_lb=np.zeros(0), row_ub=np.zeros(0),
               lb=np.zeros(2), ub=np.full(2, 10.0), integer=np.array([True, False]),
               hessian=sp.diags([2.0, 0.0]).tocsr())
    with pytest.raises(UnsupportedModelError, match="highs.*MIQP"):
        solve(mi, "highs")
    s = solve(mi, "ortools-scip")  # min x² − 3x over integers: x = 1 or 2, value −2
    assert s.objective == pytest.approx(-2.0)


def test_model_refuses_a_non_convex_or_asymmetric_hessian() -> None:
    base = dict(c=np.zeros(2), A=sp.csr_matrix((0, 2)), row_lb=np.zeros(0), row_ub=np.zeros(0),
                lb=np.zeros(2), ub=np.ones(2), integer=np.zeros(2, dtype=bool))
    with pytest.raises(ModelError, match="not convex to maximise"):
        Model(**base, sense="max", hessian=sp.diags([1.0, 0.0]).tocsr())
    with pytest.raises(ModelError, match="not symmetric"):
        Model(**base, hessian=sp.csr_matrix(np.array([[1.0, 1.0], [0.0, 1.0]])))


def test_checker_counts_the_quadratic_part_and_its_duals() -> None:
    m = projection_model(np.array([5.0, 3.0, 1.0]), 6.0)
    x = simplex_projection(np.array([5.0, 3.0, 1.0]), 6.0)  # [4, 2, 0], τ = 1
    good = check_solution(m, x, 0.5 * 3.0, row_duals=np.array([-1.0]))
    assert good.passed and good.optimality_certified and good.duality_gap == pytest.approx(0.0, abs=1e-12)
    bad = check_solution(m, x, 0.5 * 3.0, row_duals=np.array([0.0]))  # the gap shows a wrong dual
    assert not bad.passed


def test_mps_round_trip_keeps_the_quadratic_objective(tmp_path: Path) -> None:
    m = projection_model(np.array([5.0, 3.0, 1.0, 0.5]), 6.0)
    path = write_mps(m, tmp_path / "qp.mps")
    assert "QUADOBJ" in path.read_text() or "QMATRIX" in path.read_text()
    back = read_mps(path)
    assert back.hessian is not None
    assert np.allclose(back.hessian.toarray(), m.hessian.toarray())  # type: ignore[union-attr]
    assert solve(back).objective == pytest.approx(solve(m).objective, abs=1e-6)


# -- semi-continuous columns ---------------------------------------------------------------------

def lot_model(lots: np.ndarray, caps: np.ndarray, value: np.ndarray, pool: float, declare: bool = True) -> Model:
    """max Σ v_i x_i, Σ x <= pool, each x_i 0 or in [L_i, U_i] (switch y_i and two rows)."""
    n = lots.size
    b = ModelBuilder("lots", sense="max")
    x = b.add_vars("x", n, lb=0.0, obj=value)
    y = b.add_vars("open", n, lb=0.0, ub=1.0, integer=True)
    b.add_rows("pool", sp.hstack([sp.csr_matrix(np.ones((1, n))), sp.csr_matrix((1, n))]), ub=pool, rule="pool")
    eye = sp.identity(n, format="csr")
    b.add_rows("lot", sp.hstack([eye, -sp.diags(lots)]), lb=0.0, rule="lot")
    b.add_rows("open", sp.hstack([eye, -sp.diags(caps)]), ub=0.0, rule="lot")
    if declare:
        b.declare_semicontinuous(np.arange(x.start, x.start + n), np.arange(y.start, y.start + n), lots, caps)
    return b.build()


def test_native_form_drops_each_switch_and_its_rows() -> None:
    m = lot_model(np.array([3.0, 4.0]), np.array([10.0, 10.0]), np.array([1.0, 2.0]), 5.0)
    native = native_semicontinuous(m)
    assert native is not None
    assert native.model.num_vars == 2 and native.model.num_rows == 1
    assert native_semicontinuous(lot_model(np.array([3.0]), np.array([10.0]), np.array([1.0]), 5.0,
                                           declare=False)) is None


def test_a_declaration_the_rows_do_not_state_is_left_as_binaries() -> None:
    m = lot_model(np.array([3.0, 4.0]), np.array([10.0, 10.0]), np.array([1.0, 2.0]), 5.0)
    wrong = type(m.semicontinuous)(m.semicontinuous.column, m.semicontinuous.switch,  # type: ignore[union-attr,misc]
                                   np.array([2.0, 4.0]), np.array([10.0, 10.0]))
    from dataclasses import replace
    native = native_semicontinuous(replace(m, semicontinuous=wrong))
    assert native is not None and native.switch.tolist() == [3]  # zone 0's lot row says 3, not 2


@pytest.mark.parametrize("backend", MIP_BACKENDS)
def test_lots_hand_checked_on_every_mip_backend(backend: str) -> None:
    """Pool 5, values 1 and 2, lots 3 and 4: zone 1 takes 5 (value 10); lots 3 and 4 together
    would need 7. With lots 3 and 3 and pool 7: 4 + 3 (value 8 + 3 = 11) beats 7 + 0 (14)? No:
    7 to zone 1 is 14, the optimum. Caps 4 then force 4 + 3: 8 + 3 = 11."""
    s = solve(lot_model(np.array([3.0, 4.0]), np.array([10.0, 10.0]), np.array([1.0, 2.0]), 5.0), backend)
    assert s.objective == pytest.approx(10.0) and s.x is not None and np.allclose(s.x[:2], [0.0, 5.0], atol=1e-6)
    s = solve(lot_model(np.array([3.0, 3.0]), np.array([4.0, 4.0]), np.array([1.0, 2.0]), 7.0), backend)
    assert s.objective == pytest.approx(11.0) and s.x is not None and np.allclose(s.x[:2], [3.0, 4.0], atol=1e-6)
    s = solve(lot_model(np.array([3.0, 3.0]), np.array([4.0, 4.0]), np.array([1.0, 2.0]), 5.5), backend)
    # 4 to zone 1 (8), zone 0 cannot take its lot of 3 from the 1.5 left: 8
    assert s.objective == pytest.approx(8.0) and s.x is not None and np.allclose(s.x[:2], [0.0, 4.0], atol=1e-6)


@settings(max_examples=20, deadline=None)
@given(st.lists(st.tuples(st.floats(0.5, 5.0), st.floats(0.0, 6.0), st.floats(0.1, 3.0)), min_size=1, max_size=6),
       st.floats(1.0, 20.0))
def test_native_and_binary_lots_agree(zones: list[tuple[float, float, float]], pool: float) -> None:
    lots = np.array([z[0] for z in zones])
    caps = lots + np.array([z[1] for z in zones])
    value = np.array([z[2] for z in zones])
    native = solve(lot_model(lots, caps, value, pool), "highs")
    binary = solve(lot_model(lots, caps, value, pool, declare=False), "highs")
    assert native.objective == pytest.approx(binary.objective, rel=1e-6, abs=1e-6)
    assert native.check is not None and native.check.passed
