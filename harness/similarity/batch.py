"""Peer comparison over a whole batch, as a small API the batch layer calls.

A batch stores one JSON fingerprint per submission
(:func:`harness.criteria.provenance.fingerprint_notebook`),
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

from harness.criteria._util import status_for
from harness.result import CriterionResult, Evidence, GradeResult, ScoredCriterion
from harness.rubric import Rubric
from harness.intake import read_notebook
from harness.scoring import score
from harness.similarity.compare import Match, Region, RegionPair, compare
from harness.similarity.evidence import copy_evidence
from harness.similarity.fingerprint import Fingerprint, fingerprint_from_json
from harness.similarity.sources import fingerprint_template

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


def template_hashes(template: str | Path | None) -> frozenset[int]:
    """Hashes of the template's code, which every submission may share."""
    if template is None:
        return frozenset()
    return fingerprint_template(read_notebook(template)).hashes


def copy_factor(copied: int, own: int, penalty: float) -> float:
    """The multiplier undeclared copied lines leave of the provenance score."""
    if own <= 0:
        return 1.0
    return max(0.0, 1.0 - penalty * copied / own)


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
        backward = compare(prints[second], prints[first], ignored)
        pairs.append(PeerPair(first, second, forward, backward))
    return sorted(pairs, key=lambda p: (-p.share, p.first, p.second))


def _code_lines(result: GradeResult) -> frozenset[tuple[int, int]]:
    return frozenset(
        (line.cell, line.line)
        for line in result.source
        if line.candidate_written and line.text.strip() and not line.text.strip().startswith("#")
    )


def _folded(
    original: CriterionResult,
    ratio: float,
    evidence: Sequence[Evidence],
    details: dict[str, object],
    peers: int,
) -> CriterionResult:
    new_score = round(original.score * ratio, 4)
    extra = tuple(evidence)
    return replace(
        original,
        score=new_score,
        status=status_for(new_score),
        summary=original.summary.rstrip(".")
        + f"; code shared with {peers} other submission(s) (see evidence).",
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


def _peer_charge(
    stored_details: Mapping[str, object],
    code: frozenset[tuple[int, int]],
    mine: Sequence[tuple[str, Match]],
) -> tuple[float, dict[str, object]]:
    """How much of the provenance score peer copies leave, and the updated details."""
    details = dict(stored_details)
    stored = details.get("undeclared_copied_lines", [])
    before = {
        (line[0], line[1]) for line in (stored if isinstance(stored, list) else [])
        if isinstance(line, list) and len(line) == 2
    }
    after = before | (frozenset().union(*(match.lines for _, match in mine)) & code)
    own_value, penalty_value = details.get("own_lines"), details.get("copy_penalty")
    own = own_value if isinstance(own_value, int) else len(code)
    penalty = float(penalty_value) if isinstance(penalty_value, (int, float)) else 2.0
    old_factor = copy_factor(len(before), own, penalty)
    ratio = copy_factor(len(after), own, penalty) / old_factor if old_factor > 0 else 1.0
    details["undeclared_copied_lines"] = [list(line) for line in sorted(after)]
    details["peers"] = [
        {"submission": other, "share": round(match.share, 3),
         "lines": [[p.mine.cell, p.mine.first_line, p.mine.last_line] for p in match.regions]}
        for other, match in mine
    ]
    return ratio, details


def fold_peer_matches(
    result: GradeResult, name: str, pairs: Sequence[PeerPair], rubric: Rubric
) -> GradeResult:
    """``result`` with its peer matches as provenance evidence and points, rescored.

    Lines already counted as copied (from the solution or a known source)
    are not counted twice.  A result without a provenance criterion, or
    without peer matches, comes back unchanged.
    """
    mine = [pair.seen_from(name) for pair in pairs if name in (pair.first, pair.second)]
    scored = {s.result.id: s for s in result.criteria}
    if not mine or PROVENANCE not in scored:
        return result
    original = scored[PROVENANCE].result
    ratio, details = _peer_charge(original.details, _code_lines(result), mine)
    evidence = [
        item for other, match in mine for item in copy_evidence(f"submission {other!r}", match)
    ]
    folded = _folded(original, ratio, evidence, details, len(mine))
    criteria, points, max_points, percent = _rescored(rubric, result.criteria, folded)
    # The candidate's view (candidate_score) stays as it was: it is judged as a
    # self-check, which never names other submissions.
    return replace(result, criteria=criteria, points=points, max_points=max_points,
                   percent=percent)


def pairs_to_json(pairs: Sequence[PeerPair]) -> list[dict[str, object]]:
    """Pairs as plain JSON, so a gradebook can keep them for its exports."""
    return [
        {"first": p.first, "second": p.second,
         "first_match": _match_json(p.first_match), "second_match": _match_json(p.second_match)}
        for p in pairs
    ]


def pairs_from_json(data: object) -> list[PeerPair]:
    """The inverse of :func:`pairs_to_json`; anything malformed is dropped.

    The data comes from our own gradebook, but a gradebook is a file anyone
    could edit, so every field is checked rather than trusted.
    """
    pairs = []
    for item in data if isinstance(data, list) else []:
        try:
            pairs.append(PeerPair(str(item["first"]), str(item["second"]),
                                  _match_from(item["first_match"]),
                                  _match_from(item["second_match"])))
        except (KeyError, TypeError, ValueError):
            continue
    return pairs


def _match_json(match: Match) -> dict[str, object]:
    return {
        "regions": [[*_region_json(r.mine), *_region_json(r.theirs), r.marks]
                    for r in match.regions],
        "shared": match.shared, "share": match.share, "other_share": match.other_share,
    }


def _region_json(region: Region) -> list[int]:
    return [region.cell, region.first_line, region.last_line]


def _match_from(data: Mapping[str, object]) -> Match:
    regions = []
    for row in data["regions"]:  # type: ignore[attr-defined]
        mine_cell, mine_first, mine_last, cell, first, last, marks = (int(v) for v in row)
        regions.append(RegionPair(Region(mine_cell, mine_first, mine_last),
                                  Region(cell, first, last), marks))
    return Match(tuple(regions), int(data["shared"]),  # type: ignore[call-overload]
                 float(data["share"]), float(data["other_share"]))  # type: ignore[arg-type]
