"""Progression histograms of the flow branch (rule flow_fig_progression)."""

from inforelay.pipeline.runner.jobs import run_step

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
run_step(sm, "inforelay.pipeline.steps.flow_figures:fig_flow_progression",
         sm.input.neurons, sm.output.png)
