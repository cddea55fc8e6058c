"""OR-Tools backends (GLOP, PDLP, SCIP, CP-SAT) against hand-computed optima and HiGHS.

Every solve goes through ``zoneopt.core.solve``, so each returned point has also passed the
independent checker at 1e-6. PDLP is held to the same 1e-6 relative objective bound as the
others (its module documents componentwise KKT tolerance 1e-8); its duals are compared at
``PDLP_DUAL_ATOL``.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap
from collections.abc import Callable

import numpy as np
import pytest
import scipy.sparse as sp

from zoneopt.core import Model, ModelBuilder, Status, solve
from zoneopt.core.model import Sense
from zoneopt.errors import ModelError, UnsupportedModelError

LP_BACKENDS = ["ortools-glop", "ortools-pdlp", "ortools-scip"]
DUAL_BACKENDS = ["ortools-glop", "ortools-pdlp"]
MIP_BACKENDS = ["ortools-scip", "ortools-cpsat"]
REL = 1e-6
PDLP_DUAL_ATOL = 1e-6


def rel_err(a: float | None, b: float | None) -> float:
    assert a is not None and b is not None
    return abs(a - b) / max(1.0, abs(b))


def flipped(model: Model) -> Model:
    """The same problem in the other sense: optimise -c - c0, so the optimum is negated and so
    is every dual (d(-f)/d(bound) = -d(f)/d(bound))."""
    return Model(c=-model.c, A=model.A, row_lb=model.row_lb, row_ub=model.row_ub, lb=model.lb,
                 ub=model.ub, integer=model.integer,
                 sense="max" if model.sense == "min" else "min", c0=-model.c0,
                 name=model.name + "-flipped", var_blocks=model.var_blocks,
                 row_blocks=model.row_blocks)


# -- small LPs with hand-computed optima and duals ---------------------------------------------

def lp_max_inequalities() -> Model:
    """max 3x + 2y  s.t.  x + y <= 4,  x + 3y <= 7,  0 <= x <= 3,  y >= 0.

    x wants its bound 3, then y = 4 - 3 = 1 (x + 3y = 6 < 7, slack): objective 9 + 2 = 11.
    y basic: 2 = dual(r0) so dual(r0) = 2; x at its upper bound: 3 = 2 + d_x so d_x = 1
    (x <= 4 would give x=4, y=0, objective 12: +1). Row r1 is slack: dual 0.
    """
    b = ModelBuilder("lp-max", "max")
    b.add_vars("x", 2, lb=0, ub=[3, np.inf], obj=[3, 2])
    b.add_rows("r", np.array([[1.0, 1.0], [1.0, 3.0]]), ub=[4, 7])
    return b.build()


def lp_min_with_offset() -> Model:
    """min 2x + 3y + 5  s.t.  x + y >= 3,  x - y <= 1,  x, y >= 0.

    Both rows bind: x + y = 3, x - y = 1 gives x = 2, y = 1: 4 + 3 + 5 = 12.
    Duals from c = A.T y: y0 + y1 = 2, y0 - y1 = 3, so y0 = 2.5 (raising the >= bound costs
    2.5) and y1 = -0.5 (loosening x - y <= 1 to 2 gives x=2.5, y=0.5: 11.5, i.e. -0.5).
    """
    b = ModelBuilder("lp-min", "min")
    b.add_vars("x", 2, lb=0, obj=[2, 3])
    b.add_rows("r", np.array([[1.0, 1.0], [1.0, -1.0]]), lb=[3, -np.inf], ub=[np.inf, 1])
    b.c0 = 5.0
    return b.build()


def lp_ranged_row() -> Model:
    """max x + y  s.t.  1 <= x - 2y <= 4 (one ranged row),  0 <= x <= 8,  0 <= y <= 10.

    x goes to 8; then x - 2y >= 1 caps y at 3.5 (and x - 2y <= 4 needs y >= 2): 11.5.
    Ranged row at its lower bound: 1 = -2 * dual for y, dual = -0.5; x: 1 = -0.5 + d_x, so
    d_x = 1.5 (x <= 9 lets y = 4: 13 = 11.5 + 1.5).
    """
    b = ModelBuilder("lp-ranged", "max")
    b.add_vars("x", 2, lb=0, ub=[8, 10], obj=[1, 1])
    b.add_rows("range", np.array([[1.0, -2.0]]), lb=1, ub=4)
    return b.build()


def lp_equality_row() -> Model:
    """min x + 2y + 3z  s.t.  x + y + z == 6,  0 <= x <= 2,  0 <= y <= 3,  z >= 0.

    Fill the cheapest first: x = 2, y = 3, z = 1: 2 + 6 + 3 = 11. z is basic, so the equality
    dual is 3; d_x = 1 - 3 = -2, d_y = 2 - 3 = -1 (each extra unit of x or y displaces z).
    """
    b = ModelBuilder("lp-eq", "min")
    b.add_vars("x", 3, lb=0, ub=[2, 3, np.inf], obj=[1, 2, 3])
    b.add_rows("eq", np.ones((1, 3)), lb=6, ub=6)
    return b.build()


# model, optimum, x, row duals, reduced costs (all by hand, in the model's own sense)
HAND_LPS: dict[str, tuple[Callable[[], Model], float, list[float], list[float], list[float]]] = {
    "max-inequalities": (lp_max_inequalities, 11.0, [3, 1], [2, 0], [1, 0]),
    "min-offset": (lp_min_with_offset, 12.0, [2, 1], [2.5, -0.5], [0, 0]),
    "ranged-row": (lp_ranged_row, 11.5, [8, 3.5], [-0.5], [1.5, 0]),
    "equality-row": (lp_equality_row, 11.0, [2, 3, 1], [3], [-2, -1, 0]),
}


def hand_case(key: str, flip: bool) -> tuple[Model, float, np.ndarray, np.ndarray, np.ndarray]:
    build, opt, x, y, d = HAND_LPS[key]
    model = build()
    sign = 1.0
    if flip:
        model, sign = flipped(model), -1.0
    return model, sign * opt, np.array(x, float), sign * np.array(y, float), sign * np.array(d, float)


@pytest.mark.parametrize("flip", [False, True], ids=["own-sense", "flipped-sense"])
@pytest.mark.parametrize("key", list(HAND_LPS))
@pytest.mark.parametrize("backend", LP_BACKENDS)
def test_lp_optimum_matches_hand_and_highs(backend: str, key: str, flip: bool) -> None:
    """Each LP backend reaches the hand optimum and HiGHS's, in min and max."""
    model, opt, x, _, _ = hand_case(key, flip)
    ref = solve(model, backend="highs")
    sol = solve(model, backend=backend)
    assert sol.status is Status.OPTIMAL, sol.message
    assert sol.check is not None and sol.check.passed
    assert rel_err(ref.objective, opt) <= 1e-9
    assert rel_err(sol.objective, opt) <= REL
    assert rel_err(sol.objective, ref.objective) <= REL
    assert sol.x is not None
    np.testing.assert_allclose(sol.x, x, atol=1e-6)
    assert sol.objective == pytest.approx(model.objective_value(sol.x), rel=REL, abs=REL)


