"""Flow files: one network's :class:`~inforelay.flow.result.FlowResult` in HDF5.

Datasets ``lags, mi, [p_value], entropy, diff_entropy, edge, best_lag, net, potential,
progression, names, kinds``; attributes ``gradient_fraction``, ``n_samples``, ``params`` (JSON),
provenance, and the format tag ``inforelay-flow`` version 1. Layout in ``docs/flow.md`` (the
workflow branch) and ``docs/file-formats.md``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

import h5py

from inforelay.core.atomic import atomic_path
from inforelay.core.hdf5 import FileFormatError, check_format, write_format
from inforelay.core.provenance import provenance_attrs, to_json
from inforelay.flow.result import FlowResult

__all__ = ["FLOW_FORMAT", "FLOW_FORMAT_VERSION", "FlowFileError", "write_flow", "read_flow"]

FLOW_FORMAT = "inforelay-flow"
FLOW_FORMAT_VERSION = 1

_ARRAYS = ("lags", "mi", "p_value", "entropy", "diff_entropy", "edge", "best_lag", "net",
           "potential", "progression")


class FlowFileError(FileFormatError):
    """A flow file that is missing, unreadable or not a flow file (message starts with the path)."""


def write_flow(path: str | os.PathLike[str], result: FlowResult,
               config_slice: Mapping[str, Any] | None = None,
               attrs: Mapping[str, Any] | None = None) -> None:
    """Write a :class:`FlowResult` to HDF5 atomically (with provenance attributes)."""
    with atomic_path(path) as tmp, h5py.File(tmp, "w") as f:
        for name in _ARRAYS:
            value = getattr(result, name)
            if value is not None:
                f.create_dataset(name, data=value)
        f.create_dataset("names", data=result.names.astype("S"))
        f.create_dataset("kinds", data=result.kinds.astype("S"))
        f.attrs["gradient_fraction"] = result.gradient_fraction
        f.attrs["n_samples"] = result.n_samples
        f.attrs["params"] = to_json(result.params)
        for key, value in provenance_attrs(config_slice).items():
            f.attrs[key] = value
        for key, value in (attrs or {}).items():
            f.attrs[key] = value if isinstance(value, (int, float, str)) else to_json(value)
        write_format(f.attrs, FLOW_FORMAT, FLOW_FORMAT_VERSION)


def _read_result(f: h5py.File, path: object) -> FlowResult:
    check_format(f.attrs, path, FLOW_FORMAT, (FLOW_FORMAT_VERSION,), FlowFileError)
    missing = [n for n in (*_ARRAYS, "names", "kinds") if n not in f and n != "p_value"]
    if missing:
        raise FlowFileError(path, f"not a flow file, missing {', '.join(missing)}")
    arrays = {n: f[n][()] for n in _ARRAYS if n in f}
    return FlowResult(
        names=f["names"][()].astype(str),
        kinds=f["kinds"][()].astype(str),
        p_value=arrays.pop("p_value", None),
        gradient_fraction=float(f.attrs["gradient_fraction"]),
        n_samples=int(f.attrs["n_samples"]),
        params=json.loads(f.attrs["params"]),
        **arrays,
    )


def read_flow(path: str | os.PathLike[str]) -> FlowResult:
    """Read a file written by :func:`write_flow`.

    Raises
    ------
    FlowFileError
        When the file is missing, not HDF5, tagged as another format or lacks a dataset.
    """
    if not os.path.exists(path):
        raise FlowFileError(path, "no such flow file")
    try:
        with h5py.File(path, "r") as f:
            return _read_result(f, path)
    except OSError as exc:
        raise FlowFileError(path, f"cannot read flow file ({exc})") from exc
