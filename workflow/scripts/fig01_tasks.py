"""Paper Fig. 1: real generated sequences of both tasks (rule fig01_tasks)."""

from inforelay.pipeline.runner.jobs import run_step

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
run_step(sm, "inforelay.pipeline.steps.figures:fig_tasks",
         sm.output.png, sm.params.tasks, sm.params.delay)
