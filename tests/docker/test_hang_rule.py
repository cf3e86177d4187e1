"""The hang rule in a real container: a kmeans that never returns costs two limits.

Graded with the kmeans task (public and hidden tests) at a short per-call
limit so the test stays quick; bench/hang_bench.py measures the task's own
limits.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

import harness
from harness.result import Outcome
from harness.sandbox import image
from harness.sandbox.docker import DockerSandbox
from tests.conftest import KMEANS, NotebookFactory

pytestmark = [pytest.mark.docker, pytest.mark.slow]

CALL_LIMIT = 2

HANGING = '''\
import numpy as np


def kmeans(X, k, seed=0, max_iter=100):
    """Never returns."""
    while True:
        pass


def inertia(X, centroids, labels):
    """Sum of squared distances to the assigned centroids."""
    X, centroids = np.asarray(X, dtype=float), np.asarray(centroids, dtype=float)
    return float(((X - centroids[np.asarray(labels)]) ** 2).sum())


def test_kmeans_runs():
    """The candidate's own test calls the hanging function too."""
    kmeans(np.zeros((4, 2)), 2)
'''


def short_limit_task(tmp_path: Path) -> Path:
    """tasks/kmeans with a per-call limit of CALL_LIMIT seconds."""
    task = tmp_path / "kmeans"
    shutil.copytree(KMEANS, task, ignore=shutil.ignore_patterns("__pycache__"))
    toml = task / "task.toml"
    text = toml.read_text(encoding="utf-8")
    assert "call_timeout = 10 " in text
    toml.write_text(text.replace("call_timeout = 10 ", f"call_timeout = {CALL_LIMIT} "),
                    encoding="utf-8")
    return task


def test_a_hanging_kmeans_costs_two_call_limits(docker_client: Any, tmp_path: Path,
                                                make_notebook: NotebookFactory) -> None:
    image.build_image(client=docker_client, progress=lambda _line: None)
    notebook = make_notebook(HANGING)
    result = harness.grade(notebook, short_limit_task(tmp_path),
                           sandbox=DockerSandbox(docker_client))
    messages = [t.message for t in result.tests]
    ran = [m for m in messages if "did not return in time" in m]
    refused = [m for m in messages if "kmeans() was not called: it hung before" in m]
    assert len(ran) == 2, messages  # the first hang, then the shared budget
    assert len(refused) >= 10, messages
    inertia = next(t for t in result.tests if t.id.endswith("test_inertia_small_case"))
    assert inertia.outcome == Outcome.PASSED  # the function that answers keeps its test
    # Without the rule every call waited its own limit: about 17 limits here; now two
    # limits and one probe of the notebook's own test.
    assert result.timings["judge"] < 2 * CALL_LIMIT + 6, result.timings
