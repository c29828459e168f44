"""The flow branch over all networks: its tables and its tested claims (rules ``flow_aggregate``
and ``flow_claims``). See ``docs/flow.md``."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
from pandas.errors import EmptyDataError

from inforelay.claims import evaluate_flow_claims
from inforelay.core.atomic import write_table
from inforelay.pipeline.flow_tables import FlowFiles, flow_tables

__all__ = ["flow_aggregate", "flow_claims"]

log = logging.getLogger(__name__)
PathLike = str | os.PathLike[str]


def _files(branch: str, keys: Sequence[Mapping[str, Any]], flows: Sequence[PathLike],
           tables: Sequence[PathLike]) -> list[FlowFiles]:
    """Pair each network's keys with its flow file and neuron table (same order, same length)."""
    return [FlowFiles(branch, key, flow, table)
            for key, flow, table in zip(keys, flows, tables, strict=True)]


def flow_aggregate(
    forecasts: Mapping[str, Sequence[Any]],
    networks: Mapping[str, Sequence[Any]],
    outputs: Mapping[str, PathLike],
    *,
    layers: Mapping[str, int],
    phase_layer: str,
) -> None:
    """Write the ``neurons``, ``networks``, ``training`` and ``phases`` tables to ``outputs``
    (:func:`inforelay.pipeline.flow_tables.flow_tables`).

    Parameters
    ----------
    forecasts
        ``keys``, ``flows``, ``tables`` and ``histories`` of the forecasters (parallel lists).
    networks
        ``keys``, ``flows`` and ``tables`` of the analysed classification networks.
    outputs
        Paths of the four tables by name.
    """
    files = _files("forecast", forecasts["keys"], forecasts["flows"], forecasts["tables"])
    files += _files("networks", networks["keys"], networks["flows"], networks["tables"])
    histories = list(zip(forecasts["keys"], forecasts["histories"], strict=True))
    tables = flow_tables(files, histories, layers=layers, phase_layer=phase_layer)
    for name, table in tables.items():
        write_table(table, outputs[name])
        log.info("%s: %d rows", outputs[name], len(table))


def _phases(path: PathLike) -> pd.DataFrame | None:
    try:
        return pd.read_csv(path)
    except EmptyDataError:  # no forecasters configured
        return None


def flow_claims(networks: PathLike, neurons: PathLike, phases: PathLike, output: PathLike,
                alpha: float) -> None:
    """Test the five questions of the flow branch on its tables; write the claims table."""
    claims = evaluate_flow_claims(pd.read_csv(networks), pd.read_csv(neurons), _phases(phases),
                                  alpha=alpha)
    write_table(claims, output, {"alpha": alpha})
    log.info("%s:\n%s", output, claims.drop(columns=["details"], errors="ignore").to_string(index=False))
