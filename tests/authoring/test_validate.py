"""task new + task validate: the scaffold validates; a broken solution is named."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest

from harness.authoring.scaffold import new_task
from harness.authoring.validate import validate_task
from harness.errors import TaskError
from tests.authoring.conftest import task_cli


def test_new_refuses_bad_names_and_existing_folders(tmp_path: Path) -> None:
    with pytest.raises(TaskError, match="lower case"):
        new_task("Bad Name", tmp_path)
    new_task("demo", tmp_path)
    with pytest.raises(TaskError, match="already exists"):
        new_task("demo", tmp_path)


@pytest.mark.slow
def test_scaffold_validates_out_of_the_box(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert task_cli("task", "new", "demo", "--dir", str(tmp_path)) == 0
    folder = tmp_path / "demo"
    assert {p.name for p in folder.iterdir()} >= {"master.ipynb", "task.toml", "README.md",
                                                   "tests", "template.ipynb", "solution.ipynb"}
    before = _snapshot(folder)
    code = task_cli("task", "validate", str(folder), "--sandbox", "local", "--quiet")
    out = capsys.readouterr().out
    assert code == 0, out
    assert f"{folder}: ok (solution" in out
    assert _snapshot(folder) == before  # validate reads the task folder, never writes


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def test_stale_template_is_a_problem_with_the_command_that_fixes_it(
        task_copy: Callable[[str], Path]) -> None:
    folder = task_copy("classifier")
    master = nbformat.read(folder / "master.ipynb", as_version=4)
    master.cells[0].source += "\n\nOne more line of instructions."
    nbformat.write(master, folder / "master.ipynb")
    before = _snapshot(folder)
    report = validate_task(folder, sandbox="no-such-sandbox")
    assert _snapshot(folder) == before
    generated = [p for p in report.problems if p.check == "generated"]
    assert len(generated) == 1, [str(p) for p in report.problems]
    assert ("template.ipynb and solution.ipynb are out of date with the master notebook; "
            f"run: takehome task generate {folder}") in generated[0].message
    assert task_cli("task", "generate", str(folder)) == 0
    report = validate_task(folder, sandbox="no-such-sandbox")
    assert not [p for p in report.problems if p.check == "generated"]


@pytest.mark.slow
def test_broken_solution_is_reported(tmp_path: Path) -> None:
    folder = new_task("demo", tmp_path)
    master = nbformat.read(folder / "master.ipynb", as_version=4)
    solution_cell = next(c for c in master.cells if "### BEGIN SOLUTION" in c.source)
    solution_cell.source = solution_cell.source.replace("total / window", "total // window")
    nbformat.write(master, folder / "master.ipynb")
    assert task_cli("task", "generate", str(folder)) == 0
    report = validate_task(folder, sandbox="local")
    assert not report.ok
    lines = [str(p) for p in report.problems]
    assert any("[solution]" in line and "fails hidden test" in line
               and "test_returns_floats" in line and "fix the solution" in line
               for line in lines), lines
    assert any("[solution]" in line and "raises AssertionError" in line
               for line in lines), lines  # its own tests catch it too


@pytest.mark.slow
def test_uncollectable_tests_and_kmeans_without_master(task_copy: Callable[[str], Path]) -> None:
    folder = task_copy("kmeans")
    (folder / "tests" / "hidden" / "test_broken.py").write_text("import nonexistent_mod\n")
    report = validate_task(folder, sandbox="local")
    assert [p.check for p in report.problems] == ["tests"]
    assert "nonexistent_mod" in report.problems[0].message
    assert "fix the test file" in report.problems[0].message


@pytest.mark.slow
@pytest.mark.docker
def test_wrangling_validates_in_docker(task_copy: Callable[[str], Path]) -> None:
    from harness.sandbox.docker import engine_available

    if not engine_available():
        pytest.fail("no Docker engine answers; start it (docker tests need one)")
    report = validate_task(task_copy("wrangling"), sandbox="docker")
    assert report.ok, [str(p) for p in report.problems]
    assert report.solution_percent is not None and report.solution_percent >= 90
