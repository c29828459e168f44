"""Tables of the flow branch over all networks (rule flow_aggregate)."""

from inforelay.pipeline.runner.jobs import run_step

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
run_step(
    sm, "inforelay.pipeline.steps.flow_summary:flow_aggregate",
    {"keys": sm.params.forecast_keys, "flows": sm.input.forecast_flows, "tables": sm.input.forecast_tables,
     "histories": sm.input.histories},
    {"keys": sm.params.network_keys, "flows": sm.input.network_flows, "tables": sm.input.network_tables},
    dict(sm.output.items()), layers=sm.params.layers, phase_layer=sm.params.phase_layer,
)
