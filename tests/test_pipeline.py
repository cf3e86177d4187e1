"""End to end on the kmeans task in the local sandbox: real kernel, pylint, pytest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import harness
from harness.report import render_html, render_json
from harness.result import GradeResult, Outcome
from harness.sandbox.local import LocalSandbox
from tests.conftest import KMEANS


def grade_local(notebook: Path, mode: str = "grade") -> GradeResult:
    return harness.grade(notebook, KMEANS, mode=mode, sandbox=LocalSandbox())


@pytest.fixture(scope="module")
def solution() -> GradeResult:
    return grade_local(KMEANS / "solution.ipynb")


@pytest.fixture(scope="module")
def template() -> GradeResult:
    return grade_local(KMEANS / "template.ipynb")


def criterion(result: GradeResult, name: str) -> tuple[float, float]:
    scored = next(c for c in result.criteria if c.result.id == name)
    return scored.points, scored.max_points


def test_solution_passes_every_test_and_scores_at_least_90(solution: GradeResult) -> None:
    hidden = [t for t in solution.tests if t.suite == "hidden"]
    public = [t for t in solution.tests if t.suite == "public"]
    assert len(hidden) >= 8 and len(public) >= 3
    assert all(t.outcome == Outcome.PASSED for t in solution.tests), [
        (t.id, t.message) for t in solution.tests if t.outcome != Outcome.PASSED
    ]
    for name in ("hidden_tests", "public_tests", "runs_cleanly"):
        points, max_points = criterion(solution, name)
        assert points == max_points > 0, name
    assert solution.status == "graded"
    assert solution.percent >= 90


def test_template_fails_every_hidden_test_and_scores_under_30(template: GradeResult) -> None:
    hidden = [t for t in template.tests if t.suite == "hidden"]
    assert hidden and all(t.outcome != Outcome.PASSED for t in hidden)
    assert template.percent < 30
    html = render_html(template)
    assert "<html" in html and "runs_cleanly" in html.replace("runs cleanly", "runs_cleanly")


def test_grading_twice_gives_the_same_json(solution: GradeResult) -> None:
    again = grade_local(KMEANS / "solution.ipynb")
    assert render_json(again, include_timings=False) == render_json(
        solution, include_timings=False
    )


def test_stored_outputs_claiming_success_are_ignored(tmp_path: Path, template: GradeResult) -> None:
    data = json.loads((KMEANS / "template.ipynb").read_text())
    for cell in data["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"] = [{"output_type": "stream", "name": "stdout",
                                "text": "All 22 tests passed. Score: 100%\n"}]
            cell["execution_count"] = 1
    forged = tmp_path / "forged.ipynb"
    forged.write_text(json.dumps(data))
    result = grade_local(forged)
    assert result.percent == template.percent
    assert all(t.outcome != Outcome.PASSED for t in result.tests if t.suite == "hidden")


def test_check_mode_runs_no_hidden_test(tmp_path: Path) -> None:
    result = grade_local(KMEANS / "solution.ipynb", mode="check")
    assert {t.suite for t in result.tests} == {"public"}
    hidden_names = _hidden_test_names()
    text = render_json(result, candidate_view=True) + render_html(result, candidate_view=True)
    assert not [name for name in hidden_names if name in text]


def _hidden_test_names() -> list[str]:
    source = (KMEANS / "tests" / "hidden" / "test_hidden.py").read_text()
    return [line.split("def ")[1].split("(")[0] for line in source.splitlines()
            if line.startswith("def test_")]


def test_a_cell_that_raises_loses_runs_cleanly_but_keeps_the_rest(
    tmp_path: Path, solution: GradeResult
) -> None:
    data = json.loads((KMEANS / "solution.ipynb").read_text())
    data["cells"].append({"cell_type": "code", "metadata": {}, "outputs": [],
                          "execution_count": None, "source": "raise RuntimeError('oops')"})
    broken = tmp_path / "raises.ipynb"
    broken.write_text(json.dumps(data))
    result = grade_local(broken)
    assert criterion(result, "runs_cleanly")[0] == 0
    assert criterion(result, "hidden_tests") == criterion(solution, "hidden_tests")
    failing = [c for c in result.cells if c.status == "error"]
    assert failing and failing[0].error_name == "RuntimeError"


def test_unreadable_notebook_yields_an_input_error_result(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ipynb"
    bad.write_text("{ not json")
    result = grade_local(bad)
    assert result.status == "input-error"
    assert "bad.ipynb" in result.message and result.percent == 0
    assert "bad.ipynb" in render_html(result)


class _Broken:
    name = "lint"

    def evaluate(self, context: object) -> object:
        raise ZeroDivisionError("oops")


def test_a_crashing_criterion_is_a_harness_error_naming_it() -> None:
    from harness.criteria.base import Context
    from harness.errors import CriterionError
    from harness.pipeline import _evaluate

    with pytest.raises(CriterionError, match="criterion 'lint' crashed: ZeroDivisionError"):
        _evaluate("lint", _Broken(), Context(submission=None))  # type: ignore[arg-type]


def test_candidate_view_of_a_full_grade_reveals_nothing_derived_from_hidden_tests(
    tmp_path: Path,
) -> None:
    """Public tests pass, hidden tests fail: the candidate copy must look like a check."""
    from harness.report import candidate_result

    data = json.loads((KMEANS / "solution.ipynb").read_text())
    for cell in data["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "code" and "def kmeans" in source:
            # Wrong for every input but the public ones' shapes: labels all zero.
            cell["source"] = source.replace("    return centroids, labels",
                                            "    return centroids, labels * 0", 1)
    degraded = tmp_path / "degraded.ipynb"
    degraded.write_text(json.dumps(data))
    graded = grade_local(degraded)
    checked = grade_local(degraded, mode="check")
    shown = candidate_result(graded)
    assert shown.percent == checked.percent
    assert [c.points for c in shown.criteria] == [c.points for c in checked.criteria
                                                   if c.result.id != "hidden_tests"]
    assert shown.message.startswith(checked.message.split(":")[0])
    assert f"{graded.percent:.1f}" not in shown.message
