"""K-means as a blog post would show it (a stand-in for code found online).

Kept under bench/validity/known_sources/; the benchmark copies it into a
scratch copy of the kmeans task's known_sources/ folder.
"""
import numpy as np


def lloyd_step(X, centers):
    dists = ((X[:, None, :] - centers[None, :, :]) ** 2).sum(-1)
    groups = dists.argmin(1)
    moved = np.stack([X[groups == j].mean(0) if (groups == j).any() else centers[j]
                      for j in range(len(centers))])
    return moved, groups


def kmeans(X, k, seed=0, max_iter=100):
    X = np.asarray(X, dtype=float)
    if k < 1 or k > len(X):
        raise ValueError("bad k")
    rng = np.random.default_rng(seed)
    uniq = np.unique(X, axis=0)
    base = uniq if len(uniq) >= k else X
    centers = base[rng.choice(len(base), size=k, replace=False)]
    groups = ((X[:, None, :] - centers[None, :, :]) ** 2).sum(-1).argmin(1)
    for _ in range(max_iter):
        centers, new_groups = lloyd_step(X, centers)
        if np.array_equal(new_groups, groups):
            break
        groups = new_groups
    return centers, groups


def inertia(X, centroids, labels):
    return float(((np.asarray(X, float) - centroids[labels]) ** 2).sum())
