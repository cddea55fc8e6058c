"""The OR-Tools side of the OR-Tools backends: one solver call on a model's arrays, run in a
worker process (:mod:`zoneopt.core.backends.worker`) so that OR-Tools' own ``libhighs`` never
meets highspy's. The backends (:mod:`zoneopt.core.backends.ortools_backend`) build a
:class:`Request` here, send it, and map the :class:`Run` that comes back.

In the worker, ``highspy`` cannot be imported (an import raises ImportError saying why, rather
than failing on an undefined symbol), SIGINT is ignored except while SCIP solves (SCIP installs
its own Ctrl-C handler then, which is how a stop reaches it), and file descriptor 1 is
``/dev/null``: the solvers' logs are written to fd 1 (OR-Tools 9.15's Python log callback is
unusable), so a verbose solve points fd 1 at a temporary file for its duration and sends the
lines back in :attr:`Run.log`.

This module imports numpy and OR-Tools inside functions only: this process imports it to build
requests without loading either solver.
"""

from __future__ import annotations

import contextlib
import importlib.abc
import os
import signal
import sys
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from zoneopt.core.backends.worker import Kind, serve

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    FloatArray = npt.NDArray[np.float64]

KIND = Kind("OR-Tools", "zoneopt.core.backends.ortools_worker")


@dataclass(frozen=True)
class Request:
    """One solver call: the model as arrays (CSR rows), the solver and its settings."""

    solver_id: str
    """``"glop"``, ``"pdlp"``, ``"scip"`` or ``"sat"``."""
    lb: FloatArray
    ub: FloatArray
    integer: npt.NDArray[np.int64]
    """Indices of the integer columns."""
    maximize: bool
    c: FloatArray
    c0: float
    indptr: npt.NDArray[np.int32]
    indices: npt.NDArray[np.int32]
    data: FloatArray
    row_lb: FloatArray
    row_ub: FloatArray
    params: str
    time_limit: float | None
    verbose: bool
    quadratic: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], FloatArray] | None = None
    """A quadratic objective as Σ q·x_i·x_j over pairs i <= j: (i, j, q); None for a linear one."""


@dataclass(frozen=True)
class Run:
    """What one OR-Tools solve returned, copied out of the solver."""

    status: str
    """``SolveStatus`` name, e.g. ``"OPTIMAL"``."""
    message: str
    has_solution: bool
    x: FloatArray | None
    objective: float | None
    bound: float | None
    duals: FloatArray | None
    reduced: FloatArray | None
    pdlp_reason: str | None = None
    """PDLP's termination reason (``TERMINATION_REASON_...``), read from its solve log."""
    log: list[str] = field(default_factory=list)
    """The solver's log lines (verbose solves only)."""


# -- in the worker ---------------------------------------------------------------------------

class _NoHighspy(importlib.abc.MetaPathFinder):
    """Refuses ``import highspy`` in the worker: its libhighs would clash with OR-Tools'."""

    def find_spec(self, name: str, path: Any, target: Any = None) -> None:
        if name == "highspy" or name.startswith("highspy."):
            raise ImportError("highspy cannot be imported in the OR-Tools worker process: its "
                              "libhighs clashes with the one OR-Tools ships")
        return None


@contextlib.contextmanager
def _stdout_captured(enabled: bool) -> Iterator[list[str]]:
    """While active (and ``enabled``), send fd 1 to a temporary file; yields a list that holds
    the captured lines afterwards. A file rather than a pipe: nothing has to read it while the
    solver writes."""
    lines: list[str] = []
    if not enabled:
        yield lines
        return
    import ctypes

    libc = ctypes.CDLL(None)
    with tempfile.TemporaryFile() as capture:
        sys.stdout.flush()
        libc.fflush(None)
        saved = os.dup(1)
        os.dup2(capture.fileno(), 1)
        try:
            yield lines
        finally:
            libc.fflush(None)  # C stdio buffers of the solver, before fd 1 goes back
            os.dup2(saved, 1)
            os.close(saved)
            capture.seek(0)
            lines += [line.rstrip() for line in capture.read().decode("utf-8", errors="replace").splitlines()
                      if line.strip()]


