"""Solves running in parallel threads give the same answers as the same solves one after another.

A medium LP (a 40 x 50 transportation problem, 2000 variables, unique optimum) and a MIP (a
25-item, 3-constraint 0/1 knapsack with a unique optimum) are solved serially, then three at a
time in a ThreadPoolExecutor, on each backend; and all backends at once on one pool. A backend
that shares state between solves (a global solver object, a fixed temp file name, a non
re-entrant library) shows up here as a different answer, an exception or a crash.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import scipy.sparse as sp

from zoneopt.core import Model, ModelBuilder, Solution, Status, backend_names, get_backend, solve
from zoneopt.errors import UnsupportedModelError

BACKENDS = backend_names()
PARALLEL = 3


def medium_lp(seed: int = 11, sources: int = 40, sinks: int = 50) -> Model:
    rng = np.random.default_rng(seed)
    supply = rng.uniform(50, 100, sources)
    demand = rng.uniform(20, 60, sinks)
    demand *= 0.9 * supply.sum() / demand.sum()
    cost = rng.uniform(1, 20, (sources, sinks))
    b = ModelBuilder("transport")
    b.add_vars("ship", sources * sinks, obj=cost.ravel())
    b.add_rows("supply", sp.kron(sp.eye(sources), np.ones((1, sinks))), ub=supply)
    b.add_rows("demand", sp.kron(np.ones((1, sources)), sp.eye(sinks)), lb=demand)
    return b.build()


def medium_mip(seed: int = 5, items: int = 25, dims: int = 3) -> Model:
    rng = np.random.default_rng(seed)
    weight = rng.integers(10, 100, (dims, items))
    profit = rng.integers(100, 100_000, items)
    b = ModelBuilder("knapsack", sense="max")
    b.add_vars("take", items, ub=1, obj=profit, integer=True)
    b.add_rows("weight", weight, ub=np.floor(weight.sum(axis=1) * 0.4))
    return b.build()


MODELS = {"lp": medium_lp, "mip": medium_mip}


def accepts(cls: type, model: Model) -> bool:
    return (cls.integer or not model.is_mip) and (cls.continuous or bool(model.integer.all()))


def _same(a: Solution, b: Solution, what: str) -> None:
    assert a.status is b.status is Status.OPTIMAL, (what, a.status, b.status, b.message)
    assert b.objective == pytest.approx(a.objective, rel=1e-9, abs=1e-9), what
    np.testing.assert_allclose(b.x, a.x, rtol=1e-7, atol=1e-7, err_msg=what)


def test_models_have_unique_optima():
    """Why comparing the points is fair: the LP's simplex and interior-point (with crossover)
    answers coincide, and cutting off the MIP's optimum lowers the objective."""
    lp = medium_lp()
    a, b = solve(lp, "highs", algorithm="simplex"), solve(lp, "highs", algorithm="ipm")
    np.testing.assert_allclose(a.x, b.x, atol=1e-7)
    mip = medium_mip()
    s = solve(mip, "highs", mip_gap=0)
    ones = np.round(s.x) > 0.5
    b = ModelBuilder("knapsack-cut", sense="max")
    b.add_vars("take", mip.num_vars, ub=1, obj=mip.c, integer=True)
    b.add_rows("weight", mip.A, ub=mip.row_ub)
    b.add_rows("no-good", np.where(ones, 1.0, -1.0)[None, :], ub=ones.sum() - 1)
    second = solve(b.build(), "highs", mip_gap=0)
    assert second.objective < s.objective - 1


@pytest.mark.parametrize("kind", list(MODELS))
@pytest.mark.parametrize("backend", BACKENDS)
def test_parallel_solves_match_serial(backend, kind):
    cls = get_backend(backend)
    model = MODELS[kind]()
    if not accepts(cls, model):
        with pytest.raises(UnsupportedModelError, match=backend):
            solve(model, backend)
        return
    serial = [solve(model, backend, mip_gap=1e-9)]
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        futures = [pool.submit(solve, model, backend, mip_gap=1e-9) for _ in range(PARALLEL)]
        parallel = [f.result(timeout=120) for f in futures]
    for k, s in enumerate(parallel):
        _same(serial[0], s, f"{backend} {kind}: parallel solve {k} differs from serial")


@pytest.mark.parametrize("kind", list(MODELS))
def test_all_backends_at_once(kind):
    """Every backend that takes the model, all in flight together (HiGHS is reached through
    highspy, through PuLP and possibly through OR-Tools: one process, several copies)."""
    model = MODELS[kind]()
    names = [b for b in BACKENDS if accepts(get_backend(b), model)]
    serial = {b: solve(model, b, mip_gap=1e-9) for b in names}
    with ThreadPoolExecutor(max_workers=2 * len(names)) as pool:
        futures = {(b, k): pool.submit(solve, model, b, mip_gap=1e-9)
                   for b in names for k in range(2)}
        results = {key: f.result(timeout=120) for key, f in futures.items()}
    for (b, k), s in results.items():
        _same(serial[b], s, f"{b} {kind}: solve {k} alongside the other backends differs")


@pytest.mark.parametrize("backend", BACKENDS)
def test_parallel_solves_of_different_models(backend):
    """Different models in flight on one backend: each gets its own answer, not a neighbour's."""
    cls = get_backend(backend)
    models = [m for m in (medium_lp(seed=s) for s in (1, 2)) if accepts(cls, m)] + \
             [m for m in (medium_mip(seed=s) for s in (5, 2)) if accepts(cls, m)]
    if not models:
        pytest.fail(f"{backend} takes neither an LP nor a 0/1 MIP")
    serial = [solve(m, backend, mip_gap=1e-9) for m in models]
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        parallel = list(pool.map(lambda m: solve(m, backend, mip_gap=1e-9), models))
    for m, a, b in zip(models, serial, parallel):
        _same(a, b, f"{backend} on {m.name}: parallel answer differs")


@pytest.mark.parametrize("backend", BACKENDS)
def test_parallel_verbose_solves_keep_stdout(backend, capfd, caplog):
    """``verbose`` routes solver logs to the ``zoneopt.solver`` logger. With several verbose
    solves in flight, nothing may reach file descriptor 1, and fd 1 must still be the same file
    afterwards (a backend that redirects fd 1 per solve must not interleave redirections)."""
    import logging
    import os

    cls = get_backend(backend)
    model = medium_lp() if cls.continuous else medium_mip()
    before = os.fstat(1)
    serial = solve(model, backend, mip_gap=1e-9)
    capfd.readouterr()
    with caplog.at_level(logging.INFO, logger="zoneopt.solver"):
        with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
            futures = [pool.submit(solve, model, backend, mip_gap=1e-9, verbose=True)
                       for _ in range(2 * PARALLEL)]
            results = [f.result(timeout=120) for f in futures]
    after = os.fstat(1)
    leaked = capfd.readouterr().out
    for s in results:
        _same(serial, s, f"{backend}: verbose parallel solve differs")
    assert (after.st_dev, after.st_ino) == (before.st_dev, before.st_ino), \
        f"{backend}: file descriptor 1 no longer points where it did before the solves"
    assert leaked == "", f"{backend}: {len(leaked.splitlines())} solver log lines reached stdout"
