"""Stability over time, concept distribution and relay at t_k of every network, from its relay file
(rule aggregate_relay)."""

from inforelay.pipeline.runner.jobs import run_step

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
run_step(sm, "inforelay.pipeline.steps.relay_tables:relay_tables",
         list(sm.input), sm.output.stability, sm.output.distribution,
         sm.params.stability["carrier_method"], sm.output.relay, sm.output.dynamics)
