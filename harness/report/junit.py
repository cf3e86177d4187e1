"""The result as JUnit XML, the format every CI system already displays.

GitHub, GitLab, Jenkins and Azure read ``<testsuites>`` files and show failed
test cases next to a pull request.  One ``<testsuite>`` per test suite
(public, hidden, the candidate's own) plus one named ``criteria`` in which
each rubric criterion is a test case that fails when it lost points, so a CI
page lists "lint lost 2 of 10 points" beside "test_labels_in_range failed".

Candidate view: hidden tests and the hidden-tests criterion are removed from
the data (:func:`~harness.report.json_report.candidate_result`) before any
element is built, so neither their names nor their count reach the XML.

Candidate text is cleaned and capped; ``xml.etree`` escapes it.  Characters
XML 1.0 cannot carry at all (control characters, U+FFFE/U+FFFF, lone
surrogates) are removed, and numbers are always finite.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable

from harness.report.json_report import candidate_result, clean_text
from harness.result import GradeResult, Outcome, ScoredCriterion, Status, TestResult

MESSAGE_CAP = 500  # the ``message`` attribute: one line in a CI table
BODY_CAP = 4_000  # the element text: details a reviewer expands
EVIDENCE_CAP = 50  # evidence items per criterion
CRITERIA_SUITE = "criteria"
_SUITE_ORDER = ("public", "hidden", "own")

# Not allowed anywhere in an XML 1.0 document, even escaped.
_NOT_XML = re.compile("[\ufffe\uffff\ud800-\udfff]")


def render_junit(result: GradeResult, *, candidate_view: bool) -> str:
    """Render ``result`` as a JUnit ``<testsuites>`` document (UTF-8 text)."""
    shown = candidate_result(result) if candidate_view else result
    root = ET.Element("testsuites", name=_text(f"takehome {shown.task}: {shown.notebook}", 300))
    suites = [_test_suite(name, tests, shown) for name, tests in _by_suite(shown.tests)]
    suites.append(_criteria_suite(shown))
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    seconds = 0.0
    for suite in suites:
        root.append(suite)
        for key in totals:
            totals[key] += int(suite.get(key, "0"))
        seconds += float(suite.get("time", "0"))
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("time", _seconds(seconds))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _by_suite(tests: Iterable[TestResult]) -> list[tuple[str, list[TestResult]]]:
    """Tests grouped by suite: public, hidden, own first, then any other."""
    groups: dict[str, list[TestResult]] = {}
    for test in tests:
        groups.setdefault(test.suite, []).append(test)
    order = {name: i for i, name in enumerate(_SUITE_ORDER)}
    return sorted(groups.items(), key=lambda item: (order.get(item[0], len(order)), item[0]))


def _test_suite(name: str, tests: list[TestResult], result: GradeResult) -> ET.Element:
    suite = _suite_element(name, result)
    counts = {"failures": 0, "errors": 0, "skipped": 0}
    seconds = 0.0
    for test in tests:
        module, _, function = test.id.rpartition("::")
        case = ET.SubElement(
            suite,
            "testcase",
            name=_text(function or test.id, 300),
            classname=_text(f"{name}.{module.removesuffix('.py').replace('/', '.')}"
                            if module else name, 300),
            time=_seconds(test.duration),
        )
        seconds += _finite(test.duration)
        kind = _OUTCOME_ELEMENT.get(test.outcome)
        if kind is not None:
            counts[_COUNTER[kind]] += 1
            default = f"test {test.outcome.value}"
            _problem(case, kind, test.message or default, test.outcome.value, test.message)
    _set_counts(suite, len(tests), counts, seconds)
    return suite


_OUTCOME_ELEMENT = {
    Outcome.FAILED: "failure",
    Outcome.MISSING: "failure",  # no result came back: the judge counts it as failed
    Outcome.ERROR: "error",
    Outcome.SKIPPED: "skipped",
}
_COUNTER = {"failure": "failures", "error": "errors", "skipped": "skipped"}


def _criteria_suite(result: GradeResult) -> ET.Element:
    suite = _suite_element(CRITERIA_SUITE, result)
    counts = {"failures": 0, "errors": 0, "skipped": 0}
    for scored in result.criteria:
        res = scored.result
        case = ET.SubElement(suite, "testcase", name=_text(res.id, 200),
                             classname=CRITERIA_SUITE, time="0.000")
        kind = _criterion_problem(scored)
        if kind is None:
            continue
        counts[_COUNTER[kind]] += 1
        headline = f"{_points(scored.points)} of {_points(scored.max_points)} points: {res.summary}"
        _problem(case, kind, headline, res.status.value, _criterion_body(scored))
    _set_counts(suite, len(result.criteria), counts, 0.0)
    return suite


def _criterion_problem(scored: ScoredCriterion) -> str | None:
    """Which JUnit element a criterion gets: none when it earned every point."""
    if scored.result.status == Status.SKIPPED:
        return "skipped"
    if scored.result.status == Status.ERROR:
        return "error"
    points, max_points = _finite(scored.points), _finite(scored.max_points)
    if points < max_points - 1e-9 or scored.result.status == Status.FAIL and max_points > 0:
        return "failure"
    return None


def _criterion_body(scored: ScoredCriterion) -> str:
    res = scored.result
    lines = [clean_text(res.summary, MESSAGE_CAP)]
    for ev in res.evidence[:EVIDENCE_CAP]:
        where = ""
        if ev.cell is not None:
            where = f"cell {ev.cell}" + (f", line {ev.line}" if ev.line is not None else "") + ": "
        lines.append(f"- {where}{clean_text(ev.message, MESSAGE_CAP)}")
    if len(res.evidence) > EVIDENCE_CAP:
        lines.append(f"... and {len(res.evidence) - EVIDENCE_CAP} more")
    if res.advice:
        lines.append(f"Advice: {clean_text(res.advice, MESSAGE_CAP)}")
    return "\n".join(lines)


def _suite_element(name: str, result: GradeResult) -> ET.Element:
    suite = ET.Element("testsuite", name=_text(name, 100))
    props = ET.SubElement(suite, "properties")
    for key, value in (
        ("notebook", result.notebook),
        ("task", result.task),
        ("mode", result.mode),
        ("sandbox", result.sandbox),
        ("status", result.status),
        ("percent", f"{_finite(result.percent):.1f}"),
    ):
        ET.SubElement(props, "property", name=key, value=_text(value, 300))
    return suite


def _problem(case: ET.Element, kind: str, message: str, type_: str, body: str) -> None:
    element = ET.SubElement(case, kind, message=_one_line(message))
    if kind != "skipped":
        element.set("type", _text(type_, 50))
    if body:
        element.text = _text(body, BODY_CAP)


def _set_counts(suite: ET.Element, tests: int, counts: dict[str, int], seconds: float) -> None:
    suite.set("tests", str(tests))
    for key, value in counts.items():
        suite.set(key, str(value))
    suite.set("time", _seconds(seconds))


def _text(value: object, limit: int) -> str:
    return _NOT_XML.sub("\ufffd", clean_text(value, limit))


def _one_line(value: object) -> str:
    return " ".join(_text(value, MESSAGE_CAP).split())


def _finite(value: float) -> float:
    number = float(value)
    return number if math.isfinite(number) else 0.0


def _seconds(value: float) -> str:
    return f"{max(_finite(value), 0.0):.3f}"


def _points(value: float) -> str:
    return f"{_finite(value):g}"
