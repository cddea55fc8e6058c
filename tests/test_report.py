"""``build_report`` / ``python -m zoneopt report``: every file written (Markdown, workbook, PNG
charts), the tables agree with the plan and the sensitivity functions, the Markdown links
resolve, no empty chart is written, and a missing ``report`` extra is a typed error (exit 2)."""

from __future__ import annotations

import re
import struct
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from cli_runner import run, write
from land_cases import EXAMPLE, SMALL, small4

from zoneopt import Instance, load, solve_land
from zoneopt.analysis.sensitivity import frontier
from zoneopt.errors import InfeasibleError
from zoneopt.report import (
    INSTALL_HINT,
    REPORT_MD,
    REPORT_XLSX,
    MissingDependencyError,
    Report,
    build_report,
)

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
CHARTS = ("land-allocation", "land-score-vs-allocation", "land-cities", "land-what-if", "land-frontier")


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    assert data[:8] == PNG_MAGIC and data[12:16] == b"IHDR"
    w, h = struct.unpack(">II", data[16:24])
    return int(w), int(h)


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> tuple[Report, Path]:
    """The 45-zone example's report, written once for the module into a directory that does
    not exist yet."""
    report = build_report(load(EXAMPLE), lang="en")  # the Henan example's language is zh; these checks read en
    out = tmp_path_factory.mktemp("report") / "nested" / "out"
    written = report.write(out)
    assert [p.parent for p in written] == [out] * len(written)
    return report, out


def test_example_writes_every_file(example: tuple[Report, Path]) -> None:
    report, out = example
    names = {p.name for p in out.iterdir()}
    assert names == {REPORT_MD, REPORT_XLSX, *(f"{c}.png" for c in CHARTS)}
    for chart in CHARTS:
        data = (out / f"{chart}.png").read_bytes()
        w, h = png_size(data)
        assert 20_000 < len(data) < 3_000_000, chart
        assert 600 <= w <= 2500 and 300 <= h <= 4000, (chart, w, h)
    assert report.chart_notes == {}


def test_cli_report_small4(tmp_path: Path) -> None:
    out = tmp_path / "a" / "b"
    code, stdout, err = run("report", str(SMALL), "--out", str(out), "--no-rule-costs", "--points", "3")
    assert code == 0, err
    assert err == ""
    assert stdout.startswith("zoneopt report · small-4 · SYNTHETIC data")
    assert "land: optimal · objective (efficiency): 34,000.0 wan yuan/yr — " in stdout
    names = {p.name for p in out.iterdir()}
    assert names == {REPORT_MD, REPORT_XLSX, *(f"{c}.png" for c in CHARTS)}
    assert all(f"  {n}" in stdout for n in names)
    assert len(pd.read_excel(out / REPORT_XLSX, sheet_name="land-frontier")) == 3


def test_example_markdown_links_and_content(example: tuple[Report, Path]) -> None:
    _, out = example
    md = (out / REPORT_MD).read_text(encoding="utf-8")
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", md)
    assert sorted(links) == sorted(f"{c}.png" for c in CHARTS)
    assert all((out / link).is_file() for link in links)
    for heading in ("## Summary", "### Units", "## Evaluations", "### Allocation per zone",
                    "### Binding rules and shadow prices", "### Rules ranked by what they cost",
                    "### What if the pool were larger or smaller", "### Efficiency–equity frontier",
                    "### Scenarios"):
        assert heading in md, heading
    assert "新乡经开区" in md and "SYNTHETIC data" in md
    assert "`city-cap`" in md or "city-cap" in md
    assert "2017 §二(二) (assumption)" in md  # the rules table marks an assumed number


def test_example_workbook(example: tuple[Report, Path]) -> None:
    report, out = example
    wb = openpyxl.load_workbook(out / REPORT_XLSX, read_only=True)
    assert wb.sheetnames == list(report.tables)
    for sheet in ("summary", "units", "evaluations", "evaluation-results", "land-allocations", "land-cities",
                  "land-bindings", "land-rule-ranking", "land-what-if", "land-frontier", "scenarios"):
        assert sheet in wb.sheetnames, sheet
    alloc = pd.read_excel(out / REPORT_XLSX, sheet_name="land-allocations")  # for people: labels, mu to 0.1, a total
    assert alloc["zone"].iloc[-1] == "total" and alloc["allocation (mu)"].iloc[-1] == pytest.approx(5900)
    plan = solve_land(load(EXAMPLE))
    got = alloc.iloc[:-1].set_index("zone")["allocation (mu)"].sort_index()
    want = plan.allocation().sort_index()
    pd.testing.assert_series_equal(got, want, check_names=False, atol=0.05 + 1e-9)  # rounded to 0.1 mu
    assert len(pd.read_excel(out / REPORT_XLSX, sheet_name="evaluation-results")) == 45


