"""The gradebook: ranked CSV and index page for a batch."""

from __future__ import annotations

import csv
import dataclasses
import io
from pathlib import Path

import pytest

from harness.cli import main
from harness.report.gradebook import Entry, render_csv, render_index
from harness.result import GradeResult
from tests.conftest import KMEANS


def entries(graded: GradeResult) -> list[Entry]:
    low = dataclasses.replace(graded, notebook="=HYPERLINK(\"x\")<script>.ipynb", percent=12.5)
    high = dataclasses.replace(graded, notebook="best.ipynb", percent=97.0)
    return [Entry(low, "javascript:alert(1)"), Entry(high, "best")]


def test_csv_ranks_best_first_and_defuses_formulas(graded: GradeResult) -> None:
    rows = list(csv.DictReader(io.StringIO(render_csv(entries(graded)))))
    assert [r["notebook"] for r in rows] == ["best.ipynb", "'=HYPERLINK(\"x\")<script>.ipynb"]
    assert [r["rank"] for r in rows] == ["1", "2"] and rows[0]["percent"] == "97.0"
    ids = [s.result.id for s in graded.criteria]
    assert set(ids) <= set(rows[0])


def test_index_escapes_names_and_keeps_links_relative(graded: GradeResult) -> None:
    page = render_index(entries(graded), "kmeans")
    # One <script>: the page's own sort/filter script, allowed by its CSP hash.
    assert page.count("<script>") == 1 and "&lt;script&gt;" in page
    assert 'href="./javascript%3Aalert%281%29.html"' in page
    assert page.index("best.ipynb") < page.index("HYPERLINK")


def test_grade_writes_a_gradebook_and_check_does_not(tmp_path: Path) -> None:
    graded_out, checked_out = tmp_path / "g", tmp_path / "c"
    notebook = str(KMEANS / "template.ipynb")
    assert main(["grade", notebook, "--task", str(KMEANS), "--out", str(graded_out),
                 "--sandbox", "local", "--quiet"]) == 0
    assert main(["check", notebook, "--task", str(KMEANS), "--out", str(checked_out),
                 "--sandbox", "local", "--quiet"]) == 0
    assert (graded_out / "gradebook.csv").is_file() and (graded_out / "index.html").is_file()
    assert not (checked_out / "gradebook.csv").exists()


@pytest.mark.parametrize("count", [0, 1])
def test_index_of_small_batches_renders(graded: GradeResult, count: int) -> None:
    page = render_index([Entry(graded, "a")][:count], "kmeans")
    assert f"{count} submission" in page
