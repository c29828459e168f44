"""Paper Fig. 1: real generated sequences of both tasks (rule fig01_tasks)."""

from inforelay.pipeline.jobs import setup_job
from inforelay.pipeline.steps.figures import fig_tasks

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
setup_job(sm.log, sm.threads, sm.rule)
fig_tasks(sm.output.png, sm.params.tasks, sm.params.delay)
