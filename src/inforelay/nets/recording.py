"""Activation files: every hidden (and LSTM cell) state of a network on a task set.

An activation file is a recording (:mod:`inforelay.core.recordings`, kind ``"activations"``) whose
extra datasets say what the network had to answer: ``targets (n, K)`` float32, ``concepts (n, K)``
int8, ``delay (n,)`` and ``answer_step (n,)`` int64; attributes :data:`REQUIRED_ATTRS`. Layout:
``docs/file-formats.md``. This module needs numpy/h5py only, so the analyses that read activation
files never import torch; recording a network is :func:`inforelay.nets.record.record_activations`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import numpy as np

from inforelay.core.version import __version__
from inforelay.core.provenance import package_versions, to_json
from inforelay.core.recording_files import ACTIVATION_DATASETS, ACTIVATIONS, read_recording, write_recording
from inforelay.core.recordings import STEP_DATASETS, Recording, RecordingFileError, value_error

__all__ = [
    "ACTIVATIONS",
    "ActivationFileError",
    "DATASETS",
    "REQUIRED_ATTRS",
    "write_activations",
    "read_activations",
]

REQUIRED_ATTRS = (
    "task",
    "model",
    "delay_regime",
    "replicate",
    "seed",
    "accuracy",
    "epochs",
    "restarts",
    "info_length",
    "event_steps",
    "concept_names",
    "inforelay_version",
    "versions",
    "config",
)

class ActivationFileError(RecordingFileError):
    """An activation file is missing, unreadable, truncated or inconsistent.

    The message starts with the file's path.
    """


# name -> (dtype, ndim) of every dataset of an activation file; "cell" is optional (LSTM only)
DATASETS: dict[str, tuple[np.dtype, int]] = {**STEP_DATASETS, **ACTIVATION_DATASETS}


def _activation_attrs(attrs: Mapping[str, Any], has_cell: bool, where: str) -> dict[str, Any]:
    """``attrs`` with provenance filled in; every :data:`REQUIRED_ATTRS` key checked."""
    meta = dict(attrs)
    meta.setdefault("inforelay_version", __version__)
    meta.setdefault("versions", to_json(package_versions()))
    meta.setdefault("config", "{}")
    missing = [key for key in REQUIRED_ATTRS if key not in meta]
    if missing:
        raise value_error(where, f"missing attribute(s) {', '.join(missing)}")
    if meta.get("model") == "lstm" and not has_cell:
        raise value_error(where, "model 'lstm' needs the 'cell' dataset")
    meta["delay_regime"] = str(meta["delay_regime"])
    return meta


def write_activations(
    path: str | os.PathLike[str], arrays: Mapping[str, np.ndarray], attrs: Mapping[str, Any]
) -> None:
    """Write an activation file atomically (temporary file, renamed when complete).

    Parameters
    ----------
    path
        Target ``.h5`` file.
    arrays
        The datasets of :data:`DATASETS` (``cell`` only for LSTM), e.g. from
        :func:`inforelay.nets.record.record_activations`. Float arrays are stored as float32,
        gzip level 4 + shuffle.
    attrs
        Every key of :data:`REQUIRED_ATTRS`; ``inforelay_version``, ``versions`` (package
        versions) and ``config`` (``{}``) are filled in when absent. Mapping values are stored as
        JSON strings; other keys are stored too.

    Raises
    ------
    ValueError
        Naming the path, for missing/inconsistent arrays or missing attributes.
    """
    has_cell = arrays.get("cell") is not None
    # attributes first: write_recording checks the arrays and writes the file in one step
    meta = _activation_attrs(attrs, has_cell, str(path))
    write_recording(path, arrays, meta, ACTIVATIONS)


def read_activations(path: str | os.PathLike[str]) -> Recording:
    """Read and validate an activation file (numpy/h5py only; torch is not imported).

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    ActivationFileError
        If it is not HDF5, is truncated, misses a dataset, or has a wrong dtype/rank/shape
        (the message starts with the path).
    """
    rec = read_recording(path, ACTIVATIONS, ActivationFileError)
    if rec.model == "lstm" and rec.cell is None:
        raise ActivationFileError(path, "model 'lstm' but no 'cell' dataset")
    return rec
