"""The unit a resource's model counts in (:func:`zoneopt.models.rules.model_unit`)."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from zoneopt.models.rules import model_unit


@given(total=st.floats(0.0, 1e308), requests=st.lists(st.floats(0.0, 1e308), max_size=5))
def test_the_model_unit_keeps_every_amount_finite(total: float, requests: list[float]) -> None:
    """Whatever the pool and the requests — 5e-324 mu beside 300 mu, 1e308 — the unit is a
    positive finite number and the requests in model units stay finite. (A whole-step size,
    a parcel, is the unit as the instance gives it.)"""
    asked = np.array(requests, dtype=float)
    unit = model_unit(total, asked)
    assert unit > 0 and np.isfinite(unit)
    assert np.isfinite(asked / unit).all()
    assert np.isfinite(total / unit)


def test_a_pool_of_the_smallest_float_beside_real_requests() -> None:
    unit = model_unit(5e-324, np.array([300.0, 500.0]))
    assert unit > 0 and np.isfinite(np.array([300.0, 500.0]) / unit).all()
