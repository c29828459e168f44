"""Paper Fig. 12: PCA of the hidden state at t_k, coloured by the 8 concept states (rule fig12_pca)."""

from inforelay.pipeline.runner.jobs import run_step

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
run_step(sm, "inforelay.pipeline.steps.figures:fig_pca", sm.input[0], sm.output.png)