@pytest.mark.parametrize("flip", [False, True], ids=["own-sense", "flipped-sense"])
@pytest.mark.parametrize("key", list(HAND_LPS))
@pytest.mark.parametrize("backend", DUAL_BACKENDS)
def test_duals_match_hand_and_highs(backend: str, key: str, flip: bool) -> None:
    """On these non-degenerate LPs the duals are unique: GLOP's and PDLP's equal the hand
    values and HiGHS's in both senses, and satisfy c == A.T @ y + d."""
    model, _, _, y, d = hand_case(key, flip)
    ref = solve(model, backend="highs")
    sol = solve(model, backend=backend)
    atol = PDLP_DUAL_ATOL if backend == "ortools-pdlp" else 1e-9
    assert sol.row_duals is not None and sol.reduced_costs is not None
    assert ref.row_duals is not None and ref.reduced_costs is not None
    np.testing.assert_allclose(ref.row_duals, y, atol=1e-9)
    np.testing.assert_allclose(sol.row_duals, y, atol=atol)
    np.testing.assert_allclose(sol.reduced_costs, d, atol=atol)
    np.testing.assert_allclose(sol.row_duals, ref.row_duals, atol=atol)
    np.testing.assert_allclose(sol.reduced_costs, ref.reduced_costs, atol=atol)
    np.testing.assert_allclose(model.c, model.A.T @ sol.row_duals + sol.reduced_costs, atol=atol)


