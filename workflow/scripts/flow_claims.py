"""The five questions of the flow branch as tested claims (rule flow_claims)."""

from inforelay.pipeline.runner.jobs import run_step

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
run_step(sm, "inforelay.pipeline.steps.flow_summary:flow_claims",
         sm.input.networks, sm.input.neurons, sm.input.phases, sm.output[0], sm.params.alpha)
