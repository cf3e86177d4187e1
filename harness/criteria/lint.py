"""Lint: pylint on the code cells, scored the way pylint scores, on written lines only.

pylint runs in a subprocess, not in-process.  Both were measured on a 2-core
machine: in-process costs 0.3-0.6 s per notebook, a subprocess 0.8-1.1 s.  The
extra half second is hidden because the pipeline runs lint in a thread while
the notebook executes, and the subprocess buys isolation that in-process
pylint lacks: no shared astroid cache growing over a batch of submissions, no
``sys.path`` edits racing other threads, no GIL contention with the executor,
and a hard timeout when a pathological file makes inference crawl.  pylint
only parses the code (astroid never imports or runs it), so this is static
analysis: no candidate code runs.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from harness.criteria._util import (
    candidate_lines,
    nothing_written,
    option_number,
    own_code_lines,
    status_for,
)
from harness.criteria.base import Context
from harness.errors import CriterionError
from harness.result import CriterionResult, Evidence, Status
from harness.submission import ExtractedCode, Submission

DEFAULT_TIMEOUT = 120.0  # seconds; a few hundred lines lint in about one second

# Checks that judge notebook mechanics rather than code quality, with why.
DISABLED: tuple[tuple[str, str], ...] = (
    ("missing-module-docstring", "a notebook is not a module; the report cells document it"),
    ("pointless-statement", "a bare expression ending a cell is how a notebook shows a value"),
    ("expression-not-assigned", "same reason: `df.head()` on its own line is a display"),
    ("wrong-import-position", "cells import what they need where they need it"),
    ("wrong-import-order", "imports spread over cells cannot keep one global order"),
    ("ungrouped-imports", "imports spread over cells cannot stay grouped"),
    ("reimported", "a cell re-imports so it can be re-run on its own"),
    ("redefined-outer-name", "notebook globals (`X`, `model`) are routinely parameter names too"),
    ("import-error", "the sandbox's packages need not be installed where pylint runs"),
    ("too-few-public-methods", "small data classes and estimator wrappers are fine in a take-home"),
    ("missing-function-docstring", "the docstrings criterion judges these: one deduction"),
    ("missing-class-docstring", "the docstrings criterion judges these: one deduction"),
)

_ARGS: tuple[str, ...] = (
    "--persistent=n",  # never write stats under the grader's home directory
    "--jobs=1",  # one file; worker processes would only cost start-up time
    "--output-format=json",
    "--score=n",
    "--reports=n",
    "--max-line-length=100",  # 79 is too strict for data-science code with long calls
    # Module-level names in a notebook are data (`X_train`, `df`), not
    # constants; invalid-name stays on for functions, classes, arguments and
    # locals.  Reassigned module-level names are filtered in _keep().
    "--const-naming-style=any",
    # scikit-learn's convention names the design matrix `X`, `X_train`, ...
    "--good-names-rgxs=^X(_[a-z0-9_]+)?$",
    # Inferring through the big scientific packages is most of pylint's time
    # on a notebook (2.0 s -> 0.6 s CPU on the kmeans solution); what it buys,
    # no-member on e.g. `np.foo`, shows up anyway when the notebook runs.
    "--ignored-modules=numpy,pandas,scipy,sklearn,matplotlib,seaborn,torch,tensorflow",
    "--disable=" + ",".join(symbol for symbol, _ in DISABLED),
)

_CATEGORY_SEVERITY = {
    "fatal": "error",
    "error": "error",
    "warning": "warning",
    "refactor": "info",
    "convention": "info",
    "info": "info",
}

_LINE_REF = re.compile(r"\(line (\d+)\)")


@dataclass(frozen=True)
class LintMessage:
    """One pylint message, with the line numbered in the extracted module."""

    line: int
    column: int
    symbol: str
    msg_id: str
    category: str  # "convention", "refactor", "warning", "error", "fatal", "info"
    message: str


class PylintTimeout(CriterionError):
    """pylint did not finish in time: the result says so, the batch goes on."""


def run_pylint(code_text: str, *, timeout: float = DEFAULT_TIMEOUT) -> list[LintMessage]:
    """Lint one module text with the notebook configuration; return every message.

    Safe to call from a worker thread: all state lives in the subprocess and
    a private temporary directory.  Raises PylintTimeout when pylint runs
    past ``timeout`` and CriterionError when pylint itself breaks.
    """
    with tempfile.TemporaryDirectory(prefix="takehome-lint-") as tmp:
        folder = Path(tmp)
        command = [sys.executable, "-m", "pylint", *prepare_lint(folder, code_text)]
        try:
            done = subprocess.run(
                command, cwd=folder, capture_output=True, text=True, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise PylintTimeout(
                f"pylint did not finish within {timeout:g} s on the extracted notebook code"
            ) from exc
    try:
        raw = json.loads(done.stdout)
    except json.JSONDecodeError as exc:
        raise CriterionError(
            f"pylint (exit status {done.returncode}) printed no JSON; is pylint installed in "
            f"{sys.executable}? stderr: {done.stderr.strip()[-500:]}"
        ) from exc
    return messages_from_json(raw)


def prepare_lint(folder: Path, code_text: str) -> list[str]:
    """Write the module and an empty rcfile into ``folder``; return pylint's arguments.

    Shared with the batch's long-lived lint worker, which runs the same
    configuration in-process, so both give identical messages.
    """
    # An explicit, empty rcfile stops pylint from picking up a pylintrc
    # or pyproject.toml from the working directory or the home folder.
    rcfile = folder / "pylintrc"
    rcfile.write_text("", encoding="utf-8")
    module = folder / "submission.py"
    # Trailing blank lines are an artefact of joining cells; dropping them
    # keeps every earlier line number and avoids trailing-newlines noise.
    module.write_text(code_text.rstrip() + "\n", encoding="utf-8")
    return [f"--rcfile={rcfile}", *_ARGS, str(module)]


def messages_from_json(raw: list[dict[str, object]]) -> list[LintMessage]:
    """pylint's JSON output as the messages this criterion keeps."""
    return [_message(item) for item in raw if _keep(item)]


