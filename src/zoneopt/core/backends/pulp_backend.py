"""PuLP backends: ``pulp-cbc`` (PuLP's bundled CBC binary) and ``pulp-highs`` (PuLP's in-process
HiGHS API).

PuLP is only the way to reach the solver here, not the model representation: the array model is
translated into a ``pulp.LpProblem`` once per solve (one ``LpAffineExpression`` per row, built from
the CSR slice), and the answer is read back into arrays.

Three things PuLP does not do the way zoneopt needs, and how they are handled:

* **Status.** PuLP folds a solver stopped at a time or iteration limit into ``LpStatusOptimal``
  (coin-or/pulp#711, #649). ``pulp-cbc`` reads CBC's own verdict instead: the ``Result - ...``
  line of its log for a MIP, else the first line of its solution file (see
  :func:`_cbc_status` for why that order, and for CBC 2.10's false "infeasible" under a tiny
  time limit). ``pulp-highs`` reads the ``highspy`` model status from ``LpProblem.solverModel``.
  A stopped run counts as FEASIBLE only if its point passes the independent check.
* **Precision.** CBC prints its text solution with 8 significant digits; ``pulp-cbc`` also has
  CBC save the solution in binary and reads full-precision values and duals from that.
* **Duals.** For ``pulp-cbc`` ``constraint.pi`` and ``variable.dj`` are already d(objective)/d(bound)
  in the model's own sense, for min and max alike (CBC maximises itself, ``-max``).
  ``pulp-highs`` hands HiGHS the objective negated for a maximisation and copies HiGHS's duals
  verbatim, so for ``max`` both are negated. A ranged row is sent as two constraints; its dual
  is the sum of the two.
* **Files.** CBC runs through an MPS file, two solution files and a log file. Every solve uses
  a private ``tempfile.TemporaryDirectory`` as PuLP's ``tmpDir`` and log location, so nothing is
  left behind on success, time limit, infeasibility, solver failure or an exception.

``Solution.runtime`` is wall seconds from the start of the translation to PuLP to the end of the
solve (building the ``LpProblem``, writing and reading CBC's files included).

``pulp`` is imported inside functions only: importing it imports ``highspy``.
"""

from __future__ import annotations

import functools
import math
import os
import re
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from zoneopt.core.backends.base import solver_log
from zoneopt.core.backends.highs import _left, classify, configure_highs, run_highs
from zoneopt.core.checker import DEFAULT_TOLERANCE, check_solution
from zoneopt.core.limits import NotFinished
from zoneopt.core.model import Model
from zoneopt.core.solution import Solution, SolveOptions, Status
from zoneopt.errors import ModelError, NoSolutionError

_HIGHS_ALGORITHMS = ("simplex", "ipm", "pdlp", "choose")


# -- translation ---------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class PulpModel:
    """A model translated to PuLP, with the maps back to the model's rows and columns."""

    prob: Any
    """The ``pulp.LpProblem``."""
    variables: list[Any]
    """``variables[j]`` is the ``LpVariable`` of model column ``j`` (named ``x<j>``)."""
    constraints: list[Any]
    """Every ``LpConstraint`` added, in order."""
    owner: npt.NDArray[np.int64]
    """``owner[k]`` is the model row that ``constraints[k]`` stands for. A ranged row owns two
    constraints (``r<i>_lo`` and ``r<i>_up``); a row with no finite bound owns none."""


def _problem_name(name: str) -> str:
    # PuLP warns about spaces and rewrites other characters; CBC reads the name from the MPS file.
    return re.sub(r"[^A-Za-z0-9_]", "_", name)[:64] or "model"


