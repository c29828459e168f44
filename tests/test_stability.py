"""Stability of relay over time, carrier sets and the concept distribution (known answers)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.cluster import KMeans

from inforelay.analyses.stability import (
    carrier_overlap,
    carrier_sets,
    concept_distribution,
    concepts_per_node,
    consecutive_correlation,
    distribution_table,
    jaccard,
    kmeans_split_1d,
    network_stability_table,
    nodes_per_concept,
)
from inforelay.pipeline.aggregate import (
    distribution_table as distribution_over_networks,
)
from inforelay.pipeline.aggregate import stability_table
from inforelay.relay import RelayOverTime, write_relay


def relay_matrix(seed: int = 0, n_steps: int = 15) -> np.ndarray:
    """(T, 3, 12): random before t = 9; from 9 on the same matrix, concept c on units 3c..3c+2."""
    rng = np.random.default_rng(seed)
    R = rng.uniform(0.0, 0.05, size=(n_steps, 3, 12))
    for c in range(3):
        R[9, c, 3 * c : 3 * c + 3] = [0.9, 0.8, 0.7]
    R[10:] = R[9]
    return R


def test_identical_relay_over_time_gives_r_one_and_full_overlap():
    R = relay_matrix()
    r = consecutive_correlation(R, start=9)
    assert r.shape == (5, 3)
    assert np.allclose(r, 1.0)
    assert np.allclose(carrier_overlap(R, start=9), 1.0)


def test_units_shuffled_every_step_give_low_r_and_overlap():
    rng = np.random.default_rng(1)
    R = relay_matrix()
    for t in range(10, 15):
        R[t] = R[t][:, rng.permutation(12)]
    r = consecutive_correlation(R, start=9)
    assert np.nanmean(r) < 0.3
    assert np.nanmean(carrier_overlap(R, start=9)) < 0.5


def test_pairs_start_at_the_analysis_step():
    R = relay_matrix()
    R[8] = R[8][:, ::-1]  # a change before t_k must not count
    assert np.allclose(consecutive_correlation(R, start=9), 1.0)
    assert consecutive_correlation(R, start=13).shape == (1, 3)
    with pytest.raises(ValueError, match="start"):
        consecutive_correlation(R, start=15)


def test_constant_vectors_give_nan_r():
    R = relay_matrix()
    R[11, 0] = 0.0  # nothing relayed at step 11 for concept 0
    r = consecutive_correlation(R, start=9)
    assert np.isnan(r[1, 0]) and np.isnan(r[2, 0])  # pairs (10, 11) and (11, 12)
    assert np.isfinite(r[:, 1:]).all()
    ov = carrier_overlap(R, start=9)
    assert ov[1, 0] == 0.0  # carriers at 10, none at 11: no overlap
    R[12, 0] = 0.0
    assert np.isnan(carrier_overlap(R, start=9)[2, 0])  # both empty: undefined


def test_anti_correlated_vectors():
    R = np.zeros((2, 1, 4))
    R[0, 0] = [1, 2, 3, 4]
    R[1, 0] = [4, 3, 2, 1]
    assert consecutive_correlation(R, 0)[0, 0] == pytest.approx(-1.0)


def test_carrier_sets_kmeans_and_positive():
    values = np.array([[0.0, 0.0, 0.8, 0.9, 0.05, 0.0], [0.0] * 6, [0.3] * 6])
    km = carrier_sets(values)
    assert km.tolist() == [
        [False, False, True, True, False, False],
        [False] * 6,  # nothing relayed: no carriers
        [True] * 6,  # all units relay equally: all carry
    ]
    # negative relay carries nothing and does not drag zero-relay units into the carriers
    assert (
        carrier_sets(np.array([-0.5, 0.0, 0.0, 0.01, 0.8, 0.9])).tolist()
        == [False] * 4 + [True] * 2
    )
    assert not carrier_sets(np.array([-0.5, 0.0, 0.0])).any()
    pos = carrier_sets(values, method="positive")
    assert pos[0].tolist() == [False, False, True, True, True, False]
    with pytest.raises(ValueError, match="carrier"):
        carrier_sets(values, method="bogus")


def test_jaccard():
    a = np.array([[1, 1, 0, 0], [0, 0, 0, 0]], dtype=bool)
    b = np.array([[0, 1, 1, 0], [0, 0, 0, 0]], dtype=bool)
    out = jaccard(a, b)
    assert out[0] == pytest.approx(1 / 3) and np.isnan(out[1])


def within_sse(x: np.ndarray, upper: np.ndarray) -> float:
    return float(sum(((x[g] - x[g].mean()) ** 2).sum() for g in (upper, ~upper) if g.any()))


def test_exact_1d_kmeans_is_at_least_as_good_as_sklearn():
    rng = np.random.default_rng(0)
    agree = 0
    for _ in range(40):
        x = rng.exponential(size=12) * (rng.random(12) < 0.6)
        ours = kmeans_split_1d(x)
        km = KMeans(n_clusters=2, n_init=5, random_state=0).fit(x[:, None])
        theirs = km.labels_ == np.argmax(km.cluster_centers_[:, 0])
        assert within_sse(x, ours) <= km.inertia_ + 1e-9
        agree += bool(np.array_equal(ours, theirs))
        # the upper cluster holds the largest values
        assert x[ours].min() > x[~ours].max()
    assert agree >= 32  # Lloyd's iterations mostly find the same (optimal) split


def test_kmeans_split_batches_rows():
    x = np.array([[0.0, 1.0, 0.9, 0.1], [5.0, 5.0, 0.0, 5.0]])
    assert kmeans_split_1d(x).tolist() == [[False, True, True, False], [True, True, False, True]]


def test_concept_distribution_block_structure():
    M = np.full((3, 12), 0.01)
    M[0, [0, 1, 2]] = 0.8
    M[1, [2, 3]] = 0.7
    M[2, [4, 5, 6, 7]] = 0.9
    carriers = concept_distribution(M)
    assert nodes_per_concept(carriers).tolist() == [3, 2, 4]
    assert concepts_per_node(carriers).tolist() == [1, 1, 2, 1, 1, 1, 1, 1, 0, 0, 0, 0]
    assert not concept_distribution(np.zeros((3, 12))).any()
    negative = M.copy()
    negative[1, 10] = -2.0  # negative relay neither carries nor moves the split
    assert np.array_equal(concept_distribution(negative), carriers)
    table = distribution_table(M, concept_names=("A", "B", "C"))
    assert list(table.columns) == ["concept", "unit", "relay", "carrier"]
    assert len(table) == 36
    assert table.groupby("concept")["carrier"].sum().tolist() == [3, 2, 4]


def test_network_stability_table():
    df = network_stability_table(relay_matrix(), 9, concept_names=("A", "B", "C"))
    assert list(df.columns) == ["concept", "measure", "value", "n_pairs", "n_defined"]
    assert len(df) == 6
    assert np.allclose(df["value"], 1.0)
    assert (df["n_pairs"] == 5).all() and (df["n_defined"] == 5).all()


def fake_relay(R: np.ndarray, analysis_step: int = 9) -> RelayOverTime:
    T, C, N = R.shape
    order = np.argsort(R, axis=2, kind="stable")
    curve = np.zeros((T, C, N + 1))
    curve[..., 0] = R.sum(axis=2)
    return RelayOverTime(
        contribution=R,
        node_relay=R * 2.0,
        full=R.sum(axis=2),
        order=order,
        curve=curve,
        null_mean=None,
        p_value=None,
        analysis_step=analysis_step,
        n_samples=100,
        method="kmeans",
    )


def test_tables_over_networks_from_relay_files(tmp_path):
    files = []
    for rep, shuffle in enumerate((False, True)):
        R = relay_matrix(seed=rep)
        if shuffle:
            rng = np.random.default_rng(5)
            for t in range(10, 15):
                R[t] = R[t][:, rng.permutation(12)]
        path = tmp_path / f"rep-{rep:02d}.h5"
        write_relay(path, {"hidden": fake_relay(R)})
        keys = {"task": "memory", "model": "rnn", "delay_regime": "random", "replicate": rep}
        files.append((keys, path))
    df = stability_table(files)
    assert list(df.columns[:4]) == ["task", "model", "delay_regime", "replicate"]
    assert set(df["concept"]) == {"A", "B", "C"}
    assert set(df["window"]) == {"all", "first", "late"}
    all_pairs, first = df[df["window"] == "all"], df[df["window"] == "first"]
    assert all_pairs["n_pairs"].eq(5).all() and first["n_pairs"].eq(1).all()
    assert df.loc[df["window"] == "late", "n_pairs"].eq(2).all()  # (12, 13), (13, 14)
    means = all_pairs[all_pairs["measure"] == "r"].groupby("replicate")["value"].mean()
    assert means[0] == pytest.approx(1.0) and means[1] < 0.5
    # the first window is the pair (t_k, t_k + 1) alone
    one = network_stability_table(relay_matrix(seed=0)[:11], 9, concept_names=("A", "B", "C"))
    got = first[first["replicate"] == 0].reset_index(drop=True)
    np.testing.assert_allclose(got["value"], one["value"])
    dist = distribution_over_networks(files)
    assert len(dist) == 2 * 36
    assert dist.groupby(["replicate", "concept"])["carrier"].sum().eq(3).all()
    with pytest.raises(ValueError, match="cell"):
        stability_table(files, state="cell")
    with pytest.raises(FileNotFoundError, match="missing.h5"):
        stability_table([(files[0][0], tmp_path / "missing.h5")])


def test_group_mean_ci_per_group():
    import pandas as pd
    from scipy import stats

    from inforelay.analyses.summary import group_mean_ci

    df = pd.DataFrame(
        {"g": ["b", "b", "b", "a", "c", "c"], "v": [1.0, 2.0, 3.0, 5.0, np.nan, 4.0]}
    )
    out = group_mean_ci(df, by=["g"], value="v").set_index("g")
    assert list(out.index) == ["a", "b", "c"]  # sorted; the NaN is left out
    half = stats.t.ppf(0.975, 2) * 1.0 / np.sqrt(3)
    assert out.loc["b", "mean"] == pytest.approx(2.0)
    assert out.loc["b", "ci_low"] == pytest.approx(2.0 - half)
    assert out.loc["b", "ci_high"] == pytest.approx(2.0 + half)
    assert out["n"].tolist() == [1, 3, 1]
    # a single network: the interval is undefined, never zero-width
    assert out.loc["a", "mean"] == 5.0 and np.isnan(out.loc["a", "ci_low"])
    with pytest.raises(ValueError, match="lacks columns"):
        group_mean_ci(df, by=["h"], value="v")


def test_tables_of_one_relay_file(tmp_path):
    import pandas as pd

    from inforelay.analyses.stability_files import (
        distribution_from_relay_file,
        relay_values,
        stability_from_relay_file,
    )

    R = relay_matrix()
    path = tmp_path / "rep-00.h5"
    write_relay(path, {"hidden": fake_relay(R, analysis_step=9)})
    result, values = relay_values(path, values="node_relay")
    assert result.analysis_step == 9 and np.allclose(values, 2 * R)
    table = stability_from_relay_file(path, concept_names=("A", "B", "C"))
    expected = network_stability_table(R, 9, concept_names=("A", "B", "C"))
    pd.testing.assert_frame_equal(table, expected)
    dist = distribution_from_relay_file(path, step=9)
    pd.testing.assert_frame_equal(dist, distribution_table(R[9]))
    with pytest.raises(ValueError, match="values must be"):
        relay_values(path, values="curve")
    with pytest.raises(ValueError, match=r"^.*rep-00\.h5: no 'cell' relay group"):
        stability_from_relay_file(path, state="cell")
    with pytest.raises(ValueError, match=r"rep-00\.h5: step 15 outside"):
        distribution_from_relay_file(path, step=15)
    with pytest.raises(ValueError, match=r"^.*rep-00\.h5: 2 concept names for 3 concepts"):
        stability_from_relay_file(path, concept_names=("A", "B"))
