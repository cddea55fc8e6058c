"""DEA and SBM: published worked examples, the batched path against full LPs and other
backends, and input validation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from zoneopt.errors import InstanceError, InvalidInputError, UnknownBackendError
from zoneopt.evaluation.dea_radial import dea
from zoneopt.evaluation.dea_sbm import sbm

# Five units, two inputs (x1, x2), one output (q): the data of araith/pyDEA
# tests/test_CRS_env_input_oriented_model.py (fixture ``data``), used by its CCR/BCC tests.
SMALL_IDS = list("ABCDE")
SMALL_X = np.array([[2, 5], [2, 4], [6, 6], [3, 2], [6, 2]], dtype=float)
SMALL_Y = np.array([[1], [2], [3], [1], [2]], dtype=float)

# Eleven units, inputs I1-I3, outputs O1-O2: araith/pyDEA tests/DEA_example2_data.csv.
EX2_IDS = list("ABCDEFGHIJK")
EX2 = np.array([
    [5, 13, 1, 12, 34], [16, 12, 2, 14, 13], [16, 26, 2, 25, 56], [17, 15, 3, 26, 23],
    [18, 14, 1, 8, 18], [23, 6, 2, 9, 39], [25, 10, 2, 27, 21], [27, 22, 3, 30, 10],
    [37, 14, 1, 31, 25], [42, 25, 2, 26.5, 17], [5, 17, 3, 12, 37]], dtype=float)


def _lam(res, unit: str, ref: str) -> float:
    ids = list(res.ids)
    return float(res.lambdas[ids.index(unit), ids.index(ref)])


def test_ccr_input_small_pydea() -> None:
    """CCR input-oriented scores, reference weights λ and multipliers: araith/pyDEA
    tests/test_CRS_env_input_oriented_model.py, ``test_CRS_env_input_oriented_small`` (scores
    0.5, 1, 0.83333333, 0.71428571, 1; λ(A,B)=0.5, λ(C,B)=1, λ(C,E)=0.5, λ(D,B)=0.21428571,
    λ(D,E)=0.28571429; weights of A (x1, x2, q) = (0.5, 0, 0.5), of D = (0.14285714,
    0.28571429, 0.71428571))."""
    r = dea(SMALL_X, SMALL_Y, ids=SMALL_IDS, slacks=False)
    np.testing.assert_allclose(r.scores, [0.5, 1, 0.83333333, 0.71428571, 1], atol=5e-9)
    for unit, ref, value in [("A", "B", 0.5), ("B", "B", 1), ("C", "B", 1), ("C", "E", 0.5),
                             ("D", "B", 0.21428571), ("D", "E", 0.28571429), ("E", "E", 1)]:
        assert _lam(r, unit, ref) == pytest.approx(value, abs=5e-9)
    assert r.weights_in is not None and r.weights_out is not None
    np.testing.assert_allclose([*r.weights_in[0], *r.weights_out[0]], [0.5, 0, 0.5], atol=5e-9)
    np.testing.assert_allclose([*r.weights_in[3], *r.weights_out[3]], [0.14285714, 0.28571429, 0.71428571],
                               atol=5e-9)
    assert r.reference_sets()[2] == ("B", "E")


def test_ccr_output_small_pydea() -> None:
    """CCR output-oriented: araith/pyDEA tests/test_CRS_env_output_oriented_model.py,
    ``test_CRS_env_output_oriented_small`` (efficiencies 0.5, 1, 1/1.2, 1/1.4, 1; λ(A,B)=1,
    λ(C,B)=1.2, λ(C,E)=0.6, λ(D,B)=0.3, λ(D,E)=0.4)."""
    r = dea(SMALL_X, SMALL_Y, ids=SMALL_IDS, orientation="output", slacks=False)
    np.testing.assert_allclose(r.scores, [0.5, 1, 1 / 1.2, 1 / 1.4, 1], atol=1e-9)
    assert r.phi is not None
    np.testing.assert_allclose(r.phi, [2, 1, 1.2, 1.4, 1], atol=1e-9)
    for unit, ref, value in [("A", "B", 1), ("B", "B", 1), ("C", "B", 1.2), ("C", "E", 0.6),
                             ("D", "B", 0.3), ("D", "E", 0.4), ("E", "E", 1)]:
        assert _lam(r, unit, ref) == pytest.approx(value, abs=1e-9)


def test_bcc_input_small_pydea() -> None:
    """BCC input-oriented: araith/pyDEA tests/test_VRS_env_input_oriented_model.py,
    ``test_VRS_env_input_oriented_small`` (every score 1; λ(A,B)=1 and each other unit its own
    reference). A reaches 1 only with slacks (it uses more x2 than B for less q), so it is
    weakly but not Pareto efficient."""
    r = dea(SMALL_X, SMALL_Y, ids=SMALL_IDS, model="bcc")
    np.testing.assert_allclose(r.scores, 1.0, atol=1e-9)
    for unit, ref in [("A", "B"), ("B", "B"), ("C", "C"), ("D", "D"), ("E", "E")]:
        assert _lam(r, unit, ref) == pytest.approx(1.0, abs=1e-9)
    assert r.weakly_efficient.all()
    assert r.efficient is not None and r.efficient.tolist() == [False, True, True, True, True]
    assert r.slack_in is not None and r.slack_out is not None
    np.testing.assert_allclose(r.slack_in[0], [0, 1], atol=1e-9)  # A = B + (0, 1) inputs, (1) output short
    np.testing.assert_allclose(r.slack_out[0], [1], atol=1e-9)


def test_bcc_output_small_pydea() -> None:
    """BCC output-oriented: araith/pyDEA tests/test_VRS_env_output_oriented_model.py,
    ``test_VRS_env_output_oriented_small`` (efficiencies 0.5, 1, 1, 1, 1; λ(A,B)=1)."""
    r = dea(SMALL_X, SMALL_Y, ids=SMALL_IDS, model="bcc", orientation="output")
    np.testing.assert_allclose(r.scores, [0.5, 1, 1, 1, 1], atol=1e-9)
    assert _lam(r, "A", "B") == pytest.approx(1.0, abs=1e-9)


def test_ccr_input_and_super_efficiency_example2_pydea() -> None:
    """CCR input scores and Andersen–Petersen super-efficiency on 11 units: araith/pyDEA
    tests/test_CRS_env_input_oriented_model.py (``_check_large_model``: 1, 0.64858757,
    0.90924776, 1, 0.54907162, 1, 1, 0.8241206, 1, 0.62673338, 1) and
    tests/test_super_efficiency.py (``test_super_efficiency_medium``, checked there to 1e-6:
    1.652173892, 0.6485875732, 0.909247759, 1.116838534, 0.5490716156, 2.485294106,
    1.244945494, 0.824120607, 2.299898658, 0.6267333816, 1.088235274); data
    tests/DEA_example2_data.csv."""
    r = dea(EX2[:, :3], EX2[:, 3:], ids=EX2_IDS, super_efficiency=True)
    np.testing.assert_allclose(r.scores, [1, 0.64858757, 0.90924776, 1, 0.54907162, 1, 1, 0.8241206, 1,
                                          0.62673338, 1], atol=1e-8)
    assert r.super_scores is not None and r.super_infeasible is not None
    np.testing.assert_allclose(r.super_scores, [1.652173892, 0.6485875732, 0.909247759, 1.116838534, 0.5490716156,
                                                2.485294106, 1.244945494, 0.824120607, 2.299898658, 0.6267333816,
                                                1.088235274], atol=1e-6)
    assert not r.super_infeasible.any()
    # the same example on the per-unit path and with every unit in the batched LP
    for kwargs in ({"method": "per-unit"}, {"column_generation": False}):
        other = dea(EX2[:, :3], EX2[:, 3:], ids=EX2_IDS, super_efficiency=True, **kwargs)
        np.testing.assert_allclose(other.scores, r.scores, atol=1e-9)
        np.testing.assert_allclose(other.super_scores, r.super_scores, atol=1e-9)


def test_bcc_super_efficiency_infeasible_is_flagged() -> None:
    """Under BCC input orientation, a unit with the largest output of all cannot be enveloped by
    the others (Σλ = 1 caps their output at the largest of theirs): its super-efficiency LP is
    infeasible, reported as NaN and flagged, after a Farkas certificate checked in numpy."""
    r = dea(SMALL_X, SMALL_Y, ids=SMALL_IDS, model="bcc", super_efficiency=True)
    assert r.super_scores is not None and r.super_infeasible is not None
    assert r.super_infeasible.tolist() == [False, False, True, False, False]  # C has q = 3
    assert np.isnan(r.super_scores[2])
    assert np.all(r.super_scores[~r.super_infeasible] >= r.scores[~r.super_infeasible] - 1e-9)
    per_unit = dea(SMALL_X, SMALL_Y, ids=SMALL_IDS, model="bcc", super_efficiency=True, method="per-unit")
    assert per_unit.super_infeasible is not None
    assert per_unit.super_infeasible.tolist() == r.super_infeasible.tolist()


def _random(n: int, m: int, s: int, seed: int, zeros: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.integers(1, 50, (n, m)).astype(float)
    Y = rng.integers(1, 50, (n, s)).astype(float)
    if zeros:
        X[rng.random((n, m)) < zeros] = 0.0
        Y[rng.random((n, s)) < zeros] = 0.0
        X[X.sum(axis=1) == 0, 0] = 1.0
        Y[Y.sum(axis=1) == 0, 0] = 1.0
    X[5] = X[4]  # a duplicate unit
    Y[5] = Y[4]
    return X, Y


@pytest.mark.parametrize("model", ["ccr", "bcc"])
@pytest.mark.parametrize("orientation", ["input", "output"])
def test_column_generation_equals_the_full_lp(model: str, orientation: str) -> None:
    """The batched path with column generation gives the full LP's scores, efficiency flags and
    super-efficiency, on data with zeros and a duplicated unit."""
    X, Y = _random(120, 3, 2, seed=7, zeros=0.08)
    kw = dict(model=model, orientation=orientation, super_efficiency=True)
    cg = dea(X, Y, **kw)
    full = dea(X, Y, column_generation=False, **kw)
    np.testing.assert_allclose(cg.scores, full.scores, atol=1e-8)
    assert cg.efficient is not None and full.efficient is not None
    assert cg.efficient.tolist() == full.efficient.tolist()
    assert cg.super_infeasible is not None and full.super_infeasible is not None
    assert cg.super_infeasible.tolist() == full.super_infeasible.tolist()
    np.testing.assert_allclose(cg.super_scores, full.super_scores, atol=1e-8, equal_nan=True)
    # the slack sums are the maximal ones in both (the slack vectors may differ among optima)
    assert cg.slack_in is not None and full.slack_in is not None
    np.testing.assert_allclose(cg.slack_in.sum(1) + cg.slack_out.sum(1),  # type: ignore[union-attr]
                               full.slack_in.sum(1) + full.slack_out.sum(1), rtol=1e-7, atol=1e-6)  # type: ignore[union-attr]
    assert cg.stats["first_phase"]["candidates"] < 120


@pytest.mark.parametrize("backend", ["pulp-cbc", "ortools-glop"])
def test_backends_agree(backend: str) -> None:
    """Per-unit core models on another backend give the batched HiGHS answers."""
    X, Y = _random(10, 2, 2, seed=3)
    for model in ("ccr", "bcc"):
        ref = dea(X, Y, model=model, super_efficiency=True)
        other = dea(X, Y, model=model, super_efficiency=True, backend=backend)
        assert other.method == "per-unit" and other.backend == backend
        np.testing.assert_allclose(other.scores, ref.scores, atol=1e-7)
        assert other.efficient is not None and ref.efficient is not None
        assert other.efficient.tolist() == ref.efficient.tolist()
        np.testing.assert_allclose(other.super_scores, ref.super_scores, atol=1e-7, equal_nan=True)
    s_ref = sbm(X, Y[:, :1], Y[:, 1:], rts="vrs")
    s_other = sbm(X, Y[:, :1], Y[:, 1:], rts="vrs", backend=backend)
    np.testing.assert_allclose(s_other.scores, s_ref.scores, atol=1e-7)


def test_sbm_by_hand() -> None:
    """One input, one output. Unit B (x=2, y=1) against A (x=1, y=1): under VRS the only
    frontier point with y=1 uses x=1, so s⁻ = 1 and ρ = 1 − 1/2 = 0.5; under CRS ρ is 0.5 too
    (by s⁻ = 1 or, as well, by s⁺ = 1: ρ = 1/(1+1)), so only ρ is unique there."""
    r = sbm([[1.0], [2.0]], [[1.0], [1.0]], ids=["A", "B"], rts="vrs")
    np.testing.assert_allclose(r.scores, [1.0, 0.5], atol=1e-9)
    np.testing.assert_allclose(r.slack_in[:, 0], [0.0, 1.0], atol=1e-9)
    np.testing.assert_allclose(r.slack_out[:, 0], [0.0, 0.0], atol=1e-9)
    assert r.efficient.tolist() == [True, False]
    np.testing.assert_allclose(sbm([[1.0], [2.0]], [[1.0], [1.0]]).scores, [1.0, 0.5], atol=1e-9)
    # B also emits 4 where A emits 1 (same x and y; CRS): λ_A = 1 is forced by x and y, so
    # s_b = 3 and ρ_B = 1 / (1 + ½·3/4) = 8/11
    rb = sbm([[1.0], [1.0]], [[1.0], [1.0]], [[1.0], [4.0]], ids=["A", "B"])
    np.testing.assert_allclose(rb.scores, [1.0, 8 / 11], atol=1e-9)
    assert rb.slack_bad is not None
    np.testing.assert_allclose(rb.slack_bad[:, 0], [0.0, 3.0], atol=1e-9)
    assert rb.reference_sets()[1] == ("A",)


def test_sbm_column_generation_equals_the_full_lp() -> None:
    X, Y = _random(100, 2, 3, seed=11)
    for rts in ("crs", "vrs"):
        a = sbm(X, Y[:, :2], Y[:, 2:], rts=rts)
        b = sbm(X, Y[:, :2], Y[:, 2:], rts=rts, column_generation=False)
        np.testing.assert_allclose(a.scores, b.scores, atol=1e-8)
        c = sbm(X[:15], Y[:15, :2], Y[:15, 2:], rts=rts, method="per-unit")
        d = sbm(X[:15], Y[:15, :2], Y[:15, 2:], rts=rts)
        np.testing.assert_allclose(c.scores, d.scores, atol=1e-8)


def test_dataframes_give_ids_and_names() -> None:
    X = pd.DataFrame(SMALL_X, index=SMALL_IDS, columns=["land_mu", "energy_tce"])
    Y = pd.DataFrame(SMALL_Y, index=SMALL_IDS, columns=["tax"])
    r = dea(X, Y)
    assert r.ids == tuple(SMALL_IDS) and r.names_in == ("land_mu", "energy_tce") and r.names_out == ("tax",)
    frame = r.to_frame()
    assert list(frame.index) == SMALL_IDS
    assert frame.loc["C", "score"] == pytest.approx(5 / 6)
    assert frame.loc["C", "reference_set"] == "B E"
    assert "slack_energy_tce" in frame.columns


@pytest.mark.parametrize("bad, where", [
    (lambda X, Y: (X.__setitem__((2, 1), np.nan), "X['C'].x2"), "X['C'].x2"),
    (lambda X, Y: (Y.__setitem__((3, 0), -1.0), "Y['D'].y1"), "Y['D'].y1"),
    (lambda X, Y: (X.__setitem__((4, slice(None)), 0.0), "X['E']"), "X['E']"),
    (lambda X, Y: (Y.__setitem__((1, slice(None)), 0.0), "Y['B']"), "Y['B']"),
    (lambda X, Y: (X.__setitem__((0, 0), np.inf), "X['A'].x1"), "X['A'].x1"),
])
def test_bad_data_names_the_unit_and_column(bad, where: str) -> None:
    X, Y = SMALL_X.copy(), SMALL_Y.copy()
    bad(X, Y)
    with pytest.raises(InstanceError) as err:
        dea(X, Y, ids=SMALL_IDS)
    assert where in str(err.value)
    assert isinstance(err.value, InvalidInputError)
    assert any(i.path == where for i in err.value.issues)


def test_shape_and_option_errors() -> None:
    with pytest.raises(InvalidInputError, match="X has 5 units but Y"):
        dea(SMALL_X, SMALL_Y[:4])
    with pytest.raises(InvalidInputError, match="4 ids for 5 units"):
        dea(SMALL_X, SMALL_Y, ids=list("ABCD"))
    with pytest.raises(InvalidInputError, match="'A' appears more than once"):
        dea(SMALL_X, SMALL_Y, ids=list("ABCDA"))
    with pytest.raises(InvalidInputError, match="3 names for 2 columns"):
        dea(SMALL_X, SMALL_Y, names_in=["a", "b", "c"])
    with pytest.raises(InvalidInputError, match="orientation"):
        dea(SMALL_X, SMALL_Y, orientation="graph")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="runs on HiGHS only"):
        dea(SMALL_X, SMALL_Y, method="batch", backend="pulp-cbc")
    with pytest.raises(UnknownBackendError):
        dea(SMALL_X, SMALL_Y, backend="nope")
    with pytest.raises(InstanceError, match=r"Y\['A'\].y1: desirable output is 0"):
        sbm(SMALL_X, np.array([[0.0], [1], [1], [1], [1]]), ids=SMALL_IDS)
    with pytest.raises(InvalidInputError, match="B \\(undesirable output\\) has 2"):
        sbm(SMALL_X, SMALL_Y, np.ones((2, 1)))
