"""``takehome task new NAME``: a task folder that validates out of the box.

The example (a moving average) is deliberately tiny: it shows every marker of
the master format, a public and a hidden test using the ``candidate`` fixture,
and a model solution; the author replaces it with the real task.
"""

# nbformat ships no type hints: its readers and cell factories are untyped calls.
# mypy: disable-error-code="no-untyped-call,no-any-return"
from __future__ import annotations

import re
from pathlib import Path

import nbformat

from harness.authoring.master import generate_files
from harness.errors import TaskError

_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")

_INTRO = """\
# {title}

Write a function `moving_average(values, window)` that returns the mean of every run of
`window` consecutive numbers in `values`, as a list of floats, and raises `ValueError`
when `window` is not between 1 and `len(values)`.

```python
moving_average(values, window) -> list[float]
```

Return plain data (numbers, lists): the grader calls your function from outside the
notebook.
"""

_SETUP = '''"""Moving averages of a list of numbers."""'''

_SOLUTION = '''\
### BEGIN SOLUTION
def moving_average(values, window):
    """Mean of each run of `window` consecutive values, left to right.

    A running sum keeps it linear in len(values) instead of len(values) * window.
    """
    if not 1 <= window <= len(values):
        raise ValueError(f"window must be between 1 and {len(values)}, got {window}")
    total = sum(values[:window])
    averages = [total / window]
    for index in range(window, len(values)):
        total += values[index] - values[index - window]
        averages.append(total / window)
    return averages
### END SOLUTION'''

_DEMO = "print(moving_average([1, 2, 3, 4, 5], 2))"

_TESTS_INTRO = """\
## Your tests

Write unit tests: functions whose names start with `test_` that check behaviour with
plain `assert` statements. The grader runs every `test_*` function in the notebook."""

_OWN_TESTS = '''\
def test_window_of_two():
    """Pairs of neighbours are averaged."""
    assert moving_average([1, 2, 3, 4], 2) == [1.5, 2.5, 3.5]


def test_window_of_one_is_identity():
    """A window of one returns every value as a float."""
    assert moving_average([4, 5, 6], 1) == [4.0, 5.0, 6.0]


def test_too_wide_window_rejected():
    """A window wider than the data raises ValueError."""
    try:
        moving_average([1, 2], 3)
    except ValueError:
        return
    raise AssertionError("window=3 was accepted for two values")


test_window_of_two()
test_window_of_one_is_identity()
test_too_wide_window_rejected()'''

_HIDDEN_CHECK = "assert moving_average([2, 4, 6, 8], 4) == [5.0]"

_REPORT = (
    ("## Approach",
     "I keep a running sum over the window: adding the value that enters and subtracting "
     "the one that leaves gives each next average in constant time, so the whole pass is "
     "linear in the length of the input. Invalid windows raise ValueError up front."),
    ("## What I tried",
     "My first version summed every window from scratch with a slice, which is simple but "
     "quadratic for wide windows. I compared both on random inputs to check that the "
     "running sum gives the same answers before switching to it."),
    ("## What I would improve with more time",
     "I would accept numpy arrays and return one, add a mode that pads the ends so the "
     "output has the input's length, and guard against floating point drift on very long "
     "inputs by recomputing the sum every few thousand steps."),
)

_TOML = '''\
[task]
name = "{name}"
title = "{title}"
summary = """
Write `moving_average(values, window)`: the mean of every run of `window` consecutive \\
numbers. Graded on hidden and public tests, a clean run, your own tests, code quality, \\
a short report and declared copied code.\\
"""
master = "master.ipynb"          # template.ipynb and solution.ipynb are generated from it
template = "template.ipynb"
solution = "solution.ipynb"
public_tests = "tests/public"
hidden_tests = "tests/hidden"
data = []                        # files copied next to the notebook when it runs
rubric = "default"               # rubrics/default.toml
functions = ["moving_average"]

[limits]
cell_timeout = 30
execution_timeout = 120
call_timeout = 10

[environment]
requirements = []                # extra pinned pip requirements, e.g. ["pandas==3.1.1"]
'''