def to_pulp(model: Model) -> PulpModel:
    """Translate ``model`` to a ``pulp.LpProblem`` in O(n + nnz) Python work.

    Variables are ``x0 .. x<n-1>``, rows ``r<i>`` (or ``r<i>_lo`` / ``r<i>_up`` for a ranged row),
    so names are unique and safe whatever the model's own names are. Every variable is in the
    objective (with coefficient 0 if need be) so PuLP sends it to the solver even when it appears
    in no row.
    """
    import pulp

    prob = pulp.LpProblem(_problem_name(model.name),
                          pulp.LpMaximize if model.sense == "max" else pulp.LpMinimize)
    inf = math.inf
    lbs = [None if v == -inf else v for v in model.lb.tolist()]
    ubs = [None if v == inf else v for v in model.ub.tolist()]
    cats = [pulp.LpInteger if v else pulp.LpContinuous for v in model.integer.tolist()]
    add_variable = prob.add_variable
    xs = [add_variable(f"x{j}", lo, hi, cat) for j, (lo, hi, cat) in enumerate(zip(lbs, ubs, cats))]
    prob.setObjective(pulp.LpAffineExpression(zip(xs, model.c.tolist()), constant=float(model.c0)))

    A = model.A
    if not A.has_canonical_format:
        # Duplicate entries would silently overwrite each other in the expression dict.
        A = sp.csr_matrix(A, copy=True)
        A.sum_duplicates()
    indptr = A.indptr.tolist()
    indices = A.indices.tolist()
    data = A.data.tolist()
    getx = xs.__getitem__
    Expr, Con = pulp.LpAffineExpression, pulp.LpConstraint
    LE, GE, EQ = pulp.LpConstraintLE, pulp.LpConstraintGE, pulp.LpConstraintEQ
    constraints: list[Any] = []
    owner: list[int] = []
    for i, (lo, hi) in enumerate(zip(model.row_lb.tolist(), model.row_ub.tolist())):
        has_lo, has_hi = lo != -inf, hi != inf
        if not (has_lo or has_hi):
            continue  # a free row constrains nothing; its dual is 0
        s, e = indptr[i], indptr[i + 1]
        expr = Expr(zip(map(getx, indices[s:e]), data[s:e]))
        if has_lo and has_hi and lo == hi:
            made = [Con(expr, EQ, f"r{i}", lo)]
        elif has_lo and has_hi:
            # Ranged: PuLP has no range rows. Separate expression objects so an in-place edit by
            # PuLP (writeLP adds a dummy to empty rows) cannot touch the twin.
            made = [Con(expr, GE, f"r{i}_lo", lo), Con(Expr(expr), LE, f"r{i}_up", hi)]
        elif has_lo:
            made = [Con(expr, GE, f"r{i}", lo)]
        else:
            made = [Con(expr, LE, f"r{i}", hi)]
        for con in made:
            prob.addConstraint(con)
            constraints.append(con)
            owner.append(i)
    return PulpModel(prob, xs, constraints, np.asarray(owner, dtype=np.int64))


def _values(pm: PulpModel) -> npt.NDArray[np.float64] | None:
    vals = [v.varValue for v in pm.variables]
    if any(v is None for v in vals):
        return None
    return np.asarray(vals, dtype=np.float64)


def _duals(pm: PulpModel, model: Model, sign: float
           ) -> tuple[npt.NDArray[np.float64] | None, npt.NDArray[np.float64] | None]:
    """Row duals (a ranged row's two constraints summed) and reduced costs, times ``sign``."""
    pis = [c.pi for c in pm.constraints]
    djs = [v.dj for v in pm.variables]
    if any(p is None for p in pis) or any(d is None for d in djs):
        return None, None
    pi = np.asarray(pis, dtype=np.float64)
    row_duals = np.bincount(pm.owner, weights=pi, minlength=model.num_rows) if pi.size \
        else np.zeros(model.num_rows)
    return sign * np.asarray(row_duals, dtype=np.float64), sign * np.asarray(djs, dtype=np.float64)


def _point_ok(model: Model, x: npt.NDArray[np.float64] | None, options: SolveOptions) -> bool:
    """Whether a point a stopped solver handed back is feasible (same test as ``solve``'s)."""
    if x is None:
        return False
    return check_solution(model, x, tolerance=max(options.tolerance, DEFAULT_TOLERANCE)).passed


def _rel_gap(objective: float, bound: float) -> float:
    if objective == bound:
        return 0.0
    return abs(objective - bound) / abs(objective) if objective != 0 else math.inf


# -- CBC -----------------------------------------------------------------------------------------
def _read_cbc_binary(path: str, num_rows: int, num_cols: int
                     ) -> tuple[npt.NDArray[np.float64], ...] | None:
    """CBC's ``-saveSolution`` file: ``int rows, int cols, double objective``, then row
    activities, row duals, column values and reduced costs as doubles. ``None`` if it is missing
    or not the expected size."""
    try:
        raw = np.fromfile(path, dtype=np.uint8)
    except OSError:
        return None
    if raw.size < 16:
        return None
    m, n = (int(v) for v in raw[:8].view(np.int32))
    body = raw[16:]
    if (m, n) != (num_rows, num_cols) or body.size != 8 * (2 * m + 2 * n):
        return None
    doubles = body.view(np.float64)
    return doubles[:m], doubles[m:2 * m], doubles[2 * m:2 * m + n], doubles[2 * m + n:]


