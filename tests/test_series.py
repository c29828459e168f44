"""Series for the forecasting task (inforelay.flow.series)."""

from __future__ import annotations

import numpy as np
import pytest

from inforelay.flow import series


def test_elnino_loads_offline_as_a_monthly_series():
    values = series.load_elnino()
    assert values.shape == (61 * 12,)
    assert np.all(np.isfinite(values))
    assert 18.0 < values.min() < values.max() < 30.0  # sea-surface temperatures in °C
    # flattened year by year: January 1950 first, December 2010 last
    assert values[0] == pytest.approx(23.11) and values[11] == pytest.approx(21.80)


def test_windows_line_up_with_the_series():
    x = np.arange(20.0)
    w = series.make_windows(x, window=5, horizon=2, stride=3)
    assert w.inputs.shape == (5, 5, 1) and w.targets.shape == (5, 5, 2)
    assert w.inputs.dtype == np.float32 and w.targets.dtype == np.float32
    assert w.start.tolist() == [0, 3, 6, 9, 12]
    for i, s in enumerate(w.start):
        np.testing.assert_array_equal(w.inputs[i, :, 0], x[s : s + 5])
        np.testing.assert_array_equal(w.targets[i, :, 0], x[s + 1 : s + 6])  # next value
        np.testing.assert_array_equal(w.targets[i, :, 1], x[s + 2 : s + 7])
    assert w.start[-1] + 5 + 2 <= x.size
    with pytest.raises(ValueError, match="window"):
        series.make_windows(x, window=19, horizon=2)


def test_prepare_series_splits_chronologically_and_standardizes_with_train_statistics():
    data = series.prepare_series("temperature", window=12)
    raw = series.load_elnino()
    n_train = int(round(0.7 * raw.size))
    assert data.mean == pytest.approx(raw[:n_train].mean())
    assert data.std == pytest.approx(raw[:n_train].std())
    np.testing.assert_allclose(data.standardized["train"].mean(), 0.0, atol=1e-12)
    # the first test window starts right after the validation part
    test_start = n_train + int(round(0.15 * raw.size))
    np.testing.assert_allclose(data.test.inputs[0, :, 0] * data.std + data.mean, raw[test_start:test_start + 12],
                               rtol=1e-5)
    # no window crosses a split boundary
    assert data.train.start[-1] + 12 + 1 <= n_train
    np.testing.assert_allclose(data.standardized["all"][:n_train], data.standardized["train"])


def test_analysis_windows_do_not_overlap():
    data = series.prepare_series("temperature", window=24)
    w = series.analysis_windows(data, "all")
    assert np.all(np.diff(w.start) == 24)
    assert w.inputs.shape[0] == (732 - 1) // 24
    with pytest.raises(ValueError, match="part"):
        series.analysis_windows(data, "everything")


def test_synthetic_series_is_seeded_and_periodic():
    a = series.synthetic_series(600, seed=1)
    b = series.synthetic_series(600, seed=1)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, series.synthetic_series(600, seed=2))
    # the period-12 sine dominates the spectrum
    spectrum = np.abs(np.fft.rfft(a - a.mean()))
    assert np.argmax(spectrum) == 600 // 12


def test_split_and_names_are_checked():
    with pytest.raises(ValueError, match="split"):
        series.chronological_split(np.arange(10.0), (0.5, 0.5, 0.5))
    with pytest.raises(ValueError, match="series"):
        series.load_series("rainfall")


def test_series_recording_round_trip(tmp_path):
    rng = np.random.default_rng(0)
    arrays = {"inputs": rng.normal(size=(3, 5, 1)), "hidden": rng.normal(size=(3, 5, 4)),
              "outputs": rng.normal(size=(3, 5, 1)), "targets": rng.normal(size=(3, 5, 1)),
              "start": np.array([0, 5, 10])}
    path = tmp_path / "rec.h5"
    series.write_series_recording(path, arrays, {"series": "synthetic", "model": "rnn"})
    rec = series.read_series_recording(path)
    assert rec.cell is None and rec.attrs["series"] == "synthetic"
    np.testing.assert_allclose(rec.hidden, arrays["hidden"].astype(np.float32))
    bad = dict(arrays, targets=rng.normal(size=(3, 4, 1)))
    with pytest.raises(ValueError, match="targets"):
        series.write_series_recording(tmp_path / "bad.h5", bad, {})
