"""Binarization of continuous unit activations, unit by unit (docs/relay.md, "Binarization").

``kmeans`` (default) is the exact 1-D 2-means optimum of each unit's values, found by
scanning the split points of the sorted values; ``kmeans-sklearn`` solves the same
objective with :class:`sklearn.cluster.KMeans` (the slow reference the exact solver is
tested against); ``median`` splits at the unit's median.

Only NumPy and scikit-learn are needed (no torch).
"""

from __future__ import annotations

from typing import Literal

import numpy as np

__all__ = ["BINARIZATION_METHODS", "BinarizationMethod", "binarize"]

BINARIZATION_METHODS = ("kmeans", "median", "kmeans-sklearn")
"""Accepted ``method`` values of :func:`binarize`."""

BinarizationMethod = Literal["kmeans", "median", "kmeans-sklearn"]

_KMEANS_SEED = 0
_KMEANS_N_INIT = 10


def binarize(activations: np.ndarray, method: str = "kmeans") -> np.ndarray:
    """Binarize continuous activations unit by unit.

    Parameters
    ----------
    activations
        ``(n, N)`` array: ``n`` samples of ``N`` units (a 1-D array is one unit).
    method
        ``"kmeans"`` (default): 2-means clustering of each unit's values; 1 marks
        the cluster with the higher centre. Solved exactly by sorting the values
        and scanning every split point (a 1-D 2-means optimum is always a split
        of the sorted values), so the result is the global optimum of the
        k-means objective, deterministic and fast.
        ``"kmeans-sklearn"``: the same objective solved by
        :class:`sklearn.cluster.KMeans` (``n_init=10, random_state=0``); the
        slow reference that the exact solver is tested against.
        ``"median"``: 1 where the value is above the unit's median.

    Returns
    -------
    numpy.ndarray
        ``int8`` array of 0/1 with the shape of ``activations``. A constant unit
        becomes all 0. Equal values always get the same bit.

    Raises
    ------
    ValueError
        Unknown method, not 1-D/2-D, no samples, or non-finite values.
    """
    if method not in BINARIZATION_METHODS:
        raise ValueError(f"binarization method {method!r} is not one of {', '.join(BINARIZATION_METHODS)}")
    values = np.asarray(activations)
    one_dim = values.ndim == 1
    if one_dim:
        values = values[:, None]
    if values.ndim != 2:
        raise ValueError(f"activations must be (n, N), got shape {values.shape}")
    if values.shape[0] == 0:
        raise ValueError("activations have no samples")
    if not np.issubdtype(values.dtype, np.number) and values.dtype != np.bool_:
        raise ValueError(f"activations must be numeric, got dtype {values.dtype}")
    values = values.astype(np.float64, copy=False)
    if not np.all(np.isfinite(values)):
        raise ValueError("activations contain NaN or infinite values")
    if values.shape[1] == 0:
        bits = np.zeros(values.shape, dtype=np.int8)
    elif method == "kmeans":
        bits = _binarize_kmeans_exact(values)
    elif method == "median":
        bits = (values > np.median(values, axis=0)).astype(np.int8)
    else:
        bits = _binarize_kmeans_sklearn(values)
    return bits[:, 0] if one_dim else bits


def _binarize_kmeans_exact(values: np.ndarray) -> np.ndarray:
    """Exact 1-D 2-means per column by scanning the split points of the sorted values.

    For a split of the ``n`` sorted values into the lowest ``i`` and the rest,
    the within-cluster sum of squares is ``Σx² − S_i²/i − (S − S_i)²/(n − i)``
    with ``S_i`` the sum of the lowest ``i``. On centred data (``S = 0``)
    minimizing it means maximizing ``S_i² · n / (i (n − i))``. Splits between
    equal values are not allowed (equal values share a cluster); ties between
    split points go to the lowest ``i``.
    """
    n, n_units = values.shape
    if n < 2:
        return np.zeros((n, n_units), dtype=np.int8)
    # one row per unit: sorting and scanning contiguous rows is much faster
    centred = np.array(values.T, dtype=np.float64, order="C")
    centred -= centred.mean(axis=1, keepdims=True)
    ordered = np.sort(centred, axis=1)
    prefix = np.cumsum(ordered[:, :-1], axis=1)  # S_i for i = 1..n-1
    i = np.arange(1, n, dtype=np.float64)
    score = prefix * prefix * (n / (i * (n - i)))
    valid = ordered[:, 1:] > ordered[:, :-1]  # a split between i-1 and i is allowed
    score[~valid] = -np.inf
    best = np.argmax(score, axis=1)  # first maximum: lowest split index
    threshold = ordered[np.arange(n_units), best + 1]  # smallest value of the upper cluster
    bits = (centred >= threshold[:, None]) & valid.any(axis=1)[:, None]
    return bits.T.astype(np.int8)


def _binarize_kmeans_sklearn(values: np.ndarray) -> np.ndarray:
    """Reference: scikit-learn KMeans(k=2) per column, 1 = higher centre."""
    from sklearn.cluster import KMeans
    from threadpoolctl import threadpool_limits

    n, n_units = values.shape
    bits = np.zeros((n, n_units), dtype=np.int8)
    # one column at a time is far too small to gain from threads (and oversubscribes CPUs)
    with threadpool_limits(limits=1):
        for unit in range(n_units):
            column = values[:, unit]
            if np.unique(column).size < 2:
                continue  # constant unit: all 0
            model = KMeans(n_clusters=2, n_init=_KMEANS_N_INIT, random_state=_KMEANS_SEED)
            labels = model.fit_predict(column[:, None])
            high = int(np.argmax(model.cluster_centers_[:, 0]))
            bits[:, unit] = labels == high
    return bits
