"""Paper Figs. 8/9: stability of the relay distribution over time (rule fig08_09_stability)."""

from inforelay.pipeline.runner.jobs import run_step

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
run_step(sm, "inforelay.pipeline.steps.figures:fig_stability",
         sm.input[0], sm.wildcards.measure, sm.output.png)
