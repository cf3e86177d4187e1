"""Batch-level steps: run once after every submission is graded, before exports.

Some judgements need the whole batch, e.g. copy detection compares every
submission with every other (DESIGN.md: similarity) and adjusts the
provenance criterion.  Such a step reads the gradebook (results and
per-submission ``artifacts``), writes its findings back with
:meth:`Gradebook.update_result` / :meth:`Gradebook.set_artifact`, and the
exports that follow render what it wrote.  A step must be idempotent: a
resumed or merged batch runs it again over all rows.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from harness.batch.gradebook import Gradebook

BatchStep = Callable[[Gradebook], None]

def batch_steps(book: Gradebook) -> list[BatchStep]:
    """The steps for this gradebook's task and rubric (recorded in its meta).

    A merged gradebook whose task folder or rubric is not reachable from
    here gets no step: its rows keep what their shards computed.
    """
    from harness.batch.peers import peer_step
    from harness.errors import HarnessError
    from harness.rubric import load_rubric
    from harness.task import load_task

    root, rubric = book.meta("task_root"), book.meta("rubric")
    if not root or not rubric:
        return []
    try:
        task = load_task(Path(root))
        return [peer_step(task.template, load_rubric(Path(rubric)))]
    except HarnessError:
        return []


def run_batch_steps(book: Gradebook) -> bool:
    """Run every batch step of this gradebook, in order; whether any ran.

    When one ran, results may have changed: the caller renders every report
    again rather than only the missing ones.
    """
    steps = batch_steps(book)
    for step in steps:
        step(book)
    return bool(steps)
