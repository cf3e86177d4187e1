"""The gradebook store: one SQLite file holding every result of a batch.

``OUT/gradebook.sqlite`` is the one state of a batch (DESIGN.md, batch
layer).  Each submission is one row in ``results``, written in its own
transaction as soon as it is graded, so killing the grader at any moment
loses nothing that finished.  A row carries the whole result as JSON
(:mod:`harness.batch.codec`), so every export (CSV, index, per-notebook
reports) and the review app render from the database alone.

Rows are keyed by the submission's id (its path as given, or its pseudonym
in blind mode) and carry a *content key*: a hash of the notebook bytes, the
task folder, the rubric, the harness version and the grading options.  A
rerun skips a submission whose stored key matches and regrades the rest.

Other modules keep their own tables in the same file (reviews, similarity):
this module creates only its own tables, never drops a table it does not
know, and records its schema version under its own key in
``gradebook_meta`` so each module can migrate independently.
``artifacts`` holds per-submission data that static analysis produced
(e.g. fingerprints) for batch-level steps that need every submission.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from harness.batch.codec import decode, encode
from harness.errors import HarnessError, InputError
from harness.result import GradeResult

FILENAME = "gradebook.sqlite"
SCHEMA_KEY = "results_schema"
SCHEMA_VERSION = 1
_KEY_FORMAT = "takehome-content-key/1"
_SKIPPED_DIRS = {"__pycache__", ".ipynb_checkpoints", ".pytest_cache", ".git"}

_SCHEMA_V1 = """
CREATE TABLE IF NOT EXISTS gradebook_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS results (
    submission      TEXT PRIMARY KEY,  -- path as given, or the pseudonym in blind mode
    content_key     TEXT NOT NULL,     -- see content_key(): what the grade depends on
    report_stem     TEXT NOT NULL UNIQUE,  -- reports are <stem>.html, <stem>.json, ...
    task            TEXT NOT NULL,
    status          TEXT NOT NULL,
    percent         REAL,              -- NULL when not a finite number
    points          REAL,
    max_points      REAL,
    result_json     TEXT NOT NULL,     -- the whole GradeResult (harness.batch.codec)
    artifacts_json  TEXT NOT NULL DEFAULT '{}',  -- static-analysis data for batch steps
    harness_version TEXT NOT NULL,
    shard           TEXT NOT NULL DEFAULT '',    -- "K/N" when graded as a shard
    graded_at       TEXT NOT NULL      -- UTC, ISO 8601
);
CREATE INDEX IF NOT EXISTS results_by_key ON results (content_key);
"""


class GradebookError(HarnessError):
    """The gradebook file cannot be opened, read or migrated."""

    exit_code = InputError.exit_code


@dataclass(frozen=True)
class Stored:
    """One submission's row: its result and where its reports go."""

    submission: str  # the id shown in the gradebook (path or pseudonym)
    content_key: str
    report_stem: str
    result: GradeResult
    artifacts: Mapping[str, Any] = field(default_factory=dict)
    shard: str = ""
    graded_at: str = ""


def content_key(  # pylint: disable=too-many-arguments  # each input changes the grade
    notebook: bytes,
    *,
    task_root: Path,
    rubric: Path,
    harness_version: str,
    options: Mapping[str, str] | None = None,
) -> str:
    """The hash of everything a grade depends on (hex sha256).

    ``options`` holds grading choices that change the stored result (mode,
    sandbox, blind).  The task folder is hashed file by file (names and
    bytes, sorted), so an edited hidden test or data file regrades the batch.
    """
    digest = hashlib.sha256(_KEY_FORMAT.encode())
    for label, part in (
        ("notebook", hashlib.sha256(notebook).hexdigest()),
        ("task", folder_hash(task_root)),
        ("rubric", hashlib.sha256(rubric.read_bytes()).hexdigest()),
        ("harness", harness_version),
        ("options", json.dumps(dict(options or {}), sort_keys=True)),
    ):
        digest.update(f"\0{label}\0{part}".encode())
    return digest.hexdigest()


