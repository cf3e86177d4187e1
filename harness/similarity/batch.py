"""Peer comparison over a whole batch, as a small API the batch layer calls.

A batch stores one JSON fingerprint per submission (:func:`fingerprint_notebook`),
finds suspicious pairs among all of them (:func:`find_pairs`), and folds each
submission's pairs into its graded result (:func:`fold_peer_matches`): the
provenance criterion gains the evidence and loses points for the copied
lines, then the rubric rescores.  Nothing here runs candidate code or reads a
notebook except to fingerprint it.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from harness.result import CriterionResult, GradeResult, ScoredCriterion
from harness.rubric import Rubric
from harness.scoring import score
from harness.similarity.compare import Match, compare
from harness.similarity.evidence import copy_evidence
from harness.similarity.fingerprint import Fingerprint, fingerprint_from_json
from harness.similarity.sources import fingerprint_submission, fingerprint_template

PROVENANCE = "provenance"
COMMON_SHARE = 0.5  # hashes in more than this share of a batch are everyone's idiom
COMMON_MIN_BATCH = 8  # below this, "most of the batch" is too few to call common


@dataclass(frozen=True)
class PeerPair:
    """Two submissions that share suspicious code, with the regions from each side."""

    first: str
    second: str
    first_match: Match  # first's regions against second
    second_match: Match  # second's regions against first

    @property
    def share(self) -> float:
        """The larger of the two shares: a small copy inside a big notebook still shows."""
        return max(self.first_match.share, self.second_match.share)

    def seen_from(self, name: str) -> tuple[str, Match]:
        """The other submission's name and ``name``'s own regions."""
        if name == self.first:
            return self.second, self.first_match
        return self.first, self.second_match


def fingerprint_notebook(path: str | Path, template: str | Path | None) -> dict[str, object]:
    """The JSON fingerprint of one submission's written, undeclared code.

    Uses the same authorship and the same declared regions the provenance
    criterion uses; an unreadable notebook raises NotebookError (it has no
    code to compare).
    """
    from harness.authorship import build_submission
    from harness.criteria.provenance import tally

    submission = build_submission(path, template)
    return fingerprint_submission(submission, tally(submission).declared).to_json()


def template_hashes(template: str | Path | None) -> frozenset[int]:
    """Hashes of the template's code, which every submission may share."""
    if template is None:
        return frozenset()
    from harness.intake import read_notebook

    return fingerprint_template(read_notebook(template)).hashes


def _common(prints: Mapping[str, Fingerprint]) -> frozenset[int]:
    if len(prints) < COMMON_MIN_BATCH:
        return frozenset()
    counts: Counter[int] = Counter()
    for item in prints.values():
        counts.update(item.hashes)
    limit = COMMON_SHARE * len(prints)
    return frozenset(h for h, n in counts.items() if n > limit)


def find_pairs(
    fingerprints: Mapping[str, Fingerprint | Mapping[str, object]],
    ignore: frozenset[int] = frozenset(),
) -> list[PeerPair]:
    """Every suspicious pair of a batch, most shared first.

    ``fingerprints`` maps a submission's name to its fingerprint (or its
    JSON form); ``ignore`` holds hashes nobody is blamed for (the template's).
    Hashes most of a large batch shares are ignored too, as MOSS does.
    """
    prints = {
        name: item if isinstance(item, Fingerprint) else fingerprint_from_json(item)
        for name, item in fingerprints.items()
    }
    ignored = ignore | _common(prints)
    pairs = []
    for first, second in itertools.combinations(sorted(prints), 2):
        forward = compare(prints[first], prints[second], ignored)
        if not forward.suspicious:
            continue
        pairs.append(PeerPair(first, second, forward, compare(prints[second], prints[first], ignored)))
    return sorted(pairs, key=lambda p: (-p.share, p.first, p.second))


def _code_lines(result: GradeResult) -> frozenset[tuple[int, int]]:
    return frozenset(
        (line.cell, line.line)
        for line in result.source
        if line.candidate_written and line.text.strip() and not line.text.strip().startswith("#")
    )


def _folded(
    original: CriterionResult, ratio: float, evidence: Sequence[object], details: dict[str, object]
) -> CriterionResult:
    from harness.criteria._util import status_for
    from harness.result import Evidence

    new_score = round(original.score * ratio, 4)
    extra = tuple(e for e in evidence if isinstance(e, Evidence))
    return replace(
        original,
        score=new_score,
        status=status_for(new_score),
        summary=original.summary.rstrip(".")
        + f"; code shared with {len(details['peers'])} other submission(s) (see evidence).",  # type: ignore[arg-type]
        evidence=(*original.evidence, *extra),
        details=details,
    )


def _rescored(rubric: Rubric, scored: Sequence[ScoredCriterion], folded: CriterionResult) -> tuple[
    tuple[ScoredCriterion, ...], float, float, float
]:
    # The stored results are already gated; the gate is a product, so
    # rescoring them without it scales the folded score exactly once.
    results = {s.result.id: (folded if s.result.id == PROVENANCE else s.result) for s in scored}
    totals = score(replace(rubric, gate=None), results)
    return totals.criteria, totals.points, totals.max_points, totals.percent


def fold_peer_matches(
    result: GradeResult, name: str, pairs: Sequence[PeerPair], rubric: Rubric
) -> GradeResult:
    """``result`` with its peer matches as provenance evidence and points, rescored.

    Lines already counted as copied (from the solution or a known source)
    are not counted twice.  A result without a provenance criterion, or
    without peer matches, comes back unchanged.
    """
    from harness.criteria.provenance import copy_factor

    mine = [pair.seen_from(name) for pair in pairs if name in (pair.first, pair.second)]
    scored = {s.result.id: s for s in result.criteria}
    if not mine or PROVENANCE not in scored:
        return result
    original = scored[PROVENANCE].result
    details = dict(original.details)
    code = _code_lines(result)
    before = {tuple(line) for line in details.get("undeclared_copied_lines", [])}  # type: ignore[attr-defined]
    peer_lines = frozenset().union(*(match.lines for _, match in mine)) & code
    after = before | peer_lines
    own = int(details.get("own_lines", len(code)))  # type: ignore[call-overload]
    penalty = float(details.get("copy_penalty", 2.0))  # type: ignore[arg-type]
    old_factor, new_factor = copy_factor(len(before), own, penalty), copy_factor(len(after), own, penalty)
    ratio = new_factor / old_factor if old_factor > 0 else 1.0
    details["undeclared_copied_lines"] = [list(line) for line in sorted(after)]
    details["peers"] = [
        {"submission": other, "share": round(match.share, 3),
         "lines": [[p.mine.cell, p.mine.first_line, p.mine.last_line] for p in match.regions]}
        for other, match in mine
    ]
    evidence = [item for other, match in mine for item in copy_evidence(f"submission {other!r}", match)]
    folded = _folded(original, ratio, evidence, details)
    criteria, points, max_points, percent = _rescored(rubric, result.criteria, folded)
    candidate = result.candidate_score
    if candidate is not None:
        visible = {s.result.id: s.result for s in candidate.criteria}
        if PROVENANCE in visible:
            c_folded = _folded(visible[PROVENANCE], ratio, evidence, details)
            c_criteria, c_points, c_max, c_percent = _rescored(rubric, candidate.criteria, c_folded)
            candidate = replace(candidate, criteria=c_criteria, points=c_points,
                                max_points=c_max, percent=c_percent)
    return replace(result, criteria=criteria, points=points, max_points=max_points,
                   percent=percent, candidate_score=candidate)
