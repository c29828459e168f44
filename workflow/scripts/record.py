"""Record every state of one network on its analysis set (rule record)."""

from inforelay.pipeline.jobs import run_step

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
run_step(sm, "inforelay.pipeline.steps.record:record",
         sm.input.network, sm.input.data, sm.output[0])
