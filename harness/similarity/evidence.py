"""Matches as evidence a reviewer can check: where, against what, how much."""

from __future__ import annotations

from harness.result import Evidence
from harness.similarity.compare import Match, Region


def describe(region: Region) -> str:
    """``cell 3, lines 5-20`` (cells 0-based, lines 1-based, as every report shows them)."""
    if region.first_line == region.last_line:
        return f"cell {region.cell}, line {region.first_line}"
    return f"cell {region.cell}, lines {region.first_line}-{region.last_line}"


def copy_evidence(label: str, match: Match, *, show_theirs: bool = True) -> list[Evidence]:
    """One evidence item per matched region, pointing at the candidate's lines.

    ``show_theirs`` names where in the other code the region matched; off
    for the task's solution, whose layout is nobody's business in a report.
    """
    items = []
    for pair in match.regions:
        where = f" ({describe(pair.theirs)})" if show_theirs else ""
        items.append(
            Evidence(
                f"undeclared code matches {label}{where}: {describe(pair.mine)}; "
                f"{match.share:.0%} of your code's fingerprints match it",
                cell=pair.mine.cell,
                line=pair.mine.first_line,
                kind="undeclared-copy",
                severity="error",
            )
        )
    return items
