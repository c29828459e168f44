"""The shuffle null of the relay estimate and the corrected relay (inforelay.relay.bias)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from inforelay.core.recordings import Recording
from inforelay.relay import (
    corrected_relay,
    relay_all_states,
    relay_shuffle_null,
    summarize_shuffle_null,
)
from inforelay.relay.bias import CORRECTED_COLUMNS, NULL_COLUMNS

N_SAMPLES = 2000


def recording(n_units: int = 12, n_steps: int = 1, n_concepts: int = 3, copy: bool = False, seed: int = 0):
    """Units drawn independently of the concepts; answers equal to the concepts (a perfect network).

    ``copy``: unit 0 copies concept 0 at every step.
    """
    rng = np.random.default_rng(seed)
    concepts = rng.integers(0, 2, (N_SAMPLES, n_concepts))
    hidden = rng.normal(size=(N_SAMPLES, n_steps, n_units))
    if copy:
        hidden[:, :, 0] = (2.0 * concepts[:, :1] - 1) + 0.1 * rng.normal(size=(N_SAMPLES, n_steps))
    outputs = np.repeat((2.0 * concepts - 1)[:, None, :], n_steps, axis=1)
    return Recording(None, hidden, None, outputs).with_labels(concepts, n_steps - 1)


@pytest.fixture(scope="module")
def independent():
    inputs = recording()
    return inputs, relay_all_states(inputs), relay_shuffle_null(inputs, n_shuffles=10, seed=3)


def test_the_null_has_one_row_per_state_step_concept_shuffle_and_unit(independent):
    _, _, null = independent
    assert list(null.columns) == list(NULL_COLUMNS)
    assert len(null) == 1 * 3 * 10 * 12
    search = null.groupby(["state", "step", "concept", "shuffle"])
    assert search.ngroups == 30
    np.testing.assert_allclose(search["contribution"].sum(), search["full"].first(), atol=1e-9)
    np.testing.assert_allclose(search["contribution"].max(), search["contribution_max"].first())
    np.testing.assert_allclose(search["contribution"].mean(), search["contribution_mean"].first())


def test_independent_units_the_plugin_relays_and_the_corrected_relay_does_not(independent):
    _, relay, null = independent
    table = corrected_relay(relay, null)
    assert list(table.columns) == list(CORRECTED_COLUMNS)
    assert len(table) == 3 * 12 and (table["n_shuffles"] == 10).all()
    # the plug-in bias: about 0.8 bits full, 0.066 bits per unit, and the null finds that level
    assert table["contribution"].mean() > 0.04
    assert table["null_full"].mean() > 0.6
    assert abs(table["corrected"].mean()) <= 0.005
    # clipping at 0 biases the mean upward (documented: means use the unclipped values)
    assert table["corrected_clipped"].mean() > table["corrected"].mean()
    sums = table.groupby("concept")[["corrected", "full", "null_full"]].agg(
        {"corrected": "sum", "full": "first", "null_full": "first"}
    )
    np.testing.assert_allclose(sums["corrected"], sums["full"] - sums["null_full"], atol=1e-9)


def test_permuting_the_concept_alone_is_no_bias_estimate():
    inputs = recording(n_units=8)
    null = relay_shuffle_null(inputs, n_shuffles=3, seed=0, permute="concept")
    both = relay_shuffle_null(inputs, n_shuffles=3, seed=0)
    assert null["full"].mean() < 0.01 < both["full"].mean()


def test_a_unit_that_copies_the_concept_keeps_its_bit():
    inputs = recording(n_units=5, copy=True)
    relay = relay_all_states(inputs)
    table = corrected_relay(relay, relay_shuffle_null(inputs, n_shuffles=5, seed=1))
    copy = table[(table["concept"] == 0) & (table["unit"] == 0)].iloc[0]
    assert copy["contribution"] > 0.95
    assert copy["corrected"] == pytest.approx(1.0, abs=0.05)
    others = table[table["unit"] > 0]
    assert abs(others["corrected"].mean()) < 0.01


def test_same_seed_same_frame_other_seed_other_frame():
    inputs = recording(n_units=6, n_steps=2)
    a = relay_shuffle_null(inputs, n_shuffles=3, seed=7)
    b = relay_shuffle_null(inputs, n_shuffles=3, seed=7)
    pd.testing.assert_frame_equal(a, b)
    c = relay_shuffle_null(inputs, n_shuffles=3, seed=8)
    assert not np.allclose(a["contribution"], c["contribution"])
    # one permutation per shuffle for every step: a step's null does not depend on the others
    step1 = relay_shuffle_null(inputs, n_shuffles=3, seed=7, steps=[1])
    pd.testing.assert_frame_equal(step1, a[a["step"] == 1].reset_index(drop=True))
    # the first shuffles do not depend on how many follow
    longer = relay_shuffle_null(inputs, n_shuffles=4, seed=7)
    pd.testing.assert_frame_equal(longer[longer["shuffle"] < 3].reset_index(drop=True), a)


def test_both_states_of_an_lstm_and_steps_the_null_does_not_cover():
    base = recording(n_units=4, n_steps=2)
    inputs = Recording(None, base.hidden, np.tanh(base.hidden), base.outputs, dict(base.extras))
    null = relay_shuffle_null(inputs, n_shuffles=2, seed=0, steps=[1])
    assert set(null["state"]) == {"hidden", "cell"} and set(null["step"]) == {1}
    table = corrected_relay(relay_all_states(inputs), null)
    assert len(table) == 2 * 2 * 3 * 4
    covered = table["step"] == 1
    assert table.loc[covered, "corrected"].notna().all()
    assert table.loc[~covered, "corrected"].isna().all() and (table.loc[~covered, "n_shuffles"] == 0).all()
    # an empty null (n_shuffles 0 in the pipeline): every null column NaN
    empty = corrected_relay(relay_all_states(inputs), null.iloc[:0])
    assert empty["null_full"].isna().all() and (empty["n_shuffles"] == 0).all()
    summary = summarize_shuffle_null(null)
    assert (summary["n_shuffles"] == 2).all() and len(summary) == 2 * 3 * 4


def test_a_null_of_another_recording_is_refused():
    inputs = recording(n_units=4)
    null = relay_shuffle_null(inputs, n_shuffles=2, seed=0)
    other = relay_all_states(recording(n_units=3))
    with pytest.raises(ValueError, match="units"):
        corrected_relay(other, null)


@pytest.mark.parametrize("bad", [0, -1, 2.5, "3", True, None])
def test_bad_n_shuffles_raises_naming_it(bad):
    with pytest.raises(ValueError, match="n_shuffles"):
        relay_shuffle_null(recording(n_units=3), n_shuffles=bad, seed=0)


def test_bad_settings_raise():
    inputs = recording(n_units=3)
    with pytest.raises(ValueError, match="permute"):
        relay_shuffle_null(inputs, n_shuffles=1, seed=0, permute="units")
    with pytest.raises(ValueError, match="steps"):
        relay_shuffle_null(inputs, n_shuffles=1, seed=0, steps=[1])
    with pytest.raises(ValueError, match="method"):
        relay_shuffle_null(inputs, n_shuffles=1, seed=0, method="mean")
    with pytest.raises(TypeError, match="load_recording"):
        relay_shuffle_null("recording.h5", n_shuffles=1, seed=0)
