"""Small helpers the static criteria share: options, status, "what did they write".

Kept private (leading underscore) because the rules here are the static
criteria's own conventions, not a public API.
"""

from __future__ import annotations

from collections.abc import Mapping

from harness.authorship import written_comments
from harness.errors import RubricError
from harness.extract import split_lines
from harness.result import CriterionResult, Status
from harness.submission import Submission

NOTHING_WRITTEN = "There is no code of your own to judge yet."


def status_for(score: float) -> Status:
    """PASS for full marks, FAIL for none, PARTIAL in between."""
    if score >= 1.0:
        return Status.PASS
    if score <= 0.0:
        return Status.FAIL
    return Status.PARTIAL


def option_number(
    options: Mapping[str, object],
    key: str,
    default: float,
    *,
    criterion: str,
    bounds: tuple[float, float],
) -> float:
    """Read a numeric rubric option, or fail naming the criterion and key.

    A wrong option is the rubric author's mistake, so it is a RubricError
    (an input error), never a silent fallback to the default.
    """
    low, high = bounds
    value = options.get(key, default)
    # bool is an int subclass; `pass_at = true` is a typo, not a number.
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise RubricError(
            f"criterion {criterion!r}: option {key!r} must be a number, got {value!r}; "
            f"use a value in [{low:g}, {high:g}] or leave it out (default {default:g})"
        )
    number = float(value)
    if not low <= number <= high:
        raise RubricError(
            f"criterion {criterion!r}: option {key!r} is {number:g}; "
            f"use a value in [{low:g}, {high:g}] (default {default:g})"
        )
    return number


def is_code_line(text: str) -> bool:
    """A line that carries code: not blank and not a whole-line comment."""
    stripped = text.strip()
    return bool(stripped) and not stripped.startswith("#")


def candidate_lines(submission: Submission) -> frozenset[tuple[int, int]]:
    """Written code lines plus the comment lines the candidate added.

    Authorship leaves comment-only lines out of ``written`` (a comment is not
    code), but a copy declaration or a stray source note is exactly such a
    line; it is matched against the template by the same mechanism.
    """
    return submission.written | written_comments(submission.notebook, submission.template)


def own_code_lines(submission: Submission) -> frozenset[tuple[int, int]]:
    """(cell, line) of every code line the candidate wrote.

    Read from the cells rather than the extracted module so that cells which
    do not parse (left out of the module) still count as written code.
    """
    lines: set[tuple[int, int]] = set()
    for cell in submission.notebook.code_cells:
        for number, text in enumerate(split_lines(cell.source), start=1):
            if submission.is_written(cell.index, number) and is_code_line(text):
                lines.add((cell.index, number))
    return frozenset(lines)


def nothing_written(criterion: str, advice: str) -> CriterionResult:
    """The result for an untouched template: quality of nothing is zero."""
    return CriterionResult(
        id=criterion,
        score=0.0,
        status=Status.FAIL,
        summary=NOTHING_WRITTEN,
        advice=advice,
    )
