"""Master notebook -> template and solution: stubs, dropped cells, placeholders."""

from __future__ import annotations

import ast
import copy

import nbformat
import pytest

from harness.authoring.master import ATTRIBUTION, generate, notebook_bytes, out_of_date, split
from harness.errors import TaskError

SOLUTION_CELL = '''\
import math

### BEGIN SOLUTION
def helper_norm(values):
    """Euclidean norm."""
    return math.sqrt(sum(v * v for v in values))


@staticmethod
def scale(values,
          factor=2.0):
    """Multiply every value by factor, keeping the type."""
    return [v * factor for v in values]

UNUSED_CONSTANT = 42
### END SOLUTION

print("kept")'''

INDENTED = '''\
def area(radius):
    """Area of a circle."""
    ### BEGIN SOLUTION
    return math.pi * radius ** 2
    ### END SOLUTION'''


def _master(*cells: nbformat.NotebookNode) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = list(cells)
    return nb


def _code(source: str, *tags: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_code_cell(source, metadata={"tags": list(tags)} if tags else {})


def _md(source: str, *tags: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_markdown_cell(source, metadata={"tags": list(tags)} if tags else {})


def _sources(nb: nbformat.NotebookNode) -> list[str]:
    return [cell.source for cell in nb.cells]


def test_region_becomes_stubs_with_signatures_and_no_docstrings() -> None:
    template, solution = generate(_master(_code(SOLUTION_CELL)))
    stub = template.cells[0].source
    assert "def helper_norm(values):" in stub
    assert "@staticmethod\ndef scale(values,\n          factor=2.0):" in stub
    assert stub.count("raise NotImplementedError") == 2
    assert "Euclidean norm" not in stub and "Multiply every" not in stub
    assert "UNUSED_CONSTANT" not in stub and "math.sqrt" not in stub
    assert stub.startswith("import math") and stub.endswith('print("kept")')
    ast.parse(stub)  # the template is valid Python
    assert "### BEGIN" not in solution.cells[0].source
    assert "math.sqrt" in solution.cells[0].source


def test_indented_region_becomes_one_raise() -> None:
    template, solution = generate(_master(_code(INDENTED)))
    assert template.cells[0].source.splitlines() == [
        "def area(radius):", '    """Area of a circle."""',
        '    raise NotImplementedError("write this part")']
    assert "math.pi" in solution.cells[0].source


@pytest.mark.parametrize("marker", ["tag", "first-line"])
def test_hidden_and_solution_only_cells_leave_the_template(marker: str) -> None:
    def cell(source: str, tag: str) -> nbformat.NotebookNode:
        if marker == "tag":
            return _code(source, tag)
        return _code(f"### {tag.upper().replace('-', ' ')}\n{source}")

    master = _master(_code("x = 1"), cell("assert x == 1", "hidden"),
                     cell("def test_x():\n    assert x", "solution-only"),
                     cell("# your tests here", "template-only"))
    result = split(master)
    assert _sources(result.template)[:2] == ["x = 1", "# your tests here"]
    assert _sources(result.solution)[:3] == ["x = 1", "assert x == 1",
                                             "def test_x():\n    assert x"]
    assert "assert x == 1" not in "".join(_sources(result.template))
    assert all("tags" not in cell.metadata for cell in result.template.cells)


def test_report_cells_get_placeholders_by_section() -> None:
    master = _master(_md("## Approach"), _md("I used a hash map because ...", "report"),
                     _md("## What I tried\n\nSorting first, then ...", "report"))
    template, solution = generate(master)
    texts = _sources(template)
    assert texts[1] == "_Replace this text: describe your approach in a few sentences._"
    assert texts[2].startswith("## What I tried\n\n_Replace this text: what did you try")
    assert "hash map" in _sources(solution)[1]


def test_attribution_added_once() -> None:
    template, solution = generate(_master(_code("x = 1")))
    assert template.cells[-1].source == ATTRIBUTION == solution.cells[-1].source
    assert "# copied-from:" in ATTRIBUTION and "# end-copied" in ATTRIBUTION
    again, _ = generate(_master(_md("## Attribution\n\nNone copied.")))
    assert len(again.cells) == 1


def test_secret_lines_exclude_the_kept_signatures() -> None:
    result = split(_master(_code(SOLUTION_CELL), _code("assert helper_norm([3, 4]) == 5",
                                                       "hidden")))
    assert "return math.sqrt(sum(v * v for v in values))" in result.secret_lines
    assert "assert helper_norm([3, 4]) == 5" in result.secret_lines
    assert "def helper_norm(values):" not in result.secret_lines


@pytest.mark.parametrize("source, words", [
    ("### BEGIN SOLUTION\nx = 1", "never closed"),
    ("x = 1\n### END SOLUTION", "without"),
    ("### BEGIN SOLUTION\ndef f(:\n### END SOLUTION", "does not parse"),
], ids=["unclosed", "stray-end", "syntax-error"])
def test_bad_markers_are_refused_with_the_cell(source: str, words: str) -> None:
    with pytest.raises(TaskError, match=words) as info:
        generate(_master(_md("intro"), _code(source)))
    assert "cell 1" in str(info.value)


def test_generation_is_deterministic_with_the_master_cell_ids() -> None:
    master = _master(_md("intro"), _code(SOLUTION_CELL), _code("x = 1"))
    master.cells[1].id = "solution-cell"
    first = [notebook_bytes(nb) for nb in generate(master)]
    second = [notebook_bytes(nb) for nb in generate(copy.deepcopy(master))]
    assert first == second
    template, solution = generate(master)
    assert [c.id for c in template.cells][:2] == [master.cells[0].id, "solution-cell"]
    assert template.cells[-1].id == solution.cells[-1].id == "attribution"
    for nb in (template, solution):
        nbformat.validate(nb)  # ids unique and well-formed


@pytest.mark.parametrize("name", ["wrangling", "classifier"])
def test_committed_notebooks_match_their_master(name: str) -> None:
    from tests.authoring.conftest import TASKS

    _generated, stale = out_of_date(TASKS / name)
    assert stale == [], f"run: takehome task generate tasks/{name}"
