"""A small graded batch in tmp_path, and the review app over it in process."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright
from starlette.testclient import TestClient

from harness.batch.gradebook import Gradebook, Stored
from harness.result import GradeResult
from harness.review.server import open_review
from tests.conftest import in_ci
from tests.report.conftest import HOSTILE, make_graded, make_input_error

REVIEWER = "rita"


def _lower(result: GradeResult, notebook: str, factor: float) -> GradeResult:
    criteria = tuple(dataclasses.replace(c, points=c.points * factor) for c in result.criteria)
    points = sum(c.points for c in criteria)
    return dataclasses.replace(result, notebook=notebook, criteria=criteria, points=points,
                               percent=100 * points / result.max_points)


def batch_results() -> dict[str, GradeResult]:
    """Three submissions: a good one, a weaker one with a hostile name, a broken one."""
    graded = make_graded()
    return {
        "submissions/alice.ipynb": graded,
        f"submissions/{HOSTILE}.ipynb": _lower(graded, f"submissions/{HOSTILE}.ipynb", 0.5),
        "submissions/broken.ipynb": make_input_error(),
    }


def write_batch(folder: Path, results: dict[str, GradeResult], *, blind: bool = False) -> Path:
    """Store ``results`` in ``folder``'s gradebook as a batch would."""
    with Gradebook.in_folder(folder) as book:
        for number, (key, result) in enumerate(results.items()):
            book.put(Stored(key, f"content-{number}", f"report-{number}", result))
        if blind:
            book.set_meta("blind", "1")
    return folder


@pytest.fixture
def batch_dir(tmp_path: Path) -> Path:
    return write_batch(tmp_path / "out", batch_results())


def logged_in(app: object, token: str) -> TestClient:
    """A client that opened the link with the token (and so holds the cookie)."""
    client = TestClient(app, base_url="http://127.0.0.1:8000")  # type: ignore[arg-type]
    assert client.get(f"/?token={token}", follow_redirects=False).status_code == 303
    return client


@pytest.fixture
def review(batch_dir: Path) -> Iterator[tuple[TestClient, str]]:
    """(client holding the cookie, CSRF token) for the app over ``batch_dir``."""
    hosts = frozenset({"127.0.0.1:8000"})
    with open_review(batch_dir, REVIEWER, hosts) as opened:
        with logged_in(opened.app, opened.keys.token) as client:
            yield client, opened.keys.csrf


def post(client: TestClient, csrf: str, path: str, body: object) -> object:
    """A write as the page's script sends it."""
    return client.post(path, json=body, headers={"X-Takehome-CSRF": csrf,
                                                 "Origin": "http://127.0.0.1:8000"})


# -- the real server and a real browser -------------------------------------

BROWSERS = ("chromium", "chromium-browser")


def chromium_path() -> str:
    """Debian's Chromium; under CI=true a missing browser fails the test."""
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    why = "no Chromium on PATH; install the Debian package 'chromium' (scripts/install-system-deps)"
    if in_ci():
        pytest.fail(why)
    pytest.skip(why)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """Headless Chromium driven by Playwright, without any browser download.

    Module scope: a sync Playwright keeps an event loop running, and other
    modules start their own.
    """
    path = chromium_path()
    with sync_playwright() as playwright:
        # --no-sandbox: tests run as root in containers, where Chromium's own sandbox cannot start.
        browser = playwright.chromium.launch(executable_path=path, headless=True,
                                             args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield browser
        browser.close()


@contextmanager
def served(folder: Path, *extra: str) -> Iterator[str]:
    """Run ``takehome review FOLDER`` for real; yield the link it prints."""
    command = [sys.executable, "-m", "harness.cli", "review", str(folder), "--no-browser",
               "--reviewer", REVIEWER, *extra]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, cwd=folder)
    try:
        assert process.stderr is not None
        url = ""
        deadline = time.monotonic() + 60
        while not url and time.monotonic() < deadline:
            line = process.stderr.readline()
            if not line:
                break
            if line.startswith("open "):
                url = line.split()[1]
        assert url, f"takehome review printed no link (exit {process.poll()})"
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
        if process.stderr is not None:
            process.stderr.close()
