"""Peer comparison for today's multi-notebook ``grade``: one call after the loop.

Fingerprints each graded notebook, finds suspicious pairs, folds them into
the results (rewriting those reports), and writes ``similarity.csv``.  The
batch layer (a gradebook) does the same with stored fingerprints; this
module is the thin wiring for the in-memory loop.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from harness.errors import NotebookError
from harness.report import write_atomic
from harness.report.similarity import render_similarity_csv
from harness.result import GradeResult
from harness.rubric import Rubric
from harness.criteria.provenance import fingerprint_notebook
from harness.similarity.batch import PeerPair, find_pairs, fold_peer_matches, template_hashes

Rewrite = Callable[[str, GradeResult], object]  # (submission name, folded result)


def compare_batch(
    named: Sequence[tuple[str, Path, GradeResult]],
    template: Path | None,
    rubric: Rubric,
    out_dir: Path,
    rewrite: Rewrite,
) -> tuple[dict[str, GradeResult], list[PeerPair]]:
    """Fold peer matches into every (name, notebook, result) and write ``similarity.csv``.

    Notebooks that could not be read (input errors) have no code and are
    left out.  ``rewrite`` is called for every result that changed, so the
    caller re-renders that submission's reports.
    """
    prints: dict[str, dict[str, object]] = {}
    for name, path, result in named:
        if result.status == "input-error":
            continue
        try:
            prints[name] = fingerprint_notebook(path, template)
        except NotebookError:
            continue
    pairs = find_pairs(prints, template_hashes(template))
    results: dict[str, GradeResult] = {}
    for name, _, result in named:
        folded = fold_peer_matches(result, name, pairs, rubric)
        if folded is not result:
            rewrite(name, folded)
        results[name] = folded
    out_dir.mkdir(parents=True, exist_ok=True)
    write_atomic(out_dir / "similarity.csv", render_similarity_csv(pairs))
    return results, pairs
