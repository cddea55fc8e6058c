"""The checking verbs on every resource, not only land: ``validate`` builds each configured
model (land, emission allowances, funds, the portfolio) and names the resource in its errors;
``diagnose`` finds conflicting rules of emission, fund and portfolio plans in t, money and
zones; ``schema --plan-set`` describes what ``solve --out`` writes for several resources.

The small instances here are computed by hand (the reasoning in each docstring); the other
resource verbs' tests (explain, report, compare) import them."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from cli_runner import run, write
from test_portfolio import five as portfolio_five

from zoneopt import Instance, load
from zoneopt.analysis.diagnose import diagnose_resource
from zoneopt.errors import InfeasibleError, InstanceError
from zoneopt.resources import build_resource_model, build_resource_models

ROOT = Path(__file__).resolve().parents[1]
EMISSIONS = ROOT / "instances" / "henan-etdz-45-emissions.json"
FUNDS = ROOT / "instances" / "henan-etdz-45-funds.json"
PORTFOLIO = ROOT / "instances" / "henan-etdz-45-portfolio.json"


# -- hand-computed instances ---------------------------------------------------------------------

def _ez(zid: str, city: str, reduction: float, so2: float, nox: float, **extra: Any) -> dict[str, Any]:
    z: dict[str, Any] = {"id": zid, "name": f"{zid}区", "city": city, "land_area_mu": 1000.0,
                         "metrics": {"energy_reduction_tce": reduction},
                         "requests": {"emissions_t": {"SO2": so2, "NOx": nox}}}
    z.update(extra)
    return z


def emissions4() -> dict[str, Any]:
    """Four zones with energy-stock reductions (tce/yr) a 50, b 30, c 10, d 80; d fails the
    environmental standards and is excluded (rule ``env``); each zone capped at its request
    (rule ``req``). Priority objective Σ_k Σ_i w_i x_ik / Q_k.

    SO2 (pool 100 t, requests 30/40/50/50): by reduction among a, b, c: a 30, b 40, c the
    remaining 30. NOx (pool 60 t, requests 10/40/50/50): a 10, b 40, c 10. Objective
    (50·30 + 30·40 + 10·30)/100 + (50·10 + 30·40 + 10·10)/60 = 30 + 30 = 60.
    Shadow prices (objective per t): each pool is worth c's weight over the pool, SO2
    10/100 = 0.1, NOx 10/60; a's SO2 request cap (50 − 10)/100 = 0.4, b's (30 − 10)/100 = 0.2;
    d's SO2 exclusion (80 − 10)/100 = 0.7."""
    return {"name": "emissions4", "metadata": {"synthetic": True}, "zones": [
        _ez("a", "P", 50, 30, 10), _ez("b", "P", 30, 40, 40), _ez("c", "Q", 10, 50, 50, meets_env_standards=True),
        _ez("d", "Q", 80, 50, 50, meets_env_standards=False)],
        "pools": {"emissions": {
            "pollutants": {"SO2": {"total_t": 100}, "NOx": {"total_t": 60}},
            "rules": [{"id": "req", "type": "request_cap", "source": "2017 §六(一)"},
                      {"id": "env", "type": "exclude", "select": {"meets_env_standards": False},
                       "source": "2017 §十(四)"}]}}}


def _fz(zid: str, city: str, amount: float, investment: float, tax: float, score: float,
        **extra: Any) -> dict[str, Any]:
    z: dict[str, Any] = {"id": zid, "name": f"{zid}区", "city": city, "land_area_mu": 1000.0, "score": score,
                         "requests": {"funds": {"amount": amount, "investment": investment, "expected_tax": tax}}}
    z.update(extra)
    return z


