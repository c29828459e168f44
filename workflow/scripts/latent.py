"""Cluster quality of h at t_k under relay-ordered vs random unit removal, and the attractors of
the delay, on the held-out test sets of a condition's networks (rule latent)."""

from inforelay.pipeline.runner.jobs import run_step

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
run_step(sm, "inforelay.pipeline.steps.latent:latent_condition",
         dict(sm.wildcards), sm.params.replicates, list(sm.input.networks), list(sm.input.relays),
         list(sm.output.latent), list(sm.output.attractors), sm.params.test, sm.params.data_sets,
         sm.params.latent)
