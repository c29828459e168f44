"""Flow analysis of one of the paper's networks (rule flow_network)."""

from inforelay.pipeline.runner.jobs import run_step

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
run_step(sm, "inforelay.pipeline.steps.flow:analyze_network",
         dict(sm.wildcards), sm.input.activations, sm.input.get("relay"), sm.output.flow,
         sm.output.table, sm.params.analysis, sm.params.include_cell)
