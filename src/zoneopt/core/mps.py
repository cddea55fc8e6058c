"""MPS (and LP) files through highspy: no hand-written parser. A quadratic objective is written
and read as HiGHS does (a ``QUADOBJ`` section in MPS).

``read_mps`` reads any format HiGHS reads (free or fixed MPS, ``.lp``; gzipped too) into a
core :class:`~zoneopt.core.model.Model`; ``write_mps`` writes a model so it can be opened in
another tool.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from zoneopt.core.backends.highs import new_highs, to_highs_hessian, to_highs_lp
from zoneopt.core.model import Model, RowBlock, VarBlock
from zoneopt.core.solution import SolveOptions
from zoneopt.errors import ModelError


def read_mps(path: str | Path, *, strict: bool = True) -> Model:
    """Read a model file. Raises :class:`ModelError` naming the file when HiGHS cannot, and,
    with ``strict`` (the default), when HiGHS reads it only with warnings — such as a COLUMNS
    entry naming an undefined row, which HiGHS drops — quoting the first warnings."""
    import highspy

    p = Path(path)
    if not p.is_file():
        raise ModelError(f"{p}: no such file")
    h = new_highs(SolveOptions())
    messages: list[str] = []
    h.setOptionValue("output_flag", True)
    h.setOptionValue("log_to_console", False)
    h.cbLogging.subscribe(lambda event: messages.append(event.message.strip()))
    status = h.readModel(str(p))
    h.setOptionValue("output_flag", False)
    if status == highspy.HighsStatus.kError:
        raise ModelError(f"{p}: not a model HiGHS can read (MPS or LP format expected)")
    # HiGHS may return kOk yet log "WARNING: Row name ... is not defined: ignored".
    warned = [m for m in messages if m.upper().startswith("WARNING")]
    if strict and (warned or status == highspy.HighsStatus.kWarning):
        said = "; ".join(warned)[:500] or "no detail given"
        raise ModelError(f"{p}: read only with warnings, data may be lost ({said}); "
                         "read_mps(..., strict=False) accepts it")
    lp = h.getLp()
    n, m = int(lp.num_col_), int(lp.num_row_)
    a = lp.a_matrix_
    start = np.asarray(a.start_, dtype=np.int64)
    index = np.asarray(a.index_, dtype=np.int64)
    value = np.asarray(a.value_, dtype=np.float64)
    if a.format_ == highspy.MatrixFormat.kRowwise:
        A = sp.csr_matrix((value, index, start), shape=(m, n))
    else:
        A = sp.csc_matrix((value, index, start), shape=(m, n)).tocsr()
    integrality = list(lp.integrality_)
    integer = (np.array([v == highspy.HighsVarType.kInteger for v in integrality], dtype=bool)
               if integrality else np.zeros(n, dtype=bool))
    hessian = _hessian(h.getModel().hessian_, n)
    col_names = tuple(lp.col_names_) if len(lp.col_names_) == n else None
    row_names = tuple(lp.row_names_) if len(lp.row_names_) == m else None
    return Model(
        c=np.asarray(lp.col_cost_, dtype=np.float64),
        A=A,
        row_lb=np.asarray(lp.row_lower_, dtype=np.float64),
        row_ub=np.asarray(lp.row_upper_, dtype=np.float64),
        lb=np.asarray(lp.col_lower_, dtype=np.float64),
        ub=np.asarray(lp.col_upper_, dtype=np.float64),
        integer=integer,
        sense="max" if lp.sense_ == highspy.ObjSense.kMaximize else "min",
        c0=float(lp.offset_),
        name=p.name,
        var_blocks=(VarBlock("x", 0, n, col_names),),
        row_blocks=(RowBlock("r", 0, m, labels=row_names),) if m else (),
        var_names=col_names,
        row_names=row_names,
        hessian=hessian,
    )


def _hessian(hess: object, n: int) -> sp.csr_matrix | None:
    """The full symmetric Hessian from HiGHS's (its lower triangle, column-wise); None if empty."""
    dim = int(getattr(hess, "dim_", 0))
    value = np.asarray(getattr(hess, "value_", []), dtype=np.float64)
    if dim == 0 or not value.size:
        return None
    lower = sp.csc_matrix((value, np.asarray(hess.index_, dtype=np.int64),  # type: ignore[attr-defined]
                           np.asarray(hess.start_, dtype=np.int64)), shape=(n, n))  # type: ignore[attr-defined]
    return sp.csr_matrix(lower + sp.tril(lower, k=-1).T)


def write_mps(model: Model, path: str | Path) -> Path:
    """Write ``model`` as free MPS (or LP when the suffix is ``.lp``), with readable names."""
    import highspy

    p = Path(path)
    h = new_highs(SolveOptions())
    lp = to_highs_lp(replace(model, hessian=None))
    lp.col_names_ = [_mps_name(s) for s in model.column_names()]
    lp.row_names_ = [_mps_name(s) for s in model.constraint_names()]
    if model.is_quadratic:  # HiGHS writes the Hessian as a QUADOBJ section
        full = highspy.HighsModel()
        full.lp_ = lp
        full.hessian_ = to_highs_hessian(model)
        h.passModel(full)
    else:
        h.passModel(lp)
    if h.writeModel(str(p)) == highspy.HighsStatus.kError:
        raise ModelError(f"{p}: HiGHS could not write the model")
    return p


def _mps_name(name: str) -> str:
    # MPS names may not hold spaces; keep everything else readable.
    return name.replace(" ", "_")
