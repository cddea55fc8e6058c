"""A sweep: a base instance, its variants (deltas), the backend and options; its fingerprint;
and :func:`run_sweep`, which solves the variants on an engine, streams the results to Parquet
as they finish (in variant order, so a stopped sweep resumes where it stopped) and returns the
finished file as a :class:`SweepResult`.

Memory stays bounded whatever the number of variants: at most ``window`` tasks are in flight,
results that finish before an earlier variant wait in a buffer of at most ``4 × window`` tasks'
worth, and what is written leaves memory.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from zoneopt.analysis.sweeps.engines import CONNECT_TIMEOUT_S, Engine, make_engine
from zoneopt.analysis.sweeps.runner import Layout, Payload, VariantRows
from zoneopt.analysis.sweeps.store import SweepStore, read_metadata, read_sweep
from zoneopt.analysis.sweeps.variants import Delta, DrawDelta
from zoneopt.core.progress import counter, progress_bars
from zoneopt.core.solution import SolveOptions
from zoneopt.core.solve import DEFAULT_BACKEND
from zoneopt.errors import InvalidInputError
from zoneopt.instance import Instance
from zoneopt.resources import build_resource_model

FLUSH_SECONDS = 5.0
"""A part is written at least this often while variants finish (what a kill can lose)."""
FLUSH_ROWS = 200_000
"""...or as soon as this many rows (variants × zones) are ready."""


@dataclass(frozen=True)
class Sweep:
    """A base instance and its variants (deltas, the first usually :class:`~.variants.Base`),
    solved with ``backend`` and ``options``; ``resources`` limits the resources solved (default
    every one the instance configures)."""

    instance: Instance
    variants: tuple[Delta, ...]
    backend: str = DEFAULT_BACKEND
    options: SolveOptions = field(default_factory=SolveOptions)
    resources: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if not self.variants:
            raise InvalidInputError("a sweep needs at least one variant")
        labels = Counter(v.label for v in self.variants)
        twice = [label for label, k in labels.items() if k > 1]
        if twice:
            raise InvalidInputError(f"sweep: variant {twice[0]!r} given twice")

    def instance_json(self) -> bytes:
        return self.instance.model_dump_json().encode()

    def layout(self) -> Layout:
        return Layout.of(self.instance, self.resources)

    def payload(self, key: str) -> Payload:
        return Payload(key, self.instance_json(), self.backend, self.options, self.resources)

    def fingerprint(self) -> str:
        """A hash of everything the results depend on: the instance, every variant (with the
        noise of its draws), the backend and the options."""
        noises = sorted({json.dumps([n.describe() for n in v.noise], sort_keys=True)
                         for v in self.variants if isinstance(v, DrawDelta)})
        spec = {"variants": [v.describe() for v in self.variants], "noise": noises, "backend": self.backend,
                "options": asdict(self.options), "resources": self.resources}
        h = hashlib.sha256(self.instance_json())
        h.update(json.dumps(spec, sort_keys=True, default=str).encode())
        return h.hexdigest()

    def metadata(self, layout: Layout) -> dict[str, Any]:
        """The description written with the results (no timings: the file depends on the
        sweep alone)."""
        draws = [v for v in self.variants if isinstance(v, DrawDelta)]
        main = build_resource_model(self.instance, layout.main)
        sense = main.model.sense if main.model is not None else "max"
        out: dict[str, Any] = {
            "instance": self.instance.name, "synthetic": self.instance.metadata.synthetic,
            "backend": self.backend, "options": asdict(self.options), "variants": len(self.variants),
            "kinds": dict(Counter(v.kind for v in self.variants)), "resources": list(layout.resources),
            "quantities": list(layout.quantities), "main": layout.main, "sense": sense,
            "objective_kind": self.instance.objective.kind if layout.main == "land" else "",
            "zones": len(layout.zones),
        }
        if draws:
            out["seed"] = draws[0].seed
            out["noise"] = [n.describe() for n in draws[0].noise]
        return out


@dataclass(frozen=True)
class SweepResult:
    """A finished sweep file and what was done to make it: ``solved`` variants solved in this
    run (0 when the file was complete already), ``resumed_from`` (variants found done on
    disk), ``seconds`` and ``engine``."""

    path: Path
    solved: int = 0
    resumed_from: int = 0
    seconds: float = 0.0
    engine: str = ""

    @property
    def metadata(self) -> dict[str, Any]:
        return read_metadata(self.path)

    def table(self) -> pd.DataFrame:
        """The results, one row per variant and zone (:func:`~.store.read_sweep`)."""
        return read_sweep(self.path)


def _tasks(todo: Sequence[tuple[int, Delta]], chunk: int) -> Iterator[list[tuple[int, Delta]]]:
    for k in range(0, len(todo), chunk):
        yield list(todo[k:k + chunk])


def run_sweep(sweep: Sweep, out: str | Path, *, workers: int | None = None, client: Any = None,
              chunk: int | None = None, window: int | None = None, progress: bool = False, fresh: bool = False,
              flush_seconds: float = FLUSH_SECONDS, connect_timeout: float = CONNECT_TIMEOUT_S) -> SweepResult:
    """Solve every variant of ``sweep`` and write the results to the Parquet file ``out``.

    Engines: a Dask cluster when ``client`` is given (a ``distributed.Client``, or a scheduler
    address such as ``"tcp://host:8786"``: :class:`~.engines.SchedulerError` when it cannot be
    reached within ``connect_timeout`` seconds); this process when ``workers == 1``; else a
    pool of ``workers`` processes (default one per core). Tasks carry ``chunk`` variants
    (default: enough for about four tasks per worker, at most 32); at most ``window`` tasks
    (default two per worker) are in flight. The numbers never depend on the engine, ``chunk``
    or ``window``.

    Results are written while the sweep runs (:class:`~.store.SweepStore`); a sweep stopped at
    any point and run again with the same sweep and ``out`` solves only what is missing, and
    ends with the same file. ``fresh`` discards an earlier run's parts. ``progress`` shows a
    bar (tqdm) on stderr, as do bars turned on by the caller (:func:`zoneopt.core.progress.progress_bars`:
    the command line does on a terminal). Raises :class:`InstanceError` when the base instance's model cannot
    be built, and :class:`InvalidInputError` when ``out``'s parts are another sweep's."""
    with progress_bars(True) if progress else nullcontext():
        return _run_sweep(sweep, out, workers, client, chunk, window, fresh, flush_seconds, connect_timeout)


def _run_sweep(sweep: Sweep, out: str | Path, workers: int | None, client: Any, chunk: int | None,
               window: int | None, fresh: bool, flush_seconds: float, connect_timeout: float) -> SweepResult:
    start = time.perf_counter()
    layout = sweep.layout()
    fingerprint = sweep.fingerprint()
    store = SweepStore(out, fingerprint, layout, sweep.metadata(layout), len(sweep.variants))
    done = store.open(fresh)
    if done == len(sweep.variants) and not store.parts.exists():
        return SweepResult(store.out, 0, done, time.perf_counter() - start, "none")
    todo = list(enumerate(sweep.variants))[done:]
    payload = sweep.payload(fingerprint)
    engine = make_engine(payload, workers=workers, client=client, timeout=connect_timeout) if todo else None
    try:
        if engine is not None:
            _drive(engine, store, todo, chunk, window, flush_seconds, len(sweep.variants))
    finally:
        if engine is not None:
            engine.close()
    path = store.finish()
    name = type(engine).__name__.removesuffix("Engine").lower() if engine is not None else "none"
    return SweepResult(path, len(todo), done, time.perf_counter() - start, name)


class _Sink(Protocol):
    """Where :func:`_drive` puts results, in variant order: a :class:`~.store.SweepStore`, or
    memory (:class:`_Collect`)."""

    layout: Layout
    done: int

    def write(self, rows: Sequence[VariantRows]) -> None: ...


class _Collect:
    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        self.done = 0
        self.rows: list[VariantRows] = []

    def write(self, rows: Sequence[VariantRows]) -> None:
        self.rows += rows
        self.done += len(rows)


def solve_variants(sweep: Sweep, *, workers: int | None = None, client: Any = None, chunk: int | None = None,
                   window: int | None = None, progress: bool = False,
                   connect_timeout: float = CONNECT_TIMEOUT_S) -> list[VariantRows]:
    """Every variant of ``sweep`` solved on an engine (as :func:`run_sweep` chooses it) and
    returned in variant order, in memory, without a file: for the analyses whose variants are
    few (a rule's cost, a what-if point), so they run on the same engines as sweeps."""
    sink = _Collect(sweep.layout())
    todo = list(enumerate(sweep.variants))
    engine = make_engine(sweep.payload(sweep.fingerprint()), workers=workers, client=client, timeout=connect_timeout)
    try:
        with progress_bars(True) if progress else nullcontext():
            _drive(engine, sink, todo, chunk, window, 0.0, len(todo))
    finally:
        engine.close()
    return sink.rows


def _drive(engine: Engine, store: _Sink, todo: list[tuple[int, Delta]], chunk: int | None,
           window: int | None, flush_seconds: float, total: int) -> None:
    """Keep tasks in flight, gather their results in variant order, and write them as parts
    (a progress bar counts them when bars are on: :mod:`zoneopt.core.progress`)."""
    with counter("sweep", total, unit="variant") as step:
        step(store.done)  # a resumed sweep starts where it stopped
        _keep_going(engine, store, todo, chunk, window, flush_seconds, step)


def _keep_going(engine: Engine, store: _Sink, todo: list[tuple[int, Delta]], chunk: int | None,
                window: int | None, flush_seconds: float, step: Callable[[int], object]) -> None:
    size = chunk or max(1, min(32, len(todo) // (4 * engine.workers)))
    in_flight = window or 2 * engine.workers
    ahead = 4 * in_flight * size  # variants that may wait for an earlier one
    tasks = _tasks(todo, size)
    pending: set[Any] = set()
    waiting: dict[int, VariantRows] = {}
    ready: list[VariantRows] = []
    next_index, last = store.done, time.monotonic()
    exhausted = False
    try:
        while True:
            while not exhausted and len(pending) < in_flight and len(waiting) < ahead:
                task = next(tasks, None)
                if task is None:
                    exhausted = True
                else:
                    pending.add(engine.submit(task))
            if not pending:
                break
            for future in engine.wait(pending):
                pending.discard(future)
                rows = future.result()
                waiting.update((r.index, r) for r in rows)
                step(len(rows))
            while next_index in waiting:
                ready.append(waiting.pop(next_index))
                next_index += 1
            size_ready = len(ready) * len(store.layout.zones)
            if ready and (size_ready >= FLUSH_ROWS or time.monotonic() - last >= flush_seconds):
                store.write(ready)
                ready, last = [], time.monotonic()
        store.write(ready)
    except BaseException:
        store.write(ready)  # keep what is done in order, so a restart resumes after it
        raise


__all__ = ["Sweep", "SweepResult", "run_sweep", "solve_variants", "FLUSH_SECONDS"]
