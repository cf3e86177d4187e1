"""Independent k-means implementations, written differently on purpose.

Each is the code cell a candidate would put in place of the template's stubs.
They share only what the task forces (the names and signatures of ``kmeans``
and ``inertia``) and the idioms anyone writing numpy reaches for.
"""

from __future__ import annotations

IMPLS: dict[str, str] = {}

IMPLS["loops"] = '''def _nearest(row, centres):
    """Index of the centre closest to one row (first one on ties)."""
    best, best_gap = 0, None
    for index, centre in enumerate(centres):
        gap = float(np.sum((row - centre) ** 2))
        if best_gap is None or gap < best_gap:
            best, best_gap = index, gap
    return best


def kmeans(X, k, seed=0, max_iter=100):
    """Lloyd's algorithm written with plain loops, for readability over speed."""
    data = np.asarray(X, dtype=float)
    if not 1 <= k <= len(data):
        raise ValueError("k must be between 1 and the number of points")
    distinct = np.unique(data, axis=0)
    generator = np.random.default_rng(seed)
    if len(distinct) >= k:
        centres = distinct[generator.choice(len(distinct), size=k, replace=False)]
    else:
        centres = data[generator.choice(len(data), size=k, replace=False)]
    labels = np.array([_nearest(row, centres) for row in data], dtype=int)
    for _ in range(max_iter):
        for index in range(k):
            members = data[labels == index]
            if len(members):
                centres[index] = members.mean(axis=0)
        relabelled = np.array([_nearest(row, centres) for row in data], dtype=int)
        if np.array_equal(relabelled, labels):
            break
        labels = relabelled
    return centres, labels


def inertia(X, centroids, labels):
    """Sum over points of the squared distance to the centre they belong to."""
    total = 0.0
    for row, label in zip(np.asarray(X, dtype=float), labels):
        total += float(np.sum((row - centroids[label]) ** 2))
    return total
'''

IMPLS["class_based"] = '''class LloydClustering:
    """State of one k-means run: the data, the centres and the assignment."""

    def __init__(self, data, k, seed):
        self.data = np.asarray(data, dtype=np.float64)
        if k < 1 or k > self.data.shape[0]:
            raise ValueError(f"cannot make {k} clusters from {self.data.shape[0]} points")
        self.k = k
        self.rng = np.random.default_rng(seed)
        self.centres = self._initial_centres()
        self.assignment = self._assign()

    def _initial_centres(self):
        uniques = np.unique(self.data, axis=0)
        pool = uniques if uniques.shape[0] >= self.k else self.data
        return pool[self.rng.permutation(pool.shape[0])[: self.k]].copy()

    def _assign(self):
        deltas = self.data[:, np.newaxis, :] - self.centres[np.newaxis, :, :]
        return np.einsum("nkd,nkd->nk", deltas, deltas).argmin(axis=1)

    def step(self):
        """Move the centres to their means, then reassign; True if nothing changed."""
        for cluster in range(self.k):
            chosen = self.assignment == cluster
            if chosen.any():
                self.centres[cluster] = self.data[chosen].mean(axis=0)
        fresh = self._assign()
        settled = bool(np.all(fresh == self.assignment))
        self.assignment = fresh
        return settled


def kmeans(X, k, seed=0, max_iter=100):
    """Run LloydClustering until the assignment settles or max_iter steps pass."""
    run = LloydClustering(X, k, seed)
    for _ in range(max_iter):
        if run.step():
            break
    return run.centres, run.assignment.astype(np.int64)


def inertia(X, centroids, labels):
    """Within-cluster sum of squares as a Python float."""
    residual = np.asarray(X, dtype=np.float64) - np.asarray(centroids)[np.asarray(labels)]
    return float(np.einsum("ij,ij->", residual, residual))
'''

