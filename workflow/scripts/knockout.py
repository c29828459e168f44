"""Knock out each concept's relay units and random sets at t_k, for a condition's networks
(rule knockout)."""

from inforelay.pipeline.runner.jobs import run_step

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
run_step(sm, "inforelay.pipeline.steps.knockout:knockout_condition",
         dict(sm.wildcards), sm.params.replicates, list(sm.input.networks), list(sm.input.relays),
         list(sm.output), sm.params.analysis, sm.params.data_sets, sm.params.knockout)
