"""Outputs: ``--out`` is checked before any work on every verb that writes, and temporary files
name their writer's process so the next writer removes those a killed writer left."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cli_runner import run
from land_cases import EXAMPLE, ROOT, SMALL

import zoneopt.instance
from zoneopt.files import atomic_write, atomic_write_text, remove_stale_temporaries

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
        alive.kill()
        alive.wait(timeout=30)
    assert remove_stale_temporaries(tmp_path) == [tmp_path / alive_tmp]
