"""Estimators of entropy and mutual information of continuous neuron activity (bits).

``"binned"``
    Equal-frequency bins per neuron and lag view (``bins`` quantile edges; tied values share a
    bin, so a constant neuron has one bin and zero entropy), plug-in MI. The joint histograms of
    all pairs come from one one-hot matrix product.
``"ksg"``
    Kraskov–Stögbauer–Grassberger algorithm 1 (max-norm, ``k`` neighbours): each variable is
    standardized and given a seeded jitter of ``1e-10`` (KSG needs distinct values; exact ties
    such as the zero inputs of delay steps would otherwise give zero distances), the ``k``-th
    neighbour distance comes from one :class:`scipy.spatial.cKDTree` per pair and the marginal
    counts from sorted columns (vectorized ``searchsorted``). Converted from nats to bits.

Entropies: :func:`binned_entropy` of equal-width codes on the neuron's observed range
(equal-frequency bins would give ``log2(bins)`` for every neuron); :func:`kl_entropy`, the
Kozachenko–Leonenko k-NN differential entropy (``nan`` for a constant neuron). See
``docs/flow.md`` (estimators).
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree
from scipy.special import digamma

__all__ = [
    "LN2",
    "equal_frequency_codes",
    "equal_width_codes",
    "plugin_entropy",
    "binned_entropy",
    "one_hot",
    "binned_mutual_information",
    "prepare_continuous",
    "ksg_prepared",
    "ksg_mutual_information",
    "kl_entropy",
]

LN2 = float(np.log(2.0))
_JITTER = 1e-10


def equal_frequency_codes(x: np.ndarray, bins: int) -> np.ndarray:
    """Equal-frequency bin codes per column.

    Edges are the column's ``1/bins … (bins−1)/bins`` quantiles (duplicates dropped); a value
    gets the number of edges below or at it, so equal values share a bin and a constant column
    has one bin. Returns ``int64`` codes in ``0..bins−1`` with the shape of ``x``.
    """
    arr = np.asarray(x, dtype=np.float64)
    one_dim = arr.ndim == 1
    if one_dim:
        arr = arr[:, None]
    quantiles = np.quantile(arr, np.arange(1, bins) / bins, axis=0)  # (bins-1, K)
    codes = np.empty(arr.shape, dtype=np.int64)
    for j in range(arr.shape[1]):
        codes[:, j] = np.searchsorted(np.unique(quantiles[:, j]), arr[:, j], side="right")
    return codes[:, 0] if one_dim else codes


def equal_width_codes(x: np.ndarray, bins: int) -> np.ndarray:
    """Equal-width bin codes per column on the column's observed range ``[min, max]``.

    A constant column gets code 0 everywhere. Returns ``int64`` codes in ``0..bins−1``.
    """
    arr = np.asarray(x, dtype=np.float64)
    low, high = arr.min(axis=0), arr.max(axis=0)
    span = np.where(high > low, high - low, 1.0)
    return np.clip(np.floor((arr - low) / span * bins), 0, bins - 1).astype(np.int64)


def plugin_entropy(counts: np.ndarray, axis: int | tuple[int, ...]) -> np.ndarray:
    """Plug-in entropy (bits) of histograms along ``axis`` (batched)."""
    counts = np.asarray(counts, dtype=np.float64)
    total = counts.sum(axis=axis, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = counts / total
        terms = np.where(counts > 0, p * np.log2(p), 0.0)
    return -terms.sum(axis=axis)


def binned_entropy(codes: np.ndarray, bins: int) -> np.ndarray:
    """Plug-in entropy in bits of each column of integer codes ``(M, K)`` in ``0..bins−1``."""
    codes = np.asarray(codes)
    counts = np.stack([np.bincount(codes[:, j], minlength=bins) for j in range(codes.shape[1])])
    return plugin_entropy(counts, axis=1)


def one_hot(codes: np.ndarray, bins: int) -> np.ndarray:
    """``(M, K·bins)`` float32 one-hot rows: column ``j·bins + c`` is 1 where column ``j`` has code ``c``."""
    m, k = codes.shape
    out = np.zeros((m, k * bins), dtype=np.float32)
    out[np.arange(m)[:, None], np.arange(k)[None, :] * bins + codes] = 1.0
    return out


def binned_mutual_information(codes_a: np.ndarray, codes_b: np.ndarray, bins: int) -> np.ndarray:
    """Plug-in MI in bits between every column of ``codes_a`` and every column of ``codes_b``.

    Parameters
    ----------
    codes_a, codes_b
        ``(M, K)`` integer codes in ``0..bins−1`` (same samples, row by row).

    Returns
    -------
    numpy.ndarray
        ``(K, K)`` with ``out[a, b] = I(codes_a[:, a]; codes_b[:, b])``.
    """
    a, b = np.asarray(codes_a), np.asarray(codes_b)
    k = a.shape[1]
    hot_a, hot_b = one_hot(a, bins), one_hot(b, bins)
    joint = (hot_a.T @ hot_b).reshape(k, bins, k, bins).transpose(0, 2, 1, 3)  # (K, K, B, B)
    h_a = plugin_entropy(hot_a.sum(axis=0).reshape(k, bins), axis=1)
    h_b = plugin_entropy(hot_b.sum(axis=0).reshape(k, bins), axis=1)
    return h_a[:, None] + h_b[None, :] - plugin_entropy(joint, axis=(2, 3))


def _as_generator(rng: np.random.Generator | int) -> np.random.Generator:
    return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)


def prepare_continuous(x: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Standardized, jittered columns (and a flag per constant column) for the k-NN estimators."""
    arr = np.asarray(x, dtype=np.float64)
    sd = arr.std(axis=0)
    constant = sd <= 1e-12 * np.maximum(1.0, np.abs(arr).max(axis=0))
    scaled = (arr - arr.mean(axis=0)) / np.where(constant, 1.0, sd)
    scaled = scaled + rng.uniform(-_JITTER, _JITTER, size=scaled.shape)
    return scaled, constant


