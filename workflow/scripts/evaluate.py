"""Accuracy of one network at every evaluation delay (rule evaluate)."""

from inforelay.pipeline.jobs import setup_job
from inforelay.pipeline.steps.evaluate import evaluate

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
setup_job(sm.log, sm.threads, sm.rule)
evaluate(dict(sm.wildcards), sm.input.network, sm.input.data, sm.output[0])
