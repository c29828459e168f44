"""Flow graph of one network per branch (rule flow_fig_graph)."""

from inforelay.pipeline.jobs import setup_job
from inforelay.pipeline.steps.flow_figures import fig_flow_graph

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
setup_job(sm.log, sm.threads, sm.rule)
fig_flow_graph(list(sm.input), sm.output.png, sm.params.max_edges)
