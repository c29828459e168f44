"""Record every state of one forecaster on non-overlapping windows (rule flow_record_forecast)."""

from inforelay.pipeline.jobs import run_step
from inforelay.pipeline.steps.forecast import record_forecaster

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
run_step(sm, record_forecaster, sm.input.network, sm.output[0], sm.params.forecast)
