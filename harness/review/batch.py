"""What the review app reads from a batch: its submissions and their results.

The app depends on this small protocol, not on the batch layer's tables, so
the batch layer can change how it stores results, and unit tests can hand
the app a fake batch.  :mod:`harness.review.gradebook_batch` implements it
over the batch's ``gradebook.sqlite``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from harness.result import GradeResult
from harness.review.adjust import CriterionPoints


@dataclass(frozen=True)
class Row:
    """One submission as the list page needs it (no full result)."""

    key: str  # stable across regrades: review rows hang on it
    name: str  # the candidate's name or notebook path (hidden while blind)
    alias: str  # the blind label, e.g. "candidate-007"
    status: str  # "graded", "input-error", ...
    percent: float  # automatic
    criteria: tuple[CriterionPoints, ...]


class Batch(Protocol):
    """A graded batch, read-only."""

    @property
    def task(self) -> str:
        """The task's name, for page titles."""

    @property
    def blind(self) -> bool:
        """True when names must stay hidden until a reviewer reveals them."""

    @property
    def names(self) -> dict[str, str]:
        """Real names by key, when a blind batch's reveal file was given ({} otherwise)."""

    def rows(self) -> list[Row]:
        """Every submission with its automatic totals."""

    def result(self, key: str) -> GradeResult | None:
        """The full result of one submission, or None if there is no such key."""

    def markdown(self, key: str) -> list[tuple[int, str]]:
        """The candidate's markdown cells as (cell index, source); [] if unknown."""
