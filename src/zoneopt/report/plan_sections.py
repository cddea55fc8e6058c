"""The sections of the resources solved into a :class:`~zoneopt.plans.ResourcePlan`: emission
allowances (pools, allowances per zone and pollutant, per city, bindings with prices per t),
funds (funds against requests, leverage, per city, bindings) and the project portfolio (pool
use, targets, revenue against the count targets, zone totals, every project), each with its
chart; the generic section of a resource without one of its own (pools, the plan's zone table,
per city, bindings); and the tables they share (pools, bindings, totals per city)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from zoneopt.evaluation.run import evaluated_table
from zoneopt.models.outcome import pool_columns
from zoneopt.plans import ResourcePlan
from zoneopt.report.charts import chart_or_note, emission_chart, fund_chart, pool_use_chart, revenue_chart
from zoneopt.report.context import ReportContext
from zoneopt.report.document import Block, Section, Table, Text
from zoneopt.report.writers import md_escape, num
from zoneopt.resources import REGISTRY


def _solve(ctx: ReportContext, key: str) -> ResourcePlan:
    """Resource ``key``'s plan, solved with the report's backend and options."""
    plan = REGISTRY[key].solve(ctx.instance, ctx.backend, options=ctx.options)
    assert isinstance(plan, ResourcePlan)
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


def emission_section(ctx: ReportContext) -> tuple[Section, ResourcePlan]:
    """The emission allowances' section and their plan."""
    plan = _solve(ctx, "emissions")
    s = plan.summary
    a = plan.allocations
    pollutants = [p.pool for p in s.pools]
    blocks: list[Block] = [Text(
        f"Emission allowances freed by regional reduction ({s.method}): {len(pollutants)} pollutant pools, "
        f"{s.zones_allocated} of {s.zones} zones get some. Objective ({s.objective_kind}): **{num(s.objective)} "
        f"{s.objective_unit}**. Allowances in t/yr; shadow prices in {s.objective_unit} per t of the pollutant."
        + "".join(f" {md_escape(n)}." for n in s.notes))]
    blocks.append(_pools_table("emissions-pools", plan))
    blocks.append(chart_or_note(ctx.charts, "emissions-allocation", "Allowances per zone and pollutant",
                                 emission_chart, a, pollutants))
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


def fund_section(ctx: ReportContext) -> tuple[Section, ResourcePlan]:
    """The fund disbursement's section and its plan."""
    plan = _solve(ctx, "funds")
    s = plan.summary
    a = plan.allocations
    money = s.money_unit
    blocks: list[Block] = [Text(
        f"The year's fund budget of {num(s.pools[0].total)} {money} ({s.method}): {num(s.pools[0].allocated)} "
        f"{money} disbursed to {s.zones_allocated} of {s.zones} zones. Objective ({s.objective_kind}): "
        f"**{num(s.objective)} {s.objective_unit}**."
        + (f" Shadow prices in {s.objective_unit} per {money}." if s.method == "lp" else
           " Whole tranches make it a MIP: no shadow prices.")
        + "".join(f" {md_escape(n)}." for n in s.notes))]
    blocks.append(_pools_table("funds-pools", plan))
    blocks.append(chart_or_note(ctx.charts, "funds-allocation", "Funds per zone", fund_chart, a, money))
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


def portfolio_section(ctx: ReportContext) -> tuple[Section, ResourcePlan]:
    """The project portfolio's section and its plan."""
    plan = _solve(ctx, "portfolio")
    s = plan.summary
    a = plan.allocations
    assert plan.projects is not None
    pr = plan.projects
    blocks: list[Block] = [Text(
        f"The joint project portfolio (项目为王, a MIP): {s.projects_chosen} of {s.projects} projects chosen in "
        f"{s.zones_allocated} of {s.zones} zones. Objective ({s.objective_kind}): **{num(s.objective)} "
        f"{s.objective_unit}**. Every pool and zone rule of land, allowances and funds applies to the chosen "
        "projects' totals." + "".join(f" {md_escape(n)}." for n in s.notes))]
    blocks.append(_pools_table("portfolio-pools", plan))
    blocks.append(chart_or_note(ctx.charts, "portfolio-pools", "Share of each pool the chosen projects use",
                                 pool_use_chart, s))
    if s.targets:
        targets = pd.DataFrame([t.model_dump() for t in s.targets])
        blocks.append(Table("portfolio-targets", "Targets", targets,
                            caption="Count targets: zones reaching the threshold after the chosen projects; share "
                                    "targets: the share achieved."))
    counts = [t for t in ctx.instance.portfolio.rules if t.type == "count_target"]
    if counts:

        base = evaluated_table(ctx.instance).frame[counts[0].metric].to_numpy(dtype=float)
        blocks.append(chart_or_note(ctx.charts, "portfolio-revenue", "Revenue before and after the chosen projects",
                                     revenue_chart, a, base, counts, s.money_unit))
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


def generic_section(ctx: ReportContext, resource: str) -> tuple[Section, ResourcePlan]:
    """The section of ``resource`` when it has no section of its own, and its plan: the
    headline, the pools, the plan's zone table (sorted by the first allocation column: the
    columns named after the pools), those columns per city, and the binding rules."""
    plan = _solve(ctx, resource)
    s = plan.summary
    a = plan.allocations
    title = REGISTRY[resource].title
    blocks: list[Block] = [Text(
        f"{resource} ({title}, {s.method}): " + "; ".join(f"{p.pool} {num(p.allocated)} of {num(p.total)} {p.unit}"
                                                          for p in s.pools)
        + f" allocated to {s.zones_allocated} of {s.zones} zones. Objective ({s.objective_kind}): "
        f"**{num(s.objective)} {s.objective_unit}**." + "".join(f" {md_escape(n)}." for n in s.notes))]
    blocks.append(_pools_table(f"{resource}-pools", plan))
    allocated = [c for c in pool_columns(plan) if pd.api.types.is_numeric_dtype(a[c])]
    cols = [c for c in a.columns if c not in ("kind", "level", "shadow_prices")]
    table = a[cols]
    if allocated:
        table = table.sort_values(allocated[0], ascending=False, kind="stable")
    blocks.append(Table(f"{resource}-allocations", "Allocation per zone", table.reset_index(drop=True),
                        caption="The plan's zone table" + (f", sorted by `{allocated[0]}`" if allocated else "")
                                + "; units as in the pools above."))
    if allocated:
        blocks.append(_city_table(f"{resource}-cities", a, allocated, f"{title} per city"))
    blocks.append(_bindings_table(f"{resource}-bindings", plan,
                                  f"Rule rows at their bound; `shadow_price` in {s.objective_unit} per unit of the "
                                  "row's pool (LP only)."))
    return Section(resource, f"{resource} ({title})", tuple(blocks)), plan
