"""``--shard K/N``: a deterministic share of a batch, for CI matrices.

The batch's submissions are ordered by a hash of their ids and dealt out
round-robin: every machine that is given the same notebooks computes the
same shares, whatever order the paths were listed in, and the shares differ
in size by at most one.  (Adding a notebook to the batch may move others to
another shard; their content keys are unchanged, so a merge still holds
each one exactly once.)
"""

from __future__ import annotations

import argparse
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from harness.batch.items import Item


@dataclass(frozen=True)
class Shard:
    """Shard ``index`` (1-based) of ``count``."""

    index: int
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def select(self, items: Iterable[Item]) -> list[Item]:
        """The items of this shard, in their original order."""
        listed = list(items)
        dealt = sorted(listed, key=lambda item: (hashlib.sha256(item.id.encode()).digest(), item.id))
        mine = {item.id for item in dealt[self.index - 1::self.count]}
        return [item for item in listed if item.id in mine]


def parse_shard(text: str) -> Shard:
    """argparse type for ``K/N`` with 1 <= K <= N."""
    index, _, count = text.partition("/")
    try:
        shard = Shard(int(index), int(count))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not K/N (e.g. 2/4)") from None
    if not 1 <= shard.index <= shard.count:
        raise argparse.ArgumentTypeError(f"{text!r}: K must be between 1 and N")
    return shard
