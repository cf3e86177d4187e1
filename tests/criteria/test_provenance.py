from __future__ import annotations

import pytest

from harness.criteria.base import Context, Criterion
from harness.criteria.provenance import Provenance
from harness.errors import RubricError
from harness.result import Status
from tests.criteria.conftest import MakeContext, RealSubmission


OWN = "\n".join(f"value_{i} = {i}" for i in range(8))  # 8 own lines

DECLARED = """# copied-from: https://stackoverflow.com/a/4588028
def pairwise(a, b):
    return ((a[:, None] - b[None]) ** 2).sum(-1)
# end-copied
print(pairwise)"""


def test_declared_small_snippet_scores_full(make_context: MakeContext) -> None:
    result = Provenance().evaluate(make_context([("code", OWN), ("code", DECLARED)]))
    assert (result.score, result.status) == (1.0, Status.PASS)
    assert result.details == {
        "own_lines": 9,
        "copied_lines": 2,
        "sources": ["https://stackoverflow.com/a/4588028"],
        "undeclared_notes": 0,
        "undeclared_copied_lines": [],
        "copy_penalty": 2.0,
        "copy_detection": "on",
    }
    assert [(e.cell, e.line, e.kind) for e in result.evidence] == [(1, 1, "declared-copy")]
    assert "9 own and 2 declared copied lines" in result.summary


def test_declaring_never_scores_below_not_declaring(make_context: MakeContext) -> None:
    bare = DECLARED.replace("# copied-from: https://stackoverflow.com/a/4588028\n", "")
    bare = bare.replace("# end-copied\n", "")
    honest = Provenance().evaluate(make_context([("code", OWN), ("code", DECLARED)]))
    silent = Provenance().evaluate(make_context([("code", OWN), ("code", bare)]))
    assert honest.score >= silent.score == 1.0


def test_region_without_end_runs_to_end_of_cell(make_context: MakeContext) -> None:
    cells = [
        ("code", OWN),
        ("code", "x = 1\n# adapted-from: numpy docs\ny = 2\nz = 3"),
        ("code", "w = 4"),
    ]
    result = Provenance().evaluate(make_context(cells))
    assert (result.details["own_lines"], result.details["copied_lines"]) == (10, 2)
    assert result.details["sources"] == ["numpy docs"]


@pytest.mark.parametrize(
    ("comment", "flagged"),
    [
        pytest.param("# from https://stackoverflow.com/q/1", True, id="url"),
        pytest.param("# taken from StackOverflow", True, id="stackoverflow"),
        pytest.param("# copied from a blog post", True, id="copied-from-with-space"),
        pytest.param("# Source: sklearn examples", True, id="source-colon"),
        pytest.param("# credit: my colleague", True, id="credit"),
        pytest.param("# adapted from the pandas docs", True, id="adapted-from"),
        pytest.param("# based on the approach at http://example.org/x", True, id="based-on-url"),
        pytest.param("# compute the distances to every centre", False, id="ordinary-comment"),
        pytest.param("# open the data source", False, id="source-without-colon"),
    ],
)
def test_undeclared_source_notes(make_context: MakeContext, comment: str, flagged: bool) -> None:
    cells = [("code", OWN), ("code", f"a = 1\n{comment}\nb = 2")]
    result = Provenance().evaluate(make_context(cells))
    flags = [(e.cell, e.line) for e in result.evidence if e.kind == "undeclared-source"]
    assert flags == ([(1, 2)] if flagged else [])
    assert result.score == (0.75 if flagged else 1.0)


def test_trailing_comment_note_is_flagged_but_hash_in_string_is_not(
    make_context: MakeContext,
) -> None:
    cells = [
        ("code", OWN),
        ("code", 'url = "see https://example.org # not a comment"\ny = 2  # via https://x.org/a'),
    ]
    result = Provenance().evaluate(make_context(cells))
    assert [(e.cell, e.line) for e in result.evidence] == [(1, 2)]


def test_notes_inside_declared_region_are_not_flagged(make_context: MakeContext) -> None:
    region = "# copied-from: sklearn docs\n# see https://scikit-learn.org\nx = 1"
    cells = [("code", OWN), ("code", region)]
    result = Provenance().evaluate(make_context(cells))
    assert result.details["undeclared_notes"] == 0
    assert result.score == 1.0


