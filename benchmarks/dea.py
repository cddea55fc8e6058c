"""Benchmark of DEA efficiency: zoneopt's batched CCR against a naive PuLP loop.

    python benchmarks/dea.py                          # batched 1k and 10k, naive 200 and 1000; writes results/
    python benchmarks/dea.py --sizes 1000 --naive-sizes 200 --no-write

Data: ``synthetic_dea(n, seed)`` below — n units, 3 inputs, 3 outputs from a Cobb–Douglas
production function with half-normal inefficiency (synthetic; seed fixed). Model: CCR,
input orientation.

Runs, each in a fresh subprocess of this script (``--one``) so its peak RSS is its own:

* ``batched``: ``zoneopt.evaluation.dea_radial.dea(X, Y)`` on HiGHS — one warm-started LP per
  phase with column generation; with the max-slack second phase (``slacks=True``, the default)
  and, as a second row, the first phase only (``slacks=False``), which is what the naive loop
  computes. Times include zoneopt's independent check of every answer.
* ``batched, all columns``: the same with ``column_generation=False`` (every unit's column in
  the LP), to show what the candidate set buys (run up to ``--full-max`` units).
* ``naive PuLP``: the loop a typical user writes — for each unit a new ``pulp.LpProblem`` with
  a ``LpVariable`` per unit and θ, the envelopment rows with ``lpSum``, solved by CBC
  (``PULP_CBC_CMD``); first phase only. Its scores must equal the batched ones (the table shows
  the largest difference).

The table is printed and written to ``benchmarks/results/dea-<date>.md`` with the machine
(lscpu, memory, Python and package versions).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
sys.path.insert(0, str(HERE))
from land_quota import _rss_mib, fmt, machine  # noqa: E402  (the land benchmark's probes and format)

DEFAULT_SIZES = (1_000, 10_000)
DEFAULT_NAIVE = (200, 1_000)
DEFAULT_FULL_MAX = 1_000


def synthetic_dea(n: int, seed: int = 1, m: int = 3, s: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """n units × m inputs and × s outputs (synthetic): inputs uniform on [10, 100]; output r is
    ``A_r Π_i x_i^β_ri`` (β_ri uniform on [0.1, 0.3], so decreasing returns) times
    ``exp(-u)`` with u half-normal (σ = 0.3) inefficiency and a log-normal (σ = 0.1) mix of the
    outputs."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(10.0, 100.0, (n, m))
    beta = rng.uniform(0.1, 0.3, (s, m))
    scale = rng.uniform(5.0, 20.0, s)
    frontier = scale[None, :] * np.exp(np.log(X) @ beta.T)
    u = np.abs(rng.normal(0.0, 0.3, n))
    mix = np.exp(rng.normal(0.0, 0.1, (n, s)))
    Y = frontier * np.exp(-u)[:, None] * mix
    return X, Y



def naive_pulp(X: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, float, float]:
    """Input-oriented CCR the ordinary way: one PuLP model per unit, CBC. Returns θ, build s,
    solve s."""
    import pulp

    n, m = X.shape
    s = Y.shape[1]
    theta = np.empty(n)
    build = solve = 0.0
    solver = pulp.PULP_CBC_CMD(msg=False)
    for o in range(n):
        t = time.perf_counter()
        prob = pulp.LpProblem(f"ccr_{o}", pulp.LpMinimize)
        th = pulp.LpVariable("theta")
        lam = [pulp.LpVariable(f"l_{j}", lowBound=0) for j in range(n)]
        prob += th
        for i in range(m):
            prob += pulp.lpSum(float(X[j, i]) * lam[j] for j in range(n)) <= float(X[o, i]) * th
        for r in range(s):
            prob += pulp.lpSum(float(Y[j, r]) * lam[j] for j in range(n)) >= float(Y[o, r])
        build += time.perf_counter() - t
        t = time.perf_counter()
        prob.solve(solver)
        solve += time.perf_counter() - t
        if prob.status != pulp.LpStatusOptimal:
            raise RuntimeError(f"unit {o}: {pulp.LpStatus[prob.status]}")
        theta[o] = th.value()
    return theta, build, solve


