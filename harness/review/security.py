"""The review app's guard: who may read, who may write, what a page may run.

The app serves hostile content (candidate markdown, outputs, file names) to a
reviewer's browser, on a port any web page in that browser could reach.  So:

* **Token.**  The URL the CLI opens carries a random token.  The first
  request trades it for an HttpOnly, SameSite=Strict cookie and redirects to
  the same URL without it (the token leaves the address bar and history);
  every later request needs that cookie.  Without it: 403.
* **Host.**  Only the address the server bound to (and ``localhost``) is
  accepted as ``Host``, so a DNS-rebinding page cannot talk to the app as
  if it were same-origin.
* **Writes.**  A write is a POST with a JSON body, a CSRF header that only a
  page of the app can read (it is in a ``<meta>`` tag), and, when the
  browser sends one, an ``Origin`` equal to the app's own.  A cross-origin
  form cannot set the header nor send JSON without a preflight we refuse.
* **Content-Security-Policy.**  Scripts only from the app's own
  ``/static/``, no inline script, no plugins, no frames, images only from
  the app: even a string that slipped through escaping could not run.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

COOKIE_PREFIX = "takehome_review_"
CSRF_HEADER = "x-takehome-csrf"
TOKEN_PARAM = "token"
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "x-frame-options": "DENY",
}


@dataclass(frozen=True)
class Secrets:
    """The two random values of one server run."""

    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))

    @property
    def cookie(self) -> str:
        """This run's cookie name: browsers share cookies across localhost ports,
        so two review servers (two batches) must not overwrite each other's."""
        return COOKIE_PREFIX + hashlib.sha256(self.token.encode()).hexdigest()[:12]


def _same(given: str | None, expected: str) -> bool:
    return given is not None and secrets.compare_digest(given.encode(), expected.encode())


def _without_token(request: Request) -> str:
    query = [(k, v) for k, v in parse_qsl(request.url.query, keep_blank_values=True)
             if k != TOKEN_PARAM]
    return request.url.path + ("?" + urlencode(query) if query else "")


Endpoint = Callable[[Request], Awaitable[Response]]


class Guard:  # pylint: disable=too-few-public-methods  # a middleware is one callable
    """Checks every request before a route sees it, and hardens every answer.

    Used as Starlette HTTP middleware: ``Middleware(BaseHTTPMiddleware,
    dispatch=Guard(...))``.
    """

    def __init__(self, keys: Secrets, hosts: frozenset[str]) -> None:
        self.keys = keys
        self.hosts = hosts  # "host:port" values accepted in the Host header

    async def __call__(self, request: Request, call_next: Endpoint) -> Response:
        response = await self._check(request, call_next)
        for name, value in _HEADERS.items():
            response.headers[name] = value
        return response

    async def _check(self, request: Request, call_next: Endpoint) -> Response:
        host = request.headers.get("host", "")
        if self.hosts and host not in self.hosts:
            return PlainTextResponse("unknown host", status_code=421)
        if _same(request.query_params.get(TOKEN_PARAM), self.keys.token):
            if request.method != "GET":
                return PlainTextResponse("use the cookie, not the token, to write", 403)
            redirect = RedirectResponse(_without_token(request), status_code=303)
            redirect.set_cookie(self.keys.cookie, self.keys.token, httponly=True, samesite="strict",
                                path="/")
            return redirect
        if not _same(request.cookies.get(self.keys.cookie), self.keys.token):
            return PlainTextResponse(
                "open the review app with the link `takehome review` printed "
                "(it carries the access token)", status_code=403)
        if request.method not in ("GET", "HEAD"):
            refusal = self._refuse_write(request, host)
            if refusal:
                return PlainTextResponse(refusal, status_code=403)
        return await call_next(request)

    def _refuse_write(self, request: Request, host: str) -> str:
        origin = request.headers.get("origin")
        if origin is not None and origin != f"http://{host}":
            return "cross-origin write refused"
        if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
            return "cross-site write refused"
        if not _same(request.headers.get(CSRF_HEADER), self.keys.csrf):
            return "missing or wrong CSRF token; reload the page"
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            return "writes are JSON"
        return ""
