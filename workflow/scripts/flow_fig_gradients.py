"""Gradient phases of the forecasters' training (rule flow_fig_gradients)."""

from inforelay.pipeline.runner.jobs import run_step

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
run_step(sm, "inforelay.pipeline.steps.flow_figures:fig_flow_gradients",
         sm.input.training, sm.input.phases, sm.output.png, sm.params.phase_layer)
