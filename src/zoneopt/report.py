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
:meth:`Report.write` writes ``report.md``, ``report.xlsx`` and the PNGs into a directory, each
file atomically; the Markdown embeds the charts by relative path.

Charts need the ``report`` extra (``pip install "zoneopt[report]"``: matplotlib and the Noto
Sans CJK font, so Chinese zone names render); without it :class:`MissingDependencyError`
(exit code 2) says so. Figures are drawn on matplotlib's Agg canvas, never a display.

The report is made of :class:`Section` s of blocks (:class:`Text`, :class:`Table`,
:class:`Chart`, :class:`ChartNote`); a resource is one section built by a function in
:data:`RESOURCE_SECTIONS` (land, emissions, funds, portfolio).
"""

from __future__ import annotations

import importlib
import io
import math
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from zoneopt.analysis.explain import LandSolve, solve_land_detail
from zoneopt.core.solution import SolveOptions
from zoneopt.core.solve import DEFAULT_BACKEND
from zoneopt.errors import InvalidInputError, ZoneoptError
from zoneopt.files import atomic_write, atomic_write_text
from zoneopt.instance import MONEY_LABEL, Instance
from zoneopt.plans import ResourcePlan
from zoneopt.resources import TITLES

REPORT_MD = "report.md"
REPORT_XLSX = "report.xlsx"
WHAT_IF_FACTORS = (0.8, 0.9, 1.0, 1.1, 1.2)
"""Default pool factors of the what-if curve."""
MD_ROWS = 60
"""Rows of a table shown in the Markdown (all of them are in the workbook)."""
BAR_ZONES = 60
"""At most this many zones in the allocation bar chart (the largest allocations)."""
SCATTER_LABELS = 40
"""At most this many zones with land are named in the score chart (the largest allocations)."""
STRIP_ZONES = 60
"""Zones at 0 are named below the score chart only when there are at most this many."""
FONT_FAMILY = "Noto Sans CJK SC"
INSTALL_HINT = 'pip install "zoneopt[report]"'


class MissingDependencyError(InvalidInputError):
    """An optional package a feature needs is not installed (exit code 2); the message says
    what to install."""


# -- report structure ---------------------------------------------------------------------------

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

    def markdown(self) -> str:
        """The report as Markdown; charts are linked by file name (relative to the report)."""
        out = [f"# {self.title}", ""]
        for s in self.sections:
            out += [f"## {s.title}", ""]
            for b in s.blocks:
                out += _block_md(b)
        return "\n".join(out).rstrip() + "\n"

    def write(self, directory: str | Path) -> list[Path]:
        """Write ``report.md``, ``report.xlsx`` and one PNG per chart into ``directory``
        (created if needed), each atomically; the Markdown last, so every file it links to
        exists. Returns the paths written."""
        d = Path(directory)
        if d.exists() and not d.is_dir():
            raise InvalidInputError(f"--out {d}: exists and is not a directory")
        d.mkdir(parents=True, exist_ok=True)
        written = []
        for name, chart in self.charts.items():
            png = chart.png
            written.append(atomic_write(d / name, lambda p, data=png: p.write_bytes(data)))  # type: ignore[misc]
        written.append(_write_workbook(d / REPORT_XLSX, self.tables))
        written.append(atomic_write_text(d / REPORT_MD, self.markdown()))
        return written


# -- building ---------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class ReportContext:
    """What a section builder gets: the instance, the backend and options, the settings of
    :func:`build_report`, and the chart renderer (None when charts are off)."""

    instance: Instance
    backend: str
    options: SolveOptions
    what_if_factors: tuple[float, ...]
    frontier_points: int
    rule_costs: bool
    scenarios: bool
    charts: _Charts | None


SectionBuilder = Callable[[ReportContext], tuple[Section, "LandSolve | ResourcePlan | None"]]
"""A resource's section builder: its :class:`Section` and what it solved (the land solve, or
the emission, fund or portfolio plan) for the summary."""


def build_report(instance: Instance, backend: str = DEFAULT_BACKEND, *, options: SolveOptions | None = None,
                 what_if_factors: Sequence[float] = WHAT_IF_FACTORS, frontier_points: int = 11,
                 rule_costs: bool = True, scenarios: bool = True, charts: bool = True) -> Report:
    """Solve ``instance`` and build its report in memory (tables and PNG charts).

    ``what_if_factors`` are the pool factors of the what-if curve (default ×0.8 … ×1.2);
    ``frontier_points`` the ε-constraint points of the efficiency–equity frontier;
    ``rule_costs`` re-solves without each rule for the exact cost ranking; ``scenarios``
    compares the instance's scenarios (if any); ``charts`` draws the PNGs (needs matplotlib and
    the Noto CJK font: the ``report`` extra).

    Raises :class:`MissingDependencyError` (exit code 2) when charts are asked for and the
    ``report`` extra is missing (checked before anything is solved);
    :class:`~zoneopt.errors.InfeasibleError` (3, with the diagnosis) when the plan's rules
    cannot all hold; :class:`InvalidInputError` for an instance without a resource to report,
    bad factors or points; and what :func:`zoneopt.solve_land` raises otherwise.
    """
    renderer = _Charts.load() if charts else None
    factors = tuple(float(f) for f in what_if_factors)
    if not factors or any(not (math.isfinite(f) and f >= 0) for f in factors):
        raise InvalidInputError(f"report: what-if factors must be finite and >= 0, got {list(what_if_factors)}")
    if int(frontier_points) != frontier_points or frontier_points < 2:
        raise InvalidInputError(f"report: frontier points must be an integer >= 2, got {frontier_points!r}")
    resources = [key for key in RESOURCE_SECTIONS if _has_resource(instance, key)]
    if not resources:
        raise InvalidInputError(f"instance {instance.name!r}: nothing to report: it has no land, emission or fund "
                                "pool and no projects")
    ctx = ReportContext(instance, backend, options if options is not None else SolveOptions(), factors,
                        int(frontier_points), rule_costs, scenarios, renderer)
    built = [RESOURCE_SECTIONS[key](ctx) for key in resources]  # solves first: an infeasible plan stops here
    land = next((solved for _, solved in built if isinstance(solved, LandSolve)), None)
    plans = {key: solved for key, (_, solved) in zip(resources, built, strict=True) if isinstance(solved, ResourcePlan)}
    sections = [_summary_section(instance, land, backend, plans), _evaluation_section(instance, backend)]
    sections += [s for s, _ in built]
    if scenarios and instance.scenarios and plans:
        sections.append(_scenario_section(ctx))
    title = f"zoneopt report · {instance.name}"
    return Report(instance=instance.name, title=title, synthetic=instance.metadata.synthetic,
                  sections=tuple(sections), land=land, plans=plans)


def require_chart_packages() -> None:
    """Raise :class:`MissingDependencyError` (exit code 2) unless matplotlib and the Noto CJK
    font (the ``report`` extra) can be loaded; registers the font with matplotlib."""
    _Charts.load()


def _has_resource(instance: Instance, key: str) -> bool:
    """Whether ``instance`` configures resource ``key`` (:func:`zoneopt.resources.configured`;
    a key not known there is reported when its pool is given)."""
    from zoneopt.resources import RESOURCES, configured

    if key in RESOURCES:
        return key in configured(instance)
    return getattr(instance.pools, key, None) is not None


# -- summary and evaluations ------------------------------------------------------------------

def _summary_section(instance: Instance, land: LandSolve | None, backend: str,
                     plans: dict[str, ResourcePlan] | None = None) -> Section:
    meta = instance.metadata
    blocks: list[Block] = []
    head = []
    if meta.synthetic:
        head.append("**SYNTHETIC data**: the figures are made up (see the instance's metadata); "
                    "use the report to see how the model behaves, not for decisions.")
    if meta.description:
        head.append(meta.description)
    if meta.source:
        head.append(f"Source: {meta.source}")
    if head:
        blocks.append(Text("\n\n".join(head)))
    rows: list[tuple[str, Any]] = [("instance", instance.name), ("zones", len(instance.zones))]
    units = [("land", "mu (亩, 1/15 ha)"), ("money", MONEY_LABEL[instance.units.money]),
             ("energy", "tce (tonnes of standard coal)"), ("emissions", "t")]
    warnings: list[str] = []
    if land is not None:
        s = land.plan.summary
        rows += [("resource", "land (新增建设用地指标)"), ("status", s.status),
                 ("objective", f"{s.objective_kind}: {_num(s.objective)} {s.objective_unit}")]
        if s.secondary_objective is not None:
            rows.append(("tie-break (efficiency)", f"{_num(s.secondary_objective)} {s.secondary_objective_unit}"))
        rows += [("pool", f"{_num(s.pool_total_mu)} mu"), ("allocated", f"{_num(s.allocated_mu)} mu"),
                 ("zones allocated", f"{s.zones_allocated} of {s.zones}"),
                 ("backend", s.backend), ("solve time", f"{s.runtime_s:.3f} s"),
                 ("model", f"{land.lm.model.num_vars} variables × {land.lm.model.num_rows} rows"
                           f" ({'MIP' if land.lm.model.is_mip else 'LP'}), land unit {_num(s.land_unit_mu)} mu"),
                 ("checked", f"max violation {_num(s.check_max_violation)}")]
        units += [("objective", s.objective_unit), ("shadow prices", f"{s.objective_unit} per mu")]
        warnings = list(s.warnings)
    for key, plan in (plans or {}).items():  # the other resources' headlines
        r = plan.summary
        title = TITLES.get(key, key)
        rows += [(f"{key}: resource", f"{key} ({title}), {r.method}"), (f"{key}: status", r.status),
                 (f"{key}: objective", f"{r.objective_kind}: {_num(r.objective)} {r.objective_unit}"),
                 (f"{key}: pools", "; ".join(f"{p.pool} {_num(p.allocated)} of {_num(p.total)} {p.unit}"
                                             for p in r.pools)),
                 (f"{key}: zones allocated", f"{r.zones_allocated} of {r.zones}")]
        if r.projects is not None:
            rows.append((f"{key}: projects chosen", f"{r.projects_chosen} of {r.projects}"))
        rows += [(f"{key}: backend", f"{r.backend}, {r.runtime_s:.3f} s"
                                     + (f", gap {r.mip_gap:.2g}" if r.mip_gap is not None else "")),
                 (f"{key}: checked", f"max violation {_num(r.check_max_violation)}")]
        units.append((f"{key} objective", r.objective_unit))
        warnings += list(r.warnings)
    blocks.append(Table("summary", "Summary", pd.DataFrame(rows, columns=["field", "value"]).astype(str)))
    blocks.append(Table("units", "Units", pd.DataFrame(units, columns=["quantity", "unit"])))
    if warnings:
        blocks.append(Text("**Warnings** (presolve checks):\n\n" + "\n".join(f"- {_md_escape(w)}" for w in warnings)))
    else:
        blocks.append(Text("No presolve warnings."))
    if warnings:
        blocks.append(Table("warnings", "Warnings", pd.DataFrame({"warning": warnings}), markdown=False))
    return Section("summary", "Summary", tuple(blocks))


def _evaluation_section(instance: Instance, backend: str) -> Section:
    from zoneopt.evaluation.run import evaluated, score_unit

    if not instance.evaluations:
        return Section("evaluations", "Evaluations", (Text(
            "The instance carries no evaluation: scores and grades are as given in the instance."),))
    overview, notes = [], []
    zt = _zone_frame(instance)
    table = zt[["zone", "name", "city"]].copy()
    for ev in instance.evaluations:  # a loop over evaluations
        line = {"evaluation": ev.id, "method": ev.method if ev.preset is None else f"{ev.method} ({ev.preset})",
                "units": ev.units, "source": ev.source or "", "assigns": ", ".join(ev.assign) or "-",
                "score unit": score_unit(instance, ev.id), "note": ev.note or ""}
        overview.append(line)
        try:
            result = evaluated(instance, ev.id, backend=backend)
        except ZoneoptError as exc:
            notes.append(f"- `{ev.id}` could not run: {_md_escape(str(exc))}")
            continue
        z = result.zones
        table[f"{ev.id} score"] = z["score"].to_numpy(dtype=float)
        table[f"{ev.id} rank"] = z["rank"].to_numpy(dtype=float)
        table[f"{ev.id} grade"] = z["grade"].to_numpy(dtype=object)
    assigned = [ev.id for ev in instance.evaluations if ev.assign]
    where = ", ".join(f"`{e}`" for e in assigned) if assigned else "the instance itself (no evaluation assigns them)"
    intro = f"The plan reads each zone's score and grade from {where}. Rank 1 is the best."
    blocks: list[Block] = [Text(intro),
                           Table("evaluations", "Evaluations", pd.DataFrame(overview)),
                           Table("evaluation-results", "Results per zone", table)]
    if notes:
        blocks.append(Text("\n".join(notes)))
    return Section("evaluations", "Evaluations", tuple(blocks))


def _zone_frame(instance: Instance) -> pd.DataFrame:
    from zoneopt.data.zones import ZoneTable

    return ZoneTable.of(instance).frame


# -- land -------------------------------------------------------------------------------------

def _land_section(ctx: ReportContext) -> tuple[Section, LandSolve | None]:
    from zoneopt.analysis.sensitivity import frontier, rank_rules, rule_costs, what_if

    inst, backend, opts = ctx.instance, ctx.backend, ctx.options
    ls = solve_land_detail(inst, backend, options=opts)
    plan, prices = ls.plan, ls.prices
    s = plan.summary
    unit = s.objective_unit
    price_unit = f"{unit} per mu"
    blocks: list[Block] = []
    blocks.append(Text(
        f"The land pool of {_num(s.pool_total_mu)} mu (rule `land-total`"
        + (f", {ls.lm.pool.source}" if ls.lm.pool.source else "") + f") goes to {s.zones_allocated} of {s.zones} "
        f"zones; {_num(s.allocated_mu)} mu are allocated. Objective ({s.objective_kind}): "
        f"**{_num(s.objective)} {unit}**. Shadow prices are in {price_unit}: the change of the objective "
        "per mu of a rule's bound (a cap raised, a floor raised, the pool enlarged)."))

    # allocation
    a = plan.allocations
    alloc = pd.DataFrame({
        "zone": a["zone"], "name": a["name"], "city": a["city"], "level": a["level"], "grade": a["grade"],
        "score": a["score"], "existing_mu": a["land_area_mu"], "request_mu": a["request_mu"],
        "allocation_mu": a["allocation_mu"], "fulfilment": a["fulfilment"], "per_existing_mu": a["allocation_per_mu"],
        "binding_rules": a["binding_rules"]})
    alloc = alloc.sort_values("allocation_mu", ascending=False, kind="stable").reset_index(drop=True)
    blocks.append(_chart_or_note(ctx, "land-allocation", "Allocation per zone", _allocation_chart, a, s))
    blocks.append(Table("land-allocations", "Allocation per zone", alloc, percent=("fulfilment",),
                        caption="Sorted by allocation; `per_existing_mu` is new land per mu of existing land "
                                "(what a tilt rule orders by score)."))
    blocks.append(_chart_or_note(ctx, "land-score-vs-allocation", "Score against allocation per existing mu",
                                 _score_chart, a))

    cities = (a.groupby("city", sort=False)
              .agg(zones=("zone", "size"), zones_allocated=("allocation_mu", lambda v: int((v > 1e-9).sum())),
                   request_mu=("request_mu", "sum"), allocation_mu=("allocation_mu", "sum"))
              .reset_index())
    cities["share_of_pool"] = cities["allocation_mu"] / s.pool_total_mu
    cities = cities.sort_values("allocation_mu", ascending=False, kind="stable").reset_index(drop=True)
    blocks.append(_chart_or_note(ctx, "land-cities", "Allocation per city", _city_chart, cities))
    blocks.append(Table("land-cities", "Allocation per city", cities, percent=("share_of_pool",)))

    # binding rules and their prices
    bind = prices[prices["binding"]].copy()
    bind = bind.iloc[np.argsort(-bind["shadow_price"].abs().fillna(0.0).to_numpy(), kind="stable")]
    bind = bind[["rule", "type", "source", "row", "label", "side", "bound", "activity", "shadow_price", "value",
                 "range_lower", "range_upper"]].reset_index(drop=True)
    note = prices.attrs.get("ranging_note") or ""
    blocks.append(Table("land-bindings", "Binding rules and shadow prices", bind,
                        caption=f"Rule rows at their bound, the largest prices first. `shadow_price` in "
                                f"{price_unit}; `value` = price × bound; the price holds while the bound stays in "
                                f"[`range_lower`, `range_upper`] (HiGHS ranging){'; ' + note if note else ''}."))

    # rules ranked by cost
    ranked = rank_rules(prices)[["rule", "type", "source", "binding_rows", "impact", "top_price", "top_row"]]
    caption = (f"`impact`: Σ |shadow price| over the rule's rows, {price_unit}: what loosening every row of the "
               "rule by one mu would gain, to first order.")
    if ctx.rule_costs:
        costs = rule_costs(inst, backend, options=opts)[["rule", "status", "objective", "cost"]]
        ranked = ranked.merge(costs.rename(columns={"objective": "objective_without", "status": "status_without"}),
                              on="rule", how="left")
        ranked = ranked.sort_values("cost", ascending=False, kind="stable", na_position="last").reset_index(drop=True)
        caption += (f" `cost`: the objective's gain when the rule is dropped and the plan re-solved ({unit}); "
                    "the table is ordered by it. The pool `land-total` cannot be dropped.")
    blocks.append(Table("land-rule-ranking", "Rules ranked by what they cost", ranked, caption=caption))

    # what-if over the pool
    curve = what_if(inst, "pool", list(ctx.what_if_factors), relative=True, backend=backend, options=opts)
    pts = curve.points.rename(columns={"value": "pool_mu"}).drop(columns=["point"])
    pts["note"] = _infeasible_reasons(inst, pts, backend)
    if pts["secondary"].isna().all():
        pts = pts.drop(columns=["secondary"])
    blocks.append(_chart_or_note(ctx, "land-what-if", "What if the pool were larger or smaller",
                                 _what_if_chart, pts, unit))
    blocks.append(Table("land-what-if", "What if the pool were larger or smaller", pts,
                        caption=f"The plan re-solved with the pool (and the rules stated as shares of it) scaled; "
                                f"`objective` in {unit}; `marginal` = d objective / d pool at that point "
                                f"({price_unit})."))
    wa = curve.allocations.copy()
    wa.columns = [f"pool ×{f:g}" for f in ctx.what_if_factors]
    blocks.append(Table("land-what-if-zones", "What-if allocations per zone", wa.reset_index(), markdown=False))

    # frontier
    try:
        front = frontier(inst, ctx.frontier_points, backend, options=opts)
    except ZoneoptError as exc:
        blocks.append(ChartNote("land-frontier", "Efficiency–equity frontier", f"not computed: {exc}"))
    else:
        eff_unit = front.attrs["efficiency_unit"]
        blocks.append(_chart_or_note(ctx, "land-frontier", "Efficiency–equity frontier", _frontier_chart, front,
                                     eff_unit))
        blocks.append(Table("land-frontier", "Efficiency–equity frontier", front.drop(columns=["point"]),
                            percent=("epsilon", "min_fulfilment"),
                            caption=f"Maximum efficiency ({eff_unit}) when every zone that asked for land (and is "
                                    "not excluded) must get at least `epsilon` of its request (ε-constraint); "
                                    "the first row is the efficiency optimum, the last the equity optimum."))
        from zoneopt.analysis.sensitivity import frontier_allocations

        fa = frontier_allocations(front)
        fa.columns = [f"ε={e:.4g}" for e in front["epsilon"]]
        blocks.append(Table("land-frontier-zones", "Frontier allocations per zone", fa.reset_index(),
                            markdown=False))

    # scenarios
    if ctx.scenarios and inst.scenarios:
        blocks += _scenario_blocks(inst, backend, opts)
    return Section("land", "Land quota (新增建设用地指标)", tuple(blocks)), ls


def _infeasible_reasons(instance: Instance, points: pd.DataFrame, backend: str) -> list[str]:
    """For each infeasible what-if point, the diagnosis in rule terms (one line)."""
    from zoneopt.analysis.diagnose import diagnose_land

    out = [""] * len(points)
    pools = instance.pools
    assert pools.land is not None
    for k in np.flatnonzero(points["status"].to_numpy() == "infeasible").tolist():  # the few infeasible points
        land = pools.land.model_copy(update={"total_mu": float(points["pool_mu"].iloc[k])})
        variant = instance.model_copy(update={"pools": pools.model_copy(update={"land": land})})
        try:
            out[k] = diagnose_land(variant, backend, time_limit=30.0).message()
        except ZoneoptError as exc:
            out[k] = f"no diagnosis: {exc}"
    return out


def _scenario_blocks(instance: Instance, backend: str, opts: SolveOptions) -> list[Block]:
    from zoneopt.analysis.scenarios import compare, scenario_items

    result = compare(scenario_items(instance), backend, time_limit=opts.time_limit, mip_gap=opts.mip_gap)
    desc = {sc.id: sc.description for sc in instance.scenarios}
    summary = result.summary[["label", "status", "objective", "objective_delta", "objective_unit",
                              "allocated_mu", "allocated_delta", "zones_allocated", "message"]].copy()
    summary.insert(1, "description", [desc.get(label, "the instance as given") for label in summary["label"]])
    changes = result.biggest_changes(15)
    cols = ["zone", "name", "city", *result.labels, "largest_change_mu"]
    blocks: list[Block] = [
        Table("scenarios", "Scenarios", summary,
              caption="Each scenario re-solved; differences against `base`."),
        Table("scenario-changes", "Zones whose allocation changes most across scenarios", changes[cols],
              caption="Allocation (mu) per scenario; `largest_change_mu` the largest signed change from `base`."),
        Table("scenario-allocations", "Scenario allocations per zone", result.allocations, markdown=False),
        Table("scenario-cities", "Scenario allocations per city", result.cities.reset_index()),
    ]
    return blocks


# -- emission allowances, funds and the portfolio ---------------------------------------------

def _solve(ctx: ReportContext, key: str) -> ResourcePlan:
    from zoneopt.models.emissions import solve_emissions
    from zoneopt.models.funds import solve_funds
    from zoneopt.models.portfolio import solve_portfolio

    solver = {"emissions": solve_emissions, "funds": solve_funds, "portfolio": solve_portfolio}[key]
    plan: ResourcePlan = solver(ctx.instance, ctx.backend, options=ctx.options)
    return plan


def _pools_table(name: str, plan: ResourcePlan) -> Table:
    pools = pd.DataFrame([p.model_dump() for p in plan.summary.pools])
    pools["share_used"] = pools["allocated"] / pools["total"]
    return Table(name, "Pools", pools, percent=("share_used",),
                 caption="Each pool's total and what the plan allocates of it (rule: the pool's rule id).")


def _bindings_table(name: str, plan: ResourcePlan, unit_note: str) -> Table:
    b = plan.bindings.copy()
    if len(b):
        b = b.iloc[np.argsort(-b["shadow_price"].abs().fillna(0.0).to_numpy(), kind="stable")].reset_index(drop=True)
    return Table(name, "Binding rules and shadow prices", b, caption=unit_note)


def _city_table(name: str, a: pd.DataFrame, columns: list[str], title: str) -> Table:
    cities = a.groupby("city", sort=False)[columns].sum().reset_index()
    cities.insert(1, "zones", a.groupby("city", sort=False).size().to_numpy())
    cities = cities.sort_values(columns[0], ascending=False, kind="stable").reset_index(drop=True)
    return Table(name, title, cities)


def _emission_section(ctx: ReportContext) -> tuple[Section, ResourcePlan]:
    plan = _solve(ctx, "emissions")
    s = plan.summary
    a = plan.allocations
    pollutants = [p.pool for p in s.pools]
    blocks: list[Block] = [Text(
        f"Emission allowances freed by regional reduction ({s.method}): {len(pollutants)} pollutant pools, "
        f"{s.zones_allocated} of {s.zones} zones get some. Objective ({s.objective_kind}): **{_num(s.objective)} "
        f"{s.objective_unit}**. Allowances in t/yr; shadow prices in {s.objective_unit} per t of the pollutant."
        + "".join(f" {_md_escape(n)}." for n in s.notes))]
    blocks.append(_pools_table("emissions-pools", plan))
    blocks.append(_chart_or_note(ctx, "emissions-allocation", "Allowances per zone and pollutant",
                                 _emission_chart, a, pollutants))
    cols = ["zone", "name", "city", "grade", "score"] + [c for c in ("weight",) if c in a]
    for p in pollutants:
        cols += [c for c in (f"{p}_t", f"request_{p}_t", f"start_{p}_t", f"efficiency_{p}") if c in a]
    cols += [c for c in ("binding_rules",) if c in a]
    table = a[cols].copy()
    table["total_share"] = sum(a[f"{p}_t"].to_numpy(dtype=float) / max(pu.total, 1e-300)
                               for p, pu in zip(pollutants, s.pools, strict=True)) / len(pollutants)
    table = table.sort_values("total_share", ascending=False, kind="stable").reset_index(drop=True)
    blocks.append(Table("emissions-allocations", "Allowances per zone", table, percent=("total_share",),
                        caption="t/yr per pollutant (and the zone's request); `total_share` the zone's mean share of "
                                "the pools; sorted by it."))
    blocks.append(_city_table("emissions-cities", a, [f"{p}_t" for p in pollutants], "Allowances per city (t/yr)"))
    if s.method != "zsg-dea":
        blocks.append(_bindings_table("emissions-bindings", plan,
                                      f"Rule rows at their bound; `shadow_price` in {s.objective_unit} per t of the "
                                      "row's pollutant (the row name ends with it)."))
    return Section("emissions", "Emission allowances (排污指标)", tuple(blocks)), plan


def _fund_section(ctx: ReportContext) -> tuple[Section, ResourcePlan]:
    plan = _solve(ctx, "funds")
    s = plan.summary
    a = plan.allocations
    money = s.money_unit
    blocks: list[Block] = [Text(
        f"The year's fund budget of {_num(s.pools[0].total)} {money} ({s.method}): {_num(s.pools[0].allocated)} "
        f"{money} disbursed to {s.zones_allocated} of {s.zones} zones. Objective ({s.objective_kind}): "
        f"**{_num(s.objective)} {s.objective_unit}**."
        + (f" Shadow prices in {s.objective_unit} per {money}." if s.method == "lp" else
           " Whole tranches make it a MIP: no shadow prices.")
        + "".join(f" {_md_escape(n)}." for n in s.notes))]
    blocks.append(_pools_table("funds-pools", plan))
    blocks.append(_chart_or_note(ctx, "funds-allocation", "Funds per zone", _fund_chart, a, money))
    cols = [c for c in ("zone", "name", "city", "grade", "score", "request_funds", "funds", "tranches", "investment",
                        "leverage", "expected_tax", "priority", "weight", "binding_rules") if c in a]
    table = a[cols].sort_values("funds", ascending=False, kind="stable").reset_index(drop=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        req = table["request_funds"].to_numpy(dtype=float)
        table.insert(table.columns.get_loc("funds") + 1, "fulfilment",
                     np.where(req > 0, table["funds"].to_numpy(dtype=float) / req, np.nan))
    blocks.append(Table("funds-allocations", "Funds per zone", table, percent=("fulfilment", "leverage"),
                        caption=f"{money}; `leverage` = funds / the investment they co-finance; `weight` the objective "
                                "weight per unit of money (sector priority included)."))
    blocks.append(_city_table("funds-cities", a, ["funds", "request_funds"], f"Funds per city ({money})"))
    blocks.append(_bindings_table("funds-bindings", plan,
                                  f"Rule rows at their bound; `shadow_price` in {s.objective_unit} per {money} (LP "
                                  "only)."))
    return Section("funds", "Fund disbursement (基金投放)", tuple(blocks)), plan


def _portfolio_section(ctx: ReportContext) -> tuple[Section, ResourcePlan]:
    plan = _solve(ctx, "portfolio")
    s = plan.summary
    a = plan.allocations
    assert plan.projects is not None
    pr = plan.projects
    blocks: list[Block] = [Text(
        f"The joint project portfolio (项目为王, a MIP): {s.projects_chosen} of {s.projects} projects chosen in "
        f"{s.zones_allocated} of {s.zones} zones. Objective ({s.objective_kind}): **{_num(s.objective)} "
        f"{s.objective_unit}**. Every pool and zone rule of land, allowances and funds applies to the chosen "
        "projects' totals." + "".join(f" {_md_escape(n)}." for n in s.notes))]
    blocks.append(_pools_table("portfolio-pools", plan))
    blocks.append(_chart_or_note(ctx, "portfolio-pools", "Share of each pool the chosen projects use",
                                 _pool_use_chart, s))
    if s.targets:
        targets = pd.DataFrame([t.model_dump() for t in s.targets])
        blocks.append(Table("portfolio-targets", "Targets", targets,
                            caption="Count targets: zones reaching the threshold after the chosen projects; share "
                                    "targets: the share achieved."))
    counts = [t for t in ctx.instance.portfolio.rules if t.type == "count_target"]
    if counts:
        from zoneopt.data.zones import ZoneTable

        base = ZoneTable.of(ctx.instance).frame[counts[0].metric].to_numpy(dtype=float)
        blocks.append(_chart_or_note(ctx, "portfolio-revenue", "Revenue before and after the chosen projects",
                                     _revenue_chart, a, base, counts, s.money_unit))
    cols = [c for c in a.columns if c not in ("kind", "level", "shadow_prices")]
    zones = a[cols].sort_values("projects_chosen", ascending=False, kind="stable").reset_index(drop=True)
    blocks.append(Table("portfolio-zones", "Zone totals of the chosen projects", zones,
                        caption="Land mu, allowances t/yr, funds and revenue in the money unit; `reaches:<target>` "
                                "whether the zone reaches a count target's threshold."))
    order = np.lexsort((-pr["objective_term"].to_numpy(dtype=float), ~pr["chosen"].to_numpy(dtype=bool)))
    blocks.append(Table("portfolio-projects", "Projects", pr.iloc[order].reset_index(drop=True),
                        caption="Chosen projects first, the most valuable first (`objective_term`: what a project "
                                "adds to the objective when chosen)."))
    blocks.append(_bindings_table("portfolio-bindings", plan, "Rule rows at their bound (a MIP has no shadow prices)."))
    return Section("portfolio", "Project portfolio (项目为王)", tuple(blocks)), plan


def _scenario_section(ctx: ReportContext) -> Section:
    """Scenarios over every resource: per resource and per quantity (emission and fund pools)."""
    from zoneopt.analysis.scenarios import compare, scenario_items

    inst = ctx.instance
    result = compare(scenario_items(inst), ctx.backend, time_limit=ctx.options.time_limit,
                     mip_gap=ctx.options.mip_gap)
    desc = {sc.id: sc.description for sc in inst.scenarios}
    res = result.resources.copy()
    res.insert(1, "description", [desc.get(label, "the instance as given") for label in res["label"]])
    blocks: list[Block] = [Text("Each scenario re-solved for every resource; differences against `base`."),
                           Table("scenario-resources", "Scenarios per resource", res)]
    from zoneopt.resources import configured

    unchanged = []
    for q in result.quantities:  # a loop over quantities
        if q == "land" and "land" in configured(inst):
            continue  # the land section compares land
        top = result.biggest_changes(15, q)
        unit = result.units[q]
        if top.empty:
            unchanged.append(q)
            continue
        cols = ["zone", "name", "city", *result.labels, "largest_change_mu"]
        blocks.append(Table(f"scenario-{q}", f"{q}: zones that change most ({unit})",
                            top[cols].rename(columns={"largest_change_mu": "largest_change"}),
                            caption=f"{q} per scenario, {unit}; `largest_change` the largest signed change from "
                                    "`base`."))
    if unchanged:
        blocks.append(Text(f"No zone's {', '.join(unchanged)} changes in any scenario."))
    blocks.append(Table("scenario-quantities", "Scenario allocations per zone, every quantity",
                        pd.concat([t.assign(quantity=q, unit=result.units[q]) for q, t in result.quantities.items()],
                                  ignore_index=True), markdown=False))
    return Section("scenarios", "Scenarios over every resource", tuple(blocks))


# -- charts of the other resources ---------------------------------------------------------------

PANEL_ZONES = 12
"""Zones per pollutant panel of the emission chart (the largest allocations)."""


def _emission_chart(Figure: Any, a: pd.DataFrame, pollutants: list[str]) -> Any:
    data = {p: a[f"{p}_t"].to_numpy(dtype=float) for p in pollutants}
    shown = [p for p in pollutants if (data[p] > 1e-9).any()]
    if not shown:
        return "no zone gets allowances of any pollutant in this plan"
    names = _label(a["name"], a["zone"])
    cols = min(3, len(shown))
    rows = math.ceil(len(shown) / cols)
    fig = Figure(figsize=(4.6 * cols, 0.26 * PANEL_ZONES * rows + 1.2 * rows + 0.6))
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False)).ravel()
    for ax, p in zip(axes, shown, strict=False):  # a loop over pollutants
        v = data[p]
        got = np.flatnonzero(v > 1e-9)
        order = got[np.argsort(-v[got], kind="stable")][:PANEL_ZONES]
        y = np.arange(order.size)
        ax.barh(y, v[order], color="#c27c2c")
        ax.set_yticks(y, [names[i] for i in order.tolist()], fontsize=8)
        ax.invert_yaxis()
        total = float(v.sum())
        more = f", top {order.size} of {got.size}" if got.size > order.size else ""
        ax.set_title(f"{p}: {total:,.4g} t/yr to {got.size} zones{more}", fontsize=9.5)
        ax.set_xlabel("t/yr", fontsize=8)
        top = float(v[order].max())
        for k, i in enumerate(order.tolist()):
            ax.text(v[i] + 0.01 * top, y[k], f"{v[i]:,.4g}", va="center", fontsize=7)
        ax.set_xlim(0, top * 1.28)
        ax.grid(axis="x", alpha=0.3)
    for ax in axes[len(shown):]:
        ax.set_visible(False)
    fig.suptitle("Emission allowances per zone (the largest allocations of each pollutant)", fontsize=11)
    fig.subplots_adjust(wspace=0.55, hspace=0.45)
    return fig


def _fund_chart(Figure: Any, a: pd.DataFrame, money: str) -> Any:
    funds = a["funds"].to_numpy(dtype=float)
    got = np.flatnonzero(funds > 1e-9)
    if got.size == 0:
        return "no zone gets funds in this plan"
    order = got[np.argsort(-funds[got], kind="stable")][:BAR_ZONES]
    names = _label(a["name"].iloc[order], a["zone"].iloc[order])
    req = np.nan_to_num(a["request_funds"].to_numpy(dtype=float)[order])
    v = funds[order]
    n = order.size
    fig = Figure(figsize=(9, max(2.5, 0.34 * n + 1.5)))
    ax = fig.add_subplot()
    y = np.arange(n)
    ax.barh(y, req, color="#d9d9d9", label="request")
    ax.barh(y, v, height=0.55, color="#7a5195", label="funds")
    ax.set_yticks(y, names)
    ax.invert_yaxis()
    ax.set_xlabel(f"funds, {money}")
    shown = f"the {n} largest of {got.size}" if got.size > n else f"{n}"
    ax.set_title(f"Funds per zone ({shown} zones funded; {a.shape[0] - got.size} get none)")
    top = float(max(v.max(), req.max()))
    lev = a["leverage"].to_numpy(dtype=float)[order] if "leverage" in a else np.full(n, np.nan)
    for k in range(n):
        text = f"{v[k]:,.0f}" + (f"  (leverage {lev[k]:.0%})" if np.isfinite(lev[k]) else "")
        ax.text(max(v[k], req[k]) + 0.01 * top, y[k], text, va="center", fontsize=8)
    ax.set_xlim(0, top * 1.35)
    ax.grid(axis="x", alpha=0.3)
    ax.legend(loc="lower right", frameon=False)
    _thousands(ax.xaxis)
    return fig


def _pool_use_chart(Figure: Any, s: Any) -> Any:
    pools = list(s.pools)
    if not pools:
        return "the portfolio draws on no pool"
    share = np.array([p.allocated / p.total if p.total > 0 else 0.0 for p in pools])
    if not (share > 1e-9).any():
        return "no project is chosen in this plan"
    n = len(pools)
    fig = Figure(figsize=(9, max(2.5, 0.45 * n + 1.4)))
    ax = fig.add_subplot()
    y = np.arange(n)
    ax.barh(y, np.ones(n) * 100, color="#eeeeee")
    ax.barh(y, share * 100, color="#2a7f62")
    ax.set_yticks(y, [p.pool for p in pools])
    ax.invert_yaxis()
    ax.set_xlim(0, 135)
    ax.set_xticks([0, 20, 40, 60, 80, 100])  # the room past 100 % holds the labels
    ax.set_xlabel("share of the pool used, %")
    ax.set_title(f"Pools used by the {s.projects_chosen} chosen projects (of {s.projects})")
    for k, p in enumerate(pools):
        ax.text(101, y[k], f"{share[k]:.1%}: {_num(p.allocated)} of {_num(p.total)} {p.unit}", va="center", fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    return fig


def _revenue_chart(Figure: Any, a: pd.DataFrame, base: npt.NDArray[np.float64], counts: list[Any],
                   money: str) -> Any:
    metric = counts[0].metric
    after = a[f"{metric}_after"].to_numpy(dtype=float)
    if not np.isfinite(after).any():
        return f"no zone reports its {metric}"
    order = np.argsort(-np.nan_to_num(after), kind="stable")[:BAR_ZONES]
    names = _label(a["name"].iloc[order], a["zone"].iloc[order])
    n = order.size
    before = np.nan_to_num(base[order])
    gain = np.maximum(np.nan_to_num(after[order]) - before, 0.0)
    fig = Figure(figsize=(9, max(3.0, 0.3 * n + 1.8)))
    ax = fig.add_subplot()
    y = np.arange(n)
    ax.barh(y, before, color="#b0c4de", label=f"{metric} before")
    ax.barh(y, gain, left=before, color="#3b78b0", label="added by the chosen projects")
    ax.set_yticks(y, names, fontsize=8)
    ax.invert_yaxis()
    styles = ["--", ":", "-.", (0, (5, 1, 1, 1))]
    for k, c in enumerate(t for t in counts if t.metric == metric):  # a loop over count targets
        ax.axvline(c.threshold, color="#c0392b", linestyle=styles[k % len(styles)], linewidth=1.2,
                   label=f"{c.id}: ≥ {c.threshold:,.0f} (at least {c.at_least} zones)")
    ax.set_xlabel(f"{metric}, {money}/yr")
    ax.set_title(f"Zones' {metric} before and after the chosen projects, against the count targets")
    ax.grid(axis="x", alpha=0.3)
    ax.legend(loc="lower right", frameon=True, fontsize=8)
    _thousands(ax.xaxis)
    return fig


RESOURCE_SECTIONS: dict[str, SectionBuilder] = {"land": _land_section, "emissions": _emission_section,
                                                "funds": _fund_section, "portfolio": _portfolio_section}
"""Section builders per resource, in report order: a builder takes the :class:`ReportContext`
and returns its :class:`Section` and what it solved (the land solve, or the resource's plan)
for the summary. A resource the instance does not configure
(:func:`zoneopt.resources.configured`: the portfolio alone when there are projects) is left
out."""


# -- charts -----------------------------------------------------------------------------------

_FONT_LOCK = threading.Lock()
_FONT_PATH: list[str] = []


class _Charts:
    """matplotlib on the Agg canvas with the Noto CJK font registered. ``rc_context`` changes
    matplotlib's global settings, so drawing is serialised by a lock."""

    lock = threading.Lock()

    def __init__(self, font_path: str) -> None:
        self.font_path = font_path

    @classmethod
    def load(cls) -> _Charts:
        """Import matplotlib and the font, or raise :class:`MissingDependencyError`."""
        try:
            importlib.import_module("matplotlib")
            importlib.import_module("matplotlib.figure")
            importlib.import_module("matplotlib.backends.backend_agg")
            font_manager = importlib.import_module("matplotlib.font_manager")
        except ImportError as exc:
            raise MissingDependencyError(
                f"report charts need matplotlib, which is not installed ({exc}); install the report extra: "
                f"{INSTALL_HINT}") from None
        try:
            font = importlib.import_module("noto_cjk_sans_otc")
        except ImportError as exc:
            raise MissingDependencyError(
                f"report charts need the Noto Sans CJK font package noto-cjk-sans-otc, which is not installed "
                f"({exc}); install the report extra: {INSTALL_HINT}") from None
        path = str(font.FONT_PATH)
        with _FONT_LOCK:
            if path not in _FONT_PATH:
                if not Path(path).is_file():
                    raise MissingDependencyError(f"the font file {path} of noto-cjk-sans-otc is missing; reinstall "
                                                 f"it: {INSTALL_HINT}")
                font_manager.fontManager.addfont(path)
                _FONT_PATH.append(path)
        return cls(path)

    def draw(self, paint: Callable[..., Any], *args: Any) -> bytes | str:
        """Run ``paint(Figure, *args)``; PNG bytes, or the reason (a string) when there is
        nothing to draw."""
        import matplotlib
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        rc: Any = {"font.family": [FONT_FAMILY, "DejaVu Sans"], "axes.unicode_minus": False, "font.size": 9,
              "axes.titlesize": 11, "axes.spines.top": False, "axes.spines.right": False}
        with self.lock, matplotlib.rc_context(rc):
            result = paint(Figure, *args)
            if isinstance(result, str):
                return result
            fig = result
            FigureCanvasAgg(fig)
            buf = io.BytesIO()
            fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
            return buf.getvalue()


def _thousands(axis: Any) -> None:
    """Tick labels with thousands separators."""
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.10g}" if abs(v) < 1000 else f"{v:,.0f}"))


