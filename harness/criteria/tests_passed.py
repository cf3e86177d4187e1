"""Hidden and public tests: the share of a suite's tests that passed.

Every expected test has a result (the judge turns a missing one into a
failure), so the denominator cannot be shrunk by crashing the kernel.
"""

from __future__ import annotations

from harness.criteria.base import Context
from harness.result import CriterionResult, Evidence, Outcome, Status


def hidden_skipped(name: str = "hidden_tests") -> CriterionResult:
    """The hidden-tests result of a self-check: not judged, not counted."""
    return CriterionResult(
        name, 0.0, Status.SKIPPED, "Hidden tests run only when the submission is graded."
    )


def _suite_result(name: str, suite: str, context: Context) -> CriterionResult:
    tests = [t for t in context.tests if t.suite == suite]
    if suite == "hidden" and context.mode == "check":
        return hidden_skipped(name)
    if not tests:
        return CriterionResult(name, 0.0, Status.FAIL, f"No {suite} tests produced a result.")
    passed = sum(1 for t in tests if t.outcome == Outcome.PASSED)
    score = passed / len(tests)
    status = Status.PASS if passed == len(tests) else Status.PARTIAL if passed else Status.FAIL
    evidence = tuple(
        Evidence(
            message=f"{t.id}: {t.outcome.value}" + (f" - {t.message}" if t.message else ""),
            kind=t.outcome.value,
            severity="error",
        )
        for t in tests
        if t.outcome != Outcome.PASSED
    )
    advice = "" if score == 1 else (
        f"Make the failing {suite} tests pass; run `takehome check` to see them."
        if suite == "public"
        else "Some hidden tests fail: check edge cases and the exact interface in the task."
    )
    return CriterionResult(
        name,
        score,
        status,
        f"{passed} of {len(tests)} {suite} tests passed.",
        evidence,
        advice,
        {"passed": passed, "total": len(tests)},
    )


class HiddenTests:
    """Correctness as judged by tests the candidate never sees."""

    name = "hidden_tests"

    def evaluate(self, context: Context) -> CriterionResult:
        return _suite_result(self.name, "hidden", context)


class PublicTests:
    """The tests shipped with the template."""

    name = "public_tests"

    def evaluate(self, context: Context) -> CriterionResult:
        return _suite_result(self.name, "public", context)
