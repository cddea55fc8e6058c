"""``python -m zoneopt sweep PATH --draws 1000 --error 5% --out sweep.parquet``: solve an instance
under many variants (Monte Carlo draws of the zones' figures, each zone forced out and in, its
scenarios, a grid over pools and rule bounds) on this machine or a Dask cluster, write every
result to Parquet as it finishes, and print the per-zone bands, grade stability and replacement
costs."""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from zoneopt.cli.common import add_backend_options, add_lang_option, add_verb
from zoneopt.errors import InvalidInputError

if TYPE_CHECKING:
    import pandas as pd

EPILOG = """Variants: the base, then --scenarios, --grid points, --draws, and with --importance each
zone forced out (an exclude rule) and forced to its land request. A draw multiplies each zone's
reported figures (tax, value added, revenue, R&D, energy, employees, energy reduction,
emissions) by independent factors of relative error --error (the standard deviation of a
normal factor, see models/sweeps.md); draw k is the same on every engine. The Parquet file has
one row per variant and zone. A sweep stopped at any point resumes where it stopped when run
again with the same arguments (--fresh starts over); the file is then the same byte for byte.

exit codes: 0 the sweep is written (variants that are infeasible are results, in the file);
3 the base plan is infeasible or unbounded (the file is still written);
2 invalid input (the instance, an option, an unreachable --scheduler); 1 internal error"""

SHOWN_ZONES = 45


def add_parser(sub: Any) -> None:
    p = add_verb(sub, "sweep", "solve an instance under many variants: Monte Carlo draws, zone importance, grids",
                 "Solve the instance under many variants, independently (a process pool, or a Dask cluster "
                 "with --scheduler), write one row per variant and zone to Parquet as they finish, and "
                 "print each zone's allocation band (P5/P50/P95) and probability of land, its grade "
                 "stability and its replacement cost.", epilog=EPILOG)
    p.add_argument("path", type=Path, metavar="PATH", help="instance .json")
    p.add_argument("--out", type=Path, required=True, metavar="FILE.parquet", help="the results (Parquet)")
    p.add_argument("--draws", type=int, default=0, metavar="N", help="Monte Carlo draws of the zones' figures")
    p.add_argument("--error", default=None, metavar="E",
                   help="relative error of every reported figure, e.g. 5%% or 0.05")
    p.add_argument("--metric", action="append", default=[], metavar="NAME=E[:DIST]",
                   help="one figure's own error (and distribution), e.g. tax=10%% or energy_tce=0.2:lognormal "
                        "(repeatable; alone, only these figures are perturbed)")
    p.add_argument("--distribution", default="normal", choices=("normal", "lognormal", "uniform"),
                   help="distribution of the factors (default normal)")
    p.add_argument("--seed", type=int, default=0, help="seed of the draws (default 0)")
    p.add_argument("--importance", action="store_true",
                   help="force each zone out and to its request: the replacement cost of each zone")
    p.add_argument("--scenarios", action="store_true", help="the instance's scenarios")
    p.add_argument("--grid", action="append", default=[], metavar="PATH=V1,V2,...",
                   help="a grid axis, e.g. pool=7000,8200,9000 or rules.city-cap.cap_share=0.3,0.33 "
                        "(repeatable: every combination)")
    p.add_argument("--robust", type=float, default=None, metavar="ALPHA",
                   help="also find the land plan that maximises the CVaR at ALPHA (0 = the worst case) of "
                        "the objective over the draws")
    p.add_argument("--workers", type=int, default=None, metavar="N",
                   help="worker processes on this machine (default: one per core; 1 = in this process)")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="a Dask scheduler, e.g. tcp://host:8786 (its workers need zoneopt installed)")
    p.add_argument("--connect-timeout", type=float, default=10.0, metavar="S",
                   help="seconds to reach the --scheduler (default 10)")
    p.add_argument("--chunk", type=int, default=None, metavar="K", help="variants per task (default: automatic)")
    p.add_argument("--fresh", action="store_true", help="discard an earlier, unfinished run of this sweep")
    p.add_argument("--flush-seconds", type=float, default=5.0, metavar="S",
                   help="write finished results at least this often (default 5)")
    add_backend_options(p)
    p.add_argument("--all", action="store_true", help=f"print every zone, not only the first {SHOWN_ZONES}")
    add_lang_option(p)


