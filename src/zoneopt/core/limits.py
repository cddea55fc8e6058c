"""What ends a solve before the solver's own end: a stop request (SIGINT, SIGTERM, or a caller's
:func:`request_stop`) and the deadline of a whole run (:func:`deadline`).

**Stop requests.** Inside :func:`handle_signals` (the command line runs every verb in it)
SIGINT and SIGTERM become a stop request. A solve running at that moment is told to stop and
returns what it has: its best point (status FEASIBLE, checked as ever) or none (NO_SOLUTION).
Outside a solve (loading an instance, building a model) the request raises
:class:`~zoneopt.errors.Interrupted` at once, and a solve asked for after a request raises it
instead of starting. Without :func:`handle_signals` Python's own SIGINT handling applies: a
``KeyboardInterrupt`` raised while a solver runs first tells the solver to stop.

**Deadlines.** Every solve made inside ``with deadline(seconds):`` shares ``seconds`` of wall
time, counted from the first such solve's start (loading and building before it do not count;
building between solves does). :func:`zoneopt.core.solve` gives each solve what is left as its
time limit (nested deadlines: the tightest), so a command's solves, its diagnosis and its
certification together keep one budget instead of each taking the whole limit again.

**Watching a solver.** :func:`run_stoppable` runs one solver call in a worker thread (the
solver libraries release the GIL; CBC is a child process) while the calling thread waits in
short slices. So a signal handler runs at once whatever the solver is doing, and the time limit
holds even when the solver checks its clock rarely (HiGHS can spend seconds in one simplex
iteration of a 100,000-zone LP). When the request or the limit comes, the backend's ``stop``
is called (HiGHS: the interrupt callback; CBC: SIGINT to its process; OR-Tools: its interrupt)
and the solver has a short grace to return its incumbent; one that does not is abandoned (a
child process is killed; a thread is left to stop at its next check) and the solve reports no
solution. :func:`abandoned` lists such threads: a program should let them finish or end with
``os._exit`` (the command line does), since a solver thread still running while the
interpreter shuts down can abort the process.

Only the standard library is imported here: ``import zoneopt`` stays light.
"""

from __future__ import annotations

import contextvars
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

from zoneopt.errors import Interrupted, InvalidInputError

T = TypeVar("T")

POLL_S = 0.05
"""How often the waiting thread looks at the stop request and the clock."""
INTERRUPT_GRACE_S = 2.0
"""How long a solver told to stop by a signal has to return its incumbent."""
SIGNALS = (signal.SIGINT, signal.SIGTERM)

_stop = threading.Event()
_stop_reason = ""
_protected = 0
"""How many solves are running (in the main thread): a signal then stops them instead of raising."""
_abandoned: list[threading.Thread] = []


# -- stop requests -----------------------------------------------------------------------------

def request_stop(reason: str = "a stop request") -> None:
    """Ask every running solve to stop and no further solve to start (thread-safe; what the
    signal handlers of :func:`handle_signals` call). ``reason`` names it, e.g. ``SIGTERM``. The
    request holds until :func:`clear_stop` (``handle_signals`` clears it on entry and exit)."""
    global _stop_reason
    if not _stop.is_set():
        _stop_reason = reason
        _stop.set()


def stop_requested() -> bool:
    return _stop.is_set()


def stop_reason() -> str:
    """What asked to stop (``SIGINT``, ``SIGTERM``, ...); empty when nothing did."""
    return _stop_reason if _stop.is_set() else ""


def clear_stop() -> None:
    """Forget a stop request (the next run starts afresh)."""
    global _stop_reason
    _stop.clear()
    _stop_reason = ""


def raise_if_stopped() -> None:
    """Raise :class:`~zoneopt.errors.Interrupted` when a stop was requested."""
    if _stop.is_set():
        raise Interrupted(_stop_reason)


@contextmanager
def solving() -> Iterator[None]:
    """Mark a solve in progress: a signal now stops the solver (which returns its incumbent)
    instead of raising where the main thread happens to be."""
    global _protected
    _protected += 1
    try:
        yield
    finally:
        _protected -= 1


def _on_signal(signum: int, frame: object) -> None:
    name = signal.Signals(signum).name
    request_stop(name)
    if _protected == 0:
        raise Interrupted(name)


