"""Invariants of the evaluation building blocks on random data (hypothesis).

Scale invariance, where it holds mathematically: min-max and z-score normalisation are unchanged
by x → a·x + b (a > 0) on a column; vector normalisation (and so vector TOPSIS) by x → a·x;
benchmark normalisation when a column and its benchmark are scaled together. Vector
normalisation is not shift-invariant, nor benchmark normalisation under scaling x alone, so
those are not claimed.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from zoneopt.evaluation.aggregate import topsis, weighted_sum
from zoneopt.evaluation.grading import grade_by_quantile
from zoneopt.evaluation.normalise import normalise
from zoneopt.evaluation.weights import (
    ahp,
    combine_weights,
    critic_weights,
    entropy_weights,
    fixed_weights,
    stdev_weights,
)

# per-example work is milliseconds; no deadline so a loaded CI machine cannot make them flaky
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False, allow_subnormal=False)
positive = st.floats(1e-3, 1e6, allow_nan=False, allow_infinity=False, allow_subnormal=False)
shape = st.tuples(st.integers(2, 12), st.integers(1, 5))


@st.composite
def problems(draw: st.DrawFn, elements: st.SearchStrategy[float] = finite) -> tuple[np.ndarray, np.ndarray]:
    m, n = draw(shape)
    X = draw(arrays(np.float64, (m, n), elements=elements))
    benefit = draw(arrays(np.bool_, (n,)))
    return X, benefit


@st.composite
def with_perm(draw: st.DrawFn, elements: st.SearchStrategy[float] = finite
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    X, benefit = draw(problems(elements))
    perm = np.array(draw(st.permutations(range(X.shape[0]))))
    return X, benefit, perm


def varies(X: np.ndarray) -> bool:
    return bool((np.ptp(X, axis=0) > 0).any())


def is_weight_vector(w: np.ndarray, n: int) -> None:
    assert w.shape == (n,)
    assert np.all(w >= 0)
    assert w.sum() == pytest.approx(1.0, abs=1e-12)


# --- weights ---------------------------------------------------------------------------------


@SETTINGS
@given(with_perm(positive))
def test_entropy_sum_weights_are_a_permutation_invariant_simplex(case: tuple) -> None:
    X, benefit, perm = case
    assume(varies(X))
    w = entropy_weights(X)
    is_weight_vector(w, X.shape[1])
    np.testing.assert_allclose(entropy_weights(X[perm]), w, rtol=1e-9, atol=1e-12)
    # ratio-scale: a change of unit on one column changes nothing
    Y = X.copy()
    Y[:, 0] *= 7.5
    np.testing.assert_allclose(entropy_weights(Y), w, rtol=1e-9, atol=1e-12)


@SETTINGS
@given(with_perm())
def test_entropy_minmax_critic_stdev_weights_are_permutation_invariant_simplices(case: tuple) -> None:
    X, benefit, perm = case
    assume(varies(X))
    n = X.shape[1]
    for f in (lambda A: entropy_weights(A, benefit, normalisation="minmax"),
              lambda A: critic_weights(A, benefit),
              lambda A: stdev_weights(A, benefit)):
        w = f(X)
        is_weight_vector(w, n)
        np.testing.assert_allclose(f(X[perm]), w, rtol=1e-7, atol=1e-9)
        # constant criteria get nothing
        assert np.all(w[np.ptp(X, axis=0) == 0] == 0)


@SETTINGS
@given(st.lists(st.floats(0, 1e6, allow_nan=False, allow_subnormal=False), min_size=1, max_size=8),
       st.floats(0, 1))
def test_fixed_and_combined_weights_are_simplices(values: list[float], alpha: float) -> None:
    assume(sum(values) > 0)
    w = fixed_weights(values)
    is_weight_vector(w, len(values))
    other = fixed_weights(np.ones(len(values)))
    is_weight_vector(combine_weights(w, other, alpha), len(values))


saaty_scale = st.sampled_from([1 / 9, 1 / 7, 1 / 5, 1 / 3, 1 / 2, 1, 2, 3, 5, 7, 9])


@st.composite
def reciprocal_matrices(draw: st.DrawFn) -> np.ndarray:
    n = draw(st.integers(1, 9))
    A = np.ones((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            A[i, j] = draw(saaty_scale)
            A[j, i] = 1 / A[i, j]
    return A


@SETTINGS
@given(reciprocal_matrices())
def test_ahp_weights_are_a_simplex_and_the_perron_vector(A: np.ndarray) -> None:
    r = ahp(A, allow_inconsistent=True)
    n = A.shape[0]
    is_weight_vector(r.weights, n)
    assert np.all(r.weights > 0)
    assert r.lambda_max >= n - 1e-9
    np.testing.assert_allclose(A @ r.weights, r.lambda_max * r.weights, rtol=1e-8)
    assert r.consistent == (r.cr <= 0.1)
    # relabelling the criteria relabels the weights
    perm = np.arange(n)[::-1]
    np.testing.assert_allclose(ahp(A[np.ix_(perm, perm)], allow_inconsistent=True).weights, r.weights[perm],
                               rtol=1e-8)


# --- normalisation ---------------------------------------------------------------------------


def assert_oriented(X: np.ndarray, Z: np.ndarray, benefit: np.ndarray, strict: bool) -> None:
    """Benefit column: larger raw value ⇒ larger (or equal) normalised value; cost: reverse."""
    for j in range(X.shape[1]):
        order = np.argsort(X[:, j], kind="stable")
        x, z = X[order, j], Z[order, j]
        dz = np.diff(z) if benefit[j] else -np.diff(z)
        assert np.all(dz >= 0)
        if strict and np.ptp(x) > 0:
            assert np.all(dz[np.diff(x) > 0] > 0)


@SETTINGS
@given(with_perm())
def test_normalise_is_oriented_and_permutes_with_the_units(case: tuple) -> None:
    X, benefit, perm = case
    for method in ("minmax", "vector", "zscore"):
        Z = normalise(X, method, benefit)
        assert Z.shape == X.shape and np.all(np.isfinite(Z))
        assert_oriented(X, Z, benefit, strict=False)
        np.testing.assert_allclose(normalise(X[perm], method, benefit), Z[perm], rtol=1e-9, atol=1e-12)
    Zm = normalise(X, "minmax", benefit)
    assert Zm.min() >= 0 and Zm.max() <= 1


@SETTINGS
@given(with_perm(positive), st.floats(0.5, 3.0))
def test_benchmark_normalise_is_oriented_and_capped(case: tuple, cap: float) -> None:
    X, benefit, perm = case
    ref = np.median(X, axis=0)
    Z = normalise(X, "benchmark", benefit, benchmark=ref)
    assert_oriented(X, Z, benefit, strict=True)
    Zc = normalise(X, "benchmark", benefit, benchmark=ref, cap=cap)
    assert Zc.max() <= cap
    assert_oriented(X, Zc, benefit, strict=False)
    np.testing.assert_array_equal(normalise(X[perm], "benchmark", benefit, benchmark=ref, cap=cap), Zc[perm])


@SETTINGS
@given(problems(), st.floats(1e-3, 1e3), st.floats(-1e3, 1e3))
def test_scale_invariance_where_it_holds(case: tuple, a: float, b: float) -> None:
    X, benefit = case
    spread, size = np.ptp(X[:, 0]), np.abs(X[:, 0]).max()
    # exact in arithmetic; in floating point a shift costs ~1e-16·(|b| + |x|) of a spread
    assume(spread == 0 or spread > 1e-6 * (a * size + abs(b)))
    scaled = X.copy()
    scaled[:, 0] = a * X[:, 0]
    shifted = scaled.copy()
    shifted[:, 0] += b
    for method in ("minmax", "zscore"):  # x → a·x + b
        np.testing.assert_allclose(normalise(shifted, method, benefit), normalise(X, method, benefit),
                                   rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(normalise(scaled, "vector", benefit), normalise(X, "vector", benefit),
                               rtol=1e-9, atol=1e-12)  # x → a·x
    w = fixed_weights(np.ones(X.shape[1]))
    np.testing.assert_allclose(topsis(scaled, w, benefit).closeness, topsis(X, w, benefit).closeness,
                               rtol=1e-7, atol=1e-9)


@SETTINGS
@given(problems(positive), st.floats(1e-3, 1e3))
def test_benchmark_invariant_to_a_change_of_unit(case: tuple, a: float) -> None:
    X, benefit = case
    ref = X.mean(axis=0)
    Y, ref_y = X.copy(), ref.copy()
    Y[:, 0] *= a
    ref_y[0] *= a
    np.testing.assert_allclose(normalise(Y, "benchmark", benefit, benchmark=ref_y),
                               normalise(X, "benchmark", benefit, benchmark=ref), rtol=1e-9)


# --- aggregation -----------------------------------------------------------------------------


@SETTINGS
@given(with_perm(), st.sampled_from(["vector", "minmax"]))
def test_topsis_closeness_in_unit_interval_and_permutes(case: tuple, method: str) -> None:
    X, benefit, perm = case
    w = fixed_weights(np.arange(1.0, X.shape[1] + 1))
    r = topsis(X, w, benefit, normalise=method)  # type: ignore[arg-type]
    assert np.all((r.closeness >= 0) & (r.closeness <= 1))
    rp = topsis(X[perm], w, benefit, normalise=method)  # type: ignore[arg-type]
    np.testing.assert_allclose(rp.closeness, r.closeness[perm], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(rp.ideal, r.ideal)
    # all units alike: nobody is nearer the ideal than anybody else
    if np.all(r.d_best == 0):
        np.testing.assert_array_equal(r.closeness, 0.5)


@SETTINGS
@given(with_perm())
def test_weighted_sum_permutes_exactly(case: tuple) -> None:
    X, benefit, perm = case
    Z = normalise(X, "minmax", benefit)
    w = fixed_weights(np.arange(1.0, X.shape[1] + 1))
    s = weighted_sum(Z, w)
    np.testing.assert_array_equal(weighted_sum(Z[perm], w), s[perm])
    assert np.all((s >= -1e-12) & (s <= 1 + 1e-12))


# --- grading ---------------------------------------------------------------------------------

SHARES = {"A": 0.2, "B": 0.4, "C": 0.35, "D": 0.05}


@st.composite
def scored_units(draw: st.DrawFn, distinct: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    n = draw(st.integers(0, 40))
    if distinct:
        scores = np.array(draw(st.lists(finite, min_size=n, max_size=n, unique=True)), dtype=float)
    else:  # a few levels, so there are many ties; some NaN
        levels = st.sampled_from([0.0, 1.0, 2.5, 3.0, 7.0, float("nan")])
        scores = np.array(draw(st.lists(levels, min_size=n, max_size=n)), dtype=float)
    ids = np.array(draw(st.lists(st.integers(0, 10_000), min_size=n, max_size=n, unique=True)))
    groups = np.array(draw(st.lists(st.sampled_from(["zz", "kf", "ly"]), min_size=n, max_size=n)))
    perm = np.array(draw(st.permutations(range(n))), dtype=int)
    return scores, ids, groups, perm


def expected_counts(n: int) -> dict[str, int]:
    cuts = [0] + [int(np.floor(n * c + 0.5 + 1e-9)) for c in np.cumsum(list(SHARES.values()))]
    cuts[-1] = n
    return {label: cuts[k + 1] - cuts[k] for k, label in enumerate(SHARES)}


@SETTINGS
@given(scored_units(distinct=True))
def test_grade_counts_follow_the_shares_when_scores_are_distinct(case: tuple) -> None:
    scores, ids, groups, perm = case
    g = grade_by_quantile(scores, ids, SHARES)
    counts = {label: int((g == label).sum()) for label in SHARES}
    assert counts == expected_counts(len(scores))
    # and better scores never get worse grades
    rank = {label: k for k, label in enumerate(SHARES)}
    order = np.argsort(-scores)
    assert all(rank[a] <= rank[b] for a, b in zip(g[order][:-1], g[order][1:]))
    gg = grade_by_quantile(scores, ids, SHARES, groups=groups)
    for label in np.unique(groups):
        mask = groups == label
        assert {k: int((gg[mask] == k).sum()) for k in SHARES} == expected_counts(int(mask.sum()))


@SETTINGS
@given(scored_units(distinct=False))
def test_grades_are_order_invariant_and_ties_share_a_grade(case: tuple) -> None:
    scores, ids, groups, perm = case
    for grp in (None, groups):
        g = grade_by_quantile(scores, ids, SHARES, groups=grp)
        gp = grade_by_quantile(scores[perm], ids[perm], SHARES, groups=None if grp is None else grp[perm])
        assert gp.tolist() == g[perm].tolist()
        assert np.all((g == "") == np.isnan(scores))
        key = np.zeros(len(scores), dtype=int) if grp is None else np.unique(grp, return_inverse=True)[1]
        for k in np.unique(key):
            for level in np.unique(scores[(key == k) & ~np.isnan(scores)]):
                assert len(set(g[(key == k) & (scores == level)].tolist())) == 1