@pytest.mark.parametrize("backend", ["ortools-scip", "ortools-cpsat"])
def test_backends_without_duals_return_none(backend: str) -> None:
    """OR-Tools' SCIP wrapper gives no duals even for an LP; CP-SAT has none. The knapsack
    (below) is pure integer, so both can take it."""
    sol = solve(knapsack(), backend=backend)
    assert sol.row_duals is None and sol.reduced_costs is None
    if backend == "ortools-scip":
        lp = solve(lp_min_with_offset(), backend=backend)
        assert lp.status is Status.OPTIMAL and lp.row_duals is None


# -- what each backend refuses -------------------------------------------------------------------

@pytest.mark.parametrize("backend", ["ortools-glop", "ortools-pdlp"])
def test_lp_only_backends_refuse_a_mip(backend: str) -> None:
    with pytest.raises(UnsupportedModelError, match="LPs only"):
        solve(knapsack(), backend=backend)


def test_cpsat_refuses_a_continuous_variable() -> None:
    b = ModelBuilder("mixed", "max")
    b.add_vars("n", 1, ub=5, obj=1, integer=True)
    b.add_vars("t", 1, ub=2.5, obj=1)  # continuous
    b.add_rows("r", np.ones((1, 2)), ub=6)
    with pytest.raises(UnsupportedModelError, match="every variable integer"):
        solve(b.build(), backend="ortools-cpsat")


def test_refused_solver_parameter_raises_model_error() -> None:
    with pytest.raises(ModelError, match="refused"):
        solve(lp_max_inequalities(), backend="ortools-glop", extra={"no_such_parameter": 1})
    with pytest.raises(ModelError, match="refused"):
        solve(knapsack(), backend="ortools-scip", extra={"no/such/parameter": 1})


# -- MIPs --------------------------------------------------------------------------------------

def knapsack() -> Model:
    """0/1 knapsack: values 10, 13, 7, 8; weights 3, 4, 2, 3; capacity 7.

    Any three items weigh >= 3 + 2 + 3 = 8 > 7, so at most two: the pairs within 7 are
    a+b (23), a+c (17), a+d (18), b+c (20), b+d (21), c+d (15). Optimum 23 = items a and b.
    """
    b = ModelBuilder("knapsack", "max")
    b.add_vars("take", 4, lb=0, ub=1, obj=[10, 13, 7, 8], integer=True, labels=list("abcd"))
    b.add_rows("weight", np.array([[3.0, 4.0, 2.0, 3.0]]), ub=7)
    return b.build()


def integer_program() -> Model:
    """max 5x + 4y  s.t.  6x + 4y <= 24,  x + 2y <= 6,  x, y >= 0 integer.

    The LP optimum is (3, 1.5) with 21. Integer points on the frontier: (4, 0) = 20,
    (3, 1) = 19, (2, 2) = 18, (1, 2) = 13, (0, 3) = 12; (3, 2) and (2, 3) break a row.
    Optimum 20 at (4, 0).
    """
    b = ModelBuilder("ip", "max")
    b.add_vars("n", 2, lb=0, obj=[5, 4], integer=True)
    b.add_rows("r", np.array([[6.0, 4.0], [1.0, 2.0]]), ub=[24, 6])
    return b.build()


@pytest.mark.parametrize("flip", [False, True], ids=["max", "min"])
@pytest.mark.parametrize("build, opt, x", [(knapsack, 23.0, [1, 1, 0, 0]),
                                           (integer_program, 20.0, [4, 0])],
                         ids=["knapsack", "integer-program"])
@pytest.mark.parametrize("backend", MIP_BACKENDS)
def test_mip_reaches_hand_optimum(backend: str, build: Callable[[], Model], opt: float,
                                  x: list[float], flip: bool) -> None:
    model = flipped(build()) if flip else build()
    opt = -opt if flip else opt
    sol = solve(model, backend=backend)
    assert sol.status is Status.OPTIMAL, sol.message
    assert sol.objective == pytest.approx(opt, rel=1e-9)
    np.testing.assert_array_equal(sol.x, x)
    assert sol.best_bound == pytest.approx(opt, rel=1e-6)
    assert sol.mip_gap is not None and sol.mip_gap <= 1e-6


