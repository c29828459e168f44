"""The paper's two time-series classification tasks: ``memory`` and ``block`` (numpy only).

A sequence is an *information phase* of ``info_length`` steps, then ``delay`` steps whose inputs
are exactly 0.0; the answer is read at the last of them, index ``info_length + delay - 1``
(0-based; with delay 0 the answer is read at the last information step). Every sequence carries
three ±1 targets, the *concepts*; the concept bits are ``targets > 0``.

**memory** — ``n_sensors`` (3) input channels. At every information step each sensor reads
N(0, ``noise_sd``) noise; at its event step (config: 1-based, default 4, 7, 10) sensor ``k``
instead reads ``s_k · a_k`` with ``s_k = ±1`` (the target) and ``a_k ~ U(amplitude)``.

**block** — a block moves in front of a 1-D camera of ``width`` pixels with wrapping edges.
It has a size (``sizes[0]`` or ``sizes[1]`` pixels), a direction (1 pixel per step to lower or
higher pixel indices) and a hue (pixel intensity ``hues[0]`` or ``hues[1]``); the start position
is uniform; every pixel gets N(0, ``noise_sd``) noise during the information phase.
Sign convention of the targets (size, direction, hue): ``+1`` = large (``sizes[1]``) / moving
right (towards higher pixel indices) / bright (``hues[1]``); ``-1`` = small / left / dark.

See ``docs/tasks.md``.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import h5py
import numpy as np

from inforelay.core.atomic import atomic_path
from inforelay.core.hdf5 import read_attrs, write_attrs

__all__ = [
    "concept_labels",
    "TASKS",
    "CONCEPT_NAMES",
    "DelayRegime",
    "MemoryParams",
    "BlockParams",
    "TaskData",
    "TaskFileError",
    "parse_delay_regime",
    "task_params",
    "generate",
    "save_task_data",
    "load_task_data",
]

TASKS = ("memory", "block")
CONCEPT_NAMES = {"memory": ("A", "B", "C"), "block": ("size", "direction", "hue")}
DelayRegime = int | Literal["random"]


class TaskFileError(ValueError):
    """A task-data file is missing pieces, inconsistent or unreadable (message starts with the path)."""


# --------------------------------------------------------------------------------------------
# parameters


@dataclass(frozen=True)
class MemoryParams:
    """Parameters of the memory task (DESIGN §3). ``event_steps`` are 1-based, as in the paper."""

    info_length: int = 10
    n_sensors: int = 3
    event_steps: tuple[int, ...] = (4, 7, 10)
    noise_sd: float = 0.1
    amplitude: tuple[float, float] = (0.5, 1.0)

    def __post_init__(self) -> None:
        _set_tuple(self, "event_steps", int)
        _set_tuple(self, "amplitude", float)
        _check_positive_int("memory", "info_length", self.info_length)
        _check_positive_int("memory", "n_sensors", self.n_sensors)
        if len(self.event_steps) != self.n_sensors:
            raise ValueError(
                f"tasks.memory.event_steps: needs one step per sensor ({self.n_sensors}), "
                f"got {list(self.event_steps)}"
            )
        if any(not 1 <= s <= self.info_length for s in self.event_steps):
            raise ValueError(
                f"tasks.memory.event_steps: 1-based steps within 1..{self.info_length} "
                f"(info_length), got {list(self.event_steps)}"
            )
        _check_nonnegative("memory", "noise_sd", self.noise_sd)
        low, high = _pair("memory", "amplitude", self.amplitude)
        if not 0 < low <= high:
            raise ValueError(f"tasks.memory.amplitude: needs 0 < low <= high, got {[low, high]}")

    @property
    def concept_names(self) -> tuple[str, ...]:
        return tuple(chr(ord("A") + k) for k in range(self.n_sensors))

    @property
    def n_channels(self) -> int:
        return self.n_sensors


@dataclass(frozen=True)
class BlockParams:
    """Parameters of the block task (DESIGN §3)."""

    info_length: int = 6
    width: int = 8
    sizes: tuple[int, int] = (2, 4)
    hues: tuple[float, float] = (0.5, 1.0)
    noise_sd: float = 0.05

    def __post_init__(self) -> None:
        _set_tuple(self, "sizes", int)
        _set_tuple(self, "hues", float)
        _check_positive_int("block", "info_length", self.info_length)
        if self.info_length < 2:
            raise ValueError("tasks.block.info_length: direction needs at least 2 frames")
        _check_positive_int("block", "width", self.width)
        small, large = _pair("block", "sizes", self.sizes)
        if not 1 <= small < large < self.width:
            raise ValueError(
                f"tasks.block.sizes: needs 1 <= small < large < width ({self.width}), "
                f"got {[small, large]}"
            )
        dark, bright = _pair("block", "hues", self.hues)
        if not 0 < dark < bright:
            raise ValueError(f"tasks.block.hues: needs 0 < dark < bright, got {[dark, bright]}")
        _check_nonnegative("block", "noise_sd", self.noise_sd)

    @property
    def concept_names(self) -> tuple[str, ...]:
        return CONCEPT_NAMES["block"]

    @property
    def n_channels(self) -> int:
        return self.width


_PARAMS = {"memory": MemoryParams, "block": BlockParams}


def _set_tuple(obj: Any, name: str, kind: type) -> None:
    value = getattr(obj, name)
    if isinstance(value, str | bytes) or not isinstance(value, Sequence | np.ndarray):
        raise ValueError(f"{type(obj).__name__}.{name}: expected a list, got {value!r}")
    object.__setattr__(obj, name, tuple(kind(v) for v in value))


def _pair(task: str, name: str, value: tuple) -> tuple:
    if len(value) != 2:
        raise ValueError(f"tasks.{task}.{name}: expected two values, got {list(value)}")
    return value


def _check_positive_int(task: str, name: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(f"tasks.{task}.{name}: expected a positive integer, got {value!r}")


def _check_nonnegative(task: str, name: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ValueError(f"tasks.{task}.{name}: expected a number >= 0, got {value!r}")


def _check_task(task: str) -> str:
    if task not in TASKS:
        raise ValueError(f"unknown task {task!r}; allowed: {', '.join(TASKS)}")
    return task


def task_params(task: str, overrides: Mapping[str, Any] | None = None) -> MemoryParams | BlockParams:
    """Parameters of ``task`` with ``overrides`` (the config's ``tasks.<task>`` mapping) applied.

    Raises
    ------
    ValueError
        For an unknown task, an unknown key (naming the key and the allowed keys) or a bad value.
    """
    cls = _PARAMS[_check_task(task)]
    overrides = dict(overrides or {})
    allowed = [f.name for f in dataclasses.fields(cls)]
    unknown = sorted(set(overrides) - set(allowed))
    if unknown:
        raise ValueError(
            f"tasks.{task}: unknown parameter(s) {', '.join(map(repr, unknown))}; "
            f"allowed: {', '.join(allowed)}"
        )
    return cls(**overrides)


def concept_labels(concept_names: Sequence[str] | None, n: int) -> list[str]:
    """Labels of ``n`` concepts: the given names as strings, or ``"0"``, ``"1"``, … when absent.

    Raises ``ValueError`` when the number of names does not match ``n``.
    """
    if concept_names is None:
        return [str(c) for c in range(n)]
    names = [str(c) for c in concept_names]
    if len(names) != n:
        raise ValueError(f"{len(names)} concept names for {n} concepts")
    return names


def parse_delay_regime(value: str | int) -> DelayRegime:
    """``"3"``/``3`` → ``3``; ``"random"`` → ``"random"``. Delays must be integers ``>= 0``."""
    if isinstance(value, str):
        text = value.strip()
        if text == "random":
            return "random"
        if text.lstrip("+").isdigit():
            return int(text)
    elif isinstance(value, int | np.integer) and not isinstance(value, bool) and value >= 0:
        return int(value)
    raise ValueError(f"delay regime must be an integer >= 0 or 'random', got {value!r}")


# --------------------------------------------------------------------------------------------
# data


@dataclass
class TaskData:
    """Generated sequences of one task.

    Attributes
    ----------
    inputs : (n, T, C) float32, exactly 0.0 after the information phase
    targets : (n, K) float32, ±1 (K = 3 concepts)
    concepts : (n, K) int8, ``targets > 0``
    delay : (n,) int64
    answer_step : (n,) int64, 0-based: ``info_length + delay - 1``
    info_length : int
    event_steps : tuple of 0-based indices at which the concepts enter (memory: the sensors'
        events; block: ``()`` — its concepts are spread over the whole information phase)
    concept_names : names of the K concepts
    """

    task: str
    inputs: np.ndarray
    targets: np.ndarray
    concepts: np.ndarray
    delay: np.ndarray
    answer_step: np.ndarray
    info_length: int
    event_steps: tuple[int, ...]
    concept_names: tuple[str, ...]

    @property
    def n_samples(self) -> int:
        return int(self.inputs.shape[0])

    @property
    def n_steps(self) -> int:
        return int(self.inputs.shape[1])

    @property
    def n_channels(self) -> int:
        return int(self.inputs.shape[2])

    def subset(self, index: np.ndarray | slice) -> TaskData:
        """The sequences selected by ``index`` (same metadata)."""
        return dataclasses.replace(
            self,
            inputs=self.inputs[index],
            targets=self.targets[index],
            concepts=self.concepts[index],
            delay=self.delay[index],
            answer_step=self.answer_step[index],
        )


def _as_rng(rng_or_seed: np.random.Generator | int | np.random.SeedSequence) -> np.random.Generator:
    if isinstance(rng_or_seed, np.random.Generator):
        return rng_or_seed
    return np.random.default_rng(rng_or_seed)


def balanced_concepts(n: int, n_concepts: int, rng: np.random.Generator) -> np.ndarray:
    """``(n, n_concepts)`` int8 bits where each of the ``2**n_concepts`` states appears
    ``n // 2**n_concepts`` times, the remainder states are drawn uniformly, and the rows are
    shuffled. State ``s`` has bit ``k`` = ``(s >> (n_concepts - 1 - k)) & 1``."""
    n_states = 2**n_concepts
    states = np.concatenate(
        [np.repeat(np.arange(n_states), n // n_states), rng.integers(0, n_states, n % n_states)]
    )
    states = rng.permutation(states)
    shifts = np.arange(n_concepts - 1, -1, -1)
    return ((states[:, None] >> shifts[None, :]) & 1).astype(np.int8)


def _memory_inputs(
    params: MemoryParams, targets: np.ndarray, n_steps: int, rng: np.random.Generator
) -> np.ndarray:
    n, k = targets.shape
    length = params.info_length
    inputs = np.zeros((n, n_steps, k), dtype=np.float64)
    inputs[:, :length, :] = rng.normal(0.0, params.noise_sd, size=(n, length, k))
    amplitude = rng.uniform(params.amplitude[0], params.amplitude[1], size=(n, k))
    for sensor, step in enumerate(params.event_steps):
        inputs[:, step - 1, sensor] = targets[:, sensor] * amplitude[:, sensor]
    return inputs.astype(np.float32)


def _block_inputs(
    params: BlockParams, targets: np.ndarray, n_steps: int, rng: np.random.Generator
) -> np.ndarray:
    n = targets.shape[0]
    width, length = params.width, params.info_length
    size = np.where(targets[:, 0] > 0, params.sizes[1], params.sizes[0])
    direction = np.where(targets[:, 1] > 0, 1, -1)
    hue = np.where(targets[:, 2] > 0, params.hues[1], params.hues[0])
    start = rng.integers(0, width, size=n)
    steps = np.arange(length)
    left = (start[:, None] + direction[:, None] * steps[None, :]) % width  # (n, L) block's left edge
    pixel = np.arange(width)
    covered = (pixel[None, None, :] - left[:, :, None]) % width < size[:, None, None]  # (n, L, W)
    inputs = np.zeros((n, n_steps, width), dtype=np.float64)
    inputs[:, :length, :] = covered * hue[:, None, None]
    inputs[:, :length, :] += rng.normal(0.0, params.noise_sd, size=(n, length, width))
    return inputs.astype(np.float32)


def generate(
    task: str,
    n: int,
    delay: DelayRegime | str,
    rng_or_seed: np.random.Generator | int | np.random.SeedSequence,
    params: MemoryParams | BlockParams | None = None,
    *,
    delay_choices: Sequence[int] = (1, 2, 3, 4, 5),
    n_steps: int | None = None,
) -> TaskData:
    """Generate ``n`` sequences of ``task``.

    Parameters
    ----------
    task
        ``"memory"`` or ``"block"``.
    n
        Number of sequences.
    delay
        A fixed delay ``>= 0`` (0: answer at the last information step) or ``"random"``
        (each sequence draws its delay uniformly from ``delay_choices``).
    rng_or_seed
        A numpy Generator or anything :func:`numpy.random.default_rng` takes. Random numbers are
        drawn in a fixed order (concepts, delays, task inputs), so a seed fixes the data.
    params
        Task parameters (default: :func:`task_params` defaults).
    delay_choices
        The delays of the ``"random"`` regime.
    n_steps
        Sequence length ``T``; default ``info_length + delay`` (``+ max(delay_choices)`` for
        ``"random"``). Steps after a sequence's answer are 0.0 as well.

    Returns
    -------
    TaskData
    """
    _check_task(task)
    if params is None:
        params = task_params(task)
    expected = _PARAMS[task]
    if not isinstance(params, expected):
        raise ValueError(f"params for task {task!r} must be {expected.__name__}, got {type(params).__name__}")
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    regime = parse_delay_regime(delay)
    rng = _as_rng(rng_or_seed)
    n_concepts = len(params.concept_names)

    concepts = balanced_concepts(int(n), n_concepts, rng)
    targets = (2.0 * concepts - 1.0).astype(np.float32)
    if regime == "random":
        choices = np.asarray([parse_delay_regime(d) for d in delay_choices], dtype=np.int64)
        if choices.size == 0:
            raise ValueError("delay_choices must not be empty")
        delays = rng.choice(choices, size=int(n))
        longest = int(choices.max())
    else:
        delays = np.full(int(n), regime, dtype=np.int64)
        longest = regime
    length = params.info_length
    needed = length + max(longest, 0)
    if n_steps is None:
        n_steps = max(needed, length)
    elif n_steps < needed or n_steps < length:
        raise ValueError(f"n_steps={n_steps} is shorter than info_length + delay = {needed}")
    answer_step = (length + delays - 1).astype(np.int64)

    if task == "memory":
        inputs = _memory_inputs(params, targets, int(n_steps), rng)
        event_steps = tuple(s - 1 for s in params.event_steps)
    else:
        inputs = _block_inputs(params, targets, int(n_steps), rng)
        event_steps = ()
    return TaskData(
        task=task,
        inputs=inputs,
        targets=targets,
        concepts=concepts,
        delay=delays.astype(np.int64),
        answer_step=answer_step,
        info_length=int(length),
        event_steps=event_steps,
        concept_names=tuple(params.concept_names),
    )


# --------------------------------------------------------------------------------------------
# HDF5 attributes (shared with ``recording``)


# --------------------------------------------------------------------------------------------
# task-data files

_TASK_DATASETS = {
    "inputs": (np.float32, 3),
    "targets": (np.float32, 2),
    "concepts": (np.int8, 2),
    "delay": (np.int64, 1),
    "answer_step": (np.int64, 1),
}


def validate_task_arrays(arrays: Mapping[str, np.ndarray], where: str, error: type[Exception]) -> None:
    """Check names, dtypes, ranks and shape consistency of task arrays; raise ``error(where: ...)``."""
    missing = [name for name in _TASK_DATASETS if name not in arrays]
    if missing:
        raise error(f"{where}: missing dataset(s) {', '.join(missing)}")
    for name, (dtype, ndim) in _TASK_DATASETS.items():
        arr = arrays[name]
        if arr.ndim != ndim:
            raise error(f"{where}: dataset {name!r} must have {ndim} dimensions, has shape {arr.shape}")
        if arr.dtype != np.dtype(dtype):
            raise error(f"{where}: dataset {name!r} must be {np.dtype(dtype)}, is {arr.dtype}")
    n, n_steps, _ = arrays["inputs"].shape
    k = arrays["targets"].shape[1]
    for name in ("targets", "concepts", "delay", "answer_step"):
        if arrays[name].shape[0] != n:
            raise error(f"{where}: dataset {name!r} has {arrays[name].shape[0]} samples, inputs have {n}")
    if arrays["concepts"].shape[1] != k:
        raise error(f"{where}: concepts have {arrays['concepts'].shape[1]} columns, targets have {k}")
    if not np.array_equal(arrays["concepts"], (arrays["targets"] > 0).astype(np.int8)):
        raise error(f"{where}: concepts are not targets > 0")
    steps = arrays["answer_step"]
    if n and (steps.min() < 0 or steps.max() >= n_steps):
        raise error(f"{where}: answer_step outside the sequence (0..{n_steps - 1})")


def save_task_data(
    path: str | os.PathLike[str], data: TaskData, attrs: Mapping[str, Any] | None = None
) -> None:
    """Write ``data`` to an HDF5 file atomically (see ``docs/file-formats.md``).

    Datasets ``inputs, targets, concepts, delay, answer_step``; attributes ``task, info_length,
    event_steps`` (0-based), ``concept_names`` plus ``attrs`` (e.g. provenance, seed).
    """
    arrays = {name: getattr(data, name) for name in _TASK_DATASETS}
    validate_task_arrays(arrays, str(path), ValueError)
    meta = {
        **dict(attrs or {}),
        "task": data.task,
        "info_length": int(data.info_length),
        "event_steps": [int(s) for s in data.event_steps],
        "concept_names": list(data.concept_names),
    }
    with atomic_path(path) as tmp:
        with h5py.File(tmp, "w") as f:
            for name, arr in arrays.items():
                kwargs = {"compression": "gzip", "compression_opts": 4, "shuffle": True} if arr.size else {}
                f.create_dataset(name, data=arr, **kwargs)
            write_attrs(f.attrs, meta)


def load_task_data(path: str | os.PathLike[str]) -> TaskData:
    """Read and validate a file written by :func:`save_task_data`.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    TaskFileError
        If it is not an HDF5 file, is truncated, or lacks or has inconsistent datasets/attributes
        (the message starts with the path).
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such task-data file")
    try:
        with h5py.File(path, "r") as f:
            missing = [name for name in _TASK_DATASETS if name not in f]
            if missing:
                raise TaskFileError(f"{path}: missing dataset(s) {', '.join(missing)} (not a task-data file?)")
            arrays = {name: f[name][()] for name in _TASK_DATASETS}
            attrs = read_attrs(f.attrs)
    except TaskFileError:
        raise
    except (OSError, KeyError, ValueError, TypeError, RuntimeError) as exc:
        raise TaskFileError(f"{path}: cannot read as HDF5 task data ({exc})") from exc
    validate_task_arrays(arrays, str(path), TaskFileError)
    for key in ("task", "info_length", "event_steps", "concept_names"):
        if key not in attrs:
            raise TaskFileError(f"{path}: missing attribute {key!r}")
    if attrs["task"] not in TASKS:
        raise TaskFileError(f"{path}: unknown task {attrs['task']!r}")
    return TaskData(
        task=str(attrs["task"]),
        inputs=arrays["inputs"],
        targets=arrays["targets"],
        concepts=arrays["concepts"],
        delay=arrays["delay"],
        answer_step=arrays["answer_step"],
        info_length=int(attrs["info_length"]),
        event_steps=tuple(int(s) for s in attrs["event_steps"]),
        concept_names=tuple(str(s) for s in attrs["concept_names"]),
    )
