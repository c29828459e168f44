"""Paper Fig. 7: relay over time per architecture (the mean over a condition's replicates),
fixed and random training delays (rule fig07_relay_architectures)."""

from inforelay.pipeline.runner.jobs import run_step

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
run_step(sm, "inforelay.pipeline.steps.figures:fig_relay_architectures",
         list(sm.input.fixed), list(sm.input.random), list(sm.input.fixed_corrected),
         list(sm.input.random_corrected), sm.params.models, sm.params.fixed_delay,
         sm.params.analysis_delay, sm.output.png)