def _keep(item: dict[str, object]) -> bool:
    # Reassigned module-level names are checked as variables, not constants,
    # so --const-naming-style=any alone does not silence them.
    if item.get("symbol") != "invalid-name" or item.get("obj") != "":
        return True
    return not str(item.get("message", "")).startswith(("Variable name", "Constant name"))


def _message(item: dict[str, object]) -> LintMessage:
    return LintMessage(
        line=int(str(item.get("line") or 0)),
        column=int(str(item.get("column") or 0)),
        symbol=str(item.get("symbol", "")),
        msg_id=str(item.get("message-id", "")),
        category=str(item.get("type", "")),
        message=str(item.get("message", "")),
    )


class Lint:
    """pylint's own score over the statements the candidate wrote."""

    name = "lint"

    def evaluate(self, context: Context) -> CriterionResult:
        """Score the kept messages; PASS at or above the rubric's ``pass_at``."""
        submission = context.submission
        pass_at = option_number(
            context.options, "pass_at", 9.0, criterion=self.name, bounds=(0.0, 10.0)
        )
        if not own_code_lines(submission):
            return nothing_written(
                self.name, "Write your solution in the code cells; pylint then judges your lines."
            )
        try:
            messages = self._messages(context)
        except PylintTimeout as exc:
            return CriterionResult(
                id=self.name,
                score=0.0,
                status=Status.ERROR,
                summary=f"pylint could not judge this notebook: {exc}.",
                advice="Split very long cells and functions; pylint then finishes in seconds.",
            )
        return _judge(submission, messages, pass_at)

    def _messages(self, context: Context) -> Sequence[LintMessage]:
        """Messages the pipeline computed (or its PylintTimeout), else a fresh run."""
        given = context.options.get("_messages")
        if given is None:
            return run_pylint(context.submission.code.text)
        if isinstance(given, PylintTimeout):
            raise given  # the pipeline's lint thread timed out: report it, do not retry
        if not isinstance(given, (list, tuple)) or not all(
            isinstance(m, LintMessage) for m in given
        ):
            raise CriterionError(
                "criterion 'lint': option '_messages' must be a list of LintMessage "
                "from run_pylint(); the pipeline passed something else"
            )
        return given


