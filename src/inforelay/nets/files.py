"""Network files: a trained network's weights, sizes and metadata (``docs/file-formats.md``).

A network file is a ``torch.save`` of a plain dict (``format = "inforelay-network"``, version 1)
that loads with ``torch.load(path, weights_only=True)``: no pickled code. Two identical trainings
give byte-identical files: the archive is built in memory (so its internal name does not depend on
the temporary file name of the atomic write) and metadata keys are sorted.
"""

from __future__ import annotations

import io
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import torch

from inforelay.core.atomic import atomic_path
from inforelay.core.hdf5 import FileFormatError
from inforelay.nets.models import RecurrentNetwork
from inforelay.nets.training import TrainResult, resolve_device

__all__ = [
    "NETWORK_FORMAT",
    "NETWORK_FORMAT_VERSION",
    "NetworkFileError",
    "network_bytes",
    "save_network",
    "load_network",
]

NETWORK_FORMAT = "inforelay-network"
NETWORK_FORMAT_VERSION = 1


class NetworkFileError(FileFormatError):
    """A network file is unreadable or not an inforelay network (message starts with the path)."""


def _plain(value: Any) -> Any:
    """Metadata as plain Python (for ``torch.load(weights_only=True)``), mapping keys sorted."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in sorted(value.items(), key=lambda item: str(item[0]))}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _network_and_metadata(
    result_or_network: TrainResult | RecurrentNetwork,
) -> tuple[RecurrentNetwork, dict[str, Any]]:
    """The network, and the training facts of a :class:`TrainResult` as metadata."""
    if isinstance(result_or_network, TrainResult):
        result = result_or_network
        facts = {
            "accuracy": float(result.accuracy),
            "epochs": int(result.epochs),
            "restarts": int(result.restarts),
            "seed": int(result.seed),
        }
        return result.network, facts
    if isinstance(result_or_network, RecurrentNetwork):
        return result_or_network, {}
    raise TypeError(f"expected a TrainResult or RecurrentNetwork, got {type(result_or_network).__name__}")


def network_bytes(network: RecurrentNetwork, metadata: Mapping[str, Any]) -> bytes:
    """The bytes of a network file: equal networks and metadata give equal bytes."""
    payload = {
        "format": NETWORK_FORMAT,
        "format_version": NETWORK_FORMAT_VERSION,
        "arch": network.arch,
        "n_inputs": network.n_inputs,
        "n_hidden": network.n_hidden,
        "n_outputs": network.n_outputs,
        "output_activation": network.output_activation,
        "state_dict": {k: v.detach().cpu().clone() for k, v in network.state_dict().items()},
        "metadata": _plain(metadata),
    }
    # a file-like target names the archive "archive"; a path would name it after the temporary file
    buffer = io.BytesIO()
    torch.save(payload, buffer)
    return buffer.getvalue()


def save_network(
    path: str | os.PathLike[str],
    result_or_network: TrainResult | RecurrentNetwork,
    metadata: Mapping[str, Any] | None = None,
) -> None:
    """Save a network (its ``state_dict``, architecture and sizes) and metadata, atomically.

    With a :class:`~inforelay.nets.training.TrainResult`, ``accuracy``, ``epochs``, ``restarts``
    and ``seed`` are added to the metadata. The file loads with
    ``torch.load(path, weights_only=True)``.
    """
    network, meta = _network_and_metadata(result_or_network)
    meta.update(dict(metadata or {}))
    data = network_bytes(network, meta)
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def _read_payload(path: Path) -> dict[str, Any]:
    """The checked dict of a network file."""
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # torch raises many types for a corrupt or foreign file
        raise NetworkFileError(path, f"cannot read as a torch network file ({type(exc).__name__}: {exc})") from exc
    if not isinstance(payload, dict) or payload.get("format") != NETWORK_FORMAT:
        raise NetworkFileError(path, f"not an inforelay network file (no format {NETWORK_FORMAT!r})")
    if payload.get("format_version") != NETWORK_FORMAT_VERSION:
        raise NetworkFileError(path, f"unsupported format_version {payload.get('format_version')!r}")
    return payload


def load_network(path: str | os.PathLike[str], device: str | torch.device = "cpu") -> tuple[RecurrentNetwork, dict]:
    """Load a network written by :func:`save_network`.

    Returns
    -------
    (RecurrentNetwork, dict)
        The network in eval mode on ``device`` and its metadata.

    Raises
    ------
    FileNotFoundError, NetworkFileError
        With a message that starts with the path.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such network file")
    target = device if isinstance(device, torch.device) else resolve_device(device)
    payload = _read_payload(path)
    try:
        network = RecurrentNetwork(
            payload["arch"],
            payload["n_inputs"],
            payload["n_hidden"],
            payload["n_outputs"],
            payload["output_activation"],
        )
        network.load_state_dict(payload["state_dict"])
    except (KeyError, ValueError, RuntimeError, TypeError) as exc:
        raise NetworkFileError(path, f"inconsistent network file ({exc})") from exc
    return network.to(target).eval(), dict(payload.get("metadata") or {})
