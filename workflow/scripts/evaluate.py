"""Accuracy of a condition's networks at every evaluation delay (rule evaluate)."""

from inforelay.pipeline.runner.jobs import run_step

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
run_step(sm, "inforelay.pipeline.steps.evaluate:evaluate_condition",
         dict(sm.wildcards), sm.params.replicates, list(sm.input.networks), list(sm.output),
         sm.params.evaluation)
