"""Provenance recorded in every output: package versions and the config slice."""

from __future__ import annotations

import importlib.metadata
import json
import platform
from collections.abc import Iterable, Mapping
from typing import Any

from inforelay.core.version import __version__

__all__ = ["package_versions", "provenance_attrs", "to_json"]

_TRACKED = ("numpy", "scipy", "pandas", "h5py", "scikit-learn", "torch", "matplotlib", "snakemake")


def package_versions(extra: Iterable[str] = ()) -> dict[str, str]:
    """Versions of Python, inforelay and the scientific stack that are installed.

    Packages that are not installed are left out rather than failing.
    """
    versions = {"python": platform.python_version(), "inforelay": __version__}
    for name in (*_TRACKED, *extra):
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return versions


def to_json(value: Any) -> str:
    """Stable JSON (sorted keys) for HDF5 attributes and CSV metadata."""
    return json.dumps(value, sort_keys=True, default=_json_default)


def _json_default(value: Any) -> Any:
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, Mapping):
        return dict(value)
    return str(value)


def provenance_attrs(config_slice: Mapping[str, Any] | None = None) -> dict[str, str]:
    """Attributes every output file carries: ``versions`` and ``config`` as JSON strings."""
    return {
        "versions": to_json(package_versions()),
        "config": to_json(dict(config_slice or {})),
    }
