"""The review as the exports show it: :class:`ReviewMarks` per submission.

Exports (``gradebook.csv``, ``index.html``, each report) are rendered by the
batch layer from the gradebook; this builds the marks they add, from the
review tables and the stored automatic results, through the same
:func:`~harness.review.adjust.adjust` as the app.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from harness.report.review_marks import OverrideMark, ReviewMarks
from harness.result import GradeResult
from harness.review.adjust import adjust, criterion_points
from harness.review.store import ReviewStore

EXPORT_READER = "takehome-export"  # recorded nowhere: exports only read


def review_marks(store: ReviewStore, results: Mapping[str, GradeResult]) -> dict[str, ReviewMarks]:
    """Marks for every reviewed submission in ``results`` (by submission key)."""
    overrides, decisions = store.all_overrides(), store.all_decisions()
    comments = store.comment_counts()
    marks = {}
    for key, result in results.items():
        decision = decisions.get(key)
        if key not in overrides and decision is None and key not in comments:
            continue
        adjusted = adjust(criterion_points(result), overrides.get(key, {}), result.percent)
        marks[key] = ReviewMarks(
            automatic_percent=adjusted.automatic_percent,
            percent=adjusted.percent,
            points=adjusted.points,
            max_points=adjusted.max_points,
            decision=decision.decision if decision else "",
            note=decision.note if decision else "",
            overrides=tuple(
                OverrideMark(c.id, c.automatic, c.points, c.override.reason, c.override.reviewer,
                             c.override.at, c.stale)
                for c in adjusted.criteria if c.override is not None),
            comments=comments.get(key, 0),
        )
    return marks


def gradebook_marks(path: Path, results: Mapping[str, GradeResult]) -> dict[str, ReviewMarks]:
    """Marks from the gradebook file at ``path``; none when it was never reviewed."""
    if not ReviewStore.present(path):
        return {}
    store = ReviewStore(path, EXPORT_READER)
    try:
        return review_marks(store, results)
    finally:
        store.close()
