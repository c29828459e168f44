"""find_relays' bias-aware default: about 0 bits where the units know nothing, a real relay kept.

The plug-in relay of a dozen binarized units is biased upward by tenths of a bit at a few hundred
or thousand sequences; the default subtracts the shuffle null (concepts and answers permuted
together, the units kept). These tests are numpy only.
"""

from __future__ import annotations

import numpy as np
import pytest

import inforelay
from inforelay.api.relays import MIN_RELIABLE_SAMPLES
from inforelay.relay import RelayWarning, relay_all_states


class _Recording:
    """The arrays find_relays needs, without a model."""

    def __init__(self, hidden: np.ndarray, outputs: np.ndarray) -> None:
        self.hidden, self.outputs, self.cell, self.attrs = hidden, outputs, None, {}


def _independent(n: int, seed: int, n_units: int = 12, n_steps: int = 5, n_concepts: int = 2):
    """Units drawn independently of the concepts; answers equal to the concepts (a perfect network)."""
    rng = np.random.default_rng(seed)
    hidden = rng.normal(size=(n, n_steps, n_units)).astype(np.float32)
    concepts = rng.integers(0, 2, size=(n, n_concepts))
    outputs = np.repeat((2.0 * concepts - 1)[:, None, :], n_steps, axis=1).astype(np.float32)
    return _Recording(hidden, outputs), concepts


@pytest.mark.parametrize(("n", "bound"), [(100, 0.02), (2000, 0.005)])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_independent_units_relay_about_nothing(n, bound, seed):
    rec, concepts = _independent(n, seed)
    with pytest.warns(RelayWarning, match="too many units"):  # 12 units are many for these n
        rel = inforelay.find_relays(rec, concepts, answer_step=4, seed=seed)
    # mean over units, steps and concepts: the plug-in is far above 0, the default is not
    assert rel.plugin_contribution.mean() > 0.05
    assert abs(rel.contribution.mean()) <= bound, rel.contribution.mean()
    assert rel.plugin_full.mean() > 0.6
    # the null level is reported, and is what was subtracted
    np.testing.assert_allclose(rel.contribution, rel.plugin_contribution - rel.null_contribution, atol=1e-12)
    assert rel.null_full.mean() > 0.6


def test_a_real_relay_survives_the_correction():
    rng = np.random.default_rng(3)
    n, n_steps, n_units = 500, 6, 8
    concepts = rng.integers(0, 2, size=(n, 2))
    hidden = rng.normal(size=(n, n_steps, n_units)).astype(np.float32)
    # unit 0 takes up concept 0 at step 2 and holds it
    hidden[:, 2:, 0] = (2 * concepts[:, None, 0] - 1) + 0.1 * rng.normal(size=(n, n_steps - 2))
    outputs = np.repeat((2.0 * concepts - 1)[:, None, :], n_steps, axis=1).astype(np.float32)
    rel = inforelay.find_relays(_Recording(hidden, outputs), concepts, answer_step=5)
    after = rel.contribution[0, 2:, 0]  # (steps, units) about concept 0 once unit 0 holds it
    assert (after.argmax(axis=-1) == 0).all()
    assert after[:, 0].min() > 0.6
    assert rel.full[0, 2:, 0].min() > 0.5
    # before it arrives and for concept 1 the corrected relay is about 0 on average
    assert abs(rel.contribution[0, :2, 0].mean()) < 0.02 and abs(rel.contribution[0, :, 1].mean()) < 0.02


def test_correction_none_is_the_plug_in_of_the_pipeline():
    rec, concepts = _independent(300, 4, n_units=6)
    rel = inforelay.find_relays(rec, concepts, answer_step=4, correction=None)
    from inforelay import Recording

    labelled = Recording(None, rec.hidden, None, rec.outputs).with_labels(concepts, 4)
    pipeline = relay_all_states(labelled)["hidden"]
    np.testing.assert_array_equal(rel.contribution[0], pipeline.contribution)
    np.testing.assert_array_equal(rel.full[0], pipeline.full)
    assert rel.correction is None and rel.null_contribution is None and rel.null_shuffles == 0
    np.testing.assert_array_equal(rel.plugin_contribution, rel.contribution)


def test_the_bias_null_is_seeded():
    rec, concepts = _independent(200, 5, n_units=5)
    a = inforelay.find_relays(rec, concepts, answer_step=4, seed=7)
    b = inforelay.find_relays(rec, concepts, answer_step=4, seed=7)
    c = inforelay.find_relays(rec, concepts, answer_step=4, seed=8)
    np.testing.assert_array_equal(a.contribution, b.contribution)
    assert not np.array_equal(a.null_contribution, c.null_contribution)
    np.testing.assert_array_equal(a.plugin_contribution, c.plugin_contribution)


def test_small_samples_warn():
    rec, concepts = _independent(2, 0, n_units=3)
    concepts = np.array([[0, 1], [1, 0]])
    with pytest.warns(RelayWarning, match=f"only 2 sequences.*fewer than {MIN_RELIABLE_SAMPLES}"):
        inforelay.find_relays(rec, concepts, answer_step=4)
    with pytest.warns(RelayWarning, match="only 2 sequences"):
        inforelay.find_relays(rec, concepts, answer_step=4, correction=None)


def test_no_warning_where_the_sample_suffices(recwarn):
    rec, concepts = _independent(1000, 6, n_units=4)
    inforelay.find_relays(rec, concepts, answer_step=4)
    assert not [w for w in recwarn if w.category is RelayWarning and "too many units" in str(w.message)]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"correction": "analytic"}, "correction must be 'shuffle' or None"), ({"null_shuffles": 0}, "null_shuffles")],
)
def test_bad_correction_settings(kwargs, match):
    rec, concepts = _independent(150, 0, n_units=3)
    with pytest.raises(ValueError, match=match):
        inforelay.find_relays(rec, concepts, answer_step=4, **kwargs)
