"""The sections of the resources solved into a :class:`~zoneopt.plans.ResourcePlan`: emission
allowances (pools, allowances per zone and pollutant, per city, bindings with prices per t),
funds (funds against requests, leverage, per city, bindings) and the project portfolio (pool
use, targets, revenue against the count targets, zone totals, every project), each with its
chart; the generic section of a resource without one of its own (pools, the plan's zone table,
per city, bindings); and the tables they share (pools, bindings, totals per city)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from zoneopt.evaluation.run import evaluated_table
from zoneopt.models.outcome import pool_columns
from zoneopt.plans import ResourcePlan
from zoneopt.plans.display import Display
from zoneopt.plans.wording import objective_sentence, objective_value
from zoneopt.report.charts import chart_or_note, emission_chart, fund_chart, pool_use_chart, revenue_chart
from zoneopt.report.context import ReportContext
from zoneopt.report.document import Block, Section, Table, Text
from zoneopt.report.writers import md_escape
from zoneopt.resources import REGISTRY


def _solve(ctx: ReportContext, key: str) -> ResourcePlan:
    """Resource ``key``'s plan, solved with the report's backend and options."""
    plan = REGISTRY[key].solve(ctx.instance, ctx.backend, options=ctx.options)
    assert isinstance(plan, ResourcePlan)
    return plan


def _pools_table(name: str, plan: ResourcePlan, d: Display) -> Table:
    pools = pd.DataFrame([p.model_dump() for p in plan.summary.pools])
    pools["share_used"] = pools["allocated"] / pools["total"]
    return Table(name, d.t("report.t.pools"), pools, percent=("share_used",), caption=d.t("report.c.pools"),
                 unit_column="unit", per_row=("total", "allocated"))


def _bindings_table(name: str, plan: ResourcePlan, caption: str, d: Display) -> Table:
    b = plan.bindings.copy()
    if len(b):
        b = b.iloc[np.argsort(-b["shadow_price"].abs().fillna(0.0).to_numpy(), kind="stable")].reset_index(drop=True)
        b["unit"] = b["unit"].map(d.model_unit)
    return Table(name, d.t("report.t.bindings"), b, caption=caption, kinds=(("bound", "ratio"),))


def _city_table(name: str, a: pd.DataFrame, columns: list[str], title: str) -> Table:
    cities = a.groupby("city", sort=False)[columns].sum().reset_index()
    cities.insert(1, "zones", a.groupby("city", sort=False).size().to_numpy())
    cities = cities.sort_values(columns[0], ascending=False, kind="stable").reset_index(drop=True)
    return Table(name, title, cities, total=True)


def emission_section(ctx: ReportContext) -> tuple[Section, ResourcePlan]:
    """The emission allowances' section and their plan."""
    d = ctx.display
    plan = _solve(ctx, "emissions")
    s = plan.summary
    a = plan.allocations
    pollutants = [p.pool for p in s.pools]
    blocks: list[Block] = [Text(d.t(
        "report.emissions.intro", method=d.term(f"method.{s.method}", s.method), n=len(pollutants),
        got=s.zones_allocated, zones=s.zones, objective=objective_sentence(s, d, allocations=a))
        + "".join(f" {md_escape(d.clean(n))}." for n in s.notes if not n.startswith("weight:")))]
    blocks.append(_pools_table("emissions-pools", plan, d))
    blocks.append(chart_or_note(ctx.charts, "emissions-allocation", d.t("report.t.emission_chart"),
                                emission_chart, a, pollutants, d))
    cols = ["zone", "name", "city", "grade", "score"] + [c for c in ("weight",) if c in a]
    for p in pollutants:
        cols += [c for c in (f"{p}_t", f"request_{p}_t", f"start_{p}_t", f"efficiency_{p}") if c in a]
    cols += [c for c in ("binding_rules",) if c in a]
    table = a[cols].copy()
    table["total_share"] = sum(a[f"{p}_t"].to_numpy(dtype=float) / max(pu.total, 1e-300)
                               for p, pu in zip(pollutants, s.pools, strict=True)) / len(pollutants)
    table = table.sort_values("total_share", ascending=False, kind="stable").reset_index(drop=True)
    blocks.append(Table("emissions-allocations", d.t("report.t.emission_alloc"), table, percent=("total_share",),
                        caption=d.t("report.c.emission_alloc"), total=True))
    blocks.append(_city_table("emissions-cities", a, [f"{p}_t" for p in pollutants], d.t("report.t.emission_cities")))
    if s.method != "zsg-dea":
        blocks.append(_bindings_table("emissions-bindings", plan, d.t("report.c.emission_bindings",
                                                                       unit=_objective_unit(s, d)), d))
    return Section("emissions", d.t("report.section.emissions"), tuple(blocks)), plan


