"""The report's sweep section (``build_report(..., sweep=...)``, ``report --sweep FILE.parquet``):
what a sweep of the instance says per zone — a fan chart of its allocation over the Monte Carlo
draws (P5–P95 and P25–P75 bands, the median, the base plan), the probability that it receives
land, and its replacement cost, ranked — with the tables behind them. The analyses are
:mod:`zoneopt.analysis.sweeps`; the mathematics ``models/sweeps.md``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from zoneopt.errors import InvalidInputError
from zoneopt.instance import Instance
from zoneopt.plans.display import Display
from zoneopt.report.charts import ChartRenderer, _thousands, chart_or_note
from zoneopt.report.document import Block, Section, Table, Text

FAN_ZONES = 45
"""At most this many zones in the fan and probability charts (the largest median, then mean)."""
COST_ZONES = 30
"""At most this many zones in the replacement-cost chart (the largest costs)."""


def _names(instance: Instance, zones: pd.Series) -> list[str]:
    by_id = {z.id: z.name or z.id for z in instance.zones}  # a loop over zones, once per report
    return [by_id.get(z, z) for z in zones]


def fan_chart(Figure: Any, bands: pd.DataFrame, names: list[str], unit: str, draws: int,
              display: Display | None = None) -> Any:
    d = display if display is not None else Display()
    shown = bands[bands["p95"] > 1e-9]
    if shown.empty:
        return d.t("sweep.r.none_any")
    order = np.lexsort((-shown["mean"].to_numpy(), -shown["p50"].to_numpy()))[:FAN_ZONES]
    rows = shown.iloc[order]
    labels = [names[i] for i in rows.index]
    n = len(rows)
    fig = Figure(figsize=(9, max(2.5, 0.32 * n + 1.4)))
    ax = fig.add_subplot()
    y = np.arange(n)
    ax.barh(y, rows["p95"] - rows["p5"], left=rows["p5"], height=0.7, color="#bcd3ea", label="P5–P95")
    ax.barh(y, rows["p75"] - rows["p25"], left=rows["p25"], height=0.7, color="#6f9fcf", label="P25–P75")
    ax.scatter(rows["p50"], y, marker="|", s=160, color="#12355b", zorder=3, label=d.t("sweep.r.median"))
    ax.scatter(rows["base"], y, marker="x", s=30, color="#c0392b", zorder=4, label=d.t("sweep.r.base_plan"))
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlabel(unit)
    rest = len(bands) - n
    ax.set_title(d.t("sweep.r.fan_title", draws=f"{draws:,}", n=n)
                 + (d.t("sweep.r.not_shown", rest=rest) if rest else d.t("sweep.r.close")))
    ax.legend(loc="lower right", fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    _thousands(ax.xaxis)
    return fig


def probability_chart(Figure: Any, bands: pd.DataFrame, names: list[str], display: Display | None = None) -> Any:
    d = display if display is not None else Display()
    p = bands["p_receive"].to_numpy(dtype=float)
    some = np.flatnonzero(p > 0)
    if some.size == 0:
        return d.t("sweep.r.no_land")
    order = some[np.argsort(-p[some], kind="stable")][:FAN_ZONES]
    n = order.size
    fig = Figure(figsize=(9, max(2.5, 0.3 * n + 1.3)))
    ax = fig.add_subplot()
    y = np.arange(n)
    ax.barh(y, p[order], color="#3b78b0")
    ax.set_yticks(y, [names[i] for i in order])
    ax.invert_yaxis()
    ax.set_xlim(0, 1.08)
    ax.set_xlabel(d.t("sweep.r.p_axis"))
    for k, i in enumerate(order):
        ax.text(p[i] + 0.01, y[k], f"{p[i]:.0%}", va="center", fontsize=8)
    none = len(p) - some.size
    ax.set_title(d.t("sweep.r.p_title") + (d.t("sweep.r.never", n=none) if none else ""))
    ax.grid(axis="x", alpha=0.3)
    return fig


def cost_chart(Figure: Any, costs: pd.DataFrame, names: list[str], unit: str, display: Display | None = None) -> Any:
    d = display if display is not None else Display()
    value = costs["replacement_cost"].to_numpy(dtype=float)
    finite = np.isfinite(value)
    hit = np.flatnonzero(finite & (np.abs(value) > 0))
    if hit.size == 0:
        return d.t("sweep.r.no_cost")
    order = hit[np.argsort(-np.abs(value[hit]), kind="stable")][:COST_ZONES]
    n = order.size
    fig = Figure(figsize=(9, max(2.5, 0.32 * n + 1.3)))
    ax = fig.add_subplot()
    y = np.arange(n)
    v = value[order]
    ax.barh(y, v, color=np.where(v >= 0, "#c0392b", "#2a9d3c"))
    ax.set_yticks(y, [names[i] for i in order])
    ax.invert_yaxis()
    ax.axvline(0, color="#333333", lw=0.8)
    ax.set_xlabel(d.t("sweep.r.cost_axis", unit=unit))
    irreplaceable = [names[i] for i in np.flatnonzero(np.isposinf(value))]
    title = d.t("sweep.r.cost_title")
    if irreplaceable:
        title += "\n" + d.t("sweep.r.irreplaceable", zones=("、" if d.zh else ", ").join(irreplaceable))
    ax.set_title(title)
    ax.grid(axis="x", alpha=0.3)
    _thousands(ax.xaxis)
    return fig


def sweep_table(sweep: str | Path | pd.DataFrame) -> pd.DataFrame:
    """A sweep's table, read from its Parquet file when given a path."""
    from zoneopt.analysis.sweeps import read_sweep

    return read_sweep(sweep) if isinstance(sweep, (str, Path)) else sweep


