"""Progress bars for long runs (a diagnosis's solves, DEA over thousands of units, what-if and
frontier sweeps, rule costs, a report's sections), drawn with tqdm on stderr.

Library code is quiet: :func:`track` and :func:`counter` do nothing unless a caller asked for
bars with :func:`progress_bars` (the command line does when stderr is a terminal). The setting
lives in a :class:`~contextvars.ContextVar`, so asking in one thread does not draw bars in
another. A bar shows only after :data:`DELAY` seconds, so quick runs print nothing.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TextIO, TypeVar

T = TypeVar("T")

DELAY = 0.5
"""Seconds before a bar appears."""

_STREAM: ContextVar[TextIO | None] = ContextVar("zoneopt_progress_stream", default=None)


def _nothing(n: int = 1) -> None:
    """A step of no bar."""


@contextmanager
def progress_bars(enabled: bool = True, stream: TextIO | None = None) -> Iterator[None]:
    """Within the block, long runs draw progress bars on ``stream`` (default stderr) when
    ``enabled``; library code draws none otherwise."""
    token = _STREAM.set((stream if stream is not None else sys.stderr) if enabled else None)
    try:
        yield
    finally:
        _STREAM.reset(token)


def enabled() -> bool:
    """Whether bars are drawn here (:func:`progress_bars`)."""
    return _STREAM.get() is not None


def track(items: Iterable[T], desc: str, total: int | None = None, unit: str = "it") -> Iterable[T]:
    """``items``, with a bar counting them when bars are on; ``items`` itself otherwise."""
    stream = _STREAM.get()
    if stream is None:
        return items
    from tqdm import tqdm

    return tqdm(items, desc=desc, total=total, unit=unit, file=stream, leave=False, delay=DELAY, dynamic_ncols=True)


@contextmanager
def counter(desc: str, total: int | None = None, unit: str = "it") -> Iterator[Callable[[int], object]]:
    """A bar advanced by the function yielded (``step(n)``) when bars are on; a no-op otherwise.
    ``total`` None: a count without an end (a diagnosis does not know its number of solves)."""
    stream = _STREAM.get()
    if stream is None:
        yield _nothing
        return
    from tqdm import tqdm

    bar = tqdm(desc=desc, total=total, unit=unit, file=stream, leave=False, delay=DELAY, dynamic_ncols=True)
    try:
        yield bar.update
    finally:
        bar.close()


def open_counter(desc: str, total: int | None = None, unit: str = "it") -> Callable[[int], object]:
    """:func:`counter` without a block, for an object that counts its own work (a diagnosis's
    runner): the bar closes when the function returned is dropped (tqdm closes on deletion)."""
    stream = _STREAM.get()
    if stream is None:
        return _nothing
    from tqdm import tqdm

    bar = tqdm(desc=desc, total=total, unit=unit, file=stream, leave=False, delay=DELAY, dynamic_ncols=True)
    return bar.update


__all__ = ["progress_bars", "track", "counter", "open_counter", "enabled", "DELAY"]
