"""Grade a batch: plan, skip what is current, grade the rest in parallel, store.

The scheduler owns the gradebook (one writer, the main thread) and reports
events through a callback; it never prints (the CLI owns the terminal).
Each finished submission is stored in its own transaction and its reports
are rendered from the stored row at once, so a batch killed at any moment
keeps everything that finished and the next run grades only the rest.

Parallelism is process-based: the judge runs pytest in-process, which is
not thread-safe, so ``jobs`` worker processes each grade one submission at
a time in their own sandbox container.  ``jobs=1`` grades in this process
(no worker start-up for a single notebook).
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.batch.blind import Blinder, names_in
from harness.batch.exports import write_exports, write_stored_reports
from harness.batch.codec import decode
from harness.batch.gradebook import Gradebook, Stored, content_key
from harness.batch.items import Item, expand, plan
from harness.batch.shard import Shard
from harness.batch.steps import run_batch_steps
from harness.batch.worker import Grader, GraderSpec, grade_in_worker, init_worker
from harness.errors import HarnessError, InfrastructureError
from harness.result import GradeResult

# What one sandbox may use (the task's limits) plus the grader's own share
# per worker (judge, criteria, lint process), measured at ~250 MB; rounded up.
GRADER_MB_PER_JOB = 400


@dataclass(frozen=True)
class BatchOptions:  # pylint: disable=too-many-instance-attributes  # one per CLI option
    """How to grade a batch; every field is a ``takehome grade`` option."""

    task: Path  # task folder
    out: Path  # output folder: gradebook.sqlite, reports, CSV, index
    rubric: Path | None = None  # default: the task's rubric
    sandbox: str = "docker"
    formats: tuple[str, ...] = ("json", "html")
    jobs: int | None = None  # None: default_jobs()
    force: bool = False  # regrade even when the stored result is current
    shard: Shard | None = None
    reveal: Path | None = None  # blind mode when set: where the pseudonyms are revealed


@dataclass(frozen=True)
class Event:
    """Something the CLI may show: a submission skipped, graded or failed."""

    kind: str  # "planned", "skipped", "graded", "failed"
    done: int
    total: int
    failed: int
    item: Item | None = None
    submission: str = ""  # as the gradebook shows it (the pseudonym in blind mode)
    result: GradeResult | None = None
    error: str = ""


@dataclass
class BatchSummary:
    """What a batch run did."""

    total: int = 0  # submissions in this run (after sharding)
    graded: int = 0
    skipped: int = 0  # stored result still current
    failed: list[tuple[str, str]] = field(default_factory=list)  # (id, harness error)
    jobs: int = 1
    results: list[Stored] = field(default_factory=list)  # this run's rows, best first
    exports: list[Path] = field(default_factory=list)  # CSV and index
    wall: float = 0.0


OnEvent = Callable[[Event], None]


def default_jobs(memory_mb: int, cpus: int | None = None, available_mb: int | None = None) -> int:
    """Concurrent submissions the machine allows: cores, and memory for each sandbox.

    One job per core: a submission's CPU work (kernel, judge, lint) keeps a
    core busy, and its waits (container start, kernel start) are already
    overlapped by prestarting the next sandbox.  Memory bounds it too: each
    job may hold its sandbox's memory limit plus the grader's own share.
    """
    cores = cpus if cpus is not None else len(os.sched_getaffinity(0))
    free = available_mb if available_mb is not None else _available_mb()
    by_memory = free // (memory_mb + GRADER_MB_PER_JOB) if free else cores
    return max(1, min(cores, by_memory))


def _available_mb() -> int:
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


@dataclass(frozen=True)
class _Planned:
    item: Item
    submission: str  # gradebook id: the path, or the pseudonym in blind mode
    stem: str
    key: str


def grade_batch(
    notebooks: Sequence[Path], options: BatchOptions, on_event: OnEvent | None = None
) -> BatchSummary:
    """Grade every notebook (files or folders) into ``options.out``."""
    from harness.pipeline import harness_version
    from harness.rubric import load_rubric
    from harness.task import load_task

    started = time.perf_counter()
    emit = on_event or (lambda event: None)
    task = load_task(options.task)
    rubric = options.rubric or task.rubric
    load_rubric(rubric)  # a bad rubric is an input error before anything runs
    items = plan(expand(notebooks))
    if options.shard is not None:
        items = options.shard.select(items)
    blinder = Blinder(options.reveal) if options.reveal is not None else None
    summary = BatchSummary(total=len(items))
    key_options = {"mode": "grade", "sandbox": options.sandbox, "blind": str(blinder is not None)}
    version = harness_version()
    with Gradebook.in_folder(options.out) as book:
        book.set_meta("task", task.name)
        book.set_meta("task_title", task.title)
        pending: list[_Planned] = []
        for item in items:
            data = _read(item.path)
            key = content_key(data, task_root=task.root, rubric=rubric, harness_version=version,
                              options=key_options)
            submission, stem = item.id, item.stem
            if blinder is not None:
                submission = stem = blinder.register(item, names_in(item, data, items))
            planned = _Planned(item, submission, stem, key)
            if not options.force and book.is_current(submission, key):
                summary.skipped += 1
            else:
                pending.append(planned)
        if blinder is not None:
            blinder.save()  # before grading: a killed run keeps its pseudonyms
        emit(Event("planned", summary.skipped, summary.total, 0))
        if pending and options.sandbox in ("docker", "auto"):
            _remove_leftover_containers()
        summary.jobs = max(1, min(options.jobs or default_jobs(task.limits.memory_mb),
                                  len(pending) or 1))
        spec = GraderSpec(task.root, rubric, options.sandbox, prestart=len(pending) > summary.jobs)

        def store(planned: _Planned, result: GradeResult) -> None:
            if blinder is not None:
                result = blinder.apply(planned.item, result)
            book.put(Stored(planned.submission, planned.key, planned.stem, result,
                            shard=str(options.shard or "")))
            summary.graded += 1
            stored = book.get(planned.submission)
            assert stored is not None
            write_stored_reports(stored, options.out, options.formats)
            emit(Event("graded", summary.graded + summary.skipped + len(summary.failed),
                       summary.total, len(summary.failed), planned.item, planned.submission,
                       stored.result))

        def fail(planned: _Planned, error: HarnessError) -> None:
            summary.failed.append((planned.submission, str(error)))
            emit(Event("failed", summary.graded + summary.skipped + len(summary.failed),
                       summary.total, len(summary.failed), planned.item, planned.submission,
                       error=str(error)))

        if summary.jobs == 1:
            _grade_here(pending, spec, store, fail)
        else:
            _grade_in_pool(pending, spec, summary.jobs, store, fail)
        changed = run_batch_steps(book)
        summary.exports = write_exports(book, options.out, options.formats, rerender=changed)
        ids = _ids(items, blinder)
        summary.results = [s for s in book.results() if s.submission in ids]
    summary.wall = time.perf_counter() - started
    return summary


def _ids(items: Sequence[Item], blinder: Blinder | None) -> set[str]:
    return {blinder.pseudonym(i) if blinder is not None else i.id for i in items}


def _read(path: Path) -> bytes:
    """The notebook's bytes for its content key (a missing file keys as empty)."""
    try:
        return path.read_bytes()
    except OSError:
        return b""  # the pipeline reports the unreadable file as an input error


