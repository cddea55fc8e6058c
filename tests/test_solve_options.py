"""Solve options travel as one value with one merge rule: an explicit ``time_limit`` or
``mip_gap`` wins over the one ``options`` carries, on every ``solve_*``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from land_cases import ROOT, SMALL
from test_consolidation import six
from test_multi_period import two_zone
from test_portfolio import five

import zoneopt
from zoneopt import Instance, SolveOptions, load
from zoneopt.core.backends.highs import HighsBackend


def test_merge_rule() -> None:
    base = SolveOptions(time_limit=100.0, mip_gap=0.01, threads=2)
    assert SolveOptions.merged(None) == SolveOptions()
    assert SolveOptions.merged(base) is base
    got = SolveOptions.merged(base, time_limit=5.0)
    assert (got.time_limit, got.mip_gap, got.threads) == (5.0, 0.01, 2)
    got = SolveOptions.merged(base, mip_gap=1e-4)
    assert (got.time_limit, got.mip_gap) == (100.0, 1e-4)
    assert SolveOptions.merged(None, time_limit=3.0, mip_gap=0.5) == SolveOptions(time_limit=3.0, mip_gap=0.5)


SOLVES: dict[str, tuple[Callable[..., Any], Callable[[], Instance]]] = {
    "solve": (zoneopt.solve, lambda: load(SMALL)),
    "solve_land": (zoneopt.solve_land, lambda: load(SMALL)),
    "solve_all": (zoneopt.solve_all, lambda: load(SMALL)),
    "solve_emissions": (zoneopt.solve_emissions, lambda: load(ROOT / "instances" / "henan-etdz-45-emissions.json")),
    "solve_funds": (zoneopt.solve_funds, lambda: load(ROOT / "instances" / "henan-etdz-45-funds.json")),
    "solve_portfolio": (zoneopt.solve_portfolio, lambda: Instance.from_dict(five())),
    "solve_consolidation": (zoneopt.solve_consolidation, lambda: Instance.from_dict(six())),
    "solve_multi_period": (zoneopt.solve_multi_period,
                           lambda: Instance.from_dict(two_zone((2.0, 1.0), (60.0, 60.0), [2021, 2022]))),
}


@pytest.fixture
def seen(monkeypatch: pytest.MonkeyPatch) -> list[SolveOptions]:
    """The options of every HiGHS call made while the test runs."""
    calls: list[SolveOptions] = []
    real = HighsBackend.solve

    def spy(self: HighsBackend, model: Any, options: SolveOptions) -> Any:
        calls.append(options)
        return real(self, model, options)

    monkeypatch.setattr(HighsBackend, "solve", spy)
    return calls


@pytest.mark.parametrize("name", list(SOLVES))
def test_explicit_arguments_win_over_options(name: str, seen: list[SolveOptions]) -> None:
    """Every HiGHS call a solve makes sees the explicit time limit and gap, never the ones in
    ``options``; the other fields of ``options`` pass through."""
    solve, instance = SOLVES[name]
    given = SolveOptions(time_limit=1000.0, mip_gap=0.2, tolerance=2e-6)
    solve(instance(), "highs", time_limit=77.0, mip_gap=1e-5, options=given)
    assert seen, "the solve never reached the backend"
    assert all(o.time_limit == 77.0 and o.mip_gap == 1e-5 and o.tolerance == 2e-6 for o in seen)


@pytest.mark.parametrize("name", list(SOLVES))
def test_options_alone_are_kept(name: str, seen: list[SolveOptions]) -> None:
    solve, instance = SOLVES[name]
    solve(instance(), "highs", options=SolveOptions(time_limit=900.0, mip_gap=1e-5))
    assert seen and all(o.time_limit == 900.0 and o.mip_gap == 1e-5 for o in seen)
