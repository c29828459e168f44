"""Cluster scores of two-class labelings, vectorized over point clouds and labelings (Fig. 13).

:func:`cluster_scores` returns, for a batch of projections and several concepts at once, the
values of :func:`sklearn.metrics.silhouette_score`, :func:`sklearn.metrics.davies_bouldin_score`
and :func:`sklearn.metrics.calinski_harabasz_score` (``tests/test_latent.py`` checks them against
scikit-learn: Davies–Bouldin and Calinski–Harabasz to 1e-9; silhouette, whose pairwise distances
are summed in float32 cache-sized blocks for speed, to 1e-5). The removal analysis scores
(1 relay + 50 random orders) × 12 removal steps × 3 concepts per network, which is why scikit-learn's
one-cloud-one-labeling functions are not called in a loop (``bench/analyses.py`` times both).

Score directions (:data:`HIGHER_IS_BETTER`): silhouette — higher is better separated (−1..1);
Davies–Bouldin — LOWER is better separated (≥ 0); Calinski–Harabasz — higher is better separated
(≥ 0). See ``docs/method.md`` (latent space).
"""

from __future__ import annotations

import numpy as np

__all__ = ["SCORES", "HIGHER_IS_BETTER", "cluster_scores"]

SCORES = ("silhouette", "davies_bouldin", "calinski_harabasz")
#: Direction of each score: ``True`` when a larger value means better separated clusters.
HIGHER_IS_BETTER = {"silhouette": True, "davies_bouldin": False, "calinski_harabasz": True}

#: Distances computed per block (float32, sized to stay in the CPU cache) and subsets per block.
_BLOCK_ELEMENTS = 2**16
_SUBSETS_PER_BLOCK = 8


