"""Benchmark of sweeps: Monte Carlo draws per second in this process, on a process pool and on a
2-worker Dask LocalCluster, the cost of a task, and the checks that go with it.

    python benchmarks/sweeps.py                          # 1,000 draws of the 45-zone example, 4 of 10k zones
    python benchmarks/sweeps.py --draws 100 --big-draws 0 --no-write

What it measures, each engine in a fresh subprocess of this script (``--one``) so its peak RSS
is its own:

* **45-zone example** (``instances/henan-etdz-45.json``): the base and ``--draws`` draws (relative
  error 5 % on every reported figure, seed 0), solved serially (``workers=1``), on a pool of
  ``--workers`` processes, and on a ``distributed.LocalCluster`` of ``--workers`` worker
  processes with one thread each. Wall time of ``run_sweep`` (engine start-up included), draws
  per second, the driver's peak RSS. The three Parquet files must be byte-identical, and so
  must the per-zone P5/P50/P95 (checked here).
* **10k zones** (``zoneopt.examples.zones.synthetic_instance(10000, seed=1)``): ``--big-draws``
  draws the same way.
* **Cost of a task**: ``--empty-tasks`` tasks without variants through each engine (the
  round trip of a task: submit, ship, run nothing, return), per task.
* **Replacement costs on every backend that takes the model** (45-zone example, every zone forced out): the
  largest difference to HiGHS.
* **Killed and resumed** (45-zone example): the CLI sweep of the same draws on the pool, killed
  with SIGKILL once about half the draws are on disk, then run again: its file must equal the
  serial run's byte for byte.

A projection for 100k draws on a 32-worker cluster is computed from the measured per-draw time
(serial) and per-task cost, and stated as a projection. Several engineers share this 2-core
machine: the load average at start and end is recorded, and the throughput is what this
machine gave at that load. The report is printed and written to
``benchmarks/results/sweeps-<date>.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from land_quota import load_average, machine  # (the land benchmark's machine description; imports no zoneopt)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
EXAMPLE = ROOT / "instances" / "henan-etdz-45.json"
ENGINES = ("serial", "pool", "cluster")
ERROR, SEED = 0.05, 0


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _instance(which: str) -> Any:
    from zoneopt import load
    from zoneopt.examples.zones import synthetic_instance

    return load(EXAMPLE) if which == "example" else synthetic_instance(10_000, seed=1)


def _sweep(which: str, draws: int) -> Any:
    from zoneopt.analysis.sweeps import Sweep, noise_spec, standard_variants
    from zoneopt.core.solution import SolveOptions

    inst = _instance(which)
    variants = standard_variants(inst, draws=draws, noise=noise_spec(ERROR), seed=SEED)
    # the options the CLI makes, so the CLI's sweep of these draws has the same fingerprint
    return Sweep(inst, tuple(variants), "highs", SolveOptions.merged(None, time_limit=None, mip_gap=1e-6))


def _cluster(workers: int) -> Any:
    from distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
    return cluster, Client(cluster)


def run_one(which: str, engine: str, draws: int, workers: int, out: str) -> dict[str, Any]:
    """One engine on one instance, in this (fresh) process."""
    from zoneopt.analysis.sweeps import run_sweep

    sweep = _sweep(which, draws)
    start, cpu = time.perf_counter(), time.process_time()
    cluster = client = None
    if engine == "cluster":
        cluster, client = _cluster(workers)
    up = time.perf_counter() - start
    result = run_sweep(sweep, out, workers=1 if engine == "serial" else workers, client=client, fresh=True)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    if client is not None:
        client.close()
        cluster.close()
    return {"which": which, "engine": engine, "draws": draws, "variants": len(sweep.variants), "wall_s": wall,
            "cluster_start_s": up, "sweep_s": result.seconds, "cpu_s": cpu, "rss_mib": _rss_mib()}


def run_empty(engine: str, tasks: int, workers: int) -> dict[str, Any]:
    """``tasks`` tasks without variants through one engine: the cost of a task."""
    from zoneopt.analysis.sweeps.engines import make_engine
    from zoneopt.analysis.sweeps.runner import Payload
    from zoneopt.core.solution import SolveOptions

    payload = Payload("empty", _instance("example").model_dump_json().encode(), "highs", SolveOptions())
    cluster = client = None
    if engine == "cluster":
        cluster, client = _cluster(workers)
    eng = make_engine(payload, workers=1 if engine == "serial" else workers, client=client)
    pending = {eng.submit([])}  # the first one starts the workers: not timed
    while pending:
        pending -= set(eng.wait(pending))
    start, sent, pending = time.perf_counter(), 0, set()
    while sent < tasks or pending:
        while sent < tasks and len(pending) < 2 * eng.workers:
            pending.add(eng.submit([]))
            sent += 1
        for f in eng.wait(pending):
            f.result()
            pending.discard(f)
    wall = time.perf_counter() - start
    eng.close()
    if client is not None:
        client.close()
        cluster.close()
    return {"engine": engine, "tasks": tasks, "per_task_ms": 1000 * wall / tasks}


def _subprocess(args: list[str]) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"),
                                                                     os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), *args], capture_output=True, text=True,
                          env=env, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{done.stderr[-3000:]}")
    found: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def bands_equal(paths: list[Path]) -> bool:
    from zoneopt.analysis.sweeps import allocation_bands, read_sweep

    first = allocation_bands(read_sweep(paths[0]))
    return all(allocation_bands(read_sweep(p)).equals(first) for p in paths[1:])


def backend_agreement() -> list[tuple[str, float, float]]:
    """(backend, seconds, largest |replacement cost − HiGHS's|) for every zone of the example."""
    import numpy as np

    from zoneopt.analysis.sweeps import Base, Sweep, replacement_costs, run_sweep, zone_variants
    from zoneopt.core.solve import backend_names, get_backend
    from zoneopt.resources import build_resource_model

    inst = _instance("example")
    variants = (Base(), *zone_variants(inst, force=("out",)))
    mip = build_resource_model(inst, "land").model.is_mip  # the bundled example has minimum lots
    costs, out = {}, []
    with tempfile.TemporaryDirectory() as tmp:
        for backend in backend_names():
            b = get_backend(backend)
            if not b.continuous or (mip and not b.integer):  # a backend that cannot take the model
                continue
            start = time.perf_counter()
            result = run_sweep(Sweep(inst, variants, backend), Path(tmp) / f"{backend}.parquet", workers=1)
            seconds = time.perf_counter() - start
            costs[backend] = replacement_costs(result.table()).set_index("zone")["replacement_cost"].sort_index()
            ref = costs["highs"].to_numpy()
            mine = costs[backend].to_numpy()
            finite = np.isfinite(ref)
            same_inf = bool((np.isfinite(mine) == finite).all())
            diff = float(np.abs(mine[finite] - ref[finite]).max()) if same_inf else float("inf")
            out.append((backend, seconds, diff))
    return out


def kill_and_resume(draws: int, workers: int, reference: Path, tmp: Path) -> tuple[int, bool]:
    """The CLI sweep killed (SIGKILL) about halfway, then run again: (variants found on disk
    when it restarted, whether its file equals ``reference``)."""
    out = tmp / "killed.parquet"
    args = [sys.executable, "-m", "zoneopt", "sweep", str(EXAMPLE), "--draws", str(draws), "--error", f"{ERROR:%}",
            "--seed", str(SEED), "--workers", str(workers), "--flush-seconds", "0", "--out", str(out)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"),
                                                                     os.environ.get("PYTHONPATH")]))}
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    parts = tmp / "killed.parquet.parts"

    def done() -> int:
        stops = [int(m.group(1)) for p in parts.glob("part-*.parquet")
                 if (m := re.match(r"part-\d+-(\d+)\.parquet$", p.name))]
        return max(stops, default=0)

    while proc.poll() is None and done() < (draws + 1) // 2:
        time.sleep(0.05)
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()
    found = done()
    subprocess.run(args, env=env, check=True, stdout=subprocess.DEVNULL)
    return found, out.read_bytes() == reference.read_bytes()