@functools.cache
def _cbc_class() -> type:
    """``pulp.PULP_CBC_CMD`` with CBC's own status line kept and full-precision values."""
    import pulp

    # PULP_CBC_CMD is deprecated for PuLP 4.0; the pin (pulp<3.4) keeps it, and the bundled
    # binary is the point of this backend. One narrow filter, installed once: a
    # catch_warnings() around each solve is not thread-safe.
    warnings.filterwarnings("ignore", message="PULP_CBC_CMD is deprecated", category=DeprecationWarning)

    class _ZoneoptCbc(pulp.PULP_CBC_CMD):
        """PuLP's bundled CBC. ``solve_CBC`` follows ``COIN_CMD.solve_CBC`` (same MPS file, same
        option mapping, same text solution parsed by PuLP) with three changes:

        * after the solve CBC also writes ``-saveSolution``, a binary copy of its solution in full
          double precision, and that replaces the text file's numbers, which CBC prints with 8
          significant digits (``%15.8g``) - too coarse for a balance row over values in the
          thousands to pass the independent check;
        * the command is an argument list, so a temporary directory with spaces works;
        * the first line of the text solution (CBC's status, which PuLP folds into
          ``LpStatus``) is kept in ``status_line``.

        Files are named inside ``tmpDir`` and left for the caller's temporary directory to remove.
        """

        status_line: str | None = None

        def get_status(self, filename: str) -> Any:
            with open(filename) as f:
                self.status_line = f.readline().strip()
            return super().get_status(filename)

        def solve_CBC(self, lp: Any, use_mps: bool = True) -> int:
            if not self.executable(self.path):
                raise pulp.PulpSolverError(f"cannot execute {self.path}")
            mps, sol, binary = (os.path.join(self.tmpDir, name)
                                for name in ("model.mps", "solution.txt", "solution.bin"))
            vs, var_names, con_names, _ = lp.writeMPS(mps, rename=1)
            args = [self.path, mps]
            if lp.sense == pulp.LpMaximize:
                args.append("-max")
            if self.timeLimit is not None:
                # CBC counts CPU seconds unless told otherwise; the limit is wall clock.
                args += ["-timeMode", "elapsed", "-sec", str(self.timeLimit)]
            for option in self.options + self.getOptions():
                args += ("-" + option).split()
            args += ["-solve" if self.mip else "-initialSolve", "-printingOptions", "all",
                     "-solution", sol, "-saveSolution", binary]
            with open(self.optionsDict["logPath"], "w") as log:
                code = _run_cbc(args, log, self.timeLimit)
            if code != 0 or not os.path.exists(sol):
                raise pulp.PulpSolverError(f"CBC exited with code {code} and "
                                           f"{'a' if os.path.exists(sol) else 'no'} solution file")
            status, values, djs, pis, activities, sol_status = self.readsol_MPS(
                sol, lp, vs, var_names, con_names)
            exact = _read_cbc_binary(binary, len(lp._constraints), len(vs))
            if exact is not None:
                row_act, row_dual, col_val, col_dj = (a.tolist() for a in exact)
                values = {v.name: col_val[k] for k, v in enumerate(vs)}
                djs = {v.name: col_dj[k] for k, v in enumerate(vs)}
                pis = dict(zip(lp._constraints, row_dual))
                activities = dict(zip(lp._constraints, row_act))
            lp.assignVarsVals(values)
            lp.assignVarsDj(djs)
            lp.assignConsPi(pis)
            lp.assignConsSlack(activities, activity=True)
            lp.assignStatus(status, sol_status)
            return status

    return _ZoneoptCbc


