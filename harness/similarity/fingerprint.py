"""Winnowed k-gram fingerprints of normalised tokens (Schleimer, Wilkerson and Aiken's MOSS).

Every run of ``K`` consecutive tokens is hashed; of each window of
``WINDOW`` consecutive hashes the smallest is kept.  Any match of at least
``K + WINDOW - 1`` tokens is then guaranteed to share a kept hash, while a
submission keeps only about ``2 / (WINDOW + 1)`` of its hashes.  Because
matching compares sets of hashes, reordered functions and cells still match.

A :class:`Fingerprint` is plain data with a JSON form, so a batch can store
it (the gradebook) and compare submissions without re-reading notebooks.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypeGuard

from harness.errors import InputError
from harness.similarity.tokens import Token

K = 12  # tokens per k-gram: about one short line of normalised code
WINDOW = 8  # matches of K + WINDOW - 1 = 19 tokens or more are always found
FORMAT = "takehome-fingerprint-1"
_HASH_BITS = 60  # stays an exact integer in JSON readers and SQLite


@dataclass(frozen=True)
class Mark:
    """One kept hash and the lines its k-gram spans (in the cell where it starts)."""

    hash: int
    cell: int
    first_line: int
    last_line: int


@dataclass(frozen=True)
class Fingerprint:
    """The kept hashes of one body of code, and how many tokens it had."""

    marks: tuple[Mark, ...]
    tokens: int

    @property
    def hashes(self) -> frozenset[int]:
        """The distinct kept hashes."""
        return frozenset(mark.hash for mark in self.marks)

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict; :func:`fingerprint_from_json` reads it back."""
        return {
            "format": FORMAT,
            "k": K,
            "window": WINDOW,
            "tokens": self.tokens,
            "marks": [[m.hash, m.cell, m.first_line, m.last_line] for m in self.marks],
        }


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def fingerprint_from_json(data: Mapping[str, object]) -> Fingerprint:
    """Read a stored fingerprint, refusing one made with other settings.

    Hashes made with another ``K`` never match ours, so comparing them would
    silently find nothing: that is an error, not a result.
    """
    if data.get("format") != FORMAT or data.get("k") != K or data.get("window") != WINDOW:
        raise InputError(
            f"fingerprint format {data.get('format')!r} (k={data.get('k')!r}, "
            f"window={data.get('window')!r}) is not {FORMAT} (k={K}, window={WINDOW}); "
            "re-grade the batch to fingerprint it again"
        )
    tokens, rows = data.get("tokens"), data.get("marks")
    if not _is_int(tokens) or not isinstance(rows, list):
        raise InputError("fingerprint: 'tokens' must be an integer and 'marks' a list")
    marks = []
    for row in rows:
        if not (isinstance(row, list) and len(row) == 4 and all(_is_int(v) for v in row)):
            raise InputError(f"fingerprint: bad mark {row!r}; expected [hash, cell, first, last]")
        marks.append(Mark(*row))
    return Fingerprint(tuple(marks), tokens)


def _hash(gram: Sequence[Token]) -> int:
    # A keyed-free stable hash: Python's hash() changes between processes.
    digest = hashlib.blake2b("\x1f".join(t.text for t in gram).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> (64 - _HASH_BITS)


def fingerprint(tokens: Sequence[Token]) -> Fingerprint:
    """Winnow the k-gram hashes of ``tokens`` (robust winnowing: rightmost minimum)."""
    grams = [tokens[i : i + K] for i in range(len(tokens) - K + 1)]
    hashes = [_hash(gram) for gram in grams]
    kept: list[int] = []
    if 0 < len(hashes) < WINDOW:
        kept.append(min(range(len(hashes)), key=lambda i: (hashes[i], -i)))
    for start in range(len(hashes) - WINDOW + 1):
        window = range(start, start + WINDOW)
        chosen = min(window, key=lambda i: (hashes[i], -i))
        if not kept or kept[-1] != chosen:
            kept.append(chosen)
    marks = []
    for index in kept:
        gram = grams[index]
        first = gram[0]
        last = max((t.line for t in gram if t.cell == first.cell), default=first.line)
        marks.append(Mark(hashes[index], first.cell, first.line, last))
    return Fingerprint(tuple(marks), len(tokens))
