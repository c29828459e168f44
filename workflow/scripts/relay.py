"""Relay information over time of one network's recording (rule relay)."""

from inforelay.pipeline.jobs import run_step

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
run_step(sm, "inforelay.pipeline.steps.relay:relay",
         dict(sm.wildcards), sm.input[0], sm.output[0], sm.params.relay)
