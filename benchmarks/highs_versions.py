"""HiGHS 1.14 against 1.15 on the land LP, presolve on and off; and what the OR-Tools worker
process costs per solve against OR-Tools in this process (as before the worker).

    python benchmarks/highs_versions.py --py14 /work/main/.venv/bin/python \\
        --py15 /work/venv-highs/bin/python --baseline-src /work/main/src

Two interpreters, one per highspy version (each with zoneopt's dependencies installed); every
measurement runs in a fresh subprocess of one of them with this tree's ``src`` first on the path
(the ``overhead`` baseline runs ``--baseline-src``: a tree whose OR-Tools backends solve in
process, i.e. main before the worker, with highspy 1.14 — the only version OR-Tools can share a
process with).

**Presolve.** Instances: ``zoneopt.examples.zones.synthetic_data(n, seed)`` (the standard rule set
and the efficiency objective, as ``benchmarks/scale.py`` writes them: the zones as Parquet),
at each ``--sizes``. Cases, each with HiGHS's presolve on and off:

* ``reference, no tilt`` — the land LP as ``build_land_model`` states it (the rule rows) without
  the score tilt: the wide, few-row shape on which HiGHS 1.14's presolve is slow (issue 14), solved
  straight through highspy (``zoneopt.core.backends.highs``: the same options as the backend)
  so the simplex iteration count can be read;
* ``form, no tilt`` — its solve form (``zoneopt.models.land_form``: single-entry rows as
  bounds), likewise;
* ``form`` — the land LP with the tilt as the land plan solves it (``solve_in_form``: the solve
  form, the tilt rows generated as needed from 10,000 columns), with presolve forced on or off
  through ``SolveOptions.extra`` (which the solve form's strategy leaves as given).

Each run has ``--timeout`` seconds (HiGHS's time limit); wall and CPU seconds are the solve
call's (the process's CPU time, all threads).

**Worker overhead.** Per solve, the median of ``--repeat`` solves after one warm-up, in one
process: a 2-variable LP on GLOP, a 2-variable MIP on SCIP and CP-SAT (pure overhead: the
solve itself takes microseconds), and the land LP at each size on GLOP with a 1 ms time limit
(the arrays go over, GLOP stops at once: the cost of moving a large model). Also the first
solve of a process (the worker started: a fresh interpreter importing numpy, scipy and
OR-Tools) and a solve on a fresh worker every time (what starting one per solve would cost).

Results are printed and written to ``benchmarks/results/highs-versions-<date>.md`` with the
machine and its load (a shared 2-core machine: timings move with what else runs).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
sys.path.insert(0, str(HERE))
from land_quota import machine  # noqa: E402  (the machine description every benchmark shares)
from scale import prepare  # noqa: E402  (the instances benchmarks/scale.py writes)

RESULTS = HERE / "results"
CASES = ("reference, no tilt", "form, no tilt", "form")


# -- in a subprocess: one presolve case -----------------------------------------------------------

def _instance(paths: dict[str, str], tilt: bool) -> Any:
    import pyarrow.parquet as pq

    from zoneopt import Instance

    doc = json.loads(Path(paths["table"]).read_text(encoding="utf-8"))
    doc["zones"] = pq.read_table(paths["parquet"]).to_pandas()
    if not tilt:
        doc["rules"] = [r for r in doc["rules"] if r.get("type") != "tilt"]
    return Instance.from_dict(doc, source=paths["table"])


def _highs_direct(model: Any, presolve: bool, timeout: float) -> dict[str, Any]:
    from zoneopt.core.backends.highs import classify, new_highs, run_highs, to_highs_lp
    from zoneopt.core.limits import NotFinished
    from zoneopt.core.solution import SolveOptions

    h = new_highs(SolveOptions(extra={"presolve": "on" if presolve else "off"}))
    h.passModel(to_highs_lp(model))
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        run_highs(h, timeout)
    except NotFinished:  # HiGHS's presolve does not look at the clock: abandoned past the limit
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        return {"wall": wall, "cpu": cpu, "status": f"not finished ({timeout:g} s limit)", "objective": None,
                "iterations": None, "abandoned": True}
    status, message, _ = classify(h)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    info = h.getInfo()
    return {"wall": wall, "cpu": cpu, "status": status.value, "objective": info.objective_function_value,
            "iterations": info.simplex_iteration_count}


def _version(pkg: str) -> str:
    from importlib.metadata import version

    return version(pkg)


def presolve_case(case: str, paths: dict[str, str], presolve: bool, timeout: float) -> dict[str, Any]:
    from zoneopt.core.solution import SolveOptions
    from zoneopt.models.land_form import solve_form, solve_in_form
    from zoneopt.models.land_quota import build_land_model

    lm = build_land_model(_instance(paths, tilt=case == "form"))
    out: dict[str, Any] = {"highspy": _version("highspy")}
    if case == "form":
        opts = SolveOptions(time_limit=timeout, extra={"presolve": "on" if presolve else "off"})
        wall, cpu = time.perf_counter(), time.process_time()
        sol, form = solve_in_form(lm.model, lm.tilts, "highs", opts)
        out |= {"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu,
                "status": sol.status.value, "objective": sol.objective, "iterations": None,
                "message": sol.message}
        assert form is not None
        out |= {"cols": form.model.num_vars, "rows": form.model.num_rows}
        return out
    model = lm.model if case == "reference, no tilt" else solve_form(lm.model, lm.tilts).model
    out |= {"cols": model.num_vars, "rows": model.num_rows}
    return out | _highs_direct(model, presolve, timeout)


# -- in a subprocess: the worker's overhead ------------------------------------------------------

def _tiny(integer: bool) -> Any:
    import numpy as np

    from zoneopt.core import ModelBuilder

    b = ModelBuilder("tiny", "max")
    b.add_vars("x", 2, lb=0, ub=1, obj=[1, 2], integer=integer)
    b.add_rows("r", np.ones((1, 2)), ub=1)
    return b.build()


def _median_solve(model: Any, backend: str, repeat: int, **kw: Any) -> tuple[float, str]:
    from zoneopt.core import solve

    solve(model, backend, **kw)  # warm: the worker started, the solver's code paged in
    times = []
    status = ""
    for _ in range(repeat):
        t = time.perf_counter()
        status = solve(model, backend, **kw).status.value
        times.append(time.perf_counter() - t)
    return statistics.median(times), status


def overhead(sizes: list[int], data: Path, seed: int, repeat: int) -> dict[str, Any]:
    from zoneopt.core import solve
    from zoneopt.models.land_quota import build_land_model

    workers: Any
    try:
        from zoneopt.core.backends import worker as workers
    except ImportError:
        workers = None  # a tree that solves OR-Tools in process
    out: dict[str, Any] = {"in_process": workers is None, "highspy": _version("highspy"), "rows": []}
    t = time.perf_counter()
    solve(_tiny(False), "ortools-glop")
    out["first_solve"] = time.perf_counter() - t
    cases: list[tuple[str, Any, str, dict[str, Any]]] = [
        ("2 columns, LP", _tiny(False), "ortools-glop", {}),
        ("2 columns, MIP", _tiny(True), "ortools-scip", {}),
        ("2 columns, MIP", _tiny(True), "ortools-cpsat", {}),
    ]
    for n in sizes:
        paths = {k: str(v) for k, v in prepare(n, seed, data, json_zones=False).items()}
        model = build_land_model(_instance(paths, tilt=True)).model
        label = f"land LP, {n:,} zones ({model.num_vars:,} columns, {model.num_rows:,} rows, {model.A.nnz:,} nonzeros)"
        cases.append((label, model, "ortools-glop", {"time_limit": 0.001}))
    if workers is not None:
        out["transport"] = [_transport(workers, label, model) for label, model, _, kw in cases if kw]
    for label, model, backend, kw in cases:
        median, status = _median_solve(model, backend, repeat, **kw)
        out["rows"].append({"case": label, "backend": backend, "median": median, "status": status,
                            "limit": kw.get("time_limit")})
    if workers is not None:
        fresh = []
        for _ in range(repeat):
            workers.POOL.close()  # every idle worker ended: the next solve starts one
            t = time.perf_counter()
            solve(_tiny(False), "ortools-glop")
            fresh.append(time.perf_counter() - t)
        out["fresh_worker"] = statistics.median(fresh)
        out["workers_started"] = workers.POOL.started
        out["worker_rss_mib"] = _worker_rss(workers)
    return out


def _transport(workers: Any, label: str, model: Any) -> dict[str, Any]:
    """A solve request for ``model`` sent and received through a socket pair in this process
    (a thread receives): the cost of moving the arrays, without a solver or a process wake-up."""
    import socket
    import threading
    from multiprocessing.connection import Connection

    import numpy as np

    from zoneopt.core.backends.ortools_worker import Request

    A = model.A
    request = Request(solver_id="glop", lb=model.lb, ub=model.ub, integer=np.flatnonzero(model.integer),
                      maximize=model.sense == "max", c=model.c, c0=model.c0, indptr=A.indptr, indices=A.indices,
                      data=A.data, row_lb=model.row_lb, row_ub=model.row_ub, params="", time_limit=None,
                      verbose=False)
    size = sum(a.nbytes for a in (model.lb, model.ub, model.c, A.indptr, A.indices, A.data, model.row_lb,
                                  model.row_ub))
    a, b = socket.socketpair()
    left, right = Connection(os.dup(a.fileno())), Connection(os.dup(b.fileno()))
    a.close()
    b.close()
    times = []
    got: list[Any] = []
    for _ in range(5):
        reader = threading.Thread(target=lambda: got.append(workers.receive(right)))
        t = time.perf_counter()
        reader.start()
        workers.send(left, request)
        reader.join()
        times.append(time.perf_counter() - t)
        assert np.array_equal(got.pop().data, A.data)
    left.close()
    right.close()
    return {"case": label, "mib": size / 2**20, "median": statistics.median(times)}


def _worker_rss(workers: Any) -> float | None:
    idle = [w for ws in workers.POOL.idle.values() for w in ws]
    if not idle:
        return None
    try:
        for line in Path(f"/proc/{idle[0].pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        return None
    return None


# -- the driver ---------------------------------------------------------------------------------

def _child(python: str, src: Path, args: list[str], timeout: float) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    try:
        done = subprocess.run([python, __file__, "--child", *args], capture_output=True, text=True,
                              env=env, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"no answer within {timeout:g} s"}
    last = (done.stdout.strip().splitlines() or [""])[-1]
    if done.returncode != 0 or not last.startswith("{"):
        return {"error": (done.stderr.strip().splitlines() or ["?"])[-1]}
    result: dict[str, Any] = json.loads(last)
    return result


def _fmt(v: Any, spec: str) -> str:
    return "–" if v is None else format(v, spec)


def presolve_table(rows: list[dict[str, Any]]) -> list[str]:
    lines = ["| zones | case | columns × rows | highspy | presolve | wall s | CPU s | iterations | status "
             "| objective | solver's message |",
             "|---:|---|---|---|---|---:|---:|---:|---|---:|---|"]
    for r in rows:
        res = r["result"]
        if "error" in res:
            on = "on" if r["presolve"] else "off"
            lines.append(f"| {r['n']:,} | {r['case']} | – | {r['highspy']} | {on} | – | – | – | {res['error']} | – | |")
            continue
        lines.append(f"| {r['n']:,} | {r['case']} | {res['cols']:,} × {res['rows']:,} | {res['highspy']} | "
                     f"{'on' if r['presolve'] else 'off'} | {res['wall']:.2f} | {res['cpu']:.2f} | "
                     f"{_fmt(res.get('iterations'), ',')} | {res['status']} | {_fmt(res.get('objective'), ',.1f')} | "
                     f"{res.get('message', '')} |")
    return lines


def overhead_table(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    lines = ["| case | backend | in process (highspy 1.14, before) ms | worker (highspy 1.15) ms | added ms "
             "| status (before / worker) |",
             "|---|---|---:|---:|---:|---|"]
    for b, a in zip(before.get("rows", []), after.get("rows", [])):
        lines.append(f"| {a['case']}{' (1 ms limit)' if a['limit'] else ''} | {a['backend']} | "
                     f"{1e3 * b['median']:.1f} | {1e3 * a['median']:.1f} | {1e3 * (a['median'] - b['median']):+.1f} "
                     f"| {b['status']} / {a['status']} |")
    lines += ["", "Moving a solve request (the model's arrays, pickled with out-of-band buffers) through a "
              "socket pair, in one process (median of 5):", "",
              "| case | arrays MiB | ms |", "|---|---:|---:|"]
    lines += [f"| {t['case']} | {t['mib']:.1f} | {1e3 * t['median']:.1f} |" for t in after.get("transport", [])]
    return lines


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        _run_child(argv[1:])  # leaves the process
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--py14", required=True, help="a Python with highspy 1.14")
    p.add_argument("--py15", required=True, help="a Python with highspy 1.15")
    p.add_argument("--baseline-src", type=Path, required=True,
                   help="the src of a tree whose OR-Tools backends solve in process (main before the worker)")
    p.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    p.add_argument("--cases", nargs="+", default=list(CASES), choices=CASES)
    p.add_argument("--presolve", choices=("on", "off", "both"), default="both")
    p.add_argument("--versions", nargs="+", choices=("1.14", "1.15"), default=["1.14", "1.15"])
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--timeout", type=float, default=300.0, help="HiGHS time limit per run, s")
    p.add_argument("--repeat", type=int, default=20)
    p.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "zoneopt-bench")
    p.add_argument("--skip-presolve", action="store_true")
    p.add_argument("--skip-overhead", action="store_true")
    p.add_argument("--out", type=Path)
    args = p.parse_args(argv)

    header = machine()
    rows: list[dict[str, Any]] = []
    if not args.skip_presolve:
        for n in args.sizes:
            paths = {k: str(v) for k, v in prepare(n, args.seed, args.data, json_zones=False).items()}
            for case in args.cases:
                for presolve in {"on": (True,), "off": (False,), "both": (True, False)}[args.presolve]:
                    for label, py in (("1.14", args.py14), ("1.15", args.py15)):
                        if label not in args.versions:
                            continue
                        res = _child(py, SRC, ["presolve", case, json.dumps(paths), str(int(presolve)),
                                               str(args.timeout)], args.timeout * 2 + 120)
                        rows.append({"n": n, "case": case, "presolve": presolve, "highspy": res.get("highspy", label),
                                     "result": res})
                        print(presolve_table(rows[-1:])[-1], flush=True)
    before = after = {}
    if not args.skip_overhead:
        ov = ["overhead", json.dumps(args.sizes), str(args.data), str(args.seed), str(args.repeat)]
        before = _child(args.py14, args.baseline_src, ov, 1800)
        after = _child(args.py15, SRC, ov, 1800)
        print(json.dumps({"before": before, "after": after}, indent=1), flush=True)
    load_end = os.getloadavg()
    doc = [f"# HiGHS 1.14 and 1.15 on the land LP; the OR-Tools worker's overhead, {dt.date.today()}", "",
           f"`python benchmarks/highs_versions.py --sizes {' '.join(map(str, args.sizes))} --timeout {args.timeout:g} "
           f"--repeat {args.repeat} --presolve {args.presolve} --versions {' '.join(args.versions)}"
           + (" --cases " + " ".join(repr(c) for c in args.cases) if list(args.cases) != list(CASES) else "")
           + (" --skip-presolve" if args.skip_presolve else "") + (" --skip-overhead" if args.skip_overhead else "")
           + "` (with `--py14`, `--py15`, `--baseline-src`: see the docstring)", "",
           "A shared 2-core machine: other engineers' tests and benchmarks run beside these, so wall "
           "times carry their load (load averages below); CPU seconds are less affected.", "",
           "## Machine", "", *header,
           f"- load average at end (1/5/15 min): {', '.join(f'{v:.2f}' for v in load_end)}", ""]
    if rows:
        doc += ["## Presolve on and off", "", *presolve_table(rows), ""]
    if before or after:
        doc += ["## The OR-Tools worker's overhead per solve", "", *overhead_table(before, after), "",
                f"- first OR-Tools solve of a process: in process {_fmt(before.get('first_solve'), '.3f')} s "
                f"(importing OR-Tools); worker {_fmt(after.get('first_solve'), '.3f')} s (starting it)",
                f"- a solve on a freshly started worker every time (spawn per solve): "
                f"{_fmt(after.get('fresh_worker'), '.3f')} s (median)",
                f"- resident memory of an idle worker: {_fmt(after.get('worker_rss_mib'), '.0f')} MiB", ""]
    text = "\n".join(doc)
    print(text)
    out = args.out or RESULTS / f"highs-versions-{dt.date.today()}.md"
    out.write_text(text + "\n", encoding="utf-8")
    return 0


def _run_child(argv: list[str]) -> None:
    if argv[0] == "presolve":
        case, paths, presolve, timeout = argv[1], json.loads(argv[2]), bool(int(argv[3])), float(argv[4])
        result = presolve_case(case, paths, presolve, timeout)
    else:
        sizes, data, seed, repeat = json.loads(argv[1]), Path(argv[2]), int(argv[3]), int(argv[4])
        result = overhead(sizes, data, seed, repeat)
    print(json.dumps(result), flush=True)
    os._exit(0)  # a solver thread abandoned at a limit may still run: leave without waiting for it


if __name__ == "__main__":
    raise SystemExit(main())
