from __future__ import annotations

import pytest

from harness.criteria.base import Criterion
from harness.criteria.report import Report, find_sections, section_key
from harness.result import Status
from harness.submission import Cell, Notebook
from tests.criteria.conftest import MakeContext


# 17-18 words each (k-means counts as two); two of them clear the default minimum of 20.
APPROACH = (
    "I used Lloyd's algorithm with k-means++ seeding and stopped once the centres "
    "moved less than 1e-6."
)
TRIED = (
    "I also tried random seeding and mini-batch updates, but both converged slower "
    "on the provided data."
)
IMPROVE = (
    "With more time I would vectorise the assignment step further and add an elbow "
    "plot for choosing k."
)

TEMPLATE_REPORT = (
    "## Report\n\n"
    "### Approach\n\n_Replace this text with your approach._\n\n"
    "### What I tried\n\n_Replace this text with what you tried._\n\n"
    "### What I would improve with more time\n\n_Replace this text with your ideas._\n"
)
TEMPLATE = [
    ("markdown", "# K-means\n\nImplement `kmeans` below."),
    ("code", "def kmeans(X, k):\n    raise NotImplementedError"),
    ("markdown", TEMPLATE_REPORT),
]


def report_cell(approach: str, tried: str, improve: str) -> str:
    return (
        "## Report\n\n"
        f"### Approach\n\n{approach}\n\n"
        f"### What I tried\n\n{tried}\n\n"
        f"### What I would improve with more time\n\n{improve}\n"
    )


def submission_cells(report: str) -> list[tuple[str, str]]:
    return [TEMPLATE[0], ("code", "def kmeans(X, k):\n    return X[:k]"), ("markdown", report)]


def test_three_real_sections_pass(make_context: MakeContext) -> None:
    report = report_cell(APPROACH * 2, TRIED * 2, IMPROVE * 2)
    result = Report().evaluate(make_context(submission_cells(report), template=TEMPLATE))
    assert (result.score, result.status) == (1.0, Status.PASS)
    assert [(e.cell, e.line, e.kind) for e in result.evidence] == [
        (2, 3, "section"),
        (2, 7, "section"),
        (2, 11, "section"),
    ]
    assert result.details["words"] == {"approach": 36, "tried": 34, "improve": 36}
    assert result.advice == ""


def test_untouched_template_scores_zero(make_context: MakeContext) -> None:
    result = Report().evaluate(make_context(TEMPLATE, written=set(), template=TEMPLATE))
    assert (result.score, result.status) == (0.0, Status.FAIL)
    assert [e.kind for e in result.evidence] == ["placeholder"] * 3


def test_partial_with_placeholder_and_missing_section(make_context: MakeContext) -> None:
    report = (
        f"## Approach\n\n{APPROACH * 2}\n\n"
        "## What I tried\n\n_Replace this text with what you tried._\n"
    )
    result = Report().evaluate(make_context(submission_cells(report), template=TEMPLATE))
    assert result.status is Status.PARTIAL
    assert result.score == pytest.approx(1 / 3)
    assert [(e.cell, e.line, e.kind) for e in result.evidence] == [
        (2, 1, "section"),
        (2, 5, "placeholder"),
        (None, None, "missing-section"),
    ]
    assert "What I would improve with more time" in result.advice


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            "_Replace this text with your approach._\n\n" + APPROACH * 3, id="placeholder-left-in"
        ),
        pytest.param(
            "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor "
            "incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam.",
            id="lorem-ipsum",
        ),
        pytest.param(
            "Describe your approach here in a few short sentences please.", id="near-template"
        ),
        pytest.param("TODO ... <write here>", id="filler-only"),
        pytest.param(APPROACH, id="too-short"),
    ],
)
def test_placeholder_text_earns_nothing(make_context: MakeContext, text: str) -> None:
    template = [("markdown", "## Approach\n\nDescribe your approach here in a few sentences.")]
    cells = [("markdown", f"## Approach\n\n{text}")]
    result = Report().evaluate(make_context(cells, template=template))
    assert result.score == 0.0
    assert result.evidence[0].kind in {"placeholder", "short-section"}
    assert (result.evidence[0].cell, result.evidence[0].line) == (0, 1)


def test_kept_template_instructions_do_not_count_as_words(make_context: MakeContext) -> None:
    instructions = (
        "Describe your approach in a few paragraphs: which algorithm you chose, "
        "why you chose it, and how you checked that it works."
    )
    template = [("markdown", f"## Approach\n\n{instructions}")]
    # Different enough from the template to be judged, but only 18 own words.
    cells = [("markdown", f"## Approach\n\n{instructions}\n\n{APPROACH}")]
    result = Report().evaluate(make_context(cells, template=template))
    assert result.details["words"] == {"approach": 18}
    assert result.evidence[0].kind == "short-section"


def test_min_words_option(make_context: MakeContext) -> None:
    cells = [("markdown", f"## Approach\n\n{APPROACH}")]
    result = Report().evaluate(make_context(cells, min_words=10))
    assert result.evidence[0].kind == "section"
    assert result.score == pytest.approx(1 / 3)


