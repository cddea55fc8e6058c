"""The bundled example instances: they load, say they are synthetic, solve to optimal, bind
several rules, and every backend that takes them reaches the same optimum."""

from __future__ import annotations

from pathlib import Path

import pytest
from land_cases import ROOT

from zoneopt import Instance, UnsupportedModelError, backend_names, build_land_model, load, solve_land
from zoneopt.core import get_backend

EXAMPLES = sorted((ROOT / "instances").glob("*.json"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_is_marked_synthetic_and_solves(path: Path) -> None:
    inst = load(path)
    assert inst.metadata.synthetic is True
    assert "synthetic" in (inst.metadata.description + inst.metadata.notes).lower()
    plan = solve_land(inst)
    assert plan.status == "optimal"
    assert plan.summary.allocated_mu <= inst.pools.land.total_mu * (1 + 1e-9)  # type: ignore[union-attr]


def test_main_example_is_the_45_zone_province() -> None:
    inst = load(ROOT / "instances" / "henan-etdz-45.json")
    levels = [z.level for z in inst.zones]
    assert len(inst.zones) == 45 and levels.count("national") == 9 and levels.count("provincial") == 36
    assert all(r.source for r in inst.rules), "every rule of the example cites its clause"
    plan = solve_land(inst)
    assert plan.bindings["rule"].nunique() >= 3


def _accepts(backend: str, inst: Instance) -> bool:
    cls = get_backend(backend)
    model = build_land_model(inst).model
    return (cls.integer or not model.is_mip) and (cls.continuous or bool(model.integer.all()))


@pytest.mark.parametrize("backend", backend_names())
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_backends_agree_on_examples(path: Path, backend: str) -> None:
    inst = load(path)
    if not _accepts(backend, inst):
        pytest.raises(UnsupportedModelError, solve_land, inst, backend)
        return
    reference = solve_land(inst).objective
    got = solve_land(inst, backend).objective
    tol = 1e-5 if backend == "ortools-pdlp" else 1e-6
    assert got == pytest.approx(reference, rel=tol), backend
