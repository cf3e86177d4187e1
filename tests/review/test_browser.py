"""The review loop in a real headless Chromium against the real server.

What only a browser shows: the page's script sends each change, keys move
between submissions, a reload finds everything, and the CSP lets no
candidate script run.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from harness.review.store import ReviewStore
from tests.review.conftest import REVIEWER, chromium_path, served

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _open(browser: Browser, url: str) -> Page:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(url)
    _ready(page)
    return page


def _ready(page: Page) -> None:
    """Wait until the page's script has wired its controls."""
    page.wait_for_selector("body[data-ready=true]", state="attached")


def _open_first(page: Page) -> None:
    page.locator("a.open").first.click()
    page.wait_for_url("**/s/**")
    _ready(page)


def test_comment_override_decide_reload_and_find_everything(chromium: Browser, batch_dir: Path,
                                                           tmp_path: Path) -> None:
    with served(batch_dir) as url:
        page = _open(chromium, url)
        assert "token=" not in page.url  # traded for the cookie
        expect(page.locator("#submissions tbody tr")).to_have_count(3)
        page.screenshot(path=str(tmp_path / "list.png"), full_page=True)

        _open_first(page)
        expect(page.locator("#label")).to_have_text("submissions/alice.ipynb")
        expect(page.locator("#line-comment")).to_be_hidden()  # until a line is clicked
        # A comment on a criterion and one on a code line.
        report = page.locator("section.criterion[data-criterion=report]")
        report.locator("form.comment textarea").fill("Approach section is thin")
        report.locator("form.comment button").click()
        expect(report.locator(".review-comment")).to_contain_text("Approach section is thin")
        page.locator("#cell-2 button.line[data-line='3']").click()
        page.locator("#line-comment textarea").fill("neat vectorised update")
        page.locator("#line-comment button[type=submit]").click()
        expect(page.locator("#cell-2 .review-comment")).to_contain_text("neat vectorised update")
        # An override with its reason.
        form = page.locator("form.override[data-criterion=report]")
        form.locator("input[name=points]").fill("9")
        form.locator("input[name=reason]").fill("sections exist under other headings")
        form.locator("button[type=submit]").click()
        expect(page.locator(".override-note")).to_contain_text("sections exist under other headings")
        # A decision and a note typed and left without any save button.
        page.locator("button.decide[data-decision=advance]").click()
        expect(page.locator("#flash")).to_contain_text("advance")
        page.locator("#note").fill("Invite to the onsite")
        expect(page.locator("#note-state")).to_have_text("saved")
        page.screenshot(path=str(tmp_path / "submission.png"), full_page=True)

        # Escape leaves the note, j moves to the next submission; decide there too.
        page.keyboard.press("Escape")
        page.keyboard.press("j")
        expect(page.locator("#label")).to_contain_text("<script>alert(1)</script>")
        _ready(page)
        page.locator("button.decide[data-decision=reject]").click()
        expect(page.locator("#flash")).to_contain_text("reject")
        page.keyboard.press("k")
        expect(page.locator("#label")).to_have_text("submissions/alice.ipynb")

        page.reload()
        _ready(page)
        expect(page.locator("section.criterion[data-criterion=report] .review-comment")).to_contain_text(
            "Approach section is thin")
        expect(page.locator("#cell-2 .review-comment")).to_contain_text("neat vectorised update")
        expect(page.locator("button.decide[data-decision=advance]")).to_have_attribute("aria-pressed", "true")
        expect(page.locator("#note")).to_have_value("Invite to the onsite")
        expect(page.locator("#history")).to_contain_text(REVIEWER)

        page.goto(url.split("?")[0])
        expect(page.locator("#submissions tbody tr").first).to_contain_text("advance")
        expect(page.locator("#submissions tbody tr").nth(1)).to_contain_text("reject")
        page.close()

    # Stopping the server wrote the exports: they show the review.
    gradebook = (batch_dir / "gradebook.csv").read_text()
    assert f"report: 3.4 -> 9 by {REVIEWER} (sections exist under other headings)" in gradebook
    assert ",advance," in gradebook and ",reject," in gradebook
    index = (batch_dir / "index.html").read_text()
    assert "67.0%" in index and "sections exist under other headings" in index
    store = ReviewStore(batch_dir / "gradebook.sqlite", "checker")
    decisions = store.all_decisions()
    assert {k: d.decision for k, d in decisions.items()} == {
        "submissions/alice.ipynb": "advance", "submissions/<script>alert(1)</script>.ipynb": "reject"}
    assert store.overrides("submissions/alice.ipynb")["report"].reviewer == REVIEWER
    store.close()


def test_a_note_typed_just_before_the_tab_closes_is_kept(chromium: Browser, batch_dir: Path) -> None:
    with served(batch_dir) as url:
        page = _open(chromium, url)
        page.keyboard.press("j")  # select the first row, open it with Enter
        page.keyboard.press("Enter")
        page.wait_for_url("**/s/**")
        _ready(page)
        expect(page.locator("#label")).to_have_text("submissions/alice.ipynb")
        page.locator("#note").fill("half a thought")
        page.goto("about:blank")  # leave before the typing pause that saves: pagehide sends it
        store = ReviewStore(batch_dir / "gradebook.sqlite", "checker")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and store.decision("submissions/alice.ipynb") is None:
            time.sleep(0.1)
        decision = store.decision("submissions/alice.ipynb")
        store.close()
    assert decision is not None and decision.note == "half a thought"


def test_the_browser_is_debians_chromium(chromium: Browser) -> None:
    """Playwright drives the system browser; nothing was downloaded."""
    version = subprocess.run([chromium_path(), "--version"], capture_output=True, text=True,
                             check=True).stdout
    assert chromium.version.split(".")[0] in version
