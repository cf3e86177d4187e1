"""The SQLite gradebook store: schema, round trip, keys, transactions."""

from __future__ import annotations

import dataclasses
import math
import sqlite3
from pathlib import Path

import pytest

from harness.batch.codec import decode, encode
from harness.batch.gradebook import (
    SCHEMA_KEY,
    Gradebook,
    GradebookError,
    Stored,
    content_key,
)
from harness.report import render_html, render_json
from harness.result import GradeResult
from tests.conftest import KMEANS
from tests.report.conftest import SAMPLES


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_a_result_survives_the_codec(name: str) -> None:
    result = SAMPLES[name]()
    back = decode(encode(result))
    # Renderers see the same thing: any report can be rebuilt from the store.
    assert render_json(back) == render_json(result)
    assert render_html(back) == render_html(result)
    assert back.source == result.source and back.candidate_score == result.candidate_score


def test_put_get_and_rank(tmp_path: Path) -> None:
    graded = SAMPLES["graded"]()
    low = dataclasses.replace(graded, notebook="low.ipynb", percent=10.0)
    with Gradebook.in_folder(tmp_path) as book:
        book.put(Stored("a/low.ipynb", "k1", "low", low, {"fingerprint": [1, 2]}))
        book.put(Stored("b/high.ipynb", "k2", "high", graded))
        assert len(book) == 2
        assert [s.submission for s in book.results()] == ["b/high.ipynb", "a/low.ipynb"]
        stored = book.get("a/low.ipynb")
        assert stored is not None and stored.artifacts == {"fingerprint": [1, 2]}
        assert stored.result.percent == 10.0 and stored.graded_at
    assert (tmp_path / "gradebook.sqlite").is_file()


def test_rerun_key_and_replace(tmp_path: Path) -> None:
    graded = SAMPLES["graded"]()
    with Gradebook.in_folder(tmp_path) as book:
        book.put(Stored("x.ipynb", "old", "x", graded))
        assert book.is_current("x.ipynb", "old") and not book.is_current("x.ipynb", "new")
        book.put(Stored("x.ipynb", "new", "x", dataclasses.replace(graded, percent=1.0)))
        assert len(book) == 1 and book.is_current("x.ipynb", "new")
        book.update_result("x.ipynb", dataclasses.replace(graded, percent=2.0))
        stored = book.get("x.ipynb")
        assert stored is not None and stored.result.percent == 2.0
        book.set_artifact("x.ipynb", "similarity", {"peers": []})
        assert book.get("x.ipynb").artifacts == {"similarity": {"peers": []}}  # type: ignore[union-attr]
        with pytest.raises(GradebookError):
            book.update_result("missing.ipynb", graded)


def test_nan_scores_are_stored_as_null_and_ranked_last(tmp_path: Path) -> None:
    graded = SAMPLES["graded"]()
    with Gradebook.in_folder(tmp_path) as book:
        book.put(Stored("nan.ipynb", "k", "nan", dataclasses.replace(graded, percent=math.nan)))
        book.put(Stored("zero.ipynb", "k", "zero", dataclasses.replace(graded, percent=0.0)))
        assert [s.submission for s in book.results()] == ["zero.ipynb", "nan.ipynb"]
        assert math.isnan(book.results()[1].result.percent)


def test_other_modules_tables_survive_reopening(tmp_path: Path) -> None:
    path = tmp_path / "gradebook.sqlite"
    Gradebook(path).close()
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE comments (submission TEXT, body TEXT)")
        db.execute("INSERT INTO comments VALUES ('x', 'looks fine')")
    with Gradebook(path) as book:
        assert book.meta(SCHEMA_KEY) == "1"
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT body FROM comments").fetchall() == [("looks fine",)]


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "gradebook.sqlite"
    Gradebook(path).close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE gradebook_meta SET value = '99' WHERE key = ?", (SCHEMA_KEY,))
    with pytest.raises(GradebookError, match="newer takehome"):
        Gradebook(path)


def test_a_file_that_is_not_sqlite_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "gradebook.sqlite"
    path.write_text("not a database" * 100)
    with pytest.raises(GradebookError, match="not a usable gradebook"):
        Gradebook(path)


def test_a_failed_write_leaves_the_previous_row(tmp_path: Path) -> None:
    graded = SAMPLES["graded"]()
    with Gradebook.in_folder(tmp_path) as book:
        book.put(Stored("x.ipynb", "k", "x", graded))
        broken = dataclasses.replace(graded, criteria=graded.criteria, timings={"t": object()})  # type: ignore[dict-item]
        with pytest.raises((TypeError, ValueError)):
            book.put(Stored("x.ipynb", "k2", "x", broken))
        assert book.is_current("x.ipynb", "k")


def test_content_key_follows_every_input(tmp_path: Path) -> None:
    rubric = KMEANS / "task.toml"  # any file stands in for the rubric here
    task = tmp_path / "task"
    task.mkdir()
    (task / "task.toml").write_text("x")

    def key(notebook: bytes = b"nb", version: str = "1", mode: str = "grade") -> str:
        return content_key(notebook, task_root=task, rubric=rubric, harness_version=version,
                           options={"mode": mode})

    base = key()
    assert key() == base
    assert len({base, key(b"nb2"), key(version="2"), key(mode="check")}) == 4
    (task / "hidden.py").write_text("assert True")
    assert key() != base
