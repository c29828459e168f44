"""Record every state of one forecaster on non-overlapping windows (rule flow_record_forecast)."""

from inforelay.pipeline.runner.jobs import run_step

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
run_step(sm, "inforelay.pipeline.steps.forecast:record_forecaster",
         sm.input.network, sm.output[0], sm.params.forecast)
