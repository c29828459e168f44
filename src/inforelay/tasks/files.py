"""Task-data files: HDF5 files of generated sequences (``docs/file-formats.md``, numpy/h5py only).

Datasets ``inputs, targets, concepts, delay, answer_step``; attributes ``task, info_length,
event_steps`` (0-based), ``concept_names`` plus what the writer adds (provenance, seed). Files are
tagged ``format = "inforelay-task"``, version 1; untagged files of earlier versions still load.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import h5py
import numpy as np

from inforelay.core.atomic import atomic_path
from inforelay.core.hdf5 import (
    FileFormatError,
    check_format,
    read_attrs,
    write_attrs,
    write_format,
)
from inforelay.tasks.generate import TaskData
from inforelay.tasks.params import TASKS

__all__ = ["TASK_FORMAT", "TASK_FORMAT_VERSION", "TaskFileError", "validate_task_arrays", "save_task_data",
           "load_task_data"]

TASK_FORMAT = "inforelay-task"
TASK_FORMAT_VERSION = 1

# name -> (dtype, ndim)
_TASK_DATASETS = {
    "inputs": (np.float32, 3),
    "targets": (np.float32, 2),
    "concepts": (np.int8, 2),
    "delay": (np.int64, 1),
    "answer_step": (np.int64, 1),
}
_REQUIRED_ATTRS = ("task", "info_length", "event_steps", "concept_names")

ErrorFactory = Callable[[object, str], Exception]


class TaskFileError(FileFormatError):
    """A task-data file is missing pieces, inconsistent or unreadable (message starts with the path)."""


def _value_error(path: object, problem: str) -> ValueError:
    return ValueError(f"{path}: {problem}")


def _check_dtypes(arrays: Mapping[str, np.ndarray], where: str, error: ErrorFactory) -> None:
    missing = [name for name in _TASK_DATASETS if name not in arrays]
    if missing:
        raise error(where, f"missing dataset(s) {', '.join(missing)}")
    for name, (dtype, ndim) in _TASK_DATASETS.items():
        arr = arrays[name]
        if arr.ndim != ndim:
            raise error(where, f"dataset {name!r} must have {ndim} dimensions, has shape {arr.shape}")
        if arr.dtype != np.dtype(dtype):
            raise error(where, f"dataset {name!r} must be {np.dtype(dtype)}, is {arr.dtype}")


def validate_task_arrays(
    arrays: Mapping[str, np.ndarray], where: str, error: ErrorFactory = _value_error
) -> None:
    """Check names, dtypes, ranks and shape consistency of task arrays.

    Raises ``error(where, problem)`` — by default a ``ValueError`` whose message starts with
    ``where``; :class:`TaskFileError` when reading a file.
    """
    _check_dtypes(arrays, where, error)
    n, n_steps, _ = arrays["inputs"].shape
    k = arrays["targets"].shape[1]
    for name in ("targets", "concepts", "delay", "answer_step"):
        if arrays[name].shape[0] != n:
            raise error(where, f"dataset {name!r} has {arrays[name].shape[0]} samples, inputs have {n}")
    if arrays["concepts"].shape[1] != k:
        raise error(where, f"concepts have {arrays['concepts'].shape[1]} columns, targets have {k}")
    if not np.array_equal(arrays["concepts"], (arrays["targets"] > 0).astype(np.int8)):
        raise error(where, "concepts are not targets > 0")
    steps = arrays["answer_step"]
    if n and (steps.min() < 0 or steps.max() >= n_steps):
        raise error(where, f"answer_step outside the sequence (0..{n_steps - 1})")


def save_task_data(
    path: str | os.PathLike[str], data: TaskData, attrs: Mapping[str, Any] | None = None
) -> None:
    """Write ``data`` to an HDF5 file atomically (``docs/file-formats.md``).

    Datasets ``inputs, targets, concepts, delay, answer_step`` (gzip level 4 + shuffle);
    attributes ``task, info_length, event_steps`` (0-based), ``concept_names``, the format tag,
    plus ``attrs`` (e.g. provenance, seed).
    """
    arrays = {name: getattr(data, name) for name in _TASK_DATASETS}
    validate_task_arrays(arrays, str(path))
    meta = {
        **dict(attrs or {}),
        "task": data.task,
        "info_length": int(data.info_length),
        "event_steps": [int(s) for s in data.event_steps],
        "concept_names": list(data.concept_names),
    }
    with atomic_path(path) as tmp, h5py.File(tmp, "w") as f:
        for name, arr in arrays.items():
            kwargs = {"compression": "gzip", "compression_opts": 4, "shuffle": True} if arr.size else {}
            f.create_dataset(name, data=arr, **kwargs)
        write_attrs(f.attrs, meta)
        write_format(f.attrs, TASK_FORMAT, TASK_FORMAT_VERSION)


def _read_task_file(path: Path) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """The datasets and decoded attributes of a task file; any read failure is a TaskFileError."""
    try:
        with h5py.File(path, "r") as f:
            check_format(f.attrs, path, TASK_FORMAT, (TASK_FORMAT_VERSION,), TaskFileError)
            missing = [name for name in _TASK_DATASETS if name not in f]
            if missing:
                raise TaskFileError(path, f"missing dataset(s) {', '.join(missing)} (not a task-data file?)")
            arrays = {name: f[name][()] for name in _TASK_DATASETS}
            attrs = read_attrs(f.attrs)
    except TaskFileError:
        raise
    except (OSError, KeyError, ValueError, TypeError, RuntimeError) as exc:
        raise TaskFileError(path, f"cannot read as HDF5 task data ({exc})") from exc
    return arrays, attrs


def load_task_data(path: str | os.PathLike[str]) -> TaskData:
    """Read and validate a file written by :func:`save_task_data`.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    TaskFileError
        If it is not an HDF5 file, is truncated, is another kind of inforelay file, or lacks or
        has inconsistent datasets/attributes (the message starts with the path).
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such task-data file")
    arrays, attrs = _read_task_file(path)
    validate_task_arrays(arrays, str(path), TaskFileError)
    for key in _REQUIRED_ATTRS:
        if key not in attrs:
            raise TaskFileError(path, f"missing attribute {key!r}")
    if attrs["task"] not in TASKS:
        raise TaskFileError(path, f"unknown task {attrs['task']!r}")
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
