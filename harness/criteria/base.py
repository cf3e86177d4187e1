"""What a criterion is, and the context it judges.

A criterion is one class with a ``name`` and an ``evaluate(context)`` method
that returns a :class:`~harness.result.CriterionResult`.  Built-ins and
third-party criteria register the same way: entry point group
``takehome.criteria``.  Static criteria read only ``context.submission``;
test-based ones read ``context.tests`` and ``context.cells`` too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from harness.result import CellRun, CriterionResult, TestResult
from harness.submission import Submission

if TYPE_CHECKING:
    from harness.task import Task


@dataclass(frozen=True)
class Context:
    """Everything a criterion may look at for one submission.

    ``options`` are the criterion's own settings from the rubric (everything
    in its table except ``weight``).  ``tests`` holds every judged test, both
    suites; ``own_tests`` the results of the candidate's own test functions.
    ``mode`` is ``"grade"`` or ``"check"`` (hidden tests not run).
    ``task`` is the task being graded, for criteria that read its host-side
    files (the solution, ``known_sources/``, report headings); None in unit
    tests that judge a bare submission.
    """

    submission: Submission
    options: Mapping[str, object] = field(default_factory=dict)
    tests: tuple[TestResult, ...] = ()
    own_tests: tuple[TestResult, ...] = ()
    cells: tuple[CellRun, ...] = ()
    execution_status: str = "ok"  # "ok", "time-limit", "memory-limit", "process-limit", "dead-kernel", ...
    mode: str = "grade"
    task: Task | None = None


@runtime_checkable
class Criterion(Protocol):
    """The plugin interface: a name and one judging method."""

    name: str

    def evaluate(self, context: Context) -> CriterionResult:
        """Judge the submission; candidate failures are results, not raises."""
        ...
