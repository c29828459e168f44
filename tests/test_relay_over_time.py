"""Relay over time on recordings, relay inputs and relay files (inforelay.relay.over_time, .files)."""

from __future__ import annotations

from types import SimpleNamespace

import h5py
import numpy as np
import pytest

import inforelay.relay.kernel as kernel_mod
import inforelay.relay.scores as scores_mod
from inforelay.info import binarize
from inforelay.core.recording_files import load_recording
from inforelay.core.recordings import RecordingFileError
from inforelay.relay import (
    RelayFileError,
    RelayOverTime,
    greedy_relay,
    read_relay,
    read_relay_attrs,
    relay_all_states,
    relay_over_time,
    write_relay,
)


def assert_same(a, b, atol=1e-9):
    assert np.array_equal(a.order, b.order), (a.order, b.order)
    np.testing.assert_allclose(a.curve, b.curve, rtol=0, atol=atol)
    np.testing.assert_allclose(a.node_relay, b.node_relay, rtol=0, atol=atol)
    np.testing.assert_allclose(a.contribution, b.contribution, rtol=0, atol=atol)
    assert a.full == pytest.approx(b.full, abs=atol)


# ---------------------------------------------------------------------------
# relay over time
# ---------------------------------------------------------------------------


def recording(n=300, n_steps=6, n_units=5, n_concepts=2, seed=0, cell=True, attrs=None):
    """A small in-memory LSTM-like recording (Activations-like object)."""
    rng = np.random.default_rng(seed)
    concepts = rng.integers(0, 2, (n, n_concepts)).astype(np.int8)
    signs = 2.0 * concepts - 1
    w = rng.normal(0, 1.5, (n_concepts, n_units))
    hidden = np.empty((n, n_steps, n_units), dtype=np.float32)
    for t in range(n_steps):
        hidden[:, t] = np.tanh(signs * (t >= 2) @ w + 0.7 * rng.normal(size=(n, n_units)))
    answer_step = rng.integers(n_steps - 2, n_steps, n)
    outputs = rng.normal(0, 0.1, (n, n_steps, n_concepts)).astype(np.float32)
    outputs[np.arange(n), answer_step] = np.where(rng.random((n, n_concepts)) < 0.95, signs, -signs)
    return SimpleNamespace(
        hidden=hidden,
        cell=(hidden * 2.5 + 0.1 * rng.normal(size=hidden.shape)).astype(np.float32) if cell else None,
        outputs=outputs,
        concepts=concepts,
        answer_step=answer_step.astype(np.int64),
        attrs={} if attrs is None else attrs,
    )


def check_against_single_searches(result: RelayOverTime, rec, state: str, method: str = "kmeans"):
    values = getattr(rec, state)
    n, n_steps, n_units = values.shape
    x_out = (rec.outputs[np.arange(n), rec.answer_step] > 0).astype(np.int8)
    assert result.contribution.shape == (n_steps, rec.concepts.shape[1], n_units)
    assert result.curve.shape == (n_steps, rec.concepts.shape[1], n_units + 1)
    for t in range(n_steps):
        bits = binarize(values[:, t, :], method)
        for c in range(rec.concepts.shape[1]):
            single = greedy_relay(rec.concepts[:, c], x_out[:, c], bits)
            assert_same(result.result(t, c), single, atol=1e-12)


def test_relay_over_time_equals_single_searches():
    rec = recording(attrs={"info_length": 4})
    hidden = relay_over_time(rec)
    check_against_single_searches(hidden, rec, "hidden")
    assert hidden.analysis_step == 3 and hidden.n_samples == 300 and hidden.method == "kmeans"
    assert hidden.null_mean is None and hidden.p_value is None
    cell = relay_over_time(rec, state="cell", method="median")
    check_against_single_searches(cell, rec, "cell", "median")
    # information enters at step 2: relay is (almost) zero before
    assert np.all(np.abs(hidden.full[:2]) < 0.1) and np.all(hidden.full[3:] > 0.3)


