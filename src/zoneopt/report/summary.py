"""The report's opening sections, before the resources: the summary (the instance's metadata,
each solved resource's headline figures, the units, the presolve warnings) and the
evaluations (what each configured evaluation method scores, ranks and grades per zone)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from zoneopt.analysis.explain import LandSolve
from zoneopt.errors import ZoneoptError
from zoneopt.evaluation.run import evaluated_table
from zoneopt.instance import Instance
from zoneopt.plans import ResourcePlan
from zoneopt.plans.display import Display, fixed, significant
from zoneopt.plans.wording import objective_sentence
from zoneopt.report.document import Block, Section, Table, Text
from zoneopt.report.writers import md_escape
from zoneopt.resources import REGISTRY


def summary_section(instance: Instance, land: LandSolve | None, backend: str,
                    plans: dict[str, ResourcePlan] | None = None, display: Display | None = None) -> Section:
    """The summary: the instance's metadata, the land solve's and each plan's headline figures
    (each objective in one sentence), the units, every rule with its clause, and the presolve
    warnings; in ``display``'s language."""
    d = display if display is not None else Display.of(instance)
    meta = instance.metadata
    blocks: list[Block] = []
    head = []
    if meta.synthetic:
        head.append(d.t("report.synthetic"))
    if meta.description:
        head.append(meta.description)
    if meta.source:
        head.append(d.t("report.source", source=meta.source))
    if head:
        blocks.append(Text("\n\n".join(head)))

    def f(key: str, prefix: str = "") -> str:
        return f"{prefix}: {d.t(key)}" if prefix else d.t(key)

    rows: list[tuple[str, Any]] = [(f("report.f.instance"), instance.name), (f("report.f.zones"), len(instance.zones))]
    warnings: list[str] = []
    if land is not None:
        s = land.plan.summary
        rows += [(f("report.f.resource"), d.term("resource.land")),
                 (f("report.f.status"), d.term(f"status.{s.status}", s.status)),
                 (f("report.f.objective"), objective_sentence(s, d, allocations=land.plan.allocations)),
                 (f("report.f.pool"), f"{d.mu(s.pool_total_mu)} {d.term('unit.mu')}"),
                 (f("report.f.allocated"), f"{d.mu(s.allocated_mu)} {d.term('unit.mu')}"),
                 (f("report.f.zones_allocated"), d.t("report.f.of", a=s.zones_allocated, b=s.zones)),
                 (f("report.f.backend"), s.backend),
                 (f("report.f.solve_time"), f"{fixed(s.runtime_s, 3)} {d.term('unit.seconds')}"),
                 (f("report.f.model"), d.t("report.model_size", vars=f"{land.lm.model.num_vars:,}",
                                           rows=f"{land.lm.model.num_rows:,}",
                                           kind=d.term("method.mip" if land.lm.model.is_mip else "method.lp"),
                                           unit=significant(s.land_unit_mu, 4))),
                 (f("report.f.checked"), _violation(s.check_max_violation, d))]
        warnings = list(s.warnings)
    for key, plan in (plans or {}).items():  # the other resources' headlines
        r = plan.summary
        short = d.term(f"short.{key}", key)
        rows += [(f("report.f.resource", short), f"{d.term(f'resource.{key}', _titled(key))}, "
                                                 f"{d.term(f'method.{r.method}', r.method)}"),
                 (f("report.f.status", short), d.term(f"status.{r.status}", r.status)),
                 (f("report.f.objective", short), objective_sentence(r, d, allocations=plan.allocations,
                                                                     projects=plan.projects)),
                 (f("report.f.pools", short), d.join(_pool_use(p, d) for p in r.pools)),
                 (f("report.f.zones_allocated", short), d.t("report.f.of", a=r.zones_allocated, b=r.zones))]
        if r.projects is not None:
            rows.append((f("report.f.projects_chosen", short), d.t("report.f.of", a=r.projects_chosen, b=r.projects)))
        gap = f", gap {significant(r.mip_gap, 3, 9)}" if r.mip_gap is not None else ""
        rows += [(f("report.f.backend", short), f"{r.backend}, {fixed(r.runtime_s, 3)} {d.term('unit.seconds')}{gap}"),
                 (f("report.f.checked", short), _violation(r.check_max_violation, d))]
        warnings += list(r.warnings)
    blocks.append(Table("summary", d.t("report.t.summary"),
                        pd.DataFrame(rows, columns=["field", "value_text"]).astype(str)))
    units = [(d.t("report.u.land"), d.t("report.u.land_unit")),
             (d.t("report.u.money"), d.t("report.u.money_unit", shown=d.money_unit, rate=d.rate_money_unit)),
             (d.t("report.u.energy"), d.t("report.u.energy_unit")),
             (d.t("report.u.emissions"), d.t("report.u.emissions_unit"))]
    blocks.append(Table("units", d.t("report.t.units"), pd.DataFrame(units, columns=["quantity", "unit"])))
    blocks.append(Table("rules", d.t("report.t.rules"), rules_frame(instance, d), caption=d.t("report.rules_caption"),
                        md_rows=200))
    warnings = [d.clean(w) for w in warnings]
    if warnings:
        blocks.append(Text(d.t("report.warnings") + "\n\n" + "\n".join(f"- {md_escape(w)}" for w in warnings)))
        blocks.append(Table("warnings", d.t("report.t.warnings"), pd.DataFrame({"warning": warnings}), markdown=False))
    else:
        blocks.append(Text(d.t("report.no_warnings")))
    return Section("summary", d.t("report.section.summary"), tuple(blocks))


