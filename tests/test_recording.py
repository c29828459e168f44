"""Activation files: recording, atomic writing, validated reading."""

from __future__ import annotations

import subprocess
import sys

import h5py
import numpy as np
import pytest

from inforelay.core.hdf5 import FileFormatError
from inforelay.core.provenance import provenance_attrs
from inforelay.core.recordings import Recording, RecordingFileError
from inforelay.nets.models import build_network
from inforelay.nets.record import record_activations
from inforelay.nets.recording import (
    ActivationFileError,
    read_activations,
    write_activations,
)
from inforelay.nets.stepwise import run_stepwise
from inforelay.tasks import generate


def _attrs(model: str) -> dict:
    return {
        "task": "memory",
        "model": model,
        "delay_regime": "random",
        "replicate": 3,
        "seed": 12345,
        "accuracy": 0.99,
        "epochs": 17,
        "restarts": 1,
        "info_length": 10,
        "event_steps": (3, 6, 9),
        "concept_names": ("A", "B", "C"),
        **provenance_attrs({"tasks": {"n_analysis": 32}, "note": "test"}),
    }


@pytest.fixture(scope="module")
def data():
    return generate("memory", 32, "random", 4)


@pytest.mark.parametrize("model", ["rnn", "lstm"])
def test_round_trip(tmp_path, data, model):
    net = build_network(model, 3, seed=1)
    arrays = record_activations(net, data)
    assert ("cell" in arrays) == (model == "lstm")
    path = tmp_path / f"{model}.h5"
    write_activations(path, arrays, _attrs(model))
    act = read_activations(path)
    run = run_stepwise(net, data.inputs)
    np.testing.assert_array_equal(act.hidden, run.hidden)
    np.testing.assert_array_equal(act.outputs, run.outputs)
    np.testing.assert_array_equal(act.inputs, data.inputs)
    np.testing.assert_array_equal(act.targets, data.targets)
    np.testing.assert_array_equal(act.concepts, data.concepts)
    np.testing.assert_array_equal(act.delay, data.delay)
    np.testing.assert_array_equal(act.answer_step, data.answer_step)
    if model == "lstm":
        np.testing.assert_array_equal(act.cell, run.cell)
        assert act.states("cell") is act.cell
    else:
        assert act.cell is None
        with pytest.raises(ValueError, match="no cell"):
            act.states("cell")
    assert act.hidden.dtype == np.float32 and act.concepts.dtype == np.int8
    assert act.delay.dtype == np.int64 and act.answer_step.dtype == np.int64
    assert (act.n_samples, act.n_steps, act.n_units) == (32, 15, 12)
    assert act.task == "memory" and act.model == model
    assert act.attrs["replicate"] == 3 and act.attrs["seed"] == 12345
    assert act.attrs["delay_regime"] == "random"
    assert act.attrs["accuracy"] == pytest.approx(0.99)
    assert act.event_steps == (3, 6, 9) and act.concept_names == ("A", "B", "C")
    assert act.info_length == 10
    assert act.attrs["config"] == {"tasks": {"n_analysis": 32}, "note": "test"}
    assert isinstance(act.attrs["versions"], dict) and "numpy" in act.attrs["versions"]
    assert act.attrs["inforelay_version"]
    with h5py.File(path) as f:
        assert f["hidden"].compression == "gzip" and f["hidden"].shuffle
        assert f["hidden"].compression_opts == 4
    assert [p.name for p in tmp_path.iterdir()] == [f"{model}.h5"]


