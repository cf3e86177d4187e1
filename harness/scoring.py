"""Scoring: the rubric's weights turn criterion results into points.

A criterion that was skipped (hidden tests in a self-check) is left out of
the maximum, so a candidate's percentage is over what was actually judged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from harness.result import CriterionResult, ScoredCriterion, Status
from harness.rubric import Rubric


@dataclass(frozen=True)
class Score:
    """The totals of one submission."""

    criteria: tuple[ScoredCriterion, ...]
    points: float
    max_points: float
    percent: float


def score(rubric: Rubric, results: Mapping[str, CriterionResult]) -> Score:
    """Weight each criterion's [0, 1] score; percent is over judged criteria."""
    scored = []
    for spec in rubric.criteria:
        result = results[spec.name]
        counted = result.status != Status.SKIPPED
        fraction = min(1.0, max(0.0, result.score))
        max_points = spec.weight if counted else 0.0
        scored.append(
            ScoredCriterion(
                result=result,
                weight=spec.weight,
                points=round(fraction * max_points, 2),
                max_points=round(max_points, 2),
            )
        )
    points = round(sum(s.points for s in scored), 2)
    max_points = round(sum(s.max_points for s in scored), 2)
    percent = round(100.0 * points / max_points, 1) if max_points else 0.0
    return Score(tuple(scored), points, max_points, percent)