def _chart_or_note(ctx: ReportContext, name: str, title: str, paint: Callable[..., Any], *args: Any) -> Block:
    if ctx.charts is None:
        return ChartNote(name, title, "charts were not drawn (charts=False)")
    result = ctx.charts.draw(paint, *args)
    if isinstance(result, str):
        return ChartNote(name, title, result)
    return Chart(name, title, result)


def _label(names: pd.Series, ids: pd.Series) -> list[str]:
    return [n if isinstance(n, str) and n else str(i) for n, i in zip(names, ids, strict=True)]


def _allocation_chart(Figure: Any, a: pd.DataFrame, s: Any) -> Any:
    alloc = a["allocation_mu"].to_numpy(dtype=float)
    got = np.flatnonzero(alloc > 1e-9)
    if got.size == 0:
        return "no zone gets land in this plan"
    order = got[np.argsort(-alloc[got], kind="stable")][:BAR_ZONES]
    names = _label(a["name"].iloc[order], a["zone"].iloc[order])
    values = alloc[order]
    fulfil = a["fulfilment"].to_numpy(dtype=float)[order]
    n = order.size
    fig = Figure(figsize=(9, max(2.5, 0.34 * n + 1.3)))
    ax = fig.add_subplot()
    y = np.arange(n)
    ax.barh(y, values, color="#3b78b0")
    ax.set_yticks(y, names)
    ax.invert_yaxis()
    ax.set_xlabel("new construction land, mu")
    shown = f"the {n} largest of {got.size}" if got.size > n else f"{n}"
    ax.set_title(f"Allocation per zone ({shown} zones with land; {a.shape[0] - got.size} get none)")
    top = float(values.max())
    for k in range(n):
        text = f"{values[k]:,.0f}" + (f"  ({fulfil[k]:.0%} of request)" if np.isfinite(fulfil[k]) else "")
        ax.text(values[k] + 0.01 * top, y[k], text, va="center", fontsize=8)
    ax.set_xlim(0, top * 1.3)
    ax.grid(axis="x", alpha=0.3)
    _thousands(ax.xaxis)
    return fig