def parcels_model(sense: Sense = "max") -> Model:
    """Three zones sell land in 50-mu parcels: n_j in 0..4 parcels, objective
    sum(50 * tax_j * n_j) with tax per mu 123.456, 98.765, 87.654 (decimal, non-dyadic).
    Rows with fractional data: emissions 1.25 n0 + 0.8 n1 + 0.55 n2 <= 5.3 and
    roads 2.5 n0 + 1.5 n1 + 1.1 n2 >= 3.7. The test enumerates all 125 points."""
    tax = np.array([123.456, 98.765, 87.654])
    b = ModelBuilder("parcels", sense)
    b.add_vars("n", 3, lb=0, ub=4, obj=50 * tax * (1 if sense == "max" else -1), integer=True)
    b.add_rows("emissions", np.array([[1.25, 0.8, 0.55]]), ub=5.3)
    b.add_rows("roads", np.array([[2.5, 1.5, 1.1]]), lb=3.7)
    b.c0 = 0.125
    return b.build()


def brute_force(model: Model) -> float:
    grid = np.stack(np.meshgrid(*[np.arange(5)] * 3, indexing="ij"), -1).reshape(-1, 3).astype(float)
    act = grid @ model.A.T.toarray()
    ok = np.all((act >= model.row_lb - 1e-9) & (act <= model.row_ub + 1e-9), axis=1)
    values = grid[ok] @ model.c + model.c0
    return float(values.max() if model.sense == "max" else values.min())


@pytest.mark.parametrize("sense", ["max", "min"])
def test_cpsat_float_objective_matches_highs(sense: Sense) -> None:
    """Decimal tax weights on integer parcel counts: CP-SAT (rescaled to exact integers by the
    backend) reaches the enumerated optimum, as HiGHS does."""
    model = parcels_model(sense)
    exact = brute_force(model)
    ref = solve(model, backend="highs")
    sol = solve(model, backend="ortools-cpsat")
    assert sol.status is Status.OPTIMAL, sol.message
    assert rel_err(ref.objective, exact) <= 1e-12
    assert rel_err(sol.objective, exact) <= 1e-12
    assert rel_err(sol.objective, ref.objective) <= REL


def random_integer_model(seed: int, n: int = 40) -> Model:
    """Seeded pure-integer model with 3-decimal objective weights and 2-decimal rows; half the
    columns have no upper bound (boxed by the capacity row)."""
    rng = np.random.default_rng(seed)
    sense: Sense = "max" if seed % 2 else "min"
    area = np.round(rng.uniform(1, 20, n), 2)
    b = ModelBuilder(f"int{seed}", sense)
    b.add_vars("n", n, lb=0, ub=np.where(rng.random(n) < 0.5, np.inf, 50),
               obj=np.round(rng.uniform(50, 500, n), 3), integer=True)
    A = np.vstack([area, np.round(rng.uniform(0, 3, n), 1)])
    if sense == "max":
        b.add_rows("cap", A, ub=[np.round(area.sum() * 7.3, 2), np.round(n * 10.05, 2)])
    else:
        b.add_rows("need", A, lb=[np.round(area.sum() * 3.1, 2), np.round(n * 3.33, 2)])
    b.c0 = 12.5
    return b.build()


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_cpsat_random_decimal_models_match_highs(seed: int) -> None:
    model = random_integer_model(seed)
    ref = solve(model, backend="highs", mip_gap=1e-9)
    sol = solve(model, backend="ortools-cpsat", mip_gap=1e-9)
    assert ref.status is Status.OPTIMAL and sol.status is Status.OPTIMAL, sol.message
    assert rel_err(sol.objective, ref.objective) <= REL


