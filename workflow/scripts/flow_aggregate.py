"""Tables of the flow branch over all networks (rule flow_aggregate)."""

from inforelay.pipeline.jobs import setup_job
from inforelay.pipeline.steps.flow_summary import flow_aggregate

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
setup_job(sm.log, sm.threads, sm.rule)
flow_aggregate(
    {
        "keys": sm.params.forecast_keys,
        "flows": sm.input.forecast_flows,
        "tables": sm.input.forecast_tables,
        "histories": sm.input.histories,
    },
    {
        "keys": sm.params.network_keys,
        "flows": sm.input.network_flows,
        "tables": sm.input.network_tables,
    },
    dict(sm.output.items()),
    layers=sm.params.layers,
    phase_layer=sm.params.phase_layer,
)
