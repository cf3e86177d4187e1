"""Public tests for the k-means task: shipped with the template, run them yourself.

`candidate.NAME(...)` calls the function NAME defined in your notebook. Only plain data
crosses back (numbers, strings, lists, tuples, dicts, numpy arrays), so return numpy
arrays and Python numbers.
"""

from __future__ import annotations

import numpy as np


def _three_groups(n_per_group: int = 20) -> np.ndarray:
    """Three loose groups of 2-D points, the same every run."""
    rng = np.random.default_rng(1234)
    means = np.array([[0.0, 0.0], [5.0, 5.0], [0.0, 6.0]])
    return np.vstack([m + rng.normal(size=(n_per_group, 2)) for m in means])


def test_shapes_and_dtypes(candidate):
    """kmeans returns a (k, d) float array of centroids and an (n,) integer array of labels."""
    points = _three_groups()
    centroids, labels = candidate.kmeans(points, 3, seed=0)
    centroids, labels = np.asarray(centroids), np.asarray(labels)
    assert centroids.shape == (3, 2)
    assert np.issubdtype(centroids.dtype, np.floating)
    assert labels.shape == (points.shape[0],)
    assert np.issubdtype(labels.dtype, np.integer)


def test_labels_in_range(candidate):
    """Every label is one of 0 .. k-1 and no centroid is NaN or infinite."""
    points = _three_groups()
    centroids, labels = candidate.kmeans(points, 4, seed=2)
    labels = np.asarray(labels)
    assert labels.min() >= 0
    assert labels.max() <= 3
    assert np.all(np.isfinite(np.asarray(centroids)))


def test_inertia_small_case(candidate):
    """Inertia of a case worked out by hand: (1 + 1) for the first pair, 0 for the last point."""
    points = np.array([[0.0, 0.0], [2.0, 0.0], [10.0, 10.0]])
    centroids = np.array([[1.0, 0.0], [10.0, 10.0]])
    labels = np.array([0, 0, 1])
    assert candidate.inertia(points, centroids, labels) == 2.0
