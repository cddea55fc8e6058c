"""The dual sign convention of ``zoneopt.core.solution``, checked by finite differences.

``row_duals[i]`` (``reduced_costs[j]``) is the rate of change of the optimal objective per unit
increase of the active bound of row ``i`` (variable ``j``), for min and max alike, and
``c == A.T @ row_duals + reduced_costs`` at an LP optimum. Each LP below is non-degenerate, so
the optimal value is linear in every active bound near the optimum: re-solving with that bound
moved by +-h gives the derivative exactly, and the duals are also known by hand.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from zoneopt.core import Model, ModelBuilder, Status, backend_names, get_backend, read_mps, solve
from zoneopt.errors import UnsupportedModelError

BACKENDS = backend_names()
MPS_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "mps"


# Finite-difference step and allowed noise. The LPs below are linear in every probed bound over
# at least +-0.5 around the optimum, so any step up to that size gives the exact derivative; the
# step only has to be large against the solver's own accuracy. Vertex methods are exact to
# ~1e-12 here: h = 1e-4. ortools-pdlp stops at componentwise relative KKT error 1e-8
# (ortools_backend.py, "PDLP accuracy"), i.e. objective errors ~1e-7 on these LPs, which
# h = 1e-4 would magnify to ~1e-3: it gets h = 1e-2 (noise ~1e-5).
FD_STEP = {"ortools-pdlp": 1e-2}
FD_NOISE = {"ortools-pdlp": 1e-4}
# Dual accuracy: the module documents PDLP duals within 1e-7 of HiGHS's on small non-degenerate
# LPs and within ~1e-5 on degenerate ones; vertex methods are exact.
DUAL_ATOL = 1e-6
DEGENERATE_DUAL_ATOL = {"ortools-pdlp": 1e-5}


@dataclass(frozen=True)
class Case:
    model: Model
    objective: float
    x: tuple[float, ...]
    row_duals: tuple[float, ...]
    reduced_costs: tuple[float, ...]
    probes: tuple[tuple[str, int, str], ...]
    """(``"row"`` or ``"var"``, index, ``"lb"``, ``"ub"`` or ``"eq"``): the active bounds to move."""


def case_min_le_ge() -> Case:
    """min 2x + 3y  s.t.  x + y >= 4 (binds),  x - y <= 2 (binds),  x + 2y <= 20 (slack).
    x = (b1 + b2)/2, y = (b1 - b2)/2: objective (5 b1 - b2)/2 -> duals 2.5 and -0.5."""
    b = ModelBuilder("min-le-ge")
    b.add_vars("x", 2, ub=10, obj=[2, 3])
    b.add_rows("demand", [[1, 1]], lb=4)
    b.add_rows("spread", [[1, -1]], ub=2)
    b.add_rows("slack", [[1, 2]], ub=20)
    return Case(b.build(), 9.0, (3, 1), (2.5, -0.5, 0), (0, 0),
                (("row", 0, "lb"), ("row", 1, "ub")))


def case_max_eq_var_at_upper() -> Case:
    """max 3x + 2y + z  s.t.  x + y + z = 10,  y - z <= 2,  x <= 4 (x at its upper bound).
    x = u, y = (b1 - u + b2)/2, z = (b1 - u - b2)/2: objective 3u + 1.5(b1 - u) + 0.5 b2
    -> duals 1.5 (equality), 0.5 (<=), reduced cost of x 1.5."""
    b = ModelBuilder("max-eq-ub", sense="max")
    b.add_vars("v", 3, ub=[4, np.inf, np.inf], obj=[3, 2, 1])
    b.add_rows("total", [[1, 1, 1]], lb=10, ub=10)
    b.add_rows("diff", [[0, 1, -1]], ub=2)
    return Case(b.build(), 22.0, (4, 4, 2), (1.5, 0.5), (1.5, 0, 0),
                (("row", 0, "eq"), ("row", 1, "ub"), ("var", 0, "ub")))


def case_min_ranged_var_at_lower() -> Case:
    """min x + 2y + 3z + 7  s.t.  5 <= x + y + z <= 20 (binds below),  x - y <= 1,  z >= 0 at its
    lower bound. x = (b1 + b2)/2, y = (b1 - b2)/2: objective (3 b1 - b2)/2 + 1.5 l + 7
    -> duals 1.5 (lower side of the ranged row), -0.5, reduced cost of z 1.5."""
    b = ModelBuilder("min-ranged-lb")
    b.add_vars("v", 3, obj=[1, 2, 3])
    b.add_rows("range", [[1, 1, 1]], lb=5, ub=20)
    b.add_rows("diff", [[1, -1, 0]], ub=1)
    b.c0 = 7.0
    return Case(b.build(), 14.0, (3, 2, 0), (1.5, -0.5), (0, 0, 1.5),
                (("row", 0, "lb"), ("row", 1, "ub"), ("var", 2, "lb")))


def case_max_ge() -> Case:
    """max x + 3y  s.t.  x + y <= 8 (binds),  x - y >= -2 (binds),  y <= 9 (slack bound).
    x = (8 + b)/2, y = (8 - b)/2: objective 16 - b + ... -> duals 2 (<=) and -1 (>=: raising the
    floor costs a maximiser)."""
    b = ModelBuilder("max-ge", sense="max")
    b.add_vars("v", 2, ub=[np.inf, 9], obj=[1, 3])
    b.add_rows("cap", [[1, 1]], ub=8)
    b.add_rows("floor", [[1, -1]], lb=-2)
    return Case(b.build(), 18.0, (3, 5), (2, -1), (0, 0),
                (("row", 0, "ub"), ("row", 1, "lb")))


def case_max_var_at_lower_negative() -> Case:
    """max 4x - y + 2w  s.t.  x + w <= 6 (binds),  x <= 5 (binds as a row),  w in [-3, 8],
    y >= 1 at its lower bound (reduced cost -1), objective constant -2.
    x = b2, w = b1 - b2: objective 4 b2 + 2 (b1 - b2) - l - 2 -> duals 2 and 2, reduced cost -1."""
    b = ModelBuilder("max-lb", sense="max")
    b.add_vars("v", 3, lb=[0, 1, -3], ub=[np.inf, np.inf, 8], obj=[4, -1, 2])
    b.add_rows("pool", [[1, 0, 1]], ub=6)
    b.add_rows("cap", [[1, 0, 0]], ub=5)
    b.c0 = -2.0
    return Case(b.build(), 19.0, (5, 1, 1), (2, 2), (0, -1, 0),
                (("row", 0, "ub"), ("row", 1, "ub"), ("var", 1, "lb")))


CASES = {f.__name__[5:]: f for f in (case_min_le_ge, case_max_eq_var_at_upper,
                                     case_min_ranged_var_at_lower, case_max_ge,
                                     case_max_var_at_lower_negative)}


def moved(model: Model, kind: str, index: int, side: str, delta: float) -> Model:
    """``model`` with one active bound moved by ``delta`` (both sides of an equality)."""
    names = {"row": ("row_lb", "row_ub"), "var": ("lb", "ub")}[kind]
    changes = {}
    for name in names:
        if side == "eq" or name.endswith(side):
            arr = getattr(model, name).copy()
            arr[index] += delta
            changes[name] = arr
    return dataclasses.replace(model, **changes)


def test_cases_are_right_by_hand():
    """The hand-derived answers above, checked once with HiGHS (and the perturbation helper)."""
    for name, make in CASES.items():
        case = make()
        s = solve(case.model, "highs")
        assert s.objective == pytest.approx(case.objective, abs=1e-9), name
        np.testing.assert_allclose(s.x, case.x, atol=1e-9, err_msg=name)
    m = case_max_eq_var_at_upper().model
    up = moved(m, "row", 0, "eq", 1.0)
    assert (up.row_lb[0], up.row_ub[0]) == (11.0, 11.0)
    assert moved(m, "var", 0, "ub", -1.0).ub[0] == 3.0 and m.ub[0] == 4.0


@pytest.mark.parametrize("case_name", list(CASES))
@pytest.mark.parametrize("backend", BACKENDS)
def test_duals_match_finite_differences(backend, case_name):
    cls = get_backend(backend)
    case = CASES[case_name]()
    model = case.model
    if not cls.continuous:
        with pytest.raises(UnsupportedModelError, match=backend):
            solve(model, backend)
        return
    s = solve(model, backend)
    assert s.status is Status.OPTIMAL, s.message
    assert s.objective == pytest.approx(case.objective, rel=1e-6, abs=1e-6)
    if not cls.duals:
        assert s.row_duals is None and s.reduced_costs is None, \
            f"{backend} says it has no duals but returned some"
        return
    assert s.row_duals is not None and s.reduced_costs is not None, f"{backend}: no duals"
    assert s.row_duals.shape == (model.num_rows,) and s.reduced_costs.shape == (model.num_vars,)

    # by hand
    np.testing.assert_allclose(s.row_duals, case.row_duals, atol=DUAL_ATOL, err_msg="row duals")
    np.testing.assert_allclose(s.reduced_costs, case.reduced_costs, atol=DUAL_ATOL,
                               err_msg="reduced costs")

    # by finite differences on the same backend
    h = FD_STEP.get(backend, 1e-4)
    for kind, index, side in case.probes:
        up = solve(moved(model, kind, index, side, +h), backend)
        down = solve(moved(model, kind, index, side, -h), backend)
        fd = (up.objective - down.objective) / (2 * h)
        got = (s.row_duals if kind == "row" else s.reduced_costs)[index]
        assert got == pytest.approx(fd, abs=FD_NOISE.get(backend, 1e-6)), \
            (backend, case_name, kind, index, side, fd)

    # stationarity: c == A.T @ y + d
    np.testing.assert_allclose(model.A.T @ s.row_duals + s.reduced_costs, model.c,
                               atol=DUAL_ATOL, err_msg="c != A.T y + d")


NETLIB = {"sc50b": -7.0000000000e01, "blend": -3.0812149846e01}


@pytest.mark.parametrize("sense", ["min", "max"])
@pytest.mark.parametrize("name", list(NETLIB))
@pytest.mark.parametrize("backend", BACKENDS)
def test_stationarity_and_signs_on_netlib(backend, name, sense):
    """Degenerate Netlib LPs (duals not unique): stationarity must still hold, and each dual's
    sign must fit its active bound in the documented convention."""
    model = read_mps(MPS_DIR / f"{name}.mps")
    if sense == "max":   # maximise -c: the same optimum point, objective negated
        model = dataclasses.replace(model, c=-model.c, c0=-model.c0, sense="max")
    cls = get_backend(backend)
    if not cls.continuous:
        with pytest.raises(UnsupportedModelError):
            solve(model, backend)
        return
    s = solve(model, backend)
    assert s.status is Status.OPTIMAL
    assert s.objective == pytest.approx(NETLIB[name] * (-1 if sense == "max" else 1), rel=1e-6)
    if not cls.duals:
        assert s.row_duals is None and s.reduced_costs is None
        return
    y, d = s.row_duals, s.reduced_costs
    scale = max(1.0, float(np.abs(model.c).max()))
    dtol = DEGENERATE_DUAL_ATOL.get(backend, 1e-7) * scale
    np.testing.assert_allclose(model.A.T @ y + d, model.c, atol=dtol)
    # Raising an active upper bound can only help (min: objective falls, rate <= 0; max: rate
    # >= 0); raising an active lower bound can only hurt. Equality rows have any sign.
    sign = 1.0 if sense == "max" else -1.0
    # "at a bound" as loosely as the checker's feasibility test (1e-6 scaled), with margin
    rel = 1e-5
    act = model.A @ s.x
    ranged = model.row_lb < model.row_ub
    near_ub = np.isfinite(model.row_ub) & (np.abs(act - model.row_ub)
                                           <= rel * np.maximum(1.0, np.abs(model.row_ub)))
    near_lb = np.isfinite(model.row_lb) & (np.abs(act - model.row_lb)
                                           <= rel * np.maximum(1.0, np.abs(model.row_lb)))
    at_ub, at_lb = near_ub & ranged, near_lb & ranged
    inactive = ranged & ~near_ub & ~near_lb
    assert np.all(sign * y[at_ub] >= -dtol) and np.all(sign * y[at_lb] <= dtol)
    np.testing.assert_allclose(y[inactive], 0.0, atol=dtol)
    xat_ub = np.isfinite(model.ub) & (np.abs(s.x - model.ub)
                                      <= rel * np.maximum(1.0, np.abs(model.ub)))
    xat_lb = np.isfinite(model.lb) & (np.abs(s.x - model.lb)
                                      <= rel * np.maximum(1.0, np.abs(model.lb)))
    free = ~(xat_ub | xat_lb)
    assert np.all(sign * d[xat_ub & ~xat_lb] >= -dtol) and np.all(sign * d[xat_lb & ~xat_ub] <= dtol)
    np.testing.assert_allclose(d[free], 0.0, atol=dtol)


@pytest.mark.parametrize("backend", BACKENDS)
def test_no_duals_for_a_mip(backend):
    cls = get_backend(backend)
    b = ModelBuilder("mip")
    b.add_vars("n", 2, ub=5, obj=[-1, -2], integer=True)
    b.add_rows("cap", [[2, 3]], ub=7)
    model = b.build()
    if not cls.integer:
        with pytest.raises(UnsupportedModelError, match=backend):
            solve(model, backend)
        return
    s = solve(model, backend)
    assert s.status is Status.OPTIMAL and s.objective == pytest.approx(-4.0)
    assert s.row_duals is None and s.reduced_costs is None
