"""Paper Fig. 2: accuracy vs evaluation delay (rule fig02_generalization)."""

from inforelay.pipeline.runner.jobs import run_step

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
run_step(sm, "inforelay.pipeline.steps.figures:fig_generalization", sm.input[0], sm.output.png)
