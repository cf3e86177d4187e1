"""Fixtures for the hostile-submission suite: fast limits, baselines, host guards.

The baselines (the plain solution and the plain template graded once per
session) are the ceiling every attack is compared with: an attack may lose
points, never gain them.
"""

from __future__ import annotations

import dataclasses
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.result import GradeResult
from harness.sandbox.docker import GRADER_LABEL, ROLE_LABEL, DockerSandbox
from harness.task import Task, load_task
from tests.adversarial.hostile import KMEANS, MARKER, PLANTED

# Short limits keep the suite fast; attacks that hit them still show the
# behaviour under test (a time limit is a time limit at 5 s or at 30 s).
FAST = {"cell_timeout": 5.0, "execution_timeout": 30.0, "call_timeout": 5.0}


@pytest.fixture(scope="session")
def fast_task() -> Task:
    task = load_task(KMEANS)
    return dataclasses.replace(task, limits=dataclasses.replace(task.limits, **FAST))


@pytest.fixture(scope="session")
def sandbox(docker_client: Any) -> DockerSandbox:
    return DockerSandbox(docker_client)


@pytest.fixture(scope="session")
def baselines(fast_task: Task, sandbox: DockerSandbox) -> dict[str, GradeResult]:
    """The solution and the template without any attack, graded once."""
    from harness import grade

    return {name: grade(KMEANS / f"{name}.ipynb", fast_task, mode="grade", sandbox=sandbox)
            for name in ("solution", "template")}


def our_containers(client: Any) -> list[str]:
    """Ids of sandbox containers this test process started.

    Other graders may share the engine and remove their containers while we
    look, so this uses the low-level listing (labels included, no second
    fetch per container that could find one gone).
    """
    owner = f"{socket.gethostname()}:{os.getpid()}"
    listed = client.api.containers(
        all=True, filters={"label": [f"{ROLE_LABEL}=sandbox", f"{GRADER_LABEL}={owner}"]}
    )
    return [str(entry["Id"])[:12] for entry in listed]


def marked_processes() -> list[str]:
    """Host processes whose command line carries the attack marker."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if MARKER.encode() in cmdline:
            found.append(f"{entry.name}: {cmdline[:200]!r}")
    return found


def planted_files() -> list[str]:
    """Host files an attack planted (they carry the marker)."""
    hits = []
    for path in PLANTED:
        try:
            if MARKER in path.read_text(errors="replace"):
                hits.append(str(path))
        except OSError:
            continue
    hits += [str(p) for p in Path("/tmp").glob(f"{MARKER}*")]
    return hits


@pytest.fixture
def host_guard(docker_client: Any) -> Iterator[None]:
    """After the test: no planted files, no marked processes, no containers left."""
    before = set(planted_files())
    yield
    assert set(planted_files()) - before == set()
    assert marked_processes() == []
    assert our_containers(docker_client) == []
