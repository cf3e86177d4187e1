"""Hidden tests for the k-means task: never shown to candidates.

Each test calls the candidate's functions through the `candidate` proxy and checks a
property of a correct Lloyd's algorithm rather than one exact answer, so any correct
implementation passes whatever initialisation it uses (within the spec: k distinct data
points drawn with np.random.default_rng(seed)).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest


def _blobs(
    centers: list[list[float]], n_per_blob: int, scale: float, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian blobs around `centers`, shuffled, with the blob index of every point."""
    rng = np.random.default_rng(seed)
    means = np.asarray(centers, dtype=np.float64)
    points = np.vstack([m + rng.normal(scale=scale, size=(n_per_blob, means.shape[1]))
                        for m in means])
    truth = np.repeat(np.arange(len(means)), n_per_blob)
    order = rng.permutation(len(points))
    return points[order], truth[order]


def _fit(candidate, points: np.ndarray, k: int, **kwargs) -> tuple[np.ndarray, np.ndarray]:
    """Call candidate.kmeans and check the result has the promised shapes and types."""
    result = candidate.kmeans(points, k, **kwargs)
    assert isinstance(result, (tuple, list)) and len(result) == 2
    centroids, labels = result
    assert isinstance(centroids, np.ndarray) and isinstance(labels, np.ndarray)
    assert centroids.shape == (k, points.shape[1])
    assert np.issubdtype(centroids.dtype, np.floating)
    assert labels.shape == (points.shape[0],)
    assert np.issubdtype(labels.dtype, np.integer)
    assert labels.min() >= 0 and labels.max() < k
    assert np.all(np.isfinite(centroids))
    return centroids, labels


