"""Benchmark: a candidate's self-check of the kmeans solution from the command line.

Prints the median wall time of ``takehome check tasks/kmeans/solution.ipynb
--sandbox local`` (the target is under 2 s), the per-phase timings the check
recorded, and the start-up cost: the wall time of ``import harness.cli`` and
the slowest modules in ``python -X importtime``.

    .venv/bin/python bench/check_bench.py [--runs 5]

Timings taken while other jobs load the machine are inflated; the load
average is printed with the figures so a reader can tell.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TAKEHOME = Path(sys.executable).with_name("takehome")
TASK = ROOT / "tasks" / "kmeans"


def check_once(out: Path) -> tuple[float, dict[str, float]]:
    started = time.perf_counter()
    subprocess.run(
        [str(TAKEHOME), "check", str(TASK / "solution.ipynb"), "--task", str(TASK),
         "--sandbox", "local", "--out", str(out), "--quiet"],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    wall = time.perf_counter() - started
    return wall, json.loads((out / "solution.json").read_text())["timings"]


def import_costs(top: int) -> tuple[float, list[tuple[int, str]]]:
    """Wall seconds of ``import harness.cli`` and the ``top`` slowest modules (cumulative us)."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", "import harness.cli"],
                          check=True, capture_output=True, text=True)
    wall = time.perf_counter() - started
    rows = []
    for line in done.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            rows.append((int(parts[1]), parts[2].rstrip()))
    return wall, sorted(rows, reverse=True)[:top]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        check_once(Path(tmp))  # warm-up: page cache, bytecode
        runs = [check_once(Path(tmp)) for _ in range(args.runs)]
    walls = [wall for wall, _ in runs]
    phases = {k: statistics.median(t.get(k, 0.0) for _, t in runs) for k in runs[0][1]}
    load = os.getloadavg()[0]
    print(f"check of kmeans solution, local sandbox: median {statistics.median(walls):.2f} s "
          f"(min {min(walls):.2f}, max {max(walls):.2f}, {args.runs} runs; target < 2 s; "
          f"load average {load:.1f})")
    print("phases (median): " + ", ".join(f"{k} {v:.2f} s" for k, v in phases.items()))
    wall, slowest = import_costs(8)
    print(f"python -c 'import harness.cli': {wall:.2f} s wall; slowest imports (cumulative):")
    for micros, name in slowest:
        print(f"  {micros / 1000:7.1f} ms {name}")


if __name__ == "__main__":
    main()
