"""Release: the bundle holds what a candidate needs and nothing hidden."""

from __future__ import annotations

import ast
import zipfile
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest

from harness.authoring.master import split
from harness.authoring.release import release_task
from harness.errors import TaskError
from harness.task import load_task
from tests.authoring.conftest import task_cli


def _hidden_test_names(task_dir: Path) -> set[str]:
    names = set()
    for path in (task_dir / "tests" / "hidden").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test"):
                names.add(node.name)
    return names


def _solution_lines(task_dir: Path) -> set[str]:
    master = task_dir / "master.ipynb"
    if master.is_file():
        lines = set(split(nbformat.read(master, as_version=4)).secret_lines)
    else:
        def code(name: str) -> set[str]:
            nb = nbformat.read(task_dir / name, as_version=4)
            return {line.strip() for cell in nb.cells if cell.cell_type == "code"
                    for line in cell.source.splitlines()}
        lines = code("solution.ipynb") - code("template.ipynb")
    return {line for line in lines if len(line) >= 20}


def _bundle_texts(out: Path, name: str) -> dict[str, str]:
    texts = {str(p.relative_to(out)): p.read_text(encoding="utf-8", errors="replace")
             for p in (out / name).rglob("*") if p.is_file()}
    with zipfile.ZipFile(out / f"{name}.zip") as archive:
        for info in archive.infolist():
            texts[f"zip:{info.filename}"] = archive.read(info).decode("utf-8", "replace")
    return texts


@pytest.mark.parametrize("name", ["kmeans", "wrangling", "classifier"])
def test_release_holds_no_hidden_content(name: str, task_copy: Callable[[str], Path],
                                         tmp_path: Path) -> None:
    task_dir = task_copy(name)
    out = tmp_path / "dist"
    assert task_cli("task", "release", str(task_dir), "--out", str(out)) == 0
    texts = _bundle_texts(out, name)
    paths = " ".join(texts)
    assert "tests/public/test_public.py" in paths and "template.ipynb" in paths
    assert "solution" not in paths and "master" not in paths and "hidden" not in paths
    secrets = _solution_lines(task_dir)
    names = _hidden_test_names(task_dir)
    assert secrets and names  # the scan below looks for something real
    for where, text in texts.items():
        for name_ in names:
            assert name_ not in text, f"{where} names hidden test {name_}"
        stripped = {line.strip() for line in text.splitlines()}
        for line in secrets:
            assert line not in stripped and line not in text, f"{where} holds {line!r}"


def test_candidate_bundle_loads_without_hidden_tests(task_copy: Callable[[str], Path],
                                                     tmp_path: Path) -> None:
    bundle = release_task(task_copy("wrangling"), tmp_path / "dist")
    task = load_task(bundle)
    assert task.hidden_tests is None and task.solution is None
    assert [p.name for p in task.data_files] == ["orders.csv", "customers.csv"]
    assert task.requirements == ("pandas==3.1.1",)
    assert task.rubric == bundle / "rubric.toml"


def test_candidate_readme_reads_well(task_copy: Callable[[str], Path], tmp_path: Path) -> None:
    bundle = release_task(task_copy("kmeans"), tmp_path / "dist")
    readme = (bundle / "README.md").read_text(encoding="utf-8")
    for section in ("# K-means clustering from scratch", "## What you get",
                    "## The interface", "## How it is graded", "## Declaring copied code",
                    "## Check your notebook before you submit"):
        assert section in readme
    assert "def kmeans(X, k, seed=0, max_iter=100)" in readme
    assert "**hidden_tests** (40 points, 40%)" in readme
    assert "# copied-from:" in readme and "# end-copied" in readme
    assert "takehome check template.ipynb --task ." in readme


def test_leaky_master_is_refused_and_nothing_written(task_copy: Callable[[str], Path],
                                                     tmp_path: Path) -> None:
    task_dir = task_copy("wrangling")
    master = nbformat.read(task_dir / "master.ipynb", as_version=4)
    hidden = next(c for c in master.cells if "hidden" in c.metadata.get("tags", []))
    master.cells.insert(5, nbformat.v4.new_code_cell(hidden.source))  # copied into public
    nbformat.write(master, task_dir / "master.ipynb")
    assert task_cli("task", "generate", str(task_dir)) == 0
    out = tmp_path / "dist"
    with pytest.raises(TaskError) as info:
        release_task(task_dir, out)
    message = str(info.value)
    assert "release refused" in message
    assert "template.ipynb:cell 5 line 2" in message
    assert "summary_check[\"region\"].tolist()" in message
    assert not out.exists()


def test_hidden_test_copied_into_public_tests_is_refused(task_copy: Callable[[str], Path],
                                                         tmp_path: Path) -> None:
    task_dir = task_copy("kmeans")
    hidden = (task_dir / "tests" / "hidden" / "test_hidden.py").read_text(encoding="utf-8")
    start = hidden.index("def test_k_one_gives_the_mean")
    public = task_dir / "tests" / "public" / "test_public.py"
    public.write_text(public.read_text(encoding="utf-8") + "\n\n" + hidden[start:hidden.index("\n\n\ndef ", start)],
                      encoding="utf-8")
    with pytest.raises(TaskError, match="names hidden test test_k_one_gives_the_mean"):
        release_task(task_dir, tmp_path / "dist")
    assert not (tmp_path / "dist").exists()


def test_release_refuses_notebooks_out_of_date_with_the_master(
        task_copy: Callable[[str], Path], tmp_path: Path) -> None:
    task_dir = task_copy("wrangling")
    master = nbformat.read(task_dir / "master.ipynb", as_version=4)
    master.cells.append(nbformat.v4.new_markdown_cell("A new closing note."))
    nbformat.write(master, task_dir / "master.ipynb")
    before = (task_dir / "template.ipynb").read_bytes()
    with pytest.raises(TaskError, match=r"out of date .* run: takehome task generate"):
        release_task(task_dir, tmp_path / "dist")
    assert (task_dir / "template.ipynb").read_bytes() == before  # release never rewrites
    assert not (tmp_path / "dist").exists()


def test_the_bundle_carries_the_harness_wheel_and_its_install_command(
        task_copy: Callable[[str], Path], tmp_path: Path) -> None:
    bundle = release_task(task_copy("wrangling"), tmp_path / "dist")
    wheels = list(bundle.glob("takehome_harness-*.whl"))
    assert len(wheels) == 1
    with zipfile.ZipFile(wheels[0]) as wheel:
        members = wheel.namelist()
        entry_points = next(m for m in members if m.endswith("entry_points.txt"))
        assert "takehome = harness.cli:main" in wheel.read(entry_points).decode()
    assert "harness/sandbox/agent.py" in members and "harness/sandbox/Dockerfile" in members
    readme = (bundle / "README.md").read_text(encoding="utf-8")
    assert f".venv/bin/pip install ./{wheels[0].name} pandas==3.1.1" in readme
    assert "pip install takehome-harness" not in readme


def test_a_hidden_test_name_inside_the_wheel_is_a_leak(task_copy: Callable[[str], Path]) -> None:
    from harness.authoring.release import collect_secrets, find_leaks

    secrets = collect_secrets(load_task(task_copy("kmeans")), None)
    member = "takehome_harness-0.1.0-py3-none-any.whl/harness/extra.py"
    leaks = find_leaks({member: b"from pathlib import Path\n# test_k_one_gives_the_mean\n"},
                       secrets)
    assert leaks == [f"{member}:2: names hidden test test_k_one_gives_the_mean"]
