"""The OR-Tools worker process (zoneopt.core.backends.worker, ortools_worker): the OR-Tools
backends solve there so that highspy >= 1.15 and OR-Tools' own libhighs never share a process.

What is checked: a worker is kept warm and reused; errors raised in the worker arrive typed; a
worker that dies mid-solve gives status ERROR and the next solve gets a new one; time limits,
the run's deadline and stop requests reach the solver in the worker (PDLP, which ignores the
interrupt, is killed after the grace); a real SIGINT or SIGTERM to a process stops its solve
promptly; a process killed outright (SIGKILL) leaves no worker behind; a forked child starts
workers of its own. The answers themselves (every backend agreeing with HiGHS) are checked by
test_ortools_backends.py, test_threads.py and the models' agreement tests.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from fresh_process import SRC
from hard_models import market_split

from zoneopt.core import Model, ModelBuilder, Status, limits, solve
from zoneopt.core.backends import worker as workers
from zoneopt.core.backends.ortools_worker import KIND, Request, _NoHighspy


def tiny(integer: bool = False) -> Model:
    b = ModelBuilder("tiny", "max")
    b.add_vars("x", 2, lb=0, ub=1, obj=[1, 2], integer=integer)
    b.add_rows("r", np.ones((1, 2)), ub=1)
    return b.build()


def busy_worker(timeout: float = 30.0) -> workers.Worker:
    """The worker serving a solve right now (waits until one is)."""
    until = time.monotonic() + timeout
    while time.monotonic() < until:
        with workers.POOL.lock:
            busy = [w for w in workers.POOL.live if w.busy and not w.dead]
        if busy:
            return busy[0]
        time.sleep(0.02)
    raise AssertionError("no worker became busy")


def gone(pid: int) -> bool:
    """The process has ended (a zombie waiting for a reaper counts as ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state in ("Z", "X")


def wait_gone(pid: int, timeout: float = 10.0) -> bool:
    until = time.monotonic() + timeout
    while time.monotonic() < until:
        if gone(pid):
            return True
        time.sleep(0.05)
    return False


# -- warm, and typed errors ------------------------------------------------------------------

def test_a_warm_worker_serves_the_next_solve_and_never_loads_highspy() -> None:
    assert solve(tiny(), "ortools-glop").objective == pytest.approx(2.0)
    started = workers.POOL.started
    for backend, integer in (("ortools-glop", False), ("ortools-pdlp", False), ("ortools-scip", True),
                             ("ortools-cpsat", True)):
        assert solve(tiny(integer), backend).objective == pytest.approx(2.0), backend
    assert workers.POOL.started == started  # no new worker: the idle one served them all
    idle = workers.POOL.idle[KIND.name]
    assert idle and all(w.info["highspy"] is False and w.process.poll() is None for w in idle)
    with pytest.raises(ImportError, match="clashes with the one OR-Tools ships"):
        _NoHighspy().find_spec("highspy", None)


def test_an_exception_in_the_worker_arrives_with_its_type() -> None:
    """A request the worker cannot build a model from (an index pointer one short) raises
    scipy's ValueError here, as it would have in process; the worker stays usable."""
    bad = Request(solver_id="glop", lb=np.zeros(2), ub=np.ones(2), integer=np.zeros(0, dtype=np.int64),
                  maximize=False, c=np.ones(2), c0=0.0, indptr=np.array([0], dtype=np.int32),
                  indices=np.array([0, 1], dtype=np.int32), data=np.ones(2), row_lb=np.zeros(1),
                  row_ub=np.ones(1), params="", time_limit=None, verbose=False)
    w = workers.POOL.take(KIND)
    try:
        with pytest.raises(ValueError, match="index pointer"):
            workers.call(w, bad, None, what="glop")
        assert not w.busy and not w.dead
    finally:
        workers.POOL.give_back(KIND, w)
    assert solve(tiny(), "ortools-glop").status is Status.OPTIMAL


def test_a_worker_killed_mid_solve_gives_an_error_status_and_is_replaced() -> None:
    result: list = []
    thread = threading.Thread(target=lambda: result.append(solve(market_split(), "ortools-scip", time_limit=60)))
    thread.start()
    w = busy_worker()
    time.sleep(0.3)
    os.kill(w.pid, signal.SIGKILL)
    thread.join(30)
    sol = result[0]
    assert sol.status is Status.ERROR and sol.x is None
    assert f"pid {w.pid}) was killed by SIGKILL during the solve" in sol.message
    assert w not in workers.POOL.idle.get(KIND.name, [])
    assert solve(tiny(True), "ortools-scip").status is Status.OPTIMAL  # a new worker


# -- limits ----------------------------------------------------------------------------------

@pytest.mark.parametrize("backend", ["ortools-scip", "ortools-cpsat"])
def test_the_time_limit_reaches_the_solver_in_the_worker(backend: str) -> None:
    start = time.monotonic()
    sol = solve(market_split(), backend, time_limit=1.0)
    elapsed = time.monotonic() - start
    assert sol.status is Status.FEASIBLE and sol.check is not None and sol.check.passed
    assert elapsed < 1.0 + limits.grace_after_limit(1.0) + 1.0, elapsed  # + a worker start at most


def test_the_run_deadline_holds_across_solves_in_the_worker() -> None:
    start = time.monotonic()
    with limits.deadline(1.5):
        first = solve(market_split(), "ortools-cpsat")
        second = solve(market_split(), "ortools-scip")
    assert first.status is Status.FEASIBLE
    assert second.status is Status.NO_SOLUTION and "was used up" in second.message
    assert time.monotonic() - start < 1.5 + limits.grace_after_limit(1.5) + 1.0


def test_a_stop_request_kills_a_worker_whose_solver_ignores_it() -> None:
    """PDLP ignores OR-Tools' interrupt: after the grace its worker is killed (not left running
    a solver thread, as it was in process), the solve reports no solution, and the next solve
    gets a new worker."""
    rng = np.random.default_rng(3)
    n, m = 3000, 1500
    b = ModelBuilder("pdlp-long", "min")
    b.add_vars("x", n, lb=0, ub=rng.uniform(5, 20, n), obj=rng.uniform(-10, 10, n))
    A = rng.uniform(-5, 5, (m, n)) * (rng.random((m, n)) < 0.05)
    b.add_rows("r", A, ub=A @ rng.uniform(0, 5, n) + 1.0)
    model = b.build()
    threading.Timer(0.7, limits.request_stop, args=("test",)).start()
    try:
        start = time.monotonic()
        sol = solve(model, "ortools-pdlp", time_limit=120)
        elapsed = time.monotonic() - start
    finally:
        limits.clear_stop()
    if sol.status is Status.OPTIMAL:
        pytest.fail(f"PDLP finished within {elapsed:.1f} s: the model is too easy for this test")
    assert sol.status is Status.NO_SOLUTION and "abandoned" in sol.message, sol.message
    assert elapsed < 0.7 + limits.INTERRUPT_GRACE_S + 3.0
    assert all(w.process.poll() is None for w in workers.POOL.idle.get(KIND.name, []))
    assert solve(tiny(), "ortools-pdlp").status is Status.OPTIMAL


# -- signals, orphans, fork ------------------------------------------------------------------

HARNESS = r"""
import sys, threading, time
sys.path.insert(0, sys.argv[1])
from hard_models import market_split
from zoneopt.core import limits, solve
from zoneopt.core.backends import worker as workers

def report():
    while True:
        busy = [w for w in list(workers.POOL.live) if w.busy]
        if busy:
            print("worker", busy[0].pid, flush=True)
            return
        time.sleep(0.02)

threading.Thread(target=report, daemon=True).start()
backend, handled = sys.argv[2], sys.argv[3] == "handled"
start = time.monotonic()
if handled:
    with limits.handle_signals():
        sol = solve(market_split(), backend, time_limit=120)
else:
    sol = solve(market_split(), backend, time_limit=120)
print("status", sol.status.value, round(time.monotonic() - start, 2), flush=True)
"""


def _harness(backend: str, handled: bool) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")]))}
    tests = str(Path(__file__).resolve().parents[1])
    return subprocess.Popen([sys.executable, "-c", HARNESS, tests, backend, "handled" if handled else "plain"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def _worker_pid(proc: subprocess.Popen[str]) -> int:
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.startswith("worker "), (line, proc.stderr.read() if proc.stderr and proc.poll() is not None else "")
    return int(line.split()[1])


SIGNALLED = {"sigterm-scip": ("ortools-scip", True, signal.SIGTERM),
             "sigint-cpsat": ("ortools-cpsat", True, signal.SIGINT),
             "killed-handled": ("ortools-cpsat", True, signal.SIGKILL),
             "killed-plain": ("ortools-cpsat", False, signal.SIGKILL)}


@pytest.fixture(scope="module")
def signalled() -> dict[str, tuple[int, str, str, int, float]]:
    """Each case of SIGNALLED run side by side (to keep the suite fast): a process solving a
    hard model in a worker gets its signal a moment after the worker starts solving. Per case:
    return code, stdout, stderr, the worker's pid, seconds from the signal to the exit."""
    procs = {name: _harness(backend, handled) for name, (backend, handled, _) in SIGNALLED.items()}
    pids = {name: _worker_pid(proc) for name, proc in procs.items()}
    time.sleep(1.0)
    sent = {}
    for name, proc in procs.items():
        sent[name] = time.monotonic()
        proc.send_signal(SIGNALLED[name][2])
    runs = {}
    for name, proc in procs.items():
        out, err = proc.communicate(timeout=60)
        runs[name] = (proc.returncode, out, err, pids[name], time.monotonic() - sent[name])
    return runs


@pytest.mark.parametrize("case", ["sigterm-scip", "sigint-cpsat"])
def test_a_real_signal_stops_the_worker_solve_promptly(signalled: dict[str, tuple[int, str, str, int, float]],
                                                       case: str) -> None:
    code, out, err, pid, took = signalled[case]
    assert code == 0 and "status feasible" in out, out + err
    # the grace, and the other processes of the fixture finishing beside it on a busy machine
    assert took < limits.INTERRUPT_GRACE_S + 5.0
    assert wait_gone(pid), "the worker outlived its process"  # idle at the normal exit: ended with it


@pytest.mark.parametrize("case", ["killed-handled", "killed-plain"])
def test_no_orphan_when_the_parent_is_killed(signalled: dict[str, tuple[int, str, str, int, float]],
                                             case: str) -> None:
    code, _, _, pid, _ = signalled[case]
    assert code == -signal.SIGKILL  # no handler, no atexit
    assert wait_gone(pid, timeout=10.0), f"worker {pid} still running after its parent was killed"


def _solve_in_child(_: int) -> tuple[float, int]:
    sol = solve(tiny(True), "ortools-scip")
    assert sol.objective is not None
    return sol.objective, workers.POOL.started


@pytest.mark.skipif(sys.platform != "linux", reason="fork")
def test_a_forked_child_starts_a_worker_of_its_own() -> None:
    assert solve(tiny(True), "ortools-scip").status is Status.OPTIMAL  # the parent has a warm worker
    parents = [w.pid for w in workers.POOL.idle[KIND.name]]
    with multiprocessing.get_context("fork").Pool(1) as pool:
        objective, started = pool.map(_solve_in_child, [0])[0]
    assert objective == pytest.approx(2.0) and started == 1  # the child did not use the parent's
    assert [w.pid for w in workers.POOL.idle[KIND.name]] == parents
    assert solve(tiny(True), "ortools-scip").status is Status.OPTIMAL
