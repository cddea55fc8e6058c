"""Progress on long runs (issue 15): a diagnosis, DEA, what-if and frontier sweeps, rule costs,
a report and the plan over years draw a tqdm bar on stderr when a person watches (stderr is a
terminal); pipes, tests and library calls stay quiet unless bars are asked for."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from cli_runner import write
from land_cases import SMALL, small4

from zoneopt import load
from zoneopt.analysis.sensitivity import frontier, what_if
from zoneopt.cli import main
from zoneopt.core import progress
from zoneopt.core.progress import progress_bars


class Terminal(io.StringIO):
    """A stderr that says it is a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def no_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress, "DELAY", 0.0)


def test_library_is_quiet_unless_asked(capsys: pytest.CaptureFixture[str]) -> None:
    inst = load(SMALL)
    what_if(inst, "pool", [0.9, 1.0, 1.1])
    assert capsys.readouterr().err == ""
    buf = io.StringIO()
    with progress_bars(stream=buf):
        what_if(inst, "pool", [0.9, 1.0, 1.1])
        frontier(inst, 3)
    assert "what-if" in buf.getvalue() and "frontier" in buf.getvalue()
    assert capsys.readouterr().err == ""
    assert not progress.enabled()  # the block ended: quiet again


def test_dea_and_diagnosis_count_their_work() -> None:
    from zoneopt.evaluation.run import evaluate

    inst = load(Path(__file__).resolve().parents[1] / "instances" / "henan-etdz-45.json")
    buf = io.StringIO()
    with progress_bars(stream=buf):
        evaluate(inst, "dea-ccr")
    assert "DEA" in buf.getvalue() and "unit" in buf.getvalue()


def _infeasible(tmp_path: Path) -> Path:
    data = small4()
    data["rules"].append({"id": "floor-all", "type": "zone_bounds", "floor_mu": 300, "source": "test"})
    return write(tmp_path, data)


def test_cli_draws_bars_on_a_terminal_only(tmp_path: Path) -> None:
    path = _infeasible(tmp_path)
    err = Terminal()
    assert main(["diagnose", str(path)], out=io.StringIO(), err=err) == 3
    assert "diagnose" in err.getvalue() and "solve" in err.getvalue()
    piped = io.StringIO()
    assert main(["diagnose", str(path)], out=io.StringIO(), err=piped) == 3
    assert piped.getvalue() == ""
