"""Record every state of one network on its analysis set (rule record)."""

from inforelay.pipeline.jobs import run_step
from inforelay.pipeline.steps.record import record

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
run_step(sm, record, sm.input.network, sm.input.data, sm.output[0])
