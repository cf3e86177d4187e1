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
    ordered = sorted(
        _first_marks(m for m in mine.marks if m.hash in shared).values(),
        key=lambda m: (m.cell, m.first_line, m.last_line),
    )
    groups: list[list[Mark]] = []
    for mark in ordered:
        last = groups[-1][-1] if groups else None
        if (
            last is not None
            and mark.cell == last.cell
            and mark.first_line <= max(m.last_line for m in groups[-1]) + GAP
        ):
            groups[-1].append(mark)
        else:
            groups.append([mark])
    regions = []
    for group in groups:
        if len(group) < MIN_REGION_MARKS:
            continue
        others = [their_marks[m.hash] for m in group]
        # The other side's region lies in the cell most of its marks are in.
        votes = Counter(o.cell for o in others)
        cell = max(votes, key=lambda c: (votes[c], -c))
        in_cell = [o for o in others if o.cell == cell]
        regions.append(
            RegionPair(
                Region(group[0].cell, min(m.first_line for m in group),
                       max(m.last_line for m in group)),
                Region(cell, min(o.first_line for o in in_cell),
                       max(o.last_line for o in in_cell)),
                len(group),
            )
        )
    counted = sum(pair.marks for pair in regions)
    return Match(
        tuple(regions),
        counted,
        counted / len(own) if own else 0.0,
        counted / len(other) if other else 0.0,
    )
