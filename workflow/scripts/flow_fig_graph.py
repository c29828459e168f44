"""Flow graph of one network per branch (rule flow_fig_graph)."""

from inforelay.pipeline.jobs import run_step
from inforelay.pipeline.steps.flow_figures import fig_flow_graph

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
run_step(sm, fig_flow_graph, list(sm.input), sm.output.png, sm.params.max_edges)
