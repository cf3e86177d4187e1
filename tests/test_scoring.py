"""Scoring: weights, skipped criteria and the quality gate."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.errors import RubricError
from harness.result import CriterionResult, Status
from harness.rubric import load_rubric
from harness.scoring import score

RUBRIC = """
[criteria.hidden_tests]
weight = 50
[criteria.public_tests]
weight = 10
[criteria.lint]
weight = 20
[criteria.report]
weight = 20
[gate]
criteria = ["lint"]
on = ["hidden_tests", "public_tests"]
full_at = 0.5
"""


def result(name: str, value: float, status: Status = Status.PARTIAL) -> CriterionResult:
    return CriterionResult(name, value, status, "summary")


def rubric_file(tmp_path: Path, text: str = RUBRIC) -> Path:
    path = tmp_path / "r.toml"
    path.write_text(text)
    return path


def test_points_are_weight_times_score(tmp_path: Path) -> None:
    rubric = load_rubric(rubric_file(tmp_path))
    totals = score(rubric, {"hidden_tests": result("hidden_tests", 1.0, Status.PASS),
                            "public_tests": result("public_tests", 0.5),
                            "lint": result("lint", 0.5), "report": result("report", 0.0)})
    assert [c.points for c in totals.criteria] == [50, 5, 10, 0]
    assert (totals.points, totals.max_points, totals.percent) == (65, 100, 65.0)


def test_skipped_criteria_leave_the_maximum(tmp_path: Path) -> None:
    rubric = load_rubric(rubric_file(tmp_path))
    totals = score(rubric, {"hidden_tests": result("hidden_tests", 0.0, Status.SKIPPED),
                            "public_tests": result("public_tests", 1.0, Status.PASS),
                            "lint": result("lint", 1.0, Status.PASS),
                            "report": result("report", 1.0, Status.PASS)})
    assert totals.max_points == 50 and totals.percent == 100.0


@pytest.mark.parametrize("passed, expected_lint_points", [(0.0, 0.0), (0.25, 10.0), (0.5, 20.0),
                                                           (1.0, 20.0)])
def test_the_gate_scales_quality_by_tests_passed(
    tmp_path: Path, passed: float, expected_lint_points: float
) -> None:
    rubric = load_rubric(rubric_file(tmp_path))
    totals = score(rubric, {"hidden_tests": result("hidden_tests", passed),
                            "public_tests": result("public_tests", passed),
                            "lint": result("lint", 1.0, Status.PASS),
                            "report": result("report", 1.0, Status.PASS)})
    lint = next(c for c in totals.criteria if c.result.id == "lint")
    report = next(c for c in totals.criteria if c.result.id == "report")
    assert lint.points == expected_lint_points
    assert report.points == 20  # not gated
    if expected_lint_points < 20:
        assert lint.result.evidence[0].kind == "gate"


@pytest.mark.parametrize(
    "gate, fragment",
    [("criteria = ['lint']\non = ['nope']", "gate.on names 'nope'"),
     ("criteria = []\non = ['hidden_tests']", "gate.criteria must be"),
     ("criteria = ['lint']\non = ['hidden_tests']\nfull_at = 0", "gate.full_at")],
    ids=["unknown-name", "empty", "bad-threshold"],
)
def test_bad_gates_are_refused(tmp_path: Path, gate: str, fragment: str) -> None:
    text = RUBRIC.split("[gate]")[0] + "[gate]\n" + gate + "\n"
    with pytest.raises(RubricError, match="r.toml") as info:
        load_rubric(rubric_file(tmp_path, text))
    assert fragment in str(info.value)
