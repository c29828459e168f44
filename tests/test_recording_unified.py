"""One recording type: what the API records, the pipeline writes and a user makes by hand load as
the same Recording, every analysis takes it, and the edges (find_relays, load_recording, the
command) accept the same files and labels. numpy/h5py only, except where a model is recorded."""

from __future__ import annotations

import subprocess
import sys

import h5py
import numpy as np
import pytest

import inforelay
from inforelay import cli
from inforelay.core.recording_files import load_recording
from inforelay.core.recordings import Recording, RecordingFileError
from inforelay.flow.neurons import neurons_from_recording
from inforelay.relay import relay_all_states


def _arrays(n: int = 200, n_steps: int = 4, n_units: int = 3, seed: int = 0):
    """Unit 0 holds concept 0; two concepts, answers equal to the concepts."""
    rng = np.random.default_rng(seed)
    concepts = rng.integers(0, 2, size=(n, 2))
    hidden = rng.normal(size=(n, n_steps, n_units)).astype(np.float32)
    hidden[:, 1:, 0] = 2.0 * concepts[:, None, 0] - 1
    outputs = np.repeat((2.0 * concepts - 1)[:, None, :], n_steps, axis=1).astype(np.float32)
    inputs = rng.normal(size=(n, n_steps, 2)).astype(np.float32)
    return inputs, hidden, outputs, concepts


def _hand_made(path, hidden, outputs, concepts, answer_step):
    """The layout of docs/relay.md §6: four datasets, no tag, no inputs."""
    with h5py.File(path, "w") as f:
        f["hidden"], f["outputs"], f["concepts"], f["answer_step"] = hidden, outputs, concepts, answer_step


def test_the_api_names_are_the_one_type():
    import inforelay.api.recording as api_recording

    assert inforelay.Recording is Recording and api_recording.Recording is Recording
    assert inforelay.load_recording is load_recording
    import inforelay.nets.recording as nets_recording
    import inforelay.relay as relay

    assert not hasattr(nets_recording, "Activations")
    assert not hasattr(relay, "RelayInputs") and not hasattr(relay, "read_relay_inputs")


def test_hand_made_file_loads_everywhere_and_find_relays_takes_its_path(tmp_path):
    _, hidden, outputs, concepts = _arrays()
    path = tmp_path / "mine.h5"
    _hand_made(path, hidden, outputs, 2 * concepts - 1, np.full(len(concepts), 3, dtype=np.int32))  # ±1, int32
    rec = load_recording(path)
    assert type(rec) is Recording and rec.inputs is None and rec.source == str(path)
    assert rec.concepts.dtype == np.int8 and set(np.unique(rec.concepts)) == {0, 1}
    assert rec.answer_step.dtype == np.int64
    from_path = inforelay.find_relays(path, correction=None)
    from_object = inforelay.find_relays(rec, correction=None)
    np.testing.assert_array_equal(from_path.contribution, from_object.contribution)
    np.testing.assert_array_equal(from_path.contribution[0], relay_all_states(rec)["hidden"].contribution)
    assert from_path.plugin_contribution[0, 3, 0, 0] > 0.9  # unit 0 holds concept 0
    assert cli.main(["relay", str(path), "-o", str(tmp_path / "relay.h5")]) == 0


def test_save_takes_the_concept_encodings_find_relays_takes(tmp_path):
    inputs, hidden, outputs, concepts = _arrays(n=120)
    rec = Recording(inputs, hidden, None, outputs)
    reference = None
    for encoding in (concepts, 2 * concepts - 1, concepts.astype(np.float64), concepts.astype(bool)):
        path = tmp_path / f"saved-{len(list(tmp_path.iterdir()))}.h5"
        rec.save(path, concepts=encoding, answer_step=3)
        back = load_recording(path)
        np.testing.assert_array_equal(back.concepts, concepts)
        found = inforelay.find_relays(back, correction=None).contribution
        direct = inforelay.find_relays(rec, encoding, answer_step=3, correction=None).contribution
        np.testing.assert_array_equal(found, direct)
        reference = found if reference is None else reference
        np.testing.assert_array_equal(found, reference)
    bad = concepts.astype(np.float64)
    bad[0, 0] = 0.5
    with pytest.raises(ValueError, match=r"bad\.h5: concepts must be 0/1.*found values 0\.5"):
        rec.save(tmp_path / "bad.h5", concepts=bad, answer_step=3)
    assert not (tmp_path / "bad.h5").exists()


