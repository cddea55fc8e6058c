"""``python -m zoneopt solve PATH``: solve an instance and print the plan, or solve a model file."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, TextIO

from zoneopt.cli.common import (
    TABLE_SUFFIXES,
    add_backend_options,
    add_lang_option,
    add_verb,
    check_out,
    is_model_file,
    require_optimal,
    solver_log_to_stderr,
)
from zoneopt.errors import InfeasibleError, NoSolutionError, UnboundedError


def add_parser(sub: Any) -> None:
    s = add_verb(sub, "solve", "solve an instance (JSON) or a model file (MPS/LP)",
                 "Solve an instance JSON and print the plan, or solve an MPS/LP model file and "
                 "print its objective and values.")
    s.add_argument("path", type=Path, help="instance .json or .xlsx, or model .mps/.lp")
    add_backend_options(s)
    s.add_argument("--out", type=Path, default=None, metavar="FILE",
                   help="write the plan to FILE.json, .csv or .xlsx (atomically)")
    s.add_argument("--all", action="store_true", help="print every zone, not only the first 60")
    add_lang_option(s)
    s.add_argument("--verbose", action="store_true", help="solver log to stderr")


def run(args: argparse.Namespace, out: TextIO) -> int:
    solver_log_to_stderr(args)
    if args.out is not None:  # before any work: a bad --out must not cost a solve
        check_out(args.out, (".json",) if is_model_file(args.path) else TABLE_SUFFIXES)
    if is_model_file(args.path):
        return _solve_model_file(args, out)
    from zoneopt.cli.plan_text import banner, plan_lines
    from zoneopt.instance import load
    from zoneopt.plans import Plan
    from zoneopt.plans.display import Display
    from zoneopt.resources import solve_instance

    instance = load(args.path)
    display = Display.of(instance, args.lang)
    head = banner(instance.name, instance.metadata.synthetic, display)
    result = solve_instance(instance, args.backend, time_limit=args.time_limit, mip_gap=args.mip_gap)
    if isinstance(result, Plan):  # land alone: the land plan, as it always was
        print(head, file=out)
        print("\n".join(plan_lines(result, display, instance, args.all)), file=out)
        statuses = [(result.summary.status, result.summary.mip_gap)]
    else:
        names = ", ".join(display.term(f"resource.{k}", k) for k in result.plans)
        print(head + " · " + display.t("solve.resources", names=names), file=out)
        for plan in result.plans.values():
            print("", file=out)
            print("\n".join(plan_lines(plan, display, instance, args.all)), file=out)
        statuses = [(p.summary.status, p.summary.mip_gap) for p in result.plans.values()]
    if args.out is not None:
        result.write(args.out, display=display)
        print(display.t("solve.wrote", path=args.out), file=out)
    for status, gap in statuses:
        require_optimal(status, gap, args)
    return 0


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
        atomic_write_text(args.out, json.dumps(record, indent=2) + "\n")
        print(f"wrote {args.out}", file=out)
    if sol.status in (Status.INFEASIBLE, Status.UNBOUNDED):
        raise (InfeasibleError if sol.status is Status.INFEASIBLE else UnboundedError)(
            f"model {model.name} is {sol.status.value}")
    if not sol.status.has_solution:
        raise NoSolutionError(f"model {model.name}: {sol.status.value} ({sol.message})")
    return 0


