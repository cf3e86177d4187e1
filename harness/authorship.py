"""Authorship: which code lines did the candidate write?

Quality criteria (lint, docstrings, provenance) judge only the candidate's own
lines, so an untouched template earns nothing and template code never costs
the candidate points.  A line counts as *written* when it is a non-blank,
non-comment line of a code cell that cannot be matched to a template line.

Matching works on lines normalised by whitespace (re-indenting or re-spacing
template code is not authorship) in two passes:

1. ``difflib.SequenceMatcher`` over the whole code stream of both notebooks,
   in order.  Alignment decides *which* occurrence of a common line (``pass``,
   ``return result``) is the template's, so the candidate's own copy of such a
   line elsewhere still counts as written.
2. A multiset of the template lines left unmatched, consumed by the
   submission lines left unmatched.  This catches what an in-order diff
   cannot: cells moved or reordered, functions swapped.  Each template line
   excuses at most one submission line.

Whole-stream diffing (rather than cell by cell) is what makes inserted,
deleted, split and merged cells harmless.  Comment-only lines go through the
same two passes on their own (:func:`written_comments`): they are not code,
but copy declarations and source notes live in them.
"""

from __future__ import annotations

import difflib
import os
from collections import Counter

from harness.errors import NotebookError, TaskError
from harness.extract import extract_code, split_lines
from harness.intake import MAX_BYTES, MAX_CELLS, read_notebook
from harness.submission import Notebook, Submission

__all__ = ["build_submission", "written_comments", "written_lines"]

# SequenceMatcher is quadratic in the worst case; beyond this many lines the
# multiset pass alone decides (still correct up to which duplicate is whose).
_MAX_DIFF_LINES = 20_000

_Key = tuple[int, int]


def written_lines(submission: Notebook, template: Notebook | None) -> frozenset[tuple[int, int]]:
    """The (cell index, 1-based line) pairs of code the candidate wrote."""
    return _unmatched(submission, template, comments=False)


def written_comments(
    submission: Notebook, template: Notebook | None
) -> frozenset[tuple[int, int]]:
    """The comment-only lines the candidate added, matched the same way.

    Not code, so not in ``written``; but a copy declaration or a stray source
    note is exactly such a line, and provenance and lint must see it.
    """
    return _unmatched(submission, template, comments=True)


def _unmatched(
    submission: Notebook, template: Notebook | None, *, comments: bool
) -> frozenset[tuple[int, int]]:
    """Lines of one kind (code or comments) that no template line accounts for."""
    keys, texts = _line_stream(submission, comments)
    if template is None:
        return frozenset(keys)
    _, template_texts = _line_stream(template, comments)
    matched: set[int] = set()
    leftover_template: Counter[str] = Counter()
    if len(texts) + len(template_texts) <= _MAX_DIFF_LINES:
        matcher = difflib.SequenceMatcher(None, template_texts, texts, autojunk=False)
        used_template: set[int] = set()
        for block in matcher.get_matching_blocks():
            for offset in range(block.size):
                used_template.add(block.a + offset)
                matched.add(block.b + offset)
        leftover_template.update(t for i, t in enumerate(template_texts) if i not in used_template)
    else:
        leftover_template.update(template_texts)
    written: set[_Key] = set()
    for position, (key, text) in enumerate(zip(keys, texts)):
        if position in matched:
            continue
        if leftover_template[text] > 0:
            leftover_template[text] -= 1
        else:
            written.add(key)
    return frozenset(written)


def _line_stream(nb: Notebook, comments: bool) -> tuple[list[_Key], list[str]]:
    """Code lines (or, with ``comments``, comment-only lines) in notebook order.

    Blank lines are never authorship; the two kinds are matched separately
    so a comment can never excuse a line of code or the reverse.
    """
    keys: list[_Key] = []
    texts: list[str] = []
    for cell in nb.code_cells:
        for number, line in enumerate(split_lines(cell.source), start=1):
            normalised = " ".join(line.split())
            if not normalised or normalised.startswith("#") != comments:
                continue
            keys.append((cell.index, number))
            texts.append(normalised)
    return keys, texts


def build_submission(
    path: str | os.PathLike[str],
    template_path: str | os.PathLike[str] | None = None,
    *,
    max_bytes: int = MAX_BYTES,
    max_cells: int = MAX_CELLS,
) -> Submission:
    """Intake, extraction and authorship for one submission file.

    The template goes through the same intake first; a broken template is
    the task author's problem, so it raises TaskError, not NotebookError
    (which would be reported as the candidate's input error).
    """
    template = None
    if template_path is not None:
        try:
            template = read_notebook(template_path, max_bytes=max_bytes, max_cells=max_cells)
        except NotebookError as exc:
            raise TaskError(f"the task's template is unusable: {exc}") from exc
    notebook = read_notebook(path, max_bytes=max_bytes, max_cells=max_cells)
    return Submission(
        notebook=notebook,
        code=extract_code(notebook),
        written=written_lines(notebook, template),
        template=template,
    )