def test_a_directory_is_one_clear_line_everywhere(tmp_path, capsys):
    with pytest.raises(RecordingFileError, match=f"^{tmp_path}: is a directory, not a recording file$"):
        load_recording(tmp_path)
    with pytest.raises(RecordingFileError, match="is a directory"):
        inforelay.find_relays(tmp_path)
    assert cli.main(["relay", str(tmp_path), "-o", str(tmp_path / "out.h5")]) != 0
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "is a directory, not a recording file" in err


def test_computations_refuse_paths(tmp_path):
    _, hidden, outputs, concepts = _arrays(n=50)
    path = tmp_path / "mine.h5"
    _hand_made(path, hidden, outputs, concepts, np.full(50, 3))
    from inforelay.relay import relay_shuffle_null

    for compute in (relay_all_states, lambda p: relay_shuffle_null(p, n_shuffles=1, seed=0)):
        with pytest.raises(TypeError, match="load_recording"):
            compute(str(path))


def test_flow_takes_the_recording_as_a_view():
    inputs, hidden, outputs, _ = _arrays(n=30)
    rec = Recording(inputs, hidden, None, outputs)
    neurons = neurons_from_recording(rec)
    assert neurons.names[:3] == ("in0", "in1", "h0") and neurons.values.shape == (30, 4, 2 + 3 + 2)
    with pytest.raises(ValueError, match="<memory>: information flow needs the recording's inputs"):
        neurons_from_recording(Recording(None, hidden, None, outputs))


def test_a_pipeline_activation_file_and_a_model_recording_are_the_same_type(tmp_path):
    torch = pytest.importorskip("torch")
    from inforelay.nets.models import build_network
    from inforelay.nets.record import record_activations
    from inforelay.nets.recording import read_activations, write_activations
    from inforelay.tasks import generate

    data = generate("memory", 32, "random", 4)
    arrays = record_activations(build_network("lstm", 3, seed=1), data)
    attrs = {"task": "memory", "model": "lstm", "delay_regime": "random", "replicate": 0, "seed": 1,
             "accuracy": 1.0, "epochs": 1, "restarts": 0, "info_length": 10, "event_steps": (3, 6, 9),
             "concept_names": ("A", "B", "C")}  # fmt: skip
    write_activations(tmp_path / "acts.h5", arrays, attrs)
    pipeline, loaded = read_activations(tmp_path / "acts.h5"), load_recording(tmp_path / "acts.h5")
    assert type(pipeline) is Recording and type(loaded) is Recording
    np.testing.assert_array_equal(pipeline.cell, loaded.cell)
    assert loaded.concept_names == ("A", "B", "C") and loaded.targets.shape == (32, 3)

    model = torch.nn.GRU(2, 3, batch_first=True)
    inputs, _, _, concepts = _arrays(n=40)
    recorded = inforelay.record(model, inputs, readout=torch.nn.Linear(3, 2))
    recorded.save(tmp_path / "rec.h5", concepts=concepts, answer_step=3)
    assert type(recorded) is Recording and type(load_recording(tmp_path / "rec.h5")) is Recording


def test_loading_never_imports_torch(tmp_path):
    _, hidden, outputs, concepts = _arrays(n=40)
    path = tmp_path / "mine.h5"
    _hand_made(path, hidden, outputs, concepts, np.full(40, 3))
    code = (
        "import sys, warnings, inforelay; warnings.simplefilter('ignore');"
        f"rel = inforelay.find_relays({str(path)!r}); assert 'torch' not in sys.modules; print('ok')"
    )
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "ok"
