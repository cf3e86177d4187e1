"""The review app: an ASGI app over one batch's gradebook.

Datasette's shape (DESIGN.md): the gradebook file is the whole state, pages
are jinja templates over plain queries, writes are small JSON POSTs that are
stored at once.  The app reads results through :class:`~harness.review.batch.Batch`
and writes only the review tables (:class:`~harness.review.store.ReviewStore`);
it never runs candidate code.  Every candidate string reaches a page through
jinja's autoescape; the one exception, rendered markdown, comes from
:mod:`harness.review.markdown`, which allows no raw HTML.
"""

from __future__ import annotations

import json
import math
from importlib import resources
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import jinja2
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from harness.report.html import report_view
from harness.review.adjust import Adjusted, adjust, criterion_points
from harness.review.batch import Batch, Row
from harness.review.listing import SORTS, Query, listed, select
from harness.review.markdown import render_markdown_safely
from harness.review.security import Guard, Secrets
from harness.review.store import DECISIONS, ReviewError, ReviewStore

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("harness.review", "templates"),
    autoescape=True,  # every template, whatever its name
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_ENV.filters["key_url"] = lambda key: quote(str(key), safe="")


def _log_value(value: object) -> str:
    """A logged old/new value as people read it: ``points: 9, reason: ...``."""
    if value is None:
        return ""
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in sorted(value.items()))
    return str(value)


_ENV.filters["log_value"] = _log_value
BODY_CAP = 100_000  # bytes in one write request


@dataclass(frozen=True)
class ReviewApp:
    """What the routes share: the batch, the store and this run's secrets."""

    batch: Batch
    store: ReviewStore
    keys: Secrets
    export: Callable[[], list[Path]] | None = None

    def show_names(self) -> bool:
        """Names show unless the batch is blind and nobody has revealed them.

        A reveal needs the names, which only the batch's reveal file holds.
        """
        if not self.batch.blind:
            return True
        return bool(self.batch.names) and self.store.revealed() is not None

    def listed(self) -> list[Any]:
        """Every submission with its review state, in rank order."""
        return listed(self.batch.rows(), self.store.all_overrides(), self.store.all_decisions(),
                      self.store.comment_counts(), self.show_names())


def _page(template: str, **context: Any) -> HTMLResponse:
    return HTMLResponse(_ENV.get_template(template).render(**context))


def _error(status: int, message: str) -> HTMLResponse:
    return HTMLResponse(_ENV.get_template("error.html.j2").render(message=message),
                        status_code=status)


def _common(app: ReviewApp) -> dict[str, Any]:
    revealed = app.store.revealed()
    return {"task": app.batch.task, "csrf": app.keys.csrf, "reviewer": app.store.reviewer,
            "blind": app.batch.blind, "revealed": revealed,
            "can_reveal": bool(app.batch.names), "can_export": app.export is not None}


async def list_page(request: Request) -> Response:
    """The ranked list with sort, filters and search."""
    app: ReviewApp = request.app.state.review
    items = app.listed()
    query = Query.parse(request.query_params)
    shown = select(items, query)
    suffix = _suffix(query)
    return _page(
        "list.html.j2", **_common(app), items=shown, total=len(items), query=query,
        suffix=suffix, sorts=SORTS, decisions=DECISIONS,
        statuses=sorted({i.row.status for i in items}),
        sort_links={s: "?" + urlencode(_sorted_params(query, s)) for s in SORTS},
    )


def _suffix(query: Query) -> str:
    params = query.params()
    return "?" + urlencode(params) if params else ""


def _sorted_params(query: Query, sort: str) -> dict[str, str]:
    params = query.params()
    params["sort"] = sort
    if query.sort == sort and not query.descending:
        params["order"] = "desc"
    else:
        params.pop("order", None)
    return params


async def submission_page(request: Request) -> Response:
    """One submission: its report with review controls around it."""
    app: ReviewApp = request.app.state.review
    key = request.path_params["key"]
    result = app.batch.result(key)
    if result is None:
        return _error(404, "No submission with this key in the gradebook.")
    query = Query.parse(request.query_params)
    order = [i.row.key for i in select(app.listed(), query)]
    where = order.index(key) if key in order else -1
    row = next(r for r in app.batch.rows() if r.key == key)
    adjusted = adjust(criterion_points(result), app.store.overrides(key), result.percent)
    report = report_view(result)
    if not app.show_names():
        report["notebook"] = row.alias
    comments = app.store.comments(key)
    decision = app.store.decision(key)
    return _page(
        "submission.html.j2", **_common(app), key=key,
        label=row.name if app.show_names() else row.alias,
        report=report, adjusted=adjusted, by_criterion={c.id: c for c in adjusted.criteria},
        criterion_comments=_group(c for c in comments if c.criterion is not None),
        line_comments=_group_lines(c for c in comments if c.cell is not None),
        decision=decision.decision if decision else "", note=decision.note if decision else "",
        decisions=DECISIONS, suffix=_suffix(query), position=where + 1, count=len(order),
        prev_key=order[where - 1] if where > 0 else None,
        next_key=order[where + 1] if 0 <= where < len(order) - 1 else None,
        markdown=[(index, Markup(render_markdown_safely(src)))  # noqa: S704  # markdown-it, raw HTML off
                  for index, src in app.batch.markdown(key)],
        history=app.store.log(key)[-50:],
    )


