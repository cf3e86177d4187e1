"""The ranked list: sort, filter and search over a batch, with review state.

Pure functions over rows and review records, so the list page, the
next/previous keys of a submission page and the tests share one ordering.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from harness.review.adjust import Adjusted, adjust
from harness.review.batch import Row
from harness.review.store import Decision, Override

SORTS = ("rank", "adjusted", "automatic", "name", "status", "decision", "comments")


@dataclass(frozen=True)
class Query:
    """What the reviewer asked the list for (all from the URL's query string)."""

    sort: str = "rank"
    descending: bool = False
    status: str = ""  # "" for any
    decision: str = ""  # "", "undecided" or a decision
    min_score: float | None = None
    max_score: float | None = None
    search: str = ""

    @classmethod
    def parse(cls, params: Mapping[str, str]) -> Query:
        """Read the query string; anything malformed falls back to its default."""
        sort = params.get("sort", "rank")
        return cls(
            sort=sort if sort in SORTS else "rank",
            descending=params.get("order") == "desc",
            status=params.get("status", "")[:50],
            decision=params.get("decision", "")[:20],
            min_score=_float(params.get("min")),
            max_score=_float(params.get("max")),
            search=params.get("q", "")[:200].strip(),
        )

    def params(self) -> dict[str, str]:
        """The query string that reproduces this query (defaults left out)."""
        out = {"sort": self.sort if self.sort != "rank" else "",
               "order": "desc" if self.descending else "",
               "status": self.status, "decision": self.decision,
               "min": "" if self.min_score is None else f"{self.min_score:g}",
               "max": "" if self.max_score is None else f"{self.max_score:g}",
               "q": self.search}
        return {k: v for k, v in out.items() if v}


def _float(text: str | None) -> float | None:
    try:
        value = float(text) if text else None
    except ValueError:
        return None
    return value if value is None or math.isfinite(value) else None  # NaN is no bound


@dataclass(frozen=True)
class Listed:
    """One row of the list page."""

    rank: int  # by automatic score, as in gradebook.csv
    row: Row
    label: str  # the name, or the alias while the batch is blind
    adjusted: Adjusted
    decision: str
    comments: int


def listed(rows: Sequence[Row], overrides: Mapping[str, Mapping[str, Override]],
           decisions: Mapping[str, Decision], comments: Mapping[str, int],
           show_names: bool) -> list[Listed]:
    """Every row with its rank, label and review state, in rank order."""
    ranked = sorted(rows, key=lambda r: (-r.percent, r.name))
    out = []
    for rank, row in enumerate(ranked, start=1):
        decision = decisions.get(row.key)
        out.append(Listed(
            rank=rank,
            row=row,
            label=row.name if show_names else row.alias,
            adjusted=adjust(row.criteria, overrides.get(row.key, {}), row.percent),
            decision=decision.decision if decision else "",
            comments=comments.get(row.key, 0),
        ))
    return out


def select(items: Sequence[Listed], query: Query) -> list[Listed]:
    """Filter, search and sort ``items`` as ``query`` asks."""
    needle = query.search.casefold()
    kept = [
        item for item in items
        if (not query.status or item.row.status == query.status)
        and (not query.decision or item.decision == query.decision
             or (query.decision == "undecided" and not item.decision))
        and (query.min_score is None or item.adjusted.percent >= query.min_score)
        and (query.max_score is None or item.adjusted.percent <= query.max_score)
        and (not needle or needle in item.label.casefold())
    ]
    keys = {
        "rank": lambda i: (i.rank,),
        "adjusted": lambda i: (-i.adjusted.percent, i.rank),
        "automatic": lambda i: (-i.adjusted.automatic_percent, i.rank),
        "name": lambda i: (i.label.casefold(), i.rank),
        "status": lambda i: (i.row.status, i.rank),
        "decision": lambda i: (i.decision or "~", i.rank),
        "comments": lambda i: (-i.comments, i.rank),
    }
    return sorted(kept, key=keys[query.sort], reverse=query.descending)
