"""Solver backends. See :mod:`zoneopt.core.backends.base` for what a backend is.

:data:`BACKENDS` is the one list of them: each name ``solve`` accepts and where its class lives.
:func:`zoneopt.core.solve.get_backend` imports a backend's module when the backend is first
asked for, and the command line lists :data:`BACKEND_NAMES` for ``--backend`` without importing
any backend (tests/core/test_backends.py checks the table against the classes' own names).
"""

# name → (module, class); the default backend first, then the order ``backend_names`` lists.
BACKENDS: dict[str, tuple[str, str]] = {
    "highs": ("zoneopt.core.backends.highs", "HighsBackend"),
    "pulp-cbc": ("zoneopt.core.backends.pulp_backend", "PulpCbcBackend"),
    "pulp-highs": ("zoneopt.core.backends.pulp_backend", "PulpHighsBackend"),
    "ortools-glop": ("zoneopt.core.backends.ortools_backend", "GlopBackend"),
    "ortools-pdlp": ("zoneopt.core.backends.ortools_backend", "PdlpBackend"),
    "ortools-scip": ("zoneopt.core.backends.ortools_backend", "ScipBackend"),
    "ortools-cpsat": ("zoneopt.core.backends.ortools_backend", "CpSatBackend"),
}

BACKEND_NAMES: tuple[str, ...] = tuple(BACKENDS)
"""Every backend name, the default first."""
