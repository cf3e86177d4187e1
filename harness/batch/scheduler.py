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

from harness.batch.blind import Blinder, names_in, shared_parts
from harness.batch.exports import write_exports, write_stored_reports
from harness.batch.codec import decode
from harness.batch.gradebook import Gradebook, Stored, content_key, grading_context
from harness.batch.items import Item, expand, plan
from harness.batch.shard import Shard
from harness.batch.artifacts import submission_artifacts
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
class Event:  # pylint: disable=too-many-instance-attributes  # what a progress line shows
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
class BatchSummary:  # pylint: disable=too-many-instance-attributes  # one per figure reported
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
    started = time.perf_counter()
    with Gradebook.in_folder(options.out) as book:
        run = _Run(options, book, on_event or (lambda event: None))
        pending = run.plan(notebooks)
        if options.sandbox in ("docker", "auto"):
            _remove_leftover_containers()  # even when nothing is left to grade
        run.summary.jobs = max(1, min(options.jobs or default_jobs(run.task.limits.memory_mb),
                                      len(pending) or 1))
        spec = GraderSpec(run.task.root, run.rubric, options.sandbox,
                          keep_spare=len(pending) > run.summary.jobs)
        if run.summary.jobs == 1:
            _grade_here(pending, spec, run.store, run.fail)
        else:
            _grade_in_pool(pending, spec, run.summary.jobs, run.store, run.fail)
        if pending and options.sandbox in ("docker", "auto"):
            # Again at the end: a killed run's workers may still have been
            # removing their containers when this run began, and one that
            # died in the middle of that left its container to whoever
            # sweeps after it is gone.
            _remove_leftover_containers()
        run.finish()
    run.summary.wall = time.perf_counter() - started
    return run.summary


class _Run:  # pylint: disable=too-many-instance-attributes  # the run's shared state
    """One batch run: its plan, its gradebook writes and its events."""

    def __init__(self, options: BatchOptions, book: Gradebook, emit: OnEvent) -> None:
        from harness.rubric import load_rubric
        from harness.task import load_task

        self.options, self.book, self.emit = options, book, emit
        self.task = load_task(options.task)
        self.rubric = options.rubric or self.task.rubric
        load_rubric(self.rubric)  # a bad rubric is an input error before anything runs
        self.blinder = Blinder(options.reveal) if options.reveal is not None else None
        self.summary = BatchSummary()
        self.ids: set[str] = set()

    def plan(self, notebooks: Sequence[Path]) -> list[_Planned]:
        """Every notebook of this run; those without a current result are returned."""
        from harness.pipeline import harness_version

        items = plan(expand(notebooks))
        if self.options.shard is not None:
            items = self.options.shard.select(items)
        self.summary.total = len(items)
        self.book.set_meta("task", self.task.name)
        self.book.set_meta("task_title", self.task.title)
        # What batch steps need again when shards are merged elsewhere.
        self.book.set_meta("task_root", str(self.task.root))
        self.book.set_meta("rubric", str(self.rubric))
        context = grading_context(
            task_root=self.task.root, rubric=self.rubric, harness_version=harness_version(),
            options={"mode": "grade", "sandbox": self.options.sandbox,
                     "blind": str(self.blinder is not None)})
        pending = []
        shared = shared_parts(items)
        for item in items:
            data = _read(item.path)
            submission, stem = item.id, item.stem
            if self.blinder is not None:
                submission = stem = self.blinder.register(item, names_in(item, data, shared))
            self.ids.add(submission)
            planned = _Planned(item, submission, stem, content_key(data, context))
            if not self.options.force and self.book.is_current(submission, planned.key):
                self.summary.skipped += 1
            else:
                pending.append(planned)
        if self.blinder is not None:
            self.blinder.save()  # before grading: a killed run keeps its pseudonyms
            self.book.set_meta("blind", "1")  # the review app stays blind until a reveal
        self.emit(Event("planned", self.summary.skipped, self.summary.total, 0))
        return pending

    def store(self, planned: _Planned, result: GradeResult) -> None:
        """Store one result in its own transaction, then render its reports from the row."""
        if self.blinder is not None:
            result = self.blinder.apply(planned.item, result)
        self.book.put(Stored(planned.submission, planned.key, planned.stem, result,
                             submission_artifacts(planned.item.path, self.task.template,
                                                  self._redaction(planned)),
                             shard=str(self.options.shard or "")))
        self.summary.graded += 1
        stored = self.book.get(planned.submission)
        assert stored is not None
        write_stored_reports(stored, self.options.out, self.options.formats)
        self._event("graded", planned, result=stored.result)

    def _redaction(self, planned: _Planned) -> Callable[[str], str] | None:
        """In a blind batch, what hides this candidate's names in stored text."""
        if self.blinder is None:
            return None
        return self.blinder.redaction(planned.item)

    def fail(self, planned: _Planned, error: HarnessError) -> None:
        """A harness error for one submission: reported, not stored (a rerun retries it)."""
        self.summary.failed.append((planned.submission, str(error)))
        self._event("failed", planned, error=str(error))

    def finish(self) -> None:
        """Batch steps, then every export from the gradebook."""
        changed = run_batch_steps(self.book)
        self.summary.exports = write_exports(self.book, self.options.out, self.options.formats,
                                             rerender=changed)
        self.summary.results = [s for s in self.book.results() if s.submission in self.ids]

    def _event(self, kind: str, planned: _Planned, *, result: GradeResult | None = None,
               error: str = "") -> None:
        summary = self.summary
        done = summary.graded + summary.skipped + len(summary.failed)
        self.emit(Event(kind, done, summary.total, len(summary.failed), planned.item,
                        planned.submission, result, error))


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
        for number, planned in enumerate(pending, 1):
            try:
                result = grader.grade(planned.item.path, more_follow=number < len(pending))
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
                # A spare sandbox is worth starting only while work is queued.
                running[pool.submit(grade_in_worker, str(planned.item.path),
                                    bool(queue))] = planned
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
