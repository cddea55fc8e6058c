"""The same land model built three ways, side by side in one run: zoneopt's array builder,
PuLP objects, and linopy.

    python benchmarks/build_compare.py                          # 1k, 10k, 100k, 1M zones
    python benchmarks/build_compare.py --sizes 1000 10000 --no-write

Instances: ``zoneopt.examples.zones.synthetic_data(n, seed)`` — the standard rule set (pool,
request caps, grade-D exclusion, the score tilt, national floor, city caps, corridor caps) and the
efficiency objective (tax per mu), as ``benchmarks/scale.py`` writes them (zones as Parquet).
Each size × way runs in a fresh subprocess of this script, so its peak RSS is its own; build
only (the solve is ``benchmarks/scale.py``'s):

* ``zoneopt`` — ``build_land_model`` on the instance (its zone table made on the way): what
  ``solve_land`` builds, rule rows with their ids.
* ``pulp`` — ``naive_build`` of ``benchmarks/land_quota.py``: one ``pulp.LpVariable`` per zone
  and ``lpSum`` per row, the way the model is written by hand (it reads zone objects, so the
  instance is loaded with its zones as objects; not timed). Up to ``--pulp-max`` zones.
* ``linopy`` — the same rows written the linopy way (``linopy`` is in the ``bench`` extra): one
  variable array over the zones, masks for the per-zone rules, ``groupby`` sums for the group
  bounds, the tilt's level variables picked per zone by their tier; from the zone table's
  columns (made beforehand, not timed).

At ``--check-max`` zones and below, the linopy model is solved with HiGHS and its objective must
equal zoneopt's (``solve_land``): the same model.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from land_quota import machine, naive_build  # noqa: E402
from scale import _rss_mib, prepare  # noqa: E402

RESULTS = HERE / "results"
WAYS = ("zoneopt", "pulp", "linopy")


def linopy_build(zt: Any, inst: Any) -> Any:
    """The land model with linopy, from the zone table's columns (see the module docstring)."""
    import linopy
    import numpy as np
    import pandas as pd
    import xarray as xr

    from zoneopt.instance import ExcludeRule, GroupBoundsRule, RequestCapRule, TiltRule, ZoneBoundsRule

    f = zt.frame
    n = zt.size
    Q = inst.pools.land.total_mu
    zone = pd.RangeIndex(n, name="zone")
    area = f["land_area_mu"].to_numpy(dtype=float)
    m = linopy.Model()
    x = m.add_variables(lower=0.0, coords=[zone], name="x")
    m.add_objective((xr.DataArray(f["tax"].to_numpy(dtype=float) / area, coords=[zone]) * x).sum(), sense="max")
    m.add_constraints(x.sum() <= Q, name="total")
    excluded = np.zeros(n, dtype=bool)
    for rule in inst.rules:
        if isinstance(rule, ExcludeRule):
            excluded |= zt.select(rule.select)
    for r, rule in enumerate(inst.rules):
        if isinstance(rule, RequestCapRule):
            sel = zt.select(rule.select)
            cap = rule.share * np.nan_to_num(f["request_land_mu"].to_numpy(dtype=float))
            m.add_constraints(x <= xr.DataArray(cap, coords=[zone]), name=f"req_{r}",
                              mask=xr.DataArray(sel, coords=[zone]))
        elif isinstance(rule, ExcludeRule):
            m.add_constraints(x <= 0.0, name=f"excl_{r}", mask=xr.DataArray(excluded, coords=[zone]))
        elif isinstance(rule, ZoneBoundsRule):
            sel = xr.DataArray(zt.select(rule.select), coords=[zone])
            if rule.cap_mu is not None:
                m.add_constraints(x <= rule.cap_mu, name=f"cap_{r}", mask=sel)
            if rule.floor_mu is not None:
                m.add_constraints(x >= rule.floor_mu, name=f"floor_{r}", mask=sel)
        elif isinstance(rule, GroupBoundsRule):
            names, member = zt.groups(rule.by)
            keep = [g for g, name in enumerate(names) if rule.groups is None or name in rule.groups]
            codes = np.full(n, -1)
            rows, cols = member[keep].nonzero()
            codes[cols] = rows  # one group per zone (by an attribute)
            has = codes >= 0
            total = x.where(xr.DataArray(has, coords=[zone])).groupby(
                xr.DataArray(np.where(has, codes, len(keep)), coords=[zone], name="group")).sum()
            total = total.sel(group=list(range(len(keep))))
            if rule.cap_share is not None:
                m.add_constraints(total <= rule.cap_share * Q, name=f"gcap_{r}")
            if rule.floor_share is not None:
                m.add_constraints(total >= rule.floor_share * Q, name=f"gfloor_{r}")
        elif isinstance(rule, TiltRule):
            elig = zt.select(rule.select) & ~excluded
            score = f["score"].to_numpy(dtype=float)
            levels = np.unique(score[elig])[::-1]  # highest first
            K = levels.size
            tier = np.clip(np.searchsorted(-levels, -score), 0, K - 1)  # tier of each zone (where eligible)
            u = m.add_variables(lower=0.0, coords=[pd.RangeIndex(K - 1, name="level")], name=f"u_{r}")
            per_mu = xr.DataArray(1.0 / area, coords=[zone]) * x
            above = elig & (tier < K - 1)
            below = elig & (tier > 0)
            u_above = u.isel(level=xr.DataArray(np.clip(tier, 0, K - 2), coords=[zone]))
            u_below = u.isel(level=xr.DataArray(np.clip(tier - 1, 0, K - 2), coords=[zone]))
            m.add_constraints(per_mu - u_above >= 0.0, name=f"above_{r}", mask=xr.DataArray(above, coords=[zone]))
            m.add_constraints(per_mu - u_below <= 0.0, name=f"below_{r}", mask=xr.DataArray(below, coords=[zone]))
    return m


