"""Flow analysis of one network (rules flow_forecast and flow_network)."""

from inforelay.core.atomic import write_table
from inforelay.core.seeding import derive_seed
from inforelay.flow.analysis import (
    FlowParams,
    analyze_flow,
    neuron_table,
    neurons_from_arrays,
    read_neurons,
    total_relay,
    write_flow,
)
from inforelay.flow.series import read_series_recording
from inforelay.pipeline.jobs import setup_job

log = setup_job(snakemake.log, snakemake.threads, snakemake.rule)  # noqa: F821
inputs, params = snakemake.input, snakemake.params  # noqa: F821
relay = None
if snakemake.rule == "flow_forecast":  # noqa: F821
    recording = read_series_recording(inputs[0])
    cell = recording.cell if params.include_cell else None
    neurons = neurons_from_arrays(recording.inputs, recording.hidden, recording.outputs, cell)
else:
    neurons = read_neurons(inputs.activations, include_cell=params.include_cell)
    if params.relay:
        relay = total_relay(inputs.relay)
key = [snakemake.rule, *snakemake.wildcards]  # noqa: F821
flow_params = FlowParams.from_mapping(params.analysis, seed=derive_seed(*key))
result = analyze_flow(neurons, flow_params)
write_flow(snakemake.output.flow, result, dict(params.analysis))  # noqa: F821
write_table(neuron_table(result, relay), snakemake.output.table, {"config": dict(params.analysis)})  # noqa: F821
log.info("%s: %d neurons, %d samples, %d edges, gradient fraction %.3f", snakemake.output.flow,  # noqa: F821
         neurons.n_neurons, result.n_samples, (result.edge > 0).sum(), result.gradient_fraction)
