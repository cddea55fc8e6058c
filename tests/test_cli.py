"""The command line: output, exit codes (0, 2, 3, 4), atomic output files, MPS input."""

from __future__ import annotations

import copy
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from cli_runner import run, write
from fresh_process import HEAVY, heavy_after
from land_cases import ROOT, SMALL, small4

from zoneopt.cli import main
from zoneopt.files import atomic_write

MPS = ROOT / "tests" / "fixtures" / "mps"


def test_solve_prints_the_plan() -> None:
    code, out, err = run("solve", str(SMALL))
    assert code == 0, err
    assert "SYNTHETIC" in out
    assert "objective (efficiency): 34,000.0 wan yuan/yr" in out
    assert "status: optimal" in out and "land-total (2017 §六(一)): 1 row at its bound" in out
    assert "\ntotal " in out and " req\n" in out
    assert err == ""


@pytest.mark.parametrize("suffix", [".json", ".csv", ".xlsx"])
def test_solve_writes_out_file(tmp_path: Path, suffix: str) -> None:
    target = tmp_path / f"plan{suffix}"
    code, out, _ = run("solve", str(SMALL), "--out", str(target))
    assert code == 0 and target.exists()
    if suffix == ".json":
        doc = json.loads(target.read_text(encoding="utf-8"))
        assert doc["status"] == "optimal" and doc["objective"] == pytest.approx(34000)
        assert doc["summary"]["objective_unit"].startswith("万元")
        assert {a["zone"]: a["allocation_mu"] for a in doc["allocations"]}["b"] == pytest.approx(500)
    elif suffix == ".csv":
        frame = pd.read_csv(target, encoding="utf-8-sig")  # the display form: headers with units, a total row
        assert frame["allocation (mu)"].iloc[:-1].sum() == pytest.approx(1000)
        assert frame["zone"].iloc[-1] == "total" and frame["allocation (mu)"].iloc[-1] == pytest.approx(1000)
    else:
        wb = openpyxl.load_workbook(target)
        assert wb.sheetnames == ["summary", "allocations", "bindings"]
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no temporary file left


def test_invalid_instance_exits_2_with_one_line(tmp_path: Path) -> None:
    data = small4()
    data["zones"][1]["land_area_mu"] = -2
    code, out, err = run("solve", str(write(tmp_path, data)))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "zones[1].land_area_mu: must be > 0" in err


def test_non_json_exits_2(tmp_path: Path) -> None:
    p = tmp_path / "x.json"
    p.write_text("not json", encoding="utf-8")
    code, _, err = run("solve", str(p))
    assert code == 2 and "not valid JSON" in err


def test_infeasible_exits_3_and_keeps_earlier_output(tmp_path: Path) -> None:
    target = tmp_path / "plan.json"
    assert run("solve", str(SMALL), "--out", str(target))[0] == 0
    before = target.read_bytes()
    data = small4()
    data["rules"].append({"id": "floor-all", "type": "zone_bounds", "floor_mu": 300, "source": "test"})
    code, _, err = run("solve", str(write(tmp_path, data)), "--out", str(target))
    assert code == 3 and "infeasible" in err and "floor-all" in err
    assert target.read_bytes() == before


def test_unbounded_mps_exits_3(tmp_path: Path) -> None:
    from zoneopt import ModelBuilder, write_mps
    b = ModelBuilder("unb", "max")
    b.add_vars("x", 1, obj=1.0)
    path = write_mps(b.build(), tmp_path / "unb.mps")
    code, _, err = run("solve", str(path))
    assert code == 3 and "unbounded" in err


def test_time_limit_without_solution_exits_4(tmp_path: Path) -> None:
    """A zero time limit stops HiGHS before it has any point: exit 4, no output file."""
    target = tmp_path / "plan.json"
    data = copy.deepcopy(small4())
    data["pools"]["land"]["parcel_mu"] = 7
    code, _, err = run("solve", str(write(tmp_path, data)), "--time-limit", "0", "--out", str(target))
    assert code == 4, err
    assert "no solution" in err and not target.exists()


def test_unsupported_backend_for_model_exits_2(tmp_path: Path) -> None:
    data = small4()
    data["pools"]["land"]["parcel_mu"] = 150
    code, _, err = run("solve", str(write(tmp_path, data)), "--backend", "ortools-glop")
    assert code == 2 and "LPs only" in err


def test_unknown_out_suffix_exits_2(tmp_path: Path) -> None:
    code, _, err = run("solve", str(SMALL), "--out", str(tmp_path / "plan.txt"))
    assert code == 2 and "use .json, .csv or .xlsx" in err


def test_usage_error_exits_2() -> None:
    code, _, _ = run("solve")
    assert code == 2


def test_validate_ok_and_bad(tmp_path: Path) -> None:
    code, out, _ = run("validate", str(SMALL))
    assert code == 0 and out.startswith("ok:") and "LP" in out
    data = small4()
    data["rules"][0]["select"] = {"cities": ["Nowhere"]}
    code, _, err = run("validate", str(write(tmp_path, data)))
    assert code == 2 and "rules[0].select.cities[0]: no zone has city 'Nowhere'" in err


def test_schema_prints_json_schema() -> None:
    code, out, _ = run("schema")
    assert code == 0 and json.loads(out)["title"] == "Instance"
    code, out, _ = run("schema", "--plan")
    assert code == 0 and "status" in json.loads(out)["required"]


