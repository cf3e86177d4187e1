"""The one result object every renderer reads.

The pipeline fills a :class:`GradeResult`; JSON, HTML (and later Markdown,
JUnit) are views of it.  Everything here is plain, frozen data so a renderer
cannot change what another one shows, and so two runs on the same input
compare equal apart from timings.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

SCHEMA_VERSION = "1.0"


class Status(str, enum.Enum):
    """How a criterion (or the whole submission) ended up."""

    PASS = "pass"  # full marks
    PARTIAL = "partial"  # some points
    FAIL = "fail"  # no points, judged normally
    SKIPPED = "skipped"  # not applicable in this mode (e.g. hidden tests in check)
    ERROR = "error"  # could not be judged because of the submission (input error)


class Outcome(str, enum.Enum):
    """Outcome of one test in the judge."""

    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"  # error in setup, or the test could not run
    MISSING = "missing"  # expected but no result came back: counts as failed
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Evidence:
    """One observation a reviewer can check: a message, optionally at a place.

    ``cell`` is the 0-based index of the notebook cell, ``line`` the 1-based
    line inside that cell's source.  ``kind`` groups evidence for display
    (e.g. a pylint symbol, ``"missing-section"``).
    """

    message: str
    cell: int | None = None
    line: int | None = None
    kind: str = ""
    severity: str = "info"  # "info", "warning" or "error"


@dataclass(frozen=True)
class CriterionResult:
    """What one criterion concluded: a fraction of its weight, and why.

    ``score`` is in [0, 1]; the rubric's weight turns it into points.
    ``summary`` is one sentence for the report header; ``advice`` is what the
    candidate could do to earn more.
    """

    id: str
    score: float
    status: Status
    summary: str
    evidence: tuple[Evidence, ...] = ()
    advice: str = ""
    details: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class ScoredCriterion:
    """A criterion result after the rubric assigned points."""

    result: CriterionResult
    weight: float
    points: float
    max_points: float


@dataclass(frozen=True)
class TestResult:
    """One public or hidden test as the judge saw it."""

    id: str  # pytest node id relative to the suite folder, e.g. "test_shapes.py::test_labels"
    suite: str  # "public" or "hidden"
    outcome: Outcome
    message: str = ""  # short failure message (already capped)
    duration: float = 0.0


@dataclass(frozen=True)
class CellRun:
    """How one code cell ran in the sandbox."""

    index: int  # notebook cell index
    status: str  # "ok", "error", "timeout", "dead", "not-run"
    duration: float = 0.0
    error_name: str = ""
    error_value: str = ""
    traceback: str = ""
    output: str = ""  # captured stdout/stderr, capped and sanitised


@dataclass(frozen=True)
class SourceLine:
    """One line of candidate code as shown in the report, with its place."""

    cell: int
    line: int
    text: str
    candidate_written: bool  # False when the line is unchanged from the template


@dataclass(frozen=True)
class CandidateScore:
    """The score as the candidate may see it: hidden tests skipped.

    Scored by the rubric as a self-check would be, so nothing derived from
    hidden tests (their pass rate, the quality gate they feed) leaks into a
    candidate-visible view of a full grade.
    """

    criteria: tuple[ScoredCriterion, ...]
    points: float
    max_points: float
    percent: float
    message: str


@dataclass(frozen=True)
class GradeResult:
    """Everything known about one graded submission."""

    notebook: str  # path as given by the user
    task: str  # task name
    mode: str  # "grade" (hidden + public) or "check" (public only)
    sandbox: str  # "local" or "docker"
    status: str  # "graded", "input-error", "time-limit", "memory-limit", "process-limit", "dead-kernel", ...
    message: str  # one line a person reads first
    percent: float
    points: float
    max_points: float
    criteria: tuple[ScoredCriterion, ...]
    tests: tuple[TestResult, ...]
    cells: tuple[CellRun, ...] = ()
    source: tuple[SourceLine, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)
    harness_version: str = ""
    schema_version: str = SCHEMA_VERSION
    candidate_score: CandidateScore | None = None  # set when hidden tests ran
