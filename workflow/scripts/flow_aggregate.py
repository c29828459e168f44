"""Tables of the flow branch over all networks (rule flow_aggregate)."""

import pandas as pd

from inforelay.core.atomic import write_table
from inforelay.flow.analysis import network_row, read_flow, training_summary
from inforelay.pipeline.jobs import setup_job

log = setup_job(snakemake.log, snakemake.threads, snakemake.rule)  # noqa: F821
inputs, params = snakemake.input, snakemake.params  # noqa: F821
neurons, networks = [], []
branches = (
    ("forecast", inputs.forecast_flows, inputs.forecast_tables, params.forecast_keys),
    ("networks", inputs.network_flows, inputs.network_tables, params.network_keys),
)
for branch, flow_paths, table_paths, keys in branches:
    for flow_path, table_path, key in zip(flow_paths, table_paths, keys, strict=True):
        ident = {"branch": branch, "network": "/".join(key.values()), **key}
        table = pd.read_csv(table_path)
        neurons.append(table.assign(**ident))
        networks.append({**ident, **network_row(read_flow(flow_path), table, **params.layers)})
histories, phases = [], []
for path, key in zip(inputs.histories, params.forecast_keys, strict=True):
    history = pd.read_csv(path)
    histories.append(history.assign(**key))
    phases.append({**key, **training_summary(history, layer=params.phase_layer)})
ident_columns = ["branch", "network", "series", "task", "model", "delay", "rep"]
outputs = {
    "neurons": pd.concat(neurons, ignore_index=True),
    "networks": pd.DataFrame(networks),
    "training": pd.concat(histories, ignore_index=True) if histories else pd.DataFrame(),
    "phases": pd.DataFrame(phases),
}
for name, table in outputs.items():
    first = [c for c in ident_columns if c in table.columns]
    table = table[first + [c for c in table.columns if c not in first]]
    write_table(table, snakemake.output[name])  # noqa: F821
    log.info("%s: %d rows", snakemake.output[name], len(table))  # noqa: F821
