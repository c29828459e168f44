"""Inputs that cannot lie: the one validator of relay inputs (inforelay.relay.validation).

Every entry point — greedy_relay, relay_over_time/relay_all_states, load_recording and the
command — must give the same verdict on the same bad input.
"""

from __future__ import annotations

import warnings
from types import SimpleNamespace

import h5py
import numpy as np
import pytest

from inforelay.core.recording_files import load_recording
from inforelay.core.recordings import RecordingFileError
from inforelay.relay import (
    RelayFileError,
    RelayWarning,
    binarize_outputs,
    check_concepts,
    greedy_relay,
    relay_all_states,
    relay_over_time,
)
from inforelay.relay.validation import check_binary, check_threshold, warn_if_no_relay


def recording(n=120, n_steps=4, n_units=3, n_concepts=2, seed=0):
    """A small recording whose relay is clearly non-zero from step 1 on (tanh outputs)."""
    rng = np.random.default_rng(seed)
    concepts = rng.integers(0, 2, (n, n_concepts)).astype(np.int8)
    signs = 2.0 * concepts - 1
    w = rng.normal(0, 1.5, (n_concepts, n_units))
    hidden = np.stack(
        [np.tanh(signs * (t >= 1) @ w + 0.5 * rng.normal(size=(n, n_units))) for t in range(n_steps)], axis=1
    )
    outputs = np.tanh(rng.normal(0, 0.3, (n, n_steps, n_concepts)))
    outputs[:, -1] = 0.9 * np.where(rng.random((n, n_concepts)) < 0.95, signs, -signs)
    return SimpleNamespace(
        hidden=hidden,
        outputs=outputs,
        concepts=concepts,
        answer_step=np.full(n, n_steps - 1),
        attrs={},
    )


# ---------------------------------------------------------------------------
# concepts
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "values",
    [
        np.array([[False, True], [True, False]]),
        np.array([[0, 1], [1, 0]], dtype=np.int64),
        np.array([[0, 1], [1, 0]], dtype=np.uint8),
        np.array([[0.0, 1.0], [1.0, 0.0]], dtype=np.float32),
        np.array([[-1, 1], [1, -1]]),
        np.array([[-1.0, 1.0], [1.0, -1.0]]),
    ],
)
def test_accepted_concepts_become_int8_zero_one(values):
    out = check_concepts(values)
    assert out.dtype == np.int8 and out.shape == values.shape
    np.testing.assert_array_equal(out, [[0, 1], [1, 0]])


@pytest.mark.parametrize(
    "values, found",
    [
        (np.array([[0, 1], [2, 1], [0, 0]]), "found values 2 (first at row 1, column 0)"),
        (np.array([[0.25, 0.75], [0.0, 1.0]]), "found values 0.25, 0.75 (first at row 0, column 0)"),
        (np.array([[0.0, 1.0], [1.0, np.nan]]), "found values nan (first at row 1, column 1)"),
        (np.array([[-1, 0], [1, 1]]), "found values -1 (first at row 0, column 0)"),  # ±1 only without 0
        (np.array([0, 1, 1, 3, 7, 9, 11, 12, 13]), "found values 3, 7, 9, 11, 12 and 1 more (first at index 3)"),
        (np.array([[0, 1], [1, 255]], dtype=np.uint8), "found values 255 (first at row 1, column 1)"),
    ],
)
def test_bad_concepts_name_the_offending_values(values, found):
    with pytest.raises(ValueError, match="concepts must be 0/1") as info:
        check_concepts(values, "rec.h5")
    assert str(info.value).startswith("rec.h5: concepts must be 0/1")
    assert found in str(info.value)


@pytest.mark.parametrize(
    "values", [np.array([["0", "1"]]), np.array([[b"0", b"1"]]), np.array([[0, None]], dtype=object)]
)
def test_non_numeric_concepts_are_refused(values):
    with pytest.raises(ValueError, match=r"concepts must be 0/1 numbers .*got dtype"):
        check_concepts(values)


def test_gaussian_noise_is_not_a_concept():
    noise = np.random.default_rng(0).normal(size=(50, 3))
    with pytest.raises(ValueError, match=r"and 14\d more \(first at row 0, column 0\)"):
        check_concepts(noise)
    with pytest.raises(ValueError, match="^x_in must be 0/1"):
        check_binary(noise[:, 0], "x_in")


# ---------------------------------------------------------------------------
# outputs and threshold
# ---------------------------------------------------------------------------


def test_binarize_outputs_threshold():
    tanh = np.array([[-0.9, 0.2], [0.0, 0.7]])
    np.testing.assert_array_equal(binarize_outputs(tanh), [[0, 1], [0, 1]])
    sigmoid = (tanh + 1) / 2
    np.testing.assert_array_equal(binarize_outputs(sigmoid, 0.5), [[0, 1], [0, 1]])
    with pytest.raises(ValueError, match=r"^out.h5: every output lies in \[0, 1\].*threshold=0\.5.*--threshold 0\.5"):
        binarize_outputs(sigmoid, 0.0, "out.h5")
    with pytest.raises(ValueError, match="every output lies in"):
        binarize_outputs(np.array([0, 1, 1, 0]))  # 0/1 answers given as outputs
    np.testing.assert_array_equal(binarize_outputs(np.array([0.0, 0.4, 2.0])), [0, 1, 1])  # not all in [0, 1]
    with pytest.raises(ValueError, match="NaN"):
        binarize_outputs(np.array([0.5, np.nan]), 0.5)
    with pytest.raises(ValueError, match="must be numbers"):
        binarize_outputs(np.array(["a", "b"]), 0.5)
    for bad in (np.nan, "0.5", None, True):
        with pytest.raises(ValueError, match="threshold must be a finite number"):
            check_threshold(bad)