def run_one(way: str, paths: dict[str, str], check: bool) -> dict[str, Any]:
    from zoneopt import load

    out: dict[str, Any] = {"way": way}
    if way == "pulp":
        inst = load(paths["json"])
        list(inst.zones)  # zone objects (the PuLP way reads them), not timed
        t, c = time.perf_counter(), time.process_time()
        prob, size = naive_build(inst)
        out |= {"build_s": time.perf_counter() - t, "build_cpu_s": time.process_time() - c, **size}
    elif way == "zoneopt":
        from zoneopt.models.land_quota import build_land_model

        inst = load(paths["table"])
        t, c = time.perf_counter(), time.process_time()
        lm = build_land_model(inst)
        out |= {"build_s": time.perf_counter() - t, "build_cpu_s": time.process_time() - c,
                "vars": lm.model.num_vars, "rows": lm.model.num_rows}
        if check:
            from zoneopt import solve_land

            out["objective"] = solve_land(inst).objective
    else:
        from zoneopt.evaluation.run import evaluated_table

        inst = load(paths["table"])
        zt = evaluated_table(inst)
        t, c = time.perf_counter(), time.process_time()
        m = linopy_build(zt, inst)
        out |= {"build_s": time.perf_counter() - t, "build_cpu_s": time.process_time() - c,
                "vars": int(m.nvars), "rows": int(m.ncons)}
        if check:
            m.solve("highs", output_flag=False)
            out["objective"] = float(m.objective.value)
    return out | {"peak_rss_mib": _rss_mib()}


def spawn(size: int, way: str, paths: dict[str, Path], check: bool) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--one", way, "--paths",
           json.dumps({k: str(v) for k, v in paths.items()})] + (["--check"] if check else [])
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=3600)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        err = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return {"size": size, "way": way, "status": f"error: {err[:200]}"}
    return {"size": size, **json.loads(lines[-1])}


def table(results: list[dict[str, Any]]) -> str:
    rows = ["| zones | way | build s (wall) | build CPU s | × zoneopt (CPU) | columns | rows | peak RSS MiB | "
            "objective check |", "|---:|---|---:|---:|---:|---:|---:|---:|---|"]
    base = {r["size"]: r for r in results if r.get("way") == "zoneopt" and "build_cpu_s" in r}
    for r in results:
        if "build_s" not in r:
            rows.append(f"| {r['size']:,} | {r['way']} | {r.get('status', '–')} | | | | | | |")
            continue
        b = base.get(r["size"])
        ratio = f"{r['build_cpu_s'] / b['build_cpu_s']:.1f}×" if b else "–"
        check = "–"
        if "objective" in r and b and "objective" in b:
            check = f"{r['objective']:,.3f} (zoneopt {b['objective']:,.3f})"
        rows.append(f"| {r['size']:,} | {r['way']} | {r['build_s']:.2f} | {r['build_cpu_s']:.2f} | {ratio} | "
                    f"{r.get('vars', 0):,} | {r.get('rows', 0):,} | {r['peak_rss_mib']:.0f} | {check} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000, 1_000_000])
    p.add_argument("--ways", nargs="+", default=list(WAYS), choices=WAYS)
    p.add_argument("--pulp-max", type=int, default=100_000)
    p.add_argument("--check-max", type=int, default=10_000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "zoneopt-bench")
    p.add_argument("--out", type=Path)
    p.add_argument("--no-write", action="store_true")
    p.add_argument("--one", help=argparse.SUPPRESS)
    p.add_argument("--paths", help=argparse.SUPPRESS)
    p.add_argument("--check", action="store_true", help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    if a.one:
        print(json.dumps(run_one(a.one, json.loads(a.paths), a.check)), flush=True)
        return 0
    started = dt.datetime.now()
    head = machine()
    results = []
    for size in sorted(a.sizes):
        ways = [w for w in a.ways if w != "pulp" or size <= a.pulp_max]
        paths = prepare(size, a.seed, a.data, json_zones="pulp" in ways)
        for w in ways:
            print(f"[{dt.datetime.now():%H:%M:%S}] {size:,} zones, {w} ...", file=sys.stderr, flush=True)
            results.append(spawn(size, w, paths, size <= a.check_max))
            print(table([results[-1]]).splitlines()[-1], file=sys.stderr, flush=True)
        results += [{"size": size, "way": w, "status": f"not run (PuLP up to {a.pulp_max:,} zones)"}
                    for w in a.ways if w not in ways]
    report = "\n".join([
        f"# The land model built three ways, {started:%Y-%m-%d}", "",
        f"`python benchmarks/build_compare.py --sizes {' '.join(map(str, a.sizes))} --ways {' '.join(a.ways)} "
        f"--seed {a.seed}`", "",
        "Build only, each run in its own process; see the docstring of `benchmarks/build_compare.py`. "
        "**A shared 2-core machine**: CPU time is the figure to compare (the wall clock also counts waits for "
        "a core).", "", "## Machine", "", *head,
        f"- load average at end (1/5/15 min): {', '.join(f'{v:.2f}' for v in os.getloadavg())}", "",
        "## Results", "", table(results), "",
        "× zoneopt — this way's build CPU time over zoneopt's at the same size. objective check — the model "
        "solved (linopy: its own HiGHS call; zoneopt: `solve_land`) where the size is small enough: the same "
        "optimum means the same model.", ""])
    print(report)
    if not a.no_write:
        out = a.out or RESULTS / f"build-compare-{started:%Y-%m-%d}.md"
        out.write_text(report, encoding="utf-8")
        print(f"written to {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
