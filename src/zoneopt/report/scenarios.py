"""Scenario comparisons in the report: land's, inside the land section (the scenarios' land
allocations per zone and city), and every resource's, a section of its own (per resource and
per quantity: emission and fund pools, the portfolio's totals)."""

from __future__ import annotations

import pandas as pd

from zoneopt.core.solution import SolveOptions
from zoneopt.instance import Instance
from zoneopt.plans.display import Display
from zoneopt.report.context import ReportContext
from zoneopt.report.document import Block, Section, Table, Text


def land_scenario_blocks(instance: Instance, backend: str, opts: SolveOptions, d: Display) -> list[Block]:
    """The land section's scenario tables: each scenario re-solved against ``base``, the zones
    whose land changes most, and the allocations per zone and per city."""
    from zoneopt.analysis.scenarios import compare, scenario_items

    result = compare(scenario_items(instance), backend, time_limit=opts.time_limit, mip_gap=opts.mip_gap)
    desc = {sc.id: sc.description for sc in instance.scenarios}
    summary = result.summary[["label", "status", "objective", "objective_delta", "objective_unit",
                              "allocated_mu", "allocated_delta", "zones_allocated", "message"]].copy()
    summary.insert(1, "description", [desc.get(label, d.t("report.scenario.as_given")) for label in summary["label"]])
    changes = result.biggest_changes(15)
    cols = ["zone", "name", "city", *result.labels, "largest_change_mu"]
    mu = tuple((c, "mu") for c in result.labels)
    deltas = tuple((f"delta:{c}", "mu") for c in result.labels[1:])
    blocks: list[Block] = [
        Table("scenarios", d.t("report.t.scenarios"), summary, caption=d.t("report.c.scenarios"),
              labels=(("label", "col.scenario"),), unit_column="objective_unit",
              per_row=("objective", "objective_delta"),
              kinds=(("allocated_mu", "mu"), ("allocated_delta", "mu"), ("zones_allocated", "count"))),
        Table("scenario-changes", d.t("report.t.scenario_changes"), changes[cols],
              caption=d.t("report.c.scenario_changes"), kinds=(*mu, ("largest_change_mu", "mu"))),
        Table("scenario-allocations", d.t("report.t.scenario_allocations"), result.allocations, markdown=False,
              kinds=(*mu, *deltas), total=True),
        Table("scenario-cities", d.t("report.t.scenario_cities"), result.cities.reset_index(), kinds=(*mu, *deltas),
              total=True),
    ]
    return blocks


def scenario_section(ctx: ReportContext) -> Section:
    """Scenarios over every resource: per resource and per quantity (emission and fund pools)."""
    from zoneopt.analysis.scenarios import compare, scenario_items
    from zoneopt.resources import configured

    inst, d = ctx.instance, ctx.display
    result = compare(scenario_items(inst), ctx.backend, time_limit=ctx.options.time_limit,
                     mip_gap=ctx.options.mip_gap)
    desc = {sc.id: sc.description for sc in inst.scenarios}
    res = result.resources.copy()
    res.insert(1, "description", [desc.get(label, d.t("report.scenario.as_given")) for label in res["label"]])
    res["pools"] = res["pools"].map(d.clean)
    if "objective_kind" in res:
        res["objective_kind"] = [d.term(f"objective.kind.{k}", str(k)) for k in res["objective_kind"]]
    if "resource" in res and d.zh:
        res["resource"] = [d.term(f"short.{r}", str(r)) for r in res["resource"]]
    blocks: list[Block] = [Text(d.t("report.scenario.intro")),
                           Table("scenario-resources", d.t("report.t.scenario_resources"), res,
                                 labels=(("label", "col.scenario"),), unit_column="objective_unit",
                                 per_row=("objective", "objective_delta"))]
    unchanged = []
    for q in result.quantities:  # a loop over quantities
        if q == "land" and "land" in configured(inst):
            continue  # the land section compares land
        top = result.biggest_changes(15, q)
        unit = result.units[q]
        kind = "mu" if unit == "mu" else "t" if unit == "t/yr" else "count" if unit == "projects" else "money"
        shown_unit = d.quantity_parts(0.0, unit)[1] if unit != "projects" else d.term("unit.projects")
        if top.empty:
            unchanged.append(q)
            continue
        cols = ["zone", "name", "city", *result.labels, "largest_change_mu"]
        blocks.append(Table(f"scenario-{q}", d.t("report.t.scenario_quantity", q=q, unit=shown_unit),
                            top[cols].rename(columns={"largest_change_mu": "largest_change"}),
                            caption=d.t("report.c.scenario_quantity", q=q, unit=shown_unit),
                            kinds=(*((c, kind) for c in result.labels), ("largest_change", kind))))
    if unchanged:
        blocks.append(Text(d.t("report.scenario.unchanged", qs=", ".join(unchanged))))
    every = pd.concat([t.assign(quantity=q, unit=d.clean(result.units[q])) for q, t in result.quantities.items()],
                      ignore_index=True)
    blocks.append(Table("scenario-quantities", d.t("report.t.scenario_every"), every, markdown=False,
                        kinds=tuple((c, "ratio") for c in result.labels)))
    return Section("scenarios", d.t("report.section.scenarios"), tuple(blocks))