def _group(comments: Any) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = defaultdict(list)
    for c in comments:
        out[c.criterion].append(c)
    return out


def _group_lines(comments: Any) -> dict[tuple[int, int], list[Any]]:
    out: dict[tuple[int, int], list[Any]] = defaultdict(list)
    for c in comments:
        out[(c.cell, c.line)].append(c)
    return out


async def _json_body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if len(raw) > BODY_CAP:
        raise ReviewError(f"request body over {BODY_CAP} bytes")
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise ReviewError("request body is not JSON") from exc
    if not isinstance(data, dict):
        raise ReviewError("request body must be a JSON object")
    return data


def _int(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ReviewError(f"{what} must be a whole number")
    return value


def _points(value: object) -> float | None:
    if value is None or value == "":
        return None
    try:
        points = float(value)  # type: ignore[arg-type]  # checked by the except
    except (TypeError, ValueError) as exc:
        raise ReviewError("points must be a number") from exc
    if not math.isfinite(points):
        raise ReviewError("points must be a finite number")
    return points


async def write(request: Request) -> Response:
    """Store one review change at once; answer with what is now stored."""
    app: ReviewApp = request.app.state.review
    action, key = request.path_params["action"], request.path_params["key"]
    try:
        data = await _json_body(request)
        result = app.batch.result(key)
        if result is None:
            return JSONResponse({"error": "no such submission"}, status_code=404)
        answer = _apply(app.store, action, key, data, result.criteria)
    except ReviewError as exc:
        return JSONResponse({"error": str(exc)}, status_code=400)
    return JSONResponse({"ok": True, **answer})


def _apply(store: ReviewStore, action: str, key: str, data: dict[str, Any],
           criteria: Any) -> dict[str, Any]:
    known = {c.result.id: c for c in criteria}
    if action == "comment":
        criterion = data.get("criterion")
        if criterion is not None and criterion not in known:
            raise ReviewError(f"no criterion {criterion!r} in this result")
        cell = None if data.get("cell") is None else _int(data["cell"], "cell")
        line = None if data.get("line") is None else _int(data["line"], "line")
        comment = store.add_comment(key, data.get("text"), criterion=criterion, cell=cell,
                                    line=line)
        return {"id": comment.id, "at": comment.at, "reviewer": comment.reviewer}
    if action == "uncomment":
        store.delete_comment(key, _int(data.get("id"), "comment id"))
        return {}
    if action == "override":
        criterion = str(data.get("criterion"))
        if criterion not in known:
            raise ReviewError(f"no criterion {criterion!r} in this result")
        scored = known[criterion]
        store.set_override(key, criterion, _points(data.get("points")), data.get("reason", ""),
                           scored.points, scored.max_points)
        return {}
    if action == "decision":
        return {"decision": store.set_decision(key, data.get("decision", "")).decision}
    if action == "note":
        return {"at": store.set_note(key, data.get("note", "")).at}
    raise ReviewError(f"unknown action {action!r}")


async def reveal(request: Request) -> Response:
    """Reveal names in a blind batch (recorded with who and when)."""
    app: ReviewApp = request.app.state.review
    if not app.batch.names:
        return JSONResponse({"error": "the names are in the batch's reveal file; restart with "
                                      "takehome review DIR --reveal FILE"}, status_code=400)
    if app.store.revealed() is None:
        app.store.reveal()
    return JSONResponse({"ok": True})


async def report_css(request: Request) -> Response:
    """The report's stylesheet, shared so the app looks like the reports."""
    del request  # one file for everyone
    css = resources.files("harness.report").joinpath("templates/report.css").read_text("utf-8")
    return Response(css, media_type="text/css")


async def export(request: Request) -> Response:
    """Write gradebook.csv, index.html and the reviewed reports into the batch folder."""
    app: ReviewApp = request.app.state.review
    if app.export is None:
        return JSONResponse({"error": "this app has no batch folder to write to"}, status_code=400)
    written = app.export()
    return JSONResponse({"ok": True, "written": len(written)})


def create_app(batch: Batch, store: ReviewStore, keys: Secrets,  # pylint: disable=too-many-arguments
               hosts: frozenset[str] = frozenset(),
               export_to: Callable[[], list[Path]] | None = None) -> Starlette:
    """The ASGI app; ``hosts`` are the ``host:port`` values accepted (empty: any).

    ``export_to`` writes the exports (the "Write exports" button).
    """
    static = StaticFiles(packages=[("harness.review", "static")])
    app = Starlette(
        routes=[
            Route("/", list_page),
            Route("/report.css", report_css),
            Route("/s/{key:path}", submission_page),
            Route("/api/reveal", reveal, methods=["POST"]),
            Route("/api/export", export, methods=["POST"]),
            Route("/api/{action}/{key:path}", write, methods=["POST"]),
            Mount("/static", static, name="static"),
        ],
        middleware=[Middleware(BaseHTTPMiddleware, dispatch=Guard(keys, hosts))],
    )
    app.state.review = ReviewApp(batch, store, keys, export_to)
    return app


__all__ = ["create_app", "ReviewApp", "Row", "Adjusted"]