@pytest.mark.parametrize("seed", [0, 1])
def test_scip_random_decimal_models_match_highs(seed: int) -> None:
    model = random_integer_model(seed)
    ref = solve(model, backend="highs", mip_gap=1e-9)
    sol = solve(model, backend="ortools-scip", mip_gap=1e-9)
    assert sol.status is Status.OPTIMAL, sol.message
    assert rel_err(sol.objective, ref.objective) <= REL


# -- infeasible and unbounded ------------------------------------------------------------------

def infeasible_model(integer: bool) -> Model:
    """x + y <= 3 and x + y >= 5 cannot both hold."""
    b = ModelBuilder("infeasible", "max")
    b.add_vars("x", 2, lb=0, ub=10, obj=1, integer=integer)
    b.add_rows("r", np.ones((2, 2)), lb=[-np.inf, 5], ub=[3, np.inf])
    return b.build()


def unbounded_model(integer: bool) -> Model:
    """max x + y with only x - y <= 2: x = y = t is feasible for every t >= 0."""
    b = ModelBuilder("unbounded", "max")
    b.add_vars("x", 2, lb=0, obj=1, integer=integer)
    b.add_rows("r", np.array([[1.0, -1.0]]), ub=2)
    return b.build()


CAN_TAKE = [(b, False) for b in LP_BACKENDS] + [(b, True) for b in MIP_BACKENDS]


@pytest.mark.parametrize("backend, integer", CAN_TAKE)
def test_infeasible(backend: str, integer: bool) -> None:
    sol = solve(infeasible_model(integer), backend=backend)
    assert sol.status is Status.INFEASIBLE, sol.message
    assert sol.x is None and sol.objective is None


@pytest.mark.parametrize("backend, integer", CAN_TAKE)
def test_unbounded(backend: str, integer: bool) -> None:
    """GLOP and PDLP only say 'infeasible or unbounded' here; the backend settles it with a
    zero-objective solve (feasible, hence unbounded)."""
    sol = solve(unbounded_model(integer), backend=backend)
    assert sol.status is Status.UNBOUNDED, sol.message


def test_cpsat_row_without_integer_solution_is_infeasible() -> None:
    """2x - 2y == 1 has no integer solution (the left side is even). CP-SAT itself calls the
    scaled row MODEL_INVALID; the backend's row scaling finds it first."""
    b = ModelBuilder("parity", "max")
    b.add_vars("x", 2, lb=0, obj=1, integer=True)
    b.add_rows("odd", np.array([[2.0, -2.0]]), lb=1, ub=1)
    model = b.build()
    assert solve(model, backend="highs").status is Status.INFEASIBLE
    assert solve(model, backend="ortools-scip").status is Status.INFEASIBLE
    sol = solve(model, backend="ortools-cpsat")
    assert sol.status is Status.INFEASIBLE and "odd" in sol.message


def test_cpsat_unbounded_behind_its_artificial_box() -> None:
    """max x + y with -3 <= x - y <= 3 and 3x + 5y - 7z == 1, all integer >= 0.

    (1, 1, 1) is feasible (3 + 5 - 7 = 1) and (7, 7, 8) is an integer ray (21 + 35 - 56 = 0,
    x - y unchanged), so (1 + 7t, 1 + 7t, 1 + 8t) has objective 2 + 14t: unbounded. CP-SAT
    boxes unbounded variables at 1e7 and says OPTIMAL on the box (its presolve misses this
    one); the backend sees the box hit, finds the LP relaxation unbounded and reports
    UNBOUNDED, like SCIP."""
    b = ModelBuilder("boxed", "max")
    b.add_vars("x", 3, lb=0, obj=[1, 1, 0], integer=True)
    b.add_rows("r", np.array([[1.0, -1.0, 0.0], [3.0, 5.0, -7.0]]), lb=[-3, 1], ub=[3, 1])
    model = b.build()
    assert solve(model, backend="ortools-scip").status is Status.UNBOUNDED
    sol = solve(model, backend="ortools-cpsat")
    assert sol.status is Status.UNBOUNDED, sol.message
    assert "artificial bound" in sol.message


# -- limits --------------------------------------------------------------------------------------

