"""Cluster quality of h at t_k under relay-ordered vs random unit removal (rule latent)."""

from inforelay.pipeline.jobs import setup_job
from inforelay.pipeline.steps.latent import latent

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
setup_job(sm.log, sm.threads, sm.rule)
latent(dict(sm.wildcards), sm.input.activations, sm.input.relay, sm.output[0], sm.params.latent)
