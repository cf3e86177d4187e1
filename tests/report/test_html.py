"""The HTML view: content, escaping, caps, candidate copy, and a real browser."""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import struct
import subprocess
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from harness.report import render_html
from harness.report.html import OUTPUT_CAP, SOURCE_LINE_CAP
from harness.result import GradeResult, ScoredCriterion

from .conftest import ANSI_RED, HIDDEN_TEST_IDS, HOSTILE, MEGA_LINE, make_graded, make_hostile

ESCAPED_HOSTILE = "&lt;script&gt;alert(1)&lt;/script&gt;"
VOID = {"meta", "br", "hr", "img", "input", "link", "wbr", "col", "area", "base", "source"}


class _TagBalance(HTMLParser):
    """Collects structural problems: a close tag that does not match the open one."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            return
        self.stack.pop()


def _lint(result: GradeResult) -> ScoredCriterion:
    return next(c for c in result.criteria if c.result.id == "lint")


def test_header_shows_run_and_total(graded: GradeResult) -> None:
    page = render_html(graded)
    assert "<title>kmeans \u2014 submissions/alice.ipynb</title>" in page
    total = page[page.index('id="total"') :][:400]
    assert "61.4<span>%</span>" in total
    assert "61.4 / 100 points" in total
    for fact in ("submissions/alice.ipynb", "grade", "docker", "graded"):
        assert f">{fact}<" in page


@pytest.mark.parametrize(
    "criterion",
    ["hidden_tests", "public_tests", "runs_cleanly", "lint", "docstrings", "report", "own_tests"],
)
def test_each_criterion_has_a_row_and_a_section(graded: GradeResult, criterion: str) -> None:
    page = render_html(graded)
    assert f'<a href="#criterion-{criterion.replace("_", "-")}">{criterion}</a>' in page
    assert f'<section class="criterion" id="criterion-{criterion.replace("_", "-")}">' in page


def test_criterion_section_shows_summary_advice_and_evidence_places(graded: GradeResult) -> None:
    page = render_html(graded)
    section = page[page.index('id="criterion-runs-cleanly"') :]
    section = section[: section.index("</section>")]
    assert "0 / 10 points" in section
    assert "Cell 3 raised ValueError." in section
    assert "Restart the kernel and run all cells before submitting." in section
    assert '<a class="where" href="#cell-3-line-2">cell 3, line 2</a>' in section
    report = page[page.index('id="criterion-report"') :]
    assert '<a class="where" href="#cell-5">cell 5</a>' in report[: report.index("</section>")]


@pytest.mark.parametrize(
    ("status", "css"),
    [("graded", "run-ok"), ("time-limit", "run-bad"), ("memory-limit", "run-bad"), ("dead-kernel", "run-bad"), ("input-error", "run-bad")],
    ids=lambda v: str(v),
)
def test_run_status_and_message_are_prominent(graded: GradeResult, status: str, css: str) -> None:
    page = render_html(dataclasses.replace(graded, status=status, message=f"Because: {status} happened"))
    banner = page[page.index('id="status"') - 40 :][:300]
    assert f'class="banner {css}"' in banner
    assert f"<strong>{status}</strong>" in banner
    assert f"Because: {status} happened" in banner


def test_input_error_with_nothing_judged_still_renders(any_result: GradeResult) -> None:
    page = render_html(dataclasses.replace(any_result, criteria=(), tests=(), cells=(), source=()))
    assert "No criteria were judged." in page
    assert "No tests were run." in page
    assert "No cells were run." in page
    assert "No code to show." in page


def test_tests_table_lists_suite_id_outcome_message(graded: GradeResult) -> None:
    page = render_html(graded)
    tests = page[page.index('<section id="tests">') :]
    row = tests[tests.index(HIDDEN_TEST_IDS[1]) - 80 :][:400]
    assert "<td>hidden</td>" in row
    assert '<span class="badge out-failed">failed</span>' in row
    assert "assert 0.61 &gt;= 0.9" in row
    assert '<span class="badge out-passed">4 passed</span>' in page


def test_cell_table_shows_error_and_traceback(graded: GradeResult) -> None:
    page = render_html(graded)
    cells = page[page.index('<section id="cells">') :]
    assert '<span class="badge cs-error">error</span>' in cells
    assert "<strong>ValueError</strong>: <span class=\"pre\">bad shape</span>" in cells
    assert "<pre>Traceback (most recent call last):\n  File &#34;&lt;cell 3&gt;&#34;, line 2\nValueError: bad shape</pre>" in cells
    assert "<pre>all good\n</pre>" in cells


def test_code_is_grouped_by_cell_with_template_lines_dimmed(graded: GradeResult) -> None:
    page = render_html(graded)
    assert page.index('id="cell-1"') < page.index('id="cell-2"') < page.index('id="cell-4"')
    assert '<tr id="cell-1-line-1" class="tpl"><td class="ln">1</td><td class="src">import numpy as np</td></tr>' in page
    assert '<tr id="cell-2-line-3" class="own"><td class="ln">3</td><td class="src">    centers = X[:k]</td></tr>' in page
    assert "6 of 6 lines written by the candidate" in page


def test_lint_messages_sit_under_their_line(graded: GradeResult) -> None:
    page = render_html(graded)
    line4 = page.index('id="cell-2-line-4"')
    note = page.index("<code>unused-variable</code> Unused variable &#39;_&#39;")
    line5 = page.index('id="cell-2-line-5"')
    assert line4 < note < line5
    assert page.count('class="lintrow"') == 2


@pytest.mark.parametrize(
    "messages",
    ["not a list", [None, "x", {"cell": "2", "line": 1}, {"line": 1}], [{"cell": 2, "line": 1}]],
    ids=["not-a-list", "malformed-entries", "missing-symbol-and-message"],
)
def test_odd_lint_details_do_not_break_the_page(graded: GradeResult, messages: object) -> None:
    lint = _lint(graded)
    odd = dataclasses.replace(lint, result=dataclasses.replace(lint.result, details={"messages": messages}))
    criteria = tuple(odd if c is lint else c for c in graded.criteria)
    page = render_html(dataclasses.replace(graded, criteria=criteria))
    assert page.count('class="lintrow"') == (1 if messages == [{"cell": 2, "line": 1}] else 0)


def test_hostile_text_is_escaped_everywhere(hostile: GradeResult) -> None:
    page = render_html(hostile)
    assert HOSTILE not in page
    assert re.search(r"<script", page, re.IGNORECASE) is None
    # notebook, task, message, summary, advice, evidence, kind, test id and
    # message, error name and value, traceback, lint note, code line
    assert page.count(ESCAPED_HOSTILE) >= 14
    assert "<b>bogus</b>" not in page
    assert 'class="sev-info"' in page  # the unknown severity fell back to a known class


@pytest.mark.parametrize(
    "bad",
    [ANSI_RED, "\x1b", "\x00", "\x07", "\r"],
    ids=["ansi-sequence", "escape-char", "nul", "bell", "carriage-return"],
)
def test_control_characters_are_gone(hostile: GradeResult, bad: str) -> None:
    assert bad not in render_html(hostile)


def test_invalid_surrogates_do_not_break_encoding(hostile: GradeResult) -> None:
    page = render_html(hostile)
    page.encode("utf-8")
    assert "bad\ufffdsurrogate" in page


def test_long_outputs_and_lines_are_capped_visibly(hostile: GradeResult) -> None:
    page = render_html(hostile)
    assert len(page) < 250_000, "a 1 MB line and a 1 MB output must not reach the page"
    assert MEGA_LINE[:SOURCE_LINE_CAP] + " [truncated]</td>" in page
    output = page[page.index("<summary>Output</summary><pre>") :]
    assert output.index("[truncated]</pre>") < OUTPUT_CAP + 100


def test_page_is_self_contained(any_result: GradeResult) -> None:
    page = render_html(any_result).lower()
    for needle in ("http://", "https://", "<link", "<script", "<img", "<iframe", "@import", "url(", "@font-face", " src="):
        assert needle not in page, needle
    assert "default-src 'none'" in page


def test_page_tags_are_balanced(any_result: GradeResult) -> None:
    parser = _TagBalance()
    parser.feed(render_html(any_result))
    parser.close()
    assert parser.problems == []
    assert parser.stack == []


def test_reviewer_view_shows_hidden_tests(graded: GradeResult) -> None:
    page = render_html(graded)
    assert all(h in page for h in HIDDEN_TEST_IDS)
    assert 'id="criterion-hidden-tests"' in page


def test_candidate_view_does_not_mention_hidden_tests_at_all(graded: GradeResult) -> None:
    page = render_html(graded, candidate_view=True)
    for hidden_id in HIDDEN_TEST_IDS:
        assert hidden_id not in page
    assert "test_secret" not in page
    assert "hidden_tests" not in page and "hidden-tests" not in page
    assert "<td>hidden</td>" not in page
    # Counts are of public tests only: 3 passed, no failure from a hidden test.
    assert '<span class="badge out-passed">3 passed</span>' in page
    assert "badge out-failed" not in page
    # The total is recomputed without the hidden criterion's 40 points.
    assert "41.4 / 60 points" in page
    assert "candidate copy" in page


def test_rendering_is_fast_after_import() -> None:
    for make in (make_graded, make_hostile):
        result = make()
        best = min(_timed(result) for _ in range(5))
        assert best < 0.1, f"{make.__name__}: {best * 1000:.0f} ms"


def _timed(result: GradeResult) -> float:
    start = time.perf_counter()
    render_html(result)
    return time.perf_counter() - start


# -- a real browser -------------------------------------------------------

_BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def _chromium() -> str:
    for name in _BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    why = f"no headless Chromium on PATH (looked for {', '.join(_BROWSERS)}); install the Debian package 'chromium'"
    if os.environ.get("CI") == "true":
        pytest.fail(why)  # CI must run this test, not silently skip it
    pytest.skip(why)


def _run_chromium(browser: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            browser,
            "--headless",
            "--disable-gpu",
            "--no-sandbox",  # containers run as root, where Chromium's sandbox cannot start
            "--disable-dev-shm-usage",  # small /dev/shm in containers
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.browser
def test_report_renders_in_headless_chromium(tmp_path: Path, graded: GradeResult) -> None:
    browser = _chromium()
    page = tmp_path / "report.html"
    page.write_text(render_html(graded), encoding="utf-8")

    dom = _run_chromium(browser, tmp_path, "--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    total = dom.stdout[dom.stdout.index('id="total"') :][:400]
    assert "61.4" in total and "61.4 / 100 points" in total
    assert '<section class="criterion" id="criterion-lint">' in dom.stdout
    assert "cell 2, line 4" in dom.stdout

    shot = tmp_path / "report.png"
    run = _run_chromium(browser, tmp_path, "--hide-scrollbars", "--window-size=1280,2000", f"--screenshot={shot}", page.as_uri())
    assert run.returncode == 0, run.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])  # IHDR follows the signature
    assert (width, height) == (1280, 2000)
    assert len(data) > 20_000, "a blank page compresses to a few KB"
