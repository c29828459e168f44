"""The memory and block tasks (docs/tasks.md)."""

from __future__ import annotations

import dataclasses

import h5py
import numpy as np
import pytest

from inforelay.core.hdf5 import FileFormatError
from inforelay.tasks import (
    CONCEPT_NAMES,
    BlockParams,
    MemoryParams,
    TaskFileError,
    concept_labels,
    generate,
    load_task_data,
    parse_delay_regime,
    save_task_data,
    task_params,
)


@pytest.mark.parametrize(("task", "channels", "length"), [("memory", 3, 10), ("block", 8, 6)])
@pytest.mark.parametrize("delay", [0, 3, "random"])
def test_shapes_dtypes_and_answer_steps(task, channels, length, delay):
    data = generate(task, 80, delay, 1)
    n_steps = length + (5 if delay == "random" else delay)
    assert data.inputs.shape == (80, n_steps, channels) and data.inputs.dtype == np.float32
    assert data.targets.shape == (80, 3) and data.targets.dtype == np.float32
    assert data.concepts.shape == (80, 3) and data.concepts.dtype == np.int8
    assert data.delay.dtype == np.int64 and data.answer_step.dtype == np.int64
    assert set(np.unique(data.targets)) <= {-1.0, 1.0}
    np.testing.assert_array_equal(data.concepts, (data.targets > 0).astype(np.int8))
    np.testing.assert_array_equal(data.answer_step, length + data.delay - 1)
    assert data.info_length == length
    if delay == "random":
        assert set(np.unique(data.delay)) == {1, 2, 3, 4, 5}
    else:
        assert np.all(data.delay == delay)
    # exactly 0.0 after the information phase; the information phase is not all zero
    assert np.all(data.inputs[:, length:, :] == 0.0)
    assert np.all(np.abs(data.inputs[:, :length, :]).sum(axis=(1, 2)) > 0)
    assert data.n_steps == n_steps and data.n_samples == 80


def test_random_regime_uses_delay_choices_and_n_steps():
    data = generate("memory", 200, "random", 2, delay_choices=(2, 7), n_steps=20)
    assert set(np.unique(data.delay)) == {2, 7}
    assert data.inputs.shape[1] == 20
    assert np.all(data.inputs[:, 10:] == 0.0)
    with pytest.raises(ValueError, match="shorter"):
        generate("memory", 10, 5, 0, n_steps=12)


@pytest.mark.parametrize("task", ["memory", "block"])
def test_concepts_are_balanced(task):
    data = generate(task, 8 * 25 + 5, 2, 3)
    states = data.concepts @ np.array([4, 2, 1])
    counts = np.bincount(states, minlength=8)
    assert counts.sum() == 205
    assert counts.min() >= 25 and counts.max() <= 30
    assert (counts - 25).sum() == 5
    # shuffled: not sorted by state
    assert np.any(np.diff(states[:200]) < 0)


def test_memory_events_at_the_right_steps():
    params = task_params("memory")
    data = generate("memory", 400, 1, 5, params)
    assert data.event_steps == (3, 6, 9)  # 1-based 4, 7, 10
    x = data.inputs
    for sensor, step in enumerate(data.event_steps):
        event = x[:, step, sensor]
        np.testing.assert_array_equal(np.sign(event), data.targets[:, sensor])
        assert np.all((np.abs(event) >= 0.5) & (np.abs(event) <= 1.0))
        others = np.delete(x[:, :10, sensor], step, axis=1)
        assert abs(others.std() - params.noise_sd) < 0.01
        assert abs(others.mean()) < 0.01
        assert np.abs(others).max() < 0.5  # noise never looks like an event (5 sd)


