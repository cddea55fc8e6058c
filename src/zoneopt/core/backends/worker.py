"""Solver calls in a worker process: a library that cannot share this process runs in a child
that serves solve requests, with the same stop requests, time limits and deadline as a solver
called in this process (:mod:`zoneopt.core.limits`).

Why: OR-Tools 9.15 ships a ``libhighs.so.1`` of its own, and highspy 1.15 another of the same
name; whichever is loaded first, importing the other fails on an undefined symbol. The OR-Tools
backends therefore solve in a worker (:mod:`zoneopt.core.backends.ortools_worker`) that never
imports highspy, and this process never imports OR-Tools.

**Kept warm.** A worker is started on first use (a fresh interpreter importing numpy, scipy and
the solver library: 0.5 s on a quiet 2-core machine, 1.2-1.5 s under heavy load) and kept for
the next solve, which then pays only for sending its arrays and receiving the answer (about
0.5 ms on a quiet machine, plus ~1 ms per MiB of arrays); an idle worker holds 68 MiB.
Starting one per solve would add the start to every OR-Tools solve (certification, sweeps and
the test suite make hundreds). Measured by ``benchmarks/highs_versions.py``;
``benchmarks/results/highs-versions-2026-12-06.md``. Solves in several threads at once each take
a worker of their own; at most :data:`MAX_IDLE` idle workers are kept. A worker that did not
return in time, died, or was left mid-solve by an exception is killed, never reused.

**Messages.** A request and its answer travel over a socket pair as one pickle (protocol 5)
with every numpy array sent out of band as its raw buffer: a model's CSR arrays and bounds cost
one copy each way, no Python object per row or column.

**Stopping.** The call waits under :func:`zoneopt.core.limits.run_stoppable`: a stop request, the
time limit or the deadline sends the worker a stop message (the worker's ``stop`` tells the
solver: an interrupt, or SIGINT to itself for SCIP); a worker that has not answered within the
grace is killed (SIGKILL) and the solve reports no solution. The worker runs in a session of its
own, so a Ctrl-C at the terminal reaches this process only, which decides what to stop.

**No orphans.** A worker exits at once when its socket reports end of file (this process ended,
however it ended: its end of the socket closes with it) or when its parent process changes
(checked every :data:`PARENT_CHECK_S`, for the case where a forked child still holds the
socket). After ``os.fork`` the child starts workers of its own; it never talks to the parent's.

Only the standard library is imported here (numpy travels inside pickles).
"""

from __future__ import annotations

import atexit
import os
import pickle
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Protocol

from zoneopt.core import limits

MAX_IDLE = 2
"""Idle workers kept per kind (more are started while solves overlap, then closed)."""
PARENT_CHECK_S = 0.25
"""How often a worker looks whether its parent is still the process that started it."""
STARTUP_TIMEOUT_S = 120.0
"""A worker that has not said it is ready by then (an import hanging) is killed."""


class WorkerDied(Exception):
    """The worker process ended while it held a request (a crash, or killed from outside)."""


# -- messages --------------------------------------------------------------------------------

_COUNT = struct.Struct("<I")


def send(conn: Connection, message: Any) -> None:
    """``message`` as one pickle with its numpy arrays' buffers sent out of band."""
    buffers: list[pickle.PickleBuffer] = []
    head = pickle.dumps(message, protocol=5, buffer_callback=buffers.append)
    conn.send_bytes(_COUNT.pack(len(buffers)))
    conn.send_bytes(head)
    for buffer in buffers:
        conn.send_bytes(buffer.raw())


def receive(conn: Connection) -> Any:
    """A message :func:`send` sent (arrays writable: each buffer is received into its own
    bytearray). Raises ``EOFError`` when the other end has closed."""
    (count,) = _COUNT.unpack(conn.recv_bytes())
    head = conn.recv_bytes()
    buffers = [bytearray(conn.recv_bytes()) for _ in range(count)]
    return pickle.loads(head, buffers=buffers)


# -- the worker's side ----------------------------------------------------------------------

class Job(Protocol):
    """One request being served: ``run`` (in a thread of the worker) and ``stop`` (from the
    worker's main thread, possibly before ``run`` has started or after it has returned)."""

    def run(self) -> Any: ...

    def stop(self) -> None: ...


