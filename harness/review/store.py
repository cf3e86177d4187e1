"""The review tables: comments, overrides, decisions, notes and reveals.

They live in the batch's ``gradebook.sqlite`` beside the automatic results,
so the gradebook stays the one store of a batch (DESIGN.md).  This module
owns the ``review_*`` tables and their own schema version; it never touches
the tables the batch layer writes.

Every change is written in its own transaction the moment it is made, and
appended to ``review_log`` with who, when, the old and the new value: closing
the browser or killing the server loses nothing, and every adjustment can be
traced to a person.  Rows are keyed by the submission's stable key (not by
the content hash of a result), so a regrade keeps them.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from harness.errors import InputError

REVIEW_SCHEMA_VERSION = 1
DECISIONS = ("advance", "hold", "reject")
TEXT_CAP = 20_000  # characters in a comment, a reason or a note

_SCHEMA = """
CREATE TABLE IF NOT EXISTS review_schema (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS review_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    reviewer TEXT NOT NULL,
    submission TEXT NOT NULL,        -- '' for batch-wide actions (reveal)
    action TEXT NOT NULL,            -- comment, uncomment, override, decision, note, reveal
    target TEXT NOT NULL DEFAULT '', -- criterion, 'cell:line' or comment id
    old TEXT,                        -- JSON, NULL when there was none
    new TEXT                         -- JSON, NULL when removed
);
CREATE TABLE IF NOT EXISTS review_comments (
    id INTEGER PRIMARY KEY,
    submission TEXT NOT NULL,
    criterion TEXT,                  -- set for a comment on a criterion
    cell INTEGER,                    -- set (with line) for a comment on a code line
    line INTEGER,
    text TEXT NOT NULL,
    reviewer TEXT NOT NULL,
    at TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS review_comments_submission ON review_comments (submission);
CREATE TABLE IF NOT EXISTS review_overrides (
    submission TEXT NOT NULL,
    criterion TEXT NOT NULL,
    points REAL NOT NULL,
    reason TEXT NOT NULL,
    automatic REAL NOT NULL,         -- the automatic points the reviewer overrode
    reviewer TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (submission, criterion)
);
CREATE TABLE IF NOT EXISTS review_decisions (
    submission TEXT PRIMARY KEY,
    decision TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    reviewer TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS review_reveals (
    id INTEGER PRIMARY KEY,
    reviewer TEXT NOT NULL,
    at TEXT NOT NULL
);
"""


class ReviewError(InputError):
    """A review change that cannot be stored as asked (bad value, unknown target)."""


@dataclass(frozen=True)
class Comment:  # pylint: disable=too-many-instance-attributes  # one per stored column
    """A reviewer's remark on a criterion or on one code line."""

    id: int
    submission: str
    criterion: str | None
    cell: int | None
    line: int | None
    text: str
    reviewer: str
    at: str


@dataclass(frozen=True)
class Override:  # pylint: disable=too-many-instance-attributes  # one per stored column
    """A reviewer's points for a criterion, replacing the automatic ones."""

    submission: str
    criterion: str
    points: float
    reason: str
    automatic: float  # automatic points when the override was made
    reviewer: str
    at: str


@dataclass(frozen=True)
class Decision:
    """Where a submission stands with the team, and the overall note."""

    submission: str
    decision: str  # "" (undecided) or one of DECISIONS
    note: str
    reviewer: str
    at: str


@dataclass(frozen=True)
class LogEntry:  # pylint: disable=too-many-instance-attributes  # one per stored column
    """One stored change: who did what, when, from which value to which."""

    id: int
    at: str
    reviewer: str
    submission: str
    action: str
    target: str
    old: object
    new: object


def now() -> str:
    """UTC time to the second, ISO 8601: sortable text that sqlite and people read."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _text(value: object, what: str, *, required: bool) -> str:
    if not isinstance(value, str):
        raise ReviewError(f"{what} must be text")
    text = value.strip()
    if required and not text:
        raise ReviewError(f"{what} is empty; write a few words")
    if len(text) > TEXT_CAP:
        raise ReviewError(f"{what} has {len(text)} characters; keep it under {TEXT_CAP}")
    return text


class ReviewStore:
    """Reads and writes the review tables of one gradebook file.

    One connection per store, used by one thread at a time (the server's
    event loop); sqlite's own locking (WAL) keeps two servers on one file
    consistent.
    """

    def __init__(self, path: Path, reviewer: str) -> None:
        self.path = path
        self.reviewer = _text(reviewer, "reviewer name", required=True)
        # Not bound to the opening thread: the server's event-loop thread uses it.
        self._db = sqlite3.connect(path, timeout=10, isolation_level=None,
                                   check_same_thread=False)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._migrate()

    @staticmethod
    def present(path: Path) -> bool:
        """Whether the gradebook at ``path`` has review tables (read-only check)."""
        if not path.is_file():
            return False
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            row = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                             "AND name = 'review_schema'").fetchone()
        finally:
            db.close()
        return row is not None

    def close(self) -> None:
        """Close the connection (every change is already committed)."""
        self._db.close()

    def _migrate(self) -> None:
        # CREATE ... IF NOT EXISTS is idempotent, so two servers starting at
        # once cannot break it; executescript commits by itself.
        self._db.executescript(_SCHEMA)
        with self._transaction():
            row = self._db.execute("SELECT MAX(version) FROM review_schema").fetchone()
            version = row[0]
            if version is None:
                self._db.execute("INSERT INTO review_schema VALUES (?)", (REVIEW_SCHEMA_VERSION,))
            elif version > REVIEW_SCHEMA_VERSION:
                raise ReviewError(
                    f"{self.path}: review tables are version {version}, newer than this "
                    f"takehome understands ({REVIEW_SCHEMA_VERSION}); upgrade takehome"
                )

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _log(self, submission: str, action: str, target: str, old: object, new: object) -> None:
        self._db.execute(
            "INSERT INTO review_log (at, reviewer, submission, action, target, old, new)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (now(), self.reviewer, submission, action, target,
             None if old is None else json.dumps(old, sort_keys=True),
             None if new is None else json.dumps(new, sort_keys=True)),
        )

    # -- comments ---------------------------------------------------------

    def add_comment(self, submission: str, text: object, *, criterion: str | None = None,
                    cell: int | None = None, line: int | None = None) -> Comment:
        """Store a comment on a criterion, or on a code line (cell and line)."""
        body = _text(text, "comment", required=True)
        if (criterion is None) == (cell is None or line is None):
            raise ReviewError("a comment is on a criterion or on a code line (cell and line)")
        at = now()
        with self._transaction():
            cursor = self._db.execute(
                "INSERT INTO review_comments"
                " (submission, criterion, cell, line, text, reviewer, at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (submission, criterion, cell, line, body, self.reviewer, at),
            )
            cid = int(cursor.lastrowid or 0)
            target = criterion if criterion is not None else f"{cell}:{line}"
            self._log(submission, "comment", target, None, {"id": cid, "text": body})
        return Comment(cid, submission, criterion, cell, line, body, self.reviewer, at)

    def delete_comment(self, submission: str, comment_id: int) -> None:
        """Hide a comment; the row and the log keep what it said."""
        with self._transaction():
            row = self._db.execute(
                "SELECT text FROM review_comments WHERE id = ? AND submission = ? AND deleted = 0",
                (comment_id, submission),
            ).fetchone()
            if row is None:
                raise ReviewError(f"no comment {comment_id} on this submission")
            self._db.execute("UPDATE review_comments SET deleted = 1 WHERE id = ?", (comment_id,))
            self._log(submission, "uncomment", str(comment_id), {"text": row["text"]}, None)

    def comments(self, submission: str | None = None) -> list[Comment]:
        """Live comments, oldest first; of one submission or of all."""
        query = "SELECT * FROM review_comments WHERE deleted = 0"
        args: tuple[str, ...] = ()
        if submission is not None:
            query += " AND submission = ?"
            args = (submission,)
        rows = self._db.execute(query + " ORDER BY id", args).fetchall()
        return [Comment(r["id"], r["submission"], r["criterion"], r["cell"], r["line"],
                        r["text"], r["reviewer"], r["at"]) for r in rows]

    # -- overrides --------------------------------------------------------

    def set_override(  # pylint: disable=too-many-arguments,too-many-positional-arguments  # what, whom, why, and the bounds
            self, submission: str, criterion: str, points: float | None,
            reason: object, automatic: float, max_points: float) -> Override | None:
        """Replace a criterion's automatic points, or (``points=None``) restore them.

        ``automatic`` is remembered so a later regrade that changes the
        automatic points can flag this override for a second look.
        """
        with self._transaction():
            old = self.overrides(submission).get(criterion)
            old_value = None if old is None else {"points": old.points, "reason": old.reason}
            if points is None:
                if old is None:
                    return None
                self._db.execute(
                    "DELETE FROM review_overrides WHERE submission = ? AND criterion = ?",
                    (submission, criterion))
                self._log(submission, "override", criterion, old_value, None)
                return None
            if not 0 <= points <= max_points:
                raise ReviewError(
                    f"{criterion}: {points:g} points is outside 0 to {max_points:g}")
            why = _text(reason, "reason for the override", required=True)
            at = now()
            self._db.execute(
                "INSERT OR REPLACE INTO review_overrides"
                " (submission, criterion, points, reason, automatic, reviewer, at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (submission, criterion, points, why, automatic, self.reviewer, at),
            )
            self._log(submission, "override", criterion, old_value,
                      {"points": points, "reason": why, "automatic": automatic})
        return Override(submission, criterion, points, why, automatic, self.reviewer, at)

    def overrides(self, submission: str) -> dict[str, Override]:
        """Overrides of one submission, by criterion."""
        rows = self._db.execute(
            "SELECT * FROM review_overrides WHERE submission = ?", (submission,)).fetchall()
        return {r["criterion"]: _override(r) for r in rows}

    def all_overrides(self) -> dict[str, dict[str, Override]]:
        """Every override in the batch, by submission then criterion."""
        out: dict[str, dict[str, Override]] = {}
        for r in self._db.execute("SELECT * FROM review_overrides").fetchall():
            out.setdefault(r["submission"], {})[r["criterion"]] = _override(r)
        return out

    # -- decisions and notes ----------------------------------------------

    def decision(self, submission: str) -> Decision | None:
        """The decision and note of one submission, if any was made."""
        row = self._db.execute(
            "SELECT * FROM review_decisions WHERE submission = ?", (submission,)).fetchone()
        return None if row is None else _decision(row)

    def all_decisions(self) -> dict[str, Decision]:
        """Every decision and note in the batch, by submission."""
        rows = self._db.execute("SELECT * FROM review_decisions").fetchall()
        return {r["submission"]: _decision(r) for r in rows}

    def set_decision(self, submission: str, decision: object) -> Decision:
        """Advance, hold or reject; ``""`` clears the decision."""
        if decision not in ("", *DECISIONS):
            raise ReviewError(
                f"decision {decision!r} is unknown; use one of {', '.join(DECISIONS)}")
        return self._set_field(submission, "decision", str(decision))

    def set_note(self, submission: str, note: object) -> Decision:
        """The overall note on a submission (empty text clears it)."""
        return self._set_field(submission, "note", _text(note, "note", required=False))

    def _set_field(self, submission: str, field: str, value: str) -> Decision:
        with self._transaction():
            old = self.decision(submission)
            old_value = "" if old is None else getattr(old, field)
            at = now()
            self._db.execute(
                "INSERT INTO review_decisions (submission, reviewer, at) VALUES (?, ?, ?)"
                " ON CONFLICT (submission) DO NOTHING", (submission, self.reviewer, at))
            # field is one of two literal names chosen above, never user text.
            self._db.execute(
                f"UPDATE review_decisions SET {field} = ?, reviewer = ?, at = ?"
                " WHERE submission = ?",
                (value, self.reviewer, at, submission))
            if old_value != value:
                self._log(submission, field, "", old_value or None, value or None)
            current = self.decision(submission)
        assert current is not None  # written just above
        return current

    # -- reveal and log ---------------------------------------------------

    def reveal(self) -> None:
        """Show candidate names in a blind batch; recorded with who and when."""
        with self._transaction():
            self._db.execute("INSERT INTO review_reveals (reviewer, at) VALUES (?, ?)",
                             (self.reviewer, now()))
            self._log("", "reveal", "names", None, True)

    def revealed(self) -> tuple[str, str] | None:
        """(reviewer, when) of the first reveal, or None while the batch is blind."""
        row = self._db.execute(
            "SELECT reviewer, at FROM review_reveals ORDER BY id LIMIT 1").fetchone()
        return None if row is None else (row["reviewer"], row["at"])

    def log(self, submission: str | None = None) -> list[LogEntry]:
        """Stored changes, oldest first; of one submission or of all."""
        query = "SELECT * FROM review_log"
        args: tuple[str, ...] = ()
        if submission is not None:
            query, args = query + " WHERE submission = ?", (submission,)
        rows = self._db.execute(query + " ORDER BY id", args).fetchall()
        return [LogEntry(r["id"], r["at"], r["reviewer"], r["submission"], r["action"], r["target"],
                         None if r["old"] is None else json.loads(r["old"]),
                         None if r["new"] is None else json.loads(r["new"])) for r in rows]

    def comment_counts(self) -> dict[str, int]:
        """Live comments per submission, for the list page."""
        rows = self._db.execute(
            "SELECT submission, COUNT(*) FROM review_comments"
            " WHERE deleted = 0 GROUP BY submission")
        return {r[0]: r[1] for r in rows}


def _override(r: sqlite3.Row) -> Override:
    return Override(r["submission"], r["criterion"], r["points"], r["reason"],
                    r["automatic"],
                    r["reviewer"], r["at"])


def _decision(r: sqlite3.Row) -> Decision:
    return Decision(r["submission"], r["decision"], r["note"], r["reviewer"], r["at"])