IMPLS["expanded_norms"] = '''def pairwise_sq(a, b):
    """|a|^2 - 2 a.b + |b|^2 for all pairs: an (n, k) matrix, no (n, k, d) tensor."""
    sq = (a * a).sum(1)[:, None] - 2.0 * a @ b.T + (b * b).sum(1)[None, :]
    return np.maximum(sq, 0.0)


def kmeans(X, k, seed=0, max_iter=100):
    """K-means whose distance step scales to many points by expanding the norm."""
    X = np.asarray(X, dtype=np.float64)  # pylint: disable=invalid-name
    n = X.shape[0]
    if isinstance(k, bool) or int(k) != k or k <= 0 or k > n:
        raise ValueError("invalid k")
    order = np.random.default_rng(seed).permutation(n)
    picked = []
    for i in order:
        if not any(np.array_equal(X[i], X[j]) for j in picked):
            picked.append(i)
        if len(picked) == k:
            break
    while len(picked) < k:
        picked.append(next(i for i in order if i not in picked))
    mu = X[picked].copy()
    lab = pairwise_sq(X, mu).argmin(1)
    it = 0
    while it < max_iter:
        it += 1
        sizes = np.bincount(lab, minlength=k)
        for dim in range(X.shape[1]):
            sums = np.bincount(lab, weights=X[:, dim], minlength=k)
            mu[sizes > 0, dim] = sums[sizes > 0] / sizes[sizes > 0]
        new_lab = pairwise_sq(X, mu).argmin(1)
        if (new_lab == lab).all():
            break
        lab = new_lab
    return mu, lab


def inertia(X, centroids, labels):  # pylint: disable=invalid-name
    """Squared error of every point against its own centroid, summed."""
    return float(((np.asarray(X, float) - np.asarray(centroids, float)[labels]) ** 2).sum())
'''

IMPLS["one_hot"] = '''def _membership(labels, k):
    """One-hot (n, k) matrix: row i has a 1 in the column of point i's cluster."""
    return np.eye(k)[labels]


def _closest(points, centres):
    return np.linalg.norm(points[:, None, :] - centres[None, :, :], axis=2).argmin(axis=1)


def kmeans(X, k, seed=0, max_iter=100):
    """Lloyd iterations where the mean step is one matrix product with a one-hot matrix."""
    points = np.array(X, dtype=float)
    if k <= 0 or k > len(points):
        raise ValueError(f"k={k} is outside 1..{len(points)}")
    rng = np.random.default_rng(seed)
    _, first_seen = np.unique(points, axis=0, return_index=True)
    candidates = np.sort(first_seen) if len(first_seen) >= k else np.arange(len(points))
    centres = points[rng.choice(candidates, size=k, replace=False)]
    labels = _closest(points, centres)
    for _ in range(max_iter):
        onehot = _membership(labels, k)
        counts = onehot.sum(axis=0)
        means = onehot.T @ points / np.maximum(counts, 1)[:, None]
        centres = np.where(counts[:, None] > 0, means, centres)
        updated = _closest(points, centres)
        if np.array_equal(updated, labels):
            break
        labels = updated
    return centres, labels.astype(int)


def inertia(X, centroids, labels):
    """Sum of squared distances from each point to its assigned centroid."""
    gaps = np.array(X, dtype=float) - np.array(centroids, dtype=float)[labels]
    return float(np.square(gaps).sum())
'''

IMPLS["dict_clusters"] = '''from collections import defaultdict


def group_by_label(points, labels):
    """Map each label to the list of its points, pure-Python style."""
    groups = defaultdict(list)
    for point, label in zip(points, labels):
        groups[int(label)].append(point)
    return groups


def label_points(points, centers):
    """Return, for every point, the position of the nearest center."""
    return np.array([int(np.argmin([np.dot(p - c, p - c) for c in centers])) for p in points])


def kmeans(X, k, seed=0, max_iter=100):
    """Alternate between grouping points and averaging groups until stable."""
    pts = [np.asarray(p, dtype=float) for p in X]
    if not 0 < k <= len(pts):
        raise ValueError("need 1 <= k <= number of points")
    rng = np.random.default_rng(seed)
    seen, centers = set(), []
    for idx in rng.permutation(len(pts)):
        key = tuple(pts[idx])
        if key not in seen:
            seen.add(key)
            centers.append(pts[idx])
        if len(centers) == k:
            break
    for idx in range(len(pts)):
        if len(centers) == k:
            break
        centers.append(pts[idx])
    centers = np.array(centers)
    assigned = label_points(pts, centers)
    for _round in range(max_iter):
        groups = group_by_label(pts, assigned)
        for label, members in groups.items():
            centers[label] = np.mean(members, axis=0)
        again = label_points(pts, centers)
        if list(again) == list(assigned):
            break
        assigned = again
    return centers, assigned.astype(np.int64)


def inertia(X, centroids, labels):
    """Total squared distance between points and the centroid of their group."""
    return float(sum(np.dot(p - centroids[l], p - centroids[l]) for p, l in zip(np.asarray(X, float), labels)))
'''