def test_relay_over_time_code_paths_do_not_change_results(monkeypatch):
    rec = recording(seed=1, n_units=40)
    default = relay_over_time(rec, n_shuffles=5)
    monkeypatch.setattr(kernel_mod, "MANY_UNITS", 10**6)  # recount every group
    monkeypatch.setattr(scores_mod, "SPARSE_MIN_UNITS", 10**6)  # bincount only
    other = relay_over_time(rec, n_shuffles=5)
    np.testing.assert_array_equal(other.order, default.order)
    np.testing.assert_array_equal(other.null_mean, default.null_mean)
    for key in ("curve", "node_relay", "contribution", "full"):
        np.testing.assert_allclose(getattr(other, key), getattr(default, key), rtol=0, atol=1e-12)


def test_relay_over_time_shuffles_are_seeded():
    rec = recording(n=200, n_steps=3, n_units=4, seed=2)
    a = relay_over_time(rec, n_shuffles=20, seed=5)
    b = relay_over_time(rec, n_shuffles=20, seed=5)
    c = relay_over_time(rec, n_shuffles=20, seed=6)
    assert a.null_mean.shape == a.p_value.shape == (3, 2)
    np.testing.assert_array_equal(a.null_mean, b.null_mean)
    assert not np.array_equal(a.null_mean, c.null_mean)
    assert np.all((a.p_value >= 1 / 21) & (a.p_value <= 1))
    assert np.all(a.p_value[2] == pytest.approx(1 / 21))  # information is there from step 2


def test_relay_over_time_defaults_and_errors():
    rec = recording(cell=False)
    res = relay_all_states(rec)
    assert list(res) == ["hidden"]
    assert res["hidden"].analysis_step == rec.hidden.shape[1] - 1  # no info_length: last step
    with pytest.raises(ValueError, match="cell"):
        relay_over_time(rec, state="cell")
    with pytest.raises(ValueError, match="state"):
        relay_over_time(rec, state="gates")
    with pytest.raises(ValueError, match="method"):
        relay_over_time(rec, method="otsu")
    with pytest.raises(ValueError, match="n_shuffles"):
        relay_over_time(rec, n_shuffles=-2)
    bad = recording()
    bad.concepts = bad.concepts[:, :1]
    with pytest.raises(ValueError, match="concepts must be"):
        relay_over_time(bad)
    bad = recording()
    bad.answer_step = bad.answer_step + 10
    with pytest.raises(ValueError, match="answer_step"):
        relay_over_time(bad)
    bad = recording(attrs={"info_length": 50})
    with pytest.raises(ValueError, match="info_length"):
        relay_over_time(bad)
    with pytest.raises(ValueError, match="needs outputs, concepts, answer_step"):
        relay_over_time(SimpleNamespace(hidden=np.zeros((2, 2, 2))))
    with pytest.raises(TypeError, match="needs at least 'hidden'"):
        relay_over_time(SimpleNamespace(outputs=np.zeros((2, 2, 2))))


def write_minimal(path, rec, **extra):
    with h5py.File(path, "w") as f:
        for key in ("hidden", "outputs", "concepts", "answer_step"):
            f[key] = getattr(rec, key)
        for key, value in extra.items():
            f[key] = value


def test_relay_over_time_from_files(tmp_path):
    from inforelay.nets.recording import read_activations, write_activations

    rec = recording(n=200, n_steps=5, n_units=4, n_concepts=3, seed=3)
    n, n_steps, _ = rec.hidden.shape
    arrays = {
        "inputs": np.zeros((n, n_steps, 3), dtype=np.float32),
        "hidden": rec.hidden,
        "cell": rec.cell,
        "outputs": rec.outputs,
        "targets": (2.0 * rec.concepts - 1).astype(np.float32),
        "concepts": rec.concepts,
        "delay": rec.answer_step - 2,
        "answer_step": rec.answer_step,
    }
    attrs = {
        "task": "memory",
        "model": "lstm",
        "delay_regime": "random",
        "replicate": 0,
        "seed": 1,
        "accuracy": 1.0,
        "epochs": 3,
        "restarts": 0,
        "info_length": 3,
        "event_steps": [0, 1, 2],
        "concept_names": ["A", "B", "C"],
    }
    pipeline = tmp_path / "rep-00.h5"
    write_activations(pipeline, arrays, attrs)
    expected = {s: relay_over_time(rec, state=s) for s in ("hidden", "cell")}
    from_path = relay_all_states(load_recording(pipeline))
    with pytest.raises(TypeError, match="load_recording"):  # the computation reads no files
        relay_all_states(pipeline)
    from_object = relay_all_states(read_activations(pipeline))
    for state in ("hidden", "cell"):
        for res in (from_path[state], from_object[state]):
            assert res.analysis_step == 2
            np.testing.assert_array_equal(res.order, expected[state].order)
            np.testing.assert_allclose(res.curve, expected[state].curve, rtol=0, atol=1e-12)
    # a user's own recording: only hidden, outputs, concepts, answer_step
    minimal = tmp_path / "mine.h5"
    write_minimal(minimal, rec)
    res = relay_over_time(load_recording(str(minimal)))
    np.testing.assert_array_equal(res.order, expected["hidden"].order)
    assert res.analysis_step == n_steps - 1
    inputs = load_recording(minimal)
    assert inputs.cell is None and inputs.inputs is None and inputs.source == str(minimal)


