"""Test configuration. On CI (``CI`` set) hypothesis runs derandomised and without its example
database, so a CI run is reproducible; locally it explores new examples each run."""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