def test_example_tables_agree_with_the_plan(example: tuple[Report, Path]) -> None:
    report, _ = example
    inst = load(EXAMPLE)
    plan = solve_land(inst)
    t = report.tables
    whatif = t["land-what-if"].set_index("factor")
    assert whatif.loc[1.0, "objective"] == pytest.approx(plan.objective)
    # the what-if points the rules cannot meet say why, in rule terms
    bad = whatif[whatif["status"] == "infeasible"]
    assert all("cannot" in note for note in bad["note"])
    front = t["land-frontier"]  # from the efficiency optimum (the example's objective is a blend)
    efficient = solve_land(Instance.from_dict(dict(inst.model_dump(mode="json"), objective={"kind": "efficiency"})))
    assert front["efficiency"].iloc[0] == pytest.approx(efficient.objective)
    assert front["efficiency"].iloc[-1] == pytest.approx(frontier(inst, 2)["efficiency"].iloc[-1])
    cities = t["land-cities"]
    assert cities["allocation_mu"].sum() == pytest.approx(plan.summary.allocated_mu)
    ranked = t["land-rule-ranking"]
    assert set(ranked["rule"]) == {r.id for r in inst.rules} | {"land-total"}
    costs = ranked["cost"].dropna().to_numpy()
    assert (costs[:-1] >= costs[1:]).all()  # ordered by the exact cost
    scen = t["scenarios"]
    assert list(scen["label"]) == ["base"] + [s.id for s in inst.scenarios]
    bindings = t["land-bindings"]
    assert set(bindings["rule"]) == set(plan.bindings["rule"])


def test_small4_report(tmp_path: Path) -> None:
    """small-4 has no evaluations or scenarios: the report says so (its charts are drawn in
    test_cli_report_small4; here charts=False leaves a note for each)."""
    report = build_report(load(SMALL), rule_costs=False, charts=False)
    assert report.charts == {} and set(report.chart_notes) == set(CHARTS)
    md = report.markdown()
    assert "carries no evaluation" in md
    assert "### Scenarios" not in md
    written = report.write(tmp_path)
    assert {p.name for p in written} == {p.name for p in tmp_path.iterdir()}
    alloc = report.tables["land-allocations"].set_index("zone")["allocation_mu"]
    assert alloc.to_dict() == pytest.approx({"a": 300.0, "b": 500.0, "c": 200.0, "d": 0.0})


def test_no_empty_charts(tmp_path: Path) -> None:
    """Every zone excluded: nothing is allocated, so the allocation, score, city and what-if
    charts are notes in the Markdown, no PNG is written for them, and the frontier (no zone may
    get land) is a note with the reason."""
    data = small4()
    data["rules"] = [{"id": "none", "type": "exclude", "select": {}, "source": "test"}]
    report = build_report(Instance.from_dict(data), rule_costs=False)
    assert report.charts == {}
    notes = report.chart_notes
    assert set(notes) == set(CHARTS)
    assert "no zone gets land" in notes["land-allocation"]
    report.write(tmp_path)
    assert not list(tmp_path.glob("*.png"))
    md = (tmp_path / REPORT_MD).read_text(encoding="utf-8")
    assert "not drawn" in md and "![" not in md


@pytest.mark.parametrize("module", ["matplotlib", "noto_cjk_sans_otc"])
def test_missing_report_extra_is_a_typed_error(module: str, monkeypatch: pytest.MonkeyPatch,
                                               tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # makes `import module` fail
    with pytest.raises(MissingDependencyError, match=re.escape(INSTALL_HINT)):
        build_report(load(SMALL))
    out = tmp_path / "out"
    code, stdout, err = run("report", str(SMALL), "--out", str(out))
    assert code == 2 and stdout == ""
    assert INSTALL_HINT in err and "Traceback" not in err
    assert not out.exists()  # checked before anything is solved or written
    # without charts the rest of the report still builds
    report = build_report(load(SMALL), charts=False, rule_costs=False)
    assert report.charts == {} and all(isinstance(n, str) for n in report.chart_notes.values())
    report.write(out)
    assert (out / REPORT_MD).is_file() and (out / REPORT_XLSX).is_file()


def test_cli_infeasible_exit_3_writes_nothing(tmp_path: Path) -> None:
    data = small4()
    data["rules"] = [r if r["id"] != "q-floor" else {**r, "floor_mu": 1200} for r in data["rules"]]
    out = tmp_path / "out"
    code, _, err = run("report", str(write(tmp_path, data)), "--out", str(out))
    assert code == 3 and "q-floor" in err
    assert not out.exists()
    with pytest.raises(InfeasibleError):
        build_report(Instance.from_dict(data), charts=False)


def test_cli_out_is_a_file_exit_2(tmp_path: Path) -> None:
    target = tmp_path / "file.txt"
    target.write_text("x")
    code, _, err = run("report", str(SMALL), "--out", str(target))
    assert code == 2 and "not a directory" in err


def test_cli_bad_factors_exit_2(tmp_path: Path) -> None:
    code, _, err = run("report", str(SMALL), "--out", str(tmp_path / "o"), "--factors", "a,b")
    assert code == 2 and "--factors" in err


def test_cli_report_help_documents_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = run("report", "--help")
    assert code == 0
    text = capsys.readouterr().out
    assert "exit codes:" in text and 'pip install "zoneopt[report]"' in text
    for fragment in ("0 written", "2 invalid input", "3 the plan is infeasible", "4 no solution"):
        assert fragment in text


def test_charts_are_not_blank(example: tuple[Report, Path]) -> None:
    """Each chart has ink: a good share of its pixels is neither white nor near-white."""
    from io import BytesIO

    from PIL import Image

    report = example[0]
    for name, chart in report.charts.items():
        img = Image.open(BytesIO(chart.png)).convert("L")
        hist = img.histogram()
        dark = sum(hist[:200]) / sum(hist)
        assert dark > 0.01, name
