"""The report as a Word document (python-docx), the form a provincial department circulates: a
title page, then every section of the report in order: its text, its tables (in the display's
words and units, with 合计 rows; long tables cut to their first rows and pointed to the
workbook; wide tables on landscape pages) and its charts (the PNGs, fitted to the page), each
rule with its policy clause in the summary.

Fonts: Latin text in Calibri, Chinese in 宋体 (SimSun; headings 黑体, SimHei), the faces a Chinese
Word installation has; a system without them substitutes its own CJK face. python-docx comes with
the ``report`` extra; without it :class:`MissingDependencyError` (exit code 2) says so.
"""

from __future__ import annotations

import importlib
import io
import re
from typing import Any, Protocol

from zoneopt.plans.display import Display, display_table, width
from zoneopt.report.charts import INSTALL_HINT, MissingDependencyError
from zoneopt.report.document import Chart, ChartNote, Section, Table, Text


class Report(Protocol):
    """What the document reads of a :class:`zoneopt.report.build.Report` (stated here so the
    writer does not import the builder that calls it)."""

    @property
    def title(self) -> str: ...
    @property
    def synthetic(self) -> bool: ...
    @property
    def sections(self) -> tuple[Section, ...]: ...
    @property
    def land(self) -> Any: ...
    @property
    def plans(self) -> dict[str, Any]: ...
    @property
    def display(self) -> Display: ...
    @property
    def backend(self) -> str: ...

LATIN_FONT = "Calibri"
BODY_CJK_FONT = "SimSun"
HEADING_CJK_FONT = "SimHei"
WIDE_TABLE = 9
"""Tables with more columns than this go on a landscape page."""
PAGE_WIDTH_CM = (21.0, 29.7)
"""A4, portrait and landscape widths."""
MARGIN_CM = 2.0
TABLE_STYLES = {"Table Tiny": 6.0, "Table Small": 7.0, "Table Text": 8.5}
"""Paragraph styles of table cells, by font size."""
CELL_MARGIN_TWIPS = 45
"""Left and right cell margins (45 twips, 0.08 cm; Word's default is 108)."""


def require_docx() -> None:
    """Raise :class:`MissingDependencyError` (exit code 2) unless python-docx can be imported."""
    try:
        importlib.import_module("docx")
    except ImportError as exc:
        raise MissingDependencyError(f"the Word report needs python-docx, which is not installed ({exc}); install "
                                     f"the report extra: {INSTALL_HINT}") from None


def docx_bytes(report: Report) -> bytes:
    """``report`` as a .docx file's bytes."""
    require_docx()
    from docx import Document

    d = report.display
    doc = Document()
    _styles(doc)
    _page(doc.sections[0], landscape=False)
    _title_page(doc, report, d)
    for section in report.sections:  # a loop over sections
        _orient(doc, landscape=False)
        doc.add_heading(section.title, level=1)
        for block in section.blocks:  # a loop over blocks
            if isinstance(block, Table):
                _table(doc, block, d)
                continue
            _orient(doc, landscape=False)  # back to portrait after wide tables, only when something follows
            if isinstance(block, Text):
                _text(doc, block.markdown)
            elif isinstance(block, Chart):
                _chart(doc, block)
            elif isinstance(block, ChartNote):
                _italic(doc, d.t("report.chart_not_drawn", title=block.title, note=block.note))
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# -- styles and pages --------------------------------------------------------------------------

