"""``python -m zoneopt compare PATH [PATH...]``: solve instances and their scenarios side by side."""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from zoneopt.cli.common import add_backend_options, add_lang_option, add_verb, check_out
from zoneopt.errors import InvalidInputError

if TYPE_CHECKING:
    import pandas as pd

    from zoneopt.plans.display import Display

EPILOG = """Each PATH contributes its base plan and its scenarios (every one, or those named with
--scenario); differences are against the first column. With one PATH the columns are named
'base' and the scenario ids, with several '<file stem>' and '<file stem>:<scenario id>'.
Every resource an instance configures is solved (land; emission allowances per pollutant;
funds; or the project portfolio), so a scenario overriding an emission or fund pool shows:
a table per resource (status, objective, pools), the land (or first) allocation per zone,
and for each other quantity (each pollutant in t/yr, funds, a portfolio's projects) the
zones that change most and the per-city totals (--out writes every table).

exit codes: 0 every column solved (optimal);
3 some column is infeasible or unbounded (the table is still printed, that column marked
  and its diagnosis shown; --out is still written);
4 some column has no solution (time limit, solver failure) and none is infeasible;
2 invalid input (an instance, an unknown scenario, an option); 1 internal error"""

SHOWN_ZONES = 60
TOP_CHANGES = 10


def add_parser(sub: Any) -> None:
    c = add_verb(sub, "compare", "solve instances and their scenarios side by side",
                 "Solve each instance's base plan and its scenarios, and print the allocations side by "
                 "side with differences against the first column, objective and status per column, the "
                 "zones whose allocation changes most, and per-city totals.", epilog=EPILOG)
    c.add_argument("paths", type=Path, nargs="+", metavar="PATH", help="instance .json or .xlsx")
    c.add_argument("--scenario", action="append", dest="scenarios", metavar="ID", default=None,
                   help="compare only this scenario (repeatable; default: every scenario)")
    add_backend_options(c)
    c.add_argument("--out", type=Path, default=None, metavar="FILE",
                   help="write the comparison to FILE.json (everything), .xlsx (summary, allocations, "
                        "cities) or .csv (the allocation table), atomically")
    c.add_argument("--all", action="store_true", help=f"print every zone, not only the first {SHOWN_ZONES}")
    add_lang_option(c)


def run(args: argparse.Namespace, out: TextIO) -> int:
    from zoneopt.analysis.scenarios import compare, scenario_ids, scenario_items
    from zoneopt.instance import load

    if args.out is not None:
        check_out(args.out)  # before any solve
    loaded = [(path, load(path)) for path in args.paths]
    named: list[str] | None = args.scenarios
    if named:
        known = {sid for _, inst in loaded for sid in scenario_ids(inst)}
        unknown = [sid for sid in named if sid not in known]
        if unknown:
            have = ", ".join(repr(s) for s in sorted(known)) or "none"
            raise InvalidInputError(f"--scenario {unknown[0]!r}: no such scenario in "
                                    f"{', '.join(str(p) for p, _ in loaded)}; scenarios there: {have}")
    items = []
    for prefix, (path, inst) in zip(_prefixes([p for p, _ in loaded]), loaded, strict=True):
        ids = None if not named else [sid for sid in dict.fromkeys(named) if sid in scenario_ids(inst)]
        items += scenario_items(inst, ids, prefix=prefix, source=str(path))
    result = compare(items, args.backend, time_limit=args.time_limit, mip_gap=args.mip_gap)

    from zoneopt.plans.display import Display

    display = Display.of(loaded[0][1], args.lang)
    synthetic = any(c.instance.metadata.synthetic for c in result.columns)
    print(display.t("compare.banner", n=len(result.columns), k=len(loaded))
          + (f" · {display.t('term.synthetic')}" if synthetic else ""), file=out)
    _print_summary(result, out, display)
    if result.multi_resource:
        _print_resources(result, out, display)
    _print_allocations(result, out, args.all, display)
    _print_changes(result, out, display, result.main if result.multi_resource else None)
    _print_cities(result, out, display)
    if result.multi_resource:
        for quantity in result.quantities:  # a loop over the other quantities
            if quantity != result.main:
                _print_changes(result, out, display, quantity)
                if not result.biggest_changes(1, quantity).empty:  # per-city totals only where some zone moves
                    _print_cities(result, out, display, quantity)
    for col in result.columns:
        if col.status != "optimal":
            print(f"{display.term(f'status.{col.status}', col.status)}: {col.label}: {col.message}", file=out)
    _print_warnings(result, out, display)
    if args.out is not None:
        result.write(args.out)
        print(display.t("solve.wrote", path=args.out), file=out)
    if result.any_infeasible:
        return 3
    return 0 if result.all_solved else 4


def _prefixes(paths: list[Path]) -> list[str]:
    """Column-label prefixes: none for one file, else the file stem (numbered if repeated)."""
    if len(paths) == 1:
        return [""]
    stems = [p.stem for p in paths]
    return [f"{s}:" if stems.count(s) == 1 else f"{s}#{k + 1}:" for k, s in enumerate(stems)]


