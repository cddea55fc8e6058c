"""Assumptions named: a rule whose number is not in its cited clause says ``"assumption":
true``, and every output that shows the rule's source marks it (the plans' bindings of every
resource, the report); a rule that cites no source draws a presolve warning naming it (not an
error), in the plan's warnings and from ``validate``; instances that never mention the field
are written as before."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cli_runner import run, write
from land_cases import small4
from workbook_cases import all_tables

from zoneopt import Instance, solve_land
from zoneopt.models.presolve import presolve_checks
from zoneopt.resources import solve_instance


def _bound_sources(plan: Any) -> dict[str, str | None]:
    return dict(zip(plan.bindings["rule"], plan.bindings["source"], strict=True))


def test_a_rule_says_whether_its_number_is_an_assumption() -> None:
    inst = Instance.from_dict(all_tables())
    rules = {r.id: r for r in inst.rules}
    assert rules["city-caps"].assumption is True and rules["city-caps"].cited == "2017 §六(二) (assumption)"
    assert rules["req"].assumption is None and rules["req"].cited == "2017 §六(一)"
    data = small4()
    data["rules"][0] = {"id": "req", "type": "request_cap", "assumption": True}
    assert Instance.from_dict(data).rules[0].cited == "assumption"


def test_bindings_of_every_resource_mark_assumptions() -> None:
    plans = solve_instance(Instance.from_dict(all_tables())).plans  # type: ignore[union-attr]
    assert _bound_sources(plans["land"])["city-caps"] == "2017 §六(二) (assumption)"
    assert _bound_sources(plans["land"])["req"] == "2017 §六(一)"
    assert _bound_sources(plans["emissions"])["nox-cap"] == "2017 §六(一) (assumption)"


def test_the_report_marks_assumptions() -> None:
    from zoneopt.report import build_report

    data = small4()
    data["rules"][0]["assumption"] = True  # the request cap binds for a and b
    report = build_report(Instance.from_dict(data), rule_costs=False, charts=False)
    bindings = report.tables["land-bindings"]
    assert set(bindings.loc[bindings["rule"] == "req", "source"]) == {"2017 §六(一) (assumption)"}
    assert "2017 §六(一) (assumption)" in report.markdown()


def test_instances_that_never_mention_it_dump_as_before() -> None:
    from zoneopt.examples.zones import to_json_text

    assert '"assumption"' not in to_json_text(Instance.from_dict(small4()))


def test_a_rule_without_a_source_is_a_warning_naming_it() -> None:
    data = all_tables()
    data["rules"].append({"id": "no-src", "type": "zone_bounds", "cap_mu": 900})
    data["pools"]["funds"]["rules"].append({"id": "fund-no-src", "type": "zone_bounds", "cap": 900})
    data["scenarios"][0]["rules"][0].pop("source")  # checked in the instance the scenario makes
    inst = Instance.from_dict(data)
    found = [f for f in presolve_checks(inst) if f.code == "rule-without-source"]
    assert [(f.rule, f.field, f.severity) for f in found] == [  # in the instance's field order
        ("fund-no-src", "pools.funds.rules[2].source", "warning"), ("no-src", "rules[4].source", "warning")]
    assert found[1].message.startswith("rule 'no-src' cites no source: give the policy clause")
    warnings = solve_land(inst).summary.warnings
    assert any("'no-src' cites no source" in w for w in warnings)


def test_validate_prints_the_warning_once_and_for_a_scenario(tmp_path: Path) -> None:
    data = all_tables()
    data["rules"].append({"id": "no-src", "type": "zone_bounds", "cap_mu": 900})
    data["scenarios"][0]["rules"][0].pop("source")
    code, out, err = run("validate", str(write(tmp_path, data)))
    assert code == 0, err
    lines = out.splitlines()
    assert sum("'no-src' cites no source" in line for line in lines) == 1
    assert [line for line in lines if "'a-cap' cites no source" in line] == [
        "warning: [scenario tight] rule 'a-cap' cites no source: give the policy clause it carries (\"source\"), "
        "and \"assumption\": true if its number is not in that clause"]


def test_an_assumption_without_a_clause_is_named_as_such() -> None:
    data = small4()
    data["rules"][2] = {**data["rules"][2], "assumption": True}
    data["rules"][2].pop("source")
    found = [f for f in presolve_checks(Instance.from_dict(data)) if f.code == "rule-without-source"]
    assert len(found) == 1 and "rule 'q-floor' is an assumption that cites no clause" in found[0].message


def test_the_bundled_example_marks_its_assumptions_in_solve_and_explain() -> None:
    """The bundled example's assumed numbers (the grade margin, the lot, the shares, the lock)
    are marked where solve prints its binding rules and where explain names a zone's rules."""
    example = Path(__file__).resolve().parents[1] / "instances" / "henan-etdz-45.json"
    code, out, err = run("solve", str(example), "--lang", "en")
    assert code == 0, err
    assert "tilt-grade (2017 §六(一) (assumption))" in out
    assert "land-total (2017 §六(一)):" in out  # the pool's clause states it: no mark
    code, out, err = run("explain", str(example), "mengjin", "--lang", "en")
    assert code == 0, err
    assert "min-lot (2022 第七章第四节 (assumption))" in out and "tilt-grade (2017 §六(一) (assumption))" in out
