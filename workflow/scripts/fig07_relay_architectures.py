"""Paper Fig. 7: relay over time for one network per architecture, fixed and random training
delays (rule fig07_relay_architectures)."""

from inforelay.pipeline.runner.jobs import run_step

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
run_step(sm, "inforelay.pipeline.steps.figures:fig_relay_architectures",
         list(sm.input.fixed), list(sm.input.random), sm.params.models, sm.params.fixed_delay,
         sm.params.analysis_delay, sm.output.png)
