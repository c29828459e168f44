"""Activation files: every hidden (and LSTM cell) state of a network on a task set (DESIGN §5).

:func:`record_activations` runs a network step by step (it imports torch only when called);
:func:`write_activations` writes the HDF5 file atomically; :func:`read_activations` reads and
validates it with numpy/h5py only, so the analyses that read activation files never import torch.

File layout (``docs/file-formats.md``): datasets ``inputs (n,T,C)``, ``hidden (n,T,N)``,
``cell (n,T,N)`` (LSTM only), ``outputs (n,T,K)``, ``targets (n,K)`` float32; ``concepts (n,K)``
int8; ``delay (n,)``, ``answer_step (n,)`` int64; attributes :data:`REQUIRED_ATTRS`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import h5py
import numpy as np

from inforelay import __version__
from inforelay.core.atomic import atomic_path
from inforelay.core.hdf5 import read_attrs, write_attrs
from inforelay.core.provenance import package_versions, to_json
from inforelay.tasks.generate import TaskData

if TYPE_CHECKING:  # pragma: no cover
    from inforelay.nets.models import RecurrentNetwork

__all__ = [
    "ActivationFileError",
    "Activations",
    "DATASETS",
    "REQUIRED_ATTRS",
    "record_activations",
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

# name -> (dtype, ndim); "cell" is optional (LSTM only)
DATASETS: dict[str, tuple[np.dtype, int]] = {
    "inputs": (np.dtype(np.float32), 3),
    "hidden": (np.dtype(np.float32), 3),
    "cell": (np.dtype(np.float32), 3),
    "outputs": (np.dtype(np.float32), 3),
    "targets": (np.dtype(np.float32), 2),
    "concepts": (np.dtype(np.int8), 2),
    "delay": (np.dtype(np.int64), 1),
    "answer_step": (np.dtype(np.int64), 1),
}
_OPTIONAL = ("cell",)
_FLOATS = ("inputs", "hidden", "cell", "outputs", "targets")


class ActivationFileError(ValueError):
    """An activation file is missing, unreadable, truncated or inconsistent.

    The message starts with the file's path.
    """


@dataclass
class Activations:
    """The contents of an activation file (see :func:`read_activations`)."""

    inputs: np.ndarray
    hidden: np.ndarray
    cell: np.ndarray | None
    outputs: np.ndarray
    targets: np.ndarray
    concepts: np.ndarray
    delay: np.ndarray
    answer_step: np.ndarray
    attrs: dict[str, Any] = field(default_factory=dict)

    @property
    def n_samples(self) -> int:
        return int(self.hidden.shape[0])

    @property
    def n_steps(self) -> int:
        return int(self.hidden.shape[1])

    @property
    def n_units(self) -> int:
        return int(self.hidden.shape[2])

    @property
    def task(self) -> str | None:
        return self.attrs.get("task")

    @property
    def model(self) -> str | None:
        return self.attrs.get("model")

    @property
    def info_length(self) -> int | None:
        value = self.attrs.get("info_length")
        return None if value is None else int(value)

    @property
    def event_steps(self) -> tuple[int, ...]:
        return tuple(int(s) for s in self.attrs.get("event_steps", ()))

    @property
    def concept_names(self) -> tuple[str, ...]:
        names = self.attrs.get("concept_names")
        if names is None:
            return tuple(str(k) for k in range(self.targets.shape[1]))
        return tuple(str(s) for s in names)

    def states(self, state: str = "hidden") -> np.ndarray:
        """``hidden`` or ``cell`` states, ``(n, T, N)``; a clear error if ``cell`` is absent."""
        if state == "hidden":
            return self.hidden
        if state == "cell":
            if self.cell is None:
                raise ValueError(f"no cell states in these activations (model {self.model!r})")
            return self.cell
        raise ValueError(f"unknown state {state!r}; allowed: 'hidden', 'cell'")


def record_activations(network: RecurrentNetwork, data: TaskData) -> dict[str, np.ndarray]:
    """Run ``network`` step by step on ``data`` and collect every array of an activation file.

    Returns
    -------
    dict
        ``inputs, hidden, outputs, targets, concepts, delay, answer_step`` and, for LSTM, ``cell``,
        with the dtypes of :data:`DATASETS`.
    """
    from inforelay.nets.models import run_stepwise  # torch only here

    run = run_stepwise(network, data.inputs)
    arrays = {
        "inputs": np.ascontiguousarray(data.inputs, dtype=np.float32),
        "hidden": np.ascontiguousarray(run.hidden, dtype=np.float32),
        "outputs": np.ascontiguousarray(run.outputs, dtype=np.float32),
        "targets": np.asarray(data.targets, dtype=np.float32),
        "concepts": np.asarray(data.concepts, dtype=np.int8),
        "delay": np.asarray(data.delay, dtype=np.int64),
        "answer_step": np.asarray(data.answer_step, dtype=np.int64),
    }
    if run.cell is not None:
        arrays["cell"] = np.ascontiguousarray(run.cell, dtype=np.float32)
    return arrays


def _validate(arrays: Mapping[str, np.ndarray], where: str, error: type[Exception]) -> None:
    missing = [name for name in DATASETS if name not in _OPTIONAL and name not in arrays]
    if missing:
        raise error(f"{where}: missing dataset(s) {', '.join(missing)}")
    for name, (dtype, ndim) in DATASETS.items():
        if name not in arrays:
            continue
        arr = arrays[name]
        if arr.ndim != ndim:
            raise error(f"{where}: dataset {name!r} must have {ndim} dimensions, has shape {arr.shape}")
        if arr.dtype != dtype:
            raise error(f"{where}: dataset {name!r} must be {dtype}, is {arr.dtype}")
    n, n_steps, n_units = arrays["hidden"].shape
    k = arrays["targets"].shape[1]
    expect = {
        "inputs": (n, n_steps),
        "outputs": (n, n_steps, k),
        "targets": (n, k),
        "concepts": (n, k),
        "delay": (n,),
        "answer_step": (n,),
    }
    if "cell" in arrays:
        expect["cell"] = (n, n_steps, n_units)
    for name, shape in expect.items():
        if arrays[name].shape[: len(shape)] != shape:
            raise error(
                f"{where}: dataset {name!r} has shape {arrays[name].shape}, expected "
                f"{shape + ('…',) if name == 'inputs' else shape} from hidden {arrays['hidden'].shape} "
                f"and targets {arrays['targets'].shape}"
            )
    if n == 0:
        raise error(f"{where}: no samples")
    concepts = arrays["concepts"]
    if not np.array_equal(concepts, (arrays["targets"] > 0).astype(np.int8)):
        raise error(f"{where}: concepts are not targets > 0")
    steps = arrays["answer_step"]
    if steps.min() < 0 or steps.max() >= n_steps:
        raise error(f"{where}: answer_step outside the sequence (0..{n_steps - 1})")


def _cast(name: str, value: Any, where: str) -> np.ndarray:
    """Cast an array to its dataset's dtype when that is safe (floats→float32, ints→int64/int8)."""
    arr = np.asarray(value)
    dtype = DATASETS[name][0]
    if name in _FLOATS:
        if not (np.issubdtype(arr.dtype, np.floating) or np.issubdtype(arr.dtype, np.integer)):
            raise ValueError(f"{where}: dataset {name!r} must be numeric, is {arr.dtype}")
    elif not (np.issubdtype(arr.dtype, np.integer) or arr.dtype == np.bool_):
        raise ValueError(f"{where}: dataset {name!r} must be integer, is {arr.dtype}")
    return np.ascontiguousarray(arr, dtype=dtype)


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
        :func:`record_activations`. Float arrays are stored as float32, gzip level 4 + shuffle.
    attrs
        Every key of :data:`REQUIRED_ATTRS`; ``inforelay_version``, ``versions`` (package
        versions) and ``config`` (``{}``) are filled in when absent. Mapping values are stored as
        JSON strings; other keys are stored too.

    Raises
    ------
    ValueError
        Naming the path, for missing/inconsistent arrays or missing attributes.
    """
    where = str(path)
    unknown = sorted(set(arrays) - set(DATASETS))
    if unknown:
        raise ValueError(f"{where}: unknown dataset(s) {', '.join(unknown)}; allowed: {', '.join(DATASETS)}")
    cast = {name: _cast(name, value, where) for name, value in arrays.items() if value is not None}
    _validate(cast, where, ValueError)
    meta = dict(attrs)
    meta.setdefault("inforelay_version", __version__)
    meta.setdefault("versions", to_json(package_versions()))
    meta.setdefault("config", "{}")
    missing = [key for key in REQUIRED_ATTRS if key not in meta]
    if missing:
        raise ValueError(f"{where}: missing attribute(s) {', '.join(missing)}")
    if meta.get("model") == "lstm" and "cell" not in cast:
        raise ValueError(f"{where}: model 'lstm' needs the 'cell' dataset")
    meta["delay_regime"] = str(meta["delay_regime"])
    with atomic_path(path) as tmp:
        with h5py.File(tmp, "w") as f:
            for name, arr in cast.items():
                if name in _FLOATS:
                    f.create_dataset(name, data=arr, compression="gzip", compression_opts=4, shuffle=True)
                else:
                    f.create_dataset(name, data=arr)
            write_attrs(f.attrs, meta)


def read_activations(path: str | os.PathLike[str]) -> Activations:
    """Read and validate an activation file (numpy/h5py only; torch is not imported).

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    ActivationFileError
        If it is not HDF5, is truncated, misses a dataset, or has a wrong dtype/rank/shape
        (the message starts with the path).
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such activation file")
    where = str(path)
    try:
        with h5py.File(path, "r") as f:
            missing = [name for name in DATASETS if name not in _OPTIONAL and name not in f]
            if missing:
                raise ActivationFileError(
                    f"{where}: missing dataset(s) {', '.join(missing)} (not an activation file?)"
                )
            arrays = {name: f[name][()] for name in DATASETS if name in f}
            attrs = read_attrs(f.attrs)
    except ActivationFileError:
        raise
    except (OSError, KeyError, ValueError, TypeError, RuntimeError) as exc:
        raise ActivationFileError(f"{where}: cannot read as an HDF5 activation file ({exc})") from exc
    if any(not isinstance(arr, np.ndarray) for arr in arrays.values()):
        raise ActivationFileError(f"{where}: a dataset is a scalar, expected arrays")
    for name in ("delay", "answer_step"):  # any integer width is fine for indices
        if np.issubdtype(arrays[name].dtype, np.integer):
            arrays[name] = arrays[name].astype(np.int64, copy=False)
    _validate(arrays, where, ActivationFileError)
    if attrs.get("model") == "lstm" and "cell" not in arrays:
        raise ActivationFileError(f"{where}: model 'lstm' but no 'cell' dataset")
    return Activations(
        inputs=arrays["inputs"],
        hidden=arrays["hidden"],
        cell=arrays.get("cell"),
        outputs=arrays["outputs"],
        targets=arrays["targets"],
        concepts=arrays["concepts"],
        delay=arrays["delay"],
        answer_step=arrays["answer_step"],
        attrs=attrs,
    )
