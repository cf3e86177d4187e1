"""The terminal summary of a check: one row per criterion, then where the report is.

A candidate reads the terminal before the HTML report, so each row says what
to do next: which public test failed and its one-line error, which report
section is missing, the top lint messages with cell and line.  The candidate
view is what is shown (hidden tests skipped), and every string from the
notebook goes through :func:`harness.text.clean` and is cut to one line, so
escapes in a candidate's error message cannot repaint the terminal.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from harness.result import Evidence, GradeResult, Outcome, ScoredCriterion, Status, TestResult
from harness.text import clean

ADVICE_WIDTH = 100  # characters of advice per line
LINT_SHOWN = 3  # lint messages listed under the lint row
_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
_STATUS_MARK = {
    Status.PASS: "pass",
    Status.PARTIAL: "partial",
    Status.FAIL: "FAIL",
    Status.SKIPPED: "skipped",
    Status.ERROR: "ERROR",
}


def summary_table(result: GradeResult, report_paths: Sequence[object] = ()) -> str:
    """The lines printed after a check, ending with the report paths."""
    criteria, percent = _visible(result)
    rows = [(c.result.id, f"{c.points:g}/{c.max_points:g}", _STATUS_MARK[c.result.status],
             _advice(c, result.tests)) for c in criteria]
    widths = (max([len("criterion"), *(len(r[0]) for r in rows)]),
              max([len("points"), *(len(r[1]) for r in rows)]), 7)

    def row(name: str, points: str, status: str, advice: str) -> str:
        return (f"  {name:<{widths[0]}}  {points:>{widths[1]}}  {status:<{widths[2]}}  "
                f"{advice}").rstrip()

    lines = [f"{clean(result.notebook, 200)}: {percent:.1f}% [{result.status}] "
             f"({result.sandbox} sandbox)",
             row("criterion", "points", "status", "first thing to fix")]
    for name, points, status, advice in rows:
        first, *more = advice or ["-"]
        lines.append(row(name, points, status, first))
        lines += [row("", "", "", line) for line in more]
    lines += [f"report: {path}" for path in report_paths]
    return "\n".join(lines)


def _visible(result: GradeResult) -> tuple[tuple[ScoredCriterion, ...], float]:
    """The criteria and score a candidate may see (hidden tests skipped)."""
    if result.candidate_score is not None:
        return result.candidate_score.criteria, result.candidate_score.percent
    return result.criteria, result.percent


def _first_failed_test(tests: Sequence[TestResult]) -> str:
    """``test_name failed: its one-line error`` for the first public test that did not pass."""
    for test in tests:
        if test.suite == "public" and test.outcome != Outcome.PASSED:
            name = test.id.rsplit("::", 1)[-1]
            message = test.message.strip().splitlines()[0] if test.message.strip() else ""
            return _one_line(f"{name} {test.outcome.value}: {message}" if message
                             else f"{name} {test.outcome.value}")
    return ""


def _advice(scored: ScoredCriterion, tests: Sequence[TestResult]) -> list[str]:
    """One or a few one-line hints for a criterion that is not at full marks."""
    result = scored.result
    if result.status in (Status.PASS, Status.SKIPPED):
        return [_one_line(result.summary)]
    if result.id == "public_tests" and (failed := _first_failed_test(tests)):
        return [failed]
    evidence = sorted((e for e in result.evidence if e.severity in ("error", "warning")),
                      key=lambda e: _SEVERITY_ORDER.get(e.severity, 3))
    if result.id == "lint" and evidence:
        return [_one_line(_located(e)) for e in evidence[:LINT_SHOWN]]
    if evidence:
        return [_one_line(_located(evidence[0]))]
    return [_one_line(result.advice or result.summary)]


def _located(evidence: Evidence) -> str:
    """``cell 3 line 2: message`` when the evidence has a place."""
    if evidence.cell is None:
        return evidence.message
    where = f"cell {evidence.cell}" + (f" line {evidence.line}" if evidence.line else "")
    if evidence.message.startswith(where):
        return evidence.message
    return f"{where}: {evidence.message}"


def _one_line(text: str) -> str:
    line = " ".join(clean(text, 4 * ADVICE_WIDTH).split())
    return line if len(line) <= ADVICE_WIDTH else line[: ADVICE_WIDTH - 3] + "..."


def one_line_summary(result: GradeResult, previous: float | None) -> str:
    """A watch re-check: time, score (with the change), and the first thing to fix."""
    scored, percent = _visible(result)
    change = f" ({percent - previous:+.1f})" if previous is not None else ""
    todo = next((c for c in scored if c.result.status not in (Status.PASS, Status.SKIPPED)),
                None)
    advice = (f"next: {todo.result.id}: {_advice(todo, result.tests)[0]}" if todo is not None
              else "every criterion at full marks")
    stamp = datetime.now().strftime("%H:%M:%S")
    return f"[{stamp}] {clean(result.notebook, 200)}: {percent:.1f}%{change} | {advice}"
