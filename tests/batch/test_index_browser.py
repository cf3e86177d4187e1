"""The gradebook index in real headless Chromium: fits 1280 px, sorts, filters.

Playwright drives Debian's chromium through ``executable_path`` (no browser
download).  The page's CSP allows only its own inline script, so this also
checks that the script's hash in the CSP is right: a wrong one would leave
sorting dead.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from harness.report.gradebook import Entry, render_index
from tests.report.conftest import make_graded

pytestmark = pytest.mark.browser
_BROWSERS = ("chromium", "chromium-browser")


def _executable() -> str:
    for name in _BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    pytest.fail("no chromium on PATH; scripts/install-system-deps installs Debian's 'chromium'")


def _entries(count: int) -> list[Entry]:
    graded = make_graded()
    names = ["a-very-long-folder-name-of-some-candidate/with/nested/folders/solution.ipynb",
             "<script>alert(1)</script>.ipynb"]
    return [
        Entry(dataclasses.replace(graded, notebook=names[n % 2] if n < 2 else f"cand{n:02d}.ipynb",
                                  percent=float((n * 37) % 101),
                                  status="graded" if n % 3 else "time-limit"), f"r{n}")
        for n in range(count)
    ]


def test_index_fits_1280_and_sorts_and_filters(tmp_path: Path) -> None:
    page_file = tmp_path / "index.html"
    page_file.write_text(render_index(_entries(30), "kmeans <b>"), encoding="utf-8")
    errors: list[str] = []
    with sync_playwright() as play:
        browser = play.chromium.launch(executable_path=_executable(), args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(page_file.as_uri())
            page.screenshot(path=str(tmp_path / "index-1280.png"), full_page=True)
            widths = page.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
            assert widths[0] <= widths[1], f"horizontal scroll at 1280 px: {widths}"
            assert page.evaluate("window.alertFired === undefined")

            def column(index: int) -> list[str]:
                return page.eval_on_selector_all(
                    f"#book tbody tr:not([hidden]) td:nth-child({index})",
                    "cells => cells.map(c => c.dataset.sort || c.textContent.trim())")

            page.click("#book thead button[data-col='3']")  # score: highest first
            scores = [float(s) for s in column(4)]
            assert scores == sorted(scores, reverse=True)
            page.click("#book thead button[data-col='3']")  # again: lowest first
            assert [float(s) for s in column(4)] == sorted(scores)
            page.fill("#book thead input[data-col='3']", ">=50")
            assert column(4) and all(float(s) >= 50 for s in column(4))
            assert page.text_content("#shown") == str(len(column(4)))
            page.fill("#book thead input[data-col='3']", "")
            page.fill("#book thead input[data-col='2']", "time")
            assert set(column(3)) == {"time-limit"}
            page.fill("#book thead input[data-col='2']", "")
            page.fill("#book thead input[data-col='1']", "<script>")
            assert column(2) == ["<script>alert(1)</script>.ipynb"]  # shown as text
        finally:
            browser.close()
    assert not errors, errors
    assert (tmp_path / "index-1280.png").stat().st_size > 10_000