def _run_cbc(args: list[str], log: Any, time_limit: float | None) -> int:
    """Run CBC as a child process under :func:`zoneopt.core.limits.run_stoppable` and return its
    exit code. To stop it, CBC gets SIGINT (Ctrl-C): it ends its search and writes its best
    point ("Result - User ctrl-c"); a CBC that does not end in the grace is killed. Raises
    :class:`~zoneopt.core.limits.NotFinished` when it does not start or end in time, or a stop
    request ended it before it wrote a solution."""
    import signal
    import subprocess

    from zoneopt.core import limits

    if limits.stop_requested():
        raise limits.NotFinished(f"CBC was not started: {limits.stop_reason()} asked to stop")
    proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        code = limits.run_stoppable(proc.wait, lambda: _signal(proc, signal.SIGINT), time_limit,
                                    kill=proc.kill, what="CBC")
    finally:
        if proc.poll() is None:  # an exception on the way: never leave CBC running
            proc.kill()
            proc.wait()
    if code < 0 and limits.stop_requested():
        raise limits.NotFinished(f"CBC ended by signal {-code} before it wrote a point ({limits.stop_reason()})")
    return code


def _signal(proc: Any, signum: int) -> None:
    if proc.poll() is None:
        proc.send_signal(signum)


def _cbc_options(extra: dict[str, Any]) -> list[str]:
    """``extra`` as CBC command-line options: ``{"cuts": "off"}`` -> ``-cuts off``."""
    out = []
    for key, value in extra.items():
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_!]*", str(key)):
            raise ModelError(f"pulp-cbc: option name {key!r} is not a CBC option")
        out.append(str(key) if value is None or value is True else f"{key} {value}")
    return out


_RESULT_RE = re.compile(r"^Result - (.+?)\s*$", re.MULTILINE)
_BOUND_RE = re.compile(r"^(?:Lower|Upper) bound:\s+(\S+)", re.MULTILINE)
_WALL_RE = re.compile(r"\(Wallclock seconds\):\s+([0-9.eE+-]+)")


def _cbc_status(line: str, result: str | None, point_ok: Callable[[], bool]) -> Status:
    """CBC's own verdict as a :class:`Status`.

    ``result`` is the ``Result - ...`` line of a MIP's log (branch and bound's status:
    ``Optimal solution found [(within gap tolerance)]``, ``Stopped on time limit|node
    limit|solution limit``, ``Problem proven infeasible``, ``Linear relaxation
    infeasible|unbounded``, ...). It comes first because the solution file's first line
    ``line`` can say ``Optimal`` after a time limit: that line reports the last LP CBC solved,
    which after an interrupted search is postprocessing's LP with the integers fixed. Without a
    result line (LPs; MIPs settled in preprocessing) ``line`` decides: ``Optimal``,
    ``Infeasible``, ``Integer infeasible``, ``Unbounded``, ``Stopped on ...`` (with ``(no integer
    solution - continuous used)`` when a MIP has no incumbent) or ``Status unknown``.

    A stopped run is FEASIBLE only if its point is (``point_ok()``): PuLP calls ``Stopped on ... -
    objective value`` optimal even when CBC hands back an infeasible point (pulp#711).
    """
    def stopped() -> Status:
        if "no integer solution" in line or not point_ok():
            return Status.NO_SOLUTION
        return Status.FEASIBLE

    if result is not None:
        low = result.lower()
        if low.startswith("optimal solution found"):
            return Status.OPTIMAL
        if "infeasible" in low:
            return Status.INFEASIBLE
        if "unbounded" in low:
            return Status.UNBOUNDED
        return stopped()  # Stopped on ..., user ctrl-c, run abandoned
    head = line.split(" - objective value")[0].strip()
    if head.startswith("Optimal"):
        return Status.OPTIMAL
    if head.startswith(("Infeasible", "Integer infeasible")):
        return Status.INFEASIBLE
    if head.startswith("Unbounded"):
        return Status.UNBOUNDED
    if head.startswith("Stopped"):
        return stopped()
    return Status.ERROR


def _cbc_hit_time_limit(log_text: str, time_limit: float | None, measured: float) -> bool:
    """Whether CBC's clock reached ``time_limit``: CBC's own wall time from its log (printed to
    0.01 s, hence the slack), else the measured time of the whole call."""
    if time_limit is None:
        return False
    found = _WALL_RE.findall(log_text)
    wall = float(found[-1]) + 0.01 if found else measured
    return wall >= time_limit


def _log_lines(path: str) -> list[str]:
    try:
        with open(path, errors="replace") as f:
            return f.read().splitlines()
    except OSError:
        return []


