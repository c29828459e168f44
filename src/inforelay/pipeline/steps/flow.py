"""Flow analysis of one network: a forecaster or one of the paper's classification networks
(rules ``flow_forecast`` and ``flow_network``; numpy / scipy / scikit-learn). See ``docs/flow.md``."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import Any

from inforelay.core.atomic import write_table
from inforelay.core.seeds import flow_seed
from inforelay.flow import (
    FlowParams,
    Neurons,
    analyze_flow,
    neuron_table,
    neurons_from_arrays,
    read_neurons,
    total_relay,
    write_flow,
)
from inforelay.flow.series import read_series_recording

__all__ = ["analyze_forecaster", "analyze_network"]

log = logging.getLogger(__name__)
PathLike = str | os.PathLike[str]


def _analyze(neurons: Neurons, relay: Any, seed: int, analysis: Mapping[str, Any],
             flow_output: PathLike, table_output: PathLike) -> None:
    """Analyse ``neurons``; write the flow file and the per-neuron table."""
    result = analyze_flow(neurons, FlowParams.from_mapping(analysis, seed=seed))
    write_flow(flow_output, result, dict(analysis))
    write_table(neuron_table(result, relay), table_output, {"config": dict(analysis)})
    log.info("%s: %d neurons, %d samples, %d edges, gradient fraction %.3f", flow_output,
             neurons.n_neurons, result.n_samples, (result.edge > 0).sum(), result.gradient_fraction)


def analyze_forecaster(key: Mapping[str, Any], recording: PathLike, flow_output: PathLike,
                       table_output: PathLike, analysis: Mapping[str, Any],
                       include_cell: bool) -> None:
    """Flow analysis of forecaster ``key`` (``series, model, replicate``) from its recording."""
    rec = read_series_recording(recording)
    cell = rec.cell if include_cell else None
    neurons = neurons_from_arrays(rec.inputs, rec.hidden, rec.outputs, cell)
    _analyze(neurons, None, flow_seed("flow_forecast", key), analysis, flow_output, table_output)


def analyze_network(key: Mapping[str, Any], activations: PathLike, relay: PathLike | None,
                    flow_output: PathLike, table_output: PathLike, analysis: Mapping[str, Any],
                    include_cell: bool) -> None:
    """Flow analysis of classification network ``key``; with its ``relay`` file, the neuron
    table also gets each unit's total relay."""
    neurons = read_neurons(activations, include_cell=include_cell)
    relay_per_unit = total_relay(relay) if relay else None
    _analyze(neurons, relay_per_unit, flow_seed("flow_network", key), analysis, flow_output,
             table_output)
