"""The JSON view: shape, schema, determinism, hostile text, atomic writes."""

from __future__ import annotations

import dataclasses
import enum
import json
import os
from pathlib import Path

import jsonschema  # type: ignore[import-untyped]  # stubs are a separate package (types-jsonschema)
import pytest

from harness.errors import InputError
from harness.report import candidate_result, clean_text, render_json, to_dict, write_reports
from harness.result import GradeResult

from .conftest import HIDDEN_TEST_IDS, HOSTILE, make_check, make_graded

SCHEMA_PATH = Path(__file__).parents[2] / "harness" / "report" / "schema" / "result-1.0.json"


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


@pytest.mark.parametrize("include_timings", [True, False], ids=["timings", "no-timings"])
@pytest.mark.parametrize("candidate_view", [False, True], ids=["reviewer", "candidate"])
def test_rendered_json_validates_against_schema(
    any_result: GradeResult,
    validator: jsonschema.Draft202012Validator,
    include_timings: bool,
    candidate_view: bool,
) -> None:
    text = render_json(any_result, include_timings=include_timings, candidate_view=candidate_view)
    errors = sorted(validator.iter_errors(json.loads(text)), key=str)
    assert not errors, "\n".join(e.message for e in errors)


def test_schema_rejects_unknown_keys(validator: jsonschema.Draft202012Validator, graded: GradeResult) -> None:
    data = to_dict(graded)
    data["criteria"][0]["surprise"] = 1
    assert not validator.is_valid(data)


def test_top_level_shape_and_rounding(graded: GradeResult) -> None:
    data = to_dict(graded)
    assert list(data) == [
        "schema_version", "harness_version", "notebook", "task", "mode", "sandbox", "status",
        "message", "percent", "points", "max_points", "criteria", "tests", "cells", "timings",
    ]
    assert data["schema_version"] == "1.0"
    # 40*.5 + 20 + 0 + 8 + 5 + 3.4 + 5 = 61.4 of 100
    assert data["points"] == 61.4
    assert data["percent"] == 61.4
    lint = next(c for c in data["criteria"] if c["id"] == "lint")
    assert lint == {
        "id": "lint", "points": 8.0, "max_points": 10.0, "weight": 10.0, "score": 0.8,
        "status": "partial", "summary": "pylint score 8.0 / 10.",
        "advice": "Run pylint locally and fix naming warnings.",
        "evidence": lint["evidence"], "details": lint["details"],
    }
    assert lint["evidence"][1] == {
        "message": "Unused variable '_'", "cell": 2, "line": 4,
        "kind": "unused-variable", "severity": "warning",
    }
    assert data["tests"][0] == {
        "id": "test_shapes.py::test_labels_shape", "suite": "public",
        "outcome": "passed", "message": "", "duration": 0.012,
    }


def test_percent_rounds_to_one_decimal_and_points_to_two(graded: GradeResult) -> None:
    data = to_dict(dataclasses.replace(graded, percent=66.66666, points=2 / 3, max_points=10 / 3))
    assert (data["percent"], data["points"], data["max_points"]) == (66.7, 0.67, 3.33)


