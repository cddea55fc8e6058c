"""The report's output: its Markdown (numbers and cells formatted for reading, long tables cut
to their first rows and pointed to the workbook), the Excel workbook (a sheet per table) and
the files in a directory (``report.md``, ``report.xlsx`` and one PNG per chart), each written
atomically."""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from zoneopt.errors import InvalidInputError
from zoneopt.files import atomic_write, atomic_write_text
from zoneopt.plans import write_frame
from zoneopt.report.document import Block, Chart, ChartNote, Section, Table, Text

REPORT_MD = "report.md"
REPORT_XLSX = "report.xlsx"


# -- Markdown ---------------------------------------------------------------------------------

def num(v: Any) -> str:
    """A number for the Markdown: thousands separators; no decimals from 1,000 up, one from 100,
    two from 1, three significant digits below 1; solver noise (|v| < 1e-9, or within 1e-9 of
    a whole number) shown as the whole number."""
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
    if a >= 1e15:
        return f"{f:.3g}"
    if a >= 1000 or abs(f - round(f)) <= 1e-9 * max(1.0, a):
        return f"{round(f):,}"
    if a >= 100:
        return f"{f:,.1f}"
    if a >= 1:
        return f"{f:,.2f}".rstrip("0").rstrip(".")
    return f"{f:.3g}"


def md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _cell(v: Any, percent: bool) -> str:
    if percent and isinstance(v, (float, np.floating)) and math.isfinite(float(v)):
        return f"{float(v):.1%}"
    if isinstance(v, str):
        return md_escape(v) if v else ""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    return md_escape(num(v))


def _table_md(t: Table) -> list[str]:
    frame = t.frame
    shown = frame.head(t.md_rows)
    cols = [str(c) for c in frame.columns]
    numeric = [pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])
               for c in frame.columns]
    lines = ["| " + " | ".join(md_escape(c) for c in cols) + " |",
             "|" + "|".join("---:" if n else "---" for n in numeric) + "|"]
    pct = [str(c) in t.percent for c in frame.columns]
    for row in shown.itertuples(index=False, name=None):
        lines.append("| " + " | ".join(_cell(v, p) for v, p in zip(row, pct, strict=True)) + " |")
    if len(frame) > len(shown):
        lines.append("")
        lines.append(f"… {len(frame) - len(shown)} more rows in `{REPORT_XLSX}`, sheet `{_sheet(t.name)}`.")
    return lines


def _block_md(b: Block) -> list[str]:
    if isinstance(b, Text):
        return [b.markdown, ""]
    if isinstance(b, Chart):
        out = [f"![{b.title}]({b.filename})", ""]
        return out + ([b.caption, ""] if b.caption else [])
    if isinstance(b, ChartNote):
        return [f"*Chart “{b.title}” not drawn: {md_escape(b.note)}.*", ""]
    if not b.markdown:
        return [f"*{b.title}*: {len(b.frame)} rows in `{REPORT_XLSX}`, sheet `{_sheet(b.name)}`.", ""]
    out = [f"### {b.title}", ""]
    if b.caption:
        out += [b.caption, ""]
    if b.frame.empty:
        return out + ["(none)", ""]
    return out + _table_md(b) + [""]


def render_markdown(title: str, sections: Iterable[Section]) -> str:
    """The report as Markdown; charts are linked by file name (relative to the report)."""
    out = [f"# {title}", ""]
    for s in sections:
        out += [f"## {s.title}", ""]
        for b in s.blocks:
            out += _block_md(b)
    return "\n".join(out).rstrip() + "\n"


# -- the workbook and the files ------------------------------------------------------------

_BAD_SHEET = str.maketrans({c: "-" for c in "[]:*?/\\"})


def _sheet(name: str) -> str:
    return name.translate(_BAD_SHEET)[:31]


def _write_workbook(path: Path, tables: dict[str, pd.DataFrame]) -> Path:
    def write(p: Path) -> None:
        used: set[str] = set()
        with pd.ExcelWriter(p, engine="openpyxl") as xl:
            for name, frame in tables.items():  # a loop over tables
                sheet = _sheet(name)
                k = 2
                while sheet in used:
                    sheet = f"{_sheet(name)[:28]}-{k}"
                    k += 1
                used.add(sheet)
                write_frame(xl, frame, sheet)
                ws = xl.sheets[sheet]
                for j, col in enumerate(frame.columns):  # column widths: a loop over columns
                    sample = frame.iloc[:200, j].tolist()
                    width = max([len(str(col))] + [len(str(v)) for v in sample])
                    ws.column_dimensions[ws.cell(row=1, column=j + 1).column_letter].width = min(60, max(8, width + 2))
    return atomic_write(path, write)


def write_files(directory: str | Path, charts: dict[str, Chart], tables: dict[str, pd.DataFrame],
                text: str) -> list[Path]:
    """Write one PNG per chart (by file name), ``report.xlsx`` (``tables``, a sheet each) and
    ``report.md`` (``text``) into ``directory`` (created if needed), each atomically; the
    Markdown last, so every file it links to exists. Returns the paths written."""
    d = Path(directory)
    if d.exists() and not d.is_dir():
        raise InvalidInputError(f"--out {d}: exists and is not a directory")
    d.mkdir(parents=True, exist_ok=True)
    written = []
    for name, chart in charts.items():
        png = chart.png
        written.append(atomic_write(d / name, lambda p, data=png: p.write_bytes(data)))  # type: ignore[misc]
    written.append(_write_workbook(d / REPORT_XLSX, tables))
    written.append(atomic_write_text(d / REPORT_MD, text))
    return written
