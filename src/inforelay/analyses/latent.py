"""Latent space of the hidden states: PCA, and cluster quality as units are removed (Figs. 12/13).

The paper projects the hidden states at the analysis step ``t_k`` onto their first two principal
components, colours the points by the concept states, and then removes units from the PCA, either
in relay order (least relaying first, from the greedy search) or in random orders, tracking how
well each concept's two classes (concept bit 0 / 1) stay separated in the projection
(``docs/method.md``, latent space).

numpy and scikit-learn only (no torch). The removal analysis runs (1 relay + 50 random orders) ×
12 removal steps × 3 concepts per network, so it is vectorized:

- PCA of a unit subset is the eigen-decomposition of the matching sub-matrix of the covariance of
  all units, computed once (exactly what :class:`sklearn.decomposition.PCA` computes, up to the sign
  of the components, which no score depends on); distinct subsets are found once and shared by all
  orders and concepts;
- the three cluster scores are computed for a batch of projections and all concepts at once
  (:func:`inforelay.analyses.latent_scores.cluster_scores`, equal to scikit-learn's);
- silhouette is O(n²), so the scores use a stratified subsample of at most ``max_samples``
  sequences (stratified by the 2**C concept states); the PCA is fitted on all samples.

Score directions: silhouette — higher is better separated (range −1..1); Davies–Bouldin — LOWER is
better separated (≥ 0); Calinski–Harabasz — higher is better separated (≥ 0). See
``docs/method.md`` (the paper's Fig. 13 caption states the Davies–Bouldin and Calinski–Harabasz
directions the wrong way round).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from inforelay.analyses.checks import finite_array, permutation_rows
from inforelay.analyses.latent_scores import HIGHER_IS_BETTER, SCORES, cluster_scores
from inforelay.core.seeding import derive_rng
from inforelay.tasks import concept_labels

__all__ = [
    "SCORES",
    "HIGHER_IS_BETTER",
    "pca_projection",
    "concept_state_codes",
    "stratified_subsample",
    "cluster_scores",
    "random_orders",
    "removal_cluster_scores",
    "state_separation",
    "STATES_LABEL",
]

#: the ``concept`` label of the rows that score all ``2**C`` concept states at once
STATES_LABEL = "states"

_COLUMNS = ["concept", "removal", "draw", "n_removed", *SCORES]


def _as_states(states: np.ndarray) -> np.ndarray:
    """``(n, N)`` float64 states with at least two samples and one unit, all finite."""
    return finite_array(states, "states", ("n", "N"), minimum={"n": 2, "N": 1})


def _as_concepts(concepts: np.ndarray, n: int) -> np.ndarray:
    """``(n, C)`` int8 concept bits (a 1-D array is one concept)."""
    c = np.asarray(concepts)
    if c.ndim == 1:
        c = c[:, None]
    if c.ndim != 2 or c.shape[0] != n:
        raise ValueError(f"concepts must be (n, C) with n = {n}, got shape {np.shape(concepts)}")
    if not np.isin(c, (0, 1)).all():
        raise ValueError("concepts must be 0/1 concept bits")
    return c.astype(np.int8)


def pca_projection(states: np.ndarray, n_components: int = 2) -> np.ndarray:
    """Project states onto their first principal components (:class:`sklearn.decomposition.PCA`).

    Parameters
    ----------
    states
        ``(n, N)`` activations (e.g. ``hidden[:, t_k, :]``).
    n_components
        Components to keep; at most ``N`` are returned.

    Returns
    -------
    np.ndarray
        ``(n, min(n_components, N, n))`` float64 coordinates.
    """
    from sklearn.decomposition import PCA

    x = _as_states(states)
    k = int(min(n_components, x.shape[1], x.shape[0]))
    if k < 1:
        raise ValueError(f"n_components must be >= 1, got {n_components}")
    return PCA(n_components=k, svd_solver="full").fit_transform(x)


def concept_state_codes(concepts: np.ndarray) -> np.ndarray:
    """Concept bits ``(n, C)`` → the concept state as an integer ``Σ bit_c · 2**(C-1-c)`` (``(n,)``).

    For three concepts these are the paper's 8 states (Fig. 12), ``0`` = all bits 0, ``7`` = all 1.
    """
    c = np.asarray(concepts)
    if c.ndim == 1:
        c = c[:, None]
    weights = 2 ** np.arange(c.shape[1] - 1, -1, -1, dtype=np.int64)
    return (c.astype(np.int64) * weights).sum(axis=1)


def stratified_subsample(
    strata: np.ndarray, max_samples: int, rng: np.random.Generator
) -> np.ndarray:
    """Indices of at most ``max_samples`` samples, proportionally stratified by ``strata``.

    Uses :func:`sklearn.utils.resample` (without replacement, ``stratify=strata``). With
    ``max_samples >= n`` every sample is kept. Returned indices are sorted.
    """
    from sklearn.utils import resample

    strata = np.asarray(strata)
    n = strata.shape[0]
    if max_samples < 2:
        raise ValueError(f"max_samples must be >= 2 (latent.max_samples), got {max_samples}")
    if n <= max_samples:
        return np.arange(n, dtype=np.int64)
    seed = int(rng.integers(0, 2**32 - 1))
    idx = resample(
        np.arange(n), replace=False, n_samples=int(max_samples), stratify=strata, random_state=seed
    )
    return np.sort(np.asarray(idx, dtype=np.int64))


def random_orders(n_units: int, n_orders: int, rng: np.random.Generator) -> np.ndarray:
    """``(n_orders, n_units)`` random permutations of the units (removal orders)."""
    if n_orders < 0:
        raise ValueError(f"n_random must be >= 0 (latent.n_random_orders), got {n_orders}")
    return np.argsort(rng.random((n_orders, n_units)), axis=1).astype(np.int64)


def _check_orders(relay_order: np.ndarray, n_concepts: int, n_units: int) -> np.ndarray:
    """``(C, N)`` int64 removal orders, one permutation of the units per concept."""
    orders = np.asarray(relay_order)
    if orders.ndim == 1:
        orders = orders[None]
    if orders.shape != (n_concepts, n_units):
        raise ValueError(
            f"relay_order must be (C, N) = ({n_concepts}, {n_units}), got shape {np.shape(relay_order)}"
        )
    return permutation_rows(orders, "relay_order", integers=True)


def _scores_after_removal(
    cov: np.ndarray, xs: np.ndarray, labels: np.ndarray, remaining: np.ndarray
) -> np.ndarray:
    """Scores ``(orders, C, 3)`` of the PCA of each order's ``remaining`` units ``(orders, m)``.

    Distinct unit subsets are projected and scored once: the leading eigenvectors of the
    subset's covariance sub-matrix are its principal components.
    """
    n_orders, m = remaining.shape
    masks = np.zeros((n_orders, cov.shape[0]), dtype=bool)
    np.put_along_axis(masks, remaining, True, axis=1)
    uniq, inverse = np.unique(masks, axis=0, return_inverse=True)
    idx = np.nonzero(uniq)[1].reshape(uniq.shape[0], m)  # sorted remaining units per subset
    sub_cov = cov[idx[:, :, None], idx[:, None, :]]  # (B, m, m)
    _, vecs = np.linalg.eigh(sub_cov)  # ascending eigenvalues
    w = vecs[:, :, ::-1][:, :, : min(2, m)]  # (B, m, d): leading components
    proj = np.einsum("nbm,bmd->bnd", xs[:, idx], w)  # (B, ns, d)
    scores = cluster_scores(proj, labels)
    stacked = np.stack([scores[s] for s in SCORES], axis=-1)  # (B, C, 3)
    return stacked[np.asarray(inverse).reshape(-1)]


def _removal_scores(
    x: np.ndarray, sub: np.ndarray, labels: np.ndarray, orders: np.ndarray
) -> np.ndarray:
    """``(N, orders, C, 3)`` scores after ``r = 0 .. N-1`` removals along each order.

    The PCA uses the covariance of all samples; only the subsample ``sub`` is projected and scored.
    """
    n, n_units = x.shape
    xc = x - x.mean(axis=0)
    cov = (xc.T @ xc) / (n - 1)
    xs = xc[sub]  # (ns, N) centered with the full-sample mean
    result = np.empty((n_units, orders.shape[0], labels.shape[1], len(SCORES)))
    for r in range(n_units):
        result[r] = _scores_after_removal(cov, xs, labels, orders[:, r:])
    return result


def _removal_table(result: np.ndarray, names: list[str], n_random: int) -> pd.DataFrame:
    """Tidy table of :func:`removal_cluster_scores` from ``(N, C + n_random, C, 3)`` scores."""
    n_units, n_concepts = result.shape[0], len(names)
    removed = np.arange(n_units)
    random_draws = np.repeat(np.arange(n_random, dtype=np.int64), n_units)
    # per concept: its own relay order, then the shared random orders draw by draw
    blocks = []  # (concept, removal, draw, n_removed, scores)
    for c, name in enumerate(names):
        rand = np.transpose(result[:, n_concepts:, c, :], (1, 0, 2)).reshape(-1, len(SCORES))
        blocks.append((name, "relay", np.zeros(n_units, dtype=np.int64), removed, result[:, c, c]))
        blocks.append((name, "random", random_draws, np.tile(removed, n_random), rand))

    def column(i: int) -> np.ndarray:
        return np.concatenate([block[i] for block in blocks])

    def labels(i: int) -> np.ndarray:
        return np.concatenate([np.full(len(b[4]), b[i], dtype=object) for b in blocks]).astype(str)

    scores = column(4)
    return pd.DataFrame(
        {
            "concept": labels(0),
            "removal": labels(1),
            "draw": column(2),
            "n_removed": column(3).astype(np.int64),
            **{s: scores[:, i] for i, s in enumerate(SCORES)},
        },
        columns=_COLUMNS,
    )


def removal_cluster_scores(
    states: np.ndarray,
    concepts: np.ndarray,
    relay_order: np.ndarray,
    *,
    n_random: int = 50,
    max_samples: int = 800,
    seed: int,
    concept_names: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Cluster separation of each concept as units are removed from the PCA (paper Fig. 13).

    For every concept ``c``, units are removed one at a time (``n_removed = 0 .. N-1``, at least
    one unit stays) in the relay order of ``c`` (least relaying first) and in ``n_random`` random
    orders; after each removal the remaining units are projected onto their first two principal
    components (one when a single unit remains) and the separation of the concept's two classes
    is scored.

    Parameters
    ----------
    states
        ``(n, N)`` hidden states at the analysis step ``t_k``.
    concepts
        ``(n, C)`` 0/1 concept bits.
    relay_order
        ``(C, N)`` greedy removal order per concept, least relaying first
        (:attr:`inforelay.relay.RelayOverTime.order` at ``t_k``).
    n_random
        Random removal orders (``latent.n_random_orders``); the same orders serve every concept.
    max_samples
        Samples used for the scores (``latent.max_samples``): a subsample stratified by the
        concept states, because silhouette costs O(n²). The PCA is fitted on all ``n`` samples.
    seed
        Integer seed; the subsample and the random orders come from
        ``inforelay.core.seeding.derive_rng("latent", seed)``.
    concept_names
        Labels of the concepts (default ``"0"``, ``"1"``, …).

    Returns
    -------
    pandas.DataFrame
        Tidy, one row per (concept, removal, draw, n_removed), and a last row (concept
        :data:`STATES_LABEL`, removal ``"none"``) that scores all concept states at once
        (:func:`state_separation`): columns ``concept``, ``removal``
        (``"relay"`` | ``"random"`` | ``"none"``), ``draw`` (0 for relay; 0..n_random-1 for random),
        ``n_removed``, ``silhouette`` (higher = better separated), ``davies_bouldin`` (LOWER =
        better separated), ``calinski_harabasz`` (higher = better separated). ``attrs`` holds
        ``n_samples`` (scored samples) and ``n_fit`` (PCA samples).
    """
    x = _as_states(states)
    n, n_units = x.shape
    bits = _as_concepts(concepts, n)
    orders = _check_orders(relay_order, bits.shape[1], n_units)
    names = concept_labels(concept_names, bits.shape[1])
    rng = derive_rng("latent", int(seed))
    sub = stratified_subsample(concept_state_codes(bits), int(max_samples), rng)
    rand = random_orders(n_units, int(n_random), rng)
    result = _removal_scores(x, sub, bits[sub], np.concatenate([orders, rand], axis=0))
    df = _removal_table(result, names, int(n_random))
    states_row = state_separation(x, bits, sub)
    df = pd.concat([df, pd.DataFrame([states_row], columns=_COLUMNS)], ignore_index=True)
    df.attrs["n_samples"] = int(sub.shape[0])
    df.attrs["n_fit"] = int(n)
    return df


def state_separation(states: np.ndarray, concepts: np.ndarray, sample: np.ndarray) -> dict[str, object]:
    """How well the first two principal components of ``states`` separate the ``2**C`` concept
    states (the paper's Fig. 12): scikit-learn's three cluster scores with the states as labels.

    The PCA is fitted on all samples and the scores use the rows ``sample`` (as in
    :func:`removal_cluster_scores`). Returns one table row: ``concept`` :data:`STATES_LABEL`,
    ``removal`` ``"none"``, ``draw`` 0, ``n_removed`` 0 and the scores (``nan`` when fewer than two
    states occur).
    """
    from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score, silhouette_score

    projection = pca_projection(states, 2)[sample]
    labels = concept_state_codes(concepts[sample])
    row: dict[str, object] = {"concept": STATES_LABEL, "removal": "none", "draw": 0, "n_removed": 0}
    if np.unique(labels).size < 2 or np.unique(labels).size >= len(labels):
        return {**row, **{score: float("nan") for score in SCORES}}
    functions = {
        "silhouette": silhouette_score,
        "davies_bouldin": davies_bouldin_score,
        "calinski_harabasz": calinski_harabasz_score,
    }
    return {**row, **{score: float(functions[score](projection, labels)) for score in SCORES}}
