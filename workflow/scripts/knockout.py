"""Knock out each concept's relay units and random sets at t_k (rule knockout)."""

from inforelay.pipeline.jobs import run_step

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
run_step(sm, "inforelay.pipeline.steps.knockout:knockout",
         dict(sm.wildcards), sm.input.network, sm.input.data, sm.input.relay, sm.output[0],
         sm.params.knockout)
