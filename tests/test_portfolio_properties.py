"""Property tests of the project portfolio on random instances: no pool is ever exceeded; a
chosen project always gets all the land and allowances it needs and its fund (all of it, or at
least the minimum share with partial funding); the count and share targets hold whenever the
solver says optimal; removing a project never raises the optimum; the MIP backends agree."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from zoneopt import Instance
from zoneopt.core.solve import solve as core_solve
from zoneopt.errors import InfeasibleError
from zoneopt.models.portfolio import PortfolioModel, build_portfolio_model, check_plan, plan_from_solution

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def portfolios(draw: st.DrawFn) -> dict[str, Any]:
    n = draw(st.integers(2, 4))
    zones = [{"id": f"z{i}", "city": draw(st.sampled_from(["P", "Q"])), "land_area_mu": 1000.0,
              "score": float(draw(st.integers(40, 100))),
              "metrics": {"revenue": float(draw(st.integers(0, 100)) * 10), "tax": float(draw(st.integers(0, 50)))},
              "requests": {"land_mu": float(draw(st.integers(0, 40)) * 10)}} for i in range(n)]
    projects = []
    for k in range(draw(st.integers(1, 9))):
        projects.append({"id": f"p{k}", "zone": f"z{draw(st.integers(0, n - 1))}",
                         "sector": draw(st.sampled_from(["biomedicine", "textiles", "food"])),
                         "land_mu": float(draw(st.integers(0, 30)) * 10),
                         "emissions_t": {"SO2": float(draw(st.integers(0, 20))),
                                         "NOx": float(draw(st.integers(0, 20)))},
                         "fund": float(draw(st.integers(0, 50)) * 10),
                         "investment": float(draw(st.integers(0, 100)) * 20),
                         "tax": float(draw(st.integers(0, 100))), "revenue": float(draw(st.integers(0, 100)) * 10),
                         "leading": draw(st.booleans()), "industrial": draw(st.booleans())})
    rules: list[dict[str, Any]] = []
    if draw(st.booleans()):
        rules.append({"id": "count", "type": "count_target", "metric": draw(st.sampled_from(["revenue", "tax"])),
                      "threshold": float(draw(st.integers(1, 150)) * 10), "at_least": draw(st.integers(0, n))})
    if draw(st.booleans()):
        rules.append({"id": "share", "type": "share_target",
                      "quantity": draw(st.sampled_from(["investment", "fund", "tax"])),
                      "numerator": {"leading": True}, "denominator": {"industrial": True},
                      "min_share": draw(st.sampled_from([0.3, 0.7])), "base_denominator": 100.0})
    pools: dict[str, Any] = {
        "land": {"total_mu": float(draw(st.integers(1, 60)) * 10)},
        "emissions": {"pollutants": {"SO2": {"total_t": float(draw(st.integers(1, 60)))}},
                      "rules": [{"id": "city-so2", "type": "group_bounds", "by": "city",
                                 "cap_share": draw(st.sampled_from([0.6, 1.0]))}]},
        "funds": {"budget": float(draw(st.integers(1, 100)) * 10), "emerging_priority": 1.5,
                  "rules": [{"id": "lev", "type": "leverage_cap", "alpha": draw(st.sampled_from([0.2, 0.5, 1.0])),
                             "per": draw(st.sampled_from(["zone", "project"]))}]},
    }
    land_rules = [{"id": "land-req", "type": "request_cap"}] if draw(st.booleans()) else []
    partial = draw(st.booleans())
    return {"name": "random", "zones": zones, "projects": projects, "pools": pools, "rules": land_rules,
            "portfolio": {"partial_funding": partial, "min_fund_share": 0.5, "rules": rules,
                          "objective": {"kind": draw(st.sampled_from(["tax", "investment", "score"]))}}}


def optimum(data: dict[str, Any], backend: str = "highs") -> tuple[PortfolioModel, Any] | None:
    """Build and solve; None when no plan exists (a count target no choice can meet, or an
    infeasible model). The diagnosis is skipped: these tests look at solved plans."""
    inst = Instance.from_dict(data)
    try:
        pm = build_portfolio_model(inst)
    except InfeasibleError:
        return None
    sol = core_solve(pm.model, backend, time_limit=30)
    if sol.status.value == "infeasible":
        return None
    assert sol.status.value == "optimal", (backend, sol.status, sol.message)
    return pm, sol


@SETTINGS
@given(portfolios())
def test_pools_needs_and_targets_hold(data: dict[str, Any]) -> None:
    got = optimum(data)
    assume(got is not None)
    assert got is not None
    pm, sol = got
    plan = plan_from_solution(pm, sol)
    assert check_plan(pm.instance, plan) == []  # pools, funds of chosen projects, targets
    # The model's own pool rows count each chosen project's whole need.
    pr = plan.projects.set_index("project")
    ch = pr["chosen"].to_numpy(dtype=bool)
    act = pm.model.A @ sol.x
    for row, need, unit in (("land-total", pr["land_mu"], pm.units["land"]),
                            ("emissions-total:SO2", pr["SO2_t"], pm.units["SO2"])):
        block = pm.model.row_block(row)
        assert act[block.start] * unit == pytest.approx(float(need[ch].sum()), rel=1e-6, abs=1e-6)
    for t in plan.summary.targets:
        assert t.met, t


@SETTINGS
@given(portfolios(), st.data())
def test_removing_a_project_never_raises_the_optimum(data: dict[str, Any], draw: st.DataObject) -> None:
    k = draw.draw(st.integers(0, len(data["projects"]) - 1))
    got = optimum(data)
    assume(got is not None)
    assert got is not None
    full = float(got[1].objective) * got[0].obj_scale
    fewer = dict(data, projects=[p for j, p in enumerate(data["projects"]) if j != k])
    if not fewer["projects"]:
        return
    smaller = optimum(fewer)
    if smaller is None:
        return  # no plan without it: −∞ ≤ the optimum
    reduced = float(smaller[1].objective) * smaller[0].obj_scale
    assert reduced <= full + 1e-6 * max(1.0, abs(full))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(portfolios())
def test_mip_backends_agree(data: dict[str, Any]) -> None:
    got = optimum(data)
    assume(got is not None)
    assert got is not None
    ref = float(got[1].objective) * got[0].obj_scale
    backends = ["pulp-cbc", "ortools-scip"]
    if bool(got[0].model.integer.all()):  # CP-SAT takes integer-only models
        backends.append("ortools-cpsat")
    for backend in backends:
        other = optimum(data, backend)
        assert other is not None, backend
        value = float(other[1].objective) * other[0].obj_scale
        # each solver stops within a relative gap of 1e-6 of the optimum
        assert value == pytest.approx(ref, rel=2e-6, abs=1e-6), backend