def test_loading_a_relay_input_names_the_file(tmp_path):
    rec = recording(n=50)
    with pytest.raises(FileNotFoundError, match="nothere.h5"):
        load_recording(tmp_path / "nothere.h5")
    text = tmp_path / "text.h5"
    text.write_text("not hdf5")
    with pytest.raises(RecordingFileError, match="text.h5: not a readable HDF5"):
        load_recording(text)
    partial = tmp_path / "partial.h5"
    with h5py.File(partial, "w") as f:
        f["hidden"] = rec.hidden
    with pytest.raises(RecordingFileError, match="partial.h5: missing dataset.*outputs"):
        load_recording(partial)
    shapes = tmp_path / "shapes.h5"
    write_minimal(shapes, SimpleNamespace(**{**vars(rec), "hidden": rec.hidden[:, :, 0]}))
    with pytest.raises(RecordingFileError, match=r"shapes.h5: hidden must be a non-empty \(n, T, N\)"):
        load_recording(shapes)
    cell = tmp_path / "cell.h5"
    write_minimal(cell, rec, cell=rec.hidden[:, :3])
    with pytest.raises(RecordingFileError, match="cell.h5: cell must have hidden's shape"):
        load_recording(cell)
    nan = tmp_path / "nan.h5"
    hidden = rec.hidden.copy()
    hidden[0, 0, 0] = np.nan
    write_minimal(nan, SimpleNamespace(**{**vars(rec), "hidden": hidden}))
    with pytest.raises(RecordingFileError, match="nan.h5: hidden contains NaN"):
        load_recording(nan)
    with pytest.raises(RecordingFileError, match=f"{tmp_path}: is a directory, not a recording file"):
        load_recording(tmp_path)


# ---------------------------------------------------------------------------
# relay files
# ---------------------------------------------------------------------------


def test_write_read_relay_roundtrip(tmp_path):
    rec = recording(n=150, n_steps=4, n_units=3, seed=4, attrs={"info_length": 3})
    results = {
        "hidden": relay_over_time(rec, n_shuffles=5),
        "cell": relay_over_time(rec, state="cell"),
    }
    path = tmp_path / "relay" / "rep-00.h5"
    write_relay(
        path, results, {"task": "memory", "concept_names": ["A", "B"]}, config_slice={"n_shuffles": 5}
    )
    assert [p.name for p in path.parent.iterdir()] == ["rep-00.h5"]  # no temporary file left
    back = read_relay(path)
    assert list(back) == ["hidden", "cell"]
    for state, res in results.items():
        for key in ("contribution", "node_relay", "full", "order", "curve", "null_mean", "p_value"):
            a, b = getattr(back[state], key), getattr(res, key)
            if b is None:
                assert a is None
            else:
                np.testing.assert_array_equal(a, b)
        assert back[state].analysis_step == 2 and back[state].n_samples == 150
        assert back[state].method == "kmeans"
    attrs = read_relay_attrs(path)
    assert attrs["task"] == "memory" and tuple(attrs["concept_names"]) == ("A", "B")
    assert attrs["config"] == {"n_shuffles": 5} and "numpy" in attrs["versions"]
    # caller-supplied provenance wins over the defaults
    write_relay(path, results, {"config": '{"relay": 1}'})
    assert read_relay_attrs(path)["config"] == {"relay": 1}


