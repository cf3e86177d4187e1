"""Copy detection: winnowed token fingerprints, compared per submission and per batch.

Per submission, the provenance criterion compares the candidate's written,
undeclared code with the task's solution and ``known_sources/``.  Per batch,
:func:`find_pairs` compares every submission with every other and
:func:`fold_peer_matches` turns the matches into provenance evidence and points.
"""

from __future__ import annotations

from harness.similarity.batch import (
    PeerPair,
    copy_factor,
    find_pairs,
    fold_peer_matches,
    template_hashes,
)
from harness.similarity.compare import Match, Region, RegionPair
from harness.similarity.compare import compare as compare_fingerprints
from harness.similarity.evidence import copy_evidence, describe
from harness.similarity.fingerprint import Fingerprint, Mark, fingerprint, fingerprint_from_json
from harness.similarity.sources import (
    KNOWN_SOURCES,
    SOLUTION_LABEL,
    Reference,
    fingerprint_submission,
    fingerprint_template,
    task_references,
)
from harness.similarity.tokens import Token, normalised_tokens

__all__ = [
    "KNOWN_SOURCES",
    "SOLUTION_LABEL",
    "Fingerprint",
    "Mark",
    "Match",
    "PeerPair",
    "Reference",
    "Region",
    "RegionPair",
    "Token",
    "compare_fingerprints",
    "copy_evidence",
    "copy_factor",
    "describe",
    "find_pairs",
    "fingerprint",
    "fingerprint_from_json",
    "fingerprint_submission",
    "fingerprint_template",
    "fold_peer_matches",
    "normalised_tokens",
    "task_references",
    "template_hashes",
]
