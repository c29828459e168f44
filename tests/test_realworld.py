"""The real-world task ``italypower`` (docs/realworld.md): loader, splits, sequences, errors."""

from __future__ import annotations

import re
import sys

import numpy as np
import pytest

from inforelay.tasks import (
    REALWORLD_INSTALL,
    ItalyPowerParams,
    RealDataUnavailable,
    generate,
    is_real_task,
    italy_power_split,
    load_italy_power,
    load_task_data,
    real_task_split,
    realworld,
    save_task_data,
    split_indices,
    task_params,
    znormalize,
)

SPLITS = ("train", "validation", "analysis")


@pytest.fixture(scope="module")
def pooled():
    pytest.importorskip("sktime")
    return load_italy_power()


def test_loader_shape_labels_and_read_only(pooled):
    series, summer = pooled
    assert series.shape == (1096, 24) and series.dtype == np.float64
    assert summer.shape == (1096,) and summer.dtype == np.int8
    # UCR counts: train 34 winter / 33 summer days, test 513 / 516
    assert int(summer.sum()) == 33 + 516
    assert int(summer[:67].sum()) == 33
    assert np.isfinite(series).all()
    with pytest.raises(ValueError):
        series[0, 0] = 1.0


def test_split_indices_are_disjoint_complete_stratified_and_seeded():
    labels = np.repeat([0, 1], [547, 549]).astype(np.int8)
    parts = split_indices(labels, (0.6, 0.15, 0.25), seed=0)
    joined = np.concatenate([parts[s] for s in SPLITS])
    assert joined.size == labels.size and np.unique(joined).size == labels.size
    for name, share in zip(SPLITS, (0.6, 0.15, 0.25), strict=True):
        assert abs(parts[name].size - share * labels.size) <= 2
        assert abs(labels[parts[name]].mean() - labels.mean()) < 0.01
    again = split_indices(labels, (0.6, 0.15, 0.25), seed=0)
    other = split_indices(labels, (0.6, 0.15, 0.25), seed=1)
    for name in SPLITS:
        np.testing.assert_array_equal(parts[name], again[name])
    assert not np.array_equal(parts["analysis"], other["analysis"])


@pytest.mark.parametrize("delay", [0, 2, "random"])
def test_split_sequences(pooled, delay):
    data = italy_power_split("train", delay, np.random.default_rng(3))
    n_steps = 24 + (5 if delay == "random" else delay)
    assert data.task == "italypower" and data.concept_names == ("summer",)
    assert data.inputs.shape == (data.n_samples, n_steps, 1) and data.inputs.dtype == np.float32
    assert data.targets.shape == (data.n_samples, 1) and set(np.unique(data.targets)) == {-1.0, 1.0}
    np.testing.assert_array_equal(data.concepts, (data.targets > 0).astype(np.int8))
    np.testing.assert_array_equal(data.answer_step, 23 + data.delay)
    assert data.info_length == 24 and data.event_steps == ()
    assert np.all(data.inputs[:, 24:, :] == 0.0)
    days = data.inputs[:, :24, 0].astype(np.float64)
    np.testing.assert_allclose(days.mean(axis=1), 0.0, atol=1e-6)
    np.testing.assert_allclose(days.std(axis=1), 1.0, atol=1e-5)
    if delay == "random":
        assert set(np.unique(data.delay)) == {1, 2, 3, 4, 5}
    else:
        assert np.all(data.delay == delay)


def test_splits_hold_out_the_analysis_days_and_match_across_regimes(pooled):
    series, _ = pooled
    days = {s: italy_power_split(s, 2, np.random.default_rng(0)) for s in SPLITS}
    assert sum(d.n_samples for d in days.values()) == 1096
    rows = {s: {d.inputs[i, :24, 0].tobytes() for i in range(d.n_samples)} for s, d in days.items()}
    assert not rows["analysis"] & (rows["train"] | rows["validation"])
    assert not rows["train"] & rows["validation"]
    for split in SPLITS:  # the days of a split do not depend on the delay regime
        random = italy_power_split(split, "random", np.random.default_rng(1))
        np.testing.assert_array_equal(random.inputs[:, :24], days[split].inputs[:, :24])
        np.testing.assert_array_equal(random.targets, days[split].targets)


def test_split_is_deterministic_and_params_change_it(pooled):
    a = italy_power_split("validation", "random", np.random.default_rng(5))
    b = italy_power_split("validation", "random", np.random.default_rng(5))
    np.testing.assert_array_equal(a.inputs, b.inputs)
    np.testing.assert_array_equal(a.delay, b.delay)
    other = italy_power_split("validation", 1, np.random.default_rng(5), ItalyPowerParams(split_seed=1))
    assert not np.array_equal(a.inputs[:, :24], other.inputs[:, :24])
    raw = italy_power_split("analysis", 1, np.random.default_rng(5), ItalyPowerParams(normalize=False))
    assert raw.inputs.shape[0] == 274


def test_real_task_split_dispatches_and_checks(pooled):
    data = real_task_split("italypower", "analysis", 3, np.random.default_rng(0), n_steps=30)
    assert data.inputs.shape == (274, 30, 1)
    with pytest.raises(ValueError, match="not a real-world task"):
        real_task_split("memory", "analysis", 3, np.random.default_rng(0))
    with pytest.raises(ValueError, match="unknown data split"):
        italy_power_split("test", 3, np.random.default_rng(0))
    with pytest.raises(ValueError, match="shorter"):
        italy_power_split("analysis", 3, np.random.default_rng(0), n_steps=25)


def test_task_file_round_trip(pooled, tmp_path):
    data = italy_power_split("analysis", "random", np.random.default_rng(0))
    save_task_data(tmp_path / "italy.h5", data)
    back = load_task_data(tmp_path / "italy.h5")
    assert back.task == "italypower" and back.concept_names == ("summer",) and back.event_steps == ()
    np.testing.assert_array_equal(back.inputs, data.inputs)


def test_znormalize_rows_and_constant_rows():
    out = znormalize(np.array([[1.0, 2.0, 3.0], [4.0, 4.0, 4.0]]))
    np.testing.assert_allclose(out[0], [-1.224744871, 0.0, 1.224744871])
    np.testing.assert_array_equal(out[1], 0.0)


def test_params_and_config_errors():
    assert is_real_task("italypower") and not is_real_task("memory")
    params = task_params("italypower", {"split_fractions": [0.5, 0.25, 0.25]})
    assert params.split_fractions == (0.5, 0.25, 0.25) and params.info_length == 24
    assert params.n_channels == 1 and params.concept_names == ("summer",)
    with pytest.raises(ValueError, match=r"'n_train'.*split_fractions"):
        task_params("italypower", {"n_train": 100})
    with pytest.raises(ValueError, match="sum to 1"):
        ItalyPowerParams(split_fractions=(0.5, 0.5, 0.5))
    with pytest.raises(ValueError, match="split_seed"):
        ItalyPowerParams(split_seed=-1)
    with pytest.raises(ValueError, match="unknown parameter"):
        task_params("italypower", {"info_length": 12})
    with pytest.raises(ValueError, match="real_task_split"):
        generate("italypower", 10, 2, 0)


def test_missing_sktime_names_the_extra(monkeypatch):
    realworld._pooled_italy_power.cache_clear()
    monkeypatch.setitem(sys.modules, "sktime.datasets", None)
    try:
        with pytest.raises(RealDataUnavailable, match=re.escape(REALWORLD_INSTALL)):
            load_italy_power()
    finally:
        realworld._pooled_italy_power.cache_clear()
