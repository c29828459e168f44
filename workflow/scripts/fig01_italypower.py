"""Fig. 1 of the real-world task: its held-out days and task sequences (rule fig01_italypower)."""

from inforelay.pipeline.jobs import setup_job
from inforelay.pipeline.steps.figures import fig_italypower

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
setup_job(sm.log, sm.threads, sm.rule)
fig_italypower(sm.output.png, sm.params.settings, sm.params.delay)
