"""Exports show the review; a regrade keeps it and flags what moved underneath."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from pathlib import Path

import jsonschema

from harness.batch.gradebook import Gradebook, Stored
from harness.report.json_report import render_json
from harness.review.export import write_review_exports
from harness.review.marks import gradebook_marks
from harness.review.store import ReviewStore
from tests.report.test_json_report import SCHEMA_PATH
from harness.review.server import open_review
from tests.review.conftest import REVIEWER, logged_in

ALICE = "submissions/alice.ipynb"


def _review(batch_dir: Path) -> None:
    store = ReviewStore(batch_dir / "gradebook.sqlite", REVIEWER)
    store.add_comment(ALICE, "good structure", criterion="report")
    store.set_override(ALICE, "report", 9.0, "sections under other headings", automatic=3.4,
                       max_points=10.0)
    store.set_decision(ALICE, "advance")
    store.set_note(ALICE, "invite")
    store.close()


def _csv(batch_dir: Path) -> dict[str, dict[str, str]]:
    rows = csv.DictReader(io.StringIO((batch_dir / "gradebook.csv").read_text()))
    return {row["notebook"]: row for row in rows}


def test_nothing_reviewed_means_no_review_columns(batch_dir: Path) -> None:
    write_review_exports(batch_dir)
    header = (batch_dir / "gradebook.csv").read_text().splitlines()[0]
    assert "adjusted_percent" not in header
    assert not ReviewStore.present(batch_dir / "gradebook.sqlite")  # exports never create review tables


def test_csv_index_and_reports_show_adjusted_next_to_automatic(batch_dir: Path) -> None:
    _review(batch_dir)
    write_review_exports(batch_dir)
    row = _csv(batch_dir)[ALICE]
    assert (row["percent"], row["adjusted_percent"], row["decision"]) == ("61.4", "67.0", "advance")
    assert row["overrides"] == f"report: 3.4 -> 9 by {REVIEWER} (sections under other headings)"
    index = (batch_dir / "index.html").read_text()
    assert "67.0%" in index and "61.4%" in index and "sections under other headings" in index
    html = (batch_dir / "report-0.html").read_text()
    assert "Adjusted 67%" in html and "automatic 61.4%" in html and f"by {REVIEWER}" in html
    data = json.loads((batch_dir / "report-0.json").read_text())
    jsonschema.validate(data, json.loads(SCHEMA_PATH.read_text()))
    assert data["percent"] == 61.4 and data["review"]["percent"] == 67.0
    assert data["review"]["overrides"][0]["reviewer"] == REVIEWER
    # Unreviewed submissions keep their plain reports.
    assert "review" not in json.loads((batch_dir / "report-2.json").read_text())


def test_a_candidate_copy_never_shows_the_review(batch_dir: Path) -> None:
    _review(batch_dir)
    with Gradebook.in_folder(batch_dir) as book:
        stored = book.get(ALICE)
    assert stored is not None
    marks = gradebook_marks(batch_dir / "gradebook.sqlite", {ALICE: stored.result})
    assert "review" not in json.loads(render_json(stored.result, candidate_view=True,
                                                  review=marks[ALICE]))


def test_a_regrade_keeps_comments_and_flags_moved_overrides(batch_dir: Path) -> None:
    _review(batch_dir)
    with Gradebook.in_folder(batch_dir) as book:
        stored = book.get(ALICE)
        assert stored is not None
        result = stored.result
        criteria = tuple(dataclasses.replace(c, points=5.0) if c.result.id == "report" else c
                         for c in result.criteria)
        regraded = dataclasses.replace(result, criteria=criteria,
                                       points=sum(c.points for c in criteria))
        book.put(Stored(ALICE, "new-content-key", stored.report_stem, regraded))
    write_review_exports(batch_dir)
    row = _csv(batch_dir)[ALICE]
    assert row["recheck"] == "yes" and "report: 5 -> 9" in row["overrides"]
    assert "recheck" in (batch_dir / "index.html").read_text()
    with open_review(batch_dir, REVIEWER, frozenset({"127.0.0.1:8000"})) as opened:
        client = logged_in(opened.app, opened.keys.token)
        page = client.get("/s/submissions%2Falice.ipynb").text
        assert "good structure" in page
        assert "The automatic points changed to 5 since; check the override." in page
        assert "recheck" in client.get("/").text
