"""``python -m zoneopt solve PATH``: solve an instance and print the plan, or solve a model file."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from zoneopt.cli.common import add_backend_options, add_verb, fmt, is_model_file, require_optimal, solver_log_to_stderr
from zoneopt.errors import InfeasibleError, InvalidInputError, NoSolutionError, UnboundedError

if TYPE_CHECKING:
    from zoneopt.plans import Plan, ResourcePlan


def add_parser(sub: Any) -> None:
    s = add_verb(sub, "solve", "solve an instance (JSON) or a model file (MPS/LP)",
                 "Solve an instance JSON and print the plan, or solve an MPS/LP model file and "
                 "print its objective and values.")
    s.add_argument("path", type=Path, help="instance .json, or model .mps/.lp")
    add_backend_options(s)
    s.add_argument("--out", type=Path, default=None, metavar="FILE",
                   help="write the plan to FILE.json, .csv or .xlsx (atomically)")
    s.add_argument("--all", action="store_true", help="print every zone, not only the first 60")
    s.add_argument("--verbose", action="store_true", help="solver log to stderr")


def run(args: argparse.Namespace, out: TextIO) -> int:
    solver_log_to_stderr(args)
    if is_model_file(args.path):
        return _solve_model_file(args, out)
    from zoneopt.instance import load
    from zoneopt.plans import Plan
    from zoneopt.resources import solve_instance

    instance = load(args.path)
    banner = f"zoneopt · {instance.name}" + (" · SYNTHETIC data" if instance.metadata.synthetic else "")
    result = solve_instance(instance, args.backend, time_limit=args.time_limit, mip_gap=args.mip_gap)
    if isinstance(result, Plan):  # land alone: the land plan, as it always was
        print(banner, file=out)
        _print_land(result, args, out)
        statuses = [(result.summary.status, result.summary.mip_gap)]
    else:
        print(banner + " · resources: " + ", ".join(result.plans), file=out)
        for plan in result.plans.values():
            print("", file=out)
            if isinstance(plan, Plan):
                _print_land(plan, args, out)
            else:
                _print_resource(plan, args, out)
        statuses = [(p.summary.status, p.summary.mip_gap) for p in result.plans.values()]
    if args.out is not None:
        result.write(args.out)
        print(f"wrote {args.out}", file=out)
    for status, gap in statuses:
        require_optimal(status, gap, args)
    return 0


def _print_land(plan: Plan, args: argparse.Namespace, out: TextIO) -> None:
    """The land plan: pool, zone table, objective, status, warnings."""
    import numpy as np
    import pandas as pd

    s = plan.summary
    print(f"resource: land (新增建设用地指标) · pool {fmt(s.pool_total_mu)} mu · "
          f"allocated {fmt(s.allocated_mu)} mu to {s.zones_allocated} of {s.zones} zones", file=out)
    table = plan.allocations.copy()
    shown = table if args.all else table.head(60)
    view = pd.DataFrame({
        "zone": shown["zone"], "name": shown["name"], "city": shown["city"],
        "allocation_mu": shown["allocation_mu"].map(lambda v: f"{v:,.1f}"),
        "request_mu": shown["request_mu"].map(lambda v: fmt(v)),
        "fulfilment": shown["fulfilment"].map(lambda v: "-" if np.isnan(v) else f"{v:.0%}"),
        "binding_rules": shown["binding_rules"],
    })
    with pd.option_context("display.unicode.east_asian_width", True, "display.max_colwidth", 60,
                           "display.width", 200):
        print(view.to_string(index=False), file=out)
    if len(table) > len(shown):
        print(f"... {len(table) - len(shown)} more zones (use --all or --out)", file=out)
    gap = f" · gap {s.mip_gap:.2g}" if s.mip_gap is not None else ""
    print(f"objective ({s.objective_kind}): {fmt(s.objective, 10)} {s.objective_unit}", file=out)
    if s.secondary_objective is not None:
        print(f"tie-break (efficiency): {fmt(s.secondary_objective, 10)} {s.secondary_objective_unit}", file=out)
    print(f"status: {s.status} · backend {s.backend} · solve {s.runtime_s:.3f} s{gap} · "
          f"checked (max violation {fmt(s.check_max_violation, 2)}) · units: land mu, money {s.money_unit}",
          file=out)
    for warning in s.warnings:
        print(f"warning: {warning}", file=out)
    if s.shape is not None:
        print(f"shape: {s.shape.line()}", file=out)


def _print_resource(plan: ResourcePlan, args: argparse.Namespace, out: TextIO) -> None:
    """An emission, fund or portfolio plan: pools, targets, zone table, objective, status."""
    import numpy as np
    import pandas as pd

    from zoneopt.resources import REGISTRY

    s = plan.summary
    row = REGISTRY[s.resource]
    head = f"resource: {s.resource} ({row.title}) · {s.method}"
    if s.projects is not None:
        head += f" · {s.projects_chosen} of {s.projects} projects chosen"
    print(head + f" · {s.zones_allocated} of {s.zones} zones get some", file=out)
    print("pools: " + " · ".join(f"{p.pool} {fmt(p.allocated)} of {fmt(p.total)} {p.unit}" for p in s.pools),
          file=out)
    for t in s.targets:
        src = f" ({t.source})" if t.source else ""
        print(f"target {t.rule}{src}: {t.kind} {fmt(t.achieved, 4)} (required {fmt(t.required, 4)}) {t.unit} · "
              + ("met" if t.met else "NOT met"), file=out)
    table = plan.allocations
    shown = table if args.all else table.head(60)
    view = shown[["zone", "name", "city"]].copy()
    for c in row.glance(list(plan.allocations.columns)):
        view[c] = shown[c].map(lambda v: v if isinstance(v, (bool, np.bool_)) else fmt(v))
    view["binding_rules"] = shown["binding_rules"].str.slice(0, 60)
    with pd.option_context("display.unicode.east_asian_width", True, "display.max_colwidth", 60,
                           "display.width", 220):
        print(view.to_string(index=False), file=out)
    if len(table) > len(shown):
        print(f"... {len(table) - len(shown)} more zones (use --all or --out)", file=out)
    gap = f" · gap {s.mip_gap:.2g}" if s.mip_gap is not None else ""
    print(f"objective ({s.objective_kind}): {fmt(s.objective, 10)} {s.objective_unit}", file=out)
    print(f"status: {s.status} · backend {s.backend} · solve {s.runtime_s:.3f} s{gap} · "
          f"checked (max violation {fmt(s.check_max_violation, 2)}) · units: land mu, emissions t/yr, "
          f"money {s.money_unit}", file=out)
    for note in s.notes:
        print(f"note: {note}", file=out)
    for warning in s.warnings:
        print(f"warning: {warning}", file=out)
    for shape in s.shapes:
        print(f"shape: {shape.line()}", file=out)


def _solve_model_file(args: argparse.Namespace, out: TextIO) -> int:
    import numpy as np

    from zoneopt.core import Status, read_mps, solve
    from zoneopt.files import atomic_write_text

    model = read_mps(args.path)
    sol = solve(model, args.backend, time_limit=args.time_limit, mip_gap=args.mip_gap)
    print(f"model {model.name}: {model.num_vars} variables ({int(model.integer.sum())} integer), "
          f"{model.num_rows} rows, {model.sense}imise", file=out)
    print(f"status: {sol.status.value} · backend {sol.backend} · {sol.runtime:.3f} s", file=out)
    if sol.status.has_solution:
        assert sol.x is not None
        print(f"objective: {sol.objective!r}", file=out)
        names = model.column_names()
        nz = np.flatnonzero(np.abs(sol.x) > 1e-9)
        for j in nz[:30]:
            print(f"  {names[j]} = {sol.x[j]:.10g}", file=out)
        if nz.size > 30:
            print(f"  ... {nz.size - 30} more non-zero values", file=out)
    if args.out is not None:
        record = {"status": sol.status.value, "objective": sol.objective, "backend": sol.backend,
                  "runtime_s": sol.runtime, "mip_gap": sol.mip_gap,
                  "values": dict(zip(model.column_names(), sol.x.tolist(), strict=True)) if sol.x is not None else None}
        if args.out.suffix.lower() != ".json":
            raise InvalidInputError(f"--out {args.out}: a model file's solution is written as .json only")
        atomic_write_text(args.out, json.dumps(record, indent=2) + "\n")
        print(f"wrote {args.out}", file=out)
    if sol.status in (Status.INFEASIBLE, Status.UNBOUNDED):
        raise (InfeasibleError if sol.status is Status.INFEASIBLE else UnboundedError)(
            f"model {model.name} is {sol.status.value}")
    if not sol.status.has_solution:
        raise NoSolutionError(f"model {model.name}: {sol.status.value} ({sol.message})")
    return 0


