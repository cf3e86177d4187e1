"""Provenance: copied code is declared, own code dominates, undeclared copies are flagged.

The convention the task templates show::

    # copied-from: https://stackoverflow.com/a/12345   (or # adapted-from: ...)
    ...lines taken from there...
    # end-copied

Without ``# end-copied`` the region runs to the end of its cell.  Declaring a
small borrowed snippet costs nothing; a comment that names a source outside
this format ("taken from stackoverflow", a bare URL) is flagged so the
candidate declares it properly, and a notebook that is mostly declared copies
earns less, because the task is to see the candidate's own work.

Undeclared copies are found by fingerprints (:mod:`harness.similarity`):
the candidate's written code outside declared regions is compared with the
task's solution and every file in the task's ``known_sources/`` folder.  Each
matched region is evidence (cell, lines, source, share), and the copied
lines cost points: the score is multiplied by
``1 - copy_penalty * copied_lines / own_lines`` (at least 0).  A declared
region is never fingerprinted, so a declared copy costs nothing whatever it
matches.  Other submissions of a batch are compared at batch level, and
their matches folded in with :func:`harness.similarity.fold_peer_matches`.

In ``check`` mode (candidates) no comparison runs at all: a self-check that
said "this matches the solution" would let a candidate probe the solution
line by line.  The self-check judges declarations only and says so.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field
from pathlib import Path

from harness.authorship import build_submission
from harness.criteria._util import candidate_lines, is_code_line, option_number, status_for
from harness.extract import split_lines
from harness.criteria.base import Context
from harness.result import CriterionResult, Evidence, Status
from harness.similarity import (
    SOLUTION_LABEL,
    Match,
    compare_fingerprints,
    copy_evidence,
    copy_factor,
    fingerprint_submission,
    fingerprint_template,
    task_references,
)
from harness.submission import Submission

NOTE_PENALTY = 0.25  # per undeclared-looking source note
COPY_PENALTY = 2.0  # an undeclared copy of half the own code leaves nothing
SELF_CHECK_NOTE = (
    "A self-check does not compare your code with other code; when the hiring team grades, "
    "undeclared copies (from other submissions, the internet or a solution) are found and "
    "cost points. Declare what you copied."
)
MARKER_FORMAT = "# copied-from: <source> ... # end-copied"

_START = re.compile(r"^\s*#\s*(copied|adapted)-from\s*:?\s*(.*?)\s*$", re.IGNORECASE)
_END = re.compile(r"^\s*#\s*end-(copied|adapted)\b", re.IGNORECASE)
# A placeholder like "<source>" or "..." is not a source.
_EMPTY_SOURCE = re.compile(r"^(?:<[^>]*>|\.\.\.|todo|tbd|none|n/a|-)?$", re.IGNORECASE)
_SOURCE_NOTE = re.compile(
    r"https?://|www\.|stack\s*overflow|\b(?:copied|taken|adapted|borrowed|stolen) from\b"
    r"|\bsource\s*:|\bcredits?\s*:|\bbased on\b.*https?://"
    r"|\b(?:generated|written) (?:by|with|using) (?:chat\s*gpt|gpt|copilot|an? (?:ai|llm))",
    re.IGNORECASE,
)


@dataclass
class _Tally:
    own: int = 0
    copied: int = 0
    sources: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    notes: int = 0  # undeclared-looking source notes
    own_lines: set[tuple[int, int]] = field(default_factory=set)  # outside declared regions
    declared: set[tuple[int, int]] = field(default_factory=set)  # inside declared regions


def _comments(source: str) -> dict[int, str]:
    """Comment text by 1-based line, found by the tokenizer so '#' in strings is ignored."""
    found: dict[int, str] = {}
    try:
        for token in tokenize.generate_tokens(io.StringIO(source, newline=None).readline):
            if token.type == tokenize.COMMENT:
                found[token.start[0]] = token.string
    except (tokenize.TokenError, SyntaxError):
        # A cell that does not tokenize (an unclosed string): fall back to
        # whole-line comments, which is all a copy note usually is.
        return {
            number: text.strip()
            for number, text in enumerate(split_lines(source), start=1)
            if text.strip().startswith("#")
        }
    return found


def tally(submission: Submission) -> _Tally:
    """Walk the written lines of every code cell: regions, own lines, stray notes."""
    result = _Tally()
    mine = candidate_lines(submission)
    for cell in submission.notebook.code_cells:
        comments = _comments(cell.source)
        region: str | None = None  # the source of the region we are in
        for number, text in enumerate(split_lines(cell.source), start=1):
            if (cell.index, number) not in mine:
                continue  # the template's lines, markers included, are not the candidate's
            if start := _START.match(text):
                region = _open_region(result, cell.index, number, start.group(2))
                continue
            if _END.match(text):
                if region is None:
                    result.evidence.append(
                        Evidence(
                            "'# end-copied' without a '# copied-from:' above it in this cell",
                            cell=cell.index,
                            line=number,
                            kind="orphan-end-marker",
                            severity="warning",
                        )
                    )
                region = None
                continue
            if region is None and number in comments and _SOURCE_NOTE.search(comments[number]):
                result.notes += 1
                result.evidence.append(
                    Evidence(
                        f"looks like a source note but is not declared: {comments[number][:80]!r}; "
                        f"use {MARKER_FORMAT}",
                        cell=cell.index,
                        line=number,
                        kind="undeclared-source",
                        severity="warning",
                    )
                )
            if is_code_line(text):
                if region is None:
                    result.own += 1
                    result.own_lines.add((cell.index, number))
                else:
                    result.copied += 1
                    result.declared.add((cell.index, number))
    return result


def _open_region(result: _Tally, cell: int, line: int, source: str) -> str:
    if _EMPTY_SOURCE.match(source):
        result.evidence.append(
            Evidence(
                "copied region without a source: name where it came from (a URL, book, or repo)",
                cell=cell,
                line=line,
                kind="empty-source",
                severity="warning",
            )
        )
        return "(unnamed)"
    if source not in result.sources:
        result.sources.append(source)
    result.evidence.append(
        Evidence(f"declared copy from {source}", cell=cell, line=line, kind="declared-copy")
    )
    return source


def _undeclared_copies(context: Context, counted: _Tally) -> list[tuple[str, Match]]:
    """Suspicious matches of the candidate's undeclared code with the task's references."""
    task = context.task
    if task is None or context.mode != "grade":
        return []
    submission = context.submission
    mine = fingerprint_submission(submission, counted.declared)
    common = fingerprint_template(submission.template).hashes
    found = []
    itself = Path(submission.notebook.path).resolve()
    for reference in task_references(task.solution, task.root, task.template):
        if reference.path == itself:
            continue  # `task validate` grades the solution: it is not a copy of itself
        match = compare_fingerprints(mine, reference.fingerprint, common)
        if match.suspicious:
            found.append((reference.label, match))
    return found


def fingerprint_notebook(path: str | Path, template: str | Path | None) -> dict[str, object]:
    """The JSON fingerprint of one submission's written, undeclared code, for a batch store.

    Uses the same authorship and declared regions as this criterion; an
    unreadable notebook raises NotebookError (it has no code to compare).
    """
    return fingerprint_submission_json(build_submission(path, template))


def fingerprint_submission_json(submission: Submission) -> dict[str, object]:
    """:func:`fingerprint_notebook` for a submission already read."""
    return fingerprint_submission(submission, tally(submission).declared).to_json()


class Provenance:
    """Own versus declared code; undeclared source notes and undeclared copies flagged."""

    name = "provenance"
    # Read by the pipeline: a candidate's view of a full grade is judged again
    # in check mode, so it never carries comparisons with the solution.
    self_check_differs = True

    def evaluate(self, context: Context) -> CriterionResult:
        """Count own and copied lines; deduct for stray notes, copies and mostly copied code."""
        min_own_share = option_number(
            context.options, "min_own_share", 0.5, criterion=self.name, bounds=(0.0, 1.0)
        )
        penalty = option_number(
            context.options, "copy_penalty", COPY_PENALTY, criterion=self.name, bounds=(0.0, 100.0)
        )
        counted = tally(context.submission)
        total = counted.own + counted.copied
        matches = _undeclared_copies(context, counted)
        matched: frozenset[tuple[int, int]] = frozenset().union(
            *(match.lines for _, match in matches)
        )
        copied_lines = sorted(counted.own_lines & matched)
        details: dict[str, object] = {
            "own_lines": counted.own,
            "copied_lines": counted.copied,
            "sources": list(counted.sources),
            "undeclared_notes": counted.notes,
            "undeclared_copied_lines": [list(line) for line in copied_lines],
            "copy_penalty": penalty,
            "copy_detection": "off in a self-check" if context.mode != "grade" else "on",
        }
        evidence = list(counted.evidence)
        for label, match in matches:
            evidence.extend(copy_evidence(label, match, show_theirs=label != SOLUTION_LABEL))
        if context.mode != "grade":
            evidence.append(Evidence(SELF_CHECK_NOTE, kind="copy-detection"))
        if total == 0:
            return CriterionResult(
                id=self.name,
                score=0.0,
                status=Status.FAIL,
                summary="There is no code of your own to judge yet.",
                evidence=tuple(evidence),
                advice=f"Write your solution; mark any code you copy with {MARKER_FORMAT}.",
                details=details,
            )
        score = max(0.0, 1.0 - NOTE_PENALTY * counted.notes)
        share = counted.own / total
        if share < min_own_share:
            score *= share / min_own_share
        score *= copy_factor(len(copied_lines), counted.own, penalty)
        summary = (
            f"{counted.own} own and {counted.copied} declared copied lines "
            f"from {len(counted.sources)} source(s)"
        )
        if counted.notes:
            summary += f"; {counted.notes} undeclared-looking source note(s)"
        if copied_lines:
            summary += f"; {len(copied_lines)} line(s) match other code without a declaration"
        return CriterionResult(
            id=self.name,
            score=score,
            status=status_for(score),
            summary=summary + ".",
            evidence=tuple(evidence),
            advice=_advice(counted, share, min_own_share, bool(copied_lines)),
            details=details,
        )


def _advice(counted: _Tally, share: float, min_own_share: float, copies: bool) -> str:
    parts: list[str] = []
    if copies:
        parts.append(
            f"Code that matches another source must be declared with {MARKER_FORMAT}, "
            "or rewritten as your own."
        )
    if counted.notes:
        parts.append(
            f"Turn each flagged comment into a declaration: {MARKER_FORMAT} around the copied "
            "lines. A declared copy costs nothing."
        )
    if share < min_own_share:
        parts.append(
            f"Only {share:.0%} of your code is your own (at least {min_own_share:.0%} earns full "
            "marks): write the core of the solution yourself."
        )
    if any(e.kind in ("empty-source", "orphan-end-marker") for e in counted.evidence):
        parts.append("Give every '# copied-from:' a source, and pair each '# end-copied' with one.")
    return " ".join(parts)
