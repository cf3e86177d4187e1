"""GradeResult samples for the renderer tests.

Each fixture builds a fresh result shaped like one the pipeline produces:
a full grade with hidden tests, a self-check, a run that hit the time limit,
an input error with nothing judged, and one full of hostile text.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from harness.result import (
    CellRun,
    CriterionResult,
    Evidence,
    GradeResult,
    Outcome,
    ScoredCriterion,
    SourceLine,
    Status,
    TestResult,
)

HIDDEN_TEST_IDS = (
    "test_secret.py::test_kmeans_converges_on_blobs",
    "test_secret.py::test_labels_match_reference",
)
HOSTILE = "<script>alert(1)</script>"
ANSI_RED = "\x1b[31m"


def pytest_configure(config: pytest.Config) -> None:
    # Registered here until pyproject.toml declares it (see the report to the lead).
    config.addinivalue_line("markers", "browser: needs a headless Chromium to run")


def _scored(
    cid: str,
    score: float,
    status: Status,
    weight: float,
    summary: str,
    *,
    evidence: tuple[Evidence, ...] = (),
    advice: str = "",
    details: dict[str, object] | None = None,
) -> ScoredCriterion:
    return ScoredCriterion(
        result=CriterionResult(
            id=cid,
            score=score,
            status=status,
            summary=summary,
            evidence=evidence,
            advice=advice,
            details=details or {},
        ),
        weight=weight,
        points=score * weight,
        max_points=weight,
    )


def _source() -> tuple[SourceLine, ...]:
    template = ["import numpy as np", "", "def kmeans(X, k):", "    # TODO: your code here"]
    cell2 = [
        "def kmeans(X, k, iters=100):",
        '    """Cluster X into k groups."""',
        "    centers = X[:k]",
        "    for _ in range(iters):",
        "        labels = ((X[:, None] - centers) ** 2).sum(-1).argmin(1)",
        "    return labels",
    ]
    lines = [SourceLine(cell=1, line=i + 1, text=t, candidate_written=False) for i, t in enumerate(template[:1])]
    lines += [SourceLine(cell=2, line=i + 1, text=t, candidate_written=True) for i, t in enumerate(cell2)]
    lines += [SourceLine(cell=4, line=1, text="assert kmeans(np.zeros((3, 2)), 1).shape == (3,)", candidate_written=True)]
    return tuple(lines)


def make_graded() -> GradeResult:
    """A full grade: hidden and public tests, every criterion, one failing cell."""
    criteria = (
        _scored(
            "hidden_tests",
            0.5,
            Status.PARTIAL,
            40,
            "1 of 2 hidden tests passed.",
            evidence=(Evidence(f"{HIDDEN_TEST_IDS[1]} failed", kind="test", severity="error"),),
        ),
        _scored("public_tests", 1.0, Status.PASS, 20, "3 of 3 public tests passed."),
        _scored(
            "runs_cleanly",
            0.0,
            Status.FAIL,
            10,
            "Cell 3 raised ValueError.",
            evidence=(Evidence("ValueError: bad shape", cell=3, line=2, kind="cell-error", severity="error"),),
            advice="Restart the kernel and run all cells before submitting.",
        ),
        _scored(
            "lint",
            0.8,
            Status.PARTIAL,
            10,
            "pylint score 8.0 / 10.",
            evidence=(
                Evidence("Variable name \"X\" doesn't conform to snake_case", cell=2, line=1, kind="invalid-name", severity="warning"),
                Evidence("Unused variable '_'", cell=2, line=4, kind="unused-variable", severity="warning"),
            ),
            advice="Run pylint locally and fix naming warnings.",
            details={
                "score": 8.0,
                "messages": [
                    {"cell": 2, "line": 1, "symbol": "invalid-name", "message": "Argument name \"X\" doesn't conform to snake_case naming style"},
                    {"cell": 2, "line": 4, "symbol": "unused-variable", "message": "Unused variable '_'"},
                ],
            },
        ),
        _scored("docstrings", 1.0, Status.PASS, 5, "1 of 1 public functions documented."),
        _scored(
            "report",
            0.34,
            Status.PARTIAL,
            10,
            "1 of 3 sections written.",
            evidence=(Evidence("Section 'What I would improve' still holds the placeholder", cell=5, kind="missing-section", severity="warning"),),
            advice="Describe what you would improve with more time.",
        ),
        _scored("own_tests", 1.0, Status.PASS, 5, "1 assert, passing."),
    )
    points = sum(c.points for c in criteria)
    max_points = sum(c.max_points for c in criteria)
    return GradeResult(
        notebook="submissions/alice.ipynb",
        task="kmeans",
        mode="grade",
        sandbox="docker",
        status="graded",
        message="Graded: 2 criteria need attention.",
        percent=100 * points / max_points,
        points=points,
        max_points=max_points,
        criteria=criteria,
        tests=(
            TestResult("test_shapes.py::test_labels_shape", "public", Outcome.PASSED, duration=0.012),
            TestResult("test_shapes.py::test_k_clusters", "public", Outcome.PASSED, duration=0.02),
            TestResult("test_shapes.py::test_empty_input", "public", Outcome.PASSED, duration=0.003),
            TestResult(HIDDEN_TEST_IDS[0], "hidden", Outcome.PASSED, duration=0.4),
            TestResult(HIDDEN_TEST_IDS[1], "hidden", Outcome.FAILED, "assert 0.61 >= 0.9", duration=0.3),
        ),
        cells=(
            CellRun(1, "ok", 0.4),
            CellRun(2, "ok", 0.01),
            CellRun(3, "error", 0.02, "ValueError", "bad shape", "Traceback (most recent call last):\n  File \"<cell 3>\", line 2\nValueError: bad shape"),
            CellRun(4, "ok", 0.05, output="all good\n"),
        ),
        source=_source(),
        timings={"intake": 0.031, "execution": 2.5, "judge": 1.25},
        harness_version="0.1.0",
    )


def make_check() -> GradeResult:
    """A self-check: hidden tests skipped and worth nothing in this mode."""
    graded = make_graded()
    hidden = _scored("hidden_tests", 0.0, Status.SKIPPED, 0, "Hidden tests are not run in check mode.")
    rest = graded.criteria[1:]
    points = sum(c.points for c in rest)
    max_points = sum(c.max_points for c in rest)
    return dataclasses.replace(
        graded,
        mode="check",
        sandbox="local",
        criteria=(hidden, *rest),
        tests=tuple(t for t in graded.tests if t.suite == "public"),
        points=points,
        max_points=max_points,
        percent=100 * points / max_points,
        message="Self-check in the local sandbox: hidden tests not run.",
    )


def make_time_limit() -> GradeResult:
    """The kernel hit the time limit in cell 3; later cells never ran."""
    graded = make_graded()
    return dataclasses.replace(
        graded,
        status="time-limit",
        message="Cell 3 ran past the 60 s time limit; the remaining cells did not run.",
        cells=(CellRun(1, "ok", 0.4), CellRun(2, "ok", 0.01), CellRun(3, "timeout", 60.0), CellRun(4, "not-run")),
    )


def make_input_error() -> GradeResult:
    """Intake rejected the file: nothing judged, still a report."""
    return GradeResult(
        notebook="submissions/broken.ipynb",
        task="kmeans",
        mode="grade",
        sandbox="docker",
        status="input-error",
        message="submissions/broken.ipynb is not valid JSON (line 3, column 1); export the notebook again from Jupyter.",
        percent=0.0,
        points=0.0,
        max_points=100.0,
        criteria=(),
        tests=(),
    )


MEGA_LINE = "x = 1  # " + "A" * 1_000_000


def make_hostile() -> GradeResult:
    """Everything the candidate controls is an attack or garbage."""
    graded = make_graded()
    nasty = f"{HOSTILE} {ANSI_RED}red\x1b[0m nul\x00byte bad\udcffsurrogate bell\x07"
    lint = _scored(
        "lint",
        float("nan"),
        Status.FAIL,
        10,
        nasty,
        evidence=(Evidence(nasty, cell=2, line=1, kind=HOSTILE, severity="<b>bogus</b>"),),
        advice=nasty,
        details={"messages": [{"cell": 2, "line": 1, "symbol": HOSTILE, "message": nasty}], "odd": {1, 2}},
    )
    return dataclasses.replace(
        graded,
        notebook=f"sub/{HOSTILE}.ipynb",
        task=HOSTILE,
        message=nasty,
        percent=float("nan"),
        criteria=(*graded.criteria[:3], lint),
        tests=(TestResult(f"test_x.py::test_{HOSTILE}", "public", Outcome.FAILED, nasty, float("inf")),),
        cells=(
            CellRun(2, "error", 0.1, HOSTILE, nasty, nasty * 3, output=("spam " * 20) * 10_000),
            CellRun(3, HOSTILE, 0.1),
        ),
        source=(
            SourceLine(2, 1, nasty, True),
            SourceLine(2, 2, MEGA_LINE, True),
        ),
        timings={"execution": float("nan")},
    )


SAMPLES: dict[str, Callable[[], GradeResult]] = {
    "graded": make_graded,
    "check": make_check,
    "time-limit": make_time_limit,
    "input-error": make_input_error,
    "hostile": make_hostile,
}


@pytest.fixture(params=sorted(SAMPLES))
def any_result(request: pytest.FixtureRequest) -> GradeResult:
    """Each sample in turn, with its name as the test id."""
    return SAMPLES[request.param]()


@pytest.fixture
def graded() -> GradeResult:
    return make_graded()


@pytest.fixture
def hostile() -> GradeResult:
    return make_hostile()