def test_solve_mps_file(tmp_path: Path) -> None:
    target = tmp_path / "sol.json"
    code, out, _ = run("solve", str(MPS / "afiro.mps"), "--out", str(target))
    assert code == 0 and "status: optimal" in out
    doc = json.loads(target.read_text())
    assert doc["status"] == "optimal"
    assert doc["objective"] == pytest.approx(-464.7531428571, rel=1e-9)


def test_atomic_write_leaves_earlier_file_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "f.txt"
    target.write_text("old", encoding="utf-8")

    def fail(p: Path) -> None:
        p.write_text("half", encoding="utf-8")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        atomic_write(target, fail)
    assert target.read_text(encoding="utf-8") == "old"
    assert os.listdir(tmp_path) == ["f.txt"]


def test_python_dash_m_exit_code(tmp_path: Path) -> None:
    """The real entry point: ``python -m zoneopt`` returns the documented code to the shell."""
    ok = subprocess.run([sys.executable, "-m", "zoneopt", "solve", str(SMALL)], capture_output=True, text=True)
    assert ok.returncode == 0 and "status: optimal" in ok.stdout
    bad = subprocess.run([sys.executable, "-m", "zoneopt", "validate", str(tmp_path / "none.json")],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and bad.stderr.startswith("zoneopt: error:")


def test_help_imports_no_library() -> None:
    """``--help``, of the program and of every verb, builds the parser only: the verbs import the
    library in ``run``, and the backend and preset names are static (numpy and pydantic count
    too: each alone would take most of the 0.3 s ``--help`` may cost)."""
    code = ("from zoneopt.cli import VERBS, main\n"
            "for argv in (['--help'], *([verb, '--help'] for verb in VERBS)):\n"
            "    assert main(argv) == 0")
    assert heavy_after(code, (*HEAVY, "numpy", "pydantic")) == []


def test_feasible_but_gap_not_reached_exits_4_and_still_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A time-limited MIP that stops with a checked incumbent above the requested gap: the plan
    is printed and written (status "feasible"), and the exit code says it is not solved."""
    from dataclasses import replace

    from zoneopt.resources import REGISTRY

    real = REGISTRY["land"].solve

    def stopped(*args: Any, **kwargs: Any) -> Any:
        plan = real(*args, **kwargs)
        plan.summary = plan.summary.model_copy(update={"status": "feasible", "mip_gap": 0.02})
        return plan

    monkeypatch.setitem(REGISTRY, "land", replace(REGISTRY["land"], solve=stopped))
    target = tmp_path / "plan.json"
    code, out, err = run("solve", str(SMALL), "--out", str(target))
    assert code == 4 and "gap 0.02" in err and "status: feasible" in out
    assert json.loads(target.read_text(encoding="utf-8"))["status"] == "feasible"


def _bad(mutate: Any) -> str:
    data = small4()
    mutate(data)
    return json.dumps(data)


@pytest.mark.parametrize(("text", "message"), [
    (_bad(lambda d: d["zones"][1].update(id="a")), "zones[1].id: duplicate zone id 'a'"),
    (_bad(lambda d: d["rules"][1]["select"].update(zones=["zz"])), "rules[1].select.zones[0]: unknown zone 'zz'"),
    (_bad(lambda d: d["rules"][2].update(groups=["Kaifeng"])), "rules[2].groups[0]: no zone has city 'Kaifeng'"),
    (_bad(lambda d: d["rules"][1]["select"].update(grades=["E"])), "rules[1].select.grades[0]: 'E' is not one of"),
    (_bad(lambda d: d["zones"][0]["metrics"].update(tax=float("nan"))),
     "zones[0].metrics.tax: must be a finite number"),
    (_bad(lambda d: d["zones"][0]["metrics"].update(tax=float("inf"))),
     "zones[0].metrics.tax: must be a finite number"),
    (_bad(lambda d: d["zones"][3]["requests"].update(land_mu=-1)), "zones[3].requests.land_mu: must be >= 0"),
    (_bad(lambda d: d.update(zones=[])), "zones: the zone list is empty"),
    (_bad(lambda d: d["zones"][0].update(tax=1)), "zones[0].tax: unknown field"),
    ("{\"name\": \"x\", ", "not valid JSON"),
])
def test_each_invalid_input_exits_2_with_its_message(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    for verb in ("solve", "validate"):
        code, out, err = run(verb, str(path))
        assert code == 2 and out == "", (verb, err)
        assert message in err and err.startswith("zoneopt: error: "), err


def test_written_files_get_the_usual_permissions(tmp_path: Path) -> None:
    """Atomic writes go through a 0600 temporary file; the result has 0666 less the umask."""
    import stat

    target = tmp_path / "plan.json"
    code, _, err = run("solve", str(SMALL), "--out", str(target))
    assert code == 0, err
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~mask


def test_a_closed_pipe_is_not_an_error() -> None:
    """``python -m zoneopt solve ... | head``: the reader closing the pipe early is not an
    internal error (exit 0, nothing on stderr)."""
    class ClosedPipe(io.StringIO):
        def write(self, text: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

    err = io.StringIO()
    assert main(["solve", str(SMALL)], out=ClosedPipe(), err=err) == 0
    assert err.getvalue() == ""
