"""normalise(): each method's formula, its edge cases, and its input checks."""

from __future__ import annotations

import numpy as np
import pytest

from zoneopt.errors import InvalidInputError
from zoneopt.evaluation.normalise import normalise

X = np.array([[10.0, 4.0], [20.0, 1.0], [40.0, 2.0]])
BENEFIT_COST = np.array([True, False])


def test_minmax_orients_cost_and_spans_zero_to_one() -> None:
    Z = normalise(X, "minmax", BENEFIT_COST)
    np.testing.assert_allclose(Z, [[0.0, 0.0], [1 / 3, 1.0], [1.0, 2 / 3]])


def test_minmax_constant_column_is_one() -> None:
    Z = normalise([[5.0, 1.0], [5.0, 2.0]], "minmax", np.array([True, False]))
    np.testing.assert_array_equal(Z[:, 0], [1.0, 1.0])
    Z = normalise([[5.0], [5.0]], "minmax", np.array([False]))
    np.testing.assert_array_equal(Z[:, 0], [1.0, 1.0])


def test_vector_benefit_and_cost() -> None:
    Z = normalise(X, "vector", BENEFIT_COST)
    n0, n1 = np.sqrt(100 + 400 + 1600), np.sqrt(16 + 1 + 4)
    np.testing.assert_allclose(Z[:, 0], X[:, 0] / n0)
    np.testing.assert_allclose(Z[:, 1], 1 - X[:, 1] / n1)
    np.testing.assert_array_equal(normalise([[0.0, 0.0], [0.0, 0.0]], "vector", BENEFIT_COST), [[0, 1], [0, 1]])


def test_zscore_population_default_and_ddof() -> None:
    Z = normalise(X, "zscore", BENEFIT_COST)
    col = X[:, 0]
    np.testing.assert_allclose(Z[:, 0], (col - col.mean()) / col.std())
    np.testing.assert_allclose(Z[:, 1], -(X[:, 1] - X[:, 1].mean()) / X[:, 1].std())
    Z1 = normalise(X, "zscore", BENEFIT_COST, ddof=1)
    np.testing.assert_allclose(Z1[:, 0], (col - col.mean()) / col.std(ddof=1))
    np.testing.assert_array_equal(normalise([[3.0], [3.0]], "zscore")[:, 0], [0.0, 0.0])
    with pytest.raises(InvalidInputError, match="ddof=1 needs more than 1 unit"):
        normalise([[3.0]], "zscore", ddof=1)
    with pytest.raises(InvalidInputError, match="ddof must be a whole number"):
        normalise(X, "zscore", ddof=-1)


def test_benchmark_ratio_and_cap() -> None:
    Z = normalise(X, "benchmark", BENEFIT_COST, benchmark=[20.0, 2.0])
    np.testing.assert_allclose(Z, [[0.5, 0.5], [1.0, 2.0], [2.0, 1.0]])
    Z = normalise(X, "benchmark", BENEFIT_COST, benchmark=[20.0, 2.0], cap=1.5)
    np.testing.assert_allclose(Z, [[0.5, 0.5], [1.0, 1.5], [1.5, 1.0]])
    Z = normalise(X, "benchmark", BENEFIT_COST, benchmark=[20.0, 2.0], cap=[np.inf, 1.2])
    np.testing.assert_allclose(Z, [[0.5, 0.5], [1.0, 1.2], [2.0, 1.0]])


def test_benchmark_zero_on_a_cost_criterion_scores_the_cap() -> None:
    data = [[1.0, 0.0], [2.0, 3.0]]
    Z = normalise(data, "benchmark", BENEFIT_COST, benchmark=[1.0, 3.0], cap=2.0)
    np.testing.assert_allclose(Z, [[1.0, 2.0], [2.0, 1.0]])
    with pytest.raises(InvalidInputError, match=r"criterion 1 \('energy'\) is a cost criterion and unit row 0 "
                                                r"has value 0.*cap="):
        normalise(data, "benchmark", BENEFIT_COST, benchmark=[1.0, 3.0], names=["tax", "energy"])
    with pytest.raises(InvalidInputError, match="unit row 1 has a negative value -3.0"):
        normalise([[1.0, 1.0], [2.0, -3.0]], "benchmark", BENEFIT_COST, benchmark=[1.0, 3.0], cap=2.0)
    # a zero or negative value on a benefit criterion is just a low ratio
    np.testing.assert_allclose(normalise([[-1.0], [0.0]], "benchmark", benchmark=2.0)[:, 0], [-0.5, 0.0])


def test_benchmark_errors_name_the_criterion() -> None:
    names = ["tax", "energy"]
    with pytest.raises(InvalidInputError, match=r"benchmark for criterion 1 \('energy'\) is 0.0"):
        normalise(X, "benchmark", BENEFIT_COST, benchmark=[1.0, 0.0], names=names)
    with pytest.raises(InvalidInputError, match=r"benchmark for criterion 0 \('tax'\) is nan"):
        normalise(X, "benchmark", BENEFIT_COST, benchmark=[np.nan, 1.0], names=names)
    with pytest.raises(InvalidInputError, match=r"cap for criterion 1 \('energy'\) is -1.0"):
        normalise(X, "benchmark", BENEFIT_COST, benchmark=[1.0, 1.0], cap=[2.0, -1.0], names=names)
    with pytest.raises(InvalidInputError, match="needs benchmark="):
        normalise(X, "benchmark", BENEFIT_COST)
    with pytest.raises(InvalidInputError, match=r"benchmark has shape \(3,\)"):
        normalise(X, "benchmark", BENEFIT_COST, benchmark=[1.0, 1.0, 1.0])
    with pytest.raises(InvalidInputError, match="apply only to method 'benchmark'"):
        normalise(X, "minmax", BENEFIT_COST, cap=2.0)


def test_matrix_errors_name_criterion_and_unit() -> None:
    bad = X.copy()
    bad[2, 1] = np.nan
    with pytest.raises(InvalidInputError, match=r"NaN in criterion 1 \('energy'\) at unit row 2"):
        normalise(bad, "minmax", BENEFIT_COST, names=["tax", "energy"])
    bad[2, 1] = np.inf
    with pytest.raises(InvalidInputError, match="an infinite value in criterion 1 at unit row 2"):
        normalise(bad, "minmax", BENEFIT_COST)
    with pytest.raises(InvalidInputError, match="must be 2-D"):
        normalise([1.0, 2.0], "minmax")
    with pytest.raises(InvalidInputError, match="no criteria"):
        normalise(np.zeros((3, 0)), "minmax")
    with pytest.raises(InvalidInputError, match="0 unit"):
        normalise(np.zeros((0, 2)), "minmax")
    with pytest.raises(InvalidInputError, match="benefit has shape"):
        normalise(X, "minmax", np.array([True, False, True]))
    with pytest.raises(InvalidInputError, match="benefit must be booleans"):
        normalise(X, "minmax", [1, 0])
    with pytest.raises(InvalidInputError, match="not a single value"):
        normalise(X, "minmax", True)
    with pytest.raises(InvalidInputError, match="names has 1 entries"):
        normalise(X, "minmax", names=["tax"])
    with pytest.raises(InvalidInputError, match="unknown normalisation method 'rank'"):
        normalise(X, "rank")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="numeric matrix"):
        normalise([["a", "b"]], "minmax")


def test_input_is_not_modified_and_output_is_new() -> None:
    data = X.copy()
    Z = normalise(data, "minmax", BENEFIT_COST)
    Z[:] = -1
    np.testing.assert_array_equal(data, X)
