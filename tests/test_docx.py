"""The Word report (issue 15): ``report --format docx`` writes a .docx that python-docx reads
back with a title page, every section, every table the Markdown shows and every chart, in the
report's language; LibreOffice converts it to PDF (and poppler renders its pages) when they are
installed. Without LibreOffice the conversion is skipped with the reason; a failed conversion
fails."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from cli_runner import run
from land_cases import EXAMPLE, ROOT, SMALL

from zoneopt import load
from zoneopt.report import REPORT_DOCX, REPORT_MD, REPORT_XLSX, Report, build_report
from zoneopt.report.document import Chart, Table

docx = pytest.importorskip("docx", reason="python-docx (the report extra) is not installed")
PORTFOLIO = ROOT / "instances" / "henan-etdz-45-portfolio.json"


def _quick(path: Path, lang: str | None = None) -> Report:
    return build_report(load(path), rule_costs=False, frontier_points=3, what_if_factors=(0.9, 1.0, 1.1), lang=lang,
                        scenarios=False)


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> tuple[Report, Path]:
    report = _quick(EXAMPLE)
    out = tmp_path_factory.mktemp("docx")
    written = report.write(out, ("docx",))
    assert [p.name for p in written] == [REPORT_DOCX]  # docx alone: no Markdown, workbook or PNGs
    return report, out / REPORT_DOCX


def _text(document: docx.document.Document) -> str:  # type: ignore[name-defined]
    return "\n".join(p.text for p in document.paragraphs)


def test_docx_reads_back_with_every_table_and_chart(example: tuple[Report, Path]) -> None:
    report, path = example
    document = docx.Document(str(path))
    shown = [b for b in report.table_blocks() if b.markdown and not b.frame.empty]
    assert len(document.tables) == len(shown)
    charts = [b for s in report.sections for b in s.blocks if isinstance(b, Chart)]
    assert len(charts) == 5 and len(document.inline_shapes) == len(charts)
    text = _text(document)
    for section in report.sections:  # every section's heading, in Chinese (the example's language)
        assert section.title in text
    assert "规划方案报告" in text and "合成数据" in text
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "约束及其政策条款" in headings and "各开发区分配" in headings
    # the allocation table: glossary headers with units, numbers as the plan speaks them, a 合计 row
    alloc = next(t for t in document.tables if t.rows[0].cells[0].text == "编号" and
                 any(c.text.replace("\n", "") == "新增建设用地指标（亩）" for c in t.rows[0].cells))
    head = [c.text.replace("\n", "") for c in alloc.rows[0].cells]  # a narrow header breaks before its unit
    last = [c.text for c in alloc.rows[-1].cells]
    assert last[0] == "合计" and last[head.index("新增建设用地指标（亩）")] == "5,900.0"
    # each rule with its clause
    rules = next(t for t in document.tables if [c.text for c in t.rows[0].cells][:1] == ["约束"]
                 and "政策条款" in [c.text for c in t.rows[0].cells])
    clauses = {r.cells[0].text: r.cells[3].text for r in rules.rows[1:]}
    assert clauses["request-cap"] == "2017 §十(二)"
    # the report is in Chinese, so is its mark of an assumption
    assert clauses["tilt-grade"] == "2017 §六(一)（假设）" and clauses["city-cap"] == "2017 §二(二)（假设）"


def test_docx_fonts_and_pages(example: tuple[Report, Path]) -> None:
    """Chinese text names an East Asian face; wide tables go on landscape pages."""
    from docx.oxml.ns import qn

    _, path = example
    document = docx.Document(str(path))
    fonts = document.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "SimSun"
    orientations = {s.orientation for s in document.sections}
    assert len(orientations) == 2  # portrait, and landscape for the wide tables


def test_docx_in_english_and_for_the_portfolio(tmp_path: Path) -> None:
    report = _quick(PORTFOLIO, lang="en")
    report.write(tmp_path, ("docx", "xlsx"))
    document = docx.Document(str(tmp_path / REPORT_DOCX))
    text = _text(document)
    assert "zoneopt report · " in text and "Project portfolio (项目为王)" in text
    assert len(document.inline_shapes) == len(report.charts)
    assert len(document.tables) == len([b for b in report.table_blocks() if b.markdown and not b.frame.empty])
    assert (tmp_path / REPORT_XLSX).is_file() and not (tmp_path / REPORT_MD).exists()


def test_cli_format_docx(tmp_path: Path) -> None:
    out = tmp_path / "r"
    code, stdout, err = run("report", str(SMALL), "--out", str(out), "--no-rule-costs", "--points", "3",
                            "--format", "docx,md")
    assert code == 0, err
    assert {p.name for p in out.iterdir()} >= {REPORT_DOCX, REPORT_MD} and not (out / REPORT_XLSX).exists()
    code, _, err = run("report", str(SMALL), "--out", str(tmp_path / "x"), "--format", "pdf")
    assert code == 2 and "--format" in err and not (tmp_path / "x").exists()


def test_docx_converts_to_pdf(example: tuple[Report, Path], tmp_path: Path) -> None:
    """LibreOffice opens the document and converts it to PDF; poppler renders every page (the
    pages of the bundled example were looked at when this was written)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer")
    _, path = example
    proc = subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to",
                           "pdf", "--outdir", str(tmp_path), str(path)], capture_output=True, text=True, timeout=300)
    pdf = tmp_path / "report.pdf"
    assert proc.returncode == 0 and pdf.is_file(), proc.stderr
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 100_000
    if shutil.which("pdftoppm") is None:
        return
    subprocess.run(["pdftoppm", "-r", "20", "-png", str(pdf), str(tmp_path / "page")], check=True, timeout=300)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 8  # title page, summary, evaluations, land tables and charts
    assert all(p.stat().st_size > 1_000 for p in pages)


def test_markdown_tables_are_the_docx_tables(example: tuple[Report, Path]) -> None:
    """The Markdown and the Word document show the same tables, in the same order."""
    report, path = example
    md = report.markdown()
    titles = [b.title for b in report.table_blocks() if b.markdown and not b.frame.empty]
    assert all(f"### {t}" in md for t in titles)
    assert isinstance(report.table_blocks()[0], Table)