def run_one(size: int, kind: str, seed: int) -> dict[str, Any]:
    out: dict[str, Any] = {"size": size, "kind": kind, "seed": seed}
    t = time.perf_counter()
    X, Y = synthetic_dea(size, seed)
    out["gen_s"] = time.perf_counter() - t
    if kind == "naive":
        theta, build, solve = naive_pulp(X, Y)
        out |= {"build_s": build, "solve_s": solve, "total_s": build + solve, "lps": size,
                "scores": theta.tolist(), "status": "optimal"}
    else:
        from zoneopt.evaluation.dea_radial import dea

        slacks = kind != "batched-phase1"
        cg = kind != "batched-full"
        _warm_up()
        t = time.perf_counter()
        r = dea(X, Y, slacks=slacks, column_generation=cg)
        out["total_s"] = time.perf_counter() - t
        st = r.stats
        out |= {"phase1_s": st["first_phase"]["seconds"], "lps": sum(v["lps"] for v in st.values()),
                "candidates": st["first_phase"]["candidates"], "rounds": st["first_phase"]["rounds"],
                "iterations": sum(v["iterations"] for v in st.values()),
                "slack_s": st.get("slack_phase", {}).get("seconds"),
                "efficient": int(r.efficient.sum()) if r.efficient is not None else None,
                "weakly": int(r.weakly_efficient.sum()), "scores": r.scores.tolist(), "status": "optimal"}
    out["peak_rss_mib"] = _rss_mib()
    return out


def _warm_up() -> None:
    """A 3-unit DEA first, so imports and HiGHS start-up are not timed."""
    from zoneopt.evaluation.dea_radial import dea

    dea([[1.0], [2.0], [3.0]], [[1.0], [3.0], [2.0]])


def spawn(size: int, kind: str, seed: int, timeout: float) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--one", "--size", str(size), "--kind", kind,
           "--seed", str(seed)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"size": size, "kind": kind, "status": f"killed after {timeout:.0f} s"}
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        err = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return {"size": size, "kind": kind, "status": f"error: {err[:200]}"}
    return json.loads(lines[-1])


LABEL = {
    "batched": "zoneopt batched (HiGHS, CG), with slack phase",
    "batched-phase1": "zoneopt batched (HiGHS, CG), first phase only",
    "batched-full": "zoneopt batched (HiGHS, all columns), with slack phase",
    "naive": "naive PuLP + CBC loop, first phase only",
}



def table(results: list[dict[str, Any]]) -> str:
    ref = {r["size"]: np.asarray(r["scores"]) for r in results if r["kind"] == "batched-phase1" and "scores" in r}
    rows = ["| units | method | wall s | LPs | ms / LP | frame (candidates) | peak RSS MiB | status | "
            "max abs score diff to batched |", "|---:|---|---:|---:|---:|---:|---:|---|---:|"]
    for r in results:
        diff = None
        if "scores" in r and r["size"] in ref:
            diff = float(np.max(np.abs(np.asarray(r["scores"]) - ref[r["size"]])))
        per = r["total_s"] / r["lps"] * 1e3 if r.get("total_s") and r.get("lps") else None
        rows.append(f"| {r['size']:,} | {LABEL[r['kind']]} | {fmt(r.get('total_s'), '.2f')} | "
                    f"{fmt(r.get('lps'), ',')} | {fmt(per, '.2f')} | {fmt(r.get('candidates'), ',')} | "
                    f"{fmt(r.get('peak_rss_mib'), '.0f')} | {r.get('status', '?')} | {fmt(diff, '.1e')} |")
    return "\n".join(rows)


