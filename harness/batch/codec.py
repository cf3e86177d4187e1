"""A :class:`GradeResult` as plain JSON data and back, for the gradebook.

The gradebook keeps the whole result of each submission so that any report
(HTML, JSON, JUnit, Markdown, the index) can be rendered from the database
alone, long after the batch ran.  The JSON report's dict is the base; the
source lines and the candidate's own score, which that report leaves out,
are added so nothing is lost on the way back.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any

from harness.errors import HarnessError
from harness.report.json_report import to_dict
from harness.result import (
    CandidateScore,
    CellRun,
    CriterionResult,
    Evidence,
    GradeResult,
    Outcome,
    ScoredCriterion,
    SourceLine,
    Status,
    TestResult,
)

RECORD_VERSION = 1


class RecordError(HarnessError):
    """A stored result does not have the shape this harness writes."""


def encode(result: GradeResult) -> dict[str, Any]:
    """Everything in ``result`` as JSON-ready data (texts already cleaned)."""
    data = to_dict(result, include_timings=True)
    data["record_version"] = RECORD_VERSION
    data["source"] = [
        {"cell": s.cell, "line": s.line, "text": s.text, "written": s.candidate_written}
        for s in result.source
    ]
    score = result.candidate_score
    data["candidate_score"] = None if score is None else {
        "criteria": [to_dict(_only(result, c))["criteria"][0] for c in score.criteria],
        "points": _finite(score.points),
        "max_points": _finite(score.max_points),
        "percent": _finite(score.percent),
        "message": score.message,
    }
    return data


def decode(data: Mapping[str, Any]) -> GradeResult:
    """The :class:`GradeResult` that :func:`encode` was given (timings rounded)."""
    try:
        score = data.get("candidate_score")
        return GradeResult(
            notebook=str(data["notebook"]),
            task=str(data["task"]),
            mode=str(data["mode"]),
            sandbox=str(data["sandbox"]),
            status=str(data["status"]),
            message=str(data["message"]),
            percent=_number(data["percent"]),
            points=_number(data["points"]),
            max_points=_number(data["max_points"]),
            criteria=tuple(_scored(c) for c in data["criteria"]),
            tests=tuple(_test(t) for t in data["tests"]),
            cells=tuple(_cell(c) for c in data["cells"]),
            source=tuple(
                SourceLine(int(s["cell"]), int(s["line"]), str(s["text"]), bool(s["written"]))
                for s in data.get("source", ())
            ),
            timings={str(k): _number(v) for k, v in data.get("timings", {}).items()},
            harness_version=str(data["harness_version"]),
            schema_version=str(data["schema_version"]),
            candidate_score=None if score is None else CandidateScore(
                criteria=tuple(_scored(c) for c in score["criteria"]),
                points=_number(score["points"]),
                max_points=_number(score["max_points"]),
                percent=_number(score["percent"]),
                message=str(score["message"]),
            ),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise RecordError(f"a stored result is malformed ({type(exc).__name__}: {exc}); "
                          "regrade it with --force") from exc


def _only(result: GradeResult, scored: ScoredCriterion) -> GradeResult:
    """A result holding one criterion, to reuse the JSON report's encoder."""
    return dataclasses.replace(result, criteria=(scored,), tests=(), cells=(), source=())


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _number(value: Any) -> float:
    """JSON null (a NaN or infinity on the way in) comes back as NaN."""
    return math.nan if value is None else float(value)


def _scored(data: Mapping[str, Any]) -> ScoredCriterion:
    return ScoredCriterion(
        result=CriterionResult(
            id=str(data["id"]),
            score=_number(data["score"]),
            status=Status(data["status"]),
            summary=str(data["summary"]),
            evidence=tuple(
                Evidence(str(e["message"]), e.get("cell"), e.get("line"), str(e.get("kind", "")),
                         str(e.get("severity", "info")))
                for e in data["evidence"]
            ),
            advice=str(data.get("advice", "")),
            details=dict(data.get("details", {})),
        ),
        weight=_number(data["weight"]),
        points=_number(data["points"]),
        max_points=_number(data["max_points"]),
    )


def _test(data: Mapping[str, Any]) -> TestResult:
    return TestResult(str(data["id"]), str(data["suite"]), Outcome(data["outcome"]),
                      str(data.get("message", "")), _number(data.get("duration", 0.0)))


def _cell(data: Mapping[str, Any]) -> CellRun:
    return CellRun(
        index=int(data["index"]),
        status=str(data["status"]),
        duration=_number(data.get("duration", 0.0)),
        error_name=str(data.get("error_name", "")),
        error_value=str(data.get("error_value", "")),
        traceback=str(data.get("traceback", "")),
        output=str(data.get("output", "")),
    )
