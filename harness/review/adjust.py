"""Adjusted scores: the automatic points with the reviewers' overrides applied.

One function, used by the review app and by every export, so the list page,
``gradebook.csv``, ``index.html`` and each report agree on a candidate's
adjusted score.  The automatic score is never replaced, only shown beside the
adjusted one: a reader sees both, and every override with its reason and
reviewer.

An override remembers the automatic points it replaced.  When a regrade (say
after a task fix) changes those points, the override is *stale*: it still
counts, because a person decided it, but it is flagged for a second look.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from harness.result import GradeResult
from harness.review.store import Override

# Points closer than this are equal: results are stored rounded.
_EPSILON = 0.005


@dataclass(frozen=True)
class CriterionPoints:
    """The automatic points of one criterion, as the gradebook holds them."""

    id: str
    points: float
    max_points: float


@dataclass(frozen=True)
class AdjustedCriterion:
    """One criterion after review."""

    id: str
    automatic: float
    points: float  # what counts: the override's points, or the automatic ones
    max_points: float
    override: Override | None
    stale: bool  # the automatic points changed since the override was made


@dataclass(frozen=True)
class Adjusted:
    """A submission's automatic and adjusted totals, criterion by criterion."""

    criteria: tuple[AdjustedCriterion, ...]
    automatic_points: float
    points: float
    max_points: float
    automatic_percent: float
    percent: float

    @property
    def overridden(self) -> bool:
        """True when at least one criterion carries a reviewer's points."""
        return any(c.override is not None for c in self.criteria)

    @property
    def stale(self) -> tuple[AdjustedCriterion, ...]:
        """Overrides whose automatic points changed underneath them."""
        return tuple(c for c in self.criteria if c.stale)


def criterion_points(result: GradeResult) -> tuple[CriterionPoints, ...]:
    """The automatic points of every criterion of ``result`` (not-a-number counts as 0)."""
    return tuple(CriterionPoints(c.result.id, _finite(c.points), _finite(c.max_points))
                 for c in result.criteria)


def _finite(value: float) -> float:
    return value if math.isfinite(value) else 0.0


def _percent(points: float, max_points: float) -> float:
    return round(100.0 * points / max_points, 1) if max_points > 0 else 0.0


def adjust(criteria: Iterable[CriterionPoints], overrides: Mapping[str, Override],
           automatic_percent: float | None = None) -> Adjusted:
    """Apply ``overrides`` (by criterion id) to the automatic ``criteria``.

    ``automatic_percent`` is the result's own percent when known (kept as the
    pipeline computed it); the adjusted percent is over the same maximum.
    An override of a criterion the result no longer has is ignored here and
    left in the store, so it comes back if the criterion does.
    """
    out = []
    for c in criteria:
        ov = overrides.get(c.id)
        points = c.points if ov is None else min(max(ov.points, 0.0), c.max_points)
        stale = ov is not None and abs(ov.automatic - c.points) > _EPSILON
        out.append(AdjustedCriterion(c.id, c.points, points, c.max_points, ov, stale))
    automatic = sum(c.automatic for c in out)
    total = sum(c.points for c in out)
    max_points = sum(c.max_points for c in out)
    auto_percent = (_percent(automatic, max_points)
                    if automatic_percent is None or not math.isfinite(automatic_percent)
                    else automatic_percent)
    percent = auto_percent if not any(c.override for c in out) else _percent(total, max_points)
    return Adjusted(tuple(out), automatic, total, max_points, auto_percent, percent)
