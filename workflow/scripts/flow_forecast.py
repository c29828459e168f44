"""Flow analysis of one forecaster (rule flow_forecast)."""

from inforelay.pipeline.jobs import run_step
from inforelay.pipeline.steps.flow import analyze_forecaster

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
run_step(sm, analyze_forecaster, dict(sm.wildcards), sm.input[0], sm.output.flow, sm.output.table,
         sm.params.analysis, sm.params.include_cell)