_GRADE_COLOURS = {"A": "#2a9d3c", "B": "#3b78b0", "C": "#e08a1e", "D": "#c0392b"}


def _score_chart(Figure: Any, a: pd.DataFrame) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    score = a["score"].to_numpy(dtype=float)
    per = a["allocation_per_mu"].to_numpy(dtype=float)
    ok = np.isfinite(score) & np.isfinite(per)
    if not ok.any():
        return "no zone has a score (no evaluation assigns one and the instance gives none)"
    if not (per[ok] > 1e-12).any():
        return "no zone gets land in this plan"
    idx = np.flatnonzero(ok)
    grades = a["grade"].to_numpy(dtype=object)
    names = _label(a["name"], a["zone"])
    pos = idx[per[idx] > 1e-12]
    zero = idx[per[idx] <= 1e-12]
    alloc = a["allocation_mu"].to_numpy(dtype=float)
    named = pos[np.argsort(-alloc[pos], kind="stable")][:SCATTER_LABELS]
    strip_zeros = zero if zero.size <= STRIP_ZONES else zero[:0]
    # The strip of names of the zones at 0 is as tall as the longest name (CJK characters are
    # about 1 em wide at 7.5 pt, others about 0.6 em) plus the leader lines (the top 30 %).
    longest = max((sum(1.0 if ord(ch) > 0x2E80 else 0.6 for ch in names[i]) for i in strip_zeros.tolist()),
                  default=0.0)
    strip_in = (longest * 7.5 / 72.0 + 0.1) / 0.7
    fig = Figure(figsize=(10, 5.6 + strip_in if strip_zeros.size else 6.5))
    if strip_zeros.size:
        ax, strip = fig.subplots(2, 1, sharex=True,
                                 gridspec_kw={"height_ratios": [5.0, strip_in], "hspace": 0.04})
    else:
        ax, strip = fig.add_subplot(), None
    canvas = FigureCanvasAgg(fig)
    for g in ["A", "B", "C", "D", None]:  # a loop over grades
        sel = idx[[(grades[i] if isinstance(grades[i], str) else None) == g for i in idx]]
        if sel.size:
            ax.scatter(score[sel], per[sel], s=36, color=_GRADE_COLOURS.get(g or "", "#888888"),
                       label=f"grade {g}" if g else "no grade", zorder=3, edgecolor="white", linewidth=0.5)
    top = float(per[idx].max())
    span = float(score[idx].max() - score[idx].min()) or 1.0
    ax.set_xlim(float(score[idx].min()) - 0.04 * span, float(score[idx].max()) + 0.04 * span)
    ax.set_ylim(-0.04 * top, top * 1.15)
    ax.set_ylabel("new land per mu of existing land")
    unnamed = []
    if named.size < pos.size:
        unnamed.append(f"the {named.size} largest allocations named")
    if zero.size and not strip_zeros.size:
        unnamed.append("zones at 0 not named")
    ax.set_title(f"Score against allocation per existing mu ({pos.size} zones with land, {zero.size} at 0"
                 + (f"; {', '.join(unnamed)}" if unnamed else "") + ")")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", frameon=False)
    _place_labels(ax, canvas, score[named], per[named], [names[i] for i in named.tolist()], score[idx], per[idx])
    if strip is None:
        ax.set_xlabel("evaluation score")
        return fig
    # Zones at 0: their names in a strip below, spread out so they do not overlap, each joined to
    # its score by a thin line.
    ax.tick_params(labelbottom=False)
    strip.set_ylim(0, 1)
    strip.set_yticks([])
    strip.spines["left"].set_visible(False)
    strip.set_xlabel("evaluation score")
    strip.text(0.0, 1.0, "at 0:", transform=strip.transAxes, fontsize=8, color="#666666", va="top", ha="right")
    order = strip_zeros[np.argsort(score[strip_zeros], kind="stable")]
    to_px = strip.transData.transform
    px = to_px(np.column_stack([score[order], np.zeros(order.size)]))[:, 0]
    left, right = to_px([[ax.get_xlim()[0], 0], [ax.get_xlim()[1], 0]])[:, 0]
    spread = _dodge(px, gap=11.0 * fig.dpi / 72.0, lo=left + 4, hi=right - 4)
    xs = strip.transData.inverted().transform(np.column_stack([spread, np.zeros(order.size)]))[:, 0]
    texts = []
    for k, i in enumerate(order.tolist()):  # the labels of the zones at 0
        strip.plot([score[i], score[i], xs[k]], [1.0, 0.88, 0.74], color="#aaaaaa", linewidth=0.5)
        texts.append(strip.text(xs[k], 0.7, names[i], rotation=90, ha="center", va="top", fontsize=7.5,
                                color="#444444"))
    # Lower the strip's bottom until the longest name fits: with ylim (b, 1) the names' top (0.7)
    # is (0.7 − b)/(1 − b) of the strip's height above its bottom.
    renderer = canvas.get_renderer()
    need = max(tx.get_window_extent(renderer).height for tx in texts) + 6.0
    k_fit = min(need / max(strip.get_window_extent(renderer).height, 1.0), 0.95)
    strip.set_ylim(min(0.0, (0.7 - k_fit) / (1.0 - k_fit)), 1.0)
    return fig