def hard_mip(n: int = 120, m: int = 8, seed: int = 0) -> Model:
    """Seeded multi-dimensional 0/1 knapsack, tight enough that no solver proves it in 50 ms."""
    rng = np.random.default_rng(seed)
    W = rng.integers(20, 100, (m, n)).astype(float)
    b = ModelBuilder("mkp", "max")
    b.add_vars("x", n, lb=0, ub=1, obj=W.sum(0) / m + rng.integers(-5, 6, n), integer=True)
    b.add_rows("w", W, ub=W.sum(1) * 0.5)
    return b.build()


@pytest.mark.parametrize("time_limit", [0.001, 0.05])
@pytest.mark.parametrize("backend", MIP_BACKENDS)
def test_hard_mip_under_tiny_time_limit(backend: str, time_limit: float) -> None:
    model = hard_mip()
    sol = solve(model, backend=backend, time_limit=time_limit)
    assert sol.status in (Status.FEASIBLE, Status.NO_SOLUTION, Status.OPTIMAL), sol.message
    assert sol.runtime < time_limit + 2.0
    if sol.status is Status.NO_SOLUTION:
        assert sol.x is None
        return
    assert sol.check is not None and sol.check.passed
    assert sol.objective is not None
    if sol.best_bound is not None:
        assert sol.objective <= sol.best_bound + 1e-6
    if sol.status is Status.OPTIMAL:  # only acceptable with the true optimum
        ref = solve(model, backend="highs")
        assert ref.status is Status.OPTIMAL
        assert rel_err(sol.objective, ref.objective) <= REL


def random_lp(n: int = 200, m: int = 100, seed: int = 0, sense: Sense = "min") -> Model:
    """Seeded LP, feasible by construction (every row holds at a point x0 inside the box, with
    slack except on equality rows) and bounded (columns without an upper bound only ever
    worsen the objective, the rest are boxed). Rows mix <=, >=, ranged and equality."""
    rng = np.random.default_rng(seed)
    A = sp.random(m, n, density=0.05, random_state=rng,
                  data_rvs=lambda k: rng.uniform(-5, 5, k)).tocsr()
    ub = rng.uniform(5, 20, n)
    open_top = rng.random(n) < 0.2
    ub[open_top] = np.inf
    act = A @ rng.uniform(0, 5, n)
    kind = rng.integers(0, 4, m)
    slack = rng.uniform(0.5, 3, m)
    row_lb = np.where(kind == 0, -np.inf, act - slack)
    row_ub = np.where(kind == 1, np.inf, act + slack)
    row_lb[kind == 3] = row_ub[kind == 3] = act[kind == 3]
    c = rng.uniform(-10, 10, n)
    c[open_top] = (1 if sense == "min" else -1) * rng.uniform(0.5, 10, open_top.sum())
    b = ModelBuilder(f"random-lp-{seed}", sense)
    b.add_vars("x", n, lb=0, ub=ub, obj=c)
    b.add_rows("r", A, lb=row_lb, ub=row_ub)
    b.c0 = 3.0
    return b.build()


@pytest.mark.parametrize("backend", ["ortools-glop", "ortools-pdlp"])
def test_lp_under_tiny_time_limit(backend: str) -> None:
    sol = solve(random_lp(2000, 1000, seed=1), backend=backend, time_limit=0.005)
    assert sol.status in (Status.FEASIBLE, Status.NO_SOLUTION, Status.OPTIMAL), sol.message
    if sol.status.has_solution:
        assert sol.check is not None and sol.check.passed


@pytest.mark.parametrize("sense", ["min", "max"])
@pytest.mark.parametrize("backend", LP_BACKENDS)
def test_random_lp_agrees_with_highs(backend: str, sense: Sense) -> None:
    model = random_lp(seed=7, sense=sense)
    ref = solve(model, backend="highs")
    sol = solve(model, backend=backend)
    assert ref.status is Status.OPTIMAL and sol.status is Status.OPTIMAL, sol.message
    assert rel_err(sol.objective, ref.objective) <= REL
    if sol.row_duals is not None:
        # Duals may differ on a degenerate LP, but any optimal duals satisfy c == A.T y + d.
        np.testing.assert_allclose(model.c, model.A.T @ sol.row_duals + sol.reduced_costs,
                                   atol=1e-6)


# -- logging and process hygiene -----------------------------------------------------------------

