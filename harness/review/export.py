"""Write the batch's exports again so they show the review.

The review app calls this from its "Write exports" button and when the
server stops; the files are the batch layer's own exports
(:func:`harness.batch.exports.write_exports`), which add the review marks.
"""

from __future__ import annotations

from pathlib import Path

from harness.batch.exports import write_exports
from harness.report import SUFFIXES
from harness.batch.gradebook import FILENAME, Gradebook

DEFAULT_FORMATS = ("json", "html")


def formats_in(folder: Path, stems: list[str]) -> tuple[str, ...]:
    """The report formats the batch wrote (by the files present), else json and html."""
    found = tuple(fmt for fmt, suffix in SUFFIXES.items()
                  if any((folder / f"{stem}.{suffix}").is_file() for stem in stems))
    return found or DEFAULT_FORMATS


def write_review_exports(folder: Path) -> list[Path]:
    """gradebook.csv, index.html and every reviewed submission's reports, from the gradebook."""
    with Gradebook(folder / FILENAME) as book:
        stems = [s.report_stem for s in book.results()]
        return write_exports(book, folder, formats_in(folder, stems))
