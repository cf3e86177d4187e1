"""What a human review changed, as plain data the report formats can show.

The review app (:mod:`harness.review`) stores comments, overrides and
decisions; exports show the adjusted score *next to* the automatic one and
mark every override with its reason and reviewer.  This module is the
report layer's side of that contract: plain frozen data and its text, so the
renderers never import the review layer above them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from harness.text import clean


@dataclass(frozen=True)
class OverrideMark:
    """One criterion whose points a reviewer replaced."""

    criterion: str
    automatic: float  # automatic points now
    points: float  # the reviewer's points
    reason: str
    reviewer: str
    at: str
    stale: bool  # the automatic points changed since the override was made

    def text(self) -> str:
        """``report: 3.4 -> 9 by rita (reason)``, flagged when stale."""
        flag = " [automatic score changed since; recheck]" if self.stale else ""
        return (f"{clean(self.criterion, 100)}: {self.automatic:g} -> {self.points:g} by "
                f"{clean(self.reviewer, 100)} ({clean(self.reason, 500)}){flag}")


@dataclass(frozen=True)
class ReviewMarks:  # pylint: disable=too-many-instance-attributes  # one per thing exports show
    """A submission's review: adjusted totals, decision, note, overrides."""

    automatic_percent: float
    percent: float  # adjusted
    points: float  # adjusted
    max_points: float
    decision: str  # "", "advance", "hold" or "reject"
    note: str
    overrides: tuple[OverrideMark, ...] = ()
    comments: int = 0

    @property
    def stale(self) -> bool:
        """True when an override needs a second look after a regrade."""
        return any(o.stale for o in self.overrides)

    def to_dict(self) -> dict[str, Any]:
        """The ``review`` object of the JSON report."""
        return {
            "automatic_percent": round(self.automatic_percent, 1),
            "percent": round(self.percent, 1),
            "points": round(self.points, 2),
            "max_points": round(self.max_points, 2),
            "decision": self.decision,
            "note": clean(self.note),
            "comments": self.comments,
            "overrides": [
                {"criterion": clean(o.criterion), "automatic": round(o.automatic, 2),
                 "points": round(o.points, 2), "reason": clean(o.reason),
                 "reviewer": clean(o.reviewer), "at": clean(o.at), "stale": o.stale}
                for o in self.overrides
            ],
        }
