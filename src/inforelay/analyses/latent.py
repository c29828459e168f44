"""Latent space of the hidden states: PCA, and cluster quality as units are removed (Figs. 12/13).

The paper projects the hidden states at the analysis step ``t_k`` onto their first two principal
components, colours the points by the concept states, and then removes units from the PCA, either
in relay order (least relaying first, from the greedy search) or in random orders, tracking how
well each concept's two classes (concept bit 0 / 1) stay separated in the projection.

numpy and scikit-learn only (no torch). The removal analysis runs (1 relay + 50 random orders) ×
12 removal steps × 3 concepts per network, so it is vectorized:

- PCA of a unit subset is the eigen-decomposition of the matching sub-matrix of the covariance of
  all units, computed once (exactly what :class:`sklearn.decomposition.PCA` computes, up to the sign
  of the components, which no score depends on); distinct subsets are found once and shared by all
  orders and concepts;
- the three cluster scores are computed for a batch of projections and all concepts at once
  (:func:`cluster_scores`), following :func:`sklearn.metrics.silhouette_score`,
  :func:`sklearn.metrics.davies_bouldin_score` and :func:`sklearn.metrics.calinski_harabasz_score`
  (``tests/test_latent.py`` checks them against scikit-learn: Davies–Bouldin and
  Calinski–Harabasz to 1e-9; silhouette, whose pairwise distances are summed in float32 cache-sized
  blocks for speed, to 1e-5);
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

from inforelay.core.seeding import derive_rng

__all__ = [
    "SCORES",
    "HIGHER_IS_BETTER",
    "pca_projection",
    "concept_state_codes",
    "stratified_subsample",
    "cluster_scores",
    "random_orders",
    "removal_cluster_scores",
]

SCORES = ("silhouette", "davies_bouldin", "calinski_harabasz")
#: Direction of each score: ``True`` when a larger value means better separated clusters.
HIGHER_IS_BETTER = {"silhouette": True, "davies_bouldin": False, "calinski_harabasz": True}

_COLUMNS = ["concept", "removal", "draw", "n_removed", *SCORES]
#: Distances computed per block (float32, sized to stay in the CPU cache) and subsets per block.
_BLOCK_ELEMENTS = 2**16
_SUBSETS_PER_BLOCK = 8


def _as_states(states: np.ndarray) -> np.ndarray:
    x = np.asarray(states, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"states must be (n, N), got shape {x.shape}")
    if x.shape[0] < 2 or x.shape[1] < 1:
        raise ValueError(f"states need at least 2 samples and 1 unit, got shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError("states hold non-finite values")
    return x


def _as_concepts(concepts: np.ndarray, n: int) -> np.ndarray:
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


def _class_distance_sums(points: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Summed Euclidean distances from every point to weighted points of the same cloud.

    ``points`` ``(B, n, d)``, ``weights`` ``(n, K)`` → ``(B, n, K)`` with
    ``out[b, i, k] = Σ_j ||p_bi − p_bj|| · weights[j, k]``. The distances (the O(n²) part of the
    silhouette score) are computed in float32 square blocks small enough to stay in the CPU
    cache, only for the upper triangle of blocks (the matrix is symmetric: each off-diagonal
    block serves its rows and, transposed, its columns), and are never held as a full matrix.
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
    p = np.asarray(points, dtype=np.float64)
    unbatched = p.ndim == 2
    if unbatched:
        p = p[None]
    if p.ndim != 3:
        raise ValueError(f"points must be (B, n, d) or (n, d), got shape {np.shape(points)}")
    b_total, n, _ = p.shape
    y = np.asarray(labels)
    if y.ndim == 1:
        y = y[:, None]
    if y.shape[0] != n:
        raise ValueError(f"labels have {y.shape[0]} samples, points have {n}")
    y = y.astype(np.float64)
    n1 = y.sum(axis=0)  # (K,)
    n0 = n - n1
    valid = (n1 > 0) & (n0 > 0)

    # --- centroids, within-class distances: O(n) ---
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
    db_zero = (np.maximum(spread0, spread1) <= 1e-8) | (centroid_dist <= 1e-8)
    db = np.where(db_zero, 0.0, db)

    extra = n1 * np.sum((mu1 - mu[:, None, :]) ** 2, axis=-1) + n0 * np.sum(
        (mu0 - mu[:, None, :]) ** 2, axis=-1
    )
    intra = sq_own.sum(axis=1)  # (B, K)
    with np.errstate(invalid="ignore", divide="ignore"):
        ch = np.where(intra == 0.0, 1.0, extra * (n - 2) / intra)

    # --- silhouette: O(n^2) distance sums, blocked ---
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
    sil = s.mean(axis=1)

    out = {"silhouette": sil, "davies_bouldin": db, "calinski_harabasz": ch}
    for key in out:
        out[key] = np.where(valid[None, :], out[key], np.nan)
        if unbatched:
            out[key] = out[key][0]
    return out


def random_orders(n_units: int, n_orders: int, rng: np.random.Generator) -> np.ndarray:
    """``(n_orders, n_units)`` random permutations of the units (removal orders)."""
    if n_orders < 0:
        raise ValueError(f"n_random must be >= 0 (latent.n_random_orders), got {n_orders}")
    return np.argsort(rng.random((n_orders, n_units)), axis=1).astype(np.int64)


def _check_orders(relay_order: np.ndarray, n_concepts: int, n_units: int) -> np.ndarray:
    orders = np.asarray(relay_order)
    if orders.ndim == 1:
        orders = orders[None]
    if orders.shape != (n_concepts, n_units):
        raise ValueError(
            f"relay_order must be (C, N) = ({n_concepts}, {n_units}), got shape {np.shape(relay_order)}"
        )
    if not np.issubdtype(orders.dtype, np.integer):
        raise ValueError(f"relay_order must hold unit indices (integers), got dtype {orders.dtype}")
    expected = np.arange(n_units)
    for c, row in enumerate(orders):
        if not np.array_equal(np.sort(row), expected):
            raise ValueError(f"relay_order[{c}] is not a permutation of the {n_units} units")
    return orders.astype(np.int64)


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
        (:attr:`inforelay.relay.search.RelayOverTime.order` at ``t_k``).
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
        Tidy, one row per (concept, removal, draw, n_removed): columns ``concept``, ``removal``
        (``"relay"`` | ``"random"``), ``draw`` (0 for relay; 0..n_random-1 for random),
        ``n_removed``, ``silhouette`` (higher = better separated), ``davies_bouldin`` (LOWER =
        better separated), ``calinski_harabasz`` (higher = better separated). ``attrs`` holds
        ``n_samples`` (scored samples) and ``n_fit`` (PCA samples).
    """
    x = _as_states(states)
    n, n_units = x.shape
    bits = _as_concepts(concepts, n)
    n_concepts = bits.shape[1]
    orders = _check_orders(relay_order, n_concepts, n_units)
    if concept_names is None:
        names = [str(c) for c in range(n_concepts)]
    else:
        names = [str(c) for c in concept_names]
        if len(names) != n_concepts:
            raise ValueError(f"{len(names)} concept names for {n_concepts} concepts")

    rng = derive_rng("latent", int(seed))
    sub = stratified_subsample(concept_state_codes(bits), int(max_samples), rng)
    rand = random_orders(n_units, int(n_random), rng)

    mean = x.mean(axis=0)
    xc = x - mean
    cov = (xc.T @ xc) / (n - 1)
    xs = xc[sub]  # (ns, N) centered with the full-sample mean
    labels = bits[sub]

    all_orders = np.concatenate([orders, rand], axis=0)  # (C + R, N)
    n_orders = all_orders.shape[0]
    # scores[r] : (n_orders, C, 3) for n_removed = r
    result = np.empty((n_units, n_orders, n_concepts, len(SCORES)))
    for r in range(n_units):
        m = n_units - r
        masks = np.zeros((n_orders, n_units), dtype=bool)
        np.put_along_axis(masks, all_orders[:, r:], True, axis=1)
        uniq, inverse = np.unique(masks, axis=0, return_inverse=True)
        inverse = np.asarray(inverse).reshape(-1)
        idx = np.nonzero(uniq)[1].reshape(uniq.shape[0], m)  # sorted remaining units per subset
        sub_cov = cov[idx[:, :, None], idx[:, None, :]]  # (B, m, m)
        _, vecs = np.linalg.eigh(sub_cov)  # ascending eigenvalues
        d = min(2, m)
        w = vecs[:, :, ::-1][:, :, :d]  # (B, m, d): leading components
        proj = np.einsum("nbm,bmd->bnd", xs[:, idx], w)  # (B, ns, d)
        scores = cluster_scores(proj, labels)
        stacked = np.stack([scores[s] for s in SCORES], axis=-1)  # (B, C, 3)
        result[r] = stacked[inverse]

    rows_concept, rows_removal, rows_draw, rows_nrem, rows_scores = [], [], [], [], []
    removed = np.arange(n_units)
    for c, name in enumerate(names):
        # relay order of concept c
        rows_concept.append(np.full(n_units, name, dtype=object))
        rows_removal.append(np.full(n_units, "relay", dtype=object))
        rows_draw.append(np.zeros(n_units, dtype=np.int64))
        rows_nrem.append(removed)
        rows_scores.append(result[:, c, c, :])
        # random orders
        rs = result[:, n_concepts:, c, :]  # (N, R, 3)
        rs = np.transpose(rs, (1, 0, 2)).reshape(-1, len(SCORES))  # draw-major
        rows_concept.append(np.full(rs.shape[0], name, dtype=object))
        rows_removal.append(np.full(rs.shape[0], "random", dtype=object))
        rows_draw.append(np.repeat(np.arange(int(n_random), dtype=np.int64), n_units))
        rows_nrem.append(np.tile(removed, int(n_random)))
        rows_scores.append(rs)
    sc = np.concatenate(rows_scores, axis=0)
    df = pd.DataFrame(
        {
            "concept": np.concatenate(rows_concept).astype(str),
            "removal": np.concatenate(rows_removal).astype(str),
            "draw": np.concatenate(rows_draw),
            "n_removed": np.concatenate(rows_nrem).astype(np.int64),
            **{s: sc[:, i] for i, s in enumerate(SCORES)},
        },
        columns=_COLUMNS,
    )
    df.attrs["n_samples"] = int(sub.shape[0])
    df.attrs["n_fit"] = int(n)
    return df