def test_pipeline_tanh_outputs_are_unaffected():
    """Threshold 0 on tanh outputs is exactly the old ``outputs > 0``."""
    rec = recording(seed=3)
    res = relay_over_time(rec)
    x_out = (rec.outputs[np.arange(120), rec.answer_step] > 0).astype(np.int8)
    from inforelay.info import binarize

    single = greedy_relay(rec.concepts[:, 1], x_out[:, 1], binarize(rec.hidden[:, 2, :]))
    np.testing.assert_array_equal(res.order[2, 1], single.order)
    np.testing.assert_array_equal(res.curve[2, 1], single.curve)


def test_threshold_of_sigmoid_outputs_gives_the_tanh_result():
    rec = recording(seed=4)
    tanh = relay_over_time(rec)
    sigmoid = SimpleNamespace(**{**vars(rec), "outputs": (rec.outputs + 1) / 2})
    with pytest.raises(ValueError, match=r"^<memory>: every output lies in \[0, 1\]"):
        relay_over_time(sigmoid)
    res = relay_over_time(sigmoid, threshold=0.5)
    np.testing.assert_array_equal(res.order, tanh.order)
    np.testing.assert_allclose(res.contribution, tanh.contribution, rtol=0, atol=1e-12)


def test_plus_minus_one_concepts_give_the_zero_one_result():
    rec = recording(seed=5)
    zero_one = relay_over_time(rec)
    pm = relay_over_time(SimpleNamespace(**{**vars(rec), "concepts": 2 * rec.concepts - 1}))
    np.testing.assert_array_equal(pm.order, zero_one.order)
    np.testing.assert_array_equal(pm.curve, zero_one.curve)


# ---------------------------------------------------------------------------
# the same verdict everywhere
# ---------------------------------------------------------------------------


def test_every_entry_point_refuses_the_same_bad_concepts(tmp_path):
    rec = recording()
    bad = rec.concepts.astype(np.float64)
    bad[5, 1] = 0.5
    expected = "concepts must be 0/1 (bool, integers or floats exactly 0.0/1.0; ±1 is read as 0/1); found values 0.5"
    with pytest.raises(ValueError) as info:
        relay_all_states(SimpleNamespace(**{**vars(rec), "concepts": bad}))
    assert expected in str(info.value) and "(first at row 5, column 1)" in str(info.value)
    with pytest.raises(ValueError, match="x_in must be 0/1.*found values 0.5"):
        greedy_relay(bad[:, 1], rec.concepts[:, 1], np.zeros((120, 2), dtype=np.int8))
    path = tmp_path / "bad.h5"
    with h5py.File(path, "w") as f:
        for key in ("hidden", "outputs", "answer_step"):
            f[key] = getattr(rec, key)
        f["concepts"] = bad
    with pytest.raises(RecordingFileError) as info:
        load_recording(path)
    assert str(info.value).startswith(f"{path}: {expected}")


def test_info_length_must_be_a_step_count(tmp_path):
    rec = recording()
    for value, ok in ((2, True), (2.0, True), ("ten", False), (0, False), (9, False), (2.5, False)):
        obj = SimpleNamespace(**{**vars(rec), "attrs": {"info_length": value}})
        if ok:
            assert relay_over_time(obj).analysis_step == 1
        else:
            with pytest.raises(ValueError, match=r"info_length must be an integer in 1\.\.4"):
                relay_over_time(obj)


# ---------------------------------------------------------------------------
# a relay of zero everywhere
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change, cause",
    [
        ("constant_outputs", "the answers are constant"),
        ("constant_concept", "the concept is constant"),
    ],
)
def test_zero_relay_everywhere_warns_with_the_likely_cause(change, cause):
    rec = recording(seed=6)
    if change == "constant_outputs":
        rec.outputs = -np.abs(rec.outputs) - 0.1
    else:
        rec.concepts = rec.concepts.copy()
        rec.concepts[:, 0] = 1
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        res = relay_over_time(rec)
    assert np.all(res.full[:, 0] == 0)
    messages = [str(w.message) for w in record if issubclass(w.category, RelayWarning)]
    assert messages[0] == f"<memory>: the hidden relay of concept 0 is zero at every step: {cause}" + (
        " (constant outputs, or a wrong threshold)" if change == "constant_outputs" else ""
    )
    assert (change == "constant_outputs") == (len(messages) == 2)  # constant outputs: both concepts


def test_no_warning_when_there_is_relay():
    with warnings.catch_warnings():
        warnings.simplefilter("error", RelayWarning)
        res = relay_over_time(recording(seed=7))
    assert np.all(res.full[1:, 1] > 0.1)


def test_warning_names_concepts_and_unrelated_answers():
    full = np.zeros((3, 2))
    full[:, 1] = 0.4
    x = np.array([[0, 0], [1, 1], [0, 1], [1, 0]])
    z = np.array([[0, 1], [0, 1], [1, 0], [1, 0]])
    with pytest.warns(RelayWarning, match=r"^f.h5: the cell relay of concept 0 \(colour\) is zero .*do not depend"):
        warn_if_no_relay(full, x, z, "cell", "f.h5", ["colour", "shape"])
