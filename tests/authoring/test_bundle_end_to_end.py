"""A released bundle, used as a candidate would: fresh venv, README commands, check.

Releases tasks/kmeans, copies the bundle out of the repository, runs the
README's install and check commands exactly as written (bash, a fresh
virtual environment, dependencies from the package index through pip's
cache), then checks a filled-in notebook, with Docker and without.  The
output and the reports must hold no hidden test name and no solution line.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
import pytest

from harness.authoring.release import release_task
from tests.authoring.conftest import TASKS

pytestmark = [pytest.mark.slow, pytest.mark.docker]

MY_KMEANS = '''\
def kmeans(X, k, seed=0, max_iter=100):
    """Lloyd's algorithm from k distinct random points."""
    data = np.asarray(X, dtype=float)
    if not 1 <= k <= len(data):
        raise ValueError("k must be between 1 and the number of points")
    generator = np.random.default_rng(seed)
    centres = data[generator.choice(len(data), size=k, replace=False)].copy()
    assignment = np.zeros(len(data), dtype=int)
    for _ in range(max_iter):
        gaps = ((data[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
        assignment = gaps.argmin(axis=1)
        moved = np.array([data[assignment == j].mean(axis=0) if np.any(assignment == j)
                          else centres[j] for j in range(k)])
        if np.allclose(moved, centres):
            break
        centres = moved
    return centres, assignment


def inertia(X, centroids, labels):
    """Sum of squared distances from each point to its centroid."""
    data, centres = np.asarray(X, dtype=float), np.asarray(centroids, dtype=float)
    return float(((data - centres[np.asarray(labels)]) ** 2).sum())
'''

MY_TESTS = '''\
def test_two_points_two_clusters():
    """Two far points each get their own centroid."""
    found, _ = kmeans(np.array([[0.0, 0.0], [9.0, 9.0]]), 2)
    assert sorted(found[:, 0].tolist()) == [0.0, 9.0]
'''


def _readme_commands(bundle: Path) -> list[str]:
    readme = (bundle / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Check your notebook"):]
    block = re.search(r"```bash\n(.*?)```", section, re.S)
    assert block is not None, "the README gives no commands"
    return [line for line in block.group(1).splitlines() if line.strip()]


def _candidate_env(**extra: str) -> dict[str, str]:
    """The candidate's shell: no harness venv on PATH, no PYTHONPATH into the repo."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep)
                                  if "/.venv/" not in p + "/")
    env.update(extra)
    return env


def _run(command: str, cwd: Path, **env: str) -> str:
    done = subprocess.run(["bash", "-c", command], cwd=cwd, env=_candidate_env(**env),
                          capture_output=True, text=True, timeout=900)
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"{command!r} failed ({done.returncode}):\n{output[-4000:]}"
    return output


def _secrets(filled: Path) -> tuple[set[str], set[str]]:
    """Hidden test names, and solution-only lines this candidate did not write too."""
    names = set()
    for path in (TASKS / "kmeans" / "tests" / "hidden").glob("*.py"):
        names |= {node.name for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                  if isinstance(node, ast.FunctionDef) and node.name.startswith("test")}

    def code(path: Path) -> set[str]:
        nb = nbformat.read(path, as_version=4)
        return {line.strip() for cell in nb.cells if cell.cell_type == "code"
                for line in cell.source.splitlines()}

    lines = code(TASKS / "kmeans" / "solution.ipynb") - code(TASKS / "kmeans" / "template.ipynb")
    return names, {line for line in lines - code(filled) if len(line) >= 20}


def _fill(bundle: Path) -> Path:
    nb = nbformat.read(bundle / "template.ipynb", as_version=4)
    stub = next(c for c in nb.cells if 'raise NotImplementedError("implement kmeans")' in c.source)
    stub.source = MY_KMEANS
    empty = next(c for c in nb.cells if c.cell_type == "code" and not c.source.strip())
    empty.source = MY_TESTS
    path = bundle / "mine.ipynb"
    nbformat.write(nb, path)
    return path


def test_a_released_bundle_checks_itself_from_a_fresh_venv(
        task_copy: Callable[[str], Path], tmp_path: Path, docker_client: Any) -> None:
    dist = tmp_path / "dist"
    release_task(task_copy("kmeans"), dist)
    bundle = tmp_path / "candidate" / "kmeans"  # outside the repository, like a download
    shutil.copytree(dist / "kmeans", bundle)
    commands = _readme_commands(bundle)
    assert commands[-1].endswith("takehome check template.ipynb --task .")
    outputs = [_run(command, bundle) for command in commands]
    template_out = outputs[-1]
    assert "template.ipynb: 0.0% [graded] (docker sandbox)" in template_out
    assert "public_tests" in template_out and "report: reports/template.html" in template_out

    filled = _fill(bundle)
    check = commands[-1].replace("template.ipynb", filled.name)
    filled_out = _run(check, bundle)
    assert "(docker sandbox)" in filled_out and "public_tests    10/10  pass" in filled_out
    no_docker = _run(check, bundle, DOCKER_HOST=f"unix://{tmp_path}/no-engine.sock")
    assert "no Docker engine answered" in no_docker and "(local sandbox)" in no_docker
    assert "public_tests    10/10  pass" in no_docker

    names, lines = _secrets(filled)
    assert names and lines  # the scan below looks for something real
    visible = "\n".join([*outputs, filled_out, no_docker,
                         *(p.read_text(encoding="utf-8", errors="replace")
                           for p in (bundle / "reports").iterdir())])
    assert [name for name in names if name in visible] == []
    assert [line for line in lines if line in visible] == []