def test_many_notes_floor_at_zero(make_context: MakeContext) -> None:
    notes = "\n".join(f"# https://example.org/{i}" for i in range(5))
    result = Provenance().evaluate(make_context([("code", f"{OWN}\n{notes}")]))
    assert (result.score, result.status) == (0.0, Status.FAIL)


def test_mostly_copied_code_is_scaled_down(make_context: MakeContext) -> None:
    copied = "# copied-from: https://github.com/example/kmeans\n" + OWN.replace("value", "c")
    cells = [("code", "a = 1\nb = 2"), ("code", copied)]
    result = Provenance().evaluate(make_context(cells))
    # own share 2 / 10 = 0.2, below 0.5: score 0.2 / 0.5
    assert result.score == pytest.approx(0.4)
    assert result.status is Status.PARTIAL
    assert "20%" in result.advice


def test_min_own_share_option(make_context: MakeContext) -> None:
    copied = "# copied-from: https://github.com/example/kmeans\n" + OWN.replace("value", "c")
    cells = [("code", "a = 1\nb = 2"), ("code", copied)]
    result = Provenance().evaluate(make_context(cells, min_own_share=0.2))
    assert result.score == 1.0


@pytest.mark.parametrize(
    ("marker", "kind"),
    [
        pytest.param("# copied-from:", "empty-source", id="no-source"),
        pytest.param("# copied-from: <source>", "empty-source", id="template-placeholder"),
        pytest.param("# end-copied", "orphan-end-marker", id="end-without-start"),
    ],
)
def test_malformed_markers_are_flagged_without_penalty(
    make_context: MakeContext, marker: str, kind: str
) -> None:
    cells = [("code", OWN), ("code", f"x = 1\n{marker}\ny = 2")]
    result = Provenance().evaluate(make_context(cells))
    assert [(e.cell, e.line, e.kind, e.severity) for e in result.evidence] == [
        (1, 2, kind, "warning")
    ]
    assert result.score == 1.0


def test_template_lines_are_neither_own_nor_copied(make_context: MakeContext) -> None:
    # The template shows the convention; only the candidate's two lines count.
    template_cell = "# copied-from: https://example.org\nimport numpy as np\n# https://docs.org"
    cells = [("code", template_cell), ("code", "a = 1\nb = 2")]
    context = make_context(cells, {(1, 1), (1, 2)}, template=[("code", template_cell)])
    result = Provenance().evaluate(context)
    assert (result.details["own_lines"], result.details["copied_lines"]) == (2, 0)
    assert result.evidence == ()


def test_real_authorship_sees_added_comment_lines(real_submission: RealSubmission) -> None:
    # Authorship never puts comment lines in `written`; the markers and notes
    # the candidate added must still be found.
    template = [("code", "# your code here\nimport numpy as np")]
    cells = [
        ("code", "# your code here\nimport numpy as np\n" + OWN),
        (
            "code",
            "# copied-from: https://example.org/snippet\nsnippet = 1\n# end-copied\n"
            "# taken from stackoverflow\nother = 2",
        ),
    ]
    result = Provenance().evaluate(Context(real_submission(cells, template)))
    assert result.details["own_lines"] == 9
    assert result.details["copied_lines"] == 1
    assert [(e.cell, e.line, e.kind) for e in result.evidence] == [
        (1, 1, "declared-copy"),
        (1, 4, "undeclared-source"),
    ]
    assert result.score == pytest.approx(0.75)


def test_untouched_template_scores_zero(make_context: MakeContext) -> None:
    result = Provenance().evaluate(make_context([("code", OWN)], written=set()))
    assert (result.score, result.status) == (0.0, Status.FAIL)
    assert "no code of your own" in result.summary


def test_bad_option_is_a_rubric_error(make_context: MakeContext) -> None:
    with pytest.raises(RubricError, match="'provenance'.*'min_own_share'"):
        Provenance().evaluate(make_context([("code", OWN)], min_own_share="half"))


def test_is_a_criterion_named_provenance() -> None:
    assert isinstance(Provenance(), Criterion)
    assert Provenance.name == "provenance"
