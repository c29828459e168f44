"""Concatenate per-network CSV tables into one tidy table (rules aggregate_attractors, aggregate_generalization, aggregate_knockout, aggregate_latent, aggregate_noise)."""

from inforelay.pipeline.runner.jobs import run_step

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
run_step(sm, "inforelay.pipeline.steps.network_tables:network_tables", list(sm.input), sm.output[0])
