"""The forecasters' information plane (rule flow_fig_infoplane)."""

from inforelay.pipeline.jobs import run_step
from inforelay.pipeline.steps.flow_figures import fig_flow_infoplane

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
run_step(sm, fig_flow_infoplane, sm.input.training, sm.output.png)
