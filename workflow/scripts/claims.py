"""Test the paper's claims on the aggregated tables (rule claims)."""

from inforelay.pipeline.jobs import setup_job
from inforelay.pipeline.steps.claims import paper_claims

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
setup_job(sm.log, sm.threads, sm.rule)
paper_claims(
    dict(sm.input.items()),
    sm.output.csv,
    sm.output.md,
    sm.params.training_delays,
    sm.params.experiment,
)
