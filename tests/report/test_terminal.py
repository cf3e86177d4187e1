"""The terminal table of a check: a row per criterion with the first thing to fix."""

from __future__ import annotations

import dataclasses

from harness.report.terminal import one_line_summary, summary_table
from harness import result as model
from tests.report.conftest import HOSTILE, make_check, make_hostile, make_input_error


def _row(table: str, criterion: str) -> str:
    return next(line for line in table.splitlines() if line.split()[:1] == [criterion])


def test_rows_give_points_status_and_the_first_advice() -> None:
    result = make_check()
    failing = model.TestResult("test_public.py::test_labels", "public", model.Outcome.FAILED,
                         "kmeans() raised ValueError: bad k\nsecond line")
    criteria = tuple(
        dataclasses.replace(c, result=dataclasses.replace(c.result, status=model.Status.PARTIAL))
        if c.result.id == "public_tests" else c for c in result.criteria)
    result = dataclasses.replace(result, tests=(failing, *result.tests), criteria=criteria)
    table = summary_table(result, ["out/sub.json", "out/sub.html"])
    lines = table.splitlines()
    assert lines[0].startswith("submissions/") and "[graded] (local sandbox)" in lines[0]
    assert lines[-2:] == ["report: out/sub.json", "report: out/sub.html"]
    public = _row(table, "public_tests")
    assert "test_labels failed: kmeans() raised ValueError: bad k" in public
    assert "second line" not in table
    lint = lines.index(_row(table, "lint"))
    assert "cell 2 line 1: Variable name" in lines[lint]
    assert "cell 2 line 4: Unused variable" in lines[lint + 1]  # the top messages, one a line
    assert "cell 5: Section 'What I would improve'" in _row(table, "report")
    hidden = _row(table, "hidden_tests")
    assert "skipped" in hidden


def test_points_and_status_columns_line_up() -> None:
    table = summary_table(make_check())
    header = table.splitlines()[1]
    status_at = header.index("status")
    for line in table.splitlines()[2:]:
        if line.startswith("  ") and not line.startswith("   "):
            assert line[status_at - 1] == " " and line[status_at] != " ", line


def test_hostile_strings_cannot_reach_the_terminal_raw() -> None:
    table = summary_table(make_hostile())
    assert not any(ch in table for ch in "\x1b\x00\x07\udcff")
    assert HOSTILE in table  # shown as text: a terminal does not run it
    assert all(len(line) < 200 for line in table.splitlines()[1:])


def test_input_error_still_prints_a_header() -> None:
    table = summary_table(make_input_error(), ["r.html"])
    assert "[input-error]" in table and table.endswith("report: r.html")


def test_watch_line_shows_the_change_and_what_is_next() -> None:
    line = one_line_summary(make_check(), previous=10.0)
    assert line.startswith("[") and "(+" in line and "| next: " in line
