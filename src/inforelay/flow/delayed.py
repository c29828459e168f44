"""Delayed mutual information of every ordered neuron pair, with a permutation test.

``MI[ℓ, a, b] = I(a_t ; b_{t+ℓ})`` for ``ℓ = 0..max_lag`` (bits); ``MI[0]`` is the instantaneous
MI and the diagonal ``a = b`` is not computed (``nan``). ``pooling="pooled"`` gives one estimate
from all (sequence, time) samples; ``"per_step"`` one estimate per source time across sequences,
averaged over times (``I(a_t; b_{t+ℓ} | t)``). Significance: the samples of ``b`` are permuted
relative to ``a`` (within each step when per step) ``n_shuffles`` times, and
``p = (1 + #{null ≥ observed}) / (1 + n_shuffles)``. See ``docs/flow.md`` (delayed mutual
information and flow).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from inforelay.core.seeding import derive_rng
from inforelay.flow.estimators import (
    equal_frequency_codes,
    ksg_prepared,
    one_hot,
    prepare_continuous,
)
from inforelay.flow.neurons import lagged_samples
from inforelay.flow.params import FlowParams

__all__ = ["DelayedMI", "group_slices", "delayed_mutual_information", "delayed_from_views"]


@dataclass
class DelayedMI:
    """Delayed MI of all neuron pairs.

    Attributes
    ----------
    mi
        ``(L+1, K, K)`` bits, ``mi[ℓ, a, b] = I(a_t; b_{t+ℓ})``; diagonal ``nan``.
    p_value
        ``(L+1, K, K)`` permutation p-values (``nan`` on the diagonal), or ``None`` without
        shuffles.
    n_samples
        Samples per estimate.
    """

    mi: np.ndarray
    p_value: np.ndarray | None
    n_samples: int


def group_slices(groups: np.ndarray) -> list[slice]:
    """Contiguous slices of each group (groups are sorted)."""
    bounds = np.flatnonzero(np.diff(groups)) + 1
    edges = np.concatenate([[0], bounds, [groups.size]])
    return [slice(int(lo), int(hi)) for lo, hi in zip(edges[:-1], edges[1:], strict=True)]


def _group_permutation(slices: Sequence[slice], rng: np.random.Generator) -> np.ndarray:
    """One permutation of the samples that keeps every sample inside its group."""
    return np.concatenate([sl.start + rng.permutation(sl.stop - sl.start) for sl in slices])


def _binned_one_hot(views: np.ndarray, slices: Sequence[slice], bins: int) -> np.ndarray:
    """``(L+1, M, K·bins)`` one-hot equal-frequency codes, binned within every group."""
    n_lags, m, k = views.shape
    hot = np.empty((n_lags, m, k * bins), dtype=np.float32)
    for ell in range(n_lags):
        for sl in slices:
            hot[ell, sl] = one_hot(equal_frequency_codes(views[ell, sl], bins), bins)
    return hot


def _delayed_binned(views: np.ndarray, slices: Sequence[slice], params: FlowParams,
                    rng: np.random.Generator) -> np.ndarray:
    """``(1 + n_shuffles, L+1, K, K)``: observed MI, then one null per shuffle (group-averaged).

    Joint histograms of all pairs are one float32 one-hot product per lag, group and draw;
    ``c log2 c`` comes from a lookup table, and the marginal entropies (which a permutation does
    not change) are computed once.
    """
    n_lags, m, k = views.shape
    bins = params.bins
    hot = _binned_one_hot(views, slices, bins)
    sizes = [sl.stop - sl.start for sl in slices]
    xlogx = np.zeros(max(sizes) + 1)
    xlogx[1:] = np.arange(1, max(sizes) + 1) * np.log2(np.arange(1, max(sizes) + 1))
    marginal = np.empty((n_lags, len(slices), k))  # H of every neuron per lag view and group
    for ell in range(n_lags):
        for g, (size, sl) in enumerate(zip(sizes, slices, strict=True)):
            counts = hot[ell, sl].sum(axis=0).astype(np.int64).reshape(k, bins)
            marginal[ell, g] = np.log2(size) - xlogx[counts].sum(axis=1) / size
    out = np.zeros((1 + params.n_shuffles, n_lags, k, k))
    for draw in range(1 + params.n_shuffles):
        perm = np.arange(m) if draw == 0 else _group_permutation(slices, rng)
        for ell in range(n_lags):
            target = hot[ell][perm]
            for g, (size, sl) in enumerate(zip(sizes, slices, strict=True)):
                joint = np.rint(hot[0, sl].T @ target[sl]).astype(np.int64)
                h_joint = np.log2(size) - xlogx[joint].reshape(k, bins, k, bins).sum(axis=(1, 3)) / size
                mi = marginal[0, g][:, None] + marginal[ell, g][None, :] - h_joint
                out[draw, ell] += (size / m) * mi
    return out


def _prepared_views(views: np.ndarray, slices: Sequence[slice],
                    rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Standardized, jittered views (per lag and group), their per-column sorts and constant flags."""
    n_lags, _, k = views.shape
    cols = np.empty_like(views)
    constant = np.zeros((n_lags, len(slices), k), dtype=bool)
    ordered = np.empty_like(views)
    for ell in range(n_lags):
        for g, sl in enumerate(slices):
            cols[ell, sl], constant[ell, g] = prepare_continuous(views[ell, sl], rng)
            ordered[ell, sl] = np.sort(cols[ell, sl], axis=0)
    return cols, ordered, constant