def test_memory_custom_parameters():
    params = task_params("memory", {"event_steps": [1, 2, 3], "noise_sd": 0.0, "amplitude": [1.0, 1.0]})
    data = generate("memory", 16, 0, 0, params)
    assert data.event_steps == (0, 1, 2)
    assert data.answer_step[0] == 9
    np.testing.assert_array_equal(data.inputs[:, [0, 1, 2], [0, 1, 2]], data.targets)
    assert np.count_nonzero(data.inputs) == 16 * 3


def _recover_block(data, params: BlockParams):
    """Size, direction and hue (±1) read back from noiseless block inputs."""
    frames = data.inputs[:, : params.info_length, :]
    lit = frames > 0.25
    size = lit[:, 0, :].sum(axis=1)
    hue = frames[:, 0, :].max(axis=1)
    width = params.width
    shift_right = np.all(np.roll(lit[:, :-1, :], 1, axis=2) == lit[:, 1:, :], axis=(1, 2))
    shift_left = np.all(np.roll(lit[:, :-1, :], -1, axis=2) == lit[:, 1:, :], axis=(1, 2))
    assert np.all(shift_right ^ shift_left), "every block moves exactly one pixel per step"
    assert width == lit.shape[2]
    return (
        np.where(size == params.sizes[1], 1.0, -1.0),
        np.where(shift_right, 1.0, -1.0),
        np.where(np.isclose(hue, params.hues[1]), 1.0, -1.0),
        size,
    )


def test_block_size_direction_hue_recoverable():
    params = task_params("block", {"noise_sd": 0.0})
    data = generate("block", 400, 2, 9, params)
    size, direction, hue, raw_size = _recover_block(data, params)
    assert set(np.unique(raw_size)) == {2, 4}
    np.testing.assert_array_equal(size, data.targets[:, 0])
    np.testing.assert_array_equal(direction, data.targets[:, 1])
    np.testing.assert_array_equal(hue, data.targets[:, 2])
    assert data.event_steps == ()
    assert data.concept_names == ("size", "direction", "hue")
    # the block is uniform in intensity, the background is 0; start positions cover every pixel
    values = np.unique(data.inputs[:, :6])
    np.testing.assert_allclose(values, [0.0, 0.5, 1.0])
    first_lit = data.inputs[:, 0, :] > 0
    assert np.all(first_lit.sum(axis=0) > 0)


def test_block_noise():
    params = task_params("block")
    data = generate("block", 300, 1, 2, params)
    clean = generate("block", 300, 1, 2, dataclasses.replace(params, noise_sd=0.0))
    noise = data.inputs[:, :6] - clean.inputs[:, :6]
    # same seed → same block layout; the noise draw comes last
    np.testing.assert_array_equal(data.targets, clean.targets)
    assert abs(noise.std() - 0.05) < 0.003


