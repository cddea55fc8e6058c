"""The report's document model: a :class:`Section` is a heading and its blocks in order, and a
block is a paragraph (:class:`Text`), a :class:`Table`, a drawn :class:`Chart` or a
:class:`ChartNote` saying why a chart was not drawn. Plain data: how blocks become Markdown, a
workbook and PNG files is :mod:`zoneopt.report.writers`' business."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from zoneopt.plans.display import Display

MD_ROWS = 60
"""Rows of a table shown in the Markdown (all of them are in the workbook)."""


@dataclass(frozen=True)
class Text:
    """A Markdown paragraph (or list)."""

    markdown: str


@dataclass(frozen=True, eq=False)
class Table:
    """A table: ``name`` is its sheet name in the workbook, ``title`` its heading. ``frame``
    keeps the plan's data columns and units (what :attr:`Report.tables` gives programs); the
    writers show it through :mod:`zoneopt.plans.display` (glossary headers with units, money in
    the display unit, rounded, no scientific notation). The Markdown and the Word document show
    at most ``md_rows`` rows (all are in the workbook); columns in ``percent`` are shown as
    percentages, ``kinds`` says how other columns are shown (mu, money, t, ...); ``total`` adds
    a 合计 row; ``unit_column`` names a column holding each row's unit for ``per_row`` values
    (a table of pools in mu, t and money)."""

    name: str
    title: str
    frame: pd.DataFrame
    caption: str = ""
    md_rows: int = MD_ROWS
    percent: tuple[str, ...] = ()
    markdown: bool = True
    """False: in the workbook only (the Markdown names the sheet)."""
    kinds: tuple[tuple[str, str], ...] = ()
    total: bool = False
    unit_column: str | None = None
    per_row: tuple[str, ...] = ()
    labels: tuple[tuple[str, str], ...] = ()
    """Glossary keys of headers that differ from the column's usual one (``label`` of a
    scenario table is the scenario, not what a rule applies to)."""

    def headers(self, display: Display) -> dict[str, str]:
        """The header overrides in ``display``'s words."""
        return {c: display.t(key) for c, key in self.labels}

    def shown(self, display: Display) -> tuple[pd.DataFrame, dict[str, str]]:
        """The frame as the writers show it (per-row units resolved) and the kinds of its columns."""
        from zoneopt.plans.display import per_row_units

        frame = self.frame
        if self.unit_column is not None and self.unit_column in frame:
            frame = per_row_units(frame, display, self.unit_column, self.per_row)
        kinds = dict(self.kinds)
        kinds.update({c: "pct" for c in self.percent})
        kinds.update({c: "ratio" for c in self.per_row if c not in kinds})
        return frame, kinds


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

