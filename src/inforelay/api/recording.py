"""Recordings of users' networks: the :class:`Recording` that ``inforelay.record`` returns, its file.

A saved recording is an ``inforelay-recording`` file (:mod:`inforelay.core.recordings`) of kind
``"model-recording"``: ``inputs``, ``hidden``, optional ``cell`` and ``outputs`` (float32,
``(n, T, ·)``), plus, when given to :meth:`Recording.save`, ``concepts (n, C)`` int8 and
``answer_step (n,)`` int64 — with those the file is an input of ``inforelay relay``
(docs/relay.md §6). A recording without readout stores an empty ``outputs (n, T, 0)``.
numpy/h5py only: loading a recording never imports torch.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import h5py
import numpy as np

from inforelay.core.recordings import (
    ErrorFactory,
    RecordingFileError,
    RecordingLayout,
    read_recording,
    write_recording,
)
from inforelay.core.recordings import Recording as _BaseRecording

__all__ = ["MODEL_RECORDING", "LABELLED_RECORDING", "Recording", "as_answer_steps", "load_recording"]

_KIND = "model-recording"
_COMPRESSED = frozenset({"inputs", "hidden", "cell", "outputs"})


def _check_labels(arrays: Mapping[str, np.ndarray], where: str, error: ErrorFactory) -> None:
    """``concepts (n, C)`` 0/1 with one column per output; ``answer_step (n,)`` within ``0..T-1``."""
    n, n_steps = arrays["hidden"].shape[:2]
    n_outputs = arrays["outputs"].shape[2]
    concepts, steps = arrays["concepts"], arrays["answer_step"]
    if concepts.shape[0] != n or steps.shape != (n,):
        raise error(where, f"concepts {concepts.shape} and answer_step {steps.shape} must have {n} rows (hidden)")
    if concepts.shape[1] != n_outputs:
        raise error(
            where,
            f"concepts have {concepts.shape[1]} columns, outputs {n_outputs}: a relay analysis needs one "
            "output per concept (record with a readout)",
        )
    if not np.isin(concepts, (0, 1)).all():
        raise error(where, "concepts must be 0/1")
    if n and (steps.min() < 0 or steps.max() >= n_steps):
        raise error(where, f"answer_step outside the sequence (0..{n_steps - 1})")


MODEL_RECORDING = RecordingLayout(kind=_KIND, extras={}, compressed=_COMPRESSED)
"""Layout of a saved recording without labels."""

LABELLED_RECORDING = RecordingLayout(
    kind=_KIND,
    extras={"concepts": (np.dtype(np.int8), 2), "answer_step": (np.dtype(np.int64), 1)},
    compressed=_COMPRESSED,
    validate=_check_labels,
)
"""Layout of a saved recording with ``concepts`` and ``answer_step`` (readable by ``inforelay relay``)."""


def as_answer_steps(answer_step: int | np.ndarray, n: int) -> np.ndarray:
    """``(n,)`` int64 answer steps from one step for every sequence or an ``(n,)`` array.

    Raises
    ------
    ValueError
        For non-integers or a wrong shape.
    """
    steps = np.asarray(answer_step)
    if not (np.issubdtype(steps.dtype, np.integer) and not np.issubdtype(steps.dtype, np.bool_)):
        raise ValueError(f"answer_step must be an int or (n,) integers, got dtype {steps.dtype}")
    if steps.ndim == 0:
        steps = np.full(n, int(steps))
    if steps.shape != (n,):
        raise ValueError(f"answer_step must be an int or have shape ({n},), got {steps.shape}")
    return steps.astype(np.int64)


class Recording(_BaseRecording):
    """A network's states on ``n`` sequences of ``T`` steps (what ``inforelay.record`` returns).

    Attributes
    ----------
    inputs : np.ndarray
        ``(n, T, F)`` the inputs given to the model.
    hidden : np.ndarray
        ``(n, T, N)`` the hidden state after each step (the module's own output sequence).
    cell : np.ndarray or None
        ``(n, T, N)`` LSTM cell states, else ``None``.
    outputs : np.ndarray or None
        ``(n, T, C)`` the readout's outputs, ``None`` without readout.
    extras : dict
        ``concepts``/``answer_step`` once saved with them (and the other datasets of a loaded
        pipeline activation file).
    attrs : dict
        ``model`` (``rnn``/``gru``/``lstm``), ``layer`` and whatever :meth:`save` was given.
    """

    @property
    def concepts(self) -> np.ndarray | None:
        """``(n, C)`` 0/1 concepts stored with the recording, or ``None``."""
        return self.extras.get("concepts")

    @property
    def answer_step(self) -> np.ndarray | None:
        """``(n,)`` 0-based answer steps stored with the recording, or ``None``."""
        return self.extras.get("answer_step")

    def save(
        self,
        path: str | os.PathLike[str],
        *,
        concepts: np.ndarray | None = None,
        answer_step: int | np.ndarray | None = None,
        attrs: Mapping[str, Any] | None = None,
    ) -> None:
        """Write the recording as an HDF5 file (atomically); :func:`load_recording` reads it back.

        Parameters
        ----------
        path
            Target ``.h5`` file.
        concepts, answer_step
            ``(n, C)`` 0/1 and an int or ``(n,)`` 0-based steps, both or neither (default: those
            stored with the recording). With them the file is an input of ``inforelay relay``,
            which reads the answer for concept ``c`` as ``outputs[i, answer_step[i], c] > 0``.
        attrs
            Extra file attributes, e.g. ``info_length`` (``inforelay relay`` then reports
            ``info_length − 1`` as the analysis step) or ``concept_names``.

        Raises
        ------
        ValueError
            Naming the path, for inconsistent arrays or only one of ``concepts``/``answer_step``.
        """
        arrays = {"inputs": self.inputs, "hidden": self.hidden, "cell": self.cell, "outputs": self.outputs}
        if arrays["outputs"] is None:
            arrays["outputs"] = np.zeros((*self.hidden.shape[:2], 0), np.float32)
        concepts = self.concepts if concepts is None else concepts
        answer_step = self.answer_step if answer_step is None else answer_step
        if (concepts is None) != (answer_step is None):
            raise ValueError(f"{path}: give both concepts and answer_step, or neither")
        layout = MODEL_RECORDING
        if concepts is not None:
            arrays["concepts"] = np.asarray(concepts)
            arrays["answer_step"] = as_answer_steps(answer_step, self.n_samples)
            layout = LABELLED_RECORDING
        write_recording(path, arrays, {**self.attrs, **dict(attrs or {})}, layout)


def _file_kind(path: str | os.PathLike[str]) -> tuple[str | None, bool]:
    """The file's ``kind`` attribute (``None`` when untagged) and whether it has ``concepts``."""
    try:
        with h5py.File(path, "r") as f:
            kind = f.attrs.get("kind")
            kind = kind.decode() if isinstance(kind, bytes) else (None if kind is None else str(kind))
            return kind, "concepts" in f
    except OSError as err:
        raise RecordingFileError(path, f"not a readable HDF5 file ({err})") from err


def load_recording(path: str | os.PathLike[str]) -> Recording:
    """Read a recording saved by :meth:`Recording.save` (or a pipeline activation file).

    numpy/h5py only: torch is not imported.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    RecordingFileError
        If it is not HDF5, another kind of file, or misses or mangles a dataset (the message
        starts with the path).
    """
    if not os.path.exists(path):
        raise FileNotFoundError(f"{path}: no such recording file")
    kind, labelled = _file_kind(path)
    if kind == "activations":
        from inforelay.nets.recording import read_activations  # numpy/h5py only

        rec = read_activations(path)
    elif kind in (None, _KIND):
        rec = read_recording(path, LABELLED_RECORDING if labelled else MODEL_RECORDING)
    else:
        raise RecordingFileError(path, f"is a {kind!r} recording; expected a {_KIND!r} or 'activations' file")
    outputs = None if rec.outputs.shape[-1] == 0 else rec.outputs
    return Recording(rec.inputs, rec.hidden, rec.cell, outputs, dict(rec.extras), dict(rec.attrs))
