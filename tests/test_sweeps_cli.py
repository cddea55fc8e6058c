"""``python -m zoneopt sweep``: its output, its errors, and a sweep killed halfway (SIGKILL, a real
subprocess with its worker processes) that, run again, ends with the same Parquet file."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_runner import run, write
from land_cases import EXAMPLE, SMALL, small4

from zoneopt.analysis.sweeps import read_sweep

SRC = Path(__file__).resolve().parents[1] / "src"


def test_sweep_prints_bands_grades_costs_and_the_robust_plan(tmp_path: Path) -> None:
    out = tmp_path / "s.parquet"
    code, text, err = run("sweep", str(SMALL), "--draws", "20", "--error", "5%", "--metric", "tax=20%:lognormal",
                          "--importance", "--robust", "0", "--workers", "1", "--out", str(out))
    assert code == 0, err
    assert err == ""  # no progress bar when stderr is not a terminal
    assert text.startswith("zoneopt sweep · small-4 · 29 variants (1 base, 20 draw, 8 zone) · SYNTHETIC data")
    assert f"wrote {out} (116 rows: one per variant and zone)" in text
    assert "tax 0.2 lognormal" in text and "value_added 0.05 normal" in text
    band = next(line for line in text.splitlines() if line.split()[:1] == ["c"] and "%" in line)
    assert band.split()[1:3] == ["200.0", "200.0"]  # c gets the last 200 mu whatever the draw (mu to 0.1)
    costs = [line.split() for line in text.split("replacement cost", 1)[1].splitlines()[2:6]]
    assert [c[:4] for c in costs] == [["1", "c", "∞", "-"], ["2", "a", "11,000", "32.35%"],
                                      ["3", "b", "11,000", "32.35%"], ["4", "d", "0", "0.00%"]]
    assert "robust plan: maximises the worst case" in text
    table = read_sweep(out)
    assert len(table) == 29 * 4 and table.attrs["sweep"]["noise"][0]["metric"] == "tax"
    # run again: the file is this sweep's already
    code, text, _ = run("sweep", str(SMALL), "--draws", "20", "--error", "5%", "--metric", "tax=20%:lognormal",
                        "--importance", "--robust", "0", "--workers", "1", "--out", str(out))
    assert code == 0 and "holds this sweep already: nothing to solve" in text


@pytest.mark.parametrize(("args", "message"), [
    (["--draws", "5"], "--draws needs --error"),
    (["--draws", "5", "--error", "5"], "write 5% if you mean 5 percent"),
    (["--draws", "5", "--error", "abc"], "give a share such as 5% or 0.05"),
    (["--draws", "5", "--metric", "taxes=5%"], "unknown metric 'taxes'"),
    (["--robust", "0.1"], "--robust needs --draws"),
    (["--grid", "pool"], "write PATH=V1,V2"),
    (["--grid", "rules.nope.cap_mu=1,2"], "no 'nope' here"),
])
def test_sweep_input_errors(tmp_path: Path, args: list[str], message: str) -> None:
    code, _, err = run("sweep", str(SMALL), *args, "--workers", "1", "--out", str(tmp_path / "s.parquet"))
    assert code == 2 and message in err


def test_robust_needs_the_efficiency_objective(tmp_path: Path) -> None:
    data = small4()
    data["objective"] = {"kind": "equity"}
    code, _, err = run("sweep", str(write(tmp_path, data)), "--draws", "3", "--error", "5%", "--robust", "0",
                       "--workers", "1", "--out", str(tmp_path / "s.parquet"))
    assert code == 2 and "efficiency objective" in err and "objective 'equity'" in err
    assert not (tmp_path / "s.parquet.parts").exists()  # refused before anything is solved


def test_sweep_needs_a_parquet_output(tmp_path: Path) -> None:
    code, _, err = run("sweep", str(SMALL), "--out", str(tmp_path / "s.csv"))
    assert code == 2 and "FILE.parquet" in err


def test_unreachable_scheduler_exits_2(tmp_path: Path) -> None:
    code, _, err = run("sweep", str(SMALL), "--scheduler", "tcp://127.0.0.1:9", "--connect-timeout", "0.3",
                       "--out", str(tmp_path / "s.parquet"))
    assert code == 2 and "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in err


def _done(parts: Path) -> int:
    stops = [int(m.group(1)) for p in parts.glob("part-*.parquet")
             if (m := re.match(r"part-\d+-(\d+)\.parquet$", p.name))]
    return max(stops, default=0)


def test_a_killed_sweep_restarts_and_ends_with_the_same_file(tmp_path: Path) -> None:
    """The sweep runs in a subprocess on a pool of two worker processes; once some results are
    on disk the whole process group is killed (SIGKILL: no clean-up of any kind). Run again
    (here, in this process), it solves only what is missing and writes the very file an
    uninterrupted run writes."""
    out = tmp_path / "killed.parquet"
    args = ["sweep", str(SMALL), "--draws", "60", "--error", "10%", "--seed", "4", "--importance"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")]))}
    killed = [*args, "--workers", "2", "--chunk", "1", "--flush-seconds", "0", "--out", str(out)]
    proc = subprocess.Popen([sys.executable, "-m", "zoneopt", *killed], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)
    parts = tmp_path / "killed.parquet.parts"
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and proc.poll() is None and _done(parts) < 10:
            time.sleep(0.005)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # the sweep and its worker processes
        except ProcessLookupError:
            pass
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, "finished before the kill: " + (proc.stderr.read().decode()
                                                                              if proc.stderr else "")
    done = _done(parts)
    assert 10 <= done < 69 and not out.exists()
    code, text, err = run(*args, "--workers", "1", "--out", str(out))
    assert code == 0, err
    assert f"resumed after {done:,} found on disk" in text
    reference = tmp_path / "whole.parquet"
    code, _, err = run(*args, "--workers", "1", "--out", str(reference))
    assert code == 0, err
    assert out.read_bytes() == reference.read_bytes()
    assert not parts.exists()


def test_report_has_the_sweep_section(tmp_path: Path) -> None:
    from zoneopt import load
    from zoneopt.report import build_report

    sweep = tmp_path / "s.parquet"
    code, _, err = run("sweep", str(SMALL), "--draws", "8", "--error", "10%", "--importance", "--workers", "1",
                       "--out", str(sweep))
    assert code == 0, err
    report = build_report(load(SMALL), rule_costs=False, sweep=sweep)
    section = next(s for s in report.sections if s.key == "sweep")
    assert {"sweep-status", "sweep-bands", "sweep-grades", "sweep-replacement-costs"} <= set(report.tables)
    assert {"sweep-fan.png", "sweep-land-probability.png", "sweep-replacement-cost.png"} <= set(report.charts)
    costs = report.tables["sweep-replacement-costs"].set_index("zone")
    assert costs.loc["a", "replacement_cost"] == 11000.0 and costs.loc["c", "rank"] == 1
    assert "## Under uncertainty: the sweep" in report.markdown() and section.title in report.markdown()
    # a sweep of another instance, or no sweep at all, is refused before anything is solved
    code, _, err = run("report", str(EXAMPLE), "--sweep", str(sweep), "--no-rule-costs", "--out", str(tmp_path / "r"))
    assert code == 2 and "is not of instance 'henan-etdz-45'" in err
    code, _, err = run("report", str(SMALL), "--sweep", str(tmp_path / "none.parquet"), "--out", str(tmp_path / "r"))
    assert code == 2 and "no such sweep file" in err
