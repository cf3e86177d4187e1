"""Adjusted scores: overrides replace points, totals follow, stale ones are flagged."""

from __future__ import annotations

import math

from harness.review.adjust import CriterionPoints, adjust, criterion_points
from harness.review.store import Override
from tests.report.conftest import make_hostile

CRITERIA = (CriterionPoints("tests", 30.0, 60.0), CriterionPoints("lint", 8.0, 10.0),
            CriterionPoints("report", 10.0, 30.0))


def _override(criterion: str, points: float, automatic: float) -> Override:
    return Override("a", criterion, points, "because", automatic, "rita", "2026-11-30T14:00:00Z")


def test_no_override_keeps_the_automatic_score() -> None:
    adjusted = adjust(CRITERIA, {}, automatic_percent=48.0)
    assert (adjusted.points, adjusted.percent, adjusted.automatic_percent) == (48.0, 48.0, 48.0)
    assert not adjusted.overridden and adjusted.stale == ()


def test_an_override_changes_points_and_percent_but_not_the_automatic_ones() -> None:
    adjusted = adjust(CRITERIA, {"report": _override("report", 25.0, 10.0)}, 48.0)
    assert adjusted.overridden
    assert (adjusted.automatic_points, adjusted.points) == (48.0, 63.0)
    assert (adjusted.automatic_percent, adjusted.percent) == (48.0, 63.0)
    report = adjusted.criteria[2]
    assert (report.automatic, report.points, report.stale) == (10.0, 25.0, False)


def test_a_regrade_that_moves_the_automatic_points_flags_the_override() -> None:
    regraded = (CRITERIA[0], CriterionPoints("lint", 6.0, 10.0), CRITERIA[2])
    adjusted = adjust(regraded, {"lint": _override("lint", 9.0, 8.0)})
    assert [c.id for c in adjusted.stale] == ["lint"]
    assert adjusted.criteria[1].points == 9.0  # a person decided it: it still counts


def test_an_override_is_capped_by_the_criterion_maximum_after_a_rubric_change() -> None:
    smaller = (CriterionPoints("lint", 8.0, 5.0),)
    assert adjust(smaller, {"lint": _override("lint", 9.0, 8.0)}).points == 5.0


def test_an_override_of_a_criterion_the_result_lacks_is_ignored() -> None:
    adjusted = adjust(CRITERIA, {"gone": _override("gone", 1.0, 1.0)})
    assert not adjusted.overridden and adjusted.points == 48.0


def test_a_result_that_is_not_a_number_adjusts_to_numbers() -> None:
    result = make_hostile()  # NaN percent and a NaN lint score
    adjusted = adjust(criterion_points(result), {}, result.percent)
    assert math.isfinite(adjusted.percent) and math.isfinite(adjusted.points)