def funds4() -> dict[str, Any]:
    """Budget 1,000 万元; requests (amount, investment): a (400, 4000), b (500, 2500),
    c (300, 3000), d (200, 1000), d in biomedicine (an emerging field, priority 1.2). Rules:
    request caps; leverage fund ≤ 0.15 × investment (a ≤ 600, b ≤ 375, c ≤ 450, d ≤ 150);
    city R (b alone) gets at least 300. Objective leverage: investment per 万元 × priority,
    a 10, b 5, c 10, d 5·1.2 = 6.

    b takes its floor 300; the other 700 go by weight: a 400, c 300 (their requests), d
    nothing: 400·10 + 300·5 + 300·10 = 8,500 万元 of investment co-financed. The budget's
    price is the best weight left unserved, d's 6; a's and c's request caps are worth
    10 − 6 = 4; R's floor costs 6 − 5 = 1 per 万元 (price −1)."""
    pool: dict[str, Any] = {"budget": 1000, "emerging_priority": 1.2, "rules": [
        {"id": "req", "type": "request_cap", "source": "2017 §十(三)"},
        {"id": "leverage", "type": "leverage_cap", "alpha": 0.15, "source": "2022 第三章 专栏二"},
        {"id": "floor-r", "type": "group_bounds", "by": "city", "floor": {"R": 300}, "source": "2022 第三章"}]}
    return {"name": "funds4", "metadata": {"synthetic": True},
            "zones": [_fz("a", "P", 400, 4000, 200, 80), _fz("b", "R", 500, 2500, 300, 60),
                      _fz("c", "Q", 300, 3000, 90, 90), _fz("d", "Q", 200, 1000, 100, 70, tags=["biomedicine"])],
            "pools": {"funds": pool}}


def five() -> dict[str, Any]:
    """The hand-checked portfolio of ``tests/test_portfolio.py`` (its docstring has the
    reasoning: the optimum is p1, p3, p4, tax 58; p2 and p5 are left out because either would
    exceed the SO2 pool, and p2 also the fund budget), with names and marked synthetic."""
    data = portfolio_five()
    data["metadata"] = {"synthetic": True}
    for z in data["zones"]:
        z["name"] = f"{z['id']}区"
    for project in data["projects"]:
        project["name"] = f"项目{project['id']}"
    return data


# -- validate --------------------------------------------------------------------------------------

@pytest.mark.parametrize("path, lines", [
    (EMISSIONS, ["land model 362 variables × 309 rows (MIP)",
                 "emissions model 414 variables × 472 rows (LP), 6 pollutant(s): SO2, NOx, COD, NH3-N, VOCs, PM"]),
    (FUNDS, ["land model 362 variables × 309 rows (MIP)", "funds model 270 variables × 229 rows (MIP), tranche 500"]),
    (PORTFOLIO, ["portfolio model 306 variables × 384 rows (MIP), 300 projects, 2 count target(s)"]),
])
def test_validate_reports_every_resource_model(path: Path, lines: list[str]) -> None:
    """The sizes are those of the built models. Land (the defensible setup): 45 allocations, 2
    tilt levels, 45 lot binaries, 90 deviations from the tiered target, 4 × 45 diminishing
    segments. Emissions: 6 pollutants × 45 = 270 allowances and 6 × 2 × 12 deviations from the
    tiered target of the 12 zones not served first (33 cut energy stock). Funds: 45 allocations, 45 lot binaries, 4 × 45
    segments. Portfolio: 300 project choices + 6 count indicators (the zones closest below each threshold)."""
    code, out, err = run("validate", str(path), "--lang", "en")
    assert code == 0, err
    head, *rest = out.splitlines()
    inst = load(path)
    names = ", ".join(build_resource_models(inst))
    assert head.startswith(f"ok: {path}: 45 zones") and f"resources: {names}" in head
    for line in lines:
        assert any(r.strip().startswith(line) for r in rest), (line, out)
    models = build_resource_models(inst)
    for rm in models.values():
        assert rm.model is not None
        assert f"{rm.model.num_vars} variables × {rm.model.num_rows} rows" in out


def test_validate_small_hand_instances(tmp_path: Path) -> None:
    """Emissions: 2 × 4 variables; 2 pools + 2 × (4 request caps + 1 exclusion) rows."""
    for make, want in ((emissions4, "emissions model 8 variables × 12 rows (LP)"),
                       (funds4, "funds model 4 variables × 10 rows (LP)"),
                       (five, "portfolio model 7 variables × 7 rows (MIP)")):
        code, out, err = run("validate", str(write(tmp_path, make())))
        assert code == 0 and want in out, (make.__name__, out, err)


