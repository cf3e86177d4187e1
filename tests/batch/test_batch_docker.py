"""Batches in real Docker containers: parallel equals serial, kill and rerun, soak.

Every test runs the real CLI (``takehome grade``) as a separate process, the
way a hiring team or a CI job runs it, with a marker in its environment so
the test can find every process and container the run left behind.  The
kmeans task is copied with a short cell time limit: a hang costs that limit,
whatever it is.
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from bench.kmeans_submissions import HOSTILE_KINDS, NORMAL_KINDS, mixed, task_copy, write_batch
from bench.proctree import Watch, marked_pids, run_marked
from harness.batch.gradebook import Gradebook
from harness.sandbox.docker import GRADER_LABEL, ROLE_LABEL

pytestmark = [pytest.mark.docker, pytest.mark.slow]
TAKEHOME = str(Path(sys.executable).with_name("takehome"))


@pytest.fixture(scope="module")
def fast_task(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return task_copy(tmp_path_factory.mktemp("task"), cell_timeout=3)


def _grade(notebooks: Path, task: Path, out: Path, *extra: str) -> list[str]:
    return [TAKEHOME, "grade", str(notebooks), "--task", str(task), "--out", str(out),
            "--quiet", *extra]


def _start(command: list[str], marker: str) -> subprocess.Popen[bytes]:
    """The CLI in its own process; its one line per notebook is not needed here."""
    return run_marked(command, marker, stdout=subprocess.DEVNULL)


def _containers_of(client: Any, pids: set[int]) -> list[str]:
    host = socket.gethostname()
    owners = {f"{host}:{pid}" for pid in pids}
    return [c["Id"][:12] for c in client.api.containers(
        all=True, filters={"label": f"{ROLE_LABEL}=sandbox"})
        if (c.get("Labels") or {}).get(GRADER_LABEL) in owners]


def _scores(out: Path) -> dict[str, tuple[str, float, tuple[tuple[str, float], ...]]]:
    with Gradebook.in_folder(out) as book:
        return {s.submission: (s.result.status, s.result.percent,
                               tuple((c.result.id, c.points) for c in s.result.criteria))
                for s in book.results()}


def test_parallel_scores_equal_serial_scores(docker_client: Any, fast_task: Path,
                                             tmp_path: Path) -> None:
    notebooks = tmp_path / "in"
    write_batch(notebooks, mixed(8, hangs=2))
    for jobs in ("1", "3"):
        run = _start(_grade(notebooks, fast_task, tmp_path / f"jobs{jobs}", "--jobs", jobs),
                         uuid.uuid4().hex)
        assert run.wait(timeout=900) == 0
    serial, parallel = _scores(tmp_path / "jobs1"), _scores(tmp_path / "jobs3")
    assert len(serial) == 8 and parallel == serial
    assert {status for status, _, _ in serial.values()} >= {"graded", "time-limit"}


def test_sigkill_then_rerun_keeps_finished_results_and_grades_the_rest(
    docker_client: Any, fast_task: Path, tmp_path: Path
) -> None:
    notebooks, out = tmp_path / "in", tmp_path / "out"
    write_batch(notebooks, mixed(10, hangs=1))
    marker = uuid.uuid4().hex
    watch = Watch(marker, interval=0.1).start()
    run = _start(_grade(notebooks, fast_task, out, "--jobs", "2"), marker)
    database = out / "gradebook.sqlite"
    deadline = time.monotonic() + 600
    while _count(database) < 3:
        assert run.poll() is None, "the batch ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.2)
    os.kill(run.pid, signal.SIGKILL)
    run.wait()
    before = {s.submission: s.graded_at for s in Gradebook.in_folder(out).results()}
    assert 3 <= len(before) < 10

    rerun = _start(_grade(notebooks, fast_task, out, "--jobs", "2"), marker)
    assert rerun.wait(timeout=900) == 0
    watch.stop()
    with Gradebook.in_folder(out) as book:
        after = {s.submission: s.graded_at for s in book.results()}
        assert len(book) == 10
    with sqlite3.connect(database) as db:
        ids = [row[0] for row in db.execute("SELECT submission FROM results")]
    assert len(ids) == len(set(ids)) == 10  # each exactly once
    assert all(after[s] == stamp for s, stamp in before.items())  # finished: not regraded
    assert not marked_pids(marker)
    assert not _containers_of(docker_client, watch.pids_seen)


def _count(database: Path) -> int:
    if not database.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5) as db:
            return int(db.execute("SELECT COUNT(*) FROM results").fetchone()[0])
    except sqlite3.OperationalError:
        return 0  # created but the table is not there yet


def test_soak_200_mixed_submissions(docker_client: Any, fast_task: Path, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    notebooks, out = tmp_path / "in", tmp_path / "out"
    kinds = mixed(200, (*NORMAL_KINDS, *HOSTILE_KINDS), hangs=4)
    write_batch(notebooks, kinds)
    marker = uuid.uuid4().hex
    watch = Watch(marker, interval=0.5).start()
    started = time.monotonic()
    run = _start(_grade(notebooks, fast_task, out), marker)
    code = run.wait(timeout=2400)
    wall = time.monotonic() - started
    watch.stop()
    assert code == 0
    with Gradebook.in_folder(out) as book:
        stored = book.results()
    assert len(stored) == 200 and len({s.submission for s in stored}) == 200
    assert all(s.result.status != "input-error" for s in stored)
    assert not marked_pids(marker)
    assert not _containers_of(docker_client, watch.pids_seen)
    # Flat memory: the grader tree at the end is not bigger than early on.
    series = [kb for _, kb in watch.samples if kb]
    early = max(series[len(series) // 10: len(series) // 4])
    late = max(series[-len(series) // 4:])
    with capsys.disabled():
        print(f"\nsoak: 200 submissions in {wall:.0f} s, grader peak {watch.peak_kb / 1024:.0f} MB "
              f"(early {early / 1024:.0f} MB, late {late / 1024:.0f} MB), "
              f"CPU {watch.cpu_by_kind()}")
    assert late <= early * 1.25 + 50_000
