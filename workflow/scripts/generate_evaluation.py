"""Generate a task's evaluation set at every evaluation delay (rule generate_evaluation)."""

from inforelay.pipeline.jobs import run_step
from inforelay.pipeline.steps.tasks import generate_evaluation

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
run_step(sm, generate_evaluation, sm.output[0], sm.wildcards.task, sm.params.settings)
