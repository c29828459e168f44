"""Recording files: the checks, the layouts of each kind, the writer and the readers.

Every file that holds a network's recorded states is read here and nowhere else:
:func:`load_recording` reads any of them into the one :class:`~inforelay.core.recordings.Recording`
(pipeline activation files, saved model recordings, and the hand-made relay input of
``docs/relay.md`` §6: ``hidden``, ``outputs``, ``concepts``, ``answer_step``, nothing else
required); :func:`read_recording` reads one kind strictly. numpy/h5py only (no torch).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import h5py
import numpy as np

from inforelay.core.atomic import atomic_path
from inforelay.core.hdf5 import check_format, read_attrs, write_attrs, write_format
from inforelay.core.labels import check_concepts
from inforelay.core.recordings import (
    OPTIONAL_DATASETS,
    RECORDING_FORMAT,
    RECORDING_FORMAT_VERSION,
    STEP_DATASETS,
    ErrorFactory,
    Recording,
    RecordingFileError,
    RecordingLayout,
    value_error,
)

__all__ = [
    "ACTIVATIONS",
    "ACTIVATION_DATASETS",
    "LABELLED_RECORDING",
    "MODEL_RECORDING",
    "MODEL_RECORDING_KIND",
    "RELAY_INPUT_DATASETS",
    "cast_arrays",
    "check_datasets",
    "check_step_arrays",
    "labelled_problem",
    "load_recording",
    "read_recording",
    "write_recording",
]

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
    missing = [name for name in specs if name not in OPTIONAL_DATASETS and name not in arrays]
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
            missing = [name for name in layout.datasets if name not in OPTIONAL_DATASETS and name not in f]
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
    return Recording(steps["inputs"], steps["hidden"], steps["cell"], steps["outputs"], arrays, attrs, str(path))


# --------------------------------------------------------------------------------------------
# the kinds


def _check_answers(arrays: Mapping[str, np.ndarray], where: str, error: ErrorFactory) -> None:
    """Targets, concepts, delays and answer steps fit the per-step datasets and each other."""
    n, n_steps, _ = arrays["hidden"].shape
    k = arrays["targets"].shape[1]
    expect = {"outputs": (n, n_steps, k), "targets": (n, k), "concepts": (n, k), "delay": (n,), "answer_step": (n,)}
    for name, shape in expect.items():
        if arrays[name].shape != shape:
            raise error(
                where,
                f"dataset {name!r} has shape {arrays[name].shape}, expected {shape} from hidden "
                f"{arrays['hidden'].shape} and targets {arrays['targets'].shape}",
            )
    if n == 0:
        raise error(where, "no samples")
    if not np.array_equal(arrays["concepts"], (arrays["targets"] > 0).astype(np.int8)):
        raise error(where, "concepts are not targets > 0")
    _check_answer_range(arrays["answer_step"], n_steps, where, error)


def _check_answer_range(steps: np.ndarray, n_steps: int, where: str, error: ErrorFactory) -> None:
    if steps.size and (steps.min() < 0 or steps.max() >= n_steps):
        raise error(where, f"answer_step outside the sequence (0..{n_steps - 1})")


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
    _check_answer_range(steps, n_steps, where, error)


ACTIVATION_DATASETS: dict[str, tuple[np.dtype, int]] = {
    "targets": (np.dtype(np.float32), 2),
    "concepts": (np.dtype(np.int8), 2),
    "delay": (np.dtype(np.int64), 1),
    "answer_step": (np.dtype(np.int64), 1),
}
"""What an activation file adds to the per-step datasets (docs/file-formats.md)."""

ACTIVATIONS = RecordingLayout(
    kind="activations",
    extras=ACTIVATION_DATASETS,
    compressed=frozenset({"inputs", "hidden", "cell", "outputs", "targets"}),
    validate=_check_answers,
)
"""Layout of the pipeline's activation files (written by :mod:`inforelay.nets.recording`)."""

MODEL_RECORDING_KIND = "model-recording"
_MODEL_COMPRESSED = frozenset({"inputs", "hidden", "cell", "outputs"})

MODEL_RECORDING = RecordingLayout(kind=MODEL_RECORDING_KIND, extras={}, compressed=_MODEL_COMPRESSED)
"""Layout of a saved recording without labels (:meth:`Recording.save`)."""

