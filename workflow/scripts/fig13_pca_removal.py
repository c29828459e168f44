"""Paper Fig. 13: PCA as units are removed in relay order vs at random (rule fig13_pca_removal)."""

from inforelay.pipeline.runner.jobs import run_step

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
run_step(sm, "inforelay.pipeline.steps.figures:fig_pca_removal",
         sm.input.activations, sm.input.relay, sm.input.scores, sm.input.table,
         sm.output.png, sm.output.summary_png)
