from __future__ import annotations

import pytest

from harness.criteria.base import Criterion
from harness.criteria.docstrings import Docstrings, is_meaningful
from harness.result import Status
from harness.criteria.base import Context
from tests.criteria.conftest import MakeContext, RealSubmission


DOCUMENTED = '''def kmeans(points, k):
    """Cluster points into k groups by Lloyd's algorithm."""
    return points[:k]


class Scaler:
    """Scale features to unit variance before clustering."""

    def fit(self, points):
        """Remember the spread of each feature column."""
        self.spread = points.std(axis=0)
        return self
'''

MIXED = '''def kmeans(points, k):
    """Cluster points into k groups by Lloyd's algorithm."""
    return points[:k]


def assign(points, centres):
    return points @ centres.T


class Scaler:
    """TODO"""

    def fit(self, points):
        """Remember the spread of each feature column."""
        return self
'''


def test_all_documented_passes(make_context: MakeContext) -> None:
    result = Docstrings().evaluate(make_context([("code", DOCUMENTED)]))
    assert (result.score, result.status) == (1.0, Status.PASS)
    assert result.evidence == ()
    assert result.summary == "3 of 3 public functions and classes have a docstring."


def test_missing_and_placeholder_docstrings_are_partial(make_context: MakeContext) -> None:
    cells = [("markdown", "# Solution"), ("code", MIXED)]
    result = Docstrings().evaluate(make_context(cells))
    assert result.status is Status.PARTIAL
    assert result.score == pytest.approx(2 / 4)
    assert [(e.cell, e.line, e.kind) for e in result.evidence] == [
        (1, 6, "missing-docstring"),
        (1, 10, "trivial-docstring"),
    ]
    assert "'assign'" in result.evidence[0].message


def test_none_documented_fails(make_context: MakeContext) -> None:
    code = "def a(x):\n    return x\n\n\ndef b(x):\n    return x\n"
    result = Docstrings().evaluate(make_context([("code", code)]))
    assert (result.score, result.status) == (0.0, Status.FAIL)
    assert [(e.cell, e.line) for e in result.evidence] == [(0, 1), (0, 5)]


def test_evidence_line_is_def_line_not_decorator(make_context: MakeContext) -> None:
    cells = [
        ("code", "import functools"),
        ("code", "@functools.cache\ndef square(x):\n    return x * x"),
    ]
    result = Docstrings().evaluate(make_context(cells))
    assert [(e.cell, e.line) for e in result.evidence] == [(1, 2)]


@pytest.mark.parametrize(
    "code",
    [
        pytest.param("def _helper(x):\n    return x\n", id="private-function"),
        pytest.param(
            "class A:\n    '''Hold a value for the tests.'''\n"
            "    def __init__(self):\n        self.v = 1\n",
            id="dunder-method",
        ),
        pytest.param("def test_shapes():\n    assert 1 == 1\n", id="test-function"),
        pytest.param(
            "class TestShapes:\n    def test_one(self):\n        assert True\n", id="test-class"
        ),
        pytest.param(
            "def outer(x):\n    '''Apply a nested helper to x.'''\n"
            "    def inner(y):\n        return y\n    return inner(x)\n",
            id="nested-function",
        ),
    ],
)
def test_skipped_definitions_do_not_count(make_context: MakeContext, code: str) -> None:
    result = Docstrings().evaluate(make_context([("code", code)]))
    assert result.evidence == ()


def test_untouched_template_definitions_are_not_judged(make_context: MakeContext) -> None:
    # The template's stub (cell 0) is untouched: nothing of it is the candidate's,
    # so only their own helper in cell 1 counts.
    cells = [
        ("code", "def kmeans(points, k):\n    return points[:k]"),
        (
            "code",
            'def distance(a, b):\n    """Euclidean distance between two points."""\n'
            "    return abs(a - b)",
        ),
    ]
    written = {(1, 1), (1, 2), (1, 3)}
    result = Docstrings().evaluate(make_context(cells, written))
    assert (result.score, result.status) == (1.0, Status.PASS)
    assert result.details["total"] == 1


