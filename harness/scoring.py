"""Scoring: the rubric's weights turn criterion results into points.

A criterion that was skipped (hidden tests in a self-check) is left out of
the maximum, so a candidate's percentage is over what was actually judged.
The rubric's gate scales quality criteria by the share of tests that pass.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from harness.result import CriterionResult, Evidence, ScoredCriterion, Status
from harness.rubric import Gate, Rubric


@dataclass(frozen=True)
class Score:
    """The totals of one submission."""

    criteria: tuple[ScoredCriterion, ...]
    points: float
    max_points: float
    percent: float


def score(rubric: Rubric, results: Mapping[str, CriterionResult]) -> Score:
    """Weight each criterion's [0, 1] score; percent is over judged criteria."""
    if rubric.gate is not None:
        results = apply_gate(rubric.gate, results)
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


def gate_factor(gate: Gate, results: Mapping[str, CriterionResult]) -> float | None:
    """Share of tests passed over ``full_at``, capped at 1; None if nothing judged."""
    judged = [results[n] for n in gate.on if n in results and results[n].status != Status.SKIPPED]
    if not judged:
        return None
    passed = sum(float(r.score) for r in judged) / len(judged)
    return min(1.0, passed / gate.full_at)


def apply_gate(gate: Gate, results: Mapping[str, CriterionResult]) -> dict[str, CriterionResult]:
    """Scale the gated criteria; the evidence says by how much and why."""
    factor = gate_factor(gate, results)
    adjusted = dict(results)
    if factor is None or factor >= 1.0:
        return adjusted
    for name in gate.criteria:
        result = results.get(name)
        if result is None or result.status in (Status.SKIPPED, Status.ERROR) or result.score == 0:
            continue
        score = round(result.score * factor, 4)
        note = Evidence(
            f"Scaled to {factor:.0%} of its score: quality counts in full once "
            f"{gate.full_at:.0%} of the tests pass.",
            kind="gate",
            severity="warning",
        )
        adjusted[name] = replace(
            result,
            score=score,
            status=Status.PARTIAL if score > 0 else Status.FAIL,
            summary=f"{result.summary} (scaled to {factor:.0%}: few tests pass)",
            evidence=(note, *result.evidence),
        )
    return adjusted
