"""Interrupts, with real signals sent to a real ``python -m zoneopt``-like process: SIGINT or
SIGTERM stops the solver promptly on every kind of backend (HiGHS through its interrupt
callback, CBC as a child process, SCIP through its own Ctrl-C handler, CP-SAT through OR-Tools'
interrupt), the run writes the incumbent it has, prints one line on stderr and exits 130 —
never a traceback, also when the signal comes while loading.

The model is the market split problem of tests/hard_models.py, which every backend would work
on for hours, so the signal always finds the solver running. The processes run side by side
(one fixture starts them all) to keep the suite fast; each waits for its solver to start (the
harness touches a marker file when ``run_stoppable`` is first called; for CBC, when its log
reports an integer solution) and a second longer, then gets its signal. The communicate()
timeout is a hang guard, not a measurement.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fresh_process import SRC
from hard_models import market_split_mps

HARNESS = r"""
import os, sys, time
marker, where = sys.argv[1], sys.argv[2]
sys.argv = ["zoneopt", *sys.argv[3:]]

def touch():
    if not os.path.exists(marker):
        open(marker, "w").close()

if where == "solve" and "pulp-cbc" in sys.argv:  # the marker says CBC has an incumbent
    import threading
    import zoneopt.core.backends.pulp_backend as pulp_backend
    real_cbc = pulp_backend._run_cbc
    def incumbent(path):
        while True:
            time.sleep(0.05)
            with open(path, errors="replace") as f:
                if "Integer solution of" in f.read():
                    return touch()
    def cbc(args, log, time_limit):
        threading.Thread(target=incumbent, args=(log.name,), daemon=True).start()
        return real_cbc(args, log, time_limit)
    pulp_backend._run_cbc = cbc
elif where == "solve":  # the marker says a solver has started
    try:
        import zoneopt.core.limits as limits
    except ImportError:  # a zoneopt without it: say so at once (the solve starts within a second)
        touch()
    else:
        real = limits.run_stoppable
        def watched(*args, **kwargs):
            touch()
            return real(*args, **kwargs)
        limits.run_stoppable = watched
else:  # a load that takes long: pure Python, no solver anywhere
    import zoneopt.instance
    def slow_load(*args, **kwargs):
        touch()
        end = time.monotonic() + 120
        while time.monotonic() < end:
            sum(range(1000))
        raise SystemExit("the signal never came")
    zoneopt.instance.load = slow_load

from zoneopt.cli import main
sys.exit(main())
"""

CASES = [  # (backend, signal): every kind of stop, and SIGTERM as well as SIGINT
    ("highs", signal.SIGINT),
    ("pulp-cbc", signal.SIGTERM),
    ("ortools-scip", signal.SIGINT),
    ("ortools-cpsat", signal.SIGINT),
]


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    out: Path


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")]))}


def _start(tmp: Path, name: str, where: str, argv: list[str]) -> tuple[subprocess.Popen[str], Path]:
    marker = tmp / f"{name}.started"
    proc = subprocess.Popen([sys.executable, "-c", HARNESS, str(marker), where, *argv], env=_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return proc, marker


def _signal_each_when_started(waiting: list[tuple[subprocess.Popen[str], Path, int, float]]) -> None:
    """Send each process its signal ``settle`` seconds after its harness says it has started
    (all watched at once, so the processes overlap)."""
    until = time.monotonic() + 120
    due: dict[int, float | None] = {}  # when each is due; None once sent
    while len(due) < len(waiting) or any(at is not None for at in due.values()):
        now = time.monotonic()
        assert now < until, "a solve never started"
        for k, (proc, marker, signum, settle) in enumerate(waiting):
            if k not in due:
                assert proc.poll() is None, f"ended before it started: {proc.communicate()}"
                if marker.exists():
                    due[k] = now + settle
            elif (at := due[k]) is not None and now >= at:
                proc.send_signal(signum)
                due[k] = None
        time.sleep(0.05)


@pytest.fixture(scope="module")
def interrupted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    """Every case of CASES, and a run interrupted while loading, side by side."""
    tmp = tmp_path_factory.mktemp("interrupts")
    model = market_split_mps(tmp / "market-split.mps")
    (tmp / "any.json").write_text("{}", encoding="utf-8")
    started = {}
    for backend, signum in CASES:
        out = tmp / f"{backend}.json"
        proc, marker = _start(tmp, backend, "solve", ["solve", str(model), "--backend", backend, "--out", str(out)])
        # HiGHS, SCIP and CP-SAT have an incumbent at once (x = 0 with the slacks is one); the
        # harness waits for CBC's log to report one
        started[backend] = (proc, marker, signum, 1.0, out)
    proc, marker = _start(tmp, "load", "load", ["solve", str(tmp / "any.json")])
    started["load"] = (proc, marker, signal.SIGINT, 0.2, tmp / "none")
    _signal_each_when_started([(proc, marker, signum, settle) for proc, marker, signum, settle, _ in started.values()])
    runs = {}
    for name, (proc, _, _, _, out) in started.items():
        stdout, stderr = proc.communicate(timeout=60)  # a hang guard: it ends within seconds
        runs[name] = Run(proc.returncode, stdout, stderr, out)
    return runs


@pytest.mark.parametrize(("backend", "signum"), CASES, ids=[f"{b}-{s.name}" for b, s in CASES])
def test_a_signal_stops_the_solver_writes_the_incumbent_and_exits_130(
        interrupted: dict[str, Run], backend: str, signum: signal.Signals) -> None:
    run = interrupted[backend]
    assert run.code == 130, run.stderr
    assert run.stderr.splitlines() == [f"zoneopt: interrupted by {signum.name}"]
    assert "status: feasible" in run.stdout and f"wrote {run.out}" in run.stdout
    written: dict[str, Any] = json.loads(run.out.read_text(encoding="utf-8"))
    assert written["status"] == "feasible" and written["backend"] == backend
    # the incumbent is a checked point of the market split model: its slack is what it reports
    assert written["objective"] == pytest.approx(sum(v for k, v in written["values"].items()
                                                     if int(k[1:]) >= 50))


def test_a_signal_while_loading_exits_130_without_a_traceback(interrupted: dict[str, Run]) -> None:
    run = interrupted["load"]
    assert run.code == 130 and run.stderr.splitlines() == ["zoneopt: interrupted by SIGINT"]
