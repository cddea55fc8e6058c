"""The core model: a linear (mixed-integer) program held as arrays, optionally with a convex
quadratic objective.

    optimise   c @ x + c0 + ½ xᵀ H x     (sense "min" or "max"; H absent for an LP/MIP)
    subject to row_lb <= A @ x <= row_ub
               lb <= x <= ub,  x[j] integer where integer[j]

``H`` (:attr:`Model.hessian`) is sparse and symmetric, positive semidefinite for "min" and
negative semidefinite for "max" (the objective is convex to minimise / concave to maximise);
the backends that take it say so (:mod:`zoneopt.core.backends.base`), the others refuse the
model with :class:`~zoneopt.errors.UnsupportedModelError`. A model may also declare
semi-continuous columns (:class:`SemiContinuous`): x_j = 0 or L_j <= x_j <= U_j, stated in the
model as a binary switch y and two rows, L·y <= x <= U·y, which every backend can solve and
every analysis reads; a backend with native semi-continuous variables (HiGHS) solves the
declared columns natively instead.

Variables come in named blocks and rows in named blocks; a row block carries the id and policy
source of the rule that made it, so a binding row or a dual can be reported in plan terms.
Infinite bounds are ``numpy.inf``. A model is immutable once built; build one with
:class:`ModelBuilder`, whose calls each take whole arrays (one call per block, never per
variable).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from zoneopt.errors import ModelError

Sense = Literal["min", "max"]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class VarBlock:
    """A contiguous run of variables ``start .. start+size-1``; ``labels`` (optional) name each
    member, e.g. the zone ids."""

    name: str
    start: int
    size: int
    labels: tuple[str, ...] | None = None

    @property
    def slice(self) -> slice:
        return slice(self.start, self.start + self.size)


@dataclass(frozen=True)
class RowBlock:
    """A contiguous run of rows made by one rule. ``rule`` is the rule id an analyst wrote,
    ``source`` its policy clause; ``labels`` (optional) name each row, e.g. the zone it binds."""

    name: str
    start: int
    size: int
    rule: str | None = None
    source: str | None = None
    labels: tuple[str, ...] | None = None

    @property
    def slice(self) -> slice:
        return slice(self.start, self.start + self.size)


@dataclass(frozen=True, eq=False)
class SemiContinuous:
    """Semi-continuous columns stated with binary switches: for each k, column ``column[k]``
    is 0 or between ``lot[k]`` and ``cap[k]``, written in the model as the binary column
    ``switch[k]`` and two rows, x − lot·y >= 0 and x − cap·y <= 0 (rows whose only entries are
    the column and its switch). A backend with native semi-continuous variables drops the
    switch and its rows and solves the column as semi-continuous in [lot, cap]
    (:func:`zoneopt.core.backends.highs.native_semicontinuous`, which uses a declaration only
    where the rows state exactly that: a model whose rows were changed afterwards, such as a
    re-solve with a lot row's bound moved, falls back to the rows); the others solve the rows
    as they are. The declaration is a hint to the solver: the rows are the model, and the
    checker checks them."""

    column: IntArray
    switch: IntArray
    lot: FloatArray
    cap: FloatArray

    def __post_init__(self) -> None:
        for name, dt in (("column", np.int64), ("switch", np.int64), ("lot", np.float64), ("cap", np.float64)):
            object.__setattr__(self, name, np.asarray(getattr(self, name), dtype=dt))
        k = self.column.shape
        if not (self.switch.shape == self.lot.shape == self.cap.shape == k) or len(k) != 1:
            raise ModelError("semi-continuous columns: column, switch, lot and cap must be 1-D of one length")

    @property
    def size(self) -> int:
        return int(self.column.size)


@dataclass(frozen=True, eq=False)
class Model:
    """An immutable LP/MIP in array form. See the module docstring for the algebra."""

    c: FloatArray
    A: sp.csr_matrix
    row_lb: FloatArray
    row_ub: FloatArray
    lb: FloatArray
    ub: FloatArray
    integer: BoolArray
    sense: Sense = "min"
    c0: float = 0.0
    name: str = "model"
    var_blocks: tuple[VarBlock, ...] = ()
    row_blocks: tuple[RowBlock, ...] = ()
    var_names: tuple[str, ...] | None = field(default=None, repr=False)
    row_names: tuple[str, ...] | None = field(default=None, repr=False)
    objective_scale: float = 1.0
    """The plan's objective units per unit of ``c @ x + c0`` (models that scale their objective
    for the solver say so here, and the checker reports duality gaps in the plan's units)."""
    objective_unit: str = ""
    """The name of those units, e.g. ``万元/yr`` (empty: the model's own)."""
    hessian: sp.csr_matrix | None = None
    """The objective's quadratic part H (½ xᵀ H x), n × n, symmetric; None for a linear
    objective. See the module docstring for its sign."""
    semicontinuous: SemiContinuous | None = None
    """Columns declared semi-continuous (stated with switches and rows; see :class:`SemiContinuous`)."""

    def __post_init__(self) -> None:
        # Backends read A row-wise through indptr/indices: normalise any sparse or dense input
        # to canonical float CSR so a CSC or COO matrix is never read transposed.
        if not (sp.issparse(self.A) and self.A.format == "csr" and self.A.dtype == np.float64
                and self.A.has_canonical_format):
            A = sp.csr_matrix(self.A, dtype=np.float64)
            A.sum_duplicates()
            object.__setattr__(self, "A", A)
        for name in ("c", "lb", "ub", "row_lb", "row_ub"):
            object.__setattr__(self, name, np.asarray(getattr(self, name), dtype=np.float64))
        object.__setattr__(self, "integer", np.asarray(self.integer, dtype=np.bool_))
        n, m = self.c.shape[0], self.A.shape[0]
        if self.A.shape[1] != n:
            raise ModelError(f"model {self.name!r}: A has {self.A.shape[1]} columns, c has {n}")
        for arr_name, arr, size in (
            ("lb", self.lb, n), ("ub", self.ub, n), ("integer", self.integer, n),
            ("row_lb", self.row_lb, m), ("row_ub", self.row_ub, m),
        ):
            if arr.shape != (size,):
                raise ModelError(f"model {self.name!r}: {arr_name} has shape {arr.shape}, expected ({size},)")
        if self.sense not in ("min", "max"):
            raise ModelError(f"model {self.name!r}: sense must be 'min' or 'max', got {self.sense!r}")
        if not (np.isfinite(self.objective_scale) and self.objective_scale > 0):
            raise ModelError(f"model {self.name!r}: objective_scale must be positive, got {self.objective_scale!r}")
        if not np.all(np.isfinite(self.c)) or not np.isfinite(self.c0):
            raise ModelError(f"model {self.name!r}: objective has NaN or infinite coefficients")
        if not np.all(np.isfinite(self.A.data)):
            raise ModelError(f"model {self.name!r}: constraint matrix has NaN or infinite entries")
        if self.A.nnz and float(np.abs(self.A.data).max()) >= HUGE:
            raise ModelError(self._huge_entry())
        for lo, hi, what in ((self.lb, self.ub, "variable"), (self.row_lb, self.row_ub, "row")):
            if np.isnan(lo).any() or np.isnan(hi).any():
                raise ModelError(f"model {self.name!r}: a {what} bound is NaN")
            if np.isposinf(lo).any() or np.isneginf(hi).any():
                raise ModelError(f"model {self.name!r}: a {what} lower bound is +inf or upper bound -inf")
        if self.hessian is not None:
            object.__setattr__(self, "hessian", _checked_hessian(self.hessian, n, self.sense, self.name))
        sc = self.semicontinuous
        if sc is not None and sc.size and (
                min(sc.column.min(), sc.switch.min()) < 0 or max(sc.column.max(), sc.switch.max()) >= n):
            raise ModelError(f"model {self.name!r}: a semi-continuous column or switch is not a column of the model")

    def _huge_entry(self) -> str:
        """Where the largest constraint coefficient is, for the error that names it."""
        A = self.A.tocsr()
        k = int(np.argmax(np.abs(A.data)))
        row = int(np.searchsorted(A.indptr, k, side="right") - 1)
        where = f"row {row}"
        for b in self.row_blocks:  # a loop over row blocks
            if b.start <= row < b.start + b.size:
                label = f" ({b.labels[row - b.start]})" if b.labels else ""
                where = f"row block {b.name!r}{f' of rule {b.rule!r}' if b.rule else ''}, row {row - b.start}{label}"
                break
        return (f"model {self.name!r}: a coefficient of {A.data[k]:.3g} in {where} is beyond what solvers take "
                f"(|a| < {HUGE:.0e}): check the figures it is made of (a land area or amount of that size?)")

    # -- sizes -------------------------------------------------------------------------------
    @property
    def num_vars(self) -> int:
        return int(self.c.shape[0])

    @property
    def num_rows(self) -> int:
        return int(self.A.shape[0])

    @property
    def is_mip(self) -> bool:
        return bool(self.integer.any())

    @property
    def is_quadratic(self) -> bool:
        """Whether the objective has a quadratic part (a QP, or a MIQP with integer columns)."""
        return self.hessian is not None and self.hessian.nnz > 0

    def quadratic_blocks(self) -> list[str]:
        """The variable blocks whose columns the quadratic part touches (for messages)."""
        if not self.is_quadratic:
            return []
        assert self.hessian is not None
        cols = np.unique(self.hessian.tocoo().col)
        return [b.name for b in self.var_blocks if ((cols >= b.start) & (cols < b.start + b.size)).any()] \
            or ["x"]

    # -- lookup ------------------------------------------------------------------------------
    def var_block(self, name: str) -> VarBlock:
        for b in self.var_blocks:
            if b.name == name:
                return b
        raise KeyError(f"model {self.name!r} has no variable block {name!r}")

    def row_block(self, name: str) -> RowBlock:
        for b in self.row_blocks:
            if b.name == name:
                return b
        raise KeyError(f"model {self.name!r} has no row block {name!r}")

    def row_block_index(self) -> IntArray:
        """For each row, the index of its block in ``row_blocks`` (-1 where none)."""
        out = np.full(self.num_rows, -1, dtype=np.int64)
        for k, b in enumerate(self.row_blocks):
            out[b.slice] = k
        return out

    def column_names(self) -> list[str]:
        """A name for each variable: the stored names, else ``block[label]`` or ``x<j>``."""
        if self.var_names is not None:
            return list(self.var_names)
        return _names(self.num_vars, self.var_blocks, "x")

    def block_row_names(self, rows: IntArray) -> npt.NDArray[np.object_]:
        """``block[label]`` for the given rows (the names rules and prices speak in), built per
        row block, not per row."""
        out = np.empty(rows.size, dtype=object)
        block_of = self.row_block_index()[rows]
        for k in np.unique(block_of):  # a loop over blocks
            b = self.row_blocks[k]
            sel = block_of == k
            offset = rows[sel] - b.start
            labels = np.asarray(b.labels, dtype=object)[offset] if b.labels else offset.astype(str).astype(object)
            out[sel] = b.name + "[" + labels.astype(str).astype(object) + "]"
        return out

    def constraint_names(self) -> list[str]:
        """A name for each row: the stored names, else ``block[label]`` or ``r<i>``."""
        if self.row_names is not None:
            return list(self.row_names)
        return _names(self.num_rows, self.row_blocks, "r")

    def objective_value(self, x: FloatArray) -> float:
        """c @ x + c0 + ½ xᵀ H x."""
        value = float(self.c @ x + self.c0)
        if self.hessian is not None:
            value += 0.5 * float(x @ (self.hessian @ x))
        return value

    def objective_gradient(self, x: FloatArray) -> FloatArray:
        """c + H x: the objective's gradient at ``x`` (``c`` for a linear objective)."""
        return self.c if self.hessian is None else self.c + self.hessian @ x


def _checked_hessian(H: sp.spmatrix | sp.sparray | npt.ArrayLike, n: int, sense: Sense, name: str) -> sp.csr_matrix:
    """``H`` as canonical float CSR, refused unless n × n, finite, symmetric and with diagonal
    entries of the sign convexity needs (>= 0 to minimise, <= 0 to maximise; for a diagonal
    H that is convexity itself, a full H is left to the solver)."""
    Hm = sp.csr_matrix(H, dtype=np.float64)
    Hm.sum_duplicates()
    Hm.eliminate_zeros()
    if Hm.shape != (n, n):
        raise ModelError(f"model {name!r}: the Hessian has shape {Hm.shape}, expected ({n}, {n})")
    if not np.all(np.isfinite(Hm.data)):
        raise ModelError(f"model {name!r}: the Hessian has NaN or infinite entries")
    asym = abs(Hm - Hm.T)
    if asym.nnz and asym.max() > 1e-12 * max(1.0, float(abs(Hm).max())):
        raise ModelError(f"model {name!r}: the Hessian is not symmetric")
    diag = Hm.diagonal()
    wrong = diag < 0 if sense == "min" else diag > 0
    if wrong.any():
        j = int(np.flatnonzero(wrong)[0])
        goal = "minimise" if sense == "min" else "maximise"
        raise ModelError(f"model {name!r}: the quadratic objective is not convex to {goal} (H[{j},{j}] = {diag[j]:g})")
    return Hm


def _names(count: int, blocks: Sequence[VarBlock | RowBlock], prefix: str) -> list[str]:
    names = [f"{prefix}{j}" for j in range(count)]
    for b in blocks:
        labels = b.labels if b.labels is not None else [str(k) for k in range(b.size)]
        names[b.slice] = [f"{b.name}[{lab}]" for lab in labels]
    return names


def _as_array(value: float | npt.ArrayLike, size: int, what: str, dtype: type = np.float64) -> npt.NDArray:
    arr: npt.NDArray = np.asarray(value, dtype=dtype)
    if arr.ndim == 0:
        return np.full(size, arr, dtype=dtype)
    if arr.shape != (size,):
        raise ModelError(f"{what}: expected {size} values, got shape {arr.shape}")
    return arr.copy()


TINY = 1e-12
"""A coefficient or bound smaller than this in magnitude is 0 to every solver (their tolerances
are 1e-9 and up, and models are scaled so typical values are 1..100): :meth:`ModelBuilder.build`
writes it as 0, since a value such as 1e-106 next to values of order 1 makes a simplex code
(GLOP) give up as numerically abnormal."""


HUGE = 1e15
"""Constraint coefficients at or above this are refused (HiGHS's ``large_matrix_value``): no
figure of a plan gives one, and a solver would stop on it with a bare status."""


def flush_tiny(values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """``values`` with every entry of magnitude below :data:`TINY` (but not 0) set to 0."""
    return np.where(np.abs(values) < TINY, 0.0, values)


class ModelBuilder:
    """Collects variable and row blocks, then builds one :class:`Model`.

    Each call adds a whole block from arrays; rows are given as a sparse matrix over the
    columns of the full model (use :meth:`cols` for a block's column indices).
    """

    def __init__(self, name: str = "model", sense: Sense = "min") -> None:
        self.name = name
        self.sense: Sense = sense
        self.c0 = 0.0
        self._n = 0
        self._m = 0
        self._var_blocks: list[VarBlock] = []
        self._row_blocks: list[RowBlock] = []
        self._c: list[FloatArray] = []
        self._lb: list[FloatArray] = []
        self._ub: list[FloatArray] = []
        self._int: list[BoolArray] = []
        self._rows: list[sp.csr_matrix] = []
        self._rlb: list[FloatArray] = []
        self._rub: list[FloatArray] = []
        self._quad: list[tuple[IntArray, FloatArray]] = []
        self._semi: list[tuple[IntArray, IntArray, FloatArray, FloatArray]] = []

    @property
    def num_vars(self) -> int:
        return self._n

    @property
    def var_blocks(self) -> tuple[VarBlock, ...]:
        return tuple(self._var_blocks)

    def add_vars(
        self,
        name: str,
        size: int,
        *,
        lb: float | npt.ArrayLike = 0.0,
        ub: float | npt.ArrayLike = np.inf,
        obj: float | npt.ArrayLike = 0.0,
        integer: bool | npt.ArrayLike = False,
        labels: Sequence[str] | None = None,
    ) -> VarBlock:
        """Add a block of ``size`` variables; scalars broadcast. Returns the block."""
        if any(b.name == name for b in self._var_blocks):
            raise ModelError(f"variable block {name!r} added twice")
        if labels is not None and len(labels) != size:
            raise ModelError(f"variable block {name!r}: {len(labels)} labels for {size} variables")
        block = VarBlock(name, self._n, size, tuple(labels) if labels is not None else None)
        self._c.append(_as_array(obj, size, f"{name}.obj"))
        self._lb.append(_as_array(lb, size, f"{name}.lb"))
        self._ub.append(_as_array(ub, size, f"{name}.ub"))
        self._int.append(_as_array(integer, size, f"{name}.integer", dtype=np.bool_))
        self._var_blocks.append(block)
        self._n += size
        return block

    def set_obj(self, block: VarBlock, obj: float | npt.ArrayLike) -> None:
        """Replace the objective coefficients of one block."""
        k = self._var_blocks.index(block)
        self._c[k] = _as_array(obj, block.size, f"{block.name}.obj")

    def add_rows(
        self,
        name: str,
        A: sp.spmatrix | sp.sparray | npt.ArrayLike,
        *,
        lb: float | npt.ArrayLike = -np.inf,
        ub: float | npt.ArrayLike = np.inf,
        rule: str | None = None,
        source: str | None = None,
        labels: Sequence[str] | None = None,
    ) -> RowBlock:
        """Add rows ``lb <= A @ x <= ub``; ``A`` has one column per variable added so far
        (fewer columns are padded with zeros, so rows may be added before later blocks)."""
        mat = sp.csr_matrix(A, dtype=np.float64)
        if mat.ndim != 2:
            raise ModelError(f"row block {name!r}: A must be 2-D")
        m = mat.shape[0]
        if mat.shape[1] > self._n:
            raise ModelError(f"row block {name!r}: A has {mat.shape[1]} columns, model has {self._n}")
        if labels is not None and len(labels) != m:
            raise ModelError(f"row block {name!r}: {len(labels)} labels for {m} rows")
        if any(b.name == name for b in self._row_blocks):
            raise ModelError(f"row block {name!r} added twice")
        block = RowBlock(name, self._m, m, rule, source, tuple(labels) if labels is not None else None)
        self._rows.append(mat)
        self._rlb.append(_as_array(lb, m, f"{name}.lb"))
        self._rub.append(_as_array(ub, m, f"{name}.ub"))
        self._row_blocks.append(block)
        self._m += m
        return block

    def add_quadratic(self, cols: npt.ArrayLike, values: float | npt.ArrayLike) -> None:
        """Add ½·v_k·x_{cols[k]}² to the objective for each k (diagonal entries of the Hessian,
        summed where a column is given twice). Their sign must suit the sense (<= 0 to maximise)."""
        idx = np.asarray(cols, dtype=np.int64)
        self._quad.append((idx, _as_array(values, idx.size, "quadratic")))

    def declare_semicontinuous(self, columns: npt.ArrayLike, switches: npt.ArrayLike, lot: npt.ArrayLike,
                               cap: npt.ArrayLike) -> None:
        """Declare ``columns`` semi-continuous, stated by the binary ``switches`` and rows the
        caller added (see :class:`SemiContinuous`)."""
        c = np.asarray(columns, dtype=np.int64)
        self._semi.append((c, np.asarray(switches, dtype=np.int64), _as_array(lot, c.size, "lot"),
                           _as_array(cap, c.size, "cap")))

    def build(self, *, objective_scale: float = 1.0, objective_unit: str = "") -> Model:
        """The model; ``objective_scale`` and ``objective_unit`` as on :class:`Model`."""
        n = self._n
        padded = [sp.csr_matrix((r.data, r.indices, r.indptr), shape=(r.shape[0], n)) for r in self._rows]
        A = sp.vstack(padded, format="csr") if padded else sp.csr_matrix((0, n))
        A.sum_duplicates()
        A.data = flush_tiny(A.data)
        A.eliminate_zeros()
        def cat(parts: list[npt.NDArray], dt: type) -> npt.NDArray:
            return np.concatenate(parts).astype(dt) if parts else np.zeros(0, dt)

        return Model(
            c=flush_tiny(cat(self._c, np.float64)),
            A=sp.csr_matrix(A, dtype=np.float64),
            row_lb=flush_tiny(cat(self._rlb, np.float64)),
            row_ub=flush_tiny(cat(self._rub, np.float64)),
            lb=flush_tiny(cat(self._lb, np.float64)),
            ub=flush_tiny(cat(self._ub, np.float64)),
            integer=cat(self._int, np.bool_),
            sense=self.sense,
            c0=float(self.c0),
            name=self.name,
            var_blocks=tuple(self._var_blocks),
            row_blocks=tuple(self._row_blocks),
            objective_scale=objective_scale,
            objective_unit=objective_unit,
            hessian=self._hessian(n),
            semicontinuous=SemiContinuous(*(np.concatenate(parts) for parts in zip(*self._semi, strict=True)))
            if self._semi else None,
        )

    def _hessian(self, n: int) -> sp.csr_matrix | None:
        if not self._quad:
            return None
        cols = np.concatenate([c for c, _ in self._quad])
        vals = np.concatenate([v for _, v in self._quad])
        return sp.csr_matrix((vals, (cols, cols)), shape=(n, n))
