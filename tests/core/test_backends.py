"""The backend table: the names ``solve`` accepts, listed without importing any backend, match
the backend classes, and a backend's module (with its solver library) loads on first use."""

from __future__ import annotations

import pytest
from fresh_process import heavy_after, modules_after

from zoneopt.core import DEFAULT_BACKEND, backend_names, get_backend
from zoneopt.core.backends import BACKEND_NAMES
from zoneopt.errors import UnknownBackendError


def test_backend_names_are_the_backend_classes() -> None:
    from zoneopt.core.backends.highs import HighsBackend
    from zoneopt.core.backends.ortools_backend import ORTOOLS_BACKENDS
    from zoneopt.core.backends.pulp_backend import PULP_BACKENDS

    classes = [HighsBackend, *PULP_BACKENDS, *ORTOOLS_BACKENDS]
    assert BACKEND_NAMES == tuple(c.name for c in classes)
    assert [get_backend(name) for name in BACKEND_NAMES] == classes
    assert backend_names() == list(BACKEND_NAMES) and BACKEND_NAMES[0] == DEFAULT_BACKEND


def test_unknown_backend_names_the_known_ones() -> None:
    with pytest.raises(UnknownBackendError, match="unknown backend 'cplex'; choose one of: highs, pulp-cbc, "):
        get_backend("cplex")


def test_backends_load_on_first_use() -> None:
    assert heavy_after("import zoneopt.core\nzoneopt.core.backend_names()") == []
    loaded = modules_after("import zoneopt.core\nzoneopt.core.get_backend('highs')")
    assert "zoneopt.core.backends.highs" in loaded
    assert not {"zoneopt.core.backends.pulp_backend", "zoneopt.core.backends.ortools_backend", "pulp",
                "ortools"} & loaded
