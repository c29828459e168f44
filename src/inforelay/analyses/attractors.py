"""Attractors of the delay: do the hidden states of each concept state converge while the network waits?

The paper reads its PCA (Fig. 12) as the network "forming one attractor for each potential
state". If it does, then during the delay (from the analysis step ``t_k`` to the last step before
the answer) the states of sequences that share a concept state draw together relative to the
distances between concept states, and at the end of the delay those groups are well separated.
Two numbers per network answer that (``docs/claims.md``, C20):

- ``dispersion`` at a step: the mean distance of each state from its concept state's centroid,
  divided by the mean distance between the concept states' centroids (scale-free, so a network
  that merely shrinks its states does not count); ``contraction`` = log(dispersion at the end /
  dispersion at ``t_k``), below 0 when the groups tighten;
- ``silhouette`` at a step: scikit-learn's silhouette of the full hidden states labelled by the
  ``2**C`` concept states, on a subsample stratified by concept state.

numpy and scikit-learn only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from inforelay.analyses.latent import concept_state_codes, stratified_subsample
from inforelay.core.seeding import derive_rng

__all__ = ["ATTRACTOR_COLUMNS", "attractor_scores", "state_dispersion"]

ATTRACTOR_COLUMNS = ["step_role", "step", "dispersion", "silhouette", "n_states", "n_samples"]


def state_dispersion(states: np.ndarray, codes: np.ndarray) -> float:
    """Mean distance to the own concept state's centroid over the mean distance between the
    centroids of the concept states present (``nan`` with fewer than two states or coincident
    centroids).

    Parameters
    ----------
    states
        ``(n, N)`` hidden states at one step.
    codes
        ``(n,)`` integer concept-state codes (:func:`inforelay.analyses.latent.concept_state_codes`).
    """
    x = np.asarray(states, dtype=np.float64)
    labels, inverse = np.unique(np.asarray(codes), return_inverse=True)
    if labels.size < 2:
        return float("nan")
    centroids = np.stack([x[inverse == i].mean(axis=0) for i in range(labels.size)])
    within = np.linalg.norm(x - centroids[inverse], axis=1).mean()
    i, j = np.triu_indices(labels.size, k=1)
    between = np.linalg.norm(centroids[i] - centroids[j], axis=1).mean()
    return float(within / between) if between > 0 else float("nan")


def attractor_scores(
    hidden: np.ndarray,
    concepts: np.ndarray,
    *,
    start_step: int,
    end_step: int,
    max_samples: int = 800,
    seed: int,
) -> pd.DataFrame:
    """Dispersion and silhouette of the concept states at the start and the end of the delay.

    Parameters
    ----------
    hidden
        ``(n, T, N)`` hidden states of one network on one data set (every sequence at the same
        delay, e.g. the held-out test set).
    concepts
        ``(n, C)`` 0/1 concept bits.
    start_step, end_step
        0-based steps: the analysis step ``t_k`` and the last step before the answer.
    max_samples
        Samples the silhouette uses (a subsample stratified by concept state; it costs O(n²)).
    seed
        Integer seed of the subsample (``derive_rng("attractors", seed)``).

    Returns
    -------
    pandas.DataFrame
        Rows ``step_role`` ``"start"`` and ``"end"`` with columns :data:`ATTRACTOR_COLUMNS`
        (one row when ``end_step == start_step``: a delay of one step has no course to follow).
    """
    h = np.asarray(hidden, dtype=np.float64)
    if h.ndim != 3:
        raise ValueError(f"hidden must be (n, T, N), got shape {h.shape}")
    n, n_steps, _ = h.shape
    if not 0 <= int(start_step) <= int(end_step) < n_steps:
        raise ValueError(
            f"need 0 <= start_step <= end_step < T = {n_steps}, got {start_step}, {end_step}"
        )
    codes = concept_state_codes(np.asarray(concepts))
    if codes.shape[0] != n:
        raise ValueError(f"concepts has {codes.shape[0]} rows for {n} sequences")
    sub = stratified_subsample(codes, int(max_samples), derive_rng("attractors", int(seed)))
    rows = []
    steps = [("start", int(start_step))] + ([("end", int(end_step))] if end_step > start_step else [])
    for role, step in steps:
        rows.append({
            "step_role": role,
            "step": step,
            "dispersion": state_dispersion(h[:, step], codes),
            "silhouette": _silhouette(h[sub, step], codes[sub]),
            "n_states": int(np.unique(codes).size),
            "n_samples": int(sub.size),
        })
    return pd.DataFrame(rows, columns=ATTRACTOR_COLUMNS)


def _silhouette(points: np.ndarray, labels: np.ndarray) -> float:
    from sklearn.metrics import silhouette_score

    if np.unique(labels).size < 2 or np.unique(labels).size >= labels.size:
        return float("nan")
    return float(silhouette_score(points, labels))