IMPLS["add_at"] = '''def init_distinct(data, k, rng):
    """k random rows, never two equal ones while enough distinct rows exist."""
    rows = np.unique(data, axis=0)
    if rows.shape[0] < k:
        rows = data
    return rows[np.sort(rng.choice(rows.shape[0], k, replace=False))].astype(float)


def centroid_step(data, assignment, previous):
    """Means per cluster via np.add.at; an empty cluster keeps its old centroid."""
    totals = np.zeros_like(previous)
    np.add.at(totals, assignment, data)
    sizes = np.bincount(assignment, minlength=previous.shape[0]).astype(float)
    out = previous.copy()
    nonempty = sizes > 0
    out[nonempty] = totals[nonempty] / sizes[nonempty][:, None]
    return out


def assignment_step(data, centroids):
    """Nearest centroid of each row."""
    d2 = ((data[:, None] - centroids[None]) ** 2).sum(-1)
    return d2.argmin(-1)


def kmeans(X, k, seed=0, max_iter=100):
    """Standard Lloyd iteration with distinct random initial rows."""
    data = np.asarray(X, dtype=float)
    if k < 1 or k > len(data):
        raise ValueError("k out of range")
    centroids = init_distinct(data, k, np.random.default_rng(seed))
    assignment = assignment_step(data, centroids)
    for _ in range(max_iter):
        centroids = centroid_step(data, assignment, centroids)
        moved = assignment_step(data, centroids)
        if (moved == assignment).all():
            break
        assignment = moved
    return centroids, assignment


def inertia(X, centroids, labels):
    """Within-cluster sum of squares."""
    data = np.asarray(X, dtype=float)
    return float(((data - centroids[labels]) ** 2).sum())
'''

IMPLS["generator"] = '''def lloyd_iterations(data, centres):
    """Yield (centres, labels) after every update, forever; the caller decides when to stop."""
    while True:
        labels = np.argmin(np.sum(np.square(data[:, np.newaxis] - centres), axis=2), axis=1)
        yield centres, labels
        centres = np.array([
            data[labels == j].mean(axis=0) if np.any(labels == j) else centres[j]
            for j in range(len(centres))
        ])


def kmeans(X, k, seed=0, max_iter=100):
    """Drive lloyd_iterations until two consecutive labelings agree."""
    data = np.asarray(X, dtype=np.float64)
    if not isinstance(k, (int, np.integer)) or not 1 <= k <= data.shape[0]:
        raise ValueError("k must be an integer in [1, n]")
    rng = np.random.default_rng(seed)
    unique_rows = np.unique(data, axis=0)
    source = unique_rows if len(unique_rows) >= k else data
    start = source[rng.choice(len(source), size=k, replace=False)]
    previous = None
    for step, (centres, labels) in enumerate(lloyd_iterations(data, start)):
        if previous is not None and np.array_equal(previous, labels) or step > max_iter:
            return centres, labels
        previous = labels


def inertia(X, centroids, labels):
    """How tight the clusters are: summed squared distance to the own centroid."""
    diffs = np.asarray(X, dtype=np.float64) - np.asarray(centroids, dtype=np.float64)[labels]
    return float(np.sum(diffs * diffs))
'''

