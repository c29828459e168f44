"""Latent-space analysis: PCA, cluster scores (against scikit-learn) and relay-ordered removal."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.decomposition import PCA
from sklearn.metrics import (
    calinski_harabasz_score,
    davies_bouldin_score,
    silhouette_score,
)

from inforelay.analyses.latent import (
    HIGHER_IS_BETTER,
    SCORES,
    cluster_scores,
    concept_state_codes,
    pca_projection,
    removal_cluster_scores,
    stratified_subsample,
    state_separation,
)

SKLEARN = {
    "silhouette": silhouette_score,
    "davies_bouldin": davies_bouldin_score,
    "calinski_harabasz": calinski_harabasz_score,
}
TOLERANCE = {"silhouette": 1e-5, "davies_bouldin": 1e-9, "calinski_harabasz": 1e-9}


def synthetic_states(n: int = 1200, seed: int = 0):
    """Unit c (c = 0, 1, 2) carries concept c strongly; units 3..11 are noise with large variance."""
    rng = np.random.default_rng(seed)
    bits = rng.integers(0, 2, size=(n, 3)).astype(np.int8)
    states = rng.normal(0.0, 1.0, size=(n, 12))
    states[:, :3] = 3.0 * (2 * bits - 1) + rng.normal(0.0, 0.3, size=(n, 3))
    return states, bits


def relay_orders():
    """Least relaying first: the concept's own unit is removed last."""
    return np.array([[u for u in range(12) if u != c] + [c] for c in range(3)])


def test_pca_projection_matches_sklearn():
    states, _ = synthetic_states(300)
    ours = pca_projection(states)
    ref = PCA(n_components=2).fit_transform(states)
    assert ours.shape == (300, 2)
    # equal up to the sign of each component
    for k in range(2):
        assert np.allclose(np.abs(ours[:, k]), np.abs(ref[:, k]), atol=1e-8)
    assert pca_projection(states[:, :1]).shape == (300, 1)


def test_cluster_scores_match_sklearn_including_degenerate_cases():
    rng = np.random.default_rng(3)
    points = rng.normal(size=(5, 250, 2))
    points[1, :, 1] = 0.0  # one-dimensional cloud
    points[2] = 0.0  # all points coincide
    points[3, :, :] = np.round(points[3], 0)  # many duplicate points
    labels = (rng.random((250, 3)) < 0.3).astype(int)
    labels[:, 2] = 0
    labels[7, 2] = 1  # a singleton class
    got = cluster_scores(points, labels)
    for score in SCORES:
        assert got[score].shape == (5, 3)
        for b in range(5):
            for k in range(3):
                ref = SKLEARN[score](points[b], labels[:, k])
                assert got[score][b, k] == pytest.approx(
                    ref, abs=TOLERANCE[score], rel=TOLERANCE[score]
                ), (score, b, k)


def test_cluster_scores_single_class_is_nan():
    points = np.random.default_rng(0).normal(size=(20, 2))
    got = cluster_scores(points, np.zeros(20, dtype=int))
    assert all(np.isnan(got[s][0]) for s in SCORES)


def test_stratified_subsample_keeps_state_proportions():
    _, bits = synthetic_states(2000)
    codes = concept_state_codes(bits)
    assert codes.min() == 0 and codes.max() == 7
    idx = stratified_subsample(codes, 400, np.random.default_rng(0))
    assert len(idx) == 400 and len(np.unique(idx)) == 400
    full = np.bincount(codes, minlength=8) / len(codes)
    sub = np.bincount(codes[idx], minlength=8) / len(idx)
    assert np.abs(full - sub).max() < 0.01
    assert len(stratified_subsample(codes, 5000, np.random.default_rng(0))) == 2000


def test_removal_table_layout():
    states, bits = synthetic_states(300)
    df = removal_cluster_scores(
        states,
        bits,
        relay_orders(),
        n_random=5,
        max_samples=200,
        seed=1,
        concept_names=("A", "B", "C"),
    )
    assert list(df.columns) == ["concept", "removal", "draw", "n_removed", *SCORES]
    assert len(df) == 3 * (1 + 5) * 12 + 1
    states_row = df.iloc[-1]
    assert (states_row["concept"], states_row["removal"], states_row["n_removed"]) == ("states", "none", 0)
    df = df.iloc[:-1]
    assert set(df["concept"]) == {"A", "B", "C"}
    assert df.loc[df["removal"] == "relay", "draw"].eq(0).all()
    assert sorted(df.loc[df["removal"] == "random", "draw"].unique()) == list(range(5))
    assert df["n_removed"].between(0, 11).all()
    assert df.attrs["n_samples"] == 200 and df.attrs["n_fit"] == 300
    # nothing removed: the same projection for every order
    zero = df[df["n_removed"] == 0].groupby("concept")["silhouette"].nunique()
    assert (zero == 1).all()