def _dodge(px: npt.NDArray[np.float64], gap: float, lo: float, hi: float) -> npt.NDArray[np.float64]:
    """Sorted positions moved apart to at least ``gap`` each, kept within [lo, hi] where room allows."""
    out = np.clip(px.astype(float), lo, hi)
    for k in range(1, out.size):  # a loop over labels
        out[k] = max(out[k], out[k - 1] + gap)
    if out.size and out[-1] > hi:
        out[-1] = hi
        for k in range(out.size - 2, -1, -1):
            out[k] = min(out[k], out[k + 1] - gap)
    return out


def _place_labels(ax: Any, canvas: Any, xs: npt.NDArray[np.float64], ys: npt.NDArray[np.float64],
                  labels: list[str], all_x: npt.NDArray[np.float64], all_y: npt.NDArray[np.float64]) -> None:
    """Label points without overlaps: each label tries offsets around its point (nearest first)
    and takes the first whose box overlaps no other label, no marker and stays in the axes; a
    label placed away from its point gets a thin leader line. Each label is measured once; the
    candidate boxes are arithmetic (pixels)."""
    renderer = canvas.get_renderer()
    axbox = ax.get_window_extent(renderer)
    marks = ax.transData.transform(np.column_stack([all_x, all_y]))
    anchors = ax.transData.transform(np.column_stack([xs, ys]))
    px_per_pt = ax.figure.dpi / 72.0
    r = 5.0
    placed: list[tuple[float, float, float, float]] = []
    steps = [0, 12, -12, 24, -24, 36, -36, 48, -48, 60, -60, 72, -72, 84, -84, 96, -96]
    candidates = [(6, dy, "left") for dy in steps] + [(-6, dy, "right") for dy in steps]
    order = np.lexsort((xs, -ys))  # from the top, left to right
    for k in order.tolist():  # a loop over the labelled points
        probe = ax.text(0, 0, labels[k], fontsize=8)
        ext = probe.get_window_extent(renderer)
        probe.remove()
        w, h = ext.width * 1.04 + 2, ext.height * 1.15 + 2
        ax_, ay = anchors[k]
        chosen = None
        for dx, dy, ha in candidates:
            x0 = ax_ + dx * px_per_pt - (w if ha == "right" else 0.0)
            y0 = ay + dy * px_per_pt - h / 2
            box = (x0, y0, x0 + w, y0 + h)
            inside = axbox.x0 <= box[0] and box[2] <= axbox.x1 and axbox.y0 <= box[1] and box[3] <= axbox.y1
            if not inside:
                continue
            if np.any((marks[:, 0] + r > box[0]) & (marks[:, 0] - r < box[2])
                      & (marks[:, 1] + r > box[1]) & (marks[:, 1] - r < box[3])):
                continue
            if any(box[0] < q[2] and q[0] < box[2] and box[1] < q[3] and q[1] < box[3] for q in placed):
                continue
            chosen = (dx, dy, ha)
            placed.append(box)
            break
        if chosen is None:  # no free place: a small label right at the point
            ax.annotate(labels[k], (xs[k], ys[k]), xytext=(4, 4), textcoords="offset points", fontsize=6.5,
                        color="#555555")
            continue
        dx, dy, ha = chosen
        arrow = {"arrowstyle": "-", "color": "#999999", "linewidth": 0.5, "shrinkA": 0, "shrinkB": 3} if dy else None
        ax.annotate(labels[k], (xs[k], ys[k]), xytext=(dx, dy), textcoords="offset points", fontsize=8, ha=ha,
                    va="center", arrowprops=arrow)


