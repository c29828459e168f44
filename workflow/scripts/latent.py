"""Cluster quality of h at t_k under relay-ordered vs random unit removal (rule latent)."""

from inforelay.pipeline.jobs import run_step

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
run_step(sm, "inforelay.pipeline.steps.latent:latent",
         dict(sm.wildcards), sm.input.activations, sm.input.relay, sm.output[0], sm.params.latent)
