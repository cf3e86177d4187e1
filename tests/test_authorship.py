"""Authorship: only lines the candidate wrote count as written."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell

from harness.authorship import build_submission, written_comments, written_lines
from harness.errors import NotebookError
from harness.intake import notebook_from_dict, read_notebook
from harness.submission import Notebook

FILES = Path(__file__).parent / "files"
TEMPLATE = FILES / "intake_template.ipynb"

STUB = 'def kmeans(X, k):\n    """Cluster the rows of X into k groups; return the labels."""\n    # YOUR CODE HERE\n    raise NotImplementedError'
SOLVED = (
    'def kmeans(X, k):\n    """Cluster the rows of X into k groups; return the labels."""\n'
    "    centers = X[:k].copy()\n"
    "    for _ in range(10):\n"
    "        labels = ((X[:, None] - centers) ** 2).sum(-1).argmin(1)\n"
    "        centers = np.array([X[labels == j].mean(0) for j in range(k)])\n"
    "    return labels"
)


def _template() -> Notebook:
    return read_notebook(TEMPLATE)


def _edited(edit_cells: dict[int, str] | None = None, order: list[int] | None = None, extra: list[str] | None = None) -> Notebook:
    """A copy of the template with some cells replaced, reordered or appended."""
    nb = nbformat.read(TEMPLATE, as_version=4)
    for index, source in (edit_cells or {}).items():
        nb.cells[index].source = source
    if order is not None:
        nb.cells = [nb.cells[i] for i in order]
    nb.cells.extend(new_code_cell(s) for s in extra or [])
    return notebook_from_dict(nb, "sub.ipynb")


def test_untouched_template_wrote_nothing() -> None:
    assert written_lines(_template(), _template()) == frozenset()


def test_replaced_stub_yields_exactly_the_new_lines() -> None:
    assert _template().cells[2].source == STUB  # the fixture is what we think
    written = written_lines(_edited({2: SOLVED}), _template())
    assert written == {(2, 3), (2, 4), (2, 5), (2, 6), (2, 7)}


def test_without_template_every_code_line_counts_except_blank_and_comments() -> None:
    written = written_lines(_template(), None)
    # cell 1: "import numpy as np", "", "rng = ..."; cell 2: the stub minus its comment
    assert {(1, 1), (1, 3), (2, 1), (2, 2), (2, 4)} <= written
    assert (1, 2) not in written  # blank
    assert (2, 3) not in written  # "# YOUR CODE HERE"
    assert all(cell in (1, 2, 4) for cell, _ in written)  # markdown cells never count


def test_reordered_cells_are_not_authorship() -> None:
    reordered = _edited(order=[0, 4, 3, 2, 1])
    assert written_lines(reordered, _template()) == frozenset()


def test_reordered_and_edited() -> None:
    nb = _edited({2: SOLVED}, order=[0, 2, 1, 3, 4], extra=["# my checks\nassert len(set(kmeans(X, 2))) == 2"])
    written = written_lines(nb, _template())
    assert written == {(1, 3), (1, 4), (1, 5), (1, 6), (1, 7), (5, 2)}


def test_reindented_template_line_is_not_authorship() -> None:
    nb = _edited({1: "import numpy  as np\n\nrng  =  np.random.default_rng(0)   "})
    assert written_lines(nb, _template()) == frozenset()


def test_candidates_own_copy_of_a_common_line_counts_once() -> None:
    """The template's `raise NotImplementedError` excuses one copy, not two."""
    extra = "def helper():\n    raise NotImplementedError"
    written = written_lines(_edited(extra=[extra]), _template())
    assert written == {(5, 1), (5, 2)}


def test_deleted_template_cells_do_not_matter() -> None:
    nb = _edited(order=[0, 2])
    assert written_lines(nb, _template()) == frozenset()


def test_markdown_edits_are_not_code_authorship() -> None:
    nb = nbformat.read(TEMPLATE, as_version=4)
    nb.cells.append(new_markdown_cell("x = 1"))
    assert written_lines(notebook_from_dict(nb, "sub.ipynb"), _template()) == frozenset()


def test_build_submission_ties_everything(tmp_path: Path) -> None:
    path = tmp_path / "sub.ipynb"
    nb = nbformat.read(TEMPLATE, as_version=4)
    nb.cells[2].source = SOLVED
    nbformat.write(nb, path)
    sub = build_submission(path, TEMPLATE)
    assert sub.template is not None and sub.template.path == str(TEMPLATE)
    assert sub.is_written(2, 3) and not sub.is_written(2, 1)
    # the written line is findable in the extracted module through the line map
    lines = sub.code.text.splitlines()
    number = lines.index("    centers = X[:k].copy()") + 1
    origin = sub.code.origin(number)
    assert origin is not None and sub.is_written(origin.cell, origin.line)


def test_build_submission_without_template() -> None:
    sub = build_submission(TEMPLATE)
    assert sub.template is None
    assert sub.is_written(2, 4)


def test_a_broken_template_is_a_task_error_not_the_candidates(tmp_path: Path) -> None:
    from harness.errors import TaskError

    template = tmp_path / "template.ipynb"
    template.write_text("{ broken")
    submission = tmp_path / "sub.ipynb"
    submission.write_text(template.read_text())
    with pytest.raises(TaskError, match=f"template is unusable: {template}: "):
        build_submission(submission, template)


def test_comments_are_matched_like_code_but_kept_apart() -> None:
    """The template's `# YOUR CODE HERE` is not the candidate's; an added note is."""
    edited = _edited({2: STUB.replace("raise NotImplementedError",
                                      "# copied-from: https://example.org\n    raise NotImplementedError")})
    assert written_comments(_template(), _template()) == frozenset()
    assert written_comments(edited, _template()) == frozenset({(2, 4)})
    assert written_lines(edited, _template()) == frozenset()  # comments are never code
