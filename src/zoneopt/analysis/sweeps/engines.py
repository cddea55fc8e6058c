"""Where a sweep's variants are solved: in this process (:class:`SerialEngine`), in a pool of
worker processes on this machine (:class:`ProcessEngine`, the default), or on a Dask cluster
(:class:`DaskEngine`, given a ``distributed.Client`` or a scheduler address).

Each engine ships the sweep's :class:`~zoneopt.analysis.sweeps.runner.Payload` (the base
instance) to each worker once — the process pool's initializer, Dask's ``scatter(broadcast=True)``
— and then only tasks: a few ``(index, delta)`` pairs each. Every engine runs
:func:`~zoneopt.analysis.sweeps.runner.run_task`, so none changes a number.

An engine is a ``submit(task) -> future`` and a ``wait(pending) -> done`` over those futures
(``concurrent.futures`` ones, or Dask's), and ``close()``; the sweep keeps a bounded number of
tasks in flight (:func:`zoneopt.analysis.sweeps.sweep.run_sweep`).
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
from collections.abc import Collection, Sequence
from typing import Any, Protocol

from zoneopt.analysis.sweeps.runner import Payload, VariantRows, run_task, runner_for
from zoneopt.analysis.sweeps.variants import Delta
from zoneopt.errors import InvalidInputError

Task = Sequence[tuple[int, Delta]]
CONNECT_TIMEOUT_S = 10.0
"""How long to try to reach a Dask scheduler before :class:`SchedulerError`."""


class SchedulerError(InvalidInputError):
    """The Dask scheduler named (``--scheduler``, ``client=``) cannot be reached, or Dask is
    not installed. Exit code 2: the address (or the installation) needs fixing."""


class Engine(Protocol):
    workers: int

    def submit(self, task: Task) -> Any: ...

    def wait(self, pending: Collection[Any]) -> Collection[Any]: ...

    def close(self) -> None: ...


class SerialEngine:
    """Every task solved in this process as it is submitted."""

    workers = 1

    def __init__(self, payload: Payload) -> None:
        self.payload = payload

    def submit(self, task: Task) -> cf.Future[list[VariantRows]]:
        future: cf.Future[list[VariantRows]] = cf.Future()
        try:
            future.set_result(run_task(self.payload, task))
        except BaseException as exc:  # handed to the caller through the future, as a pool would
            future.set_exception(exc)
        return future

    def wait(self, pending: Collection[Any]) -> Collection[Any]:
        return list(pending)

    def close(self) -> None:
        pass


def _install(payload: Payload) -> None:
    """A pool worker's initializer: make the sweep's runner (parse the base instance) once."""
    runner_for(payload)


def _run_installed(key: str, task: Task) -> list[VariantRows]:
    """A pool task: the variants of ``task`` on the runner :func:`_install` made."""
    from zoneopt.analysis.sweeps.runner import _RUNNERS

    runner = _RUNNERS[key]
    return [runner.run(index, delta) for index, delta in task]


class ProcessEngine:
    """A pool of ``workers`` processes on this machine (``forkserver`` where there is one:
    workers start from a clean server that has imported zoneopt once, not from a fork of a
    process running solver threads)."""

    def __init__(self, payload: Payload, workers: int | None = None) -> None:
        self.workers = max(1, int(workers or os.cpu_count() or 1))
        methods = multiprocessing.get_all_start_methods()
        ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        if ctx.get_start_method() == "forkserver":
            ctx.set_forkserver_preload(["zoneopt.analysis.sweeps.runner"])
        self.key = payload.key
        self.pool = cf.ProcessPoolExecutor(self.workers, mp_context=ctx, initializer=_install, initargs=(payload,))

    def submit(self, task: Task) -> cf.Future[list[VariantRows]]:
        return self.pool.submit(_run_installed, self.key, task)

    def wait(self, pending: Collection[Any]) -> Collection[Any]:
        return cf.wait(pending, return_when=cf.FIRST_COMPLETED).done

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


def connect(address: str, timeout: float = CONNECT_TIMEOUT_S) -> Any:
    """A ``distributed.Client`` connected to the scheduler at ``address`` (``tcp://host:8786``).
    Raises :class:`SchedulerError` when Dask is missing or the scheduler cannot be reached
    within ``timeout`` seconds."""
    try:
        from distributed import Client
    except ImportError:
        raise SchedulerError("a Dask scheduler needs dask.distributed: pip install 'dask[distributed]'") from None
    try:
        return Client(address, timeout=timeout)
    except (OSError, TimeoutError, ValueError) as exc:
        raise SchedulerError(f"cannot reach the Dask scheduler at {address} within {timeout:g} s "
                             f"({type(exc).__name__}: {exc}); is `dask scheduler` running there and the "
                             "address right?") from None


class DaskEngine:
    """Tasks on a Dask cluster: ``client`` (a ``distributed.Client``) or a scheduler address.
    The payload is scattered to every worker once; a client made here from an address is
    closed by :meth:`close`, a given one is left open."""

    def __init__(self, payload: Payload, client: Any, timeout: float = CONNECT_TIMEOUT_S) -> None:
        self.owned = isinstance(client, str)
        self.client = connect(client, timeout) if isinstance(client, str) else client
        try:
            self.workers = max(1, sum(self.client.nthreads().values()))
            self.payload = self.client.scatter(payload, broadcast=True, hash=False)
        except (OSError, TimeoutError) as exc:
            self.close()
            raise SchedulerError(f"the Dask cluster stopped answering: {type(exc).__name__}: {exc}") from None

    def submit(self, task: Task) -> Any:
        return self.client.submit(run_task, self.payload, list(task), pure=False)

    def wait(self, pending: Collection[Any]) -> Collection[Any]:
        from distributed import wait

        return wait(list(pending), return_when="FIRST_COMPLETED").done

    def close(self) -> None:
        if self.owned:
            self.client.close()


def make_engine(payload: Payload, *, workers: int | None = None, client: Any = None,
                timeout: float = CONNECT_TIMEOUT_S) -> Engine:
    """The engine a sweep asks for: Dask when ``client`` (a client or an address) is given,
    this process when ``workers == 1``, else a pool of ``workers`` processes (default: one per
    core). ``timeout``: seconds to reach a scheduler given by its address."""
    if client is not None:
        return DaskEngine(payload, client, timeout)
    if workers is not None and workers < 1:
        raise InvalidInputError(f"workers must be >= 1, got {workers}")
    if workers == 1:
        return SerialEngine(payload)
    return ProcessEngine(payload, workers)


__all__ = ["Engine", "SerialEngine", "ProcessEngine", "DaskEngine", "SchedulerError", "connect", "make_engine",
           "CONNECT_TIMEOUT_S"]