@pytest.mark.parametrize(
    ("heading", "key"),
    [
        ("Approach", "approach"),
        ("My approach", "approach"),
        ("My Approach:", "approach"),
        ("1. Approach", "approach"),
        ("Method", "approach"),
        ("Methodology", "approach"),
        ("Solution overview", "approach"),
        ("How it works", "approach"),
        ("**Approach**", "approach"),
        ("Step 1: Approach", "approach"),
        ("What I tried", "tried"),
        ("Things I tried", "tried"),
        ("Experiments", "tried"),
        ("What was tried", "tried"),
        ("Alternatives considered", "tried"),
        ("Attempts", "tried"),
        ("Approaches tried", "tried"),
        ("2) What I've tried", "tried"),
        ("What I would improve with more time", "improve"),
        ("Improvements", "improve"),
        ("Future work", "improve"),
        ("Next steps", "improve"),
        ("With more time", "improve"),
        ("Limitations and next steps", "improve"),
        ("What I\u2019d do differently", "improve"),
        ("What I'd improve", "improve"),
        ("\U0001f680 Next Steps", "improve"),
        ("Results", "tried"),
        ("Findings", "tried"),
        ("Limitations", "improve"),
        ("Ansatz", "approach"),
        ("Approche", "approach"),
        ("Ergebnisse", "tried"),
        ("Ausblick", "improve"),
        ("Conclusion", None),
        ("Solution", None),
        ("Overview", None),
        ("Data processing", None),
        ("Processing the data", None),
        ("Task description", None),
    ],
    ids=str,
)
def test_section_key_heading_variants(heading: str, key: str | None) -> None:
    assert section_key(heading) == key


def notebook(*sources: str | tuple[str, str]) -> Notebook:
    cells = []
    for index, item in enumerate(sources):
        kind, source = item if isinstance(item, tuple) else ("markdown", item)
        cells.append(Cell(index, kind, source))
    return Notebook("n.ipynb", tuple(cells), {}, "4.5")


@pytest.mark.parametrize(
    ("markdown", "line", "title"),
    [
        pytest.param("# Approach\nText here.", 1, "Approach", id="h1"),
        pytest.param("###### 3. Method:\nText here.", 1, "3. Method:", id="h6-numbered"),
        pytest.param("Intro\n\n**Approach**\nText here.", 3, "Approach", id="bold-line"),
        pytest.param("**Approach:**\nText here.", 1, "Approach:", id="bold-colon-inside"),
        pytest.param("**Approach**:\nText here.", 1, "Approach", id="bold-colon-outside"),
        pytest.param("How it works\n------------\nText here.", 1, "How it works", id="setext-h2"),
        pytest.param("Methodology\n===\nText here.", 1, "Methodology", id="setext-h1"),
        pytest.param("#Approach\nText here.", 1, "Approach", id="atx-no-space"),
    ],
)
def test_heading_forms_found_with_their_line(markdown: str, line: int, title: str) -> None:
    sections = find_sections(notebook("# Task", markdown))
    assert [(s.key, s.cell, s.line, s.title, s.text) for s in sections] == [
        ("approach", 1, line, title, "Text here.")
    ]


def test_bold_heading_with_inline_content() -> None:
    sections = find_sections(notebook("**What I tried:** random seeding, then k-means++."))
    assert [(s.key, s.line, s.text) for s in sections] == [
        ("tried", 1, "random seeding, then k-means++.")
    ]


def test_bold_emphasis_in_prose_is_not_a_heading() -> None:
    assert find_sections(notebook("**Approach** matters a lot in this task.")) == []


def test_section_runs_across_cells_until_same_level_heading() -> None:
    nb = notebook(
        "## Approach\nFirst part.",
        ("code", "x = 1"),
        "### Details\nSecond part.",
        "## Appendix\nNot approach.",
    )
    sections = find_sections(nb)
    assert len(sections) == 1
    assert sections[0].text == "First part.\nDetails\nSecond part."


def test_nested_other_section_ends_a_section() -> None:
    nb = notebook("## Approach\nMine.\n### Notes\nMore.\n### What I tried\nOther.")
    assert [(s.key, s.text) for s in find_sections(nb)] == [
        ("approach", "Mine.\nNotes\nMore."),
        ("tried", "Other."),
    ]


def test_headings_in_code_fences_are_ignored() -> None:
    nb = notebook("Example:\n```\n## Approach\n```\nThe end.")
    assert find_sections(nb) == []


def test_best_occurrence_is_credited(make_context: MakeContext) -> None:
    # A kept template heading with its placeholder, then the candidate's own.
    cells = [
        ("markdown", "## Approach\n\n_Replace this text with your approach._"),
        ("markdown", f"## My approach\n\n{APPROACH * 2}"),
    ]
    result = Report().evaluate(make_context(cells))
    assert [(e.cell, e.line, e.kind) for e in result.evidence][0] == (1, 1, "section")


def test_kept_instructions_plus_enough_own_words_earn_credit(make_context: MakeContext) -> None:
    instructions = "Describe your approach in a few paragraphs."
    template = [("markdown", f"## Approach\n\n{instructions}")]
    cells = [("markdown", f"## Approach\n\n{instructions}\n\n{APPROACH * 2}")]
    result = Report().evaluate(make_context(cells, template=template))
    assert result.details["words"] == {"approach": 36}
    assert result.evidence[0].kind == "section"


def test_is_a_criterion_named_report() -> None:
    assert isinstance(Report(), Criterion)
    assert Report.name == "report"