def _show(frame: pd.DataFrame, out: TextIO) -> None:
    from zoneopt.plans.display import to_text

    print(to_text(frame), file=out)


def _fmt(value: float, unit: str, display: Display, signed: bool = False) -> str:
    """An amount of a compared quantity in its unit (mu, t/yr, money in the display unit, a
    count); ``signed``: a change, blank below the comparison's tolerance."""
    if math.isnan(value):
        return "-"
    if signed and abs(value) < 0.05 * (1 if unit in ("mu", "t/yr") else 1e-3 if unit != "projects" else 1):
        return ""
    if unit == "projects":
        text = f"{value:,.0f}"
    else:
        text = display.quantity_parts(value, unit)[0]
    return ("+" + text if value > 0 else text) if signed else text


def _objective(result: Any, row: Any, display: Display, value: float, signed: bool = False) -> str:
    """One column's objective (or, ``signed``, its change) in its own unit, as ``solve`` says it."""
    from types import SimpleNamespace

    from zoneopt.plans.wording import objective_value

    if isinstance(value, float) and math.isnan(value):
        return "-"
    summary = SimpleNamespace(objective_kind=row["objective_kind"], objective=value,
                              resource=row.get("resource", "land"), objective_unit=row["objective_unit"])
    instance = next((c.instance for c in result.columns if c.label == row["label"]), None)
    text = objective_value(summary, display, instance)
    return "+" + text if signed and value > 0 else text


def _print_summary(result: Any, out: TextIO, display: Display) -> None:
    import pandas as pd

    s = result.summary
    rows = s.to_dict("records")
    for r, col in zip(rows, result.columns, strict=True):  # the land plan's objective, or the first plan's
        first = next(iter(col.plans.values()), None)
        r["resource"] = "land" if col.plan is not None or first is None else getattr(first.summary, "resource", "land")
    view = pd.DataFrame({
        display.t("compare.column"): s["label"],
        display.t("col.status"): [display.term(f"status.{v}", v) for v in s["status"]],
        display.t("col.objective"): [_objective(result, r, display, r["objective"]) for r in rows],
        display.t("compare.delta_objective"): ["" if k == 0 else
                                               _objective(result, r, display, r["objective_delta"], True)
                                               for k, r in enumerate(rows)],
        display.t("compare.allocated") + display.paren(display.term("unit.mu")): [
            f"{_fmt(a, 'mu', display)} / {_fmt(p, 'mu', display)}"
            for a, p in zip(s["allocated_mu"], s["pool_total_mu"], strict=True)],
        display.t("compare.delta_allocated"): ["" if k == 0 else _fmt(v, "mu", display, signed=True) or "0"
                                               for k, v in enumerate(s["allocated_delta"])],
        display.t("col.zones_allocated"): [("-" if pd.isna(v) else str(v)) for v in s["zones_allocated"]],
    })
    if s["secondary_objective"].notna().any():
        view.insert(4, display.t("compare.tie_break"), [
            "-" if math.isnan(v) else display.money_amount(v, per_year=True) for v in s["secondary_objective"]])
    _show(view, out)


def _print_resources(result: Any, out: TextIO, display: Display) -> None:
    import pandas as pd

    from zoneopt.cli.plan_text import pool_use

    r = result.resources
    rows = r.to_dict("records")
    pools = []
    for row in rows:  # a few rows: columns × resources
        col = next(c for c in result.columns if c.label == row["label"])
        plan = col.plans.get(row["resource"])
        summary = plan.summary if plan is not None else None
        if summary is None:
            pools.append("")
        elif hasattr(summary, "pools"):
            pools.append(" · ".join(pool_use(p, display) for p in summary.pools))
        else:
            pools.append(display.t("solve.pool_use", pool=display.term("pool.land"),
                                   allocated=display.mu(summary.allocated_mu), total=display.mu(summary.pool_total_mu),
                                   unit=display.term("unit.mu")))
    view = pd.DataFrame({
        display.t("compare.column"): r["label"],
        display.t("field.resource"): [display.term(f"short.{v}", v) for v in r["resource"]],
        display.t("col.status"): [display.term(f"status.{v}", v) for v in r["status"]],
        display.t("col.objective"): [_objective(result, row, display, row["objective"]) for row in rows],
        display.t("compare.delta_objective"): ["" if row["label"] == result.labels[0]
                                               else _objective(result, row, display, row["objective_delta"], True)
                                               for row in rows],
        display.t("col.pool"): pools,
    })
    print("\n" + display.t("compare.per_resource"), file=out)
    _show(view, out)


def _what(result: Any, quantity: str, display: Display) -> str:
    """``新增建设用地指标（亩）``, ``SO2（吨/年）``, ``资金（亿元）`` ..."""
    unit = result.units.get(quantity, "mu")
    if unit == "projects":
        words = display.t("col.projects_chosen")
    else:
        words = display.term(f"resource.{quantity}" if quantity == "land" else f"pool.{quantity}", quantity)
        words += display.paren(display.quantity_parts(0.0, unit)[1])
    return words


