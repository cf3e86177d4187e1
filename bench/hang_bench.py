"""Benchmark: wall time to grade a notebook whose ``kmeans`` never returns.

Builds the notebook from tasks/kmeans/solution.ipynb with one more cell at
the end that redefines ``kmeans`` as an endless loop (the notebook itself
still runs cleanly; every call from a test, and from the candidate's own
tests, hangs).  Grades it with the kmeans task's limits from the command
line and prints the wall time, the per-phase timings and how many tests
passed.  Variants: ``--partial`` hangs only when k == 1 (the rule must not
cost such a submission its other tests).

    .venv/bin/python bench/hang_bench.py [--sandbox docker|local] [--partial]

Figures measured on a loaded machine are inflated; rerun on a quiet one.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
TAKEHOME = Path(sys.executable).with_name("takehome")
TASK = ROOT / "tasks" / "kmeans"

HANG_ALWAYS = '''\
def kmeans(X, k, seed=0, max_iter=100):
    """Never returns: the loop has no exit."""
    while True:
        pass
'''

HANG_ON_K_ONE = '''\
_kmeans_that_works = kmeans


def kmeans(X, k, seed=0, max_iter=100):
    """Hangs only for k == 1; otherwise the working version answers."""
    while k == 1:
        pass
    return _kmeans_that_works(X, k, seed=seed, max_iter=max_iter)
'''


def hanging_notebook(folder: Path, partial: bool) -> Path:
    """The kmeans solution with ``kmeans`` redefined in a last cell."""
    nb = nbformat.read(TASK / "solution.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(HANG_ON_K_ONE if partial else HANG_ALWAYS))
    path = folder / ("hangs_on_k1.ipynb" if partial else "hangs.ipynb")
    nbformat.write(nb, path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sandbox", default="docker", choices=("docker", "local"))
    parser.add_argument("--partial", action="store_true", help="hang only when k == 1")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        notebook = hanging_notebook(Path(tmp), args.partial)
        started = time.perf_counter()
        subprocess.run(
            [str(TAKEHOME), "grade", str(notebook), "--task", str(TASK), "--sandbox",
             args.sandbox, "--out", tmp, "--quiet"],
            check=True, stdout=subprocess.DEVNULL,
        )
        wall = time.perf_counter() - started
        result = json.loads((Path(tmp) / f"{notebook.stem}.json").read_text())
    tests = result["tests"]
    passed = sum(t["outcome"] == "passed" for t in tests)
    print(f"{notebook.name} ({args.sandbox} sandbox): graded in {wall:.1f} s wall, "
          f"{result['percent']:.1f}%")
    print("phases: " + ", ".join(f"{k} {v:.1f} s" for k, v in result["timings"].items()))
    print(f"tests passed: {passed}/{len(tests)}")


if __name__ == "__main__":
    main()
