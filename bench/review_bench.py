"""Benchmark: how fast the review app opens a 200-submission gradebook.

Grades tasks/kmeans/solution.ipynb once (local sandbox: only its result is
needed), stores it 200 times with different names and scores in a fresh
gradebook, adds a few reviews, then prints:

* start: ``takehome review`` launched until it prints its link;
* first page: the link opened (token -> cookie -> ranked list), over HTTP;
* list, submission: later requests for the list and one submission page;
* browser: headless Chromium (Debian's) from navigation to the list's load
  event, and to the submission page's.

Goal: the first page under 1 s.  Medians of --runs runs.

    .venv/bin/python bench/review_bench.py [--submissions 200] [--runs 5]
"""

from __future__ import annotations

import argparse
import dataclasses
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# pylint: disable=wrong-import-position  # after the path set-up above
from harness.batch.gradebook import Gradebook, Stored  # noqa: E402
from harness.result import GradeResult  # noqa: E402
from harness.review.store import ReviewStore  # noqa: E402

TAKEHOME = Path(sys.executable).with_name("takehome")
KMEANS = ROOT / "tasks" / "kmeans"


def graded_solution(work: Path) -> GradeResult:
    """One real result: the kmeans solution graded in the local sandbox."""
    out = work / "one"
    subprocess.run([str(TAKEHOME), "grade", str(KMEANS / "solution.ipynb"),
                    "--task", str(KMEANS), "--sandbox", "local", "--out", str(out), "--quiet"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with Gradebook.in_folder(out) as book:
        return book.results()[0].result


def build_batch(folder: Path, result: GradeResult, count: int) -> None:
    """``count`` copies of ``result`` with spread scores, and a few reviews."""
    with Gradebook.in_folder(folder) as book:
        for n in range(count):
            factor = 0.3 + 0.7 * ((n * 37) % count) / count
            criteria = tuple(dataclasses.replace(c, points=c.points * factor)
                             for c in result.criteria)
            points = sum(c.points for c in criteria)
            copy = dataclasses.replace(result, notebook=f"submissions/candidate{n:03d}.ipynb",
                                       criteria=criteria, points=points,
                                       percent=100 * points / result.max_points)
            book.put(Stored(copy.notebook, f"key{n}", f"candidate{n:03d}", copy))
    store = ReviewStore(folder / "gradebook.sqlite", "bench")
    for n in range(0, count, 10):
        key = f"submissions/candidate{n:03d}.ipynb"
        store.add_comment(key, "looks fine", criterion=result.criteria[0].result.id)
        store.set_decision(key, ("advance", "hold", "reject")[n // 10 % 3])
    first = result.criteria[-1]
    store.set_override("submissions/candidate000.ipynb", first.result.id, first.max_points,
                       "the write-up is better than its headings suggest", first.points * 0.3,
                       first.max_points)
    store.add_comment("submissions/candidate000.ipynb", "clear, vectorised update step",
                      cell=2, line=5)
    store.close()


def timed(action: Callable[[], object]) -> float:
    """Seconds ``action`` takes."""
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def one_run(folder: Path, shots: Path | None = None) -> dict[str, float]:
    """Start the server, time the first page and the later ones, stop it."""
    started = time.perf_counter()
    process = subprocess.Popen(  # pylint: disable=consider-using-with  # stopped below
        [str(TAKEHOME), "review", str(folder), "--no-browser"], stderr=subprocess.PIPE, text=True)
    assert process.stderr is not None
    url = ""
    while not url:
        line = process.stderr.readline()
        if not line:
            raise SystemExit(f"takehome review stopped: exit {process.wait()}")
        if line.startswith("open "):
            url = line.split()[1]
    figures = {"start": time.perf_counter() - started}
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    base = url.split("?")[0]
    figures["first page"] = timed(lambda: opener.open(url).read())
    figures["start + first page"] = figures["start"] + figures["first page"]
    figures["list"] = timed(lambda: opener.open(base).read())
    page = base + "s/submissions%2Fcandidate007.ipynb"
    figures["submission"] = timed(lambda: opener.open(page).read())
    figures.update(browser_times(url, shots))
    process.terminate()
    process.wait(timeout=60)
    process.stderr.close()
    return figures


def browser_times(url: str, shots: Path | None = None) -> dict[str, float]:
    """Navigation to load event in Debian's Chromium, when it is installed.

    With ``shots``, saves list.png and submission.png there (1280 px wide).
    """
    chromium = shutil.which("chromium")
    if chromium is None:
        return {}
    from playwright.sync_api import sync_playwright  # pylint: disable=import-outside-toplevel

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        first = timed(lambda: page.goto(url, wait_until="load"))
        if shots is not None:
            page.screenshot(path=str(shots / "list.png"))
        target = url.split("?")[0] + "s/submissions%2Fcandidate000.ipynb"
        submission = timed(lambda: page.goto(target, wait_until="load"))
        if shots is not None:
            page.screenshot(path=str(shots / "submission.png"))
            page.locator("#code").scroll_into_view_if_needed()
            page.screenshot(path=str(shots / "submission-code.png"))
        browser.close()
    return {"browser: list": first, "browser: submission": submission}


def main() -> None:
    """Build the batch, run, print medians."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--submissions", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--screenshots", type=Path, metavar="DIR",
                        help="save list.png and submission.png of the last run into DIR")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        folder = work / "batch"
        build_batch(folder, graded_solution(work), args.submissions)
        size = (folder / "gradebook.sqlite").stat().st_size
        runs = [one_run(folder, args.screenshots if n == args.runs - 1 else None)
                for n in range(args.runs)]
    print(f"review app over {args.submissions} submissions (gradebook {size / 1e6:.1f} MB), "
          f"median of {args.runs} runs:")
    for name in runs[0]:
        values = [r[name] for r in runs]
        print(f"  {name:22s} {statistics.median(values) * 1000:8.0f} ms"
              f"   (min {min(values) * 1000:.0f}, max {max(values) * 1000:.0f})")
    first = statistics.median(r["first page"] for r in runs)
    print(f"goal: first page under 1 s: {'met' if first < 1.0 else 'NOT met'} ({first:.2f} s)")


if __name__ == "__main__":
    main()
