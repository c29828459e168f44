"""Shuffle-null level and bias-corrected per-unit relay of a condition's networks (rule relay_null)."""

from inforelay.pipeline.runner.jobs import run_step

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
run_step(sm, "inforelay.pipeline.steps.relay_null:relay_null_condition",
         dict(sm.wildcards), sm.params.replicates, list(sm.input.recordings), list(sm.input.relays),
         list(sm.output.null), list(sm.output.steps), sm.params.relay_null, sm.params.relay)