def _city_chart(Figure: Any, cities: pd.DataFrame) -> Any:
    values = cities["allocation_mu"].to_numpy(dtype=float)
    if not (values > 1e-9).any():
        return "no city gets land in this plan"
    n = len(cities)
    fig = Figure(figsize=(9, max(2.5, 0.34 * n + 1.3)))
    ax = fig.add_subplot()
    y = np.arange(n)
    ax.barh(y, values, color="#5a9e6f")
    ax.set_yticks(y, [str(c) for c in cities["city"]])
    ax.invert_yaxis()
    ax.set_xlabel("new construction land, mu")
    ax.set_title("Allocation per city")
    top = float(values.max())
    share = cities["share_of_pool"].to_numpy(dtype=float)
    for k in range(n):
        ax.text(values[k] + 0.01 * top, y[k], f"{values[k]:,.0f}  ({share[k]:.1%} of the pool)", va="center",
                fontsize=8)
    ax.set_xlim(0, top * 1.3)
    ax.grid(axis="x", alpha=0.3)
    _thousands(ax.xaxis)
    return fig


def _what_if_chart(Figure: Any, pts: pd.DataFrame, unit: str) -> Any:
    ok = pts["status"].isin(["optimal", "feasible"]).to_numpy()
    if ok.sum() < 2:
        return (f"fewer than two pool sizes of {', '.join(f'×{f:g}' for f in pts['factor'])} have a solution "
                "(see the table)")
    if not (pts["allocated_mu"].to_numpy(dtype=float)[ok] > 1e-9).any():
        return "no land is allocated at any of these pool sizes"
    pool = pts["pool_mu"].to_numpy(dtype=float)
    fig = Figure(figsize=(9, 6.5))
    ax1, ax2 = fig.subplots(2, 1, sharex=True)
    ax1.plot(pool[ok], pts["objective"].to_numpy(dtype=float)[ok], marker="o", color="#3b78b0")
    ax1.set_ylabel(f"objective\n{unit}")
    ax1.set_title("What if the pool were larger or smaller")
    ax2.plot(pool[ok], pts["allocated_mu"].to_numpy(dtype=float)[ok], marker="o", color="#5a9e6f",
             label="allocated")
    ax2.plot(pool, pool, linestyle=":", color="#999999", label="pool (all of it)")
    ax2.set_ylabel("allocated land, mu")
    ax2.set_xlabel("land pool, mu")
    factor = pts["factor"].to_numpy(dtype=float)
    for k in np.flatnonzero(ok).tolist():
        ax1.annotate(f"×{factor[k]:g}", (pool[k], pts["objective"].iloc[k]), xytext=(0, 7),
                     textcoords="offset points", ha="center", fontsize=8)
    bad = np.flatnonzero(~ok)
    for ax in (ax1, ax2):
        ax.grid(alpha=0.3)
        for k in bad.tolist():
            ax.axvline(pool[k], color="#c0392b", alpha=0.4, linestyle="--")
    for k in bad.tolist():
        ax1.annotate(f"×{factor[k]:g}: {pts['status'].iloc[k]}", (pool[k], 0.5), xycoords=("data", "axes fraction"),
                     rotation=90, ha="right", va="center", fontsize=8, color="#c0392b")
    ax2.legend(loc="upper left", frameon=False)
    for axis in (ax1.yaxis, ax2.yaxis, ax2.xaxis):
        _thousands(axis)
    return fig


