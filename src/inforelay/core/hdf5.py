"""HDF5 attributes every file kind of inforelay shares: encoding of Python values, reading, writing."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import h5py
import numpy as np


def encode_attr(value: Any) -> Any:
    """A Python value as an HDF5 attribute: mappings → JSON strings, sequences → arrays."""
    if isinstance(value, Mapping):
        return json.dumps(dict(value), sort_keys=True, default=_json_default)
    if isinstance(value, str | bytes | bool | int | float | np.generic):
        return value
    if value is None:
        return "null"
    if isinstance(value, Sequence | np.ndarray):
        items = list(np.asarray(value).tolist()) if isinstance(value, np.ndarray) else list(value)
        if all(isinstance(v, str) for v in items) and items:
            return np.array(items, dtype=h5py.string_dtype())
        if not items:
            return np.zeros(0, dtype=np.int64)
        return np.asarray(items)
    return str(value)


def _json_default(value: Any) -> Any:
    if hasattr(value, "tolist"):
        return value.tolist()
    return str(value)


def decode_attr(value: Any) -> Any:
    """Inverse of :func:`encode_attr`: JSON object strings → dict, arrays → tuples, numpy → Python."""
    if isinstance(value, bytes):
        value = value.decode("utf-8")
    if isinstance(value, str):
        if value.startswith("{") and value.endswith("}"):
            try:
                return json.loads(value)
            except json.JSONDecodeError:
                return value
        return value
    if isinstance(value, np.ndarray):
        return tuple(decode_attr(v) for v in value.tolist())
    if isinstance(value, np.generic):
        return value.item()
    return value


def read_attrs(attrs: h5py.AttributeManager) -> dict[str, Any]:
    """All attributes of an HDF5 object, decoded."""
    return {key: decode_attr(attrs[key]) for key in attrs}


def write_attrs(target: h5py.AttributeManager, attrs: Mapping[str, Any]) -> None:
    """Write ``attrs`` (encoded with :func:`encode_attr`)."""
    for key, value in attrs.items():
        target[str(key)] = encode_attr(value)


class FileFormatError(ValueError):
    """A file inforelay cannot use: missing, unreadable, or not of the expected kind.

    The one base class of every file error (task data, networks, recordings, relay, flow).
    Its message starts with the file's path, so one line says what is wrong and where.
    """

    def __init__(self, path: object, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


def write_format(target: h5py.AttributeManager, name: str, version: int) -> None:
    """Tag a file with its kind (``format``) and the version of that layout (``format_version``)."""
    target["format"] = name
    target["format_version"] = int(version)


def check_format(
    attrs: h5py.AttributeManager,
    path: object,
    name: str,
    versions: tuple[int, ...] = (1,),
    error: type[FileFormatError] = FileFormatError,
) -> None:
    """Raise ``error`` (naming ``path``) unless the file is tagged as format ``name``.

    Files written before the tag existed (no ``format`` attribute) are accepted; their layout is
    checked by the reader.
    """
    if "format" not in attrs:
        return
    found = decode_attr(attrs["format"])
    if found != name:
        raise error(path, f"is a {found!r} file, expected {name!r}")
    version = int(decode_attr(attrs.get("format_version", versions[0])))
    if version not in versions:
        raise error(path, f"{name} format version {version} is not supported (known: {versions})")