def _fonts(style_or_run: Any, cjk: str, size: float | None = None, bold: bool | None = None) -> None:
    """Latin and East Asian faces of a style or run (Word reads ``w:eastAsia`` for CJK text)."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    font = style_or_run.font
    font.name = LATIN_FONT
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    rpr = style_or_run.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), cjk)


def _styles(doc: Any) -> None:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Pt, RGBColor

    _fonts(doc.styles["Normal"], BODY_CJK_FONT, 10.5)
    for name, size in (("Title", 24), ("Heading 1", 16), ("Heading 2", 12.5), ("Heading 3", 11)):
        style = doc.styles[name]
        _fonts(style, HEADING_CJK_FONT, size, bold=True)
        style.font.color.rgb = RGBColor(0x1F, 0x3A, 0x5F)
    _fonts(doc.styles["Caption"], BODY_CJK_FONT, 9)
    for name, size in TABLE_STYLES.items():  # cell text, so empty cells are as tall as full ones
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles["Normal"]
        _fonts(style, BODY_CJK_FONT, size)
        style.paragraph_format.space_after = Pt(0)
        style.paragraph_format.space_before = Pt(0)
        style.paragraph_format.line_spacing = 1.0


def _page(section: Any, landscape: bool) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm

    w, h = PAGE_WIDTH_CM if not landscape else PAGE_WIDTH_CM[::-1]
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(w), Cm(h)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(MARGIN_CM))


def _usable_cm(doc: Any) -> float:
    section = doc.sections[-1]
    return float((section.page_width - section.left_margin - section.right_margin) / 360000)


def _orient(doc: Any, landscape: bool) -> None:
    """Continue on a page of the asked orientation: a new section only when the current one has
    the other (two wide tables in a row share their landscape pages; no empty page between)."""
    from docx.enum.section import WD_ORIENT, WD_SECTION
    from docx.oxml.ns import qn
    from docx.shared import Pt

    want = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    if doc.sections[-1].orientation == want:
        return
    body = doc.element.body
    last = body[-2] if len(body) > 1 else None  # body[-1] is the document's own sectPr
    if last is not None and last.tag == qn("w:p") and not "".join(last.itertext()).strip() \
            and last.find(qn("w:pPr") + "/" + qn("w:sectPr")) is None:
        body.remove(last)  # the spacer after a table: the section break takes its place
    _page(doc.add_section(WD_SECTION.NEW_PAGE), landscape)
    # The paragraph holding the break is as small as can be, so a table that fills its page
    # does not push it (and a blank page) onto the next one.
    fmt = doc.paragraphs[-1].paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = Pt(1)


def _title_page(doc: Any, report: Report, d: Display) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.shared import Pt

    for _ in range(6):
        doc.add_paragraph()
    title = doc.add_paragraph(style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.add_run(report.title)
    resources = ["land"] if report.land is not None else []
    names = [d.term(f"resource.{k}", k) for k in resources + list(report.plans)]
    sub = doc.add_paragraph()
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = sub.add_run(d.t("report.subtitle", resources="、".join(names) if d.zh else ", ".join(names)))
    run.font.size = Pt(14)
    if report.synthetic:
        warn = doc.add_paragraph()
        warn.alignment = WD_ALIGN_PARAGRAPH.CENTER
        r = warn.add_run(d.t("term.synthetic"))
        r.bold = True
        r.font.size = Pt(12)
    gen = doc.add_paragraph()
    gen.alignment = WD_ALIGN_PARAGRAPH.CENTER
    gen.add_run(d.t("report.generated", backend=report.backend)).font.size = Pt(10)
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


# -- blocks ------------------------------------------------------------------------------------

_INLINE = re.compile(r"(\*\*[^*]+\*\*|`[^`]+`|\*[^*]+\*)")


def _runs(paragraph: Any, text: str) -> None:
    """Markdown's **bold**, *italic* and `code` as runs."""
    for part in _INLINE.split(text):
        if not part:
            continue
        if part.startswith("**") and part.endswith("**"):
            paragraph.add_run(part[2:-2]).bold = True
        elif part.startswith("`") and part.endswith("`"):
            run = paragraph.add_run(part[1:-1])
            run.font.name = "Consolas"
        elif part.startswith("*") and part.endswith("*") and len(part) > 2:
            paragraph.add_run(part[1:-1]).italic = True
        else:
            paragraph.add_run(part)


def _text(doc: Any, markdown: str) -> None:
    """A Markdown paragraph or list as Word paragraphs."""
    for para in markdown.split("\n\n"):
        lines = [line for line in para.split("\n") if line.strip()]
        if not lines:
            continue
        if all(line.startswith("- ") for line in lines):
            for line in lines:
                _runs(doc.add_paragraph(style="List Bullet"), line[2:])
        else:
            _runs(doc.add_paragraph(), " ".join(line.strip() for line in lines))


def _italic(doc: Any, text: str) -> None:
    doc.add_paragraph().add_run(text).italic = True


def _table(doc: Any, t: Table, d: Display) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.shared import Cm, Pt

    from zoneopt.report.writers import REPORT_XLSX, _sheet

    if not t.markdown:
        _italic(doc, d.t("report.in_workbook_docx", title=t.title, n=len(t.frame), book=REPORT_XLSX,
                         sheet=_sheet(t.name)))
        return
    frame, kinds = t.shown(d)
    wide = len(frame.columns) > WIDE_TABLE
    _orient(doc, landscape=wide)
    doc.add_heading(t.title, level=2)
    if t.caption:
        _runs(doc.add_paragraph(style="Caption"), t.caption)
    if frame.empty:
        doc.add_paragraph(d.t("report.none"))
    else:
        shown = display_table(frame.head(t.md_rows), d, total_over=frame, total=t.total, kinds=kinds,
                              labels=t.headers(d))
        table = doc.add_table(rows=1, cols=len(shown.columns))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        size = 6.0 if len(shown.columns) > 15 else 7.0 if wide or len(shown.columns) > 7 else 8.5
        widths = _column_widths(shown, _usable_cm(doc), size)
        for j, head in enumerate(shown.columns):
            _cell(table.rows[0].cells[j], _header(str(head), widths[j], size), size, bold=True, shade=True)
        _repeat_header(table.rows[0])
        right = [_is_numeric(frame[c]) for c in frame.columns]
        last = len(shown) - 1
        for i, row in enumerate(shown.itertuples(index=False, name=None)):  # at most md_rows rows
            cells = table.add_row().cells
            total_row = t.total and i == last and len(shown) > len(frame.head(t.md_rows))
            for j, v in enumerate(row):
                _cell(cells[j], str(v), size, bold=total_row, right=right[j])
        _fixed_widths(table, [Cm(w) for w in widths])
        if len(frame) > t.md_rows:
            p = doc.add_paragraph(style="Caption")
            p.add_run(d.t("report.more_rows_docx", n=len(frame) - t.md_rows, book=REPORT_XLSX, sheet=_sheet(t.name)))
        else:
            doc.add_paragraph().paragraph_format.space_after = Pt(2)


