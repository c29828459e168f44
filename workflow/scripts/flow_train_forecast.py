"""Train one forecaster with per-epoch monitors (rule flow_train_forecast)."""

from inforelay.pipeline.runner.jobs import run_step

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
run_step(sm, "inforelay.pipeline.steps.forecast:train_forecaster",
         dict(sm.wildcards), sm.output.network, sm.output.history, sm.params.forecast,
         threads=sm.threads)