IMPLS["dataclass_state"] = '''from dataclasses import dataclass


@dataclass
class Fit:
    """Result of one k-means fit, kept together so tests can inspect it."""

    centroids: np.ndarray
    labels: np.ndarray
    rounds: int


def distances_to(points, centroids):
    """Euclidean (not squared) distances; argmin is the same either way."""
    return np.sqrt(((points[:, :, None] - centroids.T[None, :, :]) ** 2).sum(axis=1))


def fit(points, k, seed, max_iter):
    """Fit k-means and report how many rounds it took."""
    rng = np.random.default_rng(seed)
    keep = np.unique(points, axis=0, return_index=True)[1]
    options = keep if keep.size >= k else np.arange(points.shape[0])
    centroids = points[rng.choice(options, k, replace=False)].copy()
    labels = distances_to(points, centroids).argmin(axis=1)
    rounds = 0
    while rounds < max_iter:
        rounds += 1
        for c in range(k):
            if np.count_nonzero(labels == c):
                centroids[c] = points[labels == c].mean(axis=0)
        nxt = distances_to(points, centroids).argmin(axis=1)
        if np.array_equal(nxt, labels):
            break
        labels = nxt
    return Fit(centroids, labels, rounds)


def kmeans(X, k, seed=0, max_iter=100):
    """The task's interface over fit()."""
    points = np.asarray(X, dtype=float)
    if k < 1 or k > points.shape[0]:
        raise ValueError(f"bad k: {k}")
    result = fit(points, k, seed, max_iter)
    return result.centroids, result.labels


def inertia(X, centroids, labels):
    """Sum of squared point-to-centroid distances."""
    return float(np.sum((np.asarray(X, float) - np.asarray(centroids)[labels]) ** 2))
'''

IMPLS["sorted_blocks"] = '''def kmeans(X, k, seed=0, max_iter=100):
    """K-means where each update sorts points by label and averages contiguous blocks."""
    arr = np.asarray(X, dtype=float)
    count = arr.shape[0]
    if k > count or k < 1:
        raise ValueError("k must satisfy 1 <= k <= len(X)")
    gen = np.random.default_rng(seed)
    distinct_idx = np.unique(arr, axis=0, return_index=True)[1]
    pool = distinct_idx if distinct_idx.size >= k else np.arange(count)
    cents = arr[gen.permutation(pool)[:k]]
    assign = np.argmin(((arr[:, None, :] - cents) ** 2).sum(axis=2), axis=1)
    for _ in range(max_iter):
        order = np.argsort(assign, kind="stable")
        bounds = np.searchsorted(assign[order], np.arange(k + 1))
        for cluster in range(k):
            lo, hi = bounds[cluster], bounds[cluster + 1]
            if hi > lo:
                cents[cluster] = arr[order[lo:hi]].mean(axis=0)
        reassigned = np.argmin(((arr[:, None, :] - cents) ** 2).sum(axis=2), axis=1)
        if np.array_equal(reassigned, assign):
            break
        assign = reassigned
    return cents, assign


def inertia(X, centroids, labels):
    """Sum of squared distances of the points to their centroids."""
    return float(np.sum(np.linalg.norm(np.asarray(X, float) - centroids[labels], axis=1) ** 2))
'''

IMPLS["recursive"] = '''def refine(data, centers, labels, budget):
    """One Lloyd round, then recurse until labels stop changing or the budget runs out."""
    if budget == 0:
        return centers, labels
    for j in np.unique(labels):
        centers[j] = data[labels == j].mean(0)
    relabel = np.linalg.norm(data[:, None] - centers[None], axis=-1).argmin(-1)
    if np.array_equal(relabel, labels):
        return centers, labels
    return refine(data, centers, relabel, budget - 1)


def kmeans(X, k, seed=0, max_iter=100):
    """Recursive Lloyd's algorithm (max_iter is small enough for Python's stack)."""
    data = np.asarray(X, float)
    if not 1 <= k <= len(data):
        raise ValueError("k must be in 1..n")
    rows, firsts = np.unique(data, axis=0, return_index=True)
    rng = np.random.default_rng(seed)
    if len(rows) >= k:
        centers = rows[rng.choice(len(rows), k, replace=False)].copy()
    else:
        centers = data[rng.choice(len(data), k, replace=False)].copy()
    del firsts
    labels = np.linalg.norm(data[:, None] - centers[None], axis=-1).argmin(-1)
    return refine(data, centers, labels, min(max_iter, 500))


def inertia(X, centroids, labels):
    """Within-cluster squared error."""
    return float(np.power(np.asarray(X, float) - np.asarray(centroids)[labels], 2).sum())
'''

# Three more, used as the originals that peers copy from in the copy set.
ORIGINALS: dict[str, str] = {}

