"""JUnit XML: parsed by a real consumer (junitparser), valid against the
Jenkins xUnit JUnit schema, and silent about hidden tests in candidate view."""

from __future__ import annotations

import dataclasses
import math
import xml.etree.ElementTree as ET
from pathlib import Path

import junitparser
import pytest
import xmlschema

from harness.report.junit import render_junit
from harness.result import CriterionResult, GradeResult, ScoredCriterion, Status
from tests.report.conftest import HIDDEN_TEST_IDS, HOSTILE, SAMPLES, make_graded, make_hostile

SCHEMA = xmlschema.XMLSchema(Path(__file__).with_name("junit-10.xsd"))


def _parse(text: str, tmp_path: Path) -> junitparser.JUnitXml:
    path = tmp_path / "report.junit.xml"
    path.write_text(text, encoding="utf-8")
    xml = junitparser.JUnitXml.fromfile(str(path))
    assert isinstance(xml, junitparser.JUnitXml)
    return xml


@pytest.mark.parametrize("candidate_view", [False, True], ids=["reviewer", "candidate"])
@pytest.mark.parametrize("sample", sorted(SAMPLES))
def test_valid_against_schema_and_parsed(sample: str, candidate_view: bool, tmp_path: Path) -> None:
    text = render_junit(SAMPLES[sample](), candidate_view=candidate_view)
    SCHEMA.validate(text)
    xml = _parse(text, tmp_path)
    suites = list(xml)
    assert suites[-1].name == "criteria"
    for suite in suites:
        cases = list(suite)
        assert suite.tests == len(cases)
        assert suite.failures == sum(
            1 for c in cases if any(isinstance(r, junitparser.Failure) for r in c.result))
        assert math.isfinite(suite.time)
    root = ET.fromstring(text.encode("utf-8"))
    assert int(root.get("tests", "-1")) == sum(s.tests for s in suites)


def test_suites_and_failures_in_reviewer_view(tmp_path: Path) -> None:
    xml = _parse(render_junit(make_graded(), candidate_view=False), tmp_path)
    suites = {s.name: s for s in xml}
    assert list(suites) == ["public", "hidden", "criteria"]
    hidden = {c.name: c for c in suites["hidden"]}
    assert set(hidden) == {i.split("::")[1] for i in HIDDEN_TEST_IDS}
    failed = hidden["test_labels_match_reference"]
    assert not failed.is_passed
    assert failed.result[0].message == "assert 0.61 >= 0.9"
    criteria = {c.name: c for c in suites["criteria"]}
    assert criteria["public_tests"].is_passed
    runs = criteria["runs_cleanly"].result[0]
    assert isinstance(runs, junitparser.Failure)
    assert runs.message.startswith("0 of 10 points")
    assert "cell 3, line 2: ValueError: bad shape" in (runs.text or "")
    assert "Restart the kernel" in (runs.text or "")
    assert not criteria["lint"].is_passed  # 8 of 10 points is a failure in JUnit terms


def test_candidate_view_names_and_counts_nothing_hidden(tmp_path: Path) -> None:
    text = render_junit(make_graded(), candidate_view=True)
    for test_id in HIDDEN_TEST_IDS:
        assert test_id.split("::")[1] not in text
    assert "hidden" not in text
    xml = _parse(text, tmp_path)
    assert [s.name for s in xml] == ["public", "criteria"]
    assert xml.tests == 3 + 6  # three public tests, six criteria without hidden_tests


def test_hostile_text_is_escaped_and_capped(tmp_path: Path) -> None:
    result: GradeResult = make_hostile()
    text = render_junit(result, candidate_view=False)
    assert HOSTILE not in text
    assert "\x1b" not in text and "\x00" not in text and "nan" not in text.lower().split('"')
    xml = _parse(text, tmp_path)
    public = next(s for s in xml if s.name == "public")
    case = next(iter(public))
    assert HOSTILE in case.name  # the name survives, as escaped text
    assert len(case.result[0].message) <= 600
    assert len(text) < 100_000


def test_input_error_criteria_are_errors(tmp_path: Path) -> None:
    error = ScoredCriterion(CriterionResult("lint", 0.0, Status.ERROR, "Not judged."), 10, 0, 10)
    base = SAMPLES["input-error"]()
    xml = _parse(render_junit(dataclasses.replace(base, criteria=(error,)), candidate_view=True),
                 tmp_path)
    (criteria,) = list(xml)
    assert criteria.errors == 1 and criteria.failures == 0