@contextmanager
def handle_signals() -> Iterator[None]:
    """Turn SIGINT and SIGTERM into a stop request while active (main thread only; elsewhere a
    no-op). The request is cleared on entry and on exit, and the previous handlers restored."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    clear_stop()
    previous = {s: signal.getsignal(s) for s in SIGNALS}
    for s in SIGNALS:
        signal.signal(s, _on_signal)
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler if handler is not None else signal.SIG_DFL)
        clear_stop()


def signals_handled() -> bool:
    """Whether :func:`handle_signals` is active (SIGINT reaches Python, not a solver's handler)."""
    return signal.getsignal(signal.SIGINT) is _on_signal


# -- the deadline of a run ---------------------------------------------------------------------

@dataclass(eq=False)
class _Clock:
    seconds: float
    parent: _Clock | None
    start: float | None = None
    """Set by the first solve that asks how much time is left."""

    def left(self, now: float) -> float:
        if self.start is None:
            self.start = now
        own = self.start + self.seconds - now
        return own if self.parent is None else min(own, self.parent.left(now))


_CLOCK: contextvars.ContextVar[_Clock | None] = contextvars.ContextVar("zoneopt_deadline", default=None)


@contextmanager
def deadline(seconds: float | None) -> Iterator[None]:
    """Every solve inside shares ``seconds`` of wall time, counted from the first solve's start
    (None: no deadline; nested deadlines: the tightest holds). Raises
    :class:`~zoneopt.errors.InvalidInputError` for a negative or NaN number."""
    if seconds is None:
        yield
        return
    if not seconds >= 0:
        raise InvalidInputError(f"time limit must be a number of seconds >= 0, got {seconds!r}")
    token = _CLOCK.set(_Clock(float(seconds), _CLOCK.get()))
    try:
        yield
    finally:
        _CLOCK.reset(token)


def time_left() -> float | None:
    """Seconds left before the deadline (None without one). The first call inside a
    :func:`deadline` starts its clock."""
    clock = _CLOCK.get()
    return None if clock is None else clock.left(time.monotonic())


def deadline_seconds() -> float | None:
    """The innermost deadline's length in seconds (None without one), for messages."""
    clock = _CLOCK.get()
    return None if clock is None else clock.seconds


def effective_time_limit(time_limit: float | None) -> float | None:
    """``time_limit`` cut to what the deadline leaves (never below 0)."""
    left = time_left()
    if left is None:
        return time_limit
    left = max(left, 0.0)
    return left if time_limit is None else min(time_limit, left)


# -- watching a solver -------------------------------------------------------------------------

class NotFinished(Exception):
    """A solver call that did not start (a stop was requested) or was abandoned after it did not
    stop in time. The message says which; backends report it as NO_SOLUTION."""


def grace_after_limit(time_limit: float) -> float:
    """How long past its time limit a solver may take to return: half a second and 5 % of the
    limit (the whole run's overshoot stays within 10 % + 1 s)."""
    return 0.5 + 0.05 * time_limit


def run_stoppable(work: Callable[[], T], stop: Callable[[], None], time_limit: float | None = None, *,
                  kill: Callable[[], None] | None = None, what: str = "the solver") -> T:
    """Run ``work()`` (one blocking solver call) in a worker thread and return its result,
    calling ``stop()`` when a stop is requested or ``time_limit`` seconds have passed.

    ``stop`` must be safe to call twice and from this thread while ``work`` runs (it is called
    again once if the solver has not returned half a second later). A solver that has not
    returned within the grace (:data:`INTERRUPT_GRACE_S` after a request,
    :func:`grace_after_limit` after the time limit) is abandoned: ``kill()`` is called when
    given (a child process), and :class:`NotFinished` is raised. An exception in ``work``
    is raised here; a ``KeyboardInterrupt`` in this thread (Python's own handler) stops the
    solver first and is then raised.
    """
    if _stop.is_set():
        raise NotFinished(f"{what} was not started: {stop_reason()} asked to stop")
    result: list[T] = []
    error: list[BaseException] = []
    done = threading.Event()
    context = contextvars.copy_context()

    def target() -> None:
        try:
            result.append(context.run(work))
        except BaseException as exc:  # handed to the waiting thread
            error.append(exc)
        finally:
            done.set()

    thread = threading.Thread(target=target, name="zoneopt-solver", daemon=True)
    start = time.monotonic()
    thread.start()
    try:
        with solving():
            reason = _wait(done, stop, start, time_limit)
    except BaseException:
        stop()
        if not done.wait(INTERRUPT_GRACE_S):
            _abandon(thread, kill)
        raise
    if not done.is_set():
        _abandon(thread, kill)
        raise NotFinished(f"{what} did not return within the grace after {reason}; abandoned")
    if error:
        raise error[0]
    return result[0]


def _wait(done: threading.Event, stop: Callable[[], None], start: float, time_limit: float | None) -> str:
    """Wait for ``done``; stop the solver on a request or at the limit. Returns why it was
    stopped ('' when it ended by itself), with ``done`` unset when it did not return in time."""
    # The solver's own limit should fire first: ours follows a little later.
    limit_at = None if time_limit is None else start + time_limit + 0.1
    reason = ""
    stopped_at = resent_at = 0.0
    grace = 0.0
    while not done.wait(POLL_S):
        now = time.monotonic()
        if not reason:
            if _stop.is_set():
                reason, grace = stop_reason(), INTERRUPT_GRACE_S
            elif limit_at is not None and now >= limit_at:
                assert time_limit is not None
                reason, grace = f"its time limit ({time_limit:.3g} s)", grace_after_limit(time_limit)
            if reason:
                stopped_at = now
                stop()
        elif now - stopped_at >= grace:
            return reason
        elif not resent_at and now - stopped_at >= 0.5:
            resent_at = now
            stop()  # a request that came before the solver could take it
    return reason


def _abandon(thread: threading.Thread, kill: Callable[[], None] | None) -> None:
    if kill is not None:
        kill()
        thread.join(1.0)
    if thread.is_alive():
        _abandoned.append(thread)


def abandoned() -> list[threading.Thread]:
    """Solver threads abandoned by :func:`run_stoppable` that are still running."""
    _abandoned[:] = [t for t in _abandoned if t.is_alive()]
    return list(_abandoned)


__all__ = [
    "request_stop", "stop_requested", "stop_reason", "clear_stop", "raise_if_stopped", "solving",
    "handle_signals", "signals_handled", "deadline", "time_left", "deadline_seconds",
    "effective_time_limit", "NotFinished", "grace_after_limit", "run_stoppable", "abandoned",
    "POLL_S", "INTERRUPT_GRACE_S",
]
