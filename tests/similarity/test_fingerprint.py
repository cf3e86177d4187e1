from __future__ import annotations

import json
import re

import pytest

from harness.errors import InputError
from harness.similarity import (
    compare_fingerprints,
    fingerprint,
    fingerprint_from_json,
    fingerprint_submission,
    normalised_tokens,
)
from harness.submission import Submission
from tests.criteria.conftest import build_submission

ORIGINAL = '''def assign(points, centres):
    """Nearest centre of every point."""
    gaps = ((points[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
    return gaps.argmin(axis=1)


def update(points, labels, k):
    # one mean per cluster
    out = []
    for c in range(k):
        members = points[labels == c]
        out.append(members.mean(axis=0) if len(members) else points[c])
    return out


def lloyd(points, k, rounds=50):
    centres = points[:k]
    labels = assign(points, centres)
    for _ in range(rounds):
        centres = update(points, labels, k)
        fresh = assign(points, centres)
        if (fresh == labels).all():
            break
        labels = fresh
    return centres, labels
'''

INDEPENDENT = '''class KMeans:
    def __init__(self, n_clusters, tol=1e-6):
        self.n_clusters = n_clusters
        self.tol = tol

    def fit(self, data):
        rng = np.random.default_rng(1)
        self.centers = data[rng.choice(len(data), self.n_clusters, replace=False)]
        while True:
            dist = np.linalg.norm(data[:, None] - self.centers[None], axis=-1)
            self.labels = np.argmin(dist, axis=1)
            moved = np.array([data[self.labels == j].mean(0) for j in range(self.n_clusters)])
            if np.abs(moved - self.centers).max() < self.tol:
                return self
            self.centers = moved
'''


def _disguise(code: str) -> str:
    """Rename every identifier, reword comments and docstrings, swap function order."""
    for old, new in [("points", "X"), ("centres", "mu"), ("labels", "lab"), ("assign", "nearest"),
                     ("update", "recompute"), ("members", "sel"), ("gaps", "d2"),
                     ("fresh", "new_lab"), ("rounds", "n_iter")]:
        code = re.sub(rf"\b{old}\b", new, code)
    code = code.replace("# one mean per cluster", "# centroid step").replace(
        "Nearest centre of every point.", "Return the index of the closest centroid.")
    parts = code.split("\n\n\n")
    return "\n\n\n".join(reversed(parts))


def _print(code: str) -> Submission:
    return build_submission([("code", code)])


def _fp(code: str):  # type: ignore[no-untyped-def]
    return fingerprint_submission(_print(code))


def test_tokens_drop_names_comments_and_docstrings() -> None:
    tokens = normalised_tokens(
        _print('def f(a):\n    """Doc."""\n    # note\n    return a + 1\n').code,
        lambda cell, line: True,
    )
    assert [t.text for t in tokens] == [
        "def", "V", "(", "V", ")", ":", ";", "{", "return", "V", "+", "N", ";"
    ]
    assert tokens[8].line == 4  # 'return' keeps its place


def test_disguised_copy_matches_almost_entirely() -> None:
    match = compare_fingerprints(_fp(_disguise(ORIGINAL)), _fp(ORIGINAL))
    assert match.suspicious
    assert match.share > 0.8  # k-grams across the reordered boundaries differ
    assert all(pair.mine.cell == 0 for pair in match.regions)


def test_independent_solution_is_not_suspicious() -> None:
    match = compare_fingerprints(_fp(INDEPENDENT), _fp(ORIGINAL))
    assert not match.suspicious


def test_ignored_hashes_never_count() -> None:
    original = _fp(ORIGINAL)
    match = compare_fingerprints(_fp(ORIGINAL), original, ignore=original.hashes)
    assert (match.shared, match.regions, match.suspicious) == (0, (), False)


def test_only_written_undeclared_lines_are_fingerprinted() -> None:
    submission = build_submission([("code", ORIGINAL)], written=set())
    assert fingerprint_submission(submission).marks == ()
    every_line = {(0, n) for n in range(1, ORIGINAL.count("\n") + 1)}
    assert fingerprint_submission(_print(ORIGINAL), declared=every_line).marks == ()


def test_json_round_trip_and_refusal_of_other_settings() -> None:
    original = _fp(ORIGINAL)
    data = json.loads(json.dumps(original.to_json()))
    assert fingerprint_from_json(data) == original
    with pytest.raises(InputError, match="re-grade"):
        fingerprint_from_json({**data, "k": 5})
    with pytest.raises(InputError, match="bad mark"):
        fingerprint_from_json({**data, "marks": [["x", 0, 1, 1]]})


def test_short_code_still_gets_a_fingerprint() -> None:
    tokens = normalised_tokens(_print("x = y + 1\nz = x * 2\n").code, lambda c, l: True)
    assert len(fingerprint(tokens).marks) == 1


def test_code_everyone_writes_alike_is_not_a_copy() -> None:
    # Two different solutions that share the task's signature and the one-line
    # inertia every candidate writes.
    shared = (
        "\n\n\ndef inertia(X, centroids, labels):\n"
        "    return float(((X - centroids[labels]) ** 2).sum())\n"
    )
    first = _fp(ORIGINAL + shared)
    second = _fp(INDEPENDENT + shared)
    assert not compare_fingerprints(first, second).suspicious
    assert not compare_fingerprints(second, first).suspicious
