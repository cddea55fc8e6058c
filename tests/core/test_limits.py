"""The run's deadline and stop requests (zoneopt.core.limits), in this process: one deadline
shared by every solve (a solve asked for with no time left does not start), a stop request that
ends a running solve with its incumbent and keeps further solves from starting, and the watcher
that abandons a solver ignoring it. Real signals to a real process: tests/test_interrupts.py;
the whole command's time: tests/test_time_limit.py."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from hard_models import market_split

from zoneopt.core import Status, limits, solve
from zoneopt.errors import Interrupted, InvalidInputError


@pytest.fixture(autouse=True)
def _no_stop_left_behind() -> None:
    yield
    limits.clear_stop()


def test_one_deadline_for_every_solve_inside_it() -> None:
    """The first solve takes the whole budget (a hard MIP: it stops with an incumbent); the
    second finds none left and does not start."""
    m = market_split()
    with limits.deadline(1.0):
        first = solve(m, "highs")
        second = solve(m, "highs", time_limit=30)
    assert first.status is Status.FEASIBLE and first.check is not None and first.check.passed
    assert second.status is Status.NO_SOLUTION
    assert second.message == "not started: the time limit of the run (1 s) was used up"


def test_the_clock_starts_at_the_first_solve_and_nested_deadlines_keep_the_tightest() -> None:
    with limits.deadline(10):
        assert limits.deadline_seconds() == 10
        time.sleep(0.2)  # not solving: does not count
        left = limits.time_left()
        assert left is not None and left > 9.9
        with limits.deadline(2):
            inner = limits.time_left()
            assert inner is not None and inner <= 2
        assert limits.effective_time_limit(30) == pytest.approx(limits.time_left(), abs=0.1)
    assert limits.time_left() is None and limits.effective_time_limit(30) == 30


@pytest.mark.parametrize("seconds", [-1.0, float("nan")])
def test_a_bad_time_limit_is_invalid_input(seconds: float) -> None:
    with pytest.raises(InvalidInputError, match="time limit must be"), limits.deadline(seconds):
        pass


@pytest.mark.parametrize("backend", ["highs", "pulp-cbc", "ortools-cpsat"])
def test_a_stop_request_ends_a_running_solve_with_its_incumbent(backend: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """``request_stop`` from another thread (what a signal handler does), once the solver has
    run a moment: the solve returns its checked incumbent as FEASIBLE instead of running for
    hours; a solve asked for afterwards raises Interrupted instead of starting."""
    real = limits.run_stoppable

    def started(*args: Any, **kwargs: Any) -> Any:
        threading.Timer(0.7, limits.request_stop, args=("test",)).start()
        return real(*args, **kwargs)

    monkeypatch.setattr(limits, "run_stoppable", started)
    m = market_split()
    sol = solve(m, backend, time_limit=300)
    assert sol.status is Status.FEASIBLE and sol.check is not None and sol.check.passed
    with pytest.raises(Interrupted, match="interrupted by test"):
        solve(m, backend)


def test_the_watcher_abandons_a_solver_that_does_not_stop() -> None:
    """A solver call that ignores ``stop`` is left after the grace; ``kill`` is called (a child
    process would be killed), and the caller gets NotFinished, not a hang."""
    release = threading.Event()
    calls: list[str] = []
    with pytest.raises(limits.NotFinished, match="did not return within the grace after its time limit"):
        limits.run_stoppable(lambda: release.wait(30), lambda: calls.append("stop"), 0.05,
                             kill=lambda: (calls.append("kill"), release.set()), what="the stubborn")
    assert calls[0] == "stop" and "kill" in calls


def test_the_watcher_returns_results_and_raises_errors() -> None:
    assert limits.run_stoppable(lambda: 42, lambda: None) == 42
    with pytest.raises(ZeroDivisionError):
        limits.run_stoppable(lambda: 1 / 0, lambda: None)
    limits.request_stop("SIGTERM")
    with pytest.raises(limits.NotFinished, match="not started: SIGTERM asked to stop"):
        limits.run_stoppable(lambda: 42, lambda: None)


def test_handle_signals_clears_and_restores() -> None:
    import signal

    before = signal.getsignal(signal.SIGINT)
    limits.request_stop("left over")
    with limits.handle_signals():
        assert not limits.stop_requested() and limits.signals_handled()
    assert signal.getsignal(signal.SIGINT) is before and not limits.stop_requested()


def test_a_stop_during_the_first_equity_stage_keeps_its_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    """Equity is solved in two stages (the smallest fulfilment, then efficiency among those
    plans). A stop request that arrives while the first runs ends the run with the first
    stage's plan, said so, instead of losing it to the second stage's refusal to start."""
    import zoneopt.models.land_plan as land_plan
    from zoneopt import load
    from zoneopt.instance import Objective

    inst = load(Path(__file__).resolve().parents[2] / "instances" / "small-4.json")
    inst = inst.model_copy(update={"objective": Objective(kind="equity")})
    whole = land_plan.solve_land(inst)
    first_stage = land_plan.solve_in_form

    def stopped_while_running(*args: object, **kwargs: object) -> object:
        out = first_stage(*args, **kwargs)  # type: ignore[arg-type]
        limits.request_stop("SIGINT")
        return out

    monkeypatch.setattr(land_plan, "solve_in_form", stopped_while_running)
    plan = land_plan.solve_land(inst)
    assert plan.summary.objective == pytest.approx(whole.summary.objective)  # the same smallest fulfilment
    assert plan.summary.secondary_objective is None and whole.summary.secondary_objective is not None
    assert any("stopped before the efficiency tie-break" in w for w in plan.summary.warnings)
    with pytest.raises(Interrupted):  # and nothing else starts
        solve(market_split(), "highs")
