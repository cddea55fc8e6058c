"""Interrupts, with real signals sent to a real ``python -m zoneopt``-like process: SIGINT or
SIGTERM stops the solver promptly on every kind of backend (HiGHS through its interrupt
callback, CBC as a child process, SCIP through its own Ctrl-C handler, CP-SAT through OR-Tools'
interrupt), the run writes the incumbent it has, prints one line on stderr and exits 130 —
never a traceback, also when the signal comes while loading.

The model is the market split problem of tests/hard_models.py, which every backend would work
on for hours, so the signal always finds the solver running. The processes run side by side
(one fixture starts them all) to keep the suite fast; each waits for its solver to start (the
harness touches a marker file when ``run_stoppable`` is first called) and a little longer for an
incumbent, then gets its signal. The communicate() timeout is a hang guard, not a measurement.
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

if where == "solve":  # the marker says a solver has started
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


def _signal_when_started(proc: subprocess.Popen[str], marker: Path, signum: int, settle: float) -> None:
    until = time.monotonic() + 120
    while not marker.exists():
        assert proc.poll() is None, f"ended before it started: {proc.communicate()}"
        assert time.monotonic() < until, "the solve never started"
        time.sleep(0.05)
    time.sleep(settle)  # a moment for an incumbent
    proc.send_signal(signum)


@pytest.fixture(scope="module")
def interrupted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    tmp = tmp_path_factory.mktemp("interrupts")
    model = market_split_mps(tmp / "market-split.mps")
    started = {}
    for backend, signum in CASES:
        out = tmp / f"{backend}.json"
        proc, marker = _start(tmp, backend, "solve", ["solve", str(model), "--backend", backend, "--out", str(out)])
        started[backend] = (proc, marker, signum, out)
    for proc, marker, signum, _ in started.values():
        _signal_when_started(proc, marker, signum, settle=1.5)
    runs = {}
    for backend, (proc, _, _, out) in started.items():
        stdout, stderr = proc.communicate(timeout=60)  # a hang guard: it ends within seconds
        runs[backend] = Run(proc.returncode, stdout, stderr, out)
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


def test_a_signal_while_loading_exits_130_without_a_traceback(tmp_path: Path) -> None:
    inst = tmp_path / "any.json"
    inst.write_text("{}", encoding="utf-8")
    proc, marker = _start(tmp_path, "load", "load", ["solve", str(inst)])
    _signal_when_started(proc, marker, signal.SIGINT, settle=0.2)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130 and stderr.splitlines() == ["zoneopt: interrupted by SIGINT"]
