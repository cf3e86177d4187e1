"""The review app's view of a batch, read from the batch's ``gradebook.sqlite``.

Implements :class:`~harness.review.batch.Batch` over
:class:`harness.batch.gradebook.Gradebook`.  The list page needs every
submission's totals and per-criterion points, so rows are read once and kept
until the results table changes (a regrade while the app is open); the
review tables change often and are always read fresh by the store.
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
from pathlib import Path

from harness.batch.blind import PREFIX as BLIND_PREFIX
from harness.batch.gradebook import FILENAME, Gradebook
from harness.errors import InputError, NotebookError
from harness.intake import read_notebook
from harness.result import GradeResult
from harness.review.adjust import criterion_points
from harness.review.batch import Row

BLIND_META = "blind"  # gradebook_meta key: "1" when the batch was graded blind
TASK_META = "task"
MARKDOWN_ARTIFACT = "markdown"  # [[cell, source], ...] when the batch stored it


def reveal_names(path: Path | None) -> dict[str, str]:
    """Pseudonym -> notebook from a blind batch's reveal file ({} when absent).

    The file is kept outside the batch folder (see :mod:`harness.batch.blind`),
    so only a reviewer who was handed it can reveal names.
    """
    if path is None or not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        pseudonyms = data["pseudonyms"]
        return {str(alias): str(entry["notebook"]) for alias, entry in pseudonyms.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise InputError(f"{path}: not a takehome reveal file ({exc}); pass the file "
                         "`takehome grade --blind` wrote") from exc


def gradebook_path(folder: Path) -> Path:
    """The gradebook file of a batch output folder, or a clear error."""
    path = folder / FILENAME
    if not path.is_file():
        raise InputError(f"{folder}: no {FILENAME} here; pass the --out folder of a graded "
                         "batch (takehome batch ... --out DIR)")
    return path


class GradebookBatch:  # pylint: disable=too-many-instance-attributes  # caches, each named
    """A graded batch as the review app reads it."""

    def __init__(self, path: Path, notebooks_root: Path | None = None,
                 names: dict[str, str] | None = None) -> None:
        self._path = path
        self.names = names or {}  # pseudonym -> notebook, from the reveal file
        # A read-only look at the results table, to notice a regrade cheaply.
        # The app's handlers all run on the server's one event-loop thread,
        # which need not be the thread that opened the file.
        self._probe = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                                      check_same_thread=False)
        self._meta: dict[str, str] = {}
        self._root = notebooks_root or Path.cwd()
        self._rows: list[Row] | None = None
        self._results: dict[str, GradeResult] = {}
        self._artifacts: dict[str, dict[str, object]] = {}
        self._generation = -1

    @property
    def task(self) -> str:
        """The task's name (from the batch's metadata, else the first result)."""
        self._load_results()
        return self._meta.get(TASK_META) or next(
            (r.task for r in self._load_results().values()), "takehome batch")

    @property
    def blind(self) -> bool:
        """Whether the batch was graded blind."""
        results = self._load_results()
        if self._meta.get(BLIND_META, "").lower() in ("1", "true", "yes"):
            return True
        # The batch layer names every submission of a blind batch by a pseudonym.
        return bool(results) and all(k.startswith(BLIND_PREFIX) for k in results)

    def _load_results(self) -> dict[str, GradeResult]:
        generation = hash(tuple(self._probe.execute(
            "SELECT submission, content_key, graded_at, length(result_json) FROM results")))
        changed = generation != self._generation or self._rows is None
        if changed:
            # Opened per load, in the calling thread: the store's connection
            # belongs to the thread that made it.
            with Gradebook(self._path) as book:
                stored = book.results()
                self._meta = {k: book.meta(k) for k in (TASK_META, BLIND_META)}
            self._results = {s.submission: s.result for s in stored}
            self._artifacts = {s.submission: dict(s.artifacts) for s in stored}
            self._rows = [self._row(s.submission, s.result) for s in stored]
            self._generation = generation
        return self._results

    def close(self) -> None:
        """Close the read-only connection (the gradebook is closed by its owner)."""
        self._probe.close()

    def _row(self, key: str, result: GradeResult) -> Row:
        return Row(
            key=key,
            name=self.names.get(key, key),
            alias=key,
            status=result.status,
            percent=result.percent if math.isfinite(result.percent) else 0.0,
            criteria=criterion_points(result),
        )

    def rows(self) -> list[Row]:
        """Every submission with its automatic totals."""
        self._load_results()
        return list(self._rows or ())

    def result(self, key: str) -> GradeResult | None:
        """The full result of one submission."""
        return self._load_results().get(key)

    def markdown(self, key: str) -> list[tuple[int, str]]:
        """The candidate's markdown cells: stored by the batch, else read from the notebook.

        The notebook is read through intake (size caps, schema check), never
        executed; a file that is gone or unreadable just shows no write-up.
        """
        self._load_results()
        stored = self._artifacts.get(key, {}).get(MARKDOWN_ARTIFACT)
        if isinstance(stored, list):
            return [(int(i), str(s)) for i, s in stored
                    if isinstance(i, int) and isinstance(s, str)]
        result = self._results.get(key)
        if result is None or self.blind:
            return []
        given = Path(result.notebook)
        # A relative path is as given to `takehome grade`: from where it ran,
        # usually here or the folder holding the batch folder.
        for path in (given,) if given.is_absolute() else (self._root / given,
                                                           self._path.parent.parent / given):
            try:
                notebook = read_notebook(os.fspath(path))
            except NotebookError:
                continue
            return [(c.index, c.source) for c in notebook.markdown_cells]
        return []
