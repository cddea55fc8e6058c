"""Test configuration. On CI (``CI`` set) hypothesis runs derandomised and without its example
database, so a CI run is reproducible; locally it explores new examples each run.

Hypothesis also draws numbers from the constants of the project's modules loaded at the time
(``5.96e-08`` beside ``100``, say). Which modules earlier tests happened to import would then
decide which examples a derandomised test tries, so a failure in the whole suite would not
reproduce when the file runs alone (it happened: a land property test). Every zoneopt module is
imported here, before any test, so the examples depend on the code alone."""

from __future__ import annotations

import importlib
import os
import pkgutil

from hypothesis import settings

import zoneopt

settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


def _import_every_module() -> None:
    for info in pkgutil.walk_packages(zoneopt.__path__, prefix="zoneopt."):
        if info.name.endswith("__main__"):
            continue
        importlib.import_module(info.name)


_import_every_module()
