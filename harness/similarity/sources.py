"""What gets fingerprinted: a candidate's written code, a task's solution, known sources.

Only code the candidate wrote is theirs to have copied, so template lines
never enter a fingerprint, and neither do regions they declared as copied
(a declared copy is honest, whatever it matches).  A reference notebook
(the task's solution, a notebook under ``known_sources/``) is reduced the
same way against the template, so the template's own code never makes a
candidate look like the solution.
"""

from __future__ import annotations

import functools
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from harness.authorship import written_lines
from harness.errors import NotebookError, TaskError
from harness.extract import extract_code
from harness.intake import read_notebook
from harness.similarity.fingerprint import Fingerprint, fingerprint
from harness.similarity.tokens import normalised_tokens
from harness.submission import ExtractedCode, LineOrigin, Notebook, Submission

KNOWN_SOURCES = "known_sources"
SOLUTION_LABEL = "the task's solution"
SOURCE_SUFFIXES = (".py", ".ipynb")
MAX_SOURCE_BYTES = 2_000_000  # a known source larger than this is not a snippet anyone copies


@dataclass(frozen=True)
class Reference:
    """A body of code a candidate might copy from, and how to name it in evidence."""

    label: str  # "the task's solution", "known source numpy_kmeans.py"
    fingerprint: Fingerprint
    path: Path  # the file, so the solution is never compared with itself


def fingerprint_submission(
    submission: Submission, declared: Collection[tuple[int, int]] = ()
) -> Fingerprint:
    """Fingerprint of the lines the candidate wrote, minus the ``declared`` copied lines."""
    excluded = frozenset(declared)
    return fingerprint(
        normalised_tokens(
            submission.code,
            lambda cell, line: submission.is_written(cell, line) and (cell, line) not in excluded,
        )
    )


def fingerprint_template(template: Notebook | None) -> Fingerprint:
    """All of the template's code: hashes every submission shares by construction."""
    if template is None:
        return Fingerprint((), 0)
    return fingerprint(normalised_tokens(extract_code(template), lambda cell, line: True))


def _python_file(path: Path) -> ExtractedCode:
    text = path.read_text(encoding="utf-8", errors="replace")
    lines = text.splitlines()
    return ExtractedCode(text, tuple(LineOrigin(0, n) for n in range(1, len(lines) + 1)))


def _reference(path: Path, template: Notebook | None) -> Fingerprint:
    if path.stat().st_size > MAX_SOURCE_BYTES:
        raise TaskError(f"{path}: larger than {MAX_SOURCE_BYTES} bytes; keep known sources small")
    if path.suffix == ".py":
        code = _python_file(path)
        return fingerprint(normalised_tokens(code, lambda cell, line: True))
    try:
        notebook = read_notebook(path)
    except NotebookError as exc:
        raise TaskError(f"reference notebook {path} is unusable: {exc}") from exc
    written = written_lines(notebook, template)
    code = extract_code(notebook)
    return fingerprint(normalised_tokens(code, lambda cell, line: (cell, line) in written))


@functools.lru_cache(maxsize=64)
def _cached_reference(path: Path, mtime_ns: int, template_key: str) -> Fingerprint:
    # Keyed on the file's mtime so an edited known source is read again; the
    # template is re-read by path, which the same cache key covers.
    del mtime_ns
    template = read_notebook(template_key) if template_key else None
    return _reference(path, template)


def task_references(
    solution: Path | None, task_root: Path, template_path: Path | None
) -> tuple[Reference, ...]:
    """The task's solution and every file under ``known_sources/``, fingerprinted once."""
    found: list[Reference] = []
    template_key = str(template_path) if template_path is not None else ""
    if solution is not None and solution.is_file():
        found.append(
            Reference(SOLUTION_LABEL,
                      _cached_reference(solution, solution.stat().st_mtime_ns, template_key),
                      solution.resolve())
        )
    folder = task_root / KNOWN_SOURCES
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in SOURCE_SUFFIXES:
                found.append(
                    Reference(
                        f"known source {path.relative_to(folder).as_posix()}",
                        _cached_reference(path, path.stat().st_mtime_ns, template_key),
                        path.resolve(),
                    )
                )
    return tuple(found)
