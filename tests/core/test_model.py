"""Model and ModelBuilder: validation (every malformed model is a ModelError), row padding, block
lookups and names. No solver is needed here except in the two tests marked as known bugs."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import scipy.sparse as sp

from zoneopt.core import Model, ModelBuilder, RowBlock, VarBlock
from zoneopt.errors import InvalidInputError, ModelError

INF = np.inf


def _arrays(n: int = 3, m: int = 2) -> dict:
    """Keyword arguments of a valid n-variable, m-row Model."""
    return dict(
        c=np.arange(1.0, n + 1),
        A=sp.csr_matrix(np.ones((m, n))),
        row_lb=np.full(m, -INF),
        row_ub=np.full(m, 10.0),
        lb=np.zeros(n),
        ub=np.full(n, INF),
        integer=np.zeros(n, dtype=bool),
    )


def _model(**changes) -> Model:
    kw = _arrays()
    kw.update(changes)
    return Model(**kw)


def test_valid_model_builds():
    m = _model()
    assert (m.num_vars, m.num_rows, m.is_mip) == (3, 2, False)
    assert isinstance(ModelError("x"), InvalidInputError)  # exit code 2 family


# -- Model: shapes ---------------------------------------------------------------------------------
@pytest.mark.parametrize("field, value", [
    ("A", sp.csr_matrix(np.ones((2, 4)))),          # 4 columns, c has 3
    ("lb", np.zeros(4)),
    ("ub", np.full(2, INF)),
    ("integer", np.zeros(5, dtype=bool)),
    ("row_lb", np.zeros(3)),
    ("row_ub", np.zeros(1)),
    ("lb", np.zeros((3, 1))),                       # right size, wrong shape
])
def test_shape_mismatch_is_model_error(field, value):
    with pytest.raises(ModelError, match=field if field != "A" else "columns"):
        _model(**{field: value})


def test_shape_error_names_the_model():
    with pytest.raises(ModelError, match="'zoning'"):
        _model(lb=np.zeros(4), name="zoning")


# -- Model: NaN, inf and impossible bounds -----------------------------------------------------------
@pytest.mark.parametrize("bad", [np.nan, INF, -INF])
def test_nonfinite_objective_is_model_error(bad):
    c = np.array([1.0, bad, 3.0])
    with pytest.raises(ModelError, match="objective"):
        _model(c=c)


def test_nonfinite_objective_constant_is_model_error():
    with pytest.raises(ModelError, match="objective"):
        _model(c0=float("nan"))


@pytest.mark.parametrize("bad", [np.nan, INF])
def test_nonfinite_matrix_entry_is_model_error(bad):
    dense = np.ones((2, 3))
    dense[1, 2] = bad
    with pytest.raises(ModelError, match="matrix"):
        _model(A=sp.csr_matrix(dense))


@pytest.mark.parametrize("field, bad", [
    ("lb", INF), ("ub", -INF), ("row_lb", INF), ("row_ub", -INF),
    ("lb", np.nan), ("ub", np.nan), ("row_lb", np.nan), ("row_ub", np.nan),
])
def test_impossible_or_nan_bound_is_model_error(field, bad):
    arr = _arrays()[field].astype(float)
    arr[0] = bad
    with pytest.raises(ModelError, match="bound"):
        _model(**{field: arr})


def test_bad_sense_is_model_error():
    with pytest.raises(ModelError, match="sense"):
        _model(sense="maximise")


def test_model_is_immutable():
    m = _model()
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.sense = "max"  # type: ignore[misc]


# -- ModelBuilder: validation ----------------------------------------------------------------------
def test_builder_duplicate_variable_block():
    b = ModelBuilder()
    b.add_vars("area", 2)
    with pytest.raises(ModelError, match="'area'"):
        b.add_vars("area", 3)


def test_builder_duplicate_row_block():
    b = ModelBuilder()
    b.add_vars("x", 2)
    b.add_rows("cap", [[1, 1]], ub=1)
    with pytest.raises(ModelError, match="'cap'"):
        b.add_rows("cap", [[1, 0]], ub=2)


@pytest.mark.parametrize("kw", [
    {"lb": [0, 0]}, {"ub": [1, 2, 3, 4]}, {"obj": np.ones(2)}, {"integer": [True, False]},
])
def test_builder_array_of_wrong_length(kw):
    b = ModelBuilder()
    with pytest.raises(ModelError, match="expected 3 values"):
        b.add_vars("x", 3, **kw)


def test_builder_wrong_number_of_labels():
    b = ModelBuilder()
    with pytest.raises(ModelError, match="labels"):
        b.add_vars("x", 3, labels=["a", "b"])
    b.add_vars("y", 2)
    with pytest.raises(ModelError, match="labels"):
        b.add_rows("r", [[1, 1]], ub=1, labels=["p", "q"])


def test_builder_row_bounds_of_wrong_length():
    b = ModelBuilder()
    b.add_vars("x", 2)
    with pytest.raises(ModelError, match="expected 2 values"):
        b.add_rows("r", [[1, 0], [0, 1]], ub=[1, 2, 3])


def test_builder_rows_wider_than_the_model():
    b = ModelBuilder()
    b.add_vars("x", 2)
    with pytest.raises(ModelError, match="3 columns, model has 2"):
        b.add_rows("r", [[1, 1, 1]], ub=1)


def test_builder_nan_objective_is_caught_at_build():
    b = ModelBuilder()
    b.add_vars("x", 2, obj=[1.0, np.nan])
    with pytest.raises(ModelError, match="objective"):
        b.build()


def test_builder_nan_matrix_entry_is_caught_at_build():
    b = ModelBuilder()
    b.add_vars("x", 2)
    b.add_rows("r", [[1.0, np.nan]], ub=1)
    with pytest.raises(ModelError, match="matrix"):
        b.build()


def test_builder_lb_plus_inf_is_caught_at_build():
    b = ModelBuilder()
    b.add_vars("x", 2, lb=[0.0, INF])
    with pytest.raises(ModelError, match="bound"):
        b.build()


def test_builder_row_lb_plus_inf_is_caught_at_build():
    b = ModelBuilder()
    b.add_vars("x", 1)
    b.add_rows("r", [[1.0]], lb=INF)
    with pytest.raises(ModelError, match="bound"):
        b.build()


# -- ModelBuilder: what it builds ------------------------------------------------------------------
def test_rows_added_before_later_blocks_are_padded():
    b = ModelBuilder()
    b.add_vars("x", 2)
    b.add_rows("early", [[1.0, 2.0]], ub=5)               # only x exists yet
    b.add_vars("y", 3)
    b.add_rows("late", sp.csr_matrix([[0, 1, 0, 0, 4]]), lb=1)
    b.add_vars("z", 1)                                   # after both row blocks
    m = b.build()
    assert m.A.shape == (2, 6)
    np.testing.assert_array_equal(m.A.toarray(), [[1, 2, 0, 0, 0, 0],
                                                  [0, 1, 0, 0, 4, 0]])
    np.testing.assert_array_equal(m.row_lb, [-INF, 1])
    np.testing.assert_array_equal(m.row_ub, [5, INF])


def test_scalars_broadcast_and_defaults():
    b = ModelBuilder()
    b.add_vars("x", 3, ub=4, obj=2, integer=True)
    b.add_vars("y", 2)
    b.add_rows("r", np.ones((2, 5)))
    m = b.build()
    np.testing.assert_array_equal(m.c, [2, 2, 2, 0, 0])
    np.testing.assert_array_equal(m.lb, np.zeros(5))
    np.testing.assert_array_equal(m.ub, [4, 4, 4, INF, INF])
    np.testing.assert_array_equal(m.integer, [True, True, True, False, False])
    np.testing.assert_array_equal(m.row_lb, [-INF, -INF])
    np.testing.assert_array_equal(m.row_ub, [INF, INF])
    assert m.is_mip and m.sense == "min" and m.c0 == 0.0


def test_builder_copies_its_inputs():
    obj = np.array([1.0, 2.0])
    b = ModelBuilder()
    b.add_vars("x", 2, obj=obj)
    obj[0] = 99.0
    assert b.build().c[0] == 1.0


def test_duplicate_entries_are_summed_and_zeros_dropped():
    coo = sp.coo_matrix(([1.0, 2.0, 0.0, 3.0], ([0, 0, 0, 1], [1, 1, 0, 0])), shape=(2, 2))
    b = ModelBuilder()
    b.add_vars("x", 2)
    b.add_rows("r", coo, ub=1)
    m = b.build()
    assert m.A.nnz == 2
    np.testing.assert_array_equal(m.A.toarray(), [[0, 3], [3, 0]])


def test_set_obj_replaces_one_block():
    b = ModelBuilder(sense="max")
    x = b.add_vars("x", 2, obj=1)
    b.add_vars("y", 1, obj=5)
    b.set_obj(x, [3, 4])
    b.c0 = 1.5
    m = b.build()
    np.testing.assert_array_equal(m.c, [3, 4, 5])
    assert m.sense == "max"
    assert m.objective_value(np.array([1.0, 1.0, 1.0])) == pytest.approx(13.5)


def test_empty_builder_builds_an_empty_model():
    m = ModelBuilder("empty").build()
    assert (m.num_vars, m.num_rows, m.A.shape) == (0, 0, (0, 0))


# -- blocks and names ------------------------------------------------------------------------------
def _blocked_model() -> Model:
    b = ModelBuilder("plan")
    b.add_vars("area", 3, labels=["z01", "z02", "z03"])
    b.add_vars("flag", 2, integer=True, ub=1)
    b.add_rows("cap", sp.eye(3, 5), ub=[1, 2, 3], rule="R1", source="policy 4.2",
               labels=["z01", "z02", "z03"])
    b.add_rows("link", [[1, 1, 1, -10, -10]], ub=0)
    return b.build()


def test_block_lookup():
    m = _blocked_model()
    area, flag = m.var_block("area"), m.var_block("flag")
    assert area == VarBlock("area", 0, 3, ("z01", "z02", "z03"))
    assert (flag.start, flag.size, flag.labels) == (3, 2, None)
    assert flag.slice == slice(3, 5)
    cap = m.row_block("cap")
    assert cap == RowBlock("cap", 0, 3, "R1", "policy 4.2", ("z01", "z02", "z03"))
    assert m.row_block("link").slice == slice(3, 4)
    np.testing.assert_array_equal(m.row_block_index(), [0, 0, 0, 1])
    with pytest.raises(KeyError, match="nope"):
        m.var_block("nope")
    with pytest.raises(KeyError, match="nope"):
        m.row_block("nope")


def test_generated_names():
    m = _blocked_model()
    assert m.column_names() == ["area[z01]", "area[z02]", "area[z03]", "flag[0]", "flag[1]"]
    assert m.constraint_names() == ["cap[z01]", "cap[z02]", "cap[z03]", "link[0]"]


def test_names_without_blocks_and_stored_names():
    kw = _arrays()
    m = Model(**kw)
    assert m.column_names() == ["x0", "x1", "x2"]
    assert m.constraint_names() == ["r0", "r1"]
    m = Model(**kw, var_names=("a", "b", "c"), row_names=("p", "q"))
    assert m.column_names() == ["a", "b", "c"]
    assert m.constraint_names() == ["p", "q"]


def test_row_block_index_is_minus_one_outside_blocks():
    m = _model(row_blocks=(RowBlock("only", 1, 1),))
    np.testing.assert_array_equal(m.row_block_index(), [-1, 0])


# -- A in any format is normalised to CSR (a CSC A was once solved transposed) ---------------------
def test_model_with_csc_matrix_solves_the_same_problem():
    from zoneopt.core import solve
    dense = np.array([[1.0, 2.0], [0.0, 1.0]])
    kw = dict(c=np.array([-1.0, -1.0]), row_lb=np.full(2, -INF), row_ub=np.array([4.0, 1.0]),
              lb=np.zeros(2), ub=np.full(2, INF), integer=np.zeros(2, dtype=bool))
    want = solve(Model(A=sp.csr_matrix(dense), **kw)).objective
    got = solve(Model(A=sp.csc_matrix(dense), **kw)).objective
    assert got == pytest.approx(want)      # csr: -4 at (4, 0); csc gives -1 at (0, 1)


@pytest.mark.parametrize("fmt", [sp.coo_matrix, np.asarray])
def test_model_with_non_csr_matrix_is_converted_or_rejected(fmt):
    from zoneopt.core import solve
    kw = _arrays()
    kw["A"] = fmt(np.ones((2, 3)))
    try:
        m = Model(**kw)
    except ModelError:
        return                                  # rejecting it is fine
    assert solve(m).status.value == "optimal"   # so is converting it


def test_block_row_names_name_rows_by_block_and_label() -> None:
    """Rows of two blocks, asked out of order: ``block[label]``, or the offset without labels."""
    b = ModelBuilder("names")
    b.add_vars("x", 2)
    b.add_rows("cap", sp.csr_matrix(np.eye(2)), ub=1.0, labels=["a", "b"])
    b.add_rows("total", sp.csr_matrix(np.ones((1, 2))), ub=2.0)
    m = b.build()
    assert list(m.block_row_names(np.array([2, 1, 0]))) == ["total[0]", "cap[b]", "cap[a]"]
    assert list(m.block_row_names(np.array([], dtype=np.int64))) == []


def test_values_below_every_tolerance_are_written_as_zero() -> None:
    """A bound or coefficient of 1e-106 beside values of order 1 is 0 to every solver; written
    as given it made GLOP stop as numerically abnormal (a request of 2.9e-106 mu)."""
    import numpy as np
    import scipy.sparse as sp

    from zoneopt.core import ModelBuilder, solve

    b = ModelBuilder("tiny", sense="max")
    b.add_vars("x", 2, ub=[2.854589953173627e-106, 10.0], obj=[1.0, 1e-200])
    b.add_rows("cap", sp.csr_matrix(np.array([[1.0, 1e-120]])), ub=5.0, rule="cap")
    m = b.build()
    assert m.ub[0] == 0.0 and m.c[1] == 0.0 and m.A.nnz == 1 and np.isinf(m.ub).sum() == 0
    assert solve(m, "ortools-glop").status.value == "optimal"
