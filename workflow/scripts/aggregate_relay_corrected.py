"""Stability and concept distribution of every network from its shuffle-corrected relay
(rule aggregate_relay_corrected)."""

from inforelay.pipeline.runner.jobs import run_step

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
run_step(sm, "inforelay.pipeline.steps.relay_tables:corrected_tables",
         list(sm.input), sm.output.stability, sm.output.distribution,
         sm.params.stability["carrier_method"])
