"""Benchmark of loading a large instance: what the input checks of ``zoneopt.load`` cost.

    python benchmarks/load_time.py                    # 100,000 zones, 5 runs; writes results/
    python benchmarks/load_time.py --zones 20000 --runs 3 --no-write

The instance is ``instances/henan-etdz-45.json`` with its zones repeated under new ids up to
``--zones`` (its rules, evaluations and pools unchanged), written once to a temporary file.
Each run times, in this process, the steps of :func:`zoneopt.load` apart: reading the file and
``json.loads`` alone (what any JSON reader pays), the same with zoneopt's check of keys given
twice (``zoneopt.instance.load.read_json``; nesting is measured only for a document that fails
validation), and validation of the parsed document (``Instance.from_dict``: strict types,
cross-checks); then ``load`` as a whole. With ``--against TREE`` (e.g. ``/work/main``, a
checkout before the checks), ``load`` of the same file is also timed in fresh interpreters, this
tree's ``src`` and TREE's taking turns. The table gives min and median per step. Timing depends
on the machine's load, so the report notes the machine and the load average before and after.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
sys.path.insert(0, str(ROOT / "src"))

from zoneopt.instance import Instance, load  # noqa: E402

load_module = importlib.import_module("zoneopt.instance.load")


def big_instance(zones: int) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((ROOT / "instances" / "henan-etdz-45.json").read_text(encoding="utf-8"))
    base = data["zones"]
    data["zones"] = base + [dict(base[k % len(base)], id=f"z{k}") for k in range(zones - len(base))]
    data["name"] = f"henan-etdz-45-x{zones}"
    return data


def timed(step: Callable[[], object], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        step()
        out.append(time.perf_counter() - start)
    return out


def _load_in(tree: Path, path: Path) -> float:
    """Seconds ``zoneopt.load(path)`` takes in a fresh interpreter with ``tree/src`` (imports excluded)."""
    code = (f"import time, zoneopt.instance as i; t = time.perf_counter(); i.load({str(path)!r}); "
            "print(time.perf_counter() - t)")
    env = dict(os.environ, PYTHONPATH=str(tree / "src"))
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return float(done.stdout.strip())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--zones", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--against", type=Path, default=None, metavar="TREE",
                    help="also time load in fresh interpreters with TREE/src, taking turns with this tree")
    args = ap.parse_args()
    load_before = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    started = dt.datetime.now()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.json"
        path.write_text(json.dumps(big_instance(args.zones), ensure_ascii=False), encoding="utf-8")
        size = path.stat().st_size
        doc = json.loads(path.read_text(encoding="utf-8"))
        steps = [
            ("read + `json.loads` (no checks)", lambda: json.loads(path.read_text(encoding="utf-8"))),
            ("read + `json.loads` + keys given twice (`read_json`)",
             lambda: load_module.read_json(path, load_module.MAX_FILE_BYTES, load_module.MAX_DEPTH)),
            ("`Instance.from_dict` (strict validation, cross-checks)", lambda: Instance.from_dict(doc)),
            ("`zoneopt.load` (all of it)", lambda: load(path)),
        ]
        times = [timed(step, args.runs) for _, step in steps]
        trees = [("this tree", ROOT), ("--against " + str(args.against), args.against)] if args.against else []
        fresh: list[list[float]] = [[] for _ in trees]
        for _ in range(args.runs if trees else 0):
            for k, (_, tree) in enumerate(trees):
                fresh[k].append(_load_in(tree, path))
    load_after = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    lines = [f"# Loading a {args.zones:,}-zone instance, {started:%Y-%m-%d}", "",
             f"- file: {size / 1e6:.1f} MB; {args.runs} runs per step, in one process",
             f"- machine: {platform.platform()}; {os.cpu_count()} logical cores; Python {platform.python_version()}",
             f"- load average before {load_before}, after {load_after} (a 2-core machine other engineers share: "
             "times move with their work)", "",
             "| step | min s | median s |", "|---|---:|---:|"]
    lines += [f"| {label} | {min(ts):.3f} | {statistics.median(ts):.3f} |" for (label, _), ts in zip(steps, times,
                                                                                                    strict=True)]
    lines += [f"| `zoneopt.load`, fresh interpreter, {label} | {min(ts):.3f} | {statistics.median(ts):.3f} |"
              for (label, _), ts in zip(trees, fresh, strict=True)]
    check = statistics.median(times[1]) - statistics.median(times[0])
    lines += ["", f"The checks of `read_json` cost {check:.2f} s (median) over `json.loads` alone.", ""]
    report = "\n".join(lines)
    print(report)
    if not args.no_write:
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / f"load-time-{started:%Y-%m-%d}.md").write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