def folder_hash(root: Path) -> str:
    """sha256 over the relative names and bytes of every file under ``root``."""
    digest = hashlib.sha256()
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in _SKIPPED_DIRS)
        for name in sorted(files):
            path = Path(folder) / name
            relative = path.relative_to(root).as_posix()
            digest.update(f"\0{relative}\0".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


class Gradebook:
    """An open gradebook file; use as a context manager or call :meth:`close`."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            # isolation_level=None: transactions are explicit (BEGIN IMMEDIATE).
            self._db = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            # NORMAL in WAL mode is durable against a killed process (only a
            # power cut may lose the last commits) and avoids an fsync per row.
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise GradebookError(f"{self.path}: not a usable gradebook ({exc}); "
                                 "move it away or pick another --out folder") from exc

    @classmethod
    def in_folder(cls, out_dir: str | os.PathLike[str]) -> Gradebook:
        """The gradebook of an output folder (created when missing)."""
        return cls(Path(out_dir) / FILENAME)

    def __enter__(self) -> Gradebook:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection (SQLite folds the WAL back into the file)."""
        self._db.close()

    def _migrate(self) -> None:
        with _Transaction(self._db):
            for statement in _SCHEMA_V1.split(";"):
                if statement.strip():
                    self._db.execute(statement)
            row = self._db.execute(
                "SELECT value FROM gradebook_meta WHERE key = ?", (SCHEMA_KEY,)).fetchone()
            found = int(row[0]) if row else 0
            if found > SCHEMA_VERSION:
                raise GradebookError(
                    f"{self.path}: written by a newer takehome (results schema {found}, "
                    f"this one knows {SCHEMA_VERSION}); upgrade takehome")
            # Future versions migrate step by step here: if found < 2: ...
            self._db.execute("INSERT OR REPLACE INTO gradebook_meta VALUES (?, ?)",
                             (SCHEMA_KEY, str(SCHEMA_VERSION)))

    # -- metadata --------------------------------------------------------

    def meta(self, key: str, default: str = "") -> str:
        """A value from ``gradebook_meta`` (task title, blind flag, ...)."""
        row = self._db.execute("SELECT value FROM gradebook_meta WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else default

    def set_meta(self, key: str, value: str) -> None:
        """Set one ``gradebook_meta`` value in its own transaction."""
        with _Transaction(self._db):
            self._db.execute("INSERT OR REPLACE INTO gradebook_meta VALUES (?, ?)", (key, value))

    # -- results ---------------------------------------------------------

    def is_current(self, submission: str, key: str) -> bool:
        """Whether ``submission`` is stored with this content key (no regrade needed)."""
        row = self._db.execute(
            "SELECT 1 FROM results WHERE submission = ? AND content_key = ?", (submission, key)
        ).fetchone()
        return row is not None

    def put(self, stored: Stored) -> None:
        """Store (or replace) one submission's row in one transaction."""
        result = stored.result
        graded_at = stored.graded_at or datetime.now(UTC).isoformat(timespec="seconds")
        row = (
            stored.submission, stored.content_key, stored.report_stem, result.task,
            result.status, _real(result.percent), _real(result.points), _real(result.max_points),
            _json(encode(result)), _json(dict(stored.artifacts)), result.harness_version,
            stored.shard, graded_at,
        )
        with _Transaction(self._db):
            # A report name held by another submission (a changed batch) is freed first.
            self._db.execute("DELETE FROM results WHERE report_stem = ? AND submission != ?",
                             (stored.report_stem, stored.submission))
            self._db.execute(
                "INSERT OR REPLACE INTO results (submission, content_key, report_stem, task, "
                "status, percent, points, max_points, result_json, artifacts_json, "
                "harness_version, shard, graded_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", row)

    def update_result(self, submission: str, result: GradeResult) -> None:
        """Replace a stored result (a batch step such as similarity adjusted it)."""
        with _Transaction(self._db):
            changed = self._db.execute(
                "UPDATE results SET result_json = ?, status = ?, percent = ?, points = ?, "
                "max_points = ? WHERE submission = ?",
                (_json(encode(result)), result.status, _real(result.percent),
                 _real(result.points), _real(result.max_points), submission)).rowcount
        if not changed:
            raise GradebookError(f"{self.path}: no submission {submission!r} to update")

    def set_artifact(self, submission: str, name: str, value: Any) -> None:
        """Set one named artifact of a submission (JSON data)."""
        with _Transaction(self._db):
            row = self._db.execute("SELECT artifacts_json FROM results WHERE submission = ?",
                                   (submission,)).fetchone()
            if row is None:
                raise GradebookError(f"{self.path}: no submission {submission!r}")
            artifacts = json.loads(row[0])
            artifacts[name] = value
            self._db.execute("UPDATE results SET artifacts_json = ? WHERE submission = ?",
                             (_json(artifacts), submission))

    def remove(self, submissions: Iterable[str]) -> int:
        """Delete rows (submissions no longer in the batch); returns how many."""
        with _Transaction(self._db):
            return sum(self._db.execute("DELETE FROM results WHERE submission = ?",
                                        (s,)).rowcount for s in submissions)

    def submissions(self) -> list[str]:
        """Every stored submission id, sorted."""
        return [str(r[0]) for r in self._db.execute(
            "SELECT submission FROM results ORDER BY submission")]

    def get(self, submission: str) -> Stored | None:
        """One row, or None when the submission was never graded."""
        row = self._db.execute(f"SELECT {_COLUMNS} FROM results WHERE submission = ?",
                               (submission,)).fetchone()
        return None if row is None else _stored(row)

    def results(self) -> list[Stored]:
        """Every row, best score first (ties by submission id: deterministic)."""
        rows = self._db.execute(
            f"SELECT {_COLUMNS} FROM results "
            "ORDER BY percent IS NULL, percent DESC, submission")
        return [_stored(r) for r in rows]

    def __len__(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM results").fetchone()[0])


_COLUMNS = ("submission, content_key, report_stem, result_json, artifacts_json, shard, "
            "graded_at")


def _stored(row: tuple[Any, ...]) -> Stored:
    submission, key, stem, result_json, artifacts_json, shard, graded_at = row
    return Stored(
        submission=str(submission), content_key=str(key), report_stem=str(stem),
        result=decode(json.loads(result_json)), artifacts=json.loads(artifacts_json),
        shard=str(shard), graded_at=str(graded_at),
    )


def _json(data: Any) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, allow_nan=False)


def _real(value: float) -> float | None:
    """SQLite has no NaN: a score that is not a finite number is stored as NULL."""
    return value if math.isfinite(value) else None


class _Transaction:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``, or ``ROLLBACK`` on any exception."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, *_: object) -> None:
        self._db.execute("ROLLBACK" if kind is not None else "COMMIT")
