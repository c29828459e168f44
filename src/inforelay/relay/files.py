"""Relay files: the relay results of a recording, one group per state.

Layout in docs/relay.md ("Relay file layout") and docs/file-formats.md, tagged with format
``inforelay-relay`` version 1. A relay's *input* is a recording, read by
:func:`inforelay.core.recording_files.load_recording`. Every error starts with the file's path.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import h5py
import numpy as np

from inforelay.core.atomic import atomic_path
from inforelay.core.hdf5 import (
    FileFormatError,
    check_format,
    decode_attr,
    read_attrs,
    write_attrs,
    write_format,
)
from inforelay.core.provenance import provenance_attrs
from inforelay.relay.result import STATES, RelayOverTime

__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "COPIED_ATTRS",
    "RelayFileError",
    "analysis_step",
    "relay_file_attrs",
    "write_relay",
    "read_relay",
    "read_relay_attrs",
]

FORMAT_NAME = "inforelay-relay"
FORMAT_VERSION = 1
_LEGACY_FORMAT = "inforelay-relay-1"  # the tag of relay files written before format_version existed

COPIED_ATTRS = ("task", "model", "delay_regime", "replicate", "info_length", "event_steps", "concept_names")
"""Attributes of a recording that its relay file keeps (when the recording has them)."""

_ARRAYS = ("contribution", "node_relay", "full", "order", "curve")
_OPTIONAL = ("null_mean", "p_value")
_GROUP_ATTRS = ("analysis_step", "n_samples", "method")


class RelayFileError(FileFormatError):
    """A relay file is missing data or malformed (message starts with the path)."""


def _open_h5(path: str | os.PathLike[str]) -> h5py.File:
    """Open an existing HDF5 file for reading; errors name the path."""
    if not os.path.exists(path):
        raise FileNotFoundError(f"{path}: no such file")
    try:
        return h5py.File(path, "r")
    except OSError as err:
        raise RelayFileError(path, f"not a readable HDF5 file ({err})") from err


def analysis_step(attrs: Mapping[str, Any], n_steps: int) -> int:
    """``info_length − 1`` when ``attrs`` has ``info_length``, else the last step ``n_steps − 1``.

    Raises
    ------
    ValueError
        ``info_length`` not an integer (or integral float) in ``1..n_steps``.
    """
    info_length = attrs.get("info_length")
    if info_length is None:
        return n_steps - 1
    value = np.asarray(info_length)
    integral = value.shape == () and (
        value.dtype.kind in "iu" or (value.dtype.kind == "f" and float(value).is_integer())
    )
    if not integral or not 1 <= int(value) <= n_steps:
        raise ValueError(
            f"attribute info_length must be an integer in 1..{n_steps} (the analysis step is "
            f"info_length − 1), got {info_length!r}"
        )
    return int(value) - 1


def relay_file_attrs(recording_attrs: Mapping[str, Any], source: str | os.PathLike[str]) -> dict[str, Any]:
    """The attributes a relay file takes from its recording: :data:`COPIED_ATTRS` present, ``source``.

    Pass them as ``attrs`` to :func:`write_relay` (with the caller's provenance).
    """
    attrs = {key: recording_attrs[key] for key in COPIED_ATTRS if key in recording_attrs}
    attrs["source"] = str(source)
    return attrs


# ---------------------------------------------------------------------------
# relay results
# ---------------------------------------------------------------------------


def write_relay(
    path: str | os.PathLike[str],
    results: Mapping[str, RelayOverTime],
    attrs: Mapping[str, Any] | None = None,
    *,
    config_slice: Mapping[str, Any] | None = None,
) -> None:
    """Write relay results to HDF5, atomically, one group per state.

    Layout: group ``/<state>`` (``hidden``, ``cell``) with datasets
    ``contribution (T,C,N)``, ``node_relay (T,C,N)``, ``full (T,C)``,
    ``order (T,C,N) int64``, ``curve (T,C,N+1)`` and, with a shuffle null,
    ``null_mean (T,C)``, ``p_value (T,C)``; group attributes ``analysis_step``,
    ``n_samples``, ``method``. File attributes: ``format``/``format_version``
    (``inforelay-relay``, 1), the provenance ``versions``/``config``
    (:func:`inforelay.core.provenance.provenance_attrs` of ``config_slice``) and
    ``attrs``, which override those defaults (so a caller may pass its own
    ``**provenance_attrs(...)``); values are encoded with
    :func:`inforelay.core.hdf5.encode_attr` (mappings as JSON strings, sequences as arrays).
    """
    if not results:
        raise ValueError(f"{path}: no relay results to write")
    if os.path.isdir(path):
        raise RelayFileError(path, "is a directory; give the path of the relay file to write")
    for state in results:
        if state not in STATES:
            raise ValueError(f"{path}: unknown state {state!r} (allowed: {', '.join(STATES)})")
    with atomic_path(path) as tmp:
        with h5py.File(tmp, "w") as f:
            write_attrs(f.attrs, {**provenance_attrs(config_slice), **dict(attrs or {})})
            write_format(f.attrs, FORMAT_NAME, FORMAT_VERSION)
            for state, res in results.items():
                _write_state(f.create_group(state), res)


def _write_state(group: h5py.Group, res: RelayOverTime) -> None:
    """The datasets and attributes of one state's group."""
    for key in _ARRAYS:
        group.create_dataset(key, data=np.asarray(getattr(res, key)))
    for key in _OPTIONAL:
        value = getattr(res, key)
        if value is not None:
            group.create_dataset(key, data=np.asarray(value, dtype=np.float64))
    group.attrs["analysis_step"] = int(res.analysis_step)
    group.attrs["n_samples"] = int(res.n_samples)
    group.attrs["method"] = str(res.method)


def _check_relay_format(attrs: h5py.AttributeManager, path: str | os.PathLike[str]) -> None:
    """Raise :class:`RelayFileError` unless the file is a relay file (untagged and legacy tags pass)."""
    if "format" in attrs and decode_attr(attrs["format"]) == _LEGACY_FORMAT:
        return
    check_format(attrs, path, FORMAT_NAME, (FORMAT_VERSION,), RelayFileError)


def read_relay(path: str | os.PathLike[str]) -> dict[str, RelayOverTime]:
    """Read a relay file written by :func:`write_relay`; validates names and shapes.

    Raises
    ------
    FileNotFoundError, RelayFileError
        The message starts with the path.
    """
    with _open_h5(path) as f:
        _check_relay_format(f.attrs, path)
        states = [s for s in STATES if s in f]
        if not states:
            raise RelayFileError(path, f"no relay group ({' or '.join(STATES)}) in the file")
        return {state: _read_state(f[state], state, path) for state in states}


def _read_state(group: h5py.Group, state: str, path: str | os.PathLike[str]) -> RelayOverTime:
    """One state's group as a :class:`RelayOverTime` (checked)."""
    missing = [k for k in _ARRAYS if k not in group]
    missing += [k for k in _GROUP_ATTRS if k not in group.attrs]
    if missing:
        raise RelayFileError(path, f"group '{state}' lacks {', '.join(missing)}")
    data = {k: group[k][()] for k in (*_ARRAYS, *_OPTIONAL) if k in group}
    _check_shapes(data, state, path)
    return RelayOverTime(
        contribution=data["contribution"],
        node_relay=data["node_relay"],
        full=data["full"],
        order=data["order"].astype(np.int64),
        curve=data["curve"],
        null_mean=data.get("null_mean"),
        p_value=data.get("p_value"),
        analysis_step=int(group.attrs["analysis_step"]),
        n_samples=int(group.attrs["n_samples"]),
        method=str(decode_attr(group.attrs["method"])),
    )


def _check_shapes(data: Mapping[str, np.ndarray], state: str, path: str | os.PathLike[str]) -> None:
    """Raise :class:`RelayFileError` unless the arrays of one state fit ``full``'s ``(T, C)``."""
    full = data["full"]
    if full.ndim != 2:
        raise RelayFileError(path, f"{state}/full must be (T, C), got {full.shape}")
    t, c = full.shape
    n_units = data["order"].shape[-1] if data["order"].ndim == 3 else -1
    expected = {
        "contribution": (t, c, n_units),
        "node_relay": (t, c, n_units),
        "order": (t, c, n_units),
        "curve": (t, c, n_units + 1),
        "null_mean": (t, c),
        "p_value": (t, c),
    }
    for key, shape in expected.items():
        if key in data and data[key].shape != shape:
            raise RelayFileError(path, f"{state}/{key} has shape {data[key].shape}, expected {shape}")
    if ("null_mean" in data) != ("p_value" in data):
        raise RelayFileError(path, f"{state} has only one of null_mean, p_value")


def read_relay_attrs(path: str | os.PathLike[str]) -> dict[str, Any]:
    """File attributes of a relay file, JSON strings decoded (``config``, ``versions``, ...)."""
    with _open_h5(path) as f:
        _check_relay_format(f.attrs, path)
        return read_attrs(f.attrs)
