"""Information flow between the neurons of recurrent networks (docs/flow.md): series, forecasters, flow measures.

May import only inforelay.core, tasks, nets, info, relay and analyses; torch only in flow.forecast (loaded lazily).
"""

from typing import Any

from inforelay.flow.delayed import DelayedMI, delayed_mutual_information
from inforelay.flow.estimators import (
    binned_entropy,
    binned_mutual_information,
    equal_frequency_codes,
    equal_width_codes,
    kl_entropy,
    ksg_mutual_information,
)
from inforelay.flow.files import (
    FLOW_FORMAT,
    FLOW_FORMAT_VERSION,
    FlowFileError,
    read_flow,
    write_flow,
)
from inforelay.flow.graph import flow_edges, hodge_potential, progression
from inforelay.flow.layers import LayerStructure, kmeans_1d, layer_structure
from inforelay.flow.neurons import (
    NEURON_KINDS,
    Neurons,
    lagged_samples,
    neurons_from_arrays,
    read_neurons,
)
from inforelay.flow.params import ESTIMATORS, POOLINGS, FlowParams
from inforelay.flow.phases import phase_boundary, training_summary
from inforelay.flow.result import FlowResult, analyze_flow
from inforelay.flow.selection import select_networks
from inforelay.flow.series import (
    SERIES,
    SPLITS,
    SeriesSplits,
    SeriesWindows,
    analysis_windows,
    chronological_split,
    load_elnino,
    load_series,
    make_windows,
    prepare_from_config,
    prepare_series,
    synthetic_series,
)
from inforelay.flow.summary import (
    bottleneck_correlation,
    direction_tests,
    input_output_information,
    network_row,
    network_summary,
    neuron_table,
    relay_correlation,
    total_relay,
)

# flow.forecast needs torch; the flow analysis jobs do not, so it is imported on first use
_FORECAST_NAMES = ("LAYERS", "ForecastConfig", "ForecastResult", "gradient_statistics",
                   "information_plane", "forecast_loss", "train_forecast", "record_forecast")


def __getattr__(name: str) -> Any:
    if name in _FORECAST_NAMES:
        from inforelay.flow import forecast

        return getattr(forecast, name)
    raise AttributeError(f"module 'inforelay.flow' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_FORECAST_NAMES})


__all__ = [
    # parameters, neurons, samples
    "ESTIMATORS",
    "POOLINGS",
    "NEURON_KINDS",
    "FlowParams",
    "Neurons",
    "neurons_from_arrays",
    "read_neurons",
    "lagged_samples",
    # estimators
    "equal_frequency_codes",
    "equal_width_codes",
    "binned_entropy",
    "binned_mutual_information",
    "ksg_mutual_information",
    "kl_entropy",
    # delayed MI, graph, one network's analysis
    "DelayedMI",
    "delayed_mutual_information",
    "flow_edges",
    "hodge_potential",
    "progression",
    "FlowResult",
    "analyze_flow",
    # the five questions
    "direction_tests",
    "LayerStructure",
    "kmeans_1d",
    "layer_structure",
    "input_output_information",
    "bottleneck_correlation",
    "total_relay",
    "relay_correlation",
    "network_summary",
    "network_row",
    "neuron_table",
    "phase_boundary",
    "training_summary",
    # selection and files
    "select_networks",
    "FLOW_FORMAT",
    "FLOW_FORMAT_VERSION",
    "FlowFileError",
    "write_flow",
    "read_flow",
    # series and forecasters
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
    # flow.forecast (loaded on first use)
    "LAYERS",
    "ForecastConfig",
    "ForecastResult",
    "gradient_statistics",
    "information_plane",
    "forecast_loss",
    "train_forecast",
    "record_forecast",
]
