"""Record every state of a condition's networks on their analysis sets (rule record)."""

from inforelay.pipeline.runner.jobs import run_step

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
run_step(sm, "inforelay.pipeline.steps.record:record_condition",
         dict(sm.wildcards), sm.params.replicates, list(sm.input.networks), list(sm.output),
         sm.params.analysis, sm.params.data_sets)
