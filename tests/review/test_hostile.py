"""A notebook full of script injections, graded for real, reviewed in a real browser.

The kmeans solution gets script payloads in its markdown, its printed and
displayed outputs, an exception message, notebook and cell metadata and its
file name.  It is graded in the Docker sandbox like any submission, then
every page of the review app and the static exports are opened in Chromium:
no payload may run, and none may even try (a CSP violation would mean the
escaping failed and only the policy saved us).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from harness.cli import main
from tests.conftest import KMEANS
from tests.review.conftest import served

pytestmark = [pytest.mark.docker, pytest.mark.browser, pytest.mark.slow]

FLAG = "__pwned"


def _payloads(where: str) -> list[str]:
    """Ways to run script from HTML; each sets window.__pwned to say which one ran."""
    set_flag = f"window.{FLAG}='{where}'"
    return [
        f"<script>{set_flag}</script>",
        f'<img src=x onerror="{set_flag}">',
        f'<svg onload="{set_flag}"></svg>',
        f'<iframe srcdoc="<script>parent.{FLAG}=1</script>"></iframe>',
        f'<a href="javascript:{set_flag}" id="jslink-{where}">click</a>',
    ]


def _hostile_notebook(folder: Path) -> Path:
    nb = json.loads((KMEANS / "solution.ipynb").read_text())
    markdown = "## Approach\n\n" + "\n\n".join(_payloads("markdown")) + \
        f"\n\n[a link](javascript:window.{FLAG}='md-link')\n"
    printed = " ".join(_payloads("stdout"))
    displayed = " ".join(_payloads("display"))
    nb["cells"].append({"cell_type": "markdown", "metadata": {"tags": _payloads("cell-meta")},
                        "source": markdown})
    nb["cells"].append({"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
                        "source": f"from IPython.display import HTML, display\n"
                                  f"print({printed!r})\ndisplay(HTML({displayed!r}))\n"})
    nb["cells"].append({"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
                        "source": f"raise ValueError({' '.join(_payloads('traceback'))!r})\n"})
    nb["metadata"]["authors"] = [{"name": p} for p in _payloads("nb-meta")]
    nb["metadata"]["title"] = _payloads("nb-title")[1]
    path = folder / f"cand<img src=x onerror=\"window.{FLAG}='name'\">.ipynb"
    path.write_text(json.dumps(nb))
    return path


def _watch(page: Page) -> list[str]:
    """Dialogs and CSP violations seen by the page, filled as they happen."""
    seen: list[str] = []
    page.on("dialog", lambda dialog: (seen.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    page.on("console", lambda message: seen.append(f"console: {message.text}")
            if "Content Security Policy" in message.text else None)
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', "
        "e => { window.__csp = (window.__csp || []).concat(e.violatedDirective); });")
    return seen


def _assert_nothing_ran(page: Page, seen: list[str]) -> None:
    for link in page.locator("a[href^='javascript:' i]").all():
        link.click()  # a link that survived would run here
    assert page.evaluate(f"window.{FLAG}") is None, "a candidate script ran"
    assert page.evaluate("window.__csp") is None, "the CSP had to block something"
    assert seen == []


def test_the_detector_sees_a_payload_that_is_not_escaped(chromium: Browser) -> None:
    """The check below could fail: rendered raw, the payloads do run."""
    page = chromium.new_page()
    page.set_content("".join(_payloads("control")))
    page.wait_for_function(f"window.{FLAG} === 'control'")
    page.close()


def test_no_candidate_script_runs_in_the_review_app_or_the_exports(
        chromium: Browser, tmp_path: Path, docker_client: Any) -> None:
    del docker_client  # needed for grading; fails under CI=true when missing
    submissions = tmp_path / "submissions"
    submissions.mkdir()
    notebook = _hostile_notebook(submissions)
    out = tmp_path / "out"
    assert main(["grade", str(notebook), "--task", str(KMEANS), "--out", str(out),
                 "--quiet", "--jobs", "1"]) == 0

    with served(out) as url:
        page = chromium.new_page()
        seen = _watch(page)
        page.goto(url)
        page.wait_for_selector("body[data-ready=true]", state="attached")
        assert "onerror" in page.inner_text("#submissions")  # the name is shown, as text
        _assert_nothing_ran(page, seen)
        page.locator("a.open").first.click()
        page.wait_for_selector("#submission")
        body = page.inner_text("body")
        # The payloads are on the page as text: rendered, not dropped.
        for where in ("markdown", "stdout", "traceback"):
            assert f"window.{FLAG}='{where}'" in body, where
        _assert_nothing_ran(page, seen)
        page.close()

    for export in sorted(out.glob("*.html")):
        page = chromium.new_page()
        seen = _watch(page)
        page.goto(export.as_uri())
        _assert_nothing_ran(page, seen)
        page.close()
