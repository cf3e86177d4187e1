"""Docstrings: the share of the candidate's public functions and classes that explain themselves.

A definition counts when the candidate wrote any line of it (its ``def``
line, its body or its docstring): the stubs a template asks them to fill in
(``kmeans``, ``inertia``) are exactly the functions a reviewer reads first.
A docstring the template already had is the task author's, so a definition
that still carries the template's docstring is left out of the share
altogether: it neither earns credit nor costs any.  A definition the
candidate did not touch at all is the template's and is not judged.  Nested
functions are skipped (they are not an interface anyone calls), and so
are pytest-style tests (``test_*`` functions, ``Test*`` classes), whose names
already say what they check.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from harness.criteria._util import nothing_written, own_code_lines, status_for
from harness.criteria.base import Context
from harness.extract import extract_code
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


def _public_definitions(text: str) -> list[tuple[str, str, _Def]] | None:
    """(kind, qualname, node) of every public definition, or None if it does not parse."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return None
    collector = _Collector()
    collector.visit(tree)
    # A leading underscore anywhere: private, dunder, or a member of a private class.
    return [
        item for item in collector.found
        if not any(part.startswith("_") for part in item[1].split("."))
    ]


def _template_docstrings(submission: Submission) -> dict[str, str]:
    """The template's own docstrings by qualified name, whitespace-normalised."""
    if submission.template is None:
        return {}
    found = _public_definitions(extract_code(submission.template).text) or []
    return {
        qualname: " ".join(docstring.split())
        for _, qualname, node in found
        if (docstring := ast.get_docstring(node))
    }


def _touched(submission: Submission, node: _Def) -> bool:
    """Whether the candidate wrote any line from the def line to the end of the body."""
    for lineno in range(node.lineno, (node.end_lineno or node.lineno) + 1):
        origin = submission.code.origin(lineno)
        if origin is not None and submission.is_written(origin.cell, origin.line):
            return True
    return False


def written_definitions(submission: Submission) -> list[_Definition] | None:
    """Public definitions the candidate wrote any of, or None if the code does not parse.

    A definition still carrying the template's docstring is left out: that
    docstring is the task author's, so it can earn the candidate nothing.
    """
    found_nodes = _public_definitions(submission.code.text)
    if found_nodes is None:
        return None
    template_docstrings = _template_docstrings(submission)
    found: list[_Definition] = []
    for kind, qualname, node in found_nodes:
        origin = submission.code.origin(node.lineno)
        if origin is None or not _touched(submission, node):
            continue
        docstring = ast.get_docstring(node)
        kept = template_docstrings.get(qualname)
        if docstring and kept is not None and " ".join(docstring.split()) == kept:
            continue
        found.append(_Definition(kind, qualname, origin.cell, origin.line, docstring))
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