def test_validate_names_the_resource_in_its_error(tmp_path: Path) -> None:
    """Zone c lacks the energy-stock reduction the emission objective weighs by."""
    data = emissions4()
    del data["zones"][2]["metrics"]["energy_reduction_tce"]
    code, out, err = run("validate", str(write(tmp_path, data)))
    assert code == 2 and out == ""
    assert "emissions model" in err and "zones[2].metrics.energy_reduction_tce" in err and "'c'" in err
    with pytest.raises(InstanceError, match="^emissions model: "):
        build_resource_model(Instance.from_dict(data), "emissions")


def test_validate_names_the_fund_resource_and_the_scenario(tmp_path: Path) -> None:
    """A scenario replacing the fund pool with a tax objective needs each requesting zone's
    expected tax; zone a gives none."""
    data = funds4()
    del data["zones"][0]["requests"]["funds"]["expected_tax"]
    code, _, err = run("validate", str(write(tmp_path, data)))
    assert code == 0, err  # the leverage objective does not read expected tax
    pool = copy.deepcopy(data["pools"]["funds"])
    pool["objective"] = {"kind": "tax"}
    data["scenarios"] = [{"id": "by-tax", "pools": {"funds": pool}}]
    code, out, err = run("validate", str(write(tmp_path, data)))
    assert code == 2 and out == ""
    assert "scenario 'by-tax'" in err and "funds model" in err and "zones[0].requests.funds.expected_tax" in err


def test_validate_zsg_dea_checks_its_data(tmp_path: Path) -> None:
    data = emissions4()
    for z in data["zones"]:
        z["metrics"].update(energy_tce=100.0, value_added=1000.0, emissions_t={"SO2": 10.0, "NOx": 5.0})
    data["pools"]["emissions"]["objective"] = {"kind": "zsg_dea"}
    code, out, err = run("validate", str(write(tmp_path, data)))
    assert code == 0 and "ZSG-DEA reallocation of 2 pollutant(s)" in out, err
    del data["zones"][3]["metrics"]["emissions_t"]["NOx"]
    code, out, err = run("validate", str(write(tmp_path, data)))
    assert code == 2 and "emissions model" in err and "zones[3].metrics.emissions_t.NOx" in err


def test_validate_unreachable_count_target_exits_3(tmp_path: Path) -> None:
    data = five()
    data["portfolio"]["rules"][0]["at_least"] = 4  # only 3 zones exist
    code, out, err = run("validate", str(write(tmp_path, data)))
    assert code == 3 and "`rev-1000`" in err and "needs 4 zones" in err


# -- diagnose ------------------------------------------------------------------------------------

def test_diagnose_emissions_in_tonnes(tmp_path: Path) -> None:
    """c asks for 50 t of SO2 but a rule sets its SO2 floor at 60 t: the request cap and the
    floor conflict by 10 t; either moves by 10 t (the cap of c's SO2 row up, or the floor
    down). NOx has no conflict."""
    data = emissions4()
    data["pools"]["emissions"]["pollutants"]["SO2"]["rules"] = [
        {"id": "so2-floor-c", "type": "zone_bounds", "select": {"zones": ["c"]}, "floor": 60, "source": "key project"}]
    code, out, err = run("diagnose", str(write(tmp_path, data)))
    assert code == 3 and err == ""
    assert "emissions model: 8 variables × 13 rows (LP)" in out
    assert ("infeasible: rules `req` (2017 §六(一)) and `so2-floor-c` (key project) cannot both hold: "
            "short by 10 t;") in out
    assert "raise cap `req` by 10 t" in out and "c (SO2): upper bound 50 → 60 t" in out
    assert "lower floor `so2-floor-c` by 10 t" in out and "c (SO2): lower bound 60 → 50 t" in out
    rm = build_resource_model(Instance.from_dict(data), "emissions")
    d = diagnose_resource(rm)
    assert d is not None and d.rule_ids == ("req", "so2-floor-c") and d.unit == "t"
    from zoneopt.core import solve
    for r in d.relaxations:  # each relaxation, applied, makes the model feasible
        assert rm.model is not None
        assert solve(r.apply(rm.model)).status.has_solution