def _judge(
    submission: Submission, messages: Sequence[LintMessage], pass_at: float
) -> CriterionResult:
    code = submission.code
    kept = _on_written_lines(submission, messages)
    broken = _written_unparsable_cells(submission)
    statements = _written_statements(submission)
    rating = _rating(kept, len(broken), statements)

    evidence = [
        Evidence(
            message=f"cell {index} is not valid Python, so pylint could not check it",
            cell=index,
            line=1,
            kind="syntax-error",
            severity="error",
        )
        for index in broken
    ]
    evidence += [
        Evidence(
            message=f"{m.symbol} ({m.msg_id}): {_cell_refs(m.message, code)}",
            cell=cell,
            line=line,
            kind=m.symbol,
            severity=_CATEGORY_SEVERITY.get(m.category, "info"),
        )
        for cell, line, m in kept
    ]
    if rating >= pass_at:
        score, status = 1.0, Status.PASS
        summary = f"pylint rates your code {rating:.1f}/10; {pass_at:.1f} passes."
    else:
        score = rating / 10.0
        status = status_for(score)
        summary = (
            f"pylint rates your code {rating:.1f}/10 ({len(evidence)} messages "
            f"on {statements} statements); {pass_at:.1f} passes."
        )
    return CriterionResult(
        id="lint",
        score=score,
        status=status,
        summary=summary,
        evidence=tuple(evidence),
        advice=_advice(kept, broken),
        details={
            "rating": rating,
            "statements": statements,
            "counts": dict(sorted(Counter(m.category for _, _, m in kept).items())),
            "unparsable_cells": broken,
            "messages": [
                {
                    "cell": cell,
                    "line": line,
                    "column": m.column,
                    "symbol": m.symbol,
                    "msg_id": m.msg_id,
                    "category": m.category,
                    "message": _cell_refs(m.message, code),
                }
                for cell, line, m in kept
            ],
            "disabled": [symbol for symbol, _ in DISABLED],
        },
    )


def _on_written_lines(
    submission: Submission, messages: Sequence[LintMessage]
) -> list[tuple[int, int, LintMessage]]:
    """(cell, line, message) for messages on lines the candidate wrote, in notebook order."""
    mine = candidate_lines(submission)  # comments too: a long comment line is theirs
    kept: list[tuple[int, int, LintMessage]] = []
    for message in messages:
        origin = submission.code.origin(message.line)
        if origin is not None and (origin.cell, origin.line) in mine:
            kept.append((origin.cell, origin.line, message))
    kept.sort(key=lambda k: (k[0], k[1], k[2].column, k[2].symbol))
    return kept


def _rating(kept: list[tuple[int, int, LintMessage]], broken: int, statements: int) -> float:
    """pylint's formula, 0-10: errors weigh five, warnings, refactors, conventions one."""
    counts = Counter(m.category for _, _, m in kept)
    errors = counts["error"] + counts["fatal"] + broken  # a cell that does not parse is an error
    penalty = 5 * errors + counts["warning"] + counts["refactor"] + counts["convention"]
    return round(max(0.0, min(10.0, 10.0 - 10.0 * penalty / max(1, statements))), 2)


def _written_statements(submission: Submission) -> int:
    """Statements that start on a written line: the denominator pylint uses too."""
    try:
        tree = ast.parse(submission.code.text)
    except SyntaxError:
        # Extraction keeps unparsable cells out of the text, so this is a
        # fallback only: count written code lines as one statement each.
        return len(own_code_lines(submission))
    count = 0
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt):
            origin = submission.code.origin(node.lineno)
            if origin is not None and submission.is_written(origin.cell, origin.line):
                count += 1
    return count


def _written_unparsable_cells(submission: Submission) -> list[int]:
    own_cells = {cell for cell, _ in own_code_lines(submission)}
    return sorted(set(submission.code.unparsable_cells) & own_cells)


def _cell_refs(message: str, code: ExtractedCode) -> str:
    """Rewrite pylint's "(line 42)" of the joined module as the cell and line a person sees."""

    def replace(match: re.Match[str]) -> str:
        origin = code.origin(int(match.group(1)))
        if origin is None:
            return match.group(0)
        return f"(cell {origin.cell}, line {origin.line})"

    return _LINE_REF.sub(replace, message)


def _advice(kept: list[tuple[int, int, LintMessage]], broken: list[int]) -> str:
    parts: list[str] = []
    if broken:
        cells = ", ".join(str(c) for c in broken)
        parts.append(f"Fix the syntax in cell(s) {cells} so they can be checked at all.")
    if kept:
        common = Counter(msg.symbol for _, _, msg in kept).most_common(3)
        listed = ", ".join(f"{symbol} ({n})" for symbol, n in common)
        parts.append(
            f"Start with the most frequent messages: {listed}. To see them while you work, "
            "export the notebook (`jupyter nbconvert --to script`) and run pylint on it."
        )
    return " ".join(parts)
