"""The result as a short Markdown summary for a pull request.

It is written for ``$GITHUB_STEP_SUMMARY`` and PR comments: a title with the
notebook and the score, a table of criteria, the failing public tests and
one piece of advice per criterion that lost points.  The full evidence stays
in the HTML report; this page must fit on one screen.

Everything the candidate controls (file name, test messages, summaries) is
hostile: GitHub renders Markdown *and* a subset of HTML, so a pipe would
break the table, a backtick or ``<details>`` could swallow the rest of the
page, and ``[x](javascript:...)`` would make a link.  :func:`escape` makes
such text inert, and every field is capped.

Candidate view removes the hidden tests and their criterion from the data
before rendering; the reviewer view lists hidden tests by count and names
the failing ones.
"""

from __future__ import annotations

import math
import re

from harness.report.json_report import HIDDEN_SUITE, candidate_result, clean_text
from harness.result import GradeResult, Outcome, ScoredCriterion, Status, TestResult

TITLE_CAP = 200
CELL_CAP = 200  # one table cell or list item
ADVICE_CAP = 400
TESTS_LISTED = 20  # failing tests listed per suite before "... and N more"

# Characters that open or close inline markup anywhere in a line: code
# spans, emphasis, links and images, table cells, strikethrough.  ``<``,
# ``>`` and ``&`` become entities instead (HTML, blockquotes, entities).
# Line-start markup is handled in :func:`escape`; every piece of candidate
# text is placed after a fixed prefix on its line.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_STATUS_LABEL = {
    Status.PASS: "pass",
    Status.PARTIAL: "partial",
    Status.FAIL: "**fail**",
    Status.SKIPPED: "skipped",
    Status.ERROR: "**error**",
}
_FAILED = (Outcome.FAILED, Outcome.ERROR, Outcome.MISSING)


def escape(text: object, limit: int = CELL_CAP) -> str:
    """Candidate text as inert Markdown on one line, at most ``limit`` chars of it."""
    cleaned = " ".join(clean_text(text, limit).split())
    cleaned = cleaned.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    # A zero-width space after "@" stops "@org/team" in a PR comment from
    # notifying anyone; a backslash does not.
    cleaned = cleaned.replace("@", "@\u200b")
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", cleaned)
    # After a "> " or "| " prefix a leading "#", "+", "-" or "=" could still
    # start a heading or list; a backslash keeps it a plain character.
    return "\\" + escaped if escaped[:1] in ("#", "+", "-", "=") else escaped


def render_markdown(result: GradeResult, *, candidate_view: bool) -> str:
    """Render ``result`` as a Markdown summary (GitHub-flavoured)."""
    shown = candidate_result(result) if candidate_view else result
    lines = [_title(shown), "", f"> {escape(shown.message, 400)}", ""]
    lines += _criteria_table(shown.criteria)
    lines += _failing_tests(shown.tests, "public", "Failing public tests")
    if not candidate_view:
        lines += _hidden_tests(shown.tests)
    lines += _advice(shown.criteria)
    lines.append(
        f"<sub>takehome {escape(shown.harness_version or 'unknown', 40)} · task "
        f"{escape(shown.task, 80)} · mode {escape(shown.mode, 20)} · sandbox "
        f"{escape(shown.sandbox, 20)} · status {escape(shown.status, 40)}</sub>"
    )
    return "\n".join(lines) + "\n"


def _title(result: GradeResult) -> str:
    percent = _finite(result.percent)
    return (
        f"### {escape(result.notebook, TITLE_CAP)}: {percent:.1f}% "
        f"({_number(result.points)} of {_number(result.max_points)} points)"
    )


def _criteria_table(criteria: tuple[ScoredCriterion, ...]) -> list[str]:
    if not criteria:
        return []
    lines = ["| Criterion | Points | Max | Status | Summary |", "|---|---:|---:|---|---|"]
    for scored in criteria:
        res = scored.result
        lines.append(
            f"| {escape(res.id, 60)} | {_number(scored.points)} | {_number(scored.max_points)} "
            f"| {_STATUS_LABEL.get(res.status, escape(res.status))} | {escape(res.summary)} |"
        )
    return [*lines, ""]


def _failing_tests(tests: tuple[TestResult, ...], suite: str, heading: str) -> list[str]:
    failing = [t for t in tests if t.suite == suite and t.outcome in _FAILED]
    if not failing:
        return []
    lines = [f"**{heading}** ({len(failing)})", ""]
    for test in failing[:TESTS_LISTED]:
        detail = f": {escape(test.message)}" if test.message else ""
        lines.append(f"- {escape(test.id, 150)} ({test.outcome.value}){detail}")
    if len(failing) > TESTS_LISTED:
        lines.append(f"- ... and {len(failing) - TESTS_LISTED} more")
    return [*lines, ""]


def _hidden_tests(tests: tuple[TestResult, ...]) -> list[str]:
    """Reviewer view only: how the hidden suite did, failing tests by name."""
    hidden = [t for t in tests if t.suite == HIDDEN_SUITE]
    if not hidden:
        return []
    passed = sum(1 for t in hidden if t.outcome == Outcome.PASSED)
    lines = [f"**Hidden tests** (reviewer view): {passed} of {len(hidden)} passed", ""]
    return lines + _failing_tests(tuple(hidden), HIDDEN_SUITE, "Failing hidden tests")


def _advice(criteria: tuple[ScoredCriterion, ...]) -> list[str]:
    items = [
        f"- **{escape(s.result.id, 60)}**: {escape(s.result.advice, ADVICE_CAP)}"
        for s in criteria
        if s.result.advice and _finite(s.points) < _finite(s.max_points)
    ]
    return ["**Advice**", "", *items, ""] if items else []


def _finite(value: float) -> float:
    number = float(value)
    return number if math.isfinite(number) else 0.0


def _number(value: float) -> str:
    return f"{round(_finite(value), 2):g}"
