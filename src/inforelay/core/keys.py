"""Network keys: one name per key in wildcards, tables and files, and one converter.

Every per-network result of the pipeline is identified by ``task, model, delay_regime,
replicate`` (:data:`NETWORK_KEYS`); forecasters of the flow study by ``series, model,
replicate`` (:data:`FORECAST_KEYS`). The same names are Snakemake wildcards, table columns and
HDF5 attributes. Only the *form* of ``replicate`` differs: a two-digit string in wildcards and
paths (``rep-03``), an ``int`` in tables and files. :func:`normalize_keys` is the one converter.
See ``docs/architecture.md`` (network keys).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "NETWORK_KEYS",
    "FORECAST_KEYS",
    "NetworkKey",
    "normalize_keys",
    "replicate_label",
    "wildcard_keys",
    "keys_from_path",
]

NETWORK_KEYS = ("task", "model", "delay_regime", "replicate")
FORECAST_KEYS = ("series", "model", "replicate")
_KEY_ORDER = ("series", *NETWORK_KEYS)


def replicate_label(replicate: int | str) -> str:
    """The two-digit replicate label of wildcards and file names (``3`` → ``"03"``)."""
    return f"{int(replicate):02d}"


def normalize_keys(keys: Mapping[str, Any]) -> dict[str, Any]:
    """Keys in their table form: ``replicate`` an ``int``, the other keys ``str``.

    Accepts wildcards (``replicate="03"``) or table rows (``replicate=3``). Known keys come first
    in a fixed order (``series, task, model, delay_regime, replicate``); any other key follows
    unchanged.
    """
    keys = dict(keys)
    out: dict[str, Any] = {}
    for name in _KEY_ORDER:
        if name in keys:
            value = keys.pop(name)
            out[name] = int(value) if name == "replicate" else str(value)
    out.update(keys)
    return out


def wildcard_keys(keys: Mapping[str, Any]) -> dict[str, str]:
    """Keys in their wildcard form: every value a ``str``, ``replicate`` two digits."""
    table = normalize_keys(keys)
    return {
        name: replicate_label(value) if name == "replicate" else str(value)
        for name, value in table.items()
    }


@dataclass(frozen=True, order=True)
class NetworkKey:
    """One trained network of the experiment."""

    task: str
    model: str
    delay_regime: str  # "1".."9" or "random"
    replicate: int

    @classmethod
    def from_mapping(cls, keys: Mapping[str, Any]) -> NetworkKey:
        """From wildcards or a table row (see :func:`normalize_keys`)."""
        table = normalize_keys(keys)
        return cls(*(table[name] for name in NETWORK_KEYS))

    def row(self) -> dict[str, Any]:
        """Table form (``replicate`` an int)."""
        return {name: getattr(self, name) for name in NETWORK_KEYS}

    def wildcards(self) -> dict[str, str]:
        """Wildcard form (``replicate`` two digits)."""
        return wildcard_keys(self.row())

    def label(self) -> str:
        """``task/model/delay-D/rep-NN``: the path stem of every per-network file."""
        return (
            f"{self.task}/{self.model}/delay-{self.delay_regime}/rep-{replicate_label(self.replicate)}"
        )


def keys_from_path(path: str) -> dict[str, Any]:
    """Network keys (table form) parsed from ``.../{task}/{model}/delay-{d}/rep-{nn}.ext``."""
    parts = str(path).replace("\\", "/").split("/")
    try:
        task, model, delay, rep = parts[-4], parts[-3], parts[-2], parts[-1]
        if not delay.startswith("delay-") or not rep.startswith("rep-"):
            raise ValueError
        replicate = int(rep.removeprefix("rep-").split(".")[0])
    except (IndexError, ValueError):
        raise ValueError(
            f"{path}: not a per-network result path (.../task/model/delay-D/rep-NN.ext)"
        ) from None
    return {"task": task, "model": model, "delay_regime": delay.removeprefix("delay-"), "replicate": replicate}