def serve(fd: int, make_job: Callable[[Any], Job], ready: dict[str, Any]) -> None:
    """The worker's main loop on socket ``fd``: start each ``("run", id, payload)`` as a job in
    a thread of its own, which answers ``("done", id, result)`` or ``("error", id, exception)``
    itself the moment it ends; pass ``("stop", id)`` to the job with that id; end the process
    when the socket closes or the parent changes. Never returns."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # stops come as messages (SCIP installs its own)
    parent = os.getppid()
    conn = Connection(fd)
    send_lock = threading.Lock()
    jobs: dict[int, Job] = {}
    send(conn, ("ready", os.getpid(), ready))
    while True:
        message = _next(conn, parent, PARENT_CHECK_S)
        if message is None:
            continue
        if message[0] == "stop":
            job = jobs.get(message[1])
            if job is not None:  # else it has already answered
                job.stop()
            continue
        _, ident, payload = message
        try:
            jobs[ident] = make_job(payload)
        except Exception as exc:
            with send_lock:
                send(conn, ("error", ident, _portable(exc)))
            continue
        threading.Thread(target=_answer, args=(conn, send_lock, jobs, ident), daemon=True,
                         name="zoneopt-worker-job").start()


def _next(conn: Connection, parent: int, timeout: float) -> Any:
    """The next message, or None after ``timeout`` seconds; ends the process on end of file or
    when the parent has changed."""
    try:
        if not conn.poll(timeout):
            if os.getppid() != parent:
                os._exit(0)
            return None
        return receive(conn)
    except (EOFError, OSError):
        os._exit(0)


def _answer(conn: Connection, send_lock: threading.Lock, jobs: dict[int, Job], ident: int) -> None:
    """Run job ``ident`` and send its answer (in the job's thread)."""
    try:
        answer: tuple[str, int, Any] = ("done", ident, jobs[ident].run())
    except BaseException as exc:  # sent to the parent, raised there
        answer = ("error", ident, _portable(exc))
    jobs.pop(ident, None)
    try:
        with send_lock:
            send(conn, answer)
    except OSError:  # the parent has gone: the main loop ends the process
        pass


def _portable(exc: BaseException) -> BaseException:
    """``exc`` if it survives pickling, else a RuntimeError carrying its type, text and trace."""
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:
        text = "".join(traceback.format_exception(exc)).rstrip()
        return RuntimeError(f"{type(exc).__name__} in the worker process: {exc}\n{text}")


# -- this process's side ---------------------------------------------------------------------

@dataclass(eq=False)
class Worker:
    """One worker process and this process's end of its socket."""

    kind: str
    process: subprocess.Popen[bytes]
    conn: Connection
    info: dict[str, Any]
    """What the worker said when ready (its pid, versions, modules it loaded)."""
    busy: bool = False
    """A request was sent and its answer not yet received."""
    dead: bool = False
    _ident: int = 0
    _send_lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def pid(self) -> int:
        return self.process.pid

    def request(self, payload: Any) -> Any:
        """Send one request and wait for its answer (no time limit here: see :func:`call`).
        Raises what the job raised, or :class:`WorkerDied`."""
        self._ident += 1
        ident = self._ident
        self.busy = True
        try:
            with self._send_lock:
                send(self.conn, ("run", ident, payload))
            while True:
                kind, got, value = receive(self.conn)
                if got == ident:
                    break
        except (EOFError, OSError):
            self.dead = True
            raise WorkerDied(f"the {self.kind} worker process (pid {self.pid}) {self.ended()} "
                             "during the solve") from None
        self.busy = False
        if kind == "error":
            raise value
        return value

    def stop(self) -> None:
        """Ask the running request to stop (safe at any time, from any thread)."""
        if not self.busy or self.dead:
            return
        try:
            with self._send_lock:
                send(self.conn, ("stop", self._ident))
        except OSError:
            pass

    def kill(self) -> None:
        """End the process now (SIGKILL) and reap it."""
        self.dead = True
        try:
            self.process.kill()
        except OSError:
            pass
        self.close()

    def close(self) -> None:
        """Close this end: an idle worker sees end of file and exits."""
        self.dead = True
        self.conn.close()
        try:
            self.process.wait(5.0)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def ended(self) -> str:
        """How the process ended, for messages."""
        try:
            code = self.process.wait(1.0)
        except subprocess.TimeoutExpired:
            return "stopped answering"
        if code < 0:
            try:
                return f"was killed by {signal.Signals(-code).name}"
            except ValueError:
                return f"was killed by signal {-code}"
        return f"exited with code {code}"


@dataclass(frozen=True)
class Kind:
    """A kind of worker: how to start it."""

    name: str
    """For messages, e.g. ``"OR-Tools"``."""
    module: str
    """The module whose ``main(fd)`` serves requests."""


class Pool:
    """The idle workers of this process, by kind."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.idle: dict[str, list[Worker]] = {}
        self.live: set[Worker] = set()
        self.started = 0
        """Workers started by this process (for tests and benchmarks)."""

    def take(self, kind: Kind) -> Worker:
        """An idle worker of ``kind``, or a new one (stoppable while it starts)."""
        with self.lock:
            idle = self.idle.setdefault(kind.name, [])
            while idle:
                worker = idle.pop()
                if worker.process.poll() is None:
                    return worker
                self.live.discard(worker)
        worker = _start(kind)
        with self.lock:
            self.live.add(worker)
            self.started += 1
        return worker

    def give_back(self, kind: Kind, worker: Worker) -> None:
        """Keep ``worker`` for the next solve if it is idle and healthy, else end it."""
        if worker.busy or worker.dead or worker.process.poll() is not None:
            worker.kill()
            with self.lock:
                self.live.discard(worker)
            return
        with self.lock:
            idle = self.idle.setdefault(kind.name, [])
            if len(idle) < MAX_IDLE:
                idle.append(worker)
                return
            self.live.discard(worker)
        worker.close()

    def close(self) -> None:
        """End every idle worker (at exit; busy ones end when their socket closes)."""
        with self.lock:
            workers = [w for idle in self.idle.values() for w in idle]
            self.idle.clear()
            self.live.difference_update(workers)
        for worker in workers:
            worker.close()

    def forget(self) -> None:
        """In a forked child: drop the parent's workers without touching them (closing this
        copy of each socket, so the parent's end of file still comes when the parent ends)."""
        for worker in self.live:
            try:
                worker.conn.close()
            except OSError:
                pass
        self.idle.clear()
        self.live.clear()
        self.lock = threading.Lock()
        self.started = 0


POOL = Pool()
atexit.register(POOL.close)
os.register_at_fork(after_in_child=POOL.forget)


def _start(kind: Kind) -> Worker:
    """Start a worker of ``kind`` and wait until it is ready, watching for stop requests (a
    stop kills it and raises :class:`~zoneopt.core.limits.NotFinished`)."""
    limits.raise_if_stopped()
    ours, theirs = socket.socketpair()
    src = str(Path(__file__).resolve().parents[3])  # the directory holding the zoneopt package
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [src, os.environ.get("PYTHONPATH")]))}
    code = f"import sys; from {kind.module} import main; main(int(sys.argv[1]))"
    try:
        process = subprocess.Popen([sys.executable, "-c", code, str(theirs.fileno())],
                                   pass_fds=(theirs.fileno(),), env=env, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.DEVNULL, start_new_session=True)
    finally:
        theirs.close()
    conn = Connection(os.dup(ours.fileno()))
    ours.close()
    worker = Worker(kind.name, process, conn, {})
    try:
        worker.info = _wait_ready(worker)
    except BaseException:
        worker.kill()
        raise
    return worker


