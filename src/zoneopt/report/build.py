"""The report as a whole: :data:`RESOURCE_SECTIONS`, the one table from a resource to its
section builder (:func:`section_builder`: a resource without a row gets the generic section);
:func:`build_report`, which solves every configured resource and gathers the summary, the
evaluations, the resources' sections and the scenarios; and the :class:`Report` it returns,
which renders its Markdown and writes its files."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import pandas as pd

from zoneopt.analysis.explain import LandSolve
from zoneopt.core.progress import track
from zoneopt.core.solution import SolveOptions
from zoneopt.core.solve import DEFAULT_BACKEND
from zoneopt.errors import InvalidInputError
from zoneopt.instance import Instance
from zoneopt.plans import ResourcePlan
from zoneopt.plans.display import Display
from zoneopt.report.charts import ChartRenderer
from zoneopt.report.context import ReportContext, SectionBuilder
from zoneopt.report.document import Block, Chart, ChartNote, Section, Table
from zoneopt.report.land import land_section
from zoneopt.report.plan_sections import emission_section, fund_section, generic_section, portfolio_section
from zoneopt.report.scenarios import scenario_section
from zoneopt.report.summary import evaluation_section, summary_section
from zoneopt.report.sweeps import sweep_section, sweep_table
from zoneopt.report.writers import render_markdown, write_files
from zoneopt.report.years import years_section
from zoneopt.resources import configured

REPORT_FORMATS = ("md", "xlsx", "docx")
"""What :meth:`Report.write` can write: Markdown with PNG charts, the workbook, a Word document."""

WHAT_IF_FACTORS = (0.8, 0.9, 1.0, 1.1, 1.2)
"""Default pool factors of the what-if curve."""

RESOURCE_SECTIONS: dict[str, SectionBuilder] = {"land": land_section, "emissions": emission_section,
                                                "funds": fund_section, "portfolio": portfolio_section}
"""The resources with a section builder of their own: a builder takes the
:class:`ReportContext` and returns its :class:`Section` and what it solved (the land solve, or
the resource's plan) for the summary. The report shows the resources the instance configures,
in registry order (:func:`zoneopt.resources.configured`: the portfolio alone when there are
projects); one without a row here gets the generic section (:func:`section_builder`)."""


def section_builder(resource: str) -> SectionBuilder:
    """The section builder of ``resource``: its row of :data:`RESOURCE_SECTIONS`, else the
    generic section (:func:`~zoneopt.report.plan_sections.generic_section`: pools, allocations
    per zone and per city, binding rules)."""
    tailored = RESOURCE_SECTIONS.get(resource)
    return tailored if tailored is not None else partial(generic_section, resource=resource)


@dataclass(frozen=True, eq=False)
class Report:
    """A report in memory (:func:`build_report`): sections of text, tables and charts.
    :attr:`tables` and :attr:`charts` list them by sheet and file name; :meth:`markdown`
    renders the Markdown; :meth:`write` writes every file."""

    instance: str
    title: str
    synthetic: bool
    sections: tuple[Section, ...]
    land: LandSolve | None = None
    notes: tuple[str, ...] = field(default=())
    plans: dict[str, ResourcePlan] = field(default_factory=dict)
    """The emission, fund and portfolio plans the report shows, by resource."""
    display: Display = field(default_factory=Display)
    """The report's language and money units."""
    backend: str = DEFAULT_BACKEND

    def blocks(self) -> list[Block]:
        return [b for s in self.sections for b in s.blocks]

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table by sheet name, in report order."""
        return {b.name: b.frame for b in self.blocks() if isinstance(b, Table)}

    @property
    def charts(self) -> dict[str, Chart]:
        """Every drawn chart by file name (``land-allocation.png`` ...)."""
        return {b.filename: b for b in self.blocks() if isinstance(b, Chart)}

    @property
    def chart_notes(self) -> dict[str, str]:
        """Charts not drawn, by name, with the reason."""
        return {b.name: b.note for b in self.blocks() if isinstance(b, ChartNote)}

    def table_blocks(self) -> list[Table]:
        """Every table block, in report order."""
        return [b for b in self.blocks() if isinstance(b, Table)]

    def markdown(self) -> str:
        """The report as Markdown; charts are linked by file name (relative to the report)."""
        return render_markdown(self.title, self.sections, self.display)

    def docx(self) -> bytes:
        """The report as a Word document (:mod:`zoneopt.report.docx`): a title page, the
        summary, every section's text, tables and charts, each rule with its clause."""
        from zoneopt.report.docx import docx_bytes

        return docx_bytes(self)

    def write(self, directory: str | Path, formats: Sequence[str] = ("md", "xlsx")) -> list[Path]:
        """Write the report into ``directory`` (created if needed), each file atomically:
        ``md`` (``report.md`` and one PNG per chart it links), ``xlsx`` (``report.xlsx``),
        ``docx`` (``report.docx``, charts inside); the Markdown last, so every file it links to
        exists. Returns the paths written."""
        unknown = [f for f in formats if f not in REPORT_FORMATS]
        if unknown or not formats:
            raise InvalidInputError(f"report: unknown format {unknown[0] if unknown else ''!r}; formats: "
                                    f"{', '.join(REPORT_FORMATS)}")
        md = "md" in formats
        return write_files(directory, self.charts if md else {}, self.table_blocks(),
                           self.markdown() if md else None, self.display,
                           docx=self.docx() if "docx" in formats else None, workbook="xlsx" in formats)


def build_report(instance: Instance, backend: str = DEFAULT_BACKEND, *, options: SolveOptions | None = None,
                 what_if_factors: Sequence[float] = WHAT_IF_FACTORS, frontier_points: int = 11,
                 rule_costs: bool = True, scenarios: bool = True, charts: bool = True,
                 lang: str | None = None, sweep: str | Path | pd.DataFrame | None = None,
                 years: bool = True) -> Report:
    """Solve ``instance`` and build its report in memory (tables and PNG charts).

    ``what_if_factors`` are the pool factors of the what-if curve (default ×0.8 … ×1.2);
    ``frontier_points`` the ε-constraint points of the efficiency–equity frontier;
    ``rule_costs`` re-solves without each rule for the exact cost ranking; ``scenarios``
    compares the instance's scenarios (if any); ``charts`` draws the PNGs (needs matplotlib and
    the Noto CJK font: the ``report`` extra); ``lang`` (``zh`` or ``en``; default the instance's
    ``metadata.language``, else English) is the language of every heading, caption, table
    header and chart, money shown in the instance's ``units.money_display``; ``sweep`` (a sweep
    of this instance: its Parquet file or table, :mod:`zoneopt.analysis.sweeps`) adds the sweep
    section: a fan chart of each zone's allocation over the draws, the probability of land,
    grade stability, replacement costs. ``years`` (default on) adds, for an instance with
    ``periods``, the plan over years: each year's pools and allocations and every target of the
    plan met or short (:mod:`zoneopt.report.years`).

    Raises :class:`MissingDependencyError` (exit code 2) when charts are asked for and the
    ``report`` extra is missing (checked before anything is solved);
    :class:`~zoneopt.errors.InfeasibleError` (3, with the diagnosis) when the plan's rules
    cannot all hold; :class:`InvalidInputError` for an instance without a resource to report,
    bad factors or points; and what :func:`zoneopt.solve_land` raises otherwise.
    """
    display = Display.of(instance, lang)
    renderer = ChartRenderer.load() if charts else None
    factors = tuple(float(f) for f in what_if_factors)
    if not factors or any(not (math.isfinite(f) and f >= 0) for f in factors):
        raise InvalidInputError(f"report: what-if factors must be finite and >= 0, got {list(what_if_factors)}")
    if int(frontier_points) != frontier_points or frontier_points < 2:
        raise InvalidInputError(f"report: frontier points must be an integer >= 2, got {frontier_points!r}")
    swept = sweep_table(sweep) if sweep is not None else None  # read before solving: a bad file costs nothing
    resources = configured(instance)
    if not resources:
        raise InvalidInputError(f"instance {instance.name!r}: nothing to report: it has no land, emission or fund "
                                "pool and no projects")
    ctx = ReportContext(instance, backend, options if options is not None else SolveOptions(), factors,
                        int(frontier_points), rule_costs, scenarios, renderer, display)
    built = [section_builder(key)(ctx)  # solves first: an infeasible plan stops here
             for key in track(resources, "report", unit="section")]
    land = next((solved for _, solved in built if isinstance(solved, LandSolve)), None)
    plans = {key: solved for key, (_, solved) in zip(resources, built, strict=True) if isinstance(solved, ResourcePlan)}
    sections = [summary_section(instance, land, backend, plans, display),
                evaluation_section(instance, backend, display)]
    sections += [s for s, _ in built]
    if scenarios and instance.scenarios and plans:
        sections.append(scenario_section(ctx))
    if years and instance.periods is not None:
        sections.append(years_section(ctx))
    if swept is not None:
        sections.append(sweep_section(instance, swept, renderer, land.plan.summary.objective_unit if land else "",
                                      display))
    title = display.t("report.title", name=instance.name)
    return Report(instance=instance.name, title=title, synthetic=instance.metadata.synthetic,
                  sections=tuple(sections), land=land, plans=plans, display=display, backend=backend)


def require_chart_packages() -> None:
    """Raise :class:`MissingDependencyError` (exit code 2) unless matplotlib and the Noto CJK
    font (the ``report`` extra) can be loaded; registers the font with matplotlib."""
    ChartRenderer.load()
