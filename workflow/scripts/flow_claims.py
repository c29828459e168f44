"""The five questions of the flow branch as tested claims (rule flow_claims)."""

from inforelay.pipeline.jobs import setup_job
from inforelay.pipeline.steps.flow_summary import flow_claims

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
setup_job(sm.log, sm.threads, sm.rule)
flow_claims(
    sm.input.networks, sm.input.neurons, sm.input.phases, sm.output[0], sm.params.alpha
)
