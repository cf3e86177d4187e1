"""The result as one self-contained HTML page a reviewer reads.

The page carries its own CSS and nothing else: no scripts, fonts or images
from anywhere, so it opens the same offline, in a mail attachment or from a
CI artifact, years later.  Everything the candidate controlled (code,
outputs, messages) is hostile text: it is cleaned with
:func:`~harness.report.json_report.clean_text`, capped, and escaped by
Jinja's autoescape; the template never marks anything ``|safe``.

The template reads a small view model built here rather than the result
itself, so every cap and every grouping rule is in Python and testable.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import jinja2

from harness.report.json_report import candidate_result, clean_text
from harness.report.review_marks import ReviewMarks
from harness.result import CellRun, GradeResult, ScoredCriterion, SourceLine, TestResult

# Caps per field, in characters: generous enough for a reviewer, small
# enough that a runaway print loop cannot make a 100 MB page.
MESSAGE_CAP = 4_000
OUTPUT_CAP = 20_000
TRACEBACK_CAP = 20_000
SOURCE_LINE_CAP = 500
SOURCE_LINES_CAP = 5_000  # lines of candidate code shown in total
EVIDENCE_CAP = 200  # evidence items listed per criterion

LINT_CRITERION = "lint"
_CELL_STATUSES = ("ok", "error", "timeout", "dead", "not-run")

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("harness.report", "templates"),
    autoescape=True,  # all of it, whatever the file name says
    undefined=jinja2.StrictUndefined,  # a typo in the template fails the tests
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
# Compiled once at import: rendering then costs a few milliseconds.
_TEMPLATE = _ENV.get_template("report.html.j2")


@dataclass(frozen=True)
class _EvidenceView:
    message: str
    where: str  # "cell 3, line 4", "cell 3" or ""
    anchor: str  # id of the code line to link to, or ""
    kind: str
    severity: str


@dataclass(frozen=True)
class _CriterionView:  # pylint: disable=too-many-instance-attributes  # one per thing the page shows
    id: str
    anchor: str
    status: str
    points: str
    max_points: str
    weight: str
    percent: float  # 0-100, for the bar
    summary: str
    advice: str
    evidence: tuple[_EvidenceView, ...]
    evidence_hidden: int  # items beyond EVIDENCE_CAP


@dataclass(frozen=True)
class _LintNote:
    symbol: str
    message: str


@dataclass(frozen=True)
class _LineView:
    number: int
    anchor: str
    text: str
    candidate_written: bool
    notes: tuple[_LintNote, ...]


@dataclass(frozen=True)
class _CellCode:
    index: int
    lines: tuple[_LineView, ...]
    written: int  # lines the candidate wrote


def render_html(result: GradeResult, *, candidate_view: bool = False,
                review: ReviewMarks | None = None) -> str:
    """Render ``result`` as a standalone HTML page.

    ``candidate_view=True`` renders the candidate's copy: hidden tests and
    the hidden-test criterion are removed before rendering, so nothing on the
    page (not even a count) depends on them.  ``review`` adds the hiring
    team's adjusted score and overrides (never to the candidate's copy).
    """
    if candidate_view:
        result, review = candidate_result(result), None
    context = _context(result, candidate_view)
    context["review"] = None if review is None else {
        "percent": _fmt(review.percent, 1),
        "automatic_percent": _fmt(review.automatic_percent, 1),
        "points": _fmt(review.points, 2),
        "max_points": _fmt(review.max_points, 2),
        "decision": clean_text(review.decision, 20),
        "note": clean_text(review.note, MESSAGE_CAP),
        "overrides": [o.text() for o in review.overrides],
        "stale": review.stale,
    }
    return _TEMPLATE.render(context)


def report_view(result: GradeResult) -> dict[str, Any]:
    """The cleaned, capped view model of the full report, for pages that embed it.

    The review app shows the same criteria, tests, cell runs and code with
    its own controls around them; it reads this model so every cap and
    cleaning rule stays in this module.
    """
    context = _context(result, False)
    context["review"] = None
    return context


def _context(result: GradeResult, candidate_view: bool) -> dict[str, Any]:
    lint_notes = _lint_notes(result.criteria)
    code = _code(result.source, lint_notes)
    code_lines = sum(len(c.lines) for c in code)
    return {
        "title": f"{clean_text(result.task, 200)} \u2014 {clean_text(result.notebook, 200)}",
        "notebook": clean_text(result.notebook, 1_000),
        "task": clean_text(result.task, 200),
        "mode": clean_text(result.mode, 50),
        "sandbox": clean_text(result.sandbox, 50),
        "status": clean_text(result.status, 50),
        "status_class": _run_status_class(result.status),
        "message": clean_text(result.message, MESSAGE_CAP),
        "percent": _fmt(result.percent, 1),
        "percent_value": _bar(result.percent),
        "points": _fmt(result.points, 2),
        "max_points": _fmt(result.max_points, 2),
        "candidate_view": candidate_view,
        "criteria": [_criterion(c) for c in result.criteria],
        "tests": [_test(t) for t in result.tests],
        "test_counts": _counts(t.outcome.value for t in result.tests),
        "cells": [_cell(c) for c in result.cells],
        "code": code,
        "code_truncated": len(result.source) > code_lines,
        "timings": [(clean_text(k, 100), _fmt(v, 2)) for k, v in sorted(result.timings.items())],
        "harness_version": clean_text(result.harness_version, 100),
        "schema_version": clean_text(result.schema_version, 20),
    }


def _fmt(value: float, digits: int) -> str:
    """Format a number for people: fixed digits, no trailing zeros, NaN as a dash."""
    v = float(value)
    if not math.isfinite(v):
        return "\u2013"
    text = f"{v:.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _bar(percent: float) -> float:
    v = float(percent)
    return 0.0 if not math.isfinite(v) else max(0.0, min(100.0, round(v, 1)))


def _run_status_class(status: str) -> str:
    """A graded run is good news; anything else is the first thing to read."""
    return "ok" if status == "graded" else "bad"


def _where(cell: int | None, line: int | None) -> tuple[str, str]:
    if cell is None:
        return "", ""
    if line is None:
        return f"cell {cell}", f"cell-{cell}"
    return f"cell {cell}, line {line}", f"cell-{cell}-line-{line}"


def _criterion(scored: ScoredCriterion) -> _CriterionView:
    res = scored.result
    evidence = []
    for ev in res.evidence[:EVIDENCE_CAP]:
        where, anchor = _where(ev.cell, ev.line)
        evidence.append(
            _EvidenceView(
                message=clean_text(ev.message, MESSAGE_CAP),
                where=where,
                anchor=anchor,
                kind=clean_text(ev.kind, 100),
                severity=_severity(ev.severity),
            )
        )
    cid = clean_text(res.id, 100)
    return _CriterionView(
        id=cid,
        anchor="criterion-" + "".join(ch if ch.isalnum() else "-" for ch in cid),
        status=res.status.value,
        points=_fmt(scored.points, 2),
        max_points=_fmt(scored.max_points, 2),
        weight=_fmt(scored.weight, 2),
        percent=_bar(100.0 * res.score),
        summary=clean_text(res.summary, MESSAGE_CAP),
        advice=clean_text(res.advice, MESSAGE_CAP),
        evidence=tuple(evidence),
        evidence_hidden=max(0, len(res.evidence) - EVIDENCE_CAP),
    )


def _severity(severity: str) -> str:
    # Used as a CSS class, so only known words get through.
    return severity if severity in ("info", "warning", "error") else "info"


def _test(test: TestResult) -> dict[str, str]:
    return {
        "id": clean_text(test.id, 500),
        "suite": clean_text(test.suite, 50),
        "outcome": test.outcome.value,
        "message": clean_text(test.message, MESSAGE_CAP),
        "duration": _fmt(test.duration, 2),
    }


def _counts(values: Iterable[str]) -> list[tuple[str, int]]:
    counts: dict[str, int] = defaultdict(int)
    for v in values:
        counts[v] += 1
    return sorted(counts.items())


def _cell(cell: CellRun) -> dict[str, Any]:
    status = clean_text(cell.status, 50)
    return {
        "index": cell.index,
        "status": status,
        # Used as a CSS class, so only known words get through.
        "status_class": status if status in _CELL_STATUSES else "other",
        "duration": _fmt(cell.duration, 2),
        "error_name": clean_text(cell.error_name, 200),
        "error_value": clean_text(cell.error_value, MESSAGE_CAP),
        "traceback": clean_text(cell.traceback, TRACEBACK_CAP),
        "output": clean_text(cell.output, OUTPUT_CAP),
    }


def _lint_notes(criteria: Iterable[ScoredCriterion]) -> dict[tuple[int, int], list[_LintNote]]:
    """Index the lint criterion's messages by (cell, line) to show them inline.

    ``details["messages"]`` is written by the lint criterion; entries that do
    not have the expected shape are skipped rather than failing the report.
    """
    notes: dict[tuple[int, int], list[_LintNote]] = defaultdict(list)
    for scored in criteria:
        if scored.result.id != LINT_CRITERION:
            continue
        messages = scored.result.details.get("messages", ())
        if not isinstance(messages, list | tuple):
            continue
        for m in messages:
            if not isinstance(m, Mapping):
                continue
            cell, line = m.get("cell"), m.get("line")
            if not isinstance(cell, int) or not isinstance(line, int):
                continue
            notes[(cell, line)].append(
                _LintNote(
                    symbol=clean_text(m.get("symbol", ""), 100),
                    message=clean_text(m.get("message", ""), MESSAGE_CAP),
                )
            )
    return notes


def _code(
    source: Iterable[SourceLine], notes: Mapping[tuple[int, int], list[_LintNote]]
) -> list[_CellCode]:
    """Group candidate code by cell, in notebook order, with lint notes attached."""
    by_cell: dict[int, list[_LineView]] = defaultdict(list)
    for shown, sl in enumerate(source):
        if shown >= SOURCE_LINES_CAP:
            break
        by_cell[sl.cell].append(
            _LineView(
                number=sl.line,
                anchor=f"cell-{sl.cell}-line-{sl.line}",
                text=clean_text(sl.text, SOURCE_LINE_CAP).replace("\n", " "),
                candidate_written=sl.candidate_written,
                notes=tuple(notes.get((sl.cell, sl.line), ())),
            )
        )
    return [
        _CellCode(
            index=index,
            lines=tuple(lines),
            written=sum(1 for ln in lines if ln.candidate_written),
        )
        for index, lines in sorted(by_cell.items())
    ]
