"""Everything a batch shows, rendered from the gradebook alone.

The CSV, the index page and each submission's reports are views of the rows
in ``gradebook.sqlite``: after a resumed run, a merge of shards or a batch
step that changed a result, rendering again gives the same files a single
uninterrupted run would have written.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from harness.batch.gradebook import Gradebook, Stored
from harness.batch.peers import stored_pairs
from harness.report import SUFFIXES, write_atomic, write_reports
from harness.report.similarity import render_similarity_csv
from harness.report.gradebook import Entry, write_gradebook
from harness.report.review_marks import ReviewMarks
from harness.review.marks import gradebook_marks


def write_stored_reports(stored: Stored, out_dir: Path, formats: Sequence[str],
                         review: ReviewMarks | None = None) -> list[Path]:
    """Render one row's reports into ``out_dir`` (with its review, if any)."""
    return write_reports(stored.result, out_dir, stored.report_stem, formats=formats,
                         review=review)


def write_exports(book: Gradebook, out_dir: Path, formats: Sequence[str],
                  *, rerender: bool = False) -> list[Path]:
    """``gradebook.csv`` and ``index.html``, plus any report not on disk yet.

    A report that exists was rendered from the same row when it was stored;
    ``rerender`` renders every report again (after a merge or a batch step).
    A reviewed submission's reports are always rendered again: they show the
    review (takehome review) next to the automatic score.
    """
    rows = book.results()
    marks = gradebook_marks(book.path, {s.submission: s.result for s in rows})
    for stored in rows:
        missing = [f for f in formats
                   if rerender or stored.submission in marks
                   or not (out_dir / f"{stored.report_stem}.{SUFFIXES[f]}").exists()]
        if missing:
            write_stored_reports(stored, out_dir, missing, marks.get(stored.submission))
    title = book.meta("task_title") or book.meta("task") or "batch"
    pairs = stored_pairs(book)
    entries = [Entry(s.result, s.report_stem, marks.get(s.submission)) for s in rows]
    written = write_gradebook(entries, out_dir, title, pairs)
    similarity = out_dir / "similarity.csv"
    write_atomic(similarity, render_similarity_csv(pairs))
    return [*written, similarity]
