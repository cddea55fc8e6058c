"""A plan report: Markdown, an Excel workbook (a sheet per table) and PNG charts.

:func:`build_report` solves an instance and gathers, in memory, everything an analyst reads
about the plan: the summary, units and presolve warnings; the evaluations' results per zone;
a section per configured resource (emission allowances: pools, allowances per zone and
pollutant, per city, bindings with prices per t; funds: funds against requests, leverage, per
city, bindings; the project portfolio: pool use, targets, revenue against the count targets,
zone totals, every project; each with a chart), scenarios over every resource; and for land
the allocation table, the binding rules with
their sources and shadow prices, the rules ranked by what they cost (first order and exact),
the what-if curve over the pool (×0.8 … ×1.2), the efficiency–equity frontier, the scenario
comparison when the instance carries scenarios, and charts (allocation per zone, score against
allocation per existing mu, totals per city, the what-if curve, the frontier).
:meth:`Report.write` writes ``report.md`` and the PNGs (the Markdown embeds the charts by
relative path), ``report.xlsx`` and ``report.docx`` (a Word document: title page, tables,
charts; :mod:`zoneopt.report.docx`) into a directory, each file atomically. Every heading,
caption, table header and chart is in the report's language (``lang``, default the instance's
``metadata.language``), numbers as :mod:`zoneopt.plans.display` shows them.

Charts need the ``report`` extra (``pip install "zoneopt[report]"``: matplotlib and the Noto
Sans CJK font, so Chinese zone names render); without it :class:`MissingDependencyError`
(exit code 2) says so. Figures are drawn on matplotlib's Agg canvas, never a display, and
matplotlib is imported on first use, not by importing this package.

The report is made of :class:`Section` s of blocks (:class:`Text`, :class:`Table`,
:class:`Chart`, :class:`ChartNote`); a resource is one section built by a function in
:data:`RESOURCE_SECTIONS` (land, emissions, funds, portfolio), or, for a resource without a row
there, by the generic section (its pools, the plan's zone table, per city, binding rules).
Adding a resource to the report needs nothing here; a section of its own is one section
builder and one row of that table.

The modules, lowest first: ``document`` (the blocks and sections), ``writers`` (Markdown, the
workbook, the files), ``charts`` (the renderer and every chart), ``context`` (what a section
builder gets), the sections (``summary``: summary and evaluations; ``land``;
``plan_sections``: emission allowances, funds, the portfolio, the generic section;
``scenarios``), and ``build`` (the table of resource sections, :func:`build_report` and the
:class:`Report`).
"""

from zoneopt.report.build import (
    REPORT_FORMATS,
    RESOURCE_SECTIONS,
    WHAT_IF_FACTORS,
    Report,
    build_report,
    require_chart_packages,
)
from zoneopt.report.charts import INSTALL_HINT, MissingDependencyError
from zoneopt.report.context import ReportContext
from zoneopt.report.document import Chart, ChartNote, Section, Table, Text
from zoneopt.report.docx import require_docx
from zoneopt.report.writers import REPORT_DOCX, REPORT_MD, REPORT_XLSX

__all__ = [
    "build_report", "require_chart_packages", "Report", "Section", "Text", "Table", "Chart", "ChartNote",
    "ReportContext", "RESOURCE_SECTIONS", "MissingDependencyError", "REPORT_MD", "REPORT_XLSX", "WHAT_IF_FACTORS",
    "INSTALL_HINT", "REPORT_DOCX", "REPORT_FORMATS", "require_docx",
]
