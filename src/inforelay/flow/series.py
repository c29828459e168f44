"""Continuous next-value prediction tasks on time series (the second source document's problem).

Two series:

``temperature``
    Monthly El Niño sea-surface temperatures 1950–2010 (°C, 732 months), the data set that ships
    with statsmodels (``statsmodels.datasets.elnino``; read from the installed package, no
    download). The 61 × 12 table is flattened year by year into one monthly series.
``synthetic``
    A series with known structure: ``x_t = sin(2πt/12) + 0.5 sin(2πt/37) + e_t`` with AR(2)
    noise ``e_t = 0.6 e_{t−1} − 0.3 e_{t−2} + 0.3 ε_t`` (``ε`` standard normal, seeded through
    :func:`inforelay.core.seeding.derive_rng`).

Recordings of a forecaster (:func:`write_series_recording`) are recordings
(:mod:`inforelay.core.recordings`, ``docs/file-formats.md``) of kind ``"series-recording"``: the
per-step ``inputs``, ``hidden``, [``cell``], ``outputs`` (all ``(n, T, ·)`` float32) of every
recording plus ``targets`` ``(n, T, H)`` and ``start`` ``(n,)``.
(``inforelay.nets.recording.read_activations`` refuses them: they are of another kind.)

A series is split *chronologically* into train / validation / test parts (fractions), then
standardized with the train part's mean and standard deviation, and each part is cut into
windows on its own (no window crosses a split boundary). A window starting at index ``s`` has
inputs ``x_s … x_{s+T−1}`` (``(T, 1)``) and targets ``y[t, h] = x_{s+t+1+h}`` for horizons
``h = 0..H−1`` (``(T, H)``): at every step the network predicts the next ``H`` values.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from inforelay.core.recording_files import read_recording, write_recording
from inforelay.core.recordings import ErrorFactory, Recording, RecordingLayout, extra_dataset
from inforelay.core.seeding import derive_rng

__all__ = [
    "SERIES",
    "SPLITS",
    "SeriesWindows",
    "SeriesSplits",
    "load_elnino",
    "synthetic_series",
    "load_series",
    "chronological_split",
    "make_windows",
    "prepare_series",
    "analysis_windows",
    "prepare_from_config",
    "SERIES_RECORDING",
    "SeriesRecording",
    "write_series_recording",
    "read_series_recording",
]

SERIES = ("temperature", "synthetic")
SPLITS = ("train", "validation", "test")


def load_elnino() -> np.ndarray:
    """Monthly El Niño sea-surface temperatures (°C), January 1950 to December 2010.

    Returns
    -------
    numpy.ndarray
        ``(732,)`` float64 in time order.
    """
    from statsmodels.datasets import elnino

    table = elnino.load_pandas().data
    months = table.drop(columns="YEAR").to_numpy(dtype=np.float64)  # (years, 12)
    series = months.reshape(-1)
    if not np.all(np.isfinite(series)):
        raise ValueError("statsmodels elnino data contain missing values")
    return series


def synthetic_series(n_points: int = 1200, seed: int = 0) -> np.ndarray:
    """Noisy sum of two sines (periods 12 and 37) plus AR(2) noise; ``(n_points,)`` float64."""
    if n_points < 3:
        raise ValueError(f"n_points: must be at least 3, got {n_points}")
    rng = derive_rng("series", "synthetic", seed)
    t = np.arange(n_points)
    shocks = 0.3 * rng.standard_normal(n_points)
    noise = np.zeros(n_points)
    for i in range(n_points):
        noise[i] = shocks[i]
        if i >= 1:
            noise[i] += 0.6 * noise[i - 1]
        if i >= 2:
            noise[i] -= 0.3 * noise[i - 2]
    return np.sin(2 * np.pi * t / 12) + 0.5 * np.sin(2 * np.pi * t / 37) + noise


def load_series(name: str, *, n_points: int = 1200, seed: int = 0) -> np.ndarray:
    """The raw series ``name`` (``"temperature"`` or ``"synthetic"``)."""
    if name == "temperature":
        return load_elnino()
    if name == "synthetic":
        return synthetic_series(n_points, seed)
    raise ValueError(f"series: {name!r} is not one of {', '.join(SERIES)}")


def chronological_split(
    series: np.ndarray, fractions: Sequence[float] = (0.7, 0.15, 0.15)
) -> dict[str, np.ndarray]:
    """Split a series into consecutive train / validation / test parts by fractions of its length."""
    fractions = tuple(float(f) for f in fractions)
    if len(fractions) != 3 or any(f <= 0 for f in fractions) or abs(sum(fractions) - 1.0) > 1e-9:
        raise ValueError(f"split: needs three positive fractions summing to 1, got {fractions}")
    n = len(series)
    first = int(round(fractions[0] * n))
    second = first + int(round(fractions[1] * n))
    return {"train": series[:first], "validation": series[first:second], "test": series[second:]}


@dataclass
class SeriesWindows:
    """Windows of one split.

    Attributes
    ----------
    inputs
        ``(n, T, 1)`` float32, standardized values.
    targets
        ``(n, T, H)`` float32, ``targets[i, t, h] = series[start[i] + t + 1 + h]``.
    start
        ``(n,)`` int64 index of each window's first value within its split.
    """

    inputs: np.ndarray
    targets: np.ndarray
    start: np.ndarray

    @property
    def n_windows(self) -> int:
        return int(self.inputs.shape[0])


def make_windows(series: np.ndarray, window: int, horizon: int = 1, stride: int = 1) -> SeriesWindows:
    """Cut a (standardized) series into input/target windows.

    Parameters
    ----------
    series
        ``(n,)`` values.
    window
        Steps ``T`` per window.
    horizon
        Values ``H`` predicted at each step.
    stride
        Distance between window starts.
    """
    for name, value in (("window", window), ("horizon", horizon), ("stride", stride)):
        if int(value) != value or value < 1:
            raise ValueError(f"{name}: must be a positive integer, got {value!r}")
    x = np.asarray(series, dtype=np.float64)
    span = window + horizon
    if x.size < span:
        raise ValueError(f"window: {window} + horizon {horizon} exceeds the {x.size} values of the series")
    start = np.arange(0, x.size - span + 1, stride, dtype=np.int64)
    steps = np.arange(window)
    inputs = x[start[:, None] + steps[None, :]]
    ahead = np.arange(horizon)
    targets = x[start[:, None, None] + steps[None, :, None] + 1 + ahead[None, None, :]]
    return SeriesWindows(inputs[:, :, None].astype(np.float32), targets.astype(np.float32), start)


@dataclass
class SeriesSplits:
    """A series prepared for training: windows of every split and the standardization used.

    ``standardized`` maps ``"train"``, ``"validation"``, ``"test"`` and ``"all"`` to the
    standardized values of that part.
    """

    name: str
    train: SeriesWindows
    validation: SeriesWindows
    test: SeriesWindows
    standardized: dict[str, np.ndarray]
    mean: float
    std: float
    window: int
    horizon: int

    def split(self, name: str) -> SeriesWindows:
        if name not in SPLITS:
            raise ValueError(f"split {name!r} is not one of {', '.join(SPLITS)}")
        return getattr(self, name)


def prepare_series(
    name: str,
    *,
    window: int = 24,
    horizon: int = 1,
    stride: int = 1,
    split: Sequence[float] = (0.7, 0.15, 0.15),
    n_points: int = 1200,
    seed: int = 0,
) -> SeriesSplits:
    """Load, split chronologically, standardize with train statistics and window a series."""
    raw = load_series(name, n_points=n_points, seed=seed)
    parts = chronological_split(raw, split)
    mean = float(parts["train"].mean())
    std = float(parts["train"].std())
    if std == 0.0:
        raise ValueError(f"series {name!r}: the train part is constant")
    standardized = {key: (part - mean) / std for key, part in parts.items()}
    standardized["all"] = (raw - mean) / std
    windows = {key: make_windows(standardized[key], window, horizon, stride) for key in SPLITS}
    return SeriesSplits(name, windows["train"], windows["validation"], windows["test"],
                        standardized, mean, std, window, horizon)


def prepare_from_config(name: str, config: Mapping[str, Any]) -> SeriesSplits:
    """:func:`prepare_series` with the settings of the ``flow.forecast`` config section
    (``window``, ``horizon``, ``stride``, ``split``, ``n_points``, ``series_seed``)."""
    return prepare_series(name, window=config["window"], horizon=config["horizon"],
                          stride=config["stride"], split=config["split"],
                          n_points=config["n_points"], seed=config["series_seed"])


def analysis_windows(data: SeriesSplits, part: str = "all") -> SeriesWindows:
    """Non-overlapping windows (stride = window) of one part of the standardized series.

    Flow analyses pool (window, step) samples; with overlapping windows every value of the
    series (and, once the initial state is forgotten, every hidden state) would appear up to
    ``window`` times, and such near-duplicate samples inflate k-NN estimates of mutual
    information. ``part`` is a split name or ``"all"`` (the whole series: the test part alone is
    only 15 % of a series, e.g. 110 months of the temperature series).
    """
    if part not in (*SPLITS, "all"):
        raise ValueError(f"part: {part!r} is not one of {', '.join((*SPLITS, 'all'))}")
    return make_windows(data.standardized[part], data.window, data.horizon, stride=data.window)



def _check_recording(arrays: Mapping[str, np.ndarray], where: str, error: ErrorFactory) -> None:
    """Per-step ``targets (n, T, H)`` as wide as ``outputs``; one ``start`` per window."""
    n, n_steps = arrays["hidden"].shape[:2]
    targets = arrays["targets"]
    if targets.shape[:2] != (n, n_steps):
        raise error(where, f"dataset 'targets' has shape {targets.shape}, expected ({n}, {n_steps}, ·)")
    if arrays["start"].shape != (n,):
        raise error(where, f"dataset 'start' has shape {arrays['start'].shape}, expected ({n},)")
    if targets.shape[2] != arrays["outputs"].shape[2]:
        raise error(where, "targets and outputs differ in width")


SERIES_RECORDING = RecordingLayout(
    kind="series-recording",
    extras={"targets": (np.dtype(np.float32), 3), "start": (np.dtype(np.int64), 1)},
    validate=_check_recording,
)


class SeriesRecording(Recording):
    """Every state of a forecaster on windows of a series (see :func:`write_series_recording`).

    Besides the per-step datasets of :class:`~inforelay.core.recordings.Recording`: ``targets``
    ``(n, T, H)`` float32 and ``start`` ``(n,)`` int64 (each window's first index in its split).
    """

    targets = extra_dataset()
    start = extra_dataset()


def write_series_recording(path: str | os.PathLike[str], arrays: Mapping[str, np.ndarray],
                           attrs: Mapping[str, Any]) -> None:
    """Write a forecaster's recording atomically (:func:`inforelay.core.recordings.write_recording`).

    Parameters
    ----------
    path
        Target ``.h5`` file.
    arrays
        ``inputs, hidden, outputs, targets`` ``(n, T, ·)``, optional ``cell``, and ``start (n,)``;
        floats are stored as float32, ``start`` as int64.
    attrs
        Attributes (e.g. series, model, replicate, seed, test_loss, provenance); ``kind`` is set.

    Raises
    ------
    ValueError
        Naming the path, for missing, unknown or inconsistent arrays.
    """
    write_recording(path, arrays, attrs, SERIES_RECORDING)


def read_series_recording(path: str | os.PathLike[str]) -> SeriesRecording:
    """Read and validate a file written by :func:`write_series_recording`.

    Raises
    ------
    inforelay.core.recordings.RecordingFileError
        (a ``ValueError``) if it is not HDF5, is another kind of recording, or misses or has
        inconsistent datasets; the message starts with the path.
    FileNotFoundError
        If the file does not exist.
    """
    rec = read_recording(path, SERIES_RECORDING)
    return SeriesRecording(rec.inputs, rec.hidden, rec.cell, rec.outputs, rec.extras, rec.attrs, rec.source)