def _wait_ready(worker: Worker) -> dict[str, Any]:
    until = time.monotonic() + STARTUP_TIMEOUT_S
    while not worker.conn.poll(limits.POLL_S):
        if limits.stop_requested():
            raise limits.NotFinished(f"the {worker.kind} worker was not started: "
                                     f"{limits.stop_reason()} asked to stop")
        if worker.process.poll() is not None:
            break
        if time.monotonic() > until:
            raise WorkerDied(f"the {worker.kind} worker process (pid {worker.pid}) was not ready "
                             f"within {STARTUP_TIMEOUT_S:g} s")
    try:
        message = receive(worker.conn)
    except (EOFError, OSError):
        raise WorkerDied(f"the {worker.kind} worker process (pid {worker.pid}) {worker.ended()} "
                         "while starting") from None
    info: dict[str, Any] = message[2]
    return info


def call(worker: Worker, payload: Any, time_limit: float | None, *, what: str) -> Any:
    """One request to ``worker`` under :func:`zoneopt.core.limits.run_stoppable`: a stop
    request or ``time_limit`` seconds send it a stop message, and a worker that has not
    answered within the grace is killed (:class:`~zoneopt.core.limits.NotFinished`)."""
    return limits.run_stoppable(lambda: worker.request(payload), worker.stop, time_limit,
                                kill=worker.kill, what=what)


__all__ = ["Worker", "WorkerDied", "Kind", "Pool", "POOL", "call", "serve", "send", "receive",
           "MAX_IDLE"]
