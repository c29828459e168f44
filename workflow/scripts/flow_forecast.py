"""Flow analysis of one forecaster (rule flow_forecast)."""

from inforelay.pipeline.jobs import setup_job
from inforelay.pipeline.steps.flow import analyze_forecaster

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
setup_job(sm.log, sm.threads, sm.rule)
analyze_forecaster(
    dict(sm.wildcards),
    sm.input[0],
    sm.output.flow,
    sm.output.table,
    sm.params.analysis,
    sm.params.include_cell,
)