def test_write_fills_provenance_and_requires_attributes(tmp_path, data):
    arrays = record_activations(build_network("rnn", 3, seed=1), data)
    attrs = {k: v for k, v in _attrs("rnn").items() if k not in ("versions", "config")}
    write_activations(tmp_path / "a.h5", arrays, attrs)
    act = read_activations(tmp_path / "a.h5")
    assert act.attrs["config"] == {} and "torch" in act.attrs["versions"]
    del attrs["seed"]
    with pytest.raises(ValueError, match=r"b\.h5: missing attribute\(s\) seed"):
        write_activations(tmp_path / "b.h5", arrays, attrs)
    with pytest.raises(ValueError, match="needs the 'cell'"):
        write_activations(tmp_path / "c.h5", arrays, _attrs("lstm"))
    bad = dict(arrays, outputs=arrays["outputs"][:, :5])
    with pytest.raises(ValueError, match="'outputs' has shape"):
        write_activations(tmp_path / "d.h5", bad, _attrs("rnn"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.h5"]


def test_atomic_write_leaves_nothing_on_failure(tmp_path, data, monkeypatch):
    from inforelay.core import recording_files

    arrays = record_activations(build_network("rnn", 3, seed=1), data)

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(recording_files, "write_attrs", fail)  # fails after the datasets are written
    with pytest.raises(RuntimeError, match="disk full"):
        write_activations(tmp_path / "a.h5", arrays, _attrs("rnn"))
    assert list(tmp_path.iterdir()) == []


def _written(tmp_path, data, model="rnn"):
    path = tmp_path / "act.h5"
    write_activations(path, record_activations(build_network(model, 3, seed=1), data), _attrs(model))
    return path


def test_truncated_file(tmp_path, data):
    path = _written(tmp_path, data)
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(ActivationFileError) as err:
        read_activations(path)
    assert str(err.value).startswith(str(path))


def test_foreign_hdf5_and_text_files(tmp_path):
    foreign = tmp_path / "foreign.h5"
    with h5py.File(foreign, "w") as f:
        f["something"] = np.zeros(3)
    with pytest.raises(ActivationFileError, match="missing dataset") as err:
        read_activations(foreign)
    assert str(err.value).startswith(str(foreign))
    text = tmp_path / "notes.h5"
    text.write_text("not an HDF5 file\n")
    with pytest.raises(ActivationFileError) as err:
        read_activations(text)
    assert str(err.value).startswith(str(text))
    with pytest.raises(FileNotFoundError, match="missing.h5"):
        read_activations(tmp_path / "missing.h5")


@pytest.mark.parametrize(
    ("name", "change", "message"),
    [
        ("hidden", lambda a: a.astype(np.float64), "must be float32"),
        ("concepts", lambda a: a.astype(np.float32), "must be int8"),
        ("targets", lambda a: a[:, 0], "must have 2 dimensions"),
        ("outputs", lambda a: a[:-1], "'outputs' has shape"),
        ("answer_step", lambda a: a + 100, "answer_step outside"),
        ("inputs", None, r"missing dataset\(s\) inputs"),
    ],
)
def test_invalid_datasets(tmp_path, data, name, change, message):
    path = _written(tmp_path, data)
    with h5py.File(path, "a") as f:
        value = f[name][()]
        del f[name]
        if change is not None:
            f[name] = change(value)
    with pytest.raises(ActivationFileError, match=message) as err:
        read_activations(path)
    assert str(err.value).startswith(str(path))


def test_lstm_file_without_cell(tmp_path, data):
    path = _written(tmp_path, data, model="lstm")
    with h5py.File(path, "a") as f:
        del f["cell"]
    with pytest.raises(ActivationFileError, match="no 'cell'"):
        read_activations(path)


def test_reading_does_not_import_torch(tmp_path, data):
    path = _written(tmp_path, data)
    code = (
        "import sys; from inforelay.nets.recording import read_activations; "
        f"a = read_activations({str(path)!r}); assert 'torch' not in sys.modules, 'torch imported'; "
        "print(a.n_units)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "12"


def test_files_are_tagged_recordings_and_untagged_files_still_read(tmp_path, data):
    path = _written(tmp_path, data)
    with h5py.File(path, "a") as f:
        assert f.attrs["format"] == "inforelay-recording" and f.attrs["kind"] == "activations"
        for key in ("format", "format_version", "kind"):  # a file written before the tags
            del f.attrs[key]
    assert read_activations(path).n_units == 12
    with h5py.File(path, "a") as f:
        f.attrs["kind"] = "series-recording"
    with pytest.raises(ActivationFileError, match="is a 'series-recording' recording, expected 'activations'"):
        read_activations(path)
    assert issubclass(ActivationFileError, FileFormatError)


def test_series_recordings_share_the_layout(tmp_path):
    from inforelay.flow.series import read_series_recording, write_series_recording

    rng = np.random.default_rng(1)
    arrays = {"inputs": rng.normal(size=(4, 6, 1)), "hidden": rng.normal(size=(4, 6, 5)),
              "cell": rng.normal(size=(4, 6, 5)), "outputs": rng.normal(size=(4, 6, 2)),
              "targets": rng.normal(size=(4, 6, 2)), "start": np.arange(4)}
    path = tmp_path / "series.h5"
    write_series_recording(path, arrays, {"series": "synthetic"})
    rec = read_series_recording(path)
    assert isinstance(rec, Recording) and rec.attrs["kind"] == "series-recording"
    np.testing.assert_array_equal(rec.cell, arrays["cell"].astype(np.float32))
    assert rec.start.dtype == np.int64 and rec.targets.shape == (4, 6, 2)
    with pytest.raises(ActivationFileError, match="expected 'activations'"):
        read_activations(path)
    with pytest.raises(RecordingFileError, match="expected 'series-recording'"):
        read_series_recording(_written(tmp_path, generate("memory", 8, 1, 0)))
    with pytest.raises(ValueError, match="unknown dataset"):
        write_series_recording(tmp_path / "x.h5", dict(arrays, gates=arrays["hidden"]), {})
    with pytest.raises(ValueError, match="'cell' has shape"):
        write_series_recording(tmp_path / "y.h5", dict(arrays, cell=arrays["hidden"][:, :, :2]), {})


def test_package_import_of_the_reader_does_not_import_torch(tmp_path, data):
    path = _written(tmp_path, data)
    code = (
        "import sys; from inforelay.nets import read_activations; "
        f"read_activations({str(path)!r}); assert 'torch' not in sys.modules, 'torch imported'"
    )
    subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
