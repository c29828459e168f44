"""The forecasters' information plane (rule flow_fig_infoplane)."""

from inforelay.pipeline.runner.jobs import run_step

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
run_step(sm, "inforelay.pipeline.steps.flow_figures:fig_flow_infoplane",
         sm.input.training, sm.output.png)
