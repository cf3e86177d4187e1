"""The guard: token, host, CSRF, content type, headers, escaping."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from harness.review.security import CSP
from harness.review.server import allowed_hosts, open_review
from tests.report.conftest import HOSTILE
from tests.review.conftest import REVIEWER, logged_in, post

HOSTS = frozenset({"127.0.0.1:8000"})


@pytest.fixture
def opened(batch_dir: Path):  # type: ignore[no-untyped-def]
    with open_review(batch_dir, REVIEWER, HOSTS) as review:
        yield review


def test_without_the_token_nothing_is_served(opened) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(opened.app, base_url="http://127.0.0.1:8000")
    for path in ("/", "/s/submissions%2Falice.ipynb", "/static/review.js", "/?token=wrong"):
        answer = client.get(path)
        assert answer.status_code == 403, path
        assert "alice" not in answer.text


def test_the_token_becomes_a_strict_cookie_and_leaves_the_url(opened) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(opened.app, base_url="http://127.0.0.1:8000")
    answer = client.get(f"/?sort=name&token={opened.keys.token}", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/?sort=name"
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    assert client.get("/").status_code == 200


def test_a_foreign_host_header_is_refused(opened) -> None:  # type: ignore[no-untyped-def]
    """DNS rebinding: evil.example resolving to 127.0.0.1 is still not our origin."""
    client = logged_in(opened.app, opened.keys.token)
    assert client.get("/", headers={"host": "evil.example:8000"}).status_code == 421


def test_every_answer_carries_a_strict_csp(opened) -> None:  # type: ignore[no-untyped-def]
    client = logged_in(opened.app, opened.keys.token)
    for path in ("/", "/s/submissions%2Falice.ipynb", "/static/review.js", "/nowhere"):
        headers = client.get(path).headers
        assert headers["content-security-policy"] == CSP
        assert "'unsafe-inline'" not in CSP and "script-src 'self'" in CSP
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"


@pytest.mark.parametrize(("headers", "body", "reason"), [
    ({}, {"decision": "advance"}, "CSRF"),
    ({"X-Takehome-CSRF": "guess"}, {"decision": "advance"}, "CSRF"),
    ({"Origin": "http://evil.example"}, {"decision": "advance"}, "cross-origin"),
    ({"Sec-Fetch-Site": "cross-site"}, {"decision": "advance"}, "cross-site"),
    ({"Content-Type": "application/x-www-form-urlencoded"}, "decision=advance", "JSON"),
], ids=["no-token", "wrong-token", "foreign-origin", "cross-site-fetch", "form-post"])
def test_forged_writes_are_refused_and_store_nothing(opened, headers: dict[str, str],  # type: ignore[no-untyped-def]
                                                      body: object, reason: str) -> None:
    client = logged_in(opened.app, opened.keys.token)
    sent = {"X-Takehome-CSRF": opened.keys.csrf, "Origin": "http://127.0.0.1:8000", **headers}
    if headers.get("X-Takehome-CSRF") is None and reason == "CSRF" and not headers:
        del sent["X-Takehome-CSRF"]
    if isinstance(body, str):
        answer = client.post("/api/decision/submissions%2Falice.ipynb", content=body, headers=sent)
    else:
        answer = client.post("/api/decision/submissions%2Falice.ipynb", json=body, headers=sent)
    assert answer.status_code == 403 and reason in answer.text
    assert opened.store.decision("submissions/alice.ipynb") is None


def test_the_token_alone_cannot_write(opened) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(opened.app, base_url="http://127.0.0.1:8000")
    answer = client.post(f"/api/decision/x?token={opened.keys.token}", json={"decision": "hold"},
                         headers={"X-Takehome-CSRF": opened.keys.csrf})
    assert answer.status_code == 403


def test_a_proper_write_is_accepted(opened) -> None:  # type: ignore[no-untyped-def]
    client = logged_in(opened.app, opened.keys.token)
    answer = post(client, opened.keys.csrf, "/api/decision/submissions%2Falice.ipynb",
                  {"decision": "advance"})
    assert answer.status_code == 200  # type: ignore[attr-defined]
    decision = opened.store.decision("submissions/alice.ipynb")
    assert decision is not None and decision.decision == "advance"


def test_candidate_strings_reach_pages_escaped(opened) -> None:  # type: ignore[no-untyped-def]
    client = logged_in(opened.app, opened.keys.token)
    key = f"submissions/{HOSTILE}.ipynb"
    post(client, opened.keys.csrf, "/api/comment/" + key.replace("/", "%2F"),
         {"criterion": "lint", "text": HOSTILE})
    pages = [client.get("/").text,
             client.get("/s/" + key.replace("/", "%2F").replace("<", "%3C").replace(">", "%3E")).text]
    for page in pages:
        assert HOSTILE not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_loopback_hosts_only_when_bound_to_loopback() -> None:
    assert allowed_hosts("127.0.0.1", 8123) == {"127.0.0.1:8123", "localhost:8123"}
    assert allowed_hosts("0.0.0.0", 8123) == frozenset()


def test_two_servers_on_one_machine_keep_their_own_cookies(batch_dir: Path) -> None:
    """Cookies ignore ports: a second review server must not log the first one out."""
    with open_review(batch_dir, REVIEWER, HOSTS) as first, \
            open_review(batch_dir, REVIEWER, HOSTS) as second:
        assert first.keys.cookie != second.keys.cookie
        client = logged_in(first.app, first.keys.token)
        client.cookies.set(second.keys.cookie, second.keys.token)
        assert client.get("/").status_code == 200
