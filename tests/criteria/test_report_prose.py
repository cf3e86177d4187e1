"""The report criterion on reports without our headings (issue 9)."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from harness.criteria.report import Report
from harness.criteria.report_prose import FALLBACK_CREDIT
from harness.errors import TaskError
from harness.result import Status
from harness.task import load_task
from tests.criteria.conftest import MakeContext
from tests.criteria.test_report import TEMPLATE, submission_cells

ROOT = Path(__file__).resolve().parents[2]

PROSE = (
    "I implemented Lloyd's algorithm with numpy broadcasting and initialised the centroids "
    "with k distinct points drawn from the seeded generator, so runs are reproducible. "
    "The loop stops once the labels no longer change, or after max_iter rounds. "
    "At first I tried stopping on centroid movement with a tolerance, but it turned out to "
    "need tuning and sometimes stopped with stale labels, so I switched to the label test. "
    "With more time I would add k-means++ seeding and several restarts, and I would test "
    "empty clusters more carefully because the current re-seeding is crude."
)


def test_one_prose_cell_earns_most_of_the_credit(make_context: MakeContext) -> None:
    cells = [TEMPLATE[0], ("code", "def kmeans(X, k):\n    return X[:k]"), ("markdown", PROSE)]
    result = Report().evaluate(make_context(cells, template=TEMPLATE))
    assert result.score == pytest.approx(FALLBACK_CREDIT)
    assert result.status is Status.PARTIAL
    assert [(e.kind, e.cell) for e in result.evidence] == [("prose-section", 2)] * 3
    assert "without a heading" in result.evidence[0].message
    assert set(result.details["prose_words"]) == {"approach", "tried", "improve"}


def test_prose_beside_placeholder_headings_still_counts(make_context: MakeContext) -> None:
    cells = [*submission_cells(TEMPLATE[2][1]), ("markdown", PROSE)]
    result = Report().evaluate(make_context(cells, template=TEMPLATE))
    assert result.score == pytest.approx(FALLBACK_CREDIT)


def test_headed_sections_beat_prose(make_context: MakeContext) -> None:
    report = f"## Results\n\n{PROSE}\n\n## Limitations\n\n{PROSE}"
    result = Report().evaluate(make_context(submission_cells(report), template=TEMPLATE))
    # "Results" is a 'tried' heading and "Limitations" an 'improve' one; approach is prose.
    assert [e.kind for e in result.evidence] == ["prose-section", "section", "section"]
    assert result.score == pytest.approx((2 + FALLBACK_CREDIT) / 3)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            "Lorem ipsum dolor sit amet, I would tried implemented consectetur adipiscing elit "
            "sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. " * 3,
            id="lorem-ipsum",
        ),
        pytest.param(TEMPLATE[0][1] + "\n\n" + TEMPLATE[2][1], id="task-text-copied"),
        pytest.param("I would. I tried. I used it.", id="too-little"),
    ],
)
def test_filler_prose_earns_nothing(make_context: MakeContext, text: str) -> None:
    cells = [TEMPLATE[0], ("code", "def kmeans(X, k):\n    return X[:k]"), ("markdown", text)]
    result = Report().evaluate(make_context(cells, template=TEMPLATE))
    assert result.score == 0.0


def test_task_heading_synonyms(make_context: MakeContext, tmp_path: Path) -> None:
    folder = tmp_path / "kmeans"
    shutil.copytree(ROOT / "tasks" / "kmeans", folder)
    with (folder / "task.toml").open("a", encoding="utf-8") as handle:
        handle.write('\n[report.headings]\napproach = ["Thinking out loud"]\n'
                     'tried = ["Dead ends"]\nimprove = ["Wishlist"]\n')
    task = load_task(folder)
    body = "Plain words with no cue phrases at all, just a description of things. " * 3
    report = f"## Thinking out loud\n\n{body}\n\n## Dead ends\n\n{body}\n\n## Wishlist\n\n{body}"
    context = make_context(submission_cells(report), template=TEMPLATE)
    assert Report().evaluate(context).score == 0.0  # unknown headings, no cues
    result = Report().evaluate(dataclasses.replace(context, task=task))
    assert (result.score, [e.kind for e in result.evidence]) == (1.0, ["section"] * 3)


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('[report.headings]\nconclusion = ["X"]\n', "conclusion"),
        ('[report.headings]\napproach = "Design"\n', "list of non-empty heading phrases"),
        ("[report]\nheading = 1\n", "heading"),
    ],
)
def test_bad_heading_synonyms_name_the_key(tmp_path: Path, table: str, message: str) -> None:
    folder = tmp_path / "kmeans"
    shutil.copytree(ROOT / "tasks" / "kmeans", folder)
    with (folder / "task.toml").open("a", encoding="utf-8") as handle:
        handle.write("\n" + table)
    with pytest.raises(TaskError, match=message):
        load_task(folder)
