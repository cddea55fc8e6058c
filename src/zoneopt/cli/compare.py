"""``python -m zoneopt compare PATH [PATH...]``: solve instances and their scenarios side by side."""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from zoneopt.cli.common import add_backend_options, add_verb, fmt
from zoneopt.errors import InvalidInputError

if TYPE_CHECKING:
    import pandas as pd

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
    c.add_argument("paths", type=Path, nargs="+", metavar="PATH", help="instance .json")
    c.add_argument("--scenario", action="append", dest="scenarios", metavar="ID", default=None,
                   help="compare only this scenario (repeatable; default: every scenario)")
    add_backend_options(c)
    c.add_argument("--out", type=Path, default=None, metavar="FILE",
                   help="write the comparison to FILE.json (everything), .xlsx (summary, allocations, "
                        "cities) or .csv (the allocation table), atomically")
    c.add_argument("--all", action="store_true", help=f"print every zone, not only the first {SHOWN_ZONES}")


def run(args: argparse.Namespace, out: TextIO) -> int:
    from zoneopt.analysis.scenarios import check_output_suffix, compare, scenario_ids, scenario_items
    from zoneopt.instance import load

    if args.out is not None:
        check_output_suffix(args.out)  # before any solve
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

    synthetic = any(c.instance.metadata.synthetic for c in result.columns)
    print(f"zoneopt compare · {len(result.columns)} plans from {len(loaded)} instance(s)"
          + (" · SYNTHETIC data" if synthetic else ""), file=out)
    _print_summary(result, out)
    if result.multi_resource:
        _print_resources(result, out)
    _print_allocations(result, out, args.all)
    _print_changes(result, out, result.main if result.multi_resource else None)
    _print_cities(result, out)
    if result.multi_resource:
        for quantity in result.quantities:  # a loop over the other quantities
            if quantity != result.main:
                _print_changes(result, out, quantity)
                if not result.biggest_changes(1, quantity).empty:  # per-city totals only where some zone moves
                    _print_cities(result, out, quantity)
    for col in result.columns:
        if col.status != "optimal":
            print(f"{col.status}: {col.label}: {col.message}", file=out)
    _print_warnings(result, out)
    if args.out is not None:
        result.write(args.out)
        print(f"wrote {args.out}", file=out)
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
    import pandas as pd

    # Chinese names are two columns wide on a terminal: pad by display width, not characters.
    with pd.option_context("display.unicode.east_asian_width", True, "display.max_colwidth", 60,
                           "display.width", 250, "display.max_columns", None):
        print(frame.to_string(index=False), file=out)


def _mu(v: float) -> str:
    return "-" if math.isnan(v) else f"{v:,.1f}"


def _delta(v: float) -> str:
    if math.isnan(v):
        return "-"
    return "" if abs(v) < 0.05 else f"{v:+,.1f}"


def _print_summary(result: Any, out: TextIO) -> None:
    import pandas as pd

    s = result.summary
    view = pd.DataFrame({
        "column": s["label"], "status": s["status"],
        "objective": [fmt(v, 8) for v in s["objective"]],
        "Δ objective": ["" if k == 0 else "-" if math.isnan(v) else f"{v:+,.6g}"
                        for k, v in enumerate(s["objective_delta"])],
        "unit": [f"{k}: {u}" if u else k for k, u in zip(s["objective_kind"], s["objective_unit"], strict=True)],
        "allocated mu": [f"{_mu(a)} / {_mu(p)}" for a, p in zip(s["allocated_mu"], s["pool_total_mu"], strict=True)],
        "Δ allocated": ["" if k == 0 else _delta(v) or "0" for k, v in enumerate(s["allocated_delta"])],
        "zones": [("-" if pd.isna(v) else str(v)) for v in s["zones_allocated"]],
    })
    if s["secondary_objective"].notna().any():
        view.insert(4, "tie-break (efficiency)", [fmt(v, 8) for v in s["secondary_objective"]])
    _show(view, out)


