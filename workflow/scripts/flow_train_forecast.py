"""Train one forecaster with per-epoch monitors (rule flow_train_forecast)."""

from inforelay.pipeline.jobs import setup_job
from inforelay.pipeline.steps.forecast import train_forecaster

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
setup_job(sm.log, sm.threads, sm.rule)
train_forecaster(
    dict(sm.wildcards),
    sm.output.network,
    sm.output.history,
    sm.params.forecast,
    threads=sm.threads,
)
