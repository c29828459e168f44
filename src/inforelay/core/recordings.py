"""Per-step recordings of a network: one HDF5 layout for every kind (numpy/h5py only, no torch).

A recording holds, for ``n`` sequences of ``T`` steps, the network's ``inputs (n, T, C)``,
``hidden (n, T, N)``, optional LSTM ``cell (n, T, N)`` and ``outputs (n, T, K)``, all float32,
plus datasets that only one kind of recording has (a :class:`RecordingLayout`: activation files
add targets, concepts, delays and answer steps; series recordings add per-step targets and
window starts) and attributes. Files carry ``format = "inforelay-recording"``, version 1, and
``kind`` (``docs/file-formats.md``); files written before the tag existed are still read.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
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
from inforelay.core.shapes import axis_length

__all__ = [
    "RECORDING_FORMAT",
    "RECORDING_FORMAT_VERSION",
    "STEP_DATASETS",
    "ErrorFactory",
    "Recording",
    "RecordingFileError",
    "RecordingLayout",
    "extra_dataset",
    "value_error",
    "cast_arrays",
    "check_datasets",
    "check_step_arrays",
    "write_recording",
    "read_recording",
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
_OPTIONAL = frozenset({"cell"})

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


@dataclass
class Recording:
    """The contents of a recording file (see :func:`read_recording`).

    ``extras`` holds the kind-specific datasets; subclasses expose them as attributes through
    :func:`extra_dataset`.
    """

    inputs: np.ndarray
    hidden: np.ndarray
    cell: np.ndarray | None
    outputs: np.ndarray
    extras: dict[str, np.ndarray] = field(default_factory=dict)
    attrs: dict[str, Any] = field(default_factory=dict)

    n_samples = axis_length("hidden", 0, "Sequences ``n``.")
    n_steps = axis_length("hidden", 1, "Time steps ``T``.")
    n_units = axis_length("hidden", 2, "Hidden units ``N``.")

    def arrays(self) -> dict[str, np.ndarray]:
        """Every dataset by name (``cell`` only when present)."""
        steps = {"inputs": self.inputs, "hidden": self.hidden, "cell": self.cell, "outputs": self.outputs}
        return {**{k: v for k, v in steps.items() if v is not None}, **self.extras}

    def states(self, state: str = "hidden") -> np.ndarray:
        """``hidden`` or ``cell`` states, ``(n, T, N)``; a clear error if ``cell`` is absent."""
        if state == "hidden":
            return self.hidden
        if state == "cell":
            if self.cell is None:
                raise ValueError(f"no cell states in this recording (model {self.attrs.get('model')!r})")
            return self.cell
        raise ValueError(f"unknown state {state!r}; allowed: 'hidden', 'cell'")


class extra_dataset:  # lower case: used like ``property``
    """Expose ``recording.extras[name]`` as the attribute ``name`` of a :class:`Recording` subclass."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Recording | None, objtype: type | None = None) -> Any:
        return self if obj is None else obj.extras[self.name]

    def __set__(self, obj: Recording, value: np.ndarray) -> None:
        obj.extras[self.name] = value


# --------------------------------------------------------------------------------------------
# checks


def cast_arrays(
    arrays: Mapping[str, Any], layout: RecordingLayout, where: str, error: ErrorFactory = value_error
) -> dict[str, np.ndarray]:
    """Arrays cast to their layout dtype where that is safe; ``None`` values are dropped.

    Float datasets accept any numeric array; integer datasets accept integers and booleans.
    Unknown names raise ``error``.
    """
    specs = layout.datasets
    unknown = sorted(set(arrays) - set(specs))
    if unknown:
        raise error(where, f"unknown dataset(s) {', '.join(unknown)}; allowed: {', '.join(specs)}")
    cast = {}
    for name, value in arrays.items():
        if value is None:
            continue
        arr = np.asarray(value)
        dtype = specs[name][0]
        if np.issubdtype(dtype, np.floating):
            if not (np.issubdtype(arr.dtype, np.floating) or np.issubdtype(arr.dtype, np.integer)):
                raise error(where, f"dataset {name!r} must be numeric, is {arr.dtype}")
        elif not (np.issubdtype(arr.dtype, np.integer) or arr.dtype == np.bool_):
            raise error(where, f"dataset {name!r} must be integer, is {arr.dtype}")
        cast[name] = np.ascontiguousarray(arr, dtype=dtype)
    return cast


def check_datasets(
    arrays: Mapping[str, np.ndarray], layout: RecordingLayout, where: str, error: ErrorFactory
) -> None:
    """Every required dataset present, each with the rank and dtype of the layout."""
    specs = layout.datasets
    missing = [name for name in specs if name not in _OPTIONAL and name not in arrays]
    if missing:
        raise error(where, f"missing dataset(s) {', '.join(missing)}")
    for name, (dtype, ndim) in specs.items():
        if name not in arrays:
            continue
        arr = arrays[name]
        if arr.ndim != ndim:
            raise error(where, f"dataset {name!r} must have {ndim} dimensions, has shape {arr.shape}")
        if arr.dtype != dtype:
            raise error(where, f"dataset {name!r} must be {dtype}, is {arr.dtype}")


