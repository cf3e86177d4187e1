"""``--blind``: pseudonyms instead of names, with a separate file to reveal them.

Reviewers should compare work, not people.  In blind mode each submission
is known by a pseudonym (``candidate-1a2b3c4d``) in its reports, the
gradebook and the index, and every candidate name found in the notebook's
metadata (``authors``, ``author``) or in its path (folder names, the file
name) is replaced by that pseudonym wherever it shows up in the result
(outputs, tracebacks, source lines, messages).

Pseudonyms are an HMAC of the notebook's id under a secret key, so they are
stable across reruns and shards but cannot be recomputed from a list of
names.  The key and the mapping live in the *reveal file*, which is written
outside the output folder (``OUT-reveal.json`` next to ``OUT``) so the
folder can be shared with reviewers without it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from harness.batch.codec import decode, encode
from harness.batch.items import Item
from harness.errors import InputError
from harness.result import GradeResult

PREFIX = "candidate-"
_MIN_NAME = 3  # shorter tokens ("a", "jo") would redact ordinary words
_TOKEN_SPLIT = re.compile(r"[\s._\-/]+")
_MAX_METADATA_BYTES = 20_000_000


def default_reveal_path(out_dir: Path) -> Path:
    """``OUT-reveal.json`` beside the output folder, not inside it."""
    resolved = out_dir.resolve()
    return resolved.parent / f"{resolved.name}-reveal.json"


class Blinder:
    """Pseudonyms and redaction for one batch, backed by its reveal file."""

    def __init__(self, reveal_path: Path) -> None:
        self.reveal_path = reveal_path
        self._mapping: dict[str, dict[str, Any]] = {}
        if reveal_path.is_file():
            try:
                data = json.loads(reveal_path.read_text(encoding="utf-8"))
                self._key = bytes.fromhex(str(data["key"]))
                self._mapping = dict(data["pseudonyms"])
            except (OSError, ValueError, KeyError, TypeError) as exc:
                raise InputError(f"{reveal_path}: not a takehome reveal file ({exc}); "
                                 "move it away to start a new blind batch") from exc
        else:
            self._key = secrets.token_bytes(32)

    def pseudonym(self, item: Item) -> str:
        """The stable pseudonym of a submission."""
        digest = hmac.new(self._key, item.id.encode(), hashlib.sha256).hexdigest()
        return PREFIX + digest[:10]

    def register(self, item: Item, names: Iterable[str]) -> str:
        """Record a submission's pseudonym and names (for reveal); return the pseudonym."""
        alias = self.pseudonym(item)
        self._mapping[alias] = {"notebook": item.id, "names": sorted(set(names))}
        return alias

    def apply(self, item: Item, result: GradeResult) -> GradeResult:
        """``result`` with the notebook path and every registered name replaced."""
        data = encode(result)
        data["notebook"] = self.pseudonym(item) + ".ipynb"
        pattern = self._pattern(item)
        if pattern is not None:
            data = _replace_strings(data, pattern, self.pseudonym(item))
        return decode(data)

    def redaction(self, item: Item) -> Callable[[str], str]:
        """Replace this submission's registered names in any text (e.g. its markdown)."""
        pattern, alias = self._pattern(item), self.pseudonym(item)
        return (lambda text: text) if pattern is None else (lambda text: pattern.sub(alias, text))

    def _pattern(self, item: Item) -> re.Pattern[str] | None:
        names = self._mapping.get(self.pseudonym(item), {}).get("names", [])
        tokens = sorted({t for name in names for t in _tokens(name)}, key=len, reverse=True)
        if not tokens:
            return None
        return re.compile("|".join(re.escape(t) for t in tokens), re.IGNORECASE)

    def save(self) -> Path:
        """Write the reveal file (key and mapping), readable by its owner only."""
        self.reveal_path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"key": self._key.hex(), "pseudonyms": self._mapping},
                          indent=2, sort_keys=True)
        tmp = self.reveal_path.with_name(self.reveal_path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text + "\n")
        os.replace(tmp, self.reveal_path)
        return self.reveal_path


def shared_parts(batch: Sequence[Item]) -> set[str]:
    """Path parts every notebook of the batch has ("submissions", "solution"): not names."""
    return set.intersection(*(set(_parts(i)) for i in batch)) if batch else set()


def names_in(item: Item, notebook: bytes, shared: set[str]) -> list[str]:
    """Candidate names in a notebook's metadata and in the parts of its path.

    ``shared`` (from :func:`shared_parts`) are not names; what tells one
    submission from another is.
    """
    names = [part for part in _parts(item) if part not in shared]
    if len(notebook) <= _MAX_METADATA_BYTES:
        try:
            metadata = json.loads(notebook).get("metadata", {})
        except (ValueError, AttributeError, RecursionError):
            metadata = {}
        names += _metadata_names(metadata)
    return names


def _parts(item: Item) -> list[str]:
    return [*Path(item.id).parent.parts, Path(item.id).stem]


def _metadata_names(metadata: object) -> list[str]:
    if not isinstance(metadata, Mapping):
        return []
    found: list[str] = []
    authors = metadata.get("authors", [])
    for author in authors if isinstance(authors, list) else []:
        name = author.get("name") if isinstance(author, Mapping) else author
        if isinstance(name, str):
            found.append(name[:200])
    for key in ("author", "name", "candidate"):
        value = metadata.get(key)
        if isinstance(value, str):
            found.append(value[:200])
    return found


def _tokens(name: str) -> list[str]:
    """The name and each of its parts long enough to be a name."""
    whole = name.strip()
    parts = [p for p in _TOKEN_SPLIT.split(whole) if len(p) >= _MIN_NAME]
    return ([whole] if len(whole) >= _MIN_NAME else []) + parts


# Fields that name things of the harness, not of the candidate: an enum
# value such as "passed" must survive a candidate called "Pass".
_STRUCTURAL = frozenset({
    "status", "outcome", "suite", "id", "severity", "kind", "mode", "sandbox", "task",
    "schema_version", "harness_version", "symbol", "msg_id", "category",
})


def _replace_strings(value: Any, pattern: re.Pattern[str], alias: str) -> Any:
    if isinstance(value, str):
        return pattern.sub(alias, value)
    if isinstance(value, list):
        return [_replace_strings(v, pattern, alias) for v in value]
    if isinstance(value, dict):
        return {k: v if k in _STRUCTURAL else _replace_strings(v, pattern, alias)
                for k, v in value.items()}
    return value
