"""Own tests: the candidate wrote tests of their own, and they pass.

Two forms count, both common in notebooks: ``test_*`` functions (the judge
calls each one in the sandbox after the notebook ran; their results arrive in
``context.own_tests``) and top-level ``assert`` statements in code the
candidate wrote (they pass when their cell ran without error).  Only code the
candidate wrote counts, so a template's own checks earn nothing.
"""

from __future__ import annotations

import ast

from harness.criteria.base import Context
from harness.result import CriterionResult, Evidence, Outcome, Status
from harness.submission import Submission


def own_test_functions(submission: Submission) -> list[tuple[str, int, int]]:
    """(name, cell, line) of each top-level ``test_*`` function the candidate wrote."""
    found = []
    for node in _module_body(submission):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith(
            "test"
        ):
            origin = submission.code.origin(node.lineno)
            if origin and submission.is_written(origin.cell, origin.line) and not node.args.args:
                found.append((node.name, origin.cell, origin.line))
    return found


def _top_level_asserts(submission: Submission) -> list[tuple[int, int]]:
    places = []
    for node in _module_body(submission):
        if isinstance(node, ast.Assert):
            origin = submission.code.origin(node.lineno)
            if origin and submission.is_written(origin.cell, origin.line):
                places.append((origin.cell, origin.line))
    return places


def _module_body(submission: Submission) -> list[ast.stmt]:
    try:
        return ast.parse(submission.code.text).body
    except SyntaxError:
        return []


class OwnTests:
    """Tests the candidate wrote and that pass."""

    name = "own_tests"

    def evaluate(self, context: Context) -> CriterionResult:
        raw_min = context.options.get("min_tests", 3)
        min_tests = int(raw_min) if isinstance(raw_min, (int, float)) else 3
        cell_status = {c.index: c for c in context.cells}
        evidence: list[Evidence] = []
        passed = total = 0
        places = {name: (cell, line) for name, cell, line in own_test_functions(context.submission)}
        for test in context.own_tests:
            total += 1
            cell, line = places.get(test.id, (None, None))
            if test.outcome == Outcome.PASSED:
                passed += 1
                evidence.append(Evidence(f"{test.id}() passed", cell, line, "passed"))
            else:
                evidence.append(
                    Evidence(f"{test.id}() {test.outcome.value}: {test.message}", cell, line,
                             test.outcome.value, "error")
                )
        for cell, line in _top_level_asserts(context.submission):
            total += 1
            run = cell_status.get(cell)
            if run is not None and run.status == "ok":
                passed += 1
                evidence.append(Evidence("assert passed", cell, line, "passed"))
            else:
                reason = f"{run.error_name}" if run is not None and run.error_name else "cell failed"
                evidence.append(Evidence(f"assert did not pass ({reason})", cell, line,
                                         "failed", "error"))
        if total == 0:
            return CriterionResult(
                self.name, 0.0, Status.FAIL, "No tests of your own were found.", (),
                "Add test_* functions with asserts (or top-level asserts) that check your code.",
            )
        score = (passed / total) * min(1.0, total / max(1, min_tests))
        status = Status.PASS if score >= 1 else Status.PARTIAL if score > 0 else Status.FAIL
        advice = ""
        if passed < total:
            advice = "Fix or remove failing tests of your own."
        elif total < min_tests:
            advice = f"Write at least {min_tests} tests; you have {total}."
        return CriterionResult(
            self.name, round(score, 4), status, f"{passed} of {total} of your own tests passed.",
            tuple(evidence), advice, {"passed": passed, "total": total},
        )
