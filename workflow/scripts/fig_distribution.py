"""Paper Figs. 10/11: how many concepts each unit carries, how many units carry a concept (rule fig10_11_distribution)."""

from inforelay.pipeline.runner.jobs import run_step

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
run_step(sm, "inforelay.pipeline.steps.figures:fig_distribution",
         sm.input[0], sm.wildcards.task, sm.output.png)
