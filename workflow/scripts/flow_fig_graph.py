"""Flow graph of one network per branch (rule flow_fig_graph)."""

from inforelay.pipeline.runner.jobs import run_step

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
run_step(sm, "inforelay.pipeline.steps.flow_figures:fig_flow_graph",
         list(sm.input), sm.output.png, sm.params.max_edges)
