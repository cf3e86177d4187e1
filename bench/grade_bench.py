"""Benchmark: wall time to grade one submission from the command line.

Prints, for tasks/kmeans/solution.ipynb, the median wall time per
submission with the local and the Docker sandbox, the Docker overhead (ratio
and seconds), the per-phase timings the grader recorded, and the sandbox
image build time (warm; cold with --cold, which removes the images first).

    .venv/bin/python bench/grade_bench.py [--runs 5] [--cold]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TAKEHOME = Path(sys.executable).with_name("takehome")
SOLUTION = ROOT / "tasks" / "kmeans" / "solution.ipynb"


def grade_once(sandbox: str, out: Path) -> tuple[float, dict[str, float]]:
    started = time.perf_counter()
    subprocess.run(
        [str(TAKEHOME), "grade", str(SOLUTION), "--task", str(ROOT / "tasks" / "kmeans"),
         "--sandbox", sandbox, "--out", str(out), "--quiet"],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    wall = time.perf_counter() - started
    timings = json.loads((out / "solution.json").read_text())["timings"]
    return wall, timings


def measure(sandbox: str, runs: int) -> tuple[float, dict[str, float]]:
    walls, phases = [], []
    with tempfile.TemporaryDirectory() as tmp:
        grade_once(sandbox, Path(tmp))  # warm-up: page cache, image layers
        for _ in range(runs):
            wall, timings = grade_once(sandbox, Path(tmp))
            walls.append(wall)
            phases.append(timings)
    median_phases = {k: statistics.median(p.get(k, 0.0) for p in phases) for k in phases[0]}
    return statistics.median(walls), median_phases


def render_times(runs: int) -> dict[str, float]:
    """Median time to render the solution's result in each format."""
    import harness
    from harness.report import render_html, render_json, render_junit, render_markdown

    result = harness.grade(SOLUTION, ROOT / "tasks" / "kmeans", sandbox="local")
    renderers = {"json": render_json, "html": render_html, "junit": render_junit,
                 "md": render_markdown}
    times: dict[str, float] = {}
    for name, render in renderers.items():
        samples = []
        for _ in range(max(runs, 3)):
            started = time.perf_counter()
            render(result, candidate_view=False)
            samples.append(time.perf_counter() - started)
        times[name] = statistics.median(samples)
    return times


def build_time(cold: bool) -> float:
    if cold:
        for repo in ("takehome-sandbox-task", "takehome-sandbox", "takehome-base"):
            ids = subprocess.run(["docker", "images", "-q", repo], capture_output=True,
                                 text=True, check=True).stdout.split()
            if ids:
                subprocess.run(["docker", "rmi", "-f", *set(ids)], check=False,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    started = time.perf_counter()
    subprocess.run([str(TAKEHOME), "image", "build"], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cold", action="store_true", help="also time a cold image build")
    args = parser.parse_args()
    if args.cold:
        print(f"image build, cold: {build_time(cold=True):6.1f} s")
    print(f"image build, warm: {build_time(cold=False):6.2f} s")
    local, local_phases = measure("local", args.runs)
    docker, docker_phases = measure("docker", args.runs)
    print(f"median per submission, local : {local:5.2f} s  (target <= 4 s)")
    print(f"median per submission, docker: {docker:5.2f} s  (target <= 5 s)")
    print(f"docker overhead: {docker / local:4.2f}x, {docker - local:+5.2f} s")
    for name, phases in (("local", local_phases), ("docker", docker_phases)):
        shown = "  ".join(f"{k} {v:.2f}" for k, v in sorted(phases.items()))
        print(f"phases ({name}, median s): {shown}")
    rendered = "  ".join(f"{k} {v * 1000:.1f} ms" for k, v in render_times(args.runs).items())
    print(f"render (median): {rendered}")


if __name__ == "__main__":
    main()