def test_diagnose_funds_in_money(tmp_path: Path) -> None:
    """City R's floor raised to 450 万元, but b (R's only zone) may get at most 0.15 × 2,500 =
    375 by the leverage cap: short by 75 万元."""
    data = funds4()
    data["pools"]["funds"]["rules"][2]["floor"] = {"R": 450}
    code, out, err = run("diagnose", str(write(tmp_path, data)))
    assert code == 3 and err == ""
    assert "funds model: 4 variables × 10 rows (LP)" in out
    # money as the display says it (funds4 in 万元, English: "wan yuan", to 0.1)
    assert "`floor-r` (2022 第三章) and `leverage` (2022 第三章 专栏二) cannot both hold: short by 75.0 wan yuan" in out
    assert "R: lower bound 450.0 → 375.0 wan yuan" in out and "b: upper bound 375.0 → 450.0 wan yuan" in out


def test_diagnose_portfolio_count_target_against_the_land_pool(tmp_path: Path) -> None:
    """Land pool 90 mu: a needs p1 (100 mu) and b p3 (120 mu) to reach 1,000, so only c
    reaches it. The least changes: the count target one zone lower (need 1 → 0 more zones
    besides c), or the land pool 10 mu larger (p1 fits)."""
    data = five()
    data["pools"]["land"]["total_mu"] = 90
    code, out, err = run("diagnose", str(write(tmp_path, data)))
    assert code == 3 and err == ""
    assert "rules `land-total` (2017 §六(一)) and `rev-1000` (2022 专栏一) cannot both hold" in out
    assert "lower floor `rev-1000` by 1 zones" in out and "count: lower bound 1 → 0 zones" in out
    assert "raise cap `land-total` by 10 mu" in out and "total: upper bound 90 → 100 mu" in out
    d = diagnose_resource(Instance.from_dict(data), "portfolio")
    assert d is not None and d.shortfall is None  # zones and mu do not add up
    assert {r.rule: r.unit for r in d.relaxations} == {"rev-1000": "zones", "land-total": "mu"}


def test_diagnose_portfolio_emission_pool_in_tonnes(tmp_path: Path) -> None:
    """SO2 pool 4 t: every project that lets a or b reach 1,000 needs at least 5 t (p1) or
    6 t (p3): raising the SO2 pool by 1 t restores feasibility."""
    data = five()
    data["pools"]["emissions"]["pollutants"]["SO2"]["total_t"] = 4
    code, out, _ = run("diagnose", str(write(tmp_path, data)))
    assert code == 3 and "raise cap `emissions-total:SO2` by 1 t" in out


def test_diagnose_unreachable_count_target_exits_3_on_stdout(tmp_path: Path) -> None:
    data = five()
    data["portfolio"]["rules"][0]["at_least"] = 4
    code, out, err = run("diagnose", str(write(tmp_path, data)))
    assert code == 3 and err == ""
    assert "portfolio model: not built" in out and "count target `rev-1000` (2022 专栏一) needs 4 zones" in out
    with pytest.raises(InfeasibleError):
        diagnose_resource(Instance.from_dict(data), "portfolio")


@pytest.mark.parametrize("path, resources", [(EMISSIONS, ["land", "emissions"]), (FUNDS, ["land", "funds"]),
                                             (PORTFOLIO, ["portfolio"])])
def test_diagnose_bundled_examples_are_feasible(path: Path, resources: list[str]) -> None:
    code, out, err = run("diagnose", str(path), "--lang", "en")
    assert code == 0, err
    assert out.count("feasible: no conflict") == len(resources)
    for r in resources:
        assert f"\n{r} model: " in out
    if len(resources) > 1:
        assert out.rstrip().endswith("summary: " + " · ".join(f"{r} feasible" for r in resources))


def test_diagnose_one_infeasible_resource_of_two(tmp_path: Path) -> None:
    """The emission example with NOx's pool cut below a zone's NOx lock: land stays feasible,
    emissions do not, exit 3."""
    data = json.loads(EMISSIONS.read_text(encoding="utf-8"))
    data["scenarios"] = []
    nox = data["pools"]["emissions"]["pollutants"]["NOx"]
    nox["rules"] = [*nox["rules"], {"id": "nox-floor", "type": "zone_bounds", "select": {}, "floor": 40.0}]
    code, out, err = run("diagnose", str(write(tmp_path, data)), "--lang", "en")
    assert code == 3 and err == ""
    assert "summary: land feasible · emissions infeasible" in out
    assert "`nox-floor`" in out and " t" in out.split("infeasible:")[1]


