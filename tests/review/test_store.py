"""The review tables: every change stored at once, with who, when, old and new."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from harness.review.store import REVIEW_SCHEMA_VERSION, ReviewError, ReviewStore


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "gradebook.sqlite"


def test_changes_survive_a_new_connection_and_are_logged(db: Path) -> None:
    store = ReviewStore(db, "rita")
    store.add_comment("a.ipynb", "clever init", criterion="lint")
    store.add_comment("a.ipynb", "off by one", cell=3, line=2)
    store.set_override("a.ipynb", "lint", 9.0, "pylint is wrong here", automatic=8.0,
                       max_points=10.0)
    store.set_decision("a.ipynb", "advance")
    store.set_note("a.ipynb", "strong write-up")
    store.close()  # nothing is flushed on close: every change was committed

    again = ReviewStore(db, "sam")
    assert [(c.criterion, c.cell, c.line, c.text, c.reviewer) for c in again.comments("a.ipynb")] == [
        ("lint", None, None, "clever init", "rita"), (None, 3, 2, "off by one", "rita")]
    override = again.overrides("a.ipynb")["lint"]
    assert (override.points, override.automatic, override.reason, override.reviewer) == (
        9.0, 8.0, "pylint is wrong here", "rita")
    decision = again.decision("a.ipynb")
    assert decision is not None and (decision.decision, decision.note) == ("advance", "strong write-up")
    again.set_decision("a.ipynb", "hold")
    log = again.log("a.ipynb")
    assert [(e.action, e.reviewer, e.old, e.new) for e in log if e.action == "decision"] == [
        ("decision", "rita", None, "advance"), ("decision", "sam", "advance", "hold")]
    assert all(e.at.endswith("Z") for e in log)
    assert log[2].action == "override" and log[2].new == {
        "points": 9.0, "reason": "pylint is wrong here", "automatic": 8.0}


def test_restoring_an_override_logs_the_old_value(db: Path) -> None:
    store = ReviewStore(db, "rita")
    store.set_override("a", "lint", 2.0, "too harsh", automatic=1.0, max_points=10.0)
    assert store.set_override("a", "lint", None, "", automatic=1.0, max_points=10.0) is None
    assert store.overrides("a") == {}
    assert store.log("a")[-1].old == {"points": 2.0, "reason": "too harsh"}
    assert store.log("a")[-1].new is None


@pytest.mark.parametrize(("points", "reason", "message"), [
    (11.0, "why", "outside 0 to 10"),
    (-1.0, "why", "outside 0 to 10"),
    (5.0, "   ", "reason for the override is empty"),
], ids=["above-max", "negative", "no-reason"])
def test_bad_overrides_are_refused(db: Path, points: float, reason: str, message: str) -> None:
    store = ReviewStore(db, "rita")
    with pytest.raises(ReviewError, match=message):
        store.set_override("a", "lint", points, reason, automatic=1.0, max_points=10.0)
    assert store.overrides("a") == {} and store.log() == []


def test_bad_comments_and_decisions_are_refused(db: Path) -> None:
    store = ReviewStore(db, "rita")
    with pytest.raises(ReviewError, match="empty"):
        store.add_comment("a", "  ", criterion="lint")
    with pytest.raises(ReviewError, match="criterion or on a code line"):
        store.add_comment("a", "text", criterion="lint", cell=1, line=1)
    with pytest.raises(ReviewError, match="criterion or on a code line"):
        store.add_comment("a", "text", cell=1)
    with pytest.raises(ReviewError, match="unknown"):
        store.set_decision("a", "hire")
    with pytest.raises(ReviewError, match="no comment 99"):
        store.delete_comment("a", 99)


def test_deleting_a_comment_hides_it_and_keeps_the_text_in_the_log(db: Path) -> None:
    store = ReviewStore(db, "rita")
    comment = store.add_comment("a", "typo", criterion="report")
    store.delete_comment("a", comment.id)
    assert store.comments("a") == [] and store.comment_counts() == {}
    assert store.log("a")[-1].old == {"text": "typo"}


def test_reveal_is_recorded_once_with_who_and_when(db: Path) -> None:
    store = ReviewStore(db, "rita")
    assert store.revealed() is None
    store.reveal()
    revealed = store.revealed()
    assert revealed is not None and revealed[0] == "rita"
    assert [(e.action, e.submission) for e in store.log()] == [("reveal", "")]


def test_a_newer_review_schema_is_refused(db: Path) -> None:
    ReviewStore(db, "rita").close()
    with sqlite3.connect(db) as raw:
        raw.execute("INSERT INTO review_schema VALUES (?)", (REVIEW_SCHEMA_VERSION + 1,))
    raw.close()
    with pytest.raises(ReviewError, match="upgrade takehome"):
        ReviewStore(db, "rita")


def test_review_tables_leave_other_tables_alone(batch_dir: Path) -> None:
    path = batch_dir / "gradebook.sqlite"
    with sqlite3.connect(path) as raw:
        before = raw.execute("SELECT COUNT(*) FROM results").fetchone()
    raw.close()
    ReviewStore(path, "rita").close()
    with sqlite3.connect(path) as raw:
        assert raw.execute("SELECT COUNT(*) FROM results").fetchone() == before
    raw.close()
