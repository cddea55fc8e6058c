"""Benchmark of start-up time: ``import zoneopt`` and the command line's ``--help``.

    python benchmarks/import_time.py                  # 20 runs of each command; writes results/
    python benchmarks/import_time.py --runs 5 --no-write

Each command runs ``--runs`` times in a fresh interpreter (``sys.executable``, with this tree's
``src`` first on ``PYTHONPATH``, from the repository root), the commands taking turns so a
change of machine load touches them alike; one untimed run of each comes first (it writes the
bytecode caches, which the runs use even where ``PYTHONDONTWRITEBYTECODE`` is set). The wall
time of each run is measured from this script (``time.perf_counter`` around ``subprocess.run``:
interpreter start-up included) and the table gives min, median and max per command, against
the targets of issue 10 where there is one (``import zoneopt`` under 0.6 s, ``--help`` under
0.3 s on an idle 2-core machine). Lower rows, for context, pay for a first use:
``zoneopt.load`` (pydantic, pandas) and a whole solve of ``instances/small-4.json``.

Start-up time depends on the machine's load more than on anything else, so the report notes the
machine (cores, CPU model, Python) and the load average before and after the runs, and lists the
largest top-level imports of each targeted command (``python -X importtime``, one more run).
The report is printed and written to ``benchmarks/results/import-time-<date>.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from land_quota import machine  # (the land benchmark's machine description; imports no zoneopt)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"

# (what the table calls it, the interpreter's arguments, the target in seconds or None)
COMMANDS: tuple[tuple[str, tuple[str, ...], float | None], ...] = (
    ("`python -c pass` (the interpreter alone)", ("-c", "pass"), None),
    ("`python -c \"import zoneopt\"`", ("-c", "import zoneopt"), 0.6),
    ("`python -m zoneopt --help`", ("-m", "zoneopt", "--help"), 0.3),
    ("`python -m zoneopt solve --help`", ("-m", "zoneopt", "solve", "--help"), 0.3),
    ("`python -c \"import zoneopt; zoneopt.load\"` (first use)", ("-c", "import zoneopt; zoneopt.load"), None),
    ("`python -m zoneopt solve instances/small-4.json` (a whole solve)",
     ("-m", "zoneopt", "solve", "instances/small-4.json"), None),
)
TOP_IMPORTS = 6


def environment() -> dict[str, str]:
    """This tree's ``src`` first on the path, so the runs time the code beside this script, and
    bytecode caching on (as for an installed package) even where ``PYTHONDONTWRITEBYTECODE`` is
    set: otherwise every run would compile zoneopt's sources again."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")]))
    return env


def run_once(args: tuple[str, ...], env: dict[str, str]) -> float:
    """Wall seconds of one fresh interpreter running ``args``; a failing command stops the benchmark."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"python {' '.join(args)} exited {done.returncode}:\n{done.stderr}")
    return elapsed


def measure(runs: int, env: dict[str, str]) -> list[list[float]]:
    """``runs`` wall times per command, the commands taking turns, after one untimed run each."""
    for _, args, _ in COMMANDS:
        run_once(args, env)
    times: list[list[float]] = [[] for _ in COMMANDS]
    for k in range(runs):
        print(f"[{dt.datetime.now():%H:%M:%S}] round {k + 1}/{runs}", file=sys.stderr, flush=True)
        for i, (_, args, _) in enumerate(COMMANDS):
            times[i].append(run_once(args, env))
    return times


def largest_imports(args: tuple[str, ...], env: dict[str, str]) -> list[tuple[str, float]]:
    """The top-level imports of one run of ``args`` with the most cumulative time, in seconds
    (``python -X importtime``; nested imports are inside their importer's time)."""
    done = subprocess.run([sys.executable, "-X", "importtime", *args], cwd=ROOT, env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
    top: list[tuple[str, float]] = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = line.split("|", 2)
        if name.strip() and not name[1:].startswith(" ") and cumulative.strip().isdigit():  # depth 0
            top.append((name.strip(), int(cumulative) / 1e6))
    return sorted(top, key=lambda item: -item[1])[:TOP_IMPORTS]


def load_average() -> str:
    return ", ".join(f"{v:.2f}" for v in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"


def table(times: list[list[float]]) -> str:
    lines = ["| command | min s | median s | max s | target s | median within target |",
             "|---|---:|---:|---:|---:|---|"]
    for (label, _, target), ts in zip(COMMANDS, times, strict=True):
        median = statistics.median(ts)
        verdict = "–" if target is None else ("yes" if median < target else "**no**")
        lines.append(f"| {label} | {min(ts):.3f} | {median:.3f} | {max(ts):.3f} | "
                     f"{'–' if target is None else f'{target:g}'} | {verdict} |")
    return "\n".join(lines)


def render(times: list[list[float]], imports: list[tuple[str, list[tuple[str, float]]]], head: list[str],
           load_before: str, load_after: str, started: dt.datetime, runs: int) -> str:
    parts = [
        f"# Start-up time, {started:%Y-%m-%d}",
        "",
        f"`python benchmarks/import_time.py --runs {runs}`",
        "",
        "## Machine",
        "",
        *[h for h in head if not h.startswith("- load average")],  # ours, before and after, below
        f"- load average (1/5/15 min) before: {load_before}",
        f"- load average (1/5/15 min) after: {load_after}",
        "",
        "## Results",
        "",
        table(times),
        "",
        f"Wall time of a fresh interpreter per run, {runs} runs per command taking turns, after one untimed run "
        "of each; the interpreter's own start-up is included (first row). Targets (issue 10) are for an idle "
        "2-core machine: compare them with the load average above.",
        "",
        "## Largest top-level imports (`python -X importtime`, one run)",
        "",
    ]
    for label, top in imports:
        parts.append(f"- {label}: " + ", ".join(f"`{name}` {s * 1e3:.0f} ms" for name, s in top))
    return "\n".join(parts) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=20, help="timed runs per command (default 20)")
    p.add_argument("--out", type=Path, help="write the report here (default benchmarks/results/import-time-<date>.md)")
    p.add_argument("--no-write", action="store_true", help="print only")
    a = p.parse_args(argv)

    env = environment()
    started = dt.datetime.now()
    head = machine()
    load_before = load_average()
    times = measure(a.runs, env)
    load_after = load_average()
    imports = [(label, largest_imports(args, env)) for label, args, target in COMMANDS if target is not None]
    report = render(times, imports, head, load_before, load_after, started, a.runs)
    print(report)
    if not a.no_write:
        out = a.out or RESULTS / f"import-time-{started:%Y-%m-%d}.md"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(report, encoding="utf-8")
        print(f"written to {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
