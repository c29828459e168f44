"""Fig. 1 of the real-world task: its held-out days and task sequences (rule fig01_italypower)."""

from inforelay.pipeline.runner.jobs import run_step

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
run_step(sm, "inforelay.pipeline.steps.figures:fig_italypower",
         sm.output.png, sm.params.settings, sm.params.delay)
