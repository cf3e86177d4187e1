"""Provenance with copy detection: the task's solution and known_sources/."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from harness.authorship import build_submission
from harness.criteria.base import Context
from harness.criteria.provenance import Provenance
from harness.result import Status
from harness.task import Task, load_task
from tests.criteria.conftest import write_notebook

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def task(tmp_path: Path) -> Task:
    """A private copy of the kmeans task, so tests may add known sources."""
    folder = tmp_path / "kmeans"
    shutil.copytree(ROOT / "tasks" / "kmeans", folder)
    return load_task(folder)


def _solution_code(task: Task) -> str:
    assert task.solution is not None
    cells = json.loads(task.solution.read_text())["cells"]
    return "".join("".join(c["source"]) for c in cells if c["cell_type"] == "code"
                   and "def kmeans" in "".join(c["source"]))


def _renamed(code: str) -> str:
    for old, new in [("points", "data"), ("centroids", "centers"), ("labels", "assignment"),
                     ("update_centroids", "move_centers"), ("assign_labels", "nearest")]:
        code = re.sub(rf"\b{old}\b", new, code)
    return re.sub(r'"""[^"]*"""', '"""Doc."""', code)


def _judge(task: Task, tmp_path: Path, code: str, mode: str = "grade") -> Context:
    template = json.loads(task.template.read_text())["cells"]
    cells = [(c["cell_type"], "".join(c["source"])) for c in template]
    stub = next(i for i, (_, s) in enumerate(cells) if "def kmeans" in s)
    cells[stub] = ("code", code)
    path = write_notebook(tmp_path / "candidate.ipynb", cells)
    return Context(submission=build_submission(path, task.template), task=task, mode=mode)


def test_renamed_copy_of_the_solution_is_flagged_and_charged(task: Task, tmp_path: Path) -> None:
    context = _judge(task, tmp_path, _renamed(_solution_code(task)))
    result = Provenance().evaluate(context)
    copies = [e for e in result.evidence if e.kind == "undeclared-copy"]
    assert copies and all("the task's solution" in e.message for e in copies)
    assert all(e.cell == 2 for e in copies)
    assert result.score == 0.0 and result.status is Status.FAIL
    assert len(result.details["undeclared_copied_lines"]) > 40  # type: ignore[arg-type]


def test_declared_copy_of_the_solution_is_not_charged(task: Task, tmp_path: Path) -> None:
    code = "# copied-from: a leaked solution, shown to me by a friend\n" + _renamed(
        _solution_code(task)) + "# end-copied\n" + (
        "def spread(values):\n    return max(values) - min(values)\n")
    result = Provenance().evaluate(_judge(task, tmp_path, code))
    assert not [e for e in result.evidence if e.kind == "undeclared-copy"]
    assert result.details["undeclared_copied_lines"] == []


def test_self_check_compares_nothing_and_says_so(task: Task, tmp_path: Path) -> None:
    result = Provenance().evaluate(
        _judge(task, tmp_path, _renamed(_solution_code(task)), mode="check"))
    assert not [e for e in result.evidence if e.kind == "undeclared-copy"]
    assert result.evidence[-1].kind == "copy-detection"
    assert "solution" not in result.summary
    assert result.details["copy_detection"] == "off in a self-check"


def test_known_source_file_is_compared(task: Task, tmp_path: Path) -> None:
    source = (
        "def lloyd_step(X, C):\n"
        "    d = ((X[:, None, :] - C[None, :, :]) ** 2).sum(-1)\n"
        "    lab = d.argmin(1)\n"
        "    newC = np.stack([X[lab == j].mean(0) if (lab == j).any() else C[j]\n"
        "                     for j in range(len(C))])\n"
        "    return newC, lab\n\n\n"
        "def run_lloyd(X, k, iters, rng):\n"
        "    C = X[rng.choice(len(X), size=k, replace=False)]\n"
        "    for _ in range(iters):\n"
        "        C2, lab = lloyd_step(X, C)\n"
        "        if np.allclose(C2, C):\n"
        "            break\n"
        "        C = C2\n"
        "    return C, lab\n"
    )
    (task.root / "known_sources").mkdir()
    (task.root / "known_sources" / "blog_kmeans.py").write_text(source, encoding="utf-8")
    copied = source.replace("lab", "groups").replace("C2", "moved")
    result = Provenance().evaluate(_judge(task, tmp_path, copied))
    messages = [e.message for e in result.evidence if e.kind == "undeclared-copy"]
    assert messages and "known source blog_kmeans.py" in messages[0]
    assert result.score < 0.5


def test_the_solution_is_not_a_copy_of_itself(task: Task) -> None:
    assert task.solution is not None
    submission = build_submission(task.solution, task.template)
    result = Provenance().evaluate(Context(submission=submission, task=task))
    assert result.details["undeclared_copied_lines"] == []
    assert result.score == 1.0