class PulpCbcBackend:
    """CBC through PuLP's bundled binary (``pulp.PULP_CBC_CMD``, see :func:`_cbc_class`).

    LPs are sent with ``mip=False`` (CBC's ``-initialSolve``: a pure Clp solve with duals).
    ``time_limit`` -> ``timeLimit`` (CBC ``-sec``, wall clock), ``mip_gap`` -> ``gapRel`` (CBC
    ``-ratio``), ``threads`` -> ``threads``; ``extra`` items become CBC options
    (``{"cuts": "off"}`` -> ``-cuts off``). CBC's log is always written to the private temporary
    directory and forwarded line by line to the ``zoneopt.solver`` logger when ``verbose``.
    """

    name: ClassVar[str] = "pulp-cbc"
    integer: ClassVar[bool] = True
    continuous: ClassVar[bool] = True
    duals: ClassVar[bool] = True

    def solve(self, model: Model, options: SolveOptions) -> Solution:
        import pulp

        start = time.perf_counter()
        crossed = np.flatnonzero(model.lb > model.ub)
        if crossed.size:
            # CBC rejects such a model ("Current model not valid") and writes no solution.
            j = int(crossed[0])
            return Solution(Status.INFEASIBLE, self.name, runtime=time.perf_counter() - start,
                            message=f"variable {model.column_names()[j]} has lower bound "
                                    f"{model.lb[j]:g} above upper bound {model.ub[j]:g}")
        pm = to_pulp(model)
        cbc_options = _cbc_options(options.extra)
        with tempfile.TemporaryDirectory(prefix="zoneopt-cbc-") as tmp:
            log_path = os.path.join(tmp, "cbc.log")
            solver = _cbc_class()(
                mip=model.is_mip, msg=False, keepFiles=False, logPath=log_path,
                timeLimit=options.time_limit,
                gapRel=float(options.mip_gap) if model.is_mip else None,
                threads=options.threads, options=cbc_options)
            solver.tmpDir = tmp  # the MPS and both solution files go here too
            cbc_start = time.perf_counter()
            try:
                pm.prob.solve(solver)
            except NotFinished as exc:
                return Solution(Status.NO_SOLUTION, self.name, runtime=time.perf_counter() - start,
                                message=str(exc))
            except pulp.PulpSolverError as exc:
                tail = " | ".join(line for line in _log_lines(log_path)[-5:] if line.strip())
                raise NoSolutionError(
                    f"pulp-cbc: CBC failed on model {model.name!r}: {exc}"
                    + (f" (log: {tail})" if tail else "")) from exc
            finally:
                log_lines = _log_lines(log_path)
                if options.verbose:
                    for line in log_lines:
                        solver_log.info("%s", line.rstrip())
        end = time.perf_counter()
        runtime = end - start
        log_text = "\n".join(log_lines)

        line = solver.status_line or ""
        results = _RESULT_RE.findall(log_text) if model.is_mip else []
        result = results[-1] if results else None
        x = _values(pm)
        status = _cbc_status(line, result, lambda: _point_ok(model, x, options))
        message = (f"Result - {result}" if result is not None
                   else line.split(" - objective value")[0] if line else "CBC wrote no status")
        if status in (Status.INFEASIBLE, Status.UNBOUNDED) and _cbc_hit_time_limit(
                log_text, options.time_limit, end - cbc_start):
            # CBC 2.10 interrupted by its clock in preprocessing reports "Integer infeasible"
            # for feasible models ("Cut generators found to be infeasible!"): a claim made
            # once the time was up proves nothing.
            status = Status.NO_SOLUTION
            message = f"{message} after reaching the time limit (not trusted)"
        if x is None and status.has_solution:
            status, message = Status.ERROR, f"{message}; CBC returned no values"
        if not status.has_solution or x is None:
            return Solution(status, self.name, runtime=runtime, message=message)

        objective = model.objective_value(x)
        duals = reduced = None
        gap = best_bound = None
        if model.is_mip:
            found = _BOUND_RE.findall(log_text)
            if found:
                # CBC's log bound is in the model's sense but leaves out the objective constant.
                best_bound = float(found[-1]) + float(model.c0)
                gap = _rel_gap(objective, best_bound)
            elif result == "Optimal solution found":
                best_bound, gap = objective, 0.0  # search completed, no bound line printed
        elif status is Status.OPTIMAL:
            # CBC's pi and dj are d(objective)/d(active bound) in the model's sense for min and
            # max alike (CBC maximises itself with -max): already zoneopt's convention.
            duals, reduced = _duals(pm, model, 1.0)
        return Solution(status, self.name, objective=objective, x=x, row_duals=duals,
                        reduced_costs=reduced, runtime=runtime, mip_gap=gap,
                        best_bound=best_bound, message=message)


