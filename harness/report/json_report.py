"""The result as versioned JSON: the machine-readable view every tool reads.

Other views (HTML, and the gradebook that compares candidates) build on the
same plain dict, so the two helpers they share live here too:
:func:`clean_text`, which makes hostile candidate text safe to store and show,
and :func:`candidate_result`, which removes everything hidden before a
renderer ever sees it.

The dict shape is described by ``schema/result-1.0.json`` (JSON Schema
2020-12); a change to the shape is a change to that file and its version.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import math
from collections.abc import Mapping
from typing import Any

from harness.result import (
    CellRun,
    CriterionResult,
    Evidence,
    GradeResult,
    ScoredCriterion,
    TestResult,
)
from harness.report.review_marks import ReviewMarks
from harness.text import clean

HIDDEN_SUITE = "hidden"
HIDDEN_CRITERION = "hidden_tests"

# One sanitiser for everything a report shows; re-exported under its
# report-facing name.
clean_text = clean


def candidate_result(result: GradeResult) -> GradeResult:
    """Return ``result`` with hidden tests and their criterion removed.

    The candidate's copy must not even reveal how many hidden tests there
    are, so they are dropped from the data rather than hidden in a view.  If
    the hidden criterion carried points, the totals are recomputed from what
    remains; otherwise the scored totals are kept as they are.
    """
    tests = tuple(t for t in result.tests if t.suite != HIDDEN_SUITE)
    if result.candidate_score is not None:
        # Scored by the pipeline as a self-check: nothing derived from hidden tests.
        visible = result.candidate_score
        return dataclasses.replace(
            result,
            tests=tests,
            criteria=tuple(c for c in visible.criteria if c.result.id != HIDDEN_CRITERION),
            points=visible.points,
            max_points=visible.max_points,
            percent=visible.percent,
            message=visible.message,
            candidate_score=None,
        )
    criteria = tuple(c for c in result.criteria if c.result.id != HIDDEN_CRITERION)
    dropped = [c for c in result.criteria if c.result.id == HIDDEN_CRITERION]
    if not any(c.max_points or c.points for c in dropped):
        return dataclasses.replace(result, tests=tests, criteria=criteria)
    points = sum(c.points for c in criteria)
    max_points = sum(c.max_points for c in criteria)
    percent = 100.0 * points / max_points if max_points > 0 else 0.0
    return dataclasses.replace(
        result,
        tests=tests,
        criteria=criteria,
        points=points,
        max_points=max_points,
        percent=percent,
    )


def to_dict(
    result: GradeResult,
    *,
    include_timings: bool = True,
    candidate_view: bool = False,
    review: ReviewMarks | None = None,
) -> dict[str, Any]:
    """Turn ``result`` into the plain dict described by the 1.0 schema.

    ``include_timings=False`` drops wall-clock data (``timings`` and every
    ``duration``) so two runs on the same input compare equal.
    ``candidate_view=True`` renders :func:`candidate_result` instead.
    ``review`` adds the hiring team's adjustments (never to a candidate's copy).
    """
    if candidate_view:
        result = candidate_result(result)
    out: dict[str, Any] = {
        "schema_version": clean_text(result.schema_version),
        "harness_version": clean_text(result.harness_version),
        "notebook": clean_text(result.notebook),
        "task": clean_text(result.task),
        "mode": clean_text(result.mode),
        "sandbox": clean_text(result.sandbox),
        "status": clean_text(result.status),
        "message": clean_text(result.message),
        "percent": _number(result.percent, 1),
        "points": _number(result.points, 2),
        "max_points": _number(result.max_points, 2),
        "criteria": [_criterion(c) for c in result.criteria],
        "tests": [_test(t, include_timings) for t in result.tests],
        "cells": [_cell(c, include_timings) for c in result.cells],
    }
    if include_timings:
        out["timings"] = {
            clean_text(k): _number(v, 3) for k, v in sorted(result.timings.items())
        }
    if review is not None and not candidate_view:
        out["review"] = review.to_dict()
    return out


def render_json(
    result: GradeResult,
    *,
    include_timings: bool = True,
    candidate_view: bool = False,
    review: ReviewMarks | None = None,
) -> str:
    """Render ``result`` as stable JSON text (sorted keys, 2-space indent)."""
    data = to_dict(result, include_timings=include_timings, candidate_view=candidate_view,
                   review=review)
    # allow_nan=False is the last guard: to_dict already maps non-finite
    # numbers to null, so a NaN here would be a bug worth failing on.
    return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def _number(value: float, digits: int) -> float | None:
    """Round a float; NaN and infinities become ``None`` (JSON null)."""
    v = float(value)
    if not math.isfinite(v):
        return None
    return round(v, digits)


def _criterion(scored: ScoredCriterion) -> dict[str, Any]:
    res: CriterionResult = scored.result
    return {
        "id": clean_text(res.id),
        "points": _number(scored.points, 2),
        "max_points": _number(scored.max_points, 2),
        "weight": _number(scored.weight, 4),
        "score": _number(res.score, 4),
        "status": res.status.value,
        "summary": clean_text(res.summary),
        "advice": clean_text(res.advice),
        "evidence": [_evidence(e) for e in res.evidence],
        "details": {clean_text(k): _plain(v) for k, v in res.details.items()},
    }


def _evidence(ev: Evidence) -> dict[str, Any]:
    return {
        "message": clean_text(ev.message),
        "cell": ev.cell,
        "line": ev.line,
        "kind": clean_text(ev.kind),
        "severity": clean_text(ev.severity),
    }


def _test(test: TestResult, include_timings: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": clean_text(test.id),
        "suite": clean_text(test.suite),
        "outcome": test.outcome.value,
        "message": clean_text(test.message),
    }
    if include_timings:
        out["duration"] = _number(test.duration, 3)
    return out


def _cell(cell: CellRun, include_timings: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "index": cell.index,
        "status": clean_text(cell.status),
        "error_name": clean_text(cell.error_name),
        "error_value": clean_text(cell.error_value),
        "traceback": clean_text(cell.traceback),
        "output": clean_text(cell.output),
    }
    if include_timings:
        out["duration"] = _number(cell.duration, 3)
    return out


def _plain(value: object) -> Any:  # pylint: disable=too-many-return-statements  # one per JSON type
    """Turn a criterion's free-form ``details`` value into JSON data.

    Details come from plugins, so anything may turn up; rather than fail the
    whole report on one odd value, unknown objects are shown as their text.
    """
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return _number(value, 6)
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, enum.Enum):
        return _plain(value.value)
    if isinstance(value, Mapping):
        return {clean_text(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted((_plain(v) for v in value), key=repr)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return clean_text(value)
