"""Rendering: every report format is a view of one :class:`GradeResult`.

:func:`write_reports` is what the CLI calls; the per-format functions are
public for tools (and tests) that want the text without a file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from harness.errors import InputError
from harness.report.html import render_html
from harness.report.junit import render_junit
from harness.report.json_report import (
    candidate_result,
    clean_text,
    render_json,
    to_dict,
)
from harness.report.markdown import render_markdown
from harness.report.review_marks import ReviewMarks
from harness.result import GradeResult

__all__ = [
    "candidate_result",
    "clean_text",
    "render_html",
    "render_json",
    "render_junit",
    "render_markdown",
    "to_dict",
    "write_atomic",
    "write_reports",
    "FORMATS",
    "SUFFIXES",
]

# format name -> (file suffix, renderer); JSON and HTML also show a review.
_RENDERERS: dict[str, tuple[str, Callable[[GradeResult, bool, ReviewMarks | None], str]]] = {
    "json": ("json", lambda result, candidate, review: render_json(
        result, candidate_view=candidate, review=review)),
    "html": ("html", lambda result, candidate, review: render_html(
        result, candidate_view=candidate, review=review)),
    "junit": ("junit.xml", lambda result, candidate, _: render_junit(
        result, candidate_view=candidate)),
    "md": ("md", lambda result, candidate, _: render_markdown(result, candidate_view=candidate)),
}
FORMATS = tuple(_RENDERERS)
SUFFIXES = {name: suffix for name, (suffix, _) in _RENDERERS.items()}  # format -> file suffix


def write_reports(  # pylint: disable=too-many-arguments  # keyword options of one call
    result: GradeResult,
    out_dir: str | os.PathLike[str],
    stem: str,
    formats: Iterable[str] = ("json", "html"),
    candidate_view: bool = False,
    *,
    review: ReviewMarks | None = None,
) -> list[Path]:
    """Write ``<stem>.<format>`` for each format into ``out_dir``; return the paths.

    Each file is written to a temporary file in the same folder and moved
    into place with :func:`os.replace`, so a reader (a gradebook index, a CI
    upload) never sees half a report, and an old report survives a crash.
    """
    wanted = list(formats)
    unknown = [f for f in wanted if f not in _RENDERERS]
    if unknown:
        raise InputError(
            f"unknown report format {', '.join(map(repr, unknown))}; "
            f"use one of {', '.join(sorted(_RENDERERS))}"
        )
    if not stem or Path(stem).name != stem or stem in (".", ".."):
        raise InputError(f"report name {stem!r} must be a plain file name without folders")
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in wanted:
        suffix, render = _RENDERERS[fmt]
        target = folder / f"{stem}.{suffix}"
        write_atomic(target, render(result, candidate_view, review))
        written.append(target)
    return written


def write_atomic(target: Path, text: str) -> None:
    """Write via a temp file and os.replace: no reader ever sees half a file."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        # mkstemp creates 0600; a report is meant to be shared and served.
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        # Leave no temp file behind, whatever stopped us; then re-raise.
        Path(tmp).unlink(missing_ok=True)
        raise
