"""The real-world task ``italypower`` (docs/realworld.md): loader, splits, sequences, errors."""

from __future__ import annotations

import copy
import re
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import yaml

import inforelay.pipeline.config as experiment
from inforelay.tasks import (
    REALWORLD_INSTALL,
    ItalyPowerParams,
    RealDataUnavailable,
    generate,
    is_real_task,
    italy_power_split,
    load_italy_power,
    load_task_data,
    make_evaluation_set,
    make_split,
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


# ------------------------------------------------------------- the task in the pipeline --

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def realworld_config() -> dict:
    """config/realworld.yaml with the schema's defaults, as Snakemake's validate() fills them in."""
    from snakemake.utils import validate

    config = yaml.safe_load((ROOT / "config" / "realworld.yaml").read_text())
    validate(config, str(ROOT / "workflow" / "schemas" / "config.schema.yaml"))
    return config


def test_config_slices_have_no_counts_and_counts_are_refused(realworld_config):
    experiment.check_config(realworld_config)
    settings = experiment.split_settings(realworld_config, "italypower", "train")
    assert "n" not in settings and "n" not in experiment.evaluation_settings(realworld_config, "italypower")
    assert settings["params"]["split_fractions"] == [0.6, 0.15, 0.25]
    data_keys = experiment.network_settings(realworld_config, "italypower")["data"]
    assert set(data_keys) == {"delay_choices"}  # n_train etc. cannot change an italypower network
    bad = copy.deepcopy(realworld_config)
    bad["tasks"]["italypower"]["n_analysis"] = 100
    with pytest.raises(experiment.ConfigError, match=r"tasks\.italypower.*'n_analysis'.*split_fractions"):
        experiment.check_config(bad)


def test_pipeline_splits_and_held_out_evaluation_set(pooled, realworld_config):
    split = {s: make_split("italypower", "random", s,
                                      experiment.split_settings(realworld_config, "italypower", s))
             for s in SPLITS}
    assert [split[s].n_samples for s in SPLITS] == [657, 165, 274]
    assert set(np.unique(split["train"].delay)) == {1, 2, 3, 4, 5}
    assert np.all(split["analysis"].delay == 5)  # random_analysis_delay
    evaluation = make_evaluation_set(
        "italypower", experiment.evaluation_settings(realworld_config, "italypower"))
    delays = realworld_config["tasks"]["evaluation_delays"]
    assert evaluation.n_samples == 274 * len(delays) and evaluation.n_steps == 24 + max(delays)
    for d in delays:  # the held-out analysis days, in order, at every evaluation delay
        part = evaluation.subset(evaluation.delay == d)
        np.testing.assert_array_equal(part.inputs[:, :24], split["analysis"].inputs[:, :24])


def test_relay_table_reports_plug_in_and_bias_corrected_relay(tmp_path):
    from inforelay.pipeline.aggregate import relay_table
    from inforelay.relay import RELAY_TABLE_COLUMNS
    from inforelay.relay import relay_over_time, write_relay

    rng = np.random.default_rng(0)
    concepts = rng.integers(0, 2, (200, 1)).astype(np.int8)
    hidden = rng.normal(size=(200, 4, 5)) + 2.0 * concepts[:, :, None]
    answers = 2.0 * concepts - 1.0 + 0.1 * rng.normal(size=(200, 1))
    recording = SimpleNamespace(hidden=hidden, concepts=concepts, outputs=np.repeat(answers[:, None], 4, 1),
                                answer_step=np.full(200, 3), attrs={"info_length": 3})
    for shuffles, name in ((5, "with.h5"), (0, "without.h5")):
        result = relay_over_time(recording, n_shuffles=shuffles)
        write_relay(tmp_path / name, {"hidden": result})
    key = {"task": "italypower", "model": "rnn", "delay_regime": "2", "replicate": 0}
    table = relay_table([(key, tmp_path / "with.h5"), ({**key, "replicate": 1}, tmp_path / "without.h5")])
    assert list(table.columns) == [*key, *RELAY_TABLE_COLUMNS]
    assert list(table["concept"]) == ["summer", "summer"] and (table["analysis_step"] == 2).all()
    with_null, without = table.iloc[0], table.iloc[1]
    assert with_null["relay_corrected"] == pytest.approx(with_null["relay"] - with_null["null_mean"])
    assert 0 < with_null["p_value"] <= 1
    assert np.isnan(without[["null_mean", "relay_corrected", "p_value"]].astype(float)).all()


def test_claim_c2_is_inconclusive_with_one_concept_and_c3_still_tested():
    from conftest import knockout_rows, network_grid

    from inforelay.claims import evaluate_claims
    from inforelay.claims.preregistration import load_preregistration
    from inforelay.pipeline.workdir import REPO_ROOT

    reg = load_preregistration(REPO_ROOT / "config" / "claims.yaml")
    rows = [
        row
        for key in network_grid(4, tasks=("italypower",), regimes=("2", "random"))
        for row in knockout_rows(key, lambda r, e, k: 0.5, lambda r, e, k, d: 0.9, concepts=("summer",))
    ]
    claims = evaluate_claims({"knockout": pd.DataFrame(rows)}, reg)
    claims = claims[claims["family"].isin(["primary", "pooled"])]  # one run: no sensitivity rows
    c2, c3 = claims[claims["id"] == "C2"], claims[claims["id"] == "C3"]
    assert (c2["verdict"] == "inconclusive").all() and c2["details"].str.contains("two concepts").all()
    assert c2.set_index("group").loc["italypower/all", "details"].endswith("task italypower has one")
    assert (c3["verdict"] == "held").all()
    assert c3.set_index("group")["n"].to_dict() == {
        "italypower/rnn": 8, "italypower/gru": 8, "italypower/lstm": 8, "pooled": 24,
    }


def test_fig01_italypower_renders(pooled):
    from inforelay.figures.tasks import plot_italypower

    figure = plot_italypower(italy_power_split("analysis", 3, np.random.default_rng(0)))
    assert len(figure.axes) == 3
    with pytest.raises(ValueError, match="italypower"):
        plot_italypower(generate("memory", 8, 3, 0))
