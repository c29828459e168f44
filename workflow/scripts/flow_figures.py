"""Figures of the flow branch (rules flow_fig_*)."""

import pandas as pd

from inforelay.figures import flow as figures
from inforelay.figures import save
from inforelay.flow.analysis import read_flow
from inforelay.pipeline.jobs import setup_job

log = setup_job(snakemake.log, snakemake.threads, snakemake.rule)  # noqa: F821
inputs, params, rule = snakemake.input, snakemake.params, snakemake.rule  # noqa: F821
if rule == "flow_fig_graph":
    examples = [(path.split("results/flow/")[-1].removesuffix(".flow.h5"), read_flow(path)) for path in inputs]
    fig = figures.plot_flow_graph(examples, max_edges=params.max_edges)
elif rule == "flow_fig_progression":
    fig = figures.plot_progression_histograms(pd.read_csv(inputs.neurons))
elif rule == "flow_fig_infoplane":
    fig = figures.plot_information_plane(pd.read_csv(inputs.training))
elif rule == "flow_fig_gradients":
    fig = figures.plot_gradient_phases(pd.read_csv(inputs.training), pd.read_csv(inputs.phases),
                                       layer=params.phase_layer)
elif rule == "flow_fig_relay":
    fig = figures.plot_relay_progression(pd.read_csv(inputs.neurons))
else:
    raise ValueError(f"flow_figures.py does not draw rule {rule!r}")
save(fig, snakemake.output.png.removesuffix(".png"))  # noqa: F821
log.info("%s written", snakemake.output.png)  # noqa: F821