# -- HiGHS through PuLP --------------------------------------------------------------------------
@functools.cache
def _highs_class() -> type:
    """``pulp.HiGHS`` with zoneopt's log routing, LP algorithm and checked raw options."""
    import pulp

    class _ZoneoptHighs(pulp.HiGHS):
        def __init__(self, zoneopt_options: SolveOptions, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.zoneopt_options = zoneopt_options

        def createAndConfigureSolver(self, lp: Any) -> None:
            super().createAndConfigureSolver(lp)
            configure_highs(lp.solverModel, self.zoneopt_options, "pulp-highs")

        def callSolver(self, lp: Any) -> None:
            # PuLP's own call is lp.solverModel.run(): watched here like the highs backend's.
            run_highs(lp.solverModel, self.timeLimit, "HiGHS (through PuLP)")

    return _ZoneoptHighs


class PulpHighsBackend:
    """HiGHS through PuLP's in-process API solver (``pulp.HiGHS``).

    ``time_limit`` -> ``timeLimit``, ``mip_gap`` -> ``gapRel``, ``threads`` -> ``threads``;
    ``algorithm`` sets HiGHS's ``solver`` option as on the ``highs`` backend and ``extra`` items
    are HiGHS options (a refused one raises :class:`ModelError`). With ``verbose`` the HiGHS log
    goes to the ``zoneopt.solver`` logger.
    """

    name: ClassVar[str] = "pulp-highs"
    integer: ClassVar[bool] = True
    continuous: ClassVar[bool] = True
    duals: ClassVar[bool] = True

    def solve(self, model: Model, options: SolveOptions) -> Solution:
        import highspy
        import pulp

        if options.algorithm not in _HIGHS_ALGORITHMS:
            raise ModelError(f"pulp-highs: unknown algorithm {options.algorithm!r} "
                             f"({', '.join(_HIGHS_ALGORITHMS)})")
        start = time.perf_counter()
        pm = to_pulp(model)
        solver = _highs_class()(
            options, mip=True, msg=options.verbose, timeLimit=options.time_limit,
            gapRel=float(options.mip_gap), threads=options.threads)
        try:
            pm.prob.solve(solver)
            h = pm.prob.solverModel
            # PuLP reports limits as LpStatusOptimal and "unbounded or infeasible" as infeasible:
            # read HiGHS's own status instead.
            status, message, rerun = classify(h, _left(options.time_limit, start))
        except NotFinished as exc:
            return Solution(Status.NO_SOLUTION, self.name, runtime=time.perf_counter() - start, message=str(exc))
        except (pulp.PulpError, RuntimeError) as exc:  # a broken call, not a solve status
            raise NoSolutionError(f"pulp-highs: HiGHS failed on model {model.name!r}: {exc}") from exc
        if rerun:
            solver.findSolutionValues(pm.prob)  # refresh PuLP's values from the re-run
        runtime = time.perf_counter() - start
        info = h.getInfo()
        x = _values(pm) if status.has_solution else None
        if x is None and status.has_solution:
            status, message = Status.ERROR, f"{message}; HiGHS returned no values"
        if not status.has_solution or x is None:
            return Solution(status, self.name, runtime=runtime, message=message)

        # PuLP passes HiGHS min(-c @ x) for a maximisation and no objective constant.
        sign = -1.0 if model.sense == "max" else 1.0
        objective = model.objective_value(x)
        duals = reduced = None
        gap = best_bound = None
        if model.is_mip:
            gap = float(info.mip_gap)  # HiGHS's own gap, the one it stopped on
            best_bound = sign * float(info.mip_dual_bound) + float(model.c0)
            if status is Status.OPTIMAL and gap > options.mip_gap + 1e-12:
                status = Status.FEASIBLE
        elif status is Status.OPTIMAL and info.dual_solution_status == highspy.kSolutionStatusFeasible:
            duals, reduced = _duals(pm, model, sign)
        return Solution(status, self.name, objective=objective, x=x, row_duals=duals,
                        reduced_costs=reduced, runtime=runtime, mip_gap=gap,
                        best_bound=best_bound, message=message)


PULP_BACKENDS: tuple[type, ...] = (PulpCbcBackend, PulpHighsBackend)

__all__ = ["PULP_BACKENDS", "PulpCbcBackend", "PulpHighsBackend", "PulpModel", "to_pulp"]