def _header(text: str, width_cm: float, size: float) -> str:
    """A header that does not fit its column on one line breaks before its unit (``P50（亩）``
    as ``P50`` over ``（亩）``), not inside a word."""
    if width(text) * 0.64 * size / 28.35 + 0.3 <= width_cm:
        return text
    for paren in ("（", " ("):
        head, sep, unit = text.rpartition(paren)
        if sep and head:
            return f"{head}\n{paren.strip()}{unit}"
    return text


def _repeat_header(row: Any) -> None:
    """The header row repeats on every page a long table runs over."""
    from docx.oxml.ns import qn

    trpr = row._tr.get_or_add_trPr()
    trpr.append(trpr.makeelement(qn("w:tblHeader"), {qn("w:val"): "true"}))


def _fixed_widths(table: Any, widths: list[Any]) -> None:
    """Column widths Word and LibreOffice both keep: a fixed layout, the grid and every cell."""
    from docx.oxml.ns import qn

    table.autofit = False
    tblpr = table._tbl.tblPr
    layout = tblpr.find(qn("w:tblLayout"))
    if layout is None:
        layout = tblpr.makeelement(qn("w:tblLayout"), {})
        tblpr.append(layout)
    layout.set(qn("w:type"), "fixed")
    margins = tblpr.makeelement(qn("w:tblCellMar"), {})  # narrow cell margins: room for numbers
    for side in ("left", "right"):
        margins.append(margins.makeelement(qn(f"w:{side}"), {qn("w:w"): str(CELL_MARGIN_TWIPS), qn("w:type"): "dxa"}))
    tblpr.append(margins)
    for j, w in enumerate(widths):  # a loop over columns
        table.columns[j].width = w
        for cell in table.columns[j].cells:
            cell.width = w


def _is_numeric(series: Any) -> bool:
    import pandas as pd

    return bool(pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series))


def _column_widths(table: Any, usable_cm: float, size: float) -> list[float]:
    """Each column's width in cm, in proportion to its longest cell (CJK counted double), within
    the page: a character at ``size`` pt is about 0.55 × size / 28.35 cm wide."""
    per_char = 0.64 * size / 28.35  # bold totals are wider
    want, floor = [], []
    for c in table.columns:
        cells = [width(str(v)) for v in table[c].tolist()]
        head = max((width(word) for word in str(c).split()), default=1)
        want.append(max(0.9, min(8.0, max([width(str(c)) / 2, *cells]) * per_char + 0.3)))
        floor.append(max(0.9, min(want[-1], head * per_char + 0.3)))  # the header's longest word fits
    total = sum(want)
    if total <= usable_cm:
        return want
    # Short columns keep their width; the long ones (names, notes) share what is left.
    short = [w <= 3.0 for w in want]
    fixed_part = sum(w for w, s in zip(want, short, strict=True) if s)
    long_part = total - fixed_part
    room = usable_cm - fixed_part
    if room <= 0.3 * long_part or long_part == 0:
        out = [max(f, w * usable_cm / total) for w, f in zip(want, floor, strict=True)]
    else:
        out = [w if s else max(f, w * room / long_part) for w, f, s in zip(want, floor, short, strict=True)]
    over = sum(out) / usable_cm
    return [w / over for w in out] if over > 1 else out  # never wider than the page


def _cell(cell: Any, text: str, size: float, bold: bool = False, shade: bool = False, right: bool = False) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn

    p = cell.paragraphs[0]
    p.style = "Table Tiny" if size < 6.5 else "Table Small" if size < 8 else "Table Text"
    if right:
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = p.add_run(text)
    _fonts(run, BODY_CJK_FONT, size, bold=bold or None)
    if shade:
        tcpr = cell._tc.get_or_add_tcPr()
        shd = tcpr.makeelement(qn("w:shd"), {qn("w:val"): "clear", qn("w:color"): "auto", qn("w:fill"): "DCE6F1"})
        tcpr.append(shd)


def _chart(doc: Any, chart: Chart) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    from zoneopt.report.charts import png_size

    w_px, h_px = png_size(chart.png)
    usable = _usable_cm(doc)
    page_h = 29.7 - 2 * MARGIN_CM - 2.5  # room for the caption
    w = min(usable, w_px / 110 * 2.54)  # the PNGs are drawn at 110 dpi
    h = w * h_px / w_px
    if h > page_h:
        w, h = w * page_h / h, page_h
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run().add_picture(io.BytesIO(chart.png), width=Cm(w))
    cap = doc.add_paragraph(style="Caption")
    cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
    cap.add_run(chart.title)
    if chart.caption:
        cap.add_run(" " + chart.caption)