# -- schema --plan-set ---------------------------------------------------------------------------

def _check(doc: Any, schema: dict[str, Any], defs: dict[str, Any]) -> None:
    """A small JSON Schema check (what pydantic's schemas use: $ref, anyOf, type, properties,
    required, additionalProperties, items): raises AssertionError where ``doc`` does not fit."""
    if "$ref" in schema:
        _check(doc, defs[schema["$ref"].rsplit("/", 1)[1]], defs)
        return
    if "anyOf" in schema:
        errors = []
        for option in schema["anyOf"]:
            try:
                _check(doc, option, defs)
                return
            except AssertionError as exc:
                errors.append(str(exc))
        raise AssertionError(f"no anyOf option fits: {errors}")
    kind = schema.get("type")
    types = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}
    if kind in types:
        assert isinstance(doc, types[kind]), (kind, doc)
    elif kind in ("number", "integer"):
        assert isinstance(doc, (int, float)) and not isinstance(doc, bool), (kind, doc)
    if isinstance(doc, dict):
        props = schema.get("properties", {})
        for key in schema.get("required", []):
            assert key in doc, f"missing {key}"
        extra = schema.get("additionalProperties", True)
        for key, value in doc.items():
            if key in props:
                _check(value, props[key], defs)
            elif extra is False:
                raise AssertionError(f"unexpected key {key}")
            elif isinstance(extra, dict):
                _check(value, extra, defs)
    if isinstance(doc, list) and "items" in schema:
        for item in doc:
            _check(item, schema["items"], defs)


@pytest.mark.parametrize("make", [emissions4, funds4, five])
def test_schema_plan_set_describes_what_solve_writes(tmp_path: Path, make: Any) -> None:
    code, out, _ = run("schema", "--plan-set")
    assert code == 0
    schema = json.loads(out)
    assert schema["title"] == "PlanSetRecord" and {"status", "objective", "plans"} <= set(schema["required"])
    assert {"PlanRecord", "ResourcePlanRecord"} <= set(schema["$defs"])
    target = tmp_path / "plan.json"
    code, _, err = run("solve", str(write(tmp_path, make())), "--out", str(target))
    assert code == 0, err
    doc = json.loads(target.read_text(encoding="utf-8"))
    _check(doc, schema, schema["$defs"])
    bad = copy.deepcopy(doc)
    next(iter(bad["plans"].values()))["summary"]["surprise"] = 1
    with pytest.raises(AssertionError):
        _check(bad, schema, schema["$defs"])


def test_schema_plan_and_plan_set_are_exclusive_and_documented(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("schema", "--plan", "--plan-set")[0] == 2
    capsys.readouterr()
    assert run("schema", "--help")[0] == 0
    text = capsys.readouterr().out
    assert "--plan-set" in text and "PlanSetRecord" in text and "ResourcePlanRecord" in text
    code, out, _ = run("schema", "--plan")
    assert code == 0 and json.loads(out)["title"] == "PlanRecord"


def test_solve_gives_the_portfolio_diagnosis_in_each_rows_unit(tmp_path: Path) -> None:
    """The same conflict as above through ``solve``: zones for the count target, mu for the
    land pool, never one sum across them, and the error carries the diagnosis."""
    from zoneopt import solve
    from zoneopt.errors import InfeasibleError

    data = five()
    data["pools"]["land"]["total_mu"] = 90
    with pytest.raises(InfeasibleError) as info:
        solve(Instance.from_dict(data))
    text = str(info.value)
    assert "lowering `rev-1000` by 1 zones" in text and "raising `land-total` by 10 mu" in text
    assert "short by" not in text
    assert info.value.diagnosis is not None and set(info.value.diagnosis.rule_ids) == {"land-total", "rev-1000"}
    code, _, err = run("solve", str(write(tmp_path, data)))
    assert code == 3 and "by 10 mu" in err
