"""Information flow between the neurons of a recurrent network (second source document).

The student project *Analyzing Information in RNNs* (``seeds/002``) asks five questions of
recurrent networks and answers them with *time-delayed mutual information* between every pair of
neurons. This module computes those measures for any recording ``(n sequences, T steps, K
neurons)`` with NumPy, SciPy, pandas and h5py only (no torch), so its jobs start fast.

Definitions (all information in bits)
-------------------------------------
Neurons
    Inputs, hidden units (optionally LSTM cell states) and outputs of one network, each a
    scalar time series per sequence.
Samples
    Source times ``t ∈ S = {t0, …, T − 1 − max_lag}`` of every sequence (optionally a seeded
    random subset). ``pooling="pooled"``: one estimate from all (sequence, time) samples;
    ``"per_step"``: one estimate per source time across sequences, averaged over times
    (``I(a_t; b_{t+ℓ} | t)``, for tasks whose statistics change with the step). Every lag uses
    the *same* source samples, so all lags have the same sample size and estimator bias.
Delayed mutual information
    ``MI[ℓ, a, b] = I(a_t ; b_{t+ℓ})`` for ``ℓ = 0..max_lag``. ``MI[0]`` is the instantaneous MI.
    The diagonal ``a = b`` is not computed (``nan``).
Flow
    ``F_ℓ[a, b] = MI[ℓ, a, b] − MI[0, a, b]`` for ``ℓ ≥ 1``: what ``a`` now says about ``b``
    later beyond what it says about ``b`` now (the project's subtraction of the instantaneous MI
    removes shared, confounded information).
Significance
    Permutation test of ``MI[ℓ, a, b]``: the samples of ``b`` are permuted relative to ``a``
    (within each step when per step), ``n_shuffles`` times; ``p = (1 + #{null ≥ observed}) / (1 + n_shuffles)``.
Flow graph
    Edge ``a → b`` with weight ``E[a, b] = max(0, max_ℓ F_ℓ[a, b])`` over the lags whose delayed
    MI is significant (``p ≤ alpha``; every lag when no shuffles are run); ``best_lag`` is the
    maximizing lag. Net flow ``N = E − Eᵀ`` (antisymmetric).
Progression
    The least-squares (Hodge) potential ``φ`` on the complete graph of neurons that best explains
    the net flow as a difference, ``φ_b − φ_a ≈ N[a, b]`` for every pair. On a complete graph
    the solution with ``Σ φ = 0`` is ``φ_b = (1/K) Σ_a N[a, b]``: a neuron's mean net inflow,
    so "further along the flow" means "receives more than it sends". ``progression`` is ``φ``
    min–max scaled to ``[0, 1]`` (all 0.5 when there is no flow). ``gradient_fraction`` is the
    share of the net flow's squared norm that the potential explains (1: a perfectly ordered,
    acyclic-like flow; 0: purely circular flow).

Estimators
----------
``"ksg"``
    Kraskov–Stögbauer–Grassberger algorithm 1 (max-norm, ``k`` neighbours): each variable is
    standardized and given a seeded jitter of ``1e-10`` (KSG needs distinct values; exact ties
    such as the zero inputs of delay steps would otherwise give zero distances), the ``k``-th
    neighbour distance comes from one :class:`scipy.spatial.cKDTree` per pair and the marginal
    counts from sorted columns (vectorized ``searchsorted``). Converted from nats to bits.
``"binned"``
    Equal-frequency bins per neuron and lag view (``bins`` quantile edges; tied values share a
    bin, so a constant neuron has one bin and zero entropy), plug-in MI. Joint histograms of all
    pairs come from one one-hot matrix product per lag (and per shuffle).

Entropies: ``entropy`` is the plug-in entropy of a neuron's values in ``bins`` equal-width bins
on its observed range (equal-frequency bins would give ``log2(bins)`` for every neuron);
``diff_entropy`` is the Kozachenko–Leonenko k-NN differential entropy (bits, ``nan`` for a
constant neuron).
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import h5py
import numpy as np
import pandas as pd
from scipy import stats
from scipy.spatial import cKDTree
from scipy.special import digamma

from inforelay.core.atomic import atomic_path
from inforelay.core.provenance import provenance_attrs, to_json
from inforelay.core.seeding import derive_rng

__all__ = [
    "ESTIMATORS",
    "POOLINGS",
    "NEURON_KINDS",
    "FlowParams",
    "Neurons",
    "DelayedMI",
    "FlowResult",
    "LayerStructure",
    "neurons_from_arrays",
    "read_neurons",
    "lagged_samples",
    "equal_frequency_codes",
    "equal_width_codes",
    "binned_entropy",
    "binned_mutual_information",
    "ksg_mutual_information",
    "kl_entropy",
    "delayed_mutual_information",
    "flow_edges",
    "hodge_potential",
    "progression",
    "analyze_flow",
    "input_output_information",
    "direction_tests",
    "layer_structure",
    "kmeans_1d",
    "bottleneck_correlation",
    "phase_boundary",
    "total_relay",
    "relay_correlation",
    "network_summary",
    "training_summary",
    "neuron_table",
    "network_row",
    "write_flow",
    "read_flow",
    "select_networks",
]

ESTIMATORS = ("ksg", "binned")
POOLINGS = ("pooled", "per_step")
NEURON_KINDS = ("input", "hidden", "cell", "output")
LN2 = float(np.log(2.0))
_JITTER = 1e-10

Estimator = Literal["ksg", "binned"]


# ---------------------------------------------------------------------------
# parameters and neurons
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FlowParams:
    """Parameters of one flow analysis (every field is a key of the ``flow`` config).

    Attributes
    ----------
    estimator
        ``"ksg"`` (continuous, k-NN) or ``"binned"`` (equal-frequency bins, plug-in).
    max_lag
        Largest delay ``ℓ`` (steps); lags ``0..max_lag`` are computed.
    bins
        Equal-frequency bins per neuron (binned MI and the binned entropies).
    k
        Neighbours of the KSG and Kozachenko–Leonenko estimators.
    n_shuffles
        Permutations per pair and lag for the significance test (0: no test; every positive
        flow then counts as an edge).
    alpha
        Significance level of an edge.
    max_samples
        Use at most this many samples (seeded random subset; 0: all): (sequence, source time)
        pairs when pooled, sequences when per step.
    first_step
        First source time ``t0`` (0-based), e.g. to skip a transient.
    pooling
        ``"pooled"``: one estimate from all (sequence, time) samples, for stationary activity
        (a forecaster running along a series). ``"per_step"``: estimate within each source time
        across sequences and average, ``I(a_t; b_{t+ℓ} | t)``, for trial-structured tasks whose
        statistics change with the step (the paper's tasks: information phase, then zero
        inputs); pooling those would let every unit that tracks the clock "predict" the inputs.
    seed
        Seed key part for subsampling, jitter and permutations.
    """

    estimator: Estimator = "ksg"
    max_lag: int = 3
    bins: int = 8
    k: int = 3
    n_shuffles: int = 19
    alpha: float = 0.05
    max_samples: int = 2000
    first_step: int = 0
    pooling: str = "pooled"
    seed: int = 0

    def __post_init__(self) -> None:
        if self.estimator not in ESTIMATORS:
            raise ValueError(f"estimator: {self.estimator!r} is not one of {', '.join(ESTIMATORS)}")
        for name, low in (("max_lag", 1), ("bins", 2), ("k", 1), ("n_shuffles", 0),
                          ("max_samples", 0), ("first_step", 0)):
            value = getattr(self, name)
            if int(value) != value or value < low:
                raise ValueError(f"{name}: must be an integer >= {low}, got {value!r}")
        if not 0.0 < self.alpha < 1.0:
            raise ValueError(f"alpha: must lie in (0, 1), got {self.alpha!r}")
        if self.pooling not in POOLINGS:
            raise ValueError(f"pooling: {self.pooling!r} is not one of {', '.join(POOLINGS)}")

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any], **overrides: Any) -> FlowParams:
        """Build from a config mapping; keys that are not fields are ignored."""
        names = {f.name for f in dataclasses.fields(cls)}
        values = {key: value for key, value in mapping.items() if key in names}
        values.update(overrides)
        return cls(**values)


@dataclass(frozen=True)
class Neurons:
    """Activity of every neuron of one network over sequences and time.

    Attributes
    ----------
    values
        ``(n, T, K)`` float64.
    names
        ``K`` names such as ``"in0"``, ``"h3"``, ``"c3"``, ``"out0"``.
    kinds
        ``(K,)`` array of ``"input" | "hidden" | "cell" | "output"``.
    """

    values: np.ndarray
    names: tuple[str, ...]
    kinds: np.ndarray

    @property
    def n_neurons(self) -> int:
        return int(self.values.shape[2])


_PREFIX = {"input": "in", "hidden": "h", "cell": "c", "output": "out"}


def neurons_from_arrays(
    inputs: np.ndarray,
    hidden: np.ndarray,
    outputs: np.ndarray,
    cell: np.ndarray | None = None,
) -> Neurons:
    """Stack inputs, hidden units, (cell states) and outputs into one :class:`Neurons`.

    Parameters
    ----------
    inputs, hidden, outputs, cell
        ``(n, T, ·)`` arrays with the same ``n`` and ``T``; ``cell`` is optional (LSTM).
    """
    parts = [("input", inputs), ("hidden", hidden)]
    if cell is not None:
        parts.append(("cell", cell))
    parts.append(("output", outputs))
    arrays = []
    names: list[str] = []
    kinds: list[str] = []
    shape = None
    for kind, array in parts:
        arr = np.asarray(array, dtype=np.float64)
        if arr.ndim != 3:
            raise ValueError(f"{kind} must be (n, T, units), got shape {arr.shape}")
        if shape is None:
            shape = arr.shape[:2]
        elif arr.shape[:2] != shape:
            raise ValueError(f"{kind} has (n, T) = {arr.shape[:2]}, expected {shape}")
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{kind} contains NaN or infinite values")
        arrays.append(arr)
        names.extend(f"{_PREFIX[kind]}{i}" for i in range(arr.shape[2]))
        kinds.extend([kind] * arr.shape[2])
    return Neurons(np.concatenate(arrays, axis=2), tuple(names), np.array(kinds))


def read_neurons(path: str | os.PathLike[str], *, include_cell: bool = False) -> Neurons:
    """Neurons of an activation file (DESIGN §5 layout: ``inputs``, ``hidden``, [``cell``],
    ``outputs``), read through :func:`inforelay.nets.recording.read_activations`."""
    from inforelay.nets.recording import read_activations

    acts = read_activations(path)
    cell = acts.cell if include_cell else None
    if include_cell and cell is None:
        raise ValueError(f"{path}: include_cell is set but the file has no 'cell' dataset")
    return neurons_from_arrays(acts.inputs, acts.hidden, acts.outputs, cell)


# ---------------------------------------------------------------------------
# samples and estimators
# ---------------------------------------------------------------------------


def lagged_samples(
    values: np.ndarray,
    max_lag: int,
    *,
    first_step: int = 0,
    max_samples: int = 0,
    pooling: str = "pooled",
    rng: np.random.Generator | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Views of the neurons at source times and at every lag, with each sample's group.

    Parameters
    ----------
    values
        ``(n, T, K)`` activity.
    max_lag
        Largest lag.
    first_step
        First source time.
    max_samples
        ``"pooled"``: keep a random subset of at most this many (sequence, time) samples;
        ``"per_step"``: keep at most this many sequences (the same ones at every step). 0: all.
    pooling
        ``"pooled"``: one group of every (sequence, source time) sample. ``"per_step"``: one
        group per source time (its samples are the sequences), so that estimates can be made
        within a time step and averaged (MI conditioned on the time step).
    rng
        Generator for the subset (required when subsampling).

    Returns
    -------
    views, groups
        ``views`` ``(max_lag + 1, M, K)`` with ``views[ℓ, m] = values[i_m, t_m + ℓ]`` for the
        sampled ``(i_m, t_m)``, ``t_m ∈ [first_step, T − 1 − max_lag]``; ``groups`` ``(M,)``
        int64 group labels ``0..G−1`` (all 0 when pooled; the source-time index per step).
    """
    if pooling not in POOLINGS:
        raise ValueError(f"pooling: {pooling!r} is not one of {', '.join(POOLINGS)}")
    n, n_steps, _ = values.shape
    last = n_steps - 1 - max_lag
    if last < first_step:
        raise ValueError(
            f"max_lag: {max_lag} leaves no source time in {n_steps} steps from step {first_step}"
        )
    sequences = np.arange(n)
    if pooling == "per_step" and max_samples and n > max_samples:
        if rng is None:
            raise ValueError("rng is required to subsample")
        sequences = np.sort(rng.choice(n, size=max_samples, replace=False))
    # time-major order: the samples of one source time are contiguous
    time, seq = np.meshgrid(np.arange(first_step, last + 1), sequences, indexing="ij")
    seq, time = seq.ravel(), time.ravel()
    if pooling == "pooled" and max_samples and seq.size > max_samples:
        if rng is None:
            raise ValueError("rng is required to subsample")
        keep = np.sort(rng.choice(seq.size, size=max_samples, replace=False))
        seq, time = seq[keep], time[keep]
    groups = time - first_step if pooling == "per_step" else np.zeros(seq.size, dtype=np.int64)
    lags = np.arange(max_lag + 1)
    return values[seq[None, :], time[None, :] + lags[:, None], :], groups.astype(np.int64)


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


