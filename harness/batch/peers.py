"""Copy detection between the submissions of a batch, as a batch step.

Each stored result carries the fingerprint of its written, undeclared code
as an artifact, taken when the result is stored.  After grading, the step
compares every fingerprint with every other (:mod:`harness.similarity`),
folds each submission's peer matches into its provenance criterion and keeps
the pairs in the gradebook, where the exports find them (``similarity.csv``
and the index page's side-by-side views).

A folded result keeps the pipeline's own result beside it, so running the
step again (a resumed run, a merge of shards, a regrade of one peer) folds
from that and never charges a copy twice; a submission whose peers no longer
match gets its own result back.  Names in the evidence are report stems,
which are pseudonyms in a blind batch.
"""

from __future__ import annotations

import json
from pathlib import Path

from harness.batch.artifacts import FINGERPRINT
from harness.batch.codec import decode, encode
from harness.batch.gradebook import Gradebook
from harness.batch.steps import BatchStep
from harness.rubric import Rubric
from harness.similarity import PeerPair
from harness.similarity.batch import (
    find_pairs,
    fold_peer_matches,
    pairs_from_json,
    pairs_to_json,
    template_hashes,
)

UNFOLDED = "unfolded_result"
PAIRS_META = "similarity_pairs"


def peer_step(template: Path | None, rubric: Rubric) -> BatchStep:
    """The batch step for a task's template and rubric."""

    def compare_peers(book: Gradebook) -> None:
        rows = book.results()
        prints = {s.report_stem: s.artifacts[FINGERPRINT] for s in rows
                  if isinstance(s.artifacts.get(FINGERPRINT), dict)}
        pairs = find_pairs(prints, template_hashes(template))
        for stored in rows:
            unfolded = stored.artifacts.get(UNFOLDED)
            own = decode(unfolded) if isinstance(unfolded, dict) else stored.result
            folded = fold_peer_matches(own, stored.report_stem, pairs, rubric)
            if folded is not own and unfolded is None:
                book.set_artifact(stored.submission, UNFOLDED, encode(own))
            elif folded is own and unfolded is not None:
                book.set_artifact(stored.submission, UNFOLDED, None)
            if encode(folded) != encode(stored.result):
                book.update_result(stored.submission, folded)
        book.set_meta(PAIRS_META, json.dumps(pairs_to_json(pairs), separators=(",", ":")))

    return compare_peers


def stored_pairs(book: Gradebook) -> list[PeerPair]:
    """The suspicious pairs the last run of the step found."""
    text = book.meta(PAIRS_META)
    return pairs_from_json(json.loads(text)) if text else []