_PUBLIC = '''\
"""Public tests: shipped to candidates.  `candidate.NAME(...)` calls NAME in their notebook."""

from __future__ import annotations


def test_simple_window(candidate):
    """A window of two over four numbers gives three averages."""
    assert candidate.moving_average([1, 2, 3, 4], 2) == [1.5, 2.5, 3.5]
'''

_HIDDEN = '''\
"""Hidden tests: never shipped.  Check behaviour the public tests do not show."""

from __future__ import annotations

import pytest


def test_full_window_is_the_mean(candidate):
    """A window as wide as the data gives one value, the mean."""
    assert candidate.moving_average([2, 4, 6, 9], 4) == [5.25]


def test_returns_floats(candidate):
    """Averages of integers come back as floats."""
    result = candidate.moving_average([1, 3, 5], 1)
    assert result == [1.0, 3.0, 5.0]
    assert all(isinstance(value, float) for value in result)


@pytest.mark.parametrize("window", [0, 4], ids=["zero", "too-wide"])
def test_bad_window_rejected(candidate, window):
    """Windows outside 1..len(values) raise ValueError (a stub's NotImplementedError fails)."""
    with pytest.raises(ValueError):
        candidate.moving_average([1, 2, 3], window)
'''

_README = """\
# {title} (task source)

This folder is a task for `takehome`. Edit `master.ipynb` (the one notebook you write;
see docs/authoring.md for its markers), the tests under `tests/`, and `task.toml`.

    takehome task generate {folder}     # after editing master.ipynb
    takehome task validate {folder}     # solution passes, template fails, tests collect
    takehome task release {folder} --out dist   # the candidate bundle

`template.ipynb` and `solution.ipynb` are generated from `master.ipynb` by
`task generate`: do not edit them by hand, and commit them with the master (validate
and release refuse notebooks that are out of date). `tests/hidden/` and
`solution.ipynb` never ship.
"""


def new_task(name: str, parent: str | Path = "tasks") -> Path:
    """Create ``parent/name`` with an example master notebook, tests and task.toml."""
    if not _NAME.match(name):
        raise TaskError(f"task name {name!r}: use lower case letters, digits, '-' or '_', "
                        "starting with a letter (at most 40 characters)")
    folder = Path(parent) / name
    if folder.exists():
        raise TaskError(f"{folder}: already exists; choose another name or remove it")
    title = name.replace("_", " ").replace("-", " ").capitalize()
    (folder / "tests" / "public").mkdir(parents=True)
    (folder / "tests" / "hidden").mkdir()
    (folder / "data").mkdir()
    nbformat.write(master_notebook(title), folder / "master.ipynb")
    (folder / "task.toml").write_text(_TOML.format(name=name, title=title), encoding="utf-8")
    (folder / "tests" / "public" / "test_public.py").write_text(_PUBLIC, encoding="utf-8")
    (folder / "tests" / "hidden" / "test_hidden.py").write_text(_HIDDEN, encoding="utf-8")
    (folder / "README.md").write_text(_README.format(title=title, folder=folder),
                                      encoding="utf-8")
    generate_files(folder / "master.ipynb", folder / "template.ipynb", folder / "solution.ipynb")
    return folder


def master_notebook(title: str) -> nbformat.NotebookNode:
    """The example master notebook, with each kind of marker once."""
    def code(source: str, *tags: str) -> nbformat.NotebookNode:
        return nbformat.v4.new_code_cell(source, metadata={"tags": list(tags)} if tags else {})

    def markdown(source: str, *tags: str) -> nbformat.NotebookNode:
        return nbformat.v4.new_markdown_cell(
            source, metadata={"tags": list(tags)} if tags else {})

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [
        markdown(_INTRO.format(title=title)),
        code(_SETUP),
        code(_SOLUTION),
        code(_DEMO),
        markdown(_TESTS_INTRO),
        code("", "template-only"),
        code(_OWN_TESTS, "solution-only"),
        code(_HIDDEN_CHECK, "hidden"),
    ]
    for heading, body in _REPORT:
        nb.cells += [markdown(heading), markdown(body, "report")]
    return nb
