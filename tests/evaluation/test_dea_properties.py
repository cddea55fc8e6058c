"""Properties of DEA and SBM scores that hold for any data (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from zoneopt.evaluation.dea_radial import dea
from zoneopt.evaluation.dea_sbm import sbm

TOL = 1e-7


@st.composite
def data(draw: st.DrawFn, zeros: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Units × inputs and units × outputs, small integers (with some zeros unless ``zeros`` is
    False), every unit with a positive input and a positive output."""
    n = draw(st.integers(2, 9))
    m = draw(st.integers(1, 3))
    s = draw(st.integers(1, 3))
    low = 0 if zeros else 1
    X = draw(arrays(np.float64, (n, m), elements=st.integers(low, 40).map(float)))
    Y = draw(arrays(np.float64, (n, s), elements=st.integers(low, 40).map(float)))
    X[X.sum(axis=1) == 0, 0] = 1.0
    Y[Y.sum(axis=1) == 0, 0] = 1.0
    return X, Y


SETTINGS = settings(max_examples=40, deadline=None)


@SETTINGS
@given(data(), st.randoms(use_true_random=False), st.sampled_from(["ccr", "bcc"]),
       st.sampled_from(["input", "output"]))
def test_scores_do_not_depend_on_unit_order(d, rnd, model, orientation) -> None:
    X, Y = d
    perm = np.arange(X.shape[0])
    rnd.shuffle(perm)
    a = dea(X, Y, model=model, orientation=orientation)
    b = dea(X[perm], Y[perm], model=model, orientation=orientation)
    np.testing.assert_allclose(b.scores, a.scores[perm], atol=TOL)
    assert a.efficient is not None and b.efficient is not None
    assert b.efficient.tolist() == a.efficient[perm].tolist()


@SETTINGS
@given(data(), st.sampled_from(["ccr", "bcc"]), st.sampled_from(["input", "output"]))
def test_scores_in_unit_interval_with_an_efficient_unit(d, model, orientation) -> None:
    X, Y = d
    r = dea(X, Y, model=model, orientation=orientation, super_efficiency=True)
    assert np.all(r.scores > 0) and np.all(r.scores <= 1.0)
    assert r.efficient is not None and r.efficient.any()
    assert np.all(r.weakly_efficient >= r.efficient)
    assert r.slack_in is not None and r.slack_out is not None
    assert np.all(r.slack_in >= 0) and np.all(r.slack_out >= 0)
    # every unit's reference set is made of efficient units (with the max-slack λ)
    eff_ids = {u for u, e in zip(r.ids, r.efficient) if e}
    assert all(set(ref) <= eff_ids for ref in r.reference_sets())
    # Andersen–Petersen: inefficient units keep their score; weakly efficient ones reach >= 1
    assert r.super_scores is not None and r.super_infeasible is not None
    ok = ~r.super_infeasible
    ineff = ok & ~r.weakly_efficient
    np.testing.assert_allclose(r.super_scores[ineff], r.scores[ineff], atol=1e-6)
    assert np.all(r.super_scores[ok & r.weakly_efficient] >= 1.0 - 1e-6)


@SETTINGS
@given(data(), st.sampled_from(["input", "output"]))
def test_bcc_scores_at_least_ccr(d, orientation) -> None:
    X, Y = d
    ccr = dea(X, Y, model="ccr", orientation=orientation, slacks=False)
    bcc = dea(X, Y, model="bcc", orientation=orientation, slacks=False)
    assert np.all(bcc.scores >= ccr.scores - TOL)


@SETTINGS
@given(data(), st.floats(1e-3, 1e4), st.booleans(), st.integers(0, 2))
def test_ccr_scores_do_not_depend_on_units_of_measure(d, factor, on_input, col) -> None:
    X, Y = d
    a = dea(X, Y, slacks=False)
    X2, Y2 = X.copy(), Y.copy()
    if on_input:
        X2[:, col % X.shape[1]] *= factor
    else:
        Y2[:, col % Y.shape[1]] *= factor
    b = dea(X2, Y2, slacks=False)
    np.testing.assert_allclose(b.scores, a.scores, atol=1e-6)


@SETTINGS
@given(data())
def test_input_ccr_theta_is_one_over_output_ccr_phi(d) -> None:
    X, Y = d
    inp = dea(X, Y, orientation="input", slacks=False)
    out = dea(X, Y, orientation="output", slacks=False)
    assert out.phi is not None
    np.testing.assert_allclose(inp.scores, 1.0 / out.phi, atol=1e-6)


@SETTINGS
@given(data(zeros=False))
def test_sbm_is_at_most_ccr_and_efficient_exactly_when_ccr_efficient(d) -> None:
    """Tone (2001, EJOR 130): the SBM score is not above the input-oriented CCR score, and a
    unit is SBM-efficient exactly when it is CCR-efficient (θ* = 1 and all slacks zero)."""
    X, Y = d
    ccr = dea(X, Y)
    s = sbm(X, Y)
    assert np.all(s.scores <= ccr.scores + 1e-6)
    assert np.all(s.scores > 0)
    assert ccr.efficient is not None
    assert s.efficient.tolist() == ccr.efficient.tolist()


@SETTINGS
@given(data(zeros=False), st.integers(0, 8))
def test_sbm_bad_output_increase_never_helps(d, who) -> None:
    """Raising one unit's undesirable output can only lower (or keep) its own SBM score."""
    X, Y = d
    B = Y[:, :1].copy()
    o = who % X.shape[0]
    a = sbm(X, Y, B, rts="vrs")
    B2 = B.copy()
    B2[o] *= 1.5
    b = sbm(X, Y, B2, rts="vrs")
    assert b.scores[o] <= a.scores[o] + 1e-7