def _zone_view(result: Any, table: pd.DataFrame, unit: str, display: Display, labels: list[str],
               deltas: bool) -> pd.DataFrame:
    import pandas as pd

    view = pd.DataFrame({display.t("col.zone"): table["zone"], display.t("col.name"): table["name"],
                         display.t("col.city"): table["city"]})
    for label in labels:
        view[label] = [_fmt(v, unit, display) for v in table[label].to_numpy(dtype=float)]
    if deltas:
        for label in labels[1:]:
            view[f"Δ {label}"] = [_fmt(v, unit, display, signed=True)
                                  for v in table[f"delta:{label}"].to_numpy(dtype=float)]
    return view


def _print_allocations(result: Any, out: TextIO, show_all: bool, display: Display) -> None:
    import pandas as pd

    a = result.allocations
    shown = a if show_all else a.head(SHOWN_ZONES)
    unit = result.units.get(result.main, "mu")
    view = _zone_view(result, shown, unit, display, result.labels, deltas=True)
    total = {c: "" for c in view.columns}
    total[display.t("col.zone")] = display.term("term.total") + (
        display.paren(display.t("term.all_zones", n=len(a))) if len(a) > len(shown) else "")
    for label in result.labels:
        total[label] = _fmt(float(a[label].sum(min_count=1)), unit, display)
    for label in result.labels[1:]:
        total[f"Δ {label}"] = _fmt(float(a[f"delta:{label}"].sum(min_count=1)), unit, display, signed=True)
    view = pd.concat([view, pd.DataFrame([total])], ignore_index=True)
    print("\n" + display.t("compare.allocations", what=_what(result, result.main, display), first=result.labels[0]),
          file=out)
    _show(view, out)
    if len(a) > len(shown):
        print(display.t("term.more_zones", n=len(a) - len(shown)), file=out)


def _print_changes(result: Any, out: TextIO, display: Display, quantity: str | None = None) -> None:
    import numpy as np
    import pandas as pd

    if len(result.labels) < 2:
        return
    top = result.biggest_changes(TOP_CHANGES, quantity)
    first = result.labels[0]
    q = quantity if quantity is not None else result.main
    what = _what(result, q, display)
    unit = result.units.get(q, "mu")
    if top.empty:
        print("\n" + display.t("compare.no_change", what=what, first=first), file=out)
        return
    print("\n" + display.t("compare.changes", what=what, first=first), file=out)
    others = result.labels[1:]
    deltas = top[[f"delta:{label}" for label in others]].to_numpy(dtype=float)
    where = np.nan_to_num(np.abs(deltas), nan=-1.0).argmax(axis=1)  # the column of the largest change
    values = top[others].to_numpy(dtype=float)[np.arange(len(top)), where]
    view = pd.DataFrame({
        display.t("col.zone"): top["zone"], display.t("col.name"): top["name"], display.t("col.city"): top["city"],
        first: [_fmt(v, unit, display) for v in top[first].to_numpy(dtype=float)],
        display.t("compare.column"): [others[k] for k in where.tolist()],
        display.t("compare.value"): [_fmt(v, unit, display) for v in values],
        "Δ": [_fmt(v, unit, display, signed=True) for v in top["largest_change_mu"].to_numpy(dtype=float)],
    })
    _show(view, out)


def _print_cities(result: Any, out: TextIO, display: Display, quantity: str | None = None) -> None:
    import pandas as pd

    q = result.main if quantity is None else quantity
    c = result.cities if quantity is None else result.city_totals(quantity)
    unit = result.units.get(q, "mu")
    table = c.reset_index()
    view = pd.DataFrame({display.t("col.city"): table["city"].astype(str)})
    for label in result.labels:
        view[label] = [_fmt(v, unit, display) for v in table[label].to_numpy(dtype=float)]
    for label in result.labels[1:]:
        view[f"Δ {label}"] = [_fmt(v, unit, display, signed=True)
                              for v in table[f"delta:{label}"].to_numpy(dtype=float)]
    total = {display.t("col.city"): display.term("term.total")}
    total.update({label: _fmt(float(table[label].sum(min_count=1)), unit, display) for label in result.labels})
    total.update({f"Δ {label}": _fmt(float(table[f"delta:{label}"].sum(min_count=1)), unit, display, signed=True)
                  for label in result.labels[1:]})
    view = pd.concat([view, pd.DataFrame([total])], ignore_index=True)
    print("\n" + display.t("compare.cities", what=_what(result, q, display)), file=out)
    _show(view, out)


def _print_warnings(result: Any, out: TextIO, display: Display) -> None:
    """Presolve warnings, each once, with the columns it concerns."""
    seen: dict[str, list[str]] = {}
    for col in result.columns:
        for plan in col.plans.values():
            for w in plan.summary.warnings:
                seen.setdefault(w, []).append(col.label)
    for w, labels in seen.items():
        print(display.t("solve.warning", text=f"[{', '.join(labels)}] {display.clean(w)}"), file=out)
