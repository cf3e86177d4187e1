"""``takehome gradebook merge``: shard outputs into one gradebook and its exports.

Each shard of a CI matrix writes its own ``OUT/gradebook.sqlite``; merging
copies every row into the target gradebook (a submission found in several
inputs keeps its most recently graded row), then renders the CSV, the index
and every report from the merged rows.  Inputs must be of the same task.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from harness.batch.exports import write_exports
from harness.batch.gradebook import FILENAME, Gradebook, Stored
from harness.batch.steps import run_batch_steps
from harness.errors import InputError


def merge(folders: Sequence[Path], out_dir: Path, formats: Sequence[str]) -> list[Path]:
    """Merge the gradebooks in ``folders`` into ``out_dir``; return the exports."""
    newest: dict[str, Stored] = {}
    task, title = "", ""
    meta: dict[str, str] = {}
    for folder in folders:
        path = folder / FILENAME
        if not path.is_file():
            raise InputError(f"{folder}: no {FILENAME} here; pass the --out folders of the shards")
        with Gradebook(path) as book:
            this_task = book.meta("task")
            if task and this_task and this_task != task:
                raise InputError(f"{folder}: gradebook of task {this_task!r}, the others are of "
                                 f"{task!r}; merge one task at a time")
            task, title = task or this_task, title or book.meta("task_title")
            meta = meta or {key: book.meta(key) for key in ("task_root", "rubric")}
            for stored in book.results():
                kept = newest.get(stored.submission)
                if kept is None or stored.graded_at > kept.graded_at:
                    newest[stored.submission] = stored
    with Gradebook.in_folder(out_dir) as merged:
        if task:
            merged.set_meta("task", task)
            merged.set_meta("task_title", title or task)
        for key, value in meta.items():
            if value:
                merged.set_meta(key, value)
        for stored in sorted(newest.values(), key=lambda s: s.submission):
            merged.put(stored)
        # Peers across shards are compared only now, over every row.
        run_batch_steps(merged)
        return write_exports(merged, out_dir, formats, rerender=True)
