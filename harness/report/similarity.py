"""The similarity table (``similarity.csv``) and the side-by-side views on the index page.

Rows name both submissions, their shares and every matched region, so a
reviewer can open the two notebooks at the right lines.  Region text comes
from each result's stored source lines; it is candidate-made, so the page
escapes it like every other candidate string (jinja's autoescape).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence

from harness.result import GradeResult
from harness.similarity import PeerPair, Region, describe
from harness.text import clean

MAX_REGION_LINES = 80  # a side-by-side view longer than this is cut with a note


def _regions(pair: PeerPair) -> str:
    return "; ".join(
        f"{describe(p.mine)} ~ {describe(p.theirs)}" for p in pair.first_match.regions
    )


def render_similarity_csv(pairs: Sequence[PeerPair]) -> str:
    """One row per suspicious pair, most shared first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["first", "second", "share", "first_share", "second_share",
                     "shared_fingerprints", "regions"])
    for pair in pairs:
        writer.writerow([
            _safe(pair.first), _safe(pair.second), f"{pair.share:.3f}",
            f"{pair.first_match.share:.3f}", f"{pair.second_match.share:.3f}",
            pair.first_match.shared, _regions(pair),
        ])
    return buffer.getvalue()


def _safe(value: str) -> str:
    value = clean(value, 500)
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def _text(result: GradeResult, region: Region) -> str:
    lines = [
        f"{line.line:>4}  {line.text}"
        for line in result.source
        if line.cell == region.cell and region.first_line <= line.line <= region.last_line
    ]
    if len(lines) > MAX_REGION_LINES:
        lines = [*lines[:MAX_REGION_LINES], f"... {len(lines) - MAX_REGION_LINES} more lines"]
    return "\n".join(lines)


def side_by_side(
    pairs: Sequence[PeerPair], results: Mapping[str, GradeResult]
) -> list[dict[str, object]]:
    """Template data for the index page: each pair with its regions' text on both sides."""
    views: list[dict[str, object]] = []
    for pair in pairs:
        first, second = results.get(pair.first), results.get(pair.second)
        regions = []
        for item in pair.first_match.regions:
            regions.append({
                "left_where": describe(item.mine),
                "right_where": describe(item.theirs),
                "left": _text(first, item.mine) if first else "",
                "right": _text(second, item.theirs) if second else "",
            })
        views.append({
            "first": clean(pair.first, 200),
            "second": clean(pair.second, 200),
            "share": f"{pair.share:.0%}",
            "regions": regions,
        })
    return views