def render(args: argparse.Namespace, runs: list[dict[str, Any]], empty: list[dict[str, Any]],
           same: dict[str, bool], agreement: list[tuple[str, float, float]], killed: tuple[int, bool] | None,
           load: tuple[str, str]) -> str:
    lines = [f"# Sweep benchmark, {dt.date.today().isoformat()}", "",
             f"`python benchmarks/sweeps.py --draws {args.draws} --big-draws {args.big_draws} --workers {args.workers}"
             f" --empty-tasks {args.empty_tasks}`", "",
             f"Draws: relative error {ERROR:.0%} (normal factor, standard deviation) on every reported figure, seed "
             f"{SEED}; each run also solves the base. Engines: serial = `run_sweep(workers=1)` in one process; pool = "
             f"`run_sweep(workers={args.workers})` (a forkserver process pool); cluster = a "
             f"`distributed.LocalCluster(n_workers={args.workers}, threads_per_worker=1, processes=True)` and "
             "`run_sweep(client=...)`. Wall time includes starting the pool or the cluster. Each run is a fresh "
             "subprocess (peak RSS is the driver's).", "",
             "**This 2-core machine is shared with other engineers' work: the numbers are what it gave at the "
             "load below, not what an idle machine gives.**", "", "## Machine", "",
             *[line for line in machine() if not line.startswith("- load average")],
             f"- load average at start (1/5/15 min): {load[0]}", f"- load average at end: {load[1]}", "",
             "## Throughput", "",
             "| instance | engine | variants | wall s | variants/s | speed-up vs serial | driver CPU s | "
             "driver peak RSS MiB |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]
    serial = {r["which"]: r["wall_s"] for r in runs if r["engine"] == "serial"}
    for r in runs:
        name = "45-zone example" if r["which"] == "example" else "10k zones"
        rate, speed = r["variants"] / r["wall_s"], serial[r["which"]] / r["wall_s"]
        lines.append(f"| {name} | {r['engine']} | {r['variants']:,} | {r['wall_s']:.1f} | {rate:.2f} | {speed:.2f} | "
                     f"{r['cpu_s']:.1f} | {r['rss_mib']:.0f} |")
    lines += ["", "Driver CPU s: CPU time of the process that runs `run_sweep` (for serial, all the work; for "
              "the pool and the cluster, the driver's share: receiving, ordering and writing results). Where the "
              "wall time is far above the CPU time the process was waiting for a core.", "",
              "Identical results across engines (the Parquet files byte for byte, and the per-zone "
              "P5/P50/P95 of land):", ""]
    lines += [f"- {which}: files {'identical' if ok else 'DIFFER'}" for which, ok in same.items()]
    lines += ["", "## Cost of a task", "",
              f"{args.empty_tasks} tasks with no variant each, two per worker in flight, after a first untimed task "
              "(which starts the workers):", "", "| engine | ms per task |", "|---|---:|"]
    lines += [f"| {e['engine']} | {e['per_task_ms']:.2f} |" for e in empty]
    per_draw = serial.get("example")
    ex = next((r for r in runs if r["which"] == "example" and r["engine"] == "serial"), None)
    cl = next((e["per_task_ms"] for e in empty if e["engine"] == "cluster"), None)
    if ex is not None and cl is not None and per_draw:
        c = ex["cpu_s"] / ex["variants"]  # CPU per draw: what a core of its own would take
        chunk = 32
        proj = 100_000 * c / 32 + (100_000 / chunk) * (cl / 1000.0) / 32
        lines += ["", "## Projection (a projection, not a measurement)", "",
                  f"From the serial run: {c * 1000:.1f} ms of CPU per draw of the 45-zone example (the wall time "
                  f"per draw was {ex['sweep_s'] / ex['variants'] * 1000:.1f} ms at the load above); from the "
                  f"LocalCluster: {cl:.2f} ms per task. 100,000 draws on a "
                  f"32-worker cluster of cores like these, in tasks of {chunk} draws, would take about "
                  f"100,000 × {c * 1000:.1f} ms / 32 + 100,000 / {chunk} × {cl:.2f} ms / 32 ≈ {proj:.0f} s "
                  f"({proj / 60:.1f} min), assuming linear scaling (each draw is independent), a scheduler far from "
                  "saturation (3,125 tasks) and results written as fast as they come (about "
                  f"{100_000 * 45 / proj:,.0f} rows/s to Parquet, which one process does easily)."]
        big = next((r for r in runs if r["which"] == "big" and r["engine"] == "serial"), None)
        if big is not None:
            cb = big["cpu_s"] / big["variants"]
            lines.append(f"For 10k zones ({cb:.1f} CPU s per draw serially here): 100,000 draws on 32 workers ≈ "
                         f"{100_000 * cb / 32 / 3600:.1f} h (tasks of one draw; the per-task cost is negligible).")
    if agreement:
        lines += ["", "## Replacement costs on every backend that takes the model "
                      "(45-zone example, every zone forced out)", "",
                  "| backend | s (46 solves, serial) | largest difference to HiGHS (万元/yr) |", "|---|---:|---:|"]
        lines += [f"| {b} | {s:.1f} | {d:.3g} |" for b, s, d in agreement]
    if killed is not None:
        found, ok = killed
        lines += ["", "## Killed and resumed", "",
                  f"`python -m zoneopt sweep instances/henan-etdz-45.json --draws {args.draws} --error 5% "
                  f"--workers {args.workers}` killed with SIGKILL once about half the draws were on disk "
                  f"({found:,} variants found on disk at the restart), then run again: the file "
                  f"{'equals' if ok else 'DIFFERS FROM'} the serial run's byte for byte."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--draws", type=int, default=1000)
    p.add_argument("--big-draws", type=int, default=4, help="draws of the 10k-zone instance (0: skip)")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--empty-tasks", type=int, default=200)
    p.add_argument("--no-backends", action="store_true", help="skip the replacement costs on every backend")
    p.add_argument("--no-kill", action="store_true", help="skip the kill-and-resume run")
    p.add_argument("--no-write", action="store_true")
    p.add_argument("--one", nargs=4, metavar=("WHICH", "ENGINE", "DRAWS", "OUT"), help=argparse.SUPPRESS)
    p.add_argument("--empty", metavar="ENGINE", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.one:
        which, engine, draws, out = args.one
        print(json.dumps(run_one(which, engine, int(draws), args.workers, out)))
        return 0
    if args.empty:
        print(json.dumps(run_empty(args.empty, args.empty_tasks, args.workers)))
        return 0
    load_start = load_average()
    runs, same = [], {}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for which, draws in (("example", args.draws), ("big", args.big_draws)):
            if draws <= 0:
                continue
            paths = []
            for engine in ENGINES:
                out = tmp / f"{which}-{engine}.parquet"
                runs.append(_subprocess(["--one", which, engine, str(draws), str(out), "--workers", str(args.workers)]))
                print(json.dumps(runs[-1]), file=sys.stderr)
                paths.append(out)
            same[which] = len({p.read_bytes() for p in paths}) == 1 and bands_equal(paths)
        empty = [_subprocess(["--empty", e, "--empty-tasks", str(args.empty_tasks), "--workers", str(args.workers)])
                 for e in ENGINES]
        agreement = [] if args.no_backends else backend_agreement()
        reference = tmp / "example-serial.parquet"
        killed = None if args.no_kill else kill_and_resume(args.draws, args.workers, reference, tmp)
    text = render(args, runs, empty, same, agreement, killed, (load_start, load_average()))
    print(text)
    if not args.no_write:
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / f"sweeps-{dt.date.today().isoformat()}.md").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
