"""The Markdown summary: what a PR shows, escaped, and without hidden tests
in candidate view."""

from __future__ import annotations

import re

import pytest

from harness.report.markdown import escape, render_markdown
from tests.report.conftest import HIDDEN_TEST_IDS, HOSTILE, SAMPLES, make_check, make_graded, make_hostile


def test_title_table_failures_and_advice() -> None:
    text = render_markdown(make_graded(), candidate_view=False)
    first = text.splitlines()[0]
    assert first.startswith("### submissions/alice.ipynb: ")
    assert re.search(r": \d+\.\d% \(\d+(\.\d+)? of 100 points\)$", first)
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert rows[0] == "| Criterion | Points | Max | Status | Summary |"
    assert "| runs\\_cleanly | 0 | 10 | **fail** | Cell 3 raised ValueError. |" in rows
    assert "| lint | 8 | 10 | partial | pylint score 8.0 / 10. |" in rows
    assert "- **runs\\_cleanly**: Restart the kernel and run all cells before submitting." in text
    assert "**Advice**" in text


def test_reviewer_view_counts_hidden_tests() -> None:
    text = render_markdown(make_graded(), candidate_view=False)
    assert "**Hidden tests** (reviewer view): 1 of 2 passed" in text
    assert "test\\_labels\\_match\\_reference" in text


@pytest.mark.parametrize("make", [make_graded, make_check], ids=["grade", "check"])
def test_candidate_view_shows_nothing_hidden(make) -> None:
    text = render_markdown(make(), candidate_view=True)
    assert "hidden\\_tests" not in text and "Hidden tests**" not in text
    assert "1 of 2" not in text and "of 2 hidden" not in text
    for test_id in HIDDEN_TEST_IDS:
        assert escape(test_id.split("::")[1]) not in text


def test_failing_public_tests_listed() -> None:
    text = render_markdown(make_hostile(), candidate_view=True)
    assert "**Failing public tests** (1)" in text


def test_hostile_text_is_inert() -> None:
    text = render_markdown(make_hostile(), candidate_view=False)
    assert HOSTILE not in text and "<script" not in text
    assert "&lt;script&gt;" in text
    assert "\x1b" not in text and "\x00" not in text
    for line in text.splitlines():
        if line.startswith("| ") and not line.startswith("|---"):
            unescaped_pipes = len(re.findall(r"(?<!\\)\|", line))
            assert unescaped_pipes == 6, line  # five cells: a candidate pipe adds none
    assert "nan" not in text.lower().replace("nano", "")
    assert len(text) < 30_000


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a|b", "a\\|b"),
        ("`rm -rf`", "\\`rm -rf\\`"),
        ("<details>", "&lt;details&gt;"),
        ("[x](javascript:alert(1))", "\\[x\\](javascript:alert(1))"),
        ("# heading", "\\# heading"),
        ("two\nlines", "two lines"),
        ("ping @org/team", "ping @\u200borg/team"),
    ],
    ids=["pipe", "backtick", "html", "link", "heading", "newline", "mention"],
)
def test_escape(raw: str, expected: str) -> None:
    assert escape(raw) == expected


def test_escape_caps_length() -> None:
    assert len(escape("x" * 10_000, 100)) < 130


@pytest.mark.parametrize("sample", sorted(SAMPLES))
def test_every_sample_renders(sample: str) -> None:
    for candidate_view in (False, True):
        text = render_markdown(SAMPLES[sample](), candidate_view=candidate_view)
        assert text.startswith("### ") and text.endswith("</sub>\n")