@pytest.mark.parametrize("backend, build", [("ortools-glop", lp_equality_row),
                                            ("ortools-pdlp", lp_min_with_offset),
                                            ("ortools-scip", knapsack),
                                            ("ortools-cpsat", knapsack)])
def test_verbose_goes_to_logger_not_stdout(backend: str, build: Callable[[], Model],
                                           capfd: pytest.CaptureFixture[str],
                                           caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="zoneopt.solver"):
        sol = solve(build(), backend=backend, verbose=True)
    assert sol.status is Status.OPTIMAL
    assert capfd.readouterr().out == ""
    assert any(r.name == "zoneopt.solver" for r in caplog.records)
    caplog.clear()
    solve(build(), backend=backend)
    assert capfd.readouterr().out == ""
    assert not [r for r in caplog.records if r.name == "zoneopt.solver"]


@pytest.mark.parametrize("order", ["highspy-first", "ortools-first"])
def test_imports_with_highspy_and_pulp_in_either_order(order: str) -> None:
    """highspy 1.15 and OR-Tools' own HiGHS cannot share a process: the OR-Tools backends solve
    in a worker process, so in either order of imports every backend solves and this process
    never loads OR-Tools (a fresh interpreter, as import order is what matters)."""
    other = "import highspy, pulp"
    mine = "from zoneopt.core.backends import ortools_backend"
    code = textwrap.dedent(f"""
        {other if order == 'highspy-first' else mine}
        {mine if order == 'highspy-first' else other}
        import numpy as np
        from zoneopt.core import ModelBuilder, solve
        for integer, names in ((True, ("highs", "ortools-scip", "ortools-cpsat")),
                               (False, ("highs", "ortools-glop", "ortools-pdlp"))):
            b = ModelBuilder("t", "max")
            b.add_vars("x", 2, lb=0, ub=1, obj=[1, 2], integer=integer)
            b.add_rows("r", np.ones((1, 2)), ub=1)
            for name in names:
                assert abs(solve(b.build(), backend=name).objective - 2.0) < 1e-6, name
        import sys
        assert "ortools" not in sys.modules and "highspy" in sys.modules
        print("ok")
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_backend_objects_and_registry() -> None:
    from zoneopt.core import backend_names, get_backend
    from zoneopt.core.backends.ortools_backend import ORTOOLS_BACKENDS

    names = [b.name for b in ORTOOLS_BACKENDS]
    assert names == ["ortools-glop", "ortools-pdlp", "ortools-scip", "ortools-cpsat"]
    assert all(n in backend_names() for n in names)
    flags = {n: (get_backend(n).integer, get_backend(n).continuous, get_backend(n).duals)
             for n in names}
    assert flags == {"ortools-glop": (False, True, True), "ortools-pdlp": (False, True, True),
                     "ortools-scip": (True, True, False), "ortools-cpsat": (True, False, False)}


def test_scip_infeasible_verdicts_are_confirmed_without_presolve() -> None:
    """A feasible land LP (found by hypothesis) that SCIP's presolve called infeasible: a
    0.0078-mu request cap beside 7,812.5-mu baseline rows (bounds six orders apart). The
    backend re-solves without presolve before reporting infeasible, and agrees with HiGHS."""
    from zoneopt import Instance
    from zoneopt.models.land_quota import build_land_model

    zones = [{"id": f"z{k}", "city": "P", "land_area_mu": 10.0, "metrics": {"tax": 1.0}, "score": 0.0,
              "requests": {"land_mu": 0.0078125 if k == 3 else 0.0}} for k in range(6)]
    inst = Instance.from_dict({
        "name": "scip-presolve", "zones": zones, "pools": {"land": {"total_mu": 46875.0}},
        "rules": [{"id": "req", "type": "request_cap"},
                  {"id": "bounds", "type": "zone_bounds", "floor_mu": 0.0, "cap_mu": 1.0}],
        "objective": {"kind": "baseline", "baseline_basis": "land_area_mu"}})
    model = build_land_model(inst).model
    reference = solve(model, "highs")
    got = solve(model, "ortools-scip")
    assert got.status is Status.OPTIMAL
    assert got.objective == pytest.approx(reference.objective, rel=1e-9)