def test_filled_in_stub_counts_though_its_def_line_is_the_templates(
    make_context: MakeContext,
) -> None:
    # Only the body (0, 2) is written; the def line is the template's.
    cells = [("code", "def kmeans(points, k):\n    return points[:k]")]
    result = Docstrings().evaluate(make_context(cells, {(0, 2)}))
    assert (result.score, result.details["total"]) == (0.0, 1)
    assert "'kmeans'" in result.evidence[0].message


STUBS = (
    "def kmeans(X, k, seed=0, max_iter=100):\n"
    '    raise NotImplementedError("implement kmeans")\n\n\n'
    "def inertia(X, centroids, labels):\n"
    '    raise NotImplementedError("implement inertia")\n'
)
FILLED = (
    "def kmeans(X, k, seed=0, max_iter=100):\n"
    '    """Cluster the rows of X into k groups with Lloyd\'s algorithm."""\n'
    "    return X[:k], list(range(len(X)))\n\n\n"
    "def inertia(X, centroids, labels):\n"
    '    """Within-cluster sum of squared distances of a clustering."""\n'
    "    return float(((X - centroids[labels]) ** 2).sum())\n"
)


def test_template_stubs_filled_with_docstrings_earn_full_marks(
    real_submission: RealSubmission,
) -> None:
    # The case from issue 9: no helper, just the two stubs done well.
    submission = real_submission([("code", FILLED)], [("code", STUBS)])
    result = Docstrings().evaluate(Context(submission=submission))
    assert (result.score, result.status) == (1.0, Status.PASS)
    assert [d["name"] for d in result.details["definitions"]] == ["kmeans", "inertia"]


def test_template_stubs_filled_without_docstrings_score_zero(
    real_submission: RealSubmission,
) -> None:
    code = FILLED.replace(
        '    """Cluster the rows of X into k groups with Lloyd\'s algorithm."""\n', ""
    ).replace('    """Within-cluster sum of squared distances of a clustering."""\n', "")
    submission = real_submission([("code", code)], [("code", STUBS)])
    result = Docstrings().evaluate(Context(submission=submission))
    assert (result.score, result.details["total"]) == (0.0, 2)


def test_docstring_kept_from_the_template_is_left_out(real_submission: RealSubmission) -> None:
    template = (
        "def kmeans(X, k):\n"
        '    """Cluster X into k groups; return centroids and labels."""\n'
        "    raise NotImplementedError\n"
    )
    own = 'def helper(v):\n    """Square every value of v."""\n    return v * v\n'
    cells = [("code", template.replace("raise NotImplementedError", "return X[:k], X")),
             ("code", own)]
    submission = real_submission(cells, [("code", template)])
    result = Docstrings().evaluate(Context(submission=submission))
    # kmeans keeps the author's docstring: neither credit nor cost; helper counts.
    assert [d["name"] for d in result.details["definitions"]] == ["helper"]
    assert result.score == 1.0


def test_no_definitions_scores_zero_with_advice(make_context: MakeContext) -> None:
    result = Docstrings().evaluate(make_context([("code", "x = 1\nprint(x)")]))
    assert (result.score, result.status) == (0.0, Status.FAIL)
    assert "functions" in result.advice


def test_untouched_template_scores_zero(make_context: MakeContext) -> None:
    result = Docstrings().evaluate(make_context([("code", DOCUMENTED)], written=set()))
    assert (result.score, result.status) == (0.0, Status.FAIL)
    assert "no code of your own" in result.summary


@pytest.mark.parametrize(
    ("docstring", "expected"),
    [
        pytest.param(None, False, id="none"),
        pytest.param("Fit.", False, id="one-word"),
        pytest.param("TODO: write this later", False, id="todo"),
        pytest.param("fixme describe the model", False, id="fixme"),
        pytest.param("Fit the model.", True, id="three-words"),
        pytest.param("Return the TODO list items.", True, id="todo-inside-is-fine"),
    ],
)
def test_is_meaningful(docstring: str | None, expected: bool) -> None:
    assert is_meaningful(docstring) is expected


def test_is_a_criterion_named_docstrings() -> None:
    assert isinstance(Docstrings(), Criterion)
    assert Docstrings.name == "docstrings"
