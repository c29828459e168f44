"""Forecaster training with per-epoch monitors (inforelay.flow.forecast)."""

from __future__ import annotations

import numpy as np
import pytest

from inforelay.flow import forecast, series
from inforelay.nets import load_network, save_network


@pytest.fixture(scope="module")
def data() -> series.SeriesSplits:
    return series.prepare_series("synthetic", window=12, n_points=600)


CONFIG = forecast.ForecastConfig(n_hidden=6, epochs=6, batch_size=64, info_windows=16)


@pytest.fixture(scope="module")
def trained(data) -> forecast.ForecastResult:
    return forecast.train_forecast("gru", data, CONFIG, seed=3)


def test_training_reduces_loss_and_records_monitors(trained):
    h = trained.history
    assert h["epoch"].tolist() == list(range(7))
    assert h["loss"].iloc[-1] < 0.6 * h["loss"].iloc[0]
    assert h["validation_loss"].iloc[-1] < h["validation_loss"].iloc[0]
    for layer in forecast.LAYERS:
        assert np.isnan(h[f"snr_{layer}"].iloc[0])
        trained_rows = h[h["epoch"] > 0]
        assert np.all(trained_rows[f"grad_std_{layer}"] > 0)
        np.testing.assert_allclose(trained_rows[f"snr_{layer}"],
                                   trained_rows[f"grad_mean_{layer}"] / trained_rows[f"grad_std_{layer}"])
    # information-plane coordinates are bits within their bounds
    n_samples = CONFIG.info_windows * 12
    assert np.all((h["I_XT"] >= 0) & (h["I_XT"] <= np.log2(n_samples) + 1e-9))
    assert np.all((h["I_TY"] >= 0) & (h["I_TY"] <= np.log2(CONFIG.target_bins) + 1e-9))
    assert np.all(h["I_TY"] <= h["I_XT"] + 1e-9)
    assert np.isfinite(trained.test_loss)


def test_training_is_deterministic(data, trained):
    again = forecast.train_forecast("gru", data, CONFIG, seed=3)
    np.testing.assert_array_equal(again.history.to_numpy(), trained.history.to_numpy())
    for a, b in zip(again.network.parameters(), trained.network.parameters(), strict=True):
        assert np.array_equal(a.detach().numpy(), b.detach().numpy())


def test_gradient_statistics_known_answer():
    g = np.array([[1.0, 0.0], [3.0, 0.0]])
    mean_norm, std_norm, snr = forecast.gradient_statistics(g)
    assert mean_norm == pytest.approx(2.0)
    assert std_norm == pytest.approx(np.sqrt(2.0))
    assert snr == pytest.approx(2.0 / np.sqrt(2.0))
    with pytest.raises(ValueError):
        forecast.gradient_statistics(g[:1])


def test_information_plane_known_answer():
    # two units, each either -0.9 or 0.9; the target equals the first unit's sign
    rng = np.random.default_rng(0)
    signs = rng.choice([-0.9, 0.9], size=(400, 1, 2))
    target = signs[:, :, 0]
    i_xt, i_ty, h_unit = forecast.information_plane(signs, target, info_bins=4, target_edges=np.array([0.0]))
    assert i_xt == pytest.approx(2.0, abs=0.02)   # H(T) of two fair bits
    assert i_ty == pytest.approx(1.0, abs=0.02)   # T determines Y
    assert h_unit == pytest.approx(1.0, abs=0.02)


def test_record_and_save_round_trip(tmp_path, data, trained):
    windows = series.analysis_windows(data, "test")
    arrays = forecast.record_forecast(trained.network, windows)
    assert arrays["hidden"].shape == (windows.n_windows, 12, 6) and "cell" not in arrays
    assert arrays["outputs"].shape == arrays["targets"].shape
    np.testing.assert_array_equal(arrays["start"], windows.start)
    path = tmp_path / "net.pt"
    save_network(path, trained.network, {"series": "synthetic"})
    network, meta = load_network(path)
    again = forecast.record_forecast(network, windows)
    np.testing.assert_allclose(again["outputs"], arrays["outputs"], atol=1e-6)
    assert meta["series"] == "synthetic" and network.output_activation is None
    # the step-wise recording equals the fused forward pass
    import torch
    with torch.no_grad():
        fused = trained.network(torch.from_numpy(windows.inputs)).numpy()
    np.testing.assert_allclose(arrays["outputs"], fused, atol=1e-5)


def test_config_is_checked():
    with pytest.raises(ValueError, match="epochs: expected a positive integer"):
        forecast.ForecastConfig(epochs=0)
    with pytest.raises(ValueError, match="target_bins: expected an integer >= 2"):
        forecast.ForecastConfig(target_bins=1)
    with pytest.raises(ValueError, match="learning_rate: expected a number > 0"):
        forecast.ForecastConfig(learning_rate=0.0)
    with pytest.raises(ValueError, match="batch_size"):
        forecast.ForecastConfig(batch_size=True)
    config = forecast.ForecastConfig.from_mapping({"n_hidden": 4, "window": 24})
    assert config.n_hidden == 4 and config.epochs == 150


def test_too_few_minibatches_are_refused(data):
    config = forecast.ForecastConfig(n_hidden=2, epochs=1, batch_size=10_000)
    with pytest.raises(ValueError, match="batch_size: 10000 leaves fewer than 2 minibatches"):
        forecast.train_forecast("rnn", data, config, seed=0)