def _what(result: Any, quantity: str) -> str:
    """``allocation (mu)`` for land, ``SO2 (t/yr)``, ``funds (万元 (1e4 yuan))`` ..."""
    unit = result.units.get(quantity, "mu")
    return f"allocation ({unit})" if quantity == "land" else f"{quantity} ({unit})"


def _print_resources(result: Any, out: TextIO) -> None:
    import pandas as pd

    r = result.resources
    view = pd.DataFrame({
        "column": r["label"], "resource": r["resource"], "status": r["status"],
        "objective": [fmt(v, 8) for v in r["objective"]],
        "Δ objective": ["" if lab == result.labels[0] else "-" if math.isnan(v) else f"{v:+,.6g}"
                        for lab, v in zip(r["label"], r["objective_delta"], strict=True)],
        "unit": [f"{k}: {u}" if u else k for k, u in zip(r["objective_kind"], r["objective_unit"], strict=True)],
        "pools": r["pools"],
    })
    print("\nper resource:", file=out)
    _show(view, out)


def _print_allocations(result: Any, out: TextIO, show_all: bool) -> None:
    import pandas as pd

    a = result.allocations
    shown = a if show_all else a.head(SHOWN_ZONES)
    view = pd.DataFrame({"zone": shown["zone"], "name": shown["name"], "city": shown["city"]})
    first, rest = result.labels[0], result.labels[1:]
    view[first] = shown[first].map(_mu)
    for label in rest:
        view[label] = shown[label].map(_mu)
    for label in rest:
        view[f"Δ {label}"] = shown[f"delta:{label}"].map(_delta)
    print(f"\n{_what(result, result.main)}; Δ against {first!r}, blank = unchanged:", file=out)
    _show(view, out)
    if len(a) > len(shown):
        print(f"... {len(a) - len(shown)} more zones (use --all or --out)", file=out)


def _print_changes(result: Any, out: TextIO, quantity: str | None = None) -> None:
    import numpy as np
    import pandas as pd

    if len(result.labels) < 2:
        return
    top = result.biggest_changes(TOP_CHANGES, quantity)
    first = result.labels[0]
    what = "allocation" if quantity is None else _what(result, quantity)
    if top.empty:
        print(f"\nno zone's {what} differs from {first!r}", file=out)
        return
    print(f"\nzones whose {what} differs most from {first!r}:", file=out)
    others = result.labels[1:]
    deltas = top[[f"delta:{label}" for label in others]].to_numpy(dtype=float)
    where = np.nan_to_num(np.abs(deltas), nan=-1.0).argmax(axis=1)  # the column of the largest change
    values = top[others].to_numpy(dtype=float)[np.arange(len(top)), where]
    view = pd.DataFrame({
        "zone": top["zone"], "name": top["name"], "city": top["city"],
        first: top[first].map(_mu),
        "column": [others[k] for k in where.tolist()],
        "allocation": [_mu(v) for v in values],
        "Δ mu" if quantity in (None, "land") else "Δ": top["largest_change_mu"].map(_delta),
    })
    _show(view, out)


def _print_cities(result: Any, out: TextIO, quantity: str | None = None) -> None:
    import pandas as pd

    c = result.cities if quantity is None else result.city_totals(quantity)
    view = pd.DataFrame({"city": c.index.astype(str)})
    for label in result.labels:
        view[label] = c[label].map(_mu).to_numpy()
    for label in result.labels[1:]:
        view[f"Δ {label}"] = c[f"delta:{label}"].map(_delta).to_numpy()
    print(f"\nper city, {_what(result, result.main if quantity is None else quantity)}:"
          if result.multi_resource else "\nper city (mu):", file=out)
    _show(view, out)


def _print_warnings(result: Any, out: TextIO) -> None:
    """Presolve warnings, each once, with the columns it concerns."""
    seen: dict[str, list[str]] = {}
    for col in result.columns:
        for plan in col.plans.values():
            for w in plan.summary.warnings:
                seen.setdefault(w, []).append(col.label)
    if seen:
        print("", file=out)  # a blank line ends the table above
    for w, labels in seen.items():
        print(f"warning: [{', '.join(labels)}] {w}", file=out)
