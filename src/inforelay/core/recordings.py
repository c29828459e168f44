"""Per-step recordings of a network: one HDF5 layout for every kind (numpy/h5py only, no torch).

A recording holds, for ``n`` sequences of ``T`` steps, the network's ``inputs (n, T, C)``,
``hidden (n, T, N)``, optional LSTM ``cell (n, T, N)`` and ``outputs (n, T, K)``, all float32,
plus datasets that only one kind of recording has (a :class:`RecordingLayout`: activation files
add targets, concepts, delays and answer steps; series recordings add per-step targets and
window starts) and attributes. Files carry ``format = "inforelay-recording"``, version 1, and
``kind`` (``docs/file-formats.md``); files written before the tag existed are still read.

:class:`Recording` is the one in-memory type of a network's recorded states: what
``inforelay.record`` returns, what :func:`load_recording` reads (pipeline activation files, saved
model recordings, forecaster recordings and the hand-made layout of ``docs/relay.md`` §6), and
what the relay, knockout and flow analyses take. Files are read and written only in
:mod:`inforelay.core.recording_files`; the analyses never open one.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from inforelay.core.hdf5 import FileFormatError
from inforelay.core.labels import as_answer_steps, check_concepts
from inforelay.core.shapes import axis_length

__all__ = [
    "RECORDING_FORMAT",
    "RECORDING_FORMAT_VERSION",
    "OPTIONAL_DATASETS",
    "STEP_DATASETS",
    "ErrorFactory",
    "Recording",
    "RecordingFileError",
    "RecordingLayout",
    "as_recording",
    "extra_dataset",
    "value_error",
]

RECORDING_FORMAT = "inforelay-recording"
RECORDING_FORMAT_VERSION = 1

# the datasets every recording has: name -> (dtype, ndim); "cell" is optional (LSTM only)
STEP_DATASETS: dict[str, tuple[np.dtype, int]] = {
    "inputs": (np.dtype(np.float32), 3),
    "hidden": (np.dtype(np.float32), 3),
    "cell": (np.dtype(np.float32), 3),
    "outputs": (np.dtype(np.float32), 3),
}
OPTIONAL_DATASETS = frozenset({"cell"})
"""Per-step datasets a recording may lack (only LSTMs have a cell state)."""

ErrorFactory = Callable[[object, str], Exception]
"""Builds the exception for a problem: ``error(path, problem)``."""


class RecordingFileError(FileFormatError):
    """A recording file is missing pieces, unreadable, truncated or inconsistent (message starts with the path)."""


def value_error(path: object, problem: str) -> ValueError:
    """A plain ``ValueError("<path>: <problem>")``: bad arrays handed to a writer."""
    return ValueError(f"{path}: {problem}")


@dataclass(frozen=True)
class RecordingLayout:
    """What one kind of recording adds to the per-step datasets.

    Attributes
    ----------
    kind
        Value of the file's ``kind`` attribute (``"activations"``, ``"series-recording"``).
    extras
        Kind-specific datasets: name → (dtype, ndim), in the order they are checked.
    compressed
        Datasets written gzip level 4 with the shuffle filter (the others are stored plainly).
    validate
        Kind-specific consistency check ``validate(arrays, where, error)``, run after the
        generic checks of :func:`check_datasets` and :func:`check_step_arrays`.
    """

    kind: str
    extras: Mapping[str, tuple[np.dtype, int]]
    compressed: frozenset[str] = frozenset()
    validate: Callable[[Mapping[str, np.ndarray], str, ErrorFactory], None] | None = None

    @property
    def datasets(self) -> dict[str, tuple[np.dtype, int]]:
        """Every dataset of this kind: the per-step ones, then the extras."""
        return {**STEP_DATASETS, **self.extras}


def _extra(name: str, doc: str) -> property:
    """A read-only property: ``extras[name]``, or ``None`` when the recording lacks it."""
    return property(lambda self: self.extras.get(name), doc=doc)


@dataclass
class Recording:
    """A network's states on ``n`` sequences of ``T`` steps, with optional labels.

    Attributes
    ----------
    inputs : np.ndarray or None
        ``(n, T, F)`` the inputs given to the network (batch first); ``None`` for a hand-made
        relay input without them.
    hidden : np.ndarray
        ``(n, T, N)`` the hidden state after each step.
    cell : np.ndarray or None
        ``(n, T, N)`` LSTM cell states, else ``None``.
    outputs : np.ndarray or None
        ``(n, T, C)`` the readout's outputs at every step, ``None`` without a readout.
    extras : dict
        Datasets beyond the per-step ones: the labels ``concepts (n, C)`` and ``answer_step
        (n,)``, and what a kind of file adds (an activation file's ``targets`` and ``delay``).
    attrs : dict
        File attributes (``model``, ``task``, ``info_length``, ``concept_names``, provenance...).
    source : str
        The file it was read from, or ``"<memory>"``; error messages start with it.
    """

    inputs: np.ndarray | None
    hidden: np.ndarray
    cell: np.ndarray | None = None
    outputs: np.ndarray | None = None
    extras: dict[str, np.ndarray] = field(default_factory=dict)
    attrs: dict[str, Any] = field(default_factory=dict)
    source: str = "<memory>"

    n_samples = axis_length("hidden", 0, "Sequences ``n``.")
    n_steps = axis_length("hidden", 1, "Time steps ``T``.")
    n_units = axis_length("hidden", 2, "Hidden units ``N``.")

    concepts = _extra("concepts", "``(n, C)`` 0/1 concepts (what the network must report), or ``None``.")
    answer_step = _extra("answer_step", "``(n,)`` 0-based steps at which the answers are read, or ``None``.")
    targets = _extra("targets", "``(n, C)`` ±1 training targets of an activation file, or ``None``.")
    delay = _extra("delay", "``(n,)`` delays of an activation file's sequences, or ``None``.")

    @property
    def task(self) -> str | None:
        """The pipeline task (``attrs["task"]``), or ``None``."""
        return self.attrs.get("task")

    @property
    def model(self) -> str | None:
        """``"rnn"``, ``"gru"`` or ``"lstm"`` (``attrs["model"]``), or ``None``."""
        return self.attrs.get("model")

    @property
    def info_length(self) -> int | None:
        """Steps of the information phase (``attrs["info_length"]``), or ``None``."""
        value = self.attrs.get("info_length")
        return None if value is None else int(value)

    @property
    def event_steps(self) -> tuple[int, ...]:
        """0-based steps at which concepts enter (``attrs["event_steps"]``)."""
        return tuple(int(s) for s in self.attrs.get("event_steps", ()))

    @property
    def concept_names(self) -> tuple[str, ...]:
        """The concepts' names (``attrs["concept_names"]``), else their indices as strings."""
        names = self.attrs.get("concept_names")
        if names is not None:
            return tuple(str(s) for s in names)
        labels = self.concepts if self.concepts is not None else self.targets
        return () if labels is None else tuple(str(k) for k in range(np.shape(labels)[1]))

    def arrays(self) -> dict[str, np.ndarray]:
        """Every dataset by name (``inputs``, ``cell`` and ``outputs`` only when present)."""
        steps = {"inputs": self.inputs, "hidden": self.hidden, "cell": self.cell, "outputs": self.outputs}
        return {**{k: v for k, v in steps.items() if v is not None}, **self.extras}

    def states(self, state: str = "hidden") -> np.ndarray:
        """``hidden`` or ``cell`` states, ``(n, T, N)``; a clear error if ``cell`` is absent."""
        if state == "hidden":
            return self.hidden
        if state == "cell":
            if self.cell is None:
                raise ValueError(f"{self.source}: no cell states in this recording (model {self.model!r})")
            return self.cell
        raise ValueError(f"unknown state {state!r}; allowed: 'hidden', 'cell'")

    def with_labels(self, concepts: Any, answer_step: int | np.ndarray) -> Recording:
        """A copy with ``concepts`` (0/1, ±1 or exact float 0.0/1.0, stored as int8 0/1) and
        ``answer_step`` (an int or ``(n,)``, stored as int64); the arrays are shared."""
        labels = check_concepts(concepts, self.source)
        labels = labels[:, None] if labels.ndim == 1 else labels
        if labels.ndim != 2 or labels.shape[0] != self.n_samples:
            raise ValueError(f"{self.source}: concepts must be ({self.n_samples}, C), got shape {labels.shape}")
        steps = as_answer_steps(answer_step, self.n_samples, self.source)
        extras = {**self.extras, "concepts": labels, "answer_step": steps}
        return Recording(self.inputs, self.hidden, self.cell, self.outputs, extras, dict(self.attrs), self.source)

    def save(
        self,
        path: str | os.PathLike[str],
        *,
        concepts: Any = None,
        answer_step: int | np.ndarray | None = None,
        attrs: Mapping[str, Any] | None = None,
    ) -> None:
        """Write the recording as an HDF5 file (atomically); :func:`load_recording` reads it back.

        Parameters
        ----------
        path
            Target ``.h5`` file.
        concepts, answer_step
            ``(n, C)`` concepts (0/1, ±1 or exact float 0.0/1.0, as ``find_relays`` takes them)
            and an int or ``(n,)`` 0-based steps, both or neither (default: those stored with
            the recording). With them the file is an input of ``inforelay relay``, which reads
            the answer for concept ``c`` as ``outputs[i, answer_step[i], c] > 0``.
        attrs
            Extra file attributes, e.g. ``info_length`` (``inforelay relay`` then reports
            ``info_length − 1`` as the analysis step) or ``concept_names``.

        Raises
        ------
        ValueError
            Naming the path, for inconsistent arrays, bad labels or only one of
            ``concepts``/``answer_step``.
        """
        concepts = self.concepts if concepts is None else concepts
        answer_step = self.answer_step if answer_step is None else answer_step
        if (concepts is None) != (answer_step is None):
            raise ValueError(f"{path}: give both concepts and answer_step, or neither")
        if self.inputs is None:
            raise ValueError(f"{path}: a recording without inputs cannot be saved as a model recording")
        arrays: dict[str, Any] = {"inputs": self.inputs, "hidden": self.hidden, "cell": self.cell}
        arrays["outputs"] = np.zeros((*self.hidden.shape[:2], 0), np.float32) if self.outputs is None else self.outputs
        from inforelay.core.recording_files import LABELLED_RECORDING, MODEL_RECORDING, write_recording

        layout = MODEL_RECORDING
        if concepts is not None:
            labelled = self.with_labels(_labels_at(concepts, path), answer_step)
            arrays["concepts"], arrays["answer_step"] = labelled.concepts, labelled.answer_step
            layout = LABELLED_RECORDING
        write_recording(path, arrays, {**self.attrs, **dict(attrs or {})}, layout)


def _labels_at(concepts: Any, path: object) -> np.ndarray:
    """Concepts checked with the path in the message (0/1, ±1 or float 0.0/1.0 → int8 0/1)."""
    return check_concepts(concepts, str(path))


def as_recording(obj: Any) -> Recording:
    """``obj`` itself if it is a :class:`Recording`, else one holding its arrays.

    Any object with ``hidden`` and optionally ``inputs``, ``cell``, ``outputs``, ``concepts``,
    ``answer_step``, ``attrs`` and ``source`` works (e.g. a user's own container). Files are not
    read here: a path is a ``TypeError`` that names :func:`load_recording`.
    """
    if isinstance(obj, Recording):
        return obj
    if isinstance(obj, (str, bytes, os.PathLike)):
        raise TypeError(f"{obj!r} is a path: read it with inforelay.load_recording(path) first")
    if not hasattr(obj, "hidden"):
        raise TypeError(
            f"a recording needs at least 'hidden' (n, T, N); got a {type(obj).__name__} without it "
            "(pass an inforelay Recording, or an object with hidden, outputs, concepts, answer_step)"
        )
    extras = {key: getattr(obj, key) for key in ("concepts", "answer_step") if getattr(obj, key, None) is not None}
    return Recording(
        getattr(obj, "inputs", None),
        obj.hidden,
        getattr(obj, "cell", None),
        getattr(obj, "outputs", None),
        extras,
        dict(getattr(obj, "attrs", None) or {}),
        str(getattr(obj, "source", None) or "<memory>"),
    )


class extra_dataset:  # lower case: used like ``property``
    """Expose ``recording.extras[name]`` as the attribute ``name`` of a :class:`Recording` subclass."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Recording | None, objtype: type | None = None) -> Any:
        return self if obj is None else obj.extras[self.name]

    def __set__(self, obj: Recording, value: np.ndarray) -> None:
        obj.extras[self.name] = value
