"""The app in process: list, submission page, writes, blind batches."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from harness.review.server import open_review
from tests.conftest import notebook_json
from tests.report.conftest import make_graded
from tests.review.conftest import REVIEWER, batch_results, logged_in, post, write_batch

ALICE = "/s/submissions%2Falice.ipynb"
ALICE_API = "submissions%2Falice.ipynb"


def _names(page: str) -> list[str]:
    return re.findall(r'<a class="open" href="[^"]*">([^<]*)</a>', page)


def test_the_list_ranks_and_shows_automatic_and_adjusted(review: tuple[TestClient, str]) -> None:
    client, _ = review
    page = client.get("/").text
    assert _names(page) == ["submissions/alice.ipynb",
                            "submissions/&lt;script&gt;alert(1)&lt;/script&gt;.ipynb",
                            "submissions/broken.ipynb"]
    assert "3 of 3 submissions shown" in page


@pytest.mark.parametrize(("query", "expected"), [
    ("?status=input-error", ["broken"]),
    ("?q=ALI", ["alice"]),
    ("?min=30", ["alice", "script"]),
    ("?max=40", ["script", "broken"]),
    ("?sort=name", ["script", "alice", "broken"]),
    ("?sort=rank&order=desc", ["broken", "script", "alice"]),
    ("?min=nonsense", ["alice", "script", "broken"]),
], ids=["status", "search", "min-score", "max-score", "by-name", "reversed", "bad-bound"])
def test_filter_search_and_sort(review: tuple[TestClient, str], query: str, expected: list[str]) -> None:
    client, _ = review
    names = _names(client.get("/" + query).text)
    assert len(names) == len(expected)
    assert all(part in name for part, name in zip(expected, names))


def test_the_submission_page_shows_report_code_lint_and_tests(review: tuple[TestClient, str]) -> None:
    client, _ = review
    page = client.get(ALICE).text
    for expected in ("hidden_tests", "pylint score 8.0 / 10.", "invalid-name",
                     "test_shapes.py::test_labels_shape", "def kmeans(X, k, iters=100):",
                     'data-cell="2" data-line="1"', 'id="next"', "1 of 3"):
        assert expected in page, expected
    assert 'id="prev"' not in page


def test_a_missing_submission_is_a_404(review: tuple[TestClient, str]) -> None:
    client, csrf = review
    assert client.get("/s/nobody.ipynb").status_code == 404
    assert post(client, csrf, "/api/decision/nobody.ipynb", {"decision": "hold"}).status_code == 404  # type: ignore[attr-defined]


def test_every_change_is_on_the_page_after_reload(review: tuple[TestClient, str]) -> None:
    client, csrf = review
    for action, body in [
        ("comment", {"criterion": "report", "text": "thin write-up"}),
        ("comment", {"cell": 2, "line": 3, "text": "nice vectorisation"}),
        ("override", {"criterion": "report", "points": 8, "reason": "the section exists, misnamed"}),
        ("decision", {"decision": "advance"}),
        ("note", {"note": "invite to the onsite"}),
    ]:
        answer = post(client, csrf, f"/api/{action}/{ALICE_API}", body)
        assert answer.status_code == 200, answer.text  # type: ignore[attr-defined]
    page = client.get(ALICE).text
    for expected in ("thin write-up", "nice vectorisation", "the section exists, misnamed",
                     'data-decision="advance" aria-pressed="true"', "invite to the onsite",
                     f"Overridden by <strong>{REVIEWER}</strong>"):
        assert expected in page, expected
    listing = client.get("/?decision=advance").text
    assert _names(listing) == ["submissions/alice.ipynb"]
    automatic, adjusted = re.findall(r'<td class="num[^"]*">(?:<strong>)?([\d.]+)%', listing)[:2]
    assert float(adjusted) - float(automatic) == pytest.approx(100 * (8 - 3.4) / 100, abs=0.11)


def test_a_deleted_comment_leaves_the_page_but_not_the_history(review: tuple[TestClient, str]) -> None:
    client, csrf = review
    answer = post(client, csrf, f"/api/comment/{ALICE_API}", {"criterion": "lint", "text": "oops"})
    comment_id = answer.json()["id"]  # type: ignore[attr-defined]
    assert post(client, csrf, f"/api/uncomment/{ALICE_API}", {"id": comment_id}).status_code == 200  # type: ignore[attr-defined]
    page = client.get(ALICE).text
    assert 'class="pre text">oops' not in page
    assert "uncomment" in page and "text: oops" in page  # the history keeps it


@pytest.mark.parametrize(("action", "body", "message"), [
    ("override", {"criterion": "lint", "points": 99, "reason": "x"}, "outside"),
    ("override", {"criterion": "nope", "points": 1, "reason": "x"}, "no criterion"),
    ("override", {"criterion": "lint", "points": "NaN", "reason": "x"}, "finite"),
    ("comment", {"criterion": "lint", "text": ""}, "empty"),
    ("comment", {"cell": "2", "line": 1, "text": "x"}, "whole number"),
    ("decision", {"decision": "hire"}, "unknown"),
    ("frobnicate", {}, "unknown action"),
], ids=["too-many-points", "unknown-criterion", "nan", "empty-comment", "cell-not-int",
        "bad-decision", "bad-action"])
def test_bad_writes_get_a_clear_400(review: tuple[TestClient, str], action: str,
                                    body: dict[str, object], message: str) -> None:
    client, csrf = review
    answer = post(client, csrf, f"/api/{action}/{ALICE_API}", body)
    assert answer.status_code == 400 and message in answer.json()["error"]  # type: ignore[attr-defined]


def _blind_batch(tmp_path: Path) -> tuple[Path, Path]:
    results = {f"candidate-{n:03d}": r for n, r in enumerate(batch_results().values(), start=1)}
    folder = write_batch(tmp_path / "blind", results)
    reveal = tmp_path / "blind-reveal.json"
    reveal.write_text(json.dumps({"key": "00", "pseudonyms": {
        "candidate-001": {"notebook": "submissions/alice.ipynb", "names": ["alice"]}}}))
    return folder, reveal


def test_a_blind_batch_hides_names_until_a_recorded_reveal(tmp_path: Path) -> None:
    folder, reveal = _blind_batch(tmp_path)
    with open_review(folder, REVIEWER, frozenset({"127.0.0.1:8000"}), reveal) as opened:
        client = logged_in(opened.app, opened.keys.token)
        listing = client.get("/").text
        assert _names(listing) == ["candidate-001", "candidate-002", "candidate-003"]
        page = client.get("/s/candidate-001").text
        assert "alice" not in page and 'id="reveal"' in page
        assert post(client, opened.keys.csrf, "/api/reveal", {}).status_code == 200  # type: ignore[attr-defined]
        listing = client.get("/").text
        assert f"names revealed by {REVIEWER}" in listing
        assert _names(listing)[0] == "submissions/alice.ipynb"
        assert [(e.action, e.reviewer) for e in opened.store.log()] == [("reveal", REVIEWER)]


def test_without_the_reveal_file_names_cannot_be_revealed(tmp_path: Path) -> None:
    folder, _ = _blind_batch(tmp_path)
    with open_review(folder, REVIEWER, frozenset({"127.0.0.1:8000"})) as opened:
        client = logged_in(opened.app, opened.keys.token)
        assert 'id="reveal"' not in client.get("/").text
        answer = post(client, opened.keys.csrf, "/api/reveal", {})
        assert answer.status_code == 400 and "--reveal" in answer.json()["error"]  # type: ignore[attr-defined]
        assert opened.store.revealed() is None
        assert "alice" not in client.get("/s/candidate-001").text


def test_the_write_up_is_read_from_the_notebook_and_rendered_safely(tmp_path: Path) -> None:
    (tmp_path / "subs").mkdir()
    notebook = tmp_path / "subs" / "dana.ipynb"
    notebook.write_text(json.dumps(notebook_json(
        ("markdown", "## Approach\n\nLloyd's algorithm, *vectorised*. <b onclick=x()>bold</b>"),
        "x = 1")))
    result = dataclasses.replace(make_graded(), notebook="subs/dana.ipynb")  # relative, as given
    folder = write_batch(tmp_path / "out", {"subs/dana.ipynb": result})
    with open_review(folder, REVIEWER, frozenset({"127.0.0.1:8000"})) as opened:
        page = logged_in(opened.app, opened.keys.token).get("/s/subs%2Fdana.ipynb").text
    assert "<h2>Approach</h2>" in page and "<em>vectorised</em>" in page
    assert "&lt;b onclick=x()&gt;bold&lt;/b&gt;" in page