def _frontier_chart(Figure: Any, front: pd.DataFrame, unit: str) -> Any:
    ok = front["status"].isin(["optimal", "feasible"]).to_numpy()
    if ok.sum() < 2:
        return "the frontier has fewer than two solved points"
    x = front["min_fulfilment"].to_numpy(dtype=float)[ok] * 100.0
    y = front["efficiency"].to_numpy(dtype=float)[ok]
    fig = Figure(figsize=(9, 5.5))
    ax = fig.add_subplot()
    ax.plot(x, y, marker="o", color="#8e44ad")
    ax.annotate("efficiency optimum", (x[0], y[0]), xytext=(8, 0), textcoords="offset points", fontsize=8,
                va="center")
    ax.annotate("equity optimum", (x[-1], y[-1]), xytext=(-8, 0), textcoords="offset points", fontsize=8,
                ha="right", va="center")
    ax.set_xlabel("smallest share of its request any zone gets, %")
    ax.set_ylabel(f"efficiency\n{unit}")
    ax.set_title("Efficiency–equity frontier (ε-constraint)")
    ax.grid(alpha=0.3)
    _thousands(ax.yaxis)
    return fig


# -- Markdown and Excel -------------------------------------------------------------------------

def _num(v: Any) -> str:
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


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _cell(v: Any, percent: bool) -> str:
    if percent and isinstance(v, (float, np.floating)) and math.isfinite(float(v)):
        return f"{float(v):.1%}"
    if isinstance(v, str):
        return _md_escape(v) if v else ""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    return _md_escape(_num(v))


