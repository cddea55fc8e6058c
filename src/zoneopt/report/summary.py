"""The report's opening sections, before the resources: the summary (the instance's metadata,
each solved resource's headline figures, the units, the presolve warnings) and the
evaluations (what each configured evaluation method scores, ranks and grades per zone)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from zoneopt.analysis.explain import LandSolve
from zoneopt.errors import ZoneoptError
from zoneopt.evaluation.run import evaluated_table
from zoneopt.instance import MONEY_LABEL, Instance
from zoneopt.plans import ResourcePlan
from zoneopt.report.document import Block, Section, Table, Text
from zoneopt.report.writers import md_escape, num
from zoneopt.resources import REGISTRY


def summary_section(instance: Instance, land: LandSolve | None, backend: str,
                     plans: dict[str, ResourcePlan] | None = None) -> Section:
    """The summary: the instance's metadata, the land solve's and each plan's headline figures,
    the units, and the presolve warnings."""
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
                 ("objective", f"{s.objective_kind}: {num(s.objective)} {s.objective_unit}")]
        if s.secondary_objective is not None:
            rows.append(("tie-break (efficiency)", f"{num(s.secondary_objective)} {s.secondary_objective_unit}"))
        rows += [("pool", f"{num(s.pool_total_mu)} mu"), ("allocated", f"{num(s.allocated_mu)} mu"),
                 ("zones allocated", f"{s.zones_allocated} of {s.zones}"),
                 ("backend", s.backend), ("solve time", f"{s.runtime_s:.3f} s"),
                 ("model", f"{land.lm.model.num_vars} variables × {land.lm.model.num_rows} rows"
                           f" ({'MIP' if land.lm.model.is_mip else 'LP'}), land unit {num(s.land_unit_mu)} mu"),
                 ("checked", f"max violation {num(s.check_max_violation)}")]
        units += [("objective", s.objective_unit), ("shadow prices", f"{s.objective_unit} per mu")]
        warnings = list(s.warnings)
    for key, plan in (plans or {}).items():  # the other resources' headlines
        r = plan.summary
        title = REGISTRY[key].title if key in REGISTRY else key
        rows += [(f"{key}: resource", f"{key} ({title}), {r.method}"), (f"{key}: status", r.status),
                 (f"{key}: objective", f"{r.objective_kind}: {num(r.objective)} {r.objective_unit}"),
                 (f"{key}: pools", "; ".join(f"{p.pool} {num(p.allocated)} of {num(p.total)} {p.unit}"
                                             for p in r.pools)),
                 (f"{key}: zones allocated", f"{r.zones_allocated} of {r.zones}")]
        if r.projects is not None:
            rows.append((f"{key}: projects chosen", f"{r.projects_chosen} of {r.projects}"))
        rows += [(f"{key}: backend", f"{r.backend}, {r.runtime_s:.3f} s"
                                     + (f", gap {r.mip_gap:.2g}" if r.mip_gap is not None else "")),
                 (f"{key}: checked", f"max violation {num(r.check_max_violation)}")]
        units.append((f"{key} objective", r.objective_unit))
        warnings += list(r.warnings)
    blocks.append(Table("summary", "Summary", pd.DataFrame(rows, columns=["field", "value"]).astype(str)))
    blocks.append(Table("units", "Units", pd.DataFrame(units, columns=["quantity", "unit"])))
    if warnings:
        blocks.append(Text("**Warnings** (presolve checks):\n\n" + "\n".join(f"- {md_escape(w)}" for w in warnings)))
    else:
        blocks.append(Text("No presolve warnings."))
    if warnings:
        blocks.append(Table("warnings", "Warnings", pd.DataFrame({"warning": warnings}), markdown=False))
    return Section("summary", "Summary", tuple(blocks))


def evaluation_section(instance: Instance, backend: str) -> Section:
    """The evaluations: each one's method and source, and its score, rank and grade per zone
    (an evaluation that cannot run is noted, not fatal)."""
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
            notes.append(f"- `{ev.id}` could not run: {md_escape(str(exc))}")
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

    return evaluated_table(instance).frame