def _grade_here(pending: Sequence[_Planned], spec: GraderSpec,
                store: Callable[[_Planned, GradeResult], None],
                fail: Callable[[_Planned, HarnessError], None]) -> None:
    if not pending:
        return
    grader = Grader(spec)
    try:
        for planned in pending:
            try:
                result = grader.grade(planned.item.path)
            except InfrastructureError:
                raise
            except HarnessError as exc:
                fail(planned, exc)
                continue
            store(planned, result)
    finally:
        grader.close()


def _grade_in_pool(pending: Sequence[_Planned], spec: GraderSpec, jobs: int,
                   store: Callable[[_Planned, GradeResult], None],
                   fail: Callable[[_Planned, HarnessError], None]) -> None:
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"),
                               initializer=init_worker, initargs=(spec,))
    running: dict[Future[dict[str, Any]], _Planned] = {}
    queue = list(reversed(pending))
    try:
        # Keep at most one submission per worker queued: a kill loses only those.
        while queue or running:
            while queue and len(running) < jobs:
                planned = queue.pop()
                running[pool.submit(grade_in_worker, str(planned.item.path))] = planned
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                planned = running.pop(future)
                try:
                    data = future.result()
                except InfrastructureError:
                    raise
                except HarnessError as exc:
                    fail(planned, exc)
                    continue
                store(planned, decode(data))
    except BaseException:
        # Ctrl-C, SIGTERM or an engine failure: stop the workers now; each
        # one removes its own container on the way out (see worker.py).
        for child in multiprocessing.active_children():
            child.terminate()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def _remove_leftover_containers() -> None:
    """Remove sandbox containers that a killed earlier run left behind."""
    from harness.sandbox.docker import remove_leftovers
    from harness.sandbox.image import docker_client

    try:
        client = docker_client()
    except InfrastructureError:
        return  # no engine: the Docker sandbox says so when it starts
    remove_leftovers(client)

