"""Generated kmeans submissions for the batch benchmark and the batch tests.

Every submission is the task's solution with one change, so each kind has a
known effect on the grade: ``correct`` (full marks), ``buggy`` (wrong
labels: hidden and public tests fail), ``crashing`` (the cell defining ``kmeans``
raises first, so it is never defined), ``infinite`` (a loop that never ends
in an ungraded cell: costs the cell time limit), and for the soak test the
hostile kinds ``memory`` (allocates past the memory cap), ``forks`` (spawns
processes past the pids cap), ``flood`` (megabytes of output) and ``exit``
(kills its own kernel).  A variant number makes every notebook unique, so
none is a cache hit for another.
"""

from __future__ import annotations

import copy
import json
import shutil
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KMEANS = ROOT / "tasks" / "kmeans"
NORMAL_KINDS = ("correct", "buggy", "crashing", "infinite")
HOSTILE_KINDS = ("memory", "forks", "flood", "exit")

_EXTRA_CELL = {
    "infinite": "while True:\n    pass\n",
    "memory": "hog = bytearray(4 * 1024 ** 3)\n",
    "forks": ("import subprocess\nchildren = [subprocess.Popen(['sleep', '60']) "
              "for _ in range(500)]\n"),
    "flood": "for _ in range(200):\n    print('x' * 100_000)\n",
    "exit": "import os\nos._exit(1)\n",
}


def submission(kind: str, variant: int) -> dict[str, object]:
    """The notebook JSON of one generated submission."""
    nb = copy.deepcopy(json.loads((KMEANS / "solution.ipynb").read_text(encoding="utf-8")))
    cells = nb["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    first = code[0]
    first["source"] = "".join(first["source"]) + f"\nVARIANT = {variant}\n"
    if kind == "buggy":
        for cell in code:
            cell["source"] = "".join(cell["source"]).replace("np.argmin(", "np.argmax(")
    elif kind == "crashing":
        # Raised before kmeans is defined: every test that calls it fails.
        defining = next(c for c in code if "def kmeans" in "".join(c["source"]))
        defining["source"] = ("raise RuntimeError('the data folder is missing')\n"
                              + "".join(defining["source"]))
    elif kind in _EXTRA_CELL:
        cells.append({"cell_type": "code", "metadata": {}, "execution_count": None,
                      "outputs": [], "source": _EXTRA_CELL[kind]})
    elif kind != "correct":
        raise ValueError(f"unknown submission kind {kind!r}")
    return nb


def write_batch(folder: Path, kinds: Sequence[str]) -> list[Path]:
    """Write one notebook per entry of ``kinds`` (``NNN-kind/solution.ipynb``)."""
    paths = []
    for number, kind in enumerate(kinds):
        path = folder / f"{number:03d}-{kind}" / "solution.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(submission(kind, number), indent=1), encoding="utf-8")
        paths.append(path)
    return paths


def mixed(count: int, kinds: Sequence[str] = NORMAL_KINDS, *, hangs: int = 1) -> list[str]:
    """``count`` kinds cycling through ``kinds``, with exactly ``hangs`` infinite loops."""
    others = [k for k in kinds if k != "infinite"]
    chosen = [others[i % len(others)] for i in range(count - hangs)]
    for n in range(hangs):
        chosen.insert((n * 7 + 3) % (len(chosen) + 1), "infinite")
    return chosen


def task_copy(folder: Path, cell_timeout: float) -> Path:
    """The kmeans task with another cell time limit (a hang then costs less)."""
    target = folder / "kmeans"
    shutil.copytree(KMEANS, target, ignore=shutil.ignore_patterns("__pycache__"))
    toml = target / "task.toml"
    text = toml.read_text(encoding="utf-8")
    lines = [f"cell_timeout = {cell_timeout:g}" if line.startswith("cell_timeout") else line
             for line in text.splitlines()]
    toml.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target  # its rubric "default" is still found at the repository's rubrics/