def _objective_unit(s: Any, d: Display) -> str:
    """The unit of a plan's objective, as the display says it (亿元/年, 吨标准煤/年 …)."""
    value = objective_value(s, d)
    return value.split(" ", 1)[1] if " " in value else d.model_unit(s.objective_unit)


def fund_section(ctx: ReportContext) -> tuple[Section, ResourcePlan]:
    """The fund disbursement's section and its plan."""
    d = ctx.display
    plan = _solve(ctx, "funds")
    s = plan.summary
    a = plan.allocations
    money = d.money_unit
    obj_unit = _objective_unit(s, d)
    prices = d.t("report.funds.prices_lp", unit=obj_unit, money=d.rate_money_unit) if s.method == "lp" \
        else d.t("report.funds.prices_mip")
    blocks: list[Block] = [Text(d.t(
        "report.funds.intro", budget=d.money_words(s.pools[0].total), method=d.term(f"method.{s.method}", s.method),
        allocated=d.money_words(s.pools[0].allocated), got=s.zones_allocated, zones=s.zones,
        objective=objective_sentence(s, d, allocations=a), prices=prices)
        + "".join(f" {md_escape(d.clean(n))}." for n in s.notes))]
    blocks.append(_pools_table("funds-pools", plan, d))
    blocks.append(chart_or_note(ctx.charts, "funds-allocation", d.t("report.t.fund_chart"), fund_chart, a, d))
    cols = [c for c in ("zone", "name", "city", "grade", "score", "request_funds", "funds", "tranches", "investment",
                        "leverage", "expected_tax", "priority", "weight", "binding_rules") if c in a]
    table = a[cols].sort_values("funds", ascending=False, kind="stable").reset_index(drop=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        req = table["request_funds"].to_numpy(dtype=float)
        table.insert(table.columns.get_loc("funds") + 1, "fulfilment",
                     np.where(req > 0, table["funds"].to_numpy(dtype=float) / req, np.nan))
    blocks.append(Table("funds-allocations", d.t("report.t.fund_alloc"), table, percent=("fulfilment", "leverage"),
                        caption=d.t("report.c.fund_alloc", money=money), total=True,
                        kinds=(("fulfilment", "pct"),)))
    blocks.append(_city_table("funds-cities", a, ["funds", "request_funds"], d.t("report.t.fund_cities", money=money)))
    blocks.append(_bindings_table("funds-bindings", plan, d.t("report.c.fund_bindings", unit=obj_unit,
                                                               money=d.rate_money_unit), d))
    return Section("funds", d.t("report.section.funds"), tuple(blocks)), plan


def portfolio_section(ctx: ReportContext) -> tuple[Section, ResourcePlan]:
    """The project portfolio's section and its plan."""
    d = ctx.display
    plan = _solve(ctx, "portfolio")
    s = plan.summary
    a = plan.allocations
    assert plan.projects is not None
    pr = plan.projects
    blocks: list[Block] = [Text(d.t(
        "report.portfolio.intro", chosen=s.projects_chosen, total=s.projects, got=s.zones_allocated, zones=s.zones,
        objective=objective_sentence(s, d, allocations=a, projects=pr))
        + "".join(f" {md_escape(d.clean(n))}." for n in s.notes))]
    blocks.append(_pools_table("portfolio-pools", plan, d))
    blocks.append(chart_or_note(ctx.charts, "portfolio-pools", d.t("report.t.pool_use"), pool_use_chart, s, d))
    if s.targets:
        targets = pd.DataFrame([t.model_dump() for t in s.targets])
        targets["unit"] = targets["unit"].map(d.clean)
        blocks.append(Table("portfolio-targets", d.t("report.t.targets"), targets, caption=d.t("report.c.targets"),
                            kinds=(("required", "ratio"), ("achieved", "ratio"), ("kind", "text"))))
    counts = [t for t in ctx.instance.portfolio.rules if t.type == "count_target"]
    if counts:
        base = evaluated_table(ctx.instance).frame[counts[0].metric].to_numpy(dtype=float)
        blocks.append(chart_or_note(ctx.charts, "portfolio-revenue", d.t("report.t.revenue"), revenue_chart, a, base,
                                    counts, d))
    cols = [c for c in a.columns if c not in ("kind", "level", "shadow_prices")]
    zones = a[cols].sort_values("projects_chosen", ascending=False, kind="stable").reset_index(drop=True)
    blocks.append(Table("portfolio-zones", d.t("report.t.portfolio_zones"), zones,
                        caption=d.t("report.c.portfolio_zones", money=d.money_unit), total=True))
    order = np.lexsort((-pr["objective_term"].to_numpy(dtype=float), ~pr["chosen"].to_numpy(dtype=bool)))
    blocks.append(Table("portfolio-projects", d.t("report.t.projects"), pr.iloc[order].reset_index(drop=True),
                        caption=d.t("report.c.projects"),
                        kinds=(("fund", "money"), ("fund_request", "money"), ("tax", "money"), ("revenue", "money"),
                               ("objective_term", "ratio"), ("leading", "bool"), ("industrial", "bool"))))
    blocks.append(_bindings_table("portfolio-bindings", plan, d.t("report.c.portfolio_bindings"), d))
    return Section("portfolio", d.t("report.section.portfolio"), tuple(blocks)), plan


def generic_section(ctx: ReportContext, resource: str) -> tuple[Section, ResourcePlan]:
    """The section of ``resource`` when it has no section of its own, and its plan: the
    headline, the pools, the plan's zone table (sorted by the first allocation column: the
    columns named after the pools), those columns per city, and the binding rules."""
    plan = _solve(ctx, resource)
    d = ctx.display
    s = plan.summary
    a = plan.allocations
    title = REGISTRY[resource].title
    pools = "; ".join(f"{p.pool} {d.number(p.allocated)} of {d.number(p.total)} {d.clean(p.unit)}" for p in s.pools)
    notes = "".join(f" {md_escape(d.clean(n))}." for n in s.notes)
    blocks: list[Block] = [Text(
        f"{resource} ({title}, {s.method}): {pools} allocated to {s.zones_allocated} of {s.zones} zones. "
        + objective_sentence(s, d, allocations=a, projects=plan.projects) + notes)]
    blocks.append(_pools_table(f"{resource}-pools", plan, d))
    allocated = [c for c in pool_columns(plan) if pd.api.types.is_numeric_dtype(a[c])]
    cols = [c for c in a.columns if c not in ("kind", "level", "shadow_prices")]
    table = a[cols]
    if allocated:
        table = table.sort_values(allocated[0], ascending=False, kind="stable")
    blocks.append(Table(f"{resource}-allocations", "Allocation per zone", table.reset_index(drop=True),
                        caption="The plan's zone table" + (f", sorted by `{allocated[0]}`" if allocated else "")
                                + "; units as in the pools above.", total=True))
    if allocated:
        blocks.append(_city_table(f"{resource}-cities", a, allocated, f"{title} per city"))
    blocks.append(_bindings_table(f"{resource}-bindings", plan,
                                  f"Rule rows at their bound; `shadow_price` in {s.objective_unit} per unit of the "
                                  "row's pool (LP only).", d))
    return Section(resource, f"{resource} ({title})", tuple(blocks)), plan