def test_json_text_is_sorted_indented_and_keeps_unicode(graded: GradeResult) -> None:
    text = render_json(dataclasses.replace(graded, message="Grüße, 日本"))
    assert text.startswith('{\n  "cells": [')
    assert "Grüße, 日本" in text
    assert text == json.dumps(json.loads(text), sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def test_without_timings_two_runs_compare_equal(graded: GradeResult) -> None:
    slower = dataclasses.replace(
        graded,
        timings={"intake": 9.0, "execution": 99.0},
        tests=tuple(dataclasses.replace(t, duration=t.duration + 1) for t in graded.tests),
        cells=tuple(dataclasses.replace(c, duration=c.duration + 1) for c in graded.cells),
    )
    assert render_json(graded) != render_json(slower)
    assert render_json(graded, include_timings=False) == render_json(slower, include_timings=False)
    data = to_dict(graded, include_timings=False)
    assert "timings" not in data
    assert all("duration" not in t for t in data["tests"] + data["cells"])


def test_non_finite_numbers_become_null_never_nan(hostile: GradeResult) -> None:
    text = render_json(hostile)
    assert "NaN" not in text and "Infinity" not in text
    data = json.loads(text)
    assert data["percent"] is None
    assert data["tests"][0]["duration"] is None
    assert data["timings"] == {"execution": None}
    lint = next(c for c in data["criteria"] if c["id"] == "lint")
    assert lint["score"] is None and lint["points"] is None


def test_hostile_text_is_cleaned_and_encodable(hostile: GradeResult) -> None:
    text = render_json(hostile)
    text.encode("utf-8")  # lone surrogates would raise here
    assert "\x1b" not in text and "\\u001b" not in text
    assert "\\u0000" not in text and "\\u0007" not in text
    assert "\ufffd" in text
    # JSON is data, not markup: the text is kept, escaping is the viewer's job.
    assert HOSTILE in json.loads(text)["task"]


def test_details_of_any_shape_become_json(graded: GradeResult) -> None:
    class Colour(enum.Enum):
        RED = "red"

    @dataclasses.dataclass(frozen=True)
    class Point:
        x: int
        y: float

    crit = graded.criteria[0]
    odd = dataclasses.replace(
        crit,
        result=dataclasses.replace(
            crit.result,
            details={"enum": Colour.RED, "set": {3, 1, 2}, "point": Point(1, float("nan")), "path": Path("a/b"), "t": (1, "x")},
        ),
    )
    data = to_dict(dataclasses.replace(graded, criteria=(odd,)))
    assert data["criteria"][0]["details"] == {
        "enum": "red", "set": [1, 2, 3], "point": {"x": 1, "y": None}, "path": "a/b", "t": [1, "x"],
    }


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("plain\ttext\nnext", "plain\ttext\nnext"),
        ("\x1b[1;31mred\x1b[0m", "red"),
        ("\x1b]0;title\x07after", "after"),
        ("a\x1b7b\x1b(Bc\x1bMd", "abcd"),
        ("a\x00b\x08c\x7fd\x9be", "abcde"),
        ("win\r\nmac\rend", "win\nmac\nend"),
        ("bad\udcffbyte", "bad\ufffdbyte"),
    ],
    ids=["tab-newline-kept", "ansi-colour", "osc-title", "short-escapes", "controls", "line-endings", "surrogate"],
)
def test_clean_text(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


def test_clean_text_caps_with_visible_marker() -> None:
    assert clean_text("x" * 50, limit=10) == "x" * 10 + "\n[truncated]"
    assert clean_text("x" * 10, limit=10) == "x" * 10


def test_candidate_view_has_no_hidden_tests(graded: GradeResult) -> None:
    text = render_json(graded, candidate_view=True)
    data = json.loads(text)
    assert [c["id"] for c in data["criteria"]].count("hidden_tests") == 0
    assert {t["suite"] for t in data["tests"]} == {"public"}
    for hidden_id in HIDDEN_TEST_IDS:
        assert hidden_id not in text
    assert "test_secret" not in text


def test_candidate_totals_are_recomputed_without_hidden_points(graded: GradeResult) -> None:
    view = candidate_result(graded)
    # 61.4 points in all, 20 of 40 from hidden tests: 41.4 of 60 remain.
    assert view.points == pytest.approx(41.4)
    assert view.max_points == pytest.approx(60)
    assert view.percent == pytest.approx(69.0)


def test_candidate_totals_are_kept_when_hidden_criterion_is_worth_nothing() -> None:
    check = make_check()
    view = candidate_result(check)
    assert (view.points, view.max_points, view.percent) == (check.points, check.max_points, check.percent)
    assert all(c.result.id != "hidden_tests" for c in view.criteria)


def test_write_reports_writes_each_format_atomically(tmp_path: Path, graded: GradeResult) -> None:
    out = tmp_path / "reports" / "nested"
    paths = write_reports(graded, out, "alice")
    assert paths == [out / "alice.json", out / "alice.html"]
    assert json.loads(paths[0].read_text(encoding="utf-8"))["task"] == "kmeans"
    assert paths[1].read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert sorted(p.name for p in out.iterdir()) == ["alice.html", "alice.json"]  # no temp files left
    assert paths[0].stat().st_mode & 0o777 == 0o644


def test_write_reports_replaces_an_old_report(tmp_path: Path, graded: GradeResult) -> None:
    (tmp_path / "r.json").write_text("old", encoding="utf-8")
    write_reports(graded, tmp_path, "r", formats=("json",))
    assert (tmp_path / "r.json").read_text(encoding="utf-8") == render_json(graded)


def test_write_reports_candidate_view(tmp_path: Path, graded: GradeResult) -> None:
    paths = write_reports(graded, tmp_path, "cand", candidate_view=True)
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert not any(h in text for h in HIDDEN_TEST_IDS), path.name


def test_write_reports_failure_keeps_old_file_and_leaves_no_temp(
    tmp_path: Path, graded: GradeResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "r.json").write_text("old", encoding="utf-8")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write_reports(graded, tmp_path, "r", formats=("json",))
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]
    assert (tmp_path / "r.json").read_text(encoding="utf-8") == "old"


@pytest.mark.parametrize(
    ("formats", "stem", "match"),
    [
        (("json", "pdf"), "r", "unknown report format 'pdf'; use one of html, json"),
        (("json",), "../escape", "plain file name"),
        (("json",), "", "plain file name"),
    ],
    ids=["unknown-format", "stem-with-folder", "empty-stem"],
)
def test_write_reports_rejects_bad_options(
    tmp_path: Path, graded: GradeResult, formats: tuple[str, ...], stem: str, match: str
) -> None:
    with pytest.raises(InputError, match=match):
        write_reports(graded, tmp_path, stem, formats=formats)
    assert list(tmp_path.iterdir()) == []


def test_render_json_is_stable_for_equal_input() -> None:
    assert render_json(make_graded()) == render_json(make_graded())
