"""Tables of the flow branch over all networks (``docs/flow.md``): neurons, networks, training
histories and training phases, each row keyed by its branch and network.

The flow branch has two kinds of networks: forecasters (``branch = "forecast"``, keys
``series, model, replicate``) and the paper's classification networks (``branch =
"networks"``, keys ``task, model, delay_regime, replicate``). Every row carries ``branch``,
``network`` (the key values joined by ``/``, e.g. ``temperature/rnn/00``) and the keys in table
form; these identity columns come first (:data:`IDENT_COLUMNS`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from inforelay.core.keys import normalize_keys, wildcard_keys

__all__ = [
    "IDENT_COLUMNS",
    "FlowFiles",
    "network_ident",
    "ident_first",
    "network_tables",
    "training_tables",
    "flow_tables",
]

PathLike = str | os.PathLike[str]
#: identity columns, first in every flow table (those the table has)
IDENT_COLUMNS = ("branch", "network", "series", "task", "model", "delay_regime", "replicate")


@dataclass(frozen=True)
class FlowFiles:
    """One analysed network of the flow branch: its keys, flow file and neuron table."""

    branch: str
    key: Mapping[str, Any]
    flow: PathLike
    table: PathLike


def network_ident(branch: str, key: Mapping[str, Any]) -> dict[str, Any]:
    """``branch``, the ``network`` label and the keys in table form."""
    label = "/".join(wildcard_keys(key).values())
    return {"branch": branch, "network": label, **normalize_keys(key)}


def ident_first(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with the :data:`IDENT_COLUMNS` it has moved to the front (in that order)."""
    first = [c for c in IDENT_COLUMNS if c in table.columns]
    return table[first + [c for c in table.columns if c not in first]]


def network_tables(
    files: Iterable[FlowFiles], layers: Mapping[str, int]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The neuron table (one row per neuron of every network) and the network table (one row
    per network: :func:`inforelay.flow.network_row` with ``layers``)."""
    from inforelay.flow import network_row, read_flow

    neurons, networks = [], []
    for item in files:
        ident = network_ident(item.branch, item.key)
        table = pd.read_csv(item.table)
        neurons.append(table.assign(**ident))
        networks.append({**ident, **network_row(read_flow(item.flow), table, **layers)})
    if not neurons:
        raise ValueError("the flow branch has no analysed network")
    return ident_first(pd.concat(neurons, ignore_index=True)), ident_first(pd.DataFrame(networks))


def training_tables(
    histories: Iterable[tuple[Mapping[str, Any], pd.DataFrame]], phase_layer: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every forecaster's per-epoch history (keys added) and one row of training phases per
    forecaster (:func:`inforelay.flow.training_summary` of ``phase_layer``).

    Without forecasters both tables are empty (no columns).
    """
    from inforelay.flow import training_summary

    frames, phases = [], []
    for key, history in histories:
        row = normalize_keys(key)
        frames.append(history.assign(**row))
        phases.append({**row, **training_summary(history, layer=phase_layer)})
    training = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return ident_first(training), ident_first(pd.DataFrame(phases))


def flow_tables(
    files: Sequence[FlowFiles],
    histories: Sequence[tuple[Mapping[str, Any], PathLike]],
    *,
    layers: Mapping[str, int],
    phase_layer: str,
) -> dict[str, pd.DataFrame]:
    """The four tables of the flow branch: ``neurons``, ``networks``, ``training``, ``phases``.

    Parameters
    ----------
    files
        The analysed networks, forecasters first.
    histories
        ``(keys, path)`` of every forecaster's per-epoch history (CSV).
    layers, phase_layer
        The ``flow.layers`` and ``flow.phase_layer`` config values.
    """
    neurons, networks = network_tables(files, layers)
    training, phases = training_tables(
        ((key, pd.read_csv(path)) for key, path in histories), phase_layer
    )
    return {"neurons": neurons, "networks": networks, "training": training, "phases": phases}
