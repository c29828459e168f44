"""Paper Figs. 4/5: accuracy per concept after knocking out relay, non-relay and random sets (rule fig04_05_knockout)."""

from inforelay.pipeline.runner.jobs import run_step

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
run_step(sm, "inforelay.pipeline.steps.figures:fig_knockout",
         sm.input[0], sm.wildcards.task, sm.output.png, sm.params.ablation)
