"""Solver backends. See :mod:`zoneopt.core.backends.base` for what a backend is."""
