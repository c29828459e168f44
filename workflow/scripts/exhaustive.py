"""Greedy vs exhaustive relay sets of a condition's first networks (rule exhaustive)."""

from inforelay.pipeline.runner.jobs import run_step

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
run_step(sm, "inforelay.pipeline.steps.exhaustive:exhaustive_condition",
         dict(sm.wildcards), sm.params.replicates, list(sm.input.networks), list(sm.input.recordings),
         list(sm.input.knockouts), list(sm.output), sm.params.test, sm.params.data_sets,
         sm.params.relay, sm.params.knockout)