def test_relay_file_errors_name_the_file(tmp_path):
    rec = recording(n=80, n_steps=3, n_units=3)
    res = relay_over_time(rec)
    with pytest.raises(ValueError, match="out.h5: unknown state"):
        write_relay(tmp_path / "out.h5", {"gates": res})
    with pytest.raises(ValueError, match="out.h5: no relay results"):
        write_relay(tmp_path / "out.h5", {})
    assert not (tmp_path / "out.h5").exists()
    empty = tmp_path / "empty.h5"
    h5py.File(empty, "w").close()
    with pytest.raises(RelayFileError, match="empty.h5: no relay group"):
        read_relay(empty)
    broken = tmp_path / "broken.h5"
    write_relay(broken, {"hidden": res})
    with h5py.File(broken, "a") as f:
        del f["hidden/curve"]
        f["hidden/curve"] = np.zeros((3, 2, 3))
    with pytest.raises(RelayFileError, match="broken.h5: hidden/curve has shape"):
        read_relay(broken)
    with h5py.File(broken, "a") as f:
        del f["hidden/order"]
    with pytest.raises(RelayFileError, match="broken.h5: group 'hidden' lacks order"):
        read_relay(broken)
    with pytest.raises(FileNotFoundError, match="missing.h5"):
        read_relay(tmp_path / "missing.h5")


def test_relay_files_are_tagged_and_checked(tmp_path):
    from inforelay.core.hdf5 import FileFormatError

    res = relay_over_time(recording(n=80, n_steps=3, n_units=3))
    path = tmp_path / "tagged.h5"
    write_relay(path, {"hidden": res}, {"format": "something-else"})  # the tag always wins
    attrs = read_relay_attrs(path)
    assert attrs["format"] == "inforelay-relay" and attrs["format_version"] == 1
    with h5py.File(path, "a") as f:
        f.attrs["format"] = "inforelay-activations"
    for reader in (read_relay, read_relay_attrs):
        with pytest.raises(RelayFileError, match="tagged.h5: is a 'inforelay-activations' file"):
            reader(path)
    with h5py.File(path, "a") as f:
        f.attrs["format"] = "inforelay-relay"
        f.attrs["format_version"] = 7
    with pytest.raises(RelayFileError, match="tagged.h5: inforelay-relay format version 7"):
        read_relay(path)
    # files written before the version tag, and untagged files, are still read
    with h5py.File(path, "a") as f:
        f.attrs["format"] = "inforelay-relay-1"
        del f.attrs["format_version"]
    np.testing.assert_array_equal(read_relay(path)["hidden"].order, res.order)
    with h5py.File(path, "a") as f:
        del f.attrs["format"]
    np.testing.assert_array_equal(read_relay(path)["hidden"].curve, res.curve)
    assert issubclass(RelayFileError, FileFormatError)
    text = tmp_path / "text.h5"
    text.write_text("not hdf5")
    with pytest.raises(FileFormatError) as info:
        load_recording(text)
    assert info.value.path == str(text)


def test_relay_all_states_picks_states_and_file_attrs():
    from inforelay.relay import relay_file_attrs

    rec = recording(attrs={"info_length": 4, "task": "memory", "seed": 3})
    both = relay_all_states(rec, n_shuffles=3, seed=2)
    assert list(both) == ["hidden", "cell"]
    only_cell = relay_all_states(rec, n_shuffles=3, seed=2, states=("cell",))
    assert list(only_cell) == ["cell"]
    for key in ("order", "curve", "null_mean", "p_value"):
        np.testing.assert_array_equal(getattr(only_cell["cell"], key), getattr(both["cell"], key))
    with pytest.raises(ValueError, match="at least one state"):
        relay_all_states(rec, states=())
    with pytest.raises(ValueError, match="state must be one of"):
        relay_all_states(rec, states=("gates",))
    assert relay_file_attrs(rec.attrs, "rec.h5") == {"task": "memory", "info_length": 4, "source": "rec.h5"}
