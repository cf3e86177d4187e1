"""Compare two fingerprints: shared hashes grouped into matched regions a person can check.

A percentage alone convicts nobody; a reviewer needs to see which lines
match which.  So shared hashes are grouped into regions (consecutive lines
of one cell on each side), and only regions of several hashes count: one
shared k-gram is an idiom (``np.argmin(d, axis=1)``), a run of them is a copy.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from harness.similarity.fingerprint import Fingerprint, Mark

GAP = 3  # lines between two matched hashes that still make one region
MIN_REGION_MARKS = 2  # a lone shared hash is an idiom, not a copy
MIN_MARKS = 4  # shared hashes (in counted regions) before a pair is suspicious
MIN_SHARE = 0.4  # independent k-means solutions share up to ~0.3 (bench/validity); copies >= 0.6


@dataclass(frozen=True)
class Region:
    """Consecutive lines of one cell."""

    cell: int
    first_line: int
    last_line: int

    def lines(self) -> frozenset[tuple[int, int]]:
        """Every (cell, line) the region covers."""
        return frozenset((self.cell, n) for n in range(self.first_line, self.last_line + 1))


@dataclass(frozen=True)
class RegionPair:
    """A region of the judged code and the region it matches in the other code."""

    mine: Region
    theirs: Region
    marks: int  # shared hashes in this region


@dataclass(frozen=True)
class Match:
    """What the judged code shares with another body of code."""

    regions: tuple[RegionPair, ...]
    shared: int  # shared hashes inside counted regions
    share: float  # of the judged code's hashes
    other_share: float  # of the other code's hashes

    @property
    def lines(self) -> frozenset[tuple[int, int]]:
        """Lines of the judged code inside matched regions."""
        return frozenset().union(*(pair.mine.lines() for pair in self.regions))

    @property
    def suspicious(self) -> bool:
        """Enough shared code, and a large enough part of either side, to show a person."""
        return self.shared >= MIN_MARKS and max(self.share, self.other_share) >= MIN_SHARE


def _first_marks(marks: Iterable[Mark]) -> dict[int, Mark]:
    found: dict[int, Mark] = {}
    for mark in marks:
        found.setdefault(mark.hash, mark)
    return found


def _groups(marks: Iterable[Mark]) -> list[list[Mark]]:
    """Marks of one cell within GAP lines of each other, in line order."""
    groups: list[list[Mark]] = []
    for mark in sorted(marks, key=lambda m: (m.cell, m.first_line, m.last_line)):
        if (
            groups
            and mark.cell == groups[-1][-1].cell
            and mark.first_line <= max(m.last_line for m in groups[-1]) + GAP
        ):
            groups[-1].append(mark)
        else:
            groups.append([mark])
    return groups


def _span(marks: list[Mark]) -> Region:
    return Region(marks[0].cell, min(m.first_line for m in marks), max(m.last_line for m in marks))


def _region_pair(group: list[Mark], their_marks: dict[int, Mark]) -> RegionPair:
    """The group's region, and the other side's region in the cell most of its matches are in."""
    others = [their_marks[m.hash] for m in group]
    votes = Counter(o.cell for o in others)
    cell = max(votes, key=lambda c: (votes[c], -c))
    return RegionPair(_span(group), _span([o for o in others if o.cell == cell]), len(group))


def compare(mine: Fingerprint, theirs: Fingerprint, ignore: frozenset[int] = frozenset()) -> Match:
    """Matched regions of ``mine`` against ``theirs``; hashes in ``ignore`` never count.

    ``ignore`` holds code everyone writes alike: the template's, or hashes
    most of a batch shares.
    """
    own = mine.hashes - ignore
    other = theirs.hashes - ignore
    shared = own & other
    if not shared:
        return Match((), 0, 0.0, 0.0)
    their_marks = _first_marks(theirs.marks)
    matched = _first_marks(m for m in mine.marks if m.hash in shared).values()
    regions = tuple(
        _region_pair(group, their_marks)
        for group in _groups(matched)
        if len(group) >= MIN_REGION_MARKS
    )
    counted = sum(pair.marks for pair in regions)
    return Match(regions, counted, counted / len(own), counted / len(other))