def _count_within(sorted_col: np.ndarray, values: np.ndarray, radius: np.ndarray) -> np.ndarray:
    """Number of other samples strictly within ``radius`` of each value (1-D, sorted column)."""
    upper = np.searchsorted(sorted_col, values + radius, side="left")
    lower = np.searchsorted(sorted_col, values - radius, side="right")
    return upper - lower - 1


def ksg_prepared(
    x: np.ndarray, y: np.ndarray, x_sorted: np.ndarray, y_sorted: np.ndarray, k: int
) -> float:
    """KSG algorithm 1 in bits on prepared columns (:func:`prepare_continuous`) and their sorts."""
    n = x.size
    points = np.column_stack([x, y])
    distance, _ = cKDTree(points).query(points, k=k + 1, p=np.inf)
    eps = distance[:, k]
    n_x = _count_within(x_sorted, x, eps)
    n_y = _count_within(y_sorted, y, eps)
    nats = digamma(k) + digamma(n) - np.mean(digamma(n_x + 1) + digamma(n_y + 1))
    return float(nats / LN2)


def ksg_mutual_information(
    x: np.ndarray, y: np.ndarray, k: int = 3, *, rng: np.random.Generator | int = 0
) -> float:
    """Kraskov–Stögbauer–Grassberger (algorithm 1) mutual information of two scalars, in bits.

    Parameters
    ----------
    x, y
        ``(M,)`` samples.
    k
        Neighbours (max-norm in the joint space).
    rng
        Generator or seed of the ``1e-10`` tie-breaking jitter.

    Returns
    -------
    float
        The estimate (can be slightly negative; 0.0 when either variable is constant).
    """
    cols, constant = prepare_continuous(np.column_stack([x, y]), _as_generator(rng))
    if k >= cols.shape[0]:
        raise ValueError(f"k: {k} must be smaller than the number of samples {cols.shape[0]}")
    if constant.any():
        return 0.0
    return ksg_prepared(cols[:, 0], cols[:, 1], np.sort(cols[:, 0]), np.sort(cols[:, 1]), k)


def kl_entropy(x: np.ndarray, k: int = 3, *, rng: np.random.Generator | int = 0) -> np.ndarray:
    """Kozachenko–Leonenko differential entropy in bits of each column of ``x``.

    ``H = ψ(M) − ψ(k) + ⟨ln(2 r_k)⟩`` (Kraskov et al. 2004, eq. 20, one dimension), ``r_k`` the
    distance to the ``k``-th neighbour. Computed on the raw scale (with a relative ``1e-10``
    jitter against ties); a constant column gives ``nan``.
    """
    rng = _as_generator(rng)
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim == 1:
        arr = arr[:, None]
    m = arr.shape[0]
    out = np.full(arr.shape[1], np.nan)
    for j in range(arr.shape[1]):
        col = arr[:, j]
        sd = col.std()
        if sd <= 1e-12 * max(1.0, float(np.abs(col).max())):
            continue
        col = col + rng.uniform(-_JITTER, _JITTER, size=m) * sd
        distance, _ = cKDTree(col[:, None]).query(col[:, None], k=k + 1)
        nats = digamma(m) - digamma(k) + np.mean(np.log(2.0 * distance[:, k]))
        out[j] = nats / LN2
    return out
