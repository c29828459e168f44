"""Generate a task's evaluation set at every evaluation delay (rule generate_evaluation)."""

from inforelay.pipeline.runner.jobs import run_step

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
run_step(sm, "inforelay.pipeline.steps.tasks:generate_evaluation",
         sm.output[0], sm.wildcards.task, sm.params.settings)