def _plugin_entropy(counts: np.ndarray, axis: int | tuple[int, ...]) -> np.ndarray:
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
    return _plugin_entropy(counts, axis=1)


def _one_hot(codes: np.ndarray, bins: int) -> np.ndarray:
    m, k = codes.shape
    out = np.zeros((m, k * bins), dtype=np.float32)
    out[np.arange(m)[:, None], np.arange(k)[None, :] * bins + codes] = 1.0
    return out


def _binned_mi_from_onehot(hot_a: np.ndarray, hot_b: np.ndarray, k: int, bins: int) -> np.ndarray:
    joint = (hot_a.T @ hot_b).reshape(k, bins, k, bins).transpose(0, 2, 1, 3)  # (K, K, B, B)
    h_a = _plugin_entropy(hot_a.sum(axis=0).reshape(k, bins), axis=1)
    h_b = _plugin_entropy(hot_b.sum(axis=0).reshape(k, bins), axis=1)
    return h_a[:, None] + h_b[None, :] - _plugin_entropy(joint, axis=(2, 3))


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
    return _binned_mi_from_onehot(_one_hot(a, bins), _one_hot(b, bins), a.shape[1], bins)


def _prepare_continuous(x: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Standardized, jittered columns (constant columns flagged) for the k-NN estimators."""
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


def _ksg_prepared(
    x: np.ndarray, y: np.ndarray, x_sorted: np.ndarray, y_sorted: np.ndarray, k: int
) -> float:
    """KSG algorithm 1 in bits on prepared (standardized, jittered) columns."""
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
    rng = np.random.default_rng(rng) if not isinstance(rng, np.random.Generator) else rng
    cols, constant = _prepare_continuous(np.column_stack([x, y]), rng)
    if k >= cols.shape[0]:
        raise ValueError(f"k: {k} must be smaller than the number of samples {cols.shape[0]}")
    if constant.any():
        return 0.0
    return _ksg_prepared(cols[:, 0], cols[:, 1], np.sort(cols[:, 0]), np.sort(cols[:, 1]), k)


def kl_entropy(x: np.ndarray, k: int = 3, *, rng: np.random.Generator | int = 0) -> np.ndarray:
    """Kozachenko–Leonenko differential entropy in bits of each column of ``x``.

    ``H = ψ(M) − ψ(k) + ⟨ln(2 r_k)⟩`` (Kraskov et al. 2004, eq. 20, one dimension), ``r_k`` the
    distance to the ``k``-th neighbour. Computed on the raw scale (with a relative ``1e-10``
    jitter against ties); a constant column gives ``nan``.
    """
    rng = np.random.default_rng(rng) if not isinstance(rng, np.random.Generator) else rng
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


# ---------------------------------------------------------------------------
# delayed mutual information for all pairs
# ---------------------------------------------------------------------------


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


def _group_slices(groups: np.ndarray) -> list[slice]:
    """Contiguous slices of each group (groups are sorted)."""
    bounds = np.flatnonzero(np.diff(groups)) + 1
    edges = np.concatenate([[0], bounds, [groups.size]])
    return [slice(int(lo), int(hi)) for lo, hi in zip(edges[:-1], edges[1:], strict=True)]


def _group_permutation(slices: Sequence[slice], rng: np.random.Generator) -> np.ndarray:
    """One permutation of the samples that keeps every sample inside its group."""
    return np.concatenate([sl.start + rng.permutation(sl.stop - sl.start) for sl in slices])


def _delayed_binned(views: np.ndarray, slices: Sequence[slice], params: FlowParams,
                    rng: np.random.Generator) -> np.ndarray:
    """``(1 + n_shuffles, L+1, K, K)``: observed MI, then one null per shuffle (group-averaged).

    Joint histograms of all pairs are one float32 one-hot product per lag, group and draw;
    ``c log2 c`` comes from a lookup table, and the marginal entropies (which a permutation does
    not change) are computed once.
    """
    n_lags, m, k = views.shape
    bins = params.bins
    hot = np.empty((n_lags, m, k * bins), dtype=np.float32)  # bins equal-frequency per group
    for ell in range(n_lags):
        for sl in slices:
            hot[ell, sl] = _one_hot(equal_frequency_codes(views[ell, sl], bins), bins)
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


def _delayed_ksg(views: np.ndarray, slices: Sequence[slice], params: FlowParams,
                 rng: np.random.Generator) -> np.ndarray:
    """``(1 + n_shuffles, L+1, K, K)`` like :func:`_delayed_binned`, KSG estimates.

    Lag 0 is computed for ``a < b`` and mirrored; pairs with a constant neuron are 0.
    """
    n_lags, m, k = views.shape
    smallest = min(sl.stop - sl.start for sl in slices)
    if params.k >= smallest:
        raise ValueError(f"k: {params.k} must be smaller than the samples per group ({smallest})")
    weights = [(sl.stop - sl.start) / m for sl in slices]
    cols = np.empty_like(views)
    constant = np.zeros((n_lags, len(slices), k), dtype=bool)
    ordered = np.empty_like(views)
    for ell in range(n_lags):
        for g, sl in enumerate(slices):
            cols[ell, sl], constant[ell, g] = _prepare_continuous(views[ell, sl], rng)
            ordered[ell, sl] = np.sort(cols[ell, sl], axis=0)
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
                        out[draw, ell, a, b] += weight * _ksg_prepared(x, y, x_sorted, y_sorted, params.k)
    lower = np.tril_indices(k, -1)
    for draw in range(out.shape[0]):
        out[draw, 0][lower] = out[draw, 0].T[lower]
    return out


def delayed_mutual_information(values: np.ndarray, params: FlowParams) -> DelayedMI:
    """Delayed MI ``I(a_t; b_{t+ℓ})`` (bits) of every ordered neuron pair and lag ``0..max_lag``.

    Parameters
    ----------
    values
        ``(n, T, K)`` activity (see :class:`Neurons`).
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
    return _delayed_from_views(views, groups, params, rng)


def _delayed_from_views(views: np.ndarray, groups: np.ndarray, params: FlowParams,
                        rng: np.random.Generator) -> DelayedMI:
    slices = _group_slices(groups)
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


# ---------------------------------------------------------------------------
# flow graph and progression
# ---------------------------------------------------------------------------


def flow_edges(
    mi: np.ndarray, p_value: np.ndarray | None = None, alpha: float = 0.05
) -> tuple[np.ndarray, np.ndarray]:
    """Edge weights ``E[a, b] = max(0, max_ℓ F_ℓ[a, b])`` over significant lags ``ℓ ≥ 1``.

    Parameters
    ----------
    mi
        ``(L+1, K, K)`` delayed MI.
    p_value
        Its permutation p-values, or ``None`` (every lag counts).
    alpha
        A lag counts when ``p ≤ alpha``.

    Returns
    -------
    edge, best_lag
        ``(K, K)`` weights in bits (0 on the diagonal and without positive significant flow) and
        the lag that attains the weight (0 where there is no edge).
    """
    flow = mi[1:] - mi[0][None]  # (L, K, K)
    usable = np.isfinite(flow)
    if p_value is not None:
        usable &= p_value[1:] <= alpha
    candidate = np.where(usable, flow, -np.inf)
    best = np.argmax(candidate, axis=0)
    weight = np.take_along_axis(candidate, best[None], axis=0)[0]
    has_edge = weight > 0
    edge = np.where(has_edge, weight, 0.0)
    best_lag = np.where(has_edge, best + 1, 0).astype(np.int64)
    return edge, best_lag


def hodge_potential(net: np.ndarray) -> tuple[np.ndarray, float]:
    """Least-squares potential of an antisymmetric net-flow matrix on the complete graph.

    Minimizes ``Σ_{a<b} (φ_b − φ_a − N[a, b])²`` with ``Σ φ = 0``; the solution is
    ``φ_b = (1/K) Σ_a N[a, b]``.

    Returns
    -------
    potential, gradient_fraction
        ``(K,)`` potential (bits) and ``1 − ‖N − ∇φ‖² / ‖N‖²`` over the pairs (``nan`` when
        there is no flow).
    """
    net = np.asarray(net, dtype=np.float64)
    k = net.shape[0]
    if net.shape != (k, k) or not np.allclose(net, -net.T):
        raise ValueError("net flow must be a square antisymmetric matrix")
    potential = net.sum(axis=0) / k
    gradient = potential[None, :] - potential[:, None]
    upper = np.triu_indices(k, 1)
    total = float(np.sum(net[upper] ** 2))
    if total == 0.0:
        return potential, float("nan")
    residual = float(np.sum((net - gradient)[upper] ** 2))
    return potential, 1.0 - residual / total


def progression(potential: np.ndarray) -> np.ndarray:
    """Potential min–max scaled to ``[0, 1]`` (0: earliest, 1: furthest; all 0.5 if flat)."""
    potential = np.asarray(potential, dtype=np.float64)
    span = potential.max() - potential.min()
    if span <= 1e-15:
        return np.full(potential.shape, 0.5)
    return (potential - potential.min()) / span


@dataclass
class FlowResult:
    """Everything the flow analysis of one network computes (bits throughout).

    Attributes
    ----------
    names, kinds
        Neuron names and kinds ``(K,)``.
    lags
        ``(L+1,)`` lags ``0..max_lag``.
    mi, p_value
        Delayed MI and its permutation p-values (see :class:`DelayedMI`).
    entropy
        ``(K,)`` plug-in entropy of the neuron in equal-width bins on its range (per step:
        averaged over source times).
    diff_entropy
        ``(K,)`` Kozachenko–Leonenko differential entropy (``nan`` for a constant neuron, and
        per step for a neuron constant at some step).
    edge, best_lag
        Flow graph (see :func:`flow_edges`).
    net
        ``edge − edge.T``.
    potential, progression, gradient_fraction
        See :func:`hodge_potential` and :func:`progression`.
    n_samples
        Samples per estimate.
    params
        The :class:`FlowParams` as a dict.
    """

    names: np.ndarray
    kinds: np.ndarray
    lags: np.ndarray
    mi: np.ndarray
    p_value: np.ndarray | None
    entropy: np.ndarray
    diff_entropy: np.ndarray
    edge: np.ndarray
    best_lag: np.ndarray
    net: np.ndarray
    potential: np.ndarray
    progression: np.ndarray
    gradient_fraction: float
    n_samples: int
    params: dict[str, Any] = field(default_factory=dict)

    def index(self, kind: str) -> np.ndarray:
        """Indices of the neurons of one kind."""
        return np.flatnonzero(self.kinds == kind)


def analyze_flow(neurons: Neurons, params: FlowParams | None = None) -> FlowResult:
    """Delayed MI, entropies, flow graph and progression of every neuron of one network."""
    params = params or FlowParams()
    rng = derive_rng("flow", "delayed-mi", params.seed)  # as delayed_mutual_information
    views, groups = lagged_samples(neurons.values, params.max_lag, first_step=params.first_step,
                                   max_samples=params.max_samples, pooling=params.pooling, rng=rng)
    delayed = _delayed_from_views(views, groups, params, rng)
    # entropies of the same samples (source times)
    jitter = derive_rng("flow", "entropy", params.seed)
    entropy = np.zeros(neurons.n_neurons)
    diff_entropy = np.zeros(neurons.n_neurons)
    for sl in _group_slices(groups):
        weight = (sl.stop - sl.start) / groups.size
        samples = views[0, sl]
        entropy += weight * binned_entropy(equal_width_codes(samples, params.bins), params.bins)
        diff_entropy += weight * kl_entropy(samples, params.k, rng=jitter)
    edge, best_lag = flow_edges(delayed.mi, delayed.p_value, params.alpha)
    net = edge - edge.T
    potential, gradient_fraction = hodge_potential(net)
    return FlowResult(
        names=np.array(neurons.names),
        kinds=np.asarray(neurons.kinds),
        lags=np.arange(params.max_lag + 1),
        mi=delayed.mi,
        p_value=delayed.p_value,
        entropy=entropy,
        diff_entropy=diff_entropy,
        edge=edge,
        best_lag=best_lag,
        net=net,
        potential=potential,
        progression=progression(potential),
        gradient_fraction=gradient_fraction,
        n_samples=delayed.n_samples,
        params=dataclasses.asdict(params),
    )


# ---------------------------------------------------------------------------
# the five questions
# ---------------------------------------------------------------------------


def direction_tests(result: FlowResult) -> dict[str, float]:
    """Question 1 for one network: mean progression per kind and one-sided Mann–Whitney tests.

    Returns
    -------
    dict
        ``progression_<kind>`` means, ``output_minus_hidden``, ``hidden_minus_input`` and the
        p-values ``p_output_gt_hidden``, ``p_hidden_gt_input`` (``nan`` when a kind is absent).
    """
    out: dict[str, float] = {}
    groups = {kind: result.progression[result.index(kind)] for kind in ("input", "hidden", "output")}
    for kind, values in groups.items():
        out[f"progression_{kind}"] = float(values.mean()) if values.size else float("nan")
    for high, low in (("output", "hidden"), ("hidden", "input")):
        a, b = groups[high], groups[low]
        out[f"{high}_minus_{low}"] = out[f"progression_{high}"] - out[f"progression_{low}"]
        out[f"p_{high}_gt_{low}"] = (
            float(stats.mannwhitneyu(a, b, alternative="greater").pvalue)
            if a.size and b.size else float("nan")
        )
    return out


def kmeans_1d(values: np.ndarray, n_clusters: int) -> tuple[float, np.ndarray]:
    """Exact 1-D k-means (dynamic programming over the sorted values).

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


def input_output_information(result: FlowResult) -> tuple[np.ndarray, np.ndarray]:
    """``I(h; X)`` and ``I(h; Y)`` of every hidden unit (bits).

    ``I(h; X) = max`` over input neurons ``x`` and lags ``ℓ ≥ 0`` of ``I(x_t; h_{t+ℓ})``;
    ``I(h; Y) = max`` over output neurons ``o`` and lags of ``I(h_t; o_{t+ℓ})`` (the outputs stand
    for ``Y``, the quantity the network predicts).
    """
    hidden, inputs, outputs = result.index("hidden"), result.index("input"), result.index("output")
    i_x = np.nanmax(result.mi[:, inputs][:, :, hidden], axis=(0, 1))
    i_y = np.nanmax(result.mi[:, hidden][:, :, outputs], axis=(0, 2))
    return i_x, i_y


def bottleneck_correlation(i_x: np.ndarray, i_y: np.ndarray) -> tuple[float, float]:
    """Question 3: Spearman correlation (ρ, two-sided p) of ``I(h;X)`` and ``I(h;Y)`` across units.

    The bottleneck picture (units drop what they know of ``X`` while keeping ``Y``) predicts no
    positive correlation; ``nan`` when either vector is constant or shorter than 3.
    """
    i_x, i_y = np.asarray(i_x, dtype=float), np.asarray(i_y, dtype=float)
    if i_x.size < 3 or np.ptp(i_x) == 0 or np.ptp(i_y) == 0:
        return float("nan"), float("nan")
    res = stats.spearmanr(i_x, i_y)
    return float(res.statistic), float(res.pvalue)


def phase_boundary(snr: np.ndarray, method: str = "threshold") -> int:
    """Question 5: the epoch where training passes from drift to diffusion (−1: none).

    Parameters
    ----------
    snr
        Gradient signal-to-noise ratio per epoch, ``‖mean gradient‖ / ‖std gradient‖`` over the
        minibatches of the epoch (Shwartz-Ziv & Tishby 2017).
    method
        ``"threshold"``: the first epoch from which SNR stays below 1 until the end (−1 if the
        last epoch is ≥ 1 or SNR is below 1 from the start: then there is no drift phase).
        ``"changepoint"``: the single change point of ``log10 SNR`` (two constant segments, least
        squares, each at least 2 epochs); −1 if the later segment's mean is not lower.
    """
    snr = np.asarray(snr, dtype=np.float64)
    if snr.ndim != 1 or snr.size < 4 or not np.all(np.isfinite(snr)) or np.any(snr <= 0):
        raise ValueError("snr must be a 1-D array of at least 4 positive finite values")
    if method == "threshold":
        above = np.flatnonzero(snr >= 1.0)
        if above.size == 0 or above[-1] == snr.size - 1:
            return -1
        return int(above[-1] + 1)
    if method == "changepoint":
        y = np.log10(snr)
        n = y.size
        s1 = np.cumsum(y)
        s2 = np.cumsum(y**2)
        cuts = np.arange(2, n - 1)  # first segment 0..cut-1
        left = s2[cuts - 1] - s1[cuts - 1] ** 2 / cuts
        right = (s2[-1] - s2[cuts - 1]) - (s1[-1] - s1[cuts - 1]) ** 2 / (n - cuts)
        cut = int(cuts[np.argmin(left + right)])
        if y[cut:].mean() >= y[:cut].mean():
            return -1
        return cut
    raise ValueError(f"method: {method!r} is not 'threshold' or 'changepoint'")


def total_relay(relay: Any, state: str = "hidden") -> np.ndarray:
    """Total relay of every unit: ``contribution`` summed over time steps and concepts (bits).

    ``relay`` is what :func:`inforelay.relay.search.read_relay` returns (a mapping from state name to a
    ``RelayOverTime``) or a path to a relay file.
    """
    if isinstance(relay, (str, os.PathLike)):
        from inforelay.relay.search import read_relay

        relay = read_relay(relay)
    if state not in relay:
        raise ValueError(f"relay results have no state {state!r}; present: {', '.join(relay)}")
    contribution = np.asarray(relay[state].contribution, dtype=np.float64)  # (T, C, N)
    return contribution.sum(axis=(0, 1))


def relay_correlation(result: FlowResult, relay_per_unit: np.ndarray) -> tuple[float, float]:
    """Spearman correlation (ρ, p) of the hidden units' progression and their total relay."""
    hidden = result.index("hidden")
    relay_per_unit = np.asarray(relay_per_unit, dtype=np.float64)
    if relay_per_unit.shape != hidden.shape:
        raise ValueError(
            f"relay has {relay_per_unit.size} units, the flow result {hidden.size} hidden units"
        )
    return bottleneck_correlation(result.progression[hidden], relay_per_unit)


def network_summary(result: FlowResult, *, max_layers: int = 4, n_reference: int = 100,
                    layer_seed: int = 0) -> dict[str, float]:
    """One row of per-network measures: direction (Q1), layers (Q2) and bottleneck (Q3).

    ``max_layers``, ``n_reference`` and ``layer_seed`` go to :func:`layer_structure`, applied
    to the hidden units' potentials.
    """
    row: dict[str, float] = {"n_samples": result.n_samples,
                             "gradient_fraction": result.gradient_fraction,
                             "n_edges": int(np.count_nonzero(result.edge)),
                             "total_flow": float(result.edge.sum())}
    row.update(direction_tests(result))
    hidden = result.index("hidden")
    layers = layer_structure(result.potential[hidden], max_layers=max_layers,
                             n_reference=n_reference, seed=layer_seed)
    row["n_layers"] = layers.n_layers
    i_x, i_y = input_output_information(result)
    row["bottleneck_rho"], row["bottleneck_p"] = bottleneck_correlation(i_x, i_y)
    row["mean_entropy_hidden"] = float(result.entropy[hidden].mean())
    return row


def training_summary(history: pd.DataFrame, *, layer: str = "all") -> dict[str, float]:
    """Questions 4 and 5 for one forecaster, from its per-epoch history.

    Returns
    -------
    dict
        ``phase_threshold`` / ``phase_changepoint``: first diffusion epoch by
        :func:`phase_boundary` (−1: none); ``snr_first`` (SNR of epoch 1), ``snr_drift`` /
        ``snr_diffusion`` (median SNR before / from the threshold boundary; ``nan`` without one);
        ``I_XT_max``, ``I_XT_max_epoch``, ``I_XT_final``, ``compression`` (= max − final, bits);
        ``I_TY_final``; Spearman correlations over epochs of ``I_TY``, ``I_XT`` and ``H_unit``
        with the negative validation loss (``rho_ITY_learning`` … and their p-values);
        ``loss_final``, ``validation_loss_final``.
    """
    column = f"snr_{layer}"
    missing = {column, "epoch", "I_XT", "I_TY", "H_unit", "validation_loss", "loss"} - set(history)
    if missing:
        raise ValueError(f"history lacks column(s) {', '.join(sorted(missing))}")
    trained = history[history["epoch"] > 0]
    snr = trained[column].to_numpy(dtype=float)
    epochs = trained["epoch"].to_numpy()
    row: dict[str, float] = {}
    for method in ("threshold", "changepoint"):
        index = phase_boundary(snr, method)
        row[f"phase_{method}"] = int(epochs[index]) if index >= 0 else -1
    boundary = phase_boundary(snr, "threshold")
    row["snr_first"] = float(snr[0])
    row["snr_drift"] = float(np.median(snr[:boundary])) if boundary > 0 else float("nan")
    row["snr_diffusion"] = float(np.median(snr[boundary:])) if boundary > 0 else float("nan")
    i_xt = history["I_XT"].to_numpy(dtype=float)
    top = int(np.argmax(i_xt))
    row.update(I_XT_max=float(i_xt[top]), I_XT_max_epoch=int(history["epoch"].iloc[top]),
               I_XT_final=float(i_xt[-1]), compression=float(i_xt[top] - i_xt[-1]),
               I_TY_final=float(history["I_TY"].iloc[-1]))
    learning = -history["validation_loss"].to_numpy(dtype=float)
    for name in ("I_TY", "I_XT", "H_unit"):
        rho, p = bottleneck_correlation(history[name].to_numpy(dtype=float), learning)
        row[f"rho_{name}_learning"], row[f"p_{name}_learning"] = rho, p
    row["loss_final"] = float(history["loss"].iloc[-1])
    row["validation_loss_final"] = float(history["validation_loss"].iloc[-1])
    return row


def network_row(result: FlowResult, table: pd.DataFrame, **layers: int) -> dict[str, float]:
    """Per-network summary (:func:`network_summary`, ``layers`` are its keyword arguments) plus
    the Spearman correlation of hidden progression with total relay (``relay_rho``, ``relay_p``)
    when ``table`` (:func:`neuron_table`) has relay values."""
    row = network_summary(result, **layers)
    hidden = table[table["kind"] == "hidden"]
    relay = hidden["total_relay"].to_numpy(dtype=float)
    if np.all(np.isfinite(relay)) and relay.size:
        row["relay_rho"], row["relay_p"] = relay_correlation(result, relay)
    else:
        row["relay_rho"], row["relay_p"] = float("nan"), float("nan")
    return row


def select_networks(
    keys: Sequence[Mapping[str, str]], experiment: Mapping[str, Any], selection: Mapping[str, Any]
) -> list[dict[str, str]]:
    """The networks of the experiment that the flow analysis covers.

    Parameters
    ----------
    keys
        Wildcards (``task, model, delay, rep``) of every network of the experiment.
    experiment
        The ``experiment`` config section (``tasks, models, delays, replicates``).
    selection
        The ``flow.networks`` section: ``tasks``, ``models``, ``delays`` (lists, or ``None`` for
        all of the experiment's) and ``replicates`` (the first ones; ``None``: all).

    Raises
    ------
    ValueError
        Naming the ``flow.networks`` key when it asks for networks the experiment does not have.
    """
    chosen = {}
    for key, field_name in (("tasks", "task"), ("models", "model"), ("delays", "delay")):
        allowed = [str(value) for value in experiment[key]]
        wanted = allowed if selection.get(key) is None else [str(v) for v in selection[key]]
        extra = sorted(set(wanted) - set(allowed))
        if extra:
            raise ValueError(f"config key 'flow.networks.{key}': {extra} not in experiment.{key}")
        chosen[field_name] = set(wanted)
    replicates = selection.get("replicates")
    replicates = int(experiment["replicates"]) if replicates is None else int(replicates)
    if replicates > int(experiment["replicates"]):
        raise ValueError(
            f"config key 'flow.networks.replicates': {replicates} exceeds experiment.replicates"
        )
    return [dict(key) for key in keys
            if all(key[name] in allowed for name, allowed in chosen.items())
            and int(key["rep"]) < replicates]


# ---------------------------------------------------------------------------
# tables and files
# ---------------------------------------------------------------------------


def neuron_table(result: FlowResult, relay_per_unit: np.ndarray | None = None) -> pd.DataFrame:
    """One row per neuron: kind, entropies, potential, progression, in/out flow, I(h;X), I(h;Y).

    ``I_X``/``I_Y`` are filled for hidden units; ``total_relay`` when ``relay_per_unit`` is given.
    """
    k = result.names.size
    i_x, i_y = input_output_information(result)
    hidden = result.index("hidden")
    table = pd.DataFrame({
        "neuron": result.names.astype(str),
        "index": np.arange(k),
        "kind": result.kinds.astype(str),
        "entropy_bits": result.entropy,
        "diff_entropy_bits": result.diff_entropy,
        "potential": result.potential,
        "progression": result.progression,
        "out_flow": result.edge.sum(axis=1),
        "in_flow": result.edge.sum(axis=0),
        "I_X": np.nan,
        "I_Y": np.nan,
        "total_relay": np.nan,
    })
    table.loc[hidden, "I_X"] = i_x
    table.loc[hidden, "I_Y"] = i_y
    if relay_per_unit is not None:
        table.loc[hidden, "total_relay"] = np.asarray(relay_per_unit, dtype=np.float64)
    return table


_ARRAYS = ("lags", "mi", "p_value", "entropy", "diff_entropy", "edge", "best_lag", "net",
           "potential", "progression")


def write_flow(path: str | os.PathLike[str], result: FlowResult,
               config_slice: Mapping[str, Any] | None = None,
               attrs: Mapping[str, Any] | None = None) -> None:
    """Write a :class:`FlowResult` to HDF5 atomically (with provenance attributes)."""
    with atomic_path(path) as tmp, h5py.File(tmp, "w") as f:
        for name in _ARRAYS:
            value = getattr(result, name)
            if value is not None:
                f.create_dataset(name, data=value)
        f.create_dataset("names", data=result.names.astype("S"))
        f.create_dataset("kinds", data=result.kinds.astype("S"))
        f.attrs["gradient_fraction"] = result.gradient_fraction
        f.attrs["n_samples"] = result.n_samples
        f.attrs["params"] = to_json(result.params)
        for key, value in provenance_attrs(config_slice).items():
            f.attrs[key] = value
        for key, value in (attrs or {}).items():
            f.attrs[key] = value if isinstance(value, (int, float, str)) else to_json(value)


def read_flow(path: str | os.PathLike[str]) -> FlowResult:
    """Read a file written by :func:`write_flow` (clear error naming the file)."""
    try:
        with h5py.File(path, "r") as f:
            missing = [n for n in (*_ARRAYS, "names", "kinds") if n not in f and n != "p_value"]
            if missing:
                raise ValueError(f"{path}: not a flow file, missing {', '.join(missing)}")
            arrays = {n: f[n][()] for n in _ARRAYS if n in f}
            return FlowResult(
                names=f["names"][()].astype(str),
                kinds=f["kinds"][()].astype(str),
                p_value=arrays.pop("p_value", None),
                gradient_fraction=float(f.attrs["gradient_fraction"]),
                n_samples=int(f.attrs["n_samples"]),
                params=json.loads(f.attrs["params"]),
                **arrays,
            )
    except OSError as exc:
        raise ValueError(f"{path}: cannot read flow file ({exc})") from exc
