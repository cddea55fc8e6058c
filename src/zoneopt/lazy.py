"""Lazy re-exports for a package's ``__init__`` (PEP 562).

A package that re-exports names from heavy modules (pandas, scipy, the solvers) gives them to
:func:`lazy_exports` as one table, name → defining module, and assigns the two functions it
returns to its module-level ``__getattr__`` and ``__dir__``. A name's module is imported when
the name is first read (``package.name``, ``from package import name`` or ``import *``), and
the value is then stored in the package so later reads cost nothing. A name that is not in the
table but is a submodule (``package.sub``) is imported too, as an eager ``__init__`` would
have done.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(package: str, table: Mapping[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package``. ``table`` maps each lazily exported name to
    the module defining it, or to ``"module:attribute"`` when the package exports it under
    another name (``"solve_model": "zoneopt.core.solve:solve"``)."""

    def __getattr__(name: str) -> Any:
        target = table.get(name)
        if target is None:
            return _submodule(package, name)
        module, _, attribute = target.partition(":")
        value = getattr(importlib.import_module(module), attribute or name)
        setattr(sys.modules[package], name, value)  # later reads find it without __getattr__
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(table))

    return __getattr__, __dir__


def _submodule(package: str, name: str) -> Any:
    """``package.name`` when it is a submodule, else the ``AttributeError`` a module raises."""
    missing = AttributeError(f"module {package!r} has no attribute {name!r}")
    if name.startswith("__"):  # dunder probes (__wrapped__, __test__, ...) never name a submodule
        raise missing
    try:
        return importlib.import_module(f"{package}.{name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"{package}.{name}":  # the submodule exists, something it imports does not
            raise
    raise missing
