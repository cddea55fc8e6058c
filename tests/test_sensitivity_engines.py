"""``what_if``, ``frontier`` and ``rule_costs`` run on a sweep's engine (a process pool, a Dask
LocalCluster started here) and give what they give in this process: the same statuses, and the
same objectives and allocations up to solver tolerance (the engine re-builds each point as an
instance; in this process the what-if changes row bounds of one model)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import pytest
from land_cases import SMALL, standard_example

from zoneopt import load
from zoneopt.analysis.sensitivity import frontier, frontier_allocations, rule_costs, what_if
from zoneopt.instance import Objective


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, \
            Client(cluster) as c:
        yield c


def _same_curve(here: Any, there: Any) -> None:
    assert there.method == "engine"
    assert here.points["status"].tolist() == there.points["status"].tolist()
    for col in ("objective", "secondary", "allocated_mu"):
        np.testing.assert_allclose(there.points[col].to_numpy(), here.points[col].to_numpy(), rtol=1e-7, atol=1e-6)
    np.testing.assert_allclose(there.allocations.to_numpy(), here.allocations.to_numpy(), rtol=1e-6, atol=1e-5)
    assert there.points["marginal"].isna().all()


@pytest.mark.parametrize(("target", "values", "relative"), [
    ("pool", [0.7, 0.9, 1.0, 1.2, 0.9], True),        # a value twice: solved once on the engine
    ("corridor-cap", [1800.0, 2600.0, 4000.0], False),
    ("lock-key-project", [0.0, 0.5, 4.0], True),  # a lock states a mapping: factors; ×4 is above the pool
    ("city-cap", [0.2, 0.33, 0.5], False),
])
def test_what_if_on_a_process_pool_gives_the_same_curve(target: str, values: list[float], relative: bool) -> None:
    inst = standard_example()
    here = what_if(inst, target, values, relative=relative)
    there = what_if(inst, target, values, relative=relative, workers=2)
    _same_curve(here, there)
    assert (here.points["status"] == "optimal").any()


def test_what_if_of_an_equity_plan_carries_its_tie_break_on_dask(client: Any) -> None:
    inst = standard_example()
    inst = inst.model_copy(update={"objective": Objective(kind="equity", weight=inst.objective.weight)})
    here = what_if(inst, "pool", [0.8, 1.0, 1.1])
    there = what_if(inst, "pool", [0.8, 1.0, 1.1], client=client)
    _same_curve(here, there)
    solved = there.points["status"] == "optimal"
    assert solved.any() and there.points.loc[solved, "secondary"].notna().all()  # each point's tie-break


@pytest.mark.parametrize("path", ["small", "standard"])
def test_frontier_on_an_engine_is_the_same_frontier(path: str, client: Any) -> None:
    inst = load(SMALL) if path == "small" else standard_example()
    here = frontier(inst, 6)
    for there in (frontier(inst, 6, workers=2), frontier(inst, 6, client=client)):
        assert there["status"].tolist() == here["status"].tolist()
        pd.testing.assert_series_equal(there["epsilon"], here["epsilon"])
        np.testing.assert_allclose(there["efficiency"], here["efficiency"], rtol=1e-7)
        np.testing.assert_allclose(there["min_fulfilment"], here["min_fulfilment"], atol=1e-6)
        np.testing.assert_allclose(frontier_allocations(there).to_numpy(), frontier_allocations(here).to_numpy(),
                                   atol=1e-4 * inst.pools.land.total_mu)
        # each point meets its ε and efficiency falls along the frontier
        assert (there["min_fulfilment"] >= there["epsilon"] - 1e-6).all()
        assert (np.diff(there["efficiency"].to_numpy()) <= 1e-6 * there["efficiency"].abs().max()).all()


def test_rule_costs_on_a_process_pool_match(client: Any) -> None:
    inst = standard_example()
    here = rule_costs(inst)
    there = rule_costs(inst, workers=2)
    dask = rule_costs(inst, client=client)
    for other in (there, dask):
        assert other["rule"].tolist() == here["rule"].tolist()
        assert other["status"].tolist() == here["status"].tolist()
        np.testing.assert_allclose(other["cost"], here["cost"], rtol=1e-7, atol=1e-6)
