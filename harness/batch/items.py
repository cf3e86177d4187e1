"""Which notebooks a batch grades, under which id and report name.

Folders given on the command line expand to the notebooks inside them
(recursively, sorted), so a course can pass ``submissions/`` instead of a
thousand paths.  Each notebook gets an id (its path as given, normalised)
and a report name that is stable across reruns and shards: the file's stem
when no other notebook in the batch has it, otherwise a name built from its
folders, so ``alice/solution.ipynb`` and ``bob/solution.ipynb`` do not
overwrite each other's reports.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from harness.errors import InputError

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Item:
    """One notebook of the batch."""

    id: str  # the path as given, normalised (the gradebook's submission id)
    path: Path
    stem: str  # report file name without suffix, unique in the batch


def expand(paths: Sequence[Path]) -> list[Path]:
    """Files as given, folders as the ``*.ipynb`` under them; duplicates once."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            notebooks = sorted(
                p for p in path.rglob("*.ipynb")
                if ".ipynb_checkpoints" not in p.parts and p.is_file()
            )
            if not notebooks:
                raise InputError(f"{path}: no .ipynb files in this folder")
            found.extend(notebooks)
        else:
            found.append(path)  # a missing file is the pipeline's input error, reported
    seen: set[str] = set()
    unique = []
    for path in found:
        key = os.path.normpath(path)
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return unique


def plan(paths: Iterable[Path]) -> list[Item]:
    """Ids and report names for the notebooks of a batch (before sharding)."""
    notebooks = list(paths)
    ids = [os.path.normpath(p).replace(os.sep, "/") for p in notebooks]
    stems = Counter(_safe(Path(i).stem) for i in ids)
    # Folders every notebook sits in ("/home/me/submissions") tell nothing apart.
    common = Path(os.path.commonpath([os.path.dirname(os.path.abspath(i)) for i in ids])) \
        if ids else Path("/")
    items = []
    taken: set[str] = set()
    for path, ident in zip(notebooks, ids, strict=True):
        stem = _safe(Path(ident).stem)
        if stems[stem] > 1:
            relative = Path(os.path.abspath(ident)).relative_to(common).with_suffix("")
            stem = _safe("__".join(relative.parts))
        if stem in taken:  # still ambiguous (e.g. "a__b/c" and "a/b__c"): add a hash
            stem = f"{stem}-{hashlib.sha256(ident.encode()).hexdigest()[:8]}"
        taken.add(stem)
        items.append(Item(ident, path, stem))
    return items


def _safe(text: str) -> str:
    """A file-name-safe version of ``text`` (never empty, never hidden)."""
    cleaned = _UNSAFE.sub("-", text).strip("-.") or "notebook"
    return cleaned[:120]
