"""Generate one data split of a task (rule generate_task)."""

from inforelay.pipeline.runner.jobs import run_step

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
run_step(sm, "inforelay.pipeline.steps.tasks:generate_split",
         sm.output[0], sm.wildcards.task, sm.wildcards.delay_regime, sm.wildcards.split,
         sm.params.settings, data_set=sm.wildcards.data_set)