LABELLED_RECORDING = RecordingLayout(
    kind=MODEL_RECORDING_KIND,
    extras={"concepts": (np.dtype(np.int8), 2), "answer_step": (np.dtype(np.int64), 1)},
    compressed=_MODEL_COMPRESSED,
    validate=_check_labels,
)
"""Layout of a saved recording with ``concepts`` and ``answer_step`` (readable by ``inforelay relay``)."""

RELAY_INPUT_DATASETS = ("hidden", "outputs", "concepts", "answer_step")
"""The datasets of the hand-made layout (docs/relay.md §6); ``cell`` and ``inputs`` are optional."""

_HAND_MADE_OPTIONAL = ("inputs", "cell")


# --------------------------------------------------------------------------------------------
# any recording


def _peek(path: Path) -> tuple[str | None, set[str]]:
    """The file's ``kind`` attribute (``None`` when untagged) and its top-level names."""
    try:
        with h5py.File(path, "r") as f:
            kind = f.attrs.get("kind")
            kind = kind.decode() if isinstance(kind, bytes) else (None if kind is None else str(kind))
            return kind, set(f.keys())
    except OSError as err:
        raise RecordingFileError(path, f"not a readable HDF5 file ({' '.join(str(err).split())})") from err


def load_recording(path: str | os.PathLike[str]) -> Recording:
    """Read any recording file into a :class:`~inforelay.core.recordings.Recording`.

    - a pipeline activation file (``kind = "activations"``): every dataset checked strictly;
    - a saved model recording (``kind = "model-recording"``, :meth:`Recording.save`), labelled
      or not;
    - an untagged file with the hand-made layout of ``docs/relay.md`` §6: ``hidden (n, T, N)``,
      ``outputs (n, T', C)``, ``concepts (n, C)`` (0/1, ±1 or exact float 0.0/1.0; stored as
      int8 0/1) and ``answer_step (n,)`` integers, optionally ``cell`` and ``inputs``; other
      datasets are ignored, values are kept in their stored dtype.

    numpy/h5py only: torch is not imported.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    RecordingFileError
        A directory, not HDF5, another kind of file, or a missing, unreadable or inconsistent
        dataset; the one-line message starts with the path.
    """
    path = Path(path)
    if path.is_dir():
        raise RecordingFileError(path, "is a directory, not a recording file")
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    kind, names = _peek(path)
    if kind == ACTIVATIONS.kind:
        rec = read_recording(path, ACTIVATIONS)
        if rec.model == "lstm" and rec.cell is None:
            raise RecordingFileError(path, "model 'lstm' but no 'cell' dataset")
    elif kind == MODEL_RECORDING_KIND:
        rec = read_recording(path, LABELLED_RECORDING if "concepts" in names else MODEL_RECORDING)
    elif kind is None:
        rec = _read_hand_made(path, names)
    else:
        raise RecordingFileError(
            path, f"is a {kind!r} file; expected an 'activations' or {MODEL_RECORDING_KIND!r} recording"
        )
    if rec.outputs is not None and rec.outputs.shape[-1] == 0:
        rec.outputs = None  # saved without a readout
    return rec


def _read_hand_made(path: Path, names: set[str]) -> Recording:
    """An untagged file: the datasets of :data:`RELAY_INPUT_DATASETS` (+ optional ones)."""
    missing = [name for name in RELAY_INPUT_DATASETS if name not in names]
    if missing:
        raise RecordingFileError(
            path,
            f"missing dataset(s) {', '.join(missing)} (a recording needs hidden (n,T,N), outputs (n,T,C), "
            "concepts (n,C), answer_step (n,); docs/relay.md §6)",
        )
    with h5py.File(path, "r") as f:
        arrays = {name: _read_dataset(f, name, path) for name in (*RELAY_INPUT_DATASETS, *_HAND_MADE_OPTIONAL) if name in f}
        try:
            attrs = read_attrs(f.attrs)
        except (OSError, ValueError, TypeError) as err:
            raise RecordingFileError(path, f"unreadable attributes ({err})") from err
    for name, arr in arrays.items():
        if name != "concepts" and arr.dtype.kind not in "biuf":  # concepts: check_concepts says why
            raise RecordingFileError(path, f"{name} must be numbers, got dtype {arr.dtype}")
    try:
        concepts = check_concepts(arrays["concepts"])
    except ValueError as err:
        raise RecordingFileError(path, str(err)) from err
    extras = {"concepts": concepts, "answer_step": arrays["answer_step"]}
    if np.issubdtype(extras["answer_step"].dtype, np.integer):
        extras["answer_step"] = extras["answer_step"].astype(np.int64, copy=False)
    rec = Recording(
        arrays.get("inputs"), arrays["hidden"], arrays.get("cell"), arrays["outputs"], extras, attrs, str(path)
    )
    problem = labelled_problem(rec)
    if problem:
        raise RecordingFileError(path, problem)
    return rec