def fraction(text: str, what: str) -> float:
    """``5%`` or ``0.05`` → 0.05."""
    t = text.strip()
    try:
        value = float(t[:-1]) / 100.0 if t.endswith("%") else float(t)
    except ValueError:
        raise InvalidInputError(f"{what} {text!r}: give a share such as 5% or 0.05") from None
    if not math.isfinite(value) or value < 0:
        raise InvalidInputError(f"{what} {text!r}: must be finite and >= 0")
    if not t.endswith("%") and value >= 1.0:
        raise InvalidInputError(f"{what} {text!r}: a relative error of {value:g} is {value:.0%}; "
                                f"write {text}% if you mean {text} percent")
    return value


def _metrics(items: list[str]) -> dict[str, float | tuple[str, float]]:
    out: dict[str, float | tuple[str, float]] = {}
    for item in items:
        name, sep, spec = item.partition("=")
        if not sep or not name:
            raise InvalidInputError(f"--metric {item!r}: write NAME=ERROR[:DISTRIBUTION], e.g. tax=10%")
        err, _, dist = spec.partition(":")
        out[name.strip()] = (dist.strip(), fraction(err, f"--metric {name}")) if dist else fraction(err, "--metric")
    return out


def _grid(items: list[str]) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    for item in items:
        path, sep, values = item.partition("=")
        try:
            out[path.strip()] = [float(v) for v in values.split(",") if v.strip()]
        except ValueError:
            raise InvalidInputError(f"--grid {item!r}: write PATH=V1,V2,... with numbers") from None
        if not sep or not out[path.strip()]:
            raise InvalidInputError(f"--grid {item!r}: write PATH=V1,V2,..., e.g. pool=7000,8200,9000")
    return out


def run(args: argparse.Namespace, out: TextIO) -> int:
    from zoneopt.analysis.sweeps import Sweep, noise_spec, run_sweep, standard_variants
    from zoneopt.core.solution import SolveOptions
    from zoneopt.instance import load

    if args.out.suffix.lower() != ".parquet":
        raise InvalidInputError(f"--out {args.out}: a sweep is written as Parquet; name it FILE.parquet")
    if args.draws < 0:
        raise InvalidInputError(f"--draws {args.draws}: must be >= 0")
    error = fraction(args.error, "--error") if args.error is not None else None
    metrics = _metrics(args.metric)
    if args.draws and error is None and not metrics:
        raise InvalidInputError("--draws needs --error (e.g. 5%) or --metric NAME=ERROR")
    if args.robust is not None and not args.draws:
        raise InvalidInputError("--robust needs --draws")
    instance = load(args.path)
    if args.robust is not None and (instance.pools.land is None or instance.objective.kind != "efficiency"):
        has = "no land pool" if instance.pools.land is None else f"objective {instance.objective.kind!r}"
        raise InvalidInputError(f"--robust: the robust plan is a land plan with the efficiency objective; "
                                f"{args.path} has {has}")
    noise = noise_spec(error, metrics, args.distribution) if args.draws else ()
    variants = standard_variants(instance, draws=args.draws, noise=noise, seed=args.seed,
                                 importance=args.importance, scenarios=args.scenarios, grid=_grid(args.grid) or None)
    sweep = Sweep(instance, tuple(variants), args.backend,
                  SolveOptions.merged(None, time_limit=args.time_limit, mip_gap=args.mip_gap))
    result = run_sweep(sweep, args.out, workers=args.workers, client=args.scheduler, chunk=args.chunk,
                       fresh=args.fresh, flush_seconds=args.flush_seconds,
                       connect_timeout=args.connect_timeout)
    from zoneopt.plans.display import Display

    display = Display.of(instance, args.lang)
    table = result.table()
    _print_header(result, table, args, display, out)
    _print_report(table, args, display, out)
    if args.robust is not None:
        _print_robust(instance, table, args, display, out)
    base = table[table["kind"] == "base"]["status"].iloc[0]
    if base in ("infeasible", "unbounded"):
        print(display.t("sweep.base_failed", status=display.term(f"status.{base}", base),
                        message=table[table["kind"] == "base"]["message"].iloc[0]), file=out)
        return 3
    return 0


def _print_header(result: Any, table: pd.DataFrame, args: argparse.Namespace, display: Any, out: TextIO) -> None:
    meta = table.attrs["sweep"]
    sep = "，" if display.zh else ", "
    kinds = sep.join(f"{v:,} {display.term(f'kind.{k}', k)}" for k, v in meta["kinds"].items())
    print(display.t("sweep.banner", name=meta["instance"], n=f"{meta['variants']:,}", kinds=kinds)
          + (f" · {display.t('term.synthetic')}" if meta.get("synthetic") else ""), file=out)
    if result.solved:
        rate = result.solved / result.seconds if result.seconds > 0 else math.inf
        resumed = display.t("sweep.resumed", n=f"{result.resumed_from:,}") if result.resumed_from else ""
        engine = display.term(f"engine.{result.engine}", result.engine)
        print(display.t("sweep.engine", engine=engine, n=f"{result.solved:,}", seconds=f"{result.seconds:.1f}",
                        rate=f"{rate:,.1f}", resumed=resumed), file=out)
    else:
        print(display.t("sweep.nothing", path=args.out), file=out)
    print(display.t("sweep.wrote", path=args.out, n=f"{len(table):,}"), file=out)


