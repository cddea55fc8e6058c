"""The report's document model: a :class:`Section` is a heading and its blocks in order, and a
block is a paragraph (:class:`Text`), a :class:`Table`, a drawn :class:`Chart` or a
:class:`ChartNote` saying why a chart was not drawn. Plain data: how blocks become Markdown, a
workbook and PNG files is :mod:`zoneopt.report.writers`' business."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

MD_ROWS = 60
"""Rows of a table shown in the Markdown (all of them are in the workbook)."""


@dataclass(frozen=True)
class Text:
    """A Markdown paragraph (or list)."""

    markdown: str


@dataclass(frozen=True, eq=False)
class Table:
    """A table: ``name`` is its sheet name in the workbook, ``title`` its heading. The
    Markdown shows at most ``md_rows`` rows (all are in the workbook); columns in ``percent``
    are shown as percentages."""

    name: str
    title: str
    frame: pd.DataFrame
    caption: str = ""
    md_rows: int = MD_ROWS
    percent: tuple[str, ...] = ()
    markdown: bool = True
    """False: in the workbook only (the Markdown names the sheet)."""


@dataclass(frozen=True, eq=False)
class Chart:
    """A chart as PNG bytes, written to ``<name>.png``."""

    name: str
    title: str
    png: bytes
    caption: str = ""

    @property
    def filename(self) -> str:
        return f"{self.name}.png"


@dataclass(frozen=True)
class ChartNote:
    """A chart that was not drawn (nothing to show, or it could not be computed), and why."""

    name: str
    title: str
    note: str


Block = Text | Table | Chart | ChartNote


@dataclass(frozen=True, eq=False)
class Section:
    """A section of the report: a heading and its blocks in order. ``key`` is ``summary``,
    ``evaluations`` or a resource (``land``)."""

    key: str
    title: str
    blocks: tuple[Block, ...]