ORIGINALS["masks"] = '''def start_centres(data, k, seed):
    """Distinct starting rows, in the order the seeded permutation meets them."""
    chosen = []
    for row in data[np.random.default_rng(seed).permutation(len(data))]:
        if not any(np.allclose(row, c) for c in chosen):
            chosen.append(row)
        if len(chosen) == k:
            return np.array(chosen, dtype=float)
    return np.array(chosen + [data[i] for i in range(k - len(chosen))], dtype=float)


def kmeans(X, k, seed=0, max_iter=100):
    """Boolean masks per cluster instead of fancy indexing for the mean step."""
    data = np.asarray(X, dtype=float)
    if k < 1 or k > len(data):
        raise ValueError("k must be between 1 and n")
    centres = start_centres(data, k, seed)
    owner = np.argmin(((data[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2), axis=1)
    for _ in range(max_iter):
        masks = [owner == j for j in range(k)]
        for j, mask in enumerate(masks):
            if mask.sum() > 0:
                centres[j] = data[mask].sum(axis=0) / mask.sum()
        candidate = np.argmin(((data[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2), axis=1)
        if np.all(candidate == owner):
            break
        owner = candidate
    return centres, owner


def inertia(X, centroids, labels):
    """Summed squared distances to own centres."""
    data = np.asarray(X, dtype=float)
    return float(sum(((data[labels == j] - c) ** 2).sum() for j, c in enumerate(centroids)))
'''

ORIGINALS["history"] = '''def assign_all(points, means):
    """Nearest mean for each point, via squared distances."""
    return np.array([np.argmin(((means - p) ** 2).sum(axis=1)) for p in points])


def recompute(points, owners, means):
    """New means; clusters that lost every point keep their previous mean."""
    new = means.copy()
    for j in range(len(means)):
        picked = points[owners == j]
        if picked.size:
            new[j] = picked.mean(axis=0)
    return new


def kmeans(X, k, seed=0, max_iter=100):
    """Lloyd's algorithm that keeps the inertia history, handy for plotting convergence."""
    points = np.asarray(X, dtype=float)
    if not 1 <= k <= points.shape[0]:
        raise ValueError("k has to be in [1, n]")
    rng = np.random.default_rng(seed)
    uniq = np.unique(points, axis=0)
    means = (uniq if len(uniq) >= k else points)[rng.choice(max(len(uniq), k) if len(uniq) >= k else len(points), k, replace=False)].copy()
    owners = assign_all(points, means)
    history = []
    for _ in range(max_iter):
        means = recompute(points, owners, means)
        history.append(inertia(points, means, owners))
        following = assign_all(points, means)
        if (following == owners).all():
            break
        owners = following
    return means, owners


def inertia(X, centroids, labels):
    """Within-cluster sum of squared distances."""
    return float(((np.asarray(X, float) - np.asarray(centroids, float)[labels]) ** 2).sum())
'''

ORIGINALS["argpartition"] = '''def kmeans(X, k, seed=0, max_iter=100):
    """Compact Lloyd's algorithm: squared distances, argmin, per-cluster means."""
    X = np.asarray(X, dtype=np.float64)  # pylint: disable=invalid-name
    if int(k) != k or not 0 < k <= X.shape[0]:
        raise ValueError("k must be a positive integer no larger than the number of points")
    rng = np.random.default_rng(seed)
    rows = np.unique(X, axis=0)
    C = (rows if rows.shape[0] >= k else X)[rng.choice(rows.shape[0] if rows.shape[0] >= k else X.shape[0], size=k, replace=False)]  # pylint: disable=invalid-name
    y = np.argmin(np.square(X[:, None] - C[None]).sum(-1), axis=-1)
    for _ in range(max_iter):
        C = np.stack([X[y == c].mean(0) if np.any(y == c) else C[c] for c in range(k)])  # pylint: disable=invalid-name
        y_next = np.argmin(np.square(X[:, None] - C[None]).sum(-1), axis=-1)
        if np.array_equal(y, y_next):
            break
        y = y_next
    return C, y


def inertia(X, centroids, labels):  # pylint: disable=invalid-name
    """Sum of squared distances of points to their centroid."""
    return float(np.square(np.asarray(X) - np.asarray(centroids)[labels]).sum())
'''
