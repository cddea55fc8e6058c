"""Every rule type and objective of issue 11 through every verb: ``validate``, ``solve``,
``diagnose``, ``explain``, ``compare``, ``report``, ``stability`` and the plan over years
(``plan-years``), run in-process through the command line's ``main`` (tests/cli_runner.py).

Four small instances cover them between them, each on land, emission allowances and funds at
once (the rules of one instance hold together; an objective is one per resource):

* ``rules``: every new rule type on land — minimum lot, floor as a share of the request, strict
  tilt by grade, a cap, a lock and a city cap as shares of the pool — under a blend of the
  tiered target and efficiency with diminishing returns; emissions: tiered with a lot and a
  request floor; funds: proportional fairness with a lot;
* ``fair``: proportional fairness on land and emissions, diminishing returns on the funds'
  leverage, with a request floor;
* ``lex``: the lexicographic priority on land, emissions and funds;
* ``l2``: the tiered target in L2 on land, emissions and funds.

The plan over years takes every rule type and every objective but two, which it refuses with
an error naming the setting (exit 2): a lexicographic objective (its stages are one solve each)
and the tiered target in L2 (the stacked objective is linear); both say so in
``models/land-quota.md``.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from cli_runner import run, write
from land_cases import zone

from zoneopt import Instance


def base() -> dict[str, Any]:
    """graded4's zones (tests/allocation_cases.py) asking land, SO2 and funds; a scenario that
    cuts the land pool by 20 % (for compare) and two plan years."""
    zones = [zone("a", "P", 1000, 50000, score=90, request=300, grade="A"),
             zone("b", "P", 2000, 60000, score=70, request=500, grade="B"),
             zone("c", "Q", 500, 10000, score=60, request=400, grade="C"),
             zone("d", "Q", 800, 4000, score=40, request=200, grade="D")]
    for z, reduction, amount in zip(zones, (100.0, 50.0, 0.0, 20.0), (400.0, 500.0, 300.0, 200.0), strict=True):
        z["metrics"]["energy_reduction_tce"] = reduction
        z["requests"]["emissions_t"] = {"SO2": 10.0}
        z["requests"]["funds"] = {"amount": amount, "investment": 5.0 * amount, "expected_tax": 0.2 * amount}
    return {"name": "issue-11", "zones": zones,
            "pools": {"land": {"total_mu": 800},
                      "emissions": {"pollutants": {"SO2": {"total_t": 25.0}},
                                    "rules": [{"id": "em-req", "type": "request_cap", "source": "2017 §六(一)"}]},
                      "funds": {"budget": 1000.0,
                                "rules": [{"id": "f-req", "type": "request_cap", "source": "2017 §十(三)"}]}},
            "rules": [{"id": "req", "type": "request_cap", "source": "2017 §十(二)"}],
            "scenarios": [{"id": "cut", "pools": {"land": {"total_mu": 640}}}],
            "periods": {"years": [2024, 2025]}}


def rules_instance() -> dict[str, Any]:
    d = base()
    d["rules"] += [
        {"id": "lot", "type": "min_lot", "lot_mu": 30},
        {"id": "a-floor", "type": "request_floor", "share": 0.3, "select": {"grades": ["A"]}},
        {"id": "strict", "type": "tilt", "by": "grade", "margin": 0.25},
        {"id": "cap40", "type": "zone_bounds", "cap_share": 0.4},
        {"id": "lock-c", "type": "lock", "shares": {"c": 0.05}},
        {"id": "p-share", "type": "group_bounds", "by": "city", "groups": ["P"], "cap_share": 0.7}]
    d["objective"] = {"kind": "blend", "blend": {"tiered": 1.0, "efficiency": 0.5}, "diminishing": {}}
    em = d["pools"]["emissions"]
    em["objective"] = {"kind": "tiered", "tiers": {"by": "score"}}
    em["rules"] += [{"id": "em-lot", "type": "min_lot", "lot": 4.0},
                    {"id": "em-floor", "type": "request_floor", "share": 0.2}]
    d["pools"]["funds"]["objective"] = {"kind": "fairness"}
    d["pools"]["funds"]["rules"].append({"id": "f-lot", "type": "min_lot", "lot": 100.0})
    return d


def fair_instance() -> dict[str, Any]:
    d = base()
    d["objective"] = {"kind": "fairness"}
    d["pools"]["emissions"]["objective"] = {"kind": "fairness"}
    d["pools"]["funds"]["objective"] = {"kind": "leverage", "diminishing": {"breakpoints": [0.5],
                                                                           "factors": [1.0, 0.5]}}
    d["pools"]["funds"]["rules"].append({"id": "f-floor", "type": "request_floor", "share": 0.2})
    return d


def lex_instance() -> dict[str, Any]:
    d = base()
    d["objective"] = {"kind": "lexicographic", "priority": {"measure": "score", "above": 65},
                      "tiers": {"by": "score"}}
    d["pools"]["emissions"]["objective"] = {"kind": "lexicographic", "tiers": {"by": "score"}}
    d["pools"]["funds"]["objective"] = {"kind": "lexicographic", "priority": {"measure": "score", "above": 65}}
    return d


def l2_instance() -> dict[str, Any]:
    d = base()
    d["rules"].append({"id": "p-cap", "type": "group_bounds", "by": "city", "groups": ["P"], "cap_mu": 500})
    d["objective"] = {"kind": "tiered", "tiers": {"norm": "l2"}}
    d["pools"]["emissions"]["objective"] = {"kind": "tiered", "tiers": {"by": "score", "norm": "l2"}}
    d["pools"]["funds"]["objective"] = {"kind": "tiered", "tiers": {"norm": "l2"}}
    return d


INSTANCES = {"rules": rules_instance, "fair": fair_instance, "lex": lex_instance, "l2": l2_instance}
REFUSED_OVER_YEARS = {"lex": r"objective\.kind: a lexicographic objective",
                      "l2": r"objective\.tiers\.norm: the plan over years"}


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("issue11")
    return {name: write(tmp, make(), f"{name}.json") for name, make in INSTANCES.items()}


def _ok(code: int, out: str, err: str) -> None:
    assert code == 0, err
    assert "error" not in err.lower(), err


@pytest.mark.parametrize("name", list(INSTANCES))
def test_validate_solve_diagnose_explain_and_compare(name: str, files: dict[str, Path]) -> None:
    path = str(files[name])
    _ok(*run("validate", path))
    code, out, err = run("solve", path)
    _ok(code, out, err)
    for title in ("land", "SO2", "funds"):
        assert title in out
    _ok(*run("diagnose", path))
    code, out, err = run("explain", path, "c")
    _ok(code, out, err)
    assert "emissions:SO2" in out and "funds" in out
    code, out, err = run("compare", path)
    _ok(code, out, err)
    assert "cut" in out


@pytest.mark.parametrize("name", list(INSTANCES))
def test_report_and_stability(name: str, files: dict[str, Path], tmp_path: Path) -> None:
    # the charts (matplotlib) once: they draw whatever the sections hold, and take most of the time
    fmt = "md" if name == "rules" else "xlsx"
    _ok(*run("report", str(files[name]), "--out", str(tmp_path / "report"), "--points", "2",
             "--factors", "0.9,1.1", "--format", fmt))
    assert (tmp_path / "report" / f"report.{fmt}").is_file()
    _ok(*run("stability", str(files[name]), "--k", "0.02", "--zones", "a,c"))


@pytest.mark.parametrize("name", list(INSTANCES))
def test_the_plan_over_years(name: str, files: dict[str, Path]) -> None:
    code, out, err = run("plan-years", str(files[name]))
    if name in REFUSED_OVER_YEARS:
        assert code == 2
        assert err.count("\n") == 1  # one line
        import re
        assert re.search(REFUSED_OVER_YEARS[name], err), err
        return
    _ok(code, out, err)
    assert "2024" in out and "2025" in out


def test_the_plan_over_years_takes_every_emission_objective_but_the_stages(files: dict[str, Path],
                                                                           tmp_path: Path) -> None:
    """Before issue 11's objectives the plan over years refused any emission objective but the
    weighted priority, naming the DEA formula; tiered and fairness are models and are planned."""
    data = json.loads(files["rules"].read_text(encoding="utf-8"))
    for objective in ({"kind": "tiered", "tiers": {"by": "score"}}, {"kind": "fairness"}):
        variant = copy.deepcopy(data)
        variant["pools"]["emissions"]["objective"] = objective
        _ok(*run("plan-years", str(write(tmp_path, variant, "em.json"))))
    variant = copy.deepcopy(data)
    variant["pools"]["emissions"]["objective"] = {"kind": "zsg_dea"}
    code, _, err = run("plan-years", str(write(tmp_path, variant, "dea.json")))
    assert code == 2 and "zero-sum-gains DEA" in err


def test_the_instances_use_what_they_say() -> None:
    inst = Instance.from_dict(rules_instance())
    types = {r.type for r in inst.rules}
    assert {"min_lot", "request_floor", "tilt", "zone_bounds", "lock", "group_bounds"} <= types
    assert Instance.from_dict(l2_instance()).objective.tiers.norm == "l2"  # type: ignore[union-attr]