def _violation(v: float | None, d: Display) -> str:
    if v is None or abs(v) < 1e-9:
        return d.t("solve.violation_tiny")
    return d.t("solve.violation", v=significant(v, 3, 9))


def _pool_use(p: Any, d: Display) -> str:
    allocated, _ = d.quantity_parts(p.allocated, p.unit)
    total, unit = d.quantity_parts(p.total, p.unit)
    return d.t("solve.pool_use", pool=d.term(f"pool.{p.pool}", p.pool), allocated=allocated, total=total, unit=unit)


def rules_frame(instance: Instance, d: Display) -> pd.DataFrame:
    """Every rule of the instance with the resource it applies to and its policy clause: the
    land rules, each pollutant's and the funds' rules, the portfolio's targets."""
    rows = []

    def add(resource: str, rules: Any) -> None:
        for r in rules:
            rows.append({"rule": r.id, "type": d.rule_type(r.type), "applies_to": d.term(f"short.{resource}", resource),
                         "source": d.clean(r.cited or ""), "note": r.note or ""})

    add("land", instance.rules)
    em = instance.pools.emissions
    if em is not None:
        add("emissions", em.rules)
        for name, pool in em.pollutants.items():  # a loop over pollutants
            add("emissions", [r.model_copy(update={"id": f"{r.id} ({name})"}) for r in pool.rules])
    if instance.pools.funds is not None:
        add("funds", instance.pools.funds.rules)
    add("portfolio", instance.portfolio.rules if instance.projects else ())
    return pd.DataFrame(rows, columns=["rule", "type", "applies_to", "source", "note"])


def evaluation_section(instance: Instance, backend: str, display: Display | None = None) -> Section:
    """The evaluations: each one's method and source, and its score, rank and grade per zone
    (an evaluation that cannot run is noted, not fatal)."""
    from zoneopt.evaluation.run import evaluated, score_unit

    d = display if display is not None else Display.of(instance)
    title = d.t("report.section.evaluations")
    if not instance.evaluations:
        return Section("evaluations", title, (Text(d.t("report.eval.none")),))
    overview, notes = [], []
    zt = _zone_frame(instance)
    table = zt[["zone", "name", "city"]].copy()
    kinds: dict[str, str] = {}
    for ev in instance.evaluations:  # a loop over evaluations
        unit = score_unit(instance, ev.id)
        preset = d.t("report.eval.preset", p=ev.preset) if ev.preset else ""
        line = {"evaluation": ev.id, "method": d.method(ev.method) + preset,
                "units": d.t(f"eval.units.{ev.units}"), "source": d.clean(ev.source or ""),
                "assigns": d.figures(ev.assign) or "-", "score_unit": d.term(f"eval.unit.{unit}", unit),
                "note": ev.note or ""}
        overview.append(line)
        try:
            result = evaluated(instance, ev.id, backend=backend)
        except ZoneoptError as exc:
            notes.append("- " + d.t("report.eval.failed", id=ev.id, error=md_escape(str(exc))))
            continue
        z = result.zones
        table[f"{ev.id} score"] = z["score"].to_numpy(dtype=float)
        table[f"{ev.id} rank"] = z["rank"].to_numpy(dtype=float)
        table[f"{ev.id} grade"] = z["grade"].to_numpy(dtype=object)
        kinds.update({f"{ev.id} score": "ratio", f"{ev.id} rank": "count"})
    assigned = [ev.id for ev in instance.evaluations if ev.assign]
    where = ", ".join(f"`{e}`" for e in assigned) if assigned else d.t("report.eval.itself")
    blocks: list[Block] = [Text(d.t("report.eval.intro", where=where)),
                           Table("evaluations", d.t("report.t.evaluations"), pd.DataFrame(overview)),
                           Table("evaluation-results", d.t("report.t.eval_results"), table,
                                 kinds=tuple(kinds.items()))]
    if notes:
        blocks.append(Text("\n".join(notes)))
    return Section("evaluations", title, tuple(blocks))


def _zone_frame(instance: Instance) -> pd.DataFrame:

    return evaluated_table(instance).frame


def _titled(resource: str) -> str:
    """A resource the glossary does not know, with its title from the registry."""
    return f"{resource} ({REGISTRY[resource].title})" if resource in REGISTRY else resource
