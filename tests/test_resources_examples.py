"""The emission, fund and portfolio examples: generated reproducibly, marked synthetic, every
rule cites its clause, they solve (every configured resource) and the backends agree; the
portfolio generator is feasible by construction at other sizes; plan sets write JSON, CSV
and Excel."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

from zoneopt import PlanSet, ResourcePlan, load, solve, solve_all
from zoneopt.examples.resources import example_data, portfolio_instance
from zoneopt.models.emissions import solve_emissions
from zoneopt.models.funds import solve_funds
from zoneopt.models.portfolio import check_plan, solve_portfolio
from zoneopt.resources import configured

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = {"emissions": ROOT / "instances" / "henan-etdz-45-emissions.json",
            "funds": ROOT / "instances" / "henan-etdz-45-funds.json",
            "portfolio": ROOT / "instances" / "henan-etdz-45-portfolio.json"}
ADDED = ("pools", "projects", "portfolio")


def _added(doc: dict[str, Any]) -> str:
    """What zoneopt.examples.resources adds to zoneopt.examples.zones's instance, as JSON text."""
    zones = [{k: z.get(k) for k in ("id", "requests", "meets_env_standards")}
             | {"reduction": z["metrics"].get("energy_reduction_tce")} for z in doc["zones"]]
    return json.dumps({"zones": zones, **{k: doc.get(k) for k in ADDED}, "rules": doc.get("rules")},
                      ensure_ascii=False, sort_keys=True)


@pytest.mark.parametrize("kind", list(EXAMPLES))
def test_example_regenerates(kind: str) -> None:
    """The committed file is what ``python -m zoneopt.examples.resources <kind>`` writes
    (compared on what the generator adds: pools, rules, projects, targets, zone requests)."""
    from zoneopt import Instance
    from zoneopt.examples.zones import to_json_text

    fresh = json.loads(to_json_text(Instance.from_dict(example_data(kind))))  # type: ignore[arg-type]
    committed = json.loads(EXAMPLES[kind].read_text(encoding="utf-8"))
    assert _added(fresh) == _added(committed), (
        f"regenerate with: python -m zoneopt.examples.resources {kind} --out {EXAMPLES[kind].relative_to(ROOT)}")


@pytest.mark.parametrize("kind", list(EXAMPLES))
def test_example_is_synthetic_cites_clauses_and_solves_every_resource(kind: str) -> None:
    inst = load(EXAMPLES[kind])
    assert inst.metadata.synthetic and inst.metadata.description.startswith("SYNTHETIC")
    rules = list(inst.rules) + list(inst.portfolio.rules)
    if inst.pools.emissions:
        rules += list(inst.pools.emissions.rules) + [r for p in inst.pools.emissions.pollutants.values()
                                                     for r in p.rules]
    if inst.pools.funds:
        rules += list(inst.pools.funds.rules)
    assert rules and all(r.source for r in rules), [r.id for r in rules if not r.source]
    plans = solve(inst)
    assert isinstance(plans, PlanSet)
    assert list(plans.plans) == list(configured(inst))
    assert plans.status == "optimal"
    assert kind in plans.plans


def test_portfolio_example_meets_its_targets() -> None:
    inst = load(EXAMPLES["portfolio"])
    assert len(inst.projects) == 300 and len(inst.zones) == 45
    plan = solve_portfolio(inst)
    assert check_plan(inst, plan) == []
    kinds = {t.rule: t.kind for t in plan.summary.targets}
    assert kinds == {"rev-1000yi": "count", "rev-500yi": "count", "leading-70": "share"}
    assert all(t.met for t in plan.summary.targets)
    z = plan.allocations
    assert int((z["revenue_after"] >= 1e7).sum()) >= next(t.required for t in plan.summary.targets
                                                          if t.rule == "rev-1000yi")


@pytest.mark.parametrize("backend", ["pulp-cbc", "ortools-scip", "ortools-cpsat"])
def test_mip_examples_agree_across_backends(backend: str) -> None:
    for path, solver in ((EXAMPLES["funds"], solve_funds), (EXAMPLES["portfolio"], solve_portfolio)):
        inst = load(path)
        ref = solver(inst).objective
        got = solver(inst, backend, time_limit=60).objective
        assert got == pytest.approx(ref, rel=2e-6), (path.name, backend)


@pytest.mark.parametrize("backend", ["pulp-cbc", "ortools-glop", "ortools-scip"])
def test_emission_example_agrees_across_backends(backend: str) -> None:
    inst = load(EXAMPLES["emissions"])
    assert solve_emissions(inst, backend).objective == pytest.approx(solve_emissions(inst).objective, rel=1e-7)


@pytest.mark.parametrize("seed", [1, 7])
def test_portfolio_generator_is_feasible_at_other_sizes(seed: int) -> None:
    """The generator re-checks its witness against the model; the solver then finds a plan."""
    inst = portfolio_instance(60, 400, seed=seed)
    plan = solve_portfolio(inst, time_limit=60, mip_gap=1e-4)
    assert plan.status == "optimal" and check_plan(inst, plan) == []


def test_plan_set_writes_json_csv_and_excel(tmp_path: Path) -> None:
    plans = solve_all(load(EXAMPLES["emissions"]))
    doc = json.loads(plans.to_json(tmp_path / "p.json"))
    assert doc["status"] == "optimal" and set(doc["objective"]) == {"land", "emissions"}
    em = doc["plans"]["emissions"]
    assert em["summary"]["resource"] == "emissions" and len(em["allocations"]) == 45
    assert {p["pool"] for p in em["summary"]["pools"]} == {"SO2", "NOx", "COD", "NH3-N", "VOCs", "PM"}
    assert isinstance(em["allocations"][0]["binding_rules"], list)
    plans.write(tmp_path / "p.csv")
    table = pd.read_csv(tmp_path / "p.csv", encoding="utf-8-sig")
    assert {"land_mu", "SO2_t", "NOx_t"} <= set(table.columns) and len(table) == 45
    plans.write(tmp_path / "p.xlsx")
    sheets = openpyxl.load_workbook(tmp_path / "p.xlsx").sheetnames
    assert {"zones", "land-summary", "emissions-summary", "emissions-pools", "emissions-allocations"} <= set(sheets)
    pf = solve_all(load(EXAMPLES["portfolio"]))["portfolio"]
    assert isinstance(pf, ResourcePlan)
    pf.write(tmp_path / "pf.xlsx")
    assert {"projects", "targets"} <= set(openpyxl.load_workbook(tmp_path / "pf.xlsx").sheetnames)
    rec = json.loads(pf.to_json())
    assert len(rec["projects"]) == 300
    assert rec["summary"]["projects_chosen"] == sum(p["chosen"] for p in rec["projects"])


def test_project_sectors_are_sectors() -> None:
    """A project's sector is an industry (a sector of the zones or an emerging field), never a
    zone's other tags (corridor, approved-2020); a project in its zone's sector is leading."""
    from zoneopt.data.requests import EMERGING_FIELDS_2017
    from zoneopt.examples.zones import SECTORS

    data = json.loads(EXAMPLES["portfolio"].read_text(encoding="utf-8"))
    sectors = {p["sector"] for p in data["projects"]}
    assert sectors <= set(SECTORS) | set(EMERGING_FIELDS_2017)
    tags = {z["id"]: set(z.get("tags", ())) for z in data["zones"]}
    assert all(p["sector"] in tags[p["zone"]] for p in data["projects"] if p["leading"])