def check_step_arrays(arrays: Mapping[str, np.ndarray], where: str, error: ErrorFactory) -> None:
    """The per-step datasets agree on ``(n, T)``; ``cell`` has the shape of ``hidden``."""
    hidden = arrays["hidden"]
    n, n_steps = hidden.shape[:2]
    for name in ("inputs", "outputs"):
        if arrays[name].shape[:2] != (n, n_steps):
            raise error(
                where,
                f"dataset {name!r} has shape {arrays[name].shape}, expected ({n}, {n_steps}, …) "
                f"from hidden {hidden.shape}",
            )
    if "cell" in arrays and arrays["cell"].shape != hidden.shape:
        raise error(where, f"dataset 'cell' has shape {arrays['cell'].shape}, expected {hidden.shape} (hidden)")


def _check_all(arrays: Mapping[str, np.ndarray], layout: RecordingLayout, where: str, error: ErrorFactory) -> None:
    check_datasets(arrays, layout, where, error)
    check_step_arrays(arrays, where, error)
    if layout.validate is not None:
        layout.validate(arrays, where, error)


# --------------------------------------------------------------------------------------------
# files


def write_recording(
    path: str | os.PathLike[str],
    arrays: Mapping[str, Any],
    attrs: Mapping[str, Any],
    layout: RecordingLayout,
) -> None:
    """Write a recording atomically (temporary file, renamed when complete).

    Arrays are cast with :func:`cast_arrays` and checked like a file being read; problems raise
    a ``ValueError`` naming ``path``. Attributes are written with
    :func:`inforelay.core.hdf5.write_attrs`, then ``kind`` and the format tag.
    """
    where = str(path)
    cast = cast_arrays(arrays, layout, where)
    _check_all(cast, layout, where, value_error)
    with atomic_path(path) as tmp, h5py.File(tmp, "w") as f:
        for name in layout.datasets:
            if name not in cast:
                continue
            if name in layout.compressed:
                f.create_dataset(name, data=cast[name], compression="gzip", compression_opts=4, shuffle=True)
            else:
                f.create_dataset(name, data=cast[name])
        write_attrs(f.attrs, {**attrs, "kind": layout.kind})
        write_format(f.attrs, RECORDING_FORMAT, RECORDING_FORMAT_VERSION)


def _open_recording(
    path: Path, layout: RecordingLayout, error: type[RecordingFileError]
) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Datasets and decoded attributes of a recording file; read failures raise ``error``."""
    try:
        with h5py.File(path, "r") as f:
            check_format(f.attrs, path, RECORDING_FORMAT, (RECORDING_FORMAT_VERSION,), error)
            attrs = read_attrs(f.attrs)
            # untagged files (written before ``kind`` existed) are told apart by their datasets
            if attrs.get("kind", layout.kind) != layout.kind:
                raise error(path, f"is a {attrs['kind']!r} recording, expected {layout.kind!r}")
            missing = [name for name in layout.datasets if name not in _OPTIONAL and name not in f]
            if missing:
                raise error(path, f"missing dataset(s) {', '.join(missing)} (not a {layout.kind} file?)")
            arrays = {name: f[name][()] for name in layout.datasets if name in f}
    except RecordingFileError:
        raise
    except (OSError, KeyError, ValueError, TypeError, RuntimeError) as exc:
        raise error(path, f"cannot read as an HDF5 {layout.kind} file ({exc})") from exc
    if any(not isinstance(arr, np.ndarray) for arr in arrays.values()):
        raise error(path, "a dataset is a scalar, expected arrays")
    return arrays, attrs


def read_recording(
    path: str | os.PathLike[str],
    layout: RecordingLayout,
    error: type[RecordingFileError] = RecordingFileError,
) -> Recording:
    """Read and validate a recording of ``layout``'s kind (numpy/h5py only).

    Integer datasets that the layout stores as int64 are accepted in any integer width (indices
    need no particular width) and widened to int64.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    RecordingFileError
        (or ``error``, a subclass) if the file is not HDF5, is truncated, is another kind of file,
        or misses a dataset or has a wrong dtype, rank or shape; the message starts with the path.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such {layout.kind} file")
    arrays, attrs = _open_recording(path, layout, error)
    for name, (dtype, _) in layout.datasets.items():
        if name in arrays and dtype == np.int64 and np.issubdtype(arrays[name].dtype, np.integer):
            arrays[name] = arrays[name].astype(np.int64, copy=False)
    _check_all(arrays, layout, str(path), error)
    steps = {name: arrays.pop(name, None) for name in STEP_DATASETS}
    return Recording(steps["inputs"], steps["hidden"], steps["cell"], steps["outputs"], arrays, attrs)
