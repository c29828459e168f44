"""Knock out each concept's relay, non-relay and random unit sets at t_k and inject noise into
them, on the held-out test set, for a condition's networks (rule knockout)."""

from inforelay.pipeline.runner.jobs import run_step

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
run_step(sm, "inforelay.pipeline.steps.knockout:knockout_condition",
         dict(sm.wildcards), sm.params.replicates, list(sm.input.networks), list(sm.input.relays),
         list(sm.output.knockout), list(sm.output.noise), sm.params.splits, sm.params.data_sets,
         sm.params.knockout)
