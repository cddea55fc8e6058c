"""The engines of a sweep never change a number: this process, a process pool and a Dask
LocalCluster (2 workers, started here) write the same Parquet file byte for byte; the
replacement costs of the example agree on every LP backend; an unreachable scheduler is a
clear typed error."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from land_cases import EXAMPLE, standard_example

from zoneopt import load
from zoneopt.analysis.sweeps import (
    Base,
    SchedulerError,
    Sweep,
    allocation_bands,
    connect,
    draw_variants,
    grade_stability,
    grid_variants,
    noise_spec,
    replacement_costs,
    run_sweep,
    scenario_variants,
    zone_variants,
)
from zoneopt.core.solve import backend_names, get_backend


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    from distributed import Client, LocalCluster

    # two workers in this process (threads): starts in well under a second
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, \
            Client(cluster) as c:
        yield c


@pytest.fixture(scope="module")
def mixed() -> Sweep:
    """Every kind of variant on the 45-zone example: the base, its scenarios, a grid, draws
    and a few zones forced out and in."""
    inst = load(EXAMPLE)
    variants = [Base(), *scenario_variants(inst), *grid_variants(inst, {"pool": [7800, 8600]}),
                *draw_variants(12, noise_spec(0.05), seed=11),
                *zone_variants(inst, ["hebi", "puyang", "xinxiang"])]
    return Sweep(inst, tuple(variants))


def test_the_engine_never_changes_a_number(mixed: Sweep, client: Any, tmp_path: Path) -> None:
    serial = run_sweep(mixed, tmp_path / "serial.parquet", workers=1)
    pool = run_sweep(mixed, tmp_path / "pool.parquet", workers=2, chunk=3)
    dask = run_sweep(mixed, tmp_path / "dask.parquet", client=client, chunk=2)
    assert (serial.engine, pool.engine, dask.engine) == ("serial", "process", "dask")
    reference = serial.path.read_bytes()
    assert pool.path.read_bytes() == reference and dask.path.read_bytes() == reference
    a, b = serial.table(), dask.table()
    for analysis in (allocation_bands, grade_stability, replacement_costs):
        pd.testing.assert_frame_equal(analysis(a), analysis(b), check_exact=True)
    assert set(a["kind"]) == {"base", "scenario", "grid", "draw", "zone"}


def _costs(inst: Any, zones: list[str], backend: str, out: Path) -> pd.Series:
    variants = (Base(), *zone_variants(inst, zones, force=("out",)))
    result = run_sweep(Sweep(inst, variants, backend), out / f"{backend}.parquet", workers=1)
    return replacement_costs(result.table()).set_index("zone")["replacement_cost"].reindex(zones)


def test_replacement_costs_agree_on_every_lp_backend(tmp_path: Path) -> None:
    """Zones of the example forced out under the standard rules and the efficiency objective
    (an LP), solved with each LP backend: the same replacement costs (PDLP, a first-order
    method, to 1e-6 of the objective)."""
    inst = standard_example()
    zones = ["hebi", "xuchang", "hongqiqu", "xinzheng", "puyang", "xinxiang", "luoyang", "zhengzhou"]
    costs = {b: _costs(inst, zones, b, tmp_path) for b in backend_names() if b != "ortools-cpsat"}
    reference = costs.pop("highs")
    assert reference["zhengzhou"] == np.inf  # locked at 1,500 mu: it cannot be left out
    # a tilt it held down: xinzheng
    assert reference["xinxiang"] > reference["hebi"] > reference["xuchang"] > 0 and reference["xinzheng"] < 0
    scale = 1e-6 * 167382.50  # the objective, 万元/yr
    assert len(costs) >= 4
    for backend, values in costs.items():
        np.testing.assert_allclose(values.to_numpy(), reference.to_numpy(), rtol=0, atol=scale, err_msg=backend)


def test_replacement_costs_of_the_bundled_example_agree_on_every_mip_backend(tmp_path: Path) -> None:
    """The bundled example as it is (a MIP: minimum lots), zones forced out, on each backend
    that takes a MIP: the same replacement costs to the MIP gap."""
    inst = load(EXAMPLE)
    zones = ["hebi", "xuchang", "zhengzhou", "puyang", "luoyang"]
    takes_mip = [b for b in backend_names() if get_backend(b).integer and get_backend(b).continuous]
    costs = {b: _costs(inst, zones, b, tmp_path) for b in takes_mip}
    reference = costs.pop("highs")
    assert np.isfinite(reference.to_numpy()).any()
    assert len(costs) >= 3
    objective = run_sweep(Sweep(inst, (Base(),)), tmp_path / "base.parquet", workers=1).table()["objective"].iloc[0]
    for backend, values in costs.items():  # MIPs solved to the default relative gap 1e-4
        np.testing.assert_allclose(values.to_numpy(), reference.to_numpy(), rtol=0, atol=2e-4 * abs(objective),
                                   err_msg=backend)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path: Path) -> None:
    address = f"tcp://127.0.0.1:{free_port()}"
    with pytest.raises(SchedulerError, match=f"cannot reach the Dask scheduler at {address}"):
        connect(address, timeout=0.5)
    sweep = Sweep(load(EXAMPLE), (Base(),))
    with pytest.raises(SchedulerError) as info:
        run_sweep(sweep, tmp_path / "s.parquet", client=address, connect_timeout=0.5)
    assert info.value.exit_code == 2
