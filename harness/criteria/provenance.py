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
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field

from harness.criteria._util import candidate_lines, is_code_line, option_number, status_for
from harness.extract import split_lines
from harness.criteria.base import Context
from harness.result import CriterionResult, Evidence, Status
from harness.submission import Submission

NOTE_PENALTY = 0.25  # per undeclared-looking source note
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
                else:
                    result.copied += 1
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


class Provenance:
    """Own versus declared code, with undeclared-looking source notes flagged."""

    name = "provenance"

    def evaluate(self, context: Context) -> CriterionResult:
        """Count own and copied lines; deduct for stray notes and for mostly copied code."""
        min_own_share = option_number(
            context.options, "min_own_share", 0.5, criterion=self.name, bounds=(0.0, 1.0)
        )
        counted = tally(context.submission)
        total = counted.own + counted.copied
        details: dict[str, object] = {
            "own_lines": counted.own,
            "copied_lines": counted.copied,
            "sources": list(counted.sources),
            "undeclared_notes": counted.notes,
        }
        if total == 0:
            return CriterionResult(
                id=self.name,
                score=0.0,
                status=Status.FAIL,
                summary="There is no code of your own to judge yet.",
                evidence=tuple(counted.evidence),
                advice=f"Write your solution; mark any code you copy with {MARKER_FORMAT}.",
                details=details,
            )
        score = max(0.0, 1.0 - NOTE_PENALTY * counted.notes)
        share = counted.own / total
        if share < min_own_share:
            score *= share / min_own_share
        summary = (
            f"{counted.own} own and {counted.copied} declared copied lines "
            f"from {len(counted.sources)} source(s)"
        )
        if counted.notes:
            summary += f"; {counted.notes} undeclared-looking source note(s)"
        return CriterionResult(
            id=self.name,
            score=score,
            status=status_for(score),
            summary=summary + ".",
            evidence=tuple(counted.evidence),
            advice=_advice(counted, share, min_own_share),
            details=details,
        )


def _advice(counted: _Tally, share: float, min_own_share: float) -> str:
    parts: list[str] = []
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
