"""Relay information over time of a condition's recordings (rule relay)."""

from inforelay.pipeline.runner.jobs import run_step

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
run_step(sm, "inforelay.pipeline.steps.relay:relay_condition",
         dict(sm.wildcards), sm.params.replicates, list(sm.input.recordings), list(sm.output),
         sm.params.relay)