def test_relay_order_removal_keeps_the_concept_separated_random_removal_does_not():
    states, bits = synthetic_states()
    df = removal_cluster_scores(states, bits, relay_orders(), n_random=30, max_samples=600, seed=2)
    for c in ("0", "1", "2"):
        sub = df[df["concept"] == c]
        relay = sub[sub["removal"] == "relay"].set_index("n_removed")
        rand = sub[sub["removal"] == "random"].groupby("n_removed")[list(SCORES)].mean()
        # with only the concept's own unit left the classes separate almost perfectly
        assert relay.loc[11, "silhouette"] > 0.8
        assert relay.loc[11, "davies_bouldin"] < 0.3
        late = slice(6, 11)
        for score in SCORES:
            r, q = relay.loc[late, score].mean(), rand.loc[late, score].mean()
            assert (r > q) if HIGHER_IS_BETTER[score] else (r < q), score


def test_state_separation_scores_the_eight_states_with_sklearn():
    from sklearn.metrics import silhouette_score

    rng = np.random.default_rng(3)
    bits = rng.integers(0, 2, (400, 3))
    codes = concept_state_codes(bits)
    # the 8 states sit on a circle in a 2-D plane of a 12-D space: PCA resolves them
    angle = 2 * np.pi * codes / 8
    states = np.zeros((400, 12))
    states[:, 0], states[:, 1] = np.cos(angle), np.sin(angle)
    states += rng.normal(0, 0.05, states.shape)
    row = state_separation(states, bits, np.arange(400))
    assert row["concept"] == "states" and row["removal"] == "none"
    assert row["silhouette"] == pytest.approx(silhouette_score(pca_projection(states), codes))
    assert row["silhouette"] > 0.7
    noise = state_separation(rng.normal(size=(400, 12)), bits, np.arange(400))
    assert abs(noise["silhouette"]) < 0.1


def test_removal_scores_equal_sklearn_on_the_same_projection():
    states, bits = synthetic_states(200)
    order = relay_orders()
    df = removal_cluster_scores(states, bits, order, n_random=0, max_samples=1000, seed=0)
    for n_removed in (0, 5, 10, 11):
        keep = order[1, n_removed:]
        proj = PCA(n_components=min(2, len(keep))).fit_transform(states[:, keep])
        row = df[(df["concept"] == "1") & (df["n_removed"] == n_removed)].iloc[0]
        for score in SCORES:
            ref = SKLEARN[score](proj, bits[:, 1])
            assert row[score] == pytest.approx(ref, rel=1e-4, abs=1e-5), (n_removed, score)


def test_removal_is_deterministic_and_validates_inputs():
    states, bits = synthetic_states(200)
    a = removal_cluster_scores(states, bits, relay_orders(), n_random=4, max_samples=100, seed=5)
    b = removal_cluster_scores(states, bits, relay_orders(), n_random=4, max_samples=100, seed=5)
    assert a.equals(b)
    bad = relay_orders()
    bad[0, 0] = bad[0, 1]
    with pytest.raises(ValueError, match="permutation"):
        removal_cluster_scores(states, bits, bad, n_random=1, seed=0)
    with pytest.raises(ValueError, match="relay_order"):
        removal_cluster_scores(states, bits, relay_orders()[:2], n_random=1, seed=0)
    with pytest.raises(ValueError, match="concepts"):
        removal_cluster_scores(states, bits[:10], relay_orders(), n_random=1, seed=0)


def test_argument_checks_name_the_argument():
    from inforelay.analyses.checks import finite_array, permutation_rows

    assert finite_array([[1, 2]], "M", ("C", "N")).dtype == np.float64
    with pytest.raises(ValueError, match=r"states must be \(n, N\)"):
        finite_array(np.zeros(3), "states", ("n", "N"))
    with pytest.raises(ValueError, match="states needs n >= 2"):
        finite_array(np.zeros((1, 3)), "states", ("n", "N"), minimum={"n": 2})
    with pytest.raises(ValueError, match="M holds non-finite"):
        finite_array([[np.nan, 1.0]], "M", ("C", "N"))
    assert permutation_rows(np.array([[1.0, 0.0]]), "order").dtype == np.int64
    with pytest.raises(ValueError, match="integers"):
        permutation_rows(np.array([[1.0, 0.0]]), "order", integers=True)
    with pytest.raises(ValueError, match=r"order\[1\] is not a permutation"):
        permutation_rows(np.array([[0, 1], [1, 1]]), "order")


def test_states_must_be_finite_and_scores_have_one_home():
    from inforelay import analyses
    from inforelay.analyses import latent, latent_scores

    states, bits = synthetic_states(50)
    states[3, 2] = np.inf
    with pytest.raises(ValueError, match="states holds non-finite"):
        removal_cluster_scores(states, bits, relay_orders(), n_random=1, seed=0)
    assert latent.cluster_scores is latent_scores.cluster_scores is analyses.cluster_scores
    assert latent.SCORES is latent_scores.SCORES