@pytest.mark.parametrize("task", ["memory", "block"])
def test_deterministic_from_seed(task):
    a = generate(task, 50, "random", 42)
    b = generate(task, 50, "random", np.random.default_rng(42))
    c = generate(task, 50, "random", 43)
    for name in ("inputs", "targets", "concepts", "delay", "answer_step"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    assert not np.array_equal(a.inputs, c.inputs)


def test_params_from_config_and_errors():
    params = task_params("memory", {"info_length": 12, "event_steps": [2, 5, 12], "amplitude": [0.6, 0.9]})
    assert isinstance(params, MemoryParams)
    assert params.event_steps == (2, 5, 12) and params.amplitude == (0.6, 0.9)
    with pytest.raises(dataclasses.FrozenInstanceError):
        params.noise_sd = 0.3  # type: ignore[misc]
    with pytest.raises(ValueError, match=r"tasks\.memory: unknown parameter\(s\) 'sigma'; allowed: info_length"):
        task_params("memory", {"sigma": 0.2})
    with pytest.raises(ValueError, match="tasks.block.*'height'.*width"):
        task_params("block", {"height": 3})
    with pytest.raises(ValueError, match="tasks.memory.event_steps"):
        task_params("memory", {"event_steps": [4, 7, 11]})
    with pytest.raises(ValueError, match="tasks.block.sizes"):
        task_params("block", {"sizes": [2, 8]})
    with pytest.raises(ValueError, match="unknown task"):
        task_params("maze")


def test_parse_delay_regime():
    assert parse_delay_regime("3") == 3
    assert parse_delay_regime(0) == 0
    assert parse_delay_regime("random") == "random"
    for bad in ("-1", "rand", 2.5, -2, True):
        with pytest.raises(ValueError, match="delay regime"):
            parse_delay_regime(bad)


def test_save_and_load_round_trip(tmp_path):
    data = generate("block", 40, "random", 1)
    path = tmp_path / "sub" / "train.h5"
    save_task_data(path, data, {"seed": 17, "config": {"n_train": 40}})
    loaded = load_task_data(path)
    for name in ("inputs", "targets", "concepts", "delay", "answer_step"):
        np.testing.assert_array_equal(getattr(loaded, name), getattr(data, name))
        assert getattr(loaded, name).dtype == getattr(data, name).dtype
    assert loaded.task == "block" and loaded.info_length == 6
    assert loaded.event_steps == () and loaded.concept_names == ("size", "direction", "hue")
    mem = generate("memory", 8, 0, 1)
    save_task_data(tmp_path / "m.h5", mem)
    assert load_task_data(tmp_path / "m.h5").event_steps == (3, 6, 9)
    assert sorted(p.name for p in path.parent.iterdir()) == ["train.h5"]


def test_load_errors_name_the_file(tmp_path):
    data = generate("memory", 16, 1, 1)
    path = tmp_path / "t.h5"
    save_task_data(path, data)
    with h5py.File(path, "a") as f:
        del f["delay"]
    with pytest.raises(TaskFileError, match=r"t\.h5: missing dataset\(s\) delay"):
        load_task_data(path)
    save_task_data(path, data)
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 3])
    with pytest.raises(TaskFileError) as err:
        load_task_data(path)
    assert str(err.value).startswith(str(path))
    text = tmp_path / "x.h5"
    text.write_text("hello")
    with pytest.raises(TaskFileError, match=r"x\.h5"):
        load_task_data(text)
    with pytest.raises(FileNotFoundError, match="nope"):
        load_task_data(tmp_path / "nope.h5")


def test_task_files_are_tagged_and_untagged_files_still_load(tmp_path):
    data = generate("memory", 8, 1, 1)
    path = tmp_path / "t.h5"
    save_task_data(path, data)
    with h5py.File(path, "a") as f:
        assert f.attrs["format"] == "inforelay-task" and f.attrs["format_version"] == 1
        del f.attrs["format"], f.attrs["format_version"]  # a file written before the tag
    np.testing.assert_array_equal(load_task_data(path).inputs, data.inputs)
    with h5py.File(path, "a") as f:
        f.attrs["format"] = "inforelay-recording"
    with pytest.raises(TaskFileError, match=r"t\.h5: is a 'inforelay-recording' file"):
        load_task_data(path)
    assert issubclass(TaskFileError, FileFormatError)


def test_concept_labels_and_names():
    assert concept_labels(None, 3) == ["0", "1", "2"]
    assert concept_labels(CONCEPT_NAMES["block"], 3) == ["size", "direction", "hue"]
    assert tuple(concept_labels(task_params("memory").concept_names, 3)) == CONCEPT_NAMES["memory"]
    with pytest.raises(ValueError, match="2 concept names for 3 concepts"):
        concept_labels(["a", "b"], 3)


def test_generate_rejects_bad_arguments():
    with pytest.raises(ValueError, match="n: expected a positive integer"):
        generate("memory", 0, 1, 0)
    with pytest.raises(ValueError, match="must be BlockParams"):
        generate("block", 4, 1, 0, task_params("memory"))
    with pytest.raises(ValueError, match="delay_choices must not be empty"):
        generate("memory", 4, "random", 0, delay_choices=())