def _class_distance_sums(points: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Summed Euclidean distances from every point to weighted points of the same cloud.

    ``points`` ``(B, n, d)``, ``weights`` ``(n, K)`` → ``(B, n, K)`` with
    ``out[b, i, k] = Σ_j ||p_bi − p_bj|| · weights[j, k]``. The distances (the O(n²) part of the
    silhouette score) are computed in float32 square blocks small enough to stay in the CPU
    cache, only for the upper triangle of blocks (the matrix is symmetric: each off-diagonal
    block serves its rows and, transposed, its columns), and are never held as a full matrix.
    One piece on purpose: this loop is the hot kernel of the latent analysis.
    """
    p = np.ascontiguousarray(points, dtype=np.float32)
    w = np.ascontiguousarray(weights, dtype=np.float32)
    n_batch, n, d = p.shape
    out = np.empty((n_batch, n, w.shape[1]), dtype=np.float64)
    for b0 in range(0, n_batch, _SUBSETS_PER_BLOCK):
        pb = p[b0 : b0 + _SUBSETS_PER_BLOCK]
        nb = pb.shape[0]
        size = max(8, int(np.sqrt(_BLOCK_ELEMENTS / nb)))
        acc = np.zeros((nb, n, w.shape[1]), dtype=np.float32)
        for i0 in range(0, n, size):
            qi = pb[:, i0 : i0 + size]
            for j0 in range(i0, n, size):
                qj = pb[:, j0 : j0 + size]
                diff = qi[:, :, None, 0] - qj[:, None, :, 0]
                d2 = diff * diff
                for k in range(1, d):
                    np.subtract(qi[:, :, None, k], qj[:, None, :, k], out=diff)
                    diff *= diff
                    d2 += diff
                np.sqrt(d2, out=d2)
                acc[:, i0 : i0 + size] += d2 @ w[j0 : j0 + size]
                if j0 != i0:
                    acc[:, j0 : j0 + size] += d2.transpose(0, 2, 1) @ w[i0 : i0 + size]
        out[b0 : b0 + nb] = acc
    return out


def _as_batch(points: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray, bool]:
    """``(B, n, d)`` float64 points, ``(n, K)`` float64 0/1 labels, and whether points were unbatched."""
    p = np.asarray(points, dtype=np.float64)
    unbatched = p.ndim == 2
    if unbatched:
        p = p[None]
    if p.ndim != 3:
        raise ValueError(f"points must be (B, n, d) or (n, d), got shape {np.shape(points)}")
    y = np.asarray(labels)
    if y.ndim == 1:
        y = y[:, None]
    if y.shape[0] != p.shape[1]:
        raise ValueError(f"labels have {y.shape[0]} samples, points have {p.shape[1]}")
    return p, y.astype(np.float64), unbatched


def _centroid_scores(p: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Davies–Bouldin and Calinski–Harabasz ``(B, K)`` from class centroids and spreads: O(n)."""
    n = p.shape[1]
    n1 = y.sum(axis=0)  # (K,)
    n0 = n - n1
    mu1 = np.einsum("bnd,nk->bkd", p, y) / np.maximum(n1, 1)[None, :, None]
    mu0 = np.einsum("bnd,nk->bkd", p, 1.0 - y) / np.maximum(n0, 1)[None, :, None]
    mu = p.mean(axis=1)  # (B, d)
    own = np.where(y[None, :, :, None] > 0, mu1[:, None, :, :], mu0[:, None, :, :])  # (B,n,K,d)
    dev = p[:, :, None, :] - own
    sq_own = np.sum(dev * dev, axis=-1)  # (B, n, K)
    dist_own = np.sqrt(sq_own)
    spread1 = np.einsum("bnk,nk->bk", dist_own, y) / np.maximum(n1, 1)
    spread0 = np.einsum("bnk,nk->bk", dist_own, 1.0 - y) / np.maximum(n0, 1)
    centroid_dist = np.sqrt(np.sum((mu1 - mu0) ** 2, axis=-1))  # (B, K)
    with np.errstate(invalid="ignore", divide="ignore"):
        db = (spread0 + spread1) / centroid_dist
    # sklearn's conventions: coincident centroids or zero spreads give 0
    db_zero = (np.maximum(spread0, spread1) <= 1e-8) | (centroid_dist <= 1e-8)
    db = np.where(db_zero, 0.0, db)
    extra = n1 * np.sum((mu1 - mu[:, None, :]) ** 2, axis=-1) + n0 * np.sum(
        (mu0 - mu[:, None, :]) ** 2, axis=-1
    )
    intra = sq_own.sum(axis=1)  # (B, K)
    with np.errstate(invalid="ignore", divide="ignore"):
        ch = np.where(intra == 0.0, 1.0, extra * (n - 2) / intra)
    return db, ch


def _silhouette(p: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Mean silhouette ``(B, K)`` from blocked O(n²) distance sums (singleton class: s = 0)."""
    n = p.shape[1]
    n1 = y.sum(axis=0)
    n0 = n - n1
    sums = _class_distance_sums(p, np.concatenate([y, np.ones((n, 1))], axis=1))
    to1 = sums[:, :, :-1]  # (B, n, K): summed distance to the class-1 points
    to0 = sums[:, :, -1:] - to1
    in1 = y[None] > 0
    own_sum = np.where(in1, to1, to0)
    other_sum = np.where(in1, to0, to1)
    own_n = np.where(in1, n1 - 1, n0 - 1)
    other_n = np.where(in1, n0, n1)
    with np.errstate(invalid="ignore", divide="ignore"):
        a = own_sum / own_n
        b = other_sum / other_n
        s = (b - a) / np.maximum(a, b)
    s = np.nan_to_num(s, nan=0.0, posinf=0.0, neginf=0.0)
    s = np.where(own_n == 0, 0.0, s)  # singleton class: sklearn sets s = 0
    return s.mean(axis=1)


def cluster_scores(points: np.ndarray, labels: np.ndarray) -> dict[str, np.ndarray]:
    """Silhouette, Davies–Bouldin and Calinski–Harabasz scores of two-class labelings.

    Vectorized over a batch of point clouds and over several labelings; each value equals what
    :mod:`sklearn.metrics` returns for that cloud and labeling (its conventions for degenerate
    cases included: a singleton class gives silhouette 0 for its point, coincident centroids or
    zero spreads give Davies–Bouldin 0, zero within-class dispersion gives Calinski–Harabasz 1).

    Parameters
    ----------
    points
        ``(B, n, d)`` (or ``(n, d)``) coordinates, e.g. PCA projections.
    labels
        ``(n, K)`` (or ``(n,)``) 0/1 class labels, one column per labeling (concept).

    Returns
    -------
    dict
        ``"silhouette"``, ``"davies_bouldin"``, ``"calinski_harabasz"`` → ``(B, K)`` float64
        (``(K,)`` for unbatched points). ``NaN`` for a labeling with a single class (the scores
        are undefined).
    """
    p, y, unbatched = _as_batch(points, labels)
    n1 = y.sum(axis=0)
    valid = (n1 > 0) & (p.shape[1] - n1 > 0)
    db, ch = _centroid_scores(p, y)
    out = {"silhouette": _silhouette(p, y), "davies_bouldin": db, "calinski_harabasz": ch}
    for key in out:
        out[key] = np.where(valid[None, :], out[key], np.nan)
        if unbatched:
            out[key] = out[key][0]
    return out