def _sq_dists(points: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    """Reference squared distances, (n, k), in float64."""
    diff = points.astype(np.float64)[:, None, :] - centroids.astype(np.float64)[None, :, :]
    return np.sum(diff**2, axis=-1)


def _reference_inertia(points: np.ndarray, centroids: np.ndarray, labels: np.ndarray) -> float:
    """Within-cluster sum of squares computed independently of the candidate."""
    diff = points.astype(np.float64) - centroids.astype(np.float64)[labels]
    return float(np.sum(diff**2))


def _assert_nearest(points: np.ndarray, centroids: np.ndarray, labels: np.ndarray) -> None:
    """Every point's label is (one of) its nearest returned centroid(s)."""
    dists = _sq_dists(points, centroids)
    own = dists[np.arange(len(points)), labels]
    slack = 1e-6 * (1.0 + dists.min(axis=1))
    assert np.all(own <= dists.min(axis=1) + slack)


def _same_partition(labels: np.ndarray, truth: np.ndarray) -> bool:
    """True when the two labellings group the points identically (up to renaming)."""
    pairs = set(zip(labels.tolist(), truth.tolist()))
    return len(pairs) == len(set(labels.tolist())) == len(set(truth.tolist()))


def test_same_seed_gives_same_result(candidate):
    """Two calls with the same seed return identical centroids and labels."""
    points, _ = _blobs([[0, 0], [4, 4], [0, 5]], 30, 1.5, seed=11)
    first = _fit(candidate, points, 3, seed=5)
    second = _fit(candidate, points, 3, seed=5)
    assert np.array_equal(first[0], second[0])
    assert np.array_equal(first[1], second[1])


@pytest.mark.parametrize("seed", [0, 1, 7, 123], ids=lambda s: f"seed-{s}")
def test_any_seed_gives_valid_clustering(candidate, seed):
    """Whatever the seed, the result is a valid converged clustering."""
    points, _ = _blobs([[0, 0], [4, 4], [0, 5], [5, 0]], 25, 1.2, seed=12)
    centroids, labels = _fit(candidate, points, 4, seed=seed)
    _assert_nearest(points, centroids, labels)


@pytest.mark.parametrize("seed", [0, 3, 42], ids=lambda s: f"seed-{s}")
def test_separated_blobs_recovered(candidate, seed):
    """Two far-apart blobs are split exactly along the blobs, up to label renaming."""
    points, truth = _blobs([[0, 0, 0], [30, -20, 10]], 40, 1.0, seed=13)
    _, labels = _fit(candidate, points, 2, seed=seed)
    assert _same_partition(labels, truth)


def test_points_labelled_with_nearest_centroid(candidate):
    """Each point carries the index of its nearest returned centroid (overlapping data)."""
    points = np.random.default_rng(14).uniform(-3, 3, size=(150, 3))
    centroids, labels = _fit(candidate, points, 5, seed=2)
    _assert_nearest(points, centroids, labels)


def test_centroids_are_cluster_means(candidate):
    """At convergence each non-empty cluster's centroid is the mean of its points."""
    points, _ = _blobs([[0, 0], [6, 1], [2, 6]], 40, 1.0, seed=15)
    centroids, labels = _fit(candidate, points, 3, seed=4)
    for cluster in range(3):
        members = points[labels == cluster]
        if len(members):
            assert np.allclose(centroids[cluster], members.mean(axis=0), atol=1e-8)


def test_inertia_matches_reference(candidate):
    """inertia equals a numpy reference on random points, centroids and labels."""
    rng = np.random.default_rng(16)
    points = rng.normal(size=(80, 4))
    centroids = rng.normal(size=(6, 4))
    labels = rng.integers(0, 6, size=80)
    value = candidate.inertia(points, centroids, labels)
    assert value == pytest.approx(_reference_inertia(points, centroids, labels), rel=1e-9)


def test_inertia_returns_python_float(candidate):
    """inertia returns a real float (not an int, bool, array or opaque object)."""
    points = np.array([[1.0, 2.0], [3.0, 5.0], [0.5, 0.5]])
    centroids = np.array([[2.0, 3.0], [0.0, 0.0]])
    value = candidate.inertia(points, centroids, np.array([0, 0, 1]))
    assert isinstance(value, float) and not isinstance(value, bool)
    assert value == pytest.approx(1.0 + 1.0 + 1.0 + 4.0 + 0.5)


def test_kmeans_beats_a_worse_clustering(candidate):
    """The fitted clustering has no more inertia than a random relabelling of the points."""
    points, _ = _blobs([[0, 0], [5, 5], [0, 6]], 30, 1.0, seed=17)
    centroids, labels = _fit(candidate, points, 3, seed=1)
    worse_labels = np.random.default_rng(18).permutation(labels)
    worse_centroids = np.array([points[worse_labels == c].mean(axis=0) for c in range(3)])
    fitted = candidate.inertia(points, centroids, labels)
    worse = candidate.inertia(points, worse_centroids, worse_labels)
    assert fitted <= worse
    assert fitted == pytest.approx(_reference_inertia(points, centroids, labels), rel=1e-9)


def test_more_iterations_never_increase_inertia(candidate):
    """With one seed, more Lloyd iterations never raise the inertia, and labels stay
    nearest-centroid labels even when max_iter stops the loop early."""
    points = np.random.default_rng(19).normal(size=(120, 2))
    values = []
    for max_iter in (1, 2, 5, 100):
        centroids, labels = _fit(candidate, points, 6, seed=3, max_iter=max_iter)
        _assert_nearest(points, centroids, labels)
        values.append(_reference_inertia(points, centroids, labels))
    for before, after in itertools.pairwise(values):
        assert after <= before + 1e-9


def test_k_one_gives_the_mean(candidate):
    """k=1 puts every point in cluster 0 with the centroid at the data mean."""
    points = np.random.default_rng(20).normal(loc=3.0, size=(40, 3))
    centroids, labels = _fit(candidate, points, 1, seed=0)
    assert np.all(labels == 0)
    assert np.allclose(centroids[0], points.mean(axis=0))


def test_duplicate_points(candidate):
    """Three values each repeated many times give three clusters with zero inertia."""
    distinct = np.array([[2.0, -1.0], [-3.0, 4.0], [7.0, 7.0]])
    points = np.repeat(distinct, 12, axis=0)
    for seed in range(6):
        centroids, labels = _fit(candidate, points, 3, seed=seed)
        assert _reference_inertia(points, centroids, labels) == pytest.approx(0.0, abs=1e-12)
        assert sorted(np.bincount(labels, minlength=3).tolist()) == [12, 12, 12]


def test_k_equals_n(candidate):
    """With k equal to the number of points, every point is its own cluster."""
    points = np.random.default_rng(21).normal(size=(7, 2))
    centroids, labels = _fit(candidate, points, 7, seed=0)
    assert sorted(labels.tolist()) == list(range(7))
    assert np.allclose(centroids[labels], points)


def test_float32_input(candidate):
    """float32 input works and gives a valid clustering of the same points."""
    points, truth = _blobs([[0, 0], [20, 20]], 30, 1.0, seed=22)
    points32 = points.astype(np.float32)
    centroids, labels = _fit(candidate, points32, 2, seed=0)
    _assert_nearest(points32, centroids, labels)
    assert _same_partition(labels, truth)


def test_invalid_k_rejected(candidate):
    """k = 0 and k > n are refused with an error, while a valid k works."""
    points = np.random.default_rng(23).normal(size=(5, 2))
    _fit(candidate, points, 2, seed=0)
    with pytest.raises(Exception):
        candidate.kmeans(points, 0)
    with pytest.raises(Exception):
        candidate.kmeans(points, 6)