def _show(frame: pd.DataFrame, display: Any, out: TextIO, **kw: Any) -> None:
    from zoneopt.plans.display import display_table, to_text

    print(to_text(display_table(frame, display, total=False, **kw)), file=out)


def _print_report(table: pd.DataFrame, args: argparse.Namespace, display: Any, out: TextIO) -> None:
    import pandas as pd

    from zoneopt.analysis.sweeps import allocation_bands, grade_stability, replacement_costs, status_counts
    from zoneopt.plans.display import percent

    print("\n" + display.t("sweep.status"), file=out)
    counts = status_counts(table)
    _show(counts.assign(status=[display.term(f"status.{v}", v) for v in counts["status"]]), display, out,
          labels={"kind": display.term("col.kind_variant")})
    meta = table.attrs["sweep"]
    unit_kind = {"land": "mu", "funds": "money"}
    if meta["kinds"].get("draw"):
        quantity = "land" if "land" in meta["quantities"] else meta["quantities"][0]
        bands = allocation_bands(table, quantity)
        grades = grade_stability(table)
        shown = bands if args.all else bands.head(SHOWN_ZONES)
        noise = ", ".join(f"{display.term('indicator.' + n['metric'], n['metric']) if display.zh else n['metric']} "
                          f"{n['error']:.3g} "
                          f"{display.term('dist.' + n['distribution'], n['distribution'])}" for n in meta["noise"])
        title = display.term(f"short.{quantity}", quantity)
        print("\n" + display.t("sweep.bands", quantity=title, n=f"{int(bands['variants'].iloc[0]):,}",
                               seed=meta["seed"], noise=noise), file=out)
        g = grades.set_index("zone").reindex(shown["zone"])
        kind = unit_kind.get(quantity, "t")
        view = pd.DataFrame({"zone": shown["zone"], "base_plan": shown["base"], "p5": shown["p5"], "p50": shown["p50"],
                             "p95": shown["p95"], "p_receive": shown["p_receive"],
                             "grade_stability": [display.t("sweep.same", grade=b, p=percent(p, 0))
                                                 if isinstance(b, str) else "-"
                                                 for b, p in zip(g["base_grade"], g["p_base"], strict=True)]})
        _show(view, display, out, kinds={c: kind for c in ("base_plan", "p5", "p50", "p95")})
        if len(bands) > len(shown):
            print(display.t("sweep.more", n=len(bands) - len(shown), path=args.out), file=out)
    if meta["kinds"].get("zone"):
        costs = replacement_costs(table)
        shown = costs if args.all else costs.head(SHOWN_ZONES)
        print("\n" + display.t("sweep.costs", main=display.term(f"short.{meta['main']}", meta["main"])), file=out)
        view = pd.DataFrame({"rank": shown["rank"].astype(str), "zone": shown["zone"],
                             "replacement_cost": shown["replacement_cost"],
                             "share": [percent(v, 2) if math.isfinite(v) else "-" for v in shown["share"]],
                             "forcing_cost": shown["forcing_cost"]})
        _show(view, display, out, labels={"share": display.term("col.share_of_objective")})


def _print_robust(instance: Any, table: pd.DataFrame, args: argparse.Namespace, display: Any, out: TextIO) -> None:
    from zoneopt.analysis.sweeps import robust_plan
    from zoneopt.plans.display import percent

    rp = robust_plan(instance, table, args.robust, args.backend)
    what = display.t("sweep.worst") if rp.alpha == 0 else display.t("sweep.cvar", alpha=f"{rp.alpha:g}",
                                                                     p=percent(rp.alpha, 0))
    from zoneopt.plans.wording import unit_words

    unit = unit_words(display.clean(rp.objective_unit), display)
    print("\n" + display.t("sweep.robust", what=what, n=f"{len(rp.draws):,}", unit=unit), file=out)
    view = rp.summary.copy()
    if "plan" in view:
        view["plan"] = [display.term(f"sweep.plan.{v}", str(v)) for v in view["plan"]]
    _show(view, display, out)
    moved = rp.allocations[rp.allocations["change_mu"].abs() > 1e-6]
    print(display.t("sweep.moved", n=len(moved)), file=out)
    if len(moved):
        _show(moved, display, out)
