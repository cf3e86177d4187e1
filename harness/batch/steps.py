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

from harness.batch.gradebook import Gradebook

BatchStep = Callable[[Gradebook], None]

# Filled at merge time (similarity, issue 9); run in order.
STEPS: list[BatchStep] = []


def run_batch_steps(book: Gradebook, steps: list[BatchStep] | None = None) -> bool:
    """Run every batch step over the gradebook, in order; whether any ran.

    When one ran, results may have changed: the caller renders every report
    again rather than only the missing ones.
    """
    chosen = STEPS if steps is None else steps
    for step in chosen:
        step(book)
    return bool(chosen)
