"""What grades one submission inside a batch, in-process or in a worker process.

A :class:`Grader` is set up once per process and reused for every
submission it grades: the task, the rubric and the criteria plugins are
loaded once, pylint stays alive in one :class:`LintWorker`, and the next
sandbox is started while the current submission is judged
(:class:`PrestartingSandbox`).  Those were the fixed costs that made a
batch of N cost N times one submission.

Worker processes are spawned (not forked: the grader runs threads) and die
with the batch: they ask the kernel for SIGTERM when their parent dies (even
by SIGKILL) and turn SIGTERM into an orderly exit, so the ``finally`` blocks
of the pipeline remove their sandbox containers.  Ctrl-C is the parent's to
handle; workers ignore SIGINT.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass
from multiprocessing import util as mp_util
from pathlib import Path
from types import FrameType
from typing import Any

from harness.batch.codec import encode
from harness.batch.lint_worker import LintWorker
from harness.batch.prestart import PrestartingSandbox
from harness.result import GradeResult
from harness.sandbox.base import RunSpec, Sandbox

_PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class GraderSpec:
    """What every worker needs to grade (plain data: it crosses to spawned processes)."""

    task_root: Path
    rubric: Path
    sandbox: str  # "docker", "local" or "auto"
    keep_spare: bool = True  # start the next sandbox while judging the current one


class Grader:
    """Grades submissions one after another with shared, warm resources."""

    def __init__(self, spec: GraderSpec) -> None:
        from harness.rubric import load_rubric
        from harness.sandbox import choose_sandbox
        from harness.task import load_task

        self.task = load_task(spec.task_root)
        self.rubric = load_rubric(spec.rubric)
        self._keep_spare = spec.keep_spare
        self._prestart = PrestartingSandbox(choose_sandbox(spec.sandbox),
                                            keep_spare=spec.keep_spare)
        self.sandbox: Sandbox = self._prestart
        # The first sandbox starts now, while the notebook is read and linted.
        self._prestart.prepare(RunSpec(
            notebook={}, data_files=self.task.data_files, limits=self.task.limits,
            task_dir=self.task.root, requirements=self.task.requirements))
        self._lint = LintWorker()

    def grade(self, notebook: Path, *, more_follow: bool = True) -> GradeResult:
        """Grade one notebook against the task (mode "grade": hidden tests too).

        ``more_follow``: whether this process may grade another after it.
        When not, no spare sandbox is started during this one: at the end of
        a batch each worker's unused spare cost a container and a kernel
        start (0.5 core-seconds) for nothing.
        """
        from harness.pipeline import grade

        self._prestart.keep_spare = self._keep_spare and more_follow
        return grade(notebook, self.task, mode="grade", sandbox=self.sandbox,
                     rubric=self.rubric, linter=self._lint.lint)

    def close(self) -> None:
        """Stop the spare sandbox and the lint process."""
        self._prestart.close()
        self._lint.close()


_GRADER: Grader | None = None


def init_worker(spec: GraderSpec) -> None:
    """Initializer of a worker process: die with the parent, build the Grader."""
    global _GRADER  # pylint: disable=global-statement  # one Grader per worker process
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    _die_with_parent()
    _GRADER = Grader(spec)
    # multiprocessing runs its finalizers (not atexit) when a worker exits.
    mp_util.Finalize(None, _GRADER.close, exitpriority=10)


def grade_in_worker(notebook: str, more_follow: bool = True) -> dict[str, Any]:
    """Grade one notebook in this worker; the result crosses back as JSON data.

    ``more_follow``: whether submissions are still queued, so that this
    worker may get another (see :meth:`Grader.grade`).
    """
    if _GRADER is None:
        raise RuntimeError("grade_in_worker called outside a batch worker process")
    try:
        return encode(_GRADER.grade(Path(notebook), more_follow=more_follow))
    except SystemExit:
        # SIGTERM mid-grade (the batch is gone): the pipeline's finally blocks
        # removed this submission's container on the way here.  The executor
        # would catch SystemExit as a task error and wait for more work
        # forever, so stop the spare sandbox and the lint process and leave.
        _GRADER.close()
        os._exit(143)  # pylint: disable=protected-access  # the only way past the executor


def _exit_on_sigterm(_signum: int, _frame: FrameType | None) -> None:
    global _LEAVING  # pylint: disable=global-statement  # one exit per worker process
    if not _LEAVING:
        _LEAVING = True
        threading.Thread(target=_leave_after_grace, name="sigterm-grace", daemon=True).start()
    raise SystemExit(143)  # unwinds the pipeline's finally: the container is removed


_LEAVING = False
# How long the orderly exit may take before the worker removes its containers
# itself and leaves.  Unwinding takes about a second; it can also never come:
# a SystemExit raised while a judged test waits for the sandbox is caught by
# pytest, which records that test as failed and runs the rest of the suite,
# after which the worker would wait for work from a parent that is gone.
SIGTERM_GRACE = 5.0


def _leave_after_grace() -> None:
    time.sleep(SIGTERM_GRACE)
    try:
        from harness.sandbox.docker import remove_own_containers

        remove_own_containers()
    except Exception:  # noqa: BLE001 - leaving anyway; the next run sweeps what is left
        pass
    os._exit(143)  # pylint: disable=protected-access  # the executor would wait forever


def _die_with_parent() -> None:
    """Linux: SIGTERM this process when the batch process dies, however it dies."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        return  # best effort: the next run removes leftover containers anyway
    parent = multiprocessing.parent_process()
    if parent is not None and os.getppid() != parent.pid:
        raise SystemExit(143)  # the parent died before the request took effect
