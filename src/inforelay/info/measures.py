"""Entropy primitives on discrete data and binarization of continuous activations.

Everything here works on *samples*: a variable is an array whose first axis runs
over samples, and probabilities are plug-in estimates (relative frequencies).
Entropies are in bits. A variable may be

- a 1-D array of discrete labels (any integers, booleans or other hashable
  NumPy scalars), or
- a 2-D array ``(n, k)``: ``k`` discrete columns that together form one joint
  variable (e.g. ``k`` binary hidden units).

Joint variables are reduced to one dense integer code per sample (0..m-1, ``m``
the number of distinct rows), so any number of columns works (there is no
63-bit limit on the number of binary units).

Only NumPy and scikit-learn are needed (no torch), so analysis jobs start fast.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np

__all__ = [
    "BINARIZATION_METHODS",
    "binarize",
    "pack_codes",
    "joint_codes",
    "entropy_from_counts",
    "entropy",
    "mutual_information",
    "conditional_mutual_information",
    "co_information",
    "conditional_co_information",
]

BINARIZATION_METHODS = ("kmeans", "median", "kmeans-sklearn")
"""Accepted ``method`` values of :func:`binarize`."""

BinarizationMethod = Literal["kmeans", "median", "kmeans-sklearn"]

_KMEANS_SEED = 0
_KMEANS_N_INIT = 10


# ---------------------------------------------------------------------------
# binarization
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# codes
# ---------------------------------------------------------------------------


def _dense(codes: np.ndarray) -> tuple[np.ndarray, int]:
    """Relabel non-negative integer codes to 0..m-1 keeping their order."""
    if codes.size == 0:
        return codes.astype(np.int64), 0
    top = int(codes.max())
    if codes.min() >= 0 and top < 4 * codes.size + 1024:
        present = np.bincount(codes, minlength=top + 1) > 0
        mapping = np.cumsum(present) - 1
        return mapping[codes], int(mapping[-1]) + 1
    uniq, inverse = np.unique(codes, return_inverse=True)
    return inverse.reshape(-1).astype(np.int64), int(uniq.size)


def pack_codes(bits: np.ndarray) -> np.ndarray:
    """Pack the rows of a binary matrix into dense integer codes.

    Parameters
    ----------
    bits
        ``(n, k)`` array of 0/1 (``k`` may be 0 or more than 62).

    Returns
    -------
    numpy.ndarray
        ``(n,)`` int64 codes ``0..m-1``, ``m`` the number of distinct rows;
        equal rows get equal codes, and codes follow the lexicographic order of
        the rows (column 0 most significant).
    """
    codes, _ = _pack_codes(bits)
    return codes


def _pack_codes(bits: np.ndarray) -> tuple[np.ndarray, int]:
    arr = np.asarray(bits)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise ValueError(f"bits must be (n, k), got shape {arr.shape}")
    n, k = arr.shape
    if arr.size and not np.all((arr == 0) | (arr == 1)):
        raise ValueError("bits must contain only 0 and 1")
    codes = np.zeros(n, dtype=np.int64)
    if n == 0:
        return codes, 0
    if k == 0:
        return codes, 1
    # dense codes stay < n, so `width` more bits fit into int64 after each relabeling
    width = max(1, 62 - int(n).bit_length())
    m = 1
    for start in range(0, k, width):
        chunk = arr[:, start : start + width].astype(np.int64)
        weights = np.left_shift(np.int64(1), np.arange(chunk.shape[1] - 1, -1, -1, dtype=np.int64))
        codes = (codes << np.int64(chunk.shape[1])) | (chunk @ weights)
        codes, m = _dense(codes)
    return codes, m


def _labels(variable: np.ndarray) -> tuple[np.ndarray, int]:
    """Dense labels of one (possibly multi-column) discrete variable."""
    arr = np.asarray(variable)
    if arr.ndim == 1:
        if arr.dtype == np.bool_ or (np.issubdtype(arr.dtype, np.integer) and arr.size and arr.min() >= 0):
            return _dense(arr.astype(np.int64, copy=False))
        uniq, inverse = np.unique(arr, return_inverse=True)
        return inverse.reshape(-1).astype(np.int64), int(uniq.size)
    if arr.ndim == 2:
        codes = np.zeros(arr.shape[0], dtype=np.int64)
        m = 1 if arr.shape[0] else 0
        for column in arr.T:
            labels, size = _labels(column)
            codes, m = _combine(codes, m, labels, size)
        return codes, m
    raise ValueError(f"a variable must be 1-D or 2-D (samples first), got shape {arr.shape}")


def _combine(codes: np.ndarray, m: int, labels: np.ndarray, size: int) -> tuple[np.ndarray, int]:
    """Joint dense code of two dense-coded variables."""
    if m * size < 2**62:
        return _dense(codes * size + labels)
    uniq, inverse = np.unique(np.stack([codes, labels], axis=1), axis=0, return_inverse=True)
    return inverse.reshape(-1).astype(np.int64), int(uniq.shape[0])


def joint_codes(*variables: np.ndarray) -> tuple[np.ndarray, int]:
    """Dense joint code of several discrete variables.

    Parameters
    ----------
    *variables
        1-D ``(n,)`` or 2-D ``(n, k)`` discrete arrays with the same ``n``.

    Returns
    -------
    codes, m
        ``(n,)`` int64 codes in ``0..m-1`` and the number ``m`` of distinct joint values.
    """
    if not variables:
        raise ValueError("joint_codes needs at least one variable")
    n = _n_samples(variables)
    codes = np.zeros(n, dtype=np.int64)
    m = 1 if n else 0
    for variable in variables:
        labels, size = _labels(variable)
        codes, m = _combine(codes, m, labels, size)
    return codes, m


def _n_samples(variables: Sequence[np.ndarray]) -> int:
    lengths = {np.shape(v)[0] if np.ndim(v) else -1 for v in variables}
    if -1 in lengths:
        raise ValueError("variables must be arrays with samples on axis 0")
    if len(lengths) != 1:
        raise ValueError(f"variables have different numbers of samples: {sorted(lengths)}")
    n = lengths.pop()
    if n == 0:
        raise ValueError("variables have no samples")
    return n


# ---------------------------------------------------------------------------
# entropies
# ---------------------------------------------------------------------------


def entropy_from_counts(counts: np.ndarray, *, miller_madow: bool = False) -> float:
    """Plug-in entropy in bits of a histogram.

    ``H = log2(n) − Σ c log2(c) / n`` over the non-zero counts ``c`` (``n = Σ c``).
    With ``miller_madow=True`` the Miller–Madow bias correction
    ``(m − 1) / (2 n ln 2)`` is added, ``m`` the number of non-zero counts.
    """
    c = np.asarray(counts, dtype=np.float64).ravel()
    c = c[c > 0]
    n = c.sum()
    if n <= 0:
        raise ValueError("counts are empty")
    h = float(np.log2(n) - np.dot(c, np.log2(c)) / n)
    if miller_madow:
        h += (c.size - 1) / (2.0 * n * np.log(2.0))
    return max(h, 0.0)


def entropy(*variables: np.ndarray, miller_madow: bool = False) -> float:
    """Joint plug-in entropy ``H(V1, V2, ...)`` in bits of discrete samples.

    Parameters
    ----------
    *variables
        1-D ``(n,)`` or 2-D ``(n, k)`` discrete arrays with the same ``n``.
    miller_madow
        Add the Miller–Madow correction ``(m − 1)/(2 n ln 2)``.
    """
    codes, m = joint_codes(*variables)
    return entropy_from_counts(np.bincount(codes, minlength=m), miller_madow=miller_madow)


def mutual_information(x: np.ndarray, y: np.ndarray, *, miller_madow: bool = False) -> float:
    """``I(X; Y) = H(X) + H(Y) − H(X, Y)`` in bits."""
    h = lambda *v: entropy(*v, miller_madow=miller_madow)  # noqa: E731
    return h(x) + h(y) - h(x, y)


def conditional_mutual_information(
    x: np.ndarray, y: np.ndarray, z: np.ndarray | None, *, miller_madow: bool = False
) -> float:
    """``I(X; Y | Z) = H(X,Z) + H(Y,Z) − H(Z) − H(X,Y,Z)`` in bits (``z=None``: unconditioned)."""
    if z is None:
        return mutual_information(x, y, miller_madow=miller_madow)
    h = lambda *v: entropy(*v, miller_madow=miller_madow)  # noqa: E731
    return h(x, z) + h(y, z) - h(z) - h(x, y, z)


def co_information(x: np.ndarray, y: np.ndarray, z: np.ndarray, *, miller_madow: bool = False) -> float:
    """Co-information ``I(X; Y; Z) = I(X; Y) − I(X; Y | Z)`` in bits.

    Positive for redundancy, negative for synergy (``X XOR Y = Z`` gives −1 bit).
    """
    return conditional_co_information(x, y, z, None, miller_madow=miller_madow)


def conditional_co_information(
    x: np.ndarray,
    y: np.ndarray,
    z: np.ndarray,
    w: np.ndarray | None,
    *,
    miller_madow: bool = False,
) -> float:
    """Conditional co-information ``I(X; Y; Z | W) = I(X; Y | W) − I(X; Y | Z, W)`` in bits.

    Written out, it is the eight-term sum

    ``−H(W) + H(X,W) + H(Y,W) + H(Z,W) − H(X,Y,W) − H(X,Z,W) − H(Y,Z,W) + H(X,Y,Z,W)``

    (``w=None``: the unconditioned co-information). This is the relay
    information ``I_R`` with ``X = X_in``, ``Y = X_out``, ``Z = Y_R`` and ``W = Y_0``.
    """
    h = lambda *v: entropy(*v, miller_madow=miller_madow)  # noqa: E731
    cond: tuple[np.ndarray, ...] = () if w is None else (w,)
    h_w = h(*cond) if cond else 0.0
    return (
        -h_w
        + h(x, *cond)
        + h(y, *cond)
        + h(z, *cond)
        - h(x, y, *cond)
        - h(x, z, *cond)
        - h(y, z, *cond)
        + h(x, y, z, *cond)
    )