def _objective_unit(unit: str, d: Display) -> str:
    from zoneopt.plans.wording import unit_words

    return unit_words(d.clean(unit), d) if unit else d.t("sweep.r.objective_units")


def sweep_section(instance: Instance, sweep: str | Path | pd.DataFrame, renderer: ChartRenderer | None,
                  objective_unit: str = "", display: Display | None = None) -> Section:
    """The sweep section for ``instance`` in ``display``'s language (default English): from a
    sweep table (or its Parquet file), the draws' bands and probability of land (with a fan
    chart and a bar chart) when the sweep has draws, grade stability, and the replacement costs
    (ranked, with a chart) when it has the zone variants. Raises :class:`InvalidInputError`
    when the sweep is of other zones."""
    from zoneopt.analysis.sweeps import allocation_bands, grade_stability, replacement_costs, status_counts

    d = display if display is not None else Display()
    table = sweep_table(sweep)
    meta = table.attrs.get("sweep", {})
    zones = list(dict.fromkeys(table["zone"].tolist()))
    if zones != instance.zone_ids:
        raise InvalidInputError(f"the sweep ({meta.get('instance', '?')}) is not of instance {instance.name!r}'s "
                                "zones")
    kinds = meta.get("kinds", table.drop_duplicates("variant")["kind"].value_counts().to_dict())
    sep = "，" if d.zh else ", "
    intro = d.t("sweep.r.intro", n=f"{meta.get('variants', table['variant'].nunique()):,}",
                kinds=sep.join(f"{v:,} {d.term(f'kind.{k}', k)}" for k, v in kinds.items()))
    counts = status_counts(table)
    counts = counts.assign(status=[d.term(f"status.{v}", v) for v in counts["status"]])
    blocks: list[Block] = [Text(intro), Table("sweep-status", d.t("sweep.r.status_title"), counts,
                                              labels=(("kind", "col.kind_variant"),))]
    names = _names(instance, pd.Series(zones))
    if kinds.get("draw"):
        quantity = "land" if "alloc_land" in table.columns else meta.get("quantities", ["land"])[0]
        bands = allocation_bands(table, quantity, quantiles=(5, 25, 50, 75, 95))
        noise = ("；" if d.zh else "; ").join(
            f"{d.term('indicator.' + n['metric'], n['metric']) if d.zh else n['metric']} {n['error']:.3g}"
            + d.paren(d.term("dist." + n["distribution"], n["distribution"])) for n in meta.get("noise", []))
        noise = noise or d.t("sweep.r.as_stated")
        draws = int(bands["variants"].iloc[0])
        blocks.append(Text(d.t("sweep.r.draws", noise=noise, seed=meta.get("seed", "?"), draws=f"{draws:,}")))
        kind = "mu" if quantity == "land" else "money" if quantity == "funds" else "t"
        unit = d.unit_of(kind)
        what = d.term(f"short.{quantity}", quantity)
        blocks.append(chart_or_note(renderer, "sweep-fan", d.t("sweep.r.fan_heading"), fan_chart, bands,
                                    names, f"{what}（{unit}）" if d.zh else f"{what}, {unit}", draws, d))
        blocks.append(chart_or_note(renderer, "sweep-land-probability", d.t("sweep.r.p_title"),
                                    probability_chart, bands, names, d))
        view = bands.assign(name=names, base_plan=bands["base"])[["zone", "name", "base_plan", "p5", "p25", "p50",
                                                                  "p75", "p95", "mean", "p_receive"]]
        title = d.t("sweep.r.bands_title", what=what)
        blocks.append(Table("sweep-bands", title[:1].upper() + title[1:], view, percent=("p_receive",),
                            kinds=tuple((c, kind) for c in ("base_plan", "p5", "p25", "p50", "p75", "p95", "mean")),
                            caption=d.t("sweep.r.bands_caption")))
        grades = grade_stability(table)
        blocks.append(Table("sweep-grades", d.t("sweep.r.grades_title"),
                            grades.assign(name=names)[["zone", "name", "base_grade", "p_base", "modal_grade",
                                                       "p_A", "p_B", "p_C", "p_D", "p_ungraded", "score_p5",
                                                       "score_p50", "score_p95"]],
                            percent=("p_base", "p_A", "p_B", "p_C", "p_D", "p_ungraded"),
                            kinds=(("score_p5", "score"), ("score_p50", "score"), ("score_p95", "score")),
                            caption=d.t("sweep.r.grades_caption")))
    if kinds.get("zone"):
        costs = replacement_costs(table)
        by_zone = dict(zip(zones, names, strict=True))
        cost_names = [by_zone[z] for z in costs["zone"]]
        unit = _objective_unit(objective_unit, d)
        blocks.append(chart_or_note(renderer, "sweep-replacement-cost", d.t("sweep.r.cost_heading"), cost_chart,
                                    costs, cost_names, unit, d))
        infeasible_in = int(np.isposinf(costs["forcing_cost"].to_numpy(dtype=float)).sum())
        view = costs.assign(name=cost_names,
                            status_out=[d.term(f"status.{v}", v) for v in costs["status_out"]],
                            status_in=[d.term(f"status.{v}", v) for v in costs["status_in"]])
        blocks.append(Table("sweep-replacement-costs", d.t("sweep.r.costs_title", unit=unit),
                            view[["rank", "zone", "name", "replacement_cost", "share", "status_out", "forcing_cost",
                                  "status_in"]],
                            percent=("share",), labels=(("share", "col.share_of_objective"),),
                            caption=d.t("sweep.r.costs_caption", n=infeasible_in)))
    if len(blocks) == 2:
        blocks.append(Text(d.t("sweep.r.nothing")))
    return Section("sweep", d.t("sweep.r.section"), tuple(blocks))


__all__ = ["sweep_section", "sweep_table", "fan_chart", "probability_chart", "cost_chart"]
