"""Docstrings: the share of the candidate's public functions and classes that explain themselves.

Only definitions whose ``def``/``class`` line the candidate wrote count: a
template's stub with its docstring is the task author's work, not theirs.
Nested functions are skipped (they are not an interface anyone calls), and so
are pytest-style tests (``test_*`` functions, ``Test*`` classes), whose names
already say what they check.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from harness.criteria._util import nothing_written, own_code_lines, status_for
from harness.criteria.base import Context
from harness.result import CriterionResult, Evidence, Status
from harness.submission import Submission

MIN_WORDS = 3  # "Fit the model." is the least that says anything
_PLACEHOLDER = re.compile(r"^\W*(todo|fixme|xxx|tbd)\b", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+")

_Def = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef


@dataclass(frozen=True)
class _Definition:
    """One public definition the candidate wrote."""

    kind: str  # "function", "method" or "class"
    qualname: str
    cell: int
    line: int
    docstring: str | None


class _Collector(ast.NodeVisitor):
    """Module-level functions and classes, and methods of those classes.

    The ``visit_FunctionDef`` spelling is ast.NodeVisitor's dispatch API,
    hence the invalid-name suppressions.
    """

    def __init__(self) -> None:
        self.found: list[tuple[str, str, _Def]] = []
        self._classes: list[str] = []

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:  # pylint: disable=invalid-name
        """Record a function or method."""
        self._function(node)

    def visit_AsyncFunctionDef(  # pylint: disable=invalid-name
        self, node: ast.AsyncFunctionDef
    ) -> None:
        """Record an async function or method."""
        self._function(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:  # pylint: disable=invalid-name
        """Record a class, then its methods."""
        if node.name.startswith("Test"):
            return  # a pytest test class and its test methods
        self.found.append(("class", ".".join([*self._classes, node.name]), node))
        self._classes.append(node.name)
        self.generic_visit(node)
        self._classes.pop()

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        if not node.name.startswith("test_"):
            kind = "method" if self._classes else "function"
            self.found.append((kind, ".".join([*self._classes, node.name]), node))
        # No generic_visit: nested functions and classes inside a body are
        # implementation details.


def is_meaningful(docstring: str | None) -> bool:
    """At least MIN_WORDS words and not a TODO-style placeholder."""
    if docstring is None:
        return False
    text = docstring.strip()
    return len(_WORD.findall(text)) >= MIN_WORDS and not _PLACEHOLDER.match(text)


def written_definitions(submission: Submission) -> list[_Definition] | None:
    """Public definitions on written lines, or None if the code does not parse."""
    try:
        tree = ast.parse(submission.code.text)
    except SyntaxError:
        return None
    collector = _Collector()
    collector.visit(tree)
    found: list[_Definition] = []
    for kind, qualname, node in collector.found:
        if any(part.startswith("_") for part in qualname.split(".")):
            continue  # private, dunder, or a member of a private class
        origin = submission.code.origin(node.lineno)
        if origin is None or not submission.is_written(origin.cell, origin.line):
            continue
        found.append(
            _Definition(kind, qualname, origin.cell, origin.line, ast.get_docstring(node))
        )
    return found


class Docstrings:
    """Share of written public functions, methods and classes with a real docstring."""

    name = "docstrings"

    def evaluate(self, context: Context) -> CriterionResult:
        """Score documented / defined; evidence names every undocumented one."""
        submission = context.submission
        if not own_code_lines(submission):
            return nothing_written(
                self.name, "Write your solution as functions with docstrings that say what and why."
            )
        definitions = written_definitions(submission) or []
        if not definitions:
            return CriterionResult(
                id=self.name,
                score=0.0,
                status=Status.FAIL,
                summary="You defined no public functions or classes, so nothing is documented.",
                advice=(
                    "Put the steps of your solution into named functions, each with a docstring "
                    "that says what it does and why; it makes the code testable too."
                ),
            )
        evidence: list[Evidence] = []
        documented = 0
        for item in definitions:
            if is_meaningful(item.docstring):
                documented += 1
                continue
            if item.docstring is None:
                message = f"{item.kind} {item.qualname!r} has no docstring"
                kind = "missing-docstring"
            else:
                message = (
                    f"{item.kind} {item.qualname!r} has a placeholder or too short docstring "
                    f"({item.docstring.strip()[:40]!r})"
                )
                kind = "trivial-docstring"
            evidence.append(
                Evidence(message, cell=item.cell, line=item.line, kind=kind, severity="warning")
            )
        score = documented / len(definitions)
        advice = ""
        if evidence:
            advice = (
                "Add a docstring to each function and class listed: one sentence on what it "
                "does, and why where it is not obvious (at least three words, no TODO)."
            )
        return CriterionResult(
            id=self.name,
            score=score,
            status=status_for(score),
            summary=(
                f"{documented} of {len(definitions)} public functions and classes "
                "have a docstring."
            ),
            evidence=tuple(evidence),
            advice=advice,
            details={
                "documented": documented,
                "total": len(definitions),
                "definitions": [
                    {
                        "name": d.qualname,
                        "kind": d.kind,
                        "cell": d.cell,
                        "line": d.line,
                        "documented": is_meaningful(d.docstring),
                    }
                    for d in definitions
                ],
            },
        )
