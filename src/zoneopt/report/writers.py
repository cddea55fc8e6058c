"""The report's output: its Markdown (tables through :mod:`zoneopt.plans.display`: glossary
headers with units, numbers as the plan speaks them, 合计 rows; long tables cut to their first
rows and pointed to the workbook), the Excel workbook (a sheet per table, widths and number
formats) and the files in a directory (``report.md``, ``report.xlsx``, ``report.docx`` and one
PNG per chart), each written atomically."""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from zoneopt.errors import InvalidInputError
from zoneopt.files import atomic_write, atomic_write_text
from zoneopt.plans.display import Display, display_table, export_table, significant, write_excel
from zoneopt.report.document import Block, Chart, ChartNote, Section, Table, Text

REPORT_MD = "report.md"
REPORT_XLSX = "report.xlsx"
REPORT_DOCX = "report.docx"


# -- Markdown ---------------------------------------------------------------------------------

def num(v: Any) -> str:
    """A number in a sentence: thousands separators; no decimals from 1,000 up, one from 100,
    two from 1, three significant digits below 1; solver noise (|v| < 1e-9, or within 1e-9 of
    a whole number) shown as the whole number; never scientific notation."""
    if v is None:
        return "–"
    if isinstance(v, (bool, np.bool_)):
        return "yes" if v else "no"
    if isinstance(v, (int, np.integer)):
        return f"{int(v):,}"
    if not isinstance(v, (float, np.floating)):
        return str(v)
    f = float(v)
    if math.isnan(f):
        return "–"
    if math.isinf(f):
        return "∞" if f > 0 else "−∞"
    a = abs(f)
    if a < 1e-9:
        return "0"
    if a >= 1000 or abs(f - round(f)) <= 1e-9 * max(1.0, a):
        return f"{round(f):,}"
    if a >= 100:
        return f"{f:,.1f}"
    if a >= 1:
        return f"{f:,.2f}".rstrip("0").rstrip(".")
    return significant(f, 3, 9)


def md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table_md(t: Table, display: Display) -> list[str]:
    frame, kinds = t.shown(display)
    shown = display_table(frame.head(t.md_rows), display, total_over=frame, total=t.total, kinds=kinds,
                          labels=t.headers(display))
    numeric = [pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])
               for c in frame.columns]
    lines = ["| " + " | ".join(md_escape(str(c)) for c in shown.columns) + " |",
             "|" + "|".join("---:" if n else "---" for n in numeric) + "|"]
    for row in shown.itertuples(index=False, name=None):
        lines.append("| " + " | ".join(md_escape(str(v)) for v in row) + " |")
    if len(frame) > t.md_rows:
        lines.append("")
        lines.append(display.t("report.more_rows", n=len(frame) - t.md_rows, book=REPORT_XLSX, sheet=_sheet(t.name)))
    return lines


def _block_md(b: Block, display: Display) -> list[str]:
    if isinstance(b, Text):
        return [b.markdown, ""]
    if isinstance(b, Chart):
        out = [f"![{b.title}]({b.filename})", ""]
        return out + ([b.caption, ""] if b.caption else [])
    if isinstance(b, ChartNote):
        return ["*" + display.t("report.chart_not_drawn", title=b.title, note=md_escape(b.note)) + "*", ""]
    if not b.markdown:
        return ["*" + display.t("report.in_workbook", title=b.title, n=len(b.frame), book=REPORT_XLSX,
                                sheet=_sheet(b.name)) + "*", ""]
    out = [f"### {b.title}", ""]
    if b.caption:
        out += [b.caption, ""]
    if b.frame.empty:
        return out + [display.t("report.none"), ""]
    return out + _table_md(b, display) + [""]


def render_markdown(title: str, sections: Iterable[Section], display: Display) -> str:
    """The report as Markdown; charts are linked by file name (relative to the report)."""
    out = [f"# {title}", ""]
    for s in sections:
        out += [f"## {s.title}", ""]
        for b in s.blocks:
            out += _block_md(b, display)
    return "\n".join(out).rstrip() + "\n"


# -- the workbook and the files ------------------------------------------------------------

_BAD_SHEET = str.maketrans({c: "-" for c in "[]:*?/\\"})


def _sheet(name: str) -> str:
    return name.translate(_BAD_SHEET)[:31]


def _write_workbook(path: Path, tables: Iterable[Table], display: Display) -> Path:
    sheets = {}
    for t in tables:  # a loop over tables
        frame, kinds = t.shown(display)
        sheets[t.name] = export_table(frame, display, excel=True, total=t.total, kinds=kinds,
                                      labels=t.headers(display))
    return write_excel(path, sheets)


def write_files(directory: str | Path, charts: dict[str, Chart], tables: Iterable[Table], text: str | None,
                display: Display, docx: bytes | None = None, workbook: bool = True) -> list[Path]:
    """Write one PNG per chart (by file name), ``report.xlsx`` (``tables``, a sheet each, in
    ``display``'s words and units), ``report.docx`` (``docx``, when given) and ``report.md``
    (``text``, when given) into ``directory`` (created if needed), each atomically; the
    Markdown last, so every file it links to exists. Returns the paths written."""
    d = Path(directory)
    if d.exists() and not d.is_dir():
        raise InvalidInputError(f"--out {d}: exists and is not a directory")
    d.mkdir(parents=True, exist_ok=True)
    written = []
    for name, chart in charts.items():
        png = chart.png
        written.append(atomic_write(d / name, lambda p, data=png: p.write_bytes(data)))  # type: ignore[misc]
    if workbook:
        written.append(_write_workbook(d / REPORT_XLSX, tables, display))
    if docx is not None:
        written.append(atomic_write(d / REPORT_DOCX, lambda p: p.write_bytes(docx)))  # type: ignore[arg-type]
    if text is not None:
        written.append(atomic_write_text(d / REPORT_MD, text))
    return written
