"""Folding peer matches into a graded result, and showing them on the index page."""

from __future__ import annotations

import dataclasses

import pytest

from harness.report.gradebook import Entry, render_index
from harness.report.similarity import render_similarity_csv
from harness.result import CriterionResult, GradeResult, ScoredCriterion, SourceLine, Status
from harness.rubric import load_rubric
from harness.similarity import Match, PeerPair, Region, RegionPair, fold_peer_matches
from tests.report.conftest import HOSTILE, make_graded

RUBRIC = load_rubric("rubrics/default.toml")


def _with_provenance(result: GradeResult) -> GradeResult:
    provenance = ScoredCriterion(
        CriterionResult("provenance", 1.0, Status.PASS, "6 own lines.",
                        details={"own_lines": 6, "copy_penalty": 2.0,
                                 "undeclared_copied_lines": []}),
        weight=5, points=5.0, max_points=5.0,
    )
    return dataclasses.replace(result, criteria=(*result.criteria, provenance))


def _pair(first: str, second: str, lines: tuple[int, int]) -> PeerPair:
    region = RegionPair(Region(2, *lines), Region(2, *lines), 3)
    match = Match((region,), 3, 0.5, 0.5)
    return PeerPair(first, second, match, match)


def test_peer_match_costs_provenance_points_and_is_evidence() -> None:
    result = _with_provenance(make_graded())
    folded = fold_peer_matches(result, "alice", [_pair("alice", "bob", (3, 3))], RUBRIC)
    provenance = {s.result.id: s for s in folded.criteria}["provenance"]
    # One copied code line of six own ones, penalty 2: 1 - 2/6 of the score is left.
    assert provenance.result.score == pytest.approx(2 / 3, abs=1e-4)
    assert provenance.points == pytest.approx(3.33)
    assert any("submission 'bob'" in e.message and e.cell == 2 and e.line == 3
               for e in provenance.result.evidence)
    assert provenance.result.details["undeclared_copied_lines"] == [[2, 3]]
    # Rescored by the rubric: totals follow, the other criteria's results are untouched.
    assert folded.points == pytest.approx(sum(s.points for s in folded.criteria))
    others = {s.result.id: s.result for s in folded.criteria if s.result.id != "provenance"}
    assert others == {s.result.id: s.result for s in result.criteria
                      if s.result.id != "provenance"}


def test_result_without_a_pair_comes_back_unchanged() -> None:
    result = _with_provenance(make_graded())
    assert fold_peer_matches(result, "carol", [_pair("alice", "bob", (3, 3))], RUBRIC) is result


def test_index_escapes_hostile_region_text_and_csv_defuses_formulas() -> None:
    result = dataclasses.replace(
        make_graded(), source=(SourceLine(2, 3, f"x = '{HOSTILE}'", True),))
    entries = [Entry(result, "alice"), Entry(result, "=bob")]
    page = render_index(entries, "kmeans", [_pair("alice", "=bob", (3, 3))])
    assert HOSTILE not in page and "&lt;script&gt;" in page
    assert "cell 2, line 3" in page
    rows = render_similarity_csv([_pair("alice", "=bob", (3, 3))]).splitlines()
    assert rows[1].startswith("alice,'=bob,0.500")
