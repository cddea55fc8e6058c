"""``python -m zoneopt diagnose``: exit codes 0 (feasible), 3 (infeasible, diagnosis on stdout),
2 (invalid input), its --help, and the diagnosis in ``solve``'s error line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cli_runner import run, write
from land_cases import ROOT, SMALL, small4


def conflicting() -> dict[str, Any]:
    """small-4 with b locked at 550 mu, above its request of 500 (see test_diagnose)."""
    data = small4()
    data["rules"].append({"id": "lock-b", "type": "lock", "values_mu": {"b": 550}, "source": "key project",
                          "note": "a provincial key project"})
    return data


def test_feasible_exits_0() -> None:
    code, out, err = run("diagnose", str(SMALL))
    assert code == 0 and err == ""
    assert "zoneopt diagnose · small-4 · SYNTHETIC data" in out
    assert out.rstrip().endswith("feasible: no conflict")


def test_infeasible_exits_3_with_the_rules_and_relaxations_on_stdout(tmp_path: Path) -> None:
    code, out, err = run("diagnose", str(write(tmp_path, conflicting())))
    assert code == 3 and err == ""
    assert ("infeasible: rules `req` (2017 §六(一)) and `lock-b` (key project) cannot both hold: "
            "short by 50 mu;") in out
    rules = out.split("conflicting rules")[1].split("smallest relaxations")[0]
    assert "req     request_cap  2017 §六(一)  no zone gets more than it asked for" in rules
    assert "lock-b  lock         key project  a provincial key project" in rules
    assert "no-d" not in rules and "q-floor" not in rules
    relax = out.split("smallest relaxations")[1]
    assert "raise cap `req` by 50 mu" in relax and "b: upper bound 500 → 550 mu" in relax
    assert "lower floor `lock-b` by 50 mu" in relax and "b: lower bound 550 → 500 mu" in relax


def test_backend_option(tmp_path: Path) -> None:
    code, out, _ = run("diagnose", str(write(tmp_path, conflicting())), "--backend", "ortools-glop")
    assert code == 3 and "backend ortools-glop" in out and "`lock-b`" in out


@pytest.mark.parametrize("bad", ["zone", "model-file", "json"])
def test_invalid_input_exits_2(tmp_path: Path, bad: str) -> None:
    if bad == "zone":
        data = conflicting()
        data["zones"][1]["land_area_mu"] = -2
        path = write(tmp_path, data)
        expect = "zones[1].land_area_mu"
    elif bad == "model-file":
        path = ROOT / "tests" / "fixtures" / "mps" / "afiro.mps"
        expect = "diagnose takes an instance JSON"
    else:
        path = tmp_path / "x.json"
        path.write_text("not json", encoding="utf-8")
        expect = "not valid JSON"
    code, out, err = run("diagnose", str(path))
    assert code == 2 and out == "" and expect in err and err.count("\n") == 1


def test_help_documents_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("diagnose", "--help")[0] == 0
    text = capsys.readouterr().out
    assert "0 feasible" in text and "3 infeasible" in text and "2 invalid input" in text
    assert "--backend" in text and "--time-limit" in text


def test_solve_prints_the_diagnosis_in_its_error_line(tmp_path: Path) -> None:
    code, out, err = run("solve", str(write(tmp_path, conflicting())))
    assert code == 3 and out == "" and err.count("\n") == 1
    assert err.startswith("zoneopt: error: land plan for 'small-4' is infeasible: rules `req` (2017 §六(一)) "
                          "and `lock-b` (key project) cannot both hold: short by 50 mu; ")
    assert "`lock-b` by 50 mu" in err and "`req` by 50 mu (b +50)" in err


def test_python_dash_m_diagnose(tmp_path: Path) -> None:
    path = write(tmp_path, conflicting())
    done = subprocess.run([sys.executable, "-m", "zoneopt", "diagnose", str(path)], capture_output=True, text=True)
    assert done.returncode == 3 and "cannot both hold" in done.stdout and done.stderr == ""