class SolveJob:
    """Serves one :class:`Request` in the worker (see :class:`zoneopt.core.backends.worker.Job`)."""

    def __init__(self, request: Request) -> None:
        self.request = request
        self.solver: Any = None
        self.stopped = False
        self.solving = False
        self.lock = threading.Lock()

    def stop(self) -> None:
        """OR-Tools' interrupt reaches CP-SAT and GLOP; SCIP stops on SIGINT with its incumbent
        (its own handler, installed while it solves; outside that SIGINT is ignored here); PDLP
        ignores both in this release and is killed after the grace."""
        with self.lock:
            self.stopped = True
            if not self.solving:
                return
            if self.request.solver_id == "scip":
                os.kill(os.getpid(), signal.SIGINT)
            else:
                self.solver.interrupt_solve()

    def run(self) -> Run:
        import numpy as np
        import scipy.sparse as sp
        from ortools.linear_solver.python import model_builder_helper as mbh

        r = self.request
        n, m = r.lb.size, r.row_lb.size
        A = sp.csr_matrix((r.data, r.indices, r.indptr), shape=(m, n))
        # Any: the shipped stubs spell array types in a form mypy rejects.
        helper: Any = mbh.ModelBuilderHelper()
        helper.fill_model_from_sparse_data(r.lb, r.ub, r.c, r.row_lb, r.row_ub, A)
        set_integral = helper.set_var_integrality  # no vectorised setter exists
        for j in r.integer.tolist():
            set_integral(j, True)
        helper.set_maximize(r.maximize)
        helper.set_objective_offset(float(r.c0))
        if r.quadratic is not None:
            helper = _with_quadratic(helper, *r.quadratic)

        solver: Any = mbh.ModelSolverHelper(r.solver_id)
        if not solver.solver_is_supported():
            return Run("SOLVER_TYPE_UNAVAILABLE", f"OR-Tools was built without {r.solver_id}",
                       False, None, None, None, None, None)
        if r.params:
            solver.set_solver_specific_parameters(r.params)
        if r.time_limit is not None:
            # A zero limit may read as "no limit" to some solvers; 1 ms stops them all at once.
            solver.set_time_limit_in_seconds(max(float(r.time_limit), 1e-3))
        solver.enable_output(r.verbose)
        with self.lock:
            if self.stopped:
                return Run("NOT_SOLVED", "stopped before the solve started", False, None, None,
                           None, None, None)
            self.solver, self.solving = solver, True
        try:
            with _stdout_captured(r.verbose) as printed:
                solver.solve(helper)
        finally:
            with self.lock:
                self.solving = False

        status = solver.status().name
        values = np.asarray(solver.variable_values(), dtype=np.float64)
        x = values if values.shape == (n,) else None
        duals = np.asarray(solver.dual_values(), dtype=np.float64)
        reduced = np.asarray(solver.reduced_costs(), dtype=np.float64)
        objective = bound = None
        if x is not None:
            objective = float(solver.objective_value())
            bound = float(solver.best_objective_bound())
        reason = _pdlp_reason(solver) if r.solver_id == "pdlp" else None
        return Run(status, solver.status_string(), bool(solver.has_solution()), x, objective, bound,
                   duals if duals.shape == (m,) else None,
                   reduced if reduced.shape == (n,) else None, reason, printed)


def _with_quadratic(helper: Any, rows: npt.NDArray[np.int64], cols: npt.NDArray[np.int64],
                    coef: FloatArray) -> Any:
    """``helper`` with the quadratic objective Σ coef·x_row·x_col: the model builder has no
    setter for it, so its ``MPModelProto`` is written out, given ``quadratic_objective`` and
    read back. PDLP and SCIP solve it; ``require_support`` keeps it from the others."""
    from ortools.linear_solver import linear_solver_pb2  # type: ignore[attr-defined]
    from ortools.linear_solver.python import model_builder_helper as mbh

    with tempfile.TemporaryDirectory(prefix="zoneopt-qp-") as tmp:
        path = os.path.join(tmp, "model.pb")
        if not helper.write_model_to_proto_file(path):
            raise RuntimeError("OR-Tools could not write the model to add its quadratic objective")
        proto = linear_solver_pb2.MPModelProto()
        with open(path, "rb") as f:
            proto.ParseFromString(f.read())
        q = proto.quadratic_objective
        q.qvar1_index.extend(rows.tolist())
        q.qvar2_index.extend(cols.tolist())
        q.coefficient.extend(coef.tolist())
        with open(path, "wb") as f:
            f.write(proto.SerializeToString())
        out: Any = mbh.ModelBuilderHelper()
        if not out.read_model_from_proto_file(path):
            raise RuntimeError("OR-Tools could not read the model back with its quadratic objective")
    return out


def _pdlp_reason(solver: Any) -> str | None:
    """PDLP's termination reason from the ``SolveLog`` it stores in the response."""
    from ortools.pdlp import solve_log_pb2

    try:
        info = solver.response().solver_specific_info
        if not info:
            return None
        log = solve_log_pb2.SolveLog.FromString(info)
        return str(solve_log_pb2.TerminationReason.Name(log.termination_reason))
    except Exception:  # an unreadable log only costs us the finer status
        return None


def main(fd: int) -> None:
    """The worker process: serve OR-Tools solves on socket ``fd`` until it closes."""
    sys.meta_path.insert(0, _NoHighspy())
    from importlib.metadata import version

    import numpy  # noqa: F401  (loaded before saying ready, so a solve pays no import)
    import scipy.sparse  # noqa: F401
    from ortools.linear_solver.python import model_builder_helper  # noqa: F401
    from ortools.pdlp import solve_log_pb2  # noqa: F401

    ready = {"pid": os.getpid(), "ortools": version("ortools"), "highspy": "highspy" in sys.modules}
    serve(fd, SolveJob, ready)


__all__ = ["KIND", "Request", "Run", "SolveJob", "main"]