def _delayed_ksg(views: np.ndarray, slices: Sequence[slice], params: FlowParams,
                 rng: np.random.Generator) -> np.ndarray:
    """``(1 + n_shuffles, L+1, K, K)`` like :func:`_delayed_binned`, KSG estimates.

    Lag 0 is computed for ``a < b`` and mirrored; pairs with a constant neuron are 0. One piece:
    the loop nest over lag, pair, group and draw is the hot path, and the jitter and permutation
    draws must keep their order.
    """
    n_lags, m, k = views.shape
    smallest = min(sl.stop - sl.start for sl in slices)
    if params.k >= smallest:
        raise ValueError(f"k: {params.k} must be smaller than the samples per group ({smallest})")
    weights = [(sl.stop - sl.start) / m for sl in slices]
    cols, ordered, constant = _prepared_views(views, slices, rng)
    perms = [np.arange(m)] + [_group_permutation(slices, rng) for _ in range(params.n_shuffles)]
    out = np.zeros((1 + params.n_shuffles, n_lags, k, k))
    for ell in range(n_lags):
        for a in range(k):
            for b in range(k):
                if a == b or (ell == 0 and b < a):
                    continue
                for g, (weight, sl) in enumerate(zip(weights, slices, strict=True)):
                    if constant[0, g, a] or constant[ell, g, b]:
                        continue
                    x, x_sorted = cols[0, sl, a], ordered[0, sl, a]
                    y_sorted = ordered[ell, sl, b]
                    for draw, perm in enumerate(perms):
                        y = cols[ell, perm[sl], b]
                        out[draw, ell, a, b] += weight * ksg_prepared(x, y, x_sorted, y_sorted, params.k)
    lower = np.tril_indices(k, -1)
    for draw in range(out.shape[0]):
        out[draw, 0][lower] = out[draw, 0].T[lower]
    return out


def delayed_mutual_information(values: np.ndarray, params: FlowParams) -> DelayedMI:
    """Delayed MI ``I(a_t; b_{t+ℓ})`` (bits) of every ordered neuron pair and lag ``0..max_lag``.

    Parameters
    ----------
    values
        ``(n, T, K)`` activity (see :class:`inforelay.flow.neurons.Neurons`).
    params
        Estimator, lags, pooling, subsampling, shuffles and seed. With ``pooling="per_step"``
        the MI is estimated within every source time (samples = sequences) and averaged over
        source times, i.e. ``I(a_t; b_{t+ℓ} | t)``; shuffles then permute sequences within a
        time step.
    """
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 3:
        raise ValueError(f"values must be (n, T, K), got shape {values.shape}")
    rng = derive_rng("flow", "delayed-mi", params.seed)
    views, groups = lagged_samples(values, params.max_lag, first_step=params.first_step,
                                   max_samples=params.max_samples, pooling=params.pooling, rng=rng)
    return delayed_from_views(views, groups, params, rng)


def delayed_from_views(views: np.ndarray, groups: np.ndarray, params: FlowParams,
                       rng: np.random.Generator) -> DelayedMI:
    """:func:`delayed_mutual_information` on samples from :func:`lagged_samples` (same ``rng``)."""
    slices = group_slices(groups)
    estimate = _delayed_binned if params.estimator == "binned" else _delayed_ksg
    draws = estimate(views, slices, params, rng)
    mi = draws[0]
    p_value = None
    if params.n_shuffles:
        exceed = (draws[1:] >= mi[None] - 1e-12).sum(axis=0)
        p_value = (1.0 + exceed) / (1.0 + params.n_shuffles)
    diagonal = np.arange(views.shape[2])
    mi[:, diagonal, diagonal] = np.nan
    if p_value is not None:
        p_value[:, diagonal, diagonal] = np.nan
    return DelayedMI(mi, p_value, int(views.shape[1]))
