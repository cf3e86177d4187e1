"""The gradebook: one row per graded notebook, as CSV and as an index page.

Hiring teams grade a batch and compare candidates; the per-notebook reports
answer "why", the gradebook answers "who, how well".  Rows are ranked by
score, the page links each row to its report and sorts and filters by column
(one inline script, allowed by its hash in the page's CSP; no other script
can run), and everything candidate-made (the notebook path) is escaped or
CSV-quoted.  Spreadsheet formula injection
is defused: a cell that starts with ``= + - @`` gets a leading apostrophe.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import jinja2
from markupsafe import Markup

from harness.report.similarity import side_by_side
from harness.report.review_marks import ReviewMarks
from harness.result import GradeResult
from harness.similarity import PeerPair
from harness.text import clean

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("harness.report", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True)
class Entry:
    """One graded notebook and the name its reports were written under."""

    result: GradeResult
    stem: str  # reports are <stem>.json / <stem>.html next to the gradebook
    review: ReviewMarks | None = None  # a hiring team's adjustments, when reviewed


_REVIEW_COLUMNS = ["adjusted_percent", "adjusted_points", "decision", "overrides", "recheck"]


def _review_cells(review: ReviewMarks | None) -> list[str]:
    """The review columns of one CSV row (empty when nobody reviewed it)."""
    if review is None:
        return ["", "", "", "", ""]
    return [f"{review.percent:.1f}", f"{review.points:.2f}", review.decision,
            _spreadsheet_safe("; ".join(o.text() for o in review.overrides)),
            "yes" if review.stale else ""]


def _ranked(entries: Sequence[Entry]) -> list[Entry]:
    return sorted(entries, key=lambda e: (-e.result.percent, e.result.notebook))


def _criteria_ids(entries: Sequence[Entry]) -> list[str]:
    ids: list[str] = []
    for entry in entries:
        for scored in entry.result.criteria:
            if scored.result.id not in ids:
                ids.append(scored.result.id)
    return ids


def _spreadsheet_safe(value: str) -> str:
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def render_csv(entries: Sequence[Entry]) -> str:
    """Rank, notebook, status, percent, points, then points per criterion.

    Once a batch is reviewed, the adjusted score, decision and overrides
    (with reason and reviewer) follow the automatic columns, which keep
    their meaning.
    """
    ids = _criteria_ids(entries)
    reviewed = any(e.review is not None for e in entries)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["rank", "notebook", "report", "status", "percent", "points", "max_points",
                     *ids, *(_REVIEW_COLUMNS if reviewed else [])])
    for rank, entry in enumerate(_ranked(entries), start=1):
        result = entry.result
        points = {s.result.id: s.points for s in result.criteria}
        writer.writerow([
            rank,
            _spreadsheet_safe(clean(result.notebook, 500)),
            f"{entry.stem}.html",
            result.status,
            f"{result.percent:.1f}",
            f"{result.points:.2f}",
            f"{result.max_points:.2f}",
            *(f"{points[i]:.2f}" if i in points else "" for i in ids),
            *(_review_cells(entry.review) if reviewed else []),
        ])
    return buffer.getvalue()


def render_index(
    entries: Sequence[Entry], task: str, pairs: Sequence[PeerPair] = ()
) -> str:
    """A self-contained page ranking the batch, each row linking its report.

    Suspicious pairs (peer copy detection) follow the ranking, each with the
    matched regions of both notebooks side by side.
    """
    ids = _criteria_ids(entries)
    rows = []
    for rank, entry in enumerate(_ranked(entries), start=1):
        result = entry.result
        scored = {s.result.id: s for s in result.criteria}
        rows.append({
            "rank": rank,
            "notebook": clean(result.notebook, 500),
            # "./" and quoting keep a hostile name ("javascript:...") a relative path.
            "href": "./" + quote(f"{entry.stem}.html"),
            "status": result.status,
            "percent": f"{result.percent:.1f}",
            "bar": max(0.0, min(100.0, result.percent)),
            "cells": [
                {"text": f"{scored[i].points:g} / {scored[i].max_points:g}",
                 "points": f"{scored[i].points:g}"} if i in scored else {"text": "", "points": ""}
                for i in ids
            ],
            "review": _review_view(entry.review),
        })
    results = {entry.stem: entry.result for entry in entries}
    script = _script()
    return _ENV.get_template("gradebook.html.j2").render(
        task=clean(task, 200), criteria=ids, rows=rows, pairs=side_by_side(pairs, results),
        script=Markup(script), script_hash=_csp_hash(script),
        reviewed=any(e.review is not None for e in entries),
    )


def _review_view(review: ReviewMarks | None) -> dict[str, object] | None:
    if review is None:
        return None
    return {"percent": f"{review.percent:.1f}", "decision": clean(review.decision, 20),
            "overrides": [o.text() for o in review.overrides], "stale": review.stale}


def _script() -> str:
    """The sort-and-filter script, inlined so the page stays one self-contained file."""
    source, _, _ = _ENV.loader.get_source(_ENV, "gradebook.js")  # type: ignore[union-attr]
    return source


def _csp_hash(script: str) -> str:
    """The CSP source that allows exactly this inline script and no other."""
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def write_gradebook(
    entries: Sequence[Entry], out_dir: Path, task: str, pairs: Sequence[PeerPair] = ()
) -> list[Path]:
    """Write ``gradebook.csv`` and ``index.html`` (with suspicious ``pairs``) into ``out_dir``."""
    from harness.report import write_atomic

    out_dir.mkdir(parents=True, exist_ok=True)
    csv_path, index_path = out_dir / "gradebook.csv", out_dir / "index.html"
    write_atomic(csv_path, render_csv(entries))
    write_atomic(index_path, render_index(entries, task, pairs))
    return [csv_path, index_path]
