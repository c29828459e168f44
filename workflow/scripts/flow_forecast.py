"""Flow analysis of one forecaster (rule flow_forecast)."""

from inforelay.pipeline.runner.jobs import run_step

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
run_step(sm, "inforelay.pipeline.steps.flow:analyze_forecaster",
         dict(sm.wildcards), sm.input[0], sm.output.flow, sm.output.table,
         sm.params.analysis, sm.params.include_cell)
