"""Accuracy of one network at every evaluation delay (rule evaluate)."""

from inforelay.pipeline.jobs import run_step

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
run_step(sm, "inforelay.pipeline.steps.evaluate:evaluate",
         dict(sm.wildcards), sm.input.network, sm.input.data, sm.output[0])
