"""Stability of relay distributions over time, and how concepts spread over units.

Inputs are relay matrices, never activations: ``R`` of shape ``(T, C, N)`` (time steps ×
concepts × units; usually :attr:`inforelay.relay.RelayOverTime.contribution`, in bits) or one
``(C, N)`` slice of it. Everything here is numpy only (no torch, no scikit-learn at run time),
deterministic and vectorized, because it runs for every one of the experiment's networks.

Paper figures: Fig. 8 (:func:`consecutive_correlation`), Fig. 9 (:func:`carrier_overlap`),
Figs. 10/11 (:func:`concept_distribution`, :func:`concepts_per_node`, :func:`nodes_per_concept`).
The operational choices (start step, constant vectors, empty carrier sets) are explained in
``docs/method.md``.

k-means with k = 2 on one-dimensional values is solved exactly (:func:`kmeans_split_1d`): the
optimal 2-means partition of numbers on a line is a threshold split of the sorted values, so
scanning the ``m - 1`` thresholds gives the global optimum of the k-means objective, with no
random initialisation. scikit-learn's Lloyd iterations converge to the same partition whenever
they find the optimum (``tests/test_stability.py`` checks this against
:class:`sklearn.cluster.KMeans`); the exact scan is deterministic and about a thousand times
faster, which matters for 720 networks × 15 steps × 3 concepts.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from inforelay.analyses.checks import finite_array
from inforelay.info import binarize
from inforelay.tasks import concept_labels

__all__ = [
    "CARRIER_METHODS",
    "ZERO_TOLERANCE",
    "kmeans_split_1d",
    "consecutive_correlation",
    "carrier_sets",
    "jaccard",
    "carrier_overlap",
    "concept_distribution",
    "concepts_per_node",
    "nodes_per_concept",
    "network_stability_table",
    "distribution_table",
]

CARRIER_METHODS = ("kmeans", "positive")

#: Relay values with absolute value at or below this (bits) count as zero.
ZERO_TOLERANCE = 1e-9


def _as_relay(R: np.ndarray, name: str = "R") -> np.ndarray:
    """``(T, C, N)`` float64 relay values with at least one step and one unit, all finite."""
    return finite_array(R, name, ("T", "C", "N"), minimum={"T": 1, "N": 1})


def _check_start(start: int, n_steps: int) -> int:
    start = int(start)
    if not 0 <= start < n_steps:
        raise ValueError(f"start={start} is outside the {n_steps} time steps (0..{n_steps - 1})")
    return start


def kmeans_split_1d(values: np.ndarray) -> np.ndarray:
    """Exact k-means (k = 2) on numbers: which values belong to the cluster with the higher centre.

    Parameters
    ----------
    values
        ``(..., m)``; each row along the last axis is clustered on its own.

    Returns
    -------
    np.ndarray
        ``(..., m)`` bool, ``True`` for the upper cluster. A row with fewer than two distinct
        values cannot be split: it is all ``True`` when its (single) value is above
        :data:`ZERO_TOLERANCE` and all ``False`` otherwise (so an all-zero row has no carriers).

    Notes
    -----
    The optimal 2-means partition on a line is a threshold split of the sorted values; the split
    with the smallest within-cluster sum of squares is chosen (ties: the lower threshold, i.e.
    the larger upper cluster). Values equal to each other always fall in the same cluster.
    """
    x = np.asarray(values, dtype=np.float64)
    if x.ndim == 0:
        raise ValueError("values must have at least one axis")
    shape = x.shape
    m = shape[-1]
    rows = x.reshape(-1, m)
    if m == 0:
        return np.zeros(shape, dtype=bool)
    # the exact 1-D 2-means of inforelay.info.binarization clusters columns; rows here are the samples
    out = binarize(rows.T, method="kmeans").T.astype(bool)
    single = rows.max(axis=1) == rows.min(axis=1)
    out[single] = (rows[single, :1] > ZERO_TOLERANCE).repeat(m, axis=1)
    return out.reshape(shape)


def consecutive_correlation(R: np.ndarray, start: int) -> np.ndarray:
    """Pearson ``r`` between each concept's relay vectors (over units) at steps ``t`` and ``t + 1``.

    Parameters
    ----------
    R
        ``(T, C, N)`` relay values.
    start
        First step ``t`` of a pair, 0-based; the paper's analysis step ``t_k`` (``info_length - 1``).
        Pairs run from ``(start, start + 1)`` to ``(T - 2, T - 1)``.

    Returns
    -------
    np.ndarray
        ``(T - 1 - start, C)``; row ``i`` compares steps ``start + i`` and ``start + i + 1``.
        ``NaN`` where ``r`` is undefined because one of the two vectors is constant over the
        units (e.g. no unit relays anything); average with :func:`numpy.nanmean`.
    """
    arr = _as_relay(R)
    start = _check_start(start, arr.shape[0])
    a = arr[start:-1]
    b = arr[start + 1 :]
    a = a - a.mean(axis=-1, keepdims=True)
    b = b - b.mean(axis=-1, keepdims=True)
    ss_a = np.sum(a * a, axis=-1)
    ss_b = np.sum(b * b, axis=-1)
    denom = np.sqrt(ss_a * ss_b)
    defined = (ss_a > ZERO_TOLERANCE**2) & (ss_b > ZERO_TOLERANCE**2)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.sum(a * b, axis=-1) / denom
    r = np.where(defined, np.clip(r, -1.0, 1.0), np.nan)
    return r


def carrier_sets(R_t: np.ndarray, method: str = "kmeans") -> np.ndarray:
    """Which units carry each concept at one time step.

    Parameters
    ----------
    R_t
        ``(N,)``, ``(C, N)`` or ``(T, C, N)`` relay values; the sets are found per concept (and
        step) over the units.
    method
        ``"kmeans"`` (default, the paper): k-means with k = 2 on the units' values, carriers =
        the cluster with the higher centre (:func:`kmeans_split_1d`); ``"positive"``: every unit
        whose relay is above :data:`ZERO_TOLERANCE`. Negative relay (a unit whose removal raised
        ``I_R``) counts as none: values are clipped at 0 before clustering, and only units with
        relay above the tolerance can carry, so a concept that no unit relays has no carriers.

    Returns
    -------
    np.ndarray
        bool, same shape as ``R_t``.
    """
    arr = np.asarray(R_t, dtype=np.float64)
    if arr.ndim == 0:
        raise ValueError("R_t must have a unit axis")
    positive = arr > ZERO_TOLERANCE
    if method == "kmeans":
        return kmeans_split_1d(np.maximum(arr, 0.0)) & positive
    if method == "positive":
        return positive
    raise ValueError(
        f"unknown carrier method {method!r} (stability.carrier_method); "
        f"allowed: {', '.join(CARRIER_METHODS)}"
    )


def jaccard(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Jaccard index ``|a ∩ b| / |a ∪ b|`` of boolean sets along the last axis (``NaN`` if both empty)."""
    a = np.asarray(a, dtype=bool)
    b = np.asarray(b, dtype=bool)
    inter = np.sum(a & b, axis=-1)
    union = np.sum(a | b, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(union > 0, inter / np.maximum(union, 1), np.nan)


def carrier_overlap(R: np.ndarray, start: int, method: str = "kmeans") -> np.ndarray:
    """Jaccard overlap of each concept's carrier sets at steps ``t`` and ``t + 1``, ``t ≥ start``.

    Returns
    -------
    np.ndarray
        ``(T - 1 - start, C)``, rows as in :func:`consecutive_correlation`; ``NaN`` where neither
        step has a carrier.
    """
    arr = _as_relay(R)
    start = _check_start(start, arr.shape[0])
    carriers = carrier_sets(arr[start:], method=method)
    return jaccard(carriers[:-1], carriers[1:])


def concept_distribution(M: np.ndarray) -> np.ndarray:
    """Carrier matrix of the paper's Figs. 10/11: k-means (k = 2) on all entries of ``M`` together.

    Parameters
    ----------
    M
        ``(C, N)`` relay values at the analysis step (the 3 × 12 matrix).

    Returns
    -------
    np.ndarray
        ``(C, N)`` bool: ``True`` where the entry falls in the cluster with the higher centre.
        As in :func:`carrier_sets`, negative entries are clipped at 0 before clustering and only
        entries above :data:`ZERO_TOLERANCE` can be carriers (an all-zero matrix has none).
    """
    arr = finite_array(M, "M", ("C", "N"))
    upper = kmeans_split_1d(np.maximum(arr, 0.0).ravel()).reshape(arr.shape)
    return upper & (arr > ZERO_TOLERANCE)


def concepts_per_node(carriers: np.ndarray) -> np.ndarray:
    """How many concepts each unit carries: ``(C, N)`` bool → ``(N,)`` int64 in ``0..C``."""
    return np.asarray(carriers, dtype=bool).sum(axis=0).astype(np.int64)


def nodes_per_concept(carriers: np.ndarray) -> np.ndarray:
    """How many units carry each concept: ``(C, N)`` bool → ``(C,)`` int64 in ``0..N``."""
    return np.asarray(carriers, dtype=bool).sum(axis=1).astype(np.int64)


def network_stability_table(
    R: np.ndarray,
    start: int,
    *,
    concept_names: Sequence[str] | None = None,
    method: str = "kmeans",
) -> pd.DataFrame:
    """Stability of one network, tidy: one row per concept and measure.

    Parameters
    ----------
    R
        ``(T, C, N)`` relay values over time.
    start
        The analysis step ``t_k`` (0-based), first step of the consecutive pairs.
    concept_names
        Labels of the ``C`` concepts (default ``"0"``, ``"1"``, …).
    method
        Carrier method for the overlap (:func:`carrier_sets`).

    Returns
    -------
    pandas.DataFrame
        Columns ``concept``, ``measure`` (``"r"`` | ``"overlap"``), ``value`` (mean over the
        consecutive pairs where the measure is defined; ``NaN`` if none is), ``n_pairs`` (pairs
        available), ``n_defined`` (pairs where it was defined).
    """
    arr = _as_relay(R)
    names = concept_labels(concept_names, arr.shape[1])
    rows = []
    for measure, values in (
        ("r", consecutive_correlation(arr, start)),
        ("overlap", carrier_overlap(arr, start, method=method)),
    ):
        n_defined = np.sum(np.isfinite(values), axis=0)
        sums = np.nansum(values, axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            means = np.where(n_defined > 0, sums / np.maximum(n_defined, 1), np.nan)
        for c, name in enumerate(names):
            rows.append(
                {
                    "concept": name,
                    "measure": measure,
                    "value": float(means[c]),
                    "n_pairs": int(values.shape[0]),
                    "n_defined": int(n_defined[c]),
                }
            )
    return pd.DataFrame(rows, columns=["concept", "measure", "value", "n_pairs", "n_defined"])


def distribution_table(
    M: np.ndarray, *, concept_names: Sequence[str] | None = None
) -> pd.DataFrame:
    """The concept distribution of one network at the analysis step, tidy: one row per (concept, unit).

    Returns
    -------
    pandas.DataFrame
        Columns ``concept``, ``unit`` (0-based), ``relay`` (the value of ``M``), ``carrier``
        (bool, :func:`concept_distribution`).
    """
    arr = np.asarray(M, dtype=np.float64)
    carriers = concept_distribution(arr)
    names = concept_labels(concept_names, arr.shape[0])
    n_c, n_u = arr.shape
    return pd.DataFrame(
        {
            "concept": np.repeat(names, n_u),
            "unit": np.tile(np.arange(n_u, dtype=np.int64), n_c),
            "relay": arr.ravel(),
            "carrier": carriers.ravel(),
        }
    )