def _table_md(t: Table) -> list[str]:
    frame = t.frame
    shown = frame.head(t.md_rows)
    cols = [str(c) for c in frame.columns]
    numeric = [pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])
               for c in frame.columns]
    lines = ["| " + " | ".join(_md_escape(c) for c in cols) + " |",
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
        return [f"*Chart “{b.title}” not drawn: {_md_escape(b.note)}.*", ""]
    if not b.markdown:
        return [f"*{b.title}*: {len(b.frame)} rows in `{REPORT_XLSX}`, sheet `{_sheet(b.name)}`.", ""]
    out = [f"### {b.title}", ""]
    if b.caption:
        out += [b.caption, ""]
    if b.frame.empty:
        return out + ["(none)", ""]
    return out + _table_md(b) + [""]


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
                frame.to_excel(xl, sheet_name=sheet, index=False)
                ws = xl.sheets[sheet]
                for j, col in enumerate(frame.columns):  # column widths: a loop over columns
                    sample = frame.iloc[:200, j].tolist()
                    width = max([len(str(col))] + [len(str(v)) for v in sample])
                    ws.column_dimensions[ws.cell(row=1, column=j + 1).column_letter].width = min(60, max(8, width + 2))
    return atomic_write(path, write)


__all__ = [
    "build_report", "require_chart_packages", "Report", "Section", "Text", "Table", "Chart", "ChartNote",
    "ReportContext", "RESOURCE_SECTIONS", "MissingDependencyError", "REPORT_MD", "REPORT_XLSX", "WHAT_IF_FACTORS",
    "INSTALL_HINT",
]
