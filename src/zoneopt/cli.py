"""The command line: ``python -m zoneopt VERB ...``.

Exit codes (the same for every verb):

0  solved (optimal, or feasible within the MIP gap); for ``validate`` and ``schema``: done
1  an unexpected internal error (a bug: please report it with ``--debug`` output)
2  invalid input: the instance, a rule, an option, or a model the backend cannot take
3  the plan is infeasible or unbounded
4  no solution: time limit without a solution, or solver failure
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

import numpy as np
import pandas as pd

from zoneopt.errors import InfeasibleError, InvalidInputError, NoSolutionError, UnboundedError, ZoneoptError

MODEL_SUFFIXES = (".mps", ".lp", ".mps.gz", ".lp.gz", ".mps.bz2", ".sif")

EPILOG = """exit codes: 0 solved; 2 invalid input; 3 infeasible or unbounded;
4 no solution (time limit, solver failure); 1 internal error"""


def _parser() -> argparse.ArgumentParser:
    from zoneopt.core.solve import backend_names

    p = argparse.ArgumentParser(
        prog="python -m zoneopt",
        description="Allocate planning resources across development zones with LP/MIP.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--debug", action="store_true", help="show tracebacks for internal errors")
    sub = p.add_subparsers(dest="verb", required=True, metavar="VERB")

    s = sub.add_parser("solve", help="solve an instance (JSON) or a model file (MPS/LP)",
                       description="Solve an instance JSON and print the plan, or solve an MPS/LP "
                                   "model file and print its objective and values.",
                       epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    s.add_argument("path", type=Path, help="instance .json, or model .mps/.lp")
    s.add_argument("--backend", default="highs", choices=backend_names(),
                   help="solver backend (default: highs)")
    s.add_argument("--time-limit", type=float, default=None, metavar="S", help="seconds")
    s.add_argument("--mip-gap", type=float, default=1e-6, metavar="G", help="relative MIP gap (default 1e-6)")
    s.add_argument("--out", type=Path, default=None, metavar="FILE",
                   help="write the plan to FILE.json, .csv or .xlsx (atomically)")
    s.add_argument("--all", action="store_true", help="print every zone, not only the first 60")
    s.add_argument("--verbose", action="store_true", help="solver log to stderr")

    v = sub.add_parser("validate", help="check an instance and report every problem",
                       description="Validate an instance JSON (or read a model file) without solving.",
                       epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    v.add_argument("path", type=Path)

    sc = sub.add_parser("schema", help="print the JSON Schema of instances (or of plans)",
                        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    sc.add_argument("--plan", action="store_true", help="the schema of the plan JSON written by --out")
    return p


def _is_model_file(path: Path) -> bool:
    name = path.name.lower()
    return any(name.endswith(s) for s in MODEL_SUFFIXES)


def _fmt(v: float | None, digits: int = 6) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return "-"
    return f"{v:,.{digits}g}"


def cmd_solve(args: argparse.Namespace, out: TextIO) -> int:
    if args.verbose:
        logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(name)s: %(message)s")
    if _is_model_file(args.path):
        return _solve_model_file(args, out)
    from zoneopt.instance import load
    from zoneopt.models.land_quota import solve_land

    instance = load(args.path)
    plan = solve_land(instance, args.backend, time_limit=args.time_limit, mip_gap=args.mip_gap)
    s = plan.summary
    banner = f"zoneopt · {s.instance}" + (" · SYNTHETIC data" if s.synthetic else "")
    print(banner, file=out)
    print(f"resource: land (新增建设用地指标) · pool {_fmt(s.pool_total_mu)} mu · "
          f"allocated {_fmt(s.allocated_mu)} mu to {s.zones_allocated} of {s.zones} zones", file=out)
    table = plan.allocations.copy()
    shown = table if args.all else table.head(60)
    view = pd.DataFrame({
        "zone": shown["zone"], "name": shown["name"], "city": shown["city"],
        "allocation_mu": shown["allocation_mu"].map(lambda v: f"{v:,.1f}"),
        "request_mu": shown["request_mu"].map(lambda v: _fmt(v)),
        "fulfilment": shown["fulfilment"].map(lambda v: "-" if np.isnan(v) else f"{v:.0%}"),
        "binding_rules": shown["binding_rules"],
    })
    with pd.option_context("display.unicode.east_asian_width", True, "display.max_colwidth", 60,
                           "display.width", 200):
        print(view.to_string(index=False), file=out)
    if len(table) > len(shown):
        print(f"... {len(table) - len(shown)} more zones (use --all or --out)", file=out)
    gap = f" · gap {s.mip_gap:.2g}" if s.mip_gap is not None else ""
    print(f"objective ({s.objective_kind}): {_fmt(s.objective, 10)} {s.objective_unit}", file=out)
    if s.secondary_objective is not None:
        print(f"tie-break (efficiency): {_fmt(s.secondary_objective, 10)} {s.secondary_objective_unit}", file=out)
    print(f"status: {s.status} · backend {s.backend} · solve {s.runtime_s:.3f} s{gap} · "
          f"checked (max violation {_fmt(s.check_max_violation, 2)}) · units: land mu, money {s.money_unit}",
          file=out)
    if args.out is not None:
        plan.write(args.out)
        print(f"wrote {args.out}", file=out)
    if s.status != "optimal":
        # A checked incumbent is printed and written (its JSON says "feasible"), but the run
        # did not reach the requested gap: that is "no solution" to the question asked.
        raise NoSolutionError(f"stopped with a feasible plan at gap {_fmt(s.mip_gap, 3)}, above the "
                              f"requested {args.mip_gap:g} (raise --time-limit or --mip-gap)")
    return 0


def _solve_model_file(args: argparse.Namespace, out: TextIO) -> int:
    from zoneopt.core import Status, read_mps, solve
    from zoneopt.io import atomic_write_text

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


def cmd_validate(args: argparse.Namespace, out: TextIO) -> int:
    if _is_model_file(args.path):
        from zoneopt.core import read_mps
        model = read_mps(args.path)
        print(f"ok: {args.path}: model with {model.num_vars} variables, {model.num_rows} rows", file=out)
        return 0
    from zoneopt.instance import load
    from zoneopt.models.land_quota import build_land_model

    instance = load(args.path)
    parts = [f"{len(instance.zones)} zones", f"{len(instance.rules)} rules"]
    if instance.pools.land is not None:
        lm = build_land_model(instance)  # also checks the data each rule and the objective need
        parts.append(f"land model {lm.model.num_vars} variables × {lm.model.num_rows} rows"
                     + (" (MIP)" if lm.model.is_mip else " (LP)"))
    synthetic = " · synthetic data" if instance.metadata.synthetic else ""
    print(f"ok: {args.path}: " + ", ".join(parts) + synthetic, file=out)
    return 0


def cmd_schema(args: argparse.Namespace, out: TextIO) -> int:
    if args.plan:
        from zoneopt.plan import PlanRecord
        schema = PlanRecord.model_json_schema()
    else:
        from zoneopt.instance import Instance
        schema = Instance.model_json_schema()
    print(json.dumps(schema, indent=2, ensure_ascii=False), file=out)
    return 0


def main(argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run the CLI; return the exit code (never calls ``sys.exit`` itself)."""
    out = out if out is not None else sys.stdout
    err = err if err is not None else sys.stderr
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors; keep that code
        return int(exc.code or 0)
    handlers = {"solve": cmd_solve, "validate": cmd_validate, "schema": cmd_schema}
    try:
        return handlers[args.verb](args, out)
    except ZoneoptError as exc:
        print(f"zoneopt: error: {exc}", file=err)
        return exc.exit_code
    except Exception as exc:  # a bug: one line, code 1, traceback only on request
        if args.debug:
            raise
        print(f"zoneopt: internal error: {type(exc).__name__}: {exc} (rerun with --debug)", file=err)
        return 1
