"""Scenario comparisons in the report: land's, inside the land section (the scenarios' land
allocations per zone and city), and every resource's, a section of its own (per resource and
per quantity: emission and fund pools, the portfolio's totals)."""

from __future__ import annotations

import pandas as pd

from zoneopt.core.solution import SolveOptions
from zoneopt.instance import Instance
from zoneopt.report.context import ReportContext
from zoneopt.report.document import Block, Section, Table, Text


def land_scenario_blocks(instance: Instance, backend: str, opts: SolveOptions) -> list[Block]:
    """The land section's scenario tables: each scenario re-solved against ``base``, the zones
    whose land changes most, and the allocations per zone and per city."""
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



def scenario_section(ctx: ReportContext) -> Section:
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

