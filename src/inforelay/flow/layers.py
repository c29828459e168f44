"""Question 2: do the hidden units sit at a few layer-like levels along the flow?

Exact 1-D k-means of the units' potentials and the gap statistic (Tibshirani, Walther & Hastie
2001) choose the number of levels. See ``docs/flow.md`` (the five questions).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inforelay.core.seeding import derive_rng

__all__ = ["kmeans_1d", "LayerStructure", "layer_structure"]


def kmeans_1d(values: np.ndarray, n_clusters: int) -> tuple[float, np.ndarray]:
    """Exact 1-D k-means (dynamic programming over the sorted values).

    The one k-cluster 1-D k-means of inforelay. The exact 2-means of
    :func:`inforelay.info.binarize` (which ``analyses.stability.kmeans_split_1d`` wraps) cannot
    stand in for it: the gap statistic needs any ``k`` and the optimal within-cluster sum of
    squares ``W_k``, and scikit-learn's ``KMeans`` (Lloyd iterations from random starts) does not
    guarantee the optimum. For ``k = 2`` both give the same partition (``tests/test_flow.py``).

    Returns
    -------
    within, labels
        Minimal within-cluster sum of squares and cluster labels (0 = lowest cluster) in the
        original order.
    """
    x = np.asarray(values, dtype=np.float64).ravel()
    n = x.size
    if not 1 <= n_clusters <= n:
        raise ValueError(f"n_clusters must lie in 1..{n}, got {n_clusters}")
    order = np.argsort(x, kind="stable")
    xs = x[order]
    s1 = np.concatenate([[0.0], np.cumsum(xs)])
    s2 = np.concatenate([[0.0], np.cumsum(xs**2)])
    i_idx, j_idx = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    length = j_idx - i_idx + 1
    with np.errstate(invalid="ignore", divide="ignore"):
        seg = s2[j_idx + 1] - s2[i_idx] - (s1[j_idx + 1] - s1[i_idx]) ** 2 / length
    cost = np.where(length > 0, np.maximum(seg, 0.0), np.inf)  # cost[i, j]: segment i..j
    best = np.full((n_clusters, n), np.inf)
    start = np.zeros((n_clusters, n), dtype=np.int64)
    best[0] = cost[0]
    for c in range(1, n_clusters):
        # best[c, j] = min_i best[c-1, i-1] + cost[i, j], i >= c
        prev = np.concatenate([[np.inf], best[c - 1][:-1]])  # prev[i] = best[c-1, i-1]
        total = prev[:, None] + cost
        start[c] = np.argmin(total, axis=0)
        best[c] = total[start[c], np.arange(n)]
    labels_sorted = np.empty(n, dtype=np.int64)
    j = n - 1
    for c in range(n_clusters - 1, -1, -1):
        i = start[c, j] if c else 0
        labels_sorted[i : j + 1] = c
        j = i - 1
    labels = np.empty(n, dtype=np.int64)
    labels[order] = labels_sorted
    return float(best[n_clusters - 1, n - 1]), labels


@dataclass
class LayerStructure:
    """Question 2: gap statistic of 1-D k-means on progression values.

    Attributes
    ----------
    n_layers
        The gap statistic's choice ``k̂`` (1: no layer structure).
    gap, gap_sd
        ``Gap(k)`` and ``s_k`` for ``k = 1..len(gap)``.
    labels
        Layer of every value for ``k̂`` (0 = earliest).
    """

    n_layers: int
    gap: np.ndarray
    gap_sd: np.ndarray
    labels: np.ndarray


def layer_structure(
    values: np.ndarray, *, max_layers: int = 4, n_reference: int = 100, seed: int = 0
) -> LayerStructure:
    """Number of layer-like levels among values (gap statistic, Tibshirani, Walther & Hastie 2001).

    ``Gap(k) = E*[log W_k] − log W_k`` with ``W_k`` the within-cluster sum of squares of the exact
    1-D ``k``-means and ``E*`` over ``n_reference`` uniform samples on the values' range
    (``s_k``: the reference standard deviation times ``√(1 + 1/B)``). ``k̂`` is the ``k`` of the
    largest gap if that gap exceeds ``Gap(1)`` by more than its ``s_k``, else 1 (the global-maximum
    rule with a one-standard-error guard; Tibshirani's "first ``k`` with ``Gap(k) ≥ Gap(k+1) −
    s_{k+1}``" stops at 1 for three well separated levels of a dozen units, because two clusters
    of three levels do not beat one). ``k`` runs up to ``min(max_layers, distinct values − 1)``;
    fewer than 3 distinct values give ``k̂ = 1``.
    """
    x = np.asarray(values, dtype=np.float64).ravel()
    n_distinct = np.unique(x).size
    k_max = min(max_layers, n_distinct - 1)
    if k_max < 2:
        return LayerStructure(1, np.zeros(1), np.zeros(1), np.zeros(x.size, dtype=np.int64))
    rng = derive_rng("flow", "gap", seed)
    ks = range(1, k_max + 1)
    log_w = np.log([kmeans_1d(x, k)[0] for k in ks])
    reference = rng.uniform(x.min(), x.max(), size=(n_reference, x.size))
    ref_log_w = np.array([[np.log(max(kmeans_1d(r, k)[0], 1e-300)) for k in ks] for r in reference])
    gap = ref_log_w.mean(axis=0) - log_w
    gap_sd = ref_log_w.std(axis=0) * np.sqrt(1.0 + 1.0 / n_reference)
    best = int(np.argmax(gap))
    n_layers = best + 1 if gap[best] - gap_sd[best] > gap[0] else 1
    labels = kmeans_1d(x, n_layers)[1]
    return LayerStructure(n_layers, gap, gap_sd, labels)