def _read_dataset(f: h5py.File, name: str, path: Path) -> np.ndarray:
    """One dataset's values; a group, a scalar or an unreadable (corrupted) dataset is refused."""
    node = f[name]
    if not isinstance(node, h5py.Dataset):
        raise RecordingFileError(path, f"'{name}' is not a dataset")
    try:
        value = node[()]
    except (OSError, ValueError, TypeError) as err:
        message = " ".join(str(err).split())
        raise RecordingFileError(path, f"cannot read dataset '{name}' ({message}); is the file corrupted?") from err
    if not isinstance(value, np.ndarray):
        raise RecordingFileError(path, f"dataset '{name}' is a scalar, expected an array")
    return value


def labelled_problem(inputs: Recording) -> str | None:
    """What is wrong with a labelled recording (dtypes, shapes, ranges, values), or ``None``.

    Checks numeric dtypes, the shapes of docs/relay.md §6 (``outputs``, ``concepts`` and
    ``answer_step`` required), the ``answer_step`` range, finite values and 0/1 concepts
    (:func:`inforelay.core.labels.check_concepts`).
    """
    for key in ("hidden", "cell", "outputs", "answer_step"):  # concepts: check_concepts below
        value = inputs.answer_step if key == "answer_step" else getattr(inputs, key)
        if value is not None and np.asarray(value).dtype.kind not in "biuf":
            return f"{key} must be numbers, got dtype {np.asarray(value).dtype}"
    problem = _shape_problem(inputs)
    if problem:
        return problem
    for key in ("hidden", "outputs", "cell"):
        arr = getattr(inputs, key)
        if arr is not None and not np.all(np.isfinite(arr)):
            return f"{key} contains NaN or infinite values"
    try:
        check_concepts(inputs.concepts)
    except ValueError as err:
        return str(err)
    return None


def _shape_problem(inputs: Recording) -> str | None:
    """What is wrong with the shapes of ``inputs`` and the range of ``answer_step``, or ``None``."""
    hidden = np.asarray(inputs.hidden)
    if hidden.ndim != 3 or 0 in hidden.shape:
        return f"hidden must be a non-empty (n, T, N) array, got shape {hidden.shape}"
    n = hidden.shape[0]
    if inputs.cell is not None and np.shape(inputs.cell) != hidden.shape:
        return f"cell must have hidden's shape {hidden.shape}, got {np.shape(inputs.cell)}"
    outputs = np.asarray(inputs.outputs)
    if outputs.ndim != 3 or outputs.shape[0] != n or 0 in outputs.shape:
        return f"outputs must be ({n}, T, C), got shape {outputs.shape}"
    concepts = np.asarray(inputs.concepts)
    if concepts.shape != (n, outputs.shape[2]):
        return (
            f"concepts must be ({n}, {outputs.shape[2]}) "
            f"(one column per output), got shape {concepts.shape}"
        )
    answer = np.asarray(inputs.answer_step)
    if answer.shape != (n,) or not np.issubdtype(answer.dtype, np.integer):
        return f"answer_step must be ({n},) integers, got {answer.dtype} {answer.shape}"
    if answer.min() < 0 or answer.max() >= outputs.shape[1]:
        return (
            f"answer_step must lie in 0..{outputs.shape[1] - 1} (0-based steps of outputs), "
            f"got {answer.min()}..{answer.max()}"
        )
    return None
