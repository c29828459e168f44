"""Concatenate per-network CSV tables into one tidy table (rules aggregate_generalization, aggregate_knockout, aggregate_latent)."""

from inforelay.pipeline.jobs import run_step
from inforelay.pipeline.steps.network_tables import network_tables

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
run_step(sm, network_tables, list(sm.input), sm.output[0])
