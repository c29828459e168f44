"""Neurons of one network and the lagged samples every flow estimate is made from.

A *neuron* is an input, hidden unit, (LSTM cell state) or output of one network: a scalar time
series per sequence. A *sample* is a source time ``t ∈ {t0, …, T − 1 − max_lag}`` of a sequence
(optionally a seeded random subset); every lag uses the same source samples, so all lags have
the same sample size and estimator bias. See ``docs/flow.md`` (neurons and samples).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from inforelay.core.recordings import Recording
from inforelay.core.validation import check_choice
from inforelay.flow.params import POOLINGS

__all__ = ["NEURON_KINDS", "Neurons", "neurons_from_arrays", "neurons_from_recording", "read_neurons", "lagged_samples"]

NEURON_KINDS = ("input", "hidden", "cell", "output")

_PREFIX = {"input": "in", "hidden": "h", "cell": "c", "output": "out"}


@dataclass(frozen=True)
class Neurons:
    """Activity of every neuron of one network over sequences and time: a view of a
    :class:`~inforelay.core.recordings.Recording` that the flow estimators index by neuron.

    Attributes
    ----------
    values
        ``(n, T, K)`` float64.
    names
        ``K`` names such as ``"in0"``, ``"h3"``, ``"c3"``, ``"out0"``.
    kinds
        ``(K,)`` array of ``"input" | "hidden" | "cell" | "output"``.
    """

    values: np.ndarray
    names: tuple[str, ...]
    kinds: np.ndarray

    @property
    def n_neurons(self) -> int:
        return int(self.values.shape[2])


def _checked_part(kind: str, array: np.ndarray, shape: tuple[int, ...] | None) -> np.ndarray:
    """``array`` as float64 ``(n, T, units)``; its ``(n, T)`` must equal ``shape`` when given."""
    arr = np.asarray(array, dtype=np.float64)
    if arr.ndim != 3:
        raise ValueError(f"{kind} must be (n, T, units), got shape {arr.shape}")
    if shape is not None and arr.shape[:2] != shape:
        raise ValueError(f"{kind} has (n, T) = {arr.shape[:2]}, expected {shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{kind} contains NaN or infinite values")
    return arr


def neurons_from_arrays(
    inputs: np.ndarray,
    hidden: np.ndarray,
    outputs: np.ndarray,
    cell: np.ndarray | None = None,
) -> Neurons:
    """Stack inputs, hidden units, (cell states) and outputs into one :class:`Neurons`.

    Parameters
    ----------
    inputs, hidden, outputs, cell
        ``(n, T, ·)`` arrays with the same ``n`` and ``T``; ``cell`` is optional (LSTM).
    """
    parts = [("input", inputs), ("hidden", hidden)]
    if cell is not None:
        parts.append(("cell", cell))
    parts.append(("output", outputs))
    arrays: list[np.ndarray] = []
    names: list[str] = []
    kinds: list[str] = []
    for kind, array in parts:
        arr = _checked_part(kind, array, arrays[0].shape[:2] if arrays else None)
        arrays.append(arr)
        names.extend(f"{_PREFIX[kind]}{i}" for i in range(arr.shape[2]))
        kinds.extend([kind] * arr.shape[2])
    return Neurons(np.concatenate(arrays, axis=2), tuple(names), np.array(kinds))


def neurons_from_recording(recording: Recording, *, include_cell: bool = False) -> Neurons:
    """The neurons of a :class:`~inforelay.core.recordings.Recording`: a view of its ``inputs``,
    ``hidden``, (``cell``) and ``outputs`` stacked along the neuron axis (float64 copies)."""
    missing = [name for name in ("inputs", "outputs") if getattr(recording, name) is None]
    if missing:
        raise ValueError(f"{recording.source}: information flow needs the recording's {' and '.join(missing)}")
    if include_cell and recording.cell is None:
        raise ValueError(f"{recording.source}: include_cell is set but the recording has no cell state")
    cell = recording.cell if include_cell else None
    return neurons_from_arrays(recording.inputs, recording.hidden, recording.outputs, cell)


def read_neurons(path: str | os.PathLike[str], *, include_cell: bool = False) -> Neurons:
    """Neurons of an activation file (layout in ``docs/file-formats.md``), read at this edge with
    :func:`inforelay.nets.recording.read_activations`."""
    from inforelay.nets.recording import read_activations

    return neurons_from_recording(read_activations(path), include_cell=include_cell)


def _subset(size: int, max_samples: int, rng: np.random.Generator | None) -> np.ndarray | None:
    """Sorted random subset of ``range(size)`` of ``max_samples`` items (``None``: keep all)."""
    if not max_samples or size <= max_samples:
        return None
    if rng is None:
        raise ValueError("rng is required to subsample")
    return np.sort(rng.choice(size, size=max_samples, replace=False))


def lagged_samples(
    values: np.ndarray,
    max_lag: int,
    *,
    first_step: int = 0,
    max_samples: int = 0,
    pooling: str = "pooled",
    rng: np.random.Generator | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Views of the neurons at source times and at every lag, with each sample's group.

    Parameters
    ----------
    values
        ``(n, T, K)`` activity.
    max_lag
        Largest lag.
    first_step
        First source time.
    max_samples
        ``"pooled"``: keep a random subset of at most this many (sequence, time) samples;
        ``"per_step"``: keep at most this many sequences (the same ones at every step). 0: all.
    pooling
        ``"pooled"``: one group of every (sequence, source time) sample. ``"per_step"``: one
        group per source time (its samples are the sequences), so that estimates can be made
        within a time step and averaged (MI conditioned on the time step).
    rng
        Generator for the subset (required when subsampling).

    Returns
    -------
    views, groups
        ``views`` ``(max_lag + 1, M, K)`` with ``views[ℓ, m] = values[i_m, t_m + ℓ]`` for the
        sampled ``(i_m, t_m)``, ``t_m ∈ [first_step, T − 1 − max_lag]``; ``groups`` ``(M,)``
        int64 group labels ``0..G−1`` (all 0 when pooled; the source-time index per step).
    """
    check_choice("pooling", pooling, POOLINGS)
    n, n_steps, _ = values.shape
    last = n_steps - 1 - max_lag
    if last < first_step:
        raise ValueError(
            f"max_lag: {max_lag} leaves no source time in {n_steps} steps from step {first_step}"
        )
    sequences = np.arange(n)
    if pooling == "per_step" and (keep := _subset(n, max_samples, rng)) is not None:
        sequences = keep
    # time-major order: the samples of one source time are contiguous
    time, seq = np.meshgrid(np.arange(first_step, last + 1), sequences, indexing="ij")
    seq, time = seq.ravel(), time.ravel()
    if pooling == "pooled" and (keep := _subset(seq.size, max_samples, rng)) is not None:
        seq, time = seq[keep], time[keep]
    groups = time - first_step if pooling == "per_step" else np.zeros(seq.size, dtype=np.int64)
    lags = np.arange(max_lag + 1)
    return values[seq[None, :], time[None, :] + lags[:, None], :], groups.astype(np.int64)