def lscpu() -> list[str]:
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
    except OSError:
        return ["- lscpu: not available"]
    keep = ("Architecture", "Model name", "CPU(s)", "Thread(s) per core", "Core(s) per socket", "L2 cache",
            "L3 cache", "Hypervisor vendor")
    return [f"- lscpu {line.split(':', 1)[0].strip()}: {line.split(':', 1)[1].strip()}"
            for line in out.splitlines() if line.split(":", 1)[0].strip() in keep]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES), help="units for the batched runs")
    p.add_argument("--naive-sizes", type=int, nargs="*", default=list(DEFAULT_NAIVE), help="units for naive PuLP")
    p.add_argument("--full-max", type=int, default=DEFAULT_FULL_MAX,
                   help="run the all-columns batched variant up to this many units")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--timeout", type=float, default=1800.0, help="seconds per run before it is killed")
    p.add_argument("--out", type=Path)
    p.add_argument("--no-write", action="store_true")
    p.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--size", type=int, help=argparse.SUPPRESS)
    p.add_argument("--kind", help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    if a.one:
        print(json.dumps(run_one(a.size, a.kind, a.seed)), flush=True)
        return 0

    sys.path.insert(0, str(HERE))

    started = dt.datetime.now()
    head = machine()
    plan = []
    for size in sorted(set(a.sizes) | set(a.naive_sizes)):
        kinds = []
        if size in a.sizes or size in a.naive_sizes:
            kinds += ["batched-phase1", "batched"]
        if size <= a.full_max:
            kinds.append("batched-full")
        if size in a.naive_sizes:
            kinds.append("naive")
        plan += [(size, k) for k in kinds]
    results = []
    for size, kind in plan:
        print(f"[{dt.datetime.now():%H:%M:%S}] {size:>7,} units  {kind} ...", file=sys.stderr, flush=True)
        results.append(spawn(size, kind, a.seed, a.timeout))
        print(table([results[-1]]).splitlines()[-1], file=sys.stderr, flush=True)
    report = render(results, head, started, a)
    print(report)
    if not a.no_write:
        out = a.out or RESULTS / f"dea-{started:%Y-%m-%d}.md"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(report, encoding="utf-8")
        print(f"written to {out}", file=sys.stderr)
    return 0


def render(results: list[dict[str, Any]], head: list[str], started: dt.datetime, a: argparse.Namespace) -> str:
    import os

    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    try:
        import psutil

        mem = f"- memory: {psutil.virtual_memory().total / 2**30:.1f} GiB total, " \
              f"{psutil.virtual_memory().available / 2**30:.1f} GiB available at the end"
    except ImportError:
        mem = "- memory: psutil not installed"
    naive = {r["size"]: r for r in results if r["kind"] == "naive" and r.get("total_s")}
    batched = {r["size"]: r for r in results if r["kind"] == "batched-phase1" and r.get("total_s")}
    lines = [f"- {s:,} units: naive {naive[s]['total_s']:.1f} s (build {naive[s]['build_s']:.1f} s, CBC "
             f"{naive[s]['solve_s']:.1f} s) vs batched first phase {batched[s]['total_s']:.2f} s: "
             f"{naive[s]['total_s'] / batched[s]['total_s']:.0f}× faster" for s in sorted(naive) if s in batched]
    extrap = []
    if naive:
        big = max(naive)
        per_unit = naive[big]["total_s"] / big
        for s in sorted(x for x in batched if x > big):
            est = per_unit * s * (s / big)  # n models, each O(n) to build and solve: quadratic
            extrap.append(f"- extrapolated, not measured: the naive loop at {s:,} units would take about "
                          f"{est / 3600:.1f} h (n² from {big:,} units: {per_unit:.3f} s per unit × {s:,} units × "
                          f"{s / big:.0f} for the {s / big:.0f}× larger model per unit)")
    return "\n".join([
        f"# DEA benchmark, {started:%Y-%m-%d}",
        "",
        f"`python benchmarks/dea.py --sizes {' '.join(map(str, a.sizes))} --naive-sizes "
        f"{' '.join(map(str, a.naive_sizes))} --full-max {a.full_max} --seed {a.seed}`",
        "",
        "Data: `synthetic_dea(n, seed)` in the script — synthetic units, 3 inputs, 3 outputs (Cobb–Douglas "
        "frontier with half-normal inefficiency). Model: CCR, input orientation.",
        "",
        "## Machine",
        "",
        *head,
        *lscpu(),
        mem,
        f"- load average at end: {', '.join(f'{v:.2f}' for v in load) if load else 'n/a'}",
        "",
        "## Results",
        "",
        table(results),
        "",
        "wall s: the whole `dea()` call (or the whole naive loop) in a fresh process after a warm-up, including "
        "zoneopt's independent check of every answer (primal feasibility and the duality certificate over all "
        "units' columns); data generation not included. LPs: linear programs solved (batched: every phase, "
        "column-generation re-solves included). frame: units in the LP's candidate set at the end of the first "
        "phase. peak RSS: the run's process (`ru_maxrss`). The naive loop solves the first phase only, so compare "
        "it with the \"first phase only\" rows; its scores are compared with those.",
        "",
        "## Batched against naive",
        "",
        *(lines or ["- no size ran both"]),
        *extrap,
        "",
    ])


if __name__ == "__main__":
    raise SystemExit(main())
