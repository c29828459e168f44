"""Paper Fig. 3: the greedy search and per-unit relay of one network at t_k (rule fig03_greedy)."""

from inforelay.pipeline.runner.jobs import run_step

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
run_step(sm, "inforelay.pipeline.steps.figures:fig_greedy", sm.input[0], sm.output.png)
