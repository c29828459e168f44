"""Known answers of the information-flow analysis (inforelay.flow)."""

from __future__ import annotations

import h5py
import numpy as np
import pandas as pd
import pytest

from inforelay import flow
from inforelay.claims import CLAIM_COLUMNS, evaluate_flow_claims
from inforelay.core.hdf5 import FileFormatError
from inforelay.info import binarize, mutual_information


def _chain(n: int = 200, n_steps: int = 20, noise: float = 0.3, seed: int = 1) -> flow.Neurons:
    """x iid; y_t = x_{t-1} + noise; z_t = y_{t-1} + noise; w independent."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, n_steps))
    y = rng.normal(size=(n, n_steps))
    z = rng.normal(size=(n, n_steps))
    y[:, 1:] = x[:, :-1] + noise * rng.normal(size=(n, n_steps - 1))
    z[:, 1:] = y[:, :-1] + noise * rng.normal(size=(n, n_steps - 1))
    w = rng.normal(size=(n, n_steps))
    values = np.stack([x, y, z, w], axis=2)
    return flow.Neurons(values, ("x", "y", "z", "w"), np.array(["input", "hidden", "hidden", "output"]))


@pytest.fixture(scope="module")
def chain_results() -> dict[str, flow.FlowResult]:
    neurons = _chain()
    return {
        "ksg": flow.analyze_flow(neurons, flow.FlowParams(estimator="ksg", n_shuffles=19, max_samples=600)),
        "binned": flow.analyze_flow(neurons, flow.FlowParams(estimator="binned", n_shuffles=49)),
    }


@pytest.mark.parametrize("estimator", ["ksg", "binned"])
def test_chain_direction_lag_and_progression(chain_results, estimator):
    result = chain_results[estimator]
    x, y, z, w = range(4)
    # the strongest edges are the copies, at the right lags
    assert result.best_lag[x, y] == 1 and result.best_lag[y, z] == 1 and result.best_lag[x, z] == 2
    assert result.edge[x, y] > 1.0 and result.edge[y, z] > 1.0 and result.edge[x, z] > 0.7
    assert result.edge[y, x] < 0.1 and result.edge[z, y] < 0.1 and result.edge[z, x] < 0.1
    assert result.net[x, y] > 1.0 and result.net[y, z] > 1.0
    assert result.progression[x] < result.progression[y] < result.progression[z]
    assert result.progression[x] == 0.0 and result.progression[z] == 1.0
    # the copies are significant, the independent w is not
    assert result.p_value[1, x, y] <= 0.1 and result.p_value[1, y, z] <= 0.1
    assert np.all(result.edge[:, w][:3] < 0.1) and np.all(result.edge[w, :3] < 0.1)


def test_independent_series_give_zero_and_are_not_significant():
    rng = np.random.default_rng(5)
    values = rng.normal(size=(100, 24, 2))
    neurons = flow.Neurons(values, ("a", "b"), np.array(["input", "output"]))
    for estimator, shuffles in (("ksg", 19), ("binned", 99)):
        delayed = flow.delayed_mutual_information(
            neurons.values, flow.FlowParams(estimator=estimator, n_shuffles=shuffles, max_lag=2))
        off = ~np.eye(2, dtype=bool)
        assert np.all(np.abs(delayed.mi[:, off]) < 0.08), (estimator, delayed.mi)
        # p is uniform under independence: not every lag of both directions can be significant
        p = delayed.p_value[1:, off]
        assert np.sum(p <= 0.05) <= 1 and p.mean() > 0.3, (estimator, p)


@pytest.mark.parametrize("rho", [0.0, 0.5, 0.9])
def test_ksg_matches_gaussian_mutual_information(rho):
    exact = -0.5 * np.log2(1 - rho**2)
    estimates = []
    for seed in range(3):
        rng = np.random.default_rng(seed)
        xy = rng.multivariate_normal([0, 0], [[1, rho], [rho, 1]], size=2000)
        estimates.append(flow.ksg_mutual_information(xy[:, 0], xy[:, 1], k=3, rng=seed))
    assert np.mean(estimates) == pytest.approx(exact, abs=0.05)


def test_ksg_is_invariant_to_scale_and_zero_for_constants():
    rng = np.random.default_rng(2)
    x = rng.normal(size=500)
    y = x + rng.normal(size=500)
    base = flow.ksg_mutual_information(x, y, rng=0)
    # standardized inside; only neighbours at exactly tied max-norm distances may flip
    assert flow.ksg_mutual_information(1000 * x, 0.01 * y, rng=0) == pytest.approx(base, abs=0.005)
    assert flow.ksg_mutual_information(x, np.zeros(500)) == 0.0


def test_kozachenko_leonenko_entropy_of_a_gaussian():
    rng = np.random.default_rng(3)
    sigma = 2.0
    h = flow.kl_entropy(rng.normal(scale=sigma, size=(4000, 1)), k=3, rng=0)[0]
    assert h == pytest.approx(0.5 * np.log2(2 * np.pi * np.e * sigma**2), abs=0.05)
    assert np.isnan(flow.kl_entropy(np.ones((50, 1)))[0])


def test_binned_mi_of_a_discrete_copy_is_its_entropy():
    rng = np.random.default_rng(4)
    codes = rng.integers(0, 4, size=(4000, 1))
    other = rng.integers(0, 4, size=(4000, 1))
    a = np.hstack([codes, other])
    mi = flow.binned_mutual_information(a, a, bins=4)
    entropy = flow.binned_entropy(codes, 4)[0]
    assert mi[0, 0] == pytest.approx(entropy, abs=1e-9)
    assert entropy == pytest.approx(2.0, abs=0.01)
    # agrees with the library's plug-in estimator on every pair
    for i in range(2):
        for j in range(2):
            assert mi[i, j] == pytest.approx(mutual_information(a[:, i], a[:, j]), abs=1e-9)


def test_equal_frequency_codes_share_bins_for_ties_and_constants():
    x = np.column_stack([np.arange(100.0), np.zeros(100), np.r_[np.zeros(60), np.arange(40.0)]])
    codes = flow.equal_frequency_codes(x, 4)
    assert np.bincount(codes[:, 0]).tolist() == [25, 25, 25, 25]
    assert np.unique(codes[:, 1]).size == 1
    assert np.unique(codes[x[:, 2] == 0, 2]).size == 1


def test_hodge_potential_matches_least_squares_and_detects_cycles():
    rng = np.random.default_rng(6)
    raw = rng.normal(size=(6, 6))
    net = raw - raw.T
    potential, _ = flow.hodge_potential(net)
    # least squares over all pairs a<b of (p_b - p_a - N[a, b])^2 with sum(p) = 0
    rows, rhs = [], []
    for a in range(6):
        for b in range(a + 1, 6):
            row = np.zeros(6)
            row[b], row[a] = 1.0, -1.0
            rows.append(row)
            rhs.append(net[a, b])
    rows.append(np.ones(6))
    rhs.append(0.0)
    solution = np.linalg.lstsq(np.array(rows), np.array(rhs), rcond=None)[0]
    np.testing.assert_allclose(potential, solution, atol=1e-10)
    # a pure gradient is fully explained; a pure 3-cycle not at all
    p = np.array([0.0, 1.0, 3.0])
    assert flow.hodge_potential(p[None, :] - p[:, None])[1] == pytest.approx(1.0)
    cycle = np.array([[0, 1, -1], [-1, 0, 1], [1, -1, 0]], dtype=float)
    assert flow.hodge_potential(cycle)[1] == pytest.approx(0.0, abs=1e-12)
    assert flow.progression(np.zeros(3)).tolist() == [0.5, 0.5, 0.5]


def test_per_step_pooling_removes_a_shared_clock():
    """Inputs that switch off after step 5 make every clock-tracking unit 'predict' them when
    pooled over time; conditioning on the step removes that spurious flow."""
    rng = np.random.default_rng(7)
    n, n_steps = 400, 12
    inputs = rng.normal(size=(n, n_steps, 1))
    inputs[:, 5:] = 0.0
    clock = np.broadcast_to(np.arange(n_steps)[None, :, None], (n, n_steps, 1)) + 0.01 * rng.normal(size=(n, n_steps, 1))
    neurons = flow.neurons_from_arrays(inputs, clock, rng.normal(size=(n, n_steps, 1)))
    pooled = flow.delayed_mutual_information(neurons.values, flow.FlowParams(estimator="binned", n_shuffles=0))
    per_step = flow.delayed_mutual_information(
        neurons.values, flow.FlowParams(estimator="binned", n_shuffles=0, pooling="per_step"))
    assert pooled.mi[1, 1, 0] > 0.3  # clock_t "knows" input_{t+1} when pooled
    assert per_step.mi[1, 1, 0] < 0.05


def test_lagged_samples_line_up():
    values = np.arange(2 * 6 * 1, dtype=float).reshape(2, 6, 1)
    views, groups = flow.lagged_samples(values, 2)
    assert views.shape == (3, 8, 1)
    np.testing.assert_array_equal(views[2] - views[0], 2.0)
    assert np.all(groups == 0)
    views, groups = flow.lagged_samples(values, 2, pooling="per_step")
    assert groups.tolist() == [0, 0, 1, 1, 2, 2, 3, 3]
    with pytest.raises(ValueError, match="max_lag"):
        flow.lagged_samples(values, 6)


def test_layer_structure_finds_levels():
    rng = np.random.default_rng(8)
    levels = np.concatenate([rng.normal(c, 0.02, size=4) for c in (0.0, 0.5, 1.0)])
    result = flow.layer_structure(levels, seed=1)
    assert result.n_layers == 3
    assert sorted(np.bincount(result.labels).tolist()) == [4, 4, 4]
    assert flow.layer_structure(rng.uniform(size=12), seed=1).n_layers == 1
    within, labels = flow.kmeans_1d(np.array([0.0, 0.1, 5.0, 5.2]), 2)
    assert labels.tolist() == [0, 0, 1, 1] and within == pytest.approx(0.005 + 0.02)


def test_kmeans_1d_is_exact():
    """k = 2 gives the partition of the exact 2-means of inforelay.info; k = 3 the brute-force optimum."""
    rng = np.random.default_rng(9)
    for _ in range(20):
        x = rng.normal(size=9) + rng.choice([0.0, 3.0], size=9)
        np.testing.assert_array_equal(flow.kmeans_1d(x, 2)[1], binarize(x, "kmeans"))
        order = np.sort(x)
        brute = min(
            sum(((part - part.mean()) ** 2).sum() for part in np.split(order, [i, j]))
            for i in range(1, 8) for j in range(i + 1, 9)
        )
        assert flow.kmeans_1d(x, 3)[0] == pytest.approx(brute, abs=1e-12)


def test_phase_boundary_threshold_and_changepoint():
    snr = np.r_[np.full(5, 3.0), np.full(20, 0.2)]
    assert flow.phase_boundary(snr, "threshold") == 5
    assert flow.phase_boundary(snr, "changepoint") == 5
    assert flow.phase_boundary(np.full(10, 0.3), "threshold") == -1
    assert flow.phase_boundary(np.full(10, 3.0), "threshold") == -1
    assert flow.phase_boundary(np.r_[np.full(5, 0.2), np.full(5, 3.0)], "changepoint") == -1
    with pytest.raises(ValueError, match="method"):
        flow.phase_boundary(snr, "other")


def test_bottleneck_and_relay_correlation(chain_results):
    result = chain_results["binned"]
    i_x, i_y = flow.input_output_information(result)
    assert i_x.shape == (2,) and i_y.shape == (2,)
    assert i_x[0] > 1.0  # y copies x
    rho, _ = flow.bottleneck_correlation(np.arange(5.0), np.arange(5.0) ** 2)
    assert rho == pytest.approx(1.0)
    assert np.isnan(flow.bottleneck_correlation(np.ones(5), np.arange(5.0))[0])
    rho, _ = flow.relay_correlation(result, np.array([1.0, 2.0]))
    assert np.isnan(rho)  # fewer than 3 units


def test_flow_file_round_trip_and_tables(tmp_path, chain_results):
    result = chain_results["ksg"]
    path = tmp_path / "net.flow.h5"
    flow.write_flow(path, result, {"estimator": "ksg"})
    back = flow.read_flow(path)
    for name in ("mi", "p_value", "edge", "best_lag", "net", "potential", "progression", "entropy"):
        np.testing.assert_array_equal(getattr(back, name), getattr(result, name))
    assert back.names.tolist() == ["x", "y", "z", "w"] and back.params["estimator"] == "ksg"
    table = flow.neuron_table(back, relay_per_unit=np.array([0.5, 1.5]))
    assert table["kind"].tolist() == ["input", "hidden", "hidden", "output"]
    assert table["total_relay"].notna().sum() == 2
    row = flow.network_row(back, table)
    assert row["progression_output"] < row["progression_hidden"]  # w is independent noise
    (tmp_path / "bad.h5").write_bytes(b"not hdf5")
    with pytest.raises(flow.FlowFileError, match="bad.h5"):
        flow.read_flow(tmp_path / "bad.h5")


def test_flow_files_are_tagged_and_checked(tmp_path, chain_results):
    path = tmp_path / "net.flow.h5"
    flow.write_flow(path, chain_results["binned"])
    with h5py.File(path, "r") as f:
        assert f.attrs["format"] == "inforelay-flow" and f.attrs["format_version"] == 1
    with h5py.File(path, "a") as f:  # an untagged file of an older version is still read
        del f.attrs["format"], f.attrs["format_version"]
    assert flow.read_flow(path).names.tolist() == ["x", "y", "z", "w"]
    other = tmp_path / "other.h5"
    with h5py.File(other, "w") as f:
        f.attrs["format"] = "inforelay-relay"
    with pytest.raises(FileFormatError, match=r"^.*other\.h5: is a 'inforelay-relay' file"):
        flow.read_flow(other)
    with h5py.File(tmp_path / "empty.h5", "w"):
        pass
    with pytest.raises(flow.FlowFileError, match=r"empty\.h5: not a flow file, missing lags"):
        flow.read_flow(tmp_path / "empty.h5")
    with pytest.raises(flow.FlowFileError, match="nope.h5"):
        flow.read_flow(tmp_path / "nope.h5")


def test_training_summary_and_claims():
    epochs = np.arange(0, 31)
    snr = np.r_[np.nan, np.full(4, 4.0), np.full(26, 0.3)]
    loss = 1.0 / (1 + epochs)
    history = pd.DataFrame({"epoch": epochs, "loss": loss, "validation_loss": loss,
                            "I_XT": np.r_[np.linspace(1, 6, 10), np.linspace(6, 5, 21)],
                            "I_TY": np.linspace(0.5, 2.0, 31), "H_unit": np.linspace(1, 2, 31),
                            "snr_all": snr})
    summary = flow.training_summary(history)
    assert summary["phase_threshold"] == 5 and summary["phase_changepoint"] == 5
    assert summary["compression"] == pytest.approx(1.0)
    assert summary["rho_I_TY_learning"] == pytest.approx(1.0)
    # 12 networks: enough for the one-sided tests to pass Holm's correction over the flow family
    names = list("abcdefghijkl")
    networks = pd.DataFrame({
        "branch": "networks", "network": names, "output_minus_hidden": 0.3,
        "hidden_minus_input": 0.2, "n_layers": [1, 1, 2, 1, 1, 1] * 2, "gradient_fraction": 0.4,
        "bottleneck_rho": np.linspace(0.3, 0.7, 12), "relay_rho": np.nan})
    neurons = pd.DataFrame({
        "branch": "networks", "network": np.repeat(names, 3),
        "kind": ["input", "hidden", "output"] * 12,
        "progression": [0.0, 0.5, 1.0] * 12})
    # the summaries feed the flow claims (inforelay.claims.flow; more verdicts: tests/test_claims_flow.py)
    claims = evaluate_flow_claims(networks, neurons, pd.DataFrame([summary] * 12))
    assert list(claims.columns) == CLAIM_COLUMNS
    assert claims["id"].tolist() == ["F1", "F2", "F3", "F4", "F6", "F7", "F8", "F9"]  # no relay: no F5
    assert claims["group"].tolist() == ["networks"] * 4 + ["forecast"] * 4
    by_id = claims.set_index("id")
    assert by_id.loc["F1", "verdict"] == "held"
    assert by_id.loc["F3", "verdict"] == "inconclusive"  # 2 of 12 layered: not significant either way
    assert by_id.loc["F4", "verdict"] == "not held"  # all rho > 0: evidence against a trade-off
    assert by_id.loc["F6", "effect"] == pytest.approx(1.0)  # median rho_I_TY_learning
    assert by_id.loc["F9", "effect"] == 1.0  # every forecaster passes from drift to diffusion
    assert by_id.loc["F9", "verdict"] == "held"


def test_params_are_checked():
    with pytest.raises(ValueError, match="estimator"):
        flow.FlowParams(estimator="kde")
    with pytest.raises(ValueError, match="pooling"):
        flow.FlowParams(pooling="sometimes")
    with pytest.raises(ValueError, match="max_lag"):
        flow.FlowParams(max_lag=0)
    params = flow.FlowParams.from_mapping({"estimator": "binned", "unrelated": 1}, seed=3)
    assert params.estimator == "binned" and params.seed == 3


def test_determinism():
    neurons = _chain(n=60, n_steps=10)
    params = flow.FlowParams(estimator="ksg", n_shuffles=4, max_samples=300)
    a, b = flow.analyze_flow(neurons, params), flow.analyze_flow(neurons, params)
    np.testing.assert_array_equal(a.mi, b.mi)
    np.testing.assert_array_equal(a.p_value, b.p_value)


def test_select_networks():
    keys = [{"task": t, "model": m, "delay_regime": d, "replicate": f"{r:02d}"}
            for t in ("memory", "block") for m in ("rnn", "lstm") for d in ("3", "random") for r in range(3)]
    experiment = {"tasks": ["memory", "block"], "models": ["rnn", "lstm"], "delays": ["3", "random"],
                  "replicates": 3}
    everything = {"tasks": None, "models": None, "delays": None, "replicates": None}
    assert flow.select_networks(keys, experiment, everything) == keys
    chosen = flow.select_networks(keys, experiment, {**everything, "models": ["lstm"], "delays": [3],
                                                     "replicates": 2})
    assert len(chosen) == 4 and {k["model"] for k in chosen} == {"lstm"}
    assert {k["replicate"] for k in chosen} == {"00", "01"} and {k["delay_regime"] for k in chosen} == {"3"}
    # table-form keys (replicate an int) select the same networks, returned as wildcards
    rows = [{**key, "replicate": int(key["replicate"])} for key in keys]
    assert flow.select_networks(rows, experiment, {**everything, "models": ["lstm"], "delays": [3],
                                                   "replicates": 2}) == chosen
    with pytest.raises(ValueError, match="flow.networks.models"):
        flow.select_networks(keys, experiment, {**everything, "models": ["gru"]})
    with pytest.raises(ValueError, match="flow.networks.replicates"):
        flow.select_networks(keys, experiment, {**everything, "replicates": 4})


def test_figures_draw(tmp_path, chain_results):
    from inforelay.figures import flow as figures
    from inforelay.figures import save

    result = chain_results["binned"]
    table = flow.neuron_table(result, relay_per_unit=np.array([1.0, 2.0]))
    neurons = pd.concat([table.assign(branch=b, network=f"{b}/n", model="rnn") for b in ("forecast", "networks")])
    epochs = np.arange(6)
    training = pd.DataFrame({"series": "synthetic", "model": "rnn", "replicate": 0, "epoch": epochs,
                             "I_XT": epochs * 0.5, "I_TY": epochs * 0.2,
                             "grad_mean_all": 1.0 / (1 + epochs), "grad_std_all": 0.3,
                             "snr_all": 3.0 / (1 + epochs)})
    phases = pd.DataFrame({"series": ["synthetic"], "model": ["rnn"], "replicate": [0], "phase_threshold": [3]})
    figs = [figures.plot_flow_graph([("chain", result), ("again", result)]),
            figures.plot_progression_histograms(neurons),
            figures.plot_information_plane(training),
            figures.plot_gradient_phases(training, phases),
            figures.plot_relay_progression(neurons)]
    assert [len(f.axes) for f in figs[:2]] == [2, 2]
    written = save(figs[0], tmp_path / "graph")
    assert all(path.stat().st_size > 0 for path in written)
