"""Task and rubric files: validated, with errors naming file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

import harness
from harness.errors import RubricError, TaskError
from harness.rubric import load_rubric
from harness.task import load_task
from tests.conftest import KMEANS, ROOT


def test_kmeans_task_loads_with_its_limits() -> None:
    task = load_task(KMEANS)
    assert task.name == "kmeans" and task.functions == ("kmeans", "inertia")
    assert task.limits.call_timeout == 10 and task.limits.memory_mb == 1024
    assert task.rubric == ROOT / "rubrics" / "default.toml"
    assert [p.name for p in task.data_files] == ["points.csv"]


def make_task(tmp_path: Path, toml: str) -> Path:
    (tmp_path / "tests" / "public").mkdir(parents=True)
    (tmp_path / "template.ipynb").write_text("{}")
    (tmp_path / "task.toml").write_text(toml)
    return tmp_path


@pytest.mark.parametrize(
    "toml, fragment",
    [
        ("[task]\nname = 'x'\ntemplate = 'missing.ipynb'\n", "task.template"),
        ("[task]\nname = 'x'\n[limits]\ncell_timeout = -3\n", "limits.cell_timeout"),
        ("[task]\nname = 'x'\ncolour = 'red'\n", "task.colour"),
        ("[task]\nname = 'x'\ndata = ['../../etc/passwd']\n", "task.data"),
        ("[task\n", "not valid TOML"),
        ("[task]\nname = 'x'\nrubric = 'nope'\n", "task.rubric"),
    ],
    ids=["missing-template", "negative-limit", "unknown-key", "data-outside", "syntax", "rubric"],
)
def test_bad_task_files_name_the_key(tmp_path: Path, toml: str, fragment: str) -> None:
    folder = make_task(tmp_path, toml)
    with pytest.raises(TaskError, match="task.toml") as info:
        load_task(folder)
    assert fragment in str(info.value)


def test_default_rubric_weights_add_to_100() -> None:
    rubric = load_rubric(ROOT / "rubrics" / "default.toml")
    assert rubric.total_weight == 100
    assert {c.name for c in rubric.criteria} == {
        "hidden_tests", "public_tests", "runs_cleanly", "own_tests", "lint", "docstrings",
        "report", "provenance"}


@pytest.mark.parametrize(
    "toml, fragment",
    [
        ("[criteria.speling]\nweight = 3\n", "unknown criterion 'speling'"),
        ("[criteria.lint]\nweight = -1\n", "weight -1"),
        ("[criteria.lint]\nweight = 'ten'\n", "weight 'ten'"),
        ("[criteria.lint]\nweight = 0\n", "all weights are 0"),
        ("title = 'x'\n", "no [criteria"),
    ],
    ids=["unknown", "negative", "string", "all-zero", "empty"],
)
def test_bad_rubrics_are_refused(tmp_path: Path, toml: str, fragment: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(toml)
    with pytest.raises(RubricError) as info:
        load_rubric(path)
    assert "bad.toml" in str(info.value) and fragment in str(info.value)


def test_public_facade_exports_exactly_these_names() -> None:
    assert sorted(harness.__all__) == sorted([
        "GradeResult", "HarnessError", "InfrastructureError", "InputError", "NotebookError",
        "Rubric", "RubricError", "SandboxError", "Task", "TaskError", "check", "grade",
        "load_rubric", "load_task"])
    for name in harness.__all__:
        assert getattr(harness, name) is not None
